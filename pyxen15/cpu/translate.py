"""Translation of guest code into Python, one block at a time.

A block is a run of instructions from one physical page that ends at a
branch, any write to the PC, an exception-generating or state-changing
instruction, the page end, or a breakpoint.  Each instruction's handler
*emits* Python statements for its semantics into the block through an
:class:`Emitter`; the block is compiled once into a function
``blk(c, R) -> next_pc`` and cached by the engine.

Inside a block the PC is a constant: an instruction at address A reads PC as
A+8 (A32) or A+4 (T32), and the emitter folds that in.  Flags live on the
core (see state.py).  Every exit from a block adds the instructions and
cycles retired on the way to it, so a conditional branch need not end its
block: the taken path returns, the other runs on.  An exception raised by a
memory access in the middle of a block is mapped back to its instruction
through the source line it came from, so the hot path pays nothing for
precise aborts.
"""

import linecache
from typing import Callable, Dict, List, Tuple

MASK32 = 0xFFFFFFFF

COND_AL = 0xE

# ConditionPassed() (A8.3) over the split flags of state.py.
CONDITION_EXPR = {
    0x0: "c.ZF == 0",                                        # EQ
    0x1: "c.ZF != 0",                                        # NE
    0x2: "c.CF",                                             # CS
    0x3: "not c.CF",                                         # CC
    0x4: "c.NF & 0x80000000",                                # MI
    0x5: "not c.NF & 0x80000000",                            # PL
    0x6: "c.VF",                                             # VS
    0x7: "not c.VF",                                         # VC
    0x8: "c.CF and c.ZF != 0",                               # HI
    0x9: "not c.CF or c.ZF == 0",                            # LS
    0xA: "(c.NF >> 31) == c.VF",                             # GE
    0xB: "(c.NF >> 31) != c.VF",                             # LT
    0xC: "c.ZF != 0 and (c.NF >> 31) == c.VF",               # GT
    0xD: "c.ZF == 0 or (c.NF >> 31) != c.VF",                # LE
}
# `not x & y` parses as `not (x & y)`, which is what PL means.

COND_NAMES = ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
              "hi", "ls", "ge", "lt", "gt", "le", "", ""]


class Insn:
    """A decoded instruction: a pure function of (instruction set, encoding)."""
    __slots__ = ("pattern", "f", "word", "size", "isa")

    def __init__(self, pattern, f: Dict[str, int], word: int, size: int, isa: str):
        self.pattern = pattern
        self.f = f
        self.word = word
        self.size = size
        self.isa = isa

    @property
    def name(self) -> str:
        return self.pattern.name if self.pattern is not None else "UNDEFINED"


def it_advance(itstate: int) -> int:
    """ITAdvance() (A7.3.2)."""
    if itstate & 7 == 0:
        return 0
    return (itstate & 0xE0) | ((itstate << 1) & 0x1F)


