"""Media and miscellaneous data-processing instructions.

A32: saturating add/subtract (A5.2.6), CLZ (A5.2.12), and the media space
(A5.4): parallel add/subtract (A5.4.1, A5.4.2); packing, unpacking,
saturation and reversal (A5.4.3); USAD8, the bitfield instructions (A5.4).
T32: the same operations from A6.3.3 (plain binary immediate: SSAT, USAT,
SBFX, UBFX, BFI, BFC), A6.3.11 (PKH), A6.3.12-A6.3.15 (extends, parallel
add/subtract, miscellaneous) and A6.3.16 (USAD8).  T16: the extends and
byte reversals of A6.2.5.

Each operation has one execute step shared by its encodings.  The families
are tables: the parallel add/subtract instructions are six prefixes (S, Q,
SH, U, UQ, UH) times six lane operations (ADD16, ASX, SAX, SUB16, ADD8,
SUB8), their 72 encodings generated from two small lists and their
semantics built once per combination as a run-time helper that returns
the result and, for the S and U forms, the GE bits.
"""

from typing import Callable, Dict, Optional, Tuple

from . import Op, op
from .multiply import writes_pc
from .operands import SRTYPE_LSL, decode_imm_shift, emit_imm_shift, emit_sint

HANDLERS: Dict[str, Op] = {}
RUNTIME: Dict[str, object] = {}

SATURATING_CYCLES = 2
USAD_CYCLES = 3        # on the multiply pipeline


# -- saturation (A2.2.1 SignedSatQ, UnsignedSatQ) ---------------------------------

def media_signed_sat_q(i: int, n: int) -> Tuple[int, int]:
    """SignedSatQ(i, n): i clamped to the n-bit signed range, and 1 if it was."""
    top = 1 << (n - 1)
    if i >= top:
        return top - 1, 1
    if i < -top:
        return -top, 1
    return i, 0


def media_unsigned_sat_q(i: int, n: int) -> Tuple[int, int]:
    """UnsignedSatQ(i, n): i clamped to 0 .. 2**n - 1, and 1 if it was."""
    if i >= 1 << n:
        return (1 << n) - 1, 1
    if i < 0:
        return 0, 1
    return i, 0


RUNTIME.update(media_signed_sat_q=media_signed_sat_q, media_unsigned_sat_q=media_unsigned_sat_q)

# QADD, QSUB, QDADD, QDSUB (A8.8, alphabetical index):
# R[d] = SignedSat(R[m] +/- Rn', 32), with Rn' = SignedSat(2 * R[n], 32)
# for the doubling forms.  Either saturation sets Q.
QADDSUB = {"QADD": (False, "+"), "QSUB": (False, "-"), "QDADD": (True, "+"), "QDSUB": (True, "-")}


def qaddsub_execute(e, name: str, d: int, n: int, m: int) -> None:
    doubling, sign = QADDSUB[name]
    if writes_pc(e, d):
        return
    operand = emit_sint(e.rd(n), 32)
    if doubling:
        e.line("v, q1 = media_signed_sat_q(2 * %s, 32)" % operand)
        operand = "v"
    e.line("r, q = media_signed_sat_q(%s %s %s, 32)" % (emit_sint(e.rd(m), 32), sign, operand))
    e.line("c.QF |= q | q1" if doubling else "c.QF |= q")
    e.wr(d, "r & 0xffffffff")


