"""System instructions and the CP15/CP14 register table.

PSR access follows CPSRWriteByInstr()/SPSRWriteByInstr() (B1.3.3), the
banked registers Table B9-2 (B9.2.3); the register values are the
Cortex-A15 r2p1 ones (A15 TRM chapter 4).  Expected values are worked by
hand from those; run_system (test_exceptions.py) assembles with GNU as.
"""

import pytest

from snippets import CODE, gnu_assemble, isa_params, normal_memory
from test_exceptions import FIQ, HVBAR, HYP, IRQ, SVC, SYS, USR, VBAR, hsr, run_system
from pyxen15.cpu import sysregs
from pyxen15.cpu.decode import decode


def undefined(m, reason, vector=VBAR + 4):
    return reason == "until" and m.cpu.pc == vector


# -- MRS, MSR -------------------------------------------------------------------------------

# (name, instruction sets, source, start CPSR, registers, CPSR after)
MSR_CASES = [
    ("user_writes_only_apsr", "AT", "msr cpsr_fsxc, r0", USR, {0: 0xF80F02D3}, 0xF80F0210),
    ("user_msr_apsr_nzcvqg", "AT", "msr apsr_nzcvqg, r0", USR, {0: 0xFFFFFFFF}, 0xF80F0010),
    ("privileged_changes_mode_and_masks", "AT", "msr cpsr_c, r0", SVC | 0x1C0, {0: 0x1F}, 0x11F),
    ("flags_only_keeps_control", "AT", "msr cpsr_f, r0", SVC, {0: 0x5000001F}, 0x50000013),
    ("reserved_mode_is_ignored", "A", "msr cpsr_c, r0", SVC, {0: 0xD5}, 0xD3),
    ("monitor_mode_is_ignored", "A", "msr cpsr_c, r0", SVC, {0: 0xD6}, 0xD3),
    ("no_way_into_hyp", "A", "msr cpsr_c, r0", SVC, {0: 0xDA}, 0xD3),
    ("no_way_out_of_hyp", "A", "msr cpsr_c, r0", HYP, {0: 0xD3}, 0xDA),
    ("e_bit_via_x", "A", "msr cpsr_x, r0", SVC, {0: 0x200}, 0x213),
    ("it_j_and_t_bits_are_not_written", "A", "msr cpsr_fsxc, r0", SVC, {0: 0x0700FC33}, 0x13),
    ("immediate_form", "A", "msr cpsr_c, #0xD2", SVC, {}, 0xD2),
]


@pytest.mark.parametrize("thumb,src,cpsr,regs,after", isa_params(MSR_CASES))
def test_msr_cpsr(thumb, src, cpsr, regs, after):
    m, reason = run_system(src, thumb, cpsr, regs)
    assert reason == "until"
    assert m.cpu.get_cpsr() & ~0x20 == after


def test_mrs_reads_cpsr_without_execution_state_bits():
    m, reason = run_system("mrs r0, cpsr\nmrs r1, spsr", thumb=True, cpsr=IRQ | 0x80000000,
                           setup=lambda cpu: setattr(cpu, "spsr", 0x1234567F))
    assert reason == "until"
    assert m.cpu.r[0] == 0x80000012 and m.cpu.r[1] == 0x1234567F


def test_msr_spsr_fields():
    m, reason = run_system("msr spsr_fc, r0\nmsr spsr_sx, r1", cpsr=SVC,
                           regs={0: 0xA5A5A5D0, 1: 0x5A5A5A5A})
    assert reason == "until"
    assert m.cpu.spsr == 0xA50A5AD0


@pytest.mark.parametrize("src", ["mrs r0, spsr", "msr spsr_f, r0"])
@pytest.mark.parametrize("mode", [USR, SYS])
def test_spsr_access_in_user_and_system_is_undefined(src, mode):
    m, reason = run_system(src, cpsr=mode, until=VBAR + 4)
    assert undefined(m, reason)


