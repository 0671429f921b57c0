"""VFPv4-D32: the floating-point instructions in A32 and T32 (A7, A8.8.3xx).

Coprocessors 10 and 11 are the VFP register file (A7.1): sz (bit 8, the
coprocessor number's low bit) selects double precision.  The encodings are
the same in both instruction sets, with the A32 condition field written
1110 in T32 (the IT block supplies the condition), so one template makes
both tables (A7.5 data-processing, A7.6 extension register load/store, A7.8
8/16/32-bit transfers, A7.9 64-bit transfers).

Each operation has one execute step shared by its encodings and
precisions; the precision is ``N`` (32 or 64) and registers are decoded to
word indices of ``c.fpregs`` (vfp/regs.py): S<n> is word n, D<n> words 2n
and 2n+1.

Arithmetic runs on two paths.  The slow path calls the bit-exact soft-float
(vfp/softfloat.py) on the raw bits.  The fast path uses the host's binary64,
which is IEEE round-to-nearest: while FPSCR says RMode = RN, FZ = 0 and
IXC is already set (so that inexactness needs no detecting), a sum,
difference, product, quotient or square root whose result is a normal
number (|r| above the smallest normal, so not tiny even before rounding,
and finite) is the architecture's result with no other flag to raise.
Single precision computed in double and rounded once more to single is
exact for these operations (53 >= 2 * 24 + 2), and ``struct``'s pack to
a single (native 'f' on a little-endian host, vfp/regs.py) rounds to
nearest.  Anything else (NaNs, infinities, zeros,
denormal results, other modes) takes the slow path, which starts afresh
from the registers.

Access control (B1.14, CheckVFPEnabled) is checked at run time, once per
block for what a block needs: CPACR, HCPTR and FPEXC.EN can change only
through instructions that end a block (MCR, VMSR, exception entry), so
after one unconditional VFP instruction has passed the check the rest of
the block need not repeat it; and the check is one flag of the core
(``vfp_open``, vfp/regs.py) unless it fails.  The data-processing instructions that short
vectors would repeat (the arithmetic, VMOV, VABS, VNEG, VSQRT) are also
UNDEFINED while FPSCR.LEN or STRIDE is nonzero: the A15 has no short
vectors.  Compares and conversions are scalar whatever LEN says (VFPv3),
so they run (as on QEMU's cortex-a15).

Cycle classes are the Cortex-A15 latencies of
/work/shared/reference/cortex-a15-timing.md (add 6/10, mul 7/12, div
10/18, single/double); the table does not give multiply-accumulate,
square root, compare or conversion figures, so they are estimated from
those: a multiply-accumulate is a multiply then an add, square root a
divide, compares and conversions an add, moves and transfers 1-2.
"""

import math
import struct
import sys
from typing import Dict, Optional, Tuple

from . import Op, op
from .loadstore import LOAD_CYCLES, MULTIPLE_CYCLES, STORE_CYCLES
from .system import MRC_CYCLES, SERIALIZING_CYCLES, _guarded, _iss_cond
from ..state import MODE_USR
from ..vfp import softfloat as sf
from ..vfp.fastpath import vfp_fma32, vfp_fma64
from ..syndrome import EC_MRC_CP10
from ..vfp.regs import (FPEXC_WMASK, FPSCR_FAST_MASK, FPSCR_FAST_VALUE, FPSCR_LEN_STRIDE, FPSID,
                        MVFR0, MVFR1, ACCESSORS, SINGLE_STORE, get_bits, round32, set_bits,
                        set_fpscr, simd_check_enabled, vfp_check_enabled, vfp_iss, vfp_raise)

HANDLERS: Dict[str, Op] = {}

# -- cycle classes: (single, double) -------------------------------------------------------------
COST = {
    "add": (6, 10), "mul": (7, 12), "div": (10, 18),
    "mac": (13, 22),          # multiply then add (VMLA..., VFMA...)
    "sqrt": (10, 18), "cmp": (6, 10), "cvt": (6, 10),
    "move": (1, 1),
}
TRANSFER_TO_CORE_CYCLES = 2
TRANSFER_TO_VFP_CYCLES = 1

# -- encodings ----------------------------------------------------------------------------------
# Field letters, clear of the other families' (decode.py checks): g Vd,
# e D; f Vn, E N; b Vm, C M; z sz; o the op bit of a pair; q sx; R the T
# bit (top half); v the special register; j the scalar index.

_TEMPLATE = """
# A7.5 data-processing (opc1 bits 23, 21:20; opc3 bit 6 as o where a pair shares a row)
VMLA_VMLS     {p} 1110 0e00 ffff gggg 101z EoC0 bbbb
VNMLS_VNMLA   {p} 1110 0e01 ffff gggg 101z EoC0 bbbb
VMUL          {p} 1110 0e10 ffff gggg 101z E0C0 bbbb
VNMUL         {p} 1110 0e10 ffff gggg 101z E1C0 bbbb
VADD          {p} 1110 0e11 ffff gggg 101z E0C0 bbbb
VSUB          {p} 1110 0e11 ffff gggg 101z E1C0 bbbb
VDIV          {p} 1110 1e00 ffff gggg 101z E0C0 bbbb
VFNMS_VFNMA   {p} 1110 1e01 ffff gggg 101z EoC0 bbbb
VFMA_VFMS     {p} 1110 1e10 ffff gggg 101z EoC0 bbbb
VMOV_imm      {p} 1110 1e11 iiii gggg 101z -0-0 iiii
VMOV_reg      {p} 1110 1e11 0000 gggg 101z 01C0 bbbb
VABS          {p} 1110 1e11 0000 gggg 101z 11C0 bbbb
VNEG          {p} 1110 1e11 0001 gggg 101z 01C0 bbbb
VSQRT         {p} 1110 1e11 0001 gggg 101z 11C0 bbbb
VCVTB_VCVTT   {p} 1110 1e11 001o gggg 1010 R1C0 bbbb
VCMP          {p} 1110 1e11 0100 gggg 101z o1C0 bbbb
VCMP_zero     {p} 1110 1e11 0101 gggg 101z o1-0 ----
VCVT_f64_f32  {p} 1110 1e11 0111 gggg 101z 11C0 bbbb
VCVT_fp_int   {p} 1110 1e11 1000 gggg 101z o1C0 bbbb
VCVT_fp_fixed {p} 1110 1e11 1o1u gggg 101z q1i0 iiii
VCVT_int_fp   {p} 1110 1e11 110u gggg 101z o1C0 bbbb
# A7.6 extension register load/store; P U W decide (VLDR/VSTR nest inside)
VSTM          {p} 110p uew0 nnnn gggg 101z iiii iiii
VLDM          {p} 110p uew1 nnnn gggg 101z iiii iiii
VSTR          {p} 1101 ue00 nnnn gggg 101z iiii iiii
VLDR          {p} 1101 ue01 nnnn gggg 101z iiii iiii
# A7.9 64-bit transfers (in the VSTM/VLDM space: P=0 U=0 W=0 with bit 22 set)
VMOV_rr_to    {p} 1100 0100 TTTT tttt 101z 00C1 bbbb
VMOV_rr_from  {p} 1100 0101 TTTT tttt 101z 00C1 bbbb
# A7.8 8, 16 and 32-bit transfers; the 32-bit scalar forms (opc2 = 00) are VFP's, the
# 8- and 16-bit ones Advanced SIMD's (ops/neon_ls.py)
VMOV_s_r      {p} 1110 0000 ffff tttt 1010 E--1 ----
VMOV_r_s      {p} 1110 0001 ffff tttt 1010 E--1 ----
VMSR          {p} 1110 1110 vvvv tttt 1010 ---1 ----
VMRS          {p} 1110 1111 vvvv tttt 1010 ---1 ----
VMOV_x_r      {p} 1110 00j0 gggg tttt 1011 e001 ----
VMOV_r_x      {p} 1110 00j1 ffff tttt 1011 E001 ----
# the rest of the CP10/CP11 space: UNDEFINED (Advanced SIMD, ARMv8 additions)
VFP_unallocated_ldst {p} 110- ---- ---- ---- 101- ---- ----
VFP_unallocated_dp   {p} 1110 ---- ---- ---- 101- ---- ----
"""

