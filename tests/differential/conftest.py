"""Fixtures of the differential tests: seed, scale, batches, one pyxen15 runner."""

import os

import pytest

from . import disasm, qemu_ref, pyx_run, run


def diff_seed(config):
    return config.getoption("--diff-seed", default=None) or os.environ.get(
        "PYXEN15_DIFF_SEED") or "1"


def diff_scale(config):
    v = config.getoption("--diff-scale", default=None)
    return v if v is not None else run.scale_from_env()


def pytest_generate_tests(metafunc):
    """``diff_batch`` / ``vfp_batch``: (isa, start, count) of each batch of the
    long integer / VFP run, for both instruction sets."""
    if "diff_batch" in metafunc.fixturenames:
        params, ids = [], []
        for isa in ("a32", "t32"):
            nb, n = run.batch_count(isa, diff_scale(metafunc.config))
            for b in range(nb):
                params.append((isa, b * run.BATCH, min(run.BATCH, n - b * run.BATCH)))
                ids.append("%s-batch%d" % (isa, b))
        metafunc.parametrize("diff_batch", params, ids=ids)
    if "vfp_batch" in metafunc.fixturenames:
        params, ids = [], []
        for isa in ("a32", "t32"):
            nb, n = run.batch_count(isa, diff_scale(metafunc.config), vfp_streams=True)
            for b in range(nb):
                params.append((isa, b * run.BATCH, min(run.BATCH, n - b * run.BATCH)))
                ids.append("vfp-%s-batch%d" % (isa, b))
        metafunc.parametrize("vfp_batch", params, ids=ids)


@pytest.fixture(scope="session")
def seed(request):
    return diff_seed(request.config)


@pytest.fixture(scope="session")
def need_qemu():
    if not qemu_ref.available():
        pytest.skip("%s not found (Debian package qemu-user)" % qemu_ref.QEMU)


@pytest.fixture(scope="session")
def need_objdump():
    if not disasm.have_objdump():
        pytest.skip("%s not found (Debian package binutils-arm-none-eabi)" % disasm.OBJDUMP)


@pytest.fixture(scope="session")
def pyx_runner(need_qemu):
    return pyx_run.PyxRunner()
