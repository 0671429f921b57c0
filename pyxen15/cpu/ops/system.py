"""System instructions: status registers, exceptions, hints, barriers and the
coprocessor interface (A5.2.11, A5.2.12, A5.6, A5.7, A6.2.5, A6.3.4, A6.3.18;
B9.3 for the system-level forms).

* PSR access: MRS, MSR (immediate, register), the banked forms (B9.2.3),
  CPS and SETEND.  CPSR writes go through CPSRWriteByInstr()
  (exceptions.py), and any write of the E, A, I, F or M fields ends the
  block, so the engine sees the new state and takes what it unmasked.
* Exception generation and return: SVC, BKPT, UDF, HVC, SMC, ERET and
  SUBS PC, LR (T32), RFE, SRS.
* Hints (NOP, YIELD, WFE, WFI, SEV, DBG), memory hints (PLD, PLDW, PLI:
  nothing to do), barriers (DMB, DSB, ISB; ISB ends the block).
* MCR/MRC/MCRR/MRRC to CP14 and CP15 go to the system register table
  (sysregs.py), which does the access checks and HYP traps at run time; the
  register itself is found at translation time.  CDP and LDC/STC to them,
  the unconditional "2" forms and coprocessors 0-9, 12, 13 are UNDEFINED.
  CP10/CP11 are the VFP family's (vfp.py).

Handlers that may take an exception at run time from inside a helper call
go through :func:`_guarded`, which makes ITSTATE architectural for the
exception and restores the block's view of it afterwards.
"""

from typing import Dict, Optional

from . import Op, op
from .operands import arm_expand_imm_c
from .. import sysregs
from ..state import MODE_HYP, MODE_NAMES, MODE_SYS, MODE_USR
from ..syndrome import EC_LDC_STC_CP14

HANDLERS: Dict[str, Op] = {}

# Cycle classes.  Estimates, not published per-instruction figures: the
# KVM/ARM paper measures a 27-cycle trap round trip on the A15 (entry,
# a few handler instructions, ERET), so entry and return cost ~12 each;
# the serializing system instructions a few cycles; ISB a partial refill.
EXCEPTION_CYCLES = 12       # taking an exception, or returning from one
SERIALIZING_CYCLES = 4      # MSR to control fields, CPS, SETEND, MCR, DSB
ISB_CYCLES = 8              # an ISB refills the pipeline
MRC_CYCLES = 2

PSR_READ_MASK = 0xF8FF03DF  # MRS reads CPSR with the execution state bits (J, IT, T) as zero
USER_OR_SYSTEM = "c.mode in (0x%x, 0x%x)" % (MODE_USR, MODE_SYS)

# -- encodings -----------------------------------------------------------------------------
# Should-be-one/zero bits are written "-" (decodetree.py).  The coprocessor
# rows are one template for every instruction set: {p} is the condition
# field (A32), 1110 (T32).

_COPROC = """
MCR_cp14     {p} 1110 OOO0 NNNN tttt 1110 YYY1 MMMM
MRC_cp14     {p} 1110 OOO1 NNNN tttt 1110 YYY1 MMMM
MCR_cp15     {p} 1110 OOO0 NNNN tttt 1111 YYY1 MMMM
MRC_cp15     {p} 1110 OOO1 NNNN tttt 1111 YYY1 MMMM
MCRR_cp14    {p} 1100 0100 TTTT tttt 1110 OOOO MMMM
MRRC_cp14    {p} 1100 0101 TTTT tttt 1110 OOOO MMMM
MCRR_cp15    {p} 1100 0100 TTTT tttt 1111 OOOO MMMM
MRRC_cp15    {p} 1100 0101 TTTT tttt 1111 OOOO MMMM
CDP_cp1x     {p} 1110 ---- ---- ---- 111- ---0 ----
LDC_STC_cp14 {p} 110- ---- ---- ---- 1110 ---- ----
LDC_STC_cp15 {p} 110- ---- ---- ---- 1111 ---- ----
"""

