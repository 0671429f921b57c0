"""A Versatile Express V2P-CA15 machine: bus, RAM, devices and a Cortex-A15 core.

This is the Python API (docs/API.md) that the CLI, the tests and
instructors share.
"""

import logging
from typing import Callable, Dict, Optional

from .board_vexpress.memmap import DEFAULT_RAM_SIZE, DEVICES, MAX_RAM_SIZE, RAM_BASE
from .board_vexpress.pl011 import PL011
from .board_vexpress.semihosting import Semihosting
from .bus import Bus, BusError, Ram
from .cpu.core import Core, StopRun
from .cpu.sysregs import SysRegs
from .errors import GuestExit, PyxenError
from .mmu_lpae.tlb import SoftTLB

log = logging.getLogger(__name__)

# SVC immediates that mean "semihosting call" (ARM DUI 0471: A32 and T32)
SEMIHOSTING_SVC = {0: 0x123456, 1: 0xAB}


class RunResult:
    def __init__(self, reason: str, exit_code: Optional[int] = None):
        self.reason = reason
        self.exit_code = exit_code

    def __repr__(self) -> str:
        return "RunResult(%r, exit_code=%r)" % (self.reason, self.exit_code)


class Hooks:
    """Callbacks with handles; an exception raised in one stops the run."""

    def __init__(self) -> None:
        self._console: Dict[int, Callable[[bytes], None]] = {}
        self._next = 1

    def add_console(self, callback: Callable[[bytes], None]) -> int:
        handle = self._next
        self._next += 1
        self._console[handle] = callback
        return handle

    def remove(self, handle: int) -> None:
        self._console.pop(handle, None)

    def console(self, data: bytes) -> None:
        for cb in list(self._console.values()):
            cb(data)


class PhysicalMemory:
    """Byte access to the physical address space, for loaders and debuggers.
    Writes drop any translated code they overwrite."""

    def __init__(self, bus: Bus, core: Core):
        self.bus = bus
        self.core = core

    def write(self, addr: int, data: bytes) -> None:
        self.bus.load(addr, bytes(data))
        for page in range(addr >> 12, (addr + max(len(data), 1) - 1 >> 12) + 1):
            if page in self.core.tlb.code_lines:
                self.core.invalidate_page(page)

    def read(self, addr: int, size: int) -> bytes:
        return self.bus.dump(addr, size)


class Machine:
    def __init__(self, ram_size: int = DEFAULT_RAM_SIZE, semihosting: bool = True):
        if ram_size <= 0 or ram_size > MAX_RAM_SIZE or ram_size % 4096:
            raise PyxenError("RAM size must be a multiple of 4 KiB, at most 2 GiB")
        self.hooks = Hooks()
        self.bus = Bus()
        self.ram = Ram(RAM_BASE, ram_size)
        self.bus.add(RAM_BASE, ram_size, self.ram)
        self.uart0 = PL011("uart0", self.hooks.console)
        base, size = DEVICES["uart0"]
        self.bus.add(base, size, self.uart0)
        self.tlb = SoftTLB(self.bus)
        self.cpu = Core(self.tlb, SysRegs)
        self.mem = PhysicalMemory(self.bus, self.cpu)
        self.semihosting = Semihosting(self.mem.read, self.mem.write, self.hooks.console) if semihosting else None
        if self.semihosting is not None:
            self.cpu.on_svc = self._svc
        self.reset()

    def reset(self, hyp: bool = False) -> None:
        """The architectural reset state: SVC (or HYP) mode, A/I/F masked, ARM state."""
        cpu = self.cpu
        cpu.sys.reset()
        cpu.vfp_reset()
        cpu.set_cpsr(0x1D3 if not hyp else 0x1DA)
        cpu.pc = 0

    # -- loading ---------------------------------------------------------------

    def load_raw(self, path: str, addr: int) -> None:
        data = _read_file(path)
        try:
            self.mem.write(addr, data)
        except BusError as err:
            raise PyxenError("%s does not fit in RAM at 0x%08x (%s)" % (path, addr, err))
        self.cpu.pc = addr

    def load_elf(self, path: str) -> None:
        from .loader import load_elf
        entry, thumb = load_elf(path, self.mem)
        self.cpu.pc = entry
        self.cpu.T = thumb

    # -- running ---------------------------------------------------------------

    def run(self, until: Optional[int] = None, max_insns: Optional[int] = None,
            max_cycles: Optional[int] = None) -> RunResult:
        reason = self.cpu.run(until=until, max_insns=max_insns, max_cycles=max_cycles)
        code = None
        if reason == "exit":
            code = self.cpu.stop_reason.exit_code
        return RunResult(reason, code)

    @property
    def icount(self) -> int:
        return self.cpu.icount

    @property
    def cycles(self) -> int:
        return self.cpu.cycles

    # -- semihosting ---------------------------------------------------------------

    def _svc(self, cpu: Core, imm: int, pc: int) -> Optional[int]:
        if imm != SEMIHOSTING_SVC[cpu.T]:
            return None
        nxt = (pc + (2 if cpu.T else 4)) & 0xFFFFFFFF
        try:
            cpu.r[0] = self.semihosting.call(cpu.r[0], cpu.r[1]) & 0xFFFFFFFF
        except GuestExit as done:
            cpu.stop_request = StopRun("exit", done.code)
            cpu.attention = True
        return nxt


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as err:
        raise PyxenError("cannot read %s: %s" % (path, err.strerror))
