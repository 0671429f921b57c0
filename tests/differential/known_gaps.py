"""Templates on which pyxen15 is known to differ from QEMU.

Each entry leaves the template out of the random streams of the default run and
adds a strict-xfail test (test_known_gaps.py) that runs it alone: when the core
gets it right that test XPASSes, which fails the suite until the entry is removed.
So the list can only shrink.  ``python -m tests.differential.run --all-templates``
ignores it.

Key: template name (see a32.py / t32.py); value: what differs, for the core authors.
"""

KNOWN = {
    "a32": {},
    "t32": {},
}


def excluded(isa):
    return frozenset(KNOWN[isa])
