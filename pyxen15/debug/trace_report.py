"""`pyxen15 trace-report FILE [--plot OUT.png|OUT.svg]`: what a trap trace
(debug/trace.py) says, as tables and a timeline picture.

The tables: traps by class (the trap table's names, hyp/traps.py, WFI and
WFE apart, physical interrupts as "irq"), hypercalls by family and
operation (with how many returned an error), physical interrupts by ID,
the guest instructions that trap most, and per vCPU (the idle loop
of a physical core is a row of its own), each with counts and the cycles
the hypervisor charged.

The picture (matplotlib, only needed for --plot) has one panel per vCPU,
virtual time across, one row of ticks per trap class: where a guest
traps, how densely, and to what.  A PNG carries the classes it shows in
its Description text chunk, an SVG has them as text (svg.fonttype none),
so a test or a script can read what was drawn.
"""

import json
from collections import OrderedDict
from typing import Dict, List, Tuple

from ..errors import PyxenError

REQUIRED = ("t", "cyc", "cpu", "class", "charged", "cost")
TOP_PCS = 10
# A fixed colour per class (matplotlib's tab10, in this order), so pictures compare
CLASS_ORDER = ("hvc", "dabt", "wfi", "wfe", "irq", "cp15", "cp15_64", "hcptr", "smc", "pabt", "unknown",
               "cp14", "cp14_ls", "cp14_64", "cp10", "bxj", "illegal", "svc", "fiq", "unallocated",
               "pabt_hyp", "dabt_hyp")


# the PPIs of the A15's generic timer and GIC (the board's DTB), SPIs by number
INTID_NAMES = {25: " (GICH maintenance)", 26: " (CNTHP, the hypervisor's timer)", 27: " (CNTV)",
               29: " (CNTPS)", 30: " (CNTP)", 1023: " (spurious)"}


def load(path: str) -> List[dict]:
    """The records of a trace file; a PyxenError names the first bad line."""
    try:
        f = open(path)
    except OSError as err:
        raise PyxenError("cannot read %s: %s" % (path, err.strerror))
    records = []
    with f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as err:
                raise PyxenError("%s line %d is not JSON (%s): not a pyxen15 trap trace?" % (path, number, err))
            if not isinstance(rec, dict) or any(k not in rec for k in REQUIRED) \
                    or not isinstance(rec["charged"], dict):
                raise PyxenError("%s line %d is not a trap record (it needs %s)" % (path, number, ", ".join(REQUIRED)))
            records.append(rec)
    if not records:
        raise PyxenError("%s has no trap records" % path)
    return records


def where(rec: dict) -> str:
    """The vCPU a record is of ("d0v1"), or the idle loop of its core ("idle cpu1")."""
    if "dom" in rec:
        return "d%dv%d" % (rec["dom"], rec["vcpu"])
    return "idle cpu%d" % rec["cpu"]


def hypercall_name(rec: dict) -> str:
    return rec.get("family", "?") + ("." + rec["op"] if "op" in rec else "")


def _table(title: str, header: Tuple[str, ...], rows: List[tuple]) -> List[str]:
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    text = [all(isinstance(r[i], str) for r in rows) and i > 0 and not rows[0][i].endswith("%")
            for i in range(len(header))]
    fmt = "  ".join("%-*s" if i == 0 or text[i] else "%*s" for i in range(len(header)))
    out = [title]
    for row in [header] + rows:
        args = []
        for w, v in zip(widths, row):
            args += [w, v]
        out.append("  " + (fmt % tuple(args)).rstrip())
    return out


