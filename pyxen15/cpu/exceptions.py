"""Exception entry and return (ARM ARM B1.8, B1.9; HYP mode B1.9.x and B3.12).

pyxen15 models a core with the Virtualization Extensions but without
modelled Security Extensions: it is always in Non-secure state, there is no
Monitor mode and no SCR, so the SCR.{EA,IRQ,FIQ,AW,FW,NS} qualifications of
the pseudocode fall away (SCR.NS reads as 1, SCR.HCE as 1).

Two entry paths, as in the pseudocode:

* :meth:`ExceptionsMixin.enter_mode` for PL1 modes: SPSR_<mode> = CPSR,
  LR_<mode> = preferred return + offset, masks per mode, T = SCTLR.TE,
  E = SCTLR.EE, vector from SCTLR.V / VBAR (ExcVectorBase());
* :meth:`ExceptionsMixin.enter_hyp_mode` (EnterHypMode()): SPSR_hyp = CPSR,
  ELR_hyp = preferred return, HSR written by the caller (WriteHSR()),
  A/I/F masked, T = HSCTLR.TE, E = HSCTLR.EE, vector HVBAR + offset.

An exception taken *in* HYP mode uses its ordinary vector offset (0x04
Undefined, 0x08 SVC/HVC, 0x0C/0x10 aborts); one routed to HYP from a
Non-secure PL0/PL1 mode (a trap, HVC, HCR.TGE, a stage-2 abort) uses the
Hyp Trap vector 0x14.  IRQ and FIQ always use 0x18 and 0x1C (B1.8.1).

The preferred return addresses and LR offsets (B1.8.3, Table B1-7):

    exception        preferred return       LR_<mode> (ARM and Thumb)
    Undefined        this instruction        + 4 (ARM) / + 2 (Thumb)
    SVC              next instruction        + 0
    Prefetch Abort   this instruction        + 4
    Data Abort       this instruction        + 8
    IRQ / FIQ        next to execute         + 4
    HVC              next instruction        (ELR_hyp only)
    HYP traps        this instruction        (ELR_hyp only)

The Python hypervisor enters at one place: ``hyp_trap(core, vect_offset,
target)`` is called after every architectural entry to HYP mode, and what
it returns is where the core goes on.
"""

from typing import Optional

from ..mmu_lpae import faults as F
from ..mmu_lpae.faults import Fault
from .syndrome import (EC_HVC, EC_SMC, EC_SVC, EC_UNKNOWN, EC_WFI_WFE, LONG_FS_ASYNC_EXTERNAL,
                       SHORT_FS_ASYNC_EXTERNAL, abort_syndrome, hsr_value, long_fsr, short_fs_bits,
                       short_fsr)
from .interrupts import HALT_WFE, HALT_WFI, send_event_to
from .state import (MODE_ABT, MODE_FIQ, MODE_HYP, MODE_IRQ, MODE_SVC,
                    MODE_SYS, MODE_UND, MODE_USR, VALID_MODES)

MASK32 = 0xFFFFFFFF

# Vector offsets (B1.8.1)
VEC_UNDEF, VEC_SVC, VEC_PABT, VEC_DABT = 0x04, 0x08, 0x0C, 0x10
VEC_HYPTRAP, VEC_IRQ, VEC_FIQ = 0x14, 0x18, 0x1C
VEC_HVC = VEC_SVC            # HVC taken in HYP mode uses the SVC/HVC slot

# HCR bits (B4.1.65) used here
HCR_FMO, HCR_IMO, HCR_AMO = 1 << 3, 1 << 4, 1 << 5
HCR_VF, HCR_VI, HCR_VA = 1 << 6, 1 << 7, 1 << 8
HCR_TWI, HCR_TWE = 1 << 13, 1 << 14
HCR_TSC = 1 << 19
HCR_TGE = 1 << 27
HDCR_TDE = 1 << 8            # route debug exceptions to HYP (B4.1.66)