TABLES = {"A32": _TEMPLATE.format(p="cccc"), "T32": _TEMPLATE.format(p="1110")}
_LETTERS = {"g": "vd", "e": "D", "f": "vn", "E": "N", "b": "vm", "C": "M", "z": "sz",
            "o": "op", "q": "sx", "R": "top", "v": "spec_reg", "j": "index",
            "p": "P", "u": "U", "w": "W", "T": "rt2"}
FIELDS = {"A32": dict(_LETTERS), "T32": dict(_LETTERS)}


# -- operands -------------------------------------------------------------------------------------

def _reg(vbits: int, bit: int, double: bool) -> int:
    """The register number: D:Vd for doubles, Vd:D for singles (A7.3)."""
    return bit << 4 | vbits if double else vbits << 1 | bit


def _dreg(f) -> Tuple[int, int, int]:
    """Vd, Vn, Vm of a data-processing encoding, in its own precision."""
    dbl = f.get("sz", 0) == 1
    return (_reg(f["vd"], f["D"], dbl), _reg(f.get("vn", 0), f.get("N", 0), dbl),
            _reg(f.get("vm", 0), f.get("M", 0), dbl))


# How emitted code reaches the bank (vfp/regs.py ACCESSORS).  PyPy's JIT
# specializes struct.unpack_from/pack_into on a constant format string,
# which a Struct's bound methods do not get: a block of VADD.F64 ran at
# 50 ns per instruction against 74 (a standalone loop of emitted code).
# CPython is faster the other way (no format cache lookup), so each
# runtime gets its own spelling of the same access.
BY_FORMAT = sys.implementation.name == "pypy"
_FORMAT = {"vfp_d": "<d", "vfp_f": "<f", "vfp_q": "<Q", "vfp_w": "<I", "vfp_i": "<i", "vfp_ii": "<II"}
_STORE_FORMAT = dict(_FORMAT, vfp_f=SINGLE_STORE)     # a single is written natively (vfp/regs.py)


def _bank(name: str, *args) -> str:
    """A call of accessor `name` (vfp_d, vfp_pd, ...) on the bank F."""
    text = ", ".join(str(a) for a in args)
    if not BY_FORMAT:
        return "%s(F, %s)" % (name, text)
    store = name.startswith("vfp_p")
    fmt = _STORE_FORMAT["vfp_" + name[5:]] if store else _FORMAT[name]
    return "vfp_%s('%s', F, %s)" % ("pack_into" if store else "unpack_from", fmt, text)


def _w(i: int) -> str:
    """Word i of the register bank as an expression (an unsigned 32-bit int)."""
    return _bank("vfp_w", 4 * i) + "[0]"


# The block's copies of register values.  A register read as a host float
# once in a block is kept in a local (fd<n> for D<n>, fs<n> for S<n>), and so
# is a double the block writes, until an instruction writes that register or
# one that aliases it (S2n and S2n+1 are the halves of D<n>).  The bank stays
# the architectural state: every write still goes to it, so a fault, a slow
# path or the next block sees the registers as they are.  A read costs PyPy's
# tracer some twenty operations through struct and a local none.  A single
# is not kept from a write (the bank holds the result rounded to single, the
# fast path's local is not), and a conditional instruction keeps nothing, as
# its lines may not run; both forget what they write.

def _forget(e, n: int, r: int) -> None:
    """Register r of precision n is written: drop the copies it makes stale."""
    values = e.values
    if n == 64:
        for key in ((64, r), (32, 2 * r), (32, 2 * r + 1)):
            values.pop(key, None)
    else:
        values.pop((32, r), None)
        values.pop((64, r >> 1), None)


def _setw(e, i: int, expr: str) -> None:
    _forget(e, 32, i)                # word i: S<i>, or half of D<i/2>
    e.line(_bank("vfp_pw", 4 * i, expr))


def _value(e, n: int, r: int) -> str:
    """Register r as a host float (for the fast path only: NaNs may lose bits)."""
    name = e.values.get((n, r))
    if name is not None:
        return name
    if n == 64:
        expr = _bank("vfp_d", 8 * r) + "[0]"
    else:
        expr = _bank("vfp_f", 4 * r) + "[0]"
    if not e.straight:
        return expr
    name = "%s%d" % ("fd" if n == 64 else "fs", r)
    e.line("%s = %s" % (name, expr))
    e.values[(n, r)] = name
    return name


def _store_value(e, n: int, r: int, expr: str) -> None:
    """Register r = a host float already in range (fast path)."""
    _forget(e, n, r)
    if n == 64:
        if e.straight:
            e.line("fd%d = %s" % (r, expr))
            expr = "fd%d" % r
            e.values[(64, r)] = expr
        e.line(_bank("vfp_pd", 8 * r, expr))
    else:
        e.line(_bank("vfp_pf", 4 * r, expr))


def _keep_double(e, r: int, keep: bool, name: str) -> None:
    """After an if/else that wrote D<r> on both paths, with local `name`
    holding its value on each: keep it as the block's copy (`keep`: the
    if/else was on the instruction's straight path)."""
    if keep:
        e.line("fd%d = %s" % (r, name))
        e.values[(64, r)] = "fd%d" % r


