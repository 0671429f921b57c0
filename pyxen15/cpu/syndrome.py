"""The Hyp Syndrome Register: every layout the core writes, encoded and decoded
in one place (ARM ARM B3.13.6, Tables B3-20 and the ISS descriptions that
follow it; Xen names the same views in its ``union hsr``).

HSR is EC[31:26], IL[25], ISS[24:0].  Each syndrome the core produces is a
class with named ISS fields::

    Dabt(isv=1, sas=2, srt=3, wnr=0, dfsc=0x07).value      # encode
    decode(0x93830047)                                      # -> Dabt(...)

The core writes HSR with ``.value`` (exceptions.py, sysregs.py), and the
hypervisor, the tests and the debugger read it with :func:`decode`.  The
fault status codes of the long-descriptor format (HSR's DFSC/IFSC, DFSR
and IFSR with TTBCR.EAE, PAR) and of the short-descriptor format (DFSR,
IFSR, PAR) are here as well, since they are the other half of a syndrome.
"""

from typing import Dict, Tuple, Type

from ..mmu_lpae import faults as F
from ..mmu_lpae.faults import Fault

# -- exception classes (Table B3-20) --------------------------------------------------------
EC_UNKNOWN = 0x00
EC_WFI_WFE = 0x01
EC_MCR_MRC_CP15 = 0x03
EC_MCRR_MRRC_CP15 = 0x04
EC_MCR_MRC_CP14 = 0x05
EC_LDC_STC_CP14 = 0x06
EC_HCPTR = 0x07
EC_MRC_CP10 = 0x08
EC_BXJ = 0x0A
EC_MRRC_CP14 = 0x0C
EC_ILLEGAL = 0x0E
EC_SVC = 0x11
EC_HVC = 0x12
EC_SMC = 0x13
EC_PABT_LOWER = 0x20
EC_PABT_HYP = 0x21
EC_DABT_LOWER = 0x24
EC_DABT_HYP = 0x25

# Access sizes of the data-abort ISS (SAS)
SAS_BYTE, SAS_HALFWORD, SAS_WORD, SAS_DOUBLEWORD = 0, 1, 2, 3


class Syndrome:
    """An HSR value: `ec`, `il` and the ISS fields of the subclass's
    FIELDS, (name, lsb, width) each.  Fields not given are 0."""
    FIELDS: Tuple[Tuple[str, int, int], ...] = (("iss", 0, 25),)
    ECS: Tuple[int, ...] = ()

    def __init__(self, ec: int = -1, il: int = 1, **fields: int):
        self.ec = self.ECS[0] if ec < 0 else ec
        self.il = il
        names = {f[0] for f in self.FIELDS}
        for name in fields:
            if name not in names:
                raise TypeError("%s has no field %r" % (type(self).__name__, name))
        for name, _, _ in self.FIELDS:
            setattr(self, name, int(fields.get(name, 0)))

    @property
    def iss(self) -> int:
        value = 0
        for name, lsb, width in self.FIELDS:
            value |= (getattr(self, name) & ((1 << width) - 1)) << lsb
        return value

    @property
    def value(self) -> int:
        """WriteHSR() (B3.13.6): EC, IL, ISS."""
        return (self.ec << 26) | ((self.il & 1) << 25) | (self.iss & 0x1FFFFFF)

    @classmethod
    def from_value(cls, hsr: int) -> "Syndrome":
        iss = hsr & 0x1FFFFFF
        fields = {name: (iss >> lsb) & ((1 << width) - 1) for name, lsb, width in cls.FIELDS}
        return cls(ec=hsr >> 26 & 0x3F, il=hsr >> 25 & 1, **fields)

    def __eq__(self, other) -> bool:
        return isinstance(other, Syndrome) and self.value == other.value

    def __repr__(self) -> str:
        parts = ["ec=0x%02x" % self.ec, "il=%d" % self.il]
        parts += ["%s=0x%x" % (name, getattr(self, name)) for name, _, _ in self.FIELDS]
        return "%s(%s)" % (type(self).__name__, ", ".join(parts))


class Unknown(Syndrome):
    """EC 0x00: an Undefined Instruction taken to HYP; ISS is 0, IL UNK/SBZP (0)."""
    FIELDS = ()
    ECS = (EC_UNKNOWN,)


class Conditional(Syndrome):
    """The ISS head common to the trapped-instruction classes: CV and COND."""
    HEAD = (("cv", 24, 1), ("cond", 20, 4))


