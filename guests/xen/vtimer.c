/*
 * The virtual timer as a domain sees it: CNTV_* are its own (CNTVCT =
 * CNTPCT - the domain's CNTVOFF), PPI 27 arrives as a virtual interrupt
 * through the hypervisor (HW bit: the guest's EOI deactivates the
 * physical one); three ticks, each taken from WFI.  Then the trapped and
 * emulated physical timer (CNTP_*, PPI 30) fires once.
 */
#include "xen.h"

#define CTL_ENABLE 1u
#define CTL_IMASK 2u
#define CTL_ISTATUS 4u

static volatile uint32_t ticks, ptick, last_irq;

static inline void set_cntv_tval(uint32_t v) { __asm__ volatile("mcr p15, 0, %0, c14, c3, 0" ::"r"(v)); isb(); }
static inline void set_cntv_ctl(uint32_t v) { __asm__ volatile("mcr p15, 0, %0, c14, c3, 1" ::"r"(v)); isb(); }
static inline uint32_t cntv_ctl(void) { uint32_t v; __asm__ volatile("mrc p15, 0, %0, c14, c3, 1" : "=r"(v)); return v; }
static inline void set_cntp_tval(uint32_t v) { __asm__ volatile("mcr p15, 0, %0, c14, c2, 0" ::"r"(v)); isb(); }
static inline void set_cntp_ctl(uint32_t v) { __asm__ volatile("mcr p15, 0, %0, c14, c2, 1" ::"r"(v)); isb(); }
static inline uint32_t cntp_ctl(void) { uint32_t v; __asm__ volatile("mrc p15, 0, %0, c14, c2, 1" : "=r"(v)); return v; }
static inline uint64_t cntvct(void) { uint32_t lo, hi; __asm__ volatile("isb; mrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi)); return (uint64_t)hi << 32 | lo; }
static inline uint64_t cntpct(void) { uint32_t lo, hi; __asm__ volatile("isb; mrrc p15, 0, %0, %1, c14" : "=r"(lo), "=r"(hi)); return (uint64_t)hi << 32 | lo; }

void guest_irq_handler(void)
{
    uint32_t iar = REG(GICC, GICC_IAR);
    uint32_t irq = iar & 0x3FF;
    last_irq = irq;
    if (irq == 27) {
        ticks++;
        if (ticks < 3)
            set_cntv_tval(2400);                     /* 100 us at 24 MHz */
        else
            set_cntv_ctl(CTL_IMASK);
    } else if (irq == 30) {
        ptick++;
        set_cntp_ctl(0);
    }
    REG(GICC, GICC_EOIR) = iar;
}

int main(void)
{
    REG(GICD, GICD_CTLR) = 1;
    REG(GICD, GICD_ISENABLER(0)) = (1u << 27) | (1u << 30);
    gic_cpu_on();
    /* the test gives this domain CNTVOFF = 1 << 32 */
    put("cntvoff_hi", (uint32_t)((cntpct() - cntvct()) >> 32));
    set_cntv_tval(2400);
    set_cntv_ctl(CTL_ENABLE);
    while (ticks < 3) {             /* WFI with IRQs masked, then take it: no lost wake-up */
        wfi();
        irq_enable();
        irq_disable();
    }
    put("vticks", ticks);
    put("cntv_ctl", cntv_ctl());
    set_cntp_tval(2400);
    set_cntp_ctl(CTL_ENABLE);
    put("cntp_ctl_armed", cntp_ctl() & ~CTL_ISTATUS);
    while (!ptick) {
        wfi();
        irq_enable();
        irq_disable();
    }
    put("pticks", ptick);
    put("last_irq", last_irq);
    return 0;
}
