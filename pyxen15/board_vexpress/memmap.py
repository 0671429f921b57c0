"""The V2P-CA15 memory map: the Cortex-A15 CoreTile on the V2M-P1
motherboard, in the motherboard's "Cortex-A Series" (RS1) map, as Debian's
``vexpress-v2p-ca15-tc1.dtb`` describes it (and QEMU's vexpress-a15 maps it).

One row per region: name, base, size, the device model (:mod:`.board`
builds each kind), the interrupt it raises as a GIC SPI number (the DTB's
``<0 n 4>``; motherboard interrupt n is SPI n through the motherboard
bus's interrupt-map, GIC INTID 32 + n), and what is there.

Kinds: ``ram``; a modelled device (``v2m_sysregs``, ``sp810``, ``pl011``,
``sp804``, ``pl031``, ``sp805``); ``gic``, whose registers the GIC places
itself (pyxen15/gic, PERIPHBASE); ``stub``, an unmodelled device that reads
as zero, ignores writes and logs once; ``primecell_stub``, the same with
PrimeCell ID registers that no Linux driver matches, so the AMBA bus skips
it quietly.  An address in no row is an external abort (bus.BusError).
"""

from typing import NamedTuple, Optional

KiB, MiB = 1 << 10, 1 << 20

RAM_BASE = 0x80000000
DEFAULT_RAM_SIZE = 512 * MiB
MAX_RAM_SIZE = 2 << 30
PERIPHBASE = 0x2C000000        # the A15 MPCore private region: the GIC


class Region(NamedTuple):
    name: str
    base: int
    size: int
    kind: str
    spi: Optional[int]
    what: str


MEMORY_MAP = [Region(*row) for row in (
    # name       base        size        kind              SPI   what
    ("flash0",   0x08000000, 64 * MiB,  "stub",           None, "NOR flash 0 (CS0), CFI"),
    ("flash1",   0x0C000000, 64 * MiB,  "stub",           None, "NOR flash 1 (CS4)"),
    ("psram",    0x14000000, 32 * MiB,  "stub",           None, "PSRAM (CS1)"),
    ("vram",     0x18000000, 8 * MiB,   "ram",            None, "video RAM (CS2), the DTB's reserved-memory"),
    ("ethernet", 0x1A000000, 64 * KiB,  "stub",           15,   "SMSC LAN9118"),
    ("usb",      0x1B000000, 128 * KiB, "stub",           16,   "NXP ISP1761"),
    ("sysregs",  0x1C010000, 4 * KiB,   "v2m_sysregs",    None, "motherboard system registers"),
    ("sysctl",   0x1C020000, 4 * KiB,   "sp810",          None, "SP810 system controller"),
    ("i2c_pcie", 0x1C030000, 4 * KiB,   "stub",           None, "Versatile I2C (PCIe switch)"),
    ("aaci",     0x1C040000, 4 * KiB,   "primecell_stub", 11,   "PL041 audio"),
    ("mmci",     0x1C050000, 4 * KiB,   "primecell_stub", 9,    "PL180 MMC (SPIs 9 and 10)"),
    ("kmi0",     0x1C060000, 4 * KiB,   "primecell_stub", 12,   "PL050 keyboard"),
    ("kmi1",     0x1C070000, 4 * KiB,   "primecell_stub", 13,   "PL050 mouse"),
    ("uart0",    0x1C090000, 4 * KiB,   "pl011",          5,    "PL011 UART 0, the console"),
    ("uart1",    0x1C0A0000, 4 * KiB,   "pl011",          6,    "PL011 UART 1"),
    ("uart2",    0x1C0B0000, 4 * KiB,   "pl011",          7,    "PL011 UART 2"),
    ("uart3",    0x1C0C0000, 4 * KiB,   "pl011",          8,    "PL011 UART 3"),
    ("wdt",      0x1C0F0000, 4 * KiB,   "sp805",          0,    "SP805 watchdog"),
    ("timer01",  0x1C110000, 4 * KiB,   "sp804",          2,    "SP804 dual timer (timers 0, 1)"),
    ("timer23",  0x1C120000, 4 * KiB,   "sp804",          3,    "SP804 dual timer (timers 2, 3)"),
    ("i2c_dvi",  0x1C160000, 4 * KiB,   "stub",           None, "Versatile I2C (DVI transmitter)"),
    ("rtc",      0x1C170000, 4 * KiB,   "pl031",          4,    "PL031 real-time clock"),
    ("cf",       0x1C1A0000, 4 * KiB,   "stub",           None, "CompactFlash"),
    ("clcd",     0x1C1F0000, 4 * KiB,   "primecell_stub", 14,   "PL111 colour LCD"),
    ("hdlcd",    0x2B000000, 4 * KiB,   "stub",           85,   "HDLCD controller (tile)"),
    ("wdt_tile", 0x2B060000, 4 * KiB,   "primecell_stub", 98,   "SP805 watchdog (tile; disabled in the DTB)"),
    ("dmc",      0x2B0A0000, 4 * KiB,   "primecell_stub", None, "PL341 dynamic memory controller"),
    ("gic",      PERIPHBASE, 32 * KiB,  "gic",            None, "GIC-400: GICD +0x1000, GICC +0x2000, GICH +0x4000/+0x5000, GICV +0x6000"),
    ("sram",     0x2E000000, 64 * KiB,  "ram",            None, "system SRAM (tile)"),
    ("dma",      0x7FFB0000, 4 * KiB,   "primecell_stub", 92,   "PL330 DMA controller (SPIs 88-92)"),
    ("smc",      0x7FFD0000, 4 * KiB,   "primecell_stub", 86,   "PL354 static memory controller (SPIs 86, 87)"),
    ("dram",     RAM_BASE,   None,      "ram",            None, "DRAM: --mem bytes, at most 2 GiB"),
)]

BY_NAME = {r.name: r for r in MEMORY_MAP}