class WfiWfe(Conditional):
    """EC 0x01: TI is 1 for WFE."""
    FIELDS = Conditional.HEAD + (("ti", 0, 1),)
    ECS = (EC_WFI_WFE,)


class Mcr(Conditional):
    """EC 0x03 (CP15), 0x05 (CP14), 0x08 (CP10 VMRS): MCR/MRC, `direction` 1 for a read."""
    FIELDS = Conditional.HEAD + (("opc2", 17, 3), ("opc1", 14, 3), ("crn", 10, 4),
                                 ("rt", 5, 4), ("crm", 1, 4), ("direction", 0, 1))
    ECS = (EC_MCR_MRC_CP15, EC_MCR_MRC_CP14, EC_MRC_CP10)


class Mcrr(Conditional):
    """EC 0x04 (CP15), 0x0C (CP14): MCRR/MRRC, `direction` 1 for a read."""
    FIELDS = Conditional.HEAD + (("opc1", 16, 4), ("rt2", 10, 4), ("rt", 5, 4),
                                 ("crm", 1, 4), ("direction", 0, 1))
    ECS = (EC_MCRR_MRRC_CP15, EC_MRRC_CP14)


class LdcStc(Conditional):
    """EC 0x06: LDC/STC to CP14."""
    FIELDS = Conditional.HEAD + (("imm8", 12, 8), ("rn", 5, 4), ("offset", 4, 1),
                                 ("am", 1, 3), ("direction", 0, 1))
    ECS = (EC_LDC_STC_CP14,)


class Hcptr(Conditional):
    """EC 0x07: a coprocessor access HCPTR traps; `ta` for Advanced SIMD."""
    FIELDS = Conditional.HEAD + (("ta", 5, 1), ("coproc", 0, 4))
    ECS = (EC_HCPTR,)


class Bxj(Conditional):
    FIELDS = Conditional.HEAD + (("rm", 0, 4),)
    ECS = (EC_BXJ,)


class Call(Syndrome):
    """EC 0x11 SVC, 0x12 HVC: the 16-bit immediate."""
    FIELDS = (("imm16", 0, 16),)
    ECS = (EC_SVC, EC_HVC)


class Smc(Syndrome):
    FIELDS = ()
    ECS = (EC_SMC,)


class Iabt(Syndrome):
    """EC 0x20/0x21: Prefetch Abort to HYP (IL UNK/SBZP: 0)."""
    FIELDS = (("ea", 9, 1), ("s1ptw", 7, 1), ("ifsc", 0, 6))
    ECS = (EC_PABT_LOWER, EC_PABT_HYP)


class Dabt(Syndrome):
    """EC 0x24/0x25: Data Abort to HYP.  With ISV set, SAS (size), SSE (sign
    extend), SRT (the register) describe a single load or store, so a
    hypervisor can emulate it without fetching the instruction."""
    FIELDS = (("isv", 24, 1), ("sas", 22, 2), ("sse", 21, 1), ("srt", 16, 4),
              ("ea", 9, 1), ("cm", 8, 1), ("s1ptw", 7, 1), ("wnr", 6, 1), ("dfsc", 0, 6))
    ECS = (EC_DABT_LOWER, EC_DABT_HYP)


_BY_EC: Dict[int, Type[Syndrome]] = {}
for _cls in (Unknown, WfiWfe, Mcr, Mcrr, LdcStc, Hcptr, Bxj, Call, Smc, Iabt, Dabt):
    for _ec in _cls.ECS:
        _BY_EC[_ec] = _cls


def decode(hsr: int) -> Syndrome:
    """The HSR value as its layout's fields (unknown classes: one `iss` field)."""
    return _BY_EC.get(hsr >> 26 & 0x3F, Syndrome).from_value(hsr & 0xFFFFFFFF)


def hsr_value(ec: int, iss: int, il: bool = True) -> int:
    """WriteHSR() for an ISS already packed (the sysregs trap path).

    IL is the instruction length (1: 32-bit) for syndromes that describe an
    instruction.  For those that do not -- EC 0x00, the prefetch aborts, and
    data aborts whose ISS is not valid (ISV = 0) -- ARMv7 makes IL UNK/SBZP
    (ARMv8 later made it RES1); it is 0 here, as QEMU's cortex-a15 reports.
    """
    if ec in (EC_UNKNOWN, EC_PABT_LOWER, EC_PABT_HYP) or \
            (ec in (EC_DABT_LOWER, EC_DABT_HYP) and not iss >> 24 & 1):
        il = False
    return (ec << 26) | (int(il) << 25) | (iss & 0x1FFFFFF)


