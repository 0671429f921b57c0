/*
 * Alignment faults (ARM ARM A3.2.1; fault status 0x01, long format 0x21,
 * B3.13.3): SCTLR.A=1 checks every access against its size; with
 * SCTLR.A=0 unaligned LDR/LDRH/STR are allowed on Normal memory but
 * LDREX/STREX, LDRD/STRD not word aligned and LDM/STM not word aligned
 * always fault, as does any unaligned access to Device or Strongly-ordered
 * memory (with the MMU off, all data accesses are Strongly-ordered, B3.2.1).
 * The alignment check comes before the translation ("Prioritization of
 * aborts" in the ARM ARM): an alignment fault on an unmapped VA reports 0x01.
 */
#include "runtime/mmu.h"

#define VA_RAM  0x40000000u     /* Normal */
#define VA_DEV  0x40100000u     /* Device */
#define VA_NONE 0x40200000u     /* unmapped */

static void probes(const char *mode, uint32_t base)
{
    char label[64];
    static const char *names[] = {
        "LDR +1", "LDR +2", "LDRH +1", "LDRB +3", "STR +2", "STRH +3",
        "LDREX +2", "LDREX +4", "STREX +1", "LDRD +4", "LDRD +2", "STRD +4", "STRD +1",
        "LDM +4", "LDM +2", "STM +3",
    };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        unsigned n = 0;
        for (const char *s = mode; *s; s++)
            label[n++] = *s;
        label[n++] = ' ';
        for (const char *s = names[i]; *s; s++)
            label[n++] = *s;
        label[n] = 0;
        uint32_t v = 0;
        switch (i) {
        case 0: v = probe_ld32(base + 0x101); break;
        case 1: v = probe_ld32(base + 0x102); break;
        case 2: v = probe_ld16(base + 0x101); break;
        case 3: v = probe_ld8(base + 0x103); break;
        case 4: probe_st32(base + 0x202, 0x01020304); v = probe_ld32(base + 0x200); break;
        case 5: probe_st16(base + 0x213, 0xaabb); v = probe_ld32(base + 0x210); break;
        case 6: v = probe_ldrex(base + 0x102); break;
        case 7: v = probe_ldrex(base + 0x104); break;
        case 8: v = probe_strex(base + 0x221, 5); break;
        case 9: v = probe_ldrd(base + 0x104); break;
        case 10: v = probe_ldrd(base + 0x102); break;
        case 11: probe_strd(base + 0x234, 0x1234); v = probe_ld32(base + 0x234); break;
        case 12: probe_strd(base + 0x241, 0x1234); break;
        case 13: v = probe_ldm(base + 0x104); break;
        case 14: v = probe_ldm(base + 0x102); break;
        case 15: probe_stm(base + 0x253, 0x1234); break;
        }
        show(label, v);
    }
}

int main(void)
{
    fill_test_page(0, 0);
    put("align: MMU off (Strongly-ordered)\n");
    show("MMU off LDR +1", probe_ld32(TEST_PA + 0x101));
    show("MMU off LDRH +1", probe_ld16(TEST_PA + 0x101));
    show("MMU off LDR +4", probe_ld32(TEST_PA + 0x104));

    sd_identity(sd_l1);
    sd_section(sd_l1, VA_RAM, TEST_PA, SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(sd_l1, VA_DEV, TEST_PA, SEC_DEVICE | SEC_AP(AP_FULL));
    sd_mmu_on(0, DACR(0, DOM_CLIENT), 0);
    put("align: MMU on, SCTLR.A=0\n");
    probes("A=0 Normal", VA_RAM);
    show("A=0 Device LDR +1", probe_ld32(VA_DEV + 0x101));
    show("A=0 Device LDRH +3", probe_ld16(VA_DEV + 0x103));
    show("A=0 Device LDR +4", probe_ld32(VA_DEV + 0x104));
    show("A=0 unmapped LDREX +2", probe_ldrex(VA_NONE + 2));
    show("A=0 unmapped LDR +2", probe_ld32(VA_NONE + 2));

    set_SCTLR(get_SCTLR() | SCTLR_A);
    isb();
    put("align: SCTLR.A=1\n");
    probes("A=1 Normal", VA_RAM);
    show("A=1 unmapped LDR +2", probe_ld32(VA_NONE + 2));
    show("A=1 unmapped LDRB +3", probe_ld8(VA_NONE + 3));
    mmu_off();

    /* the same under the long-descriptor format: status 0x21 */
    uint64_t *l1 = ld_tables[0], *l2 = ld_tables[1];
    ld_identity(l1, LD_NORMAL, LD_DEV);
    ld_clear(l2);
    l1[1] = (uint64_t)(uintptr_t)l2 | LD_TABLE;
    l2[0] = TEST_PA | LD_NORMAL | LD_AP(LAP_FULL) | LD_BLOCK;
    ld_mmu_on(0, (uint64_t)(uintptr_t)l1, 0, SCTLR_A);
    put("align: LPAE, SCTLR.A=1\n");
    show("LPAE A=1 LDR +2", probe_ld32(VA_RAM + 0x102));
    show("LPAE A=1 LDREX +1", probe_ldrex(VA_RAM + 0x101));
    show("LPAE A=1 LDR +4", probe_ld32(VA_RAM + 0x104));
    show("LPAE A=1 unmapped LDRH +1", probe_ld16(VA_RAM + 0x200001));

    mmu_off();
    put("align: done\n");
    return 0;
}
