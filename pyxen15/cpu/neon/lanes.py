"""The lanes of D and Q registers: one element operation over every lane.

The Advanced SIMD register file is the VFP bank ``core.fpregs`` (vfp/regs.py):
D<n> is bytes 8n..8n+7, Q<n> is D<2n>:D<2n+1>, and element e of a vector
is at byte offset e * esize / 8 from its first D register, little-endian
(the element numbering is the same whatever CPSR.E says).  So a
vector of `count` elements of `esize` bits is one ``struct`` format,
``'<16B'`` for the bytes of a Q register, ``'<2q'`` for its signed
doublewords, and reading or writing a whole vector is one unpack or pack.

An operation is written once, as a Python expression on the elements ``x``,
``y``, ``z`` (one per source vector), and :func:`lanes` emits the block's
lines that apply it to every lane: one unpack per source, and one pack
into the destination whose arguments are the expression once per lane
(``n_0[0] + n_1[0], n_0[1] + n_1[1], ...``).  Straight-line code because
that is what PyPy's JIT runs fast: the same operations as list
comprehensions packed with star-arguments ran LS's neonbench at 1.8 CPU
MIPS, and traced too long to compile whole.  The element size, signedness
and register count are operands, never copies of the code (issue 10,
"Speed").  Branches per lane are avoided too (ops/neon_int.py: GT, MAX, ...;
:func:`saturating`): on PyPy each is a guard that grows a bridge.

Elements are Python ints, unsigned or signed as the source Vec says.  A
result is written either *masked* (taken modulo 2^esize: the modular
arithmetic of VADD, VSUB, VMUL, ...) or *in range* of the destination's
format (a saturated, narrowed or logic result: no mask needed).

FPSCR.QC (bit 27, the cumulative saturation flag): a saturating operation
computes its exact lane results, clamps them to the destination's range, and
sets QC once per instruction if any lane was clamped; QC is never cleared
except by VMSR.  :func:`lanes` does this with ``sat=True``; runtime helpers
use :func:`saturate` and ``c.fpscr |= QC``.

How emitted code reaches the bank: one struct call per D or Q register,
reading or writing it as signed 64-bit words, each element taken out with
a shift and a mask (``n_0[1] >> 16 & 0xffff``) and put back the same way
(:data:`BY_WORDS`); 32- and 64-bit elements directly.  PyPy's JIT
specializes a struct call on a constant format string (``neon_unpack_from('<2q', F, 16)``,
vfp.py measured it), CPython prefers a cached Struct's bound method
(``neon_s64x2(F, 16)``): both are in :data:`RUNTIME`.
"""

import re
import struct
import sys
from typing import Dict, NamedTuple, Sequence, Tuple

QC = 1 << 27                      # FPSCR.QC

# struct letters by (esize, signed)
LETTER = {(8, False): "B", (8, True): "b", (16, False): "H", (16, True): "h",
          (32, False): "I", (32, True): "i", (64, False): "Q", (64, True): "q"}
MASK = {8: 0xFF, 16: 0xFFFF, 32: 0xFFFFFFFF, 64: 0xFFFFFFFFFFFFFFFF}

BY_FORMAT = sys.implementation.name == "pypy"
# Elements of 8 and 16 bits are read and written as whole 64-bit words,
# each taken out with a shift and a mask and put back the same way: a
# struct call returns one boxed int per element, which PyPy's JIT cannot
# remove, while the shifts are a few machine operations (VADD.I8 of Q
# registers in a translated loop: 200 ns by elements, 136 by words).  For
# 32 and 64 bits the elements themselves are as cheap (neonbench: no
# difference beyond the noise).
BY_WORDS = 32                   # elements narrower than this go by words


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

class Read(str):
    """read()'s expression (a tuple of the lanes), which also remembers its
    vector: :func:`bind` reads such a source as whole 64-bit words and
    :func:`unrolled` takes each lane out of its word with a shift and a mask."""
    vec: Vec


