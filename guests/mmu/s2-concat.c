/*
 * Stage 2 with concatenated first-level tables and 40-bit IPAs (ARM ARM
 * B3.6.6 "Determining the required first lookup level for stage 2", VTCR
 * B4.1.159): T0SZ=-8 with SL0=1 starts at level 1 with two concatenated
 * tables (1024 entries, IPA[39:30]); T0SZ=0 with SL0=0 starts at level 2
 * with four (2048 entries, IPA[31:21]).  Stage 1 (LPAE) makes IPAs above
 * 4 GiB; an IPA above the stage-2 input size faults.
 */
#include "runtime/mmu.h"

#define VTCR_40BIT (VTCR_RES1 | VTCR_SL0(1) | VTCR_S | VTCR_T0SZ(-8))
#define VTCR_32BIT_L2 (VTCR_RES1 | VTCR_SL0(0) | VTCR_T0SZ(0))

int main(void)
{
    fill_test_page(0, 0);
    fill_test_page(0x200, 0);
    fill_test_page(0x400, 0);
    uint64_t *c = &s2_concat[0][0];            /* 2048 entries, as one array */
    for (unsigned i = 0; i < 2048; i++)
        c[i] = 0;
    /* level 1, IPA[39:30]: identity for the low GiB and RAM, then RAM again
       at IPA 4 GiB (index 4), 512 GiB (index 512: the second table) and
       1023 GiB (its last entry) */
    c[0] = 0x00000000ull | S2_DEVICE | S2_AP(S2AP_RW) | LD_BLOCK;
    c[2] = (uint64_t)RAM_PA | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;
    c[4] = (uint64_t)RAM_PA | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;
    c[512] = (uint64_t)RAM_PA | S2_NORMAL | S2_AP(S2AP_RO) | LD_BLOCK;
    c[1023] = (uint64_t)RAM_PA | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;
    hyp_call(hyp_stage2, (uint32_t)(uintptr_t)c, VTCR_40BIT | VMID_ARG(3), HCR_VM);

    /* stage 1: identity, and 2 MiB blocks at VA 0x40000000 to high IPAs */
    uint64_t *l1 = ld_tables[0], *l2 = ld_tables[1];
    ld_identity(l1, LD_NORMAL, LD_DEV);
    ld_clear(l2);
    l1[1] = (uint64_t)(uintptr_t)l2 | LD_TABLE;
    l2[0] = 0x0108000000ull | LD_NORMAL | LD_BLOCK;      /* -> PA TEST_PA */
    l2[1] = 0xffc8000000ull | LD_NORMAL | LD_BLOCK;      /* -> PA TEST_PA */
    l2[2] = 0x8008200000ull | LD_NORMAL | LD_BLOCK;      /* -> PA TEST_PA + 2 MiB, RO */
    l2[3] = 0x0300000000ull | LD_NORMAL | LD_BLOCK;      /* unmapped at stage 2 */
    l2[4] = 0x0208400000ull | LD_NORMAL | LD_BLOCK;      /* unmapped */
    ld_mmu_on(0, (uint64_t)(uintptr_t)l1, 0, 0);
    put("s2-concat: 40-bit IPA, level 1 start, two tables\n");
    show("IPA 0x0108000000 (table 0, index 4)", probe_ld32(0x40000010));
    show("IPA 0xffc8000000 (table 1, last)", probe_ld32(0x40200010));
    show("IPA 0x8008200000 (table 1, first)", probe_ld32(0x40400010));
    probe_st32(0x40400014, 0);
    show("  write (S2AP read-only)", 0);
    show("IPA 0x0300000000 (unmapped)", probe_ld32(0x40600010));
    show("IPA 0x0208400000 (unmapped)", probe_ld32(0x40800018));
    ATS1CPR(0x40200010);
    isb();
    show_par("ATS1CPR 0x40200010 (the IPA)");
    hyp_call(hyp_ats12nso, 0x40200010, 0, 0);
    show_par("ATS12NSOPR 0x40200010 (the PA)");
    hyp_call(hyp_ats12nso, 0x40600010, 0, 0);
    show_par("ATS12NSOPR 0x40600010");

    /* a 32-bit IPA space: stage-1 output above 4 GiB is out of range.
       Stage 2 goes off while its tables are rewritten. */
    hyp_call(hyp_stage2, (uint32_t)(uintptr_t)c, VTCR_RES1, 0);
    for (unsigned i = 0; i < 2048; i++)
        c[i] = 0;
    c[UART_MB >> 21] = (uint64_t)UART_MB | S2_DEVICE | S2_AP(S2AP_RW) | LD_BLOCK;
    for (unsigned mb = 0; mb < RAM_MB; mb += 2)
        c[(RAM_PA >> 21) + (mb >> 1)] = ((uint64_t)RAM_PA + ((uint64_t)mb << 20))
                                        | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;
    c[0x40000000 >> 21] = TEST_PA | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;
    l2[5] = 0x0040000000ull | LD_NORMAL | LD_BLOCK;
    l2[6] = 0x0040200000ull | LD_NORMAL | LD_BLOCK;
    dsb();
    hyp_call(hyp_stage2, (uint32_t)(uintptr_t)c, VTCR_32BIT_L2 | VMID_ARG(3), HCR_VM);
    TLBIALL();
    dsb();
    isb();
    put("s2-concat: 32-bit IPA, level 2 start, four tables\n");
    show("IPA 0x40000000 (table 2, first)", probe_ld32(0x40a00010));
    show("IPA 0x40200000 (unmapped)", probe_ld32(0x40c00010));
    show("IPA 0x0108000000 (out of range)", probe_ld32(0x40000010));
    show("RAM via table 3", probe_ld32(TEST_PA + 0x10));

    mmu_off();
    hyp_call(hyp_stage2, (uint32_t)(uintptr_t)c, VTCR_RES1, 0);
    put("s2-concat: done\n");
    return 0;
}