A32 = _COPROC.format(p="cccc") + """
MRS          cccc 0001 0Z00 ---- dddd --0- 0000 ----
MRS_banked   cccc 0001 0Z00 IIII dddd --1A 0000 ----
MSR_reg      cccc 0001 0Z10 FFFF ---- --0- 0000 nnnn
MSR_banked   cccc 0001 0Z10 IIII ---- --1A 0000 nnnn
MSR_imm      cccc 0011 0Z10 FFFF ---- rrrr iiii iiii
HINT         cccc 0011 0010 0000 ---- ---- iiii iiii
ERET         cccc 0001 0110 ---- ---- ---- 0110 1110
BKPT         cccc 0001 0010 iiii iiii iiii 0111 iiii
HVC          cccc 0001 0100 iiii iiii iiii 0111 iiii
SMC          cccc 0001 0110 ---- ---- ---- 0111 iiii
UDF          cccc 0111 1111 iiii iiii iiii 1111 iiii
SVC          cccc 1111 iiii iiii iiii iiii iiii iiii
"""

A32U = """
CPS          1111 0001 0000 XXD0 ---- ---S SS0V VVVV
SETEND       1111 0001 0000 0001 ---- --E- 0000 ----
RFE          1111 100P U0w1 nnnn ---- ---- ---- ----
SRS          1111 100P U1w0 ---- ---- ---- ---V VVVV
PLI_imm      1111 0100 -101 ---- ---- ---- ---- ----
PLD_imm      1111 0101 -101 ---- ---- ---- ---- ----
PLDW_imm     1111 0101 -001 ---- ---- ---- ---- ----
PLI_reg      1111 0110 -101 ---- ---- ---- ---0 ----
PLD_reg      1111 0111 -101 ---- ---- ---- ---0 ----
PLDW_reg     1111 0111 -001 ---- ---- ---- ---0 ----
DSB          1111 0101 0111 ---- ---- ---- 0100 iiii
DMB          1111 0101 0111 ---- ---- ---- 0101 iiii
ISB          1111 0101 0111 ---- ---- ---- 0110 iiii
"""

# The T32 memory hints are loads of a byte or halfword into the PC; they nest
# inside the loadstore family's single-register patterns (one per form).
T32 = _COPROC.format(p="1110") + """
T32_MSR_reg    1111 0011 100Z nnnn 10-0 FFFF --0- ----
T32_MSR_banked 1111 0011 100Z nnnn 10-0 IIII --1A ----
T32_MRS        1111 0011 111Z ---- 10-0 dddd --0- ----
T32_MRS_banked 1111 0011 111Z IIII 10-0 dddd --1A ----
T32_CPS        1111 0011 1010 ---- 10-0 -XXD SSSV VVVV
T32_HINT       1111 0011 1010 ---- 10-0 -000 iiii iiii
T32_DSB        1111 0011 1011 ---- 10-0 ---- 0100 iiii
T32_DMB        1111 0011 1011 ---- 10-0 ---- 0101 iiii
T32_ISB        1111 0011 1011 ---- 10-0 ---- 0110 iiii
T32_SUBS_PC_LR 1111 0011 1101 ---- 10-0 ---- iiii iiii
T32_SMC        1111 0111 1111 iiii 1000 ---- ---- ----
T32_HVC        1111 0111 1110 iiii 1000 iiii iiii iiii
T32_UDF        1111 0111 1111 iiii 1010 iiii iiii iiii
T32_RFE_DB     1110 1000 00w1 nnnn ---- ---- ---- ----
T32_RFE_IA     1110 1001 10w1 nnnn ---- ---- ---- ----
T32_SRS_DB     1110 1000 00w0 ---- ---- ---- ---V VVVV
T32_SRS_IA     1110 1001 10w0 ---- ---- ---- ---V VVVV
T32_PLD_i12    1111 1000 1001 ---- 1111 ---- ---- ----
T32_PLD_i8     1111 1000 0001 ---- 1111 1100 ---- ----
T32_PLD_r      1111 1000 0001 ---- 1111 0000 00-- ----
T32_PLDW_i12   1111 1000 1011 ---- 1111 ---- ---- ----
T32_PLDW_i8    1111 1000 0011 ---- 1111 1100 ---- ----
T32_PLDW_r     1111 1000 0011 ---- 1111 0000 00-- ----
T32_PLI_i12    1111 1001 1001 ---- 1111 ---- ---- ----
T32_PLI_i8     1111 1001 0001 ---- 1111 1100 ---- ----
T32_PLI_r      1111 1001 0001 ---- 1111 0000 00-- ----
"""

