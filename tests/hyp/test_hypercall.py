"""The Xen hypercalls called as the HVC #0xEA1 trap calls them (registers in,
hypercall.dispatch, r0 out), on the real hypervisor with a domain whose
vCPU 0 is on its core, MMU off (VA = IPA; dom0's RAM is IPA == PA)."""

import struct

import pytest

from pyxen15.hyp import xen_public as X
from pyxen15.hyp.errno import (XEN_EBUSY, XEN_EEXIST, XEN_EFAULT, XEN_EINVAL, XEN_ENOENT,
                               XEN_ENOSYS, XEN_EPERM)
from pyxen15.hyp.xen_public import LAYOUTS

from abi_helpers import SCRATCH, AbiBench
from pyxen15.board_vexpress.memmap import RAM_BASE

UNMAPPED = 0x40000000          # an IPA no domain has


def pack(name, **kw):
    return LAYOUTS[name].pack(**kw)


def unpack(b, name, addr=SCRATCH):
    return LAYOUTS[name].unpack(b.peek(addr, LAYOUTS[name].size))


@pytest.fixture
def dom0():
    return AbiBench(domid=0)


@pytest.fixture
def domu():
    return AbiBench(domid=1)


# -- dispatch -----------------------------------------------------------------------------

@pytest.mark.parametrize("number", [0, 1, 6, 11, 14, 40, 41, 48, 0xFFFF, 0xFFFFFFFF])
def test_unknown_hypercall_numbers_are_enosys(dom0, number):
    if number == 41:                                  # dm_op: in the table, not provided
        assert dom0.call(number, 0) == -XEN_ENOSYS
        return
    assert dom0.call(number, 1, 2, 3) == -XEN_ENOSYS
    assert dom0.stats()["hc:unknown"] == 1


def test_only_r0_is_written(dom0):
    dom0.poke(SCRATCH, bytes(8))
    dom0.call(X.HYPERVISOR_xen_version, X.XENVER_get_features, SCRATCH, 0x33, 0x44, 0x55)
    assert [dom0.vcpu.get_reg(n) for n in (1, 2, 3, 4, 12)] == [SCRATCH, 0x33, 0x44, 0x55, 17]


@pytest.mark.parametrize("va", [0, 0x1000, UNMAPPED, 0xFFFFFFF8, RAM_BASE + (4 << 20) - 4])
def test_bad_pointer_is_efault(dom0, va):
    assert dom0.call(X.HYPERVISOR_xen_version, X.XENVER_get_features, va) == -XEN_EFAULT


def test_pointer_to_a_device_is_efault_not_an_access(dom0):
    dom0.dom.p2m.map(0x1C090000, 0x1C090000, 0x1000, device=True)   # the UART, 1:1
    assert dom0.call(X.HYPERVISOR_console_io, X.CONSOLEIO_write, 4, 0x1C090000) == -XEN_EFAULT
    assert dom0.out == []


def test_every_call_is_counted_and_charged(dom0):
    before = dom0.machine.cpus[0].cycles
    dom0.call(X.HYPERVISOR_xen_version, X.XENVER_version)
    rows = {n: (c, cy) for n, c, cy in dom0.hv.stats.rows()}
    assert rows["hc:xen_version.version"] == (1, 100)
    assert dom0.machine.cpus[0].cycles - before == 100


# -- xen_version --------------------------------------------------------------------------

def test_version_is_4_17(dom0):
    assert dom0.call(X.HYPERVISOR_xen_version, X.XENVER_version) == 4 << 16 | 17


@pytest.mark.parametrize("domid, bits", [(0, 0x00026805), (1, 0x00016005)])
def test_features_as_xen_4_17_gives_them(domid, bits):
    b = AbiBench(domid=domid)
    b.poke(SCRATCH, pack("xen_feature_info", submap_idx=0, submap=0xDEAD))
    assert b.call(X.HYPERVISOR_xen_version, X.XENVER_get_features, SCRATCH) == 0
    assert b.u32(SCRATCH + 4) == bits


def test_other_feature_submaps_are_einval(dom0):
    dom0.poke(SCRATCH, pack("xen_feature_info", submap_idx=1))
    assert dom0.call(X.HYPERVISOR_xen_version, X.XENVER_get_features, SCRATCH) == -XEN_EINVAL


