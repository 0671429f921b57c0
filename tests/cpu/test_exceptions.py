"""Exception entry and return, and the traps to HYP mode (ARM ARM B1.8, B1.9, B1.14).

Every expected value is worked by hand from the pseudocode the row names
(TakeUndefInstrException(), EnterHypMode(), WriteHSR(), ...): the vector,
the mode, the CPSR after entry (masks, T from SCTLR.TE/HSCTLR.TE), the link
register or ELR_hyp, the SPSR, and the syndrome/fault registers.  Snippets
are assembled with GNU as, which knows the virtualization instructions.
The last test runs a probe of the same scenarios under QEMU's vexpress-a15
in HYP mode and compares every value with pyxen15's.
"""

import re

import pytest

from snippets import CODE, gnu_assemble
from pyxen15.machine import Machine

VBAR = 0x80010000
HVBAR = 0x80020000
NOWHERE = 0x10000000        # no device decodes it: a synchronous external abort

SVC, USR, HYP, IRQ, FIQ, UND, ABT, SYS = 0x13, 0x10, 0x1A, 0x12, 0x11, 0x1B, 0x17, 0x1F
HCR_IMO, HCR_FMO, HCR_AMO = 1 << 4, 1 << 3, 1 << 5
HCR_VI, HCR_VA = 1 << 7, 1 << 8
HCR_TWI, HCR_TWE, HCR_TSC, HCR_TGE = 1 << 13, 1 << 14, 1 << 19, 1 << 27
HCR_TID3, HCR_TVM = 1 << 18, 1 << 26


def hsr(ec, iss, il=1):
    return ec << 26 | il << 25 | iss


def run_system(src, thumb=False, cpsr=SVC, regs=None, sys=None, lines=None, until=None,
               max_insns=40, setup=None):
    """Assemble `src` at CODE and run it with VBAR/HVBAR set, the given CPSR
    (T added for Thumb), registers, system register attributes (`sys`) and
    interrupt lines; stop at `until` (default: the end of the code).
    Returns (machine, reason)."""
    code = gnu_assemble(src, thumb)
    m = Machine(ram_size=16 << 20)
    m.mem.write(CODE, code)
    cpu = m.cpu
    cpu.sys.vbar, cpu.sys.hvbar = VBAR, HVBAR
    for name, value in (sys or {}).items():
        setattr(cpu.sys, name, value)
    cpu.set_cpsr(cpsr | (0x20 if thumb else 0))
    for i, v in (regs or {}).items():
        cpu.r[i] = v
    for line in lines or ():
        setattr(cpu, line + "_line", True)
    if setup is not None:
        setup(cpu)
    cpu.pc = CODE
    reason = m.run(until=CODE + len(code) if until is None else until, max_insns=max_insns).reason
    return m, reason


# -- entry to PL1 modes --------------------------------------------------------------------------
# (name, thumb, source, start CPSR, registers, sys, lines, vector, CPSR after, LR, SPSR, extra sys)
PL1_ENTRIES = [
    ("undef_a32", False, "udf #0", SVC, {}, {}, (), VBAR + 4, 0x09B, CODE + 4, SVC, {}),
    ("undef_t16_lr_is_plus_2", True, "udf #0", SVC, {}, {}, (), VBAR + 4, 0x09B, CODE + 2, 0x33, {}),
    ("undef_t32_lr_is_plus_2", True, "udf.w #0", SVC, {}, {}, (), VBAR + 4, 0x09B, CODE + 2, 0x33, {}),
    ("svc_a32", False, "svc #1", USR, {}, {}, (), VBAR + 8, 0x093, CODE + 4, USR, {}),
    ("svc_t16", True, "svc #1", USR, {}, {}, (), VBAR + 8, 0x093, CODE + 2, 0x30, {}),
    ("bkpt_is_a_debug_prefetch_abort", False, "bkpt #1", SVC, {}, {}, (), VBAR + 0xC, 0x197,
     CODE + 4, SVC, {"ifsr": 0x2}),
    ("bkpt_t16", True, "bkpt #1", SVC, {}, {}, (), VBAR + 0xC, 0x197, CODE + 4, 0x33, {"ifsr": 0x2}),
    ("data_abort_read", False, "ldr r0, [r1]", SVC, {1: NOWHERE}, {}, (), VBAR + 0x10, 0x197,
     CODE + 8, SVC, {"dfsr": 0x008, "dfar": NOWHERE}),
    ("data_abort_write_sets_wnr", False, "str r0, [r1]", SVC, {1: NOWHERE}, {}, (), VBAR + 0x10,
     0x197, CODE + 8, SVC, {"dfsr": 0x808, "dfar": NOWHERE}),
    ("data_abort_thumb_lr_is_plus_8", True, "ldr r0, [r1]", SVC, {1: NOWHERE}, {}, (), VBAR + 0x10,
     0x197, CODE + 8, 0x33, {"dfsr": 0x008}),
    ("data_abort_lpae_fsr", False, "ldr r0, [r1]", SVC, {1: NOWHERE}, {"ttbcr": 1 << 31}, (),
     VBAR + 0x10, 0x197, CODE + 8, SVC, {"dfsr": 0x210}),
    ("prefetch_abort", False, "bx r1", SVC, {1: NOWHERE}, {}, (), VBAR + 0xC, 0x197, NOWHERE + 4,
     SVC, {"ifsr": 0x008, "ifar": NOWHERE}),
    ("irq_before_first_insn", False, "nop", SVC, {}, {}, ("irq",), VBAR + 0x18, 0x192, CODE + 4,
     SVC, {}),
    ("fiq_masks_f", False, "nop", SVC, {}, {}, ("fiq",), VBAR + 0x1C, 0x1D1, CODE + 4, SVC, {}),
    ("irq_from_thumb", True, "nop", SVC, {}, {}, ("irq",), VBAR + 0x18, 0x192, CODE + 4, 0x33, {}),
    ("sctlr_te_enters_thumb", False, "svc #1", SVC, {}, {"sctlr": 0x40C50078}, (), VBAR + 8, 0x0B3,
     CODE + 4, SVC, {}),
    ("sctlr_ee_enters_big_endian", False, "svc #1", SVC, {}, {"sctlr": 0x02C50078}, (), VBAR + 8,
     0x293, CODE + 4, SVC, {}),
    ("sctlr_v_high_vectors", False, "svc #1", SVC, {}, {"sctlr": 0x00C52078}, (), 0xFFFF0008, 0x093,
     CODE + 4, SVC, {}),
    ("virtual_irq", False, "nop", SVC, {}, {"hcr": HCR_IMO | HCR_VI}, (), VBAR + 0x18, 0x192,
     CODE + 4, SVC, {}),
    ("virtual_abort_clears_hcr_va", False, "nop", SVC, {}, {"hcr": HCR_AMO | HCR_VA}, (), VBAR + 0x10,
     0x197, CODE + 8, SVC, {"dfsr": 0x406, "hcr": HCR_AMO}),
    ("hvc_from_user_is_undefined", False, "hvc #1", USR, {}, {}, (), VBAR + 4, 0x09B, CODE + 4, USR, {}),
    ("smc_without_tsc_is_undefined", False, "smc #0", SVC, {}, {}, (), VBAR + 4, 0x09B, CODE + 4, SVC, {}),
    ("smc_from_user_is_undefined_even_with_tsc", False, "smc #0", USR, {}, {"hcr": HCR_TSC}, (),
     VBAR + 4, 0x09B, CODE + 4, USR, {}),
]


