"""Bit-exact floating-point arithmetic, after the ARM ARM's pseudocode (A2.7).

Every operation takes raw operands (ints holding the bit patterns), the
format width N (16, 32 or 64) and the FPSCR value that controls it, and
returns ``(result bits, flags)``: the cumulative exception bits of FPSCR
(IOC, DZC, OFC, UFC, IXC, IDC) the operation raises.  The caller ORs the
flags into FPSCR; nothing here touches the core.

The arithmetic is exact: a finite operand unpacks to an integer mantissa
and a power of two (:func:`fp_unpack`), sums and products are formed as
integers, quotients and square roots carry a sticky bit for the discarded
remainder, and :func:`fp_round` rounds the exact value once, in any of the
four rounding modes, with flush-to-zero and the flags exactly as FPRound()
specifies (tininess before rounding, as ARM detects it).  This is the slow
path; the translated code's fast path for round-to-nearest on normal
doubles is in ops/vfp.py, and falls back here whenever it cannot be sure.

Names are the pseudocode's in snake_case: FPUnpack -> fp_unpack, FPRound ->
fp_round, FPProcessNaNs -> fp_process_nans, FPAdd -> fp_add, ...
"""

from math import isqrt
from typing import Tuple

# FPSCR cumulative exception flags (A2.7.? / B6.1.? FPSCR bit assignments)
IOC, DZC, OFC, UFC, IXC, IDC = 1, 2, 4, 8, 16, 128
# FPSCR control bits
FZ = 1 << 24
DN = 1 << 25
AHP = 1 << 26
RMODE_SHIFT = 22
RN, RP, RM, RZ = 0, 1, 2, 3

# The FPType of the pseudocode
ZERO, NONZERO, INF, QNAN, SNAN = range(5)

# N -> (exponent bits E, fraction bits F)
FORMATS = {16: (5, 10), 32: (8, 23), 64: (11, 52)}

Result = Tuple[int, int]


def fp_zero(sign: int, n: int) -> int:
    return sign << (n - 1)


def fp_infinity(sign: int, n: int) -> int:
    e, f = FORMATS[n]
    return sign << (n - 1) | ((1 << e) - 1) << f


def fp_max_normal(sign: int, n: int) -> int:
    e, f = FORMATS[n]
    return sign << (n - 1) | ((1 << e) - 2) << f | ((1 << f) - 1)


def fp_default_nan(n: int) -> int:
    """FPDefaultNaN(): positive, quiet, the rest of the fraction zero."""
    e, f = FORMATS[n]
    return ((1 << e) - 1) << f | 1 << (f - 1)


def fp_neg(x: int, n: int) -> int:
    """FPNeg(): flip the sign, NaNs included, without any flag."""
    return x ^ (1 << (n - 1))


def fp_abs(x: int, n: int) -> int:
    return x & ((1 << (n - 1)) - 1)


def fp_unpack(x: int, n: int, fpscr: int):
    """FPUnpack(): (type, sign, mantissa, exponent, flags), the value being
    mantissa * 2^exponent.  With FPSCR.FZ a single or double denormal reads
    as zero and raises IDC; half precision is never flushed, and with
    FPSCR.AHP its all-ones exponent is an ordinary number."""
    e, f = FORMATS[n]
    sign = x >> (n - 1)
    exp = (x >> f) & ((1 << e) - 1)
    frac = x & ((1 << f) - 1)
    bias = (1 << (e - 1)) - 1
    if exp == 0:
        if frac == 0:
            return ZERO, sign, 0, 0, 0
        if fpscr & FZ and n != 16:
            return ZERO, sign, 0, 0, IDC
        return NONZERO, sign, frac, 1 - bias - f, 0
    if exp == (1 << e) - 1 and not (n == 16 and fpscr & AHP):
        if frac == 0:
            return INF, sign, 0, 0, 0
        return (QNAN if frac >> (f - 1) else SNAN), sign, 0, 0, 0
    return NONZERO, sign, frac | 1 << f, exp - bias - f, 0


