"""Building dom0, as Xen's xen/arch/arm/domain_build.c does for the
hardware domain: its device tree, its memory, its devices, its first vCPU.

**The device tree.**  dom0 sees the board's own tree with what belongs to
the hypervisor taken out and what the hypervisor provides put in
(reference: xen-arm32-abi.md section 1.3 and section 7).  Walking the
host tree as Xen's ``handle_node`` does, each node is

* *copied* (every device dom0 keeps, /aliases, /reserved-memory, ...);
* *hidden*: the host's /cpus, /memory, /psci and /hypervisor (they are
  regenerated), the PMU (its counters belong to the hypervisor), the
  memory-mapped timer, any node that uses a hardware PPI (a PPI cannot be
  routed to a guest), and the UART the hypervisor keeps for itself, if any
  (we keep none: dom0's console is hvc0, its UART0 stays a device it may
  use);
* *regenerated in place*: the GIC node keeps its name, phandle and
  compatible but only two ``reg`` entries, GICD and GICC, at the addresses
  dom0 sees (the host's: GICD is emulated there, the GICV is mapped at
  GICC's address), and no maintenance interrupt; the timer node gets the
  three PPIs a guest may use (secure physical, non-secure physical,
  virtual), the hypervisor timer's PPI dropped;
* and /chosen gets dom0's bootargs (``console=hvc0`` unless a console is
  named) and its initrd range, without ``stdout-path`` or ``xen,*``.

Then, under the root, the nodes the hypervisor makes: ``/hypervisor``
(``"xen,xen-4.17", "xen,xen"``, reg = the grant-table window, interrupts =
the event-channel PPI), ``/psci`` (PSCI 0.2 and 1.0 over HVC, with the PSCI
0.1 function ids Xen gives), ``/cpus`` (one cpu@N per vCPU, reg = the
vMPIDR's affinity) and ``/memory`` (dom0's bank).  The memory reservation
block is not copied (Xen starts the new tree with an empty one).

**Memory.**  dom0 is direct-mapped (IPA == PA, Xen's ``allocate_memory_11``)
from the start of the board's RAM; the top of the RAM, above dom0's, is the
hypervisor's own (its stage-2 tables).  The kernel, initrd and DTB go into
dom0's RAM where the native boot puts them (board_vexpress/linux_boot.py's
plan, for a board whose RAM is dom0's).  Every board region except DRAM and
the GIC is mapped 1:1 in stage 2 (the Domain itself maps the GIC's CPU
interface address to the GICV and emulates GICD in its vGIC; every physical
SPI of the hardware domain is routed to it, virq == pirq).

**vCPU0** enters the kernel as the boot protocol wants, in SVC with the MMU
off, r0 = 0, r1 = ~0 (a device tree, no machine number), r2 = the DTB.
"""

from typing import Callable, List, NamedTuple, Optional, Tuple

from .. import fdt
from ..board_vexpress import linux_boot
from ..board_vexpress.memmap import MEMORY_MAP, RAM_BASE
from ..errors import PyxenError

MiB = 1 << 20

XEN_VERSION = (4, 17)

# The hypervisor's own RAM: the top of the board's, above dom0's (stage-2
# tables).  Xen likewise keeps its own memory out of dom0's banks.
HYP_RESERVED_MEM = 16 * MiB
MIN_DOM0_MEM = 32 * MiB

# The grant-table window in dom0's guest-physical space: where Linux maps
# the grant frames (XENMEM_add_to_physmap, XENMAPSPACE_grant_table).  Xen
# uses its own .text (never dom0 RAM); we use an address below 4 GiB that
# no board region and no RAM covers.  Linux memremaps max_nr_frames pages
# from it without checking the size, so GNTTABOP_query_size's max_nr_frames
# must not exceed GNTTAB_DOM0_FRAMES (Xen: min(64, its .text pages)).
GNTTAB_DOM0_BASE = 0x38000000
GNTTAB_DOM0_FRAMES = 64

# The event-channel upcall interrupt: PPI 31 (Xen's GUEST_EVTCHN_PPI,
# public/arch-arm.h), GIC INTID 31.  The DT names a PPI by its number
# among the PPIs, INTID - 16.
GUEST_EVTCHN_PPI = 31

