"""The encoding-table machinery: parsing, field assembly, overlap checks."""

import pytest

from pyxen15.cpu.decodetree import Decoder, TableError, parse_table

LEGEND = {"c": "cond", "n": "rn", "d": "rd", "i": "imm"}


def table(text):
    return parse_table(text, LEGEND, 16, "test")


def test_fields_with_one_letter_concatenate_msb_first():
    (p,) = table("SPLIT  i000 0000 iiii 00ii")
    assert p.extract(0b1000_0000_1010_0011) == {"imm": 0b1_1010_11}


def test_special_case_wins_over_general_pattern():
    pats = table("""
GENERAL  0001 nnnn dddd iiii
SPECIAL  0001 1111 dddd iiii
""")
    dec = Decoder(pats)
    assert dec.lookup(0x1F23).name == "SPECIAL"
    assert dec.lookup(0x1E23).name == "GENERAL"
    assert dec.lookup(0x2000) is None


def test_ambiguous_overlap_is_reported_with_both_lines():
    pats = table("""
A  0001 0000 ---- iiii
B  0001 ---- 1111 iiii
""")
    with pytest.raises(TableError) as err:
        Decoder(pats)
    assert "test:2" in str(err.value) and "test:3" in str(err.value)


def test_duplicate_encoding_is_reported():
    with pytest.raises(TableError, match="duplicate"):
        Decoder(table("A  0001 nnnn dddd iiii\nB  0001 iiii dddd nnnn"))


@pytest.mark.parametrize("line, message", [
    ("SHORT  0001 nnnn dddd iii", "15 bits"),
    ("BADLETTER  0001 qqqq dddd iiii", "unknown field letter"),
])
def test_malformed_lines_are_rejected(line, message):
    with pytest.raises(TableError, match=message):
        table(line)


def test_real_tables_build_and_have_no_ambiguity():
    from pyxen15.cpu import decode
    for isa, dec in decode.DECODERS.items():
        assert dec.patterns, isa