def fp_round(sign: int, mant: int, exp: int, sticky: bool, n: int, fpscr: int,
             rmode: int = -1) -> Result:
    """FPRound() of the nonzero value (-1)^sign * (mant + s) * 2^exp, where
    0 < s < 1 when `sticky` (a discarded remainder) and s = 0 otherwise.
    `rmode` overrides FPSCR.RMode (-1: use FPSCR)."""
    e, f = FORMATS[n]
    if rmode < 0:
        rmode = (fpscr >> RMODE_SHIFT) & 3
    bias = (1 << (e - 1)) - 1
    min_exp = 1 - bias
    exponent = exp + mant.bit_length() - 1           # 2^exponent <= value < 2^(exponent+1)
    if fpscr & FZ and n != 16 and exponent < min_exp:
        return fp_zero(sign, n), UFC                 # flushed: UFC, never IXC
    biased = max(exponent - min_exp + 1, 0)
    shift = (exponent if biased else min_exp) - f - exp
    if shift <= 0:
        int_mant = mant << -shift
        exact = not sticky
        above_half = half = False
    else:
        int_mant = mant >> shift
        rem = mant & ((1 << shift) - 1)
        mid = 1 << (shift - 1)
        exact = rem == 0 and not sticky
        above_half = rem > mid or (rem == mid and sticky)
        half = rem == mid and not sticky
    flags = 0
    if biased == 0 and not exact:
        flags |= UFC
    if rmode == RN:
        round_up = above_half or (half and int_mant & 1 == 1)
        overflow_to_inf = True
    elif rmode == RP:
        round_up = not exact and sign == 0
        overflow_to_inf = sign == 0
    elif rmode == RM:
        round_up = not exact and sign == 1
        overflow_to_inf = sign == 1
    else:
        round_up = overflow_to_inf = False
    if round_up:
        int_mant += 1
        if int_mant == 1 << f:                       # a denormal rounded up to the smallest normal
            biased = 1
        if int_mant == 1 << (f + 1):                 # rounded up to the next binade
            biased += 1
            int_mant >>= 1
    if n != 16 or not fpscr & AHP:
        if biased >= (1 << e) - 1:
            result = fp_infinity(sign, n) if overflow_to_inf else fp_max_normal(sign, n)
            flags |= OFC
            exact = False                            # overflow is always inexact
        else:
            result = sign << (n - 1) | biased << f | (int_mant & ((1 << f) - 1))
    else:
        # Alternative half precision: no infinities; too large is Invalid Operation
        if biased >= 1 << e:
            result = sign << 15 | 0x7FFF
            flags |= IOC
            exact = True
        else:
            result = sign << (n - 1) | biased << f | (int_mant & ((1 << f) - 1))
    if not exact:
        flags |= IXC
    return result, flags


def _round_signed(value_mant: int, exp: int, sticky: bool, n: int, fpscr: int) -> Result:
    """FPRound() of a signed exact value, or the exact-zero result of a sum,
    whose sign is + except in round-towards-minus mode (FPAdd, FPMulAdd)."""
    if value_mant == 0:
        return fp_zero(1 if (fpscr >> RMODE_SHIFT) & 3 == RM else 0, n), 0
    if value_mant < 0:
        return fp_round(1, -value_mant, exp, sticky, n, fpscr)
    return fp_round(0, value_mant, exp, sticky, n, fpscr)


# -- NaNs ----------------------------------------------------------------------------------

def fp_process_nan(kind: int, x: int, n: int, fpscr: int) -> Result:
    """FPProcessNaN(): a signalling NaN is quieted and raises IOC; with
    FPSCR.DN the result is the default NaN."""
    flags = 0
    if kind == SNAN:
        x |= 1 << (FORMATS[n][1] - 1)
        flags = IOC
    if fpscr & DN:
        x = fp_default_nan(n)
    return x, flags


def fp_process_nans(k1: int, k2: int, x1: int, x2: int, n: int, fpscr: int):
    """FPProcessNaNs(): signalling NaNs first, then quiet ones, each in
    operand order.  None if neither operand is a NaN."""
    if k1 == SNAN:
        return fp_process_nan(k1, x1, n, fpscr)
    if k2 == SNAN:
        return fp_process_nan(k2, x2, n, fpscr)
    if k1 == QNAN:
        return fp_process_nan(k1, x1, n, fpscr)
    if k2 == QNAN:
        return fp_process_nan(k2, x2, n, fpscr)
    return None


