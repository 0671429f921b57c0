"""Branches and IT (A8.8.18 B, A8.8.25 BL/BLX, A8.8.27 BX, A8.8.28 BXJ,
A8.8.29 CBNZ/CBZ, A8.8.54 IT, A8.8.226 TBB/TBH).

An unconditional branch ends its block.  A conditional one becomes ``if
cond: return target`` and the block runs on with the next instruction.
"""

from typing import Dict

from . import Op, op
from .operands import sign_extend

HANDLERS: Dict[str, Op] = {}
BRANCH_CYCLES = 2      # a taken branch refills the front of the pipeline

TABLES = {
    "A32": """
B           cccc 1010 iiii iiii iiii iiii iiii iiii
BL          cccc 1011 iiii iiii iiii iiii iiii iiii
BX          cccc 0001 0010 ---- ---- ---- 0001 mmmm
BXJ         cccc 0001 0010 ---- ---- ---- 0010 mmmm
BLX_r       cccc 0001 0010 ---- ---- ---- 0011 mmmm
""",
    "A32U": """
BLX_i       1111 101h iiii iiii iiii iiii iiii iiii
""",
    "T16": """
T16_B_cond  1101 cccc iiii iiii
T16_B       1110 0iii iiii iiii
T16_BX      0100 0111 0mmm m---
T16_BLX_r   0100 0111 1mmm m---
T16_CBZ     1011 o0i1 iiii innn
T16_IT      1011 1111 cccc ffff
""",
    "T32": """
T32_B_cond  1111 0Gcc cciiiiii 10J0 Kiii iiii iiii
T32_B       1111 0Gii iiiiiiii 10J1 Kiii iiii iiii
T32_BL      1111 0Gii iiiiiiii 11J1 Kiii iiii iiii
T32_BLX_i   1111 0Gii iiiiiiii 11J0 Kiii iiii iii-
T32_TBB     1110 1000 1101 nnnn 1111 0000 000h mmmm
T32_BXJ     1111 0011 1100 mmmm 10-0 ---- ---- ----
""",
}
FIELDS = {
    "A32U": {"h": "H"},
    "T16": {"o": "op", "f": "mask"},
    "T32": {"G": "S_", "J": "J1", "K": "J2", "h": "H"},
}


@op(HANDLERS, "B", cycles=BRANCH_CYCLES)
def b_a32(e, f):
    e.branch_write_pc("0x%x" % ((e.pc_value + sign_extend(f["imm"] << 2, 26)) & 0xFFFFFFFF))


@op(HANDLERS, "BL", cycles=BRANCH_CYCLES)
def bl_a32(e, f):
    e.wr(14, "0x%x" % e.next_pc)
    e.branch_write_pc("0x%x" % ((e.pc_value + sign_extend(f["imm"] << 2, 26)) & 0xFFFFFFFF))


@op(HANDLERS, "BLX_i", cycles=BRANCH_CYCLES)
def blx_imm_a32(e, f):
    """BLX (immediate) from ARM: link, then enter Thumb at PC + imm24:H:'0'."""
    target = (e.pc_value + sign_extend(f["imm"] << 2 | f["H"] << 1, 26)) & 0xFFFFFFFF
    e.wr(14, "0x%x" % e.next_pc)
    e.bx_write_pc("0x%x" % (target | 1))


@op(HANDLERS, "BX", "BXJ", "T16_BX", "T32_BXJ", cycles=BRANCH_CYCLES)
def bx(e, f):
    """BX; BXJ behaves as BX because Jazelle is the trivial implementation (A2.10)."""
    if e.isa == "T32" and e.in_it_block and not e.last_in_it_block:
        e.unpredictable()
        return
    e.bx_write_pc(e.rd(f["rm"]))


@op(HANDLERS, "BLX_r", "T16_BLX_r", cycles=BRANCH_CYCLES)
def blx_reg(e, f):
    e.line("target = %s" % e.rd(f["rm"]))
    e.wr(14, "0x%x" % (e.next_pc | (1 if e.isa == "T32" else 0)))
    e.bx_write_pc("target")


def _thumb_conditional_branch(e, cond: int, offset: int) -> None:
    """B<c> in Thumb (T1, T3): the encoding carries its condition, so it may
    not stand in an IT block; cond 111x belongs to other instructions (UDF,
    SVC, the T32 control space), whose patterns are the more specific ones."""
    if cond >= 0xE or e.in_it_block:
        e.undefined()
        return
    e.cond = cond
    e.branch_write_pc("0x%x" % ((e.pc_value + offset) & 0xFFFFFFFF))


