"""Advanced SIMD element and structure loads and stores, the 8/16-bit scalar
transfers and VDUP (core register) (ops/neon_ls.py), and CheckAdvSIMDEnabled
(vfp/regs.py): decoding, the memory order of every form, alignment faults,
writeback, UNDEFINED encodings and the access controls.  Expected values
are worked by hand from the ARM ARM's pseudocode (A8.8.320-A8.8.331,
A8.8.316, A8.8.341, A8.8.342, B1.11); the differential streams
(tests/differential/neon_templates_ls.py) compare every form with QEMU."""

import pytest

from pyxen15.cpu.decode import decode
from pyxen15.cpu.ops import neon_ls
from snippets import CODE, gnu_assemble, machine_at

VBAR, HVBAR = CODE + 0x2000, CODE + 0x3000
DATA = CODE + 0x8000
SVC, USR, HYP = 0x1D3, 0x1D0, 0x1DA
CPACR_FULL = 0xF << 20
FPEXC_EN = 1 << 30
PATTERN = bytes(range(1, 65))            # memory at DATA: 01 02 03 ... 40


def neon_machine(src, thumb=False, cpsr=SVC, regs=None, dregs=None, sys=None, enable=True):
    code = gnu_assemble(".fpu neon-vfpv4\n" + src, thumb)
    m = machine_at(code, thumb, regs, cpsr)
    c = m.cpu
    c.sys.vbar, c.sys.hvbar = VBAR, HVBAR
    if enable:
        c.sys.cpacr = CPACR_FULL
        c.fpexc = FPEXC_EN
    for name, value in (sys or {}).items():
        setattr(c.sys, name, value)
    for i, v in (dregs or {}).items():
        c.set_vfp_d(i, v)
    m.mem.write(DATA, PATTERN)
    return m, CODE + len(code)


def run(src, thumb=False, **kw):
    kw.setdefault("regs", {0: DATA})
    m, end = neon_machine(src, thumb, **kw)
    res = m.run(until=end, max_insns=100)
    assert res.reason == "until", (res.reason, hex(m.cpu.pc))
    return m


def run_to(src, vector, thumb=False, **kw):
    kw.setdefault("regs", {0: DATA})
    m, _end = neon_machine(src, thumb, **kw)
    m.run(until=vector, max_insns=10)
    return m.cpu


def le(data: bytes) -> int:
    return int.from_bytes(data, "little")


ISAS = pytest.mark.parametrize("thumb", [False, True], ids=["A32", "T32"])


# -- decoding ----------------------------------------------------------------------------

DECODES = [
    # A32 word, name; the T32 one is 1111 1001 for 1111 0100, 1110 for cond
    (0xF420070F, "VLDST_multiple"),     # vld1.8 {d0}, [r0]
    (0xF400070F, "VLDST_multiple"),     # vst1.8 {d0}, [r0]
    (0xF4A0000F, "VLDST_lane"),         # vld1.8 {d0[0]}, [r0]
    (0xF4A00C0F, "VLD_all_lanes"),      # vld1.8 {d0[]}, [r0]
    (0xF4800C0F, "VLDST_lane"),         # a store with size 11: UNDEFINED in the handler
    (0xEE401B10, "VMOV_core_scalar"),   # vmov.8 d0[0], r1
    (0xEE101B30, "VMOV_scalar_core"),   # vmov.s16 r1, d0[0]
    (0xEE800B10, "VDUP_core"),          # vdup.32 d0, r0
    (0xEE001B10, "VMOV_x_r"),           # vmov.32 d0[0], r1: VFP's
]


@pytest.mark.parametrize("word,name", DECODES, ids=["%s-%08x" % (n, w) for w, n in DECODES])
def test_decodes_in_both_instruction_sets(word, name):
    assert decode("A32", word).name == name
    t32 = (word & 0x00FFFFFF) | 0xF9000000 if word >> 24 == 0xF4 else (word & 0x0FFFFFFF) | 0xE0000000
    assert decode("T32", t32).name == name


