"""MMU conformance guests (guests/mmu/) on QEMU and on pyxen15, byte for byte.

Each guest sets up translation (short-descriptor, LPAE, stage 2 from HYP, the
HYP regime), makes accesses that succeed and that fault, runs ATS operations
and TLB maintenance, and prints what it saw on UART0: data read back, the
FSR/FAR or HSR decoded into fields with HxFAR/HPFAR, PAR.  QEMU's
`vexpress-a15,secure=off,virtualization=on` starts an ELF in HYP mode, and so
does pyxen15 with `reset(hyp=True)` (`pyxen15 run --hyp`).  QEMU's output in
this run is the reference; pyxen15 must print exactly the same bytes.

Where QEMU is known to deviate from the ARM ARM, QEMU_DEVIATIONS names the
line, checks that QEMU still prints its line (so the entry goes when QEMU
is fixed) and pins the ARM ARM's line for pyxen15.
"""

import difflib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pyxen15.machine import Machine

GUESTS_DIR = Path(__file__).resolve().parent.parent.parent / "guests"
BUILD = GUESTS_DIR / "build"
MMU_GUESTS = sorted(p.stem for p in (GUESTS_DIR / "mmu").glob("*.c"))
RAM_SIZE = 256 << 20          # guests/runtime/mmu.h: RAM_MB
PYX_BUDGET = 1_000_000        # guest instructions; the largest guest needs < 150,000
QEMU_TIMEOUT = 60             # seconds of wall clock, a backstop only

# -- where QEMU 7.2 deviates from the ARM ARM ---------------------------------

NO_DECERR = ("QEMU's vexpress-a15 is a legacy board (ignore_memory_transaction_failures): "
             "a data access to a PA nothing decodes reads as zero and writes are ignored.  "
             "The V2P-CA15's interconnect answers DECERR: a synchronous external abort, "
             "ARM ARM B3.13.3 (short FS 0x08, long STATUS 0x10; ExT is IMPLEMENTATION "
             "DEFINED, 0 as QEMU gives for walk aborts)")
NO_WALK_ABORT_ABOVE_4G = ("QEMU's walker reads a table above 4 GiB as zeros (a translation "
                          "fault); the read has no slave: synchronous external abort on the "
                          "walk, level 2, STATUS 0x16 (ARM ARM B3.13.3, table B3-24)")
DEVICE_UNALIGNED = ("QEMU does not check alignment on Device and Strongly-ordered memory "
                    "(QEMU issue 1204); ARM ARM A3.2.1 and A3.5.6: an unaligned access to it "
                    "is an alignment fault whatever SCTLR.A says (FS 0x01)")
STREX_UNALIGNED = ("QEMU's STREX compares the address with the monitor's before any check "
                   "and fails (status 1) without an access; in the ARM ARM's "
                   "ExclusiveMonitorsPass() ('Pseudocode details of operations on exclusive "
                   "monitors') the alignment check comes first")
HPFAR_40BIT = ("QEMU 7.2 drops IPA[39:32] from HPFAR; ARM ARM B4.1.78: HPFAR[31:4] is "
               "FIPA[39:12], the faulting IPA's bits 39:12")
S1PTW_LEVEL = ("QEMU 7.2 reports a stage-2 fault on a stage-1 walk with the level of the "
               "stage-1 lookup; the fault is a stage-2 fault, and DFSC/IFSC (and PAR.FST) "
               "give the level of the stage-2 lookup that faulted (ARM ARM B3.13.6, "
               "B4.1.112): level 3 here")
SHORT_S1_ATTRS = ("QEMU 7.2 computes no memory attributes for a short-descriptor stage 1, "
                  "so a combined ATS12NSO* result reads as Device-nGnRnE (0x00); TEX=001 "
                  "C=0 B=0 is Normal Non-cacheable (ARM ARM B3.8.2), and Normal NC at both "
                  "stages combines to Normal NC: MAIR byte 0x44 in PAR[63:56] (B4.1.112)")
ISS_STAGE2_ONLY = ("QEMU gives an instruction syndrome (ISV=1) for every data abort taken to "
                   "HYP, also the HYP regime's own stage-1 faults (EC 0x25); ARM ARM B3.13.6: "
                   "ISV is 1 only for a stage-2 fault, otherwise 0 and SAS/SSE/SRT and IL are "
                   "not valid (pyxen15 writes them as 0)")