def test_version_strings(dom0):
    V = X.HYPERVISOR_xen_version
    assert dom0.call(V, X.XENVER_extraversion, SCRATCH) == 0
    assert dom0.peek(SCRATCH, 16).rstrip(b"\0") == b".0-pyxen15"
    assert dom0.call(V, X.XENVER_capabilities, SCRATCH) == 0
    assert dom0.peek(SCRATCH, 16).startswith(b"xen-3.0-armv7l")
    assert dom0.call(V, X.XENVER_pagesize) == 4096
    for cmd in (X.XENVER_compile_info, X.XENVER_changeset, X.XENVER_platform_parameters,
                X.XENVER_guest_handle):
        assert dom0.call(V, cmd, SCRATCH) == 0
    assert dom0.call(V, 99, SCRATCH) == -XEN_ENOSYS


# -- console_io ---------------------------------------------------------------------------

def test_console_write_reaches_the_console(dom0):
    dom0.poke(SCRATCH, b"Xen console\n")
    assert dom0.call(X.HYPERVISOR_console_io, X.CONSOLEIO_write, 12, SCRATCH) == 0
    assert b"".join(dom0.out) == b"Xen console\n"


def test_long_console_write_continues_by_re_executing_the_hvc(dom0):
    data = bytes(range(256)) * 10
    dom0.poke(SCRATCH, data)
    pc = RAM_BASE + 0x104                             # ELR_hyp: after the HVC
    dom0.vcpu.set_reg(15, pc)
    dom0.call(X.HYPERVISOR_console_io, X.CONSOLEIO_write, len(data), SCRATCH)
    assert dom0.vcpu.get_reg(15) == pc - 4           # the HVC again, with what is left
    assert dom0.vcpu.get_reg(1) == len(data) - 1024 and dom0.vcpu.get_reg(2) == SCRATCH + 1024
    while dom0.vcpu.get_reg(15) != pc:
        dom0.vcpu.set_reg(15, pc)                    # the guest executed the HVC again
        hypercall_again(dom0)
    assert b"".join(dom0.out) == data


def hypercall_again(b):
    from pyxen15.hyp import hypercall
    hypercall.dispatch(b.vcpu)


def test_console_read_and_virq_console(dom0):
    b = dom0
    b.poke(SCRATCH, pack("evtchn_bind_virq", virq=X.VIRQ_CONSOLE, vcpu=0))
    assert b.call(X.HYPERVISOR_event_channel_op, X.EVTCHNOP_bind_virq, SCRATCH) == 0
    port = unpack(b, "evtchn_bind_virq")["port"]
    b.hv.console.feed(b"ls\r")
    assert b.dom.evtchn.is_pending(port)
    assert b.call(X.HYPERVISOR_console_io, X.CONSOLEIO_read, 2, SCRATCH + 64) == 2
    assert b.peek(SCRATCH + 64, 2) == b"ls"
    assert b.call(X.HYPERVISOR_console_io, X.CONSOLEIO_read, 16, 0) == -XEN_EFAULT
    assert b.call(X.HYPERVISOR_console_io, X.CONSOLEIO_read, 16, SCRATCH + 64) == 1
    assert b.call(X.HYPERVISOR_console_io, X.CONSOLEIO_read, 16, SCRATCH + 64) == 0


def test_console_read_is_dom0s(domu):
    assert domu.call(X.HYPERVISOR_console_io, X.CONSOLEIO_read, 4, SCRATCH) == -XEN_EPERM


# -- memory_op ----------------------------------------------------------------------------

def test_add_to_physmap_shared_info_replaces_the_ram_page(dom0):
    gpfn = (RAM_BASE + 0x200000) >> 12
    dom0.poke(SCRATCH, pack("xen_add_to_physmap", domid=X.DOMID_SELF,
                            space=X.XENMAPSPACE_shared_info, idx=0, gpfn=gpfn))
    assert dom0.call(X.HYPERVISOR_memory_op, X.XENMEM_add_to_physmap, SCRATCH) == 0
    assert dom0.dom.p2m.lookup(gpfn << 12) == (dom0.dom.evtchn.shared_info, True)
    assert dom0.dom.shared_info_gfn == gpfn
    dom0.poke(SCRATCH, pack("xen_add_to_physmap", domid=X.DOMID_SELF,
                            space=X.XENMAPSPACE_shared_info, idx=1, gpfn=gpfn))
    assert dom0.call(X.HYPERVISOR_memory_op, X.XENMEM_add_to_physmap, SCRATCH) == -XEN_EINVAL


