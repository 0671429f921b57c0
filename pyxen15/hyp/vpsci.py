"""PSCI 1.1 and the SMCCC queries, for HVC #0 (and SMC #0 under HCR.TSC),
as Xen's xen/arch/arm/vpsci.c and vsmc.c answer them (function IDs and
return codes: ARM DEN 0022D and DEN 0028; the 32-bit calling convention).

The function ID is in r0, arguments in r1-r3, the result goes in r0.
"""

from .vcpu import OFFLINE

PSCI_VERSION = 0x84000000
PSCI_CPU_SUSPEND = 0x84000001
PSCI_CPU_OFF = 0x84000002
PSCI_CPU_ON = 0x84000003
PSCI_AFFINITY_INFO = 0x84000004
PSCI_MIGRATE = 0x84000005
PSCI_MIGRATE_INFO_TYPE = 0x84000006
PSCI_MIGRATE_INFO_UP_CPU = 0x84000007
PSCI_SYSTEM_OFF = 0x84000008
PSCI_SYSTEM_RESET = 0x84000009
PSCI_FEATURES = 0x8400000A
SMCCC_VERSION = 0x80000000
SMCCC_ARCH_FEATURES = 0x80000001

PSCI_SUCCESS, PSCI_NOT_SUPPORTED, PSCI_INVALID_PARAMETERS = 0, -1, -2
PSCI_DENIED, PSCI_ALREADY_ON, PSCI_ON_PENDING, PSCI_INTERNAL_FAILURE = -3, -4, -5, -6
AFFINITY_ON, AFFINITY_OFF = 0, 1
MIGRATE_INFO_NOT_PRESENT = 2      # no Trusted OS: nothing to migrate
PSCI_1_1 = 0x00010001
SMCCC_1_1 = 0x00010001

MASK32 = 0xFFFFFFFF


def handle(hv, core, vcpu) -> str:
    """Answer the call in r0.  Returns "eret" (back to the guest), "off"
    (the vCPU went off: its core idles) or "stop" (the run ends)."""
    fid = vcpu.get_reg(0)
    entry = CALLS.get(fid)
    if entry is None:
        vcpu.set_reg(0, PSCI_NOT_SUPPORTED)
        return "eret"
    return entry(hv, core, vcpu)


def _ret(vcpu, value: int) -> str:
    vcpu.set_reg(0, value & MASK32)
    return "eret"


def _version(hv, core, vcpu):
    return _ret(vcpu, PSCI_1_1)


def _cpu_on(hv, core, vcpu):
    """CPU_ON(target MPIDR, entry point, context ID): the vCPU with Aff0 =
    target starts at the entry (Thumb if bit 0), r0 = context ID."""
    target, entry, context = vcpu.get_reg(1), vcpu.get_reg(2), vcpu.get_reg(3)
    domain = vcpu.domain
    vid = target & 0xFF
    if target & 0x00FFFF00 or vid >= len(domain.vcpus):
        return _ret(vcpu, PSCI_INVALID_PARAMETERS)
    other = domain.vcpus[vid]
    if other.state != OFFLINE:
        return _ret(vcpu, PSCI_ALREADY_ON)
    if other.pcpu is None:
        return _ret(vcpu, PSCI_INTERNAL_FAILURE)
    hv.start_vcpu(other, entry & ~1, r0=context, thumb=bool(entry & 1))
    return _ret(vcpu, PSCI_SUCCESS)


def _cpu_off(hv, core, vcpu):
    hv.stop_vcpu(vcpu)
    return "off"


def _affinity_info(hv, core, vcpu):
    target, level = vcpu.get_reg(1), vcpu.get_reg(2)
    vid = target & 0xFF
    if level != 0 or target & 0x00FFFF00 or vid >= len(vcpu.domain.vcpus):
        return _ret(vcpu, PSCI_INVALID_PARAMETERS)
    return _ret(vcpu, AFFINITY_OFF if vcpu.domain.vcpus[vid].state == OFFLINE else AFFINITY_ON)


def _migrate_info_type(hv, core, vcpu):
    return _ret(vcpu, MIGRATE_INFO_NOT_PRESENT)


def _system_off(hv, core, vcpu):
    hv.shutdown(vcpu.domain, 0, vcpu)
    return "off" if vcpu.core is None else _ret(vcpu, PSCI_SUCCESS)


def _system_reset(hv, core, vcpu):
    hv.shutdown(vcpu.domain, 1, vcpu)
    return "off" if vcpu.core is None else _ret(vcpu, PSCI_SUCCESS)


def _features(hv, core, vcpu):
    fid = vcpu.get_reg(1)
    return _ret(vcpu, PSCI_SUCCESS if fid in CALLS else PSCI_NOT_SUPPORTED)


def _smccc_version(hv, core, vcpu):
    return _ret(vcpu, SMCCC_1_1)


def _smccc_arch_features(hv, core, vcpu):
    """No firmware workarounds are needed on the model: every one is NOT_SUPPORTED,
    except the queries of SMCCC itself."""
    fid = vcpu.get_reg(1)
    return _ret(vcpu, PSCI_SUCCESS if fid in (SMCCC_VERSION, SMCCC_ARCH_FEATURES) else PSCI_NOT_SUPPORTED)


CALLS = {
    PSCI_VERSION: _version,
    PSCI_CPU_OFF: _cpu_off,
    PSCI_CPU_ON: _cpu_on,
    PSCI_AFFINITY_INFO: _affinity_info,
    PSCI_MIGRATE_INFO_TYPE: _migrate_info_type,
    PSCI_SYSTEM_OFF: _system_off,
    PSCI_SYSTEM_RESET: _system_reset,
    PSCI_FEATURES: _features,
    SMCCC_VERSION: _smccc_version,
    SMCCC_ARCH_FEATURES: _smccc_arch_features,
}
