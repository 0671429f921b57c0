/*
 * PSCI SYSTEM_OFF from the hardware domain ends the run with status 0
 * (the test runs this guest as dom0); nothing after it runs.
 */
#include "xen.h"

int main(void)
{
    uart_puts("powering off\n");
    psci(PSCI_SYSTEM_OFF, 0, 0, 0);
    uart_puts("SYSTEM_OFF returned\n");
    return 3;
}
