"""ARM PrimeCell SP805 watchdog at 0x1C0F0000 (ARM DDI 0270).

A 32-bit down-counter at the watchdog clock (the board's 32.768 kHz
REFCLK), running while WdogControl.INTEN is set.  On reaching zero it
raises WDOGINT and reloads from WdogLoad; if it reaches zero again with the
interrupt still raised and RESEN set, it asserts WDOGRES, which resets the
board (the ``reset`` callback).  A write to WdogLoad or WdogIntClr reloads
the counter; WdogIntClr also lowers the interrupt.  Enabling INTEN reloads
it too.  Writing 0x1ACCE551 to WdogLock opens the other registers for
writing, any other value closes them; WdogLock reads 1 while closed.
"""

from typing import Callable, Optional

from .regmap import Reg, RegisterDevice, primecell_id_regs

WDOG_HZ = 32768
UNLOCK_KEY = 0x1ACCE551
CTRL_INTEN, CTRL_RESEN = 1, 2


class SP805(RegisterDevice):
    REGS = [
        Reg(0x000, "WdogLoad", "RW", 0xFFFFFFFF),
        Reg(0x004, "WdogValue", "RO"),
        Reg(0x008, "WdogControl", "RW", 0, 3),
        Reg(0x00C, "WdogIntClr", "WO"),
        Reg(0x010, "WdogRIS", "RO"),
        Reg(0x014, "WdogMIS", "RO"),
        Reg(0xC00, "WdogLock"),
        Reg(0xF00, "WdogITCR", "RW", 0, 1),
        Reg(0xF04, "WdogITOP", "WO"),
    ] + primecell_id_regs(part=0x805, revision=1)

    def __init__(self, name: str, events, irq: Optional[Callable[[bool], None]] = None,
                 reset: Optional[Callable[[], None]] = None, hz: int = WDOG_HZ):
        self.events = events
        self.hz = hz
        self.irq = irq or (lambda level: None)
        self.board_reset = reset or (lambda: None)
        self.deadline = None
        self._line = False
        RegisterDevice.__init__(self, name)

    def reset(self) -> None:
        RegisterDevice.reset(self)
        self.events.cancel(self.deadline)
        self.deadline = None
        self.ris = 0
        self.locked = False
        self.start_value = 0xFFFFFFFF
        self.start_tick = 0
        self._update()

    # -- the count ------------------------------------------------------------------

    def _running(self) -> bool:
        return bool(self.regs["WdogControl"] & CTRL_INTEN)

    def read_wdogvalue(self) -> int:
        if not self._running():
            return self.start_value
        return max(0, self.start_value - (self.events.ticks(self.hz) - self.start_tick))

    def _reload(self) -> None:
        self.events.cancel(self.deadline)
        self.deadline = None
        self.start_value = self.regs["WdogLoad"]
        self.start_tick = self.events.ticks(self.hz)
        if self._running():
            when = self.events.cycle_of(self.start_tick + self.start_value, self.hz)
            self.deadline = self.events.schedule(when, self._zero)

    def _zero(self) -> None:
        self.deadline = None
        if self.ris and self.regs["WdogControl"] & CTRL_RESEN:
            self.board_reset()
            return
        self.ris = 1
        self._update()
        self._reload()

    # -- registers --------------------------------------------------------------------

    def write(self, offset: int, size: int, value: int) -> None:
        if self.locked and offset & ~3 != 0xC00:
            self._once("write to 0x%03x while locked (ignored)" % offset)
            return
        RegisterDevice.write(self, offset, size, value)

    def write_wdogload(self, value: int) -> None:
        self.regs["WdogLoad"] = value
        self._reload()

    def write_wdogcontrol(self, value: int) -> None:
        was_running = self._running()
        if was_running:
            self.start_value = self.read_wdogvalue()
            self.start_tick = self.events.ticks(self.hz)
        self.regs["WdogControl"] = value & 3
        if self._running() and not was_running:
            self._reload()
        elif not self._running():
            self.events.cancel(self.deadline)
            self.deadline = None
        self._update()

    def write_wdogintclr(self, value: int) -> None:
        self.ris = 0
        self._update()
        self._reload()

    def read_wdogris(self) -> int:
        return self.ris

    def read_wdogmis(self) -> int:
        return self.ris if self._running() else 0

    def read_wdoglock(self) -> int:
        return 1 if self.locked else 0

    def write_wdoglock(self, value: int) -> None:
        self.locked = value != UNLOCK_KEY

    def _update(self) -> None:
        line = bool(self.ris and self._running())
        if line != self._line:
            self._line = line
            self.irq(line)
