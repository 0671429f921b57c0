"""The register-map machinery every device shares (board_vexpress/regmap.py)."""

from pyxen15.board_vexpress.regmap import (PRIMECELL_CID, Reg, RegisterDevice, Unmodelled,
                                           primecell_id_regs, unmatched_primecell_ids)


class Toy(RegisterDevice):
    REGS = [
        Reg(0x00, "DATA", "RW", 0x1234, 0xFFFF),
        Reg(0x04, "STATUS", "RO", 0xA5),
        Reg(0x08, "KICK", "WO"),
        Reg(0x0C, "COUNT", "RO"),
    ] + primecell_id_regs(part=0x123, revision=2)

    def __init__(self):
        self.kicks = []
        RegisterDevice.__init__(self, "toy")

    def write_kick(self, value):
        self.kicks.append(value)

    def read_count(self):
        return len(self.kicks)


class TestRegisterMap:
    def test_storage_rows_reset_and_keep_their_write_mask(self):
        t = Toy()
        assert t.read(0x00, 4) == 0x1234
        t.write(0x00, 4, 0xDEADBEEF)
        assert t.read(0x00, 4) == 0xBEEF

    def test_a_write_to_a_read_only_row_is_ignored(self):
        t = Toy()
        t.write(0x04, 4, 0)
        assert t.read(0x04, 4) == 0xA5

    def test_a_write_only_row_reads_as_zero_and_its_write_runs_the_method(self):
        t = Toy()
        t.write(0x08, 4, 7)
        assert t.read(0x08, 4) == 0 and t.kicks == [7]
        assert t.read(0x0C, 4) == 1

    def test_reserved_offsets_read_as_zero_and_ignore_writes(self):
        t = Toy()
        t.write(0x40, 4, 0xFFFFFFFF)
        assert t.read(0x40, 4) == 0

    def test_narrow_accesses_see_the_bytes_of_their_word(self):
        t = Toy()
        t.write(0x00, 4, 0xABCD)
        assert t.read(0x00, 2) == 0xABCD
        assert t.read(0x01, 1) == 0xAB
        t.write(0x01, 1, 0x12)
        assert t.read(0x00, 4) == 0x12CD

    def test_reset_restores_every_storage_row(self):
        t = Toy()
        t.write(0x00, 4, 1)
        t.reset()
        assert t.read(0x00, 4) == 0x1234

    def test_primecell_ids_spell_part_designer_revision_and_the_component_id(self):
        t = Toy()
        pid = sum(t.read(0xFE0 + 4 * i, 4) << (8 * i) for i in range(4))
        cid = sum(t.read(0xFF0 + 4 * i, 4) << (8 * i) for i in range(4))
        assert pid == 0x00241123 and cid == PRIMECELL_CID


class TestUnmodelled:
    def test_reads_zero_and_ignores_writes(self):
        u = Unmodelled("flash0", 0x1000)
        u.write(0x10, 4, 0xFFFFFFFF)
        assert u.read(0x10, 4) == 0 and u.read(0xFE0, 4) == 0

    def test_a_primecell_stub_has_a_valid_component_id_and_an_unmatched_part(self):
        u = Unmodelled("aaci", 0x1000, unmatched_primecell_ids())
        pid = sum(u.read(0xFE0 + 4 * i, 4) << (8 * i) for i in range(4))
        cid = sum(u.read(0xFF0 + 4 * i, 4) << (8 * i) for i in range(4))
        assert cid == PRIMECELL_CID
        assert pid & 0xFFF == 0xFFF and pid != 0   # nonzero: Linux's AMBA bus would defer a zero forever
