/*
 * Lazy VFP switching, as Linux does it (arch/arm/vfp): the kernel leaves
 * FPEXC.EN clear, the first VFP instruction of a thread takes the Undefined
 * Instruction exception, and the handler turns VFP on (restoring the
 * thread's registers) and returns to the same instruction, which then runs.
 *
 * This guest does that in A32 and T32, for arithmetic, FPSCR accesses,
 * loads and stores, with CPACR.cp10/cp11 denying access instead of FPEXC,
 * for a conditional VFP instruction that fails its condition, and with
 * FPSCR.LEN set (the A15 has no short vectors: the data-processing
 * instructions that would repeat are UNDEFINED, compares and conversions
 * are scalar and run).  It prints what each trap
 * looked like (LR relative to the instruction, SPSR mode and T bit, the
 * instruction, FPEXC) and the results.  The same ELF prints the same lines
 * under QEMU (-M vexpress-a15, with or without secure=off,virtualization=on)
 * and on pyxen15; tests/test_vfp_guests.py compares them byte for byte.
 *
 * Built soft-float like the other guests: every VFP instruction is in
 * inline assembly (".fpu vfpv4"), so the compiler never touches VFP state.
 */
#include "runtime/runtime.h"

#define NOINLINE __attribute__((noinline, noclone))
#define VFP ".fpu vfpv4\n\t"

enum { FIX_FPEXC = 1, FIX_CPACR = 2, FIX_LEN = 3 };

struct trap {
    uint32_t lr_offset;     /* LR_und minus the instruction's address */
    uint32_t spsr;          /* mode, T bit */
    uint32_t insn;          /* A32 word, or T32 hw1:hw2 */
    uint32_t fpexc;         /* FPEXC as the handler found it */
};

extern char lazy_vectors[];
static volatile uint32_t fixup;         /* how the handler makes the retry succeed */
static volatile uint32_t ntraps;
static struct trap traps[16];
static uint64_t memory_words[4] = { 0x400921FB54442D18ull, 0xC000000000000000ull, 0, 0 };

/* PL1 vectors: only the Undefined Instruction one is expected. */
__asm__(
    "    .section .text.lazy_vectors, \"ax\"\n"
    "    .align 5\n"
    "    .global lazy_vectors\n"
    "lazy_vectors:\n"
    "    b .\n    b lazy_undef\n    b .\n    b .\n    b .\n    b .\n    b .\n    b .\n"
    "lazy_undef:\n"
    "    push {r0-r3, r12, lr}\n"
    "    mov r0, sp\n"
    "    bl undef_handler\n"
    "    pop {r0-r3, r12, lr}\n"
    "    movs pc, lr\n"
    "    .text\n");

static uint32_t read_fpexc(void)
{
    uint32_t v;
    __asm__ volatile(VFP "vmrs %0, fpexc" : "=r"(v));
    return v;
}

static void write_fpexc(uint32_t v)
{
    __asm__ volatile(VFP "vmsr fpexc, %0" : : "r"(v));
}

static uint32_t read_cpacr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(v));
    return v;
}

static void write_cpacr(uint32_t v)
{
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(v));
}

/*
 * frame: r0-r3, r12, LR_und as pushed.  For an Undefined Instruction the
 * ARMv7 LR is the instruction's address + 4 in ARM state and + 2 in Thumb
 * state (B1.8.3), whatever the Thumb instruction's size; the retry returns
 * to the instruction itself.
 */
