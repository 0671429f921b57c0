"""The exclusive monitors of LDREX/STREX, on physical addresses (ARM ARM A3.4).

One :class:`GlobalMonitor` serves every core of a board: each core's
reservation is the physical address its last load-exclusive marked.  A
store-exclusive passes only at exactly that address (the ARM ARM allows
comparing the whole Exclusives Reservation Granule; the exact address is
the strict choice, and QEMU's).  A store by another core to a marked
granule clears that core's reservation (``observe_store``); a core's own
ordinary stores leave its reservation alone, which the ARM ARM makes
IMPLEMENTATION DEFINED and QEMU also does.

With one core nothing but the core itself stores, so the soft TLB's fast
path need not tell the monitor; a board with several cores must send
stores to ``marked_pages()`` through the slow path, which reports them.
"""

from typing import Dict, Set

# The Cortex-A15's Exclusives Reservation Granule: CTR.ERG = 4, 16 words
ERG_SHIFT = 6


class GlobalMonitor:
    def __init__(self) -> None:
        self.marks: Dict[int, int] = {}          # core id -> marked physical address

    def mark(self, core: int, pa: int) -> None:
        """SetExclusiveMonitors: a load-exclusive by `core` at `pa`."""
        self.marks[core] = pa

    def passes(self, core: int, pa: int) -> bool:
        """ExclusiveMonitorsPass: the store-exclusive may write."""
        return self.marks.get(core) == pa

    def clear(self, core: int) -> None:
        """ClearExclusiveLocal: CLREX, and every store-exclusive."""
        self.marks.pop(core, None)

    def observe_store(self, core: int, pa: int, size: int) -> None:
        """A store by `core` to [pa, pa + size): other cores' reservations
        on the granules it touches are lost."""
        if len(self.marks) < 2 and core in self.marks or not self.marks:
            return
        first, last = pa >> ERG_SHIFT, (pa + size - 1) >> ERG_SHIFT
        for other, marked in list(self.marks.items()):
            if other != core and first <= marked >> ERG_SHIFT <= last:
                del self.marks[other]

    def marked_pages(self) -> Set[int]:
        return {pa >> 12 for pa in self.marks.values()}
