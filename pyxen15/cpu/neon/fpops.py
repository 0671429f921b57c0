"""Advanced SIMD floating point: the element operations, under the standard FPSCR value.

Every Advanced SIMD floating-point instruction computes as if FPSCR were
StandardFPSCRValue() (DDI 0406C A2.7.2, "Advanced SIMD and floating-point
... the standard FPSCR value"): flush-to-zero on, default NaN on, round to
nearest, whatever the real FPSCR says; only AHP comes from FPSCR (the
half-precision conversions), and the cumulative exception flags the
operations raise still accumulate in the real FPSCR.  :func:`standard_fpscr`
is that value; every function here takes raw 32-bit lanes (ints) and
returns ``(result bits, flags)``, like vfp/softfloat.py, on which they are
built.  The names are the pseudocode's: FPRecipEstimate -> fp_recip_estimate,
RecipEstimate -> recip_estimate, FPRecipStep -> fp_recip_step, ...

The reciprocal (square root) estimates follow the pseudocode's integer
algorithms for the 9-bit estimate (as QEMU's cortex-a15, the reference of the
differential tests, computes them too); under the standard FPSCR a denormal
operand is flushed first, so only the normal-operand paths of the estimates
remain, and their result exponents never leave the normal range.

Translated code runs the element operations of the common cases on host
floats (ops/neon_fp.py, the fast path) and falls back to these functions,
lane by lane, through :func:`neon_fp_lanes`.
"""

from math import isqrt
from struct import pack_into, unpack_from
from typing import Callable, Tuple

from ..vfp import softfloat as sf
from ..vfp.softfloat import AHP, DN, FZ, IOC, DZC, UFC, INF, QNAN, SNAN, ZERO

Result = Tuple[int, int]

# StandardFPSCRValue() = '00000' : FPSCR<26> (AHP) : '110000' : '0000000000000000000000'
STANDARD_BITS = DN | FZ


def standard_fpscr(fpscr: int) -> int:
    """StandardFPSCRValue(): DN and FZ set, RMode = round to nearest, AHP from FPSCR."""
    return (fpscr & AHP) | STANDARD_BITS


STD = STANDARD_BITS          # the standard value when AHP does not matter (everything but VCVT F16)
SIGN = 0x80000000
ONES = 0xFFFFFFFF
TWO = 0x40000000             # 2.0
THREE = 0x40400000           # 3.0
ONE_POINT_FIVE = 0x3FC00000


# -- arithmetic (A8.8.283 VADD, VSUB, VMUL, VMLA/VMLS, VFMA/VFMS, VABD, VMAX/VMIN, VPADD ...) -----

def fp_add(a: int, b: int) -> Result:
    return sf.fp_add(a, b, 32, STD)


def fp_sub(a: int, b: int) -> Result:
    return sf.fp_sub(a, b, 32, STD)


def fp_mul(a: int, b: int) -> Result:
    return sf.fp_mul(a, b, 32, STD)


def fp_mla(acc: int, a: int, b: int) -> Result:
    """VMLA.F32 (A8.8.337): FPAdd(d, FPMul(n, m)), two roundings."""
    p, f1 = sf.fp_mul(a, b, 32, STD)
    r, f2 = sf.fp_add(acc, p, 32, STD)
    return r, f1 | f2


def fp_mls(acc: int, a: int, b: int) -> Result:
    """VMLS.F32: FPSub(d, FPMul(n, m))."""
    p, f1 = sf.fp_mul(a, b, 32, STD)
    r, f2 = sf.fp_sub(acc, p, 32, STD)
    return r, f1 | f2


def fp_fma(acc: int, a: int, b: int) -> Result:
    """VFMA.F32 (A8.8.317): FPMulAdd(d, n, m), one rounding."""
    return sf.fp_mul_add(acc, a, b, 32, STD)


def fp_fms(acc: int, a: int, b: int) -> Result:
    """VFMS.F32: FPMulAdd(d, FPNeg(n), m)."""
    return sf.fp_mul_add(acc, a ^ SIGN, b, 32, STD)


def fp_abd(a: int, b: int) -> Result:
    """VABD.F32 (A8.8.278): FPAbs(FPSub(n, m))."""
    r, flags = sf.fp_sub(a, b, 32, STD)
    return r & ~SIGN, flags


def _max_min(a: int, b: int, want_max: bool) -> Result:
    """FPMax() / FPMin() (A2.7.?): NaNs processed (so, here, the default
    NaN), zeros of opposite sign give +0 (max) or -0 (min), otherwise the
    larger or smaller operand, a flushed denormal as its zero."""
    k1, s1, m1, e1, f1 = sf.fp_unpack(a, 32, STD)
    k2, s2, m2, e2, f2 = sf.fp_unpack(b, 32, STD)
    flags = f1 | f2
    nan = sf.fp_process_nans(k1, k2, a, b, 32, STD)
    if nan is not None:
        return nan[0], flags | nan[1]
    if k1 == ZERO:
        a = s1 << 31
    if k2 == ZERO:
        b = s2 << 31
    if k1 == ZERO and k2 == ZERO:
        return ((s1 & s2) if want_max else (s1 | s2)) << 31, flags
    nzcv, _ = sf.fp_compare(a, b, 32, STD, False)
    greater = nzcv == 0x2 << 28
    return (a if greater == want_max else b), flags


