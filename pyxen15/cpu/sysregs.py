"""System control registers: CP15 and the few CP14 ones, as one declarative table.

Each register is one row (:func:`reg` for MCR/MRC, :func:`reg64` for
MCRR/MRRC): its encoding, who may access it, which hypervisor trap applies,
its reset value and how reads and writes behave.  Sources: ARM ARM
(DDI 0406C) B3.17 (the CP15 register summary), B4.1 (the register
descriptions), B8 (generic timer), C12 (PMU), C11 (debug registers); the
Cortex-A15 TRM (DDI 0438) for the implementation's ID values.

Access rights (``access``) are written ``"PL0_R PL1_RW"``: each token grants
the right at that privilege level and every higher one, because Non-secure
PL2 (HYP mode) may access every Non-secure PL1 register (B4.1).  A missing
right is UNDEFINED.  Where PL0 access depends on a control bit (PMUSERENR.EN,
CNTKCTL, TEECR.XED) the row's ``pl0`` callable decides.

Traps (``trap``) name the controls that send a Non-secure PL0/PL1 access to
HYP mode (B1.14): HCR.TVM/TID0-3/TIDCP/TAC/TSW/TPC/TPU/TTLB, HDCR.TPM/
TPMCR/TDA/TDRA/TDOSA, HSTR.TTEE/TJDBX and CNTHCTL.PL1PCTEN/PL1PCEN; a ``:rw``
suffix overrides the direction a control traps.  HSTR.T<n> applies to
every CP15 row by its primary register (CRn, or CRm for 64-bit accesses),
allocated or not, and HCR.TIDCP to the IMPLEMENTATION DEFINED space.

The checks run in the ARM ARM's priority order (the per-register
pseudocode of the ARMv8 ARM states it for AArch32): an access PL0 may not
make is UNDEFINED first; then, from PL0/PL1, HSTR, HCR.TIDCP and the fine
traps go to HYP; then a missing PL1/PL2 right is UNDEFINED.  An unknown
encoding behaves as a register no one may access, so it is trapped by HSTR
and otherwise UNDEFINED -- never a Python exception.

Values live in plain attributes of :class:`SysRegs` named after the
register in lower case (``c.sys.sctlr``, ``c.sys.hcr``, ``c.sys.ttbr0`` as
the 64-bit register the 32-bit TTBR0 is the low half of), so the core and
the MMU read them without a call.  Other modules (timer, MMU, hypervisor)
attach behaviour to a register with :meth:`SysRegs.on_write`.

Cache maintenance is a no-op, the I-cache invalidates included.  The
translated blocks are the model's I-cache, and they never go stale: a
core's store into translated bytes drops their blocks on every core before
it lands (mmu_lpae/tlb.py), and so does any other write into RAM, which
goes through the bus (loaders, debuggers, devices: machine.py,
``Bus.on_ram_write``).  So the architecture's "clean D, invalidate I"
sequences need nothing.  (ICIALLU and ICIALLUIS once dropped every block,
to cover writers other than the core; Linux issues ICIALLUIS each time it
maps an executable user page (``__sync_icache_dcache``), some 2,000 times
per 20 M instructions of a busybox shell's start, and retranslating
everything after each cost 80 % of that phase's time.)  TLB maintenance flushes the whole soft TLB
(it is a cache of the current translation regime, refilled on demand).
"""

import logging
from typing import Callable, Dict, List, Optional, Tuple

from ..mmu_lpae.faults import GuestFault
from .syndrome import (EC_MCR_MRC_CP14, EC_MCR_MRC_CP15, EC_MCRR_MRRC_CP15, EC_MRRC_CP14,
                       long_fsc, short_fs)
from . import interrupts
from .state import MODE_HYP, MODE_USR

log = logging.getLogger(__name__)

MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1

# -- access rights ---------------------------------------------------------------------

PL0_R, PL0_W, PL1_R, PL1_W, PL2_R, PL2_W = 1, 2, 4, 8, 16, 32
_LEVEL_BITS = {"PL0": (PL0_R | PL1_R | PL2_R, PL0_W | PL1_W | PL2_W),
               "PL1": (PL1_R | PL2_R, PL1_W | PL2_W),
               "PL2": (PL2_R, PL2_W)}


def parse_access(text: str) -> int:
    """"PL0_R PL1_RW" -> rights bits; a right at one level holds at the higher ones."""
    bits = 0
    for token in text.split():
        level, _, rw = token.partition("_")
        read, write = _LEVEL_BITS[level]
        if "R" in rw:
            bits |= read
        if "W" in rw:
            bits |= write
    return bits


# -- trap controls (B1.14) ---------------------------------------------------------------
# name: (SysRegs attribute, bit, the bit value that traps, directions)
TRAPS = {
    "TID0": ("hcr", 15, 1, "r"), "TID1": ("hcr", 16, 1, "r"),
    "TID2": ("hcr", 17, 1, "r"), "TID3": ("hcr", 18, 1, "r"),
    "TIDCP": ("hcr", 20, 1, "rw"), "TAC": ("hcr", 21, 1, "rw"),
    "TSW": ("hcr", 22, 1, "w"), "TPC": ("hcr", 23, 1, "w"), "TPU": ("hcr", 24, 1, "w"),
    "TTLB": ("hcr", 25, 1, "w"), "TVM": ("hcr", 26, 1, "w"),
    "TPMCR": ("hdcr", 5, 1, "rw"), "TPM": ("hdcr", 6, 1, "rw"),
    "TDA": ("hdcr", 9, 1, "rw"), "TDOSA": ("hdcr", 10, 1, "rw"), "TDRA": ("hdcr", 11, 1, "rw"),
    "TTEE": ("hstr", 16, 1, "rw"), "TJDBX": ("hstr", 17, 1, "rw"),
    "PL1PCTEN": ("cnthctl", 0, 0, "rw"), "PL1PCEN": ("cnthctl", 1, 0, "rw"),
}
# HCPTR (B4.1.64): TCP10/TCP11 trap the VFP/Advanced SIMD coprocessors (the
# VFP family checks them); TTA traps CP14 trace registers, of which the
# A15 model has none.


def _compile_traps(text: str) -> Tuple[Tuple[str, int, int, bool, bool], ...]:
    out = []
    for token in text.split():
        name, _, direction = token.partition(":")
        attr, bit, when, default = TRAPS[name]
        direction = direction or default
        out.append((attr, 1 << bit, (1 << bit) if when else 0, "r" in direction, "w" in direction))
    return tuple(out)


def _implementation_defined(crn: int, crm: int) -> bool:
    """The CP15 space HCR.TIDCP traps (B4.1.65): lockdown, DMA and TCM
    registers, CRn = 9 (CRm c0-c2, c5-c8), 10 (c0, c1, c4, c8), 11 (c0-c8,
    c15), with any opc1."""
    if crn == 9:
        return crm in (0, 1, 2, 5, 6, 7, 8)
    if crn == 10:
        return crm in (0, 1, 4, 8)
    if crn == 11:
        return crm <= 8 or crm == 15
    return False


# -- the register descriptor --------------------------------------------------------------

