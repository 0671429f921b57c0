"""Quick checks of the VFP streams: templates, operand values, FPSCR set-ups, the
QEMU record of D0-D31 and FPSCR and the per-group log, independent of pyxen15.

``pytest tests/differential -k smoke`` runs these with the integer ones.
"""

import collections

import pytest

from . import compare, qemu_ref, selfcheck, vfp
from . import vfp_values as V

ISAS = ("a32", "t32")


def _kind(bits, n):
    e, f = {32: (8, 23), 64: (11, 52)}[n]
    exp = (bits >> f) & ((1 << e) - 1)
    frac = bits & ((1 << f) - 1)
    if exp == 0:
        return "zero" if frac == 0 else "denormal"
    if exp == (1 << e) - 1:
        return "inf" if frac == 0 else ("qnan" if frac >> (f - 1) else "snan")
    return "normal"


@pytest.mark.parametrize("n,draw", [(32, V.value32), (64, V.value64)])
def test_smoke_vfp_operands_are_often_special(n, draw):
    import random
    rng = random.Random("special:%d" % n)
    values = [draw(rng) for _ in range(4000)]
    kinds = collections.Counter(_kind(v, n) for v in values)
    assert sum(V.is_special(v, n) for v in values) > 0.5 * 4000
    for k in ("zero", "denormal", "inf", "qnan", "snan"):
        assert kinds[k] > 40, kinds


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_vfp_fpscr_setups_cover_every_mode(isa):
    seen = set()
    for case in [vfp.VfpGenerator(isa).case("modes", i) for i in range(8)]:
        for insn in case.insns:
            if insn.tmpl.name == "VMSR_r" and insn.role == "setup":
                k = case.insns.index(insn)
                value = 0
                for j in (k - 2, k - 1):       # MOVW, then MOVT when the top half is set
                    prev = case.insns[j]
                    if prev.role == "setup" and prev.tmpl.name in ("MOVW_ri", "MOVT_ri"):
                        f = prev.f
                        imm = (f["imm4"] << 12 | f.get("i", 0) << 11 | f.get("imm3", 0) << 8
                               | f["imm8"]) if isa == "t32" else (f["imm4"] << 12 | f["imm12"])
                        value = value | imm << 16 if prev.tmpl.name == "MOVT_ri" else imm
                seen.add((value >> 22 & 3, value >> 24 & 1, value >> 25 & 1))
    assert seen == {(rm, fz, dn) for rm in range(4) for fz in (0, 1) for dn in (0, 1)}


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_vfp_every_template_is_drawn(isa):
    drawn = collections.Counter()
    g = vfp.VfpGenerator(isa)
    for i in range(60):
        drawn.update(g.case("cover", i).template_counts())
    missing = {tm.name for tm in g.pool} - set(drawn)
    assert not missing


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_vfp_empty_stream_keeps_initial_state_under_qemu(isa, need_qemu):
    cases = [vfp.VfpGenerator(isa, groups=0).case("empty", i) for i in range(3)]
    for case, state in zip(cases, qemu_ref.run_batch(cases)):
        assert (state.regs, state.apsr, state.data) == (case.regs, case.apsr, case.data)
        assert state.fp == case.fp


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_vfp_every_template_runs_under_qemu(isa, need_qemu):
    crashes = selfcheck.qemu_crashes(isa, per_template=3, groups=10, vfp_streams=True)
    assert not crashes, "\n\n".join("%s: %s" % (k, v[0]) for k, v in sorted(crashes.items()))


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_vfp_templates_disassemble_to_their_mnemonic(isa, need_objdump):
    assert selfcheck.mnemonic_mismatches(isa, per_template=25, vfp_streams=True) == []


def test_smoke_vfp_log_difference_names_the_group(need_qemu):
    case = vfp.VfpGenerator("a32", groups=8).case("log", 2)
    ref = qemu_ref.run_batch([case])[0]
    data = bytearray(ref.data)
    data[vfp.LOG_OFFSET + 5 * vfp.LOG_ENTRY] ^= 0x10      # instruction 5: FPSCR.IXC
    got = qemu_ref.State(ref.regs, ref.apsr, bytes(data), ref.fp)
    mm = compare.compare(case, ref, got)
    assert mm is not None
    compare.triage(mm, None)
    assert mm.culprit is case.fp_tests[5] and "FPSCR" in mm.triage_note


def test_smoke_vfp_register_difference_is_reported(need_qemu):
    case = vfp.VfpGenerator("t32", groups=4).case("dreg", 0)
    ref = qemu_ref.run_batch([case])[0]
    fp = vfp.FpState(ref.fp.dregs, ref.fp.fpscr ^ (1 << 28))
    fp.dregs[17] ^= 1
    diffs = compare.compare(case, ref, qemu_ref.State(ref.regs, ref.apsr, ref.data, fp)).diffs
    assert [d[0] for d in diffs] == ["d17", "fpscr"]


@pytest.mark.parametrize("isa", ISAS)
def test_smoke_vfp_streams_never_move_the_log_base(isa, need_qemu):
    """r11 addresses the log and the constant pool: no set-up or tested
    instruction may write it (a T32 SP set-up once borrowed it)."""
    cases = [vfp.VfpGenerator(isa).case("logbase", i) for i in range(64)]
    for case, state in zip(cases, qemu_ref.run_batch(cases)):
        assert state.regs[vfp.LOG_REG] == case.data_addr + vfp.LOG_OFFSET, case.index
