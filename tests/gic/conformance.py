"""Run a GIC/timer conformance guest on QEMU and on pyxen15, as the brief's
referee: ``qemu-system-arm -M vexpress-a15,secure=off,virtualization=on
-smp N`` starts the ELF in HYP mode on every core, so pyxen15 runs it with
the same entry (HYP, every core at the ELF entry).  The console (UART0) of
both must be identical byte for byte, and the guest must end by itself."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pyxen15.machine import Machine

GUESTS_DIR = Path(__file__).resolve().parent.parent.parent / "guests"
BUILD = GUESTS_DIR / "build"
QEMU = shutil.which("qemu-system-arm")
MAX_INSNS = 20000000


def built(name: str) -> Path:
    subprocess.run(["make", "-s", "-C", str(GUESTS_DIR)], check=True, stdout=subprocess.DEVNULL)
    return BUILD / ("%s.elf" % name)


def qemu_console(elf: Path, smp: int) -> str:
    if QEMU is None:
        pytest.fail("qemu-system-arm missing: run `make setup`")
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    proc = subprocess.run(
        [QEMU, "-M", "vexpress-a15,secure=off,virtualization=on", "-smp", str(smp),
         "-semihosting", "-nographic", "-monitor", "none", "-kernel", str(elf)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env=env, timeout=60)
    assert proc.returncode == 0, proc.stdout.decode("utf-8", "replace")
    return proc.stdout.decode("utf-8", "replace").replace("\r\n", "\n")


def pyxen15_console(elf: Path, smp: int, max_insns: int = MAX_INSNS):
    m = Machine(ram_size=64 << 20, smp=smp)
    out = []
    m.hooks.add_console(lambda data: out.append(data))
    m.reset(hyp=True)
    m.load_elf(str(elf))
    result = m.run(max_insns=max_insns)
    return m, result, b"".join(out).decode("utf-8", "replace")


def check_against_qemu(name: str, smp: int, done_marker: str = "done\n") -> str:
    elf = built(name)
    theirs = qemu_console(elf, smp)
    _m, result, ours = pyxen15_console(elf, smp)
    assert result.reason == "exit" and result.exit_code == 0, (result, ours)
    assert theirs.endswith(done_marker), theirs
    assert ours == theirs
    return ours
