"""The physical-to-machine map of a domain: LPAE stage-2 translation tables
built in modelled RAM (the hypervisor's heap), walked by the MMU
(mmu_lpae/walk.py, MMU.stage2) exactly as the hardware walks Xen's.

Layout (B3.6.5, VTCR): a 32-bit IPA space (VTCR.T0SZ = 0) whose walk
starts at level 1 (VTCR.SL0 = 1): one level-1 table of 4 entries (1 GB
each), level-2 tables of 512 x 2 MB, level-3 tables of 512 x 4 KB.  A map
uses 2 MB blocks where the range is 2 MB aligned on both sides and 4 KB
pages elsewhere.

Stage-2 descriptor bits (B3.6.2): [1:0] 0b01 block, 0b11 table or page;
MemAttr[5:2] (0xF Normal write-back, 0x1 Device), S2AP[7:6] (bit 6 read,
bit 7 write), SH[9:8], AF[10], XN[54].
"""

import struct
from typing import Optional, Tuple

from ..errors import PyxenError

VTCR_T0SZ_32BIT = 0
VTCR_SL0_LEVEL1 = 1 << 6
VTCR_IRGN0_WBWA, VTCR_ORGN0_WBWA, VTCR_SH0_INNER = 1 << 8, 1 << 10, 3 << 12
VTCR_RES1 = 1 << 31
VTCR_VALUE = VTCR_RES1 | VTCR_SH0_INNER | VTCR_ORGN0_WBWA | VTCR_IRGN0_WBWA | VTCR_SL0_LEVEL1

DESC_VALID, DESC_TABLE = 1, 3            # block: 0b01; table (levels 1-2) or page (level 3): 0b11
S2_MEMATTR_NORMAL, S2_MEMATTR_DEVICE = 0xF << 2, 0x1 << 2
S2AP_READ, S2AP_WRITE = 1 << 6, 1 << 7
S2_SH_INNER = 3 << 8
S2_AF = 1 << 10
S2_XN = 1 << 54
OA_MASK = 0x000000FFFFFFF000

SHIFT = {1: 30, 2: 21, 3: 12}
SIZE_2M, SIZE_4K = 1 << 21, 1 << 12
IPA_LIMIT = 1 << 32


