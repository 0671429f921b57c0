/*
 * Address translation operations under the short-descriptor format (ARM
 * ARM B4.2.3): ATS1CPR/CPW/CUR/CUW, with PAR in the 32-bit format
 * (B4.1.112), read with MRC and as the 64-bit PAR with MRRC.  A fault
 * reports its FS in PAR and changes neither DFSR nor DFAR; nothing is
 * taken.
 */
#include "runtime/mmu.h"

#define VA(n) (0x40000000u + ((uint32_t)(n) << 20))

static void ats(const char *label, int op, uint32_t va)
{
    switch (op) {
    case 0: ATS1CPR(va); break;
    case 1: ATS1CPW(va); break;
    case 2: ATS1CUR(va); break;
    default: ATS1CUW(va); break;
    }
    isb();
    show_par32(label, get_PAR());
}

int main(void)
{
    static const char *ops[] = {"ATS1CPR", "ATS1CPW", "ATS1CUR", "ATS1CUW"};
    sd_identity(sd_l1);
    sd_section(sd_l1, VA(0), TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1, VA(1), TEST_PA + 0x100000, SEC_NORMAL | SEC_AP(AP_PRIV));
    sd_section(sd_l1, VA(2), TEST_PA, SEC_NORMAL | SEC_AP(AP_USER_RO));
    sd_section(sd_l1, VA(3), TEST_PA, SEC_NORMAL | SEC_AP(AP_RO));
    /* VA(4) unmapped */
    sd_section(sd_l1, VA(5), TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL) | SEC_DOM(1));
    sd_table(sd_l1, VA(6), sd_l2[0], PT_DOM(0));
    sd_small(sd_l2[0], VA(6) + 0x3000, TEST_PAGE(7), SP_NORMAL | SP_AP(AP_PRIV_RO));
    sd_large(sd_l2[0], VA(6) + 0x10000, TEST_PA + 0x50000, LP_NORMAL | SP_AP(AP_FULL));
    sd_supersection(sd_l1, 0x41000000, TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));

    put("sd-ats: MMU off\n");
    ats("MMU off ATS1CPR", 0, 0x12345678);
    sd_mmu_on(0, DACR(0, DOM_CLIENT) | DACR(1, DOM_NOACCESS), 0);
    put("sd-ats: MMU on\n");
    static const uint32_t vas[] = {
        VA(0) + 0x123, VA(1) + 0x456, VA(2) + 0x789, VA(3) + 0xabc, VA(4),
        VA(5) + 4, VA(6) + 0x3abc, VA(6) + 0x1f004, VA(6) + 0x4000, 0x41234567,
    };
    static const char *what[] = {
        "AP=011", "AP=001", "AP=010", "AP=111", "unmapped", "no-access domain",
        "small AP=101", "large", "invalid page", "supersection",
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
    ATS1CPR(VA(1) + 0x10);
    isb();
    uint64_t par = get_PAR64();
    put("MRRC PAR after ATS1CPR:");
    puthex((uint32_t)(par >> 32), 8);
    put("_");
    puthex((uint32_t)par & 0xfffff203u, 8);
    put("\n");

    mmu_off();
    put("sd-ats: done\n");
    return 0;
}
