"""Constants and structure layouts of Xen's public headers as an arm32 guest
sees them (xen/include/public/*.h; Linux's include/xen/interface/ has the
same layouts).

The layouts follow the AAPCS: uint64_t is 8-byte aligned, and on ARM every
XEN_GUEST_HANDLE is 8 bytes (the 32-bit pointer in the low word,
xen/include/public/arch-arm.h), as are xen_pfn_t and xen_ulong_t.  Each
`Layout` lists its fields with their offsets and `struct` formats; its size
and offsets are checked against the compiled offsets of
tests/hyp/data/arm32-struct-offsets.txt by tests/hyp/test_xen_public.py.
"""

import struct
from typing import Dict, List, Tuple

# -- the hypercall numbers (xen/include/public/xen.h) ------------------------------------
HYPERVISOR_platform_op = 7
HYPERVISOR_memory_op = 12
HYPERVISOR_multicall = 13
HYPERVISOR_xen_version = 17
HYPERVISOR_console_io = 18
HYPERVISOR_grant_table_op = 20
HYPERVISOR_vm_assist = 21
HYPERVISOR_vcpu_op = 24
HYPERVISOR_sched_op = 29
HYPERVISOR_event_channel_op = 32
HYPERVISOR_physdev_op = 33
HYPERVISOR_hvm_op = 34
HYPERVISOR_dm_op = 41

XEN_HYPERCALL_TAG = 0xEA1       # the immediate of HVC for a Xen hypercall

DOMID_SELF = 0x7FF0
DOMID_XEN = 0x7FF2
INVALID_GFN = (1 << 64) - 1

# Xen on ARM puts the event-channel upcall on a PPI the /hypervisor node names
# (arch-arm.h GUEST_EVTCHN_PPI; domain_build.py puts the same one in dom0's tree).
GUEST_EVTCHN_PPI = 31

# -- xen_version (version.h) ---------------------------------------------------------------
XEN_MAJOR, XEN_MINOR = 4, 17
XENVER_version, XENVER_extraversion, XENVER_compile_info, XENVER_capabilities = 0, 1, 2, 3
XENVER_changeset, XENVER_platform_parameters, XENVER_get_features, XENVER_pagesize = 4, 5, 6, 7
XENVER_guest_handle, XENVER_commandline, XENVER_build_id = 8, 9, 10
XEN_EXTRAVERSION_LEN, XEN_CAPABILITIES_INFO_LEN, XEN_CHANGESET_INFO_LEN = 16, 1024, 64
XEN_COMMANDLINE_LEN = 1024

# features.h: the bits of submap 0
XENFEAT_writable_page_tables = 0
XENFEAT_auto_translated_physmap = 2
XENFEAT_dom0 = 11
XENFEAT_hvm_safe_pvclock = 13          # not tested by arm32 Linux; Xen sets it
XENFEAT_ARM_SMCCC_supported = 14
XENFEAT_not_direct_mapped = 16
XENFEAT_direct_mapped = 17
XENFEAT_NR_SUBMAPS = 1

# -- console_io (xen.h) --------------------------------------------------------------------
CONSOLEIO_write, CONSOLEIO_read = 0, 1

# -- memory_op (memory.h) ------------------------------------------------------------------
MEMOP_CMD_MASK = (1 << 6) - 1          # the rest of the command is a continuation's start extent
XENMEM_increase_reservation, XENMEM_decrease_reservation, XENMEM_populate_physmap = 0, 1, 6
XENMEM_maximum_ram_page, XENMEM_current_reservation, XENMEM_maximum_reservation = 2, 3, 4
XENMEM_add_to_physmap, XENMEM_maximum_gpfn, XENMEM_add_to_physmap_batch = 7, 14, 23
XENMAPSPACE_shared_info, XENMAPSPACE_grant_table, XENMAPSPACE_gmfn = 0, 1, 2
XENMAPSPACE_gmfn_range, XENMAPSPACE_gmfn_foreign, XENMAPSPACE_dev_mmio = 3, 4, 5
XENMAPIDX_grant_table_status = 1 << 31