T16 = """
T16_SVC      1101 1111 iiii iiii
T16_UDF      1101 1110 iiii iiii
T16_BKPT     1011 1110 iiii iiii
T16_CPS      1011 0110 011X -SSS
T16_SETEND   1011 0110 0101 E---
T16_HINT     1011 1111 iiii 0000
"""

TABLES = {"A32": A32, "A32U": A32U, "T32": T32, "T16": T16}

# Field letters, chosen clear of the other families' (decode.py checks):
# coprocessor O opc1, N CRn, M CRm, Y opc2, T Rt2; PSR access Z (the R
# bit: SPSR), F mask, I:A the banked register's M1:M; CPS X imod, D M (change mode), S A:I:F, V mode; w the
# writeback bit of RFE/SRS.
_COPROC_FIELDS = {"O": "opc1", "N": "CRn", "M": "CRm", "Y": "opc2", "T": "rt2"}
_PSR_FIELDS = {"Z": "R", "F": "mask", "I": "M1", "A": "M"}
_CPS_FIELDS = {"X": "imod", "D": "mmod", "S": "aif", "V": "mode", "w": "W"}
FIELDS = {
    "A32": dict(_COPROC_FIELDS, **_PSR_FIELDS),
    "A32U": dict(_CPS_FIELDS, E="E", P="P", U="U"),
    "T32": dict(_COPROC_FIELDS, **_PSR_FIELDS, **_CPS_FIELDS),
    "T16": {"X": "im", "S": "aif", "E": "E"},
}


# -- emission helpers -----------------------------------------------------------------------

def _guarded(e, call: str, test: str) -> None:
    """Emit ``v = <call>`` for a run-time helper that may itself take an
    exception, and leave the block through ``v`` (the vector) when `test`
    holds.  CPSR.IT must be this instruction's ITSTATE while the helper
    runs (exception entry saves it); on the way on, the block's own view
    (its entry ITSTATE) is restored."""
    synced = e.itstate != e.entry_itstate
    if synced:
        e.line("c.IT = %d" % e.itstate)
    e.line("v = %s" % call)
    e.line("if %s:" % test)
    e.indent(1)
    e.leave("~v" if test == "v < 0" else "v")
    e.indent(-1)
    if synced:
        e.line("c.IT = %d" % e.entry_itstate)


def _undefined_if(e, test: str) -> None:
    """UNDEFINED when `test` holds at run time (a mode check); else go on."""
    e.line("if %s:" % test)
    e.indent(1)
    e.undefined()
    e.indent(-1)


def _iss_cond(e) -> int:
    """HSR.ISS<24:20> for a trapped conditional instruction: CV = 1 and the
    condition, which an implementation may give as AL for Thumb outside an
    IT block and for unconditional A32 (B3.13.6).  Traps are taken only
    when the condition passes."""
    cond = e.cond if e.cond < 0xE else 0xE
    return (1 << 24) | (cond << 20)


# -- PSR access (A8.8.109-A8.8.112, B9.3.8-B9.3.12) --------------------------------------------

@op(HANDLERS, "MRS", "T32_MRS")
def mrs(e, f):
    """MRS Rd, CPSR/SPSR.  The CPSR reads with J, IT and T as zero; the SPSR
    read is UNPREDICTABLE (UNDEFINED here) in User and System mode."""
    d = f["rd"]
    if d == 15:
        e.undefined()
        return
    if f["R"]:
        _undefined_if(e, USER_OR_SYSTEM)
        e.wr(d, "c.spsr")
    else:
        e.wr(d, "c.get_cpsr() & 0x%x" % PSR_READ_MASK)


