"""The minimal guests of the hypervisor's mechanisms (guests/xen/), each
run as domain 1 with a deterministic instruction budget."""

import pytest

BUDGET = 3_000_000


def lines(run):
    return dict(line.split("=", 1) for line in run.output.splitlines() if "=" in line)


def test_mmio_to_the_emulated_distributor(hyp_guest):
    run = hyp_guest("xen-mmio", max_insns=BUDGET)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output
    got = lines(run)
    assert got["ctlr_reset"] == "00000000" and got["ctlr"] == "00000001"
    assert got["typer"] == "00000004"              # 160 IDs, one vCPU
    assert got["iidr"] == "0200043b"
    assert got["sgi_enabled"] == "0000ffff"
    assert got["enabled1"] == "00010000"           # 32 enabled then disabled, 48 left
    assert got["prio8"] == "80a048f0"              # word write, then a byte store into it
    assert got["prio33_byte"] == "00000048"
    assert got["targets8"] == "00000001"
    assert got["targets0"] == "01010101"           # SGIs/PPIs: this vCPU
    assert got["icfgr2"] == "00000002"
    assert got["pidr2"] == "0000002b"
    assert run.traps["mmio"] == 19                 # every access trapped and emulated


def test_psci_cpu_on_and_queries(hyp_guest):
    run = hyp_guest("xen-psci", vcpus=2, max_insns=BUDGET)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output
    got = lines(run)
    assert got["version"] == "00010001" and got["smccc"] == "00010001"
    assert got["smc_version"] == "00010001"        # SMC #0 under HCR.TSC
    assert run.traps["smc_psci"] == 1
    assert got["features_cpu_on"] == "00000000" and got["features_bogus"] == "ffffffff"
    assert got["migrate_info_type"] == "00000002"
    assert got["affinity1_before"] == "00000001"   # OFF
    assert got["cpu_on_bad"] == "fffffffe"         # INVALID_PARAMETERS
    assert got["cpu_on_self"] == "fffffffc"        # ALREADY_ON
    assert got["cpu_on"] == "00000000" and got["cpu_on_again"] == "fffffffc"
    assert got["secondary"] == "00000111"          # vCPU 1 ran, its VMPIDR Aff0 = 1
    assert got["affinity1_after"] == "00000001"    # CPU_OFF took it off again
    assert got["unknown_fid"] == "ffffffff"
    assert "CPU_OFF returned" not in run.output
    assert run.hv.running[1] is None               # its core is back in the idle loop


def test_sgi_between_two_vcpus(hyp_guest):
    run = hyp_guest("xen-sgi", vcpus=2, max_insns=BUDGET)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output
    got = lines(run)
    assert got["vcpu0_sgi"] == "00000005" and got["vcpu0_from"] == "00000001"
    assert got["vcpu1_sgi"] == "00000009" and got["vcpu1_from"] == "00000000"


def test_virtual_timer_interrupt(hyp_guest):
    run = hyp_guest("xen-vtimer", max_insns=BUDGET, cntvoff=1 << 32)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output
    got = lines(run)
    assert got["cntvoff_hi"] == "00000001"         # CNTVCT = CNTPCT - the domain's CNTVOFF
    assert got["vticks"] == "00000003"
    assert got["cntv_ctl"] == "00000002"           # masked after the third tick
    assert got["cntp_ctl_armed"] == "00000001"     # the trapped physical timer, emulated
    assert got["pticks"] == "00000001" and got["last_irq"] == "0000001e"
    assert run.traps["irq"] == 4 and run.traps["cp15"] == 4


@pytest.mark.parametrize("guest,vcpus", [("xen-sgi", 2), ("xen-vtimer", 1), ("xen-psci", 2)])
def test_deterministic(hyp_guest, guest, vcpus):
    a = hyp_guest(guest, vcpus=vcpus, max_insns=BUDGET)
    b = hyp_guest(guest, vcpus=vcpus, max_insns=BUDGET)
    assert a.machine.icount == b.machine.icount
    assert a.output == b.output
    assert a.hv.stats.rows() == b.hv.stats.rows()
    assert a.machine.cpu.cycles == b.machine.cpu.cycles


