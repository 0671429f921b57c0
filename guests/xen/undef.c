/*
 * What has no emulation reaches the guest as an Undefined Instruction
 * exception at the instruction: an HVC whose immediate is neither PSCI's
 * (0) nor Xen's (0xEA1) traps and gets UNDEF injected by the hypervisor;
 * a CP14 debug-register write the core itself makes UNDEFINED (DBGBVR6:
 * the A15 has breakpoints 0-5 only) stays the core's.  Then a Xen
 * hypercall (xen_version, XENVER_version): -ENOSYS without the ABI
 * modules, Xen 4.17 with them.
 */
#include "xen.h"

static volatile uint32_t undefs;
static volatile uint32_t skip;

/* The runtime's UND vector is 'unexpected': install our own table. */
__attribute__((naked)) static void vectors(void)
{
    __asm__ volatile(
        ".align 5\n"
        "b .\n"                 /* reset */
        "b und_handler\n"       /* undefined */
        "b .\n b .\n b .\n b .\n b .\n b .\n");
}

__attribute__((used)) void und_count(void) { undefs++; }

__attribute__((naked, used)) static void und_handler_c(void)
{
    __asm__ volatile(
        ".global und_handler\n"
        "und_handler:\n"
        "push {r0-r3, r12, lr}\n"
        "bl und_count\n"
        "pop {r0-r3, r12, lr}\n"
        "movs pc, lr\n");       /* LR_und = the instruction + 4: skip it */
}

static inline uint32_t xen_hypercall0(uint32_t nr)
{
    register uint32_t r0 __asm__("r0") = 0;
    register uint32_t r12 __asm__("r12") = nr;
    __asm__ volatile(HVC_XEN : "+r"(r0) : "r"(r12) : "memory");
    return r0;
}

int main(void)
{
    uint32_t old;
    __asm__ volatile("mrc p15, 0, %0, c12, c0, 0" : "=r"(old));
    __asm__ volatile("mcr p15, 0, %0, c12, c0, 0; isb" ::"r"((uint32_t)vectors));
    __asm__ volatile(".word 0xe1400171" ::: "memory");              /* HVC #0x11 */
    put("undef_hvc", undefs);
    undefs = 0;
    __asm__ volatile("mcr p14, 0, %0, c0, c6, 4" ::"r"(0) : "memory");  /* DBGBVR6 */
    put("undef_cp14", undefs);
    __asm__ volatile("mcr p15, 0, %0, c12, c0, 0; isb" ::"r"(old));
    put("hypercall", xen_hypercall0(17 /* __HYPERVISOR_xen_version */));
    return 0;
}
