"""Building translation tables in guest memory from Python.

For the tests, the benchmark's translated variants (``pyxen15 bench
--all``) and anyone at a prompt: descriptors are plain values (the bit
layouts of B3.5 and B3.6), written through the machine's physical memory.
Nothing here is on the translation path; the MMU (walk.py) reads whatever
the guest memory holds.
"""

from typing import Dict

# LPAE block/page attributes (B3.6.2): AttrIndx[2:0] at 4:2, AP[2:1] at 7:6, SH at 9:8, AF
LPAE_AF = 1 << 10
LPAE_NG = 1 << 11
LPAE_XN = 1 << 54
LPAE_PXN = 1 << 53
# stage 2: MemAttr[3:0] at 5:2, S2AP at 7:6
S2_NORMAL = 0xF << 2          # Normal, Outer and Inner Write-Back
S2_DEVICE = 0x1 << 2          # Device
S2AP_RW = 3 << 6


def lpae_attrs(attr_index: int = 0, ap: int = 0, sh: int = 3, af: bool = True) -> int:
    """The low attribute bits of a stage-1 long-descriptor block or page."""
    return (attr_index << 2) | (ap << 6) | (sh << 8) | (LPAE_AF if af else 0)


def s2_attrs(memattr: int = 0xF, s2ap: int = 3, sh: int = 3, af: bool = True) -> int:
    return (memattr << 2) | (s2ap << 6) | (sh << 8) | (LPAE_AF if af else 0)


class TableWriter:
    """Allocates tables from a region of guest physical memory and writes
    descriptors into them through `mem` (Machine.mem: physical memory)."""

    def __init__(self, mem, base: int, size: int):
        self.mem = mem
        self.base = base
        self.end = base + size
        self.next = base
        self.pending: Dict[int, int] = {}         # address -> 32-bit word, written by flush()

    def alloc(self, size: int, align: int = 0x1000) -> int:
        addr = (self.next + align - 1) & ~(align - 1)
        if addr + size > self.end:
            raise ValueError("translation table region full")
        self.next = addr + size
        return addr

    def word(self, addr: int, value: int) -> None:
        self.pending[addr] = value & 0xFFFFFFFF

    def dword(self, addr: int, value: int) -> None:
        self.word(addr, value)
        self.word(addr + 4, value >> 32)

    def flush(self) -> None:
        """Write the descriptors, a page at a time."""
        pages: Dict[int, bytearray] = {}
        for addr in sorted(self.pending):
            base = addr & ~0xFFF
            page = pages.get(base)
            if page is None:
                page = pages[base] = bytearray(self.mem.read(base, 0x1000))
            page[addr & 0xFFF:(addr & 0xFFF) + 4] = self.pending[addr].to_bytes(4, "little")
        for base, data in pages.items():
            self.mem.write(base, bytes(data))
        self.pending.clear()


class LpaeTables:
    """A long-descriptor table tree (stage 1 with T0SZ = 0, or stage 2 with a
    32-bit IPA space and SL0 = 1: both start at level 1 with 4 entries) on
    which 4 KiB pages, 2 MiB and 1 GiB blocks are set one at a time.  Tables
    are allocated as needed and zeroed (every entry invalid).

    Pages are written into a dict first: call ``writer.flush()`` once done."""

    def __init__(self, writer: TableWriter):
        self.w = writer
        self.root = writer.alloc(32, 32)
        self._zero(self.root, 32)
        self._tables: Dict[tuple, int] = {}

    def _zero(self, addr: int, size: int) -> None:
        for a in range(addr, addr + size, 4):
            self.w.word(a, 0)

    def _table(self, level: int, va: int) -> int:
        """The table at `level` (2 or 3) covering `va`, created if missing."""
        key = (level, va >> (30 if level == 2 else 21))
        t = self._tables.get(key)
        if t is None:
            parent = self.root if level == 2 else self._table(2, va)
            shift = 30 if level == 2 else 21
            index = (va >> shift) & (3 if level == 2 else 0x1FF)
            t = self._tables[key] = self.w.alloc(0x1000)
            self._zero(t, 0x1000)
            self.w.dword(parent + 8 * index, t | 3)
        return t

    def page(self, va: int, pa: int, attrs: int) -> None:
        t = self._table(3, va)
        self.w.dword(t + 8 * ((va >> 12) & 0x1FF), (pa & ~0xFFF) | attrs | 3)

    def block_2m(self, va: int, pa: int, attrs: int) -> None:
        t = self._table(2, va)
        self.w.dword(t + 8 * ((va >> 21) & 0x1FF), (pa & ~0x1FFFFF) | attrs | 1)

    def block_1g(self, va: int, pa: int, attrs: int) -> None:
        self.w.dword(self.root + 8 * ((va >> 30) & 3), (pa & ~0x3FFFFFFF) | attrs | 1)

    def raw(self, level: int, va: int, desc: int) -> None:
        """Any descriptor value at the entry for `va` at `level` (1-3)."""
        if level == 1:
            self.w.dword(self.root + 8 * ((va >> 30) & 3), desc)
        else:
            t = self._table(level, va)
            shift = 21 if level == 2 else 12
            self.w.dword(t + 8 * ((va >> shift) & 0x1FF), desc)


class ShortTables:
    """A short-descriptor first-level table (TTBCR.N = 0, 16 KiB) with
    sections, supersections and second-level tables of small pages."""

    def __init__(self, writer: TableWriter):
        self.w = writer
        self.root = writer.alloc(0x4000, 0x4000)
        for a in range(self.root, self.root + 0x4000, 4):
            writer.word(a, 0)
        self._l2: Dict[int, int] = {}

    def section(self, va: int, pa: int, bits: int) -> None:
        """A 1 MiB section; `bits` hold AP, TEX, C, B, XN, domain, nG, S..."""
        self.w.word(self.root + 4 * (va >> 20), (pa & 0xFFF00000) | bits | 2)

    def first_level(self, va: int, desc: int) -> None:
        self.w.word(self.root + 4 * (va >> 20), desc)

    def small_page(self, va: int, pa: int, bits: int, domain: int = 0, l1_bits: int = 0) -> None:
        t = self._l2.get(va >> 20)
        if t is None:
            t = self._l2[va >> 20] = self.w.alloc(0x400, 0x400)
            for a in range(t, t + 0x400, 4):
                self.w.word(a, 0)
            self.w.word(self.root + 4 * (va >> 20), t | (domain << 5) | l1_bits | 1)
        self.w.word(t + 4 * ((va >> 12) & 0xFF), (pa & 0xFFFFF000) | bits | 2)