class SysReg:
    """One register or operation of the table (see the module docstring)."""
    __slots__ = ("name", "cp", "opc1", "crn", "crm", "opc2", "is64", "access", "pl0", "enabled",
                 "traps", "hstr_bit", "impdef", "ec", "attr", "reset", "read", "write", "index")

    def __init__(self, name: str, cp: int, opc1: int, crn: int, crm: int, opc2: int, is64: bool,
                 access: str, trap: str, pl0: Optional[Callable], enabled: Optional[Callable],
                 attr: Optional[str], reset: int, read: Callable, write: Optional[Callable]):
        self.name = name
        self.cp, self.opc1, self.crn, self.crm, self.opc2, self.is64 = cp, opc1, crn, crm, opc2, is64
        self.access = parse_access(access)
        self.pl0 = pl0
        self.enabled = enabled
        self.traps = _compile_traps(trap)
        # HSTR.T<n> (B4.1.74): CP15 only, by CRn (CRm for 64-bit); T4 and T14 do not exist.
        n = crm if is64 else crn
        self.hstr_bit = (1 << n) if cp == 15 and n not in (4, 14) else 0
        self.impdef = cp == 15 and not is64 and _implementation_defined(crn, crm)
        if cp == 15:
            self.ec = EC_MCRR_MRRC_CP15 if is64 else EC_MCR_MRC_CP15
        else:
            self.ec = EC_MRRC_CP14 if is64 else EC_MCR_MRC_CP14
        self.attr = attr
        self.reset = reset
        self.read = read
        self.write = write
        self.index = -1

    def __repr__(self) -> str:
        if self.is64:
            return "<%s p%d, %d, c%d>" % (self.name, self.cp, self.opc1, self.crm)
        return "<%s p%d, %d, c%d, c%d, %d>" % (self.name, self.cp, self.opc1, self.crn, self.crm, self.opc2)


def _stored(attr: str, wmask: int, view: int, after: Optional[Callable]):
    """Read and write functions for a register kept in attribute `attr`;
    `view` is the part of it the access sees (the low word, for the 32-bit
    view of a 64-bit register such as TTBR0)."""
    wmask &= view

    def read(s):
        return getattr(s, attr) & view

    def write(s, v):
        old = getattr(s, attr)
        setattr(s, attr, (old & ~wmask) | (v & wmask))
        if after is not None:
            after(s, old)
    return read, write


def _make(name, cp, opc1, crn, crm, opc2, is64, access, reset=0, trap="", pl0=None, enabled=None,
          attr=None, wmask=None, after=None, read=None, write=None, op=None):
    """Build one row.  Behaviour, by keyword:

    * ``attr``: kept in that attribute (default: the name in lower case),
      ``wmask`` the writable bits, ``after(sys, old)`` runs after a write;
    * ``read``/``write``: functions of (sys) / (sys, value) instead;
    * ``op``: a write-only operation, ``op(sys, value)`` (cache, TLB, ...);
    * a register with no write right is read-only: its value is ``reset``;
    * ``pl0(sys)``: whether PL0 may make the access its rights allow;
      ``enabled(sys)``: whether anyone may (else UNDEFINED).
    """
    if op is not None:
        attr = None
        write = op
        read = read or (lambda s: 0)
    else:
        if attr is None and read is None:
            attr = name.lower()
        if attr is not None:
            # A 32-bit access sees the low word: TTBR0 of the 64-bit TTBR0, PAR of PAR_64.
            view = MASK64 if is64 else MASK32
            r, w = _stored(attr, MASK64 if wmask is None else wmask, view, after)
            read = read or r
            write = write or w
    return SysReg(name, cp, opc1, crn, crm, opc2, is64, access, trap, pl0, enabled, attr, reset,
                  read, write)


def reg(name, cp, opc1, crn, crm, opc2, access, **kw) -> SysReg:
    """A register accessed with MCR/MRC p<cp>, <opc1>, <Rt>, c<crn>, c<crm>, <opc2>."""
    return _make(name, cp, opc1, crn, crm, opc2, False, access, **kw)


def reg64(name, cp, opc1, crm, access, **kw) -> SysReg:
    """A register accessed with MCRR/MRRC p<cp>, <opc1>, <Rt>, <Rt2>, c<crm>."""
    return _make(name, cp, opc1, 0, crm, 0, True, access, **kw)


# -- behaviours used by the table ------------------------------------------------------------

def _translation_changed(s, old=None) -> None:
    """A write that changes what a PL1&0 translation returns (SCTLR, TTBCR,
    DACR, PRRR/NMRR, HCR.VM/PTW/DC/TGE, VTCR, VTTBR): the soft TLB's
    contexts of that regime are refilled; HYP's are left alone."""
    s.core.tlb.flush_where(False)
    s.core.update_context()


def _hyp_translation_changed(s, old=None) -> None:
    """HSCTLR, HTCR, HTTBR, HMAIR0/1: the HYP regime's contexts are refilled."""
    s.core.tlb.flush_where(True)
    s.core.update_context()


def _asid_changed(s, old=None) -> None:
    """CONTEXTIDR, and the TTBRs (which carry the ASID with TTBCR.EAE):
    the architecture keeps the TLB entries of every ASID, so only the
    current context changes.  A new table base with the same ASID is used
    by the next walk; entries already cached for that ASID may stay, as
    they may in a hardware TLB (Linux changes the ASID with the table)."""
    s.core.update_context()


def _sctlr_written(s, old) -> None:
    s.regime_changed()
    if s.sctlr != old:
        _translation_changed(s)


def _hsctlr_written(s, old) -> None:
    s.regime_changed()
    if s.hsctlr != old:
        _hyp_translation_changed(s)


def _hcr_written(s, old) -> None:
    """HCR: the virtual interrupt lines and routing may have changed, so look
    for interrupts; VM, PTW, DC and TGE change the PL1&0 translation regime."""
    s.core.attention = True
    if (s.hcr ^ old) & ((1 << 0) | (1 << 2) | (1 << 12) | (1 << 27)):
        _translation_changed(s)


def _nop(s, v) -> None:
    """Cache and branch predictor maintenance, barriers: nothing to do (see module docstring)."""


def _sext32(v: int) -> int:
    return (v & MASK32) - ((v & 0x80000000) << 1)


def _read_midr(s) -> int:
    """MIDR: Non-secure PL1 reads return VPIDR (B4.1.105, B4.1.158)."""
    return s.midr if s.core.mode == MODE_HYP else s.vpidr


def _read_mpidr(s) -> int:
    """MPIDR: Non-secure PL1 reads return VMPIDR (B4.1.106, B4.1.159)."""
    return s.mpidr if s.core.mode == MODE_HYP else s.vmpidr


def _read_ccsidr(s) -> int:
    """CCSIDR: the cache CSSELR selects (Level, InD); unimplemented ones read 0."""
    return CCSIDR.get(s.csselr & 0xF, 0)


def _read_isr(s) -> int:
    """ISR (B4.1.86): what interrupt delivery sees pending (interrupts.py)."""
    return interrupts.isr(s.core)


def _read_l2ctlr(s) -> int:
    """L2CTLR (A15 TRM 4.3.66): number of cores - 1 in bits 25:24; bit 23:
    the GIC CPU interface is present."""
    return ((s.num_cpus - 1) << 24) | (1 << 23)


# -- generic timer (B8): the registers live in the core's timer (timer/generic.py) ---------

def _pl0_cntkctl(bit_mask: int):
    """PL0 access to the counters and timers, by CNTKCTL (B8.2.2)."""
    return lambda s: bool(s.core.timer.cntkctl & bit_mask)


def _routed_to_timer(name: str, writable: bool = True) -> dict:
    """read/write functions that hand register `name` to the core's timer."""
    kw = {"read": lambda s: s.core.timer.read(name)}
    if writable:
        kw["write"] = lambda s, v: s.core.timer.write(name, v)
    return kw