def _msr(e, spsr: bool, mask: int, value: str) -> None:
    """The execute step of every MSR: `value` is an expression to write.

    To the CPSR, a mask of only f and s (APSR_nzcvq, APSR_g) writes flags
    and needs nothing more; any of c and x goes through CPSRWriteByInstr()
    and ends the block."""
    if mask == 0:
        return                               # UNPREDICTABLE; nothing is written
    if spsr:
        _undefined_if(e, USER_OR_SYSTEM)
        e.line("c.spsr_write_by_instr(%s, %d)" % (value, mask))
        return
    if mask & 3:
        e.line("c.cpsr_write_by_instr(%s, %d, False)" % (value, mask))
        e.cycles_extra(SERIALIZING_CYCLES - 1)
        e.end_block()
        return
    e.line("v = %s" % value)
    if mask & 8:
        e.line("c.set_flags(v)")
    if mask & 4:
        e.line("c.GE = (v >> 16) & 0xf")


@op(HANDLERS, "MSR_reg", "T32_MSR_reg")
def msr_reg(e, f):
    if f["rn"] == 15:
        e.undefined()
        return
    _msr(e, bool(f["R"]), f["mask"], e.rd(f["rn"]))


@op(HANDLERS, "MSR_imm")
def msr_imm(e, f):
    value, _carry = arm_expand_imm_c(f["rot"] << 8 | f["imm"])
    _msr(e, bool(f["R"]), f["mask"], "0x%x" % value)


# Banked registers (B9.2.3, Table B9-2): SYSm = R:M:M1 names a register of
# another mode.  Monitor's registers do not exist here, and SP_hyp is
# accessible only from Monitor mode: UNDEFINED.
_BANKED = {}
for _i, _reg in enumerate(["r8_usr", "r9_usr", "r10_usr", "r11_usr", "r12_usr", "sp_usr", "lr_usr", None,
                           "r8_fiq", "r9_fiq", "r10_fiq", "r11_fiq", "r12_fiq", "sp_fiq", "lr_fiq", None,
                           "lr_irq", "sp_irq", "lr_svc", "sp_svc", "lr_abt", "sp_abt", "lr_und", "sp_und",
                           None, None, None, None, None, None, "elr_hyp", None]):
    _BANKED[_i] = _reg
for _i, _reg in {0x0E: "spsr_fiq", 0x10: "spsr_irq", 0x12: "spsr_svc", 0x14: "spsr_abt",
                 0x16: "spsr_und", 0x1E: "spsr_hyp"}.items():
    _BANKED[0x20 | _i] = _reg
_MODE_BY_NAME = {name: mode for mode, name in MODE_NAMES.items()}


def banked_register_access_valid(c, name: str) -> bool:
    """BankedRegisterAccessValid() / SPSRAccessValid() (B9.2.3): may the
    current mode name this register?  UNPREDICTABLE cases are UNDEFINED,
    as on QEMU; a mode may not name its own registers, except that HYP
    mode may use ELR_hyp and SPSR_hyp (real code does, and the A15 allows it)."""
    mode = c.mode
    if mode == MODE_USR:
        return False
    base, _, owner = name.partition("_")
    if owner == "hyp":
        return mode == MODE_HYP
    if _MODE_BY_NAME[owner] == mode:
        return False
    if owner == "usr":
        if base in ("sp", "lr"):
            # SP_usr is System mode's own SP; LR_usr is also HYP's LR.
            return mode != MODE_SYS and (base == "sp" or mode != MODE_HYP)
        return mode == 0x11                # R8_usr-R12_usr only from FIQ mode
    return True


def system_mrs_banked(c, name: str, pc: int) -> int:
    """MRS Rd, <banked_reg>: the value, or ~vector if UNDEFINED."""
    if not banked_register_access_valid(c, name):
        return ~c.take_undef(pc)
    return c.reg(name)


def system_msr_banked(c, name: str, pc: int, value: int) -> Optional[int]:
    """MSR <banked_reg>, Rn: None, or the vector if UNDEFINED."""
    if not banked_register_access_valid(c, name):
        return c.take_undef(pc)
    c.set_reg(name, value)
    return None


