/*
 * The HYP regime's own stage 1 (ARM ARM B3.6, B4.1.66 HSCTLR, B4.1.75 HTCR,
 * B4.1.76 HTTBR, HMAIR0): long-descriptor tables walked from HTTBR, made by
 * code running in HYP mode (through hyp_call).  Faults in HYP are taken to
 * HYP with EC 0x25 / 0x21 (B3.13.6) and HDFAR/HIFAR; AP[2] (read-only) and
 * XN; ATS1HR/ATS1HW with the 64-bit PAR; TLBIALLH, TLBIMVAH and their
 * Inner Shareable forms.
 */
#include "runtime/mmu.h"

#define HSCTLR_M (1u << 0)
#define HSCTLR_A (1u << 1)
#define BLK 0x40000000u
#define PG  0x40200000u

static uint64_t *l1, *l2, *l3;

static void hyp_show_ats(const char *label, uint32_t va, int write)
{
    if (write)
        ATS1HW(va);
    else
        ATS1HR(va);
    isb();
    show_par(label);
}

static uint32_t in_hyp(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a, (void)b, (void)c;
    set_HMAIR0(MAIR0_GUESTS);
    set_HMAIR1(0);
    set_HTCR(0x80000000u);                      /* T0SZ=0, RES1 bit 31 */
    set_HTTBR((uint64_t)(uintptr_t)l1);
    TLBIALLH();
    dsb();
    isb();
    set_HSCTLR(get_HSCTLR() | HSCTLR_M);
    isb();
    put("hyp-regime: HSCTLR.M=1, in HYP\n");

    show("2 MiB block read", probe_ld32(BLK + 0x10));
    show("page read", probe_ld32(PG + 0x20));
    probe_st32(PG + 0x24, 0x5555aaaa);
    show("page write, read back", probe_ld32(TEST_PAGE(1) + 0x24));
    show("RO page read", probe_ld32(PG + 0x1008));
    probe_st32(PG + 0x1008, 0);
    show("RO page write", 0);
    show("invalid page read", probe_ld32(PG + 0x2000));
    probe_st16(PG + 0x2002, 0);
    show("invalid page write", 0);
    show("AF=0 page read", probe_ld32(PG + 0x3000));
    show("invalid level 2 read", probe_ld32(BLK + 0x600000));
    show("invalid level 1 read", probe_ld32(0xc0000000));
    show("LDRH unaligned, Normal", probe_ld16(PG + 0x21));
    show("LDREX unaligned", probe_ldrex(PG + 0x22));
    set_HSCTLR(get_HSCTLR() | HSCTLR_A);
    isb();
    show("HSCTLR.A=1 LDR unaligned", probe_ld32(PG + 0x22));
    set_HSCTLR(get_HSCTLR() & ~HSCTLR_A);
    isb();
    show("exec page", probe_exec(PG + 0x5000));
    show("exec XN page", probe_exec(PG + 0x4000));
    show("exec invalid page", probe_exec(PG + 0x2000));

    hyp_show_ats("ATS1HR page", PG + 0x123, 0);
    hyp_show_ats("ATS1HW page", PG + 0x123, 1);
    hyp_show_ats("ATS1HR RO page", PG + 0x1123, 0);
    hyp_show_ats("ATS1HW RO page", PG + 0x1123, 1);
    hyp_show_ats("ATS1HR invalid", PG + 0x2123, 0);
    hyp_show_ats("ATS1HR AF=0", PG + 0x3123, 0);
    hyp_show_ats("ATS1HR block", BLK + 0x12345, 0);

    show("page read (cached)", probe_ld32(PG + 0x40));
    l3[0] = TEST_PAGE(2) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    dsb();
    put("  descriptor now points at page 2\n");
    show("  before", probe_ld32(PG + 0x40));
    TLBIMVAH(PG);
    dsb();
    isb();
    show("  after TLBIMVAH", probe_ld32(PG + 0x40));
    l3[0] = TEST_PAGE(3) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    dsb();
    put("  descriptor now points at page 3\n");
    show("  before", probe_ld32(PG + 0x40));
    TLBIALLH();
    dsb();
    isb();
    show("  after TLBIALLH", probe_ld32(PG + 0x40));
    l3[0] = TEST_PAGE(1) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    dsb();
    put("  descriptor now points at page 1\n");
    show("  before", probe_ld32(PG + 0x40));
    TLBIMVAHIS(PG + 0x123);
    dsb();
    isb();
    show("  after TLBIMVAHIS", probe_ld32(PG + 0x40));
    l3[0] = TEST_PAGE(2) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    dsb();
    put("  descriptor now points at page 2\n");
    show("  before", probe_ld32(PG + 0x40));
    TLBIALLHIS();
    dsb();
    isb();
    show("  after TLBIALLHIS", probe_ld32(PG + 0x40));

    set_HSCTLR(get_HSCTLR() & ~HSCTLR_M);
    isb();
    TLBIALLH();
    dsb();
    isb();
    return 0;
}

int main(void)
{
    for (unsigned i = 0; i < 4; i++)
        fill_test_page(i, i == 0);
    l1 = ld_tables[0];
    l2 = ld_tables[1];
    l3 = ld_tables[2];
    /* In the HYP regime AP[1] is SBO: every descriptor here has it set (LAP_FULL, LAP_RO). */
    ld_identity(l1, LD_NORMAL | LD_AP(LAP_FULL), LD_DEV | LD_AP(LAP_FULL));
    ld_clear(l2);
    ld_clear(l3);
    l1[1] = (uint64_t)(uintptr_t)l2 | LD_TABLE;
    l2[0] = TEST_PA | LD_NORMAL | LD_AP(LAP_FULL) | LD_BLOCK;
    l2[1] = (uint64_t)(uintptr_t)l3 | LD_TABLE;
    l3[0] = TEST_PAGE(1) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    l3[1] = TEST_PAGE(2) | LD_NORMAL | LD_AP(LAP_RO) | LD_PAGE;
    /* l3[2] invalid */
    l3[3] = TEST_PAGE(1) | LD_ATTR(ATTR_NC) | LD_AP(LAP_FULL) | LD_PAGE;   /* AF=0 */
    l3[4] = TEST_PAGE(0) | LD_NORMAL | LD_AP(LAP_FULL) | LD_XN | LD_PAGE;
    l3[5] = TEST_PAGE(0) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    hyp_call(in_hyp, 0, 0, 0);
    put("hyp-regime: back in SVC\n");
    show("no fault pending", 0);
    put("hyp-regime: done\n");
    return 0;
}
