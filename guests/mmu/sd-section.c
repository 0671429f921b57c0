/*
 * Short-descriptor sections (ARM ARM B3.5.1): a section mapping read and
 * written, section translation faults, every AP[2:0] value checked at PL1
 * and (LDRT/STRT) at PL0 (B3.7.1), and XN/PXN on instruction fetches
 * (B3.7.2).  Fault status codes: B3.13.3, table B3-23.
 */
#include "runtime/mmu.h"

#define VA(n) (0x40000000u + ((uint32_t)(n) << 20))

int main(void)
{
    fill_test_page(0, 1);
    sd_identity(sd_l1);
    sd_section(sd_l1, VA(0), TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    /* VA(1) stays unmapped */
    sd_section(sd_l1, VA(2), TEST_PA, SEC_NORMAL | SEC_AP(AP_PRIV));
    sd_section(sd_l1, VA(3), TEST_PA, SEC_NORMAL | SEC_AP(AP_PRIV_RO));
    sd_section(sd_l1, VA(4), TEST_PA, SEC_NORMAL | SEC_AP(AP_USER_RO));
    sd_section(sd_l1, VA(5), TEST_PA, SEC_NORMAL | SEC_AP(AP_RO));
    sd_section(sd_l1, VA(6), TEST_PA, SEC_NORMAL | SEC_AP(AP_NONE));
    sd_section(sd_l1, VA(7), TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL) | SEC_XN);
    sd_section(sd_l1, VA(8), TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL) | SEC_PXN);
    sd_mmu_on(0, DACR(0, DOM_CLIENT), 0);
    put("sd-section: MMU on\n");

    show("read mapped", probe_ld32(VA(0) + 0x10));
    show("read mapped byte", probe_ld8(VA(0) + 0x13));
    show("read mapped half", probe_ld16(VA(0) + 0x12));
    probe_st32(VA(0) + 0x20, 0x12345678);
    show("write mapped", 0);
    show("  read back via identity", probe_ld32(TEST_PA + 0x20));
    show("read unmapped", probe_ld32(VA(1) + 0x44));
    probe_st8(VA(1) + 0x45, 1);
    show("write unmapped", 0);

    show("AP=001 PL1 read", probe_ld32(VA(2) + 4));
    show("AP=001 PL0 read", probe_ldrt(VA(2) + 4));
    probe_strt(VA(2) + 8, 1);
    show("AP=001 PL0 write", 0);
    show("AP=101 PL1 read", probe_ld32(VA(3) + 4));
    probe_st32(VA(3) + 8, 1);
    show("AP=101 PL1 write", 0);
    show("AP=101 PL0 read", probe_ldrt(VA(3) + 4));
    show("AP=010 PL0 read", probe_ldrt(VA(4) + 4));
    probe_strt(VA(4) + 8, 1);
    show("AP=010 PL0 write", 0);
    probe_st32(VA(4) + 0x30, 0xa5a5a5a5);
    show("AP=010 PL1 write", probe_ld32(VA(4) + 0x30));
    show("AP=111 PL0 read", probe_ldrt(VA(5) + 4));
    probe_st32(VA(5) + 8, 1);
    show("AP=111 PL1 write", 0);
    show("AP=000 PL1 read", probe_ld32(VA(6) + 4));
    show("AP=011 PL0 read", probe_ldrt(VA(0) + 4));
    probe_strt(VA(0) + 0x40, 0x0badcafe);
    show("AP=011 PL0 write", probe_ld32(VA(0) + 0x40));

    /* the same faults from T32 code: 16-bit and 32-bit encodings */
    show("T16 LDR unmapped", probe_t16_ld32(VA(1) + 0x50));
    show("T32 LDR.W unmapped", probe_t32_ld32_r12(VA(1) + 0x54));
    probe_t16_st16(VA(3) + 0x58, 0);
    show("T16 STRH AP=101", 0);
    show("T32 LDRT AP=001", probe_t32_ldrt(VA(2) + 0x5c));
    show("T16 LDR AP=001", probe_t16_ld32(VA(2) + 0x60));

    show("exec mapped", probe_exec(VA(0)));
    show("exec XN", probe_exec(VA(7)));
    show("exec PXN at PL1", probe_exec(VA(8)));
    show("exec unmapped", probe_exec(VA(1)));
    show("read XN", probe_ld32(VA(7) + 4));

    mmu_off();
    put("sd-section: done\n");
    return 0;
}
