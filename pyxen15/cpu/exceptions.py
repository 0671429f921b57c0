"""Exception entry and return (ARM ARM B1.8, B1.9; HYP mode B1.9.x and B3.12).

pyxen15 models a core without the Security Extensions, always in Non-secure
state (see README): no Monitor mode, no SCR, so the SCR.{EA,IRQ,FIQ,AW,FW}
qualifications of the pseudocode fall away.

Two entry paths, as in the pseudocode:

* ``enter_mode`` for PL1 modes: SPSR_<mode> = CPSR, LR_<mode> = preferred
  return + offset, masks per mode, T = SCTLR.TE, E = SCTLR.EE, vector from
  SCTLR.V / VBAR;
* ``enter_hyp_mode`` for HYP: SPSR_hyp = CPSR, ELR_hyp = preferred return,
  HSR written, A/I/F masked, T = HSCTLR.TE, E = HSCTLR.EE, vector HVBAR.

An exception routed to HYP from a Non-secure PL0/PL1 mode uses the Hyp Trap
vector (0x14); one taken while already in HYP uses the ordinary offset.
"""

from typing import Optional

from ..mmu_lpae import faults as F
from ..mmu_lpae.faults import Fault
from .state import (MODE_ABT, MODE_FIQ, MODE_HYP, MODE_IRQ, MODE_SVC,
                    MODE_SYS, MODE_UND, MODE_USR, VALID_MODES)

# Vector offsets (B1.8.1)
VEC_UNDEF, VEC_SVC, VEC_PABT, VEC_DABT, VEC_HYPTRAP, VEC_IRQ, VEC_FIQ = 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C

# HSR.EC values (B3.13.6, Table B3-20)
EC_UNKNOWN = 0x00
EC_WFI_WFE = 0x01
EC_MCR_MRC_CP15 = 0x03
EC_MCRR_MRRC_CP15 = 0x04
EC_MCR_MRC_CP14 = 0x05
EC_LDC_STC_CP14 = 0x06
EC_HCPTR = 0x07
EC_MRC_CP10 = 0x08
EC_MRRC_CP14 = 0x0C
EC_ILLEGAL = 0x0E
EC_SVC = 0x11
EC_HVC = 0x12
EC_SMC = 0x13
EC_PABT_LOWER = 0x20
EC_PABT_HYP = 0x21
EC_DABT_LOWER = 0x24
EC_DABT_HYP = 0x25

# Fault status codes, short-descriptor (B3.13.3) and long-descriptor (B3.13.4) formats
_SHORT_FS = {F.ALIGNMENT: 0b00001, F.EXTERNAL: 0b01000, F.DEBUG: 0b00010}
_SHORT_FS_LEVEL = {F.TRANSLATION: (0b00101, 0b00111), F.ACCESS_FLAG: (0b00011, 0b00110),
                   F.DOMAIN: (0b01001, 0b01011), F.PERMISSION: (0b01101, 0b01111)}
_LONG_FS = {F.TRANSLATION: 0b000100, F.ACCESS_FLAG: 0b001000, F.PERMISSION: 0b001100,
            F.EXTERNAL: 0b010000, F.ALIGNMENT: 0b100001, F.DEBUG: 0b100010}


def short_fsr(fault: Fault) -> int:
    """DFSR/IFSR in the short-descriptor format: FS[4] at bit 10, FS[3:0], domain."""
    if fault.kind in _SHORT_FS_LEVEL:
        fs = _SHORT_FS_LEVEL[fault.kind][0 if fault.level <= 1 else 1]
    else:
        fs = _SHORT_FS[fault.kind]
    value = ((fs >> 4) << 10) | (fs & 0xF) | (fault.domain << 4)
    if fault.write and not fault.fetch:
        value |= 1 << 11
    return value


def long_fsc(fault: Fault) -> int:
    """The 6-bit long-descriptor status code (also HSR's DFSC/IFSC)."""
    code = _LONG_FS[fault.kind]
    if fault.kind in (F.TRANSLATION, F.ACCESS_FLAG, F.PERMISSION):
        code |= fault.level & 3
    return code