def saturate_execute(e, signed: bool, d: int, n: int, saturate_to: int,
                     stype: int = 0, imm5: int = 0, halves: bool = False) -> None:
    """SSAT/USAT: SignedSatQ/UnsignedSatQ of SInt(Shift(R[n], LSL or ASR));
    SSAT16/USAT16 (`halves`): the same of each signed halfword, no shift.
    The input is always read as signed; USAT clamps it to an unsigned range."""
    if writes_pc(e, d):
        return
    sat = "media_signed_sat_q" if signed else "media_unsigned_sat_q"
    if halves:
        e.line("x = %s" % e.rd(n))
        e.line("lo, q1 = %s(%s, %d)" % (sat, emit_sint("(x & 0xffff)", 16), saturate_to))
        e.line("hi, q2 = %s(%s, %d)" % (sat, emit_sint("(x >> 16)", 16), saturate_to))
        e.line("c.QF |= q1 | q2")
        e.wr(d, "((hi & 0xffff) << 16) | (lo & 0xffff)")
        return
    srtype, amount = decode_imm_shift(stype, imm5)
    if srtype == SRTYPE_LSL:
        operand = emit_sint("((%s << %d) & 0xffffffff)" % (e.rd(n), amount) if amount else e.rd(n), 32)
    else:                                               # ASR #1-32
        operand = "(%s >> %d)" % (emit_sint(e.rd(n), 32), amount)
    e.line("r, q = %s(%s, %d)" % (sat, operand, saturate_to))
    e.line("c.QF |= q")
    e.wr(d, "r & 0xffffffff")


# -- parallel add and subtract (A5.4.1, A5.4.2, A6.3.13, A6.3.14) ---------------

WRAP, SATURATE, HALVE = "wrap", "saturate", "halve"

# prefix: (operands signed, what happens to each lane's exact result, sets GE,
#          A32 bits 22:20, T32 second halfword bits 6:4)
PARALLEL_PREFIXES = {
    "S":  (True, WRAP, True, "001", "000"),
    "Q":  (True, SATURATE, False, "010", "001"),
    "SH": (True, HALVE, False, "011", "010"),
    "U":  (False, WRAP, True, "101", "100"),
    "UQ": (False, SATURATE, False, "110", "101"),
    "UH": (False, HALVE, False, "111", "110"),
}
# operation: (lane width, for each result lane from the bottom: (Rn lane,
#             Rm lane, +1 to add or -1 to subtract), A32 bits 7:5, T32 first
#             halfword bits 6:4).  ASX adds the top lanes and subtracts the
#             bottom ones across (Rn bottom - Rm top); SAX the other way.
PARALLEL_OPS = {
    "ADD16": (16, ((0, 0, 1), (1, 1, 1)), "000", "001"),
    "ASX":   (16, ((0, 1, -1), (1, 0, 1)), "001", "010"),
    "SAX":   (16, ((0, 1, 1), (1, 0, -1)), "010", "110"),
    "SUB16": (16, ((0, 0, -1), (1, 1, -1)), "011", "101"),
    "ADD8":  (8, tuple((i, i, 1) for i in range(4)), "100", "000"),
    "SUB8":  (8, tuple((i, i, -1) for i in range(4)), "111", "100"),
}


def parallel_op(prefix: str, operation: str) -> Callable:
    """Build the execute step of <prefix><operation> as a function of the
    two register values.  Returns the result, and for the GE-setting forms
    (result, GE): GE gets one bit per byte of each lane whose exact result
    is >= 0 (signed forms) or carries out / does not borrow (unsigned)."""
    signed, kind, sets_ge, _a32, _t32 = PARALLEL_PREFIXES[prefix]
    width, lanes, _a32, _t32 = PARALLEL_OPS[operation]
    mask = (1 << width) - 1
    half = 1 << (width - 1)
    low, high = (-half, half - 1) if signed else (0, mask)
    ge_per_lane = 4 // len(lanes)
    # (shift of Rn's lane, of Rm's lane, add?, GE threshold, GE bits, result shift)
    plan = tuple((width * j, width * k, sign > 0,
                  mask + 1 if sign > 0 and not signed else 0,
                  ((1 << ge_per_lane) - 1) << (i * ge_per_lane), width * i)
                 for i, (j, k, sign) in enumerate(lanes))

    def execute(a: int, b: int):
        result = ge = 0
        for shift_a, shift_b, add, threshold, ge_bits, shift_r in plan:
            x = (a >> shift_a) & mask
            y = (b >> shift_b) & mask
            if signed:
                x = (x ^ half) - half
                y = (y ^ half) - half
            v = x + y if add else x - y
            if kind == SATURATE:
                v = low if v < low else high if v > high else v
            elif kind == HALVE:
                v >>= 1
            elif v >= threshold:
                ge |= ge_bits
            result |= (v & mask) << shift_r
        return (result, ge) if sets_ge else result

    execute.__name__ = "media_" + prefix + operation
    execute.__doc__ = "%s%s (A8.8): parallel %d-bit lanes." % (prefix, operation, width)
    return execute


