"""Drive the differential suite: batches of test cases through QEMU and pyxen15.

Also a command line (from the repository root)::

    python -m tests.differential.run --isa a32 --seed 1            # default size
    python -m tests.differential.run --isa t32 --seed 7 --scale 10  # longer
    python -m tests.differential.run --isa a32 --seed 1 --index 42  # one test, in full
    python -m tests.differential.run --selfcheck                    # QEMU side only
    python -m tests.differential.run --vfp --isa t32 --seed 1       # VFP streams

It prints timing, coverage by instruction class and the mismatches by class of
the instruction each was pinned on.
"""

import argparse
import collections
import os
import sys
import time

from . import compare, gen, qemu_ref, vfp

# Default size per instruction set: enough cases for >= 100,000 instructions
# executed by pyxen15 (branches skip some of the generated ones).
DEFAULT_CASES = {"a32": 2048, "t32": 1536}
GROUPS = {"a32": 48, "t32": 48}
BATCH = gen.NSLOTS
MIN_EXECUTED = 100000
# VFP streams (vfp.py): >= 100,000 drawn VFP instructions (32 a case, every one
# executed: VFP streams have no branches) per instruction set, besides the VFP
# set-ups and log instructions around them.
DEFAULT_VFP_CASES = {"a32": 3200, "t32": 3200}
MIN_VFP_TESTED = 100000


def scale_from_env(default=1.0):
    v = os.environ.get("PYXEN15_DIFF_SCALE")
    return float(v) if v else default


def batch_count(isa, scale=1.0, cases=None, vfp_streams=False):
    default = (DEFAULT_VFP_CASES if vfp_streams else DEFAULT_CASES)[isa]
    n = cases if cases is not None else int(round(default * scale))
    return max(1, (n + BATCH - 1) // BATCH), n


class BatchResult:
    """Outcome of one batch: mismatches, counts and timings."""

    def __init__(self):
        self.cases = 0
        self.generated = 0
        self.executed = 0
        self.vfp_executed = 0       # VFP instructions in cases pyxen15 ran to the end
        self.vfp_tested = 0         # of which the drawn ones (not set-ups, not the log)
        self.classes = collections.Counter()
        self.templates = collections.Counter()
        self.mismatches = []
        self.t_gen = self.t_qemu = self.t_pyx = self.t_triage = 0.0

    def merge(self, other):
        self.cases += other.cases
        self.generated += other.generated
        self.executed += other.executed
        self.vfp_executed += other.vfp_executed
        self.vfp_tested += other.vfp_tested
        self.classes.update(other.classes)
        self.templates.update(other.templates)
        self.mismatches.extend(other.mismatches)
        self.t_gen += other.t_gen
        self.t_qemu += other.t_qemu
        self.t_pyx += other.t_pyx
        self.t_triage += other.t_triage


def generator(isa, groups=None, only=None, force=None, vfp_streams=False):
    if vfp_streams:
        return vfp.VfpGenerator(isa, groups=groups or vfp.GROUPS, only=only)
    return gen.Generator(isa, groups=groups or GROUPS[isa], only=only, force=force)


def run_batch(isa, seed, start, count, runner, groups=None, triage_limit=8, only=None,
              force=None, vfp_streams=False):
    """Cases ``start .. start+count-1`` (count <= NSLOTS) on both sides."""
    res = BatchResult()
    t0 = time.time()
    g = generator(isa, groups, only, force, vfp_streams)
    cases = [g.case(seed, i) for i in range(start, start + count)]
    t1 = time.time()
    refs = qemu_ref.run_batch(cases)
    t2 = time.time()
    for case, ref in zip(cases, refs):
        got, executed = runner.run(case)
        res.executed += executed
        if vfp_streams and isinstance(got, qemu_ref.State):
            res.vfp_executed += vfp.vfp_count(case)
            res.vfp_tested += len(case.fp_tests)
        mm = compare.compare(case, ref, got)
        if mm is not None:
            res.mismatches.append(mm)
    t3 = time.time()
    for mm in res.mismatches[:triage_limit]:
        if not isinstance(mm.ref, qemu_ref.Crash):
            compare.triage(mm, runner)
    t4 = time.time()
    res.cases = len(cases)
    for case in cases:
        res.generated += case.ninsns
        res.classes.update(case.class_counts())
        res.templates.update(case.template_counts())
    res.t_gen, res.t_qemu, res.t_pyx, res.t_triage = t1 - t0, t2 - t1, t3 - t2, t4 - t3
    return res


def failure_message(res, isa, seed, show=3):
    """The pytest failure text: a summary line per class and the first reports."""
    mms = res.mismatches
    lines = ["%d of %d %s test cases differ from QEMU (seed %s)" % (len(mms), res.cases,
                                                                    isa.upper(), seed)]
    if vfp.KNOWN_GAPS:
        lines.append("VFP templates left out as known gaps: %s" % ", ".join(
            sorted(vfp.KNOWN_GAPS)))
    lines += summary_lines(res)
    for mm in mms[:show]:
        lines.append("")
        lines.append(mm.report())
    return "\n".join(lines)


def summary_lines(res):
    triaged = [mm for mm in res.mismatches if mm.culprit is not None or mm.triage_note]
    out = []
    if triaged:
        by_class = collections.Counter(mm.klass for mm in triaged)
        by_tmpl = collections.Counter(mm.template for mm in triaged if mm.culprit is not None)
        out.append("triaged %d: by class %s" % (len(triaged), dict(by_class.most_common())))
        out.append("  by template %s" % dict(by_tmpl.most_common(20)))
    crashes = [mm for mm in res.mismatches if isinstance(mm.ref, qemu_ref.Crash)]
    if crashes:
        out.append("QEMU crashes (generator/template bugs): %d" % len(crashes))
    return out


def _print_summary(isa, res, wall, vfp_streams=False):
    print("== %s%s: %d cases, %d instructions generated, %d executed by pyxen15, %.1fs"
          % (isa.upper(), " VFP" if vfp_streams else "", res.cases, res.generated,
             res.executed, wall))
    if vfp_streams:
        print("   VFP instructions executed by pyxen15: %d, of which drawn (tested): %d"
              % (res.vfp_executed, res.vfp_tested))
        for name, why in sorted(vfp.KNOWN_GAPS.items()):
            print("   known gap, not drawn: %s: %s" % (name, why))
    print("   time: generate %.1fs, qemu %.1fs, pyxen15 %.1fs, triage %.1fs"
          % (res.t_gen, res.t_qemu, res.t_pyx, res.t_triage))
    total = sum(res.classes.values()) or 1
    print("   generated by class: " + ", ".join(
        "%s %d (%.0f%%)" % (k, v, 100.0 * v / total) for k, v in res.classes.most_common()))
    pool = vfp.templates(isa) if vfp_streams else gen.templates(isa)
    print("   templates used: %d of %d" % (len(res.templates), len(pool)))
    print("   mismatches: %d" % len(res.mismatches))
    for line in summary_lines(res):
        print("   " + line)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tests.differential.run",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--isa", choices=("a32", "t32", "both"), default="both")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--scale", type=float, default=scale_from_env())
    ap.add_argument("--cases", type=int, help="number of cases (overrides --scale)")
    ap.add_argument("--groups", type=int, help="groups per case")
    ap.add_argument("--index", type=int, help="run and show a single case")
    ap.add_argument("--triage", type=int, default=50, help="mismatches to triage per batch")
    ap.add_argument("--show", type=int, default=2, help="full reports to print")
    ap.add_argument("--selfcheck", action="store_true", help="QEMU-side template checks only")
    ap.add_argument("--only", help="comma-separated template names to draw")
    ap.add_argument("--vfp", action="store_true", help="VFP streams instead of integer ones")
    args = ap.parse_args(argv)
    isas = ("a32", "t32") if args.isa == "both" else (args.isa,)
    if args.selfcheck:
        return _selfcheck(isas, args.vfp)
    from .pyx_run import PyxRunner
    runner = PyxRunner()
    status = 0
    for isa in isas:
        if args.index is not None:
            status |= _one(isa, args, runner)
            continue
        nb, n = batch_count(isa, args.scale, args.cases, args.vfp)
        total = BatchResult()
        t0 = time.time()
        for b in range(nb):
            count = min(BATCH, n - b * BATCH)
            r = run_batch(isa, args.seed, b * BATCH, count, runner, args.groups,
                          triage_limit=args.triage,
                          only=args.only.split(",") if args.only else None,
                          vfp_streams=args.vfp)
            total.merge(r)
            print("   batch %d/%d: %d mismatches, %d executed" % (b + 1, nb, len(r.mismatches),
                                                                  r.executed), flush=True)
        _print_summary(isa, total, time.time() - t0, args.vfp)
        for mm in total.mismatches[:args.show]:
            print()
            print(mm.report())
        if total.mismatches:
            status = 1
    return status


