"""Random instruction streams, A32 and T32 (Thumb-2: 32-bit and 16-bit
encodings, IT blocks, CBZ/TBB, interworking): pyxen15 must end in QEMU's state.

The default size executes >= 100,000 instructions per instruction set;
``--diff-scale K`` multiplies it, ``--diff-seed N`` draws other streams (a
failure names its seed and index).
"""

import pytest

from . import run


def test_streams_match_qemu(diff_batch, seed, pyx_runner):
    isa, start, count = diff_batch
    res = run.run_batch(isa, seed, start, count, pyx_runner)
    if res.mismatches:
        pytest.fail(run.failure_message(res, isa, seed), pytrace=False)
    share = run.MIN_EXECUTED * count // run.DEFAULT_CASES[isa]
    assert res.executed >= share, "only %d instructions executed in %d cases" % (
        res.executed, count)
