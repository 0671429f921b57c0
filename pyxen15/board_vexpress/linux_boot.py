"""Booting Linux on the board as its firmware would (Linux's
Documentation/arch/arm/booting.rst, "Calling the kernel image").

The kernel image may be:

* a **zImage** (the magic 0x016F2818 at offset 0x24, start and end
  addresses at 0x28/0x2C).  When its payload is an XZ or gzip stream, it
  is decompressed here on the host and the raw kernel is booted at RAM +
  TEXT_OFFSET, skipping the decompressor (for Debian's kernel, about 2
  billion guest instructions).  The first XZ/gzip magic in the file need
  not be the stream (Debian's zImage has a constant inside the
  decompressor that looks like one), so each candidate is tried in turn
  and the first that decompresses whole is the payload.  Otherwise the
  zImage itself is loaded at RAM + 0x10000 (as QEMU does) and its
  decompressor runs.
* a raw **Image**, booted at RAM + TEXT_OFFSET;
* an **ELF vmlinux**, its segments at RAM + (virtual address - PAGE_OFFSET).

TEXT_OFFSET (where in the first 128 MiB of RAM the kernel runs) is read
from the kernel's own entry code: ``head.S`` computes PHYS_OFFSET as
``__pa(_text) - TEXT_OFFSET`` with one ``sub r8, r8, #TEXT_OFFSET`` in its
first instructions (kernels since 5.x), or from the ``.long .`` /
``.long PAGE_OFFSET`` literal pair of older ones; failing both, the
traditional 0x8000.  The kernel checks that its load address minus
TEXT_OFFSET is 2 MiB aligned and spins forever otherwise, so guessing
wrong would hang silently: every path here is tested.

The initrd goes at RAM + min(RAM/2, 128 MiB) (QEMU's choice), or above
the kernel if that is higher; the DTB follows it, 4 KiB aligned.  The DTB
is a copy of the user's with /chosen (bootargs, linux,initrd-start/end)
and the /memory node's reg written.  Entry state: MMU and caches off, r0 =
0, r1 = ~0 (no machine number: a device tree), r2 = the DTB's address,
HYP mode (as firmware starts Linux on a virtualization-capable A15) or
SVC, with A, I and F masked.
"""

import lzma
import struct
import zlib
from typing import Callable, List, NamedTuple, Optional, Tuple

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from .. import fdt
from ..errors import PyxenError
from .memmap import RAM_BASE

ZIMAGE_MAGIC = 0x016F2818
XZ_MAGIC = b"\xfd7zXZ\x00"
GZIP_MAGIC = b"\x1f\x8b\x08"
DEFAULT_TEXT_OFFSET = 0x8000
ZIMAGE_LOAD_OFFSET = 0x10000
INITRD_OFFSET_MAX = 128 << 20
# Room left above a raw kernel for its BSS (which the Image does not hold)
# before the initrd: a quarter of the image, at least 1 MiB.
BSS_SLACK_MIN = 1 << 20
COMMAND_LINE_SIZE = 1024          # arch/arm's COMMAND_LINE_SIZE, with the NUL
MAX_CPUS = 4


class KernelImage(NamedTuple):
    kind: str                       # "zImage (xz)", "zImage (gzip)", "zImage", "Image", "ELF"
    segments: List[Tuple[int, bytes]]   # (offset from RAM base, bytes)
    entry_offset: int               # entry point, from RAM base
    end_offset: int                 # first byte past the kernel, from RAM base


class BootPlan(NamedTuple):
    kernel: KernelImage
    dtb: bytes
    dtb_addr: int
    initrd_addr: Optional[int]
    initrd: Optional[bytes]
    cpus: int                       # CPU nodes in the DTB
    entry: int


# -- the kernel image ---------------------------------------------------------------


def _read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as err:
        raise PyxenError("cannot read %s %s: %s" % (what, path, err.strerror))


def modified_immediate(insn: int) -> int:
    """ARMExpandImm (A5.2.4) of an A32 data-processing instruction."""
    rot = ((insn >> 8) & 0xF) * 2
    imm = insn & 0xFF
    return ((imm >> rot) | (imm << (32 - rot))) & 0xFFFFFFFF if rot else imm


