"""Build the board from its table (memmap.MEMORY_MAP) onto a bus.

Each row's kind names one builder below; the builders are the only place
that knows a device's constructor.  The machine supplies what the devices
need from outside: the virtual time (events.Events), an interrupt line per
SPI, the console, what to do on shutdown/reboot, and the PL031's epoch.
"""

import logging
import time
from typing import Callable, Dict, Optional

from ..bus import Bus, Ram
from .memmap import MEMORY_MAP, Region
from .pl011 import PL011
from .pl031 import PL031
from .regmap import Unmodelled, unmatched_primecell_ids
from .sp804 import SP804
from .sp805 import SP805
from .sp810 import SP810
from .v2m_sysregs import V2MSysRegs

log = logging.getLogger(__name__)

IrqLine = Callable[[bool], None]


def _no_line(level: bool) -> None:
    pass


class Board:
    """The V2P-CA15's devices, by the table's names (``board.devices["uart0"]``).

    ``spi_line(n)`` gives the interrupt line of SPI n (a callable taking the
    level); ``power(what)`` receives "shutdown" or "reboot"; ``rtc_base`` is
    the PL031's count at time zero (default: the host's time now, once).
    """

    def __init__(self, bus: Bus, events, ram_size: int, console: Callable[[bytes], None],
                 spi_line: Callable[[int], IrqLine] = lambda n: _no_line,
                 power: Callable[[str], None] = lambda what: None,
                 rtc_base: Optional[int] = None):
        self.bus = bus
        self.events = events
        self.console = console
        self.spi_line = spi_line
        self.power = power
        self.rtc_base = int(time.time()) if rtc_base is None else rtc_base
        self.ram_size = ram_size
        self.devices: Dict[str, object] = {}
        self.regions: Dict[str, Region] = {}
        for region in MEMORY_MAP:
            if region.kind == "gic":
                continue                       # the GIC maps its own regions (gic.regions())
            dev = getattr(self, "_build_" + region.kind)(region)
            size = ram_size if region.size is None else region.size
            bus.add(region.base, size, dev)
            self.devices[region.name] = dev
            self.regions[region.name] = region

    def _line(self, region: Region) -> IrqLine:
        return self.spi_line(region.spi) if region.spi is not None else _no_line

    # -- one builder per kind --------------------------------------------------------

    def _build_ram(self, region: Region) -> Ram:
        return Ram(region.base, self.ram_size if region.size is None else region.size, region.name)

    def _build_stub(self, region: Region) -> Unmodelled:
        return Unmodelled(region.name, region.size)

    def _build_primecell_stub(self, region: Region) -> Unmodelled:
        return Unmodelled(region.name, region.size, unmatched_primecell_ids(region.size))

    def _build_v2m_sysregs(self, region: Region) -> V2MSysRegs:
        return V2MSysRegs(region.name, self.events.ticks, self.power)

    def _build_sp810(self, region: Region) -> SP810:
        return SP810(region.name)

    def _build_pl011(self, region: Region) -> PL011:
        # Only UART0 is the console; the others' output is logged.
        if region.name == "uart0":
            out = self.console
        else:
            out = lambda data, name=region.name: log.debug("%s: %r", name, data)
        return PL011(region.name, out, self._line(region))

    def _build_sp804(self, region: Region) -> SP804:
        # Timer enables 0/1 clock the first SP804, 2/3 the second (the SP810).
        first = 0 if region.name == "timer01" else 2
        sysctl = self.devices["sysctl"]
        return SP804(region.name, self.events, lambda n: sysctl.timer_clock_hz(first + n), self._line(region))

    def _build_pl031(self, region: Region) -> PL031:
        return PL031(region.name, self.events, self.rtc_base, self._line(region))

    def _build_sp805(self, region: Region) -> SP805:
        return SP805(region.name, self.events, self._line(region), lambda: self.power("reboot"))

    def reset(self) -> None:
        """Every modelled device back to its reset state (RAM keeps its contents)."""
        for dev in self.devices.values():
            if hasattr(dev, "reset") and not isinstance(dev, Ram):
                dev.reset()
