"""xen_version (xen/common/kernel.c do_xen_version): r0 = XENVER_* command,
r1 = the guest buffer it fills.

The hypervisor says it is Xen 4.17, and gives a domain the feature bits
Xen 4.17 gives it on ARM (Debian's Xen 4.17 reports 0x00026805 to dom0):
auto-translated physmap (grants without setup_table), the dom0 bit for
the hardware domain, SMCCC, and direct-mapped (dom0's RAM is IPA == PA,
which makes Linux use swiotlb-xen) or not-direct-mapped (every other
domain).
"""

import struct

from .errno import XEN_EINVAL, XEN_ENODATA, XEN_EPERM
from .hypercall import Call, subop
from .xen_public import (PAGE_SIZE, XEN_CAPABILITIES_INFO_LEN, XEN_CHANGESET_INFO_LEN,
                         XEN_COMMANDLINE_LEN, XEN_EXTRAVERSION_LEN, XEN_MAJOR, XEN_MINOR,
                         XENFEAT_ARM_SMCCC_supported, XENFEAT_auto_translated_physmap,
                         XENFEAT_direct_mapped, XENFEAT_dom0, XENFEAT_hvm_safe_pvclock,
                         XENFEAT_not_direct_mapped, XENFEAT_writable_page_tables,
                         XENVER_build_id, XENVER_capabilities, XENVER_changeset,
                         XENVER_commandline, XENVER_compile_info, XENVER_extraversion,
                         XENVER_get_features, XENVER_guest_handle, XENVER_pagesize,
                         XENVER_platform_parameters, XENVER_version)

EXTRAVERSION = b".0-pyxen15"
CAPABILITIES = b"xen-3.0-armv7l "           # what Xen/arm32 reports: one ABI, 32-bit
CHANGESET = b"pyxen15 Python hypervisor"
# xen_compile_info: compiler[64], compile_by[16], compile_domain[32], compile_date[32]
COMPILE_INFO = struct.pack("<64s16s32s32s", b"Python", b"pyxen15", b"", b"")


def features(domain) -> int:
    """XENVER_get_features submap 0 for `domain` (xen/common/kernel.c)."""
    bits = (1 << XENFEAT_writable_page_tables | 1 << XENFEAT_auto_translated_physmap
            | 1 << XENFEAT_hvm_safe_pvclock | 1 << XENFEAT_ARM_SMCCC_supported)
    if domain.is_hardware_domain:
        bits |= 1 << XENFEAT_dom0 | 1 << XENFEAT_direct_mapped
    else:
        bits |= 1 << XENFEAT_not_direct_mapped
    return bits


def _string(call: Call, value: bytes, size: int) -> int:
    call.write(call.args[1], value[:size - 1].ljust(size, b"\0"))
    return 0


def version(call: Call) -> int:
    return XEN_MAJOR << 16 | XEN_MINOR


def get_features(call: Call) -> int:
    fi = call.read_struct("xen_feature_info", call.args[1])
    if fi["submap_idx"] != 0:                  # XENFEAT_NR_SUBMAPS = 1
        return -XEN_EINVAL
    call.write_field("xen_feature_info", call.args[1], "submap", features(call.domain))
    return 0


def platform_parameters(call: Call) -> int:
    # xen_platform_parameters { xen_ulong_t virt_start }: an auto-translated ARM
    # guest has no hypervisor hole in its address space
    call.write(call.args[1], struct.pack("<Q", 0))
    return 0


def guest_handle(call: Call) -> int:
    # the domain's xen_domain_handle_t (a UUID the toolstack gives; none here)
    call.write(call.args[1], bytes(16))
    return 0


def commandline(call: Call) -> int:
    if not call.domain.is_hardware_domain:
        return -XEN_EPERM
    return _string(call, b"", XEN_COMMANDLINE_LEN)


XENVER_OPS = {
    XENVER_version: ("version", version),
    XENVER_extraversion: ("extraversion", lambda c: _string(c, EXTRAVERSION, XEN_EXTRAVERSION_LEN)),
    XENVER_compile_info: ("compile_info", lambda c: (c.write(c.args[1], COMPILE_INFO), 0)[1]),
    XENVER_capabilities: ("capabilities",
                          lambda c: _string(c, CAPABILITIES, XEN_CAPABILITIES_INFO_LEN)),
    XENVER_changeset: ("changeset", lambda c: _string(c, CHANGESET, XEN_CHANGESET_INFO_LEN)),
    XENVER_platform_parameters: ("platform_parameters", platform_parameters),
    XENVER_get_features: ("get_features", get_features),
    XENVER_pagesize: ("pagesize", lambda c: PAGE_SIZE),
    XENVER_guest_handle: ("guest_handle", guest_handle),
    XENVER_commandline: ("commandline", commandline),
    XENVER_build_id: ("build_id", lambda c: -XEN_ENODATA),     # no build id in this "binary"
}


def do_xen_version(call: Call) -> int:
    return subop(call, XENVER_OPS, call.args[0])
