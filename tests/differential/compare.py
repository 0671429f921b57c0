"""Comparing final states, pinning a mismatch on one instruction, and reporting.

Triage of a mismatching test: QEMU runs the single test with ``-singlestep -d
cpu,nochain`` (register dump before every instruction); pyxen15 runs it one
instruction at a time.  The first step whose PC, registers or flags differ names
the culprit: the instruction executed just before it.  A difference that shows
only in memory is pinned on the last pyxen15 instruction that wrote a differing
byte.
"""

import os
import re
import subprocess
import tempfile

from . import disasm, gen, qemu_ref
from .pyx_run import Failure

REG_NAMES = ["r%d" % i for i in range(13)] + ["sp", "lr"]


def flags_str(apsr):
    s = "".join(c if apsr >> b & 1 else "-" for c, b in (("N", 31), ("Z", 30), ("C", 29),
                                                          ("V", 28), ("Q", 27)))
    return "%s GE=%s" % (s, format(apsr >> 16 & 15, "04b"))


def diff_states(ref, got):
    """[(what, expected, actual)] between QEMU's and pyxen15's final states."""
    out = []
    for i in range(15):
        if ref.regs[i] != got.regs[i]:
            out.append((REG_NAMES[i], ref.regs[i], got.regs[i]))
    if ref.apsr != got.apsr & gen.APSR_MASK:
        out.append(("apsr", ref.apsr, got.apsr & gen.APSR_MASK))
    if ref.data != got.data:
        for off in range(0, gen.DATA_SIZE, 4):
            a, b = ref.data[off:off + 4], got.data[off:off + 4]
            if a != b:
                out.append(("mem+%#05x" % off, int.from_bytes(a, "little"),
                            int.from_bytes(b, "little")))
    if ref.fp is not None:
        for i, (a, b) in enumerate(zip(ref.fp.dregs, got.fp.dregs)):
            if a != b:
                out.append(("d%d" % i, a, b))
        if ref.fp.fpscr != got.fp.fpscr:
            out.append(("fpscr", ref.fp.fpscr, got.fp.fpscr))
    return out


class Mismatch:
    """One test whose outcome differs; ``culprit`` is the Insn blamed (or None)."""

    def __init__(self, case, ref, got, diffs):
        self.case = case
        self.ref = ref
        self.got = got
        self.diffs = diffs
        self.culprit = None
        self.triage_note = ""

    @property
    def klass(self):
        if isinstance(self.ref, qemu_ref.Crash):
            return "qemu-crash"
        if self.culprit is None:
            return "unattributed"
        return self.culprit.tmpl.klass

    @property
    def template(self):
        return self.culprit.tmpl.name if self.culprit is not None else "?"

    def report(self):
        c = self.case
        lines = ["%s test seed=%s index=%d (slot %d): %s" % (
            c.isa.upper(), c.seed, c.index, c.slot, self.summary())]
        from .run import GROUPS
        from .vfp import GROUPS as VFP_GROUPS
        default = VFP_GROUPS if c.fp is not None else GROUPS[c.isa]
        lines.append("reproduce: python -m tests.differential.run%s --isa %s --seed %s --index %d%s"
                     % (" --vfp" if c.fp is not None else "", c.isa, c.seed, c.index,
                        "" if c.groups in (None, default) else " --groups %d" % c.groups))
        if self.culprit is not None:
            lines.append("culprit: %s (%s) at %#010x%s" % (self.template, self.klass,
                                                            self.culprit.addr, self.triage_note))
        elif self.triage_note:
            lines.append("triage: %s" % self.triage_note.strip())
        lines.append("initial: " + " ".join("%s=%08x" % (REG_NAMES[i], v)
                                            for i, v in enumerate(c.regs)))
        lines.append("         apsr=%08x (%s) %s, code %#x, data %#x, exit %#x" % (
            c.apsr, flags_str(c.apsr), "T32" if c.thumb else "A32", c.code_addr, c.data_addr,
            c.exit_addr))
        if c.fp is not None:
            lines.append("         fpscr=%08x " % c.fp.fpscr + " ".join(
                "d%d=%016x" % (i, v) for i, v in enumerate(c.fp.dregs)))
        if isinstance(self.got, Failure):
            lines.append(str(self.got))
        if isinstance(self.ref, qemu_ref.Crash):
            lines.append(str(self.ref))
        if self.diffs:
            lines.append("differences (QEMU -> pyxen15):")
            for what, a, b in self.diffs[:24]:
                extra = ""
                if what == "apsr":
                    extra = "   %s -> %s" % (flags_str(a), flags_str(b))
                lines.append("  %-16s %08x -> %08x%s" % (what, a, b, extra))
            if len(self.diffs) > 24:
                lines.append("  ... %d more" % (len(self.diffs) - 24))
        marks = (self.culprit.addr,) if self.culprit is not None else ()
        lines.append("stream:")
        lines.append(disasm.listing(c, marks))
        return "\n".join(lines)

    def summary(self):
        if isinstance(self.ref, qemu_ref.Crash):
            return "QEMU crashed (generator bug): %s" % self.ref
        if isinstance(self.got, Failure):
            return "pyxen15 did not reach the exit (%s)" % self.got.reason
        return "%d differences (%s)" % (len(self.diffs), ", ".join(d[0] for d in self.diffs[:6]))