def parallel_execute(e, prefix: str, operation: str, d: int, n: int, m: int) -> None:
    if writes_pc(e, d):
        return
    call = "media_%s%s(%s, %s)" % (prefix, operation, e.rd(n), e.rd(m))
    if PARALLEL_PREFIXES[prefix][2]:
        e.line("r, c.GE = %s" % call)
        e.wr(d, "r")
    else:
        e.wr(d, call)


# SEL: each byte from Rn where its GE bit is set, else from Rm.
RUNTIME["media_ge_bytes"] = tuple(sum(0xFF << (8 * i) for i in range(4) if ge >> i & 1)
                                  for ge in range(16))


def sel_execute(e, d: int, n: int, m: int) -> None:
    if writes_pc(e, d):
        return
    e.line("y = media_ge_bytes[c.GE]")
    e.wr(d, "(%s & y) | (%s & (y ^ 0xffffffff))" % (e.rd(n), e.rd(m)))


# -- packing and extension ---------------------------------------------------------

def pkh_execute(e, tbform: bool, d: int, n: int, m: int, imm5: int) -> None:
    """PKHBT: Rn's bottom half, Rm LSL #imm's top; PKHTB: Rn's top half,
    Rm ASR #imm's bottom (an amount of 0 encodes ASR #32)."""
    if writes_pc(e, d):
        return
    srtype, amount = decode_imm_shift(2 if tbform else 0, imm5)
    e.line("v = %s" % e.rd(m))
    shifted, _carry = emit_imm_shift("v", srtype, amount, False)
    if tbform:
        e.wr(d, "(%s & 0xffff0000) | (%s & 0xffff)" % (e.rd(n), shifted))
    else:
        e.wr(d, "(%s & 0xffff) | (%s & 0xffff0000)" % (e.rd(n), shifted))


# name: (field width, signed, dual: a field from each halfword, bits 7:0 and 23:16)
EXTENDS = {
    "SXTB": (8, True, False), "SXTH": (16, True, False), "SXTB16": (8, True, True),
    "UXTB": (8, False, False), "UXTH": (16, False, False), "UXTB16": (8, False, True),
}


def extend_execute(e, name: str, d: int, n: Optional[int], m: int, rotation: int) -> None:
    """SXTB (A8.8.233), UXTB (A8.8.274), SXTH, UXTH, the dual forms, and
    their accumulating forms SXTAB etc. (n is not None):
    R[d] = R[n] + Extend(ROR(R[m], rotation)<field>), each halfword on its
    own for the dual forms."""
    width, signed, dual = EXTENDS[name]
    if writes_pc(e, d):
        return
    rm = e.rd(m)
    top_bit = 23 if dual else width - 1
    if rotation == 0:
        rotated = rm
    elif 32 - rotation > top_bit:       # no bit wraps round into the field
        rotated = "(%s >> %d)" % (rm, rotation)
    else:
        rotated = "((%s >> %d) | (%s << %d))" % (rm, rotation, rm, 32 - rotation)
    field_mask = (1 << width) - 1
    if not dual:
        value = "(%s & 0x%x)" % (rotated, field_mask)
        if signed:
            value = emit_sint(value, width)
        if n is None:
            e.wr(d, "%s & 0xffffffff" % value if signed else value)
        else:
            e.wr(d, "(%s + %s) & 0xffffffff" % (e.rd(n), value))
        return
    e.line("x = %s" % rotated)
    low, high = "(x & 0xff)", "((x >> 16) & 0xff)"
    if signed:
        low, high = emit_sint(low, 8), emit_sint(high, 8)
    if n is not None:
        rn = e.rd(n)
        low, high = "(%s + %s)" % (rn, low), "((%s >> 16) + %s)" % (rn, high)
    elif not signed:
        e.wr(d, "x & 0xff00ff")
        return
    e.wr(d, "(%s & 0xffff) | ((%s & 0xffff) << 16)" % (low, high))


