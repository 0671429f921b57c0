"""The p2m: stage-2 descriptors written in modelled RAM, read back by the
Python lookup and walked by the core's own MMU (mmu_lpae/walk.py)."""

import struct

import pytest

from pyxen15.board_vexpress.memmap import RAM_BASE
from pyxen15.errors import PyxenError
from pyxen15.hyp import Hypervisor
from pyxen15.hyp.p2m import VTCR_VALUE
from pyxen15.machine import Machine
from pyxen15.mmu_lpae.tlb import GuestFault


@pytest.fixture
def setup():
    m = Machine(ram_size=64 << 20)
    hv = Hypervisor(m)
    hv.attach()
    d = hv.create_domain(1, [(RAM_BASE, RAM_BASE, 8 << 20)], 1)
    core = m.cpu
    core.sys.write("VTCR", VTCR_VALUE)
    core.sys.write("VTTBR", d.p2m.vttbr)
    return m, hv, d, core


def walk(core, ipa, write=False, fetch=False):
    return core.tlb.mmu.stage2(ipa, ipa, write, fetch, False)


def test_ram_direct_mapped_with_2m_blocks(setup):
    m, hv, d, core = setup
    for ipa in (RAM_BASE, RAM_BASE + 0x123456, RAM_BASE + (8 << 20) - 4):
        assert d.p2m.lookup(ipa) == (ipa, True)
        assert walk(core, ipa).pa == ipa
    assert walk(core, RAM_BASE).level_hit == 2             # 2 MB blocks
    assert d.p2m.lookup(RAM_BASE + (8 << 20)) is None
    with pytest.raises(GuestFault):
        walk(core, RAM_BASE + (8 << 20))


def test_descriptors_are_in_the_hypervisor_heap(setup):
    m, hv, d, core = setup
    base, size = hv.heap
    assert base <= d.p2m.root < base + size
    l1 = struct.unpack("<Q", m.mem.read(d.p2m.root + 8 * (RAM_BASE >> 30), 8))[0]
    assert l1 & 3 == 3 and base <= (l1 & 0xFFFFFFF000) < base + size


def test_page_map_split_and_unmap(setup):
    m, hv, d, core = setup
    gfn = 0x38000000
    d.p2m.map(gfn, RAM_BASE + 0x5000, 0x1000, writable=False)
    assert d.p2m.lookup(gfn + 0x10) == (RAM_BASE + 0x5010, False)
    assert walk(core, gfn + 0x10).pa == RAM_BASE + 0x5010 and walk(core, gfn).level_hit == 3
    with pytest.raises(GuestFault) as info:
        walk(core, gfn, write=True)                        # read-only: a permission fault
    assert info.value.fault.kind == "permission" and info.value.fault.stage == 2
    # unmapping one page inside a 2 MB block splits it; the rest stays mapped
    d.p2m.unmap(RAM_BASE + 0x200000 + 0x3000, 0x1000)
    assert d.p2m.lookup(RAM_BASE + 0x203000) is None
    assert d.p2m.lookup(RAM_BASE + 0x204000) == (RAM_BASE + 0x204000, True)
    assert walk(core, RAM_BASE + 0x202FFC).pa == RAM_BASE + 0x202FFC
    with pytest.raises(GuestFault):
        walk(core, RAM_BASE + 0x203000)
    d.p2m.unmap(gfn, 0x1000)
    assert d.p2m.lookup(gfn) is None


def test_device_mappings_are_execute_never(setup):
    m, hv, d, core = setup
    d.p2m.map(0x1C090000, 0x1C090000, 0x1000, device=True, executable=False)
    assert walk(core, 0x1C090000, write=True).pa == 0x1C090000
    with pytest.raises(GuestFault):
        walk(core, 0x1C090000, fetch=True)


def test_bad_requests(setup):
    m, hv, d, core = setup
    with pytest.raises(PyxenError):
        d.p2m.map(0x1001, 0x1000, 0x1000)
    with pytest.raises(PyxenError):
        d.p2m.map(0xFFFFF000, 0x1000, 0x2000)                # beyond the 32-bit IPA space
    assert d.p2m.lookup(-1) is None and d.p2m.lookup(1 << 40) is None
    with pytest.raises(PyxenError):
        hv.create_domain(2, [(RAM_BASE, hv.heap[0], 0x1000)], 1)   # into the heap
