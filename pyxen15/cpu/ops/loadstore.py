"""Loads and stores outside VFP/SIMD.

A32: word and unsigned byte (A5.3), the extra loads and stores -- halfword,
signed byte and halfword, doubleword, and their unprivileged forms (A5.2.8,
A5.2.9) --, the synchronization primitives SWP and LDREX/STREX (A5.2.10),
CLREX (A5.7.1), and the block transfers LDM/STM including the User-register
and exception-return forms (A5.5).  T32: load/store multiple (A6.3.5), dual,
exclusive (A6.3.6), and the single-register loads and stores (A6.3.7-A6.3.10).
T16: the single-register forms (A6.2.4), LDR (literal), SP-relative, PUSH,
POP, LDM and STM.

Four operations, each with one execute step that every encoding calls
after its own decode: :func:`ldst_execute` (one register, any size),
:func:`ldst_dual_execute` (LDRD/STRD), :func:`ldst_multiple_execute`
(LDM/STM) and the exclusives (:func:`ldrex_execute`, :func:`strex_execute`).
What a mnemonic transfers -- size, sign, direction -- is a row of
:data:`ACCESSES`, so LDRSH and STRB share every line of code but that row.

Alignment (A3.2.1, Table A3-1): LDR/STR and the halfword forms may be
unaligned unless SCTLR.A is set (``ld32``/``ld16``...); LDM/STM, LDRD/STRD,
SWP and the exclusives always need word (LDREXD/STREXD: doubleword,
LDREXH/STREXH: halfword) alignment and take an Alignment fault otherwise
(``ld32a``/``st32a``...).

Cycle model (Cortex-A15 figures in /work/shared/reference/cortex-a15-timing.md):
a load costs its load-to-use latency, 4 cycles, because the model charges
each instruction its latency and a load's result is nearly always used
soon; a store retires into the store buffer and costs 1.  LDM/STM cost 1
plus one per register (one transfer per cycle); LDRD/STRD one more than
the single forms; a load into the PC adds the branch refill.

UNPREDICTABLE cases go to Emitter.unpredictable() (the Undefined
Instruction exception, as QEMU chooses) except where a case says otherwise.
"""

import sys
from typing import Dict, List, Optional, Union

from ...mmu_lpae.faults import ALIGNMENT, Fault, GuestFault
from . import Op, op
from .branch import BRANCH_CYCLES
from .operands import SRTYPE_LSL, const_value, decode_imm_shift, emit_imm_shift, emit_sint

HANDLERS: Dict[str, Op] = {}
RUNTIME: Dict[str, object] = {}

LOAD_CYCLES = 4
STORE_CYCLES = 1
MULTIPLE_CYCLES = 1          # plus one per register transferred
EXCLUSIVE_STORE_CYCLES = 2   # the monitor check, then the store
SWAP_CYCLES = LOAD_CYCLES + STORE_CYCLES

MODE_HYP = 0x1A
SCTLR_SW = 1 << 10

Offset = Union[int, str]     # an immediate, or an expression (a register, shifted)


class Access:
    """What a load/store mnemonic moves: `size` bytes, sign-extended or
    not, from memory (load) or to it."""
    __slots__ = ("name", "size", "signed", "load")

    def __init__(self, name: str, size: int, signed: bool, load: bool):
        self.name = name
        self.size = size
        self.signed = signed
        self.load = load

    def accessor(self, unpriv: bool) -> str:
        """The memory accessor of the blocks' namespace (mmu_lpae/tlb.py)."""
        return "%s%d%s" % ("ld" if self.load else "st", 8 * self.size, "u" if unpriv else "")

    def syndrome(self, t: int) -> int:
        """The instruction syndrome of a data abort to HYP (B3.13.6; Dabt
        in cpu/syndrome.py): ISV, SAS = log2(size), SSE, SRT = Rt.  Only a
        form without writeback has one; the A32 LDRT/STRT forms always
        write back, so they have none (the ARMv8 ARM says so for AArch32,
        and QEMU agrees)."""
        return (1 << 24) | ((self.size.bit_length() - 1) << 22) | (int(self.signed) << 21) | (t << 16)

    def load_expr(self, address: str, unpriv: bool) -> str:
        """The loaded value, zero- or sign-extended to 32 bits."""
        value = "%s(%s)" % (self.accessor(unpriv), address)
        if self.signed:
            return "%s & 0xffffffff" % emit_sint(value, 8 * self.size)
        return value


ACCESSES = {a.name: a for a in (
    Access("LDR", 4, False, True), Access("LDRB", 1, False, True),
    Access("LDRH", 2, False, True), Access("LDRSB", 1, True, True),
    Access("LDRSH", 2, True, True),
    Access("STR", 4, False, False), Access("STRB", 1, False, False),
    Access("STRH", 2, False, False),
)}


# -- word accesses inline ---------------------------------------------------------
# LDR and STR are most of a program's memory traffic.  On CPython their
# soft-TLB fast path (mmu_lpae/tlb.py) is emitted in the block itself, which
# saves a function call per access (bench: 2.06 -> 2.15 MIPS); anything else
# (a miss, an unaligned address, a device, a page that holds code) still goes
# through ld32/st32.  PyPy's JIT inlines the call anyway and traces the
# emitted branch worse (21 -> 16 MIPS), so there the call stays.
INLINE_WORD_ACCESS = sys.implementation.name == "cpython"

