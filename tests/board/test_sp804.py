"""SP804 dual timer register map (ARM DDI 0271), clocked by the SP810."""

import pytest

from pyxen15.board_vexpress.sp804 import SP804
from pyxen15.board_vexpress.sp810 import SP810

LOAD, VALUE, CTRL, INTCLR, RIS, MIS, BGLOAD = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18
T2 = 0x20
ONESHOT, SIZE32, INTEN, PERIODIC, ENABLE = 1, 2, 1 << 5, 1 << 6, 1 << 7
SCCTRL = 0x000
TIMCLK_SEL = (1 << 15) | (1 << 17)       # timer enables 0 and 1 from the 1 MHz TIMCLK


@pytest.fixture
def sysctl():
    return SP810("sysctl")


@pytest.fixture
def timer(vtime, sysctl, line):
    sysctl.write(SCCTRL, 4, TIMCLK_SEL)
    return SP804("timer01", vtime.events, sysctl.timer_clock_hz, line)


class TestSP804:
    def test_reset_values(self, timer):
        assert timer.read(LOAD, 4) == 0 and timer.read(VALUE, 4) == 0xFFFFFFFF
        assert timer.read(CTRL, 4) == INTEN and timer.read(T2 + CTRL, 4) == INTEN

    def test_free_running_counts_down_at_1mhz_and_wraps(self, timer, vtime, line):
        timer.write(CTRL, 4, ENABLE | SIZE32 | INTEN)
        vtime.advance(0.001)
        assert timer.read(VALUE, 4) == 0xFFFFFFFF - 1000
        assert not line.level

    def test_the_sp810_selects_the_32khz_refclk_by_default(self, vtime, line):
        t = SP804("timer01", vtime.events, SP810("sysctl").timer_clock_hz, line)
        t.write(CTRL, 4, ENABLE | SIZE32)
        vtime.advance(1.0)
        assert t.read(VALUE, 4) == 0xFFFFFFFF - 32768

    def test_periodic_reloads_and_interrupts_every_period(self, timer, vtime, line):
        timer.write(LOAD, 4, 999)                # 999 ticks to zero, then 1000 from zero to zero
        timer.write(CTRL, 4, ENABLE | PERIODIC | SIZE32 | INTEN)
        vtime.advance(0.0009985)
        assert timer.read(VALUE, 4) == 1 and not line.level
        vtime.advance(0.0000010)
        assert line.level and timer.read(RIS, 4) == 1 and timer.read(MIS, 4) == 1
        timer.write(INTCLR, 4, 0)
        assert not line.level
        vtime.advance(0.001)
        assert line.level                         # the next period's zero
        assert line.changes == [True, False, True]

    def test_oneshot_halts_at_zero(self, timer, vtime, line):
        timer.write(LOAD, 4, 10)
        timer.write(CTRL, 4, ENABLE | ONESHOT | SIZE32 | INTEN)
        vtime.advance(0.001)
        assert timer.read(VALUE, 4) == 0 and line.level
        timer.write(INTCLR, 4, 1)
        vtime.advance(0.01)
        assert not line.level and timer.read(VALUE, 4) == 0

    def test_16_bit_counter_wraps_at_ffff(self, timer, vtime):
        timer.write(LOAD, 4, 0x12345)
        timer.write(CTRL, 4, ENABLE | INTEN)      # free-running, 16-bit
        assert timer.read(VALUE, 4) == 0x2345
        vtime.advance(0x2346 / 1e6)
        assert timer.read(VALUE, 4) == 0xFFFF

    @pytest.mark.parametrize("pre, div", [(0, 1), (1, 16), (2, 256)])
    def test_prescaler_divides_the_clock(self, timer, vtime, pre, div):
        timer.write(LOAD, 4, 100000)
        timer.write(CTRL, 4, ENABLE | PERIODIC | SIZE32 | pre << 2)
        vtime.advance(div * 500 / 1e6)
        assert timer.read(VALUE, 4) == 100000 - 500

    def test_bgload_sets_the_next_reload_only(self, timer, vtime):
        timer.write(LOAD, 4, 1000)
        timer.write(CTRL, 4, ENABLE | PERIODIC | SIZE32)
        vtime.advance(0.0001)
        timer.write(BGLOAD, 4, 50)
        assert timer.read(VALUE, 4) == 900 and timer.read(LOAD, 4) == 50
        vtime.advance(0.000901)
        assert timer.read(VALUE, 4) == 50

    def test_masked_interrupt_sets_ris_not_the_line(self, timer, vtime, line):
        timer.write(LOAD, 4, 5)
        timer.write(CTRL, 4, ENABLE | ONESHOT | SIZE32)
        vtime.advance(0.001)
        assert timer.read(RIS, 4) == 1 and timer.read(MIS, 4) == 0 and not line.level

    def test_both_counters_share_one_line(self, timer, vtime, line):
        timer.write(T2 + LOAD, 4, 5)
        timer.write(T2 + CTRL, 4, ENABLE | ONESHOT | SIZE32 | INTEN)
        vtime.advance(0.001)
        assert line.level and timer.read(RIS, 4) == 0 and timer.read(T2 + RIS, 4) == 1
        timer.write(T2 + INTCLR, 4, 0)
        assert not line.level

    def test_disabled_counter_holds_its_value(self, timer, vtime):
        timer.write(LOAD, 4, 1000)
        timer.write(CTRL, 4, ENABLE | PERIODIC | SIZE32)
        vtime.advance(0.0001)
        timer.write(CTRL, 4, PERIODIC | SIZE32)
        vtime.advance(0.1)
        assert timer.read(VALUE, 4) == 900

    def test_primecell_ids_say_sp804(self, timer):
        assert [timer.read(0xFE0 + 4 * i, 4) for i in range(4)] == [0x04, 0x18, 0x14, 0x00]


class TestSP810:
    def test_timer_enable_selects(self, sysctl):
        assert sysctl.timer_clock_hz(0) == 32768          # reset: REFCLK
        sysctl.write(SCCTRL, 4, TIMCLK_SEL)
        assert sysctl.timer_clock_hz(0) == 1000000 and sysctl.timer_clock_hz(2) == 32768
        sysctl.write(SCCTRL, 4, 1 << 19)
        assert sysctl.timer_clock_hz(0) == 32768 and sysctl.timer_clock_hz(2) == 1000000

    def test_peripheral_clock_enable_and_disable(self, sysctl):
        sysctl.write(0x028, 4, 0x6)                 # SCPERDIS
        assert sysctl.read(0x02C, 4) == 0xFFFFFFF9
        sysctl.write(0x024, 4, 0x2)                 # SCPEREN
        assert sysctl.read(0x02C, 4) == 0xFFFFFFFB
