"""Several cores: the firmware's hold for secondaries, Inner Shareable TLB
maintenance, SEV across cores, code written by one core and run by another,
--smp bounds."""

import os
import sys

import pytest

from pyxen15.errors import PyxenError
from pyxen15.machine import Machine

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "cpu"))
from snippets import gnu_assemble  # noqa: E402

CODE = 0x80000000


def asm(src, addr=CODE):
    """A32 code (position-independent: branches and literal pools are PC-relative)."""
    return gnu_assemble(src.replace(";", "\n"), False)


def test_smp_bounds_are_one_line_errors():
    for n in (0, 5):
        with pytest.raises(PyxenError):
            Machine(ram_size=16 << 20, smp=n)


def test_mpidr_per_core_is_cluster_0_cpu_n():
    m = Machine(ram_size=16 << 20, smp=4)
    assert [c.sys.mpidr for c in m.cpus] == [0x80000000 | n for n in range(4)]
    assert all(c.sys.read("L2CTLR") >> 24 & 3 == 3 for c in m.cpus)


def test_a_held_secondary_starts_at_sys_flags_after_an_sgi():
    m = Machine(ram_size=16 << 20, smp=2)
    m.reset(hyp=True)
    # core 0: SYS_FLAGS = 0x80000100, distributor on, SGI 0 to core 1, then spin
    m.mem.write(CODE, asm(
        "ldr r0, =0x1C010030; ldr r1, =0x80000100; str r1, [r0];"
        "ldr r0, =0x2C001000; mov r1, #1; str r1, [r0];"
        "ldr r1, =0x00020000; str r1, [r0, #0xF00];"
        "1: b 1b"))
    # what core 1 runs once released: mark, then spin
    m.mem.write(CODE + 0x100, asm("ldr r0, =0x80000200; mov r1, #0x5A; str r1, [r0]; 1: b 1b",
                                  CODE + 0x100))
    m.cpu.pc = CODE
    m.hold_secondaries()
    m.run(max_insns=100000)
    assert m.mem.read(CODE + 0x200, 1) == b"\x5a"
    assert m.cpus[1].mode == 0x1A                 # still in HYP, as firmware left it


def test_a_held_secondary_ignores_the_sgi_while_sys_flags_is_zero():
    m = Machine(ram_size=16 << 20, smp=2)
    m.reset(hyp=True)
    m.mem.write(CODE, asm("ldr r0, =0x2C001000; mov r1, #1; str r1, [r0];"
                          "ldr r1, =0x00020000; str r1, [r0, #0xF00]; 1: b 1b"))
    m.cpu.pc = CODE
    m.hold_secondaries()
    m.run(max_insns=50000)
    assert 0x2E000000 <= m.cpus[1].pc < 0x2E000040


def test_sev_wakes_a_wfe_on_the_other_core():
    m = Machine(ram_size=16 << 20, smp=2)
    # core 1 waits in WFE for a flag; core 0 sets it and sends SEV
    m.mem.write(CODE, asm(
        "mrc p15, 0, r0, c0, c0, 5; ands r0, r0, #3; bne 2f;"
        "ldr r1, =0x80000300; mov r2, #1; str r2, [r1]; dsb; sev; 1: b 1b;"
        "2: ldr r1, =0x80000300; 3: wfe; ldr r2, [r1]; cmp r2, #0; beq 3b;"
        "mov r3, #0x77; str r3, [r1, #4]; 4: b 4b"))
    for c in m.cpus:
        c.pc = CODE
    m.run(max_insns=100000)
    assert m.mem.read(CODE + 0x304, 1) == b"\x77"


def test_a_count_read_after_another_cores_is_never_lower():
    """The one system counter (B8.1.1) across cores that run in turns: core 0
    reads CNTPCT and publishes it; core 1 reads the published count, then
    its own, and counts the times its own is lower.  Core 1 runs after
    core 0 in every round, so its own time is behind what core 0 read; a
    count from each core's time alone gives core 1 smaller counts, as
    Linux's timekeeping saw (cycle_last from one vCPU, a read behind it on
    the other: dom0's 734-second clock jump, issue 8)."""
    m = Machine(ram_size=16 << 20, smp=2)
    m.mem.write(CODE, asm(
        "mrc p15, 0, r0, c0, c0, 5; ands r0, r0, #3; bne 2f;"
        # core 0: publish its count at 0x80000400 (low word last, so a
        # 64-bit value core 1 sees is never newer than its low word says)
        "ldr r4, =0x80000400;"
        "1: mrrc p15, 0, r0, r1, c14; str r1, [r4, #4]; str r0, [r4]; b 1b;"
        # core 1: published count, then its own; count inversions at +0x10,
        # comparisons at +0x14
        "2: ldr r4, =0x80000400; mov r8, #0; mov r9, #0;"
        "3: ldr r2, [r4]; ldr r3, [r4, #4]; mrrc p15, 0, r0, r1, c14;"
        "cmp r2, #0; cmpeq r3, #0; beq 3b;"
        "add r9, r9, #1; subs r5, r0, r2; sbcs r6, r1, r3; addlt r8, r8, #1;"
        "str r8, [r4, #0x10]; str r9, [r4, #0x14]; b 3b"))
    for c in m.cpus:
        c.pc = CODE
    m.run(max_insns=400000)
    inversions = int.from_bytes(m.mem.read(0x80000410, 4), "little")
    compared = int.from_bytes(m.mem.read(0x80000414, 4), "little")
    assert compared > 10000                       # many rounds of both cores
    assert inversions == 0, "%d of %d reads on core 1 were below core 0's" % (inversions, compared)


