"""The V2M-P1 motherboard's system registers at 0x1C010000 (ARM DUI 0447,
"Register summary" of the V2M-P1 TRM; as QEMU's arm_sysctl models them
for vexpress-a15).

What a guest finds here: the board's identity (SYS_ID, SYS_PROCID0/1 of
the daughterboards), the user switches and LEDs, two free-running counters
(SYS_100HZ and SYS_24MHZ, from virtual time), the SYS_FLAGS register that
the boot firmware's secondary-core pen polls for a start address, and the
serial configuration bus to the motherboard's and daughterboard's
microcontrollers: a guest writes SYS_CFGDATA (for a write), then
SYS_CFGCTRL with the start bit, and polls SYS_CFGSTAT for COMPLETE (and
ERROR).  SYS_CFGCTRL packs::

    [31] START   [30] WRITE   [29:26] DCC   [25:20] FUNCTION
    [19:18] reserved   [17:16] SITE (0 motherboard, 1/2 daughterboard)
    [15:12] POSITION   [11:0] DEVICE

Linux reads the oscillators (OSC: the UART's 24 MHz reference among them),
voltages (VOLT) and temperatures (TEMP) this way, and powers the board off
(SHUTDOWN) or resets it (REBOOT).  The values are those of the board's TRMs
and QEMU's model: :data:`CONFIG` is the table.
"""

from typing import Callable, Dict, Optional, Tuple

from .regmap import Reg, RegisterDevice

# SYS_ID: revision 1, HBI-0190 (the V2M-P1), build F, AXI bus (5), FPGA 0.
SYS_ID_V2M_P1 = 0x1190F500
# SYS_PROCID0: the CoreTile Express A15x2 (HBI-0237) in site 1; no site 2 tile.
SYS_PROCID_CA15 = 0x14000237
SYS_PROCID_NONE = 0xFF000000

CFGCTRL_START = 1 << 31
CFGCTRL_WRITE = 1 << 30
CFGSTAT_COMPLETE = 1 << 0
CFGSTAT_ERROR = 1 << 1

SITE_MB, SITE_DB1, SITE_DB2 = 0, 1, 2

# SYS_CFGCTRL functions (V2M-P1 TRM, "SYS_CFGCTRL Register").
FN_OSC, FN_VOLT, FN_AMP, FN_TEMP, FN_RESET, FN_SCC = 1, 2, 3, 4, 5, 6
FN_MUXFPGA, FN_SHUTDOWN, FN_REBOOT, FN_DVIMODE, FN_POWER, FN_ENERGY = 7, 8, 9, 11, 12, 13

# (function, site, device): reset value.  Oscillators in Hz, voltages in
# microvolts, temperatures in microdegrees Celsius.  Writable: the
# oscillators (Linux may set a CLCD pixel clock) and the write-only
# control functions below.
CONFIG: Dict[Tuple[int, int, int], int] = {
    (FN_OSC, SITE_MB, 0): 50000000,      # OSCCLK0: static memory clock
    (FN_OSC, SITE_MB, 1): 23750000,      # OSCCLK1: CLCD pixel clock
    (FN_OSC, SITE_MB, 2): 24000000,      # OSCCLK2: peripheral clock (the UARTs)
    (FN_OSC, SITE_MB, 3): 24000000,
    (FN_OSC, SITE_MB, 4): 24000000,      # system bus global clock
    (FN_OSC, SITE_MB, 5): 24000000,
    (FN_OSC, SITE_DB1, 0): 60000000,     # CPU_CLK reference
    (FN_OSC, SITE_DB1, 4): 40000000,     # external AXI master clock
    (FN_OSC, SITE_DB1, 5): 23750000,     # HDLCD PLL reference
    (FN_OSC, SITE_DB1, 6): 50000000,     # static memory controller clock
    (FN_OSC, SITE_DB1, 7): 60000000,     # SYSCLK reference
    (FN_OSC, SITE_DB1, 8): 40000000,     # DDR2 PLL reference
    (FN_VOLT, SITE_MB, 0): 3300000,      # VIO, the mother/daughterboard bus
    (FN_VOLT, SITE_DB1, 0): 900000,      # Vcore
    (FN_TEMP, SITE_MB, 0): 35000000,     # the MCC
    (FN_TEMP, SITE_DB1, 0): 40000000,    # the daughterboard controller
}
WRITABLE_FUNCTIONS = {FN_OSC}
# Functions a write starts; the machine acts on SHUTDOWN and REBOOT.
CONTROL_FUNCTIONS = {(FN_MUXFPGA, SITE_MB), (FN_DVIMODE, SITE_MB), (FN_RESET, SITE_MB),
                     (FN_SHUTDOWN, SITE_MB), (FN_REBOOT, SITE_MB)}

Ticks = Callable[[int], int]        # a counter at hz: its value now


