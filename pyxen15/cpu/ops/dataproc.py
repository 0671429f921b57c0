"""Data-processing instructions (A5.2.1-A5.2.3, A6.3.1-A6.3.3, A6.2.1-A6.2.3).

Every encoding decodes to (operation, Rd, Rn, second operand, setflags) and
calls :func:`dp_execute`, the one execute step shared by A32, T32 and T16.
The operation table says how each mnemonic combines its operands: the
arithmetic ones are AddWithCarry(x, y, carry_in) with y and carry_in chosen
as in the pseudocode (SUB is x + NOT(y) + 1, RSB is NOT(x) + y + 1, ...).
"""

from typing import Dict, Optional

from . import Op, op
from .operands import (arm_expand_imm_c, const_value, decode_imm_shift, emit_imm_shift,
                       thumb_expand_imm_c, SRTYPE_LSL, SRTYPE_LSR, SRTYPE_ASR, SRTYPE_ROR)

HANDLERS: Dict[str, Op] = {}

# Arithmetic operations are AddWithCarry(x', y', carry_in) (A2.2.1); the
# table gives x', y' and carry_in as templates over the operands x and y.
ARITH = {
    "ADD": ("{x}", "{y}", "0"), "ADC": ("{x}", "{y}", "c.CF"),
    "SUB": ("{x}", "{y} ^ 0xffffffff", "1"), "SBC": ("{x}", "{y} ^ 0xffffffff", "c.CF"),
    "RSB": ("{x} ^ 0xffffffff", "{y}", "1"), "RSC": ("{x} ^ 0xffffffff", "{y}", "c.CF"),
    "CMP": ("{x}", "{y} ^ 0xffffffff", "1"), "CMN": ("{x}", "{y}", "0"),
}
LOGIC = {
    "AND": "{x} & {y}", "EOR": "{x} ^ {y}", "ORR": "{x} | {y}", "ORN": "{x} | ({y} ^ 0xffffffff)",
    "BIC": "{x} & ({y} ^ 0xffffffff)", "MOV": "{y}", "MVN": "{y} ^ 0xffffffff",
    "TST": "{x} & {y}", "TEQ": "{x} ^ {y}",
}
# The same sums, modulo 2^32, when no flag needs the carry or overflow
DIRECT = {
    "ADD": "{x} + {y}", "ADC": "{x} + {y} + c.CF", "SUB": "{x} - {y}",
    "SBC": "{x} - {y} - 1 + c.CF", "RSB": "{y} - {x}", "RSC": "{y} - {x} - 1 + c.CF",
}
NO_RESULT = {"CMP", "CMN", "TST", "TEQ"}
SUBTRACT = {"SUB", "CMP", "RSB"}          # carry-in 1: the plain subtractions
NO_RN = {"MOV", "MVN"}

A32_OPCODES = ["AND", "EOR", "SUB", "RSB", "ADD", "ADC", "SBC", "RSC",
               "TST", "TEQ", "CMP", "CMN", "ORR", "MOV", "BIC", "MVN"]


def _paren(expr: str) -> str:
    simple = expr.replace("_", "").replace("[", "").replace("]", "").isalnum()
    return expr if simple else "(%s)" % expr



