"""Issue 7's Linux check on pyxen15: Debian's kernel and the busybox
initramfs boot, entered in HYP mode, and the shell session of session.py
runs and passes the same checks as on QEMU -- on two cores (the DTB's two
CPUs), with the crypto self-tests, twice, and on one core with
``maxcpus=1``.

Each boot runs under PyPy (the project's fast runtime, `.venv-pypy`) in a
child process; the budget is in guest instructions (session.run_pyxen15),
with a wall-clock backstop for a hung host.  The PL031 starts at a fixed
`rtc_base`, so `date` is checked against the guest's own time, and two
boots of the same inputs must agree to the instruction and the byte.

The boots are the longest tests of the suite: they carry the
``linux_boot`` mark, which tests/conftest.py schedules first.
"""

import json
import os
import subprocess
import sys

import pytest

import session

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
PYPY = os.path.join(ROOT, ".venv-pypy", "bin", "python")
RTC_BASE = 1700000000                  # session.run_pyxen15's default
BACKSTOP = 1500                        # host seconds; a boot takes 2.5-4 minutes of a core

pytestmark = pytest.mark.linux_boot


def start(workload, smp, append, out, hash_seed):
    """One boot in a PyPy child process, writing its console to `out`."""
    runtime = PYPY if os.path.exists(PYPY) else sys.executable
    # Each child gets its own string-hash seed: nothing in the model may
    # depend on the order of a set or dict of strings.
    env = dict(os.environ, PYTHONHASHSEED=str(hash_seed))
    return subprocess.Popen([runtime, os.path.join(os.path.dirname(__file__), "pyxen15_session.py"), str(smp),
                             str(out), workload["zImage"], workload["dtb"], workload["initrd"], append],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)


def finish(p, out):
    """The run's JSON line and console bytes, once the boot has powered off."""
    try:
        stdout, stderr = p.communicate(timeout=BACKSTOP)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, stderr[-3000:]
    run = json.loads(stdout.strip().splitlines()[-1])
    console = out.read_bytes()
    assert run["reason"] == "poweroff", (run, console[-3000:].decode("utf-8", "replace"))
    return run, console


def busybox(workload):
    with open(os.path.join(os.path.dirname(workload["initrd"]), "busybox"), "rb") as f:
        return f.read()


def test_two_boots_on_two_cores_are_identical_and_pass_the_session(workload, tmp_path):
    """The default command line: the kernel runs its crypto self-tests
    (1.1 of its 1.4 billion instructions), which must all pass.  The two
    boots run at once, one per host core."""
    outs = [tmp_path / "console-a.bin", tmp_path / "console-b.bin"]
    procs = [start(workload, 2, session.APPEND, out, seed) for out, seed in zip(outs, (1, 2))]
    (run_a, console_a), (run_b, console_b) = [finish(p, out) for p, out in zip(procs, outs)]
    assert run_a["instructions"] == run_b["instructions"], (run_a, run_b)
    assert console_a == console_b
    out = session.check(console_a, 2, busybox(workload), (RTC_BASE, RTC_BASE + 3600),
                        virtual_time=(RTC_BASE, run_a["virtual_seconds"]))
    assert b"alg: self-tests disabled" not in console_a       # what cryptomgr.notests prints
    assert out["cpus"].split() == ["2"]


def test_the_session_passes_on_one_core_with_maxcpus_1(workload, tmp_path):
    out = tmp_path / "console.bin"
    run, console = finish(start(workload, 1, session.APPEND + " maxcpus=1", out, 1), out)
    session.check(console, 1, busybox(workload), (RTC_BASE, RTC_BASE + 3600),
                  virtual_time=(RTC_BASE, run["virtual_seconds"]))
