"""The lanes of D and Q registers: one element operation over every lane.

The Advanced SIMD register file is the VFP bank ``core.fpregs`` (vfp/regs.py):
D<n> is bytes 8n..8n+7, Q<n> is D<2n>:D<2n+1>, and element e of a vector
is at byte offset e * esize / 8 from its first D register, little-endian
(A2.6.3: the element numbering is the same whatever CPSR.E says).  So a
vector of `count` elements of `esize` bits is one ``struct`` format,
``'<16B'`` for the bytes of a Q register, ``'<2q'`` for its signed
doublewords, and reading or writing a whole vector is one unpack or pack.

An operation is written once, as a Python expression on the elements ``x``,
``y``, ``z`` (one per source vector), and :func:`lanes` emits the block's
line that applies it to every lane: a list comprehension over the unpacked
sources, packed back into the destination.  The element size, signedness and
register count are operands, never copies of the code (issue 10, "Speed").

Elements are Python ints, unsigned or signed as the source Vec says.  A
result is written either *masked* (taken modulo 2^esize: the modular
arithmetic of VADD, VSUB, VMUL, ...) or *in range* of the destination's
format (a saturated, narrowed or logic result: no mask needed).

FPSCR.QC (bit 27, the cumulative saturation flag, A2.6.? "Advanced SIMD
saturation"): a saturating operation computes its exact lane results, clamps
them to the destination's range, and sets QC once per instruction if any lane
was clamped; QC is never cleared except by VMSR.  :func:`lanes` does this
with ``sat=True``; runtime helpers use :func:`saturate` and ``c.fpscr |= QC``.

How emitted code reaches the bank: PyPy's JIT specializes
``struct.unpack_from`` on a constant format string (vfp.py measured it), so
there the code names the format; CPython calls a cached Struct's bound
method, ``neon_u8x16(F, 64)``.  Both are in :data:`RUNTIME`.
"""

import struct
import sys
from typing import Dict, NamedTuple, Sequence, Tuple

QC = 1 << 27                      # FPSCR.QC

# struct letters by (esize, signed)
LETTER = {(8, False): "B", (8, True): "b", (16, False): "H", (16, True): "h",
          (32, False): "I", (32, True): "i", (64, False): "Q", (64, True): "q"}
MASK = {8: 0xFF, 16: 0xFFFF, 32: 0xFFFFFFFF, 64: 0xFFFFFFFFFFFFFFFF}

BY_FORMAT = sys.implementation.name == "pypy"


class Vec(NamedTuple):
    """A vector operand: D register `reg` (the first of two for a Q
    register: Q<n> is Vec(2n, ..., regs=2)), `esize`-bit elements, signed
    or not, one D (regs=1) or a Q (regs=2)."""
    reg: int
    esize: int
    signed: bool = False
    regs: int = 1

    @property
    def count(self) -> int:
        return 64 * self.regs // self.esize

    @property
    def offset(self) -> int:
        return 8 * self.reg


def fmt(esize: int, signed: bool, count: int) -> str:
    """The struct format of `count` little-endian elements."""
    return "<%d%s" % (count, LETTER[esize, signed])


def _name(esize: int, signed: bool, count: int) -> str:
    return "%s%dx%d" % ("s" if signed else "u", esize, count)


_STRUCTS: Dict[Tuple[int, bool, int], struct.Struct] = {}


def struct_of(esize: int, signed: bool, count: int) -> struct.Struct:
    """The cached Struct of a vector format."""
    key = (esize, signed, count)
    s = _STRUCTS.get(key)
    if s is None:
        s = _STRUCTS[key] = struct.Struct(fmt(esize, signed, count))
    return s


# Every vector shape of the register file: 1 to 4 D registers (4: a VTBL
# table or a VLD4 list), elements of 8 to 64 bits.
RUNTIME: Dict[str, object] = {"neon_unpack_from": struct.unpack_from,
                              "neon_pack_into": struct.pack_into}
for _esize in (8, 16, 32, 64):
    for _signed in (False, True):
        for _regs in (1, 2, 3, 4):
            _count = 64 * _regs // _esize
            _s = struct_of(_esize, _signed, _count)
            RUNTIME["neon_" + _name(_esize, _signed, _count)] = _s.unpack_from
            RUNTIME["neon_p" + _name(_esize, _signed, _count)] = _s.pack_into


# -- emitting ---------------------------------------------------------------------------------------

def read(v: Vec) -> str:
    """An expression for the tuple of v's elements (the block has bound
    F = c.fpregs: see :func:`enabled`)."""
    if BY_FORMAT:
        return "neon_unpack_from('%s', F, %d)" % (fmt(v.esize, v.signed, v.count), v.offset)
    return "neon_%s(F, %d)" % (_name(v.esize, v.signed, v.count), v.offset)


def write(e, v: Vec, seq: str) -> None:
    """Emit: the elements of `seq` (an expression: a list or tuple, in
    range of v's format) into v."""
    if BY_FORMAT:
        e.line("neon_pack_into('%s', F, %d, *%s)" % (fmt(v.esize, v.signed, v.count), v.offset, seq))
    else:
        e.line("neon_p%s(F, %d, *%s)" % (_name(v.esize, v.signed, v.count), v.offset, seq))


NAMES = ("x", "y", "z", "w")


def comprehension(expr: str, sources: Sequence[str], names: Sequence[str] = NAMES) -> str:
    """``[expr for x, y in zip(A, B)]``: expr on each lane of the sources
    (expressions of equal-length sequences), the i-th named names[i]."""
    if len(sources) == 1:
        return "[%s for %s in %s]" % (expr, names[0], sources[0])
    return "[%s for %s in zip(%s)]" % (expr, ", ".join(names[:len(sources)]), ", ".join(sources))


