"""The Cortex-A15 tile's GICv2 with its virtualization extensions.

One distributor, and per core a CPU interface (GICC), a virtual interface
control (GICH) and a virtual CPU interface (GICV).  Placed at PERIPHBASE
(0x2C000000 on the V2P-CA15) as the A15 MPCore's private memory map (A15
TRM 8.2):

    offset  size    region
    0x1000  0x1000  GICD   the distributor
    0x2000  0x2000  GICC   the CPU interface of the accessing core
    0x4000  0x1000  GICH   the virtual interface control of the accessing core
    0x5000  0x1000  GICH   alias: core n's at 0x5000 + 0x200 * n
    0x6000  0x2000  GICV   the virtual CPU interface of the accessing core

After every change the GIC recomputes each core's four lines (nIRQ, nFIQ,
nVIRQ, nVFIQ) and drives them through cpu/interrupts.py, and the
maintenance interrupt of each core's GICH into PPI 25.  Devices raise SPIs
with ``spi_line(n)``; the timers their PPIs with ``ppi_line(cpu, id)``.
"""

from typing import Callable, List, Tuple

from ..cpu.interrupts import set_line
from .cpu_interface import CpuInterface
from .distributor import NIRQ, Distributor
from .virt import MAINTENANCE_PPI, VirtualInterface

PERIPHBASE = 0x2C000000
GICH_ALIAS_STRIDE = 0x200


class GIC:
    def __init__(self, cores: List, current: Callable[[], int]):
        """`cores`: the cores, by CPU number; `current()`: the number of the
        core making an access (for the banked registers and views)."""
        self.cores = cores
        self.current = current
        self._updating = False
        self._again = False
        self.dist = Distributor(len(cores), self.update)
        self.cpu_if = [CpuInterface(self, n) for n in range(len(cores))]
        self.vif = [VirtualInterface(self, n) for n in range(len(cores))]
        self.update()

    def reset(self) -> None:
        self.dist.reset()
        for c in self.cpu_if:
            c.reset()
        for v in self.vif:
            v.reset()
        self.update()

    # -- inputs -------------------------------------------------------------------------

    def spi_line(self, n: int) -> Callable[[bool], None]:
        """The input of SPI `n` (interrupt ID 32 + n, the DTB's <0 n flags>)."""
        irq = 32 + n
        if not 0 <= n < NIRQ - 32:
            raise ValueError("no SPI %d on this GIC" % n)
        return lambda level: self.dist.set_level(0, irq, level)

    def ppi_line(self, cpu: int, irq: int) -> Callable[[bool], None]:
        """The input of PPI `irq` (interrupt ID 16-31) of core `cpu`."""
        if not 16 <= irq < 32:
            raise ValueError("PPIs are interrupt IDs 16-31, not %d" % irq)
        return lambda level: self.dist.set_level(cpu, irq, level)

    def deactivate_physical(self, cpu: int, irq: int) -> None:
        """A hardware list register's virtual interrupt was deactivated (5.3.10)."""
        self.dist.deactivate(cpu, irq)
        for entry in list(self.cpu_if[cpu].active):
            if entry[0] == irq:
                self.cpu_if[cpu].active.remove(entry)

    # -- outputs ----------------------------------------------------------------------------

    def update(self) -> None:
        """Recompute every core's interrupt lines and the maintenance
        interrupts.  Re-entrant calls (a maintenance PPI changing while we
        update) are folded into one more pass."""
        if self._updating:
            self._again = True
            return
        self._updating = True
        try:
            while True:
                self._again = False
                for n, core in enumerate(self.cores):
                    self.dist.set_level(n, MAINTENANCE_PPI, self.vif[n].maintenance())
                for n, core in enumerate(self.cores):
                    irq, fiq = self.cpu_if[n].signals()
                    virq, vfiq = self.vif[n].signals()
                    set_line(core, "irq_line", irq)
                    set_line(core, "fiq_line", fiq)
                    set_line(core, "virq_line", virq)
                    set_line(core, "vfiq_line", vfiq)
                if not self._again:
                    break
        finally:
            self._updating = False

    # -- the bus ------------------------------------------------------------------------------

    def regions(self) -> List[Tuple[str, int, int, object]]:
        """(name, offset from PERIPHBASE, size, device) of each region."""
        return [
            ("gicd", 0x1000, 0x1000, _Banked(self, lambda n: self.dist, pass_cpu=True)),
            ("gicc", 0x2000, 0x2000, _Banked(self, lambda n: self.cpu_if[n])),
            ("gich", 0x4000, 0x1000, _Banked(self, lambda n: self.vif[n].gich)),
            ("gich_alias", 0x5000, 0x1000, _GichAlias(self)),
            ("gicv", 0x6000, 0x2000, _Banked(self, lambda n: self.vif[n].gicv)),
        ]


class _Banked:
    """A region whose registers are those of the accessing core."""

    def __init__(self, gic: GIC, target: Callable[[int], object], pass_cpu: bool = False):
        self.gic = gic
        self.target = target
        self.pass_cpu = pass_cpu

    def read(self, offset: int, size: int) -> int:
        n = self.gic.current()
        if self.pass_cpu:
            return self.target(n).read(n, offset, size)
        return self.target(n).read(offset, size)

    def write(self, offset: int, size: int, value: int) -> None:
        n = self.gic.current()
        if self.pass_cpu:
            self.target(n).write(n, offset, size, value)
        else:
            self.target(n).write(offset, size, value)


class _GichAlias:
    """0x5000: every core's GICH, core n's at 0x200 * n (GICv2 spec 5.3)."""

    def __init__(self, gic: GIC):
        self.gic = gic

    def read(self, offset: int, size: int) -> int:
        n = offset // GICH_ALIAS_STRIDE
        if n >= len(self.gic.vif):
            return 0
        return self.gic.vif[n].gich.read(offset % GICH_ALIAS_STRIDE, size)

    def write(self, offset: int, size: int, value: int) -> None:
        n = offset // GICH_ALIAS_STRIDE
        if n < len(self.gic.vif):
            self.gic.vif[n].gich.write(offset % GICH_ALIAS_STRIDE, size, value)
