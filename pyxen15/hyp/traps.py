"""Trap dispatch: one table keyed by HSR.EC (B3.13.6, Table B3-20), as
Xen's do_trap_guest_sync in xen/arch/arm/traps.c.

Every entry is (name, handler).  The dispatcher decodes the syndrome once
(cpu/syndrome.py), checks the condition code of the classes that carry
one (a trapped conditional instruction whose condition fails is stepped
over, B1.14.x "conditional execution of trapped instructions"), charges
the class's cost (costs.py), counts it and calls the handler, which
returns where the core goes on.  A class with no emulation has the named
default `undefined_trap`: the guest gets an Undefined Instruction
exception, as Xen gives it.

Physical interrupts (IRQ vector, HCR.IMO) are acknowledged at the
physical GICC here and handed to the vGIC, the scheduler or the timer.
"""

from typing import Callable, Dict, Tuple

from ..cpu.core import StopRun
from ..cpu.exceptions import VEC_FIQ, VEC_HYPTRAP, VEC_IRQ
from ..cpu.state import MODE_HYP, MODE_IRQ
from ..cpu.syndrome import (EC_BXJ, EC_DABT_HYP, EC_DABT_LOWER, EC_HCPTR, EC_HVC, EC_ILLEGAL,
                            EC_LDC_STC_CP14, EC_MCR_MRC_CP14, EC_MCR_MRC_CP15, EC_MCRR_MRRC_CP15,
                            EC_MRC_CP10, EC_MRRC_CP14, EC_PABT_HYP, EC_PABT_LOWER, EC_SMC, EC_SVC,
                            EC_UNKNOWN, EC_WFI_WFE, Conditional, decode)
from . import hypercall, vpsci, vtimer
from .costs import TRAP_COSTS
from .inject import advance_pc, inject_dabt, inject_pabt, inject_undef

HVC_PSCI = 0x0000             # SMCCC / PSCI
HVC_XEN = 0x0EA1              # Xen's hypercall immediate (XEN_HYPERCALL_TAG)
SPURIOUS = 1023
GICC_DIR = 0x1000

# Condition codes against NZCV (A8.3)
def _cond_passed(cpsr: int, cond: int) -> bool:
    n, z, c, v = cpsr >> 31 & 1, cpsr >> 30 & 1, cpsr >> 29 & 1, cpsr >> 28 & 1
    base = cond >> 1
    if base == 0:
        r = z
    elif base == 1:
        r = c
    elif base == 2:
        r = n
    elif base == 3:
        r = v
    elif base == 4:
        r = c and not z
    elif base == 5:
        r = n == v
    elif base == 6:
        r = n == v and not z
    else:
        return True
    return bool(r) != bool(cond & 1)


def _charge(hv, core, name: str) -> None:
    cost = TRAP_COSTS[name]
    core.cycles += cost
    hv.stats.count(name, cost)


# -- the handlers: (hv, core, vcpu, syndrome) -> next PC -------------------------------------

def wfi_wfe(hv, core, vcpu, syn) -> int:
    advance_pc(core, syn.il)
    if syn.ti:
        _charge(hv, core, "wfe")
        return hv.sched.wfe(core, vcpu)
    _charge(hv, core, "wfi")
    return hv.sched.wfi(core, vcpu)


def cp15_32(hv, core, vcpu, syn) -> int:
    _charge(hv, core, "cp15")
    if vtimer.cp15(core, vcpu, syn):
        advance_pc(core, syn.il)
        return core.eret()
    return inject_undef(core)


def cp15_64(hv, core, vcpu, syn) -> int:
    _charge(hv, core, "cp15_64")
    if vtimer.cp15_64(core, vcpu, syn):
        advance_pc(core, syn.il)
        return core.eret()
    return inject_undef(core)


def hcptr(hv, core, vcpu, syn) -> int:
    """Lazy VFP (HCPTR.TCP10/11): the vCPU's VFP bank becomes the core's,
    the trap is dropped and the instruction runs again."""
    _charge(hv, core, "hcptr")
    hv.sched.vfp_trap(core, vcpu)
    return core.eret()


def hvc(hv, core, vcpu, syn) -> int:
    """HVC: ELR_hyp already points after the HVC."""
    imm = syn.imm16
    if imm == HVC_XEN:
        _charge(hv, core, "hypercall")
        hypercall.dispatch(vcpu)
        if vcpu.core is None:                   # the call took the vCPU off its core
            return hv.sched.leave(core)
        return core.eret()
    if imm == HVC_PSCI:
        _charge(hv, core, "hvc_psci")
        return _psci(hv, core, vcpu)
    _charge(hv, core, "undef")
    return inject_undef(core, (core.elr_hyp - 4) & 0xFFFFFFFF)


def smc(hv, core, vcpu, syn) -> int:
    """SMC #0 under HCR.TSC: PSCI as over HVC; ELR_hyp is the SMC itself."""
    _charge(hv, core, "smc_psci")
    advance_pc(core, syn.il)
    return _psci(hv, core, vcpu)


def _psci(hv, core, vcpu) -> int:
    outcome = vpsci.handle(hv, core, vcpu)
    if outcome == "off":
        return hv.sched.leave(core)
    return core.eret()


