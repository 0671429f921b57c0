/*
 * An event channel sent to itself: the guest maps shared_info
 * (memory_op add_to_physmap), registers its vcpu_info, binds an IPI port
 * and sends on it; the hypervisor sets the port pending, its word in
 * evtchn_pending_sel and evtchn_upcall_pending, and injects the upcall
 * PPI; the IRQ handler scans the 2-level bitmaps as Linux's
 * xen_evtchn_do_upcall does.  Then the same with the port masked: nothing
 * arrives until EVTCHNOP_unmask.
 */
#include "hypercall.h"

static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));   /* a RAM page it gives up */
static struct vcpu_info my_vcpu_info __attribute__((aligned(64)));

#define shinfo ((struct shared_info *)shinfo_page)

static volatile uint32_t upcalls, received, last_port, spurious;

static unsigned ctz64(uint64_t v)      /* no libgcc: two 32-bit CTZs */
{
    uint32_t lo = (uint32_t)v;
    return lo ? (unsigned)__builtin_ctz(lo) : 32u + (unsigned)__builtin_ctz((uint32_t)(v >> 32));
}

static void scan_events(struct vcpu_info *vi)
{
    do {
        vi->evtchn_upcall_pending = 0;
        uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned w = ctz64(sel);
            sel &= sel - 1;
            uint64_t bits = shinfo->evtchn_pending[w] & ~shinfo->evtchn_mask[w];
            while (bits) {
                unsigned b = ctz64(bits);
                bits &= bits - 1;
                __atomic_fetch_and(&shinfo->evtchn_pending[w], ~(1ull << b), __ATOMIC_SEQ_CST);
                last_port = w * 64 + b;
                received++;
            }
        }
    } while (vi->evtchn_upcall_pending);
}

void guest_irq_handler(void)
{
    uint32_t iar = REG(GICC, GICC_IAR);
    if ((iar & 0x3FF) == GUEST_EVTCHN_PPI) {
        upcalls++;
        scan_events(&my_vcpu_info);
    } else {
        spurious++;
    }
    REG(GICC, GICC_EOIR) = iar;
}

static void wait_for(volatile uint32_t *count, uint32_t n)
{
    for (int spins = 0; *count < n && spins < 1000; spins++) {
        wfi();
        irq_enable();
        irq_disable();
    }
}

int main(void)
{
    REG(GICD, GICD_CTLR) = 1;
    REG(GICD, GICD_ISENABLER(0)) = 1u << GUEST_EVTCHN_PPI;
    gic_cpu_on();

    struct xen_add_to_physmap xatp = {DOMID_SELF, 0, XENMAPSPACE_shared_info, 0,
                                      (uint32_t)shinfo >> 12};
    put("physmap_rc", (uint32_t)xen_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
                                              (uint32_t)&xatp, 0, 0, 0));
    for (int i = 0; i < 64; i++)
        shinfo->evtchn_mask[i] = ~0ull;                 /* as Linux does at init */
    struct vcpu_register_vcpu_info info = {(uint32_t)&my_vcpu_info >> 12,
                                           (uint32_t)&my_vcpu_info & 0xFFF, 0};
    put("vcpu_info_rc", (uint32_t)xen_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info,
                                                0, (uint32_t)&info, 0, 0));
    wait_for(&upcalls, 1);                            /* registration raises one upcall */
    put("upcalls_after_register", upcalls);

    uint32_t ipi[2] = {0, 0};                          /* evtchn_bind_ipi { vcpu; port } */
    put("bind_ipi_rc", (uint32_t)xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi,
                                               (uint32_t)ipi, 0, 0, 0));
    uint32_t port = ipi[1];
    put("port", port);
    shinfo->evtchn_mask[port / 64] &= ~(1ull << (port % 64));   /* unmask locally */
    put("send_rc", (uint32_t)xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
                                           (uint32_t)&port, 0, 0, 0));
    wait_for(&received, 1);
    put("received", received);
    put("received_port", last_port);

    shinfo->evtchn_mask[port / 64] |= 1ull << (port % 64);       /* masked: held back */
    xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint32_t)&port, 0, 0, 0);
    for (int i = 0; i < 20; i++) {
        irq_enable();
        irq_disable();
    }
    put("received_while_masked", received);
    put("pending_while_masked", (uint32_t)(shinfo->evtchn_pending[port / 64] >> (port % 64)) & 1);
    xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_unmask, (uint32_t)&port, 0, 0, 0);
    wait_for(&received, 2);
    put("received_after_unmask", received);
    put("spurious", spurious);
    return 0;
}
