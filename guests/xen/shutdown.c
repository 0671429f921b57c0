/*
 * SCHEDOP_shutdown stops the whole domain: vCPU 1, brought up with PSCI
 * CPU_ON, counts for ever; once it has counted, vCPU 0 shuts the domain
 * down (poweroff).  Both vCPUs must go offline -- vCPU 1 wherever it runs,
 * on the other core or waiting for its turn on this one -- so the run
 * ends with every core idle, and nothing after the call runs.
 */
#include "xen.h"
#include "hypercall.h"

#define SCHEDOP_shutdown   2
#define SHUTDOWN_poweroff  0

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
    uint32_t reason = SHUTDOWN_poweroff;

    secondary_entry = (uint32_t)secondary_main;
    dsb();
    put("cpu_on", psci(PSCI_CPU_ON, 1, (uint32_t)_start, 0));
    while (counter < 1000)
        ;
    uart_puts("shutting down\n");
    xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint32_t)&reason, 0, 0, 0);
    uart_puts("shutdown returned\n");               /* it must not */
    return 1;
}
