"""The GICv2 virtualization extensions of one core: GICH and GICV.

GICv2 architecture specification (IHI 0048B) chapter 5.  The hypervisor
programs the virtual interface control (GICH, 5.3): list registers that
each hold one virtual interrupt for the core's current virtual machine;
the guest's operating system runs its ordinary GIC driver against the
virtual CPU interface (GICV, 5.4), which has GICC's layout and takes its
interrupts from the list registers instead of a distributor.

A list register (GICH_LRn, 5.3.10):

    [31] HW  [30] Grp1  [29:28] State (1 pending, 2 active, 3 both)
    [27:23] Priority (5 bits)  [19:10] PhysicalID  [9:0] VirtualID

With HW = 1 the virtual interrupt stands for the physical interrupt
PhysicalID, and deactivating the virtual one deactivates the physical one
in the distributor.  With HW = 0, bit 19 is EOI (ask for a maintenance
interrupt when the guest ends it) and bits 12:10 the requesting core of
a virtual SGI.

GICH_VTR: 4 list registers, 5 priority and 5 preemption bits (the
A15's, and QEMU's).  GICH_VMCR is the hypervisor's view of GICV_CTLR,
GICV_PMR and the binary points.  The maintenance interrupt (PPI 25) is
asserted while GICH_HCR.En is 1 and GICH_MISR is not zero.  GICV signals
the core's nVIRQ (nVFIQ for group 0 with FIQEn) when the highest-priority
pending list register is above the virtual PMR and the virtual running
priority.
"""

from typing import List

from .distributor import SPURIOUS, GROUP1_SPURIOUS
from .regmap import Reg, RegisterMap

NUM_LR = 4
PRI_BITS = 5
VTR = ((PRI_BITS - 1) << 29) | ((PRI_BITS - 1) << 26) | (NUM_LR - 1)
MAINTENANCE_PPI = 25

LR_HW, LR_GRP1 = 1 << 31, 1 << 30
LR_PENDING, LR_ACTIVE = 1 << 28, 1 << 29
LR_STATE = LR_PENDING | LR_ACTIVE
LR_EOI = 1 << 19

HCR_EN, HCR_UIE, HCR_LRENPIE, HCR_NPIE = 1, 2, 4, 8
HCR_VGRP0EIE, HCR_VGRP0DIE, HCR_VGRP1EIE, HCR_VGRP1DIE = 16, 32, 64, 128
HCR_MASK = 0xF80000FF          # EOICount [31:27] and the enables

# GICV_CTLR bits, and where they sit in GICH_VMCR (5.3.3)
VCTLR_GRP0, VCTLR_GRP1, VCTLR_ACKCTL, VCTLR_FIQEN, VCTLR_CBPR = 1, 2, 4, 8, 16
VCTLR_EOIMODE = 1 << 9

GICH_ROWS = [
    Reg("HCR", 0x00),
    Reg("VTR", 0x04, access="RO"),
    Reg("VMCR", 0x08, reset=(2 << 21) | (3 << 18)),      # VMBP 2, VMABP 3 (QEMU's)
    Reg("MISR", 0x10, access="RO"),
    Reg("EISR", 0x20, 2, access="RO"),
    Reg("ELSR", 0x30, 2, access="RO"),
    Reg("APR", 0xF0),
    Reg("LR", 0x100, NUM_LR),
]
GICH_MAP = RegisterMap("GICH", GICH_ROWS)

GICV_ROWS = [
    Reg("CTLR", 0x00),
    Reg("PMR", 0x04),
    Reg("BPR", 0x08),
    Reg("IAR", 0x0C, access="RO"),
    Reg("EOIR", 0x10, access="WO"),
    Reg("RPR", 0x14, access="RO"),
    Reg("HPPIR", 0x18, access="RO"),
    Reg("ABPR", 0x1C),
    Reg("AIAR", 0x20, access="RO"),
    Reg("AEOIR", 0x24, access="WO"),
    Reg("AHPPIR", 0x28, access="RO"),
    Reg("APR", 0xD0, 4),
    Reg("IIDR", 0xFC, access="RO"),
    Reg("DIR", 0x1000, access="WO"),
]
GICV_MAP = RegisterMap("GICV", GICV_ROWS)
GICV_IIDR = 0x0002043B


def lr_priority(lr: int) -> int:
    """The list register's 5-bit priority as an 8-bit priority value."""
    return ((lr >> 23) & 0x1F) << 3