def _word_load(e, address: str) -> str:
    """Emit the fast path of a word load; the loaded value's expression."""
    if address != "a":
        e.line("a = %s" % address)
    e.line("p = rget(a >> 12)")
    return "p[(a & 0xfff) >> 2] if p is not None and not a & 3 else ld32(a)"


def _word_store(e, address: str, value: str) -> None:
    if address != "a":
        e.line("a = %s" % address)
    e.line("p = wget(a >> 12)")
    e.line("if p is not None and not a & 3:")
    e.line("    p[(a & 0xfff) >> 2] = %s" % value)
    e.line("else:")
    e.line("    st32(a, %s)" % value)


def _inline(acc: "Access", unpriv: bool) -> bool:
    return INLINE_WORD_ACCESS and acc.size == 4 and not unpriv


# -- addresses -------------------------------------------------------------------


def _offset_address(base: str, offset: Offset, add: bool, wrap: bool = True) -> str:
    """base + offset or base - offset, modulo 2^32; folded when both are known.

    With ``wrap=False`` the sum is left unreduced, for an address that goes
    straight to an accessor: one outside 0..2^32-1 misses the TLB and the
    slow path reduces it, which saves the hot path a mask of a (usually
    multi-digit) Python int.
    """
    if isinstance(offset, int):
        if offset == 0:
            return base
        k = const_value(base)
        if k is not None:
            return "0x%x" % ((k + offset if add else k - offset) & 0xFFFFFFFF)
        expr = "%s %s 0x%x" % (base, "+" if add else "-", offset)
    else:
        expr = "%s %s %s" % (base, "+" if add else "-", offset)
    return "(%s) & 0xffffffff" % expr if wrap else expr


def _base(e, n: int) -> str:
    """R[n] as an address base: the PC reads as Align(PC, 4), as the literal
    forms use it (for A32 the two are the same value)."""
    return "0x%x" % e.pc_aligned if n == 15 else "R[%d]" % n


def _shifted_register(e, m: int, stype: int, imm5: int) -> str:
    """Shift(R[m], DecodeImmShift(type, imm5), APSR.C), the register offset."""
    srtype, amount = decode_imm_shift(stype, imm5)
    if srtype == SRTYPE_LSL and amount == 0:
        return e.rd(m)
    return emit_imm_shift(e.rd(m), srtype, amount, False)[0]      # parenthesized


def _static_cycles(e, k: int) -> None:
    """Add `k` to this instruction's cost at translation time, for costs that
    depend on the encoding (register count, PC loads) rather than on the
    handler.  The Emitter has no method for it yet: it is the instruction's
    `cost` where the Emitter keeps one, else the block's running total."""
    if hasattr(e, "cost"):
        e.cost += k
    else:
        e.cycles += k


def _load_write(e, t: int, expr: str) -> None:
    """R[t] = a loaded value; into the PC that is LoadWritePC() (A2.3.2),
    which interworks in ARMv7 and ends the block."""
    if t == 15:
        _static_cycles(e, BRANCH_CYCLES)
        e.load_write_pc(expr)
    else:
        e.wr(t, expr)


def _pc_load_in_it(e) -> bool:
    """A Thumb load into the PC inside an IT block must be its last
    instruction (UNPREDICTABLE otherwise)."""
    if e.isa == "T32" and e.in_it_block and not e.last_in_it_block:
        e.unpredictable()
        return True
    return False


# -- one register -------------------------------------------------------------------

def ldst_execute(e, acc: Access, t: int, n: int, offset: Offset, add: bool,
                 index: bool, wback: bool, unpriv: bool = False) -> None:
    """The shared execute step of LDR, LDRB, LDRH, LDRSB, LDRSH, STR, STRB,
    STRH in every form: immediate, register, literal, pre- and post-indexed,
    unprivileged (the A8.8 pages of each; the pseudocode is the same shape)::

        offset_addr = if add then (R[n] + offset) else (R[n] - offset)
        address = if index then offset_addr else R[n]
        data = MemU[address, size]  /  MemU[address, size] = R[t]<size*8-1:0>
        if wback then R[n] = offset_addr
        R[t] = ZeroExtend/SignExtend(data)

    `offset` is an int or an expression with no side effects that stays
    valid until this instruction writes a register.  A register load with
    writeback and Rt == Rn is UNPREDICTABLE; the loaded value wins here.
    """
    if wback and n == 15:
        e.unpredictable()
        return
    if acc.load and t == 15:
        if acc.size != 4:
            if e.isa == "T32":
                # The T32 byte and halfword loads with Rt = PC are the memory
                # hints PLD, PLDW, PLI (system family) and unallocated hints,
                # or UNPREDICTABLE: all of them do nothing here.
                return
            e.unpredictable()
            return
        if _pc_load_in_it(e):
            return
    base = _base(e, n)
    if not wback:
        e.abort_iss = acc.syndrome(t)
        address = _offset_address(base, offset, add, wrap=False)
        if acc.load:
            _load_write(e, t, _word_load(e, address) if _inline(acc, unpriv) and t != 15
                        else acc.load_expr(address, unpriv))
        elif _inline(acc, unpriv):
            _word_store(e, address, e.rd(t))
        else:
            e.line("%s(%s, %s)" % (acc.accessor(unpriv), address, e.rd(t)))
        return
    # With writeback the base changes only once the access can no longer abort.
    e.line("a = %s" % (_offset_address(base, offset, add) if index else base))
    new_base = "a" if index else _offset_address("a", offset, add)
    if not acc.load:
        if _inline(acc, unpriv):
            _word_store(e, "a", e.rd(t))
        else:
            e.line("%s(a, %s)" % (acc.accessor(unpriv), e.rd(t)))
        e.wr(n, new_base)
    elif t not in (n, 15) and isinstance(offset, int):
        e.wr(t, _word_load(e, "a") if _inline(acc, unpriv) else acc.load_expr("a", unpriv))
        e.wr(n, new_base)
    else:
        # a register offset may be Rt, so the load waits in v until the base is written
        e.line("v = %s" % acc.load_expr("a", unpriv))
        e.wr(n, new_base)
        _load_write(e, t, "v")