# -- grant_table_op (grant_table.h) --------------------------------------------------------
GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref, GNTTABOP_setup_table = 0, 1, 2
GNTTABOP_dump_table, GNTTABOP_transfer, GNTTABOP_copy, GNTTABOP_query_size = 3, 4, 5, 6
GNTTABOP_unmap_and_replace, GNTTABOP_set_version, GNTTABOP_get_status_frames = 7, 8, 9
GNTTABOP_get_version, GNTTABOP_swap_grant_ref, GNTTABOP_cache_flush = 10, 11, 12
GTF_invalid, GTF_permit_access, GTF_accept_transfer, GTF_transitive = 0, 1, 2, 3
GTF_type_mask = 3
GTF_readonly, GTF_reading, GTF_writing = 1 << 2, 1 << 3, 1 << 4
GNTMAP_device_map, GNTMAP_host_map, GNTMAP_readonly = 1, 2, 4
GNTMAP_application_map, GNTMAP_contains_pte = 8, 16
GNTCOPY_source_gref, GNTCOPY_dest_gref = 1, 2
GNTST_okay, GNTST_general_error, GNTST_bad_domain, GNTST_bad_gntref = 0, -1, -2, -3
GNTST_bad_handle, GNTST_bad_virt_addr, GNTST_bad_dev_addr, GNTST_no_device_space = -4, -5, -6, -7
GNTST_permission_denied, GNTST_bad_page, GNTST_bad_copy_arg, GNTST_address_too_big = -8, -9, -10, -11
GRANT_ENTRY_V1_SIZE = 8

# -- event_channel_op (event_channel.h) ------------------------------------------------------
EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_bind_pirq, EVTCHNOP_close = 0, 1, 2, 3
EVTCHNOP_send, EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi = 4, 5, 6, 7
EVTCHNOP_bind_vcpu, EVTCHNOP_unmask, EVTCHNOP_reset, EVTCHNOP_init_control = 8, 9, 10, 11
EVTCHNOP_expand_array, EVTCHNOP_set_priority, EVTCHNOP_reset_cont = 12, 13, 14
EVTCHNSTAT_closed, EVTCHNSTAT_unbound, EVTCHNSTAT_interdomain = 0, 1, 2
EVTCHNSTAT_pirq, EVTCHNSTAT_virq, EVTCHNSTAT_ipi = 3, 4, 5
EVTCHN_2L_NR_CHANNELS = 4096            # 64 words of 64 bits in shared_info
# xen.h VIRQs; the global ones are bound on vCPU 0 and may be moved by bind_vcpu
VIRQ_TIMER, VIRQ_DEBUG, VIRQ_CONSOLE, VIRQ_DOM_EXC = 0, 1, 2, 3
VIRQ_TBUF, VIRQ_DEBUGGER, VIRQ_XENOPROF, VIRQ_CON_RING = 4, 6, 7, 8
VIRQ_PCPU_STATE, VIRQ_MEM_EVENT, VIRQ_ARGO, VIRQ_ENOMEM, VIRQ_XENPMU = 9, 10, 11, 12, 13
NR_VIRQS = 24
GLOBAL_VIRQS = frozenset((VIRQ_CONSOLE, VIRQ_DOM_EXC, VIRQ_TBUF, VIRQ_XENOPROF, VIRQ_CON_RING,
                          VIRQ_PCPU_STATE, VIRQ_MEM_EVENT, VIRQ_ARGO, VIRQ_ENOMEM))

# -- sched_op (sched.h) ----------------------------------------------------------------------
SCHEDOP_yield, SCHEDOP_block, SCHEDOP_shutdown, SCHEDOP_poll = 0, 1, 2, 3
SCHEDOP_remote_shutdown, SCHEDOP_shutdown_code, SCHEDOP_watchdog, SCHEDOP_pin_override = 4, 5, 6, 7
SHUTDOWN_poweroff, SHUTDOWN_reboot, SHUTDOWN_suspend, SHUTDOWN_crash = 0, 1, 2, 3
SHUTDOWN_watchdog, SHUTDOWN_soft_reset = 4, 5
SCHED_POLL_MAX_PORTS = 128               # Xen: nr_ports > 128 is -EINVAL

