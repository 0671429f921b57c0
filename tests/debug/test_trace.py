"""Trap traces (`--trace FILE`, debug/trace.py) on guests/xen guests run
as a domain of the Python hypervisor (`pyxen15 run --xen`): one JSON line
per trap, the same run as without the trace, the lines agreeing with the
hypervisor's own counters."""

import json
import os
import re
import subprocess
import sys
from collections import Counter

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "guests", "build")


@pytest.fixture(scope="module", autouse=True)
def guests():
    subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "guests")], check=True, timeout=300)


def pyxen15(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "pyxen15.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def xen_run(guest, *extra):
    """(stdout, instructions, cycles) of `run --xen` on guests/build/xen-<guest>.elf."""
    p = pyxen15("run", os.path.join(BUILD, "xen-%s.elf" % guest), "--xen", "--stats", "--max-insns", "5000000",
                *extra)
    assert p.returncode == 0, p.stderr
    m = re.search(r"pyxen15: (\d+) instructions, (\d+) cycles", p.stderr)
    return p.stdout, int(m.group(1)), int(m.group(2))


def read_trace(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


@pytest.mark.parametrize("guest, smp, classes", [
    ("hypercall", "1", {"hvc"}),
    ("mmio", "1", {"dabt"}),
    ("vtimer", "1", {"cp15", "dabt", "irq", "wfi"}),
    ("evtchn2", "2", {"hvc", "dabt", "wfi"}),
])
def test_trace_is_one_line_per_trap_and_changes_nothing(tmp_path, guest, smp, classes):
    path = str(tmp_path / "trace.jsonl")
    plain = xen_run(guest, "--smp", smp)
    traced = xen_run(guest, "--smp", smp, "--trace", path)
    assert traced == plain                 # same output, instructions and cycles
    recs = read_trace(path)
    assert recs and classes <= {r["class"] for r in recs}
    last = {}
    for r in recs:
        assert r["cyc"] >= last.get(r["cpu"], 0)          # each core's lines in its time order
        last[r["cpu"]] = r["cyc"]
        assert r["t"] == r["cyc"]                          # 1 GHz: a cycle is a nanosecond
        assert r["cost"] == sum(r["charged"].values()) or "ctxsw" in r["charged"] or r["class"] == "wfi"
        if r["class"] in ("hvc", "dabt", "cp15", "wfi"):
            assert r["dom"] == 1 and r["vcpu"] in (0, 1) and set(r) >= {"ec", "il", "iss"}
    if smp == "2":
        assert {r["vcpu"] for r in recs if "vcpu" in r} == {0, 1}


def test_trace_records_the_hypercalls_and_their_results(tmp_path):
    path = str(tmp_path / "trace.jsonl")
    out, _, _ = xen_run("hypercall", "--trace", path)
    calls = [r for r in read_trace(path) if r["class"] == "hvc"]
    assert all(r["ec"] == 0x12 and r["iss"] == {"imm16": 0xEA1} for r in calls)
    named = [(r["hc"], r["family"], r.get("op"), r["ret"]) for r in calls]
    # the guest prints each result; the trace has the same, signed
    version = int(re.search(r"version=([0-9a-f]+)", out).group(1), 16)
    assert named[0] == (17, "xen_version", "version", version)
    assert (18, "console_io", "write", 0) in named
    assert (0x1234, "unknown", None, -38) in named                  # -ENOSYS
    assert (17, "xen_version", "unknown", -38) in named
    assert (17, "xen_version", "get_features", -14) in named        # the bad pointer: -EFAULT
    for r in calls:
        assert r["charged"]["hypercall"] == 500
        assert r["cost"] == sum(r["charged"].values())


def test_trace_data_aborts_carry_the_syndrome_and_the_ipa(tmp_path):
    path = str(tmp_path / "trace.jsonl")
    xen_run("mmio", "--trace", path)
    aborts = [r for r in read_trace(path) if r["class"] == "dabt"]
    assert aborts
    for r in aborts:
        assert r["ec"] == 0x24 and r["iss"]["isv"] == 1 and r["iss"]["dfsc"] & 0x3C == 0x04   # translation
        assert 0x2C001000 <= r["ipa"] < 0x2C002000 or r["charged"] == {"dabt": 400}
    assert Counter(r["iss"]["wnr"] for r in aborts).keys() == {0, 1}     # reads and writes


def test_trace_counts_agree_with_the_closing_table(tmp_path):
    """boot's closing table and the trace count the same traps: here
    through the API, the hypervisor's stats after a traced run."""
    from pyxen15.cli import _xen_guest
    from pyxen15.debug.trace import TrapTrace
    from pyxen15.machine import Machine
    m = Machine(ram_size=64 << 20)
    hv = _xen_guest(m, os.path.join(BUILD, "xen-evtchn.elf"), 1)
    trace = TrapTrace(hv, str(tmp_path / "t.jsonl")).install()
    m.run(max_insns=5_000_000)
    trace.close()
    counted = Counter()
    for r in read_trace(str(tmp_path / "t.jsonl")):
        for name in r["charged"]:
            counted[name] += 1
    assert counted == Counter({name: n for name, n, _ in hv.stats.rows()})


def test_trace_needs_the_hypervisor_and_a_writable_file(tmp_path):
    p = pyxen15("run", os.path.join(BUILD, "hello.elf"), "--trace", str(tmp_path / "t"))
    assert p.returncode == 1 and p.stderr == (
        "pyxen15: error: --trace records the Python hypervisor's traps: it needs --xen (or boot --hyp python)\n")
    p = pyxen15("run", os.path.join(BUILD, "xen-mmio.elf"), "--xen", "--trace", str(tmp_path / "no" / "t"))
    assert p.returncode == 1 and p.stderr.startswith("pyxen15: error: --trace ") and p.stderr.count("\n") == 1
