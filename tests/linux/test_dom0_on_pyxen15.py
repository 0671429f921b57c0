"""Issue 8's Linux check: Debian's unmodified kernel boots as dom0 of the
Python hypervisor with two vCPUs to the busybox shell on hvc0, and the
session of session.py (with ``cat /sys/hypervisor/type``) passes the dom0
checks: Linux found Xen 4.17, uses the 2-level event ABI, registered vcpu0,
its console is hvc0, the Xen event-channel interrupts and the virtual
timer tick on both vCPUs, and the native session's commands answer.

Determinism: two runs of the same inputs give the same instruction count,
console output and trap/hypercall table.  The second boot costs minutes,
so the determinism check is two shorter runs with one instruction budget
(--max-insns), well past Xen's initialisation (the hypercalls, event
channels and the second vCPU have all been used by then).

Each boot runs under PyPy in a child process (pyxen15_session.py --dom0);
budgets are guest instructions, with a wall-clock backstop.
"""

import json
import os
import subprocess
import sys

import session

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
PYPY = os.path.join(ROOT, ".venv-pypy", "bin", "python")
RTC_BASE = 1700000000
APPEND = session.DOM0_APPEND + " cryptomgr.notests"
SHORT_BUDGET = 150 * 10 ** 6


def run_dom0(workload, out, *extra):
    runtime = PYPY if os.path.exists(PYPY) else sys.executable
    p = subprocess.run([runtime, os.path.join(os.path.dirname(__file__), "pyxen15_session.py"), "--dom0"]
                       + list(extra) + ["2", str(out), workload["zImage"], workload["dtb"], workload["initrd"],
                                        APPEND],
                       capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1]), out.read_bytes()


def test_dom0_boots_to_the_shell_on_hvc0_with_two_vcpus(workload, tmp_path):
    run, console = run_dom0(workload, tmp_path / "console.bin")
    # poweroff -f in dom0 is SCHEDOP_shutdown(poweroff): the run ends with status 0
    assert (run["reason"], run["exit_code"]) == ("exit", 0), (run, console[-3000:].decode("utf-8", "replace"))
    with open(os.path.join(os.path.dirname(workload["initrd"]), "busybox"), "rb") as f:
        busybox = f.read()
    session.check(console, 2, busybox, (RTC_BASE, RTC_BASE + 3600), dom0=True,
                  virtual_time=(RTC_BASE, run["virtual_seconds"]))
    stats = run["stats"]
    # Linux made the calls of the ABI's Appendix A, through the HVC trap
    assert stats["hypercall"][0] > 0
    for name in ("hc:xen_version", "hc:console_io", "hc:memory_op", "hc:event_channel_op", "hc:vcpu_op"):
        assert any(n.startswith(name) for n in stats), (name, sorted(stats))


def test_two_dom0_runs_with_one_budget_are_the_same(workload, tmp_path):
    first = run_dom0(workload, tmp_path / "a.bin", "--max-insns", str(SHORT_BUDGET))
    second = run_dom0(workload, tmp_path / "b.bin", "--max-insns", str(SHORT_BUDGET))
    (run1, console1), (run2, console2) = first, second
    assert run1["reason"] == run2["reason"] == "max_insns"
    assert run1["instructions"] == run2["instructions"]
    assert console1 == console2 and b"Xen 4.17 support found" in console1
    assert run1["stats"] == run2["stats"]
