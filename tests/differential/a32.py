"""A32 encoding templates (DDI 0406C chapter A5) for the differential generator.

Register fields draw from r0-r14 (the generator never makes PC a destination, and
SP is an ordinary register in A32); checks reject the remaining UNPREDICTABLE
combinations named in each instruction's decode pseudocode.
"""

from .encoding import BranchSpec, Template
from . import plans as P

TEMPLATES = []


def t(name, pattern, klass, **kw):
    TEMPLATES.append(Template("a32", name, pattern, klass, **kw))


def _reg_or_pc(ctx):
    """Source register, occasionally PC (reads as the instruction address + 8)."""
    return 15 if ctx.rng.random() < 0.04 else ctx.reg4()


def _distinct(*names):
    return lambda f: len({f[n] for n in names}) == len(names)


# --- data processing (A5.2.1-A5.2.3): immediate, register shifted by immediate,
#     register shifted by register ------------------------------------------------
DP_OPS = (("AND", 0), ("EOR", 1), ("SUB", 2), ("RSB", 3), ("ADD", 4), ("ADC", 5),
          ("SBC", 6), ("RSC", 7), ("ORR", 12), ("BIC", 14))
for _mn, _op in DP_OPS:
    t("%s_rri" % _mn, "cond:4 001 {:04b} s:1 rn:4 rd:4 imm12:12".format(_op), "dp_imm")
    t("%s_rrri" % _mn, "cond:4 000 {:04b} s:1 rn:4 rd:4 imm5:5 sh:2 0 rm:4".format(_op),
      "dp_reg", fields={"rn": _reg_or_pc, "rm": _reg_or_pc})
    t("%s_rrrr" % _mn, "cond:4 000 {:04b} s:1 rn:4 rd:4 rs:4 0 sh:2 1 rm:4".format(_op),
      "dp_regsh")
for _mn, _op in (("TST", 8), ("TEQ", 9), ("CMP", 10), ("CMN", 11)):
    t("%s_ri" % _mn, "cond:4 001 {:04b} 1 rn:4 0000 imm12:12".format(_op), "dp_imm")
    t("%s_rri" % _mn, "cond:4 000 {:04b} 1 rn:4 0000 imm5:5 sh:2 0 rm:4".format(_op),
      "dp_reg", fields={"rn": _reg_or_pc, "rm": _reg_or_pc})
    t("%s_rrr" % _mn, "cond:4 000 {:04b} 1 rn:4 0000 rs:4 0 sh:2 1 rm:4".format(_op),
      "dp_regsh")
for _mn, _op in (("MOV", 13), ("MVN", 15)):
    t("%s_ri" % _mn, "cond:4 001 {:04b} s:1 0000 rd:4 imm12:12".format(_op), "dp_imm")
    t("%s_rri" % _mn, "cond:4 000 {:04b} s:1 0000 rd:4 imm5:5 sh:2 0 rm:4".format(_op),
      "dp_reg", fields={"rm": _reg_or_pc},
      mnemonic=("MOV", "LSL", "LSR", "ASR", "ROR", "RRX") if _mn == "MOV" else None)
    t("%s_rrr" % _mn, "cond:4 000 {:04b} s:1 0000 rd:4 rs:4 0 sh:2 1 rm:4".format(_op),
      "dp_regsh",
      mnemonic=("MOV", "LSL", "LSR", "ASR", "ROR") if _mn == "MOV" else None)
# ADR is ADD/SUB (immediate) with Rn = PC: the result depends on the stream address.
t("ADR_ri", "cond:4 0010 1000 1111 rd:4 imm12:12", "dp_imm", mnemonic=("ADD", "ADR"))
t("ADR_ri_sub", "cond:4 0010 0100 1111 rd:4 imm12:12", "dp_imm", mnemonic=("SUB", "ADR"))
t("MOVW_ri", "cond:4 0011 0000 imm4:4 rd:4 imm12:12", "movw", mnemonic=("MOVW", "MOV"))
t("MOVT_ri", "cond:4 0011 0100 imm4:4 rd:4 imm12:12", "movw")

