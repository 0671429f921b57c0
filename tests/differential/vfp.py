"""VFP streams: templates for every VFPv4 instruction (A32 and T32) and their generator.

The T32 encodings of the VFP instructions are the A32 ones with the condition
field replaced by 1110 (DDI 0406C A7.5, A7.6, A7.8), so each template below is
written once, as its 28 low bits, and instantiated for both instruction sets.

A VFP test case is a list of groups, each

1. ``MOVW/MOVT rX, #fpscr; VMSR FPSCR, rX``: a fresh FPSCR (every rounding mode,
   FZ, DN, AHP on and off, random NZCV and cumulative flags; LEN = STRIDE = 0);

then TESTS_PER_GROUP times (the second instruction sees the first one's
cumulative flags):

2. operand set-ups: ``VLDR`` of special values (vfp_values) from the case's
   constant pool into the source registers; sources not set up keep whatever
   earlier groups left there, so results feed later groups;
3. core set-ups for the instruction (load/store bases, VMOV/VMSR sources);
4. the tested instruction (T32: sometimes alone in an IT block);
5. the log: ``VMRS rX, FPSCR`` and stores of FPSCR, the core destinations and the
   first floating-point destination to the instruction's 16-byte log entry at
   ``[r11, #16*k]`` for the k-th tested instruction (r11 is reserved for this).

So results and FPSCR (cumulative flags and NZCV included) are compared after
every group, and D0-D31, FPSCR, r0-r14, APSR and the data block at the end.

Data block layout of a VFP case (DATA_SIZE = 1 KiB): stores (VSTR, VSTM, VPUSH)
go to the first 256 bytes, the log takes 0x100-0x2ff, the constant pool
0x300-0x3ff; loads read anywhere.

Template names (grep finds them here): VMLA_f VMLS_f VNMLS_f VNMLA_f VMUL_f
VNMUL_f VADD_f VSUB_f VDIV_f VFNMS_f VFNMA_f VFMA_f VFMS_f VMOV_imm VMOV_ff VABS_f
VNEG_f VSQRT_f VCMP_f VCMPZ_f VCVT_ds VCVT_fi VCVT_if VCVTBT_hs VCVTBT_sh VCVT_xf
VCVT_fx VMOV_sr VMOV_rs VMOV_ssrr VMOV_rrss VMOV_drr VMOV_rrd VMOV_dxr VMOV_rdx
VLDR_d VLDR_lit VSTR_d VLDMIA_d VLDMDB_d VSTMIA_d VSTMDB_d VPUSH_d VPOP_d VMRS_r VMRS_apsr
VMSR_r.
"""

import random

from .encoding import Insn, Template
from . import gen, vfp_values as V
from . import a32, t32

MASK32 = 0xFFFFFFFF
LOG_REG = 11                    # holds the log base for the whole case
STORE_SIZE = 0x100              # VSTR/VSTM/VPUSH write only below this offset
LOG_OFFSET = 0x100
LOG_ENTRY = 16
POOL_OFFSET = 0x300             # the case's special values (ConstPool), read-only
TESTS_PER_GROUP = 2             # tested instructions sharing a group's FPSCR
GROUPS = 16                     # (RW_SIZE - LOG_OFFSET) // LOG_ENTRY // TESTS_PER_GROUP
REFRESH_P = 0.7                 # chance that a source gets a fresh special value
TIE_P = 0.3                     # VADD/VSUB: chance that m is n's pool partner
IT_P = 0.25                     # T32: chance of a one-instruction IT block

# Core registers for VFP streams: never the log base, SP only through plans, never PC.
POOL = {"a32": tuple(r for r in range(13) if r != LOG_REG) + (14,),
        "t32": tuple(r for r in t32.GENERAL if r != LOG_REG)}

# Instructions the model still gets wrong, left out of the draw until fixed:
# {template name: the mismatch, as recorded in MISMATCHES.md}.  Every entry
# is printed in the run summary and listed in tests/differential/README.md.
KNOWN_GAPS = {}


