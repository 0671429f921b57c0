"""ARM SP804 dual-input timer module (ARM DDI 0271), two on the V2M-P1 at
0x1C110000 (timers 0 and 1) and 0x1C120000 (timers 2 and 3).

Each of the two down-counters has Load, Value, Control, IntClr, RIS, MIS
and BGLoad at 0x00 (Timer1) and 0x20 (Timer2).  TimerXControl::

    [7] TimerEn  [6] TimerMode (1 periodic, 0 free-running)  [5] IntEnable
    [3:2] TimerPre (0: /1, 1: /16, 2: /256)  [1] TimerSize (1: 32-bit)
    [0] OneShot

The counter decrements once per tick of its clock (the SP810's choice of
32.768 kHz or 1 MHz, divided by the prescaler).  It raises its interrupt
on reaching zero; then a one-shot counter halts at zero, a periodic one
reloads from Load and a free-running one wraps to its maximum (0xFFFFFFFF,
or 0xFFFF for a 16-bit counter).  A write to Load reloads the counter at
once, a write to BGLoad only sets the next reload.  Reset: Load 0, Value
0xFFFFFFFF, Control 0x20.  The two counters share one interrupt output
(TIMINTC, the DTB's one interrupt per SP804).

Nothing ticks: the counter is (value, tick) at its last (re)start, read
back from the virtual time, and the one moment that matters -- the next
zero -- is a scheduled deadline (events.py).
"""

from typing import Callable, Optional

from .regmap import Reg, RegisterDevice, primecell_id_regs

CTRL_ONESHOT, CTRL_SIZE32, CTRL_INTEN, CTRL_PERIODIC, CTRL_ENABLE = 1, 2, 1 << 5, 1 << 6, 1 << 7
PRESCALE = {0: 1, 1: 16, 2: 256, 3: 256}     # 3 is undefined: treated as 2


