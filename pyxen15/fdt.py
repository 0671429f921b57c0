"""A small flattened-device-tree (DTB) reader and writer.

The format is the Devicetree Specification v0.3, chapter 5: a header of
ten big-endian words, the memory reservation block (pairs of 64-bit
address and size, ended by a zero pair), the structure block (tokens
FDT_BEGIN_NODE with the node's name, FDT_PROP with length, name offset and
value, FDT_END_NODE, FDT_NOP, FDT_END; each padded to 4 bytes) and the
strings block of property names.  :func:`parse` turns a blob into a tree of
:class:`Node` (properties keep their raw bytes, in order); :func:`build`
writes one back (version 17, last compatible version 16, as dtc writes it).

pyxen15 uses it to write /chosen and the memory size into a copy of the
board's DTB before a Linux boot (board_vexpress/linux_boot.py).  Every
malformed blob raises :class:`FdtError` with one line saying what is wrong.
"""

import struct
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9
HEADER = struct.Struct(">10I")
VERSION, LAST_COMP_VERSION = 17, 16


class FdtError(ValueError):
    """A blob that is not a valid flattened device tree."""


class Node:
    def __init__(self, name: str):
        self.name = name
        self.props: Dict[str, bytes] = {}
        self.children: List["Node"] = []

    def __repr__(self) -> str:
        return "<Node %r: %d props, %d children>" % (self.name, len(self.props), len(self.children))

    # -- navigation ------------------------------------------------------------------

    def child(self, name: str) -> Optional["Node"]:
        """The child called `name`; a name without a unit address also
        matches "name@unit" (as paths do in dtc and Linux)."""
        for c in self.children:
            if c.name == name:
                return c
        for c in self.children:
            if c.name.split("@")[0] == name:
                return c
        return None

    def find(self, path: str) -> Optional["Node"]:
        node: Optional[Node] = self
        for part in path.strip("/").split("/"):
            if part and node is not None:
                node = node.child(part)
        return node

    def add_child(self, name: str) -> "Node":
        """The child `name`, created (last) if it does not exist."""
        node = next((c for c in self.children if c.name == name), None)
        if node is None:
            node = Node(name)
            self.children.append(node)
        return node

    def walk(self, parent: Optional[str] = None) -> Iterator[Tuple[str, "Node"]]:
        """(path, node) for this node and every descendant, depth first."""
        path = "/" if parent is None else parent.rstrip("/") + "/" + self.name
        yield path, self
        for c in self.children:
            yield from c.walk(path)

    # -- property values ---------------------------------------------------------------

    def u32s(self, prop: str) -> Optional[List[int]]:
        value = self.props.get(prop)
        if value is None:
            return None
        if len(value) % 4:
            raise FdtError("property %s of %s is not a list of 32-bit cells" % (prop, self.name or "/"))
        return list(struct.unpack(">%dI" % (len(value) // 4), value))

    def string(self, prop: str) -> Optional[str]:
        value = self.props.get(prop)
        if value is None:
            return None
        return value.split(b"\0")[0].decode("utf-8", "replace")

    def strings(self, prop: str) -> List[str]:
        value = self.props.get(prop)
        if not value:
            return []
        return [s.decode("utf-8", "replace") for s in value.rstrip(b"\0").split(b"\0")]

    def set_u32s(self, prop: str, cells: Sequence[int]) -> None:
        self.props[prop] = struct.pack(">%dI" % len(cells), *(c & 0xFFFFFFFF for c in cells))

    def set_string(self, prop: str, text: str) -> None:
        self.props[prop] = text.encode("utf-8") + b"\0"


class DeviceTree:
    def __init__(self, root: Node, reserved: Optional[List[Tuple[int, int]]] = None,
                 boot_cpuid: int = 0):
        self.root = root
        self.reserved = reserved or []
        self.boot_cpuid = boot_cpuid

    def find(self, path: str) -> Optional[Node]:
        return self.root.find(path)


def cells(value: int, n: int) -> List[int]:
    """`value` as n big-endian 32-bit cells (for reg and ranges properties)."""
    return [(value >> (32 * (n - 1 - i))) & 0xFFFFFFFF for i in range(n)]


def parse(blob: bytes) -> DeviceTree:
    if len(blob) < HEADER.size:
        raise FdtError("too short for a device tree header (%d bytes)" % len(blob))
    (magic, totalsize, off_struct, off_strings, off_rsvmap, version, last_comp,
     boot_cpuid, size_strings, size_struct) = HEADER.unpack_from(blob)
    if magic != FDT_MAGIC:
        raise FdtError("bad magic 0x%08x (not a device tree blob)" % magic)
    if totalsize > len(blob):
        raise FdtError("header says %d bytes, the file has %d" % (totalsize, len(blob)))
    if last_comp > VERSION or version < LAST_COMP_VERSION:
        raise FdtError("unsupported version %d (last compatible %d)" % (version, last_comp))
    for name, off, size in (("structure", off_struct, size_struct), ("strings", off_strings, size_strings)):
        if off + size > totalsize:
            raise FdtError("%s block (offset %d, %d bytes) runs past the end" % (name, off, size))
    strings = blob[off_strings:off_strings + size_strings]

    reserved = []
    pos = off_rsvmap
    while True:
        if pos + 16 > totalsize:
            raise FdtError("memory reservation block runs past the end")
        addr, size = struct.unpack_from(">QQ", blob, pos)
        pos += 16
        if addr == 0 and size == 0:
            break
        reserved.append((addr, size))

    end = off_struct + size_struct
    pos = off_struct
    stack: List[Node] = []
    root: Optional[Node] = None

    def word(at: int) -> int:
        if at + 4 > end:
            raise FdtError("structure block ends inside a token")
        return struct.unpack_from(">I", blob, at)[0]

    while True:
        token = word(pos)
        pos += 4
        if token == FDT_BEGIN_NODE:
            nul = blob.find(b"\0", pos, end)
            if nul < 0:
                raise FdtError("unterminated node name")
            node = Node(blob[pos:nul].decode("utf-8", "replace"))
            pos = (nul + 4) & ~3
            if stack:
                stack[-1].children.append(node)
            elif root is None:
                root = node
            else:
                raise FdtError("more than one root node")
            stack.append(node)
        elif token == FDT_END_NODE:
            if not stack:
                raise FdtError("FDT_END_NODE without a node")
            stack.pop()
        elif token == FDT_PROP:
            if not stack:
                raise FdtError("property outside any node")
            length, nameoff = word(pos), word(pos + 4)
            pos += 8
            if pos + length > end:
                raise FdtError("property value runs past the structure block")
            nul = strings.find(b"\0", nameoff)
            if nameoff >= len(strings) or nul < 0:
                raise FdtError("property name offset %d outside the strings block" % nameoff)
            stack[-1].props[strings[nameoff:nul].decode("utf-8", "replace")] = bytes(blob[pos:pos + length])
            pos = (pos + length + 3) & ~3
        elif token == FDT_NOP:
            continue
        elif token == FDT_END:
            break
        else:
            raise FdtError("unknown token 0x%x at offset %d" % (token, pos - 4))
    if root is None or stack:
        raise FdtError("structure block has no complete root node")
    return DeviceTree(root, reserved, boot_cpuid)


def build(tree: DeviceTree) -> bytes:
    """The blob of `tree`: header, reservations, structure, strings."""
    strings = bytearray()
    offsets: Dict[str, int] = {}
    struct_block = bytearray()

    def name_offset(name: str) -> int:
        if name not in offsets:
            offsets[name] = len(strings)
            strings.extend(name.encode("utf-8") + b"\0")
        return offsets[name]

    def pad() -> None:
        struct_block.extend(b"\0" * (-len(struct_block) % 4))

    def emit(node: Node) -> None:
        struct_block.extend(struct.pack(">I", FDT_BEGIN_NODE))
        struct_block.extend(node.name.encode("utf-8") + b"\0")
        pad()
        for name, value in node.props.items():
            struct_block.extend(struct.pack(">III", FDT_PROP, len(value), name_offset(name)))
            struct_block.extend(value)
            pad()
        for c in node.children:
            emit(c)
        struct_block.extend(struct.pack(">I", FDT_END_NODE))

    emit(tree.root)
    struct_block.extend(struct.pack(">I", FDT_END))
    rsvmap = b"".join(struct.pack(">QQ", a, s) for a, s in tree.reserved) + bytes(16)
    off_rsvmap = (HEADER.size + 7) & ~7
    off_struct = off_rsvmap + len(rsvmap)
    off_strings = off_struct + len(struct_block)
    total = off_strings + len(strings)
    header = HEADER.pack(FDT_MAGIC, total, off_struct, off_strings, off_rsvmap, VERSION,
                         LAST_COMP_VERSION, tree.boot_cpuid, len(strings), len(struct_block))
    out = header + bytes(off_rsvmap - HEADER.size) + rsvmap + bytes(struct_block) + bytes(strings)
    assert len(out) == total
    return out
