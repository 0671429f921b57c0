/*
 * TLB maintenance (ARM ARM B3.10, B4.2.2) under the short-descriptor
 * format: a descriptor changed in memory without maintenance may still be
 * used (the entry is cached: QEMU and pyxen15 both keep it), and after
 * TLBIMVA, TLBIMVAA, TLBIASID, TLBIALL and their Inner Shareable forms it
 * must not be.  Non-global (nG) entries are tagged with the ASID of
 * CONTEXTIDR (B3.10.3): after an ASID change the old entry must not match.
 */
#include "runtime/mmu.h"

#define VA_G 0x40000000u         /* global small page */
#define VA_N 0x40001000u         /* non-global small page */

static void remap(uint32_t va, unsigned page, uint32_t attrs)
{
    sd_small(sd_l2[0], va, TEST_PAGE(page), SP_NORMAL | SP_AP(AP_FULL) | attrs);
    dsb();
}

static void stale_then_gone(const char *op, void (*maint)(void), uint32_t va, uint32_t attrs)
{
    char label[48];
    unsigned n = 0;
    for (const char *s = op; *s; s++)
        label[n++] = *s;
    label[n] = 0;
    remap(va, 1, attrs);
    TLBIALL();
    isb();
    show(label, probe_ld32(va + 0x10));          /* page 1, now cached */
    remap(va, 2, attrs);
    put("  descriptor now points at page 2\n");
    show("  before", probe_ld32(va + 0x10));     /* the cached page 1 */
    maint();
    dsb();
    isb();
    show("  after", probe_ld32(va + 0x10));      /* page 2 */
}

static void op_tlbiall(void) { TLBIALL(); }
static void op_tlbiallis(void) { TLBIALLIS(); }
static void op_tlbimva_g(void) { TLBIMVA(VA_G | 5); }
static void op_tlbimvais_g(void) { TLBIMVAIS(VA_G | 5); }
static void op_tlbimvaa_n(void) { TLBIMVAA(VA_N); }
static void op_tlbimva_n(void) { TLBIMVA(VA_N | 5); }
static void op_tlbiasid_n(void) { TLBIASID(5); }

int main(void)
{
    for (unsigned i = 0; i < 4; i++)
        fill_test_page(i, 0);
    sd_identity(sd_l1);
    sd_table(sd_l1, VA_G, sd_l2[0], PT_DOM(0));
    set_CONTEXTIDR(5);
    sd_mmu_on(0, DACR(0, DOM_CLIENT), 0);
    put("sd-tlb: MMU on, ASID 5\n");

    stale_then_gone("TLBIALL, global page", op_tlbiall, VA_G, 0);
    stale_then_gone("TLBIALLIS, global page", op_tlbiallis, VA_G, 0);
    stale_then_gone("TLBIMVA, global page", op_tlbimva_g, VA_G, 0);
    stale_then_gone("TLBIMVAIS, global page", op_tlbimvais_g, VA_G, 0);
    stale_then_gone("TLBIMVAA, nG page", op_tlbimvaa_n, VA_N, SP_NG);
    stale_then_gone("TLBIMVA ASID 5, nG page", op_tlbimva_n, VA_N, SP_NG);
    stale_then_gone("TLBIASID 5, nG page", op_tlbiasid_n, VA_N, SP_NG);

    /* An nG entry of ASID 5 does not translate for ASID 6 */
    remap(VA_N, 1, SP_NG);
    TLBIALL();
    isb();
    show("ASID 5 nG page", probe_ld32(VA_N + 0x20));
    remap(VA_N, 3, SP_NG);
    put("  descriptor now points at page 3\n");
    set_CONTEXTIDR(6);
    isb();
    show("  ASID 6 nG page", probe_ld32(VA_N + 0x20));
    /* A TLB invalidation by MVA for ASID 6 (the current entry) */
    remap(VA_N, 0, SP_NG);
    TLBIMVA(VA_N | 6);
    dsb();
    isb();
    show("  ASID 6 after TLBIMVA", probe_ld32(VA_N + 0x20));
    /* An entry that a walk can no longer make: invalid descriptor, stale entry */
    sd_l2[0][(VA_N >> 12) & 0xff] = 0;
    dsb();
    TLBIMVA(VA_N | 6);
    dsb();
    isb();
    show("  invalidated, descriptor invalid", probe_ld32(VA_N + 0x20));

    mmu_off();
    put("sd-tlb: done\n");
    return 0;
}
