"""The GICv2 CPU interface (GICC) of one core, and its register map.

GICv2 architecture specification (IHI 0048B) 3.2 (the interrupt handling
state machine), 3.3 (priorities, preemption, binary point) and 4.4 (the
registers).  Without the Security Extensions there is one copy of each
register, with the group 0 and group 1 controls of the "Secure" view:
CTLR.EnableGrp0/EnableGrp1/AckCtl/FIQEn/CBPR/EOImode (0x21F writable, as
QEMU's model), BPR for group 0 (and group 1 when CBPR), ABPR for group 1,
and the aliased AIAR/AEOIR/AHPPIR that acknowledge and end group 1
interrupts only.

Acknowledge (IAR): the distributor's highest-priority candidate for this
core, if its priority is higher (lower value) than PMR and its group
priority higher than the running priority's, becomes active; its priority
is pushed on the active-priority stack (the running priority, RPR, is the
highest there).  IAR returns 1023 if none, and 1022 for a group 1
candidate while AckCtl is 0.  EOIR drops the running priority; with
EOImode 0 it also deactivates the interrupt, with EOImode 1 DIR does.
HPPIR reports the candidate regardless of the running priority.

The interface drives the core's nIRQ (nFIQ for group 0 with FIQEn) while
it has an interrupt that IAR would acknowledge, or group 1 with AckCtl 0
(which signals without being acknowledgeable through IAR).
"""

from typing import List, Optional

from .distributor import GROUP1_SPURIOUS, SPURIOUS
from .regmap import Reg, RegisterMap

CTLR_GRP0, CTLR_GRP1, CTLR_ACKCTL, CTLR_FIQEN, CTLR_CBPR = 1, 2, 4, 8, 16
CTLR_EOIMODE = 1 << 9
CTLR_MASK = 0x21F
IIDR = 0x0002043B      # GICv2 (ArchitectureVersion 2), ARM, as QEMU's model reports

ROWS = [
    Reg("CTLR", 0x00),
    Reg("PMR", 0x04),
    Reg("BPR", 0x08, reset=0),            # QEMU's reset values: the minimum binary points
    Reg("IAR", 0x0C, access="RO"),
    Reg("EOIR", 0x10, access="WO"),
    Reg("RPR", 0x14, access="RO"),
    Reg("HPPIR", 0x18, access="RO"),
    Reg("ABPR", 0x1C, reset=1),
    Reg("AIAR", 0x20, access="RO"),
    Reg("AEOIR", 0x24, access="WO"),
    Reg("AHPPIR", 0x28, access="RO"),
    Reg("APR", 0xD0, 4),
    Reg("NSAPR", 0xE0, 4),
    Reg("IIDR", 0xFC, access="RO"),
    Reg("DIR", 0x1000, access="WO"),
]
REGMAP = RegisterMap("GICC", ROWS)


def group_priority(prio: int, bpr: int, group1: bool) -> int:
    """The group priority field of `prio` (3.3.3): for group 0 (or a
    binary point that is group 0's) the bits above BPR, for group 1 with
    its own ABPR the bits above ABPR - 1."""
    shift = bpr if group1 else bpr + 1
    return prio & (0xFF << shift) & 0xFF


