"""Data-processing instructions: results and NZCV, per ARM ARM A8.8.

Expected values are worked by hand from the pseudocode (AddWithCarry,
Shift_C, ARMExpandImm_C); each row says why in its name.
"""

import pytest

from pyxen15.machine import Machine
from snippets import CODE, gnu_assemble, run_snippet

# (name, source, initial registers, expected registers, expected NZCV)
A32_CASES = [
    ("add_imm", "add r0, r1, #5", {1: 10}, {0: 15}, "----"),
    ("adds_unsigned_carry", "adds r0, r1, #1", {1: 0xFFFFFFFF}, {0: 0}, "-ZC-"),
    ("adds_signed_overflow", "adds r0, r1, r2", {1: 0x7FFFFFFF, 2: 1}, {0: 0x80000000}, "N--V"),
    ("subs_borrow_clears_c", "subs r0, r1, r2", {1: 1, 2: 2}, {0: 0xFFFFFFFF}, "N---"),
    ("subs_no_borrow_sets_c", "subs r0, r1, r2", {1: 2, 2: 2}, {0: 0}, "-ZC-"),
    ("rsbs_negates", "rsbs r0, r1, #0", {1: 5}, {0: 0xFFFFFFFB}, "N---"),
    ("cmp_signed_overflow", "cmp r1, r2", {1: 0x80000000, 2: 1}, {}, "--CV"),
    ("cmn_carry", "cmn r1, r2", {1: 0xFFFFFFFF, 2: 1}, {}, "-ZC-"),
    ("adc_uses_carry", "subs r3, r3, r3\nadc r0, r1, r2", {1: 1, 2: 2}, {0: 4}, "-ZC-"),
    ("sbc_without_carry_subtracts_one", "adds r3, r3, r3\nsbc r0, r1, r2", {1: 5, 2: 2, 3: 0}, {0: 2}, "-Z--"),
    ("rsc", "subs r3, r3, r3\nrsc r0, r1, #10", {1: 3}, {0: 7}, "-ZC-"),
    ("movs_lsl_carry_out", "movs r0, r1, lsl #1", {1: 0x80000001}, {0: 2}, "--C-"),
    ("movs_lsr32_carry_is_bit31", "movs r0, r1, lsr #32", {1: 0x80000000}, {0: 0}, "-ZC-"),
    ("asr32_fills_sign", "mov r0, r1, asr #32", {1: 0x80000000}, {0: 0xFFFFFFFF}, "----"),
    ("ror", "mov r0, r1, ror #8", {1: 0x12345678}, {0: 0x78123456}, "----"),
    ("rrx_shifts_in_carry", "subs r3, r3, r3\nmovs r0, r1, rrx", {1: 3}, {0: 0x80000001}, "N-C-"),
    ("rrx_shifts_in_the_old_carry", "subs r3, r3, r3\nands r0, r1, r2, rrx", {1: 0xFFFFFFFF, 2: 2}, {0: 0x80000001}, "N---"),
    ("reg_shift_by_33_is_zero", "movs r0, r1, lsl r2", {1: 1, 2: 33}, {0: 0}, "-Z--"),
    ("reg_shift_by_32_carry_bit0", "movs r0, r1, lsl r2", {1: 1, 2: 32}, {0: 0}, "-ZC-"),
    ("reg_shift_uses_low_byte", "mov r0, r1, lsl r2", {1: 1, 2: 0x104}, {0: 16}, "----"),
    ("ror_reg_by_32_keeps_value", "movs r0, r1, ror r2", {1: 0x80000000, 2: 32}, {0: 0x80000000}, "N-C-"),
    ("rotated_imm_sets_carry", "movs r0, #0x80000000", {}, {0: 0x80000000}, "N-C-"),
    ("tst_is_and_without_result", "tst r1, #1", {1: 2}, {1: 2}, "-Z--"),
    ("teq", "teq r1, r1", {1: 7}, {}, "-Z--"),
    ("bic", "bic r0, r1, #0xff", {1: 0x1234}, {0: 0x1200}, "----"),
    ("mvn", "mvn r0, #0", {}, {0: 0xFFFFFFFF}, "----"),
    ("movw_movt", "movw r0, #0x5678\nmovt r0, #0x1234", {}, {0: 0x12345678}, "----"),
    ("pc_reads_as_plus_8", "mov r0, pc", {}, {0: 0x80000008}, "----"),
    ("add_to_pc_branches", "add pc, pc, #0\nmov r0, #1\nmov r1, #2", {}, {0: 0, 1: 2}, "----"),
    ("conditional_skipped", "cmp r1, #1\nmovne r0, #9\nmoveq r2, #9", {1: 1}, {0: 0, 2: 9}, "-ZC-"),
]

