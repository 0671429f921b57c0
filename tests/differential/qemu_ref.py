"""Reference results from QEMU user mode (``qemu-arm -cpu cortex-a15``).

One ELF runs a whole batch of test cases (at most one per slot).  We emit the ELF
ourselves, so no assembler or linker is needed, only qemu-arm.  Per test, in A32:

prologue (slot base)::

    add  r0, pc, #state-8-..     @ r0 = &state (r0-r14, APSR)
    ldr  r1, [r0, #60]
    msr  APSR_nzcvqg, r1
    ldm  r0, {r0-r14}
    ldr  pc, [pc, #-4]           @ interworking load: bit 0 selects Thumb
    .word code_addr | thumb

epilogue (at the test's exit address, A32)::

    str  r0, [pc, #scratch]      @ no free register yet: PC-relative
    ldr  r0, =record+4
    stmia r0, {r1-r14}
    mrs  r1, APSR
    str  r1, [r0, #56]
    ldr  r1, [pc, #scratch]
    str  r1, [r0, #-4]
    sub  r1, r0, #4
    write(1, record, 64 + DATA_SIZE)     @ record and data block are adjacent
    ldr  pc, =next prologue (or the final exit)

A driver at CODE_BASE installs a SIGILL/SIGSEGV/SIGBUS/SIGFPE/SIGTRAP handler on an
alternate stack (the tests' SP is arbitrary) that reports the faulting PC on stderr,
so a template that QEMU finds undefined is pinpointed.  The test that crashed is
the first one without a record; the rest of the batch is run again without it.
"""

import os
import shutil
import struct
import subprocess
import tempfile

from . import gen

QEMU = os.environ.get("PYXEN15_QEMU_ARM", "qemu-arm")
RECORD = 64 + gen.DATA_SIZE
# VFP cases: D0-D31 and FPSCR follow the data block (FP_RECORD_OFF from the
# record), their initial values are read from FP_INIT_OFF of the data slot.
FP_RECORD_OFF = RECORD
FP_RECORD = 0x580                   # record + data + D0-D31 + FPSCR, an A32 immediate
FP_INIT_OFF = 0x600
CRASH_MAGIC = b"PXCRASH\0"
SIGNALS = (4, 5, 7, 8, 11)          # ILL TRAP BUS FPE SEGV
SIGNAMES = {4: "SIGILL", 5: "SIGTRAP", 7: "SIGBUS", 8: "SIGFPE", 11: "SIGSEGV"}


def available():
    return shutil.which(QEMU) is not None


class State:
    """Architectural state after a stream: r0-r14, APSR (masked), data block, and
    for VFP cases ``fp``: D0-D31 and FPSCR (a vfp.FpState)."""

    def __init__(self, regs, apsr, data, fp=None):
        self.regs = list(regs)
        self.apsr = apsr & gen.APSR_MASK
        self.data = bytes(data)
        self.fp = fp


class Crash:
    """QEMU took a signal inside the test: the template or generator is wrong."""

    def __init__(self, signo, pc, addr, cpsr, detail=""):
        self.signo, self.pc, self.addr, self.cpsr, self.detail = signo, pc, addr, cpsr, detail

    def __str__(self):
        return "QEMU %s at pc=%#010x%s (fault address %#010x)%s" % (
            SIGNAMES.get(self.signo, "signal %d" % self.signo), self.pc,
            " [Thumb]" if self.cpsr & 0x20 else "", self.addr, self.detail)


# --- a few A32 encoders for the harness -----------------------------------------------
AL = 0xE0000000


def _mod_imm(value):
    """A32 modified immediate (rot:imm8) for ``value``, or ValueError."""
    for rot in range(16):
        v = ((value << (2 * rot)) | (value >> (32 - 2 * rot))) & 0xFFFFFFFF if rot else value
        if v < 256:
            return (rot << 8) | v
    raise ValueError("%#x is not an A32 modified immediate" % value)


def mov_imm(rd, value):
    return AL | 0x03A00000 | (rd << 12) | _mod_imm(value)


def add_imm(rd, rn, value):
    return AL | 0x02800000 | (rn << 16) | (rd << 12) | _mod_imm(value)


def sub_imm(rd, rn, value):
    return AL | 0x02400000 | (rn << 16) | (rd << 12) | _mod_imm(value)


def adr(rd, here, target):
    off = target - (here + 8)
    return add_imm(rd, 15, off) if off >= 0 else sub_imm(rd, 15, -off)


def ldr_imm(rt, rn, off):
    u = 1 if off >= 0 else 0
    return AL | 0x05100000 | (u << 23) | (rn << 16) | (rt << 12) | abs(off)


def str_imm(rt, rn, off):
    u = 1 if off >= 0 else 0
    return AL | 0x05000000 | (u << 23) | (rn << 16) | (rt << 12) | abs(off)


def ldr_pc_rel(rt, here, target):
    return ldr_imm(rt, 15, target - (here + 8))


def str_pc_rel(rt, here, target):
    return str_imm(rt, 15, target - (here + 8))


