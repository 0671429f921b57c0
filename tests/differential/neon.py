"""Advanced SIMD (NEON) streams: the template format, operand values, the generator,
batches against QEMU and a command line.

Templates live in three files, one per owner, and are written once as the A32
encoding; the T32 one is derived (DDI 0406C A7.4, A7.7, A7.8):

* data processing, A32 ``1111 001U <24 bits>``  ->  T32 ``111U 1111 <24 bits>``
* element/structure load/store, A32 ``1111 0100 <24 bits>``  ->  T32 ``1111 1001 <24 bits>``
* transfers between core and extension registers (VDUP core, VMOV scalar), A32
  ``cond:4 <28 bits>``  ->  T32 ``1110 <28 bits>``

so a template's pattern starts with ``1111 001`` and then one U bit (``0``, ``1`` or a
field ``u:1``), with ``1111 0100``, or with ``cond:4``.

A template is one call of :func:`simd` (see its docstring and
``neon_templates_ls.py``)::

    simd("VADD_i", "1111 001 0 0 d:1 size:2 vn:4 vd:4 1000 n:1 q:1 m:1 0 vm:4",
         "neon_int", regs=(Vd(), Vn(), Vm()), fields={"size": range(4)})

``regs`` are the SIMD register operands (:class:`Reg`): which fields name the
register, whether it is a D or a Q register (``"q"``: as field q says), its role and
the kind of value a source gets (:func:`lane_value`).  The generator makes every
Q operand's register number even before ``check`` runs, so a template only writes
the constraints that remain (``check``), e.g. size != 11.

A NEON test case is a list of groups, each

1. ``MOVW/MOVT rX, #fpscr; VMSR FPSCR, rX``: a fresh FPSCR (every rounding mode, FZ,
   DN, AHP on and off, QC set or clear, random NZCV and cumulative flags);

then TESTS_PER_GROUP times:

2. operand set-ups: ``VLDR Dn`` of boundary values from the case's constant pool
   into (some of) the D registers the sources occupy (the others keep earlier
   results, so results feed later instructions);
3. core set-ups from the template's ``plan`` (addresses of loads and stores, ...);
4. the tested instruction (T32: sometimes alone in an IT block, IT_P);
5. the log, to the next free bytes of the log area at ``[r11, #off]``:
   ``VMRS rX, FPSCR; STR rX``, a ``STR`` of each core destination, and ``VSTR`` of
   the first one or two D registers of the first SIMD destination (a Q result whole).

So FPSCR (QC and the cumulative flags), core and SIMD results are compared after
every instruction, and D0-D31 (= Q0-Q15), FPSCR, r0-r14, APSR and the data block
at the end.

Data block (1 KiB): stores go to 0x000-0x0ff, the log takes 0x100-0x2ff, the
constant pool (32 D-words of boundary values) 0x300-0x3ff; loads read anywhere.
"""

import collections
import random
import time

from .encoding import Insn, Pattern, Template, PatternError, _TOKEN
from . import compare, disasm, gen, qemu_ref, vfp
from . import vfp_values as FV
from . import a32, t32

MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1
LOG_REG = vfp.LOG_REG           # r11: the log base for the whole case
STORE_SIZE = 0x100
LOG_OFFSET = 0x100
LOG_SIZE = 0x200
POOL_OFFSET = 0x300
POOL_SLOTS = 32                 # D-words
TESTS_PER_GROUP = 2
MAX_TESTS = 40                  # per case; the log space usually ends it first
MAX_ENTRY = 4 + 4 * 2 + 16      # FPSCR, two core results, two D registers
REFRESH_P = 0.7                 # chance that a source D register gets a pool value
IT_P = 0.15                     # T32: chance of a one-instruction IT block around it
SLOTS_PER_KIND = 4              # pool slots drawn for one kind before reuse
POOL = vfp.POOL                 # core registers: never r11, SP only through plans

# Templates the model still gets wrong, left out of the draw until fixed:
# {template name: the mismatch}.  Printed in every summary.
KNOWN_GAPS = {}


