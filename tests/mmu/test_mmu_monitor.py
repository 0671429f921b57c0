"""The exclusive monitor on physical addresses (A3.4, mmu_lpae/monitor.py)."""

from mmu_helpers import DATA, NORMAL_SECTION, machine, run, short_identity, short_on
from pyxen15.mmu_lpae.monitor import GlobalMonitor

ALIAS = 0x40000000


def test_strex_through_another_va_of_the_same_pa_passes():
    m = machine()
    t = short_identity(m)
    t.section(ALIAS, DATA & ~0xFFFFF, NORMAL_SECTION)
    short_on(m, t)
    off = DATA & 0xFFFFF
    r = run(m, "ldrex r0, [r1]\nmov r3, #9\nstrex r4, r3, [r2]\nldr r5, [r1]",
            regs={1: DATA, 2: ALIAS + off})
    assert r.reason == "until" and m.cpu.r[4] == 0 and m.cpu.r[5] == 9


def test_strex_fails_after_clrex_and_elsewhere():
    m = machine()
    r = run(m, "ldrex r0, [r1]\nclrex\nstrex r4, r3, [r1]\nldrex r0, [r1]\nstrex r5, r3, [r2]\n"
               "strex r6, r3, [r1]", regs={1: DATA, 2: DATA + 4})
    assert r.reason == "until" and (m.cpu.r[4], m.cpu.r[5], m.cpu.r[6]) == (1, 1, 1)


def test_a_store_by_another_core_to_the_granule_clears_the_mark():
    mon = GlobalMonitor()
    mon.mark(0, 0x80000040)
    mon.mark(1, 0x80000100)
    mon.observe_store(1, 0x8000007C, 4)            # same 64-byte granule as core 0's mark
    assert not mon.passes(0, 0x80000040)
    assert mon.passes(1, 0x80000100)
    mon.observe_store(1, 0x80000100, 4)            # a core's own store leaves its mark
    assert mon.passes(1, 0x80000100)