def _word(n: int, r: int) -> int:
    """The word index of register r's (low) word."""
    return 2 * r if n == 64 else r


# The fast path's condition on FPSCR (vfp/regs.py)
FAST = "c.fpscr & 0x%x == 0x%x" % (FPSCR_FAST_MASK, FPSCR_FAST_VALUE)


def _fast(e) -> str:
    """FAST as the block tests it: once, into a local, from the first
    instruction on the straight path that needs it.  The answer cannot go
    from true to false within a block (RMode and FZ change, and IXC is
    cleared, only by VMSR, which ends it); from false to true (a slow path
    setting IXC) it only leaves the rest of the block on the slow path."""
    if ("fast",) in e.values:
        return "fast"
    if not e.straight:
        return FAST
    e.line("fast = %s" % FAST)
    e.values[("fast",)] = "fast"
    return "fast"

# Bounds of the fast path's results: strictly above the smallest normal
# (so not tiny before rounding) and at most the largest finite number.
_RANGE = {64: ("2.2250738585072014e-308", "1.7976931348623157e+308"),
          32: ("1.1754943508222875e-38", "3.4028234663852886e+38")}


# -- the per-block access check ---------------------------------------------------------------------

def _enabled(e, vector_undef: bool = False, high: bool = False) -> None:
    """CheckVFPEnabled(TRUE), and the A15's short-vector UNDEF for
    data-processing, unless this block has already checked as much; then
    bind F, the register words."""
    facts = e.facts
    need = {"vfp"}
    if vector_undef:
        need.add("vfp_scalar")
    if high:
        need.add("vfp_d32")
    if not need <= facts:
        # Inline, a test that passes in the usual state (the core's
        # vfp_open: cp10 full access, D32DIS clear, no HCPTR trap, FPEXC.EN;
        # and no short vectors); the precise checks, in their order, only
        # when it fails.
        test = "c.vfp_open"
        if vector_undef:
            test += " and not c.fpscr & 0x%x" % FPSCR_LEN_STRIDE
        e.line("if not (%s):" % test)
        e.indent(1)
        _guarded(e, "vfp_check_enabled(c, 0x%x, 0x%x, True, %s, %s)" % (
            e.pc, vfp_iss(_iss_cond(e) >> 20), vector_undef, high), "v is not None")
        e.indent(-1)
    if "vfp_F" not in facts:
        e.line("F = c.fpregs")
    if e.cond in (0xE, 0xF) and not e.in_it_block:
        facts.update(need)
        facts.add("vfp_F")


def _simd_enabled(e, high: bool = False) -> None:
    """CheckAdvSIMDEnabled() (vfp/regs.py simd_check_enabled: the VFP checks
    and CPACR.ASEDIS, HCPTR.TASE), emitted by every Advanced SIMD handler
    (neon/lanes.py enabled() calls it), unless this block has already
    checked as much; then bind F.  `high`: the instruction names D16-D31.
    Inline it is one flag of the core (``simd_open``) unless it fails.

    An Advanced SIMD instruction may write any register of the bank, so the
    block's VFP copies of register values (see _forget) are dropped here:
    a VFP instruction after it reads the bank again."""
    facts = e.facts
    need = {"simd", "vfp"}
    if high:
        need.add("vfp_d32")
    if not need <= facts:
        e.line("if not c.simd_open:")
        e.indent(1)
        _guarded(e, "simd_check_enabled(c, 0x%x, %d, %s)" % (
            e.pc, (_iss_cond(e) >> 20) & 15, high), "v is not None")
        e.indent(-1)
    for key in [k for k in e.values if k[0] in (32, 64)]:
        del e.values[key]
    if "vfp_F" not in facts:
        e.line("F = c.fpregs")
    if e.cond in (0xE, 0xF) and not e.in_it_block:
        facts.update(need)
        facts.add("vfp_F")


def _uses_high(n: int, *regs: int) -> bool:
    return n == 64 and any(r >= 16 for r in regs)


# -- data-processing -----------------------------------------------------------------------------

def _slow(e, fn: str, n: int, d: int, *srcs: int) -> None:
    e.line("vfp_exec(c, %s, %d, %d, %s)" % (fn, n, _word(n, d), ", ".join(str(_word(n, s)) for s in srcs)))


def vfp_exec(c, fn, n: int, d: int, *srcs: int) -> None:
    """The slow path of a data-processing instruction: `fn` on the raw bits
    of the source words, the result to word(s) d, the flags to FPSCR."""
    F = c.fpregs
    r, flags = fn(*[get_bits(F, n, s) for s in srcs], n, c.fpscr)
    set_bits(F, n, d, r)
    if flags:
        vfp_raise(c, flags)


def _vfp_mla(neg_product: bool, neg_acc: bool):
    """VMLA, VMLS, VNMLA, VNMLS (A8.8.337, A8.8.351): two roundings,
    FPAdd(d or -d, product or -product)."""
    def fn(xd, xn, xm, n, fpscr):
        p, f1 = sf.fp_mul(xn, xm, n, fpscr)
        if neg_product:
            p = sf.fp_neg(p, n)
        if neg_acc:
            xd = sf.fp_neg(xd, n)
        r, f2 = sf.fp_add(xd, p, n, fpscr)
        return r, f1 | f2
    return fn


def _vfp_fma(neg_n: bool, neg_acc: bool):
    """VFMA, VFMS, VFNMA, VFNMS (A8.8.317, A8.8.318): one rounding,
    FPMulAdd(d or -d, n or -n, m)."""
    def fn(xd, xn, xm, n, fpscr):
        if neg_n:
            xn = sf.fp_neg(xn, n)
        if neg_acc:
            xd = sf.fp_neg(xd, n)
        return sf.fp_mul_add(xd, xn, xm, n, fpscr)
    return fn


def vfp_nmul(x1, x2, n, fpscr):
    """VNMUL: FPNeg(FPMul())."""
    r, flags = sf.fp_mul(x1, x2, n, fpscr)
    return sf.fp_neg(r, n), flags


