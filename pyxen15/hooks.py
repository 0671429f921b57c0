"""Hooks: Python callbacks on what the machine does (docs/API.md).

Four kinds, each added with a method that returns a handle for
:meth:`Hooks.remove`:

* ``add_exception(cb, hyp_only=False)``: ``cb(core, event)`` after every
  architectural exception entry (an :class:`ExceptionEvent`: the kind, the
  mode and vector, the return address, and for an entry to HYP mode the
  HSR decoded into its named fields, cpu/syndrome.py).  It runs after the
  entry is complete and before the Python hypervisor's ``hyp_trap`` sees
  the trap, so a debugger can show the trap and then step into the handler.
* ``add_code(cb, address)``: ``cb(core, address)`` before the instruction
  at that virtual address runs.
* ``add_mem(cb, begin, end, read=True, write=True, physical=False)``:
  ``cb(core, access, address, size, value)`` before a guest data access
  that overlaps [begin, end) (virtual addresses, or physical ones);
  ``access`` is "read" or "write", ``value`` the value written (None for
  a read).
* ``add_console(cb)``: ``cb(data)`` with the bytes the guest writes to
  UART0 or to the semihosting console.

**Nothing costs anything until a hook is installed.**  A code hook makes
the translator end blocks before its address (the cores' ``breakpoints``)
and keeps the block at that address out of the front cache, so the
dispatcher's slow path (``Core._lookup``) sees every arrival there.  A
memory hook keeps the pages it covers out of the soft TLB's fast tables,
so accesses to them take the slow path, which checks ``SoftTLB.watch``
(mmu_lpae/tlb.py).  An exception hook is one attribute test per exception
entry.

**A hook that raises stops the run at an instruction boundary.**  The
exception surfaces from ``run()`` (a :class:`~pyxen15.cpu.core.StopRun`
raised by a hook ends the run with its reason instead), and the machine
state is the one at a boundary: PC, registers, ITSTATE, the instruction
and cycle counts.  Which boundary:

* code hook: before the hooked instruction (PC is its address);
* exception hook: after the exception entry (PC is the vector; the
  instruction that took the exception is counted, as it always is);
* memory and console hooks: before the instruction that made the access,
  as for a precise abort -- the engine finds it from the block's source
  line (Core._hook_stop).  A memory hook runs before its access, so the
  access has not happened; a console hook runs when the UART takes the
  byte, so the byte has been written, and running on repeats the store.
"""

from typing import Callable, Dict, List, Optional, Tuple

from .cpu.syndrome import Syndrome, decode

# vector offset -> exception kind, for entries to a PL1 mode and for those
# taken in HYP mode (B1.8.1); an entry to HYP from below uses the Hyp Trap
# vector, whose kind is its syndrome's class.
VECTOR_KINDS = {0x04: "undef", 0x08: "svc", 0x0C: "pabt", 0x10: "dabt",
                0x14: "hyp_trap", 0x18: "irq", 0x1C: "fiq"}


class HookStop(Exception):
    """Carries the exception a hook raised out of the guest's code to the
    engine, which puts the core at an instruction boundary and re-raises
    `error`.  `pc` is the boundary when the hook ran at one (an exception
    hook runs at the vector); None when it ran inside an instruction."""

    def __init__(self, error: BaseException, pc: Optional[int] = None):
        super().__init__(repr(error))
        self.error = error
        self.pc = pc

    def reraisable(self) -> BaseException:
        """The hook's exception with the whole traceback: from the engine
        through the translated block (whose source linecache holds) into
        the hook, instead of the hook's frames alone."""
        err = self.error
        nodes = []
        tb = self.__traceback__
        while tb is not None:
            nodes.append(tb)
            tb = tb.tb_next
        if len(nodes) >= 2 and err.__traceback__ is not None:
            nodes[-2].tb_next = err.__traceback__     # the last node raised this carrier
            err = err.with_traceback(nodes[0])
        return err


class ExceptionEvent:
    """One exception entry, as an exception hook sees it."""
    __slots__ = ("core", "kind", "mode", "from_mode", "vect_offset", "vector",
                 "return_address", "hsr", "syndrome")

    def __init__(self, core, kind: str, mode: int, from_mode: int, vect_offset: int,
                 vector: int, return_address: int, hsr: Optional[int]):
        self.core = core
        self.kind = kind
        self.mode = mode                    # the mode entered (0x1A: HYP)
        self.from_mode = from_mode
        self.vect_offset = vect_offset
        self.vector = vector
        self.return_address = return_address
        self.hsr = hsr                      # the HSR written, for an entry to HYP
        self.syndrome: Optional[Syndrome] = decode(hsr) if hsr is not None else None

    @property
    def hyp(self) -> bool:
        return self.mode == 0x1A

    def __repr__(self) -> str:
        text = "ExceptionEvent(%s, cpu%d, vector=0x%08x, return=0x%08x" % (
            self.kind, self.core.cpu_index, self.vector, self.return_address)
        if self.syndrome is not None:
            text += ", %r" % (self.syndrome,)
        return text + ")"


