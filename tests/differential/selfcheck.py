"""Self-checks of the templates, independent of pyxen15.

* ``qemu_crashes``: every template, drawn many times on its own, must run under
  qemu-arm without a signal (SIGILL means the encoding is wrong, UNDEFINED, or
  unsupported; SIGSEGV/SIGBUS means its plan addressed memory badly).
* ``mnemonic_mismatches``: objdump must decode each drawn instance to the
  template's mnemonic (catches a misplaced fixed bit that lands in another
  instruction's encoding).
"""

import random

from . import disasm, gen, qemu_ref, vfp

CONDS = ("eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge",
         "lt", "gt", "le", "al")


def _candidates(mn):
    """Possible base mnemonics of an objdump mnemonic (cond and S suffixes)."""
    mn = mn.lower()
    for sfx in (".w", ".n"):
        if mn.endswith(sfx):
            mn = mn[:-len(sfx)]
    out = {mn}
    for m in list(out):
        if len(m) > 2 and m[-2:] in CONDS:
            out.add(m[:-2])
    for m in list(out):
        if m.endswith("s"):
            out.add(m[:-1])
    return out


def _aliases(tmpl):
    mn = tmpl.mnemonic
    names = {n.lower() for n in (mn if isinstance(mn, tuple) else (mn,))}
    if vfp.is_vfp(tmpl):        # vadd.f64, vmov.32, vcvtr.s32.f64: the part before the dot
        names |= {n.split(".")[0] for n in names}
    # objdump's preferred aliases: LDR Rt, [SP], #4 is POP, MOV r8, r8 is NOP.
    extra = {"ldr": "pop", "str": "push", "mov": "nop"}
    return names | {extra[n] for n in names if n in extra}


def mnemonic_mismatches(isa, per_template=40, seed=0, vfp_streams=False):
    """[(template name, encoding hex, objdump text)] for instances objdump names
    differently."""
    rng = random.Random("mnemonic:%s:%s" % (isa, seed))
    ctx = gen.Ctx(isa, rng, gen.data_addr(0))
    if vfp_streams:
        ctx.pool4 = vfp.POOL[isa]
    blob = bytearray()
    owners = {}
    base = 0x80010000
    for tm in (vfp.templates(isa) if vfp_streams else gen.templates(isa)):
        if tm.klass == "pad":
            continue
        ctx.table_used.clear()
        for _ in range(per_template):
            if tm.klass == "it":
                from . import t32
                insn = gen.Insn(tm, t32.it_fields(rng.randrange(14), [rng.random() < .5]))
                # an IT must be followed by its block: one NOP is enough here
            else:
                insn = gen.draw(ctx, tm, seed_operands=False)
            owners[base + len(blob)] = (tm, insn)
            blob += insn.encode()
            if tm.klass == "it":
                blob += (0xBF00).to_bytes(2, "little") * 2
    bad = []
    for addr, text in disasm.disassemble(bytes(blob), base, isa == "t32"):
        if addr not in owners:
            continue
        tm, insn = owners[addr]
        mn = text.split()[0] if text.split() else ""
        if vfp_streams:
            mn = mn.split(".")[0]
        if not _candidates(mn) & _aliases(tm):
            bad.append((tm.name, insn.encode()[::-1].hex() if isa == "a32"
                        else insn.encode().hex(), text))
    return bad


def qemu_crashes(isa, per_template=4, groups=12, seed="selfcheck", names=None,
                 vfp_streams=False):
    """{template name: [crash description]} for templates QEMU rejects."""
    tms = [tm for tm in (vfp.templates(isa) if vfp_streams else gen.templates(isa))
           if tm.klass not in ("pad",)]
    if names:
        tms = [tm for tm in tms if tm.name in names]
    cases = []
    idx = 0
    for tm in tms:
        if vfp_streams:
            g = vfp.VfpGenerator(isa, groups=groups, only=[tm.name])
        elif tm.klass == "it":      # IT blocks of every eligible template
            g = gen.Generator(isa, groups=groups, it_weight=1e6)
        else:
            g = gen.Generator(isa, groups=groups, only=[tm.name])
        for _ in range(per_template):
            cases.append((tm.name, g.case(seed, idx)))
            idx += 1
    out = {}
    for start in range(0, len(cases), gen.NSLOTS):
        chunk = cases[start:start + gen.NSLOTS]
        results = qemu_ref.run_batch([c for _, c in chunk])
        for (name, case), res in zip(chunk, results):
            if isinstance(res, qemu_ref.Crash):
                at = [i for i in case.insns if i.addr == res.pc]
                who = at[0].tmpl.name if at else "?"
                out.setdefault(name, []).append(
                    "%s in %s (index %d)\n%s" % (res, who, case.index,
                                                 disasm.listing(case, (res.pc,))))
    return out
