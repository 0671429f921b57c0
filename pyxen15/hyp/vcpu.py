"""A virtual CPU: the architectural state of one guest processor.

While a vCPU runs, its state is the physical core's own (the registers,
the banked registers, the PL1 system registers, VFP, the virtual timer,
the GICH list registers); the hypervisor reaches it in HYP mode, where
the guest's CPSR is SPSR_hyp, its PC ELR_hyp, r0-r12 are live (r8-r12 of
FIQ mode banked away when the guest was in FIQ mode) and its SP and LR
are the banked copies of its mode.  While it is descheduled, the same
state is held in `context` (sched.py saves and restores it).

Every change of `state` is accounted as Xen's runstate is (common/sched:
vcpu_runstate_change): the time entered and the nanoseconds spent in each
state, in Xen's system time (the vCPU's physical core's cycles).  A
blocked-in-WFI vCPU that waits alone on its core stays RUNNING, as its
core merely halts; what Linux derives from the area, its steal time
(runnable + offline), is exact either way.
"""

from typing import Dict, List, Optional

from ..cpu.state import LR_BANK, MODE_FIQ, SP_BANK
from .guestcopy import GuestFault, copy_to_guest
from .xen_public import LAYOUTS

MASK32 = 0xFFFFFFFF

# vCPU run states (Xen's RUNSTATE_*)
RUNNING, RUNNABLE, BLOCKED, OFFLINE = 0, 1, 2, 3


class VCpu:
    def __init__(self, domain, vcpu_id: int, pcpu: Optional[int]):
        self.domain = domain
        self.vcpu_id = vcpu_id
        self.pcpu = pcpu                       # the physical core it runs on
        self.core = None                       # that Core, while this vCPU is loaded on it
        self._state = OFFLINE
        self.runstate_entry = self.system_time()
        self.runstate_time = [0, 0, 0, 0]       # ns in RUNNING, RUNNABLE, BLOCKED, OFFLINE
        self.runstate_va: Optional[int] = None  # the guest's vcpu_runstate_info (a VA)
        self.queue: List[int] = []             # virtual interrupts waiting for a list register
        self.context: Dict[str, object] = {}   # saved state while descheduled
        self.vcpu_info_gpa: Optional[int] = None
        self.vmpidr = 0x80000000 | vcpu_id     # MPIDR the guest reads: Aff0 = vCPU id
        self.vfp_loaded = True

    # -- the run state (Xen's runstate) ----------------------------------------------------

    @property
    def state(self) -> int:
        return self._state

    @state.setter
    def state(self, new: int) -> None:
        if new != self._state:
            now = self.system_time()
            self.runstate_time[self._state] += now - self.runstate_entry
            self.runstate_entry = now
            self._state = new

    def system_time(self) -> int:
        """Xen's NOW(): nanoseconds of the vCPU's physical core."""
        m = self.domain.hv.machine
        return m.cpus[self.pcpu or 0].cycles * 10 ** 9 // m.events.core_hz

    def runstate(self) -> Dict[str, int]:
        """vcpu_runstate_get: the times so far, the current state's included."""
        times = list(self.runstate_time)
        times[self._state] += self.system_time() - self.runstate_entry
        return dict(state=self._state, state_entry_time=self.runstate_entry, time_running=times[0],
                    time_runnable=times[1], time_blocked=times[2], time_offline=times[3])

    def update_runstate_area(self) -> None:
        """Xen's update_runstate_area: the runstate into the guest's
        registered area, while the vCPU is on its core (its stage 1 is the
        one the VA means).  A bad address is the guest's loss, as on Xen."""
        if self.runstate_va is None or self.core is None:
            return
        try:
            copy_to_guest(self, self.runstate_va, LAYOUTS["vcpu_runstate_info"].pack(**self.runstate()))
        except GuestFault:
            pass

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
