/* Page-table builders and fault reports of the MMU conformance guests (mmu.h). */
#include "mmu.h"

volatile struct mmu_fault mmu_fault;
volatile uint32_t mmu_resume;
static uint32_t seen;                   /* mmu_fault.count at the last report */

uint32_t sd_l1[4096] __attribute__((aligned(16384)));
uint32_t sd_l1b[4096] __attribute__((aligned(16384)));
uint32_t sd_l2[4][256] __attribute__((aligned(1024)));
uint64_t ld_tables[8][512] __attribute__((aligned(4096)));
uint64_t s2_concat[4][512] __attribute__((aligned(16384)));

/* -- output ---------------------------------------------------------------- */

void put(const char *s)
{
    uart_puts(s);
}

void puthex(uint32_t v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        uart_putc(hex[(v >> shift) & 0xF]);
}

static void field(const char *name, uint32_t v, int digits)
{
    uart_putc(' ');
    put(name);
    uart_putc('=');
    puthex(v, digits);
}

static uint32_t bits(uint32_t v, int hi, int lo)
{
    return (v >> lo) & ((2u << (hi - lo)) - 1);
}

/* DFSR/IFSR (B4.1.52, B4.1.96), printed with only the bits the
   architecture defines for this fault: the short format has FS[4:0] in
   bits 10,3:0 and the domain in 7:4, which is valid only for the faults
   table B3-23 marks so (IFSR[7:4] is UNK: QEMU leaves the domain there);
   the long format (LPAE, bit 9) has STATUS in 5:0.  WnR (DFSR only) and
   ExT (bit 12) in both. */
static int domain_valid(uint32_t fs)
{
    switch (fs) {
    case 0x03: case 0x06: case 0x07: case 0x09: case 0x0b:
    case 0x0d: case 0x0e: case 0x0f:
        return 1;
    }
    return 0;
}

static void show_fsr(const char *name, uint32_t fsr, int data)
{
    uint32_t mask, fs = (bits(fsr, 10, 10) << 4) | bits(fsr, 3, 0);
    if (fsr & (1u << 9))
        mask = 0x123fu;
    else
        mask = 0x160fu | ((data && domain_valid(fs)) ? 0xf0u : 0);
    if (data)
        mask |= 1u << 11;
    field(name, fsr & mask, 8);
    if (fsr & (1u << 9)) {
        field("lpae_status", bits(fsr, 5, 0), 2);
    } else {
        field("fs", fs, 2);
        if (data && domain_valid(fs))
            field("domain", bits(fsr, 7, 4), 1);
    }
    if (data)
        field("wnr", bits(fsr, 11, 11), 1);
    field("ext", bits(fsr, 12, 12), 1);
}

/* HSR (B3.13.6): EC, IL and the abort ISS (B3.13.6, "ISS encoding for Data
   Abort / Prefetch Abort exceptions taken to Hyp mode").  SAS, SSE and SRT
   mean something only when ISV is 1; HPFAR is valid for stage-2 faults
   (B4.1.78), which are the ones taken from PL1 with a translation, access
   flag or permission fault code. */
static void show_hsr(uint32_t hsr, uint32_t hxfar, uint32_t hpfar, int data)
{
    uint32_t ec = bits(hsr, 31, 26), fsc = bits(hsr, 5, 0);
    field("hsr", hsr, 8);
    field("ec", ec, 2);
    field("il", bits(hsr, 25, 25), 1);
    if (data) {
        uint32_t isv = bits(hsr, 24, 24);
        field("isv", isv, 1);
        if (isv) {
            field("sas", bits(hsr, 23, 22), 1);
            field("sse", bits(hsr, 21, 21), 1);
            field("srt", bits(hsr, 19, 16), 1);
        }
        field("ea", bits(hsr, 9, 9), 1);
        field("cm", bits(hsr, 8, 8), 1);
        field("s1ptw", bits(hsr, 7, 7), 1);
        field("wnr", bits(hsr, 6, 6), 1);
        field("dfsc", fsc, 2);
        field("hdfar", hxfar, 8);
    } else {
        field("ea", bits(hsr, 9, 9), 1);
        field("s1ptw", bits(hsr, 7, 7), 1);
        field("ifsc", fsc, 2);
        field("hifar", hxfar, 8);
    }
    if ((ec == 0x24 || ec == 0x20) && fsc >= 0x04 && fsc <= 0x0f)
        field("hpfar", hpfar, 8);
}