# -- PMU (C12) --------------------------------------------------------------------------------
# The cycle counter counts core cycles (every 64th with PMCR.D) while PMCR.E
# and PMCNTENSET.C are set; event counters count SW_INCR (0x00) and
# CPU_CYCLES (0x11).  Live values are kept as base + elapsed since `origin`,
# rebased whenever something that affects counting is written.

PMU_COUNTERS = 6
PMU_EVENT_SW_INCR, PMU_EVENT_CPU_CYCLES = 0x00, 0x11


def _pl0_pmu(s) -> bool:
    return bool(s.pmuserenr & 1)


def _pmu_counting(s, i: int) -> bool:
    """Is counter i (31: the cycle counter) counting cycles now?"""
    if not s.pmcr & 1 or not s.pmcnten >> i & 1:
        return False
    return i == 31 or s.pmevtyper[i] & 0xFF == PMU_EVENT_CPU_CYCLES


def _pmu_value(s, i: int) -> int:
    elapsed = s.core.cycles - s.pmu_origin
    if i == 31:
        base = s.pmccntr_base
        if _pmu_counting(s, 31):
            base += elapsed // 64 if s.pmcr & 8 else elapsed
        return base & MASK32
    base = s.pmevcntr[i]
    if _pmu_counting(s, i):
        base += elapsed
    return base & MASK32


def _pmu_sync(s) -> None:
    """Fold the elapsed cycles into the counters before their controls change."""
    s.pmccntr_base = _pmu_value(s, 31)
    s.pmevcntr = [_pmu_value(s, i) for i in range(PMU_COUNTERS)]
    s.pmu_origin = s.core.cycles


def _write_pmcr(s, v) -> None:
    _pmu_sync(s)
    if v & 4:                                   # C: reset the cycle counter
        s.pmccntr_base = 0
    if v & 2:                                   # P: reset the event counters
        s.pmevcntr = [0] * PMU_COUNTERS
    s.pmcr = (s.pmcr & ~0x39) | (v & 0x39)      # E, D, X, DP


def _pmcnten(set_bits: bool):
    def write(s, v):
        _pmu_sync(s)
        v &= 0x80000000 | ((1 << PMU_COUNTERS) - 1)
        s.pmcnten = (s.pmcnten | v) if set_bits else (s.pmcnten & ~v)
    return write


def _pmintenset(set_bits: bool):
    def write(s, v):
        v &= 0x80000000 | ((1 << PMU_COUNTERS) - 1)
        s.pmintens = (s.pmintens | v) if set_bits else (s.pmintens & ~v)
    return write


def _write_pmovsr(s, v) -> None:
    s.pmovsr &= ~v                              # write 1 to clear


def _write_pmswinc(s, v) -> None:
    _pmu_sync(s)
    for i in range(PMU_COUNTERS):
        if v >> i & 1 and s.pmcr & 1 and s.pmcnten >> i & 1 and \
                s.pmevtyper[i] & 0xFF == PMU_EVENT_SW_INCR:
            s.pmevcntr[i] = (s.pmevcntr[i] + 1) & MASK32


def _write_pmccntr(s, v) -> None:
    _pmu_sync(s)
    s.pmccntr_base = v & MASK32


def _read_pmxevtyper(s) -> int:
    sel = s.pmselr & 0x1F
    return s.pmevtyper[sel] if sel < PMU_COUNTERS else 0


def _write_pmxevtyper(s, v) -> None:
    sel = s.pmselr & 0x1F
    if sel < PMU_COUNTERS:
        _pmu_sync(s)
        s.pmevtyper[sel] = v & 0xFF


def _read_pmxevcntr(s) -> int:
    sel = s.pmselr & 0x1F
    return _pmu_value(s, sel) if sel < PMU_COUNTERS else 0


def _write_pmxevcntr(s, v) -> None:
    sel = s.pmselr & 0x1F
    if sel < PMU_COUNTERS:
        _pmu_sync(s)
        s.pmevcntr[sel] = v & MASK32


# -- address translation operations (B4.2.x, PAR B4.1.113) ----------------------------------

ATS_S1, ATS_S12, ATS_HYP = "stage 1", "stages 1 and 2", "hyp"


def _ats(kind: str, user: bool, write: bool):
    """ATS1C* (PL1&0 stage 1), ATS12NSO* (stages 1 and 2, from HYP) and
    ATS1H* (the HYP regime): translate as a read or write, privileged or
    unprivileged, and write PAR (B4.2.x, PAR B4.1.113).

    PAR has the 64-bit format (LPAE, bit 11) when the regime uses the
    long-descriptor format (TTBCR.EAE; always for HYP), or for ATS12NSO*
    when stage 2 is on (HCR.VM or HCR.DC): the rule QEMU applies.  On success: PA,
    NS (bit 9: every access here is Non-secure), and in the 64-bit format
    the MAIR-form attributes (bits 63:56) and shareability (8:7); the
    32-bit format reports no attributes (as QEMU), but SS and PA[39:32] for
    a supersection.  On a fault: F = 1 and the status, in the 64-bit format
    with FSTAGE (bit 9) and S2WLK (bit 8, a stage-2 fault on the walk).
    A stage-2 fault on the stage-1 walk of an ATS1C* made from PL1 is not
    reported in PAR: it is taken as a Data Abort to HYP (HSR.CM = 1)."""
    def op(s, va):
        core = s.core
        mmu = core.tlb.mmu
        va &= MASK32
        long_format = kind == ATS_HYP or bool(s.ttbcr >> 31 & 1) or \
            (kind == ATS_S12 and bool(s.hcr & ((1 << 0) | (1 << 12))))
        try:
            if kind == ATS_HYP:
                m = mmu.translate(va, write, False, False, True)
            elif kind == ATS_S12:
                m = mmu.translate(va, write, False, user, False)
            else:
                m = mmu.stage1(va, write, False, user)
        except GuestFault as exc:
            fault = exc.fault
            if kind == ATS_S1 and fault.stage == 2 and core.mode != MODE_HYP:
                fault.cm = True
                raise
            if long_format:
                s.par = (1 << 11) | (long_fsc(fault) << 1) | 1 | \
                    ((1 << 9) if fault.stage == 2 else 0) | ((1 << 8) if fault.s1ptw else 0)
            else:
                fs = short_fs(fault)
                ext = 1 if fault.kind in ("external", "external_walk") else 0
                s.par = (((ext << 5) | fs) << 1) | 1
            return
        if long_format:
            s.par = (m.pa & 0xFFFFFFF000) | (1 << 11) | (1 << 9) | (m.sh << 7) | \
                (m.attr << 56)
        elif m.ss:
            s.par = (m.pa & 0xFF000000) | ((m.pa >> 32 & 0xFF) << 16) | (1 << 9) | (1 << 1)
        else:
            s.par = (m.pa & 0xFFFFF000) | (1 << 9)
    return op


# -- the Cortex-A15 r2p1 identification values (A15 TRM chapter 4) ---------------------------

MIDR = 0x412FC0F1
CCSIDR = {0: 0x701FE00A,      # L1 data, 32 KB, 2-way, 64-byte lines
          1: 0x201FE00A,      # L1 instruction, 32 KB
          2: 0x711FE07A}      # L2 unified, 4 MB (the V2P-CA15 tile's size in QEMU)
