"""VFP streams (vfp.py), A32 and T32: every VFP instruction on operands with a
large share of special values, every rounding mode, FZ, DN and AHP on and off;
pyxen15's results and FPSCR must equal QEMU's after every group, and D0-D31,
FPSCR and the core state at the end.

The default size executes >= 100,000 drawn VFP instructions per instruction set
(and about 340,000 VFP set-up and log instructions around them);
``--diff-scale K`` and ``--diff-seed N`` work as for the integer streams.
"""

import pytest

from . import run, vfp


@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_smoke_vfp_streams_match_qemu(isa, seed, pyx_runner):
    res = run.run_batch(isa, seed, 0, 16, pyx_runner, groups=12, vfp_streams=True)
    if res.mismatches:
        pytest.fail(run.failure_message(res, isa, seed), pytrace=False)
    assert res.vfp_tested == 16 * 12 * vfp.TESTS_PER_GROUP and res.vfp_executed > 16 * 12 * 3


def test_vfp_streams_match_qemu(vfp_batch, seed, pyx_runner):
    isa, start, count = vfp_batch
    res = run.run_batch(isa, seed, start, count, pyx_runner, vfp_streams=True)
    if res.mismatches:
        pytest.fail(run.failure_message(res, isa, seed), pytrace=False)
    share = run.MIN_VFP_TESTED * count // run.DEFAULT_VFP_CASES[isa]
    assert res.vfp_tested >= share, "only %d drawn VFP instructions executed in %d cases" % (
        res.vfp_tested, count)


@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_smoke_vfp_wrong_operand_on_pyxen15_is_caught(isa, pyx_runner):
    """One flipped mantissa bit in the constant pool (pyxen15's copy only) must
    show in a log entry and be pinned on an instruction that loaded it."""
    from . import compare, qemu_ref
    case = vfp.VfpGenerator(isa, groups=12).case("perturb", 3)
    ref = qemu_ref.run_batch([case])[0]
    data = bytearray(case.data)
    for off in range(vfp.POOL_OFFSET, len(data), 4):
        data[off] ^= 0x01                    # the low mantissa bit of every pool word
    case.data = bytes(data)
    got, _ = pyx_runner.run(case)
    mm = compare.compare(case, ref, got)
    assert mm is not None and any(d[0].startswith("mem+") for d in mm.diffs)
    compare.triage(mm, pyx_runner)
    assert mm.culprit in case.fp_tests and "log entry" in mm.triage_note
