"""A domain never reaches memory outside its p2m through the ABI: grants
it was not given cannot be mapped or copied, guest pointers and frame
numbers that name the hypervisor's memory or nothing are faults, and a
fault copies nothing."""

import struct

import pytest

from pyxen15.board_vexpress.memmap import RAM_BASE
from pyxen15.hyp import xen_public as X
from pyxen15.hyp.errno import XEN_EFAULT, XEN_EINVAL
from pyxen15.hyp.guestcopy import GuestFault, copy_from_guest
from pyxen15.hyp.xen_public import LAYOUTS

from abi_helpers import SCRATCH, AbiBench

UNMAPPED = 0x40000000


@pytest.fixture
def three():
    """dom0 (the caller), dom1 (the granter) and dom2."""
    return AbiBench(domid=0, extra_domains=(1, 2))


def grant(b, d, ref, to, frame, flags=X.GTF_permit_access):
    b.poke(d.gnttab.entry_pa(ref), struct.pack("<HHI", flags, to, frame))


def map_status(b, ref, dom, flags=X.GNTMAP_host_map, ipa=UNMAPPED):
    b.poke(SCRATCH, LAYOUTS["gnttab_map_grant_ref"].pack(host_addr=ipa, flags=flags, ref=ref, dom=dom))
    assert b.call(X.HYPERVISOR_grant_table_op, X.GNTTABOP_map_grant_ref, SCRATCH, 1) == 0
    return LAYOUTS["gnttab_map_grant_ref"].unpack(b.peek(SCRATCH, 32))["status"]


FRAME = (RAM_BASE + 0x2000) >> 12


@pytest.mark.parametrize("case, status", [
    ("granted to another domain", X.GNTST_permission_denied),
    ("never granted", X.GNTST_permission_denied),
    ("ended (flags 0)", X.GNTST_permission_denied),
    ("read-only, mapped writable", X.GNTST_permission_denied),
    ("ref beyond the table", X.GNTST_bad_gntref),
    ("frame outside the granter's p2m", X.GNTST_bad_page),
    ("granter does not exist", X.GNTST_bad_domain),
    ("own grant", X.GNTST_bad_domain),
    ("host_addr over own RAM", X.GNTST_bad_virt_addr),
])
def test_a_grant_not_given_cannot_be_mapped(three, case, status):
    b, d1 = three, three.others[1]
    ref, dom, ipa, flags = 10, 1, UNMAPPED, X.GNTMAP_host_map
    if case == "granted to another domain":
        grant(b, d1, ref, 2, FRAME)
    elif case == "ended (flags 0)":
        grant(b, d1, ref, 0, FRAME, 0)
    elif case == "read-only, mapped writable":
        grant(b, d1, ref, 0, FRAME, X.GTF_permit_access | X.GTF_readonly)
    elif case == "ref beyond the table":
        ref = 512 * 64 + 1
    elif case == "frame outside the granter's p2m":
        grant(b, d1, ref, 0, b.hv.heap[0] >> 12)          # the hypervisor's own RAM
    elif case == "granter does not exist":
        dom = 7
    elif case == "own grant":
        grant(b, b.dom, ref, 0, FRAME)
        dom = 0
    elif case == "host_addr over own RAM":
        grant(b, d1, ref, 0, FRAME)
        ipa = RAM_BASE + 0x10000
    before = b.dom.p2m.lookup(ipa)
    assert map_status(b, ref, dom, flags, ipa) == status
    assert b.dom.p2m.lookup(ipa) == before               # nothing mapped
    assert not b.dom.gnttab.maptrack


def test_the_read_only_grant_maps_read_only(three):
    b, d1 = three, three.others[1]
    grant(b, d1, 11, 0, FRAME, X.GTF_permit_access | X.GTF_readonly)
    assert map_status(b, 11, 1, X.GNTMAP_host_map | X.GNTMAP_readonly) == X.GNTST_okay
    assert b.dom.p2m.lookup(UNMAPPED) == (d1.p2m.lookup(FRAME << 12)[0], False)