ID_REGS = {
    # CRm, opc2: value
    (1, 0): ("ID_PFR0", 0x00001131), (1, 1): ("ID_PFR1", 0x00011011),
    (1, 2): ("ID_DFR0", 0x02010555), (1, 3): ("ID_AFR0", 0x00000000),
    (1, 4): ("ID_MMFR0", 0x10201105), (1, 5): ("ID_MMFR1", 0x20000000),
    (1, 6): ("ID_MMFR2", 0x01240000), (1, 7): ("ID_MMFR3", 0x02102211),
    (2, 0): ("ID_ISAR0", 0x02101110), (2, 1): ("ID_ISAR1", 0x13112111),
    (2, 2): ("ID_ISAR2", 0x21232041), (2, 3): ("ID_ISAR3", 0x11112131),
    (2, 4): ("ID_ISAR4", 0x10011142), (2, 5): ("ID_ISAR5", 0x00000000),
}

SCTLR_RESET = 0x00C50078
# M, A, C, CP15BEN, Z, I, V, WXN, UWXN, EE, TRE, AFE, TE (B4.1.130)
SCTLR_WMASK = 0x70000000 | (1 << 25) | (1 << 20) | (1 << 19) | 0x3800 | 0x27
HSCTLR_RESET = 0x30C50838
# M, A, C, CP15BEN, I, WXN, FI, EE, TE (B4.1.67)
HSCTLR_WMASK = (1 << 30) | (1 << 25) | (1 << 21) | (1 << 19) | (1 << 12) | 0x27
TTBCR_WMASK = 0xBFC73FB7                   # the short- and long-descriptor fields together
CP15BEN = 1 << 5


def _cp15_barriers_enabled(s) -> bool:
    """SCTLR.CP15BEN (HSCTLR.CP15BEN in HYP): the CP15 barrier operations
    are UNDEFINED when it is clear."""
    ctl = s.hsctlr if s.core.mode == MODE_HYP else s.sctlr
    return bool(ctl & CP15BEN)


def _id_space() -> List[SysReg]:
    """The ID registers of c0, c1-c7 and the reserved rest of that space (RAZ, B4.1.x)."""
    rows = []
    for crm in range(1, 8):
        for opc2 in range(8):
            name, value = ID_REGS.get((crm, opc2), ("ID_RAZ_c%d_%d" % (crm, opc2), 0))
            rows.append(reg(name, 15, 0, 0, crm, opc2, "PL1_R", reset=value, trap="TID3"))
    return rows


def _tlbi_all(s, v) -> None:
    """TLBIALL, ITLBIALL, DTLBIALL (and IS): the PL1&0 regime's entries
    (of the current VMID; the soft TLB drops every VMID's, a superset)."""
    s.core.tlb.flush_where(False)


def _tlbi_mva(s, v) -> None:
    """TLBIMVA, TLBIMVAA and the I/D forms (and IS): the entries for one
    address (TLBIMVA also names an ASID, but a global entry matches any)."""
    s.core.tlb.flush_va(v, False)


def _tlbi_asid(s, v) -> None:
    """TLBIASID and the I/D forms (and IS): the non-global entries of one ASID."""
    s.core.tlb.flush_where(False, asid=v & 0xFF)


def _tlbi_allh(s, v) -> None:
    s.core.tlb.flush_where(True)


def _tlbi_mvah(s, v) -> None:
    s.core.tlb.flush_va(v, True)


def _tlb_ops() -> List[SysReg]:
    """TLB maintenance (B4.2.2).  The Inner Shareable forms act on this
    core's TLB as the plain ones do; with several cores they broadcast
    (the board's part).  TLBIALLNSNH invalidates the PL1&0 regime of every
    VMID, which is what TLBIALL does to the soft TLB."""
    pl1 = [("TLBIALLIS", 3, 0, _tlbi_all), ("TLBIMVAIS", 3, 1, _tlbi_mva),
           ("TLBIASIDIS", 3, 2, _tlbi_asid), ("TLBIMVAAIS", 3, 3, _tlbi_mva),
           ("ITLBIALL", 5, 0, _tlbi_all), ("ITLBIMVA", 5, 1, _tlbi_mva), ("ITLBIASID", 5, 2, _tlbi_asid),
           ("DTLBIALL", 6, 0, _tlbi_all), ("DTLBIMVA", 6, 1, _tlbi_mva), ("DTLBIASID", 6, 2, _tlbi_asid),
           ("TLBIALL", 7, 0, _tlbi_all), ("TLBIMVA", 7, 1, _tlbi_mva), ("TLBIASID", 7, 2, _tlbi_asid),
           ("TLBIMVAA", 7, 3, _tlbi_mva)]
    pl2 = [("TLBIALLHIS", 3, 0, _tlbi_allh), ("TLBIMVAHIS", 3, 1, _tlbi_mvah),
           ("TLBIALLNSNHIS", 3, 4, _tlbi_all), ("TLBIMVALHIS", 3, 5, _tlbi_mvah),
           ("TLBIALLH", 7, 0, _tlbi_allh), ("TLBIMVAH", 7, 1, _tlbi_mvah),
           ("TLBIALLNSNH", 7, 4, _tlbi_all), ("TLBIMVALH", 7, 5, _tlbi_mvah)]
    return ([reg(n, 15, 0, 8, crm, opc2, "PL1_W", trap="TTLB", op=fn) for n, crm, opc2, fn in pl1] +
            [reg(n, 15, 4, 8, crm, opc2, "PL2_W", op=fn) for n, crm, opc2, fn in pl2])


def _pmu() -> List[SysReg]:
    """The PMU registers of c9 (C12.8): PL0 access under PMUSERENR.EN, HYP traps under HDCR."""
    pmu = dict(pl0=_pl0_pmu, trap="TPM")
    return [
        reg("PMCR", 15, 0, 9, 12, 0, "PL0_RW", reset=0x410F3000, write=_write_pmcr,
            pl0=_pl0_pmu, trap="TPM TPMCR"),
        reg("PMCNTENSET", 15, 0, 9, 12, 1, "PL0_RW", attr="pmcnten", write=_pmcnten(True), **pmu),
        reg("PMCNTENCLR", 15, 0, 9, 12, 2, "PL0_RW", attr="pmcnten", write=_pmcnten(False), **pmu),
        reg("PMOVSR", 15, 0, 9, 12, 3, "PL0_RW", write=_write_pmovsr, **pmu),
        reg("PMSWINC", 15, 0, 9, 12, 4, "PL0_W", op=_write_pmswinc, **pmu),
        reg("PMSELR", 15, 0, 9, 12, 5, "PL0_RW", wmask=0x1F, **pmu),
        reg("PMCEID0", 15, 0, 9, 12, 6, "PL0_R",
            reset=(1 << PMU_EVENT_SW_INCR) | (1 << PMU_EVENT_CPU_CYCLES), **pmu),
        reg("PMCEID1", 15, 0, 9, 12, 7, "PL0_R", **pmu),
        reg("PMCCNTR", 15, 0, 9, 13, 0, "PL0_RW", read=lambda s: _pmu_value(s, 31),
            write=_write_pmccntr, **pmu),
        reg("PMXEVTYPER", 15, 0, 9, 13, 1, "PL0_RW", read=_read_pmxevtyper,
            write=_write_pmxevtyper, **pmu),
        reg("PMXEVCNTR", 15, 0, 9, 13, 2, "PL0_RW", read=_read_pmxevcntr,
            write=_write_pmxevcntr, **pmu),
        reg("PMUSERENR", 15, 0, 9, 14, 0, "PL0_R PL1_RW", wmask=1, trap="TPM"),
        reg("PMINTENSET", 15, 0, 9, 14, 1, "PL1_RW", attr="pmintens", write=_pmintenset(True),
            trap="TPM"),
        reg("PMINTENCLR", 15, 0, 9, 14, 2, "PL1_RW", attr="pmintens", write=_pmintenset(False),
            trap="TPM"),
    ]


