"""Advanced SIMD floating point and the two-register miscellaneous group: the
element operations under the standard FPSCR value (neon/fpops.py), the
instructions through translated blocks in both instruction sets (fast and
slow paths), and the encodings the ARM ARM makes UNDEFINED.  Expected values
are worked from the ARM ARM pseudocode; the differential streams
(tests/differential/neon_templates_fp.py) compare the same against QEMU."""

import struct

import pytest

from pyxen15.cpu.neon import fpops as fp
from pyxen15.cpu.vfp.softfloat import AHP, DN, DZC, FZ, IDC, IOC, IXC, UFC
from snippets import CODE, gnu_assemble, machine_at

VBAR = CODE + 0x2000
SVC = 0x1D3
QNAN, SNAN, DNAN = 0x7FC12345, 0x7F812345, 0x7FC00000
INF, NINF = 0x7F800000, 0xFF800000
DENORM, NDENORM = 0x00000123, 0x80000123
ONE, TWO = 0x3F800000, 0x40000000
PZERO, NZERO = 0, 0x80000000


def s(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


# -- the standard FPSCR value ------------------------------------------------------------------

def test_standard_fpscr_is_fz_dn_round_to_nearest_with_ahp_from_fpscr():
    assert fp.standard_fpscr(0) == FZ | DN
    assert fp.standard_fpscr(0xFFFFFFFF) == FZ | DN | AHP
    assert fp.standard_fpscr(3 << 22) == FZ | DN          # RMode ignored


@pytest.mark.parametrize("fn, a, b, result, flags", [
    (fp.fp_add, DENORM, ONE, ONE, IDC),                    # a denormal operand is flushed
    (fp.fp_mul, s(1e-20), s(1e-20), PZERO, UFC),           # a tiny result is flushed: UFC, no IXC
    (fp.fp_add, QNAN, ONE, DNAN, 0),                       # default NaN, whatever FPSCR.DN says
    (fp.fp_add, ONE, SNAN, DNAN, IOC),
    (fp.fp_sub, INF, INF, DNAN, IOC),
    (fp.fp_add, s(1.0), s(2.0 ** -30), ONE, IXC),          # round to nearest, whatever FPSCR.RMode
    (fp.fp_abd, s(1.0), s(3.0), TWO, 0),
    (fp.fp_max, NZERO, PZERO, PZERO, 0), (fp.fp_min, PZERO, NZERO, NZERO, 0),
    (fp.fp_max, NDENORM, PZERO, PZERO, IDC), (fp.fp_min, DENORM, ONE, PZERO, IDC),
    (fp.fp_max, QNAN, ONE, DNAN, 0), (fp.fp_min, ONE, SNAN, DNAN, IOC),
    (fp.fp_compare_eq, QNAN, QNAN, 0, 0),                  # a quiet compare
    (fp.fp_compare_eq, SNAN, ONE, 0, IOC),
    (fp.fp_compare_ge, QNAN, ONE, 0, IOC),                 # GE and GT signal on any NaN
    (fp.fp_compare_ge, DENORM, NZERO, 0xFFFFFFFF, IDC),    # flushed: 0 >= -0
    (fp.fp_compare_gt, ONE, NZERO, 0xFFFFFFFF, 0),
    (fp.fp_abs_compare_gt, s(-3.0), s(2.0), 0xFFFFFFFF, 0),
    (fp.fp_recip_step, INF, PZERO, TWO, 0),                # infinity times zero: 2.0
    (fp.fp_recip_step, DENORM, NINF, TWO, IDC),
    (fp.fp_recip_step, s(0.5), s(3.0), s(0.5), 0),         # 2 - 1.5
    (fp.fp_rsqrt_step, INF, NDENORM, 0x3FC00000, IDC),     # 1.5
    (fp.fp_rsqrt_step, s(1.0), s(2.0), s(0.5), 0),         # (3 - 2) / 2
    (fp.fp_rsqrt_step, QNAN, ONE, DNAN, 0),
])
def test_element_operations_under_the_standard_fpscr(fn, a, b, result, flags):
    assert fn(a, b) == (result, flags)


def test_vmla_rounds_the_product_then_the_sum_and_vfma_once():
    a, b = s(1.0 + 2.0 ** -13), s(1.0 - 2.0 ** -13)       # a * b = 1 - 2^-26 exactly
    acc = s(-1.0)
    assert fp.fp_mla(acc, a, b) == (PZERO, IXC)            # the product rounds to 1.0
    assert fp.fp_fma(acc, a, b) == (s(-2.0 ** -26), 0)
    assert fp.fp_fms(acc, a ^ 0x80000000, b) == (s(-2.0 ** -26), 0)
    assert fp.fp_mls(s(1.0), a, b) == (PZERO, IXC)


# -- reciprocal (square root) estimates ---------------------------------------------------------

def _rsqrt_loop(a: int) -> int:
    """The pseudocode's RecipSqrtEstimate as a search (for the closed form's test)."""
    a = a * 2 + 1 if a < 256 else ((a >> 1) << 1 | 1) << 1
    b = 512
    while a * (b + 1) * (b + 1) < 1 << 28:
        b += 1
    return (b + 1) // 2


def test_recip_sqrt_estimate_is_the_pseudocodes_search_for_every_input():
    assert all(fp.recip_sqrt_estimate(a) == _rsqrt_loop(a) for a in range(128, 512))
    assert all(256 <= fp.recip_sqrt_estimate(a) < 512 for a in range(128, 512))


def test_recip_estimate_rounds_the_midpoints_reciprocal_to_nearest():
    for a in range(256, 512):
        r = fp.recip_estimate(a)
        exact = 2.0 ** 18 / (2 * a + 1)        # 256 / ((a + 0.5) / 512)
        assert abs(r - exact) <= 0.5 and 256 <= r <= 511


@pytest.mark.parametrize("fn, x, result, flags", [
    (fp.fp_recip_estimate, s(1.0), 0x3F7F8000, 0),         # 0.998046875
    (fp.fp_recip_estimate, s(-2.0), 0xBEFF8000, 0),
    (fp.fp_recip_estimate, s(3.0), 0x3EAA8000, 0),
    (fp.fp_recip_estimate, PZERO, INF, DZC),
    (fp.fp_recip_estimate, NDENORM, NINF, DZC | IDC),      # flushed first
    (fp.fp_recip_estimate, NINF, NZERO, 0),
    (fp.fp_recip_estimate, s(2.0 ** 126), PZERO, UFC),     # 2^-126 would be denormal: flushed
    (fp.fp_recip_estimate, SNAN, DNAN, IOC),
    (fp.fp_rsqrt_estimate, s(1.0), 0x3F7F8000, 0),
    (fp.fp_rsqrt_estimate, s(4.0), 0x3EFF8000, 0),
    (fp.fp_rsqrt_estimate, s(2.0), 0x3F348000, 0),         # 1/sqrt(514/1024) = 361/256, then 2^-1
    (fp.fp_rsqrt_estimate, NZERO, NINF, DZC),
    (fp.fp_rsqrt_estimate, s(-1.0), DNAN, IOC),
    (fp.fp_rsqrt_estimate, INF, PZERO, 0),
    (fp.fp_rsqrt_estimate, QNAN, DNAN, 0),
    (fp.unsigned_recip_estimate, 0x7FFFFFFF, 0xFFFFFFFF, 0),   # below 0.5: saturated
    (fp.unsigned_recip_estimate, 0x80000000, 0xFF800000, 0),   # 0.5 -> 511/256
    (fp.unsigned_rsqrt_estimate, 0x3FFFFFFF, 0xFFFFFFFF, 0),   # below 0.25
    (fp.unsigned_rsqrt_estimate, 0x40000000, 0xFF800000, 0),   # 0.25 -> 2 (511/256)
])
def test_estimates(fn, x, result, flags):
    assert fn(x) == (result, flags)


@pytest.mark.parametrize("fn, x, result, flags", [
    (fp.fp_to_s32, s(-2.5), 0xFFFFFFFE, IXC),              # round towards zero
    (fp.fp_to_s32, s(3e9), 0x7FFFFFFF, IOC),               # saturated
    (fp.fp_to_u32, s(-1.0), 0, IOC),
    (fp.fp_to_s32, QNAN, 0, IOC),
    (fp.fp_to_s32, DENORM, 0, IDC),
    (fp.s32_to_fp, 0xFFFFFFFF, s(-1.0), 0),
    (fp.u32_to_fp, 0xFFFFFFFF, s(4294967296.0), IXC),      # to nearest
])
def test_conversions_to_and_from_integers(fn, x, result, flags):
    assert fn(x) == (result, flags)


def test_half_conversions_take_ahp_from_fpscr():
    assert fp.fp_single_to_half(s(65536.0), 0) == (0x7C00, 4 | IXC)       # IEEE: overflow to inf
    assert fp.fp_single_to_half(s(65536.0), AHP) == (0x7C00, 0)           # alternative: a number
    assert fp.fp_single_to_half(s(262144.0), AHP) == (0x7FFF, IOC)        # too large: no inf
    assert fp.fp_half_to_single(0x7C00, AHP) == (s(65536.0), 0)
    assert fp.fp_half_to_single(0x7C00, 0) == (INF, 0)
    assert fp.fp_half_to_single(0x7E01, 0x00C00000) == (DNAN, 0)          # DN whatever FPSCR says


# -- instructions ------------------------------------------------------------------------------

def neon_machine(src: str, thumb: bool = False, q=None, fpscr: int = 0, regs=None):
    code = gnu_assemble(".fpu neon-vfpv4\n" + src, thumb)
    m = machine_at(code, thumb, regs, SVC)
    c = m.cpu
    c.sys.vbar = VBAR
    c.sys.cpacr = 0xF << 20
    c.fpexc = 1 << 30
    for i, lanes in (q or {}).items():
        c.fpregs[16 * i:16 * i + 16] = struct.pack("<4I", *lanes)
    c.set_fpscr(fpscr)
    return m, CODE + len(code)


def run_neon(src: str, thumb: bool = False, **kw):
    m, end = neon_machine(src, thumb, **kw)
    assert m.run(until=end, max_insns=200).reason == "until"
    return m.cpu


def qreg(c, i: int):
    return list(struct.unpack_from("<4I", c.fpregs, 16 * i))


def took_undef(src: str, thumb: bool = False) -> bool:
    m, _end = neon_machine(src, thumb)
    m.run(until=VBAR + 4, max_insns=10)
    return m.cpu.mode == 0x1B and m.cpu.pc == VBAR + 4


BOTH = pytest.mark.parametrize("thumb", (False, True), ids=("A32", "T32"))

VALUES = [s(1.5), s(-2.0), s(3.25), s(1e30)]
OTHERS = [s(0.5), s(4.0), s(-0.25), s(1e10)]


@BOTH
@pytest.mark.parametrize("insn, expect", [
    ("vadd.f32 q0, q1, q2", [s(2.0), s(2.0), s(3.0), s(1e30 + 1e10)]),
    ("vsub.f32 q0, q1, q2", [s(1.0), s(-6.0), s(3.5), s(1e30 - 1e10)]),
    ("vmul.f32 q0, q1, q2", [s(0.75), s(-8.0), s(-0.8125), INF]),
    ("vmul.f32 q0, q1, d4[1]", [s(6.0), s(-8.0), s(13.0), s(4e30)]),
    ("vfma.f32 q0, q1, q2", [s(1.0 + 0.75), s(1.0 - 8.0), s(1.0 - 0.8125), INF]),
    ("vmls.f32 q0, q1, q2", [s(1.0 - 0.75), s(1.0 + 8.0), s(1.0 + 0.8125), NINF]),
    ("vabd.f32 q0, q1, q2", [s(1.0), s(6.0), s(3.5), s(1e30 - 1e10)]),
    ("vmax.f32 q0, q1, q2", [s(1.5), s(4.0), s(3.25), s(1e30)]),
    ("vcgt.f32 q0, q1, q2", [0xFFFFFFFF, 0, 0xFFFFFFFF, 0xFFFFFFFF]),
    ("vpadd.f32 d0, d2, d3", [s(-0.5), s(3.25 + 1e30), s(1.0), s(1.0)]),
])
def test_three_register_f32_operations(thumb, insn, expect):
    """Both paths: IXC clear takes the bit-exact path, IXC set the host floats'."""
    for fpscr in (0, IXC):
        c = run_neon(insn, thumb, q={0: [s(1.0)] * 4, 1: VALUES, 2: OTHERS}, fpscr=fpscr)
        assert qreg(c, 0) == expect


@BOTH
def test_denormals_are_flushed_and_nans_default_whatever_fpscr_says(thumb):
    c = run_neon("vadd.f32 q0, q1, q2", thumb, fpscr=IXC,    # FZ and DN clear in FPSCR
                 q={1: [DENORM, QNAN, SNAN, s(1.5e-38)], 2: [ONE, ONE, ONE, s(-1.2e-38)]})
    assert qreg(c, 0)[:3] == [ONE, DNAN, DNAN]
    assert qreg(c, 0)[3] == 0                              # a denormal result: flushed
    assert c.fpscr & 0x9F == IDC | IOC | UFC | IXC


@BOTH
def test_flags_accumulate_into_fpscr_and_the_rest_of_fpscr_is_kept(thumb):
    c = run_neon("vmul.f32 d0, d2, d4", thumb, fpscr=0xF3C00000,
                 q={0: [0] * 4, 1: [s(3.0), s(1e38), 0, 0], 2: [s(1.0), s(10.0), 0, 0]})
    assert qreg(c, 0)[:2] == [s(3.0), INF]
    assert c.fpscr == 0xF3C00000 | 4 | IXC                 # OFC, IXC; NZCV, FZ, DN, RMode kept


@BOTH
def test_a_vfp_instruction_after_a_neon_write_sees_the_new_value(thumb):
    """A block keeps VFP registers it has read as host floats; a NEON write
    of the register makes that copy stale."""
    c = run_neon("vadd.f64 d6, d0, d0\nvadd.f32 q0, q1, q2\nvadd.f64 d7, d0, d0", thumb,
                 q={1: VALUES, 2: OTHERS})
    d0 = struct.unpack_from("<d", c.fpregs, 0)[0]
    assert struct.unpack_from("<d", c.fpregs, 56)[0] == d0 + d0


@BOTH
@pytest.mark.parametrize("word_a32, word_t32", [
    (0xF2100D40, 0xEF100D40),    # VADD with sz = 1 (half precision: not in ARMv7)
    (0xF2000D41, 0xEF000D41),    # VADD.F32 with Q = 1 and Vm = 1: an odd register
    (0xF3200D50, 0xFF200D50),    # U=1, op=1 in the VMUL row: unallocated
    (0xF3000D40, 0xFF000D40),    # VPADD.F32 with Q = 1
    (0xF2200E40, 0xEF200E40),    # U=0, op=1 in the VCEQ row
    (0xF3200F50, 0xFF200F50),    # U=1 in the VRECPS row
    (0xF3900940, 0xFF900940),    # VMUL by scalar with size 01 (F16)
    (0xF3A01940, 0xFFA01940),    # VMUL by scalar, Q = 1 with Vd odd
])
def test_undefined_encodings(thumb, word_a32, word_t32):
    word = word_t32 if thumb else word_a32
    text = ".inst.w 0x%08x" % word if thumb else ".inst 0x%08x" % word
    assert took_undef(text, thumb)


# -- two registers, miscellaneous; VEXT, VTBL/VTBX, VDUP (scalar) ------------------------------

BYTES = [0x03020100, 0x07060504, 0x0B0A0908, 0x0F0E0D0C]
HIGH = [0x13121110, 0x17161514, 0x1B1A1918, 0x1F1E1D1C]


@BOTH
@pytest.mark.parametrize("insn, q1, expect", [
    ("vrev64.8 q0, q1", BYTES, [0x04050607, 0x00010203, 0x0C0D0E0F, 0x08090A0B]),
    ("vrev32.16 q0, q1", BYTES, [0x01000302, 0x05040706, 0x09080B0A, 0x0D0C0F0E]),
    ("vrev16.8 d0, d2", BYTES, [0x02030001, 0x06070405, 1, 1]),
    ("vpaddl.u8 q0, q1", [0xFFFFFFFF] * 4, [0x01FE01FE] * 4),
    ("vpaddl.s16 d0, d2", [0x8000FFFF, 0x00017FFF] + [0] * 2, [0xFFFF7FFF, 0x00008000, 1, 1]),
    ("vcls.s8 d0, d2", [0xFF7F0100, 0] + [0] * 2, [0x07000607, 0x07070707, 1, 1]),
    ("vclz.i32 q0, q1", [0, 1, 0x80000000, 0xFFFF], [32, 31, 0, 16]),
    ("vcnt.8 d0, d2", [0xFF0F0301, 0x80] + [0] * 2, [0x08040201, 0x01, 1, 1]),
    ("vmvn q0, q1", BYTES, [~x & 0xFFFFFFFF for x in BYTES]),
    ("vqabs.s8 d0, d2", [0x80817F01, 0xFF] + [0] * 2, [0x7F7F7F01, 0x01, 1, 1]),
    ("vqneg.s32 q0, q1", [0x80000000, 1, 0x7FFFFFFF, 0], [0x7FFFFFFF, 0xFFFFFFFF, 0x80000001, 0]),
    ("vabs.s16 d0, d2", [0x80000001 | 0xFFFF, 0] + [0] * 2, [0x80000001, 0, 1, 1]),
    ("vneg.f32 q0, q1", [DNAN, PZERO, INF, DENORM], [DNAN | 1 << 31, NZERO, NINF, NDENORM]),
    ("vabs.f32 d0, d2", [SNAN | 1 << 31, NDENORM] + [0] * 2, [SNAN, DENORM, 1, 1]),
    ("vcgt.s8 d0, d2, #0", [0x807F0001, 0] + [0] * 2, [0x00FF00FF, 0, 1, 1]),
    ("vcle.f32 q0, q1, #0", [NZERO, NDENORM, QNAN, s(-1.0)], [0xFFFFFFFF] * 2 + [0, 0xFFFFFFFF]),
    ("vceq.i16 d0, d2, #0", [0x00010000, 0xFFFF0000] + [0] * 2, [0x0000FFFF, 0x0000FFFF, 1, 1]),
    ("vmovn.i32 d0, q1", BYTES, [0x05040100, 0x0D0C0908, 1, 1]),
    ("vqmovn.s16 d0, q1", [0x7F80FF7F, 0x0080FF80, 0, 0xFFFF], [0x7F807F80, 0x00FF0000, 1, 1]),
    ("vqmovun.s16 d0, q1", [0x00FF0100, 0xFFFF0080, 0, 0], [0x0080FFFF, 0, 1, 1]),
    ("vshll.i8 q0, d2, #8", [0x0201FF80, 0] + [0] * 2, [0xFF008000, 0x02000100, 0, 0]),
    ("vcvt.s32.f32 q0, q1", [s(-1.5), s(3e9), QNAN, DENORM], [0xFFFFFFFF, 0x7FFFFFFF, 0, 0]),
    ("vcvt.f32.u32 d0, d2", [0xFFFFFFFF, 7] + [0] * 2, [s(4294967296.0), s(7.0), 1, 1]),
    ("vrecpe.f32 d0, d2", [s(1.0), PZERO] + [0] * 2, [0x3F7F8000, INF, 1, 1]),
    ("vrsqrte.u32 d0, d2", [0x40000000, 0x3FFFFFFF] + [0] * 2, [0xFF800000, 0xFFFFFFFF, 1, 1]),
    ("vcvt.f16.f32 d0, q1", [s(1.0), s(-2.0), s(65504.0), s(1e6)], [0xC0003C00, 0x7C007BFF, 1, 1]),
    ("vcvt.f32.f16 q0, d2", [0xC0003C00, 0x7C000001] + [0] * 2,
     [s(1.0), s(-2.0), s(2.0 ** -24), INF]),
    ("vext.8 q0, q1, q2, #9", BYTES, [0x0C0B0A09, 0x100F0E0D, 0x14131211, 0x18171615]),
    ("vdup.16 q0, d3[3]", BYTES, [0x0F0E0F0E] * 4),
    # table bytes 0x00-0x0f; the indices in d4 (q2's low half): beyond the table, 0 or Dd's byte
    ("vtbl.8 d0, {d2, d3}, d4", BYTES, [0x000F0100, 0, 1, 1]),
    ("vtbx.8 d1, {d2}, d4", BYTES, [1, 1, 0x00070605, 0x00050403]),
])
def test_miscellaneous(thumb, insn, q1, expect):
    q2 = HIGH
    if "vtbl" in insn:
        q2 = [0x1F0F0100, 0x00000010, 0, 0]
    elif "vtbx" in insn:
        q2 = [0x20070605, 0xFF050403, 0, 0]
    c = run_neon(insn, thumb, q={0: [1] * 4, 1: q1, 2: q2})
    assert [hex(x) for x in qreg(c, 0)] == [hex(x) for x in expect]


@BOTH
def test_saturation_sets_qc_and_nothing_clears_it(thumb):
    c = run_neon("vqabs.s8 d0, d2\nvqabs.s8 d1, d3", thumb,
                 q={1: [0x80, 0, 0x01, 0]})
    assert c.fpscr & 1 << 27
    c = run_neon("vqmovn.s16 d0, q1", thumb, q={1: [0x007F0001, 0, 0, 0]})
    assert not c.fpscr & 1 << 27


@BOTH
@pytest.mark.parametrize("word_a32", [
    0xF3B00180,     # VREV with op = 11
    0xF3B80080,     # VREV32.32: op + size = 3
    0xF3BC0200,     # VPADDL with size 11
    0xF3B00541,     # VCNT q0, q? with Vm = 1: Q = 1 with an odd register
    0xF3B40500,     # VCNT with size 01
    0xF3B50700,     # VABS with F = 1 and size 01
    0xF3B60000,     # VSWP with size 01
    0xF3BA0100,     # VUZP.32 with Q = 0
    0xF3B20201,     # VMOVN with Vm odd
    0xF3B21300,     # VSHLL (shift = size) with Vd odd
    0xF3BA0600,     # VCVT between half and single with size 10
    0xF3B61700,     # VCVT.F32.F16 with Vd odd
    0xF3B70400,     # VRECPE with size 01
    0xF3B30600,     # VCVT between F32 and integer with size 00
    0xF3B10280,     # two registers misc, A = 01, B = 0101x: unallocated
    0xF2B00800,     # VEXT with Q = 0 and imm4<3> set
    0xF3B00C00,     # VDUP (scalar) with imm4 = 0000
    0xF3B00D00,     # U = 1, size = 11, bit 11 set, 1101: unallocated
    0xF3BF0980,     # VTBL with a table beyond D31 (UNPREDICTABLE: UNDEFINED here)
])
def test_undefined_miscellaneous_encodings(thumb, word_a32):
    word = word_a32
    if thumb:
        word = (0xEF000000 if word_a32 >> 24 == 0xF2 else 0xFF000000) | word_a32 & 0xFFFFFF
    text = ".inst.w 0x%08x" % word if thumb else ".inst 0x%08x" % word
    assert took_undef(text, thumb)


@pytest.mark.parametrize("flags, runs", [(0, False), (1 << 30, True)])
def test_t32_neon_instructions_in_an_it_block_follow_its_condition(flags, runs):
    m, end = neon_machine("it eq\nvaddeq.f32 q0, q1, q2\nvrev64.8 q3, q3", True,
                          q={0: [7] * 4, 1: VALUES, 2: OTHERS, 3: [7] * 4})
    m.cpu.set_cpsr(m.cpu.cpsr | flags)
    assert m.run(until=end, max_insns=20).reason == "until"
    c = m.cpu
    assert (qreg(c, 0) == [s(2.0), s(2.0), s(3.0), s(1e30)]) == runs
    assert qreg(c, 3) == [0x07000000] * 4     # after the IT block: always


def _random_single(rng) -> int:
    """A normal single of either sign over a spread of exponents, sometimes
    with few significant bits (so that sums can be exact or halfway)."""
    frac = rng.getrandbits(23) if rng.random() < 0.7 else rng.getrandbits(3) << 20
    return rng.getrandbits(1) << 31 | rng.randint(100, 150) << 23 | frac


@pytest.mark.parametrize("insn, fn", [
    ("vfma.f32 q0, q1, q2", lambda d, n, m: fp.fp_fma(d, n, m)),
    ("vfms.f32 q0, q1, q2", lambda d, n, m: fp.fp_fms(d, n, m)),
    ("vmla.f32 q0, q1, q2", lambda d, n, m: fp.fp_mla(d, n, m)),
    ("vmls.f32 q0, q1, q2", lambda d, n, m: fp.fp_mls(d, n, m)),
    ("vadd.f32 q0, q1, q2", lambda d, n, m: fp.fp_add(n, m)),
    ("vrecps.f32 q0, q1, q2", lambda d, n, m: fp.fp_recip_step(n, m)),
    ("vrsqrts.f32 q0, q1, q2", lambda d, n, m: fp.fp_rsqrt_step(n, m)),
    ("vmax.f32 q0, q1, q2", lambda d, n, m: fp.fp_max(n, m)),
    ("vpadd.f32 d0, d2, d4", None),
    ("vcge.f32 q0, q1, q2", lambda d, n, m: fp.fp_compare_ge(n, m)),
])
def test_the_fast_path_agrees_with_the_soft_float_on_random_normals(insn, fn):
    """The host-float path (taken with IXC set and normal lanes) against the
    bit-exact element operations, lane by lane, on 200 random vectors."""
    import random
    rng = random.Random(insn)
    m, end = neon_machine(insn, False)
    c = m.cpu
    for _ in range(200):
        q = [[_random_single(rng) for _ in range(4)] for _ in range(3)]
        if rng.random() < 0.3:
            q[2] = q[1][:]                   # equal lanes: VMAX, VCGE ties, exact sums
        for i in range(3):
            c.fpregs[16 * i:16 * i + 16] = struct.pack("<4I", *q[i])
        c.set_fpscr(IXC)
        c.pc = CODE
        assert m.run(until=end, max_insns=5).reason == "until"
        if fn is None:       # VPADD d0, d2, d4: the pairs of d2 then d4; d1 kept
            want = [fp.fp_add(q[1][0], q[1][1]), fp.fp_add(q[2][0], q[2][1]),
                    (q[0][2], 0), (q[0][3], 0)]
        else:
            want = [fn(q[0][k], q[1][k], q[2][k]) for k in range(4)]
        assert qreg(c, 0) == [r for r, _ in want]
        flags = IXC
        for _, f in want:
            flags |= f
        assert c.fpscr & 0x9F == flags
