"""The hypervisor's console (xen/drivers/char/console.c): what the guests
write with console_io reaches pyxen15's console (the machine's console
hooks, where the UART's output goes), and what the user types is queued
in an input ring that the hardware domain reads with CONSOLEIO_read;
each input raises VIRQ_CONSOLE in the hardware domain, as Xen's
__serial_rx does, so Linux's hvc0 reads it from its interrupt.

Xen writes dom0's output verbatim; other domains' output is allowed here
as a debug Xen allows it (guest_console_write), also verbatim.
"""

from collections import deque

from .errno import XEN_E2BIG, XEN_EPERM
from .hypercall import Call, subop
from .xen_public import CONSOLEIO_read, CONSOLEIO_write, VIRQ_CONSOLE

INPUT_RING = 4096            # bytes of typed input kept; more is dropped, as Xen's ring drops it
WRITE_CHUNK = 1024           # bytes copied per call before a continuation (Xen: 128 per step)
INT_MAX = 0x7FFFFFFF


class HypConsole:
    def __init__(self, hv):
        self.hv = hv
        self.input = deque()

    def write(self, data: bytes) -> None:
        self.hv.machine.hooks.console(bytes(data))

    def feed(self, data: bytes) -> None:
        """Input from the user: into the ring, then VIRQ_CONSOLE to the
        hardware domain."""
        room = INPUT_RING - len(self.input)
        self.input.extend(bytes(data)[:max(room, 0)])
        for d in self.hv.domains.values():
            if d.is_hardware_domain and d.evtchn is not None:
                d.evtchn.send_virq(VIRQ_CONSOLE)

    def read(self, n: int) -> bytes:
        n = min(n, len(self.input))
        return bytes(self.input.popleft() for _ in range(n))


def console_write(call: Call) -> int:
    """r1 = count, r2 = buffer: copied in chunks; a longer write continues."""
    count, buf = call.args[1], call.args[2]
    step = min(count, WRITE_CHUNK)
    data = call.read(buf, step)
    call.hv.console.write(data)
    if count > step:
        call.continuation(CONSOLEIO_write, count - step, buf + step)
    return 0


def console_read(call: Call) -> int:
    """r1 = count, r2 = buffer: the number of bytes copied, 0 if none."""
    if not call.domain.is_hardware_domain:
        return -XEN_EPERM
    count, buf = call.args[1], call.args[2]
    if count > INT_MAX:
        return -XEN_E2BIG
    console = call.hv.console
    n = min(count, len(console.input))
    data = bytes(list(console.input)[:n])
    call.write(buf, data)                 # a fault here leaves the input queued
    console.read(n)
    return n


CONSOLEIO_OPS = {
    CONSOLEIO_write: ("write", console_write),
    CONSOLEIO_read: ("read", console_read),
}


def do_console_io(call: Call) -> int:
    return subop(call, CONSOLEIO_OPS, call.args[0])
