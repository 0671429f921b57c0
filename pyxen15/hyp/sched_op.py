"""sched_op (xen/common/sched/core.c do_sched_op): r0 = SCHEDOP_*, r1 = the
op's structure.

yield and block go to the scheduler (block: the vCPU waits, as after a
trapped WFI, until it has an interrupt); poll checks its ports and blocks
if none is pending (any interrupt ends the wait: the guest looks again,
as it must after a spurious wake-up); shutdown ends the domain with its
reason -- for dom0 the run ends, as Xen then shuts the machine down;
any other domain stops, all its vCPUs (Hypervisor.shutdown).
"""

import struct

from .errno import XEN_EINVAL
from .hypercall import Call, subop
from .xen_public import (SCHED_POLL_MAX_PORTS, SCHEDOP_block, SCHEDOP_poll, SCHEDOP_shutdown,
                         SCHEDOP_yield)


def sched_yield(call: Call) -> int:
    call.hv.sched.yield_(call.vcpu)
    return 0


def block(call: Call) -> int:
    call.hv.sched.block(call.vcpu)
    return 0


def shutdown(call: Call) -> int:
    reason = call.read_struct("sched_shutdown", call.args[1])["reason"]
    call.hv.shutdown(call.domain, reason & 0xFF, call.vcpu)
    return 0


def poll(call: Call) -> int:
    p = call.read_struct("sched_poll", call.args[1])
    n = p["nr_ports"]
    if n > SCHED_POLL_MAX_PORTS:
        return -XEN_EINVAL
    ports = struct.unpack("<%dI" % n, call.read(p["ports"] & 0xFFFFFFFF, 4 * n))
    ev = call.domain.evtchn
    if any(not ev.valid(port) for port in ports):
        return -XEN_EINVAL
    if not any(ev.is_pending(port) for port in ports):
        call.hv.sched.block(call.vcpu)
    return 0


SCHEDOP_OPS = {
    SCHEDOP_yield: ("yield", sched_yield),
    SCHEDOP_block: ("block", block),
    SCHEDOP_shutdown: ("shutdown", shutdown),
    SCHEDOP_poll: ("poll", poll),
}


def do_sched_op(call: Call) -> int:
    return subop(call, SCHEDOP_OPS, call.args[0])
