"""Operand planning for templates whose register *values* matter.

A plan runs after the fields are drawn.  It may set offset/immediate fields, and it
returns ``(setup, writes)``: ``setup`` is a list of (register, value) that the
generator materialises with MOVW/MOVT (unconditionally, outside any IT block) just
before the instruction, ``writes`` the extra registers the instruction may write.
Returning None rejects the draw.

Loads and stores pick an aligned effective address inside the test's data block
(stores only in its writable part) and derive the base register from it; the base
itself may lie anywhere (pre-indexed offsets are free), only the accessed bytes must
be in the block.  All accesses are naturally aligned (LDRD/STRD/LDM/STM: word) so
that the result does not depend on SCTLR.A or on the memory type: pyxen15 runs with
the MMU off (Strongly-ordered memory) while QEMU user mode models Normal memory.
"""

MASK32 = 0xFFFFFFFF

INTERESTING = (
    0x00000000, 0x00000001, 0x00000002, 0x0000001F, 0x00000020, 0x00000021,
    0x0000007F, 0x00000080, 0x000000FF, 0x00007FFF, 0x00008000, 0x0000FFFF,
    0x00010000, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE,
    0xFFFF8000, 0xFFFF7FFF, 0x7FFF7FFF, 0x80008000, 0x7F7F7F7F, 0x80808080,
    0x7FFF8000, 0x8000FFFF, 0xFF00FF00, 0x00FF00FF, 0x0000FF80, 0xFFFFFF80,
)


def interesting(rng):
    """A random 32-bit value, half the time one that sits on a boundary."""
    r = rng.random()
    if r < 0.45:
        return rng.choice(INTERESTING)
    if r < 0.6:
        return rng.getrandbits(rng.choice((4, 8, 12, 16)))
    if r < 0.7:
        return MASK32 & -rng.getrandbits(rng.choice((4, 8, 16)))
    return rng.getrandbits(32)


def shift_value(v, sh, amount):
    """Shift(v, type, amount) of the ARM ARM for immediate shifts (no RRX).

    ``amount`` is the imm5 field: 0 means 32 for LSR/ASR (DecodeImmShift)."""
    if sh == 0:
        return (v << amount) & MASK32
    if amount == 0:
        amount = 32
    if sh == 1:
        return v >> amount if amount < 32 else 0
    if sh == 2:
        if v & 0x80000000:
            v -= 1 << 32
        return (v >> min(amount, 31)) & MASK32
    return ((v >> amount) | (v << (32 - amount))) & MASK32


def _small_or_any(rng):
    r = rng.random()
    if r < 0.5:
        return rng.getrandbits(rng.choice((2, 4, 6, 8)))
    if r < 0.7:
        return MASK32 & -rng.getrandbits(rng.choice((2, 4, 8)))
    return rng.getrandbits(32)


