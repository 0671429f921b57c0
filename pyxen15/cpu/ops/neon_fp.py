"""Advanced SIMD floating point: A7.4.1 (three registers of the same length,
the .F32 operations) and A7.4.3 (two registers and a scalar, .F32 forms).

Encodings (DDI 0406C A7.4): A32 ``1111 001U ...``, T32 ``111U 1111 ...``,
the same 24 low bits; one template makes both tables, with the U bit
written into the prefix where a row fixes it.  Fields are the ARM ARM's
(neon/lanes.py LEGEND): D:Vd, N:Vn, M:Vm, Q, sz (bit 20: 1 would be half
precision, which ARMv7 does not have: UNDEFINED), op (bit 21 where one row
holds a pair: VSUB of VADD, VMLS of VMLA, ...).

Semantics (A8.8, per mnemonic) run under the standard FPSCR value
(neon/fpops.py, which also holds the element operations).  Every operation
has a slow path, :func:`fpops.neon_fp_lanes` applying the element operation
to each lane's raw bits.  VADD, VSUB, VMUL, VMLA, VMLS, VFMA and VFMS (the
arithmetic of vectorised loops) also have a fast path on host floats, which
is exact while FPSCR.IXC is already set, no source lane is a denormal and
every result (and, for VMLA/VMLS, every product) is a normal single: then
the standard FPSCR's flushing and default NaN cannot arise, round to
nearest is the host's, a double's sum or product of singles rounded once
more to single is the single result (53 >= 2 * 24 + 2), and the fused forms
sum the exact product in double, which rounded to single is right unless
it lies halfway between two singles (:func:`_fused`).  The
check is one test of every
lane (a NaN or infinite source makes a NaN or infinite result, which fails
it); anything else starts again from the bits.

Cycle classes: the timing reference gives no Advanced SIMD figures; these
are the VFP single-precision classes (add 6, mul 7, multiply-accumulate 13).
"""

import struct
from typing import Dict, Sequence

from . import Op, op
from .vfp import SINGLE_STORE, _forget
from ..neon import fpops as fp
from ..neon import lanes as L
from ..neon.lanes import Vec

HANDLERS: Dict[str, Op] = {}
COST = {"add": 6, "mul": 7, "mac": 13, "cmp": 6, "step": 13}

# The U bit fixed: (U = 0, U = 1) prefixes of each instruction set.
PREFIX_U = {"A32U": ("1111 0010", "1111 0011"), "T32": ("1110 1111", "1111 1111")}

_TEMPLATE = """
# A7.4.1 three registers of the same length, floating point (A = bits 11:8, B = bit 4)
VADD_f     {u0} 0D0s nnnn dddd 1101 NQM0 mmmm
VSUB_f     {u0} 0D1s nnnn dddd 1101 NQM0 mmmm
VPADD_f    {u1} 0D0s nnnn dddd 1101 NQM0 mmmm
VABD_f     {u1} 0D1s nnnn dddd 1101 NQM0 mmmm
VMLA_VMLS_f {u0} 0Dos nnnn dddd 1101 NQM1 mmmm
VMUL_f     {u1} 0D0s nnnn dddd 1101 NQM1 mmmm
VCEQ_f     {u0} 0D0s nnnn dddd 1110 NQM0 mmmm
VCGE_f     {u1} 0D0s nnnn dddd 1110 NQM0 mmmm
VCGT_f     {u1} 0D1s nnnn dddd 1110 NQM0 mmmm
VACGE_VACGT {u1} 0Dos nnnn dddd 1110 NQM1 mmmm
VMAX_VMIN_f {u0} 0Dos nnnn dddd 1111 NQM0 mmmm
VPMAX_VPMIN_f {u1} 0Dos nnnn dddd 1111 NQM0 mmmm
VRECPS_VRSQRTS {u0} 0Dos nnnn dddd 1111 NQM1 mmmm
VFMA_VFMS_f {u0} 0Dos nnnn dddd 1100 NQM1 mmmm
# the rest of those rows: UNDEFINED
NEON_fp_unallocated {u1} 0D1- ---- ---- 1101 ---1 ----
NEON_fp_unallocated {u0} 0D1- ---- ---- 1110 ---0 ----
NEON_fp_unallocated {u0} 0D-- ---- ---- 1110 ---1 ----
NEON_fp_unallocated {u1} 0D-- ---- ---- 1111 ---1 ----
NEON_fp_unallocated {u1} 0D-- ---- ---- 1100 ---1 ----
# A7.4.3 two registers and a scalar, F = 1 (size 10; 00 and 01 are UNDEFINED with F = 1)
VMLA_VMLS_fs {p} 1D10 nnnn dddd 0o01 N1M0 mmmm
VMUL_fs    {p} 1D10 nnnn dddd 1001 N1M0 mmmm
NEON_fp_unallocated {p} 1D0- ---- ---- 0-01 -1-0 ----
NEON_fp_unallocated {p} 1D0- ---- ---- 1001 -1-0 ----
"""


