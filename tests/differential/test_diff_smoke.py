"""Quick checks of the differential machinery and a small run against pyxen15.

``pytest tests/differential -k smoke`` runs only these.
"""

import struct

import pytest

from . import compare, gen, qemu_ref, run, selfcheck
from .encoding import Pattern

ISAS = ("a32", "t32")


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_streams_match_qemu(isa, seed, pyx_runner):
    res = run.run_batch(isa, seed, 0, 24, pyx_runner, groups=16)
    if res.mismatches:
        pytest.fail(run.failure_message(res, isa, seed), pytrace=False)


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_empty_stream_keeps_initial_state_on_pyxen15(isa, pyx_runner):
    case = gen.Generator(isa, groups=0).case("empty", 3)
    state, executed = pyx_runner.run(case)
    assert isinstance(state, qemu_ref.State), str(state)
    assert (state.regs, state.apsr, state.data) == (case.regs, case.apsr, case.data)


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_empty_stream_keeps_initial_state_under_qemu(isa, need_qemu):
    cases = [gen.Generator(isa, groups=0).case("empty", i) for i in range(3)]
    for case, state in zip(cases, qemu_ref.run_batch(cases)):
        assert (state.regs, state.apsr, state.data) == (case.regs, case.apsr, case.data)


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_every_template_runs_under_qemu(isa, need_qemu):
    crashes = selfcheck.qemu_crashes(isa, per_template=3, groups=10)
    assert not crashes, "\n\n".join("%s: %s" % (k, v[0]) for k, v in sorted(crashes.items()))


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_templates_disassemble_to_their_mnemonic(isa, need_objdump):
    assert selfcheck.mnemonic_mismatches(isa, per_template=25) == []


def test_smoke_qemu_crash_names_the_faulting_pc(need_qemu):
    cases = gen.generate("t32", "crash", 3, groups=4)
    code = bytearray(cases[1].code)
    code[0:4] = struct.pack("<HH", 0xDE00, 0xDE00)        # UDF #0 (T16)
    cases[1].code = bytes(code)
    res = qemu_ref.run_batch(cases)
    assert isinstance(res[0], qemu_ref.State) and isinstance(res[2], qemu_ref.State)
    assert isinstance(res[1], qemu_ref.Crash)
    assert res[1].pc == cases[1].code_addr and res[1].cpsr & 0x20


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_generation_is_reproducible(isa):
    a = gen.generate(isa, 7, 3)
    b = gen.generate(isa, 7, 3, start=0)
    assert [(c.code, c.data, c.regs, c.apsr) for c in a] == \
           [(c.code, c.data, c.regs, c.apsr) for c in b]
    assert a[0].code != gen.generate(isa, 8, 1)[0].code


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_branches_go_forward_to_group_starts(isa):
    for case in gen.generate(isa, 11, 20):
        groups_ends = {case.exit_addr, case.code_addr + sum(i.size for i in case.insns)}
        for i in case.insns:
            if i.target is None:
                continue
            assert i.target > i.addr
            landing = [j for j in case.insns if j.addr == i.target]
            assert i.target in groups_ends or i.target in (case.exit_addr - 4,) or landing
            if landing:
                # never into the middle of a set-up sequence or an IT block
                k = case.insns.index(landing[0])
                assert k == 0 or case.insns[k - 1].role in ("test", "pad")


def test_smoke_pattern_round_trips_fields():
    p = Pattern("cond:4 001 0100 s:1 rn:4 rd:4 imm12:12", 32)
    f = {"cond": 14, "s": 1, "rn": 3, "rd": 12, "imm12": 0xABC}
    word = p.encode(f)
    assert word == 0xE293CABC and p.matches(word) and p.decode(word) == f
    with pytest.raises(ValueError):
        p.encode(dict(f, rd=16))


def test_smoke_compare_reports_each_kind_of_difference():
    case = gen.Generator("a32", groups=0).case("cmp", 0)
    ref = qemu_ref.State(case.regs, case.apsr, case.data)
    assert compare.compare(case, ref, qemu_ref.State(case.regs, case.apsr, case.data)) is None
    regs = list(case.regs)
    regs[5] ^= 1
    data = bytearray(case.data)
    data[0x101] ^= 0x80
    got = qemu_ref.State(regs, case.apsr ^ (1 << 29) ^ (1 << 17), bytes(data))
    diffs = compare.compare(case, ref, got).diffs
    assert [d[0] for d in diffs] == ["r5", "apsr", "mem+0x100"]


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_pyxen15_difference_is_caught(isa, pyx_runner):
    """The same stream from different data must not compare equal."""
    case = gen.Generator(isa, groups=12).case("perturb", 1)
    ref = qemu_ref.run_batch([case])[0]
    case.data = bytes(b ^ 0xFF for b in case.data)
    got, _ = pyx_runner.run(case)
    mm = compare.compare(case, ref, got)
    assert mm is not None and any(d[0].startswith("mem+") for d in mm.diffs)
