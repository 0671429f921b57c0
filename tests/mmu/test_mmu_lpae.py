"""Stage 1, long-descriptor format (B3.6), and the HYP regime (B3.6, HTTBR/HTCR)."""

from mmu_helpers import (CODE, DATA, HYP, VECTORS, fault_of, lpae_attrs, lpae_identity, lpae_on,
                         machine, run, writer)
from pyxen15.cpu.syndrome import Dabt, decode
from pyxen15.mmu_lpae import faults as F
from pyxen15.mmu_lpae.tables import LPAE_XN, LpaeTables

VA = 0x40000000


def test_4k_2m_and_1g_mappings_with_40_bit_outputs():
    m = machine()
    t = lpae_identity(m)
    t.page(VA + 0x5000, DATA + 0x3000, lpae_attrs(0))
    t.block_2m(VA + 0x200000, 0x12_3440_0000, lpae_attrs(0))
    t.block_1g(0xC0000000, 0x80000000, lpae_attrs(0))
    lpae_on(m, t)
    tlb = m.cpu.tlb
    assert tlb.translate(VA + 0x5abc, False, False, False) == DATA + 0x3abc
    assert tlb.translate(VA + 0x212345, False, False, False) == 0x12_3441_2345
    assert tlb.translate(0xC0012345, False, False, False) == 0x80012345


def test_an_access_above_4gb_with_nothing_there_is_an_external_abort():
    m = machine()
    t = lpae_identity(m)
    t.block_2m(VA, 0x12_0000_0000, lpae_attrs(0))
    lpae_on(m, t)
    run(m, "ldr r0, [r1]", regs={1: VA + 8}, until=VECTORS + 0x10)
    # long-descriptor DFSR: STATUS 0b010000, LPAE bit 9
    assert m.cpu.sys.dfsr == 0x210 and m.cpu.sys.dfar == VA + 8


def test_faults_carry_their_level():
    m = machine()
    t = lpae_identity(m)
    t.raw(3, VA, 0)                                  # an empty level-3 table under VA
    t.raw(3, VA + 0x1000, (DATA & ~0xFFF) | lpae_attrs(0, af=False) | 3)
    t.raw(3, VA + 0x2000, (DATA & ~0xFFF) | lpae_attrs(0) | 1)     # 0b01 at level 3: reserved
    lpae_on(m, t)
    f = fault_of(m, VA)
    assert (f.kind, f.level) == (F.TRANSLATION, 3)
    f = fault_of(m, VA + 0x1000)
    assert (f.kind, f.level) == (F.ACCESS_FLAG, 3)
    f = fault_of(m, VA + 0x2000)
    assert (f.kind, f.level) == (F.TRANSLATION, 3)
    f = fault_of(m, 0xF0000000)                      # level 1 entry 3: never written
    assert (f.kind, f.level) == (F.TRANSLATION, 1)


def test_ap_and_aptable_permissions():
    """AP[2:1] = 00: PL1 only; 11: read-only everywhere; APTable[0] (bit 61)
    takes PL0 access away from a whole table; XNTable (bit 60) execution."""
    m = machine()
    t = lpae_identity(m)
    t.page(VA, DATA, lpae_attrs(0, ap=0))
    t.page(VA + 0x1000, DATA, lpae_attrs(0, ap=3))
    t.page(0x40200000, DATA, lpae_attrs(0, ap=1))
    t.page(0x40400000, DATA, lpae_attrs(0, ap=1))
    t.raw(2, 0x40200000, t._table(3, 0x40200000) | (1 << 61) | 3)
    t.raw(2, 0x40400000, t._table(3, 0x40400000) | (1 << 60) | 3)
    lpae_on(m, t)
    assert fault_of(m, VA, write=True) == DATA
    assert fault_of(m, VA, user=True).kind == F.PERMISSION
    assert fault_of(m, VA + 0x1000, user=True) == DATA
    assert fault_of(m, VA + 0x1000, write=True).kind == F.PERMISSION
    assert fault_of(m, 0x40200000, write=True) == DATA
    assert fault_of(m, 0x40200000, user=True).kind == F.PERMISSION
    assert fault_of(m, 0x40400000, user=True) == DATA
    f = fault_of(m, 0x40400000, fetch=True)
    assert (f.kind, f.level) == (F.PERMISSION, 3)