# GIC interrupt specifiers (bindings/interrupt-controller/arm,gic.yaml):
# <type number flags>, type 0 = SPI, 1 = PPI; flags = CPU mask << 8 | trigger.
GIC_SPI, GIC_PPI = 0, 1
IRQ_TYPE_LEVEL_LOW = 8
PPI_ALL_CPUS_LEVEL_LOW = 0xF00 | IRQ_TYPE_LEVEL_LOW      # Xen's 0xf08

# The generic timer's PPIs on the V2P-CA15 (INTIDs), in the order of the
# arm,armv7-timer binding; the hypervisor timer (PPI 26) is the fourth.
TIMER_PPIS = (("secure-phys", 29), ("phys", 30), ("virt", 27))
HYP_TIMER_PPI = 26

# Xen's /psci node for dom0: PSCI 1.0 and 0.2 (standard SMC32 function
# ids, which Linux uses with these compatibles) and, for the "arm,psci"
# (0.1) binding, the function ids of Xen's PSCI 0.1 interface.
PSCI_COMPATIBLE = ("arm,psci-1.0", "arm,psci-0.2", "arm,psci")
PSCI_0_1_CPU_OFF = 1
PSCI_0_1_CPU_ON = 2

# Host nodes dom0 does not get (handle_node's skip list), by compatible.
HIDDEN_COMPATIBLE = frozenset((
    "arm,cortex-a15-pmu", "arm,cortex-a7-pmu", "arm,armv7-pmu",   # the PMU is the hypervisor's
    "arm,armv7-timer-mem",                                        # the memory-mapped timer frames
    "arm,psci", "arm,psci-0.2", "arm,psci-1.0",                   # the host's PSCI: ours replaces it
))
GIC_COMPATIBLE = frozenset(("arm,cortex-a15-gic", "arm,cortex-a9-gic", "arm,gic-400"))
TIMER_COMPATIBLE = frozenset(("arm,armv7-timer", "arm,armv8-timer"))
# Host /chosen properties that were for the firmware or for Xen itself.
CHOSEN_DROPPED_PREFIXES = ("xen,", "linux,uefi-", "linux,initrd-")
CHOSEN_DROPPED = frozenset(("stdout-path", "linux,stdout-path", "bootargs"))


class Dom0Spec(NamedTuple):
    """What the boot command asks of dom0."""
    mem_base: int                   # first byte of dom0's RAM (IPA == PA)
    mem_size: int
    vcpus: int
    hidden_paths: Tuple[str, ...] = ()      # host nodes the hypervisor keeps (its UART), by path


# -- the device tree --------------------------------------------------------------------


def dom0_bootargs(bootargs: Optional[str]) -> str:
    """dom0's command line: the user's, with ``console=hvc0`` first unless it
    names a console of its own (then that console gets the kernel's output,
    and hvc0 stays a console Linux registers)."""
    text = bootargs or ""
    if any(word.startswith("console=") for word in text.split()):
        return text
    return ("console=hvc0 " + text).strip()


def _copy(node: fdt.Node) -> fdt.Node:
    new = fdt.Node(node.name)
    new.props = dict(node.props)
    return new


def _root_cells(root: fdt.Node) -> Tuple[int, int]:
    ac = (root.u32s("#address-cells") or [2])[0]
    sc = (root.u32s("#size-cells") or [1])[0]
    if ac not in (1, 2) or sc not in (1, 2):
        raise PyxenError("DTB root has #address-cells %d / #size-cells %d; 1 or 2 expected" % (ac, sc))
    return ac, sc


