"""NEON stream templates of LS: the transfers between core and SIMD registers
(A7.8: VMOV core <-> scalar, VDUP from a core register) and the element and
structure loads and stores (A7.7: VLD1-4/VST1-4, every addressing form).

Format: neon.py's module docstring and :func:`neon.simd`.
"""

from .neon import Reg, simd, Vd, Vn

# --- A7.8 transfers between ARM core and extension registers --------------------
# VMOV (core register to scalar), A8.8.341: opc1:opc2 = 1xxx 8-bit, 0xx1 16-bit,
# 0x00 32-bit (the 32-bit form is VFP's too), 0x10 UNDEFINED.
simd("VMOV_sr32", "cond:4 1110 0 0 h:1 0 vd:4 rt:4 1011 d:1 00 1 0000", "neon_xfer",
     regs=(Vd("D", "any", role="both"),), mnemonic="VMOV")
simd("VMOV_sr", "cond:4 1110 0 opc1:2 0 vd:4 rt:4 1011 d:1 opc2:2 1 0000", "neon_xfer",
     regs=(Vd("D", "any", role="both"),), mnemonic="VMOV",
     check=lambda f: f["opc1"] & 2 or f["opc2"] & 1)
# VMOV (scalar to core register), A8.8.342: U=1 zero-extends; U=1 with 32-bit
# is UNDEFINED.
simd("VMOV_rs32", "cond:4 1110 0 0 h:1 1 vn:4 rt:4 1011 n:1 00 1 0000", "neon_xfer",
     regs=(Vn("D", "any"),), core_dst=("rt",), mnemonic="VMOV")
simd("VMOV_rs", "cond:4 1110 u:1 opc1:2 1 vn:4 rt:4 1011 n:1 opc2:2 1 0000", "neon_xfer",
     regs=(Vn("D", "any"),), core_dst=("rt",), mnemonic="VMOV",
     check=lambda f: f["opc1"] & 2 or f["opc2"] & 1)
# VDUP (ARM core register), A8.8.316: b:e = 00 32-bit, 01 16-bit, 10 8-bit, 11 UNDEFINED.
simd("VDUP_r", "cond:4 1110 1 b:1 q:1 0 vd:4 rt:4 1011 d:1 0 e:1 1 0000", "neon_xfer",
     regs=(Vd("q"),), mnemonic="VDUP", check=lambda f: not (f["b"] and f["e"]))


# --- A7.7 element and structure loads and stores ---------------------------------
# Each form's rules, from the ARM ARM's decode steps (A8.8.320-A8.8.331 and the
# VST pages): the D registers transferred, the element size in bytes, the
# alignment the hint demands and the bytes moved; None for the UNDEFINED and
# UNPREDICTABLE combinations (rejected).  QEMU checks these rules: a wrong one
# is a SIGILL in `python -m tests.differential.neon --selfcheck`.
MULTIPLE = {1: {0b0111: (1, 1), 0b1010: (2, 1), 0b0110: (3, 1), 0b0010: (4, 1)},
            2: {0b1000: (1, 1), 0b1001: (1, 2), 0b0011: (2, 2)},
            3: {0b0100: (1, 1), 0b0101: (1, 2)},
            4: {0b0000: (1, 1), 0b0001: (1, 2)}}


def _dreg(f):
    return f["d"] << 4 | f["vd"]


def multiple_info(n, f):
    regs, inc = MULTIPLE[n][f["type"]]
    size, align = f["size"], f["align"]
    if n == 1 and ((regs in (1, 3) and align & 2) or (regs == 2 and align == 3)):
        return None
    if n > 1 and size == 3:
        return None
    if (n == 2 and regs == 1 and align == 3) or (n == 3 and align & 2):
        return None
    alignment = (8 if align & 1 else 1) if n == 3 else (1 if align == 0 else 4 << align)
    d = _dreg(f)
    if n == 1:
        dregs = list(range(d, d + regs))
    elif n == 2:
        dregs = sorted(set(range(d, d + regs)) | set(range(d + inc, d + inc + regs)))
    else:
        dregs = [d + k * inc for k in range(n)]
    if dregs[-1] > 31:
        return None
    return dregs, 1 << size, alignment, 8 * len(dregs)


def lane_info(n, f):
    size, ia = f["size"], f["index_align"]
    eb = 1 << size
    inc, alignment = 1, 1
    if n == 1:
        if (size == 0 and ia & 1) or (size == 1 and ia & 2) or \
                (size == 2 and (ia & 4 or ia & 3 not in (0, 3))):
            return None
        alignment = eb if size and ia & 1 else 1
    elif n == 2:
        if size == 2 and ia & 2:
            return None
        inc = 2 if size and ia & (2 << (size - 1)) else 1
        alignment = 2 * eb if ia & 1 else 1
    elif n == 3:
        if ia & 1 or (size == 2 and ia & 2):
            return None
        inc = 2 if size and ia & (2 << (size - 1)) else 1
    else:
        if size == 2 and ia & 3 == 3:
            return None
        inc = 2 if size and ia & (2 << (size - 1)) else 1
        alignment = (1 if ia & 3 == 0 else 4 << (ia & 3)) if size == 2 else \
            (4 * eb if ia & 1 else 1)
    dregs = [_dreg(f) + k * inc for k in range(n)]
    if dregs[-1] > 31:
        return None
    return dregs, eb, alignment, n * eb


