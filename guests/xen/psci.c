/*
 * PSCI through the hypervisor: the version and feature queries Linux
 * makes, CPU_ON of vCPU 1 (which enters _start and takes the runtime's
 * secondary path), AFFINITY_INFO while it is on and after its CPU_OFF,
 * and the error codes of bad requests.
 */
#include "xen.h"

static volatile uint32_t secondary_ran;

static void secondary_main(uint32_t cpu)
{
    secondary_ran = 0x100 | cpu | (mpidr() & 0xFF) << 4;
    dsb();
    sev();
    psci(PSCI_CPU_OFF, 0, 0, 0);
    uart_puts("CPU_OFF returned\n");                /* it must not */
}

extern void _start(void);

int main(void)
{
    extern volatile uint32_t secondary_entry;
    put("version", psci(PSCI_VERSION, 0, 0, 0));
    put("smccc", psci(SMCCC_VERSION, 0, 0, 0));
    put("smc_version", psci_smc(PSCI_VERSION, 0));
    put("features_cpu_on", psci(PSCI_FEATURES, PSCI_CPU_ON, 0, 0));
    put("features_bogus", psci(PSCI_FEATURES, 0x8400FFFFu, 0, 0));
    put("migrate_info_type", psci(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0));
    put("affinity1_before", psci(PSCI_AFFINITY_INFO, 0x80000001u, 0, 0));
    put("cpu_on_bad", psci(PSCI_CPU_ON, 7, (uint32_t)_start, 0));
    put("cpu_on_self", psci(PSCI_CPU_ON, 0, (uint32_t)_start, 0));
    secondary_entry = (uint32_t)secondary_main;
    dsb();
    put("cpu_on", psci(PSCI_CPU_ON, 1, (uint32_t)_start, 0));
    put("cpu_on_again", psci(PSCI_CPU_ON, 1, (uint32_t)_start, 0));
    while (!secondary_ran)
        wfe();
    put("secondary", secondary_ran);
    while (psci(PSCI_AFFINITY_INFO, 1, 0, 0) == 0)
        ;
    put("affinity1_after", psci(PSCI_AFFINITY_INFO, 1, 0, 0));
    put("unknown_fid", psci(0x8400BEEFu, 0, 0, 0));
    return 0;
}