# -- banked registers (MRS/MSR <banked_reg>) ------------------------------------------------------

def _banked_setup(cpu):
    cpu.set_reg("sp_usr", 0x1111)
    cpu.set_reg("lr_irq", 0x2222)
    cpu.set_reg("r8_fiq", 0x3333)
    cpu.set_reg("spsr_irq", 0x4444)
    cpu.set_reg("r9_usr", 0x5555)


# (name, source, mode, register read into r1 / (register, value) written from r2)
BANKED_READS = [
    ("sp_usr_from_svc", "mrs r1, sp_usr", SVC, 0x1111),
    ("lr_irq_from_svc", "mrs r1, lr_irq", SVC, 0x2222),
    ("r8_fiq_from_svc", "mrs r1, r8_fiq", SVC, 0x3333),
    ("spsr_irq_from_hyp", "mrs r1, spsr_irq", HYP, 0x4444),
    ("r9_usr_from_fiq", "mrs r1, r9_usr", FIQ, 0x5555),
    ("sp_usr_from_hyp", "mrs r1, sp_usr", HYP, 0x1111),
]


@pytest.mark.parametrize("name,src,mode,value", BANKED_READS, ids=[c[0] for c in BANKED_READS])
@pytest.mark.parametrize("thumb", [False, True], ids=["A32", "T32"])
def test_mrs_banked(thumb, name, src, mode, value):
    m, reason = run_system(src, thumb, mode, setup=_banked_setup)
    assert reason == "until" and m.cpu.r[1] == value


BANKED_WRITES = [
    ("sp_svc_from_irq", "msr sp_svc, r2", IRQ, "sp_svc"),
    ("elr_hyp_from_hyp", "msr elr_hyp, r2", HYP, "elr_hyp"),
    ("spsr_hyp_from_hyp", "msr spsr_hyp, r2", HYP, "spsr_hyp"),
    ("r12_fiq_from_svc", "msr r12_fiq, r2", SVC, "r12_fiq"),
    ("lr_und_from_svc", "msr lr_und, r2", SVC, "lr_und"),
]


@pytest.mark.parametrize("name,src,mode,register", BANKED_WRITES, ids=[c[0] for c in BANKED_WRITES])
@pytest.mark.parametrize("thumb", [False, True], ids=["A32", "T32"])
def test_msr_banked(thumb, name, src, mode, register):
    m, reason = run_system(src, thumb, mode, regs={2: 0xCAFE0000})
    assert reason == "until" and m.cpu.reg(register) == 0xCAFE0000
    assert m.cpu.mode == mode


@pytest.mark.parametrize("src,mode", [
    ("mrs r1, sp_svc", SVC),          # a mode's own register
    ("mrs r1, r8_usr", SVC),          # R8_usr-R12_usr only from FIQ mode
    ("mrs r1, lr_usr", SYS),          # System mode's own LR
    ("mrs r1, sp_usr", SYS),
    ("msr elr_hyp, r1", SVC),         # ELR_hyp and SPSR_hyp only from HYP
    ("msr spsr_hyp, r1", SVC),
    ("mrs r1, sp_irq", USR),          # unprivileged
])
def test_banked_access_unpredictable_cases_are_undefined(src, mode):
    m, reason = run_system(src, cpsr=mode, until=VBAR + 4)
    assert undefined(m, reason)


def test_hyp_mode_owns_the_lr_usr_banked_name_unpredictably():
    m, reason = run_system("mrs r1, lr_usr", cpsr=HYP, until=HVBAR + 4)
    assert reason == "until" and m.cpu.sys.hsr == hsr(0, 0, il=0)


# -- CPS, SETEND --------------------------------------------------------------------------------