def test_t0sz_t1sz_split_and_epd():
    """T0SZ = 1: TTBR0 covers 0-2 GB; T1SZ = 1: TTBR1 the top 2 GB; EPD1
    makes TTBR1 walks fault at level 1."""
    m = machine()
    w = writer(m)
    t1 = lpae_identity(m, w)
    t0 = LpaeTables(w)
    t0.block_2m(VA, DATA & ~0x1FFFFF, lpae_attrs(0))
    lpae_on(m, t1, ttbcr=1 | (1 << 16))
    m.cpu.sys.write("TTBR0_64", t0.root)
    # TTBR1 with T1SZ = 1 starts at level 1 with 2 entries indexed by VA[30]
    m.cpu.sys.write("TTBR1_64", t1.root + 16)        # entries 2, 3 of the 4-entry root
    assert fault_of(m, VA + 0x10) == (DATA & ~0x1FFFFF) + 0x10
    assert fault_of(m, CODE + 0x10) == CODE + 0x10
    m.cpu.sys.write("TTBCR", (1 << 31) | 1 | (1 << 16) | (1 << 23))
    f = fault_of(m, CODE)
    assert (f.kind, f.level) == (F.TRANSLATION, 1)


def test_mair_device_memory_faults_unaligned_loads():
    m = machine()
    t = lpae_identity(m)
    t.block_2m(VA, DATA & ~0x1FFFFF, lpae_attrs(1) | LPAE_XN)
    lpae_on(m, t)
    run(m, "ldr r0, [r1, #2]", regs={1: VA}, until=VECTORS + 0x10)
    assert m.cpu.sys.dfsr == 0x221 and m.cpu.sys.dfar == VA + 2


def test_hyp_regime_translates_with_httbr_and_reports_to_hsr():
    """HSCTLR.M with HTTBR/HTCR/HMAIR0: HYP's own stage 1.  A permission
    fault in HYP is a Data Abort taken to HYP: EC 0x25, DFSC 0b001111."""
    m = machine()
    t = lpae_identity(m)
    t.page(VA, DATA, lpae_attrs(0, ap=2))           # AP[2] = 1: read-only at PL2
    t.w.flush()
    s = m.cpu.sys
    m.cpu.set_cpsr(HYP)
    s.write("HMAIR0", 0xFF | (0x04 << 8))
    s.write("HTCR", 0)
    s.write("HTTBR", t.root)
    s.write("HSCTLR", s.hsctlr | 1)
    r = run(m, "ldr r0, [r1]\nstr r0, [r1]", mode=HYP, regs={1: VA}, until=VECTORS + 0x10)
    assert r.reason == "until"
    syn = decode(s.hsr)
    assert isinstance(syn, Dabt) and syn.ec == 0x25 and syn.dfsc == 0b001111 and syn.wnr == 1
    assert s.hdfar == VA and m.cpu.elr_hyp == CODE + 4


def test_hyp_ats1hr_writes_the_64_bit_par():
    m = machine()
    t = lpae_identity(m)
    t.page(VA, 0x12_3456_7000, lpae_attrs(0))
    t.w.flush()
    s = m.cpu.sys
    m.cpu.set_cpsr(HYP)
    s.write("HMAIR0", 0xFF)
    s.write("HTTBR", t.root)
    s.write("HSCTLR", s.hsctlr | 1)
    run(m, "mcr p15, 4, r1, c7, c8, 0\nisb\nmrrc p15, 0, r2, r3, c7", mode=HYP, regs={1: VA + 0x10})
    par = m.cpu.r[3] << 32 | m.cpu.r[2]
    # PA[39:12], LPAE (bit 11), NS (bit 9), SH = 11 (bits 8:7), ATTR = 0xFF (bits 63:56)
    assert par == 0xFF000012_34567000 | (1 << 11) | (1 << 9) | (3 << 7)


def test_a_fetch_from_nothing_reports_the_virtual_address_in_ifar():
    """A Prefetch Abort for an external abort on the fetch itself: IFAR is
    the VA (long-descriptor IFSR 0x210), not the PA the VA maps to."""
    m = machine()
    t = lpae_identity(m)
    t.block_2m(VA, 0x10000000, lpae_attrs(0))       # nothing decodes 0x10000000
    lpae_on(m, t)
    run(m, "bx r1", regs={1: VA + 0x40}, until=VECTORS + 0xC)
    assert m.cpu.sys.ifsr == 0x210 and m.cpu.sys.ifar == VA + 0x40
