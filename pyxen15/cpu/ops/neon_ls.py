"""Advanced SIMD element and structure loads and stores (A7.7), and the
transfers between core registers and Advanced SIMD scalars (A7.8) that the
VFP family does not have.

A7.7, A32 ``1111 0100 A D L 0 Rn Vd B .... Rm``, T32 ``1111 1001`` and the same
24 bits:

* A = 0: *multiple* structures, VLD1-VLD4/VST1-VST4 (A8.8.320, A8.8.323,
  A8.8.326, A8.8.329, A8.8.404 ...): field ``type`` (bits 11:8) says which
  instruction and how many registers, :data:`MULTIPLE` (Table A7-20);
* A = 1, size != 11: one structure to or from *one lane* (A8.8.321 ...);
* A = 1, size = 11, L = 1: one structure to *all lanes* (A8.8.322 ...),
  which a store does not have (UNDEFINED).

Every form is one execute step, :func:`structure_execute`: the list of
(register, lane) that the elements in memory go to, in memory order, is
worked out at translation time from the ARM ARM's loops, and the emitted
code moves the elements with one ``struct`` call per D register.  Rm
selects writeback: 15 none, 13 by the transfer size, any other by Rm.

Memory goes through the core's accessors (mmu_lpae/tlb.py), so the soft
TLB, faults, devices and SCTLR.A behave as for the integer loads: a
multiple-structure transfer that lies inside one RAM page and is word
aligned in a little-endian context reads or writes the page's words in
place (one lookup); otherwise every element is its own MemU access
(``ld8/ld16/ld32``), which splits or faults an unaligned element as the
memory type says.  The alignment hint (``:64``, ``:128``, ``:256``, the
``align``/``index_align`` fields) is checked first: an address that is not
a multiple of it is an Alignment fault (A3.2.1), whatever SCTLR.A says.
A load reads every element before it writes a register, and the base is
written back only after the last access, so an abort leaves the registers
as they were (a store may have written some of its bytes, as for STM).

The transfers (A7.8, with a condition field in A32, ``1110`` in T32):
VMOV core register -> 8/16-bit scalar (A8.8.341), scalar -> core register
(A8.8.342, zero- or sign-extended), VDUP (core register) (A8.8.316).  The
32-bit scalar forms are VFP's (ops/vfp.py VMOV_x_r, VMOV_r_x).

Every handler checks CheckAdvSIMDEnabled() through ops/vfp.py's
``_simd_enabled`` (vfp/regs.py ``simd_check_enabled``).

Cycle costs: the A15 timing reference has no Advanced SIMD rows; a load
costs the integer load's latency plus one per D register after the first,
a store one plus one per D register after the first, a transfer as VFP's.
"""

import struct
from typing import Dict, List, Optional, Sequence, Tuple

from . import Op, op
from .loadstore import LOAD_CYCLES, STORE_CYCLES
from .vfp import TRANSFER_TO_CORE_CYCLES, TRANSFER_TO_VFP_CYCLES, _simd_enabled

HANDLERS: Dict[str, Op] = {}

# -- encodings -------------------------------------------------------------------------------------
# Letters (this family's own legend, decode.py): r Rn, R Rm, d Vd, D the D
# bit, L load, T type, z size, a align, j index_align (all lanes: size, T,
# a), k the structure count minus one (bits 9:8); transfers: c cond, t Rt,
# n Vn, N the N bit, o opc1, p opc2, U unsigned, B and e (VDUP's size), Q.

_LS = """
# A7.7 element and structure load/store
VLDST_multiple  {p} 0DL0 rrrr dddd TTTT zzaa RRRR
VLDST_lane      {p} 1DL0 rrrr dddd zzkk jjjj RRRR
VLD_all_lanes   {p} 1D10 rrrr dddd 11kk jjjj RRRR
"""

_XFER = """
# A7.8 8-, 16- and 32-bit transfers, the Advanced SIMD forms (VFP has opc2 = 00)
VMOV_core_scalar  {c} 1110 0oo0 dddd tttt 1011 Dpp1 ----
VMOV_scalar_core  {c} 1110 Uoo1 nnnn tttt 1011 Npp1 ----
VDUP_core         {c} 1110 1BQ0 dddd tttt 1011 D0e1 ----
"""

TABLES = {"A32U": _LS.format(p="1111 0100"), "A32": _XFER.format(c="cccc"),
          "T32": _LS.format(p="1111 1001") + _XFER.format(c="1110")}
