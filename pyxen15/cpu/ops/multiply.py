"""Multiplies and divides (A5.2.5, A5.2.7, A5.4.4; A6.3.16, A6.3.17; A6.2.2).

Every multiply in the ARM ARM computes one exact integer -- a product of
operands read as signed or unsigned words or halfwords, plus or minus an
accumulator -- and keeps a slice of it: the low word, both words, or a
window such as result<47:16> (SMULW) or result<63:32> (SMMUL).  So the
operations are a table: each names its exact result as a Python
expression over the operand views below, and how the result is kept.
:func:`mul_execute` is the one execute step that every encoding (A32, T32,
T16) of every multiply calls.  The divides are the same shape with a
quotient instead of a product.

Variants that the ARM ARM writes as mnemonic suffixes (SMLA<x><y>,
SMLAD{X}, SMMUL{R}) are expanded from one table row per family: the
option letters in the row's bits become fixed bits, and the mnemonic gets
the matching suffix, so a decoded pattern name is exactly the instruction.
"""

import itertools
from typing import Dict, Optional, Tuple

from . import Op, op
from .operands import emit_sint

HANDLERS: Dict[str, Op] = {}

MUL_CYCLES = 3          # A15: MUL, MLA and the 32-bit signed multiplies
LONG_MUL_CYCLES = 4     # 64-bit results
UDIV_CYCLES = 9
SDIV_CYCLES = 10

# How a result is kept.
WORD = "word"           # R[d] = result<31:0>
WORD_Q = "word_q"       # the same, and APSR.Q = 1 if result != SInt(result<31:0>)
DWORD = "dword"         # R[dHi]:R[dLo] = result<63:0>

# Operand views the expressions use (all Python ints, so nothing overflows):
#   {n} {m} {a}   UInt(R[n]), UInt(R[m]), UInt(R[a])
#   {sn} {sm} {sa} SInt(R[n]), SInt(R[m]), SInt(R[a])
#   {hn} {hm}     SInt of the halfword of R[n] / R[m] chosen by <x> / <y>
#   {bn} {tn}     SInt(R[n]<15:0>), SInt(R[n]<31:16>)
#   {bm} {tm}     the same of R[m], after the ROR #16 that X asks for
#   {acc}         UInt(R[dHi]:R[dLo]); {lo} {hi} its halves
#   {rnd}         0x80000000 for the rounding (R) forms, else 0
# A signed accumulator can be read unsigned wherever only the low 64 bits
# (DWORD) or a window above bit 31 of a 64-bit result are kept: the two
# readings differ by a multiple of 2**64.
MULTIPLIES: Dict[str, Tuple[str, str, int]] = {
    "MUL":          ("{n} * {m}", WORD, MUL_CYCLES),                               # A8.8.114
    "MLA":          ("{n} * {m} + {a}", WORD, MUL_CYCLES),                         # A8.8.100
    "MLS":          ("{a} - {n} * {m}", WORD, MUL_CYCLES),                         # A8.8.101
    "UMULL":        ("{n} * {m}", DWORD, LONG_MUL_CYCLES),                         # A8.8.257
    "UMLAL":        ("{n} * {m} + {acc}", DWORD, LONG_MUL_CYCLES),                 # A8.8.256
    "UMAAL":        ("{n} * {m} + {lo} + {hi}", DWORD, LONG_MUL_CYCLES),           # A8.8.255
    "SMULL":        ("{sn} * {sm}", DWORD, LONG_MUL_CYCLES),                       # A8.8.189
    "SMLAL":        ("{sn} * {sm} + {acc}", DWORD, LONG_MUL_CYCLES),               # A8.8.178
    "SMUL<x><y>":   ("{hn} * {hm}", WORD, MUL_CYCLES),                             # A8.8.188
    "SMLA<x><y>":   ("{hn} * {hm} + {sa}", WORD_Q, MUL_CYCLES),                    # A8.8.176
    "SMULW<y>":     ("({sn} * {hm}) >> 16", WORD, MUL_CYCLES),                     # A8.8.190
    "SMLAW<y>":     ("({sn} * {hm} + ({sa} << 16)) >> 16", WORD_Q, MUL_CYCLES),    # A8.8.181
    "SMLAL<x><y>":  ("{hn} * {hm} + {acc}", DWORD, LONG_MUL_CYCLES),               # A8.8.179
    "SMUAD{X}":     ("{bn} * {bm} + {tn} * {tm}", WORD_Q, MUL_CYCLES),             # A8.8.187
    "SMUSD{X}":     ("{bn} * {bm} - {tn} * {tm}", WORD, MUL_CYCLES),               # A8.8.191
    "SMLAD{X}":     ("{bn} * {bm} + {tn} * {tm} + {sa}", WORD_Q, MUL_CYCLES),      # A8.8.177
    "SMLSD{X}":     ("{bn} * {bm} - {tn} * {tm} + {sa}", WORD_Q, MUL_CYCLES),      # A8.8.182
    "SMLALD{X}":    ("{bn} * {bm} + {tn} * {tm} + {acc}", DWORD, LONG_MUL_CYCLES), # A8.8.180
    "SMLSLD{X}":    ("{bn} * {bm} - {tn} * {tm} + {acc}", DWORD, LONG_MUL_CYCLES), # A8.8.183
    "SMMUL{R}":     ("({sn} * {sm} + {rnd}) >> 32", WORD, MUL_CYCLES),             # A8.8.186
    "SMMLA{R}":     ("(({a} << 32) + {sn} * {sm} + {rnd}) >> 32", WORD, MUL_CYCLES),   # A8.8.184
    "SMMLS{R}":     ("(({a} << 32) - {sn} * {sm} + {rnd}) >> 32", WORD, MUL_CYCLES),   # A8.8.185
}