def dp_execute(e, name: str, d: int, n: Optional[int], y: str, carry: Optional[str], setflags: bool) -> None:
    """The shared execute step: R[d] = x <op> y, flags if `setflags`.

    `y` is the (already shifted) second operand and `carry` the shifter's
    carry out (None: C unchanged); both are expressions that stay valid
    until this instruction writes a register.  Rd == PC with S set is the
    exception return SUBS PC, LR and friends (B9.3.20).
    """
    x = e.rd(n) if n is not None else "0"
    ops = {"x": _paren(x), "y": _paren(y)}
    flags = setflags and (d != 15 or name in NO_RESULT)
    if name in ARITH:
        xs, ys, cin = (_paren(t.format(**ops)) for t in ARITH[name])
        if not flags:
            # Without flags the sum modulo 2^32 is all that matters, and the
            # direct form is fewer operations on (often multi-digit) ints.
            result = "(%s) & 0xffffffff" % DIRECT[name].format(**ops)
        elif name in SUBTRACT:
            # x - y is AddWithCarry(x, NOT(y), 1): C is "no borrow" (x >= y
            # unsigned), V is set when x and y differ in sign and the result's
            # sign differs from x's.
            first, second = (ops["x"], ops["y"]) if name != "RSB" else (ops["y"], ops["x"])
            e.line("a = %s" % first)
            if const_value(second) is None:
                e.line("b = %s" % second)
                second = "b"
            e.line("r = (a - %s) & 0xffffffff" % second)
            e.line("c.CF = a >= %s" % second)
            e.line("c.VF = ((a ^ %s) & (a ^ r)) >> 31" % second)
            e.line("c.NF = c.ZF = r")
            result = "r"
        else:
            # C is the carry out of bit 31; V is set when both addends have
            # the same sign and the result's sign differs.
            inverted = ys[1:-1].split(" ^ ") if ys.startswith("(") else [ys]
            if len(inverted) == 2 and const_value(inverted[0]) is not None:
                ys = "0x%x" % (const_value(inverted[0]) ^ 0xFFFFFFFF)     # NOT(constant), folded
            e.line("a = %s" % xs)
            addend = ys
            if const_value(ys) is None:
                e.line("b = %s" % ys)
                ys = addend = "b"
            elif cin in "01":
                addend = "0x%x" % (const_value(ys) + int(cin))       # fold the constant carry in
                cin = "0"
            e.line("r = a + %s + %s" % (addend, cin) if cin != "0" else "r = a + %s" % addend)
            e.line("c.CF = r >> 32")
            e.line("r &= 0xffffffff")
            e.line("c.VF = ((a ^ r) & (%s ^ r)) >> 31" % ys)
            e.line("c.NF = c.ZF = r")
            result = "r"
    else:
        result = LOGIC[name].format(**ops)
        if flags:
            # The result first: RRX shifts the old C into it.
            e.line("r = %s" % result)
            if carry is not None and carry != "c.CF":
                e.line("c.CF = %s" % carry)
            e.line("c.NF = c.ZF = r")
            result = "r"
    if name in NO_RESULT:
        return
    if d == 15:
        if setflags:
            e.exit_to("c.alu_exception_return(%s, 0x%x)" % (result, e.pc))   # UNDEFINED in HYP
        else:
            e.alu_write_pc(result)
    else:
        e.wr(d, result)


def _shifted(e, m: int, stype: int, imm5: int, name: str, setflags: bool):
    """Rm shifted by an immediate, as the second operand of `name`: the
    expression, and its carry out when the operation needs it (a logical
    operation that sets flags).  An arithmetic one without flags reduces its
    own result modulo 2^32, so the shift need not."""
    srtype, amount = decode_imm_shift(stype, imm5)
    if srtype == SRTYPE_LSL and amount == 0:
        return e.rd(m), "c.CF"
    need_carry = setflags and name in LOGIC
    if need_carry:
        e.line("v = %s" % e.rd(m))
        return emit_imm_shift("v", srtype, amount, True)
    wrap = not (name in DIRECT and not setflags)
    return emit_imm_shift(e.rd(m), srtype, amount, False, wrap=wrap)[0], None


def _reg_shifted(e, m: int, stype: int, s: int):
    e.line("v, sc = shift_c(%s, %d, %s & 0xff, c.CF)" % (e.rd(m), stype, e.rd(s)))
    return "v", "sc"


# -- A32 ---------------------------------------------------------------------

def _a32_table() -> str:
    rows = []
    for code, name in enumerate(A32_OPCODES):
        opc = format(code, "04b")
        s = "1" if name in NO_RESULT else "s"
        rn = "----" if name in NO_RN else "nnnn"
        rd = "----" if name in NO_RESULT else "dddd"
        rows.append("%s_rri   cccc 001%s %s%s %s %s rrrr iiii iiii" % (name, opc[0], opc[1:], s, rn, rd))
        rows.append("%s_rrri  cccc 000%s %s%s %s %s iiii iyy0 mmmm" % (name, opc[0], opc[1:], s, rn, rd))
        rows.append("%s_rrrr  cccc 000%s %s%s %s %s xxxx 0yy1 mmmm" % (name, opc[0], opc[1:], s, rn, rd))
    rows.append("MOVW      cccc 0011 0000 kkkk dddd iiii iiii iiii")
    rows.append("MOVT      cccc 0011 0100 kkkk dddd iiii iiii iiii")
    return "\n".join(rows)