# The three-operand operations: (soft-float function name, fast expression or None, cost class)
ARITH = {
    "VADD": ("fp_add", "fa + fb", "add"),
    "VSUB": ("fp_sub", "fa - fb", "add"),
    "VMUL": ("fp_mul", "fa * fb", "mul"),
    "VNMUL": ("vfp_nmul", "-(fa * fb)", "mul"),
    "VDIV": ("fp_div", "fa / fb if fb else 0.0", "div"),
}
MAC = {   # op bit -> (name, soft-float function)
    "VMLA_VMLS": (("VMLA", "vfp_vmla"), ("VMLS", "vfp_vmls")),
    "VNMLS_VNMLA": (("VNMLS", "vfp_vnmls"), ("VNMLA", "vfp_vnmla")),
    "VFMA_VFMS": (("VFMA", "vfp_vfma"), ("VFMS", "vfp_vfms")),
    "VFNMS_VFNMA": (("VFNMS", "vfp_vfnms"), ("VFNMA", "vfp_vfnma")),
}
_MAC_FUNCTIONS = {
    "vfp_vmla": _vfp_mla(False, False), "vfp_vmls": _vfp_mla(True, False),
    "vfp_vnmla": _vfp_mla(True, True), "vfp_vnmls": _vfp_mla(False, True),
    "vfp_vfma": _vfp_fma(False, False), "vfp_vfms": _vfp_fma(True, False),
    "vfp_vfnma": _vfp_fma(True, True), "vfp_vfnms": _vfp_fma(False, True),
}


def _cost(e, cls: str, n: int) -> None:
    e.cost = COST[cls][n == 64]


def _fast_result(e, n: int, expr: str, d: int, slow) -> None:
    """r = expr on the fast path; write it if it is a normal number, else
    run `slow` (which emits the slow path)."""
    lo, hi = _RANGE[n]
    keep = n == 64 and e.straight
    e.line("fr = (%s) if %s else 0.0" % (expr, _fast(e)))
    e.line("if %s < abs(fr) <= %s:" % (lo, hi))
    e.indent(1)
    _store_value(e, n, d, "fr")
    e.indent(-1)
    e.line("else:")
    e.indent(1)
    slow()
    if keep:
        e.line("fr = %s[0]" % _bank("vfp_d", 8 * d))
    e.indent(-1)
    _keep_double(e, d, keep, "fr")


def arith_execute(e, name: str, n: int, d: int, rn: int, rm: int) -> None:
    """VADD, VSUB, VMUL, VNMUL, VDIV: Dd = op(Dn, Dm) (A8.8.283 ...)."""
    fn, fast, cls = ARITH[name]
    _cost(e, cls, n)
    _enabled(e, True, _uses_high(n, d, rn, rm))
    e.line("fa = %s" % _value(e, n, rn))
    e.line("fb = %s" % _value(e, n, rm))
    _fast_result(e, n, fast, d, lambda: _slow(e, fn, n, d, rn, rm))


# How each multiply-accumulate combines the accumulator x = Dd and the
# product p = Dn * Dm (the pseudocode's negations): (sign of x, sign of p)
MAC_SIGNS = {
    "vfp_vmla": ("", "+"), "vfp_vmls": ("", "-"), "vfp_vnmla": ("-", "-"), "vfp_vnmls": ("-", "+"),
    "vfp_vfma": ("", "+"), "vfp_vfms": ("", "-"), "vfp_vfnma": ("-", "-"), "vfp_vfnms": ("-", "+"),
}
_FUSED = ("vfp_vfma", "vfp_vfms", "vfp_vfnma", "vfp_vfnms")


def mac_execute(e, fn: str, n: int, d: int, rn: int, rm: int) -> None:
    """The multiply-accumulates, fused (one rounding: vfp/fastpath.py on the
    fast path) or not (two: the product must itself be a normal number in
    range for the fast path, and is rounded to single first in single
    precision)."""
    _cost(e, "mac", n)
    _enabled(e, True, _uses_high(n, d, rn, rm))
    sx, sp = MAC_SIGNS[fn]
    e.line("fx = %s%s" % (sx, _value(e, n, d)))
    e.line("fa = %s" % _value(e, n, rn))
    e.line("fb = %s" % _value(e, n, rm))
    slow = lambda: _slow(e, fn, n, d, d, rn, rm)       # noqa: E731
    if fn in _FUSED:
        expr = "vfp_fma%d(fx, %sfa, fb)" % (n, "-" if sp == "-" else "")
    else:
        lo, hi = _RANGE[n]
        e.line("fp = fa * fb")
        product = "fp" if n == 64 else "vfp_round32(fp)"
        expr = "fx %s %s if %s < abs(fp) <= %s else 0.0" % (sp, product, lo, hi)
    _fast_result(e, n, expr, d, slow)


def _three(name: str):
    def emit(e, f):
        d, rn, rm = _dreg(f)
        arith_execute(e, name, 64 if f["sz"] else 32, d, rn, rm)
    return emit


for _name in ARITH:
    op(HANDLERS, _name, cycles=COST[ARITH[_name][2]][0])(_three(_name))


def _mac(pattern: str):
    def emit(e, f):
        d, rn, rm = _dreg(f)
        mac_execute(e, MAC[pattern][f["op"]][1], 64 if f["sz"] else 32, d, rn, rm)
    return emit


for _pattern in MAC:
    op(HANDLERS, _pattern, cycles=COST["mac"][0])(_mac(_pattern))


@op(HANDLERS, "VSQRT", cycles=COST["sqrt"][0])
def vsqrt(e, f):
    """VSQRT (A8.8.401)."""
    n = 64 if f["sz"] else 32
    d, _, m = _dreg(f)
    _cost(e, "sqrt", n)
    _enabled(e, True, _uses_high(n, d, m))
    e.line("fa = %s" % _value(e, n, m))
    _fast_result(e, n, "vfp_host_sqrt(fa) if 0.0 < fa <= %s else 0.0" % _RANGE[n][1], d,
                 lambda: _slow(e, "fp_sqrt", n, d, m))


# -- moves, absolute value, negation (bit operations: no flags, no NaN processing) ----------------

def bitop_execute(e, n: int, d: int, m: int, how: str) -> None:
    """VMOV (register), VABS, VNEG (A8.8.340, A8.8.280, A8.8.355): the sign
    bit is copied, cleared or flipped; the rest is copied."""
    _cost(e, "move", n)
    _enabled(e, True, _uses_high(n, d, m))
    hi_d, hi_m = (2 * d + 1, 2 * m + 1) if n == 64 else (d, m)
    if n == 64:
        _setw(e, 2 * d, _w(2 * m))
    expr = {"mov": "%s", "abs": "%s & 0x7fffffff", "neg": "%s ^ 0x80000000"}[how]
    _setw(e, hi_d, expr % _w(hi_m))


for _name, _how in (("VMOV_reg", "mov"), ("VABS", "abs"), ("VNEG", "neg")):
    def _emit(e, f, how=_how):
        d, _, m = _dreg(f)
        bitop_execute(e, 64 if f["sz"] else 32, d, m, how)
    op(HANDLERS, _name, cycles=1)(_emit)