def read(v: Vec) -> str:
    """An expression for the tuple of v's elements (the block has bound
    F = c.fpregs: see :func:`enabled`)."""
    if BY_FORMAT:
        text = "neon_unpack_from('%s', F, %d)" % (fmt(v.esize, v.signed, v.count), v.offset)
    else:
        text = "neon_%s(F, %d)" % (_name(v.esize, v.signed, v.count), v.offset)
    out = Read(text)
    out.vec = v
    return out


def _words(v: Vec) -> str:
    """v's D registers as signed 64-bit words."""
    if BY_FORMAT:
        return "neon_unpack_from('<%dq', F, %d)" % (v.regs, v.offset)
    return "neon_s64x%d(F, %d)" % (v.regs, v.offset)


def _lane_of_word(name: str, v: Vec, i: int) -> str:
    """Element i of v from its word in local `name` (signed words): the top
    element of a signed vector is the arithmetic shift alone."""
    per = 64 // v.esize
    j, shift = divmod(i, per)
    shift *= v.esize
    m = MASK[v.esize]
    word = "%s[%d]" % (name, j)
    if v.signed:
        if shift + v.esize == 64:
            return "(%s >> %d)" % (word, shift)
        h = 1 << (v.esize - 1)
        if not shift:
            return "((%s & 0x%x ^ 0x%x) - 0x%x)" % (word, m, h, h)
        return "((%s >> %d & 0x%x ^ 0x%x) - 0x%x)" % (word, shift, m, h, h)
    return "(%s >> %d & 0x%x)" % (word, shift, m) if shift else "(%s & 0x%x)" % (word, m)


def _word_of_lanes(lanes: Sequence[str], esize: int) -> str:
    """A signed 64-bit word from its elements' low bits."""
    m, h = MASK[esize], 1 << (esize - 1)
    parts = []
    for k, x in enumerate(lanes):
        shift = k * esize
        if shift + esize == 64:
            parts.append("((%s) & 0x%x ^ 0x%x) - 0x%x << %d" % (x, m, h, h, shift))
        else:
            parts.append("((%s) & 0x%x) << %d" % (x, m, shift) if shift else "((%s) & 0x%x)" % (x, m))
    return " | ".join("(%s)" % p for p in parts)


def _forget(e, v: Vec) -> None:
    """The D registers v writes are no longer what the block's VFP copies
    hold (ops/vfp.py keeps registers as host floats in locals)."""
    values = getattr(e, "values", None)
    if values:
        for r in range(v.reg, v.reg + v.regs):
            for key in ((64, r), (32, 2 * r), (32, 2 * r + 1)):
                values.pop(key, None)


def write(e, v: Vec, seq) -> None:
    """Emit: the elements into v.  `seq` is a list of one expression per
    lane, or the name of a local tuple of them.  Each element is in range of
    v's format, or, for elements narrower than :data:`BY_WORDS`, any int:
    the word keeps its low esize bits."""
    _forget(e, v)
    if isinstance(seq, str):
        seq = ["%s[%d]" % (seq, i) for i in range(v.count)]
    if v.esize < BY_WORDS:
        per = 64 // v.esize
        words = [_word_of_lanes(seq[j * per:(j + 1) * per], v.esize) for j in range(v.regs)]
        if BY_FORMAT:
            e.line("neon_pack_into('<%dq', F, %d, %s)" % (v.regs, v.offset, ", ".join(words)))
        else:
            e.line("neon_ps64x%d(F, %d, %s)" % (v.regs, v.offset, ", ".join(words)))
        return
    args = ", ".join(seq)
    if BY_FORMAT:
        e.line("neon_pack_into('%s', F, %d, %s)" % (fmt(v.esize, v.signed, v.count), v.offset, args))
    else:
        e.line("neon_p%s(F, %d, %s)" % (_name(v.esize, v.signed, v.count), v.offset, args))


NAMES = ("x", "y", "z", "w")


def comprehension(expr: str, sources: Sequence[str], names: Sequence[str] = NAMES) -> str:
    """``[expr for x, y in zip(A, B)]``: expr on each lane of the sources
    (expressions of equal-length sequences), the i-th named names[i].
    (PyPy runs this form some 30 times slower than :func:`unrolled`'s.)"""
    if len(sources) == 1:
        return "[%s for %s in %s]" % (expr, names[0], sources[0])
    return "[%s for %s in zip(%s)]" % (expr, ", ".join(names[:len(sources)]), ", ".join(sources))


