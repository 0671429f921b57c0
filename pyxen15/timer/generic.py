"""The generic timer of one core (ARM ARM B8), driven by virtual time.

The system counter runs at ``counter_hz`` (24 MHz on the V2P-CA15, what
its firmware writes to CNTFRQ) from the core's virtual time (events.py):
CNTPCT = floor(cycles * counter_hz / core_hz), and CNTVCT = CNTPCT -
CNTVOFF (B8.1.1, B8.1.2).  The timer's deadlines are the core's own
(``events.schedule(..., core=)``), so they fire on its clock.

There is one system counter for the board, which every core's timer reads
(:class:`SystemCounter`; smp.build_cores gives the cores one).  B8.1.1
makes it a uniform view of time: a count one core has read, and perhaps
published through memory, is never more than any later read by another
core.  The cores take turns of a quantum (smp.py), so within a round a
core that runs later is behind one that ran earlier; counted from its own
time alone it could read less than the other already did.  Linux's
timekeeping stores the count of its last update (cycle_last) and takes
``(now - cycle_last) & mask`` as the time since: a count a few ticks
back is 2^56 - n ticks, which its multiply wraps into some 734 seconds
forward (dom0's clock jump, issue 8).  So a read returns at least the
highest count any core has read: the counter stands still on a core that
is behind until its own time catches up (at most a quantum).

Three timers are modelled, each a CTL/CVAL/TVAL triple (B8.1.4):

    name  registers     counter  interrupt (V2P-CA15 DTB)
    p     CNTP_*        CNTPCT   PPI 30 (the Non-secure physical timer)
    v     CNTV_*        CNTVCT   PPI 27
    hp    CNTHP_*       CNTPCT   PPI 26 (the HYP timer)

The Secure physical timer (PPI 29) belongs to the Security Extensions,
which the model leaves out: with the core always Non-secure, CNTP_* is the
Non-secure instance and PPI 29 is never asserted.

A timer's condition is met when CTL.ENABLE is 1 and counter >= CVAL
(unsigned 64-bit); CTL.ISTATUS reads the condition, and the interrupt
output is ISTATUS AND NOT CTL.IMASK, a level to the GIC.  TVAL reads
CVAL - counter as a signed 32-bit value, and a write sets
CVAL = counter + SignExtend(TVAL).  The model keeps no per-tick state: it
evaluates the condition on every change and schedules one deadline for the
moment it becomes true.

The event stream (B8.1.5): CNTKCTL.EVNTEN (and CNTHCTL.EVNTEN) generate an
event, as SEV does for this core, each time bit EVNTI of CNTVCT (CNTPCT)
changes in the direction EVNTDIR selects; a WFE waiting for it completes.
"""

from typing import Callable, Dict, Optional

from ..cpu.interrupts import send_event_to

MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1
NEVER = 1 << 62

CTL_ENABLE, CTL_IMASK, CTL_ISTATUS = 1, 2, 4

# The timers: name -> (counter, PPI)
TIMERS = {"p": ("physical", 30), "v": ("virtual", 27), "hp": ("physical", 26)}
PPI_SECURE_PHYSICAL = 29

# Register name -> (timer, field), for the routed CTL/CVAL/TVAL registers.
TIMER_REGS = {
    "CNTP_CTL": ("p", "ctl"), "CNTP_CVAL": ("p", "cval"), "CNTP_TVAL": ("p", "tval"),
    "CNTV_CTL": ("v", "ctl"), "CNTV_CVAL": ("v", "cval"), "CNTV_TVAL": ("v", "tval"),
    "CNTHP_CTL": ("hp", "ctl"), "CNTHP_CVAL": ("hp", "cval"), "CNTHP_TVAL": ("hp", "tval"),
}

# CNTKCTL (B8.2.2) and CNTHCTL (B8.2.3) writable bits; CNTHCTL resets with
# PL1PCTEN and PL1PCEN set (PL1 may use the physical counter and timer).
CNTKCTL_MASK = 0x3FF
CNTHCTL_MASK = 0xFF
CNTHCTL_RESET = 3
EVNTEN, EVNTDIR, EVNTI_SHIFT = 1 << 2, 1 << 3, 4


def _sext32(v: int) -> int:
    return (v & MASK32) - ((v & 0x80000000) << 1)


class SystemCounter:
    """The system counter (B8.1.1) the generic timers of a board's cores
    read: `counter_hz` counts per second of virtual time, never less than
    a count it has already given (see the module docstring)."""

    def __init__(self, counter_hz: int, core_hz: int):
        self.counter_hz = counter_hz
        self.core_hz = core_hz
        self.highest = 0              # the highest count read so far, by any core

    def count(self, cycles: int) -> int:
        """The count at a core's time `cycles`."""
        count = cycles * self.counter_hz // self.core_hz
        if count < self.highest:
            return self.highest
        self.highest = count
        return count