# --- the template format ---------------------------------------------------------
class Reg:
    """A SIMD register operand.

    ``vfield``/``bfield``: the 4-bit field and the high bit (D:Vd, N:Vn, M:Vm);
    ``width``: "D", "Q", or "q" (a Q register when field q is 1);
    ``role``: "src", "dst" or "both";
    ``kind``: the lanes a source gets (see :func:`lane_value`), a string or a
    function of the fields returning one;
    ``regs``: optional function of the fields returning the list of D registers the
    operand occupies, for the shapes the above cannot say (scalars, register lists).
    """

    def __init__(self, vfield, bfield, width="q", role="src", kind="i", regs=None):
        self.vfield, self.bfield, self.width, self.role = vfield, bfield, width, role
        self.kind, self.regs_fn = kind, regs

    def is_q(self, f):
        if self.width == "q":
            return bool(f["q"])
        return self.width == "Q"

    def number(self, f):
        return (f[self.bfield] << 4 if self.bfield else 0) | f[self.vfield]

    def dregs(self, f):
        """The D registers the operand occupies."""
        if self.regs_fn is not None:
            return list(self.regs_fn(f))
        n = self.number(f)
        return [n, n + 1] if self.is_q(f) else [n]

    def kind_of(self, f):
        k = self.kind(f) if callable(self.kind) else self.kind
        return resolve_kind(k, f)


def Vd(width="q", kind="i", role="dst", regs=None):
    """The D:Vd operand."""
    return Reg("vd", "d", width, role, kind, regs)


def Vn(width="q", kind="i", regs=None):
    return Reg("vn", "n", width, "src", kind, regs)


def Vm(width="q", kind="i", regs=None):
    return Reg("vm", "m", width, "src", kind, regs)


def scalar_dreg(f):
    """The D register of a by-scalar operand Dm[x] (A7.4.3): size 01 (16-bit) names
    D0-D7 by Vm<2:0>, size 10 (32-bit) D0-D15 by Vm."""
    return [f["vm"] & 7] if f["size"] == 1 else [f["vm"]]


def Scalar(kind="i"):
    return Reg("vm", "m", "D", "src", kind, regs=scalar_dreg)


class NeonInfo:
    """What the generator needs beyond a template's bits."""

    def __init__(self, regs=(), core_dst=()):
        self.regs = tuple(regs)
        self.core_dst = tuple(core_dst)      # core register fields written


ROWS = []           # (name, a32 pattern, klass, NeonInfo, Template keywords)


def simd(name, pattern, klass, regs=(), core_dst=(), mnemonic=None, check=None, plan=None,
         fields=None, weight=1.0, fixup=None):
    """Declare one Advanced SIMD template.

    ``name``: MNEMONIC_form, unique over the three template files;
    ``pattern``: the A32 encoding (module docstring for the T32 one);
    ``klass``: coverage class, starting with "neon" (neon_int, neon_fp, neon_misc,
    neon_ls, neon_xfer ...);
    ``regs``: the SIMD operands (:class:`Reg`), destinations first is usual;
    ``core_dst``: fields naming core registers the instruction writes (logged);
    ``mnemonic``: objdump's mnemonic (or a tuple), default the name before "_";
    ``check(f)``: False rejects a draw (UNDEFINED/UNPREDICTABLE combinations);
    ``plan(ctx, f)``: as in plans.py, returns ([(reg, value)], {written regs});
    ``fields``: {field: int, iterable or function(ctx)} generators;
    ``weight``: relative draw weight among all NEON templates.
    """
    if not klass.startswith("neon"):
        raise ValueError("%s: class %r must start with 'neon'" % (name, klass))
    if any(r[0] == name for r in ROWS):
        raise ValueError("template %s declared twice" % name)
    ROWS.append((name, pattern, klass, NeonInfo(regs, core_dst), dict(
        mnemonic=mnemonic or name.split("_")[0], check=check, plan=plan, fields=fields,
        weight=weight, fixup=fixup)))


def _bits(pattern):
    """The pattern as a list of (token text, width), MSB first."""
    out = []
    for tok in pattern.split():
        m = _TOKEN.match(tok)
        if m:
            out.append((tok, int(m.group(2))))
        else:
            out += [(ch, 1) for ch in tok]
    return out


def _split(pattern, nbits):
    toks, head, pos = _bits(pattern), [], 0
    while pos < nbits:
        tok, w = toks.pop(0)
        head.append(tok)
        pos += w
    if pos != nbits:
        raise PatternError("a field straddles bit %d of %r" % (32 - nbits, pattern))
    return head, " ".join(t for t, _ in toks)