class Reg:
    """One floating-point register operand: the fields that name it, its
    precision ('S', 'D', 'sz' = D when field sz is set, 'nsz' = the other one,
    'sf' = D when field sf is set), role ('src', 'dst', 'both') and the kind of
    value a source gets ('fp', 'int', 'half', 'fix')."""

    def __init__(self, vfield, bfield, prec, role, value="fp"):
        self.vfield, self.bfield, self.prec, self.role, self.value = \
            vfield, bfield, prec, role, value

    def double(self, f):
        p = self.prec
        if p in ("S", "D"):
            return p == "D"
        if p == "nsz":
            return not f["sz"]
        return bool(f[p])

    def index(self, f):
        """(is_double, register number): Sn = Vn:N, Dn = N:Vn (A7.3)."""
        v = f[self.vfield]
        b = f[self.bfield] if self.bfield else 0
        if self.double(f):
            return True, b << 4 | v
        return False, v << 1 | b


class FpInfo:
    """What the generator needs to know about a VFP template beyond its bits."""

    def __init__(self, regs=(), core_dst=(), tie=False):
        self.regs = tuple(regs)
        self.core_dst = tuple(core_dst)      # core register fields written
        self.tie = tie                       # VADD/VSUB: m may be n's tie partner


ROWS = []


def row(name, body, klass, regs=(), core_dst=(), mnemonic=None, check=None, plan=None,
        fields=None, tie=False, weight=1.0, fixup=None):
    ROWS.append((name, body, klass, FpInfo(regs, core_dst, tie), dict(
        mnemonic=mnemonic or name.split("_")[0], check=check, plan=plan, fields=fields,
        weight=weight, fixup=fixup)))


def D(role="dst", prec="sz", value="fp"):
    """The Vd:D operand (Sd) or D:Vd (Dd)."""
    return Reg("vd", "d", prec, role, value)


def N(prec="sz", value="fp"):
    return Reg("vn", "n", prec, "src", value)


def M(prec="sz", value="fp"):
    return Reg("vm", "m", prec, "src", value)


# --- data processing, three registers (A7.5 table A7-16) ---------------------------
# VMLA..VNMLA round twice (multiply, then add); VFMA..VFNMS once (fused).
for _name, _opc1, _op, _acc, _tie in (
        ("VMLA", "0 d:1 00", 0, True, False), ("VMLS", "0 d:1 00", 1, True, False),
        ("VNMLS", "0 d:1 01", 0, True, False), ("VNMLA", "0 d:1 01", 1, True, False),
        ("VMUL", "0 d:1 10", 0, False, False), ("VNMUL", "0 d:1 10", 1, False, False),
        ("VADD", "0 d:1 11", 0, False, True), ("VSUB", "0 d:1 11", 1, False, True),
        ("VDIV", "1 d:1 00", 0, False, False),
        ("VFNMS", "1 d:1 01", 0, True, False), ("VFNMA", "1 d:1 01", 1, True, False),
        ("VFMA", "1 d:1 10", 0, True, False), ("VFMS", "1 d:1 10", 1, True, False)):
    row(_name + "_f", "1110 %s vn:4 vd:4 101 sz:1 n:1 %d m:1 0 vm:4" % (_opc1, _op),
        "vfp_fused" if _name.startswith("VF") else "vfp_arith",
        regs=(D("both" if _acc else "dst"), N(), M()), tie=_tie, weight=2.0)

# --- data processing, other (A7.5 table A7-17) -------------------------------------
row("VMOV_imm", "1110 1 d:1 11 imm4h:4 vd:4 101 sz:1 0000 imm4l:4", "vfp_mov", regs=(D(),),
    mnemonic="VMOV", weight=0.5)


def two(name, opc2, op3, klass, regs, **kw):
    row(name, "1110 1 d:1 11 %s vd:4 101 sz:1 %s 1 m:1 0 vm:4" % (opc2, op3), klass,
        regs=regs, **kw)


two("VMOV_ff", "0000", "0", "vfp_mov", (D(), M()), mnemonic="VMOV", weight=0.5)
two("VABS_f", "0000", "1", "vfp_unary", (D(), M()))
two("VNEG_f", "0001", "0", "vfp_unary", (D(), M()))
two("VSQRT_f", "0001", "1", "vfp_arith", (D(), M()), weight=2.0)
two("VCMP_f", "0100", "e:1", "vfp_cmp", (D("src"), M()), mnemonic=("VCMP", "VCMPE"),
    weight=1.5)
row("VCMPZ_f", "1110 1 d:1 11 0101 vd:4 101 sz:1 e:1 1 0 0 0000", "vfp_cmp",
    regs=(D("src"),), mnemonic=("VCMP", "VCMPE"))
