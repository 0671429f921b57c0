"""`pyxen15 bench`: the fixed workload (guests/bench.c), with the MMU off or on.

Three variants of the same run, so the cost of translation is measured
rather than guessed (issue 5, Speed):

* ``off``: the MMU off, as the guest starts (the flat map);
* ``s1``: LPAE stage 1 with 4 KiB pages over all of RAM (and UART0 as
  Device memory), identity-mapped, set up before the guest's first
  instruction as a boot loader would;
* ``s12``: the same stage 1, under a stage 2 (VTCR.SL0 = 1, a 32-bit IPA
  space, 4 KiB pages again, identity) that the core enters from HYP
  mode: the tables are written, HCR.VM, VTTBR and VTCR set while in HYP,
  and the core drops to SVC, where the guest runs.

The tables are built through the Python API (mmu_lpae/tables.py) in the
top 1 MiB of RAM, which the workload does not use; the system registers
are written as a guest MCR would write them.
"""

import json
import subprocess
import sys
import time
from typing import Dict

from .board_vexpress.memmap import BY_NAME
from .errors import PyxenError
from .mmu_lpae.tables import LpaeTables, TableWriter, lpae_attrs, s2_attrs

VARIANTS = ("off", "s1", "s12")
RAM_SIZE = 64 << 20
TABLE_SPACE = 1 << 20

MAIR_NORMAL_WB, MAIR_DEVICE = 0xFF, 0x04
SCTLR_M, SCTLR_C, SCTLR_I = 1 << 0, 1 << 2, 1 << 12
TTBCR_EAE = 1 << 31
HCR_VM = 1 << 0
VTCR_SL0_LEVEL1 = 1 << 6
MODE_SVC_MASKED = 0x1D3


def _identity(tables: LpaeTables, ram_base: int, ram_size: int, normal: int, device: int) -> None:
    for pa in range(ram_base, ram_base + ram_size, 0x1000):
        tables.page(pa, pa, normal)
    base, size = BY_NAME["uart0"].base, BY_NAME["uart0"].size
    for pa in range(base, base + size, 0x1000):
        tables.page(pa, pa, device)


def setup_translation(m, variant: str) -> None:
    """Turn on the translation regime of `variant` in a freshly reset machine."""
    if variant == "off":
        return
    ram = m.ram
    writer = TableWriter(m.mem, ram.base + ram.size - TABLE_SPACE, TABLE_SPACE)
    s1 = LpaeTables(writer)
    _identity(s1, ram.base, ram.size, lpae_attrs(0), lpae_attrs(1, sh=0) | (1 << 54))
    s2 = None
    if variant == "s12":
        s2 = LpaeTables(writer)
        _identity(s2, ram.base, ram.size, s2_attrs(0xF), s2_attrs(0x1, sh=0))
    writer.flush()
    sys = m.cpu.sys
    pc = m.cpu.pc
    if s2 is not None:
        m.reset(hyp=True)
        sys.write("VTCR", VTCR_SL0_LEVEL1 | (1 << 31))
        sys.write("VTTBR", s2.root | (1 << 48))            # VMID 1
        sys.write("HCR", sys.hcr | HCR_VM)
    sys.write("PRRR", MAIR_NORMAL_WB | (MAIR_DEVICE << 8))      # MAIR0
    sys.write("TTBCR", TTBCR_EAE)
    sys.write("TTBR0_64", s1.root)
    sys.write("SCTLR", sys.sctlr | SCTLR_M | SCTLR_C | SCTLR_I)
    m.cpu.set_cpsr(MODE_SVC_MASKED)
    m.cpu.pc = pc


def run_bench_process(image: str, variant: str) -> Dict[str, object]:
    """run_bench in a fresh process of the running interpreter."""
    cmd = [sys.executable, "-m", "pyxen15.cli", "bench", "--json", "--mmu", variant, "--image", image]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        raise PyxenError("bench --mmu %s failed: %s" % (variant, p.stderr.strip().splitlines()[-1:]))
    return json.loads(p.stdout)


def run_bench(image: str, variant: str) -> Dict[str, object]:
    """Run the workload once in `variant`; its figures as a dict."""
    from .machine import Machine
    m = Machine(ram_size=RAM_SIZE)
    out = bytearray()
    m.hooks.add_console(out.extend)
    m.load_elf(image)
    setup_translation(m, variant)
    start, cpu_start = time.perf_counter(), time.process_time()
    result = m.run(max_insns=10 ** 10)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    if result.reason != "exit" or result.exit_code != 0:
        raise PyxenError("bench workload (%s) did not finish cleanly (%s, status %s)" % (
            variant, result.reason, result.exit_code))
    runtime = "%s %s" % (sys.implementation.name, ".".join(map(str, sys.version_info[:3])))
    return {"variant": variant, "instructions": m.icount, "cycles": m.cycles,
            "seconds": round(elapsed, 3), "mips": round(m.icount / elapsed / 1e6, 3),
            # CPU time: what the comparison of variants uses, as other
            # processes on a shared machine disturb wall-clock time more
            "cpu_seconds": round(cpu, 3), "cpu_mips": round(m.icount / cpu / 1e6, 3),
            "runtime": runtime, "output": out.decode("latin-1").strip()}