def t32_pattern(pattern):
    """The T32 encoding of an A32 Advanced SIMD pattern (module docstring)."""
    if pattern.split()[0] == "cond:4":
        return "1110 " + pattern.split(None, 1)[1]
    head, rest = _split(pattern, 8)
    text = "".join(head[:7])
    if text == "1111001":
        return "111 %s 1111 %s" % (head[7], rest)
    if "".join(head) == "11110100":
        return "1111 1001 " + rest
    raise PatternError("not an Advanced SIMD A32 pattern: %r" % pattern)


def _normalising(regs, check):
    """check(f), after making every Q operand's register number even."""
    qs = [r for r in regs if r.regs_fn is None and r.width != "D"]

    def run(f):
        for r in qs:
            if r.is_q(f):
                f[r.vfield] &= ~1
        return check(f) if check else True
    return run


# --- operand values -------------------------------------------------------------
KINDS = ("i8", "i16", "i32", "i64", "s8", "s16", "s32", "s64", "f32", "any")


def resolve_kind(k, f):
    """Kinds: i8..i64 (integer lanes with boundary values), s8..s64 (shift counts
    in the low byte of each lane, VSHL/VQSHL/VRSHL by register), f32 (special
    floats), any (a mixture); "i"/"s" take the element size from field size,
    "iw"/"sw" twice it (the wide operands of long and narrow ops)."""
    if k in ("i", "s", "iw", "sw"):
        e = 8 << f["size"]
        if k.endswith("w"):
            e *= 2
        return "%s%d" % (k[0], min(e, 64))
    if k not in KINDS:
        raise ValueError("unknown operand kind %r" % k)
    return k


