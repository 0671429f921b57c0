"""Issue 8's Linux check: Debian's unmodified kernel boots as dom0 of the
Python hypervisor with two vCPUs to the busybox shell on hvc0, and the
session of session.py (with ``cat /sys/hypervisor/type``) passes the dom0
checks: Linux found Xen 4.17, uses the 2-level event ABI, registered vcpu0,
its console is hvc0, the Xen event-channel interrupts and the virtual
timer tick on both vCPUs, and the native session's commands answer.

Determinism: the boot runs twice at once, one child per host core, with
different string-hash seeds; the two must agree on the instruction count,
the console output byte for byte and the trap/hypercall table.

Each boot runs under PyPy in a child process (pyxen15_session.py --dom0);
budgets are guest instructions, with a wall-clock backstop.
"""

import pytest

import session

RTC_BASE = 1700000000
APPEND = session.DOM0_APPEND + " cryptomgr.notests"

pytestmark = pytest.mark.linux_boot


def test_two_dom0_boots_are_identical_and_pass_the_session_on_hvc0(workload, tmp_path):
    outs = [tmp_path / "console-a.bin", tmp_path / "console-b.bin"]
    procs = [session.spawn(workload, 2, APPEND, out, seed, True) for out, seed in zip(outs, (1, 2))]
    # poweroff -f in dom0 is SCHEDOP_shutdown(poweroff): the run ends with status 0
    (run_a, console_a), (run_b, console_b) = [session.collect(p, out, "exit") for p, out in zip(procs, outs)]
    assert run_a["exit_code"] == 0, run_a
    assert run_a["instructions"] == run_b["instructions"], (run_a, run_b)
    assert console_a == console_b
    assert run_a["stats"] == run_b["stats"]
    session.check(console_a, 2, session.busybox(workload), (RTC_BASE, RTC_BASE + 3600), dom0=True,
                  virtual_time=(RTC_BASE, run_a["virtual_seconds"]))
    stats = run_a["stats"]
    # Linux made the calls of the ABI's Appendix A, through the HVC trap
    assert stats["hypercall"][0] > 0
    for name in ("hc:xen_version", "hc:console_io", "hc:memory_op", "hc:event_channel_op", "hc:vcpu_op"):
        assert any(n.startswith(name) for n in stats), (name, sorted(stats))
