"""Interrupt delivery into a core: its four input lines and when they are taken.

A Cortex-A15 has four interrupt inputs from its GIC (A15 TRM 8.1; GICv2
architecture spec 2.2): nIRQ and nFIQ from the CPU interface (GICC), and
nVIRQ and nVFIQ from the virtual CPU interface (GICV, driven by the list
registers).  Here they are the core's ``irq_line``, ``fiq_line``,
``virq_line`` and ``vfiq_line``; whoever drives them calls :func:`set_line`,
and the engine calls :func:`check_interrupts` between blocks.

Routing, ARM ARM B1.8.4-B1.8.6 and B1.14.3 (no Security Extensions modelled,
so SCR.IRQ/FIQ are 0):

* a physical IRQ (FIQ) goes to HYP mode when HCR.IMO (FMO) is set and the
  core is below HYP -- CPSR.I (F) does not mask it then -- or when the core
  is in HYP mode and CPSR.I (F) is clear; otherwise to IRQ (FIQ) mode,
  masked by CPSR.I (F).  HCR.TGE routes them as IMO/FMO would (B1.14.x:
  with TGE set, FMO/IMO/AMO are treated as 1 other than for a direct read);
* a virtual IRQ (FIQ) exists only below HYP with HCR.IMO (FMO) set; it is
  HCR.VI (VF) OR the GIC's nVIRQ (nVFIQ) line (B1.8.x, "Virtual
  interrupts"), taken to IRQ (FIQ) mode, masked by CPSR.I (F);
* a virtual abort (HCR.VA under HCR.AMO) likewise, masked by CPSR.A;
* WFI (and WFE) wake on any of them pending, masked or not (B1.8.13);
  WFE also wakes on an event (:func:`send_event_to`).

Priority among several pending ones: FIQ before IRQ, physical before
virtual, and the virtual abort first of the virtual ones.  The
architecture leaves the order of simultaneous asynchronous exceptions to
the implementation (B1.8.x); this is the model's fixed choice.
"""

from .state import MODE_FIQ, MODE_HYP, MODE_IRQ

# HCR bits (B4.1.65)
HCR_FMO, HCR_IMO, HCR_AMO = 1 << 3, 1 << 4, 1 << 5
HCR_VF, HCR_VI, HCR_VA = 1 << 6, 1 << 7, 1 << 8
HCR_TGE = 1 << 27

VEC_IRQ, VEC_FIQ = 0x18, 0x1C

LINES = ("irq_line", "fiq_line", "virq_line", "vfiq_line")

# What a halted core waits in (core.halted; 0 when running)
HALT_WFI, HALT_WFE = 1, 2


def set_line(core, line: str, level: bool) -> None:
    """Drive one of the core's interrupt inputs (a name from LINES)."""
    level = bool(level)
    if getattr(core, line) != level:
        setattr(core, line, level)
        if level:
            core.attention = True


def send_event_to(core) -> None:
    """An event for `core` (B1.8.13: SEV on any core, the timer event
    stream): a WFE waiting for one completes, otherwise the event register
    is set for the next WFE."""
    if core.halted == HALT_WFE:
        core.halted = 0
        core.attention = True
    else:
        core.event_register = True


def virtual_irq(core) -> bool:
    """Whether a virtual IRQ is signalled (HCR.VI or nVIRQ), routing aside."""
    return bool(core.sys.hcr & HCR_VI) or core.virq_line


def virtual_fiq(core) -> bool:
    return bool(core.sys.hcr & HCR_VF) or core.vfiq_line


def isr(core) -> int:
    """ISR (B4.1.86): A, I, F pending; under HCR.AMO/IMO/FMO, at Non-secure
    PL1 the virtual ones instead."""
    hcr = core.sys.hcr
    below_hyp = core.mode != MODE_HYP
    f = virtual_fiq(core) if below_hyp and hcr & HCR_FMO else core.fiq_line
    i = virtual_irq(core) if below_hyp and hcr & HCR_IMO else core.irq_line
    a = bool(hcr & HCR_VA) if below_hyp and hcr & HCR_AMO else False
    return (int(a) << 8) | (int(i) << 7) | (int(f) << 6)


def check_interrupts(core, pc: int) -> int:
    """Take a pending, unmasked interrupt before the instruction at `pc`
    (see the module docstring); returns where the core goes on."""
    hcr = core.sys.hcr
    fiq, irq = core.fiq_line, core.irq_line
    if fiq or irq:
        core.halted = False
    in_hyp = core.mode == MODE_HYP
    tge = hcr & HCR_TGE
    if fiq:
        if (hcr & HCR_FMO or tge) and not in_hyp:
            return core.enter_hyp_mode(VEC_FIQ, pc, None)
        if not core.F:
            return _take_physical(core, MODE_FIQ, VEC_FIQ, pc)
    if irq:
        if (hcr & HCR_IMO or tge) and not in_hyp:
            return core.enter_hyp_mode(VEC_IRQ, pc, None)
        if not core.I:
            return _take_physical(core, MODE_IRQ, VEC_IRQ, pc)
    if in_hyp or tge:
        return pc              # no virtual interrupts in HYP, nor to a PL1 that TGE keeps out
    if hcr & HCR_VA and hcr & HCR_AMO:
        core.halted = False
        if not core.A:
            return core.take_virtual_abort(pc)
    if hcr & HCR_FMO and (hcr & HCR_VF or core.vfiq_line):
        core.halted = False
        if not core.F:
            return core.enter_mode(MODE_FIQ, VEC_FIQ, pc, 4)
    if hcr & HCR_IMO and (hcr & HCR_VI or core.virq_line):
        core.halted = False
        if not core.I:
            return core.enter_mode(MODE_IRQ, VEC_IRQ, pc, 4)
    return pc


def _take_physical(core, mode: int, vec: int, pc: int) -> int:
    """A physical interrupt not routed by HCR: to HYP if taken in HYP mode,
    else to IRQ/FIQ mode (LR = next instruction + 4)."""
    if core.mode == MODE_HYP:
        return core.enter_hyp_mode(vec, pc, None)
    return core.enter_mode(mode, vec, pc, 4)
