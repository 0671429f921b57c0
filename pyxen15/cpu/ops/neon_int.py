"""Advanced SIMD integer data-processing (A7.4.1-A7.4.4, A7.4.6; A8.8 per instruction).

The groups of A7.4 that operate on integers: three registers of the same
length (A7.4.1, the integer rows: A = 0000-1011), of different lengths
(A7.4.2: long, wide and narrow), two registers and a scalar (A7.4.3, F = 0),
two registers and a shift amount (A7.4.4) and one register and a modified
immediate (A7.4.6).  The floating-point rows of the same groups are
neon_fp.py's, the two-register miscellaneous group neon_misc.py's.

The tables are written once in the A32 form; the T32 form differs only in
where the U bit sits (lanes.PREFIX: 1111 001U in A32, 111U 1111 in T32), so
one template makes both (as vfp.py does for the condition field).  Fields
carry the ARM ARM's names (lanes.LEGEND).

Every operation is one Python expression on the lanes: ``x`` an element of
the first operand (Vn, or Vm for the one-source and shift forms), ``y`` one
of the second (Vm, the shift count, or the scalar), ``z`` one of the
destination (the accumulating forms), and lanes.lanes() applies it to every
lane, modulo 2^esize, in range, or saturated with FPSCR.QC.  Element sizes,
signedness and D/Q are operands of one handler per operation.

Register numbers are D numbers (D:Vd); a Q register is its even D register
and the next: Q=1 with an odd register is UNDEFINED, as are the reserved
sizes each instruction's decode names.

Cycle classes (the A15 timing table has no NEON figures): integer ALU and
shifts 3, multiplies 5, multiply-accumulate 6, a Q register one more.
"""

from typing import Dict, List

from . import Op, op
from ..neon import lanes as L
from ..neon.lanes import Vec, read

HANDLERS: Dict[str, Op] = {}
COST = {"alu": 3, "mul": 5, "mac": 6}

# -- encodings ----------------------------------------------------------------------------------

# A7.4.1 three registers of the same length: A = bits 11:8, B = bit 4, C = size
_SAME = """
VHADD      {p}  0Dzz nnnn dddd 0000 NQM0 mmmm
VQADD      {p}  0Dzz nnnn dddd 0000 NQM1 mmmm
VRHADD     {p}  0Dzz nnnn dddd 0001 NQM0 mmmm
VAND       {u0} 0D00 nnnn dddd 0001 NQM1 mmmm
VBIC_reg   {u0} 0D01 nnnn dddd 0001 NQM1 mmmm
VORR_reg   {u0} 0D10 nnnn dddd 0001 NQM1 mmmm
VORN       {u0} 0D11 nnnn dddd 0001 NQM1 mmmm
VEOR       {u1} 0D00 nnnn dddd 0001 NQM1 mmmm
VBSL       {u1} 0D01 nnnn dddd 0001 NQM1 mmmm
VBIT       {u1} 0D10 nnnn dddd 0001 NQM1 mmmm
VBIF       {u1} 0D11 nnnn dddd 0001 NQM1 mmmm
VHSUB      {p}  0Dzz nnnn dddd 0010 NQM0 mmmm
VQSUB      {p}  0Dzz nnnn dddd 0010 NQM1 mmmm
VCGT_reg   {p}  0Dzz nnnn dddd 0011 NQM0 mmmm
VCGE_reg   {p}  0Dzz nnnn dddd 0011 NQM1 mmmm
VSHL_reg   {p}  0Dzz nnnn dddd 0100 NQM0 mmmm
VQSHL_reg  {p}  0Dzz nnnn dddd 0100 NQM1 mmmm
VRSHL      {p}  0Dzz nnnn dddd 0101 NQM0 mmmm
VQRSHL     {p}  0Dzz nnnn dddd 0101 NQM1 mmmm
VMAX_int   {p}  0Dzz nnnn dddd 0110 NQM0 mmmm
VMIN_int   {p}  0Dzz nnnn dddd 0110 NQM1 mmmm
VABD_int   {p}  0Dzz nnnn dddd 0111 NQM0 mmmm
VABA       {p}  0Dzz nnnn dddd 0111 NQM1 mmmm
VADD_int   {u0} 0Dzz nnnn dddd 1000 NQM0 mmmm
VSUB_int   {u1} 0Dzz nnnn dddd 1000 NQM0 mmmm
VTST       {u0} 0Dzz nnnn dddd 1000 NQM1 mmmm
VCEQ_reg   {u1} 0Dzz nnnn dddd 1000 NQM1 mmmm
VMLA_int   {u0} 0Dzz nnnn dddd 1001 NQM0 mmmm
VMLS_int   {u1} 0Dzz nnnn dddd 1001 NQM0 mmmm
VMUL_int   {p}  0Dzz nnnn dddd 1001 NQM1 mmmm
VPMAX_int  {p}  0Dzz nnnn dddd 1010 NQM0 mmmm
VPMIN_int  {p}  0Dzz nnnn dddd 1010 NQM1 mmmm
VQDMULH    {u0} 0Dzz nnnn dddd 1011 NQM0 mmmm
VQRDMULH   {u1} 0Dzz nnnn dddd 1011 NQM0 mmmm
VPADD_int  {u0} 0Dzz nnnn dddd 1011 NQM1 mmmm
"""