# VCVT between double and single: sz names the source precision (A8.8.306).
two("VCVT_ds", "0111", "1", "vfp_cvt", (D(prec="nsz"), M()), mnemonic="VCVT", weight=1.5)
# VCVT from a 32-bit integer (op: signed); to one, with op = 1 rounding towards
# zero, else in the FPSCR mode (VCVTR) (A8.8.305).
two("VCVT_fi", "1000", "op:1", "vfp_cvt", (D(), M("S", "int")), mnemonic="VCVT",
    weight=1.5)
row("VCVT_if", "1110 1 d:1 11 110 s:1 vd:4 101 sz:1 r:1 1 m:1 0 vm:4", "vfp_cvt",
    regs=(D(prec="S"), M()), mnemonic=("VCVT", "VCVTR"), weight=2.0)
# Half precision, the bottom (T = 0) or top half of Sd/Sm; FPSCR.AHP (A8.8.309).
row("VCVTBT_hs", "1110 1 d:1 11 0010 vd:4 1010 t:1 1 m:1 0 vm:4", "vfp_half",
    regs=(D(prec="S"), M("S", "half")), mnemonic=("VCVTB", "VCVTT"))
row("VCVTBT_sh", "1110 1 d:1 11 0011 vd:4 1010 t:1 1 m:1 0 vm:4", "vfp_half",
    regs=(D("both", "S"), M("S")), mnemonic=("VCVTB", "VCVTT"))


def _fixed_ok(f):
    """size - imm4:i fraction bits must not be negative (A8.8.308)."""
    return f["sx"] == 1 or (f["imm4"] << 1 | f["i"]) <= 16


# Fixed point, in place in Vd; op = 1 to fixed (round towards zero), else from.
row("VCVT_xf", "1110 1 d:1 11 111 u:1 vd:4 101 sf:1 sx:1 1 i:1 0 imm4:4",
    "vfp_cvt", regs=(D("both", "sf"),), mnemonic="VCVT", check=_fixed_ok, weight=1.0)
row("VCVT_fx", "1110 1 d:1 11 101 u:1 vd:4 101 sf:1 sx:1 1 i:1 0 imm4:4",
    "vfp_cvt", regs=(D("both", "sf", "fix"),), mnemonic="VCVT", check=_fixed_ok, weight=1.0)


# --- transfers between core and VFP registers (A7.8, A7.9) -------------------------
class CoreValue:
    """Plan: give the core source registers floating-point bit patterns."""

    def __init__(self, *fields, kind="fp32"):
        self.fields = fields
        self.kind = kind

    def __call__(self, ctx, f):
        rng = ctx.rng
        if self.kind == "fpscr":
            return [(f[self.fields[0]], fpscr_value(rng))], set()
        if self.kind == "fp64":
            if rng.random() < 0.3:
                return [], set()
            v = V.value64(rng)
            return [(f[self.fields[0]], v & MASK32), (f[self.fields[1]], v >> 32)], set()
        return [(f[n], V.value32(rng)) for n in self.fields if rng.random() < 0.7], set()


def _rt_rt2_distinct(f):
    """VMOV to two core registers: t == t2 is UNPREDICTABLE (A8.8.345/346)."""
    return f["rt"] != f["rt2"]


def _pair_ok(f):
    """Two singles: S31 has no S32 after it (UNPREDICTABLE); distinct cores."""
    return (f["vm"] << 1 | f["m"]) != 31 and f["rt"] != f["rt2"]


row("VMOV_sr", "1110 0000 vn:4 rt:4 1010 n:1 00 1 0000", "vfp_xfer",
    regs=(Reg("vn", "n", "S", "dst"),), mnemonic="VMOV", plan=CoreValue("rt"))
row("VMOV_rs", "1110 0001 vn:4 rt:4 1010 n:1 00 1 0000", "vfp_xfer",
    regs=(Reg("vn", "n", "S", "src"),), core_dst=("rt",), mnemonic="VMOV")
row("VMOV_ssrr", "1100 0100 rt2:4 rt:4 1010 00 m:1 1 vm:4", "vfp_xfer",
    regs=(Reg("vm", "m", "S", "dst"),), mnemonic="VMOV", check=_pair_ok,
    plan=CoreValue("rt", "rt2"))
