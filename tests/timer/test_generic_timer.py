"""The generic timer's registers (timer/generic.py), one class per group:
the counters and controls, the three timers, the event stream.  Driven
through the timer's own register entry and virtual time (core cycles)."""

import pytest

from pyxen15.cpu.interrupts import HALT_WFE
from pyxen15.machine import Machine

PPI = {"p": 30, "v": 27, "hp": 26}


@pytest.fixture
def m():
    return Machine(ram_size=16 << 20)


def advance(m, cycles):
    """Move virtual time on and run the deadlines that became due."""
    m.cpu.cycles += cycles
    m.events.run_due()


def ppi_pending(m, ppi):
    return bool(m.bus.read(0x2C001200, 4) >> ppi & 1)


class TestCountersAndControls:
    def test_cntfrq_resets_to_the_board_counter_and_is_only_a_register(self, m):
        t = m.cpu.timer
        assert t.read("CNTFRQ") == 24000000
        t.write("CNTFRQ", 1000)
        advance(m, 1000000)                      # 1 ms
        assert t.read("CNTFRQ") == 1000 and t.read("CNTPCT") == 24000

    def test_cntvct_is_cntpct_minus_cntvoff(self, m):
        t = m.cpu.timer
        advance(m, 10 ** 9)
        t.write("CNTVOFF", 4000000)
        assert t.read("CNTPCT") == 24000000 and t.read("CNTVCT") == 20000000

    def test_cnthctl_resets_with_pl1_access_and_masks_writes(self, m):
        t = m.cpu.timer
        assert t.read("CNTHCTL") == 3
        t.write("CNTHCTL", 0xFFFFFFFF)
        assert t.read("CNTHCTL") == 0xFF
        t.write("CNTKCTL", 0xFFFFFFFF)
        assert t.read("CNTKCTL") == 0x3FF

    def test_the_cores_share_one_counter_that_never_goes_back(self):
        """Core 1 behind core 0 (as in the later turn of a round) reads at
        least what core 0 read; once its own time passes, its own count."""
        m = Machine(ram_size=16 << 20, smp=2)
        a, b = m.cpus
        assert a.timer.counter is b.timer.counter
        a.cycles, b.cycles = 2000000, 1000000                # 2 ms and 1 ms
        assert a.timer.read("CNTPCT") == 48000
        assert b.timer.read("CNTPCT") == 48000 and b.timer.read("CNTVCT") == 48000
        b.cycles = 3000000
        assert b.timer.read("CNTPCT") == 72000


@pytest.mark.parametrize("name", ["p", "v", "hp"])
class TestTimers:
    def test_istatus_and_the_ppi_follow_cval(self, m, name):
        t = m.cpu.timer
        prefix = {"p": "CNTP_", "v": "CNTV_", "hp": "CNTHP_"}[name]
        t.write(prefix + "CVAL", 2400)           # 100 us at 24 MHz
        t.write(prefix + "CTL", 1)
        assert t.read(prefix + "CTL") == 1 and not ppi_pending(m, PPI[name])
        advance(m, 99999)
        assert not ppi_pending(m, PPI[name])
        advance(m, 1)
        assert t.read(prefix + "CTL") == 5 and ppi_pending(m, PPI[name])
        t.write(prefix + "CTL", 3)               # IMASK: the condition stays, the line drops
        assert t.read(prefix + "CTL") == 7 and not ppi_pending(m, PPI[name])

    def test_tval_is_signed_and_counts_down(self, m, name):
        t = m.cpu.timer
        prefix = {"p": "CNTP_", "v": "CNTV_", "hp": "CNTHP_"}[name]
        t.write(prefix + "TVAL", 240)
        advance(m, 20000)                        # 480 ticks: 240 past the deadline
        assert t.read(prefix + "TVAL") == (-240) & 0xFFFFFFFF
        t.write(prefix + "TVAL", 0xFFFFFFFF)     # -1: already expired once enabled
        t.write(prefix + "CTL", 1)
        assert t.read(prefix + "CTL") & 4


class TestEventStream:
    def test_wfe_wakes_on_the_event_stream(self, m):
        t = m.cpu.timer
        # EVNTEN, EVNTI = 3: bit 3 of CNTVCT rises every 16 ticks
        t.write("CNTKCTL", (3 << 4) | (1 << 2))
        m.cpu.halted = HALT_WFE
        advance(m, 1000)                         # 24 ticks: bit 3 rose at 8
        assert not m.cpu.halted

    def test_without_a_waiting_wfe_the_event_register_is_set(self, m):
        m.cpu.timer.write("CNTKCTL", (0 << 4) | (1 << 2))
        advance(m, 1000)
        assert m.cpu.event_register

    def test_disabling_the_stream_stops_it(self, m):
        t = m.cpu.timer
        t.write("CNTKCTL", 1 << 2)
        t.write("CNTKCTL", 0)
        advance(m, 10 ** 6)
        assert not m.cpu.event_register
