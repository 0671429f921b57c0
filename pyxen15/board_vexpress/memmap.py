"""The V2P-CA15 memory map ("RS1" map of the Cortex-A15 CoreTile, as in the
vexpress-v2p-ca15-tc1 device tree), as far as pyxen15 models it."""

RAM_BASE = 0x80000000
DEFAULT_RAM_SIZE = 512 << 20
MAX_RAM_SIZE = 2 << 30

# name: (base, size)
DEVICES = {
    "uart0": (0x1C090000, 0x1000),      # PL011, console
}