@op(HANDLERS, "T16_B_cond", cycles=BRANCH_CYCLES)
def b_t16_cond(e, f):
    _thumb_conditional_branch(e, f["cond"], sign_extend(f["imm"] << 1, 9))


@op(HANDLERS, "T16_B", cycles=BRANCH_CYCLES)
def b_t16(e, f):
    e.branch_write_pc("0x%x" % ((e.pc_value + sign_extend(f["imm"] << 1, 12)) & 0xFFFFFFFF))


@op(HANDLERS, "T16_CBZ", cycles=BRANCH_CYCLES)
def cbz(e, f):
    """CBZ/CBNZ: compare and branch forward; not allowed in an IT block."""
    if e.in_it_block:
        e.undefined()
        return
    test = "!=" if f["op"] else "=="
    e.line("if R[%d] %s 0:" % (f["rn"], test))
    e.indent(1)
    e.branch_write_pc("0x%x" % ((e.pc_value + (f["imm"] << 1)) & 0xFFFFFFFF))
    e.indent(-1)


@op(HANDLERS, "T16_IT")
def it(e, f):
    """IT: the next 1-4 instructions take their condition from ITSTATE.

    The translator tracks ITSTATE statically through the block, so IT itself
    emits nothing.  A mask of 0000 is a hint (system.py) and never gets here.
    """
    first, mask = f["cond"], f["mask"]
    if first == 0xF or (first == 0xE and bin(mask).count("1") != 1) or e.in_it_block:
        e.undefined()        # UNPREDICTABLE; a Cortex-A15 takes UNDEF
        return
    e.set_itstate(first << 4 | mask)


def _t32_offset(f, bits: int) -> int:
    """I1 = NOT(J1 EOR S), I2 = NOT(J2 EOR S); offset = S:I1:I2:imm:'0'."""
    s = f["S_"]
    i1 = 1 ^ f["J1"] ^ s
    i2 = 1 ^ f["J2"] ^ s
    return sign_extend((s << (bits - 1)) | (i1 << (bits - 2)) | (i2 << (bits - 3)) |
                       (f["imm"] << 1), bits)


@op(HANDLERS, "T32_B_cond", cycles=BRANCH_CYCLES)
def b_t32_cond(e, f):
    """B T3: S:J2:J1:imm6:imm11:'0', 21 bits (no inversion in this encoding)."""
    _thumb_conditional_branch(
        e, f["cond"], sign_extend(f["S_"] << 20 | f["J2"] << 19 | f["J1"] << 18 | f["imm"] << 1, 21))


@op(HANDLERS, "T32_B", cycles=BRANCH_CYCLES)
def b_t32(e, f):
    e.branch_write_pc("0x%x" % ((e.pc_value + _t32_offset(f, 25)) & 0xFFFFFFFF))


@op(HANDLERS, "T32_BL", cycles=BRANCH_CYCLES)
def bl_t32(e, f):
    e.wr(14, "0x%x" % (e.next_pc | 1))
    e.branch_write_pc("0x%x" % ((e.pc_value + _t32_offset(f, 25)) & 0xFFFFFFFF))


@op(HANDLERS, "T32_BLX_i", cycles=BRANCH_CYCLES)
def blx_imm_t32(e, f):
    """BLX (immediate) from Thumb: enter ARM at Align(PC, 4) + offset."""
    f = dict(f, imm=f["imm"] << 1)      # imm10H:imm10L:'00'
    target = (e.pc_aligned + _t32_offset(f, 25)) & 0xFFFFFFFF
    e.wr(14, "0x%x" % (e.next_pc | 1))
    e.bx_write_pc("0x%x" % target)


@op(HANDLERS, "T32_TBB", cycles=BRANCH_CYCLES + 4)
def tbb(e, f):
    """TBB/TBH: branch forward by twice a byte or halfword from a table."""
    if e.in_it_block and not e.last_in_it_block:
        e.undefined()
        return
    base, index = e.rd(f["rn"]), e.rd(f["rm"])
    if f["H"]:
        e.line("h = ld16((%s + (%s << 1)) & 0xffffffff)" % (base, index))
    else:
        e.line("h = ld8((%s + %s) & 0xffffffff)" % (base, index))
    e.branch_write_pc("0x%x + 2 * h" % e.pc_value)
