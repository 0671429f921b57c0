"""The software TLB: virtual page -> host view of a RAM page.

Translated code calls ``ld32(va)``, ``st8(va, v)`` and friends.  Their fast
path is one dictionary lookup keyed by the virtual page number that yields
the physical RAM page as an array of 32-bit words (bus.py), so an aligned
RAM access costs a lookup and an index; bytes and halfwords are shifted out
of (or merged into) their word.  Everything else takes the slow path:
a miss walks the current translation regime (``translate``), unaligned
accesses are split, devices go to the bus, and faults are raised as
GuestFault for the core.

Pages holding translated code are never entered in the write-side tables:
a store to one takes the slow path, which tells the engine to drop the
blocks on that page before the store lands if it touches translated bytes
(the zImage decompressor and module loading write code that later runs).
Code is tracked in 64-byte lines, so data that shares a page with code
(small guests link .data right after .text) costs a slow-path store, not
a retranslation.

Flushes clear the tables in place, because translated blocks hold the
accessor closures and the closures hold the tables.
"""

from array import array
from typing import Callable, Dict

from ..bus import Bus, BusError, PAGE_SHIFT
from .faults import ALIGNMENT, EXTERNAL, Fault, GuestFault

PAGE_MASK = (1 << PAGE_SHIFT) - 1
CODE_LINE_SHIFT = 6


def identity_translate(va: int, write: bool, fetch: bool, user: bool) -> int:
    """The flat map of a core with its MMU off (B3.2)."""
    return va


