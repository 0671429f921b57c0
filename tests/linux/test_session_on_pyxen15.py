"""Issue 7's Linux check on pyxen15: Debian's kernel and the busybox
initramfs boot on two modelled cores, entered in HYP mode, and the shell
session of session.py runs and passes the same checks as on QEMU.

The boot runs under PyPy (the project's fast runtime, `.venv-pypy`) in a
child process; the budget is in guest instructions (session.run_pyxen15),
with a wall-clock backstop for a hung host.  The PL031 starts at a fixed
`rtc_base`, so `date` is checked against the guest's own time.
"""

import json
import os
import subprocess
import sys

import session

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
PYPY = os.path.join(ROOT, ".venv-pypy", "bin", "python")
RTC_BASE = 1700000000                  # session.run_pyxen15's default
# The crypto self-tests are 1.1 billion of the kernel's 1.6 billion
# instructions (workloads.md); this run leaves them out.
APPEND = session.APPEND + " cryptomgr.notests"


def test_the_session_passes_on_pyxen15_with_two_cores(workload, tmp_path):
    runtime = PYPY if os.path.exists(PYPY) else sys.executable
    out = tmp_path / "console.bin"
    p = subprocess.run([runtime, os.path.join(os.path.dirname(__file__), "pyxen15_session.py"), "2", str(out),
                        workload["zImage"], workload["dtb"], workload["initrd"], APPEND],
                       capture_output=True, text=True, timeout=1500, cwd=ROOT)
    assert p.returncode == 0, p.stderr[-3000:]
    run = json.loads(p.stdout.strip().splitlines()[-1])
    console = out.read_bytes()
    assert run["reason"] == "poweroff", (run, console[-3000:].decode("utf-8", "replace"))
    with open(os.path.join(os.path.dirname(workload["initrd"]), "busybox"), "rb") as f:
        busybox = f.read()
    session.check(console, 2, busybox, (RTC_BASE, RTC_BASE + 3600))
