"""Event channels, 2-level ABI (xen/common/event_channel.c, event_2l.c).

A domain's ports (1..4095; port 0 is never valid) are each closed,
unbound (waiting for `remote_dom` to bind), interdomain (connected to a
port of another domain, or of the same one), a VIRQ or an IPI, and name
the vCPU they notify.  The guest sees the 2-level ABI in memory:

* shared_info (a page of the hypervisor's, mapped into the guest by
  memory_op add_to_physmap): evtchn_pending[64] and evtchn_mask[64], u64
  words, port p at bit p % 64 of word p / 64;
* each vCPU's vcpu_info (in shared_info for vCPU 0 until the guest
  registers its own with VCPUOP_register_vcpu_info): evtchn_pending_sel,
  bit w for word w, and evtchn_upcall_pending.

set_pending marks the port; unless it is masked, the word's bit goes into
the notified vCPU's pending_sel, and on the 0 -> 1 edge of
evtchn_upcall_pending the upcall PPI (GUEST_EVTCHN_PPI) is injected into
that vCPU through the vGIC (vcpu_mark_events_pending in
xen/arch/arm/domain.c).  EVTCHNOP_init_control is -ENOSYS, so Linux uses
this ABI and never the FIFO one.
"""

from typing import Dict, Optional

from .errno import XEN_EEXIST, XEN_EINVAL, XEN_ENOENT, XEN_ENOSPC, XEN_ENOSYS, XEN_EPERM, XEN_ESRCH
from .guestcopy import GuestFault, read_phys, write_phys
from .hypercall import Call, subop
from .xen_public import (EVTCHN_2L_NR_CHANNELS, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_interdomain,
                         EVTCHNOP_bind_ipi, EVTCHNOP_bind_pirq, EVTCHNOP_bind_vcpu,
                         EVTCHNOP_bind_virq, EVTCHNOP_close, EVTCHNOP_expand_array,
                         EVTCHNOP_init_control, EVTCHNOP_reset, EVTCHNOP_send,
                         EVTCHNOP_set_priority, EVTCHNOP_status, EVTCHNOP_unmask,
                         EVTCHNSTAT_closed, EVTCHNSTAT_interdomain, EVTCHNSTAT_ipi,
                         EVTCHNSTAT_unbound, EVTCHNSTAT_virq, GLOBAL_VIRQS, GUEST_EVTCHN_PPI,
                         NR_VIRQS, PAGE_SIZE, SHARED_INFO_EVTCHN_MASK, SHARED_INFO_EVTCHN_PENDING,
                         SHARED_INFO_VCPU_INFO, VCPU_INFO_PENDING_SEL, VCPU_INFO_SIZE,
                         VCPU_INFO_UPCALL_PENDING, XEN_LEGACY_MAX_VCPUS)


class Port:
    """One port: its state (EVTCHNSTAT_*), the vCPU it notifies, and what it
    is bound to (remote domain and port, or the VIRQ)."""
    __slots__ = ("state", "notify_vcpu", "remote_dom", "remote_port", "virq")

    def __init__(self, state: int, notify_vcpu: int = 0):
        self.state = state
        self.notify_vcpu = notify_vcpu
        self.remote_dom = 0
        self.remote_port = 0
        self.virq = 0


