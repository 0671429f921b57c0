"""guests/board-probe.c prints the board's device registers as software
sees them; QEMU's vexpress-a15 and pyxen15 must print the same."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gic"))

from conformance import check_against_qemu  # noqa: E402  (the GIC tests' QEMU referee)


def test_system_registers_uart_timers_and_rtc_match_qemu():
    out = check_against_qemu("board-probe", smp=1)
    assert "osc mb 2 data=016e3600\n" in out           # the UARTs' 24 MHz reference
    assert "Timer1RIS=00000001\n" in out               # the SP804 counted to its interrupt