class Mem:
    """Plan for a single load or store (LDR/STR/LDRB/.../LDRD/STRD).

    ``size``: bytes accessed (8 for a pair); ``load``: True for loads;
    ``mode``: 'off' (offset), 'pre', 'post' (both write back), 'postT' (A32
    unprivileged: post-indexed, writes back), 'offT' (T32 unprivileged: positive
    offset, no writeback);
    ``imm``: (max, scale, setter) for an immediate offset, the setter writing the
    unscaled-by-scale magnitude into the fields; ``reg``: None, 'a32' (imm5+sh
    fields), 'lsl2' (T32 imm2 field) or 'plain' for a register offset;
    ``base``: a fixed base register (SP-relative forms) instead of field 'rn';
    ``tfields``: the transfer register fields; ``up``: a U bit fixed by the
    encoding (T32 negative imm8 offsets) instead of field 'u'.
    """

    def __init__(self, size, load, mode="off", imm=None, reg=None, base=None,
                 tfields=("rt",), pair_implicit=False, up=None):
        self.up = up                          # fixed U bit, else field 'u' (or add)
        self.size = size
        self.load = load
        self.mode = mode
        self.imm = imm
        self.reg = reg
        self.base = base
        self.tfields = tfields
        self.pair_implicit = pair_implicit   # A32 LDRD/STRD: Rt2 = Rt + 1

    @property
    def wback(self):
        return self.mode in ("pre", "post", "postT")

    def transfer_regs(self, f):
        regs = [f[n] for n in self.tfields]
        if self.pair_implicit:
            regs.append(f["rt"] + 1)
        return regs

    def __call__(self, ctx, f):
        rng = ctx.rng
        n = self.base if self.base is not None else f["rn"]
        ts = self.transfer_regs(f)
        if self.wback and n in ts:
            return None                       # wback && n == t: UNPREDICTABLE
        if self.reg is not None and f["rm"] in ts and self.size == 8:
            return None                       # LDRD/STRD (register): m == t or t2
        limit = ctx.data_size if self.load else ctx.rw_size
        align = 4 if self.size == 8 else self.size
        if self.size == 8 and rng.random() < 0.5:
            align = 8
        ea = ctx.data_addr + align * rng.randrange((limit - self.size) // align + 1)
        setup = []
        if self.imm is not None:
            mx, scale, setter = self.imm
            r = rng.random()
            if r < 0.25:
                units = 0
            elif r < 0.6:
                units = rng.randrange(min(mx, 64 // scale) + 1)
            else:
                units = rng.randrange(mx + 1)
            if n == 13 and self.wback and scale == 1:
                units &= ~3                   # keep SP word-aligned (T32 SP rules)
            mag = units * scale
            setter(f, units)
            up = f.get("u", 1) if self.up is None else self.up
            off = mag if up else -mag
        elif self.reg is not None:
            if f["rm"] == n:
                return None
            v = _small_or_any(rng)
            if self.reg == "a32":
                if f["sh"] == 3 and f["imm5"] == 0:
                    f["imm5"] = rng.randrange(1, 32)     # RRX would read the C flag
                shifted = shift_value(v, f["sh"], f["imm5"])
            elif self.reg == "lsl2":
                shifted = (v << f["imm2"]) & MASK32
            else:
                shifted = v
            up = f.get("u", 1)
            off = shifted if up else -shifted
            setup.append((f["rm"], v))
        else:
            off = 0
        if self.mode in ("post", "postT"):
            base = ea
        else:
            base = (ea - off) & MASK32
        setup.insert(0, (n, base))
        writes = set(ts) if self.load else set()
        if self.wback:
            writes.add(n)
        return setup, writes


class Multi:
    """Plan for LDM/STM/PUSH/POP.

    ``mode``: 'IA', 'IB', 'DA', 'DB'; ``regs``: registers allowed in the list;
    ``min_count``: smallest list (T32 encodings need two); ``base``: fixed base
    (PUSH/POP: SP) else field 'rn'; ``wback``: True, False, or None to read field
    'w'; 'auto' for T16 LDM (writeback iff Rn is not in the list).
    ``list_field`` and ``extra``: how the list is encoded: a plain bitmap field, or
    a function(f, regs) for split encodings (T16 PUSH's M bit, T32's P/M bits).
    """

    def __init__(self, load, mode, regs, min_count=1, base=None, wback=None,
                 setter=None, max_count=None):
        self.load = load
        self.mode = mode
        self.regs = tuple(regs)
        self.min_count = min_count
        self.base = base
        self.wback = wback
        self.setter = setter
        self.max_count = max_count or len(self.regs)

    def __call__(self, ctx, f):
        rng = ctx.rng
        n = self.base if self.base is not None else f["rn"]
        if self.wback is None:
            wback = bool(f["w"])
        elif self.wback == "auto":
            wback = None
        else:
            wback = self.wback
        pool = list(self.regs)
        if wback:
            pool = [r for r in pool if r != n]   # wback with Rn in the list
        hi = min(self.max_count, len(pool))
        if hi < self.min_count:
            return None
        count = rng.randint(self.min_count, hi) if rng.random() < 0.4 else \
            rng.randint(self.min_count, max(self.min_count, min(hi, 5)))
        regs = sorted(rng.sample(pool, count))
        if wback is None:
            wback = n not in regs
        if self.setter:
            self.setter(f, regs)
        else:
            f["list"] = sum(1 << r for r in regs)
        limit = ctx.data_size if self.load else ctx.rw_size
        nbytes = 4 * count
        low = ctx.data_addr + 4 * rng.randrange((limit - nbytes) // 4 + 1)
        base = {"IA": low, "IB": low - 4, "DA": low + nbytes - 4, "DB": low + nbytes}[self.mode]
        writes = set(regs) if self.load else set()
        if wback:
            writes.add(n)
        return [(n, base & MASK32)], writes


class TableBranch:
    """Plan for TBB/TBH: Rn points at a table in the read-only part of the data
    block, Rm is a small index; the entry's value is written when the branch
    target is chosen (the generator calls ``ctx.claim_table``)."""

    def __init__(self, half):
        self.half = half

    def __call__(self, ctx, f):
        if f["rn"] == f["rm"]:
            return None
        esize = 2 if self.half else 1
        entry = ctx.claim_table(esize)
        if entry is None:
            return None
        idx = ctx.rng.randrange(16)
        base = (entry - idx * esize) & MASK32
        ctx.pending_table = (entry, esize)
        return [(f["rn"], base), (f["rm"], idx)], set()


class RegBranch:
    """Plan for BX/BLX (register): the target address is set up in Rm; the value
    is filled in once the target is chosen at layout time."""

    def __init__(self, link):
        self.link = link

    def __call__(self, ctx, f):
        return [(f["rm"], None)], ({14} if self.link else set())


class PcLoad:
    """Plan for loads that write the PC: LDR PC, [Rn, #imm] and LDM/POP with PC in
    the list (LoadWritePC: a branch that interworks on bit 0 of the word).

    The word loaded into the PC lives in the read-only part of the data block (so
    no store can disturb it); the generator writes the target address, with bit 0
    selecting the state, once the target is chosen.  ``imm``: (max, scale,
    setter) for the LDR form; ``regs``: the other registers an LDM may load;
    ``setter``: function(f, regs) encoding them; ``min_other``: how many at least;
    ``base``: fixed base register (POP); ``wback``: True/False or None for field 'w'.
    """

    def __init__(self, imm=None, regs=(), setter=None, min_other=0, base=None, wback=False):
        self.imm = imm
        self.regs = tuple(regs)
        self.setter = setter
        self.min_other = min_other
        self.base = base
        self.wback = wback

    def __call__(self, ctx, f):
        rng = ctx.rng
        entry = ctx.claim_table(4)
        if entry is None:
            return None
        n = self.base if self.base is not None else f["rn"]
        ctx.pending_table = (entry, 4)
        if self.imm is not None:
            mx, scale, setter = self.imm
            units = rng.randrange(mx + 1) if rng.random() < 0.5 else rng.randrange(min(mx, 16) + 1)
            setter(f, units)
            off = units * scale if f.get("u", 1) else -units * scale
            return [(n, (entry - off) & MASK32)], set()
        wback = bool(f["w"]) if self.wback is None else self.wback
        pool = [r for r in self.regs if not (wback and r == n)]
        count = rng.randint(self.min_other, min(len(pool), max(self.min_other, 4)))
        regs = sorted(rng.sample(pool, count))
        self.setter(f, regs)
        low = entry - 4 * count                 # PC is the highest word (IA)
        writes = set(regs) | ({n} if wback else set())
        return [(n, low)], writes


class DivOperands:
    """SDIV/UDIV: often divide by zero (the result is 0 with SCTLR.DZ clear, as
    on Cortex-A15 and in QEMU) or INT_MIN / -1 (0x80000000)."""

    def __call__(self, ctx, f):
        r = ctx.rng.random()
        if r < 0.25:
            return [(f["rm"], 0)], set()
        if r < 0.4 and f["rn"] != f["rm"]:
            return [(f["rn"], 0x80000000), (f["rm"], MASK32)], set()
        if r < 0.7:
            return [(f["rm"], interesting(ctx.rng))], set()
        return [], set()