def _table(isa: str) -> str:
    u0, u1 = PREFIX_U[isa]
    return _TEMPLATE.format(p=L.PREFIX[isa], u0=u0, u1=u1)


TABLES = {isa: _table(isa) for isa in ("A32U", "T32")}
LEGEND = {"A32U": L.LEGEND, "T32": L.LEGEND}
# The patterns that share a handler name are the same unallocated space;
# decodetree wants unique names, so number them.
for _isa in TABLES:
    _lines, _k = [], 0
    for _line in TABLES[_isa].splitlines():
        if _line.startswith("NEON_fp_unallocated"):
            _k += 1
            _line = _line.replace("NEON_fp_unallocated", "NEON_fp_unallocated%d" % _k, 1)
        _lines.append(_line)
    TABLES[_isa] = "\n".join(_lines)
UNALLOCATED = ["NEON_fp_unallocated%d" % k for k in range(1, 8)]


# -- emitting float vectors --------------------------------------------------------------------

# Singles are read little-endian and written in the host's native format
# where that is little-endian, as ops/vfp.py writes them (the machine's
# double-to-single conversion, round to nearest: vfp/regs.py SINGLE_STORE).
_STORE = SINGLE_STORE[:-1]
_F32: Dict[str, object] = {"neon_f32_unpack_from": struct.unpack_from,
                           "neon_f32_pack_into": struct.pack_into,
                           "neon_f32x1": struct.Struct("<f").unpack_from,
                           "neon_scratch": bytearray(32)}     # the fast path's rounding words
for _count in (2, 4):
    _F32["neon_f32x%d" % _count] = struct.Struct("<%df" % _count).unpack_from
    _F32["neon_pf32x%d" % _count] = struct.Struct("%s%df" % (_STORE, _count)).pack_into
    _F32["neon_pf64x%d" % _count] = struct.Struct("<%dd" % _count).pack_into
    _F32["neon_s64x%d" % _count] = struct.Struct("<%dq" % _count).unpack_from


def read_f32(v: Vec) -> str:
    """The tuple of v's 32-bit lanes as host floats."""
    if L.BY_FORMAT:
        return "neon_f32_unpack_from('<%df', F, %d)" % (v.count, v.offset)
    return "neon_f32x%d(F, %d)" % (v.count, v.offset)


def read_f32_scalar(offset: int) -> str:
    """A 1-tuple of the single at byte `offset`."""
    if L.BY_FORMAT:
        return "neon_f32_unpack_from('<f', F, %d)" % offset
    return "neon_f32x1(F, %d)" % offset


def write_f32(e, v: Vec, lanes: Sequence[str]) -> None:
    """Emit: v's lanes = the expressions `lanes` (host floats in range)."""
    written(e, v)
    args = ", ".join(lanes)
    if L.BY_FORMAT:
        e.line("neon_f32_pack_into('%s%df', F, %d, %s)" % (_STORE, v.count, v.offset, args))
    else:
        e.line("neon_pf32x%d(F, %d, %s)" % (v.count, v.offset, args))


