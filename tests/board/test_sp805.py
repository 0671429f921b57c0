"""SP805 watchdog register map (ARM DDI 0270)."""

import pytest

from pyxen15.board_vexpress.sp805 import SP805

LOAD, VALUE, CTRL, INTCLR, RIS, MIS, LOCK = 0x000, 0x004, 0x008, 0x00C, 0x010, 0x014, 0xC00
INTEN, RESEN = 1, 2


@pytest.fixture
def wdt(vtime, line):
    resets = []
    w = SP805("wdt", vtime.events, line, lambda: resets.append(vtime.events.now()))
    w.resets = resets
    return w


class TestSP805:
    def test_reset_values(self, wdt):
        assert wdt.read(LOAD, 4) == 0xFFFFFFFF and wdt.read(VALUE, 4) == 0xFFFFFFFF
        assert wdt.read(CTRL, 4) == 0 and wdt.read(LOCK, 4) == 0

    def test_counts_at_32khz_while_enabled(self, wdt, vtime):
        wdt.write(LOAD, 4, 32768 * 10)
        vtime.advance(1)
        assert wdt.read(VALUE, 4) == 32768 * 10           # not running yet
        wdt.write(CTRL, 4, INTEN)
        vtime.advance(1)
        assert wdt.read(VALUE, 4) == 32768 * 9

    def test_first_timeout_interrupts_and_reloads_second_resets(self, wdt, vtime, line):
        wdt.write(LOAD, 4, 32768)
        wdt.write(CTRL, 4, INTEN | RESEN)
        vtime.advance(1.001)
        assert line.level and wdt.read(RIS, 4) == 1 and wdt.read(MIS, 4) == 1
        assert wdt.resets == []
        vtime.advance(1.0)
        assert len(wdt.resets) == 1

    def test_intclr_lowers_and_reloads(self, wdt, vtime, line):
        wdt.write(LOAD, 4, 32768)
        wdt.write(CTRL, 4, INTEN | RESEN)
        vtime.advance(1.001)
        wdt.write(INTCLR, 4, 0)
        assert not line.level and wdt.read(VALUE, 4) == 32768
        vtime.advance(0.9)
        assert wdt.resets == [] and not line.level

    def test_without_resen_a_second_timeout_only_interrupts(self, wdt, vtime, line):
        wdt.write(LOAD, 4, 100)
        wdt.write(CTRL, 4, INTEN)
        vtime.advance(1)
        assert line.level and wdt.resets == []

    def test_lock_protects_the_other_registers(self, wdt):
        wdt.write(LOCK, 4, 0)
        assert wdt.read(LOCK, 4) == 1
        wdt.write(LOAD, 4, 5)
        assert wdt.read(LOAD, 4) == 0xFFFFFFFF
        wdt.write(LOCK, 4, 0x1ACCE551)
        wdt.write(LOAD, 4, 5)
        assert wdt.read(LOCK, 4) == 0 and wdt.read(LOAD, 4) == 5

    def test_primecell_ids_match_linux_sp805_driver(self, wdt):
        assert [wdt.read(0xFE0 + 4 * i, 4) for i in range(4)] == [0x05, 0x18, 0x14, 0x00]
