"""Declarative instruction templates for the differential generator.

A template is one encoding written the way QEMU's decodetree writes it: a line of
fixed bits and named fields, e.g. ``"cond:4 001 0100 s:1 rn:4 rd:4 imm12:12"``.
On top of the bit pattern a template carries

* field generators (by default registers come from the instruction set's pool and
  immediates are uniform over their width),
* ``check``: a predicate over the drawn fields that rejects UNPREDICTABLE or
  aliasing combinations (DDI 0406C names them per encoding),
* ``plan``: an optional hook that completes an instance whose operand *values*
  matter for safety (loads and stores: the base register must point into the data
  block), returning register set-up values that the generator materialises with
  MOVW/MOVT just before the instruction,
* ``branch``: for branches, how the target offset is encoded and its range,
* metadata: the instruction class (coverage report), where it may sit in an IT
  block, which fields are destinations.

A 32-bit Thumb pattern describes ``hw1:hw2`` as one 32-bit number (hw1 in the
high half); encoding produces the two halfwords in memory order.
"""

import re
import struct

REG_FIELDS = frozenset(
    ("rd", "rn", "rm", "rs", "rt", "rt2", "ra", "rdlo", "rdhi", "rdn"))

_TOKEN = re.compile(r"^([a-z][a-z0-9_]*):(\d+)$")


class PatternError(ValueError):
    pass


class Pattern:
    """Fixed bits plus named fields, most significant bit first."""

    def __init__(self, text, width):
        self.text = text
        self.width = width
        self.fields = {}          # name -> (lsb, width)
        self.fixed_mask = 0
        self.fixed_bits = 0
        pos = width
        for tok in text.split():
            m = _TOKEN.match(tok)
            if m:
                name, w = m.group(1), int(m.group(2))
                pos -= w
                if name in self.fields:
                    raise PatternError("field %r twice in %r" % (name, text))
                self.fields[name] = (pos, w)
            elif set(tok) <= set("01"):
                for ch in tok:
                    pos -= 1
                    self.fixed_mask |= 1 << pos
                    if ch == "1":
                        self.fixed_bits |= 1 << pos
            else:
                raise PatternError("bad token %r in %r" % (tok, text))
        if pos != 0:
            raise PatternError("pattern %r is %d bits, want %d" % (text, width - pos, width))

    def encode(self, values):
        word = self.fixed_bits
        for name, (lsb, w) in self.fields.items():
            v = values[name]
            if not 0 <= v < (1 << w):
                raise PatternError("field %s=%r does not fit %d bits (%s)" % (name, v, w, self.text))
            word |= v << lsb
        return word

    def matches(self, word):
        return word & self.fixed_mask == self.fixed_bits

    def decode(self, word):
        return {name: (word >> lsb) & ((1 << w) - 1) for name, (lsb, w) in self.fields.items()}


class BranchSpec:
    """How a branch encodes its target.

    ``pc_offset``: the PC value the offset is relative to, as ``addr + pc_offset``;
    ``align_pc``: the base is Align(PC, 4) (BLX immediate, literal loads);
    ``lo``/``hi``: reachable offset range; ``step``: offset granularity;
    ``set``: function(fields, offset) writing the offset into the fields;
    ``state``: 'same' or 'other' (interworking: the target is in the other state).
    """

    def __init__(self, pc_offset, lo, hi, step, set_fields, align_pc=False, state="same"):
        self.pc_offset = pc_offset
        self.lo = lo
        self.hi = hi
        self.step = step
        self.set_fields = set_fields
        self.align_pc = align_pc
        self.state = state

    def base(self, addr):
        pc = addr + self.pc_offset
        return pc & ~3 if self.align_pc else pc

    def reaches(self, addr, target):
        off = target - self.base(addr)
        return self.lo <= off <= self.hi and off % self.step == 0


class Template:
    """One encoding: see the module docstring."""

    def __init__(self, isa, name, pattern, klass, fields=None, check=None, plan=None,
                 dst=("rd",), writes=None, branch=None, it="ok", cond="cond",
                 weight=1.0, mnemonic=None, fixup=None):
        self.isa = isa
        self.name = name
        self.size = 2 if isa == "t16" else 4
        self.pattern = Pattern(pattern, 16 if isa == "t16" else 32)
        self.klass = klass
        self.field_gens = dict(fields or {})
        self.check = check
        self.plan = plan
        self.dst = tuple(d for d in dst if d in self.pattern.fields)
        self.writes_fn = writes
        self.branch = branch
        self.it = it                     # 'ok', 'last' (IT block: last only), 'never'
        self.cond = cond if cond in self.pattern.fields else None
        self.weight = weight
        self.mnemonic = mnemonic or name.split("_")[0]
        self.fixup = fixup               # function(insn, layout) for PC-relative data
        for f in self.field_gens:
            if f not in self.pattern.fields:
                raise PatternError("%s: generator for unknown field %r" % (name, f))

    def __repr__(self):
        return "<Template %s %s>" % (self.isa, self.name)


class Insn:
    """One generated instruction: a template plus concrete fields.

    ``setup``: list of (reg, value) to materialise before it; ``pins``: registers
    whose set-up value must still hold when it executes; ``writes``: registers it
    may write; ``addr``: assigned at layout.
    """

    __slots__ = ("tmpl", "f", "setup", "pins", "writes", "addr", "target", "role",
                 "table")

    def __init__(self, tmpl, fields, setup=(), pins=(), writes=(), role="test"):
        self.tmpl = tmpl
        self.f = fields
        self.setup = list(setup)
        self.pins = set(pins)
        self.writes = set(writes)
        self.addr = None
        self.target = None
        self.role = role           # 'test', 'setup', 'pad', 'it'
        self.table = None          # TBB/TBH: (table address, index, entry size)

    @property
    def size(self):
        return self.tmpl.size

    def word(self):
        return self.tmpl.pattern.encode(self.f)

    def encode(self):
        w = self.word()
        if self.tmpl.size == 2:
            return struct.pack("<H", w)
        if self.tmpl.isa == "a32":
            return struct.pack("<I", w)
        return struct.pack("<HH", w >> 16, w & 0xFFFF)

    def __repr__(self):
        return "<Insn %s %s>" % (self.tmpl.name, self.f)


def field_bits(value, lsb, width):
    return (value >> lsb) & ((1 << width) - 1)


def sign_extend(value, bits):
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value
