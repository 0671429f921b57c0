"""Loading guest images: ELF executables (pyelftools) and raw binaries."""

from typing import Tuple

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from .bus import BusError
from .errors import PyxenError

EM_ARM = 40


def load_elf(path: str, mem) -> Tuple[int, int]:
    """Copy an ARM ELF's loadable segments to their physical addresses.

    Returns (entry address, Thumb bit): an entry with bit 0 set starts in
    Thumb state, as an interworking branch to it would.
    """
    try:
        f = open(path, "rb")
    except OSError as err:
        raise PyxenError("cannot read %s: %s" % (path, err.strerror))
    with f:
        try:
            elf = ELFFile(f)
            if elf.elfclass != 32 or not elf.little_endian or elf["e_machine"] != "EM_ARM":
                raise PyxenError("%s is not a 32-bit little-endian ARM ELF file" % path)
            for seg in elf.iter_segments():
                if seg["p_type"] != "PT_LOAD" or seg["p_memsz"] == 0:
                    continue
                data = seg.data()
                addr = seg["p_paddr"]
                try:
                    mem.write(addr, data + bytes(seg["p_memsz"] - len(data)))
                except BusError:
                    raise PyxenError("%s: segment at 0x%08x (%d bytes) is outside RAM"
                                     % (path, addr, seg["p_memsz"]))
            entry = elf["e_entry"]
        except (ELFError, ValueError, KeyError) as err:
            raise PyxenError("%s is not a valid ELF file (%s)" % (path, err))
    return entry & ~1, entry & 1