# A7.4.2 three registers of different lengths and A7.4.3 two registers and a
# scalar: bit 23 set, size not 11 (that is VEXT and the two-register groups),
# so each row is written twice: size 0z (00, 01) and 10.  Bit 8 of the
# scalar rows that have a float form (F) is 0 here.
_DIFF = """
VADDL_VADDW    {p}  1D{s} nnnn dddd 000o N0M0 mmmm
VSUBL_VSUBW    {p}  1D{s} nnnn dddd 001o N0M0 mmmm
VADDHN         {u0} 1D{s} nnnn dddd 0100 N0M0 mmmm
VRADDHN        {u1} 1D{s} nnnn dddd 0100 N0M0 mmmm
VABAL          {p}  1D{s} nnnn dddd 0101 N0M0 mmmm
VSUBHN         {u0} 1D{s} nnnn dddd 0110 N0M0 mmmm
VRSUBHN        {u1} 1D{s} nnnn dddd 0110 N0M0 mmmm
VABDL          {p}  1D{s} nnnn dddd 0111 N0M0 mmmm
VMLAL_VMLSL    {p}  1D{s} nnnn dddd 10o0 N0M0 mmmm
VQDMLAL_VQDMLSL {u0} 1D{s} nnnn dddd 10o1 N0M0 mmmm
VMULL_int      {p}  1D{s} nnnn dddd 11o0 N0M0 mmmm
VQDMULL        {u0} 1D{s} nnnn dddd 1101 N0M0 mmmm
VMLA_VMLS_scalar    {p}  1D{s} nnnn dddd 0o00 N1M0 mmmm
VMLAL_VMLSL_scalar  {p}  1D{s} nnnn dddd 0o10 N1M0 mmmm
VQDMLAL_VQDMLSL_scalar {u0} 1D{s} nnnn dddd 0o11 N1M0 mmmm
VMUL_scalar    {p}  1D{s} nnnn dddd 1000 N1M0 mmmm
VMULL_scalar   {p}  1D{s} nnnn dddd 1010 N1M0 mmmm
VQDMULL_scalar {u0} 1D{s} nnnn dddd 1011 N1M0 mmmm
VQDMULH_scalar {p}  1D{s} nnnn dddd 1100 N1M0 mmmm
VQRDMULH_scalar {p} 1D{s} nnnn dddd 1101 N1M0 mmmm
"""
_SIZES_NOT_11 = ("0z", "10")

# A7.4.4 two registers and a shift amount: L:imm6 gives the element size,
# with L:imm6 = 0000xxx the modified-immediate group.  Each row is written
# once per size, the shift field named by it: 001bbb (8 bits), 01hhhh
# (16), 1wwwww (32), L=1 gggggg (64) -- so the rows are clear of A7.4.6.
_SHIFT = """
VSHR       {p}  1D{imm6} dddd 0000 {L}QM1 mmmm
VSRA       {p}  1D{imm6} dddd 0001 {L}QM1 mmmm
VRSHR      {p}  1D{imm6} dddd 0010 {L}QM1 mmmm
VRSRA      {p}  1D{imm6} dddd 0011 {L}QM1 mmmm
VSRI       {u1} 1D{imm6} dddd 0100 {L}QM1 mmmm
VSHL_imm   {u0} 1D{imm6} dddd 0101 {L}QM1 mmmm
VSLI       {u1} 1D{imm6} dddd 0101 {L}QM1 mmmm
VQSHL_imm  {p}  1D{imm6} dddd 011o {L}QM1 mmmm
"""
_NARROW = """
VSHRN      {u0} 1D{imm6} dddd 1000 00M1 mmmm
VRSHRN     {u0} 1D{imm6} dddd 1000 01M1 mmmm
VQSHRUN    {u1} 1D{imm6} dddd 1000 00M1 mmmm
VQRSHRUN   {u1} 1D{imm6} dddd 1000 01M1 mmmm
VQSHRN     {p}  1D{imm6} dddd 1001 00M1 mmmm
VQRSHRN    {p}  1D{imm6} dddd 1001 01M1 mmmm
VSHLL_VMOVL {p} 1D{imm6} dddd 1010 00M1 mmmm
"""
_SHIFT_SIZES = (("001bbb", "0"), ("01hhhh", "0"), ("1wwwww", "0"), ("gggggg", "1"))
_SHIFT_FIELD = {"imm3": 8, "imm4": 16, "imm5": 32, "imm6": 64}
_CVT = """
VCVT_fixed {p}  1D1w wwww dddd 111o 0QM1 mmmm
"""

# A7.4.6 one register and a modified immediate: imm8 = i:imm3:imm4, the i
# bit where U sits (so it is read as U)
_MODIMM = """
VMOV_VMVN_VORR_VBIC_imm {p} 1D00 0iii dddd cccc 0Qo1 iiii
"""

_SHIFT_LETTERS = {"b": "imm3", "h": "imm4", "w": "imm5", "g": "imm6"}
_LEGEND = dict(L.LEGEND, **_SHIFT_LETTERS)
LEGEND = {"A32U": _LEGEND, "T32": _LEGEND}


def _table(isa: str) -> str:
    pre = L.prefixes(isa)
    rows: List[str] = [_SAME.format(**pre), _MODIMM.format(**pre), _CVT.format(**pre)]
    for s in _SIZES_NOT_11:
        rows.append(_DIFF.format(s=s, **pre))
    for imm6, l_bit in _SHIFT_SIZES:
        rows.append(_SHIFT.format(imm6=imm6, L=l_bit, **pre))
        if l_bit == "0":
            rows.append(_NARROW.format(imm6=imm6, **pre))
    return "".join(rows)


TABLES = {"A32U": _table("A32U"), "T32": _table("T32")}


# -- operands ------------------------------------------------------------------------------------

def _d(f) -> int:
    return L.dreg(f, "vd", "D")


def _n(f) -> int:
    return L.dreg(f, "vn", "N")


def _m(f) -> int:
    return L.dreg(f, "vm", "M")


def _size(f) -> int:
    """size: a field of the row, or 10 where the row fixes it (_DIFF)."""
    return f.get("size", 2)


def _cost(e, cls: str, q: bool) -> None:
    e.cost = COST[cls] + int(q)


def _signed(f) -> bool:
    return f["U"] == 0


# -- A7.4.1: three registers of the same length ------------------------------------------------------