# (name, instruction sets, source, start CPSR, CPSR after)
CPS_CASES = [
    ("cpsid_if", "AT", "cpsid if", SVC, 0xD3),
    ("cpsie_aif", "AT", "cpsie aif", SVC | 0x1C0, 0x13),
    ("cpsid_a_with_mode", "AT", "cpsid a, #0x1f", SVC, 0x11F),
    ("cps_mode_only", "AT", "cps #0x12", SVC | 0x40, 0x52),
    ("user_mode_cps_is_a_nop", "AT", "cpsie i", USR | 0x80, 0x90),
    ("cps_cannot_enter_hyp", "AT", "cps #0x1a", SVC, 0x13),
]


@pytest.mark.parametrize("thumb,src,cpsr,after", isa_params(CPS_CASES))
def test_cps(thumb, src, cpsr, after):
    m, reason = run_system(src, thumb, cpsr)
    assert reason == "until" and m.cpu.get_cpsr() & ~0x20 == after


def test_t16_cps_encoding_is_used():
    assert len(gnu_assemble("cpsid i", True)) == 2
    assert decode("T16", 0xB672).name == "T16_CPS"


@pytest.mark.parametrize("thumb", [False, True], ids=["A32", "T16"])
def test_setend_changes_data_endianness(thumb):
    m, reason = run_system("setend be\nldr r0, [r1]\nsetend le\nldr r2, [r1]", thumb, USR,
                           regs={1: CODE + 0x100},
                           setup=lambda cpu: cpu.tlb.write(CODE + 0x100, 4, 0x11223344))
    assert reason == "until"
    assert m.cpu.r[0] == 0x44332211 and m.cpu.r[2] == 0x11223344 and m.cpu.E == 0


# -- hints, memory hints, barriers -------------------------------------------------------------

@pytest.mark.parametrize("src", ["nop", "yield", "sev", "dbg #5", "dmb ish", "dsb", "isb",
                                 "pld [r1, #4]", "pli [r1, r2]", "pldw [r1]", "pld [r1, r2, lsl #2]"])
@pytest.mark.parametrize("thumb", [False, True], ids=["A32", "T32"])
def test_hints_and_barriers_change_nothing_but_the_pc(thumb, src):
    regs = {1: CODE + 0x100, 2: 8}
    m, reason = run_system(src + "\nmov r0, #7", thumb, regs=regs)
    assert reason == "until" and m.cpu.r[0] == 7
    assert m.cpu.r[1:3] == [CODE + 0x100, 8] and m.cpu.mode == SVC


@pytest.mark.parametrize("isa,word,name", [
    ("A32", 0xE320F003, "HINT"),                  # wfi
    ("A32", 0xF5D1F004, "PLD_imm"),
    ("A32", 0xF591F000, "PLDW_imm"),
    ("A32", 0xF6D1F002, "PLI_reg"),
    ("T32", 0xF891F004, "T32_PLD_i12"),           # pld [r1, #4]
    ("T32", 0xF831FC04, "T32_PLDW_i8"),           # pldw [r1, #-4]
    ("T32", 0xF911F002, "T32_PLI_r"),             # pli [r1, r2]
    ("T16", 0xBF20, "T16_HINT"),                  # wfe
    ("T16", 0xBF18, "T16_IT"),                    # not a hint: IT NE
    ("A32", 0xE160006E, "ERET"),
    ("T32", 0xF3DE8F00, "T32_SUBS_PC_LR"),
    ("A32", 0xEEF10A10, "VMRS"),                  # vmrs r0, fpscr
])
def test_decodes_to(isa, word, name):
    assert decode(isa, word).name == name


# -- the CP15 register table through MRC/MCR ------------------------------------------------------

def test_midr_reads_vpidr_below_hyp_and_midr_in_hyp():
    src = "mrc p15, 0, r0, c0, c0, 0\nmrc p15, 0, r1, c0, c0, 5"
    m, _ = run_system(src, cpsr=SVC)
    assert (m.cpu.r[0], m.cpu.r[1]) == (0x412FC0F1, 0x80000000)
    setup = {"vpidr": 0x410FC0F0, "vmpidr": 0x80000103}
    m, _ = run_system(src, cpsr=SVC, sys=setup)
    assert (m.cpu.r[0], m.cpu.r[1]) == (0x410FC0F0, 0x80000103)
    m, _ = run_system(src, cpsr=HYP, sys=setup)
    assert (m.cpu.r[0], m.cpu.r[1]) == (0x412FC0F1, 0x80000000)