def vfp_expand_imm(imm8: int, n: int) -> int:
    """VFPExpandImm() (A7.5.1): sign, NOT(b6):b6 x (E-3):imm8<5:4>, imm8<3:0> then zeros."""
    e, f = sf.FORMATS[n]
    b6 = (imm8 >> 6) & 1
    exp = ((b6 ^ 1) << (e - 1)) | ((((1 << (e - 3)) - 1) if b6 else 0) << 2) | ((imm8 >> 4) & 3)
    return (imm8 >> 7) << (n - 1) | exp << f | (imm8 & 0xF) << (f - 4)


@op(HANDLERS, "VMOV_imm", cycles=1)
def vmov_imm(e, f):
    """VMOV (immediate) (A8.8.339)."""
    n = 64 if f["sz"] else 32
    d = _dreg(f)[0]
    _enabled(e, True, _uses_high(n, d))
    value = vfp_expand_imm(f["imm"], n)
    if n == 64:
        _forget(e, 64, d)
        e.line(_bank("vfp_pq", 8 * d, "0x%x" % value))
    else:
        _setw(e, d, "0x%x" % value)


# -- compare ------------------------------------------------------------------------------------

def vfp_cmp_slow(c, n: int, w1: int, w2: int, quiet_nan_exc: bool) -> None:
    """FPCompare() on the raw bits of words w1 (and w2, or +0 if negative):
    FPSCR.NZCV and the flags."""
    F = c.fpregs
    x1 = get_bits(F, n, w1)
    x2 = 0 if w2 < 0 else get_bits(F, n, w2)
    nzcv, flags = sf.fp_compare(x1, x2, n, c.fpscr, quiet_nan_exc)
    set_fpscr(c, (c.fpscr & 0x0FFFFFFF) | nzcv | flags)


def compare_execute(e, n: int, d: int, m: Optional[int], quiet_nan_exc: bool) -> None:
    """VCMP, VCMPE (A8.8.290): FPSCR.NZCV = the comparison of Dd with Dm or
    +0.  Fast when neither is a NaN and FZ is clear (no flag can arise)."""
    _cost(e, "cmp", n)
    _enabled(e, False, _uses_high(n, d, m or 0))
    e.line("fa = %s" % _value(e, n, d))
    e.line("fb = %s" % ("0.0" if m is None else _value(e, n, m)))
    e.line("if fa == fa and fb == fb and not c.fpscr & 0x%x:" % sf.FZ)
    e.line("    c.fpscr = (c.fpscr & 0x0fffffff) | "
           "(0x60000000 if fa == fb else 0x80000000 if fa < fb else 0x20000000)")
    e.line("else:")
    e.line("    vfp_cmp_slow(c, %d, %d, %d, %s)" % (n, _word(n, d), -1 if m is None else _word(n, m),
                                                   quiet_nan_exc))


@op(HANDLERS, "VCMP", cycles=COST["cmp"][0])
def vcmp(e, f):
    d, _, m = _dreg(f)
    compare_execute(e, 64 if f["sz"] else 32, d, m, bool(f["op"]))


@op(HANDLERS, "VCMP_zero", cycles=COST["cmp"][0])
def vcmp_zero(e, f):
    compare_execute(e, 64 if f["sz"] else 32, _dreg(f)[0], None, bool(f["op"]))


# -- conversions ------------------------------------------------------------------------------

def vfp_convert(c, n_from: int, n_to: int, d: int, m: int, top_from: int = -1, top_to: int = -1) -> None:
    """VCVT between precisions and VCVTB/VCVTT: the source (a half: the low
    or high half of word m, as `top_from` says), converted, to the
    destination (a half: into word d's half `top_to`, the other kept)."""
    F = c.fpregs
    if n_from == 16:
        x = (get_bits(F, 32, m) >> (16 * top_from)) & 0xFFFF
    else:
        x = get_bits(F, n_from, m)
    r, flags = sf.fp_convert(x, n_from, n_to, c.fpscr)
    if n_to == 16:
        shift = 16 * top_to
        set_bits(F, 32, d, (get_bits(F, 32, d) & ~(0xFFFF << shift)) | r << shift)
    else:
        set_bits(F, n_to, d, r)
    vfp_raise(c, flags)


@op(HANDLERS, "VCVT_f64_f32", cycles=COST["cvt"][0])
def vcvt_f64_f32(e, f):
    """VCVT (between double and single precision) (A8.8.309): sz is the
    source's precision."""
    to_double = f["sz"] == 0
    d = _reg(f["vd"], f["D"], to_double)
    m = _reg(f["vm"], f["M"], not to_double)
    n_from, n_to = (32, 64) if to_double else (64, 32)
    _cost(e, "cvt", 64)
    _enabled(e, False, _uses_high(64, d if to_double else m))
    e.line("fa = %s" % _value(e, n_from, m))
    if to_double:
        # exact for every non-NaN single; with FZ a denormal would be flushed
        keep = e.straight
        e.line("if fa == fa and not c.fpscr & 0x%x:" % sf.FZ)
        e.indent(1)
        _store_value(e, 64, d, "fa")
        e.indent(-1)
        e.line("else:")
        e.line("    vfp_convert(c, 32, 64, %d, %d)" % (_word(64, d), m))
        if keep:
            e.line("    fa = %s[0]" % _bank("vfp_d", 8 * d))
        _keep_double(e, d, keep, "fa")
    else:
        _fast_result(e, 32, "fa", d, lambda: e.line("vfp_convert(c, 64, 32, %d, %d)" % (d, _word(64, m))))


@op(HANDLERS, "VCVTB_VCVTT", cycles=COST["cvt"][0])
def vcvtb_vcvtt(e, f):
    """VCVTB, VCVTT (A8.8.311): between single precision and the bottom
    (B) or top (T) half of a single register, with FPSCR.AHP."""
    d, _, m = _dreg(f)
    _enabled(e)
    _forget(e, 32, d)
    if f["op"]:       # single to half
        e.line("vfp_convert(c, 32, 16, %d, %d, -1, %d)" % (d, m, f["top"]))
    else:
        e.line("vfp_convert(c, 16, 32, %d, %d, %d, -1)" % (d, m, f["top"]))


def vfp_to_int(c, n: int, d: int, m: int, m_bits: int, frac_bits: int, unsigned: bool,
               round_zero: bool, dest64: bool = False) -> None:
    """FPToFixed() of word(s) m to word d, sign- or zero-extended from M
    bits to 32, or to 64 (`dest64`: the fixed-point forms in a D register)."""
    F = c.fpregs
    r, flags = sf.fp_to_fixed(get_bits(F, n, m), n, m_bits, frac_bits, unsigned, round_zero, c.fpscr)
    if not unsigned and r >> (m_bits - 1):
        r -= 1 << m_bits
    if dest64:
        set_bits(F, 64, d, r & 0xFFFFFFFFFFFFFFFF)
    else:
        set_bits(F, 32, d, r & 0xFFFFFFFF)
    vfp_raise(c, flags)