_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def bind(e, sources: Sequence) -> list:
    """Bind each source to a local of the block, n_0, n_1, ... (a name is
    kept as it is); returns (local, start, step) per source.  A source is a
    sequence expression, or (expression, start, step) for every step-th
    element from start (the pairwise operations)."""
    out = []
    for k, src in enumerate(sources):
        start, step = 0, 1
        if not isinstance(src, str):
            src, start, step = src
        vec = getattr(src, "vec", None)
        if vec is not None and vec.esize < BY_WORDS:
            e.line("n_%d = %s" % (k, _words(vec)))
            out.append(("n_%d" % k, start, step, vec))
            continue
        if not _IDENT.fullmatch(src):
            e.line("n_%d = %s" % (k, src))
            src = "n_%d" % k
        out.append((src, start, step, None))
    return out


def unrolled(expr: str, bound: Sequence, count: int, names: Sequence[str] = NAMES) -> list:
    """expr for each of `count` lanes, the names of the sources replaced by
    their lane: x -> n_0[i].  Straight-line code is what PyPy's JIT (and
    CPython) run fastest: no comprehension, no star-arguments."""
    subst = {names[k]: b for k, b in enumerate(bound)}
    out = []
    for i in range(count):
        def lane(mo, i=i):
            b = subst.get(mo.group(0))
            if b is None:
                return mo.group(0)
            if b[3] is not None:
                return _lane_of_word(b[0], b[3], b[1] + b[2] * i)
            return "%s[%d]" % (b[0], b[1] + b[2] * i)
        out.append(_IDENT.sub(lane, expr))
    return out


def substitute(expr: str, mapping: Dict[str, str]) -> str:
    """expr with the names in `mapping` replaced (whole identifiers only)."""
    return _IDENT.sub(lambda mo: mapping.get(mo.group(0), mo.group(0)), expr)


def lanes(e, dest: Vec, expr: str, sources: Sequence, sat: bool = False,
          masked: bool = True, names: Sequence[str] = NAMES, bits: int = 0) -> None:
    """Emit the element operation `expr` over every lane of `sources` into
    `dest` (the one helper every NEON family uses).

    `sources` are sequence expressions (usually :func:`read` of a Vec; a
    scalar operand is a local the expression names directly), or
    (expression, start, step) (see :func:`bind`).  The result:

    * ``sat``: saturated to dest's range (dest.esize, dest.signed), FPSCR.QC
      set if any lane saturated;
    * else ``masked``: taken modulo 2^dest.esize, written unsigned;
    * else written as it is: the caller knows it is in dest's range.

    `names` renames the sources' lanes (default x, y, z, w); `bits` bounds
    the exact results of a saturating operation (see :func:`saturating`).  The emitted
    code is one line per source (its unpack) and one pack whose arguments
    are the expression once per lane.
    """
    bound = bind(e, sources)
    if sat:
        saturating(e, "n_s", unrolled(expr, bound, dest.count, names), dest.esize, dest.signed, bits)
        write(e, dest, "n_s")
        return
    if masked and dest.esize == 64:
        # modulo 2^64 as a signed doubleword: a value already in range (no
        # overflow, the usual case) is its own representation, and no
        # intermediate needs more than 64 bits (a masked unsigned one
        # would, for half the values: a long on PyPy)
        dest = dest._replace(signed=True)
        expr = ("(n_v if -0x8000000000000000 <= (n_v := %s) <= 0x7fffffffffffffff "
                "else neon_wrap64(n_v))" % expr)
    elif masked:
        dest = dest._replace(signed=False)
        if not dest.esize < BY_WORDS:         # the words keep the low bits anyway
            expr = "(%s) & 0x%x" % (expr, MASK[dest.esize])
    write(e, dest, unrolled(expr, bound, dest.count, names))


