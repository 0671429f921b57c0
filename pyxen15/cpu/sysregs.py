"""System control registers (CP15), as far as the core needs them so far.

The full CP15 table, with access rules and HYP traps, replaces this.
"""


class SysRegs:
    def __init__(self, core) -> None:
        self.core = core
        self.sctlr = 0x00C50078      # Cortex-A15 reset value: MMU, caches off
        self.vbar = 0
        self.ttbcr = 0
        self.dfsr = self.ifsr = self.dfar = self.ifar = 0
        self.hcr = 0
        self.hsr = 0
        self.hsctlr = 0x30C50838
        self.hvbar = 0
        self.hdfar = self.hifar = self.hpfar = 0
