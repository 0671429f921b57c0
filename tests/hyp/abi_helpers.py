"""A machine with the Python hypervisor and one domain whose vCPU 0 is on
its core, for calling hypercalls from Python as the HVC #0xEA1 trap does
(registers in, hypercall.dispatch, r0 out)."""

import struct

from pyxen15.board_vexpress.memmap import RAM_BASE
from pyxen15.hyp import Hypervisor
from pyxen15.hyp import hypercall
from pyxen15.machine import Machine

GUEST_MEM = 4 << 20
SCRATCH = RAM_BASE + 0x100000       # a guest page for hypercall structures (MMU off: VA = IPA = PA)


class AbiBench:
    def __init__(self, domid: int = 0, vcpus: int = 1, extra_domains=()):
        self.machine = Machine(ram_size=64 << 20, smp=max(vcpus, 1))
        self.out = []
        self.machine.hooks.add_console(self.out.append)
        self.hv = Hypervisor(self.machine)
        self.hv.attach()
        self.dom = self.hv.create_domain(domid, [(RAM_BASE, RAM_BASE, GUEST_MEM)], vcpus)
        base = RAM_BASE + GUEST_MEM
        self.others = {}
        for n, other in enumerate(extra_domains):
            self.others[other] = self.hv.create_domain(
                other, [(RAM_BASE, base + n * GUEST_MEM, GUEST_MEM)], 1)
        self.vcpu = self.dom.vcpus[0]
        self.hv.start_vcpu(self.vcpu, RAM_BASE)

    def call(self, number: int, *args: int, vcpu=None) -> int:
        """r12 = number, r0.. = args; the result as a signed 32-bit value."""
        v = vcpu or self.vcpu
        for n in range(5):
            v.set_reg(n, args[n] if n < len(args) else 0)
        v.set_reg(12, number)
        hypercall.dispatch(v)
        r0 = v.get_reg(0)
        return r0 - (1 << 32) if r0 & 0x80000000 else r0

    def poke(self, addr: int, data: bytes) -> None:
        self.machine.mem.write(addr, data)

    def peek(self, addr: int, n: int) -> bytes:
        return self.machine.mem.read(addr, n)

    def u32(self, addr: int) -> int:
        return struct.unpack("<I", self.peek(addr, 4))[0]

    def stats(self):
        return {name: count for name, count, _ in self.hv.stats.rows()}
