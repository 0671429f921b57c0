"""Translation table walks: VMSAv7 short-descriptor and LPAE stage 1, stage 2,
and the HYP regime (ARM ARM B3.3-B3.7, the pseudocode of B3.15).

:meth:`MMU.translate` is the whole translation of one access in the
current regime, staged as the pseudocode stages it:

* PL1&0 regime (Non-secure PL0 and PL1): stage 1 by SCTLR.M and TTBCR.EAE
  (:meth:`MMU.stage1_short` or :meth:`MMU.stage1_long`, the flat map with
  the MMU off), then stage 2 when HCR.VM is set (:meth:`MMU.stage2`), which
  also translates every stage-1 table address (a fault there is a stage-2
  fault with S1PTW set);
* PL2 regime (HYP mode): HSCTLR.M, HTTBR, HTCR, HMAIR0/1, long-descriptor
  only, never stage 2.

A fault is a :class:`~.faults.Fault` raised in a GuestFault; the core turns it
into FSR/HSR bits.  Tables are read only from RAM: a walk that reaches an
address no RAM decodes (a device, nothing at all, above 4 GB) is a
synchronous external abort on the walk at that level, so no guest value can
make the model raise anything else.

Orders of checks where the ARM ARM leaves freedom follow QEMU's
(qemu-system-arm is the conformance referee): in the short-descriptor format
the domain is checked right after the first-level descriptor, then (for
Client domains only) XN, the access flag, the access permissions.
"""

from typing import Optional

from ..bus import Bus
from .faults import (ACCESS_FLAG, DOMAIN, EXTERNAL_WALK, PERMISSION, TRANSLATION,
                     Fault, GuestFault)

MASK32 = 0xFFFFFFFF
OA_MASK = (1 << 40) - 1            # LPAE output and intermediate physical addresses: 40 bits

# Access rights a stage-1 descriptor grants: bits for (PL1 read, PL1 write, PL0 read, PL0 write)
R1, W1, R0, W0 = 1, 2, 4, 8

# Short-descriptor AP[2], AP[1:0] (B3.7.1, Table B3-8); with SCTLR.AFE the
# simplified model of Table B3-9, indexed by AP[2:1].
SHORT_AP = (0, R1 | W1, R1 | W1 | R0, R1 | W1 | R0 | W0, 0, R1, R1 | R0, R1 | R0)
SIMPLE_AP = (R1 | W1, R1 | W1 | R0 | W0, R1, R1 | R0)
# LPAE stage 1 AP[2:1] is the simplified model too (B3.7.1); stage 2 S2AP is
# (read, write) directly (B3.7.2).

# Level shift of the LPAE levels (4 KiB granule): what one entry maps
LEVEL_SHIFT = {1: 30, 2: 21, 3: 12}


class Mapping:
    """A successful translation: the physical address, what the soft TLB
    needs to cache it (`span`: log2 of the size of the smallest entry used,
    so TLB maintenance by address can find every page it covers; `ng`: not
    global) and the memory attributes ATS reports in PAR (`device`;
    `attr`: the MAIR-format attribute byte; `sh`: shareability; `ss`: a
    supersection)."""
    __slots__ = ("pa", "device", "span", "ng", "attr", "sh", "ss")

    def __init__(self, pa: int, device: bool, span: int, ng: bool = False, attr: int = 0x44,
                 sh: int = 0, ss: bool = False):
        self.pa = pa
        self.device = device
        self.span = span
        self.ng = ng
        self.attr = attr
        self.sh = sh
        self.ss = ss


def flat_map(va: int, fetch: bool) -> Mapping:
    """A regime with its MMU off (B3.2.1): VA = PA, data accesses
    Strongly-ordered (so an unaligned one is an alignment fault whatever
    SCTLR.A says, A3.2.1), instruction fetches Normal."""
    if fetch:
        return Mapping(va, False, 32, attr=0xAA, sh=0)
    return Mapping(va, True, 32, attr=0x00, sh=2)


def _fault(kind: str, va: int, write: bool, fetch: bool, level: int, **kw) -> GuestFault:
    return GuestFault(Fault(kind, va, write=write, fetch=fetch, level=level, **kw))