# -- reversal and counting (REV A8.8.145, REV16, REVSH, RBIT; CLZ A8.8.33) ------

REVERSES = {
    "REV":   "int.from_bytes({x}.to_bytes(4, 'little'), 'big')",
    "REV16": "(({x} & 0xff00ff) << 8) | (({x} >> 8) & 0xff00ff)",
    "REVSH": "(((({x} & 0xff) << 8 | ({x} >> 8) & 0xff) ^ 0x8000) - 0x8000) & 0xffffffff",
    "RBIT":  "int(format({x}, '032b')[::-1], 2)",
    "CLZ":   "32 - {x}.bit_length()",
}


def reverse_execute(e, name: str, d: int, m: int) -> None:
    if writes_pc(e, d):
        return
    x = e.rd(m) if m != 15 else "(%s)" % e.rd(m)
    e.wr(d, REVERSES[name].format(x=x))


# -- bitfields (BFC, BFI, SBFX, UBFX) ------------------------------------------------
# An msb below lsb (BFI/BFC), or a field reaching past bit 31 (SBFX/UBFX), is
# UNPREDICTABLE; like QEMU, the core takes it as UNDEFINED.

def bitfield_extract(e, signed: bool, d: int, n: int, lsb: int, widthm1: int) -> None:
    if lsb + widthm1 > 31:
        e.undefined()
        return
    if writes_pc(e, d):
        return
    field = "(%s >> %d) & 0x%x" % (e.rd(n), lsb, (1 << (widthm1 + 1)) - 1) if lsb else \
        "%s & 0x%x" % (e.rd(n), (1 << (widthm1 + 1)) - 1)
    e.wr(d, "%s & 0xffffffff" % emit_sint("(%s)" % field, widthm1 + 1) if signed else field)


def bitfield_insert(e, d: int, n: Optional[int], lsb: int, msb: int) -> None:
    """BFI (R[d]<msb:lsb> = R[n]<msb-lsb:0>) and BFC (n is None: clear it)."""
    if msb < lsb:
        e.undefined()
        return
    if writes_pc(e, d):
        return
    mask = ((1 << (msb - lsb + 1)) - 1) << lsb
    kept = "R[%d] & 0x%x" % (d, mask ^ 0xFFFFFFFF)
    if n is None:
        e.wr(d, kept)
    else:
        e.wr(d, "(%s) | ((%s << %d) & 0x%x)" % (kept, e.rd(n), lsb, mask))


# -- USAD8, USADA8 ------------------------------------------------------------------

def media_usad8(a: int, b: int) -> int:
    """The sum of the absolute differences of the four byte pairs."""
    return sum(abs(((a >> s) & 0xFF) - ((b >> s) & 0xFF)) for s in (0, 8, 16, 24))


RUNTIME["media_usad8"] = media_usad8


def usad8_execute(e, d: int, n: int, m: int, a: Optional[int]) -> None:
    if writes_pc(e, d):
        return
    total = "media_usad8(%s, %s)" % (e.rd(n), e.rd(m))
    e.wr(d, total if a is None else "(%s + %s) & 0xffffffff" % (e.rd(a), total))


# -- encodings -----------------------------------------------------------------------

def _parallel_family() -> Tuple[str, str]:
    """Generate the parallel add/subtract family: its A32 and T32 tables,
    one run-time helper and one handler per prefix and operation."""
    a32, t32 = [], []
    for prefix, (_s, _k, _g, a32_prefix, t32_prefix) in PARALLEL_PREFIXES.items():
        for operation, (_w, _l, a32_op, t32_op) in PARALLEL_OPS.items():
            name = prefix + operation
            a32.append("%-10s cccc 0110 0%s nnnn dddd ---- %s1 mmmm" % (name, a32_prefix, a32_op))
            t32.append("T32_%-10s 1111 1010 1%s nnnn 1111 dddd 0%s mmmm" % (name, t32_op, t32_prefix))
            RUNTIME["media_" + name] = parallel_op(prefix, operation)
            op(HANDLERS, name, "T32_" + name)(_parallel_handler(prefix, operation))
    return "\n".join(a32), "\n".join(t32)


