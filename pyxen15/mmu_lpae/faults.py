"""Translation and access faults as values (STYLE.md, 5).

The MMU describes what went wrong; only the core turns a fault into an
exception, choosing the FSR/HSR encoding for the mode the abort is taken to
(cpu/exceptions.py, cpu/syndrome.py).
"""

from typing import Optional

# Fault kinds, named as in the ARM ARM's fault status tables (B3.13.3, B3.13.5)
ALIGNMENT = "alignment"
TRANSLATION = "translation"
ACCESS_FLAG = "access_flag"
DOMAIN = "domain"
PERMISSION = "permission"
EXTERNAL = "external"          # synchronous external abort (no slave decodes the address)
EXTERNAL_WALK = "external_walk"  # the same, on a translation table walk (level 1-3)
DEBUG = "debug"


class Fault:
    """One fault: its kind, the faulting virtual address, the access, and
    where in translation it arose -- `level` (1-3; 0 where the kind has
    none), `stage` (1, or 2 for a stage-2 fault), the short-descriptor
    `domain`, the faulting `ipa` of a stage-2 fault (HPFAR) and `s1ptw`
    (the stage-2 fault was on a stage-1 table walk).  `cm` marks a cache
    maintenance operation (HSR.CM)."""
    __slots__ = ("kind", "va", "write", "fetch", "level", "stage", "domain", "ipa", "s1ptw", "cm")

    def __init__(self, kind: str, va: int, write: bool = False, fetch: bool = False,
                 level: int = 0, stage: int = 1, domain: int = 0,
                 ipa: Optional[int] = None, s1ptw: bool = False, cm: bool = False):
        self.kind = kind
        self.va = va
        self.write = write
        self.fetch = fetch
        self.level = level
        self.stage = stage
        self.domain = domain
        self.ipa = ipa
        self.s1ptw = s1ptw
        self.cm = cm

    def __repr__(self) -> str:
        return "Fault(%s, va=0x%08x, %s, level %d, stage %d%s)" % (
            self.kind, self.va, "fetch" if self.fetch else ("write" if self.write else "read"),
            self.level, self.stage, "" if self.ipa is None else ", ipa=0x%x" % self.ipa)


class GuestFault(Exception):
    """Carries a Fault from a memory access out of a translated block to the core."""

    def __init__(self, fault: Fault):
        super().__init__(repr(fault))
        self.fault = fault