def writes_pc(e, *regs: Optional[int]) -> bool:
    """Writing the PC from these instructions is UNPREDICTABLE; the core
    takes the Undefined Instruction exception (as QEMU does), so a handler
    that gets True has nothing more to emit."""
    if 15 in regs:
        e.undefined()
        return True
    return False


def _sint32(x: str) -> str:
    return emit_sint(x, 32)


def _sint16(x: str, top: bool) -> str:
    """SInt() of the top or bottom halfword of `x`."""
    return emit_sint("(%s >> 16)" % x if top else "(%s & 0xffff)" % x, 16)


def _views(e, n: int, m: int, a: Optional[int], dlo: Optional[int], dhi: Optional[int],
           n_high: int, m_high: int, m_swap: int, round_: int) -> Dict[str, str]:
    rn, rm = e.rd(n), e.rd(m)
    views = {
        "n": rn, "m": rm, "sn": _sint32(rn), "sm": _sint32(rm),
        "hn": _sint16(rn, bool(n_high)), "hm": _sint16(rm, bool(m_high)),
        "bn": _sint16(rn, False), "tn": _sint16(rn, True),
        "bm": _sint16(rm, bool(m_swap)), "tm": _sint16(rm, not m_swap),
        "rnd": "0x80000000" if round_ else "0",
    }
    if a is not None:
        views.update(a=e.rd(a), sa=_sint32(e.rd(a)))
    if dlo is not None:
        views.update(lo=e.rd(dlo), hi=e.rd(dhi), acc="(%s << 32 | %s)" % (e.rd(dhi), e.rd(dlo)))
    return views


def mul_execute(e, name: str, n: int, m: int, d: Optional[int] = None, a: Optional[int] = None,
                dlo: Optional[int] = None, dhi: Optional[int] = None, setflags: bool = False,
                n_high: int = 0, m_high: int = 0, m_swap: int = 0, round_: int = 0) -> None:
    """The shared execute step of every multiply.

    `name` is a MULTIPLIES key; the registers and options are the
    encoding's decoded operands.  Flags (the S forms) are N and Z of the
    kept result; C and V are unchanged in ARMv7.
    """
    expr, kind, _cycles = MULTIPLIES[name]
    if writes_pc(e, d, dlo, dhi):
        return
    result = expr.format(**_views(e, n, m, a, dlo, dhi, n_high, m_high, m_swap, round_))
    if kind == DWORD:
        e.line("r = %s" % result)
        e.line("hi = (r >> 32) & 0xffffffff")
        e.line("lo = r & 0xffffffff")
        e.wr(dhi, "hi")
        e.wr(dlo, "lo")
        if setflags:
            e.line("c.NF = hi")
            e.line("c.ZF = hi | lo")
    elif kind == WORD_Q:
        e.line("r = %s" % result)
        e.line("if r < -0x80000000 or r > 0x7fffffff:")
        e.indent(1)
        e.line("c.QF = 1")
        e.indent(-1)
        e.wr(d, "r & 0xffffffff")
    elif setflags:
        e.line("r = (%s) & 0xffffffff" % result)
        e.line("c.NF = c.ZF = r")
        e.wr(d, "r")
    else:
        e.wr(d, "(%s) & 0xffffffff" % result)


# -- divides (A8.8.165 SDIV, A8.8.248 UDIV) ---------------------------------------

def mul_sdiv(n: int, m: int) -> int:
    """SDIV's quotient, rounded toward zero.  In the A profile a division
    by zero gives 0 (only the R profile can trap it); 0x80000000 / -1
    overflows to 0x80000000."""
    sn, sm = n - ((n & 0x80000000) << 1), m - ((m & 0x80000000) << 1)
    if sm == 0:
        return 0
    q = abs(sn) // abs(sm)
    return (-q if (sn < 0) != (sm < 0) else q) & 0xFFFFFFFF