def _timers() -> List[SysReg]:
    """The generic timer registers (B8.2): encodings, rights and traps here;
    values and behaviour in the core's timer (timer/generic.py)."""
    p_pl0, v_pl0 = _pl0_cntkctl(1 << 9), _pl0_cntkctl(1 << 8)
    t = _routed_to_timer
    return [
        reg("CNTFRQ", 15, 0, 14, 0, 0, "PL0_R PL1_RW", pl0=_pl0_cntkctl(3), **t("CNTFRQ")),
        reg("CNTKCTL", 15, 0, 14, 1, 0, "PL1_RW", **t("CNTKCTL")),
        reg("CNTP_TVAL", 15, 0, 14, 2, 0, "PL0_RW", pl0=p_pl0, trap="PL1PCEN", **t("CNTP_TVAL")),
        reg("CNTP_CTL", 15, 0, 14, 2, 1, "PL0_RW", pl0=p_pl0, trap="PL1PCEN", **t("CNTP_CTL")),
        reg("CNTV_TVAL", 15, 0, 14, 3, 0, "PL0_RW", pl0=v_pl0, **t("CNTV_TVAL")),
        reg("CNTV_CTL", 15, 0, 14, 3, 1, "PL0_RW", pl0=v_pl0, **t("CNTV_CTL")),
        reg("CNTHCTL", 15, 4, 14, 1, 0, "PL2_RW", **t("CNTHCTL")),
        reg("CNTHP_TVAL", 15, 4, 14, 2, 0, "PL2_RW", **t("CNTHP_TVAL")),
        reg("CNTHP_CTL", 15, 4, 14, 2, 1, "PL2_RW", **t("CNTHP_CTL")),
        reg64("CNTPCT", 15, 0, 14, "PL0_R", pl0=_pl0_cntkctl(1), trap="PL1PCTEN",
              **t("CNTPCT", writable=False)),
        reg64("CNTVCT", 15, 1, 14, "PL0_R", pl0=_pl0_cntkctl(2), **t("CNTVCT", writable=False)),
        reg64("CNTP_CVAL", 15, 2, 14, "PL0_RW", pl0=p_pl0, trap="PL1PCEN", **t("CNTP_CVAL")),
        reg64("CNTV_CVAL", 15, 3, 14, "PL0_RW", pl0=v_pl0, **t("CNTV_CVAL")),
        reg64("CNTVOFF", 15, 4, 14, "PL2_RW", **t("CNTVOFF")),
        reg64("CNTHP_CVAL", 15, 6, 14, "PL2_RW", **t("CNTHP_CVAL")),
    ]


def _cache_ops() -> List[SysReg]:
    """c7: cache and branch predictor maintenance, barriers, PAR and the
    address translation operations (B4.2.1, B4.2.3)."""
    ops = [
        # name, CRm, opc2, HCR trap
        ("BPIALLIS", 1, 6, ""), ("ICIMVAU", 5, 1, "TPU"), ("BPIALL", 5, 6, ""),
        ("BPIMVA", 5, 7, ""), ("DCIMVAC", 6, 1, "TPC"), ("DCISW", 6, 2, "TSW"),
        ("DCCMVAC", 10, 1, "TPC"), ("DCCSW", 10, 2, "TSW"), ("DCCMVAU", 11, 1, "TPU"),
        ("DCCIMVAC", 14, 1, "TPC"), ("DCCISW", 14, 2, "TSW"),
    ]
    rows = [reg(n, 15, 0, 7, crm, opc2, "PL1_W", trap=t, op=_nop) for n, crm, opc2, t in ops]
    rows += [
        reg("ICIALLUIS", 15, 0, 7, 1, 0, "PL1_W", trap="TPU", op=_nop),
        reg("ICIALLU", 15, 0, 7, 5, 0, "PL1_W", trap="TPU", op=_nop),
        # The CP15 barriers are allowed at PL0 (B4.2.x), when CP15BEN is set.
        reg("CP15ISB", 15, 0, 7, 5, 4, "PL0_W", op=_nop, enabled=_cp15_barriers_enabled),
        reg("CP15DSB", 15, 0, 7, 10, 4, "PL0_W", op=_nop, enabled=_cp15_barriers_enabled),
        reg("CP15DMB", 15, 0, 7, 10, 5, "PL0_W", op=_nop, enabled=_cp15_barriers_enabled),
        reg("PAR", 15, 0, 7, 4, 0, "PL1_RW"),
        reg64("PAR_64", 15, 0, 7, "PL1_RW", attr="par"),
    ]
    for opc2, name in enumerate(("ATS1CPR", "ATS1CPW", "ATS1CUR", "ATS1CUW")):
        rows.append(reg(name, 15, 0, 7, 8, opc2, "PL1_W", op=_ats(ATS_S1, opc2 >= 2, bool(opc2 & 1))))
    for opc2, name in enumerate(("ATS12NSOPR", "ATS12NSOPW", "ATS12NSOUR", "ATS12NSOUW"), 4):
        rows.append(reg(name, 15, 0, 7, 8, opc2, "PL2_W", op=_ats(ATS_S12, opc2 >= 6, bool(opc2 & 1))))
    rows += [reg("ATS1HR", 15, 4, 7, 8, 0, "PL2_W", op=_ats(ATS_HYP, False, False)),
             reg("ATS1HW", 15, 4, 7, 8, 1, "PL2_W", op=_ats(ATS_HYP, False, True))]
    return rows


# DBGDIDR (C11.11.15) as the A15 reports it: 4 watchpoints (WRPs+1), 6
# breakpoints (BRPs+1), 2 of them context-ID capable, debug architecture
# v7.1 (version 5), with the CP14 debug registers of the v7.1 baseline.
DBGDIDR = 0x3515F021
DBG_BRPS = ((DBGDIDR >> 24) & 0xF) + 1
DBG_WRPS = ((DBGDIDR >> 28) & 0xF) + 1
DBG_CTX_CMPS = ((DBGDIDR >> 20) & 0xF) + 1     # the highest-numbered breakpoints
CORESIGHT_KEY = 0xC5ACCE55       # DBGOSLAR: this value sets the OS Lock, any other clears it


def _dbgoslar_write(s, value: int) -> None:
    """DBGOSLAR (C11.11.32) writes DBGOSLSR.OSLK (bit 1)."""
    s.dbgoslsr = (s.dbgoslsr & ~2) | (2 if value == CORESIGHT_KEY else 0)


