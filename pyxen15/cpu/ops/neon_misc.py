"""Advanced SIMD: A7.4.5 two registers, miscellaneous; VEXT, VTBL/VTBX and
VDUP (scalar) (DDI 0406C A7.4, A8.8 per mnemonic).

Encodings: A32 ``1111 0011 1D11 size:2 A:2 Vd 0 B:5 M 0 Vm`` for the
miscellaneous group (A = bits 17:16, B = bits 10:6 with Q as its low bit),
and in the same size = 11 corner VEXT (U = 0) and VTBL/VTBX/VDUP (U = 1,
bit 11 set); T32 is the same with 111U 1111 for 1111 001U, so one template
makes both tables (neon/lanes.py).  The rows each name one instruction of
table A7-13; what the table leaves unallocated is one UNDEFINED row, which
every allocated row, a superset of its fixed bits, wins over.

Every element operation is one expression applied over the lanes by
lanes.lanes(); the permutations (VREV, VSWP, VTRN, VUZP, VZIP, VEXT) are
one unpack of each source and one pack of each destination with the lanes
reordered by indices computed at translation time.  The floating-point
forms run their neon/fpops.py element operation over the lanes
(neon_fp_lanes), the compares with zero and VCVT between F32 and 32-bit
integers with a host fast path first (neon_fp.compare_execute, and
vcvt_simd_fp_int's); VABS/VNEG .F32 are bit operations on the sign,
without flushing or NaN processing (FPAbs, FPNeg).

Cycle classes: the timing reference has no Advanced SIMD figures;
permutations and bitwise operations are 2 (3 for a Q register), integer
arithmetic 3, floating-point ones VFP's single-precision add (6).
"""

from typing import Dict, List, Sequence

from . import Op, op
from .neon_fp import EQ, GE, GT, MIN_NORMAL, compare_execute, read_f32, write_f32, written
from ..neon import fpops as fp
from ..neon import lanes as L
from ..neon.lanes import Vec

HANDLERS: Dict[str, Op] = {}
COST = {"perm": 2, "alu": 3, "fp": 6}

_TEMPLATE = """
# A7.4.5 two registers, miscellaneous: A = 00
VREV        {u1} 1D11 zz00 dddd 000o oQM0 mmmm
VPADDL      {u1} 1D11 zz00 dddd 0010 oQM0 mmmm
VCLS        {u1} 1D11 zz00 dddd 0100 0QM0 mmmm
VCLZ        {u1} 1D11 zz00 dddd 0100 1QM0 mmmm
VCNT        {u1} 1D11 zz00 dddd 0101 0QM0 mmmm
VMVN_reg    {u1} 1D11 zz00 dddd 0101 1QM0 mmmm
VPADAL      {u1} 1D11 zz00 dddd 0110 oQM0 mmmm
VQABS       {u1} 1D11 zz00 dddd 0111 0QM0 mmmm
VQNEG       {u1} 1D11 zz00 dddd 0111 1QM0 mmmm
# A = 01: compares with zero, VABS, VNEG (F: floating point)
VCGT_zero   {u1} 1D11 zz01 dddd 0F00 0QM0 mmmm
VCGE_zero   {u1} 1D11 zz01 dddd 0F00 1QM0 mmmm
VCEQ_zero   {u1} 1D11 zz01 dddd 0F01 0QM0 mmmm
VCLE_zero   {u1} 1D11 zz01 dddd 0F01 1QM0 mmmm
VCLT_zero   {u1} 1D11 zz01 dddd 0F10 0QM0 mmmm
VABS_vec    {u1} 1D11 zz01 dddd 0F11 0QM0 mmmm
VNEG_vec    {u1} 1D11 zz01 dddd 0F11 1QM0 mmmm
# A = 10: permutations, narrowing, VSHLL by the element size, half precision
VSWP        {u1} 1D11 zz10 dddd 0000 0QM0 mmmm
VTRN        {u1} 1D11 zz10 dddd 0000 1QM0 mmmm
VUZP        {u1} 1D11 zz10 dddd 0001 0QM0 mmmm
VZIP        {u1} 1D11 zz10 dddd 0001 1QM0 mmmm
VMOVN       {u1} 1D11 zz10 dddd 0010 00M0 mmmm
VQMOVUN     {u1} 1D11 zz10 dddd 0010 01M0 mmmm
VQMOVN      {u1} 1D11 zz10 dddd 0010 1oM0 mmmm
VSHLL_size  {u1} 1D11 zz10 dddd 0011 00M0 mmmm
VCVT_half   {u1} 1D11 zz10 dddd 011o 00M0 mmmm
# A = 11: estimates and conversions between F32 and 32-bit integers
VRECPE      {u1} 1D11 zz11 dddd 010F 0QM0 mmmm
VRSQRTE     {u1} 1D11 zz11 dddd 010F 1QM0 mmmm
VCVT_simd_fp_int {u1} 1D11 zz11 dddd 011o oQM0 mmmm
NEON_misc_unallocated {u1} 1-11 ---- ---- 0--- ---0 ----
# VEXT (U = 0), VTBL/VTBX and VDUP (scalar) (U = 1, bit 11 set)
VEXT        {u0} 1D11 nnnn dddd iiii NQM0 mmmm
VTBL_VTBX   {u1} 1D11 nnnn dddd 10ll NoM0 mmmm
VDUP_scalar {u1} 1D11 iiii dddd 1100 0QM0 mmmm
NEON_misc_unallocated2 {u1} 1-11 ---- ---- 1--- ---0 ----
"""

