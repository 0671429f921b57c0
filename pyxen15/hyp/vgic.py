"""The virtual GIC of a domain: a GICv2 distributor emulated in Python, and
the injection of virtual interrupts through the GICH list registers of the
physical core that runs the vCPU (xen/arch/arm/vgic.c, gic-v2.c, gic-vgic.c).

The guest's GICC is the real GICV mapped at the GICC address in stage 2,
so acknowledge and EOI never trap; only the distributor (GICD) is
emulated, through stage-2 data aborts (mmio.py).

Distributor registers (IHI 0048B 4.3):

    0x000 CTLR  0x004 TYPER  0x008 IIDR  0x080 IGROUPR  0x100 ISENABLER
    0x180 ICENABLER  0x200 ISPENDR  0x280 ICPENDR  0x300 ISACTIVER
    0x380 ICACTIVER  0x400 IPRIORITYR  0x800 ITARGETSR  0xC00 ICFGR
    0xF00 SGIR  0xF10 CPENDSGIR  0xF20 SPENDSGIR  0xFD0-0xFFC ID registers

SGIs and PPIs (IDs 0-31) are banked per vCPU; SPIs (32 and up) have a
target list of vCPUs (ITARGETSR, one bit per vCPU).

Injection (`inject`): an interrupt that is pending, enabled and whose
distributor group is enabled is queued on its vCPU; the queue is written
into free list registers (GICH_ELSR) of the vCPU's physical core, highest
priority first.  When the four list registers are full the rest wait and
GICH_HCR.UIE asks for the maintenance interrupt (PPI 25), at which the
hypervisor refills them.  An interrupt that stands for a physical one
(`hw_pirq`: a device SPI dom0 owns, the virtual timer's PPI 27) goes in
with HW = 1 and PhysicalID: the guest's EOI deactivates the physical
interrupt through the list register, without a trap.
"""

from typing import Dict, Optional

from ..gic.distributor import NIRQ
from ..gic.virt import (HCR_UIE, LR_ACTIVE, LR_EOI, LR_HW, LR_PENDING, LR_STATE,
                        NUM_LR)

GICD_BASE = 0x2C001000
GICC_BASE = 0x2C002000
GICV_BASE = 0x2C006000
GICD_SIZE = 0x1000
GICC_SIZE = 0x2000

GUEST_EVTCHN_PPI = 31          # Xen's event-channel upcall PPI on ARM (the /hypervisor node)
NR_SGIS, NR_PRIVATE = 16, 32
GICD_IIDR = 0x0200043B         # a GIC-400 implemented by ARM (as the physical one)
SGIR_LIST, SGIR_OTHERS, SGIR_SELF = 0, 1, 2

MASK32 = 0xFFFFFFFF