def _banked_name(f) -> Optional[str]:
    return _BANKED.get(f["R"] << 5 | f["M"] << 4 | f["M1"])


@op(HANDLERS, "MRS_banked", "T32_MRS_banked")
def mrs_banked(e, f):
    name = _banked_name(f)
    if name is None or f["rd"] == 15:
        e.undefined()
        return
    _guarded(e, "system_mrs_banked(c, %r, 0x%x)" % (name, e.pc), "v < 0")
    e.wr(f["rd"], "v")


@op(HANDLERS, "MSR_banked", "T32_MSR_banked")
def msr_banked(e, f):
    name = _banked_name(f)
    if name is None or f["rn"] == 15:
        e.undefined()
        return
    _guarded(e, "system_msr_banked(c, %r, 0x%x, %s)" % (name, e.pc, e.rd(f["rn"])), "v is not None")


# -- CPS, SETEND (B9.3.2, A8.8.157) -------------------------------------------------------------

def system_cps(c, clear: int, set_bits: int, mode: int) -> None:
    """CPS: in a privileged mode, CPSRWriteByInstr(CPSR with A/I/F and
    perhaps M changed, '1111', FALSE); in User mode a NOP."""
    if c.mode == MODE_USR:
        return
    value = (c.get_cpsr() & ~clear) | set_bits
    if mode >= 0:
        value = (value & ~0x1F) | mode
    c.cpsr_write_by_instr(value, 0xF, False)


def _cps(e, imod: int, aif: int, mode: Optional[int]) -> None:
    """imod 0b10 enables (clears) and 0b11 disables (sets) the A, I, F masks
    selected by `aif`; `mode`, if not None, is the new mode."""
    bits = aif << 6
    clear = bits if imod == 0b10 else 0
    set_bits = bits if imod == 0b11 else 0
    e.line("system_cps(c, 0x%x, 0x%x, %d)" % (clear, set_bits, -1 if mode is None else mode))
    e.end_block()


@op(HANDLERS, "CPS", "T32_CPS", cycles=SERIALIZING_CYCLES)
def cps(e, f):
    # imod = 01 is UNPREDICTABLE: it changes nothing but the mode here.
    _cps(e, f["imod"], f["aif"], f["mode"] if f["mmod"] else None)


@op(HANDLERS, "T16_CPS", cycles=SERIALIZING_CYCLES)
def cps_t16(e, f):
    _cps(e, 0b11 if f["im"] else 0b10, f["aif"], None)


@op(HANDLERS, "SETEND", "T16_SETEND", cycles=SERIALIZING_CYCLES)
def setend(e, f):
    """SETEND BE/LE: CPSR.E, at any privilege level."""
    e.line("c.set_endianness(%d)" % f["E"])
    e.end_block()


# -- exception generation (A8.8.24 BKPT, A8.8.228 SVC, A8.8.247 UDF, B9.3.4 HVC, B9.3.14 SMC) ---

@op(HANDLERS, "SVC", "T16_SVC", cycles=EXCEPTION_CYCLES)
def svc(e, f):
    e.exception("c.take_svc(0x%x, 0x%x, %d)" % (e.pc, f["imm"], e.size), advance_it=True)


@op(HANDLERS, "BKPT", "T16_BKPT", cycles=EXCEPTION_CYCLES)
def bkpt(e, f):
    """BKPT is unconditional, even inside an IT block."""
    e.cond = 0xE
    e.exception("c.take_bkpt(0x%x)" % e.pc)


@op(HANDLERS, "UDF", "T16_UDF", "T32_UDF", cycles=EXCEPTION_CYCLES)
def udf(e, f):
    """UDF, and in A32 the rest of the permanently UNDEFINED space (any
    condition: the encoding is undefined before any condition check)."""
    if e.isa == "A32":
        e.cond = 0xE
    e.undefined()


