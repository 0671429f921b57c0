"""dom0's device tree and boot plan (pyxen15/hyp/domain_build.py), as Xen's
domain_build makes them: each node parsed back with fdt.py and checked,
the blob read by dtc (the reference reader), the kernel, initrd and DTB
placed as the native boot places them."""

import struct
import subprocess

import pytest

from pyxen15 import fdt
from pyxen15.board_vexpress import linux_boot
from pyxen15.errors import PyxenError
from pyxen15.hyp import domain_build as db

MiB = 1 << 20

# A host tree with what domain_build must keep, hide and regenerate: the
# GIC with its four regions and maintenance PPI, the timer with the
# hypervisor timer's PPI, a PMU, a host /psci, a device behind an
# interrupt nexus (its one-cell interrupts are not GIC specifiers), a
# device using a PPI, firmware /chosen properties and a reservation.
HOST_DTS = """/dts-v1/;
/memreserve/ 0x9f000000 0x1000;
/ {
    #address-cells = <2>;
    #size-cells = <2>;
    interrupt-parent = <&gic>;
    compatible = "arm,vexpress,v2p-ca15,tc1", "arm,vexpress";
    chosen {
        bootargs = "firmware's";
        stdout-path = "serial0:38400n8";
        xen,xen-bootargs = "dom0_mem=128M";
        linux,initrd-start = <0 0x90000000>;
        linux,initrd-end = <0 0x90100000>;
        linux,uefi-system-table = <0 0>;
    };
    aliases { serial0 = "/bus@8000000/serial@1c090000"; };
    cpus {
        #address-cells = <1>;
        #size-cells = <0>;
        cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a15"; reg = <0>; };
        cpu@1 { device_type = "cpu"; compatible = "arm,cortex-a15"; reg = <1>; };
    };
    memory@80000000 { device_type = "memory"; reg = <0 0x80000000 0 0x40000000>; };
    psci { compatible = "arm,psci"; method = "smc"; cpu_on = <0x84000003>; };
    bus@8000000 {
        compatible = "simple-bus";
        #address-cells = <1>;
        #size-cells = <1>;
        ranges = <0x8000000 0 0x8000000 0x18000000>;
        #interrupt-cells = <1>;
        interrupt-map-mask = <0 63>;
        interrupt-map = <0 1 &gic 0 1 4>, <0 5 &gic 0 5 4>;
        serial@1c090000 { compatible = "arm,pl011", "arm,primecell"; reg = <0x1c090000 0x1000>; interrupts = <5>; };
        fake@1c0a0000 { compatible = "test,fake"; reg = <0x1c0a0000 0x1000>; interrupts = <1>; };
    };
    gic: interrupt-controller@2c001000 {
        compatible = "arm,cortex-a15-gic", "arm,cortex-a9-gic";
        #interrupt-cells = <3>;
        #address-cells = <0>;
        interrupt-controller;
        reg = <0 0x2c001000 0 0x1000>, <0 0x2c002000 0 0x2000>, <0 0x2c004000 0 0x2000>, <0 0x2c006000 0 0x2000>;
        interrupts = <1 9 0xf04>;
    };
    timer {
        compatible = "arm,armv7-timer";
        interrupts = <1 13 0xf08>, <1 14 0xf08>, <1 11 0xf08>, <1 10 0xf08>;
        clock-frequency = <100000000>;
    };
    pmu { compatible = "arm,cortex-a15-pmu"; interrupts = <0 68 4>, <0 69 4>; };
    ppi-user@2b000000 { compatible = "test,ppi-user"; reg = <0 0x2b000000 0 0x1000>; interrupts = <1 7 0xf04>; };
    spi-user@2b060000 { compatible = "test,spi-user"; reg = <0 0x2b060000 0 0x1000>; interrupts = <0 98 4>; };
};
"""

SPEC = db.Dom0Spec(0x80000000, 256 * MiB, 2)
INITRD = (0x88000000, 0x88123456)


