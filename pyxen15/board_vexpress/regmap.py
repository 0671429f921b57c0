"""Memory-mapped devices as register maps (STYLE.md 6).

A device class lists its registers as rows, in the shape of
``cpu/sysregs.py``: offset, name, access, reset value, write mask.  One
``read(offset, size)`` / ``write(offset, size, value)`` entry serves every
row:

* a row with a ``read_<name>`` / ``write_<name>`` method on the device gets
  its behaviour there (a FIFO, a counter, a write-one-to-clear register);
* any other row is plain storage: a read gives the stored value, a write
  stores ``value & mask``;
* ``access`` is ``"RW"``, ``"RO"`` or ``"WO"``: a write to an RO row and a
  read of a WO row are ignored (read as zero), logged once each;
* an offset with no row is reserved: read as zero, write ignored, logged
  once per offset -- the named RAZ/WI path.  A guest never gets a Python
  exception from a device.

The registers are 32 bits wide and word aligned, as on every APB
peripheral of the board.  A narrower access (Linux's PL011 driver uses
16-bit accesses) sees the bytes of the word it falls in; a narrower write
to a storage row merges into the stored word.

PrimeCell peripherals end with eight identification registers at
0xFE0-0xFFC (ARM's PrimeCell TRMs, "Identification registers"): the
peripheral ID (part number [11:0], designer [19:12] = 0x41 for ARM,
revision [23:20], configuration [31:24]) one byte per register, then the
component ID 0xB105F00D.  Linux's AMBA bus reads them to match a driver.
"""

import logging
from typing import Dict, List, NamedTuple, Optional

log = logging.getLogger(__name__)

MASK32 = 0xFFFFFFFF
PRIMECELL_CID = 0xB105F00D
ARM_DESIGNER = 0x41


class Reg(NamedTuple):
    offset: int
    name: str
    access: str = "RW"        # "RW", "RO" or "WO"
    reset: int = 0
    mask: int = MASK32         # the bits a write to a storage row keeps


def primecell_id_regs(part: int, revision: int, designer: int = ARM_DESIGNER,
                      config: int = 0, cid: int = PRIMECELL_CID) -> List[Reg]:
    """The eight read-only ID rows PeriphID0-3 and PCellID0-3 for one part."""
    pid = (part & 0xFFF) | (designer & 0xFF) << 12 | (revision & 0xF) << 20 | (config & 0xFF) << 24
    rows = [Reg(0xFE0 + 4 * i, "PeriphID%d" % i, "RO", (pid >> (8 * i)) & 0xFF) for i in range(4)]
    rows += [Reg(0xFF0 + 4 * i, "PCellID%d" % i, "RO", (cid >> (8 * i)) & 0xFF) for i in range(4)]
    return rows


class RegisterDevice:
    """Base class: subclasses set ``REGS`` (a list of :class:`Reg`) and ``size``."""

    REGS: List[Reg] = []
    size = 0x1000

    def __init__(self, name: str):
        self.name = name
        self._rows: Dict[int, Reg] = {r.offset: r for r in self.REGS}
        assert len(self._rows) == len(self.REGS), "%s: two rows at one offset" % type(self).__name__
        self._readers = {r.offset: getattr(self, "read_" + r.name.lower(), None) for r in self.REGS}
        self._writers = {r.offset: getattr(self, "write_" + r.name.lower(), None) for r in self.REGS}
        self._logged = set()
        self.regs: Dict[str, int] = {}
        self.reset()

    def reset(self) -> None:
        """Every storage row back to its reset value (subclasses extend)."""
        self.regs = {r.name: r.reset for r in self.REGS}

    # -- the one entry -------------------------------------------------------------

    def read(self, offset: int, size: int) -> int:
        word = offset & ~3
        row = self._rows.get(word)
        if row is None:
            self._once("read of reserved offset 0x%03x (RAZ)" % offset)
            return 0
        if row.access == "WO":
            self._once("read of write-only %s (RAZ)" % row.name)
            return 0
        reader = self._readers[word]
        value = reader() if reader is not None else self.regs[row.name]
        shift = (offset & 3) * 8
        return (value >> shift) & ((1 << (8 * size)) - 1) if size < 4 or shift else value & MASK32

    def write(self, offset: int, size: int, value: int) -> None:
        word = offset & ~3
        row = self._rows.get(word)
        if row is None:
            self._once("write of reserved offset 0x%03x (ignored)" % offset)
            return
        if row.access == "RO":
            self._once("write of read-only %s (ignored)" % row.name)
            return
        value &= (1 << (8 * size)) - 1 if size < 4 else MASK32
        writer = self._writers[word]
        if writer is not None:
            writer(value << ((offset & 3) * 8))
            return
        if size < 4:
            shift = (offset & 3) * 8
            keep = ~(((1 << (8 * size)) - 1) << shift) & MASK32
            value = (self.regs[row.name] & keep) | (value << shift)
        self.regs[row.name] = value & row.mask

    def _once(self, what: str) -> None:
        if what not in self._logged:
            self._logged.add(what)
            log.info("%s: %s", self.name, what)


class Unmodelled:
    """A region of the board's map that pyxen15 does not model.

    It reads as zero and ignores writes, logging the first access, so a
    driver probing it finds nothing there.  ``ids`` (offset -> value) are
    the exceptions: a PrimeCell region reads a valid component ID and a
    peripheral ID no Linux driver matches (:data:`UNMATCHED_PART`), so the
    AMBA bus adds the device, no driver binds, and the boot goes on quietly
    (a peripheral ID of zero would make the bus defer the probe forever).
    """

    def __init__(self, name: str, size: int, ids: Optional[Dict[int, int]] = None):
        self.name = name
        self.size = size
        self.ids = ids or {}
        self._logged = False

    def read(self, offset: int, size: int) -> int:
        self._once("read", offset)
        word = self.ids.get(offset & ~3)
        if word is None:
            return 0
        return (word >> ((offset & 3) * 8)) & ((1 << (8 * size)) - 1)

    def write(self, offset: int, size: int, value: int) -> None:
        self._once("write", offset)

    def _once(self, what: str, offset: int) -> None:
        if not self._logged:
            self._logged = True
            log.info("%s: %s at offset 0x%x of an unmodelled device (RAZ/WI)", self.name, what, offset)


# A part number no driver in Linux's AMBA tables claims (designer ARM):
# PrimeCell stubs report it so that nothing binds to them.
UNMATCHED_PART = 0xFFF


def unmatched_primecell_ids(size: int = 0x1000) -> Dict[int, int]:
    """The ID words (offset -> value) of a PrimeCell stub of `size` bytes."""
    base = size - 0x1000
    return {base + r.offset: r.reset for r in primecell_id_regs(UNMATCHED_PART, 0)}
