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
