/*
 * Long-descriptor TTBR0/TTBR1 split by TTBCR.T0SZ/T1SZ (ARM ARM B3.6.4,
 * B4.1.154): a level 1 start for sizes 0-1 and a level 2 start from 2, the
 * gap between the regions (a level 1 translation fault), EPD0/EPD1, and
 * ASIDs from TTBR0 or TTBR1 (TTBCR.A1) tagging non-global entries (B3.10.3).
 */
#include "runtime/mmu.h"

#define TTBCR_EPD0 (1u << 7)
#define TTBCR_A1   (1u << 22)
#define TTBCR_EPD1 (1u << 23)
#define T0SZ(n)    ((uint32_t)(n))
#define T1SZ(n)    ((uint32_t)(n) << 16)
#define ASID(a)    ((uint64_t)(a) << 48)

static uint64_t *t0_l1, *t0_l2, *t1_l1, *t1_l2;

static void regime(uint32_t ttbcr, uint64_t ttbr0, uint64_t ttbr1)
{
    set_TTBR0_64(ttbr0);
    set_TTBR1_64(ttbr1);
    set_TTBCR(ttbcr | (1u << 31));
    TLBIALL();
    dsb();
    isb();
}

int main(void)
{
    for (unsigned i = 0; i < 6; i++)
        fill_test_page(i, 0);
    t0_l1 = ld_tables[0];   /* TTBR0, level 1 start */
    t0_l2 = ld_tables[1];   /* TTBR0, level 2 start (T0SZ=2: 0-1 GiB) */
    t1_l1 = ld_tables[2];   /* TTBR1, level 1 start */
    t1_l2 = ld_tables[3];   /* TTBR1 with T1SZ=2: level 2 start, 0xc0000000-... */
    uint64_t *pages0 = ld_tables[4], *pages1 = ld_tables[5];
    ld_clear(pages0);
    ld_clear(pages1);
    pages0[0] = TEST_PAGE(1) | LD_NORMAL | LD_PAGE;
    pages0[1] = TEST_PAGE(4) | LD_NORMAL | LD_NG | LD_PAGE;
    pages1[0] = TEST_PAGE(2) | LD_NORMAL | LD_PAGE;
    /* TTBR0 with T0SZ=0/1: the identity map and pages0 at 0x40000000 */
    ld_identity(t0_l1, LD_NORMAL, LD_DEV);
    ld_clear(t0_l2);
    t0_l1[1] = (uint64_t)(uintptr_t)t0_l2 | LD_TABLE;
    t0_l2[0] = (uint64_t)(uintptr_t)pages0 | LD_TABLE;
    /* TTBR1 with T1SZ=1 (index VA[30]): RAM at 0x80000000, pages1 at 0xc0000000 */
    ld_clear(t1_l1);
    ld_clear(t1_l2);
    t1_l1[0] = (uint64_t)RAM_PA | LD_NORMAL | LD_BLOCK;
    t1_l1[1] = (uint64_t)(uintptr_t)t1_l2 | LD_TABLE;
    t1_l2[0] = (uint64_t)(uintptr_t)pages1 | LD_TABLE;
    /* for T0SZ=2, TTBR0 starts at level 2: 1 GiB as 2 MiB entries (the UART's) */
    uint64_t *t0_start2 = ld_tables[6];
    ld_clear(t0_start2);
    t0_start2[UART_MB >> 21] = (uint64_t)UART_MB | LD_DEV | LD_BLOCK;
    t0_start2[0x10000000 >> 21] = TEST_PA | LD_NORMAL | LD_BLOCK;

    ld_mmu_on(0, (uint64_t)(uintptr_t)t0_l1, (uint64_t)(uintptr_t)t1_l1, 0);
    put("lpae-split: T0SZ=0\n");
    show("0x40000000 via TTBR0", probe_ld32(0x40000010));

    regime(T0SZ(1) | T1SZ(1), (uint64_t)(uintptr_t)t0_l1, (uint64_t)(uintptr_t)t1_l1);
    put("lpae-split: T0SZ=1 T1SZ=1\n");
    show("0x40000000 via TTBR0", probe_ld32(0x40000014));
    show("0xc0000000 via TTBR1", probe_ld32(0xc0000014));
    show("0xc0001000 via TTBR1 (invalid)", probe_ld32(0xc0001000));

    /* T0SZ=2: TTBR0 covers 0-1 GiB from a level 2 table; 1-2 GiB is a gap */
    regime(T0SZ(2) | T1SZ(1), (uint64_t)(uintptr_t)t0_start2, (uint64_t)(uintptr_t)t1_l1);
    put("lpae-split: T0SZ=2 T1SZ=1\n");
    show("0x10000000 via TTBR0 level 2", probe_ld32(0x10000018));
    show("0x40000000 in the gap", probe_ld32(0x40000018));
    show("0xc0000000 via TTBR1", probe_ld32(0xc0000018));
    /* EPD1: no walks for TTBR1 - but the code runs there, so only EPD0 */
    regime(T0SZ(2) | T1SZ(1) | TTBCR_EPD0, (uint64_t)(uintptr_t)t0_start2,
           (uint64_t)(uintptr_t)t1_l1);
    uint32_t v = probe_ld32(0x1000001c);   /* UART unusable: print afterwards */
    regime(T0SZ(2) | T1SZ(1), (uint64_t)(uintptr_t)t0_start2, (uint64_t)(uintptr_t)t1_l1);
    show("EPD0 0x10000000", v);

    /* ASIDs: nG page at 0x40001000 under ASID 7 of TTBR0 */
    regime(T0SZ(1) | T1SZ(1), (uint64_t)(uintptr_t)t0_l1 | ASID(7),
           (uint64_t)(uintptr_t)t1_l1 | ASID(9));
    put("lpae-split: ASIDs\n");
    show("nG page, ASID 7 (TTBR0)", probe_ld32(0x40001020));
    pages0[1] = TEST_PAGE(5) | LD_NORMAL | LD_NG | LD_PAGE;
    dsb();
    show("  changed, same ASID", probe_ld32(0x40001020));
    set_TTBR0_64((uint64_t)(uintptr_t)t0_l1 | ASID(8));
    isb();
    show("  ASID 8", probe_ld32(0x40001020));
    pages0[1] = TEST_PAGE(4) | LD_NORMAL | LD_NG | LD_PAGE;
    dsb();
    set_TTBCR(T0SZ(1) | T1SZ(1) | TTBCR_A1 | (1u << 31));    /* ASID 9 from TTBR1 */
    isb();
    show("  A1=1: ASID 9", probe_ld32(0x40001020));
    TLBIASID(9);
    dsb();
    isb();
    show("  TLBIASID 9", probe_ld32(0x40001020));

    mmu_off();
    put("lpae-split: done\n");
    return 0;
}