def dtc(*args, data=None) -> bytes:
    p = subprocess.run(["dtc", "-q"] + list(args), input=data, capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout


@pytest.fixture(scope="module")
def host_blob() -> bytes:
    return dtc("-I", "dts", "-O", "dtb", data=HOST_DTS.encode())


@pytest.fixture(scope="module")
def dom0(host_blob) -> fdt.DeviceTree:
    blob = fdt.build(db.dom0_device_tree(fdt.parse(host_blob), SPEC, "rdinit=/init", INITRD))
    return fdt.parse(blob)


def gic_phandle(tree) -> int:
    return tree.find("/interrupt-controller@2c001000").u32s("phandle")[0]


# -- the nodes the hypervisor makes ------------------------------------------------


def test_the_hypervisor_node_says_xen_4_17_as_xen_early_init_reads_it(dom0):
    node = dom0.find("/hypervisor")
    assert node is not None and node in dom0.root.children           # depth 1, named "hypervisor"
    assert node.strings("compatible") == ["xen,xen-4.17", "xen,xen"]
    raw = node.props["compatible"]
    assert raw.startswith(b"xen,xen-") and len(raw) > len("xen,xen-") + 3


def test_the_hypervisor_node_has_the_grant_window_and_the_event_ppi(dom0):
    node = dom0.find("/hypervisor")
    assert node.u32s("reg") == [0, db.GNTTAB_DOM0_BASE, 0, db.GNTTAB_DOM0_FRAMES << 12]
    assert db.GNTTAB_DOM0_FRAMES == 64
    # PPI 31 (INTID 31 = PPI number 15), level-low on every CPU; parent: the root's, the GIC
    assert node.u32s("interrupts") == [1, 15, 0xF08]
    assert "interrupt-parent" not in node.props
    assert dom0.root.u32s("interrupt-parent") == [gic_phandle(dom0)]


def test_the_grant_window_is_outside_ram_and_every_board_region():
    from pyxen15.board_vexpress.memmap import MEMORY_MAP, RAM_BASE, MAX_RAM_SIZE
    lo, hi = db.GNTTAB_DOM0_BASE, db.GNTTAB_DOM0_BASE + (db.GNTTAB_DOM0_FRAMES << 12)
    assert hi <= 1 << 32 and lo % 4096 == 0
    for r in MEMORY_MAP:
        base, size = r.base, r.size if r.size is not None else MAX_RAM_SIZE
        assert hi <= base or lo >= base + size, r.name
    assert hi <= RAM_BASE


def test_psci_is_over_hvc_with_xens_compatibles(dom0):
    nodes = [c for c in dom0.root.children if c.name.split("@")[0] == "psci"]
    assert len(nodes) == 1                                          # the host's smc one is gone
    psci = nodes[0]
    assert psci.strings("compatible") == ["arm,psci-1.0", "arm,psci-0.2", "arm,psci"]
    assert psci.string("method") == "hvc"
    assert psci.u32s("cpu_off") == [1] and psci.u32s("cpu_on") == [2]


def test_cpus_has_one_node_per_vcpu_with_the_vmpidr_affinity():
    host = fdt.parse(dtc("-I", "dts", "-O", "dtb", data=HOST_DTS.encode()))
    for vcpus in (1, 2, 4):
        tree = db.dom0_device_tree(host, SPEC._replace(vcpus=vcpus), None, None)
        cpus = tree.find("/cpus")
        assert cpus.u32s("#address-cells") == [1] and cpus.u32s("#size-cells") == [0]
        assert [c.name for c in cpus.children] == ["cpu@%x" % n for n in range(vcpus)]
        for n, cpu in enumerate(cpus.children):
            assert cpu.string("device_type") == "cpu"
            assert cpu.strings("compatible") == ["arm,cortex-a15"]
            assert cpu.u32s("reg") == [n]
            assert cpu.string("enable-method") == "psci"
    assert db.vmpidr_affinity(17) == 0x101


def test_memory_is_dom0s_bank_only(dom0):
    mem = [c for c in dom0.root.children if c.string("device_type") == "memory"]
    assert len(mem) == 1
    assert mem[0].name == "memory@80000000"
    assert mem[0].u32s("reg") == [0, 0x80000000, 0, 256 * MiB]


def test_chosen_has_dom0s_bootargs_and_initrd_and_nothing_for_the_firmware(dom0):
    chosen = dom0.find("/chosen")
    assert chosen.string("bootargs") == "console=hvc0 rdinit=/init"
    assert chosen.u32s("linux,initrd-start") == [0, INITRD[0]]
    assert chosen.u32s("linux,initrd-end") == [0, INITRD[1]]
    assert sorted(chosen.props) == ["bootargs", "linux,initrd-end", "linux,initrd-start"]


def test_chosen_without_an_initrd_has_no_initrd_range(host_blob):
    tree = db.dom0_device_tree(fdt.parse(host_blob), SPEC, "console=ttyAMA0", None)
    chosen = tree.find("/chosen")
    assert chosen.string("bootargs") == "console=ttyAMA0"
    assert "linux,initrd-start" not in chosen.props and "linux,initrd-end" not in chosen.props


def test_bootargs_get_console_hvc0_unless_they_name_a_console():
    assert db.dom0_bootargs(None) == "console=hvc0"
    assert db.dom0_bootargs("rdinit=/init quiet") == "console=hvc0 rdinit=/init quiet"
    assert db.dom0_bootargs("console=ttyAMA0 rdinit=/init") == "console=ttyAMA0 rdinit=/init"
    assert db.dom0_bootargs("earlycon=pl011,0x1c090000 console=hvc0") == "earlycon=pl011,0x1c090000 console=hvc0"


# -- the nodes regenerated in place ------------------------------------------------


def test_the_gic_node_keeps_gicd_and_gicc_only_and_no_maintenance_interrupt(dom0, host_blob):
    host_gic = fdt.parse(host_blob).find("/interrupt-controller@2c001000")
    gic = dom0.find("/interrupt-controller@2c001000")
    assert gic.u32s("reg") == [0, 0x2C001000, 0, 0x1000, 0, 0x2C002000, 0, 0x2000]
    assert gic.u32s("phandle") == host_gic.u32s("phandle")
    assert gic.strings("compatible") == ["arm,cortex-a15-gic", "arm,cortex-a9-gic"]
    assert gic.u32s("#interrupt-cells") == [3] and "interrupt-controller" in gic.props
    assert "interrupts" not in gic.props


def test_the_timer_node_has_the_three_guest_ppis_and_not_the_hypervisors(dom0):
    timer = dom0.find("/timer")
    assert timer.strings("compatible") == ["arm,armv7-timer"]
    assert timer.u32s("interrupts") == [1, 13, 0xF08, 1, 14, 0xF08, 1, 11, 0xF08]
    assert timer.u32s("interrupt-parent") == [gic_phandle(dom0)]
    assert timer.u32s("clock-frequency") == [100000000]


# -- hidden and kept ---------------------------------------------------------------


def test_the_pmu_and_ppi_users_are_hidden_and_devices_kept(dom0):
    names = [c.name for c in dom0.root.children]
    assert "pmu" not in names
    assert "ppi-user@2b000000" not in names
    assert "spi-user@2b060000" in names
    bus = dom0.find("/bus@8000000")
    # behind the interrupt nexus, <1> is an interrupt-map key, not a PPI
    assert [c.name for c in bus.children] == ["serial@1c090000", "fake@1c0a0000"]
    assert bus.props["interrupt-map"] == fdt.parse(dtc("-I", "dts", "-O", "dtb", data=HOST_DTS.encode())) \
        .find("/bus@8000000").props["interrupt-map"]
    assert dom0.find("/aliases").string("serial0") == "/bus@8000000/serial@1c090000"


def test_the_uart_the_hypervisor_keeps_is_hidden(host_blob):
    spec = SPEC._replace(hidden_paths=("/bus@8000000/serial@1c090000",))
    bus = db.dom0_device_tree(fdt.parse(host_blob), spec, None, None).find("/bus@8000000")
    assert [c.name for c in bus.children] == ["fake@1c0a0000"]


def test_the_reservation_block_is_not_copied_and_the_host_tree_is_unchanged(host_blob):
    host = fdt.parse(host_blob)
    before = fdt.build(host)
    tree = db.dom0_device_tree(host, SPEC, "x", INITRD)
    assert tree.reserved == []
    assert fdt.build(host) == before


def test_dtc_reads_the_blob_back_unchanged(dom0):
    blob = fdt.build(dom0)
    again = dtc("-I", "dtb", "-O", "dtb", data=blob)
    assert fdt.build(fdt.parse(again)) == blob


def test_a_host_tree_without_a_gic_is_one_clear_error():
    blob = dtc("-I", "dts", "-O", "dtb", data=b"/dts-v1/; / { #address-cells = <2>; #size-cells = <2>; };")
    with pytest.raises(PyxenError, match="no GICv2 node"):
        db.dom0_device_tree(fdt.parse(blob), SPEC, None, None)


def test_debians_dtb_becomes_a_dom0_tree(workload):
    with open(workload["dtb"], "rb") as f:
        host = fdt.parse(f.read())
    tree = fdt.parse(fdt.build(db.dom0_device_tree(host, SPEC, "rdinit=/init", INITRD)))
    assert tree.find("/hypervisor").strings("compatible")[0] == "xen,xen-4.17"
    assert tree.find("/pmu") is None
    assert tree.find("/timer").u32s("interrupts") == [1, 13, 0xF08, 1, 14, 0xF08, 1, 11, 0xF08]
    assert len(tree.find("/interrupt-controller@2c001000").u32s("reg")) == 8
    uart = tree.find("/bus@8000000/motherboard-bus@8000000/iofpga-bus@300000000/serial@90000")
    assert uart is not None and uart.u32s("interrupts") == [5]
    assert tree.find("/reserved-memory/vram@18000000") is not None


# -- the plan ----------------------------------------------------------------------------


def raw_kernel(tmp_path) -> str:
    from keystone import KS_ARCH_ARM, KS_MODE_ARM, Ks
    code, _ = Ks(KS_ARCH_ARM, KS_MODE_ARM).asm("mov r0, r0; sub r8, r8, #0x8000; b .")
    p = tmp_path / "Image"
    p.write_bytes(bytes(code) + bytes(0x4000))
    return str(p)


def test_the_kernel_initrd_and_dtb_go_where_the_native_boot_puts_them(tmp_path, host_blob):
    dtb = tmp_path / "host.dtb"
    dtb.write_bytes(host_blob)
    initrd = tmp_path / "initrd"
    initrd.write_bytes(b"070701" + bytes(5000))
    kernel = raw_kernel(tmp_path)
    native = linux_boot.plan_boot(kernel, str(dtb), SPEC.mem_size, str(initrd), "rdinit=/init")
    plan = db.plan_dom0(kernel, str(dtb), SPEC, str(initrd), "rdinit=/init")
    assert plan.entry == native.entry == 0x80008000
    assert plan.initrd_addr == native.initrd_addr
    assert plan.dtb_addr == native.dtb_addr
    assert plan.dtb_addr + len(plan.dtb) <= SPEC.mem_base + SPEC.mem_size
    tree = fdt.parse(plan.dtb)
    assert tree.find("/chosen").u32s("linux,initrd-start") == [0, plan.initrd_addr]
    assert tree.find("/chosen").u32s("linux,initrd-end") == [0, plan.initrd_addr + 5006]
    assert tree.find("/hypervisor") is not None
    assert struct.unpack(">I", plan.dtb[:4])[0] == fdt.FDT_MAGIC


def test_the_spec_leaves_the_hypervisor_its_ram_and_checks_the_vcpus():
    spec = db.dom0_spec(512 * MiB, None, 2, 2)
    assert spec == db.Dom0Spec(0x80000000, 512 * MiB - db.HYP_RESERVED_MEM, 2)
    assert db.dom0_spec(528 * MiB, 512 * MiB, 1, 2).mem_size == 512 * MiB
    with pytest.raises(PyxenError, match="--dom0-mem 512 MiB"):
        db.dom0_spec(512 * MiB, 512 * MiB, 1, 2)
    with pytest.raises(PyxenError, match="multiple of 2 MiB"):
        db.dom0_spec(512 * MiB, 100 * MiB + 4096, 1, 2)
    with pytest.raises(PyxenError, match="--dom0-mem 16 MiB"):
        db.dom0_spec(512 * MiB, 16 * MiB, 1, 2)
    with pytest.raises(PyxenError, match="--dom0-vcpus 3"):
        db.dom0_spec(512 * MiB, None, 3, 2)


def test_every_board_region_but_ram_and_the_gic_is_mapped_for_dom0():
    regions = {name: (base, size, device) for name, base, size, device in db.dom0_mmio_regions()}
    assert "dram" not in regions and "gic" not in regions
    assert regions["uart0"] == (0x1C090000, 0x1000, True)
    assert regions["vram"][2] is False and regions["sram"][2] is False