void undef_handler(uint32_t *frame);
void undef_handler(uint32_t *frame)
{
    uint32_t spsr, lr = frame[5];
    __asm__ volatile("mrs %0, spsr" : "=r"(spsr));
    int thumb = (spsr >> 5) & 1;
    uint32_t addr = lr - (thumb ? 2 : 4);
    struct trap *t = &traps[ntraps < 16 ? ntraps : 15];
    t->lr_offset = lr - addr;
    t->spsr = spsr & 0x3F;
    t->insn = thumb ? (uint32_t)*(volatile uint16_t *)addr << 16 | *(volatile uint16_t *)(addr + 2)
                    : *(volatile uint32_t *)addr;
    if (fixup == FIX_CPACR) {
        write_cpacr(read_cpacr() | 0xF << 20);
        t->fpexc = read_fpexc();
    } else {
        t->fpexc = read_fpexc();
        write_fpexc(t->fpexc | 1u << 30);   /* "restore the context": VFP on */
        if (fixup == FIX_LEN) {
            uint32_t fpscr;
            __asm__ volatile(VFP "vmrs %0, fpscr" : "=r"(fpscr));
            __asm__ volatile(VFP "vmsr fpscr, %0" : : "r"(fpscr & ~0x00370000u));
        }
    }
    if (++ntraps > 12) {
        uart_puts("vfplazy: the retry keeps trapping\n");
        exit(2);
    }
    frame[5] = addr;
}

static void setup_operands(void)
{
    /* d0 = 1.5, d1 = 2.25, s8 = 3.0f */
    __asm__ volatile(VFP
                     "vmov d0, %0, %1\n\t"
                     "vmov d1, %2, %3\n\t"
                     "vmov s8, %4"
                     : : "r"(0u), "r"(0x3FF80000u), "r"(0u), "r"(0x40020000u), "r"(0x40400000u));
}

static uint64_t read_d(int n)
{
    uint32_t lo, hi;
    switch (n) {
    case 2: __asm__ volatile(VFP "vmov %0, %1, d2" : "=r"(lo), "=r"(hi)); break;
    case 3: __asm__ volatile(VFP "vmov %0, %1, d3" : "=r"(lo), "=r"(hi)); break;
    case 4: __asm__ volatile(VFP "vmov %0, %1, d4" : "=r"(lo), "=r"(hi)); break;
    default: __asm__ volatile(VFP "vmov %0, %1, d5" : "=r"(lo), "=r"(hi)); break;
    }
    return (uint64_t)hi << 32 | lo;
}

static void put_hex64(uint64_t v)
{
    uart_puthex32((uint32_t)(v >> 32));
    uart_puthex32((uint32_t)v);
}

static void report(const char *name, uint32_t first)
{
    uart_puts(name);
    uart_puts(": traps ");
    uart_puthex32(ntraps - first);
    for (uint32_t i = first; i < ntraps && i < 16; i++) {
        uart_puts(" [lr-insn ");
        uart_puthex32(traps[i].lr_offset);
        uart_puts(" mode ");
        uart_puthex32(traps[i].spsr);
        uart_puts(" insn ");
        uart_puthex32(traps[i].insn);
        uart_puts(" fpexc ");
        uart_puthex32(traps[i].fpexc);
        uart_puts("]");
    }
}

static void vfp_off(uint32_t how)
{
    fixup = how;
    write_fpexc(0);
}

static NOINLINE void arith_a32(void)
{
    __asm__ volatile(VFP "vadd.f64 d2, d0, d1" ::: "memory");
}

__attribute__((target("thumb"))) static NOINLINE void arith_t32(void)
{
    __asm__ volatile(VFP "vmul.f64 d3, d0, d1\n\tvsqrt.f32 s9, s8" ::: "memory");
}

static NOINLINE uint32_t fpscr_read(void)
{
    uint32_t v;
    __asm__ volatile(VFP "vmrs %0, fpscr" : "=r"(v) : : "memory");
    return v;
}

static NOINLINE void load_store(void)
{
    __asm__ volatile(VFP "vldr d4, [%0]\n\tvldr d5, [%0, #8]\n\tvstmia %1, {d4-d5}"
                     : : "r"(&memory_words[0]), "r"(&memory_words[2]) : "memory");
}

static NOINLINE uint32_t conditional_fails(void)
{
    uint32_t r = 7;
    /* Z is clear after the CMP: VMOVEQ does not pass its condition. */
    __asm__ volatile(VFP "cmp %0, #0\n\tvmoveq %0, s8" : "+r"(r) : : "cc", "memory");
    return r;
}