def tables(records: List[dict]) -> List[str]:
    total_cycles = sum(r["cost"] for r in records)
    first, last = min(r["t"] for r in records), max(r["t"] for r in records)
    lines = ["%d traps from %.3f ms to %.3f ms of virtual time, %d cycles charged" % (
        len(records), first / 1e6, last / 1e6, total_cycles), ""]

    by_class: Dict[str, List[int]] = {}
    for r in records:
        e = by_class.setdefault(r["class"], [0, 0])
        e[0] += 1
        e[1] += r["cost"]
    rows = [(name, c, cy, "%.1f%%" % (100.0 * cy / total_cycles if total_cycles else 0))
            for name, (c, cy) in sorted(by_class.items(), key=lambda kv: (-kv[1][0], kv[0]))]
    rows.append(("total", len(records), total_cycles, "100.0%"))
    lines += _table("traps by class", ("class", "count", "cycles", "of cycles"), rows) + [""]

    calls = [r for r in records if "hc" in r]
    if calls:
        by_op: Dict[str, List[int]] = {}
        for r in calls:
            e = by_op.setdefault(hypercall_name(r), [0, 0, 0])
            e[0] += 1
            e[1] += r["cost"]
            e[2] += 1 if r.get("ret", 0) < 0 else 0
        rows = [(name, c, cy, err) for name, (c, cy, err) in sorted(by_op.items(), key=lambda kv: (-kv[1][0], kv[0]))]
        rows.append(("total", len(calls), sum(r["cost"] for r in calls),
                     sum(1 for r in calls if r.get("ret", 0) < 0)))
        lines += _table("hypercalls by operation", ("operation", "count", "cycles", "errors"), rows) + [""]

    irqs = [r for r in records if "intid" in r]
    if irqs:
        by_id: Dict[int, List[int]] = {}
        for r in irqs:
            e = by_id.setdefault(r["intid"], [0, 0])
            e[0] += 1
            e[1] += r["cost"]
        rows = [("%d%s" % (i, INTID_NAMES.get(i, "")), c, cy) for i, (c, cy) in sorted(by_id.items())]
        lines += _table("physical interrupts by ID", ("interrupt", "count", "cycles"), rows) + [""]

    at: Dict[Tuple[str, int], List[int]] = {}
    for r in records:
        if "pc" in r and r["class"] != "irq":
            e = at.setdefault((r["class"], r["pc"]), [0, 0])
            e[0] += 1
            e[1] += r["cost"]
    if at:
        top = sorted(at.items(), key=lambda kv: (-kv[1][0], kv[0]))[:TOP_PCS]
        rows = [("0x%08x" % pc, name, c, cy) for (name, pc), (c, cy) in top]
        lines += _table("the guest instructions that trap most",
                        ("pc", "class", "count", "cycles"), rows) + [""]

    per: Dict[str, Dict[str, int]] = OrderedDict()
    cycles: Dict[str, int] = {}
    for r in sorted(records, key=lambda r: where(r)):
        w = where(r)
        per.setdefault(w, {})
        per[w][r["class"]] = per[w].get(r["class"], 0) + 1
        cycles[w] = cycles.get(w, 0) + r["cost"]
    rows = [(w, sum(classes.values()), cycles[w],
             ", ".join("%s %d" % kv for kv in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))))
            for w, classes in per.items()]
    lines += _table("per vCPU", ("vCPU", "traps", "cycles", "by class"), rows)
    return lines


def classes_in(records: List[dict]) -> List[str]:
    """The classes present, in the fixed colour order (unknown ones after)."""
    present = {r["class"] for r in records}
    return [c for c in CLASS_ORDER if c in present] + sorted(present - set(CLASS_ORDER))


def plot(records: List[dict], out: str) -> str:
    """Draw the timeline into `out` (.png or .svg); a one-line summary."""
    kind = out.rsplit(".", 1)[-1].lower() if "." in out else ""
    if kind not in ("png", "svg"):
        raise PyxenError("--plot %s: the picture is a .png or an .svg" % out)
    try:
        import matplotlib
    except ImportError:
        raise PyxenError("--plot needs matplotlib (scripts/setup.sh installs it into .venv: "
                         "run trace-report with .venv/bin/pyxen15)")
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"       # text stays text in an SVG
    matplotlib.rcParams["svg.hashsalt"] = "pyxen15"    # and its ids are the same every time
    import matplotlib.pyplot as plt

    classes = classes_in(records)
    cmap = plt.get_cmap("tab10")
    colour = {c: cmap(CLASS_ORDER.index(c) % 10 if c in CLASS_ORDER else 7) for c in classes}
    panels = sorted({where(r) for r in records}, key=lambda w: (w.startswith("idle"), w))
    fig, axes = plt.subplots(len(panels), 1, sharex=True, squeeze=False,
                             figsize=(10, 0.9 + 0.28 * len(classes) * len(panels) + 0.4 * len(panels)))
    for ax, panel in zip(axes[:, 0], panels):
        mine = [r for r in records if where(r) == panel]
        rows = [c for c in classes if any(r["class"] == c for r in mine)][::-1]   # the first on top
        for y, c in reversed(list(enumerate(rows))):                                # (as in the legend)
            times = [r["t"] / 1e6 for r in mine if r["class"] == c]
            ax.eventplot(times, lineoffsets=y, linelengths=0.8, linewidths=0.8, colors=[colour[c]],
                         label="%s (%d)" % (c, len(times)))
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(rows, fontsize=8)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_title(panel, loc="left", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    axes[-1, 0].set_xlabel("virtual time (ms)")
    fig.suptitle("traps into the hypervisor by class, per vCPU (%d traps)" % len(records), fontsize=10)
    fig.tight_layout()
    metadata = {"Description": "pyxen15 trap timeline; classes: " + " ".join(classes)} if kind == "png" else None
    try:
        fig.savefig(out, format=kind, dpi=100, metadata=metadata)
    except OSError as err:
        raise PyxenError("--plot %s: %s" % (out, err.strerror))
    finally:
        plt.close(fig)
    return "pyxen15: wrote %s: %d panel%s, classes %s" % (out, len(panels), "" if len(panels) == 1 else "s",
                                                          " ".join(classes))


def report(path: str, out=None) -> List[str]:
    """The tables of the trace at `path` and, with `out`, the picture's line."""
    records = load(path)
    lines = tables(records)
    if out:
        lines.append("")
        lines.append(plot(records, out))
    return lines