# name: (element expression, result kind, sizes allowed, signedness: from U,
# or fixed, cost class).  Kinds: "mod" modulo 2^esize, "sat" saturated (QC),
# "range" already in range of the element type, "logic" a bitwise operation
# on the whole register (as signed 64-bit elements: always in range).  The shift forms take their
# value from Vm and the shift count from the low byte of Vn's element
# (A8.8 VSHL (register): Elem[Dm] << SInt(Elem[Dn]<7:0>)), which
# neon_sb turns into a signed count.
_ALL, _NO64, _HS = (0, 1, 2, 3), (0, 1, 2), (1, 2)

# Comparisons, maxima, minima and absolute differences without a branch:
# a data-dependent branch in a lane is a guard in PyPy's trace that fails
# for some data and grows a bridge.  (d >> 63) is -1 for a negative d and 0
# otherwise, for the lanes of up to 32 bits these apply to (d within 34).
GT = "(y - x) >> 63"                                  # all ones if x > y
GE = "~((x - y) >> 63)"                               # ... if x >= y
EQ = "((x ^ y) - 1) >> 63"                            # unsigned lanes: x ^ y >= 0
TST = "~(((x & y) - 1) >> 63)"                        # ... if x & y != 0
MAX = "x - ((n_t := x - y) & (n_t >> 63))"
MIN = "y + ((n_t := x - y) & (n_t >> 63))"
ABD = "((n_t := x - y) ^ (n_u := n_t >> 63)) - n_u"
_SHL = "x << n_sh if (n_sh := neon_sb[y & 0xff]) >= 0 else x >> -n_sh"
_RSHL = "x << n_sh if (n_sh := neon_sb[y & 0xff]) >= 0 else (x + (1 << (-n_sh - 1))) >> -n_sh"
SAME = {
    "VHADD": ("(x + y) >> 1", "mod", _NO64, "U", "alu"),
    "VRHADD": ("(x + y + 1) >> 1", "mod", _NO64, "U", "alu"),
    "VQADD": ("x + y", "sat", _ALL, "U", "alu"),
    "VHSUB": ("(x - y) >> 1", "mod", _NO64, "U", "alu"),
    "VQSUB": ("x - y", "sat", _ALL, "U", "alu"),
    "VCGT_reg": (GT, "mod", _NO64, "U", "alu"),
    "VCGE_reg": (GE, "mod", _NO64, "U", "alu"),
    "VSHL_reg": (_SHL, "mod", _ALL, "U", "alu"),
    "VQSHL_reg": (_SHL, "sat", _ALL, "U", "alu"),
    "VRSHL": (_RSHL, "mod", _ALL, "U", "alu"),
    "VQRSHL": (_RSHL, "sat", _ALL, "U", "alu"),
    "VMAX_int": (MAX, "range", _NO64, "U", "alu"),
    "VMIN_int": (MIN, "range", _NO64, "U", "alu"),
    "VABD_int": (ABD, "mod", _NO64, "U", "alu"),
    "VABA": ("z + " + ABD, "mod", _NO64, "U", "alu"),
    "VADD_int": ("x + y", "mod", _ALL, False, "alu"),
    "VSUB_int": ("x - y", "mod", _ALL, False, "alu"),
    "VTST": (TST, "mod", _NO64, False, "alu"),
    "VCEQ_reg": (EQ, "mod", _NO64, False, "alu"),
    "VMLA_int": ("z + x * y", "mod", _NO64, True, "mac"),
    "VMLS_int": ("z - x * y", "mod", _NO64, True, "mac"),
    "VQDMULH": ("(2 * x * y) >> {E}", "sat", _HS, True, "mul"),
    "VQRDMULH": ("(2 * x * y + {R}) >> {E}", "sat", _HS, True, "mul"),
    # bitwise: Vd's old value is z (VBSL selects by it, VBIT/VBIF insert by Vm)
    "VAND": ("x & y", "logic", None, False, "alu"),
    "VBIC_reg": ("x & ~y", "logic", None, False, "alu"),
    "VORR_reg": ("x | y", "logic", None, False, "alu"),
    "VORN": ("x | ~y", "logic", None, False, "alu"),
    "VEOR": ("x ^ y", "logic", None, False, "alu"),
    "VBSL": ("(x & z) | (y & ~z)", "logic", None, False, "alu"),
    "VBIT": ("(z & ~y) | (x & y)", "logic", None, False, "alu"),
    "VBIF": ("(z & y) | (x & ~y)", "logic", None, False, "alu"),
}
_SHIFT_BY_REG = ("VSHL_reg", "VQSHL_reg", "VRSHL", "VQRSHL")

def _pmul8_table() -> tuple:
    """The polynomial (carry-less) products of two bytes (VMUL.P8,
    VMULL.P8), at [a << 8 | b]: each row built from the products by
    fewer bits, b's lowest set bit contributing a shifted copy of a."""
    out = []
    for a in range(256):
        row = [0] * 256
        for b in range(1, 256):
            low = b & -b
            row[b] = row[b ^ low] ^ (a * low)
        out += row
    return tuple(out)


PMUL8 = _pmul8_table()
SIGNED_BYTE = tuple(b - 256 if b & 0x80 else b for b in range(256))


# The word-parallel forms of modular addition and subtraction: the sum of
# the elements' low bits, with each top bit put back by XOR, so that no
# carry or borrow crosses into the next element (Hacker's Delight, 2-18).
# The same result as the element expressions, in a fraction of the
# operations for bytes and halfwords.
WORD_PARALLEL = {
    "VADD_int": "((x & {L}) + (y & {L})) ^ ((x ^ y) & {H})",
    "VSUB_int": "((x | {H}) - (y & {L})) ^ ((x ^ y ^ {H}) & {H})",
}


