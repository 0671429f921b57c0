"""The soft TLB's contexts and flushes (mmu_lpae/tlb.py): keyed by regime,
privilege, ASID, VMID and endianness, flushed exactly by TLB maintenance
and regime-changing register writes."""

from mmu_helpers import (CODE, DATA, HYP, NORMAL_SECTION, SVC, VECTORS, assemble, lpae_attrs, lpae_identity,
                         lpae_on, machine, run, short_identity, short_on)
from pyxen15.mmu_lpae.tables import LPAE_NG

VA = 0x40000000
PAGE2 = DATA + 0x10000


def _word(m, pa, value):
    m.mem.write(pa, value.to_bytes(4, "little"))


def _lpae_two_asids(m):
    """VA maps to DATA (non-global); the test rewrites it to PAGE2."""
    t = lpae_identity(m)
    t.page(VA, DATA, lpae_attrs(0, ap=1) | LPAE_NG)
    _word(m, DATA, 0x11111111)
    _word(m, PAGE2, 0x22222222)
    lpae_on(m, t)
    return t


def _load(m, va=VA, mode=SVC):
    run(m, "ldr r0, [r1]", mode=mode, regs={1: va})
    return m.cpu.r[0]


def _remap(t, pa):
    t.page(VA, pa, lpae_attrs(0, ap=1) | LPAE_NG)
    t.w.flush()


def test_user_and_svc_use_separate_tables():
    m = machine()
    t = short_identity(m)
    t.section(VA, DATA, 1 << 10)                    # PL1 only
    short_on(m, t)
    _load(m)                                        # SVC fills its table
    r = run(m, "ldr r0, [r1]", mode=0x1D0, regs={1: VA}, until=VECTORS + 0x10)
    assert r.reason == "until" and m.cpu.sys.dfsr == 0b01101      # User: permission fault


def test_entries_of_each_asid_stay_until_invalidated_by_asid():
    """ASID 1 caches VA -> DATA; the table changes; ASID 2 sees the new
    mapping while ASID 1 keeps its entry (the architecture allows it,
    Linux relies on TLBIASID); TLBIASID 1 drops it."""
    m = machine()
    t = _lpae_two_asids(m)
    s = m.cpu.sys
    s.write("TTBR0_64", t.root | (1 << 48))
    assert _load(m) == 0x11111111
    _remap(t, PAGE2)
    s.write("TTBR0_64", t.root | (2 << 48))
    assert _load(m) == 0x22222222
    s.write("TTBR0_64", t.root | (1 << 48))
    assert _load(m) == 0x11111111
    run(m, "mcr p15, 0, r0, c8, c7, 2\nisb", regs={0: 1})           # TLBIASID 1
    assert _load(m) == 0x22222222


def test_tlbimva_drops_every_page_of_a_section():
    m = machine()
    t = short_identity(m)
    t.section(VA, DATA & ~0xFFFFF, NORMAL_SECTION)
    _word(m, (DATA & ~0xFFFFF) + 0x5000, 0x55)
    _word(m, 0x80300000 + 0x5000, 0x66)
    short_on(m, t)
    assert _load(m, VA + 0x5000) == 0x55
    t.section(VA, 0x80300000, NORMAL_SECTION)
    t.w.flush()
    assert _load(m, VA + 0x5000) == 0x55            # cached until maintenance
    run(m, "mcr p15, 0, r0, c8, c7, 1\nisb", regs={0: VA + 0x80000})  # TLBIMVA elsewhere in it
    assert _load(m, VA + 0x5000) == 0x66


def test_sctlr_and_ttbcr_writes_refill_everything():
    m = machine()
    t = _lpae_two_asids(m)
    assert _load(m) == 0x11111111
    _remap(t, PAGE2)
    m.cpu.sys.write("TTBCR", m.cpu.sys.ttbcr)
    assert _load(m) == 0x22222222


