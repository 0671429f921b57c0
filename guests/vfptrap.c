/*
 * VFP trapped to HYP, as Xen traps a guest's VFP: a small HYP-mode monitor
 * (hyp_setup, run by crt0 while still in HYP) sets HCPTR.TCP10/TCP11, and the
 * PL1 code below then touches VFP.  Each access takes the Hyp Trap exception
 * with HSR.EC 0x07; the monitor logs the HSR and ELR_hyp, clears the trap and
 * returns to the same instruction, which then runs.  HVC #1 sets the traps
 * again.  HVC #2 sets HCR.TID0 and TID3: VMRS of FPSID (TID0) and of
 * MVFR0/MVFR1 (TID3) then trap with EC 0x08, and the monitor emulates the
 * read (Rt = 0xC0DE0000 | reg) and skips the instruction (HSR.IL gives its
 * size).  HVC #3 clears them.
 *
 * The guest prints every HSR with its fields (EC, IL, and the ISS: CV, COND,
 * the coprocessor for EC 0x07; Opc2, Opc1, CRn, Rt, CRm, direction for
 * 0x08), so the same ELF prints the same under QEMU
 * (-M vexpress-a15,secure=off,virtualization=on, which starts it in HYP) and
 * on pyxen15 (run --hyp).  tests/test_vfp_guests.py compares them.
 *
 * Soft-float C; every VFP instruction is inline assembly.
 */
#include "runtime/runtime.h"

#define NOINLINE __attribute__((noinline, noclone))
#define VFP ".fpu vfpv4\n\t"
#define HCPTR_TCP10_TCP11 (3u << 10)
#define HCR_TID0 (1u << 15)
#define HCR_TID3 (1u << 18)

struct hyp_log {
    uint32_t hsr;
    uint32_t elr;
};

static struct hyp_log hyp_log[32];
static volatile uint32_t nlog;
static uint32_t hyp_stack[256] __attribute__((aligned(8)));
uint32_t *const hyp_stack_top = &hyp_stack[256];

/*
 * HYP vectors and the entry from crt0.  The Hyp Trap vector (0x14) takes
 * HVC and every trap from PL1; the frame passed to hyp_trap is r0-r12 and
 * LR_usr/svc as the guest had them.
 */
__asm__(
    "    .section .text.hyp, \"ax\"\n"
    "    .arch armv7-a\n"
    "    .arch_extension virt\n"
    "    .align 5\n"
    "hyp_vectors:\n"
    "    b .\n    b .\n    b .\n    b .\n    b .\n    b hyp_entry\n    b .\n    b .\n"
    "hyp_entry:\n"
    "    push {r0-r12, lr}\n"
    "    mov r0, sp\n"
    "    bl hyp_trap\n"
    "    pop {r0-r12, lr}\n"
    "    eret\n"
    "    .global hyp_setup\n"
    "hyp_setup:\n"
    "    ldr r0, =hyp_vectors\n"
    "    mcr p15, 4, r0, c12, c0, 0\n"         /* HVBAR */
    "    ldr r0, =hyp_stack_top\n"
    "    ldr sp, [r0]\n"
    "    mov r0, #0xC00\n"
    "    mcr p15, 4, r0, c1, c1, 2\n"          /* HCPTR: TCP10, TCP11 */
    "    isb\n"
    "    bx lr\n"
    "    .ltorg\n"
    "    .text\n");

static uint32_t read_hsr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 4, %0, c5, c2, 0" : "=r"(v));
    return v;
}

static void write_hcptr(uint32_t v)
{
    __asm__ volatile("mcr p15, 4, %0, c1, c1, 2\n\tisb" : : "r"(v));
}

static uint32_t read_hcr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 4, %0, c1, c1, 0" : "=r"(v));
    return v;
}

static void write_hcr(uint32_t v)
{
    __asm__ volatile("mcr p15, 4, %0, c1, c1, 0\n\tisb" : : "r"(v));
}

void hyp_trap(uint32_t *frame);
void hyp_trap(uint32_t *frame)
{
    uint32_t hsr = read_hsr(), elr;
    __asm__ volatile(".arch_extension virt\n\tmrs %0, elr_hyp" : "=r"(elr));
    if (nlog < 32) {
        hyp_log[nlog].hsr = hsr;
        hyp_log[nlog].elr = elr;
    }
    nlog++;
    switch (hsr >> 26) {
    case 0x07:                      /* HCPTR: lazily give the guest its VFP */
        write_hcptr(0);
        break;
    case 0x08: {                    /* VMRS of an ID register: emulate it */
        uint32_t rt = (hsr >> 5) & 15, reg = (hsr >> 10) & 15;
        if (rt < 13)
            frame[rt] = 0xC0DE0000u | reg;
        elr += (hsr >> 25) & 1 ? 4 : 2;
        __asm__ volatile(".arch_extension virt\n\tmsr elr_hyp, %0" : : "r"(elr));
        break;
    }
    case 0x12:                      /* HVC #imm: the guest's requests */
        switch (hsr & 0xFFFF) {
        case 1: write_hcptr(HCPTR_TCP10_TCP11); break;
        case 2: write_hcr(read_hcr() | HCR_TID0 | HCR_TID3); break;
        case 3: write_hcr(read_hcr() & ~(HCR_TID0 | HCR_TID3)); break;
        }
        break;
    default:
        exit(3);
    }
    if (nlog > 24)
        exit(4);
}

static void print_field(const char *name, uint32_t v)
{
    uart_puts(name);
    uart_puthex32(v);
}

