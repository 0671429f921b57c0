"""The GIC conformance guests print the same on QEMU and on pyxen15."""

from conformance import check_against_qemu


def test_distributor_and_cpu_interface_match_qemu():
    out = check_against_qemu("gic-dist", smp=2)
    assert "IAR preempt=00000023" in out       # the run did reach the preemption case


def test_a_four_core_distributor_matches_qemu():
    out = check_against_qemu("gic-dist", smp=4)
    assert "GICD_TYPER=00000064\n" in out      # CPUNumber = 3


def test_sgis_and_spis_between_two_cores_match_qemu():
    out = check_against_qemu("gic-sgi", smp=2)
    assert "  iar=00000405\n" in out             # SGI 5 from core 1, as core 0 saw it


def test_list_registers_and_maintenance_interrupt_match_qemu():
    out = check_against_qemu("gic-virt", smp=2)
    assert "physical after=00000000\n" in out    # the HW bit reached the distributor


def test_two_core_runs_are_deterministic():
    from conformance import built, pyxen15_console
    elf = built("gic-sgi")
    runs = [pyxen15_console(elf, smp=2) for _ in range(2)]
    (m1, r1, out1), (m2, r2, out2) = runs
    assert r1.reason == r2.reason == "exit"
    assert out1 == out2
    assert [c.icount for c in m1.cpus] == [c.icount for c in m2.cpus]
    assert [c.cycles for c in m1.cpus] == [c.cycles for c in m2.cpus]
