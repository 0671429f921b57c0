"""Loads and stores: addressing modes, writeback, PC loads, LDM/STM, exclusives,
alignment faults (ARM ARM A8.8, A3.2.1, A3.4, B9.3).

Memory starts filled with a byte pattern; the expected values of loads are
read from that pattern by the little helpers below (plain Python, not the
emulator), and every other expected value is worked by hand from the
pseudocode: each row's name says what it shows.
"""

import pytest

from snippets import CODE, gnu_assemble, normal_memory
from pyxen15.cpu.decode import decode
from pyxen15.machine import Machine

DATA = 0x80100000                 # 256 bytes of PATTERN
PATTERN = bytes((i * 0x1D + 0x83) & 0xFF for i in range(256))
STACK = 0x80200000
VECTORS = CODE + 0x1000           # VBAR for the fault tests
RAM_END = 0x81000000              # Machine(ram_size=16 MiB): nothing decodes above


def W(off: int) -> int:
    return int.from_bytes(PATTERN[off:off + 4], "little")


def H(off: int) -> int:
    return int.from_bytes(PATTERN[off:off + 2], "little")


def B(off: int) -> int:
    return PATTERN[off]


def SH(off: int) -> int:
    v = H(off)
    return v - 0x10000 & 0xFFFFFFFF if v & 0x8000 else v


def SB(off: int) -> int:
    v = B(off)
    return v - 0x100 & 0xFFFFFFFF if v & 0x80 else v


# Encodings whose decoding rests on nesting in the tables (the more specific
# pattern wins): (ISA, encoding, pattern name)
DECODES = [
    ("A32", 0xE4B10004, "LDRT_i"),          # P=0 W=1 inside LDR_i
    ("A32", 0xE0F100B2, "LDRHT_i"),         # inside LDRH_i
    ("A32", 0xE8FD8001, "LDM_eret"),        # ldmfd sp!, {r0, pc}^
    ("A32", 0xE8D00300, "LDM_usr"),         # ldmia r0, {r8, r9}^
    ("A32", 0xE1B12F9F, "LDREXD"),
    ("A32", 0xF57FF01F, "CLREX"),
    ("T32", 0xF8510E04, "T32_LDRT"),        # 1110 inside the imm8 form
    ("T32", 0xF85F0040, "T32_LDR_neg"),     # literal, subtracted offset, no other form
    ("T32", 0xF8DF0040, "T32_LDR_i12"),     # literal, added offset
    ("T32", 0xE8D0F001, "T32_TBB"),         # not an exclusive
    ("T32", 0xE8D10F4F, "T32_LDREXB"),
    ("T32", 0xE8BD8FF0, "T32_LDM"),         # pop.w {r4-r11, pc}
    ("T32", 0xF3BF8F2F, "T32_CLREX"),
    ("T16", 0xBD10, "T16_POP"),
    ("T16", 0xB510, "T16_PUSH"),
]


@pytest.mark.parametrize("isa, word, name", DECODES, ids=["%s_%x" % (c[0], c[1]) for c in DECODES])
def test_decodes_to(isa, word, name):
    assert decode(isa, word).name == name


class Run:
    """Assemble `src`, load it at CODE and PATTERN at DATA, set registers, run
    to the end of the code (or `until`)."""

    def __init__(self, src: str, thumb: bool = False, regs=None, cpsr: int = 0x1D3,
                 until=None, setup=None, max_insns: int = 1000):
        code = gnu_assemble(src, thumb)
        self.m = m = Machine(ram_size=16 << 20)
        m.mem.write(CODE, code)
        m.mem.write(DATA, PATTERN)
        m.cpu.set_cpsr(cpsr | (0x20 if thumb else 0))
        m.cpu.r[13] = STACK
        for i, v in (regs or {}).items():
            m.cpu.r[i] = v
        m.cpu.sys.vbar = VECTORS
        # Normal memory, where unaligned accesses are allowed unless SCTLR.A
        normal_memory(m.cpu)
        if setup is not None:
            setup(m)
        m.cpu.pc = CODE
        self.end = CODE + len(code)
        self.result = m.run(until=self.end if until is None else until, max_insns=max_insns)

    @property
    def r(self):
        return self.m.cpu.r

    @property
    def cpu(self):
        return self.m.cpu

    def word(self, addr: int) -> int:
        return int.from_bytes(self.m.mem.read(addr, 4), "little")

    def mem(self, addr: int, size: int) -> bytes:
        return self.m.mem.read(addr, size)


def check_regs(run: Run, expect) -> None:
    assert run.result.reason == "until", run.result
    for i, v in expect.items():
        assert run.r[i] == v, "r%d = 0x%x, want 0x%x" % (i, run.r[i], v)


# -- single registers: (name, source, registers, expected registers) ---------------------

