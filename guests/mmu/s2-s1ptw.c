/*
 * Stage 1 under stage 2 (ARM ARM B3.12 "Two stages of translation"): the
 * stage-1 tables live at IPAs, so a stage-1 walk can itself take a stage-2
 * fault (HSR.S1PTW=1, HPFAR = the table's IPA, B3.13.6), also on an
 * instruction fetch and from an ATS1CPR (taken to HYP with CM=1, B4.2.3);
 * HCR.PTW makes a walk into stage-2 Device memory a stage-2 permission
 * fault (B4.1.65).  Stage-1 and stage-2 permissions combine: the stage-1
 * fault goes to PL1, the stage-2 fault to HYP.  ATS12NSOPR reports a walk
 * fault with PAR.S2WLK.
 */
#include "runtime/mmu.h"

#define T_L2   0x40000000u     /* IPA of stage-1 level 2 table (RAM) */
#define T_NONE 0x40001000u     /* IPA of a stage-1 table stage 2 does not map */
#define T_DEV  0x40002000u     /* IPA of a stage-1 level 3 table in stage-2 Device memory */
#define D_IPA  0x40400000u     /* data: 2 MiB at stage 2 -> TEST_PA */

static uint64_t *s1l1, *s1l2, *s1l3, *s2l1, *s2l2, *s2l3;

static void stage2(uint32_t hcr)
{
    hyp_call(hyp_stage2, (uint32_t)(uintptr_t)s2l1,
             VTCR_RES1 | VTCR_SL0(1) | VTCR_T0SZ(0) | VMID_ARG(4), hcr);
}

