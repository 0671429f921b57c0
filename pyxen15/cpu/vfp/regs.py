"""The VFPv4-D32 register file, its system registers and their access control.

Storage (A2.6, Figure A2-1): ``core.fpregs`` is one bytearray of 256
bytes, the extension register bank in little-endian order: S<n> is bytes
4n..4n+3 and D<n> bytes 8n..8n+7, so S2n and S2n+1 are the low and high
halves of D<n> and D16-D31 exist only as D registers.  Translated code
reads and writes it with ``struct``'s unpack_from/pack_into as whatever it
needs: '<d' and '<f' for arithmetic (a single written as native 'f', see
SINGLE_STORE), '<I' and '<Q' for bits (the
accessors in :data:`ACCESSORS`: ``vfp_d(F, 8*n)[0]``, ``vfp_pd(F, 8*n, x)``,
``vfp_w``/``vfp_pw`` for words ...; on PyPy the same calls spelled
``vfp_unpack_from('<d', F, 8*n)``, see ops/vfp.py).  The raw-bit paths keep every bit of
a NaN; a float is written only when it is a finite non-NaN result.

Why this shape, measured on "Dd = Dn * Dm" (two reads, a range check, a
write) in a loop, ns per operation on PyPy 3.9 / CPython 3.11: a bytearray
through Struct.unpack_from/pack_into 7 / 356; a list of 64 word ints
converted through Struct.pack/unpack 57 / 1245; memoryview casts of one
bytearray to 'd' about 210 / 72; a list of Python floats 1.8 / 112, which
cannot give S and D views of one storage without a conversion on every
single-precision access.  PyPy is the
runtime for long runs, so the bank is a bytearray.

FPSCR is ``core.fpscr``, one int (VMSR writes it through
:func:`set_fpscr`, which drops the RAZ/WI bits).  Translated code's fast
path runs while ``fpscr & FPSCR_FAST_MASK == FPSCR_FAST_VALUE``: round to
nearest, no flush-to-zero, and IXC already set, so that an inexact result
needs no detecting.  A block tests that once, into a local (ops/vfp.py),
and keeps no derived state beyond its own run.  FPEXC is ``core.fpexc``.

The ID registers are the Cortex-A15 r2p1's (Cortex-A15 TRM, and the values
QEMU's cortex-a15 reports), Advanced SIMD included: MVFR1's SIMD fields
say integer, single-precision, half-precision and load/store support, so
Linux sets HWCAP_NEON (vfp_init tests MVFR1<19:8> = 0x111).
"""

import struct
import sys
from typing import Optional

from ..state import MODE_HYP, MODE_USR
from ..syndrome import EC_HCPTR, Hcptr

# -- ID registers (B6.1.? FPSID, MVFR0, MVFR1) --------------------------------------------
# FPSID: implementer 0x41 (ARM), SW 0, subarchitecture 0x04 (VFPv3 or later,
# common subarchitecture v3), part 0x30, variant 0xF, revision 0.
FPSID = 0x410430F0
# MVFR0: rounding modes 1, short vectors 0, sqrt 1, divide 1, traps 0,
# double 2, single 2, A_SIMD registers 2 (32 x 64-bit).
MVFR0 = 0x10110222
# MVFR1: FMAC 1 (VFPv4 fused multiply-add, VFP and Advanced SIMD), VFP
# half-precision 1, Advanced SIMD half-precision 1, single precision 1,
# integer 1, load/store 1, default NaN 1, flush-to-zero 1.
MVFR1 = 0x11111111

# FPSCR (A2.7.? / B6.1.?): N Z C V, QC, AHP, DN, FZ, RMode, Stride, Len, and
# the cumulative flags.  The trap enables (IDE, IXE, UFE, OFE, DZE, IOE) are
# RAZ/WI: the A15 does not trap floating-point exceptions.
FPSCR_WMASK = 0xFFF7009F
FPSCR_LEN_STRIDE = 0x00370000
FPSCR_FAST_MASK = 0x01C00010          # RMode, FZ and IXC ...
FPSCR_FAST_VALUE = 0x00000010         # ... = round to nearest, no flush, IXC set
FPEXC_EN = 1 << 30
FPEXC_WMASK = FPEXC_EN                # EX, DEX and the rest are RAZ/WI on the A15

