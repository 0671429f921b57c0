"""Trap traces (`pyxen15 boot|run ... --trace FILE`): one JSON line per
entry into the Python hypervisor, as xentrace records one per event on
x86 Xen (Xen on ARM has none).

Each line says when (virtual time in ns, the core's cycle count and the
instructions it has retired), where (physical core, domain, vCPU and the
guest instruction that trapped; none for the idle loop), what (the HSR.EC
class with the ISS decoded by field, cpu/syndrome.py; or the physical
interrupt, with the ID the GICC has highest pending), and what the
hypervisor did about it: the stats names it charged with their cycles
(hyp/costs.py's classes, "hc:<family>.<op>" for a hypercall), and for a
Xen hypercall its number, family, operation and the value it returned in
r0.  For example (one line each, written without spaces)::

    {"t":1204,"cyc":1204,"insns":230,"cpu":0,"dom":1,"vcpu":0,"pc":2147484348,"class":"hvc","ec":18,"il":1,
     "iss":{"imm16":3745},"hc":17,"family":"xen_version","op":"version",
     "ret":262161,"charged":{"hypercall":500,"hc:xen_version.version":100},"cost":600}
    {"t":90512,"cyc":90512,"insns":20117,"cpu":1,"dom":0,"vcpu":1,"pc":3225550312,"class":"irq","intid":27,
     "charged":{"irq":600},"cost":600}

`cost` is the cycles the core's count moved while the hypervisor ran: the
charges, and a context switch when the trap ends in one.

The trace costs nothing when it is off: it is not a test in the trap
path but a different entry.  `TrapTrace.install` puts its own
`hyp_trap` in front of the hypervisor's on every core (cpu/exceptions.py
calls it after the architectural entry), and replaces the hypervisor's
Stats with a subclass that also notes the names counted during the
current trap.  Nothing the guest sees changes: the same handler runs,
with the same cycle charges, so a traced run retires the same
instructions.  Lines are buffered and written in batches.
"""

import json
from typing import List, Optional, Tuple

from ..cpu.exceptions import VEC_FIQ, VEC_HYPTRAP, VEC_IRQ
from ..cpu.syndrome import EC_DABT_LOWER, EC_HVC, EC_WFI_WFE, decode
from ..errors import PyxenError
from ..hyp import Stats, traps

FLUSH_LINES = 4096
HVC_XEN = traps.HVC_XEN


class TracingStats(Stats):
    """The hypervisor's counters, which also keep what the current trap
    counted (name, cycles), in order."""

    def __init__(self, table):
        super().__init__()
        self.table = table
        self.current: List[Tuple[str, int]] = []

    def count(self, name: str, cycles: int) -> None:
        Stats.count(self, name, cycles)
        self.current.append((name, cycles))


def trap_class(ec: int, syn) -> str:
    """The trap table's name for a syndrome (traps.TRAPS), with WFI and WFE
    told apart by HSR.TI, as their costs are."""
    if ec == EC_WFI_WFE:
        return "wfe" if syn.ti else "wfi"
    return traps.TRAPS.get(ec, traps.DEFAULT)[0]


class TrapTrace:
    """The trace of one hypervisor's traps into `path`."""

    def __init__(self, hv, path: str):
        self.hv = hv
        self.path = path
        try:
            self.file = open(path, "w")
        except OSError as err:
            raise PyxenError("--trace %s: %s" % (path, err.strerror))
        self.lines: List[str] = []
        self.count = 0
        self.hz = hv.machine.events.core_hz
        self._encode = json.JSONEncoder(separators=(",", ":")).encode
        self.stats: Optional[TracingStats] = None
        self.gicc = hv.machine.gic.cpu_if
        self.handle = traps.handle          # the hypervisor's entry (scripts/trace-overhead.py times it)

    def install(self) -> "TrapTrace":
        hv = self.hv
        self.stats = TracingStats(hv.stats.table)
        hv.stats = self.stats
        for core in hv.machine.cpus:
            core.hyp_trap = self.hyp_trap
        return self

    def hyp_trap(self, core, vect_offset: int, target: int) -> int:
        hv = self.hv
        vcpu = hv.running[core.cpu_index]
        current = self.stats.current
        del current[:]
        before = core.cycles
        rec = {"t": before * 1000000000 // self.hz, "cyc": before, "insns": core.icount, "cpu": core.cpu_index}
        if vcpu is not None:
            rec["dom"] = vcpu.domain.domid
            rec["vcpu"] = vcpu.vcpu_id
            rec["pc"] = core.elr_hyp        # the trapping instruction (an interrupt's: the next one)
        hcall = None
        if vect_offset == VEC_HYPTRAP:
            hsr = core.sys.hsr
            syn = decode(hsr)
            rec["class"] = trap_class(syn.ec, syn)
            rec["ec"] = syn.ec
            rec["il"] = syn.il
            rec["iss"] = {name: getattr(syn, name) for name, _, _ in syn.FIELDS}
            if syn.ec == EC_HVC and syn.imm16 == HVC_XEN and vcpu is not None:
                hcall = vcpu.get_reg(12)
                rec["hc"] = hcall
                hvc_at = (core.elr_hyp - 4) & 0xFFFFFFFF     # HVC returns past itself (4 bytes, A32 and T32)
                rec["pc"] = hvc_at
            elif syn.ec == EC_DABT_LOWER:              # a stage-2 data abort: where
                s = core.sys
                rec["hdfar"] = s.hdfar
                rec["ipa"] = ((s.hpfar & 0xFFFFFFF0) << 8) | (s.hdfar & 0xFFF)
        elif vect_offset == VEC_IRQ or vect_offset == VEC_FIQ:
            rec["class"] = "irq" if vect_offset == VEC_IRQ else "fiq"
            # the interrupt the handler will acknowledge first (a query: nothing changes)
            rec["intid"] = self.gicc[core.cpu_index].highest_pending(3, False) & 0x3FF
        else:
            rec["class"] = "vector_0x%x" % vect_offset
        pc = self.handle(hv, core, vect_offset)
        charged = {}
        for name, cycles in current:
            charged[name] = charged.get(name, 0) + cycles
            if hcall is not None and name.startswith("hc:"):
                family, _, op = name[3:].partition(".")
                rec["family"] = family
                if op:
                    rec["op"] = op
        if hcall is not None:
            if pc == hvc_at:
                rec["continued"] = 1        # a continuation: the guest makes the call again
            else:
                result = vcpu.get_reg(0)
                rec["ret"] = result - (1 << 32) if result >> 31 else result
        rec["charged"] = charged
        rec["cost"] = core.cycles - before
        self.lines.append(self._encode(rec))
        if len(self.lines) >= FLUSH_LINES:
            self.flush()
        return pc

    def flush(self) -> None:
        if self.lines:
            self.count += len(self.lines)
            self.file.write("\n".join(self.lines))
            self.file.write("\n")
            del self.lines[:]

    def close(self) -> None:
        if self.file is not None:
            self.flush()
            self.file.close()
            self.file = None