class P2M:
    """Stage-2 tables of one domain, allocated with `alloc_page()` (the
    hypervisor's heap) and written through `mem` (Machine.mem)."""

    def __init__(self, mem, alloc_page, vmid: int, on_change=None):
        self.mem = mem
        self.alloc_page = alloc_page
        self.vmid = vmid & 0xFF
        self.on_change = on_change               # TLB maintenance after unmap/remap
        self.root = self._new_table()

    @property
    def vttbr(self) -> int:
        """VTTBR (B4.1.159): BADDR of the level-1 table, VMID in [55:48]."""
        return self.root | (self.vmid << 48)

    # -- descriptors in RAM -------------------------------------------------------------

    def _new_table(self) -> int:
        addr = self.alloc_page()
        self.mem.write(addr, bytes(4096))
        return addr

    def _read(self, addr: int) -> int:
        return struct.unpack("<Q", self.mem.read(addr, 8))[0]

    def _write(self, addr: int, desc: int) -> None:
        self.mem.write(addr, struct.pack("<Q", desc))

    def _slot(self, level: int, ipa: int, create: bool) -> Optional[int]:
        """The address of the level-`level` descriptor for `ipa`, creating
        the tables above it if `create` (None if a table is missing)."""
        table = self.root
        for lvl in range(1, level):
            addr = table + ((ipa >> SHIFT[lvl]) & (3 if lvl == 1 else 511)) * 8
            desc = self._read(addr)
            if desc & 3 != DESC_TABLE:
                if not create:
                    return None
                if desc & 3 == DESC_VALID:
                    raise PyxenError("p2m: IPA 0x%x is inside a block mapping" % ipa)
                new = self._new_table()
                self._write(addr, new | DESC_TABLE)
                desc = new | DESC_TABLE
            table = desc & OA_MASK
        return table + ((ipa >> SHIFT[level]) & (3 if level == 1 else 511)) * 8

    # -- the interface -------------------------------------------------------------------

    @staticmethod
    def attributes(writable: bool, executable: bool, device: bool) -> int:
        bits = S2_AF | S2AP_READ
        if writable:
            bits |= S2AP_WRITE
        if device:
            bits |= S2_MEMATTR_DEVICE | S2_XN
        else:
            bits |= S2_MEMATTR_NORMAL | S2_SH_INNER
            if not executable:
                bits |= S2_XN
        return bits

    def map(self, ipa: int, pa: int, size: int, writable: bool = True, executable: bool = True,
            device: bool = False) -> None:
        """Map [ipa, ipa + size) to [pa, pa + size): page aligned, inside
        the 32-bit IPA space."""
        if ipa % SIZE_4K or pa % SIZE_4K or size % SIZE_4K or size <= 0 or ipa + size > IPA_LIMIT:
            raise PyxenError("p2m.map(0x%x, 0x%x, 0x%x): not page aligned or outside the IPA space"
                             % (ipa, pa, size))
        attrs = self.attributes(writable, executable, device)
        end = ipa + size
        while ipa < end:
            if not ipa % SIZE_2M and not pa % SIZE_2M and end - ipa >= SIZE_2M:
                slot = self._slot(2, ipa, True)
                old = self._read(slot)
                if old & 3 == DESC_TABLE:            # pages under it: replace them one by one
                    for off in range(0, SIZE_2M, SIZE_4K):
                        self._write(self._slot(3, ipa + off, True),
                                    (pa + off) | attrs | DESC_TABLE)
                else:
                    self._write(slot, pa | attrs | DESC_VALID)
                step = SIZE_2M
            else:
                self._split(ipa)
                self._write(self._slot(3, ipa, True), pa | attrs | DESC_TABLE)
                step = SIZE_4K
            ipa += step
            pa += step
        self._changed()

    def _split(self, ipa: int) -> None:
        """Turn the 2 MB block holding `ipa`, if any, into 512 pages."""
        slot = self._slot(2, ipa, True)
        desc = self._read(slot)
        if desc & 3 != DESC_VALID:
            return
        table = self._new_table()
        base = desc & OA_MASK & ~(SIZE_2M - 1)
        attrs = desc & ~OA_MASK & ~3
        self.mem.write(table, b"".join(struct.pack("<Q", (base + n * SIZE_4K) | attrs | DESC_TABLE)
                                       for n in range(512)))
        self._write(slot, table | DESC_TABLE)

    def unmap(self, ipa: int, size: int) -> None:
        """Remove [ipa, ipa + size) (page aligned); unmapped parts are ignored."""
        if ipa % SIZE_4K or size % SIZE_4K or ipa < 0 or ipa + size > IPA_LIMIT:
            raise PyxenError("p2m.unmap(0x%x, 0x%x): not page aligned" % (ipa, size))
        end = ipa + size
        while ipa < end:
            slot2 = self._slot(2, ipa, False)
            if slot2 is None:
                ipa = (ipa | (SIZE_2M - 1)) + 1
                continue
            desc = self._read(slot2)
            if desc & 3 == DESC_VALID:
                if not ipa % SIZE_2M and end - ipa >= SIZE_2M:
                    self._write(slot2, 0)
                    ipa += SIZE_2M
                    continue
                self._split(ipa)
            slot3 = self._slot(3, ipa, False)
            if slot3 is not None:
                self._write(slot3, 0)
            ipa += SIZE_4K
        self._changed()

    def lookup(self, ipa: int) -> Optional[Tuple[int, bool]]:
        """(pa, writable) of `ipa`, or None: the walk the MMU makes, in Python."""
        if not 0 <= ipa < IPA_LIMIT:
            return None
        for level in (1, 2, 3):
            slot = self._slot(level, ipa, False)
            if slot is None:
                return None
            desc = self._read(slot)
            if not desc & 1:
                return None
            if level == 3 and desc & 3 != DESC_TABLE:
                return None
            if level == 3 or desc & 3 == DESC_VALID:
                mask = (1 << SHIFT[level]) - 1
                pa = (desc & OA_MASK & ~mask) | (ipa & mask)
                return pa, bool(desc & S2AP_WRITE)
        return None

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
