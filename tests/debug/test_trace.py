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


# The picture needs matplotlib, which setup installs into the CPython venv
# only (under PyPy it would build numpy); a PyPy run of the suite draws with it.
CPYTHON = os.path.join(ROOT, ".venv", "bin", "python")


def plot_report(trace, picture):
    python = sys.executable if not os.path.exists(CPYTHON) else CPYTHON
    return subprocess.run([python, "-m", "pyxen15.cli", "trace-report", trace, "--plot", picture],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


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
    # each line's pc is an HVC #0xEA1 of the guest's (its disassembly, built beside the ELF)
    with open(os.path.join(BUILD, "xen-hypercall.dis")) as f:
        hvcs = {int(m.group(1), 16) for m in re.finditer(r"^([0-9a-f]{8}):\s+e140ea71\s", f.read(), re.M)}
    assert hvcs and {r["pc"] for r in calls} <= hvcs
    p = pyxen15("trace-report", path)
    assert re.search(r"^the guest instructions that trap most\n  pc +class +count +cycles\n  0x%08x  hvc +1 +600$"
                     % calls[0]["pc"], p.stdout, re.M), p.stdout


def test_trace_interrupts_carry_their_id(tmp_path):
    trace = str(tmp_path / "trace.jsonl")
    xen_run("vtimer", "--trace", trace)
    assert [r["intid"] for r in read_trace(trace) if r["class"] == "irq"] == [27, 27, 27, 30]   # CNTV x3, CNTP
    p = pyxen15("trace-report", trace)
    assert re.search(r"^  27 \(CNTV\) +3 +1800$", p.stdout, re.M) and re.search(r"^  30 \(CNTP\) +1 +600$", p.stdout,
                                                                                 re.M), p.stdout


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


# -- trace-report ---------------------------------------------------------------------------------

def png_size_and_text(path):
    """(width, height, {keyword: text}) of a PNG, from its IHDR and tEXt chunks."""
    import struct
    import zlib
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, size, text = 8, None, {}
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            text[key.decode()] = value.decode("latin-1")
        pos += 12 + length
        if kind == b"IEND":
            break
    assert size is not None and size[0] > 100 and size[1] > 100
    return size[0], size[1], text


def test_report_tables_and_png(tmp_path):
    trace, png = str(tmp_path / "t.jsonl"), str(tmp_path / "t.png")
    xen_run("evtchn2", "--smp", "2", "--trace", trace)
    p = plot_report(trace, png)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    recs = read_trace(trace)
    assert out.startswith("%d traps from " % len(recs))
    classes = Counter(r["class"] for r in recs)
    for name, n in classes.items():
        assert re.search(r"^  %s +%d +%d " % (name, n, sum(r["cost"] for r in recs if r["class"] == name)),
                         out, re.M), name
    assert re.search(r"^  event_channel_op\.send +1 +750 +0$", out, re.M)
    assert re.search(r"^  d1v0 +\d+ +\d+  hvc \d+", out, re.M) and re.search(r"^  d1v1 +\d+ ", out, re.M)
    width, height, text = png_size_and_text(png)
    drawn = text["Description"].split("classes: ")[1].split()
    assert set(drawn) == set(classes) and {"hvc", "dabt", "wfi"} <= set(drawn)
    assert "wrote %s: 2 panels, classes %s" % (png, " ".join(drawn)) in out


def test_report_svg_has_the_classes_as_text(tmp_path):
    import xml.etree.ElementTree as ET
    trace, svg = str(tmp_path / "t.jsonl"), str(tmp_path / "t.svg")
    xen_run("vtimer", "--trace", trace)
    p = plot_report(trace, svg)
    assert p.returncode == 0, p.stderr
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    words = " ".join("".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text"))
    for name in ("cp15", "dabt", "irq", "wfi", "d1v0", "virtual time (ms)"):
        assert name in words, (name, words)
    assert re.search(r"irq \(\d+\)", words)                     # the legend, with the counts


@pytest.mark.parametrize("content, error", [
    (None, "pyxen15: error: cannot read {path}: No such file or directory"),
    ('{"t": 1}\nnot json\n', "pyxen15: error: {path} line 1 is not a trap record (it needs t, cyc, cpu, class, "
                             "charged, cost)"),
    ("", "pyxen15: error: {path} has no trap records"),
])
def test_report_bad_input_is_one_line(tmp_path, content, error):
    path = str(tmp_path / "t.jsonl")
    if content is not None:
        with open(path, "w") as f:
            f.write(content)
    p = pyxen15("trace-report", path)
    assert p.returncode == 1 and p.stdout == "" and p.stderr == error.format(path=path) + "\n"


def test_report_corrupt_line_and_bad_picture_name(tmp_path):
    trace = str(tmp_path / "t.jsonl")
    xen_run("mmio", "--trace", trace)
    p = pyxen15("trace-report", trace, "--plot", str(tmp_path / "t.gif"))
    assert p.returncode == 1 and p.stderr == "pyxen15: error: --plot %s: the picture is a .png or an .svg\n" % (
        tmp_path / "t.gif")
    with open(trace, "a") as f:
        f.write('{"t": 5, "cyc": 5, "cpu": 0, "class": "hvc", "char')          # cut short
    p = pyxen15("trace-report", trace)
    with open(trace) as f:
        n = len(f.read().splitlines())
    assert p.returncode == 1 and p.stderr.startswith("pyxen15: error: %s line %d is not JSON" % (trace, n))
    assert p.stderr.count("\n") == 1


def test_report_without_matplotlib_says_so(tmp_path):
    trace = str(tmp_path / "t.jsonl")
    xen_run("mmio", "--trace", trace)
    code = ("import sys; sys.modules['matplotlib'] = None; from pyxen15.cli import main; "
            "main(['trace-report', %r, '--plot', %r])" % (trace, str(tmp_path / "t.png")))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert p.returncode == 1 and p.stderr.startswith("pyxen15: error: --plot needs matplotlib")
    assert p.stderr.count("\n") == 1
    p = pyxen15("trace-report", trace)                       # the tables need no matplotlib
    assert p.returncode == 0 and "traps by class" in p.stdout


def test_dom0_boot_trace_and_its_report(workload, tmp_path):
    """`boot --hyp python --trace` on Debian's kernel as dom0, 100 million
    instructions in (about a minute on PyPy: past the console's first
    hypercalls, the vGIC's set-up, the timer's first interrupts and the
    second vCPU's start), then trace-report's tables and picture."""
    pypy = os.path.join(ROOT, ".venv-pypy", "bin", "python")
    python = pypy if os.path.exists(pypy) else sys.executable
    trace, png = str(tmp_path / "dom0.jsonl"), str(tmp_path / "dom0.png")
    p = subprocess.run([python, "-m", "pyxen15.cli", "boot", workload["zImage"], "--dtb", workload["dtb"],
                        "--initrd", workload["initrd"], "--hyp", "python", "--mem", "528M", "--dom0-mem", "512M",
                        "--rtc-base", "0", "--append", "console=hvc0 rdinit=/init cryptomgr.notests",
                        "--max-insns", "100000000", "--trace", trace],
                       capture_output=True, text=True, timeout=600, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert p.returncode == 124, p.stderr                      # the budget, as asked
    recs = read_trace(trace)
    assert {"hvc", "dabt", "wfi", "irq"} <= {r["class"] for r in recs}
    assert {r["vcpu"] for r in recs if r.get("dom") == 0} == {0, 1}
    assert any(r.get("family") == "console_io" and r.get("op") == "write" for r in recs)
    # the closing table and the trace count the same hypercalls
    closing = dict(re.findall(r"pyxen15:   (console_io\.write) +(\d+) ", p.stderr))
    assert int(closing["console_io.write"]) == sum(1 for r in recs if hypercall_op(r) == "console_io.write")
    p = plot_report(trace, png)
    assert p.returncode == 0, p.stderr
    assert re.search(r"^  console_io\.write +\d+ +\d+ +0$", p.stdout, re.M)
    assert re.search(r"^  d0v0 +\d+ +\d+  ", p.stdout, re.M) and re.search(r"^  d0v1 +\d+ ", p.stdout, re.M)
    _, _, text = png_size_and_text(png)
    assert {"hvc", "dabt", "wfi", "irq"} <= set(text["Description"].split("classes: ")[1].split())


def hypercall_op(rec):
    return rec.get("family", "") + ("." + rec["op"] if "op" in rec else "")


def test_a_continued_hypercall_is_one_line_per_execution_of_the_hvc(tmp_path):
    """A 3000-byte console_io write goes out 1024 bytes a call: the HVC is
    executed three times (hypercall_create_continuation), so the trace
    has three lines, the first two marked continued and without a
    result, the last with the call's 0."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "cpu"))
    from snippets import assemble
    from pyxen15.board_vexpress.memmap import RAM_BASE
    from pyxen15.debug.trace import TrapTrace
    from pyxen15.hyp import Hypervisor
    from pyxen15.machine import Machine
    m = Machine(ram_size=64 << 20)
    out = []
    m.hooks.add_console(out.append)
    hv = Hypervisor(m)
    hv.attach()
    d = hv.create_domain(0, [(RAM_BASE, RAM_BASE, 16 << 20)], 1)
    buf = RAM_BASE + 0x100000
    m.mem.write(buf, b"x" * 3000)
    code = assemble("movw r0, #0\nmovw r1, #3000\nmovw r2, #0\nmovt r2, #0x8010\nmovw r12, #18", addr=RAM_BASE)
    m.mem.write(RAM_BASE, code + (0xE140EA71).to_bytes(4, "little") + assemble("b .", addr=RAM_BASE + 24))
    hv.start_vcpu(d.vcpus[0], RAM_BASE)
    trace = TrapTrace(hv, str(tmp_path / "t.jsonl")).install()
    m.run(max_insns=40)
    trace.close()
    calls = read_trace(str(tmp_path / "t.jsonl"))
    assert [(r["family"], r["op"], r.get("continued"), r.get("ret")) for r in calls] == [
        ("console_io", "write", 1, None), ("console_io", "write", 1, None), ("console_io", "write", None, 0)]
    assert b"".join(out) == b"x" * 3000
