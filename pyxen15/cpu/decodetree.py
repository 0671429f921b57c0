"""Declarative instruction decoding, in the manner of QEMU's decodetree.

An encoding table is text, one pattern per line::

    # name       bits, most significant first (spaces are ignored)
    ADD_rri      cccc 0010 100s nnnn dddd iiii iiii iiii

``0``/``1`` are fixed bits, ``-`` is a bit the pattern ignores (the ARM ARM's
"(0)"/"(1)" should-be bits are written ``-`` too: the architecture says they
are UNPREDICTABLE if wrong, and a Cortex-A15 ignores them), and a letter is a
field bit.  All bits with the same letter form one field, concatenated from
most to least significant, so the Thumb-2 immediate ``i:imm3:imm8`` is simply
written with the letter ``i`` in all three places.  The letter legend is
per instruction set and gives each letter its name from the ARM ARM.

The ARM ARM resolves overlaps with "SEE" notes: a pattern whose fixed bits are
a superset of another's (and agree with it) is a special case of it and wins.
Any other overlap is an error in the table and is reported at import time with
both table lines, as is a pattern that can never match.
"""

from typing import Callable, Dict, List, Optional, Tuple


class TableError(Exception):
    """A table line that does not parse, or a pair of patterns that overlap."""


class Pattern:
    __slots__ = ("name", "mask", "value", "fields", "line", "handler", "nbits")

    def __init__(self, name: str, mask: int, value: int,
                 fields: Tuple[Tuple[str, Tuple[int, ...]], ...], line: str, nbits: int):
        self.name = name
        self.mask = mask          # the fixed bits
        self.value = value        # their values
        self.fields = fields      # (field name, bit positions msb first)
        self.line = line
        self.nbits = nbits
        self.handler = None

    def extract(self, word: int) -> Dict[str, int]:
        out = {}
        for fname, bits in self.fields:
            v = 0
            for b in bits:
                v = (v << 1) | ((word >> b) & 1)
            out[fname] = v
        return out

    def specificity(self) -> int:
        return bin(self.mask).count("1")


def parse_table(text: str, legend: Dict[str, str], nbits: int, origin: str) -> List[Pattern]:
    """Parse an encoding table; `legend` maps field letters to field names."""
    patterns = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, bits = line.partition(" ")
        bits = bits.replace(" ", "")
        where = "%s:%d: %s" % (origin, lineno, raw.strip())
        if len(bits) != nbits:
            raise TableError("%s: %d bits, expected %d" % (where, len(bits), nbits))
        mask = value = 0
        positions: Dict[str, List[int]] = {}
        for i, ch in enumerate(bits):
            b = nbits - 1 - i
            if ch in "01":
                mask |= 1 << b
                value |= int(ch) << b
            elif ch == "-":
                pass
            elif ch in legend:
                positions.setdefault(legend[ch], []).append(b)
            else:
                raise TableError("%s: unknown field letter %r" % (where, ch))
        fields = tuple((f, tuple(p)) for f, p in positions.items())
        patterns.append(Pattern(name, mask, value, fields, where, nbits))
    return patterns


def _overlaps(a: Pattern, b: Pattern) -> bool:
    common = a.mask & b.mask
    return (a.value & common) == (b.value & common)


def _nested(special: Pattern, general: Pattern) -> bool:
    """True if every word matching `special` also matches `general`."""
    return (special.mask & general.mask) == general.mask and \
        (special.value & general.mask) == general.value


def check_table(patterns: List[Pattern]) -> None:
    """Report overlapping patterns that are not special cases of each other."""
    errors = []
    for i, a in enumerate(patterns):
        for b in patterns[i + 1:]:
            if not _overlaps(a, b):
                continue
            if a.mask == b.mask:
                errors.append("duplicate encoding:\n  %s\n  %s" % (a.line, b.line))
            elif not (_nested(a, b) or _nested(b, a)):
                errors.append("ambiguous overlap:\n  %s\n  %s" % (a.line, b.line))
    if errors:
        raise TableError("\n".join(errors))


class Decoder:
    """A decision tree over a checked pattern list.

    At each node the bits fixed in *every* remaining pattern select a child by
    dictionary lookup; a node with no such bits left is a leaf, scanned most
    specific pattern first.  Decoding is pure, so callers cache its results.
    """

    def __init__(self, patterns: List[Pattern]):
        check_table(patterns)
        self.patterns = patterns
        self.root = self._build(patterns, 0)

    def _build(self, pats: List[Pattern], used: int):
        common = ~used
        for p in pats:
            common &= p.mask
        if common and len(pats) > 1:
            children: Dict[int, List[Pattern]] = {}
            for p in pats:
                children.setdefault(p.value & common, []).append(p)
            if len(children) > 1:
                return (common, {k: self._build(v, used | common) for k, v in children.items()})
        return sorted(pats, key=Pattern.specificity, reverse=True)

    def lookup(self, word: int) -> Optional[Pattern]:
        node = self.root
        while isinstance(node, tuple):
            node = node[1].get(word & node[0])
            if node is None:
                return None
        for p in node:
            if word & p.mask == p.value:
                return p
        return None


def bind(patterns: List[Pattern], handlers: Dict[str, Callable]) -> None:
    """Attach each pattern's handler by name; a pattern without one is an error."""
    missing = [p.line for p in patterns if p.name not in handlers]
    if missing:
        raise TableError("no handler for:\n  " + "\n  ".join(missing))
    for p in patterns:
        p.handler = handlers[p.name]
