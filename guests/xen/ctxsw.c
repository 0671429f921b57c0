/*
 * Two vCPUs on one physical core: the hypervisor switches them (a WFE
 * yields the core; a WFI with nothing pending blocks), saving and
 * restoring the registers, the PL1 system registers (TPIDRURW here) and,
 * lazily through HCPTR, VFP: each vCPU keeps its own D0, FPSCR and
 * TPIDRURW across switches.
 */
#include "xen.h"

static volatile uint32_t turn, done[2], bad[2];

static inline void vfp_on(void)
{
    uint32_t cpacr;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 2; isb" ::"r"(cpacr | (0xFu << 20)));
    __asm__ volatile(".fpu vfpv4\n vmsr fpexc, %0" ::"r"(1u << 30));
}

static inline void set_d0(uint32_t lo, uint32_t hi)
{
    __asm__ volatile(".fpu vfpv4\n vmov d0, %0, %1" ::"r"(lo), "r"(hi));
}

static inline uint32_t d0_lo(void)
{
    uint32_t lo, hi;
    __asm__ volatile(".fpu vfpv4\n vmov %0, %1, d0" : "=r"(lo), "=r"(hi));
    return lo ^ hi;
}

static inline void set_fpscr(uint32_t v) { __asm__ volatile(".fpu vfpv4\n vmsr fpscr, %0" ::"r"(v)); }
static inline uint32_t fpscr(void) { uint32_t v; __asm__ volatile(".fpu vfpv4\n vmrs %0, fpscr" : "=r"(v)); return v; }
static inline void set_tpidr(uint32_t v) { __asm__ volatile("mcr p15, 0, %0, c13, c0, 2" ::"r"(v)); }
static inline uint32_t tpidr(void) { uint32_t v; __asm__ volatile("mrc p15, 0, %0, c13, c0, 2" : "=r"(v)); return v; }

static void worker(uint32_t me)
{
    uint32_t key = 0x1111u * (me + 1);
    vfp_on();
    set_d0(key, 0x5a5a0000u);
    set_fpscr(me ? 0x00C00000u : 0x00400000u);       /* RMode: RZ / RP */
    set_tpidr(key << 8);
    for (int round = 0; round < 5; round++) {
        turn = !me;
        dsb();
        while (turn != me)
            wfe();                                    /* yields the core to the other vCPU */
        if (d0_lo() != (key ^ 0x5a5a0000u) || fpscr() != (me ? 0x00C00000u : 0x00400000u)
            || tpidr() != key << 8)
            bad[me]++;
    }
    done[me] = 1;
    turn = !me;
    dsb();
    sev();
}

static void secondary_main(uint32_t cpu)
{
    worker(cpu);
    for (;;)
        wfi();
}

extern void _start(void);

int main(void)
{
    extern volatile uint32_t secondary_entry;
    secondary_entry = (uint32_t)secondary_main;
    dsb();
    put("cpu_on", psci(PSCI_CPU_ON, 1, (uint32_t)_start, 0));
    worker(0);
    while (!done[1])
        wfe();
    put("bad0", bad[0]);
    put("bad1", bad[1]);
    return 0;
}