class Counter:
    """One of the two down-counters of an SP804."""

    def __init__(self, events, clock_hz: Callable[[], int], changed: Callable[[], None]):
        self.events = events
        self.clock_hz = clock_hz
        self.changed = changed          # the module recomputes its interrupt line
        self.deadline = None
        self.reset()

    def reset(self) -> None:
        self.events.cancel(getattr(self, "deadline", None))
        self.deadline = None
        self.load = 0
        self.control = CTRL_INTEN
        self.ris = 0
        self.clock = 1                  # input clock (Hz) and prescale of the current count
        self.prescale = 1
        self.start_value = 0xFFFFFFFF   # the value at start_tick
        self.start_tick = 0

    # -- the count -------------------------------------------------------------------

    def _max(self) -> int:
        return 0xFFFFFFFF if self.control & CTRL_SIZE32 else 0xFFFF

    def _period(self) -> int:
        """Ticks from one zero to the next, for counters that go on."""
        return (self.load & self._max() if self.control & CTRL_PERIODIC else self._max()) + 1

    def _tick_now(self) -> int:
        """Ticks of the prescaled clock since time 0 (exact: 1 MHz / 256 is not whole)."""
        return self.events.now() * self.clock // (self.events.core_hz * self.prescale)

    def _cycle_of(self, tick: int) -> int:
        return -(-tick * self.events.core_hz * self.prescale // self.clock)

    def _elapsed(self) -> int:
        return self._tick_now() - self.start_tick

    def value(self) -> int:
        if not self.control & CTRL_ENABLE:
            return self.start_value
        e = self._elapsed()
        if e <= self.start_value:
            return self.start_value - e
        if self.control & CTRL_ONESHOT:
            return 0
        period = self._period()
        return period - 1 - (e - self.start_value - 1) % period

    def _restart(self, value: int) -> None:
        """Freeze the count at `value` from now, under the current control."""
        self.events.cancel(self.deadline)
        self.deadline = None
        self.clock = max(1, self.clock_hz())
        self.prescale = PRESCALE[(self.control >> 2) & 3]
        # A disabled counter keeps all 32 bits (Linux loads 0xFFFFFFFF before
        # it selects the 32-bit size); a running one counts in its size.
        self.start_value = value & (self._max() if self.control & CTRL_ENABLE else 0xFFFFFFFF)
        self.start_tick = self._tick_now()
        if self.control & CTRL_ENABLE:
            self._schedule(self.start_tick + self.start_value)

    def _schedule(self, zero_tick: int) -> None:
        self.deadline = self.events.schedule(self._cycle_of(zero_tick), self._zero)

    def _zero(self) -> None:
        """The counter reached zero: raise the interrupt, plan the next zero."""
        self.deadline = None
        self.ris = 1
        self.changed()
        if self.control & CTRL_ONESHOT:
            return
        period = self._period()
        first = self.start_tick + self.start_value
        k = (self._tick_now() - first) // period + 1
        self._schedule(first + k * period)

    # -- register behaviour ---------------------------------------------------------------

    def write_load(self, value: int) -> None:
        self.load = value
        self._restart(value)

    def write_bgload(self, value: int) -> None:
        # The next reload takes it; the current count goes on.
        current = self.value()
        self.load = value
        self._restart(current)

    def write_control(self, value: int) -> None:
        current = self.value() if self.control & CTRL_ENABLE else self.start_value
        self.control = value & 0xEF
        self._restart(current)
        self.changed()

    def clear(self) -> None:
        self.ris = 0
        self.changed()

    def mis(self) -> int:
        return self.ris if self.control & CTRL_INTEN else 0


class SP804(RegisterDevice):
    REGS = [
        Reg(0x000, "Timer1Load"), Reg(0x004, "Timer1Value", "RO"), Reg(0x008, "Timer1Control"),
        Reg(0x00C, "Timer1IntClr", "WO"), Reg(0x010, "Timer1RIS", "RO"), Reg(0x014, "Timer1MIS", "RO"),
        Reg(0x018, "Timer1BGLoad"),
        Reg(0x020, "Timer2Load"), Reg(0x024, "Timer2Value", "RO"), Reg(0x028, "Timer2Control"),
        Reg(0x02C, "Timer2IntClr", "WO"), Reg(0x030, "Timer2RIS", "RO"), Reg(0x034, "Timer2MIS", "RO"),
        Reg(0x038, "Timer2BGLoad"),
        Reg(0xF00, "TimerITCR", "RW", 0, 1),
        Reg(0xF04, "TimerITOP", "WO"),
    ] + primecell_id_regs(part=0x804, revision=1)

    def __init__(self, name: str, events, clock_hz: Callable[[int], int],
                 irq: Optional[Callable[[bool], None]] = None):
        """`clock_hz(n)` is the clock of counter n (0 or 1) of this module."""
        self.irq = irq or (lambda level: None)
        self._line = False
        self.timers = [Counter(events, lambda n=n: clock_hz(n), self._update) for n in (0, 1)]
        RegisterDevice.__init__(self, name)

    def reset(self) -> None:
        RegisterDevice.reset(self)
        for t in self.timers:
            t.reset()
        self._update()

    def _update(self) -> None:
        line = bool(self.timers[0].mis() or self.timers[1].mis())
        if line != self._line:
            self._line = line
            self.irq(line)

    # Timer1 is timers[0], Timer2 timers[1]: one line per register and counter.
    def read_timer1load(self): return self.timers[0].load
    def write_timer1load(self, v): self.timers[0].write_load(v)
    def read_timer1value(self): return self.timers[0].value()
    def read_timer1control(self): return self.timers[0].control
    def write_timer1control(self, v): self.timers[0].write_control(v)
    def write_timer1intclr(self, v): self.timers[0].clear()
    def read_timer1ris(self): return self.timers[0].ris
    def read_timer1mis(self): return self.timers[0].mis()
    def read_timer1bgload(self): return self.timers[0].load
    def write_timer1bgload(self, v): self.timers[0].write_bgload(v)

    def read_timer2load(self): return self.timers[1].load
    def write_timer2load(self, v): self.timers[1].write_load(v)
    def read_timer2value(self): return self.timers[1].value()
    def read_timer2control(self): return self.timers[1].control
    def write_timer2control(self, v): self.timers[1].write_control(v)
    def write_timer2intclr(self, v): self.timers[1].clear()
    def read_timer2ris(self): return self.timers[1].ris
    def read_timer2mis(self): return self.timers[1].mis()
    def read_timer2bgload(self): return self.timers[1].load
    def write_timer2bgload(self, v): self.timers[1].write_bgload(v)