@op(HANDLERS, "HVC", "T32_HVC", cycles=EXCEPTION_CYCLES)
def hvc(e, f):
    """HVC #imm16: UNDEFINED in User mode; otherwise to HYP (there is no
    SCR.HCE to disable it)."""
    _undefined_if(e, "c.mode == 0x%x" % MODE_USR)
    e.exception("c.take_hvc(0x%x, 0x%x)" % (e.pc, f["imm"]), advance_it=True)


@op(HANDLERS, "SMC", "T32_SMC", cycles=EXCEPTION_CYCLES)
def smc(e, f):
    e.exception("c.take_smc(0x%x)" % e.pc)


# -- exception return (B9.3.3 ERET, B9.3.13 RFE, B9.3.16 SRS, B9.3.20 SUBS PC, LR) ------------

@op(HANDLERS, "ERET", cycles=EXCEPTION_CYCLES)
def eret(e, f):
    e.exit_to("c.eret(0x%x)" % e.pc)


@op(HANDLERS, "T32_SUBS_PC_LR", cycles=EXCEPTION_CYCLES)
def subs_pc_lr_t32(e, f):
    """SUBS PC, LR, #imm8; with v7VE the #0 form is ERET, which in HYP mode
    returns to ELR_hyp.  Any other immediate is UNDEFINED in HYP mode."""
    if f["imm"] == 0:
        e.exit_to("c.eret(0x%x)" % e.pc)
    else:
        e.exit_to("c.alu_exception_return((R[14] - %d) & 0xffffffff, 0x%x)" % (f["imm"], e.pc))


def _srs_rfe_offsets(increment: bool, before: bool):
    """The address of the first of the two words relative to the base
    (IA 0, IB +4, DA -4, DB -8), and the written-back base's offset."""
    start = (4 if before else 0) if increment else (-8 if before else -4)
    return start, (8 if increment else -8)


def system_srs_base(c, mode: int, pc: int) -> int:
    """SRS checks (B9.3.16): UNDEFINED in HYP mode; UNPREDICTABLE (UNDEFINED
    here) in User and System mode.  Returns SP_<mode>, or ~vector."""
    if c.mode in (MODE_HYP, MODE_USR, MODE_SYS):
        return ~c.take_undef(pc)
    return c.reg("sp_" + MODE_NAMES[mode])


def _srs(e, mode: int, increment: bool, before: bool, wback: bool) -> None:
    """SRS{DA,DB,IA,IB} SP{!}, #mode: store LR and SPSR of the current mode
    on the stack of `mode`.  A target mode that is not a PL1 mode or User
    (HYP, Monitor, reserved) is UNPREDICTABLE: UNDEFINED."""
    if mode not in MODE_NAMES or mode == MODE_HYP:
        e.undefined()
        return
    start, step = _srs_rfe_offsets(increment, before)
    _guarded(e, "system_srs_base(c, 0x%x, 0x%x)" % (mode, e.pc), "v < 0")
    e.line("a = (v + %d) & 0xffffffff" % start)
    e.line("st32a(a, R[14])")
    e.line("st32a((a + 4) & 0xffffffff, c.spsr)")
    if wback:
        e.line("c.set_reg(%r, (v + %d) & 0xffffffff)" % ("sp_" + MODE_NAMES[mode], step))


def _rfe(e, n: int, increment: bool, before: bool, wback: bool) -> None:
    """RFE{DA,DB,IA,IB} Rn{!}: load PC and CPSR, then return (UNDEFINED in
    HYP mode; UNPREDICTABLE, here UNDEFINED, in User mode)."""
    if n == 15:
        e.undefined()
        return
    _undefined_if(e, "c.mode in (0x%x, 0x%x)" % (MODE_HYP, MODE_USR))
    start, step = _srs_rfe_offsets(increment, before)
    e.line("a = (R[%d] + %d) & 0xffffffff" % (n, start))
    e.line("p = ld32a(a)")
    e.line("s = ld32a((a + 4) & 0xffffffff)")
    if wback:
        e.wr(n, "(R[%d] + %d) & 0xffffffff" % (n, step))
    e.exit_to("c.exception_return(p, s)")