# the coprocessor access controls
CPACR_CP10_SHIFT = 20
CPACR_D32DIS = 1 << 30
CPACR_ASEDIS = 1 << 31               # Advanced SIMD disabled (PL0/PL1): UNDEFINED
HCPTR_TCP10 = 1 << 10
HCPTR_TCP11 = 1 << 11
HCPTR_TASE = 1 << 15                 # Advanced SIMD trapped to HYP


_II = struct.Struct("<II")
_D = struct.Struct("<d")
_Q = struct.Struct("<Q")
_I = struct.Struct("<I")
_i = struct.Struct("<i")
_F = struct.Struct("<f")
# A single is *written* in the host's native format where that is
# little-endian (the same bytes): PyPy packs native 'f' with the machine's
# double-to-single conversion, round to nearest, while '<f' goes through a
# software rounding whose data-dependent branches become guards and bridges
# in every trace that stores a single (fpbench's single-precision LU: 5x
# the time per store in a loop, and a bridge per store site).
SINGLE_STORE = "f" if sys.byteorder == "little" else "<f"
_F_STORE = struct.Struct(SINGLE_STORE)

# What translated code calls on the bank (F = core.fpregs, offsets in bytes)
ACCESSORS = {
    "vfp_d": _D.unpack_from, "vfp_pd": _D.pack_into,      # a double's value
    "vfp_f": _F.unpack_from, "vfp_pf": _F_STORE.pack_into,      # a single's value
    "vfp_q": _Q.unpack_from, "vfp_pq": _Q.pack_into,      # a double's bits
    "vfp_w": _I.unpack_from, "vfp_pw": _I.pack_into,      # a word's bits
    "vfp_i": _i.unpack_from, "vfp_pi": _i.pack_into,      # a word as a signed int
    "vfp_ii": _II.unpack_from, "vfp_pii": _II.pack_into,  # a double's two words
}


def get_bits(F: bytearray, n: int, word: int) -> int:
    """The raw bits of the N-bit register whose (low) word is `word`."""
    return (_Q if n == 64 else _I).unpack_from(F, 4 * word)[0]


def set_bits(F: bytearray, n: int, word: int, value: int) -> None:
    (_Q if n == 64 else _I).pack_into(F, 4 * word, value)


def round32(x: float) -> float:
    """A double (in single range) rounded to single precision, to nearest."""
    return _F.unpack(_F_STORE.pack(x))[0]


def set_fpscr(c, value: int) -> None:
    """Write FPSCR as VMSR does: the writable bits."""
    c.fpscr = value & FPSCR_WMASK


def vfp_raise(c, flags: int) -> None:
    """FPProcessException() for untrapped exceptions: set the cumulative flags."""
    if flags:
        c.fpscr |= flags


def vfp_access_open(fpexc: int, cpacr: int, hcptr: int) -> bool:
    """Whether CheckVFPEnabled(TRUE) passes for every VFP instruction from
    every mode: FPEXC.EN set, CPACR.cp10 full access (PL0 and PL1) with
    D32DIS clear, and no HCPTR.TCP10/TCP11 trap (which HYP mode itself
    obeys too).  The usual state of a system using VFP; anything else is
    decided by :func:`vfp_check_enabled`, instruction by instruction."""
    return (bool(fpexc & FPEXC_EN) and cpacr & (CPACR_D32DIS | 3 << CPACR_CP10_SHIFT) == 3 << CPACR_CP10_SHIFT
            and not hcptr & (HCPTR_TCP10 | HCPTR_TCP11))


def simd_access_open(fpexc: int, cpacr: int, hcptr: int) -> bool:
    """Whether CheckAdvSIMDEnabled() passes for every Advanced SIMD
    instruction from every mode: the VFP conditions of
    :func:`vfp_access_open`, CPACR.ASEDIS clear and no HCPTR.TASE trap."""
    return (vfp_access_open(fpexc, cpacr, hcptr) and not cpacr & CPACR_ASEDIS
            and not hcptr & HCPTR_TASE)


