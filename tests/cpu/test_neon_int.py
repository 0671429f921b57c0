"""Advanced SIMD integer data-processing (ops/neon_int.py): decoding in both
instruction sets, a few worked results per group (A7.4.1-A7.4.4, A7.4.6), FPSCR.QC,
and the encodings the ARM ARM makes UNDEFINED.  Expected values are worked by
hand from the ARM ARM; the differential streams (neon_templates_int.py) compare
every template with QEMU."""

import struct

import pytest

from pyxen15.cpu.decode import decode
from pyxen15.cpu.neon import lanes as L
from snippets import CODE, gnu_assemble, machine_at

VBAR = CODE + 0x2000
SVC = 0x1D3
QC = 1 << 27


def t32_word(a32: int) -> int:
    """The T32 form of an A32 Advanced SIMD data-processing word: 1111 001U -> 111U 1111."""
    u = a32 >> 24 & 1
    return (0xEF | u << 4) << 24 | (a32 & 0xFFFFFF)


def neon_machine(src: str, thumb: bool = False, dregs=None, fpscr: int = 0):
    code = gnu_assemble(".fpu neon-vfpv4\n" + src, thumb)
    m = machine_at(code, thumb, None, SVC)
    c = m.cpu
    c.sys.vbar = VBAR
    c.sys.cpacr = 0xF << 20
    c.fpexc = 1 << 30
    for i, v in (dregs or {}).items():
        c.set_vfp_d(i, v)
    c.set_fpscr(fpscr)
    return m, CODE + len(code)


def run(src: str, thumb: bool = False, **kw):
    m, end = neon_machine(src, thumb, **kw)
    assert m.run(until=end, max_insns=100).reason == "until"
    return m.cpu


def dval(c, n: int) -> int:
    return struct.unpack_from("<Q", c.fpregs, 8 * n)[0]


def lanes_of(c, n: int, fmt: str):
    return struct.unpack_from(fmt, c.fpregs, 8 * n)


def pack(fmt: str, *values) -> int:
    return struct.unpack("<Q", struct.pack(fmt, *values))[0]


# -- decoding ------------------------------------------------------------------------------

DECODES = [
    (0xF2020844, "VADD_int"), (0xF2143015, "VQADD"), (0xF3110112, "VBSL"),
    (0xF2110112, "VBIC_reg"), (0xF2020401, "VSHL_reg"), (0xF3010912, "VMUL_int"),
    (0xF2010B12, "VPADD_int"), (0xF2810002, "VADDL_VADDW"), (0xF2910902, "VQDMLAL_VQDMLSL"),
    (0xF2820404, "VADDHN"), (0xF291004A, "VMLA_VMLS_scalar"), (0xF3A10A62, "VMULL_scalar"),
    (0xF28D0011, "VSHR"), (0xF38000D2, "VSHR"), (0xF3940611, "VQSHL_imm"),
    (0xF2880812, "VSHRN"), (0xF3900A11, "VSHLL_VMOVL"), (0xF2B00F52, "VCVT_fixed"),
    (0xF2810052, "VMOV_VMVN_VORR_VBIC_imm"), (0xF2840C35, "VMOV_VMVN_VORR_VBIC_imm"),
]


@pytest.mark.parametrize("word,name", DECODES)
def test_decodes_in_both_instruction_sets(word, name):
    assert decode("A32", word).pattern.name == name
    assert decode("T32", t32_word(word)).pattern.name == name


def test_modified_immediate_is_clear_of_the_shifts():
    """L:imm6 = 0000xxx is A7.4.6, not a shift by immediate."""
    assert decode("A32", 0xF2800010).pattern.name == "VMOV_VMVN_VORR_VBIC_imm"
    assert decode("A32", 0xF2880010).pattern.name == "VSHR"


# -- A7.4.1 three registers of the same length ---------------------------------------------

@pytest.mark.parametrize("thumb", [False, True], ids=["A32", "T32"])
def test_vadd_i8_wraps_per_lane(thumb):
    c = run("vadd.i8 d0, d1, d2", thumb, dregs={1: pack("<8B", 0xFF, 0x80, 0x10, 0, 0, 0, 0, 0),
                                                 2: pack("<8B", 0x01, 0x80, 0x20, 0, 0, 0, 0, 0)})
    assert lanes_of(c, 0, "<8B")[:3] == (0, 0, 0x30)
    assert not c.fpscr & QC


