"""The soft-float against hand-worked values of the ARM ARM's pseudocode (A2.7).

Each row names the case, the operation's operands as bit patterns, the
FPSCR controls, and the result bits and cumulative flags the pseudocode
gives (worked by hand from FPRound(), FPProcessNaNs() and friends).
"""

import pytest

from pyxen15.cpu.vfp import softfloat as sf
from pyxen15.cpu.vfp.softfloat import DN, DZC, FZ, IDC, IOC, IXC, OFC, UFC, AHP

RP, RM, RZ = 1 << 22, 2 << 22, 3 << 22

ONE, TWO, THREE = 0x3FF0000000000000, 0x4000000000000000, 0x4008000000000000
HALF = 0x3FE0000000000000
ULP1 = 0x3CA0000000000000                 # 2^-53, half an ulp of 1.0
ONE_UP = 0x3FF0000000000001               # 1 + 2^-52
MAXD = 0x7FEFFFFFFFFFFFFF
MIN_NORMAL = 0x0010000000000000           # 2^-1022
DENORM = 0x0000000000000001               # 2^-1074
INF, NINF = 0x7FF0000000000000, 0xFFF0000000000000
QNAN1, QNAN2 = 0x7FF8000000000123, 0xFFF8000000000456
SNAN = 0x7FF0000000000789
DEFAULT_NAN = 0x7FF8000000000000
NEG = 1 << 63

BINARY64 = [
    # (name, function, operands, fpscr, result, flags)
    ("add_exact", sf.fp_add, (ONE, TWO), 0, THREE, 0),
    ("add_tie_to_even", sf.fp_add, (ONE, ULP1), 0, ONE, IXC),
    ("add_tie_round_up_in_rp", sf.fp_add, (ONE, ULP1), RP, ONE_UP, IXC),
    ("add_overflow_to_inf", sf.fp_add, (MAXD, MAXD), 0, INF, OFC | IXC),
    ("add_overflow_rz_gives_max", sf.fp_add, (MAXD, MAXD), RZ, MAXD, OFC | IXC),
    ("add_overflow_negative_rp_gives_max", sf.fp_add, (MAXD | NEG, MAXD | NEG), RP, MAXD | NEG, OFC | IXC),
    ("sub_self_is_plus_zero", sf.fp_sub, (THREE, THREE), 0, 0, 0),
    ("sub_self_is_minus_zero_in_rm", sf.fp_sub, (THREE, THREE), RM, NEG, 0),
    ("add_zeros_of_opposite_sign", sf.fp_add, (0, NEG), 0, 0, 0),
    ("add_minus_zeros", sf.fp_add, (NEG, NEG), 0, NEG, 0),
    ("inf_minus_inf_is_invalid", sf.fp_sub, (INF, INF), 0, DEFAULT_NAN, IOC),
    ("snan_beats_qnan_and_is_quieted", sf.fp_add, (QNAN1, SNAN), 0, SNAN | 1 << 51, IOC),
    ("first_qnan_propagates", sf.fp_mul, (QNAN2, QNAN1), 0, QNAN2, 0),
    ("default_nan_mode", sf.fp_add, (QNAN1, ONE), DN, DEFAULT_NAN, 0),
    ("sub_keeps_the_nan_sign", sf.fp_sub, (ONE, QNAN1), 0, QNAN1, 0),
    ("denormal_result_exact_no_ufc", sf.fp_mul, (MIN_NORMAL, HALF), 0, MIN_NORMAL >> 1, 0),
    ("tiny_inexact_result_ufc", sf.fp_mul, (DENORM, HALF), 0, 0, UFC | IXC),   # ties to even: 0
    ("tiny_result_rounds_up_in_rp", sf.fp_mul, (DENORM, HALF), RP, DENORM, UFC | IXC),
    ("fz_flushes_tiny_result", sf.fp_mul, (MIN_NORMAL, HALF), FZ, 0, UFC),
    ("fz_flushes_denormal_input", sf.fp_add, (DENORM, ONE), FZ, ONE, IDC),
    ("denormal_input_without_fz", sf.fp_add, (DENORM, DENORM), 0, 2, 0),
    ("mul_inf_zero_invalid", sf.fp_mul, (INF, NEG), 0, DEFAULT_NAN, IOC),
    ("mul_signs", sf.fp_mul, (TWO | NEG, THREE), 0, 0xC018000000000000, 0),
    ("div_by_zero", sf.fp_div, (ONE, NEG), 0, NINF, DZC),
    ("div_zero_by_zero", sf.fp_div, (0, 0), 0, DEFAULT_NAN, IOC),
    ("div_inf_by_zero_no_dzc", sf.fp_div, (INF, 0), 0, INF, 0),
    ("div_one_third_rn", sf.fp_div, (ONE, THREE), 0, 0x3FD5555555555555, IXC),
    ("div_one_third_rp", sf.fp_div, (ONE, THREE), RP, 0x3FD5555555555556, IXC),
    ("div_exact", sf.fp_div, (THREE, TWO), 0, 0x3FF8000000000000, 0),
]