class VFPRegisters:
    """The VFP state of a core (mixed into Core) and its API by name:
    ``reg("d3")``, ``reg("s7")``, ``reg("fpscr")``, ``reg("fpexc")``,
    ``reg("fpsid")``, ``reg("mvfr0")``, ``reg("mvfr1")``, and the methods below.

    ``vfp_open`` caches :func:`vfp_access_open` of FPEXC, CPACR and HCPTR,
    which translated code tests on entering VFP code instead of reading the
    three registers (two of them dictionary reads on PyPy: ``c.sys``
    has too many attributes for a map).  Every write of the three, by an
    instruction, the API or a test's plain assignment, refreshes it:
    FPEXC here, CPACR and HCPTR in sysregs.py."""

    def vfp_reset(self) -> None:
        self.fpregs = bytearray(256)
        self.fpexc = 0
        set_fpscr(self, 0)

    @property
    def fpexc(self) -> int:
        return self._fpexc

    @fpexc.setter
    def fpexc(self, value: int) -> None:
        self._fpexc = value
        self.vfp_access_changed()

    def vfp_access_changed(self, sys=None) -> None:
        """FPEXC, CPACR or HCPTR was written: recompute ``vfp_open`` and
        ``simd_open`` (the same for Advanced SIMD, :func:`simd_access_open`)."""
        sys = sys or getattr(self, "sys", None)
        self.vfp_open = sys is not None and vfp_access_open(self._fpexc, sys.cpacr, sys.hcptr)
        self.simd_open = self.vfp_open and simd_access_open(self._fpexc, sys.cpacr, sys.hcptr)

    def vfp_d(self, n: int) -> int:
        """D<n> as a 64-bit int."""
        return _Q.unpack_from(self.fpregs, 8 * n)[0]

    def set_vfp_d(self, n: int, value: int) -> None:
        _Q.pack_into(self.fpregs, 8 * n, value & 0xFFFFFFFFFFFFFFFF)

    def vfp_s(self, n: int) -> int:
        """S<n> as a 32-bit int."""
        return _I.unpack_from(self.fpregs, 4 * n)[0]

    def set_vfp_s(self, n: int, value: int) -> None:
        _I.pack_into(self.fpregs, 4 * n, value & 0xFFFFFFFF)

    def vfp_d_float(self, n: int) -> float:
        """D<n> as a Python float (a signalling NaN may come back quiet)."""
        return _D.unpack_from(self.fpregs, 8 * n)[0]

    def vfp_s_float(self, n: int) -> float:
        return _F.unpack_from(self.fpregs, 4 * n)[0]

    def set_fpscr(self, value: int) -> None:
        set_fpscr(self, value)

    def _locate(self, name: str):
        key = name.lower()
        if key[:1] in ("d", "s") and key[1:].isdigit():
            i = int(key[1:])
            if key[0] == "d" and i < 32:
                return (lambda: self.vfp_d(i)), (lambda v: self.set_vfp_d(i, v))
            if key[0] == "s" and i < 32:
                return (lambda: self.vfp_s(i)), (lambda v: self.set_vfp_s(i, v))
        if key == "fpscr":
            return (lambda: self.fpscr), (lambda v: set_fpscr(self, v))
        if key == "fpexc":
            return (lambda: self.fpexc), (lambda v: setattr(self, "fpexc", v & FPEXC_WMASK))
        ids = {"fpsid": FPSID, "mvfr0": MVFR0, "mvfr1": MVFR1}
        if key in ids:
            return (lambda: ids[key]), (lambda v: None)
        return super()._locate(name)

    def set_reg(self, name: str, value: int) -> None:
        key = name.lower()
        if key[:1] == "d" and key[1:].isdigit():
            self.set_vfp_d(int(key[1:]), value)          # 64 bits, not masked to 32
            return
        super().set_reg(name, value)


# -- access control (B1.14.?, CheckVFPEnabled / CheckAdvSIMDOrVFPEnabled) -----------------

def vfp_iss(cond: int) -> int:
    """HSR.ISS of a trapped VFP instruction (EC 0x07, B3.13.6): CV = 1, the
    condition, TA = 0 (not Advanced SIMD) and coproc = 0xA, as a Cortex-A15
    (and QEMU) reports for every VFP instruction, cp10 or cp11."""
    return Hcptr(cv=1, cond=cond, ta=0, coproc=0xA).iss


