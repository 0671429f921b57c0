"""A translation walk, shown descriptor by descriptor (the GDB stub's
`monitor walk VA`, the debugger's `walk VA`).

The walk is the MMU's own (mmu_lpae/walk.py) in the regime the core is in,
with ``MMU.trace`` collecting every descriptor it reads; nothing is
cached and no guest state changes.  Each descriptor is printed with its
stage, level, physical address and fields (ARM ARM B3.5.1 short-descriptor,
B3.6.1 long-descriptor stage 1, B3.6.x stage 2), then the result: the
physical address and memory attributes, or the fault with its level and
stage.
"""

from typing import List, Optional

from ..cpu.state import MODE_HYP, MODE_USR
from ..mmu_lpae.faults import GuestFault


def _bits(desc: int, *fields) -> str:
    """'name=value' for (name, lsb, width) fields."""
    return " ".join("%s=%d" % (name, desc >> lsb & ((1 << width) - 1)) for name, lsb, width in fields)


def describe_long(stage: int, level: int, desc: int) -> str:
    """A long-descriptor (LPAE) entry, stage 1 or stage 2."""
    if not desc & 1 or (level == 3 and not desc & 2):
        return "invalid"
    oa = desc & 0xFFFFFFF000
    if level < 3 and desc & 2:
        if stage == 1:
            return "table -> 0x%x %s" % (oa, _bits(desc, ("NSTable", 63, 1), ("APTable", 61, 2),
                                                   ("XNTable", 60, 1), ("PXNTable", 59, 1)))
        return "table -> 0x%x" % oa
    kind = "page" if level == 3 else "block"
    if stage == 1:
        fields = _bits(desc, ("AttrIndx", 2, 3), ("NS", 5, 1), ("AP", 6, 2), ("SH", 8, 2),
                       ("AF", 10, 1), ("nG", 11, 1), ("Contiguous", 52, 1), ("PXN", 53, 1),
                       ("XN", 54, 1))
    else:
        fields = _bits(desc, ("MemAttr", 2, 4), ("S2AP", 6, 2), ("SH", 8, 2), ("AF", 10, 1),
                       ("Contiguous", 52, 1), ("XN", 54, 1))
    return "%s -> 0x%x %s" % (kind, oa, fields)


def describe_short(level: int, desc: int) -> str:
    """A short-descriptor entry (B3.5.1)."""
    kind = desc & 3
    if level == 1:
        if kind == 0 or kind == 3 and not desc & 2:
            return "fault"
        if kind == 1:
            return "page table -> 0x%x %s" % (desc & 0xFFFFFC00, _bits(desc, ("NS", 3, 1), ("PXN", 2, 1),
                                                                       ("Domain", 5, 4)))
        common = _bits(desc, ("B", 2, 1), ("C", 3, 1), ("XN", 4, 1), ("AP", 10, 2), ("TEX", 12, 3),
                       ("AP2", 15, 1), ("S", 16, 1), ("nG", 17, 1), ("NS", 19, 1), ("PXN", 0, 1))
        if desc >> 18 & 1:
            return "supersection -> 0x%x %s" % (desc & 0xFF000000, common)
        return "section -> 0x%x Domain=%d %s" % (desc & 0xFFF00000, desc >> 5 & 0xF, common)
    if kind == 0:
        return "fault"
    if kind == 1:
        return "large page -> 0x%x %s" % (desc & 0xFFFF0000, _bits(
            desc, ("B", 2, 1), ("C", 3, 1), ("AP", 4, 2), ("AP2", 9, 1), ("S", 10, 1), ("nG", 11, 1),
            ("TEX", 12, 3), ("XN", 15, 1)))
    return "small page -> 0x%x %s" % (desc & 0xFFFFF000, _bits(
        desc, ("XN", 0, 1), ("B", 2, 1), ("C", 3, 1), ("AP", 4, 2), ("TEX", 6, 3), ("AP2", 9, 1),
        ("S", 10, 1), ("nG", 11, 1)))


def walk_lines(core, va: int, write: bool = False, fetch: bool = False, guest: bool = False) -> List[str]:
    """The walk of `va` in the core's current regime, as lines of text;
    with `guest`, in HYP mode, the PL1&0 regime of the guest that trapped
    (at the privilege SPSR_hyp says it had): stage 1, then stage 2 under
    HCR.VM, as the hypervisor reading a guest pointer walks it."""
    va &= 0xFFFFFFFF
    if guest and core.mode == MODE_HYP:
        hyp, user = False, core.spsr & 0x1F == MODE_USR
    else:
        hyp, user = core.mode == MODE_HYP, core.mode == MODE_USR
    mmu = core.tlb.mmu
    access = "fetch" if fetch else ("write" if write else "read")
    out = ["walk 0x%08x (%s, %s regime%s)" % (va, access, "HYP" if hyp else "PL1&0",
                                               ", PL0" if user else "")]
    if mmu is None:
        return out + ["no MMU: PA = VA"]
    mmu.trace = trace = []
    try:
        m = mmu.translate(va, write, fetch, user, hyp)
        fault = None
    except GuestFault as err:
        m, fault = None, err.fault
    finally:
        mmu.trace = None
    if not trace and fault is None:
        out.append("translation off in this regime (flat map)")
    for stage, level, addr, size, desc in trace:
        text = describe_long(stage, level, desc) if size == 8 else describe_short(level, desc)
        out.append("  stage %d level %d  desc @0x%010x = 0x%0*x  %s" % (stage, level, addr, size * 2, desc, text))
    if fault is not None:
        out.append("fault: %s at level %d, stage %d%s%s" % (
            fault.kind, fault.level, fault.stage, "" if fault.ipa is None else ", IPA 0x%x" % fault.ipa,
            ", on the stage-1 walk" if fault.s1ptw else ""))
    else:
        out.append("-> PA 0x%010x, %s, attributes 0x%02x, shareability %d" % (
            m.pa, "Device" if m.device else "Normal", m.attr, m.sh))
    return out


def debugger_pa(machine, core, va: int, write: bool, guest: bool = False) -> Optional[int]:
    """The physical address of `va` in the core's current regime for a
    debugger's access (with `guest`, in HYP mode: the trapped guest's
    PL1&0 regime, as walk_lines): walked without filling the soft TLB;
    None when it faults, or is not RAM (a device read could change the
    device)."""
    try:
        if guest and core.mode == MODE_HYP:
            m = core.tlb.mmu.translate(va & 0xFFFFFFFF, write, False, core.spsr & 0x1F == MODE_USR, False)
        else:
            m = core.tlb.walk(core.tlb.cur, va & 0xFFFFFFFF, write, False)
    except GuestFault:
        return None
    ram = machine.ram
    return m.pa if ram.base <= m.pa < ram.base + ram.size else None


def read_virtual(machine, core, va: int, length: int, guest: bool = False) -> Optional[bytes]:
    """Bytes at virtual `va` as the core sees them (up to the first page
    that does not translate to RAM; None if the first does not)."""
    out = b""
    while length > 0:
        n = min(length, 0x1000 - (va & 0xFFF))
        pa = debugger_pa(machine, core, va, False, guest)
        if pa is None:
            return out if out else None
        out += machine.mem.read(pa, n)
        va, length = (va + n) & 0xFFFFFFFF, length - n
    return out
