"""pyxen15: a cycle-approximate Cortex-A15 (ARMv7-A + Virtualization Extensions)
emulator on a modelled Versatile Express V2P-CA15 board, in pure Python."""

__version__ = "0.1.0"
