"""`pyxen15 run --debug` driven in a pseudo-terminal (pexpect), as a user
types at it: machine breakpoints, the trap screen, inspection, stepping,
and the guest finishing as it does without the debugger."""

import os
import re
import subprocess
import sys

import pytest

pexpect = pytest.importorskip("pexpect", reason="pexpect is installed by scripts/setup.sh")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "guests", "build")
PROMPT = r"\(pyxen15\) "


@pytest.fixture(scope="module", autouse=True)
def guests():
    subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "guests")], check=True, timeout=300)


def plain_run(*args):
    p = subprocess.run([sys.executable, "-m", "pyxen15.cli", "run", *args, "--stats"], capture_output=True,
                       text=True, timeout=120)
    return p.stdout, int(re.search(r"pyxen15: (\d+) instructions", p.stderr).group(1))


def spawn(*args):
    child = pexpect.spawn(sys.executable, ["-m", "pyxen15.cli", "run", *args, "--debug"], cwd=ROOT,
                          encoding="utf-8", timeout=60, dimensions=(50, 160))
    child.expect("stopped at its first instruction")
    child.expect(PROMPT)
    return child


def command(child, text):
    """Type a command; what it printed before the next prompt."""
    child.sendline(text)
    child.expect(PROMPT)
    return child.before.replace("\r\n", "\n")


