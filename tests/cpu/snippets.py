"""Helpers for running assembly snippets on a fresh machine.

Import them as ``from snippets import ...`` (pytest puts tests/cpu on the
path); the ``snippet`` fixture in conftest.py hands out :class:`Snippet`.
"""

import os
import shutil
import subprocess
import tempfile

import pytest

from pyxen15.machine import Machine

CODE = 0x80000000


def assemble(src: str, thumb: bool = False, addr: int = CODE) -> bytes:
    keystone = pytest.importorskip("keystone")
    ks = keystone.Ks(keystone.KS_ARCH_ARM, keystone.KS_MODE_THUMB if thumb else keystone.KS_MODE_ARM)
    code, _ = ks.asm(src, addr)
    return bytes(code)


def machine_at(code: bytes, thumb: bool = False, regs=None, cpsr: int = 0x1D3) -> Machine:
    """A fresh machine with `code` at CODE and the PC on it (SVC mode by default)."""
    m = Machine(ram_size=16 << 20)
    m.mem.write(CODE, code)
    m.cpu.set_cpsr(cpsr | (0x20 if thumb else 0))
    for i, v in (regs or {}).items():
        m.cpu.r[i] = v
    m.cpu.pc = CODE
    return m


class Snippet:
    """Assemble `src` (keystone), run it from CODE to its end, and expose the machine."""

    def __init__(self, src: str, thumb: bool = False, regs=None, cpsr: int = 0x1D3, max_insns: int = 100000):
        code = assemble(src, thumb)
        self.m = machine_at(code, thumb, regs, cpsr)
        self.end = CODE + len(code)
        self.result = self.m.run(until=self.end, max_insns=max_insns)

    @property
    def r(self):
        return self.m.cpu.r

    @property
    def flags(self) -> str:
        return flags_of(self.m)


FLAG_BITS = {"N": 31, "Z": 30, "C": 29, "V": 28, "Q": 27}


def gnu_assemble(src: str, thumb: bool) -> bytes:
    """Assemble with GNU as: the whole ISA, where keystone has gaps (SDIV/UDIV,
    PKH, HVC, ERET, banked MSR)."""
    if shutil.which("arm-none-eabi-as") is None:
        pytest.skip("arm-none-eabi-as missing: run `make setup`")
    header = ".syntax unified\n" + (".thumb\n" if thumb else ".arm\n")
    with tempfile.TemporaryDirectory() as tmp:
        s, o, b = (os.path.join(tmp, n) for n in ("a.s", "a.o", "a.bin"))
        with open(s, "w") as fh:
            fh.write(header + src + "\n")
        subprocess.run(["arm-none-eabi-as", "-mcpu=cortex-a15", s, "-o", o], check=True)
        subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", "-j", ".text", o, b], check=True)
        with open(b, "rb") as fh:
            return fh.read()


def run_snippet(src: str, thumb: bool, regs=None, flags: str = "", ge: int = 0) -> Machine:
    """Run `src` from CODE to its end in SVC mode with the given registers,
    flags ("NZCVQ" letters that start set) and GE bits."""
    code = gnu_assemble(src, thumb)
    cpsr = 0x1D3 | (ge << 16)
    for letter in flags.replace("-", ""):
        cpsr |= 1 << FLAG_BITS[letter]
    m = machine_at(code, thumb, regs, cpsr)
    assert m.run(until=CODE + len(code), max_insns=100).reason == "until"
    return m


def flags_of(m: Machine) -> str:
    cpsr = m.cpu.get_cpsr()
    return "".join(f if cpsr >> b & 1 else "-" for f, b in FLAG_BITS.items())


def isa_params(cases):
    """One test per case and instruction set ("A", "T" or "AT" in the case)."""
    return [pytest.param(thumb, *case[2:], id="%s-%s" % ("T32" if thumb else "A32", case[0]))
            for case in cases for thumb in (False, True) if "AT"[thumb] in case[1]]


def takes_undef(word: int) -> bool:
    """Run one A32 word in SVC mode: did it take the Undefined Instruction
    exception (Undef mode, LR_und = the word's address + 4)?"""
    m = machine_at(word.to_bytes(4, "little"))
    m.cpu.sys.vbar = CODE + 0x1000
    m.run(until=CODE + 0x1004, max_insns=5)
    return m.cpu.mode == 0x1B and m.cpu.r[14] == CODE + 4


class _BusMemory:
    """Machine.mem's read/write over a core's bus, for helpers given only the core."""

    def __init__(self, bus):
        self.bus = bus

    def read(self, addr: int, size: int) -> bytes:
        return self.bus.dump(addr, size)

    def write(self, addr: int, data: bytes) -> None:
        self.bus.load(addr, data)


NORMAL_MAP_TABLE = CODE + (16 << 20) - 0x4000      # the top 16 KiB of a 16 MiB machine


def normal_memory(cpu) -> None:
    """Turn the PL1&0 MMU on with a flat map of Normal memory (1 MiB
    sections, full access), so unaligned accesses are allowed as SCTLR.A
    says: with the MMU off every data access is Strongly-ordered, where an
    unaligned access is an alignment fault (A3.2.1)."""
    from pyxen15.mmu_lpae.tables import ShortTables, TableWriter
    writer = TableWriter(_BusMemory(cpu.tlb.bus), NORMAL_MAP_TABLE, 0x4000)
    tables = ShortTables(writer)
    for mb in range(4096):
        # AP[1:0] = 11, TEX = 001, C = B = 1: Normal, Write-Back, full access, domain 0
        tables.section(mb << 20, mb << 20, (3 << 10) | (1 << 12) | (1 << 3) | (1 << 2))
    writer.flush()
    cpu.sys.write("DACR", 1)
    cpu.sys.write("TTBR0", tables.root)
    cpu.sys.write("SCTLR", cpu.sys.sctlr | 1)