def same_execute(e, name: str, q: int, size: int, signed: bool, d: int, n: int, m: int) -> None:
    """The element-wise three-register operations (A8.8: VADD (integer),
    VQADD, VHADD, VSHL (register), ...): Vd = op(Vn, Vm [, Vd])."""
    expr, kind, sizes, _, cls = SAME[name]
    esize = 8 << size
    regs = 2 if q else 1
    _cost(e, cls, q)
    L.enabled(e, d, n, m)
    if name in WORD_PARALLEL and esize < 32:
        L.word_parallel(e, Vec(d, esize, False, regs), WORD_PARALLEL[name],
                        [Vec(n, esize, False, regs), Vec(m, esize, False, regs)])
        return
    if kind == "logic":
        # bitwise: signed doublewords, so that no value needs more than 64 bits
        esize, signed = 64, True
    if esize == 64 and name in ("VADD_int", "VSUB_int"):
        signed = True            # modular: signed doublewords need no more than 64 bits
    vn, vm, vd = (Vec(r, esize, signed, regs) for r in (n, m, d))
    expr = expr.format(E=esize, R=1 << (esize - 1))
    if name in _SHIFT_BY_REG:
        # the value is Vm's lane, the count the low byte of Vn's, signed
        sources = [read(vm), read(vn._replace(signed=False))]
    else:
        sources = [read(vn), read(vm)]
    if "z" in expr:
        sources.append(read(vd))
    # the exact results' size, where it is known (saturating forms)
    bits = {"VQADD": esize + 1, "VQSUB": esize + 1, "VQDMULH": 2 * esize,
            "VQRDMULH": 2 * esize}.get(name, 0)
    L.lanes(e, vd._replace(signed=signed), expr, sources, sat=kind == "sat",
            masked=kind == "mod", bits=bits)


def _same(name: str):
    sizes, sign = SAME[name][2], SAME[name][3]

    def emit(e, f):
        q, size = f["Q"], f.get("size", 3)
        d, n, m = _d(f), _n(f), _m(f)
        if L.q_odd(q, d, n, m) or (sizes is not None and size not in sizes):
            e.undefined()
            return
        signed = _signed(f) if sign == "U" else sign
        same_execute(e, name, q, size, signed, d, n, m)
    return emit


for _name in SAME:
    op(HANDLERS, _name, cycles=COST[SAME[_name][4]])(_same(_name))


@op(HANDLERS, "VMUL_int", cycles=COST["mul"])
def vmul_int(e, f):
    """VMUL (integer and polynomial) (A8.8): U selects polynomial, which
    exists only for bytes."""
    q, size, poly = f["Q"], f["size"], f["U"] == 1
    d, n, m = _d(f), _n(f), _m(f)
    if L.q_odd(q, d, n, m) or size == 3 or (poly and size != 0):
        e.undefined()
        return
    regs = 2 if q else 1
    _cost(e, "mul", q)
    L.enabled(e, d, n, m)
    # modular products: the lanes read signed keep a 32-bit product within
    # 62 bits, where PyPy's ints are machine words
    vn, vm, vd = (Vec(r, 8 << size, not poly, regs) for r in (n, m, d))
    expr = "neon_pmul8[x << 8 | y] & 0xff" if poly else "x * y"
    L.lanes(e, vd, expr, [read(vn), read(vm)], masked=not poly)


# the pairwise operations (A8.8 VPADD (integer), VPMAX, VPMIN):
# the lanes of Dn then Dm taken in adjacent pairs
PAIRWISE = {"VPADD_int": ("x + y", "mod"), "VPMAX_int": (MAX, "range"), "VPMIN_int": (MIN, "range")}


def pairwise_execute(e, name: str, size: int, signed: bool, d: int, n: int, m: int) -> None:
    expr, kind = PAIRWISE[name]
    esize = 8 << size
    _cost(e, "alu", False)
    L.enabled(e, d, n, m)
    vd = Vec(d, esize, signed)
    bound = L.bind(e, [read(Vec(n, esize, signed)), read(Vec(m, esize, signed))])
    elements = L.unrolled("x", bound[:1], vd.count) + L.unrolled("x", bound[1:], vd.count)
    out = []
    for i in range(vd.count):
        lane = L.substitute(expr, {"x": elements[2 * i], "y": elements[2 * i + 1]})
        out.append("(%s) & 0x%x" % (lane, L.MASK[esize]) if kind == "mod" else lane)
    L.write(e, vd._replace(signed=signed and kind != "mod"), out)


def _pairwise(name: str):
    def emit(e, f):
        # Q = 1 is UNDEFINED: these are D-register only
        if f["Q"] or f["size"] == 3:
            e.undefined()
            return
        signed = _signed(f) if name != "VPADD_int" else False
        pairwise_execute(e, name, f["size"], signed, _d(f), _n(f), _m(f))
    return emit


for _name in PAIRWISE:
    op(HANDLERS, _name, cycles=COST["alu"])(_pairwise(_name))


# -- A7.4.2: three registers of different lengths ------------------------------------------------

# Two shapes: long (Qd of 2*esize elements from Dn or, the W forms, Qn, and
# Dm) and narrow (Dd of esize elements, the high halves of Qn op Qm); each
# row's element expression is given where its handler is registered.