def vfp_from_int(c, n: int, d: int, m: int, m_bits: int, frac_bits: int, unsigned: bool,
                 round_nearest: bool) -> None:
    """FixedToFP() of the low M bits of word m to word(s) d: the integer
    forms round per FPSCR, the fixed-point forms to nearest (A8.8.306,
    A8.8.308: FixedToFP(..., round_to_nearest = TRUE))."""
    F = c.fpregs
    r, flags = sf.fixed_to_fp(get_bits(F, 32, m), n, m_bits, frac_bits, unsigned, round_nearest,
                              c.fpscr)
    set_bits(F, n, d, r)
    vfp_raise(c, flags)


@op(HANDLERS, "VCVT_fp_int", cycles=COST["cvt"][0])
def vcvt_fp_int(e, f):
    """VCVT (from integer) (A8.8.305): op is signed; rounding per FPSCR.
    A signed 32-bit integer is exact in double: the fast path needs no check."""
    n = 64 if f["sz"] else 32
    d = _reg(f["vd"], f["D"], n == 64)
    m = _reg(f["vm"], f["M"], False)
    signed = bool(f["op"])
    _cost(e, "cvt", n)
    _enabled(e, False, _uses_high(n, d))
    if n == 64:
        x = _bank("vfp_i", 4 * m) + "[0]" if signed else _w(m)
        _store_value(e, 64, d, "float(%s)" % x)
        return
    # In single precision: exact up to 2^24; beyond, float(x) is exact and
    # the pack to a single rounds it to nearest, right when the fast path holds.
    e.line("ix = %s" % (_bank("vfp_i", 4 * m) + "[0]" if signed else _w(m)))
    e.line("if -0x1000000 <= ix <= 0x1000000 or %s:" % _fast(e))
    e.indent(1)
    _store_value(e, 32, d, "float(ix)")
    e.indent(-1)
    e.line("else:")
    e.line("    vfp_from_int(c, 32, %d, %d, 32, 0, %s, False)" % (d, m, not signed))


@op(HANDLERS, "VCVT_int_fp", cycles=COST["cvt"][0])
def vcvt_int_fp(e, f):
    """VCVT, VCVTR (to integer) (A8.8.305): U clear is unsigned; op set
    rounds towards zero, clear uses FPSCR.RMode.  On the fast path (whose
    mode is round to nearest, with IXC set) int() truncates and round()
    rounds half to even; a result in range is the architecture's, with no
    flag to raise."""
    n = 64 if f["sz"] else 32
    d = _reg(f["vd"], f["D"], False)
    m = _reg(f["vm"], f["M"], n == 64)
    signed = f["U"] == 1
    round_zero = bool(f["op"])
    _cost(e, "cvt", n)
    _enabled(e, False, _uses_high(n, m))
    lo, hi = (-0x80000000, 0x7FFFFFFF) if signed else (0, 0xFFFFFFFF)
    e.line("fa = %s" % _value(e, n, m))
    e.line("ix = %s(fa) if %s and -5e9 < fa < 5e9 else -1 << 40" % ("int" if round_zero else "round", _fast(e)))
    _forget(e, 32, d)
    e.line("if %d <= ix <= %d:" % (lo, hi))
    e.line("    " + _bank("vfp_pw", 4 * d, "ix & 0xffffffff"))
    e.line("else:")
    e.line("    vfp_to_int(c, %d, %d, %d, 32, 0, %s, %s)" % (n, d, _word(n, m), not signed, round_zero))


@op(HANDLERS, "VCVT_fp_fixed", cycles=COST["cvt"][0])
def vcvt_fp_fixed(e, f):
    """VCVT (between floating-point and fixed-point) (A8.8.308): in place,
    size 16 or 32 (sx), fraction bits = size - imm4:i; to fixed rounds
    towards zero and extends the result to the register's width, from
    fixed rounds to nearest whatever FPSCR says."""
    n = 64 if f["sz"] else 32
    d = _reg(f["vd"], f["D"], n == 64)
    size = 32 if f["sx"] else 16
    raw = f["imm"]                       # i:imm4 as the table reads it; the value is imm4:i
    frac_bits = size - ((raw & 0xF) << 1 | raw >> 4)
    if frac_bits < 0:
        e.unpredictable()
        return
    unsigned = f["U"] == 1
    _cost(e, "cvt", n)
    _enabled(e, False, _uses_high(n, d))
    w = _word(n, d)
    _forget(e, n, d)
    if f["op"]:
        e.line("vfp_to_int(c, %d, %d, %d, %d, %d, %s, True, %s)" % (
            n, w, w, size, frac_bits, unsigned, n == 64))
    else:
        e.line("vfp_from_int(c, %d, %d, %d, %d, %d, %s, True)" % (n, w, w, size, frac_bits, unsigned))


# -- loads and stores (A8.8.332 VLDR, A8.8.332 VLDM, A8.8.404 VSTR, A8.8.403 VSTM) -----------------

def _load_words(e, n: int, r: int, address: str) -> None:
    """One register from memory: a word, or two in the order CPSR.E says
    (word1:word2 in big-endian, word2:word1 in little-endian)."""
    if n == 32:
        _setw(e, r, "ld32a(%s)" % address)
        return
    # Both words from one soft-TLB lookup when they share a page (an
    # 8-aligned address); else (and for a miss or a fault) word by word.
    e.line("p = rget(%s >> 12)" % address)
    e.line("if p is not None and not %s & 7:" % address)
    e.line("    i = (%s & 0xfff) >> 2" % address)
    e.line("    w1 = p[i]")
    e.line("    w2 = p[i + 1]")
    e.line("else:")
    e.line("    w1 = ld32a(%s)" % address)
    e.line("    w2 = ld32a((%s + 4) & 0xffffffff)" % address)
    _forget(e, 64, r)
    e.line(_bank("vfp_pii", 8 * r, "w2 if c.E else w1", "w1 if c.E else w2"))


def _store_words(e, n: int, r: int, address: str) -> None:
    if n == 32:
        e.line("st32a(%s, %s)" % (address, _w(r)))
        return
    e.line("w1, w2 = " + _bank("vfp_ii", 8 * r))
    e.line("p = wget(%s >> 12)" % address)       # a page holding code is never there
    e.line("if p is not None and not %s & 7:" % address)
    e.line("    i = (%s & 0xfff) >> 2" % address)
    e.line("    p[i] = w2 if c.E else w1")
    e.line("    p[i + 1] = w1 if c.E else w2")
    e.line("else:")
    e.line("    st32a(%s, w2 if c.E else w1)" % address)
    e.line("    st32a((%s + 4) & 0xffffffff, w1 if c.E else w2)" % address)