@pytest.mark.parametrize("name,thumb,src,cpsr,regs,sysregs,lines,vector,after,lr,spsr,extra",
                         PL1_ENTRIES, ids=[c[0] for c in PL1_ENTRIES])
def test_exception_entry_to_pl1(name, thumb, src, cpsr, regs, sysregs, lines, vector, after, lr, spsr, extra):
    m, reason = run_system(src, thumb, cpsr, regs, sysregs, lines, until=vector)
    cpu = m.cpu
    assert reason == "until", "the exception did not reach 0x%08x" % vector
    assert cpu.get_cpsr() == after
    assert cpu.r[14] == lr
    assert cpu.spsr == spsr
    for attr, value in extra.items():
        assert getattr(cpu.sys, attr) == value, attr


# -- entry to HYP mode -------------------------------------------------------------------------
# (name, thumb, source, start CPSR, registers, sys, lines, vector, ELR_hyp, SPSR_hyp, HSR, extra sys)
HYP_ENTRIES = [
    ("hvc_from_svc_uses_hyp_trap_vector", False, "hvc #0x1234", SVC, {}, {}, (), HVBAR + 0x14,
     CODE + 4, SVC, hsr(0x12, 0x1234), {}),
    ("hvc_from_hyp_uses_hvc_vector", False, "hvc #0x1234", HYP, {}, {}, (), HVBAR + 0x08,
     CODE + 4, HYP, hsr(0x12, 0x1234), {}),
    ("hvc_t32", True, "hvc #0xabcd", SVC, {}, {}, (), HVBAR + 0x14, CODE + 4, 0x33,
     hsr(0x12, 0xABCD), {}),
    ("undef_in_hyp", False, "udf #0", HYP, {}, {}, (), HVBAR + 0x04, CODE, HYP, hsr(0, 0, il=0), {}),
    ("undef_t16_in_hyp", True, "udf #0", HYP, {}, {}, (), HVBAR + 0x04, CODE, 0x3A,
     hsr(0, 0, il=0), {}),
    ("svc_in_hyp", False, "svc #0x12", HYP, {}, {}, (), HVBAR + 0x08, CODE + 4, HYP,
     hsr(0x11, 0x12), {}),
    ("svc_t16_in_hyp_il_is_0", True, "svc #0x12", HYP, {}, {}, (), HVBAR + 0x08, CODE + 2, 0x3A,
     hsr(0x11, 0x12, il=0), {}),
    ("undef_from_user_with_tge", False, "udf #0", USR, {}, {"hcr": HCR_TGE}, (), HVBAR + 0x14,
     CODE, USR, hsr(0, 0, il=0), {}),
    ("svc_from_user_with_tge", False, "svc #0x77", USR, {}, {"hcr": HCR_TGE}, (), HVBAR + 0x14,
     CODE + 4, USR, hsr(0x11, 0x77), {}),
    ("external_abort_from_user_with_tge", False, "ldr r0, [r1]", USR, {1: NOWHERE}, {"hcr": HCR_TGE},
     (), HVBAR + 0x14, CODE, USR, hsr(0x24, 0x210, il=0), {"hdfar": NOWHERE}),
    ("data_abort_in_hyp", False, "str r0, [r1]", HYP, {1: NOWHERE}, {}, (), HVBAR + 0x10, CODE, HYP,
     hsr(0x25, 0x250, il=0), {"hdfar": NOWHERE}),
    ("prefetch_abort_in_hyp", False, "bx r1", HYP, {1: NOWHERE}, {}, (), HVBAR + 0x0C, NOWHERE, HYP,
     hsr(0x21, 0x210, il=0), {"hifar": NOWHERE}),
    ("bkpt_with_hdcr_tde", False, "bkpt #0", SVC, {}, {"hdcr": 1 << 8}, (), HVBAR + 0x14, CODE, SVC,
     hsr(0x20, 0x22, il=0), {}),
    ("irq_with_imo_ignores_cpsr_i", False, "nop", SVC | 0x80, {}, {"hcr": HCR_IMO, "hsr": 0x1234},
     ("irq",), HVBAR + 0x18, CODE, SVC | 0x80, 0x1234, {}),
    ("fiq_with_fmo", False, "nop", SVC | 0x40, {}, {"hcr": HCR_FMO}, ("fiq",), HVBAR + 0x1C, CODE,
     SVC | 0x40, 0, {}),
    ("irq_in_hyp", False, "nop", HYP, {}, {}, ("irq",), HVBAR + 0x18, CODE, HYP, 0, {}),
    ("smc_trapped_by_tsc", False, "smc #0", SVC, {}, {"hcr": HCR_TSC}, (), HVBAR + 0x14, CODE, SVC,
     hsr(0x13, 0), {}),
]