class Emitter:
    """Collects the Python source of one block.

    Handlers see the current instruction through ``pc``, ``size``, ``isa``,
    ``cond`` and ``in_it_block``, and write statements with :meth:`line`.
    """

    def __init__(self, isa: str, itstate: int, start: int = -1, loop_ok: bool = False):
        self.isa = isa                   # "A32" or "T32"
        self.start = start               # the block's first instruction
        self.loop_ok = loop_ok           # may a branch to `start` loop inside the block?
        self.loops = False
        self.lines: List[str] = []
        # per instruction: (first source line, pc, ITSTATE, instructions and
        # cycles before it, its data-abort instruction syndrome, 16-bit?)
        self.line_map: List[Tuple[int, int, int, int, int, int, bool]] = []
        self.itstate = itstate
        self.entry_itstate = itstate
        self.n = 0
        self.cycles = 0
        self.ended = False
        self.returned = False            # the last instruction always returns
        self._tmp = 0
        # run-time checks this block has made unconditionally so far, which
        # hold to its end (e.g. the VFP access check: what could change the
        # answer ends a block)
        self.facts = set()
        # values the block holds in local variables from one instruction to
        # the next (ops/vfp.py: VFP registers as host floats), by key
        self.values: Dict[tuple, str] = {}
        # per instruction
        self.pc = 0
        self.size = 4
        self.cond = COND_AL
        self.body: List[str] = []
        self._indent = 0
        self._dead = False
        self._new_itstate = None

    # -- instruction bracket (used by the translator) -------------------------

    def begin(self, pc: int, size: int, cond: int, text: str, cycles: int = 1) -> None:
        self.pc = pc
        self.size = size
        self.cond = cond
        self.cost = cycles
        # A single load or store of one general-purpose register sets the
        # ISS it gives a data abort taken to HYP (ISV, SAS, SSE, SRT: syndrome.Dabt)
        self.abort_iss = 0
        self.body = []
        self._indent = 0
        self._dead = False
        self._new_itstate = None
        self._comment = "# %08x: %s" % (pc, text)

    def finish(self) -> None:
        """Close the current instruction: wrap it in its condition, record its line."""
        first = len(self.lines) + 2          # +1 for "def", +1 for the comment
        self.line_map.append((first, self.pc, self.itstate, self.n, self.cycles,
                              self.abort_iss, self.size == 2))
        self.lines.append(self._comment)
        body = self.body or ["pass"]
        if self.cond != COND_AL and self.cond != 0xF:
            self.lines.append("if %s:" % CONDITION_EXPR[self.cond])
            self.lines.extend("    " + s for s in body)
        else:
            self.lines.extend(body)
        self.n += 1
        self.cycles += self.cost
        if self._new_itstate is not None:
            self.itstate = self._new_itstate
        elif self.in_it_block:
            self.itstate = it_advance(self.itstate)

    # -- what handlers use -----------------------------------------------------

    @property
    def in_it_block(self) -> bool:
        return self.itstate & 0xF != 0

    @property
    def last_in_it_block(self) -> bool:
        return self.itstate & 0xF == 0x8

    @property
    def next_pc(self) -> int:
        return (self.pc + self.size) & MASK32

    @property
    def pc_value(self) -> int:
        """What reading the PC gives: the instruction address + 8 (A32) or + 4 (T32)."""
        return (self.pc + (8 if self.isa == "A32" else 4)) & MASK32

    @property
    def pc_aligned(self) -> int:
        """Align(PC, 4), the base of literal loads and ADR."""
        return self.pc_value & ~3

    @property
    def straight(self) -> bool:
        """Whether the next line runs whenever the instruction runs: it is
        unconditional and the line is not inside an ``if`` of its own (so a
        local variable it sets is there for the rest of the block)."""
        return self.cond in (COND_AL, 0xF) and not self.in_it_block and self._indent == 0

    def line(self, src: str) -> None:
        if self._indent == 0 and self._dead:
            return                   # after an unconditional return
        self.body.append("    " * self._indent + src)

    def indent(self, delta: int) -> None:
        self._indent += delta

    def tmp(self, stem: str = "t") -> str:
        self._tmp += 1
        return "%s%d" % (stem, self._tmp)

    def rd(self, n: int) -> str:
        """An expression for reading register n (the PC reads as a constant)."""
        return "0x%x" % self.pc_value if n == 15 else "R[%d]" % n

    def wr(self, d: int, expr: str) -> None:
        """Write a general-purpose register other than the PC.

        Instructions that may write the PC do so through a *_write_pc method;
        for the rest a PC destination is UNPREDICTABLE, and pyxen15 takes
        the Undefined Instruction exception, as QEMU does.
        """
        if d == 15:
            self.unpredictable()
        else:
            self.line("R[%d] = %s" % (d, expr))

    def unpredictable(self) -> None:
        """An UNPREDICTABLE encoding or operand choice: UNDEF (see wr)."""
        self.undefined()

    def cycles_extra(self, k: int) -> None:
        self.line("c.cycles += %d" % k)

    def _count(self, n: int, cycles: int) -> None:
        self.line("c.icount += %d" % n)
        self.line("c.cycles += %d" % cycles)

    def _leave(self) -> None:
        """A `return` at the top level of an unconditional instruction ends
        the block; one under a condition leaves the rest to run on."""
        if self._indent == 0:
            self._dead = True
            if self.cond in (COND_AL, 0xF):
                self.ended = self.returned = True

    # The four ways an instruction writes the PC (A2.3.1, A2.3.2).  Each ends
    # the block: the handler's `return` leaves it with the next PC.

    def branch_write_pc(self, expr: str) -> None:
        mask = 0xFFFFFFFC if self.isa == "A32" else 0xFFFFFFFE
        try:
            target = int(expr, 0) & mask                     # a direct branch: fold it
        except ValueError:
            self._exit("(%s) & 0x%x" % (expr, mask))
            return
        if target == self.start and self.loop_ok and self.entry_itstate == 0 and not self.in_it_block:
            self._loop_back()
        else:
            self._exit("0x%x" % target)

    def _loop_back(self) -> None:
        """A branch back to the block's own first instruction: go round again
        inside the function while the engine has nothing to look at (the
        same checks its dispatcher makes between blocks)."""
        self._count(self.n + 1, self.cycles + self.cost)
        self.line("if c.icount < c.soft_limit and c.cycles < c.horizon and not c.attention:")
        self.line("    continue")
        self.line("return 0x%x" % self.start)
        self.loops = True
        self._leave()

    def bx_write_pc(self, expr: str) -> None:
        self._exit("c.bx_write_pc(%s)" % expr)

    def load_write_pc(self, expr: str) -> None:
        self.bx_write_pc(expr)

    def alu_write_pc(self, expr: str) -> None:
        if self.isa == "A32":
            self.bx_write_pc(expr)
        else:
            self.branch_write_pc(expr)

    def exit_to(self, expr: str) -> None:
        """Leave the block to `expr`, the address the core goes on at."""
        self._exit(expr)

    def set_itstate(self, value: int) -> None:
        """IT: the ITSTATE that holds from the next instruction on."""
        self._new_itstate = value

    def undefined(self) -> None:
        """The encoding is UNDEFINED: take the Undefined Instruction exception."""
        self.exception("c.take_undef(0x%x)" % self.pc)

    def exception(self, expr: str, advance_it: bool = False) -> None:  # noqa: C901
        """Leave the block through `expr`, a call that takes an exception and
        returns the vector address.  CPSR.IT is made architectural first, as
        exception entry saves it in the SPSR: the faulting instruction's
        ITSTATE, or the advanced one for SVC and HVC (ITAdvance() comes
        first in their pseudocode)."""
        it = self.itstate
        if advance_it and self.in_it_block:
            it = it_advance(it)
        if it != self.entry_itstate:
            self.line("c.IT = %d" % it)
        self.leave(expr)

    def sync_itstate(self) -> None:
        """Make CPSR.IT architectural before calling into the core mid-block."""
        if self.itstate != self.entry_itstate:
            self.line("c.IT = %d" % self.itstate)

    def end_block(self) -> None:
        """End the block after this instruction (a state change the engine must see)."""
        self.ended = True

    def _exit(self, expr: str) -> None:
        if self.itstate != self.entry_itstate or self.in_it_block:
            # A branch ends an IT block: ITSTATE is zero after it.
            self.line("c.IT = 0")
        self.leave(expr)

    def leave(self, expr: str) -> None:
        """Return `expr` as the next PC, counting this instruction as retired.
        The caller has made CPSR.IT right (an exception entry clears it)."""
        self._count(self.n + 1, self.cycles + self.cost)
        self.line("return %s" % expr)
        self._leave()

    # -- the function ------------------------------------------------------------

    def source(self, name: str, fallthrough: int) -> str:
        body = list(self.lines)
        if not self.returned:
            if self.itstate != self.entry_itstate:
                body.append("c.IT = %d" % self.itstate)
            body.append("c.icount += %d" % self.n)
            body.append("c.cycles += %d" % self.cycles)
            body.append("return 0x%x" % fallthrough)
        out = ["def %s(c, R):" % name]
        if self.loops:
            # one more line and indent: shift the line map with it
            out.append("    while True:")
            body = ["    " + s for s in body]
            self.line_map = [(m[0] + 1,) + m[1:] for m in self.line_map]
        out.extend("    " + s for s in body)
        return "\n".join(out) + "\n"