class _HostTree:
    """The host tree with what handle_node needs to decide about a node:
    the GIC node, and each node's interrupt parent."""

    def __init__(self, tree: fdt.DeviceTree, hidden_paths: Tuple[str, ...]):
        self.tree = tree
        self.hidden_paths = frozenset(p.rstrip("/") for p in hidden_paths)
        self.parent = {}
        self.by_phandle = {}
        self.gic: Optional[fdt.Node] = None
        for _path, node in tree.root.walk():
            for c in node.children:
                self.parent[id(c)] = node
            phandle = node.u32s("phandle") or node.u32s("linux,phandle")
            if phandle:
                self.by_phandle[phandle[0]] = node
            if (self.gic is None and GIC_COMPATIBLE & set(node.strings("compatible"))
                    and "interrupt-controller" in node.props):
                self.gic = node
        if self.gic is None:
            raise PyxenError("DTB has no GICv2 node (compatible arm,cortex-a15-gic): dom0 needs one")

    @property
    def gic_phandle(self) -> int:
        phandle = self.gic.u32s("phandle") or self.gic.u32s("linux,phandle")
        if not phandle:
            raise PyxenError("DTB's GIC node has no phandle")
        return phandle[0]

    def interrupt_parent(self, node: fdt.Node) -> Optional[fdt.Node]:
        """The devicetree spec's interrupt parent (2.4.1): follow
        interrupt-parent, else the tree parent, to the first node with
        #interrupt-cells (a controller or an interrupt nexus)."""
        for _ in range(64):                 # a phandle loop is a bad tree, not a hang
            link = node.u32s("interrupt-parent")
            nxt = self.by_phandle.get(link[0]) if link else self.parent.get(id(node))
            if nxt is None or "#interrupt-cells" in nxt.props:
                return nxt
            node = nxt
        return None

    def uses_ppi(self, node: fdt.Node) -> bool:
        """A node with a PPI among its interrupts (the GIC its parent)."""
        cells = node.u32s("interrupts")
        if not cells or len(cells) % 3 or self.interrupt_parent(node) is not self.gic:
            return False
        return any(cells[i] == GIC_PPI for i in range(0, len(cells), 3))

    def hidden(self, path: str, node: fdt.Node, depth: int) -> bool:
        compat = set(node.strings("compatible"))
        if path in self.hidden_paths or compat & HIDDEN_COMPATIBLE:
            return True
        if depth == 1:
            base = node.name.split("@")[0]
            if base in ("cpus", "psci", "hypervisor") or node.string("device_type") == "memory":
                return True         # regenerated for dom0
        return self.uses_ppi(node)


def _gic_node(host: fdt.Node) -> fdt.Node:
    """gicv2_make_hwdom_dt_node: name, phandle, compatible, and reg with
    GICD and GICC only (GICH and GICV removed), no maintenance interrupt."""
    node = fdt.Node(host.name)
    for prop in ("compatible", "#interrupt-cells", "#address-cells", "phandle", "linux,phandle"):
        if prop in host.props:
            node.props[prop] = host.props[prop]
    node.props["interrupt-controller"] = b""
    node.set_u32s("#interrupt-cells", [3])
    return node


def _gic_reg(host: fdt.Node, parent_cells: Tuple[int, int]) -> List[int]:
    cells = host.u32s("reg") or []
    per = sum(parent_cells)
    if len(cells) < 2 * per:
        raise PyxenError("DTB's GIC node has %d reg cells; GICD and GICC (%d) expected" % (len(cells), 2 * per))
    return cells[:2 * per]


def _timer_node(host: fdt.Node, gic_phandle: int) -> fdt.Node:
    """make_timer_node: the three PPIs a guest's timer may use, level-low
    on every CPU, the hypervisor timer's dropped."""
    node = fdt.Node(host.name)
    node.set_string("compatible", "arm,armv7-timer")
    node.set_u32s("interrupt-parent", [gic_phandle])
    spec = []
    for _name, intid in TIMER_PPIS:
        spec += [GIC_PPI, intid - 16, PPI_ALL_CPUS_LEVEL_LOW]
    node.set_u32s("interrupts", spec)
    if "clock-frequency" in host.props:
        # CNTFRQ cannot be trapped: a frequency the host DT gives is kept.
        node.props["clock-frequency"] = host.props["clock-frequency"]
    return node


def _chosen_node(host: Optional[fdt.Node], bootargs: str, initrd: Optional[Tuple[int, int]],
                 ac: int) -> fdt.Node:
    node = fdt.Node(host.name if host is not None else "chosen")
    if host is not None:
        for prop, value in host.props.items():
            if prop in CHOSEN_DROPPED or prop.startswith(CHOSEN_DROPPED_PREFIXES):
                continue
            node.props[prop] = value
        node.children = [_clone(c) for c in host.children]
    node.set_string("bootargs", bootargs)
    if initrd is not None:
        node.set_u32s("linux,initrd-start", fdt.cells(initrd[0], ac))
        node.set_u32s("linux,initrd-end", fdt.cells(initrd[1], ac))
    return node


def _clone(node: fdt.Node) -> fdt.Node:
    new = _copy(node)
    new.children = [_clone(c) for c in node.children]
    return new