# --- multiplies (A5.2.5, A5.2.7, A5.4.4) -------------------------------------------
t("MUL_rrr", "cond:4 0000 000 s:1 rd:4 0000 rm:4 1001 rn:4", "mul")
t("MLA_rrrr", "cond:4 0000 001 s:1 rd:4 ra:4 rm:4 1001 rn:4", "mul")
t("MLS_rrrr", "cond:4 0000 0110 rd:4 ra:4 rm:4 1001 rn:4", "mul")
for _mn, _bits in (("UMAAL", "0100"), ("UMULL", "100 s:1"), ("UMLAL", "101 s:1"),
                   ("SMULL", "110 s:1"), ("SMLAL", "111 s:1")):
    t("%s_rrrr" % _mn, "cond:4 0000 %s rdhi:4 rdlo:4 rm:4 1001 rn:4" % _bits, "mul_long",
      dst=("rdlo", "rdhi"), check=_distinct("rdlo", "rdhi"))
t("SMLAxy_rrrr", "cond:4 0001 0000 rd:4 ra:4 rm:4 1 m:1 n:1 0 rn:4", "mul_dsp",
  mnemonic=("SMLABB", "SMLABT", "SMLATB", "SMLATT"))
t("SMLAWy_rrrr", "cond:4 0001 0010 rd:4 ra:4 rm:4 1 m:1 0 0 rn:4", "mul_dsp",
  mnemonic=("SMLAWB", "SMLAWT"))
t("SMULWy_rrr", "cond:4 0001 0010 rd:4 0000 rm:4 1 m:1 1 0 rn:4", "mul_dsp",
  mnemonic=("SMULWB", "SMULWT"))
t("SMLALxy_rrrr", "cond:4 0001 0100 rdhi:4 rdlo:4 rm:4 1 m:1 n:1 0 rn:4", "mul_dsp",
  dst=("rdlo", "rdhi"), check=_distinct("rdlo", "rdhi"),
  mnemonic=("SMLALBB", "SMLALBT", "SMLALTB", "SMLALTT"))
t("SMULxy_rrr", "cond:4 0001 0110 rd:4 0000 rm:4 1 m:1 n:1 0 rn:4", "mul_dsp",
  mnemonic=("SMULBB", "SMULBT", "SMULTB", "SMULTT"))
for _mn, _op1, _op2 in (("SMLAD", "000", "00"), ("SMLSD", "000", "01"),
                        ("SMMLA", "101", "00"), ("SMMLS", "101", "11")):
    # Ra = 1111 is the non-accumulating SMUAD/SMUSD/SMMUL; SMMLS has no such form.
    t("%s_rrrr" % _mn, "cond:4 0111 0%s rd:4 ra:4 rm:4 %s x:1 1 rn:4" % (_op1, _op2),
      "mul_dsp", mnemonic=(_mn, _mn + "X", _mn + "R"))
for _mn, _op1, _op2 in (("SMUAD", "000", "00"), ("SMUSD", "000", "01"),
                        ("SMMUL", "101", "00")):
    t("%s_rrr" % _mn, "cond:4 0111 0%s rd:4 1111 rm:4 %s x:1 1 rn:4" % (_op1, _op2),
      "mul_dsp", mnemonic=(_mn, _mn + "X", _mn + "R"))
for _mn, _op2 in (("SMLALD", "00"), ("SMLSLD", "01")):
    t("%s_rrrr" % _mn, "cond:4 0111 0100 rdhi:4 rdlo:4 rm:4 %s x:1 1 rn:4" % _op2,
      "mul_dsp", dst=("rdlo", "rdhi"), check=_distinct("rdlo", "rdhi"),
      mnemonic=(_mn, _mn + "X"))
t("SDIV_rrr", "cond:4 0111 0001 rd:4 1111 rm:4 0001 rn:4", "div", plan=P.DivOperands())
t("UDIV_rrr", "cond:4 0111 0011 rd:4 1111 rm:4 0001 rn:4", "div", plan=P.DivOperands())

# --- saturation (A5.2.6, A5.4.3) -----------------------------------------------------
for _mn, _op in (("QADD", "00"), ("QSUB", "01"), ("QDADD", "10"), ("QDSUB", "11")):
    t("%s_rrr" % _mn, "cond:4 0001 0%s0 rn:4 rd:4 0000 0101 rm:4" % _op, "sat")
