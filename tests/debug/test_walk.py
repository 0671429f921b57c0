"""The debugger's walk (pyxen15/debug/walk.py): every descriptor of a
two-stage walk with its address and fields, and where a walk faults; the
walk changes no guest state."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "mmu"))
from mmu_helpers import (DATA, lpae_attrs, lpae_identity, lpae_on, machine, s2_attrs,  # noqa: E402
                         stage2_identity, stage2_on, writer)

from pyxen15.debug.walk import describe_long, describe_short, walk_lines  # noqa: E402

IPA = 0x40000000


def two_stages():
    m = machine()
    w = writer(m)
    t1, t2 = lpae_identity(m, w), stage2_identity(m, w)
    t1.block_2m(IPA, IPA, lpae_attrs(0))
    t2.page(IPA + 0x3000, DATA + 0x7000, s2_attrs(0x1))
    lpae_on(m, t1)
    stage2_on(m, t2)
    m.cpu.update_context()
    return m


def test_a_two_stage_walk_shows_each_descriptor_and_the_result():
    m = two_stages()
    before = {k: dict(c.xlat) for k, c in m.cpu.tlb.contexts.items()}
    lines = walk_lines(m.cpu, IPA + 0x3010)
    assert lines[0] == "walk 0x40003010 (read, PL1&0 regime)"
    stage1 = [line for line in lines if line.startswith("  stage 1")]
    stage2 = [line for line in lines if line.startswith("  stage 2")]
    # the stage-1 table walk is translated by stage 2 too (its descriptors' IPAs)
    assert stage1 and stage2
    assert any("block -> 0x40000000 AttrIndx=0" in line and "AF=1" in line for line in stage1), lines
    assert any("page -> 0x%x MemAttr=1" % (DATA + 0x7000) in line for line in stage2), lines
    assert lines[-1] == "-> PA 0x%010x, Device, attributes 0x04, shareability 2" % (DATA + 0x7010)
    assert {k: dict(c.xlat) for k, c in m.cpu.tlb.contexts.items()} == before      # nothing cached
    assert m.cpu.tlb.mmu.trace is None


def test_a_walk_that_faults_at_stage_2_says_where():
    m = two_stages()
    lines = walk_lines(m.cpu, IPA + 0x5000, write=True)
    assert lines[-1] == "fault: translation at level 3, stage 2, IPA 0x40005000"
    assert "invalid" in lines[-2]


def test_descriptor_fields():
    assert describe_long(1, 1, 0x3 | 0xC0000000 | 1 << 63) == \
        "table -> 0xc0000000 NSTable=1 APTable=0 XNTable=0 PXNTable=0"
    assert describe_long(2, 3, 0x80001000 | 0x4FF | 1 << 54) == \
        "page -> 0x80001000 MemAttr=15 S2AP=3 SH=0 AF=1 Contiguous=0 XN=1"
    assert describe_short(1, 0x80000000 | 0xC02) == \
        "section -> 0x80000000 Domain=0 B=0 C=0 XN=0 AP=3 TEX=0 AP2=0 S=0 nG=0 NS=0 PXN=0"
    assert describe_short(2, 0) == "fault"