def _hypervisor_node(ac: int, sc: int) -> fdt.Node:
    """make_hypervisor_node: the compatible Linux's xen_early_init checks
    (the first string starts with "xen,xen-" and carries the version), the
    grant-table window as reg[0] (no extended regions on arm32) and the
    event-channel PPI (interrupt-parent is the root's, the GIC)."""
    node = fdt.Node("hypervisor")
    node.props["compatible"] = b"xen,xen-%d.%d\0xen,xen\0" % XEN_VERSION
    node.set_u32s("reg", fdt.cells(GNTTAB_DOM0_BASE, ac) + fdt.cells(GNTTAB_DOM0_FRAMES << 12, sc))
    node.set_u32s("interrupts", [GIC_PPI, GUEST_EVTCHN_PPI - 16, PPI_ALL_CPUS_LEVEL_LOW])
    return node


def _psci_node() -> fdt.Node:
    node = fdt.Node("psci")
    node.props["compatible"] = b"".join(c.encode() + b"\0" for c in PSCI_COMPATIBLE)
    node.set_string("method", "hvc")
    node.set_u32s("cpu_off", [PSCI_0_1_CPU_OFF])
    node.set_u32s("cpu_on", [PSCI_0_1_CPU_ON])
    return node


def vmpidr_affinity(vcpu: int) -> int:
    """The affinity fields of vCPU n's vMPIDR (Xen: AFF0 = n & 0xf,
    AFF1 = n >> 4); the cpu node's reg."""
    return ((vcpu >> 4) << 8) | (vcpu & 0xF)


def _cpus_node(host: fdt.DeviceTree, vcpus: int) -> fdt.Node:
    """make_cpus_node: one cpu@N per vCPU, compatible copied from the host's
    first CPU.  enable-method = "psci": secondary vCPUs come up by PSCI
    CPU_ON (Linux arm32 picks its PSCI SMP operations from /psci itself)."""
    compat = b"arm,cortex-a15\0"
    host_cpus = host.find("/cpus")
    if host_cpus is not None:
        first = next((c for c in host_cpus.children if c.string("device_type") == "cpu"), None)
        if first is not None and "compatible" in first.props:
            compat = first.props["compatible"]
    node = fdt.Node("cpus")
    node.set_u32s("#address-cells", [1])
    node.set_u32s("#size-cells", [0])
    for n in range(vcpus):
        aff = vmpidr_affinity(n)
        cpu = fdt.Node("cpu@%x" % aff)
        cpu.set_string("device_type", "cpu")
        cpu.props["compatible"] = compat
        cpu.set_u32s("reg", [aff])
        cpu.set_string("enable-method", "psci")
        node.children.append(cpu)
    return node


def _memory_node(base: int, size: int, ac: int, sc: int) -> fdt.Node:
    node = fdt.Node("memory@%x" % base)
    node.set_string("device_type", "memory")
    node.set_u32s("reg", fdt.cells(base, ac) + fdt.cells(size, sc))
    return node


def dom0_device_tree(host: fdt.DeviceTree, spec: Dom0Spec, bootargs: Optional[str],
                     initrd: Optional[Tuple[int, int]]) -> fdt.DeviceTree:
    """dom0's device tree made from the host's (which is not changed)."""
    ac, sc = _root_cells(host.root)
    info = _HostTree(host, spec.hidden_paths)

    def handle_node(node: fdt.Node, path: str, depth: int, cells: Tuple[int, int]) -> Optional[fdt.Node]:
        compat = set(node.strings("compatible"))
        if node is info.gic:
            new = _gic_node(node)
            new.set_u32s("reg", _gic_reg(node, cells))
            return new
        if compat & TIMER_COMPATIBLE:
            return _timer_node(node, info.gic_phandle)
        if depth == 1 and node.name.split("@")[0] == "chosen":
            return _chosen_node(node, dom0_bootargs(bootargs), initrd, ac)
        if info.hidden(path, node, depth):
            return None
        new = _copy(node)
        own = node.u32s("#address-cells"), node.u32s("#size-cells")
        child_cells = ((own[0] or [2])[0], (own[1] or [1])[0])
        for c in node.children:
            kept = handle_node(c, path.rstrip("/") + "/" + c.name, depth + 1, child_cells)
            if kept is not None:
                new.children.append(kept)
        return new

    root = _copy(host.root)
    has_chosen = False
    for c in host.root.children:
        kept = handle_node(c, "/" + c.name, 1, (ac, sc))
        if kept is not None:
            root.children.append(kept)
            has_chosen = has_chosen or c.name.split("@")[0] == "chosen"
    if not has_chosen:
        root.children.append(_chosen_node(None, dom0_bootargs(bootargs), initrd, ac))
    root.children.append(_hypervisor_node(ac, sc))
    root.children.append(_psci_node())
    root.children.append(_cpus_node(host, spec.vcpus))
    root.children.append(_memory_node(spec.mem_base, spec.mem_size, ac, sc))
    return fdt.DeviceTree(root, [], 0)