class MMU:
    """The translation regimes of one core, reading its system registers."""

    def __init__(self, sysregs, bus: Bus):
        self.sys = sysregs
        self.bus = bus
        # A list while a debugger traces a walk (debug/walk.py): every
        # descriptor read, as (stage, level, physical address, size, value)
        self.trace = None

    # -- the regime -------------------------------------------------------------------

    def translate(self, va: int, write: bool, fetch: bool, user: bool, hyp: bool) -> Mapping:
        """The translation of one access (TranslateAddress, B3.15.x)."""
        s = self.sys
        if hyp:
            if not s.hsctlr & 1:
                return flat_map(va, fetch)
            return self.stage1_long(va, write, fetch, False, True)
        m = self.stage1(va, write, fetch, user)
        if s.hcr & ((1 << 0) | (1 << 12)):             # HCR.VM; HCR.DC behaves as if VM were set
            s2 = self.stage2(m.pa, va, write, fetch, False)
            m.pa = s2.pa
            m.device = m.device or s2.device
            m.span = min(m.span, s2.span)
            m.attr, m.sh = combine_attributes(m.attr, m.sh, s2.attr, s2.sh)
        return m

    def stage1(self, va: int, write: bool, fetch: bool, user: bool) -> Mapping:
        """Stage 1 of the PL1&0 regime: the IPA (the PA without stage 2)."""
        s = self.sys
        if s.hcr & (1 << 12):                          # HCR.DC: Normal memory
            return Mapping(va, False, 32, attr=0xFF, sh=0)
        if not s.sctlr & 1:
            return flat_map(va, fetch)
        if s.ttbcr & (1 << 31):
            return self.stage1_long(va, write, fetch, user, False)
        return self.stage1_short(va, write, fetch, user)

    # -- reading descriptors ------------------------------------------------------------

    def _desc(self, addr: int, size: int, va: int, write: bool, fetch: bool, level: int,
              stage1_of_two: bool) -> int:
        """A descriptor at `addr` (an IPA when stage 2 translates the walk)."""
        if stage1_of_two:
            s2 = self.stage2(addr, va, write, fetch, True)
            if s2.device and self.sys.hcr & (1 << 2):           # HCR.PTW
                raise _fault(PERMISSION, va, write, fetch, s2.level_hit, stage=2, ipa=addr,
                             s1ptw=True)
            addr = s2.pa
        page = self.bus.ram_page(addr) if addr <= 0xFFFFFFFFFF else None
        if page is None:
            raise _fault(EXTERNAL_WALK, va, write, fetch, level)
        i = (addr & 0xFFF) >> 2
        desc = page[i] if size == 4 else page[i] | (page[i + 1] << 32)
        if self.trace is not None:
            self.trace.append((1, level, addr, size, desc))
        return desc

    # -- stage 1, short-descriptor (B3.5) ---------------------------------------------------

    def stage1_short(self, va: int, write: bool, fetch: bool, user: bool) -> Mapping:
        s = self.sys
        two = bool(s.hcr & 1)
        ttbcr = s.ttbcr
        n = ttbcr & 7
        if n and va >> (32 - n):
            ttbr, disabled = s.ttbr1 & MASK32, ttbcr & (1 << 5)        # PD1
            base, index = ttbr & 0xFFFFC000, va >> 20
        else:
            ttbr, disabled = s.ttbr0 & MASK32, ttbcr & (1 << 4)        # PD0
            base = ttbr & ~((1 << (14 - n)) - 1) & MASK32
            index = (va >> 20) & ((1 << (12 - n)) - 1)
        if disabled:
            raise _fault(TRANSLATION, va, write, fetch, 1)
        l1 = self._desc(base | (index << 2), 4, va, write, fetch, 1, two)
        kind = l1 & 3
        domain = (l1 >> 5) & 0xF
        if kind == 0:
            raise _fault(TRANSLATION, va, write, fetch, 1, domain=domain)
        supersection = kind != 1 and l1 & (1 << 18)
        if supersection:
            domain = 0
        level = 2 if kind == 1 else 1
        dacr = (s.dacr >> (2 * domain)) & 3
        if dacr in (0, 2):                  # No access, or the reserved value
            raise _fault(DOMAIN, va, write, fetch, level, domain=domain)
        if kind == 1:                       # a second-level table
            pxn = l1 >> 2 & 1
            l2 = self._desc((l1 & 0xFFFFFC00) | (((va >> 12) & 0xFF) << 2), 4, va, write, fetch, 2, two)
            if l2 & 3 == 0:
                raise _fault(TRANSLATION, va, write, fetch, 2, domain=domain)
            if l2 & 2:                      # small page, 4 KiB
                pa, span, xn, tex = (l2 & 0xFFFFF000) | (va & 0xFFF), 12, l2 & 1, (l2 >> 6) & 7
            else:                           # large page, 64 KiB
                pa, span, xn, tex = (l2 & 0xFFFF0000) | (va & 0xFFFF), 16, (l2 >> 15) & 1, (l2 >> 12) & 7
            ap = ((l2 >> 7) & 4) | ((l2 >> 4) & 3)
            cb, s_bit, ng = (l2 >> 2) & 3, (l2 >> 10) & 1, bool(l2 & (1 << 11))
        else:
            pxn = l1 & 1                    # 0b11: a section with PXN (B3.5.1)
            if supersection:                # 16 MiB, PA[39:32] in bits 8:5 and 23:20
                pa = (l1 & 0xFF000000) | ((l1 >> 20 & 0xF) << 32) | ((l1 >> 5 & 0xF) << 36) | \
                    (va & 0xFFFFFF)
                span = 24
            else:
                pa, span = (l1 & 0xFFF00000) | (va & 0xFFFFF), 20
            xn, tex = (l1 >> 4) & 1, (l1 >> 12) & 7
            ap = ((l1 >> 13) & 4) | ((l1 >> 10) & 3)
            cb, s_bit, ng = (l1 >> 2) & 3, (l1 >> 16) & 1, bool(l1 & (1 << 17))
        device, attr = self._short_memory_type(tex, cb)
        m = Mapping(pa, device, span, ng, attr, 3 if s_bit and not device else 0, bool(supersection))
        if dacr == 3:                       # Manager: no permission checks
            return m
        sctlr = s.sctlr
        if sctlr & (1 << 29):               # SCTLR.AFE: AP[0] is the access flag
            if not ap & 1:
                raise _fault(ACCESS_FLAG, va, write, fetch, level, domain=domain)
            rights = SIMPLE_AP[ap >> 1]
        else:
            rights = SHORT_AP[ap]
        self._check_s1(rights, bool(xn), bool(pxn), va, write, fetch, user, level, domain, sctlr)
        return m

    def _short_memory_type(self, tex: int, cb: int):
        """Device or Strongly-ordered? With SCTLR.TRE the PRRR region type
        of index TEX[0]:C:B (B3.8.3), else TEX[2:0]:C:B itself (B3.8.2)."""
        if self.sys.sctlr & (1 << 28):
            kind = (self.sys.prrr >> (2 * (((tex & 1) << 2) | cb))) & 3
            device = kind in (0, 1)
        else:
            device = (tex == 0 and cb in (0, 1)) or (tex == 2 and cb == 0)
        return device, (0x04 if device else 0x44)

    @staticmethod
    def _check_s1(rights: int, xn: bool, pxn: bool, va: int, write: bool, fetch: bool,
                  user: bool, level: int, domain: int, ctl: int) -> None:
        """Access permissions, XN/PXN and SCTLR.WXN/UWXN (B3.7.2, B3.7.3)."""
        if fetch:
            if ctl & (1 << 19) and rights & (W0 if user else W1):      # WXN
                xn = True
            if not user and (pxn or (ctl & (1 << 20) and rights & W0)):    # UWXN
                xn = True
            ok = not xn and rights & (R0 if user else R1)
        elif write:
            ok = rights & (W0 if user else W1)
        else:
            ok = rights & (R0 if user else R1)
        if not ok:
            raise _fault(PERMISSION, va, write, fetch, level, domain=domain)

    # -- stage 1, long-descriptor, and the HYP regime (B3.6) --------------------------------

    def stage1_long(self, va: int, write: bool, fetch: bool, user: bool, hyp: bool) -> Mapping:
        s = self.sys
        if hyp:
            tcr = s.htcr
            tsz, ttbr, ctl, mair = tcr & 7, s.httbr, s.hsctlr, (s.hmair1 << 32) | s.hmair0
            if tsz and va >> (32 - tsz):
                raise _fault(TRANSLATION, va, write, fetch, 1)
            two = False
        else:
            tcr = s.ttbcr
            t0sz, t1sz = tcr & 7, (tcr >> 16) & 7
            in0 = t0sz == 0 or not va >> (32 - t0sz)
            in1 = t1sz != 0 and va >> (32 - t1sz) == (1 << t1sz) - 1
            if t1sz == 0 and t0sz != 0:
                in1 = not in0
            if t0sz == 0 and t1sz != 0:
                in0 = not in1
            if in1:
                tsz, ttbr, disabled = t1sz, s.ttbr1, tcr & (1 << 23)        # EPD1
            elif in0:
                tsz, ttbr, disabled = t0sz, s.ttbr0, tcr & (1 << 7)         # EPD0
            else:
                raise _fault(TRANSLATION, va, write, fetch, 1)
            if disabled:
                raise _fault(TRANSLATION, va, write, fetch, 1)
            ctl, mair = s.sctlr, (s.nmrr << 32) | s.prrr
            two = bool(s.hcr & 1)
        level = 1 if tsz <= 1 else 2
        top = 32 - tsz
        desc, level, rights, xn, pxn = self._walk_long(
            ttbr, top, level, va, va, write, fetch, two, not hyp)
        if hyp:
            pxn = False
        oa = (desc & OA_MASK & ~((1 << LEVEL_SHIFT[level]) - 1)) | (va & ((1 << LEVEL_SHIFT[level]) - 1))
        attr = (mair >> (8 * ((desc >> 2) & 7))) & 0xFF
        device = not attr & 0xF0
        m = Mapping(oa, device, LEVEL_SHIFT[level], bool(desc & (1 << 11)) and not hyp,
                    attr, (desc >> 8) & 3)
        if not desc & (1 << 10):
            raise _fault(ACCESS_FLAG, va, write, fetch, level)
        ap = (desc >> 6) & 3
        if hyp:
            rights &= R1 | (0 if ap & 2 else W1)
        else:
            rights &= SIMPLE_AP[ap]
        self._check_s1(rights, xn or bool(desc >> 54 & 1), pxn or bool(desc >> 53 & 1),
                       va, write, fetch, user, level, 0, ctl)
        return m

    def _walk_long(self, base: int, top: int, level: int, address: int, va: int, write: bool,
                   fetch: bool, two: bool, pl1: bool, stage: int = 1, s1ptw: bool = False):
        """The LPAE walk from `level` over the `top`-bit input `address`:
        (leaf descriptor, its level, rights left by APTable, XNTable,
        PXNTable).  Translation faults are raised at the level they occur."""
        shift = LEVEL_SHIFT[level]
        table = base & OA_MASK & ~((1 << (top - shift + 3)) - 1)
        index = (address >> shift) & ((1 << (top - shift)) - 1)
        rights = R1 | W1 | R0 | W0
        xn = pxn = False
        ipa = address if stage == 2 else None
        while True:
            addr = table | (index << 3)
            if stage == 2:
                page = self.bus.ram_page(addr) if addr <= OA_MASK else None
                if page is None:
                    raise _fault(EXTERNAL_WALK, va, write, fetch, level, stage=2, ipa=ipa,
                                 s1ptw=s1ptw)
                i = (addr & 0xFFF) >> 2
                desc = page[i] | (page[i + 1] << 32)
                if self.trace is not None:
                    self.trace.append((2, level, addr, 8, desc))
            else:
                desc = self._desc(addr, 8, va, write, fetch, level, two)
            if not desc & 1 or (level == 3 and not desc & 2):
                raise _fault(TRANSLATION, va, write, fetch, level, stage=stage, ipa=ipa,
                             s1ptw=s1ptw)
            if level == 3 or not desc & 2:
                return desc, level, rights, xn, pxn
            if stage == 1:                  # hierarchical attributes (B3.6.1)
                if pl1:
                    if desc >> 61 & 1:      # APTable[0]: no PL0 access
                        rights &= R1 | W1
                    pxn = pxn or bool(desc >> 59 & 1)
                if desc >> 62 & 1:          # APTable[1]: no writes
                    rights &= R1 | R0
                xn = xn or bool(desc >> 60 & 1)
            table = desc & OA_MASK & ~0xFFF
            level += 1
            index = (address >> LEVEL_SHIFT[level]) & 0x1FF

    # -- stage 2 (B3.6.x, VTCR B4.1.160, VTTBR B4.1.161) ---------------------------------------

    def stage2(self, ipa: int, va: int, write: bool, fetch: bool, s1ptw: bool) -> "Stage2":
        """Translate an IPA.  VTCR.T0SZ is a signed 4-bit value (IPA size
        32 - T0SZ, up to 40 bits); SL0 picks the start level (0: level 2,
        1: level 1) and the first table may be up to 16 concatenated tables.
        A start level inconsistent with T0SZ, a reserved SL0 or an IPA out
        of range is a stage-2 level-1 translation fault."""
        s = self.sys
        vtcr = s.vtcr
        t0sz = vtcr & 0xF
        if t0sz & 8:
            t0sz -= 16
        top = 32 - t0sz
        sl0 = (vtcr >> 6) & 3
        level = 2 - sl0
        if sl0 > 1 or not 1 <= top - LEVEL_SHIFT[level] <= 13 or ipa >> top:
            raise _fault(TRANSLATION, va, write, fetch, 1, stage=2, ipa=ipa, s1ptw=s1ptw)
        desc, level, _, _, _ = self._walk_long(s.vttbr, top, level, ipa, va, write, fetch,
                                               False, False, stage=2, s1ptw=s1ptw)
        shift = LEVEL_SHIFT[level]
        result = Stage2((desc & OA_MASK & ~((1 << shift) - 1)) | (ipa & ((1 << shift) - 1)),
                        (desc >> 2) & 0xF, shift, level, (desc >> 8) & 3)
        if not desc & (1 << 10):
            raise _fault(ACCESS_FLAG, va, write, fetch, level, stage=2, ipa=ipa, s1ptw=s1ptw)
        s2ap = (desc >> 6) & 3
        if s1ptw:
            ok = s2ap & 1
        elif fetch:
            ok = s2ap & 1 and not desc >> 54 & 1
        else:
            ok = s2ap & (2 if write else 1)
        if not ok:
            raise _fault(PERMISSION, va, write, fetch, level, stage=2, ipa=ipa, s1ptw=s1ptw)
        return result


