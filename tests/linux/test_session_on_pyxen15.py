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

import pytest

import session

RTC_BASE = 1700000000                  # session.run_pyxen15's default

pytestmark = pytest.mark.linux_boot


def test_two_boots_on_two_cores_are_identical_and_pass_the_session(workload, tmp_path):
    """The default command line: the kernel runs its crypto self-tests
    (1.1 of its 1.4 billion instructions), which must all pass, with the
    NEON modules loaded too, whose drivers are tested as they register
    (issue 10).  The two boots run at once, one per host core."""
    outs = [tmp_path / "console-a.bin", tmp_path / "console-b.bin"]
    procs = [session.spawn(workload, 2, session.APPEND + session.LOAD_MODULES, out, seed)
             for out, seed in zip(outs, (1, 2))]
    (run_a, console_a), (run_b, console_b) = [session.collect(p, out) for p, out in zip(procs, outs)]
    assert run_a["instructions"] == run_b["instructions"], (run_a, run_b)
    assert console_a == console_b
    out = session.check(console_a, 2, session.busybox(workload), (RTC_BASE, RTC_BASE + 3600),
                        virtual_time=(RTC_BASE, run_a["virtual_seconds"]), neon_modules=True)
    assert b"alg: self-tests disabled" not in console_a       # what cryptomgr.notests prints
    assert out["cpus"].split() == ["2"]


def test_the_session_passes_on_one_core_with_maxcpus_1(workload, tmp_path):
    out = tmp_path / "console.bin"
    run, console = session.collect(session.spawn(workload, 1, session.APPEND + " maxcpus=1", out, 1), out)
    session.check(console, 1, session.busybox(workload), (RTC_BASE, RTC_BASE + 3600),
                  virtual_time=(RTC_BASE, run["virtual_seconds"]))
