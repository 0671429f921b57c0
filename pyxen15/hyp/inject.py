"""The verbs a trap handler uses to act on the guest, shared by every module
(as xen/arch/arm/traps.c has advance_pc, inject_undef_exception,
inject_dabt_exception, inject_pabt_exception).

All of them run in HYP mode with the guest's state in SPSR_hyp and
ELR_hyp, and return the address the core goes on at: the guest's code
after ERET, or the vector of the exception injected into the guest's PL1.
"""

from ..cpu.exceptions import VEC_DABT, VEC_PABT, VEC_UNDEF
from ..cpu.state import MODE_ABT, MODE_UND
from ..mmu_lpae import faults as F
from ..mmu_lpae.faults import Fault

MASK32 = 0xFFFFFFFF


def advance_pc(core, il: int) -> None:
    """Step ELR_hyp over the trapped instruction, whose length is the
    syndrome's IL (1: 32 bits; traps that report the instruction itself:
    WFI, MCR, SMC, a data abort emulated as MMIO)."""
    core.elr_hyp = (core.elr_hyp + (4 if il else 2)) & MASK32


def _to_guest(core, pc: int, mode: int, vector: int, lr_offset: int) -> int:
    """Leave HYP as if the guest had taken exception `mode` at `pc`:
    restore the guest's CPSR from SPSR_hyp (as ERET would), then take the
    exception architecturally (SPSR_<mode>, LR_<mode>, masks, VBAR)."""
    core.exception_return(pc, core.spsr)
    lr = 2 if core.T and mode == MODE_UND else lr_offset
    return core.enter_mode(mode, vector, pc, lr)


def inject_undef(core, pc: int = None) -> int:
    """An Undefined Instruction exception for the instruction at `pc`
    (default ELR_hyp: a trapped instruction's own address)."""
    return _to_guest(core, core.elr_hyp if pc is None else pc, MODE_UND, VEC_UNDEF, 4)


def inject_dabt(core, va: int, write: bool = False, pc: int = None) -> int:
    """A synchronous external Data Abort at `va` for the instruction at `pc`:
    DFAR = va, DFSR in the format the guest's TTBCR.EAE selects."""
    pc = core.elr_hyp if pc is None else pc
    fault = Fault(F.EXTERNAL, va, write=write)
    core.sys.dfar = va & MASK32
    core.sys.dfsr = core._fsr(fault)
    return _to_guest(core, pc, MODE_ABT, VEC_DABT, 8)


def inject_pabt(core, va: int, pc: int = None) -> int:
    """A synchronous external Prefetch Abort at `va`: IFAR, IFSR."""
    pc = core.elr_hyp if pc is None else pc
    fault = Fault(F.EXTERNAL, va, fetch=True)
    core.sys.ifar = va & MASK32
    core.sys.ifsr = core._fsr(fault)
    return _to_guest(core, pc, MODE_ABT, VEC_PABT, 4)