def test_grant_copy_of_an_ungranted_frame_is_refused(three):
    b, d1 = three, three.others[1]
    secret = d1.p2m.lookup(FRAME << 12)[0]
    b.poke(secret, b"dom1's secret")
    grant(b, d1, 12, 2, FRAME)                           # to dom2, not to us
    b.poke(SCRATCH, LAYOUTS["gnttab_copy"].pack(
        source_u=12, source_domid=1, dest_u=(RAM_BASE + 0x9000) >> 12, dest_domid=X.DOMID_SELF,
        len=13, flags=X.GNTCOPY_source_gref))
    b.call(X.HYPERVISOR_grant_table_op, X.GNTTABOP_copy, SCRATCH, 1)
    assert LAYOUTS["gnttab_copy"].unpack(b.peek(SCRATCH, 40))["status"] == X.GNTST_permission_denied
    assert b.peek(RAM_BASE + 0x9000, 13) == bytes(13)
    # and a gmfn copy from another domain's frame without a grant: not ours
    b.poke(SCRATCH, LAYOUTS["gnttab_copy"].pack(
        source_u=FRAME, source_domid=1, dest_u=(RAM_BASE + 0x9000) >> 12, dest_domid=X.DOMID_SELF,
        len=13))
    b.call(X.HYPERVISOR_grant_table_op, X.GNTTABOP_copy, SCRATCH, 1)
    assert LAYOUTS["gnttab_copy"].unpack(b.peek(SCRATCH, 40))["status"] == X.GNTST_permission_denied
    assert b.peek(RAM_BASE + 0x9000, 13) == bytes(13)


def test_pointers_to_hypervisor_memory_are_efault():
    b = AbiBench(domid=1)
    heap_base, heap_size = b.hv.heap
    root = b.dom.p2m.root
    tables = b.peek(root, 64)
    for va in (heap_base, root, b.dom.evtchn.shared_info, heap_base + heap_size - 8):
        assert b.call(X.HYPERVISOR_xen_version, X.XENVER_get_features, va) == -XEN_EFAULT
        assert b.call(X.HYPERVISOR_xen_version, X.XENVER_extraversion, va) == -XEN_EFAULT
    assert b.peek(root, 64) == tables


def test_a_fault_on_the_second_page_copies_nothing():
    b = AbiBench(domid=0)
    last = RAM_BASE + (4 << 20) - 4                     # 4 bytes before the end of its RAM
    b.poke(last, b"\xAA" * 4)
    assert b.call(X.HYPERVISOR_xen_version, X.XENVER_extraversion, last) == -XEN_EFAULT
    assert b.peek(last, 4) == b"\xAA" * 4


def test_frame_numbers_outside_the_ipa_space_are_refused():
    b = AbiBench(domid=0)
    for gpfn in (1 << 20, 1 << 40, (1 << 64) - 1):
        b.poke(SCRATCH, LAYOUTS["xen_add_to_physmap"].pack(
            domid=X.DOMID_SELF, space=X.XENMAPSPACE_shared_info, gpfn=gpfn))
        assert b.call(X.HYPERVISOR_memory_op, X.XENMEM_add_to_physmap, SCRATCH) == -XEN_EINVAL


def test_guest_virtual_addresses_go_through_the_guests_stage_1():
    """With the guest's MMU on (short-descriptor, one section), a pointer is
    its VA: it reaches the IPA the section names, and a VA without a
    translation is -EFAULT even where its number is mapped RAM."""
    b = AbiBench(domid=0)
    core = b.vcpu.core
    l1 = RAM_BASE + 0x200000                            # a 16 KiB-aligned L1 table in guest RAM
    va, ipa = 0x00100000, RAM_BASE + 0x300000
    b.poke(l1, bytes(16384))
    b.poke(l1 + (va >> 20) * 4, struct.pack("<I", ipa | 0xC02))   # section, AP = 0b11
    s = core.sys
    s.write("TTBCR", 0)
    s.write("TTBR0", l1)
    s.write("DACR", 1)                                  # domain 0: client
    s.write("SCTLR", s.read("SCTLR") | 1)
    b.poke(ipa + 0x10, struct.pack("<II", 0, 0))
    assert b.call(X.HYPERVISOR_xen_version, X.XENVER_get_features, va + 0x10) == 0
    assert struct.unpack("<I", b.peek(ipa + 0x14, 4))[0] == 0x00026805
    assert b.call(X.HYPERVISOR_xen_version, X.XENVER_get_features, SCRATCH) == -XEN_EFAULT
    with pytest.raises(GuestFault):
        copy_from_guest(b.vcpu, 0x00300000, 4)


def test_hvc_from_user_mode_is_undefined_and_never_a_hypercall():
    """HVC is UNDEFINED at PL0 (B1.14.x): the guest's own Undefined
    Instruction exception, with no trap to HYP and no hypercall."""
    b = AbiBench(domid=1)
    core = b.vcpu.core
    pc = RAM_BASE + 0x1000
    b.poke(pc, struct.pack("<I", 0xE140EA71))          # HVC #0xEA1
    core.set_cpsr(0x10 | 0x1C0)                        # User mode, A I F masked
    core.sys.regime_changed()
    core.pc = pc
    b.machine.run(max_insns=1)
    assert core.cpsr & 0x1F == 0x1B and core.pc == 0x4  # Undefined mode, at the guest's vector
    assert b.stats() == {}
