"""ARM PrimeCell PL011 UART (DDI 0183), transmit side.

Bytes written to UARTDR go straight to the console callback: the model's
transmitter is infinitely fast, so UARTFR always reads TXFE set, TXFF and
BUSY clear.  The receive FIFO is empty until a later change gives the board
an input path.
"""

import logging
from typing import Callable

log = logging.getLogger(__name__)

UARTDR, UARTRSR, UARTFR, UARTILPR, UARTIBRD, UARTFBRD, UARTLCR_H, UARTCR = 0x00, 0x04, 0x18, 0x20, 0x24, 0x28, 0x2C, 0x30
UARTIFLS, UARTIMSC, UARTRIS, UARTMIS, UARTICR, UARTDMACR = 0x34, 0x38, 0x3C, 0x40, 0x44, 0x48
FR_RXFE, FR_TXFE = 1 << 4, 1 << 7
# PrimeCell identification registers at 0xFE0-0xFFC: PL011 r1p5
IDS = {0xFE0: 0x11, 0xFE4: 0x10, 0xFE8: 0x34, 0xFEC: 0x00,
       0xFF0: 0x0D, 0xFF4: 0xF0, 0xFF8: 0x05, 0xFFC: 0xB1}


class PL011:
    size = 0x1000

    def __init__(self, name: str, console: Callable[[bytes], None]):
        self.name = name
        self.console = console
        self.regs = {UARTIBRD: 0, UARTFBRD: 0, UARTLCR_H: 0, UARTCR: 0x300,
                     UARTIFLS: 0x12, UARTIMSC: 0, UARTDMACR: 0, UARTILPR: 0}
        self._logged = set()

    def read(self, offset: int, size: int) -> int:
        if offset == UARTDR:
            return 0
        if offset == UARTFR:
            return FR_TXFE | FR_RXFE
        if offset in (UARTRSR, UARTRIS, UARTMIS):
            return 0
        if offset in IDS:
            return IDS[offset]
        if offset in self.regs:
            return self.regs[offset]
        self._unmodelled("read", offset)
        return 0

    def write(self, offset: int, size: int, value: int) -> None:
        if offset == UARTDR:
            self.console(bytes([value & 0xFF]))
        elif offset in self.regs:
            self.regs[offset] = value & 0xFFFF
        elif offset in (UARTRSR, UARTICR):
            pass                      # error clear / interrupt clear: nothing latched
        else:
            self._unmodelled("write", offset)

    def _unmodelled(self, what: str, offset: int) -> None:
        if offset not in self._logged:
            self._logged.add(offset)
            log.info("%s: %s of unmodelled register 0x%03x (RAZ/WI)", self.name, what, offset)