def _parallel_handler(prefix: str, operation: str):
    def emit(e, f):
        parallel_execute(e, prefix, operation, f["rd"], f["rn"], f["rm"])
    return emit


# A32: Q is sat_imm, W widthm1, B msb; the rotation of the extends is the
# common `rot` field (two bits here); lsb and the shift amounts are `imm`.
A32_MEDIA = """
QADD       cccc 0001 0000 nnnn dddd ---- 0101 mmmm
QSUB       cccc 0001 0010 nnnn dddd ---- 0101 mmmm
QDADD      cccc 0001 0100 nnnn dddd ---- 0101 mmmm
QDSUB      cccc 0001 0110 nnnn dddd ---- 0101 mmmm
CLZ        cccc 0001 0110 ---- dddd ---- 0001 mmmm
PKHBT      cccc 0110 1000 nnnn dddd iiii i001 mmmm
PKHTB      cccc 0110 1000 nnnn dddd iiii i101 mmmm
SXTAB16    cccc 0110 1000 nnnn dddd rr-- 0111 mmmm
SXTB16     cccc 0110 1000 1111 dddd rr-- 0111 mmmm
SEL        cccc 0110 1000 nnnn dddd ---- 1011 mmmm
SSAT_lsl   cccc 0110 101Q QQQQ dddd iiii i001 nnnn
SSAT_asr   cccc 0110 101Q QQQQ dddd iiii i101 nnnn
SSAT16     cccc 0110 1010 QQQQ dddd ---- 0011 nnnn
SXTAB      cccc 0110 1010 nnnn dddd rr-- 0111 mmmm
SXTB       cccc 0110 1010 1111 dddd rr-- 0111 mmmm
REV        cccc 0110 1011 ---- dddd ---- 0011 mmmm
SXTAH      cccc 0110 1011 nnnn dddd rr-- 0111 mmmm
SXTH       cccc 0110 1011 1111 dddd rr-- 0111 mmmm
REV16      cccc 0110 1011 ---- dddd ---- 1011 mmmm
UXTAB16    cccc 0110 1100 nnnn dddd rr-- 0111 mmmm
UXTB16     cccc 0110 1100 1111 dddd rr-- 0111 mmmm
USAT_lsl   cccc 0110 111Q QQQQ dddd iiii i001 nnnn
USAT_asr   cccc 0110 111Q QQQQ dddd iiii i101 nnnn
USAT16     cccc 0110 1110 QQQQ dddd ---- 0011 nnnn
UXTAB      cccc 0110 1110 nnnn dddd rr-- 0111 mmmm
UXTB       cccc 0110 1110 1111 dddd rr-- 0111 mmmm
RBIT       cccc 0110 1111 ---- dddd ---- 0011 mmmm
UXTAH      cccc 0110 1111 nnnn dddd rr-- 0111 mmmm
UXTH       cccc 0110 1111 1111 dddd rr-- 0111 mmmm
REVSH      cccc 0110 1111 ---- dddd ---- 1011 mmmm
USADA8     cccc 0111 1000 dddd aaaa mmmm 0001 nnnn
USAD8      cccc 0111 1000 dddd 1111 mmmm 0001 nnnn
SBFX       cccc 0111 101W WWWW dddd iiii i101 nnnn
BFI        cccc 0111 110B BBBB dddd iiii i001 nnnn
BFC        cccc 0111 110B BBBB dddd iiii i001 1111
UBFX       cccc 0111 111W WWWW dddd iiii i101 nnnn
"""

