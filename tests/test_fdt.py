"""The FDT reader/writer (pyxen15/fdt.py) against dtc, the reference
implementation: what dtc compiles we read, what we write dtc reads back."""

import os
import subprocess
import struct

import pytest

from pyxen15 import fdt

DTS = """/dts-v1/;
/memreserve/ 0x80000000 0x1000;
/ {
    #address-cells = <2>;
    #size-cells = <2>;
    model = "toy";
    compatible = "arm,toy", "arm,vexpress";
    empty-flag;
    bytes = [de ad be ef 01];
    cpus {
        #address-cells = <1>;
        #size-cells = <0>;
        cpu@0 { device_type = "cpu"; reg = <0>; };
        cpu@1 { device_type = "cpu"; reg = <1>; };
    };
    memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x40000000>; };
};
"""


def dtc(*args, data=None):
    p = subprocess.run(["dtc", "-q"] + list(args), input=data, capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout


@pytest.fixture
def toy_dtb():
    return dtc("-I", "dts", "-O", "dtb", data=DTS.encode())


class TestRead:
    def test_values_as_dtc_compiled_them(self, toy_dtb):
        t = fdt.parse(toy_dtb)
        assert t.root.string("model") == "toy"
        assert t.root.strings("compatible") == ["arm,toy", "arm,vexpress"]
        assert t.find("/memory").u32s("reg") == [0, 0x80000000, 0, 0x40000000]
        assert [c.name for c in t.find("/cpus").children] == ["cpu@0", "cpu@1"]
        assert t.root.props["empty-flag"] == b"" and t.root.props["bytes"] == b"\xde\xad\xbe\xef\x01"
        assert t.reserved == [(0x80000000, 0x1000)]

    def test_paths_of_every_node(self, toy_dtb):
        paths = [p for p, _ in fdt.parse(toy_dtb).root.walk()]
        assert paths == ["/", "/cpus", "/cpus/cpu@0", "/cpus/cpu@1", "/memory@80000000"]


class TestWrite:
    def test_the_board_dtb_round_trips_byte_for_byte(self, workload):
        with open(workload["dtb"], "rb") as f:
            blob = f.read()
        assert fdt.build(fdt.parse(blob)) == blob

    def test_dtc_reads_what_we_write(self, toy_dtb):
        t = fdt.parse(toy_dtb)
        chosen = t.root.add_child("chosen")
        chosen.set_string("bootargs", "console=ttyAMA0 rdinit=/init")
        chosen.set_u32s("linux,initrd-start", fdt.cells(0x88000000, 2))
        t.find("/memory").set_u32s("reg", fdt.cells(0x80000000, 2) + fdt.cells(0x20000000, 2))
        out = dtc("-I", "dtb", "-O", "dts", data=fdt.build(t)).decode()
        assert 'bootargs = "console=ttyAMA0 rdinit=/init";' in out
        assert "linux,initrd-start = <0x00 0x88000000>;" in out
        assert "reg = <0x00 0x80000000 0x00 0x20000000>;" in out
        assert "/memreserve/\t0x0000000080000000 0x0000000000001000;" in out
        # and dtc's own re-encoding of it parses to the same tree
        again = fdt.parse(dtc("-I", "dtb", "-O", "dtb", data=fdt.build(t)))
        assert again.find("/chosen").string("bootargs") == "console=ttyAMA0 rdinit=/init"


class TestBadBlobs:
    @pytest.mark.parametrize("mangle, message", [
        (lambda b: b[:20], "too short"),
        (lambda b: b"\0\0\0\0" + b[4:], "bad magic"),
        (lambda b: b[:len(b) - 8], "header says"),
        (lambda b: b[:8] + struct.pack(">I", 0x10000) + b[12:], "runs past the end"),
    ])
    def test_one_line_errors(self, toy_dtb, mangle, message):
        with pytest.raises(fdt.FdtError, match=message):
            fdt.parse(mangle(toy_dtb))

    def test_an_unknown_token(self, toy_dtb):
        off = struct.unpack_from(">I", toy_dtb, 8)[0]
        bad = toy_dtb[:off] + struct.pack(">I", 7) + toy_dtb[off + 4:]
        with pytest.raises(fdt.FdtError, match="unknown token"):
            fdt.parse(bad)

    def test_random_garbage_never_raises_anything_else(self, toy_dtb):
        import random
        rng = random.Random(7)
        for _ in range(300):
            b = bytearray(toy_dtb)
            for _ in range(4):
                b[rng.randrange(40, len(b))] = rng.randrange(256)
            try:
                fdt.parse(bytes(b))
            except fdt.FdtError:
                pass