def test_add_to_physmap_grant_frames_in_the_grant_window(dom0):
    for idx in (0, 3):
        gpfn = (0x38000000 >> 12) + idx
        dom0.poke(SCRATCH, pack("xen_add_to_physmap", domid=X.DOMID_SELF,
                                space=X.XENMAPSPACE_grant_table, idx=idx, gpfn=gpfn))
        assert dom0.call(X.HYPERVISOR_memory_op, X.XENMEM_add_to_physmap, SCRATCH) == 0
        assert dom0.dom.p2m.lookup(gpfn << 12)[0] == dom0.dom.gnttab.frames[idx]
    for idx in (64, X.XENMAPIDX_grant_table_status):
        dom0.poke(SCRATCH, pack("xen_add_to_physmap", domid=X.DOMID_SELF,
                                space=X.XENMAPSPACE_grant_table, idx=idx, gpfn=0x38100))
        assert dom0.call(X.HYPERVISOR_memory_op, X.XENMEM_add_to_physmap, SCRATCH) == -XEN_EINVAL


def test_add_to_physmap_batch_reports_each_error(dom0):
    idxs, gpfns = SCRATCH + 0x100, SCRATCH + 0x200
    dom0.poke(idxs, struct.pack("<3Q", 0, 1, 100))
    dom0.poke(gpfns, struct.pack("<3Q", 0x38000, 0x38001, 0x38002))
    dom0.poke(SCRATCH, pack("xen_add_to_physmap_range", domid=X.DOMID_SELF,
                            space=X.XENMAPSPACE_grant_table, size=3, idxs=idxs, gpfns=gpfns,
                            errs=SCRATCH + 0x300))
    assert dom0.call(X.HYPERVISOR_memory_op, X.XENMEM_add_to_physmap_batch, SCRATCH) == 0
    assert struct.unpack("<3i", dom0.peek(SCRATCH + 0x300, 12)) == (0, 0, -XEN_EINVAL)


def test_memory_queries_and_the_rest(domu):
    domu.poke(SCRATCH, struct.pack("<H", X.DOMID_SELF))
    assert domu.call(X.HYPERVISOR_memory_op, X.XENMEM_current_reservation, SCRATCH) == 1024
    assert domu.call(X.HYPERVISOR_memory_op, X.XENMEM_maximum_gpfn, SCRATCH) == \
        ((RAM_BASE + (4 << 20)) >> 12) - 1
    domu.poke(SCRATCH, struct.pack("<H", 0))            # dom0: not ours to ask about
    assert domu.call(X.HYPERVISOR_memory_op, X.XENMEM_current_reservation, SCRATCH) < 0
    assert domu.call(X.HYPERVISOR_memory_op, X.XENMEM_populate_physmap, SCRATCH) == -XEN_ENOSYS


# -- grant_table_op -----------------------------------------------------------------------

def test_query_size_set_and_get_version(dom0):
    G = X.HYPERVISOR_grant_table_op
    dom0.poke(SCRATCH, pack("gnttab_query_size", dom=X.DOMID_SELF))
    assert dom0.call(G, X.GNTTABOP_query_size, SCRATCH, 1) == 0
    q = unpack(dom0, "gnttab_query_size")
    assert (q["nr_frames"], q["max_nr_frames"], q["status"]) == (1, 64, 0)
    dom0.poke(SCRATCH, pack("gnttab_set_version", version=1))
    assert dom0.call(G, X.GNTTABOP_set_version, SCRATCH, 1) == 0
    dom0.poke(SCRATCH, pack("gnttab_set_version", version=2))
    assert dom0.call(G, X.GNTTABOP_set_version, SCRATCH, 1) < 0
    assert dom0.u32(SCRATCH) == 1
    dom0.poke(SCRATCH, pack("gnttab_get_version", dom=X.DOMID_SELF))
    assert dom0.call(G, X.GNTTABOP_get_version, SCRATCH, 1) == 0 and dom0.u32(SCRATCH + 4) == 1
    assert dom0.call(G, X.GNTTABOP_cache_flush, SCRATCH, 1) == -XEN_ENOSYS
    assert dom0.call(G, X.GNTTABOP_query_size, SCRATCH, 100000) == -XEN_EINVAL


