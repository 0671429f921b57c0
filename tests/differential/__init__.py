"""Differential tests of the A32/T32 core against QEMU user mode (see README.md)."""
