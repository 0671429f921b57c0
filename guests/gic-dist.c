/*
 * The GIC distributor and CPU interface as software sees them on one core:
 * ID and type registers, which bits of each register map are implemented,
 * the pending/active/enable set-clear pairs, SGIs to self, and the
 * acknowledge / end-of-interrupt cycle with priorities, EOImode and DIR.
 * Printed values are compared byte for byte with QEMU's vexpress-a15.
 */
#include "gic.h"

static volatile uint32_t irq_log[8];
static volatile uint32_t irq_count;

void guest_irq_handler(void)
{
    uint32_t iar = REG(GICC, GICC_IAR);
    if (irq_count < 8)
        irq_log[irq_count] = iar;
    irq_count++;
    REG(GICC, GICC_EOIR) = iar;
}

static void probe(const char *name, uint32_t off, uint32_t value)
{
    REG(GICD, off) = value;
    put(name, REG(GICD, off));
}

int main(void)
{
    uart_init();
    uart_puts("gic-dist\n");
    put("GICD_CTLR", REG(GICD, GICD_CTLR));
    put("GICD_TYPER", REG(GICD, GICD_TYPER));
    put("GICD_IIDR", REG(GICD, GICD_IIDR));
    put("GICD_PIDR2", REG(GICD, 0xFE8));
    put("GICD_IGROUPR0", REG(GICD, GICD_IGROUPR(0)));
    put("GICD_ISENABLER0", REG(GICD, GICD_ISENABLER(0)));
    put("GICD_ITARGETSR0", REG(GICD, GICD_ITARGETSR(0)));
    put("GICD_ITARGETSR7", REG(GICD, GICD_ITARGETSR(7)));
    put("GICD_ICFGR0", REG(GICD, GICD_ICFGR(0)));
    put("GICD_ICFGR1", REG(GICD, GICD_ICFGR(1)));
    put("GICD_IPRIORITYR8", REG(GICD, GICD_IPRIORITYR(8)));

    /* which bits are implemented: write all ones, read back */
    probe("ISENABLER1", GICD_ISENABLER(1), 0xFFFFFFFF);
    REG(GICD, GICD_ICENABLER(1)) = 0x0000FFFF;
    put("ICENABLER1", REG(GICD, GICD_ICENABLER(1)));
    probe("ISENABLER0", GICD_ISENABLER(0), 0xFFFFFFFF);
    REG(GICD, GICD_ICENABLER(0)) = 0xFFFFFFFF;
    put("ICENABLER0", REG(GICD, GICD_ICENABLER(0)));
    probe("IPRIORITYR8", GICD_IPRIORITYR(8), 0xFFFFFFFF);
    probe("IPRIORITYR8", GICD_IPRIORITYR(8), 0x12345678);
    probe("IPRIORITYR0", GICD_IPRIORITYR(0), 0xFFFFFFFF);
    probe("ITARGETSR8", GICD_ITARGETSR(8), 0xFFFFFFFF);
    probe("ITARGETSR8", GICD_ITARGETSR(8), 0x01020304);
    probe("ITARGETSR0", GICD_ITARGETSR(0), 0xFFFFFFFF);
    probe("ICFGR2", GICD_ICFGR(2), 0xFFFFFFFF);
    probe("ICFGR2", GICD_ICFGR(2), 0x00000000);
    probe("ICFGR0", GICD_ICFGR(0), 0x00000000);
    probe("IGROUPR1", GICD_IGROUPR(1), 0xFFFFFFFF);
    probe("IGROUPR1", GICD_IGROUPR(1), 0);
    probe("ISPENDR1", GICD_ISPENDR(1), 0x00000005);
    REG(GICD, GICD_ICPENDR(1)) = 0x00000001;
    put("ICPENDR1", REG(GICD, GICD_ICPENDR(1)));
    REG(GICD, GICD_ICPENDR(1)) = 0xFFFFFFFF;
    probe("ISACTIVER1", GICD_ISACTIVER(1), 0x00000030);
    REG(GICD, GICD_ICACTIVER(1)) = 0xFFFFFFFF;
    put("ICACTIVER1", REG(GICD, GICD_ICACTIVER(1)));
    probe("TYPER_RO", GICD_TYPER, 0);
    probe("CTLR", GICD_CTLR, 0xFFFFFFFF);
    REG(GICD, GICD_CTLR) = 0;

    /* SGIs to self: the filter 2 form, pending by source CPU */
    REG(GICD, GICD_SGIR) = (2u << 24) | 3;
    put("SGI3 ISPENDR0", REG(GICD, GICD_ISPENDR(0)));
    put("SPENDSGIR0", REG(GICD, GICD_SPENDSGIR(0)));
    REG(GICD, GICD_CPENDSGIR(0)) = 0xFF000000;
    put("SGI3 cleared", REG(GICD, GICD_ISPENDR(0)));
    REG(GICD, GICD_SGIR) = (2u << 24) | 5;
    REG(GICD, GICD_ICPENDR(0)) = 1u << 5;          /* SGIs: ICPENDR bits are WI */
    put("SGI5 ICPENDR", REG(GICD, GICD_ISPENDR(0)));
    REG(GICD, GICD_CPENDSGIR(1)) = 0x0000FF00;
    put("SGI5 cleared", REG(GICD, GICD_ISPENDR(0)));

    /* CPU interface registers at reset, and their implemented bits */
    put("GICC_CTLR", REG(GICC, GICC_CTLR));
    put("GICC_PMR", REG(GICC, GICC_PMR));
    put("GICC_BPR", REG(GICC, GICC_BPR));
    put("GICC_ABPR", REG(GICC, GICC_ABPR));
    put("GICC_RPR", REG(GICC, GICC_RPR));
    put("GICC_HPPIR", REG(GICC, GICC_HPPIR));
    put("GICC_IIDR", REG(GICC, GICC_IIDR));
    REG(GICC, GICC_PMR) = 0xFF;
    put("PMR ones", REG(GICC, GICC_PMR));
    REG(GICC, GICC_BPR) = 0;
    put("BPR zero", REG(GICC, GICC_BPR));
    REG(GICC, GICC_BPR) = 7;
    put("BPR seven", REG(GICC, GICC_BPR));
    REG(GICC, GICC_BPR) = 2;
    REG(GICC, GICC_CTLR) = 0xFFFFFFFF;
    put("GICC_CTLR ones", REG(GICC, GICC_CTLR));

    /* acknowledge and end of interrupt, by hand, with IRQs masked */
    REG(GICD, GICD_CTLR) = 3;
    REG(GICC, GICC_CTLR) = 3;             /* both groups */
    REG(GICC, GICC_PMR) = 0xF0;
    REG(GICD, GICD_IPRIORITYR(8)) = 0x80A0C0E0;  /* SPI 32: E0, 33: C0, 34: A0, 35: 80 */
    REG(GICD, GICD_ITARGETSR(8)) = 0x01010101;
    REG(GICD, GICD_ISENABLER(1)) = 0xF;
    REG(GICD, GICD_ISPENDR(1)) = 0x3;      /* 32 and 33 */
    put("HPPIR", REG(GICC, GICC_HPPIR));
    put("RPR idle", REG(GICC, GICC_RPR));
    uint32_t a = REG(GICC, GICC_IAR);
    put("IAR", a);
    put("RPR", REG(GICC, GICC_RPR));
    put("ISACTIVER1", REG(GICD, GICD_ISACTIVER(1)));
    put("ISPENDR1", REG(GICD, GICD_ISPENDR(1)));
    put("HPPIR during", REG(GICC, GICC_HPPIR));
    put("IAR during", REG(GICC, GICC_IAR));   /* 32 has lower priority: spurious */
    REG(GICD, GICD_ISPENDR(1)) = 0x8;      /* 35 (0x80) preempts 33 (0xC0) */
    uint32_t b = REG(GICC, GICC_IAR);
    put("IAR preempt", b);
    put("RPR preempt", REG(GICC, GICC_RPR));
    REG(GICC, GICC_EOIR) = b;
    put("RPR after", REG(GICC, GICC_RPR));
    REG(GICC, GICC_EOIR) = a;
    put("RPR idle2", REG(GICC, GICC_RPR));
    put("ISACTIVER1 end", REG(GICD, GICD_ISACTIVER(1)));
    put("IAR next", a = REG(GICC, GICC_IAR));
    REG(GICC, GICC_EOIR) = a;
    put("IAR none", REG(GICC, GICC_IAR));

    /* EOImode = 1: EOIR drops the priority, DIR deactivates */
    REG(GICC, GICC_CTLR) = 3 | (1u << 9);
    REG(GICD, GICD_ISPENDR(1)) = 0x4;
    a = REG(GICC, GICC_IAR);
    put("IAR eoimode", a);
    REG(GICC, GICC_EOIR) = a;
    put("RPR eoimode", REG(GICC, GICC_RPR));
    put("ACTIVE eoimode", REG(GICD, GICD_ISACTIVER(1)));
    REG(GICC, GICC_DIR) = a;
    put("ACTIVE dir", REG(GICD, GICD_ISACTIVER(1)));
    REG(GICC, GICC_CTLR) = 3;

    /* group 1: with AckCtl clear, IAR does not acknowledge it (1022) */
    REG(GICD, GICD_IGROUPR(1)) = 0x1;      /* SPI 32 in group 1 */
    REG(GICD, GICD_ISPENDR(1)) = 0x1;
    put("HPPIR grp1", REG(GICC, GICC_HPPIR));
    put("IAR grp1", REG(GICC, GICC_IAR));
    REG(GICC, GICC_CTLR) = 3 | (1u << 2);  /* AckCtl */
    put("HPPIR ackctl", REG(GICC, GICC_HPPIR));
    a = REG(GICC, GICC_IAR);
    put("IAR ackctl", a);
    put("RPR grp1", REG(GICC, GICC_RPR));
    REG(GICC, GICC_EOIR) = a;
    put("RPR grp1 end", REG(GICC, GICC_RPR));
    REG(GICD, GICD_IGROUPR(1)) = 0;
    REG(GICC, GICC_CTLR) = 3;

    /* taking IRQs through the vector: the SGI, then an SPI */
    REG(GICD, GICD_ISENABLER(0)) = 0xFFFF;
    REG(GICD, GICD_SGIR) = (2u << 24) | 7;
    REG(GICD, GICD_ISPENDR(1)) = 0x2;
    irq_enable();
    for (int i = 0; i < 1000 && irq_count < 2; i++)
        ;
    irq_disable();
    put("irq_count", irq_count);
    put("irq0", irq_log[0]);
    put("irq1", irq_log[1]);
    /* a level that is disabled does not signal; WFI wakes on it once enabled */
    REG(GICD, GICD_ICENABLER(1)) = 0x1;
    REG(GICD, GICD_ISPENDR(1)) = 0x1;
    put("HPPIR disabled", REG(GICC, GICC_HPPIR));
    REG(GICD, GICD_ISENABLER(1)) = 0x1;
    wfi();
    irq_enable();
    irq_disable();
    put("irq_count wfi", irq_count);
    put("irq2", irq_log[2]);
    uart_puts("done\n");
    return 0;
}
