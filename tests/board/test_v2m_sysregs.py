"""The V2M-P1 motherboard system registers (V2M-P1 TRM register summary;
values as QEMU's vexpress-a15 reports them)."""

import pytest

from pyxen15.board_vexpress.v2m_sysregs import V2MSysRegs

SYS_ID, SYS_SW, SYS_LED, SYS_100HZ = 0x00, 0x04, 0x08, 0x24
SYS_FLAGS, SYS_FLAGSCLR, SYS_NVFLAGS, SYS_NVFLAGSCLR = 0x30, 0x34, 0x38, 0x3C
SYS_24MHZ, SYS_MISC, SYS_PROCID0, SYS_PROCID1 = 0x5C, 0x60, 0x84, 0x88
SYS_CFGDATA, SYS_CFGCTRL, SYS_CFGSTAT = 0xA0, 0xA4, 0xA8

START, WRITE = 1 << 31, 1 << 30


def cfg(function, site, device, write=False):
    return START | (WRITE if write else 0) | function << 20 | site << 16 | device


@pytest.fixture
def sysregs(vtime):
    power = []
    dev = V2MSysRegs("sysregs", vtime.events.ticks, power.append)
    dev.power_calls = power
    return dev


class TestV2MSysRegs:
    def test_identity_of_the_board_and_the_a15_tile(self, sysregs):
        assert sysregs.read(SYS_ID, 4) == 0x1190F500
        assert sysregs.read(SYS_PROCID0, 4) == 0x14000237
        assert sysregs.read(SYS_PROCID1, 4) == 0xFF000000
        assert sysregs.read(SYS_MISC, 4) & (1 << 14) == 0     # site 1 is the master

    def test_leds_and_switches_keep_eight_bits(self, sysregs):
        sysregs.write(SYS_LED, 4, 0x1FF)
        sysregs.write(SYS_SW, 4, 0x3A5)
        assert sysregs.read(SYS_LED, 4) == 0xFF and sysregs.read(SYS_SW, 4) == 0xA5

    def test_counters_run_from_virtual_time(self, sysregs, vtime):
        assert sysregs.read(SYS_24MHZ, 4) == 0 and sysregs.read(SYS_100HZ, 4) == 0
        vtime.advance(0.25)
        assert sysregs.read(SYS_24MHZ, 4) == 6000000
        assert sysregs.read(SYS_100HZ, 4) == 25

    def test_flags_set_and_clear_for_the_secondary_pen(self, sysregs):
        sysregs.write(SYS_FLAGS, 4, 0x80208000)
        sysregs.write(SYS_FLAGS, 4, 0x1)
        assert sysregs.read(SYS_FLAGS, 4) == 0x80208001 and sysregs.flags == 0x80208001
        sysregs.write(SYS_FLAGSCLR, 4, 0xFFFFFFFF)
        assert sysregs.read(SYS_FLAGS, 4) == 0 and sysregs.read(SYS_FLAGSCLR, 4) == 0

    def test_nvflags_survive_a_reset_and_flags_do_not(self, sysregs):
        sysregs.write(SYS_FLAGS, 4, 5)
        sysregs.write(SYS_NVFLAGS, 4, 6)
        sysregs.write(SYS_NVFLAGSCLR, 4, 2)
        sysregs.reset()
        assert sysregs.read(SYS_FLAGS, 4) == 0 and sysregs.read(SYS_NVFLAGS, 4) == 4

    @pytest.mark.parametrize("function, site, device, value", [
        (1, 0, 2, 24000000),      # OSCCLK2: the UARTs' reference clock
        (1, 0, 1, 23750000),      # OSCCLK1: the CLCD clock
        (1, 1, 0, 60000000),      # tile OSCCLK0: CPU reference
        (1, 1, 6, 50000000),      # tile OSCCLK6: the static memory controller's apb_pclk
        (2, 0, 0, 3300000),       # VIO
        (2, 1, 0, 900000),        # Vcore
        (4, 1, 0, 40000000),      # tile temperature, microdegrees
    ])
    def test_config_bus_reads(self, sysregs, function, site, device, value):
        sysregs.write(SYS_CFGSTAT, 4, 0)
        sysregs.write(SYS_CFGCTRL, 4, cfg(function, site, device))
        assert sysregs.read(SYS_CFGSTAT, 4) == 1                # COMPLETE, no ERROR
        assert sysregs.read(SYS_CFGDATA, 4) == value
        assert sysregs.read(SYS_CFGCTRL, 4) & START == 0        # the start bit reads as zero

    def test_an_oscillator_write_is_read_back(self, sysregs):
        sysregs.write(SYS_CFGDATA, 4, 25175000)
        sysregs.write(SYS_CFGCTRL, 4, cfg(1, 0, 1, write=True))
        sysregs.write(SYS_CFGCTRL, 4, cfg(1, 0, 1))
        assert sysregs.read(SYS_CFGDATA, 4) == 25175000

    @pytest.mark.parametrize("ctrl", [cfg(1, 0, 9), cfg(2, 1, 3), cfg(3, 2, 0), cfg(2, 0, 0, write=True),
                                      cfg(1, 0, 2) | 1 << 26])
    def test_a_transfer_to_nothing_reports_error(self, sysregs, ctrl):
        sysregs.write(SYS_CFGCTRL, 4, ctrl)
        assert sysregs.read(SYS_CFGSTAT, 4) == 3                # COMPLETE | ERROR

    def test_shutdown_and_reboot_reach_the_machine(self, sysregs):
        sysregs.write(SYS_CFGCTRL, 4, cfg(8, 0, 0, write=True))
        sysregs.write(SYS_CFGCTRL, 4, cfg(9, 0, 0, write=True))
        assert sysregs.power_calls == ["shutdown", "reboot"]
        assert sysregs.read(SYS_CFGSTAT, 4) == 1

    def test_identity_is_read_only(self, sysregs):
        sysregs.write(SYS_ID, 4, 0)
        sysregs.write(SYS_24MHZ, 4, 0x1234)
        assert sysregs.read(SYS_ID, 4) == 0x1190F500 and sysregs.read(SYS_24MHZ, 4) == 0
