"""ARM semihosting (the "Angel" interface), independent of the core.

A guest asks the host for a service by executing the semihosting trap
(A32 ``SVC 0x123456``, T32 ``SVC 0xAB``) with the operation number in r0 and
its parameter (usually the address of a parameter block in guest memory) in
r1.  The core recognises the trap and calls :meth:`Semihosting.call`; the
value returned goes back into r0 and execution continues after the SVC.

Reference: Arm "Semihosting for AArch32 and AArch64", version 2.0.  Where the
document leaves room, this module behaves like QEMU (an independent
implementation we test against):

* A32/T32 ``SYS_EXIT`` (0x18) passes the reason code *itself* in r1, not a
  pointer.  ``ADP_Stopped_ApplicationExit`` means success (status 0); every
  other reason is a failure, status 1.
* ``SYS_EXIT_EXTENDED`` (0x20) passes a two-word block ``{reason, status}``;
  with ``ADP_Stopped_ApplicationExit`` the status is the exit code, with any
  other reason the exit code is 1.

* ``SYS_OPEN`` of ``":tt"`` opens the console; a host file is never opened.

Only 32-bit guests exist here, so every field is one little-endian word.
"""

import logging
import struct
from typing import Callable, Optional

from pyxen15.errors import GuestExit

log = logging.getLogger(__name__)

ReadMem = Callable[[int, int], bytes]
WriteMem = Callable[[int, bytes], None]
Console = Callable[[bytes], None]

# Operation numbers (r0).
SYS_OPEN = 0x01
SYS_CLOSE = 0x02
SYS_WRITEC = 0x03
SYS_WRITE0 = 0x04
SYS_WRITE = 0x05
SYS_READ = 0x06
SYS_READC = 0x07
SYS_ISERROR = 0x08
SYS_ISTTY = 0x09
SYS_SEEK = 0x0A
SYS_FLEN = 0x0C
SYS_CLOCK = 0x10
SYS_TIME = 0x11
SYS_ERRNO = 0x13
SYS_GET_CMDLINE = 0x15
SYS_HEAPINFO = 0x16
SYS_EXIT = 0x18
SYS_EXIT_EXTENDED = 0x20

# Reason codes for SYS_EXIT (the ADP_Stopped_* family).
ADP_STOPPED_APPLICATION_EXIT = 0x20026
ADP_STOPPED_RUN_TIME_ERROR_UNKNOWN = 0x20023

# Console handles.  SYS_OPEN of the special name ":tt" gives them out (modes
# 0-3 "r..." the input, 4-7 "w..." the output, 8-11 "a..." the error
# stream); as a convenience 1 and 2 also work without opening.  No host file
# is ever opened: a guest sees only the console.
STDIN_FD = 0
STDOUT_FD = 1
STDERR_FD = 2
CONSOLE_NAME = b":tt"
MAX_OPEN_MODE = 11
EBADF = 9
ENOENT = 2

MINUS_ONE = 0xFFFFFFFF
# SYS_WRITE0 reads a NUL-terminated string; refuse runaway strings.
MAX_STRING = 1 << 20
# SYS_WRITE0 fetches aligned chunks of this many bytes while looking for the
# NUL: an aligned chunk never crosses a page, so it never touches memory past
# the page that holds the terminator.
_CHUNK = 64


def _u32(value: int) -> int:
    return value & 0xFFFFFFFF


def _s32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


