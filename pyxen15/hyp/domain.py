"""A domain: its vCPUs, its p2m, its vGIC and MMIO map, its event channels
and grant table (ABI's), and, for dom0, the right to the board's devices."""

from typing import List, Optional, Tuple

from .mmio import MmioDispatcher
from .p2m import P2M
from .vcpu import VCpu
from .vgic import GICC_BASE, GICC_SIZE, GICD_BASE, GICD_SIZE, GICV_BASE, VGic


class Domain:
    def __init__(self, hv, domid: int, mem: List[Tuple[int, int, int]], nr_vcpus: int):
        self.hv = hv
        self.domid = domid
        self.is_hardware_domain = domid == 0
        self.max_vcpus = nr_vcpus
        self.mem = list(mem)
        self.shutdown_reason: Optional[int] = None
        self.shared_info_gfn: Optional[int] = None
        # the guest's virtual counter starts where the physical one is at creation
        self.cntvoff = hv.machine.cpu.timer.physical_count()
        self.vcpus: List[VCpu] = []
        self.p2m = P2M(hv.machine.mem, hv.alloc_page, vmid=domid + 1, on_change=self._p2m_changed)
        for ipa, pa, size in mem:
            self.p2m.map(ipa, pa, size)
        # The guest's GICC is the real GICV; its GICD is the emulated distributor.
        self.p2m.map(GICC_BASE, GICV_BASE, GICC_SIZE, device=True, executable=False)
        self.vcpus[:] = [VCpu(self, n, n % len(hv.machine.cpus)) for n in range(nr_vcpus)]
        self.vgic = VGic(self)
        self.mmio = MmioDispatcher()
        self.mmio.register(GICD_BASE, GICD_SIZE, self.vgic)
        self.evtchn = self._abi("event_channel", "EventChannels")
        self.gnttab = self._abi("grant_table", "GrantTable")

    def _abi(self, module: str, cls: str):
        """ABI's per-domain state, once its module exists."""
        try:
            mod = __import__("pyxen15.hyp." + module, fromlist=[cls])
        except ImportError:
            return None
        return getattr(mod, cls)(self)

    def _p2m_changed(self) -> None:
        """Stage-2 entries changed: the cores running this domain drop what
        their TLBs hold (TLBIALL by VMID, broadcast)."""
        for v in self.vcpus:
            if v.core is not None:
                v.core.tlb.flush()
                v.core.update_context()

    def __repr__(self) -> str:
        return "Domain(%d, %d vCPUs)" % (self.domid, len(self.vcpus))