def grant(b, domain, ref, to, frame, flags=X.GTF_permit_access):
    """`domain` grants page `frame` to domain `to` (written as the guest
    writes its table, here straight into the frame)."""
    b.poke(domain.gnttab.entry_pa(ref), struct.pack("<HHI", flags, to, frame))


def map_op(b, ref, dom, ipa=UNMAPPED, flags=X.GNTMAP_host_map):
    b.poke(SCRATCH, pack("gnttab_map_grant_ref", host_addr=ipa, flags=flags, ref=ref, dom=dom))
    assert b.call(X.HYPERVISOR_grant_table_op, X.GNTTABOP_map_grant_ref, SCRATCH, 1) == 0
    return unpack(b, "gnttab_map_grant_ref")


def test_map_and_unmap_a_granted_page():
    b = AbiBench(domid=0, extra_domains=(1,))
    d1 = b.others[1]
    page_ipa = RAM_BASE + 0x3000
    page_pa = d1.p2m.lookup(page_ipa)[0]
    b.poke(page_pa, b"granted!")
    grant(b, d1, 8, 0, page_ipa >> 12)
    m = map_op(b, 8, 1)
    assert m["status"] == X.GNTST_okay
    assert b.dom.p2m.lookup(UNMAPPED) == (page_pa, True)
    flags = struct.unpack("<H", b.peek(d1.gnttab.entry_pa(8), 2))[0]
    assert flags & (X.GTF_reading | X.GTF_writing)
    b.poke(SCRATCH, pack("gnttab_unmap_grant_ref", host_addr=UNMAPPED, handle=m["handle"]))
    assert b.call(X.HYPERVISOR_grant_table_op, X.GNTTABOP_unmap_grant_ref, SCRATCH, 1) == 0
    assert unpack(b, "gnttab_unmap_grant_ref")["status"] == X.GNTST_okay
    assert b.dom.p2m.lookup(UNMAPPED) is None
    assert struct.unpack("<H", b.peek(d1.gnttab.entry_pa(8), 2))[0] == X.GTF_permit_access
    b.poke(SCRATCH, pack("gnttab_unmap_grant_ref", host_addr=UNMAPPED, handle=m["handle"]))
    b.call(X.HYPERVISOR_grant_table_op, X.GNTTABOP_unmap_grant_ref, SCRATCH, 1)
    assert unpack(b, "gnttab_unmap_grant_ref")["status"] == X.GNTST_bad_handle


def test_grant_copy_between_a_grant_and_an_own_frame():
    b = AbiBench(domid=0, extra_domains=(1,))
    d1 = b.others[1]
    src_ipa = RAM_BASE + 0x5000
    b.poke(d1.p2m.lookup(src_ipa)[0] + 16, b"copied by Xen")
    grant(b, d1, 9, 0, src_ipa >> 12, X.GTF_permit_access | X.GTF_readonly)
    dst_gfn = (RAM_BASE + 0x6000) >> 12
    b.poke(SCRATCH, pack("gnttab_copy", source_u=9, source_domid=1, source_offset=16,
                         dest_u=dst_gfn, dest_domid=X.DOMID_SELF, dest_offset=32, len=13,
                         flags=X.GNTCOPY_source_gref))
    assert b.call(X.HYPERVISOR_grant_table_op, X.GNTTABOP_copy, SCRATCH, 1) == 0
    assert unpack(b, "gnttab_copy")["status"] == X.GNTST_okay
    assert b.peek((dst_gfn << 12) + 32, 13) == b"copied by Xen"
    # the other way the grant is read-only: refused
    b.poke(SCRATCH, pack("gnttab_copy", source_u=dst_gfn, source_domid=X.DOMID_SELF,
                         dest_u=9, dest_domid=1, len=4, flags=X.GNTCOPY_dest_gref))
    b.call(X.HYPERVISOR_grant_table_op, X.GNTTABOP_copy, SCRATCH, 1)
    assert unpack(b, "gnttab_copy")["status"] == X.GNTST_permission_denied


