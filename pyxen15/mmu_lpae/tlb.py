"""The software TLB: virtual page -> host view of a RAM page, per context.

Translated code calls ``ld32(va)``, ``st8(va, v)`` and friends.  Their fast
path is one dictionary lookup keyed by the virtual page number that yields
the physical RAM page as an array of 32-bit words (bus.py), so an aligned
RAM access costs a lookup and an index; bytes and halfwords are shifted out
of (or merged into) their word.  Everything else takes the slow path:
a miss translates through the MMU (walk.py), unaligned accesses are split
(or fault, for Device memory and under SCTLR.A), devices go to the bus, and
faults are raised as GuestFault for the core.

**Contexts.**  What a lookup returns depends on the translation regime
(PL1&0 or HYP), the privilege of the access (a User-mode LDR and an LDRT
are checked as unprivileged), the ASID, the VMID and the data endianness.
Each combination is a :class:`Context` with tables of its own, accessors
closed over those tables, and a namespace for blocks holding those
accessors.  Translated blocks are keyed by physical address and shared by
all contexts: a block translated in one context is rebound to another's
namespace by building a function from the same code object (cheap, and
translation is not repeated).  So User<->SVC switches and ASID changes,
which Linux makes on every syscall, interrupt and context switch, select
another context instead of flushing anything; each context's tables stay
valid until the architecture says translations may have changed (TLB
maintenance, or a write to a register that changes the regime: see
cpu/sysregs.py), and only then are they cleared.  The tables are cleared
in place, because the blocks' namespaces hold the closures and the
closures hold the tables.

Pages holding translated code are never entered in the write-side tables:
a store to one takes the slow path, which tells the engine to drop the
blocks on that page before the store lands if it touches translated bytes
(the zImage decompressor and module loading write code that later runs).
Code is tracked in 64-byte lines, so data that shares a page with code
(small guests link .data right after .text) costs a slow-path store, not
a retranslation.
"""

from array import array
from types import ModuleType
from typing import Callable, Dict, Optional, Set, Tuple

from ..bus import Bus, BusError, PAGE_SHIFT
from .faults import ALIGNMENT, EXTERNAL, Fault, GuestFault
from .walk import MMU, Mapping, flat_map

PAGE_MASK = (1 << PAGE_SHIFT) - 1
CODE_LINE_SHIFT = 6
MAX_CONTEXTS = 128        # beyond this many, drop them all (ASID roll-over keeps the count small)

# A context's key: (hyp, user, asid, vmid, big_endian)
ContextKey = Tuple[bool, bool, int, Optional[int], int]
RESET_CONTEXT: ContextKey = (False, False, 0, None, 0)


class Context:
    """One context's tables (see the module docstring)."""

    def __init__(self, tlb: "SoftTLB", key: ContextKey):
        self.key = key
        self.hyp, self.user, self.asid, self.vmid, big = key
        self.big_endian = bool(big)
        self.rd: Dict[int, array] = {}               # virtual page -> RAM page (words), for loads
        self.wr: Dict[int, array] = {}               # the same, for stores
        # pages that hold translated code: virtual page -> (words, physical page);
        # a store there checks the code lines before it lands (store_mixed)
        self.wr_code: Dict[int, tuple] = {}
        self.itlb: Dict[int, int] = {}               # virtual page -> physical page number
        # virtual PC | ISA state -> translated block bound to this namespace:
        # the engine's front cache, valid as long as the instruction-side translations
        self.vblocks: Dict[int, tuple] = {}
        # physical block key -> the block bound to this namespace
        self.bound: Dict[int, tuple] = {}
        # the slow path's translations: vpage << 2 | fetch << 1 | write -> (physical page base, device)
        self.xlat: Dict[int, Tuple[int, bool]] = {}
        # entries larger than 4 KiB that filled the tables: log2(pages) -> their
        # virtual page numbers >> log2(pages), so maintenance by address finds them
        self.spans: Dict[int, Set[int]] = {}
        self._tables = (self.rd, self.wr, self.wr_code, self.itlb, self.vblocks, self.xlat, self.spans)
        self.accessors = tlb._make_accessors(self)
        # The blocks' globals are a module's dict: PyPy keeps those as cells
        # whose reads its JIT folds into constants, while a plain dict makes
        # every global a block reads (ld32a, rget, the VFP accessors ...)
        # a hash lookup in the trace (fpbench's DAXPY loop: 19 of them per
        # iteration of 6 instructions).  On CPython it is a dict either way.
        self.namespace: Dict[str, object] = ModuleType("pyxen15.blocks").__dict__

    def clear(self) -> None:
        for t in self._tables:
            t.clear()

    def drop_pages(self, first: int, count: int) -> None:
        """Forget virtual pages [first, first + count).  The front cache of
        blocks by virtual PC is only cleared when one of the pages was on
        the instruction side: a block is found by virtual PC only after
        fetch_page() entered its page (and the next one, for a T32
        instruction straddling them) in `itlb`, so a data page's
        maintenance, the common case, leaves every block in place."""
        itlb = self.itlb
        code = False
        if count > 64:
            for t in (self.rd, self.wr, self.wr_code, itlb):
                for vp in [k for k in t if first <= k < first + count]:
                    del t[vp]
                    code = code or t is itlb
            for k in [k for k in self.xlat if first <= k >> 2 < first + count]:
                del self.xlat[k]
        else:
            for vp in range(first, first + count):
                for t in (self.rd, self.wr, self.wr_code):
                    t.pop(vp, None)
                if itlb.pop(vp, None) is not None:
                    code = True
                for k in range(4):
                    self.xlat.pop(vp << 2 | k, None)
        if code:
            self.vblocks.clear()