int main(void)
{
    uart_init();
    __asm__ volatile("mcr p15, 0, %0, c12, c0, 0\n\tisb" : : "r"(lazy_vectors));
    write_cpacr(read_cpacr() | 0xF << 20);
    write_fpexc(1u << 30);
    uint32_t fpsid;
    __asm__ volatile(VFP "vmrs %0, fpsid" : "=r"(fpsid));
    uart_puts("vfplazy: fpexc ");
    uart_puthex32(read_fpexc());
    uart_puts(" fpsid ");
    uart_puthex32(fpsid);
    uart_puts("\n");
    setup_operands();

    /* FPEXC and FPSID stay accessible at PL1 with FPEXC.EN clear (B6.1.5). */
    vfp_off(FIX_FPEXC);
    __asm__ volatile(VFP "vmrs %0, fpsid" : "=r"(fpsid));
    uart_puts("off: fpexc ");
    uart_puthex32(read_fpexc());
    uart_puts(" fpsid ");
    uart_puthex32(fpsid);
    uart_puts(" traps ");
    uart_puthex32(ntraps);
    uart_puts("\n");

    uint32_t first = ntraps;
    arith_a32();
    report("vadd.f64 a32", first);
    uart_puts(" d2 ");
    put_hex64(read_d(2));
    uart_puts("\n");

    vfp_off(FIX_FPEXC);
    first = ntraps;
    arith_t32();
    report("vmul.f64 t32", first);
    uart_puts(" d3 ");
    put_hex64(read_d(3));
    uart_puts("\n");

    vfp_off(FIX_FPEXC);
    first = ntraps;
    uint32_t fpscr = fpscr_read();
    report("vmrs fpscr", first);
    uart_puts(" fpscr ");
    uart_puthex32(fpscr);
    uart_puts("\n");

    vfp_off(FIX_FPEXC);
    first = ntraps;
    load_store();
    report("vldr/vstm", first);
    uart_puts(" d4 ");
    put_hex64(read_d(4));
    uart_puts(" mem ");
    put_hex64(memory_words[3]);
    uart_puts("\n");

    vfp_off(FIX_FPEXC);
    first = ntraps;
    uint32_t r = conditional_fails();
    report("vmoveq not passed", first);
    uart_puts(" r ");
    uart_puthex32(r);
    uart_puts("\n");
    write_fpexc(1u << 30);

    /* CPACR.cp10/cp11 = no access: UNDEFINED before FPEXC.EN is looked at. */
    fixup = FIX_CPACR;
    write_cpacr(read_cpacr() & ~(0xFu << 20));
    first = ntraps;
    fpscr = fpscr_read();
    report("cpacr denied", first);
    uart_puts(" fpscr ");
    uart_puthex32(fpscr);
    uart_puts("\n");

    /* FPSCR.LEN = 1: the A15 has no short vectors. */
    fixup = FIX_LEN;
    __asm__ volatile(VFP "vmsr fpscr, %0" : : "r"(0x00010000u));
    first = ntraps;
    uint32_t len = fpscr_read();
    arith_a32();
    report("fpscr.len", first);
    uart_puts(" fpscr ");
    uart_puthex32(len);
    uart_puts(" after ");
    uart_puthex32(fpscr_read());
    uart_puts("\n");

    /* Compares and conversions are scalar whatever LEN says: no UNDEF. */
    __asm__ volatile(VFP "vmsr fpscr, %0" : : "r"(0x00010000u));
    first = ntraps;
    __asm__ volatile(VFP "vcmp.f64 d0, d1\n\tvcvt.f32.f64 s10, d0" ::: "memory");
    report("fpscr.len vcmp/vcvt", first);
    uart_puts(" fpscr ");
    uart_puthex32(fpscr_read());
    uart_puts("\n");
    __asm__ volatile(VFP "vmsr fpscr, %0" : : "r"(0u));

    uart_puts("vfplazy: done\n");
    return 0;
}
