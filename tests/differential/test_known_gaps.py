"""Each template in known_gaps.KNOWN must still differ from QEMU when drawn alone.

These are strict xfails: a template the core now gets right XPASSes, and the
suite fails until its entry is removed from known_gaps.py (which puts it back
into the random streams).
"""

import pytest

from . import known_gaps, run

PARAMS = [pytest.param(isa, name, id="%s-%s" % (isa, name),
                       marks=pytest.mark.xfail(strict=True, reason=reason))
          for isa in ("a32", "t32") for name, reason in sorted(known_gaps.KNOWN[isa].items())]


@pytest.mark.skipif(not PARAMS, reason="no known gaps")
@pytest.mark.parametrize("isa,name", PARAMS or [("a32", "none")])
def test_known_gap_still_differs(isa, name, seed, pyx_runner):
    res = run.run_batch(isa, seed, 0, 32, pyx_runner, groups=8, only=[name], triage_limit=0)
    assert not res.mismatches, "%d of 32 cases differ" % len(res.mismatches)
