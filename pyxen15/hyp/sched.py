"""Scheduling vCPUs on the physical cores (Xen's schedule.c, reduced to a
round-robin per physical core with a time slice from the HYP timer).

Each vCPU has its physical core (domain.py places vCPU n on core n mod
the number of cores).  With one vCPU per core -- dom0's layout -- there is
nothing to switch: a WFI or WFE the guest executes traps (HCR.TWI/TWE)
and blocks the vCPU, and the core waits as the native WFI waits, halted
until its (virtual or physical) interrupt line rises, virtual time
skipping to the next deadline.

With more vCPUs than cores, the core's HYP timer (CNTHP, PPI 26) ends a
slice every SLICE_TICKS; at the tick, or at a WFI with nothing pending,
the next runnable vCPU of the core is switched in.  A switch saves and
restores (`save` / `restore`): r0-r14 with every mode's banked SP, LR,
SPSR and FIQ's r8-r12, the guest's CPSR and PC (SPSR_hyp, ELR_hyp), the
PL1 system registers (PL1_SYSREGS), the guest's timers (CNTV_*, and the
emulated CNTP_*), the GICH state (list registers, VMCR, APR, HCR); VFP is
switched lazily: the incoming vCPU runs with HCPTR.TCP10/11 set unless
it owns the core's VFP bank, and its first VFP instruction traps (EC
0x07) to `vfp_trap`, which moves the bank.  An interrupt for a vCPU that
is not loaded wakes it and fires its core's HYP timer at once, so the
core reschedules at its next instruction boundary (Xen sends an SGI).
"""

from typing import Dict, List, Optional

from ..cpu.interrupts import HALT_WFE, HALT_WFI
from ..cpu.sysregs import BY_NAME
from ..cpu.state import MODE_HYP
from .costs import TRAP_COSTS
from .vcpu import BLOCKED, OFFLINE, RUNNABLE, RUNNING

SLICE_TICKS = 24000                 # 1 ms of the 24 MHz counter
HCPTR_TCP10_11 = 3 << 10
CNTHP_ENABLE = 1

# PL1 state a vCPU owns, restored in this order (translation controls before SCTLR)
PL1_SYSREGS = tuple(n for n in (
    "CSSELR", "CPACR", "TTBCR", "TTBR0_64", "TTBR1_64", "DACR", "PRRR", "NMRR", "AMAIR0",
    "AMAIR1", "CONTEXTIDR", "DFSR", "IFSR", "ADFSR", "AIFSR", "DFAR", "IFAR", "PAR_64", "VBAR",
    "TPIDRURW", "TPIDRURO", "TPIDRPRW", "CNTKCTL", "SCTLR") if n in BY_NAME and BY_NAME[n].write)
TIMER_REGS = ("CNTV_CVAL", "CNTV_CTL", "CNTP_CVAL", "CNTP_CTL")
BANKED = ("usr", "fiq", "irq", "svc", "abt", "und")