def test_tlbiallh_is_for_hyp_entries_only():
    """HYP's translations (HTTBR) are a context of their own: TLBIALL and
    PL1&0 register writes leave them, TLBIALLH drops them."""
    m = machine()
    t = lpae_identity(m)
    t.page(VA, DATA, lpae_attrs(0))
    _word(m, DATA, 0x11111111)
    _word(m, PAGE2, 0x22222222)
    t.w.flush()
    s = m.cpu.sys
    m.cpu.set_cpsr(HYP)
    s.write("HMAIR0", 0xFF)
    s.write("HTTBR", t.root)
    s.write("HSCTLR", s.hsctlr | 1)
    assert _load(m, mode=HYP) == 0x11111111
    t.page(VA, PAGE2, lpae_attrs(0))
    t.w.flush()
    run(m, "mcr p15, 0, r0, c8, c7, 0\nisb", mode=HYP)                 # TLBIALL
    assert _load(m, mode=HYP) == 0x11111111
    s.write("SCTLR", s.sctlr ^ (1 << 29))                             # the PL1&0 regime only
    assert _load(m, mode=HYP) == 0x11111111
    run(m, "mcr p15, 4, r0, c8, c7, 0\nisb", mode=HYP)                 # TLBIALLH
    assert _load(m, mode=HYP) == 0x22222222


def test_blocks_are_shared_between_contexts():
    """The same physical code run in two ASIDs is translated once."""
    m = machine()
    t = _lpae_two_asids(m)
    s = m.cpu.sys
    s.write("TTBR0_64", t.root | (1 << 48))
    _load(m)
    n = len(m.cpu.blocks)
    s.write("TTBR0_64", t.root | (2 << 48))
    _load(m)
    assert len(m.cpu.blocks) == n


def test_big_endian_data_is_its_own_context():
    m = machine()
    t = short_identity(m)
    short_on(m, t)
    _word(m, DATA, 0x11223344)
    run(m, "ldr r0, [r1]\nsetend be\nldr r2, [r1]\nsetend le\nldr r3, [r1]", regs={1: DATA})
    assert (m.cpu.r[0], m.cpu.r[2], m.cpu.r[3]) == (0x11223344, 0x44332211, 0x11223344)


def test_code_written_through_another_mapping_is_retranslated():
    """Blocks are keyed by physical address: a store through an alias VA to
    translated code drops the block."""
    m = machine()
    t = short_identity(m)
    t.section(VA, CODE, NORMAL_SECTION)             # VA aliases the code
    short_on(m, t)
    src = "mov r0, #1\nldr r2, [r3]\nstr r2, [r1]\nisb\nb 1f\n1:\n"
    r = run(m, src + "mov r4, #7\nmov r4, #7\nnop", regs={1: VA + 0x1C, 3: CODE + 0x24})
    assert r.reason == "until" and m.cpu.r[4] == 7


def test_many_asids_stay_correct_when_contexts_are_dropped():
    """More ASIDs than the soft TLB keeps contexts for: creating one more
    drops the others, but not the current one's User-mode sibling, which
    its LDRT uses and TLB maintenance must still reach."""
    from pyxen15.mmu_lpae.tlb import MAX_CONTEXTS
    m = machine()
    t = _lpae_two_asids(m)
    s = m.cpu.sys
    last = 0
    while len(m.cpu.tlb.contexts) < MAX_CONTEXTS:
        last += 1
        s.write("TTBR0_64", t.root | (last << 48))
        run(m, "ldrt r0, [r1]", regs={1: VA})
        assert m.cpu.r[0] == 0x11111111
    s.write("TTBR0_64", t.root | ((last + 1) << 48))       # one more: the others go
    s.write("TTBR0_64", t.root | (last << 48))             # back to the last one
    assert len(m.cpu.tlb.contexts) < MAX_CONTEXTS
    _remap(t, PAGE2)
    run(m, "mcr p15, 0, r0, c8, c7, 0\nisb\nldrt r0, [r1]", regs={1: VA})
    assert m.cpu.r[0] == 0x22222222


def test_the_same_physical_code_at_two_virtual_addresses_reads_its_own_pc():
    """A block has its virtual PC folded in, so the code of one physical
    page mapped at two addresses (Linux's identity map and kernel map)
    is translated once for each: `mov r0, pc` gives each address + 8."""
    m = machine()
    t = lpae_identity(m)
    alias = 0x40000000
    t.page(alias, CODE, lpae_attrs(0, ap=1))
    lpae_on(m, t)
    code = assemble("mov r0, pc")
    m.mem.write(CODE, code)
    for pc in (CODE, alias, CODE):
        m.cpu.pc = pc
        m.run(until=pc + len(code), max_insns=10)
        assert m.cpu.r[0] == pc + 8
