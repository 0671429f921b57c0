"""The Python hypervisor: Xen's ARM virtualization on pyxen15's cores.

It enters at one place, the core's exception entry into HYP mode
(``core.hyp_trap``, cpu/exceptions.py), and handles there what Xen's
xen/arch/arm handles in C: traps by HSR.EC (traps.py), physical
interrupts (routed to HYP by HCR.IMO), and returns to the guest with
ERET.  Modules: domain.py, vcpu.py (state), p2m.py (stage 2), mmio.py and
vgic.py (the emulated distributor, list-register injection), vtimer.py,
vpsci.py, sched.py; the Xen guest ABI (hypercall.py and its families) is
the ABI engineer's; domain_build.py builds dom0.

Per physical core the hypervisor keeps which vCPU runs there
(`running`); a core with none waits in HYP mode in a WFI loop (the idle
vCPU, as Xen's idle domain) until PSCI CPU_ON gives it one.
"""

from typing import Dict, List, Optional, Tuple

from ..board_vexpress.memmap import RAM_BASE
from ..cpu.state import MODE_HYP, MODE_SVC
from ..errors import PyxenError
from . import traps
from .domain import Domain
from .p2m import VTCR_VALUE
from .sched import Scheduler
from .vcpu import OFFLINE, RUNNING

MASK32 = 0xFFFFFFFF

# HCR (B4.1.65) as Xen programs it for a guest
HCR_VM, HCR_SWIO, HCR_FMO, HCR_IMO, HCR_AMO = 1, 1 << 1, 1 << 3, 1 << 4, 1 << 5
HCR_FB, HCR_BSU_INNER = 1 << 9, 1 << 10
HCR_TWI, HCR_TWE, HCR_TSC = 1 << 13, 1 << 14, 1 << 19
HCR_GUEST = (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_INNER
             | HCR_TWI | HCR_TWE | HCR_TSC)
CNTHCTL_PL1PCTEN = 1          # PL1 reads the physical counter; PL1PCEN = 0 traps its timer
PSR_AIF = 0x1C0

# The idle loop, A32: WFI; B .-4 (the core waits in HYP with IRQs unmasked)
IDLE_CODE = (0xE320F003, 0xEAFFFFFD)
DEFAULT_HEAP = 8 << 20


class Stats:
    """Counts and cycles by name (trap classes, hypercalls), deterministic."""

    def __init__(self):
        self.table: Dict[str, List[int]] = {}

    def count(self, name: str, cycles: int) -> None:
        entry = self.table.get(name)
        if entry is None:
            self.table[name] = [1, cycles]
        else:
            entry[0] += 1
            entry[1] += cycles

    def rows(self) -> List[Tuple[str, int, int]]:
        return [(name, c, cy) for name, (c, cy) in sorted(self.table.items())]