def _resolve(line, symbols):
    """Replace each {symbol+offset} in line by that address, eight hex digits
    (the pc= field of a pinned line names the probe's faulting instruction)."""
    out, rest = "", line
    while "{" in rest:
        head, tail = rest.split("{", 1)
        ref, rest = tail.split("}", 1)
        sym, _, off = ref.partition("+")
        out += head + "%08x" % (symbols[sym] + int(off or "0", 0))
    return out + rest


class Line:
    """QEMU prints `qemu`; the ARM ARM's behaviour prints `armarm` (whole lines)."""

    def __init__(self, why, qemu, armarm):
        self.why, self.qemu, self.armarm = why, qemu, armarm

    def pin(self, line, symbols):
        assert line == _resolve(self.qemu, symbols), \
            "QEMU no longer prints its known deviation %r (now %r); drop the entry" % (
                self.qemu, line)
        return _resolve(self.armarm, symbols)


class Field:
    """Fields of a line: name=qemu on QEMU, name=armarm per the ARM ARM.
    Field(why, name, qemu, armarm[, name, qemu, armarm ...])"""

    def __init__(self, why, *triples):
        self.why = why
        self.changes = [triples[i:i + 3] for i in range(0, len(triples), 3)]

    def pin(self, line, symbols):
        for name, qemu, armarm in self.changes:
            qemu, armarm = " %s=%s " % (name, qemu), " %s=%s " % (name, armarm)
            assert qemu in line + " ", "QEMU no longer prints%sin %r; drop the entry" % (qemu, line)
            line = (line + " ").replace(qemu, armarm, 1)[:-1]
        return line


class NoIss:
    """QEMU's data-abort line with the instruction syndrome taken out (ISV=0)."""
    why = ISS_STAGE2_ONLY
    ISS_BITS = (1 << 25) | (1 << 24) | (3 << 22) | (1 << 21) | (0xF << 16)   # IL ISV SAS SSE SRT

    def pin(self, line, symbols):
        head, rest = line.split(" hsr=", 1)
        hsr = int(rest[:8], 16)
        assert hsr & (1 << 24), "QEMU no longer sets ISV in %r; drop the entry" % line
        fields = ("%08x" % (hsr & ~self.ISS_BITS) + rest[8:]).split(" ")
        fields = [{"il=1": "il=0", "isv=1": "isv=0"}.get(f, f) for f in fields
                  if f.split("=")[0] not in ("sas", "sse", "srt")]
        return head + " hsr=" + " ".join(fields)


def _alignment_fault(label, qemu, va, probe, write=False, why=DEVICE_UNALIGNED):
    return label, Line(why, "%s: %s" % (label, qemu),
                       "%s: dabt dfsr=%08x fs=01 wnr=%d ext=0 dfar=%08x pc={%s}"
                       % (label, 0x801 if write else 0x001, int(write), va, probe))


def _external_abort(label, va, probe, write=False, lpae=False, status=None,
                    qemu="ok=00000000", why=NO_DECERR):
    if lpae:
        status = status or 0x10
        text = "dfsr=%08x lpae_status=%02x" % ((0x800 if write else 0) | 0x200 | status, status)
    else:
        status = status or 0x08
        text = "dfsr=%08x fs=%02x" % ((0x800 if write else 0) | status, status)
    return label, Line(why, "%s: %s" % (label, qemu), "%s: dabt %s wnr=%d ext=0 dfar=%08x pc={%s}"
                       % (label, text, int(write), va, probe))