@pytest.mark.parametrize("name,thumb,src,cpsr,regs,sysregs,lines,vector,elr,spsr,hsr_value,extra",
                         HYP_ENTRIES, ids=[c[0] for c in HYP_ENTRIES])
def test_exception_entry_to_hyp(name, thumb, src, cpsr, regs, sysregs, lines, vector, elr, spsr,
                                hsr_value, extra):
    m, reason = run_system(src, thumb, cpsr, regs, sysregs, lines, until=vector)
    cpu = m.cpu
    assert reason == "until", "the exception did not reach 0x%08x" % vector
    assert cpu.get_cpsr() == 0x1DA           # HYP, A/I/F masked, ARM, little-endian
    assert cpu.elr_hyp == elr
    assert cpu.spsr == spsr
    assert cpu.sys.hsr == hsr_value
    for attr, value in extra.items():
        assert getattr(cpu.sys, attr) == value, attr


def test_hsctlr_te_and_ee_apply_on_hyp_entry():
    m, reason = run_system("hvc #0", sys={"hsctlr": 0x30C50838 | 1 << 30 | 1 << 25},
                           until=HVBAR + 0x14)
    assert reason == "until" and m.cpu.get_cpsr() == 0x1DA | 0x20 | 0x200


def test_python_hypervisor_hook_runs_after_architectural_entry():
    seen = []

    def hook(core, vect_offset, target):
        seen.append((vect_offset, target, core.mode, core.sys.hsr, core.elr_hyp))
        return CODE + 8                       # resume after the HVC, still in HYP mode

    m, reason = run_system("hvc #7\nmov r0, #1\nmov r1, #2",
                           setup=lambda cpu: setattr(cpu, "hyp_trap", hook))
    assert reason == "until"
    assert seen == [(0x14, HVBAR + 0x14, HYP, hsr(0x12, 7), CODE + 4)]
    assert m.cpu.r[0] == 0 and m.cpu.r[1] == 2


def test_virtual_irq_is_masked_by_cpsr_i():
    m, reason = run_system("mov r0, #1", cpsr=SVC | 0x80, sys={"hcr": HCR_IMO | HCR_VI})
    assert reason == "until" and m.cpu.r[0] == 1 and m.cpu.mode == SVC


def test_unmasking_with_msr_takes_the_pending_irq_after_the_msr():
    """An MSR that clears CPSR.I ends its block; the IRQ is taken before the
    next instruction, so LR_irq is that instruction's address + 4."""
    m, reason = run_system("mov r0, #0x13\nmsr cpsr_c, r0\nmov r1, #1", cpsr=SVC | 0xC0,
                           lines=("irq",), until=VBAR + 0x18)
    assert reason == "until"
    assert m.cpu.r[14] == CODE + 8 + 4 and m.cpu.spsr == 0x13 and m.cpu.r[1] == 0


# -- exception return ----------------------------------------------------------------------------

def test_eret_from_hyp_to_svc():
    def setup(cpu):
        cpu.elr_hyp = CODE + 0x100
        cpu.spsr = 0x153                      # SVC, A and I masked
    m, reason = run_system("eret", cpsr=HYP, setup=setup, until=CODE + 0x100)
    assert reason == "until" and m.cpu.get_cpsr() == 0x153