TABLES = {isa: _TEMPLATE.format(**L.prefixes(isa)) for isa in ("A32U", "T32")}
LEGEND = {"A32U": L.LEGEND, "T32": L.LEGEND}


# -- operands -------------------------------------------------------------------------------------

def _d(f) -> int:
    return L.dreg(f, "vd", "D")


def _m(f) -> int:
    return L.dreg(f, "vm", "M")


def _cost(e, cls: str, regs: int = 1) -> None:
    e.cost = COST[cls] + (regs - 1)


def _operands(e, f, sizes: Sequence[int], signed: bool = False):
    """(d, m) as Vecs of the size field's elements, Q from the Q bit, after
    the decode checks every row of the group shares: Q = 1 with an odd
    register, or a size the instruction does not have, is UNDEFINED.  None
    when UNDEFINED (emitted)."""
    size = f["size"]
    regs = 2 if f.get("Q") else 1
    d, m = _d(f), _m(f)
    if size not in sizes or L.q_odd(regs == 2, d, m):
        e.undefined()
        return None
    esize = 8 << size
    return Vec(d, esize, signed, regs), Vec(m, esize, signed, regs)


def _begin(e, cls: str, *vecs: Vec) -> None:
    _cost(e, cls, max(v.regs for v in vecs))
    L.enabled(e, *[v.reg + k for v in vecs for k in range(v.regs)])


def _lanes(e, dest: Vec, expr: str, sources: List[Vec], **kw) -> None:
    written(e, dest)
    L.lanes(e, dest, expr, [L.read(s) for s in sources], **kw)


def _permute(e, dests: Sequence[Vec], sources: Sequence[Vec], picks) -> None:
    """Each destination's lanes from the sources' lanes: picks[k][i] =
    (source number, lane) of destination k's lane i.  Every source is read
    before any destination is written."""
    for j, s in enumerate(sources):
        e.line("n_%d = %s" % (j, L.read(s)))
    for v, pick in zip(dests, picks):
        written(e, v)
        L.write(e, v, ["n_%d[%d]" % p for p in pick])


# -- A = 00 -------------------------------------------------------------------------------------

@op(HANDLERS, "VREV", cycles=COST["perm"])
def vrev(e, f):
    """VREV16, VREV32, VREV64 (A8.8.385): the elements reversed within each
    16-, 32- or 64-bit group; op + size >= 3 is UNDEFINED."""
    if f["op"] + f["size"] >= 3:
        e.undefined()
        return
    ops = _operands(e, f, (0, 1, 2))
    if ops is None:
        return
    d, m = ops
    group = (64 >> f["op"]) // d.esize          # elements per group
    _begin(e, "perm", d, m)
    _permute(e, [d], [m], [[(0, i ^ (group - 1)) for i in range(d.count)]])


