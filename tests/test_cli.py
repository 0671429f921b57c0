"""The command line: running guests, exit statuses, and one-line errors.

Each case runs `python -m pyxen15.cli` in a subprocess, as a user would.
"""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "guests", "build")


def pyxen15(*args, env=None):
    return subprocess.run([sys.executable, "-m", "pyxen15.cli"] + list(args), cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, **(env or {})))


def guest(name):
    path = os.path.join(BUILD, name)
    assert os.path.exists(path), "%s missing: make guests" % path
    return path


def qemu_count(name):
    with open(os.path.join(ROOT, "guests", "qemu-counts.txt")) as f:
        for line in f:
            if line.split() and line.split()[0] == name:
                return int(line.split()[1])
    raise KeyError(name)


def one_error_line(p):
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pyxen15: "), p.stderr
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize("image, extra", [
    ("hello.elf", []), ("hello-thumb.elf", []), ("hello.elf", ["--hyp"]),
])
def test_hello_prints_its_greeting_and_exits_0(image, extra):
    p = pyxen15("run", guest(image), *extra)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "Hello from pyxen15 guest\n"


def test_guest_exit_status_becomes_pyxen15_exit_status():
    assert pyxen15("run", guest("exit3.elf")).returncode == 3


def test_undefined_instruction_is_the_guests_exception_not_a_crash():
    p = pyxen15("run", guest("undef.elf"))
    assert p.returncode == 0x81 and "undefined instruction" in p.stdout
    assert "Traceback" not in p.stderr


def test_instruction_count_matches_qemu_and_regs_out(tmp_path):
    out = tmp_path / "regs.json"
    p = pyxen15("run", guest("hello.elf"), "--regs-out", str(out), "--stats")
    assert p.returncode == 0
    regs = json.loads(out.read_text())
    assert regs["icount"] == qemu_count("hello.elf")
    assert set("r%d" % i for i in range(15)) | {"pc", "cpsr"} <= set(regs)
    assert regs["mode"] == 0x13                       # the runtime exits from SVC mode
    assert "MIPS" in p.stderr


def test_instruction_budget_stops_with_124():
    p = pyxen15("run", guest("bench.elf"), "--max-insns", "1000")
    assert p.returncode == 124
    one_error_line(p)
    assert "after 1000 instructions" in p.stderr


def test_raw_binary_with_entry(tmp_path):
    # mov r0, #3 ; mov r1, #0x20000 ; orr r1, r1, #0x26 ; mov r0, #0x18 ; svc 0x123456
    # (SYS_EXIT with ADP_Stopped_ApplicationExit: status 0)
    words = [0xE3A00018, 0xE3A01802, 0xE3811026, 0xEF123456]
    image = tmp_path / "exit0.bin"
    image.write_bytes(b"".join(w.to_bytes(4, "little") for w in words))
    p = pyxen15("run", str(image), "--load-addr", "0x80010000", "--entry", "0x80010000")
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("args, status", [
    (["run", "/nonexistent/image.elf"], 1),
    (["run", "{corrupt}"], 1),
    (["run", "{hello}", "--entry", "0x10"], 1),
    (["run", "{hello}", "--entry", "banana"], 2),
    (["run", "{hello}", "--frobnicate"], 2),
    (["run", "{hello}", "--max-insns", "0"], 2),
    (["run", "{hello}", "--ram-size", "lots"], 1),
    (["bench", "--image", "/nonexistent"], 1),
    (["nosuchcommand"], 2),
])
def test_bad_input_is_one_line_and_nonzero(tmp_path, args, status):
    corrupt = tmp_path / "corrupt.elf"
    corrupt.write_bytes(b"\x7fELF" + b"\x01\x01\x01" + bytes(20))
    args = [a.format(corrupt=corrupt, hello=guest("hello.elf")) for a in args]
    p = pyxen15(*args)
    assert p.returncode == status
    one_error_line(p)


def test_bad_pypy_jit_setting_is_one_line():
    p = pyxen15("run", guest("hello.elf"), env={"PYXEN15_PYPY_JIT": "bogus"})
    if sys.implementation.name != "pypy":
        assert p.returncode == 0               # only PyPy reads it
    else:
        assert p.returncode == 1
        one_error_line(p)


def test_bench_runs_the_fixed_workloads_and_reports_mips():
    """The integer, (--fp) floating-point and (--neon) Advanced SIMD bench
    guests give QEMU's checksums after exactly QEMU's instruction counts, one
    JSON record each."""
    p = pyxen15("bench", "--fp", "--neon", "--json")
    assert p.returncode == 0, p.stderr
    records = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(records) == 3
    for record, name in zip(records, ("bench", "fpbench", "neonbench")):
        with open(os.path.join(ROOT, "guests", name + ".expected")) as f:
            assert record["output"] == name + " checksum: " + f.read().strip()
        assert record["instructions"] == qemu_count(name + ".elf")
        assert record["mips"] > 0 and record["runtime"].startswith(sys.implementation.name)