def test_eret_restores_thumb_and_itstate():
    """SPSR = Thumb in an IT block (ITSTATE 0x08: EQ, one instruction left):
    the return resumes in Thumb with that ITSTATE."""
    def setup(cpu):
        cpu.elr_hyp = CODE + 0x101
        cpu.spsr = 0x13 | 0x20 | (0x08 >> 2) << 10
    m, reason = run_system("eret", cpsr=HYP, setup=setup, until=CODE + 0x100)
    assert reason == "until" and m.cpu.T == 1 and m.cpu.IT == 0x08 and m.cpu.mode == SVC


def test_eret_in_svc_is_subs_pc_lr():
    def setup(cpu):
        cpu.spsr = USR
    m, reason = run_system("eret", regs={14: CODE + 0x40}, setup=setup, until=CODE + 0x40)
    assert reason == "until" and m.cpu.get_cpsr() == USR


def test_eret_in_user_mode_is_undefined():
    m, reason = run_system("eret", cpsr=USR, until=VBAR + 4)
    assert reason == "until" and m.cpu.mode == UND


def test_subs_pc_lr_from_irq_returns_to_the_interrupted_instruction():
    def setup(cpu):
        cpu.spsr = SVC
    m, reason = run_system("subs pc, lr, #4", cpsr=IRQ, regs={14: CODE + 0x44}, setup=setup,
                           until=CODE + 0x40)
    assert reason == "until" and m.cpu.get_cpsr() == SVC


def test_t32_subs_pc_lr_imm():
    def setup(cpu):
        cpu.spsr = SVC | 0x20
    m, reason = run_system("subs pc, lr, #4", thumb=True, cpsr=IRQ, regs={14: CODE + 0x46},
                           setup=setup, until=CODE + 0x42)
    assert reason == "until" and m.cpu.get_cpsr() == SVC | 0x20


def test_t32_subs_pc_lr_with_imm_is_undefined_in_hyp():
    m, reason = run_system("subs pc, lr, #4", thumb=True, cpsr=HYP, until=HVBAR + 4)
    assert reason == "until" and m.cpu.sys.hsr == hsr(0, 0, il=0)


@pytest.mark.parametrize("thumb", [False, True])
def test_rfe_loads_pc_and_cpsr_and_writes_back(thumb):
    stack = CODE + 0x800

    def setup(cpu):
        cpu.tlb.write(stack, 4, CODE + 0x200)
        cpu.tlb.write(stack + 4, 4, USR | 0x40)
    m, reason = run_system("rfeia r0!", thumb, regs={0: stack}, setup=setup, until=CODE + 0x200)
    assert reason == "until"
    assert m.cpu.get_cpsr() == USR | 0x40
    assert m.cpu.reg("r0") == stack + 8


def test_rfe_in_hyp_is_undefined():
    m, reason = run_system("rfeia r0", cpsr=HYP, regs={0: CODE + 0x800}, until=HVBAR + 4)
    assert reason == "until"


@pytest.mark.parametrize("thumb", [False, True])
def test_srs_stores_lr_and_spsr_on_the_target_mode_stack(thumb):
    def setup(cpu):
        cpu.set_reg("sp_svc", CODE + 0x800)
        cpu.spsr = 0x10 | 0x80000000
    m, reason = run_system("srsdb sp!, #0x13", thumb, cpsr=IRQ, regs={14: 0x1234}, setup=setup)
    assert reason == "until"
    assert m.cpu.tlb.read(CODE + 0x7F8, 4) == 0x1234
    assert m.cpu.tlb.read(CODE + 0x7FC, 4) == 0x80000010
    assert m.cpu.reg("sp_svc") == CODE + 0x7F8
    assert m.cpu.mode == IRQ


@pytest.mark.parametrize("mode,vector", [(USR, VBAR + 4), (SYS, VBAR + 4), (HYP, HVBAR + 4)])
def test_srs_is_undefined_in_user_system_and_hyp(mode, vector):
    m, reason = run_system("srsdb sp!, #0x13", cpsr=mode, until=vector)
    assert reason == "until"


# -- WFI, WFE, SEV ----------------------------------------------------------------------------

# (name, thumb, source, start CPSR, flags, HSR)
WAIT_TRAPS = [
    ("wfi_a32", False, "wfi", SVC, 0, hsr(0x01, 1 << 24 | 0xE << 20)),
    ("wfi_a32_conditional_reports_cond", False, "wfine", SVC, 0, hsr(0x01, 1 << 24 | 0x1 << 20)),
    ("wfi_t16_il_is_0", True, "wfi", SVC, 0, hsr(0x01, 1 << 24 | 0xE << 20, il=0)),
    ("wfi_t32", True, "wfi.w", SVC, 0, hsr(0x01, 1 << 24 | 0xE << 20)),
    ("wfi_from_user", False, "wfi", USR, 0, hsr(0x01, 1 << 24 | 0xE << 20)),
    ("wfe_sets_ti", False, "wfe", SVC, 0, hsr(0x01, 1 << 24 | 0xE << 20 | 1)),
]