@op(HANDLERS, "VPADDL", cycles=COST["alu"])
def vpaddl(e, f):
    """VPADDL (A8.8.367): adjacent pairs added into elements of twice the
    size; op = 1 is unsigned."""
    _pairwise_long(e, f, accumulate=False)


@op(HANDLERS, "VPADAL", cycles=COST["alu"])
def vpadal(e, f):
    """VPADAL (A8.8.362): as VPADDL, accumulated into Vd."""
    _pairwise_long(e, f, accumulate=True)


def _pairwise_long(e, f, accumulate: bool) -> None:
    ops = _operands(e, f, (0, 1, 2), signed=not f["op"])
    if ops is None:
        return
    d, m = ops
    wide = Vec(d.reg, 2 * d.esize, d.signed, d.regs)
    _begin(e, "alu", d, m)
    e.line("n_m = %s" % L.read(m))
    sources = [("n_m", 0, 2), ("n_m", 1, 2)]
    expr = "x + y"
    if accumulate:
        sources.append(L.read(wide))
        expr = "x + y + z"
    written(e, wide)
    L.lanes(e, wide, expr, sources)


# name: (element expression on x (and the element size E), signed, sizes, saturating)
UNARY = {
    "VCLS": ("{E1} - (x ^ (x >> {E1})).bit_length()", True, (0, 1, 2), False),
    "VCLZ": ("{E} - x.bit_length()", False, (0, 1, 2), False),
    "VCNT": ("neon_bit_count[x]", False, (0,), False),
    "VQABS": ("(x ^ (x >> 63)) - (x >> 63)", True, (0, 1, 2), True),     # |x|, no branch
    "VQNEG": ("-x", True, (0, 1, 2), True),
}


def _unary(name: str):
    expr, signed, sizes, sat = UNARY[name]

    def emit(e, f):
        ops = _operands(e, f, sizes, signed)
        if ops is None:
            return
        d, m = ops
        _begin(e, "alu", d, m)
        _lanes(e, d, expr.format(E=d.esize, E1=d.esize - 1), [m], sat=sat, bits=d.esize + 1)
    return emit


for _name in UNARY:
    op(HANDLERS, _name, cycles=COST["alu"])(_unary(_name))


@op(HANDLERS, "VMVN_reg", cycles=COST["perm"])
def vmvn_reg(e, f):
    """VMVN (register) (A8.8.355): size 00 only; the whole register inverted."""
    ops = _operands(e, f, (0,))
    if ops is None:
        return
    d, m = (v._replace(esize=64, signed=True) for v in ops)     # signed: machine words on PyPy
    _begin(e, "perm", d, m)
    _lanes(e, d, "~x", [m])


# -- A = 01: compares with zero, VABS, VNEG -----------------------------------------------------

# name: the .F32 element operation (its runtime name, and FPCompare...(x, 0),
# with VCLE and VCLT as 0 >= x and 0 > x)
ZERO_COMPARE = {
    "VCGT_zero": ("neon_fp_cgt_zero", lambda x: fp.fp_compare_gt(x, 0)),
    "VCGE_zero": ("neon_fp_cge_zero", lambda x: fp.fp_compare_ge(x, 0)),
    "VCEQ_zero": ("neon_fp_ceq_zero", lambda x: fp.fp_compare_eq(x, 0)),
    "VCLE_zero": ("neon_fp_cle_zero", lambda x: fp.fp_compare_ge(0, x)),
    "VCLT_zero": ("neon_fp_clt_zero", lambda x: fp.fp_compare_gt(0, x)),
}
# The .F32 forms on the order keys of neon_fp.COMPARE, kb being +0's.
FLOAT_ZERO = {"VCGT_zero": GT, "VCGE_zero": GE, "VCEQ_zero": EQ,
              "VCLE_zero": "~((kb - ka) >> 63)", "VCLT_zero": "(ka - kb) >> 63"}
# The integer forms as masks of the sign (x is a signed element, so well
# inside 64 bits): -1 or 0 without a branch per lane, which PyPy would make
# a guard and a bridge (docs/ENGINE.md).
ZERO_MASK = {
    "VCGT_zero": "(-x) >> 63", "VCGE_zero": "~(x >> 63)", "VCEQ_zero": "~((x | -x) >> 63)",
    "VCLE_zero": "~((-x) >> 63)", "VCLT_zero": "x >> 63",
}