def test_multiple_memory_order_follows_the_pseudocode():
    """VLD2.8 {d0, d2}, two registers per element (type 1001, inc 2):
    element e of D0 from 2e, of D2 from 2e+1 (A8.8.323)."""
    t = neon_ls.decode_multiple({"type": 0b1001, "size": 0, "align": 0, "D": 0, "vd": 0,
                                 "rn": 0})
    assert t.slots[:4] == [(0, 0), (2, 0), (0, 1), (2, 1)] and t.nbytes == 16
    # VLD2.16 {d0-d3} (type 0011): D0/D2 from the first 16 bytes, then D1/D3
    t = neon_ls.decode_multiple({"type": 0b0011, "size": 1, "align": 0, "D": 0, "vd": 0,
                                 "rn": 0})
    assert t.slots[:2] == [(0, 0), (2, 0)] and t.slots[8:10] == [(1, 0), (3, 0)]


# -- loads and stores through translated code ----------------------------------------------

LOADS = [
    # source, {D register: expected value}
    ("vld1.8 {d1}, [r0]", {1: le(PATTERN[:8])}),
    ("vld1.64 {d1, d2, d3, d4}, [r0]", {1 + k: le(PATTERN[8 * k:8 * k + 8]) for k in range(4)}),
    ("vld1.32 {d30, d31}, [r0:128]", {30: le(PATTERN[:8]), 31: le(PATTERN[8:16])}),
    # de-interleave: even bytes to d0, odd to d1
    ("vld2.8 {d0, d1}, [r0]", {0: le(PATTERN[0:16:2]), 1: le(PATTERN[1:16:2])}),
    ("vld3.16 {d0, d2, d4}, [r0]", {
        0: le(b"".join(PATTERN[6 * e:6 * e + 2] for e in range(4))),
        2: le(b"".join(PATTERN[6 * e + 2:6 * e + 4] for e in range(4))),
        4: le(b"".join(PATTERN[6 * e + 4:6 * e + 6] for e in range(4)))}),
    ("vld4.32 {d0, d1, d2, d3}, [r0:256]", {
        k: le(PATTERN[4 * k:4 * k + 4] + PATTERN[16 + 4 * k:20 + 4 * k]) for k in range(4)}),
    # one lane: the rest of the register keeps its value (ones)
    ("vld1.16 {d5[2]}, [r0:16]", {5: 0xFFFF0201FFFFFFFF}),
    ("vld2.32 {d5[1], d7[1]}, [r0]", {5: 0x04030201FFFFFFFF, 7: 0x08070605FFFFFFFF}),
    ("vld4.8 {d0[7], d1[7], d2[7], d3[7]}, [r0:32]", {
        k: (k + 1) << 56 | 0x00FFFFFFFFFFFFFF for k in range(4)}),
    # all lanes: the element replicated
    ("vld1.8 {d5[], d6[]}, [r0]", {5: 0x0101010101010101, 6: 0x0101010101010101}),
    ("vld3.16 {d1[], d3[], d5[]}, [r0]", {1: 0x0201020102010201, 3: 0x0403040304030403,
                                           5: 0x0605060506050605}),
    ("vld4.32 {d0[], d1[], d2[], d3[]}, [r0:128]", {
        k: le(PATTERN[4 * k:4 * k + 4]) * 0x100000001 for k in range(4)}),
]


@ISAS
@pytest.mark.parametrize("src,want", LOADS, ids=[s for s, _ in LOADS])
def test_loads(src, want, thumb):
    m = run(src, thumb, dregs={i: (1 << 64) - 1 for i in range(32)})
    got = {i: m.cpu.vfp_d(i) for i in want}
    assert got == want


@ISAS
@pytest.mark.parametrize("src,want", LOADS, ids=[s for s, _ in LOADS])
def test_stores_are_the_inverse_of_the_loads(src, want, thumb):
    """The same form as a store writes back the bytes the load read; a
    multiple-structure store is every byte, a lane store only its own."""
    if "[]" in src:
        return                                 # all lanes: loads only
    store = src.replace("vld", "vst")
    m = run("%s\n%s" % (src, store.replace("r0", "r1")), thumb,
            regs={0: DATA, 1: DATA + 0x100}, dregs={i: (1 << 64) - 1 for i in range(32)})
    n = sum(1 for _ in want) if "[" in src.split("}")[0] else None
    wrote = m.mem.read(DATA + 0x100, 32)
    if n is None:
        total = 8 * len(want)
        assert wrote[:total] == PATTERN[:total]
    else:
        size = {"8": 1, "16": 2, "32": 4}[src.split(".")[1].split()[0]]
        assert wrote[:n * size] == PATTERN[:n * size]