@pytest.mark.parametrize("name,value", [
    ("CTR", 0x8444C004), ("ID_PFR0", 0x00001131), ("ID_PFR1", 0x00011011), ("ID_DFR0", 0x02010555),
    ("ID_MMFR0", 0x10201105), ("ID_MMFR1", 0x20000000), ("ID_MMFR2", 0x01240000),
    ("ID_MMFR3", 0x02102211), ("ID_ISAR0", 0x02101110), ("ID_ISAR1", 0x13112111),
    ("ID_ISAR2", 0x21232041), ("ID_ISAR3", 0x11112131), ("ID_ISAR4", 0x10011142),
    ("ID_ISAR5", 0), ("CLIDR", 0x0A200023), ("AIDR", 0), ("REVIDR", 0), ("TLBTR", 0),
])
def test_identification_registers_have_the_a15_values(name, value):
    r = sysregs.BY_NAME[name]
    m, _ = run_system("mrc p15, %d, r0, c%d, c%d, %d" % (r.opc1, r.crn, r.crm, r.opc2))
    assert m.cpu.r[0] == value


def test_ccsidr_follows_csselr():
    src = ("mov r1, #0\nmcr p15, 2, r1, c0, c0, 0\nmrc p15, 1, r2, c0, c0, 0\n"
           "mov r1, #1\nmcr p15, 2, r1, c0, c0, 0\nmrc p15, 1, r3, c0, c0, 0\n"
           "mov r1, #2\nmcr p15, 2, r1, c0, c0, 0\nmrc p15, 1, r4, c0, c0, 0\n")
    m, _ = run_system(src)
    assert m.cpu.r[2:5] == [0x701FE00A, 0x201FE00A, 0x711FE07A]


@pytest.mark.parametrize("src,mode", [
    ("mrc p15, 0, r0, c1, c0, 0", USR),            # SCTLR at PL0
    ("mcr p15, 0, r0, c13, c0, 3", USR),           # TPIDRURO is read-only at PL0
    ("mcr p15, 0, r0, c0, c0, 0", SVC),            # MIDR is read-only
    ("mrc p15, 4, r0, c1, c1, 0", SVC),            # HCR below HYP
    ("mrc p15, 0, r0, c15, c15, 7", SVC),          # no such register
    ("mrc p13, 0, r0, c1, c0, 0", SVC),            # no such coprocessor
    ("cdp p15, 0, c1, c2, c3, 0", SVC),
    ("ldc p15, c1, [r0]", SVC),
    ("ldc p14, c5, [r0]", SVC),
    ("mcr p15, 0, r0, c7, c8, 4", SVC),            # ATS12NSOPR is for HYP
    (".fpu vfpv4\nvmrs r0, fpscr", SVC),           # VFP: not there yet
    ("mrc p14, 0, r0, c0, c6, 4", SVC),            # DBGBVR6: the A15 has six breakpoints
    ("mrc p14, 0, r0, c0, c4, 7", SVC),            # DBGWCR4: and four watchpoints
    ("mrc p14, 0, r0, c1, c0, 4", SVC),            # DBGOSLAR is write-only
    ("mcr p14, 0, r0, c1, c1, 4", SVC),            # DBGOSLSR is read-only
    ("mrc p14, 0, r0, c0, c2, 2", USR),            # DBGDSCRext is PL1's
    ("mrrc p15, 7, r0, r1, c15", SVC),
])
def test_inaccessible_registers_are_undefined(src, mode):
    m, reason = run_system(src, cpsr=mode, regs={0: CODE + 0x100}, until=VBAR + 4)
    assert undefined(m, reason), "%s in mode %#x" % (src, mode)