def int_lane(rng, e):
    """An e-bit lane: zero, +-1, the signed and unsigned limits and their
    neighbours, the saturation edges of narrowing to e/2 bits, small values,
    or random bits."""
    m = (1 << e) - 1
    r = rng.random()
    if r < 0.25:
        return rng.getrandbits(e)
    if r < 0.35:
        return rng.randint(-4, 4) & m
    h = e // 2
    top = 1 << (e - 1)
    return rng.choice((
        0, 1, m, 2, m - 1,
        top, top - 1, top + 1, top - 2,                # signed min/max and neighbours
        (1 << (h - 1)) - 1, 1 << (h - 1), (1 << (h - 1)) + 1,   # narrowing, signed
        -(1 << (h - 1)) & m, (-(1 << (h - 1)) - 1) & m,
        (1 << h) - 1, 1 << h, (1 << h) + 1,           # narrowing, unsigned
        m ^ ((1 << h) - 1), 0x55 * (m // 0xFF), 0xAA * (m // 0xFF),
    )) & m


def shift_lane(rng, e):
    """A lane whose low byte is a signed shift count around +-e."""
    r = rng.random()
    if r < 0.7:
        cnt = rng.randint(-e - 2, e + 2) & 0xFF
    elif r < 0.85:
        cnt = rng.choice((0x80, 0x7F, 0x81, 0xFF, 0x00, 0x40, 0xC0))
    else:
        cnt = rng.getrandbits(8)
    return (rng.getrandbits(e - 8) << 8 if e > 8 and rng.random() < 0.5 else 0) | cnt


def f32_lane(rng):
    """A single: the VFP streams' specials (NaNs quiet and signalling, infinities,
    zeros, denormals, limits, near 1.0, conversion limits) or a moderate normal."""
    return FV.value32(rng)


def lane_value(rng, kind):
    """A 64-bit D-register pattern of ``kind`` (resolved, see resolve_kind)."""
    if kind == "any":
        kind = rng.choice(KINDS[:-1])
    if kind == "f32":
        return f32_lane(rng) | f32_lane(rng) << 32
    e = int(kind[1:])
    fn = int_lane if kind[0] == "i" else shift_lane
    v = 0
    for i in range(64 // e):
        v |= fn(rng, e) << (e * i)
    return v


def fpscr_value(rng):
    """A group's FPSCR: vfp.fpscr_value (rounding mode, FZ, DN, AHP, NZCV,
    cumulative flags) and QC set half the time."""
    return vfp.fpscr_value(rng) | (1 << 27 if rng.random() < 0.5 else 0)


class ConstPool:
    """The boundary values of one case: POOL_SLOTS D-words at POOL_OFFSET, drawn
    per kind as sources ask for them (SLOTS_PER_KIND of a kind, then reused)."""

    def __init__(self, rng):
        self.rng = rng
        self.words = []
        self.by_kind = collections.defaultdict(list)

    def slot(self, kind):
        have = self.by_kind[kind]
        if len(self.words) < POOL_SLOTS and (len(have) < SLOTS_PER_KIND or
                                             self.rng.random() < 0.2):
            have.append(len(self.words))
            self.words.append(lane_value(self.rng, kind))
        if not have:                     # the pool is full of other kinds
            return self.rng.randrange(len(self.words))
        return self.rng.choice(have)

    def image(self):
        words = self.words + [0] * (POOL_SLOTS - len(self.words))
        return b"".join(w.to_bytes(8, "little") for w in words)


# --- templates ------------------------------------------------------------------
_TEMPLATES = None
TEMPLATE_FILES = ("neon_templates_int", "neon_templates_fp", "neon_templates_ls")


def _load():
    global _TEMPLATES
    if _TEMPLATES is not None:
        return _TEMPLATES
    import importlib
    for mod in TEMPLATE_FILES:
        try:
            importlib.import_module("." + mod, __package__)
        except ModuleNotFoundError as exc:
            if exc.name != "%s.%s" % (__package__, mod):
                raise
    out = {}
    for isa in gen.ISAS:
        lst = []
        for name, pattern, klass, info, kw in ROWS:
            kw = dict(kw)
            kw["check"] = _normalising(info.regs, kw["check"])
            pat = pattern if isa == "a32" else t32_pattern(pattern)
            if kw["fields"]:                 # a cond generator applies to A32 only
                names = Pattern(pat, 32).fields
                kw["fields"] = {k: v for k, v in kw["fields"].items() if k in names}
            tm = Template(isa, name, pat, klass, dst=(), **kw)
            tm.neon = info
            tm.fp = None
            lst.append(tm)
        out[isa] = lst
    _TEMPLATES = out
    return out


def templates(isa):
    return list(_load()[isa])


def by_name(isa):
    return {tm.name: tm for tm in templates(isa)}


def is_neon(tmpl):
    return tmpl.klass.startswith("neon")


# --- the generator ----------------------------------------------------------------
_insn = vfp._insn
_core_set = vfp._core_set


def _vldr(isa, dreg, off, role="setup"):
    """VLDR/VSTR D<dreg>, [r11, #off]."""
    return _insn(isa, "VLDR_d", role, u=1, rn=LOG_REG, imm8=off // 4, d=dreg >> 4,
                 vd=dreg & 15, sz=1)


def _vstr(isa, dreg, off):
    return _insn(isa, "VSTR_d", "log", u=1, rn=LOG_REG, imm8=off // 4, d=dreg >> 4,
                 vd=dreg & 15, sz=1)


class LogEntry:
    """Where one tested instruction's log is: offset in the data block, bytes,
    and what each word is."""

    def __init__(self, insn, offset, words):
        self.insn, self.offset, self.words = insn, offset, words

    @property
    def size(self):
        return 4 * len(self.words)


class NeonGenerator:
    """Draws NEON test cases for one instruction set (module docstring)."""

    def __init__(self, isa, only=None, gaps=KNOWN_GAPS, max_tests=MAX_TESTS):
        if isa not in gen.ISAS:
            raise ValueError(isa)
        self.isa = isa
        self.max_tests = max_tests
        pool = templates(isa)
        if only is not None:
            pool = [tm for tm in pool if tm.name in set(only)]
            if not pool:
                raise ValueError("no NEON templates match %r" % sorted(only))
        else:
            pool = [tm for tm in pool if tm.name not in gaps]
        if not pool:
            raise ValueError("no NEON templates to draw")
        self.pool = pool
        self.weights = [tm.weight for tm in pool]

    def _test(self, ctx, items):
        isa, rng = self.isa, ctx.rng
        tm = rng.choices(self.pool, self.weights)[0]
        insn = gen.draw(ctx, tm, seed_operands=False)
        f = insn.f
        done = set()
        for reg in tm.neon.regs:
            if reg.role == "dst":
                continue
            kind = reg.kind_of(f)
            for dn in reg.dregs(f):
                if dn in done or rng.random() >= REFRESH_P:
                    continue
                done.add(dn)
                slot = ctx.const_pool.slot(kind)
                items.append(_vldr(isa, dn, POOL_OFFSET - LOG_OFFSET + 8 * slot))
        pre, _late = gen.materialize(ctx, insn.setup, insn.pins | {LOG_REG})
        if any(LOG_REG in (i.f.get("rd"), i.f.get("rt")) for i in pre) or \
                LOG_REG in insn.writes or any(f[c] == LOG_REG for c in tm.neon.core_dst):
            raise gen.GenError("%s would overwrite the log base r%d" % (tm.name, LOG_REG))
        items += pre
        if isa == "t32" and rng.random() < IT_P:
            # Thumb Advanced SIMD instructions are conditional inside an IT block.
            items.append(Insn(t32.BY_NAME["IT_n"], t32.it_fields(rng.randrange(15), []),
                              role="it"))
        items.append(insn)
        return insn

    def _log(self, insn, off, k):
        isa = self.isa
        out, words = [], ["FPSCR"]
        tmp = POOL[isa][k % len(POOL[isa])]
        out.append(_insn(isa, "VMRS_r", "log", rt=tmp))
        rel = off - LOG_OFFSET                 # r11 = data block + LOG_OFFSET
        out.append(_insn(isa, "STR_log", "log", rn=LOG_REG, rt=tmp, imm12=rel))
        info = insn.tmpl.neon
        core = list(info.core_dst)
        for fld in core:
            out.append(_insn(isa, "STR_log", "log", rn=LOG_REG, rt=insn.f[fld],
                             imm12=rel + 4 * len(words)))
            words.append("r%d (%s)" % (insn.f[fld], fld))
        for reg in info.regs:
            if reg.role == "src":
                continue
            for dn in reg.dregs(insn.f)[:2]:
                out.append(_vstr(isa, dn, rel + 4 * len(words)))
                words += ["d%d low" % dn, "d%d high" % dn]
            break
        return out, words

    def case(self, seed, index):
        isa = self.isa
        rng = random.Random("pyxen15-diff-neon:%s:%s:%d" % (isa, seed, index))
        slot = gen.slot_of(index)
        ctx = gen.Ctx(isa, rng, gen.data_addr(slot))
        ctx.pool4 = POOL[isa]
        ctx.const_pool = ConstPool(rng)
        groups, tests, log = [], [], []
        off = LOG_OFFSET
        while len(tests) < self.max_tests and off + TESTS_PER_GROUP * MAX_ENTRY <= \
                LOG_OFFSET + LOG_SIZE:
            items = []
            scratch = rng.choice(POOL[isa])
            items += _core_set(isa, scratch, fpscr_value(rng))
            items.append(_insn(isa, "VMSR_r", "setup", rt=scratch))
            for _ in range(TESTS_PER_GROUP):
                insn = self._test(ctx, items)
                more, words = self._log(insn, off, len(tests))
                items += more
                log.append(LogEntry(insn, off, words))
                off += 4 * len(words)
                tests.append(insn)
            groups.append(gen.Group(items))
        case = gen._finish(isa, seed, index, slot, rng, ctx, groups)
        case.groups = len(groups)
        case.regs[LOG_REG] = case.data_addr + LOG_OFFSET
        data = bytearray(case.data)
        data[POOL_OFFSET:gen.DATA_SIZE] = ctx.const_pool.image()
        case.data = bytes(data)
        dregs = [lane_value(rng, rng.choice(KINDS)) for _ in range(32)]
        case.fp = vfp.FpState(dregs, fpscr_value(rng))
        case.fp_tests = []            # not a VFP case: compare.triage must not read a VFP log
        case.neon_tests = tests
        case.neon_log = log
        return case


def neon_count(case):
    """Advanced SIMD instructions of a case (all drawn: set-ups and log are VFP/core)."""
    return sum(1 for i in case.insns if is_neon(i.tmpl))


# --- comparing and triage -----------------------------------------------------------
class NeonMismatch(compare.Mismatch):

    def report(self):
        text = compare.Mismatch.report(self)
        c = self.case
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if line.startswith("reproduce:"):
                lines[i] = "reproduce: python -m tests.differential.neon --isa %s --seed %s " \
                           "--index %d" % (c.isa, c.seed, c.index)
        return "\n".join(lines)


def compare_case(case, ref, got):
    mm = compare.compare(case, ref, got)
    if mm is None:
        return None
    out = NeonMismatch(case, mm.ref, mm.got, mm.diffs)
    return out


def _entry_words(data, e):
    return " ".join("%08x" % int.from_bytes(data[o:o + 4], "little")
                    for o in range(e.offset, e.offset + e.size, 4))


def inputs_before(runner, case, insn):
    """FPSCR, the SIMD sources and the core registers just before ``insn``, as
    pyxen15 has them (QEMU's too, when every earlier log entry agreed)."""
    m, cpu = runner.m, runner.m.cpu
    runner.load(case)
    for _ in range(len(case.insns) + 8):
        if cpu.pc == insn.addr:
            break
        m.run(max_insns=1)
    else:
        return "(pyxen15 never reached the instruction)"
    out = ["fpscr=%08x" % cpu.fpscr]
    for reg in insn.tmpl.neon.regs:
        if reg.role != "dst":
            out += ["d%d=%016x" % (dn, cpu.vfp_d(dn) & MASK64) for dn in reg.dregs(insn.f)]
    for fld in ("rt", "rn", "rm", "rt2"):
        if fld in insn.f and insn.f[fld] < 15:
            out.append("%s=r%d=%08x" % (fld, insn.f[fld], cpu.r[insn.f[fld]] & MASK32))
    return " ".join(out)


def triage(mm, runner, explain=True):
    """The first log entry that differs names the culprit; else compare.triage
    (stepping both implementations)."""
    case = mm.case
    offs = sorted(int(w[4:], 16) for w, _, _ in mm.diffs if w.startswith("mem+"))
    for off in offs:
        for k, e in enumerate(case.neon_log):
            if e.offset <= off < e.offset + e.size:
                mm.culprit = e.insn
                mm.triage_note = " [log entry %d: its %s differs]" % (
                    k, e.words[(off - e.offset) // 4])
                if explain and runner is not None:
                    text = [t for a, t in disasm.disassemble(e.insn.encode(), e.insn.addr,
                                                             case.thumb)]
                    try:
                        inputs = inputs_before(runner, case, e.insn)
                    except Exception as exc:      # best effort
                        inputs = "(inputs unavailable: %s)" % exc
                    mm.triage_note += (
                        "\n  instruction: %s\n  inputs: %s\n  log words:   %s"
                        "\n  log QEMU:    %s\n  log pyxen15: %s" % (
                            text[0] if text else "?", inputs, ", ".join(e.words),
                            _entry_words(mm.ref.data, e), _entry_words(mm.got.data, e)))
                return
    compare.triage(mm, runner)


# --- batches ----------------------------------------------------------------------------
# Default size per instruction set: >= MIN_TESTED drawn Advanced SIMD instructions.
# A case logs about 30 tested instructions (at least 20: the log fills at 24
# bytes an instruction at worst); measured 7,776-7,842 a batch of 256 cases, so
# 15 batches give about 117,000 (each batch must reach its share of 100,000).
DEFAULT_CASES = {"a32": 3840, "t32": 3840}
MIN_TESTED = 100000
BATCH = gen.NSLOTS


class NeonResult:
    def __init__(self):
        self.cases = self.generated = self.executed = 0
        self.neon_executed = self.neon_tested = 0
        self.templates = collections.Counter()
        self.classes = collections.Counter()
        self.mismatches = []
        self.t_gen = self.t_qemu = self.t_pyx = self.t_triage = 0.0

    def merge(self, o):
        for k in ("cases", "generated", "executed", "neon_executed", "neon_tested", "t_gen",
                  "t_qemu", "t_pyx", "t_triage"):
            setattr(self, k, getattr(self, k) + getattr(o, k))
        self.templates.update(o.templates)
        self.classes.update(o.classes)
        self.mismatches += o.mismatches


def batch_count(isa, scale=1.0, cases=None):
    n = cases if cases is not None else int(round(DEFAULT_CASES[isa] * scale))
    return max(1, (n + BATCH - 1) // BATCH), n


def run_batch(isa, seed, start, count, runner, only=None, triage_limit=8, max_tests=MAX_TESTS):
    """Cases ``start .. start+count-1`` (count <= NSLOTS) on both sides."""
    res = NeonResult()
    t0 = time.time()
    g = NeonGenerator(isa, only=only, max_tests=max_tests)
    cases = [g.case(seed, i) for i in range(start, start + count)]
    t1 = time.time()
    refs = qemu_ref.run_batch(cases)
    t2 = time.time()
    for case, ref in zip(cases, refs):
        got, executed = runner.run(case)
        res.executed += executed
        if isinstance(got, qemu_ref.State):
            res.neon_executed += neon_count(case)
            res.neon_tested += len(case.neon_tests)
        mm = compare_case(case, ref, got)
        if mm is not None:
            res.mismatches.append(mm)
    t3 = time.time()
    for mm in res.mismatches[:triage_limit]:
        if not isinstance(mm.ref, qemu_ref.Crash):
            triage(mm, runner)
    res.cases = len(cases)
    for case in cases:
        res.generated += case.ninsns
        res.classes.update(case.class_counts())
        res.templates.update(case.template_counts())
    res.t_gen, res.t_qemu, res.t_pyx, res.t_triage = t1 - t0, t2 - t1, t3 - t2, \
        time.time() - t3
    return res


def summary_lines(res):
    out = []
    triaged = [mm for mm in res.mismatches if mm.culprit is not None]
    if triaged:
        out.append("by template: %s" % dict(collections.Counter(
            mm.template for mm in triaged).most_common(30)))
    failed = collections.Counter(
        ("QEMU crash" if isinstance(mm.ref, qemu_ref.Crash) else
         "pyxen15 stopped (%s)" % mm.got.reason) for mm in res.mismatches
        if isinstance(mm.ref, qemu_ref.Crash) or not isinstance(mm.got, qemu_ref.State))
    if failed:
        out.append("cases that did not run to the end: %s" % dict(failed))
    return out


def failure_message(res, isa, seed, show=3):
    lines = ["%d of %d %s NEON test cases differ from QEMU (seed %s)" % (
        len(res.mismatches), res.cases, isa.upper(), seed)]
    if KNOWN_GAPS:
        lines.append("NEON templates left out as known gaps: %s" % ", ".join(sorted(KNOWN_GAPS)))
    lines += summary_lines(res)
    for mm in res.mismatches[:show]:
        lines += ["", mm.report()]
    return "\n".join(lines)


# --- self-checks (QEMU and objdump only) -----------------------------------------
def mnemonic_mismatches(isa, per_template=30, seed=0, names=None):
    """[(template, encoding, objdump text)] where objdump names an instance
    differently from the template's mnemonic (the part before the first dot)."""
    rng = random.Random("neon-mnemonic:%s:%s" % (isa, seed))
    ctx = gen.Ctx(isa, rng, gen.data_addr(0))
    ctx.pool4 = POOL[isa]
    blob, owners, base = bytearray(), {}, 0x80010000
    for tm in templates(isa):
        if names and tm.name not in names:
            continue
        for _ in range(per_template):
            insn = gen.draw(ctx, tm, seed_operands=False)
            owners[base + len(blob)] = (tm, insn)
            blob += insn.encode()
    bad = []
    for addr, text in disasm.disassemble(bytes(blob), base, isa == "t32"):
        if addr not in owners:
            continue
        tm, insn = owners[addr]
        mn = (text.split() or [""])[0].split(".")[0].lower()
        want = tm.mnemonic if isinstance(tm.mnemonic, tuple) else (tm.mnemonic,)
        from .selfcheck import _candidates
        if not _candidates(mn) & {w.lower() for w in want}:
            bad.append((tm.name, "%08x" % insn.word(), text))
    return bad


def qemu_crashes(isa, per_template=3, seed="selfcheck", names=None):
    """{template: [crash report]} for templates under which QEMU takes a signal."""
    cases = []
    idx = 0
    for tm in templates(isa):
        if names and tm.name not in names:
            continue
        g = NeonGenerator(isa, only=[tm.name], max_tests=8)
        for _ in range(per_template):
            cases.append((tm.name, g.case(seed, idx)))
            idx += 1
    out = {}
    for start in range(0, len(cases), gen.NSLOTS):
        chunk = cases[start:start + gen.NSLOTS]
        for (name, case), r in zip(chunk, qemu_ref.run_batch([c for _, c in chunk])):
            if isinstance(r, qemu_ref.Crash):
                at = [i for i in case.insns if i.addr == r.pc]
                out.setdefault(name, []).append("%s in %s (index %d)\n%s" % (
                    r, at[0].tmpl.name if at else "?", case.index,
                    disasm.listing(case, (r.pc,))))
    return out


# --- command line ---------------------------------------------------------------------
def main(argv=None):
    import argparse
    import os
    import sys
    ap = argparse.ArgumentParser(
        prog="python -m tests.differential.neon",
        description="Advanced SIMD streams against qemu-arm -cpu cortex-a15.")
    ap.add_argument("--isa", choices=("a32", "t32", "both"), default="both")
    ap.add_argument("--seed", default=os.environ.get("PYXEN15_DIFF_SEED") or "1")
    ap.add_argument("--scale", type=float,
                    default=float(os.environ.get("PYXEN15_DIFF_SCALE") or 1.0))
    ap.add_argument("--cases", type=int, help="number of cases (overrides --scale)")
    ap.add_argument("--index", type=int, help="run and show one case in full")
    ap.add_argument("--only", help="comma-separated template names to draw")
    ap.add_argument("--show", type=int, default=2, help="full reports to print")
    ap.add_argument("--triage", type=int, default=50, help="mismatches to triage per batch")
    ap.add_argument("--selfcheck", action="store_true", help="QEMU/objdump template checks")
    ap.add_argument("--list", action="store_true", help="list the templates")
    args = ap.parse_args(argv)
    isas = ("a32", "t32") if args.isa == "both" else (args.isa,)
    only = args.only.split(",") if args.only else None
    try:
        if only is not None:
            NeonGenerator(isas[0], only=only)
    except ValueError as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 2
    if args.list:
        for tm in templates(isas[0]):
            print("%-20s %-10s %s" % (tm.name, tm.klass, tm.pattern.text))
        return 0
    if args.selfcheck:
        status = 0
        for isa in isas:
            t0 = time.time()
            bad = mnemonic_mismatches(isa, names=only)
            crashes = qemu_crashes(isa, names=only)
            print("%s NEON: %d templates, %d objdump mnemonic mismatches, %d templates crash "
                  "QEMU (%.1fs)" % (isa.upper(), len(templates(isa)), len(bad), len(crashes),
                                    time.time() - t0))
            for b in bad[:20]:
                print("  mnemonic:", b)
            for name, reports in sorted(crashes.items()):
                print("  crash: %s\n%s" % (name, reports[0]))
            status |= bool(bad or crashes)
        return status
    from .pyx_run import PyxRunner
    runner = PyxRunner()
    status = 0
    for isa in isas:
        if args.index is not None:
            case = NeonGenerator(isa, only=only).case(args.seed, args.index)
            ref = qemu_ref.run_batch([case])[0]
            got, executed = runner.run(case)
            mm = compare_case(case, ref, got)
            if mm is None:
                mm = NeonMismatch(case, ref, got, [])
                print("MATCH (%d instructions executed, %d NEON drawn)" % (
                    executed, len(case.neon_tests)))
            elif not isinstance(ref, qemu_ref.Crash):
                triage(mm, runner)
            print(mm.report())
            status |= bool(mm.diffs) or not isinstance(got, qemu_ref.State)
            continue
        nb, n = batch_count(isa, args.scale, args.cases)
        total = NeonResult()
        t0 = time.time()
        for b in range(nb):
            r = run_batch(isa, args.seed, b * BATCH, min(BATCH, n - b * BATCH), runner,
                          only=only, triage_limit=args.triage)
            total.merge(r)
            print("   batch %d/%d: %d mismatches, %d NEON drawn" % (
                b + 1, nb, len(r.mismatches), r.neon_tested), flush=True)
        wall = time.time() - t0
        print("== %s NEON: %d cases, %d instructions generated, %d executed by pyxen15, %.1fs"
              % (isa.upper(), total.cases, total.generated, total.executed, wall))
        print("   Advanced SIMD executed: %d (all drawn and tested)" % total.neon_tested)
        print("   time: generate %.1fs, qemu %.1fs, pyxen15 %.1fs, triage %.1fs" % (
            total.t_gen, total.t_qemu, total.t_pyx, total.t_triage))
        print("   templates used: %d of %d" % (len(total.templates), len(templates(isa))))
        for name, why in sorted(KNOWN_GAPS.items()):
            print("   known gap, not drawn: %s: %s" % (name, why))
        print("   mismatches: %d" % len(total.mismatches))
        for line in summary_lines(total):
            print("   " + line)
        for mm in total.mismatches[:args.show]:
            print()
            print(mm.report())
        status |= bool(total.mismatches)
    return status


if __name__ == "__main__":
    # Run as the package's module, so that the template files (which import
    # tests.differential.neon) and this command line share one ROWS.
    import importlib
    import sys
    sys.exit(importlib.import_module("tests.differential.neon").main())
