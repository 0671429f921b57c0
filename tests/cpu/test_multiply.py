"""Multiplies and divides: results, NZ, Q, per ARM ARM A8.8.

Expected values are worked by hand from the pseudocode (each row's name
says what it shows) and agree with ``qemu-arm -cpu cortex-a15`` running the
same snippets.  Snippets are assembled with GNU as (snippets.gnu_assemble),
because keystone lacks SDIV/UDIV and several T32 media encodings.
"""

import pytest

from snippets import flags_of, gnu_assemble, isa_params, run_snippet, takes_undef
from pyxen15.cpu.decode import decode

# (name, instruction sets, source, registers, expected registers, flags after,
#  flags before)
CASES = [
    ("mul_keeps_low_word", "AT", "mul r0, r1, r2", {1: 0x10001, 2: 0x10001}, {0: 0x20001}, "-----", ""),
    ("mul_signedness_irrelevant", "AT", "mul r0, r1, r2", {1: 0xFFFFFFFF, 2: 5}, {0: 0xFFFFFFFB}, "-----", ""),
    ("muls_sets_n", "A", "muls r0, r1, r2", {1: 0x40000000, 2: 2}, {0: 0x80000000}, "N----", ""),
    ("muls_sets_z_keeps_c_and_v", "A", "muls r0, r1, r2", {1: 0x10000, 2: 0x10000}, {0: 0}, "-ZCV-", "NCV"),
    ("mla", "AT", "mla r0, r1, r2, r3", {1: 3, 2: 4, 3: 0xFFFFFFFF}, {0: 11}, "-----", ""),
    ("mlas_sets_n", "A", "mlas r0, r1, r2, r3", {1: 1, 2: 1, 3: 0x7FFFFFFF}, {0: 0x80000000}, "N----", ""),
    ("mls_subtracts_product", "AT", "mls r0, r1, r2, r3", {1: 3, 2: 4, 3: 10}, {0: 0xFFFFFFFE}, "-----", ""),
    ("umull_full_product", "AT", "umull r4, r5, r1, r2",
     {1: 0xFFFFFFFF, 2: 0xFFFFFFFF}, {4: 1, 5: 0xFFFFFFFE}, "-----", ""),
    ("smull_negative", "AT", "smull r4, r5, r1, r2",
     {1: 0xFFFFFFFF, 2: 5}, {4: 0xFFFFFFFB, 5: 0xFFFFFFFF}, "-----", ""),
    ("umlal_carries_into_high_word", "AT", "umlal r4, r5, r1, r2",
     {1: 0x80000000, 2: 3, 4: 0x80000000, 5: 0}, {4: 0, 5: 2}, "-----", ""),
    ("smlal_negative_product", "AT", "smlal r4, r5, r1, r2",
     {1: 0xFFFFFFFE, 2: 3, 4: 10, 5: 0}, {4: 4, 5: 0}, "-----", ""),
    ("umulls_n_is_bit_63", "A", "umulls r4, r5, r1, r2",
     {1: 0xFFFFFFFF, 2: 0xFFFFFFFF}, {4: 1, 5: 0xFFFFFFFE}, "N----", ""),
    ("umulls_low_word_zero_is_not_z", "A", "umulls r4, r5, r1, r2", {1: 0x80000000, 2: 2}, {4: 0, 5: 1}, "-----", "Z"),
    ("smulls_zero_sets_z", "A", "smulls r4, r5, r1, r2", {1: 0, 2: 7, 4: 9, 5: 9}, {4: 0, 5: 0}, "-Z---", ""),
    ("smlals_negative_sets_n", "A", "smlals r4, r5, r1, r2", {1: 0xFFFFFFFF, 2: 1, 4: 0, 5: 0},
     {4: 0xFFFFFFFF, 5: 0xFFFFFFFF}, "N----", ""),
    ("umaal_maximum_fits_64_bits", "AT", "umaal r4, r5, r1, r2",
     {1: 0xFFFFFFFF, 2: 0xFFFFFFFF, 4: 0xFFFFFFFF, 5: 0xFFFFFFFF}, {4: 0xFFFFFFFF, 5: 0xFFFFFFFF}, "-----", ""),
    ("umlal_rdlo_is_rn", "AT", "umlal r1, r5, r1, r2", {1: 0x10, 2: 0x10, 5: 1}, {1: 0x110, 5: 1}, "-----", ""),
    # halfword multiplies: <x> picks Rn's half, <y> Rm's, both signed
    ("smulbb_signed_halves", "AT", "smulbb r0, r1, r2", {1: 0x0001FFFF, 2: 0x00020003}, {0: 0xFFFFFFFD}, "-----", ""),
    ("smultb", "AT", "smultb r0, r1, r2", {1: 0x80000001, 2: 2}, {0: 0xFFFF0000}, "-----", ""),
    ("smulbt", "AT", "smulbt r0, r1, r2", {1: 0x7FFF, 2: 0x7FFF0000}, {0: 0x3FFF0001}, "-----", ""),
    ("smultt_min_times_min", "AT", "smultt r0, r1, r2", {1: 0x80000000, 2: 0x80000000}, {0: 0x40000000}, "-----", ""),
    ("smlabb_overflow_sets_q", "AT", "smlabb r0, r1, r2, r3",
     {1: 0x7FFF, 2: 0x7FFF, 3: 0x7FFFFFFF}, {0: 0xBFFF0000}, "----Q", ""),
    ("smlatt_q_is_sticky", "AT", "smlatt r0, r1, r2, r3", {1: 0x20000, 2: 0x30000, 3: 1}, {0: 7}, "----Q", "Q"),
    ("smulwb_word_by_halfword", "AT", "smulwb r0, r1, r2", {1: 0x12345678, 2: 0xFFFF}, {0: 0xFFFFEDCB}, "-----", ""),
    ("smlawt_overflow_sets_q", "AT", "smlawt r0, r1, r2, r3",
     {1: 0x7FFFFFFF, 2: 0x7FFF0000, 3: 0x7FFFFFFF}, {0: 0xBFFF7FFE}, "----Q", ""),
    ("smlalbt", "AT", "smlalbt r4, r5, r1, r2", {1: 0xFFFF, 2: 0x50000, 4: 0, 5: 0},
     {4: 0xFFFFFFFB, 5: 0xFFFFFFFF}, "-----", ""),
    # dual multiplies: bottom*bottom and top*top, X exchanges Rm's halves
    ("smuad_sum_of_products", "AT", "smuad r0, r1, r2", {1: 0x30002, 2: 0x50004}, {0: 23}, "-----", ""),
    ("smuadx_exchanges", "AT", "smuadx r0, r1, r2", {1: 0x30002, 2: 0x50004}, {0: 22}, "-----", ""),
    ("smuad_overflow_sets_q", "AT", "smuad r0, r1, r2",
     {1: 0x80008000, 2: 0x80008000}, {0: 0x80000000}, "----Q", ""),
    ("smusd_difference", "AT", "smusd r0, r1, r2", {1: 0x30002, 2: 0x50004}, {0: 0xFFFFFFF9}, "-----", ""),
    ("smlad_overflow_sets_q", "AT", "smlad r0, r1, r2, r3",
     {1: 0x10001, 2: 0x10001, 3: 0x7FFFFFFF}, {0: 0x80000001}, "----Q", ""),
    ("smlsdx", "AT", "smlsdx r0, r1, r2, r3", {1: 0x30002, 2: 0x50004, 3: 100}, {0: 98}, "-----", ""),
    ("smlald_carries", "AT", "smlald r4, r5, r1, r2",
     {1: 0x7FFF7FFF, 2: 0x7FFF7FFF, 4: 0xFFFFFFFF, 5: 0}, {4: 0x7FFE0001, 5: 1}, "-----", ""),
    ("smlsldx_negative", "AT", "smlsldx r4, r5, r1, r2", {1: 0x50001, 2: 0x10002, 4: 0, 5: 0},
     {4: 0xFFFFFFF7, 5: 0xFFFFFFFF}, "-----", ""),
    # most-significant-word multiplies: result<63:32>, R adds 0x80000000 first
    ("smmul_high_word", "AT", "smmul r0, r1, r2", {1: 0x40000000, 2: 6}, {0: 1}, "-----", ""),
    ("smmulr_rounds", "AT", "smmulr r0, r1, r2", {1: 0x40000000, 2: 6}, {0: 2}, "-----", ""),
    ("smmul_negative_rounds_down", "AT", "smmul r0, r1, r2", {1: 0xFFFFFFFF, 2: 1}, {0: 0xFFFFFFFF}, "-----", ""),
    ("smmulr_negative_rounds_to_nearest", "AT", "smmulr r0, r1, r2", {1: 0xFFFFFFFF, 2: 1}, {0: 0}, "-----", ""),
    ("smmla", "AT", "smmla r0, r1, r2, r3", {1: 0x40000000, 2: 6, 3: 10}, {0: 11}, "-----", ""),
    ("smmls", "AT", "smmls r0, r1, r2, r3", {1: 0x40000000, 2: 6, 3: 10}, {0: 8}, "-----", ""),
    ("smmlsr", "AT", "smmlsr r0, r1, r2, r3", {1: 0x40000000, 2: 6, 3: 10}, {0: 9}, "-----", ""),
    # divides: round toward zero; the A profile returns 0 for a zero divisor
    ("sdiv_rounds_toward_zero", "AT", "sdiv r0, r1, r2", {1: 0xFFFFFFF9, 2: 2}, {0: 0xFFFFFFFD}, "-----", ""),
    ("sdiv_by_zero_is_zero", "AT", "sdiv r0, r1, r2", {0: 9, 1: 5, 2: 0}, {0: 0}, "-----", ""),
    ("sdiv_int_min_by_minus_one_wraps", "AT", "sdiv r0, r1, r2",
     {1: 0x80000000, 2: 0xFFFFFFFF}, {0: 0x80000000}, "-----", ""),
    ("udiv_unsigned", "AT", "udiv r0, r1, r2", {1: 0xFFFFFFFF, 2: 2}, {0: 0x7FFFFFFF}, "-----", ""),
    ("udiv_by_zero_is_zero", "AT", "udiv r0, r1, r2", {0: 9, 1: 7, 2: 0}, {0: 0}, "-----", ""),
    ("mul_condition_failed", "A", "cmp r1, r1\nmulne r0, r1, r2", {0: 5, 1: 3, 2: 4}, {0: 5}, "-ZC--", ""),
    # T16 MULS sets N and Z outside an IT block, and no flags inside one
    ("t16_muls_sets_flags", "T", "muls r0, r1, r0", {0: 0x80000000, 1: 1}, {0: 0x80000000}, "N----", ""),
    ("t16_mul_in_it_block_leaves_flags", "T", "cmp r2, r2\nit eq\nmuleq r0, r1, r0",
     {0: 0xFFFFFFFF, 1: 2}, {0: 0xFFFFFFFE}, "-ZC--", ""),
]


