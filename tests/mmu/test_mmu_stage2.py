"""Stage 2 (B3.6, VTCR/VTTBR), the combination with stage 1, and the
data-abort syndromes a hypervisor reads (B3.13.6)."""

import pytest

from mmu_helpers import (CODE, DATA, SVC, VECTORS, fault_of, lpae_attrs, lpae_identity, lpae_on,
                         machine, run, s2_attrs, short_identity, short_on, stage2_identity,
                         stage2_on, writer)
from pyxen15.cpu.syndrome import Dabt, Iabt, decode
from pyxen15.mmu_lpae import faults as F
from pyxen15.mmu_lpae.tables import LpaeTables

IPA = 0x40000000
HYPTRAP = VECTORS + 0x14


def _two_stages(m, s1="lpae"):
    w = writer(m)
    t1 = lpae_identity(m, w) if s1 == "lpae" else short_identity(m, w)
    t2 = stage2_identity(m, w)
    return w, t1, t2


def test_stage2_maps_the_ipa_and_takes_the_more_restrictive_attributes():
    m = machine()
    w, t1, t2 = _two_stages(m)
    t1.block_2m(IPA, IPA, lpae_attrs(0))
    t2.page(IPA + 0x3000, DATA + 0x7000, s2_attrs(0x1))          # Device at stage 2
    lpae_on(m, t1)
    stage2_on(m, t2)
    m.cpu.update_context()
    mp = m.cpu.tlb.mmu.translate(IPA + 0x3010, False, False, False, False)
    assert mp.pa == DATA + 0x7010 and mp.device and mp.sh == 2


@pytest.mark.parametrize("src, thumb, isv, sas, sse, srt, wnr, il", [
    ("ldr r5, [r1]", False, 1, 2, 0, 5, 0, 1),
    ("strb r3, [r1, #1]", False, 1, 0, 0, 3, 1, 1),
    ("ldrsh r7, [r1, r2]", False, 1, 1, 1, 7, 0, 1),
    ("ldr r4, [r1], #4", False, 0, 0, 0, 0, 0, 0),       # writeback: no syndrome
    ("ldrt r4, [r1]", False, 0, 0, 0, 0, 0, 0),           # A32 LDRT writes back
    ("ldrd r4, r5, [r1]", False, 0, 0, 0, 0, 0, 0),       # two registers: no syndrome
    ("ldrh r2, [r1]", True, 1, 1, 0, 2, 0, 0),            # T16: IL = 0
    ("ldrsb.w r9, [r1, #3]", True, 1, 0, 1, 9, 0, 1),
    ("ldrbt r6, [r1, #2]", True, 1, 0, 0, 6, 0, 1),       # T32 LDRBT: no writeback
    ("str.w r8, [r1, #-4]", True, 1, 2, 0, 8, 1, 1),
])
def test_a_stage2_fault_gives_the_instruction_syndrome(src, thumb, isv, sas, sse, srt, wnr, il):
    """A load or store of one register to an IPA stage 2 does not map: HSR
    (EC 0x24) holds ISV, SAS, SSE, SRT, WnR and a level-3 translation
    fault; HDFAR the VA, HPFAR the IPA's page."""
    m = machine()
    w, t1, t2 = _two_stages(m)
    t1.block_2m(IPA, IPA, lpae_attrs(0, ap=1))       # PL0 too, for the T forms
    t2.page(IPA + 0x4000, DATA, s2_attrs())          # a level-3 table around IPA, page 0 invalid
    lpae_on(m, t1)
    stage2_on(m, t2)
    r = run(m, src, regs={1: IPA + 4, 2: 0}, thumb=thumb, until=HYPTRAP)
    assert r.reason == "until"
    syn = decode(m.cpu.sys.hsr)
    assert isinstance(syn, Dabt) and syn.ec == 0x24
    assert (syn.isv, syn.sas, syn.sse, syn.srt, syn.wnr, syn.il) == (isv, sas, sse, srt, wnr, il)
    assert syn.dfsc == 0b000111 and syn.s1ptw == 0
    va = IPA + 4 + {"strb r3, [r1, #1]": 1, "ldrsb.w r9, [r1, #3]": 3, "ldrbt r6, [r1, #2]": 2,
                    "str.w r8, [r1, #-4]": -4}.get(src, 0)
    assert m.cpu.sys.hdfar == va and m.cpu.sys.hpfar == (IPA >> 8)
    assert m.cpu.elr_hyp == CODE