t("SSAT_rri", "cond:4 0110 101 sat:5 rd:4 imm5:5 sh:1 01 rn:4", "sat")
t("USAT_rri", "cond:4 0110 111 sat:5 rd:4 imm5:5 sh:1 01 rn:4", "sat")
t("SSAT16_rri", "cond:4 0110 1010 sat:4 rd:4 1111 0011 rn:4", "sat")
t("USAT16_rri", "cond:4 0110 1110 sat:4 rd:4 1111 0011 rn:4", "sat")

# --- parallel add/subtract (A5.4.1, A5.4.2) -------------------------------------------
PAR_PREFIX = (("S", 0, 1), ("Q", 0, 2), ("SH", 0, 3), ("U", 1, 1), ("UQ", 1, 2), ("UH", 1, 3))
PAR_OPS = (("ADD16", 0), ("ASX", 1), ("SAX", 2), ("SUB16", 3), ("ADD8", 4), ("SUB8", 7))
for _pre, _u, _op1 in PAR_PREFIX:
    for _op, _op2 in PAR_OPS:
        t("%s%s_rrr" % (_pre, _op),
          "cond:4 0110 0{}{:02b} rn:4 rd:4 1111 {:03b}1 rm:4".format(_u, _op1, _op2),
          "parallel")
t("SEL_rrr", "cond:4 0110 1000 rn:4 rd:4 1111 1011 rm:4", "parallel")

# --- pack, extend (A5.4.3) ---------------------------------------------------------------
t("PKHBT_rrri", "cond:4 0110 1000 rn:4 rd:4 imm5:5 0 01 rm:4", "pack")
t("PKHTB_rrri", "cond:4 0110 1000 rn:4 rd:4 imm5:5 1 01 rm:4", "pack")
for _mn, _op in (("SXTB16", "000"), ("SXTB", "010"), ("SXTH", "011"),
                 ("UXTB16", "100"), ("UXTB", "110"), ("UXTH", "111")):
    t("%s_rri" % _mn, "cond:4 0110 1%s 1111 rd:4 rot:2 00 0111 rm:4" % _op, "extend")
    _acc = _mn[:3] + "A" + _mn[3:]
    t("%s_rrri" % _acc, "cond:4 0110 1%s rn:4 rd:4 rot:2 00 0111 rm:4" % _op, "extend",
      fields={"rn": lambda ctx: ctx.reg4()})

# --- bit and byte manipulation ------------------------------------------------------------
t("REV_rr", "cond:4 0110 1011 1111 rd:4 1111 0011 rm:4", "bits")
t("REV16_rr", "cond:4 0110 1011 1111 rd:4 1111 1011 rm:4", "bits")
t("RBIT_rr", "cond:4 0110 1111 1111 rd:4 1111 0011 rm:4", "bits")
t("REVSH_rr", "cond:4 0110 1111 1111 rd:4 1111 1011 rm:4", "bits")
t("CLZ_rr", "cond:4 0001 0110 1111 rd:4 1111 0001 rm:4", "bits")
t("BFC_rii", "cond:4 0111 110 msb:5 rd:4 lsb:5 001 1111", "bitfield",
  check=lambda f: f["msb"] >= f["lsb"])
t("BFI_rrii", "cond:4 0111 110 msb:5 rd:4 lsb:5 001 rn:4", "bitfield",
  check=lambda f: f["msb"] >= f["lsb"])
t("SBFX_rrii", "cond:4 0111 101 wm1:5 rd:4 lsb:5 101 rn:4", "bitfield",
  check=lambda f: f["lsb"] + f["wm1"] <= 31)
t("UBFX_rrii", "cond:4 0111 111 wm1:5 rd:4 lsb:5 101 rn:4", "bitfield",
  check=lambda f: f["lsb"] + f["wm1"] <= 31)
t("USAD8_rrr", "cond:4 0111 1000 rd:4 1111 rm:4 0001 rn:4", "bits")
t("USADA8_rrrr", "cond:4 0111 1000 rd:4 ra:4 rm:4 0001 rn:4", "bits")

