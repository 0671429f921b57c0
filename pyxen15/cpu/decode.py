"""The A32, T32 and T16 decoders, assembled from the instruction families.

Decoding is pure: the result depends only on the instruction set and the
encoding, so it is cached per word (STYLE.md, 9).  The A32 space splits on
the condition field first (A5.1): cond == 0b1111 selects the unconditional
instructions, every other value the conditional ones, so the two are
separate tables.  T32 words are ``hw1 << 16 | hw2``.
"""

from typing import Dict

from .decodetree import Decoder, bind, parse_table
from .ops import (branch, dataproc, loadstore, media, multiply, neon_fp, neon_int, neon_ls,
                  neon_misc, system, vfp)
from .translate import Insn

FAMILIES = (dataproc, multiply, media, loadstore, branch, system, vfp, neon_fp, neon_int, neon_ls,
            neon_misc)

# Field letters shared by every family of an instruction set; families add
# their own through FIELDS, or read their tables with a LEGEND of their own.
# Names follow the ARM ARM's encoding diagrams.
COMMON_FIELDS = {
    "A32": {"c": "cond", "n": "rn", "d": "rd", "m": "rm", "x": "rs", "t": "rt",
            "a": "ra", "s": "S", "i": "imm", "r": "rot", "y": "stype"},
    "T32": {"n": "rn", "d": "rd", "m": "rm", "t": "rt", "a": "ra", "s": "S",
            "i": "imm", "y": "stype", "c": "cond"},
    "T16": {"n": "rn", "d": "rd", "m": "rm", "t": "rt", "i": "imm", "c": "cond"},
}
COMMON_FIELDS["A32U"] = COMMON_FIELDS["A32"]
WIDTH = {"A32": 32, "A32U": 32, "T32": 32, "T16": 16}


def _legend(isa: str) -> Dict[str, str]:
    legend = dict(COMMON_FIELDS[isa])
    for fam in FAMILIES:
        for letter, name in getattr(fam, "FIELDS", {}).get(isa, {}).items():
            if legend.get(letter, name) != name:
                raise ValueError("%s: field letter %r is %s, not %s" % (
                    fam.__name__, letter, legend[letter], name))
            legend[letter] = name
    return legend


def _build(isa: str) -> Decoder:
    legend = _legend(isa)
    patterns = []
    handlers = {}
    owner = {}
    for fam in FAMILIES:
        text = fam.TABLES.get(isa)
        if text:
            # A family may read its tables with a legend of its own (the
            # Advanced SIMD ones: neon/lanes.py), clear of the others' letters.
            own = getattr(fam, "LEGEND", {}).get(isa, legend)
            patterns += parse_table(text, own, WIDTH[isa], "%s[%s]" % (fam.__name__, isa))
        for name in fam.HANDLERS:
            # one namespace of pattern names: a second family's would silently
            # replace the first one's handler
            if owner.setdefault(name, fam.__name__) != fam.__name__:
                raise ValueError("pattern %s is handled by both %s and %s" % (
                    name, owner[name], fam.__name__))
        handlers.update(fam.HANDLERS)
    bind(patterns, handlers)
    return Decoder(patterns)


DECODERS = {isa: _build(isa) for isa in WIDTH}

_cache: Dict[int, Insn] = {}
_ISA_TAG = {"A32": 0, "A32U": 0, "T32": 1 << 33, "T16": 1 << 34}


def decode(isa: str, word: int) -> Insn:
    """Decode one encoding; isa is "A32", "T32" (32-bit Thumb) or "T16"."""
    key = word | _ISA_TAG[isa]
    insn = _cache.get(key)
    if insn is None:
        table = "A32U" if isa == "A32" and word >> 28 == 0xF else isa
        pattern = DECODERS[table].lookup(word)
        f = pattern.extract(word) if pattern is not None else {}
        insn = Insn(pattern, f, word, 2 if isa == "T16" else 4, "A32" if isa == "A32" else "T32")
        _cache[key] = insn
    return insn


def is_t32_prefix(hw1: int) -> bool:
    """A halfword starting 0b11101, 0b11110 or 0b11111 is the first of a 32-bit
    Thumb instruction (A6.1)."""
    return hw1 >> 11 >= 0b11101
