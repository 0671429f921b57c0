/*
 * Synchronous external aborts on physical addresses no slave decodes (ARM
 * ARM B3.13.3, tables B3-23 and B3-24): with the MMU off, through a
 * section, through LPAE mappings with 40-bit output addresses, and on
 * translation table walks that read from an unbacked PA (short format
 * 0x0c/0x0e, long format 0x15-0x17).  QEMU's vexpress-a15 reads unassigned
 * PAs as zero instead (tests/conformance/test_mmu_guests.py says so), so no
 * instruction fetch from one is probed: on QEMU it would run on.
 */
#include "runtime/mmu.h"

int main(void)
{
    put("extabort: MMU off\n");
    fill_test_page(0, 1);
    show("MMU off read", probe_ld32(UNBACKED_PA + 0x10));
    probe_st32(UNBACKED_PA + 0x14, 0);
    show("MMU off write", 0);

    sd_identity(sd_l1);
    sd_section(sd_l1, 0x40000000, UNBACKED_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1, 0x40100000, TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_table(sd_l1, 0x40200000, (const uint32_t *)(uintptr_t)UNBACKED_PA, PT_DOM(0));
    sd_mmu_on(0, DACR(0, DOM_CLIENT), 0);
    put("extabort: short-descriptor\n");
    show("section to unbacked PA read", probe_ld32(0x40000020));
    probe_st8(0x40000021, 0);
    show("section to unbacked PA write", 0);
    show("section to RAM read", probe_ld32(0x40100020));
    show("level 2 table at unbacked PA read", probe_ld32(0x40200030));

    /* TTBR0 at an unbacked PA for VAs below 2 GiB (TTBCR.N = 1): RAM and the
       code stay on TTBR1, the UART does not, so print afterwards. */
    set_TTBR1((uint32_t)(uintptr_t)sd_l1);
    set_TTBR0(UNBACKED_PA);
    set_TTBCR(1);
    TLBIALL();
    isb();
    uint32_t v = probe_ld32(0x40100024);
    set_TTBR0((uint32_t)(uintptr_t)sd_l1);  /* before N = 0: the code is above 2 GiB */
    set_TTBCR(0);
    TLBIALL();
    isb();
    show("level 1 table at unbacked PA read", v);
    mmu_off();

    /* LPAE: level 1 table 0 -> level 2 table 1 (VA 0x40000000-0x7fffffff) */
    uint64_t *l1 = ld_tables[0], *l2 = ld_tables[1], *l3 = ld_tables[2];
    ld_identity(l1, LD_NORMAL, LD_DEV);
    ld_clear(l2);
    ld_clear(l3);
    l1[1] = (uint64_t)(uintptr_t)l2 | LD_TABLE;
    l2[0] = (uint64_t)(uintptr_t)l3 | LD_TABLE;
    l3[0] = 0x100000000ull | LD_NORMAL | LD_PAGE;                /* 4 GiB */
    l3[1] = 0xfffffff000ull | LD_NORMAL | LD_PAGE;               /* top of 40 bits */
    l3[2] = TEST_PAGE(0) | LD_NORMAL | LD_PAGE;
    l2[1] = 0xff00000000ull | LD_NORMAL | LD_BLOCK;              /* 2 MiB block */
    l2[2] = (uint64_t)UNBACKED_PA | LD_TABLE;                    /* level 3 table */
    l1[3] = 0x1000000000ull | LD_TABLE;                          /* level 2 table */
    ld_mmu_on(0, (uint64_t)(uintptr_t)l1, 0, 0);
    put("extabort: long-descriptor\n");
    show("page at PA 0x100000000 read", probe_ld32(0x40000008));
    probe_st32(0x4000000c, 0);
    show("page at PA 0x100000000 write", 0);
    show("page at PA 0xfffffff000 read", probe_ld32(0x40001ffc));
    show("page in RAM read", probe_ld32(0x40002010));
    show("block at PA 0xff00000000 read", probe_ld32(0x40212340));
    show("level 3 table at unbacked PA read", probe_ld32(0x40400000));
    show("level 2 table at PA 0x1000000000 read", probe_ld32(0xc0000000));

    mmu_off();
    put("extabort: done\n");
    return 0;
}
