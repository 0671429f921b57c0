"""T32 encoding templates: 16-bit (DDI 0406C A6.2) and 32-bit (A6.3).

General register fields draw from r0-r12 and r14: in T32 almost every encoding makes
SP or PC UNPREDICTABLE as a general operand, so SP appears only through the forms
that name it (SP-relative loads and stores, ADD/SUB SP, PUSH/POP and LDM/STM with
an SP base) and in load/store base registers, where it is allowed.

``it``: 'ok' may sit anywhere in an IT block, 'last' only as its last instruction
(branches, A6.2.1 / IT's pseudocode), 'never' outside IT blocks only (CBZ/CBNZ,
conditional B, MOVS Rd, Rm which is UNPREDICTABLE inside one).
"""

from .encoding import BranchSpec, Template, sign_extend
from . import plans as P

TEMPLATES = []
LOW = tuple(range(8))
GENERAL = tuple(range(13)) + (14,)


def n(name, pattern, klass, **kw):
    """A 16-bit encoding."""
    kw.setdefault("cond", None)
    TEMPLATES.append(Template("t16", name + "_n", pattern, klass, **kw))


def w(name, pattern, klass, **kw):
    """A 32-bit encoding (hw1 in the high half of the pattern)."""
    kw.setdefault("cond", None)
    TEMPLATES.append(Template("t32", name, pattern, klass, **kw))


def _base_reg(ctx):
    """Load/store base: any general register or SP."""
    return 13 if ctx.rng.random() < 0.15 else ctx.reg4()


def _distinct(*names):
    return lambda f: len({f[k] for k in names}) == len(names)


def _thumb_imm_ok(f):
    """ThumbExpandImm: a replicated pattern with imm8 == 0 is UNPREDICTABLE."""
    imm12 = (f["i"] << 11) | (f["imm3"] << 8) | f["imm8"]
    return not (imm12 >> 10 == 0 and (imm12 >> 8) & 3 and imm12 & 0xFF == 0)


def _same_rm(f):
    """REV/RBIT/CLZ encode Rm twice; both copies must agree (Consistent(Rm))."""
    f["rm2"] = f["rm"]
    return True


# ================================ 16-bit ==========================================
n("LSL_rri", "00000 imm5:5 rm:3 rd:3", "dp_imm", check=lambda f: f["imm5"] != 0)
n("MOVS_rr", "00000 00000 rm:3 rd:3", "dp_reg", it="never", mnemonic=("MOVS", "MOV", "LSLS"))
n("LSR_rri", "00001 imm5:5 rm:3 rd:3", "dp_imm")
n("ASR_rri", "00010 imm5:5 rm:3 rd:3", "dp_imm")
n("ADD_rrr", "0001100 rm:3 rn:3 rd:3", "dp_reg")
n("SUB_rrr", "0001101 rm:3 rn:3 rd:3", "dp_reg")
n("ADD_rri", "0001110 imm3:3 rn:3 rd:3", "dp_imm")
n("SUB_rri", "0001111 imm3:3 rn:3 rd:3", "dp_imm")
n("MOV_ri", "00100 rd:3 imm8:8", "dp_imm")
n("CMP_ri", "00101 rn:3 imm8:8", "dp_imm")
n("ADD_ri", "00110 rdn:3 imm8:8", "dp_imm", dst=("rdn",))
n("SUB_ri", "00111 rdn:3 imm8:8", "dp_imm", dst=("rdn",))
for _mn, _op in (("AND", 0), ("EOR", 1), ("LSL", 2), ("LSR", 3), ("ASR", 4), ("ADC", 5),
                 ("SBC", 6), ("ROR", 7), ("ORR", 12), ("BIC", 14)):
    n("%s_rr" % _mn, "010000 {:04b} rm:3 rdn:3".format(_op),
      "dp_regsh" if _op in (2, 3, 4, 7) else "dp_reg", dst=("rdn",))
for _mn, _op in (("TST", 8), ("CMP", 10), ("CMN", 11)):
    n("%s_rr" % _mn, "010000 {:04b} rm:3 rn:3".format(_op), "dp_reg")