def div_execute(e, signed: bool, d: int, n: int, m: int) -> None:
    if writes_pc(e, d):
        return
    if signed:
        e.wr(d, "mul_sdiv(%s, %s)" % (e.rd(n), e.rd(m)))
    else:
        e.line("b = %s" % e.rd(m))
        e.wr(d, "%s // b if b else 0" % e.rd(n))     # UDIV by zero gives 0


RUNTIME = {"mul_sdiv": mul_sdiv}


# -- encodings ---------------------------------------------------------------------
# Option letters in a row's bits, and the mnemonic suffix each value spells.
OPTIONS = {
    "N": ("<x>", ("B", "T"), "n_high"),      # <x>: bottom or top half of Rn
    "M": ("<y>", ("B", "T"), "m_high"),      # <y>: bottom or top half of Rm
    "X": ("{X}", ("", "X"), "m_swap"),       # X: Rm's halves exchanged
    "R": ("{R}", ("", "R"), "round_"),       # R: rounded
}


def expand_options(table: str) -> Tuple[str, Dict[str, Tuple[str, Dict[str, int]]]]:
    """Expand the option letters of a table's rows.

    Returns the decodetree table, and for each pattern name the row's
    template name (its MULTIPLIES key, without a "T32_"/"T16_" prefix) and
    the option values it stands for.
    """
    rows = []
    variants: Dict[str, Tuple[str, Dict[str, int]]] = {}
    for line in table.strip().splitlines():
        template, bits = line.split(None, 1)
        letters = [o for o in OPTIONS if o in bits]
        for values in itertools.product((0, 1), repeat=len(letters)):
            name, pattern, options = template, bits, {}
            for letter, value in zip(letters, values):
                placeholder, spelling, option = OPTIONS[letter]
                name = name.replace(placeholder, spelling[value])
                pattern = pattern.replace(letter, str(value))
                options[option] = value
            rows.append("%-16s %s" % (name, pattern))
            variants[name] = (template.split("_", 1)[-1] if template[:4] in ("T32_", "T16_")
                              else template, options)
    return "\n".join(rows), variants


# A32: H and L are RdHi and RdLo; Rd, Ra, Rm and Rn sit where the multiply
# space puts them (Rd 19:16, Ra 15:12, Rm 11:8, Rn 3:0).  Ra = 1111 selects
# the non-accumulating form of the dual and most-significant multiplies.
A32_MULTIPLIES = """
MUL             cccc 0000 000s dddd ---- mmmm 1001 nnnn
MLA             cccc 0000 001s dddd aaaa mmmm 1001 nnnn
UMAAL           cccc 0000 0100 HHHH LLLL mmmm 1001 nnnn
MLS             cccc 0000 0110 dddd aaaa mmmm 1001 nnnn
UMULL           cccc 0000 100s HHHH LLLL mmmm 1001 nnnn
UMLAL           cccc 0000 101s HHHH LLLL mmmm 1001 nnnn
SMULL           cccc 0000 110s HHHH LLLL mmmm 1001 nnnn
SMLAL           cccc 0000 111s HHHH LLLL mmmm 1001 nnnn
SMLA<x><y>      cccc 0001 0000 dddd aaaa mmmm 1MN0 nnnn
SMLAW<y>        cccc 0001 0010 dddd aaaa mmmm 1M00 nnnn
SMULW<y>        cccc 0001 0010 dddd ---- mmmm 1M10 nnnn
SMLAL<x><y>     cccc 0001 0100 HHHH LLLL mmmm 1MN0 nnnn
SMUL<x><y>      cccc 0001 0110 dddd ---- mmmm 1MN0 nnnn
SMLAD{X}        cccc 0111 0000 dddd aaaa mmmm 00X1 nnnn
SMUAD{X}        cccc 0111 0000 dddd 1111 mmmm 00X1 nnnn
SMLSD{X}        cccc 0111 0000 dddd aaaa mmmm 01X1 nnnn
SMUSD{X}        cccc 0111 0000 dddd 1111 mmmm 01X1 nnnn
SMLALD{X}       cccc 0111 0100 HHHH LLLL mmmm 00X1 nnnn
SMLSLD{X}       cccc 0111 0100 HHHH LLLL mmmm 01X1 nnnn
SMMLA{R}        cccc 0111 0101 dddd aaaa mmmm 00R1 nnnn
SMMUL{R}        cccc 0111 0101 dddd 1111 mmmm 00R1 nnnn
SMMLS{R}        cccc 0111 0101 dddd aaaa mmmm 11R1 nnnn
"""