def long_execute(e, expr: str, size: int, signed: bool, d: int, n: int, m: int,
                 wide_n: bool = False, acc="", sat: bool = False,
                 scalar: bool = False, cls: str = "alu") -> None:
    """The long forms (A8.8: VADDL, VADDW, VABAL, VMLAL, VQDMLAL, VMULL, ...):
    Qd<2e> = expr of Dn<e> (x; or Qn<2e>: `wide_n`), Dm<e> (y; or, for
    `scalar`, the block local n_y) and, accumulating (`acc`), Qd (z).  `sat`:
    the doubling product saturates, then the accumulation `acc` ('+' or
    '-': VQDMLAL and VQDMLSL saturate twice, QC from either step)."""
    esize = 8 << size
    _cost(e, cls, True)
    L.enabled(e, d, d + 1, n, n + int(wide_n), m)
    # the doubleword accumulator and wide operand are modular (or signed):
    # read signed, they need no more than 64 bits
    vd = Vec(d, 2 * esize, signed or esize == 32, 2)
    sources = [read(Vec(n, 2 * esize, signed or esize == 32, 2) if wide_n else Vec(n, esize, signed))]
    names = ["x"]
    if not scalar:
        sources.append(read(Vec(m, esize, signed)))
        names.append("y")
    if sat:
        L.saturating(e, "n_q", L.unrolled(expr, L.bind(e, sources), vd.count, names), 2 * esize, True,
                     2 * esize + 1)
        if acc:
            L.lanes(e, vd, "z %s w" % acc, [read(vd), "n_q"], sat=True, names=("z", "w"),
                    bits=2 * esize + 1)
        else:
            L.write(e, vd, "n_q")
        return
    if acc:
        sources.append(read(vd))
        names.append("z")
    L.lanes(e, vd, expr, sources, names=names)


def narrow_execute(e, expr: str, size: int, d: int, n: int, m: int) -> None:
    """VADDHN, VRADDHN, VSUBHN, VRSUBHN (A8.8): Dd<e> = the high
    halves of Qn<2e> op Qm<2e>."""
    esize = 8 << size
    _cost(e, "alu", True)
    L.enabled(e, d, n, n + 1, m, m + 1)
    # 64-bit sources read signed: the high half of the modular sum is the same
    sources = [read(Vec(r, 2 * esize, esize == 32, 2)) for r in (n, m)]
    L.lanes(e, Vec(d, esize), expr.format(E=esize, R=1 << (esize - 1)), sources)


def _undef_odd(e, *regs) -> bool:
    if any(r & 1 for r in regs):
        e.undefined()
        return True
    return False


def _long_addsub(minus: bool):
    def emit(e, f):
        d, n, m, wide = _d(f), _n(f), _m(f), f["op"] == 1
        if _undef_odd(e, d, n if wide else 0):
            return
        long_execute(e, "x - y" if minus else "x + y", _size(f), _signed(f), d, n, m, wide_n=wide)
    return emit


# VADDL, VADDW, VSUBL, VSUBW (A8.8): op is the W form
op(HANDLERS, "VADDL_VADDW", cycles=COST["alu"])(_long_addsub(False))
op(HANDLERS, "VSUBL_VSUBW", cycles=COST["alu"])(_long_addsub(True))


def _narrow(expr: str):
    def emit(e, f):
        d, n, m = _d(f), _n(f), _m(f)
        if _undef_odd(e, n, m):
            return
        narrow_execute(e, expr, _size(f), d, n, m)
    return emit


for _name, _expr in (("VADDHN", "(x + y) >> {E}"), ("VRADDHN", "(x + y + {R}) >> {E}"),
                     ("VSUBHN", "(x - y) >> {E}"), ("VRSUBHN", "(x - y + {R}) >> {E}")):
    op(HANDLERS, _name, cycles=COST["alu"])(_narrow(_expr))


def _long(expr: str, acc: bool = False, cls: str = "alu"):
    def emit(e, f):
        d, n, m = _d(f), _n(f), _m(f)
        if _undef_odd(e, d):
            return
        long_execute(e, expr, _size(f), _signed(f), d, n, m, acc=acc, cls=cls)
    return emit


op(HANDLERS, "VABAL", cycles=COST["alu"])(_long("z + " + ABD, True))
op(HANDLERS, "VABDL", cycles=COST["alu"])(_long(ABD))


@op(HANDLERS, "VMLAL_VMLSL", cycles=COST["mac"])
def vmlal_vmlsl(e, f):
    """VMLAL, VMLSL (integer) (A8.8): op is subtract."""
    d = _d(f)
    if _undef_odd(e, d):
        return
    long_execute(e, "z - x * y" if f["op"] else "z + x * y", _size(f), _signed(f), d, _n(f), _m(f),
                 acc=True, cls="mac")


@op(HANDLERS, "VMULL_int", cycles=COST["mul"])
def vmull_int(e, f):
    """VMULL (integer and polynomial) (A8.8): op (bit 9) is polynomial,
    for bytes only, and unsigned (U = 0)."""
    d, size = _d(f), _size(f)
    if _undef_odd(e, d):
        return
    if f["op"]:
        if size != 0 or f["U"]:
            e.undefined()
            return
        long_execute(e, "neon_pmul8[x << 8 | y]", 0, False, d, _n(f), _m(f), cls="mul")
        return
    long_execute(e, "x * y", size, _signed(f), d, _n(f), _m(f), cls="mul")


def _qdmull_sizes(e, f) -> bool:
    """The doubling forms exist for halfwords and words only."""
    if _size(f) == 0 or _d(f) & 1:
        e.undefined()
        return False
    return True


@op(HANDLERS, "VQDMLAL_VQDMLSL", cycles=COST["mac"])
def vqdmlal(e, f):
    """VQDMLAL, VQDMLSL (A8.8): Qd = Sat(Qd +/- Sat(2 * Dn * Dm)), signed."""
    if _qdmull_sizes(e, f):
        long_execute(e, "2 * x * y", _size(f), True, _d(f), _n(f), _m(f), acc="-" if f["op"] else "+",
                     sat=True, cls="mac")


@op(HANDLERS, "VQDMULL", cycles=COST["mul"])
def vqdmull(e, f):
    """VQDMULL (A8.8): Qd = Sat(2 * Dn * Dm), signed."""
    if _qdmull_sizes(e, f):
        long_execute(e, "2 * x * y", _size(f), True, _d(f), _n(f), _m(f), sat=True, cls="mul")


# -- A7.4.3: two registers and a scalar (the integer forms) -------------------------------------------

