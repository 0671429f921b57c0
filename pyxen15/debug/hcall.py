"""A Xen hypercall, or a PSCI call, decoded for the debugger's trap screen
and its `break hcall`.

The names come from the hypervisor's own tables, so the debugger never
disagrees with what will run: the families from hypercall.table() (by
r12), each family's sub-ops from its *_OPS table (by r0), the PSCI
functions from vpsci.CALLS.  What the other argument registers hold is
the ABI's (xen/include/public/*.h, the prototypes of the HYPERVISOR_*
calls Linux makes in arch/arm/include/asm/xen/hypercall.h): ARGS below
names them per family; where one is a guest pointer to a structure of
xen_public.LAYOUTS the structure is read (through the guest's stage 1
and the p2m, as the handler will read it) and shown by field.
"""

from typing import Dict, List, Optional, Tuple

from ..hyp.xen_public import MEMOP_CMD_MASK

# family -> the meaning of r0, r1, ... (the HYPERVISOR_<family>(...) prototype)
ARGS: Dict[str, Tuple[str, ...]] = {
    "console_io": ("cmd", "count", "buffer"),
    "xen_version": ("cmd", "arg"),
    "memory_op": ("cmd", "arg"),
    "grant_table_op": ("cmd", "uop", "count"),
    "vm_assist": ("cmd", "type"),
    "vcpu_op": ("cmd", "vcpuid", "extra_args"),
    "sched_op": ("cmd", "arg"),
    "event_channel_op": ("cmd", "arg"),
    "physdev_op": ("cmd", "arg"),
    "hvm_op": ("op", "arg"),
    "platform_op": ("u_xenpf_op",),
    "multicall": ("call_list", "nr_calls"),
    "dm_op": ("domid", "nr_bufs", "bufs"),
}

# family -> (module, its sub-op table): cmd -> (name, handler)
SUBOP_TABLES = {
    "console_io": ("console_io", "CONSOLEIO_OPS"), "xen_version": ("xen_version", "XENVER_OPS"),
    "memory_op": ("memory_op", "XENMEM_OPS"), "grant_table_op": ("grant_table", "GNTTABOP_OPS"),
    "vcpu_op": ("vcpu_op", "VCPUOP_OPS"), "sched_op": ("sched_op", "SCHEDOP_OPS"),
    "event_channel_op": ("event_channel", "EVTCHNOP_OPS"), "physdev_op": ("physdev_op", "PHYSDEVOP_OPS"),
    "hvm_op": ("hvm_op", "HVMOP_OPS"),
}
VM_ASSIST_CMDS = {0: "enable", 1: "disable"}           # VMASST_CMD_*

# (family, sub-op) -> (the argument that points at it, the structure)
STRUCTS = {
    ("xen_version", "get_features"): ("arg", "xen_feature_info"),
    ("memory_op", "add_to_physmap"): ("arg", "xen_add_to_physmap"),
    ("memory_op", "add_to_physmap_batch"): ("arg", "xen_add_to_physmap_range"),
    ("vcpu_op", "register_vcpu_info"): ("extra_args", "vcpu_register_vcpu_info"),
    ("vcpu_op", "register_runstate_memory_area"): ("extra_args", "vcpu_register_runstate_memory_area"),
    ("sched_op", "shutdown"): ("arg", "sched_shutdown"),
    ("sched_op", "poll"): ("arg", "sched_poll"),
    ("hvm_op", "set_param"): ("arg", "xen_hvm_param"),
    ("hvm_op", "get_param"): ("arg", "xen_hvm_param"),
    ("platform_op", ""): ("u_xenpf_op", "xen_platform_op"),
}
for _op in ("alloc_unbound", "bind_interdomain", "bind_virq", "bind_ipi", "bind_vcpu", "close", "send",
            "unmask", "status"):
    STRUCTS[("event_channel_op", _op)] = ("arg", "evtchn_" + _op)
for _op in ("query_size", "setup_table", "set_version", "get_version", "map_grant_ref", "unmap_grant_ref",
            "copy"):
    STRUCTS[("grant_table_op", _op)] = ("uop", "gnttab_" + _op)

HVC_XEN = 0x0EA1
HVC_PSCI = 0x0000


def families() -> Dict[int, str]:
    from ..hyp.hypercall import table
    return {number: entry[0] for number, entry in table().items()}


def family_number(text: str) -> int:
    """A family by name or number (`break hcall event_channel_op`, `break hcall 32`)."""
    names = {name: number for number, name in families().items()}
    if text in names:
        return names[text]
    try:
        return int(text, 0)
    except ValueError:
        raise ValueError("unknown hypercall %r (one of %s, or a number)" % (text, ", ".join(sorted(names))))