def vldr_vstr_execute(e, load: bool, n: int, d: int, rn: int, imm32: int, add: bool) -> None:
    """VLDR/VSTR: [Rn, #+/-imm8*4], the PC reading as Align(PC, 4); word
    aligned always (MemA)."""
    if not load and rn == 15 and e.isa == "T32":
        e.unpredictable()
        return
    _enabled(e, False, _uses_high(n, d))
    base = "0x%x" % e.pc_aligned if rn == 15 else "R[%d]" % rn
    if rn == 15:
        e.line("a = 0x%x" % ((e.pc_aligned + (imm32 if add else -imm32)) & 0xFFFFFFFF))
    else:
        e.line("a = (%s %s %d) & 0xffffffff" % (base, "+" if add else "-", imm32))
    (_load_words if load else _store_words)(e, n, d, "a")


def vldm_vstm_execute(e, load: bool, n: int, d: int, rn: int, imm8: int,
                      increment: bool, wback: bool) -> None:
    """VLDM/VSTM (VPUSH, VPOP): consecutive registers from Dd/Sd, IA or DB;
    imm8 is the word count (FLDMX/FSTMX, odd with doubles, move imm8/2
    registers).  No registers, more than 16 doubles, or a list beyond the
    last register is UNPREDICTABLE (UNDEFINED here), as is writeback to PC."""
    regs = imm8 // 2 if n == 64 else imm8
    if regs == 0 or (n == 64 and regs > 16) or d + regs > 32 or (rn == 15 and (wback or e.isa == "T32")):
        e.unpredictable()
        return
    e.cost += regs * (2 if n == 64 else 1)
    _enabled(e, False, _uses_high(n, d + regs - 1))
    words = 4 * imm8
    base = "0x%x" % e.pc_aligned if rn == 15 else "R[%d]" % rn
    e.line("a = %s" % (base if increment else "(%s - %d) & 0xffffffff" % (base, words)))
    step = 8 if n == 64 else 4
    for i in range(regs):
        address = "a" if i == 0 else "(a + %d) & 0xffffffff" % (i * step)
        if n == 64 and i:
            e.line("b2 = %s" % address)
            address = "b2"
        (_load_words if load else _store_words)(e, n, d + i, address)
    if wback:
        e.wr(rn, "(R[%d] %s %d) & 0xffffffff" % (rn, "+" if increment else "-", words))


@op(HANDLERS, "VLDR", cycles=LOAD_CYCLES)
def vldr(e, f):
    n = 64 if f["sz"] else 32
    vldr_vstr_execute(e, True, n, _reg(f["vd"], f["D"], n == 64), f["rn"], f["imm"] << 2, bool(f["U"]))


@op(HANDLERS, "VSTR", cycles=STORE_CYCLES)
def vstr(e, f):
    n = 64 if f["sz"] else 32
    vldr_vstr_execute(e, False, n, _reg(f["vd"], f["D"], n == 64), f["rn"], f["imm"] << 2, bool(f["U"]))


def _multiple(load: bool):
    """P U W: 0 1 x is IA (W: writeback), 1 0 1 is DB with writeback; P = U,
    and DB without writeback (that is VLDR/VSTR), are UNDEFINED; P=0 U=0 W=0
    with D=1 is the 64-bit transfers' (their own rows), with D=0 UNDEFINED."""
    def emit(e, f):
        p, u, w = f["P"], f["U"], f["W"]
        if p == u or (p == 1 and w == 0):
            e.undefined()
            return
        n = 64 if f["sz"] else 32
        vldm_vstm_execute(e, load, n, _reg(f["vd"], f["D"], n == 64), f["rn"], f["imm"],
                          u == 1, w == 1)
    return emit


op(HANDLERS, "VLDM", cycles=MULTIPLE_CYCLES)(_multiple(True))
op(HANDLERS, "VSTM", cycles=MULTIPLE_CYCLES)(_multiple(False))


# -- transfers between core and VFP registers (A8.8.341-A8.8.346) ----------------------------------

@op(HANDLERS, "VMOV_s_r", cycles=TRANSFER_TO_VFP_CYCLES)
def vmov_s_r(e, f):
    """VMOV Sn, Rt."""
    if f["rt"] == 15:
        e.unpredictable()
        return
    _enabled(e)
    _setw(e, _reg(f["vn"], f["N"], False), "R[%d]" % f["rt"])


@op(HANDLERS, "VMOV_r_s", cycles=TRANSFER_TO_CORE_CYCLES)
def vmov_r_s(e, f):
    """VMOV Rt, Sn."""
    if f["rt"] == 15:
        e.unpredictable()
        return
    _enabled(e)
    e.wr(f["rt"], _w(_reg(f["vn"], f["N"], False)))


def _pair_words(f) -> Optional[Tuple[int, int]]:
    """The two words of VMOV (two core registers): Dm's, or Sm and Sm+1."""
    if f["sz"]:
        m = _reg(f["vm"], f["M"], True)
        return 2 * m, 2 * m + 1
    m = _reg(f["vm"], f["M"], False)
    return None if m == 31 else (m, m + 1)


@op(HANDLERS, "VMOV_rr_to", cycles=TRANSFER_TO_VFP_CYCLES)
def vmov_rr_to(e, f):
    """VMOV Dm, Rt, Rt2 / VMOV Sm, Sm1, Rt, Rt2."""
    words = _pair_words(f)
    if words is None or 15 in (f["rt"], f["rt2"]):
        e.unpredictable()
        return
    _enabled(e, False, f["sz"] == 1 and words[0] >= 32)
    _setw(e, words[0], "R[%d]" % f["rt"])
    _setw(e, words[1], "R[%d]" % f["rt2"])


@op(HANDLERS, "VMOV_rr_from", cycles=TRANSFER_TO_CORE_CYCLES)
def vmov_rr_from(e, f):
    """VMOV Rt, Rt2, Dm / VMOV Rt, Rt2, Sm, Sm1; Rt = Rt2 is UNPREDICTABLE."""
    words = _pair_words(f)
    t, t2 = f["rt"], f["rt2"]
    if words is None or 15 in (t, t2) or t == t2:
        e.unpredictable()
        return
    _enabled(e, False, f["sz"] == 1 and words[0] >= 32)
    e.wr(t, _w(words[0]))
    e.wr(t2, _w(words[1]))


@op(HANDLERS, "VMOV_x_r", cycles=TRANSFER_TO_VFP_CYCLES)
def vmov_x_r(e, f):
    """VMOV.32 Dd[x], Rt (A8.8.342)."""
    if f["rt"] == 15:
        e.unpredictable()
        return
    d = _reg(f["vd"], f["D"], True)
    _enabled(e, False, d >= 16)
    _setw(e, 2 * d + f["index"], "R[%d]" % f["rt"])