def _scalar(e, f, signed: bool) -> None:
    """The scalar Dm[x] into the block local n_y (A7.4.3: 16-bit elements:
    Dm = Vm<2:0>, x = M:Vm<3>; 32-bit: Dm = Vm, x = M)."""
    size = _size(f)
    reg, index = _scalar_reg(f)
    e.line("n_y = %s[%d]" % (read(Vec(reg, 8 << size, signed)), index))


def _scalar_reg(f):
    """(Dm, index) of the scalar."""
    vm, mbit = f["vm"], f["M"]
    if _size(f) == 1:
        return vm & 7, mbit << 1 | vm >> 3
    return vm, mbit


def scalar_execute(e, f, expr: str, q: int, signed: bool, acc: bool = False,
                   sat: bool = False, cls: str = "mul") -> None:
    """VMLA, VMLS, VMUL, VQDMULH, VQRDMULH by scalar (A8.8):
    Vd = expr of Vn's lanes (x), the scalar (y) and Vd's lanes (z)."""
    esize = 8 << _size(f)
    d, n = _d(f), _n(f)
    regs = 2 if q else 1
    _cost(e, cls, bool(q))
    L.enabled(e, d, n, _scalar_reg(f)[0])
    _scalar(e, f, signed)
    vd = Vec(d, esize, signed, regs)
    sources, names = [read(Vec(n, esize, signed, regs))], ["x"]
    if acc:
        sources.append(read(vd))
        names.append("z")
    L.lanes(e, vd, L.substitute(expr, {"y": "n_y"}), sources, sat=sat, masked=not sat, names=names,
            bits=2 * esize)


def _scalar_decode(e, f, long: bool) -> bool:
    """The checks every by-scalar form shares: size 16 or 32 bits; Q (bit
    24, U's place, in the non-long forms) with odd Vd or Vn, or a long
    form's odd Vd: UNDEFINED."""
    if _size(f) not in (1, 2):
        e.undefined()
        return False
    bad = _d(f) & 1 if long else L.q_odd(f["U"], _d(f), _n(f))
    if bad:
        e.undefined()
        return False
    return True


@op(HANDLERS, "VMLA_VMLS_scalar", cycles=COST["mac"])
def vmla_scalar(e, f):
    """VMLA, VMLS (by scalar, integer) (A8.8): op is subtract."""
    if _scalar_decode(e, f, False):
        scalar_execute(e, f, "z - x * y" if f["op"] else "z + x * y", f["U"], True, acc=True, cls="mac")


@op(HANDLERS, "VMUL_scalar", cycles=COST["mul"])
def vmul_scalar(e, f):
    """VMUL (by scalar, integer) (A8.8)."""
    if _scalar_decode(e, f, False):
        scalar_execute(e, f, "x * y", f["U"], True)


def _qdmulh_scalar(rounding: bool):
    """VQDMULH, VQRDMULH (by scalar) (A8.8): signed."""
    def emit(e, f):
        if not _scalar_decode(e, f, False):
            return
        esize = 8 << _size(f)
        expr = "(2 * x * y + %d) >> %d" % (1 << (esize - 1), esize) if rounding else \
            "(2 * x * y) >> %d" % esize
        scalar_execute(e, f, expr, f["U"], True, sat=True)
    return emit


op(HANDLERS, "VQDMULH_scalar", cycles=COST["mul"])(_qdmulh_scalar(False))
op(HANDLERS, "VQRDMULH_scalar", cycles=COST["mul"])(_qdmulh_scalar(True))


def _long_scalar(expr: str, acc: str = "", sat: bool = False, cls: str = "mul", op_sub: bool = False):
    """VMLAL, VMLSL, VMULL, VQDMLAL, VQDMLSL, VQDMULL by scalar (A8.8): the
    long forms with y the scalar."""
    def emit(e, f):
        if not _scalar_decode(e, f, True):
            return
        signed = True if sat else _signed(f)
        how, e_expr = acc, expr
        if op_sub and f["op"]:
            how = "-"
            e_expr = expr.replace("z +", "z -")
        d = _d(f)
        L.enabled(e, d, d + 1, _n(f), _scalar_reg(f)[0])
        _scalar(e, f, signed)
        long_execute(e, L.substitute(e_expr, {"y": "n_y"}), _size(f), signed, d, _n(f), 0,
                     acc=how if sat else bool(how), sat=sat, scalar=True, cls=cls)
    return emit


op(HANDLERS, "VMLAL_VMLSL_scalar", cycles=COST["mac"])(_long_scalar("z + x * y", "+", cls="mac", op_sub=True))
op(HANDLERS, "VMULL_scalar", cycles=COST["mul"])(_long_scalar("x * y"))
op(HANDLERS, "VQDMLAL_VQDMLSL_scalar", cycles=COST["mac"])(
    _long_scalar("2 * x * y", "+", sat=True, cls="mac", op_sub=True))
op(HANDLERS, "VQDMULL_scalar", cycles=COST["mul"])(_long_scalar("2 * x * y", sat=True))


# -- A7.4.4: two registers and a shift amount -------------------------------------------------------

def shift_size(f):
    """(esize, the shift field's value) from the row's size-named field."""
    for name, esize in _SHIFT_FIELD.items():
        if name in f:
            return esize, f[name]
    raise KeyError("no shift field")


# name: (expression of x = Vm's lane, z = Vd's, s = the shift; kind;
# right shift: the count is esize - field, else the field itself)
SHIFTS = {
    "VSHR": ("{shr}", "mod", True),
    "VSRA": ("z + {shr}", "mod", True),
    "VRSHR": ("{rshr}", "mod", True),
    "VRSRA": ("z + {rshr}", "mod", True),
    "VSRI": ("(z & {keep}) | {shr}", "range", True),
    "VSHL_imm": ("{shl}", "mod", False),
    "VSLI": ("(z & {keep}) | {shl}", "mod", False),
}