def _zero_compare(name: str):
    fn = ZERO_COMPARE[name][0]

    def emit(e, f):
        """VCEQ, VCGE, VCGT, VCLE, VCLT (immediate #0) (A8.8.291 ...):
        integer elements signed; .F32 under the standard FPSCR."""
        if f["F"]:
            ops = _operands(e, f, (2,))
            if ops is None:
                return
            d, m = ops
            compare_execute(e, fn, d, (m, None), "(%s) & 0xffffffff" % FLOAT_ZERO[name])
            return
        ops = _operands(e, f, (0, 1, 2), signed=True)
        if ops is None:
            return
        d, m = ops
        _begin(e, "alu", d, m)
        _lanes(e, d, ZERO_MASK[name], [m])
    return emit


for _name in ZERO_COMPARE:
    op(HANDLERS, _name, cycles=COST["alu"])(_zero_compare(_name))


def _abs_neg(float_expr: str, int_expr: str):
    def emit(e, f):
        """VABS, VNEG (A8.8.280, A8.8.355): integer (not saturating: the
        most negative value stays itself), or .F32 on the sign bit alone."""
        if f["F"]:
            ops = _operands(e, f, (2,))
            expr = float_expr
        else:
            ops = _operands(e, f, (0, 1, 2), signed=True)
            expr = int_expr
        if ops is None:
            return
        d, m = ops
        if f["F"]:
            d, m = d._replace(signed=False), m._replace(signed=False)
        _begin(e, "alu", d, m)
        _lanes(e, d, expr, [m], masked=not f["F"])
    return emit


ABS = "(x ^ (x >> 63)) - (x >> 63)"           # |x| without a branch (x inside 64 bits)
op(HANDLERS, "VABS_vec", cycles=COST["alu"])(_abs_neg("x & 0x7fffffff", ABS))
op(HANDLERS, "VNEG_vec", cycles=COST["alu"])(_abs_neg("x ^ 0x80000000", "-x"))


# -- A = 10: permutations -----------------------------------------------------------------------

@op(HANDLERS, "VSWP", cycles=COST["perm"])
def vswp(e, f):
    """VSWP (A8.8.418): size 00 only.  With d = m the result is UNKNOWN;
    here the register is left as it is."""
    ops = _operands(e, f, (0,))
    if ops is None:
        return
    d, m = (v._replace(esize=64, signed=True) for v in ops)     # signed: machine words on PyPy
    _begin(e, "perm", d, m)
    if d.reg == m.reg:
        return
    lanes = range(d.count)
    _permute(e, [d, m], [d, m], [[(1, i) for i in lanes], [(0, i) for i in lanes]])


def _pairs_op(e, f, sizes, picks_of) -> None:
    """VTRN, VUZP, VZIP: Vd and Vm both written, from both.  d = m gives
    UNKNOWN results (A8.8: "if d == m then ... UNKNOWN"); computed here as
    for distinct registers, sources read first."""
    ops = _operands(e, f, sizes)
    if ops is None:
        return
    d, m = ops
    _begin(e, "perm", d, m)
    pd, pm = picks_of(d.count)
    _permute(e, [d, m], [d, m], [pd, pm])


def _trn(n: int):
    """Dd[2i+1] <-> Dm[2i] (A8.8.420): source 0 is d, 1 is m."""
    pd = [(0, i) if i % 2 == 0 else (1, i - 1) for i in range(n)]
    pm = [(0, i + 1) if i % 2 == 0 else (1, i) for i in range(n)]
    return pd, pm


def _uzp(n: int):
    """The concatenation Vm:Vd de-interleaved (A8.8.421): evens to Vd, odds to Vm."""
    both = [(0, i) for i in range(n)] + [(1, i) for i in range(n)]
    return both[0::2], both[1::2]


def _zip(n: int):
    """Vd and Vm interleaved (A8.8.422), the low half to Vd."""
    both = [p for i in range(n) for p in ((0, i), (1, i))]
    return both[:n], both[n:]