def _a32_handlers(name: str) -> None:
    has_rn = name not in NO_RN
    has_rd = name not in NO_RESULT
    flags_always = name in NO_RESULT

    def rd_of(f):
        return f["rd"] if has_rd else 0

    @op(HANDLERS, name + "_rri")
    def imm(e, f):
        value, carry = arm_expand_imm_c(f["rot"] << 8 | f["imm"])
        dp_execute(e, name, rd_of(f), f["rn"] if has_rn else None, "0x%x" % value,
                   None if carry is None else str(carry), flags_always or bool(f.get("S")))

    @op(HANDLERS, name + "_rrri")
    def reg(e, f):
        setflags = flags_always or bool(f.get("S"))
        y, carry = _shifted(e, f["rm"], f["stype"], f["imm"], name, setflags)
        dp_execute(e, name, rd_of(f), f["rn"] if has_rn else None, y, carry, setflags)

    @op(HANDLERS, name + "_rrrr", cycles=2)
    def regreg(e, f):
        y, carry = _reg_shifted(e, f["rm"], f["stype"], f["rs"])
        dp_execute(e, name, rd_of(f), f["rn"] if has_rn else None, y, carry,
                   flags_always or bool(f.get("S")))


for _name in A32_OPCODES:
    _a32_handlers(_name)


@op(HANDLERS, "MOVW", "T32_MOVW")
def movw(e, f):
    """MOVW: Rd = imm16 (A8.8.103)."""
    e.wr(f["rd"], "0x%x" % (f["imm16hi"] << 12 | f["imm"]))


@op(HANDLERS, "MOVT", "T32_MOVT")
def movt(e, f):
    """MOVT: Rd<31:16> = imm16 (A8.8.106)."""
    e.wr(f["rd"], "(R[%d] & 0xffff) | 0x%x" % (f["rd"], (f["imm16hi"] << 12 | f["imm"]) << 16))


# -- T32 ---------------------------------------------------------------------
# Thumb-2's opcode numbering differs from A32's; the special cases (Rd = PC
# with S: the compare forms; Rn = PC: MOV/MVN) are patterns of their own.

T32_OPCODES = {"AND": "0000", "BIC": "0001", "ORR": "0010", "ORN": "0011",
               "EOR": "0100", "ADD": "1000", "ADC": "1010", "SBC": "1011",
               "SUB": "1101", "RSB": "1110"}
T32_COMPARES = {"TST": "0000", "TEQ": "0100", "CMN": "1000", "CMP": "1101"}
T32_MOVES = {"MOV": "0010", "MVN": "0011"}


def _t32_table() -> str:
    rows = []
    for name, opc in T32_OPCODES.items():
        rows.append("T32_%s_ri  1111 0i0%s s nnnn 0iii dddd iiii iiii" % (name, opc))
        rows.append("T32_%s_rr  1110 101%s s nnnn -iii dddd iiyy mmmm" % (name, opc))
    for name, opc in T32_COMPARES.items():
        rows.append("T32_%s_ri  1111 0i0%s 1 nnnn 0iii 1111 iiii iiii" % (name, opc))
        rows.append("T32_%s_rr  1110 101%s 1 nnnn -iii 1111 iiyy mmmm" % (name, opc))
    for name, opc in T32_MOVES.items():
        rows.append("T32_%s_ri  1111 0i0%s s 1111 0iii dddd iiii iiii" % (name, opc))
        rows.append("T32_%s_rr  1110 101%s s 1111 -iii dddd iiyy mmmm" % (name, opc))
    rows.append("T32_MOV_rrr  1111 1010 0yys nnnn 1111 dddd 0000 mmmm")   # LSL/LSR/ASR/ROR (register)
    rows.append("T32_ADDW     1111 0i10 0000 nnnn 0iii dddd iiii iiii")
    rows.append("T32_SUBW     1111 0i10 1010 nnnn 0iii dddd iiii iiii")
    rows.append("T32_ADR_add  1111 0i10 0000 1111 0iii dddd iiii iiii")
    rows.append("T32_ADR_sub  1111 0i10 1010 1111 0iii dddd iiii iiii")
    rows.append("T32_MOVW     1111 0i10 0100 kkkk 0iii dddd iiii iiii")
    rows.append("T32_MOVT     1111 0i10 1100 kkkk 0iii dddd iiii iiii")
    return "\n".join(rows)