class Block:
    """A translated block: its function, counts and where it came from."""
    __slots__ = ("fn", "n", "cycles", "line_map", "pages", "key", "source", "code")

    def __init__(self, fn: Callable, n: int, cycles: int, line_map, pages, key, source):
        self.fn = fn
        self.n = n
        self.cycles = cycles
        self.line_map = line_map
        self.pages = pages
        self.key = key
        self.source = source
        self.code = fn.__code__

    def locate(self, lineno: int) -> Tuple[int, int, int, int, int, bool]:
        """For a source line: its instruction's pc and ITSTATE, the
        instructions and cycles retired before it, and the instruction's
        abort syndrome and whether it is a 16-bit one."""
        entry = self.line_map[0]
        for candidate in self.line_map:
            if candidate[0] > lineno:
                break
            entry = candidate
        return entry[1:]


def block_filename(isa: str, va: int, key: int) -> str:
    """The name a block's code is compiled under and registered with in
    `linecache`: unique per block key (instruction set, virtual and
    physical address, ITSTATE, a one-instruction tail block), so a
    traceback or pdb through a block shows its source, and a block
    translated again for the same key replaces its own entry."""
    it = key >> 32 & 0xFF
    return "<block %s va=%08x pa=%08x%s%s>" % (
        isa, va & MASK32, key & MASK32 & ~1, " it=%02x" % it if it else "",
        " single" if key >> 60 & 1 else "")


def compile_block(em: Emitter, key: int, pages, namespace: Dict, fallthrough: int) -> Block:
    name = "blk_%x" % (key & MASK32)
    src = em.source(name, fallthrough)
    filename = block_filename(em.isa, em.start, key)
    code = compile(src, filename, "exec")
    # (size, mtime None: linecache.checkcache keeps it, lines, name)
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    local: Dict = {}
    exec(code, namespace, local)
    return Block(local[name], em.n, em.cycles, em.line_map, pages, key, src)