class VirtualInterface:
    """GICH and GICV of core `cpu`: the list registers and the virtual CPU
    interface state, one object because both views share it."""

    def __init__(self, gic, cpu: int):
        self.gic = gic
        self.cpu = cpu
        self.gich = _View(self, GICH_MAP)
        self.gicv = _View(self, GICV_MAP, virtual=True)
        self.reset()

    def reset(self) -> None:
        self.hcr = GICH_MAP.reset_value("HCR")
        self.lr: List[int] = [GICH_MAP.reset_value("LR")] * NUM_LR
        self.apr = GICH_MAP.reset_value("APR")   # active priorities: bit n = group priority n << 3
        self.eisr = 0
        self._load_vmcr(GICH_MAP.reset_value("VMCR"))           # GICV's CTLR, PMR, BPR, ABPR

    def _load_vmcr(self, value: int) -> None:
        """GICH_VMCR (5.3.3) into the virtual CPU interface's state."""
        self.vpmr = (value >> 27) & 0x1F
        self.vbpr = (value >> 21) & 7
        self.vabpr = (value >> 18) & 7
        self.vctlr = (value & 0x1F) | (value & (1 << 9))

    # -- derived state -----------------------------------------------------------------

    def misr(self) -> int:
        """GICH_MISR (5.3.5)."""
        hcr = self.hcr
        value = 0
        if self.eisr:
            value |= 1                                           # EOI
        valid = sum(1 for lr in self.lr if lr & LR_STATE)
        if hcr & HCR_UIE and valid <= 1:
            value |= 2                                           # U: underflow
        if hcr & HCR_LRENPIE and hcr >> 27:
            value |= 4                                           # LRENP
        if hcr & HCR_NPIE and not any(lr & LR_PENDING for lr in self.lr):
            value |= 8                                           # NP
        grp0 = bool(self.vctlr & VCTLR_GRP0)
        grp1 = bool(self.vctlr & VCTLR_GRP1)
        if hcr & HCR_VGRP0EIE and grp0:
            value |= 16
        if hcr & HCR_VGRP0DIE and not grp0:
            value |= 32
        if hcr & HCR_VGRP1EIE and grp1:
            value |= 64
        if hcr & HCR_VGRP1DIE and not grp1:
            value |= 128
        return value

    def elsr(self) -> int:
        """GICH_ELSR0 (5.3.7): list registers that hold no interrupt."""
        value = 0
        for n, lr in enumerate(self.lr):
            if not lr & LR_STATE and (lr & LR_HW or not lr & LR_EOI):
                value |= 1 << n
        return value

    def maintenance(self) -> bool:
        return bool(self.hcr & HCR_EN) and self.misr() != 0

    def running_priority(self) -> int:
        if not self.apr:
            return 0xFF
        return ((self.apr & -self.apr).bit_length() - 1) << 3

    def _gp(self, prio: int, group: int) -> int:
        if group and not self.vctlr & VCTLR_CBPR:
            return prio & (0xFF << max(self.vabpr, 0)) & 0xF8
        return prio & (0xFF << (self.vbpr + 1)) & 0xF8

    def _best(self, groups: int, active_too: bool = False):
        """(n, priority, group) of the highest-priority pending list register."""
        best = None
        for n, lr in enumerate(self.lr):
            if not lr & LR_PENDING or (lr & LR_ACTIVE and not active_too):
                continue
            group = 1 if lr & LR_GRP1 else 0
            if not groups >> group & 1:
                continue
            prio = lr_priority(lr)
            if best is None or prio < best[1]:
                best = (n, prio, group)
        return best

    def _candidate(self, groups: int):
        if not self.hcr & HCR_EN:
            return None
        groups &= self.vctlr & (VCTLR_GRP0 | VCTLR_GRP1)
        best = self._best(groups)
        if best is None or best[1] >= (self.vpmr << 3):
            return None
        running = self.running_priority()
        if running != 0xFF and self._gp(best[1], best[2]) >= self._gp(running, best[2]):
            return None
        return best

    def signals(self):
        """(virq, vfiq) the virtual CPU interface drives into the core."""
        best = self._candidate(3)
        if best is None:
            return False, False
        if best[2] == 0 and self.vctlr & VCTLR_FIQEN:
            return False, True
        return True, False

    # -- the virtual CPU interface's actions -----------------------------------------------

    def acknowledge(self, groups: int, alias: bool) -> int:
        best = self._candidate(groups)
        if best is None:
            return SPURIOUS
        n, prio, group = best
        if group == 1 and not alias and not self.vctlr & VCTLR_ACKCTL:
            return GROUP1_SPURIOUS
        lr = self.lr[n]
        self.lr[n] = (lr & ~LR_STATE) | LR_ACTIVE
        self.apr |= 1 << (self._gp(prio, group) >> 3)
        value = lr & 0x3FF
        if not lr & LR_HW and value < 16:
            value |= lr & (7 << 10)                   # the virtual SGI's source core
        self.gic.update()
        return value

    def end_of_interrupt(self, value: int) -> None:
        """GICV_EOIR: drop the running priority; unless EOImode, deactivate.
        With no active priority there is nothing to end: the write is
        ignored (and not counted in EOICount, as on QEMU)."""
        if not self.apr:
            return
        self.apr &= self.apr - 1                      # the highest active priority
        if not self.vctlr & VCTLR_EOIMODE:
            self.deactivate(value)
        self.gic.update()

    def deactivate(self, value: int) -> None:
        """Deactivate virtual interrupt `value` (5.4.x): its list register
        leaves the active state; a hardware one deactivates its physical
        interrupt; an EOI-flagged one raises EISR.  No list register with
        this ID: GICH_HCR.EOICount counts it."""
        vid = value & 0x3FF
        for n, lr in enumerate(self.lr):
            if lr & 0x3FF == vid and lr & LR_ACTIVE:
                lr &= ~LR_ACTIVE
                self.lr[n] = lr
                if lr & LR_HW:
                    self.gic.deactivate_physical(self.cpu, (lr >> 10) & 0x3FF)
                elif lr & LR_EOI and not lr & LR_STATE:
                    self.eisr |= 1 << n
                break
        else:
            count = ((self.hcr >> 27) + 1) & 0x1F
            self.hcr = (self.hcr & 0x07FFFFFF) | (count << 27)
        self.gic.update()

    def highest_pending(self, groups: int, alias: bool) -> int:
        if not self.hcr & HCR_EN:
            return SPURIOUS
        best = self._best(groups & self.vctlr & 3)
        if best is None or best[1] >= (self.vpmr << 3):
            return SPURIOUS
        n, _prio, group = best
        if group == 1 and not alias and not self.vctlr & VCTLR_ACKCTL:
            return GROUP1_SPURIOUS
        lr = self.lr[n]
        value = lr & 0x3FF
        if not lr & LR_HW and value < 16:
            value |= lr & (7 << 10)
        return value

    # -- GICH registers ----------------------------------------------------------------------

    def h_read(self, name: str, i: int) -> int:
        if name == "HCR":
            return self.hcr
        if name == "VTR":
            return VTR
        if name == "VMCR":
            return ((self.vpmr & 0x1F) << 27) | ((self.vbpr & 7) << 21) | ((self.vabpr & 7) << 18) \
                | (((self.vctlr >> 9) & 1) << 9) | (self.vctlr & 0x1F)
        if name == "MISR":
            return self.misr()
        if name == "EISR":
            return self.eisr if i == 0 else 0
        if name == "ELSR":
            return self.elsr() if i == 0 else 0
        if name == "APR":
            return self.apr
        return self.lr[i]                                          # LR

    def h_write(self, name: str, i: int, value: int) -> None:
        if name == "HCR":
            self.hcr = value & HCR_MASK
        elif name == "VMCR":
            self._load_vmcr(value)
        elif name == "APR":
            self.apr = value & 0xFFFFFFFF
        elif name == "LR":
            # Writable fields: all but bits 22:20 (reserved); priority keeps its 5 bits.
            self.lr[i] = value & 0xFF8FFFFF
            self.eisr &= ~(1 << i)
        self.gic.update()

    # -- GICV registers ------------------------------------------------------------------------

    def v_read(self, name: str, i: int) -> int:
        if name == "CTLR":
            return self.vctlr
        if name == "PMR":
            return self.vpmr << 3
        if name == "BPR":
            return self.vbpr
        if name == "ABPR":
            return self.vabpr
        if name == "IAR":
            return self.acknowledge(3, False)
        if name == "AIAR":
            return self.acknowledge(2, True)
        if name == "RPR":
            return self.running_priority()
        if name == "HPPIR":
            return self.highest_pending(3, False)
        if name == "AHPPIR":
            return self.highest_pending(2, True)
        if name == "APR":
            return self.apr if i == 0 else 0
        if name == "IIDR":
            return GICV_IIDR
        return 0

    def v_write(self, name: str, i: int, value: int) -> None:
        if name == "CTLR":
            self.vctlr = value & 0x21F
        elif name == "PMR":
            self.vpmr = (value >> 3) & 0x1F
        elif name == "BPR":
            self.vbpr = max(value & 7, 2)      # with 5 preemption bits the minimum BPR is 2
        elif name == "ABPR":
            self.vabpr = max(value & 7, 3)
        elif name in ("EOIR", "AEOIR"):
            self.end_of_interrupt(value)
            return
        elif name == "DIR":
            if self.vctlr & VCTLR_EOIMODE:
                self.deactivate(value)
            return
        elif name == "APR":
            if i == 0:
                self.apr = value & 0xFFFFFFFF
        self.gic.update()


class _View:
    """The GICH or the GICV register map of one VirtualInterface, as a bus device."""

    def __init__(self, vif: VirtualInterface, regmap: RegisterMap, virtual: bool = False):
        self.vif = vif
        self.regmap = regmap
        self._read = vif.v_read if virtual else vif.h_read
        self._write = vif.v_write if virtual else vif.h_write
        for r in regmap.rows:
            name = r.name
            setattr(self, "read_" + name.lower(), _reader(self, name))
            setattr(self, "write_" + name.lower(), _writer(self, name))

    def read(self, offset: int, size: int) -> int:
        return self.regmap.read(self, self.vif.cpu, offset, size)

    def write(self, offset: int, size: int, value: int) -> None:
        self.regmap.write(self, self.vif.cpu, offset, size, value)


def _reader(view: _View, name: str):
    return lambda cpu, i: view._read(name, i)


def _writer(view: _View, name: str):
    return lambda cpu, i, value, bytemask: view._write(name, i, value)