class Semihosting:
    """The host side of ARM semihosting for one machine.

    ``read_mem(addr, n)`` and ``write_mem(addr, data)`` access the guest's
    memory (whatever address space the core says the parameter lives in);
    ``console(data)`` receives the bytes the guest writes to the debug
    console or to stdout/stderr.

    ``clock`` returns the guest's elapsed time in centiseconds for SYS_CLOCK
    and ``time`` the seconds since the epoch for SYS_TIME.  The model has no
    host time, so by default both come from nothing and return 0; the board
    passes a function of virtual time.  ``heap_info`` is the four words
    (heap base, heap limit, stack base, stack limit) for SYS_HEAPINFO, or
    None to answer with zeros ("not known", which the spec allows).
    """

    def __init__(
        self,
        read_mem: ReadMem,
        write_mem: WriteMem,
        console: Console,
        clock: Optional[Callable[[], int]] = None,
        time: Optional[Callable[[], int]] = None,
        heap_info: Optional[tuple] = None,
    ) -> None:
        self._read = read_mem
        self._write = write_mem
        self._console = console
        self._clock = clock
        self._time = time
        self._heap_info = heap_info
        self.errno = 0
        self._unknown_logged = set()  # type: Set[int]
        self._ops = {
            SYS_OPEN: self._sys_open,
            SYS_CLOSE: self._sys_close,
            SYS_ISTTY: self._sys_istty,
            SYS_WRITEC: self._sys_writec,
            SYS_WRITE0: self._sys_write0,
            SYS_WRITE: self._sys_write,
            SYS_CLOCK: self._sys_clock,
            SYS_TIME: self._sys_time,
            SYS_ERRNO: self._sys_errno,
            SYS_HEAPINFO: self._sys_heapinfo,
            SYS_EXIT: self._sys_exit,
            SYS_EXIT_EXTENDED: self._sys_exit_extended,
        }  # type: Dict[int, Callable[[int], int]]

    def call(self, op: int, param: int) -> int:
        """Perform operation ``op`` with parameter ``param`` (r0, r1).

        Returns the new r0 as an unsigned 32-bit value.  Raises
        :class:`GuestExit` for the exit operations.  An operation this
        module does not implement returns -1 and is logged once per number.
        """
        op = _u32(op)
        param = _u32(param)
        handler = self._ops.get(op)
        if handler is None:
            if op not in self._unknown_logged:
                self._unknown_logged.add(op)
                log.warning("unsupported semihosting operation 0x%02x (param 0x%08x)", op, param)
            return MINUS_ONE
        return _u32(handler(param))

    # -- helpers -------------------------------------------------------------

    def _word(self, addr: int) -> int:
        return struct.unpack("<I", bytes(self._read(_u32(addr), 4)))[0]

    def _words(self, addr: int, count: int) -> tuple:
        return struct.unpack("<%dI" % count, bytes(self._read(_u32(addr), 4 * count)))

    def _cstring(self, addr: int) -> bytes:
        """The NUL-terminated string at ``addr``, without the NUL."""
        out = bytearray()
        cur = _u32(addr)
        while len(out) < MAX_STRING:
            size = _CHUNK - (cur % _CHUNK)
            chunk = bytes(self._read(cur, size))
            nul = chunk.find(b"\0")
            if nul >= 0:
                out += chunk[:nul]
                return bytes(out)
            out += chunk
            cur = _u32(cur + size)
        log.warning("SYS_WRITE0 string at 0x%08x longer than %d bytes, truncated", addr, MAX_STRING)
        return bytes(out)

    # -- operations ----------------------------------------------------------

    def _sys_open(self, param: int) -> int:
        # Block: {name address, mode, name length (without the NUL)}.
        name_addr, mode, length = self._words(param, 3)
        name = bytes(self._read(name_addr, length)) if length else b""
        if name != CONSOLE_NAME or mode > MAX_OPEN_MODE:
            self.errno = ENOENT
            return MINUS_ONE
        if mode < 4:
            return STDIN_FD
        return STDOUT_FD if mode < 8 else STDERR_FD

    def _sys_close(self, param: int) -> int:
        # Block: {handle}.  Console handles stay usable after a close.
        handle = self._word(param)
        if handle in (STDIN_FD, STDOUT_FD, STDERR_FD):
            return 0
        self.errno = EBADF
        return MINUS_ONE

    def _sys_istty(self, param: int) -> int:
        handle = self._word(param)
        if handle in (STDIN_FD, STDOUT_FD, STDERR_FD):
            return 1
        self.errno = EBADF
        return 0

    def _sys_writec(self, param: int) -> int:
        # r1 points at the character; r0 is corrupted on return (we give 0).
        self._console(bytes(self._read(param, 1)))
        return 0

    def _sys_write0(self, param: int) -> int:
        self._console(self._cstring(param))
        return 0

    def _sys_write(self, param: int) -> int:
        # Block: {handle, buffer address, length}.  Returns the number of
        # bytes NOT written: 0 on full success.
        handle, buf, length = self._words(param, 3)
        if handle not in (STDOUT_FD, STDERR_FD):
            self.errno = EBADF
            return length
        if length:
            self._console(bytes(self._read(buf, length)))
        return 0

    def _sys_clock(self, param: int) -> int:
        return self._clock() if self._clock is not None else 0

    def _sys_time(self, param: int) -> int:
        return self._time() if self._time is not None else 0

    def _sys_errno(self, param: int) -> int:
        return self.errno

    def _sys_heapinfo(self, param: int) -> int:
        # r1 points at a word holding the address of a four-word block.
        block = self._word(param)
        values = self._heap_info if self._heap_info is not None else (0, 0, 0, 0)
        self._write(block, struct.pack("<4I", *(_u32(v) for v in values)))
        return 0

    def _sys_exit(self, param: int) -> int:
        # On A32/T32 the reason code is r1 itself.
        code = 0 if param == ADP_STOPPED_APPLICATION_EXIT else 1
        raise GuestExit(code)

    def _sys_exit_extended(self, param: int) -> int:
        reason, status = self._words(param, 2)
        code = _s32(status) if reason == ADP_STOPPED_APPLICATION_EXIT else 1
        raise GuestExit(code)
