"""Translated blocks on disk (`pyxen15 run/boot --dump-blocks DIR`).

Every block the engine translates is written to DIR as the Python source it
was compiled from, one file per block key (a block translated again for
the same key overwrites its file), under the name its code carries
(cpu/translate.py ``block_filename``: instruction set, virtual and
physical address, ITSTATE).  Each instruction's comment line gets
capstone's disassembly of its encoding appended, so the file reads as
guest code beside the Python it became; the line numbers stay those of
the compiled code, which tracebacks and pdb name.
"""

import os
import re
from typing import Dict

from ..errors import PyxenError

# "# 80000434: e2433001 SUB_rri" (Emitter.begin)
_COMMENT = re.compile(r"^(\s*# ([0-9a-f]{8}): ([0-9a-f]{4}|[0-9a-f]{8}) \S+)(.*)$")


def file_name(code_filename: str) -> str:
    """'<block A32 va=80000434 pa=80000434>' -> 'A32_va80000434_pa80000434.py'."""
    inner = code_filename.strip("<>").split()
    return "_".join(part.replace("=", "") for part in inner[1:]) + ".py"


class Disassembler:
    """capstone for A32 and T32 (used here only, never on the execution path)."""

    def __init__(self) -> None:
        try:
            import capstone
        except ImportError:
            raise PyxenError("--dump-blocks needs capstone (make setup installs it)")
        self._cs: Dict[str, object] = {
            "A32": capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_ARM),
            "T32": capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB),
        }

    def text(self, isa: str, address: int, hexword: str) -> str:
        word = int(hexword, 16)
        if isa == "A32":
            data = word.to_bytes(4, "little")
        elif len(hexword) == 8:          # a 32-bit T32 instruction: hw1 then hw2
            data = (word >> 16).to_bytes(2, "little") + (word & 0xFFFF).to_bytes(2, "little")
        else:
            data = word.to_bytes(2, "little")
        for insn in self._cs[isa].disasm(data, address):
            return ("%s %s" % (insn.mnemonic, insn.op_str)).strip()
        return "(capstone: no decoding)"


def annotate(source: str, isa: str, dis: Disassembler) -> str:
    """The block's source with each instruction comment followed by its disassembly."""
    out = []
    for line in source.splitlines():
        m = _COMMENT.match(line)
        if m:
            line = "%s    %s%s" % (m.group(1), dis.text(isa, int(m.group(2), 16), m.group(3)), m.group(4))
        out.append(line)
    return "\n".join(out) + "\n"


class BlockDumper:
    """Core.dump_blocks: write each translated block into `directory`."""

    def __init__(self, directory: str) -> None:
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as err:
            raise PyxenError("--dump-blocks %s: %s" % (directory, err.strerror))
        self.directory = directory
        self.dis = Disassembler()
        self.count = 0

    def __call__(self, block) -> None:
        name = block.code.co_filename
        isa = name.split()[1]
        path = os.path.join(self.directory, file_name(name))
        with open(path, "w") as f:
            f.write(annotate(block.source, isa, self.dis))
            # (last, so the file's line numbers are those of the compiled code)
            f.write("# %s: %d instructions, %d cycles\n" % (name, block.n, block.cycles))
        self.count += 1
