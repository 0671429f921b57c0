"""Semihosting operations against a fake guest memory (no core involved)."""

import logging
import struct

import pytest

from pyxen15.board_vexpress.semihosting import (
    ADP_STOPPED_APPLICATION_EXIT,
    ADP_STOPPED_RUN_TIME_ERROR_UNKNOWN,
    SYS_CLOCK,
    SYS_CLOSE,
    SYS_ERRNO,
    SYS_EXIT,
    SYS_EXIT_EXTENDED,
    SYS_HEAPINFO,
    SYS_ISTTY,
    SYS_OPEN,
    SYS_TIME,
    SYS_WRITE,
    SYS_WRITE0,
    SYS_WRITEC,
    Semihosting,
)
from pyxen15.errors import GuestExit

BASE = 0x80000000
SIZE = 0x2000


class FakeGuest:
    """A little RAM at BASE; any access outside it fails loudly."""

    def __init__(self):
        self.ram = bytearray(SIZE)
        self.console = bytearray()
        self.reads = []

    def _check(self, addr, n):
        assert BASE <= addr and addr + n <= BASE + SIZE, "access outside RAM: 0x%x+%d" % (addr, n)

    def read_mem(self, addr, n):
        self._check(addr, n)
        self.reads.append((addr, n))
        return bytes(self.ram[addr - BASE:addr - BASE + n])

    def write_mem(self, addr, data):
        self._check(addr, len(data))
        self.ram[addr - BASE:addr - BASE + len(data)] = data

    def put(self, addr, data):
        self.write_mem(addr, data)
        return addr

    def semihosting(self, **kw):
        return Semihosting(self.read_mem, self.write_mem, self.console.extend, **kw)


@pytest.fixture
def guest():
    return FakeGuest()


def test_writec_sends_the_byte_r1_points_at(guest):
    addr = guest.put(BASE + 0x10, b"Z")
    assert guest.semihosting().call(SYS_WRITEC, addr) == 0
    assert guest.console == b"Z"


def test_write0_stops_at_the_nul(guest):
    addr = guest.put(BASE + 0x100, b"Hello from pyxen15 guest\n\0garbage")
    assert guest.semihosting().call(SYS_WRITE0, addr) == 0
    assert guest.console == b"Hello from pyxen15 guest\n"


def test_write0_string_across_chunks_never_reads_past_end_of_ram(guest):
    text = b"x" * 150
    addr = BASE + SIZE - len(text) - 1
    guest.put(addr, text + b"\0")
    guest.semihosting().call(SYS_WRITE0, addr)
    assert guest.console == text


def test_write0_empty_string(guest):
    addr = guest.put(BASE + 0x40, b"\0")
    guest.semihosting().call(SYS_WRITE0, addr)
    assert guest.console == b""


@pytest.mark.parametrize("fd", [1, 2])
def test_write_to_stdout_or_stderr_returns_zero_bytes_unwritten(guest, fd):
    buf = guest.put(BASE + 0x200, b"abc\ndef")
    block = guest.put(BASE + 0x300, struct.pack("<3I", fd, buf, 7))
    assert guest.semihosting().call(SYS_WRITE, block) == 0
    assert guest.console == b"abc\ndef"


def test_write_to_unknown_handle_writes_nothing_and_sets_errno(guest):
    buf = guest.put(BASE + 0x200, b"abc")
    block = guest.put(BASE + 0x300, struct.pack("<3I", 7, buf, 3))
    sh = guest.semihosting()
    assert sh.call(SYS_WRITE, block) == 3
    assert guest.console == b""
    assert sh.call(SYS_ERRNO, 0) != 0


def test_write_of_zero_length_reads_no_buffer(guest):
    block = guest.put(BASE + 0x300, struct.pack("<3I", 1, 0, 0))
    assert guest.semihosting().call(SYS_WRITE, block) == 0
    assert all(addr >= BASE for addr, _ in guest.reads)


def open_block(guest, name, mode):
    name_addr = guest.put(BASE + 0x700, name + b"\0")
    return guest.put(BASE + 0x780, struct.pack("<3I", name_addr, mode, len(name)))


@pytest.mark.parametrize("mode,handle", [(0, 0), (1, 0), (4, 1), (5, 1), (8, 2), (11, 2)])
def test_open_tt_gives_the_console_stream_for_the_mode(guest, mode, handle):
    assert guest.semihosting().call(SYS_OPEN, open_block(guest, b":tt", mode)) == handle


