"""hvm_op (xen/arch/arm/hvm.c): r0 = HVMOP_*, r1 = struct xen_hvm_param.

A guest may read the parameters Xen/arm lets it read (the callback IRQ,
xenstore's and the console's page and port; 0 = not configured, which
for dom0's STORE_EVTCHN means "xenstored runs in dom0"); setting one is
for the hardware domain on another domain (the toolstack's job), -EPERM
on itself.  Other indices are -EINVAL, other ops -ENOSYS.
"""

from .errno import XEN_EINVAL, XEN_EPERM, XEN_ESRCH
from .hypercall import Call, subop
from .xen_public import (GUEST_EVTCHN_PPI, HVM_NR_PARAMS, HVM_PARAM_CALLBACK_IRQ,
                         HVM_PARAM_CALLBACK_PPI_LEVEL_LOW, HVM_PARAM_CALLBACK_TYPE_PPI,
                         HVM_PARAM_CONSOLE_EVTCHN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_STORE_EVTCHN,
                         HVM_PARAM_STORE_PFN, HVMOP_get_param, HVMOP_set_param)

GUEST_READABLE = (HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN,
                  HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN)


def params(domain) -> dict:
    """The domain's HVM params (kept on the domain; the callback IRQ is the
    event PPI, as Xen's domain_build records it)."""
    p = getattr(domain, "hvm_params", None)
    if p is None:
        p = {HVM_PARAM_CALLBACK_IRQ: HVM_PARAM_CALLBACK_TYPE_PPI << 56
             | HVM_PARAM_CALLBACK_PPI_LEVEL_LOW | GUEST_EVTCHN_PPI}
        domain.hvm_params = p
    return p


def _param(call: Call):
    a = call.read_struct("xen_hvm_param", call.args[1])
    d = call.target_domain(a["domid"])
    if d is None:
        return a, None, -XEN_ESRCH
    if a["index"] >= HVM_NR_PARAMS:
        return a, None, -XEN_EINVAL
    return a, d, 0


def get_param(call: Call) -> int:
    a, d, err = _param(call)
    if d is None:
        return err
    if a["index"] not in GUEST_READABLE and not call.domain.is_hardware_domain:
        return -XEN_EINVAL
    call.write_field("xen_hvm_param", call.args[1], "value", params(d).get(a["index"], 0))
    return 0


def set_param(call: Call) -> int:
    a, d, err = _param(call)
    if d is None:
        return err
    if d is call.domain:
        return -XEN_EPERM
    params(d)[a["index"]] = a["value"]
    return 0


HVMOP_OPS = {
    HVMOP_set_param: ("set_param", set_param),
    HVMOP_get_param: ("get_param", get_param),
}


def do_hvm_op(call: Call) -> int:
    return subop(call, HVMOP_OPS, call.args[0])
