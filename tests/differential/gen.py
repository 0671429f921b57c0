"""Seeded random instruction-stream generator for the A32/T32 differential tests.

A test case is: initial r0-r14 and APSR (NZCVQ, GE), a data block of random bytes,
and a code image = a stream of *groups* followed by a trailer.  A group is one tested
instruction (or an IT block of up to four) preceded by the MOVW/MOVT set-up
instructions its operands need (load/store bases, indexes, branch-target registers);
set-up instructions are real tested instructions too, just unconditional.  Group
starts are the only branch targets, so a branch never skips a set-up without also
skipping what it sets up.

Branches go forward only, to a later group or to the trailer:

* A32: ``X: b exit; X+4: (T32) bx pc; nop; exit:`` -- ``X+4`` is a Thumb entry for
  interworking BX/BLX from the A32 stream.
* T32: ``X: [nop] bx pc; nop; exit:`` -- ``exit`` is an A32 address for interworking
  BX/BLX from the Thumb stream.

Both implementations start at the stream in the stream's state and stop at ``exit``
in A32 state.  Memory layout is per *slot* (test index modulo NSLOTS): the code image
at ``code_addr(slot)``, the data block at ``data_addr(slot)``; one QEMU batch uses each
slot at most once.
"""

import collections
import random

from .encoding import REG_FIELDS, Insn
from . import a32, t32
from . import plans as P

# --- memory map shared by qemu_ref (ELF layout) and pyx_run ---------------------------
CODE_BASE = 0x80000000          # driver (signal handler, final exit)
SLOT_BASE = 0x80010000          # per-test code slots
SLOT_SIZE = 0x1000
CODE_OFFSET = 0x80              # prologue and initial state precede the code image
EPILOGUE_ROOM = 0x100           # epilogue after exit_addr, inside the slot
NSLOTS = 256
DATA_BASE = 0x80200000          # per-test data slots
DATA_STRIDE = 0x800
DATA_OFFSET = 0x40              # result record (r0-r14, APSR) precedes the data block
DATA_SIZE = 0x400
RW_SIZE = 0x300                 # stores stay below; TBB/TBH tables live above
ALTSTACK = DATA_BASE + NSLOTS * DATA_STRIDE
ALTSTACK_SIZE = 0x4000

APSR_MASK = 0xF80F0000          # N Z C V Q and GE[3:0]
MASK32 = 0xFFFFFFFF

ISAS = ("a32", "t32")

CLASS_WEIGHTS = {
    "dp_imm": 3, "dp_reg": 3, "dp_regsh": 2, "movw": 0.5, "mul": 1, "mul_long": 1,
    "mul_dsp": 1.5, "div": 1, "sat": 1, "parallel": 1.5, "pack": 0.5, "extend": 1,
    "bits": 1, "bitfield": 1, "status": 0.5, "mem": 3, "mem_pair": 1, "multi": 1.5,
    "branch": 2,
}
IT_WEIGHT = 2.0                 # T32: weight of an IT-block group among the classes
T16_SHARE = 0.4                 # T32: share of groups drawn from the 16-bit encodings
SEED_P = 0.12                   # chance to set a source operand to a boundary value first


class GenError(RuntimeError):
    pass


def slot_of(index):
    return index % NSLOTS


def code_addr(slot):
    return SLOT_BASE + slot * SLOT_SIZE + CODE_OFFSET


def data_addr(slot):
    return DATA_BASE + slot * DATA_STRIDE + DATA_OFFSET


def _table(isa):
    return a32 if isa == "a32" else t32


def templates(isa):
    """All templates of an instruction set ('t32' includes the 16-bit ones)."""
    return list(_table(isa).TEMPLATES)