def fp_max(a: int, b: int) -> Result:
    return _max_min(a, b, True)


def fp_min(a: int, b: int) -> Result:
    return _max_min(a, b, False)


# -- comparisons (A8.8.291 VCEQ ... A8.8.296 VACGE/VACGT): all ones or all zeros ------------------

def _compare(a: int, b: int, signalling: bool) -> Tuple[int, int]:
    """FPCompare() under the standard FPSCR: (NZCV << 28, flags).  Equality
    is a quiet compare (IOC for a signalling NaN only), GE and GT signal on
    every NaN (FPCompareGE/GT)."""
    return sf.fp_compare(a, b, 32, STD, signalling)


def fp_compare_eq(a: int, b: int) -> Result:
    nzcv, flags = _compare(a, b, False)
    return (ONES if nzcv == 0x6 << 28 else 0), flags


def fp_compare_ge(a: int, b: int) -> Result:
    nzcv, flags = _compare(a, b, True)
    return (ONES if nzcv in (0x6 << 28, 0x2 << 28) else 0), flags


def fp_compare_gt(a: int, b: int) -> Result:
    nzcv, flags = _compare(a, b, True)
    return (ONES if nzcv == 0x2 << 28 else 0), flags


def fp_compare_le(a: int, b: int) -> Result:
    return fp_compare_ge(b, a)


def fp_compare_lt(a: int, b: int) -> Result:
    return fp_compare_gt(b, a)


def fp_abs_compare_ge(a: int, b: int) -> Result:
    """VACGE: FPCompareGE(FPAbs(n), FPAbs(m))."""
    return fp_compare_ge(a & ~SIGN, b & ~SIGN)


def fp_abs_compare_gt(a: int, b: int) -> Result:
    return fp_compare_gt(a & ~SIGN, b & ~SIGN)


# -- reciprocal estimate and step (A2.7.? "Floating-point reciprocal estimate and step") ----------

def recip_estimate(a: int) -> int:
    """RecipEstimate(): a = 256..511 is the operand as 0.1xxxxxxxx (9 bits, in
    [0.5, 1)); the reciprocal of the midpoint of its interval, (a + 0.5) / 512,
    to 8 fraction bits rounded to nearest: 256..511 (256 * r, 1 < r <= 2)."""
    b = (1 << 19) // (2 * a + 1)
    return (b + 1) >> 1


