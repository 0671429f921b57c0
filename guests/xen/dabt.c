/*
 * A load from an IPA outside the domain's p2m -- here the physical
 * address of the hypervisor's own heap at the top of the board's RAM --
 * is a stage-2 translation fault that no emulated device claims: the
 * hypervisor injects a synchronous external Data Abort into the guest
 * (the runtime's handler reports it and exits with 0x80 + 4), and the
 * load never reaches that memory.
 */
#include "xen.h"

int main(int argc, char **argv)
{
    (void)argv;
    uart_puts("loading from outside the p2m\n");
    uint32_t v = *(volatile uint32_t *)(0x83F00000u + (uint32_t)argc);
    put("loaded", v);                                 /* must not happen */
    return 0;
}
