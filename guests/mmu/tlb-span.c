/*
 * TLB maintenance by address on entries larger than a page (ARM ARM
 * B3.10.6, B4.2.2): TLBIMVA/TLBIMVAA of any address inside a supersection,
 * section, large page, 2 MiB or 1 GiB block removes the whole entry, so
 * every 4 KiB page of it walks again, not only the page named.  Each case:
 * two pages of the entry read (cached), the descriptor changed, both still
 * stale, one invalidation by an address in a third page, both new.
 */
#include "runtime/mmu.h"

static uint64_t *l1, *l2;

static void span_case(const char *what, uint32_t va1, uint32_t va2, uint32_t mva, int aa,
                      void (*remap)(void))
{
    put(what);
    put("\n");
    show("  page A", probe_ld32(va1));
    show("  page B", probe_ld32(va2));
    remap();
    dsb();
    show("  page A before", probe_ld32(va1));
    show("  page B before", probe_ld32(va2));
    if (aa)
        TLBIMVAA(mva);
    else
        TLBIMVA(mva);
    dsb();
    isb();
    show("  page A after", probe_ld32(va1));
    show("  page B after", probe_ld32(va2));
}

/* each moves its entry 3 MiB, 16 MiB, 8 MiB on, or (1 GiB) makes it invalid */
static void remap_section(void)
{
    sd_section(sd_l1, 0x40000000, TEST_PA + 0x300000, SEC_NORMAL | SEC_AP(AP_FULL));
}
static void remap_supersection(void)
{
    sd_supersection(sd_l1, 0x41000000, TEST_PA + 0x1000000, SEC_NORMAL | SEC_AP(AP_FULL));
}
static void remap_large(void)
{
    sd_large(sd_l2[0], 0x42000000, TEST_PA + 0x300000, LP_NORMAL | SP_AP(AP_FULL));
}
static void remap_2m(void)
{
    l2[0] = (TEST_PA + 0x800000) | LD_NORMAL | LD_AP(LAP_FULL) | LD_BLOCK;
}
static void remap_1g(void)
{
    l1[3] = 0;
}

int main(void)
{
    static const unsigned pages[] = {0x001, 0x00f, 0x0f0, 0x0ff, 0x1ff, 0x301, 0x30f,
                                     0x3f0, 0x801, 0x9ff, 0xf01};
    for (unsigned i = 0; i < sizeof pages / sizeof pages[0]; i++)
        fill_test_page(pages[i], 0);
    fill_test_page(0x1001, 0);       /* TEST_PA + 16 MiB, for the supersection */
    fill_test_page(0x1f01, 0);

    /* short-descriptor: a section, a supersection, a large page */
    sd_identity(sd_l1);
    sd_section(sd_l1, 0x40000000, TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_supersection(sd_l1, 0x41000000, TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_table(sd_l1, 0x42000000, sd_l2[0], PT_DOM(0));
    sd_large(sd_l2[0], 0x42000000, TEST_PA, LP_NORMAL | SP_AP(AP_FULL));
    set_CONTEXTIDR(3);
    sd_mmu_on(0, DACR(0, DOM_CLIENT), 0);
    put("tlb-span: short-descriptor\n");
    span_case("section, TLBIMVA of a third page", 0x40001004, 0x400f0008, 0x40080000 | 3, 0,
              remap_section);
    span_case("supersection, TLBIMVAA of another MiB", 0x41001004, 0x41f01008, 0x41abc000, 1,
              remap_supersection);
    span_case("large page, TLBIMVA of a third page", 0x42001004, 0x4200f008, 0x42008000 | 3, 0,
              remap_large);
    mmu_off();

    /* long-descriptor: a 2 MiB block, a 1 GiB block */
    l1 = ld_tables[0];
    l2 = ld_tables[1];
    ld_identity(l1, LD_NORMAL, LD_DEV);
    ld_clear(l2);
    l1[1] = (uint64_t)(uintptr_t)l2 | LD_TABLE;
    l2[0] = TEST_PA | LD_NORMAL | LD_AP(LAP_FULL) | LD_BLOCK;
    l1[3] = (uint64_t)RAM_PA | LD_NORMAL | LD_AP(LAP_FULL) | LD_BLOCK;
    ld_mmu_on(0, (uint64_t)(uintptr_t)l1 | (5ull << 48), 0, 0);
    put("tlb-span: long-descriptor\n");
    span_case("2 MiB block, TLBIMVA of a third page", 0x40001004, 0x401ff008, 0x40100000 | 5, 0,
              remap_2m);
    span_case("1 GiB block, TLBIMVAA of another 2 MiB", 0xc8001004, 0xc80ff008, 0xc3456000, 1,
              remap_1g);
    mmu_off();
    put("tlb-span: done\n");
    return 0;
}
