"""NEON stream templates of INT: the integer data-processing groups (DDI 0406C
A7.4.1 integer rows, A7.4.2 different lengths, A7.4.3 integer by-scalar, A7.4.4
shifts incl. VCVT fixed-point, A7.4.6 modified immediate).

Format: neon.py's module docstring and :func:`neon.simd`.  Each row of the
three-register groups is generated from its A, B (and C) bits, as the ARM ARM's
tables give them.
"""

from .neon import simd, Vd, Vn, Vm, Scalar


def _u(u):
    return "u:1" if u is None else str(u)


# --- A7.4.1 three registers of the same length ------------------------------------
def same(name, u, a, b, sizes=(0, 1, 2, 3), src="i", acc=False, q_ok=True, mnemonic=None,
         size_bits="size:2", weight=1.0):
    """A row of A7.4.1: U (None: a field), A (bits 11:8), B (bit 4)."""
    has_size = size_bits == "size:2"
    k = "i" if has_size else "any"          # the bitwise rows have no size
    regs = (Vd(role="both" if acc else "dst", kind=k), Vn(kind=k), Vm(kind=k))
    if src == "s":                  # shift by register: the value is Vm, the count Vn
        regs = (Vd(), Vn(kind="s"), Vm(kind="i"))
    pattern = "1111 001 %s 0 d:1 %s vn:4 vd:4 %s n:1 q:1 m:1 %d vm:4" % (_u(u), size_bits, a, b)
    simd(name, pattern, "neon_int", regs=regs, mnemonic=mnemonic, weight=weight,
         fields={"size": sizes} if has_size else None,
         check=None if q_ok else (lambda f: not f["q"]))


NO64 = (0, 1, 2)
same("VHADD", None, "0000", 0, NO64)
same("VQADD", None, "0000", 1, weight=2)
same("VRHADD", None, "0001", 0, NO64)
for _n, _u1, _c in (("VAND", 0, "00"), ("VBIC_r", 0, "01"), ("VORR_r", 0, "10"), ("VORN", 0, "11"),
                    ("VEOR", 1, "00"), ("VBSL", 1, "01"), ("VBIT", 1, "10"), ("VBIF", 1, "11")):
    same(_n, _u1, "0001", 1, acc=_n in ("VBSL", "VBIT", "VBIF"), size_bits=_c,
         mnemonic=("VORR", "VMOV") if _n == "VORR_r" else None)
same("VHSUB", None, "0010", 0, NO64)
same("VQSUB", None, "0010", 1, weight=2)
same("VCGT_r", None, "0011", 0, NO64)
same("VCGE_r", None, "0011", 1, NO64)
same("VSHL_r", None, "0100", 0, src="s")
same("VQSHL_r", None, "0100", 1, src="s", weight=2)
same("VRSHL", None, "0101", 0, src="s")
same("VQRSHL", None, "0101", 1, src="s", weight=2)
same("VMAX_i", None, "0110", 0, NO64)
same("VMIN_i", None, "0110", 1, NO64)
same("VABD_i", None, "0111", 0, NO64)
same("VABA", None, "0111", 1, NO64, acc=True)
same("VADD_i", 0, "1000", 0)
same("VSUB_i", 1, "1000", 0)
same("VTST", 0, "1000", 1, NO64)
same("VCEQ_r", 1, "1000", 1, NO64)
same("VMLA_i", 0, "1001", 0, NO64, acc=True)
same("VMLS_i", 1, "1001", 0, NO64, acc=True)
same("VMUL_i", 0, "1001", 1, NO64)
same("VMUL_p", 1, "1001", 1, (0,), mnemonic="VMUL")
same("VPMAX_i", None, "1010", 0, NO64, q_ok=False)
same("VPMIN_i", None, "1010", 1, NO64, q_ok=False)
same("VQDMULH", 0, "1011", 0, (1, 2), weight=2)
same("VQRDMULH", 1, "1011", 0, (1, 2), weight=2)
same("VPADD_i", 0, "1011", 1, NO64, q_ok=False)


# --- A7.4.2 three registers of different lengths ------------------------------------
def diff(name, u, a, shape, mnemonic=None, sizes=NO64, weight=1.0, check=None):
    """shape: "long" (Qd = Dn, Dm), "wide" (Qd = Qn, Dm), "acc" (Qd += Dn, Dm),
    "narrow" (Dd = Qn, Qm)."""
    vd = {"long": Vd("Q"), "wide": Vd("Q"), "acc": Vd("Q", kind="iw", role="both"),
          "narrow": Vd("D")}[shape]
    vn = {"wide": Vn("Q", "iw"), "narrow": Vn("Q", "iw")}.get(shape, Vn("D"))
    vm = Vm("Q", "iw") if shape == "narrow" else Vm("D")
    pattern = "1111 001 %s 1 d:1 size:2 vn:4 vd:4 %s n:1 0 m:1 0 vm:4" % (_u(u), a)
    simd(name, pattern, "neon_int", regs=(vd, vn, vm), mnemonic=mnemonic, weight=weight,
         fields={"size": sizes}, check=check)


diff("VADDL", None, "0000", "long")
diff("VADDW", None, "0001", "wide")
diff("VSUBL", None, "0010", "long")
diff("VSUBW", None, "0011", "wide")
diff("VADDHN", 0, "0100", "narrow")
diff("VRADDHN", 1, "0100", "narrow")
diff("VABAL", None, "0101", "acc")
diff("VSUBHN", 0, "0110", "narrow")
diff("VRSUBHN", 1, "0110", "narrow")
diff("VABDL", None, "0111", "long")
diff("VMLAL", None, "1000", "acc")
diff("VMLSL", None, "1010", "acc")
diff("VQDMLAL", 0, "1001", "acc", sizes=(1, 2), weight=2)
diff("VQDMLSL", 0, "1011", "acc", sizes=(1, 2), weight=2)
diff("VMULL_i", None, "1100", "long")
diff("VMULL_p", 0, "1110", "long", mnemonic="VMULL", sizes=(0,))
diff("VQDMULL", 0, "1101", "long", sizes=(1, 2), weight=2)