def text_offset(image: bytes) -> int:
    """TEXT_OFFSET of a raw ARM kernel Image, from its entry code."""
    n = min(len(image), 0x400) // 4
    words = struct.unpack_from("<%dI" % n, image)
    for w in words:
        # SUB r8, r8, #imm (cond AL): PHYS_OFFSET = __pa(_text) - TEXT_OFFSET
        if w & 0xFFFFF000 == 0xE2488000:
            return modified_immediate(w)
    for i in range(n - 1):
        # 2: .long . / .long PAGE_OFFSET -- the literal's own address is
        # PAGE_OFFSET + TEXT_OFFSET + its offset in the image.
        here, page_offset = words[i], words[i + 1]
        if page_offset in (0x40000000, 0x80000000, 0xB0000000, 0xC0000000):
            offset = here - page_offset - 4 * i
            if 0 <= offset < (1 << 27) and offset & 0xFFF == 0:
                return offset
    return DEFAULT_TEXT_OFFSET


def _xz_stream_header(data: bytes, at: int) -> bool:
    """A real XZ stream header: magic, two flag bytes and their CRC32
    (xz-file-format 2.1.1), not just the magic bytes."""
    flags = data[at + 6:at + 8]
    return len(data) >= at + 12 and flags[0] == 0 and struct.unpack_from("<I", data, at + 8)[0] == zlib.crc32(flags)


def _payload(path: str, data: bytes) -> Optional[Tuple[str, bytes]]:
    """The zImage's XZ or gzip payload, decompressed; None if it has neither.

    A candidate that is really a stream (an XZ header with a valid CRC, or
    gzip that unpacks past its first MiB) and then fails is a corrupt
    kernel, not another format."""
    for name, magic in (("xz", XZ_MAGIC), ("gzip", GZIP_MAGIC)):
        at = data.find(magic)
        while at >= 0:
            dec = lzma.LZMADecompressor(lzma.FORMAT_XZ) if name == "xz" else zlib.decompressobj(16 + zlib.MAX_WBITS)
            out = b""
            try:
                out = dec.decompress(data[at:])
                if dec.eof and len(out) > 0x1000:
                    return name, out
                error = "the stream ends early"
            except (lzma.LZMAError, zlib.error, EOFError) as err:
                error = str(err)
            if (name == "xz" and _xz_stream_header(data, at)) or len(out) > (1 << 20):
                raise PyxenError("kernel %s: its %s payload at offset 0x%x is corrupt (%s)" % (path, name, at, error))
            at = data.find(magic, at + 1)
    return None


def load_kernel(path: str) -> KernelImage:
    data = _read(path, "kernel")
    if len(data) < 0x40:
        raise PyxenError("kernel %s is too short (%d bytes) to be a kernel image" % (path, len(data)))
    if data[:4] == b"\x7fELF":
        return _elf_kernel(path)
    magic, start, end = struct.unpack_from("<III", data, 0x24)
    if magic == ZIMAGE_MAGIC:
        if end > len(data) or (start and end < start):
            raise PyxenError("kernel %s is a truncated zImage (its header says %d bytes, the file has %d)"
                             % (path, end - start, len(data)))
        found = _payload(path, data)
        if found is not None:
            name, image = found
            off = text_offset(image)
            return KernelImage("zImage (%s)" % name, [(off, image)], off, off + len(image))
        return KernelImage("zImage", [(ZIMAGE_LOAD_OFFSET, data)], ZIMAGE_LOAD_OFFSET,
                           ZIMAGE_LOAD_OFFSET + len(data))
    if data[:2] == GZIP_MAGIC[:2] or data[:6] == XZ_MAGIC:
        raise PyxenError("kernel %s is a compressed file, not a kernel image (decompress it, or pass the zImage)" % path)
    off = text_offset(data)
    return KernelImage("Image", [(off, data)], off, off + len(data))