/* Print the log entries from `first` on, with ELR relative to `base`. */
static void report(const char *what, uint32_t first, uint32_t base)
{
    uart_puts(what);
    uart_puts("\n");
    for (uint32_t i = first; i < nlog && i < 32; i++) {
        uint32_t hsr = hyp_log[i].hsr, ec = hsr >> 26;
        if (ec == 0x12)
            continue;               /* the HVC requests themselves */
        print_field("  hsr ", hsr);
        print_field(" ec ", ec);
        print_field(" il ", (hsr >> 25) & 1);
        print_field(" cv ", (hsr >> 24) & 1);
        print_field(" cond ", (hsr >> 20) & 15);
        if (ec == 0x07) {
            print_field(" ta ", (hsr >> 5) & 1);
            print_field(" coproc ", hsr & 15);
        } else if (ec == 0x08) {
            print_field(" opc2 ", (hsr >> 17) & 7);
            print_field(" opc1 ", (hsr >> 14) & 7);
            print_field(" crn ", (hsr >> 10) & 15);
            print_field(" rt ", (hsr >> 5) & 15);
            print_field(" crm ", (hsr >> 1) & 15);
            print_field(" read ", hsr & 1);
        }
        print_field(" elr-fn ", hyp_log[i].elr - base);
        uart_puts("\n");
    }
}

static void hvc(uint32_t imm)
{
    if (imm == 1)
        __asm__ volatile(".arch_extension virt\n\thvc #1" ::: "memory");
    else if (imm == 2)
        __asm__ volatile(".arch_extension virt\n\thvc #2" ::: "memory");
    else
        __asm__ volatile(".arch_extension virt\n\thvc #3" ::: "memory");
}

static NOINLINE void enable_fpexc(void)
{
    __asm__ volatile(VFP "vmsr fpexc, %0" : : "r"(1u << 30) : "memory");
}

static NOINLINE void arith_a32(void)
{
    __asm__ volatile(VFP "vmov d0, %0, %1\n\tvadd.f64 d1, d0, d0"
                     : : "r"(0u), "r"(0x3FF80000u) : "memory");
}

__attribute__((target("thumb"))) static NOINLINE void arith_t32(void)
{
    __asm__ volatile(VFP "vmul.f32 s4, s2, s3" ::: "memory");
}

static NOINLINE uint32_t fpscr_read(void)
{
    uint32_t v;
    __asm__ volatile(VFP "vmrs %0, fpscr" : "=r"(v) : : "memory");
    return v;
}

static NOINLINE void store_double(uint64_t *p)
{
    __asm__ volatile(VFP "vstr d1, [%0]" : : "r"(p) : "memory");
}

static NOINLINE uint32_t read_fpsid(void)
{
    uint32_t v;
    __asm__ volatile(VFP "vmrs %0, fpsid" : "=r"(v) : : "memory");
    return v;
}

static NOINLINE uint32_t read_mvfr0(void)
{
    uint32_t v;
    __asm__ volatile(VFP "vmrs %0, mvfr0" : "=r"(v) : : "memory");
    return v;
}

static NOINLINE uint32_t read_mvfr1(void)
{
    uint32_t v;
    __asm__ volatile(VFP "vmrs %0, mvfr1" : "=r"(v) : : "memory");
    return v;
}

static NOINLINE uint32_t read_fpexc(void)
{
    uint32_t v;
    __asm__ volatile(VFP "vmrs %0, fpexc" : "=r"(v) : : "memory");
    return v;
}

#define FN(f) ((uint32_t)(uintptr_t)(f) & ~1u)

int main(void)
{
    static uint64_t stored;
    uart_init();
    uint32_t cpacr;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(cpacr | 0xF << 20));
    uart_puts("vfptrap: at PL1 under HCPTR.TCP10/TCP11\n");

    uint32_t first = nlog;
    enable_fpexc();
    report("vmsr fpexc", first, FN(enable_fpexc));

    hvc(1);
    first = nlog;
    arith_a32();
    report("vadd.f64 a32", first, FN(arith_a32));

    hvc(1);
    first = nlog;
    arith_t32();
    report("vmul.f32 t32", first, FN(arith_t32));

    hvc(1);
    first = nlog;
    uint32_t fpscr = fpscr_read();
    report("vmrs fpscr", first, FN(fpscr_read));

    hvc(1);
    first = nlog;
    store_double(&stored);
    report("vstr", first, FN(store_double));
    uart_puts("  stored ");
    uart_puthex32((uint32_t)(stored >> 32));
    uart_puthex32((uint32_t)stored);
    uart_puts(" fpscr ");
    uart_puthex32(fpscr);
    uart_puts("\n");

    hvc(2);
    first = nlog;
    uint32_t fpsid = read_fpsid();
    report("vmrs fpsid under hcr.tid0", first, FN(read_fpsid));
    print_field("  value ", fpsid);
    uart_puts("\n");
    first = nlog;
    uint32_t fpexc = read_fpexc();
    report("vmrs fpexc under hcr.tid0/tid3 (not an ID register)", first, FN(read_fpexc));
    print_field("  value ", fpexc);
    uart_puts("\n");
    first = nlog;
    uint32_t mvfr0 = read_mvfr0();
    report("vmrs mvfr0 under hcr.tid3", first, FN(read_mvfr0));
    print_field("  value ", mvfr0);
    uart_puts("\n");
    first = nlog;
    uint32_t mvfr1 = read_mvfr1();
    report("vmrs mvfr1 under hcr.tid3", first, FN(read_mvfr1));
    print_field("  value ", mvfr1);
    uart_puts("\n");
    hvc(3);

    print_field("vmrs fpsid ", read_fpsid());
    uart_puts("\nvfptrap: done\n");
    return 0;
}
