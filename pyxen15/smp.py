"""Several cores on one machine: building them, and running them in turn.

Determinism (ARCHITECTURE.md, "Time and determinism") rules out host
threads: the cores take turns in fixed quanta of virtual time.  A round
moves the machine's time on by ``QUANTUM`` cycles; each core in CPU order
runs until its own cycle count reaches the round's end (a running core
retires about ``QUANTUM`` instructions, a core halted in WFI/WFE skips to
that time or to the next deadline before it).  The core that runs is the
machine's clock (``events.current``), so devices, timers and the GIC's
banked registers see it.  When every core is halted, time jumps straight
to the next deadline.

What crosses cores: SGIs and SPIs through the GIC, SEV to every core's
event register (cpu/interrupts.py), the one system counter their generic
timers read (timer/generic.py: a core that runs behind another in a round
never reads a count below one the other has read), stores into code
another core has translated (each core's TLB shares one record of the code
pages, and a write to one invalidates the blocks of every core), and the
exclusive monitors: the cores share one GlobalMonitor, and a core's reservation is
cleared when its turn ends -- the architecture allows a monitor to be
cleared at any time (A3.4.4) -- so an LDREX/STREX pair spread over two
turns fails and retries, and no other core's store can fall between a
load-exclusive and the store-exclusive that passes.
"""

from typing import List, Optional

from .cpu.core import Core, StopRun
from .cpu.sysregs import BY_NAME, SysRegs
from .events import NEVER, Events
from .mmu_lpae.monitor import GlobalMonitor
from .mmu_lpae.tlb import SoftTLB

MAX_CPUS = 4
QUANTUM = 10000           # cycles of virtual time per core per round

# The board firmware's hold for secondary cores (what the V2P-CA15's boot
# monitor does, and QEMU's vexpress "smpboot" code): enable this core's GIC
# CPU interface with every priority unmasked, then wait in WFI until an
# interrupt (Linux's wake-up SGI) arrives and SYS_FLAGS holds an address;
# jump there.  IRQs stay masked in the CPSR, so the SGI only ends the WFI.
FIRMWARE_HOLD = (
    0xE59F2024,    # ldr  r2, [pc, #36]      GICC
    0xE3A01001,    # mov  r1, #1
    0xE5821000,    # str  r1, [r2]           GICC_CTLR = 1
    0xE3A010FF,    # mov  r1, #0xff
    0xE5821004,    # str  r1, [r2, #4]       GICC_PMR = 0xff
    0xE59F2014,    # ldr  r2, [pc, #20]      SYS_FLAGS
    0xE320F003,    # 1: wfi
    0xE5920000,    # ldr  r0, [r2]
    0xE3500000,    # cmp  r0, #0
    0x0AFFFFFB,    # beq  1b
    0xE12FFF10,    # bx   r0
    0x2C002000,    # GICC (PERIPHBASE + 0x2000)
    0x1C010030,    # SYS_FLAGS (the motherboard's system registers + 0x30)
)
FIRMWARE_HOLD_ADDR = 0x2E000000     # the tile's SRAM, where QEMU also puts it


def build_cores(bus, events: Events, n: int, first_tlb: Optional[SoftTLB] = None) -> List[Core]:
    """`n` cores, CPU 0 to n-1 of cluster 0 (MPIDR Aff0 = n), with one
    shared record of translated code."""
    cores = []
    monitor = GlobalMonitor()
    for cpu in range(n):
        tlb = first_tlb if cpu == 0 and first_tlb is not None else SoftTLB(bus)
        core = Core(tlb, _sysregs_factory(cpu, n), events)
        core.cpu_index = cpu
        core.monitor, core.monitor_id = monitor, cpu
        if cores:
            core.timer.counter = cores[0].timer.counter     # one system counter
        cores.append(core)
    if n > 1:
        _share_code_tracking(cores)
        _broadcast_tlb_maintenance(cores)
    return cores