# -- two registers -----------------------------------------------------------------

def ldst_dual_execute(e, load: bool, t: int, t2: int, n: int, offset: Offset, add: bool,
                      index: bool, wback: bool) -> None:
    """LDRD and STRD (immediate, literal, register): the words at address and
    address + 4, which must be word aligned in ARMv7 whatever SCTLR.A says
    (A3.2.1).  Both words are loaded before any register is written, so an
    abort on the second leaves the registers as they were."""
    if t2 == 15 or t == 15 or (wback and n == 15):
        e.unpredictable()
        return
    base = _base(e, n)
    e.line("a = %s" % (_offset_address(base, offset, add) if index else base))
    new_base = "a" if index else _offset_address("a", offset, add)
    if load:
        e.line("v = ld32a(a)")
        e.line("v2 = ld32a((a + 4) & 0xffffffff)")
        if wback:
            e.wr(n, new_base)
        e.wr(t, "v")
        e.wr(t2, "v2")
    else:
        e.line("st32a(a, %s)" % e.rd(t))
        e.line("st32a((a + 4) & 0xffffffff, %s)" % e.rd(t2))
        if wback:
            e.wr(n, new_base)


# -- many registers -----------------------------------------------------------------------

USER = "user"        # LDM/STM (User registers): the ^ form without the PC
ERET = "eret"        # LDM (exception return): the ^ form with the PC


def ldst_user_reg(c, i: int) -> int:
    """Rmode[i, '10000']: register i as User mode sees it (B1.3.2), for
    STM (User registers) in a privileged mode."""
    return c.r[i] if i < 8 else c.reg(_USER_NAMES[i])


def ldst_set_user_reg(c, i: int, value: int) -> None:
    """Rmode[i, '10000'] = value, for LDM (User registers)."""
    if i < 8:
        c.r[i] = value
    else:
        c.set_reg(_USER_NAMES[i], value)


_USER_NAMES = {8: "r8_usr", 9: "r9_usr", 10: "r10_usr", 11: "r11_usr", 12: "r12_usr",
               13: "sp_usr", 14: "lr_usr"}
RUNTIME.update(ldst_user_reg=ldst_user_reg, ldst_set_user_reg=ldst_set_user_reg)


def _registers(mask: int) -> List[int]:
    return [i for i in range(16) if mask >> i & 1]


def _undefined_in_hyp(e) -> None:
    """The ^ forms are UNDEFINED in Hyp mode, which the translation does not
    know: test it when the instruction runs."""
    e.line("if c.mode == 0x%x:" % MODE_HYP)
    e.indent(1)
    e.undefined()
    e.indent(-1)


def ldst_multiple_execute(e, load: bool, n: int, mask: int, increment: bool, before: bool,
                          wback: bool, variant: Optional[str] = None) -> None:
    """LDM/STM in all four modes (IA, IB, DA, DB) and the ^ forms (A8.8.57-A8.8.60,
    A8.8.199-A8.8.202; B9.3.5 LDM (exception return), B9.3.6 LDM (User
    registers), B9.3.17 STM (User registers)).

    Registers go to increasing addresses in register-number order, from
    the lowest address the mode gives.  For STM with the base in the list
    the original base is stored (ARMv7 makes it UNKNOWN unless it is the
    lowest register).  An LDM writes the base and the PC last, so an abort
    leaves the base restored (B1.9.8; the other loaded registers may then
    be UNKNOWN), and with writeback and the base in the list the loaded
    value wins (UNPREDICTABLE in ARMv7).  An empty list or Rn = PC is
    UNPREDICTABLE.
    """
    regs = _registers(mask)
    if not regs or n == 15:
        e.unpredictable()
        return
    if load and 15 in regs and _pc_load_in_it(e):
        return
    if variant is not None:
        _undefined_in_hyp(e)
    count = len(regs)
    _static_cycles(e, count)
    start = (4 if before else 0) if increment else (-4 * count if before else 4 - 4 * count)
    final = 4 * count if increment else -4 * count
    e.line("a = %s" % _offset_address("R[%d]" % n, abs(start), start >= 0))
    new_base = _offset_address("a", abs(final - start), final >= start)
    banked = variant == USER          # registers 8-14 are the User mode ones
    deferred = False                  # the base, loaded into v<n>
    for i, r in enumerate(regs):
        address = _offset_address("a", 4 * i, True)
        if not load:
            value = "ldst_user_reg(c, %d)" % r if banked and r >= 8 else e.rd(r)
            e.line("st32a(%s, %s)" % (address, value))
        elif banked and r >= 8:
            e.line("ldst_set_user_reg(c, %d, ld32a(%s))" % (r, address))
        elif r == 15 or r == n:
            deferred = deferred or r == n
            e.line("v%d = ld32a(%s)" % (r, address))
        else:
            e.wr(r, "ld32a(%s)" % address)
    if wback:
        e.wr(n, new_base)
    if deferred:
        e.wr(n, "v%d" % n)
    if load and 15 in regs:
        if variant == ERET:
            # CPSR = SPSR, then branch; in User and System mode, which have
            # no SPSR (UNPREDICTABLE), a plain branch.
            _static_cycles(e, BRANCH_CYCLES)
            e.exit_to("c.alu_exception_return(v15)")
        else:
            _load_write(e, 15, "v15")


