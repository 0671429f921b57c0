"""Fused multiply-add on host doubles, for the fast path of VFMA and friends.

Python has no fma() before 3.13, and a*b + c on doubles rounds twice.
These helpers compute the correctly rounded (round-to-nearest) result from
error-free transformations, or return 0.0 when their preconditions do not
hold; the caller then takes the soft-float slow path (0.0 is never a fast
path result: the caller accepts only results above the smallest normal).

* Double precision, after Boldo and Melquiond, "Emulation of FMA and
  correctly rounded sums: proved algorithms using rounding to odd" (IEEE
  Trans. Computers 57(4), 2008): the exact product as ph + pl (Dekker's
  product with Veltkamp's split), the exact sum acc + ph as sh + sl
  (Knuth's TwoSum), then RN(sh + RO(sl + pl)), where RO rounds to odd.
  Exact without underflow or overflow in the intermediate steps, which the
  magnitude guards ensure.
* Single precision: a product of two singles is exact in double, so
  RO(acc + a*b) in double (53 bits >= 24 + 2) then rounded to single by
  the caller is the correctly rounded single result.

Rounding to odd: when an addition was inexact (its TwoSum error is not
zero) and the rounded result's last bit is even, step one ulp towards the
error.  That step is computed on the result's bits without a branch:
whether the error is zero, the last bit's parity and the error's sign
vary from one operation to the next, and on PyPy every branch on such a
value is a guard whose failures grow a bridge that traces the rest of the
block again (fpbench's LU loops grew some sixty of them).  Only range
checks, which hold for the operands of ordinary arithmetic, branch.
"""

import math
import struct
import sys

_SPLIT = 134217729.0           # 2^27 + 1: Veltkamp's constant for 53-bit doubles
_SIGN = 0x7FFFFFFFFFFFFFFF     # all the bits but the sign

if sys.implementation.name == "pypy":
    # The bits of doubles as signed 64-bit ints (which PyPy keeps machine
    # words: an unsigned one above 2^63 would be a long) and back, through
    # a scratch buffer: PyPy's JIT makes a constant-format struct call a
    # plain store and load.  The sum and its error go through together, and
    # no helper function is called: to the JIT's tracer each struct call
    # and each Python frame is some twenty operations recorded per trace.
    _SCRATCH = bytearray(16)
    _pack_into, _unpack_from = struct.pack_into, struct.unpack_from

    def _round_odd_sum(x: float, y: float) -> float:
        """RO(x + y), for finite x and y whose sum does not overflow."""
        s = x + y
        bb = s - x
        err = (x - (s - bb)) + (y - bb)
        _pack_into("<dd", _SCRATCH, 0, s, err)
        sb, eb = _unpack_from("<qq", _SCRATCH, 0)
        inexact = -(-(eb & _SIGN) >> 63)            # 1 if err is not zero, else 0
        # With err not zero, s is not zero: one ulp up in magnitude when err
        # has s's sign, down when not (the bits of a finite double order its
        # magnitude, and +-1 on them crosses binades correctly).
        step = 1 | (sb ^ eb) >> 63                  # 1 or -1
        _pack_into("<q", _SCRATCH, 0, sb + (inexact & ~sb & 1) * step)
        return _unpack_from("<d", _SCRATCH, 0)[0]
else:
    # CPython has no JIT to grow bridges, and the branch is quicker there
    # (fpbench 2.17 vs 1.90 MIPS with the version above).
    _Q, _D = struct.Struct("<Q"), struct.Struct("<d")
    _INF = float("inf")

    def _round_odd_sum(x: float, y: float) -> float:
        """RO(x + y), for finite x and y whose sum does not overflow."""
        s = x + y
        bb = s - x
        err = (x - (s - bb)) + (y - bb)
        if err != 0.0 and not _Q.unpack(_D.pack(s))[0] & 1:
            s = math.nextafter(s, _INF if err > 0.0 else -_INF)
        return s


def vfp_fma64(acc: float, a: float, b: float) -> float:
    """RN(acc + a*b) in double precision, or 0.0 (use the slow path)."""
    if not (abs(a) < 1e290 and abs(b) < 1e290 and abs(acc) < 1e300):
        return 0.0                       # also NaNs and infinities
    ph = a * b
    if not 1e-280 < abs(ph) < 1e300:
        return 0.0                       # zero, or too close to underflow for pl to be exact
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    pl = ((ah * bh - ph) + ah * bl + al * bh) + al * bl
    sh = acc + ph
    bb = sh - acc
    sl = (acc - (sh - bb)) + (ph - bb)
    return sh + _round_odd_sum(sl, pl)


def vfp_fma32(acc: float, a: float, b: float) -> float:
    """RO(acc + a*b) in double for single-precision operands (as doubles),
    to be rounded to single by the caller; or 0.0."""
    if not (abs(a) < 1e38 and abs(b) < 1e38 and abs(acc) < 1e39):
        return 0.0
    return _round_odd_sum(acc, a * b)