def dabt_lower(hv, core, vcpu, syn) -> int:
    """A stage-2 data abort: an emulated device's IPA (MMIO), or an abort
    for the guest.  The IPA is HPFAR.FIPA with HDFAR's page offset."""
    s = core.sys
    ipa = ((s.hpfar & 0xFFFFFFF0) << 8) | (s.hdfar & 0xFFF)
    if syn.isv and not syn.s1ptw and vcpu.domain.mmio.handle(vcpu, syn, ipa):
        _charge(hv, core, "mmio")
        advance_pc(core, syn.il)
        return core.eret()
    _charge(hv, core, "dabt")
    return inject_dabt(core, s.hdfar, write=bool(syn.wnr))


def pabt_lower(hv, core, vcpu, syn) -> int:
    _charge(hv, core, "pabt")
    return inject_pabt(core, core.sys.hifar)


def undefined_trap(hv, core, vcpu, syn) -> int:
    """The named default: no emulation for this class, UNDEFINED for the guest."""
    _charge(hv, core, "undef")
    return inject_undef(core)


def hyp_fault(hv, core, vcpu, syn) -> int:
    """An abort taken from HYP mode itself: the hypervisor's own code faulted."""
    raise StopRun("hyp-panic")


# HSR.EC -> (class name, handler)
TRAPS: Dict[int, Tuple[str, Callable]] = {
    EC_UNKNOWN: ("unknown", undefined_trap),
    EC_WFI_WFE: ("wfi_wfe", wfi_wfe),
    EC_MCR_MRC_CP15: ("cp15", cp15_32),
    EC_MCRR_MRRC_CP15: ("cp15_64", cp15_64),
    EC_MCR_MRC_CP14: ("cp14", undefined_trap),
    EC_LDC_STC_CP14: ("cp14_ls", undefined_trap),
    EC_HCPTR: ("hcptr", hcptr),
    EC_MRC_CP10: ("cp10", undefined_trap),
    EC_BXJ: ("bxj", undefined_trap),
    EC_MRRC_CP14: ("cp14_64", undefined_trap),
    EC_ILLEGAL: ("illegal", undefined_trap),
    EC_SVC: ("svc", undefined_trap),
    EC_HVC: ("hvc", hvc),
    EC_SMC: ("smc", smc),
    EC_PABT_LOWER: ("pabt", pabt_lower),
    EC_PABT_HYP: ("pabt_hyp", hyp_fault),
    EC_DABT_LOWER: ("dabt", dabt_lower),
    EC_DABT_HYP: ("dabt_hyp", hyp_fault),
}
DEFAULT = ("unallocated", undefined_trap)


def handle(hv, core, vect_offset: int) -> int:
    """The hypervisor's entry (core.hyp_trap)."""
    vcpu = hv.running[core.cpu_index]
    if vect_offset == VEC_HYPTRAP:
        syn = decode(core.sys.hsr)
        if vcpu is None:
            raise StopRun("hyp-panic")
        if isinstance(syn, Conditional) and syn.cv and not _cond_passed(core.spsr, syn.cond):
            advance_pc(core, syn.il)
            pc = core.eret()
        else:
            pc = TRAPS.get(syn.ec, DEFAULT)[1](hv, core, vcpu, syn)
    elif vect_offset == VEC_IRQ or vect_offset == VEC_FIQ:
        pc = physical_irq(hv, core, vcpu)
    else:
        raise StopRun("hyp-panic")
    if vcpu is not None and vcpu.core is core:
        if vcpu.queue:
            vcpu.domain.vgic.flush(vcpu)
        if core.virq_line and not core.I and core.mode != MODE_HYP:
            # The virtual IRQ this trap raised is taken before the guest's next
            # instruction, as after an ERET on the hardware (not a block later).
            core.halted = 0
            pc = core.enter_mode(MODE_IRQ, VEC_IRQ, pc, 4)
    return pc


def physical_irq(hv, core, vcpu) -> int:
    """A physical IRQ in HYP: acknowledge it at the GICC; drop its priority
    (EOImode: deactivation is separate); then the hypervisor's own
    (maintenance, HYP timer) are deactivated here, and a guest's is
    injected with HW = 1 so the guest's EOI deactivates it."""
    n = core.cpu_index
    gicc = hv.machine.gic.cpu_if[n]
    tick = False
    while True:
        irq = gicc.acknowledge(3, False) & 0x3FF
        if irq >= 1020:
            break
        gicc.end_of_interrupt(irq)
        injected = False
        if irq == vtimer.MAINTENANCE_PPI:
            _charge(hv, core, "maintenance")
            if vcpu is not None:
                vcpu.domain.vgic.flush(vcpu)
        elif irq == vtimer.HYP_TIMER_PPI:
            _charge(hv, core, "hyp_timer")
            core.timer.write("CNTHP_CTL", 0)            # the scheduler re-arms it
            tick = True
        elif irq in vtimer.GUEST_TIMER_PPIS:
            _charge(hv, core, "irq")
            if vcpu is not None:
                vcpu.domain.vgic.inject(vcpu, irq, hw_pirq=irq)
                injected = True
        elif irq >= 32:
            _charge(hv, core, "irq")
            owner = hv.irq_owner.get(irq)
            if owner is not None:
                injected = owner.vgic.physical_spi(irq)
        if not injected:
            gicc.write(GICC_DIR, 4, irq)
    if tick:
        pc = hv.sched.tick(core)
        if pc is not None:
            return pc
    return core.eret()                              # to the guest, or back to the idle loop
