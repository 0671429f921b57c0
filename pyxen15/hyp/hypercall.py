"""Xen hypercalls: HVC #0xEA1 with the hypercall number in r12, arguments
in r0-r4, the result in r0 (xen/arch/arm/traps.c do_trap_hypercall,
xen/include/public/arch-arm.h).

traps.py calls `dispatch(vcpu)` for an HVC whose immediate is Xen's tag;
ELR_hyp already points after the HVC.  HVC is UNDEFINED in User mode
(B1.14.x), so a call always comes from the guest's kernel.  The number
selects a family in HYPERCALLS (one module per family, as Xen's
xen/common/*.c); an unknown number is -ENOSYS.  Each family selects its
sub-op from r0 in its own table with `subop`; an unknown sub-op is
-ENOSYS too.  A guest pointer that does not translate (guestcopy) is
-EFAULT.  Only r0 is written: the other argument registers are kept,
which the ABI allows (a debug Xen scribbles on them).

Every call is counted by name ("hc:<family>.<op>") in the hypervisor's
stats and charged HYPERCALL_COSTS cycles on top of the trap's own cost.
A family that has more work than one call should do (a long console
write) makes a continuation, as Xen's hypercall_create_continuation: the
remaining arguments go back into the registers and the guest executes
the HVC again.
"""

from typing import Callable, Dict, Optional, Tuple

from .errno import XEN_EFAULT, XEN_ENOSYS
from .guestcopy import GuestFault, copy_from_guest, copy_to_guest
from .xen_public import (DOMID_SELF, HYPERVISOR_console_io, HYPERVISOR_dm_op,
                         HYPERVISOR_event_channel_op, HYPERVISOR_grant_table_op,
                         HYPERVISOR_hvm_op, HYPERVISOR_memory_op, HYPERVISOR_multicall,
                         HYPERVISOR_physdev_op, HYPERVISOR_platform_op, HYPERVISOR_sched_op,
                         HYPERVISOR_vcpu_op, HYPERVISOR_vm_assist, HYPERVISOR_xen_version,
                         LAYOUTS)

MASK32 = 0xFFFFFFFF


class Call:
    """One hypercall in progress: the vCPU, its domain, the arguments
    r0-r4, and the name of the operation (set by `subop`) for the stats."""
    __slots__ = ("vcpu", "domain", "hv", "args", "op", "continued")

    def __init__(self, vcpu):
        self.vcpu = vcpu
        self.domain = vcpu.domain
        self.hv = vcpu.domain.hv
        self.args = [vcpu.get_reg(n) for n in range(5)]
        self.op = ""
        self.continued = False

    # guest memory, through guestcopy (GuestFault -> -EFAULT in dispatch)
    def read(self, va: int, n: int) -> bytes:
        return copy_from_guest(self.vcpu, va, n)

    def write(self, va: int, data: bytes) -> None:
        copy_to_guest(self.vcpu, va, data)

    def read_struct(self, name: str, va: int) -> dict:
        layout = LAYOUTS[name]
        return layout.unpack(self.read(va, layout.size))

    def write_field(self, name: str, va: int, field: str, value: int) -> None:
        """Write one field of structure `name` at guest `va` (Xen's
        __copy_field_to_guest)."""
        import struct
        off, fmt = LAYOUTS[name].field(field)
        self.write(va + off, struct.pack("<" + fmt, value))

    def target_domain(self, domid: int):
        """The domain a `domid` field names: DOMID_SELF or our own id, or
        another one only for the hardware domain (Xen's XSM default);
        None if there is no such domain or no right to it."""
        if domid == DOMID_SELF or domid == self.domain.domid:
            return self.domain
        if not self.domain.is_hardware_domain:
            return None
        return self.hv.domains.get(domid)

    def continuation(self, *args: int) -> None:
        """Re-execute the HVC with r0.. = `args` (hypercall_create_continuation):
        ELR_hyp back over the 4-byte HVC (A32 and T32 alike); r0 is args[0]."""
        for n, v in enumerate(args):
            self.vcpu.set_reg(n, v)
        self.vcpu.set_reg(15, self.vcpu.get_reg(15) - 4)
        self.continued = True


