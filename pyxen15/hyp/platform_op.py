"""platform_op (xen/arch/arm/platform_hypercall.c): r0 = a struct
xen_platform_op (cmd, interface_version, the union).  The hardware
domain only; Xen/arm implements settime64 (dom0's wallclock, which
Linux sends from its timekeeping notifier and whose result it ignores),
-ENOSYS for every other command."""

from .errno import XEN_EACCES, XEN_EINVAL, XEN_ENOSYS, XEN_EPERM
from .hypercall import Call
from .xen_public import LAYOUTS, XENPF_INTERFACE_VERSION, XENPF_settime64


def do_platform_op(call: Call) -> int:
    if not call.domain.is_hardware_domain:
        call.op = "denied"
        return -XEN_EPERM
    va = call.args[0]
    op = call.read_struct("xen_platform_op", va)
    if op["interface_version"] != XENPF_INTERFACE_VERSION:
        call.op = "bad_version"
        return -XEN_EACCES
    if op["cmd"] != XENPF_settime64:
        call.op = "unknown"
        return -XEN_ENOSYS
    call.op = "settime64"
    t = LAYOUTS["xenpf_settime64"].unpack(call.read(va + 8, 24))
    if t["mbz"] != 0:
        return -XEN_EINVAL
    call.hv.wallclock = (t["secs"], t["nsecs"], t["system_time"])
    return 0