# -- vcpu_op (vcpu.h) ------------------------------------------------------------------------
VCPUOP_initialise, VCPUOP_up, VCPUOP_down, VCPUOP_is_up = 0, 1, 2, 3
VCPUOP_get_runstate_info, VCPUOP_register_runstate_memory_area = 4, 5
VCPUOP_register_vcpu_info = 10
RUNSTATE_running, RUNSTATE_runnable, RUNSTATE_blocked, RUNSTATE_offline = 0, 1, 2, 3

# -- hvm_op (hvm/hvm_op.h, hvm/params.h) -------------------------------------------------------
HVMOP_set_param, HVMOP_get_param = 0, 1
HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN = 0, 1, 2
HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN = 17, 18
HVM_NR_PARAMS = 39
HVM_PARAM_CALLBACK_TYPE_PPI = 2
HVM_PARAM_CALLBACK_PPI_LEVEL_LOW = 0x2 << 8

# -- vm_assist (xen.h) -----------------------------------------------------------------------
VMASST_CMD_enable, VMASST_CMD_disable = 0, 1
VMASST_TYPE_runstate_update_flag = 5
VM_ASSIST_VALID_ARM = 1 << VMASST_TYPE_runstate_update_flag     # what Xen/arm accepts

# -- platform_op (platform.h) ------------------------------------------------------------------
XENPF_INTERFACE_VERSION = 0x03000001
XENPF_settime32, XENPF_settime64 = 17, 62

PAGE_SIZE = 4096


class Layout:
    """One structure: its size and its fields (name, offset, struct format).
    `unpack(data)` gives a dict of the fields, `pack(**fields)` the bytes
    (fields not given are zero); `field(name)` is (offset, format)."""

    def __init__(self, name: str, size: int, fields: List[Tuple[str, int, str]]):
        self.name = name
        self.size = size
        self.fields = fields
        self._by_name: Dict[str, Tuple[int, str]] = {f: (o, fmt) for f, o, fmt in fields}

    def field(self, name: str) -> Tuple[int, str]:
        return self._by_name[name]

    def unpack(self, data: bytes) -> Dict[str, object]:
        return {f: struct.unpack_from("<" + fmt, data, o)[0] for f, o, fmt in self.fields}

    def pack(self, **values) -> bytes:
        buf = bytearray(self.size)
        for f, o, fmt in self.fields:
            if f in values:
                struct.pack_into("<" + fmt, buf, o, values[f])
        return bytes(buf)

    def __repr__(self) -> str:
        return "Layout(%s, %d bytes)" % (self.name, self.size)