def dom0_dtb_writer(spec: Dom0Spec) -> Callable:
    """A DTB writer for linux_boot.plan_boot: dom0's blob instead of the
    native /memory and /chosen patch."""
    def write(tree: fdt.DeviceTree, ram_base: int, ram_size: int, bootargs: Optional[str],
              initrd: Optional[Tuple[int, int]]) -> bytes:
        assert (ram_base, ram_size) == (spec.mem_base, spec.mem_size)
        return fdt.build(dom0_device_tree(tree, spec, bootargs, initrd))
    return write


# -- the plan: what the boot command asks, checked -----------------------------------


def dom0_spec(board_ram: int, dom0_mem: Optional[int], vcpus: int, cores: int) -> Dom0Spec:
    """dom0's RAM and vCPUs on a board with `board_ram` bytes and `cores`
    cores, or one clear error."""
    room = board_ram - HYP_RESERVED_MEM
    if dom0_mem is None:
        dom0_mem = room
    if dom0_mem % (2 * MiB):
        raise PyxenError("--dom0-mem must be a multiple of 2 MiB")
    if not MIN_DOM0_MEM <= dom0_mem <= room:
        raise PyxenError("--dom0-mem %d MiB: between %d MiB and the board's RAM minus the hypervisor's "
                         "%d MiB (%d MiB) expected" % (dom0_mem >> 20, MIN_DOM0_MEM >> 20,
                                                       HYP_RESERVED_MEM >> 20, room >> 20))
    if not 1 <= vcpus <= cores:
        raise PyxenError("--dom0-vcpus %d: 1 to %d (one per core: dom0 vCPU n runs on core n)" % (vcpus, cores))
    return Dom0Spec(RAM_BASE, dom0_mem, vcpus)


def plan_dom0(kernel_path: str, dtb_path: str, spec: Dom0Spec, initrd_path: Optional[str] = None,
              bootargs: Optional[str] = None) -> linux_boot.BootPlan:
    """Where the kernel, initrd and DTB go in dom0's RAM (as the native
    boot places them in a board with that RAM), with dom0's DTB."""
    if bootargs is not None:
        linux_boot.check_bootargs(dom0_bootargs(bootargs))
    return linux_boot.plan_boot(kernel_path, dtb_path, spec.mem_size, initrd_path, bootargs,
                                ram_base=spec.mem_base, dtb_writer=dom0_dtb_writer(spec))


# -- the domain ---------------------------------------------------------------------------


def dom0_mmio_regions() -> List[Tuple[str, int, int, bool]]:
    """(name, base, size, device) of what dom0 gets mapped 1:1 in stage 2:
    every board region but DRAM and the GIC (RAM-like regions as normal
    memory, devices as device memory)."""
    return [(r.name, r.base, r.size, r.kind != "ram") for r in MEMORY_MAP
            if r.name not in ("dram", "gic")]


def build_dom0(hv, plan: linux_boot.BootPlan, spec: Dom0Spec):
    """Create dom0 in `hv` from a plan: its RAM loaded, its stage 2 built,
    vCPU0 started at the kernel's entry.  The domain."""
    machine = hv.machine
    mem = machine.mem
    for off, data in plan.kernel.segments:
        mem.write(spec.mem_base + off, data)
    if plan.initrd is not None:
        mem.write(plan.initrd_addr, plan.initrd)
    mem.write(plan.dtb_addr, plan.dtb)
    dom0 = hv.create_domain(0, [(spec.mem_base, spec.mem_base, spec.mem_size)], spec.vcpus)
    for _name, base, size, device in dom0_mmio_regions():
        dom0.p2m.map(base, base, size, writable=True, executable=not device, device=device)
    hv.start_vcpu(dom0.vcpus[0], plan.entry, r0=0, r1=0xFFFFFFFF, r2=plan.dtb_addr)
    return dom0
