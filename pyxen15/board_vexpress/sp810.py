"""ARM PrimeCell SP810 system controller at 0x1C020000 (ARM DDI 0254).

On the V2M-P1 it does one job a guest sees: SCCTRL's TimerEn<n>Sel bits
(15, 17, 19, 21) choose the clock of the SP804 timers' enables, the
32.768 kHz REFCLK (0, the reset value) or the 1 MHz TIMCLK (1).  Linux's
clk-sp810 driver sets them to TIMCLK from the DTB's assigned-clock-parents.
The other registers are storage: mode control, the PLL and crystal
controls, the peripheral clock enables and the system identification.
"""

from .regmap import Reg, RegisterDevice, primecell_id_regs

REFCLK_HZ = 32768
TIMCLK_HZ = 1000000


class SP810(RegisterDevice):
    REGS = [
        Reg(0x000, "SCCTRL"),
        Reg(0x004, "SCSYSSTAT", "RW"),
        Reg(0x008, "SCIMCTRL", "RW", 0, 0xFF),
        Reg(0x00C, "SCIMSTAT", "RW", 0, 0x1),
        Reg(0x010, "SCXTALCTRL", "RW", 0, 0x7FFFF),
        Reg(0x014, "SCPLLCTRL", "RW", 0, 0x1FFFFFFF),
        Reg(0x018, "SCPLLFCTRL"),
        Reg(0x01C, "SCPERCTRL0"),
        Reg(0x020, "SCPERCTRL1"),
        Reg(0x024, "SCPEREN", "WO"),
        Reg(0x028, "SCPERDIS", "WO"),
        Reg(0x02C, "SCPERCLKEN", "RO", 0xFFFFFFFF),
        Reg(0x030, "SCPERSTAT", "RO"),
        Reg(0xEE0, "SCSYSID0", "RO"),
        Reg(0xEE4, "SCSYSID1", "RO"),
        Reg(0xEE8, "SCSYSID2", "RO"),
        Reg(0xEEC, "SCSYSID3", "RO"),
    ] + primecell_id_regs(part=0x810, revision=0)

    def timer_clock_hz(self, n: int) -> int:
        """The clock of timer enable `n` (0-3): timers 0/1 are the first SP804's."""
        return TIMCLK_HZ if self.regs["SCCTRL"] >> (15 + 2 * n) & 1 else REFCLK_HZ

    def write_scperen(self, value: int) -> None:
        self.regs["SCPERCLKEN"] |= value

    def write_scperdis(self, value: int) -> None:
        self.regs["SCPERCLKEN"] &= ~value