n("RSB_rr", "010000 1001 rn:3 rd:3", "dp_reg", mnemonic=("RSB", "NEG"))
n("MVN_rr", "010000 1111 rm:3 rd:3", "dp_reg")
n("MUL_rr", "010000 1101 rn:3 rdm:3", "mul", dst=("rdm",), mnemonic=("MUL",))


class _HiReg:
    """Split D:Rd register fields of the high-register ADD/CMP/MOV (A8.8.6, A8.8.39,
    A8.8.103); SP and PC are left out (they have their own encodings)."""

    def __init__(self, hi, lo, write=True, cmp=False):
        self.hi, self.lo, self.write, self.cmp = hi, lo, write, cmp

    def __call__(self, ctx, f):
        r = ctx.reg4()
        if self.cmp and r < 8 and f["rm"] < 8:
            return None                  # CMP T2 with two low registers
        f[self.hi], f[self.lo] = r >> 3, r & 7
        return [], ({r} if self.write else set())


n("ADD_rr_hi", "01000100 dn:1 rm:4 rdn:3", "dp_reg", plan=_HiReg("dn", "rdn"), dst=(),
  mnemonic=("ADD",))
n("CMP_rr_hi", "01000101 hn:1 rm:4 rn:3", "dp_reg", plan=_HiReg("hn", "rn", False, True),
  dst=(), mnemonic=("CMP",))
n("MOV_rr_hi", "01000110 d:1 rm:4 rd:3", "dp_reg", plan=_HiReg("d", "rd"), dst=(),
  mnemonic=("MOV", "CPY"))
n("BX_r", "010001110 rm:4 000", "branch", plan=P.RegBranch(False), it="last", dst=())
n("BLX_r", "010001111 rm:4 000", "branch", plan=P.RegBranch(True), it="last", dst=())


