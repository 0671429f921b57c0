"""The Linux loader (board_vexpress/linux_boot.py): which image is which,
where the kernel, initrd and DTB go, the DTB it writes, the entry state,
and the first instructions of Debian's kernel."""

import gzip
import lzma
import struct
import subprocess

import pytest
from keystone import KS_ARCH_ARM, KS_MODE_ARM, Ks

from pyxen15 import fdt
from pyxen15.board_vexpress import linux_boot as lb
from pyxen15.errors import PyxenError
from pyxen15.machine import Machine

RAM = 0x80000000
MiB = 1 << 20


def arm(source: str) -> bytes:
    code, _ = Ks(KS_ARCH_ARM, KS_MODE_ARM).asm(source)
    return bytes(code)


def fake_image(text_offset=0x208000, size=0x4000) -> bytes:
    """A raw "Image" whose entry code computes PHYS_OFFSET as head.S does."""
    body = arm("mov r0, r0; sub r8, r8, #0x%x; b ." % text_offset)
    return body + bytes(size - len(body))


def fake_zimage(payload: bytes, decoy: bool = True) -> bytes:
    """A zImage: 9 words of code, the magic/start/end words at 0x24, a
    decompressor holding a decoy XZ magic, then the payload and its size."""
    head = arm("mov r0, r0;" * 9)
    body = arm("b .") + (b"\xfd7zXZ\x00\x00\x00" if decoy else b"") + bytes(64)
    end = len(head) + 12 + len(body) + len(payload) + 4
    return head + struct.pack("<III", lb.ZIMAGE_MAGIC, 0, end) + body + payload + struct.pack("<I", 0)


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


def small_dtb(tmp_path, memory=True, cpus=2) -> str:
    cpu_nodes = "".join('cpu@%d { device_type = "cpu"; reg = <%d>; };' % (i, i) for i in range(cpus))
    mem = 'memory@80000000 { device_type = "memory"; reg = <0 0x80000000 0 0x40000000>; };' if memory else ""
    src = ('/dts-v1/; / { #address-cells = <2>; #size-cells = <2>; chosen { bootargs = "old"; }; '
           'cpus { #address-cells = <1>; #size-cells = <0>; %s }; %s };' % (cpu_nodes, mem))
    p = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb"], input=src.encode(), capture_output=True, check=True)
    return write(tmp_path, "board.dtb", p.stdout)


def newc_initrd() -> bytes:
    return gzip.compress(b"070701" + b"0" * 200, mtime=0)


