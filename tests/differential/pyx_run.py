"""Run differential test cases on pyxen15 through its Python API (docs/API.md).

One Machine serves a whole run: per test, the code image and data block are
written at the test's slot addresses, r0-r14 and the CPSR (User mode, flags, GE, Q,
T for Thumb streams) are set, and the core runs until the exit address, where the
stream leaves in A32 state.  VFP cases also set D0-D31 and FPSCR, with VFP enabled
(CPACR.cp10/cp11 full access, FPEXC.EN) as Linux enables it for a user process.

The core's VFP interface is used in one place, :func:`fp_access`.
"""

from . import gen
from .qemu_ref import State

USR = 0x10
RAM_SIZE = 64 << 20


class NoVfp(Exception):
    pass


class Failure:
    """pyxen15 did not reach the exit, or raised."""

    def __init__(self, reason, pc, cpsr, detail=""):
        self.reason, self.pc, self.cpsr, self.detail = reason, pc, cpsr, detail

    def __str__(self):
        return "pyxen15 stopped with %r at pc=%#010x cpsr=%#010x%s" % (
            self.reason, self.pc, self.cpsr, self.detail)


def fp_access(cpu):
    """(get_d, set_d, get_fpscr, set_fpscr, enable) for the core, or None while
    the core has no VFP interface (MISMATCHES.md has the agreed API: D<n> as
    64-bit ints through vfp_d/set_vfp_d, FPSCR and FPEXC by name)."""
    get_d = getattr(cpu, "vfp_d", None)
    set_d = getattr(cpu, "set_vfp_d", None)
    if get_d is None or set_d is None or not hasattr(cpu, "set_fpscr"):
        return None

    def enable():
        cpu.sys.write("CPACR", 0x00F00000)
        cpu.set_reg("fpexc", 0x40000000)

    return get_d, set_d, (lambda: cpu.fpscr), cpu.set_fpscr, enable


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
        if case.fp is not None:
            acc = fp_access(cpu)
            if acc is None:
                raise NoVfp("the core has no VFP register interface yet")
            _get_d, set_d, _get_fpscr, set_fpscr, enable = acc
            enable()
            for i, v in enumerate(case.fp.dregs):
                set_d(i, v)
            set_fpscr(case.fp.fpscr)

    def fp_state(self):
        """D0-D31 and FPSCR of the machine, as a vfp.FpState."""
        from .vfp import FpState
        get_d, _set_d, get_fpscr, _set_fpscr, _enable = fp_access(self.m.cpu)
        return FpState([get_d(i) & 0xFFFFFFFFFFFFFFFF for i in range(32)],
                       get_fpscr() & 0xFFFFFFFF)

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
            fp = self.fp_state() if case.fp is not None else None
            return State(regs, cpsr, data, fp), executed
        except NoVfp as exc:
            return Failure("no VFP", cpu.pc, cpu.cpsr, " (%s)" % exc), 0
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