class Stage2:
    """A stage-2 translation: the PA, MemAttr, span, the level of the leaf, SH."""
    __slots__ = ("pa", "attr", "span", "device", "level_hit", "sh")

    def __init__(self, pa: int, attr: int, span: int, level: int, sh: int):
        self.pa = pa
        self.attr = attr
        self.span = span
        self.device = not attr & 0xC          # MemAttr[3:2] = 00: Strongly-ordered or Device
        self.level_hit = level
        self.sh = sh


def _s2_nibble(bits: int) -> int:
    """A stage-2 MemAttr cacheability field (2 bits) as a MAIR nibble."""
    return {1: 0x4, 2: 0xA, 3: 0xF}.get(bits, 0x4)


def _combine_nibble(s1: int, s2: int) -> int:
    """One of inner/outer: Non-cacheable wins, then Write-Through (keeping
    stage 1's allocation hints), else stage 1's Write-Back."""
    if s1 == 0x4 or s2 == 0x4:
        return 0x4
    if s1 >> 2 in (0, 2):                 # stage 1 Write-Through
        return s1
    if s2 >> 2 == 2:
        return 0x8 | (s1 & 3)
    return s1


def combine_attributes(attr1: int, sh1: int, memattr2: int, sh2: int):
    """The memory attributes of a stage 1 + stage 2 translation (B3.8.x):
    the more restrictive type and cacheability, the wider shareability;
    Device and Normal Non-cacheable memory are Outer Shareable.  Returns
    (MAIR-form attribute byte, SH) as PAR reports them."""
    if not memattr2 & 0xC:                        # stage 2 Device: 00 tt
        device2 = (memattr2 & 3) << 2
        attr = min(attr1, device2) if not attr1 & 0xF0 else device2
    elif not attr1 & 0xF0:                        # stage 1 Device
        attr = attr1
    else:
        attr = (_combine_nibble(attr1 >> 4, _s2_nibble(memattr2 >> 2)) << 4) | \
            _combine_nibble(attr1 & 0xF, _s2_nibble(memattr2 & 3))
    sh = 2 if 2 in (sh1, sh2) else (3 if 3 in (sh1, sh2) else 0)
    if not attr & 0xF0 or attr == 0x44:
        sh = 2
    return attr, sh


def regime_asid(sys, hyp: bool) -> int:
    """The ASID that tags non-global entries now: CONTEXTIDR.ASID, or with
    TTBCR.EAE the ASID of the TTBR that TTBCR.A1 selects; HYP has none."""
    if hyp:
        return 0
    if sys.ttbcr & (1 << 31):
        return ((sys.ttbr1 if sys.ttbcr & (1 << 22) else sys.ttbr0) >> 48) & 0xFF
    return sys.contextidr & 0xFF


def regime_vmid(sys, hyp: bool) -> Optional[int]:
    """VTTBR.VMID when stage 2 is on for the PL1&0 regime, else None."""
    if hyp or not sys.hcr & ((1 << 0) | (1 << 12)):
        return None
    return (sys.vttbr >> 48) & 0xFF