def test_s2ap_read_only_is_a_stage2_permission_fault():
    m = machine()
    w, t1, t2 = _two_stages(m)
    t1.block_2m(IPA, IPA, lpae_attrs(0))
    t2.page(IPA, DATA, s2_attrs(s2ap=1))
    lpae_on(m, t1)
    stage2_on(m, t2)
    run(m, "ldr r0, [r1]\nstr r0, [r1]", regs={1: IPA}, until=HYPTRAP)
    syn = decode(m.cpu.sys.hsr)
    assert (syn.dfsc, syn.wnr, syn.isv, syn.srt) == (0b001111, 1, 1, 0)
    assert m.cpu.elr_hyp == CODE + 4


def test_a_stage2_fault_on_a_stage1_walk_sets_s1ptw():
    """Stage 1 tables at an IPA stage 2 leaves unmapped: S1PTW = 1, no
    instruction syndrome, HPFAR the table's IPA."""
    m = machine()
    w, t1, t2 = _two_stages(m, s1="short")
    t1.first_level(IPA, 0x40100000 | 1)             # a second-level table at IPA 0x40100000
    lpae_on_short = short_on
    lpae_on_short(m, t1)
    stage2_on(m, t2)
    t2.raw(2, 0x40000000, 0)                        # IPA 0x40000000-0x401FFFFF: invalid
    w.flush()
    m.cpu.tlb.flush()
    run(m, "ldr r0, [r1]", regs={1: IPA + 0x20}, until=HYPTRAP)
    syn = decode(m.cpu.sys.hsr)
    assert (syn.s1ptw, syn.isv, syn.dfsc) == (1, 0, 0b000110)
    assert m.cpu.sys.hpfar == (0x40100000 >> 8) and m.cpu.sys.hdfar == IPA + 0x20


def test_hcr_ptw_faults_walks_into_stage2_device_memory():
    m = machine()
    w, t1, t2 = _two_stages(m, s1="short")
    short_on(m, t1)
    stage2_on(m, t2)
    t2.block_2m(TABLE_IPA := t1.root & ~0x1FFFFF, TABLE_IPA, s2_attrs(0x1))   # tables as Device
    w.flush()
    m.cpu.tlb.flush()
    assert fault_of(m, DATA) == DATA                # allowed without HCR.PTW
    m.cpu.sys.write("HCR", m.cpu.sys.hcr | (1 << 2))
    f = fault_of(m, DATA)
    assert (f.kind, f.stage, f.s1ptw) == (F.PERMISSION, 2, True)


def test_concatenated_first_level_tables_for_a_40_bit_ipa():
    """VTCR.T0SZ = -8 (40-bit IPAs), SL0 = 1: two concatenated level-1
    tables (1024 entries, 8 KiB aligned) indexed by IPA[39:30]."""
    m = machine()
    w = writer(m)
    t1 = lpae_identity(m, w)
    t1.block_2m(IPA, 0x80_0000_0000 & 0, lpae_attrs(0))    # placeholder, replaced below
    root = w.alloc(0x2000, 0x2000)
    for a in range(root, root + 0x2000, 4):
        w.word(a, 0)
    # IPA 0xC0_0000_0000 (entry 768) -> a 1 GB block at PA 0x80000000; RAM (entry 2) flat
    w.dword(root + 8 * 768, 0x80000000 | s2_attrs() | 1)
    w.dword(root + 8 * 2, 0x80000000 | s2_attrs() | 1)
    t1.block_2m(IPA, 0xC0_0000_0000, lpae_attrs(0))

    lpae_on(m, t1)
    w.flush()
    s = m.cpu.sys
    s.write("VTCR", 0x8 | (1 << 4) | (1 << 6) | (1 << 31))
    s.write("VTTBR", root | (1 << 48))
    s.write("HCR", s.hcr | 1)
    assert m.cpu.tlb.translate(IPA + 0x1234, False, False, False) == 0x80001234
    # SL0 = 0 (level 2) cannot reach a 40-bit IPA: stage-2 level-1 translation fault
    s.write("VTCR", 0x8 | (1 << 4) | (1 << 31))
    f = fault_of(m, IPA)
    assert (f.kind, f.level, f.stage) == (F.TRANSLATION, 1, 2)