SVC0 = AL | 0x0F000000
LDR_PC_NEXT = 0xE51FF004             # ldr pc, [pc, #-4]
MSR_APSR_NZCVQG_R1 = 0xE12CF001
LDM_R0_ALL = 0xE8907FFF              # ldm r0, {r0-r14}
STMIA_R0_R1_R14 = 0xE8807FFE         # stmia r0, {r1-r14}
MRS_R1_APSR = 0xE10F1000
# VFP (A7.6, A7.8): VLDMIA/VSTMIA Rn!, {d0-d15} / {d16-d31}; VMRS/VMSR FPSCR.
VLDMIA_D0_D15 = 0xECB00B20
VLDMIA_D16_D31 = 0xECF00B20
VSTMIA_D0_D15 = 0xECA00B20
VSTMIA_D16_D31 = 0xECE00B20


def vmrs_fpscr(rt):
    return 0xEEF10A10 | rt << 12


def vmsr_fpscr(rt):
    return 0xEEE10A10 | rt << 12


def branch(here, target):
    return AL | 0x0A000000 | (((target - here - 8) >> 2) & 0xFFFFFF)


class _Code:
    """A little A32 emitter into a bytearray at a fixed base address."""

    def __init__(self, base, size):
        self.base = base
        self.buf = bytearray(size)

    def put(self, addr, *words):
        for w in words:
            struct.pack_into("<I", self.buf, addr - self.base, w & 0xFFFFFFFF)
            addr += 4
        return addr

    def put_bytes(self, addr, data):
        self.buf[addr - self.base:addr - self.base + len(data)] = data


def _driver(code, first):
    """Signal set-up at CODE_BASE, handler, final exit.  Returns final-exit address."""
    b = gen.CODE_BASE
    ss, act, crec = b + 0x200, b + 0x210, b + 0x230
    a = b
    a = code.put(a, adr(0, a, ss), mov_imm(1, 0), mov_imm(7, 186), SVC0)    # sigaltstack
    for sig in SIGNALS:
        a = code.put(a, mov_imm(0, sig))
        a = code.put(a, adr(1, a, act), mov_imm(2, 0), mov_imm(3, 8), mov_imm(7, 174), SVC0)
    a = code.put(a, LDR_PC_NEXT, first)
    handler = a
    # handler(sig=r0, siginfo=r1, ucontext=r2): report pc, si_addr and cpsr on fd 2.
    a = code.put(a, adr(5, a, crec),
                 str_imm(0, 5, 8),
                 ldr_imm(3, 2, 92), str_imm(3, 5, 12),       # uc_mcontext.arm_pc
                 ldr_imm(3, 1, 12), str_imm(3, 5, 16),       # si_addr
                 ldr_imm(3, 2, 96), str_imm(3, 5, 20),       # uc_mcontext.arm_cpsr
                 mov_imm(0, 2), add_imm(1, 5, 0), mov_imm(2, 24), mov_imm(7, 4), SVC0,
                 mov_imm(0, 99), mov_imm(7, 248), SVC0)
    final = a
    a = code.put(a, mov_imm(0, 0), mov_imm(7, 248), SVC0)
    assert a <= ss
    code.put(ss, gen.ALTSTACK, 0, gen.ALTSTACK_SIZE)
    code.put(act, handler, 0x08000004, 0, 0, 0)             # SA_SIGINFO | SA_ONSTACK
    code.put_bytes(crec, CRASH_MAGIC)
    return final


def _prologue(code, case, data):
    s = case.code_addr - gen.CODE_OFFSET
    state = s + 0x20
    a = s
    if case.fp is not None:
        # D0-D31 and FPSCR first, in 8 words after the core state (s+0x60..s+0x80).
        a = code.put(a, branch(a, s + 0x60))
        init = case.data_addr - gen.DATA_OFFSET + FP_INIT_OFF
        lit = s + 0x7C
        b = code.put(s + 0x60, ldr_pc_rel(0, s + 0x60, lit))
        b = code.put(b, VLDMIA_D0_D15, VLDMIA_D16_D31, ldr_imm(1, 0, 0), vmsr_fpscr(1))
        b = code.put(b, branch(b, a))
        assert b <= lit
        code.put(lit, init)
        off = init - gen.DATA_BASE
        data[off:off + 260] = struct.pack("<32QI", *(case.fp.dregs + [case.fp.fpscr]))
    code.put(a, adr(0, a, state), ldr_imm(1, 0, 60), MSR_APSR_NZCVQG_R1, LDM_R0_ALL,
             LDR_PC_NEXT, case.code_addr | (1 if case.thumb else 0))
    code.put(state, *(list(case.regs) + [case.apsr]))
    code.put_bytes(case.code_addr, case.code)
    return s