def compare(case, ref, got):
    """A Mismatch, or None when QEMU's and pyxen15's outcomes agree."""
    if isinstance(ref, qemu_ref.Crash):
        return Mismatch(case, ref, got, [])
    if isinstance(got, Failure):
        return Mismatch(case, ref, got, [])
    diffs = diff_states(ref, got)
    return Mismatch(case, ref, got, diffs) if diffs else None


# --- triage ---------------------------------------------------------------------------
_REG_RE = re.compile(r"R(\d\d)=([0-9a-f]{8})")
_PSR_RE = re.compile(r"PSR=([0-9a-f]{8})")


def qemu_trace(case, timeout=60):
    """[(pc, regs16, cpsr)] before each instruction QEMU executes in the stream."""
    with tempfile.TemporaryDirectory(prefix="pyxen15-triage-") as tmp:
        elf = os.path.join(tmp, "one.elf")
        log = os.path.join(tmp, "cpu.log")
        with open(elf, "wb") as fh:
            fh.write(qemu_ref.build_elf([case]))
        os.chmod(elf, 0o755)
        subprocess.run([qemu_ref.QEMU, "-cpu", "cortex-a15", "-singlestep", "-d",
                        "cpu,nochain", "-D", log, elf], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=timeout, cwd=tmp,
                       preexec_fn=qemu_ref._no_core)
        with open(log) as fh:
            text = fh.read()
    steps, regs = [], {}
    for line in text.splitlines():
        for m in _REG_RE.finditer(line):
            regs[int(m.group(1))] = int(m.group(2), 16)
        m = _PSR_RE.search(line)
        if m and len(regs) == 16:
            pc = regs[15]
            if case.code_addr <= pc <= case.exit_addr:
                steps.append((pc, [regs[i] for i in range(16)], int(m.group(1), 16)))
            regs = {}
    # Stop at the exit: the epilogue is not part of the test.
    for i, (pc, _, _) in enumerate(steps):
        if pc == case.exit_addr:
            return steps[:i + 1]
    return steps


def pyx_trace(runner, case, limit):
    """[(pc, regs16, cpsr)] before each pyxen15 instruction, and per-step writes
    to the data block: {offset: step index of the last write}."""
    m = runner.m
    cpu = m.cpu
    runner.load(case)
    steps, writers = [], {}
    data = bytes(case.data)
    for k in range(limit):
        pc = cpu.pc
        steps.append((pc, [cpu.r[i] & 0xFFFFFFFF for i in range(15)] + [pc], cpu.cpsr))
        if pc == case.exit_addr:
            break
        try:
            m.run(max_insns=1)
        except Exception:
            break
        now = m.mem.read(case.data_addr, gen.DATA_SIZE)
        if now != data:
            for off in range(gen.DATA_SIZE):
                if now[off] != data[off]:
                    writers[off] = k
            data = now
    return steps, writers


def _same(a, b):
    pa, ra, ca = a
    pb, rb, cb = b
    return pa == pb and ra[:15] == rb[:15] and (ca & gen.APSR_MASK) == (cb & gen.APSR_MASK)


LOG_FIELDS = ("FPSCR", "core result", "result", "result (high word)")


