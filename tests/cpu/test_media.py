"""Saturating, parallel, packing, extend, reversal and bitfield instructions.

Expected values are worked by hand from the ARM ARM pseudocode (the row
names say what each shows) and agree with ``qemu-arm -cpu cortex-a15``
running the same snippets.
"""

import pytest

from pyxen15.cpu.decode import decode
from snippets import flags_of, gnu_assemble, isa_params, run_snippet, takes_undef

# (name, instruction sets, source, registers, expected registers, flags after,
#  flags before, GE before, GE after)
CASES = [
    # QADD Rd, Rm, Rn is SignedSat(Rm + Rn); the D forms double Rn first (saturating too)
    ("qadd_saturates_and_sets_q", "AT", "qadd r0, r1, r2", {1: 0x7FFFFFFF, 2: 1}, {0: 0x7FFFFFFF}, "----Q", "", 0, 0),
    ("qadd_in_range", "AT", "qadd r0, r1, r2", {1: 5, 2: 0xFFFFFFFE}, {0: 3}, "-----", "", 0, 0),
    ("qsub_is_rm_minus_rn", "AT", "qsub r0, r1, r2", {1: 10, 2: 3}, {0: 7}, "-----", "", 0, 0),
    ("qsub_saturates_negative", "AT", "qsub r0, r1, r2", {1: 0x80000000, 2: 1}, {0: 0x80000000}, "----Q", "", 0, 0),
    ("qdadd_doubling_saturates", "AT", "qdadd r0, r1, r2", {1: 0, 2: 0x40000000}, {0: 0x7FFFFFFF}, "----Q", "", 0, 0),
    ("qdsub_difference_saturates", "AT", "qdsub r0, r1, r2", {1: 0, 2: 0xC0000000}, {0: 0x7FFFFFFF}, "----Q", "", 0, 0),
    # SSAT/USAT saturate a shifted register; SSAT #n is n bits signed, USAT #n unsigned
    ("ssat_clamps_high", "AT", "ssat r0, #8, r1", {1: 300}, {0: 127}, "----Q", "", 0, 0),
    ("ssat_clamps_low", "AT", "ssat r0, #8, r1", {1: 0xFFFFFF00}, {0: 0xFFFFFF80}, "----Q", "", 0, 0),
    ("ssat_lsl_in_range", "AT", "ssat r0, #16, r1, lsl #4", {1: 0x100}, {0: 0x1000}, "-----", "", 0, 0),
    ("ssat_asr", "AT", "ssat r0, #32, r1, asr #4", {1: 0x80000000}, {0: 0xF8000000}, "-----", "", 0, 0),
    ("ssat_asr_32", "A", "ssat r0, #4, r1, asr #32", {1: 0x80000000}, {0: 0xFFFFFFFF}, "-----", "", 0, 0),
    ("usat_negative_is_zero", "AT", "usat r0, #8, r1", {1: 0xFFFFFFFF}, {0: 0}, "----Q", "", 0, 0),
    ("usat_clamps_high", "AT", "usat r0, #8, r1", {1: 256}, {0: 255}, "----Q", "", 0, 0),
    ("usat_to_zero_bits", "AT", "usat r0, #0, r1", {1: 1}, {0: 0}, "----Q", "", 0, 0),
    ("ssat16_each_half", "AT", "ssat16 r0, #8, r1", {1: 0x7FFF8000}, {0: 0x007FFF80}, "----Q", "", 0, 0),
    ("usat16_each_half", "AT", "usat16 r0, #4, r1", {1: 0x0005FFFF}, {0: 0x00050000}, "----Q", "", 0, 0),
    # parallel add/subtract: S and U set GE per lane, the others leave GE and Q alone
    ("sadd16_ge_when_non_negative", "AT", "sadd16 r0, r1, r2",
     {1: 0x7FFF0001, 2: 0x0001FFFE}, {0: 0x8000FFFF}, "-----", "", 0, 0b1100),
    ("uadd8_ge_is_carry_out", "AT", "uadd8 r0, r1, r2",
     {1: 0xFF01FF10, 2: 0x01010001}, {0: 0x0002FF11}, "-----", "", 0b0111, 0b1000),
    ("usub16_ge_is_no_borrow", "AT", "usub16 r0, r1, r2",
     {1: 0x00050003, 2: 0x00030005}, {0: 0x0002FFFE}, "-----", "", 0, 0b1100),
    ("ssub8", "AT", "ssub8 r0, r1, r2", {1: 0x807F0000, 2: 0x01FF0001}, {0: 0x7F8000FF}, "-----", "", 0, 0b0110),
    ("sasx_subtracts_bottom_adds_top", "AT", "sasx r0, r1, r2",
     {1: 0x00100020, 2: 0x00050003}, {0: 0x0013001B}, "-----", "", 0, 0b1111),
    ("ssax_adds_bottom_subtracts_top", "AT", "ssax r0, r1, r2",
     {1: 0x00100020, 2: 0x00050003}, {0: 0x000D0025}, "-----", "", 0, 0b1111),
    ("uasx_ge_mixed", "AT", "uasx r0, r1, r2", {1: 0xFFFF0000, 2: 0x00010002}, {0: 0x0001FFFF}, "-----", "", 0, 0b1100),
    ("qadd16_saturates_lanes_not_q", "AT", "qadd16 r0, r1, r2",
     {1: 0x7FFF8000, 2: 0x0001FFFF}, {0: 0x7FFF8000}, "-----", "", 0b0101, 0b0101),
    ("uqsub8_floors_at_zero", "AT", "uqsub8 r0, r1, r2",
     {1: 0x10FF0510, 2: 0x20010505}, {0: 0x00FE000B}, "-----", "", 0, 0),
    ("shadd16_halves", "AT", "shadd16 r0, r1, r2", {1: 0x7FFF0003, 2: 0x7FFFFFFF}, {0: 0x7FFF0001}, "-----", "", 0, 0),
    ("shsub8_rounds_down", "AT", "shsub8 r0, r1, r2", {1: 0, 2: 1}, {0: 0xFF}, "-----", "", 0, 0),
    ("uhadd8_keeps_carry_bit", "AT", "uhadd8 r0, r1, r2",
     {1: 0xFF00FF01, 2: 0xFF000103}, {0: 0xFF008002}, "-----", "", 0, 0),
    ("sel_picks_bytes_by_ge", "AT", "sel r0, r1, r2",
     {1: 0x11223344, 2: 0xAABBCCDD}, {0: 0xAA22CC44}, "-----", "", 0b0101, 0b0101),
    # packing and extension
    ("pkhbt", "AT", "pkhbt r0, r1, r2, lsl #8", {1: 0x11112222, 2: 0x00334455}, {0: 0x33442222}, "-----", "", 0, 0),
    ("pkhtb_asr", "AT", "pkhtb r0, r1, r2, asr #8", {1: 0x11112222, 2: 0x80334455}, {0: 0x11113344}, "-----", "", 0, 0),
    ("pkhtb_asr_32", "AT", "pkhtb r0, r1, r2, asr #32",
     {1: 0x11112222, 2: 0x80000000}, {0: 0x1111FFFF}, "-----", "", 0, 0),
    ("sxtb_rotated", "AT", "sxtb r0, r1, ror #8", {1: 0x8000}, {0: 0xFFFFFF80}, "-----", "", 0, 0),
    ("uxth_ror_24_wraps", "AT", "uxth r0, r1, ror #24", {1: 0x12345678}, {0: 0x7812}, "-----", "", 0, 0),
    ("sxth_low", "AT", "sxth r0, r1", {1: 0x1234F000}, {0: 0xFFFFF000}, "-----", "", 0, 0),
    ("uxtb_low", "AT", "uxtb r0, r1", {1: 0x12345678}, {0: 0x78}, "-----", "", 0, 0),
    ("sxtah_adds", "AT", "sxtah r0, r2, r1", {1: 0xFFFF, 2: 10}, {0: 9}, "-----", "", 0, 0),
    ("uxtab_wraps", "AT", "uxtab r0, r2, r1", {1: 0xFF, 2: 0xFFFFFFFF}, {0: 0xFE}, "-----", "", 0, 0),
    ("sxtb16", "AT", "sxtb16 r0, r1", {1: 0x007F0080}, {0: 0x007FFF80}, "-----", "", 0, 0),
    ("uxtb16_ror_16", "AT", "uxtb16 r0, r1, ror #16", {1: 0x11223344}, {0: 0x00440022}, "-----", "", 0, 0),
    ("sxtab16_lanes_wrap", "AT", "sxtab16 r0, r2, r1", {1: 0x00FF00FF, 2: 0x00010001}, {0: 0}, "-----", "", 0, 0),
    ("uxtab16_lanes_wrap", "AT", "uxtab16 r0, r2, r1, ror #8",
     {1: 0xFF00FF00, 2: 0xFFFF0001}, {0: 0x00FE0100}, "-----", "", 0, 0),
    # reversal and counting (in Thumb, the low-register forms are 16-bit)
    ("rev", "AT", "rev r0, r1", {1: 0x12345678}, {0: 0x78563412}, "-----", "", 0, 0),
    ("rev16", "AT", "rev16 r0, r1", {1: 0x12345678}, {0: 0x34127856}, "-----", "", 0, 0),
    ("revsh_sign_extends", "AT", "revsh r0, r1", {1: 0x80}, {0: 0xFFFF8000}, "-----", "", 0, 0),
    ("rbit", "AT", "rbit r0, r1", {1: 0x12345678}, {0: 0x1E6A2C48}, "-----", "", 0, 0),
    ("clz_of_zero_is_32", "AT", "clz r0, r1", {1: 0}, {0: 32}, "-----", "", 0, 0),
    ("clz", "AT", "clz r0, r1", {1: 0x10000}, {0: 15}, "-----", "", 0, 0),
    ("rev_high_registers_t32", "T", "rev r8, r9", {9: 0x11223344}, {8: 0x44332211}, "-----", "", 0, 0),
    # bitfields
    ("bfi", "AT", "bfi r0, r1, #8, #4", {0: 0xFFFFFFFF, 1: 0x35}, {0: 0xFFFFF5FF}, "-----", "", 0, 0),
    ("bfc", "AT", "bfc r0, #4, #8", {0: 0xFFFFFFFF}, {0: 0xFFFFF00F}, "-----", "", 0, 0),
    ("bfc_whole_word", "AT", "bfc r0, #0, #32", {0: 0x12345678}, {0: 0}, "-----", "", 0, 0),
    ("ubfx", "AT", "ubfx r0, r1, #28, #4", {1: 0xA0000000}, {0: 0xA}, "-----", "", 0, 0),
    ("sbfx_sign_extends", "AT", "sbfx r0, r1, #28, #4", {1: 0xA0000000}, {0: 0xFFFFFFFA}, "-----", "", 0, 0),
    ("sbfx_whole_word", "AT", "sbfx r0, r1, #0, #32", {1: 0x80000001}, {0: 0x80000001}, "-----", "", 0, 0),
    # sum of absolute byte differences
    ("usad8", "AT", "usad8 r0, r1, r2", {1: 0x01FF0010, 2: 0xFF000020}, {0: 525}, "-----", "", 0, 0),
    ("usada8_accumulates", "AT", "usada8 r0, r1, r2, r3", {1: 0x01FF0010, 2: 0xFF000020, 3: 0xFFFFFFFF},
     {0: 524}, "-----", "", 0, 0),
]


