"""NEON stream templates of FP: the floating-point operations of A7.4.1 and their
by-scalar forms (A7.4.3), the two-register miscellaneous group (A7.4.5), VEXT,
VTBL/VTBX and VDUP (scalar).

Format: neon.py's module docstring and :func:`neon.simd`.  Floating-point sources
get special singles (kind "f32": NaNs quiet and signalling, infinities, zeros,
denormals, limits), so the standard FPSCR value's flushing and default NaN, and
every flag, are compared on every instruction.
"""

from .neon import simd, Vd, Vn, Vm, Reg

F = "f32"
_Q3 = "d:1 {op}:1 0 vn:4 vd:4 {a} n:1 q:1 m:1 {b} vm:4"

# --- A7.4.1 three registers of the same length, .F32 (sz = 0) -----------------------------
for _name, _u, _op, _a, _b in (
        ("VADD_f", 0, 0, "1101", 0), ("VSUB_f", 0, 1, "1101", 0),
        ("VABD_f", 1, 1, "1101", 0), ("VMLA_f", 0, 0, "1101", 1), ("VMLS_f", 0, 1, "1101", 1),
        ("VMUL_f", 1, 0, "1101", 1), ("VCEQ_f", 0, 0, "1110", 0), ("VCGE_f", 1, 0, "1110", 0),
        ("VCGT_f", 1, 1, "1110", 0), ("VACGE_f", 1, 0, "1110", 1), ("VACGT_f", 1, 1, "1110", 1),
        ("VMAX_f", 0, 0, "1111", 0), ("VMIN_f", 0, 1, "1111", 0), ("VRECPS_f", 0, 0, "1111", 1),
        ("VRSQRTS_f", 0, 1, "1111", 1), ("VFMA_f", 0, 0, "1100", 1), ("VFMS_f", 0, 1, "1100", 1)):
    _acc = _name[:3] in ("VML", "VFM")
    simd(_name, "1111 001 %d 0 d:1 %d 0 vn:4 vd:4 %s n:1 q:1 m:1 %d vm:4" % (_u, _op, _a, _b),
         "neon_fp", regs=(Vd(kind=F, role="both" if _acc else "dst"), Vn(kind=F), Vm(kind=F)),
         weight=2.0 if _name[:4] in ("VADD", "VSUB", "VMUL", "VMLA", "VFMA") else 1.0)

# Pairwise: doubleword only (Q = 1 is UNDEFINED).
for _name, _u, _op, _a in (("VPADD_f", 1, 0, "1101"), ("VPMAX_f", 1, 0, "1111"),
                           ("VPMIN_f", 1, 1, "1111")):
    simd(_name, "1111 001 %d 0 d:1 %d 0 vn:4 vd:4 %s n:1 0 m:1 0 vm:4" % (_u, _op, _a),
         "neon_fp", regs=(Vd("D", F), Vn("D", F), Vm("D", F)))


# --- A7.4.3 by scalar, .F32 (size 10): Q is the U bit; the scalar Dm[x] is D0-D15 -----------
def _scalar(f):
    return [f["vm"]]


for _name, _a in (("VMLA_fs", "0001"), ("VMLS_fs", "0101"), ("VMUL_fs", "1001")):
    simd(_name, "1111 001 q:1 1 d:1 10 vn:4 vd:4 %s n:1 1 m:1 0 vm:4" % _a, "neon_fp",
         regs=(Vd(kind=F, role="dst" if _name.startswith("VMUL") else "both"), Vn(kind=F),
               Reg("vm", None, "D", "src", F, regs=_scalar)),
         mnemonic=_name.split("_")[0])


# --- A7.4.5 two registers, miscellaneous: 1111 0011 1 D 11 size:2 A:2 Vd 0 B:5 M 0 Vm ------------
_MISC = "1111 001 1 1 d:1 11 size:2 %s vd:4 0 %s m:1 0 vm:4"


def _misc(name, a, b, regs, check=None, mnemonic=None, fields=None, weight=1.0):
    simd(name, _MISC % (a, b), "neon_misc", regs=regs, check=check, mnemonic=mnemonic,
         fields=fields, weight=weight)


def _sizes(*ok):
    return lambda f: f["size"] in ok


def _distinct(f):
    """d = m gives UNKNOWN results (VSWP, VTRN, VUZP, VZIP)."""
    return (f["d"] << 4 | f["vd"]) != (f["m"] << 4 | f["vm"])


_misc("VREV_m", "00", "00 op:2 q:1", (Vd(), Vm()), check=lambda f: f["op"] + f["size"] < 3,
      mnemonic=("VREV64", "VREV32", "VREV16"))
_misc("VPADDL_m", "00", "010 op:1 q:1", (Vd(kind="iw"), Vm()), check=_sizes(0, 1, 2),
      mnemonic="VPADDL")
_misc("VPADAL_m", "00", "110 op:1 q:1", (Vd(kind="iw", role="both"), Vm()), check=_sizes(0, 1, 2),
      mnemonic="VPADAL")
