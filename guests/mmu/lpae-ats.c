/*
 * Address translation operations under the long-descriptor format (ARM
 * ARM B4.2.3): ATS1CPR/CPW/CUR/CUW write PAR in the 64-bit format
 * (B4.1.112: PA[39:12], the MAIR attribute byte in PAR[63:56], SH, NS;
 * or F with FST), read with MRRC; an MRC of PAR reads its low word.
 */
#include "runtime/mmu.h"

static void ats(const char *label, int op, uint32_t va)
{
    switch (op) {
    case 0: ATS1CPR(va); break;
    case 1: ATS1CPW(va); break;
    case 2: ATS1CUR(va); break;
    default: ATS1CUW(va); break;
    }
    isb();
    show_par64(label, get_PAR64());
}

int main(void)
{
    static const char *ops[] = {"ATS1CPR", "ATS1CPW", "ATS1CUR", "ATS1CUW"};
    uint64_t *l1 = ld_tables[0], *l2 = ld_tables[1], *l3 = ld_tables[2];
    ld_identity(l1, LD_NORMAL, LD_DEV);
    ld_clear(l2);
    ld_clear(l3);
    l1[1] = (uint64_t)(uintptr_t)l2 | LD_TABLE;
    l1[3] = 0xff40000000ull | LD_ATTR(ATTR_WB) | LD_SH(3) | LD_AF | LD_AP(LAP_RO) | LD_BLOCK;
    l2[0] = TEST_PA | LD_ATTR(ATTR_WB) | LD_SH(3) | LD_AF | LD_AP(LAP_FULL) | LD_BLOCK;
    l2[1] = (uint64_t)(uintptr_t)l3 | LD_TABLE;
    l2[2] = 0x1234400000ull | LD_ATTR(ATTR_DEVICE) | LD_AF | LD_AP(LAP_PRIV) | LD_BLOCK;
    l2[3] = TEST_PA | LD_ATTR(ATTR_NC) | LD_BLOCK;                    /* AF=0 */
    l3[0] = TEST_PAGE(1) | LD_ATTR(ATTR_SO) | LD_AF | LD_AP(LAP_PRIV_RO) | LD_PAGE;
    l3[1] = TEST_PAGE(2) | LD_ATTR(ATTR_NC) | LD_SH(2) | LD_AF | LD_AP(LAP_FULL) | LD_NG | LD_PAGE;
    ld_mmu_on(0, (uint64_t)(uintptr_t)l1, 0, 0);
    put("lpae-ats: MMU on\n");

    static const uint32_t vas[] = {
        0x40000123, 0xc1234567, 0x40489abc, 0x40200fff, 0x40201004, 0x40202000,
        0x40600000, 0x40c00000,
    };
    static const char *what[] = {
        "2 MiB WB ISH", "1 GiB RO PA 0xff40000000", "2 MiB Device PL1 PA 0x1234400000",
        "page SO PL1 RO", "page NC OSH nG", "invalid page", "AF=0 block", "invalid level 2",
    };
    for (unsigned v = 0; v < sizeof vas / sizeof vas[0]; v++) {
        for (int op = 0; op < 4; op++) {
            char label[64];
            unsigned n = 0;
            for (const char *s = ops[op]; *s; s++)
                label[n++] = *s;
            label[n++] = ' ';
            for (const char *s = what[v]; *s; s++)
                label[n++] = *s;
            label[n] = 0;
            ats(label, op, vas[v]);
        }
    }
    show("no abort was taken", 0);
    ATS1CPR(0x40000010);
    isb();
    put("MRC PAR (low word):");
    puthex(get_PAR() & 0xfffff3ffu, 8);
    put("\n");

    mmu_off();
    put("lpae-ats: done\n");
    return 0;
}
