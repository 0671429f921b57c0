"""The execution engine: budgets, block invalidation, precise exceptions."""

import pytest

from snippets import CODE, assemble, machine_at

LOOP = """
    mov r0, #0
loop:
    add r0, r0, #1
    add r1, r1, #2
    add r2, r2, #3
    b loop
"""


def machine_with(src, thumb=False):
    return machine_at(assemble(src, thumb), thumb)


@pytest.mark.parametrize("budget", [1, 2, 5, 63, 64, 65, 1000, 12345])
def test_instruction_budget_is_exact(budget):
    m = machine_with(LOOP)
    assert m.run(max_insns=budget).reason == "max_insns"
    assert m.icount == budget
    # mov, then 4 per iteration: r0 counts the adds to r0 that retired
    assert m.cpu.r[0] == sum(1 for i in range(1, budget) if i % 4 == 1)


def test_budget_resumes_where_it_stopped():
    a, b = machine_with(LOOP), machine_with(LOOP)
    a.run(max_insns=1000)
    for _ in range(10):
        b.run(max_insns=100)
    assert a.cpu.r[:16] == b.cpu.r[:16] and a.cycles == b.cycles


def test_until_stops_before_the_address_even_mid_block():
    m = machine_with(LOOP)
    assert m.run(until=CODE + 12, max_insns=100).reason == "until"
    assert m.cpu.pc == CODE + 12 and m.cpu.r[0] == 1 and m.cpu.r[1] == 2 and m.cpu.r[2] == 0


def test_runs_are_deterministic():
    a, b = machine_with(LOOP), machine_with(LOOP)
    a.run(max_insns=5000)
    b.run(max_insns=5000)
    assert (a.icount, a.cycles, a.cpu.r[:]) == (b.icount, b.cycles, b.cpu.r[:])


def test_writing_translated_code_drops_its_blocks():
    m = machine_with("mov r0, #1\nend: b end")
    m.run(until=CODE + 4, max_insns=10)
    assert m.cpu.r[0] == 1
    m.mem.write(CODE, assemble("mov r0, #2"))
    m.cpu.pc = CODE
    m.run(until=CODE + 4, max_insns=10)
    assert m.cpu.r[0] == 2


def test_guest_store_into_code_page_is_seen():
    """A guest store rewrites an instruction after it has been translated."""
    new = int.from_bytes(assemble("mov r0, #7"), "little")
    m = machine_with("""
        mov r0, #0
    again:
        add r3, r3, #1
    patch:
        mov r0, #1
        cmp r3, #2
        beq done
        str r1, [r2]
        b again
    done:
        nop
    """)
    m.cpu.r[1] = new
    m.cpu.r[2] = CODE + 8
    assert m.run(until=CODE + 28, max_insns=100).reason == "until"
    assert m.cpu.r[0] == 7


def test_abort_in_mid_block_is_precise():
    """TBB reads its table through the bus: at an address with no device it
    takes a synchronous external abort at exactly that instruction, after
    the instructions before it retired."""
    m = machine_with("""
        movs r1, #1
        movs r2, #2
        tbb [r0, r1]
        movs r3, #3
    """, thumb=True)
    m.cpu.r[0] = 0x00100000        # nothing decodes here on this board
    m.cpu.sys.vbar = CODE + 0x1000
    m.run(until=CODE + 0x1010, max_insns=50)
    cpu = m.cpu
    assert cpu.mode == 0x17                        # Abort mode
    assert cpu.pc == CODE + 0x1010                 # data abort vector
    assert cpu.r[14] == CODE + 4 + 8               # LR_abt = faulting instruction + 8
    assert (cpu.spsr & 0x20) and cpu.r[1] == 1 and cpu.r[2] == 2 and cpu.r[3] == 0
    assert cpu.sys.dfar == 0x00100001
    assert cpu.sys.dfsr & 0x40F == 0x008           # synchronous external abort
    assert m.icount == 2


def test_undefined_instruction_takes_undef_exception():
    m = machine_with("movs r1, #1\n.word 0xe7f000f0")      # UDF in A32 (permanently undefined)
    m.cpu.sys.vbar = CODE + 0x1000
    m.run(until=CODE + 0x1004, max_insns=20)
    assert m.cpu.mode == 0x1B and m.cpu.r[14] == CODE + 8 and m.cpu.r[1] == 1


def test_halting_wfi_with_nothing_to_wake_it_stops_the_run():
    m = machine_with("wfi")
    assert m.run(max_insns=10).reason == "halt"
    assert m.cpu.mode == 0x13 and m.icount == 1


def test_block_ended_by_a_state_change_falls_through():
    """CPSID ends its block without branching: the next instruction runs."""
    m = machine_with("cpsid i\nmovs r0, #1\nend: b end")
    m.cpu.set_cpsr(0x153)
    assert m.run(until=CODE + 8, max_insns=10).reason == "until"
    assert m.cpu.I == 1 and m.cpu.r[0] == 1


def test_conditional_branch_does_not_end_the_block():
    m = machine_with("cmp r0, #0\nbne skip\nmovs r1, #1\nskip: movs r2, #2")
    m.run(until=CODE + 16, max_insns=1000)
    assert (m.cpu.r[1], m.cpu.r[2], m.icount) == (1, 2, 4)
    block = next(iter(m.cpu.blocks.values()))[3]
    assert block.n == 4
    m.cpu.r[0] = 1
    m.cpu.r[1] = 0
    m.cpu.pc = CODE
    icount = m.icount
    m.run(until=CODE + 16, max_insns=1000)
    assert (m.cpu.r[1], m.cpu.r[2], m.icount - icount) == (0, 2, 3)


def test_raw_cpsr_write_keeps_data_endianness_in_step():
    """Setting CPSR.E through the API (not SETEND) must make loads big-endian."""
    m = machine_with("ldr r0, [r1]")
    m.mem.write(CODE + 0x100, bytes([0x11, 0x22, 0x33, 0x44]))
    m.cpu.r[1] = CODE + 0x100
    m.cpu.cpsr = 0x1D3 | (1 << 9)
    assert m.run(until=CODE + 4, max_insns=100).reason == "until"
    assert m.cpu.r[0] == 0x11223344


def test_abort_raised_by_a_call_into_the_core_is_counted_once():
    """A fault raised from the core call that ends a block (here the SVC's
    service routine reading guest memory) is precise too: the instructions
    before the SVC retire once each, the SVC not at all."""
    from pyxen15.mmu_lpae.faults import Fault, GuestFault
    m = machine_with("""
        movs r1, #1
        movs r2, #2
        svc #0x123456
        movs r3, #3
    """)

    def service(core, imm, pc):
        raise GuestFault(Fault("translation", 0x00100000, level=1))
    m.cpu.on_svc = service
    m.cpu.sys.vbar = CODE + 0x1000
    cycles = m.cpu.cycles
    m.run(until=CODE + 0x1010, max_insns=50)
    assert m.cpu.mode == 0x17 and m.cpu.pc == CODE + 0x1010
    assert m.cpu.r[14] == CODE + 8 + 8            # LR_abt: the SVC + 8
    assert m.icount == 2
    assert m.cpu.cycles - cycles < 20             # two movs and the abort's entry, not the SVC's too
