"""UNDEFINED where QEMU's cortex-a15 says so, in INT's part of the Advanced SIMD
space (A7.4.1 integer rows, A7.4.2, A7.4.3 integer forms, A7.4.4, A7.4.6).

Random words of those groups -- every field drawn, odd Q registers, reserved sizes,
unallocated rows included -- each run under ``qemu-arm -cpu cortex-a15`` (a SIGILL at
the word is UNDEFINED there) and decoded and translated by pyxen15 (its handler
emits the Undefined Instruction exception or not).  The two must agree for every
word.  A word in a T32 IT block is left out: whether it runs depends on the
condition.  The neon_templates_int.py streams check the results of the rest.
"""

import pytest

from pyxen15.cpu.decode import decode
from pyxen15.cpu.translate import Emitter

from . import gen, neon, qemu_ref

CASES = 320                 # per instruction set: some 400 words, about two-thirds UNDEFINED

# The raw groups: every bit a field but those naming the group.
RAW = (
    ("XU_same", "1111 001 u:1 0 d:1 size:2 vn:4 vd:4 a:4 n:1 q:1 m:1 b:1 vm:4",
     lambda f: f["a"] < 12),                                    # A = 1100-1111: FP's rows
    ("XU_long", "1111 001 u:1 1 d:1 size:2 vn:4 vd:4 a:4 n:1 s:1 m:1 0 vm:4",
     lambda f: f["size"] != 3 and not (f["s"] and f["a"] in (1, 5, 9))),   # F = 1: FP's
    ("XU_shift", "1111 001 u:1 1 d:1 imm6:6 vd:4 a:4 l:1 q:1 m:1 1 vm:4", None),
)


def handler_undefined(isa: str, word: int) -> bool:
    """Whether pyxen15 translates `word` to the Undefined Instruction exception."""
    insn = decode("A32" if isa == "a32" else "T32", word)
    if insn.pattern is None:
        return True
    e = Emitter("A32" if isa == "a32" else "T32", 0)
    e.begin(0x1000, 4, 0xE, "probe")
    taken = []
    e.undefined = lambda: taken.append(True)
    insn.pattern.handler.emit(e, insn.f)
    return bool(taken)


@pytest.fixture
def raw_templates():
    """The raw groups as templates for the duration of one test only."""
    neon._load()
    saved_rows, saved = list(neon.ROWS), neon._TEMPLATES
    for name, pattern, check in RAW:
        neon.simd(name, pattern, "neon_undef_probe", check=check)
    neon._TEMPLATES = None
    neon._load()
    try:
        yield [name for name, _, _ in RAW]
    finally:
        neon.ROWS[:] = saved_rows
        neon._TEMPLATES = saved


@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_int_groups_undefined_exactly_where_qemu_says(isa, seed, need_qemu, raw_templates):
    g = neon.NeonGenerator(isa, only=raw_templates, max_tests=1)
    cases = [g.case("undef-%s" % seed, i) for i in range(CASES)]
    refs = []
    for start in range(0, len(cases), gen.NSLOTS):
        refs += qemu_ref.run_batch(cases[start:start + gen.NSLOTS])
    checked = undefined = 0
    wrong = []
    for case, ref in zip(cases, refs):
        crash = isinstance(ref, qemu_ref.Crash)
        assert not crash or ref.signo == 4, "QEMU: %s" % ref
        after = {b.addr: a.tmpl.name for a, b in zip(case.insns, case.insns[1:])}
        for insn in case.insns:
            if not insn.tmpl.name.startswith("XU_"):
                continue
            if crash and insn.addr > ref.pc:
                break                        # not run: the batch went on without it
            if after.get(insn.addr, "").startswith("IT"):
                continue
            qemu_undef = crash and insn.addr == ref.pc
            checked += 1
            undefined += qemu_undef
            if handler_undefined(isa, insn.word()) != qemu_undef:
                wrong.append("%08x: QEMU %s, pyxen15 %s" % (
                    insn.word(), "UNDEFINED" if qemu_undef else "runs it",
                    "UNDEFINED" if not qemu_undef else "runs it"))
    assert not wrong, "%d of %d words:\n%s" % (len(wrong), checked, "\n".join(wrong[:20]))
    assert checked >= CASES and 0.3 * checked < undefined < 0.9 * checked