@pytest.mark.parametrize("name,thumb,src,cpsr,flags,expected", WAIT_TRAPS, ids=[c[0] for c in WAIT_TRAPS])
def test_wfi_wfe_trapped_by_hcr(name, thumb, src, cpsr, flags, expected):
    m, reason = run_system(src, thumb, cpsr, sys={"hcr": HCR_TWI | HCR_TWE}, until=HVBAR + 0x14)
    assert reason == "until"
    assert m.cpu.sys.hsr == expected and m.cpu.elr_hyp == CODE


def test_wfi_without_anything_pending_halts():
    m, reason = run_system("wfi\nmov r0, #1")
    assert reason == "halt" and m.cpu.halted and m.cpu.pc == CODE + 4 and m.cpu.r[0] == 0


def test_wfi_in_hyp_is_not_trapped():
    m, reason = run_system("wfi", cpsr=HYP, sys={"hcr": HCR_TWI})
    assert reason == "halt"


def test_wfi_wakes_on_a_masked_interrupt_without_taking_it():
    m, reason = run_system("wfi\nmov r0, #1", cpsr=SVC | 0x80, lines=("irq",))
    assert reason == "until" and m.cpu.r[0] == 1 and m.cpu.mode == SVC


def test_wfe_after_sev_consumes_the_event_and_goes_on():
    m, reason = run_system("sev\nwfe\nmov r0, #1", sys={"hcr": HCR_TWE})
    assert reason == "until" and m.cpu.r[0] == 1 and not m.cpu.event_register


def test_wfe_without_event_halts():
    m, reason = run_system("wfe\nmov r0, #1")
    assert reason == "halt"


# -- coprocessor traps ---------------------------------------------------------------------------

def cp_iss(opc2, opc1, crn, rt, crm, read, cond=0xE):
    return 1 << 24 | cond << 20 | opc2 << 17 | opc1 << 14 | crn << 10 | rt << 5 | crm << 1 | read


# (name, source, start CPSR, sys, HSR)
CP_TRAPS = [
    ("mcr_sctlr_hstr_t1", "mcr p15, 0, r2, c1, c0, 0", SVC, {"hstr": 1 << 1},
     hsr(0x03, cp_iss(0, 0, 1, 2, 0, 0))),
    ("mrc_l2ctlr_hstr_t9_all_fields", "mrc p15, 1, r3, c9, c0, 2", SVC, {"hstr": 1 << 9},
     hsr(0x03, cp_iss(2, 1, 9, 3, 0, 1))),
    ("mrc_conditional_reports_cond", "mrceq p15, 0, r4, c13, c0, 3", SVC | 0x40000000,
     {"hstr": 1 << 13}, hsr(0x03, cp_iss(3, 0, 13, 4, 0, 1, cond=0))),
    ("mrc_tpidruro_from_user_hstr_t13", "mrc p15, 0, r5, c13, c0, 3", USR, {"hstr": 1 << 13},
     hsr(0x03, cp_iss(3, 0, 13, 5, 0, 1))),
    ("mrrc_ttbr0_hstr_t2", "mrrc p15, 0, r0, r1, c2", SVC, {"hstr": 1 << 2},
     hsr(0x04, 1 << 24 | 0xE << 20 | 1 << 10 | 0 << 5 | 2 << 1 | 1)),
    ("unallocated_register_trapped_by_hstr", "mrc p15, 3, r0, c11, c7, 5", SVC, {"hstr": 1 << 11},
     hsr(0x03, cp_iss(5, 3, 11, 0, 7, 1))),
    ("hcr_from_pl1_trapped_by_hstr_before_undefined", "mrc p15, 4, r0, c1, c1, 0", SVC,
     {"hstr": 1 << 1}, hsr(0x03, cp_iss(0, 4, 1, 0, 1, 1))),
    ("sctlr_write_trapped_by_tvm", "mcr p15, 0, r0, c1, c0, 0", SVC, {"hcr": HCR_TVM},
     hsr(0x03, cp_iss(0, 0, 1, 0, 0, 0))),
    ("ttbr0_64_write_trapped_by_tvm", "mcrr p15, 0, r2, r3, c2", SVC, {"hcr": HCR_TVM},
     hsr(0x04, 1 << 24 | 0xE << 20 | 3 << 10 | 2 << 5 | 2 << 1)),
    ("id_pfr0_trapped_by_tid3", "mrc p15, 0, r1, c0, c1, 0", SVC, {"hcr": HCR_TID3},
     hsr(0x03, cp_iss(0, 0, 0, 1, 1, 1))),
    ("csselr_write_trapped_by_tid2", "mcr p15, 2, r1, c0, c0, 0", SVC, {"hcr": 1 << 17},
     hsr(0x03, cp_iss(0, 2, 0, 1, 0, 0))),
    ("tlbiall_trapped_by_ttlb", "mcr p15, 0, r0, c8, c7, 0", SVC, {"hcr": 1 << 25},
     hsr(0x03, cp_iss(0, 0, 8, 0, 7, 0))),
    ("pmccntr_trapped_by_hdcr_tpm", "mrc p15, 0, r0, c9, c13, 0", SVC, {"hdcr": 1 << 6},
     hsr(0x03, cp_iss(0, 0, 9, 0, 13, 1))),
    ("cntpct_trapped_by_cnthctl", "mrrc p15, 0, r0, r1, c14", SVC, {"cnthctl": 2},
     hsr(0x04, 1 << 24 | 0xE << 20 | 1 << 10 | 14 << 1 | 1)),
    ("dbgdidr_trapped_by_hdcr_tda", "mrc p14, 0, r0, c0, c0, 0", SVC, {"hdcr": 1 << 9},
     hsr(0x05, cp_iss(0, 0, 0, 0, 0, 1))),
    ("vmrs_trapped_by_hcptr_tcp10", ".fpu vfpv4\nvmrs r0, fpscr", SVC,
     {"hcptr": 0x33FF | 1 << 10, "cpacr": 0xF << 20},
     hsr(0x07, 1 << 24 | 0xE << 20 | 10)),
]