# ----------------------------------------------------------------------------------------
class Ctx:
    """What field generators and plans may use while one test case is drawn."""

    def __init__(self, isa, rng, daddr):
        self.isa = isa
        self.rng = rng
        self.data_addr = daddr
        self.data_size = DATA_SIZE
        self.rw_size = RW_SIZE
        self.pool4 = tuple(range(15)) if isa == "a32" else t32.GENERAL
        self.table_used = set()
        self.pending_table = None
        self.force = {}              # field values imposed on every draw

    def reg4(self):
        return self.rng.choice(self.pool4)

    def reg3(self):
        return self.rng.randrange(8)

    def cond(self):
        """A32 condition: AL more than half the time, else EQ..LE."""
        return 14 if self.rng.random() < 0.55 else self.rng.randrange(14)

    def claim_table(self, esize):
        """An unused, aligned TBB/TBH entry address in the read-only part."""
        for _ in range(20):
            off = RW_SIZE + esize * self.rng.randrange((DATA_SIZE - RW_SIZE) // esize)
            span = set(range(off, off + esize))
            if not span & self.table_used:
                self.table_used |= span
                return self.data_addr + off
        return None


def draw(ctx, tmpl, seed_operands=True):
    """Draw one instance of ``tmpl``: fields, check, plan.  Raises GenError if the
    template's constraints keep rejecting.  ``ctx.force`` overrides fields."""
    rng = ctx.rng
    for _ in range(200):
        f = {}
        for name, (_lsb, width) in tmpl.pattern.fields.items():
            g = ctx.force.get(name, tmpl.field_gens.get(name))
            if g is None:
                if name == tmpl.cond:
                    v = ctx.cond()
                elif name in REG_FIELDS:
                    v = ctx.reg3() if width == 3 else ctx.reg4()
                else:
                    v = rng.getrandbits(width)
            elif callable(g):
                v = g(ctx)
            elif isinstance(g, int):
                v = g
            else:
                v = rng.choice(tuple(g))
            f[name] = v
        if tmpl.check and not tmpl.check(f):
            continue
        writes = {f[d] for d in tmpl.dst}
        if tmpl.writes_fn:
            writes |= set(tmpl.writes_fn)
        setup = []
        ctx.pending_table = None
        if tmpl.plan:
            r = tmpl.plan(ctx, f)
            if r is None:
                continue
            setup, extra = r
            writes |= extra
        insn = Insn(tmpl, f, setup, pins={reg for reg, _ in setup}, writes=writes)
        if ctx.pending_table:
            insn.table = ctx.pending_table
        if seed_operands and not tmpl.plan and not tmpl.branch and rng.random() < SEED_P:
            srcs = [f[k] for k in ("rn", "rm", "rs", "ra") if k in f and f[k] < 13]
            if srcs:
                insn.setup.append((rng.choice(srcs), P.interesting(rng)))
        return insn
    raise GenError("%s: constraints rejected 200 draws" % tmpl.name)


def materialize(ctx, setup, avoid):
    """Set-up instructions for [(reg, value)]; value None means a branch target
    filled in later (always MOVW+MOVT).  Returns (insns, {reg: (movw, movt)})."""
    tab = _table(ctx.isa)
    out, late = [], {}
    # SP first: in T32 it goes through a scratch register that must not be pinned.
    order = sorted(setup, key=lambda rv: rv[0] != 13)
    for reg, value in order:
        via = reg
        if reg == 13 and ctx.isa == "t32":
            choices = [r for r in t32.GENERAL if r not in avoid]
            via = ctx.rng.choice(choices)
        v = 0 if value is None else value
        tm, f = tab.mov16(via, v & 0xFFFF, False)
        lo = Insn(tm, f, role="setup")
        out.append(lo)
        hi = None
        if value is None or v >> 16:
            tm, f = tab.mov16(via, v >> 16, True)
            hi = Insn(tm, f, role="setup")
            out.append(hi)
        if via != reg:
            tm, f = t32.mov_sp(via)
            out.append(Insn(tm, f, role="setup"))
        if value is None:
            late[reg] = (lo, hi)
    return out, late


class Group:
    __slots__ = ("items", "addr", "late")

    def __init__(self, items, late=None):
        self.items = items
        self.addr = None
        self.late = late or {}


# ----------------------------------------------------------------------------------------
class Generator:
    """Draws test cases for one instruction set.

    ``only``: restrict the draw to these template names (template self-checks);
    ``force``: field values imposed where they exist;
    ``groups``: groups per test case."""

    def __init__(self, isa, groups=48, only=None, it_weight=IT_WEIGHT, force=None):
        if isa not in ISAS:
            raise ValueError(isa)
        self.isa = isa
        self.ngroups = groups
        self.force = dict(force or {})
        pool = [tm for tm in templates(isa) if tm.klass not in ("it", "pad")]
        if only is not None:
            only = set(only)
            pool = [tm for tm in pool if tm.name in only]
            if not pool and "IT_n" not in only:
                raise ValueError("no templates match %r" % sorted(only))
        self.pool = pool
        self.it_weight = it_weight if (isa == "t32" and (only is None or "IT_n" in only)) else 0
        self._pick_cache = {}
        # IT blocks draw from the same templates (all of them when only IT is asked).
        self.it_pool = [tm for tm in (pool or templates(isa))
                        if tm.it in ("ok", "last") and tm.klass not in ("it", "pad")]

    # -- choosing templates -------------------------------------------------------------
    def _pick(self, rng, pool=None, last=True):
        """A template: first a class (CLASS_WEIGHTS), then a member of it; in T32
        first 16-bit or 32-bit encodings (T16_SHARE)."""
        main = pool is None
        pool = self.pool if main else pool
        sub = None
        if self.isa == "t32" and main:
            sub = "t16" if rng.random() < T16_SHARE else "t32"
        key = (id(pool), sub, last)
        table = self._pick_cache.get(key)
        if table is None:
            cand = pool if last else [tm for tm in pool if tm.it == "ok"]
            if sub is not None:
                cand = [tm for tm in cand if tm.isa == sub] or cand
            classes = sorted({tm.klass for tm in cand})
            members = [[tm for tm in cand if tm.klass == k] for k in classes]
            table = (members, [CLASS_WEIGHTS.get(k, 1) for k in classes],
                     [[tm.weight for tm in m] for m in members])
            self._pick_cache[key] = table
        members, cweights, mweights = table
        i = rng.choices(range(len(members)), cweights)[0]
        return rng.choices(members[i], mweights[i])[0]

    def _single_group(self, ctx):
        tm = self._pick(ctx.rng)
        insn = draw(ctx, tm)
        pre, late = materialize(ctx, insn.setup, insn.pins)
        items = pre + [insn]
        if tm.name in ("CBZ_ri_n", "CBNZ_ri_n"):
            # CBZ can only reach PC+4 onwards: a pad guarantees a group start there.
            items.append(Insn(t32.BY_NAME["NOP_n"], {}, role="pad"))
        return Group(items, late)

    def _it_group(self, ctx):
        rng = ctx.rng
        k = rng.randint(1, 4)
        firstcond = 14 if rng.random() < 0.1 else rng.randrange(14)
        elses = [False if firstcond == 14 else rng.random() < 0.4 for _ in range(k - 1)]
        body, pins, written = [], {}, set()
        for j in range(k):
            last = j == k - 1
            for _attempt in range(20):
                tm = self._pick(rng, self.it_pool, last=last)
                insn = draw(ctx, tm)
                pin_vals = {r: v for r, v in insn.setup if r in insn.pins}
                if insn.pins & written:
                    continue          # an earlier instruction of the block clobbers it
                if any(r in pins and pins[r] != v for r, v in pin_vals.items()):
                    continue          # two instructions want one register set up twice
                break
            else:
                k = j
                break
            pins.update(pin_vals)
            written |= insn.writes
            body.append(insn)
        if not body:
            return self._single_group(ctx)
        if len(body) < len(elses) + 1:
            elses = elses[:len(body) - 1]
        setup = []
        for insn in body:
            setup.extend(insn.setup)
        # Unpinned operand seeds must not clobber another instruction's pinned set-up.
        setup = [(r, v) for r, v in setup if r not in pins or pins[r] == v]
        pre, late = materialize(ctx, setup, set(pins))
        it = Insn(t32.BY_NAME["IT_n"], t32.it_fields(firstcond, elses), role="it")
        return Group(pre + [it] + body, late)

    # -- the test case ----------------------------------------------------------------------
    def case(self, seed, index):
        """Test case ``index`` of run ``seed`` (independent of every other index)."""
        rng = random.Random("pyxen15-diff:%s:%s:%d" % (self.isa, seed, index))
        slot = slot_of(index)
        ctx = Ctx(self.isa, rng, data_addr(slot))
        ctx.force = self.force
        groups = []
        for _ in range(self.ngroups):
            if self.it_weight and rng.random() < self.it_weight / (self.it_weight + 10):
                groups.append(self._it_group(ctx))
            else:
                groups.append(self._single_group(ctx))
        case = _finish(self.isa, seed, index, slot, rng, ctx, groups)
        case.groups = self.ngroups
        return case


class Layout:
    """Addresses of one code image, handed to fixups and branch resolution."""

    def __init__(self, rng, code_addr_, trailer, exit_addr):
        self.rng = rng
        self.code_addr = code_addr_
        self.trailer = trailer
        self.exit_addr = exit_addr


def _pick_target(rng, cands):
    """Prefer near targets so that most of the stream still executes."""
    cands = sorted(cands)
    i = min(int(rng.expovariate(0.8)), len(cands) - 1)
    return cands[i]


def _finish(isa, seed, index, slot, rng, ctx, groups):
    caddr = code_addr(slot)
    addr = caddr
    for g in groups:
        g.addr = addr
        for insn in g.items:
            insn.addr = addr
            addr += insn.size
    x = addr
    if isa == "a32":
        trailer = [(4, 0xEA000000), (2, 0x4778), (2, 0xBF00)]   # b exit; bx pc; nop
        exit_addr = x + 8
        same_targets = [g.addr for g in groups] + [x, exit_addr]
        other_targets = [x + 4]                                 # Thumb: bx pc
    else:
        trailer = ([(2, 0xBF00)] if x % 4 else []) + [(2, 0x4778), (2, 0xBF00)]
        exit_addr = (x + (2 if x % 4 else 0) + 4) & ~3
        same_targets = [g.addr for g in groups] + [x]
        other_targets = [exit_addr]
    if exit_addr + EPILOGUE_ROOM > caddr - CODE_OFFSET + SLOT_SIZE:
        raise GenError("code image of %d bytes does not fit a slot" % (exit_addr - caddr))
    lay = Layout(rng, caddr, x, exit_addr)
    data = bytearray(rng.getrandbits(8 * DATA_SIZE).to_bytes(DATA_SIZE, "little"))
    thumb = isa == "t32"

    for g in groups:
        for insn in g.items:
            tm = insn.tmpl
            if tm.fixup:
                tm.fixup(insn, lay)
            if tm.branch:
                spec = tm.branch
                pool = other_targets if spec.state == "other" else same_targets
                cands = [t for t in pool if t > insn.addr and spec.reaches(insn.addr, t)]
                if not cands:
                    raise GenError("%s at %#x: no reachable target" % (tm.name, insn.addr))
                target = _pick_target(rng, cands)
                spec.set_fields(insn.f, target - spec.base(insn.addr))
                insn.target = target
            elif isinstance(tm.plan, P.PcLoad):
                entry = insn.table[0]
                if rng.random() < 0.25:
                    target = rng.choice(other_targets)
                    tbit = 0 if thumb else 1
                else:
                    target = _pick_target(rng, [t for t in same_targets if t > insn.addr])
                    tbit = 1 if thumb else 0
                off = entry - ctx.data_addr
                data[off:off + 4] = (target | tbit).to_bytes(4, "little")
                insn.target = target
            elif insn.table is not None:
                entry, esize = insn.table
                pc = insn.addr + 4
                limit = pc + 2 * (0xFF if esize == 1 else 0xFFFF)
                cands = [t for t in same_targets if pc <= t <= limit]
                target = _pick_target(rng, cands)
                off = entry - ctx.data_addr
                data[off:off + esize] = ((target - pc) // 2).to_bytes(esize, "little")
                insn.target = target
            elif isinstance(tm.plan, P.RegBranch):
                rm = insn.f["rm"]
                if rng.random() < 0.25:
                    target = rng.choice(other_targets)
                    tbit = 0 if thumb else 1
                else:
                    cands = [t for t in same_targets if t > insn.addr]
                    target = _pick_target(rng, cands)
                    tbit = 1 if thumb else 0
                value = target | tbit
                lo, hi = g.late[rm]
                tab = _table(isa)
                lo.f = tab.mov16(lo.f["rd"], value & 0xFFFF, False)[1]
                hi.f = tab.mov16(hi.f["rd"], value >> 16, True)[1]
                insn.target = target

    code = bytearray()
    insns = [i for g in groups for i in g.items]
    for insn in insns:
        code += insn.encode()
    for size, word in trailer:
        code += word.to_bytes(size, "little")
    assert caddr + len(code) == exit_addr, (hex(caddr), len(code), hex(exit_addr))

    regs = [P.interesting(rng) for _ in range(15)]
    regs[13] = ctx.data_addr + 4 * rng.randrange(RW_SIZE // 4)
    apsr = (rng.getrandbits(5) << 27) | (rng.getrandbits(4) << 16)
    return TestCase(isa, seed, index, slot, caddr, bytes(code), exit_addr, ctx.data_addr,
                    bytes(data), regs, apsr, insns)


class TestCase:
    """Everything both implementations need to run one stream, plus the drawn
    instructions for reports."""

    __test__ = False     # not a pytest class
    fp = None            # VFP cases (vfp.py): the initial D0-D31 and FPSCR

    def __init__(self, isa, seed, index, slot, code_addr_, code, exit_addr, data_addr_,
                 data, regs, apsr, insns):
        self.isa = isa
        self.seed = seed
        self.index = index
        self.slot = slot
        self.code_addr = code_addr_
        self.code = code
        self.exit_addr = exit_addr
        self.data_addr = data_addr_
        self.data = data
        self.regs = regs
        self.apsr = apsr
        self.insns = insns
        self.groups = None          # groups per case of the generator that drew it

    @property
    def thumb(self):
        return self.isa == "t32"

    @property
    def ninsns(self):
        return len(self.insns)

    def class_counts(self):
        c = collections.Counter()
        for insn in self.insns:
            c["setup" if insn.role == "setup" else insn.tmpl.klass] += 1
        return c

    def template_counts(self):
        return collections.Counter(i.tmpl.name for i in self.insns if i.role == "test")

    def __repr__(self):
        return "<TestCase %s seed=%s index=%d %d insns>" % (self.isa, self.seed, self.index,
                                                           self.ninsns)


def generate(isa, seed, count, start=0, **kw):
    """Test cases ``start .. start+count-1`` of run ``seed``."""
    g = Generator(isa, **kw)
    return [g.case(seed, i) for i in range(start, start + count)]