class Hypervisor:
    def __init__(self, machine, heap: Optional[Tuple[int, int]] = None):
        self.machine = machine
        self.domains: Dict[int, Domain] = {}
        self.stats = Stats()
        ram_end = RAM_BASE + machine.ram.size
        self.idle_page = ram_end - 0x1000
        # The hypervisor's own RAM (stage-2 tables): the top of the board's RAM.
        self.heap = heap if heap is not None else (ram_end - DEFAULT_HEAP, DEFAULT_HEAP)
        self._allocated: set = set()
        ncpu = len(machine.cpus)
        self.running: List[Optional[object]] = [None] * ncpu      # pcpu -> VCpu
        self.irq_owner: Dict[int, Domain] = {}                    # physical SPI -> domain
        self.sched = Scheduler(self)
        self.exit_code: Optional[int] = None
        self.console = self._console()

    def _console(self):
        try:
            from . import hypercall  # noqa: F401  (first: it imports every family, console_io too)
            from .console_io import HypConsole
        except ImportError:
            return None
        return HypConsole(self)

    # -- memory of the hypervisor's own --------------------------------------------------------

    def alloc_page(self) -> int:
        """A free 4 KiB page of the heap (from its top down); never the idle loop's."""
        base, size = self.heap
        addr = (base + size - 0x1000) & ~0xFFF
        while addr >= base:
            if addr not in self._allocated and addr != self.idle_page:
                self._allocated.add(addr)
                return addr
            addr -= 0x1000
        raise PyxenError("the hypervisor's heap (0x%x bytes at 0x%x) is full" % (size, base))

    # -- the physical machine --------------------------------------------------------------

    def attach(self) -> None:
        """Take the machine: every core enters the hypervisor on HYP entry,
        the physical GIC is set up for the hypervisor (distributor on, each
        CPU interface on with EOImode so that priority drop and
        deactivation are separate, as the HW bit needs), and the cores
        without a vCPU wait in the idle loop."""
        m = self.machine
        m.mem.write(self.idle_page, b"".join(w.to_bytes(4, "little") for w in IDLE_CODE))
        gic = m.gic
        gic.dist.write(0, 0x000, 4, 1)                               # GICD_CTLR.Enable
        from .vtimer import HYP_PPIS
        for n, core in enumerate(m.cpus):
            core.hyp_trap = self.hyp_trap
            gic.dist.write(n, 0x100, 4, sum(1 << p for p in HYP_PPIS))   # ISENABLER0: our PPIs
            gic.cpu_if[n].write(0x004, 4, 0xF8)                      # GICC_PMR
            gic.cpu_if[n].write(0x000, 4, 1 | (1 << 9))              # GICC_CTLR: Enable, EOImodeNS
            gic.vif[n].h_write("HCR", 0, 1)                          # GICH_HCR.En
            if self.running[n] is None:
                self.idle(core)

    def idle(self, core) -> int:
        """Put `core` in the idle loop (HYP, IRQs unmasked, halted in WFI)."""
        core.set_cpsr(MODE_HYP | 0x140)          # A and F masked, I clear
        core.sys.regime_changed()
        core.pc = self.idle_page
        core.halted = 1
        core.attention = True
        return self.idle_page

    def set_physical_enable(self, irq: int, on: bool) -> None:
        self.machine.gic.dist.write(0, (0x100 if on else 0x180) + (irq // 32) * 4, 4, 1 << (irq % 32))

    def set_physical_target(self, irq: int, vcpu) -> None:
        """A passed-through SPI goes to the physical core of its vCPU."""
        dist = self.machine.gic.dist
        if vcpu is not None and vcpu.pcpu is not None:
            dist.target[irq] = 1 << vcpu.pcpu
            dist.changed()

    def set_physical_config(self, irq: int, edge: bool) -> None:
        dist = self.machine.gic.dist
        dist.edge[irq] = edge
        dist.changed()

    # -- domains ---------------------------------------------------------------------------

    def create_domain(self, domid: int, mem: List[Tuple[int, int, int]], nr_vcpus: int) -> Domain:
        if domid in self.domains:
            raise PyxenError("domain %d exists" % domid)
        if not 1 <= nr_vcpus <= 8:
            raise PyxenError("a domain has 1 to 8 vCPUs, not %d" % nr_vcpus)
        ram_end = RAM_BASE + self.machine.ram.size
        for ipa, pa, size in mem:
            if pa < RAM_BASE or pa + size > self.heap[0] or pa + size > ram_end:
                raise PyxenError("domain %d's memory 0x%x+0x%x is not board RAM below the "
                                 "hypervisor's heap (0x%x)" % (domid, pa, size, self.heap[0]))
        d = Domain(self, domid, mem, nr_vcpus)
        self.domains[domid] = d
        if d.is_hardware_domain:
            # dom0 owns the board's SPIs (the devices it keeps), virq == pirq
            for irq in range(32, d.vgic.nr_irqs):
                self.irq_owner.setdefault(irq, d)
        return d

    def load_vcpu(self, vcpu, core) -> None:
        """Program `core` for `vcpu`: the HYP controls (HCR, VTCR, VTTBR,
        HCPTR, HSTR, CNTHCTL, CNTVOFF, VMPIDR) and the GICH state."""
        s = core.sys
        d = vcpu.domain
        s.write("VTCR", VTCR_VALUE)
        s.write("VTTBR", d.p2m.vttbr)
        s.write("HCPTR", 0)
        s.write("HSTR", 0)
        s.write("CNTHCTL", CNTHCTL_PL1PCTEN)
        s.write("CNTVOFF", d.cntvoff)
        s.vmpidr = vcpu.vmpidr
        s.write("HCR", HCR_GUEST)
        vcpu.core = core
        vcpu.pcpu = core.cpu_index
        vcpu.state = RUNNING
        self.running[core.cpu_index] = vcpu
        d.vgic.flush(vcpu)

    def start_vcpu(self, vcpu, pc: int, r0: int = 0, r1: int = 0, r2: int = 0,
                   mode: int = MODE_SVC, thumb: bool = False) -> None:
        """Bring `vcpu` up on its physical core at `pc` in `mode` (SVC), with
        A, I, F masked and the MMU off (SCTLR reset), r0-r2 as given."""
        core = self.machine.cpus[vcpu.pcpu]
        if self.running[vcpu.pcpu] not in (None, vcpu):
            # the core runs another vCPU: this one waits for its turn (sched.py)
            from .sched import fresh_context
            self.sched.add_vcpu(vcpu, fresh_context(vcpu, pc, r0, mode, thumb))
            vcpu.context["r"][1], vcpu.context["r"][2] = r1 & MASK32, r2 & MASK32
            return
        core.set_cpsr(MODE_HYP | PSR_AIF)
        for name, value in (("SCTLR", core.sys.read("SCTLR") & ~0x1007),):   # M, A, C, I off
            core.sys.write(name, value)
        self.load_vcpu(vcpu, core)
        core.set_cpsr(mode | PSR_AIF | (0x20 if thumb else 0))
        core.sys.regime_changed()
        core.r[0], core.r[1], core.r[2] = r0 & MASK32, r1 & MASK32, r2 & MASK32
        core.pc = pc & ~1 & MASK32
        core.halted = 0
        core.attention = True
        self.sched.vfp_owner[vcpu.pcpu] = vcpu          # the core's VFP bank starts as its
        self.sched.arm_slice(core)

    def stop_vcpu(self, vcpu) -> None:
        """The vCPU goes offline (PSCI CPU_OFF); its core goes idle."""
        core = vcpu.core
        vcpu.state = OFFLINE
        vcpu.core = None
        if core is not None:
            self.running[core.cpu_index] = None
            if self.sched.vfp_owner.get(core.cpu_index) is vcpu:
                del self.sched.vfp_owner[core.cpu_index]
            core.sys.write("HCR", 0)
            vif = self.machine.gic.vif[core.cpu_index]
            for n in range(len(vif.lr)):
                vif.lr[n] = 0
            self.machine.gic.update()

    def shutdown(self, domain, reason: int = 0, caller=None) -> None:
        """Domain shutdown (SCHEDOP_shutdown, PSCI SYSTEM_OFF/RESET): dom0's
        ends the run with status 0, as the board's poweroff does.  Any other
        domain stops whole, as Xen's domain_shutdown pauses every vCPU: the
        caller leaves its core now (the trap handler sees it off), a vCPU
        waiting for its turn goes offline, and one running on another core
        leaves it at that core's next entry to HYP, which a kick of its HYP
        timer makes at once (Sched.tick)."""
        from ..cpu.core import StopRun
        domain.shutdown_reason = reason
        if domain.is_hardware_domain:
            self.exit_code = 0
            for core in self.machine.cpus:
                core.stop_request = StopRun("exit", 0)
                core.attention = True
            return
        for v in domain.vcpus:
            if v is caller:
                self.stop_vcpu(v)
            elif v.core is None:
                v.state = OFFLINE
            elif v.state != OFFLINE:
                self.sched.kick_pcpu(v.pcpu)

    # -- the entry -------------------------------------------------------------------------

    def hyp_trap(self, core, vect_offset: int, target: int) -> int:
        return traps.handle(self, core, vect_offset)

    def trap_table(self) -> List[Tuple[str, int, int]]:
        return self.stats.rows()
