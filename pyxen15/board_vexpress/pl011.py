"""ARM PrimeCell PL011 UART (ARM DDI 0183), revision 1 (r1p1), as QEMU reports it.

Transmit: a byte written to UARTDR goes to the console callback at once.
The model's transmitter is infinitely fast, so the transmit FIFO is always
empty: UARTFR reads TXFE set, TXFF and BUSY clear, and each write passes
the FIFO level through the transmit trigger level, which raises TXRIS
(cleared by UARTICR), as QEMU's model does.

Receive: :meth:`PL011.feed` queues host input (the console, a script) in a
host-side backlog; as many bytes as the receive FIFO has room for move into
it -- 16 entries (Linux sizes the FIFO from the revision: 16 before r1p5),
one when UARTLCR_H.FEN is clear -- and more follow
each time the guest reads UARTDR, so no input is lost and none arrives
earlier than the guest makes room.  RXRIS is set while the FIFO holds at
least the trigger level of UARTIFLS.RXIFLSEL (1/8 to 7/8 of it); RTRIS, the
receive timeout, is set while it holds fewer but not none: input arrives in
bursts, so the model lets the "no more data for 32 bit periods" timeout
elapse at once.  The combined interrupt UARTINTR is (RIS & IMSC) != 0 on
the line the board wires (the DTB's interrupt for the UART).
"""

from collections import deque
from typing import Callable, Optional

from .regmap import Reg, RegisterDevice, primecell_id_regs

FIFO_DEPTH = 16

FR_BUSY, FR_RXFE, FR_TXFF, FR_RXFF, FR_TXFE = 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7
LCR_H_FEN = 1 << 4

# UARTRIS / UARTIMSC / UARTMIS / UARTICR bits
INT_RX, INT_TX, INT_RT = 1 << 4, 1 << 5, 1 << 6
INT_ALL = 0x7FF

# UARTIFLS.RXIFLSEL -> receive trigger level, in eighths of the FIFO
RX_TRIGGER_EIGHTHS = {0: 1, 1: 2, 2: 4, 3: 6, 4: 7}


class PL011(RegisterDevice):
    REGS = [
        Reg(0x000, "UARTDR"),
        Reg(0x004, "UARTRSR", "RW", 0, 0),      # no receive errors are ever latched; a write clears them
        Reg(0x018, "UARTFR", "RO"),
        Reg(0x020, "UARTILPR", "RW", 0, 0xFF),
        Reg(0x024, "UARTIBRD", "RW", 0, 0xFFFF),
        Reg(0x028, "UARTFBRD", "RW", 0, 0x3F),
        Reg(0x02C, "UARTLCR_H", "RW", 0, 0xFF),
        Reg(0x030, "UARTCR", "RW", 0x0300, 0xFF87),
        Reg(0x034, "UARTIFLS", "RW", 0x12, 0x3F),
        Reg(0x038, "UARTIMSC", "RW", 0, INT_ALL),
        Reg(0x03C, "UARTRIS", "RO"),
        Reg(0x040, "UARTMIS", "RO"),
        Reg(0x044, "UARTICR", "WO"),
        Reg(0x048, "UARTDMACR", "RW", 0, 0x7),
    ] + primecell_id_regs(part=0x011, revision=1)

    def __init__(self, name: str, console: Callable[[bytes], None],
                 irq: Optional[Callable[[bool], None]] = None):
        self.console = console
        self.irq = irq or (lambda level: None)
        self.rx = deque()
        self.backlog = deque()
        self.ris = 0
        self._line = False
        RegisterDevice.__init__(self, name)

    def reset(self) -> None:
        RegisterDevice.reset(self)
        self.rx.clear()
        self.ris = 0
        self._update()

    # -- host side -------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Queue input for the guest (bytes typed on the console)."""
        self.backlog.extend(data)
        self._fill()

    @property
    def pending_input(self) -> int:
        """Bytes fed but not yet read by the guest."""
        return len(self.backlog) + len(self.rx)

    # -- registers ---------------------------------------------------------------------

    def read_uartdr(self) -> int:
        value = self.rx.popleft() if self.rx else 0
        self._fill()
        return value

    def write_uartdr(self, value: int) -> None:
        self.console(bytes([value & 0xFF]))
        self.ris |= INT_TX
        self._update()

    def read_uartfr(self) -> int:
        fr = FR_TXFE
        if not self.rx:
            fr |= FR_RXFE
        if len(self.rx) >= self._depth():
            fr |= FR_RXFF
        return fr

    def write_uartlcr_h(self, value: int) -> None:
        # Changing FEN flushes nothing on hardware; the FIFO depth seen by
        # the next byte changes.
        self.regs["UARTLCR_H"] = value & 0xFF
        self._fill()

    def write_uartifls(self, value: int) -> None:
        self.regs["UARTIFLS"] = value & 0x3F
        self._update()

    def write_uartimsc(self, value: int) -> None:
        self.regs["UARTIMSC"] = value & INT_ALL
        self._update()

    def read_uartris(self) -> int:
        return self.ris

    def read_uartmis(self) -> int:
        return self.ris & self.regs["UARTIMSC"]

    def write_uarticr(self, value: int) -> None:
        self.ris &= ~value
        self._update()

    # -- internals -------------------------------------------------------------------

    def _depth(self) -> int:
        return FIFO_DEPTH if self.regs["UARTLCR_H"] & LCR_H_FEN else 1

    def _fill(self) -> None:
        depth = self._depth()
        while self.backlog and len(self.rx) < depth:
            self.rx.append(self.backlog.popleft())
        self._update()

    def _update(self) -> None:
        """Recompute the level-sensitive receive status and the line."""
        n = len(self.rx)
        if self._depth() == 1:
            trigger = 1
        else:
            trigger = FIFO_DEPTH * RX_TRIGGER_EIGHTHS.get((self.regs["UARTIFLS"] >> 3) & 7, 4) // 8
        self.ris &= ~(INT_RX | INT_RT)
        if n >= trigger:
            self.ris |= INT_RX
        elif n:
            self.ris |= INT_RT
        line = bool(self.ris & self.regs["UARTIMSC"])
        if line != self._line:
            self._line = line
            self.irq(line)