def triage_vfp_log(mm):
    """VFP cases: the first group whose log entry differs is the culprit (its
    FPSCR, core or floating-point result after the instruction).  False when no
    log entry differs."""
    from . import vfp
    offs = sorted(int(w[4:], 16) for w, _, _ in mm.diffs if w.startswith("mem+"))
    for off in offs:
        insn = vfp.log_entry_group(mm.case, off)
        if insn is not None:
            k = (off - vfp.LOG_OFFSET) // vfp.LOG_ENTRY
            what = LOG_FIELDS[(off - vfp.LOG_OFFSET) % vfp.LOG_ENTRY // 4]
            mm.culprit = insn
            mm.triage_note = " [log entry %d (tested instruction %d): its %s differs]" % (
                k, k, what)
            return True
    return False


def vfp_inputs(runner, case, insn):
    """FPSCR and the source operands just before ``insn``, as pyxen15 has them
    (equal to QEMU's when every earlier log entry agreed), for the report."""
    m = runner.m
    cpu = m.cpu
    runner.load(case)
    for _ in range(len(case.insns) + 8):
        if cpu.pc == insn.addr:
            break
        m.run(max_insns=1)
    else:
        return "(pyxen15 never reached the instruction)"
    out = ["fpscr=%08x" % cpu.fpscr]
    for reg in insn.tmpl.fp.regs:
        if reg.role != "dst":
            double, num = reg.index(insn.f)
            out.append("d%d=%016x" % (num, cpu.vfp_d(num)) if double
                       else "s%d=%08x" % (num, cpu.vfp_s(num)))
    if not insn.tmpl.fp.core_dst:
        for fld in ("rt", "rt2"):
            if fld in insn.f:
                out.append("r%d=%08x" % (insn.f[fld], cpu.r[insn.f[fld]]))
    return " ".join(out)


def _log_words(data, k):
    from . import vfp
    off = vfp.LOG_OFFSET + vfp.LOG_ENTRY * k
    return " ".join("%08x" % int.from_bytes(data[o:o + 4], "little")
                    for o in range(off, off + vfp.LOG_ENTRY, 4))


def explain_vfp(mm, runner):
    """Extend the triage note of a VFP mismatch: the instruction, its inputs and
    both log entries (FPSCR, core result, result low, result high)."""
    case, insn = mm.case, mm.culprit
    k = case.fp_tests.index(insn)
    text = [t for a, t in disasm.disassemble(insn.encode(), insn.addr, case.thumb)]
    try:
        inputs = vfp_inputs(runner, case, insn)
    except Exception as exc:      # best effort, as triage
        inputs = "(inputs unavailable: %s)" % exc
    mm.triage_note += ("\n  instruction: %s\n  inputs: %s\n  log QEMU:    %s\n"
                       "  log pyxen15: %s" % (text[0] if text else "?", inputs,
                                              _log_words(mm.ref.data, k),
                                              _log_words(mm.got.data, k)))


def triage(mm, runner):
    """Set ``mm.culprit`` by stepping both implementations."""
    case = mm.case
    if case.fp is not None and triage_vfp_log(mm):
        if runner is not None:
            explain_vfp(mm, runner)
        return
    by_addr = {i.addr: i for i in case.insns}
    try:
        qt = qemu_trace(case)
        pt, writers = pyx_trace(runner, case, len(qt) + 8)
    except Exception as exc:    # triage is best effort
        mm.triage_note = " (triage failed: %s)" % exc
        return
    n = min(len(qt), len(pt))
    for k in range(n):
        if not _same(qt[k], pt[k]):
            if k == 0:
                mm.triage_note = " initial state differs (harness problem)"
                return
            prev_pc = qt[k - 1][0]
            mm.culprit = by_addr.get(prev_pc)
            q, p = qt[k], pt[k]
            what = []
            if q[0] != p[0]:
                what.append("next pc %08x vs %08x" % (q[0], p[0]))
            for i in range(15):
                if q[1][i] != p[1][i]:
                    what.append("%s %08x vs %08x" % (REG_NAMES[i], q[1][i], p[1][i]))
            if (q[2] ^ p[2]) & gen.APSR_MASK:
                what.append("apsr %s vs %s" % (flags_str(q[2]), flags_str(p[2])))
            mm.triage_note = " [step %d: %s]" % (k, "; ".join(what))
            if mm.culprit is None:
                mm.triage_note += " (pc %08x is not a stream instruction)" % prev_pc
            return
    if len(qt) != len(pt):
        k = n
        prev_pc = qt[k - 1][0] if k else case.code_addr
        mm.culprit = by_addr.get(prev_pc)
        mm.triage_note = " [traces end differently after step %d]" % k
        return
    # Registers agree at every step: the difference is in memory.
    bad = [int(w[4:], 16) for w, _, _ in mm.diffs if w.startswith("mem+")]
    steps = [writers[off + j] for off in bad for j in range(4) if off + j in writers]
    if steps:
        k = max(steps)
        mm.culprit = by_addr.get(pt[k][0])
        mm.triage_note = " [last pyxen15 write to a differing word, step %d]" % k
    else:
        mm.triage_note = " [memory differs but pyxen15 never wrote there: a missing store]"
