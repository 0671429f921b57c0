"""Grant tables, version 1 (xen/common/grant_table.c).

A domain grants another access to one of its pages by writing a
grant_entry_v1 { flags, domid, frame } into its grant table: frames of
the hypervisor's own (allocated here, at most MAX_NR_FRAMES), which the
guest maps into its physical space with memory_op add_to_physmap
(XENMAPSPACE_grant_table; Linux on ARM uses the /hypervisor node's grant
window) since its feature bits say auto-translated.

map_grant_ref maps a page another domain granted into the caller's p2m at
the guest-physical `host_addr` (an auto-translated guest's host_addr is
an IPA), after checking that the grant exists, permits access, names the
caller, and allows writes unless the mapping is read-only; while mapped,
GTF_reading / GTF_writing are set in the entry so the granter cannot end
the grant under the mapper.  copy moves bytes between granted or own
pages.  A domain can never map or copy a page that was not granted to
it: the check reads the granter's table, never a guest pointer.
"""

import struct
from typing import Dict, List, Optional, Tuple

from .errno import XEN_EINVAL, XEN_ENOSYS, XEN_EOPNOTSUPP
from .guestcopy import GuestFault, ipa_to_pa, read_phys, write_phys
from .hypercall import Call, subop
from .xen_public import (GNTCOPY_dest_gref, GNTCOPY_source_gref, GNTMAP_device_map,
                         GNTMAP_host_map, GNTMAP_readonly, GNTST_bad_copy_arg, GNTST_bad_domain,
                         GNTST_bad_gntref, GNTST_bad_handle, GNTST_bad_page,
                         GNTST_bad_virt_addr, GNTST_general_error, GNTST_okay,
                         GNTST_permission_denied, GNTTABOP_cache_flush, GNTTABOP_copy,
                         GNTTABOP_get_version, GNTTABOP_map_grant_ref, GNTTABOP_query_size,
                         GNTTABOP_set_version, GNTTABOP_setup_table, GNTTABOP_unmap_grant_ref,
                         GRANT_ENTRY_V1_SIZE, GTF_permit_access, GTF_readonly, GTF_reading,
                         GTF_type_mask, GTF_writing, INVALID_GFN, LAYOUTS, PAGE_SIZE)

# dom0's grant window in its device tree holds 64 frames (domain_build.py); Xen's
# default opt_max_grant_frames is 64 too
MAX_NR_FRAMES = 64
ENTRIES_PER_FRAME = PAGE_SIZE // GRANT_ENTRY_V1_SIZE
MAX_BATCH = 512     # ops per call; Xen preempts longer batches with a continuation
MAX_MAPTRACK = 1024


