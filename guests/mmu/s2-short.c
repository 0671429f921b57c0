/*
 * A short-descriptor stage 1 over stage 2 (ARM ARM B3.12 "Two stages of
 * translation"): the first- and second-level tables are read at IPAs, so
 * either walk can take a stage-2 fault (S1PTW, HPFAR = the table's IPA);
 * sections and pages output IPAs that stage 2 maps or faults; ATS1CPR
 * reports the IPA in the 32-bit PAR, ATS12NSOPR/PW the PA or the stage-2
 * fault (B4.1.112 for the formats).
 */
#include "runtime/mmu.h"

#define L2_IPA   0x40000000u    /* a second-level table at this IPA (stage 2: RAM) */
#define L2_NONE  0x40001000u    /* a second-level table at an IPA stage 2 leaves unmapped */
#define D_IPA    0x40400000u    /* data: stage 2 maps 2 MiB here to TEST_PA */
#define D_RO     0x40600000u    /* stage 2 read-only */
#define D_NONE   0x40800000u    /* stage 2 unmapped */

int main(void)
{
    fill_test_page(0, 0);
    fill_test_page(1, 0);
    uint64_t *s2l1 = ld_tables[0], *s2l2 = ld_tables[1], *s2l3 = ld_tables[2];
    ld_clear(s2l1);
    ld_clear(s2l2);
    ld_clear(s2l3);
    s2l1[0] = 0x00000000ull | S2_DEVICE | S2_AP(S2AP_RW) | LD_BLOCK;
    s2l1[1] = (uint64_t)(uintptr_t)s2l2 | LD_TABLE;
    s2l1[2] = (uint64_t)RAM_PA | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;
    s2l2[0] = (uint64_t)(uintptr_t)s2l3 | LD_TABLE;
    s2l3[0] = (uint64_t)(uintptr_t)sd_l2[0] & ~0xfffull;            /* L2_IPA -> its page */
    s2l3[0] |= S2_NORMAL | S2_AP(S2AP_RO) | LD_PAGE;
    s2l2[2] = TEST_PA | S2_NORMAL | S2_AP(S2AP_RW) | LD_BLOCK;       /* D_IPA */
    s2l2[3] = TEST_PA | S2_NORMAL | S2_AP(S2AP_RO) | LD_BLOCK;       /* D_RO */
    uint32_t l2_off = (uint32_t)(uintptr_t)sd_l2[0] & 0xfffu;       /* sd_l2[0] in its page */

    sd_identity(sd_l1);
    sd_section(sd_l1, 0x50000000, D_IPA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1, 0x50100000, D_RO, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1, 0x50200000, D_NONE, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1, 0x50300000, D_IPA, SEC_NORMAL | SEC_AP(AP_PRIV_RO));
    sd_table(sd_l1, 0x50400000, (const uint32_t *)(uintptr_t)(L2_IPA + l2_off), PT_DOM(0));
    sd_table(sd_l1, 0x50500000, (const uint32_t *)(uintptr_t)L2_NONE, PT_DOM(0));
    sd_small(sd_l2[0], 0x50400000, D_IPA + 0x1000, SP_NORMAL | SP_AP(AP_FULL));
    dsb();
    hyp_call(hyp_stage2, (uint32_t)(uintptr_t)s2l1,
             VTCR_RES1 | VTCR_SL0(1) | VTCR_T0SZ(0) | VMID_ARG(6), HCR_VM);
    sd_mmu_on(0, DACR(0, DOM_CLIENT), 0);
    put("s2-short: short-descriptor stage 1 over stage 2\n");

    show("section -> IPA mapped", probe_ld32(0x50000010));
    probe_st32(0x50100014, 0);
    show("section -> IPA read-only, write", 0);
    show("section -> IPA read-only, read", probe_ld32(0x50100018));
    show("section -> IPA unmapped", probe_ld32(0x5020001c));
    probe_st32(0x50300020, 0);
    show("stage 1 read-only, write", 0);
    show("page via table at IPA", probe_ld32(0x50400024));
    show("page via table at unmapped IPA", probe_ld32(0x50500028));
    show("exec via table at unmapped IPA", probe_exec(0x50500000));

    static const uint32_t vas[] = {0x50000010, 0x50100014, 0x50200018, 0x50300020,
                                   0x50400024, 0x50500028};
    static const char *what[] = {"mapped", "S2 RO", "S2 unmapped", "S1 RO", "page",
                                 "table at unmapped IPA"};
    for (unsigned v = 0; v < 6; v++) {
        char label[64];
        for (unsigned op = 0; op < 3; op++) {
            static const char *ops[] = {"ATS1CPR ", "ATS12NSOPR ", "ATS12NSOPW "};
            unsigned n = 0;
            for (const char *s = ops[op]; *s; s++)
                label[n++] = *s;
            for (const char *s = what[v]; *s; s++)
                label[n++] = *s;
            label[n] = 0;
            if (op == 0) {
                ATS1CPR(vas[v]);
                isb();
            } else {
                hyp_call(hyp_ats12nso, vas[v], op - 1, 0);
            }
            label[n] = ' ';
            label[n + 1] = 'P';
            label[n + 2] = 'A';
            label[n + 3] = 'R';
            label[n + 4] = 0;
            show_par(label);
            label[n] = 0;
            show(label, 0);             /* an ATS1CPR walk fault is an abort to HYP */
        }
    }

    /* TTBR0 at an IPA stage 2 does not map (VAs below 2 GiB, TTBCR.N = 1) */
    set_TTBR1((uint32_t)(uintptr_t)sd_l1);
    set_TTBR0(D_NONE);
    set_TTBCR(1);
    TLBIALL();
    isb();
    uint32_t v = probe_ld32(0x50000010);
    set_TTBR0((uint32_t)(uintptr_t)sd_l1);
    set_TTBCR(0);
    TLBIALL();
    isb();
    show("first-level table at unmapped IPA", v);

    mmu_off();
    hyp_call(hyp_stage2, (uint32_t)(uintptr_t)s2l1, VTCR_RES1, 0);
    put("s2-short: done\n");
    return 0;
}