class TestKernelImages:
    def test_text_offset_from_head_s(self):
        assert lb.text_offset(fake_image(0x208000)) == 0x208000
        assert lb.text_offset(fake_image(0x8000)) == 0x8000

    def test_text_offset_from_the_older_literal_pair(self):
        img = arm("mov r0, r0; mov r0, r0") + struct.pack("<II", 0xC0008000 + 8, 0xC0000000) + bytes(64)
        assert lb.text_offset(img) == 0x8000

    def test_text_offset_defaults_to_0x8000(self):
        assert lb.text_offset(bytes(256)) == 0x8000

    @pytest.mark.parametrize("compress, kind", [
        (lambda b: lzma.compress(b, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32), "zImage (xz)"),
        (lambda b: gzip.compress(b, mtime=0), "zImage (gzip)"),
    ])
    def test_zimage_payload_found_past_a_decoy_and_decompressed(self, tmp_path, compress, kind):
        image = fake_image(0x208000)
        k = lb.load_kernel(write(tmp_path, "zImage", fake_zimage(compress(image))))
        assert k.kind == kind
        assert k.segments == [(0x208000, image)] and k.entry_offset == 0x208000

    def test_a_zimage_with_another_payload_runs_its_own_decompressor(self, tmp_path):
        z = fake_zimage(b"\x89LZO" + bytes(300), decoy=False)
        k = lb.load_kernel(write(tmp_path, "zImage", z))
        assert k.kind == "zImage" and k.segments == [(0x10000, z)] and k.entry_offset == 0x10000

    def test_a_corrupt_xz_payload_is_an_error(self, tmp_path):
        xz = bytearray(lzma.compress(fake_image(), format=lzma.FORMAT_XZ))
        xz[40] ^= 0xFF
        with pytest.raises(PyxenError, match="xz payload at offset 0x.* is corrupt"):
            lb.load_kernel(write(tmp_path, "zImage", fake_zimage(bytes(xz))))

    def test_a_truncated_zimage_is_an_error(self, tmp_path):
        z = fake_zimage(lzma.compress(fake_image(), format=lzma.FORMAT_XZ))
        with pytest.raises(PyxenError, match="truncated zImage"):
            lb.load_kernel(write(tmp_path, "zImage", z[:len(z) // 2]))

    def test_raw_image_at_its_text_offset(self, tmp_path):
        k = lb.load_kernel(write(tmp_path, "Image", fake_image(0x8000)))
        assert k.kind == "Image" and k.entry_offset == 0x8000

    def test_elf_vmlinux_at_ram_plus_its_offset_from_page_offset(self, tmp_path):
        (tmp_path / "v.S").write_text(".global _start\n_start: nop\n b .\n.data\n.word 0x12345678\n")
        obj, elf = str(tmp_path / "v.o"), str(tmp_path / "vmlinux")
        subprocess.run(["arm-none-eabi-as", "-o", obj, str(tmp_path / "v.S")], check=True)
        subprocess.run(["arm-none-eabi-ld", "-Ttext=0xc0208000", "-Tdata=0xc0300000", "-e", "_start",
                        "-o", elf, obj], check=True)
        k = lb.load_kernel(elf)
        assert k.kind == "ELF" and k.entry_offset == 0x208000
        assert (0x300000, struct.pack("<I", 0x12345678)) in k.segments

    @pytest.mark.parametrize("data, message", [
        (b"", "too short"), (b"\x7fELF" + bytes(60), "not a valid ELF"),
        (gzip.compress(bytes(range(256)) * 64, mtime=0), "compressed file, not a kernel image"),
    ])
    def test_bad_kernels(self, tmp_path, data, message):
        with pytest.raises(PyxenError, match=message):
            lb.load_kernel(write(tmp_path, "k", data))


class TestPlacementAndDtb:
    def test_initrd_at_128mib_and_the_dtb_after_it(self, tmp_path):
        plan = lb.plan_boot(write(tmp_path, "Image", fake_image()), small_dtb(tmp_path), 512 * MiB,
                            write(tmp_path, "initrd", newc_initrd()), "console=ttyAMA0")
        assert plan.entry == RAM + 0x208000 and plan.initrd_addr == RAM + 128 * MiB
        assert plan.dtb_addr == RAM + 128 * MiB + 4096 and plan.cpus == 2

    def test_in_small_ram_the_initrd_goes_above_the_kernel(self, tmp_path):
        plan = lb.plan_boot(write(tmp_path, "Image", fake_image()), small_dtb(tmp_path), 64 * MiB,
                            write(tmp_path, "initrd", newc_initrd()))
        assert plan.initrd_addr == RAM + 32 * MiB

    def test_the_dtb_written_has_chosen_and_memory_and_dtc_reads_it(self, tmp_path):
        initrd = newc_initrd()
        plan = lb.plan_boot(write(tmp_path, "Image", fake_image()), small_dtb(tmp_path), 256 * MiB,
                            write(tmp_path, "initrd", initrd), "console=ttyAMA0 rdinit=/init")
        p = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts"], input=plan.dtb, capture_output=True)
        assert p.returncode == 0
        dts = p.stdout.decode()
        assert 'bootargs = "console=ttyAMA0 rdinit=/init";' in dts
        assert "linux,initrd-start = <0x00 0x88000000>;" in dts
        assert "linux,initrd-end = <0x00 %s>;" % hex(0x88000000 + len(initrd)) in dts
        assert "reg = <0x00 0x80000000 0x00 0x10000000>;" in dts

    @pytest.mark.parametrize("case, message", [
        ("no_memory", "no memory node"),
        ("corrupt_dtb", "not a valid device tree"),
        ("missing_kernel", "cannot read kernel"),
        ("kernel_too_big", "does not fit in 16 MiB"),
        ("initrd_too_big", "does not fit in 16 MiB"),
        ("initrd_not_cpio", "not a cpio archive"),
        ("initrd_missing", "cannot read initrd"),
        ("append_too_long", "at most 1023"),
        ("append_control_char", "only printable ASCII"),
        ("initrd_truncated_gzip", "corrupt compressed archive"),
    ])
    def test_bad_input_is_one_clear_error(self, tmp_path, case, message):
        kernel = write(tmp_path, "Image", fake_image(0x8000))
        dtb = small_dtb(tmp_path)
        initrd, mem, append = None, 16 * MiB, None
        if case == "no_memory":
            dtb = small_dtb(tmp_path, memory=False)
        elif case == "corrupt_dtb":
            dtb = write(tmp_path, "bad.dtb", b"\xd0\x0d\xfe\xed" + bytes(60))
        elif case == "missing_kernel":
            kernel = str(tmp_path / "nope")
        elif case == "kernel_too_big":
            kernel = write(tmp_path, "Image", fake_image(0x8000, size=17 * MiB))
        elif case == "initrd_too_big":
            initrd = write(tmp_path, "initrd", b"070701" + bytes(12 * MiB))
        elif case == "initrd_not_cpio":
            initrd = write(tmp_path, "initrd", b"hello world")
        elif case == "initrd_truncated_gzip":
            initrd = write(tmp_path, "initrd", newc_initrd()[:-12])
        elif case == "initrd_missing":
            initrd = str(tmp_path / "none")
        elif case == "append_too_long":
            append = "x" * 1024
        elif case == "append_control_char":
            append = "console=ttyAMA0\nroot=/dev/sda"
        with pytest.raises(PyxenError, match=message) as err:
            lb.plan_boot(kernel, dtb, mem, initrd, append)
        assert "\n" not in str(err.value)


class TestEntryState:
    @pytest.mark.parametrize("hyp, mode", [(True, 0x1A), (False, 0x13)])
    def test_firmware_entry(self, tmp_path, hyp, mode):
        plan = lb.plan_boot(write(tmp_path, "Image", fake_image()), small_dtb(tmp_path, cpus=1), 256 * MiB,
                            None, "console=ttyAMA0")
        m = Machine(ram_size=256 * MiB, rtc_base=0)
        lb.load(m, plan, hyp=hyp)
        c = m.cpu
        assert (c.r[0], c.r[1], c.r[2], c.pc) == (0, 0xFFFFFFFF, plan.dtb_addr, RAM + 0x208000)
        assert c.mode == mode and c.get_cpsr() & 0x1E0 == 0x1C0     # A, I, F masked, ARM state
        assert c.sys.sctlr & 1 == 0                                  # MMU off
        blob = m.mem.read(plan.dtb_addr, len(plan.dtb))
        assert fdt.parse(blob).find("/chosen").string("bootargs") == "console=ttyAMA0"
        assert m.mem.read(RAM + 0x208000, 8) == fake_image()[:8]


class TestDebianKernel:
    def test_the_zimage_payload_is_the_xz_stream_and_its_size_matches_the_build(self, workload):
        with open(workload["zImage"], "rb") as f:
            z = f.read()
        k = lb.load_kernel(workload["zImage"])
        assert k.kind == "zImage (xz)" and k.entry_offset == 0x208000
        image = k.segments[0][1]
        # The kernel build appends the payload's size (le32) after the stream.
        stream = z.find(b"\xfd7zXZ\x00", 0xE000)
        dec = lzma.LZMADecompressor(lzma.FORMAT_XZ)
        dec.decompress(z[stream:])
        assert struct.unpack_from("<I", dec.unused_data)[0] == len(image)

    @pytest.mark.parametrize("hyp", [True, False])
    def test_head_s_runs_and_installs_the_hyp_stub_only_when_entered_in_hyp(self, workload, hyp):
        plan = lb.plan_boot(workload["zImage"], workload["dtb"], 512 * MiB, workload["initrd"], "console=ttyAMA0")
        m = Machine(ram_size=512 * MiB, rtc_base=0)
        lb.load(m, plan, hyp=hyp)
        m.run(max_insns=15000)
        kernel_end = RAM + plan.kernel.end_offset
        if hyp:
            # __hyp_stub_install pointed HVBAR into the kernel, then head.S
            # dropped to SVC with an exception return.
            assert RAM + 0x208000 <= m.cpu.sys.hvbar < kernel_end
        else:
            assert m.cpu.sys.hvbar == 0
        assert m.cpu.mode == 0x13 and m.icount == 15000
