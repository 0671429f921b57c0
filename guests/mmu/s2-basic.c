/*
 * Stage 2 from HYP (ARM ARM B3.6, the long-descriptor format): HCR.VM with
 * VTCR (T0SZ=0, SL0=1: a level 1 start) and VTTBR, the guest in SVC with stage 1 off.
 * Stage-2 translation, access flag and permission (S2AP, XN) faults go to
 * HYP with the data-abort ISS (B3.13.6): ISV=1 with SAS/SSE/SRT/WnR for a
 * single LDR/STR of every size and sign, in A32 and T32 (16-bit: IL=0),
 * ISV=0 for LDRD and LDM; HDFAR/HIFAR and HPFAR (the IPA, B4.1.78).
 * ATS12NSO* from HYP, and the TLB tagged by VMID (TLBIALLNSNH, its IS form).
 */
#include "runtime/mmu.h"

#define IPA 0x40000000u         /* level 3 entries of stage-2 table 2 */

static uint64_t *s1, *s2l2, *s2l3;

static void ats(const char *label, uint32_t op, uint32_t va)
{
    hyp_call(hyp_ats12nso, va, op, 0);
    show_par(label);
}

int main(void)
{
    for (unsigned i = 0; i < 4; i++)
        fill_test_page(i, i == 0);
    s1 = ld_tables[0];
    s2l2 = ld_tables[1];
    s2l3 = ld_tables[2];
    ld_clear(s1);
    ld_clear(s2l2);
    ld_clear(s2l3);
    s1[0] = 0x00000000ull | S2_DEVICE | S2_AP(S2AP_RW) | LD_BLOCK;
    s1[1] = (uint64_t)(uintptr_t)s2l2 | LD_TABLE;
    s1[2] = (uint64_t)RAM_PA | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;
    s2l2[0] = (uint64_t)(uintptr_t)s2l3 | LD_TABLE;
    s2l2[2] = TEST_PA | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;          /* IPA 0x40400000 */
    s2l3[0] = TEST_PAGE(1) | S2_NORMAL | S2_AP(S2AP_RW) | LD_PAGE;
    s2l3[1] = TEST_PAGE(2) | S2_NORMAL | S2_AP(S2AP_RO) | LD_PAGE;
    /* s2l3[2]: invalid */
    s2l3[3] = TEST_PAGE(3) | S2_NORMAL | S2_AP(S2AP_WO) | LD_PAGE;
    s2l3[4] = TEST_PAGE(0) | S2_NORMAL | S2_AP(S2AP_RW) | LD_XN | LD_PAGE;
    s2l3[5] = TEST_PAGE(0) | S2_NORMAL | S2_AP(S2AP_RW) | LD_PAGE;
    s2l3[6] = TEST_PAGE(1) | S2_MEMATTR(5) | S2_AP(S2AP_RW) | LD_PAGE;   /* AF=0 */
    s2l3[7] = TEST_PAGE(1) | S2_NORMAL | S2_AP(S2AP_NONE) | LD_PAGE;
    hyp_call(hyp_stage2, (uint32_t)(uintptr_t)s1,
             VTCR_RES1 | VTCR_SL0(1) | VTCR_T0SZ(0) | VMID_ARG(1), HCR_VM);
    put("s2-basic: stage 2 on (VMID 1), stage 1 off\n");

    show("LDR mapped", probe_ld32(IPA + 0x10));
    show("LDR 2 MiB block", probe_ld32(IPA + 0x400000 + 0x3010));
    show("LDR invalid", probe_ld32(IPA + 0x2004));
    show("LDRH invalid", probe_ld16(IPA + 0x2006));
    show("LDRB invalid", probe_ld8(IPA + 0x2007));
    show("LDRSB invalid", probe_lds8(IPA + 0x2001));
    show("LDRSH invalid", probe_lds16(IPA + 0x2002));
    show("LDR r9 invalid", probe_ld32_r9(IPA + 0x2008));
    probe_st32(IPA + 0x1008, 0);
    show("STR read-only", 0);
    probe_st16(IPA + 0x100a, 0);
    show("STRH read-only", 0);
    probe_st8(IPA + 0x100b, 0);
    show("STRB read-only", 0);
    show("LDR read-only", probe_ld32(IPA + 0x100c));
    show("LDR write-only", probe_ld32(IPA + 0x3000));
    probe_st32(IPA + 0x3004, 0x2468ace0);
    show("STR write-only", probe_ld32(TEST_PAGE(3) + 4));
    show("LDR no access", probe_ld32(IPA + 0x7000));
    show("LDR AF=0", probe_ld32(IPA + 0x6000));
    show("LDRT invalid", probe_ldrt(IPA + 0x2010));
    probe_strt(IPA + 0x1010, 0);
    show("STRT read-only", 0);
    show("LDREX invalid", probe_ldrex(IPA + 0x2018));
    show("LDRD invalid", probe_ldrd(IPA + 0x2020));
    show("LDM invalid", probe_ldm(IPA + 0x2028));
    probe_stm(IPA + 0x1030, 0);
    show("STM read-only", 0);
    show("T16 LDR invalid", probe_t16_ld32(IPA + 0x2030));
    show("T32 LDR.W r12 invalid", probe_t32_ld32_r12(IPA + 0x2034));
    probe_t16_st16(IPA + 0x1036, 0);
    show("T16 STRH read-only", 0);
    show("T32 LDRT invalid", probe_t32_ldrt(IPA + 0x2038));
    show("T16 LDR mapped", probe_t16_ld32(IPA + 0x38));
    show("LDR invalid level 2", probe_ld32(IPA + 0x200000));
    show("LDR invalid level 1", probe_ld32(0xc0000000));

    show("exec", probe_exec(IPA + 0x5000));
    show("exec XN", probe_exec(IPA + 0x4000));
    show("exec invalid", probe_exec(IPA + 0x2000));
    show("exec AF=0", probe_exec(IPA + 0x6000));

    static const char *ops[] = {"ATS12NSOPR", "ATS12NSOPW", "ATS12NSOUR", "ATS12NSOUW"};
    static const uint32_t vas[] = {IPA + 0x123, IPA + 0x1456, IPA + 0x2000, IPA + 0x3004};
    static const char *what[] = {"RW", "RO", "invalid", "WO"};
    for (unsigned v = 0; v < 4; v++)
        for (unsigned op = 0; op < 4; op++) {
            char label[48];
            unsigned n = 0;
            for (const char *s = ops[op]; *s; s++)
                label[n++] = *s;
            label[n++] = ' ';
            for (const char *s = what[v]; *s; s++)
                label[n++] = *s;
            label[n] = 0;
            ats(label, op, vas[v]);
        }
    ATS1CPR(IPA + 0x2000);      /* stage 1 only: the IPA, no stage-2 fault */
    isb();
    show_par("ATS1CPR invalid IPA");

    /* the TLB: a stale stage-2 entry, TLBIALLNSNH, and VMIDs */
    show("LDR page 1", probe_ld32(IPA + 0x40));
    s2l3[0] = TEST_PAGE(2) | S2_NORMAL | S2_AP(S2AP_RW) | LD_PAGE;
    dsb();
    put("  stage-2 descriptor now points at page 2\n");
    show("  before", probe_ld32(IPA + 0x40));
    hyp_call(hyp_tlbiallnsnh, 0, 0, 0);
    show("  after TLBIALLNSNH", probe_ld32(IPA + 0x40));
    s2l3[0] = TEST_PAGE(3) | S2_NORMAL | S2_AP(S2AP_RW) | LD_PAGE;
    dsb();
    put("  stage-2 descriptor now points at page 3\n");
    hyp_call(hyp_stage2, (uint32_t)(uintptr_t)s1,
             VTCR_RES1 | VTCR_SL0(1) | VTCR_T0SZ(0) | VMID_ARG(2), HCR_VM);
    show("  VMID 2", probe_ld32(IPA + 0x40));
    s2l3[0] = TEST_PAGE(1) | S2_NORMAL | S2_AP(S2AP_RW) | LD_PAGE;
    dsb();
    put("  stage-2 descriptor now points at page 1\n");
    show("  before", probe_ld32(IPA + 0x40));
    hyp_call(hyp_tlbiallnsnhis, 0, 0, 0);
    show("  after TLBIALLNSNHIS", probe_ld32(IPA + 0x40));

    hyp_call(hyp_stage2, (uint32_t)(uintptr_t)s1, VTCR_RES1, 0);
    show("stage 2 off", probe_ld32(TEST_PAGE(1) + 0x40));
    put("s2-basic: done\n");
    return 0;
}