# -- event_channel_op -----------------------------------------------------------------------

E = X.HYPERVISOR_event_channel_op


def evtchn(b, cmd, layout, **kw):
    b.poke(SCRATCH, pack(layout, **kw))
    rc = b.call(E, cmd, SCRATCH)
    return rc, unpack(b, layout)


def test_init_control_is_enosys_so_linux_uses_2_level(dom0):
    assert evtchn(dom0, X.EVTCHNOP_init_control, "evtchn_bind_virq")[0] == -XEN_ENOSYS


def test_ipi_send_sets_pending_selector_and_upcall(dom0):
    b = dom0
    rc, r = evtchn(b, X.EVTCHNOP_bind_ipi, "evtchn_bind_ipi", vcpu=0)
    port = r["port"]
    assert rc == 0 and port == 1
    si = b.dom.evtchn.shared_info
    assert evtchn(b, X.EVTCHNOP_send, "evtchn_send", port=port)[0] == 0
    assert b.dom.evtchn.is_pending(port)
    assert b.peek(si + 8, 8) == struct.pack("<Q", 1)          # pending_sel word 0 (vcpu_info 0)
    assert b.peek(si, 1) == b"\x01"                           # evtchn_upcall_pending
    assert X.GUEST_EVTCHN_PPI in b.vcpu.queue or b.dom.vgic.pending[
        b.dom.vgic.k(0, X.GUEST_EVTCHN_PPI)]


def test_masked_port_raises_on_unmask(dom0):
    b = dom0
    ev = b.dom.evtchn
    port = evtchn(b, X.EVTCHNOP_bind_ipi, "evtchn_bind_ipi", vcpu=0)[1]["port"]
    b.poke(ev.shared_info + X.SHARED_INFO_EVTCHN_MASK, b"\xff" * 512)
    evtchn(b, X.EVTCHNOP_send, "evtchn_send", port=port)
    assert ev.is_pending(port) and b.peek(ev.shared_info, 1) == b"\0"
    assert evtchn(b, X.EVTCHNOP_unmask, "evtchn_unmask", port=port)[0] == 0
    assert b.peek(ev.shared_info, 1) == b"\x01"


def test_register_vcpu_info_moves_it_and_raises_an_upcall(dom0):
    b = dom0
    gpa = RAM_BASE + 0x7040
    b.poke(SCRATCH, pack("vcpu_register_vcpu_info", mfn=gpa >> 12, offset=0x40))
    assert b.call(X.HYPERVISOR_vcpu_op, X.VCPUOP_register_vcpu_info, 0, SCRATCH) == 0
    assert b.peek(gpa, 1) == b"\x01" and b.peek(gpa + 8, 8) == b"\xff" * 8
    assert b.call(X.HYPERVISOR_vcpu_op, X.VCPUOP_register_vcpu_info, 0, SCRATCH) == -XEN_EBUSY
    port = evtchn(b, X.EVTCHNOP_bind_ipi, "evtchn_bind_ipi", vcpu=0)[1]["port"]
    b.poke(gpa, bytes(16))
    evtchn(b, X.EVTCHNOP_send, "evtchn_send", port=port)
    assert b.peek(gpa, 1) == b"\x01" and b.peek(gpa + 8, 1) == b"\x01"


def test_bind_virq_rules(dom0):
    b = dom0
    assert evtchn(b, X.EVTCHNOP_bind_virq, "evtchn_bind_virq", virq=X.VIRQ_CONSOLE)[0] == 0
    assert evtchn(b, X.EVTCHNOP_bind_virq, "evtchn_bind_virq", virq=X.VIRQ_CONSOLE)[0] == -XEN_EEXIST
    assert evtchn(b, X.EVTCHNOP_bind_virq, "evtchn_bind_virq", virq=99)[0] == -XEN_EINVAL
    assert evtchn(b, X.EVTCHNOP_bind_virq, "evtchn_bind_virq", virq=X.VIRQ_DEBUG,
                  vcpu=5)[0] == -XEN_ENOENT
    rc, st = evtchn(b, X.EVTCHNOP_status, "evtchn_status", dom=X.DOMID_SELF, port=1)
    assert rc == 0 and st["status"] == X.EVTCHNSTAT_virq and st["u0"] == X.VIRQ_CONSOLE