class Scheduler:
    def __init__(self, hv):
        self.hv = hv
        self.vfp_owner: Dict[int, object] = {}

    # -- which vCPUs a core has -----------------------------------------------------------

    def _vcpus_of(self, pcpu: int) -> List:
        return [v for d in self.hv.domains.values() for v in d.vcpus if v.pcpu == pcpu]

    def _next(self, pcpu: int, current) -> Optional[object]:
        """The next runnable vCPU after `current` (round robin), or None."""
        vcpus = self._vcpus_of(pcpu)
        if not vcpus:
            return None
        start = vcpus.index(current) + 1 if current in vcpus else 0
        for i in range(len(vcpus)):
            v = vcpus[(start + i) % len(vcpus)]
            if v is not current and v.state == RUNNABLE:
                return v
        return None

    def _shared(self, pcpu: int) -> bool:
        return sum(1 for v in self._vcpus_of(pcpu) if v.state != OFFLINE) > 1

    def arm_slice(self, core) -> None:
        """The HYP timer ends the slice, while the core has vCPUs to share."""
        if self._shared(core.cpu_index):
            core.timer.write("CNTHP_TVAL", SLICE_TICKS)
            core.timer.write("CNTHP_CTL", CNTHP_ENABLE)
        else:
            core.timer.write("CNTHP_CTL", 0)

    # -- blocking ----------------------------------------------------------------------------

    def wfi(self, core, vcpu, halt=HALT_WFI) -> int:
        """The trapped WFI has been stepped over: if the vCPU has nothing
        pending, another runnable vCPU of the core takes over, or the core
        waits for the vCPU's interrupt (WFI completes at once if it has one)."""
        if vcpu.has_interrupt():
            return core.eret()
        nxt = self._next(core.cpu_index, vcpu)
        if nxt is not None:
            # WFI blocks until an interrupt; WFE (a lock's spin) only yields, as
            # Xen's vcpu_yield: an event is not an interrupt we could wake it on.
            vcpu.state = BLOCKED if halt == HALT_WFI else RUNNABLE
            return self.switch(core, vcpu, nxt)
        core.halted = halt
        core.attention = True
        return core.eret()

    def wfe(self, core, vcpu) -> int:
        return self.wfi(core, vcpu, HALT_WFE)

    def block(self, vcpu) -> None:
        """SCHEDOP_block (ABI): the vCPU waits on its core for an interrupt."""
        if vcpu.core is not None and not vcpu.has_interrupt():
            vcpu.core.halted = HALT_WFI
            vcpu.core.attention = True

    def yield_(self, vcpu) -> None:
        """SCHEDOP_yield: the slice ends at once if another vCPU is runnable."""
        core = vcpu.core
        if core is not None and self._next(core.cpu_index, vcpu) is not None:
            self.kick_pcpu(core.cpu_index)

    def wake(self, vcpu) -> None:
        """An interrupt for a vCPU that is not loaded: runnable, and its core
        reschedules now."""
        if vcpu.state == BLOCKED and vcpu.core is None:
            vcpu.state = RUNNABLE
            self.kick_pcpu(vcpu.pcpu)

    def kick_pcpu(self, pcpu: int) -> None:
        core = self.hv.machine.cpus[pcpu]
        core.timer.write("CNTHP_TVAL", 0)
        core.timer.write("CNTHP_CTL", CNTHP_ENABLE)

    # -- the tick ----------------------------------------------------------------------------

    def tick(self, core) -> Optional[int]:
        """PPI 26: wake the core's blocked vCPUs that have something, switch
        to the next runnable one; None if the current one goes on.  A vCPU
        whose domain was shut down from another core leaves the core."""
        n = core.cpu_index
        for v in self._vcpus_of(n):
            if v.state == BLOCKED and v.core is None and (v.has_interrupt() or _timer_due(core, v)):
                v.state = RUNNABLE
        current = self.hv.running[n]
        if current is not None and current.domain.shutdown_reason is not None:
            self.hv.stop_vcpu(current)
            return self.leave(core)
        nxt = self._next(n, current)
        if nxt is None:
            self.arm_slice(core)
            return None
        if current is not None and current.state == RUNNING:
            current.state = RUNNABLE
        return self.switch(core, current, nxt)

    def add_vcpu(self, vcpu, ctx) -> None:
        """A vCPU started on a core that runs another: it waits its turn
        with the fresh context `ctx`."""
        vcpu.context = ctx
        vcpu.state = RUNNABLE
        self.arm_slice(self.hv.machine.cpus[vcpu.pcpu])

    def leave(self, core) -> int:
        """The core's vCPU went offline: the next runnable vCPU of the core
        takes over, or the core waits in the idle loop."""
        nxt = self._next(core.cpu_index, None)
        if nxt is not None:
            return self.switch(core, None, nxt)
        return self.hv.idle(core)

    # -- the switch --------------------------------------------------------------------------

    def switch(self, core, current, nxt) -> int:
        """Save `current` (None: the idle loop), restore `nxt`, ERET into it."""
        cost = TRAP_COSTS["ctxsw"]
        core.cycles += cost
        self.hv.stats.count("ctxsw", cost)
        if current is not None and current.core is core:
            save(self.hv, core, current)
        restore(self.hv, core, nxt)
        self.arm_slice(core)
        return core.eret()

    def vfp_trap(self, core, vcpu) -> None:
        """HCPTR trap: the core's VFP bank becomes this vCPU's."""
        n = core.cpu_index
        owner = self.vfp_owner.get(n)
        if owner is not vcpu:
            if owner is not None:
                owner.context["vfp"] = (bytes(core.fpregs), core.fpexc, core.fpscr)
            state = vcpu.context.pop("vfp", None)
            if state is None:
                core.vfp_reset()
            else:
                core.fpregs[:] = state[0]
                core.fpexc, core.fpscr = state[1], state[2]
            self.vfp_owner[n] = vcpu
        core.sys.write("HCPTR", 0)