class ExceptionsMixin:
    """Exception entry/return, CPSR writes by instructions, WFI/WFE/SEV;
    `self` is the core."""

    # -- the two entry paths -----------------------------------------------------

    def enter_mode(self, mode: int, vect_offset: int, return_address: int, lr_offset: int) -> int:
        """Take an exception to a PL1 mode (the tail of TakeUndefInstrException()
        and friends, B1.9); returns the vector address."""
        spsr = self.get_cpsr()
        from_mode = self.mode
        self.switch_mode(mode)
        self.spsr = spsr
        self.r[14] = (return_address + lr_offset) & MASK32
        # CPSR.I is always set; A as well for aborts and interrupts (with the
        # Virtualization Extensions, SCR.AW no longer matters); F for FIQ.
        self.I = 1
        if mode in (MODE_ABT, MODE_IRQ, MODE_FIQ):
            self.A = 1
        if mode == MODE_FIQ:
            self.F = 1
        sctlr = self.sys.sctlr
        self.T = (sctlr >> 30) & 1                 # SCTLR.TE
        self.set_endianness((sctlr >> 25) & 1)     # SCTLR.EE
        self.IT = 0
        self.halted = False
        self.attention = True
        base = 0xFFFF0000 if sctlr & (1 << 13) else self.sys.vbar & ~0x1F     # ExcVectorBase()
        vector = (base + vect_offset) & MASK32
        if self.exception_hook is not None:          # pyxen15/hooks.py
            self.exception_hook(self, mode, from_mode, vect_offset, vector, return_address, None)
        return vector

    def enter_hyp_mode(self, vect_offset: int, return_address: int, hsr: Optional[int]) -> int:
        """EnterHypMode() (B1.9.x): `hsr` is the syndrome to write, or None
        for IRQ and FIQ (HSR becomes UNKNOWN: left as it is)."""
        spsr = self.get_cpsr()
        from_mode = self.mode
        was_hyp = from_mode == MODE_HYP
        self.switch_mode(MODE_HYP)
        self.spsr = spsr
        self.elr_hyp = return_address & MASK32
        if hsr is not None:
            self.sys.hsr = hsr
        self.A = self.I = self.F = 1
        hsctlr = self.sys.hsctlr
        self.T = (hsctlr >> 30) & 1                # HSCTLR.TE
        self.set_endianness((hsctlr >> 25) & 1)    # HSCTLR.EE
        self.IT = 0
        self.halted = False
        self.attention = True
        if not was_hyp:
            self.sys.regime_changed()
        target = ((self.sys.hvbar & ~0x1F) + vect_offset) & MASK32
        if self.exception_hook is not None:
            # pyxen15/hooks.py: after the architectural entry, before the
            # hypervisor's handler (a debugger shows the trap, then steps in)
            self.exception_hook(self, MODE_HYP, from_mode, vect_offset, target,
                                self.elr_hyp, hsr)
        if self.hyp_trap is not None:
            # The Python hypervisor: the exception is taken architecturally,
            # then handled in Python instead of fetching from HVBAR.
            return self.hyp_trap(self, vect_offset, target)
        return target

    def set_endianness(self, big: int) -> None:
        self.E = big
        self.sync_endianness()

    def sync_endianness(self) -> None:
        """After any write of CPSR.E: data endianness is part of the soft-TLB
        context (big-endian contexts take the slow path for every access)."""
        if self.tlb.big_endian != bool(self.E):
            self.update_context()

    # -- who takes what ------------------------------------------------------------

    @property
    def in_hyp(self) -> bool:
        return self.mode == MODE_HYP

    def _route_to_hyp_tge(self) -> bool:
        """HCR.TGE routes exceptions from Non-secure PL0 to HYP (B1.14.1)."""
        return self.mode == MODE_USR and bool(self.sys.hcr & HCR_TGE)

    def take_undef(self, pc: int) -> int:
        """TakeUndefInstrException() (B1.9.7) for the instruction at `pc`.

        In HYP mode, or from User mode with HCR.TGE set, the exception goes to
        HYP with HSR.EC = 0x00 (unknown reason)."""
        if self.in_hyp or self._route_to_hyp_tge():
            vec = VEC_UNDEF if self.in_hyp else VEC_HYPTRAP
            return self.enter_hyp_mode(vec, pc, hsr_value(EC_UNKNOWN, 0))
        return self.enter_mode(MODE_UND, VEC_UNDEF, pc, 2 if self.T else 4)

    def take_svc(self, pc: int, imm: int, size: int) -> int:
        """CallSupervisor() / TakeSVCException() (B1.9.8): the preferred return
        is the next instruction; HSR.ISS gets imm16 (the low 16 bits of
        imm24 in ARM state) when the exception goes to HYP."""
        nxt = (pc + size) & MASK32
        if self.on_svc is not None:
            result = self.on_svc(self, imm, pc)
            if result is not None:
                return result
        if self.in_hyp or self._route_to_hyp_tge():
            vec = VEC_SVC if self.in_hyp else VEC_HYPTRAP
            return self.enter_hyp_mode(vec, nxt, hsr_value(EC_SVC, imm & 0xFFFF, size == 4))
        return self.enter_mode(MODE_SVC, VEC_SVC, nxt, 0)

    def take_hvc(self, pc: int, imm: int) -> int:
        """CallHypervisor() / TakeHVCException() (B1.9.x): HSR.EC = 0x12,
        ISS = imm16, ELR_hyp = the next instruction (HVC is always 32 bits).
        The caller has checked that HVC is not UNDEFINED (User mode)."""
        nxt = (pc + 4) & MASK32
        vec = VEC_HVC if self.in_hyp else VEC_HYPTRAP
        return self.enter_hyp_mode(vec, nxt, hsr_value(EC_HVC, imm & 0xFFFF))

    def take_smc(self, pc: int) -> int:
        """SMC (B9.3.14).  With no Security Extensions modelled SMC is
        UNDEFINED, except that HCR.TSC traps it from Non-secure PL1 to HYP
        (HSR.EC = 0x13; the preferred return is the SMC itself).  SMC is
        UNDEFINED in User mode whatever HCR.TSC says."""
        if self.mode not in (MODE_USR, MODE_HYP) and self.sys.hcr & HCR_TSC:
            return self.take_hyp_trap(pc, EC_SMC, 0)
        return self.take_undef(pc)

    def take_bkpt(self, pc: int) -> int:
        """BKPT (A8.8.24): a software breakpoint debug event.  As on a
        Cortex-A15 with halting debug disabled it is taken as a Prefetch
        Abort with the debug-event status (IFSR.FS = 0b00010; IFAR UNKNOWN,
        set to the PC here); HDCR.TDE routes it to HYP (C3.4.x)."""
        return self.take_prefetch_abort(pc, Fault(F.DEBUG, pc, fetch=True))

    def take_hyp_trap(self, pc: int, ec: int, iss: int, thumb16: bool = False) -> int:
        """TakeHypTrapException() (B1.9.x): a trapped instruction (WFI under
        HCR.TWI, MCR under HSTR, SMC under HCR.TSC, ...) from Non-secure
        PL0/PL1.  The preferred return is the trapped instruction itself."""
        return self.enter_hyp_mode(VEC_HYPTRAP, pc, hsr_value(ec, iss, not thumb16))

    def _abort_to_hyp(self, fault: Fault) -> bool:
        """The route_to_hyp / take_to_hyp tests of TakePrefetchAbortException()
        and TakeDataAbortException() (B1.9.9, B1.9.10), for synchronous aborts."""
        if self.in_hyp or fault.stage == 2:
            return True
        if fault.kind == F.DEBUG:
            return bool(self.sys.hdcr & HDCR_TDE)
        return self._route_to_hyp_tge() and fault.kind in (F.ALIGNMENT, F.EXTERNAL)

    def take_prefetch_abort(self, pc: int, fault: Fault) -> int:
        """TakePrefetchAbortException() (B1.9.9); LR_abt = pc + 4."""
        if self._abort_to_hyp(fault):
            self.sys.hifar = fault.va & MASK32
            self._write_hpfar(fault)
            return self.enter_hyp_mode(VEC_PABT if self.in_hyp else VEC_HYPTRAP, pc,
                                       abort_syndrome(fault, self.in_hyp).value)
        self.sys.ifar = fault.va & MASK32
        self.sys.ifsr = self._fsr(fault)
        return self.enter_mode(MODE_ABT, VEC_PABT, pc, 4)

    def take_data_abort(self, pc: int, fault: Fault, iss: int = 0, thumb16: bool = False) -> int:
        """TakeDataAbortException() (B1.9.10); LR_abt = pc + 8.

        `iss` is the instruction syndrome for HSR (ISV, SAS, SSE, SRT) when
        the faulting instruction provides one (a single load or store of a
        general-purpose register: cpu/ops/loadstore.py); it is valid only
        for a stage-2 fault that is not on a stage-1 table walk, and then
        HSR.IL is the instruction's length (`thumb16`)."""
        if self._abort_to_hyp(fault):
            self.sys.hdfar = fault.va & MASK32
            self._write_hpfar(fault)
            if fault.stage != 2 or fault.s1ptw or fault.kind == F.EXTERNAL_WALK:
                iss = 0
            return self.enter_hyp_mode(VEC_DABT if self.in_hyp else VEC_HYPTRAP, pc,
                                       abort_syndrome(fault, self.in_hyp, iss, thumb16).value)
        self.sys.dfar = fault.va & MASK32
        self.sys.dfsr = self._fsr(fault)
        return self.enter_mode(MODE_ABT, VEC_DABT, pc, 8)

    def _write_hpfar(self, fault: Fault) -> None:
        """HPFAR (B4.1.72): IPA[39:12] in bits 31:4 for a stage-2 fault."""
        if fault.stage == 2 and fault.ipa is not None:
            self.sys.hpfar = (fault.ipa >> 8) & 0xFFFFFFF0

    def _fsr(self, fault: Fault) -> int:
        """DFSR/IFSR in the format TTBCR.EAE selects (B4.1.52, B4.1.96)."""
        if self.sys.ttbcr & (1 << 31):
            return long_fsr(fault)
        return short_fsr(fault)

    # -- interrupts (delivery is interrupts.py; this is the entry) ---------------------

    def take_virtual_abort(self, pc: int) -> int:
        """TakeVirtualAbortException() (B1.9.x): an asynchronous abort to
        Abort mode, LR = boundary + 8, DFSR = asynchronous external abort
        (DFAR UNKNOWN, left alone).  Taking it clears HCR.VA, as a virtual
        abort is a one-shot event."""
        self.sys.hcr &= ~HCR_VA
        if self.sys.ttbcr & (1 << 31):
            self.sys.dfsr = LONG_FS_ASYNC_EXTERNAL | (1 << 9)
        else:
            self.sys.dfsr = short_fs_bits(SHORT_FS_ASYNC_EXTERNAL)
        return self.enter_mode(MODE_ABT, VEC_DABT, pc, 8)

    # -- WFI, WFE, SEV (B1.8.13, A8.8.424-A8.8.426) ----------------------------------

    def wfi(self, pc: int, iss: int, thumb16: bool = False) -> Optional[int]:
        """WaitForInterrupt(): halt until an interrupt is pending (masked or
        not), or trap to HYP under HCR.TWI from PL0/PL1 (HSR.EC = 0x01,
        ISS.TI = 0).  Returns the trap's vector, or None: the block ends and
        the engine skips virtual time to the next event."""
        if self.mode != MODE_HYP and self.sys.hcr & HCR_TWI:
            return self.take_hyp_trap(pc, EC_WFI_WFE, iss & ~1, thumb16)
        self.halted = HALT_WFI
        self.attention = True
        return None

    def wfe(self, pc: int, iss: int, thumb16: bool = False) -> Optional[int]:
        """WaitForEvent(): a set event register is cleared and WFE completes;
        otherwise WFE would suspend, and then HCR.TWE traps it from PL0/PL1
        (ISS.TI = 1), or the core halts like WFI.  A halted WFE wakes on any
        pending interrupt, a spurious wake-up the architecture allows, and
        on an event (interrupts.send_event_to)."""
        if self.event_register:
            self.event_register = False
            return None
        if self.mode != MODE_HYP and self.sys.hcr & HCR_TWE:
            return self.take_hyp_trap(pc, EC_WFI_WFE, iss | 1, thumb16)
        self.halted = HALT_WFE
        self.attention = True
        return None

    def sev(self) -> None:
        """SendEvent(): an event to every core of the machine, this one included."""
        for core in self.events.cores:
            send_event_to(core)

    # -- CPSR and SPSR writes by instructions (B1.3.3) ----------------------------------

    def cpsr_write_by_instr(self, value: int, bytemask: int, is_excpt_return: bool) -> None:
        """CPSRWriteByInstr() (B1.3.3): MSR, CPS and the exception returns.

        bytemask<3>: N, Z, C, V, Q (and IT<1:0>, J on an exception return);
        <2>: GE; <1>: E (writable in User mode), A (privileged), IT<7:2>
        (exception return); <0>: I, F (privileged), T (exception return),
        M (privileged).  An illegal mode change -- a reserved or Monitor
        mode, into HYP from below, out of HYP other than by an exception
        return -- is UNPREDICTABLE; the mode is left unchanged.  Unmasking
        A, I or F raises `attention` so pending interrupts are taken.
        """
        privileged = self.mode != MODE_USR
        if bytemask & 8:
            self.set_flags(value)
            if is_excpt_return:
                self.IT = (self.IT & 0xFC) | ((value >> 25) & 3)
        if bytemask & 4:
            self.GE = (value >> 16) & 0xF
        unmasked = False
        if bytemask & 2:
            if is_excpt_return:
                self.IT = (self.IT & 3) | (((value >> 10) & 0x3F) << 2)
            if (value >> 9) & 1 != self.E:
                self.set_endianness((value >> 9) & 1)
            if privileged:
                a = (value >> 8) & 1
                unmasked |= self.A and not a
                self.A = a
        if bytemask & 1:
            if privileged:
                i = (value >> 7) & 1
                unmasked |= self.I and not i
                self.I = i
                f = (value >> 6) & 1
                nmfi = self.sys.sctlr & (1 << 27)        # SCTLR.NMFI: F cannot be set by software
                if not (nmfi and f):
                    unmasked |= self.F and not f
                    self.F = f
            if is_excpt_return:
                self.T = (value >> 5) & 1
            if privileged:
                new = value & 0x1F
                if self._mode_change_allowed(new, is_excpt_return):
                    old = self.mode
                    self.switch_mode(new)
                    if (old == MODE_HYP) != (new == MODE_HYP):
                        self.sys.regime_changed()
        if unmasked:
            self.attention = True

    def _mode_change_allowed(self, new: int, is_excpt_return: bool) -> bool:
        if new == self.mode:
            return True
        if new not in VALID_MODES:             # reserved, or Monitor (no Security Extensions)
            return False
        if new == MODE_HYP:                    # HYP is entered only by an exception
            return False
        if self.mode == MODE_HYP and not is_excpt_return:
            return False
        return True

    def spsr_write_by_instr(self, value: int, bytemask: int) -> None:
        """SPSRWriteByInstr() (B1.3.3): MSR SPSR_<fields>.  The caller has
        made User and System mode (no SPSR: UNPREDICTABLE) UNDEFINED.  A
        reserved mode value is UNPREDICTABLE: M is then left unchanged."""
        spsr = self.spsr
        for byte in range(4):
            if bytemask & (1 << byte):
                field = 0xFF << (8 * byte)
                if byte == 2:
                    field = 0x000F0000              # bits 23:20 are reserved
                elif byte == 0 and (value & 0x1F) not in VALID_MODES:
                    field = 0xE0
                spsr = (spsr & ~field) | (value & field)
        self.spsr = spsr

    # -- returns ---------------------------------------------------------------------

    def exception_return(self, address: int, spsr: int) -> int:
        """Restore CPSR from `spsr` and branch (RFE, LDM ^, SUBS PC, LR, ERET):
        CPSRWriteByInstr(spsr, '1111', TRUE) then BranchWritePC() in the
        restored instruction set."""
        self.cpsr_write_by_instr(spsr, 0xF, True)
        self.attention = True
        if self.T:
            return address & 0xFFFFFFFE
        return address & 0xFFFFFFFC

    def alu_exception_return(self, address: int, pc: Optional[int] = None) -> int:
        """SUBS PC, LR and related instructions (B9.3.20): CPSR = SPSR, then branch.

        UNDEFINED in HYP mode (when the caller passes the instruction's `pc`;
        without it the return is performed).  UNPREDICTABLE in User and
        System mode, which have no SPSR: there it is a plain branch."""
        if pc is not None and self.mode == MODE_HYP:
            return self.take_undef(pc)
        if self.mode in (MODE_USR, MODE_SYS):
            return address & (0xFFFFFFFE if self.T else 0xFFFFFFFC)
        return self.exception_return(address, self.spsr)

    def eret(self, pc: Optional[int] = None) -> int:
        """ERET (B9.3.3): in HYP, return to ELR_hyp with SPSR_hyp; in other
        PL1 modes it is SUBS PC, LR, #0.  In User and System mode it is
        UNPREDICTABLE: UNDEFINED here when the caller passes `pc`."""
        if self.mode == MODE_HYP:
            return self.exception_return(self.elr_hyp, self.spsr)
        if pc is not None and self.mode in (MODE_USR, MODE_SYS):
            return self.take_undef(pc)
        return self.exception_return(self.r[14], self.spsr)