@op(HANDLERS, "VTRN", cycles=COST["perm"])
def vtrn(e, f):
    _pairs_op(e, f, (0, 1, 2), _trn)


def _uzp_zip(picks_of):
    def emit(e, f):
        """VUZP, VZIP: size 11, and size 10 with Q = 0 (that is VTRN's
        effect), are UNDEFINED."""
        if f["size"] == 2 and not f["Q"]:
            e.undefined()
            return
        _pairs_op(e, f, (0, 1, 2), picks_of)
    return emit


op(HANDLERS, "VUZP", cycles=COST["perm"])(_uzp_zip(_uzp))
op(HANDLERS, "VZIP", cycles=COST["perm"])(_uzp_zip(_zip))


# -- A = 10: narrowing and widening ---------------------------------------------------------------

def _narrow_operands(e, f, src_signed: bool, dest_signed: bool):
    """Dd (size field's elements) and Qm (twice that size): size 11 or Vm
    odd is UNDEFINED."""
    size = f["size"]
    m = _m(f)
    if size == 3 or m & 1:
        e.undefined()
        return None
    esize = 8 << size
    return Vec(_d(f), esize, dest_signed, 1), Vec(m, 2 * esize, src_signed, 2)


@op(HANDLERS, "VMOVN", cycles=COST["alu"])
def vmovn(e, f):
    """VMOVN (A8.8.350): the low half of each element."""
    ops = _narrow_operands(e, f, False, False)
    if ops is None:
        return
    d, m = ops
    _begin(e, "alu", d, m)
    _lanes(e, d, "x", [m])


def _qmovn(e, f, src_signed: bool, dest_signed: bool) -> None:
    """VQMOVN, VQMOVUN (A8.8.377): saturated to the narrow type, QC."""
    ops = _narrow_operands(e, f, src_signed, dest_signed)
    if ops is None:
        return
    d, m = ops
    _begin(e, "alu", d, m)
    _lanes(e, d, "x", [m], sat=True, bits=m.esize + 1)


@op(HANDLERS, "VQMOVUN", cycles=COST["alu"])
def vqmovun(e, f):
    _qmovn(e, f, True, False)


@op(HANDLERS, "VQMOVN", cycles=COST["alu"])
def vqmovn(e, f):
    """op = bits 7:6: 10 signed, 11 unsigned."""
    unsigned = f["op"] == 1
    _qmovn(e, f, not unsigned, not unsigned)


@op(HANDLERS, "VSHLL_size", cycles=COST["alu"])
def vshll_size(e, f):
    """VSHLL with the shift equal to the element size (A8.8.404, encoding
    A2): Qd = each element of Dm shifted into the top half; size 11 or Vd
    odd is UNDEFINED."""
    size = f["size"]
    d = _d(f)
    if size == 3 or d & 1:
        e.undefined()
        return
    esize = 8 << size
    dest, m = Vec(d, 2 * esize, False, 2), Vec(_m(f), esize, False, 1)
    _begin(e, "alu", dest, m)
    _lanes(e, dest, "x << %d" % esize, [m])


@op(HANDLERS, "VCVT_half", cycles=COST["fp"])
def vcvt_half(e, f):
    """VCVT between half and single precision (A8.8.310): size 01 only;
    op = 1 is half to single (Qd from Dm: Vd odd UNDEFINED), op = 0 single
    to half (Dd from Qm: Vm odd UNDEFINED); under the standard FPSCR with
    FPSCR.AHP."""
    to_single = f["op"] == 1
    d, m = _d(f), _m(f)
    if f["size"] != 1 or (d & 1 if to_single else m & 1):
        e.undefined()
        return
    dest = Vec(d, 32 if to_single else 16, False, 2 if to_single else 1)
    src = Vec(m, 16 if to_single else 32, False, 1 if to_single else 2)
    _begin(e, "fp", dest, src)
    written(e, dest)
    e.line("neon_cvt_half(c, %s, %d, %d)" % (to_single, dest.offset, src.offset))


