"""The scripted console (the API's expect-like helper): input injected when
given output has appeared, at the same instruction in every run."""

import subprocess

from keystone import KS_ARCH_ARM, KS_MODE_ARM, Ks

from pyxen15.board_vexpress import linux_boot as lb
from pyxen15.board_vexpress.console import ScriptedConsole
from pyxen15.machine import Machine

ECHO = """
    ldr r4, =0x1C090000
    ldr r5, =0x1C010000
    mov r0, #0x3E
    str r0, [r4]
loop:
    ldr r1, [r4, #0x18]
    tst r1, #0x10
    bne loop
    ldr r0, [r4]
    cmp r0, #0x71
    beq off
    add r0, r0, #1
    str r0, [r4]
    b loop
off:
    ldr r0, =0xC0800000
    str r0, [r5, #0xA4]
hang:
    b hang
"""


def boot(tmp_path, steps, stop_after=None):
    code, _ = Ks(KS_ARCH_ARM, KS_MODE_ARM).asm(ECHO)
    (tmp_path / "Image").write_bytes(bytes(code))
    src = ('/dts-v1/; / { #address-cells = <2>; #size-cells = <2>; '
           'memory@80000000 { device_type = "memory"; reg = <0 0x80000000 0 0x1000000>; }; };')
    (tmp_path / "b.dtb").write_bytes(subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb"], input=src.encode(),
                                                    capture_output=True, check=True).stdout)
    plan = lb.plan_boot(str(tmp_path / "Image"), str(tmp_path / "b.dtb"), 16 << 20)
    m = Machine(ram_size=16 << 20, rtc_base=0)
    lb.load(m, plan, hyp=True)
    script = ScriptedConsole(m, steps, stop_after)
    return m, script, m.run(max_insns=1000000)


class TestScriptedConsole:
    def test_each_input_follows_its_prompt_then_poweroff(self, tmp_path):
        m, script, result = boot(tmp_path, [(b">", b"ab"), (b"bc", b"HAL"), (b"IBM", b"q")])
        assert result.reason == "poweroff" and script.done
        assert bytes(script.output) == b">bcIBM"

    def test_stop_after_ends_the_run_with_reason_console(self, tmp_path):
        m, script, result = boot(tmp_path, [(b">", b"xyz")], stop_after=b"{")
        assert result.reason == "console" and bytes(script.output) == b">yz{"

    def test_two_runs_retire_the_same_instructions(self, tmp_path):
        counts = set()
        for _ in range(2):
            m, script, result = boot(tmp_path, [(b">", b"hello"), (b"ifmmp", b"q")])
            assert result.reason == "poweroff"
            counts.add(m.icount)
        assert len(counts) == 1

    def test_a_pattern_that_never_appears_feeds_nothing(self, tmp_path):
        m, script, result = boot(tmp_path, [(b"login:", b"root\n")])
        assert result.reason == "max_insns" and not script.done and bytes(script.output) == b">"