def _one(isa, args, runner):
    g = generator(isa, args.groups, args.only.split(",") if args.only else None,
                  vfp_streams=args.vfp)
    case = g.case(args.seed, args.index)
    ref = qemu_ref.run_batch([case])[0]
    got, executed = runner.run(case)
    mm = compare.compare(case, ref, got)
    if mm is None:
        mm = compare.Mismatch(case, ref, got, [])
        print("MATCH (%d instructions executed)" % executed)
    else:
        compare.triage(mm, runner)
    print(mm.report())
    if isinstance(ref, qemu_ref.State):
        print("QEMU final: " + " ".join("%s=%08x" % (compare.REG_NAMES[i], v)
                                        for i, v in enumerate(ref.regs)),
              "apsr=%08x" % ref.apsr)
        if ref.fp is not None:
            print("QEMU final: fpscr=%08x " % ref.fp.fpscr + " ".join(
                "d%d=%016x" % (i, v) for i, v in enumerate(ref.fp.dregs)))
    return 0 if mm.diffs == [] and not isinstance(got, compare.Failure) else 1


def _selfcheck(isas, vfp_streams=False):
    from . import selfcheck
    status = 0
    for isa in isas:
        t0 = time.time()
        bad = selfcheck.mnemonic_mismatches(isa, vfp_streams=vfp_streams)
        crashes = selfcheck.qemu_crashes(isa, vfp_streams=vfp_streams)
        pool = vfp.templates(isa) if vfp_streams else gen.templates(isa)
        print("%s%s: %d templates, %d objdump mnemonic mismatches, %d templates crash QEMU (%.1fs)"
              % (isa.upper(), " VFP" if vfp_streams else "", len(pool), len(bad), len(crashes),
                 time.time() - t0))
        for b in bad[:20]:
            print("  mnemonic:", b)
        for name, reports in sorted(crashes.items()):
            print("  crash: %s\n%s" % (name, reports[0]))
        status |= bool(bad or crashes)
    return status


if __name__ == "__main__":
    sys.exit(main())