# guest -> {label: deviation}; a label is the text before the first ':' of a line
QEMU_DEVIATIONS = {
    "extabort": dict([
        _external_abort("MMU off read", 0x40000010, "probe_ld32+12"),
        _external_abort("MMU off write", 0x40000014, "probe_st32", write=True),
        _external_abort("section to unbacked PA read", 0x40000020, "probe_ld32+12"),
        _external_abort("section to unbacked PA write", 0x40000021, "probe_st8", write=True),
        _external_abort("page at PA 0x100000000 read", 0x40000008, "probe_ld32+12", lpae=True),
        _external_abort("page at PA 0x100000000 write", 0x4000000c, "probe_st32", write=True,
                        lpae=True),
        _external_abort("page at PA 0xfffffff000 read", 0x40001ffc, "probe_ld32+12", lpae=True),
        _external_abort("block at PA 0xff00000000 read", 0x40212340, "probe_ld32+12", lpae=True),
        _external_abort("level 2 table at PA 0x1000000000 read", 0xc0000000, "probe_ld32+12",
                        lpae=True, status=0x16, why=NO_WALK_ABORT_ABOVE_4G,
                        qemu="dabt dfsr=00000206 lpae_status=06 wnr=0 ext=0 dfar=c0000000 "
                             "pc={probe_ld32+12}"),
    ]),
    "sd-super-split": dict([
        _external_abort("supersection above 4 GiB read", 0x42000004, "probe_ld32+12"),
        _external_abort("supersection above 4 GiB write", 0x42000008, "probe_st32", write=True),
    ]),
    "align": dict([
        _alignment_fault("MMU off LDR +1", "ok=04d20001", 0x88000101, "probe_ld32+12"),
        _alignment_fault("MMU off LDRH +1", "ok=00000001", 0x88000101, "probe_ld16+12"),
        _alignment_fault("A=0 Device LDR +1", "ok=04d20001", 0x40100101, "probe_ld32+12"),
        _alignment_fault("A=0 Device LDRH +3", "ok=000004d2", 0x40100103, "probe_ld16+12"),
        _alignment_fault("A=0 Normal STREX +1", "ok=00000001", 0x40000221, "probe_strex+8",
                         write=True, why=STREX_UNALIGNED),
        _alignment_fault("A=1 Normal STREX +1", "ok=00000001", 0x40000221, "probe_strex+8",
                         write=True, why=STREX_UNALIGNED),
    ]),
    "sd-remap-af": dict(
        _alignment_fault(label, "ok=14d20000", va, "probe_ld32+12") for label, va in [
            ("TRE=0 index 0 unaligned read", 0x40000011),
            ("TRE=0 index 1 unaligned read", 0x40100011),
            ("TRE=1 index 0 unaligned read", 0x40000011),
            ("TRE=1 index 1 unaligned read", 0x40100011),
            ("TRE=1 index 3 unaligned read", 0x40300011),
            ("TRE=1 index 6 unaligned read", 0x40600011)]),
    "s2-concat": {
        "  write (S2AP read-only)": Field(HPFAR_40BIT, "hpfar", "00082000", "80082000"),
        "IPA 0x0300000000 (unmapped)": Field(HPFAR_40BIT, "hpfar", "00000000", "03000000"),
        "IPA 0x0208400000 (unmapped)": Field(HPFAR_40BIT, "hpfar", "00084000", "02084000"),
        "IPA 0x0108000000 (out of range)": Field(HPFAR_40BIT, "hpfar", "00080000", "01080000"),
    },
    "s2-s1ptw": {
        "read, walk into unmapped IPA":
            Field(S1PTW_LEVEL, "hsr", "90000086", "90000087", "dfsc", "06", "07"),
        "write, walk into unmapped IPA":
            Field(S1PTW_LEVEL, "hsr", "900000c6", "900000c7", "dfsc", "06", "07"),
        "exec, walk into unmapped IPA":
            Field(S1PTW_LEVEL, "hsr", "80000086", "80000087", "ifsc", "06", "07"),
        "ATS1CPR walk into unmapped IPA":
            Field(S1PTW_LEVEL, "hsr", "900001c6", "900001c7", "dfsc", "06", "07"),
        "ATS12NSOPR walk into unmapped IPA":
            Field(S1PTW_LEVEL, "par", "00000000_00000b0d", "00000000_00000b0f", "fst", "06", "07"),
    },
    "s2-short": dict([
        ("page via table at unmapped IPA",
         Field(S1PTW_LEVEL, "hsr", "90000086", "90000087", "dfsc", "06", "07")),
        ("exec via table at unmapped IPA",
         Field(S1PTW_LEVEL, "hsr", "80000086", "80000087", "ifsc", "06", "07")),
        ("ATS1CPR table at unmapped IPA",
         Field(S1PTW_LEVEL, "hsr", "900001c6", "900001c7", "dfsc", "06", "07")),
        ("ATS12NSOPR table at unmapped IPA PAR",
         Field(S1PTW_LEVEL, "par", "00000000_00000b0d", "00000000_00000b0f", "fst", "06", "07")),
        ("ATS12NSOPW table at unmapped IPA PAR",
         Field(S1PTW_LEVEL, "par", "00000000_00000b0d", "00000000_00000b0f", "fst", "06", "07")),
        ("first-level table at unmapped IPA",
         Field(S1PTW_LEVEL.replace("level 3 here", "level 2 here"),
               "hsr", "90000085", "90000086", "dfsc", "05", "06")),
    ] + [
        (label, Field(SHORT_S1_ATTRS, "par", "00000000_8800%sb00" % page,
                      "44000000_8800%sb00" % page, "attr", "00", "44"))
        for label, page in [("ATS12NSOPR mapped PAR", "0"), ("ATS12NSOPW mapped PAR", "0"),
                            ("ATS12NSOPR S2 RO PAR", "0"), ("ATS12NSOPR S1 RO PAR", "0"),
                            ("ATS12NSOPR page PAR", "1"), ("ATS12NSOPW page PAR", "1"),
                            # an aborted ATS leaves PAR as the one before wrote it
                            ("ATS1CPR table at unmapped IPA PAR", "1")]
    ]),
    "hyp-regime": dict((label, NoIss()) for label in (
        "RO page write", "invalid page read", "invalid page write", "AF=0 page read",
        "invalid level 2 read", "invalid level 1 read", "HSCTLR.A=1 LDR unaligned")),
}