class MemWatch:
    """One core's memory hooks, as its soft TLB consults them on the slow
    path.  Ranges are [begin, end) in virtual or physical addresses."""

    def __init__(self, core, hooks: "Hooks"):
        self.core = core
        self.hooks = hooks

    def covers(self, va: int, pa: int) -> bool:
        """Must the page of this access stay out of the fast tables?"""
        vp, pp = va >> 12, pa >> 12
        for _cb, begin, end, _r, _w, physical in self.hooks._mem.values():
            page = pp if physical else vp
            if begin >> 12 <= page <= (end - 1) >> 12:
                return True
        return False

    def access(self, va: int, pa: int, size: int, write: bool, value: Optional[int]) -> None:
        for cb, begin, end, on_read, on_write, physical in list(self.hooks._mem.values()):
            if not (on_write if write else on_read):
                continue
            addr = pa if physical else va
            if addr < end and addr + size > begin:
                try:
                    cb(self.core, "write" if write else "read", addr, size,
                       value if write else None)
                except BaseException as err:
                    raise _carrier(self.hooks, err)


def _carrier(hooks: "Hooks", err: BaseException, pc: Optional[int] = None) -> BaseException:
    """What to raise for a hook's exception: the HookStop carrier while a
    core runs (the engine unwraps it), the exception itself otherwise (a
    loader's or a test's direct access outside run())."""
    if any(core.in_run for core in hooks.cores):
        return HookStop(err, pc)
    return err


class Hooks:
    """The machine's hooks (module docstring)."""

    def __init__(self) -> None:
        self._console: Dict[int, Callable[[bytes], None]] = {}
        self._exception: Dict[int, Tuple[Callable, bool]] = {}
        self._code: Dict[int, Tuple[Callable, int]] = {}
        self._mem: Dict[int, tuple] = {}
        self._next = 1
        self.cores: List = []               # Machine sets these

    def attach(self, cores: List) -> None:
        self.cores = cores

    def _handle(self) -> int:
        handle = self._next
        self._next += 1
        return handle

    # -- adding ---------------------------------------------------------------------

    def add_console(self, callback: Callable[[bytes], None]) -> int:
        handle = self._handle()
        self._console[handle] = callback
        return handle

    def add_exception(self, callback: Callable, hyp_only: bool = False) -> int:
        """`callback(core, event)` after each exception entry (to HYP mode
        only, with `hyp_only`): see ExceptionEvent."""
        handle = self._handle()
        self._exception[handle] = (callback, hyp_only)
        self._sync_exception()
        return handle

    def add_code(self, callback: Callable, address: int) -> int:
        """`callback(core, address)` each time a core is about to run the
        instruction at virtual `address`."""
        address &= 0xFFFFFFFE
        handle = self._handle()
        self._code[handle] = (callback, address)
        self._sync_code()
        return handle

    def add_mem(self, callback: Callable, begin: int, end: int, read: bool = True,
                write: bool = True, physical: bool = False) -> int:
        """`callback(core, access, address, size, value)` before each guest
        data access overlapping [begin, end)."""
        if end <= begin:
            raise ValueError("empty memory range 0x%x-0x%x" % (begin, end))
        handle = self._handle()
        self._mem[handle] = (callback, begin, end, read, write, physical)
        self._sync_mem()
        return handle

    def remove(self, handle: int) -> None:
        self._console.pop(handle, None)
        if self._exception.pop(handle, None) is not None:
            self._sync_exception()
        if self._code.pop(handle, None) is not None:
            self._sync_code()
        if self._mem.pop(handle, None) is not None:
            self._sync_mem()

    # -- what the cores see --------------------------------------------------------

    def _sync_exception(self) -> None:
        fn = self._on_exception if self._exception else None
        for core in self.cores:
            core.exception_hook = fn

    def _sync_code(self) -> None:
        by_addr: Dict[int, List[Callable]] = {}
        for cb, address in self._code.values():
            by_addr.setdefault(address, []).append(cb)
        for core in self.cores:
            old = set(core.code_hooks or ())
            core.code_hooks = by_addr or None
            for address in old ^ set(by_addr):
                if address in by_addr:
                    core.breakpoints.add(address)
                    core.drop_blocks_at(address)    # blocks must now end before it
                else:
                    # blocks that end before it stay correct, only shorter
                    core.breakpoints.discard(address)
                    core.tlb.drop_vblocks()

    def _sync_mem(self) -> None:
        for core in self.cores:
            core.tlb.watch = MemWatch(core, self) if self._mem else None
            core.tlb.drop_fast_pages()

    # -- called by the machine -------------------------------------------------------

    def console(self, data: bytes) -> None:
        for cb in list(self._console.values()):
            try:
                cb(data)
            except BaseException as err:
                raise _carrier(self, err)

    def _on_exception(self, core, mode: int, from_mode: int, vect_offset: int,
                      vector: int, return_address: int, hsr: Optional[int]) -> None:
        event = None
        for cb, hyp_only in list(self._exception.values()):
            if hyp_only and mode != 0x1A:
                continue
            if event is None:
                event = ExceptionEvent(core, VECTOR_KINDS.get(vect_offset, "?"), mode,
                                       from_mode, vect_offset, vector, return_address, hsr)
            try:
                cb(core, event)
            except BaseException as err:
                raise _carrier(self, err, vector)