# T32: lsb and shift amounts are imm3:imm2 (`imm`); the second halfword's
# top four bits must be 1111 in the register-only groups.
T32_MEDIA = """
T32_SSAT_lsl 1111 0-11 0000 nnnn 0iii dddd ii-Q QQQQ
T32_SSAT_asr 1111 0-11 0010 nnnn 0iii dddd ii-Q QQQQ
T32_SSAT16   1111 0-11 0010 nnnn 0000 dddd 00-- QQQQ
T32_SBFX     1111 0-11 0100 nnnn 0iii dddd ii-W WWWW
T32_BFI      1111 0-11 0110 nnnn 0iii dddd ii-B BBBB
T32_BFC      1111 0-11 0110 1111 0iii dddd ii-B BBBB
T32_USAT_lsl 1111 0-11 1000 nnnn 0iii dddd ii-Q QQQQ
T32_USAT_asr 1111 0-11 1010 nnnn 0iii dddd ii-Q QQQQ
T32_USAT16   1111 0-11 1010 nnnn 0000 dddd 00-- QQQQ
T32_UBFX     1111 0-11 1100 nnnn 0iii dddd ii-W WWWW
T32_PKHBT    1110 1010 1100 nnnn -iii dddd ii00 mmmm
T32_PKHTB    1110 1010 1100 nnnn -iii dddd ii10 mmmm
T32_SXTAH    1111 1010 0000 nnnn 1111 dddd 1-rr mmmm
T32_SXTH     1111 1010 0000 1111 1111 dddd 1-rr mmmm
T32_UXTAH    1111 1010 0001 nnnn 1111 dddd 1-rr mmmm
T32_UXTH     1111 1010 0001 1111 1111 dddd 1-rr mmmm
T32_SXTAB16  1111 1010 0010 nnnn 1111 dddd 1-rr mmmm
T32_SXTB16   1111 1010 0010 1111 1111 dddd 1-rr mmmm
T32_UXTAB16  1111 1010 0011 nnnn 1111 dddd 1-rr mmmm
T32_UXTB16   1111 1010 0011 1111 1111 dddd 1-rr mmmm
T32_SXTAB    1111 1010 0100 nnnn 1111 dddd 1-rr mmmm
T32_SXTB     1111 1010 0100 1111 1111 dddd 1-rr mmmm
T32_UXTAB    1111 1010 0101 nnnn 1111 dddd 1-rr mmmm
T32_UXTB     1111 1010 0101 1111 1111 dddd 1-rr mmmm
T32_QADD     1111 1010 1000 nnnn 1111 dddd 1000 mmmm
T32_QDADD    1111 1010 1000 nnnn 1111 dddd 1001 mmmm
T32_QSUB     1111 1010 1000 nnnn 1111 dddd 1010 mmmm
T32_QDSUB    1111 1010 1000 nnnn 1111 dddd 1011 mmmm
T32_REV      1111 1010 1001 ---- 1111 dddd 1000 mmmm
T32_REV16    1111 1010 1001 ---- 1111 dddd 1001 mmmm
T32_RBIT     1111 1010 1001 ---- 1111 dddd 1010 mmmm
T32_REVSH    1111 1010 1001 ---- 1111 dddd 1011 mmmm
T32_SEL      1111 1010 1010 nnnn 1111 dddd 1000 mmmm
T32_CLZ      1111 1010 1011 ---- 1111 dddd 1000 mmmm
T32_USADA8   1111 1011 0111 nnnn aaaa dddd 0000 mmmm
T32_USAD8    1111 1011 0111 nnnn 1111 dddd 0000 mmmm
"""

T16_MEDIA = """
T16_SXTH     1011 0010 00mm mddd
T16_SXTB     1011 0010 01mm mddd
T16_UXTH     1011 0010 10mm mddd
T16_UXTB     1011 0010 11mm mddd
T16_REV      1011 1010 00mm mddd
T16_REV16    1011 1010 01mm mddd
T16_REVSH    1011 1010 11mm mddd
"""


def _names(base: str, *isas: str):
    """The pattern names of one operation: A32's is the bare mnemonic."""
    return tuple(base if isa == "A32" else "%s_%s" % (isa, base) for isa in isas)


