/*
 * The runstate area (VCPUOP_register_runstate_memory_area): vCPU 0
 * registers its own, brings up vCPU 1 (which counts for ever) and waits
 * until vCPU 1 has counted enough to have run for some time slices.  When
 * both vCPUs share one core, vCPU 0 was descheduled meanwhile, so its area
 * must show time runnable as well as running; on a core each, none.  The
 * area is read as the hypervisor last wrote it: at registration and at
 * each switch onto the core.
 */
#include "xen.h"
#include "hypercall.h"

#define VCPUOP_register_runstate_memory_area 5
#define COUNT 300000u

struct vcpu_runstate_info {
    int32_t state;
    uint32_t pad;
    uint64_t state_entry_time;
    uint64_t time[4];           /* running, runnable, blocked, offline (ns) */
};

static volatile struct vcpu_runstate_info runstate;
static volatile uint32_t counter;

static void secondary_main(uint32_t cpu)
{
    (void)cpu;
    for (;;)
        counter++;
}

extern void _start(void);

int main(void)
{
    extern volatile uint32_t secondary_entry;
    uint64_t area = (uint32_t)&runstate;

    put("register", xen_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0,
                                  (uint32_t)&area, 0, 0));
    put("entry0", (uint32_t)runstate.state_entry_time);
    secondary_entry = (uint32_t)secondary_main;
    dsb();
    put("cpu_on", psci(PSCI_CPU_ON, 1, (uint32_t)_start, 0));
    while (counter < COUNT)
        ;
    put("state", (uint32_t)runstate.state);
    put("entry", (uint32_t)runstate.state_entry_time);
    put("running", (uint32_t)runstate.time[0]);
    put("runnable", (uint32_t)runstate.time[1]);
    put("blocked", (uint32_t)runstate.time[2]);
    put("offline", (uint32_t)runstate.time[3]);
    put("bad_area", xen_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0,
                                  0xFFFFF000u, 0, 0));
    return 0;
}
