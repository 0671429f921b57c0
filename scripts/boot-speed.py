#!/usr/bin/env python3
"""Boot Debian's kernel, DTB and busybox initramfs to the init script's
marker on QEMU and on pyxen15, one after the other in one run, and print
both wall times and their ratio (issue 7, "Speed").

    scripts/boot-speed.py [--smp N] [--append ARGS] [--timeout S] [--pyxen15 PATH]
                          [--only qemu|pyxen15]

QEMU: ``qemu-system-arm -M vexpress-a15,secure=off,virtualization=on -smp N
-m 512`` with the zImage (its decompressor runs in the guest).  pyxen15:
``pyxen15 boot`` on PyPy (``.venv-pypy``), which decompresses the zImage on
the host.  Each wall time runs from starting the process to the marker on
its console; then the process is stopped.  The workload comes from
scripts/fetch-workload.sh (cached).
"""

import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = b"PYXEN15-INIT-READY"


def workload():
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "fetch-workload.sh")],
                         check=True, capture_output=True, text=True).stdout.split()
    return out[-3:]


def time_to_marker(argv, timeout):
    """Seconds from start to MARKER on stdout, and the console text; None on timeout/exit."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = bytearray()
    elapsed = None
    try:
        os.set_blocking(p.stdout.fileno(), True)
        while time.perf_counter() - start < timeout:
            chunk = p.stdout.read1(4096) if hasattr(p.stdout, "read1") else p.stdout.read(1)
            if not chunk:
                break
            seen += chunk
            if MARKER in seen:
                elapsed = time.perf_counter() - start
                break
    finally:
        p.kill()
        p.wait()
    return elapsed, seen.decode("utf-8", "replace"), p.stderr.read().decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--append", default="console=ttyAMA0 rdinit=/init")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--pyxen15", default=os.path.join(ROOT, ".venv-pypy", "bin", "pyxen15"))
    ap.add_argument("--only", choices=["qemu", "pyxen15"])
    args = ap.parse_args()
    zimage, dtb, initrd = workload()
    runs = {
        "qemu": ["qemu-system-arm", "-M", "vexpress-a15,secure=off,virtualization=on", "-smp", str(args.smp),
                 "-m", "512", "-kernel", zimage, "-dtb", dtb, "-initrd", initrd, "-append", args.append,
                 "-nographic", "-monitor", "none", "-serial", "stdio"],
        "pyxen15": [args.pyxen15, "boot", zimage, "--dtb", dtb, "--initrd", initrd, "--append", args.append,
                    "--smp", str(args.smp), "--mem", "512M", "--rtc-base", "0"],
    }
    times = {}
    for name, argv in runs.items():
        if args.only and name != args.only:
            continue
        elapsed, console, err = time_to_marker(argv, args.timeout)
        if elapsed is None:
            tail = "\n".join((console + err).strip().splitlines()[-5:])
            print("%-8s did not reach the marker (last lines:)\n%s" % (name, tail))
            continue
        times[name] = elapsed
        print("%-8s %8.1f s to %s" % (name, elapsed, MARKER.decode()))
    if len(times) == 2:
        print("ratio    %8.1f x  (pyxen15 / QEMU wall time)" % (times["pyxen15"] / times["qemu"]))
    sys.exit(0 if len(times) == (1 if args.only else 2) else 1)


if __name__ == "__main__":
    main()
