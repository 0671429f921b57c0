"""The hooks of the Python API (pyxen15/hooks.py, docs/API.md): what they
see, and the precise state a raising hook leaves."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "cpu"))
from snippets import CODE, assemble, machine_at  # noqa: E402

from pyxen15.cpu.core import StopRun  # noqa: E402
from pyxen15.cpu.syndrome import Call  # noqa: E402

UART0_DR = 0x1C090000
LOOP_END = CODE + 32          # the `end:` label of LOOP_SRC
DATA = 0x80010000


class Boom(Exception):
    pass


def raiser(*_args):
    raise Boom("from a hook")


def machine(src, **kw):
    code = assemble(src)
    m = machine_at(code, **kw)
    return m, CODE + len(code)


# A store to UART0 in the middle of a block, with registers written before
# it and a post-indexed base write-back that belongs to the store itself.
UART_SRC = """
    mov r0, #0x41
    mov r3, #7
    ldr r2, =0x1C090000
    str r0, [r2], #4
    mov r3, #9
    b .
"""


def test_raising_console_hook_stops_before_the_storing_instruction():
    m, _ = machine(UART_SRC)
    m.hooks.add_console(raiser)
    with pytest.raises(Boom):
        m.run(max_insns=100)
    cpu = m.cpu
    assert cpu.pc == CODE + 12                 # the STR
    assert m.icount == 3                       # mov, mov, ldr retired; the STR not
    assert cpu.r[0] == 0x41 and cpu.r[3] == 7
    assert cpu.r[2] == UART0_DR                # no write-back


def test_console_hook_sees_the_bytes_and_can_be_removed():
    m, _ = machine(UART_SRC)
    seen = []
    h = m.hooks.add_console(seen.append)
    m.run(max_insns=6)
    assert seen == [b"A"]
    m.hooks.remove(h)
    m.cpu.pc = CODE
    m.run(max_insns=6)
    assert seen == [b"A"]


SEMIHOSTING_SRC = """
    mov r0, #4
    adr r1, text
    svc #0x123456
    mov r5, #1
    b .
text:
    .asciz "hi"
"""


def test_raising_console_hook_in_a_semihosting_call_stops_before_the_svc():
    m, _ = machine(SEMIHOSTING_SRC)
    m.hooks.add_console(raiser)
    cycles_before = None
    with pytest.raises(Boom):
        m.run(max_insns=100)
    assert m.cpu.pc == CODE + 8
    assert m.icount == 2
    assert m.cpu.r[0] == 4                     # SYS_WRITE0's result not written
    # the counts equal a run stopped just before the SVC
    ref, _ = machine(SEMIHOSTING_SRC)
    ref.run(max_insns=2)
    cycles_before = ref.cycles
    assert m.cycles == cycles_before


LOOP_SRC = """
    ldr r1, =0x80010000
    mov r0, #0