_LEGEND = {"r": "rn", "R": "rm", "d": "vd", "D": "D", "L": "L", "T": "type", "z": "size",
           "a": "align", "j": "index_align", "k": "nstruct", "c": "cond", "t": "rt",
           "n": "vn", "N": "N", "o": "opc1", "p": "opc2", "U": "U", "B": "B", "e": "E",
           "Q": "Q"}
LEGEND = {"A32U": _LEGEND, "A32": _LEGEND, "T32": _LEGEND}

# Table A7-20, multiple structures by type: (structure size n, registers per
# structure element `regs`, register spacing `inc`).
MULTIPLE = {
    0b0111: (1, 1, 1), 0b1010: (1, 2, 1), 0b0110: (1, 3, 1), 0b0010: (1, 4, 1),   # VLD1/VST1
    0b1000: (2, 1, 1), 0b1001: (2, 1, 2), 0b0011: (2, 2, 2),                      # VLD2/VST2
    0b0100: (3, 1, 1), 0b0101: (3, 1, 2),                                         # VLD3/VST3
    0b0000: (4, 1, 1), 0b0001: (4, 1, 2),                                         # VLD4/VST4
}

LETTER = {1: "B", 2: "H", 4: "I", 8: "Q"}
MASK32 = 0xFFFFFFFF


class Transfer:
    """One decoded VLDn/VSTn: the elements' (D register, lane) in memory
    order, the element size in bytes, the alignment the hint demands
    (bytes; 1 is none) and whether an element goes to every lane of its
    registers (``replicate``: the all-lanes forms, one element per
    register group)."""

    __slots__ = ("slots", "ebytes", "alignment", "replicate")

    def __init__(self, slots: Sequence[Tuple[int, int]], ebytes: int, alignment: int,
                 replicate: Sequence[Sequence[int]] = ()):
        self.slots = list(slots)
        self.ebytes = ebytes
        self.alignment = alignment
        self.replicate = [list(r) for r in replicate]

    @property
    def count(self) -> int:
        return len(self.replicate) if self.replicate else len(self.slots)

    @property
    def nbytes(self) -> int:
        return self.count * self.ebytes

    def dregs(self) -> List[int]:
        if self.replicate:
            return sorted({x for group in self.replicate for x in group})
        return sorted({x for x, _ in self.slots})


# -- decode (the ARM ARM's per-encoding decode steps) ----------------------------------------------
# Each returns a Transfer, "undefined", or "unpredictable".

def decode_multiple(f) -> object:
    """VLDn/VSTn (multiple n-element structures), A8.8.320/323/326/329 and
    the VST pages: the UNDEFINED size/align combinations, the alignment
    (1, or 4 << align bytes; VLD3: 8), and the memory order of the ARM
    ARM's loops."""
    row = MULTIPLE.get(f["type"])
    if row is None:
        return "undefined"                  # types 1011, 11xx: other/unallocated encodings
    n, regs, inc = row
    size, align = f["size"], f["align"]
    if n == 1 and (align & 2 if regs in (1, 3) else regs == 2 and align == 3):
        return "undefined"
    if n > 1 and size == 3:
        return "undefined"
    if n == 2 and regs == 1 and align == 3:
        return "undefined"
    if n == 3 and align & 2:
        return "undefined"
    if n == 3:
        alignment = 8 if align & 1 else 1
    else:
        alignment = 1 if align == 0 else 4 << align
    d = f["D"] << 4 | f["vd"]
    ebytes = 1 << size
    elements = 8 // ebytes
    if n == 1:
        last = d + regs - 1
        slots = [(d + r, e) for r in range(regs) for e in range(elements)]
    elif n == 2:
        last = d + inc + regs - 1
        slots = [(x, e) for r in range(regs) for e in range(elements)
                 for x in (d + r, d + inc + r)]
    else:
        last = d + (n - 1) * inc
        slots = [(d + k * inc, e) for e in range(elements) for k in range(n)]
    if f["rn"] == 15 or last > 31:
        return "unpredictable"
    return Transfer(slots, ebytes, alignment)


