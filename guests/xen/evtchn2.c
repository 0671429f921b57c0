/*
 * An event for another vCPU: vCPU 0 makes a channel to itself
 * (alloc_unbound + bind_interdomain), moves the bound end to vCPU 1 with
 * EVTCHNOP_bind_vcpu (as Linux does for every dynamic port), and sends
 * on the other end while vCPU 1 waits in WFI: the upcall must reach
 * vCPU 1 on its own core and wake it.
 */
#include "hypercall.h"

static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
static struct vcpu_info vinfo[2] __attribute__((aligned(64)));
#define shinfo ((struct shared_info *)shinfo_page)

static volatile uint32_t ready, received[2], last_port;

void guest_irq_handler(void)
{
    uint32_t iar = REG(GICC, GICC_IAR);
    uint32_t me = mpidr() & 0xFF;
    if ((iar & 0x3FF) == GUEST_EVTCHN_PPI) {
        struct vcpu_info *vi = &vinfo[me];
        vi->evtchn_upcall_pending = 0;
        uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        if (sel & 1) {
            uint64_t bits = shinfo->evtchn_pending[0] & ~shinfo->evtchn_mask[0];
            for (unsigned b = 1; b < 32; b++)
                if (bits >> b & 1) {
                    __atomic_fetch_and(&shinfo->evtchn_pending[0], ~(1ull << b), __ATOMIC_SEQ_CST);
                    last_port = b;
                    received[me]++;
                }
        }
    }
    REG(GICC, GICC_EOIR) = iar;
    dsb();
    sev();
}

static void register_info(uint32_t cpu)
{
    struct vcpu_register_vcpu_info info = {(uint32_t)&vinfo[cpu] >> 12,
                                           (uint32_t)&vinfo[cpu] & 0xFFF, 0};
    xen_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, cpu, (uint32_t)&info, 0, 0);
}

static void secondary_main(uint32_t cpu)
{
    REG(GICD, GICD_ISENABLER(0)) = 1u << GUEST_EVTCHN_PPI;   /* banked: this vCPU's PPI */
    gic_cpu_on();
    register_info(cpu);
    ready = 1;
    dsb();
    sev();
    for (;;) {
        wfi();
        irq_enable();
        irq_disable();
    }
}

extern void _start(void);

int main(void)
{
    extern volatile uint32_t secondary_entry;
    REG(GICD, GICD_CTLR) = 1;
    struct xen_add_to_physmap xatp = {DOMID_SELF, 0, XENMAPSPACE_shared_info, 0,
                                      (uint32_t)shinfo >> 12};
    xen_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint32_t)&xatp, 0, 0, 0);
    register_info(0);
    uint32_t unbound[2] = {DOMID_SELF | (DOMID_SELF << 16), 0};     /* dom, remote_dom; port */
    put("alloc_rc", (uint32_t)xen_hypercall(__HYPERVISOR_event_channel_op, 6, (uint32_t)unbound, 0, 0, 0));
    uint32_t inter[3] = {DOMID_SELF, unbound[1], 0};               /* remote_dom, port; local */
    put("bind_rc", (uint32_t)xen_hypercall(__HYPERVISOR_event_channel_op, 0, (uint32_t)inter, 0, 0, 0));
    uint32_t local = inter[2];
    shinfo->evtchn_pending[0] = 0;                  /* binding marks it pending once */
    uint32_t move[2] = {local, 1};
    put("bind_vcpu_rc", (uint32_t)xen_hypercall(__HYPERVISOR_event_channel_op, 8, (uint32_t)move, 0, 0, 0));

    secondary_entry = (uint32_t)secondary_main;
    dsb();
    put("cpu_on", psci(PSCI_CPU_ON, 1, (uint32_t)_start, 0));
    while (!ready)
        wfe();
    for (int i = 0; i < 100000 && received[1] < 1; i++)
        __asm__ volatile("nop");                     /* vCPU 1 now waits in WFI */
    uint32_t before = received[1];
    uint32_t remote = unbound[1];
    put("send_rc", (uint32_t)xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
                                           (uint32_t)&remote, 0, 0, 0));
    for (int i = 0; i < 1000 && received[1] == before; i++)
        wfe();
    put("vcpu1_received", received[1] - before);
    put("vcpu0_received", received[0]);
    put("port", last_port == local);
    return 0;
}