# -- CP14 debug registers (C11.11) ---------------------------------------------------------
# What Linux's hw_breakpoint probe does on a v7.1 core, register by register.

def test_debug_os_registers_reset_locked_and_the_os_lock_follows_dbgoslar():
    src = ("mrc p14, 0, r1, c1, c1, 4\n"            # DBGOSLSR: OSLM = 0b10, OSLK = 1
           "mrc p14, 0, r2, c1, c3, 4\n"            # DBGOSDLR: the double lock is clear
           "mrc p14, 0, r3, c1, c5, 4\n"            # DBGPRSR: powered up
           "mcr p14, 0, r0, c1, c0, 4\n"            # DBGOSLAR <- not the key: unlocked
           "mrc p14, 0, r4, c1, c1, 4\n"
           "mcr p14, 0, r5, c1, c0, 4\n"            # DBGOSLAR <- the key: locked again
           "mrc p14, 0, r6, c1, c1, 4\n")
    m, reason = run_system(src, regs={0: 0x3A53317A, 5: 0xC5ACCE55})
    assert reason == "until"
    assert [m.cpu.r[i] for i in (1, 2, 3, 4, 6)] == [0xA, 0, 1, 0x8, 0xA]


def test_dbgosdlr_and_dbgprcr_hold_their_one_bit():
    src = ("mcr p14, 0, r0, c1, c3, 4\nmrc p14, 0, r1, c1, c3, 4\n"
           "mcr p14, 0, r0, c1, c4, 4\nmrc p14, 0, r2, c1, c4, 4")
    m, _ = run_system(src, regs={0: 0xFFFFFFFF})
    assert m.cpu.r[1:3] == [1, 1]


def test_monitor_debug_mode_is_set_in_dbgdscrext_and_read_in_dbgdscrint():
    src = ("mrc p14, 0, r1, c0, c1, 0\n"            # DBGDSCRint
           "mcr p14, 0, r0, c0, c2, 2\n"            # DBGDSCRext <- everything
           "mrc p14, 0, r2, c0, c1, 0\nmrc p14, 0, r3, c0, c2, 2")
    m, _ = run_system(src, regs={0: 0xFFFFFFFF})
    assert m.cpu.r[1:4] == [0, 0x9000, 0x9000]      # MDBGen and UDCCdis; HDBGen is not PL1's


def test_dbgdscrint_at_pl0_is_undefined_when_udccdis():
    m, reason = run_system("mrc p14, 0, r0, c0, c1, 0", cpsr=USR, sys={"dbgdscr": 0x8000})
    assert reason == "until" and m.cpu.r[0] == 0x8000
    m, reason = run_system("mrc p14, 0, r0, c0, c1, 0", cpsr=USR, sys={"dbgdscr": 0x1000}, until=VBAR + 4)
    assert undefined(m, reason)


def test_breakpoint_watchpoint_and_vector_catch_registers_keep_their_fields():
    src = ("mcr p14, 0, r0, c0, c0, 4\nmrc p14, 0, r1, c0, c0, 4\n"    # DBGBVR0
           "mcr p14, 0, r0, c0, c5, 4\nmrc p14, 0, r2, c0, c5, 4\n"    # DBGBVR5, context ID capable
           "mcr p14, 0, r0, c0, c3, 5\nmrc p14, 0, r3, c0, c3, 5\n"    # DBGBCR3
           "mcr p14, 0, r0, c0, c3, 6\nmrc p14, 0, r4, c0, c3, 6\n"    # DBGWVR3
           "mcr p14, 0, r0, c0, c0, 7\nmrc p14, 0, r5, c0, c0, 7\n"    # DBGWCR0: the 8-bit BAS
           "mcr p14, 0, r0, c0, c7, 0\nmrc p14, 0, r6, c0, c7, 0")      # DBGVCR
    m, _ = run_system(src, regs={0: 0xFFFFFFFF})
    assert m.cpu.r[1:7] == [0xFFFFFFFC, 0xFFFFFFFF, 0x1F7FE1E7, 0xFFFFFFFC, 0x1F1FFFFF, 0xDE00DCDF]