def test_a_prefetch_from_unmapped_ipa_is_a_stage2_prefetch_abort():
    m = machine()
    w, t1, t2 = _two_stages(m)
    t1.block_2m(IPA, IPA, lpae_attrs(0))
    lpae_on(m, t1)
    stage2_on(m, t2)
    t2.raw(2, IPA, 0)
    w.flush()
    m.cpu.tlb.flush()
    run(m, "bx r1", regs={1: IPA + 8}, until=HYPTRAP)
    syn = decode(m.cpu.sys.hsr)
    assert isinstance(syn, Iabt) and syn.ec == 0x20 and syn.ifsc == 0b000110
    assert m.cpu.sys.hifar == IPA + 8 and m.cpu.sys.hpfar == IPA >> 8


def test_ats12nsopr_and_the_stage1_only_ats1cpr():
    m = machine()
    w, t1, t2 = _two_stages(m)
    t1.page(IPA, 0x40200000, lpae_attrs(2))          # Normal NC
    t2.page(0x40200000, DATA, s2_attrs())
    lpae_on(m, t1)
    stage2_on(m, t2)
    m.cpu.set_cpsr(0x1DA)
    run(m, "mcr p15, 0, r1, c7, c8, 4\nisb\nmrrc p15, 0, r2, r3, c7\n"
           "mcr p15, 0, r1, c7, c8, 0\nisb\nmrrc p15, 0, r4, r5, c7", mode=0x1DA, regs={1: IPA})
    r = m.cpu.r
    assert (r[3] << 32 | r[2]) == 0x44000000_00000000 | DATA | (1 << 11) | (1 << 9) | (2 << 7)
    assert (r[5] << 32 | r[4]) == 0x44000000_00000000 | 0x40200000 | (1 << 11) | (1 << 9) | (3 << 7)


def test_svc_runs_under_both_stages():
    m = machine()
    w, t1, t2 = _two_stages(m)
    lpae_on(m, t1)
    stage2_on(m, t2)
    m.mem.write(DATA, (0x1234).to_bytes(4, "little"))
    r = run(m, "ldr r0, [r1]\nadd r0, r0, #1\nstr r0, [r1, #4]", mode=SVC, regs={1: DATA})
    assert r.reason == "until" and m.mem.read(DATA + 4, 4) == (0x1235).to_bytes(4, "little")


def test_hcr_dc_makes_stage1_normal_memory_under_stage2():
    """HCR.DC = 1: the PL1&0 stage 1 is off but memory is Normal (an
    unaligned LDR is allowed), and stage 2 translates as if HCR.VM were set."""
    m = machine()
    w = writer(m)
    t2 = stage2_identity(m, w)
    t2.page(IPA, DATA, s2_attrs())
    t2.w.flush()
    s = m.cpu.sys
    s.write("VTCR", (1 << 6) | (1 << 31))
    s.write("VTTBR", t2.root | (1 << 48))
    s.write("HCR", s.hcr | (1 << 12))
    m.mem.write(DATA, bytes(range(8)))
    r = run(m, "ldr r0, [r1, #1]", regs={1: IPA})
    assert r.reason == "until" and m.cpu.r[0] == 0x04030201
