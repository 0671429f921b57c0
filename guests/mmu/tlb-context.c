/*
 * What a cached translation depends on besides the VA (ARM ARM B3.10,
 * B3.7): the privilege of the access (a User-mode LDR and an LDRT from SVC
 * are both checked as PL0; a PL1 access cached before must not let PL0 in,
 * nor the other way round), the translation regime (the same VA under
 * HTTBR in HYP and under TTBR0 at PL1), and the endianness of the data
 * access (CPSR.E, A3.3 "Endian support": SETEND BE reverses the bytes of a word).
 */
#include "runtime/mmu.h"

#define VA(n) (0x40000000u + ((uint32_t)(n) << 20))

static uint32_t user_probes(uint32_t arg)
{
    (void)arg;
    unsigned i = 0;
    record(i++, probe_ld32(VA(0) + 0x10));     /* AP=001: PL1 only */
    record(i++, probe_ld32(VA(1) + 0x14));     /* AP=010: PL0 read-only */
    probe_st32(VA(1) + 0x18, 0);
    record(i++, 0);
    record(i++, probe_exec(VA(0)));
    record(i++, probe_exec(VA(1)));
    record(i++, probe_ld32(VA(2) + 0x1c));     /* AP=011 */
    probe_st32(VA(2) + 0x20, 0x01234567);
    record(i++, probe_ld32(VA(2) + 0x20));
    return i;
}

static uint32_t hyp_probe(uint32_t va, uint32_t b, uint32_t c)
{
    (void)b, (void)c;
    set_HMAIR0(MAIR0_GUESTS);
    set_HTCR(0x80000000u);
    set_HTTBR((uint64_t)(uintptr_t)ld_tables[0]);
    TLBIALLH();
    dsb();
    isb();
    set_HSCTLR(get_HSCTLR() | 1);
    isb();
    record(0, probe_ld32(va));
    set_HSCTLR(get_HSCTLR() & ~1u);
    isb();
    record(1, probe_ld32(TEST_PAGE(1) + (va & 0xfff)));     /* HYP, its MMU off: flat */
    return 0;
}

int main(void)
{
    static const char *user_labels[] = {
        "PL0 LDR, AP=001", "PL0 LDR, AP=010", "PL0 STR, AP=010", "PL0 exec, AP=001",
        "PL0 exec, AP=010", "PL0 LDR, AP=011", "PL0 STR, AP=011, read back",
    };
    fill_test_page(0, 1);
    fill_test_page(1, 0);
    sd_identity(sd_l1);
    sd_section(sd_l1, VA(0), TEST_PA, SEC_NORMAL | SEC_AP(AP_PRIV));
    sd_section(sd_l1, VA(1), TEST_PA, SEC_NORMAL | SEC_AP(AP_USER_RO));
    sd_section(sd_l1, VA(2), TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_mmu_on(0, DACR(0, DOM_CLIENT), 0);
    put("tlb-context: MMU on\n");

    /* privilege: PL1 first, then PL0, then PL1 again */
    show("PL1 LDR, AP=001", probe_ld32(VA(0) + 0x10));
    show("PL1 exec, AP=001", probe_exec(VA(0)));
    show("PL1 LDR, AP=010", probe_ld32(VA(1) + 0x14));
    show("LDRT from SVC, AP=001", probe_ldrt(VA(0) + 0x10));
    unsigned n = user_call(user_probes, 0);
    for (unsigned i = 0; i < n; i++)
        show_record(user_labels[i], i);
    show("PL1 LDR again, AP=001", probe_ld32(VA(0) + 0x10));
    probe_st32(VA(1) + 0x18, 0x89abcdef);
    show("PL1 STR, AP=010, read back", probe_ld32(VA(1) + 0x18));
    show("LDRT from SVC, AP=010", probe_ldrt(VA(1) + 0x18));
    probe_strt(VA(1) + 0x18, 0);
    show("STRT from SVC, AP=010", 0);

    /* the regime: VA(0) is page 0 at PL1 and page 1 in HYP */
    uint64_t *l1 = ld_tables[0], *l2 = ld_tables[1], *l3 = ld_tables[2];
    ld_identity(l1, LD_NORMAL | LD_AP(LAP_FULL), LD_DEV | LD_AP(LAP_FULL));
    ld_clear(l2);
    ld_clear(l3);
    l1[1] = (uint64_t)(uintptr_t)l2 | LD_TABLE;
    l2[0] = (uint64_t)(uintptr_t)l3 | LD_TABLE;
    l3[0] = TEST_PAGE(1) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    show("PL1 LDR VA 0x40000020", probe_ld32(VA(0) + 0x20));
    hyp_call(hyp_probe, VA(0) + 0x20, 0, 0);
    show_record("HYP LDR VA 0x40000020 (HSCTLR.M=1)", 0);
    show_record("HYP LDR PA of page 1 (HSCTLR.M=0)", 1);
    show("PL1 LDR VA 0x40000020 again", probe_ld32(VA(0) + 0x20));

    /* the endianness of data accesses */
    show("LE LDR", probe_ld32(VA(2) + 0x24));
    show("BE LDR", probe_ld32_be(VA(2) + 0x24));
    show("LE LDR again", probe_ld32(VA(2) + 0x24));
    probe_st16_be(VA(2) + 0x28, 0x1122);
    show("BE STRH, LE LDR", probe_ld32(VA(2) + 0x28));
    show("BE LDR of it", probe_ld32_be(VA(2) + 0x28));
    show("BE LDR, AP=001 at PL1", probe_ld32_be(VA(0) + 0x2c));

    mmu_off();
    put("tlb-context: done\n");
    return 0;
}