@pytest.mark.parametrize("name,src,cpsr,sysregs,expected", CP_TRAPS, ids=[c[0] for c in CP_TRAPS])
def test_coprocessor_access_trapped_to_hyp(name, src, cpsr, sysregs, expected):
    m, reason = run_system(src, cpsr=cpsr, sys=sysregs, until=HVBAR + 0x14)
    assert reason == "until"
    assert m.cpu.sys.hsr == expected
    assert m.cpu.elr_hyp == CODE and m.cpu.spsr & 0x1F == cpsr & 0x1F


@pytest.mark.parametrize("name,src,cpsr,sysregs", [
    ("pl1_register_from_user_is_undefined_before_hstr", "mrc p15, 0, r0, c1, c0, 0", USR,
     {"hstr": 1 << 1}),
    ("tvm_does_not_trap_reads", "mrc p15, 0, r0, c1, c0, 0", SVC, {"hcr": HCR_TVM}),
    ("traps_do_not_apply_in_hyp", "mcr p15, 0, r0, c1, c0, 0", HYP, {"hstr": 1 << 1, "hcr": HCR_TVM}),
])
def test_coprocessor_access_not_trapped(name, src, cpsr, sysregs):
    m, reason = run_system(src, cpsr=cpsr, sys=sysregs, until=HVBAR + 0x14, max_insns=3)
    assert reason != "until"
    assert m.cpu.sys.hsr == 0


def test_instruction_count_stops_at_a_trapped_instruction():
    """The trapping MRC is the last instruction counted: the two MOVs after
    it never run, and the engine's instruction count knows it."""
    m, reason = run_system("mov r0, #1\nmrc p15, 0, r1, c1, c0, 0\nmov r2, #2\nmov r3, #3",
                           sys={"hstr": 1 << 1}, until=HVBAR + 0x14)
    assert reason == "until"
    assert m.icount == 2 and m.cpu.r[2] == 0


# -- the same scenarios under QEMU ------------------------------------------------------------------
# A bare-metal probe starts in HYP mode (QEMU: vexpress-a15 with
# virtualization=on, secure=off), drops to SVC for each scenario and records
# what the exception left behind: vector (0x100 added for HYP), LR/ELR,
# SPSR, HSR (HYP) or FSR (PL1), r0, r1 and FAR.  Scenarios that end without
# an exception report r0/r1 through HVC #0xfffe.