def test_vadd_i64_q_register():
    c = run("vadd.i64 q0, q1, q2", dregs={2: 0xFFFFFFFFFFFFFFFF, 3: 5, 4: 2, 5: 7})
    assert (dval(c, 0), dval(c, 1)) == (1, 12)


def test_vqadd_s8_saturates_and_sets_qc():
    c = run("vqadd.s8 d0, d1, d2", dregs={1: pack("<8b", 100, -100, 1, 0, 0, 0, 0, 0),
                                           2: pack("<8b", 100, -100, 1, 0, 0, 0, 0, 0)})
    assert lanes_of(c, 0, "<8b")[:3] == (127, -128, 2)
    assert c.fpscr & QC


def test_vqadd_without_saturation_leaves_qc_as_it_was():
    c = run("vqadd.u16 d0, d1, d2", dregs={1: 0x0001, 2: 0x0002})
    assert dval(c, 0) == 3 and not c.fpscr & QC
    c = run("vqadd.u16 d0, d1, d2", dregs={1: 0x0001, 2: 0x0002}, fpscr=QC)
    assert c.fpscr & QC                # only VMSR clears it


def test_vbsl_selects_by_the_destination():
    c = run("vbsl d0, d1, d2", dregs={0: 0xFF00FF00FF00FF00, 1: 0x1111111111111111, 2: 0x2222222222222222})
    assert dval(c, 0) == 0x1122112211221122


def test_vshl_register_shifts_vm_by_the_signed_low_byte_of_vn():
    c = run("vshl.s16 d0, d2, d1", dregs={1: pack("<4h", 1, -2, 0x7F00, 16),
                                           2: pack("<4h", -8000, -8000, 5, 3)})
    # the values are Dm (d2), the counts the low bytes of Dn (d1): 1, -2, 0, 16
    assert lanes_of(c, 0, "<4h") == (-16000, -2000, 5, 0)


def test_vqdmulh_saturates_only_min_times_min():
    c = run("vqdmulh.s16 d0, d1, d2", dregs={1: pack("<4h", -32768, 16384, 0, 0),
                                              2: pack("<4h", -32768, 16384, 0, 0)})
    assert lanes_of(c, 0, "<4h")[:2] == (32767, 8192)
    assert c.fpscr & QC


def test_vpadd_adds_adjacent_pairs_of_dn_then_dm():
    c = run("vpadd.i16 d0, d1, d2", dregs={1: pack("<4H", 1, 2, 3, 4), 2: pack("<4H", 10, 20, 0xFFFF, 1)})
    assert lanes_of(c, 0, "<4H") == (3, 7, 30, 0)


def test_vmul_p8_is_carry_less():
    c = run("vmul.p8 d0, d1, d2", dregs={1: 0x03, 2: 0x03})
    assert dval(c, 0) & 0xFF == 0x05     # (x + 1)^2 = x^2 + 1


# -- A7.4.2 different lengths, A7.4.3 by scalar ----------------------------------------------

def test_vmull_p8_keeps_the_whole_product():
    c = run("vmull.p8 q0, d2, d3", dregs={2: 0xFF, 3: 0xFF})
    assert lanes_of(c, 0, "<8H")[0] == 0x5555


def test_vqdmlal_saturates_the_product_then_the_sum():
    c = run("vqdmlal.s16 q0, d2, d3", dregs={0: pack("<2i", 5, 0x7FFFFFFF), 1: 0,
                                               2: pack("<4h", -32768, 1, 0, 0),
                                               3: pack("<4h", -32768, 1, 0, 0)})
    assert lanes_of(c, 0, "<4i")[:2] == (0x7FFFFFFF, 0x7FFFFFFF)
    assert c.fpscr & QC


def test_vaddhn_keeps_the_high_halves():
    c = run("vaddhn.i16 d0, q1, q2", dregs={2: pack("<4H", 0x12FF, 0xFFFF, 0, 0), 3: 0,
                                             4: pack("<4H", 0x0001, 0x0001, 0, 0), 5: 0})
    assert lanes_of(c, 0, "<8B")[:2] == (0x13, 0x00)


