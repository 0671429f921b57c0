/*
 * HYP traps on the PL1 translation controls (ARM ARM B1.14.x "Trapping
 * accesses to virtual memory controls", B4.1.65 HCR): HCR.TVM traps PL1
 * writes of SCTLR, TTBR0/1 (MCR and MCRR), TTBCR, DACR, the fault status
 * and address registers, PRRR/NMRR, AMAIR0/1 and CONTEXTIDR to HYP (EC 0x03
 * or 0x04, with the encoding, Rt and the direction in HSR); the written
 * value does not land; reads are not trapped.  HCR.TTLB traps the TLB
 * maintenance operations.  Then the same with the traps off.
 */
#include "runtime/mmu.h"

#define HCR_TTLB (1u << 25)
#define HCR_TVM  (1u << 26)

static uint32_t hyp_hcr(uint32_t hcr, uint32_t b, uint32_t c)
{
    (void)b, (void)c;
    set_HCR(hcr);
    isb();
    return 0;
}

static void writes(const char *mode)
{
    char label[48];
    unsigned n = 0;
    for (const char *s = mode; *s; s++)
        label[n++] = *s;
    label[n++] = ' ';
#define W(name, stmt) do { \
        unsigned k = n; \
        for (const char *s = name; *s; s++) \
            label[k++] = *s; \
        label[k] = 0; \
        stmt; \
        isb(); \
        show(label, 0); \
    } while (0)
    uint32_t ttbcr = MRC(0, c2, c0, 2);
    W("MCR SCTLR", set_SCTLR(get_SCTLR()));
    W("MCR TTBR0", set_TTBR0(0x80004000));
    W("MCR TTBR1", set_TTBR1(0x80008000));
    W("MCR TTBCR", set_TTBCR(ttbcr));
    W("MCR DACR", set_DACR(0x55555555));
    W("MCR DFSR", MCR(0, c5, c0, 0, 0x5));
    W("MCR IFSR", MCR(0, c5, c0, 1, 0x7));
    W("MCR ADFSR", MCR(0, c5, c1, 0, 0));
    W("MCR AIFSR", MCR(0, c5, c1, 1, 0));
    W("MCR DFAR", MCR(0, c6, c0, 0, 0x1234));
    W("MCR IFAR", MCR(0, c6, c0, 2, 0x5678));
    W("MCR PRRR", set_PRRR(0x000a8aa4));
    W("MCR NMRR", set_NMRR(0x44e048e0));
    W("MCR AMAIR0", MCR(0, c10, c3, 0, 0));
    W("MCR AMAIR1", MCR(0, c10, c3, 1, 0));
    W("MCR CONTEXTIDR", set_CONTEXTIDR(0x42));
    W("MCRR TTBR0", set_TTBR0_64(0x0001000080004000ull));
    W("MCRR TTBR1", set_TTBR1_64(0x80008000ull));
    W("MRC SCTLR", (void)get_SCTLR());
    W("MRC TTBCR", (void)MRC(0, c2, c0, 2));
    W("MRRC TTBR0", (void)MRRC(0, c2));
    W("TLBIALL", TLBIALL());
    W("TLBIMVA", TLBIMVA(0x40000000));
    W("TLBIASID", TLBIASID(1));
    W("TLBIMVAA", TLBIMVAA(0x40000000));
    W("TLBIALLIS", TLBIALLIS());
    W("TLBIMVAIS", TLBIMVAIS(0x40000000));
    W("ITLBIALL", MCR(0, c8, c5, 0, 0));
    W("DTLBIMVA", MCR(0, c8, c6, 1, 0x40000000));
    W("ATS1CPR", ATS1CPR(0x80000000));
#undef W
}

int main(void)
{
    put("hyp-traps: TVM and TTLB on\n");
    uint32_t before_dacr = MRC(0, c3, c0, 0), before_ctx = MRC(0, c13, c0, 1);
    hyp_call(hyp_hcr, HCR_TVM | HCR_TTLB, 0, 0);
    writes("trapped");
    hyp_call(hyp_hcr, 0, 0, 0);
    show("DACR unchanged", MRC(0, c3, c0, 0) == before_dacr);
    show("CONTEXTIDR unchanged", MRC(0, c13, c0, 1) == before_ctx);
    show("DFAR unchanged", MRC(0, c6, c0, 0) != 0x1234);
    put("hyp-traps: traps off\n");
    writes("untrapped");
    show("DFAR written", MRC(0, c6, c0, 0));
    show("DACR written", MRC(0, c3, c0, 0));
    set_DACR(before_dacr);
    show("CONTEXTIDR written", MRC(0, c13, c0, 1));
    set_CONTEXTIDR(0);
    set_TTBR0_64(0);
    set_TTBR1_64(0);
    isb();
    put("hyp-traps: done\n");
    return 0;
}