def _elf_kernel(path: str) -> KernelImage:
    try:
        with open(path, "rb") as f:
            elf = ELFFile(f)
            if elf.elfclass != 32 or not elf.little_endian or elf["e_machine"] != "EM_ARM":
                raise PyxenError("kernel %s is not a 32-bit little-endian ARM ELF file" % path)
            segs = [s for s in elf.iter_segments() if s["p_type"] == "PT_LOAD" and s["p_memsz"]]
            if not segs:
                raise PyxenError("kernel %s has no loadable segments" % path)
            page_offset = min(s["p_vaddr"] for s in segs) & 0xF0000000
            out = []
            end = 0
            for s in segs:
                off = s["p_vaddr"] - page_offset
                body = s.data()
                out.append((off, body + bytes(s["p_memsz"] - len(body))))
                end = max(end, off + s["p_memsz"])
            entry = elf["e_entry"] - page_offset
    except (ELFError, ValueError, KeyError, struct.error) as err:
        raise PyxenError("kernel %s is not a valid ELF file (%s)" % (path, err))
    except OSError as err:
        raise PyxenError("cannot read kernel %s: %s" % (path, err.strerror))
    return KernelImage("ELF", out, entry, end)


# -- the device tree ------------------------------------------------------------------


def check_bootargs(text: str) -> str:
    if len(text.encode("utf-8")) >= COMMAND_LINE_SIZE:
        raise PyxenError("--append is %d bytes; the kernel takes at most %d"
                         % (len(text.encode("utf-8")), COMMAND_LINE_SIZE - 1))
    bad = [c for c in text if not (c == "\t" or " " <= c <= "~")]
    if bad:
        raise PyxenError("--append contains %r: only printable ASCII and tabs are accepted" % bad[0])
    return text


def read_dtb(path: str) -> fdt.DeviceTree:
    data = _read(path, "DTB")
    try:
        return fdt.parse(data)
    except fdt.FdtError as err:
        raise PyxenError("DTB %s is not a valid device tree: %s" % (path, err))


def dtb_cpus(tree: fdt.DeviceTree) -> int:
    cpus = tree.find("/cpus")
    if cpus is None:
        return 1
    return sum(1 for c in cpus.children if c.string("device_type") == "cpu") or 1


def _root_cells(tree: fdt.DeviceTree) -> Tuple[int, int]:
    ac = tree.root.u32s("#address-cells") or [2]
    sc = tree.root.u32s("#size-cells") or [1]
    if ac[0] not in (1, 2) or sc[0] not in (1, 2):
        raise PyxenError("DTB root has #address-cells %d / #size-cells %d; 1 or 2 expected" % (ac[0], sc[0]))
    return ac[0], sc[0]


def patch_dtb(tree: fdt.DeviceTree, ram_base: int, ram_size: int, bootargs: Optional[str],
              initrd: Optional[Tuple[int, int]]) -> bytes:
    """Write /memory's reg, /chosen's bootargs and initrd range; the new blob."""
    ac, sc = _root_cells(tree)
    memory = [n for n in tree.root.children if n.string("device_type") == "memory"]
    if not memory:
        raise PyxenError("DTB has no memory node (device_type = \"memory\")")
    for extra in memory[1:]:
        tree.root.children.remove(extra)
    memory[0].set_u32s("reg", fdt.cells(ram_base, ac) + fdt.cells(ram_size, sc))
    chosen = tree.root.add_child("chosen")
    if bootargs is not None:
        chosen.set_string("bootargs", bootargs)
    for prop in ("linux,initrd-start", "linux,initrd-end"):
        chosen.props.pop(prop, None)
    if initrd is not None:
        chosen.set_u32s("linux,initrd-start", fdt.cells(initrd[0], ac))
        chosen.set_u32s("linux,initrd-end", fdt.cells(initrd[1], ac))
    return fdt.build(tree)


# -- the plan -------------------------------------------------------------------------


def _align(value: int, to: int) -> int:
    return (value + to - 1) & ~(to - 1)