@ISAS
@pytest.mark.parametrize("src,regs,r0", [
    ("vld1.8 {d0, d1}, [r0]", {}, DATA),             # no writeback (Rm = 15)
    ("vld1.8 {d0, d1}, [r0]!", {}, DATA + 16),       # by the transfer size (Rm = 13)
    ("vld1.8 {d0, d1}, [r0], r2", {2: 0xFFFFFFFC}, DATA - 4),   # by Rm
    ("vst3.8 {d0[1], d1[1], d2[1]}, [r0]!", {}, DATA + 3),
    ("vld4.16 {d0[], d1[], d2[], d3[]}, [r0]!", {}, DATA + 8),
])
def test_writeback(src, regs, r0, thumb):
    m = run(src, thumb, regs={**regs, 0: DATA})
    assert m.cpu.r[0] == r0


@ISAS
def test_sp_as_base_with_writeback(thumb):
    m = run("vst1.32 {d0}, [sp]!", thumb, regs={13: DATA + 0x40}, dregs={0: 0x1122334455667788})
    assert m.cpu.r[13] == DATA + 0x48 and m.mem.read(DATA + 0x40, 8) == bytes.fromhex("8877665544332211")


def took(c, vector) -> bool:
    return c.pc == vector


@ISAS
@pytest.mark.parametrize("src,addr", [
    ("vld1.8 {d0, d1}, [r0:128]", DATA + 8),              # multiple: a 16-byte hint
    ("vst1.64 {d0, d1, d2, d3}, [r0:256]", DATA + 16),
    ("vld4.8 {d0[1], d1[1], d2[1], d3[1]}, [r0:32]", DATA + 2),
    ("vld1.32 {d0[]}, [r0:32]", DATA + 2),
    ("vst2.32 {d0[0], d1[0]}, [r0:64]", DATA + 4),
])
def test_unaligned_address_with_a_hint_is_an_alignment_fault(src, addr, thumb):
    """An address not aligned to the hint (but to the elements): a Data Abort
    with DFSR = alignment fault; the registers and the base are unchanged
    (precise abort)."""
    c = run_to(src + "!", VBAR + 0x10, thumb, regs={0: addr}, dregs={0: 7})
    assert took(c, VBAR + 0x10) and c.mode == 0x17
    assert c.sys.dfsr & 0x40F == 0x001 and c.sys.dfar == addr
    assert c.r[0] == addr and c.vfp_d(0) == 7


def test_store_into_translated_code_page_goes_through_the_slow_path():
    """A VST1 into the page that holds the running code: no fast path
    (wget has no such page); the bytes land and the block is dropped."""
    m = run("vst1.8 {d0}, [r0]\nnop\nnop", regs={0: CODE + 0x100},
            dregs={0: 0x0807060504030201})
    assert m.mem.read(CODE + 0x100, 8) == bytes(range(1, 9))


# -- UNDEFINED and UNPREDICTABLE -------------------------------------------------------------

@pytest.mark.parametrize("word", [
    0xF4200B0F,      # multiple, type 1011: unallocated
    0xF42008CF,      # vld2 size 11
    0xF420073F,      # vld1 one register with align<1> = 1
    0xF4200A3F,      # vld1 two registers, align 11
    0xF420042F,      # vld3 align<1> = 1
    0xF4800C0F,      # vst1 single lane, size 11
    0xF4A0001F,      # vld1 lane, 8-bit with index_align<0> = 1
    0xF4A0082F,      # vld1 lane, 32-bit with index_align<1:0> = 10
    0xF4A00C1F,      # vld1 all lanes, 8-bit with a = 1
    0xF4A00ECF,      # vld3 all lanes, size 11
    0xF4A00EDF,      # vld3 all lanes, a = 1
    0xF4A00FCF,      # vld4 all lanes, size 11 a = 0
    0xF42F070F,      # Rn = PC: UNPREDICTABLE (UNDEFINED here, as QEMU)
])
def test_undefined_forms(word):
    m = machine_at(word.to_bytes(4, "little"), False, {0: DATA})
    c = m.cpu
    c.sys.vbar = VBAR
    c.sys.cpacr = CPACR_FULL
    c.fpexc = FPEXC_EN
    m.run(until=VBAR + 4, max_insns=2)
    assert c.pc == VBAR + 4 and c.mode == 0x1B


