#!/usr/bin/env python3
"""Copy kernel modules and everything they depend on into an initramfs.

    initramfs-modules.py MODULES_DIR INITRAMFS_DIR NAME...

MODULES_DIR is /lib/modules/<version> of the kernel's package (it has
modules.order and modules.builtin but no modules.dep: depmod runs at
install time), so the dependencies are read from each module's own
.modinfo ("depends=a,b").  The modules go to INITRAMFS_DIR/lib/modules,
and INITRAMFS_DIR/etc/modules lists them in an order insmod can load
them in (dependencies first); a dependency built into the kernel is
skipped.
"""

import os
import re
import shutil
import sys


def canonical(name: str) -> str:
    return name.replace("-", "_")


def main() -> None:
    mdir, ird, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    paths = {}
    with open(os.path.join(mdir, "modules.order")) as f:
        for line in f:
            rel = line.strip()
            paths[canonical(os.path.basename(rel)[:-3])] = rel
    with open(os.path.join(mdir, "modules.builtin")) as f:
        builtin = {canonical(os.path.basename(line.strip())[:-3]) for line in f}
    order, seen = [], set()

    def visit(name: str) -> None:
        name = canonical(name)
        if name in seen or name in builtin:
            return
        if name not in paths:
            sys.exit("initramfs-modules: no module %s in %s" % (name, mdir))
        seen.add(name)
        with open(os.path.join(mdir, paths[name]), "rb") as f:
            m = re.search(rb"depends=([A-Za-z0-9_,-]*)", f.read())
        for dep in (m.group(1).decode().split(",") if m and m.group(1) else []):
            visit(dep)
        order.append(name)

    for name in names:
        visit(name)
    os.makedirs(os.path.join(ird, "lib", "modules"), exist_ok=True)
    for name in order:
        shutil.copy(os.path.join(mdir, paths[name]), os.path.join(ird, "lib", "modules", name + ".ko"))
    with open(os.path.join(ird, "etc", "modules"), "w") as f:
        f.write("".join(name + "\n" for name in order))


if __name__ == "__main__":
    main()