class ExceptionsMixin:
    """Exception entry/return for Core; `self` is the core."""

    # -- the two entry paths -----------------------------------------------------

    def enter_mode(self, mode: int, vect_offset: int, return_address: int, lr_offset: int) -> int:
        """Take an exception to a PL1 mode; returns the vector address."""
        spsr = self.get_cpsr()
        self.switch_mode(mode)
        self.spsr = spsr
        self.r[14] = (return_address + lr_offset) & 0xFFFFFFFF
        if mode == MODE_FIQ:
            self.A = self.I = self.F = 1
        elif mode in (MODE_ABT, MODE_IRQ):
            self.A = self.I = 1
        else:
            self.I = 1
        sctlr = self.sys.sctlr
        self.T = (sctlr >> 30) & 1
        self.set_endianness((sctlr >> 25) & 1)
        self.IT = 0
        self.halted = False
        self.attention = True
        base = 0xFFFF0000 if sctlr & (1 << 13) else self.sys.vbar & ~0x1F
        return (base + vect_offset) & 0xFFFFFFFF

    def enter_hyp_mode(self, vect_offset: int, return_address: int, hsr: Optional[int]) -> int:
        """Take an exception to HYP mode; `hsr` is None for IRQ/FIQ (HSR unchanged)."""
        spsr = self.get_cpsr()
        self.switch_mode(MODE_HYP)
        self.spsr = spsr
        self.elr_hyp = return_address & 0xFFFFFFFF
        if hsr is not None:
            self.sys.hsr = hsr
        self.A = self.I = self.F = 1
        hsctlr = self.sys.hsctlr
        self.T = (hsctlr >> 30) & 1
        self.set_endianness((hsctlr >> 25) & 1)
        self.IT = 0
        self.halted = False
        self.attention = True
        target = (self.sys.hvbar & ~0x1F) + vect_offset
        if self.hyp_trap is not None:
            # The Python hypervisor: the exception is taken architecturally,
            # then handled in Python instead of fetching from HVBAR.
            return self.hyp_trap(self, vect_offset, target)
        return target

    def set_endianness(self, big: int) -> None:
        self.E = big
        self.sync_endianness()

    def sync_endianness(self) -> None:
        """After any write of CPSR.E: big-endian data accesses take the TLB's slow path."""
        if self.tlb.big_endian != bool(self.E):
            self.tlb.big_endian = bool(self.E)
            self.tlb.flush()

    # -- who takes what ------------------------------------------------------------

    @property
    def in_hyp(self) -> bool:
        return self.mode == MODE_HYP

    def _route_to_hyp_tge(self) -> bool:
        """HCR.TGE routes PL0's Undef, SVC and aborts to HYP (B1.14.1)."""
        return self.mode == MODE_USR and bool(self.sys.hcr & (1 << 27))

    def hsr_value(self, ec: int, iss: int, thumb16: bool = False) -> int:
        """HSR: EC, IL (0 for a 16-bit Thumb instruction), ISS."""
        return (ec << 26) | ((0 if thumb16 else 1) << 25) | (iss & 0x1FFFFFF)

    def take_undef(self, pc: int) -> int:
        """Undefined Instruction exception for the instruction at `pc`."""
        if self.in_hyp or self._route_to_hyp_tge():
            vec = VEC_UNDEF if self.in_hyp else VEC_HYPTRAP
            return self.enter_hyp_mode(vec, pc, self.hsr_value(EC_UNKNOWN, 0))
        return self.enter_mode(MODE_UND, VEC_UNDEF, pc, 2 if self.T else 4)

    def take_svc(self, pc: int, imm: int, size: int) -> int:
        """Supervisor Call; the preferred return is the next instruction."""
        nxt = (pc + size) & 0xFFFFFFFF
        if self.on_svc is not None:
            result = self.on_svc(self, imm, pc)
            if result is not None:
                return result
        if self.in_hyp or self._route_to_hyp_tge():
            vec = VEC_SVC if self.in_hyp else VEC_HYPTRAP
            return self.enter_hyp_mode(vec, nxt, self.hsr_value(EC_SVC, imm & 0xFFFF, size == 2))
        return self.enter_mode(MODE_SVC, VEC_SVC, nxt, 0)

    def take_hvc(self, pc: int, imm: int) -> int:
        """Hypervisor Call (B9.3.4): to HYP, HSR.EC = 0x12, ISS = imm16."""
        nxt = (pc + 4) & 0xFFFFFFFF
        vec = VEC_SVC if self.in_hyp else VEC_HYPTRAP
        return self.enter_hyp_mode(vec, nxt, self.hsr_value(EC_HVC, imm & 0xFFFF))

    def take_hyp_trap(self, pc: int, ec: int, iss: int, thumb16: bool = False) -> int:
        """A trapped instruction (WFI under HCR.TWI, MCR under HSTR, ...): the
        preferred return is the trapped instruction itself."""
        return self.enter_hyp_mode(VEC_HYPTRAP, pc, self.hsr_value(ec, iss, thumb16))

    def take_prefetch_abort(self, pc: int, fault: Fault) -> int:
        if self.in_hyp or fault.stage == 2 or self._route_to_hyp_tge():
            self.sys.hifar = fault.va
            if fault.stage == 2 and fault.ipa is not None:
                self.sys.hpfar = (fault.ipa >> 8) & ~0xF
            ec = EC_PABT_HYP if self.in_hyp else EC_PABT_LOWER
            iss = long_fsc(fault) | ((1 << 7) if fault.s1ptw else 0)
            return self.enter_hyp_mode(VEC_PABT if self.in_hyp else VEC_HYPTRAP, pc,
                                       self.hsr_value(ec, iss))
        self.sys.ifar = fault.va
        self.sys.ifsr = self._fsr(fault)
        return self.enter_mode(MODE_ABT, VEC_PABT, pc, 4)

    def take_data_abort(self, pc: int, fault: Fault, iss_extra: int = 0) -> int:
        if self.in_hyp or fault.stage == 2 or self._route_to_hyp_tge():
            self.sys.hdfar = fault.va
            if fault.stage == 2 and fault.ipa is not None:
                self.sys.hpfar = (fault.ipa >> 8) & ~0xF
            ec = EC_DABT_HYP if self.in_hyp else EC_DABT_LOWER
            iss = iss_extra | long_fsc(fault) | ((1 << 6) if fault.write else 0) | \
                ((1 << 7) if fault.s1ptw else 0)
            return self.enter_hyp_mode(VEC_DABT if self.in_hyp else VEC_HYPTRAP, pc,
                                       self.hsr_value(ec, iss))
        self.sys.dfar = fault.va
        self.sys.dfsr = self._fsr(fault)
        return self.enter_mode(MODE_ABT, VEC_DABT, pc, 8)

    def _fsr(self, fault: Fault) -> int:
        if self.sys.ttbcr & (1 << 31):            # TTBCR.EAE: long-descriptor format
            value = long_fsc(fault) | (1 << 9)
            if fault.write and not fault.fetch:
                value |= 1 << 11
            return value
        return short_fsr(fault)

    # -- interrupts ----------------------------------------------------------------

    def check_interrupts(self, pc: int) -> int:
        """Take a pending, unmasked IRQ or FIQ before the instruction at `pc`.

        With HCR.IMO/FMO set, physical interrupts go to HYP and CPSR.I/F do
        not mask them below HYP; HCR.VI/VF then signal virtual ones to PL1
        (B1.8.4, B1.14.3).  WFI wakes on any pending interrupt, masked or not.
        """
        hcr = self.sys.hcr
        fiq, irq = self.fiq_line, self.irq_line
        if fiq or irq:
            self.halted = False
        in_hyp = self.mode == MODE_HYP
        if fiq:
            if hcr & (1 << 3) and not in_hyp:
                return self.enter_hyp_mode(VEC_FIQ, pc, None)
            if not self.F:
                return self._take_pl1_or_hyp_irq(MODE_FIQ, VEC_FIQ, pc)
        if irq:
            if hcr & (1 << 4) and not in_hyp:
                return self.enter_hyp_mode(VEC_IRQ, pc, None)
            if not self.I:
                return self._take_pl1_or_hyp_irq(MODE_IRQ, VEC_IRQ, pc)
        if not in_hyp:
            if hcr & (1 << 6) and hcr & (1 << 3):        # VF, under FMO
                self.halted = False
                if not self.F:
                    return self.enter_mode(MODE_FIQ, VEC_FIQ, pc, 4)
            if hcr & (1 << 7) and hcr & (1 << 4):        # VI, under IMO
                self.halted = False
                if not self.I:
                    return self.enter_mode(MODE_IRQ, VEC_IRQ, pc, 4)
        return pc

    def _take_pl1_or_hyp_irq(self, mode: int, vec: int, pc: int) -> int:
        if self.mode == MODE_HYP:
            return self.enter_hyp_mode(vec, pc, None)
        return self.enter_mode(mode, vec, pc, 4)

    # -- returns ---------------------------------------------------------------------

    def exception_return(self, address: int, spsr: int) -> int:
        """Restore CPSR from `spsr` and branch (RFE, LDM ^, SUBS PC, LR, ERET)."""
        self.write_cpsr_exception_return(spsr)
        self.attention = True
        if self.T:
            return address & 0xFFFFFFFE
        return address & 0xFFFFFFFC

    def write_cpsr_exception_return(self, spsr: int) -> None:
        """CPSRWriteByInstr for an exception return: every field, but an illegal
        mode change (to a reserved mode, or to HYP from below) keeps the mode."""
        new_mode = spsr & 0x1F
        if new_mode not in VALID_MODES or (new_mode == MODE_HYP and self.mode != MODE_HYP):
            spsr = (spsr & ~0x1F) | self.mode
        self.set_cpsr(spsr)
        self.sync_endianness()

    def alu_exception_return(self, address: int) -> int:
        """SUBS PC, LR and friends (B9.3.20): CPSR = SPSR, then branch.
        UNPREDICTABLE in User and System mode, which have no SPSR: there it
        is a plain branch."""
        if self.mode in (MODE_USR, MODE_SYS):
            return address & (0xFFFFFFFE if self.T else 0xFFFFFFFC)
        return self.exception_return(address, self.spsr)

    def eret(self) -> int:
        """ERET (B9.3.3): in HYP, return to ELR_hyp; elsewhere as SUBS PC, LR, #0."""
        if self.mode == MODE_HYP:
            return self.exception_return(self.elr_hyp, self.spsr)
        return self.exception_return(self.r[14], self.spsr)
