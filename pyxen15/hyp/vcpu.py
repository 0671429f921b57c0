"""A virtual CPU: the architectural state of one guest processor.

While a vCPU runs, its state is the physical core's own (the registers,
the banked registers, the PL1 system registers, VFP, the virtual timer,
the GICH list registers); the hypervisor reaches it in HYP mode, where
the guest's CPSR is SPSR_hyp, its PC ELR_hyp, r0-r12 are live (r8-r12 of
FIQ mode banked away when the guest was in FIQ mode) and its SP and LR
are the banked copies of its mode.  While it is descheduled, the same
state is held in `context` (sched.py saves and restores it).
"""

from typing import Dict, List, Optional

from ..cpu.state import LR_BANK, MODE_FIQ, SP_BANK

MASK32 = 0xFFFFFFFF

# vCPU run states (Xen's RUNSTATE_*)
RUNNING, RUNNABLE, BLOCKED, OFFLINE = 0, 1, 2, 3


class VCpu:
    def __init__(self, domain, vcpu_id: int, pcpu: Optional[int]):
        self.domain = domain
        self.vcpu_id = vcpu_id
        self.pcpu = pcpu                       # the physical core it runs on
        self.core = None                       # that Core, while this vCPU is loaded on it
        self.state = OFFLINE
        self.queue: List[int] = []             # virtual interrupts waiting for a list register
        self.context: Dict[str, object] = {}   # saved state while descheduled
        self.vcpu_info_gpa: Optional[int] = None
        self.vmpidr = 0x80000000 | vcpu_id     # MPIDR the guest reads: Aff0 = vCPU id
        self.vfp_loaded = True

    @property
    def running(self) -> bool:
        return self.core is not None

    @property
    def online(self) -> bool:
        return self.state != OFFLINE

    # -- the guest's registers from HYP mode ------------------------------------------------

    def _guest_mode(self) -> int:
        return self.core.spsr & 0x1F

    def get_reg(self, n: int) -> int:
        """Guest register r<n> (0-15; 15 is the PC as ELR_hyp) of a vCPU
        that trapped; of a descheduled vCPU from its saved context."""
        core = self.core
        if core is None:
            return self.context["r"][n]
        if n < 8:
            return core.r[n]
        mode = core.spsr & 0x1F
        if n < 13:
            return core.r8_12_fiq[n - 8] if mode == MODE_FIQ else core.r[n]
        if n == 13:
            return core.sp_bank[SP_BANK[mode]]
        if n == 14:
            return core.lr_bank[LR_BANK[mode]]
        return core.elr_hyp

    def set_reg(self, n: int, value: int) -> None:
        value &= MASK32
        core = self.core
        if core is None:
            self.context["r"][n] = value
            return
        if n < 8:
            core.r[n] = value
            return
        mode = core.spsr & 0x1F
        if n < 13:
            if mode == MODE_FIQ:
                core.r8_12_fiq[n - 8] = value
            else:
                core.r[n] = value
        elif n == 13:
            core.sp_bank[SP_BANK[mode]] = value
        elif n == 14:
            core.lr_bank[LR_BANK[mode]] = value
        else:
            core.elr_hyp = value

    # -- blocking ------------------------------------------------------------------------------

    def has_interrupt(self) -> bool:
        """Something for the guest: a queued virtual interrupt or a pending
        list register (what ends a WFI)."""
        if self.queue:
            return True
        if self.core is None:
            gich = self.context.get("gich")
            return bool(gich) and any(lr & (1 << 28) for lr in gich[0])
        if self.core is not None:
            gic = self.domain.hv.machine.gic
            for lr in gic.vif[self.pcpu].lr:
                if lr & (1 << 28):
                    return True
        return False

    def kick(self) -> None:
        """An interrupt became pending: a blocked vCPU wakes.  A vCPU waiting
        on its core (WFI trapped, one vCPU per core) is woken by the core's
        virtual IRQ line itself; one descheduled is made runnable."""
        if self.state == BLOCKED:
            self.domain.hv.sched.wake(self)

    def __repr__(self) -> str:
        return "VCpu(d%d v%d on %s)" % (self.domain.domid, self.vcpu_id, self.pcpu)
