"""Translated blocks a debugger can show (issue 9, item 5): their source in
linecache under a unique name, --dump-blocks with capstone's disassembly,
and a handler that raises while translating is an error in the tests."""

import linecache
import logging
import os
import subprocess
import sys
import traceback

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "cpu"))
from snippets import CODE, assemble, machine_at  # noqa: E402

from pyxen15.cpu import core as core_mod  # noqa: E402
from pyxen15.cpu.decode import decode  # noqa: E402
from pyxen15.debug.blocks import BlockDumper  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = """
    mov r0, #1
    add r1, r0, #2
    ldr r2, =0x80010000
    str r1, [r2]
    b .
"""


def run_snippet(src=SRC, insns=1000):
    m = machine_at(assemble(src))
    m.run(max_insns=insns)
    return m


def first_block(m):
    return next(e[3] for e in m.cpu.blocks.values() if e[3].key & 0xFFFFFFFF == CODE)


def test_block_source_is_in_linecache_under_a_unique_name():
    m = run_snippet()
    block = first_block(m)
    name = block.code.co_filename
    assert name == "<block A32 va=%08x pa=%08x>" % (CODE, CODE)
    assert linecache.getlines(name) == block.source.splitlines(True)
    names = {e[3].code.co_filename for e in m.cpu.blocks.values()}
    assert len(names) == len(m.cpu.blocks)


def test_a_traceback_through_a_block_shows_its_source_line():
    m = machine_at(assemble(SRC))

    def hook(*_args):
        raise RuntimeError("look")
    m.hooks.add_mem(hook, 0x80010000, 0x80010004)
    with pytest.raises(RuntimeError) as info:
        m.run(max_insns=1000)
    text = "".join(traceback.format_exception(info.type, info.value, info.tb))
    assert 'File "<block A32 va=%08x' % CODE in text
    assert "st32(" in text                 # the block's line, read back from linecache


def test_dump_blocks_writes_each_block_with_capstone_disassembly(tmp_path):
    m = machine_at(assemble(SRC))
    dumper = BlockDumper(str(tmp_path))
    m.cpu.dump_blocks = dumper
    m.run(max_insns=1000)
    block = first_block(m)
    text = (tmp_path / ("A32_va%08x_pa%08x.py" % (CODE, CODE))).read_text()
    lines = text.splitlines()
    assert "    # %08x: e3a00001 MOV_rri    mov r0, #1" % CODE in lines
    assert "    # %08x: e2801002 ADD_rri    add r1, r0, #2" % (CODE + 4) in lines
    # the same lines as the compiled code, so line numbers match tracebacks
    for mine, dumped in zip(block.source.splitlines(), lines):
        assert dumped.startswith(mine)
    assert dumper.count == len(m.cpu.blocks)


def test_dump_blocks_on_the_command_line(tmp_path):
    out = tmp_path / "blocks"
    p = subprocess.run([sys.executable, "-m", "pyxen15.cli", "run", os.path.join(ROOT, "guests/build/hello.elf"),
                        "--dump-blocks", str(out)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    files = os.listdir(out)
    assert "A32_va80000000_pa80000000.py" in files and len(files) > 5
    bad = subprocess.run([sys.executable, "-m", "pyxen15.cli", "run", os.path.join(ROOT, "guests/build/hello.elf"),
                          "--dump-blocks", os.path.join(ROOT, "README.md")], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode != 0 and bad.stderr.count("\n") == 1 and "--dump-blocks" in bad.stderr


@pytest.fixture
def broken_mov(monkeypatch):
    handler = decode("A32", 0xE3A00001).pattern.handler

    def emit(em, f):
        raise KeyError("a handler bug")
    monkeypatch.setattr(handler, "emit", emit)


def test_handler_that_raises_while_translating_fails_the_test_suite(broken_mov):
    assert core_mod.STRICT_TRANSLATION        # tests/conftest.py
    m = machine_at(assemble(SRC))
    with pytest.raises(core_mod.TranslationError, match="MOV_rri 0xe3a00001 at 0x80000000"):
        m.run(max_insns=5)


def test_outside_the_tests_it_is_an_undef_and_one_error_line(broken_mov, monkeypatch, caplog):
    monkeypatch.setattr(core_mod, "STRICT_TRANSLATION", False)
    m = machine_at(assemble(SRC))
    m.cpu.sys.vbar = 0x80002000
    with caplog.at_level(logging.ERROR):
        m.run(max_insns=1)
    assert m.cpu.pc == 0x80002004 and m.cpu.mode == 0x1B       # the Undefined Instruction vector
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "\n" not in errors[0].getMessage() and errors[0].exc_info is None
    assert "MOV_rri" in errors[0].getMessage()
