"""How much a User<->SVC round trip costs under the MMU, with the soft TLB's
contexts (the engine's design) and with one table set flushed on every
context change (the design it replaced), on the runtime that runs this.

    .venv/bin/python scripts/bench_context_switch.py
    .venv-pypy/bin/python scripts/bench_context_switch.py

A User-mode loop makes 100,000 SVC calls, each returning with MOVS PC, LR,
under LPAE stage 1 (pyxen15 bench's s1 tables, with PL0 access).  Needs
arm-none-eabi-as/ld (make setup).

Then the bench workload under stage 1 with its ASID changed every 100,000
instructions, over 1 and over 32 ASIDs: each ASID is a context whose blocks
are rebound from the same code objects, which is what PyPy's JIT sees when
an operating system switches processes.
"""

import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from pyxen15 import bench as B  # noqa: E402
from pyxen15.cli import _tune_pypy_jit  # noqa: E402
from pyxen15.cpu import core as C  # noqa: E402
from pyxen15.machine import Machine  # noqa: E402

CALLS = 100000
SOURCE = r"""
    .syntax unified
    .arm
    .global _start
_start: b reset
    b .
    b svc_handler
    .rept 5
    b .
    .endr
reset:
    ldr r0, =0x80000000
    mcr p15, 0, r0, c12, c0, 0          @ VBAR
    ldr sp, =0x80080000
    cps #0x10                           @ User mode
    ldr sp, =0x80070000
    ldr r4, =%d
1:  ldr r1, [sp, #-4]
    add r1, r1, #1
    str r1, [sp, #-4]
    svc #1
    subs r4, r4, #1
    bne 1b
    mov r0, #0x18
    ldr r1, =0x20026
    svc #0x123456                       @ semihosting exit
svc_handler:
    push {r0, r1}
    ldr r0, [sp]
    add r0, r0, #1
    pop {r0, r1}
    movs pc, lr
""" % CALLS


def build(tmp: str) -> str:
    s, o, elf = (os.path.join(tmp, n) for n in ("sw.S", "sw.o", "sw.elf"))
    with open(s, "w") as f:
        f.write(SOURCE)
    subprocess.run(["arm-none-eabi-as", "-mcpu=cortex-a15", s, "-o", o], check=True)
    subprocess.run(["arm-none-eabi-ld", "-Ttext=0x80000000", o, "-o", elf], check=True)
    return elf


def run(elf: str) -> float:
    m = Machine(ram_size=B.RAM_SIZE)
    m.load_elf(elf)
    B.setup_translation(m, "s1")
    start = time.process_time()
    result = m.run(max_insns=10 ** 8)
    assert result.reason == "exit", result
    return time.process_time() - start


def main() -> None:
    _tune_pypy_jit()
    plain = B.lpae_attrs
    B.lpae_attrs = lambda idx=0, ap=0, sh=3, af=True: plain(idx, 1, sh, af)     # PL0 may access
    with tempfile.TemporaryDirectory() as tmp:
        elf = build(tmp)
        contexts = run(elf)
        update = C.Core.update_context

        def flushing(self):
            before = self.tlb.cur.key
            update(self)
            if self.tlb.cur.key != before:
                self.tlb.flush()
        C.Core.update_context = flushing
        flushed = run(elf)
        C.Core.update_context = update
    print("%s: %d syscalls: contexts %.0f/s, flush on every change %.0f/s (%.1fx)" % (
        sys.implementation.name, CALLS, CALLS / contexts, CALLS / flushed, flushed / contexts))
    for asids in (1, 32):
        print("%s: bench under stage 1, ASID changed every 100,000 instructions over %d: %.2f MIPS" % (
            sys.implementation.name, asids, asid_rotation(asids, 100000)))


def asid_rotation(asids: int, chunk: int) -> float:
    m = Machine(ram_size=B.RAM_SIZE)
    m.load_elf(os.path.join(ROOT, "guests", "build", "bench.elf"))
    B.setup_translation(m, "s1")
    root = m.cpu.sys.ttbr0 & ((1 << 40) - 1)
    start = time.process_time()
    i = 0
    while True:
        m.cpu.sys.write("TTBR0_64", root | ((i % asids) << 48))
        i += 1
        if m.run(max_insns=chunk).reason != "max_insns":
            break
    return m.icount / (time.process_time() - start) / 1e6


if __name__ == "__main__":
    main()