def _timer_due(core, vcpu) -> bool:
    """A descheduled vCPU's saved virtual or physical timer condition is met."""
    t = vcpu.context.get("timer")
    if not t:
        return False
    vcount = core.timer.physical_count() - vcpu.domain.cntvoff
    pcount = core.timer.physical_count()
    v_on = t["CNTV_CTL"] & 3 == 1 and t["CNTV_CVAL"] <= vcount
    p_on = t["CNTP_CTL"] & 3 == 1 and t["CNTP_CVAL"] <= pcount
    return v_on or p_on


def save(hv, core, vcpu) -> None:
    """The vCPU's state off the core (which is in HYP, the guest's CPSR in
    SPSR_hyp), into vcpu.context."""
    s = core.sys
    ctx = vcpu.context
    core.sp_bank["hyp"] = core.r[13]
    ctx["r"] = list(core.r[:13]) + [0, 0, core.elr_hyp]
    ctx["fiq"] = list(core.r8_12_fiq)
    ctx["sp"] = {b: core.sp_bank[b] for b in BANKED}
    ctx["lr"] = dict(core.lr_bank)
    ctx["lr"]["usr"] = core.r[14]                      # HYP mode's LR is the User one
    ctx["spsr"] = {m: v for m, v in core.spsr_bank.items() if m != MODE_HYP}
    ctx["cpsr"] = core.spsr
    ctx["sys"] = {name: s.read(name) for name in PL1_SYSREGS}
    ctx["timer"] = {name: core.timer.read(name) for name in TIMER_REGS}
    core.timer.write("CNTV_CTL", 0)
    core.timer.write("CNTP_CTL", 0)
    vif = hv.machine.gic.vif[core.cpu_index]
    ctx["gich"] = (list(vif.lr), vif.h_read("VMCR", 0), vif.apr, vif.hcr)
    for i in range(len(vif.lr)):
        vif.lr[i] = 0
    vif.apr = 0
    vcpu.core = None
    hv.running[core.cpu_index] = None
    hv.machine.gic.update()


def restore(hv, core, vcpu) -> None:
    """The vCPU's state onto the core, the HYP controls for its domain
    (load_vcpu), VFP trapped unless it owns the bank."""
    ctx = vcpu.context
    vif = hv.machine.gic.vif[core.cpu_index]
    if "gich" in ctx:                                  # before load_vcpu refills the LRs
        lr, vmcr, apr, hcr = ctx.pop("gich")
        vif.lr[:] = lr
        vif.h_write("VMCR", 0, vmcr)
        vif.apr = apr
        vif.hcr = hcr
    hv.load_vcpu(vcpu, core)                           # HCR, VTTBR, CNTVOFF, VMPIDR; LR refill
    s = core.sys
    for name in PL1_SYSREGS:
        if name in ctx.get("sys", {}):
            s.write(name, ctx["sys"][name])
    for name in TIMER_REGS:
        if name in ctx.get("timer", {}):
            core.timer.write(name, ctx["timer"][name])
    regs = ctx["r"]
    core.r[:13] = regs[:13]
    core.r8_12_fiq[:] = ctx.get("fiq", core.r8_12_fiq)
    for b, v in ctx.get("sp", {}).items():
        core.sp_bank[b] = v
    lrs = dict(ctx.get("lr", {}))
    core.r[14] = lrs.pop("usr", 0)
    for b, v in lrs.items():
        core.lr_bank[b] = v
    for m, v in ctx.get("spsr", {}).items():
        core.spsr_bank[m] = v
    core.spsr = ctx["cpsr"]
    core.elr_hyp = regs[15]
    if hv.sched.vfp_owner.get(core.cpu_index) is not vcpu:
        s.write("HCPTR", HCPTR_TCP10_11)
    vcpu.domain.vgic.flush(vcpu)
    hv.machine.gic.update()
    vcpu.update_runstate_area()                        # its stage 1 is the core's again


def fresh_context(vcpu, pc: int, r0: int, mode: int, thumb: bool) -> dict:
    """The context of a vCPU that has not run: reset PL1 state, `mode` with
    A, I, F masked, MMU off."""
    ctx = {"r": [r0 & 0xFFFFFFFF] + [0] * 14 + [pc & ~1 & 0xFFFFFFFF],
           "cpsr": mode | 0x1C0 | (0x20 if thumb else 0),
           "sys": {name: BY_NAME[name].reset for name in PL1_SYSREGS},
           "timer": {name: 0 for name in TIMER_REGS}}
    return ctx