def vfp_check_enabled(c, pc: int, iss: int, fpexc_check: bool = True,
                      vector_undef: bool = False, high: bool = False) -> Optional[int]:
    """CheckVFPEnabled(include_fpexc_check) for Non-secure state, in the
    architecture's order: CPACR from PL0/PL1 (cp10 '00' no access, '01'
    PL1 only, '10' reserved: no access; cp11 must match and is not looked
    at, as QEMU does), then the HCPTR.TCP10/TCP11 trap to HYP (from HYP
    itself UNDEFINED), then FPEXC.EN.  `high` adds CPACR.D32DIS for an
    instruction naming D16-D31; `vector_undef` makes a data-processing
    instruction UNDEFINED while FPSCR.LEN or STRIDE is nonzero, as on the
    A15, which has no short vectors.  None if the instruction may go on,
    else the vector of the exception taken."""
    sys = c.sys
    if c.mode != MODE_HYP:
        access = (sys.cpacr >> CPACR_CP10_SHIFT) & 3
        if access == 0 or access == 2 or (access == 1 and c.mode == MODE_USR):
            return c.take_undef(pc)
        if high and sys.cpacr & CPACR_D32DIS:
            return c.take_undef(pc)
        if sys.hcptr & (HCPTR_TCP10 | HCPTR_TCP11):
            return c.take_hyp_trap(pc, EC_HCPTR, iss)
    elif sys.hcptr & (HCPTR_TCP10 | HCPTR_TCP11):
        return c.take_undef(pc)
    if fpexc_check and not c.fpexc & FPEXC_EN:
        return c.take_undef(pc)
    if vector_undef and c.fpscr & FPSCR_LEN_STRIDE:
        return c.take_undef(pc)
    return None


def simd_iss(cond: int) -> int:
    """HSR.ISS of an Advanced SIMD instruction trapped by HCPTR.TASE (EC
    0x07, B3.13.6): CV = 1, the condition, TA = 1; coproc is UNKNOWN when
    TA is 1, and reads 0.  (Trapped by TCP10/TCP11 instead, it is reported
    as the VFP access it also is: :func:`vfp_iss`, TA = 0, coproc 0xA, as
    QEMU reports it.)"""
    return Hcptr(cv=1, cond=cond, ta=1, coproc=0).iss


def simd_check_enabled(c, pc: int, cond: int, high: bool = False) -> Optional[int]:
    """CheckAdvSIMDEnabled() for Non-secure state (B1.11.?, that is
    CheckAdvSIMDOrVFPEnabled(TRUE, TRUE)), in the architecture's order:
    from PL0/PL1, CPACR.cp10 (as for VFP), then CPACR.ASEDIS, then
    CPACR.D32DIS for an instruction naming D16-D31 (`high`): UNDEFINED;
    then HCPTR: TCP10/TCP11 trap to HYP as the VFP access it also is,
    TASE as an Advanced SIMD one (:func:`simd_iss`); from HYP mode itself
    either trap bit makes it UNDEFINED; last FPEXC.EN.  `cond` is the
    condition the HSR reports.  None if the instruction may go on, else
    the vector of the exception taken."""
    sys = c.sys
    hcptr = sys.hcptr
    if c.mode != MODE_HYP:
        cpacr = sys.cpacr
        access = (cpacr >> CPACR_CP10_SHIFT) & 3
        if access == 0 or access == 2 or (access == 1 and c.mode == MODE_USR):
            return c.take_undef(pc)
        if cpacr & CPACR_ASEDIS or (high and cpacr & CPACR_D32DIS):
            return c.take_undef(pc)
        if hcptr & (HCPTR_TCP10 | HCPTR_TCP11):
            return c.take_hyp_trap(pc, EC_HCPTR, vfp_iss(cond))
        if hcptr & HCPTR_TASE:
            return c.take_hyp_trap(pc, EC_HCPTR, simd_iss(cond))
    elif hcptr & (HCPTR_TCP10 | HCPTR_TCP11 | HCPTR_TASE):
        return c.take_undef(pc)
    if not c.fpexc & FPEXC_EN:
        return c.take_undef(pc)
    return None