def fp_process_nans3(k1, k2, k3, x1, x2, x3, n, fpscr):
    """FPProcessNaNs3(), for the fused multiply-add (addend first)."""
    for kind in (SNAN, QNAN):
        for k, x in ((k1, x1), (k2, x2), (k3, x3)):
            if k == kind:
                return fp_process_nan(k, x, n, fpscr)
    return None


# -- arithmetic -----------------------------------------------------------------------------

def _add_exact(s1, m1, e1, s2, m2, e2):
    """The exact signed sum of two finite values as (mantissa, exponent)."""
    e = min(e1, e2)
    a = m1 << (e1 - e)
    b = m2 << (e2 - e)
    return (-a if s1 else a) + (-b if s2 else b), e


def fp_add(x1: int, x2: int, n: int, fpscr: int) -> Result:
    """FPAdd()."""
    k1, s1, m1, e1, f1 = fp_unpack(x1, n, fpscr)
    k2, s2, m2, e2, f2 = fp_unpack(x2, n, fpscr)
    flags = f1 | f2
    nan = fp_process_nans(k1, k2, x1, x2, n, fpscr)
    if nan is not None:
        return nan[0], flags | nan[1]
    inf1, inf2 = k1 == INF, k2 == INF
    if inf1 and inf2 and s1 != s2:
        return fp_default_nan(n), flags | IOC
    if inf1 or inf2:
        return fp_infinity(s1 if inf1 else s2, n), flags
    if k1 == ZERO and k2 == ZERO and s1 == s2:
        return fp_zero(s1, n), flags
    mant, exp = _add_exact(s1, m1, e1, s2, m2, e2)
    r, fl = _round_signed(mant, exp, False, n, fpscr)
    return r, flags | fl


def _is_nan(x: int, n: int) -> bool:
    e, f = FORMATS[n]
    return (x >> f) & ((1 << e) - 1) == (1 << e) - 1 and x & ((1 << f) - 1) != 0


def fp_sub(x1: int, x2: int, n: int, fpscr: int) -> Result:
    """FPSub(): FPAdd() of the negated second operand, except that NaNs are
    processed as they are, before any negation."""
    if _is_nan(x1, n) or _is_nan(x2, n):
        return fp_add(x1, x2, n, fpscr)
    return fp_add(x1, fp_neg(x2, n), n, fpscr)


def fp_mul(x1: int, x2: int, n: int, fpscr: int) -> Result:
    """FPMul()."""
    k1, s1, m1, e1, f1 = fp_unpack(x1, n, fpscr)
    k2, s2, m2, e2, f2 = fp_unpack(x2, n, fpscr)
    flags = f1 | f2
    nan = fp_process_nans(k1, k2, x1, x2, n, fpscr)
    if nan is not None:
        return nan[0], flags | nan[1]
    sign = s1 ^ s2
    if (k1 == INF and k2 == ZERO) or (k1 == ZERO and k2 == INF):
        return fp_default_nan(n), flags | IOC
    if k1 == INF or k2 == INF:
        return fp_infinity(sign, n), flags
    if k1 == ZERO or k2 == ZERO:
        return fp_zero(sign, n), flags
    r, fl = fp_round(sign, m1 * m2, e1 + e2, False, n, fpscr)
    return r, flags | fl


def fp_div(x1: int, x2: int, n: int, fpscr: int) -> Result:
    """FPDiv(): the quotient to F+3 more bits than either operand has, the
    rest as a sticky bit."""
    k1, s1, m1, e1, f1 = fp_unpack(x1, n, fpscr)
    k2, s2, m2, e2, f2 = fp_unpack(x2, n, fpscr)
    flags = f1 | f2
    nan = fp_process_nans(k1, k2, x1, x2, n, fpscr)
    if nan is not None:
        return nan[0], flags | nan[1]
    sign = s1 ^ s2
    if (k1 == INF and k2 == INF) or (k1 == ZERO and k2 == ZERO):
        return fp_default_nan(n), flags | IOC
    if k1 == INF or k2 == ZERO:
        return fp_infinity(sign, n), flags | (0 if k1 == INF else DZC)
    if k1 == ZERO or k2 == INF:
        return fp_zero(sign, n), flags
    # scale so that the quotient has at least F+3 significant bits
    shift = FORMATS[n][1] + 3 + max(0, m2.bit_length() - m1.bit_length())
    q, rem = divmod(m1 << shift, m2)
    r, fl = fp_round(sign, q, e1 - e2 - shift, rem != 0, n, fpscr)
    return r, flags | fl


