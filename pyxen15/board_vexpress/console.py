"""The host side of the console on UART0: a terminal, a pipe, or a script.

:class:`ScriptedConsole` (the API's expect-like helper) feeds input when
given output has appeared: each step is a pattern to wait for in the
guest's output and the bytes to type once it has.  It works from the
console hook, so the input reaches UART0's receive FIFO at the same guest
instruction in every run -- a scripted run is as deterministic as one with
no input at all.

:class:`HostConsole` reads the process's stdin (raw mode when it is a
terminal, restored on exit) between blocks, from a deadline repeated every
millisecond of virtual time, and feeds UART0.  Ctrl-A X quits, as in QEMU's
``-nographic`` (Ctrl-A Ctrl-A sends one Ctrl-A).  A pipe is read as it
comes; at its end, input stops.  When the guest waits in WFI the poll
waits as long on the host (1 ms) instead of spinning, so an idle guest's
clock keeps to the wall clock.  Output is flushed at every look, so a
prompt without a newline shows at once.  Interactive input is host
timing, so it is not deterministic; use the scripted console for that.
"""

import os
import select
from typing import Callable, List, Optional, Sequence, Tuple

from ..cpu.core import StopRun

CTRL_A = 0x01
POLL_CYCLES = 1000000          # 1 ms of virtual time at 1 GHz
IDLE_WAIT_S = 0.001             # an idle guest waits as long in host time


class ScriptedConsole:
    """Wait for each pattern in the output, then type its input.

    ``steps`` is a list of (pattern, input) byte strings; ``stop_after``
    (a pattern) ends the run with reason "console" once it appears after
    the last step.  ``output`` holds everything the guest wrote; ``done``
    tells whether every step ran.  Input goes to UART0, or to `feed`
    (dom0's hvc0: the hypervisor console's ``feed``).
    """

    def __init__(self, machine, steps: Sequence[Tuple[bytes, bytes]], stop_after: Optional[bytes] = None,
                 feed: Optional[Callable[[bytes], None]] = None):
        self.machine = machine
        self.feed = feed or machine.uart0.feed
        self.steps: List[Tuple[bytes, bytes]] = list(steps)
        self.stop_after = stop_after
        self.output = bytearray()
        self._scan_from = 0
        self.handle = machine.hooks.add_console(self._on_output)

    @property
    def done(self) -> bool:
        return not self.steps

    def _on_output(self, data: bytes) -> None:
        self.output.extend(data)
        while self.steps:
            pattern, typed = self.steps[0]
            at = self.output.find(pattern, self._scan_from)
            if at < 0:
                return
            self._scan_from = at + len(pattern)
            self.steps.pop(0)
            self.feed(typed)
        if self.stop_after is not None and self.output.find(self.stop_after, self._scan_from) >= 0:
            self._scan_from = len(self.output)
            self.stop_after = None
            for cpu in getattr(self.machine, "cpus", [self.machine.cpu]):
                cpu.stop_request = StopRun("console")
                cpu.attention = True


class HostConsole:
    """Feed UART0 (or `feed`: dom0's hvc0) from a file descriptor (stdin)
    while the machine runs."""

    def __init__(self, machine, fd: int = 0, flush: Optional[Callable[[], None]] = None,
                 feed: Optional[Callable[[bytes], None]] = None):
        """`flush` runs at every look, so output without a newline (a
        shell's prompt) reaches the host's stdout within 1 ms of virtual time."""
        self.machine = machine
        self.feed = feed or machine.uart0.feed
        self.fd = fd
        self.flush = flush or (lambda: None)
        self.open = fd >= 0
        self.tty = self.open and os.isatty(fd)
        self._saved = None
        self._escape = False
        self._deadline = None

    def __enter__(self) -> "HostConsole":
        if self.tty:
            import termios
            import tty
            self._saved = termios.tcgetattr(self.fd)
            tty.setraw(self.fd, termios.TCSANOW)     # keep what was typed ahead
        if self.open:
            self._schedule(0)                   # the first look: at the first block boundary
        return self

    def __exit__(self, *exc) -> None:
        self.machine.events.cancel(self._deadline)
        if self._saved is not None:
            import termios
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def _schedule(self, delay: int = POLL_CYCLES) -> None:
        ev = self.machine.events
        self._deadline = ev.schedule(ev.now() + delay, self.poll)

    def poll(self) -> None:
        """Read what stdin has (waiting a little if the guest is idle)."""
        self.flush()
        if not self.open:
            return          # stdin has ended: no more looks, so a guest idle for good still halts
        idle = self.machine.cpu.halted
        try:
            ready, _, _ = select.select([self.fd], [], [], IDLE_WAIT_S if idle else 0)
            data = os.read(self.fd, 4096) if ready else b""
        except (OSError, ValueError):
            ready, data = True, b""
        if ready and not data:
            self.open = False                   # end of a pipe: no more input
            return
        if data:
            self.feed(self._filter(data))
        self._schedule()

    def _filter(self, data: bytes) -> bytes:
        """Handle Ctrl-A escapes: X quits, Ctrl-A sends itself."""
        out = bytearray()
        for b in data:
            if self._escape:
                self._escape = False
                if b in (ord("x"), ord("X")):
                    for cpu in getattr(self.machine, "cpus", [self.machine.cpu]):
                        cpu.stop_request = StopRun("quit")
                        cpu.attention = True
                    break
                if b == CTRL_A:
                    out.append(CTRL_A)
                continue
            if b == CTRL_A:
                self._escape = True
                continue
            out.append(b)
        return bytes(out)
