"""Run differential test cases on pyxen15 through its Python API (docs/API.md).

One Machine serves a whole run: per test, the code image and data block are
written at the test's slot addresses, r0-r14 and the CPSR (User mode, flags, GE, Q,
T for Thumb streams) are set, and the core runs until the exit address, where the
stream leaves in A32 state.
"""

from . import gen
from .qemu_ref import State

USR = 0x10
RAM_SIZE = 64 << 20


class Failure:
    """pyxen15 did not reach the exit, or raised."""

    def __init__(self, reason, pc, cpsr, detail=""):
        self.reason, self.pc, self.cpsr, self.detail = reason, pc, cpsr, detail

    def __str__(self):
        return "pyxen15 stopped with %r at pc=%#010x cpsr=%#010x%s" % (
            self.reason, self.pc, self.cpsr, self.detail)


class PyxRunner:
    """Reuses one Machine; ``run(case)`` returns (State or Failure, instructions)."""

    def __init__(self):
        self._new_machine()

    def load(self, case):
        """Put the case's code, data, registers and APSR into the machine."""
        m, cpu = self.m, self.m.cpu
        m.mem.write(case.data_addr, case.data)
        m.mem.write(case.code_addr, case.code)
        # Mode first: cpu.r is the register view of the current mode.
        cpu.cpsr = USR | case.apsr | (0x20 if case.thumb else 0)
        for i, v in enumerate(case.regs):
            cpu.r[i] = v
        cpu.pc = case.code_addr

    def _new_machine(self):
        from pyxen15.machine import Machine
        self.m = Machine(ram_size=RAM_SIZE, semihosting=False)

    def run(self, case):
        m = self.m
        cpu = m.cpu
        try:
            self.load(case)
            before = m.icount
            res = m.run(until=case.exit_addr, max_insns=len(case.insns) + 16)
            executed = m.icount - before
            cpsr = cpu.cpsr
            if res.reason != "until" or cpsr & 0x3F != USR:
                return Failure(res.reason, cpu.pc, cpsr), executed
            regs = [cpu.r[i] & 0xFFFFFFFF for i in range(15)]
            data = m.mem.read(case.data_addr, gen.DATA_SIZE)
            return State(regs, cpsr, data), executed
        except Exception as exc:   # a core bug must not end the whole run
            import traceback
            detail = "\n" + "".join(traceback.format_exception_only(type(exc), exc)).rstrip()
            tb = traceback.extract_tb(exc.__traceback__)
            if tb:
                fr = tb[-1]
                detail += "\n  at %s:%d in %s" % (fr.filename, fr.lineno, fr.name)
            try:
                pc, cpsr = cpu.pc, cpu.cpsr
            except Exception:
                pc = cpsr = 0
            self._new_machine()
            return Failure("exception", pc, cpsr, detail), 0