/* HSR of a trapped MCR/MRC (EC 0x03) or MCRR/MRRC (EC 0x04) (B3.13.6):
   CV, COND, the encoding's fields, Rt (and Rt2), the direction (1: read). */
static void show_trap(uint32_t hsr)
{
    uint32_t ec = bits(hsr, 31, 26);
    field("hsr", hsr, 8);
    field("ec", ec, 2);
    field("il", bits(hsr, 25, 25), 1);
    field("cv", bits(hsr, 24, 24), 1);
    field("cond", bits(hsr, 23, 20), 1);
    if (ec == 0x03) {
        field("opc2", bits(hsr, 19, 17), 1);
        field("opc1", bits(hsr, 16, 14), 1);
        field("crn", bits(hsr, 13, 10), 1);
        field("rt", bits(hsr, 8, 5), 1);
        field("crm", bits(hsr, 4, 1), 1);
    } else if (ec == 0x04) {
        field("opc1", bits(hsr, 19, 16), 1);
        field("rt2", bits(hsr, 13, 10), 1);
        field("rt", bits(hsr, 8, 5), 1);
        field("crm", bits(hsr, 4, 1), 1);
    } else {
        field("iss", bits(hsr, 24, 0), 7);
    }
    field("read", bits(hsr, 0, 0), 1);
}

static void show_fault(const char *label, uint32_t value, uint32_t count,
                       const volatile struct mmu_fault *f)
{
    put(label);
    put(":");
    if (count == seen) {
        field("ok", value, 8);
        put("\n");
        return;
    }
    if (count != seen + 1)
        field("faults", count - seen, 2);
    seen = count;
    switch (f->kind) {
    case K_DABT:
        put(" dabt");
        show_fsr("dfsr", f->fsr, 1);
        field("dfar", f->far, 8);
        break;
    case K_PABT:
        put(" pabt");
        show_fsr("ifsr", f->fsr, 0);
        field("ifar", f->far, 8);
        break;
    case K_HYP_DABT:
        put(" hyp-dabt");
        show_hsr(f->hsr, f->hxfar, f->hpfar, 1);
        break;
    case K_HYP_PABT:
        put(" hyp-pabt");
        show_hsr(f->hsr, f->hxfar, f->hpfar, 0);
        break;
    case K_HYP_TRAP:
        put(" hyp-trap");
        show_trap(f->hsr);
        break;
    }
    field("pc", f->pc, 8);
    put("\n");
}

void show(const char *label, uint32_t value)
{
    show_fault(label, value, mmu_fault.count, &mmu_fault);
}

struct mmu_record mmu_records[32];

void record(unsigned i, uint32_t value)
{
    struct mmu_record *r = &mmu_records[i & 31];
    r->value = value;
    r->count = mmu_fault.count;
    r->kind = mmu_fault.kind;
    r->fsr = mmu_fault.fsr;
    r->far = mmu_fault.far;
    r->hsr = mmu_fault.hsr;
    r->hxfar = mmu_fault.hxfar;
    r->hpfar = mmu_fault.hpfar;
    r->pc = mmu_fault.pc;
}

void show_record(const char *label, unsigned i)
{
    const struct mmu_record *r = &mmu_records[i & 31];
    struct mmu_fault f = {r->count, r->kind, r->fsr, r->far, r->hsr, r->hxfar, r->hpfar, r->pc};
    show_fault(label, r->value, r->count, &f);
}

void expect_no_fault(const char *what)
{
    if (mmu_fault.count != seen) {
        put("setup faulted: ");
        show(what, 0);
        exit(2);
    }
}

