"""Virtual time and deadlines: what the timers and the board's devices share.

There is no host time in the model (ARCHITECTURE.md, "Time and
determinism").  Time is the running core's cycle count; at ``core_hz``
cycles per second it is the time every counter on the board derives from:
the generic timer's system counter (CNTFRQ, 24 MHz on the V2P-CA15), the
SP804s' 1 MHz reference, the motherboard's 24 MHz and 100 Hz counters, the
PL031's seconds.

A device that needs to act at a later time schedules a deadline::

    handle = events.schedule(events.cycle_of(ticks, hz), callback)
    events.cancel(handle)

and ``callback()`` runs between blocks of the core whose time passes the
deadline (in cycle order, ties in scheduling order), with ``now()`` at or
just past it.  A deadline in the past runs at the next block boundary.
The earliest pending deadline is every core's ``next_deadline``: the
engine's ``horizon``, and the time a WFI or WFE with nothing pending skips
to.  With several cores, the machine makes the core it runs the clock
(``current``), and the cores run in fixed quanta, so deadlines fire at the
same place in every run.

A deadline that belongs to one core -- its generic timer, which counts
that core's time -- is scheduled with ``core=``: it fires only in that
core's turn, when its own cycle count passes it, so a core that runs a
little behind the others never sees its timer fire early.
"""

import heapq
import itertools
from typing import Callable, List, Optional

NEVER = 1 << 62
DEFAULT_CORE_HZ = 1000000000


class Deadline:
    """A scheduled callback; the handle :meth:`Events.schedule` returns."""
    __slots__ = ("cycle", "callback", "cancelled", "heap")

    def __init__(self, cycle: int, callback: Callable[[], None], heap: list):
        self.cycle = cycle
        self.callback = callback
        self.cancelled = False
        self.heap = heap            # the queue it is in: the machine's or one core's

    def __repr__(self) -> str:
        return "<Deadline at cycle %d%s>" % (self.cycle, " cancelled" if self.cancelled else "")


class Events:
    """The deadline queue of one machine, and its notion of now."""

    def __init__(self, core_hz: int = DEFAULT_CORE_HZ):
        self.core_hz = core_hz
        self.cores: List = []
        self.current = None            # the core whose cycle count is now()
        self._heap: List[tuple] = []   # (cycle, sequence, Deadline), for any core
        self._own = {}                 # core -> its own heap of the same
        self._seq = itertools.count()

    # -- cores --------------------------------------------------------------------

    def attach(self, core) -> None:
        """Make `core` run this queue's deadlines (its on_deadline) and, if
        it is the first, the clock."""
        self.cores.append(core)
        self._own[core] = []
        core.on_deadline = self.run_due
        if self.current is None:
            self.current = core
        self._retime()

    # -- time -----------------------------------------------------------------------

    def now(self) -> int:
        """The current time in core cycles."""
        return self.current.cycles if self.current is not None else 0

    def ticks(self, hz: int) -> int:
        """The count of a counter running at `hz` from time 0: floor(now * hz / core_hz)."""
        return self.now() * hz // self.core_hz

    def cycle_of(self, ticks: int, hz: int) -> int:
        """The first cycle at which a counter at `hz` reads `ticks` or more."""
        return -(-ticks * self.core_hz // hz)

    # -- deadlines -------------------------------------------------------------------

    def schedule(self, cycle: int, callback: Callable[[], None], core=None) -> Deadline:
        """Run `callback()` once time reaches `cycle` (`core`'s own time, if
        given); returns a handle for :meth:`cancel`."""
        heap = self._heap if core is None else self._own[core]
        d = Deadline(cycle, callback, heap)
        heapq.heappush(heap, (cycle, next(self._seq), d))
        if heap[0][2] is d:
            self._retime()
        return d

    def cancel(self, handle: Optional[Deadline]) -> None:
        """Drop a pending deadline (a fired, cancelled or None handle is fine)."""
        if handle is None or handle.cancelled:
            return
        handle.cancelled = True
        heap = handle.heap
        if heap and heap[0][2] is handle:
            _pop_cancelled(heap)
            self._retime()

    def next_deadline(self, core=None) -> int:
        """The cycle of the earliest pending deadline (of any core, or the
        ones `core` runs), or NEVER."""
        heaps = [self._heap] + (list(self._own.values()) if core is None else [self._own[core]])
        return min((h[0][0] for h in heaps if h), default=NEVER)

    def run_due(self) -> None:
        """Run every deadline at or before now that the current core runs:
        the machine's and its own, in cycle order (the cores' on_deadline)."""
        now = self.now()
        shared, own = self._heap, self._own.get(self.current, [])
        while True:
            heap = shared if shared and (not own or shared[0] < own[0]) else own
            if not heap or heap[0][0] > now:
                break
            d = heapq.heappop(heap)[2]
            if not d.cancelled:
                d.cancelled = True        # fired: a later cancel() is a no-op
                d.callback()
            _pop_cancelled(heap)
        self._retime()

    # -- internals ------------------------------------------------------------------

    def _retime(self) -> None:
        """Tell every core the earliest deadline it runs; `attention` makes
        the engine recompute its horizon at the next block boundary."""
        shared = self._heap[0][0] if self._heap else NEVER
        for core in self.cores:
            own = self._own[core]
            deadline = min(shared, own[0][0]) if own else shared
            if core.next_deadline != deadline:
                core.next_deadline = deadline
                core.attention = True


def _pop_cancelled(heap: list) -> None:
    while heap and heap[0][2].cancelled:
        heapq.heappop(heap)