# -- exclusives ------------------------------------------------------------------------------
# The exclusive monitor (A3.4) is Core.monitor (mmu_lpae/monitor.py), on
# physical addresses: LDREX* marks the physical address it loaded from, a
# store-exclusive passes only to exactly that address, and a store by
# another core to the granule clears the mark.  Exception entry and return
# leave the monitor alone: clearing it there is IMPLEMENTATION DEFINED in
# ARMv7, and operating systems issue CLREX on context switch.

def ldst_align_fault(address: int, write: bool) -> None:
    """AlignmentFault(address, iswrite): raise it, to be taken as a Data Abort."""
    raise GuestFault(Fault(ALIGNMENT, address, write=write))


def ldst_exclusive_pass(c, address: int, size: int) -> bool:
    """ExclusiveMonitorsPass(address, size) (A3.4.1): the alignment check
    comes first, then the translation (a fault is taken whether or not the
    monitor would let the store through), then the monitor; the
    store-exclusive opens the monitor either way."""
    if address & (size - 1):
        ldst_align_fault(address, True)
    pa = c.tlb.translate(address, True, False, False)
    passed = c.monitor.passes(c.monitor_id, pa)
    c.monitor.clear(c.monitor_id)
    return passed


def ldst_set_exclusive(c, address: int) -> None:
    """SetExclusiveMonitors(address, size), after the load-exclusive's load."""
    c.monitor.mark(c.monitor_id, c.tlb.translate(address, False, False, False))


def ldst_clear_exclusive(c) -> None:
    """ClearExclusiveLocal()."""
    c.monitor.clear(c.monitor_id)


RUNTIME.update(ldst_align_fault=ldst_align_fault, ldst_exclusive_pass=ldst_exclusive_pass,
               ldst_set_exclusive=ldst_set_exclusive, ldst_clear_exclusive=ldst_clear_exclusive)

_EXCL_LOAD = {1: "ld8", 2: "ld16a", 4: "ld32a"}
_EXCL_STORE = {1: "st8", 2: "st16a", 4: "st32a"}


def ldrex_execute(e, size: int, t: int, t2: Optional[int], n: int, imm: int = 0) -> None:
    """LDREX, LDREXB, LDREXH, LDREXD (A8.8.75-A8.8.78): load, and mark the
    address in the local monitor (SetExclusiveMonitors)."""
    if t == 15 or t2 == 15 or n == 15:
        e.unpredictable()
        return
    e.line("a = %s" % _offset_address("R[%d]" % n, imm, True))
    if size == 8:
        e.line("if a & 7:")
        e.line("    ldst_align_fault(a, False)")
        e.line("v = ld32a(a)")
        e.line("v2 = ld32a((a + 4) & 0xffffffff)")
        e.line("ldst_set_exclusive(c, a)")
        e.wr(t, "v")
        e.wr(t2, "v2")
    else:
        e.wr(t, "%s(a)" % _EXCL_LOAD[size])
        e.line("ldst_set_exclusive(c, a)")


def strex_execute(e, size: int, d: int, t: int, t2: Optional[int], n: int, imm: int = 0) -> None:
    """STREX, STREXB, STREXH, STREXD (A8.8.212-A8.8.215): store if the
    monitor passes and write 0 to Rd, else write 1; the monitor is open
    afterwards either way."""
    if 15 in (d, t, t2, n) or d in (n, t, t2):
        e.unpredictable()
        return
    e.line("a = %s" % _offset_address("R[%d]" % n, imm, True))
    e.line("if ldst_exclusive_pass(c, a, %d):" % size)
    e.indent(1)
    if size == 8:
        e.line("st32a(a, R[%d])" % t)
        e.line("st32a((a + 4) & 0xffffffff, R[%d])" % t2)
    else:
        e.line("%s(a, R[%d])" % (_EXCL_STORE[size], t))
    e.wr(d, "0")
    e.indent(-1)
    e.line("else:")
    e.line("    R[%d] = 1" % d)


def clrex_execute(e) -> None:
    """CLREX (A8.8.32): ClearExclusiveLocal."""
    e.line("ldst_clear_exclusive(c)")


# -- encoding tables ----------------------------------------------------------------------------