def subops(family: str) -> Dict[int, str]:
    if family == "vm_assist":
        return dict(VM_ASSIST_CMDS)
    where = SUBOP_TABLES.get(family)
    if where is None:
        return {}
    module = __import__("pyxen15.hyp." + where[0], fromlist=[where[1]])
    return {cmd: entry[0] for cmd, entry in getattr(module, where[1]).items()}


def subop_number(family: str, text: str) -> int:
    ops = {name: cmd for cmd, name in subops(family).items()}
    if text in ops:
        return ops[text]
    try:
        return int(text, 0)
    except ValueError:
        raise ValueError("%s has no sub-op %r (%s)" % (family, text, ", ".join(sorted(ops)) or "it has none"))


def psci_name(fid: int) -> str:
    from ..hyp import vpsci
    for name in dir(vpsci):
        if (name.startswith("PSCI_") or name.startswith("SMCCC_")) and getattr(vpsci, name) == fid \
                and fid in vpsci.CALLS:
            return name
    return "not a PSCI function (PSCI_RET_NOT_SUPPORTED)"


def _read_struct(vcpu, layout_name: str, va: int) -> str:
    from ..hyp.guestcopy import GuestFault, copy_from_guest
    from ..hyp.xen_public import LAYOUTS
    layout = LAYOUTS[layout_name]
    try:
        fields = layout.unpack(copy_from_guest(vcpu, va, layout.size))
    except GuestFault:
        return "(0x%08x does not translate: the call will be -EFAULT)" % va
    return "struct %s { %s }" % (layout_name, ", ".join("%s=0x%x" % kv for kv in fields.items()))


def _read_text(vcpu, va: int, count: int, limit: int = 60) -> str:
    from ..hyp.guestcopy import GuestFault, copy_from_guest
    try:
        data = copy_from_guest(vcpu, va, min(count, limit))
    except GuestFault:
        return "(0x%08x does not translate: the call will be -EFAULT)" % va
    return repr(data.decode("latin-1")) + (" ... (%d bytes)" % count if count > limit else "")


def describe(core, vcpu, imm16: int) -> List[str]:
    """The lines of the trap screen for an HVC: the call, its arguments by
    the ABI's names, the structure an argument points at."""
    r = [core.r[n] if vcpu is None else vcpu.get_reg(n) for n in range(13)]
    if imm16 == HVC_PSCI:
        return ["PSCI (HVC #0): function 0x%08x %s, r1-r3 0x%08x 0x%08x 0x%08x" % (
            r[0], psci_name(r[0]), r[1], r[2], r[3])]
    if imm16 != HVC_XEN:
        return ["HVC #0x%x: neither Xen's (#0xea1) nor PSCI's (#0): the guest gets an UNDEF" % imm16]
    number = r[12]
    family = families().get(number)
    if family is None:
        return ["Xen hypercall r12=%d: no such hypercall (-ENOSYS), r0-r4 %s" % (
            number, " ".join("0x%08x" % v for v in r[:5]))]
    names = ARGS.get(family, ())
    op = ""
    if names and names[0] in ("cmd", "op"):
        ops = subops(family)
        cmd = r[0] & MEMOP_CMD_MASK if family == "memory_op" else r[0]   # the rest: a continuation's
        op = ops.get(cmd, "unknown")
        head = "Xen hypercall %d %s, %s %d %s" % (number, family, names[0], cmd, op)
    else:
        head = "Xen hypercall %d %s" % (number, family)
    lines = [head]
    args = ["%s=r%d 0x%08x" % (name, n, r[n]) for n, name in enumerate(names) if n > 0 or names[0] not in ("cmd", "op")]
    if args:
        lines.append("  arguments: " + ", ".join(args))
    if vcpu is not None:
        if (family, op) == ("console_io", "write"):
            lines.append("  buffer: " + _read_text(vcpu, r[2], r[1]))
        struct = STRUCTS.get((family, op))
        if struct is not None:
            lines.append("  %s -> %s" % (struct[0], _read_struct(vcpu, struct[1], r[names.index(struct[0])])))
    return lines


def matches(core, vcpu, imm16: int, number: int, subop: Optional[int]) -> bool:
    """Is this HVC the hypercall `number` (and sub-op `subop`, if given)?"""
    if imm16 != HVC_XEN:
        return False
    reg = core.r.__getitem__ if vcpu is None else vcpu.get_reg
    if reg(12) != number:
        return False
    return subop is None or reg(0) == subop
