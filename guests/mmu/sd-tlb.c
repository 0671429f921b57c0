/*
 * TLB maintenance (ARM ARM B3.10, B4.2.2) under the short-descriptor
 * format: a descriptor changed in memory without maintenance may still be
 * used (the entry is cached: QEMU and pyxen15 both keep it), and after
 * TLBIMVA, TLBIMVAA, TLBIASID, TLBIALL and their Inner Shareable forms it
 * must not be.  Non-global (nG) entries are tagged with the ASID of
 * CONTEXTIDR (B3.10.3): after an ASID change the old entry must not match.
 * The data-side (DTLB*) forms act on loads; the instruction-side (ITLB*)
 * forms and TLBIMVA on instruction fetches: code reached through a stale
 * entry is the old page's, after the maintenance the new page's.
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
static void op_tlbiasidis_n(void) { TLBIASIDIS(5); }
static void op_tlbimvaais_n(void) { TLBIMVAAIS(VA_N); }
static void op_dtlbiall(void) { DTLBIALL(); }
static void op_dtlbimva_g(void) { DTLBIMVA(VA_G | 5); }
static void op_dtlbiasid_n(void) { DTLBIASID(5); }

/* Instruction fetches: code pages 1 and 2 hold MOV r0, #1 / #2; BX LR */
#define VA_X 0x40002000u
static void code_page(unsigned page, unsigned value)
{
    volatile uint32_t *p = (volatile uint32_t *)TEST_PAGE(page);
    p[0] = MOV_R0(value);
    p[1] = EXEC_STUB;
    dsb();
}

static void fetch_stale_then_gone(const char *op, void (*maint)(void), uint32_t attrs)
{
    sd_small(sd_l2[0], VA_X, TEST_PAGE(6), SP_NORMAL | SP_AP(AP_FULL) | attrs);
    dsb();
    TLBIALL();
    isb();
    put(op);
    put("\n");
    show("  call page 6", probe_call(VA_X));
    sd_small(sd_l2[0], VA_X, TEST_PAGE(7), SP_NORMAL | SP_AP(AP_FULL) | attrs);
    dsb();
    put("  descriptor now points at page 7\n");
    show("  before", probe_call(VA_X));
    maint();
    dsb();
    isb();
    show("  after", probe_call(VA_X));
}

static void op_itlbiall(void) { ITLBIALL(); }
static void op_itlbimva(void) { ITLBIMVA(VA_X | 5); }
static void op_itlbiasid(void) { ITLBIASID(5); }
static void op_tlbimva_n_x(void) { TLBIMVA(VA_X | 5); }

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
    stale_then_gone("TLBIASIDIS 5, nG page", op_tlbiasidis_n, VA_N, SP_NG);
    stale_then_gone("TLBIMVAAIS, nG page", op_tlbimvaais_n, VA_N, SP_NG);
    stale_then_gone("DTLBIALL, global page", op_dtlbiall, VA_G, 0);
    stale_then_gone("DTLBIMVA, global page", op_dtlbimva_g, VA_G, 0);
    stale_then_gone("DTLBIASID 5, nG page", op_dtlbiasid_n, VA_N, SP_NG);
    code_page(6, 6);
    code_page(7, 7);
    fetch_stale_then_gone("ITLBIALL, code page", op_itlbiall, 0);
    fetch_stale_then_gone("ITLBIMVA, code page", op_itlbimva, 0);
    fetch_stale_then_gone("ITLBIASID 5, nG code page", op_itlbiasid, SP_NG);
    fetch_stale_then_gone("TLBIMVA, code page", op_tlbimva_n_x, 0);

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
