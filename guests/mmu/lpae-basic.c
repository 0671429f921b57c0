/*
 * Long-descriptor stage 1 (ARM ARM B3.6): TTBCR.EAE with T0SZ=0, 1 GiB
 * blocks, 2 MiB blocks and 4 KiB pages read back, the contiguous hint
 * accepted, translation faults at each level (STATUS 0x05-0x07), access
 * flag faults (0x09-0x0b), permission faults from AP[2:1] (0x0d-0x0f),
 * APTable/XNTable/PXNTable in table descriptors, XN and PXN on fetches
 * (B3.6.1, B3.7, table B3-24).
 */
#include "runtime/mmu.h"

#define BLK2 0x40000000u       /* level 2 entries of ld_tables[1] */
#define PG3  0x40200000u       /* level 3 entries of ld_tables[2] */
#define APT  0x40400000u       /* level 3 under APTable=2 (ld_tables[3]) */
#define XNT  0x40600000u       /* level 3 under XNTable and PXNTable (ld_tables[4]) */

int main(void)
{
    for (unsigned i = 0; i < 4; i++)
        fill_test_page(i, i == 0);
    uint64_t *l1 = ld_tables[0], *l2 = ld_tables[1], *l3 = ld_tables[2];
    uint64_t *l3ap = ld_tables[3], *l3xn = ld_tables[4];
    ld_identity(l1, LD_NORMAL, LD_DEV);
    ld_clear(l2);
    ld_clear(l3);
    ld_clear(l3ap);
    ld_clear(l3xn);
    l1[1] = (uint64_t)(uintptr_t)l2 | LD_TABLE;
    l1[3] = (uint64_t)RAM_PA | LD_NORMAL | LD_AP(LAP_RO) | LD_BLOCK;    /* 0xc0000000: RAM, RO */
    l2[0] = TEST_PA | LD_NORMAL | LD_AP(LAP_FULL) | LD_BLOCK;
    l2[1] = (uint64_t)(uintptr_t)l3 | LD_TABLE;
    l2[2] = (uint64_t)(uintptr_t)l3ap | LD_TABLE | LD_APTABLE(2);
    l2[3] = (uint64_t)(uintptr_t)l3xn | LD_TABLE | LD_XNTABLE | LD_PXNTABLE;
    l2[4] = TEST_PA | LD_ATTR(ATTR_NC) | LD_BLOCK;                         /* AF=0 */
    l2[5] = TEST_PA | LD_NORMAL | LD_AP(LAP_PRIV_RO) | LD_BLOCK;
    /* l2[6]: invalid */
    l3[0] = TEST_PAGE(1) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    l3[1] = TEST_PAGE(2) | LD_NORMAL | LD_AP(LAP_RO) | LD_PAGE;
    l3[2] = TEST_PAGE(3) | LD_ATTR(ATTR_NC) | LD_PAGE;                     /* AF=0 */
    /* l3[3]: invalid; l3[4]: reserved encoding (bits[1:0] = 01 at level 3) */
    l3[4] = TEST_PAGE(1) | LD_NORMAL | 1;
    l3[5] = TEST_PAGE(0) | LD_NORMAL | LD_AP(LAP_PRIV) | LD_PAGE;
    l3[6] = TEST_PAGE(0) | LD_NORMAL | LD_AP(LAP_FULL) | LD_XN | LD_PAGE;
    l3[7] = TEST_PAGE(0) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PXN | LD_PAGE;
    l3[8] = TEST_PAGE(0) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    for (unsigned i = 0; i < 16; i++)       /* 64 KiB with the contiguous hint */
        l3[16 + i] = (TEST_PA + 0x10000 + i * 0x1000) | LD_NORMAL | LD_AP(LAP_FULL)
                     | LD_CONTIG | LD_PAGE;
    l3ap[0] = TEST_PAGE(1) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    l3xn[0] = TEST_PAGE(0) | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    fill_test_page(0x1a, 0);
    ld_mmu_on(0, (uint64_t)(uintptr_t)l1, 0, 0);
    put("lpae-basic: MMU on (EAE, T0SZ=0)\n");

    show("2 MiB block read", probe_ld32(BLK2 + 0x1010));
    show("1 GiB block RO read", probe_ld32(0xc8000010));
    probe_st32(0xc8000010, 0);
    show("1 GiB block RO write", 0);
    show("4 KiB page read", probe_ld32(PG3 + 0x0ff0));
    probe_st32(PG3 + 0x0ff4, 0x13572468);
    show("4 KiB page write, read back", probe_ld32(TEST_PAGE(1) + 0xff4));
    show("RO page PL1 read", probe_ld32(PG3 + 0x1004));
    probe_st32(PG3 + 0x1004, 0);
    show("RO page PL1 write", 0);
    show("RO page PL0 read", probe_ldrt(PG3 + 0x1008));
    show("AF=0 page read", probe_ld32(PG3 + 0x2000));
    show("AF=0 block read", probe_ld32(BLK2 + 0x800000));
    show("invalid page read", probe_ld32(PG3 + 0x3000));
    show("reserved page encoding read", probe_ld32(PG3 + 0x4000));
    show("invalid level 2 read", probe_ld32(BLK2 + 0xc00000));
    show("AP=00 page PL0 read", probe_ldrt(PG3 + 0x5004));
    show("AP=00 page PL1 read", probe_ld32(PG3 + 0x5004));
    probe_strt(PG3 + 0x8004, 0x1);
    show("AP=01 page PL0 write", probe_ld32(PG3 + 0x8004));
    show("AP=10 block PL0 read", probe_ldrt(BLK2 + 0xa00000));
    probe_st32(BLK2 + 0xa00000, 0);
    show("AP=10 block PL1 write", 0);
    show("contiguous page read", probe_ld32(PG3 + 0x1a00c));
    show("APTable=10 read", probe_ld32(APT + 0x10));
    probe_st32(APT + 0x10, 0);
    show("APTable=10 write", 0);

    show("exec page", probe_exec(PG3 + 0x8000));
    show("exec XN page", probe_exec(PG3 + 0x6000));
    show("exec PXN page at PL1", probe_exec(PG3 + 0x7000));
    show("exec under XNTable", probe_exec(XNT));
    show("read under XNTable", probe_ld32(XNT + 4));
    show("exec AF=0 page", probe_exec(PG3 + 0x2000));
    show("exec invalid page", probe_exec(PG3 + 0x3000));

    /* an invalid level 1 entry, after TLB maintenance */
    l1[3] = 0;
    dsb();
    TLBIMVAA(0xc8000000);
    dsb();
    isb();
    show("invalid level 1 read", probe_ld32(0xc8000010));

    mmu_off();
    put("lpae-basic: done\n");
    return 0;
}