PROBE_HEAD = r"""
    .syntax unified
    .arch armv7-a
    .arch_extension virt
    .arch_extension sec
    .arm
    .text
    .global _start
_start: b reset
    .align 5
pl1_vectors: b . ; b pl1_undef ; b pl1_svc ; b pl1_pabt ; b pl1_dabt ; b . ; b . ; b .
    .align 5
hyp_vectors: b . ; b hyp_undef ; b hyp_hvc ; b hyp_pabt ; b hyp_dabt ; b hyp_trap ; b . ; b .
pl1_undef: mov r8, #0x04 ; mov r7, #0 ; mov r6, #0 ; b pl1_record
pl1_svc:   mov r8, #0x08 ; mov r7, #0 ; mov r6, #0 ; b pl1_record
pl1_pabt:  mov r8, #0x0c ; mrc p15, 0, r7, c5, c0, 1 ; mov r6, #0 ; b pl1_record
pl1_dabt:  mov r8, #0x10 ; mrc p15, 0, r7, c5, c0, 0 ; mrc p15, 0, r6, c6, c0, 0
pl1_record:
    str r8, [r9] ; str lr, [r9, #4] ; mrs r8, spsr ; str r8, [r9, #8] ; str r7, [r9, #12]
    str r0, [r9, #16] ; str r1, [r9, #20] ; str r6, [r9, #24]
    hvc #0xffff
hyp_undef: mov r8, #0x104 ; b hyp_record
hyp_hvc:   mov r8, #0x108 ; b hyp_record
hyp_pabt:  mov r8, #0x10c ; b hyp_record
hyp_dabt:  mov r8, #0x110 ; b hyp_record
hyp_trap:
    mrc p15, 4, r7, c5, c2, 0
    ldr r6, =0x4a00ffff ; cmp r7, r6 ; beq main_resume
    ldr r6, =0x4a00fffe ; cmp r7, r6 ; moveq r8, #0x1fe ; movne r8, #0x114
hyp_record:
    mrc p15, 4, r7, c5, c2, 0 ; mrc p15, 4, r6, c6, c0, 0
    str r8, [r9] ; mrs r8, elr_hyp ; str r8, [r9, #4] ; mrs r8, spsr ; str r8, [r9, #8]
    str r7, [r9, #12] ; str r0, [r9, #16] ; str r1, [r9, #20] ; str r6, [r9, #24]
    b main_resume
reset:
    ldr sp, =stacks + 0x400
    ldr r0, =hyp_vectors ; mcr p15, 4, r0, c12, c0, 0
    ldr r0, =pl1_vectors ; mcr p15, 0, r0, c12, c0, 0
    ldr r0, =stacks + 0x800 ; msr sp_svc, r0
    ldr r0, =stacks + 0xc00 ; msr sp_und, r0
    ldr r0, =stacks + 0x1000 ; msr sp_abt, r0
    ldr r10, =tests ; ldr r9, =records
main_loop:
    ldr r0, [r10] ; cmp r0, #0 ; beq report
    ldr r1, [r10, #4] ; mcr p15, 4, r1, c1, c1, 0
    ldr r1, [r10, #8] ; mcr p15, 4, r1, c1, c1, 3
    ldr r1, [r10, #12] ; mcr p15, 4, r1, c0, c0, 0
    mrc p15, 0, r1, c1, c0, 0 ; bic r1, r1, #2 ; mcr p15, 0, r1, c1, c0, 0
    mov r1, #0x1d3 ; tst r0, #1 ; orrne r1, r1, #0x20
    msr spsr_cxsf, r1 ; msr elr_hyp, r0
    mov r0, #0 ; mov r1, #0
    eret
main_resume:
    mov r0, #0 ; mcr p15, 4, r0, c1, c1, 0 ; mcr p15, 4, r0, c1, c1, 3
    add r9, r9, #32 ; add r10, r10, #16 ; b main_loop
report:
    ldr r9, =records ; ldr r10, =tests
1:  ldr r0, [r10] ; cmp r0, #0 ; beq 4f
    mov r4, #0
2:  ldr r5, [r9, r4, lsl #2] ; mov r6, #28
3:  lsr r0, r5, r6 ; and r0, r0, #15 ; cmp r0, #10 ; addlt r0, r0, #48 ; addge r0, r0, #87
    bl putc ; subs r6, r6, #4 ; bge 3b
    mov r0, #32 ; bl putc ; add r4, r4, #1 ; cmp r4, #7 ; blt 2b
    mov r0, #10 ; bl putc
    add r9, r9, #32 ; add r10, r10, #16 ; b 1b
4:  mov r0, #0x18 ; ldr r1, =0x20026 ; svc #0x123456
putc:
    ldr r1, =charbuf ; strb r0, [r1] ; mov r0, #3 ; svc #0x123456 ; bx lr
    .ltorg
"""


def _probe_source(scenarios):
    code, table = [], []
    for i, (name, thumb, src, hcr, hstr, vpidr, _expected) in enumerate(scenarios):
        code.append("%s\nt%d: %s\n    .ltorg\n    .align 2\n" % (".thumb" if thumb else ".arm",
                                                               i, src.replace("\n", " ; ")))
        table.append("    .word t%d%s, 0x%x, 0x%x, 0x%x" % (i, " + 1" if thumb else "", hcr, hstr, vpidr))
    return (PROBE_HEAD + "".join(code) + ".arm\n    .data\n    .align 4\ntests:\n" + "\n".join(table) +
            "\n    .word 0\ncharbuf: .word 0\n    .align 5\nrecords: .space %d\n"
            "    .align 3\nstacks: .space 0x1000\n" % (32 * len(scenarios)))


