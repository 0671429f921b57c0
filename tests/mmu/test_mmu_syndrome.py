"""cpu/syndrome.py: every HSR layout encodes and decodes by its field names."""

import pytest

from pyxen15.cpu import syndrome as S
from pyxen15.mmu_lpae import faults as F


def test_the_dabt_of_the_style_guide():
    syn = S.Dabt(ec=S.EC_DABT_LOWER, isv=1, sas=2, srt=3, wnr=0, dfsc=0x07)
    assert syn.value == 0x93830007
    back = S.decode(0x93830007)
    assert isinstance(back, S.Dabt) and (back.isv, back.sas, back.srt, back.dfsc) == (1, 2, 3, 7)


@pytest.mark.parametrize("cls, ec, fields", [
    (S.Mcr, S.EC_MCR_MRC_CP15, dict(cv=1, cond=0xE, opc2=5, opc1=4, crn=1, rt=7, crm=1, direction=1)),
    (S.Mcrr, S.EC_MCRR_MRRC_CP15, dict(cv=1, cond=0xE, opc1=6, rt2=3, rt=2, crm=2)),
    (S.WfiWfe, S.EC_WFI_WFE, dict(cv=1, cond=0xE, ti=1)),
    (S.Call, S.EC_HVC, dict(imm16=0xEA1)),
    (S.Iabt, S.EC_PABT_LOWER, dict(ea=1, s1ptw=1, ifsc=0x10)),
    (S.Hcptr, S.EC_HCPTR, dict(cv=1, cond=0xE, coproc=10)),
])
def test_encode_then_decode_gives_the_same_fields(cls, ec, fields):
    value = cls(ec=ec, **fields).value
    back = S.decode(value)
    assert type(back) is cls and back.ec == ec
    for name, v in fields.items():
        assert getattr(back, name) == v


def test_an_unknown_field_name_is_refused():
    with pytest.raises(TypeError):
        S.Dabt(isv=1, size=2)


@pytest.mark.parametrize("kind, level, short, long_", [
    (F.TRANSLATION, 1, 0b00101, 0b000101), (F.TRANSLATION, 2, 0b00111, 0b000110),
    (F.ACCESS_FLAG, 1, 0b00011, 0b001001), (F.ACCESS_FLAG, 2, 0b00110, 0b001010),
    (F.DOMAIN, 1, 0b01001, 0b111101), (F.DOMAIN, 2, 0b01011, 0b111110),
    (F.PERMISSION, 1, 0b01101, 0b001101), (F.PERMISSION, 3, 0b01111, 0b001111),
    (F.EXTERNAL_WALK, 1, 0b01100, 0b010101), (F.EXTERNAL_WALK, 2, 0b01110, 0b010110),
    (F.EXTERNAL, 0, 0b01000, 0b010000), (F.ALIGNMENT, 0, 0b00001, 0b100001),
])
def test_fault_status_codes_in_both_formats(kind, level, short, long_):
    fault = F.Fault(kind, 0, level=level)
    assert S.short_fs(fault) == short and S.long_fsc(fault) == long_
