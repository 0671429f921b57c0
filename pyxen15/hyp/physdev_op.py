"""physdev_op (xen/arch/arm/physdev.c): Xen/arm has only PCI device
add/remove, and this board has no PCI host bridge, so every op is
-ENOSYS (arm32 Linux issues none at boot; a failure is only logged)."""

from .hypercall import Call, subop

PHYSDEVOP_OPS: dict = {}


def do_physdev_op(call: Call) -> int:
    return subop(call, PHYSDEVOP_OPS, call.args[0])
