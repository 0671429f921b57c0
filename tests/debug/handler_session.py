"""A machine with a stand-in for the Python hypervisor, under the debugger
(test_debugger.py drives it in a terminal): the guest makes one HVC, and
the stand-in handles it in Python, so the debugger's trap breakpoint must
stop in Python and `step` must reach this handler."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "cpu"))
from snippets import assemble, machine_at  # noqa: E402

from pyxen15.debug.debugger import Debugger  # noqa: E402


def hyp_trap(core, vect_offset, target):
    core.r[0] = core.r[0] + 1          # the stand-in hypervisor's work
    return core.eret()


def main():
    code = assemble("mov r0, #5") + (0xE1400071).to_bytes(4, "little") + assemble("mov r1, r0\nb .")   # hvc #1
    m = machine_at(code)
    m.cpu.hyp_trap = hyp_trap
    Debugger(m, max_insns=100).main_loop()
    print("r1 after the run: %d" % m.cpu.r[1])


if __name__ == "__main__":
    main()
