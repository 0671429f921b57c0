"""Operand forms shared by the families: shifts and immediate expansion.

The ARM ARM's shift helpers (A8.4.3) come in two kinds here: for shifts
known at translation time (immediate amounts, expanded immediates) the work
is done now and only the residue is emitted; register-controlled shifts call
:func:`shift_c` at run time.
"""

from typing import Optional, Tuple

MASK32 = 0xFFFFFFFF

SRTYPE_LSL, SRTYPE_LSR, SRTYPE_ASR, SRTYPE_ROR, SRTYPE_RRX = range(5)


def decode_imm_shift(stype: int, imm5: int) -> Tuple[int, int]:
    """DecodeImmShift() (A8.4.3)."""
    if stype == 0:
        return SRTYPE_LSL, imm5
    if stype == 1:
        return SRTYPE_LSR, imm5 or 32
    if stype == 2:
        return SRTYPE_ASR, imm5 or 32
    if imm5 == 0:
        return SRTYPE_RRX, 1
    return SRTYPE_ROR, imm5


def shift_c(value: int, srtype: int, amount: int, carry_in: int) -> Tuple[int, int]:
    """Shift_C() (A8.4.3) at run time, for register-controlled amounts."""
    if amount == 0:
        return value, carry_in
    if srtype == SRTYPE_LSL:
        if amount > 32:
            return 0, 0
        return (value << amount) & MASK32, (value >> (32 - amount)) & 1
    if srtype == SRTYPE_LSR:
        if amount > 32:
            return 0, 0
        return value >> amount, (value >> (amount - 1)) & 1
    if srtype == SRTYPE_ASR:
        if amount >= 32:
            sign = value >> 31
            return MASK32 * sign, sign
        signed = value - ((value & 0x80000000) << 1)
        return (signed >> amount) & MASK32, (value >> (amount - 1)) & 1
    if srtype == SRTYPE_ROR:
        amount &= 31
        result = ((value >> amount) | (value << (32 - amount))) & MASK32 if amount else value
        return result, result >> 31
    return (carry_in << 31) | (value >> 1), value & 1        # RRX


def emit_imm_shift(value: str, srtype: int, amount: int,
                   carry: bool, wrap: bool = True) -> Tuple[str, Optional[str]]:
    """Python expressions for Shift_C(value, srtype, amount, APSR.C) with a
    constant amount: (result, carry out).  `value` must be a name, a register
    or a constant, since it may appear more than once.  With ``wrap=False``
    an LSL result is left unreduced, for a consumer that reduces its own."""
    if srtype == SRTYPE_LSL:
        if amount == 0:
            return value, "c.CF"
        shifted = "(%s << %d)" % (value, amount)
        return ("(%s & 0xffffffff)" % shifted if wrap else shifted,
                "((%s >> %d) & 1)" % (value, 32 - amount) if carry else None)
    if srtype == SRTYPE_LSR:
        if amount == 32:
            return "0", "(%s >> 31)" % value
        return "(%s >> %d)" % (value, amount), "((%s >> %d) & 1)" % (value, amount - 1)
    if srtype == SRTYPE_ASR:
        result = "(((%s ^ 0x80000000) - 0x80000000) >> %d) & 0xffffffff" % (value, min(amount, 31))
        return "(%s)" % result, "((%s >> %d) & 1)" % (value, min(amount, 32) - 1)
    if srtype == SRTYPE_ROR:
        return ("(((%s >> %d) | (%s << %d)) & 0xffffffff)" % (value, amount, value, 32 - amount),
                "((%s >> %d) & 1)" % (value, amount - 1))
    return "((c.CF << 31) | (%s >> 1))" % value, "(%s & 1)" % value      # RRX


def arm_expand_imm_c(imm12: int) -> Tuple[int, Optional[int]]:
    """ARMExpandImm_C() (A5.2.4): the value, and the carry out (None: unchanged)."""
    rot = 2 * (imm12 >> 8)
    imm8 = imm12 & 0xFF
    if rot == 0:
        return imm8, None
    value = ((imm8 >> rot) | (imm8 << (32 - rot))) & MASK32
    return value, value >> 31


def thumb_expand_imm_c(imm12: int) -> Tuple[int, Optional[int]]:
    """ThumbExpandImm_C() (A6.3.2); None if the encoding is UNPREDICTABLE."""
    imm8 = imm12 & 0xFF
    if imm12 >> 10 == 0:
        kind = (imm12 >> 8) & 3
        if kind == 0:
            return imm8, None
        if imm8 == 0:
            return None, None
        if kind == 1:
            return imm8 | (imm8 << 16), None
        if kind == 2:
            return (imm8 << 8) | (imm8 << 24), None
        return imm8 * 0x01010101, None
    unrotated = 0x80 | (imm12 & 0x7F)
    rot = imm12 >> 7
    value = ((unrotated >> rot) | (unrotated << (32 - rot))) & MASK32
    return value, value >> 31


def const_value(expr: str) -> Optional[int]:
    """The value of an emitted expression if it is a literal, else None
    (for folding constants at translation time)."""
    try:
        return int(expr, 0)
    except ValueError:
        return None


def emit_sint(expr: str, bits: int) -> str:
    """SInt() of a `bits`-wide unsigned expression, as a Python int (negative
    when the sign bit is set): flip the sign bit, then subtract it."""
    sign = 1 << (bits - 1)
    return "((%s ^ 0x%x) - 0x%x)" % (expr, sign, sign)


def sign_extend(value: int, bits: int) -> int:
    """SignExtend() of a `bits`-wide field, as a Python int."""
    sign = 1 << (bits - 1)
    return (value & (sign - 1)) - (value & sign)
