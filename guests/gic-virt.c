/*
 * The GIC's virtualization extensions from the point of view of both
 * sides, on one core: HYP routes IRQs to itself (HCR.IMO, set in
 * hyp_setup), so the virtual CPU interface's interrupts reach SVC mode
 * as virtual IRQs.  With the MMU off the SVC code also plays the
 * hypervisor, writing the list registers through GICH directly.  Covered:
 * GICH's ID and status registers, the VMCR view of GICV, list registers
 * (pending, active, priorities, EOI and the maintenance interrupt, the HW
 * bit deactivating a physical interrupt), EOImode with GICV_DIR, EOICount,
 * the underflow and no-pending maintenance conditions, ISR.
 */
#include "gic.h"

#define LR_PENDING (1u << 28)
#define LR_ACTIVE (1u << 29)
#define LR_HW (1u << 31)
#define LR_EOI (1u << 19)
#define LR_PRIO(p) (((p) >> 3) << 23)

static volatile uint32_t irq_log[8][2];
static volatile uint32_t irq_count;

void hyp_setup(void)
{
    uint32_t hcr = 1u << 4;                                  /* HCR.IMO */
    __asm__ volatile("mcr p15, 4, %0, c1, c1, 0" ::"r"(hcr));
    isb();
}

void guest_irq_handler(void)
{
    uint32_t iar = REG(GICV, GICC_IAR);
    if (irq_count < 8) {
        irq_log[irq_count][0] = iar;
        irq_log[irq_count][1] = REG(GICH, GICH_LR(0));
    }
    irq_count++;
    REG(GICV, GICC_EOIR) = iar;
}

static uint32_t isr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c12, c1, 0" : "=r"(v));
    return v;
}

static void status(const char *what)
{
    uart_puts(what);
    uart_putc(':');
    uart_putc(' ');
    uart_puthex32(REG(GICH, GICH_HCR));
    uart_putc(' ');
    uart_puthex32(REG(GICH, GICH_MISR));
    uart_putc(' ');
    uart_puthex32(REG(GICH, GICH_EISR0));
    uart_putc(' ');
    uart_puthex32(REG(GICH, GICH_ELSR0));
    uart_putc(' ');
    uart_puthex32(REG(GICH, GICH_LR(0)));
    uart_putc(' ');
    uart_puthex32(REG(GICH, GICH_LR(1)));
    uart_putc('\n');
}

