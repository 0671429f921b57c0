"""The GIC conformance guests print the same on QEMU and on pyxen15."""

from conformance import check_against_qemu


def test_distributor_and_cpu_interface_match_qemu():
    out = check_against_qemu("gic-dist", smp=2)
    assert "IAR preempt=00000023" in out       # the run did reach the preemption case
