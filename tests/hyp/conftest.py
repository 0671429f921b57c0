"""Fixtures for the hypervisor's tests: a machine with the Python
hypervisor attached, a domain built from a bare-metal ELF guest, run with
a deterministic instruction budget (a wall-clock backstop aside).

    def test_x(hyp_guest):
        run = hyp_guest("xen-hello", vcpus=1)
        assert run.result.reason == "exit" and run.result.exit_code == 0
        assert "hello" in run.output

The guest's domain is dom 1 (not the hardware domain), its RAM the
first `mem` bytes of board RAM at IPA == PA, UART0 passed through in
stage 2 (until the hypervisor console lands), semihosting for exit.
"""

import os
from typing import Optional

import pytest

from pyxen15.board_vexpress.memmap import RAM_BASE
from pyxen15.hyp import Hypervisor
from pyxen15.loader import load_elf
from pyxen15.machine import Machine

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "guests", "build")
UART0 = 0x1C090000


class HypRun:
    def __init__(self, machine, hv, domain, result, output: str):
        self.machine = machine
        self.hv = hv
        self.domain = domain
        self.result = result
        self.output = output

    @property
    def traps(self):
        return {name: count for name, count, _ in self.hv.stats.rows()}


def build_guest(name: str, vcpus: int = 1, mem: int = 16 << 20, domid: int = 1,
                ram: int = 64 << 20, cores: Optional[int] = None, cntvoff: Optional[int] = None):
    """(machine, hv, domain, output list) with the guest loaded, vCPU0 started."""
    path = os.path.join(BUILD, name + ".elf")
    assert os.path.exists(path), "%s is not built (make guests)" % path
    m = Machine(ram_size=ram, smp=cores or vcpus)
    out = []
    m.hooks.add_console(lambda data: out.append(data))
    hv = Hypervisor(m)
    hv.attach()
    d = hv.create_domain(domid, [(RAM_BASE, RAM_BASE, mem)], vcpus)
    d.p2m.map(UART0, UART0, 0x1000, device=True, executable=False)
    if cntvoff is not None:
        d.cntvoff = cntvoff
    entry, thumb = load_elf(path, m.mem)
    hv.start_vcpu(d.vcpus[0], entry, thumb=thumb)
    return m, hv, d, out


@pytest.fixture
def hyp_guest():
    def run(name: str, vcpus: int = 1, max_insns: int = 5_000_000, **kw) -> HypRun:
        m, hv, d, out = build_guest(name, vcpus, **kw)
        result = m.run(max_insns=max_insns)
        return HypRun(m, hv, d, result, b"".join(out).decode("latin-1"))
    return run