def _register_handlers() -> None:
    for name in QADDSUB:
        op(HANDLERS, *_names(name, "A32", "T32"), cycles=SATURATING_CYCLES)(
            lambda e, f, name=name: qaddsub_execute(e, name, f["rd"], f["rn"], f["rm"]))

    for prefix, signed in (("SSAT", True), ("USAT", False)):
        # SSAT saturates to sat_imm + 1 bits (1-32), USAT to sat_imm (0-31);
        # the 16-bit forms the same, to 1-16 and 0-15.
        offset = 1 if signed else 0
        for shift, stype in (("lsl", 0), ("asr", 2)):
            op(HANDLERS, *_names("%s_%s" % (prefix, shift), "A32", "T32"), cycles=SATURATING_CYCLES)(
                lambda e, f, signed=signed, offset=offset, stype=stype: saturate_execute(
                    e, signed, f["rd"], f["rn"], f["sat_imm"] + offset, stype, f["imm"]))
        op(HANDLERS, *_names(prefix + "16", "A32", "T32"), cycles=SATURATING_CYCLES)(
            lambda e, f, signed=signed, offset=offset: saturate_execute(
                e, signed, f["rd"], f["rn"], f["sat_imm"] + offset, halves=True))

    op(HANDLERS, *_names("SEL", "A32", "T32"))(
        lambda e, f: sel_execute(e, f["rd"], f["rn"], f["rm"]))
    for name, tbform in (("PKHBT", False), ("PKHTB", True)):
        op(HANDLERS, *_names(name, "A32", "T32"))(
            lambda e, f, tbform=tbform: pkh_execute(e, tbform, f["rd"], f["rn"], f["rm"], f["imm"]))

    for name in EXTENDS:
        accumulating = name[:3] + "A" + name[3:]          # SXTB -> SXTAB
        isas = ("A32", "T32", "T16") if name in ("SXTB", "SXTH", "UXTB", "UXTH") else ("A32", "T32")
        op(HANDLERS, *_names(name, *isas))(
            lambda e, f, name=name: extend_execute(e, name, f["rd"], None, f["rm"], 8 * f.get("rot", 0)))
        op(HANDLERS, *_names(accumulating, "A32", "T32"))(
            lambda e, f, name=name: extend_execute(e, name, f["rd"], f["rn"], f["rm"], 8 * f["rot"]))

    for name in REVERSES:
        isas = ("A32", "T32", "T16") if name in ("REV", "REV16", "REVSH") else ("A32", "T32")
        op(HANDLERS, *_names(name, *isas))(
            lambda e, f, name=name: reverse_execute(e, name, f["rd"], f["rm"]))

    for name, signed in (("SBFX", True), ("UBFX", False)):
        op(HANDLERS, *_names(name, "A32", "T32"))(
            lambda e, f, signed=signed: bitfield_extract(e, signed, f["rd"], f["rn"], f["imm"], f["widthm1"]))
    op(HANDLERS, *_names("BFI", "A32", "T32"))(
        lambda e, f: bitfield_insert(e, f["rd"], f["rn"], f["imm"], f["msb"]))
    op(HANDLERS, *_names("BFC", "A32", "T32"))(
        lambda e, f: bitfield_insert(e, f["rd"], None, f["imm"], f["msb"]))

    op(HANDLERS, *_names("USAD8", "A32", "T32"), cycles=USAD_CYCLES)(
        lambda e, f: usad8_execute(e, f["rd"], f["rn"], f["rm"], None))
    op(HANDLERS, *_names("USADA8", "A32", "T32"), cycles=USAD_CYCLES)(
        lambda e, f: usad8_execute(e, f["rd"], f["rn"], f["rm"], f["ra"]))


_A32_PARALLEL, _T32_PARALLEL = _parallel_family()
_register_handlers()

TABLES = {
    "A32": _A32_PARALLEL + A32_MEDIA,
    "T32": _T32_PARALLEL + T32_MEDIA,
    "T16": T16_MEDIA,
}
FIELDS = {
    "A32": {"Q": "sat_imm", "W": "widthm1", "B": "msb"},
    "T32": {"Q": "sat_imm", "W": "widthm1", "B": "msb", "r": "rot"},
}
