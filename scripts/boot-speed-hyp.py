#!/usr/bin/env python3
"""Boot Debian's kernel and busybox initramfs on pyxen15 natively and as
dom0 of the Python hypervisor, one after the other in one run, and print
both wall times, their ratio (issue 8's target: dom0 within 1.5x native)
and what each trap class cost.

    scripts/boot-speed-hyp.py [--smp N] [--append ARGS] [--max-insns N] [--only native|dom0]

Each boot is a fresh PyPy process (.venv-pypy) that builds the machine as
``pyxen15 boot`` does (cli.setup_boot: ``--hyp none`` with 512 MiB of RAM;
``--hyp python`` with dom0 given the same 512 MiB on a board with the
hypervisor's 16 MiB more) and runs to the init script's marker on its
console (UART0 natively, hvc0 for dom0).  The wall time runs from starting
the process to the marker.  The kernel command line is the same for both
but for the console (ttyAMA0 / hvc0); cryptomgr.notests by default, as
the boot tests do.  The workload comes from scripts/fetch-workload.sh.
"""

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYPY = os.path.join(ROOT, ".venv-pypy", "bin", "python")
MARKER = b"PYXEN15-INIT-READY"
MiB = 1 << 20
APPEND = "rdinit=/init cryptomgr.notests"
CONSOLE = {"native": "console=ttyAMA0", "dom0": "console=hvc0"}


def workload():
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "fetch-workload.sh")],
                         check=True, capture_output=True, text=True).stdout.split()
    return out[-3:]


def child(kind: str, smp: int, append: str, max_insns: int, zimage: str, dtb: str, initrd: str) -> None:
    """In the PyPy process: boot to the marker, print one JSON line."""
    start = time.perf_counter()
    sys.path.insert(0, ROOT)
    from pyxen15 import cli
    from pyxen15.board_vexpress.console import ScriptedConsole
    if kind == "native":
        m, hv, feed = cli.setup_boot(zimage, dtb, initrd, append, 512 * MiB, smp=smp, hyp="none", rtc_base=0)
    else:
        m, hv, feed = cli.setup_boot(zimage, dtb, initrd, append, 528 * MiB, smp=smp, hyp="python",
                                     dom0_mem=512 * MiB, dom0_vcpus=smp, rtc_base=0)
    script = ScriptedConsole(m, [], stop_after=MARKER, feed=feed)
    result = m.run(max_insns=max_insns)
    record = {"kind": kind, "reason": result.reason, "seconds": time.perf_counter() - start,
              "instructions": m.icount, "marker": MARKER in script.output,
              "tail": bytes(script.output[-600:]).decode("utf-8", "replace")}
    if hv is not None:
        record["stats"] = [list(r) for r in cli.stat_rows(hv.stats)]
    print(json.dumps(record))


def run(kind, args, files):
    """Wall seconds from the process's start to its marker, and its record."""
    runtime = PYPY if os.path.exists(PYPY) else sys.executable
    start = time.perf_counter()
    p = subprocess.run([runtime, os.path.abspath(__file__), "--child", kind, "--smp", str(args.smp),
                        "--append", args.append, "--max-insns", str(args.max_insns)] + list(files),
                       capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if p.returncode != 0 or not p.stdout.strip():
        print("%-6s failed (status %d):\n%s" % (kind, p.returncode, p.stderr[-2000:]))
        return None, None
    record = json.loads(p.stdout.strip().splitlines()[-1])
    if not record["marker"]:
        print("%-6s did not reach the marker (%s after %d instructions); last output:\n%s"
              % (kind, record["reason"], record["instructions"], record["tail"]))
        return None, record
    return wall, record


def trap_table(stats, seconds):
    """Per counter: count, cycles charged, cycles per event; and, when the
    hypervisor's stats carry host seconds (a fourth column), microseconds
    per event and the share of the run's wall time."""
    lines = ["%-42s %10s %14s %10s" % ("counter", "count", "cycles", "cyc/each")]
    for row in stats:
        name, count, cycles = row[:3]
        lines.append("%-42s %10d %14d %10.0f" % (name, count, cycles, cycles / count if count else 0))
        if len(row) > 3 and count:
            lines[-1] += "  %7.1f us each, %4.1f%% of the run" % (1e6 * row[3] / count, 100 * row[3] / seconds)
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--append", default=APPEND, help="kernel arguments besides console= (default %(default)r)")
    ap.add_argument("--max-insns", type=int, default=3 * 10 ** 9, help="each boot's instruction budget")
    ap.add_argument("--only", choices=["native", "dom0"])
    ap.add_argument("--child", choices=["native", "dom0"], help=argparse.SUPPRESS)
    ap.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        append = CONSOLE[args.child] + " " + args.append
        child(args.child, args.smp, append, args.max_insns, *args.files)
        return
    files = workload()
    times = {}
    for kind in ("native", "dom0"):
        if args.only and kind != args.only:
            continue
        wall, record = run(kind, args, files)
        if wall is None:
            continue
        times[kind] = wall
        print("%-6s %8.1f s to %s, %d instructions (%.2f MIPS)"
              % (kind, wall, MARKER.decode(), record["instructions"], record["instructions"] / wall / 1e6))
        if kind == "dom0":
            for line in trap_table(record["stats"], wall):
                print("       " + line)
    if len(times) == 2:
        print("ratio  %8.2f x  (dom0 / native wall time; target <= 1.5)" % (times["dom0"] / times["native"]))
    sys.exit(0 if len(times) == (1 if args.only else 2) else 1)


if __name__ == "__main__":
    main()
