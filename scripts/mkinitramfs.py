#!/usr/bin/env python3
"""Pack a directory as a gzip-compressed cpio "newc" archive: an initramfs.

    mkinitramfs.py DIR OUT.gz

The newc format (Linux's Documentation/driver-api/early-userspace/
buffer-format.rst): per entry a 110-byte ASCII header of "070701" and
thirteen 8-digit hex fields, the NUL-terminated name, padding to 4 bytes,
the data (a symlink's data is its target), padding to 4 bytes; a last
entry named "TRAILER!!!".  Entries are sorted, owned by root, and the gzip
header carries no time stamp, so the same directory gives the same bytes.
"""
import gzip
import os
import stat
import sys


def _pad4(n: int) -> bytes:
    return b"\0" * (-n % 4)


def newc_entry(name: str, mode: int, data: bytes, ino: int, nlink: int = 1, mtime: int = 0) -> bytes:
    encoded = name.encode() + b"\0"
    fields = (ino, mode, 0, 0, nlink, mtime, len(data), 0, 0, 0, 0, len(encoded), 0)
    header = b"070701" + b"".join(b"%08X" % f for f in fields)
    return header + encoded + _pad4(len(header) + len(encoded)) + data + _pad4(len(data))


def pack(root: str) -> bytes:
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            paths.append(os.path.relpath(os.path.join(dirpath, name), root))
    out = bytearray()
    for ino, rel in enumerate(sorted(paths), start=1):
        full = os.path.join(root, rel)
        st = os.lstat(full)
        if stat.S_ISLNK(st.st_mode):
            data = os.readlink(full).encode()
        elif stat.S_ISREG(st.st_mode):
            with open(full, "rb") as f:
                data = f.read()
        elif stat.S_ISDIR(st.st_mode):
            data = b""
        else:
            continue
        out += newc_entry(rel, st.st_mode, data, ino, 2 if stat.S_ISDIR(st.st_mode) else 1)
    out += newc_entry("TRAILER!!!", 0, b"", 0)
    return bytes(out)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: mkinitramfs.py DIR OUT.gz")
    with open(sys.argv[2], "wb") as f:
        f.write(gzip.compress(pack(sys.argv[1]), compresslevel=9, mtime=0))


if __name__ == "__main__":
    main()
