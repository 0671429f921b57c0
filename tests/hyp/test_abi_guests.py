"""The Xen ABI's minimal guests (guests/xen/hypercall.c, evtchn.c, fuzz.c),
each run as domain 1 under the Python hypervisor with a deterministic
instruction budget."""

import re

import pytest

BUDGET = 3_000_000
FUZZ_BUDGET = 60_000_000          # the fuzz takes about 32 M guest instructions


def values(run):
    return dict(re.findall(r"^(\w+)=([0-9a-f]{8})$", run.output, re.M))


def test_hypercall_guest(hyp_guest):
    run = hyp_guest("xen-hypercall", max_insns=BUDGET)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output
    got = values(run)
    assert got["version"] == "00040011"                # Xen 4.17
    assert got["features_rc"] == "00000000"
    assert got["features"] == "00016005"               # a domU: no dom0, not direct-mapped
    assert "hello from a Xen guest via console_io\n" in run.output
    assert got["write_rc"] == "00000000"
    assert got["unknown_nr"] == got["unknown_subop"] == "ffffffda"     # -ENOSYS
    assert got["bad_pointer"] == got["outside_ram"] == "fffffff2"      # -EFAULT
    assert run.traps["hypercall"] == 7
    assert run.traps["hc:console_io.write"] == 2 and run.traps["hc:unknown"] == 1


def test_event_channel_sent_to_itself_arrives_through_the_upcall(hyp_guest):
    run = hyp_guest("xen-evtchn", max_insns=BUDGET)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output
    got = values(run)
    assert got["physmap_rc"] == got["vcpu_info_rc"] == got["bind_ipi_rc"] == "00000000"
    assert got["upcalls_after_register"] == "00000001"   # Xen raises one on registration
    assert got["port"] == "00000001" and got["send_rc"] == "00000000"
    assert got["received"] == "00000001" and got["received_port"] == "00000001"
    assert got["received_while_masked"] == "00000001"   # masked: pending, no upcall
    assert got["pending_while_masked"] == "00000001"
    assert got["received_after_unmask"] == "00000002"   # EVTCHNOP_unmask raised it
    assert got["spurious"] == "00000000"
    d = run.domain
    assert d.p2m.lookup(d.shared_info_gfn << 12)[0] == d.evtchn.shared_info


@pytest.mark.parametrize("domid", [1, 0])       # a domU, and the hardware domain's rights
def test_fuzz_100000_random_hypercalls(hyp_guest, domid):
    run = hyp_guest("xen-fuzz", max_insns=FUZZ_BUDGET, domid=domid)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output[-2000:]
    got = values(run)
    assert int(got["fuzz_calls"], 16) == 100000
    answered = sum(int(got[k], 16) for k in ("fuzz_ok", "fuzz_enosys", "fuzz_efault", "fuzz_other"))
    assert answered == 100000
    assert all(int(got[k], 16) > 500 for k in ("fuzz_ok", "fuzz_enosys", "fuzz_efault", "fuzz_other"))
    assert got["fuzz_version"] == "00040011"            # the hypervisor still answers
    hypercalls = sum(c for name, c in run.traps.items() if name.startswith("hc:"))
    assert hypercalls == run.traps["hypercall"] == 100001
    # it reached the families' real work, not only their error paths
    for op in ("event_channel_op.bind_ipi", "event_channel_op.send", "grant_table_op.map_grant_ref",
               "memory_op.add_to_physmap", "vcpu_op.register_vcpu_info", "xen_version.get_features"):
        assert run.traps.get("hc:" + op, 0) > 5, op


def test_fuzz_is_deterministic(hyp_guest):
    a = hyp_guest("xen-fuzz", max_insns=2_000_000)
    b = hyp_guest("xen-fuzz", max_insns=2_000_000)
    assert a.output == b.output and a.traps == b.traps
    assert a.machine.icount == b.machine.icount


def test_event_moved_to_vcpu1_wakes_it_from_wfi(hyp_guest):
    run = hyp_guest("xen-evtchn2", vcpus=2, max_insns=BUDGET)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output
    got = values(run)
    assert got["alloc_rc"] == got["bind_rc"] == got["bind_vcpu_rc"] == got["send_rc"] == "00000000"
    assert got["cpu_on"] == "00000000"
    assert got["vcpu1_received"] == "00000001"          # on vCPU 1, where bind_vcpu put it
    assert got["vcpu0_received"] == "00000000"
    assert got["port"] == "00000001"                    # the interdomain end it was sent to
