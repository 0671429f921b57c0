"""The physical address space: RAM regions and memory-mapped devices.

The board fills it from its memory-map table.  RAM is an anonymous mmap, so
a large guest RAM costs host memory only where the guest touches it; the
software TLB (mmu_lpae/tlb.py) hands out memoryviews of its pages to the hot
path.  Devices are reached through one ``read(offset, size)`` /
``write(offset, size, value)`` entry each (STYLE.md, 6).
"""

import bisect
import mmap
from typing import List, Optional, Tuple

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT


class BusError(Exception):
    """An access no slave decodes; the core turns it into an external abort."""

    def __init__(self, addr: int):
        super().__init__("no device at physical address 0x%08x" % addr)
        self.addr = addr


class Ram:
    def __init__(self, base: int, size: int, name: str = "ram"):
        if size % PAGE_SIZE:
            raise ValueError("RAM size must be a multiple of 4 KiB")
        self.base = base
        self.size = size
        self.name = name
        self.store = mmap.mmap(-1, size)
        self.view = memoryview(self.store)


class Bus:
    def __init__(self) -> None:
        self._bases: List[int] = []
        self._regions: List[Tuple[int, int, object]] = []   # (base, end, Ram or device)

    def add(self, base: int, size: int, target) -> None:
        for b, e, t in self._regions:
            if base < e and b < base + size:
                raise ValueError("region at 0x%08x overlaps %r" % (base, t))
        i = bisect.bisect(self._bases, base)
        self._bases.insert(i, base)
        self._regions.insert(i, (base, base + size, target))

    def find(self, addr: int) -> Optional[Tuple[int, int, object]]:
        i = bisect.bisect(self._bases, addr) - 1
        if i >= 0:
            region = self._regions[i]
            if addr < region[1]:
                return region
        return None

    def ram_page(self, paddr: int) -> Optional[memoryview]:
        """The 4 KiB RAM page holding `paddr` as bytes, or None for a device."""
        region = self.find(paddr)
        if region is None or not isinstance(region[2], Ram):
            return None
        ram = region[2]
        off = (paddr - ram.base) & ~(PAGE_SIZE - 1)
        return ram.view[off:off + PAGE_SIZE]

    # -- single accesses (the slow path, devices, loaders) -----------------------

    def read(self, addr: int, size: int) -> int:
        region = self.find(addr)
        if region is None or addr + size > region[1]:
            raise BusError(addr)
        base, _end, target = region
        if isinstance(target, Ram):
            off = addr - base
            return int.from_bytes(target.view[off:off + size], "little")
        return target.read(addr - base, size)

    def write(self, addr: int, size: int, value: int) -> None:
        region = self.find(addr)
        if region is None or addr + size > region[1]:
            raise BusError(addr)
        base, _end, target = region
        if isinstance(target, Ram):
            off = addr - base
            target.view[off:off + size] = (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
        else:
            target.write(addr - base, size, value)

    # -- bulk access for loaders and debuggers (RAM only) -------------------------

    def load(self, addr: int, data: bytes) -> None:
        pos = 0
        while pos < len(data):
            region = self.find(addr + pos)
            if region is None or not isinstance(region[2], Ram):
                raise BusError(addr + pos)
            base, end, ram = region
            n = min(len(data) - pos, end - (addr + pos))
            off = addr + pos - base
            ram.view[off:off + n] = data[pos:pos + n]
            pos += n

    def dump(self, addr: int, size: int) -> bytes:
        out = bytearray()
        while len(out) < size:
            a = addr + len(out)
            region = self.find(a)
            if region is None:
                raise BusError(a)
            base, end, target = region
            if isinstance(target, Ram):
                n = min(size - len(out), end - a)
                out += target.view[a - base:a - base + n]
            else:
                out.append(target.read(a - base, 1) & 0xFF)
        return bytes(out)