def test_register_list_past_d31_is_unpredictable():
    """vld1.8 {d30-d33}: d+regs > 32 (UNDEFINED here, as QEMU)."""
    word = 0xF420020F | 1 << 22 | 14 << 12           # D=1 Vd=14: d30, four registers
    m = machine_at(word.to_bytes(4, "little"), False, {0: DATA})
    c = m.cpu
    c.sys.vbar, c.sys.cpacr, c.fpexc = VBAR, CPACR_FULL, FPEXC_EN
    m.run(until=VBAR + 4, max_insns=2)
    assert c.pc == VBAR + 4


# -- transfers ------------------------------------------------------------------------------------

@ISAS
@pytest.mark.parametrize("src,regs,want_d,want_r", [
    ("vmov.8 d3[5], r1", {1: 0x1234ABCD}, {3: 0x0000CD0000000000}, {}),
    ("vmov.16 d3[3], r1", {1: 0x1234ABCD}, {3: 0xABCD000000000000}, {}),
    ("vmov.s8 r2, d4[7]", {}, {}, {2: 0xFFFFFF80}),
    ("vmov.u8 r2, d4[7]", {}, {}, {2: 0x80}),
    ("vmov.s16 r2, d4[1]", {}, {}, {2: 0xFFFF8765}),
    ("vmov.u16 r2, d4[1]", {}, {}, {2: 0x8765}),
    ("vdup.8 d5, r1", {1: 0x1234ABCD}, {5: 0xCDCDCDCDCDCDCDCD}, {}),
    ("vdup.16 q8, r1", {1: 0x1234ABCD}, {16: 0xABCDABCDABCDABCD, 17: 0xABCDABCDABCDABCD}, {}),
    ("vdup.32 d31, r1", {1: 0x1234ABCD}, {31: 0x1234ABCD1234ABCD}, {}),
])
def test_transfers(src, regs, want_d, want_r, thumb):
    m = run(src, thumb, regs=regs, dregs={3: 0, 4: 0x8000000087654321, 5: 0, 16: 0, 17: 0,
                                          31: 0})
    assert {i: m.cpu.vfp_d(i) for i in want_d} == want_d
    assert {i: m.cpu.r[i] for i in want_r} == want_r


@pytest.mark.parametrize("word", [
    0xEE201B50,      # vmov core->scalar opc1:opc2 = 0x10: UNDEFINED
    0xEEB01B10,      # vmov.u32 r1, d0[1]: U with 32 bits
    0xEEE00B30,      # vdup with B:E = 11
    0xEEA10B10,      # vdup.32 q, Vd odd
])
def test_undefined_transfers(word):
    m = machine_at(word.to_bytes(4, "little"), False, {})
    c = m.cpu
    c.sys.vbar, c.sys.cpacr, c.fpexc = VBAR, CPACR_FULL, FPEXC_EN
    m.run(until=VBAR + 4, max_insns=2)
    assert c.pc == VBAR + 4 and c.mode == 0x1B


def test_vfp_register_copies_are_dropped_after_a_neon_write():
    """vadd.f64 keeps D0 in a local of the block; a VLD1 into D0 in the same
    block must be seen by the next VFP read of D0 (DATA + 0x100 holds 2.0)."""
    one, two = 0x3FF0000000000000, 0x4000000000000000
    m, end = neon_machine("vadd.f64 d1, d0, d0\nvld1.64 {d0}, [r0]\nvadd.f64 d2, d0, d0",
                          regs={0: DATA + 0x100}, dregs={0: one})
    m.mem.write(DATA + 0x100, two.to_bytes(8, "little"))
    assert m.run(until=end, max_insns=10).reason == "until"
    assert m.cpu.vfp_d(1) == two and m.cpu.vfp_d(2) == 0x4010000000000000


# -- access control (CheckAdvSIMDEnabled, B1.11) ---------------------------------------------------

def took_undef(c) -> bool:
    return c.mode == 0x1B and c.pc == VBAR + 4


@pytest.mark.parametrize("src", ["vld1.8 {d0}, [r0]", "vdup.8 d0, r0", "vmov.u8 r1, d0[1]"])
def test_cpacr_asedis_makes_advanced_simd_undefined_but_not_vfp(src):
    c = run_to("vmov.f64 d1, #1.0\n" + src, VBAR + 4, sys={"cpacr": CPACR_FULL | 1 << 31})
    assert took_undef(c) and c.r[14] == CODE + 8 and c.vfp_d(1) == 0x3FF0000000000000


