"""Helpers for running assembly snippets on a fresh machine.

Import them as ``from snippets import ...`` (pytest puts tests/cpu on the
path); the ``snippet`` fixture in conftest.py hands out :class:`Snippet`.
"""

import pytest

from pyxen15.machine import Machine

CODE = 0x80000000


def assemble(src: str, thumb: bool = False, addr: int = CODE) -> bytes:
    keystone = pytest.importorskip("keystone")
    ks = keystone.Ks(keystone.KS_ARCH_ARM, keystone.KS_MODE_THUMB if thumb else keystone.KS_MODE_ARM)
    code, _ = ks.asm(src, addr)
    return bytes(code)


class Snippet:
    """Assemble `src`, run it from CODE to its end, and expose the machine."""

    def __init__(self, src: str, thumb: bool = False, regs=None, cpsr: int = 0x1D3, max_insns: int = 100000):
        code = assemble(src, thumb)
        self.m = m = Machine(ram_size=16 << 20)
        m.mem.write(CODE, code)
        m.cpu.set_cpsr(cpsr | (0x20 if thumb else 0))
        for i, v in (regs or {}).items():
            m.cpu.r[i] = v
        m.cpu.pc = CODE
        self.end = CODE + len(code)
        self.result = m.run(until=self.end, max_insns=max_insns)

    @property
    def r(self):
        return self.m.cpu.r

    @property
    def flags(self) -> str:
        cpsr = self.m.cpu.get_cpsr()
        return "".join(f if cpsr & (1 << b) else "-" for f, b in zip("NZCVQ", (31, 30, 29, 28, 27)))