class SoftTLB:
    def __init__(self, bus: Bus):
        self.bus = bus
        self.translate: Callable[[int, bool, bool, bool], int] = identity_translate
        self.rd: Dict[int, array] = {}               # virtual page -> RAM page (words), for loads
        self.wr: Dict[int, array] = {}               # the same, for stores
        # pages that hold translated code: virtual page -> (words, physical page);
        # a store there checks the code lines before it lands (store_mixed)
        self.wr_code: Dict[int, tuple] = {}
        self.itlb: Dict[int, int] = {}               # virtual page -> physical page number
        # virtual PC | ISA state -> translated block: the engine's front cache,
        # valid exactly as long as the instruction-side translations are
        self.vblocks: Dict[int, tuple] = {}
        # physical page number -> bit mask of its 64-byte lines holding translated code
        self.code_lines: Dict[int, int] = {}
        self.on_code_write: Callable[[int], None] = lambda ppage: None
        self.strict_alignment = False                # SCTLR.A
        self.big_endian = False                      # CPSR.E: all data accesses take the slow path
        self._tables = (self.rd, self.wr, self.wr_code, self.itlb, self.vblocks)
        self.accessors = self._make_accessors()

    def flush(self) -> None:
        for t in self._tables:
            t.clear()

    def flush_writes(self) -> None:
        self.wr.clear()

    def mark_code(self, pa: int, size: int) -> None:
        """Record that [pa, pa+size) (within one page) holds translated code."""
        ppage = pa >> PAGE_SHIFT
        first = (pa & PAGE_MASK) >> CODE_LINE_SHIFT
        last = ((pa + size - 1) & PAGE_MASK) >> CODE_LINE_SHIFT
        lines = ((2 << (last - first)) - 1) << first
        old = self.code_lines.get(ppage)
        if old is None:
            self.flush_writes()          # the page must now take the slow path for stores
            old = 0
        self.code_lines[ppage] = old | lines

    def writes_code(self, pa: int, size: int) -> bool:
        lines = self.code_lines.get(pa >> PAGE_SHIFT)
        if lines is None:
            return False
        first = (pa & PAGE_MASK) >> CODE_LINE_SHIFT
        last = ((pa + size - 1) & PAGE_MASK) >> CODE_LINE_SHIFT
        return bool(lines >> first & ((2 << (last - first)) - 1))

    # -- instruction side -----------------------------------------------------------

    def fetch_page(self, va: int) -> int:
        """The physical page number that instruction fetches from `va` read."""
        vp = va >> PAGE_SHIFT
        pp = self.itlb.get(vp)
        if pp is None:
            pa = self.translate(va, False, True, False)
            pp = pa >> PAGE_SHIFT
            self.itlb[vp] = pp
        return pp

    def fetch(self, pa: int, size: int) -> int:
        try:
            return self.bus.read(pa, size)
        except BusError:
            raise GuestFault(Fault(EXTERNAL, pa, fetch=True))

    # -- data side: the slow path --------------------------------------------------

    def read(self, va: int, size: int, user: bool = False, aligned: bool = False) -> int:
        va &= 0xFFFFFFFF             # translated code may pass an unreduced address
        if va & (size - 1):
            if aligned or self.strict_alignment:
                raise GuestFault(Fault(ALIGNMENT, va))
            value = 0
            for i in range(size):
                value |= self._read1(va + i, 1, user) << (8 * i)
        else:
            value = self._read1(va, size, user)
        if self.big_endian:
            value = int.from_bytes(value.to_bytes(size, "little"), "big")
        return value

    def write(self, va: int, size: int, value: int, user: bool = False, aligned: bool = False) -> None:
        va &= 0xFFFFFFFF
        value &= (1 << (8 * size)) - 1
        if self.big_endian:
            value = int.from_bytes(value.to_bytes(size, "little"), "big")
        if va & (size - 1):
            if aligned or self.strict_alignment:
                raise GuestFault(Fault(ALIGNMENT, va, write=True))
            # Translate every byte before writing any, so a fault on the second
            # page leaves memory untouched.
            pas = [self.translate((va + i) & 0xFFFFFFFF, True, False, user) for i in range(size)]
            for i, pa in enumerate(pas):
                self._write_pa(pa, 1, (value >> (8 * i)) & 0xFF, va + i)
        else:
            pa = self.translate(va, True, False, user)
            self._write_pa(pa, size, value, va)
            if not user and not self.big_endian:
                self._fill_write(va, pa)

    def _read1(self, va: int, size: int, user: bool) -> int:
        va &= 0xFFFFFFFF
        pa = self.translate(va, False, False, user)
        try:
            value = self.bus.read(pa, size)
        except BusError:
            raise GuestFault(Fault(EXTERNAL, va))
        if not user and not self.big_endian:
            self._fill_read(va, pa)
        return value

    def _write_pa(self, pa: int, size: int, value: int, va: int) -> None:
        if self.writes_code(pa, size):
            self.on_code_write(pa >> PAGE_SHIFT)
        try:
            self.bus.write(pa, size, value)
        except BusError:
            raise GuestFault(Fault(EXTERNAL, va, write=True))

    def _fill_read(self, va: int, pa: int) -> None:
        page = self.bus.ram_page(pa)
        if page is not None:
            self.rd[va >> PAGE_SHIFT] = page

    def _fill_write(self, va: int, pa: int) -> None:
        page = self.bus.ram_page(pa)
        if page is not None:
            if pa >> PAGE_SHIFT in self.code_lines:
                self.wr_code[va >> PAGE_SHIFT] = (page, pa >> PAGE_SHIFT)
            else:
                self.wr[va >> PAGE_SHIFT] = page

    def store_mixed(self, va: int, size: int, value: int) -> bool:
        """The store path for a page that holds translated code: done here
        (True) when the store is aligned and misses the code lines."""
        entry = self.wr_code.get(va >> PAGE_SHIFT)
        if entry is None or va & (size - 1) or self.big_endian:
            return False
        page, ppage = entry
        lines = self.code_lines.get(ppage, 0)
        if lines >> ((va & PAGE_MASK) >> CODE_LINE_SHIFT) & 1:
            return False
        i = (va & PAGE_MASK) >> 2
        if size == 4:
            page[i] = value & 0xFFFFFFFF
        else:
            shift = (va & 3) << 3
            mask = ((1 << (8 * size)) - 1) << shift
            page[i] = (page[i] & (0xFFFFFFFF ^ mask)) | ((value << shift) & mask)
        return True

    # -- the accessors translated code calls ---------------------------------------------

    def _make_accessors(self) -> Dict[str, Callable]:
        """Closures over the tables, for the blocks' namespace.

        ``ld32``/``st32`` etc. follow SCTLR.A for unaligned addresses;
        ``ld32a``/``st32a`` always require alignment (LDM/STM, LDRD/STRD,
        LDREX/STREX: A3.2.1); ``ld32u``/``st32u`` are the unprivileged
        accesses of LDRT/STRT and friends.
        """
        rget, wget = self.rd.get, self.wr.get     # bound once: the tables are cleared in place
        read = self.read
        store_mixed, write_slow = self.store_mixed, self.write

        def write(a, size, v, aligned=False):
            if not store_mixed(a, size, v):
                write_slow(a, size, v, aligned=aligned)

        def ld8(a):
            p = rget(a >> 12)
            if p is not None:
                return (p[(a & 0xFFF) >> 2] >> ((a & 3) << 3)) & 0xFF
            return read(a, 1)

        def ld16(a):
            p = rget(a >> 12)
            if p is not None and not a & 1:
                return (p[(a & 0xFFF) >> 2] >> ((a & 2) << 3)) & 0xFFFF
            return read(a, 2)

        def ld32(a):
            p = rget(a >> 12)
            if p is not None and not a & 3:
                return p[(a & 0xFFF) >> 2]
            return read(a, 4)

        def ld32a(a):
            p = rget(a >> 12)
            if p is not None and not a & 3:
                return p[(a & 0xFFF) >> 2]
            return read(a, 4, aligned=True)

        def ld16a(a):
            return read(a, 2, aligned=True) if a & 1 else ld16(a)

        def st8(a, v):
            p = wget(a >> 12)
            if p is not None:
                i = (a & 0xFFF) >> 2
                shift = (a & 3) << 3
                p[i] = (p[i] & (0xFFFFFFFF ^ (0xFF << shift))) | ((v & 0xFF) << shift)
            else:
                write(a, 1, v)

        def st16(a, v):
            p = wget(a >> 12)
            if p is not None and not a & 1:
                i = (a & 0xFFF) >> 2
                shift = (a & 2) << 3
                p[i] = (p[i] & (0xFFFFFFFF ^ (0xFFFF << shift))) | ((v & 0xFFFF) << shift)
            else:
                write(a, 2, v)

        def st32(a, v):
            p = wget(a >> 12)
            if p is not None and not a & 3:
                p[(a & 0xFFF) >> 2] = v
            else:
                write(a, 4, v)

        def st32a(a, v):
            p = wget(a >> 12)
            if p is not None and not a & 3:
                p[(a & 0xFFF) >> 2] = v
            else:
                write(a, 4, v, aligned=True)

        def st16a(a, v):
            if a & 1:
                write(a, 2, v, aligned=True)
            else:
                st16(a, v)

        def ld8u(a):
            return read(a, 1, user=True)

        def ld16u(a):
            return read(a, 2, user=True)

        def ld32u(a):
            return read(a, 4, user=True)

        def st8u(a, v):
            write_slow(a, 1, v, user=True)

        def st16u(a, v):
            write_slow(a, 2, v, user=True)

        def st32u(a, v):
            write_slow(a, 4, v, user=True)

        accessors = {name: fn for name, fn in locals().items() if callable(fn) and name[:2] in ("ld", "st")}
        accessors.update(rget=rget, wget=wget)     # for word accesses emitted inline
        return accessors
