"""The shell session of issue 7's Linux check, and what its output must show.

One script, two consoles: QEMU's (a pipe, read as it comes) and pyxen15's
(board_vexpress.console.ScriptedConsole, deterministic).  Each command ends
with ``echo @@$((N))`` so its end is found by the arithmetic's *result*,
which the terminal's echo of the typed line does not contain.

:func:`check` asserts what the issue lists: the kernel log has no oops, no
BUG, no undefined instruction, no failing crypto self-test, says it started in HYP mode and shows
the GIC, the arch timer, the SP804, the PL031 and the PL011 binding; the
shell answers ``uname -a``, counts the CPUs, shows the arch timer's
interrupts rising on every CPU, does arithmetic, reads the PL031's date and
computes the same MD5 of /bin/busybox as the host.
"""

import hashlib
import re
from typing import Dict, List, Tuple

MARKER = b"PYXEN15-INIT-READY"
APPEND = "console=ttyAMA0 rdinit=/init"

COMMANDS = [
    ("quiet", "dmesg -n 1"),         # later kernel messages off the console, out of the answers
    ("uname", "uname -a"),
    ("cpus", "grep -c ^processor /proc/cpuinfo"),
    ("irqs1", "cat /proc/interrupts"),
    ("arith", "echo $((6*7)) $((1<<20)) $((-7/2))"),
    ("date", "date -u +%s"),
    ("md5", "md5sum /bin/busybox"),
    ("irqs2", "cat /proc/interrupts"),
]


def end_marker(i: int) -> bytes:
    return b"@@%d" % (1000 + i)


def steps() -> List[Tuple[bytes, bytes]]:
    """(wait for, then type) pairs: the init marker, each command, poweroff."""
    out = []
    wait = MARKER
    for i, (_name, cmd) in enumerate(COMMANDS):
        out.append((wait, ("%s; echo @@$((%d+%d))\n" % (cmd, 1000, i)).encode()))
        wait = end_marker(i)
    out.append((wait, b"poweroff -f\n"))
    return out


def split(console: bytes) -> Tuple[str, Dict[str, str]]:
    """The kernel log up to the marker, and each command's output."""
    text = console.replace(b"\r", b"")
    at = text.find(MARKER)
    assert at >= 0, "no init marker in the console output:\n" + text[-2000:].decode("utf-8", "replace")
    log = text[:at].decode("utf-8", "replace")
    outputs = {}
    pos = at
    for i, (name, cmd) in enumerate(COMMANDS):
        found = re.compile(re.escape(end_marker(i)) + rb"(?!\d)").search(text, pos)
        assert found is not None, "command %r never finished" % cmd
        end = found.start()
        chunk = text[pos:end].decode("utf-8", "replace")
        # drop the echoed command line: output starts after the line that typed it
        typed = chunk.rfind("echo @@$((%d+%d))" % (1000, i))
        outputs[name] = chunk[chunk.find("\n", typed) + 1:] if typed >= 0 else chunk
        pos = end + len(end_marker(i))
    return log, outputs


def arch_timer_counts(proc_interrupts: str, cpus: int) -> List[int]:
    """Per-CPU counts of the arch timer interrupt Linux uses (of the lines
    named arch_timer -- one per PPI it requested -- the one that counts)."""
    rows = [[int(x) for x in line.split()[1:1 + cpus]]
            for line in proc_interrupts.splitlines() if "arch_timer" in line]
    assert rows, "no arch_timer line in /proc/interrupts:\n" + proc_interrupts
    return max(rows, key=sum)


def check(console: bytes, cpus: int, busybox: bytes, epoch_range: Tuple[int, int]) -> Dict[str, str]:
    log, out = split(console)
    # (an UNDEF on a system register: Linux's hw_breakpoint probe says "Debug
    # register access (...) caused undefined instruction")
    for bad in ("Oops", "BUG:", "Kernel panic", "Unable to handle kernel", "undefined instruction"):
        assert bad not in log, "kernel log has %r" % bad
    assert not re.search(r"alg: .*fail", log), re.search(r"alg: .*fail.*", log).group(0)
    assert "CPU: All CPU(s) started in HYP mode" in log
    for needle in ("GIC", "arch_timer: cp15 timer(s) running at", "clocksource: arm,sp804",
                   "rtc-pl031 1c170000.rtc: registered as rtc0", "ttyAMA0 at MMIO 0x1c090000"):
        assert needle in log, "kernel log lacks %r" % needle
    assert out["uname"].startswith("Linux ") and "armv7l" in out["uname"], out["uname"]
    assert out["cpus"].split() == [str(cpus)], out["cpus"]
    first, second = arch_timer_counts(out["irqs1"], cpus), arch_timer_counts(out["irqs2"], cpus)
    assert all(b > a > 0 for a, b in zip(first, second)), (first, second)
    assert out["arith"].split() == ["42", "1048576", "-3"], out["arith"]
    seconds = int(out["date"].split()[0])
    assert epoch_range[0] <= seconds <= epoch_range[1], (seconds, epoch_range)
    assert out["md5"].split()[0] == hashlib.md5(busybox).hexdigest(), out["md5"]
    return out


def run_pyxen15(workload, smp: int, append: str = APPEND, rtc_base: int = 1700000000,
                max_insns: int = 6 * 10 ** 9):
    """The session on pyxen15 (scripted, deterministic): the machine, the
    run's result and the console bytes."""
    from pyxen15.board_vexpress import linux_boot
    from pyxen15.board_vexpress.console import ScriptedConsole
    from pyxen15.machine import Machine
    plan = linux_boot.plan_boot(workload["zImage"], workload["dtb"], 512 << 20, workload["initrd"], append)
    m = Machine(ram_size=512 << 20, semihosting=False, rtc_base=rtc_base, smp=smp)
    linux_boot.load(m, plan, hyp=True)
    script = ScriptedConsole(m, steps())
    result = m.run(max_insns=max_insns)
    return m, result, bytes(script.output)