row("VMOV_rrss", "1100 0101 rt2:4 rt:4 1010 00 m:1 1 vm:4", "vfp_xfer",
    regs=(Reg("vm", "m", "S", "src"),), core_dst=("rt", "rt2"), mnemonic="VMOV",
    check=_pair_ok)
row("VMOV_drr", "1100 0100 rt2:4 rt:4 1011 00 m:1 1 vm:4", "vfp_xfer",
    regs=(Reg("vm", "m", "D", "dst"),), mnemonic="VMOV", plan=CoreValue("rt", "rt2", kind="fp64"))
row("VMOV_rrd", "1100 0101 rt2:4 rt:4 1011 00 m:1 1 vm:4", "vfp_xfer",
    regs=(Reg("vm", "m", "D", "src"),), core_dst=("rt", "rt2"), mnemonic="VMOV",
    check=_rt_rt2_distinct)
# The 32-bit scalar forms (opc1 = 0x, opc2 = 00) are VFP; the 8/16-bit ones are
# Advanced SIMD and not generated.
row("VMOV_dxr", "1110 00 h:1 0 vd:4 rt:4 1011 d:1 00 1 0000", "vfp_xfer",
    regs=(Reg("vd", "d", "D", "both"),), mnemonic=("VMOV", "VMOV.32"), plan=CoreValue("rt"))
row("VMOV_rdx", "1110 00 h:1 1 vn:4 rt:4 1011 n:1 00 1 0000", "vfp_xfer",
    regs=(Reg("vn", "n", "D", "src"),), core_dst=("rt",), mnemonic=("VMOV", "VMOV.32"))
row("VMRS_r", "1110 1111 0001 rt:4 1010 0001 0000", "vfp_sys", core_dst=("rt",),
    mnemonic="VMRS")
row("VMRS_apsr", "1110 1111 0001 1111 1010 0001 0000", "vfp_sys", mnemonic="VMRS",
    weight=1.5)
row("VMSR_r", "1110 1110 0001 rt:4 1010 0001 0000", "vfp_sys", mnemonic="VMSR",
    plan=CoreValue("rt", kind="fpscr"))


