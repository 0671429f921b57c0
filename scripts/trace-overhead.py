#!/usr/bin/env python3
"""What `--trace` costs on dom0's boot, measured inside one run: the time
spent in the trace's own entry (debug/trace.py) minus the hypervisor's
handler inside it, plus writing the file, against the whole run.

    .venv-pypy/bin/python scripts/trace-overhead.py [--max-insns N] [--out FILE]

The machine is built as `pyxen15 boot --hyp python --mem 528M --dom0-mem
512M` builds it (cli.setup_boot), with the workload of
scripts/fetch-workload.sh.  A wall-clock comparison of two boots (one
with --trace, one without) says the same within its noise, which on a
shared machine is larger than the trace's cost; this says how much of a
run is the trace's.
"""

import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
MiB = 1 << 20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-insns", type=int, default=250_000_000)
    ap.add_argument("--out", default="/tmp/pyxen15-trace-overhead.jsonl")
    args = ap.parse_args()
    zimage, dtb, initrd = subprocess.run(["bash", os.path.join(ROOT, "scripts", "fetch-workload.sh")], check=True,
                                         capture_output=True, text=True).stdout.split()[-3:]
    from pyxen15 import cli
    from pyxen15.debug.trace import TrapTrace
    m, hv, _ = cli.setup_boot(zimage, dtb, initrd, "console=hvc0 rdinit=/init cryptomgr.notests", 528 * MiB,
                              hyp="python", dom0_mem=512 * MiB, rtc_base=0)
    trace = TrapTrace(hv, args.out).install()
    handler = [0.0]
    entry = [0.0]
    handle, hyp_trap = trace.handle, trace.hyp_trap

    def timed_handle(hv_, core, vect_offset):
        t = time.perf_counter()
        try:
            return handle(hv_, core, vect_offset)
        finally:
            handler[0] += time.perf_counter() - t

    def timed_entry(core, vect_offset, target):
        t = time.perf_counter()
        try:
            return hyp_trap(core, vect_offset, target)
        finally:
            entry[0] += time.perf_counter() - t

    trace.handle = timed_handle
    for core in m.cpus:
        core.hyp_trap = timed_entry
    start = time.perf_counter()
    m.run(max_insns=args.max_insns)
    t = time.perf_counter()
    trace.close()
    writing = time.perf_counter() - t
    run = time.perf_counter() - start
    own = entry[0] - handler[0] + writing
    print("%d instructions, %d traps, %.2f s; in the trace's entry %.3f s, the hypervisor's handlers %.3f s of it; "
          "the trace's own %.3f s (closing the file %.3f s) = %.2f %% of the run"
          % (m.icount, trace.count, run, entry[0], handler[0], own, writing, 100 * own / run))


if __name__ == "__main__":
    main()