# T32 (A6.3.16, A6.3.17): Rn in the first halfword; Ra (or RdLo) 15:12,
# Rd (or RdHi) 11:8, Rm 3:0 in the second.  No T32 multiply sets flags.
T32_MULTIPLIES = """
T32_MLA         1111 1011 0000 nnnn aaaa dddd 0000 mmmm
T32_MUL         1111 1011 0000 nnnn 1111 dddd 0000 mmmm
T32_MLS         1111 1011 0000 nnnn aaaa dddd 0001 mmmm
T32_SMLA<x><y>  1111 1011 0001 nnnn aaaa dddd 00NM mmmm
T32_SMUL<x><y>  1111 1011 0001 nnnn 1111 dddd 00NM mmmm
T32_SMLAD{X}    1111 1011 0010 nnnn aaaa dddd 000X mmmm
T32_SMUAD{X}    1111 1011 0010 nnnn 1111 dddd 000X mmmm
T32_SMLAW<y>    1111 1011 0011 nnnn aaaa dddd 000M mmmm
T32_SMULW<y>    1111 1011 0011 nnnn 1111 dddd 000M mmmm
T32_SMLSD{X}    1111 1011 0100 nnnn aaaa dddd 000X mmmm
T32_SMUSD{X}    1111 1011 0100 nnnn 1111 dddd 000X mmmm
T32_SMMLA{R}    1111 1011 0101 nnnn aaaa dddd 000R mmmm
T32_SMMUL{R}    1111 1011 0101 nnnn 1111 dddd 000R mmmm
T32_SMMLS{R}    1111 1011 0110 nnnn aaaa dddd 000R mmmm
T32_SMULL       1111 1011 1000 nnnn LLLL HHHH 0000 mmmm
T32_UMULL       1111 1011 1010 nnnn LLLL HHHH 0000 mmmm
T32_SMLAL       1111 1011 1100 nnnn LLLL HHHH 0000 mmmm
T32_SMLAL<x><y> 1111 1011 1100 nnnn LLLL HHHH 10NM mmmm
T32_SMLALD{X}   1111 1011 1100 nnnn LLLL HHHH 110X mmmm
T32_SMLSLD{X}   1111 1011 1101 nnnn LLLL HHHH 110X mmmm
T32_UMLAL       1111 1011 1110 nnnn LLLL HHHH 0000 mmmm
T32_UMAAL       1111 1011 1110 nnnn LLLL HHHH 0110 mmmm
"""

A32_TABLE, A32_VARIANTS = expand_options(A32_MULTIPLIES)
T32_TABLE, T32_VARIANTS = expand_options(T32_MULTIPLIES)


def _mul_handler(name: str, options: Dict[str, int], t16: bool = False):
    """The decode step of one multiply encoding.  The A32 forms with an S bit
    set flags by it; T16 MULS sets them outside an IT block; T32 never."""
    def emit(e, f):
        setflags = not e.in_it_block if t16 else bool(f.get("S", 0))
        rm = f["rm"] if "rm" in f else f["rd"]     # T16 MULS: Rdm is both Rd and Rm
        mul_execute(e, name, f["rn"], rm, d=f.get("rd"), a=f.get("ra"),
                    dlo=f.get("rdlo"), dhi=f.get("rdhi"), setflags=setflags, **options)
    return emit


for _variants in (A32_VARIANTS, T32_VARIANTS):
    for _pattern, (_name, _options) in _variants.items():
        op(HANDLERS, _pattern, cycles=MULTIPLIES[_name][2])(_mul_handler(_name, _options))

op(HANDLERS, "T16_MUL", cycles=MUL_CYCLES)(_mul_handler("MUL", {}, t16=True))


def _div_handler(signed: bool):
    def emit(e, f):
        div_execute(e, signed, f["rd"], f["rn"], f["rm"])
    return emit


op(HANDLERS, "SDIV", "T32_SDIV", cycles=SDIV_CYCLES)(_div_handler(True))
op(HANDLERS, "UDIV", "T32_UDIV", cycles=UDIV_CYCLES)(_div_handler(False))


TABLES = {
    "A32": A32_TABLE + """
SDIV             cccc 0111 0001 dddd ---- mmmm 0001 nnnn
UDIV             cccc 0111 0011 dddd ---- mmmm 0001 nnnn
""",
    "T32": T32_TABLE + """
T32_SDIV         1111 1011 1001 nnnn ---- dddd 1111 mmmm
T32_UDIV         1111 1011 1011 nnnn ---- dddd 1111 mmmm
""",
    "T16": """
T16_MUL          0100 0011 01nn nddd
""",
}
FIELDS = {"A32": {"H": "rdhi", "L": "rdlo"}, "T32": {"H": "rdhi", "L": "rdlo"}}