@pytest.mark.parametrize("thumb, src, regs, expect, flags, flags_before", isa_params(CASES))
def test_multiply(thumb, src, regs, expect, flags, flags_before):
    m = run_snippet(src, thumb, regs, flags_before)
    for i, v in expect.items():
        assert m.cpu.r[i] == v, "r%d = 0x%x, want 0x%x" % (i, m.cpu.r[i], v)
    assert flags_of(m) == flags


# Every variant decodes to the pattern of its own name (A32) or T32_<name>.
NAMES = ["mul r0, r1, r2", "mla r0, r1, r2, r3", "mls r0, r1, r2, r3", "umull r0, r1, r2, r3",
         "umlal r0, r1, r2, r3", "smull r0, r1, r2, r3", "smlal r0, r1, r2, r3", "umaal r0, r1, r2, r3",
         "sdiv r0, r1, r2", "udiv r0, r1, r2"]
NAMES += ["%s%s%s r0, r1, r2, r3" % (op, x, y) for op in ("smla", "smlal") for x in "bt" for y in "bt"]
NAMES += ["smul%s%s r0, r1, r2" % (x, y) for x in "bt" for y in "bt"]
NAMES += ["smlaw%s r0, r1, r2, r3" % y for y in "bt"] + ["smulw%s r0, r1, r2" % y for y in "bt"]
NAMES += ["%s%s r0, r1, r2, r3" % (op, x) for op in ("smlad", "smlsd", "smlald", "smlsld") for x in ("", "x")]
NAMES += ["%s%s r0, r1, r2" % (op, x) for op in ("smuad", "smusd") for x in ("", "x")]
NAMES += ["%s%s r0, r1, r2, r3" % (op, r) for op in ("smmla", "smmls") for r in ("", "r")]
NAMES += ["smmul%s r0, r1, r2" % r for r in ("", "r")]