def written(e, *vecs: Vec) -> None:
    """The block's host-float copies of VFP registers (ops/vfp.py) that a
    write of these vectors makes stale are dropped."""
    for v in vecs:
        for r in range(v.reg, v.reg + v.regs):
            _forget(e, 64, r)


MIN_NORMAL = 1.1754943508222875e-38
MAX_NORMAL = 3.4028234663852886e+38


# -- operands --------------------------------------------------------------------------------

def _vectors(e, f, *fields):
    """The Vecs of 32-bit lanes named by `fields` ("d", "n", "m") for Q,
    after the decode checks: sz = 1 and Q = 1 with an odd register are
    UNDEFINED.  None if UNDEFINED (already emitted)."""
    regs = 2 if f.get("Q") else 1
    nums = [L.dreg(f, "v" + x, x.upper()) for x in fields]
    if f.get("sz") or L.q_odd(regs == 2, *nums):
        e.undefined()
        return None
    return [Vec(r, 32, False, regs) for r in nums]


def _slow(e, fn: str, dest: Vec, sources: Sequence[str]) -> None:
    """Emit the slow path: fpops' element function `fn` over the lanes;
    a source is an offset into the bank (a vector) or ~offset (a scalar)."""
    written(e, dest)
    e.line("neon_fp_lanes(c, %s, %d, (%s,), %d)" % (fn, dest.offset, ", ".join(sources),
                                                     dest.count))


def _elementwise(e, fn: str, dest: Vec, srcs: Sequence, fast: str = None, cost: str = "add",
                 product: str = None) -> None:
    """Dd[i] = fn(sources[i]) over the lanes (A8.8 "for r ... for e ...
    Elem[D[d+r],e,esize] = ..."), with the fast path `fast` (an expression
    on the lanes x, y, z of the sources, in order) where there is one.  A
    source is a Vec, or ("scalar", D register, index) for the by-scalar
    forms.  `product` (VMLA/VMLS, the steps): a product expression the
    fast path rounds to single first, named p in `fast`; with `fast` =
    "FUSED" (VFMA/VFMS) the product is exact instead, x + product rounded
    once (:func:`_fused`).

    The fast path is straight-line code, one expression per lane (as
    lanes.lanes emits it: what PyPy's JIT runs fastest), then one test of
    every lane and one pack."""
    e.cost = COST[cost]
    regs = [s.reg + k for s in srcs if isinstance(s, Vec) for k in range(s.regs)]
    scalars = [s for s in srcs if not isinstance(s, Vec)]
    L.enabled(e, dest.reg + dest.regs - 1, *regs, *[s[1] for s in scalars])
    offsets = [str(s.offset) if isinstance(s, Vec) else str(~(8 * s[1] + 4 * s[2])) for s in srcs]
    if fast is None:
        _slow(e, fn, dest, offsets)
        return
    count = dest.count
    lane_of = {}                       # name -> lane k's expression
    checks = []
    for i, s in enumerate(srcs):
        local = "n_%d" % i
        if isinstance(s, Vec):
            e.line("%s = %s" % (local, read_f32(s)))
            lane_of[L.NAMES[i]] = lambda k, local=local: "%s[%d]" % (local, k)
            checks += ["not 0.0 < abs(%s[%d]) < %r" % (local, k, MIN_NORMAL) for k in range(count)]
        else:
            e.line("%s = %s[0]" % (local, read_f32_scalar(8 * s[1] + 4 * s[2])))
            lane_of[L.NAMES[i]] = lambda k, local=local: local
            checks.append("not 0.0 < abs(%s) < %r" % (local, MIN_NORMAL))

    def lanes(expr: str):
        """expr once per lane, the sources' names replaced by the lane's."""
        return [L.substitute(expr, {n: f(k) for n, f in lane_of.items()}) for k in range(count)]

    if fast == "FUSED":
        lane_of["q"] = lambda k, ps=lanes(product): "(%s)" % ps[k]
        product = None
    if product:
        # rounded to single first (through the scratch words); it must be a
        # normal single itself (else: flushed, UFC)
        _scratch_pack(e, "f", lanes(product))
        e.line("n_p = %s" % _scratch_read("f", count))
        lane_of["p"] = lambda k: "n_p[%d]" % k
        checks += ["%r < abs(n_p[%d]) <= %r" % (MIN_NORMAL, k, MAX_NORMAL) for k in range(count)]
    if fast == "FUSED":
        _fused(e, lanes, count, checks)
    else:
        e.line("n_r = (%s,)" % ", ".join(lanes(fast)))
    checks = ["%r < abs(n_r[%d]) <= %r" % (MIN_NORMAL, k, MAX_NORMAL)
              for k in range(count)] + checks
    e.line("if c.fpscr & 0x%x and %s:" % (fp.sf.IXC, " and ".join(checks)))
    e.indent(1)
    write_f32(e, dest, ["n_r[%d]" % k for k in range(count)])
    e.indent(-1)
    e.line("else:")
    e.indent(1)
    _slow(e, fn, dest, offsets)
    e.indent(-1)


