"""vcpu_op (xen/common/domain.c do_vcpu_op, xen/arch/arm/domain.c
arch_do_vcpu_op): r0 = VCPUOP_*, r1 = the vCPU id (Linux's CPU number),
r2 = the op's structure.

Xen on ARM takes register_vcpu_info and register_runstate_memory_area
from the guest and answers -EINVAL to the rest, since an ARM guest brings
its vCPUs up and down with PSCI; is_up, and down for the calling vCPU
itself (the same as PSCI CPU_OFF), are answered here too, and up is
-EINVAL (a vCPU has no context to start from without CPU_ON).
"""

from .errno import XEN_EBUSY, XEN_EINVAL, XEN_ENOENT
from .guestcopy import GuestFault, ipa_to_pa
from .hypercall import Call, subop
from .xen_public import (PAGE_SIZE, VCPU_INFO_SIZE, VCPUOP_down, VCPUOP_is_up,
                         VCPUOP_register_runstate_memory_area, VCPUOP_register_vcpu_info,
                         VCPUOP_up)


def _target(call: Call):
    vid = call.args[1]
    vcpus = call.domain.vcpus
    return vcpus[vid] if vid < len(vcpus) else None


def register_vcpu_info(call: Call) -> int:
    v = _target(call)
    r = call.read_struct("vcpu_register_vcpu_info", call.args[2])
    if r["offset"] > PAGE_SIZE - VCPU_INFO_SIZE or r["mfn"] >= 1 << 20:
        return -XEN_EINVAL
    ev = call.domain.evtchn
    if v.vcpu_id in ev.vcpu_info:
        return -XEN_EBUSY
    try:
        pa = ipa_to_pa(call.domain, (r["mfn"] << 12) + r["offset"], True)
    except GuestFault:
        return -XEN_EINVAL                      # not a RAM page of the domain's
    v.vcpu_info_gpa = (r["mfn"] << 12) + r["offset"]
    ev.register_vcpu_info(v.vcpu_id, pa)
    return 0


def register_runstate_memory_area(call: Call) -> int:
    """The area (a guest VA, Linux's per-CPU xen_runstate) is written at
    once and then each time the vCPU is switched onto its core (vcpu.py),
    as Xen does; Linux's steal clock reads runnable + offline from it."""
    v = _target(call)
    v.runstate_va = call.read_struct("vcpu_register_runstate_memory_area", call.args[2])["addr"] & 0xFFFFFFFF
    v.update_runstate_area()
    return 0


def is_up(call: Call) -> int:
    return 1 if _target(call).online else 0


def down(call: Call) -> int:
    v = _target(call)
    if not v.online:
        return 0
    if v is not call.vcpu:
        return -XEN_EINVAL                      # another vCPU goes down through its own CPU_OFF
    call.hv.stop_vcpu(v)
    return 0


VCPUOP_OPS = {
    VCPUOP_up: ("up", lambda c: -XEN_EINVAL),
    VCPUOP_down: ("down", down),
    VCPUOP_is_up: ("is_up", is_up),
    VCPUOP_register_runstate_memory_area: ("register_runstate_memory_area",
                                           register_runstate_memory_area),
    VCPUOP_register_vcpu_info: ("register_vcpu_info", register_vcpu_info),
}


def do_vcpu_op(call: Call) -> int:
    if _target(call) is None:
        call.op = "bad_vcpu"
        return -XEN_ENOENT
    entry = VCPUOP_OPS.get(call.args[0])
    if entry is None:                            # Xen/arm: every other VCPUOP is -EINVAL
        call.op = "unknown"
        return -XEN_EINVAL
    return subop(call, VCPUOP_OPS, call.args[0])