def _epilogue(code, case, nxt):
    e = case.exit_addr
    fp = case.fp is not None
    scratch, lit = (e + 0x60, e + 0x64) if fp else (e + 0x40, e + 0x44)
    record = case.data_addr - gen.DATA_OFFSET
    a = code.put(e, str_pc_rel(0, e, scratch))
    a = code.put(a, ldr_pc_rel(0, a, lit))
    a = code.put(a, STMIA_R0_R1_R14, MRS_R1_APSR, str_imm(1, 0, 56))
    if fp:      # r0 = record + 4: D0-D31 and FPSCR at record + FP_RECORD_OFF
        a = code.put(a, add_imm(1, 0, FP_RECORD_OFF & ~0xFF),
                     add_imm(1, 1, (FP_RECORD_OFF & 0xFF) - 4),
                     VSTMIA_D0_D15 | 1 << 16, VSTMIA_D16_D31 | 1 << 16, vmrs_fpscr(2),
                     str_imm(2, 1, 0))
    a = code.put(a, ldr_pc_rel(1, a, scratch))
    a = code.put(a, str_imm(1, 0, -4), sub_imm(1, 0, 4), mov_imm(0, 1),
                 mov_imm(2, FP_RECORD if fp else RECORD),
                 mov_imm(7, 4), SVC0, LDR_PC_NEXT, nxt)
    assert a <= scratch
    code.put(lit, record + 4)


def build_elf(cases):
    """The batch ELF image (bytes) for ``cases`` (distinct slots)."""
    slots = [c.slot for c in cases]
    if len(set(slots)) != len(slots):
        raise ValueError("two test cases share a slot in one batch")
    top = max(slots) + 1
    code = _Code(gen.CODE_BASE, gen.SLOT_BASE - gen.CODE_BASE + top * gen.SLOT_SIZE)
    data = bytearray(top * gen.DATA_STRIDE)
    starts = [c.code_addr - gen.CODE_OFFSET for c in cases]
    final = _driver(code, starts[0] if cases else 0)
    if not cases:
        code.put(gen.CODE_BASE, LDR_PC_NEXT, final)
    for i, c in enumerate(cases):
        _prologue(code, c, data)
        _epilogue(code, c, starts[i + 1] if i + 1 < len(cases) else final)
        off = c.data_addr - gen.DATA_BASE
        data[off:off + gen.DATA_SIZE] = c.data
    return _elf([(gen.CODE_BASE, bytes(code.buf), len(code.buf), 7),
                 (gen.DATA_BASE, bytes(data), gen.NSLOTS * gen.DATA_STRIDE + gen.ALTSTACK_SIZE,
                  6)], gen.CODE_BASE)


def _elf(segments, entry):
    """A minimal ELF32 little-endian ARM EABI5 executable with PT_LOAD segments
    (vaddr, bytes, memsz, flags)."""
    ehsize, phsize = 52, 32
    off = 0x1000
    phdrs, blobs = [], []
    for vaddr, blob, memsz, flags in segments:
        phdrs.append(struct.pack("<8I", 1, off, vaddr, vaddr, len(blob), memsz, flags, 0x1000))
        blobs.append((off, blob))
        off = (off + len(blob) + 0xFFF) & ~0xFFF
    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
    hdr = ident + struct.pack("<HHIIIIIHHHHHH", 2, 40, 1, entry, ehsize, 0, 0x05000000,
                              ehsize, phsize, len(phdrs), 40, 0, 0)
    out = bytearray(hdr + b"".join(phdrs))
    for o, blob in blobs:
        out += bytes(o - len(out))
        out += blob
    return bytes(out)


def _parse_crash(stderr):
    i = stderr.find(CRASH_MAGIC)
    if i < 0 or len(stderr) < i + 24:
        return None
    sig, pc, addr, cpsr = struct.unpack_from("<4I", stderr, i + 8)
    return Crash(sig, pc, addr, cpsr)


def run_batch(cases, timeout=300):
    """Run ``cases`` under QEMU; returns a list of State or Crash, one per case."""
    results = []
    pending = list(cases)
    with tempfile.TemporaryDirectory(prefix="pyxen15-diff-") as tmp:
        path = os.path.join(tmp, "batch.elf")
        while pending:
            with open(path, "wb") as fh:
                fh.write(build_elf(pending))
            os.chmod(path, 0o755)
            p = subprocess.run([QEMU, "-cpu", "cortex-a15", path], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=tmp, timeout=timeout,
                               preexec_fn=_no_core)
            out = p.stdout
            size = FP_RECORD if pending and pending[0].fp is not None else RECORD
            done = min(len(out) // size, len(pending))
            for k in range(done):
                rec = out[k * size:(k + 1) * size]
                words = struct.unpack_from("<16I", rec)
                fp = None
                if size == FP_RECORD:
                    from .vfp import FpState
                    vals = struct.unpack_from("<32QI", rec, FP_RECORD_OFF)
                    fp = FpState(vals[:32], vals[32])
                results.append(State(words[:15], words[15], rec[64:RECORD], fp))
            if done == len(pending):
                if p.returncode != 0:
                    raise RuntimeError("qemu-arm exited %d after all tests: %r"
                                       % (p.returncode, p.stderr[-500:]))
                break
            crash = _parse_crash(p.stderr)
            if crash is None:
                crash = Crash(0, 0, 0, 0, " (no report; exit %d: %r)"
                              % (p.returncode, p.stderr[-300:]))
            results.append(crash)
            pending = pending[done + 1:]
    return results


def _no_core():
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