@pytest.mark.parametrize("port", [0, 2, 4095, 4096, 0xFFFFFFFF])
def test_ports_never_bound_are_einval(dom0, port):
    for cmd, layout in ((X.EVTCHNOP_send, "evtchn_send"), (X.EVTCHNOP_close, "evtchn_close"),
                        (X.EVTCHNOP_unmask, "evtchn_unmask")):
        assert evtchn(dom0, cmd, layout, port=port)[0] == -XEN_EINVAL


def test_interdomain_channel_between_two_domains():
    b = AbiBench(domid=0, extra_domains=(1,))
    # dom0 allocates an unbound port for dom1 ...
    rc, a = evtchn(b, X.EVTCHNOP_alloc_unbound, "evtchn_alloc_unbound", dom=X.DOMID_SELF,
                   remote_dom=1)
    assert rc == 0
    d1 = b.others[1]
    # ... and dom1's end is bound to it (dom1's vCPU is not on a core here)
    lport = d1.evtchn.alloc(X.EVTCHNSTAT_interdomain)
    p, r = d1.evtchn.ports[lport], b.dom.evtchn.ports[a["port"]]
    p.remote_dom, p.remote_port = 0, a["port"]
    r.state, r.remote_dom, r.remote_port = X.EVTCHNSTAT_interdomain, 1, lport
    assert evtchn(b, X.EVTCHNOP_send, "evtchn_send", port=a["port"])[0] == 0
    assert d1.evtchn.is_pending(lport)
    assert evtchn(b, X.EVTCHNOP_close, "evtchn_close", port=a["port"])[0] == 0
    assert d1.evtchn.ports[lport].state == X.EVTCHNSTAT_unbound


def test_alloc_unbound_then_bind_interdomain_in_one_domain(dom0):
    b = dom0
    rc, a = evtchn(b, X.EVTCHNOP_alloc_unbound, "evtchn_alloc_unbound", dom=X.DOMID_SELF,
                   remote_dom=X.DOMID_SELF)
    assert rc == 0
    rc, bi = evtchn(b, X.EVTCHNOP_bind_interdomain, "evtchn_bind_interdomain",
                    remote_dom=X.DOMID_SELF, remote_port=a["port"])
    assert rc == 0
    b.poke(b.dom.evtchn.shared_info + X.SHARED_INFO_EVTCHN_PENDING, bytes(8))
    evtchn(b, X.EVTCHNOP_send, "evtchn_send", port=a["port"])
    assert b.dom.evtchn.is_pending(bi["local_port"])
    rc, _ = evtchn(b, X.EVTCHNOP_bind_interdomain, "evtchn_bind_interdomain",
                   remote_dom=X.DOMID_SELF, remote_port=a["port"])
    assert rc == -XEN_EINVAL                          # no longer unbound


def test_bind_vcpu_moves_global_virq_not_ipi():
    b = AbiBench(domid=0, vcpus=2)
    virq = evtchn(b, X.EVTCHNOP_bind_virq, "evtchn_bind_virq", virq=X.VIRQ_CONSOLE)[1]["port"]
    ipi = evtchn(b, X.EVTCHNOP_bind_ipi, "evtchn_bind_ipi", vcpu=0)[1]["port"]
    assert evtchn(b, X.EVTCHNOP_bind_vcpu, "evtchn_bind_vcpu", port=virq, vcpu=1)[0] == 0
    assert b.dom.evtchn.ports[virq].notify_vcpu == 1
    assert evtchn(b, X.EVTCHNOP_bind_vcpu, "evtchn_bind_vcpu", port=ipi, vcpu=1)[0] == -XEN_EINVAL
    assert evtchn(b, X.EVTCHNOP_bind_vcpu, "evtchn_bind_vcpu", port=virq, vcpu=2)[0] == -XEN_ENOENT


# -- vcpu_op, hvm_op, sched_op, vm_assist, platform_op, physdev, multicall --------------------

