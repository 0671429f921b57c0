"""Command-line options and fixtures shared by the test suite."""

import os
import subprocess

import pytest

# A handler that raises while translating is a pyxen15 bug: in the test
# suite (and the pyxen15 processes it starts) it fails instead of becoming
# the guest's UNDEF (pyxen15/cpu/core.py).
os.environ["PYXEN15_STRICT_TRANSLATION"] = "1"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pytest_addoption(parser):
    # Differential tests against QEMU (tests/differential).
    group = parser.getgroup("differential", "A32/T32 differential tests against QEMU")
    group.addoption("--diff-seed", default=None,
                    help="seed of the random instruction streams (default 1, or "
                         "PYXEN15_DIFF_SEED); a failure report names the seed to reuse")
    group.addoption("--diff-scale", type=float, default=None,
                    help="multiply the number of random test cases (default 1, or "
                         "PYXEN15_DIFF_SCALE)")


@pytest.fixture(scope="session")
def workload():
    """The real workload (Debian's kernel, DTB, busybox initramfs), fetched
    once by the project's script into its cache (scripts/fetch-workload.sh)."""
    p = subprocess.run(["bash", os.path.join(ROOT, "scripts", "fetch-workload.sh")],
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    zimage, dtb, initrd = p.stdout.split()[-3:]
    return {"zImage": zimage, "dtb": dtb, "initrd": initrd}