def _shifted(esize: int, shift: int, signed: bool) -> Dict[str, str]:
    """The shifted lane x, right ({shr}), right rounded ({rshr}: the
    pseudocode's (x + 2^(s-1)) >> s, as x >> s plus the last bit shifted
    out) and left ({shl}).  64-bit lanes are read signed whatever the
    operation, so that no value needs more than 64 bits: an unsigned right
    shift then masks the sign copies off, and a left shift sign-extends
    the bits that stay from bit 63 - s first."""
    wide = esize == 64
    shr = "(x >> %d)" % shift
    if wide and not signed:
        shr = "(x >> %d & 0x%x)" % (shift, L.MASK[64] >> shift)
    rshr = "(%s + (x >> %d & 1))" % (shr, shift - 1) if shift else shr
    if wide and 0 < shift < 64:          # (a right shift may be by 64)
        h = 1 << (63 - shift)
        shl = "(((x & 0x%x) ^ 0x%x) - 0x%x << %d)" % ((h << 1) - 1, h, h, shift)
    else:
        shl = "(x << %d)" % shift
    return {"shr": shr, "rshr": rshr, "shl": shl}


def shift_execute(e, name: str, q: int, esize: int, shift: int, signed: bool, d: int, m: int) -> None:
    """VSHR, VSRA, VRSHR, VRSRA, VSRI, VSHL, VSLI (immediate) (A8.8)."""
    expr, kind, right = SHIFTS[name]
    regs = 2 if q else 1
    mask = L.MASK[esize]
    keep = (~(mask >> shift) if right else ~(mask << shift)) & mask
    wide = esize == 64
    if wide and keep >> 63:
        keep -= 1 << 64                  # as the signed doubleword it is ANDed with
    expr = expr.format(keep=keep, **_shifted(esize, shift, signed))
    _cost(e, "alu", q)
    L.enabled(e, d, m)
    vm = Vec(m, esize, signed or wide, regs)
    vd = Vec(d, esize, wide or (signed and name not in ("VSRI", "VSLI")), regs)
    sources = [read(vm)]
    if "z" in expr:
        sources.append(read(vd))
        expr = L.substitute(expr, {"z": "y"})
    L.lanes(e, vd._replace(signed=wide), expr, sources, masked=kind == "mod")


def _shift(name: str):
    right = SHIFTS[name][2]
    sign_from_u = name in ("VSHR", "VSRA", "VRSHR", "VRSRA")
    # VSHL and VSLI are modular: signed lanes keep x << s within 63 bits
    signed_anyway = name in ("VSHL_imm", "VSLI")

    def emit(e, f):
        q, d, m = f["Q"], _d(f), _m(f)
        if L.q_odd(q, d, m):
            e.undefined()
            return
        esize, field = shift_size(f)
        shift = esize - field if right else field
        shift_execute(e, name, q, esize, shift, _signed(f) if sign_from_u else signed_anyway, d, m)
    return emit


for _name in SHIFTS:
    op(HANDLERS, _name, cycles=COST["alu"])(_shift(_name))


@op(HANDLERS, "VQSHL_imm", cycles=COST["alu"])
def vqshl_imm(e, f):
    """VQSHL, VQSHLU (immediate) (A8.8): U=0 op=1 signed, U=1 op=1
    unsigned, U=1 op=0 signed to unsigned (VQSHLU); U=0 op=0 UNDEFINED."""
    q, d, m, u, o = f["Q"], _d(f), _m(f), f["U"], f["op"]
    if L.q_odd(q, d, m) or (u == 0 and o == 0):
        e.undefined()
        return
    esize, shift = shift_size(f)
    regs = 2 if q else 1
    src_signed = not (u and o)
    _cost(e, "alu", q)
    L.enabled(e, d, m)
    L.lanes(e, Vec(d, esize, not u, regs), "x << %d" % shift, [read(Vec(m, esize, src_signed, regs))],
            sat=True, bits=esize + shift + 1)


def narrow_shift_execute(e, esize: int, shift: int, rounding: bool, src_signed: bool,
                         sat, d: int, m: int) -> None:
    """VSHRN, VRSHRN, VQSHRN, VQRSHRN, VQSHRUN, VQRSHRUN (A8.8): Dd<e> =
    (Qm<2e> + round) >> shift, truncated or saturated (`sat`: None, or
    the destination's signedness)."""
    _cost(e, "alu", True)
    L.enabled(e, d, m, m + 1)
    expr = "(x + %d) >> %d" % (1 << (shift - 1), shift) if rounding else "x >> %d" % shift
    # a truncating narrow keeps bits below 64 - shift: 64-bit sources may be read signed
    src = read(Vec(m, 2 * esize, src_signed or (sat is None and esize == 32), 2))
    if sat is None:
        L.lanes(e, Vec(d, esize), expr, [src])
    else:
        L.lanes(e, Vec(d, esize, sat), expr, [src], sat=True, bits=2 * esize - shift + 1)


def _narrow_shift(rounding: bool, kind: str):
    """kind: "trunc" (VSHRN), "same" (VQSHRN: signedness from U), "unsigned" (VQSHRUN)."""
    def emit(e, f):
        d, m = _d(f), _m(f)
        if m & 1:
            e.undefined()
            return
        esize, field = shift_size(f)
        shift = esize - field
        if kind == "trunc":
            narrow_shift_execute(e, esize, shift, rounding, False, None, d, m)
        elif kind == "same":
            narrow_shift_execute(e, esize, shift, rounding, _signed(f), _signed(f), d, m)
        else:
            narrow_shift_execute(e, esize, shift, rounding, True, False, d, m)
    return emit


for _name, _rnd, _kind in (("VSHRN", False, "trunc"), ("VRSHRN", True, "trunc"),
                           ("VQSHRN", False, "same"), ("VQRSHRN", True, "same"),
                           ("VQSHRUN", False, "unsigned"), ("VQRSHRUN", True, "unsigned")):
    op(HANDLERS, _name, cycles=COST["alu"])(_narrow_shift(_rnd, _kind))


