"""The vGIC distributor's register map, driven from Python as the MMIO
dispatcher drives it (offset, size, value, vcpu), and list-register
injection: queueing beyond four LRs, refill on the maintenance path, HW
bit for a passed-through interrupt."""

import pytest

from pyxen15.board_vexpress.memmap import RAM_BASE
from pyxen15.gic.virt import LR_HW, LR_PENDING, HCR_UIE
from pyxen15.hyp import Hypervisor
from pyxen15.machine import Machine


@pytest.fixture
def dom():
    m = Machine(ram_size=64 << 20, smp=2)
    hv = Hypervisor(m)
    hv.attach()
    d = hv.create_domain(1, [(RAM_BASE, RAM_BASE, 8 << 20)], 2)
    hv.start_vcpu(d.vcpus[0], RAM_BASE)
    return m, hv, d


def test_id_and_control(dom):
    m, hv, d = dom
    g, v0 = d.vgic, d.vcpus[0]
    assert g.read(0x004, 4, v0) == 4 | (1 << 5)            # 160 IDs, 2 vCPUs
    assert g.read(0x008, 4, v0) == 0x0200043B
    g.write(0x000, 4, 0xFFFFFFFF, v0)
    assert g.read(0x000, 4, v0) == 1


def test_banked_and_shared(dom):
    m, hv, d = dom
    g, v0, v1 = d.vgic, d.vcpus[0], d.vcpus[1]
    g.write(0x100, 4, 1 << 27, v0)                          # PPI 27 on vCPU 0 only
    assert g.read(0x100, 4, v0) == 0xFFFF | (1 << 27)
    assert g.read(0x100, 4, v1) == 0xFFFF
    g.write(0x180, 4, 0xFFFFFFFF, v0)                       # SGIs stay enabled
    assert g.read(0x100, 4, v0) == 0xFFFF
    g.write(0x41C, 4, 0xA0B0C0D0, v1)                       # IDs 28-31 of vCPU 1
    assert g.read(0x41C, 4, v1) == 0xA0B0C0D0 and g.read(0x41C, 4, v0) == 0
    g.write(0x420, 1, 0x88, v0)                             # byte store: ID 32
    assert g.read(0x420, 4, v1) == 0x88
    assert g.read(0x800, 4, v1) == 0x02020202              # SGI targets: the reader
    g.write(0x820, 4, 0x03020102, v0)                      # targets of 32-35
    assert g.read(0x820, 4, v0) == 0x03020102
    g.write(0x824, 4, 0xFF, v0)                            # vCPUs that do not exist are dropped
    assert g.read(0x824, 4, v0) == 0x03
    g.write(0xC08, 4, 0xAAAAAAAA, v0)
    assert g.read(0xC08, 4, v0) == 0xAAAAAAAA
    assert g.read(0x123, 4, v0) == 0                        # misaligned word: RAZ


def test_sgir_filters(dom):
    m, hv, d = dom
    g, v0, v1 = d.vgic, d.vcpus[0], d.vcpus[1]
    g.write(0x000, 4, 1, v0)
    g.write(0xF00, 4, (2 << 24) | 3, v0)                    # to self
    assert 3 in v0.queue or any(lr & 0x3FF == 3 for lr in m.gic.vif[0].lr)
    g.write(0xF00, 4, (1 << 24) | 4, v0)                    # all but self: vCPU 1 (offline: queued)
    assert v1.queue == [4]
    assert g.read(0xF24, 4, v1) == 1                       # SPENDSGIR1 byte 0: SGI 4 from vCPU 0
    g.write(0xF14, 4, 1, v1)                                # CPENDSGIR1: withdrawn
    assert g.read(0xF24, 4, v1) == 0 and v1.queue == []
    g.write(0xF00, 4, (3 << 24) | 5, v0)                    # reserved filter: nothing
    assert v1.queue == [] and 5 not in v0.queue


def test_list_registers_overflow_and_refill(dom):
    m, hv, d = dom
    g, v0 = d.vgic, d.vcpus[0]
    vif = m.gic.vif[0]
    g.write(0x000, 4, 1, v0)
    g.write(0x104, 4, 0xFF, v0)                             # enable SPIs 32-39
    g.write(0x820, 4, 0x01010101, v0)
    g.write(0x824, 4, 0x01010101, v0)
    for n, irq in enumerate((33, 32, 35, 34, 36, 37)):
        g.write(0x400 + irq, 1, 0x10 * (6 - n), v0)         # 37 most urgent (0x10) ... 33 least
    for irq in (37, 36, 35, 34, 33, 32):
        g.inject(v0, irq)
    in_lrs = sorted(lr & 0x3FF for lr in vif.lr if lr & LR_PENDING)
    assert in_lrs == [34, 35, 36, 37] and v0.queue == [32, 33]
    assert vif.hcr & HCR_UIE                                 # maintenance on underflow
    assert vif.maintenance() is False                        # 4 valid LRs: no underflow yet
    # the guest takes and ends three of them: underflow, the maintenance path refills
    kept = vif.lr[3] & 0x3FF
    for n in range(3):
        vif.lr[n] = 0
    assert vif.maintenance()
    g.flush(v0)
    assert v0.queue == [] and not vif.hcr & HCR_UIE
    assert sorted(lr & 0x3FF for lr in vif.lr if lr & LR_PENDING) == sorted({kept, 32, 33})


def test_hw_bit_for_a_physical_interrupt(dom):
    m, hv, d = dom
    g, v0 = d.vgic, d.vcpus[0]
    g.write(0x000, 4, 1, v0)
    g.write(0x100, 4, 1 << 27, v0)
    g.inject(v0, 27, hw_pirq=27)
    lr = [x for x in m.gic.vif[0].lr if x & 0x3FF == 27][0]
    assert lr & LR_HW and (lr >> 10) & 0x3FF == 27 and lr & LR_PENDING


def test_disabled_interrupt_waits_until_enabled(dom):
    m, hv, d = dom
    g, v0 = d.vgic, d.vcpus[0]
    g.write(0x000, 4, 1, v0)
    g.inject(v0, 27)
    assert not any(lr & 0x3FF == 27 for lr in m.gic.vif[0].lr)
    assert g.read(0x200, 4, v0) >> 27 & 1                  # ISPENDR shows it
    g.write(0x100, 4, 1 << 27, v0)
    assert any(lr & 0x3FF == 27 and lr & LR_PENDING for lr in m.gic.vif[0].lr)


def test_guest_values_never_crash(dom):
    import random
    m, hv, d = dom
    g = d.vgic
    rnd = random.Random(8)
    for _ in range(20000):
        v = d.vcpus[rnd.randrange(2)]
        off = rnd.randrange(0x1000)
        size = rnd.choice((1, 2, 4))
        if rnd.random() < 0.5:
            g.write(off, size, rnd.getrandbits(32), v)
        else:
            assert 0 <= g.read(off, size, v) < 1 << 32