/* PAR, 32-bit format (B4.1.112): F; on a fault FS[3:0] in bits 4:1, FS[4]
   in bit 5 and ExT in bit 6; else PA[31:12], NS (bit 9) and SS (bit 1:
   a supersection, whose PAR holds PA[31:24] only).  The memory attribute
   bits (Outer, Inner, SH, NOS) are left out: QEMU reports none of them,
   so they cannot be compared. */
void show_par32(const char *label, uint32_t par)
{
    put(label);
    put(":");
    if (par & 1) {
        field("par", par & 0x7fu, 8);
        field("f", 1, 1);
        field("fs", (bits(par, 5, 5) << 4) | bits(par, 4, 1), 2);
        field("ext", bits(par, 6, 6), 1);
    } else {
        field("par", par & 0xfffff203u, 8);
        field("pa", par & 0xfffff000u, 8);
        field("ns", bits(par, 9, 9), 1);
        field("ss", bits(par, 1, 1), 1);
    }
    put("\n");
}

/* PAR, 64-bit format (B4.1.112): F, then FST/S2WLK/PTW (bits 6:1, 8, 9) or
   PA[39:12] and the memory attributes (a MAIR byte) in 63:56. */
void show_par64(const char *label, uint64_t par)
{
    uint32_t lo = (uint32_t)par, hi = (uint32_t)(par >> 32);
    put(label);
    put(":");
    uart_putc(' ');
    put("par=");
    puthex(hi, 8);
    uart_putc('_');
    puthex(lo, 8);
    if (lo & 1) {
        field("f", 1, 1);
        field("fst", bits(lo, 6, 1), 2);
        field("s2wlk", bits(lo, 8, 8), 1);
        field("stage", bits(lo, 9, 9), 1);
    } else {
        field("pa", bits(hi, 7, 0), 2);
        puthex(lo & 0xfffff000u, 8);
        field("attr", bits(hi, 31, 24), 2);
        field("sh", bits(lo, 8, 7), 1);
        field("ns", bits(lo, 9, 9), 1);
    }
    put("\n");
}

void show_par(const char *label)
{
    uint64_t par = get_PAR64();
    if (par & (1u << 11))
        show_par64(label, par);
    else
        show_par32(label, (uint32_t)par);
}

void fill_test_page(unsigned n, int stub)
{
    volatile uint32_t *p = (volatile uint32_t *)TEST_PAGE(n);
    for (unsigned i = 0; i < 1024; i++)
        p[i] = TEST_MAGIC ^ (uint32_t)(uintptr_t)&p[i];
    if (stub)
        p[0] = EXEC_STUB;
}

/* -- short-descriptor tables (B3.5.1) ----------------------------------- */

void sd_clear(uint32_t *l1)
{
    for (unsigned i = 0; i < 4096; i++)
        l1[i] = 0;
}

void sd_section(uint32_t *l1, uint32_t va, uint32_t pa, uint32_t attrs)
{
    l1[va >> 20] = (pa & 0xfff00000u) | attrs | 2u;
}

/* A supersection fills 16 consecutive entries; PA[35:32] go in bits 23:20,
   PA[39:36] in bits 8:5 (B3.5.1, "Supersections"). */
void sd_supersection(uint32_t *l1, uint32_t va, uint64_t pa, uint32_t attrs)
{
    uint32_t d = ((uint32_t)pa & 0xff000000u) | ((uint32_t)(pa >> 32) & 0xf) << 20
               | ((uint32_t)(pa >> 36) & 0xf) << 5 | (1u << 18) | attrs | 2u;
    for (unsigned i = 0; i < 16; i++)
        l1[((va >> 20) & ~15u) + i] = d;
}

void sd_table(uint32_t *l1, uint32_t va, const uint32_t *l2, uint32_t attrs)
{
    l1[va >> 20] = ((uint32_t)(uintptr_t)l2 & 0xfffffc00u) | attrs | 1u;
}

void sd_small(uint32_t *l2, uint32_t va, uint32_t pa, uint32_t attrs)
{
    l2[(va >> 12) & 0xff] = (pa & 0xfffff000u) | attrs | 2u;
}