class SoftTLB:
    def __init__(self, bus: Bus):
        self.bus = bus
        self.mmu: Optional[MMU] = None               # None: the flat map of a core without one
        self.contexts: Dict[ContextKey, Context] = {}
        self.base_namespace: Dict[str, object] = {}
        # physical page number -> bit mask of its 64-byte lines holding translated code
        self.code_lines: Dict[int, int] = {}
        self.on_code_write: Callable[[int], None] = lambda ppage: None
        self.strict_alignment = False                # SCTLR.A (HSCTLR.A in HYP)
        # memory hooks (pyxen15/hooks.py MemWatch): consulted on the slow
        # path only; the pages they cover never enter the fast tables
        self.watch = None
        self.cur = self.context(RESET_CONTEXT)
        self.vblocks = self.cur.vblocks

    # -- contexts ------------------------------------------------------------------

    def context(self, key: ContextKey) -> Context:
        ctx = self.contexts.get(key)
        if ctx is None:
            if len(self.contexts) >= MAX_CONTEXTS:
                # Keep the current context and the User-mode one its LDRT
                # accessors use, which flushes must go on reaching.
                cur = self.cur.key
                keep = (cur, cur[:1] + (True,) + cur[2:])
                self.contexts = {k: c for k, c in self.contexts.items() if k in keep}
            ctx = self.contexts[key] = Context(self, key)
            ctx.namespace.update(self.base_namespace)
            ctx.namespace.update(ctx.accessors)
        return ctx

    def select(self, key: ContextKey) -> None:
        """Make `key` the current context."""
        if key != self.cur.key:
            self.cur = self.context(key)
            self.vblocks = self.cur.vblocks

    def set_base_namespace(self, names: Dict[str, object]) -> None:
        """What every block may call besides the memory accessors (the core's runtime helpers)."""
        self.base_namespace.update(names)
        for ctx in self.contexts.values():
            ctx.namespace.update(names)
            ctx.namespace.update(ctx.accessors)

    @property
    def big_endian(self) -> bool:
        return self.cur.big_endian

    # -- flushes (TLB maintenance and regime changes; cpu/sysregs.py) -------------

    def flush(self) -> None:
        """Every context: TLBIALL and the writes that change a regime."""
        for ctx in self.contexts.values():
            ctx.clear()

    def flush_where(self, hyp: bool, asid: Optional[int] = None) -> None:
        """The contexts of one regime (TLBIALLH; TLBIALLNSNH, TLBIALL with
        hyp False), or of one ASID in the PL1&0 regime (TLBIASID)."""
        for ctx in self.contexts.values():
            if ctx.hyp == hyp and (asid is None or ctx.asid == asid):
                ctx.clear()

    def flush_va(self, va: int, hyp: bool) -> None:
        """Entries for address `va` in one regime, whatever their ASID:
        TLBIMVA, TLBIMVAA (a global entry matches every ASID, so a stale
        one may sit in any context) and TLBIMVAH."""
        vp = (va & 0xFFFFFFFF) >> PAGE_SHIFT
        for ctx in self.contexts.values():
            if ctx.hyp == hyp:
                for n, blocks in ctx.spans.items():
                    if vp >> n in blocks:
                        blocks.discard(vp >> n)
                        ctx.drop_pages(vp >> n << n, 1 << n)
                ctx.drop_pages(vp, 1)

    def drop_fast_pages(self) -> None:
        """Empty every context's fast data tables (a memory hook was added
        or removed: its pages must take the slow path, or may leave it)."""
        for ctx in self.contexts.values():
            ctx.rd.clear()
            ctx.wr.clear()
            ctx.wr_code.clear()

    def flush_writes(self) -> None:
        for ctx in self.contexts.values():
            ctx.wr.clear()

    def drop_vblocks(self) -> None:
        """Translated blocks changed (code written, breakpoints): forget the bindings."""
        for ctx in self.contexts.values():
            ctx.vblocks.clear()
            ctx.bound.clear()

    # -- translated code tracking -------------------------------------------------

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

    # -- translation -----------------------------------------------------------------

    def walk(self, ctx: Context, va: int, write: bool, fetch: bool) -> Mapping:
        """Translate in `ctx`'s regime and privilege (no caching)."""
        if self.mmu is None:
            return flat_map(va, fetch)
        return self.mmu.translate(va, write, fetch, ctx.user, ctx.hyp)

    def resolve(self, ctx: Context, va: int, write: bool, fetch: bool) -> Tuple[int, bool]:
        """(physical address, Device memory?) of an access, through `ctx`'s
        translation cache; a miss walks the tables and records the entry's size."""
        vp = va >> PAGE_SHIFT
        k = vp << 2 | fetch << 1 | write
        hit = ctx.xlat.get(k)
        if hit is None:
            m = self.walk(ctx, va, write, fetch)
            hit = ctx.xlat[k] = (m.pa & ~PAGE_MASK, m.device)
            if m.span > PAGE_SHIFT:
                n = m.span - PAGE_SHIFT
                blocks = ctx.spans.get(n)
                if blocks is None:
                    blocks = ctx.spans[n] = set()
                blocks.add(vp >> n)
        return hit[0] | (va & PAGE_MASK), hit[1]

    def translate(self, va: int, write: bool, fetch: bool, user: bool) -> int:
        """The physical address an access from the current regime makes
        (`user`: checked as unprivileged), or GuestFault."""
        ctx = self.cur
        if user and not ctx.user and not ctx.hyp:
            ctx = self.context(ctx.key[:1] + (True,) + ctx.key[2:])
        return self.resolve(ctx, va & 0xFFFFFFFF, write, fetch)[0]

    # -- instruction side -----------------------------------------------------------

    def fetch_page(self, va: int) -> int:
        """The physical page number that instruction fetches from `va` read."""
        ctx = self.cur
        vp = va >> PAGE_SHIFT
        pp = ctx.itlb.get(vp)
        if pp is None:
            pa = self.resolve(ctx, va, False, True)[0]
            if pa >> 32:
                # Blocks are keyed by 32-bit physical addresses; nothing on
                # this board holds code above 4 GB.
                raise GuestFault(Fault(EXTERNAL, va, fetch=True))
            pp = pa >> PAGE_SHIFT
            ctx.itlb[vp] = pp
        return pp

    def fetch(self, pa: int, size: int, va: int) -> int:
        """Instruction bytes at `pa`; an external abort reports `va` (IFAR)."""
        try:
            return self.bus.read(pa, size)
        except BusError:
            raise GuestFault(Fault(EXTERNAL, va & 0xFFFFFFFF, fetch=True))

    # -- data side: the slow path --------------------------------------------------

    def read(self, va: int, size: int, user: bool = False, aligned: bool = False) -> int:
        """A data read from the current context (the API's and tests' entry)."""
        ctx = self.cur
        if user and not ctx.user and not ctx.hyp:
            ctx = self.context(ctx.key[:1] + (True,) + ctx.key[2:])
        return self.read_in(ctx, va, size, aligned)

    def write(self, va: int, size: int, value: int, user: bool = False, aligned: bool = False) -> None:
        ctx = self.cur
        if user and not ctx.user and not ctx.hyp:
            ctx = self.context(ctx.key[:1] + (True,) + ctx.key[2:])
        self.write_in(ctx, va, size, value, aligned)

    def read_in(self, ctx: Context, va: int, size: int, aligned: bool = False) -> int:
        va &= 0xFFFFFFFF             # translated code may pass an unreduced address
        if va & (size - 1):
            if aligned or self.strict_alignment:
                raise GuestFault(Fault(ALIGNMENT, va))
            if self.resolve(ctx, va, False, False)[1]:
                raise GuestFault(Fault(ALIGNMENT, va))     # Device memory (A3.2.1)
            value = 0
            for i in range(size):
                value |= self._read1(ctx, (va + i) & 0xFFFFFFFF, 1) << (8 * i)
        else:
            value = self._read1(ctx, va, size)
        if ctx.big_endian:
            value = int.from_bytes(value.to_bytes(size, "little"), "big")
        return value

    def write_in(self, ctx: Context, va: int, size: int, value: int, aligned: bool = False) -> None:
        va &= 0xFFFFFFFF
        value &= (1 << (8 * size)) - 1
        if ctx.big_endian:
            value = int.from_bytes(value.to_bytes(size, "little"), "big")
        if va & (size - 1):
            if aligned or self.strict_alignment:
                raise GuestFault(Fault(ALIGNMENT, va, write=True))
            # Translate every byte before writing any, so a fault on the second
            # page leaves memory untouched.
            pas = [self.resolve(ctx, (va + i) & 0xFFFFFFFF, True, False) for i in range(size)]
            if pas[0][1]:
                raise GuestFault(Fault(ALIGNMENT, va, write=True))
            if self.watch is not None:
                for i, (pa, _) in enumerate(pas):
                    self.watch.access((va + i) & 0xFFFFFFFF, pa, 1, True, (value >> (8 * i)) & 0xFF)
            for i, (pa, _) in enumerate(pas):
                self._write_pa(pa, 1, (value >> (8 * i)) & 0xFF, va + i)
        else:
            pa = self.resolve(ctx, va, True, False)[0]
            watch = self.watch
            if watch is not None:
                watch.access(va, pa, size, True, value)
                if watch.covers(va, pa):
                    self._write_pa(pa, size, value, va)
                    return
            self._write_pa(pa, size, value, va)
            if not ctx.big_endian:
                self._fill_write(ctx, va, pa)

    def _read1(self, ctx: Context, va: int, size: int) -> int:
        pa = self.resolve(ctx, va, False, False)[0]
        watch = self.watch
        if watch is not None:
            watch.access(va, pa, size, False, None)
        try:
            value = self.bus.read(pa, size)
        except BusError:
            raise GuestFault(Fault(EXTERNAL, va))
        if not ctx.big_endian and (watch is None or not watch.covers(va, pa)):
            page = self.bus.ram_page(pa)
            if page is not None:
                ctx.rd[va >> PAGE_SHIFT] = page
        return value

    def _write_pa(self, pa: int, size: int, value: int, va: int) -> None:
        if self.writes_code(pa, size):
            self.on_code_write(pa >> PAGE_SHIFT)
        try:
            self.bus.write(pa, size, value)
        except BusError:
            raise GuestFault(Fault(EXTERNAL, va, write=True))

    def _fill_write(self, ctx: Context, va: int, pa: int) -> None:
        page = self.bus.ram_page(pa)
        if page is not None:
            if pa >> PAGE_SHIFT in self.code_lines:
                ctx.wr_code[va >> PAGE_SHIFT] = (page, pa >> PAGE_SHIFT)
            else:
                ctx.wr[va >> PAGE_SHIFT] = page

    def store_mixed(self, ctx: Context, va: int, size: int, value: int) -> bool:
        """The store path for a page that holds translated code: done here
        (True) when the store is aligned and misses the code lines."""
        entry = ctx.wr_code.get(va >> PAGE_SHIFT)
        if entry is None or va & (size - 1):
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

    def _make_accessors(self, ctx: Context) -> Dict[str, Callable]:
        """Closures over one context's tables, for its blocks' namespace.

        ``ld32``/``st32`` etc. follow SCTLR.A for unaligned addresses;
        ``ld32a``/``st32a`` always require alignment (LDM/STM, LDRD/STRD,
        LDREX/STREX: A3.2.1); ``ld32u``/``st32u`` are the unprivileged
        accesses of LDRT/STRT and friends: the accessors of the User-mode
        context with the same ASID, VMID and endianness (in User mode and
        in HYP, where LDRT is UNPREDICTABLE, this context's own).
        """
        rget, wget = ctx.rd.get, ctx.wr.get      # bound once: the tables are cleared in place
        read_in, write_in = self.read_in, self.write_in
        store_mixed = self.store_mixed

        def read(a, size, aligned=False):
            return read_in(ctx, a, size, aligned)

        def write(a, size, v, aligned=False):
            if not store_mixed(ctx, a, size, v):
                write_in(ctx, a, size, v, aligned)

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
            return read(a, 4, True)

        def ld16a(a):
            return read(a, 2, True) if a & 1 else ld16(a)

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
                write(a, 4, v, True)

        def st16a(a, v):
            if a & 1:
                write(a, 2, v, True)
            else:
                st16(a, v)

        accessors = {name: fn for name, fn in locals().items() if callable(fn) and name[:2] in ("ld", "st")}
        accessors.update(rget=rget, wget=wget)     # for word accesses emitted inline
        if ctx.user or ctx.hyp:
            unpriv = accessors
        else:
            unpriv = self.context(ctx.key[:1] + (True,) + ctx.key[2:]).accessors
        for name in ("ld8", "ld16", "ld32", "st8", "st16", "st32"):
            accessors[name + "u"] = unpriv[name]
        return accessors
