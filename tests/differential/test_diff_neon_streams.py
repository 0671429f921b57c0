"""Advanced SIMD streams (neon.py), A32 and T32: every NEON template of
neon_templates_{int,fp,ls}.py on operands with a large share of boundary values
(per element size, saturation edges, special floats), a fresh FPSCR (QC included)
every two instructions; pyxen15's FPSCR, core and SIMD results must equal QEMU's
after every instruction, and D0-D31, FPSCR, the core state and memory at the end.

The default size executes >= 100,000 drawn Advanced SIMD instructions per
instruction set; ``--diff-scale K`` and ``--diff-seed N`` work as for the other
streams.
"""

import pytest

from . import compare, neon, qemu_ref
from .conftest import diff_scale
from .encoding import Pattern


def pytest_generate_tests(metafunc):
    """``neon_batch``: (isa, start, count) of each batch of the long run."""
    if "neon_batch" in metafunc.fixturenames:
        params, ids = [], []
        for isa in ("a32", "t32"):
            nb, n = neon.batch_count(isa, diff_scale(metafunc.config))
            for b in range(nb):
                params.append((isa, b * neon.BATCH, min(neon.BATCH, n - b * neon.BATCH)))
                ids.append("neon-%s-batch%d" % (isa, b))
        metafunc.parametrize("neon_batch", params, ids=ids)


@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_smoke_neon_streams_match_qemu(isa, seed, pyx_runner):
    res = neon.run_batch(isa, seed, 0, 16, pyx_runner)
    if res.mismatches:
        pytest.fail(neon.failure_message(res, isa, seed), pytrace=False)
    assert res.neon_tested >= 16 * 20


def test_neon_streams_match_qemu(neon_batch, seed, pyx_runner):
    isa, start, count = neon_batch
    res = neon.run_batch(isa, seed, start, count, pyx_runner)
    if res.mismatches:
        pytest.fail(neon.failure_message(res, isa, seed), pytrace=False)
    share = neon.MIN_TESTED * count // neon.DEFAULT_CASES[isa]
    assert res.neon_tested >= share, "only %d drawn NEON instructions executed in %d cases" % (
        res.neon_tested, count)


@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_smoke_neon_wrong_operand_on_pyxen15_is_caught(isa, pyx_runner):
    """One flipped bit in every constant-pool word (pyxen15's copy only) must show
    in a log entry and be pinned on a tested instruction that read it.  Drawn from
    the 32-bit scalar moves, which VFP already had, so that the harness itself is
    checked whatever else is implemented."""
    case = neon.NeonGenerator(isa, only=["VMOV_rs32", "VMOV_sr32"]).case("perturb", 3)
    ref = qemu_ref.run_batch([case])[0]
    got, _ = pyx_runner.run(case)
    assert compare.compare(case, ref, got) is None
    data = bytearray(case.data)
    for off in range(neon.POOL_OFFSET, len(data), 4):
        data[off] ^= 0x01
    case.data = bytes(data)
    got, _ = pyx_runner.run(case)
    mm = neon.compare_case(case, ref, got)
    assert mm is not None and any(d[0].startswith("mem+") for d in mm.diffs)
    neon.triage(mm, pyx_runner)
    assert mm.culprit in case.neon_tests and "log entry" in mm.triage_note


@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_smoke_neon_t32_patterns(isa):
    """Every template has both encodings, and the T32 one is the A32 one moved
    as A7.4/A7.7/A7.8 say."""
    def same(a, b):
        pa, pb = Pattern(a, 32), Pattern(b, 32)
        return (pa.fixed_mask, pa.fixed_bits, pa.fields) == (pb.fixed_mask, pb.fixed_bits,
                                                             pb.fields)
    assert same(neon.t32_pattern("1111 001 u:1 0 d:1 size:2 vn:4 vd:4 1000 n:1 q:1 m:1 0 vm:4"),
                "111 u:1 1111 0 d:1 size:2 vn:4 vd:4 1000 n:1 q:1 m:1 0 vm:4")
    assert same(neon.t32_pattern("1111 0100 0 d:1 10 rn:4 vd:4 type:4 size:2 align:2 rm:4"),
                "1111 1001 0 d:1 10 rn:4 vd:4 type:4 size:2 align:2 rm:4")
    assert same(neon.t32_pattern("cond:4 1110 1 b:1 q:1 0 vd:4 rt:4 1011 d:1 0 e:1 1 0000"),
                "1110 1110 1 b:1 q:1 0 vd:4 rt:4 1011 d:1 0 e:1 1 0000")
    names = [tm.name for tm in neon.templates(isa)]
    assert names and len(set(names)) == len(names)


# The 32-bit scalar moves are VFP instructions too (CheckAdvSIMDOrVFPEnabled
# with advsimd FALSE, A8.8.341/342): ASEDIS and TASE do not apply.
VFP_TOO = ("VMOV_sr32", "VMOV_rs32")


