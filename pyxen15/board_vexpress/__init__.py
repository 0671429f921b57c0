"""The Versatile Express V2P-CA15 board: memory map, devices, boot loaders."""