def _t32_handlers(name: str, compare: bool, move: bool) -> None:
    def operands(f):
        d = 15 if compare else f["rd"]
        n = None if move else f["rn"]
        return d, n, compare or bool(f["S"])

    @op(HANDLERS, "T32_%s_ri" % name)
    def imm(e, f):
        d, n, setflags = operands(f)
        value, carry = thumb_expand_imm_c(f["imm"])
        if value is None:
            e.undefined()
            return
        dp_execute(e, name, d, n, "0x%x" % value, None if carry is None else str(carry), setflags)

    @op(HANDLERS, "T32_%s_rr" % name)
    def reg(e, f):
        d, n, setflags = operands(f)
        y, carry = _shifted(e, f["rm"], f["stype"], f["imm"], name, setflags)
        dp_execute(e, name, d, n, y, carry, setflags)


for _name in T32_OPCODES:
    _t32_handlers(_name, False, False)
for _name in T32_COMPARES:
    _t32_handlers(_name, True, False)
for _name in T32_MOVES:
    _t32_handlers(_name, False, True)


@op(HANDLERS, "T32_MOV_rrr", cycles=2)
def t32_mov_rrr(e, f):
    y, carry = _reg_shifted(e, f["rn"], f["stype"], f["rm"])
    dp_execute(e, "MOV", f["rd"], None, y, carry, bool(f["S"]))


@op(HANDLERS, "T32_ADDW")
def t32_addw(e, f):
    dp_execute(e, "ADD", f["rd"], f["rn"], "0x%x" % f["imm"], None, False)


@op(HANDLERS, "T32_SUBW")
def t32_subw(e, f):
    dp_execute(e, "SUB", f["rd"], f["rn"], "0x%x" % f["imm"], None, False)


@op(HANDLERS, "T32_ADR_add")
def t32_adr_add(e, f):
    e.wr(f["rd"], "0x%x" % ((e.pc_aligned + f["imm"]) & 0xFFFFFFFF))


@op(HANDLERS, "T32_ADR_sub")
def t32_adr_sub(e, f):
    e.wr(f["rd"], "0x%x" % ((e.pc_aligned - f["imm"]) & 0xFFFFFFFF))


# -- T16 ---------------------------------------------------------------------
# Most 16-bit data-processing instructions set the flags only outside an IT
# block (the "S" is implied by !InITBlock()); compares always do.

T16_ALU = ["AND", "EOR", "LSL", "LSR", "ASR", "ADC", "SBC", "ROR",
           "TST", "RSB", "CMP", "CMN", "ORR", None, "BIC", "MVN"]     # 1101 is MUL (multiply.py)
T16_SHIFTS = {"LSL": SRTYPE_LSL, "LSR": SRTYPE_LSR, "ASR": SRTYPE_ASR, "ROR": SRTYPE_ROR}


def _t16_table() -> str:
    rows = [
        "T16_LSL_imm   000 00 iiiii mmm ddd",
        "T16_LSR_imm   000 01 iiiii mmm ddd",
        "T16_ASR_imm   000 10 iiiii mmm ddd",
        "T16_ADD_rrr   000 11 0 0 mmm nnn ddd",
        "T16_SUB_rrr   000 11 0 1 mmm nnn ddd",
        "T16_ADD_rri3  000 11 1 0 iii nnn ddd",
        "T16_SUB_rri3  000 11 1 1 iii nnn ddd",
        "T16_MOV_ri    001 00 ddd iiii iiii",
        "T16_CMP_ri    001 01 nnn iiii iiii",
        "T16_ADD_ri8   001 10 ddd iiii iiii",
        "T16_SUB_ri8   001 11 ddd iiii iiii",
        "T16_ADD_hi    0100 0100 dmmm mddd",      # ADD (register) T2: D:Rdn
        "T16_CMP_hi    0100 0101 nmmm mnnn",      # CMP (register) T2: N:Rn
        "T16_MOV_hi    0100 0110 dmmm mddd",      # MOV (register) T1: D:Rd
        "T16_ADR       1010 0ddd iiii iiii",
        "T16_ADD_spi   1010 1ddd iiii iiii",
        "T16_ADD_sp7   1011 0000 0iii iiii",
        "T16_SUB_sp7   1011 0000 1iii iiii",
    ]
    for code, name in enumerate(T16_ALU):
        if name is not None:
            rows.append("T16_%s_alu  0100 00%s mmm ddd" % (name, format(code, "04b")))
    return "\n".join(rows)


