/*
 * Helpers of the guests that run as a domain of pyxen15's Python
 * hypervisor (tests/hyp): the calls into the hypervisor (HVC #0 for
 * PSCI/SMCCC; HVC #0xEA1 with the number in r12 for Xen hypercalls),
 * emitted as .word so any assembler takes them, and the GIC as a Xen
 * guest sees it: GICD emulated by the hypervisor, GICC the real GICV.
 * Entered in SVC mode by the hypervisor, at the ELF's _start (the usual
 * crt0; a vCPU's Aff0 in VMPIDR sends vCPU n > 0 down its secondary path).
 */
#ifndef PYXEN15_GUEST_XEN_H
#define PYXEN15_GUEST_XEN_H

#include "gic.h"

#define PSCI_VERSION            0x84000000u
#define PSCI_CPU_OFF            0x84000002u
#define PSCI_CPU_ON             0x84000003u
#define PSCI_AFFINITY_INFO      0x84000004u
#define PSCI_MIGRATE_INFO_TYPE  0x84000006u
#define PSCI_SYSTEM_OFF         0x84000008u
#define PSCI_FEATURES           0x8400000Au
#define SMCCC_VERSION           0x80000000u
#define SMCCC_ARCH_FEATURES     0x80000001u

/* HVC #0 (A1: cond 0001 0100 imm12 0111 imm4) and HVC #0xEA1 */
#define HVC_0      ".word 0xe1400070"
#define HVC_XEN    ".word 0xe140ea71"

static inline uint32_t psci(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3)
{
    register uint32_t r0 __asm__("r0") = fid;
    register uint32_t r1 __asm__("r1") = a1;
    register uint32_t r2 __asm__("r2") = a2;
    register uint32_t r3 __asm__("r3") = a3;
    __asm__ volatile(HVC_0 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) :: "memory");
    return r0;
}

/* SMC #0 (cond 0001 0110 0000 0000 0000 0111 imm4): trapped by HCR.TSC, PSCI as over HVC */
static inline uint32_t psci_smc(uint32_t fid, uint32_t a1)
{
    register uint32_t r0 __asm__("r0") = fid;
    register uint32_t r1 __asm__("r1") = a1;
    __asm__ volatile(".word 0xe1600070" : "+r"(r0), "+r"(r1) :: "memory");
    return r0;
}

static inline uint32_t mpidr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c0, c0, 5" : "=r"(v));
    return v;
}

/* The guest's GIC: distributor on, this vCPU's (virtual) CPU interface on. */
static inline void gic_cpu_on(void)
{
    REG(GICC, GICC_PMR) = 0xF0;
    REG(GICC, GICC_CTLR) = 1;
}

#endif