# --- A7.4.3 two registers and a scalar (integer) --------------------------------------
def by_scalar(name, a, long, u=None, mnemonic=None, signed_only=False, weight=1.0):
    """Non-long forms have Q at bit 24; long ones U there and a Q destination."""
    if long:
        pattern = "1111 001 %s 1 d:1 size:2 vn:4 vd:4 %s n:1 1 m:1 0 vm:4" % (_u(u), a)
        acc = name.startswith(("VMLAL", "VMLSL", "VQDMLAL", "VQDMLSL"))
        regs = (Vd("Q", kind="iw", role="both" if acc else "dst"), Vn("D"), Scalar())
    else:
        pattern = "1111 001 q:1 1 d:1 size:2 vn:4 vd:4 %s n:1 1 m:1 0 vm:4" % a
        acc = name.startswith(("VMLA", "VMLS"))
        regs = (Vd(role="both" if acc else "dst"), Vn(), Scalar())
    simd(name, pattern, "neon_int", regs=regs, mnemonic=mnemonic or name.split("_")[0],
         fields={"size": (1, 2)}, weight=weight)


by_scalar("VMLA_sci", "0000", False)
by_scalar("VMLS_sci", "0100", False)
by_scalar("VMLAL_sc", "0010", True)
by_scalar("VMLSL_sc", "0110", True)
by_scalar("VQDMLAL_sc", "0011", True, u=0)
by_scalar("VQDMLSL_sc", "0111", True, u=0)
by_scalar("VMUL_sci", "1000", False)
by_scalar("VMULL_sc", "1010", True)
by_scalar("VQDMULL_sc", "1011", True, u=0)
by_scalar("VQDMULH_sc", "1100", False, weight=2)
by_scalar("VQRDMULH_sc", "1101", False, weight=2)


# --- A7.4.4 two registers and a shift amount ---------------------------------------------
def _esize(f):
    if f["l"]:
        return 64
    imm6 = f["imm6"]
    return 32 if imm6 >= 32 else 16 if imm6 >= 16 else 8


def shift(name, u, a, q_bit="q:1", narrow=False, widen=False, mnemonic=None, acc=False,
          weight=1.0, check=None):
    """A row of A7.4.4; L:imm6 = 0000xxx is the modified immediate group."""
    l_bit = "0" if (narrow or widen) else "l:1"
    pattern = "1111 001 %s 1 d:1 imm6:6 vd:4 %s %s %s m:1 1 vm:4" % (_u(u), a, l_bit, q_bit)
    kind = (lambda f: "i%d" % (2 * _esize(f))) if narrow else (lambda f: "i%d" % _esize(f))
    if narrow:
        regs = (Vd("D", kind=kind), Vm("Q", kind))
    elif widen:
        regs = (Vd("Q", kind=kind), Vm("D", kind))
    else:
        regs = (Vd(kind=kind, role="both" if acc else "dst"), Vm(kind=kind))

    def ok(f):
        f.setdefault("l", 0)
        if not (f["l"] or f["imm6"] >= 8):
            return False
        return check(f) if check else True
    simd(name, pattern, "neon_int", regs=regs, mnemonic=mnemonic, weight=weight, check=ok)


shift("VSHR", None, "0000", weight=2)
shift("VSRA", None, "0001", acc=True)
shift("VRSHR", None, "0010")
shift("VRSRA", None, "0011", acc=True)
shift("VSRI", 1, "0100", acc=True)
shift("VSHL_imm", 0, "0101")
shift("VSLI", 1, "0101", acc=True)
shift("VQSHL_imm", None, "0111", mnemonic="VQSHL", weight=2)
shift("VQSHLU", 1, "0110", weight=2)
shift("VSHRN", 0, "1000", q_bit="0", narrow=True)
shift("VRSHRN", 0, "1000", q_bit="1", narrow=True)
shift("VQSHRUN", 1, "1000", q_bit="0", narrow=True, weight=2)
shift("VQRSHRUN", 1, "1000", q_bit="1", narrow=True, weight=2)
shift("VQSHRN", None, "1001", q_bit="0", narrow=True, weight=2)
shift("VQRSHRN", None, "1001", q_bit="1", narrow=True, weight=2)
shift("VSHLL", None, "1010", q_bit="0", widen=True, mnemonic=("VSHLL", "VMOVL"))

# VCVT between floating-point and fixed-point (A8.8): op (bit 8) is to fixed
simd("VCVT_fx", "1111 001 u:1 1 d:1 1 imm5:5 vd:4 111 op:1 0 q:1 m:1 1 vm:4", "neon_int",
     regs=(Vd(kind="any"), Vm(kind=lambda f: "f32" if f["op"] else "i32")), mnemonic="VCVT")

# --- A7.4.6 one register and a modified immediate -----------------------------------------
simd("VMOV_mi", "1111 001 i:1 1 d:1 000 imm3:3 vd:4 cmode:4 0 q:1 op:1 1 imm4:4", "neon_int",
     regs=(Vd(role="both", kind="any"),), mnemonic=("VMOV", "VMVN", "VORR", "VBIC"),
     check=lambda f: not (f["cmode"] == 15 and f["op"]), weight=2)
