"""Register maps of the GIC's interfaces, in the shape of cpu/sysregs.py.

A map is a list of rows: name, offset, how many consecutive 32-bit
registers the row covers (the distributor's per-interrupt arrays), access,
whether byte accesses are allowed, the reset value, and the device's
handlers.  The device
is reached through one ``read(offset, size)`` / ``write(offset, size,
value)`` entry (STYLE.md 6); ``cpu`` is the index of the core that makes
the access, for the banked registers.

A row's behaviour is a pair of device methods ``read_<name>(cpu, index)``
and ``write_<name>(cpu, index, value, bytemask)``; ``index`` is the register
within the row's array, ``bytemask`` the bytes a narrower access writes
(the GIC's byte-accessible registers are IPRIORITYR, ITARGETSR, CPENDSGIR
and SPENDSGIR, GICv2 spec 4.1.4).  A read-only row ignores writes, a
write-only row reads as zero; both, and every offset with no row (the
reserved ones), and a byte access to a word-only register, go through the
named RAZ/WI paths that log once each.
"""

import logging
from typing import Dict, List, NamedTuple, Tuple

log = logging.getLogger(__name__)

MASK32 = 0xFFFFFFFF


class Reg(NamedTuple):
    name: str
    offset: int
    count: int = 1
    access: str = "RW"           # "RW", "RO", "WO"
    bytes_ok: bool = False       # byte accesses allowed (else word only)
    reset: int = 0               # the value a reset gives it (the device's reset() reads it)


class RegisterMap:
    """Dispatch of one interface's accesses to its device's handlers."""

    def __init__(self, title: str, rows: List[Reg]):
        self.title = title
        self.rows = rows
        self._by_word: Dict[int, Tuple[Reg, int]] = {}
        for r in rows:
            for i in range(r.count):
                off = r.offset + 4 * i
                if off in self._by_word:
                    raise ValueError("%s: %s and %s overlap at 0x%x"
                                     % (title, self._by_word[off][0].name, r.name, off))
                self._by_word[off] = (r, i)
        self._logged = set()

    def row(self, name: str) -> Reg:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)

    def reset_value(self, name: str) -> int:
        return self.row(name).reset

    def _once(self, key, fmt: str, *args) -> None:
        if key not in self._logged:
            self._logged.add(key)
            log.info("%s: " + fmt, self.title, *args)

    def read(self, dev, cpu: int, offset: int, size: int) -> int:
        hit = self._by_word.get(offset & ~3)
        if hit is None:
            self._once(("r", offset & ~3), "reserved offset 0x%03x read as zero", offset)
            return 0
        r, i = hit
        if r.access == "WO":
            self._once(("wo", r.name), "write-only %s read as zero", r.name)
            return 0
        if size != 4 and not r.bytes_ok:
            self._once(("sz", r.name), "%d-byte read of word-only %s: zero", size, r.name)
            return 0
        word = getattr(dev, "read_" + r.name.lower())(cpu, i) & MASK32
        shift = (offset & 3) * 8
        return (word >> shift) & ((1 << (8 * size)) - 1)

    def write(self, dev, cpu: int, offset: int, size: int, value: int) -> None:
        hit = self._by_word.get(offset & ~3)
        if hit is None:
            self._once(("w", offset & ~3), "write to reserved offset 0x%03x ignored", offset)
            return
        r, i = hit
        if r.access == "RO":
            self._once(("ro", r.name), "write to read-only %s ignored", r.name)
            return
        if size != 4 and not r.bytes_ok:
            self._once(("sz", r.name), "%d-byte write of word-only %s ignored", size, r.name)
            return
        shift = (offset & 3) * 8
        bytemask = (((1 << size) - 1) << (offset & 3)) & 0xF
        getattr(dev, "write_" + r.name.lower())(cpu, i, (value << shift) & MASK32, bytemask)


def byte_lanes(bytemask: int) -> List[int]:
    """The byte numbers (0-3) a write covers."""
    return [b for b in range(4) if bytemask >> b & 1]