# Inner Shareable TLB maintenance (B4.2.2): the operation acts on every core
# of the Inner Shareable domain, here all of them.  Each core already does
# it for itself (sysregs.py); these hooks do the same operation, with the
# same operand, for the others.  (Flushing the other cores' whole soft TLB
# instead is correct but slow: Linux issues TLBIMVAIS for every page it
# unmaps, and a full flush makes the other core re-walk and re-find every
# block.)
IS_TLB_OPS = ("TLBIALLIS", "TLBIMVAIS", "TLBIASIDIS", "TLBIMVAAIS",
              "TLBIALLHIS", "TLBIMVAHIS", "TLBIALLNSNHIS", "TLBIMVALHIS")


def _broadcast_tlb_maintenance(cores: List[Core]) -> None:
    def broadcast(sys, name):
        op = BY_NAME[name].write
        for c in cores:
            if c.sys is not sys:
                op(c.sys, sys.last_written)
    for core in cores:
        for name in IS_TLB_OPS:
            core.sys.on_write(name, broadcast)


def hold_secondaries(machine, addr: int = FIRMWARE_HOLD_ADDR) -> None:
    """Put cores 1..n-1 into the firmware's hold (FIRMWARE_HOLD at `addr`),
    as the board does before it starts a kernel on core 0."""
    if len(machine.cpus) == 1:
        return
    code = b"".join(w.to_bytes(4, "little") for w in FIRMWARE_HOLD)
    machine.mem.write(addr, code)
    for core in machine.cpus[1:]:
        core.pc = addr
        core.T = 0


def _sysregs_factory(cpu: int, n: int):
    def make(core):
        s = SysRegs(core, cpu_id=cpu)
        s.num_cpus = n
        return s
    return make


def _share_code_tracking(cores: List[Core]) -> None:
    """Every core's TLB checks stores against the same code pages, and a
    store into any of them drops the blocks of every core."""
    shared = cores[0].tlb.code_lines
    tlbs = [c.tlb for c in cores]

    def invalidate_everywhere(ppage: int) -> None:
        for c in cores:
            c.invalidate_page(ppage)

    for core in cores:
        tlb = core.tlb
        tlb.code_lines = shared
        tlb.on_code_write = invalidate_everywhere
        own_mark = tlb.mark_code

        def mark_code(pa: int, size: int, own_mark=own_mark) -> None:
            new_page = (pa >> 12) not in shared
            own_mark(pa, size)
            if new_page:
                for t in tlbs:
                    t.flush_writes()       # their stores to this page now take the checked path
        tlb.mark_code = mark_code


def run_cores(cores: List[Core], events: Events, until: Optional[int] = None,
              max_insns: Optional[int] = None, max_cycles: Optional[int] = None) -> tuple:
    """Run the cores in turns until a stop; returns (reason, core that stopped)."""
    total = sum(c.icount for c in cores)
    insn_limit = total + max_insns if max_insns is not None else NEVER
    cycle_limit = cores[0].cycles + max_cycles if max_cycles is not None else NEVER
    now = min(c.cycles for c in cores)
    try:
        while True:
            end = now + QUANTUM
            if all(c.halted and not _wakes(c) for c in cores):
                # Nothing can happen before the next deadline: skip to it.
                deadline = events.next_deadline()
                if deadline >= NEVER:
                    return "halt", cores[0]
                end = max(end, deadline)
            end = min(end, cycle_limit)
            for core in cores:
                if core.cycles >= end:
                    continue
                if core.halted and not _wakes(core) and core.stop_request is None \
                        and core.next_deadline > end:
                    core.cycles = end          # what its turn would do: wait until the round ends
                    continue
                left = insn_limit - sum(c.icount for c in cores)
                if left <= 0:
                    return "max_insns", core
                events.current = core
                reason = core.run(until=until, max_insns=left, max_cycles=end - core.cycles)
                core.monitor.clear(core.monitor_id)    # no reservation survives the turn
                if reason != "max_cycles":
                    if reason == "halt":
                        continue               # idle until another core or a deadline wakes it
                    return reason, core
            now = end
            if now >= cycle_limit:
                return "max_cycles", cores[0]
    finally:
        events.current = cores[0]


def _wakes(core: Core) -> bool:
    return core.irq_line or core.fiq_line or core.virq_line or core.vfiq_line