def word_parallel(e, dest: Vec, expr: str, sources: Sequence[Vec]) -> None:
    """Emit an operation that has a word-parallel form (SWAR: VADD, VSUB
    of 8- and 16-bit elements) on the registers' 32-bit words, `expr` in x,
    y (the sources' words) and the constants {H} (each element's top bit)
    and {L} (the other bits).  The words are unsigned and stay below 2^32,
    so every intermediate is a machine word; a Q register of bytes is four
    words instead of sixteen elements."""
    _forget(e, dest)
    count = 2 * dest.regs
    top = 0
    for k in range(32 // dest.esize):
        top |= 1 << (k * dest.esize + dest.esize - 1)
    text = expr.format(H="0x%x" % top, L="0x%x" % (0xFFFFFFFF ^ top))
    bound = []
    for k, v in enumerate(sources):
        if BY_FORMAT:
            e.line("n_%d = neon_unpack_from('<%dI', F, %d)" % (k, count, v.offset))
        else:
            e.line("n_%d = neon_u32x%d(F, %d)" % (k, count, v.offset))
        bound.append(("n_%d" % k, 0, 1, None))
    words = unrolled(text, bound, count)
    if BY_FORMAT:
        e.line("neon_pack_into('<%dI', F, %d, %s)" % (count, dest.offset, ", ".join(words)))
    else:
        e.line("neon_pu32x%d(F, %d, %s)" % (count, dest.offset, ", ".join(words)))


def saturating(e, name: str, values, esize: int, signed: bool, bits: int = 0) -> None:
    """Emit: local `name` = the lane values saturated to an esize-bit
    range, FPSCR.QC set if any lane was out of it (a step of its own for
    the operations that saturate twice, VQDMLAL).  `values`: a list of one
    expression per lane (or, slower, a list expression).  `bits`: a bound
    on the exact values' magnitude in bits, when the caller knows one."""
    lo, hi = bounds(esize, signed)
    if isinstance(values, str):
        e.line("n_r = %s" % values)
        e.line("%s = [%d if v < %d else %d if v > %d else v for v in n_r]" % (name, lo, lo, hi, hi))
        e.line("if %s != n_r:" % name)
        e.line("    c.fpscr |= 0x%x" % QC)
        return
    n = len(values)
    e.line("n_r = (%s,)" % ", ".join(values))
    if esize == 8 and 0 < bits <= 10:
        # bytes: a table of the clamped values of -1024..1023
        clamp = "neon_sat8%s[n_r[{i}] + 1024]" % ("s" if signed else "u")
    elif 0 < bits <= 62:
        # without a branch: (d >> 63) is all ones exactly when d < 0, for
        # |d| < 2^63 (a branch per lane would be a guard, and a bridge in
        # PyPy's trace for the first data that saturates)
        clamp = ("(n_c := n_r[{i}] - ((n_d := n_r[{i}] - %d) & (n_d >> 63))) + "
                 "((n_d := %d - n_c) & (n_d >> 63))" % (lo, hi))
    else:
        clamp = "%d if n_r[{i}] < %d else %d if n_r[{i}] > %d else n_r[{i}]" % (lo, lo, hi, hi)
    e.line("%s = (%s,)" % (name, ", ".join(clamp.format(i=i) for i in range(n))))
    e.line("if %s:" % " | ".join("(%s[%d] ^ n_r[%d])" % (name, i, i) for i in range(n)))
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

def wrap64(value: int) -> int:
    """value modulo 2^64, as a signed doubleword."""
    return ((value + (1 << 63)) & MASK[64]) - (1 << 63)


RUNTIME["neon_wrap64"] = wrap64
# saturating() of bytes: the clamped value of v at [v + 1024]
RUNTIME["neon_sat8s"] = tuple(min(max(v, -128), 127) for v in range(-1024, 1024))
RUNTIME["neon_sat8u"] = tuple(min(max(v, 0), 255) for v in range(-1024, 1024))


def bounds(esize: int, signed: bool) -> Tuple[int, int]:
    """The range of an esize-bit integer."""
    if signed:
        return -(1 << (esize - 1)), (1 << (esize - 1)) - 1
    return 0, (1 << esize) - 1


def saturate(value: int, esize: int, signed: bool) -> Tuple[int, bool]:
    """The pseudocode's SignedSatQ() / UnsignedSatQ(): the value clamped to the
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
