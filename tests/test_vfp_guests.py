"""The VFP access-control guests print the same on QEMU and on pyxen15.

* ``vfplazy``: Linux's lazy switching -- FPEXC.EN clear, the UNDEF, the
  handler turning VFP on and retrying (A32 and T32), CPACR denying access,
  a conditional VFP instruction that fails, FPSCR.LEN set.
* ``vfptrap``: a HYP-mode monitor with HCPTR.TCP10/TCP11 and HCR.TID0/TID3;
  every trap's HSR (EC 0x07 and 0x08, with the ISS fields) is printed.

Both run under ``qemu-system-arm -M vexpress-a15,secure=off,virtualization=on``
(which starts an ELF in HYP mode) and under ``pyxen15 run --hyp``; their
console output must be identical byte for byte.  QEMU's output is also
checked for the traps it must contain, so a guest that silently skipped its
tests could not pass.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUESTS = ROOT / "guests"
BUILD = GUESTS / "build"
QEMU = shutil.which("qemu-system-arm")

# guest -> (text QEMU's output must contain, how many times)
MUST_CONTAIN = {
    "vfplazy": [("traps 00000001 [lr-insn 00000004 mode 00000013", 5),
                ("traps 00000001 [lr-insn 00000002 mode 00000033", 1),
                ("vmoveq not passed: traps 00000000", 1),
                ("fpscr.len vcmp/vcvt: traps 00000000", 1), ("vfplazy: done\n", 1)],
    "vfptrap": [(" ec 00000007 il 00000001 cv 00000001 cond 0000000e", 5),
                (" ec 00000008 il 00000001", 3), ("vfptrap: done\n", 1)],
}


@pytest.fixture(scope="module")
def built():
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.fail("arm-none-eabi-gcc missing: run `make setup`")
    subprocess.run(["make", "-s", "-C", str(GUESTS)], check=True, stdout=subprocess.DEVNULL)
    return BUILD


def run_qemu(elf):
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    p = subprocess.run([QEMU, "-M", "vexpress-a15,secure=off,virtualization=on", "-semihosting",
                        "-nographic", "-monitor", "none", "-kernel", str(elf)],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, env=env, timeout=60)
    return p.returncode, p.stdout


def run_pyxen15(elf):
    p = subprocess.run([sys.executable, "-m", "pyxen15.cli", "run", "--hyp", str(elf)],
                       cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    return p.returncode, p.stdout, p.stderr


@pytest.mark.skipif(QEMU is None, reason="qemu-system-arm not installed (make setup)")
@pytest.mark.parametrize("name", sorted(MUST_CONTAIN))
def test_vfp_guest_prints_the_same_on_qemu_and_pyxen15(built, name):
    elf = built / ("%s.elf" % name)
    q_status, q_out = run_qemu(elf)
    assert q_status == 0, q_out.decode("latin-1")
    text = q_out.decode("latin-1")
    for needle, times in MUST_CONTAIN[name]:
        assert text.count(needle) == times, (needle, text)
    p_status, p_out, p_err = run_pyxen15(elf)
    assert b"Traceback" not in p_err, p_err.decode("latin-1")
    assert p_status == 0, p_err.decode("latin-1")
    assert p_out == q_out
