/*
 * Xen hypercalls from a bare-metal guest of pyxen15's Python hypervisor:
 * HVC #0xEA1 with the number in r12 and up to five arguments in r0-r4,
 * the result in r0 (xen/include/public/arch-arm.h).  Every register the
 * call may touch is an in/out operand (a continuation rewrites r1/r2).
 */
#ifndef PYXEN15_GUEST_XEN_HYPERCALL_H
#define PYXEN15_GUEST_XEN_HYPERCALL_H

#include "xen.h"

#define __HYPERVISOR_memory_op        12
#define __HYPERVISOR_xen_version      17
#define __HYPERVISOR_console_io       18
#define __HYPERVISOR_grant_table_op   20
#define __HYPERVISOR_vcpu_op          24
#define __HYPERVISOR_sched_op         29
#define __HYPERVISOR_event_channel_op 32

#define XENVER_version        0
#define XENVER_get_features   6
#define CONSOLEIO_write       0
#define XENMEM_add_to_physmap 7
#define XENMAPSPACE_shared_info 0
#define VCPUOP_register_vcpu_info 10
#define EVTCHNOP_send         4
#define EVTCHNOP_bind_ipi     7
#define EVTCHNOP_unmask       9
#define DOMID_SELF            0x7FF0u
#define GUEST_EVTCHN_PPI      31

static inline int32_t xen_hypercall(uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2,
                                    uint32_t a3, uint32_t a4)
{
    register uint32_t r0 __asm__("r0") = a0;
    register uint32_t r1 __asm__("r1") = a1;
    register uint32_t r2 __asm__("r2") = a2;
    register uint32_t r3 __asm__("r3") = a3;
    register uint32_t r4 __asm__("r4") = a4;
    register uint32_t r12 __asm__("r12") = nr;
    __asm__ volatile(HVC_XEN : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r12)
                     :: "memory");
    return (int32_t)r0;
}

/* arm32 layouts (the hypervisor's xen_public.py has them all) */
struct xen_add_to_physmap {
    uint16_t domid, size;
    uint32_t space;
    uint64_t idx, gpfn;
};
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset, rsvd;
};
struct vcpu_info {
    volatile uint8_t evtchn_upcall_pending, pad0[7];
    volatile uint64_t evtchn_pending_sel;
    uint8_t time[32];
};
struct shared_info {
    struct vcpu_info vcpu_info[1];
    volatile uint64_t evtchn_pending[64];
    volatile uint64_t evtchn_mask[64];
};

static inline int32_t xen_console_write(const char *s, uint32_t n)
{
    return xen_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, n, (uint32_t)s, 0, 0);
}

#endif
