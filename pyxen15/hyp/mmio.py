"""MMIO emulation: a stage-2 data abort on an IPA that belongs to an
emulated device becomes a call to that device (Xen's xen/arch/arm/io.c).

The access is described by the abort's syndrome (B3.13.6, HSR.ISS for a
Data Abort): with ISV = 1, SAS is the size (byte, halfword, word), SSE
says whether a load sign-extends, SRT is the register and WnR the
direction.  The faulting IPA is HPFAR.FIPA (IPA[39:12]) with the page
offset from HDFAR.  An access without a valid syndrome (ISV = 0: a load
or store multiple, a doubleword) is not emulated: the guest gets a Data
Abort, as Xen gives it.
"""

from bisect import bisect_right
from typing import List, Tuple

MASK32 = 0xFFFFFFFF


class MmioDispatcher:
    """IPA ranges -> devices with read(offset, size, vcpu) and
    write(offset, size, value, vcpu)."""

    def __init__(self):
        self.ranges: List[Tuple[int, int, object]] = []      # (base, end, device), sorted
        self._bases: List[int] = []

    def register(self, base: int, size: int, device) -> None:
        for b, e, _ in self.ranges:
            if base < e and b < base + size:
                raise ValueError("MMIO range 0x%x+0x%x overlaps 0x%x-0x%x" % (base, size, b, e))
        self.ranges.append((base, base + size, device))
        self.ranges.sort(key=lambda r: r[0])
        self._bases = [r[0] for r in self.ranges]

    def find(self, ipa: int):
        i = bisect_right(self._bases, ipa) - 1
        if i >= 0:
            base, end, device = self.ranges[i]
            if ipa < end:
                return base, device
        return None

    def handle(self, vcpu, dabt, ipa: int) -> bool:
        """Emulate the access `dabt` (a syndrome.Dabt with ISV = 1) at `ipa`
        for `vcpu`; False if no device is there."""
        found = self.find(ipa)
        if found is None:
            return False
        base, device = found
        size = 1 << dabt.sas
        if dabt.wnr:
            value = vcpu.get_reg(dabt.srt) & ((1 << (8 * size)) - 1)
            device.write(ipa - base, size, value, vcpu)
        else:
            value = device.read(ipa - base, size, vcpu) & ((1 << (8 * size)) - 1)
            if dabt.sse and value >> (8 * size - 1) & 1:
                value |= MASK32 & ~((1 << (8 * size)) - 1)
            vcpu.set_reg(dabt.srt, value)
        return True
