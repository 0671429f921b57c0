"""The GICv2 distributor (GICD): per-interrupt state and its register map.

GICv2 architecture specification (IHI 0048B) chapters 3 and 4.3.  The
A15 tile's GIC as QEMU's vexpress-a15 reports it: 160 interrupt IDs
(TYPER.ITLinesNumber = 4), the number of cores in TYPER.CPUNumber, no
Security Extensions (the model has none: TYPER.SecurityExtn = 0, and
every access sees the one, "Secure", copy of the banked registers),
IIDR 0x0000043B (ARM), eight priority bits.

Interrupt IDs: 0-15 SGIs and 16-31 PPIs, banked per core (their enable,
pending, active, group and priority bits), and 32-159 SPIs, shared, each
with an 8-bit CPU target mask.  State per interrupt (3.2.4): pending
(latched by an edge, a set-pending write or an SGI; for a level-sensitive
interrupt also while its input is high), active, both, or inactive.

The distributor forwards to each core's CPU interface its highest-priority
candidate: enabled, pending, not active, of a group enabled here, and
targeted at that core (SPIs by ITARGETSR, SGIs by their pending sources).
"""

from typing import Callable, List

from .regmap import MASK32, Reg, RegisterMap, byte_lanes

NIRQ = 160
SPURIOUS = 1023
GROUP1_SPURIOUS = 1022

# CoreLink/PrimeCell style ID registers of the GICv2 distributor (0xFD0-0xFFC), as QEMU's model reports them.
ID_REGS = (0x04, 0x00, 0x00, 0x00, 0x90, 0xB4, 0x2B, 0x00, 0x0D, 0xF0, 0x05, 0xB1)
IIDR = 0x0000043B