def _debug() -> List[SysReg]:
    """CP14 (C11, C6.4.1): the debug registers of v7.1's CP14 interface
    that the A15 implements, ThumbEE and the trivial Jazelle registers.

    The registers hold what software writes (Linux's hw_breakpoint probes
    them: DBGOSDLR, DBGOSLAR, DBGVCR, every breakpoint and watchpoint pair,
    DBGDSCR.MDBGen), but the model raises no debug events: a breakpoint or
    watchpoint that matches, or a vector catch, is not taken.  Breakpoint
    and watchpoint numbers beyond DBGDIDR's count are UNDEFINED."""
    rows = [
        reg("DBGDIDR", 14, 0, 0, 0, 0, "PL0_R", reset=DBGDIDR, trap="TDA"),
        reg("DBGDRAR", 14, 0, 1, 0, 0, "PL0_R", reset=0, trap="TDRA"),
        reg("DBGDSAR", 14, 0, 2, 0, 0, "PL0_R", reset=0, trap="TDRA"),
        reg64("DBGDRAR_64", 14, 0, 1, "PL0_R", reset=0, attr="dbgdrar", trap="TDRA"),
        reg64("DBGDSAR_64", 14, 0, 2, "PL0_R", reset=0, attr="dbgdsar", trap="TDRA"),
        # DBGDSCR (C11.11.20): the internal view is read-only (at PL0 too,
        # unless UDCCdis); the external view is where PL1 sets MDBGen
        # (bit 15, monitor debug-mode) and UDCCdis (bit 12).  HDBGen
        # (halting debug) is the external debugger's and reads 0.
        reg("DBGDSCRint", 14, 0, 0, 1, 0, "PL0_R", read=lambda s: s.dbgdscr,
            pl0=lambda s: not s.dbgdscr & (1 << 12), trap="TDA"),
        reg("DBGDSCRext", 14, 0, 0, 2, 2, "PL1_RW", attr="dbgdscr", wmask=(1 << 15) | (1 << 12), trap="TDA"),
        # DBGVCR (C11.11.45): the vector catch bits, with the Security
        # Extensions' layout (Secure PL1, Monitor and Non-secure vectors).
        reg("DBGVCR", 14, 0, 0, 7, 0, "PL1_RW", wmask=0xDE00DCDF, trap="TDA"),
        # The OS Save and Restore registers (C11.11.31-34), trapped by
        # HDCR.TDOSA: the OS Lock is set by a debug power-up reset (OSLSR
        # reads OSLM = 0b10, the v7.1 lock, with OSLK = 1); DBGOSDLR's
        # double lock (DLK, bit 0) is clear; the core is powered up
        # (DBGPRSR.PU) and DBGPRCR's power-down request bit holds.
        reg("DBGOSLAR", 14, 0, 1, 0, 4, "PL1_W", op=_dbgoslar_write, trap="TDOSA"),
        reg("DBGOSLSR", 14, 0, 1, 1, 4, "PL1_R", attr="dbgoslsr", reset=0xA, trap="TDOSA"),
        reg("DBGOSDLR", 14, 0, 1, 3, 4, "PL1_RW", wmask=1, trap="TDOSA"),
        reg("DBGPRCR", 14, 0, 1, 4, 4, "PL1_RW", wmask=1, trap="TDOSA"),
        reg("DBGPRSR", 14, 0, 1, 5, 4, "PL1_R", reset=1, trap="TDOSA"),
    ]
    # The breakpoint and watchpoint pairs (C11.11.9-10, C11.11.47-48): value
    # registers are word addresses (or, for a context-ID breakpoint, the
    # whole CONTEXTIDR); control registers keep their defined fields (BCR:
    # mask, BT, LBN, SSC, HMC, BAS, PMC, E; WCR: mask, WT, LBN, SSC, HMC,
    # the 8-bit BAS of a doubleword watchpoint, LSC, PAC, E).
    for n in range(DBG_BRPS):
        rows += [reg("DBGBVR%d" % n, 14, 0, 0, n, 4, "PL1_RW", wmask=0xFFFFFFFC if n < DBG_BRPS - DBG_CTX_CMPS else MASK32,
                     trap="TDA"),
                 reg("DBGBCR%d" % n, 14, 0, 0, n, 5, "PL1_RW", wmask=0x1F7FE1E7, trap="TDA")]
    for n in range(DBG_WRPS):
        rows += [reg("DBGWVR%d" % n, 14, 0, 0, n, 6, "PL1_RW", wmask=0xFFFFFFFC, trap="TDA"),
                 reg("DBGWCR%d" % n, 14, 0, 0, n, 7, "PL1_RW", wmask=0x1F1FFFFF, trap="TDA")]
    return rows + [
        # ThumbEE (A2.10): Linux saves TEEHBR on every context switch when
        # ID_PFR0 reports ThumbEE, so it must exist.
        reg("TEECR", 14, 6, 0, 0, 0, "PL1_RW", wmask=1, trap="TTEE"),
        reg("TEEHBR", 14, 6, 1, 0, 0, "PL0_RW", pl0=lambda s: not s.teecr & 1, trap="TTEE"),
        # The trivial Jazelle implementation (A2.11): JIDR reads as zero,
        # JOSCR and JMCR are RAZ/WI at PL1.
        reg("JIDR", 14, 7, 0, 0, 0, "PL0_R", reset=0, trap="TID0"),
        reg("JOSCR", 14, 7, 1, 0, 0, "PL1_RW", wmask=0, trap="TJDBX"),
        reg("JMCR", 14, 7, 2, 0, 0, "PL1_RW", wmask=0, trap="TJDBX"),
    ]