A32_LOADS = [
    ("ldr_imm_offset", "ldr r0, [r1, #8]", {1: DATA}, {0: W(8), 1: DATA}),
    ("ldr_negative_imm", "ldr r0, [r1, #-8]", {1: DATA + 16}, {0: W(8), 1: DATA + 16}),
    ("ldr_pre_indexed_writes_back", "ldr r0, [r1, #12]!", {1: DATA}, {0: W(12), 1: DATA + 12}),
    ("ldr_post_indexed_uses_base", "ldr r0, [r1], #-4", {1: DATA + 8}, {0: W(8), 1: DATA + 4}),
    ("ldr_reg_offset", "ldr r0, [r1, r2]", {1: DATA, 2: 20}, {0: W(20)}),
    ("ldr_reg_lsl", "ldr r0, [r1, r2, lsl #3]", {1: DATA, 2: 3}, {0: W(24)}),
    ("ldr_reg_lsr", "ldr r0, [r1, r2, lsr #4]", {1: DATA, 2: 0x100}, {0: W(16)}),
    ("ldr_reg_asr_negative_sub", "ldr r0, [r1, -r2, asr #1]", {1: DATA + 64, 2: 0xFFFFFFF0}, {0: W(72)}),
    ("ldr_reg_asr32_is_sign", "ldr r0, [r1, r2, asr #32]", {1: DATA + 4, 2: 0x80000000}, {0: W(3)}),
    ("ldr_reg_ror", "ldr r0, [r1, r2, ror #4]", {1: DATA, 2: 0x20}, {0: W(2)}),
    # RRX with C set: offset 0x80000004, subtracted from a base 0x80000004 above DATA
    ("ldr_reg_rrx_uses_carry", "cmp r0, r0\nldr r0, [r1, -r2, rrx]",
     {1: (DATA + 0x80000004) & 0xFFFFFFFF, 2: 8}, {0: W(0)}),
    ("ldr_reg_pre_writeback", "ldr r0, [r1, -r2]!", {1: DATA + 40, 2: 8}, {0: W(32), 1: DATA + 32}),
    ("ldr_reg_post_writeback", "ldr r0, [r1], r2, lsl #2", {1: DATA + 4, 2: 3}, {0: W(4), 1: DATA + 16}),
    ("ldr_post_rt_is_rm_offset_reads_old", "ldr r2, [r1], r2", {1: DATA + 4, 2: 8}, {2: W(4), 1: DATA + 12}),
    ("ldr_unaligned_is_little_endian_bytes", "ldr r0, [r1, #1]", {1: DATA}, {0: W(1)}),
    ("ldrb", "ldrb r0, [r1, #5]", {1: DATA}, {0: B(5)}),
    ("ldrb_reg_pre", "ldrb r0, [r1, r2]!", {1: DATA, 2: 7}, {0: B(7), 1: DATA + 7}),
    ("ldrh", "ldrh r0, [r1, #6]", {1: DATA}, {0: H(6)}),
    ("ldrh_unaligned", "ldrh r0, [r1, #3]", {1: DATA}, {0: H(3)}),
    ("ldrh_reg_post", "ldrh r0, [r1], -r2", {1: DATA + 8, 2: 4}, {0: H(8), 1: DATA + 4}),
    ("ldrsb_negative", "ldrsb r0, [r1, #0]", {1: DATA}, {0: SB(0)}),
    ("ldrsb_positive", "ldrsb r0, [r1, #1]", {1: DATA}, {0: SB(1)}),
    ("ldrsh_negative", "ldrsh r0, [r1, #10]", {1: DATA}, {0: SH(10)}),
    ("ldrsh_pre", "ldrsh r0, [r1, #-2]!", {1: DATA + 6}, {0: SH(4), 1: DATA + 4}),
    ("ldrd_imm", "ldrd r2, r3, [r1, #8]", {1: DATA}, {2: W(8), 3: W(12)}),
    ("ldrd_word_aligned_is_enough", "ldrd r2, r3, [r1, #4]", {1: DATA}, {2: W(4), 3: W(8)}),
    ("ldrd_reg_post", "ldrd r4, r5, [r1], r2", {1: DATA + 16, 2: 8}, {4: W(16), 5: W(20), 1: DATA + 24}),
    ("ldrd_pre_negative", "ldrd r4, r5, [r1, #-8]!", {1: DATA + 16}, {4: W(8), 5: W(12), 1: DATA + 8}),
    ("ldrt_post", "ldrt r0, [r1], #4", {1: DATA + 4}, {0: W(4), 1: DATA + 8}),
    ("ldrbt_reg", "ldrbt r0, [r1], -r2", {1: DATA + 9, 2: 1}, {0: B(9), 1: DATA + 8}),
    ("ldrht", "ldrht r0, [r1], #2", {1: DATA + 2}, {0: H(2), 1: DATA + 4}),
    ("ldrsbt", "ldrsbt r0, [r1], #1", {1: DATA}, {0: SB(0), 1: DATA + 1}),
    ("ldrsht_reg", "ldrsht r0, [r1], r2", {1: DATA + 10, 2: 2}, {0: SH(10), 1: DATA + 12}),
    ("ldr_loaded_value_wins_over_writeback", "ldr r1, [r1, #4]!", {1: DATA}, {1: W(4)}),
    ("conditional_load_skipped", "cmp r0, r0\nldrne r0, [r1]", {0: 7, 1: DATA}, {0: 7}),
]


