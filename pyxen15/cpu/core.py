"""The Cortex-A15 core: register state plus the execution engine.

The engine runs translated blocks (translate.py) from a cache keyed by the
block's physical address and the state bits that change decoding: the
instruction set (CPSR.T, folded into bit 0, which is free because
instructions are halfword aligned) and ITSTATE (bits 32 and up); a front
cache keyed the same way by virtual PC saves the translation on the way.
Between blocks it checks the one flag, ``attention``, that interrupts, WFI
and stop requests raise, and the one cycle count, ``horizon``, of the next
timer deadline or budget, so a block runs with no checks inside.

Exception entry and return are in exceptions.py, the system registers in
sysregs.py; both work on this object.
"""

import logging
import os
from types import FunctionType
from typing import Callable, Dict, List, Optional, Set

from ..events import Events
from ..hooks import HookStop
from ..mmu_lpae.faults import GuestFault
from ..mmu_lpae.monitor import GlobalMonitor
from ..mmu_lpae.tlb import SoftTLB
from ..mmu_lpae.walk import MMU, regime_asid, regime_vmid
from ..timer import GenericTimer
from . import exceptions
from .interrupts import check_interrupts
from .decode import FAMILIES, decode, is_t32_prefix
from .ops.operands import shift_c
from .state import MODE_HYP, MODE_USR, RegisterState
from .translate import Block, Emitter, compile_block, COND_AL, MASK32
from .vfp.regs import VFPRegisters

log = logging.getLogger(__name__)

MAX_BLOCK_INSNS = 64
KEY_SINGLE = 1 << 60          # a one-instruction block, for exact instruction budgets
VPAGE_SHIFT = 40              # where a block key holds its virtual page (see _lookup)


# Set (PYXEN15_STRICT_TRANSLATION=1, as tests/conftest.py does) to make a
# handler that raises while translating an error instead of an UNDEF.
STRICT_TRANSLATION = os.environ.get("PYXEN15_STRICT_TRANSLATION", "") not in ("", "0")


class TranslationError(Exception):
    """A handler raised while translating (a pyxen15 bug), in strict mode."""


class StopRun(Exception):
    """Raised by hooks and devices to end run() with a reason."""

    def __init__(self, reason: str, exit_code: Optional[int] = None):
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code