def test_vmla_by_scalar_uses_one_lane_of_dm():
    c = run("vmla.i16 d0, d1, d2[3]", dregs={0: pack("<4H", 1, 1, 1, 1), 1: pack("<4H", 1, 2, 3, 4),
                                              2: pack("<4H", 0, 0, 0, 10)})
    assert lanes_of(c, 0, "<4H") == (11, 21, 31, 41)


# -- A7.4.4 shifts ----------------------------------------------------------------------------

def test_vshr_s16_by_the_element_size_leaves_the_sign():
    c = run("vshr.s16 d0, d1, #16", dregs={1: pack("<4h", -5, 5, -32768, 1)})
    assert lanes_of(c, 0, "<4h") == (-1, 0, -1, 0)


def test_vrshrn_rounds():
    c = run("vrshrn.i16 d0, q1, #4", dregs={2: pack("<4H", 0x18, 0x17, 0xFFF8, 0), 3: 0})
    assert lanes_of(c, 0, "<8B")[:3] == (2, 1, 0x00)


def test_vqshrun_clamps_negative_to_zero():
    c = run("vqshrun.s16 d0, q1, #1", dregs={2: pack("<4h", -4, 600, 20, 0), 3: 0})
    assert lanes_of(c, 0, "<8B")[:3] == (0, 255, 10)
    assert c.fpscr & QC


def test_vsri_keeps_the_top_bits_of_the_destination():
    c = run("vsri.8 d0, d1, #3", dregs={0: 0xFF, 1: 0x00})
    assert dval(c, 0) & 0xFF == 0xE0


def test_vmovl_s8_sign_extends():
    c = run("vmovl.s8 q0, d2", dregs={2: pack("<8b", -1, 2, -128, 0, 0, 0, 0, 0)})
    assert lanes_of(c, 0, "<8h")[:3] == (-1, 2, -128)


def test_vcvt_fixed_point_from_float():
    one_half = struct.unpack("<I", struct.pack("<f", 1.5))[0]
    c = run("vcvt.s32.f32 d0, d1, #1", dregs={1: one_half | 0xBF800000 << 32})      # 1.5, -1.0
    assert lanes_of(c, 0, "<2i") == (3, -2)


@pytest.mark.parametrize("src,d1,d2,want", [
    # 64-bit lanes run as signed doublewords (lanes.py): the results at the wrap
    ("vadd.i64 d0, d1, d2", 0x7FFFFFFFFFFFFFFF, 1, 0x8000000000000000),
    ("vadd.i64 d0, d1, d2", 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFE),
    ("vsub.i64 d0, d1, d2", 0x8000000000000000, 1, 0x7FFFFFFFFFFFFFFF),
    ("vshr.u64 d0, d1, #1", 0xFFFFFFFFFFFFFFFF, 0, 0x7FFFFFFFFFFFFFFF),
    ("vshr.u64 d0, d1, #64", 0xFFFFFFFFFFFFFFFF, 0, 0),
    ("vshl.i64 d0, d1, #63", 1, 0, 0x8000000000000000),
    ("vshl.i64 d0, d1, #4", 0xF800000000000001, 0, 0x8000000000000010),
    ("vrshr.u64 d0, d1, #64", 0x8000000000000000, 0, 1),
    ("vrshr.s64 d0, d1, #64", 0x8000000000000000, 0, 0),          # (-2^63 + 2^63) >> 64
    ("vrshr.s64 d0, d1, #1", 0xFFFFFFFFFFFFFFFF, 0, 0),           # (-1 + 1) >> 1
])
def test_doubleword_lanes_at_the_wrap(src, d1, d2, want):
    assert dval(run(src, dregs={1: d1, 2: d2}), 0) == want


# -- A7.4.6 modified immediate ------------------------------------------------------------

@pytest.mark.parametrize("src,before,after", [
    ("vmov.i32 d0, #0x12000000", 0, 0x1200000012000000),
    ("vmvn.i16 d0, #0x3400", 0, 0xCBFFCBFFCBFFCBFF),
    ("vorr.i32 d0, #0x45", 0x100, 0x0000004500000145),
    ("vbic.i16 d0, #0xff", 0x1234123412341234, 0x1200120012001200),
    ("vmov.i64 d0, #0xff00ff0000ff00ff", 0, 0xFF00FF0000FF00FF),
    ("vmov.f32 d0, #1.5", 0, 0x3FC000003FC00000),
])
def test_modified_immediate(src, before, after):
    assert dval(run(src, dregs={0: before}), 0) == after