A32_TABLE = """
# A5.3 word and unsigned byte; P=0 W=1 is the unprivileged (T) form
STR_i       cccc 010p u0w0 nnnn tttt iiii iiii iiii
STRB_i      cccc 010p u1w0 nnnn tttt iiii iiii iiii
LDR_i       cccc 010p u0w1 nnnn tttt iiii iiii iiii
LDRB_i      cccc 010p u1w1 nnnn tttt iiii iiii iiii
STR_r       cccc 011p u0w0 nnnn tttt iiii iyy0 mmmm
STRB_r      cccc 011p u1w0 nnnn tttt iiii iyy0 mmmm
LDR_r       cccc 011p u0w1 nnnn tttt iiii iyy0 mmmm
LDRB_r      cccc 011p u1w1 nnnn tttt iiii iyy0 mmmm
STRT_i      cccc 0100 u010 nnnn tttt iiii iiii iiii
STRBT_i     cccc 0100 u110 nnnn tttt iiii iiii iiii
LDRT_i      cccc 0100 u011 nnnn tttt iiii iiii iiii
LDRBT_i     cccc 0100 u111 nnnn tttt iiii iiii iiii
STRT_r      cccc 0110 u010 nnnn tttt iiii iyy0 mmmm
STRBT_r     cccc 0110 u110 nnnn tttt iiii iyy0 mmmm
LDRT_r      cccc 0110 u011 nnnn tttt iiii iyy0 mmmm
LDRBT_r     cccc 0110 u111 nnnn tttt iiii iyy0 mmmm

# A5.2.8 extra loads and stores: imm4H:imm4L or Rm; A5.2.9 the unprivileged ones
STRH_i      cccc 000p u1w0 nnnn tttt iiii 1011 iiii
STRH_r      cccc 000p u0w0 nnnn tttt ---- 1011 mmmm
LDRH_i      cccc 000p u1w1 nnnn tttt iiii 1011 iiii
LDRH_r      cccc 000p u0w1 nnnn tttt ---- 1011 mmmm
LDRSB_i     cccc 000p u1w1 nnnn tttt iiii 1101 iiii
LDRSB_r     cccc 000p u0w1 nnnn tttt ---- 1101 mmmm
LDRSH_i     cccc 000p u1w1 nnnn tttt iiii 1111 iiii
LDRSH_r     cccc 000p u0w1 nnnn tttt ---- 1111 mmmm
LDRD_i      cccc 000p u1w0 nnnn tttt iiii 1101 iiii
LDRD_r      cccc 000p u0w0 nnnn tttt ---- 1101 mmmm
STRD_i      cccc 000p u1w0 nnnn tttt iiii 1111 iiii
STRD_r      cccc 000p u0w0 nnnn tttt ---- 1111 mmmm
STRHT_i     cccc 0000 u110 nnnn tttt iiii 1011 iiii
STRHT_r     cccc 0000 u010 nnnn tttt ---- 1011 mmmm
LDRHT_i     cccc 0000 u111 nnnn tttt iiii 1011 iiii
LDRHT_r     cccc 0000 u011 nnnn tttt ---- 1011 mmmm
LDRSBT_i    cccc 0000 u111 nnnn tttt iiii 1101 iiii
LDRSBT_r    cccc 0000 u011 nnnn tttt ---- 1101 mmmm
LDRSHT_i    cccc 0000 u111 nnnn tttt iiii 1111 iiii
LDRSHT_r    cccc 0000 u011 nnnn tttt ---- 1111 mmmm

# A5.2.10 synchronization primitives
SWP         cccc 0001 0000 nnnn tttt ---- 1001 TTTT
SWPB        cccc 0001 0100 nnnn tttt ---- 1001 TTTT
STREX       cccc 0001 1000 nnnn dddd ---- 1001 tttt
LDREX       cccc 0001 1001 nnnn tttt ---- 1001 ----
STREXD      cccc 0001 1010 nnnn dddd ---- 1001 tttt
LDREXD      cccc 0001 1011 nnnn tttt ---- 1001 ----
STREXB      cccc 0001 1100 nnnn dddd ---- 1001 tttt
LDREXB      cccc 0001 1101 nnnn tttt ---- 1001 ----
STREXH      cccc 0001 1110 nnnn dddd ---- 1001 tttt
LDREXH      cccc 0001 1111 nnnn tttt ---- 1001 ----

# A5.5 block transfers: P (before), U (increment); the ^ forms have bit 22 set
STM         cccc 100p u0w0 nnnn llll llll llll llll
LDM         cccc 100p u0w1 nnnn llll llll llll llll
STM_usr     cccc 100p u1-0 nnnn llll llll llll llll
LDM_usr     cccc 100p u1-1 nnnn 0lll llll llll llll
LDM_eret    cccc 100p u1w1 nnnn 1lll llll llll llll
"""

A32U_TABLE = """
CLREX       1111 0101 0111 ---- ---- ---- 0001 ----
"""

T16_TABLE = """
# A6.2.4 load/store single data item
T16_STR_r    0101 000m mmnn nttt
T16_STRH_r   0101 001m mmnn nttt
T16_STRB_r   0101 010m mmnn nttt
T16_LDRSB_r  0101 011m mmnn nttt
T16_LDR_r    0101 100m mmnn nttt
T16_LDRH_r   0101 101m mmnn nttt
T16_LDRB_r   0101 110m mmnn nttt
T16_LDRSH_r  0101 111m mmnn nttt
T16_STR_i    0110 0iii iinn nttt
T16_LDR_i    0110 1iii iinn nttt
T16_STRB_i   0111 0iii iinn nttt
T16_LDRB_i   0111 1iii iinn nttt
T16_STRH_i   1000 0iii iinn nttt
T16_LDRH_i   1000 1iii iinn nttt
T16_STR_sp   1001 0ttt iiii iiii
T16_LDR_sp   1001 1ttt iiii iiii
T16_LDR_lit  0100 1ttt iiii iiii
# register lists: l is M:list (PUSH, LR) or P:list (POP, PC)
T16_PUSH     1011 010l llll llll
T16_POP      1011 110l llll llll
T16_STM      1100 0nnn llll llll
T16_LDM      1100 1nnn llll llll
"""

