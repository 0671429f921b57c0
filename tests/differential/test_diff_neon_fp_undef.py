"""UNDEFINED where QEMU's cortex-a15 says so, in FP's part of the Advanced SIMD
space: the floating-point rows of A7.4.1, the F = 1 by-scalar rows of A7.4.3, the
two-register miscellaneous group (A7.4.5), VEXT, VTBL/VTBX and VDUP (scalar).

Random words of those groups -- every field drawn, odd Q registers, reserved sizes,
sz = 1 (half precision, not in ARMv7), unallocated rows included -- are run under
``qemu-arm -cpu cortex-a15`` and decoded and translated by pyxen15, and the two must
agree word for word on UNDEFINED, as test_diff_neon_int_undef.py does for INT's
groups (neon_undef.py).  Left out: VTBL/VTBX with a table beyond D31,
UNPREDICTABLE (pyxen15 takes UNDEF, by design; QEMU wraps round).
"""

import pytest

from .neon_undef import check_undefined


def _table_in_range(f):
    """bit 11 set, U = 1: c < 4 is VTBL/VTBX with len = c, n + len must stay in D0-D31."""
    return f["c"] >= 4 or (f["n"] << 4 | f["vn"]) + (f["c"] & 3) < 32


RAW = (
    ("XF_same", "1111 001 u:1 0 d:1 size:2 vn:4 vd:4 a:4 n:1 q:1 m:1 b:1 vm:4",
     dict(check=lambda f: f["a"] >= 12)),                       # A = 1100-1111
    ("XF_scalar", "1111 001 q:1 1 d:1 size:2 vn:4 vd:4 a:4 n:1 1 m:1 0 vm:4",
     dict(check=lambda f: f["size"] != 3 and f["a"] in (1, 5, 9))),   # the F = 1 rows
    ("XF_misc", "1111 001 1 1 d:1 11 size:2 a:2 vd:4 0 b:5 m:1 0 vm:4", {}),
    ("XF_vext", "1111 001 0 1 d:1 11 vn:4 vd:4 imm4:4 n:1 q:1 m:1 0 vm:4", {}),
    ("XF_tbl_dup", "1111 001 1 1 d:1 11 vn:4 vd:4 1 c:3 n:1 q:1 m:1 0 vm:4", dict(check=_table_in_range)),
)



@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_fp_groups_undefined_exactly_where_qemu_says(isa, seed, need_qemu):
    check_undefined(isa, seed, RAW, 0.2)
