"""UNDEFINED where QEMU's cortex-a15 says so, in FP's part of the Advanced SIMD
space: the floating-point rows of A7.4.1, the F = 1 by-scalar rows of A7.4.3, the
two-register miscellaneous group (A7.4.5), VEXT, VTBL/VTBX and VDUP (scalar).

Random words of those groups -- every field drawn, odd Q registers, reserved sizes,
sz = 1 (half precision, not in ARMv7), unallocated rows included -- are run under
``qemu-arm -cpu cortex-a15`` and decoded and translated by pyxen15, and the two must
agree word for word on UNDEFINED, as test_diff_neon_int_undef.py does for INT's
groups (whose machinery this reuses).  Left out: VTBL/VTBX with a table beyond D31,
UNPREDICTABLE (pyxen15 takes UNDEF, by design; QEMU wraps round).
"""

import pytest

from . import gen, neon, qemu_ref
from .test_diff_neon_int_undef import handler_undefined

CASES = 320                 # per instruction set


def _table_in_range(f):
    """bit 11 set, U = 1: c < 4 is VTBL/VTBX with len = c, n + len must stay in D0-D31."""
    return f["c"] >= 4 or (f["n"] << 4 | f["vn"]) + (f["c"] & 3) < 32


RAW = (
    ("XF_same", "1111 001 u:1 0 d:1 size:2 vn:4 vd:4 a:4 n:1 q:1 m:1 b:1 vm:4",
     lambda f: f["a"] >= 12),                                   # A = 1100-1111
    ("XF_scalar", "1111 001 q:1 1 d:1 size:2 vn:4 vd:4 a:4 n:1 1 m:1 0 vm:4",
     lambda f: f["size"] != 3 and f["a"] in (1, 5, 9)),         # the F = 1 rows
    ("XF_misc", "1111 001 1 1 d:1 11 size:2 a:2 vd:4 0 b:5 m:1 0 vm:4", None),
    ("XF_vext", "1111 001 0 1 d:1 11 vn:4 vd:4 imm4:4 n:1 q:1 m:1 0 vm:4", None),
    ("XF_tbl_dup", "1111 001 1 1 d:1 11 vn:4 vd:4 1 c:3 n:1 q:1 m:1 0 vm:4", _table_in_range),
)


@pytest.fixture
def raw_templates():
    """The raw groups as templates for the duration of one test only."""
    neon._load()
    saved_rows, saved = list(neon.ROWS), neon._TEMPLATES
    for name, pattern, check in RAW:
        neon.simd(name, pattern, "neon_undef_probe", check=check)
    neon._TEMPLATES = None
    neon._load()
    try:
        yield [name for name, _, _ in RAW]
    finally:
        neon.ROWS[:] = saved_rows
        neon._TEMPLATES = saved


@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_fp_groups_undefined_exactly_where_qemu_says(isa, seed, need_qemu, raw_templates):
    g = neon.NeonGenerator(isa, only=raw_templates, max_tests=1)
    cases = [g.case("fp-undef-%s" % seed, i) for i in range(CASES)]
    refs = []
    for start in range(0, len(cases), gen.NSLOTS):
        refs += qemu_ref.run_batch(cases[start:start + gen.NSLOTS])
    checked = undefined = 0
    wrong = []
    for case, ref in zip(cases, refs):
        crash = isinstance(ref, qemu_ref.Crash)
        assert not crash or ref.signo == 4, "QEMU: %s" % ref
        after = {b.addr: a.tmpl.name for a, b in zip(case.insns, case.insns[1:])}
        for insn in case.insns:
            if not insn.tmpl.name.startswith("XF_"):
                continue
            if crash and insn.addr > ref.pc:
                break                        # not run: the batch went on without it
            if after.get(insn.addr, "").startswith("IT"):
                continue
            qemu_undef = crash and insn.addr == ref.pc
            checked += 1
            undefined += qemu_undef
            if handler_undefined(isa, insn.word()) != qemu_undef:
                wrong.append("%08x (%s): QEMU %s, pyxen15 %s" % (
                    insn.word(), insn.tmpl.name, "UNDEFINED" if qemu_undef else "runs it",
                    "UNDEFINED" if not qemu_undef else "runs it"))
    assert not wrong, "%d of %d words:\n%s" % (len(wrong), checked, "\n".join(wrong[:20]))
    assert checked >= CASES and 0.2 * checked < undefined < 0.9 * checked