class Core(VFPRegisters, RegisterState, exceptions.ExceptionsMixin):
    def __init__(self, tlb: SoftTLB, sysregs_factory: Callable[["Core"], object],
                 events: Optional[Events] = None):
        RegisterState.__init__(self)
        self.vfp_reset()
        self.tlb = tlb
        self.cycles = 0
        self.icount = 0
        self.attention = False
        self.halted = False           # in WFI/WFE, waiting for an event
        self.event_register = False   # the WFE/SEV event register
        self.irq_line = False         # the GIC's nIRQ, nFIQ, nVIRQ, nVFIQ (interrupts.py)
        self.fiq_line = False
        self.virq_line = False
        self.vfiq_line = False
        self.next_deadline = 1 << 62  # cycle count of the next timer event
        self.cycle_limit = 1 << 62
        self.horizon = 1 << 62        # min(next_deadline, cycle_limit)
        self.soft_limit = 1 << 62     # icount beyond which blocks go one by one
        self.on_deadline: Callable[[], None] = lambda: None
        self.on_svc: Optional[Callable[["Core", int, int], Optional[int]]] = None
        self.hyp_trap: Optional[Callable] = None    # the Python hypervisor's entry
        self.breakpoints: Set[int] = set()
        # hooks (pyxen15/hooks.py): None while none is installed, so they cost nothing
        self.code_hooks: Optional[Dict[int, List[Callable]]] = None
        self.exception_hook: Optional[Callable] = None
        self.in_run = False           # inside run(): hooks' exceptions come out as HookStop
        self.dump_blocks: Optional[Callable[[Block], None]] = None    # debug/blocks.py
        self.blocks: Dict[int, tuple] = {}
        self.page_blocks: Dict[int, List[int]] = {}
        self.stop_request: Optional[StopRun] = None
        self.stop_reason: Optional[StopRun] = None
        self._last_fetch_abort = None
        self.cpu_index = 0            # which core of the machine (smp.build_cores numbers them)
        self.events = events if events is not None else Events()
        self.timer = GenericTimer(self, self.events)
        self.sys = sysregs_factory(self)
        self.vfp_access_changed()
        tlb.mmu = MMU(self.sys, tlb.bus)
        self.events.attach(self)
        tlb.on_code_write = self.invalidate_page
        # The exclusive monitors (A3.4): a board with several cores gives
        # them one GlobalMonitor; this core's id tags its reservations.
        self.monitor = GlobalMonitor()
        self.monitor_id = 0
        # What translated code can call besides the memory accessors of its
        # context (tlb.py): shift_c and each family's run-time helpers.
        names = {"shift_c": shift_c}
        for fam in FAMILIES:
            names.update(getattr(fam, "RUNTIME", {}))
        tlb.set_base_namespace(names)

    def set_cpsr(self, value: int) -> None:
        """The raw CPSR write (reset, debuggers, the API), keeping in step
        what depends on it, as the instruction paths do: data endianness in
        the TLB, the translation regime on crossing HYP, and a look at
        pending interrupts in case a mask was cleared."""
        was_hyp = self.mode == MODE_HYP
        RegisterState.set_cpsr(self, value)
        self.sync_endianness()
        if was_hyp != (self.mode == MODE_HYP):
            self.sys.regime_changed()
        self.update_context()
        self.attention = True

    @property
    def namespace(self) -> Dict[str, object]:
        """What the current context's blocks run in (the accessors of its
        soft-TLB context plus the runtime helpers); add helpers for every
        context with ``tlb.set_base_namespace``."""
        return self.tlb.cur.namespace

    def switch_mode(self, new: int) -> None:
        RegisterState.switch_mode(self, new)
        if hasattr(self, "sys"):
            self.update_context()

    def update_context(self) -> None:
        """Select the soft-TLB context (tlb.py) the core's state names:
        regime, privilege, ASID, VMID and data endianness.  A change is
        seen from the next block on (`attention` makes the engine look):
        the architecture makes such changes visible after the ISB or the
        exception entry/return that ends the block anyway."""
        hyp = self.mode == MODE_HYP
        s = self.sys
        key = (hyp, self.mode == MODE_USR, regime_asid(s, hyp), regime_vmid(s, hyp), self.E)
        if key != self.tlb.cur.key:
            self.tlb.select(key)
            self.attention = True

    # -- block cache -------------------------------------------------------------

    def invalidate_page(self, ppage: int) -> None:
        self.tlb.drop_vblocks()
        for key in self.page_blocks.pop(ppage, ()):
            self.blocks.pop(key, None)
        self.tlb.code_lines.pop(ppage, None)

    def drop_blocks_at(self, va: int) -> None:
        """Drop the blocks whose instructions cover virtual address `va`
        (a breakpoint or code hook there: blocks must now end before it,
        and one starting there must not loop within itself); the rest stay
        translated, which matters on a kernel with thousands of blocks."""
        dead = []
        for key, entry in self.blocks.items():
            start = ((key >> VPAGE_SHIFT) & 0xFFFFF) << 12 | (key & 0xFFE)
            if start <= va <= entry[3].line_map[-1][1]:
                dead.append(key)
        for key in dead:
            del self.blocks[key]
        self.tlb.drop_vblocks()

    def flush_blocks(self) -> None:
        self.tlb.drop_vblocks()
        self.blocks.clear()
        self.page_blocks.clear()
        self.tlb.code_lines.clear()

    def translate(self, pc: int, key: int, single: bool) -> tuple:
        """Translate the block at virtual `pc` (physical address in `key`)."""
        thumb = key & 1
        em = Emitter("T32" if thumb else "A32", key >> 32 & 0xFF,
                     start=pc, loop_ok=not single and pc not in self.breakpoints)
        page_base = pc & ~0xFFF
        pa_base = key & ~0xFFF & ((1 << 32) - 1)
        extra = []          # (pa, size) of the second half of a T32 instruction that straddles pages
        addr = pc
        while True:
            if em.n and addr in self.breakpoints:
                break
            off = addr - page_base
            try:
                if thumb:
                    hw1 = self.tlb.fetch(pa_base + off, 2, addr)
                    if is_t32_prefix(hw1):
                        if off + 2 >= 0x1000:
                            if em.n:
                                break          # let the straddling instruction start a block
                            pa2 = self.tlb.fetch_page(addr + 2) << 12
                            extra.append((pa2, 2))
                            hw2 = self.tlb.fetch(pa2, 2, addr + 2)
                        else:
                            hw2 = self.tlb.fetch(pa_base + off + 2, 2, addr + 2)
                        insn = decode("T32", hw1 << 16 | hw2)
                    else:
                        insn = decode("T16", hw1)
                else:
                    insn = decode("A32", self.tlb.fetch(pa_base + off, 4, addr))
            except GuestFault:
                if em.n:
                    break          # the abort belongs to the next block's first instruction
                raise
            cond = COND_AL
            if insn.isa == "A32":
                cond = insn.word >> 28
            elif em.in_it_block:
                cond = em.itstate >> 4
            handler = insn.pattern.handler if insn.pattern is not None else None
            cycles = handler.cycles if handler is not None else 1
            em.begin(addr, insn.size, cond, "%0*x %s" % (insn.size * 2, insn.word, insn.name), cycles)
            if handler is None:
                em.undefined()
            else:
                try:
                    handler.emit(em, insn.f)
                except Exception as err:
                    # A handler that raises is a bug in pyxen15.  The test
                    # suite sets STRICT_TRANSLATION (tests/conftest.py), so
                    # the bug fails the test; a user's run must not end in a
                    # traceback: one error line, and the guest gets UNDEF.
                    if STRICT_TRANSLATION:
                        raise TranslationError("cannot translate %s 0x%x at 0x%08x" % (
                            insn.name, insn.word, addr)) from err
                    log.error("cannot translate %s 0x%x at 0x%08x (%s: %s): a pyxen15 bug; "
                              "taking UNDEF", insn.name, insn.word, addr, type(err).__name__, err)
                    em.begin(addr, insn.size, cond, "untranslatable %s" % insn.name, cycles)
                    em.undefined()
            em.finish()
            addr = (addr + insn.size) & MASK32
            if em.ended or single or em.n >= MAX_BLOCK_INSNS or addr & 0xFFF == 0 \
                    or (addr - page_base) >= 0x1000:
                break
        start = pa_base + (pc - page_base)
        ranges = [(start, min((addr - pc) & MASK32, 0x1000 - (pc - page_base)))] + extra
        pages = {pa >> 12 for pa, _ in ranges}
        block = compile_block(em, key, pages, self.tlb.cur.namespace, addr)
        if self.dump_blocks is not None:
            self.dump_blocks(block)
        entry = (block.fn, block.n, block.cycles, block)
        self.blocks[key] = entry
        for pa, size in ranges:
            self.page_blocks.setdefault(pa >> 12, []).append(key)
            self.tlb.mark_code(pa, size)
        return entry

    # -- the run loop ------------------------------------------------------------------

    def run(self, until: Optional[int] = None, max_insns: Optional[int] = None,
            max_cycles: Optional[int] = None) -> str:
        """Run until `until` (a virtual PC), a budget, or a StopRun; returns the reason.

        The loop is the hot path of the whole emulator: one lookup in the
        virtual-PC block cache and one call (blocks count their own
        instructions and cycles on the way out).  Everything rarer
        (interrupts, timer deadlines, the cycle budget, the last instructions
        of an instruction budget) sits behind `attention`, `horizon` and
        `soft_limit`.  Whoever moves `next_deadline` sets `attention`.
        """
        if until is not None and until not in self.breakpoints:
            self.breakpoints.add(until)
            self.flush_blocks()
        stop_pc = -1 if until is None else until
        insn_limit = self.icount + max_insns if max_insns is not None else 1 << 62
        # a block loops within itself only while this holds (translate.py)
        self.soft_limit = soft_limit = insn_limit - MAX_BLOCK_INSNS
        self.cycle_limit = self.cycles + max_cycles if max_cycles is not None else 1 << 62
        tlb = self.tlb
        vblocks = tlb.vblocks
        R = self.r
        pc = R[15]
        self.attention = True
        self.in_run = True
        try:
            while True:
                if self.attention or self.cycles >= self.horizon:
                    pc = self._service(pc)
                    vblocks = tlb.vblocks       # the context may have changed
                if pc == stop_pc:
                    return "until"
                entry = vblocks.get(pc | self.T | (self.IT << 32))
                if entry is None or self.icount >= soft_limit:
                    if self.icount >= insn_limit:
                        return "max_insns"
                    try:
                        entry = self._lookup(pc, self.icount + MAX_BLOCK_INSNS > insn_limit)
                    except GuestFault as fault:
                        pc = self._fetch_abort(pc, fault)
                        continue
                try:
                    pc = entry[0](self, R)
                except GuestFault as fault:
                    pc = self._block_fault(entry[3], fault)
                except HookStop as hook:
                    pc = self._hook_stop(entry[3], hook)
                    raise hook
        except StopRun as stop:
            self.stop_reason = stop
            return stop.reason
        except HookStop as hook:
            # A hook raised: the core is at an instruction boundary now
            # (pyxen15/hooks.py); a StopRun from a hook ends the run with
            # its reason, anything else surfaces from run().
            if hook.pc is not None:
                pc = hook.pc
            err = hook.reraisable()
            if isinstance(err, StopRun):
                self.stop_reason = err
                return err.reason
            raise err from err.__cause__
        finally:
            R[15] = pc
            self.in_run = False

    def _lookup(self, pc: int, single: bool) -> tuple:
        """The block at virtual `pc`: by physical address, translating on a miss.

        One-instruction blocks, for the tail of an instruction budget, are
        kept out of the virtual-PC cache so they never shadow real blocks.
        """
        hooks = self.code_hooks
        if hooks is not None and pc in hooks:
            # A code hook: it runs at this boundary each time, so the block
            # stays out of the front cache (and the translator ends blocks
            # before the address: `breakpoints`).
            for cb in list(hooks[pc]):
                cb(self, pc)
            front = False
        else:
            front = not single
        ctx = self.tlb.cur
        vkey = pc | self.T | (self.IT << 32)
        # The physical address, ISA state and the virtual page: a block has
        # the virtual PC folded in (PC reads, literal loads, branch targets,
        # return addresses: translate.py), so the same physical code seen at
        # another virtual address (Linux's identity map and its kernel map
        # of the same page) is another block.  Bits 40-59; all of it stays
        # within a 63-bit integer, which PyPy keeps unboxed.
        key = (self.tlb.fetch_page(pc) << 12) | (vkey & ~0xFFFFF000) | (pc >> 12 << VPAGE_SHIFT)
        if single:
            key |= KEY_SINGLE
        entry = ctx.bound.get(key)
        if entry is None:
            entry = self.blocks.get(key)
            if entry is None:
                entry = self.translate(pc, key, single)
            elif entry[0].__globals__ is not ctx.namespace:
                # translated in another context: the same code, this context's accessors
                block = entry[3]
                entry = (FunctionType(block.code, ctx.namespace, block.code.co_name),
                         entry[1], entry[2], block)
            ctx.bound[key] = entry
        if front:
            if len(entry[3].pages) > 1:
                # A T32 instruction straddles into the next page: enter that
                # page in this context's itlb too, so maintenance of it
                # drops this front-cache entry (tlb.Context.drop_pages).
                self.tlb.fetch_page(((pc | 0xFFF) + 1) & MASK32)
            ctx.vblocks[vkey] = entry
        return entry

    def _block_fault(self, block: Block, fault: GuestFault) -> int:
        """A memory access in a block faulted: retire what came before it and
        take the abort at the instruction that made the access."""
        pc, iss, thumb16 = self._unwind(block, fault)
        return self.take_data_abort(pc, fault.fault, iss, thumb16)

    def _hook_stop(self, block: Block, hook: HookStop) -> int:
        """A hook raised inside `block`: the PC of the instruction boundary
        to stop at, with the counts and ITSTATE made to match.  A hook that
        ran at a boundary (an exception hook, at the vector) says where; one
        that ran inside an instruction (a memory access, a console write)
        stops before that instruction, as a precise abort does."""
        if hook.pc is not None:
            return hook.pc
        return self._unwind(block, hook)[0]

    def _unwind(self, block: Block, exc: BaseException) -> tuple:
        """`exc` was raised inside an instruction of `block`: retire the
        instructions before it (counts and ITSTATE as at that boundary) and
        return (pc, iss, thumb16) of the instruction.

        The engine emits every register write of an instruction after its
        memory accesses (translate.py), so nothing of the instruction
        itself has happened.  It is found from the block's source line; if
        that line was the instruction's `return` (a call into the core,
        such as an SVC that semihosting serves), the counts on the line
        before it have already run and are undone."""
        tb = exc.__traceback__
        lineno = 0
        while tb is not None:
            if tb.tb_frame.f_code is block.code:
                lineno = tb.tb_lineno
            tb = tb.tb_next
        pc, it, n, cycles, iss, thumb16 = block.locate(lineno)
        lines = block.source.splitlines()
        if lineno >= 3 and lines[lineno - 1].lstrip().startswith("return "):
            # `c.icount += n + 1`, `c.cycles += K`, `return ...` (Emitter.leave)
            counted = int(lines[lineno - 2].rsplit("+=", 1)[1], 0)
            self.icount -= 1
            self.cycles -= counted - cycles
        else:
            self.icount += n
            self.cycles += cycles
        self.IT = it
        return pc, iss, thumb16

    def _fetch_abort(self, pc: int, fault: GuestFault) -> int:
        """Take a Prefetch Abort, unless the abort vector itself cannot be
        fetched: then the core would abort forever without retiring an
        instruction, and the run stops with "lockup" instead of hanging."""
        if self._last_fetch_abort == (pc, self.icount):
            raise StopRun("lockup")
        self._last_fetch_abort = (pc, self.icount)
        return self.take_prefetch_abort(pc, fault.fault)

    def _service(self, pc: int) -> int:
        """Between blocks: stop requests, budgets, timer deadlines, pending
        interrupts, WFI.  Leaves `horizon` at the next cycle count that needs
        a look."""
        self.attention = False
        if self.stop_request is not None:
            stop, self.stop_request = self.stop_request, None
            raise stop
        while True:
            if self.cycles >= self.cycle_limit:
                raise StopRun("max_cycles")
            if self.cycles >= self.next_deadline:
                self.on_deadline()
            pc = check_interrupts(self, pc)
            self.horizon = min(self.next_deadline, self.cycle_limit)
            if not self.halted:
                return pc
            # WFI/WFE with nothing pending: jump virtual time to the next event.
            if self.horizon >= 1 << 62:
                raise StopRun("halt")
            self.cycles = max(self.cycles, self.horizon)

    # -- PC writes that change state (called from blocks) ---------------------------------

    def bx_write_pc(self, address: int) -> int:
        """BXWritePC() (A2.3.2): bit 0 selects Thumb."""
        if address & 1:
            self.T = 1
            return address & 0xFFFFFFFE
        self.T = 0
        return address & 0xFFFFFFFC
