"""Disassembly for failure reports and template self-checks.

Uses arm-none-eabi-objdump when present, else capstone, else prints raw words.
"""

import os
import re
import shutil
import subprocess
import tempfile

OBJDUMP = os.environ.get("PYXEN15_OBJDUMP", "arm-none-eabi-objdump")
_LINE = re.compile(r"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{4,8} ?)+)\s*\t(.*)$")


def have_objdump():
    return shutil.which(OBJDUMP) is not None


def disassemble(code, addr, thumb):
    """[(address, text)] for a code image."""
    if have_objdump():
        return _objdump(code, addr, thumb)
    try:
        import capstone
    except ImportError:
        return _raw(code, addr, thumb)
    mode = capstone.CS_MODE_THUMB if thumb else capstone.CS_MODE_ARM
    md = capstone.Cs(capstone.CS_ARCH_ARM, mode)
    return [(i.address, "%s\t%s" % (i.mnemonic, i.op_str)) for i in md.disasm(code, addr)]


def _objdump(code, addr, thumb):
    with tempfile.NamedTemporaryFile(suffix=".bin") as fh:
        fh.write(code)
        fh.flush()
        cmd = [OBJDUMP, "-D", "-b", "binary", "-marm", "--adjust-vma=%#x" % addr]
        if thumb:
            cmd.append("-Mforce-thumb")
        out = subprocess.run(cmd + [fh.name], stdout=subprocess.PIPE, check=True,
                             universal_newlines=True).stdout
    res = []
    for line in out.splitlines():
        m = _LINE.match(line)
        if m:
            res.append((int(m.group(1), 16), m.group(3).strip()))
    return res


def _raw(code, addr, thumb):
    step = 2 if thumb else 4
    return [(addr + i, ".word %s" % code[i:i + step][::-1].hex())
            for i in range(0, len(code), step)]


def listing(case, pc_marks=()):
    """The case's code image, one instruction a line, set-up instructions marked."""
    roles = {i.addr: i for i in case.insns}
    lines = []
    for a, text in disassemble(case.code, case.code_addr, case.thumb):
        insn = roles.get(a)
        tag = ""
        if insn is not None:
            tag = "  ; %s%s" % (insn.tmpl.name, "" if insn.role == "test" else " (%s)" % insn.role)
            if insn.target is not None:
                tag += " -> %#x" % insn.target
        elif a >= case.code_addr + sum(i.size for i in case.insns):
            tag = "  ; trailer"
        mark = "=>" if a in pc_marks else "  "
        lines.append("%s %08x: %s%s" % (mark, a, text, tag))
    return "\n".join(lines)
