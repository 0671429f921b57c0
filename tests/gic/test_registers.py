"""The GIC's register maps, one class per map: GICD, GICC, GICH, GICV.

Accesses go through the machine's bus, as a core's would; ``as_cpu(n)``
makes core n the accessing core (the banked registers and views)."""

import pytest

from pyxen15.gic.distributor import NIRQ
from pyxen15.machine import Machine

GICD, GICC, GICH, GICH_ALIAS, GICV = 0x2C001000, 0x2C002000, 0x2C004000, 0x2C005000, 0x2C006000


class Gic:
    def __init__(self, smp=2):
        self.m = Machine(ram_size=16 << 20, smp=smp)

    def as_cpu(self, n):
        self.m.events.current = self.m.cpus[n]
        return self

    def rd(self, addr, size=4):
        return self.m.bus.read(addr, size)

    def wr(self, addr, value, size=4):
        self.m.bus.write(addr, size, value)

    def lines(self, n):
        c = self.m.cpus[n]
        return (c.irq_line, c.fiq_line, c.virq_line, c.vfiq_line)


@pytest.fixture
def g():
    return Gic()


class TestDistributor:
    def test_typer_and_iidr_report_the_a15_tile_as_qemu_does(self, g):
        assert g.rd(GICD + 0x004) == ((2 - 1) << 5) | (NIRQ // 32 - 1)
        assert g.rd(GICD + 0x008) == 0x43B
        assert g.rd(GICD + 0xFE8) == 0x2B

    def test_sgi_and_ppi_registers_are_banked_per_core(self, g):
        g.as_cpu(0).wr(GICD + 0x100, 1 << 27)           # enable PPI 27 on core 0
        assert g.as_cpu(1).rd(GICD + 0x100) & (1 << 27) == 0
        assert g.as_cpu(0).rd(GICD + 0x100) & (1 << 27)
        g.as_cpu(1).wr(GICD + 0x400 + 27, 0x40, size=1)
        assert g.as_cpu(1).rd(GICD + 0x418) >> 24 == 0x40
        assert g.as_cpu(0).rd(GICD + 0x418) >> 24 == 0

    def test_itargetsr_of_private_interrupts_reads_the_own_core(self, g):
        assert g.as_cpu(1).rd(GICD + 0x800) == 0x02020202
        g.as_cpu(1).wr(GICD + 0x800, 0xFFFFFFFF)
        assert g.as_cpu(1).rd(GICD + 0x800) == 0x02020202

    def test_byte_writes_to_priorities_touch_one_interrupt(self, g):
        g.wr(GICD + 0x420, 0x11223344)
        g.wr(GICD + 0x422, 0xAA, size=1)
        assert g.rd(GICD + 0x420) == 0x11AA3344
        assert g.rd(GICD + 0x421, size=1) == 0x33

    def test_a_word_only_register_ignores_byte_writes(self, g):
        g.wr(GICD + 0x104, 0xFF, size=1)
        assert g.rd(GICD + 0x104) == 0

    def test_reserved_offsets_read_zero_and_ignore_writes(self, g):
        g.wr(GICD + 0x040, 0xFFFFFFFF)
        assert g.rd(GICD + 0x040) == 0

    def test_sgir_filters(self, g):
        g.as_cpu(0).wr(GICD + 0xF00, (1 << 24) | 4)     # every other core
        assert g.as_cpu(1).rd(GICD + 0xF20 + 4) & 0xFF == 0x01      # SGI 4 from core 0
        assert g.as_cpu(0).rd(GICD + 0xF20 + 4) & 0xFF == 0
        g.as_cpu(1).wr(GICD + 0xF00, (0 << 24) | (3 << 16) | 9)   # list: cores 0 and 1
        assert g.as_cpu(0).rd(GICD + 0xF28) >> 8 & 0xFF == 0x02
        assert g.as_cpu(1).rd(GICD + 0xF28) >> 8 & 0xFF == 0x02
        g.as_cpu(1).wr(GICD + 0xF00, (3 << 24) | 10)              # reserved filter: nothing
        assert g.as_cpu(1).rd(GICD + 0xF28) >> 16 & 0xFF == 0

    def test_a_level_spi_is_pending_while_its_line_is_high(self, g):
        line = g.m.gic.spi_line(5)
        line(True)
        assert g.rd(GICD + 0x204) & (1 << 5)
        g.wr(GICD + 0x284, 1 << 5)                       # ICPENDR: the line keeps it pending
        assert g.rd(GICD + 0x204) & (1 << 5)
        line(False)
        assert g.rd(GICD + 0x204) & (1 << 5) == 0

    def test_an_edge_spi_latches(self, g):
        g.wr(GICD + 0xC08, 2 << 10)                      # SPI 5 (ID 37) edge-triggered
        line = g.m.gic.spi_line(5)
        line(True)
        line(False)
        assert g.rd(GICD + 0x204) & (1 << 5)


def enable_spi(g, spi, prio=0xA0, target=1):
    irq = 32 + spi
    g.wr(GICD + 0x400 + irq, prio, size=1)
    g.wr(GICD + 0x800 + irq, target, size=1)
    g.wr(GICD + 0x100 + 4 * (irq // 32), 1 << (irq % 32))


class TestCpuInterface:
    def setup_method(self):
        self.g = Gic()
        g = self.g
        g.wr(GICD, 1)
        g.wr(GICC, 1)
        g.wr(GICC + 4, 0xF0)

    def test_a_pending_enabled_spi_raises_nirq_of_its_target_only(self):
        g = self.g
        enable_spi(g, 2, target=2)
        g.as_cpu(1).wr(GICC, 1)
        g.as_cpu(1).wr(GICC + 4, 0xF0)
        g.m.gic.spi_line(2)(True)
        assert g.lines(1)[0] and not g.lines(0)[0]
        assert g.as_cpu(1).rd(GICC + 0x0C) == 34
        assert not g.lines(1)[0]                         # active now: not signalled again

    def test_pmr_masks_and_rpr_follows_the_active_priority(self):
        g = self.g
        enable_spi(g, 0, prio=0xF0)
        g.m.gic.spi_line(0)(True)
        assert not g.lines(0)[0] and g.rd(GICC + 0x0C) == 1023
        g.wr(GICC + 4, 0xF8)
        assert g.lines(0)[0]
        assert g.rd(GICC + 0x0C) == 32 and g.rd(GICC + 0x14) == 0xF0
        g.wr(GICC + 0x10, 32)
        assert g.rd(GICC + 0x14) == 0xFF

    def test_group0_with_fiqen_signals_fiq(self):
        g = self.g
        g.wr(GICC, 1 | 8)
        enable_spi(g, 1)
        g.m.gic.spi_line(1)(True)
        assert g.lines(0)[:2] == (False, True)

    def test_aliased_registers_handle_group1_only(self):
        g = self.g
        g.wr(GICD, 3)
        g.wr(GICC, 3)
        enable_spi(g, 3)
        g.wr(GICD + 0x84, 1 << 3)                        # SPI 3 (ID 35) in group 1
        g.m.gic.spi_line(3)(True)
        assert g.rd(GICC + 0x18) == 1022                 # HPPIR: group 1, AckCtl = 0
        assert g.rd(GICC + 0x28) == 35                   # AHPPIR
        assert g.rd(GICC + 0x20) == 35                   # AIAR acknowledges it
        assert g.rd(GICC + 0x14) == 0xA0
        g.wr(GICC + 0x24, 35)                            # AEOIR
        assert g.rd(GICC + 0x14) == 0xFF

    def test_apr_shows_the_active_group_priority(self):
        g = self.g
        g.wr(GICC + 8, 2)                                # BPR 2: group priority = prio[7:3]
        enable_spi(g, 4, prio=0x40)
        g.m.gic.spi_line(4)(True)
        g.rd(GICC + 0x0C)
        assert g.rd(GICC + 0xD0) == 1 << (0x40 >> 3)

    def test_sgi_iar_carries_the_source_core(self):
        g = self.g
        g.as_cpu(1).wr(GICD + 0xF00, (1 << 16) | 6)      # core 1 -> core 0, SGI 6
        g.as_cpu(0)
        assert g.rd(GICC + 0x0C) == (1 << 10) | 6


class TestVirtualInterfaceControl:
    def test_vtr_reports_four_list_registers_and_five_priority_bits(self, g):
        assert g.rd(GICH + 4) == 0x90000003

    def test_the_alias_reaches_each_cores_gich(self, g):
        g.as_cpu(0).wr(GICH_ALIAS + 0x200 + 0x100, 0x10000000 | 27)   # core 1's LR0
        assert g.as_cpu(1).rd(GICH + 0x100) == 0x10000000 | 27
        assert g.as_cpu(0).rd(GICH + 0x100) == 0

    def test_elsr_lists_the_empty_list_registers(self, g):
        assert g.rd(GICH + 0x30) == 0xF
        g.wr(GICH + 0x104, 0x10000000 | 40)
        assert g.rd(GICH + 0x30) == 0xD

    def test_maintenance_interrupt_on_eoi_of_a_flagged_lr(self, g):
        g.wr(GICH + 0, 1)                                # En
        g.wr(GICH + 0x100, (1 << 28) | (1 << 19) | (0x10 << 23) | 40)   # pending, EOI, prio 0x80
        g.wr(GICV, 1)
        g.wr(GICV + 4, 0xF8)
        assert g.lines(0)[2]                             # nVIRQ
        assert g.rd(GICV + 0x0C) == 40
        assert g.rd(GICH + 0x100) >> 28 & 3 == 2         # active
        g.wr(GICV + 0x10, 40)
        assert g.rd(GICH + 0x20) == 1 and g.rd(GICH + 0x10) & 1    # EISR, MISR.EOI
        assert g.rd(GICD + 0x200) & (1 << 25)            # PPI 25 pending

    def test_underflow_and_no_pending_maintenance(self, g):
        g.wr(GICH + 0, 1 | 2 | 8)                        # En, UIE, NPIE
        assert g.rd(GICH + 0x10) == 2 | 8

    def test_eoi_without_a_list_register_counts_in_eoicount(self, g):
        g.wr(GICH + 0, 1)
        g.wr(GICV + 0x10, 77)                            # nothing active: ignored
        assert g.rd(GICH) >> 27 == 0
        g.wr(GICH + 0x100, (1 << 28) | 77)
        g.wr(GICV, 1)
        g.wr(GICV + 4, 0xF8)
        assert g.rd(GICV + 0x0C) == 77
        g.wr(GICH + 0x100, 0)                            # the hypervisor reuses the LR
        g.wr(GICV + 0x10, 77)
        assert g.rd(GICH) >> 27 == 1 and g.rd(GICV + 0x14) == 0xFF


class TestVirtualCpuInterface:
    def test_a_hardware_lr_deactivates_its_physical_interrupt(self, g):
        g.wr(GICD, 1)
        g.wr(GICC, 1 | (1 << 9))                         # EOImode, as a hypervisor runs it
        g.wr(GICC + 4, 0xF0)
        enable_spi(g, 6)
        g.m.gic.spi_line(6)(True)
        assert g.rd(GICC + 0x0C) == 38
        g.wr(GICC + 0x10, 38)                            # priority drop; 38 stays active
        assert g.rd(GICD + 0x304) & (1 << 6)
        g.wr(GICH, 1)
        g.wr(GICH + 0x100, (1 << 31) | (1 << 28) | (38 << 10) | 38)
        g.wr(GICV, 1)
        g.wr(GICV + 4, 0xF8)
        assert g.rd(GICV + 0x0C) == 38
        g.wr(GICV + 0x10, 38)
        assert not g.rd(GICD + 0x304) & (1 << 6)          # physical 38 no longer active
        assert g.rd(GICH + 0x30) & 1                     # LR0 empty again

    def test_virtual_pmr_keeps_five_bits(self, g):
        g.wr(GICV + 4, 0xFF)
        assert g.rd(GICV + 4) == 0xF8
        assert g.rd(GICH + 8) >> 27 == 0x1F              # VMCR.VMPriMask

    def test_group0_with_fiqen_raises_nvfiq(self, g):
        g.wr(GICH, 1)
        g.wr(GICH + 0x100, (1 << 28) | 50)
        g.wr(GICV, 1 | 8)
        g.wr(GICV + 4, 0xF8)
        assert g.lines(0)[2:] == (False, True)


def test_any_access_a_guest_makes_is_architectural_never_a_python_error():
    """Every offset of every GIC region, every size, random values, from
    both cores: the model answers (RAZ/WI where reserved) and keeps going."""
    import random
    rng = random.Random(7)
    g = Gic()
    compared = 0
    regions = [(GICD, 0x1000), (GICC, 0x2000), (GICH, 0x1000), (GICH_ALIAS, 0x1000), (GICV, 0x2000)]
    for _ in range(20000):
        base, size = rng.choice(regions)
        width = rng.choice((1, 2, 4))
        off = rng.randrange(0, size, width)
        g.as_cpu(rng.randrange(2))
        if rng.random() < 0.5:
            g.rd(base + off, width)
        else:
            g.wr(base + off, rng.getrandbits(32) & ((1 << (8 * width)) - 1), width)
        if rng.random() < 0.05:
            g.m.gic.spi_line(rng.randrange(128))(rng.random() < 0.5)
        if rng.random() < 0.02:
            g.m.gic.dist.ctlr = 3                        # keep the distributor on, mostly
            for cpu in (0, 1):
                best = g.m.gic.dist.best_pending(cpu, 3)
                assert best == brute_force_best(g.m.gic.dist, cpu)
                compared += best is not None
    g.m.gic.update()
    assert compared > 50                                 # the comparison saw real candidates


def brute_force_best(d, cpu):
    """The distributor's highest-priority candidate, by looking at all 160."""
    if not d.ctlr & 3:
        return None
    best = None
    for irq in range(NIRQ):
        k = d.k(cpu, irq)
        if d.enabled[k] and not d.active[k] and d.ctlr >> d.group[k] & 1 \
                and d.pending(cpu, irq) and d.targets_cpu(cpu, irq):
            if best is None or d.priority[k] < best[1]:
                best = (irq, d.priority[k], d.group[k])
    return best
