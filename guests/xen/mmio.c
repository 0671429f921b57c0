/*
 * Stage-2 MMIO to an emulated device: the vGIC distributor.  Every access
 * below traps as a stage-2 data abort and is emulated from its syndrome
 * (word and byte accesses, loads and stores); the values are those the
 * hypervisor's distributor keeps for this domain.
 */
#include "xen.h"

#define REG8(base, off) (*(volatile uint8_t *)((base) + (off)))

int main(void)
{
    put("ctlr_reset", REG(GICD, GICD_CTLR));
    REG(GICD, GICD_CTLR) = 1;
    put("ctlr", REG(GICD, GICD_CTLR));
    put("typer", REG(GICD, GICD_TYPER));
    put("iidr", REG(GICD, GICD_IIDR));
    put("sgi_enabled", REG(GICD, GICD_ISENABLER(0)));
    REG(GICD, GICD_ISENABLER(1)) = 0x00010001u;      /* SPIs 32 and 48 */
    REG(GICD, GICD_ICENABLER(1)) = 0x00000001u;
    put("enabled1", REG(GICD, GICD_ISENABLER(1)));
    REG(GICD, GICD_IPRIORITYR(8)) = 0x80a0c0f0u;     /* IDs 32-35 */
    REG8(GICD, GICD_IPRIORITYR(8) + 1) = 0x48;
    put("prio8", REG(GICD, GICD_IPRIORITYR(8)));
    put("prio33_byte", REG8(GICD, GICD_IPRIORITYR(8) + 1));
    REG8(GICD, GICD_ITARGETSR(8)) = 1;
    put("targets8", REG(GICD, GICD_ITARGETSR(8)));
    put("targets0", REG(GICD, GICD_ITARGETSR(0)));
    REG(GICD, GICD_ICFGR(2)) = 0x2u;                 /* ID 32 edge */
    put("icfgr2", REG(GICD, GICD_ICFGR(2)));
    put("pidr2", REG(GICD, 0xFE8));
    return 0;
}