def _t16_shift_imm(stype: int):
    def emit(e, f):
        setflags = not e.in_it_block
        y, carry = _shifted(e, f["rm"], stype, f["imm"], "MOV", setflags)
        dp_execute(e, "MOV", f["rd"], None, y, carry, setflags)
    return emit


for _stype, _name in enumerate(("LSL", "LSR", "ASR")):
    op(HANDLERS, "T16_%s_imm" % _name)(_t16_shift_imm(_stype))


def _t16_arith(name: str, operand: str):
    def emit(e, f):
        if operand == "reg":
            y = e.rd(f["rm"])
        else:
            y = "0x%x" % f["imm"]
        n = f.get("rn", f["rd"])
        dp_execute(e, name, f["rd"], n, y, None, not e.in_it_block)
    return emit


for _name in ("ADD", "SUB"):
    op(HANDLERS, "T16_%s_rrr" % _name)(_t16_arith(_name, "reg"))
    op(HANDLERS, "T16_%s_rri3" % _name)(_t16_arith(_name, "imm"))
    op(HANDLERS, "T16_%s_ri8" % _name)(_t16_arith(_name, "imm"))


@op(HANDLERS, "T16_MOV_ri")
def t16_mov_ri(e, f):
    dp_execute(e, "MOV", f["rd"], None, "0x%x" % f["imm"], None, not e.in_it_block)


@op(HANDLERS, "T16_CMP_ri")
def t16_cmp_ri(e, f):
    dp_execute(e, "CMP", 15, f["rn"], "0x%x" % f["imm"], None, True)


@op(HANDLERS, "T16_ADD_hi")
def t16_add_hi(e, f):
    dp_execute(e, "ADD", f["rd"], f["rd"], e.rd(f["rm"]), None, False)


@op(HANDLERS, "T16_CMP_hi")
def t16_cmp_hi(e, f):
    dp_execute(e, "CMP", 15, f["rn"], e.rd(f["rm"]), None, True)


@op(HANDLERS, "T16_MOV_hi")
def t16_mov_hi(e, f):
    dp_execute(e, "MOV", f["rd"], None, e.rd(f["rm"]), None, False)


@op(HANDLERS, "T16_ADR")
def t16_adr(e, f):
    e.wr(f["rd"], "0x%x" % ((e.pc_aligned + (f["imm"] << 2)) & 0xFFFFFFFF))


@op(HANDLERS, "T16_ADD_spi")
def t16_add_spi(e, f):
    e.wr(f["rd"], "(R[13] + %d) & 0xffffffff" % (f["imm"] << 2))


@op(HANDLERS, "T16_ADD_sp7")
def t16_add_sp7(e, f):
    e.wr(13, "(R[13] + %d) & 0xffffffff" % (f["imm"] << 2))


@op(HANDLERS, "T16_SUB_sp7")
def t16_sub_sp7(e, f):
    e.wr(13, "(R[13] - %d) & 0xffffffff" % (f["imm"] << 2))


def _t16_alu(name: str):
    def emit(e, f):
        d = f["rd"]
        setflags = name in NO_RESULT or not e.in_it_block
        if name in T16_SHIFTS:            # Rdn = Rdn <shift> Rm<7:0>
            y, carry = _reg_shifted(e, d, T16_SHIFTS[name], f["rm"])
            dp_execute(e, "MOV", d, None, y, carry, setflags)
        elif name == "RSB":               # NEG: Rd = 0 - Rm
            dp_execute(e, "RSB", d, f["rm"], "0", None, setflags)
        elif name in ("MVN",):
            dp_execute(e, name, d, None, e.rd(f["rm"]), None, setflags)
        else:
            dp_execute(e, name, 15 if name in NO_RESULT else d, d, e.rd(f["rm"]), None, setflags)
    return emit


for _name in T16_ALU:
    if _name is not None:
        op(HANDLERS, "T16_%s_alu" % _name, cycles=2 if _name in T16_SHIFTS else 1)(_t16_alu(_name))


TABLES = {"A32": _a32_table(), "T32": _t32_table(), "T16": _t16_table()}
FIELDS = {"A32": {"k": "imm16hi"}, "T32": {"k": "imm16hi"}, "T16": {}}