# hw1 bits 24, 22:21 and 20 (S, size, L) of the single-register forms (A6.3.7-A6.3.10)
T32_SINGLE = {"STRB": "0 00 0", "STRH": "0 01 0", "STR": "0 10 0",
              "LDRB": "0 00 1", "LDRH": "0 01 1", "LDR": "0 10 1",
              "LDRSB": "1 00 1", "LDRSH": "1 01 1"}


def _t32_single_table() -> str:
    """Within hw1 = 1111 100S UzzL nnnn the forms are nested, so the decoder
    picks the most specific: U=1 is the 12-bit immediate; U=0 is the
    catch-all `_neg` (only Rn = PC, the literal with a subtracted offset,
    is allocated there), which holds the 8-bit immediate with P/U/W (hw2
    bit 11 set), the unprivileged T form (1110) inside that, and the
    register form (000000).  The ARM ARM reads Rn = 1111 in all of them as
    the literal form; the handlers do the same.  Rt is never fixed, so the
    memory hints (Rt = PC) can nest inside as patterns of their own."""
    rows = []
    for name, bits in T32_SINGLE.items():
        s, size, l = bits.split()
        hw1 = "1111 100%s %%s%s%s nnnn" % (s, size, l)
        rows += ["T32_%s_i12  %s tttt iiii iiii iiii" % (name, hw1 % "1"),
                 "T32_%s_neg  %s tttt iiii iiii iiii" % (name, hw1 % "0"),
                 "T32_%s_i8   %s tttt 1puw iiii iiii" % (name, hw1 % "0"),
                 "T32_%sT     %s tttt 1110 iiii iiii" % (name, hw1 % "0"),
                 "T32_%s_r    %s tttt 0000 00ii mmmm" % (name, hw1 % "0")]
    return "\n".join(rows)


T32_TABLE = _t32_single_table() + """
# A6.3.6 dual, exclusive (TBB/TBH, 1110 1000 1101 .... .... .... 000h, are in branch.py)
T32_STRD_pre   1110 1001 u1w0 nnnn tttt TTTT iiii iiii
T32_LDRD_pre   1110 1001 u1w1 nnnn tttt TTTT iiii iiii
T32_STRD_post  1110 1000 u110 nnnn tttt TTTT iiii iiii
T32_LDRD_post  1110 1000 u111 nnnn tttt TTTT iiii iiii
T32_STREX      1110 1000 0100 nnnn tttt dddd iiii iiii
T32_LDREX      1110 1000 0101 nnnn tttt ---- iiii iiii
T32_STREXB     1110 1000 1100 nnnn tttt ---- 0100 dddd
T32_STREXH     1110 1000 1100 nnnn tttt ---- 0101 dddd
T32_STREXD     1110 1000 1100 nnnn tttt TTTT 0111 dddd
T32_LDREXB     1110 1000 1101 nnnn tttt ---- 0100 ----
T32_LDREXH     1110 1000 1101 nnnn tttt ---- 0101 ----
T32_LDREXD     1110 1000 1101 nnnn tttt TTTT 0111 ----
T32_CLREX      1111 0011 1011 ---- 10-0 ---- 0010 ----

# A6.3.5 load/store multiple: l is P:M:list<12:0> (STM: M:list<12:0>)
T32_STM        1110 1000 10w0 nnnn -l-l llll llll llll
T32_LDM        1110 1000 10w1 nnnn ll-l llll llll llll
T32_STMDB      1110 1001 00w0 nnnn -l-l llll llll llll
T32_LDMDB      1110 1001 00w1 nnnn ll-l llll llll llll
"""

TABLES = {"A32": A32_TABLE, "A32U": A32U_TABLE, "T32": T32_TABLE, "T16": T16_TABLE}
_LETTERS = {"p": "P", "u": "U", "w": "W", "l": "register_list", "T": "rt2"}
FIELDS = {"A32": dict(_LETTERS), "T32": dict(_LETTERS), "T16": {"l": "register_list"}}


def _cycles(acc: Access) -> int:
    return LOAD_CYCLES if acc.load else STORE_CYCLES


# -- A32 handlers --------------------------------------------------------------------------------

def _a32_single(name: str, extra: bool) -> None:
    """Register the immediate and register forms of one mnemonic, and of its
    unprivileged variant (P = 0, W = 1: post-indexed, user access)."""
    acc = ACCESSES[name]

    def offset(e, f, form):
        if form == "i":
            return f["imm"]
        if extra:
            return e.rd(f["rm"])
        return _shifted_register(e, f["rm"], f["stype"], f["imm"])

    def make(form, unpriv):
        def emit(e, f):
            p, w = (0, 1) if unpriv else (f["P"], f["W"])
            ldst_execute(e, acc, f["rt"], f["rn"], offset(e, f, form), bool(f["U"]),
                         index=p == 1, wback=p == 0 or w == 1, unpriv=unpriv)
        return emit

    for form in ("i", "r"):
        op(HANDLERS, "%s_%s" % (name, form), cycles=_cycles(acc))(make(form, False))
        op(HANDLERS, "%sT_%s" % (name, form), cycles=_cycles(acc))(make(form, True))


for _name in ("LDR", "LDRB", "STR", "STRB"):
    _a32_single(_name, extra=False)
for _name in ("LDRH", "LDRSB", "LDRSH", "STRH"):
    _a32_single(_name, extra=True)


