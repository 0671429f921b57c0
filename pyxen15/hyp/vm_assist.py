"""vm_assist (xen/common/domain.c do_vm_assist): r0 = enable/disable,
r1 = the VMASST_TYPE_*; Xen/arm knows only runstate_update_flag, which
Linux enables at late_initcall.  The flag (XEN_RUNSTATE_UPDATE in
state_entry_time while an update is under way) is there for a reader on
another vCPU; the runstate area here is written between two of the
guest's instructions (vcpu.py), so no reader ever sees an update half
done and the flag would always read clear."""

from .errno import XEN_EINVAL, XEN_ENOSYS
from .hypercall import Call
from .xen_public import VM_ASSIST_VALID_ARM, VMASST_CMD_disable, VMASST_CMD_enable


def do_vm_assist(call: Call) -> int:
    cmd, kind = call.args[0], call.args[1]
    call.op = {VMASST_CMD_enable: "enable", VMASST_CMD_disable: "disable"}.get(cmd, "unknown")
    if call.op == "unknown":
        return -XEN_ENOSYS
    if kind >= 32 or not VM_ASSIST_VALID_ARM >> kind & 1:
        return -XEN_EINVAL
    d = call.domain
    bits = getattr(d, "vm_assist", 0)
    d.vm_assist = bits | 1 << kind if cmd == VMASST_CMD_enable else bits & ~(1 << kind)
    return 0
