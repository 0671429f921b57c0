"""ARM PrimeCell PL031 real-time clock at 0x1C170000 (ARM DDI 0224).

A 32-bit counter of seconds: RTCDR reads it, RTCLR sets it (and reads back
what was written), RTCMR holds a match value that raises the interrupt when
the counter reaches it (RTCRIS, masked by RTCIMSC, cleared by RTCICR).
RTCCR's start bit reads as one: the clock always runs, as in QEMU's model.

The count is an epoch plus the virtual time in whole seconds.  The epoch is
given by the board (``--rtc-base``) or, by default as QEMU does, the host's
time once at construction: reading the host clock never happens after that,
so a run with a fixed epoch is deterministic.
"""

from typing import Callable, Optional

from .regmap import Reg, RegisterDevice, primecell_id_regs

MASK32 = 0xFFFFFFFF


class PL031(RegisterDevice):
    REGS = [
        Reg(0x000, "RTCDR", "RO"),
        Reg(0x004, "RTCMR"),
        Reg(0x008, "RTCLR"),
        Reg(0x00C, "RTCCR", "RW", 1, 1),
        Reg(0x010, "RTCIMSC", "RW", 0, 1),
        Reg(0x014, "RTCRIS", "RO"),
        Reg(0x018, "RTCMIS", "RO"),
        Reg(0x01C, "RTCICR", "WO"),
    ] + primecell_id_regs(part=0x031, revision=1)

    def __init__(self, name: str, events, epoch: int, irq: Optional[Callable[[bool], None]] = None):
        self.events = events
        self.epoch = epoch & MASK32
        self.irq = irq or (lambda level: None)
        self.deadline = None
        self.ris = 0
        self._line = False
        RegisterDevice.__init__(self, name)

    def reset(self) -> None:
        RegisterDevice.reset(self)
        self.events.cancel(self.deadline)
        self.deadline = None
        self.ris = 0
        self.base = self.epoch                 # the count at base_second
        self.base_second = self.events.ticks(1)
        self.regs["RTCLR"] = 0
        self._update()

    def count(self) -> int:
        return (self.base + self.events.ticks(1) - self.base_second) & MASK32

    def read_rtcdr(self) -> int:
        return self.count()

    def write_rtclr(self, value: int) -> None:
        self.regs["RTCLR"] = value
        self.base = value
        self.base_second = self.events.ticks(1)
        self._schedule_match()

    def write_rtcmr(self, value: int) -> None:
        self.regs["RTCMR"] = value
        self._schedule_match()

    def write_rtcimsc(self, value: int) -> None:
        self.regs["RTCIMSC"] = value & 1
        self._update()

    def write_rtccr(self, value: int) -> None:
        pass                                   # the start bit cannot be cleared once set

    def read_rtcris(self) -> int:
        return self.ris

    def read_rtcmis(self) -> int:
        return self.ris & self.regs["RTCIMSC"]

    def write_rtcicr(self, value: int) -> None:
        if value & 1:
            self.ris = 0
            self._update()

    def _schedule_match(self) -> None:
        """The next second at which the count equals RTCMR (2**32 s away if it does now)."""
        self.events.cancel(self.deadline)
        delta = (self.regs["RTCMR"] - self.count()) & MASK32 or 1 << 32
        second = self.events.ticks(1) + delta
        self.deadline = self.events.schedule(self.events.cycle_of(second, 1), self._match)

    def _match(self) -> None:
        self.deadline = None
        self.ris = 1
        self._update()

    def _update(self) -> None:
        line = bool(self.ris & self.regs["RTCIMSC"])
        if line != self._line:
            self._line = line
            self.irq(line)