@pytest.mark.parametrize("isa", ("a32", "t32"))
@pytest.mark.parametrize("control", ("asedis", "tase"))
def test_smoke_every_neon_template_checks_advanced_simd_access(isa, control):
    """CheckAdvSIMDEnabled in every handler: an instance of each NEON template
    (all three owners' files) is UNDEFINED with CPACR.ASEDIS set, and traps
    to HYP with HSR.TA = 1 under HCPTR.TASE -- before it touches memory or
    registers.  No QEMU needed."""
    import random
    from pyxen15.machine import Machine
    from . import gen
    vbar, hvbar, code = 0x80002000, 0x80003000, 0x80001000
    m = Machine(ram_size=16 << 20, semihosting=False)
    c = m.cpu
    rng = random.Random("neon-access:%s" % isa)
    ctx = gen.Ctx(isa, rng, gen.data_addr(0))
    ctx.pool4 = neon.POOL[isa]
    ctx.force = {"cond": 14}
    bad = []
    for tm in neon.templates(isa):
        if tm.name in VFP_TOO:
            continue
        insn = gen.draw(ctx, tm, seed_operands=False)
        m.mem.write(code, insn.encode())
        c.set_cpsr(0x1D3 | (0x20 if isa == "t32" else 0))
        c.sys.vbar, c.sys.hvbar = vbar, hvbar
        c.sys.cpacr = 0xF << 20 | (1 << 31 if control == "asedis" else 0)
        c.sys.hcptr = 0x33FF | (1 << 15 if control == "tase" else 0)
        c.fpexc = 1 << 30
        for r in range(15):
            c.r[r] = 0x80100000
        c.pc = code
        m.run(max_insns=1)
        if control == "asedis":
            ok = c.pc == vbar + 4 and c.mode == 0x1B
        else:
            ok = c.pc == hvbar + 0x14 and c.mode == 0x1A and c.sys.hsr >> 26 == 0x07 \
                and c.sys.hsr >> 5 & 1
        if not ok:
            bad.append("%s %08x -> pc %08x mode %02x" % (tm.name, insn.word(), c.pc, c.mode))
    assert not bad, bad


@pytest.mark.parametrize("isa", ("a32", "t32"))
def test_smoke_neon_templates_run_under_qemu_and_disassemble_as_named(isa, need_qemu,
                                                                       need_objdump):
    """Every NEON template, drawn a few times on its own, runs under QEMU
    without a signal (a SIGILL is an UNDEFINED combination its check lets
    through, a SIGBUS/SIGSEGV a bad address plan) and objdump names it as the
    template does (a misplaced fixed bit lands in another instruction)."""
    crashes = neon.qemu_crashes(isa)
    assert not crashes, "\n".join("%s: %s" % (k, v[0]) for k, v in sorted(crashes.items()))
    bad = neon.mnemonic_mismatches(isa)
    assert not bad, bad[:10]


@pytest.mark.parametrize("esize", (8, 16, 32, 64))
def test_smoke_integer_lanes_are_mostly_boundary_values(esize):
    """About two thirds of the integer lanes are 0, +-1, the signed and
    unsigned limits or the narrowing saturation edges and their neighbours."""
    import random
    rng = random.Random("lanes:%d" % esize)
    m = (1 << esize) - 1
    top, h = 1 << (esize - 1), esize // 2
    edges = {0, 1, m, top, top - 1, (1 << h) - 1, 1 << h, (1 << (h - 1)) - 1, 1 << (h - 1),
             -(1 << (h - 1)) & m}
    near = {(v + d) & m for v in edges for d in (-4, -3, -2, -1, 0, 1, 2, 3, 4)}
    lanes = [neon.int_lane(rng, esize) for _ in range(4000)]
    share = sum(v in near for v in lanes) / len(lanes)
    assert share > 0.6, share
    assert {0, 1, m, top, top - 1} <= set(lanes)


def test_smoke_float_lanes_have_every_special_class():
    import random
    rng = random.Random("f32 lanes")
    lanes = [neon.f32_lane(rng) for _ in range(4000)]
    exp = [(v >> 23) & 0xFF for v in lanes]
    frac = [v & 0x7FFFFF for v in lanes]
    assert any(e == 0xFF and f and f >> 22 for e, f in zip(exp, frac))          # quiet NaN
    assert any(e == 0xFF and f and not f >> 22 for e, f in zip(exp, frac))      # signalling NaN
    assert any(e == 0xFF and not f for e, f in zip(exp, frac))                  # infinity
    assert any(e == 0 and f for e, f in zip(exp, frac))                         # denormal
    assert {0, 0x80000000} <= set(lanes) and 0x3F800000 in [v & 0x7FFFFFFF for v in lanes]