T32_LOADS = [
    # 16-bit encodings
    ("t16_ldr_imm5_scaled", "ldr r0, [r1, #12]", {1: DATA}, {0: W(12)}),
    ("t16_ldr_reg", "ldr r0, [r1, r2]", {1: DATA, 2: 8}, {0: W(8)}),
    ("t16_ldrb_imm", "ldrb r0, [r1, #31]", {1: DATA}, {0: B(31)}),
    ("t16_ldrh_imm_scaled", "ldrh r0, [r1, #62]", {1: DATA}, {0: H(62)}),
    ("t16_ldrsb_reg", "ldrsb r0, [r1, r2]", {1: DATA, 2: 0}, {0: SB(0)}),
    ("t16_ldrsh_reg", "ldrsh r0, [r1, r2]", {1: DATA, 2: 10}, {0: SH(10)}),
    ("t16_ldr_sp_relative", "ldr r0, [sp, #1020]", {13: DATA - 1020 + 16}, {0: W(16)}),
    # 32-bit encodings
    ("t32_ldr_imm12", "ldr.w r0, [r1, #0xfc]", {1: DATA}, {0: W(0xFC)}),
    ("t32_ldr_imm8_negative", "ldr r0, [r1, #-12]", {1: DATA + 20}, {0: W(8)}),
    ("t32_ldr_pre_writeback", "ldr r0, [r1, #4]!", {1: DATA}, {0: W(4), 1: DATA + 4}),
    ("t32_ldr_post_writeback", "ldr r0, [r1], #-8", {1: DATA + 8}, {0: W(8), 1: DATA}),
    ("t32_ldr_reg_lsl", "ldr.w r0, [r1, r2, lsl #3]", {1: DATA, 2: 2}, {0: W(16)}),
    ("t32_ldrt", "ldrt r0, [r1, #8]", {1: DATA}, {0: W(8), 1: DATA}),
    ("t32_ldrb_imm12", "ldrb.w r0, [r1, #200]", {1: DATA}, {0: B(200)}),
    ("t32_ldrb_post", "ldrb r0, [r1], #1", {1: DATA + 3}, {0: B(3), 1: DATA + 4}),
    ("t32_ldrh_pre_negative", "ldrh r0, [r1, #-2]!", {1: DATA + 8}, {0: H(6), 1: DATA + 6}),
    ("t32_ldrsb_imm12", "ldrsb.w r0, [r1, #4]", {1: DATA}, {0: SB(4)}),
    ("t32_ldrsh_imm8_negative", "ldrsh.w r0, [r1, #-6]", {1: DATA + 16}, {0: SH(10)}),
    ("t32_ldrsh_reg", "ldrsh.w r0, [r1, r2, lsl #1]", {1: DATA, 2: 5}, {0: SH(10)}),
    ("t32_ldrsbt", "ldrsbt r0, [r1, #2]", {1: DATA}, {0: SB(2)}),
    ("t32_ldrht", "ldrht r0, [r1, #2]", {1: DATA}, {0: H(2)}),
    ("t32_ldrd_imm", "ldrd r2, r3, [r1, #8]", {1: DATA}, {2: W(8), 3: W(12)}),
    ("t32_ldrd_post", "ldrd r2, r4, [r1], #-16", {1: DATA + 16}, {2: W(16), 4: W(20), 1: DATA}),
    ("t32_ldrd_pre", "ldrd r2, r4, [r1, #16]!", {1: DATA}, {2: W(16), 4: W(20), 1: DATA + 16}),
    ("t32_pld_is_a_hint", "pld [r1, #4]", {1: 0}, {1: 0}),
    ("t32_conditional_in_it", "cmp r0, r0\nite ne\nldrne r0, [r1]\nldreq r2, [r1]", {0: 7, 1: DATA},
     {0: 7, 2: W(0)}),
]


@pytest.mark.parametrize("name, src, regs, expect", A32_LOADS, ids=[c[0] for c in A32_LOADS])
def test_a32_load(name, src, regs, expect):
    check_regs(Run(src, regs=regs), expect)


@pytest.mark.parametrize("name, src, regs, expect", T32_LOADS, ids=[c[0] for c in T32_LOADS])
def test_t32_load(name, src, regs, expect):
    check_regs(Run(src, thumb=True, regs=regs), expect)


# -- literal loads: the value sits in the code, at Align(PC, 4) +/- offset ----------------------

LIT = 0x5EED1234


def test_a32_literal_backwards_and_forwards():
    src = """
        b 1f
    before: .word 0x5eed1234
    1:  ldr r0, before
        ldr r1, after
        b 2f
    after: .word 0xcafef00d
    2:
    """
    check_regs(Run(src), {0: LIT, 1: 0xCAFEF00D})


@pytest.mark.parametrize("insn", ["ldr r0, lit", "ldr.w r0, lit", "ldrh.w r0, lit", "ldrsb.w r0, lit"])
def test_t32_literal_uses_aligned_pc(insn):
    """Halfword-aligned and word-aligned instruction addresses read the same
    literal: the base is Align(PC, 4)."""
    for pad in ("", "nop\n"):
        src = pad + insn + "\nb 1f\n.align 2\nlit: .word 0x5eed8485\n1:"
        value = {"ldrh.w": 0x8485, "ldrsb.w": 0xFFFFFF85}.get(insn.split()[0], 0x5EED8485)
        check_regs(Run(src, thumb=True), {0: value})


# Rn = PC with the offset subtracted (U=0): every bit pattern of imm12 is
# the literal form, whatever the non-literal form with those bits would be.
T32_NEGATIVE_LITERALS = [
    ("neg_catch_all", 0x041),    # bits 11:6 = 000001: no non-literal form
    ("imm8_form", 0xC05),        # bits 11:8 = 1100: as the imm8 P=1 U=0 W=0 form
    ("unpriv_form", 0xE03),      # 1110: as LDRT
    ("reg_form", 0x012),         # 000000 ii mmmm: as the register form
]


@pytest.mark.parametrize("name, imm12", T32_NEGATIVE_LITERALS, ids=[c[0] for c in T32_NEGATIVE_LITERALS])
def test_t32_literal_with_subtracted_offset(name, imm12):
    # ldr.w r0, [pc, #-imm12], at CODE + 0x1000 so the address is in RAM
    hw1, hw2 = 0xF85F, imm12
    pad = ".space 0x1000\n"
    src = "b.w 1f\n" + pad + "1: .hword 0x%04x, 0x%04x\n" % (hw1, hw2)
    run = Run(src, thumb=True, setup=lambda m: m.mem.write(
        ((CODE + 4 + 0x1000 + 4) & ~3) - imm12, (0x13579BDF).to_bytes(4, "little")))
    check_regs(run, {0: 0x13579BDF})


