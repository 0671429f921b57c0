/*
 * Short-descriptor second-level tables (ARM ARM B3.5.1): small (4 KiB) and
 * large (64 KiB) pages read back, page translation faults, AP on pages,
 * XN on small and large pages, PXN in the first-level table descriptor.
 * Fault status codes: B3.13.3, table B3-23 (page forms: 0x07, 0x0f).
 */
#include "runtime/mmu.h"

#define VA_PAGES 0x40000000u     /* sd_l2[0], domain 0 */
#define VA_PXN   0x40100000u     /* sd_l2[1], its table descriptor has PXN */

int main(void)
{
    fill_test_page(0, 1);
    fill_test_page(1, 0);
    fill_test_page(2, 0);
    fill_test_page(0x15, 0);
    fill_test_page(0x1f, 0);
    sd_identity(sd_l1);
    sd_table(sd_l1, VA_PAGES, sd_l2[0], PT_DOM(0));
    sd_table(sd_l1, VA_PXN, sd_l2[1], PT_DOM(0) | PT_PXN);
    uint32_t *l2 = sd_l2[0];
    sd_small(l2, VA_PAGES + 0x0000, TEST_PAGE(1), SP_NORMAL | SP_AP(AP_FULL));
    sd_small(l2, VA_PAGES + 0x1000, TEST_PAGE(2), SP_NORMAL | SP_AP(AP_PRIV_RO));
    /* 0x2000: invalid */
    sd_small(l2, VA_PAGES + 0x3000, TEST_PAGE(0), SP_NORMAL | SP_AP(AP_FULL) | SP_XN);
    sd_small(l2, VA_PAGES + 0x4000, TEST_PAGE(0), SP_NORMAL | SP_AP(AP_FULL));
    sd_small(l2, VA_PAGES + 0x5000, TEST_PAGE(1), SP_NORMAL | SP_AP(AP_PRIV));
    sd_small(l2, VA_PAGES + 0x6000, TEST_PAGE(1), SP_NORMAL | SP_AP(AP_USER_RO));
    sd_large(l2, VA_PAGES + 0x10000, TEST_PA + 0x10000, LP_NORMAL | SP_AP(AP_FULL));
    sd_large(l2, VA_PAGES + 0x20000, TEST_PA, LP_NORMAL | SP_AP(AP_FULL) | LP_XN);
    sd_large(l2, VA_PAGES + 0x30000, TEST_PA, LP_NORMAL | SP_AP(AP_FULL));
    sd_small(sd_l2[1], VA_PXN, TEST_PAGE(0), SP_NORMAL | SP_AP(AP_FULL));
    sd_mmu_on(0, DACR(0, DOM_CLIENT), 0);
    put("sd-pages: MMU on\n");

    show("small page read", probe_ld32(VA_PAGES + 0x0ffc));
    probe_st16(VA_PAGES + 0x0802, 0xbeef);
    show("small page write, read back", probe_ld32(TEST_PAGE(1) + 0x800));
    show("small RO page read", probe_ld32(VA_PAGES + 0x1008));
    probe_st32(VA_PAGES + 0x1008, 0);
    show("small RO page write", 0);
    show("invalid page read", probe_ld32(VA_PAGES + 0x2010));
    probe_st8(VA_PAGES + 0x2011, 0);
    show("invalid page write", 0);
    show("AP=001 page PL0 read", probe_ldrt(VA_PAGES + 0x5000));
    show("AP=010 page PL0 read", probe_ldrt(VA_PAGES + 0x6004));
    probe_strt(VA_PAGES + 0x6004, 0);
    show("AP=010 page PL0 write", 0);
    show("large page read", probe_ld32(VA_PAGES + 0x15008));
    show("large page read at its end", probe_ld16(VA_PAGES + 0x1fffe));
    show("large page read (low alias)", probe_ld32(VA_PAGES + 0x30010));

    show("exec small page", probe_exec(VA_PAGES + 0x4000));
    show("exec small XN page", probe_exec(VA_PAGES + 0x3000));
    show("read small XN page", probe_ld32(VA_PAGES + 0x3004));
    show("exec large page", probe_exec(VA_PAGES + 0x30000));
    show("exec large XN page", probe_exec(VA_PAGES + 0x20000));
    show("exec invalid page", probe_exec(VA_PAGES + 0x2000));
    show("exec under PXN table at PL1", probe_exec(VA_PXN));
    show("read under PXN table", probe_ld32(VA_PXN + 4));

    mmu_off();
    put("sd-pages: done\n");
    return 0;
}
