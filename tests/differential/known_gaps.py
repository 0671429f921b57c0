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


_LOGIC_A32 = ("AND_rrri", "EOR_rrri", "ORR_rrri", "BIC_rrri", "MOV_rri", "MVN_rri",
              "TST_rri", "TEQ_rri")
_LOGIC_T32 = ("AND_rrri", "EOR_rrri", "ORR_rrri", "ORN_rrri", "BIC_rrri", "MOV_rri",
              "MVN_rri", "TST_rri", "TEQ_rri")
_RRX = ("flag-setting logical op with an RRX operand shifts in the new C, not the "
        "old one: dp_execute assigns c.CF = carry before evaluating the result, whose "
        "RRX expression reads c.CF (pyxen15/cpu/ops/dataproc.py)")

GAPS = [
    Gap("a32", _LOGIC_A32, _RRX,
        when=lambda f: f["sh"] == 3 and f["imm5"] == 0 and f.get("s", 1) == 1,
        force={"sh": 3, "imm5": 0, "s": 1, "cond": 14}),
    Gap("t32", _LOGIC_T32, _RRX,
        when=lambda f: f["sh"] == 3 and f["imm3"] == 0 and f["imm2"] == 0 and f.get("s", 1) == 1,
        force={"sh": 3, "imm3": 0, "imm2": 0, "s": 1}),
]


def gaps(isa):
    return [g for g in GAPS if g.isa == isa]
