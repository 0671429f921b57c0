"""Differences between pyxen15 and QEMU that are known and reported.

A gap names templates and, optionally, the field values that show the difference.
The default random streams never draw a gap, so a known difference does not hide
new ones; test_known_gaps.py draws each gap alone (with ``force`` fields) as a
strict xfail: once the core gets it right that test XPASSes, which fails the
suite until the entry is removed here.  So the list can only shrink.
``python -m tests.differential.run --all-templates`` draws gaps too.
"""


class Gap:
    """``templates``: names (a32.py / t32.py); ``when``: predicate over the drawn
    fields (None: every instance); ``force``: field values that make the strict-xfail
    run hit the gap; ``reason``: what differs, for the core authors."""

    def __init__(self, isa, templates, reason, when=None, force=None):
        self.isa = isa
        self.templates = frozenset(templates)
        self.reason = reason
        self.when = when
        self.force = dict(force or {})

    @property
    def name(self):
        return "%s:%s" % (self.isa, "+".join(sorted(self.templates))[:60])

    def matches(self, tmpl, fields):
        return tmpl.name in self.templates and (self.when is None or self.when(fields))


# Fixed: flag-setting logical ops with an RRX operand used the new carry as the
# carry-in (core commit "Logical ops with an RRX operand shift in the old carry").
GAPS = []


def gaps(isa):
    return [g for g in GAPS if g.isa == isa]
