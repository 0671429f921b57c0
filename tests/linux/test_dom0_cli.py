"""`pyxen15 boot --hyp python|none`: the dom0 options are checked before
anything runs, each bad one is one clear error line, and the native path
refuses the dom0 options."""

import os
import re
import subprocess
import sys

import pytest

from pyxen15.cli import hyp_stats_table


def pyxen15(*args, timeout=60):
    exe = os.path.join(os.path.dirname(sys.executable), "pyxen15")
    return subprocess.run([exe] + list(args), capture_output=True, timeout=timeout)


def one_error_line(p, pattern):
    lines = p.stderr.decode().strip().splitlines()
    assert p.returncode != 0
    assert len(lines) == 1 and lines[0].startswith("pyxen15: error: "), p.stderr
    assert re.search(pattern, lines[0]), lines[0]


@pytest.mark.parametrize("extra, pattern", [
    (["--hyp", "python", "--entry", "hyp"], r"--entry is for the native boot"),
    (["--hyp", "python", "--dom0-mem", "512M"], r"--dom0-mem 512 MiB"),
    (["--dom0-mem", "512M"], r"--dom0-mem 512 MiB"),                 # dom0 is the default
    (["--hyp", "python", "--dom0-mem", "100M", "--mem", "512M", "--smp", "1", "--dom0-vcpus", "2"],
     r"--dom0-vcpus 2: 1 to 1"),
    (["--hyp", "python", "--dom0-mem", "99M"], r"multiple of 2 MiB"),
    (["--hyp", "python", "--dom0-mem", "lots"], r"bad size 'lots'"),
    (["--hyp", "none", "--dom0-vcpus", "1"], r"need --hyp python"),
    (["--hyp", "xen"], r"'xen' is not one of"),
])
def test_bad_dom0_options_are_one_clear_line(workload, extra, pattern):
    p = pyxen15("boot", workload["zImage"], "--dtb", workload["dtb"], *extra)
    one_error_line(p, pattern)


def test_the_default_boot_is_dom0_of_the_python_hypervisor(workload):
    """No --hyp: the kernel boots as dom0 -- it asks for Xen's features, and
    the closing lines are the hypervisor's trap and hypercall table."""
    p = pyxen15("boot", workload["zImage"], "--dtb", workload["dtb"], "--initrd", workload["initrd"],
                "--max-insns", "20000000", timeout=300)
    err = p.stderr.decode()
    assert p.returncode == 124, err
    assert re.search(r"hvc_psci +\d+", err) and re.search(r"xen_version.get_features +1 ", err), err


class Stats:
    def rows(self):
        return [("dabt", 3, 900), ("hc:console_io.write", 7, 700), ("hypercall", 10, 5000)]


def test_the_closing_table_groups_traps_then_hypercalls_with_totals():
    lines = hyp_stats_table(Stats())
    text = "\n".join(lines)
    assert lines[0].split()[1:] == ["traps", "count", "cycles"]
    assert re.search(r"dabt +3 +900\n.*hypercall +10 +5000\n.*total +13 +5900", text)
    assert re.search(r"hypercalls +count +cycles\n.*console_io.write +7 +700\n.*total +7 +700", text)