def _lit16_fixup(insn, lay):
    base = (insn.addr + 4) & ~3
    hi = min(lay.exit_addr - 4, base + 1020)
    target = base + 4 * lay.rng.randrange((hi - base) // 4 + 1)
    insn.f["imm8"] = (target - base) // 4


n("LDR_lit", "01001 rt:3 imm8:8", "mem", fixup=_lit16_fixup, dst=("rt",))
for _mn, _op, _size, _l in (("STR", 0, 4, 0), ("STRH", 1, 2, 0), ("STRB", 2, 1, 0),
                            ("LDRSB", 3, 1, 1), ("LDR", 4, 4, 1), ("LDRH", 5, 2, 1),
                            ("LDRB", 6, 1, 1), ("LDRSH", 7, 2, 1)):
    n("%s_rr" % _mn, "0101 {:03b} rm:3 rn:3 rt:3".format(_op), "mem", dst=(),
      plan=P.Mem(_size, _l, reg="plain"))


def _set_imm5(f, v):
    f["imm5"] = v


def _set_imm8(f, v):
    f["imm8"] = v


def _set_imm12(f, v):
    f["imm12"] = v


for _mn, _bits, _size, _l in (("STR", "01100", 4, 0), ("LDR", "01101", 4, 1),
                              ("STRB", "01110", 1, 0), ("LDRB", "01111", 1, 1),
                              ("STRH", "10000", 2, 0), ("LDRH", "10001", 2, 1)):
    n("%s_ri" % _mn, "%s imm5:5 rn:3 rt:3" % _bits, "mem", dst=(),
      plan=P.Mem(_size, _l, imm=(31, _size, _set_imm5)))
n("STR_spi", "10010 rt:3 imm8:8", "mem", dst=(), plan=P.Mem(4, 0, imm=(255, 4, _set_imm8), base=13))
n("LDR_spi", "10011 rt:3 imm8:8", "mem", dst=(), plan=P.Mem(4, 1, imm=(255, 4, _set_imm8), base=13))
n("ADR_ri", "10100 rd:3 imm8:8", "dp_imm", mnemonic=("ADR", "ADD"))
n("ADD_rspi", "10101 rd:3 imm8:8", "dp_imm", mnemonic=("ADD",))
n("ADD_spi", "1011 0000 0 imm7:7", "dp_imm", writes={13}, mnemonic=("ADD",))
n("SUB_spi", "1011 0000 1 imm7:7", "dp_imm", writes={13}, mnemonic=("SUB",))


def _set_cbz(f, off):
    f["i"], f["imm5"] = (off >> 6) & 1, (off >> 1) & 31


n("CBZ_ri", "1011 0 0 i:1 1 imm5:5 rn:3", "branch", it="never", dst=(),
  branch=BranchSpec(4, 0, 126, 2, _set_cbz))
n("CBNZ_ri", "1011 1 0 i:1 1 imm5:5 rn:3", "branch", it="never", dst=(),
  branch=BranchSpec(4, 0, 126, 2, _set_cbz))
for _mn, _op in (("SXTH", 0), ("SXTB", 1), ("UXTH", 2), ("UXTB", 3)):
    n("%s_rr" % _mn, "1011 0010 {:02b} rm:3 rd:3".format(_op), "extend")
for _mn, _op in (("REV", 0), ("REV16", 1), ("REVSH", 3)):
    n("%s_rr" % _mn, "1011 1010 {:02b} rm:3 rd:3".format(_op), "bits")


def _push16(f, regs):
    f["m"] = 1 if 14 in regs else 0
    f["list"] = sum(1 << r for r in regs if r < 8)


n("PUSH_l", "1011 010 m:1 list:8", "multi", dst=(),
  plan=P.Multi(False, "DB", LOW + (14,), base=13, wback=True, setter=_push16))
n("POP_l", "1011 110 0 list:8", "multi", dst=(),
  plan=P.Multi(True, "IA", LOW, base=13, wback=True))
n("STM_r", "11000 rn:3 list:8", "multi", dst=(), plan=P.Multi(False, "IA", LOW, wback=True),
  mnemonic=("STM", "STMIA", "STMEA"))
n("LDM_r", "11001 rn:3 list:8", "multi", dst=(), plan=P.Multi(True, "IA", LOW, wback="auto"),
  mnemonic=("LDM", "LDMIA", "LDMFD"))


def _set_b8(f, off):
    f["imm8"] = (off >> 1) & 0xFF


def _set_b11(f, off):
    f["imm11"] = (off >> 1) & 0x7FF


n("B_cond_i", "1101 cond:4 imm8:8", "branch", it="never", dst=(), fields={"cond": range(14)},
  branch=BranchSpec(4, -256, 254, 2, _set_b8), mnemonic=("B",))
n("B_i", "11100 imm11:11", "branch", it="last", dst=(),
  branch=BranchSpec(4, -2048, 2046, 2, _set_b11), mnemonic=("B",))
n("IT", "1011 1111 firstcond:4 mask:4", "it", dst=(), it="never",
  mnemonic=("IT", "ITT", "ITE", "ITTT", "ITTE", "ITET", "ITEE", "ITTTT", "ITTTE", "ITTET",
            "ITTEE", "ITETT", "ITETE", "ITEET", "ITEEE"))
n("NOP", "1011 1111 0000 0000", "pad", dst=())

# ================================ 32-bit ==========================================
for _mn, _op in (("AND", 0), ("BIC", 1), ("ORR", 2), ("ORN", 3), ("EOR", 4), ("ADD", 8),
                 ("ADC", 10), ("SBC", 11), ("SUB", 13), ("RSB", 14)):
    w("%s_rri" % _mn, "11110 i:1 0 {:04b} s:1 rn:4 0 imm3:3 rd:4 imm8:8".format(_op), "dp_imm",
      check=_thumb_imm_ok)
    w("%s_rrri" % _mn, "11101 01 {:04b} s:1 rn:4 0 imm3:3 rd:4 imm2:2 sh:2 rm:4".format(_op),
      "dp_reg")
for _mn, _op in (("TST", 0), ("TEQ", 4), ("CMN", 8), ("CMP", 13)):
    w("%s_ri" % _mn, "11110 i:1 0 {:04b} 1 rn:4 0 imm3:3 1111 imm8:8".format(_op), "dp_imm",
      check=_thumb_imm_ok)
    w("%s_rri" % _mn, "11101 01 {:04b} 1 rn:4 0 imm3:3 1111 imm2:2 sh:2 rm:4".format(_op),
      "dp_reg")
for _mn, _op in (("MOV", 2), ("MVN", 3)):
    w("%s_ri" % _mn, "11110 i:1 0 {:04b} s:1 1111 0 imm3:3 rd:4 imm8:8".format(_op), "dp_imm",
      check=_thumb_imm_ok)
    w("%s_rri" % _mn, "11101 01 {:04b} s:1 1111 0 imm3:3 rd:4 imm2:2 sh:2 rm:4".format(_op),
      "dp_reg", mnemonic=("MOV", "LSL", "LSR", "ASR", "ROR", "RRX") if _mn == "MOV" else None)
for _mn, _ty in (("LSL", 0), ("LSR", 1), ("ASR", 2), ("ROR", 3)):
    w("%s_rrr" % _mn, "11111010 0 {:02b} s:1 rn:4 1111 rd:4 0000 rm:4".format(_ty), "dp_regsh")
w("PKHBT_rrri", "11101 01 0110 0 rn:4 0 imm3:3 rd:4 imm2:2 0 0 rm:4", "pack")
w("PKHTB_rrri", "11101 01 0110 0 rn:4 0 imm3:3 rd:4 imm2:2 1 0 rm:4", "pack")

w("ADDW_rri", "11110 i:1 10 0000 rn:4 0 imm3:3 rd:4 imm8:8", "dp_imm", mnemonic=("ADDW", "ADD"))
w("SUBW_rri", "11110 i:1 10 1010 rn:4 0 imm3:3 rd:4 imm8:8", "dp_imm", mnemonic=("SUBW", "SUB"))
w("ADR_ri", "11110 i:1 10 0000 1111 0 imm3:3 rd:4 imm8:8", "dp_imm",
  mnemonic=("ADR", "ADDW", "ADD"))
w("ADR_ri_sub", "11110 i:1 10 1010 1111 0 imm3:3 rd:4 imm8:8", "dp_imm",
  mnemonic=("ADR", "SUBW", "SUB"))
w("MOVW_ri", "11110 i:1 10 0100 imm4:4 0 imm3:3 rd:4 imm8:8", "movw", mnemonic=("MOVW", "MOV"))
w("MOVT_ri", "11110 i:1 10 1100 imm4:4 0 imm3:3 rd:4 imm8:8", "movw")


def _lsb(f):
    return (f["imm3"] << 2) | f["imm2"]


w("SSAT_rri", "11110 0 11 00 sh:1 0 rn:4 0 imm3:3 rd:4 imm2:2 0 sat:5", "sat",
  check=lambda f: not (f["sh"] and _lsb(f) == 0))
w("USAT_rri", "11110 0 11 10 sh:1 0 rn:4 0 imm3:3 rd:4 imm2:2 0 sat:5", "sat",
  check=lambda f: not (f["sh"] and _lsb(f) == 0))
w("SSAT16_rri", "11110 0 11 0010 rn:4 0000 rd:4 0000 sat:4", "sat")
w("USAT16_rri", "11110 0 11 1010 rn:4 0000 rd:4 0000 sat:4", "sat")
w("SBFX_rrii", "11110 0 11 0100 rn:4 0 imm3:3 rd:4 imm2:2 0 wm1:5", "bitfield",
  check=lambda f: _lsb(f) + f["wm1"] <= 31)
w("UBFX_rrii", "11110 0 11 1100 rn:4 0 imm3:3 rd:4 imm2:2 0 wm1:5", "bitfield",
  check=lambda f: _lsb(f) + f["wm1"] <= 31)
w("BFI_rrii", "11110 0 11 0110 rn:4 0 imm3:3 rd:4 imm2:2 0 msb:5", "bitfield",
  check=lambda f: f["msb"] >= _lsb(f))
w("BFC_rii", "11110 0 11 0110 1111 0 imm3:3 rd:4 imm2:2 0 msb:5", "bitfield",
  check=lambda f: f["msb"] >= _lsb(f))

for _mn, _op in (("SXTH", 0), ("UXTH", 1), ("SXTB16", 2), ("UXTB16", 3), ("SXTB", 4),
                 ("UXTB", 5)):
    w("%s_rri" % _mn, "11111010 0 {:03b} 1111 1111 rd:4 1 0 rot:2 rm:4".format(_op), "extend")
    w("%s_rrri" % (_mn[:3] + "A" + _mn[3:]),
      "11111010 0 {:03b} rn:4 1111 rd:4 1 0 rot:2 rm:4".format(_op), "extend")
for _pre, _u, _op2 in (("S", 0, 0), ("Q", 0, 1), ("SH", 0, 2), ("U", 1, 0), ("UQ", 1, 1),
                       ("UH", 1, 2)):
    for _op, _op1 in (("ADD16", 1), ("ASX", 2), ("SAX", 6), ("SUB16", 5), ("ADD8", 0),
                      ("SUB8", 4)):
        w("%s%s_rrr" % (_pre, _op),
          "11111010 1 {:03b} rn:4 1111 rd:4 0 {}{:02b} rm:4".format(_op1, _u, _op2), "parallel")
for _mn, _op in (("QADD", 0), ("QDADD", 1), ("QSUB", 2), ("QDSUB", 3)):
    w("%s_rrr" % _mn, "11111010 1000 rn:4 1111 rd:4 10 {:02b} rm:4".format(_op), "sat")
for _mn, _op in (("REV", 0), ("REV16", 1), ("RBIT", 2), ("REVSH", 3)):
    w("%s_rr" % _mn, "11111010 1001 rm2:4 1111 rd:4 10 {:02b} rm:4".format(_op), "bits",
      check=_same_rm)
w("SEL_rrr", "11111010 1010 rn:4 1111 rd:4 1000 rm:4", "parallel")
w("CLZ_rr", "11111010 1011 rm2:4 1111 rd:4 1000 rm:4", "bits", check=_same_rm)

w("MUL_rrr", "11111011 0000 rn:4 1111 rd:4 0000 rm:4", "mul")
w("MLA_rrrr", "11111011 0000 rn:4 ra:4 rd:4 0000 rm:4", "mul")
w("MLS_rrrr", "11111011 0000 rn:4 ra:4 rd:4 0001 rm:4", "mul")
w("SMLAxy_rrrr", "11111011 0001 rn:4 ra:4 rd:4 00 n:1 m:1 rm:4", "mul_dsp",
  mnemonic=("SMLABB", "SMLABT", "SMLATB", "SMLATT"))
w("SMULxy_rrr", "11111011 0001 rn:4 1111 rd:4 00 n:1 m:1 rm:4", "mul_dsp",
  mnemonic=("SMULBB", "SMULBT", "SMULTB", "SMULTT"))
w("SMLAWy_rrrr", "11111011 0011 rn:4 ra:4 rd:4 000 m:1 rm:4", "mul_dsp",
  mnemonic=("SMLAWB", "SMLAWT"))
w("SMULWy_rrr", "11111011 0011 rn:4 1111 rd:4 000 m:1 rm:4", "mul_dsp",
  mnemonic=("SMULWB", "SMULWT"))
for _mn, _op in (("SMLAD", "0010"), ("SMLSD", "0100"), ("SMMLA", "0101"), ("SMMLS", "0110")):
    w("%s_rrrr" % _mn, "11111011 %s rn:4 ra:4 rd:4 000 x:1 rm:4" % _op, "mul_dsp",
      mnemonic=(_mn, _mn + "X", _mn + "R"))
for _mn, _op in (("SMUAD", "0010"), ("SMUSD", "0100"), ("SMMUL", "0101")):
    w("%s_rrr" % _mn, "11111011 %s rn:4 1111 rd:4 000 x:1 rm:4" % _op, "mul_dsp",
      mnemonic=(_mn, _mn + "X", _mn + "R"))
w("USAD8_rrr", "11111011 0111 rn:4 1111 rd:4 0000 rm:4", "bits")
w("USADA8_rrrr", "11111011 0111 rn:4 ra:4 rd:4 0000 rm:4", "bits")
for _mn, _op1, _op2 in (("SMULL", "000", "0000"), ("UMULL", "010", "0000"),
                        ("SMLAL", "100", "0000"), ("UMLAL", "110", "0000"),
                        ("UMAAL", "110", "0110")):
    w("%s_rrrr" % _mn, "11111011 1%s rn:4 rdlo:4 rdhi:4 %s rm:4" % (_op1, _op2), "mul_long",
      dst=("rdlo", "rdhi"), check=_distinct("rdlo", "rdhi"))
w("SMLALxy_rrrr", "11111011 1100 rn:4 rdlo:4 rdhi:4 10 n:1 m:1 rm:4", "mul_dsp",
  dst=("rdlo", "rdhi"), check=_distinct("rdlo", "rdhi"),
  mnemonic=("SMLALBB", "SMLALBT", "SMLALTB", "SMLALTT"))
w("SMLALD_rrrr", "11111011 1100 rn:4 rdlo:4 rdhi:4 110 x:1 rm:4", "mul_dsp",
  dst=("rdlo", "rdhi"), check=_distinct("rdlo", "rdhi"), mnemonic=("SMLALD", "SMLALDX"))
w("SMLSLD_rrrr", "11111011 1101 rn:4 rdlo:4 rdhi:4 110 x:1 rm:4", "mul_dsp",
  dst=("rdlo", "rdhi"), check=_distinct("rdlo", "rdhi"), mnemonic=("SMLSLD", "SMLSLDX"))
w("SDIV_rrr", "11111011 1001 rn:4 1111 rd:4 1111 rm:4", "div", plan=P.DivOperands())
w("UDIV_rrr", "11111011 1011 rn:4 1111 rd:4 1111 rm:4", "div", plan=P.DivOperands())

w("MSR_rr", "11110011 1000 rn:4 10 0 0 mask:2 00 0000 0000", "status", dst=(),
  fields={"mask": (1, 2, 3)})
w("MRS_r", "11110011 1110 1111 10 0 0 rd:4 0000 0000", "status")

# Loads and stores (A6.3.7-A6.3.11): imm12, imm8 (negative offset, pre, post,
# unprivileged), register (LSL #0-3), literal; LDRD/STRD; LDM/STM.
_SIZES = (("STRB", "0", "00", 0, 1), ("LDRB", "0", "00", 1, 1), ("STRH", "0", "01", 0, 2),
          ("LDRH", "0", "01", 1, 2), ("STR", "0", "10", 0, 4), ("LDR", "0", "10", 1, 4),
          ("LDRSB", "1", "00", 1, 1), ("LDRSH", "1", "01", 1, 2))
_MEMF = {"rn": _base_reg}
for _mn, _s, _sz, _l, _size in _SIZES:
    _hw1 = "1111100 {} {{}} {} {} rn:4".format(_s, _sz, _l)
    w("%s_ri" % _mn, _hw1.format(1) + " rt:4 imm12:12", "mem", fields=_MEMF, dst=(),
      plan=P.Mem(_size, _l, imm=(4095, 1, _set_imm12)))
    w("%s_ri8_neg" % _mn, _hw1.format(0) + " rt:4 1100 imm8:8", "mem", fields=_MEMF, dst=(),
      plan=P.Mem(_size, _l, imm=(255, 1, _set_imm8), up=0))
    w("%s_ri8_pre" % _mn, _hw1.format(0) + " rt:4 1 1 u:1 1 imm8:8", "mem", fields=_MEMF,
      dst=(), plan=P.Mem(_size, _l, "pre", imm=(255, 1, _set_imm8)))
    w("%s_ri8_post" % _mn, _hw1.format(0) + " rt:4 1 0 u:1 1 imm8:8", "mem", fields=_MEMF,
      dst=(), plan=P.Mem(_size, _l, "post", imm=(255, 1, _set_imm8)))
    w("%sT_ri8" % _mn, _hw1.format(0) + " rt:4 1110 imm8:8", "mem", fields=_MEMF, dst=(),
      plan=P.Mem(_size, _l, "offT", imm=(255, 1, _set_imm8)))
    w("%s_rr" % _mn, _hw1.format(0) + " rt:4 000000 imm2:2 rm:4", "mem", fields=_MEMF, dst=(),
      plan=P.Mem(_size, _l, reg="lsl2"))


def _lit32_fixup(insn, lay):
    base = (insn.addr + 4) & ~3
    lo = max(lay.code_addr, base - 4092)
    hi = min(lay.exit_addr - 4, base + 4092)
    target = lay.rng.randrange((lo + 3) // 4, hi // 4 + 1) * 4
    off = target - base
    insn.f["u"] = 1 if off >= 0 else 0
    insn.f["imm12"] = abs(off)


# objdump (2.40) shows some U=0 literal loads as LDRT: Rn == PC selects the literal
# form first (A6.3.7), as QEMU's t32.decode does.
w("LDR_lit", "11111000 u:1 101 1111 rt:4 imm12:12", "mem", fixup=_lit32_fixup, dst=("rt",),
  mnemonic=("LDR", "LDRT"))


def _set_imm8x4(f, v):
    f["imm8"] = v


for _mn, _l in (("STRD", 0), ("LDRD", 1)):
    _chk = _distinct("rt", "rt2") if _l else None
    for _sfx, _p, _w, _mode in (("", 1, 0, "off"), ("_pre", 1, 1, "pre"), ("_post", 0, 1, "post")):
        w("%s_ri%s" % (_mn, _sfx),
          "1110100 {} u:1 1 {} {} rn:4 rt:4 rt2:4 imm8:8".format(_p, _w, _l), "mem_pair",
          fields=_MEMF, dst=(), check=_chk,
          plan=P.Mem(8, _l, _mode, imm=(255, 4, _set_imm8x4), tfields=("rt", "rt2")))


def _list8(f, regs):
    f["list"] = sum(1 << r for r in regs)


def _list13(f, regs):
    f["list"] = sum(1 << r for r in regs)


def _list32(f, regs):
    f["m"] = 1 if 14 in regs else 0
    f["list"] = sum(1 << r for r in regs if r < 13)


for _mn, _bits, _mode in (("STMIA", "010 w:1 0", "IA"), ("LDMIA", "010 w:1 1", "IA"),
                          ("STMDB", "100 w:1 0", "DB"), ("LDMDB", "100 w:1 1", "DB")):
    w("%s_r" % _mn, "1110100 %s rn:4 0 m:1 0 list:13" % _bits, "multi", fields=_MEMF, dst=(),
      plan=P.Multi(_mn.startswith("LDM"), _mode, GENERAL, min_count=2, setter=_list32),
      mnemonic=(_mn[:3], _mn, "PUSH" if _mn == "STMDB" else "POP", _mn[:3] + "EA",
                _mn[:3] + "FD"))
# Loads to the PC (LoadWritePC, interworking on bit 0): last in an IT block only.
n("POP_pc_l", "1011 110 1 list:8", "branch", it="last", dst=(),
  plan=P.PcLoad(regs=LOW, setter=_list8, base=13, wback=True), mnemonic=("POP",))
w("LDR_pc_ri", "1111100 0 1 10 1 rn:4 1111 imm12:12", "branch", it="last", dst=(),
  fields=_MEMF, plan=P.PcLoad(imm=(4095, 1, _set_imm12)), mnemonic=("LDR",))
w("LDMIA_pc_r", "1110100 010 w:1 1 rn:4 1 0 0 list:13", "branch", it="last", dst=(),
  fields=_MEMF, plan=P.PcLoad(regs=GENERAL[:-1], setter=_list13, min_other=1, wback=None),
  mnemonic=("LDM", "LDMIA", "POP"))
w("TBB_rr", "11101000 1101 rn:4 1111 0000 000 0 rm:4", "branch", it="last", dst=(),
  plan=P.TableBranch(False))
w("TBH_rr", "11101000 1101 rn:4 1111 0000 000 1 rm:4", "branch", it="last", dst=(),
  plan=P.TableBranch(True))


def _set_t3(f, off):
    v = off >> 1
    f["imm11"], f["imm6"] = v & 0x7FF, (v >> 11) & 0x3F
    f["j1"], f["j2"], f["s"] = (v >> 17) & 1, (v >> 18) & 1, (v >> 19) & 1


def _set_t4(f, off):
    v = off >> 1
    s = (v >> 23) & 1
    i1, i2 = (v >> 22) & 1, (v >> 21) & 1
    f["imm11"], f["imm10"], f["s"] = v & 0x7FF, (v >> 11) & 0x3FF, s
    f["j1"], f["j2"] = (1 - i1) ^ s, (1 - i2) ^ s


def _set_blx(f, off):
    v = off >> 2
    s = (v >> 22) & 1
    i1, i2 = (v >> 21) & 1, (v >> 20) & 1
    f["imm10l"], f["imm10h"], f["s"] = v & 0x3FF, (v >> 10) & 0x3FF, s
    f["j1"], f["j2"] = (1 - i1) ^ s, (1 - i2) ^ s


_T4 = (-(1 << 24), (1 << 24) - 2)
w("B_cond_i", "11110 s:1 cond:4 imm6:6 10 j1:1 0 j2:1 imm11:11", "branch", it="never", dst=(),
  fields={"cond": range(14)}, branch=BranchSpec(4, -(1 << 20), (1 << 20) - 2, 2, _set_t3),
  mnemonic=("B",))
w("B_i", "11110 s:1 imm10:10 10 j1:1 1 j2:1 imm11:11", "branch", it="last", dst=(),
  branch=BranchSpec(4, _T4[0], _T4[1], 2, _set_t4), mnemonic=("B",))
w("BL_i", "11110 s:1 imm10:10 11 j1:1 1 j2:1 imm11:11", "branch", it="last", dst=(),
  writes={14}, branch=BranchSpec(4, _T4[0], _T4[1], 2, _set_t4))
w("BLX_i", "11110 s:1 imm10h:10 11 j1:1 0 j2:1 imm10l:10 0", "branch", it="last", dst=(),
  writes={14}, branch=BranchSpec(4, _T4[0], _T4[1] - 2, 4, _set_blx, align_pc=True,
                                 state="other"))

BY_NAME = {tm.name: tm for tm in TEMPLATES}


def mov16(reg, value, top):
    """The MOVW (top=False) / MOVT (top=True) fields for a set-up instruction."""
    return BY_NAME["MOVT_ri" if top else "MOVW_ri"], {
        "rd": reg, "imm4": value >> 12, "i": (value >> 11) & 1, "imm3": (value >> 8) & 7,
        "imm8": value & 0xFF}


def mov_sp(reg):
    """MOV SP, Rm (16-bit high-register MOV): how a set-up value reaches SP."""
    return BY_NAME["MOV_rr_hi_n"], {"d": 1, "rm": reg, "rd": 5}


def it_fields(firstcond, elses):
    """IT encoding for a block: ``elses[j]`` is True when instruction j+2 uses the
    inverse condition (A8.8.54)."""
    mask = 0
    bit = 3
    for e in elses:
        mask |= ((firstcond & 1) ^ (1 if e else 0)) << bit
        bit -= 1
    mask |= 1 << bit
    return {"firstcond": firstcond, "mask": mask}


def decode_offset_t4(f):
    """Inverse of the T4 offset encoding (for tests)."""
    s = f["s"]
    i1, i2 = 1 - (f["j1"] ^ s), 1 - (f["j2"] ^ s)
    v = (s << 23) | (i1 << 22) | (i2 << 21) | (f["imm10"] << 11) | f["imm11"]
    return sign_extend(v << 1, 25)
