"""The board's memory map against the real vexpress-v2p-ca15-tc1.dtb: every
device the DTB describes is a row of the table, at the same address, with
the same interrupt; the machine wires the table; unmapped addresses abort."""

import pytest

from pyxen15 import fdt
from pyxen15.board_vexpress.memmap import BY_NAME, MEMORY_MAP
from pyxen15.bus import BusError
from pyxen15.machine import Machine


def _cells(words, n):
    value = 0
    for w in words[:n]:
        value = value << 32 | w
    return value, words[n:]


def dtb_devices(tree):
    """(path, absolute base, size, first SPI or None) of every node with reg,
    translating through each bus's ranges."""
    out = []

    def visit(node, path, parents):
        # parents: list of (node) from the root down to node's parent
        reg = node.u32s("reg")
        if reg is not None and parents and node.string("device_type") not in ("memory", "cpu"):
            parent = parents[-1]
            ac, sc = (parent.u32s("#address-cells") or [2])[0], (parent.u32s("#size-cells") or [1])[0]
            if sc:
                words = reg
                addr, words = _cells(words, ac)
                size, words = _cells(words, sc)
                for i in range(len(parents) - 1, 0, -1):
                    addr = translate(parents[i], parents[i - 1], addr)
                    if addr is None:
                        break
                if addr is not None:
                    out.append((path, addr, size, spi(node, parents)))
        for c in node.children:
            visit(c, path.rstrip("/") + "/" + c.name, parents + [node])

    def translate(bus, parent, addr):
        ranges = bus.props.get("ranges")
        if ranges is None:
            return None
        if not ranges:
            return addr
        cac = (bus.u32s("#address-cells") or [2])[0]
        pac = (parent.u32s("#address-cells") or [2])[0]
        csc = (bus.u32s("#size-cells") or [1])[0]
        words = bus.u32s("ranges")
        while words:
            child, words = _cells(words, cac)
            par, words = _cells(words, pac)
            size, words = _cells(words, csc)
            if child <= addr < child + size:
                return par + addr - child
        return None

    def spi(node, parents):
        ints = node.u32s("interrupts")
        if not ints:
            return None
        if len(ints) >= 3 and ints[0] == 0:
            return ints[1]                    # <0 n flags> straight to the GIC
        if any(p.props.get("interrupt-map") for p in parents):
            return ints[0]                    # motherboard interrupt n is SPI n (interrupt-map)
        return None

    visit(tree.root, "/", [])
    return out


def row_at(addr, size):
    for r in MEMORY_MAP:
        end = r.base + (r.size if r.size is not None else 2 << 30)
        if r.base <= addr and addr + size <= end:
            return r
    return None


class TestMemoryMap:
    def test_rows_do_not_overlap(self):
        rows = sorted((r.base, r.base + (r.size or 1), r.name) for r in MEMORY_MAP)
        for (b0, e0, n0), (b1, e1, n1) in zip(rows, rows[1:]):
            assert e0 <= b1, (n0, n1)

    def test_every_dtb_device_is_a_row_with_its_interrupt(self, workload):
        with open(workload["dtb"], "rb") as f:
            tree = fdt.parse(f.read())
        devices = dtb_devices(tree)
        assert len(devices) >= 30
        for path, base, size, spi in devices:
            row = row_at(base, size)
            assert row is not None, "%s at 0x%08x is in no row" % (path, base)
            if spi is not None and row.kind != "gic":
                assert row.spi == spi, "%s: DTB SPI %d, table %r" % (path, spi, row.spi)

    def test_the_machine_maps_every_row(self):
        m = Machine(ram_size=16 << 20, rtc_base=0)
        for r in MEMORY_MAP:
            if r.kind != "gic":
                assert m.bus.find(r.base)[2] is m.board.devices[r.name]

    @pytest.mark.parametrize("addr", [0x00000000, 0x10000000, 0x1C080000, 0x1C100000, 0x20000000, 0x30000000])
    def test_unmapped_addresses_are_bus_errors(self, addr):
        m = Machine(ram_size=16 << 20, rtc_base=0)
        with pytest.raises(BusError):
            m.bus.read(addr, 4)

    def test_stubs_read_zero_and_primecell_stubs_skip_linux_drivers(self):
        m = Machine(ram_size=16 << 20, rtc_base=0)
        assert m.bus.read(BY_NAME["flash0"].base + 0x20, 4) == 0
        clcd = BY_NAME["clcd"].base
        m.bus.write(clcd, 4, 0xFFFFFFFF)
        assert m.bus.read(clcd, 4) == 0
        assert [m.bus.read(clcd + 0xFF0 + 4 * i, 4) for i in range(4)] == [0x0D, 0xF0, 0x05, 0xB1]

    def test_shutdown_through_the_config_bus_ends_the_run(self):
        m = Machine(ram_size=16 << 20, rtc_base=0)
        sysregs = BY_NAME["sysregs"].base
        m.bus.write(sysregs + 0xA4, 4, 1 << 31 | 1 << 30 | 8 << 20)
        assert m.cpu.stop_request is not None and m.cpu.stop_request.reason == "poweroff"