def lanes(e, dest: Vec, expr: str, sources: Sequence[str], sat: bool = False,
          masked: bool = True, names: Sequence[str] = NAMES) -> None:
    """Emit the element operation `expr` over every lane of `sources` into
    `dest` (the one helper every NEON family uses).

    `sources` are sequence expressions (usually :func:`read` of a Vec; a
    scalar operand is a local the expression names directly).  The result:

    * ``sat``: saturated to dest's range (dest.esize, dest.signed), FPSCR.QC
      set if any lane saturated;
    * else ``masked``: taken modulo 2^dest.esize, written unsigned;
    * else written as it is: the caller knows it is in dest's range.

    `names` renames the sources' lanes (default x, y, z, w).
    """
    if sat:
        saturating(e, "n_s", comprehension(expr, sources, names), dest.esize, dest.signed)
        write(e, dest, "n_s")
        return
    if masked:
        dest = dest._replace(signed=False)
        expr = "(%s) & 0x%x" % (expr, MASK[dest.esize])
    write(e, dest, comprehension(expr, sources, names))


def saturating(e, name: str, values: str, esize: int, signed: bool) -> None:
    """Emit: local `name` = the list expression `values` saturated to an
    esize-bit range, FPSCR.QC set if any element was out of it (a step of
    its own for the operations that saturate twice, VQDMLAL)."""
    lo, hi = bounds(esize, signed)
    e.line("n_r = %s" % values)
    e.line("%s = [%d if v < %d else %d if v > %d else v for v in n_r]" % (name, lo, lo, hi, hi))
    e.line("if %s != n_r:" % name)
    e.line("    c.fpscr |= 0x%x" % QC)


def enabled(e, *dregs: int) -> None:
    """CheckAdvSIMDEnabled() for an instruction using D registers `dregs`
    (D16-D31 need CPACR.D32DIS clear), then bind F = c.fpregs.  LS owns the
    Advanced SIMD form of the check (vfp/regs.py); until it is there this
    is the VFP check without the short-vector UNDEF."""
    from ..ops import vfp
    check = getattr(vfp, "_simd_enabled", None)
    if check is not None:
        check(e, any(r >= 16 for r in dregs))
    else:
        vfp._enabled(e, False, any(r >= 16 for r in dregs))


# -- at run time ------------------------------------------------------------------------------------

def bounds(esize: int, signed: bool) -> Tuple[int, int]:
    """The range of an esize-bit integer."""
    if signed:
        return -(1 << (esize - 1)), (1 << (esize - 1)) - 1
    return 0, (1 << esize) - 1


def saturate(value: int, esize: int, signed: bool) -> Tuple[int, bool]:
    """SignedSatQ() / UnsignedSatQ() (A2.2.1): the value clamped to the
    range, and whether it was clamped (the caller sets QC)."""
    lo, hi = bounds(esize, signed)
    if value < lo:
        return lo, True
    if value > hi:
        return hi, True
    return value, False


def get(F: bytearray, v: Vec) -> tuple:
    """v's elements (for runtime helpers)."""
    return struct_of(v.esize, v.signed, v.count).unpack_from(F, v.offset)


def put(F: bytearray, v: Vec, values: Sequence[int]) -> None:
    """Write values into v, each taken modulo 2^esize."""
    m = MASK[v.esize]
    struct_of(v.esize, False, v.count).pack_into(F, v.offset, *[x & m for x in values])


# -- the encodings' fields ----------------------------------------------------------------------------

# Advanced SIMD tables (every NEON family's, both instruction sets) are
# written in the A32 form, with the ARM ARM's field names; the T32 form
# is the same but for the U bit (A7.4: 1111 001U in A32, 111U 1111 in T32):
# TEMPLATE.format(p=PREFIX[isa]).  The families' tables use this legend
# of their own (decode.py: a family's LEGEND), not the instruction set's.
PREFIX = {"A32U": "1111 001U", "T32": "111U 1111"}
# ... and with U fixed, for rows that are one mnemonic of a U pair
PREFIX_U0 = {"A32U": "1111 0010", "T32": "1110 1111"}
PREFIX_U1 = {"A32U": "1111 0011", "T32": "1111 1111"}


def prefixes(isa: str) -> Dict[str, str]:
    """The template's placeholders for `isa`: {p} (U a field), {u0}, {u1}."""
    return {"p": PREFIX[isa], "u0": PREFIX_U0[isa], "u1": PREFIX_U1[isa]}

LEGEND = {
    "D": "D", "d": "vd", "N": "N", "n": "vn", "M": "M", "m": "vm",
    "Q": "Q", "U": "U", "z": "size", "o": "op", "i": "imm", "L": "L",
    "c": "cmode", "F": "F", "B": "B", "x": "index", "s": "sz", "a": "a",
    "t": "rt", "r": "rn", "R": "rm", "T": "type", "e": "E", "l": "len",
}


def dreg(f, vbits: str, bit: str) -> int:
    """A D register number from its Vx field and x bit: D:Vd (A7.3)."""
    return f.get(bit, 0) << 4 | f.get(vbits, 0)


def q_odd(q: int, *regs: int) -> bool:
    """Q=1 with an odd register number: UNDEFINED (A8.8: "if Q == '1' &&
    (Vd<0> == '1' || ...) then UNDEFINED")."""
    return bool(q) and any(r & 1 for r in regs)