class VGic:
    """The distributor state of one domain and its per-vCPU injection queues."""

    def __init__(self, domain, nr_irqs: int = NIRQ):
        self.domain = domain
        self.hv = domain.hv
        self.nr_irqs = nr_irqs                   # IDs 0 .. nr_irqs - 1 (TYPER.ITLinesNumber)
        self.ctlr = 0
        n = nr_irqs + NR_PRIVATE * domain.max_vcpus
        self.enabled = [False] * n
        self.pending = [False] * n
        self.active = [False] * n
        self.group = [0] * n
        self.priority = [0] * n
        self.edge = [False] * n
        self.hw: Dict[int, int] = {}             # index -> physical ID of a passed-through interrupt
        self.target = [0] * nr_irqs              # SPIs: bit n = vCPU n
        for v in range(domain.max_vcpus):
            for sgi in range(NR_SGIS):
                self.enabled[self.k(v, sgi)] = True         # SGIs are always enabled
                self.edge[self.k(v, sgi)] = True
        # SGIs pending per (target vCPU, sgi): bit n = from vCPU n
        self.sgi_sources = [[0] * NR_SGIS for _ in range(domain.max_vcpus)]

    def k(self, vcpu_id: int, irq: int) -> int:
        return irq if irq >= NR_PRIVATE else self.nr_irqs + NR_PRIVATE * vcpu_id + irq

    # -- raising an interrupt -----------------------------------------------------------

    def inject(self, vcpu, virq: int, hw_pirq: Optional[int] = None, source: int = 0) -> None:
        """Make `virq` pending for `vcpu` (the one way to raise a virtual
        interrupt); `hw_pirq` for one that stands for a physical interrupt."""
        if not 0 <= virq < self.nr_irqs:
            return
        idx = self.k(vcpu.vcpu_id, virq)
        if hw_pirq is not None:
            self.hw[idx] = hw_pirq
        if virq < NR_SGIS:
            self.sgi_sources[vcpu.vcpu_id][virq] |= 1 << source
        self.pending[idx] = True
        self._deliver(vcpu, virq)

    def _deliver(self, vcpu, virq: int) -> None:
        """Queue `virq` on `vcpu` if it is deliverable, and refill its LRs."""
        idx = self.k(vcpu.vcpu_id, virq)
        if not (self.pending[idx] and self.enabled[idx] and self.ctlr & 1):
            return
        if virq not in vcpu.queue:
            vcpu.queue.append(virq)
        self.flush(vcpu)
        vcpu.kick()

    def route_spi(self, intid: int) -> None:
        """Pass the physical SPI `intid` through to this domain as the same
        virtual ID, with the HW bit (hypervisor-wide: one owner per SPI)."""
        if not NR_PRIVATE <= intid < self.nr_irqs:
            raise ValueError("SPI %d out of range" % intid)
        self.hv.irq_owner[intid] = self.domain

    def physical_spi(self, pirq: int) -> bool:
        """A physical SPI this domain owns fired: inject it into the vCPU
        that ITARGETSR names (the lowest), or refuse (False)."""
        targets = self.target[pirq]
        vcpus = self.domain.vcpus
        for v in vcpus:
            if targets >> v.vcpu_id & 1:
                self.inject(v, pirq, hw_pirq=pirq)
                return True
        return False

    # -- list registers -----------------------------------------------------------------

    def flush(self, vcpu) -> None:
        """Write the vCPU's queued interrupts into free list registers of the
        physical core that runs it (a vCPU not running keeps its queue)."""
        if vcpu.pcpu is None or not vcpu.running:
            return
        vif = self.hv.machine.gic.vif[vcpu.pcpu]
        queue = vcpu.queue
        if len(queue) > 1:
            queue.sort(key=lambda irq: (self.priority[self.k(vcpu.vcpu_id, irq)], irq))
        lrs = vif.lr
        changed = False
        i = 0
        while i < len(queue):
            virq = queue[i]
            idx = self.k(vcpu.vcpu_id, virq)
            hw = self.hw.get(idx)
            if virq < NR_SGIS:
                sources = self.sgi_sources[vcpu.vcpu_id][virq]
                src = (sources & -sources).bit_length() - 1 if sources else 0
            else:
                src = 0
            # Already in a list register: a second edge while active makes it pending and active.
            slot = None
            for n in range(NUM_LR):
                lr = lrs[n]
                if lr & LR_STATE and lr & 0x3FF == virq and (hw is not None or (lr >> 10) & 7 == src):
                    slot = n
                    break
            if slot is not None:
                lr = lrs[slot]
                if lr & LR_PENDING or lr & LR_HW:
                    i += 1                      # pending already (or HW: the device re-raises)
                    continue
                lrs[slot] = lr | LR_PENDING
            else:
                for n in range(NUM_LR):
                    lr = lrs[n]
                    if not lr & LR_STATE and (lr & LR_HW or not lr & LR_EOI):
                        slot = n
                        break
                if slot is None:
                    break                        # full: the maintenance interrupt will refill
                prio = (self.priority[idx] >> 3) & 0x1F
                value = LR_PENDING | (prio << 23) | virq
                if hw is not None:
                    value |= LR_HW | ((hw & 0x3FF) << 10)
                elif virq < NR_SGIS:
                    value |= (src & 7) << 10
                lrs[slot] = value
            changed = True
            # Taken out of the distributor's pending state into the list register
            if virq < NR_SGIS:
                self.sgi_sources[vcpu.vcpu_id][virq] &= ~(1 << src)
                if self.sgi_sources[vcpu.vcpu_id][virq]:
                    i += 1                       # another source waits for its own LR
                    continue
            self.pending[idx] = False
            del queue[i]
        uie = bool(queue)
        if uie != bool(vif.hcr & HCR_UIE):
            vif.hcr = (vif.hcr | HCR_UIE) if uie else (vif.hcr & ~HCR_UIE)
            changed = True
        if changed:
            self.hv.machine.gic.update()

    def lr_state(self, vcpu, virq: int) -> int:
        """The list-register state bits of `virq` on a running vCPU (0 if in none)."""
        if vcpu.pcpu is None or not vcpu.running:
            return 0
        state = 0
        for lr in self.hv.machine.gic.vif[vcpu.pcpu].lr:
            if lr & 0x3FF == virq:
                state |= lr & LR_STATE
        return state

    # -- the distributor's registers ----------------------------------------------------

    def read(self, offset: int, size: int, vcpu) -> int:
        """A guest read of GICD + offset (word registers; bytes for the
        priority and target arrays, as the GIC allows)."""
        word = offset & ~3
        shift = (offset & 3) * 8
        if size == 4 and offset & 3:
            return 0
        return (self._read_word(word, vcpu) >> shift) & ((1 << (8 * size)) - 1)

    def write(self, offset: int, size: int, value: int, vcpu) -> None:
        word = offset & ~3
        if size == 4:
            if offset & 3:
                return
            self._write_word(word, value & MASK32, 0xF, vcpu)
        elif 0x400 <= word < 0xC00 or 0xF10 <= word < 0xF30:
            # byte-accessible registers (priorities, targets, SGI pending)
            shift = (offset & 3) * 8
            mask = ((1 << (8 * size)) - 1) << shift
            self._write_word(word, (value << shift) & mask, _bytemask(mask), vcpu)
        # other sub-word writes: ignored (UNPREDICTABLE in the GIC spec)

    def _irqs(self, word: int, base: int, per: int) -> range:
        first = (word - base) // 4 * per
        return range(first, min(first + per, self.nr_irqs))

    def _read_word(self, word: int, vcpu) -> int:
        v = vcpu.vcpu_id
        if word == 0x000:
            return self.ctlr
        if word == 0x004:
            # ITLinesNumber, CPUNumber (vCPUs - 1); no security extensions
            return ((self.nr_irqs // 32) - 1) | ((len(self.domain.vcpus) - 1) << 5)
        if word == 0x008:
            return GICD_IIDR
        if 0x080 <= word < 0x100:
            return self._bits(word, 0x080, v, lambda i: self.group[i])
        if 0x100 <= word < 0x200:
            return self._bits(word, 0x100 if word < 0x180 else 0x180, v, lambda i: self.enabled[i])
        if 0x200 <= word < 0x300:
            base = 0x200 if word < 0x280 else 0x280
            return self._bits(word, base, v, lambda i: self.pending[i], pending=True, vcpu=vcpu)
        if 0x300 <= word < 0x400:
            base = 0x300 if word < 0x380 else 0x380
            return self._bits(word, base, v, lambda i: self.active[i], active=True, vcpu=vcpu)
        if 0x400 <= word < 0x800:
            value = 0
            for n, irq in enumerate(self._irqs(word, 0x400, 4)):
                value |= self.priority[self.k(v, irq)] << (8 * n)
            return value
        if 0x800 <= word < 0xC00:
            value = 0
            for n, irq in enumerate(self._irqs(word, 0x800, 4)):
                t = (1 << v) if irq < NR_PRIVATE else self.target[irq]
                value |= t << (8 * n)
            return value
        if 0xC00 <= word < 0xD00:
            value = 0
            for n, irq in enumerate(self._irqs(word, 0xC00, 16)):
                if self.edge[self.k(v, irq)]:
                    value |= 2 << (2 * n)
            return value
        if 0xF10 <= word < 0xF30:
            first = ((word - (0xF10 if word < 0xF20 else 0xF20)) // 4) * 4
            value = 0
            for n in range(4):
                value |= (self.sgi_sources[v][first + n] & 0xFF) << (8 * n)
            return value
        if 0xFD0 <= word < 0x1000:
            return self.hv.machine.gic.dist.read(0, word, 4)      # the physical GIC's IDs
        return 0

    def _bits(self, word: int, base: int, v: int, get, pending=False, active=False, vcpu=None) -> int:
        value = 0
        for n, irq in enumerate(self._irqs(word, base, 32)):
            idx = self.k(v, irq)
            bit = get(idx)
            if vcpu is not None and (pending or active):
                owner = vcpu if irq < NR_PRIVATE else self._owner(irq)
                if owner is not None:
                    state = self.lr_state(owner, irq)
                    bit = bit or bool(state & (LR_PENDING if pending else LR_ACTIVE))
            if bit:
                value |= 1 << n
        return value

    def _owner(self, irq: int):
        targets = self.target[irq]
        for v in self.domain.vcpus:
            if targets >> v.vcpu_id & 1:
                return v
        return None

    def _write_word(self, word: int, value: int, bytemask: int, vcpu) -> None:
        v = vcpu.vcpu_id
        if word == 0x000:
            was = self.ctlr
            self.ctlr = value & 1
            if self.ctlr and not was:
                self._redeliver_all()
        elif 0x080 <= word < 0x100:
            for n, irq in enumerate(self._irqs(word, 0x080, 32)):
                self.group[self.k(v, irq)] = value >> n & 1
        elif 0x100 <= word < 0x180:
            for n, irq in enumerate(self._irqs(word, 0x100, 32)):
                if value >> n & 1:
                    self._set_enable(vcpu, irq, True)
        elif 0x180 <= word < 0x200:
            for n, irq in enumerate(self._irqs(word, 0x180, 32)):
                if value >> n & 1 and irq >= NR_SGIS:
                    self._set_enable(vcpu, irq, False)
        elif 0x200 <= word < 0x280:
            for n, irq in enumerate(self._irqs(word, 0x200, 32)):
                if value >> n & 1 and irq >= NR_SGIS:
                    target = vcpu if irq < NR_PRIVATE else self._owner(irq)
                    if target is not None:
                        self.inject(target, irq)
        elif 0x280 <= word < 0x300:
            for n, irq in enumerate(self._irqs(word, 0x280, 32)):
                if value >> n & 1 and irq >= NR_SGIS:
                    target = vcpu if irq < NR_PRIVATE else self._owner(irq)
                    if target is not None:
                        self.pending[self.k(target.vcpu_id, irq)] = False
                        if irq in target.queue:
                            target.queue.remove(irq)
        elif 0x300 <= word < 0x400:
            pass           # active state set/clear by the guest: not modelled (Xen ignores it too)
        elif 0x400 <= word < 0x800:
            for n, irq in enumerate(self._irqs(word, 0x400, 4)):
                if bytemask >> n & 1:
                    self.priority[self.k(v, irq)] = (value >> (8 * n)) & 0xF8
        elif 0x800 <= word < 0xC00:
            for n, irq in enumerate(self._irqs(word, 0x800, 4)):
                if bytemask >> n & 1 and irq >= NR_PRIVATE:
                    self._set_target(irq, (value >> (8 * n)) & 0xFF)
        elif 0xC00 <= word < 0xD00:
            for n, irq in enumerate(self._irqs(word, 0xC00, 16)):
                if irq >= NR_SGIS:
                    edge = bool(value >> (2 * n + 1) & 1)
                    self.edge[self.k(v, irq)] = edge
                    if irq >= NR_PRIVATE and self.hv.irq_owner.get(irq) is self.domain:
                        self.hv.set_physical_config(irq, edge)
        elif word == 0xF00:
            self.sgir(vcpu, value)
        elif 0xF10 <= word < 0xF30:
            setting = word >= 0xF20
            first = ((word - (0xF20 if setting else 0xF10)) // 4) * 4
            for n in range(4):
                if not bytemask >> n & 1:
                    continue
                bits = (value >> (8 * n)) & 0xFF
                sgi = first + n
                if setting:
                    for src in range(8):
                        if bits >> src & 1:
                            self.inject(vcpu, sgi, source=src)
                else:
                    self.sgi_sources[v][sgi] &= ~bits
                    if not self.sgi_sources[v][sgi]:
                        self.pending[self.k(v, sgi)] = False
                        if sgi in vcpu.queue:
                            vcpu.queue.remove(sgi)

    def _set_enable(self, vcpu, irq: int, on: bool) -> None:
        idx = self.k(vcpu.vcpu_id, irq)
        self.enabled[idx] = on
        if irq >= NR_PRIVATE and self.hv.irq_owner.get(irq) is self.domain:
            self.hv.set_physical_enable(irq, on)
        if on:
            target = vcpu if irq < NR_PRIVATE else self._owner(irq)
            if target is not None:
                self._deliver(target, irq)
        else:
            for v in self.domain.vcpus:
                if irq in v.queue and (irq >= NR_PRIVATE or v is vcpu):
                    v.queue.remove(irq)

    def _set_target(self, irq: int, targets: int) -> None:
        valid = (1 << len(self.domain.vcpus)) - 1
        self.target[irq] = targets & valid
        owner = self._owner(irq)
        if self.hv.irq_owner.get(irq) is self.domain:
            self.hv.set_physical_target(irq, owner)
        if owner is not None:
            self._deliver(owner, irq)

    def _redeliver_all(self) -> None:
        for v in self.domain.vcpus:
            for irq in range(self.nr_irqs):
                if self.pending[self.k(v.vcpu_id, irq)]:
                    if irq < NR_PRIVATE or self._owner(irq) is v:
                        self._deliver(v, irq)

    def sgir(self, vcpu, value: int) -> None:
        """GICD_SGIR (4.3.15): TargetListFilter [25:24], CPUTargetList [23:16],
        SGIINTID [3:0]; each target vCPU gets the SGI from `vcpu`."""
        sgi = value & 0xF
        filt = (value >> 24) & 3
        if filt == SGIR_LIST:
            targets = (value >> 16) & 0xFF
        elif filt == SGIR_OTHERS:
            targets = ((1 << len(self.domain.vcpus)) - 1) & ~(1 << vcpu.vcpu_id)
        elif filt == SGIR_SELF:
            targets = 1 << vcpu.vcpu_id
        else:
            return                                   # reserved filter: no SGI
        for v in self.domain.vcpus:
            if targets >> v.vcpu_id & 1:
                self.inject(v, sgi, source=vcpu.vcpu_id)


def _bytemask(mask: int) -> int:
    return sum(1 << n for n in range(4) if mask >> (8 * n) & 0xFF)