def neon_cvt_half(c, to_single: bool, d: int, m: int) -> None:
    """The four lanes converted, FPSCR.AHP read once, the flags into FPSCR."""
    F = c.fpregs
    fpscr = c.fpscr
    src = L.struct_of(16 if to_single else 32, False, 4).unpack_from(F, m)
    fn = fp.fp_half_to_single if to_single else fp.fp_single_to_half
    out, flags = [], 0
    for x in src:
        r, fl = fn(x, fpscr)
        out.append(r)
        flags |= fl
    L.struct_of(32 if to_single else 16, False, 4).pack_into(F, d, *out)
    if flags:
        c.fpscr |= flags


# -- A = 11: estimates and conversions ------------------------------------------------------------

def _estimate(fn_float: str, fn_unsigned: str):
    def emit(e, f):
        """VRECPE, VRSQRTE (A8.8.378, A8.8.389): size 10 only; F = 1 the
        float estimate, F = 0 the unsigned fixed-point one."""
        ops = _operands(e, f, (2,))
        if ops is None:
            return
        d, m = ops
        _begin(e, "fp", d, m)
        written(e, d)
        e.line("neon_fp_lanes(c, %s, %d, (%d,), %d)" % (
            fn_float if f["F"] else fn_unsigned, d.offset, m.offset, d.count))
    return emit


op(HANDLERS, "VRECPE", cycles=COST["fp"])(_estimate("neon_fp_recip_estimate",
                                                    "neon_unsigned_recip_estimate"))
op(HANDLERS, "VRSQRTE", cycles=COST["fp"])(_estimate("neon_fp_rsqrt_estimate",
                                                     "neon_unsigned_rsqrt_estimate"))

# op (bits 8:7): 00 S32 to F32, 01 U32 to F32, 10 F32 to S32, 11 F32 to U32
CONVERSIONS = ("neon_s32_to_fp", "neon_u32_to_fp", "neon_fp_to_s32", "neon_fp_to_u32")


@op(HANDLERS, "VCVT_simd_fp_int", cycles=COST["fp"])
def vcvt_fp_int(e, f):
    """VCVT between floating point and integer (Advanced SIMD) (A8.8.305):
    size 10 only; to integer rounds towards zero, from integer to nearest,
    both under the standard FPSCR."""
    ops = _operands(e, f, (2,))
    if ops is None:
        return
    d, m = ops
    _begin(e, "fp", d, m)
    to_integer, unsigned = f["op"] >> 1, f["op"] & 1
    count = d.count
    # The fast path, while FPSCR.IXC is set (inexactness needs no detecting):
    # int() truncates a float in range that is not a denormal (NaN fails the
    # range test); an integer to a double is exact and the pack to a single
    # rounds it to nearest.
    e.line("if c.fpscr & 0x%x:" % fp.sf.IXC)
    e.indent(1)
    if to_integer:
        lo, hi = (-1.0, 4294967296.0) if unsigned else (-2147483649.0, 2147483648.0)
        e.line("n_0 = %s" % read_f32(m))
        e.line("n_ok = %s" % " and ".join("%r < n_0[%d] < %r and not 0.0 < abs(n_0[%d]) < %r" % (
            lo, k, hi, k, MIN_NORMAL) for k in range(count)))
        e.line("if n_ok:")
        e.indent(1)
        written(e, d)
        L.write(e, d, ["int(n_0[%d]) & 0xffffffff" % k for k in range(count)])
        e.indent(-1)
    else:
        e.line("n_0 = %s" % L.read(m._replace(signed=not unsigned)))
        write_f32(e, d, ["float(n_0[%d])" % k for k in range(count)])
        e.line("n_ok = True")
    e.indent(-1)
    e.line("else:")
    e.line("    n_ok = False")
    e.line("if not n_ok:")
    e.indent(1)
    written(e, d)
    e.line("neon_fp_lanes(c, %s, %d, (%d,), %d)" % (CONVERSIONS[f["op"]], d.offset, m.offset,
                                                     count))
    e.indent(-1)


# -- VEXT, VTBL/VTBX, VDUP (scalar) ----------------------------------------------------------------