def all_lanes_info(n, f):
    size, t, a = f["size"], f["t"], f["a"]
    if n == 1:
        if size == 3 or (size == 0 and a):
            return None
        eb, alignment = 1 << size, (1 << size) if a else 1
        dregs = [_dreg(f) + r for r in range(2 if t else 1)]
    else:
        if (n in (2, 3) and size == 3) or (n == 3 and a) or (n == 4 and size == 3 and not a):
            return None
        eb = 4 if size == 3 else 1 << size
        if n == 2:
            alignment = 2 * eb if a else 1
        elif n == 3:
            alignment = 1
        else:
            alignment = 16 if size == 3 else (8 if a else 1) if size == 2 else \
                (4 * eb if a else 1)
        dregs = [_dreg(f) + k * (2 if t else 1) for k in range(n)]
    if dregs[-1] > 31:
        return None
    return dregs, eb, alignment, n * eb


class StructPlan:
    """The base register (Rn: any core register but r11, or SP) points at an
    address inside the data block (stores: its first 256 bytes) aligned to
    the hint and to the element size (pyxen15 runs with Strongly-ordered
    memory, where an unaligned element faults; QEMU user mode does not);
    Rm is 15 (no writeback), 13 (writeback by the transfer size) or a core
    register holding an arbitrary post-index."""

    def __init__(self, info, load):
        self.info, self.load = info, load

    def __call__(self, ctx, f):
        from . import neon
        r = self.info(f)
        if r is None:
            return None
        _dregs, eb, alignment, nbytes = r
        step = max(alignment, eb)
        limit = (ctx.data_size if self.load else neon.STORE_SIZE) - nbytes
        ea = ctx.data_addr + step * ctx.rng.randrange(limit // step + 1)
        if ea % step:
            return None
        setup = [(f["rn"], ea)]
        writes = set()
        if f["rm"] != 15:
            writes.add(f["rn"])
            if f["rm"] != 13:
                if f["rm"] == f["rn"] and ctx.rng.random() < 0.8:
                    return None
                from .plans import interesting
                if f["rm"] != f["rn"]:
                    setup.append((f["rm"], interesting(ctx.rng)))
        return setup, writes


def _rn(ctx):
    """Rn: a pool register, SP a fifth of the time."""
    return 13 if ctx.rng.random() < 0.2 else ctx.reg4()


def _rm(ctx):
    """Rm: no writeback, writeback by size, or a register post-index."""
    r = ctx.rng.random()
    return 15 if r < 0.4 else 13 if r < 0.7 else ctx.reg4()


def _regs_of(info):
    def regs(f):
        r = info(f)
        return r[0] if r else []
    return regs


def _ls_row(name, mnemonic, pattern, info, load, weight=1.0, fields=None):
    flds = {"rn": _rn, "rm": _rm}
    flds.update(fields or {})
    simd(name, pattern, "neon_ls",
         regs=(Reg("vd", "d", "D", "dst" if load else "src", "any", regs=_regs_of(info)),),
         core_dst=(), mnemonic=mnemonic, check=lambda f: info(f) is not None,
         plan=StructPlan(info, load), fields=flds, weight=weight)


for _n in (1, 2, 3, 4):
    for _l, _mn in ((1, "VLD%d" % _n), (0, "VST%d" % _n)):
        _ls_row("%s_m" % _mn, _mn,
                "1111 0100 0 d:1 %d 0 rn:4 vd:4 type:4 size:2 align:2 rm:4" % _l,
                (lambda n: lambda f: multiple_info(n, f))(_n), _l,
                fields={"type": tuple(MULTIPLE[_n])}, weight=1.5 if _n == 1 else 1.0)
        _ls_row("%s_l" % _mn, _mn,
                "1111 0100 1 d:1 %d 0 rn:4 vd:4 size:2 %s index_align:4 rm:4" % (
                    _l, format(_n - 1, "02b")),
                (lambda n: lambda f: lane_info(n, f))(_n), _l,
                fields={"size": (0, 1, 2)}, weight=0.8)
    _ls_row("VLD%d_a" % _n, "VLD%d" % _n,
            "1111 0100 1 d:1 1 0 rn:4 vd:4 11 %s size:2 t:1 a:1 rm:4" % format(_n - 1, "02b"),
            (lambda n: lambda f: all_lanes_info(n, f))(_n), 1, weight=0.6)