class Timer:
    """One of the three timers: CTL (ENABLE, IMASK), CVAL, and its output line."""

    def __init__(self, owner: "GenericTimer", name: str):
        self.owner = owner
        self.name = name
        self.virtual = TIMERS[name][0] == "virtual"
        self.ppi = TIMERS[name][1]
        self.output: Callable[[bool], None] = lambda level: None
        self.level = False
        self.ctl = 0
        self.cval = 0
        self._deadline = None

    def count(self) -> int:
        o = self.owner
        return o.virtual_count() if self.virtual else o.physical_count()

    def istatus(self) -> bool:
        return bool(self.ctl & CTL_ENABLE) and self.count() >= self.cval

    def read(self, field: str) -> int:
        if field == "ctl":
            return self.ctl | (CTL_ISTATUS if self.istatus() else 0)
        if field == "cval":
            return self.cval
        return (self.cval - self.count()) & MASK32          # tval

    def write(self, field: str, value: int) -> None:
        if field == "ctl":
            self.ctl = value & (CTL_ENABLE | CTL_IMASK)
        elif field == "cval":
            self.cval = value & MASK64
        else:
            self.cval = (self.count() + _sext32(value)) & MASK64
        self.update()

    def update(self) -> None:
        """Drive the output from the condition, and schedule the deadline
        at which it will become true."""
        ev = self.owner.events
        ev.cancel(self._deadline)
        self._deadline = None
        met = self.istatus()
        level = met and not self.ctl & CTL_IMASK
        if level != self.level:
            self.level = level
            self.output(level)
        if self.ctl & CTL_ENABLE and not met:
            # The physical count at which this timer's counter reaches CVAL.
            target = self.owner.physical_count() + (self.cval - self.count())
            cycle = ev.cycle_of(target, self.owner.counter_hz)
            if cycle < NEVER:
                self._deadline = ev.schedule(cycle, self.update, core=self.owner.core)


class GenericTimer:
    """The generic timer registers of one core, and its three timers."""

    def __init__(self, core, events, counter_hz: int = 24000000):
        self.core = core
        self.events = events
        self.counter_hz = counter_hz
        self.counter = SystemCounter(counter_hz, events.core_hz)    # smp.py shares one
        self.timers: Dict[str, Timer] = {name: Timer(self, name) for name in TIMERS}
        self._stream = {}          # "k" / "h" -> Deadline of the next event-stream tick
        self.reset()

    def reset(self) -> None:
        self.cntfrq = self.counter_hz
        self.cntkctl = 0
        self.cnthctl = CNTHCTL_RESET
        self.cntvoff = 0
        for t in self.timers.values():
            t.ctl = 0
            t.cval = 0
            t.update()
        for key in list(self._stream):
            self.events.cancel(self._stream.pop(key))

    def connect(self, name: str, output: Callable[[bool], None]) -> None:
        """Wire timer `name`'s interrupt output (a GIC PPI line)."""
        t = self.timers[name]
        t.output = output
        output(t.level)

    # -- counters -------------------------------------------------------------------

    def physical_count(self) -> int:
        """CNTPCT (B8.1.1): the system counter at this core's time."""
        return self.counter.count(self.core.cycles)

    def virtual_count(self) -> int:
        """CNTVCT = CNTPCT - CNTVOFF (B8.1.2)."""
        return (self.physical_count() - self.cntvoff) & MASK64

    # -- register access, by the names the system-register table routes ------------------

    def read(self, name: str) -> int:
        if name in TIMER_REGS:
            timer, field = TIMER_REGS[name]
            return self.timers[timer].read(field)
        if name == "CNTPCT":
            return self.physical_count()
        if name == "CNTVCT":
            return self.virtual_count()
        return getattr(self, name.lower())                # CNTFRQ, CNTKCTL, CNTHCTL, CNTVOFF

    def write(self, name: str, value: int) -> None:
        if name in TIMER_REGS:
            timer, field = TIMER_REGS[name]
            self.timers[timer].write(field, value)
        elif name == "CNTFRQ":
            # CNTFRQ only tells software the frequency (B8.2.1); it does not change it.
            self.cntfrq = value & MASK32
        elif name == "CNTKCTL":
            self.cntkctl = value & CNTKCTL_MASK
            self._event_stream("k")
        elif name == "CNTHCTL":
            self.cnthctl = value & CNTHCTL_MASK
            self._event_stream("h")
        elif name == "CNTVOFF":
            self.cntvoff = value & MASK64
            self.timers["v"].update()
            self._event_stream("k")
        else:
            raise KeyError("%s is not a generic timer register" % name)

    # -- the event stream (B8.1.5) -----------------------------------------------------

    def _event_stream(self, which: str) -> None:
        """(Re)schedule the next event of the CNTKCTL ("k", on CNTVCT) or the
        CNTHCTL ("h", on CNTPCT) event stream."""
        self.events.cancel(self._stream.pop(which, None))
        ctl = self.cntkctl if which == "k" else self.cnthctl
        if not ctl & EVNTEN:
            return
        bit = (ctl >> EVNTI_SHIFT) & 0xF
        count = self.virtual_count() if which == "k" else self.physical_count()
        # The selected bit goes 0->1 (EVNTDIR = 0) or 1->0 (EVNTDIR = 1) once
        # every 2^(bit+1) counts, at count = k * 2^(bit+1) + (2^bit or 0).
        period = 2 << bit
        phase = 0 if ctl & EVNTDIR else (1 << bit)
        nxt = count + period - (count - phase) % period
        target = self.physical_count() + (nxt - count)
        cycle = self.events.cycle_of(target, self.counter_hz)

        def tick() -> None:
            self._stream.pop(which, None)
            send_event_to(self.core)
            self._event_stream(which)
        self._stream[which] = self.events.schedule(cycle, tick, core=self.core)