T32_CASES = [
    ("adds_t16_sets_flags", "adds r0, r1, #1", {1: 0xFFFFFFFF}, {0: 0}, "-ZC-"),
    ("add_w_modified_imm", "add.w r0, r1, #0x00ff00ff", {1: 1}, {0: 0x00FF0100}, "----"),
    ("orn", "orn r0, r1, r2", {1: 0, 2: 0xFFFF0000}, {0: 0x0000FFFF}, "----"),
    ("addw_plain_imm12", "addw r0, r1, #0xfff", {1: 1}, {0: 0x1000}, "----"),
    ("subs_w_shifted", "subs.w r0, r1, r2, lsl #4", {1: 0x100, 2: 0x10}, {0: 0}, "-ZC-"),
    ("negs", "negs r0, r1", {1: 1}, {0: 0xFFFFFFFF}, "N---"),
    ("mov_high_regs_no_flags", "mov r8, r1\nmov r0, r8", {1: 0}, {0: 0, 8: 0}, "----"),
    ("lsl_reg_t16", "lsls r0, r1", {0: 1, 1: 4}, {0: 16}, "----"),
    ("adr_is_aligned_pc", "nop\nadr r0, lbl\nnop\nlbl: nop", {}, {0: 0x80000008}, "----"),
    ("it_block_then_else", "cmp r1, #1\nite eq\nmoveq r0, #1\nmovne r0, #2", {1: 1}, {0: 1}, "-ZC-"),
    ("it_block_adds_in_it_does_not_set_flags", "cmp r1, #1\nit eq\naddeq r0, r1, #0xFF", {1: 1}, {0: 0x100}, "-ZC-"),
    ("mov_pc_is_branch", "mov r0, pc\nadds r0, #5\nmov pc, r0\nmovs r1, #1\nmovs r2, #2", {}, {0: 0x80000009, 1: 0, 2: 2}, "----"),
]


@pytest.mark.parametrize("name, src, regs, expect, nzcv", A32_CASES, ids=[c[0] for c in A32_CASES])
def test_a32(snippet, name, src, regs, expect, nzcv):
    s = snippet(src, regs=regs)
    assert s.result.reason == "until"
    for i, v in expect.items():
        assert s.r[i] == v, "r%d = 0x%x, want 0x%x" % (i, s.r[i], v)
    assert s.flags[:4] == nzcv


@pytest.mark.parametrize("name, src, regs, expect, nzcv", T32_CASES, ids=[c[0] for c in T32_CASES])
def test_t32(snippet, name, src, regs, expect, nzcv):
    s = snippet(src, thumb=True, regs=regs)
    assert s.result.reason == "until"
    for i, v in expect.items():
        assert s.r[i] == v, "r%d = 0x%x, want 0x%x" % (i, s.r[i], v)
    assert s.flags[:4] == nzcv



def test_t32_bxj_is_bx():
    """BXJ with the trivial Jazelle implementation is BX (A2.10), in T32 too:
    a target with bit 0 clear enters ARM state."""
    m = run_snippet("adr r0, arm\nbxj r0\n.align 2\narm: .arm\nmov r1, #7", thumb=True)
    assert m.cpu.T == 0 and m.cpu.r[1] == 7


def test_subs_pc_lr_is_undefined_in_hyp():
    """SUBS PC, LR is UNDEFINED in HYP mode (B9.3.20): HYP's Undefined
    Instruction vector, HSR.EC = 0, ELR_hyp at the instruction."""
    m = Machine(ram_size=16 << 20)
    m.mem.write(CODE, gnu_assemble("subs pc, lr, #4", thumb=False))
    m.cpu.set_cpsr(0x1DA)
    m.cpu.sys.hvbar = CODE + 0x100
    m.cpu.pc = CODE
    assert m.run(until=CODE + 0x104, max_insns=5).reason == "until"
    assert m.cpu.mode == 0x1A and m.cpu.elr_hyp == CODE and m.cpu.sys.hsr >> 26 == 0