class V2MSysRegs(RegisterDevice):
    """``power(what)`` is called with "shutdown" or "reboot"; ``ticks(hz)`` is
    the value of a counter at `hz` (events.Events.ticks)."""

    REGS = [
        Reg(0x000, "SYS_ID", "RO", SYS_ID_V2M_P1),
        Reg(0x004, "SYS_SW", "RW", 0, 0xFF),
        Reg(0x008, "SYS_LED", "RW", 0, 0xFF),
        Reg(0x024, "SYS_100HZ", "RO"),
        Reg(0x030, "SYS_FLAGS"),              # reads the flags, a write sets bits (SYS_FLAGSSET)
        Reg(0x034, "SYS_FLAGSCLR", "WO"),
        Reg(0x038, "SYS_NVFLAGS"),            # ditto, kept over a reboot
        Reg(0x03C, "SYS_NVFLAGSCLR", "WO"),
        Reg(0x048, "SYS_MCI", "RO"),          # no MMC card: card detect and write protect clear
        Reg(0x04C, "SYS_FLASH", "RW", 0, 0x1),
        Reg(0x058, "SYS_CFGSW", "RW", 0, 0xFF),
        Reg(0x05C, "SYS_24MHZ", "RO"),
        Reg(0x060, "SYS_MISC", "RO"),         # MASTERSITE [14] = 0: site 1 is the master
        Reg(0x064, "SYS_DMA", "RW"),
        Reg(0x084, "SYS_PROCID0", "RO", SYS_PROCID_CA15),
        Reg(0x088, "SYS_PROCID1", "RO", SYS_PROCID_NONE),
        Reg(0x0A0, "SYS_CFGDATA"),
        Reg(0x0A4, "SYS_CFGCTRL", "RW", 0, ~(CFGCTRL_START | 3 << 18) & 0xFFFFFFFF),
        Reg(0x0A8, "SYS_CFGSTAT", "RW", 0, CFGSTAT_COMPLETE | CFGSTAT_ERROR),
    ]

    def __init__(self, name: str, ticks: Ticks, power: Optional[Callable[[str], None]] = None):
        self.ticks = ticks
        self.power = power or (lambda what: None)
        self.config: Dict[Tuple[int, int, int], int] = {}
        self.nvflags = 0
        RegisterDevice.__init__(self, name)

    def reset(self) -> None:
        RegisterDevice.reset(self)
        self.regs["SYS_NVFLAGS"] = self.nvflags
        self.config = dict(CONFIG)

    @property
    def flags(self) -> int:
        """SYS_FLAGS: where the firmware's pen sends a released secondary core."""
        return self.regs["SYS_FLAGS"]

    # -- counters ------------------------------------------------------------------

    def read_sys_100hz(self) -> int:
        return self.ticks(100) & 0xFFFFFFFF

    def read_sys_24mhz(self) -> int:
        return self.ticks(24000000) & 0xFFFFFFFF

    # -- set/clear pairs -------------------------------------------------------------

    def write_sys_flags(self, value: int) -> None:
        self.regs["SYS_FLAGS"] |= value

    def write_sys_flagsclr(self, value: int) -> None:
        self.regs["SYS_FLAGS"] &= ~value

    def write_sys_nvflags(self, value: int) -> None:
        self.nvflags = self.regs["SYS_NVFLAGS"] = self.regs["SYS_NVFLAGS"] | value

    def write_sys_nvflagsclr(self, value: int) -> None:
        self.nvflags = self.regs["SYS_NVFLAGS"] = self.regs["SYS_NVFLAGS"] & ~value

    # -- the configuration bus -----------------------------------------------------------

    def write_sys_cfgctrl(self, value: int) -> None:
        self.regs["SYS_CFGCTRL"] = value & ~(CFGCTRL_START | 3 << 18) & 0xFFFFFFFF
        if value & CFGCTRL_START:
            ok = self._transfer(value)
            self.regs["SYS_CFGSTAT"] = CFGSTAT_COMPLETE | (0 if ok else CFGSTAT_ERROR)

    def _transfer(self, ctrl: int) -> bool:
        """One configuration transfer; False for a function/site/device the
        board does not have (the controller reports ERROR)."""
        dcc = (ctrl >> 26) & 0xF
        function = (ctrl >> 20) & 0x3F
        site = (ctrl >> 16) & 0x3
        position = (ctrl >> 12) & 0xF
        device = ctrl & 0xFFF
        if dcc != 0 or position != 0:
            self._once("config transfer to DCC %d position %d (error)" % (dcc, position))
            return False
        key = (function, site, device)
        if ctrl & CFGCTRL_WRITE:
            if (function, site) in CONTROL_FUNCTIONS and device == 0:
                if function == FN_SHUTDOWN:
                    self.power("shutdown")
                elif function == FN_REBOOT:
                    self.power("reboot")
                return True
            if function in WRITABLE_FUNCTIONS and key in self.config:
                self.config[key] = self.regs["SYS_CFGDATA"]
                return True
        elif key in self.config:
            self.regs["SYS_CFGDATA"] = self.config[key]
            return True
        self._once("config %s of function %d site %d device %d (error)"
                   % ("write" if ctrl & CFGCTRL_WRITE else "read", function, site, device))
        return False
