"""Machines with translation tables built in guest memory, for tests/mmu.

Import as ``from mmu_helpers import ...`` (pytest puts this directory on
the path).  Code runs at CODE, identity-mapped; tables live at TABLES.
"""

import os
import subprocess
import tempfile

from pyxen15.cpu.state import MODE_HYP, MODE_SVC, MODE_USR
from pyxen15.machine import Machine
from pyxen15.mmu_lpae.faults import GuestFault
from pyxen15.mmu_lpae.tables import LpaeTables, ShortTables, TableWriter, lpae_attrs, s2_attrs

CODE = 0x80000000
VECTORS = 0x80001000          # VBAR and HVBAR
DATA = 0x80100000
TABLES = 0x80800000
RAM_SIZE = 16 << 20
SVC, USR, HYP = 0x1D3, 0x1D0, 0x1DA

NORMAL_SECTION = (3 << 10) | (1 << 12) | (1 << 3) | (1 << 2)    # AP=011, TEX=001 C B: Normal WB
MAIR0 = 0xFF | (0x04 << 8) | (0x44 << 16)                       # attr 0 WB, 1 Device, 2 NC


def assemble(src: str, thumb: bool = False) -> bytes:
    header = ".syntax unified\n.arch armv7-a\n.arch_extension virt\n" + (".thumb\n" if thumb else ".arm\n")
    with tempfile.TemporaryDirectory() as tmp:
        s, o, b = (os.path.join(tmp, n) for n in ("a.s", "a.o", "a.bin"))
        with open(s, "w") as fh:
            fh.write(header + src + "\n")
        subprocess.run(["arm-none-eabi-as", "-mcpu=cortex-a15", s, "-o", o], check=True)
        subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", "-j", ".text", o, b], check=True)
        with open(b, "rb") as fh:
            return fh.read()


def machine() -> Machine:
    m = Machine(ram_size=RAM_SIZE)
    m.cpu.sys.vbar = VECTORS
    m.cpu.sys.hvbar = VECTORS
    return m


def writer(m: Machine) -> TableWriter:
    return TableWriter(m.mem, TABLES, 4 << 20)


def short_identity(m: Machine, w: TableWriter = None) -> ShortTables:
    """A short-descriptor table mapping all 4 GB flat as Normal sections, domain 0."""
    w = w or writer(m)
    t = ShortTables(w)
    for mb in range(4096):
        t.section(mb << 20, mb << 20, NORMAL_SECTION)
    return t


def short_on(m: Machine, t: ShortTables, dacr: int = 1, ttbcr: int = 0, sctlr_bits: int = 0) -> None:
    t.w.flush()
    s = m.cpu.sys
    s.write("DACR", dacr)
    s.write("TTBCR", ttbcr)
    s.write("TTBR0", t.root)
    s.write("SCTLR", s.sctlr | 1 | sctlr_bits)


def lpae_identity(m: Machine, w: TableWriter = None) -> LpaeTables:
    """An LPAE stage-1 tree with RAM as Normal 2 MiB blocks and the first GiB
    (devices) as Device 2 MiB blocks."""
    w = w or writer(m)
    t = LpaeTables(w)
    for mb2 in range(0, RAM_SIZE, 2 << 20):
        t.block_2m(CODE + mb2, CODE + mb2, lpae_attrs(0))
    for mb2 in range(0, 1 << 30, 2 << 20):
        t.block_2m(mb2, mb2, lpae_attrs(1, sh=0) | (1 << 54))
    return t


def lpae_on(m: Machine, t: LpaeTables, ttbcr: int = 0) -> None:
    t.w.flush()
    s = m.cpu.sys
    s.write("PRRR", MAIR0)
    s.write("TTBCR", (1 << 31) | ttbcr)
    s.write("TTBR0_64", t.root)
    s.write("SCTLR", s.sctlr | 1)


def stage2_identity(m: Machine, w: TableWriter) -> LpaeTables:
    """A stage-2 tree (32-bit IPA, SL0 = 1) mapping RAM and the first GiB flat."""
    t = LpaeTables(w)
    for mb2 in range(0, RAM_SIZE, 2 << 20):
        t.block_2m(CODE + mb2, CODE + mb2, s2_attrs(0xF))
    for mb2 in range(0, 1 << 30, 2 << 20):
        t.block_2m(mb2, mb2, s2_attrs(0x1, sh=0))
    return t


def stage2_on(m: Machine, t: LpaeTables, vmid: int = 1, vtcr: int = 1 << 6) -> None:
    t.w.flush()
    s = m.cpu.sys
    s.write("VTCR", vtcr | (1 << 31))
    s.write("VTTBR", t.root | (vmid << 48))
    s.write("HCR", s.hcr | 1)


def run(m: Machine, src: str, mode: int = SVC, regs=None, thumb: bool = False, until=None,
        max_insns: int = 200):
    """Run `src` at CODE in `mode`; stop at its end, or at `until`."""
    code = assemble(src, thumb)
    m.mem.write(CODE, code)
    m.cpu.set_cpsr(mode | (0x20 if thumb else 0))
    for i, v in (regs or {}).items():
        m.cpu.r[i] = v
    m.cpu.pc = CODE
    return m.run(until=CODE + len(code) if until is None else until, max_insns=max_insns)


def fault_of(m: Machine, va: int, write: bool = False, fetch: bool = False, user: bool = False):
    """The Fault a translation in the current regime raises, or None (then the PA)."""
    try:
        return m.cpu.tlb.translate(va, write, fetch, user)
    except GuestFault as exc:
        return exc.fault


__all__ = ["CODE", "VECTORS", "DATA", "TABLES", "SVC", "USR", "HYP", "MODE_HYP", "MODE_SVC",
           "MODE_USR", "NORMAL_SECTION", "assemble", "machine", "writer", "short_identity",
           "short_on", "lpae_identity", "lpae_on", "stage2_identity", "stage2_on", "run",
           "fault_of", "lpae_attrs", "s2_attrs"]
