"""Stage 1, short-descriptor format (B3.5): walks, domains, permissions, faults."""

from mmu_helpers import (CODE, DATA, NORMAL_SECTION, SVC, USR, VECTORS, fault_of, machine, run,
                         short_identity, short_on, writer)
from pyxen15.mmu_lpae import faults as F
from pyxen15.mmu_lpae.tables import ShortTables

VA = 0x40000000


def test_section_small_large_and_supersection_mappings():
    m = machine()
    t = short_identity(m)
    t.section(VA, DATA, NORMAL_SECTION)
    t.small_page(0x40100000 + 0x3000, DATA + 0x5000, (3 << 4) | (1 << 6))       # AP=11, TEX=001
    # a large page (64 KiB) is written as 16 identical entries
    large = (DATA & 0xFFFF0000) | (3 << 4) | 1
    for i in range(16):
        t.small_page(0x40200000 + i * 0x1000, 0, 0)
        t.w.word(t._l2[0x402] + 4 * i, large)
    # supersection: 16 identical first-level entries, PA[35:32] = 0x1 in bits 23:20
    for i in range(16):
        t.first_level(0x41000000 + (i << 20), 0x88000000 | (1 << 20) | (1 << 18) | NORMAL_SECTION | 2)
    short_on(m, t)
    tlb = m.cpu.tlb
    assert tlb.translate(VA + 0x1234, False, False, False) == DATA + 0x1234
    assert tlb.translate(0x40103abc, False, False, False) == DATA + 0x5abc
    assert tlb.translate(0x4020f00c, False, False, False) == DATA + 0xf00c
    assert tlb.translate(0x41abcdef, False, False, False) == 0x1_88abcdef


def test_translation_fault_levels_and_domain_reported():
    m = machine()
    t = short_identity(m)
    t.first_level(VA, 0 | (5 << 5))                 # invalid, bits 8:5 happen to hold 5
    t.small_page(0x40100000, DATA, 0, domain=3)
    t.w.word(t._l2[0x401], 0)                        # the page entry itself invalid
    short_on(m, t, dacr=0x55)                        # domains 0-3 Client
    f = fault_of(m, VA)
    assert (f.kind, f.level, f.domain) == (F.TRANSLATION, 1, 5)
    f = fault_of(m, 0x40100000)
    assert (f.kind, f.level, f.domain) == (F.TRANSLATION, 2, 3)


def test_domain_no_access_faults_and_manager_skips_permissions():
    m = machine()
    t = short_identity(m)
    t.section(VA, DATA, (0 << 10) | (2 << 5) | 2)   # AP=000: no access, domain 2
    short_on(m, t, dacr=1)                          # domain 2: No access
    f = fault_of(m, VA)
    assert (f.kind, f.level, f.domain) == (F.DOMAIN, 1, 2)
    m.cpu.sys.write("DACR", 1 | (3 << 4))           # domain 2: Manager
    assert m.cpu.tlb.translate(VA + 4, True, False, True) == DATA + 4


def test_access_permissions_privileged_and_user():
    """AP = 001: PL1 read/write, PL0 none; AP = 010: PL0 read-only; APX: read-only."""
    m = machine()
    t = short_identity(m)
    t.section(VA, DATA, 1 << 10)
    t.section(VA + 0x100000, DATA, 2 << 10)
    t.section(VA + 0x200000, DATA, (1 << 15) | (1 << 10))
    short_on(m, t)
    assert fault_of(m, VA, write=True) == DATA
    assert fault_of(m, VA, user=True).kind == F.PERMISSION
    assert fault_of(m, VA + 0x100000, user=True) == DATA
    f = fault_of(m, VA + 0x100000, write=True, user=True)
    assert (f.kind, f.level, f.write) == (F.PERMISSION, 1, True)
    assert fault_of(m, VA + 0x200000, write=True).kind == F.PERMISSION


def test_user_ldr_and_svc_ldrt_are_unprivileged_even_after_a_privileged_fill():
    """The soft TLB keeps privileged and unprivileged entries apart: an SVC
    LDR fills the page, then LDRT from SVC still faults (DFSR permission,
    section 0b01101)."""
    m = machine()
    t = short_identity(m)
    t.section(VA, DATA, 1 << 10)
    short_on(m, t)
    r = run(m, "ldr r0, [r1]\nldrt r2, [r1]", regs={1: VA}, until=VECTORS + 0x10)
    assert r.reason == "until"
    assert m.cpu.sys.dfsr == 0b01101 and m.cpu.sys.dfar == VA
    assert m.cpu.r[14] == CODE + 4 + 8


