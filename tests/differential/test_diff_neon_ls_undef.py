"""UNDEFINED where QEMU's cortex-a15 says so, in LS's part of the Advanced SIMD
space: the element and structure loads and stores (A7.7) and the 8-, 16- and
32-bit transfers between core and extension registers (A7.8).

Random words of those groups -- type, size, align, index_align, the structure
count, register lists past D31, opc1:opc2, U, B:E, Q with odd registers, every
field drawn -- run under ``qemu-arm -cpu cortex-a15`` (a SIGILL at the word is
UNDEFINED there; the base register points at a 32-byte aligned address inside
the data block, so no alignment hint faults) and are decoded and translated by
pyxen15 (neon_undef.py).  The two must agree for
every word but one kind: a register list past D31 is UNPREDICTABLE (A8.8.320
...), pyxen15 UNDEFs it and QEMU runs it on registers that do not exist in
AArch32 (its D32-D63 are the AArch64 V16-V31), so such words are left out.
neon_templates_ls.py's streams check what the rest do.
"""

import pytest

from . import neon
from .neon_templates_ls import MULTIPLE
from .neon_undef import check_undefined
from .plans import interesting


def _base(ctx, f):
    """Rn: a 32-byte aligned address with room for the largest transfer (32
    bytes) in the store area; Rm: no writeback, by size, or a register."""
    ea = ctx.data_addr + 32 * ctx.rng.randrange(neon.STORE_SIZE // 32)
    setup = [(f["rn"], ea)]
    if f["rm"] not in (13, 15) and f["rm"] != f["rn"]:
        setup.append((f["rm"], interesting(ctx.rng)))
    return setup, ({f["rn"]} if f["rm"] != 15 else set())


def _rm(ctx):
    r = ctx.rng.random()
    return 15 if r < 0.4 else 13 if r < 0.7 else ctx.reg4()


def past_d31(name, f) -> bool:
    """Whether the word's register list runs past D31 (UNPREDICTABLE)."""
    if name == "XL_xfer":
        return False
    d = f["d"] << 4 | f["vd"]
    if name == "XL_multiple":
        n = next((k for k, rows in MULTIPLE.items() if f["type"] in rows), None)
        if n is None:
            return False
        regs, inc = MULTIPLE[n][f["type"]]
        last = d + regs - 1 if n == 1 else d + inc + regs - 1 if n == 2 else d + (n - 1) * inc
        return last > 31
    n, size, ia = f["nstruct"] + 1, f["size"], f["ia"]
    if size == 3:                                   # all lanes: ia is size:T:a
        t = ia >> 1 & 1
        return (d + t if n == 1 else d + (n - 1) * (1 + t)) > 31
    inc = 2 if n > 1 and size and ia & (2 << (size - 1)) else 1
    return d + (n - 1) * inc > 31


RAW = (
    # A7.7, A = 0: every type, size and align
    ("XL_multiple", "1111 0100 0 d:1 l:1 0 rn:4 vd:4 type:4 size:2 align:2 rm:4",
     dict(plan=_base, fields={"rm": _rm})),
    # A7.7, A = 1: one lane (size 00-10) and all lanes (size 11), every index_align
    ("XL_lane", "1111 0100 1 d:1 l:1 0 rn:4 vd:4 size:2 nstruct:2 ia:4 rm:4",
     dict(plan=_base, fields={"rm": _rm})),
    # A7.8 with C = 1 (bit 8): VMOV scalar <-> core and VDUP, opc1, opc2, U, B:E, Q
    ("XL_xfer", "cond:4 1110 a:3 l:1 vd:4 rt:4 1011 d:1 b:2 1 0000", dict(fields={"cond": 14})),
)


@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_ls_groups_undefined_exactly_where_qemu_says(isa, seed, need_qemu):
    check_undefined(isa, seed, RAW, 0.1, skip=past_d31)