def _scratch_pack(e, kind: str, lanes: Sequence[str]) -> None:
    """Emit: the lanes into the scratch words, as singles ("f": the pack
    rounds them) or doubles ("d")."""
    fmt = "%s%d%s" % (_STORE if kind == "f" else "<", len(lanes), kind)
    if L.BY_FORMAT:
        e.line("neon_f32_pack_into('%s', neon_scratch, 0, %s)" % (fmt, ", ".join(lanes)))
    else:
        e.line("neon_p%s%d(neon_scratch, 0, %s)" % ("f32x" if kind == "f" else "f64x", len(lanes),
                                                      ", ".join(lanes)))


def _scratch_read(kind: str, count: int) -> str:
    """The scratch words as `count` singles ("f") or 64-bit ints ("q")."""
    if L.BY_FORMAT:
        return "neon_f32_unpack_from('<%d%s', neon_scratch, 0)" % (count, kind)
    return "neon_%s%d(neon_scratch, 0)" % ("f32x" if kind == "f" else "s64x", count)


def _fused(e, lanes, count: int, checks: list) -> None:
    """VFMA/VFMS on host doubles: x + q, q the exact product of two singles
    (48 bits), summed in double.  That sum rounded once more to single is
    the correctly rounded single unless it lies exactly halfway between two
    singles (its low 29 bits 1000...0): a halfway point between the exact
    sum and its nearest double would be a double nearer to it.  The test
    excludes that case (rare; an exact tie goes to the slow path too)."""
    e.line("n_r = (%s,)" % ", ".join(lanes("x + q")))
    _scratch_pack(e, "d", ["n_r[%d]" % k for k in range(count)])
    e.line("n_w = %s" % _scratch_read("q", count))
    checks += ["n_w[%d] & 0x1fffffff != 0x10000000" % k for k in range(count)]