@op(HANDLERS, "SRS", cycles=3)
def srs_a32(e, f):
    _srs(e, f["mode"], bool(f["U"]), bool(f["P"]), bool(f["W"]))


@op(HANDLERS, "RFE", cycles=EXCEPTION_CYCLES)
def rfe_a32(e, f):
    _rfe(e, f["rn"], bool(f["U"]), bool(f["P"]), bool(f["W"]))


def _t32_srs_rfe(increment: bool):
    def emit_srs(e, f):
        _srs(e, f["mode"], increment, not increment, bool(f["W"]))

    def emit_rfe(e, f):
        _rfe(e, f["rn"], increment, not increment, bool(f["W"]))
    return emit_srs, emit_rfe


for _suffix, _increment in (("IA", True), ("DB", False)):
    _emit_srs, _emit_rfe = _t32_srs_rfe(_increment)
    op(HANDLERS, "T32_SRS_" + _suffix, cycles=3)(_emit_srs)
    op(HANDLERS, "T32_RFE_" + _suffix, cycles=EXCEPTION_CYCLES)(_emit_rfe)


# -- hints (A8.8.119 NOP, A8.8.424 WFE, A8.8.425 WFI, A8.8.168 SEV, A8.8.426 YIELD, A8.8.42 DBG) ---

def _wait(e, method: str) -> None:
    """WFI/WFE: call the core, which halts or traps to HYP; the block ends."""
    iss = _iss_cond(e)
    _guarded(e, "c.%s(0x%x, 0x%x, %s)" % (method, e.pc, iss, e.size == 2), "v is not None")
    e.end_block()


def _sev(e) -> None:
    e.line("c.sev()")


HINTS = {
    0: lambda e: None,                       # NOP
    1: lambda e: None,                       # YIELD: one thread, nothing to yield to
    2: lambda e: _wait(e, "wfe"),
    3: lambda e: _wait(e, "wfi"),
    4: _sev,
}


@op(HANDLERS, "HINT", "T32_HINT", "T16_HINT")
def hint(e, f):
    """The hint space: defined hints, DBG #n (0xF0-0xFF, a NOP without
    halting debug) and reserved hints, which execute as NOPs."""
    action = HINTS.get(f["imm"])
    if action is not None:
        action(e)


@op(HANDLERS, "PLD_imm", "PLDW_imm", "PLI_imm", "PLD_reg", "PLDW_reg", "PLI_reg",
    "T32_PLD_i12", "T32_PLD_i8", "T32_PLD_r", "T32_PLDW_i12", "T32_PLDW_i8", "T32_PLDW_r",
    "T32_PLI_i12", "T32_PLI_i8", "T32_PLI_r")
def memory_hint(e, f):
    """PLD, PLDW, PLI (A8.8.126-A8.8.130): no caches to preload."""


# -- barriers (A8.8.43 DMB, A8.8.44 DSB, A8.8.54 ISB) --------------------------------------------

@op(HANDLERS, "DMB", "T32_DMB")
def dmb(e, f):
    """One core, in-order memory: nothing to order."""


@op(HANDLERS, "DSB", "T32_DSB", cycles=SERIALIZING_CYCLES)
def dsb(e, f):
    pass


@op(HANDLERS, "ISB", "T32_ISB", cycles=ISB_CYCLES)
def isb(e, f):
    """ISB: instructions after it see every context change before it, so the
    block ends and the engine looks up the next one afresh."""
    e.end_block()


# -- coprocessors (A8.8.98 MCR, A8.8.99 MCRR, A8.8.107 MRC, A8.8.108 MRRC; B3.17) ----------------