@pytest.mark.parametrize("hw2", [0xF041, 0xFC05, 0xF012])
def test_t32_pld_literal_with_subtracted_offset_is_a_hint(hw2):
    """pld [pc, #-imm12]: the byte-load encodings with Rt = PC do nothing."""
    run = Run(".hword 0xf81f, 0x%04x\nmovs r0, #1" % hw2, thumb=True)
    check_regs(run, {0: 1})
    assert run.cpu.mode == 0x13


def test_t32_store_with_pc_base_is_undefined():
    run = Run(".hword 0xf8cf, 0x0004", thumb=True, until=VECTORS + 4)     # str.w r0, [pc, #4]
    assert run.result.reason == "until" and run.cpu.mode == 0x1B


# -- stores: (name, source, registers, expected registers, address, expected bytes) ----------

STORES = [
    ("str_imm", False, "str r0, [r1, #4]", {0: 0x11223344, 1: DATA}, {1: DATA}, DATA + 4, "44332211"),
    ("str_pre_wb", False, "str r0, [r1, #-4]!", {0: 0x11223344, 1: DATA + 8}, {1: DATA + 4}, DATA + 4, "44332211"),
    ("str_post_wb", False, "str r0, [r1], #8", {0: 0x11223344, 1: DATA}, {1: DATA + 8}, DATA, "44332211"),
    ("str_reg_shift", False, "str r0, [r1, r2, lsl #2]", {0: 0xA1B2C3D4, 1: DATA, 2: 2}, {}, DATA + 8, "d4c3b2a1"),
    ("str_unaligned", False, "str r0, [r1, #1]", {0: 0x11223344, 1: DATA}, {}, DATA + 1, "44332211"),
    ("str_wb_rt_is_rn_stores_old_base", False, "str r1, [r1, #4]!", {1: DATA}, {1: DATA + 4}, DATA + 4,
     DATA.to_bytes(4, "little").hex()),
    ("str_pc_stores_plus_8", False, "str pc, [r1]", {1: DATA}, {}, DATA, (CODE + 8).to_bytes(4, "little").hex()),
    ("strb_keeps_low_byte", False, "strb r0, [r1, #3]", {0: 0x11223344, 1: DATA}, {}, DATA + 2,
     "%02x44%02x" % (B(2), B(4))),
    ("strh", False, "strh r0, [r1, #2]", {0: 0x11223344, 1: DATA}, {}, DATA + 2, "4433"),
    ("strh_reg_post", False, "strh r0, [r1], -r2", {0: 0xBEEF, 1: DATA + 8, 2: 2}, {1: DATA + 6}, DATA + 8, "efbe"),
    ("strd", False, "strd r2, r3, [r1, #8]", {1: DATA, 2: 0x11111111, 3: 0x22222222}, {}, DATA + 8,
     "1111111122222222"),
    ("strd_reg_pre", False, "strd r2, r3, [r1, -r4]!", {1: DATA + 16, 2: 1, 3: 2, 4: 8}, {1: DATA + 8},
     DATA + 8, "0100000002000000"),
    ("strt", False, "strt r0, [r1], #4", {0: 0x01020304, 1: DATA}, {1: DATA + 4}, DATA, "04030201"),
    ("strbt", False, "strbt r0, [r1], #1", {0: 0x1FF, 1: DATA}, {1: DATA + 1}, DATA, "ff"),
    ("strht", False, "strht r0, [r1], #2", {0: 0x12345, 1: DATA}, {1: DATA + 2}, DATA, "4523"),
    ("push_single_is_str", False, "push {r0}", {0: 0xABCD, 13: DATA + 8}, {13: DATA + 4}, DATA + 4, "cdab0000"),
    ("t16_str_imm", True, "str r0, [r1, #124]", {0: 0x11223344, 1: DATA}, {}, DATA + 124, "44332211"),
    ("t16_strb_reg", True, "strb r0, [r1, r2]", {0: 0x99, 1: DATA, 2: 9}, {}, DATA + 9, "99"),
    ("t16_strh_imm", True, "strh r0, [r1, #6]", {0: 0x7788, 1: DATA}, {}, DATA + 6, "8877"),
    ("t16_str_sp", True, "str r0, [sp, #8]", {0: 0x55, 13: DATA}, {}, DATA + 8, "55000000"),
    ("t32_str_imm12", True, "str.w r0, [r1, #0x80]", {0: 0x66, 1: DATA}, {}, DATA + 0x80, "66000000"),
    ("t32_str_pre_wb", True, "str r0, [r1, #-4]!", {0: 0x77, 1: DATA + 8}, {1: DATA + 4}, DATA + 4, "77000000"),
    ("t32_strb_post", True, "strb r0, [r1], #3", {0: 0x1AB, 1: DATA}, {1: DATA + 3}, DATA, "ab"),
    ("t32_strh_reg", True, "strh.w r0, [r1, r2, lsl #1]", {0: 0xCDEF, 1: DATA, 2: 3}, {}, DATA + 6, "efcd"),
    ("t32_strt", True, "strt r0, [r1, #4]", {0: 0x12, 1: DATA}, {1: DATA}, DATA + 4, "12000000"),
    ("t32_strd_post", True, "strd r2, r3, [r1], #8", {1: DATA, 2: 3, 3: 4}, {1: DATA + 8}, DATA, "0300000004000000"),
]