# The same-length operations: pattern -> ((mnemonic, fpops function, fast expression, cost), ...)
# by the op bit where a pattern holds a pair.  The fast expressions name the
# lanes of Vn x and Vm y; the accumulating ones Vd x, Vn y, Vm z.
THREE = {
    "VADD_f": (("VADD", "fp_add", "x + y", "add"),),
    "VSUB_f": (("VSUB", "fp_sub", "x - y", "add"),),
    "VMUL_f": (("VMUL", "fp_mul", "x * y", "mul"),),
    "VABD_f": (("VABD", "fp_abd", "abs(x - y)", "add"),),
}
# The compares and VMAX/VMIN: exact, with no flag to raise, while no lane
# is a NaN or a denormal (tested on the lanes as floats: a NaN fails "MIN
# <= abs(v)").  The result is then computed on the lanes' bits a and b
# without a branch per lane (a data-dependent branch is a guard and a
# bridge on PyPy, docs/ENGINE.md): ka and kb are the values' order as
# integers (sign and magnitude made two's complement, so -0 and +0 are
# both 0 and the infinities lie beyond every finite value), ma and mb the
# magnitudes, and (kb - ka) >> 63 is -1 exactly when ka > kb.  VMAX/VMIN
# pick a lane's bits; between equal lanes, +0 and -0 included, the AND
# (max) or OR (min) of the bits is FPMax's and FPMin's sign rule.
GT, GE, EQ = "(kb - ka) >> 63", "~((ka - kb) >> 63)", "~(((ka - kb) | (kb - ka)) >> 63)"
COMPARE = {
    "VCEQ_f": (("VCEQ", "fp_compare_eq", "(%s) & 0xffffffff" % EQ),),
    "VCGE_f": (("VCGE", "fp_compare_ge", "(%s) & 0xffffffff" % GE),),
    "VCGT_f": (("VCGT", "fp_compare_gt", "(%s) & 0xffffffff" % GT),),
    "VACGE_VACGT": (("VACGE", "fp_abs_compare_ge", "~((ma - mb) >> 63) & 0xffffffff"),
                    ("VACGT", "fp_abs_compare_gt", "((mb - ma) >> 63) & 0xffffffff")),
    "VMAX_VMIN_f": (("VMAX", "fp_max", "((a & %s) | (b & ~(%s))) & (a | ~(%s))" % (GT, GT, EQ)),
                    ("VMIN", "fp_min", "((a & (ka - kb) >> 63) | (b & ~((ka - kb) >> 63)))"
                                       " | (a & %s)" % EQ)),
}
# VRECPS: 2 - n * m, VRSQRTS: (3 - n * m) / 2, the product rounded first;
# halving a normal result is exact, so (3 - p) * 0.5 rounded once is the
# pseudocode's two roundings.
STEPS = {
    "VRECPS_VRSQRTS": (("VRECPS", "fp_recip_step", "2.0 - p"),
                       ("VRSQRTS", "fp_rsqrt_step", "(3.0 - p) * 0.5")),
}
# (mnemonic, function, fast expression on Vd x and the product p or Vn y, Vm z, product)
ACCUMULATE = {
    "VMLA_VMLS_f": (("VMLA", "fp_mla", "x + p", "y * z"), ("VMLS", "fp_mls", "x - p", "y * z")),
    "VFMA_VFMS_f": (("VFMA", "fp_fma", "FUSED", "y * z"), ("VFMS", "fp_fms", "FUSED", "-y * z")),
}


def _three(pattern: str):
    def emit(e, f):
        vs = _vectors(e, f, "d", "n", "m")
        if vs is None:
            return
        d, n, m = vs
        _name, fn, fast, cost = THREE[pattern][f.get("op", 0)]
        _elementwise(e, "neon_" + fn, d, (n, m), fast, cost)
    return emit


def _accumulate(pattern: str):
    def emit(e, f):
        vs = _vectors(e, f, "d", "n", "m")
        if vs is None:
            return
        d, n, m = vs
        _name, fn, fast, product = ACCUMULATE[pattern][f["op"]]
        _elementwise(e, "neon_" + fn, d, (d, n, m), fast, "mac", product)
    return emit


for _pattern, _rows in THREE.items():
    op(HANDLERS, _pattern, cycles=COST[_rows[0][3]])(_three(_pattern))