def _mcr_mrc(cp: int, read: bool):
    """MCR/MRC p<cp>: the register is found now, its checks run at run time
    (sysregs.SysRegs._check).  ISS for a trap: CV, COND, Opc2, Opc1, CRn,
    Rt, CRm, Direction (B3.13.6)."""
    def emit(e, f):
        t = f["rt"]
        if not read and t == 15:
            e.undefined()                    # UNPREDICTABLE
            return
        r = sysregs.lookup(cp, f["opc1"], f["CRn"], f["CRm"], f["opc2"])
        iss = (_iss_cond(e) | f["opc2"] << 17 | f["opc1"] << 14 | f["CRn"] << 10 |
               t << 5 | f["CRm"] << 1 | int(read))
        if read:
            _guarded(e, "c.sys.mrc(%d, 0x%x, 0x%x)" % (r.index, e.pc, iss), "v < 0")
            if t == 15:                      # MRC to APSR_nzcv: the top four bits to the flags
                e.line("c.set_flags((v & 0xf0000000) | (c.QF << 27))")
            else:
                e.wr(t, "v")
        else:
            _guarded(e, "c.sys.mcr(%d, 0x%x, 0x%x, %s)" % (r.index, e.pc, iss, e.rd(t)),
                     "v is not None")
            e.end_block()                    # a write may change anything the block assumed
    return emit


def _mcrr_mrrc(cp: int, read: bool):
    """MCRR/MRRC p<cp>: ISS CV, COND, Opc1, Rt2, Rt, CRm, Direction."""
    def emit(e, f):
        t, t2 = f["rt"], f["rt2"]
        if t == 15 or t2 == 15 or (read and t == t2):
            e.undefined()                    # UNPREDICTABLE
            return
        r = sysregs.lookup64(cp, f["opc1"], f["CRm"])
        iss = _iss_cond(e) | f["opc1"] << 16 | t2 << 10 | t << 5 | f["CRm"] << 1 | int(read)
        if read:
            _guarded(e, "c.sys.mrrc(%d, 0x%x, 0x%x)" % (r.index, e.pc, iss), "v < 0")
            e.wr(t, "v & 0xffffffff")
            e.wr(t2, "v >> 32")
        else:
            _guarded(e, "c.sys.mcrr(%d, 0x%x, 0x%x, %s | %s << 32)" % (
                r.index, e.pc, iss, e.rd(t), e.rd(t2)), "v is not None")
            e.end_block()
    return emit


for _cp in (14, 15):
    for _prefix in ("", "T32_"):
        op(HANDLERS, "%sMCR_cp%d" % (_prefix, _cp), cycles=SERIALIZING_CYCLES)(_mcr_mrc(_cp, False))
        op(HANDLERS, "%sMRC_cp%d" % (_prefix, _cp), cycles=MRC_CYCLES)(_mcr_mrc(_cp, True))
        op(HANDLERS, "%sMCRR_cp%d" % (_prefix, _cp), cycles=SERIALIZING_CYCLES)(_mcrr_mrrc(_cp, False))
        op(HANDLERS, "%sMRRC_cp%d" % (_prefix, _cp), cycles=MRC_CYCLES)(_mcrr_mrrc(_cp, True))


def system_cp14_ldc_stc(c, pc: int, iss: int) -> int:
    """LDC/STC p14 name the debug communications channel, which is not
    modelled: UNDEFINED, after the HDCR.TDA trap (HSR.EC = 0x06) from PL0/PL1."""
    if c.mode != MODE_HYP and c.sys.hdcr & (1 << 9):
        return c.take_hyp_trap(pc, EC_LDC_STC_CP14, iss)
    return c.take_undef(pc)


@op(HANDLERS, "LDC_STC_cp14", "T32_LDC_STC_cp14")
def ldc_stc_cp14(e, f):
    e.exception("system_cp14_ldc_stc(c, 0x%x, 0x%x)" % (e.pc, _iss_cond(e)))


@op(HANDLERS, "CDP_cp1x", "LDC_STC_cp15", "T32_CDP_cp1x", "T32_LDC_STC_cp15")
def coproc_undefined(e, f):
    """CDP to CP14/CP15 and LDC/STC to CP15 do not exist."""
    e.undefined()


RUNTIME = {
    "system_mrs_banked": system_mrs_banked,
    "system_msr_banked": system_msr_banked,
    "system_cps": system_cps,
    "system_srs_base": system_srs_base,
    "system_cp14_ldc_stc": system_cp14_ldc_stc,
}
