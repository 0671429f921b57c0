"""Copies between the hypervisor and a guest's memory (Xen's
xen/arch/arm/guestcopy.c).

Every pointer a guest passes in a hypercall is a virtual address of the
calling vCPU.  It is translated as the guest's own access would be: stage 1
through the vCPU's SCTLR/TTBCR/TTBRs, with the walk's table reads
themselves going through stage 2 (the MMU's walk code, mmu_lpae/walk.py,
called directly so the soft TLB is neither consulted nor filled), then the
IPA through the domain's p2m.  Permissions are those of a PL1 access (a
read for copy_from_guest, a write for copy_to_guest; stage 2 must allow
the write too).  The copy goes page by page, since consecutive virtual
pages need not be consecutive anywhere else, and only to RAM: a p2m entry
naming a device, or nothing, is a fault, so no guest value reaches memory
outside its p2m or the hypervisor's own.

A failed translation raises GuestFault, which the hypercall dispatcher
turns into -XEN_EFAULT.  The hypervisor's stores into guest RAM clear the
exclusive monitors on what they touch (A3.4.5): a guest LDREX/STREX that
straddles the store must fail, or the store would be lost.
"""

from ..mmu_lpae.faults import GuestFault as _MMUFault

PAGE = 4096
MASK32 = 0xFFFFFFFF


class GuestFault(Exception):
    """A guest address that does not translate to the domain's RAM."""

    def __init__(self, va: int, why: str):
        super().__init__("guest address 0x%x: %s" % (va, why))
        self.va = va


def _ipa(vcpu, va: int, write: bool) -> int:
    core = vcpu.core
    if core is None:
        raise GuestFault(va, "vCPU not running (its stage 1 is not on a core)")
    try:
        return core.tlb.mmu.stage1(va, write, False, False).pa
    except _MMUFault as fault:
        raise GuestFault(va, "stage-1 %s" % fault.fault.kind) from None


def ipa_to_pa(domain, ipa: int, write: bool) -> int:
    """The PA of guest-physical `ipa` in `domain`'s RAM (GuestFault if the
    p2m has none, maps a device there, or is read-only for a write)."""
    entry = domain.p2m.lookup(ipa)
    if entry is None:
        raise GuestFault(ipa, "no p2m entry")
    pa, writable = entry
    if write and not writable:
        raise GuestFault(ipa, "p2m read-only")
    if domain.hv.machine.bus.ram_page(pa) is None:
        raise GuestFault(ipa, "p2m entry is not RAM")
    return pa


def translate(vcpu, va: int, write: bool) -> int:
    """The PA of guest virtual address `va` for an access by the hypervisor
    on the vCPU's behalf."""
    return ipa_to_pa(vcpu.domain, _ipa(vcpu, va & MASK32, write), write)


def _pieces(vcpu, va: int, n: int, write: bool):
    """(pa, length) of each page the n bytes at `va` touch; all translated
    before any byte moves, so a fault copies nothing."""
    if n < 0:
        raise GuestFault(va, "negative length")
    if va + n > 1 << 32:
        raise GuestFault(va, "wraps the 32-bit address space")
    out = []
    while n:
        step = min(n, PAGE - (va & (PAGE - 1)))
        out.append((translate(vcpu, va, write), step))
        va += step
        n -= step
    return out


def copy_from_guest(vcpu, va: int, n: int) -> bytes:
    mem = vcpu.domain.hv.machine.mem
    return b"".join(mem.read(pa, step) for pa, step in _pieces(vcpu, va, n, False))


def copy_to_guest(vcpu, va: int, data: bytes) -> None:
    pos = 0
    for pa, step in _pieces(vcpu, va, len(data), True):
        write_phys(vcpu.domain.hv.machine, pa, data[pos:pos + step])
        pos += step


def write_phys(machine, pa: int, data: bytes) -> None:
    """A hypervisor store to RAM: the bytes, then every core's reservation
    on the granules they cover is lost (as another observer's store)."""
    machine.mem.write(pa, data)
    seen = set()
    for core in machine.cpus:
        mon = core.monitor
        if id(mon) not in seen:
            seen.add(id(mon))
            mon.observe_store(-1, pa, len(data))


def read_phys(machine, pa: int, n: int) -> bytes:
    return machine.mem.read(pa, n)