@pytest.mark.parametrize("guest", ["xen-psci", "xen-sgi"])
def test_two_vcpus_on_one_core(hyp_guest, guest):
    """More vCPUs than cores: the same guests, the vCPUs switched on one core."""
    one = hyp_guest(guest, vcpus=2, cores=1, max_insns=BUDGET)
    two = hyp_guest(guest, vcpus=2, max_insns=BUDGET)
    assert (one.result.reason, one.result.exit_code) == ("exit", 0), one.output
    assert lines(one) == lines(two)
    assert one.traps["ctxsw"] >= 2


def test_context_switch_keeps_registers_sysregs_and_vfp(hyp_guest):
    run = hyp_guest("xen-ctxsw", vcpus=2, cores=1, max_insns=BUDGET)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output
    got = lines(run)
    assert got["cpu_on"] == "00000000"
    assert got["bad0"] == "00000000" and got["bad1"] == "00000000"
    assert run.traps["ctxsw"] >= 10
    assert run.traps["hcptr"] >= 10              # VFP moved lazily, on first use after a switch


def test_system_off_of_the_hardware_domain_ends_the_run(hyp_guest):
    run = hyp_guest("xen-sysoff", domid=0, max_insns=BUDGET)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output
    assert "powering off" in run.output and "SYSTEM_OFF returned" not in run.output
    assert run.domain.shutdown_reason == 0


@pytest.mark.parametrize("cores", [2, 1])
def test_shutdown_of_a_domu_stops_all_its_vcpus(hyp_guest, cores):
    """SCHEDOP_shutdown from vCPU 0 while vCPU 1 counts, on the other core
    (kicked out at its next HYP entry) or waiting for its turn on this one:
    the domain stops whole, so every core idles and the run ends there --
    a vCPU left running would spend the budget instead."""
    from pyxen15.hyp.vcpu import OFFLINE
    run = hyp_guest("xen-shutdown", vcpus=2, cores=cores, max_insns=BUDGET)
    assert run.result.reason == "halt", (run.result, run.output)
    assert "shutting down" in run.output and "shutdown returned" not in run.output
    assert run.domain.shutdown_reason == 0
    assert [v.state for v in run.domain.vcpus] == [OFFLINE, OFFLINE]
    assert run.hv.running == [None] * cores


def test_runstate_area_shows_the_time_a_vcpu_waited_for_its_core(hyp_guest):
    """vCPU 0's own runstate area (VCPUOP_register_runstate_memory_area),
    as last written when it was switched back onto its core: sharing one
    core with a busy vCPU 1 it waited about as long as it ran; alone on its
    core it never waited.  The times add up to the time since it started."""
    shared = lines(hyp_guest("xen-runstate", vcpus=2, cores=1, max_insns=3 * BUDGET))
    alone = lines(hyp_guest("xen-runstate", vcpus=2, max_insns=3 * BUDGET))
    for got in (shared, alone):
        assert got["register"] == got["cpu_on"] == got["state"] == "00000000"   # RUNSTATE_running
        assert got["blocked"] == got["offline"] == "00000000"
        assert got["bad_area"] == "fffffff2"                                  # -EFAULT
    ns = {k: int(v, 16) for k, v in shared.items()}
    assert ns["running"] > 10 ** 6 and ns["runnable"] > 10 ** 6               # slices of 1 ms
    assert ns["running"] + ns["runnable"] == ns["entry"]                        # since it started at 0
    assert int(alone["runnable"], 16) == 0 and int(alone["running"], 16) < 10 ** 6


def test_stage2_fault_outside_the_p2m_is_an_abort_for_the_guest(hyp_guest):
    run = hyp_guest("xen-dabt", max_insns=BUDGET)     # 64 MiB board: its heap is at 0x83800000
    assert run.hv.heap[0] <= 0x83F00000 < sum(run.hv.heap)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0x84), run.output
    assert "guest: unexpected data abort" in run.output and "loaded=" not in run.output
    assert run.traps["dabt"] == 1
    assert run.machine.cpu.sys.dfar == 0x83F00000
    assert run.machine.cpu.sys.dfsr == 0x008          # short format (TTBCR.EAE = 0): external abort, read