def plan_boot(kernel_path: str, dtb_path: str, ram_size: int, initrd_path: Optional[str] = None,
              bootargs: Optional[str] = None, ram_base: int = RAM_BASE,
              dtb_writer: Optional[Callable] = None) -> BootPlan:
    """Check every input and decide where everything goes; loads nothing.

    `dtb_writer(tree, ram_base, ram_size, bootargs, initrd_range)` makes the
    blob the kernel gets (default :func:`patch_dtb`; the hypervisor's
    domain_build gives dom0's); its size must not depend on the initrd's
    address, only on whether there is one."""
    if bootargs is not None:
        check_bootargs(bootargs)
    tree = read_dtb(dtb_path)
    kernel = load_kernel(kernel_path)
    if kernel.end_offset > ram_size:
        raise PyxenError("kernel %s (%s, ends at RAM + 0x%x) does not fit in %d MiB of RAM"
                         % (kernel_path, kernel.kind, kernel.end_offset, ram_size >> 20))
    initrd = _read(initrd_path, "initrd") if initrd_path is not None else None
    if initrd is not None and not initrd:
        raise PyxenError("initrd %s is empty" % initrd_path)
    if initrd is not None:
        _check_initramfs(initrd_path, initrd)
    slack = max(BSS_SLACK_MIN, (kernel.end_offset - kernel.entry_offset) // 4)
    floor = _align(kernel.end_offset + slack, 1 << 20)
    place = max(min(ram_size // 2, INITRD_OFFSET_MAX), floor)
    initrd_range = None
    if initrd is not None:
        initrd_range = (ram_base + place, ram_base + place + len(initrd))
        place = _align(place + len(initrd), 4096)
    # The DTB's size does not depend on where it goes (fixed-width cells).
    dtb = (dtb_writer or patch_dtb)(tree, ram_base, ram_size, bootargs, initrd_range)
    if place + len(dtb) > ram_size:
        what = "initrd %s (%d bytes)" % (initrd_path, len(initrd)) if initrd is not None else "the DTB"
        raise PyxenError("%s does not fit in %d MiB of RAM above the kernel" % (what, ram_size >> 20))
    return BootPlan(kernel, dtb, ram_base + place, initrd_range[0] if initrd_range else None,
                    initrd, dtb_cpus(tree), ram_base + kernel.entry_offset)


def _check_initramfs(path: str, data: bytes) -> None:
    """A cpio archive ("newc", "crc" or old ASCII), or one compressed with a
    method Linux unpacks; gzip and XZ (what mkinitramfs and dracut write)
    are decompressed here once, so a corrupt one is caught before the boot."""
    if data[:6] in (b"070701", b"070702", b"070707"):
        return
    try:
        if data.startswith(b"\x1f\x8b"):
            dec = zlib.decompressobj(16 + zlib.MAX_WBITS)
            head = dec.decompress(data)
            if not dec.eof:
                raise EOFError("the stream ends early")
        elif data.startswith(XZ_MAGIC):
            head = lzma.decompress(data, format=lzma.FORMAT_XZ)
        elif any(data.startswith(m) for m in (b"BZh", b"\x02\x21\x4c\x18", b"\x5d\x00\x00",
                                               b"\x28\xb5\x2f\xfd", b"\x89LZO")):
            return                          # bzip2, lz4, lzma, zstd, lzo: left to the kernel
        else:
            raise PyxenError("initrd %s is not a cpio archive (plain or compressed)" % path)
    except (zlib.error, lzma.LZMAError, EOFError) as err:
        raise PyxenError("initrd %s is a corrupt compressed archive (%s)" % (path, err))
    if head[:6] not in (b"070701", b"070702", b"070707"):
        raise PyxenError("initrd %s does not hold a cpio archive" % path)


def load(machine, plan: BootPlan, hyp: bool = True) -> None:
    """Put the plan into the machine's RAM and set the boot CPU's entry state."""
    base = machine.ram.base
    for off, data in plan.kernel.segments:
        machine.mem.write(base + off, data)
    if plan.initrd is not None:
        machine.mem.write(plan.initrd_addr, plan.initrd)
    machine.mem.write(plan.dtb_addr, plan.dtb)
    machine.reset(hyp=hyp)
    cpu = machine.cpu
    cpu.r[0] = 0
    cpu.r[1] = 0xFFFFFFFF
    cpu.r[2] = plan.dtb_addr
    cpu.pc = plan.entry
    cpu.T = 0
    # The other cores wait in the firmware's pen for SYS_FLAGS (the SMP side).
    hold = getattr(machine, "hold_secondaries", None)
    if hold is not None:
        hold()