def fp_sqrt(x: int, n: int, fpscr: int) -> Result:
    """FPSqrt()."""
    k, s, m, e, flags = fp_unpack(x, n, fpscr)
    if k in (QNAN, SNAN):
        r, fl = fp_process_nan(k, x, n, fpscr)
        return r, flags | fl
    if k == ZERO:
        return fp_zero(s, n), flags
    if k == INF and s == 0:
        return x, flags
    if s:
        return fp_default_nan(n), flags | IOC
    # make the exponent even and the radicand wide: 2*(F+3) bits at least
    shift = max(0, 2 * (FORMATS[n][1] + 3) - m.bit_length())
    if (e - shift) & 1:
        shift += 1
    radicand = m << shift
    root = isqrt(radicand)
    r, fl = fp_round(0, root, (e - shift) // 2, root * root != radicand, n, fpscr)
    return r, flags | fl


def fp_mul_add(addend: int, x1: int, x2: int, n: int, fpscr: int) -> Result:
    """FPMulAdd(): addend + x1 * x2 with a single rounding (VFMA and friends)."""
    ka, sa, ma, ea, fa = fp_unpack(addend, n, fpscr)
    k1, s1, m1, e1, f1 = fp_unpack(x1, n, fpscr)
    k2, s2, m2, e2, f2 = fp_unpack(x2, n, fpscr)
    flags = fa | f1 | f2
    inf_zero = (k1 == INF and k2 == ZERO) or (k1 == ZERO and k2 == INF)
    nan = fp_process_nans3(ka, k1, k2, addend, x1, x2, n, fpscr)
    if nan is not None:
        if ka == QNAN and inf_zero:
            return fp_default_nan(n), flags | IOC
        return nan[0], flags | nan[1]
    if inf_zero:
        return fp_default_nan(n), flags | IOC
    sp = s1 ^ s2
    infp = k1 == INF or k2 == INF
    zerop = k1 == ZERO or k2 == ZERO
    if ka == INF and infp and sa != sp:
        return fp_default_nan(n), flags | IOC
    if ka == INF or infp:
        return fp_infinity(sa if ka == INF else sp, n), flags
    if ka == ZERO and zerop and sa == sp:
        return fp_zero(sa, n), flags
    if zerop:
        mant, exp = (-ma if sa else ma), ea
    elif ka == ZERO:
        mant, exp = (-(m1 * m2) if sp else m1 * m2), e1 + e2
    else:
        mant, exp = _add_exact(sa, ma, ea, sp, m1 * m2, e1 + e2)
    r, fl = _round_signed(mant, exp, False, n, fpscr)
    return r, flags | fl


def fp_compare(x1: int, x2: int, n: int, fpscr: int, quiet_nan_exc: bool) -> Result:
    """FPCompare(): (FPSCR.NZCV << 28, flags); unordered is 0011, and raises
    IOC for a signalling NaN, or any NaN with `quiet_nan_exc` (VCMPE)."""
    k1, s1, m1, e1, f1 = fp_unpack(x1, n, fpscr)
    k2, s2, m2, e2, f2 = fp_unpack(x2, n, fpscr)
    flags = f1 | f2
    if k1 in (QNAN, SNAN) or k2 in (QNAN, SNAN):
        if k1 == SNAN or k2 == SNAN or quiet_nan_exc:
            flags |= IOC
        return 0x3 << 28, flags
    v1 = _ordered(k1, s1, m1, e1)
    v2 = _ordered(k2, s2, m2, e2)
    diff = _compare_values(v1, v2)
    if diff == 0:
        return 0x6 << 28, flags
    return (0x8 << 28 if diff < 0 else 0x2 << 28), flags


def _ordered(kind, sign, mant, exp):
    """A comparable key for a non-NaN value: (class, mantissa, exponent) with
    infinities outside every finite value."""
    if kind == ZERO:
        return (0, 0, 0)
    if kind == INF:
        return (-2 if sign else 2, 0, 0)
    return (-1 if sign else 1, mant, exp)


def _compare_values(a, b) -> int:
    if a[0] != b[0] or a[0] in (0, 2, -2):
        return (a[0] > b[0]) - (a[0] < b[0])
    mant, exp = _add_exact(0, a[1], a[2], 1, b[1], b[2])
    if a[0] < 0:
        mant = -mant
    return (mant > 0) - (mant < 0)


# -- conversions ------------------------------------------------------------------------------

def fp_convert(x: int, n_from: int, n_to: int, fpscr: int) -> Result:
    """FPSingleToDouble / FPDoubleToSingle / FPHalfToSingle / FPSingleToHalf
    (VCVT between precisions, VCVTB/VCVTT), with FPSCR.AHP for half."""
    k, s, m, e, flags = fp_unpack(x, n_from, fpscr)
    f_from, f_to = FORMATS[n_from][1], FORMATS[n_to][1]
    if k in (QNAN, SNAN):
        if n_to == 16 and fpscr & AHP:
            return fp_zero(s, 16), flags | IOC
        if k == SNAN:
            flags |= IOC
        if fpscr & DN:
            return fp_default_nan(n_to), flags
        frac = x & ((1 << (f_from - 1)) - 1)          # the payload below the quiet bit
        payload = (frac << (f_to - f_from) if f_to >= f_from else frac >> (f_from - f_to))
        return fp_infinity(s, n_to) | 1 << (f_to - 1) | payload, flags
    if k == INF:
        if n_to == 16 and fpscr & AHP:
            return s << 15 | 0x7FFF, flags | IOC
        return fp_infinity(s, n_to), flags
    if k == ZERO:
        return fp_zero(s, n_to), flags
    r, fl = fp_round(s, m, e, False, n_to, fpscr)
    return r, flags | fl


def fp_to_fixed(x: int, n: int, m_bits: int, frac_bits: int, unsigned: bool,
                round_zero: bool, fpscr: int) -> Result:
    """FPToFixed(): to an M-bit integer with `frac_bits` fraction bits,
    saturating; NaN gives 0, and NaN or saturation raise IOC instead of IXC."""
    rmode = RZ if round_zero else (fpscr >> RMODE_SHIFT) & 3
    k, s, m, e, flags = fp_unpack(x, n, fpscr)
    if k in (QNAN, SNAN):
        return 0, flags | IOC
    inexact = half = above = False
    if k == INF:
        value_int = -(1 << 200) if s else 1 << 200     # saturates whatever M is
    elif k == ZERO:
        value_int = 0
    else:
        e += frac_bits
        if e >= 0:
            mag = m << e
        else:
            mag = m >> -e
            rem = m & ((1 << -e) - 1)
            mid = 1 << (-e - 1)
            inexact, half, above = rem != 0, rem == mid, rem > mid
        if s:
            # RoundDown() of a negative value goes one further from zero, and
            # the rounding error is then 1 - (the discarded fraction)
            value_int = -mag - (1 if inexact else 0)
            above = inexact and not above and not half
        else:
            value_int = mag
    if k == NONZERO and inexact:
        if rmode == RN:
            up = above or (half and value_int & 1)
        elif rmode == RP:
            up = True
        elif rmode == RM:
            up = False
        else:
            up = value_int < 0
        if up:
            value_int += 1
    if unsigned:
        lo, hi = 0, (1 << m_bits) - 1
    else:
        lo, hi = -(1 << (m_bits - 1)), (1 << (m_bits - 1)) - 1
    if value_int < lo or value_int > hi:
        value_int = lo if value_int < lo else hi
        return value_int & ((1 << m_bits) - 1), flags | IOC
    if k == NONZERO and inexact:
        flags |= IXC
    return value_int & ((1 << m_bits) - 1), flags


def fixed_to_fp(x: int, n: int, m_bits: int, frac_bits: int, unsigned: bool,
                round_nearest: bool, fpscr: int) -> Result:
    """FixedToFP(): an M-bit integer with `frac_bits` fraction bits to N bits."""
    x &= (1 << m_bits) - 1
    value = x if unsigned else x - ((x >> (m_bits - 1)) << m_bits)
    if value == 0:
        return fp_zero(0, n), 0
    if round_nearest:
        fpscr &= ~(3 << RMODE_SHIFT)
    return fp_round(1 if value < 0 else 0, abs(value), -frac_bits, False, n, fpscr)