class GrantTable:
    def __init__(self, domain):
        self.domain = domain
        self.hv = domain.hv
        self.frames: List[int] = []            # PA of each shared frame
        self.gfns: List[int] = []              # where the guest mapped each (INVALID_GFN if not)
        self.maptrack: Dict[int, Tuple[int, int, int, bool]] = {}   # handle -> (ipa, granter, ref, ro)
        self.grow(1)

    @property
    def nr_frames(self) -> int:
        return len(self.frames)

    def grow(self, n: int) -> bool:
        """Have at least `n` shared frames (gnttab_grow_table)."""
        if n > MAX_NR_FRAMES:
            return False
        while len(self.frames) < n:
            pa = self.hv.alloc_page()
            self.hv.machine.mem.write(pa, bytes(PAGE_SIZE))
            self.frames.append(pa)
            self.gfns.append(INVALID_GFN)
        return True

    def entry_pa(self, ref: int) -> Optional[int]:
        if not 0 <= ref < self.nr_frames * ENTRIES_PER_FRAME:
            return None
        return self.frames[ref // ENTRIES_PER_FRAME] + (ref % ENTRIES_PER_FRAME) * GRANT_ENTRY_V1_SIZE

    def entry(self, ref: int) -> Optional[Tuple[int, int, int]]:
        pa = self.entry_pa(ref)
        if pa is None:
            return None
        return struct.unpack("<HHI", read_phys(self.hv.machine, pa, 8))

    def set_flags(self, ref: int, set_bits: int = 0, clear_bits: int = 0) -> None:
        pa = self.entry_pa(ref)
        flags = struct.unpack("<H", read_phys(self.hv.machine, pa, 2))[0]
        write_phys(self.hv.machine, pa, struct.pack("<H", (flags | set_bits) & ~clear_bits & 0xFFFF))

    def granted_page(self, ref: int, grantee: int, write: bool) -> Tuple[int, Optional[int]]:
        """(GNTST status, PA of the granted page) of `ref` for domain `grantee`."""
        e = self.entry(ref)
        if e is None:
            return GNTST_bad_gntref, None
        flags, domid, frame = e
        if flags & GTF_type_mask != GTF_permit_access or domid != grantee:
            return GNTST_permission_denied, None
        if write and flags & GTF_readonly:
            return GNTST_permission_denied, None
        try:
            return GNTST_okay, ipa_to_pa(self.domain, frame << 12, write)
        except GuestFault:
            return GNTST_bad_page, None


# -- the sub-ops: r1 = the guest address of an array of r2 op structures ---------------------

def _batch(call: Call, layout: str, one) -> int:
    count, base = call.args[2], call.args[1]
    if count > MAX_BATCH:
        return -XEN_EINVAL
    size = LAYOUTS[layout].size
    for i in range(count):
        va = base + i * size
        one(call, va, call.read_struct(layout, va))
    return 0


def _status(call: Call, layout: str, va: int, st: int, **more) -> None:
    call.write_field(layout, va, "status", st)
    for k, v in more.items():
        call.write_field(layout, va, k, v)


def _query_size(call: Call, va: int, op: dict) -> None:
    d = call.target_domain(op["dom"])
    if d is None:
        _status(call, "gnttab_query_size", va, GNTST_bad_domain)
        return
    _status(call, "gnttab_query_size", va, GNTST_okay, nr_frames=d.gnttab.nr_frames,
            max_nr_frames=MAX_NR_FRAMES)


def _setup_table(call: Call, va: int, op: dict) -> None:
    d = call.target_domain(op["dom"])
    if d is None:
        _status(call, "gnttab_setup_table", va, GNTST_bad_domain)
        return
    n = op["nr_frames"]
    if not d.gnttab.grow(n):
        _status(call, "gnttab_setup_table", va, GNTST_general_error)
        return
    frames = b"".join(struct.pack("<Q", d.gnttab.gfns[i]) for i in range(n))
    call.write(op["frame_list"] & 0xFFFFFFFF, frames)
    _status(call, "gnttab_setup_table", va, GNTST_okay)


def _map_grant_ref(call: Call, va: int, op: dict) -> None:
    L = "gnttab_map_grant_ref"
    me = call.domain
    flags, ipa = op["flags"], op["host_addr"]
    if not flags & (GNTMAP_host_map | GNTMAP_device_map):
        _status(call, L, va, GNTST_general_error)
        return
    granter = call.hv.domains.get(op["dom"])
    if granter is None or granter is me or granter.gnttab is None:
        _status(call, L, va, GNTST_bad_domain)
        return
    if ipa % PAGE_SIZE or ipa >= 1 << 32 or me.p2m.lookup(ipa) is not None:
        _status(call, L, va, GNTST_bad_virt_addr)      # an IPA of ours that holds nothing
        return
    ro = bool(flags & GNTMAP_readonly)
    st, pa = granter.gnttab.granted_page(op["ref"], me.domid, not ro)
    if st != GNTST_okay:
        _status(call, L, va, st)
        return
    track = me.gnttab.maptrack
    if len(track) >= MAX_MAPTRACK:
        _status(call, L, va, GNTST_general_error)
        return
    handle = next(h for h in range(MAX_MAPTRACK) if h not in track)
    me.p2m.map(ipa, pa, PAGE_SIZE, writable=not ro, executable=False)
    track[handle] = (ipa, granter.domid, op["ref"], ro)
    granter.gnttab.set_flags(op["ref"], GTF_reading | (0 if ro else GTF_writing))
    _status(call, L, va, GNTST_okay, handle=handle, dev_bus_addr=0)


def _unmap_grant_ref(call: Call, va: int, op: dict) -> None:
    L = "gnttab_unmap_grant_ref"
    me = call.domain
    t = me.gnttab.maptrack.get(op["handle"])
    if t is None:
        _status(call, L, va, GNTST_bad_handle)
        return
    ipa, granter_id, ref, ro = t
    if op["host_addr"] != ipa:
        _status(call, L, va, GNTST_general_error)
        return
    me.p2m.unmap(ipa, PAGE_SIZE)
    del me.gnttab.maptrack[op["handle"]]
    granter = call.hv.domains.get(granter_id)
    if granter is not None and not any(g == granter_id and r == ref
                                       for _, g, r, _ in me.gnttab.maptrack.values()):
        granter.gnttab.set_flags(ref, 0, GTF_reading | GTF_writing)
    _status(call, L, va, GNTST_okay)


def _copy_end(call: Call, u: int, domid: int, offset: int, length: int, by_ref: bool,
              write: bool) -> Tuple[int, Optional[int]]:
    """(status, PA) of one side of a copy: a grant ref of `domid`'s to us,
    or (without the gref flag) a frame of our own."""
    if offset + length > PAGE_SIZE:
        return GNTST_bad_copy_arg, None
    if by_ref:
        d = call.hv.domains.get(domid) if domid != 0x7FF0 else call.domain
        if d is None or d.gnttab is None:
            return GNTST_bad_domain, None
        st, pa = d.gnttab.granted_page(u & 0xFFFFFFFF, call.domain.domid, write)
        return st, None if pa is None else pa + offset
    if call.target_domain(domid) is not call.domain:
        return GNTST_permission_denied, None
    try:
        return GNTST_okay, ipa_to_pa(call.domain, (u << 12) & ((1 << 64) - 1), write) + offset
    except GuestFault:
        return GNTST_bad_page, None


def _copy(call: Call, va: int, op: dict) -> None:
    n = op["len"]
    st, src = _copy_end(call, op["source_u"], op["source_domid"], op["source_offset"], n,
                        bool(op["flags"] & GNTCOPY_source_gref), False)
    if st == GNTST_okay:
        st, dst = _copy_end(call, op["dest_u"], op["dest_domid"], op["dest_offset"], n,
                            bool(op["flags"] & GNTCOPY_dest_gref), True)
    if st == GNTST_okay:
        m = call.hv.machine
        write_phys(m, dst, read_phys(m, src, n))
    _status(call, "gnttab_copy", va, st)


def set_version(call: Call) -> int:
    """Version 1 only: Linux asks for 1 and keeps 1 whatever the answer."""
    va = call.args[1]
    v = call.read_struct("gnttab_set_version", va)["version"]
    call.write_field("gnttab_set_version", va, "version", 1)
    if v == 1:
        return 0
    return -XEN_EOPNOTSUPP if v == 2 else -XEN_EINVAL


def get_version(call: Call) -> int:
    va = call.args[1]
    op = call.read_struct("gnttab_get_version", va)
    if call.target_domain(op["dom"]) is None:
        return -XEN_EINVAL
    call.write_field("gnttab_get_version", va, "version", 1)
    return 0


GNTTABOP_OPS = {
    GNTTABOP_map_grant_ref: ("map_grant_ref",
                             lambda c: _batch(c, "gnttab_map_grant_ref", _map_grant_ref)),
    GNTTABOP_unmap_grant_ref: ("unmap_grant_ref",
                               lambda c: _batch(c, "gnttab_unmap_grant_ref", _unmap_grant_ref)),
    GNTTABOP_setup_table: ("setup_table", lambda c: _batch(c, "gnttab_setup_table", _setup_table)),
    GNTTABOP_copy: ("copy", lambda c: _batch(c, "gnttab_copy", _copy)),
    GNTTABOP_query_size: ("query_size", lambda c: _batch(c, "gnttab_query_size", _query_size)),
    GNTTABOP_set_version: ("set_version", set_version),
    GNTTABOP_get_version: ("get_version", get_version),
    # no caches to maintain in the model; Linux copes (hypercall_cflush = false)
    GNTTABOP_cache_flush: ("cache_flush", lambda c: -XEN_ENOSYS),
}


def do_grant_table_op(call: Call) -> int:
    return subop(call, GNTTABOP_OPS, call.args[0])