# --- status register access (A5.2.11, A5.2.12): MSR APSR_{nzcvq,g,nzcvqg} ----------------
t("MSR_ri", "cond:4 0011 0010 mask:2 00 1111 imm12:12", "status", fields={"mask": (1, 2, 3)},
  dst=())
t("MSR_rr", "cond:4 0001 0010 mask:2 00 1111 0000 0000 rn:4", "status",
  fields={"mask": (1, 2, 3)}, dst=())
t("MRS_r", "cond:4 0001 0000 1111 rd:4 0000 0000 0000", "status")


# --- loads and stores (A5.3) ---------------------------------------------------------------
def _set_imm12(f, v):
    f["imm12"] = v


def _set_imm8_split(f, v):
    f["imm4h"], f["imm4l"] = v >> 4, v & 15


MODES = (("", 1, 0, "off"), ("_pre", 1, 1, "pre"), ("_post", 0, 0, "post"))
for _mn, _b, _l in (("STR", 0, 0), ("LDR", 0, 1), ("STRB", 1, 0), ("LDRB", 1, 1)):
    _size = 1 if _b else 4
    for _sfx, _p, _w, _mode in MODES + (("T", 0, 1, "postT"),):
        _name = _mn + "T" if _mode == "postT" else _mn
        _dst = ("rt",) if _l else ()
        t("%s_ri%s" % (_name, _sfx if _mode != "postT" else ""),
          "cond:4 010 {} u:1 {} {} {} rn:4 rt:4 imm12:12".format(_p, _b, _w, _l), "mem",
          plan=P.Mem(_size, _l, _mode, imm=(4095, 1, _set_imm12)), dst=_dst)
        t("%s_rr%s" % (_name, _sfx if _mode != "postT" else ""),
          "cond:4 011 {} u:1 {} {} {} rn:4 rt:4 imm5:5 sh:2 0 rm:4".format(_p, _b, _w, _l),
          "mem", plan=P.Mem(_size, _l, _mode, reg="a32"), dst=_dst)
_EVEN = tuple(range(0, 13, 2))
for _mn, _l, _op2, _size in (("STRH", 0, 1, 2), ("LDRH", 1, 1, 2), ("LDRSB", 1, 2, 1),
                              ("LDRSH", 1, 3, 2), ("LDRD", 0, 2, 8), ("STRD", 0, 3, 8)):
    _pair = _size == 8
    _load = _l or _mn == "LDRD"
    _klass = "mem_pair" if _pair else "mem"
    _modes = MODES if _pair else MODES + (("T", 0, 1, "postT"),)
    _fields = {"rt": _EVEN} if _pair else {}
    for _sfx, _p, _w, _mode in _modes:
        _name = _mn + "T" if _mode == "postT" else _mn
        _s = _sfx if _mode != "postT" else ""
        t("%s_ri%s" % (_name, _s),
          "cond:4 000 {} u:1 1 {} {} rn:4 rt:4 imm4h:4 1 {:02b} 1 imm4l:4".format(_p, _w, _l, _op2),
          _klass, fields=_fields, dst=(),
          plan=P.Mem(_size, _load, _mode, imm=(255, 1, _set_imm8_split), pair_implicit=_pair))
        t("%s_rr%s" % (_name, _s),
          "cond:4 000 {} u:1 0 {} {} rn:4 rt:4 0000 1 {:02b} 1 rm:4".format(_p, _w, _l, _op2),
          _klass, fields=_fields, dst=(),
          plan=P.Mem(_size, _load, _mode, reg="plain", pair_implicit=_pair))


