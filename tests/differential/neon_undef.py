"""UNDEFINED where QEMU's cortex-a15 says so: the machinery of the three
test_diff_neon_*_undef.py tests, one per owner's part of the Advanced SIMD space.

Each test names raw groups of its encodings -- every bit a field but those naming
the group -- as templates for the one test (:func:`raw_templates`).  Random words
of them are run under ``qemu-arm -cpu cortex-a15`` (a SIGILL at the word is
UNDEFINED there) and decoded and translated by pyxen15 (:func:`handler_undefined`:
whether the handler emits the Undefined Instruction exception), and
:func:`check_undefined` asserts the two agree for every word.  A word in a T32 IT
block is left out: whether it runs depends on the condition.
"""

import contextlib

from pyxen15.cpu.decode import decode
from pyxen15.cpu.translate import Emitter

from . import gen, neon, qemu_ref

CASES = 320                 # per instruction set: some 400 words


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


@contextlib.contextmanager
def raw_templates(groups):
    """`groups` (name, pattern, simd() keywords) as templates while the block runs."""
    neon._load()
    saved_rows, saved = list(neon.ROWS), neon._TEMPLATES
    for name, pattern, kw in groups:
        neon.simd(name, pattern, "neon_undef_probe", **kw)
    neon._TEMPLATES = None
    neon._load()
    try:
        yield [name for name, _, _ in groups]
    finally:
        neon.ROWS[:] = saved_rows
        neon._TEMPLATES = saved


def check_undefined(isa: str, seed, groups, min_share: float, skip=lambda name, f: False) -> None:
    """Run CASES cases of the raw `groups` on QEMU and compare each word's
    UNDEFINED with pyxen15's; `skip(name, fields)` leaves words out (the
    UNPREDICTABLE ones where the two may differ by design).  At least
    `min_share` of the words checked must be UNDEFINED, so that the draw
    reaches the encodings that are."""
    with raw_templates(groups) as names:
        g = neon.NeonGenerator(isa, only=names, max_tests=1)
        cases = [g.case("undef-%s-%s" % (names[0], seed), i) for i in range(CASES)]
        refs = []
        for start in range(0, len(cases), gen.NSLOTS):
            refs += qemu_ref.run_batch(cases[start:start + gen.NSLOTS])
    names = set(names)
    checked = undefined = 0
    wrong = []
    for case, ref in zip(cases, refs):
        crash = isinstance(ref, qemu_ref.Crash)
        assert not crash or ref.signo == 4, "QEMU: %s" % ref
        after = {b.addr: a.tmpl.name for a, b in zip(case.insns, case.insns[1:])}
        for insn in case.insns:
            if insn.tmpl.name not in names:
                continue
            if crash and insn.addr > ref.pc:
                break                        # not run: the batch went on without it
            if after.get(insn.addr, "").startswith("IT") or skip(insn.tmpl.name, insn.f):
                continue
            qemu_undef = crash and insn.addr == ref.pc
            checked += 1
            undefined += qemu_undef
            if handler_undefined(isa, insn.word()) != qemu_undef:
                wrong.append("%08x (%s): QEMU %s, pyxen15 %s" % (
                    insn.word(), insn.tmpl.name, "UNDEFINED" if qemu_undef else "runs it",
                    "UNDEFINED" if not qemu_undef else "runs it"))
    assert not wrong, "%d of %d words:\n%s" % (len(wrong), checked, "\n".join(wrong[:20]))
    assert checked >= CASES and min_share * checked < undefined < 0.9 * checked, (checked, undefined)