def test_trap_breakpoint_screen_walk_stepping_and_the_guest_finishes():
    guest = os.path.join(BUILD, "vfptrap.elf")
    out_plain, insns_plain = plain_run(guest, "--hyp")
    child = spawn(guest, "--hyp")
    assert "machine breakpoint m1: trap hvc" in command(child, "break trap hvc")
    screen = command(child, "cont")
    assert "=== trap to HYP: cpu0, from SVC mode, vector 0x800005f4 <hyp_vectors+0x14> ===" in screen
    assert re.search(r"guest pc 0x[0-9a-f]{8} <main\+0x[0-9a-f]+>: hvc #1\n", screen), screen
    assert "HSR 0x4a000001: EC 0x12 HVC, IL 1\n  ISS: imm16=0x1" in screen
    assert "cpu0 HYP  pc 0x800005f4 <hyp_vectors+0x14>" in screen
    walk = command(child, "walk 0x80000000")
    assert "walk 0x80000000 (read, HYP regime)" in walk and "-> PA 0x0080000000" in walk
    regs = command(child, "regs")
    assert "cpu0 mode HYP" in regs and re.search(r"elr_hyp 8000[0-9a-f]{4}", regs)
    assert "<hyp_entry>" in command(child, "stepi")
    assert "HSR      0x4a000001" in command(child, "sysregs HSR HVBAR")
    assert "deleted m1" in command(child, "clear m1")
    child.sendline("cont")
    child.expect(r"the guest ended: exit \(status 0\), after (\d+) instructions")
    assert int(child.match.group(1)) == insns_plain
    output = child.before.replace("\r\n", "\n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # everything the guest printed after the trap, as in the plain run
    assert "vfptrap: done" in output and out_plain.endswith(output[output.index("vmrs fpsid"):])


def test_code_watch_console_breakpoints_and_pdb_commands():
    guest = os.path.join(BUILD, "gdb-target.elf")
    out_plain, insns_plain = plain_run(guest)
    child = spawn(guest)
    command(child, "break pc accumulate")
    stop = command(child, "cont")
    assert "breakpoint at 0x80000258 <accumulate>" in stop and "movw r2, #0x700" in stop
    assert "'0x1'" in command(child, "p hex(cpu.r[0])")         # pdb's own command, on the machine
    command(child, "clear m1")
    command(child, "watch total")
    stop = command(child, "cont")
    assert "watchpoint: write of 0x1 (4 bytes) at 0x80000700 <total> (before the access)" in stop
    assert "str r3, [r2]" in stop
    assert "pc 0x80000270 <accumulate+0x18>" in command(child, "stepi")
    command(child, "clear m2")
    command(child, "break console total")
    stop = command(child, "cont")
    assert "gdb-target: total" in stop and "console matched m3 'total'" in stop
    assert "pc 0x8000" in command(child, "where_guest")
    child.sendline("cont")
    child.expect(r"the guest ended: exit \(status 0\), after (\d+) instructions")
    assert int(child.match.group(1)) == insns_plain
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_bad_commands_are_one_line_errors():
    child = spawn(os.path.join(BUILD, "gdb-target.elf"))
    assert "neither an address nor a known symbol" in command(child, "break pc nosuchfunction")
    assert "unknown trap class 'frob'" in command(child, "break trap frob")
    assert "no system register NOPE" in command(child, "sysregs NOPE")
    assert "stepi [N]" in command(child, "stepi x")
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_boot_debug_walks_the_kernels_own_tables(workload):
    """`pyxen15 boot --debug` on Debian's kernel: five million instructions
    in (its MMU on, LPAE, the kernel mapped at 0xc0000000), the walk of a
    kernel address shows its stage-1 descriptor."""
    pypy = os.path.join(ROOT, ".venv-pypy", "bin", "python")
    python = pypy if os.path.exists(pypy) else sys.executable
    child = pexpect.spawn(python, ["-m", "pyxen15.cli", "boot", workload["zImage"], "--dtb", workload["dtb"],
                                   "--initrd", workload["initrd"], "--hyp", "none", "--append", "console=ttyAMA0",
                                   "--max-insns", "20000000", "--debug"],
                          cwd=ROOT, encoding="utf-8", timeout=300, dimensions=(50, 200))
    child.expect("stopped at its first instruction")
    child.expect(PROMPT)
    assert "cpu0 SVC  pc 0xc0" in command(child, "stepi 5000000")
    walk = command(child, "walk 0xc0300000")
    assert re.search(r"stage 1 level [12]  desc @0x00802[0-9a-f]{5} = 0x[0-9a-f]{16}  block -> 0x80[23]00000 "
                     r"AttrIndx=\d", walk), walk
    assert "-> PA 0x0080300000, Normal" in walk
    assert re.search(r"TTBCR +0x[0-9a-f]*[89a-f][0-9a-f]{7}", command(child, "sysregs TTBCR"))   # EAE: LPAE
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_debug_and_gdb_together_is_one_line_error():
    p = subprocess.run([sys.executable, "-m", "pyxen15.cli", "run", os.path.join(BUILD, "hello.elf"), "--debug",
                        "--gdb", "0"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and p.stderr == "pyxen15: error: --debug and --gdb are two debuggers: choose one\n"


def test_trap_with_a_python_hypervisor_steps_into_its_handler():
    """With a hypervisor in Python (a stand-in here: handler_session.py),
    a trap breakpoint stops in Python before the handler runs: `step`
    reaches the handler's source line, `continue` returns to the guest."""
    child = pexpect.spawn(sys.executable, [os.path.join(ROOT, "tests", "debug", "handler_session.py")], cwd=ROOT,
                          encoding="utf-8", timeout=60, dimensions=(50, 160))
    child.expect(PROMPT)
    command(child, "break trap hvc")
    screen = command(child, "cont")
    assert "HSR 0x4a000001: EC 0x12 HVC, IL 1" in screen and "before the hypervisor's handler" in screen
    assert "-> if self.hyp_trap is not None:" in screen            # pdb, in the exception entry
    assert "the guest is inside a trap" in command(child, "stepi")
    command(child, "step")
    command(child, "step")
    here = command(child, "step")
    assert "core.r[0] = core.r[0] + 1" in here, here                # the handler's own line
    command(child, "next")
    assert "6" in command(child, "p core.r[0]")
    child.sendline("continue")
    child.expect("the guest ended: max_insns, after 100 instructions")
    child.expect("r1 after the run: 6")            # the handler's result reached the guest
    child.expect(pexpect.EOF)
