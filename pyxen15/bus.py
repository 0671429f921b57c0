"""The physical address space: RAM regions and memory-mapped devices.

The board fills it from its memory-map table.  RAM is a list of 4 KiB pages,
each an ``array('I')`` of 1024 little-endian words, allocated when first
touched: a large guest RAM costs host memory only where the guest uses it,
and the software TLB (mmu_lpae/tlb.py) hands the page arrays themselves to
the hot path.  Word arrays rather than byte views because indexing an array
is what both CPython and PyPy's JIT do fastest (a memoryview index costs
PyPy some 30 times more).  Devices are reached through one
``read(offset, size)`` / ``write(offset, size, value)`` entry each
(STYLE.md, 6).
"""

import bisect
import sys
from array import array
from typing import Callable, List, Optional, Tuple

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT


class BusError(Exception):
    """An access no slave decodes; the core turns it into an external abort."""

    def __init__(self, addr: int):
        super().__init__("no device at physical address 0x%08x" % addr)
        self.addr = addr


WORDS_PER_PAGE = PAGE_SIZE // 4
assert array("I").itemsize == 4 and sys.byteorder == "little", "RAM pages assume 32-bit little-endian words"


class Ram:
    def __init__(self, base: int, size: int, name: str = "ram"):
        if size % PAGE_SIZE:
            raise ValueError("RAM size must be a multiple of 4 KiB")
        self.base = base
        self.size = size
        self.name = name
        self.pages: List[Optional[array]] = [None] * (size >> PAGE_SHIFT)

    def page(self, index: int) -> array:
        """Page `index` as 1024 words, allocated (zeroed) on first use."""
        p = self.pages[index]
        if p is None:
            p = self.pages[index] = array("I", bytes(PAGE_SIZE))
        return p

    def read(self, off: int, size: int) -> int:
        if (off & 3) + size <= 4:
            word = self.page(off >> PAGE_SHIFT)[(off & (PAGE_SIZE - 1)) >> 2]
            return (word >> ((off & 3) * 8)) & ((1 << (8 * size)) - 1)
        return int.from_bytes(self.read_bytes(off, size), "little")

    def write(self, off: int, size: int, value: int) -> None:
        if (off & 3) + size <= 4:
            p = self.page(off >> PAGE_SHIFT)
            i = (off & (PAGE_SIZE - 1)) >> 2
            shift = (off & 3) * 8
            mask = ((1 << (8 * size)) - 1) << shift
            p[i] = (p[i] & ~mask & 0xFFFFFFFF) | ((value << shift) & mask)
        else:
            self.write_bytes(off, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))

    def read_bytes(self, off: int, n: int) -> bytes:
        out = bytearray()
        while n > 0:
            o = off & (PAGE_SIZE - 1)
            k = min(n, PAGE_SIZE - o)
            p = self.pages[off >> PAGE_SHIFT]
            out += memoryview(p).cast("B")[o:o + k] if p is not None else bytes(k)
            off += k
            n -= k
        return bytes(out)

    def write_bytes(self, off: int, data: bytes) -> None:
        pos = 0
        while pos < len(data):
            o = off & (PAGE_SIZE - 1)
            k = min(len(data) - pos, PAGE_SIZE - o)
            memoryview(self.page(off >> PAGE_SHIFT)).cast("B")[o:o + k] = data[pos:pos + k]
            off += k
            pos += k


class Bus:
    def __init__(self) -> None:
        self._bases: List[int] = []
        self._regions: List[Tuple[int, int, object]] = []   # (base, end, Ram or device)
        # on_ram_write(paddr, size) after every write into RAM through the
        # bus (not the page arrays the soft TLB hands out): the machine
        # drops the translated code it overwrites (machine.py)
        self.on_ram_write: Optional[Callable[[int, int], None]] = None

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

    def ram_page(self, paddr: int) -> Optional[array]:
        """The 4 KiB RAM page holding `paddr` as 1024 words, or None for a device."""
        region = self.find(paddr)
        if region is None or not isinstance(region[2], Ram):
            return None
        ram = region[2]
        return ram.page((paddr - ram.base) >> PAGE_SHIFT)

    # -- single accesses (the slow path, devices, loaders) -----------------------

    def read(self, addr: int, size: int) -> int:
        region = self.find(addr)
        if region is None or addr + size > region[1]:
            raise BusError(addr)
        base, _end, target = region
        return target.read(addr - base, size)

    def write(self, addr: int, size: int, value: int) -> None:
        region = self.find(addr)
        if region is None or addr + size > region[1]:
            raise BusError(addr)
        base, _end, target = region
        target.write(addr - base, size, value)
        if self.on_ram_write is not None and target.__class__ is Ram:
            self.on_ram_write(addr, size)

    # -- bulk access for loaders and debuggers (RAM only) -------------------------

    def load(self, addr: int, data: bytes) -> None:
        pos = 0
        while pos < len(data):
            region = self.find(addr + pos)
            if region is None or not isinstance(region[2], Ram):
                raise BusError(addr + pos)
            base, end, ram = region
            n = min(len(data) - pos, end - (addr + pos))
            ram.write_bytes(addr + pos - base, data[pos:pos + n])
            if self.on_ram_write is not None and n:
                self.on_ram_write(addr + pos, n)
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
                out += target.read_bytes(a - base, n)
            else:
                out.append(target.read(a - base, 1) & 0xFF)
        return bytes(out)
