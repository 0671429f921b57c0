/*
 * Supersections (ARM ARM B3.5.1: 16 MiB, PA[39:32] in the descriptor), a
 * supersection above 4 GiB (nothing there: synchronous external abort,
 * B3.13.3), and the TTBR0/TTBR1 split by TTBCR.N with TTBCR.PD0/PD1
 * (B3.5.4, B4.1.154).  TTBCR.PD0/PD1 exist only with the Security
 * Extensions (B4.1.154), which neither QEMU's secure=off machine nor
 * pyxen15 has, so they are not probed.
 */
#include "runtime/mmu.h"

#define VA_SUPER  0x41000000u
#define VA_HIGH   0x42000000u
#define VA_SPLIT  0x40000000u     /* below 1 GiB: TTBR0 while N < 3 */
#define VA_SPLIT2 0x90000000u     /* above 2 GiB: TTBR1 from N = 1 */

static void ttbcr(uint32_t v)
{
    set_TTBCR(v);
    TLBIALL();
    dsb();
    isb();
}

int main(void)
{
    fill_test_page(0, 0);
    fill_test_page(0x100, 0);     /* TEST_PA + 1 MiB */
    fill_test_page(0x200, 0);     /* TEST_PA + 2 MiB */
    fill_test_page(0x300, 0);
    fill_test_page(0xf00, 0);
    /* TTBR0's table (sd_l1b) and TTBR1's (sd_l1) both hold the identity
       map; VA_SPLIT and VA_SPLIT2 differ between them. */
    sd_identity(sd_l1);
    sd_identity(sd_l1b);
    sd_supersection(sd_l1b, VA_SUPER, TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_supersection(sd_l1b, VA_HIGH, 0x100000000ull, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1b, VA_SPLIT, TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1, VA_SPLIT, TEST_PA + 0x100000, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1b, 0x00100000, TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1, 0x00100000, TEST_PA + 0x100000, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1b, 0x02000000, TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1b, VA_SPLIT2, TEST_PA + 0x200000, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1, VA_SPLIT2, TEST_PA + 0x300000, SEC_NORMAL | SEC_AP(AP_FULL));
    set_TTBR1((uint32_t)(uintptr_t)sd_l1);
    set_TTBCR(0);
    set_TTBR0((uint32_t)(uintptr_t)sd_l1b);
    set_DACR(DACR(0, DOM_CLIENT));
    TLBIALL();
    isb();
    set_SCTLR(get_SCTLR() | SCTLR_M);
    isb();
    put("sd-super-split: MMU on, TTBCR.N=0\n");

    show("supersection read", probe_ld32(VA_SUPER + 0x10));
    show("supersection read +1 MiB", probe_ld32(VA_SUPER + 0x100040));
    show("supersection read +15 MiB", probe_ld32(VA_SUPER + 0xf00000));
    probe_st32(VA_SUPER + 0x300020, 0x77778888);
    show("supersection write, read back", probe_ld32(TEST_PA + 0x300020));
    show("supersection above 4 GiB read", probe_ld32(VA_HIGH + 0x4));
    probe_st32(VA_HIGH + 0x8, 0);
    show("supersection above 4 GiB write", 0);

    show("N=0 low VA (TTBR0)", probe_ld32(VA_SPLIT + 0x10));
    show("N=0 high VA (TTBR0)", probe_ld32(VA_SPLIT2 + 0x10));
    ttbcr(1);
    show("N=1 low VA (TTBR0)", probe_ld32(VA_SPLIT + 0x10));
    show("N=1 high VA (TTBR1)", probe_ld32(VA_SPLIT2 + 0x10));
    ttbcr(2);
    show("N=2 0x40000000 (TTBR1)", probe_ld32(VA_SPLIT + 0x10));
    show("N=2 0x00100000 (TTBR0)", probe_ld32(0x00100020));
    ttbcr(7);
    show("N=7 0x40000000 (TTBR1)", probe_ld32(VA_SPLIT + 0x18));
    show("N=7 0x00100000 (TTBR0)", probe_ld32(0x00100024));
    show("N=7 0x02000000 (TTBR1, unmapped)", probe_ld32(0x02000000));
    ttbcr(0);
    show("N=0 again", probe_ld32(VA_SPLIT + 0x1c));

    mmu_off();
    put("sd-super-split: done\n");
    return 0;
}
