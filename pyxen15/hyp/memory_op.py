"""memory_op (xen/common/memory.c, xen/arch/arm/mm.c): r0 = XENMEM_* (the
low 6 bits; the rest is a continuation's start extent), r1 = the op's
structure.

add_to_physmap puts one of the hypervisor's pages into the caller's
guest-physical space, replacing whatever the p2m had there, as Xen's
xenmem_add_to_physmap_one does: the domain's shared_info page
(XENMAPSPACE_shared_info, idx 0) or grant-table frame `idx`
(XENMAPSPACE_grant_table).  Linux dom0 maps shared_info at a RAM page it
allocated and the grant frames at the /hypervisor node's grant window.
The batch form does the same for each (idx, gpfn) pair and reports each
error in `errs`.  The reservation queries answer from the domain's RAM;
the balloon's increase/decrease/populate and the foreign mappings are
not provided (-ENOSYS).
"""

import struct

from .errno import XEN_EINVAL, XEN_ENOSYS, XEN_EPERM, XEN_ESRCH
from .hypercall import Call, subop
from .xen_public import (DOMID_SELF, INVALID_GFN, MEMOP_CMD_MASK, PAGE_SIZE,
                         XENMAPIDX_grant_table_status, XENMAPSPACE_grant_table,
                         XENMAPSPACE_shared_info, XENMEM_add_to_physmap,
                         XENMEM_add_to_physmap_batch, XENMEM_current_reservation,
                         XENMEM_maximum_gpfn, XENMEM_maximum_reservation)

GPFN_LIMIT = 1 << 20        # a 32-bit IPA space: VTCR.T0SZ = 0 (p2m.py)
BATCH_MAX = 512             # pairs per call; Xen would continue a longer batch


def _domain(call: Call, domid: int):
    """(domain, error): only DOMID_SELF or the caller's own id, or any
    domain for the hardware domain."""
    d = call.target_domain(domid)
    if d is None:
        return None, -XEN_ESRCH if domid not in call.hv.domains else -XEN_EPERM
    return d, 0


def add_to_physmap_one(d, space: int, idx: int, gpfn: int) -> int:
    if gpfn >= GPFN_LIMIT:
        return -XEN_EINVAL
    ipa = gpfn << 12
    if space == XENMAPSPACE_shared_info:
        if idx != 0:
            return -XEN_EINVAL
        old = d.shared_info_gfn
        if old is not None and old != gpfn:
            d.p2m.unmap(old << 12, PAGE_SIZE)
        d.p2m.map(ipa, d.evtchn.shared_info, PAGE_SIZE, executable=False)
        d.shared_info_gfn = gpfn
        return 0
    if space == XENMAPSPACE_grant_table:
        if idx & XENMAPIDX_grant_table_status:      # status frames are version 2's
            return -XEN_EINVAL
        gt = d.gnttab
        if not gt.grow(idx + 1):
            return -XEN_EINVAL
        old = gt.gfns[idx]
        if old != INVALID_GFN and old != gpfn:
            d.p2m.unmap(old << 12, PAGE_SIZE)
        d.p2m.map(ipa, gt.frames[idx], PAGE_SIZE, executable=False)
        gt.gfns[idx] = gpfn
        return 0
    return -XEN_ENOSYS             # gmfn, gmfn_range, gmfn_foreign, dev_mmio: not provided


def add_to_physmap(call: Call) -> int:
    a = call.read_struct("xen_add_to_physmap", call.args[1])
    d, err = _domain(call, a["domid"])
    if d is None:
        return err
    return add_to_physmap_one(d, a["space"], a["idx"], a["gpfn"])


def add_to_physmap_batch(call: Call) -> int:
    a = call.read_struct("xen_add_to_physmap_range", call.args[1])
    d, err = _domain(call, a["domid"])
    if d is None:
        return err
    n = a["size"]
    if n > BATCH_MAX:
        return -XEN_EINVAL
    idxs = struct.unpack("<%dQ" % n, call.read(a["idxs"] & 0xFFFFFFFF, 8 * n))
    gpfns = struct.unpack("<%dQ" % n, call.read(a["gpfns"] & 0xFFFFFFFF, 8 * n))
    errs = [add_to_physmap_one(d, a["space"], i, g) for i, g in zip(idxs, gpfns)]
    call.write(a["errs"] & 0xFFFFFFFF, struct.pack("<%di" % n, *errs))
    return 0


def _pages(d) -> int:
    return sum(size for _, _, size in d.mem) // PAGE_SIZE


def _reservation(call: Call) -> int:
    """current/maximum_reservation: r1 points at a domid_t; the answer is
    the domain's RAM in pages (no ballooning: the two are the same)."""
    domid = struct.unpack("<H", call.read(call.args[1], 2))[0]
    d, err = _domain(call, domid)
    return _pages(d) if d is not None else err


def maximum_gpfn(call: Call) -> int:
    domid = struct.unpack("<H", call.read(call.args[1], 2))[0]
    d, err = _domain(call, domid)
    if d is None:
        return err
    return max((ipa + size) // PAGE_SIZE - 1 for ipa, _, size in d.mem)


XENMEM_OPS = {
    XENMEM_add_to_physmap: ("add_to_physmap", add_to_physmap),
    XENMEM_add_to_physmap_batch: ("add_to_physmap_batch", add_to_physmap_batch),
    XENMEM_current_reservation: ("current_reservation", _reservation),
    XENMEM_maximum_reservation: ("maximum_reservation", _reservation),
    XENMEM_maximum_gpfn: ("maximum_gpfn", maximum_gpfn),
}


def do_memory_op(call: Call) -> int:
    return subop(call, XENMEM_OPS, call.args[0] & MEMOP_CMD_MASK)