@op(HANDLERS, "VEXT", cycles=COST["perm"])
def vext(e, f):
    """VEXT (A8.8.316): bytes imm4 onwards of the concatenation Vm:Vn;
    Q = 0 with imm4<3> set, or Q = 1 with an odd register, is UNDEFINED."""
    q = f["Q"]
    d, n, m = _d(f), L.dreg(f, "vn", "N"), _m(f)
    imm = f["imm"]
    if L.q_odd(q, d, n, m) or (not q and imm & 8):
        e.undefined()
        return
    regs = 2 if q else 1
    vd, vn, vm = (Vec(r, 8, False, regs) for r in (d, n, m))
    _begin(e, "perm", vd, vn, vm)
    both = [(0, i) for i in range(vd.count)] + [(1, i) for i in range(vd.count)]
    _permute(e, [vd], [vn, vm], [both[imm:imm + vd.count]])


@op(HANDLERS, "VTBL_VTBX", cycles=COST["perm"])
def vtbl_vtbx(e, f):
    """VTBL, VTBX (A8.8.419): each byte of Dm indexes the table of len + 1
    registers from Dn; an index beyond it gives 0 (VTBL) or leaves Dd's
    byte (VTBX, op = 1).  A table beyond D31 is UNPREDICTABLE."""
    length = f["len"] + 1
    n = L.dreg(f, "vn", "N")
    if n + length > 32:
        e.unpredictable()
        return
    d, m = _d(f), _m(f)
    table = Vec(n, 8, False, length)
    vd, vm = Vec(d, 8), Vec(m, 8)
    _cost(e, "perm", length)
    L.enabled(e, d, m, n + length - 1)
    # The table as a tuple of bytes and a test per lane: measured on PyPy,
    # faster than a branch-free lookup in the table padded with zeros
    # (which copies 256 bytes an instruction) or in a scratch copy.
    e.line("n_t = %s" % L.read(table))
    limit = 8 * length
    if f["op"]:
        _lanes_from(e, vd, "n_t[x] if x < %d else y" % limit, [L.read(vm), L.read(vd)])
    else:
        _lanes_from(e, vd, "n_t[x] if x < %d else 0" % limit, [L.read(vm)])


def _lanes_from(e, dest: Vec, expr: str, sources: Sequence[str]) -> None:
    written(e, dest)
    L.lanes(e, dest, expr, sources, masked=False)


@op(HANDLERS, "VDUP_scalar", cycles=COST["perm"])
def vdup_scalar(e, f):
    """VDUP (scalar) (A8.8.315): imm4 = xxx1 a byte (index imm4<3:1>),
    xx10 a halfword (imm4<3:2>), x100 a word (imm4<3>), x000 UNDEFINED."""
    imm = f["imm"]
    if imm & 1:
        esize, index = 8, imm >> 1
    elif imm & 2:
        esize, index = 16, imm >> 2
    elif imm & 4:
        esize, index = 32, imm >> 3
    else:
        e.undefined()
        return
    q = f["Q"]
    d, m = _d(f), _m(f)
    if L.q_odd(q, d):
        e.undefined()
        return
    vd = Vec(d, esize, False, 2 if q else 1)
    _begin(e, "perm", vd, Vec(m, esize))
    # written as 32-bit words of the element repeated (machine words on PyPy)
    e.line("n_s = %s[%d] * 0x%x" % (L.read(Vec(m, esize)), index,
                                     {8: 0x01010101, 16: 0x00010001, 32: 1}[esize]))
    words = vd._replace(esize=32)
    written(e, words)
    L.write(e, words, ["n_s"] * words.count)


@op(HANDLERS, "NEON_misc_unallocated", "NEON_misc_unallocated2")
def unallocated(e, f):
    e.undefined()


RUNTIME = {
    "neon_bit_count": tuple(bin(i).count("1") for i in range(256)),
    "neon_cvt_half": neon_cvt_half,
}
RUNTIME.update(ZERO_COMPARE.values())
for _fn in ("fp_recip_estimate", "fp_rsqrt_estimate", "unsigned_recip_estimate",
            "unsigned_rsqrt_estimate", "s32_to_fp", "u32_to_fp", "fp_to_s32", "fp_to_u32"):
    RUNTIME["neon_" + _fn] = getattr(fp, _fn)