def recip_sqrt_estimate(a: int) -> int:
    """RecipSqrtEstimate(): a = 128..511 is the operand in [0.25, 1):
    a < 256 as 0.01xxxxxxx (a / 512), else 0.1xxxxxxxx of which the top 8
    bits are kept (a / 512 truncated to 1/256).  1 / sqrt of the interval's
    midpoint, to 8 fraction bits rounded to nearest: 256..511."""
    if a < 256:
        q = 2 * a + 1                     # the midpoint in units of 1/1024
    else:
        q = ((a >> 1) << 1 | 1) << 1
    # the smallest b >= 512 with q * (b + 1)^2 >= 2^28, i.e. b + 1 = ceil(2^14 / sqrt(q / 4)) ...
    t = -(-(1 << 28) // q)                # ceil(2^28 / q)
    k = isqrt(t - 1) + 1                  # the smallest k with k * k >= t
    b = max(512, k - 1)
    return (b + 1) >> 1


def fp_recip_estimate(x: int) -> Result:
    """FPRecipEstimate() for a single, under the standard FPSCR (VRECPE.F32,
    A8.8.378): NaNs processed, infinity -> zero, zero -> infinity and DZC,
    |x| >= 2^126 -> zero and UFC (the result would be denormal: flushed),
    else 2^(253 - exp) * RecipEstimate(the fraction)."""
    kind, sign, _, _, flags = sf.fp_unpack(x, 32, STD)
    if kind in (QNAN, SNAN):
        r, fl = sf.fp_process_nan(kind, x, 32, STD)
        return r, flags | fl
    if kind == INF:
        return sign << 31, flags
    if kind == ZERO:
        return sign << 31 | 0x7F800000, flags | DZC
    exp = (x >> 23) & 0xFF
    if exp >= 253:
        return sign << 31, flags | UFC
    estimate = recip_estimate(256 | (x >> 15) & 0xFF)
    return sign << 31 | (253 - exp) << 23 | (estimate & 0xFF) << 15, flags


def fp_rsqrt_estimate(x: int) -> Result:
    """FPRSqrtEstimate() for a single, under the standard FPSCR (VRSQRTE.F32,
    A8.8.389): NaNs processed, +-0 -> +-infinity and DZC, negative -> the
    default NaN and IOC, +infinity -> +0, else 2^((380 - exp) / 2) *
    RecipSqrtEstimate(the fraction scaled into [0.25, 1) by an even power)."""
    kind, sign, _, _, flags = sf.fp_unpack(x, 32, STD)
    if kind in (QNAN, SNAN):
        r, fl = sf.fp_process_nan(kind, x, 32, STD)
        return r, flags | fl
    if kind == ZERO:
        return sign << 31 | 0x7F800000, flags | DZC
    if sign:
        return sf.fp_default_nan(32), flags | IOC
    if kind == INF:
        return 0, flags
    exp = (x >> 23) & 0xFF
    if exp & 1:
        scaled = 128 | (x >> 16) & 0x7F      # 0.01 : fraction<22:16>
    else:
        scaled = 256 | (x >> 15) & 0xFF      # 0.1 : fraction<22:15>
    estimate = recip_sqrt_estimate(scaled)
    return ((380 - exp) >> 1) << 23 | (estimate & 0xFF) << 15, flags


def unsigned_recip_estimate(x: int) -> Result:
    """UnsignedRecipEstimate() (VRECPE.U32): the operand as a fraction
    0.xxx; below 0.5 the result saturates to all ones, else the 9-bit
    estimate in the top bits.  No flags."""
    if not x & 0x80000000:
        return ONES, 0
    return recip_estimate(x >> 23) << 23, 0


def unsigned_rsqrt_estimate(x: int) -> Result:
    """UnsignedRSqrtEstimate() (VRSQRTE.U32): below 0.25, all ones."""
    if not x & 0xC0000000:
        return ONES, 0
    return recip_sqrt_estimate(x >> 23) << 23, 0


def _inf_times_zero(a: int, b: int) -> Tuple[bool, int]:
    """Whether FPUnpack() makes one operand infinite and the other zero (a
    denormal flushed counts: IDC), for the steps' special case."""
    k1, _, _, _, f1 = sf.fp_unpack(a, 32, STD)
    k2, _, _, _, f2 = sf.fp_unpack(b, 32, STD)
    return (k1 == INF and k2 == ZERO) or (k1 == ZERO and k2 == INF), f1 | f2


def fp_recip_step(a: int, b: int) -> Result:
    """FPRecipStep() (VRECPS.F32, A8.8.380): 2 - a * b, the product and the
    difference rounded each; infinity times zero gives 2."""
    special, flags = _inf_times_zero(a, b)
    if special:
        return TWO, flags
    p, f1 = sf.fp_mul(a, b, 32, STD)
    r, f2 = sf.fp_sub(TWO, p, 32, STD)
    return r, flags | f1 | f2


def fp_rsqrt_step(a: int, b: int) -> Result:
    """FPRSqrtStep() (VRSQRTS.F32, A8.8.391): (3 - a * b) / 2, each step
    rounded; infinity times zero gives 1.5."""
    special, flags = _inf_times_zero(a, b)
    if special:
        return ONE_POINT_FIVE, flags
    p, f1 = sf.fp_mul(a, b, 32, STD)
    r, f2 = sf.fp_sub(THREE, p, 32, STD)
    r, f3 = sf.fp_div(r, TWO, 32, STD)
    return r, flags | f1 | f2 | f3


# -- conversions (A8.8.305 VCVT between floating-point and integer, A8.8.310 half <-> single) -----

def fp_to_s32(x: int) -> Result:
    """FPToFixed(x, 32, 0, FALSE, round towards zero) under the standard FPSCR."""
    return sf.fp_to_fixed(x, 32, 32, 0, False, True, STD)


def fp_to_u32(x: int) -> Result:
    return sf.fp_to_fixed(x, 32, 32, 0, True, True, STD)


def s32_to_fp(x: int) -> Result:
    """FixedToFP(x, 32, 0, FALSE, round to nearest)."""
    return sf.fixed_to_fp(x, 32, 32, 0, False, True, STD)


def u32_to_fp(x: int) -> Result:
    return sf.fixed_to_fp(x, 32, 32, 0, True, True, STD)


def fp_single_to_half(x: int, fpscr: int) -> Result:
    """FPSingleToHalf() under the standard FPSCR with FPSCR.AHP (VCVT.F16.F32)."""
    return sf.fp_convert(x, 32, 16, standard_fpscr(fpscr))


def fp_half_to_single(x: int, fpscr: int) -> Result:
    """FPHalfToSingle() under the standard FPSCR with FPSCR.AHP (VCVT.F32.F16)."""
    return sf.fp_convert(x, 16, 32, standard_fpscr(fpscr))


# -- applying an element operation over lanes (the slow path of translated code) -------------------

def neon_fp_lanes(c, fn: Callable, d: int, srcs: Tuple[int, ...], count: int) -> None:
    """Dd[i] = fn(Ds1[i], Ds2[i], ...) for the `count` 32-bit lanes at byte
    offsets d and srcs of the register bank, the flags into FPSCR.  Every
    source is read before the destination is written (they may overlap)."""
    F = c.fpregs
    fmt = "<%dI" % count
    columns = [unpack_from(fmt, F, s) if s >= 0 else unpack_from("<I", F, ~s) * count
               for s in srcs]
    out = []
    flags = 0
    for args in zip(*columns):
        r, fl = fn(*args)
        out.append(r)
        flags |= fl
    pack_into(fmt, F, d, *out)
    if flags:
        c.fpscr |= flags