def _a32_dual(load: bool, register: bool):
    def emit(e, f):
        t, p, w = f["rt"], f["P"], f["W"]
        if t & 1 or (p == 0 and w == 1):       # odd Rt, or P=0 W=1: UNPREDICTABLE
            e.unpredictable()
            return
        offset = e.rd(f["rm"]) if register else f["imm"]
        ldst_dual_execute(e, load, t, t + 1, f["rn"], offset, bool(f["U"]),
                          index=p == 1, wback=p == 0 or w == 1)
    return emit


for _form in ("i", "r"):
    op(HANDLERS, "LDRD_" + _form, cycles=LOAD_CYCLES + 1)(_a32_dual(True, _form == "r"))
    op(HANDLERS, "STRD_" + _form, cycles=STORE_CYCLES + 1)(_a32_dual(False, _form == "r"))


def _swap(size: int):
    """SWP/SWPB (A8.8.229): swap a word (aligned, A3.2.1) or a byte with
    memory.  ARMv7 with the Multiprocessing Extensions makes them UNDEFINED
    unless SCTLR.SW is set (B4.1.130), and SCTLR resets with SW clear; the
    translation cannot know SCTLR, so the test is made at run time."""
    def emit(e, f):
        t, t2, n = f["rt"], f["rt2"], f["rn"]
        if 15 in (t, t2, n) or n in (t, t2):
            e.unpredictable()
            return
        e.line("if not c.sys.sctlr & 0x%x:" % SCTLR_SW)
        e.indent(1)
        e.undefined()
        e.indent(-1)
        kind = "32a" if size == 4 else "8"
        e.line("a = R[%d]" % n)
        e.line("v = ld%s(a)" % kind)
        e.line("st%s(a, R[%d])" % (kind, t2))
        e.wr(t, "v")
    return emit


op(HANDLERS, "SWP", cycles=SWAP_CYCLES)(_swap(4))
op(HANDLERS, "SWPB", cycles=SWAP_CYCLES)(_swap(1))

EXCLUSIVE_SIZES = {"": 4, "B": 1, "H": 2, "D": 8}


def _exclusive(size: int, load: bool, isa: str):
    """LDREX*/STREX* for one size.  The doubleword forms take Rt2 from the
    encoding in T32 and use Rt+1 (Rt even, not LR) in A32."""
    def emit(e, f):
        t = f["rt"]
        t2 = None
        if size == 8:
            if isa == "A32":
                if t & 1 or t == 14:
                    e.unpredictable()
                    return
                t2 = t + 1
            else:
                t2 = f["rt2"]
        imm = f["imm"] << 2 if size == 4 and isa == "T32" else 0
        if load:
            ldrex_execute(e, size, t, t2, f["rn"], imm)
        else:
            strex_execute(e, size, f["rd"], t, t2, f["rn"], imm)
    return emit


for _suffix, _size in EXCLUSIVE_SIZES.items():
    for _isa, _prefix in (("A32", ""), ("T32", "T32_")):
        op(HANDLERS, _prefix + "LDREX" + _suffix, cycles=LOAD_CYCLES)(_exclusive(_size, True, _isa))
        op(HANDLERS, _prefix + "STREX" + _suffix, cycles=EXCLUSIVE_STORE_CYCLES)(
            _exclusive(_size, False, _isa))


@op(HANDLERS, "CLREX", "T32_CLREX")
def clrex(e, f):
    clrex_execute(e)


def _a32_multiple(load: bool, variant: Optional[str]):
    """LDM/STM in A32: P is "before", U is "increment"."""
    def emit(e, f):
        mask = f["register_list"] | (0x8000 if variant == ERET else 0)
        wback = variant != USER and f["W"] == 1
        ldst_multiple_execute(e, load, f["rn"], mask, bool(f["U"]), bool(f["P"]), wback, variant)
    return emit


op(HANDLERS, "STM", cycles=MULTIPLE_CYCLES)(_a32_multiple(False, None))
op(HANDLERS, "LDM", cycles=MULTIPLE_CYCLES)(_a32_multiple(True, None))
op(HANDLERS, "STM_usr", cycles=MULTIPLE_CYCLES)(_a32_multiple(False, USER))
op(HANDLERS, "LDM_usr", cycles=MULTIPLE_CYCLES)(_a32_multiple(True, USER))
op(HANDLERS, "LDM_eret", cycles=MULTIPLE_CYCLES)(_a32_multiple(True, ERET))


# -- T16 handlers -----------------------------------------------------------------------------------

def _t16_single(name: str, form: str):
    """Register offset, imm5 scaled by the access size, SP + imm8*4, or
    Align(PC, 4) + imm8*4; never writeback."""
    acc = ACCESSES[name]

    def emit(e, f):
        if form == "r":
            n, offset = f["rn"], e.rd(f["rm"])
        elif form == "i":
            n, offset = f["rn"], f["imm"] * acc.size
        else:
            n, offset = (13 if form == "sp" else 15), f["imm"] << 2
        ldst_execute(e, acc, f["rt"], n, offset, True, True, False)
    return emit


for _name in ACCESSES:
    op(HANDLERS, "T16_%s_r" % _name, cycles=_cycles(ACCESSES[_name]))(_t16_single(_name, "r"))
for _name in ("LDR", "STR", "LDRB", "STRB", "LDRH", "STRH"):
    op(HANDLERS, "T16_%s_i" % _name, cycles=_cycles(ACCESSES[_name]))(_t16_single(_name, "i"))
