"""UNDEFINED where QEMU's cortex-a15 says so, in INT's part of the Advanced SIMD
space (A7.4.1 integer rows, A7.4.2, A7.4.3 integer forms, A7.4.4, A7.4.6).

Random words of those groups -- every field drawn, odd Q registers, reserved sizes,
unallocated rows included -- run under QEMU and by pyxen15 must agree on
UNDEFINED word for word (neon_undef.py).  The neon_templates_int.py streams
check the results of the rest.
"""

import pytest

from .neon_undef import check_undefined

# The raw groups: every bit a field but those naming the group.
RAW = (
    ("XU_same", "1111 001 u:1 0 d:1 size:2 vn:4 vd:4 a:4 n:1 q:1 m:1 b:1 vm:4",
     dict(check=lambda f: f["a"] < 12)),                        # A = 1100-1111: FP's rows
    ("XU_long", "1111 001 u:1 1 d:1 size:2 vn:4 vd:4 a:4 n:1 s:1 m:1 0 vm:4",
     dict(check=lambda f: f["size"] != 3 and not (f["s"] and f["a"] in (1, 5, 9)))),   # F = 1: FP's
    ("XU_shift", "1111 001 u:1 1 d:1 imm6:6 vd:4 a:4 l:1 q:1 m:1 1 vm:4", {}),
)


@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_int_groups_undefined_exactly_where_qemu_says(isa, seed, need_qemu):
    check_undefined(isa, seed, RAW, 0.3)