def compare_execute(e, fn: str, dest: Vec, srcs: Sequence, expr: str) -> None:
    """A compare or VMAX/VMIN over the lanes: `expr` on the lanes' bits (a,
    b), order keys (ka, kb) and magnitudes (ma, mb), see COMPARE, when no
    lane is a NaN or a denormal; else fpops' `fn` lane by lane.  A source
    is a Vec, or None for the constant +0 of the compares with zero (whose
    fpops functions take the one operand)."""
    e.cost = COST["cmp"]
    vecs = [v for v in srcs if v is not None]
    L.enabled(e, dest.reg + dest.regs - 1, *[v.reg + k for v in vecs for k in range(v.regs)])
    count = dest.count
    lane_of = {}
    checks = []
    for i, v in enumerate(srcs):
        a, ka, ma = "ab"[i], "k" + "ab"[i], "m" + "ab"[i]
        if v is None:
            for name in (a, ka, ma):
                lane_of[name] = lambda k: "0"
            continue
        e.line("n_%d = %s" % (i, read_f32(v)))
        checks += ["(%r <= abs(n_%d[%d]) or n_%d[%d] == 0.0)" % (MIN_NORMAL, i, k, i, k)
                   for k in range(count)]
        e.line("n_b%d = %s" % (i, L.read(v)))
        lane_of[a] = lambda k, i=i: "n_b%d[%d]" % (i, k)
        lane_of[ma] = lambda k, i=i: "(n_b%d[%d] & 0x7fffffff)" % (i, k)
        lane_of[ka] = lambda k, i=i: "n_k%d[%d]" % (i, k)
    e.line("if %s:" % " and ".join(checks))
    e.indent(1)
    for i, v in enumerate(srcs):
        if v is not None and "k" + "ab"[i] in expr:
            # sign and magnitude to two's complement: (m ^ -s) + s
            e.line("n_k%d = (%s,)" % (i, ", ".join(
                "((n_b%d[%d] & 0x7fffffff) ^ -(n_b%d[%d] >> 31)) + (n_b%d[%d] >> 31)"
                % ((i, k) * 3) for k in range(count))))
    written(e, dest)
    L.write(e, dest, [L.substitute(expr, {n: f(k) for n, f in lane_of.items()})
                      for k in range(count)])
    e.indent(-1)
    e.line("else:")
    e.indent(1)
    _slow(e, fn, dest, [str(v.offset) for v in vecs])
    e.indent(-1)


def _compare(pattern: str):
    def emit(e, f):
        vs = _vectors(e, f, "d", "n", "m")
        if vs is None:
            return
        d, n, m = vs
        _name, fn, expr = COMPARE[pattern][f.get("op", 0)]
        compare_execute(e, "neon_" + fn, d, (n, m), expr)
    return emit


def _step(pattern: str):
    def emit(e, f):
        vs = _vectors(e, f, "d", "n", "m")
        if vs is None:
            return
        d, n, m = vs
        _name, fn, fast = STEPS[pattern][f["op"]]
        _elementwise(e, "neon_" + fn, d, (n, m), fast, "step", "x * y")
    return emit


for _pattern in COMPARE:
    op(HANDLERS, _pattern, cycles=COST["cmp"])(_compare(_pattern))
for _pattern in STEPS:
    op(HANDLERS, _pattern, cycles=COST["step"])(_step(_pattern))
for _pattern in ACCUMULATE:
    op(HANDLERS, _pattern, cycles=COST["mac"])(_accumulate(_pattern))


# -- pairwise (A8.8.364 VPADD, A8.8.366 VPMAX/VPMIN): doubleword only ---------------------------

def neon_fp_pairwise(c, fn, d: int, n: int, m: int) -> None:
    """Dd = [fn(Dn[0], Dn[1]), fn(Dm[0], Dm[1])]: the pairs of the
    concatenation Dm:Dn, lowest first."""
    F = c.fpregs
    a0, a1 = struct.unpack_from("<2I", F, n)
    b0, b1 = struct.unpack_from("<2I", F, m)
    r0, f0 = fn(a0, a1)
    r1, f1 = fn(b0, b1)
    struct.pack_into("<2I", F, d, r0, r1)
    if f0 | f1:
        c.fpscr |= f0 | f1