@pytest.mark.parametrize("thumb", [False, True], ids=["A32", "T32"])
@pytest.mark.parametrize("src", NAMES)
def test_decodes_to_its_own_pattern(src, thumb):
    code = gnu_assemble(src, thumb)
    if thumb:
        insn = decode("T32", int.from_bytes(code[0:2], "little") << 16 | int.from_bytes(code[2:4], "little"))
    else:
        insn = decode("A32", int.from_bytes(code, "little"))
    want = src.split()[0].upper()
    assert insn.name == (want if not thumb else "T32_" + want)


def test_t16_muls_decodes():
    code = gnu_assemble("muls r3, r5, r3", True)
    assert len(code) == 2 and decode("T16", int.from_bytes(code, "little")).name == "T16_MUL"


@pytest.mark.parametrize("word", [
    0xE00F0291,      # MUL pc, r1, r2
    0xE08F4291,      # UMULL r4, pc, r1, r2
    0xE71FF211,      # SDIV pc, r1, r2
], ids=["mul_to_pc", "umull_to_pc", "sdiv_to_pc"])
def test_writing_pc_is_undefined(word):
    """UNPREDICTABLE in the ARM ARM; the core takes UNDEF, as QEMU does."""
    assert takes_undef(word)


def test_multiply_cycle_classes():
    """A15 figures: MUL 3, long multiplies 4, UDIV 9, SDIV 10 (timing table)."""
    cycles = {}
    for src in ("mul r0, r1, r2", "umull r0, r1, r2, r3", "udiv r0, r1, r2", "sdiv r0, r1, r2"):
        word = int.from_bytes(gnu_assemble(src, False), "little")
        cycles[src.split()[0]] = decode("A32", word).pattern.handler.cycles
    assert cycles == {"mul": 3, "umull": 4, "udiv": 9, "sdiv": 10}