def test_hdcr_tdosa_traps_the_os_registers_and_tda_the_others():
    src = "mrc p14, 0, r3, c1, c3, 4"               # DBGOSDLR
    iss = 1 << 24 | 0xE << 20 | 4 << 17 | 1 << 10 | 3 << 5 | 3 << 1 | 1
    m, reason = run_system(src, sys={"hdcr": sysregs.PMU_COUNTERS | 1 << 10}, until=HVBAR + 0x14)
    assert reason == "until" and m.cpu.sys.hsr == hsr(0x05, iss)
    m, reason = run_system(src, sys={"hdcr": sysregs.PMU_COUNTERS | 1 << 9})
    assert reason == "until"                        # TDA leaves the OS registers alone
    m, reason = run_system("mrc p14, 0, r0, c0, c1, 0", sys={"hdcr": sysregs.PMU_COUNTERS | 1 << 9},
                           until=HVBAR + 0x14)
    assert reason == "until" and m.cpu.sys.hsr >> 26 == 0x05


def test_undefined_in_hyp_goes_to_the_hyp_undef_vector():
    m, reason = run_system("mcr p15, 0, r0, c0, c0, 0", cpsr=HYP, until=HVBAR + 4)
    assert reason == "until" and m.cpu.sys.hsr == hsr(0, 0, il=0) and m.cpu.elr_hyp == CODE


def test_hyp_registers_accessible_in_hyp():
    src = ("mcr p15, 4, r0, c1, c1, 0\nmrc p15, 4, r1, c1, c1, 0\n"
           "mcrr p15, 6, r2, r3, c2\nmrrc p15, 6, r4, r5, c2")
    m, reason = run_system(src, cpsr=HYP, regs={0: 0xF0000001, 2: 0x1000, 3: 0x10005})
    assert reason == "until"
    assert m.cpu.r[1] == 0x00000001          # HCR bits 31:28 are reserved
    assert (m.cpu.r[4], m.cpu.r[5]) == (0x1000, 0x10005)
    assert m.cpu.sys.vttbr == 0x1000500001000


def test_ttbr0_32_bit_view_is_the_low_word_of_the_64_bit_register():
    src = ("mcrr p15, 0, r0, r1, c2\nmcr p15, 0, r2, c2, c0, 0\n"
           "mrrc p15, 0, r3, r4, c2\nmrc p15, 0, r5, c2, c0, 0")
    m, _ = run_system(src, regs={0: 0x11111000, 1: 0xAB, 2: 0x22222000})
    assert (m.cpu.r[3], m.cpu.r[4], m.cpu.r[5]) == (0x22222000, 0xAB, 0x22222000)


def test_user_thread_id_registers():
    src = "mrc p15, 0, r0, c13, c0, 3\nmcr p15, 0, r1, c13, c0, 2\nmrc p15, 0, r2, c13, c0, 2"
    m, reason = run_system(src, cpsr=USR, regs={1: 0xBEEF}, sys={"tpidruro": 0x1234})
    assert reason == "until" and m.cpu.r[0] == 0x1234 and m.cpu.r[2] == 0xBEEF


def test_vbar_ignores_the_low_five_bits():
    m, _ = run_system("mcr p15, 0, r0, c12, c0, 0\nmrc p15, 0, r1, c12, c0, 0", regs={0: 0x8000_107F})
    assert m.cpu.r[1] == 0x80001060


def test_mrc_to_apsr_nzcv_sets_the_flags():
    m, _ = run_system("mrc p15, 0, APSR_nzcv, c13, c0, 2", cpsr=SVC | 1 << 27, sys={"tpidrurw": 0xA0000000})
    assert m.cpu.get_cpsr() == 0xA8000013