def decode_lane(f) -> object:
    """VLDn/VSTn (single n-element structure to/from one lane), A8.8.321/324/
    327/330: index, register spacing and alignment from index_align."""
    n = f["nstruct"] + 1
    size, ia = f["size"], f["index_align"]
    if size == 3:
        return "undefined"                  # loads: the all-lanes row; stores: none
    ebytes = 1 << size
    index = ia >> (size + 1)
    inc = 1
    alignment = 1
    if n == 1:
        if (size == 0 and ia & 1) or (size == 1 and ia & 2) or \
                (size == 2 and (ia & 4 or ia & 3 not in (0, 3))):
            return "undefined"
        if size and ia & 1:
            alignment = ebytes
    elif n == 2:
        if size == 2 and ia & 2:
            return "undefined"
        if size:
            inc = 2 if ia & (2 << (size - 1)) else 1
        alignment = 2 * ebytes if ia & 1 else 1
    elif n == 3:
        if ia & 1 or (size == 2 and ia & 2):
            return "undefined"
        if size:
            inc = 2 if ia & (2 << (size - 1)) else 1
    else:
        if size == 2 and ia & 3 == 3:
            return "undefined"
        if size:
            inc = 2 if ia & (2 << (size - 1)) else 1
        if size == 2:
            alignment = 1 if ia & 3 == 0 else 4 << (ia & 3)
        else:
            alignment = 4 * ebytes if ia & 1 else 1
    d = f["D"] << 4 | f["vd"]
    if f["rn"] == 15 or d + (n - 1) * inc > 31:
        return "unpredictable"
    return Transfer([(d + k * inc, index) for k in range(n)], ebytes, alignment)


def decode_all_lanes(f) -> object:
    """VLDn (single n-element structure to all lanes), A8.8.322/325/328/331:
    index_align here is size:T:a."""
    n = f["nstruct"] + 1
    ia = f["index_align"]
    size, t, a = ia >> 2, ia >> 1 & 1, ia & 1
    if n == 1:
        if size == 3 or (size == 0 and a):
            return "undefined"
        ebytes = 1 << size
        alignment = ebytes if a else 1
    elif n == 2:
        if size == 3:
            return "undefined"
        ebytes = 1 << size
        alignment = 2 * ebytes if a else 1
    elif n == 3:
        if size == 3 or a:
            return "undefined"
        ebytes = 1 << size
        alignment = 1
    else:
        if size == 3 and not a:
            return "undefined"
        ebytes = 4 if size == 3 else 1 << size
        if size == 3:
            alignment = 16
        elif size == 2:
            alignment = 8 if a else 1
        else:
            alignment = 4 * ebytes if a else 1
    d = f["D"] << 4 | f["vd"]
    if n == 1:                               # T: one or two registers, the same element
        groups = [[d + r for r in range(2 if t else 1)]]
        last = groups[0][-1]
    else:
        inc = 2 if t else 1
        groups = [[d + k * inc] for k in range(n)]
        last = d + (n - 1) * inc
    if f["rn"] == 15 or last > 31:
        return "unpredictable"
    return Transfer((), ebytes, alignment, groups)


# -- execute -----------------------------------------------------------------------------------------

def neon_ls_read(acc, a: int, ebytes: int, count: int, big: bool) -> List[int]:
    """`count` consecutive elements from `a`, one MemU access each (the
    slow path: any alignment, any memory, either endianness).  A 64-bit
    element is two word accesses, in the order CPSR.E says."""
    if ebytes == 8:
        out = []
        for k in range(count):
            w1 = acc((a + 8 * k) & MASK32)           # the word at the lower address
            w2 = acc((a + 8 * k + 4) & MASK32)
            out.append(w1 << 32 | w2 if big else w2 << 32 | w1)
        return out
    return [acc((a + ebytes * k) & MASK32) for k in range(count)]


def neon_ls_write(acc, a: int, ebytes: int, values: Sequence[int], big: bool) -> None:
    """The elements `values` to consecutive addresses from `a` (slow path)."""
    if ebytes == 8:
        for k, v in enumerate(values):
            hi, lo = v >> 32, v & MASK32
            acc((a + 8 * k) & MASK32, hi if big else lo)
            acc((a + 8 * k + 4) & MASK32, lo if big else hi)
        return
    for k, v in enumerate(values):
        acc((a + ebytes * k) & MASK32, v)


def _accessor(load: bool, ebytes: int) -> str:
    return "%s%d" % ("ld" if load else "st", 8 * min(ebytes, 4))


def _fmt(ebytes: int, count: int) -> str:
    return "<%d%s" % (count, LETTER[ebytes])


def _alignment_check(e, t: Transfer, load: bool) -> None:
    if t.alignment > 1:
        e.line("if a & %d:" % (t.alignment - 1))
        e.line("    ldst_align_fault(a, %s)" % (not load))


def _writeback(e, n: int, m: int, nbytes: int) -> None:
    """Rm = 15: none; 13: Rn += the transfer size; else Rn += Rm."""
    if m == 15:
        return
    if m == 13:
        e.wr(n, "(R[%d] + %d) & 0xffffffff" % (n, nbytes))
    else:
        e.wr(n, "(R[%d] + R[%d]) & 0xffffffff" % (n, m))