def _pairwise(pattern: str, fns):
    def emit(e, f):
        if f["Q"]:                   # "if sz == '1' || Q == '1' then UNDEFINED"
            e.undefined()
            return
        vs = _vectors(e, f, "d", "n", "m")
        if vs is None:
            return
        d, n, m = vs
        e.cost = COST["add"]
        L.enabled(e, d.reg, n.reg, m.reg)
        written(e, d)
        slow = "neon_fp_pairwise(c, %s, %d, %d, %d)" % (fns[f.get("op", 0)], d.offset, n.offset,
                                                         m.offset)
        if pattern != "VPADD_f":
            e.line(slow)
            return
        # VPADD: the arithmetic fast path (see the module docstring) on the pairs
        e.line("n_0 = %s" % read_f32(n))
        e.line("n_1 = %s" % read_f32(m))
        e.line("n_r = (n_0[0] + n_0[1], n_1[0] + n_1[1])")
        checks = ["%r < abs(n_r[%d]) <= %r" % (MIN_NORMAL, k, MAX_NORMAL) for k in range(2)]
        checks += ["not 0.0 < abs(n_%d[%d]) < %r" % (i, k, MIN_NORMAL) for i in range(2)
                   for k in range(2)]
        e.line("if c.fpscr & 0x%x and %s:" % (fp.sf.IXC, " and ".join(checks)))
        e.indent(1)
        write_f32(e, d, ["n_r[0]", "n_r[1]"])
        e.indent(-1)
        e.line("else:")
        e.line("    " + slow)
    return emit


op(HANDLERS, "VPADD_f", cycles=COST["add"])(_pairwise("VPADD_f", ("neon_fp_add",)))
op(HANDLERS, "VPMAX_VPMIN_f", cycles=COST["add"])(
    _pairwise("VPMAX_VPMIN_f", ("neon_fp_max", "neon_fp_min")))


# -- by scalar (A8.8.338 VMLA/VMLS (by scalar), A8.8.352 VMUL (by scalar)) ----------------------

def _scalar(e, f):
    """Vd, Vn (Q from the U bit) and the scalar Dm[x] of a .F32 by-scalar
    encoding: m = Vm, x = M (A7.4.3: a 32-bit scalar is in D0-D15)."""
    q = f["U"]
    regs = 2 if q else 1
    d = L.dreg(f, "vd", "D")
    n = L.dreg(f, "vn", "N")
    if L.q_odd(q, d, n):
        e.undefined()
        return None
    return Vec(d, 32, False, regs), Vec(n, 32, False, regs), ("scalar", f["vm"], f["M"])


@op(HANDLERS, "VMLA_VMLS_fs", cycles=COST["mac"])
def vmla_vmls_fs(e, f):
    ops = _scalar(e, f)
    if ops is None:
        return
    d, n, s = ops
    _name, fn, fast, product = ACCUMULATE["VMLA_VMLS_f"][f["op"]]
    _elementwise(e, "neon_" + fn, d, (d, n, s), fast, "mac", product)


@op(HANDLERS, "VMUL_fs", cycles=COST["mul"])
def vmul_fs(e, f):
    ops = _scalar(e, f)
    if ops is None:
        return
    d, n, s = ops
    _elementwise(e, "neon_fp_mul", d, (n, s), "x * y", "mul")


def _unallocated(e, f):
    e.undefined()


for _name in UNALLOCATED:
    if any(_name + " " in t for t in TABLES.values()):
        op(HANDLERS, _name)(_unallocated)


RUNTIME = {"neon_fp_lanes": fp.neon_fp_lanes, "neon_fp_pairwise": neon_fp_pairwise,
           }
RUNTIME.update(_F32)
for _fn in ("fp_add", "fp_sub", "fp_mul", "fp_mla", "fp_mls", "fp_fma", "fp_fms", "fp_abd",
            "fp_max", "fp_min", "fp_compare_eq", "fp_compare_ge", "fp_compare_gt",
            "fp_abs_compare_ge", "fp_abs_compare_gt", "fp_recip_step", "fp_rsqrt_step"):
    RUNTIME["neon_" + _fn] = getattr(fp, _fn)