int main(void)
{
    uart_init();
    uart_puts("gic-virt\n");
    put("GICH_VTR", REG(GICH, GICH_VTR));
    put("GICH_HCR", REG(GICH, GICH_HCR));
    put("GICH_VMCR", REG(GICH, GICH_VMCR));
    put("GICH_MISR", REG(GICH, GICH_MISR));
    put("GICH_EISR0", REG(GICH, GICH_EISR0));
    put("GICH_ELSR0", REG(GICH, GICH_ELSR0));
    put("GICH_APR", REG(GICH, GICH_APR));
    put("GICH_LR0", REG(GICH, GICH_LR(0)));
    put("GICV_CTLR", REG(GICV, GICC_CTLR));
    put("GICV_PMR", REG(GICV, GICC_PMR));
    put("GICV_BPR", REG(GICV, GICC_BPR));
    put("GICV_RPR", REG(GICV, GICC_RPR));
    put("GICV_HPPIR", REG(GICV, GICC_HPPIR));
    put("GICV_IIDR", REG(GICV, GICC_IIDR));

    /* VMCR is the hypervisor's view of GICV_CTLR, PMR and the binary points */
    REG(GICH, GICH_VMCR) = (0x1Fu << 27) | (3u << 21) | (4u << 18) | 1;
    put("VMCR", REG(GICH, GICH_VMCR));
    put("GICV_CTLR from VMCR", REG(GICV, GICC_CTLR));
    put("GICV_PMR from VMCR", REG(GICV, GICC_PMR));
    put("GICV_BPR from VMCR", REG(GICV, GICC_BPR));
    REG(GICV, GICC_PMR) = 0xA8;
    REG(GICV, GICC_BPR) = 2;
    put("VMCR from GICV", REG(GICH, GICH_VMCR));
    REG(GICV, GICC_PMR) = 0xF8;
    REG(GICV, GICC_CTLR) = 1;

    /* list register writes, ELSR, and an LR's fields */
    REG(GICH, GICH_LR(2)) = 0xFFFFFFFF;
    put("LR2 ones", REG(GICH, GICH_LR(2)));
    REG(GICH, GICH_LR(2)) = 0;
    REG(GICH, GICH_LR(3)) = LR_EOI;
    put("ELSR eoi-only", REG(GICH, GICH_ELSR0));
    REG(GICH, GICH_LR(3)) = 0;

    /* a pending LR, taken as a virtual IRQ in SVC mode */
    REG(GICH, GICH_HCR) = 1;
    irq_disable();
    REG(GICH, GICH_LR(0)) = LR_PENDING | LR_PRIO(0xA0) | 40;
    put("ISR pending", isr());
    put("GICV_HPPIR pending", REG(GICV, GICC_HPPIR));
    status("pending");
    irq_enable();
    for (int i = 0; i < 100 && irq_count < 1; i++)
        ;
    irq_disable();
    put("irq_count", irq_count);
    put("  iar", irq_log[0][0]);
    put("  LR0 in handler", irq_log[0][1]);
    status("after eoi");
    put("ISR after", isr());

    /* by hand: two LRs, priorities, RPR and preemption */
    REG(GICH, GICH_LR(0)) = LR_PENDING | LR_PRIO(0xC0) | 41;
    REG(GICH, GICH_LR(1)) = LR_PENDING | LR_PRIO(0x80) | 42;
    put("HPPIR two", REG(GICV, GICC_HPPIR));
    uint32_t a = REG(GICV, GICC_IAR);
    put("IAR first", a);
    put("RPR first", REG(GICV, GICC_RPR));
    put("APR first", REG(GICH, GICH_APR));
    put("IAR second", REG(GICV, GICC_IAR));       /* 0xC0 does not preempt 0x80: spurious */
    status("one active");
    REG(GICV, GICC_EOIR) = a;
    put("RPR idle", REG(GICV, GICC_RPR));
    a = REG(GICV, GICC_IAR);
    put("IAR next", a);
    REG(GICV, GICC_EOIR) = a;
    status("both done");

    /* EOI bit: the maintenance interrupt (PPI 25) while EISR is not empty */
    REG(GICH, GICH_LR(0)) = LR_PENDING | LR_EOI | LR_PRIO(0x40) | 43;
    a = REG(GICV, GICC_IAR);
    REG(GICV, GICC_EOIR) = a;
    status("eoi maintenance");
    put("PPI25 pending", REG(GICD, GICD_ISPENDR(0)) >> 25 & 1);
    REG(GICH, GICH_LR(0)) = 0;
    status("lr cleared");
    put("PPI25 after", REG(GICD, GICD_ISPENDR(0)) >> 25 & 1);

    /* EOImode: EOIR drops the priority, DIR deactivates */
    REG(GICV, GICC_CTLR) = 1 | (1u << 9);
    REG(GICH, GICH_LR(0)) = LR_PENDING | LR_PRIO(0x40) | 44;
    a = REG(GICV, GICC_IAR);
    REG(GICV, GICC_EOIR) = a;
    put("RPR eoimode", REG(GICV, GICC_RPR));
    status("dropped");
    REG(GICV, GICC_DIR) = a;
    status("deactivated");
    REG(GICV, GICC_CTLR) = 1;

    /*
     * The HW bit: deactivating the virtual interrupt deactivates the
     * physical one.  The "hypervisor" takes SPI 45 first: as a group 0
     * interrupt with FIQEn it signals nFIQ, which CPSR.F keeps masked (and
     * HCR.FMO is clear), so SVC code can acknowledge it by hand; EOImode
     * makes its EOIR only drop the priority, leaving it active.
     */
    REG(GICD, GICD_CTLR) = 1;
    REG(GICD, GICD_IPRIORITYR(11)) = 0x00004000;          /* SPI 45: 0x40 */
    REG(GICD, GICD_ITARGETSR(11)) = 0x00000100;
    REG(GICD, GICD_ISENABLER(1)) = 1u << 13;
    REG(GICC, GICC_PMR) = 0xF0;
    REG(GICC, GICC_CTLR) = 1 | (1u << 3) | (1u << 9);     /* Grp0, FIQEn, EOImode */
    REG(GICD, GICD_ISPENDR(1)) = 1u << 13;
    a = REG(GICC, GICC_IAR);
    put("physical IAR", a);
    REG(GICC, GICC_EOIR) = a;
    put("physical active", REG(GICD, GICD_ISACTIVER(1)));
    REG(GICH, GICH_LR(0)) = LR_HW | LR_PENDING | LR_PRIO(0x40) | (45u << 10) | 45;
    put("ELSR hw", REG(GICH, GICH_ELSR0));
    a = REG(GICV, GICC_IAR);
    put("IAR hw", a);
    REG(GICV, GICC_EOIR) = a;
    put("physical after", REG(GICD, GICD_ISACTIVER(1)));
    status("hw done");
    REG(GICC, GICC_CTLR) = 0;

    /* EOICount: the guest ends an interrupt whose list register the hypervisor reused */
    REG(GICH, GICH_LR(0)) = LR_PENDING | LR_PRIO(0x40) | 49;
    a = REG(GICV, GICC_IAR);
    REG(GICH, GICH_LR(0)) = 0;
    REG(GICV, GICC_EOIR) = a;
    put("EOICount", REG(GICH, GICH_HCR) >> 27);
    put("RPR after", REG(GICV, GICC_RPR));
    REG(GICH, GICH_HCR) = 1;

    /* underflow and no-pending maintenance conditions */
    REG(GICH, GICH_HCR) = 1 | 2 | 8;
    status("uie npie");
    put("PPI25 uie", REG(GICD, GICD_ISPENDR(0)) >> 25 & 1);
    REG(GICH, GICH_LR(0)) = LR_PENDING | 46;
    REG(GICH, GICH_LR(1)) = LR_PENDING | 47;
    status("two pending");
    REG(GICH, GICH_LR(0)) = 0;
    REG(GICH, GICH_LR(1)) = 0;
    REG(GICH, GICH_HCR) = 0;
    status("disabled");

    /* the alias region: core 0's GICH at 0x5000 */
    REG(GICH, GICH_LR(3)) = LR_PENDING | 48;
    put("alias LR3", REG(GICH_ALIAS, GICH_LR(3)));
    put("alias VTR", REG(GICH_ALIAS, GICH_VTR));
    REG(GICH, GICH_LR(3)) = 0;
    uart_puts("done\n");
    return 0;
}