class EventChannels:
    """The event channels of one domain and its shared_info page."""

    def __init__(self, domain):
        self.domain = domain
        self.machine = domain.hv.machine
        self.shared_info = domain.hv.alloc_page()     # Xen's page, mapped into the guest later
        self.machine.mem.write(self.shared_info, bytes(PAGE_SIZE))
        self.ports: Dict[int, Port] = {}
        self.virq_port: Dict[tuple, int] = {}          # (virq, vcpu) -> port
        self.vcpu_info: Dict[int, int] = {}            # vcpu id -> PA of its registered vcpu_info

    # -- the 2-level bitmaps ----------------------------------------------------------------

    def vcpu_info_pa(self, vcpu_id: int) -> Optional[int]:
        pa = self.vcpu_info.get(vcpu_id)
        if pa is None and vcpu_id < XEN_LEGACY_MAX_VCPUS:
            pa = self.shared_info + SHARED_INFO_VCPU_INFO + vcpu_id * VCPU_INFO_SIZE
        return pa

    def _test_and_set(self, pa: int, bit: int) -> bool:
        addr = pa + bit // 8
        byte = read_phys(self.machine, addr, 1)[0]
        mask = 1 << (bit % 8)
        if not byte & mask:
            write_phys(self.machine, addr, bytes((byte | mask,)))
        return bool(byte & mask)

    def _test(self, pa: int, bit: int) -> bool:
        return bool(read_phys(self.machine, pa + bit // 8, 1)[0] >> (bit % 8) & 1)

    def _test_and_clear(self, pa: int, bit: int) -> bool:
        addr = pa + bit // 8
        byte = read_phys(self.machine, addr, 1)[0]
        mask = 1 << (bit % 8)
        if byte & mask:
            write_phys(self.machine, addr, bytes((byte & ~mask,)))
        return bool(byte & mask)

    def is_pending(self, port: int) -> bool:
        return self._test(self.shared_info + SHARED_INFO_EVTCHN_PENDING, port)

    def is_masked(self, port: int) -> bool:
        return self._test(self.shared_info + SHARED_INFO_EVTCHN_MASK, port)

    def mark_events_pending(self, vcpu_id: int) -> None:
        """evtchn_upcall_pending := 1; on its 0 -> 1 edge, the upcall PPI."""
        info = self.vcpu_info_pa(vcpu_id)
        if info is None:
            return                    # no vcpu_info yet: registration re-raises everything
        if not self._test_and_set(info + VCPU_INFO_UPCALL_PENDING, 0):
            vcpu = self.domain.vcpus[vcpu_id]
            self.domain.vgic.inject(vcpu, GUEST_EVTCHN_PPI)

    def _select(self, port: int, vcpu_id: int) -> None:
        info = self.vcpu_info_pa(vcpu_id)
        if info is not None and not self._test_and_set(info + VCPU_INFO_PENDING_SEL, port // 64):
            self.mark_events_pending(vcpu_id)

    def set_pending(self, port: int) -> None:
        """evtchn_2l_set_pending."""
        if self._test_and_set(self.shared_info + SHARED_INFO_EVTCHN_PENDING, port):
            return
        if not self.is_masked(port):
            self._select(port, self.ports[port].notify_vcpu)

    def unmask(self, port: int) -> None:
        """evtchn_2l_unmask."""
        if self._test_and_clear(self.shared_info + SHARED_INFO_EVTCHN_MASK, port) \
                and self.is_pending(port):
            self._select(port, self.ports[port].notify_vcpu)

    def register_vcpu_info(self, vcpu_id: int, pa: int) -> None:
        """VCPUOP_register_vcpu_info: the old contents move to `pa`, and
        every word is marked pending and an upcall raised so that nothing
        raised before is lost (xen/common/domain.c map_vcpu_info)."""
        old = self.vcpu_info_pa(vcpu_id)
        data = read_phys(self.machine, old, VCPU_INFO_SIZE) if old is not None else bytes(VCPU_INFO_SIZE)
        write_phys(self.machine, pa, data)
        self.vcpu_info[vcpu_id] = pa
        write_phys(self.machine, pa + VCPU_INFO_PENDING_SEL, b"\xff" * 8)
        write_phys(self.machine, pa + VCPU_INFO_UPCALL_PENDING, b"\0")
        self.mark_events_pending(vcpu_id)

    # -- ports ------------------------------------------------------------------------------

    def valid(self, port: int) -> bool:
        return port in self.ports

    def alloc(self, state: int, notify_vcpu: int = 0) -> int:
        """The lowest free port (get_free_port), or -ENOSPC."""
        for p in range(1, EVTCHN_2L_NR_CHANNELS):
            if p not in self.ports:
                self.ports[p] = Port(state, notify_vcpu)
                return p
        return -XEN_ENOSPC

    def send_virq(self, virq: int, vcpu_id: int = 0) -> None:
        """Raise a VIRQ (send_guest_vcpu_virq / send_global_virq): a global
        one goes to wherever its port was bound and moved."""
        port = self.virq_port.get((virq, 0 if virq in GLOBAL_VIRQS else vcpu_id))
        if port is not None:
            self.set_pending(port)

    def close(self, port: int) -> None:
        """evtchn_close: an interdomain peer goes back to unbound."""
        chn = self.ports.pop(port)
        if chn.state == EVTCHNSTAT_virq:
            self.virq_port = {k: v for k, v in self.virq_port.items() if v != port}
        elif chn.state == EVTCHNSTAT_interdomain:
            peer = self.domain.hv.domains.get(chn.remote_dom)
            if peer is not None and peer.evtchn is not None:
                rp = peer.evtchn.ports.get(chn.remote_port)
                if rp is not None and rp.state == EVTCHNSTAT_interdomain:
                    rp.state = EVTCHNSTAT_unbound
                    rp.remote_dom = self.domain.domid


# -- the hypercall sub-ops: r1 = the guest address of the op's structure ----------------------

def _vcpu_ok(call: Call, vcpu_id: int) -> bool:
    return 0 <= vcpu_id < len(call.domain.vcpus)


def alloc_unbound(call: Call) -> int:
    a = call.read_struct("evtchn_alloc_unbound", call.args[1])
    d = call.target_domain(a["dom"])
    if d is None:
        return -XEN_ESRCH if a["dom"] not in call.hv.domains else -XEN_EPERM
    remote = call.domain.domid if a["remote_dom"] == 0x7FF0 else a["remote_dom"]
    port = d.evtchn.alloc(EVTCHNSTAT_unbound)
    if port < 0:
        return port
    d.evtchn.ports[port].remote_dom = remote
    try:
        call.write_field("evtchn_alloc_unbound", call.args[1], "port", port)
    except GuestFault:
        d.evtchn.ports.pop(port)
        raise
    return 0


def bind_interdomain(call: Call) -> int:
    a = call.read_struct("evtchn_bind_interdomain", call.args[1])
    me = call.domain
    rdom = me if a["remote_dom"] == 0x7FF0 else call.hv.domains.get(a["remote_dom"])
    if rdom is None or rdom.evtchn is None:
        return -XEN_ESRCH
    rport = rdom.evtchn.ports.get(a["remote_port"])
    if rport is None or rport.state != EVTCHNSTAT_unbound or rport.remote_dom != me.domid:
        return -XEN_EINVAL
    lport = me.evtchn.alloc(EVTCHNSTAT_interdomain)
    if lport < 0:
        return lport
    local = me.evtchn.ports[lport]
    local.remote_dom, local.remote_port = rdom.domid, a["remote_port"]
    rport.state, rport.remote_dom, rport.remote_port = EVTCHNSTAT_interdomain, me.domid, lport
    call.write_field("evtchn_bind_interdomain", call.args[1], "local_port", lport)
    # the remote end may have had an event waiting: Xen marks the new local port pending
    me.evtchn.set_pending(lport)
    return 0


def bind_virq(call: Call) -> int:
    a = call.read_struct("evtchn_bind_virq", call.args[1])
    virq, vcpu_id = a["virq"], a["vcpu"]
    if virq >= NR_VIRQS or (virq in GLOBAL_VIRQS and vcpu_id != 0):
        return -XEN_EINVAL
    if not _vcpu_ok(call, vcpu_id):
        return -XEN_ENOENT
    ev = call.domain.evtchn
    if (virq, vcpu_id) in ev.virq_port:
        return -XEN_EEXIST
    port = ev.alloc(EVTCHNSTAT_virq, vcpu_id)
    if port < 0:
        return port
    ev.ports[port].virq = virq
    ev.virq_port[(virq, vcpu_id)] = port
    call.write_field("evtchn_bind_virq", call.args[1], "port", port)
    return 0


def bind_ipi(call: Call) -> int:
    a = call.read_struct("evtchn_bind_ipi", call.args[1])
    if not _vcpu_ok(call, a["vcpu"]):
        return -XEN_ENOENT
    port = call.domain.evtchn.alloc(EVTCHNSTAT_ipi, a["vcpu"])
    if port < 0:
        return port
    call.write_field("evtchn_bind_ipi", call.args[1], "port", port)
    return 0


def _port_arg(call: Call, layout: str) -> int:
    return call.read_struct(layout, call.args[1])["port"]


def send(call: Call) -> int:
    port = _port_arg(call, "evtchn_send")
    ev = call.domain.evtchn
    chn = ev.ports.get(port)
    if chn is None:
        return -XEN_EINVAL
    if chn.state == EVTCHNSTAT_interdomain:
        peer = call.hv.domains.get(chn.remote_dom)
        if peer is not None and peer.evtchn.valid(chn.remote_port):
            peer.evtchn.set_pending(chn.remote_port)
    elif chn.state == EVTCHNSTAT_ipi:
        ev.set_pending(port)
    elif chn.state != EVTCHNSTAT_unbound:          # an unbound port drops the event silently
        return -XEN_EINVAL
    return 0


def close(call: Call) -> int:
    port = _port_arg(call, "evtchn_close")
    if not call.domain.evtchn.valid(port):
        return -XEN_EINVAL
    call.domain.evtchn.close(port)
    return 0


def unmask(call: Call) -> int:
    port = _port_arg(call, "evtchn_unmask")
    if not call.domain.evtchn.valid(port):
        return -XEN_EINVAL
    call.domain.evtchn.unmask(port)
    return 0


def status(call: Call) -> int:
    a = call.read_struct("evtchn_status", call.args[1])
    d = call.target_domain(a["dom"])
    if d is None:
        return -XEN_ESRCH
    port = a["port"]
    if not 0 < port < EVTCHN_2L_NR_CHANNELS:
        return -XEN_EINVAL
    chn = d.evtchn.ports.get(port)
    st, u0, u1, vcpu = EVTCHNSTAT_closed, 0, 0, 0
    if chn is not None:
        st, vcpu = chn.state, chn.notify_vcpu
        if st == EVTCHNSTAT_unbound:
            u0 = chn.remote_dom
        elif st == EVTCHNSTAT_interdomain:
            u0, u1 = chn.remote_dom, chn.remote_port
        elif st == EVTCHNSTAT_virq:
            u0 = chn.virq
    from .xen_public import LAYOUTS
    data = LAYOUTS["evtchn_status"].pack(dom=a["dom"], port=port, status=st, vcpu=vcpu, u0=u0, u1=u1)
    call.write(call.args[1], data)
    return 0


def bind_vcpu(call: Call) -> int:
    """Move a port's notifications to another vCPU: unbound, interdomain
    and global VIRQ ports only (a per-vCPU VIRQ or IPI stays), as Xen."""
    a = call.read_struct("evtchn_bind_vcpu", call.args[1])
    ev = call.domain.evtchn
    if not _vcpu_ok(call, a["vcpu"]):
        return -XEN_ENOENT
    chn = ev.ports.get(a["port"])
    if chn is None:
        return -XEN_EINVAL
    if chn.state == EVTCHNSTAT_virq and chn.virq not in GLOBAL_VIRQS \
            or chn.state == EVTCHNSTAT_ipi:
        return -XEN_EINVAL
    chn.notify_vcpu = a["vcpu"]
    return 0


EVTCHNOP_OPS = {
    EVTCHNOP_bind_interdomain: ("bind_interdomain", bind_interdomain),
    EVTCHNOP_bind_virq: ("bind_virq", bind_virq),
    EVTCHNOP_bind_pirq: ("bind_pirq", lambda c: -XEN_ENOSYS),      # PIRQs are x86's
    EVTCHNOP_close: ("close", close),
    EVTCHNOP_send: ("send", send),
    EVTCHNOP_status: ("status", status),
    EVTCHNOP_alloc_unbound: ("alloc_unbound", alloc_unbound),
    EVTCHNOP_bind_ipi: ("bind_ipi", bind_ipi),
    EVTCHNOP_bind_vcpu: ("bind_vcpu", bind_vcpu),
    EVTCHNOP_unmask: ("unmask", unmask),
    EVTCHNOP_reset: ("reset", lambda c: -XEN_ENOSYS),
    # FIFO refused: Linux falls back to the 2-level ABI ("Using 2-level ABI")
    EVTCHNOP_init_control: ("init_control", lambda c: -XEN_ENOSYS),
    EVTCHNOP_expand_array: ("expand_array", lambda c: -XEN_ENOSYS),
    EVTCHNOP_set_priority: ("set_priority", lambda c: -XEN_ENOSYS),
}


def do_event_channel_op(call: Call) -> int:
    return subop(call, EVTCHNOP_OPS, call.args[0])