int main(void)
{
    for (unsigned i = 0; i < 4; i++)
        fill_test_page(i, i == 0);
    fill_test_page(0x100, 0);
    s1l1 = ld_tables[0];
    s1l2 = ld_tables[1];
    s1l3 = ld_tables[2];
    s2l1 = ld_tables[3];
    s2l2 = ld_tables[4];
    s2l3 = ld_tables[5];
    for (unsigned t = 0; t < 6; t++)
        ld_clear(ld_tables[t]);
    /* stage 2: identity for the UART and RAM; IPA 0x40000000-0x401fffff by pages */
    s2l1[0] = 0x00000000ull | S2_DEVICE | S2_AP(S2AP_RW) | LD_BLOCK;
    s2l1[1] = (uint64_t)(uintptr_t)s2l2 | LD_TABLE;
    s2l1[2] = (uint64_t)RAM_PA | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;
    s2l2[0] = (uint64_t)(uintptr_t)s2l3 | LD_TABLE;
    s2l2[2] = TEST_PA | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;                 /* D_IPA */
    s2l2[3] = (TEST_PA + 0x100000) | S2_NORMAL | S2_AP(S2AP_RO) | LD_BLOCK;    /* D_IPA + 2 MiB */
    s2l2[5] = TEST_PA | S2_MEMATTR(0xf) | LD_SH(3) | LD_AF | S2_AP(S2AP_RW) | LD_BLOCK;  /* WB */
    s2l2[6] = TEST_PA | S2_DEVICE | S2_AP(S2AP_RW) | LD_BLOCK;
    s2l2[7] = TEST_PA | S2_MEMATTR(0xa) | LD_SH(2) | LD_AF | S2_AP(S2AP_RW) | LD_BLOCK;  /* WT */
    s2l3[0] = (uint64_t)(uintptr_t)s1l2 | S2_NORMAL | S2_AP(S2AP_RO) | LD_PAGE;   /* T_L2 */
    /* s2l3[1] (T_NONE) invalid */
    s2l3[2] = (uint64_t)(uintptr_t)s1l3 | S2_DEVICE | S2_AP(S2AP_RW) | LD_PAGE;   /* T_DEV */
    /* stage 1: identity, VA 0x40000000 GiB via the level 2 table at IPA T_L2,
       VA 0xc0000000 GiB via a table at the unmapped IPA T_NONE */
    ld_identity(s1l1, LD_NORMAL, LD_DEV);
    s1l1[1] = (uint64_t)T_L2 | LD_TABLE;
    s1l1[3] = (uint64_t)T_NONE | LD_TABLE;
    s1l2[0] = (uint64_t)D_IPA | LD_NORMAL | LD_AP(LAP_FULL) | LD_BLOCK;         /* 0x40000000 */
    s1l2[1] = (uint64_t)D_IPA | LD_NORMAL | LD_AP(LAP_RO) | LD_BLOCK;           /* 0x40200000 */
    s1l2[2] = (uint64_t)(D_IPA + 0x200000) | LD_NORMAL | LD_AP(LAP_FULL) | LD_BLOCK;  /* 0x40400000 */
    s1l2[3] = (uint64_t)T_DEV | LD_TABLE;                                      /* 0x40600000 */
    s1l2[4] = 0x40800000ull | LD_NORMAL | LD_AP(LAP_FULL) | LD_BLOCK;          /* IPA unmapped */
    s1l3[0] = (uint64_t)D_IPA | LD_NORMAL | LD_AP(LAP_FULL) | LD_PAGE;
    /* memory attributes of both stages combined (ARM ARM, "Combining the
       stage 1 and stage 2 memory attributes"), seen through ATS12NSOPR's PAR */
    s1l2[5] = 0x40a00000ull | LD_ATTR(ATTR_WB) | LD_SH(3) | LD_AF | LD_BLOCK;  /* WB + WB */
    s1l2[6] = 0x40c00000ull | LD_ATTR(ATTR_WB) | LD_SH(3) | LD_AF | LD_BLOCK;  /* WB + Device */
    s1l2[7] = 0x40a00000ull | LD_ATTR(ATTR_NC) | LD_AF | LD_BLOCK;             /* NC + WB */
    s1l2[8] = 0x40e00000ull | LD_ATTR(ATTR_WB) | LD_SH(3) | LD_AF | LD_BLOCK;  /* WB + WT */
    s1l2[9] = 0x40e00000ull | LD_ATTR(ATTR_DEVICE) | LD_AF | LD_BLOCK;         /* Device + WT */
    dsb();
    stage2(HCR_VM);
    ld_mmu_on(0, (uint64_t)(uintptr_t)s1l1, 0, 0);
    put("s2-s1ptw: stage 1 (LPAE) over stage 2\n");

    show("read via IPA table", probe_ld32(0x40000010));
    show("read, walk into unmapped IPA", probe_ld32(0xc0000010));
    probe_st32(0xc0000014, 0);
    show("write, walk into unmapped IPA", 0);
    show("exec, walk into unmapped IPA", probe_exec(0xc0000000));
    show("read, output IPA unmapped", probe_ld32(0x40800010));
    probe_st32(0x40200020, 0);
    show("write, stage 1 RO, stage 2 RW", 0);
    probe_st32(0x40400020, 0);
    show("write, stage 1 RW, stage 2 RO", 0);
    show("read, stage 1 RW, stage 2 RO", probe_ld32(0x40400024));
    show("read via table in stage-2 Device, PTW=0", probe_ld32(0x40600030));

    ATS1CPR(0x40000010);
    isb();
    show_par("ATS1CPR mapped (IPA)");
    ATS1CPR(0xc0000010);        /* a stage-2 fault on its walk: an abort to HYP */
    isb();
    show("ATS1CPR walk into unmapped IPA", 0);
    hyp_call(hyp_ats12nso, 0xc0000010, 0, 0);
    show_par("ATS12NSOPR walk into unmapped IPA");
    hyp_call(hyp_ats12nso, 0x40800010, 0, 0);
    show_par("ATS12NSOPR output IPA unmapped");
    hyp_call(hyp_ats12nso, 0x40400010, 1, 0);
    show_par("ATS12NSOPW stage 2 RO");
    hyp_call(hyp_ats12nso, 0x40200010, 1, 0);
    show_par("ATS12NSOPW stage 1 RO");
    static const char *combos[] = {"WB+WB", "WB+Device", "NC+WB", "WB+WT", "Device+WT"};
    for (unsigned i = 0; i < 5; i++) {
        char label[32] = "ATS12NSOPR ", alone[32] = "  ATS1CPR ";
        for (unsigned j = 0; combos[i][j]; j++) {
            label[11 + j] = combos[i][j];
            alone[10 + j] = combos[i][j];
        }
        hyp_call(hyp_ats12nso, 0x40a00010 + i * 0x200000, 0, 0);
        show_par(label);
        ATS1CPR(0x40a00010 + i * 0x200000);     /* stage 1 alone */
        isb();
        show_par(alone);
    }

    stage2(HCR_VM | HCR_PTW);
    TLBIALL();
    dsb();
    isb();
    put("s2-s1ptw: HCR.PTW=1\n");
    show("read via table in stage-2 Device, PTW=1", probe_ld32(0x40600030));
    show("read via table in stage-2 Normal, PTW=1", probe_ld32(0x40000018));

    mmu_off();
    stage2(0);
    put("s2-s1ptw: done\n");
    return 0;
}