loop:
    str r0, [r1]
    ldr r2, [r1, #4]
    add r0, r0, #1
    cmp r0, #5
    bne loop
    mov r4, #1
end:
    b end
"""


def test_memory_hook_sees_every_access_to_its_range_and_changes_nothing():
    ref, end = machine(LOOP_SRC)
    ref.run(until=LOOP_END, max_insns=1000)
    m, end = machine(LOOP_SRC)
    seen = []
    m.hooks.add_mem(lambda core, access, addr, size, value: seen.append((access, addr, size, value)),
                    DATA, DATA + 4)
    assert m.run(until=LOOP_END, max_insns=1000).reason == "until"
    assert seen == [("write", DATA, 4, i) for i in range(5)]
    assert (m.icount, m.cycles) == (ref.icount, ref.cycles)
    assert m.mem.read(DATA, 4) == (4).to_bytes(4, "little")


def test_memory_hook_for_reads_only_and_physical_addresses():
    m, end = machine(LOOP_SRC)
    seen = []
    m.hooks.add_mem(lambda core, access, addr, size, value: seen.append((access, addr)),
                    DATA, DATA + 8, write=False, physical=True)
    m.run(until=LOOP_END, max_insns=1000)
    assert seen == [("read", DATA + 4)] * 5


def test_raising_memory_hook_stops_before_the_access():
    m, _ = machine(LOOP_SRC)
    calls = []

    def hook(core, access, addr, size, value):
        calls.append(value)
        if value == 3:
            raise Boom()
    m.hooks.add_mem(hook, DATA, DATA + 4, read=False)
    with pytest.raises(Boom):
        m.run(max_insns=1000)
    assert m.cpu.pc == CODE + 8                # the STR, in its fourth round
    assert m.cpu.r[0] == 3
    assert m.icount == 2 + 3 * 5
    assert m.mem.read(DATA, 4) == (2).to_bytes(4, "little")    # the fourth store did not happen


def test_code_hook_runs_at_each_arrival_mid_block():
    m, end = machine(LOOP_SRC)
    arrivals = []
    m.hooks.add_code(lambda core, addr: arrivals.append((addr, core.r[0], m.icount)), CODE + 16)
    m.run(until=LOOP_END, max_insns=1000)
    assert arrivals == [(CODE + 16, i, 2 + 5 * i + 2) for i in range(5)]   # at the ADD


def test_code_hook_stops_the_run_with_stoprun():
    m, _ = machine(LOOP_SRC)
    h = m.hooks.add_code(lambda core, addr: (_ for _ in ()).throw(StopRun("breakpoint")), CODE + 12)
    res = m.run(max_insns=1000)
    assert res.reason == "breakpoint"
    assert m.cpu.pc == CODE + 12 and m.icount == 3 and m.cpu.r[2] == 0
    m.hooks.remove(h)
    assert m.cpu.code_hooks is None and CODE + 12 not in m.cpu.breakpoints
    m.run(max_insns=3)
    assert m.cpu.pc == CODE + 24


def test_raising_code_hook_surfaces_at_its_address():
    m, _ = machine(LOOP_SRC)
    m.hooks.add_code(raiser, CODE + 28)
    with pytest.raises(Boom):
        m.run(max_insns=1000)
    assert m.cpu.pc == CODE + 28 and m.cpu.r[0] == 5 and m.icount == 2 + 25


def test_exception_hook_sees_an_svc_and_an_hvc_with_its_syndrome():
    src = """
        svc #0x12
    """
    m, _ = machine(src + " .word 0xe1400071\n")     # hvc #1 (keystone lacks HVC)
    m.cpu.sys.vbar = 0x80001000
    m.mem.write(0x80001008, assemble("movs pc, lr", addr=0x80001008))
    events = []
    m.hooks.add_exception(lambda core, ev: events.append(ev))
    m.run(max_insns=3)
    assert [e.kind for e in events] == ["svc", "hyp_trap"]
    svc, hvc = events
    assert svc.vector == 0x80001008 and svc.return_address == CODE + 4 and svc.syndrome is None
    assert hvc.hyp and hvc.return_address == CODE + 8
    assert isinstance(hvc.syndrome, Call) and hvc.syndrome.imm16 == 1


def test_raising_exception_hook_stops_at_the_vector():
    m, _ = machine("svc #0x12\n")
    m.cpu.sys.vbar = 0x80001000
    m.hooks.add_exception(raiser)
    with pytest.raises(Boom):
        m.run(max_insns=10)
    assert m.cpu.pc == 0x80001008 and m.cpu.mode == 0x13 and m.cpu.r[14] == CODE + 4
    assert m.icount == 1


def test_hyp_only_exception_hook_ignores_pl1_entries():
    m, _ = machine("svc #0x12\n .word 0xe1400071\n")
    m.cpu.sys.vbar = 0x80001000
    m.mem.write(0x80001008, assemble("movs pc, lr", addr=0x80001008))
    events = []
    m.hooks.add_exception(lambda core, ev: events.append(ev.kind), hyp_only=True)
    m.run(max_insns=3)
    assert events == ["hyp_trap"]


def test_no_hook_installed_leaves_the_fast_paths_alone():
    m, end = machine(LOOP_SRC)
    h = m.hooks.add_mem(lambda *a: None, DATA, DATA + 4)
    m.hooks.remove(h)
    assert m.cpu.tlb.watch is None and m.cpu.exception_hook is None and m.cpu.code_hooks is None
    m.run(until=LOOP_END, max_insns=1000)
    assert DATA >> 12 in m.cpu.tlb.cur.wr      # the page went back to the fast table


def test_raising_memory_hook_inside_an_it_block_leaves_its_itstate():
    code = assemble("""
        movs r3, #0
        itte eq
        streq r0, [r1]
        addeq r2, r2, #1
        addne r2, r2, #2
        b .
    """, thumb=True)
    m = machine_at(code, thumb=True, regs={1: DATA})
    m.hooks.add_mem(raiser, DATA, DATA + 4)
    with pytest.raises(Boom):
        m.run(max_insns=100)
    assert m.cpu.pc == CODE + 4 and m.icount == 2
    assert m.cpu.IT != 0 and m.cpu.IT >> 4 == 0x0           # still in the IT block, condition EQ
    m.hooks.remove(1)
    ref = machine_at(code, thumb=True, regs={1: DATA})
    ref.run(max_insns=2)
    assert (m.cpu.IT, m.cycles) == (ref.cpu.IT, ref.cycles)


def test_raising_exception_hook_on_an_asynchronous_entry_stops_at_the_vector():
    """A virtual abort (HCR.VA) is taken between blocks: the hook stops there too."""
    m, _ = machine("mov r0, #1\n mov r1, #2\n b .\n", cpsr=0xD3)        # SVC, CPSR.A clear
    m.cpu.sys.vbar = 0x80001000
    m.cpu.sys.hcr |= (1 << 8) | (1 << 5)                                # HCR.VA, HCR.AMO
    m.cpu.attention = True
    m.hooks.add_exception(raiser)
    with pytest.raises(Boom):
        m.run(max_insns=100)
    assert m.cpu.pc == 0x80001010 and m.cpu.mode == 0x17 and m.icount == 0


def test_outside_a_run_a_raising_hook_raises_its_own_exception():
    m, _ = machine(UART_SRC)
    m.hooks.add_console(raiser)
    with pytest.raises(Boom):
        m.bus.write(UART0_DR, 4, 0x41)
    m.hooks.add_mem(raiser, DATA, DATA + 4)
    with pytest.raises(Boom):
        m.cpu.tlb.read(DATA, 4)


def test_a_code_hook_drops_only_the_blocks_that_cover_its_address():
    src = """
        mov r0, #1
        bl f
    done:
        b done
        .space 0xf4
    f:
        add r0, r0, #1
        add r0, r0, #2
        bx lr
    """
    m, _ = machine(src)
    done, f = CODE + 8, CODE + 0x100
    m.run(until=done, max_insns=100)
    starts = {key & 0xFFFFFFFF for key in m.cpu.blocks}
    assert {CODE, f} <= starts
    arrivals = []
    m.hooks.add_code(lambda core, addr: arrivals.append(core.r[0]), f + 4)
    assert {key & 0xFFFFFFFF for key in m.cpu.blocks} == starts - {f}     # only f's block went
    m.cpu.pc = CODE
    m.run(until=done, max_insns=100)
    assert arrivals == [2] and m.cpu.r[0] == 4
