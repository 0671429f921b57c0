/*
 * The generic timer's three timers on one core: the HYP timer (CNTHP_*,
 * PPI 26) from hyp_setup in HYP mode, then the physical (CNTP_*, PPI 30)
 * and virtual (CNTV_*, PPI 27) timers from SVC mode: ISTATUS and TVAL's
 * sign around the deadline, IMASK, the level on the GIC's PPI, CNTVOFF,
 * CVAL in the past, and the interrupt taken from WFI.  Nothing printed
 * depends on how fast time runs (QEMU's counter runs at 62.5 MHz, the
 * board's at 24 MHz), only on the order of events.
 */
#include "gic.h"

#define CTL_ENABLE 1u
#define CTL_IMASK 2u
#define CTL_ISTATUS 4u

/* in .data: hyp_setup runs before crt0 zeroes .bss */
static volatile uint32_t hyp_log[8] = {~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u};
static volatile uint32_t irq_log[8];
static volatile uint32_t irq_count;

#define MRC(name, op1, crn, crm, op2) \
    static inline uint32_t name(void) { uint32_t v; __asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 : "=r"(v)); return v; }
#define MCR(name, op1, crn, crm, op2) \
    static inline void name(uint32_t v) { __asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 ::"r"(v)); isb(); }
#define MRRC(name, op1, crm) \
    static inline uint64_t name(void) { uint32_t lo, hi; __asm__ volatile("mrrc p15, " #op1 ", %0, %1, " #crm : "=r"(lo), "=r"(hi)); return (uint64_t)hi << 32 | lo; }
#define MCRR(name, op1, crm) \
    static inline void name(uint64_t v) { __asm__ volatile("mcrr p15, " #op1 ", %0, %1, " #crm ::"r"((uint32_t)v), "r"((uint32_t)(v >> 32))); isb(); }

MRC(cntfrq, 0, c14, c0, 0)
MRC(cntp_ctl, 0, c14, c2, 1)
MCR(set_cntp_ctl, 0, c14, c2, 1)
MRC(cntp_tval, 0, c14, c2, 0)
MCR(set_cntp_tval, 0, c14, c2, 0)
MRC(cntv_ctl, 0, c14, c3, 1)
MCR(set_cntv_ctl, 0, c14, c3, 1)
MRC(cntv_tval, 0, c14, c3, 0)
MCR(set_cntv_tval, 0, c14, c3, 0)
MRC(cnthp_ctl, 4, c14, c2, 1)
MCR(set_cnthp_ctl, 4, c14, c2, 1)
MRC(cnthp_tval, 4, c14, c2, 0)
MCR(set_cnthp_tval, 4, c14, c2, 0)
MRRC(cntpct, 0, c14)
MRRC(cntvct, 1, c14)
MCRR(set_cntvoff, 4, c14)
MCRR(set_cntp_cval, 2, c14)
MCRR(set_cntv_cval, 3, c14)

static uint32_t ppi_pending(uint32_t ppi)
{
    return REG(GICD, GICD_ISPENDR(0)) >> ppi & 1;
}

void hyp_setup(void)
{
    uint32_t mpidr;
    __asm__ volatile("mrc p15, 0, %0, c0, c0, 5" : "=r"(mpidr));
    if (mpidr & 3)
        return;
    set_cnthp_tval(0x7FFFFFFF);                      /* far away: armed, not fired */
    set_cnthp_ctl(CTL_ENABLE);
    hyp_log[0] = cnthp_ctl();
    hyp_log[1] = ppi_pending(26);
    set_cnthp_tval(2000);
    while (!(cnthp_ctl() & CTL_ISTATUS))
        ;
    hyp_log[2] = cnthp_ctl();
    hyp_log[3] = ppi_pending(26);
    hyp_log[4] = (int32_t)cnthp_tval() <= 0;         /* zero or negative once expired */
    set_cnthp_ctl(CTL_ENABLE | CTL_IMASK);
    hyp_log[5] = ppi_pending(26);
    set_cnthp_ctl(0);
    /* CNTVOFF moves the virtual count back by exactly the offset */
    set_cntvoff(0);
    uint64_t p0 = cntpct(), v0 = cntvct();
    set_cntvoff(1ull << 40);
    uint64_t v1 = cntvct(), p1 = cntpct();
    hyp_log[6] = (v0 >= p0 - 0 && v0 <= p1) ? 1 : 0;
    hyp_log[7] = p1 - v1 >= (1ull << 40) && p1 - v1 - (1ull << 40) < (1ull << 32);
    set_cntvoff(0);
}

void guest_irq_handler(void)
{
    uint32_t iar = REG(GICC, GICC_IAR);
    if (irq_count < 8)
        irq_log[irq_count] = iar;
    irq_count++;
    if ((iar & 0x3FF) == 30)
        set_cntp_ctl(CTL_ENABLE | CTL_IMASK);
    if ((iar & 0x3FF) == 27)
        set_cntv_ctl(CTL_ENABLE | CTL_IMASK);
    REG(GICC, GICC_EOIR) = iar;
}

typedef uint32_t (*rd_fn)(void);
typedef void (*wr_fn)(uint32_t);

static void one_timer(const char *name, uint32_t ppi, rd_fn ctl, wr_fn set_ctl, rd_fn tval,
                      wr_fn set_tval)
{
    uart_puts(name);
    uart_putc('\n');
    put("  CTL reset", ctl());
    set_tval(0x7FFFFFFF);                            /* far away: armed, not fired */
    set_ctl(CTL_ENABLE);
    uint32_t armed = ctl(), pending = ppi_pending(ppi), positive = !(tval() >> 31);
    put("  CTL armed", armed);
    put("  PPI before", pending);
    put("  TVAL positive", positive);
    set_tval(5000);
    while (!(ctl() & CTL_ISTATUS))
        ;
    put("  CTL fired", ctl());
    put("  PPI fired", ppi_pending(ppi));
    put("  TVAL not positive", (int32_t)tval() <= 0);
    set_ctl(CTL_ENABLE | CTL_IMASK);
    put("  CTL masked", ctl());
    put("  PPI masked", ppi_pending(ppi));
    set_ctl(0);
    put("  CTL off", ctl());
    /* the interrupt, taken from WFI */
    uint32_t before = irq_count;
    set_tval(20000);
    set_ctl(CTL_ENABLE);
    irq_enable();
    while (irq_count == before)
        wfi();
    irq_disable();
    put("  IRQ", irq_log[before]);
    put("  CTL after IRQ", ctl());
    set_ctl(0);
}

int main(void)
{
    uart_init();
    uart_puts("timer\n");
    put("CNTFRQ set", cntfrq() != 0);
    put("HYP CTL armed", hyp_log[0]);
    put("HYP PPI26 before", hyp_log[1]);
    put("HYP CTL fired", hyp_log[2]);
    put("HYP PPI26 fired", hyp_log[3]);
    put("HYP TVAL not positive", hyp_log[4]);
    put("HYP PPI26 masked", hyp_log[5]);
    put("CNTVOFF zero", hyp_log[6]);
    put("CNTVOFF 2^40", hyp_log[7]);
    uint64_t a = cntpct(), b = cntpct();
    put("CNTPCT monotonic", b >= a);

    REG(GICD, GICD_CTLR) = 1;
    REG(GICD, GICD_IPRIORITYR(6)) = 0x80000000;          /* PPI 27 */
    REG(GICD, GICD_IPRIORITYR(7)) = 0x00800000;          /* PPI 30 */
    REG(GICD, GICD_ISENABLER(0)) = (1u << 27) | (1u << 30);
    REG(GICC, GICC_PMR) = 0xF0;
    REG(GICC, GICC_CTLR) = 1;

    one_timer("CNTP", 30, cntp_ctl, set_cntp_ctl, cntp_tval, set_cntp_tval);
    one_timer("CNTV", 27, cntv_ctl, set_cntv_ctl, cntv_tval, set_cntv_tval);

    /* a compare value in the past: the condition holds at once */
    set_cntp_cval(0);
    set_cntp_ctl(CTL_ENABLE | CTL_IMASK);
    put("CVAL past", cntp_ctl());
    set_cntp_ctl(0);
    set_cntv_cval(~0ull);
    set_cntv_ctl(CTL_ENABLE);
    put("CVAL far", cntv_ctl());
    set_cntv_ctl(0);
    put("irq_count", irq_count);
    uart_puts("done\n");
    return 0;
}
