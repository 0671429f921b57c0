/*
 * The CoreTile Express A15x2's GIC (PERIPHBASE 0x2C000000) and the small
 * helpers the GIC and timer conformance guests share.  Register names from
 * the GICv2 architecture specification (IHI 0048B), 4.1 and 5.1.
 */
#ifndef PYXEN15_GUEST_GIC_H
#define PYXEN15_GUEST_GIC_H

#include "runtime/runtime.h"

#define GICD 0x2C001000u
#define GICC 0x2C002000u
#define GICH 0x2C004000u
#define GICH_ALIAS 0x2C005000u
#define GICV 0x2C006000u

#define REG(base, off) (*(volatile uint32_t *)((base) + (off)))

/* Distributor */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR(n) (0x080 + 4 * (n))
#define GICD_ISENABLER(n) (0x100 + 4 * (n))
#define GICD_ICENABLER(n) (0x180 + 4 * (n))
#define GICD_ISPENDR(n) (0x200 + 4 * (n))
#define GICD_ICPENDR(n) (0x280 + 4 * (n))
#define GICD_ISACTIVER(n) (0x300 + 4 * (n))
#define GICD_ICACTIVER(n) (0x380 + 4 * (n))
#define GICD_IPRIORITYR(n) (0x400 + 4 * (n))
#define GICD_ITARGETSR(n) (0x800 + 4 * (n))
#define GICD_ICFGR(n) (0xC00 + 4 * (n))
#define GICD_SGIR 0xF00
#define GICD_CPENDSGIR(n) (0xF10 + 4 * (n))
#define GICD_SPENDSGIR(n) (0xF20 + 4 * (n))

/* CPU interface (and the virtual CPU interface, same layout) */
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0C
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_ABPR 0x1C
#define GICC_AIAR 0x20
#define GICC_AEOIR 0x24
#define GICC_AHPPIR 0x28
#define GICC_APR0 0xD0
#define GICC_IIDR 0xFC
#define GICC_DIR 0x1000

/* Virtual interface control */
#define GICH_HCR 0x00
#define GICH_VTR 0x04
#define GICH_VMCR 0x08
#define GICH_MISR 0x10
#define GICH_EISR0 0x20
#define GICH_ELSR0 0x30
#define GICH_APR 0xF0
#define GICH_LR(n) (0x100 + 4 * (n))

static inline void put(const char *name, uint32_t value)
{
    uart_puts(name);
    uart_putc('=');
    uart_puthex32(value);
    uart_putc('\n');
}

static inline void irq_enable(void) { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void dsb(void) { __asm__ volatile("dsb" ::: "memory"); }
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void wfe(void) { __asm__ volatile("wfe" ::: "memory"); }
static inline void sev(void) { __asm__ volatile("sev" ::: "memory"); }

#endif