@pytest.mark.parametrize("name,fn,ops,fpscr,result,flags", BINARY64, ids=[c[0] for c in BINARY64])
def test_binary64(name, fn, ops, fpscr, result, flags):
    assert fn(*ops, 64, fpscr) == (result, flags)


UNARY = [
    ("sqrt_four", sf.fp_sqrt, 0x4010000000000000, 0, TWO, 0),
    ("sqrt_two_inexact", sf.fp_sqrt, TWO, 0, 0x3FF6A09E667F3BCD, IXC),
    ("sqrt_minus_zero", sf.fp_sqrt, NEG, 0, NEG, 0),
    ("sqrt_negative_invalid", sf.fp_sqrt, ONE | NEG, 0, DEFAULT_NAN, IOC),
    ("sqrt_inf", sf.fp_sqrt, INF, 0, INF, 0),
    ("sqrt_snan", sf.fp_sqrt, SNAN, 0, SNAN | 1 << 51, IOC),
]


@pytest.mark.parametrize("name,fn,op,fpscr,result,flags", UNARY, ids=[c[0] for c in UNARY])
def test_unary64(name, fn, op, fpscr, result, flags):
    assert fn(op, 64, fpscr) == (result, flags)


F_ONE, F_TWO, F_THREE = 0x3F800000, 0x40000000, 0x40400000
F_MAX, F_INF, F_DEFAULT_NAN = 0x7F7FFFFF, 0x7F800000, 0x7FC00000

BINARY32 = [
    ("add_exact", sf.fp_add, (F_ONE, F_TWO), 0, F_THREE, 0),
    ("div_third", sf.fp_div, (F_ONE, F_THREE), 0, 0x3EAAAAAB, IXC),
    ("div_third_rz", sf.fp_div, (F_ONE, F_THREE), RZ, 0x3EAAAAAA, IXC),
    ("mul_overflow", sf.fp_mul, (F_MAX, F_TWO), 0, F_INF, OFC | IXC),
    ("add_half_ulp_ties_even", sf.fp_add, (F_ONE, 0x33800000), 0, F_ONE, IXC),   # 1 + 2^-24
    ("add_quarter_above_half_rounds_up", sf.fp_add, (0x3F800001, 0x33800000), 0, 0x3F800002, IXC),
]


@pytest.mark.parametrize("name,fn,ops,fpscr,result,flags", BINARY32, ids=[c[0] for c in BINARY32])
def test_binary32(name, fn, ops, fpscr, result, flags):
    assert fn(*ops, 32, fpscr) == (result, flags)


def test_fused_multiply_add_rounds_once():
    """(1 + 2^-52)^2 - (1 + 2^-51) = 2^-104 exactly, which two roundings lose."""
    x = ONE_UP
    r, flags = sf.fp_mul_add(0x3FF0000000000002 | NEG, x, x, 64, 0)
    assert (r, flags) == (0x3970000000000000, 0)
    product, f1 = sf.fp_mul(x, x, 64, 0)
    assert sf.fp_add(0x3FF0000000000002 | NEG, product, 64, 0) == (0, 0) and f1 == IXC


def test_fused_inf_times_zero_plus_qnan_is_invalid_default_nan():
    """FPMulAdd(): a quiet NaN addend does not hide the invalid 0 * inf."""
    assert sf.fp_mul_add(QNAN1, INF, 0, 64, 0) == (DEFAULT_NAN, IOC)
    assert sf.fp_mul_add(QNAN1, ONE, TWO, 64, 0) == (QNAN1, 0)


def test_fused_exact_zero_takes_the_rounding_mode_sign():
    assert sf.fp_mul_add(ONE | NEG, ONE, ONE, 64, 0) == (0, 0)
    assert sf.fp_mul_add(ONE | NEG, ONE, ONE, 64, RM) == (NEG, 0)


COMPARES = [
    ("less", ONE, TWO, False, 0x8, 0),
    ("equal_zeros", 0, NEG, False, 0x6, 0),
    ("greater", THREE, TWO, False, 0x2, 0),
    ("unordered_quiet", QNAN1, ONE, False, 0x3, 0),
    ("unordered_quiet_vcmpe", QNAN1, ONE, True, 0x3, IOC),
    ("unordered_signalling", ONE, SNAN, False, 0x3, IOC),
    ("minus_inf_less_than_max", NINF, MAXD | NEG, False, 0x8, 0),
]