# -- UNDEFINED -------------------------------------------------------------------------------

UNDEFINED = [
    (0xF2021844, "VADD.I8 Q with an odd Vd"),
    (0xF2020845, "VADD.I8 Q with an odd Vm"),
    (0xF2010B52, "VPADD with Q = 1"),
    (0xF2300B12, "VPADD size 11"),
    (0xF2010B02, "VQDMULH size 00"),
    (0xF3110912, "VMUL.P16"),
    (0xF2310912, "VMUL.I64"),
    (0xF3010B12, "A = 1011, U = 1, B = 1"),
    (0xF28F0611, "VQSHL (immediate) U = 0 op = 0"),
    (0xF3870F38, "VMOV (immediate) cmode 1111 op 1"),
    (0xF2880813, "VSHRN with an odd Vm"),
    (0xF2811C02, "VMULL with an odd Vd"),
    (0xF3810E02, "VMULL.P8 with U = 1"),
    (0xF2910E02, "VMULL.P16"),
    (0xF2810D02, "VQDMULL size 00"),
    (0xF281004A, "VMLA by scalar, size 00"),
    (0xF3921842, "VMLA by scalar Q with an odd Vd"),
    (0xF2900F52, "VCVT fixed with imm6 < 32"),
]


def takes_undef(word: int, thumb: bool) -> bool:
    code = (struct.pack("<HH", word >> 16, word & 0xFFFF) if thumb else struct.pack("<I", word))
    m = machine_at(code, thumb, None, SVC)
    c = m.cpu
    c.sys.vbar = VBAR
    c.sys.cpacr = 0xF << 20
    c.fpexc = 1 << 30
    m.run(until=VBAR + 4, max_insns=3)
    # LR_und is the instruction's address + 4 in A32, + 2 in T32 (B1.8.3)
    return c.mode == 0x1B and c.pc == VBAR + 4 and c.r[14] == CODE + (2 if thumb else 4)


@pytest.mark.parametrize("word,why", UNDEFINED, ids=[u[1] for u in UNDEFINED])
@pytest.mark.parametrize("thumb", [False, True], ids=["A32", "T32"])
def test_undefined_encodings(word, why, thumb):
    assert takes_undef(t32_word(word) if thumb else word, thumb)


def test_neon_needs_cp10_access():
    m, _ = neon_machine("vadd.i8 d0, d1, d2")
    m.cpu.sys.cpacr = 0
    m.run(until=VBAR + 4, max_insns=3)
    assert m.cpu.mode == 0x1B


# -- the lane helper -------------------------------------------------------------------------

def test_saturate_reports_clamping():
    assert L.saturate(128, 8, True) == (127, True)
    assert L.saturate(-1, 8, False) == (0, True)
    assert L.saturate(200, 8, False) == (200, False)


def test_lane_helper_emits_straight_line_code():
    """One unpack per source, one pack whose arguments are the expression
    once per lane: no comprehension, no star-arguments (lanes.py: PyPy)."""
    class E:
        def __init__(self):
            self.out = []

        def line(self, s):
            self.out.append(s)
    e = E()
    L.lanes(e, L.Vec(0, 32, False, 2), "x + y",
            [L.read(L.Vec(2, 32, False, 2)), L.read(L.Vec(4, 32, False, 2))])
    assert len(e.out) == 3 and " for " not in e.out[2] and "*" not in e.out[2]
    assert e.out[2].count("n_0[") == 4 and e.out[2].count("& 0xffffffff") == 4


@pytest.mark.parametrize("thumb", [False, True], ids=["A32", "T32"])
def test_the_same_encodings_when_valid_do_not_undef(thumb):
    for word in (0xF2020844, 0xF2010B12, 0xF2110B02, 0xF3870F18, 0xF2880812, 0xF2810C02):
        assert not takes_undef(t32_word(word) if thumb else word, thumb), hex(word)