@op(HANDLERS, "VMOV_r_x", cycles=TRANSFER_TO_CORE_CYCLES)
def vmov_r_x(e, f):
    """VMOV.32 Rt, Dn[x] (A8.8.343)."""
    if f["rt"] == 15:
        e.unpredictable()
        return
    n = _reg(f["vn"], f["N"], True)
    _enabled(e, False, n >= 16)
    e.wr(f["rt"], _w(2 * n + f["index"]))


# -- VMRS, VMSR (A8.8.348, A8.8.349; B9.3.19, B9.3.20) --------------------------------------------

REG_FPSID, REG_FPSCR, REG_MVFR1, REG_MVFR0, REG_FPEXC = 0, 1, 6, 7, 8
_ID_TRAPS = {REG_FPSID: 1 << 15, REG_MVFR1: 1 << 18, REG_MVFR0: 1 << 18}    # HCR.TID0, TID3
_READ = {REG_FPSID: lambda c: FPSID, REG_MVFR1: lambda c: MVFR1, REG_MVFR0: lambda c: MVFR0,
         REG_FPEXC: lambda c: c.fpexc}


def _mrc_iss(cond_iss: int, reg: int, t: int, read: bool) -> int:
    """The MRC/MCR-shaped ISS of VMRS/VMSR as MRC p10, 7, Rt, c<reg>, c0, 0."""
    return cond_iss | 7 << 14 | reg << 10 | t << 5 | int(read)


def vfp_system_access(c, pc: int, iss: int, mrc_iss: int, reg: int) -> Optional[int]:
    """The checks of VMRS/VMSR of a register other than FPSCR: UNDEFINED at
    PL0, CheckVFPEnabled(FALSE) (no FPEXC.EN check: this is how Linux
    turns VFP back on), then HCR.TID0 / TID3 for the ID registers
    (HSR.EC = 0x08).  None, or the vector."""
    if c.mode == MODE_USR:
        return c.take_undef(pc)
    vector = vfp_check_enabled(c, pc, iss, False)
    if vector is not None:
        return vector
    trap = _ID_TRAPS.get(reg)
    if trap and mrc_iss & 1 and not c.in_hyp and c.sys.hcr & trap:
        return c.take_hyp_trap(pc, EC_MRC_CP10, mrc_iss)
    return None


def vfp_vmrs(c, pc: int, iss: int, mrc_iss: int, reg: int) -> int:
    """VMRS Rt, <reg> other than FPSCR: the value, or ~vector."""
    vector = vfp_system_access(c, pc, iss, mrc_iss, reg)
    if vector is not None:
        return ~vector
    return _READ[reg](c)


def vfp_vmsr(c, pc: int, iss: int, mrc_iss: int, reg: int, value: int) -> Optional[int]:
    """VMSR <reg>, Rt other than FPSCR: FPEXC takes EN; FPSID ignores writes."""
    vector = vfp_system_access(c, pc, iss, mrc_iss, reg)
    if vector is not None:
        return vector
    if reg == REG_FPEXC:
        c.fpexc = value & FPEXC_WMASK
    return None


@op(HANDLERS, "VMRS", cycles=MRC_CYCLES)
def vmrs(e, f):
    """VMRS Rt, <reg>; VMRS APSR_nzcv, FPSCR copies FPSCR.NZCV to the flags."""
    reg, t = f["spec_reg"], f["rt"]
    cond_iss = _iss_cond(e)
    iss = vfp_iss(cond_iss >> 20)
    if reg == REG_FPSCR:
        _enabled(e)
        if t == 15:
            # NZCV into the core's split flags (state.py), Q untouched;
            # without set_flags' branch on Z, which the JIT makes a guard
            e.line("nzcv = c.fpscr")
            e.line("c.NF = nzcv & 0x80000000")
            e.line("c.ZF = ~nzcv >> 30 & 1")
            e.line("c.CF = nzcv >> 29 & 1")
            e.line("c.VF = nzcv >> 28 & 1")
        else:
            e.wr(t, "c.fpscr")
        return
    if reg not in _READ or t == 15:
        e.undefined()
        return
    _guarded(e, "vfp_vmrs(c, 0x%x, 0x%x, 0x%x, %d)" % (e.pc, iss, _mrc_iss(cond_iss, reg, t, True), reg),
             "v < 0")
    e.wr(t, "v")


@op(HANDLERS, "VMSR", cycles=SERIALIZING_CYCLES)
def vmsr(e, f):
    """VMSR <reg>, Rt: FPSCR (which may change rounding, flushing and the
    short-vector UNDEF: the block ends), FPEXC (may turn VFP off), FPSID."""
    reg, t = f["spec_reg"], f["rt"]
    if t == 15:
        e.unpredictable()
        return
    cond_iss = _iss_cond(e)
    iss = vfp_iss(cond_iss >> 20)
    if reg == REG_FPSCR:
        _enabled(e)
        e.line("vfp_set_fpscr(c, R[%d])" % t)
        e.end_block()
        return
    if reg not in (REG_FPSID, REG_FPEXC):
        e.undefined()
        return
    _guarded(e, "vfp_vmsr(c, 0x%x, 0x%x, 0x%x, %d, R[%d])" % (
        e.pc, iss, _mrc_iss(cond_iss, reg, t, False), reg, t), "v is not None")
    e.end_block()


@op(HANDLERS, "VFP_unallocated_ldst", "VFP_unallocated_dp")
def vfp_unallocated(e, f):
    e.undefined()


RUNTIME = {
    "vfp_exec": vfp_exec, "vfp_cmp_slow": vfp_cmp_slow, "vfp_convert": vfp_convert,
    "vfp_to_int": vfp_to_int, "vfp_from_int": vfp_from_int,
    "vfp_vmrs": vfp_vmrs, "vfp_vmsr": vfp_vmsr, "vfp_set_fpscr": set_fpscr,
    "vfp_check_enabled": vfp_check_enabled, "simd_check_enabled": simd_check_enabled,
    "vfp_nmul": vfp_nmul,
    "fp_add": sf.fp_add, "fp_sub": sf.fp_sub, "fp_mul": sf.fp_mul, "fp_div": sf.fp_div,
    "fp_sqrt": sf.fp_sqrt, "vfp_host_sqrt": math.sqrt,
    "vfp_round32": round32,
}
RUNTIME.update(ACCESSORS, vfp_unpack_from=struct.unpack_from, vfp_pack_into=struct.pack_into)
RUNTIME.update(_MAC_FUNCTIONS)
RUNTIME.update(vfp_fma32=vfp_fma32, vfp_fma64=vfp_fma64)