void sd_large(uint32_t *l2, uint32_t va, uint32_t pa, uint32_t attrs)
{
    for (unsigned i = 0; i < 16; i++)
        l2[((va >> 12) & 0xf0) + i] = (pa & 0xffff0000u) | attrs | 1u;
}

void sd_identity(uint32_t *l1)
{
    sd_clear(l1);
    for (uint32_t mb = 0; mb < RAM_MB; mb++)
        sd_section(l1, RAM_PA + (mb << 20), RAM_PA + (mb << 20), SEC_NORMAL | SEC_AP(AP_FULL));
    sd_section(l1, UART_MB, UART_MB, SEC_DEVICE | SEC_AP(AP_PRIV) | SEC_XN);
}

/* -- long-descriptor tables (B3.6.1) ------------------------------------ */

void ld_clear(uint64_t *table)
{
    for (unsigned i = 0; i < 512; i++)
        table[i] = 0;
}

void ld_identity(uint64_t *l1, uint64_t attrs_ram, uint64_t attrs_low)
{
    ld_clear(l1);
    l1[0] = 0x00000000ull | attrs_low | LD_BLOCK;
    l1[2] = (uint64_t)RAM_PA | attrs_ram | LD_BLOCK;
}

/* -- unexpected exceptions ------------------------------------------------ */

void mmu_unexpected(uint32_t vector, uint32_t lr, uint32_t spsr)
{
    put("unexpected exception:");
    field("vector", vector, 3);
    field("lr", lr, 8);
    field("spsr", spsr, 8);
    put("\n");
    exit(0x80 + (int)(vector & 0x7f));
}

/* -- turning translation on and off --------------------------------------- */

void sd_mmu_on(uint32_t ttbcr, uint32_t dacr, uint32_t sctlr_extra)
{
    set_TTBCR(ttbcr);
    set_TTBR0((uint32_t)(uintptr_t)sd_l1);
    set_DACR(dacr);
    TLBIALL();
    dsb();
    isb();
    set_SCTLR(get_SCTLR() | SCTLR_M | sctlr_extra);
    isb();
}

void ld_mmu_on(uint32_t ttbcr, uint64_t ttbr0, uint64_t ttbr1, uint32_t sctlr_extra)
{
    set_TTBCR(ttbcr | (1u << 31));      /* EAE */
    set_TTBR0_64(ttbr0);
    set_TTBR1_64(ttbr1);
    set_MAIR0(MAIR0_GUESTS);
    set_MAIR1(0);
    TLBIALL();
    dsb();
    isb();
    set_SCTLR(get_SCTLR() | SCTLR_M | sctlr_extra);
    isb();
}

uint32_t hyp_stage2(uint32_t base, uint32_t vtcr_vmid, uint32_t hcr)
{
    set_VTCR(vtcr_vmid & ~0x00ff0000u);
    set_VTTBR((uint64_t)base | (uint64_t)((vtcr_vmid >> 16) & 0xff) << 48);
    isb();
    TLBIALLNSNH();
    dsb();
    set_HCR(hcr);
    isb();
    return 0;
}

uint32_t hyp_tlbiallnsnh(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a, (void)b, (void)c;
    TLBIALLNSNH();
    dsb();
    isb();
    return 0;
}

uint32_t hyp_tlbiallnsnhis(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a, (void)b, (void)c;
    TLBIALLNSNHIS();
    dsb();
    isb();
    return 0;
}

uint32_t hyp_ats12nso(uint32_t va, uint32_t op, uint32_t unused)
{
    (void)unused;
    switch (op) {
    case 0: ATS12NSOPR(va); break;
    case 1: ATS12NSOPW(va); break;
    case 2: ATS12NSOUR(va); break;
    default: ATS12NSOUW(va); break;
    }
    isb();
    return 0;
}

void mmu_off(void)
{
    set_SCTLR(get_SCTLR() & ~(SCTLR_M | SCTLR_A | SCTLR_TRE | SCTLR_AFE));
    isb();
    TLBIALL();
    dsb();
    isb();
}
