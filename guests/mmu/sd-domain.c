/*
 * Domains (ARM ARM B3.7.3, DACR B4.1.43): No access gives a domain fault
 * (section 0x09, page 0x0b, with the domain in DFSR[7:4]); Client checks the
 * AP bits; Manager does not check them.  Instruction fetches too.
 */
#include "runtime/mmu.h"

#define VA(n) (0x40000000u + ((uint32_t)(n) << 20))

int main(void)
{
    fill_test_page(0, 1);
    sd_identity(sd_l1);
    sd_section(sd_l1, VA(0), TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL) | SEC_DOM(1));
    sd_section(sd_l1, VA(1), TEST_PA, SEC_NORMAL | SEC_AP(AP_NONE) | SEC_DOM(2));
    sd_section(sd_l1, VA(2), TEST_PA, SEC_NORMAL | SEC_AP(AP_PRIV_RO) | SEC_DOM(2));
    sd_section(sd_l1, VA(3), TEST_PA, SEC_NORMAL | SEC_AP(AP_PRIV_RO) | SEC_DOM(3));
    sd_section(sd_l1, VA(4), TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL) | SEC_DOM(15));
    sd_table(sd_l1, VA(5), sd_l2[0], PT_DOM(4));
    sd_small(sd_l2[0], VA(5), TEST_PAGE(0), SP_NORMAL | SP_AP(AP_FULL));
    sd_table(sd_l1, VA(6), sd_l2[1], PT_DOM(2));
    sd_small(sd_l2[1], VA(6), TEST_PAGE(0), SP_NORMAL | SP_AP(AP_PRIV) | SP_XN);
    uint32_t dacr = DACR(0, DOM_CLIENT) | DACR(1, DOM_NOACCESS) | DACR(2, DOM_MANAGER)
                  | DACR(3, DOM_CLIENT) | DACR(4, DOM_NOACCESS) | DACR(15, DOM_NOACCESS);
    sd_mmu_on(0, dacr, 0);
    put("sd-domain: MMU on\n");

    show("no-access domain 1 read", probe_ld32(VA(0) + 4));
    probe_st32(VA(0) + 4, 0);
    show("no-access domain 1 write", 0);
    show("no-access domain 1 exec", probe_exec(VA(0)));
    show("no-access domain 15 read", probe_ld32(VA(4) + 8));
    show("no-access domain 4 page read", probe_ld32(VA(5) + 0xc));
    show("no-access domain 4 page exec", probe_exec(VA(5)));
    show("manager AP=000 read", probe_ld32(VA(1) + 4));
    probe_st32(VA(1) + 0x100, 0x600df00d);
    show("manager AP=000 write", probe_ld32(VA(1) + 0x100));
    show("manager AP=000 PL0 read", probe_ldrt(VA(1) + 4));
    probe_st32(VA(2) + 0x104, 0x11112222);
    show("manager AP=101 write", probe_ld32(VA(2) + 0x104));
    probe_st32(VA(3) + 0x108, 0);
    show("client AP=101 write", 0);
    show("manager AP=001 XN page PL0 read", probe_ldrt(VA(6) + 4));

    /* The same section after DACR changes: no TLB maintenance is needed,
       DACR is not cached in the TLB (B3.10.1). */
    set_DACR(dacr | DACR(1, DOM_CLIENT));
    isb();
    show("domain 1 made client, read", probe_ld32(VA(0) + 4));
    set_DACR(dacr | DACR(3, DOM_MANAGER));
    isb();
    probe_st32(VA(3) + 0x10c, 0x33334444);
    show("domain 3 made manager, write", probe_ld32(VA(3) + 0x10c));

    mmu_off();
    put("sd-domain: done\n");
    return 0;
}