@op(HANDLERS, "VSHLL_VMOVL", cycles=COST["alu"])
def vshll(e, f):
    """VSHLL (shift < esize) and VMOVL (shift 0) (A8.8): Qd<2e> =
    Dm<e> extended << shift."""
    d, m = _d(f), _m(f)
    if d & 1:
        e.undefined()
        return
    esize, shift = shift_size(f)
    _cost(e, "alu", True)
    L.enabled(e, d, d + 1, m)
    src = read(Vec(m, esize, _signed(f)))
    L.lanes(e, Vec(d, 2 * esize, False, 2), "x << %d" % shift if shift else "x", [src])


# -- VCVT between floating-point and fixed-point (A8.8): standard FPSCR value ------------------------

def neon_cvt_fixed(c, d: int, m: int, regs: int, to_fixed: bool, unsigned: bool, frac_bits: int) -> None:
    """Each 32-bit lane converted under the Advanced SIMD standard FPSCR
    value (FZ, DN, round to nearest; float to fixed rounds towards zero)
    with the cumulative flags into FPSCR."""
    from ..vfp import softfloat as sf
    F = c.fpregs
    std = (c.fpscr & 0x04000000) | 0x03000000        # AHP kept, DN FZ set, RMode RN
    out, flags = [], 0
    for x in L.get(F, Vec(m, 32, False, regs)):
        if to_fixed:
            r, fl = sf.fp_to_fixed(x, 32, 32, frac_bits, unsigned, True, std)
        else:
            r, fl = sf.fixed_to_fp(x, 32, 32, frac_bits, unsigned, True, std)
        out.append(r)
        flags |= fl
    L.put(F, Vec(d, 32, False, regs), out)
    if flags:
        c.fpscr |= flags


@op(HANDLERS, "VCVT_fixed", cycles=4)
def vcvt_fixed(e, f):
    """VCVT (between floating-point and fixed-point, Advanced SIMD)
    (A8.8): op is to fixed, U unsigned, fraction bits 64 - imm6."""
    q, d, m = f["Q"], _d(f), _m(f)
    if L.q_odd(q, d, m):
        e.undefined()
        return
    frac_bits = 32 - f["imm5"]
    e.cost = 4 + q
    L.enabled(e, d, m)
    e.line("neon_cvt_fixed(c, %d, %d, %d, %s, %s, %d)" % (d, m, 2 if q else 1, bool(f["op"]),
                                                         bool(f["U"]), frac_bits))


# -- A7.4.6: one register and a modified immediate -------------------------------------------------

def adv_simd_expand_imm(op_bit: int, cmode: int, imm8: int):
    """AdvSIMDExpandImm() (A7.4.6): the 64-bit constant, or None where
    the encoding is UNDEFINED (cmode 1111 with op 1)."""
    c3 = cmode >> 1
    if c3 == 0:
        return _rep32(imm8)
    if c3 == 1:
        return _rep32(imm8 << 8)
    if c3 == 2:
        return _rep32(imm8 << 16)
    if c3 == 3:
        return _rep32(imm8 << 24)
    if c3 == 4:
        return _rep16(imm8)
    if c3 == 5:
        return _rep16(imm8 << 8)
    if c3 == 6:
        return _rep32(imm8 << 8 | 0xFF) if cmode & 1 == 0 else _rep32(imm8 << 16 | 0xFFFF)
    if cmode & 1 == 0:
        if op_bit == 0:
            return _rep8(imm8)
        return sum(0xFF << (8 * i) for i in range(8) if imm8 >> i & 1)
    if op_bit == 0:
        # a single-precision float, imm8 = a:b:cdefgh -> a:NOT(b):bbbbb:cdefgh:Zeros(19)
        b = imm8 >> 6 & 1
        bits = (imm8 >> 7) << 31 | (b ^ 1) << 30 | (0x1F if b else 0) << 25 | (imm8 & 0x3F) << 19
        return _rep32(bits)
    return None


def _rep8(x: int) -> int:
    return x * 0x0101010101010101


def _rep16(x: int) -> int:
    return x * 0x0001000100010001


def _rep32(x: int) -> int:
    return x * 0x0000000100000001


# (cmode, op) -> the operation: VMOV writes the constant, VMVN its
# complement, VORR and VBIC combine it with Vd (A8.8: VMOV, VMVN, VORR,
# VBIC (immediate))
def modimm_operation(cmode: int, op_bit: int) -> str:
    if cmode < 12 and cmode & 1:
        return "VBIC" if op_bit else "VORR"
    if op_bit and cmode != 14:
        return "VMVN"
    return "VMOV"


@op(HANDLERS, "VMOV_VMVN_VORR_VBIC_imm", cycles=COST["alu"])
def vmodimm(e, f):
    q, d, cmode, op_bit = f["Q"], _d(f), f["cmode"], f["op"]
    if L.q_odd(q, d):
        e.undefined()
        return
    imm = adv_simd_expand_imm(op_bit, cmode, f["U"] << 7 | f["imm"])
    if imm is None:
        e.undefined()
        return
    what = modimm_operation(cmode, op_bit)
    if what == "VMVN":
        imm ^= L.MASK[64]
    regs = 2 if q else 1
    _cost(e, "alu", False)
    L.enabled(e, d)
    vd = Vec(d, 64, False, regs)
    if what in ("VMOV", "VMVN"):
        L.write(e, vd, ["0x%x" % imm] * regs)
    elif what == "VORR":
        L.lanes(e, vd, "x | 0x%x" % imm, [read(vd)], masked=False)
    else:
        L.lanes(e, vd, "x & 0x%x" % (~imm & L.MASK[64]), [read(vd)], masked=False)


RUNTIME = dict(L.RUNTIME, neon_pmul8=PMUL8, neon_sb=SIGNED_BYTE, neon_cvt_fixed=neon_cvt_fixed)