@pytest.mark.parametrize("name,a,b,e,nzcv,flags", COMPARES, ids=[c[0] for c in COMPARES])
def test_compare(name, a, b, e, nzcv, flags):
    assert sf.fp_compare(a, b, 64, 0, e) == (nzcv << 28, flags)


TO_FIXED = [
    # (name, operand, signed?, round_zero, fpscr, result, flags)
    ("two_and_a_half_ties_even", 0x4004000000000000, True, False, 0, 2, IXC),
    ("three_and_a_half_ties_even", 0x400C000000000000, True, False, 0, 4, IXC),
    ("minus_two_and_a_half_rz", 0xC004000000000000, True, True, 0, 0xFFFFFFFE, IXC),
    ("minus_two_and_a_half_rm", 0xC004000000000000, True, False, RM, 0xFFFFFFFD, IXC),
    ("minus_two_and_a_half_rp", 0xC004000000000000, True, False, RP, 0xFFFFFFFE, IXC),
    ("saturate_positive", 0x41F0000000000000, True, True, 0, 0x7FFFFFFF, IOC),
    ("saturate_inf_unsigned", INF, False, True, 0, 0xFFFFFFFF, IOC),
    ("nan_is_zero_and_invalid", QNAN1, True, True, 0, 0, IOC),
    ("negative_to_unsigned_saturates", ONE | NEG, False, True, 0, 0, IOC),
    ("minus_half_to_unsigned_rz_is_zero_inexact", HALF | NEG, False, True, 0, 0, IXC),
    ("largest_signed", 0x41DFFFFFFFC00000, True, True, 0, 0x7FFFFFFF, 0),
]


@pytest.mark.parametrize("name,x,signed,rz,fpscr,result,flags", TO_FIXED, ids=[c[0] for c in TO_FIXED])
def test_fp_to_fixed(name, x, signed, rz, fpscr, result, flags):
    assert sf.fp_to_fixed(x, 64, 32, 0, not signed, rz, fpscr) == (result, flags)


def test_fixed_point_fraction_bits():
    """1.75 with 4 fraction bits is 28; 28 with 4 fraction bits is 1.75."""
    assert sf.fp_to_fixed(0x3FFC000000000000, 64, 16, 4, False, True, 0) == (28, 0)
    assert sf.fixed_to_fp(28, 64, 16, 4, True, True, 0) == (0x3FFC000000000000, 0)


def test_unsigned_max_to_single_rounds_per_mode():
    assert sf.fixed_to_fp(0xFFFFFFFF, 32, 32, 0, True, False, 0) == (0x4F800000, IXC)
    assert sf.fixed_to_fp(0xFFFFFFFF, 32, 32, 0, True, False, RZ) == (0x4F7FFFFF, IXC)
    assert sf.fixed_to_fp(0xFFFFFFFF, 32, 32, 0, True, True, RZ) == (0x4F800000, IXC)


CONVERTS = [
    ("double_snan_to_single_keeps_top_payload", 0x7FF4000000000000 | 1 << 29, 64, 32, 0,
     0x7FE00001, IOC),
    ("single_to_double_exact", 0x3FC00000, 32, 64, 0, 0x3FF8000000000000, 0),
    ("double_to_single_overflow", MAXD, 64, 32, 0, F_INF, OFC | IXC),
    ("single_to_half_overflow_ieee", 0x477FF000, 32, 16, 0, 0x7C00, OFC | IXC),   # 65520
    # 65520 is halfway between 65504 and 65536; with AHP the latter is a number
    ("single_to_half_ahp_rounds_into_the_top_binade", 0x477FF000, 32, 16, AHP, 0x7C00, IXC),
    ("single_inf_to_half_ahp_invalid", F_INF, 32, 16, AHP, 0x7FFF, IOC),
    ("single_nan_to_half_ahp_zero", F_DEFAULT_NAN | 1 << 31, 32, 16, AHP, 0x8000, IOC),
    ("half_inf_to_single", 0x7C00, 16, 32, 0, F_INF, 0),
    ("half_all_ones_exponent_ahp_is_number", 0x7C00, 16, 32, AHP, 0x47800000, 0),
    ("half_denormal_not_flushed_by_fz", 0x0001, 16, 32, FZ, 0x33800000, 0),
    ("single_denormal_flushed_by_fz", 0x00000001, 32, 64, FZ, 0, IDC),
]


@pytest.mark.parametrize("name,x,n_from,n_to,fpscr,result,flags", CONVERTS, ids=[c[0] for c in CONVERTS])
def test_convert(name, x, n_from, n_to, fpscr, result, flags):
    assert sf.fp_convert(x, n_from, n_to, fpscr) == (result, flags)