def test_vcpu_op(dom0):
    V = X.HYPERVISOR_vcpu_op
    assert dom0.call(V, X.VCPUOP_is_up, 0) == 1
    assert dom0.call(V, X.VCPUOP_is_up, 1) == -XEN_ENOENT
    dom0.poke(SCRATCH, struct.pack("<Q", 0xC0001000))
    assert dom0.call(V, X.VCPUOP_register_runstate_memory_area, 0, SCRATCH) == 0
    assert dom0.call(V, X.VCPUOP_up, 0) == -XEN_EINVAL
    assert dom0.call(V, X.VCPUOP_initialise, 0, SCRATCH) == -XEN_EINVAL
    dom0.poke(SCRATCH, pack("vcpu_register_vcpu_info", mfn=UNMAPPED >> 12))
    assert dom0.call(V, X.VCPUOP_register_vcpu_info, 0, SCRATCH) == -XEN_EINVAL
    dom0.poke(SCRATCH, pack("vcpu_register_vcpu_info", mfn=RAM_BASE >> 12, offset=4090))
    assert dom0.call(V, X.VCPUOP_register_vcpu_info, 0, SCRATCH) == -XEN_EINVAL


def test_hvm_params(dom0):
    H = X.HYPERVISOR_hvm_op
    dom0.poke(SCRATCH, pack("xen_hvm_param", domid=X.DOMID_SELF, index=X.HVM_PARAM_STORE_EVTCHN,
                            value=77))
    assert dom0.call(H, X.HVMOP_get_param, SCRATCH) == 0
    assert unpack(dom0, "xen_hvm_param")["value"] == 0           # xenstored will be dom0's own
    assert dom0.call(H, X.HVMOP_set_param, SCRATCH) == -XEN_EPERM
    dom0.poke(SCRATCH, pack("xen_hvm_param", domid=X.DOMID_SELF, index=500))
    assert dom0.call(H, X.HVMOP_get_param, SCRATCH) == -XEN_EINVAL
    assert dom0.call(H, 7, SCRATCH) == -XEN_ENOSYS


def test_sched_op_shutdown_ends_dom0s_run(dom0):
    dom0.poke(SCRATCH, pack("sched_shutdown", reason=X.SHUTDOWN_poweroff))
    assert dom0.call(X.HYPERVISOR_sched_op, X.SCHEDOP_shutdown, SCRATCH) == 0
    assert dom0.hv.exit_code == 0 and dom0.dom.shutdown_reason == 0
    assert dom0.call(X.HYPERVISOR_sched_op, X.SCHEDOP_yield, 0) == 0
    assert dom0.call(X.HYPERVISOR_sched_op, 42, 0) == -XEN_ENOSYS


def test_sched_poll_checks_ports(dom0):
    dom0.poke(SCRATCH + 64, struct.pack("<I", 5))
    dom0.poke(SCRATCH, pack("sched_poll", ports=SCRATCH + 64, nr_ports=1))
    assert dom0.call(X.HYPERVISOR_sched_op, X.SCHEDOP_poll, SCRATCH) == -XEN_EINVAL
    dom0.poke(SCRATCH, pack("sched_poll", ports=SCRATCH + 64, nr_ports=129))
    assert dom0.call(X.HYPERVISOR_sched_op, X.SCHEDOP_poll, SCRATCH) == -XEN_EINVAL


def test_the_rest(dom0, domu):
    assert dom0.call(X.HYPERVISOR_vm_assist, X.VMASST_CMD_enable,
                     X.VMASST_TYPE_runstate_update_flag) == 0
    assert dom0.call(X.HYPERVISOR_vm_assist, X.VMASST_CMD_enable, 1) == -XEN_EINVAL
    assert dom0.call(X.HYPERVISOR_physdev_op, 25, SCRATCH) == -XEN_ENOSYS
    assert dom0.call(X.HYPERVISOR_multicall, SCRATCH, 1) == -XEN_ENOSYS
    dom0.poke(SCRATCH, struct.pack("<II", X.XENPF_settime64, X.XENPF_INTERFACE_VERSION)
              + pack("xenpf_settime64", secs=1700000000, nsecs=5))
    assert dom0.call(X.HYPERVISOR_platform_op, SCRATCH) == 0
    assert domu.call(X.HYPERVISOR_platform_op, SCRATCH) == -XEN_EPERM
