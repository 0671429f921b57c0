"""`pyxen15 boot`: the console in and out, poweroff, Ctrl-A X, the closing
statistics line, and one clear error line for every kind of bad input."""

import os
import re
import subprocess
import sys

import pytest
from keystone import KS_ARCH_ARM, KS_MODE_ARM, Ks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATS = re.compile(r"^pyxen15: (\d+) instructions, [\d.]+ s, [\d.]+ MIPS$")
# The toy kernels below drive UART0 and the board themselves: a native boot
# (the default, dom0 of the Python hypervisor, is tests/linux/test_dom0_*).
NATIVE = ("boot", "--hyp", "none")

# A raw "kernel" (booted at RAM + 0x8000): print 'B' and r2's DTB magic
# check result, then echo each input byte + 1 until 'q', then power the
# board off through SYS_CFGCTRL (START | WRITE | SHUTDOWN).
ECHO = """
    ldr r4, =0x1C090000
    ldr r5, =0x1C010000
    mov r0, #0x42
    str r0, [r4]
    ldr r1, [r2]
    ldr r3, =0xEDFE0DD0
    cmp r1, r3
    moveq r0, #0x2B
    movne r0, #0x2D
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


def pyxen15(*args, stdin=b"", timeout=120):
    exe = os.path.join(os.path.dirname(sys.executable), "pyxen15")
    return subprocess.run([exe] + list(args), input=stdin, capture_output=True, timeout=timeout)


def one_error_line(p, pattern):
    lines = p.stderr.decode().strip().splitlines()
    assert p.returncode != 0
    assert len(lines) == 1 and lines[0].startswith("pyxen15: error: "), p.stderr
    assert re.search(pattern, lines[0]), lines[0]
    assert b"Traceback" not in p.stderr


@pytest.fixture
def files(tmp_path):
    code, _ = Ks(KS_ARCH_ARM, KS_MODE_ARM).asm(ECHO)
    kernel = tmp_path / "Image"
    kernel.write_bytes(bytes(code))
    src = ('/dts-v1/; / { #address-cells = <2>; #size-cells = <2>; chosen { }; '
           'cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { device_type = "cpu"; reg = <0>; }; }; '
           'memory@80000000 { device_type = "memory"; reg = <0 0x80000000 0 0x40000000>; }; };')
    dtb = tmp_path / "board.dtb"
    dtb.write_bytes(subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb"], input=src.encode(),
                                   capture_output=True, check=True).stdout)
    nomem = tmp_path / "nomem.dtb"
    nomem.write_bytes(subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb"],
                                     input=src.replace("memory@80000000", "sram@0").replace('"memory"', '"sram"').encode(),
                                     capture_output=True, check=True).stdout)
    initrd = tmp_path / "initrd"
    initrd.write_bytes(b"070701" + bytes(200))
    return {"kernel": str(kernel), "dtb": str(dtb), "nomem": str(nomem), "initrd": str(initrd),
            "tmp": tmp_path}


class TestConsole:
    def test_input_reaches_uart0_and_poweroff_exits_zero(self, files):
        p = pyxen15(*NATIVE, files["kernel"], "--dtb", files["dtb"], "--max-insns", "5000000", stdin=b"abcq")
        assert p.returncode == 0, p.stderr
        assert p.stdout == b"B+bcd"          # '+': r2 held the DTB
        assert STATS.match(p.stderr.decode().strip().splitlines()[-1])

    def test_ctrl_a_x_quits_and_prints_the_statistics(self, files):
        p = pyxen15(*NATIVE, files["kernel"], "--dtb", files["dtb"], "--max-insns", "5000000", stdin=b"ab\x01xcd")
        assert p.returncode == 0, p.stderr
        # it quits at once: what was typed before it may be echoed, nothing after it
        assert p.stdout in (b"B+", b"B+b", b"B+bc")
        lines = p.stderr.decode().strip().splitlines()
        assert STATS.match(lines[-2]) and lines[-1] == "pyxen15: quit (Ctrl-A X)"

    def test_the_instruction_budget_ends_with_124(self, files):
        p = pyxen15(*NATIVE, files["kernel"], "--dtb", files["dtb"], "--max-insns", "20000", stdin=b"")
        assert p.returncode == 124
        m = STATS.match(p.stderr.decode().strip().splitlines()[0])
        assert m and int(m.group(1)) == 20000

    def test_same_inputs_same_output_and_count(self, files):
        runs = [pyxen15(*NATIVE, files["kernel"], "--dtb", files["dtb"], "--rtc-base", "0",
                        "--max-insns", "30000", stdin=b"xyz") for _ in range(2)]
        assert runs[0].stdout == runs[1].stdout == b"B+yz{"
        assert STATS.match(runs[0].stderr.decode().splitlines()[0]).group(1) == \
            STATS.match(runs[1].stderr.decode().splitlines()[0]).group(1)


class TestBadInput:
    @pytest.mark.parametrize("case, pattern", [
        ("missing_kernel", r"cannot read kernel .*No such file"),
        ("corrupt_kernel", r"too short"),
        ("missing_dtb", r"cannot read DTB"),
        ("corrupt_dtb", r"not a valid device tree: bad magic"),
        ("dtb_without_memory", r"no memory node"),
        ("missing_initrd", r"cannot read initrd"),
        ("corrupt_initrd", r"not a cpio archive"),
        ("smp_0", r"--smp 0: pyxen15 models 1 to 4 cores"),
        ("smp_5", r"--smp 5: pyxen15 models 1 to 4 cores"),
        ("kernel_too_big", r"does not fit in 1 MiB"),
        ("initrd_too_big", r"initrd .* does not fit"),
        ("bad_append", r"--append contains .*only printable ASCII"),
        ("bad_mem", r"bad size"),
        ("mem_too_big", r"at most 2 GiB"),
        ("no_dtb_option", r"Missing option '--dtb'"),
    ])
    def test_one_clear_line_and_a_non_zero_status(self, files, case, pattern):
        tmp = files["tmp"]
        args = {"kernel": files["kernel"], "--dtb": files["dtb"]}
        extra = []
        if case == "missing_kernel":
            args["kernel"] = str(tmp / "nope")
        elif case == "corrupt_kernel":
            (tmp / "bad").write_bytes(b"\x00" * 10)
            args["kernel"] = str(tmp / "bad")
        elif case == "missing_dtb":
            args["--dtb"] = str(tmp / "nope.dtb")
        elif case == "corrupt_dtb":
            (tmp / "bad.dtb").write_bytes(b"not a dtb at all, really not" * 4)
            args["--dtb"] = str(tmp / "bad.dtb")
        elif case == "dtb_without_memory":
            args["--dtb"] = files["nomem"]
        elif case == "missing_initrd":
            extra = ["--initrd", str(tmp / "none")]
        elif case == "corrupt_initrd":
            (tmp / "junk").write_bytes(b"junk" * 100)
            extra = ["--initrd", str(tmp / "junk")]
        elif case == "smp_0":
            extra = ["--smp", "0"]
        elif case == "smp_5":
            extra = ["--smp", "5"]
        elif case == "kernel_too_big":
            (tmp / "big").write_bytes(b"\x00" * (2 << 20))
            args["kernel"] = str(tmp / "big")
            extra = ["--mem", "1M"]
        elif case == "initrd_too_big":
            (tmp / "bigrd").write_bytes(b"070701" + bytes(3 << 20))
            extra = ["--initrd", str(tmp / "bigrd"), "--mem", "2M"]
        elif case == "bad_append":
            extra = ["--append", "console=ttyAMA0\x07"]
        elif case == "bad_mem":
            extra = ["--mem", "lots"]
        elif case == "mem_too_big":
            extra = ["--mem", "3G"]
        elif case == "no_dtb_option":
            del args["--dtb"]
        argv = list(NATIVE) + [args.pop("kernel")] + [x for kv in args.items() for x in kv] + extra
        one_error_line(pyxen15(*argv), pattern)


class TestTerminal:
    def test_a_terminal_is_raw_while_booted_and_restored_after_ctrl_a_x(self, files):
        import pty
        import termios
        master, slave = pty.openpty()
        before = termios.tcgetattr(slave)
        exe = os.path.join(os.path.dirname(sys.executable), "pyxen15")
        p = subprocess.Popen([exe, *NATIVE, files["kernel"], "--dtb", files["dtb"], "--max-insns", "50000000"],
                             stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out = p.stdout.read1(16)
            while len(out) < 2:
                out += p.stdout.read1(16)
            # raw mode: no line editing, so bytes arrive without a newline;
            # the echo without one reaches stdout too (flushed at each look)
            os.write(master, b"ab")
            while len(out) < 4:
                out += p.stdout.read1(16)
            assert out == b"B+bc"
            assert not termios.tcgetattr(slave)[3] & termios.ICANON
            os.write(master, b"\x01x")
            _, err = p.communicate(timeout=60)
            assert p.returncode == 0 and err.decode().strip().endswith("pyxen15: quit (Ctrl-A X)")
            assert termios.tcgetattr(slave) == before
        finally:
            if p.poll() is None:
                p.kill()
            os.close(master)
            os.close(slave)
