"""PL011 UART register map (ARM DDI 0183): transmit, the receive FIFO and
its interrupts, flags, IDs."""

import pytest

from pyxen15.board_vexpress.pl011 import PL011

DR, RSR, FR, IBRD, LCR_H, CR, IFLS, IMSC, RIS, MIS, ICR = (
    0x00, 0x04, 0x18, 0x24, 0x2C, 0x30, 0x34, 0x38, 0x3C, 0x40, 0x44)
RXFE, TXFF, RXFF, TXFE = 1 << 4, 1 << 5, 1 << 6, 1 << 7
RXI, TXI, RTI = 1 << 4, 1 << 5, 1 << 6
FEN = 1 << 4


@pytest.fixture
def uart(line):
    out = bytearray()
    u = PL011("uart0", out.extend, line)
    u.out = out
    return u


class TestPL011:
    def test_reset_values(self, uart):
        assert uart.read(CR, 4) == 0x300 and uart.read(IFLS, 4) == 0x12
        assert uart.read(FR, 4) == TXFE | RXFE
        assert uart.read(RIS, 4) == 0

    def test_transmit_goes_to_the_console_and_raises_txris(self, uart, line):
        uart.write(DR, 4, 0x141)             # only the low 8 bits are data
        assert bytes(uart.out) == b"A"
        assert uart.read(RIS, 4) == TXI and not line.level
        uart.write(IMSC, 4, TXI)
        assert uart.read(MIS, 4) == TXI and line.level
        uart.write(ICR, 4, TXI)
        assert not line.level and uart.read(RIS, 4) == 0

    def test_receive_without_fifo_holds_one_byte(self, uart):
        uart.feed(b"ab")
        assert uart.read(FR, 4) & (RXFE | RXFF) == RXFF
        assert uart.read(RIS, 4) & RXI
        assert uart.read(DR, 4) == ord("a")
        assert uart.read(DR, 4) == ord("b")       # the backlog refilled the holding register
        assert uart.read(FR, 4) & RXFE and uart.pending_input == 0

    def test_fifo_below_the_trigger_level_raises_the_receive_timeout(self, uart, line):
        uart.write(LCR_H, 4, FEN | 0x60)
        uart.write(IMSC, 4, RXI | RTI)
        uart.feed(b"hi")
        assert uart.read(RIS, 4) & (RXI | RTI) == RTI and line.level
        uart.read(DR, 4)
        uart.read(DR, 4)
        assert uart.read(RIS, 4) & (RXI | RTI) == 0 and not line.level

    @pytest.mark.parametrize("rxiflsel, trigger", [(0, 2), (1, 4), (2, 8), (3, 12), (4, 14)])
    def test_rx_interrupt_at_the_trigger_level(self, uart, rxiflsel, trigger):
        uart.write(LCR_H, 4, FEN)
        uart.write(IFLS, 4, rxiflsel << 3)
        uart.feed(b"x" * (trigger - 1))
        assert uart.read(RIS, 4) & RXI == 0
        uart.feed(b"x")
        assert uart.read(RIS, 4) & RXI

    def test_fifo_holds_16_and_the_rest_waits_in_the_backlog(self, uart):
        uart.write(LCR_H, 4, FEN)
        data = bytes(range(40))
        uart.feed(data)
        assert uart.read(FR, 4) & RXFF
        got = bytes(uart.read(DR, 4) for _ in range(40))
        assert got == data and uart.read(FR, 4) & RXFE

    def test_narrow_accesses_as_linux_makes_them(self, uart):
        uart.write(IBRD, 2, 0x1A)
        assert uart.read(IBRD, 2) == 0x1A
        uart.write(DR, 1, ord("z"))
        assert bytes(uart.out) == b"z"

    def test_primecell_ids_say_pl011_revision_1(self, uart):
        ids = [uart.read(0xFE0 + 4 * i, 4) for i in range(8)]
        assert ids == [0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1]

    def test_error_clear_and_reserved_offsets_are_harmless(self, uart):
        uart.write(RSR, 4, 0xF)
        assert uart.read(RSR, 4) == 0
        assert uart.read(0x800, 4) == 0