def _by_register(t: Transfer) -> List[Tuple[int, List[int]]]:
    """For each D register, in order, the memory element index of each of
    its lanes (multiple-structure forms: every lane of every register)."""
    lanes: Dict[int, Dict[int, int]] = {}
    for k, (x, lane) in enumerate(t.slots):
        lanes.setdefault(x, {})[lane] = k
    return [(x, [lanes[x][i] for i in sorted(lanes[x])]) for x in sorted(lanes)]


def structure_execute(e, load: bool, t: Transfer, n: int, m: int, whole: bool) -> None:
    """The execute step of every VLDn/VSTn form (A8.8.320-A8.8.331,
    A8.8.404-A8.8.415).  `whole`: the multiple-structure forms, which fill
    every lane of their registers (so memory and registers are whole
    64-bit units; the page fast path applies)."""
    dregs = t.dregs()
    e.cost += len(dregs) - 1
    _simd_enabled(e, dregs[-1] >= 16)
    e.line("a = R[%d]" % n)
    _alignment_check(e, t, load)
    eb, count = t.ebytes, t.count
    acc = _accessor(load, eb)
    if whole:
        nw = t.nbytes // 4
        fast = "p is not None and not a & 3 and a & 0xfff <= %d" % (0x1000 - t.nbytes)
        contiguous = [x for x, _ in _by_register(t)] == list(range(dregs[0], dregs[0] + len(dregs))) \
            and all(lanes == list(range(k * 8 // eb, (k + 1) * 8 // eb))
                    for k, (_x, lanes) in enumerate(_by_register(t)))
        words = ", ".join("p[i + %d]" % k for k in range(nw)) if nw > 1 else "p[i]"
        if load:
            e.line("p = rget(a >> 12)")
            e.line("if %s:" % fast)
            e.line("    i = (a & 0xfff) >> 2")
            if contiguous:                    # VLD1: memory is the registers' bytes
                e.line("    neon_ls_pack_into('<%dI', F, %d, %s)" % (nw, 8 * dregs[0], words))
                e.line("else:")
                e.line("    neon_ls_pack_into('%s', F, %d, *neon_ls_read(%s, a, %d, %d, c.E))"
                       % (_fmt(eb, count), 8 * dregs[0], acc, eb, count))
            else:
                e.line("    n_m = neon_ls_unpack('%s', neon_ls_pack('<%dI', %s))"
                       % (_fmt(eb, count), nw, words))
                e.line("else:")
                e.line("    n_m = neon_ls_read(%s, a, %d, %d, c.E)" % (acc, eb, count))
                for x, idx in _by_register(t):
                    e.line("neon_ls_pack_into('%s', F, %d, %s)" % (
                        _fmt(eb, len(idx)), 8 * x, ", ".join("n_m[%d]" % k for k in idx)))
        else:
            if contiguous:
                e.line("n_m = neon_ls_unpack_from('%s', F, %d)" % (_fmt(eb, count), 8 * dregs[0]))
                e.line("n_w = neon_ls_unpack_from('<%dI', F, %d)" % (nw, 8 * dregs[0]))
            else:
                for x, _idx in _by_register(t):
                    e.line("n_d%d = neon_ls_unpack_from('%s', F, %d)" % (x, _fmt(eb, 8 // eb), 8 * x))
                order = ", ".join("n_d%d[%d]" % s for s in t.slots)
                e.line("n_m = (%s,)" % order)
                e.line("n_w = neon_ls_unpack('<%dI', neon_ls_pack('%s', *n_m))" % (nw, _fmt(eb, count)))
            e.line("p = wget(a >> 12)")
            e.line("if %s:" % fast)
            e.line("    i = (a & 0xfff) >> 2")
            for k in range(nw):
                e.line("    p[i + %d] = n_w[%d]" % (k, k))
            e.line("else:")
            e.line("    neon_ls_write(%s, a, %d, n_m, c.E)" % (acc, eb))
    elif load:
        e.line("n_m = neon_ls_read(%s, a, %d, %d, c.E)" % (acc, eb, count))
        if t.replicate:
            per = 8 // eb
            for k, group in enumerate(t.replicate):
                for x in group:
                    e.line("neon_ls_pack_into('%s', F, %d, *((n_m[%d],) * %d))" % (
                        _fmt(eb, per), 8 * x, k, per))
        else:
            for k, (x, lane) in enumerate(t.slots):
                e.line("neon_ls_pack_into('<%s', F, %d, n_m[%d])" % (LETTER[eb], 8 * x + eb * lane, k))
    else:
        e.line("n_m = (%s,)" % ", ".join("neon_ls_unpack_from('<%s', F, %d)[0]" % (
            LETTER[eb], 8 * x + eb * lane) for x, lane in t.slots))
        e.line("neon_ls_write(%s, a, %d, n_m, c.E)" % (acc, eb))
    _writeback(e, n, m, t.nbytes)


def _structure(decoder, whole: bool):
    def emit(e, f):
        load = f.get("L", 1) == 1
        t = decoder(f)
        if t == "undefined":
            e.undefined()
            return
        if t == "unpredictable":
            e.unpredictable()
            return
        if not load:
            e.cost -= LOAD_CYCLES - STORE_CYCLES
        structure_execute(e, load, t, f["rn"], f["rm"], whole)
    return emit


op(HANDLERS, "VLDST_multiple", cycles=LOAD_CYCLES)(_structure(decode_multiple, True))
op(HANDLERS, "VLDST_lane", cycles=LOAD_CYCLES)(_structure(decode_lane, False))
op(HANDLERS, "VLD_all_lanes", cycles=LOAD_CYCLES)(_structure(decode_all_lanes, False))


# -- transfers (A8.8.316 VDUP (core register), A8.8.341, A8.8.342) ---------------------------------

def _scalar(opc1: int, opc2: int) -> Optional[Tuple[int, int]]:
    """(ebytes, index) of a VMOV scalar from opc1:opc2: 1xxx 8-bit, 0xx1
    16-bit; 0x00 is the 32-bit (VFP) form, 0x10 UNDEFINED (None)."""
    if opc1 & 2:
        return 1, (opc1 & 1) << 2 | opc2
    if opc2 & 1:
        return 2, (opc1 & 1) << 1 | opc2 >> 1
    if opc2 == 0:
        return 4, opc1 & 1
    return None


@op(HANDLERS, "VMOV_core_scalar", cycles=TRANSFER_TO_VFP_CYCLES)
def vmov_core_scalar(e, f):
    """VMOV.<size> Dd[x], Rt: the low bits of Rt into one lane."""
    sc = _scalar(f["opc1"], f["opc2"])
    if sc is None:
        e.undefined()
        return
    if f["rt"] == 15:
        e.unpredictable()
        return
    eb, index = sc
    d = f["D"] << 4 | f["vd"]
    _simd_enabled(e, d >= 16)
    e.line("neon_ls_pack_into('<%s', F, %d, R[%d] & 0x%x)" % (
        LETTER[eb], 8 * d + eb * index, f["rt"], (1 << 8 * eb) - 1))


@op(HANDLERS, "VMOV_scalar_core", cycles=TRANSFER_TO_CORE_CYCLES)
def vmov_scalar_core(e, f):
    """VMOV.<dt> Rt, Dn[x]: one lane, sign- (S8, S16) or zero-extended (U8,
    U16) into Rt; U with the 32-bit form is UNDEFINED."""
    sc = _scalar(f["opc1"], f["opc2"])
    if sc is None or (sc[0] == 4 and f["U"]):
        e.undefined()
        return
    if f["rt"] == 15:
        e.unpredictable()
        return
    eb, index = sc
    nreg = f["N"] << 4 | f["vn"]
    _simd_enabled(e, nreg >= 16)
    letter = LETTER[eb] if f["U"] else LETTER[eb].lower()
    e.wr(f["rt"], "neon_ls_unpack_from('<%s', F, %d)[0] & 0xffffffff" % (
        letter, 8 * nreg + eb * index))


@op(HANDLERS, "VDUP_core", cycles=TRANSFER_TO_VFP_CYCLES)
def vdup_core(e, f):
    """VDUP.<size> Dd/Qd, Rt: B:E = 00 32-bit, 01 16-bit, 10 8-bit, 11
    UNDEFINED; Q with an odd Vd is UNDEFINED."""
    be = f["B"] << 1 | f["E"]
    d = f["D"] << 4 | f["vd"]
    if be == 3 or (f["Q"] and d & 1):
        e.undefined()
        return
    if f["rt"] == 15:
        e.unpredictable()
        return
    eb = {0: 4, 1: 2, 2: 1}[be]
    regs = 2 if f["Q"] else 1
    _simd_enabled(e, d + regs - 1 >= 16)
    count = 8 * regs // eb
    e.line("neon_ls_pack_into('%s', F, %d, *((R[%d] & 0x%x,) * %d))" % (
        _fmt(eb, count), 8 * d, f["rt"], (1 << 8 * eb) - 1, count))


RUNTIME = {
    "neon_ls_read": neon_ls_read, "neon_ls_write": neon_ls_write,
    "neon_ls_pack": struct.pack, "neon_ls_unpack": struct.unpack,
    "neon_ls_pack_into": struct.pack_into, "neon_ls_unpack_from": struct.unpack_from,
}
