"""Floating-point operand values for the VFP streams: special values in a large share.

Every generator returns raw bit patterns (ints), never Python floats, so that
signalling NaNs, payloads and signed zeros survive.  The shares are chosen so
that about half of all operands are special (zero, infinity, NaN, denormal,
extreme normal, conversion limit, rounding tie) and the rest ordinary normals of
moderate exponent, which keep most arithmetic results finite.
"""

import struct


def f64(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def f32(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


SIGN64, SIGN32, SIGN16 = 1 << 63, 1 << 31, 1 << 15

# Positive magnitudes; a sign is drawn separately.
SPECIAL64 = (
    0x0000000000000000,             # +0
    0x7FF0000000000000,             # inf
    0x7FF8000000000000,             # default NaN
    0x7FF8000000000001,             # quiet NaN, payload
    0x7FFC00000000BEEF,
    0x7FF0000000000001,             # signalling NaN, smallest payload
    0x7FF4000000000000,             # signalling NaN
    0x7FF7FFFFFFFFFFFF,             # signalling NaN, largest payload
    0x0000000000000001,             # smallest denormal
    0x000FFFFFFFFFFFFF,             # largest denormal
    0x0008000000000000,             # a denormal half the smallest normal
    0x0010000000000000,             # smallest normal
    0x0010000000000001,
    0x7FEFFFFFFFFFFFFF,             # largest normal
    0x7FE0000000000000,             # 2^1023
    f64(1.0), f64(2.0), f64(0.5), f64(3.0), f64(1.5), f64(0.1), f64(1e300), f64(1e-300),
    0x3FF0000000000001,             # 1 + ulp
    0x3FEFFFFFFFFFFFFF,             # 1 - ulp/2
    0x3CA0000000000000,             # 2^-53: half an ulp of 1.0
    0x3CA8000000000000,             # 1.5 * 2^-53
    0x3C90000000000000,             # 2^-54
    # integer conversion limits (VCVT to 32-bit integers)
    f64(2147483647.0), f64(2147483647.5), f64(2147483648.0), f64(2147483648.5),
    f64(2147483646.5), f64(4294967295.0), f64(4294967295.5), f64(4294967296.0),
    f64(2147483648.0 + 0.25), f64(-2147483648.5) & ~SIGN64, f64(2147483649.0),
    f64(0.25), f64(0.75), f64(2.5), f64(3.5), f64(1e10),
    # single precision limits (VCVT.F32.F64 overflow, underflow and ties)
    f64(3.4028234663852886e38), 0x47EFFFFFF0000000, 0x47EFFFFFE0000000, f64(2.0 ** 128),
    f64(2.0 ** -126), f64(2.0 ** -149), f64(2.0 ** -150), f64(1.5 * 2.0 ** -150),
    0x36A0000000000000, 0x3FF0000010000000, 0x3FF0000030000000, 0x3FF000000FFFFFFF,
    0x3FF0000010000001,
)

SPECIAL32 = (
    0x00000000, 0x7F800000, 0x7FC00000, 0x7FC00001, 0x7FE0BEEF, 0x7F800001, 0x7FA00000,
    0x7FBFFFFF, 0x00000001, 0x007FFFFF, 0x00400000, 0x00800000, 0x00800001, 0x7F7FFFFF,
    0x7F000000, f32(1.0), f32(2.0), f32(0.5), f32(3.0), f32(1.5), f32(0.1), f32(1e30),
    f32(1e-30), 0x3F800001, 0x3F7FFFFF, 0x33800000, 0x33C00000, 0x33000000,
    # 32-bit integer limits: 2^31 and 2^32 are exact, the neighbours are not
    f32(2147483648.0), 0x4EFFFFFF, 0x4F7FFFFF, f32(4294967296.0), 0x4F000001,
    f32(0.25), f32(0.75), f32(2.5), f32(3.5), f32(16777216.0), f32(16777217.0 - 0.5),
    # half precision limits (VCVTB/VCVTT.F16.F32) and their ties
    f32(65504.0), f32(65520.0), f32(65519.0), f32(65536.0), f32(131008.0), f32(2.0 ** -14),
    f32(2.0 ** -24), f32(2.0 ** -25), f32(1.5 * 2.0 ** -25), f32(2.0 ** -15),
    0x3F801000, 0x3F803000, 0x3F800FFF, 0x3F801001,
)

SPECIAL16 = (
    0x0000, 0x7C00, 0x7E00, 0x7E01, 0x7C01, 0x7D00, 0x7FFF, 0x0001, 0x03FF, 0x0200, 0x0400,
    0x7BFF, 0x3C00, 0x3C01, 0x4000, 0x3555,
)

INT_LIMITS = (
    0x00000000, 0x00000001, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x80000001, 0x7FFFFFFE,
    0x01000000, 0x01000001, 0x00FFFFFF, 0xFEFFFFFF, 0xFF000001, 0x0000FFFF, 0x00007FFF,
    0x00008000, 0xFFFF8000, 0xFFFF7FFF, 0x00010000, 0x7FFFFFC0, 0x7FFFFFBF, 0xFFFFFF80,
)


def _ieee(rng, ebits, fbits, specials, sign):
    """A value of a format with ``ebits`` exponent and ``fbits`` fraction bits."""
    emax = (1 << ebits) - 1
    bias = emax >> 1
    s = sign if rng.random() < 0.45 else 0
    r = rng.random()
    if r < 0.08:                                   # zero or infinity
        return s | rng.choice((0, emax << fbits))
    if r < 0.34:
        return s | rng.choice(specials)
    if r < 0.42:                                   # denormal
        return s | rng.randrange(1, 1 << fbits)
    if r < 0.48:                                   # NaN, quiet or signalling, any payload
        frac = rng.getrandbits(fbits) or 1
        return s | (emax << fbits) | frac
    if r < 0.56:                                   # near overflow or underflow
        e = rng.choice((rng.randrange(1, 4), rng.randrange(emax - 4, emax)))
        return s | (e << fbits) | rng.getrandbits(fbits)
    if r < 0.64:                                   # mantissa with a short pattern: ties
        e = bias + rng.randrange(-30, 31)
        frac = rng.getrandbits(rng.choice((2, 4, 8))) << (fbits - rng.choice((4, 8, 12)))
        frac |= rng.choice((0, 1, 1 << (fbits - 24) if fbits > 24 else 1))
        return s | (e << fbits) | (frac & ((1 << fbits) - 1))
    if r < 0.70:                                   # small integers and halves
        return s | (f64(rng.randrange(0, 64) / 2.0) if ebits == 11 else
                    f32(rng.randrange(0, 64) / 2.0))
    e = bias + rng.randrange(-20, 21)              # an ordinary number
    return s | (e << fbits) | rng.getrandbits(fbits)


def value64(rng):
    return _ieee(rng, 11, 52, SPECIAL64, SIGN64)


def value32(rng):
    return _ieee(rng, 8, 23, SPECIAL32, SIGN32)


def value16(rng):
    s = SIGN16 if rng.random() < 0.45 else 0
    r = rng.random()
    if r < 0.5:
        return s | rng.choice(SPECIAL16)
    if r < 0.6:
        return s | rng.randrange(1, 1 << 10)
    return s | rng.getrandbits(15)


def halves(rng):
    """Two half-precision values in one single register (VCVTB/VCVTT sources)."""
    return value16(rng) | value16(rng) << 16


def int32(rng):
    """An integer operand for VCVT to floating point (fixed- or integer)."""
    r = rng.random()
    if r < 0.5:
        return rng.choice(INT_LIMITS)
    if r < 0.7:
        return rng.getrandbits(rng.choice((8, 16, 24, 25)))
    if r < 0.8:
        return (-rng.getrandbits(rng.choice((8, 16, 24, 25)))) & 0xFFFFFFFF
    return rng.getrandbits(32)


def tie_partner64(rng, a):
    """For an addition with ``a``: half an ulp of ``a`` (a tie), three quarters or
    a quarter of one, so that a+b lies on or next to a rounding boundary."""
    e = (a >> 52) & 0x7FF
    if e < 60 or e == 0x7FF:
        return value64(rng)
    sign = rng.choice((0, SIGN64))
    return sign | rng.choice((((e - 53) << 52), ((e - 53) << 52) | (1 << 51), (e - 54) << 52))


def tie_partner32(rng, a):
    e = (a >> 23) & 0xFF
    if e < 30 or e == 0xFF:
        return value32(rng)
    sign = rng.choice((0, SIGN32))
    return sign | rng.choice((((e - 24) << 23), ((e - 24) << 23) | (1 << 22), (e - 25) << 23))


def is_special(bits, n):
    """True for the values the generator means as special: zeros, infinities,
    NaNs, denormals, exponents within 4 of either end, the listed values, and
    fractions that end in a long run of zeros (ties and exact conversions)."""
    e, f = (8, 23) if n == 32 else (11, 52)
    mag = bits & ((1 << (n - 1)) - 1)
    exp = mag >> f
    frac = mag & ((1 << f) - 1)
    if exp <= 4 or exp >= (1 << e) - 5 or mag in (SPECIAL32 if n == 32 else SPECIAL64):
        return True
    return frac & ((1 << (f - 12)) - 1) == 0