def test_sctlr_a_enables_alignment_faults():
    src = "mrc p15, 0, r0, c1, c0, 0\norr r0, r0, #2\nmcr p15, 0, r0, c1, c0, 0\nldr r1, [r2]"
    m, reason = run_system(src, regs={2: CODE + 0x101}, until=VBAR + 0x10)
    assert reason == "until"
    assert m.cpu.sys.dfsr == 0x1 and m.cpu.sys.dfar == CODE + 0x101


def test_cp15_barriers_need_cp15ben():
    m, reason = run_system("mcr p15, 0, r0, c7, c10, 5", cpsr=USR)
    assert reason == "until"
    m, reason = run_system("mcr p15, 0, r0, c7, c10, 5", cpsr=USR,
                           sys={"sctlr": sysregs.SCTLR_RESET & ~sysregs.CP15BEN}, until=VBAR + 4)
    assert undefined(m, reason)


def test_ats1cpr_with_the_mmu_off_gives_the_flat_address():
    """PAR: PA[31:12], NS = 1 (bit 9), F = 0."""
    m, _ = run_system("mcr p15, 0, r0, c7, c8, 0\nmrc p15, 0, r1, c7, c4, 0", regs={0: 0x12345678})
    assert m.cpu.r[1] == 0x12345200


def test_isr_shows_pending_and_virtual_interrupts():
    m, _ = run_system("mrc p15, 0, r0, c12, c1, 0", cpsr=SVC | 0xC0, lines=("irq",))
    assert m.cpu.r[0] == 0x80
    # Under HCR.FMO/IMO the I and F bits are the virtual lines (here VF only).
    m, _ = run_system("mrc p15, 0, r0, c12, c1, 0", cpsr=SVC | 0x1C0,
                      sys={"hcr": (1 << 4) | (1 << 3) | (1 << 6)})
    assert m.cpu.r[0] == 0x40


# -- counters -------------------------------------------------------------------------------------

def test_cntpct_counts_at_counter_hz_from_the_cycles():
    m, _ = run_system("mrrc p15, 0, r0, r1, c14", setup=lambda cpu: setattr(cpu, "cycles", 10 ** 10))
    # 10^10 cycles at 1 GHz are 10 s: 240,000,000 ticks of the 24 MHz counter
    assert m.cpu.r[0] | m.cpu.r[1] << 32 == 240000000


def test_cntvct_subtracts_cntvoff_and_tval_counts_down():
    src = ("mrrc p15, 1, r0, r1, c14\n"
           "mov r2, #100\nmcr p15, 0, r2, c14, c3, 0\n"       # CNTV_TVAL = 100
           "mrrc p15, 3, r3, r4, c14\n"                       # CNTV_CVAL
           "mov r2, #1\nmcr p15, 0, r2, c14, c3, 1\nmrc p15, 0, r5, c14, c3, 1")
    def setup(cpu):
        cpu.cycles = 10 ** 6
        cpu.timer.cntvoff = 1000
    m, _ = run_system(src, setup=setup)
    assert m.cpu.r[0] | m.cpu.r[1] << 32 == 24000 - 1000
    cval = m.cpu.r[3] | m.cpu.r[4] << 32
    assert 23000 + 100 <= cval <= 23000 + 101
    assert m.cpu.r[5] == 1                      # enabled, not yet expired: ISTATUS clear


def test_pl0_counter_access_follows_cntkctl():
    m, reason = run_system("mrrc p15, 1, r0, r1, c14", cpsr=USR, until=VBAR + 4)
    assert undefined(m, reason)
    m, reason = run_system("mrrc p15, 1, r0, r1, c14", cpsr=USR,
                           setup=lambda cpu: setattr(cpu.timer, "cntkctl", 2))
    assert reason == "until"


