"""Scheduling vCPUs on the physical cores (Xen's schedule.c, much reduced).

Each vCPU has its physical core (domain.py places vCPU n on core n mod
the number of cores).  With one vCPU per core -- dom0's layout -- there is
nothing to switch: a WFI or WFE the guest executes traps (HCR.TWI/TWE)
and blocks the vCPU, and the core waits as the native WFI waits, halted
until its (virtual or physical) interrupt line rises, virtual time
skipping to the next deadline.  The guest then resumes after its WFI.
"""

from ..cpu.interrupts import HALT_WFE, HALT_WFI
from .vcpu import BLOCKED, RUNNING


class Scheduler:
    def __init__(self, hv):
        self.hv = hv

    def wfi(self, core, vcpu) -> None:
        """The trapped WFI has been stepped over: block until an interrupt,
        unless one is already there (then WFI completes at once)."""
        if not vcpu.has_interrupt():
            core.halted = HALT_WFI
            core.attention = True

    def wfe(self, core, vcpu) -> None:
        """WFE: a guest spinning on a lock; wait for an event or an interrupt."""
        if not vcpu.has_interrupt():
            core.halted = HALT_WFE
            core.attention = True

    def block(self, vcpu) -> None:
        """SCHEDOP_block (ABI): as WFI, for the vCPU on its core."""
        vcpu.state = BLOCKED
        if vcpu.core is not None:
            self.wfi(vcpu.core, vcpu)
            vcpu.state = RUNNING

    def yield_(self, vcpu) -> None:
        """SCHEDOP_yield: with one vCPU per core there is no one to yield to."""

    def wake(self, vcpu) -> None:
        vcpu.state = RUNNING