def test_code_written_by_one_core_is_retranslated_on_the_other():
    m = Machine(ram_size=16 << 20, smp=2)
    # core 1 loops on "mov r5, #1" in its own page; core 0, after a delay that
    # lets core 1 translate and run that block, rewrites it to "mov r5, #2"
    m.mem.write(CODE + 0x1000, asm("1: mov r5, #1; b 1b"))
    m.mem.write(CODE, asm(
        "ldr r2, =50000; 1: subs r2, r2, #1; bne 1b;"
        "ldr r0, =0x80001000; ldr r1, =0xE3A05002; str r1, [r0]; 2: b 2b"))
    m.cpu.pc = CODE
    m.cpus[1].pc = CODE + 0x1000
    m.run(max_insns=60000)
    assert m.cpus[1].r[5] == 1 and m.cpus[0].r[2] > 0     # before the store
    m.run(max_insns=200000)
    assert m.cpus[0].r[2] == 0 and m.cpus[1].r[5] == 2


def test_inner_shareable_tlb_maintenance_reaches_every_core():
    m = Machine(ram_size=16 << 20, smp=2)
    other = m.cpus[1].tlb
    other.cur.rd[0x12345] = object()
    m.cpu.sys.write("TLBIALLIS", 0)
    assert 0x12345 not in other.cur.rd


def test_tlbimvais_reaches_the_other_core_for_that_page_only():
    m = Machine(ram_size=16 << 20, smp=2)
    other = m.cpus[1].tlb
    other.cur.rd[0x12345] = other.cur.rd[0x12346] = object()
    other.cur.vblocks[0x80000000] = ("a data page's maintenance keeps the blocks",)
    m.cpu.sys.write("TLBIMVAIS", 0x12345000 | 7)      # VA with an ASID in bits [7:0]
    assert 0x12345 not in other.cur.rd and 0x12346 in other.cur.rd
    assert 0x80000000 in other.cur.vblocks
    other.cur.itlb[0x12346] = 0x80000
    m.cpu.sys.write("TLBIMVAIS", 0x12346000)          # a page blocks were fetched from
    assert not other.cur.vblocks


def test_code_written_through_the_bus_is_retranslated_and_iciallu_keeps_the_rest():
    m = Machine(ram_size=16 << 20, smp=2)
    # core 0 runs a block at CODE, and one at CODE + 0x1000 that does ICIALLU
    m.mem.write(CODE, asm("mov r5, #1; b 0x1000"))
    m.mem.write(CODE + 0x1000, asm("mcr p15, 0, r0, c7, c5, 0; 1: b 1b"))
    m.cpu.pc = CODE
    m.cpus[1].pc = CODE + 0x1000
    m.run(max_insns=1000)
    assert m.cpu.r[5] == 1
    blocks = dict(m.cpu.blocks)
    assert blocks and m.cpu.blocks == blocks              # ICIALLU dropped nothing
    # a write through the bus (a device, a debugger), not a core's store
    m.bus.write(CODE, 4, 0xE3A05002)                      # mov r5, #2
    assert not any((key & 0xFFFFFFFF) >> 12 == CODE >> 12 for c in m.cpus for key in c.blocks)
    m.cpu.pc = CODE
    m.run(max_insns=1000)
    assert m.cpu.r[5] == 2


def test_cli_run_smp_bounds_are_one_line_errors():
    import subprocess
    elf = os.path.join(os.path.dirname(__file__), os.pardir, "guests", "build", "hello.elf")
    for n in ("0", "5"):
        p = subprocess.run([sys.executable, "-m", "pyxen15.cli", "run", "--smp", n, elf],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode != 0
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and "--smp" in lines[0] and "Traceback" not in p.stderr

