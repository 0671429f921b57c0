"""Each gap in known_gaps.GAPS must still differ from QEMU when drawn alone.

Strict xfails: a gap the core now gets right XPASSes, and the suite fails until
its entry is removed from known_gaps.py (which puts it back into the streams).
"""

import pytest

from . import known_gaps, run

PARAMS = [pytest.param(gap, id=gap.name,
                       marks=pytest.mark.xfail(strict=True, raises=AssertionError,
                                               reason=gap.reason))
          for gap in known_gaps.GAPS]


@pytest.mark.skipif(not PARAMS, reason="no known gaps")
@pytest.mark.parametrize("gap", PARAMS or [None])
def test_known_gap_still_differs(gap, seed, pyx_runner):
    res = run.run_batch(gap.isa, seed, 0, 32, pyx_runner, groups=8, only=sorted(gap.templates),
                        force=gap.force, known=False, triage_limit=0)
    assert not res.mismatches, "%d of 32 cases differ" % len(res.mismatches)