# --- loads and stores (A7.6) ----------------------------------------------------------
class FpMem:
    """Plan for VLDR/VSTR and VLDM/VSTM/VPUSH/VPOP: an aligned address in the data
    block (stores in its first STORE_SIZE bytes), the base register set up to reach
    it; for the multiple forms the register list (first register, count) too.

    ``mode``: 'off' (VLDR/VSTR, U and imm8 fields), 'IA' or 'DB'; ``base``: a fixed
    base register (SP for VPUSH/VPOP) instead of field rn; ``wback``: None to read
    field w."""

    def __init__(self, load, mode, base=None, wback=True):
        self.load, self.mode, self.base, self.wback = load, mode, base, wback

    def __call__(self, ctx, f):
        rng = ctx.rng
        n = self.base if self.base is not None else f["rn"]
        limit = gen.DATA_SIZE if self.load else STORE_SIZE
        words = 2 if f["sz"] else 1
        if self.mode != "off":
            top = 16 if f["sz"] else 32
            count = rng.randint(1, min(top, 4 if rng.random() < 0.6 else top))
            first = rng.randrange(0, 33 - count)          # d + regs <= 32
            if f["sz"]:
                f["d"], f["vd"] = first >> 4, first & 15
                f["imm8"] = 2 * count
            else:
                f["vd"], f["d"] = first >> 1, first & 1
                f["imm8"] = count
            words = f["imm8"]
        nbytes = 4 * words
        ea = ctx.data_addr + 4 * rng.randrange((limit - nbytes) // 4 + 1)
        if self.mode == "off":
            off = 4 * f["imm8"] * (1 if f["u"] else -1)
            base = ea - off
        elif self.mode == "IA":
            base = ea
        else:
            base = ea + nbytes
        wback = self.mode != "off" and (f.get("w", 1) if self.wback is None else self.wback)
        return [(n, base & MASK32)], ({n} if wback else set())


for _l, _name in ((1, "VLDR_d"), (0, "VSTR_d")):
    row(_name, "1101 u:1 d:1 0 %d rn:4 vd:4 101 sz:1 imm8:8" % _l, "vfp_mem",
        regs=(D("dst" if _l else "src"),), plan=FpMem(_l, "off"), weight=1.5)


def _literal(insn, lay):
    """VLDR (literal): an address Align(PC, 4) +/- 1020 can reach inside this
    case's own code image, the one memory besides the data block whose contents
    QEMU and pyxen15 share; the loaded value is whatever instructions are there."""
    base = (insn.addr + (8 if insn.tmpl.isa == "a32" else 4)) & ~3
    lo = max(lay.code_addr, base - 1020)
    hi = min(lay.exit_addr - 8, base + 1020)
    off = lo + 4 * lay.rng.randrange((hi - lo) // 4 + 1) - base
    insn.f["u"] = 1 if off >= 0 else 0
    insn.f["imm8"] = abs(off) // 4


row("VLDR_lit", "1101 u:1 d:1 01 1111 vd:4 101 sz:1 imm8:8", "vfp_mem", regs=(D(),),
    mnemonic="VLDR", fixup=_literal, weight=0.7)
for _l, _mn in ((1, "VLDM"), (0, "VSTM")):
    row(_mn + "IA_d", "110 0 1 d:1 w:1 %d rn:4 vd:4 101 sz:1 imm8:8" % _l, "vfp_mem",
        regs=(D("dst" if _l else "src"),), plan=FpMem(_l, "IA", wback=None),
        mnemonic=(_mn, _mn + "IA", "VPOP" if _l else "VPUSH"))
    row(_mn + "DB_d", "110 1 0 d:1 1 %d rn:4 vd:4 101 sz:1 imm8:8" % _l, "vfp_mem",
        regs=(D("dst" if _l else "src"),), plan=FpMem(_l, "DB"),
        mnemonic=(_mn + "DB", "VPUSH" if not _l else _mn + "DB"))
row("VPUSH_d", "110 1 0 d:1 1 0 1101 vd:4 101 sz:1 imm8:8", "vfp_mem", regs=(D("src"),),
    plan=FpMem(0, "DB", base=13), mnemonic=("VPUSH", "VSTMDB"), weight=0.5)
row("VPOP_d", "110 0 1 d:1 1 1 1101 vd:4 101 sz:1 imm8:8", "vfp_mem", regs=(D(),),
    plan=FpMem(1, "IA", base=13), mnemonic=("VPOP", "VLDMIA", "VLDM"), weight=0.5)



def _templates(isa):
    out = []
    prefix = "cond:4 " if isa == "a32" else "1110 "
    for name, body, klass, info, kw in ROWS:
        tm = Template(isa, name, prefix + body, klass, dst=(), **kw)
        tm.fp = info
        out.append(tm)
    store = ("cond:4 0101 1000 rn:4 rt:4 imm12:12" if isa == "a32"
             else "1111 1000 1100 rn:4 rt:4 imm12:12")
    tm = Template(isa, "STR_log", store, "log", mnemonic="STR")
    tm.fp = FpInfo()
    out.append(tm)
    return out


TEMPLATES = {isa: _templates(isa) for isa in gen.ISAS}
BY_NAME = {isa: {tm.name: tm for tm in TEMPLATES[isa]} for isa in gen.ISAS}


def templates(isa):
    """The drawable VFP templates of ``isa`` (harness-only ones excluded)."""
    return [tm for tm in TEMPLATES[isa] if tm.klass != "log"]


def is_vfp(tmpl):
    return tmpl.klass.startswith("vfp")


def fpscr_value(rng):
    """An FPSCR for a group: any rounding mode, FZ, DN, AHP, NZCV and cumulative
    flags; LEN and STRIDE zero (the A15 has no short vectors), QC and the trap
    enables zero (no Advanced SIMD; the A15 does not trap exceptions)."""
    v = rng.getrandbits(4) << 28 | rng.getrandbits(5) << 22
    for bit in (0, 1, 2, 3, 4, 7):
        if rng.random() < 0.25:
            v |= 1 << bit
    return v


# --- the generator ---------------------------------------------------------------
def _insn(isa, name, role, **fields):
    tm = BY_NAME[isa][name]
    if isa == "a32" and "cond" in tm.pattern.fields:
        fields.setdefault("cond", 14)
    return Insn(tm, fields, role=role)


def _core_set(isa, reg, value, role="setup"):
    tab = a32 if isa == "a32" else t32
    out = []
    tm, f = tab.mov16(reg, value & 0xFFFF, False)
    out.append(Insn(tm, f, role=role))
    if value >> 16:
        tm, f = tab.mov16(reg, value >> 16, True)
        out.append(Insn(tm, f, role=role))
    return out


class ConstPool:
    """The special values of one case, in the read-only part of its data block
    (POOL_OFFSET): 16 doubles, then 32 singles.  A source set-up is one VLDR
    from here.  Pairs of floating-point slots (2i, 2i+1) are often a value and
    its tie partner (half an ulp of it, or close), for VADD/VSUB."""

    D_FP, D_FIX = range(0, 12), range(12, 16)
    S_FP, S_INT, S_HALF = range(0, 20), range(20, 26), range(26, 32)

    def __init__(self, rng):
        self.d = [0] * 16
        self.s = [0] * 32
        for i in range(0, 12, 2):
            self.d[i] = V.value64(rng)
            self.d[i + 1] = (V.tie_partner64(rng, self.d[i]) if rng.random() < 0.5
                             else V.value64(rng))
        for i in self.D_FIX:
            # the operand is the low 16 or 32 bits of the register; the rest is ignored
            self.d[i] = V.int32(rng) | rng.getrandbits(32) << 32
        for i in range(0, 20, 2):
            self.s[i] = V.value32(rng)
            self.s[i + 1] = (V.tie_partner32(rng, self.s[i]) if rng.random() < 0.5
                             else V.value32(rng))
        for i in self.S_INT:
            self.s[i] = V.int32(rng)
        for i in self.S_HALF:
            self.s[i] = V.halves(rng)

    def image(self):
        return b"".join(v.to_bytes(8, "little") for v in self.d) + \
            b"".join(v.to_bytes(4, "little") for v in self.s)

    def slots(self, double, kind):
        if double:
            return self.D_FIX if kind == "fix" else self.D_FP
        return {"int": self.S_INT, "fix": self.S_INT, "half": self.S_HALF}.get(kind, self.S_FP)


def _fp_load(isa, double, num, slot):
    """VLDR S<num>/D<num> from constant-pool ``slot``, relative to the log base."""
    off = POOL_OFFSET - LOG_OFFSET + (8 * slot if double else 128 + 4 * slot)
    fields = dict(d=num >> 4, vd=num & 15, sz=1) if double else \
        dict(vd=num >> 1, d=num & 1, sz=0)
    return _insn(isa, "VLDR_d", "setup", u=1, rn=LOG_REG, imm8=off // 4, **fields)


class VfpGenerator:
    """Draws VFP test cases for one instruction set (see the module docstring)."""

    def __init__(self, isa, groups=GROUPS, only=None, gaps=KNOWN_GAPS):
        if isa not in gen.ISAS:
            raise ValueError(isa)
        if groups > GROUPS:
            raise ValueError("at most %d groups fit the log" % GROUPS)
        self.isa = isa
        self.ngroups = groups
        pool = templates(isa)
        if only is not None:
            pool = [tm for tm in pool if tm.name in set(only)]
            if not pool:
                raise ValueError("no VFP templates match %r" % sorted(only))
        else:
            pool = [tm for tm in pool if tm.name not in gaps]
        self.pool = pool
        self.weights = [tm.weight for tm in pool]

    def _group(self, ctx, first):
        """One group: an FPSCR, then TESTS_PER_GROUP tested instructions, each
        with its source set-ups and its log entry (``first`` onwards)."""
        isa, rng = self.isa, ctx.rng
        items, tests = [], []
        scratch = rng.choice(POOL[isa])
        items += _core_set(isa, scratch, fpscr_value(rng))
        items.append(_insn(isa, "VMSR_r", "setup", rt=scratch))
        for k in range(TESTS_PER_GROUP):
            insn = self._test(ctx, items)
            items += self._log(insn, first + k)
            tests.append(insn)
        return gen.Group(items), tests

    def _test(self, ctx, items):
        """Draw a tested instruction; append its set-ups and itself to ``items``."""
        isa, rng = self.isa, ctx.rng
        tm = rng.choices(self.pool, self.weights)[0]
        insn = gen.draw(ctx, tm, seed_operands=False)
        info = tm.fp
        # Fresh special values for (some of) the floating-point sources.
        done = {}
        for reg in info.regs:
            if reg.role == "dst" or rng.random() >= REFRESH_P:
                continue
            double, num = reg.index(insn.f)
            if (double, num) in done:
                continue
            slot = rng.choice(ctx.const_pool.slots(double, reg.value))
            if info.tie and reg.vfield == "vm" and done and rng.random() < TIE_P:
                slot = list(done.values())[0] | 1      # the partner of n's slot
            done[(double, num)] = slot
            items.append(_fp_load(isa, double, num, slot))
        # T32 reaches SP through a scratch register: never the log base.
        pre, _late = gen.materialize(ctx, insn.setup, insn.pins | {LOG_REG})
        if any(LOG_REG in (i.f.get("rd"), i.f.get("rt"), i.f.get("rt2"))
               for i in pre + [insn] if i.tmpl.name != "STR_log") or LOG_REG in insn.writes:
            raise gen.GenError("%s would overwrite the log base r%d" % (tm.name, LOG_REG))
        items += pre
        if isa == "t32" and rng.random() < IT_P:
            items.append(Insn(t32.BY_NAME["IT_n"], t32.it_fields(rng.randrange(15), []),
                              role="it"))
        items.append(insn)
        return insn

    def _log(self, insn, gi):
        """VMRS + stores of FPSCR, core and floating-point results to entry ``gi``."""
        isa = self.isa
        off = LOG_ENTRY * gi
        out = []
        tmp = POOL[isa][gi % len(POOL[isa])]
        out.append(_insn(isa, "VMRS_r", "log", rt=tmp))
        out.append(_insn(isa, "STR_log", "log", rn=LOG_REG, rt=tmp, imm12=off))
        for k, fld in enumerate(insn.tmpl.fp.core_dst):
            out.append(_insn(isa, "STR_log", "log", rn=LOG_REG, rt=insn.f[fld],
                             imm12=off + 4 + 4 * k))
        dsts = [r for r in insn.tmpl.fp.regs if r.role != "src"]
        if dsts and not insn.tmpl.fp.core_dst:
            double, num = dsts[0].index(insn.f)
            if double:
                fields = dict(d=num >> 4, vd=num & 15, sz=1)
            else:
                fields = dict(vd=num >> 1, d=num & 1, sz=0)
            out.append(_insn(isa, "VSTR_d", "log", u=1, rn=LOG_REG, imm8=(off + 8) // 4,
                             **fields))
        return out

    def case(self, seed, index):
        rng = random.Random("pyxen15-diff-vfp:%s:%s:%d" % (self.isa, seed, index))
        slot = gen.slot_of(index)
        ctx = gen.Ctx(self.isa, rng, gen.data_addr(slot))
        ctx.pool4 = POOL[self.isa]
        ctx.const_pool = ConstPool(rng)
        groups, tests = [], []
        for _ in range(self.ngroups):
            g, more = self._group(ctx, len(tests))
            groups.append(g)
            tests += more
        case = gen._finish(self.isa, seed, index, slot, rng, ctx, groups)
        case.groups = self.ngroups
        case.regs[LOG_REG] = case.data_addr + LOG_OFFSET
        data = bytearray(case.data)
        data[POOL_OFFSET:gen.DATA_SIZE] = ctx.const_pool.image()
        case.data = bytes(data)
        dregs = []
        for _ in range(32):
            if rng.random() < 0.5:
                dregs.append(V.value64(rng))
            else:
                dregs.append(V.value32(rng) | V.value32(rng) << 32)
        case.fp = FpState(dregs, fpscr_value(rng))
        case.fp_tests = tests
        return case


class FpState:
    """D0-D31 (64-bit patterns) and FPSCR: a VFP case's initial or final state."""

    def __init__(self, dregs, fpscr):
        self.dregs = list(dregs)
        self.fpscr = fpscr

    def __eq__(self, other):
        return isinstance(other, FpState) and (self.dregs, self.fpscr) == (other.dregs,
                                                                           other.fpscr)

    def __repr__(self):
        return "<FpState fpscr=%08x>" % self.fpscr


def vfp_count(case):
    """Instructions of a case that are VFP instructions (set-ups and log included)."""
    return sum(1 for i in case.insns if is_vfp(i.tmpl))


def log_entry_group(case, offset):
    """The test instruction whose log entry holds data-block ``offset``, or None."""
    k = (offset - LOG_OFFSET) // LOG_ENTRY
    if offset < LOG_OFFSET or k >= len(getattr(case, "fp_tests", ())):
        return None
    return case.fp_tests[k]

