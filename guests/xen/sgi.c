/*
 * An SGI between two vCPUs: vCPU 1 (started by PSCI CPU_ON) sends SGI 5
 * to vCPU 0 through the emulated GICD_SGIR (target list), vCPU 0 takes it
 * from its GICV with the source vCPU in GICC_IAR[12:10]; then vCPU 0
 * answers with SGI 9 to every other vCPU (filter 1) and vCPU 1 takes it.
 */
#include "xen.h"

static volatile uint32_t got[2], from[2], ready;

void guest_irq_handler(void)
{
    uint32_t iar = REG(GICC, GICC_IAR);
    uint32_t me = mpidr() & 0xFF;
    got[me] = iar & 0x3FF;
    from[me] = iar >> 10 & 7;
    REG(GICC, GICC_EOIR) = iar;
    dsb();
    sev();
}

static void secondary_main(uint32_t cpu)
{
    (void)cpu;
    gic_cpu_on();
    ready = 1;
    dsb();
    REG(GICD, GICD_SGIR) = (1u << 16) | 5;          /* SGI 5 to vCPU 0 */
    while (!got[1]) {               /* WFI with IRQs masked, then take it */
        wfi();
        irq_enable();
        irq_disable();
    }
    for (;;)
        wfi();
}

extern void _start(void);

int main(void)
{
    extern volatile uint32_t secondary_entry;
    REG(GICD, GICD_CTLR) = 1;
    gic_cpu_on();
    secondary_entry = (uint32_t)secondary_main;
    dsb();
    put("cpu_on", psci(PSCI_CPU_ON, 1, (uint32_t)_start, 0));
    while (!got[0]) {
        wfi();
        irq_enable();
        irq_disable();
    }
    put("vcpu0_sgi", got[0]);
    put("vcpu0_from", from[0]);
    REG(GICD, GICD_SGIR) = (1u << 24) | 9;          /* SGI 9 to all but me */
    while (!got[1])
        wfe();
    put("vcpu1_sgi", got[1]);
    put("vcpu1_from", from[1]);
    return 0;
}