ROWS = [
    Reg("CTLR", 0x000),
    Reg("TYPER", 0x004, access="RO"),
    Reg("IIDR", 0x008, access="RO"),
    Reg("IGROUPR", 0x080, NIRQ // 32),
    Reg("ISENABLER", 0x100, NIRQ // 32),
    Reg("ICENABLER", 0x180, NIRQ // 32),
    Reg("ISPENDR", 0x200, NIRQ // 32),
    Reg("ICPENDR", 0x280, NIRQ // 32),
    Reg("ISACTIVER", 0x300, NIRQ // 32),
    Reg("ICACTIVER", 0x380, NIRQ // 32),
    Reg("IPRIORITYR", 0x400, NIRQ // 4, bytes_ok=True),
    Reg("ITARGETSR", 0x800, NIRQ // 4, bytes_ok=True),
    Reg("ICFGR", 0xC00, NIRQ // 16),
    Reg("SGIR", 0xF00, access="WO"),
    Reg("CPENDSGIR", 0xF10, 4, bytes_ok=True),
    Reg("SPENDSGIR", 0xF20, 4, bytes_ok=True),
    Reg("ID", 0xFD0, 12, access="RO"),
]
REGMAP = RegisterMap("GICD", ROWS)


class Distributor:
    """Interrupt state for `ncpu` cores; `changed()` is called after every
    change that may move a core's highest-priority candidate."""

    def __init__(self, ncpu: int, changed: Callable[[], None]):
        self.ncpu = ncpu
        self.changed = changed
        n = NIRQ + 32 * ncpu          # SPIs by ID, then each core's 32 banked ones
        self.size = n
        self.enabled = [False] * n
        self.latched = [False] * n    # pending, as latched (edge, write, SGI)
        self.level = [False] * n      # the input line
        self.active = [False] * n
        self.group = [0] * n
        self.priority = [0] * n
        self.edge = [False] * NIRQ    # ICFGR Int_config[1], shared for PPIs as for SPIs here
        self.edge_ppi = [[False] * 32 for _ in range(ncpu)]
        self.target = [0] * NIRQ      # SPIs only
        # sgi_sources[cpu][sgi]: bit n set = pending from core n
        self.sgi_sources = [[0] * 16 for _ in range(ncpu)]
        # Indices whose interrupt may be pending (latched, line high, or an
        # SGI with sources): the candidates best_pending looks at, so that
        # finding the highest-priority interrupt costs what is pending, not 160.
        self.hot = set()
        self.ctlr = 0
        self.reset()

    def reset(self) -> None:
        for arr in (self.enabled, self.latched, self.active):
            for i in range(len(arr)):
                arr[i] = False
        for i in range(self.size):
            self.group[i] = 0
            self.priority[i] = 0
        for i in range(NIRQ):
            self.edge[i] = False
            self.target[i] = 0
        for c in range(self.ncpu):
            self.edge_ppi[c] = [False] * 32
            self.sgi_sources[c] = [0] * 16
            for sgi in range(16):
                self.enabled[self.k(c, sgi)] = True      # SGIs are always enabled (QEMU, GIC-400)
        self.hot = {k for k in range(self.size) if self.level[k]}
        self.ctlr = 0

    # -- state by (cpu, interrupt ID) --------------------------------------------------

    @staticmethod
    def k(cpu: int, irq: int) -> int:
        """Index of interrupt `irq` as core `cpu` sees it (SGIs/PPIs are banked)."""
        return irq if irq >= 32 else NIRQ + 32 * cpu + irq

    def is_edge(self, cpu: int, irq: int) -> bool:
        if irq < 16:
            return True
        if irq < 32:
            return self.edge_ppi[cpu][irq]
        return self.edge[irq]

    def pending(self, cpu: int, irq: int) -> bool:
        if irq < 16:
            return self.sgi_sources[cpu][irq] != 0
        k = self.k(cpu, irq)
        return self.latched[k] or (self.level[k] and not self.is_edge(cpu, irq))

    def _mark(self, cpu: int, irq: int) -> None:
        """Keep `hot` in step after a change of the pending inputs of `irq`."""
        k = self.k(cpu, irq)
        if (self.sgi_sources[cpu][irq] if irq < 16 else self.latched[k] or self.level[k]):
            self.hot.add(k)
        else:
            self.hot.discard(k)

    def set_latched(self, cpu: int, irq: int, value: bool) -> None:
        self.latched[self.k(cpu, irq)] = value
        self._mark(cpu, irq)

    def targets_cpu(self, cpu: int, irq: int) -> bool:
        return irq < 32 or bool(self.target[irq] >> cpu & 1)

    def set_level(self, cpu: int, irq: int, level: bool) -> None:
        """An interrupt input: SPIs ignore `cpu`; PPIs are core `cpu`'s."""
        k = self.k(cpu, irq)
        level = bool(level)
        if self.level[k] == level:
            return
        self.level[k] = level
        if level and self.is_edge(cpu, irq):
            self.latched[k] = True      # a rising edge latches the pending state
        self._mark(cpu, irq)
        self.changed()

    def send_sgi(self, src: int, value: int) -> None:
        """A GICD_SGIR write by core `src` (4.3.15): TargetListFilter[25:24]
        0 = the CPUTargetList[23:16], 1 = every other core, 2 = this core."""
        sgi = value & 0xF
        filt = (value >> 24) & 3
        if filt == 0:
            targets = (value >> 16) & 0xFF
        elif filt == 1:
            targets = ((1 << self.ncpu) - 1) & ~(1 << src)
        elif filt == 2:
            targets = 1 << src
        else:
            return                       # reserved filter: no SGI
        for cpu in range(self.ncpu):
            if targets >> cpu & 1:
                self.sgi_sources[cpu][sgi] |= 1 << src
                self._mark(cpu, sgi)
        self.changed()

    # -- what the CPU interface asks -----------------------------------------------------

    def best_pending(self, cpu: int, groups: int):
        """(irq, priority, group) of core `cpu`'s highest-priority candidate
        among `groups` (bit 0: group 0, bit 1: group 1), or None.  Ties go
        to the lowest ID (3.3.x)."""
        if not self.ctlr & groups:
            return None
        best = None
        best_prio = 0x100
        ctlr = self.ctlr & groups
        own = NIRQ + 32 * cpu
        for k in self.hot:
            if k < NIRQ:
                irq = k
            elif own <= k < own + 32:
                irq = k - own
            else:
                continue                  # another core's SGI or PPI
            if not self.enabled[k] or self.active[k]:
                continue
            prio = self.priority[k]
            if prio > best_prio or (prio == best_prio and irq > best):
                continue
            if not (ctlr >> self.group[k] & 1):
                continue
            if not self.pending(cpu, irq) or not self.targets_cpu(cpu, irq):
                continue
            best, best_prio = irq, prio
        if best is None:
            return None
        return best, best_prio, self.group[self.k(cpu, best)]

    def acknowledge(self, cpu: int, irq: int) -> int:
        """Make `irq` active for `cpu` (pending and active if still asserted);
        returns the IAR value (SGIs carry the source core in bits 12:10)."""
        k = self.k(cpu, irq)
        self.active[k] = True
        value = irq
        if irq < 16:
            sources = self.sgi_sources[cpu][irq]
            src = (sources & -sources).bit_length() - 1
            self.sgi_sources[cpu][irq] &= ~(1 << src)
            value |= src << 10
        else:
            self.latched[k] = False
        self._mark(cpu, irq)
        self.changed()
        return value

    def deactivate(self, cpu: int, irq: int) -> None:
        if irq >= NIRQ:
            return
        k = self.k(cpu, irq)
        if self.active[k]:
            self.active[k] = False
            self.changed()

    # -- the register map -----------------------------------------------------------------

    def read(self, cpu: int, offset: int, size: int) -> int:
        return REGMAP.read(self, cpu, offset, size)

    def write(self, cpu: int, offset: int, size: int, value: int) -> None:
        REGMAP.write(self, cpu, offset, size, value)

    def _bits(self, cpu: int, index: int, get) -> int:
        word = 0
        for b in range(32):
            irq = 32 * index + b
            if get(irq, self.k(cpu, irq)):
                word |= 1 << b
        return word

    def _set_bits(self, cpu: int, index: int, value: int, fn) -> None:
        for b in range(32):
            if value >> b & 1:
                irq = 32 * index + b
                fn(irq, self.k(cpu, irq))
        self.changed()

    def read_ctlr(self, cpu, i):
        return self.ctlr

    def write_ctlr(self, cpu, i, value, bytemask):
        self.ctlr = value & 3          # EnableGrp0, EnableGrp1 (4.3.1, no Security Extensions)
        self.changed()

    def read_typer(self, cpu, i):
        return ((self.ncpu - 1) << 5) | (NIRQ // 32 - 1)

    def read_iidr(self, cpu, i):
        return IIDR

    def read_id(self, cpu, i):
        return ID_REGS[i]

    def read_igroupr(self, cpu, i):
        return self._bits(cpu, i, lambda irq, k: self.group[k])

    def write_igroupr(self, cpu, i, value, bytemask):
        for b in range(32):
            self.group[self.k(cpu, 32 * i + b)] = value >> b & 1
        self.changed()

    def read_isenabler(self, cpu, i):
        return self._bits(cpu, i, lambda irq, k: self.enabled[k])

    read_icenabler = read_isenabler

    def write_isenabler(self, cpu, i, value, bytemask):
        self._set_bits(cpu, i, value, lambda irq, k: self.enabled.__setitem__(k, True))

    def write_icenabler(self, cpu, i, value, bytemask):
        # SGIs stay enabled: their enable bits are RAO/WI on the A15's GIC, as in QEMU
        self._set_bits(cpu, i, value & (~0xFFFF if i == 0 else MASK32),
                       lambda irq, k: self.enabled.__setitem__(k, False))

    def read_ispendr(self, cpu, i):
        return self._bits(cpu, i, lambda irq, k: self.pending(cpu, irq))

    read_icpendr = read_ispendr

    def write_ispendr(self, cpu, i, value, bytemask):
        # SGI bits: WI here (SPENDSGIR sets an SGI pending, with its source)
        self._set_bits(cpu, i, value & (~0xFFFF if i == 0 else MASK32),
                       lambda irq, k: self.set_latched(cpu, irq, True))

    def write_icpendr(self, cpu, i, value, bytemask):
        # Clearing the latch: a level-sensitive interrupt whose line is high stays pending
        self._set_bits(cpu, i, value & (~0xFFFF if i == 0 else MASK32),
                       lambda irq, k: self.set_latched(cpu, irq, False))

    def read_isactiver(self, cpu, i):
        return self._bits(cpu, i, lambda irq, k: self.active[k])

    read_icactiver = read_isactiver

    def write_isactiver(self, cpu, i, value, bytemask):
        self._set_bits(cpu, i, value, lambda irq, k: self.active.__setitem__(k, True))

    def write_icactiver(self, cpu, i, value, bytemask):
        self._set_bits(cpu, i, value, lambda irq, k: self.active.__setitem__(k, False))

    def read_ipriorityr(self, cpu, i):
        return sum(self.priority[self.k(cpu, 4 * i + b)] << (8 * b) for b in range(4))

    def write_ipriorityr(self, cpu, i, value, bytemask):
        for b in byte_lanes(bytemask):
            self.priority[self.k(cpu, 4 * i + b)] = (value >> (8 * b)) & 0xFF
        self.changed()

    def read_itargetsr(self, cpu, i):
        if i < 8:                       # SGIs and PPIs: this core only, read-only
            return (1 << cpu) * 0x01010101
        return sum(self.target[4 * i + b] << (8 * b) for b in range(4))

    def write_itargetsr(self, cpu, i, value, bytemask):
        if i < 8:
            return
        for b in byte_lanes(bytemask):
            self.target[4 * i + b] = (value >> (8 * b)) & 0xFF
        self.changed()

    def read_icfgr(self, cpu, i):
        word = 0
        for b in range(16):
            irq = 16 * i + b
            if self.is_edge(cpu, irq):
                word |= 2 << (2 * b)
        return word

    def write_icfgr(self, cpu, i, value, bytemask):
        if i == 0:
            return                      # SGIs: always edge-triggered (RO)
        for b in range(16):
            irq = 16 * i + b
            edge = bool(value >> (2 * b + 1) & 1)
            if irq < 32:
                self.edge_ppi[cpu][irq] = edge
            else:
                self.edge[irq] = edge
        self.changed()

    def write_sgir(self, cpu, i, value, bytemask):
        self.send_sgi(cpu, value)

    def read_spendsgir(self, cpu, i):
        return sum(self.sgi_sources[cpu][4 * i + b] << (8 * b) for b in range(4))

    read_cpendsgir = read_spendsgir

    def write_spendsgir(self, cpu, i, value, bytemask):
        for b in byte_lanes(bytemask):
            self.sgi_sources[cpu][4 * i + b] |= (value >> (8 * b)) & ((1 << self.ncpu) - 1)
            self._mark(cpu, 4 * i + b)
        self.changed()

    def write_cpendsgir(self, cpu, i, value, bytemask):
        for b in byte_lanes(bytemask):
            self.sgi_sources[cpu][4 * i + b] &= ~(value >> (8 * b)) & 0xFF
            self._mark(cpu, 4 * i + b)
        self.changed()

    def debug_state(self, cpu: int) -> List[str]:
        """One line per interrupt that is not idle: for debuggers and instructors."""
        out = []
        for irq in range(NIRQ):
            k = self.k(cpu, irq)
            if self.pending(cpu, irq) or self.active[k] or (self.enabled[k] and irq >= 16):
                out.append("%3d en=%d pend=%d act=%d grp=%d prio=0x%02x" % (
                    irq, self.enabled[k], self.pending(cpu, irq), self.active[k],
                    self.group[k], self.priority[k]))
        return out