op(HANDLERS, "T16_LDR_sp", cycles=LOAD_CYCLES)(_t16_single("LDR", "sp"))
op(HANDLERS, "T16_STR_sp", cycles=STORE_CYCLES)(_t16_single("STR", "sp"))
op(HANDLERS, "T16_LDR_lit", cycles=LOAD_CYCLES)(_t16_single("LDR", "lit"))


@op(HANDLERS, "T16_PUSH", cycles=MULTIPLE_CYCLES)
def t16_push(e, f):
    """PUSH: STMDB SP!, with bit 8 of the list standing for LR."""
    lst = f["register_list"]
    ldst_multiple_execute(e, False, 13, (lst & 0xFF) | (lst >> 8) << 14, False, True, True)


@op(HANDLERS, "T16_POP", cycles=MULTIPLE_CYCLES)
def t16_pop(e, f):
    """POP: LDMIA SP!, with bit 8 of the list standing for PC."""
    lst = f["register_list"]
    ldst_multiple_execute(e, True, 13, (lst & 0xFF) | (lst >> 8) << 15, True, False, True)


@op(HANDLERS, "T16_STM", cycles=MULTIPLE_CYCLES)
def t16_stm(e, f):
    """STMIA Rn! (always writeback)."""
    ldst_multiple_execute(e, False, f["rn"], f["register_list"], True, False, True)


@op(HANDLERS, "T16_LDM", cycles=MULTIPLE_CYCLES)
def t16_ldm(e, f):
    """LDMIA Rn, with writeback exactly when Rn is not in the list."""
    n, lst = f["rn"], f["register_list"]
    ldst_multiple_execute(e, True, n, lst, True, False, not lst >> n & 1)


# -- T32 handlers -------------------------------------------------------------------------------------

def _t32_single(name: str) -> None:
    """The five forms of one T32 single-register mnemonic (see the table).
    In the U=0 forms Rn = PC means the literal form with the offset
    bits<11:0> subtracted; each form rebuilds those bits from its fields."""
    acc = ACCESSES[name]

    def literal(e, t, imm12):
        if acc.load:
            ldst_execute(e, acc, t, 15, imm12, False, True, False)
        else:
            e.undefined()

    def i12(e, f):
        if f["rn"] == 15 and not acc.load:
            e.undefined()
            return
        ldst_execute(e, acc, f["rt"], f["rn"], f["imm"], True, True, False)

    def neg(e, f):
        if f["rn"] == 15:
            literal(e, f["rt"], f["imm"])
        else:
            e.undefined()

    def i8(e, f):
        p, u, w = f["P"], f["U"], f["W"]
        if f["rn"] == 15:
            literal(e, f["rt"], 0x800 | p << 10 | u << 9 | w << 8 | f["imm"])
        elif p == 0 and w == 0:
            e.undefined()
        else:
            ldst_execute(e, acc, f["rt"], f["rn"], f["imm"], bool(u), p == 1, w == 1)

    def unpriv(e, f):
        if f["rn"] == 15:
            literal(e, f["rt"], 0xE00 | f["imm"])
        else:
            ldst_execute(e, acc, f["rt"], f["rn"], f["imm"], True, True, False, unpriv=True)

    def reg(e, f):
        if f["rn"] == 15:
            literal(e, f["rt"], f["imm"] << 4 | f["rm"])
        else:
            offset = _shifted_register(e, f["rm"], SRTYPE_LSL, f["imm"])
            ldst_execute(e, acc, f["rt"], f["rn"], offset, True, True, False)

    cycles = _cycles(acc)
    for suffix, emit in (("_i12", i12), ("_neg", neg), ("_i8", i8), ("T", unpriv), ("_r", reg)):
        op(HANDLERS, "T32_" + name + suffix, cycles=cycles)(emit)


for _name in T32_SINGLE:
    _t32_single(_name)


def _t32_dual(load: bool, pre: bool):
    """LDRD/STRD (immediate, literal): imm8*4; the P=0 W=0 space is the
    exclusives', so the post-indexed patterns have W=1 fixed."""
    def emit(e, f):
        wback = f["W"] == 1 if pre else True
        ldst_dual_execute(e, load, f["rt"], f["rt2"], f["rn"], f["imm"] << 2, bool(f["U"]),
                          index=pre, wback=wback)
    return emit


for _when in ("pre", "post"):
    op(HANDLERS, "T32_LDRD_" + _when, cycles=LOAD_CYCLES + 1)(_t32_dual(True, _when == "pre"))
    op(HANDLERS, "T32_STRD_" + _when, cycles=STORE_CYCLES + 1)(_t32_dual(False, _when == "pre"))


def _t32_multiple(load: bool, increment: bool):
    """LDM/STM (IA) and LDMDB/STMDB: the list is P:M:'0':list<12:0>, and
    P and M both set is UNPREDICTABLE."""
    def emit(e, f):
        lst = f["register_list"]
        mask = (lst >> 13) << 14 | (lst & 0x1FFF)
        if mask >> 14 == 3:
            e.unpredictable()
            return
        ldst_multiple_execute(e, load, f["rn"], mask, increment, not increment, f["W"] == 1)
    return emit


op(HANDLERS, "T32_STM", cycles=MULTIPLE_CYCLES)(_t32_multiple(False, True))
op(HANDLERS, "T32_LDM", cycles=MULTIPLE_CYCLES)(_t32_multiple(True, True))
op(HANDLERS, "T32_STMDB", cycles=MULTIPLE_CYCLES)(_t32_multiple(False, False))
op(HANDLERS, "T32_LDMDB", cycles=MULTIPLE_CYCLES)(_t32_multiple(True, False))