def test_access_flag_with_afe():
    m = machine()
    t = short_identity(m)
    t.section(VA, DATA, 3 << 10)                    # AP[0] = 1: accessed
    t.section(VA + 0x100000, DATA, 2 << 10)         # AP[0] = 0: access flag fault
    short_on(m, t, sctlr_bits=1 << 29)
    assert fault_of(m, VA) == DATA
    f = fault_of(m, VA + 0x100000)
    assert (f.kind, f.level) == (F.ACCESS_FLAG, 1)


def test_tex_remap_device_memory_faults_unaligned_accesses():
    """SCTLR.TRE: TEX[0]:C:B indexes PRRR; type 01 is Device, where an
    unaligned LDR is an alignment fault (DFSR 0b00001) although SCTLR.A = 0."""
    m = machine()
    t = short_identity(m)
    t.section(VA, DATA, (3 << 10) | (1 << 2))       # index 1 (B = 1)
    short_on(m, t, sctlr_bits=1 << 28)
    m.cpu.sys.write("PRRR", (2 << 0) | (1 << 2))    # index 0 Normal, index 1 Device
    r = run(m, "ldr r0, [r1]\nldr r2, [r1, #1]", regs={1: VA}, until=VECTORS + 0x10)
    assert r.reason == "until" and m.cpu.sys.dfsr == 1 and m.cpu.sys.dfar == VA + 1


def test_xn_and_pxn_fault_instruction_fetches():
    m = machine()
    t = short_identity(m)
    t.section(VA, DATA, (3 << 10) | (1 << 4))       # XN
    t.section(VA + 0x100000, DATA, (3 << 10) | 1)   # 0b11: a section with PXN
    short_on(m, t)
    f = fault_of(m, VA, fetch=True)
    assert (f.kind, f.fetch) == (F.PERMISSION, True)
    assert fault_of(m, VA + 0x100000, fetch=True).kind == F.PERMISSION
    assert fault_of(m, VA + 0x100000, fetch=True, user=True) == DATA
    # a jump there: Prefetch Abort with IFSR = permission (section), IFAR = the address
    r = run(m, "bx r1", regs={1: VA}, until=VECTORS + 0xC)
    assert r.reason == "until" and m.cpu.sys.ifsr == 0b01101 and m.cpu.sys.ifar == VA


def test_ttbcr_n_splits_between_ttbr0_and_ttbr1():
    """TTBCR.N = 2: VAs below 1 GB walk TTBR0 (a 4 KiB table), the rest TTBR1;
    PD1 disables TTBR1 walks (translation fault, level 1)."""
    m = machine()
    w = writer(m)
    t1 = short_identity(m, w)                       # TTBR1: everything flat
    t0 = ShortTables(w)
    t0.section(0x00000000, DATA, NORMAL_SECTION)
    short_on(m, t1, ttbcr=2)
    m.cpu.sys.write("TTBR0", t0.root)
    m.cpu.sys.write("TTBR1", t1.root)
    m.cpu.sys.write("TTBCR", 2)
    assert fault_of(m, 0x00000010) == DATA + 0x10
    assert fault_of(m, VA + 0x10) == VA + 0x10
    m.cpu.sys.write("TTBCR", 2 | (1 << 5))
    f = fault_of(m, VA)
    assert (f.kind, f.level) == (F.TRANSLATION, 1)


def test_a_walk_into_unbacked_memory_is_an_external_abort_on_the_walk():
    """DFSR FS = 0b01100 (level 1) for a TTBR0 pointing at nothing."""
    m = machine()
    t = short_identity(m)
    short_on(m, t)
    run(m, "mcr p15, 0, r2, c2, c0, 0\nisb\nldr r0, [r1]", regs={1: VA, 2: 0x00004000},
        until=VECTORS + 0x10)
    assert m.cpu.sys.dfsr == 0b01100 and m.cpu.sys.dfar == VA
