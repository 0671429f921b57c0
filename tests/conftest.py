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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The Linux boots (mark ``linux_boot``, minutes each) start first, one
    per worker, so that they run alongside the short tests instead of
    after them.  pytest-xdist's load scheduler (``-n N``) first hands each
    worker a run of consecutive tests, max(len // N // 4, 2) long, then
    feeds them one by one: boot k goes to the head of worker k's run.
    (Another xdist scheduling only makes the order less useful, never the
    run wrong.)"""
    boots = [item for item in items if item.get_closest_marker("linux_boot")]
    if not boots:
        return
    order = [item for item in items if not item.get_closest_marker("linux_boot")]
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    run = max(len(items) // workers // 4, 2) if workers > 1 else 1
    for k, item in enumerate(boots):
        order.insert(min(k * run, len(order)), item)
    items[:] = order


@pytest.fixture(scope="session")
def workload():
    """The real workload (Debian's kernel, DTB, busybox initramfs), fetched
    once by the project's script into its cache (scripts/fetch-workload.sh)."""
    p = subprocess.run(["bash", os.path.join(ROOT, "scripts", "fetch-workload.sh")],
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    zimage, dtb, initrd = p.stdout.split()[-3:]
    return {"zImage": zimage, "dtb": dtb, "initrd": initrd}
