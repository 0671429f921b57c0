"""PL031 RTC register map (ARM DDI 0224): epoch plus virtual seconds."""

import pytest

from pyxen15.board_vexpress.pl031 import PL031

DR, MR, LR, CR, IMSC, RIS, MIS, ICR = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C
EPOCH = 1700000000


@pytest.fixture
def rtc(vtime, line):
    return PL031("rtc", vtime.events, EPOCH, line)


class TestPL031:
    def test_counts_seconds_from_the_epoch(self, rtc, vtime):
        assert rtc.read(DR, 4) == EPOCH
        vtime.advance(2.5)
        assert rtc.read(DR, 4) == EPOCH + 2
        assert rtc.read(CR, 4) == 1

    def test_load_sets_the_count_and_reads_back(self, rtc, vtime):
        rtc.write(LR, 4, 1000)
        vtime.advance(3)
        assert rtc.read(DR, 4) == 1003 and rtc.read(LR, 4) == 1000

    def test_match_raises_the_interrupt_when_unmasked(self, rtc, vtime, line):
        rtc.write(MR, 4, EPOCH + 5)
        vtime.advance(4.9)
        assert rtc.read(RIS, 4) == 0
        vtime.advance(0.2)
        assert rtc.read(RIS, 4) == 1 and rtc.read(MIS, 4) == 0 and not line.level
        rtc.write(IMSC, 4, 1)
        assert line.level and rtc.read(MIS, 4) == 1
        rtc.write(ICR, 4, 1)
        assert not line.level and rtc.read(RIS, 4) == 0

    def test_the_start_bit_cannot_be_cleared(self, rtc):
        rtc.write(CR, 4, 0)
        assert rtc.read(CR, 4) == 1

    def test_the_count_wraps_at_32_bits(self, vtime):
        rtc = PL031("rtc", vtime.events, 0xFFFFFFFF)
        vtime.advance(1)
        assert rtc.read(DR, 4) == 0

    def test_primecell_ids_say_pl031(self, rtc):
        assert [rtc.read(0xFE0 + 4 * i, 4) for i in range(4)] == [0x31, 0x10, 0x14, 0x00]