TABLE: List[SysReg] = [
    # -- c0: identification (B4.1.105 MIDR and the ID registers) -------------------------
    reg("MIDR", 15, 0, 0, 0, 0, "PL1_R", read=_read_midr, attr="midr", reset=MIDR),
    reg("CTR", 15, 0, 0, 0, 1, "PL1_R", reset=0x8444C004, trap="TID2"),
    reg("TCMTR", 15, 0, 0, 0, 2, "PL1_R", reset=0, trap="TID1"),
    reg("TLBTR", 15, 0, 0, 0, 3, "PL1_R", reset=0, trap="TID1"),
    reg("MIDR_4", 15, 0, 0, 0, 4, "PL1_R", read=_read_midr),     # aliases of MIDR on the A15
    reg("MPIDR", 15, 0, 0, 0, 5, "PL1_R", read=_read_mpidr, attr="mpidr"),
    reg("REVIDR", 15, 0, 0, 0, 6, "PL1_R", reset=0, trap="TID1"),
    reg("MIDR_7", 15, 0, 0, 0, 7, "PL1_R", read=_read_midr),
    *_id_space(),
    reg("CCSIDR", 15, 1, 0, 0, 0, "PL1_R", read=_read_ccsidr, trap="TID2"),
    reg("CLIDR", 15, 1, 0, 0, 1, "PL1_R", reset=0x0A200023, trap="TID2"),
    reg("AIDR", 15, 1, 0, 0, 7, "PL1_R", reset=0, trap="TID1"),
    reg("CSSELR", 15, 2, 0, 0, 0, "PL1_RW", wmask=0xF, trap="TID2:rw"),
    reg("VPIDR", 15, 4, 0, 0, 0, "PL2_RW", reset=MIDR),
    reg("VMPIDR", 15, 4, 0, 0, 5, "PL2_RW"),

    # -- c1: system control (B4.1.130 SCTLR, B4.1.65 HCR, ...) ----------------------------
    reg("SCTLR", 15, 0, 1, 0, 0, "PL1_RW", reset=SCTLR_RESET, wmask=SCTLR_WMASK,
        trap="TVM", after=_sctlr_written),
    reg("ACTLR", 15, 0, 1, 0, 1, "PL1_RW", trap="TAC"),
    reg("CPACR", 15, 0, 1, 0, 2, "PL1_RW", wmask=0xC0F00000),
    # NSACR reads, from Non-secure state, as Secure firmware left it: CP10
    # and CP11 usable (B4.1.111).
    reg("NSACR", 15, 0, 1, 1, 2, "PL1_R", reset=0x00000C00),
    reg("HSCTLR", 15, 4, 1, 0, 0, "PL2_RW", reset=HSCTLR_RESET, wmask=HSCTLR_WMASK,
        after=_hsctlr_written),
    reg("HACTLR", 15, 4, 1, 0, 1, "PL2_RW"),
    reg("HCR", 15, 4, 1, 1, 0, "PL2_RW", wmask=0x0FFFFFFF, after=_hcr_written),
    reg("HDCR", 15, 4, 1, 1, 1, "PL2_RW", reset=PMU_COUNTERS, wmask=0xFFF),
    reg("HCPTR", 15, 4, 1, 1, 2, "PL2_RW", reset=0x000033FF, wmask=(1 << 20) | (1 << 15) | (3 << 10)),
    reg("HSTR", 15, 4, 1, 1, 3, "PL2_RW", wmask=0x3BFEF),
    reg("HACR", 15, 4, 1, 1, 7, "PL2_RW"),

    # -- c2, c3: translation table base and control, domains (B4.1.153-155, B4.1.43) ----------
    reg("TTBR0", 15, 0, 2, 0, 0, "PL1_RW", trap="TVM", after=_asid_changed),
    reg("TTBR1", 15, 0, 2, 0, 1, "PL1_RW", trap="TVM", after=_asid_changed),
    reg("TTBCR", 15, 0, 2, 0, 2, "PL1_RW", wmask=TTBCR_WMASK, trap="TVM", after=_translation_changed),
    reg("HTCR", 15, 4, 2, 0, 2, "PL2_RW", reset=0x80800000, wmask=0x00003F07,
        after=_hyp_translation_changed),
    reg("VTCR", 15, 4, 2, 1, 2, "PL2_RW", reset=0x80000000, wmask=0x00003FDF,
        after=_translation_changed),
    reg("DACR", 15, 0, 3, 0, 0, "PL1_RW", trap="TVM", after=_translation_changed),
    reg64("TTBR0_64", 15, 0, 2, "PL1_RW", attr="ttbr0", trap="TVM", after=_asid_changed),
    reg64("TTBR1_64", 15, 1, 2, "PL1_RW", attr="ttbr1", trap="TVM", after=_asid_changed),
    reg64("HTTBR", 15, 4, 2, "PL2_RW", after=_hyp_translation_changed),
    reg64("VTTBR", 15, 6, 2, "PL2_RW", after=_translation_changed),

    # -- c5, c6: fault status and address (B4.1.52, B4.1.96, B4.1.54, ...) -----------------
    reg("DFSR", 15, 0, 5, 0, 0, "PL1_RW", trap="TVM"),
    reg("IFSR", 15, 0, 5, 0, 1, "PL1_RW", trap="TVM"),
    reg("ADFSR", 15, 0, 5, 1, 0, "PL1_RW", trap="TVM"),
    reg("AIFSR", 15, 0, 5, 1, 1, "PL1_RW", trap="TVM"),
    reg("HADFSR", 15, 4, 5, 1, 0, "PL2_RW"),
    reg("HAIFSR", 15, 4, 5, 1, 1, "PL2_RW"),
    reg("HSR", 15, 4, 5, 2, 0, "PL2_RW"),
    reg("DFAR", 15, 0, 6, 0, 0, "PL1_RW", trap="TVM"),
    reg("IFAR", 15, 0, 6, 0, 2, "PL1_RW", trap="TVM"),
    reg("HDFAR", 15, 4, 6, 0, 0, "PL2_RW"),
    reg("HIFAR", 15, 4, 6, 0, 2, "PL2_RW"),
    reg("HPFAR", 15, 4, 6, 0, 4, "PL2_RW", wmask=0xFFFFFFF0),

    # -- c7, c8, c9 ------------------------------------------------------------------------
    *_cache_ops(),
    *_tlb_ops(),
    *_pmu(),
    reg("L2CTLR", 15, 1, 9, 0, 2, "PL1_RW", read=_read_l2ctlr, write=lambda s, v: None,
        trap="TIDCP"),
    reg("L2ECTLR", 15, 1, 9, 0, 3, "PL1_RW", wmask=0, trap="TIDCP"),

    # -- c10: memory attributes (B4.1.127 PRRR/MAIR0, B4.1.110 NMRR/MAIR1, ...) -------------
    reg("PRRR", 15, 0, 10, 2, 0, "PL1_RW", reset=0x00098AA4, trap="TVM", after=_translation_changed),
    reg("NMRR", 15, 0, 10, 2, 1, "PL1_RW", reset=0x44E048E0, trap="TVM", after=_translation_changed),
    reg("AMAIR0", 15, 0, 10, 3, 0, "PL1_RW", trap="TVM"),
    reg("AMAIR1", 15, 0, 10, 3, 1, "PL1_RW", trap="TVM"),
    reg("HMAIR0", 15, 4, 10, 2, 0, "PL2_RW", after=_hyp_translation_changed),
    reg("HMAIR1", 15, 4, 10, 2, 1, "PL2_RW", after=_hyp_translation_changed),
    reg("HAMAIR0", 15, 4, 10, 3, 0, "PL2_RW"),
    reg("HAMAIR1", 15, 4, 10, 3, 1, "PL2_RW"),

    # -- c12: vectors, interrupt status (B4.1.156 VBAR, B4.1.86 ISR, B4.1.69 HVBAR) --------
    reg("VBAR", 15, 0, 12, 0, 0, "PL1_RW", wmask=0xFFFFFFE0),
    reg("ISR", 15, 0, 12, 1, 0, "PL1_R", read=_read_isr),
    reg("HVBAR", 15, 4, 12, 0, 0, "PL2_RW", wmask=0xFFFFFFE0),

    # -- c13: process, context and thread ID (B4.1.44 FCSEIDR, B4.1.36 CONTEXTIDR, ...) ------
    reg("FCSEIDR", 15, 0, 13, 0, 0, "PL1_RW", wmask=0),       # no FCSE on the A15: RAZ/WI
    reg("CONTEXTIDR", 15, 0, 13, 0, 1, "PL1_RW", trap="TVM", after=_asid_changed),
    reg("TPIDRURW", 15, 0, 13, 0, 2, "PL0_RW"),
    reg("TPIDRURO", 15, 0, 13, 0, 3, "PL0_R PL1_RW"),
    reg("TPIDRPRW", 15, 0, 13, 0, 4, "PL1_RW"),
    reg("HTPIDR", 15, 4, 13, 0, 2, "PL2_RW"),

    # -- c14, c15 -----------------------------------------------------------------------------
    *_timers(),
    # CBAR (A15 TRM 4.3.x): PERIPHBASE, where the GIC and the private peripherals are.
    reg("CBAR", 15, 4, 15, 0, 0, "PL1_R", read=lambda s: s.periphbase),

    # -- CP14 ---------------------------------------------------------------------------------
    *_debug(),
]

# Decoders look registers up by encoding; translated code names them by index.
REGISTERS: List[SysReg] = []
_BY_KEY: Dict[tuple, SysReg] = {}


def _register(r: SysReg) -> SysReg:
    key = (r.cp, r.opc1, r.crm) if r.is64 else (r.cp, r.opc1, r.crn, r.crm, r.opc2)
    key = (r.is64,) + key
    if key in _BY_KEY:
        raise ValueError("%r and %r have the same encoding" % (_BY_KEY[key], r))
    r.index = len(REGISTERS)
    REGISTERS.append(r)
    _BY_KEY[key] = r
    return r


for _r in TABLE:
    _register(_r)
BY_NAME: Dict[str, SysReg] = {r.name: r for r in TABLE}