@pytest.mark.parametrize("thumb, src, regs, expect, flags, flags_before, ge_before, ge", isa_params(CASES))
def test_media(thumb, src, regs, expect, flags, flags_before, ge_before, ge):
    m = run_snippet(src, thumb, regs, flags_before, ge_before)
    for i, v in expect.items():
        assert m.cpu.r[i] == v, "r%d = 0x%x, want 0x%x" % (i, m.cpu.r[i], v)
    assert flags_of(m) == flags
    assert m.cpu.GE == ge


PARALLEL = ["%s%s r0, r1, r2" % (p, o) for p in ("s", "q", "sh", "u", "uq", "uh")
            for o in ("add16", "asx", "sax", "sub16", "add8", "sub8")]
# (source, A32 pattern name); T32 names are "T32_" + it
NAMES = [(src, src.split()[0].upper()) for src in PARALLEL] + [
    ("qadd r0, r1, r2", "QADD"), ("qsub r0, r1, r2", "QSUB"), ("qdadd r0, r1, r2", "QDADD"),
    ("qdsub r0, r1, r2", "QDSUB"), ("sel r0, r1, r2", "SEL"), ("clz r0, r1", "CLZ"),
    ("ssat r0, #3, r1", "SSAT_lsl"), ("ssat r0, #3, r1, asr #2", "SSAT_asr"), ("ssat16 r0, #3, r1", "SSAT16"),
    ("usat r0, #3, r1", "USAT_lsl"), ("usat r0, #3, r1, asr #2", "USAT_asr"), ("usat16 r0, #3, r1", "USAT16"),
    ("pkhbt r0, r1, r2, lsl #3", "PKHBT"), ("pkhtb r0, r1, r2, asr #3", "PKHTB"),
    ("rev.w r0, r1", "REV"), ("rev16.w r0, r1", "REV16"), ("revsh.w r0, r1", "REVSH"), ("rbit r0, r1", "RBIT"),
    ("bfi r0, r1, #3, #4", "BFI"), ("bfc r0, #3, #4", "BFC"),
    ("ubfx r0, r1, #3, #4", "UBFX"), ("sbfx r0, r1, #3, #4", "SBFX"),
    ("usad8 r0, r1, r2", "USAD8"), ("usada8 r0, r1, r2, r3", "USADA8"),
] + [("%s.w r0, r1, ror #8" % x, x.upper()) for x in ("sxtb", "sxth", "uxtb", "uxth")] + [
    ("%s r0, r1, ror #8" % x, x.upper()) for x in ("sxtb16", "uxtb16")] + [
    ("%s r0, r2, r1, ror #8" % x, x.upper()) for x in ("sxtab", "sxtah", "sxtab16", "uxtab", "uxtah", "uxtab16")]