SubOps = Dict[int, Tuple[str, Callable[[Call], int]]]


def subop(call: Call, table: SubOps, cmd: int) -> int:
    """Run sub-op `cmd` of a family from its table; -ENOSYS if it has none."""
    entry = table.get(cmd)
    if entry is None:
        call.op = "unknown"
        return -XEN_ENOSYS
    call.op = entry[0]
    return entry[1](call)


def enosys(call: Call) -> int:
    """A family Linux on ARM copes without (multicall is x86 PV's, dm_op
    the device model's): every sub-op -ENOSYS, as Xen/arm has not them."""
    return -XEN_ENOSYS


def _families():
    from . import (console_io, event_channel, grant_table, hvm_op, memory_op, physdev_op,
                   platform_op, sched_op, vcpu_op, vm_assist, xen_version)
    return {
        HYPERVISOR_platform_op: ("platform_op", platform_op.do_platform_op),
        HYPERVISOR_memory_op: ("memory_op", memory_op.do_memory_op),
        HYPERVISOR_multicall: ("multicall", enosys),
        HYPERVISOR_xen_version: ("xen_version", xen_version.do_xen_version),
        HYPERVISOR_console_io: ("console_io", console_io.do_console_io),
        HYPERVISOR_grant_table_op: ("grant_table_op", grant_table.do_grant_table_op),
        HYPERVISOR_vm_assist: ("vm_assist", vm_assist.do_vm_assist),
        HYPERVISOR_vcpu_op: ("vcpu_op", vcpu_op.do_vcpu_op),
        HYPERVISOR_sched_op: ("sched_op", sched_op.do_sched_op),
        HYPERVISOR_event_channel_op: ("event_channel_op", event_channel.do_event_channel_op),
        HYPERVISOR_physdev_op: ("physdev_op", physdev_op.do_physdev_op),
        HYPERVISOR_hvm_op: ("hvm_op", hvm_op.do_hvm_op),
        HYPERVISOR_dm_op: ("dm_op", enosys),
    }


# number -> (family name, handler(call) -> result); filled on first use, since the
# family modules import Call and subop from here (any of them may be imported first)
HYPERCALLS: Dict[int, Tuple[str, Callable[[Call], int]]] = {}


def table() -> Dict[int, Tuple[str, Callable[[Call], int]]]:
    if not HYPERCALLS:
        HYPERCALLS.update(_families())
    return HYPERCALLS

# Cycles a C hypervisor would spend in the handler, by family, charged on top of
# the "hypercall" trap (costs.py): estimates, as costs.py's are.
HYPERCALL_COSTS = {
    "platform_op": 300, "memory_op": 600, "multicall": 50, "xen_version": 100,
    "console_io": 300, "grant_table_op": 500, "vm_assist": 50, "vcpu_op": 300,
    "sched_op": 200, "event_channel_op": 250, "physdev_op": 50, "hvm_op": 150, "dm_op": 50,
    "unknown": 50,
}


def dispatch(vcpu) -> None:
    """Decode r12, run the family, write r0, count and charge the call."""
    number = vcpu.get_reg(12)
    core = vcpu.core
    call = Call(vcpu)
    entry = table().get(number)
    if entry is None:
        family, result = "unknown", -XEN_ENOSYS
    else:
        family = entry[0]
        try:
            result = entry[1](call)
        except GuestFault:
            result = -XEN_EFAULT
    if not call.continued and vcpu.online:      # a vCPU the call took offline gets no result
        vcpu.set_reg(0, result & MASK32)
    name = "hc:" + family + ("." + call.op if call.op else "")
    cost = HYPERCALL_COSTS[family]
    if core is not None:
        core.cycles += cost
    call.hv.stats.count(name, cost)
