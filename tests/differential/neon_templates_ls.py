"""NEON stream templates of LS: the transfers between core and SIMD registers
(A7.8: VMOV core <-> scalar, VDUP from a core register) and the element and
structure loads and stores (A7.7: VLD1-4/VST1-4, every addressing form).

Format: neon.py's module docstring and :func:`neon.simd`.
"""

from .neon import simd, Vd, Vn

# --- A7.8 transfers between ARM core and extension registers --------------------
# VMOV (core register to scalar), A8.8.341: opc1:opc2 = 1xxx 8-bit, 0xx1 16-bit,
# 0x00 32-bit (the 32-bit form is VFP's too), 0x10 UNDEFINED.
simd("VMOV_sr32", "cond:4 1110 0 0 h:1 0 vd:4 rt:4 1011 d:1 00 1 0000", "neon_xfer",
     regs=(Vd("D", "any", role="both"),), mnemonic="VMOV")
simd("VMOV_sr", "cond:4 1110 0 opc1:2 0 vd:4 rt:4 1011 d:1 opc2:2 1 0000", "neon_xfer",
     regs=(Vd("D", "any", role="both"),), mnemonic="VMOV",
     check=lambda f: f["opc1"] & 2 or f["opc2"] & 1)
# VMOV (scalar to core register), A8.8.342: U=1 zero-extends; U=1 with 32-bit
# is UNDEFINED.
simd("VMOV_rs32", "cond:4 1110 0 0 h:1 1 vn:4 rt:4 1011 n:1 00 1 0000", "neon_xfer",
     regs=(Vn("D", "any"),), core_dst=("rt",), mnemonic="VMOV")
simd("VMOV_rs", "cond:4 1110 u:1 opc1:2 1 vn:4 rt:4 1011 n:1 opc2:2 1 0000", "neon_xfer",
     regs=(Vn("D", "any"),), core_dst=("rt",), mnemonic="VMOV",
     check=lambda f: f["opc1"] & 2 or f["opc2"] & 1)
# VDUP (ARM core register), A8.8.316: b:e = 00 32-bit, 01 16-bit, 10 8-bit, 11 UNDEFINED.
simd("VDUP_r", "cond:4 1110 1 b:1 q:1 0 vd:4 rt:4 1011 d:1 0 e:1 1 0000", "neon_xfer",
     regs=(Vd("q"),), mnemonic="VDUP", check=lambda f: not (f["b"] and f["e"]))