# -- fault status codes ----------------------------------------------------------------------------
# Short-descriptor (B3.13.3, Table B3-23) and long-descriptor (B3.13.4, Table B3-24) formats.

_SHORT_FS = {F.ALIGNMENT: 0b00001, F.EXTERNAL: 0b01000, F.DEBUG: 0b00010}
_SHORT_FS_LEVEL = {F.TRANSLATION: (0b00101, 0b00111), F.ACCESS_FLAG: (0b00011, 0b00110),
                   F.DOMAIN: (0b01001, 0b01011), F.PERMISSION: (0b01101, 0b01111),
                   F.EXTERNAL_WALK: (0b01100, 0b01110)}
_LONG_FS = {F.TRANSLATION: 0b000100, F.ACCESS_FLAG: 0b001000, F.PERMISSION: 0b001100,
            F.EXTERNAL: 0b010000, F.EXTERNAL_WALK: 0b010100, F.ALIGNMENT: 0b100001,
            F.DEBUG: 0b100010, F.DOMAIN: 0b111100}
_LONG_FS_LEVELLED = (F.TRANSLATION, F.ACCESS_FLAG, F.PERMISSION, F.EXTERNAL_WALK, F.DOMAIN)
# A virtual abort (HCR.VA) reports an asynchronous external abort
SHORT_FS_ASYNC_EXTERNAL = 0b10110
LONG_FS_ASYNC_EXTERNAL = 0b010001


def short_fs(fault: Fault) -> int:
    """The 5-bit short-descriptor status code of a fault."""
    if fault.kind in _SHORT_FS_LEVEL:
        return _SHORT_FS_LEVEL[fault.kind][0 if fault.level <= 1 else 1]
    return _SHORT_FS[fault.kind]


def short_fs_bits(fs: int) -> int:
    """A 5-bit short-descriptor status code in its DFSR/IFSR places: FS[4]
    at bit 10, FS[3:0] at bits 3:0."""
    return ((fs >> 4) << 10) | (fs & 0xF)


def short_fsr(fault: Fault) -> int:
    """DFSR/IFSR in the short-descriptor format: FS, domain, WnR, CM."""
    value = short_fs_bits(short_fs(fault)) | (fault.domain << 4)
    if fault.write and not fault.fetch:
        value |= 1 << 11
    if fault.cm:
        value |= 1 << 13
    return value


def long_fsc(fault: Fault) -> int:
    """The 6-bit long-descriptor status code (also HSR's DFSC/IFSC)."""
    code = _LONG_FS[fault.kind]
    if fault.kind in _LONG_FS_LEVELLED:
        code |= fault.level & 3
    return code


def long_fsr(fault: Fault) -> int:
    """DFSR/IFSR in the long-descriptor format: STATUS, LPAE (bit 9), WnR, CM."""
    value = long_fsc(fault) | (1 << 9)
    if fault.write and not fault.fetch:
        value |= 1 << 11
    if fault.cm:
        value |= 1 << 13
    return value


def abort_syndrome(fault: Fault, to_hyp_mode: bool, iss: int = 0, thumb16: bool = False) -> Syndrome:
    """The HSR of an abort taken to HYP: a Dabt or Iabt from the fault, with
    the instruction syndrome `iss` (ISV, SAS, SSE, SRT packed as in Dabt)
    of the single load or store that made it, if it has one."""
    ea = int(fault.kind in (F.EXTERNAL, F.EXTERNAL_WALK))
    if fault.fetch:
        return Iabt(ec=EC_PABT_HYP if to_hyp_mode else EC_PABT_LOWER, il=0,
                    ea=ea, s1ptw=int(fault.s1ptw), ifsc=long_fsc(fault))
    isv = iss >> 24 & 1
    return Dabt(ec=EC_DABT_HYP if to_hyp_mode else EC_DABT_LOWER, il=int(isv and not thumb16),
                isv=isv, sas=iss >> 22 & 3, sse=iss >> 21 & 1, srt=iss >> 16 & 0xF,
                ea=ea, cm=int(fault.cm), s1ptw=int(fault.s1ptw), wnr=int(fault.write or fault.cm),
                dfsc=long_fsc(fault))