@pytest.fixture(scope="module")
def built():
    for tool in ("arm-none-eabi-gcc", "qemu-system-arm"):
        if shutil.which(tool) is None:
            pytest.fail("%s missing: run `make setup`" % tool)
    subprocess.run(["make", "-s", "-C", str(GUESTS_DIR)], check=True, stdout=subprocess.DEVNULL)
    return BUILD


def run_qemu(elf):
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    run = subprocess.run(
        ["qemu-system-arm", "-M", "vexpress-a15,secure=off,virtualization=on",
         "-m", "%dM" % (RAM_SIZE >> 20), "-semihosting", "-nographic", "-monitor", "none",
         "-kernel", str(elf)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        timeout=QEMU_TIMEOUT, env=env)
    return run.returncode, run.stdout.decode("latin-1")


def run_pyxen15(elf):
    out = []
    m = Machine(ram_size=RAM_SIZE)
    m.hooks.add_console(lambda data: out.append(data.decode("latin-1")))
    m.reset(hyp=True)
    m.load_elf(str(elf))
    result = m.run(max_insns=PYX_BUDGET)
    status = result.exit_code if result.reason == "exit" else result.reason
    return status, "".join(out)


def elf_symbols(elf):
    from elftools.elf.elffile import ELFFile
    with open(str(elf), "rb") as f:
        symtab = ELFFile(f).get_section_by_name(".symtab")
        return {s.name: s["st_value"] for s in symtab.iter_symbols() if s.name}


def pin_deviations(name, qemu_out, symbols):
    """QEMU's output with its known deviations replaced by the ARM ARM's lines,
    and a note of what was pinned (for a failure message)."""
    deviations = QEMU_DEVIATIONS.get(name, {})
    lines = qemu_out.splitlines(True)
    seen, why = set(), {}
    for i, line in enumerate(lines):
        label = line.split(":", 1)[0]
        if label in deviations:
            lines[i] = deviations[label].pin(line.rstrip("\n"), symbols) + "\n"
            seen.add(label)
            why.setdefault(deviations[label].why, []).append(label)
    assert seen == set(deviations), "%s: deviations not seen: %s" % (name, set(deviations) - seen)
    notes = ["%s: %s" % (", ".join(repr(l) for l in labels), reason)
             for reason, labels in why.items()]
    return "".join(lines), notes


def test_there_are_enough_guests():
    assert len(MMU_GUESTS) >= 12, MMU_GUESTS


@pytest.mark.parametrize("name", MMU_GUESTS)
def test_mmu_guest_output_matches_qemu(built, name):
    elf = built / ("mmu-%s.elf" % name)
    qemu_status, qemu_out = run_qemu(elf)
    # The guest itself must have run to its end on the reference.
    assert qemu_status == 0 and qemu_out.endswith("%s: done\n" % name), \
        "QEMU run of %s failed (status %s):\n%s" % (name, qemu_status, qemu_out)
    want, notes = pin_deviations(name, qemu_out, elf_symbols(elf))

    status, got = run_pyxen15(elf)
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                            "QEMU (ARM ARM where pinned)", "pyxen15"))
        pinned = "".join("\n  - " + n for n in notes)
        if pinned:
            pinned = "\nlines pinned to the ARM ARM where QEMU deviates:" + pinned
        pytest.fail("%s: pyxen15's output differs from QEMU's:\n%s%s" % (name, diff, pinned))
    assert status == 0, "%s: pyxen15 ended with %r" % (name, status)