# (name, thumb, source, HCR, HSTR, VPIDR, pyxen15's line where QEMU differs and
#  why; "*" matches any ELR)
PROBE = [
    ("hvc", False, "hvc #0x1234", 0, 0, 0x412FC0F1, None),
    ("udf", False, "udf #0", 0, 0, 0x412FC0F1, None),
    ("svc", False, "svc #1", 0, 0, 0x412FC0F1, None),
    ("bkpt", False, "bkpt #1", 0, 0, 0x412FC0F1, None),
    ("alignment", False, "mrc p15, 0, r1, c1, c0, 0\norr r1, r1, #2\nmcr p15, 0, r1, c1, c0, 0\n"
     "ldr r1, =0x80100001\nldr r0, [r1]", 0, 0, 0x412FC0F1, None),
    ("wfi_twi", False, "wfi", 1 << 13, 0, 0x412FC0F1, None),
    ("mrc_hstr_t1", False, "mrc p15, 0, r2, c1, c0, 0", 0, 1 << 1, 0x412FC0F1, None),
    ("mrc_hstr_t9", False, "mrc p15, 1, r3, c9, c0, 2", 0, 1 << 9, 0x412FC0F1, None),
    ("mrrc_hstr_t2", False, "mrrc p15, 0, r0, r1, c2", 0, 1 << 2, 0x412FC0F1, None),
    ("mcr_tvm", False, "mrc p15, 0, r0, c1, c0, 0\nmcr p15, 0, r0, c1, c0, 0", 1 << 26, 0, 0x412FC0F1, None),
    # QEMU implements HCR.TID3 only for ARMv8 cores; the ARMv7 ARM has it (B4.1.65).
    ("mrc_tid3", False, "mrc p15, 0, r1, c0, c1, 0\nhvc #0xfffe", 1 << 18, 0, 0x412FC0F1,
     "00000114 * 000001d3 0fe00023 00000000 00000000 00000000"),
    ("smc", False, "smc #0", 0, 0, 0x412FC0F1, None),
    # QEMU with no EL3 makes SMC UNDEFINED before HCR.TSC can trap it; pyxen15
    # traps it, as an A15 (which has the Security Extensions) does.
    ("smc_tsc", False, "smc #0", 1 << 19, 0, 0x412FC0F1,
     "00000114 * 000001d3 4e000000 00000000 00000000 00000000"),
    ("hvc_from_user", False, "cps #0x10\nhvc #1", 0, 0, 0x412FC0F1, None),
    ("udf_user_tge", False, "cps #0x10\nudf #0", 1 << 27, 0, 0x412FC0F1, None),
    ("msr_elr_hyp_from_svc", False, "msr elr_hyp, r0", 0, 0, 0x412FC0F1, None),
    ("midr_vpidr", False, "mrc p15, 0, r0, c0, c0, 0\nmrc p15, 0, r1, c0, c0, 5\nhvc #0xfffe",
     0, 0, 0x410FC0F0, None),
    ("banked", False, "mov r0, #0x55\nmsr r8_fiq, r0\nmrs r1, r8_fiq\nmov r0, #0\nhvc #0xfffe",
     0, 0, 0x412FC0F1, None),
    ("msr_illegal_mode", False, "ldr r0, =0xf80f02da\nmsr cpsr_fsxc, r0\nmrs r0, cpsr\nhvc #0xfffe",
     0, 0, 0x412FC0F1, None),
    ("cps", False, "cpsid aif, #0x1f\nmrs r0, cpsr\ncpsie if\nmrs r1, cpsr\nhvc #0xfffe",
     0, 0, 0x412FC0F1, None),
    ("hvc_t32", True, "hvc #0xabcd", 0, 0, 0x412FC0F1, None),
    ("udf_t16", True, "udf #0", 0, 0, 0x412FC0F1, None),
    ("udf_t32", True, "udf.w #0", 0, 0, 0x412FC0F1, None),
    ("svc_t16", True, "svc #1", 0, 0, 0x412FC0F1, None),
    ("bkpt_t16", True, "bkpt #1", 0, 0, 0x412FC0F1, None),
    ("wfi_t16_twi", True, "wfi", 1 << 13, 0, 0x412FC0F1, None),
    ("wfi_t32_twi", True, "wfi.w", 1 << 13, 0, 0x412FC0F1, None),
    ("subs_pc_lr_t32", True, "mrs r0, cpsr\norr r0, r0, #0x20\nmsr spsr_cxsf, r0\nadr r1, 1f\n"
     "add lr, r1, #5\nsubs pc, lr, #4\n.align 2\n1: mov r0, #0x77\nhvc #0xfffe", 0, 0, 0x412FC0F1, None),
]


def _build_probe(tmp):
    import os
    import shutil
    import subprocess
    for tool in ("arm-none-eabi-as", "arm-none-eabi-ld", "qemu-system-arm"):
        if shutil.which(tool) is None:
            pytest.skip("%s missing: run `make setup`" % tool)
    src, obj, elf = (os.path.join(tmp, n) for n in ("probe.s", "probe.o", "probe.elf"))
    with open(src, "w") as fh:
        fh.write(_probe_source(PROBE))
    subprocess.run(["arm-none-eabi-as", "-mcpu=cortex-a15", src, "-o", obj], check=True)
    subprocess.run(["arm-none-eabi-ld", "-Ttext=0x80000000", "-Tdata=0x80080000", "-e", "_start",
                    obj, "-o", elf], check=True)
    return elf


def test_exception_probe_agrees_with_qemu(tmp_path):
    import subprocess
    elf = _build_probe(str(tmp_path))
    run = subprocess.run(["qemu-system-arm", "-M", "vexpress-a15,virtualization=on,secure=off",
                          "-semihosting", "-nographic", "-monitor", "none", "-kernel", elf],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         timeout=60, check=True)
    # QEMU's semihosting console is stderr, shared with its own warnings
    qemu = [line for line in run.stdout.decode().splitlines() if re.match(r"([0-9a-f]{8} ){7}$", line)]

    out = []
    m = Machine(ram_size=16 << 20)
    m.hooks.add_console(lambda data: out.append(data.decode()))
    m.load_elf(elf)
    entry = m.cpu.pc
    m.reset(hyp=True)
    m.cpu.pc = entry
    assert m.run(max_insns=100000).reason == "exit"
    ours = "".join(out).splitlines()

    assert len(ours) == len(qemu) == len(PROBE)
    for (name, _t, _s, _h, _hs, _v, divergent), q, p in zip(PROBE, qemu, ours):
        if divergent is None:
            assert p.strip() == q.strip(), name
        else:
            assert p.strip() != q.strip(), "%s: QEMU now agrees; drop the exception" % name
            want = divergent.split()
            assert [w if w == "*" else f for w, f in zip(want, p.split())] == want, name
