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


def cont_to_exit(child, insns_plain: int) -> str:
    """`cont` to the guest's exit: the same instruction count as without the
    debugger, pyxen15 ends with status 0; returns what the guest printed on
    the way."""
    child.sendline("cont")
    child.expect(r"the guest ended: exit \(status 0\), after (\d+) instructions")
    assert int(child.match.group(1)) == insns_plain
    output = child.before.replace("\r\n", "\n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    return output


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
    output = cont_to_exit(child, insns_plain)
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
    cont_to_exit(child, insns_plain)


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


# -- under the Python hypervisor (`run --xen`, a guests/xen guest as domain 1) ------------------

def xen_plain_run(guest):
    return plain_run(guest, "--xen")


def xen_spawn(guest):
    return spawn(guest, "--xen")


def test_hvc_under_the_hypervisor_screen_step_into_the_trap_table_walk_and_exit():
    """The acceptance session of issue 9: a minimal guest under the Python
    hypervisor, `break trap hvc`, the trap screen, `step` into the Python
    handler to the trap table's line, `walk`, back to the guest, its exit."""
    guest = os.path.join(BUILD, "xen-hypercall.elf")
    out_plain, insns_plain = xen_plain_run(guest)
    child = xen_spawn(guest)
    assert "the hypervisor's: break hcall, domains, vcpus, evtchn" in child.before
    assert "machine breakpoint m1: trap hvc" in command(child, "break trap hvc")
    screen = command(child, "cont")
    assert "=== trap to HYP: cpu0 (domain 1 vCPU 0), from SVC mode" in screen
    assert re.search(r"guest pc 0x8000[0-9a-f]{4} <main\+0x[0-9a-f]+>: hvc #0xea1\n", screen), screen
    assert "HSR 0x4a000ea1: EC 0x12 HVC, IL 1\n  ISS: imm16=0xea1" in screen
    assert "Xen hypercall 17 xen_version, cmd 0 version" in screen
    assert "before the hypervisor's handler" in screen and "-> if self.hyp_trap is not None:" in screen
    # into the Python: the hypervisor's entry, then its trap table
    for _ in range(12):
        here = command(child, "next" if "traps.py" in here else "step") if _ else command(child, "step")
        if "TRAPS.get(syn.ec, DEFAULT)[1](hv, core, vcpu, syn)" in here:
            break
    else:
        raise AssertionError("never reached the trap table's dispatch: %s" % here)
    assert "/pyxen15/hyp/traps.py(" in here and "handle()" in here
    here = command(child, "step")
    assert "traps.py(" in here and "hvc()" in here and "def hvc(hv, core, vcpu, syn)" in here
    assert "-> imm = syn.imm16" in command(child, "step")
    assert "0xea1" in command(child, "p hex(imm)") or "0xea1" in command(child, "p hex(syn.imm16)")
    # the guest's own addresses, from inside the handler: its regime, stage 1 off, stage 2 by the p2m
    walk = command(child, "walk 0x80000000")
    assert "walk 0x80000000 (read, PL1&0 regime)" in walk
    assert re.search(r"stage 2 level 1  desc @0x[0-9a-f]{10} = 0x[0-9a-f]{16}  table -> 0x[0-9a-f]+\n", walk), walk
    assert re.search(r"stage 2 level [23]  desc @0x[0-9a-f]{10} = 0x[0-9a-f]{16}  (block|page) -> 0x80000000 "
                     r"MemAttr=15 S2AP=3 SH=3 AF=1", walk), walk          # Normal write-back, read/write
    assert "-> PA 0x0080000000" in walk
    assert "translation off in this regime" in command(child, "walk 0x80000000 hyp")
    vcpus = command(child, "vcpus")
    assert re.search(r"d1v0  running  pcpu 0  pc 0x8000[0-9a-f]{4} <main\+0x[0-9a-f]+>  SVC  \(in a trap", vcpus)
    assert "d1: 1 vCPU, VMID 2" in command(child, "domains")
    back = command(child, "continue")                     # to the guest: the next HVC stops again
    assert re.search(r"Xen hypercall 17 xen_version, cmd \d+ get_features\n  arguments: arg=r1 0x8", back), back
    command(child, "clear m1")
    output = cont_to_exit(child, insns_plain)
    assert out_plain.endswith(output[output.index("features_rc"):])


def test_break_hcall_by_name_sub_op_and_number_and_the_event_channels():
    guest = os.path.join(BUILD, "xen-evtchn.elf")
    _, insns_plain = xen_plain_run(guest)
    child = xen_spawn(guest)
    assert "m1: hcall event_channel_op.send (32, r0=4)" in command(child, "break hcall event_channel_op.send")
    assert "m2: hcall console_io (18)" in command(child, "break hcall 18")
    assert "m3: hcall memory_op (12)" in command(child, "break hcall memory_op")
    screen = command(child, "cont")
    assert "Xen hypercall 12 memory_op, cmd 7 add_to_physmap" in screen
    assert re.search(r"arg -> struct xen_add_to_physmap \{ domid=0x7ff0, .*space=0x0, idx=0x0, gpfn=0x", screen)
    assert "no ports" in command(child, "evtchn")          # none bound yet
    command(child, "clear m3")
    screen = command(child, "continue")                    # the handler returns; the guest runs to the next
    assert "Xen hypercall 32 event_channel_op, cmd 4 send" in screen and "struct evtchn_send { port=0x1 }" in screen
    ports = command(child, "evtchn 1")
    assert re.search(r"port 1 +ipi +notifies vCPU 0  pending [01]  masked [01]", ports), ports
    assert re.search(r"vCPU 0 vcpu_info @PA 0x[0-9a-f]+: evtchn_upcall_pending [01]", ports)
    assert "has no sub-op 'nope'" in command(child, "break hcall event_channel_op.nope")
    assert "unknown hypercall 'frob'" in command(child, "break hcall frob")
    assert "DOMID one of 1" in command(child, "evtchn 7")
    command(child, "clear m1")
    command(child, "clear m2")
    cont_to_exit(child, insns_plain)


def test_hypervisor_commands_without_a_hypervisor_are_one_line_errors():
    child = spawn(os.path.join(BUILD, "gdb-target.elf"))
    for cmd in ("domains", "vcpus", "evtchn"):
        assert "no Python hypervisor in this run" in command(child, cmd)
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()


def test_virtual_timer_interrupt_through_the_hypervisor_to_the_guests_list_register():
    """The physical PPI 27 (CNTV) reaches HYP as an IRQ (HCR.IMO); the
    screen names the pending interrupt; once the handler has run, the
    guest's IRQ handler is entered with it in a list register, HW = 1."""
    guest = os.path.join(BUILD, "xen-vtimer.elf")
    _, insns_plain = xen_plain_run(guest)
    child = xen_spawn(guest)
    command(child, "break trap irq")
    screen = command(child, "cont")
    assert re.search(r"irq \(no syndrome\), return to 0x8000[0-9a-f]{4} <main\+0x[0-9a-f]+>", screen), screen
    assert "GICC cpu0: highest pending interrupt 27 (the handler acknowledges it)" in screen
    gic = command(child, "gic")
    assert re.search(r"^  27 en=1 pend=1 act=0 ", gic, re.M) and "LR0 0x00000000  invalid" in gic
    assert re.search(r"CNTV_CTL +0x5\n", command(child, "timers"))        # ENABLE, ISTATUS
    command(child, "break pc guest_irq_handler")
    command(child, "clear m1")
    stop = command(child, "continue")
    assert "breakpoint at 0x8000028c <guest_irq_handler>" in stop and "cpu0 IRQ " in stop
    gic = command(child, "gic")
    assert re.search(r"^  27 en=1 pend=1 act=1 ", gic, re.M)                  # acknowledged by the hypervisor
    assert re.search(r"LR0 0x9[0-9a-f]{7}  virtual 27 pending priority 0x[0-9a-f]{2} grp0 HW -> physical 27", gic)
    command(child, "clear m2")
    cont_to_exit(child, insns_plain)


def test_mmio_data_abort_screen_the_ipa_with_its_page_offset_and_the_stage_2_fault():
    guest = os.path.join(BUILD, "xen-mmio.elf")
    child = xen_spawn(guest)
    command(child, "break trap dabt")
    screen = command(child, "cont")                    # ctlr_reset: LDR from GICD_CTLR
    assert re.search(r"guest pc 0x8000[0-9a-f]{4} <main\+0x[0-9a-f]+>: ldr r1, \[r4\]\n", screen), screen
    assert "HSR 0x93810007: EC 0x24 Data Abort from a lower mode, IL 1" in screen
    assert "ISS: isv=0x1 sas=0x2 sse=0x0 srt=0x1 ea=0x0 cm=0x0 s1ptw=0x0 wnr=0x0 dfsc=0x7" in screen
    walk = command(child, "walk 0x2c001000")
    assert "fault: translation at level 3, stage 2, IPA 0x2c001000" in walk     # not mapped: emulated
    command(child, "continue")
    command(child, "continue")
    screen = command(child, "continue")                # typer: GICD_TYPER at offset 4
    assert "HDFAR 0x2c001004  HPFAR 0x002c0010 (IPA 0x2c001004)" in screen, screen
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
