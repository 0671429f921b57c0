/*
 * SGIs and SPIs between two cores.  Core 0 releases core 1 from the
 * runtime's hold (secondary_entry, then SEV), then sends SGIs with every
 * target filter and an SPI routed by ITARGETSR; core 1 sends one back.
 * Each core logs what its IAR returned (the SGI's source core in bits
 * 12:10); only core 0 prints, after the cores have agreed through
 * SEV/WFE, so the output does not depend on how the cores interleave.
 */
#include "gic.h"

static volatile uint32_t irq_log[2][16];
static volatile uint32_t irq_count[2];
static volatile uint32_t ready, phase, mpidr1;

static uint32_t mpidr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c0, c0, 5" : "=r"(v));
    return v;
}

void guest_irq_handler(void)
{
    uint32_t cpu = mpidr() & 3;
    uint32_t iar = REG(GICC, GICC_IAR);
    if (irq_count[cpu] < 16)
        irq_log[cpu][irq_count[cpu]] = iar;
    irq_count[cpu]++;
    REG(GICC, GICC_EOIR) = iar;
    dsb();
    sev();
}

static void cpu_interface_on(void)
{
    REG(GICC, GICC_PMR) = 0xF0;
    REG(GICC, GICC_CTLR) = 1;
}

static void secondary_main(uint32_t cpu)
{
    (void)cpu;
    mpidr1 = mpidr();
    cpu_interface_on();
    irq_enable();
    dsb();
    ready = 1;
    dsb();
    sev();
    while (phase != 1)
        wfe();
    REG(GICD, GICD_SGIR) = (1u << 16) | 5;          /* to core 0 by list */
    while (phase != 2)
        wfe();
    irq_disable();
    ready = 2;
    dsb();
    sev();
}

static void wait_count(uint32_t cpu, uint32_t n)
{
    while (irq_count[cpu] < n)
        wfe();
}

int main(void)
{
    uart_init();
    uart_puts("gic-sgi\n");
    put("MPIDR0", mpidr());
    REG(GICD, GICD_CTLR) = 1;
    cpu_interface_on();
    irq_enable();

    extern volatile uint32_t secondary_entry;
    secondary_entry = (uint32_t)secondary_main;
    dsb();
    sev();
    while (ready != 1)
        wfe();
    put("MPIDR1", mpidr1);

    REG(GICD, GICD_SGIR) = (0u << 24) | (2u << 16) | 1;    /* list: core 1 */
    wait_count(1, 1);
    REG(GICD, GICD_SGIR) = (1u << 24) | 2;                 /* every other core */
    wait_count(1, 2);
    REG(GICD, GICD_SGIR) = (2u << 24) | 3;                 /* this core */
    wait_count(0, 1);
    REG(GICD, GICD_SGIR) = (0u << 24) | (3u << 16) | 4;    /* list: both */
    wait_count(0, 2);
    wait_count(1, 3);
    REG(GICD, GICD_SGIR) = (0u << 24) | (0u << 16) | 6;    /* empty list: nobody */

    /* an SPI routed to core 1, then re-routed to core 0 */
    REG(GICD, GICD_IPRIORITYR(10)) = 0x80808080;
    REG(GICD, GICD_ITARGETSR(10)) = 0x02020202;            /* SPIs 40-43 -> core 1 */
    REG(GICD, GICD_ISENABLER(1)) = 0x00000F00;
    REG(GICD, GICD_ISPENDR(1)) = 1u << 8;                  /* SPI 40 */
    wait_count(1, 4);
    REG(GICD, GICD_ITARGETSR(10)) = 0x02020101;            /* 40, 41 -> core 0 */
    REG(GICD, GICD_ISPENDR(1)) = 1u << 9;                  /* SPI 41 */
    wait_count(0, 3);

    phase = 1;                                             /* core 1 sends SGI 5 */
    dsb();
    sev();
    wait_count(0, 4);
    phase = 2;
    dsb();
    sev();
    while (ready != 2)
        wfe();
    irq_disable();

    for (uint32_t c = 0; c < 2; c++) {
        put(c ? "core1 irqs" : "core0 irqs", irq_count[c]);
        for (uint32_t i = 0; i < irq_count[c] && i < 16; i++)
            put("  iar", irq_log[c][i]);
    }
    put("SPENDSGIR1 (SGI 6)", REG(GICD, GICD_SPENDSGIR(1)));
    uart_puts("done\n");
    return 0;
}