def test_open_tt_then_write_reaches_the_console(guest):
    sh = guest.semihosting()
    fd = sh.call(SYS_OPEN, open_block(guest, b":tt", 4))
    buf = guest.put(BASE + 0x200, b"via :tt\n")
    block = guest.put(BASE + 0x300, struct.pack("<3I", fd, buf, 8))
    assert sh.call(SYS_WRITE, block) == 0
    assert guest.console == b"via :tt\n"
    assert sh.call(SYS_CLOSE, guest.put(BASE + 0x340, struct.pack("<I", fd))) == 0


@pytest.mark.parametrize("name,mode", [(b"/etc/passwd", 0), (b"out.txt", 4), (b":tt", 12)])
def test_open_of_anything_but_the_console_fails(guest, name, mode):
    sh = guest.semihosting()
    assert sh.call(SYS_OPEN, open_block(guest, name, mode)) == 0xFFFFFFFF
    assert sh.call(SYS_ERRNO, 0) != 0


def test_close_and_istty_of_unknown_handle(guest):
    sh = guest.semihosting()
    param = guest.put(BASE + 0x340, struct.pack("<I", 9))
    assert sh.call(SYS_CLOSE, param) == 0xFFFFFFFF
    assert sh.call(SYS_ISTTY, param) == 0
    assert sh.call(SYS_ISTTY, guest.put(BASE + 0x344, struct.pack("<I", 1))) == 1


def test_exit_with_application_exit_is_status_zero(guest):
    with pytest.raises(GuestExit) as info:
        guest.semihosting().call(SYS_EXIT, ADP_STOPPED_APPLICATION_EXIT)
    assert info.value.code == 0


def test_exit_with_any_other_reason_is_status_one_like_qemu(guest):
    with pytest.raises(GuestExit) as info:
        guest.semihosting().call(SYS_EXIT, ADP_STOPPED_RUN_TIME_ERROR_UNKNOWN)
    assert info.value.code == 1


@pytest.mark.parametrize("status,code", [(0, 0), (3, 3), (255, 255), (0xFFFFFFFF, -1)])
def test_exit_extended_application_exit_carries_the_status(guest, status, code):
    block = guest.put(BASE + 0x400, struct.pack("<2I", ADP_STOPPED_APPLICATION_EXIT, status))
    with pytest.raises(GuestExit) as info:
        guest.semihosting().call(SYS_EXIT_EXTENDED, block)
    assert info.value.code == code


def test_exit_extended_other_reason_is_status_one(guest):
    block = guest.put(BASE + 0x400, struct.pack("<2I", ADP_STOPPED_RUN_TIME_ERROR_UNKNOWN, 3))
    with pytest.raises(GuestExit) as info:
        guest.semihosting().call(SYS_EXIT_EXTENDED, block)
    assert info.value.code == 1


def test_clock_and_time_come_from_the_given_sources(guest):
    sh = guest.semihosting(clock=lambda: 1234, time=lambda: 1700000000)
    assert sh.call(SYS_CLOCK, 0) == 1234
    assert sh.call(SYS_TIME, 0) == 1700000000


def test_clock_and_time_without_sources_are_zero(guest):
    sh = guest.semihosting()
    assert sh.call(SYS_CLOCK, 0) == 0
    assert sh.call(SYS_TIME, 0) == 0


def test_heapinfo_fills_the_block_the_parameter_points_at(guest):
    block = BASE + 0x500
    param = guest.put(BASE + 0x600, struct.pack("<I", block))
    guest.put(block, b"\xff" * 16)
    info = (0x80100000, 0x80800000, 0x81000000, 0x80f00000)
    assert guest.semihosting(heap_info=info).call(SYS_HEAPINFO, param) == 0
    assert struct.unpack("<4I", guest.read_mem(block, 16)) == info


def test_heapinfo_unknown_is_zeros(guest):
    block = BASE + 0x500
    param = guest.put(BASE + 0x600, struct.pack("<I", block))
    guest.put(block, b"\xff" * 16)
    guest.semihosting().call(SYS_HEAPINFO, param)
    assert guest.read_mem(block, 16) == bytes(16)


def test_unknown_op_returns_minus_one_and_logs_once(guest, caplog):
    sh = guest.semihosting()
    with caplog.at_level(logging.WARNING, logger="pyxen15.board_vexpress.semihosting"):
        assert sh.call(0x7F, 0) == 0xFFFFFFFF
        assert sh.call(0x7F, 0) == 0xFFFFFFFF
        assert sh.call(0x7E, 0) == 0xFFFFFFFF
    messages = [r.getMessage() for r in caplog.records]
    assert sum("0x7f" in m for m in messages) == 1
    assert sum("0x7e" in m for m in messages) == 1
    assert guest.console == b""
