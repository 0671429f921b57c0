"""The test guests build, look like what the core expects, and behave under
QEMU's vexpress-a15 (an independent implementation of the same board)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

capstone = pytest.importorskip("capstone")
from elftools.elf.elffile import ELFFile  # noqa: E402

GUESTS_DIR = Path(__file__).resolve().parent.parent / "guests"
BUILD = GUESTS_DIR / "build"
RAM_BASE = 0x80000000
RAM_SIZE = 1 << 30

A32_GUESTS = ["hello", "exit3", "undef", "semiwrite", "bench"]
THUMB_GUESTS = ["hello-thumb", "bench-thumb"]
SOFT_GUESTS = A32_GUESTS + THUMB_GUESTS
HF_GUESTS = ["fpbench"]                 # hard-float ABI, VFPv4-D32, no NEON
NEON_GUESTS = ["neonbench"]             # hard-float ABI with Advanced SIMD, vectorised
ALL_GUESTS = SOFT_GUESTS + HF_GUESTS + NEON_GUESTS

BENCH_CHECKSUM = (GUESTS_DIR / "bench.expected").read_text().strip()
FPBENCH_CHECKSUM = (GUESTS_DIR / "fpbench.expected").read_text().strip()
NEONBENCH_CHECKSUM = (GUESTS_DIR / "neonbench.expected").read_text().strip()

# name -> (exit status, texts the console must contain)
EXPECTED_BEHAVIOUR = {
    "hello": (0, ["Hello from pyxen15 guest\n"]),
    "hello-thumb": (0, ["Hello from pyxen15 guest\n"]),
    "exit3": (3, []),
    "undef": (0x81, ["guest: unexpected undefined instruction exception\n"]),
    "semiwrite": (0, ["semihosting: SYS_WRITE0\n", "semihosting: SYS_WRITEC\n",
                      "semihosting: SYS_WRITE\n"]),
    "bench": (0, ["bench checksum: %s\n" % BENCH_CHECKSUM]),
    "bench-thumb": (0, ["bench checksum: %s\n" % BENCH_CHECKSUM]),
    "fpbench": (0, ["fpbench checksum: %s\n" % FPBENCH_CHECKSUM]),
    "neonbench": (0, ["neonbench checksum: %s\n" % NEONBENCH_CHECKSUM]),
}


@pytest.fixture(scope="session")
def built():
    """Build the guests (a no-op when `make guests` already did)."""
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.fail("arm-none-eabi-gcc missing: run `make setup`")
    subprocess.run(["make", "-s", "-C", str(GUESTS_DIR)], check=True,
                   stdout=subprocess.DEVNULL)
    return BUILD


def load_elf(path):
    with open(path, "rb") as f:
        elf = ELFFile(f)
        segments = [(s["p_vaddr"], s["p_memsz"], s["p_flags"])
                    for s in elf.iter_segments() if s["p_type"] == "PT_LOAD"]
        symtab = elf.get_section_by_name(".symtab")
        symbols = {s.name: s["st_value"] for s in symtab.iter_symbols()}
        mapping = sorted((s["st_value"], s.name[:2]) for s in symtab.iter_symbols()
                         if s.name[:2] in ("$a", "$t", "$d")
                         and (len(s.name) == 2 or s.name[2] == "."))
        text = elf.get_section_by_name(".text")
        code = (text["sh_addr"], text.data())
        header = dict(elf.header)
        elfclass, little = elf.elfclass, elf.little_endian
    return header, elfclass, little, segments, symbols, mapping, code


def disassemble(path):
    """(address, mnemonic, op_str, is_thumb) for .text, A32/T32 chosen by the
    ELF mapping symbols ($a, $t; $d regions are skipped)."""
    _, _, _, _, _, mapping, (base, data) = load_elf(path)
    end = base + len(data)
    arm = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_ARM)
    thumb = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB)
    regions = [(a, kind) for a, kind in mapping if base <= a < end]
    out = []
    for i, (start, kind) in enumerate(regions):
        stop = regions[i + 1][0] if i + 1 < len(regions) else end
        if kind == "$d" or stop <= start:
            continue
        md = thumb if kind == "$t" else arm
        chunk = data[start - base:stop - base]
        decoded = 0
        for insn in md.disasm(chunk, start):
            out.append((insn.address, insn.mnemonic, insn.op_str, kind == "$t"))
            decoded += insn.size
        assert decoded == len(chunk), "%s: undecodable bytes at 0x%x" % (path.name, start + decoded)
    return out


@pytest.mark.parametrize("name", ALL_GUESTS)
def test_guest_is_a_little_endian_arm_elf_entered_at_ram_base(built, name):
    header, elfclass, little, segments, symbols, _, _ = load_elf(built / ("%s.elf" % name))
    assert header["e_machine"] == "EM_ARM"
    assert elfclass == 32 and little
    assert header["e_entry"] == RAM_BASE == symbols["_start"]
    assert segments, "no loadable segment"
    for vaddr, memsz, _ in segments:
        assert RAM_BASE <= vaddr and vaddr + memsz <= RAM_BASE + RAM_SIZE


@pytest.mark.parametrize("name", ALL_GUESTS)
def test_guest_has_a_raw_image_and_disassembly(built, name):
    assert (built / ("%s.bin" % name)).stat().st_size > 0
    assert "<_start>:" in (built / ("%s.dis" % name)).read_text()


@pytest.mark.parametrize("name", SOFT_GUESTS)
def test_guest_code_has_no_vfp_or_neon_instructions(built, name):
    insns = disassemble(built / ("%s.elf" % name))
    fp = [(hex(a), m, o) for a, m, o, _ in insns
          if m.startswith("v") or "p10" in o or "p11" in o]
    assert insns and not fp


# The VFP instructions (DDI 0406C A7.5-A7.9), as capstone names them.
VFP_MNEMONICS = {"vadd", "vsub", "vmul", "vnmul", "vdiv", "vsqrt", "vabs", "vneg", "vmla",
                 "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma", "vfnms", "vcmp", "vcmpe",
                 "vcvt", "vcvtr", "vcvtb", "vcvtt", "vmov", "vldr", "vstr", "vldmia", "vldmdb",
                 "vstmia", "vstmdb", "vpush", "vpop", "vmrs", "vmsr"}
VFP_TYPES = {"f32", "f64", "f16", "s32", "u32", "s16", "u16", "32"}
CONDS = ("eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le",
         "cs", "cc")


def _vfp_base(mnemonic):
    parts = mnemonic.split(".")
    base = parts[0]
    if base not in VFP_MNEMONICS and base[-2:] in CONDS:
        base = base[:-2]
    return base, parts[1:]


def test_fpbench_uses_vfp_arithmetic_conversions_and_compares_but_no_neon(built):
    insns = disassemble(built / "fpbench.elf")
    vector = [(hex(a), m, o) for a, m, o, _ in insns if m.startswith("v")]
    used = set()
    for a, m, o in vector:
        base, types = _vfp_base(m)
        assert base in VFP_MNEMONICS and set(types) <= VFP_TYPES, (a, m, o)
        assert not any(tok.strip().startswith("q") for tok in o.replace("{", "").split(",")), \
            (a, m, o)
        used.add(base)
    for needed in ("vfma", "vdiv", "vsqrt", "vcvt", "vcvtr", "vcmpe", "vmrs", "vmsr", "vldr",
                   "vstr"):
        assert needed in used, needed


@pytest.mark.parametrize("name,thumb", [("bench", False), ("bench-thumb", True)])
def test_bench_exercises_divides_long_multiplies_and_narrow_accesses(built, name, thumb):
    insns = disassemble(built / ("%s.elf" % name))
    mnemonics = {m.split(".")[0] for a, m, o, t in insns if t == thumb}
    for needed in ("sdiv", "udiv", "mls", "umull", "smull", "mul", "ldrb", "strb", "ldrh",
                   "strh", "ldrsh", "ldrd", "strd", "bl"):
        assert needed in mnemonics, "%s lacks %s in %s code" % (name, needed,
                                                               "T32" if thumb else "A32")


def test_thumb_guests_run_main_in_thumb_and_startup_in_arm(built):
    insns = disassemble(built / "hello-thumb.elf")
    symbols = load_elf(built / "hello-thumb.elf")[4]
    by_addr = {a: t for a, _, _, t in insns}
    assert by_addr[symbols["_start"]] is False
    assert by_addr[symbols["main"] & ~1] is True


def test_neonbench_hot_loops_are_advanced_simd(built):
    """Each kernel of guests/neonbench.c is vectorised: its loop loads with
    VLD1 and computes on Q registers with the instructions it is there for."""
    insns = disassemble(built / "neonbench.elf")
    symbols = load_elf(built / "neonbench.elf")[4]
    starts = sorted(a for n, a in symbols.items() if n and not n.startswith("$"))

    def body(prefix):
        start = min(a for n, a in symbols.items() if n.split(".")[0] == prefix)
        end = min(a for a in starts if a > start)
        return [(m.split(".")[0], o) for a, m, o, _ in insns if start <= a < end]

    for kernel, needed in (("matmul", {"vld1", "vmla", "vst1"}), ("dot16", {"vld1", "vmull"}),
                           ("blend", {"vld1", "vaddw", "vmovn"}), ("mix", {"vshl", "vshr", "veor"}),
                           ("xor_sum", {"vld1", "veor"}), ("byte_sum", {"vmovl", "vaddw"})):
        code = body(kernel)
        assert needed <= {m for m, _ in code}, (kernel, sorted({m for m, _ in code}))
        assert any(o.startswith("q") for m, o in code if m not in ("vld1", "vst1")), kernel


def test_a32_guests_contain_no_thumb_code(built):
    for name in A32_GUESTS + HF_GUESTS + NEON_GUESTS:
        assert not any(t for _, _, _, t in disassemble(built / ("%s.elf" % name))), name


# -- behaviour under QEMU -----------------------------------------------------

QEMU = shutil.which("qemu-system-arm")


def run_in_qemu(elf):
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    proc = subprocess.run(
        [QEMU, "-M", "vexpress-a15", "-semihosting", "-nographic", "-monitor", "none",
         "-kernel", str(elf)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env=env, timeout=60)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


@pytest.mark.skipif(QEMU is None, reason="qemu-system-arm not installed (make setup)")
@pytest.mark.parametrize("name", ALL_GUESTS)
def test_guest_behaves_as_expected_under_qemu(built, name):
    want_status, want_texts = EXPECTED_BEHAVIOUR[name]
    status, console = run_in_qemu(built / ("%s.elf" % name))
    assert status == want_status, console
    for text in want_texts:
        assert text in console


@pytest.mark.parametrize("checksum", [BENCH_CHECKSUM, FPBENCH_CHECKSUM, NEONBENCH_CHECKSUM])
def test_bench_expected_is_one_hex_word(checksum):
    assert checksum.startswith("0x") and len(checksum) == 10
    int(checksum, 16)