@pytest.mark.parametrize("thumb", [False, True], ids=["A32", "T32"])
@pytest.mark.parametrize("src, name", NAMES, ids=[n[0].split()[0] if n[0] in PARALLEL else n[1] for n in NAMES])
def test_decodes_to_its_own_pattern(src, name, thumb):
    if not thumb:
        src = src.replace(".w", "")
    code = gnu_assemble(src, thumb)
    assert len(code) == 4
    if thumb:
        insn = decode("T32", int.from_bytes(code[0:2], "little") << 16 | int.from_bytes(code[2:4], "little"))
    else:
        insn = decode("A32", int.from_bytes(code, "little"))
    assert insn.name == (name if not thumb else "T32_" + name)


@pytest.mark.parametrize("src, name", [
    ("sxth r0, r1", "T16_SXTH"), ("sxtb r0, r1", "T16_SXTB"), ("uxth r0, r1", "T16_UXTH"),
    ("uxtb r0, r1", "T16_UXTB"), ("rev r0, r1", "T16_REV"), ("rev16 r0, r1", "T16_REV16"),
    ("revsh r0, r1", "T16_REVSH"),
])
def test_t16_decodes(src, name):
    code = gnu_assemble(src, True)
    assert len(code) == 2 and decode("T16", int.from_bytes(code, "little")).name == name


@pytest.mark.parametrize("word", [
    0xE7E70E51,      # UBFX r0, r1, #28, width 8: the field runs past bit 31
    0xE7C40411,      # BFI r0, r1 with msb 4 < lsb 8
    0xE6BFFF31,      # REV pc, r1
    0xE6A7F011,      # SSAT pc, #8, r1
], ids=["ubfx_past_bit_31", "bfi_msb_below_lsb", "rev_to_pc", "ssat_to_pc"])
def test_unpredictable_encodings_are_undefined(word):
    """UNPREDICTABLE in the ARM ARM; the core takes UNDEF, as QEMU does."""
    assert takes_undef(word)
