"""A Versatile Express V2P-CA15 machine: bus, RAM, devices and a Cortex-A15 core.

This is the Python API (docs/API.md) that the CLI, the tests and
instructors share.
"""

import logging
from typing import List, Optional

from .board_vexpress.board import Board
from .board_vexpress.memmap import DEFAULT_RAM_SIZE, MAX_RAM_SIZE
from .board_vexpress.semihosting import Semihosting
from .bus import Bus, BusError, Ram
from .cpu.core import Core, StopRun
from .errors import GuestExit, PyxenError
from .events import Events
from .hooks import Hooks
from .timer import TIMERS
from .gic import GIC, PERIPHBASE
from .smp import MAX_CPUS, build_cores, hold_secondaries, run_cores
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


class PhysicalMemory:
    """Byte access to the physical address space, for loaders and debuggers.
    Writes drop any translated code they overwrite."""

    def __init__(self, bus: Bus, cores: List[Core]):
        self.bus = bus
        self.cores = cores

    def write(self, addr: int, data: bytes) -> None:
        self.bus.load(addr, bytes(data))
        for page in range(addr >> 12, (addr + max(len(data), 1) - 1 >> 12) + 1):
            # (the cores share one record of code pages: look before dropping)
            if any(page in core.tlb.code_lines for core in self.cores):
                for core in self.cores:
                    core.invalidate_page(page)

    def read(self, addr: int, size: int) -> bytes:
        return self.bus.dump(addr, size)


class Machine:
    def __init__(self, ram_size: int = DEFAULT_RAM_SIZE, semihosting: bool = True,
                 rtc_base: Optional[int] = None, smp: int = 1):
        if ram_size <= 0 or ram_size > MAX_RAM_SIZE or ram_size % 4096:
            raise PyxenError("RAM size must be a multiple of 4 KiB, at most 2 GiB")
        self.hooks = Hooks()
        self.bus = Bus()
        self.tlb = SoftTLB(self.bus)
        # -- cores, GIC, timers (SMP) --
        if not 1 <= smp <= MAX_CPUS:
            raise PyxenError("--smp must be between 1 and %d" % MAX_CPUS)
        self.events = Events()
        self.cpus = build_cores(self.bus, self.events, smp, first_tlb=self.tlb)
        self.cpu = self.cpus[0]
        self.hooks.attach(self.cpus)
        self.bus.on_ram_write = self._ram_written
        self.gic = GIC(self.cpus, lambda: self.events.current.cpu_index)
        for _name, offset, size, region in self.gic.regions():
            self.bus.add(PERIPHBASE + offset, size, region)
        for n, core in enumerate(self.cpus):
            for timer, (_counter, ppi) in TIMERS.items():
                core.timer.connect(timer, self.gic.ppi_line(n, ppi))
        # -- the board (board_vexpress/memmap.py's table) --
        self.board = Board(self.bus, self.events, ram_size, self.hooks.console,
                           spi_line=self._spi_line, power=self._power, rtc_base=rtc_base)
        self.ram = self.board.devices["dram"]
        self.uart0 = self.board.devices["uart0"]
        self.sys_flags = lambda: self.board.devices["sysregs"].flags
        self.mem = PhysicalMemory(self.bus, self.cpus)
        self.semihosting = Semihosting(self.mem.read, self.mem.write, self.hooks.console) if semihosting else None
        if self.semihosting is not None:
            self.cpu.on_svc = self._svc
        self.reset()

    def reset(self, hyp: bool = False) -> None:
        """The architectural reset state of every core: SVC (or HYP) mode,
        A/I/F masked, ARM state; and the GIC's."""
        for cpu in self.cpus:
            cpu.sys.reset()
            cpu.vfp_reset()
            cpu.set_cpsr(0x1D3 if not hyp else 0x1DA)
            cpu.pc = 0
        self.gic.reset()

    # -- loading ---------------------------------------------------------------

    def load_raw(self, path: str, addr: int) -> None:
        data = _read_file(path)
        try:
            self.mem.write(addr, data)
        except BusError as err:
            raise PyxenError("%s does not fit in RAM at 0x%08x (%s)" % (path, addr, err))
        for cpu in self.cpus:
            cpu.pc = addr

    def hold_secondaries(self) -> None:
        """Cores 1..n-1 wait in the board firmware's hold (smp.FIRMWARE_HOLD)
        until SYS_FLAGS holds an address and an SGI wakes them: what a
        Linux boot needs (board_vexpress/linux_boot.py calls it)."""
        hold_secondaries(self)

    def load_elf(self, path: str) -> None:
        from .loader import load_elf
        entry, thumb = load_elf(path, self.mem)
        # Every core starts at the entry, as QEMU starts the cores of an ELF image.
        for cpu in self.cpus:
            cpu.pc = entry
            cpu.T = thumb

    # -- running ---------------------------------------------------------------

    def run(self, until: Optional[int] = None, max_insns: Optional[int] = None,
            max_cycles: Optional[int] = None) -> RunResult:
        if len(self.cpus) == 1:
            core = self.cpu
            reason = core.run(until=until, max_insns=max_insns, max_cycles=max_cycles)
        else:
            reason, core = run_cores(self.cpus, self.events, until, max_insns, max_cycles)
        code = None
        if reason == "exit":
            code = core.stop_reason.exit_code
        return RunResult(reason, code)

    @property
    def icount(self) -> int:
        """Guest instructions retired, by all cores."""
        return sum(c.icount for c in self.cpus)

    @property
    def cycles(self) -> int:
        return self.cpu.cycles

    def _ram_written(self, addr: int, size: int) -> None:
        """A write into RAM through the bus (a loader, a debugger, a device;
        the cores' own stores have already been checked by their TLBs, so
        this finds nothing for them): drop the translated code it
        overwrites, on every core (the cores share one record of code
        pages, smp.py).  Every writer of RAM thus keeps the translated
        code true to memory, which is why ICIALLU need not drop it
        (cpu/sysregs.py)."""
        tlb = self.cpu.tlb
        code = tlb.code_lines
        last = (addr + size - 1) >> 12
        if addr >> 12 == last:
            if last in code and tlb.writes_code(addr, size):
                tlb.on_code_write(last)
            return
        for page in range(addr >> 12, last + 1):
            if page in code:
                tlb.on_code_write(page)

    # -- the board's outputs ------------------------------------------------------------

    def _spi_line(self, n: int):
        """The interrupt line of SPI n, resolved when it changes (the GIC
        may be attached after the board)."""
        def set_level(level: bool) -> None:
            gic = getattr(self, "gic", None)
            if gic is not None:
                gic.spi_line(n)(level)
        return set_level

    def _power(self, what: str) -> None:
        """SYS_CFGCTRL SHUTDOWN/REBOOT (or the watchdog's reset): end the run
        at the next block boundary with reason "poweroff" or "reboot"."""
        for cpu in getattr(self, "cpus", [self.cpu]):
            cpu.stop_request = StopRun("poweroff" if what == "shutdown" else "reboot")
            cpu.attention = True

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