def _lit_fixup(insn, lay):
    """LDR (literal): read a word of this test's own code image."""
    base = insn.addr + 8
    lo = max(lay.code_addr, base - 4095)
    hi = min(lay.exit_addr - 4, base + 4095)
    target = lay.rng.randrange((lo + 3) // 4, hi // 4 + 1) * 4
    off = target - base
    insn.f["u"] = 1 if off >= 0 else 0
    insn.f["imm12"] = abs(off)


t("LDR_lit", "cond:4 0101 u:1 001 1111 rt:4 imm12:12", "mem", fixup=_lit_fixup, dst=("rt",),
  mnemonic=("LDR",))

_LIST = tuple(range(15))
for _mode, _p, _u in (("DA", 0, 0), ("IA", 0, 1), ("DB", 1, 0), ("IB", 1, 1)):
    t("STM%s_r" % _mode, "cond:4 100 {} {} 0 w:1 0 rn:4 list:16".format(_p, _u), "multi",
      plan=P.Multi(False, _mode, _LIST), dst=(),
      mnemonic=("STM" + _mode, "STM", "PUSH", "STMFD", "STMFA", "STMED", "STMEA"))
    t("LDM%s_r" % _mode, "cond:4 100 {} {} 0 w:1 1 rn:4 list:16".format(_p, _u), "multi",
      plan=P.Multi(True, _mode, _LIST), dst=(),
      mnemonic=("LDM" + _mode, "LDM", "POP", "LDMFD", "LDMFA", "LDMED", "LDMEA"))
_NOSP = tuple(r for r in range(15) if r != 13)
t("PUSH_l", "cond:4 1001 0010 1101 list:16", "multi", dst=(),
  plan=P.Multi(False, "DB", _NOSP, base=13, wback=True), mnemonic=("PUSH", "STMDB", "STMFD", "STR"))
t("POP_l", "cond:4 1000 1011 1101 list:16", "multi", dst=(),
  plan=P.Multi(True, "IA", _NOSP, base=13, wback=True), mnemonic=("POP", "LDM", "LDMFD", "LDMIA", "LDR"))


# Loads to the PC are branches (LoadWritePC interworks on bit 0 of the word).
def _list15(f, regs):
    f["list"] = sum(1 << r for r in regs)


t("LDR_pc_ri", "cond:4 010 1 u:1 0 0 1 rn:4 1111 imm12:12", "branch", dst=(),
  plan=P.PcLoad(imm=(4095, 1, _set_imm12)), mnemonic=("LDR",))
t("POP_pc_l", "cond:4 1000 1011 1101 1 list:15", "branch", dst=(),
  plan=P.PcLoad(regs=_NOSP, setter=_list15, base=13, wback=True),
  mnemonic=("POP", "LDM", "LDMFD", "LDMIA", "LDR"))
t("LDMIA_pc_r", "cond:4 1000 1 0 0 1 rn:4 1 list:15", "branch", dst=(),
  plan=P.PcLoad(regs=tuple(range(15)), setter=_list15), mnemonic=("LDM", "LDMIA", "LDMFD", "POP"))


# --- branches (A5.7, A8.8.18, A8.8.25-27) ----------------------------------------------------
def _set_imm24(f, off):
    f["imm24"] = (off >> 2) & 0xFFFFFF


def _set_blx(f, off):
    f["imm24"] = (off >> 2) & 0xFFFFFF
    f["h"] = (off >> 1) & 1


_B_RANGE = (-(1 << 25), (1 << 25) - 4)
t("B_i", "cond:4 1010 imm24:24", "branch", dst=(),
  branch=BranchSpec(8, _B_RANGE[0], _B_RANGE[1], 4, _set_imm24))
t("BL_i", "cond:4 1011 imm24:24", "branch", dst=(), writes={14},
  branch=BranchSpec(8, _B_RANGE[0], _B_RANGE[1], 4, _set_imm24))
t("BLX_i", "1111 101 h:1 imm24:24", "branch", dst=(), writes={14},
  branch=BranchSpec(8, _B_RANGE[0], _B_RANGE[1], 2, _set_blx, state="other"))
t("BX_r", "cond:4 0001 0010 1111 1111 1111 0001 rm:4", "branch", dst=(),
  plan=P.RegBranch(False))
t("BLX_r", "cond:4 0001 0010 1111 1111 1111 0011 rm:4", "branch", dst=(),
  plan=P.RegBranch(True))

BY_NAME = {tm.name: tm for tm in TEMPLATES}


def mov16(reg, value, top):
    """The MOVW (top=False) / MOVT (top=True) fields for a set-up instruction."""
    return BY_NAME["MOVT_ri" if top else "MOVW_ri"], {
        "cond": 14, "rd": reg, "imm4": value >> 12, "imm12": value & 0xFFF}