# u8 B, u16 H, i16 h, u32 I, i32 i, u64 Q (handles and xen_pfn_t / xen_ulong_t too)
LAYOUTS = {l.name: l for l in (
    Layout("vcpu_info", 48, [("evtchn_upcall_pending", 0, "B"), ("evtchn_upcall_mask", 1, "B"),
                             ("evtchn_pending_sel", 8, "Q")]),
    Layout("xen_feature_info", 8, [("submap_idx", 0, "I"), ("submap", 4, "I")]),
    Layout("xen_add_to_physmap", 24, [("domid", 0, "H"), ("size", 2, "H"), ("space", 4, "I"),
                                      ("idx", 8, "Q"), ("gpfn", 16, "Q")]),
    Layout("xen_add_to_physmap_range", 32, [("domid", 0, "H"), ("space", 2, "H"), ("size", 4, "H"),
                                            ("foreign_domid", 6, "H"), ("idxs", 8, "Q"),
                                            ("gpfns", 16, "Q"), ("errs", 24, "Q")]),
    Layout("gnttab_query_size", 16, [("dom", 0, "H"), ("nr_frames", 4, "I"),
                                     ("max_nr_frames", 8, "I"), ("status", 12, "h")]),
    Layout("gnttab_setup_table", 24, [("dom", 0, "H"), ("nr_frames", 4, "I"), ("status", 8, "h"),
                                      ("frame_list", 16, "Q")]),
    Layout("gnttab_set_version", 4, [("version", 0, "I")]),
    Layout("gnttab_get_version", 8, [("dom", 0, "H"), ("version", 4, "I")]),
    Layout("gnttab_map_grant_ref", 32, [("host_addr", 0, "Q"), ("flags", 8, "I"), ("ref", 12, "I"),
                                        ("dom", 16, "H"), ("status", 18, "h"), ("handle", 20, "I"),
                                        ("dev_bus_addr", 24, "Q")]),
    Layout("gnttab_unmap_grant_ref", 24, [("host_addr", 0, "Q"), ("dev_bus_addr", 8, "Q"),
                                          ("handle", 16, "I"), ("status", 20, "h")]),
    # source and dest: { union { u32 ref; xen_pfn_t gmfn } u @0; domid u16 @8; offset u16 @10 }
    Layout("gnttab_copy", 40, [("source_u", 0, "Q"), ("source_domid", 8, "H"),
                               ("source_offset", 10, "H"), ("dest_u", 16, "Q"),
                               ("dest_domid", 24, "H"), ("dest_offset", 26, "H"),
                               ("len", 32, "H"), ("flags", 34, "H"), ("status", 36, "h")]),
    Layout("grant_entry_v1", 8, [("flags", 0, "H"), ("domid", 2, "H"), ("frame", 4, "I")]),
    Layout("evtchn_alloc_unbound", 8, [("dom", 0, "H"), ("remote_dom", 2, "H"), ("port", 4, "I")]),
    Layout("evtchn_bind_interdomain", 12, [("remote_dom", 0, "H"), ("remote_port", 4, "I"),
                                           ("local_port", 8, "I")]),
    Layout("evtchn_bind_virq", 12, [("virq", 0, "I"), ("vcpu", 4, "I"), ("port", 8, "I")]),
    Layout("evtchn_bind_ipi", 8, [("vcpu", 0, "I"), ("port", 4, "I")]),
    Layout("evtchn_close", 4, [("port", 0, "I")]),
    Layout("evtchn_send", 4, [("port", 0, "I")]),
    Layout("evtchn_unmask", 4, [("port", 0, "I")]),
    Layout("evtchn_status", 24, [("dom", 0, "H"), ("port", 4, "I"), ("status", 8, "I"),
                                 ("vcpu", 12, "I"), ("u0", 16, "I"), ("u1", 20, "I")]),
    Layout("evtchn_bind_vcpu", 8, [("port", 0, "I"), ("vcpu", 4, "I")]),
    Layout("vcpu_register_vcpu_info", 16, [("mfn", 0, "Q"), ("offset", 8, "I"), ("rsvd", 12, "I")]),
    Layout("vcpu_register_runstate_memory_area", 8, [("addr", 0, "Q")]),
    # time[RUNSTATE_running, _runnable, _blocked, _offline], ns in each state
    Layout("vcpu_runstate_info", 48, [("state", 0, "i"), ("state_entry_time", 8, "Q"),
                                      ("time_running", 16, "Q"), ("time_runnable", 24, "Q"),
                                      ("time_blocked", 32, "Q"), ("time_offline", 40, "Q")]),
    Layout("sched_shutdown", 4, [("reason", 0, "I")]),
    Layout("sched_poll", 24, [("ports", 0, "Q"), ("nr_ports", 8, "I"), ("timeout", 16, "Q")]),
    Layout("xen_hvm_param", 16, [("domid", 0, "H"), ("index", 4, "I"), ("value", 8, "Q")]),
    Layout("xen_platform_op", 136, [("cmd", 0, "I"), ("interface_version", 4, "I")]),
    Layout("xenpf_settime64", 24, [("secs", 0, "Q"), ("nsecs", 8, "I"), ("mbz", 12, "I"),
                                   ("system_time", 16, "Q")]),
)}

# shared_info (arm32): vcpu_info[1] (XEN_LEGACY_MAX_VCPUS = 1 on ARM), the 2-level
# bitmaps, the wallclock
SHARED_INFO_VCPU_INFO = 0
SHARED_INFO_EVTCHN_PENDING = 48
SHARED_INFO_EVTCHN_MASK = 560
SHARED_INFO_WC_VERSION, SHARED_INFO_WC_SEC, SHARED_INFO_WC_NSEC = 1072, 1076, 1080
SHARED_INFO_WC_SEC_HI = 1084
XEN_LEGACY_MAX_VCPUS = 1
VCPU_INFO_SIZE = 48
VCPU_INFO_UPCALL_PENDING = 0
VCPU_INFO_PENDING_SEL = 8