for _name, _b, _ok in (("VCLS_m", "1000", (0, 1, 2)), ("VCLZ_m", "1001", (0, 1, 2)),
                       ("VCNT_m", "1010", (0,)), ("VMVN_m", "1011", (0,)),
                       ("VQABS_m", "1110", (0, 1, 2)), ("VQNEG_m", "1111", (0, 1, 2))):
    _misc(_name, "00", _b + " q:1", (Vd(), Vm()), check=_sizes(*_ok))

# compares with zero, VABS, VNEG: integer (F = 0) and .F32 (F = 1, size 10)
for _name, _b in (("VCGT_z", "000"), ("VCGE_z", "001"), ("VCEQ_z", "010"), ("VCLE_z", "011"),
                  ("VCLT_z", "100"), ("VABS_v", "110"), ("VNEG_v", "111")):
    _misc(_name, "01", "0 %s q:1" % _b, (Vd(), Vm()), check=_sizes(0, 1, 2))
    _misc(_name + "f", "01", "1 %s q:1" % _b, (Vd(kind=F), Vm(kind=F)), check=_sizes(2),
          mnemonic=_name.split("_")[0])

_misc("VSWP_m", "10", "0000 q:1", (Vd(role="both"), Vm(kind="i")), fields={"size": 0},
      check=_distinct, mnemonic="VSWP")
for _name, _b, _ok in (("VTRN_m", "0001", lambda f: f["size"] != 3),
                       ("VUZP_m", "0010", lambda f: f["size"] != 3 and (f["q"] or f["size"] != 2)),
                       ("VZIP_m", "0011", lambda f: f["size"] != 3 and (f["q"] or f["size"] != 2))):
    _misc(_name, "10", _b + " q:1", (Vd(role="both"), Vm()),
          check=lambda f, ok=_ok: ok(f) and _distinct(f))
# Vm (the Q source) is normalised even by the generator (width "Q")
_misc("VMOVN_m", "10", "01000", (Vd("D"), Vm("Q", "iw")), check=_sizes(0, 1, 2), mnemonic="VMOVN")
_misc("VQMOVUN_m", "10", "01001", (Vd("D"), Vm("Q", "iw")), check=_sizes(0, 1, 2),
      mnemonic="VQMOVUN")
_misc("VQMOVN_m", "10", "0101 op:1", (Vd("D"), Vm("Q", "iw")), check=_sizes(0, 1, 2),
      mnemonic="VQMOVN")
_misc("VSHLL_m", "10", "01100", (Vd("Q"), Vm("D")), check=_sizes(0, 1, 2), mnemonic="VSHLL")
# half <-> single: size 01; op = 1 half to single (Qd from Dm), 0 single to half (Dd from Qm)
_misc("VCVT_hf", "10", "11000", (Vd("D"), Vm("Q", F)), fields={"size": 1}, mnemonic="VCVT")
_misc("VCVT_fh", "10", "11100", (Vd("Q"), Vm("D", "i16")), fields={"size": 1}, mnemonic="VCVT")

# A = 11: VRECPE, VRSQRTE (F: float or unsigned fixed point), VCVT F32 <-> S32/U32; size 10
for _name, _b in (("VRECPE_m", "10 f:1 0"), ("VRSQRTE_m", "10 f:1 1")):
    _misc(_name, "11", _b + " q:1", (Vd(), Vm(kind=lambda f: F if f["f"] else "i32")),
          fields={"size": 2}, mnemonic=_name.split("_")[0])
_misc("VCVT_fi_m", "11", "11 op:2 q:1", (Vd(), Vm(kind=lambda f: "i32" if f["op"] < 2 else F)),
      fields={"size": 2}, mnemonic="VCVT")

# --- VEXT, VTBL/VTBX, VDUP (scalar) --------------------------------------------------------------
simd("VEXT_m", "1111 001 0 1 d:1 11 vn:4 vd:4 imm4:4 n:1 q:1 m:1 0 vm:4", "neon_misc",
     regs=(Vd(kind="i8"), Vn(kind="i8"), Vm(kind="i8")),
     check=lambda f: f["q"] or not f["imm4"] & 8,
     mnemonic="VEXT")


def _table_regs(f):
    n = f["n"] << 4 | f["vn"]
    return list(range(n, n + f["len"] + 1))


simd("VTBL_m", "1111 001 1 1 d:1 11 vn:4 vd:4 10 len:2 n:1 op:1 m:1 0 vm:4", "neon_misc",
     regs=(Vd("D", "i8", role="both"), Reg("vn", "n", "D", "src", "i8", regs=_table_regs),
           Vm("D", "i8")),
     check=lambda f: (f["n"] << 4 | f["vn"]) + f["len"] < 32, mnemonic=("VTBL", "VTBX"))
simd("VDUP_s", "1111 001 1 1 d:1 11 imm4:4 vd:4 1100 0 q:1 m:1 0 vm:4", "neon_misc",
     regs=(Vd(kind="i32"), Vm("D", "any")), check=lambda f: f["imm4"] & 7, mnemonic="VDUP")