def test_pmccntr_counts_cycles_once_enabled():
    src = ("mov r0, #1\nmcr p15, 0, r0, c9, c12, 0\n"          # PMCR.E
           "mov r0, #0x80000000\nmcr p15, 0, r0, c9, c12, 1\n"  # PMCNTENSET.C
           "mrc p15, 0, r1, c9, c13, 0\n"
           "mov r0, r0\nmov r0, r0\nb 1f\n1:\n"
           "mrc p15, 0, r2, c9, c13, 0\n"
           "mov r0, #4\nmcr p15, 0, r0, c9, c12, 0\n"           # PMCR.C resets, E = 0 stops
           "mrc p15, 0, r3, c9, c13, 0\n")
    m, reason = run_system(src)
    assert reason == "until"
    assert m.cpu.r[2] > m.cpu.r[1] and m.cpu.r[3] == 0


def test_pmu_from_user_needs_pmuserenr():
    m, reason = run_system("mrc p15, 0, r0, c9, c13, 0", cpsr=USR, until=VBAR + 4)
    assert undefined(m, reason)
    m, reason = run_system("mrc p15, 0, r0, c9, c13, 0", cpsr=USR, sys={"pmuserenr": 1})
    assert reason == "until"


# -- the table itself -------------------------------------------------------------------------

def test_every_row_has_a_unique_encoding_and_a_read():
    keys = set()
    for r in sysregs.TABLE:
        key = (r.is64, r.cp, r.opc1, r.crn, r.crm, r.opc2)
        assert key not in keys, r
        keys.add(key)
        assert callable(r.read)
        assert (r.write is not None) or not r.access & (sysregs.PL1_W | sysregs.PL2_W | sysregs.PL0_W), r


def test_reset_values_and_shared_storage():
    m, _ = run_system("nop")
    s = m.cpu.sys
    assert s.sctlr == 0x00C50078 and s.hsctlr == 0x30C50838 and s.hcptr == 0x33FF
    assert s.read("MIDR") == 0x412FC0F1 and s.read("MPIDR") == 0x80000000
    s.write("TTBR0_64", 0x12_3456_7000)
    assert s.read("TTBR0") == 0x34567000 and s.ttbr0 == 0x1234567000


def test_on_write_hooks_see_guest_writes():
    seen = []

    def setup(cpu):
        cpu.sys.on_write("CNTV_CTL", lambda s, name: seen.append((name, s.read(name) & 3)))
    run_system("mov r0, #3\nmcr p15, 0, r0, c14, c3, 1", setup=setup)
    assert seen == [("CNTV_CTL", 3)]


def test_hcr_write_raises_attention_for_virtual_interrupts():
    """Setting HCR.VI from HYP, then returning to SVC with IRQs unmasked,
    takes the virtual IRQ at the return address."""
    def setup(cpu):
        cpu.elr_hyp = CODE + 0x100
        cpu.spsr = SVC
    m, reason = run_system("mov r0, #0x90\nmcr p15, 4, r0, c1, c1, 0\neret", cpsr=HYP, setup=setup,
                           until=VBAR + 0x18)
    assert reason == "until" and m.cpu.mode == IRQ and m.cpu.r[14] == CODE + 0x104


def test_hsctlr_a_checks_alignment_in_hyp_only():
    """HSCTLR.A applies in HYP mode (HSR.DFSC = alignment fault, 0x21);
    returning to SVC switches to SCTLR.A, which is clear."""
    def setup(cpu):
        normal_memory(cpu)
        cpu.elr_hyp = CODE + 8
        cpu.spsr = SVC
    src = "mcr p15, 4, r0, c1, c0, 0\neret\nldr r1, [r2]"
    m, reason = run_system(src, cpsr=HYP, regs={0: sysregs.HSCTLR_RESET | 2, 2: CODE + 0x101},
                           setup=setup)
    assert reason == "until" and m.cpu.mode == SVC
    m, reason = run_system("mcr p15, 4, r0, c1, c0, 0\nldr r1, [r2]", cpsr=HYP,
                           regs={0: sysregs.HSCTLR_RESET | 2, 2: CODE + 0x101}, until=HVBAR + 0x10)
    assert reason == "until" and m.cpu.sys.hsr == hsr(0x25, 0x21, il=0)