@pytest.mark.parametrize("name, thumb, src, regs, expect, addr, data", STORES, ids=[c[0] for c in STORES])
def test_store(name, thumb, src, regs, expect, addr, data):
    run = Run(src, thumb=thumb, regs=regs)
    check_regs(run, expect)
    assert run.mem(addr, len(data) // 2).hex() == data


# -- loads into the PC: LoadWritePC interworks (A2.3.2) ----------------------------------------

THUMB_TARGET = CODE + 0x101       # odd: Thumb
ARM_TARGET = CODE + 0x200


def _store_words(addr, *words):
    def setup(m):
        m.mem.write(addr, b"".join(w.to_bytes(4, "little") for w in words))
    return setup


PC_LOADS = [
    ("a32_ldr_pc_to_thumb", False, "ldr pc, [r1]", {1: DATA + 0x80}, DATA + 0x80, [THUMB_TARGET],
     THUMB_TARGET - 1, 1, {}),
    ("a32_pop_pc_single", False, "ldr pc, [sp], #4", {13: DATA + 0x80}, DATA + 0x80, [ARM_TARGET],
     ARM_TARGET, 0, {13: DATA + 0x84}),
    ("a32_ldm_pc_to_thumb", False, "ldmia sp!, {r4, pc}", {13: DATA + 0x80}, DATA + 0x80, [7, THUMB_TARGET],
     THUMB_TARGET - 1, 1, {4: 7, 13: DATA + 0x88}),
    ("t16_pop_pc_to_arm", True, "pop {r4, pc}", {13: DATA + 0x80}, DATA + 0x80, [9, ARM_TARGET],
     ARM_TARGET, 0, {4: 9, 13: DATA + 0x88}),
    ("t32_pop_w_pc", True, "pop.w {r4, r5, pc}", {13: DATA + 0x80}, DATA + 0x80, [1, 2, THUMB_TARGET],
     THUMB_TARGET - 1, 1, {4: 1, 5: 2, 13: DATA + 0x8C}),
    ("t32_ldr_pc_post", True, "ldr pc, [sp], #4", {13: DATA + 0x80}, DATA + 0x80, [ARM_TARGET],
     ARM_TARGET, 0, {13: DATA + 0x84}),
    ("t32_ldr_pc_reg", True, "ldr.w pc, [r1, r2, lsl #2]", {1: DATA + 0x80, 2: 1}, DATA + 0x84, [THUMB_TARGET],
     THUMB_TARGET - 1, 1, {}),
]


@pytest.mark.parametrize("name, thumb, src, regs, addr, words, target, t, expect", PC_LOADS,
                         ids=[c[0] for c in PC_LOADS])
def test_load_into_pc(name, thumb, src, regs, addr, words, target, t, expect):
    run = Run(src, thumb=thumb, regs=regs, until=target, setup=_store_words(addr, *words))
    check_regs(run, expect)
    assert run.cpu.pc == target and run.cpu.T == t


def test_t32_ldr_pc_inside_it_block_must_be_last():
    # ldreq.w pc, [r1] as the first of two: GNU as rightly refuses to assemble it
    run = Run("cmp r0, r0\nitt eq\n.hword 0xf8d1, 0xf000\nmoveq r0, r0", thumb=True, regs={1: DATA},
              until=VECTORS + 4)
    assert run.result.reason == "until" and run.cpu.mode == 0x1B


# -- LDM/STM -------------------------------------------------------------------------------------

# (name, source, base, expected lowest address, expected new base or None)
BLOCK_MODES = [
    ("stmia", "stmia r0, {r1, r2, r3}", DATA + 0x40, DATA + 0x40, None),
    ("stmia_wb", "stmia r0!, {r1, r2, r3}", DATA + 0x40, DATA + 0x40, DATA + 0x4C),
    ("stmib_wb", "stmib r0!, {r1, r2, r3}", DATA + 0x40, DATA + 0x44, DATA + 0x4C),
    ("stmda_wb", "stmda r0!, {r1, r2, r3}", DATA + 0x40, DATA + 0x38, DATA + 0x34),
    ("stmdb_wb", "stmdb r0!, {r1, r2, r3}", DATA + 0x40, DATA + 0x34, DATA + 0x34),
    ("stmdb", "stmdb r0, {r1, r2, r3}", DATA + 0x40, DATA + 0x34, None),
]


@pytest.mark.parametrize("name, src, base, low, new_base", BLOCK_MODES, ids=[c[0] for c in BLOCK_MODES])
def test_a32_stm_modes(name, src, base, low, new_base):
    run = Run(src, regs={0: base, 1: 0x11, 2: 0x22, 3: 0x33})
    check_regs(run, {0: base if new_base is None else new_base})
    assert [run.word(low + 4 * i) for i in range(3)] == [0x11, 0x22, 0x33]
    # nothing outside the three words changed
    assert run.word(low - 4) == W(low - 4 - DATA) and run.word(low + 12) == W(low + 12 - DATA)


@pytest.mark.parametrize("name, src, base, low, new_base", BLOCK_MODES, ids=[c[0] for c in BLOCK_MODES])
def test_a32_ldm_modes(name, src, base, low, new_base):
    src = src.replace("stm", "ldm")
    run = Run(src, regs={0: base})
    off = low - DATA
    check_regs(run, {0: base if new_base is None else new_base, 1: W(off), 2: W(off + 4), 3: W(off + 8)})


BLOCK_CASES = [
    # (name, thumb, source, registers, expected registers, (address, words) or None)
    ("stm_base_in_list_lowest_stores_original", False, "stmia r1!, {r1, r2}", {1: DATA, 2: 5},
     {1: DATA + 8}, (DATA, [DATA, 5])),
    ("stm_pc_stores_plus_8", False, "stmia r1, {r0, pc}", {0: 1, 1: DATA}, {}, (DATA, [1, CODE + 8])),
    ("ldm_base_in_list_no_wb_loads_it", False, "ldmia r1, {r0, r1, r2}", {1: DATA},
     {0: W(0), 1: W(4), 2: W(8)}, None),
    ("ldm_wb_base_in_list_loaded_value_wins", False, "ldmia r1!, {r0, r1}", {1: DATA},
     {0: W(0), 1: W(4)}, None),
    ("ldm_all_low_regs_and_lr", False, "ldmia r0, {r0-r12, lr}", {0: DATA},
     dict([(i, W(4 * i)) for i in range(13)] + [(14, W(52))]), None),
    ("t16_ldm_wb_when_base_not_in_list", True, "ldm r0!, {r1, r2}", {0: DATA}, {0: DATA + 8, 1: W(0), 2: W(4)}, None),
    ("t16_ldm_no_wb_when_base_in_list", True, "ldm r0, {r0, r1}", {0: DATA}, {0: W(0), 1: W(4)}, None),
    ("t16_stm_wb", True, "stm r0!, {r1, r2}", {0: DATA, 1: 1, 2: 2}, {0: DATA + 8}, (DATA, [1, 2])),
    ("t16_push_lr", True, "push {r1, r2, lr}", {1: 1, 2: 2, 14: 0xE, 13: DATA + 12}, {13: DATA},
     (DATA, [1, 2, 0xE])),
    ("t16_pop_low", True, "pop {r1, r2}", {13: DATA}, {13: DATA + 8, 1: W(0), 2: W(4)}, None),
    ("t32_stmdb_wb", True, "stmdb r0!, {r1, r2, lr}", {0: DATA + 12, 1: 1, 2: 2, 14: 3}, {0: DATA},
     (DATA, [1, 2, 3])),
    ("t32_ldmdb", True, "ldmdb r0, {r1, r2, r3}", {0: DATA + 12}, {0: DATA + 12, 1: W(0), 2: W(4), 3: W(8)}, None),
    ("t32_ldmia_wb", True, "ldmia.w r0!, {r1, r2, r8}", {0: DATA}, {0: DATA + 12, 1: W(0), 2: W(4), 8: W(8)}, None),
    ("t32_push_w", True, "push.w {r4-r11}", {i: i for i in range(4, 12)}, {13: STACK - 32},
     (STACK - 32, list(range(4, 12)))),
]


@pytest.mark.parametrize("name, thumb, src, regs, expect, memory", BLOCK_CASES, ids=[c[0] for c in BLOCK_CASES])
def test_block_transfer(name, thumb, src, regs, expect, memory):
    run = Run(src, thumb=thumb, regs=regs)
    check_regs(run, expect)
    if memory is not None:
        addr, words = memory
        assert [run.word(addr + 4 * i) for i in range(len(words))] == words


def test_ldm_costs_one_plus_one_per_register():
    run = Run("ldmia r0, {r1-r4}", regs={0: DATA})
    assert run.m.cycles == 1 + 4


def test_load_costs_load_to_use_latency_and_store_one():
    assert Run("ldr r1, [r0]", regs={0: DATA}).m.cycles == 4
    assert Run("str r1, [r0]", regs={0: DATA}).m.cycles == 1


# -- the ^ forms: User registers and exception return (B9.3) -----------------------------------

def test_stm_user_registers_stores_user_bank():
    def setup(m):
        m.cpu.set_reg("sp_usr", 0x5151)
        m.cpu.set_reg("lr_usr", 0x1414)
    run = Run("stmia r0, {r1, r13, r14}^", regs={0: DATA, 1: 1, 14: 0xAAAA}, setup=setup)
    check_regs(run, {0: DATA, 13: STACK, 14: 0xAAAA})      # the SVC registers are untouched
    assert [run.word(DATA + 4 * i) for i in range(3)] == [1, 0x5151, 0x1414]


def test_ldm_user_registers_loads_user_bank():
    run = Run("ldmia r0, {r1, r13, r14}^", regs={0: DATA, 14: 0xAAAA})
    check_regs(run, {1: W(0), 13: STACK, 14: 0xAAAA})
    assert run.cpu.reg("sp_usr") == W(4) and run.cpu.reg("lr_usr") == W(8)


def test_ldm_user_registers_from_fiq_mode_uses_user_r8():
    run = Run("ldmia r0, {r8, r9}^", regs={0: DATA}, cpsr=0x1D1)
    check_regs(run, {8: 0, 9: 0})                            # FIQ's r8, r9 untouched
    assert run.cpu.reg("r8_usr") == W(0) and run.cpu.reg("r9_usr") == W(4)


def test_ldm_user_registers_with_low_base_in_list():
    run = Run("ldmia r0, {r0, r8}^", regs={0: DATA})
    check_regs(run, {0: W(0), 8: W(4)})                     # SVC shares r8 with User
    assert run.cpu.reg("r8_usr") == W(4)


def test_ldm_exception_return_restores_cpsr_from_spsr():
    spsr = 0x80000030                          # N set, Thumb, User mode
    target = CODE + 0x301

    def setup(m):
        m.cpu.spsr = spsr
        _store_words(DATA, 0x1234, target)(m)
    run = Run("ldmia r0!, {r1, pc}^", regs={0: DATA}, until=target - 1, setup=setup)
    assert run.result.reason == "until"
    assert run.cpu.get_cpsr() == spsr and run.r[1] == 0x1234
    assert run.cpu.reg("r0") == DATA + 8       # written back before the mode change


def test_ldm_exception_return_is_undefined_in_hyp():
    run = Run("ldmia r0, {r1, pc}^", regs={0: DATA}, cpsr=0x1DA, until=VECTORS + 4,
              setup=lambda m: setattr(m.cpu.sys, "hvbar", VECTORS))
    assert run.result.reason == "until"
    assert run.cpu.mode == 0x1A and run.cpu.sys.hsr >> 26 == 0 and run.r[1] == 0


UNDEFINED_CHOICES = [
    # UNPREDICTABLE encodings that take the Undefined Instruction exception
    ("a32_ldm_empty_list", False, ".word 0xe8900000"),             # ldmia r0, {}
    ("a32_ldm_pc_base", False, ".word 0xe89f0006"),                # ldmia pc, {r1, r2}
    ("a32_ldrd_odd_rt", False, ".word 0xe1c010d0"),                # ldrd r1, r2, [r0]
    ("a32_ldr_literal_writeback", False, ".word 0xe5bf0004"),      # ldr r0, [pc, #4]!
    ("a32_ldrb_into_pc", False, ".word 0xe5d0f000"),               # ldrb pc, [r0]
    ("t32_ldm_pc_and_lr", True, ".hword 0xe8b0, 0xc006"),          # ldmia r0!, {r1, r2, lr, pc}
    ("t32_ldr_imm8_p0_w0", True, ".hword 0xf850, 0x0804"),         # P=0 W=0: UNDEFINED
    ("t32_strex_rd_is_rt", True, ".hword 0xe841, 0x0000"),         # strex r0, r0, [r1]
]


@pytest.mark.parametrize("name, thumb, src", UNDEFINED_CHOICES, ids=[c[0] for c in UNDEFINED_CHOICES])
def test_unpredictable_encodings_are_undefined(name, thumb, src):
    run = Run(src, thumb=thumb, regs={0: DATA, 1: DATA}, until=VECTORS + 4)
    assert run.result.reason == "until" and run.cpu.mode == 0x1B
    assert run.r[14] == CODE + (2 if thumb else 4)


LITERAL_PAIRS = [
    ("a32_ldrd_literal", False, "ldrd r2, r3, lit\nb 1f\n.align 3\nlit: .word 0x11111111, 0x22222222\n1:"),
    ("t32_ldrd_literal", True, "nop\nldrd r2, r3, lit\nb 1f\n.align 3\nlit: .word 0x11111111, 0x22222222\n1:"),
    ("a32_ldrh_literal", False, "ldrh r2, lit\nb 1f\nlit: .word 0x22221111\n1:"),
]


@pytest.mark.parametrize("name, thumb, src", LITERAL_PAIRS, ids=[c[0] for c in LITERAL_PAIRS])
def test_other_literal_loads(name, thumb, src):
    run = Run(src, thumb=thumb)
    check_regs(run, {2: 0x11111111, 3: 0x22222222} if "ldrd" in name else {2: 0x1111})


# -- exclusives (A3.4) ---------------------------------------------------------------------------

EXCLUSIVES = [
    # (name, thumb, source, registers, expected registers, (address, expected words) or None)
    ("strex_after_ldrex_succeeds", False, "ldrex r1, [r0]\nstrex r2, r3, [r0]", {0: DATA, 3: 0x77},
     {1: W(0), 2: 0}, (DATA, [0x77])),
    ("strex_without_ldrex_fails", False, "strex r2, r3, [r0]", {0: DATA, 3: 0x77}, {2: 1}, (DATA, [W(0)])),
    ("strex_to_other_address_fails", False, "ldrex r1, [r0]\nstrex r2, r3, [r4]",
     {0: DATA, 3: 0x77, 4: DATA + 4}, {2: 1}, (DATA + 4, [W(4)])),
    ("second_strex_fails", False, "ldrex r1, [r0]\nstrex r2, r3, [r0]\nstrex r4, r5, [r0]",
     {0: DATA, 3: 0x77, 5: 0x55}, {2: 0, 4: 1}, (DATA, [0x77])),
    ("clrex_opens_the_monitor", False, "ldrex r1, [r0]\nclrex\nstrex r2, r3, [r0]", {0: DATA, 3: 0x77},
     {2: 1}, (DATA, [W(0)])),
    ("ldrexb_strexb", False, "ldrexb r1, [r0]\nstrexb r2, r3, [r0]", {0: DATA + 1, 3: 0x1AB},
     {1: B(1), 2: 0}, (DATA, [W(0) & 0xFFFF00FF | 0xAB00])),
    ("ldrexh_strexh", False, "ldrexh r1, [r0]\nstrexh r2, r3, [r0]", {0: DATA + 2, 3: 0x1ABCD},
     {1: H(2), 2: 0}, (DATA, [W(0) & 0xFFFF | 0xABCD0000])),
    ("ldrexd_strexd", False, "ldrexd r4, r5, [r0]\nstrexd r2, r6, r7, [r0]", {0: DATA + 8, 6: 6, 7: 7},
     {4: W(8), 5: W(12), 2: 0}, (DATA + 8, [6, 7])),
    ("t32_ldrex_offset", True, "ldrex r1, [r0, #8]\nadds r0, #8\nstrex r2, r3, [r0]", {0: DATA, 3: 3},
     {1: W(8), 2: 0}, (DATA + 8, [3])),
    ("t32_strex_offset_must_match", True, "ldrex r1, [r0]\nstrex r2, r3, [r0, #4]", {0: DATA, 3: 3},
     {2: 1}, (DATA + 4, [W(4)])),
    ("t32_ldrexd_strexd", True, "ldrexd r4, r5, [r0]\nstrexd r2, r6, r7, [r0]", {0: DATA, 6: 6, 7: 7},
     {4: W(0), 5: W(4), 2: 0}, (DATA, [6, 7])),
    ("t32_clrex", True, "ldrexh r1, [r0]\nclrex\nstrexh r2, r3, [r0]", {0: DATA, 3: 3}, {2: 1}, (DATA, [W(0)])),
]


@pytest.mark.parametrize("name, thumb, src, regs, expect, memory", EXCLUSIVES, ids=[c[0] for c in EXCLUSIVES])
def test_exclusive(name, thumb, src, regs, expect, memory):
    run = Run(src, thumb=thumb, regs=regs)
    check_regs(run, expect)
    addr, words = memory
    assert [run.word(addr + 4 * i) for i in range(len(words))] == words


# -- alignment and other Data Aborts: taken precisely, registers as they were (B1.9.8) --------

def _abort(run, addr, write, fs=0x1):
    """Abort mode at the Data Abort vector, LR = faulting instruction + 8,
    DFSR/DFAR describing the access."""
    assert run.result.reason == "until", run.result
    cpu = run.cpu
    assert cpu.get_cpsr() & 0x1F == 0x17
    assert cpu.pc == VECTORS + 0x10
    assert cpu.sys.dfar == addr
    assert cpu.sys.dfsr & 0x40F == fs
    assert bool(cpu.sys.dfsr & (1 << 11)) == write


ALIGNMENT_FAULTS = [
    # (name, thumb, source, registers, faulting address, write); the last instruction faults
    ("ldrd_not_word_aligned", False, "ldrd r2, r3, [r0]", {0: DATA + 2}, DATA + 2, False),
    ("strd_not_word_aligned", False, "strd r2, r3, [r0, #1]", {0: DATA}, DATA + 1, True),
    ("ldm_unaligned", False, "ldmia r0!, {r1, r2}", {0: DATA + 1}, DATA + 1, False),
    ("stm_unaligned", False, "stmdb r0!, {r1, r2}", {0: DATA + 10}, DATA + 2, True),
    ("ldrex_unaligned", False, "ldrex r1, [r0]", {0: DATA + 2}, DATA + 2, False),
    ("ldrexh_odd", False, "ldrexh r1, [r0]", {0: DATA + 1}, DATA + 1, False),
    ("ldrexd_needs_doubleword", False, "ldrexd r2, r3, [r0]", {0: DATA + 4}, DATA + 4, False),
    ("strex_unaligned_faults_even_if_monitor_fails", False, "strex r1, r2, [r0]", {0: DATA + 1}, DATA + 1, True),
    ("strexd_needs_doubleword", False, "strexd r1, r2, r3, [r0]", {0: DATA + 4}, DATA + 4, True),
    ("t16_push_unaligned_sp", True, "push {r1, r2}", {13: DATA + 6}, DATA - 2, True),
    ("t32_ldrd_unaligned", True, "ldrd r2, r3, [r0, #4]", {0: DATA + 1}, DATA + 5, False),
]


@pytest.mark.parametrize("name, thumb, src, regs, addr, write", ALIGNMENT_FAULTS, ids=[c[0] for c in ALIGNMENT_FAULTS])
def test_alignment_fault(name, thumb, src, regs, addr, write):
    before = {i: regs.get(i, 0) for i in range(13)}
    run = Run(src, thumb=thumb, regs=regs, until=VECTORS + 0x10)
    _abort(run, addr, write)
    size = 2 if src.startswith("push") else 4
    assert run.r[14] == run.end - size + 8
    for i in range(13):
        assert run.r[i] == before[i], "r%d changed" % i


def test_ldrd_abort_on_second_word_leaves_registers_and_base():
    """The first word is the last one in RAM; the second has nothing behind it."""
    run = Run("ldrd r2, r3, [r0, #8]!", regs={0: RAM_END - 12, 2: 2, 3: 3}, until=VECTORS + 0x10)
    _abort(run, RAM_END, False, fs=0x8)
    assert (run.r[0], run.r[2], run.r[3]) == (RAM_END - 12, 2, 3)
    assert run.r[14] == CODE + 8


def test_ldm_abort_restores_base_and_pc():
    run = Run("ldmia r0!, {r1, r2, pc}", regs={0: RAM_END - 8}, until=VECTORS + 0x10)
    _abort(run, RAM_END, False, fs=0x8)
    assert run.r[0] == RAM_END - 8 and run.r[14] == CODE + 8


def test_stm_abort_leaves_base():
    run = Run("stmia r0!, {r1, r2}", regs={0: RAM_END - 4, 1: 1}, until=VECTORS + 0x10)
    _abort(run, RAM_END, True, fs=0x8)
    assert run.r[0] == RAM_END - 4


# -- SWP/SWPB: UNDEFINED unless SCTLR.SW (B4.1.130) ---------------------------------------------

def test_swp_is_undefined_while_sctlr_sw_is_clear():
    run = Run("swp r0, r1, [r2]", regs={1: 5, 2: DATA}, until=VECTORS + 4)
    assert run.result.reason == "until" and run.cpu.mode == 0x1B
    assert run.word(DATA) == W(0)


def _enable_swp(m):
    m.cpu.sys.sctlr |= 1 << 10


@pytest.mark.parametrize("src, old, new", [
    ("swp r0, r1, [r2]", W(0), 0x12345678),
    ("swpb r0, r1, [r2]", B(0), W(0) & ~0xFF | 0x78),
])
def test_swp_swaps_with_sctlr_sw_set(src, old, new):
    run = Run(src, regs={1: 0x12345678, 2: DATA}, setup=_enable_swp)
    check_regs(run, {0: old, 1: 0x12345678})
    assert run.word(DATA) == new


def test_swp_same_register_swaps():
    run = Run("swp r1, r1, [r2]", regs={1: 0xAB, 2: DATA}, setup=_enable_swp)
    check_regs(run, {1: W(0)})
    assert run.word(DATA) == 0xAB