def lookup(cp: int, opc1: int, crn: int, crm: int, opc2: int) -> SysReg:
    """The register an MCR/MRC names; an unallocated encoding gets a row of
    its own that no one may access (so it is HSTR-trapped or UNDEFINED)."""
    r = _BY_KEY.get((False, cp, opc1, crn, crm, opc2))
    if r is None:
        r = _register(_make("UNALLOCATED", cp, opc1, crn, crm, opc2, False, "", read=lambda s: 0))
        log.info("unallocated system register %r: UNDEFINED unless trapped", r)
    return r


def lookup64(cp: int, opc1: int, crm: int) -> SysReg:
    """The register an MCRR/MRRC names (see :func:`lookup`)."""
    r = _BY_KEY.get((True, cp, opc1, crm))
    if r is None:
        r = _register(_make("UNALLOCATED", cp, opc1, 0, crm, 0, True, "", read=lambda s: 0))
        log.info("unallocated system register %r: UNDEFINED unless trapped", r)
    return r


# -- the per-core register file ---------------------------------------------------------------

class SysRegs:
    """The system registers of one core.  Registers are plain attributes
    (see the module docstring); the methods :meth:`mrc`, :meth:`mcr`,
    :meth:`mrrc` and :meth:`mcrr` are what translated code calls."""

    def __init__(self, core, cpu_id: int = 0, cluster_id: int = 0) -> None:
        self.core = core
        # Board facts: where the private peripherals are (V2P-CA15: the GIC at
        # 0x2C001000), how many cores, the counter's frequency and the core clock.
        self.cpu_id = cpu_id
        self.cluster_id = cluster_id
        self.num_cpus = 1
        self.periphbase = 0x2C000000
        self.counter_hz = 24000000
        self.core_hz = 1000000000
        self._write_hooks: Dict[str, List[Callable]] = {}
        self._cpacr = self._hcptr = 0
        self.reset()

    def reset(self) -> None:
        for r in REGISTERS:
            if r.attr is not None:
                setattr(self, r.attr, r.reset)
        # MPIDR (B4.1.106): the multiprocessing format (bit 31), Aff1 = cluster, Aff0 = core.
        self.mpidr = 0x80000000 | (self.cluster_id << 8) | self.cpu_id
        self.vmpidr = self.mpidr
        self.vpidr = self.midr
        self.pmcnten = self.pmintens = self.pmovsr = 0
        self.pmevtyper = [0] * PMU_COUNTERS
        self.pmevcntr = [0] * PMU_COUNTERS
        self.pmccntr_base = 0
        self.pmu_origin = self.core.cycles
        # nothing cached survives a reset: the soft TLB starts empty
        self.core.tlb.flush()
        self.core.timer.reset()

    # The LPAE names of the shared encodings (B4.1.104).
    @property
    def mair0(self) -> int:
        return self.prrr

    @property
    def mair1(self) -> int:
        return self.nmrr

    # CPACR and HCPTR decide, with FPEXC.EN, whether VFP instructions run:
    # the core keeps that answer as one flag (vfp/regs.py, vfp_open), which
    # every write refreshes, whatever path it takes.
    @property
    def cpacr(self) -> int:
        return self._cpacr

    @cpacr.setter
    def cpacr(self, value: int) -> None:
        self._cpacr = value
        self.core.vfp_access_changed(self)

    @property
    def hcptr(self) -> int:
        return self._hcptr

    @hcptr.setter
    def hcptr(self, value: int) -> None:
        self._hcptr = value
        self.core.vfp_access_changed(self)

    # -- hooks for other models --------------------------------------------------------------

    def on_write(self, name: str, fn: Callable[["SysRegs", str], None]) -> None:
        """Call fn(sysregs, name) after every guest write of register `name`
        (the value written is in ``sysregs.last_written`` meanwhile)."""
        if name not in BY_NAME:
            raise KeyError("no system register named %r" % name)
        self._write_hooks.setdefault(name, []).append(fn)

    def regime_changed(self) -> None:
        """The core entered or left HYP mode, or SCTLR/HSCTLR changed:
        alignment checking follows HSCTLR.A in HYP and SCTLR.A elsewhere.
        (The MMU's translation regime switch belongs here as well.)"""
        ctl = self.hsctlr if self.core.mode == MODE_HYP else self.sctlr
        self.core.tlb.strict_alignment = bool(ctl & 2)
        self.core.update_context()

    @property
    def cnthctl(self) -> int:
        """CNTHCTL, which the PL1PCTEN/PL1PCEN traps read (the timer holds it)."""
        return self.core.timer.cnthctl

    @cnthctl.setter
    def cnthctl(self, value: int) -> None:
        self.core.timer.write("CNTHCTL", value)

    # -- access by name (debuggers, tests, the hypervisor) -----------------------------------

    def read(self, name: str) -> int:
        """The value a privileged read of register `name` returns, without checks."""
        return BY_NAME[name].read(self)

    def write(self, name: str, value: int) -> None:
        """Write register `name` as a guest write would, without checks."""
        r = BY_NAME[name]
        if r.write is None:
            raise KeyError("%s is read-only" % name)
        self._do_write(r, value)

    # -- what translated code calls -----------------------------------------------------------

    def mrc(self, index: int, pc: int, iss: int) -> int:
        """MRC: the register's value, or ~vector if the access took an exception."""
        r = REGISTERS[index]
        vector = self._check(r, True, pc, iss)
        if vector is not None:
            return ~vector
        return r.read(self) & MASK32

    def mrrc(self, index: int, pc: int, iss: int) -> int:
        """MRRC: the 64-bit value, or ~vector if the access took an exception."""
        r = REGISTERS[index]
        vector = self._check(r, True, pc, iss)
        if vector is not None:
            return ~vector
        return r.read(self) & MASK64

    def mcr(self, index: int, pc: int, iss: int, value: int) -> Optional[int]:
        """MCR: None, or the vector of the exception the access took."""
        r = REGISTERS[index]
        vector = self._check(r, False, pc, iss)
        if vector is not None:
            return vector
        self._do_write(r, value & MASK32)
        return None

    def mcrr(self, index: int, pc: int, iss: int, value: int) -> Optional[int]:
        """MCRR: None, or the vector of the exception the access took."""
        r = REGISTERS[index]
        vector = self._check(r, False, pc, iss)
        if vector is not None:
            return vector
        self._do_write(r, value & MASK64)
        return None

    def _do_write(self, r: SysReg, value: int) -> None:
        r.write(self, value)
        hooks = self._write_hooks.get(r.name)
        if hooks:
            self.last_written = value      # what the hooks may read of the write
            for fn in hooks:
                fn(self, r.name)

    def _check(self, r: SysReg, is_read: bool, pc: int, iss: int) -> Optional[int]:
        """The access checks, in priority order (module docstring): None if
        the access goes ahead, else the vector of the exception taken."""
        c = self.core
        mode = c.mode
        if mode == MODE_USR:
            right = PL0_R if is_read else PL0_W
            if not r.access & right or (r.pl0 is not None and not r.pl0(self)):
                return c.take_undef(pc)
        if r.enabled is not None and not r.enabled(self):
            return c.take_undef(pc)
        if mode != MODE_HYP:
            if self.hstr & r.hstr_bit or (r.impdef and self.hcr & (1 << 20)):
                return c.take_hyp_trap(pc, r.ec, iss)
            for attr, mask, when, on_read, on_write in r.traps:
                if (on_read if is_read else on_write) and getattr(self, attr) & mask == when:
                    return c.take_hyp_trap(pc, r.ec, iss)
            if mode != MODE_USR and not r.access & (PL1_R if is_read else PL1_W):
                return c.take_undef(pc)
        elif not r.access & (PL2_R if is_read else PL2_W):
            return c.take_undef(pc)
        return None
