/*
 * A hypercall guest: asks the hypervisor which Xen it is and what features
 * it gives this domain, writes through console_io, and checks the errors
 * an unknown hypercall, an unknown sub-op and a bad pointer get.
 */
#include "hypercall.h"

static const char hello[] = "hello from a Xen guest via console_io\n";

int main(void)
{
    uint32_t fi[2] = {0, 0};
    put("version", (uint32_t)xen_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0));
    put("features_rc", (uint32_t)xen_hypercall(__HYPERVISOR_xen_version, XENVER_get_features,
                                               (uint32_t)fi, 0, 0, 0));
    put("features", fi[1]);
    put("write_rc", (uint32_t)xen_console_write(hello, sizeof hello - 1));
    put("unknown_nr", (uint32_t)xen_hypercall(0x1234, 0, 0, 0, 0, 0));
    put("unknown_subop", (uint32_t)xen_hypercall(__HYPERVISOR_xen_version, 0x77, 0, 0, 0, 0));
    put("bad_pointer", (uint32_t)xen_hypercall(__HYPERVISOR_xen_version, XENVER_get_features,
                                               0x10, 0, 0, 0));
    put("outside_ram", (uint32_t)xen_console_write((const char *)0x40000000u, 4));
    return 0;
}
