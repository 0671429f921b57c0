"""The timer conformance guest prints the same on QEMU and on pyxen15."""

from conformance import check_against_qemu


def test_three_timers_match_qemu():
    out = check_against_qemu("timer", smp=2)
    assert "HYP CTL fired=00000005\n" in out     # hyp_setup did run the HYP timer
    assert "  IRQ=0000001e\n" in out and "  IRQ=0000001b\n" in out
