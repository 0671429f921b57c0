/*
 * TEX remap (SCTLR.TRE with PRRR/NMRR, ARM ARM B3.8.3) seen through the
 * memory type it selects: an unaligned LDR is allowed on Normal memory but
 * takes an alignment fault on Device and Strongly-ordered memory (A3.2.1,
 * A3.5.6); PAR (32-bit format) is printed too, without the attribute bits
 * QEMU does not report (runtime/mmu.c, show_par32).  Then the
 * access flag (SCTLR.AFE, B3.7.4): AP[0] becomes the AF, a clear AF gives
 * an access flag fault (section 0x03, page 0x06) until software sets it and
 * invalidates the TLB entry.
 */
#include "runtime/mmu.h"

#define VA(n) (0x40000000u + ((uint32_t)(n) << 20))
/* TEX[0]:C:B of a short descriptor: the index into PRRR/NMRR under TRE */
#define SEC_IDX(i) ((((i) >> 2) & 1 ? SEC_TEX(1) : 0) | ((i) & 2 ? SEC_C : 0) | ((i) & 1 ? SEC_B : 0))
/* PRRR.TRn: 0 SO, 1 Device, 2 Normal.  0: SO, 1: Device (the UART's
   index), 2: Normal, 3: Device, 4: Normal (the identity map's index),
   5: Normal, 6: SO, 7: Normal; DS1, NS1 and NOS bits set. */
#define PRRR_GUEST (0x0u | 0x1u << 2 | 0x2u << 4 | 0x1u << 6 | 0x2u << 8 | 0x2u << 10 \
                    | 0x0u << 12 | 0x2u << 14 | 1u << 17 | 1u << 19 | 0xa0u << 24)
#define NMRR_GUEST 0x00500050u  /* regions 2, 3: inner and outer write-back (B4.1.107) */

int main(void)
{
    fill_test_page(0, 1);
    sd_identity(sd_l1);
    for (unsigned i = 0; i < 8; i++)
        sd_section(sd_l1, VA(i), TEST_PA, SEC_IDX(i) | SEC_AP(AP_FULL));
    sd_mmu_on(0, DACR(0, DOM_CLIENT), 0);
    put("sd-remap-af: MMU on, TRE=0\n");
    static const unsigned tre0[] = {0, 1, 2, 3, 4, 7};   /* 5, 6: reserved, IMP DEF */
    for (unsigned j = 0; j < 6; j++) {
        unsigned i = tre0[j];
        char label[] = "TRE=0 index 0 unaligned read";
        label[12] = (char)('0' + i);
        show(label, probe_ld32(VA(i) + 0x11));
        ATS1CPR(VA(i));
        isb();
        label[13] = 0;
        show_par32(label, get_PAR());
    }

    set_PRRR(PRRR_GUEST);
    set_NMRR(NMRR_GUEST);
    set_SCTLR(get_SCTLR() | SCTLR_TRE);
    TLBIALL();
    dsb();
    isb();
    put("sd-remap-af: TRE=1\n");
    for (unsigned i = 0; i < 8; i++) {
        char label[] = "TRE=1 index 0 unaligned read";
        label[12] = (char)('0' + i);
        show(label, probe_ld32(VA(i) + 0x11));
        ATS1CPR(VA(i));
        isb();
        label[13] = 0;
        show_par32(label, get_PAR());
    }
    set_SCTLR(get_SCTLR() & ~SCTLR_TRE);
    isb();
    mmu_off();

    /* The access flag.  Under AFE, AP[2:1] are the permissions (B3.7.1):
       AP_FULL (011) = AF set, read/write at PL1 and PL0. */
    sd_identity(sd_l1);
    sd_section(sd_l1, VA(0), TEST_PA, SEC_NORMAL | SEC_AP(2));        /* AF=0, RW both */
    sd_section(sd_l1, VA(1), TEST_PA, SEC_NORMAL | SEC_AP(1));        /* AF=1, PL1 only */
    sd_section(sd_l1, VA(2), TEST_PA, SEC_NORMAL | SEC_AP(7));        /* AF=1, RO both */
    sd_section(sd_l1, VA(3), TEST_PA, SEC_NORMAL | SEC_AP(6));        /* AF=0, RO both */
    sd_table(sd_l1, VA(4), sd_l2[0], PT_DOM(0));
    sd_small(sd_l2[0], VA(4), TEST_PAGE(0), SP_NORMAL | SP_AP(2));    /* AF=0 */
    sd_small(sd_l2[0], VA(4) + 0x1000, TEST_PAGE(0), SP_NORMAL | SP_AP(3));
    sd_mmu_on(0, DACR(0, DOM_CLIENT), SCTLR_AFE);
    put("sd-remap-af: AFE=1\n");
    show("AF=0 section read", probe_ld32(VA(0) + 4));
    probe_st32(VA(0) + 8, 0);
    show("AF=0 section write", 0);
    show("AF=0 section exec", probe_exec(VA(0)));
    show("AF=0 section PL0 read", probe_ldrt(VA(0) + 4));
    show("AP[2:1]=00 section PL1 read", probe_ld32(VA(1) + 4));
    show("AP[2:1]=00 section PL0 read", probe_ldrt(VA(1) + 4));
    probe_st32(VA(2) + 8, 0);
    show("AP[2:1]=11 section write", 0);
    probe_st32(VA(3) + 8, 0);
    show("AF=0 read-only section write", 0);
    show("AF=0 page read", probe_ld32(VA(4) + 4));
    show("AF=0 page exec", probe_exec(VA(4)));
    show("AF=1 page read", probe_ld32(VA(4) + 0x1004));
    /* software sets the AF and invalidates the entry (B3.7.4) */
    sd_l1[VA(0) >> 20] |= SEC_AP(1);
    sd_l2[0][(VA(4) >> 12) & 0xff] |= SP_AP(1);
    dsb();
    TLBIMVA(VA(0));
    TLBIMVA(VA(4));
    dsb();
    isb();
    show("AF set, section read", probe_ld32(VA(0) + 4));
    show("AF set, page read", probe_ld32(VA(4) + 4));

    mmu_off();
    put("sd-remap-af: done\n");
    return 0;
}