def test_cpacr_asedis_does_not_stop_vfp_or_the_32_bit_scalar_moves():
    m = run("vmov.32 d0[1], r0\nvadd.f64 d1, d1, d1", sys={"cpacr": CPACR_FULL | 1 << 31})
    assert m.cpu.vfp_d(0) >> 32 == DATA


def test_fpexc_en_clear_makes_advanced_simd_undefined():
    c = run_to("vld1.8 {d0}, [r0]", VBAR + 4, enable=False, sys={"cpacr": CPACR_FULL})
    assert took_undef(c)


def test_hcptr_tase_traps_to_hyp_with_ta_set():
    """HSR.EC = 0x07, IL, CV = 1, COND = AL, TA = 1, coproc 0 (B3.13.6)."""
    c = run_to("vld1.8 {d0}, [r0]", HVBAR + 0x14, sys={"hcptr": 0x33FF | 1 << 15})
    assert c.mode == 0x1A and c.elr_hyp == CODE
    assert c.sys.hsr == (0x07 << 26 | 1 << 25 | 1 << 24 | 0xE << 20 | 1 << 5)


def test_hcptr_tase_leaves_vfp_alone():
    m = run("vadd.f64 d1, d1, d1", sys={"hcptr": 0x33FF | 1 << 15})
    assert m.cpu.mode == 0x13


def test_hcptr_tcp10_traps_advanced_simd_as_a_vfp_access():
    c = run_to("vdup.16 d0, r0", HVBAR + 0x14, sys={"hcptr": 0x33FF | 1 << 10 | 1 << 15})
    assert c.sys.hsr == (0x07 << 26 | 1 << 25 | 1 << 24 | 0xE << 20 | 0xA)


def test_hcptr_tase_in_hyp_mode_is_undefined():
    c = run_to("vld1.8 {d0}, [r0]", HVBAR + 4, cpsr=HYP, sys={"hcptr": 0x33FF | 1 << 15})
    assert c.mode == 0x1A and c.sys.hsr >> 26 == 0


def test_d32dis_makes_d16_to_d31_undefined_for_advanced_simd():
    c = run_to("vld1.8 {d1}, [r0]\nvld1.8 {d16}, [r0]", VBAR + 4,
               sys={"cpacr": CPACR_FULL | 1 << 30})
    assert took_undef(c) and c.r[14] == CODE + 8


def test_user_mode_with_pl1_only_access_is_undefined():
    c = run_to("vld1.8 {d0}, [r0]", VBAR + 4, cpsr=USR, sys={"cpacr": 0x5 << 20})
    assert took_undef(c)


def test_access_check_is_made_again_after_the_controls_change():
    """The check is one flag of the core (simd_open): a block already
    translated sees CPACR.ASEDIS set after it was."""
    m, end = neon_machine("vld1.8 {d0}, [r0]", regs={0: DATA})
    c = m.cpu
    assert m.run(until=end, max_insns=10).reason == "until" and c.simd_open
    c.sys.cpacr = CPACR_FULL | 1 << 31
    assert not c.simd_open
    c.pc = CODE
    m.run(until=VBAR + 4, max_insns=3)
    assert took_undef(c)


@pytest.mark.parametrize("src,want", [
    ("vld1.16 {d0}, [r0]", 0x0708050603040102),           # each halfword big-endian
    ("vld1.64 {d0}, [r0]", 0x0102030405060708),
    ("vld1.32 {d0[1]}, [r0]", 0x01020304 << 32),
])
def test_big_endian_data_swaps_within_each_element(src, want):
    """CPSR.E = 1 (SETEND BE): MemU of an element is big-endian, so the bytes
    swap within each element, not within the register (A2.6.3)."""
    m = run("setend be\n%s\nsetend le" % src, dregs={0: 0})
    assert m.cpu.vfp_d(0) == want


def test_big_endian_store_is_the_inverse():
    m = run("setend be\nvst1.16 {d0}, [r1]\nsetend le", regs={1: DATA + 0x100},
            dregs={0: 0x0708050603040102})
    assert m.mem.read(DATA + 0x100, 8) == PATTERN[:8]


def test_element_access_reaches_a_device():
    """An element load goes through the bus like LDR: V2M SYS_ID (0x1C010000)."""
    m = run("ldr r2, [r0]\nvld1.32 {d0[0]}, [r0]\nvmov.32 r3, d0[0]", regs={0: 0x1C010000})
    assert m.cpu.r[3] == m.cpu.r[2] != 0