class CpuInterface:
    def __init__(self, gic, cpu: int):
        self.gic = gic
        self.dist = gic.dist
        self.cpu = cpu
        self.reset()

    def reset(self) -> None:
        self.ctlr = REGMAP.reset_value("CTLR")
        self.pmr = REGMAP.reset_value("PMR")
        self.bpr = REGMAP.reset_value("BPR")
        self.abpr = REGMAP.reset_value("ABPR")
        # Active interrupts in preemption order: [irq, priority, group, dropped]
        self.active: List[list] = []

    # -- priorities -----------------------------------------------------------------

    def running_priority(self) -> int:
        prios = [a[1] for a in self.active if not a[3]]
        return min(prios) if prios else 0xFF

    def _gp(self, prio: int, group: int) -> int:
        if group and not self.ctlr & CTLR_CBPR:
            return group_priority(prio, self.abpr, True)
        return group_priority(prio, self.bpr, False)

    def _candidate(self, groups: int):
        """The distributor's best candidate in `groups` enabled here, above PMR."""
        groups &= self.ctlr & (CTLR_GRP0 | CTLR_GRP1)
        best = self.dist.best_pending(self.cpu, groups)
        if best is None or best[1] >= self.pmr:
            return None
        return best

    def _preempts(self, best) -> bool:
        running = self.running_priority()
        if running == 0xFF:
            return True
        return self._gp(best[1], best[2]) < self._gp(running, best[2])

    def signals(self):
        """(irq_level, fiq_level) this interface drives into its core."""
        best = self._candidate(3)
        if best is None or not self._preempts(best):
            return False, False
        if best[2] == 0 and self.ctlr & CTLR_FIQEN:
            return False, True
        return True, False

    # -- acknowledge and end of interrupt ----------------------------------------------------

    def acknowledge(self, groups: int, group1_alias: bool) -> int:
        best = self._candidate(groups)
        if best is None or not self._preempts(best):
            return SPURIOUS
        irq, prio, group = best
        if group == 1 and not group1_alias and not self.ctlr & CTLR_ACKCTL:
            return GROUP1_SPURIOUS
        value = self.dist.acknowledge(self.cpu, irq)
        self.active.append([irq, prio, group, False])
        self.gic.update()
        return value

    def end_of_interrupt(self, value: int) -> None:
        """EOIR (4.4.5): priority drop of the interrupt, and deactivation
        unless EOImode.  An ID that is not active is ignored."""
        irq = value & 0x3FF
        for entry in reversed(self.active):
            if entry[0] == irq and not entry[3]:
                entry[3] = True
                break
        else:
            return
        if not self.ctlr & CTLR_EOIMODE:
            self._deactivate(irq)
        self.gic.update()

    def _deactivate(self, irq: int) -> None:
        for idx, entry in enumerate(self.active):
            if entry[0] == irq:
                del self.active[idx]
                break
        self.dist.deactivate(self.cpu, irq)

    def highest_pending(self, groups: int, group1_alias: bool) -> int:
        best = self._candidate(groups)
        if best is None:
            return SPURIOUS
        irq, _prio, group = best
        if group == 1 and not group1_alias and not self.ctlr & CTLR_ACKCTL:
            return GROUP1_SPURIOUS
        if irq < 16:
            sources = self.dist.sgi_sources[self.cpu][irq]
            irq |= ((sources & -sources).bit_length() - 1) << 10
        return irq

    # -- the register map ------------------------------------------------------------------

    def read(self, offset: int, size: int) -> int:
        return REGMAP.read(self, self.cpu, offset, size)

    def write(self, offset: int, size: int, value: int) -> None:
        REGMAP.write(self, self.cpu, offset, size, value)

    def read_ctlr(self, cpu, i):
        return self.ctlr

    def write_ctlr(self, cpu, i, value, bytemask):
        self.ctlr = value & CTLR_MASK
        self.gic.update()

    def read_pmr(self, cpu, i):
        return self.pmr

    def write_pmr(self, cpu, i, value, bytemask):
        self.pmr = value & 0xFF
        self.gic.update()

    def read_bpr(self, cpu, i):
        return self.bpr

    def write_bpr(self, cpu, i, value, bytemask):
        self.bpr = value & 7
        self.gic.update()

    def read_abpr(self, cpu, i):
        return self.abpr

    def write_abpr(self, cpu, i, value, bytemask):
        self.abpr = max(value & 7, 1)      # group 1's minimum binary point is 1
        self.gic.update()

    def read_iar(self, cpu, i):
        return self.acknowledge(3, False)

    def read_aiar(self, cpu, i):
        return self.acknowledge(2, True)

    def write_eoir(self, cpu, i, value, bytemask):
        self.end_of_interrupt(value)

    write_aeoir = write_eoir

    def write_dir(self, cpu, i, value, bytemask):
        """DIR (4.4.15): deactivate, when EOImode makes EOIR only drop priority."""
        irq = value & 0x3FF
        if self.ctlr & CTLR_EOIMODE:
            self._deactivate(irq)
            self.gic.update()

    def read_rpr(self, cpu, i):
        return self.running_priority()

    def read_hppir(self, cpu, i):
        return self.highest_pending(3, False)

    def read_ahppir(self, cpu, i):
        return self.highest_pending(2, True)

    def read_apr(self, cpu, i):
        """APR0 (4.4.13, the recommended layout): bit n = an active
        interrupt at group priority n << (BPR + 1), group 0 and 1 alike."""
        if i:
            return 0
        word = 0
        for irq, prio, group, dropped in self.active:
            if not dropped:
                word |= 1 << (group_priority(prio, self.bpr, False) >> (self.bpr + 1) & 31)
        return word

    def write_apr(self, cpu, i, value, bytemask):
        pass       # writable only for state save/restore of a power-down: not modelled

    def read_nsapr(self, cpu, i):
        return 0

    def write_nsapr(self, cpu, i, value, bytemask):
        pass

    def read_iidr(self, cpu, i):
        return IIDR

    def active_irqs(self) -> Optional[List[int]]:
        return [a[0] for a in self.active]
