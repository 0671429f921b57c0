"""The GDB remote stub (pyxen15/debug/gdbstub.py): gdb-multiarch in batch
mode against `pyxen15 run --gdb`, and the stub's packets in-process."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from pyxen15.debug.gdbstub import TARGET_XML, GdbStub
from pyxen15.machine import Machine

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUEST = os.path.join(ROOT, "guests", "build", "gdb-target.elf")
PYXEN15 = [sys.executable, "-m", "pyxen15.cli"]


def symbol(name):
    out = subprocess.run(["arm-none-eabi-nm", GUEST], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[0] for line in out.splitlines() if line.split()[-1] == name), 16)


def icount(stderr):
    return int(re.search(r"pyxen15: (\d+) instructions", stderr).group(1))


@pytest.fixture(scope="module")
def guest():
    subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "guests")], check=True, timeout=300)
    return GUEST


GDB_SCRIPT = """
set pagination off
set confirm off
target remote :{port}
break accumulate
continue
info registers
x/4i $pc
stepi
info registers pc
watch total
continue
monitor hsr
monitor walk 0x80000000
monitor traps
delete
detach
"""


def test_gdb_session_leaves_the_guest_as_it_was(guest, tmp_path):
    if shutil.which("gdb-multiarch") is None:
        pytest.fail("gdb-multiarch missing: run `make setup`")
    ref = subprocess.run(PYXEN15 + ["run", guest, "--stats"], capture_output=True, text=True, timeout=120)
    assert ref.returncode == 0, ref.stderr
    proc = subprocess.Popen(PYXEN15 + ["run", guest, "--stats", "--gdb", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        port = int(re.search(r"waiting for gdb on port (\d+)", line).group(1))
        script = tmp_path / "session.gdb"
        script.write_text(GDB_SCRIPT.format(port=port))
        gdb = subprocess.run(["gdb-multiarch", "-nx", "-batch", "-x", str(script), guest],
                             capture_output=True, text=True, timeout=120)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    text = gdb.stdout + gdb.stderr
    entry = symbol("accumulate")
    assert "Breakpoint 1, accumulate (x=x@entry=1)" in text, text
    assert re.search(r"^pc\s+0x%x\s+0x%x <accumulate>" % (entry, entry), text, re.M), text
    assert re.search(r"^cpsr\s+0x[0-9a-f]*1d3\s", text, re.M), text       # SVC, A/I/F masked
    assert re.search(r"^lr\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <main\+\d+>", text, re.M), text
    assert "=> 0x%x <accumulate>:" % entry in text
    assert len(re.findall(r"^   0x%x <accumulate\+\d+>:" % (entry >> 4), text, re.M)) == 0  # (sanity of the regex below)
    assert len(re.findall(r"^ {3}0x[0-9a-f]+ <accumulate\+(4|8|12)>:", text, re.M)) == 3, text
    assert re.search(r"^pc\s+0x%x\s" % (entry + 4), text, re.M), text          # after stepi
    assert "Hardware watchpoint 2: total" in text
    assert "Old value = 0\nNew value = 1" in text, text
    assert re.search(r"cpu0 HSR 0x[0-9a-f]{8} \w+\(ec=0x", text), text
    assert "walk 0x80000000 (read, PL1&0 regime)" in text and "-> PA 0x0080000000" in text
    assert "cpu0: 0 exception entries" in text
    assert "detached" in text
    assert gdb.returncode == 0, text
    # the guest finished as it does without gdb
    assert proc.returncode == 0
    total = 0
    for i in range(1, 11):          # what guests/gdb-target.c computes
        total = total * 3 + i
    assert out == ref.stdout == "gdb-target: total %08x\n" % total
    assert icount(err) == icount(ref.stderr)


@pytest.fixture
def stub(guest):
    m = Machine(ram_size=64 << 20)
    m.load_elf(guest)
    s = GdbStub(m, 0)
    yield s
    s.listener.close()


def test_registers_follow_the_target_description(stub):
    assert 'name="org.gnu.gdb.arm.core"' in TARGET_XML and 'name="org.gnu.gdb.arm.vfp"' in TARGET_XML
    assert TARGET_XML.count("<reg ") == 16 + 1 + 32 + 1
    core = stub.m.cpu
    core.r[3] = 0x11223344
    core.set_vfp_d(5, 0x3FF0000000000000)
    g = stub.handle("g")
    assert len(g) == 2 * (17 * 4 + 32 * 8 + 4)
    assert g[24:32] == "44332211"
    assert stub.handle("p10") == core.get_cpsr().to_bytes(4, "little").hex()
    assert stub.handle("p16") == "000000000000f03f"                      # d5
    assert stub.handle("P1=78563412") == "OK" and core.r[1] == 0x12345678
    assert stub.handle("Pf=04010080") == "OK" and core.pc == 0x80000104


def test_memory_reads_through_the_translation_and_faults_are_errors(stub):
    entry = stub.m.cpu.pc
    assert stub.handle("m%x,4" % entry) == stub.m.mem.read(entry, 4).hex()
    assert stub.handle("m1c090000,4") == "E14"            # UART0: a device, never read by gdb
    assert stub.handle("mf0000000,4") == "E14"            # nothing there
    assert stub.handle("M80100000,2:abcd") == "OK" and stub.m.mem.read(0x80100000, 2) == b"\xab\xcd"
    # the MMU on with an empty short-descriptor table: everything faults
    stub.m.cpu.sys.write("TTBR0", 0x80800000)
    stub.m.cpu.sys.write("SCTLR", stub.m.cpu.sys.sctlr | 1)
    assert stub.handle("m%x,4" % entry) == "E14"
    walk = stub.monitor(["walk", hex(entry)])
    assert walk[1:] == ["  stage 1 level 1  desc @0x0080802000 = 0x00000000  fault",
                        "fault: translation at level 1, stage 1"]


def test_threads_are_the_cores(guest):
    m = Machine(ram_size=64 << 20, smp=2)
    m.load_elf(guest)
    s = GdbStub(m, 0)
    try:
        assert s.handle("qfThreadInfo") == "m1,2" and s.handle("qsThreadInfo") == "l"
        m.cpus[1].r[0] = 7
        assert s.handle("Hg2") == "OK" and s.handle("p0") == "07000000"
        assert s.handle("T3") == "E01" and s.handle("T2") == "OK"
        assert s.handle("?").endswith("thread:1;")
        assert s.handle("qXyzzy") == ""
    finally:
        s.listener.close()


def test_read_and_access_watchpoints_step_and_kill(stub):
    import socket
    from pyxen15.debug.gdbstub import Connection
    ours, theirs = socket.socketpair()
    try:
        stub.conn = Connection(ours)
        stub.conn.ack = False
        total = symbol("total")
        assert stub.handle("Z3,%x,4" % total) == "OK"                      # rwatch
        assert stub.handle("c") == "T05rwatch:%x;thread:1;" % total
        pc = stub.m.cpu.pc
        assert stub.read_virtual(stub.m.cpu, pc, 4) == (0xE5923000).to_bytes(4, "little")   # ldr r3, [r2]
        assert stub.handle("z3,%x,4" % total) == "OK"
        assert stub.handle("s") == "T05thread:1;" and stub.m.cpu.pc == pc + 4   # (gdb steps with none set)
        assert stub.handle("Z4,%x,4" % total) == "OK"                      # awatch: the store, next
        assert stub.handle("vCont;c") == "T05awatch:%x;thread:1;" % total
        assert stub.handle("z4,%x,4" % total) == "OK"
        assert stub.handle("k") is None and stub.result.reason == "killed"
    finally:
        ours.close()
        theirs.close()


@pytest.mark.parametrize("packet", ["mzz,4", "P1=zz", "p", "Z0,xyz,4", "m80000000", "qRcmd,zz"])
def test_a_malformed_packet_is_an_error_reply(stub, packet):
    assert stub.reply(packet) == "E01"
