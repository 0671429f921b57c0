"""Interrupt delivery into a core (cpu/interrupts.py): routing by HCR and
the CPSR masks, the GIC's virtual lines, ISR."""

from pyxen15.machine import Machine

CODE = 0x80000000
NOPS = (0xE320F000).to_bytes(4, "little") * 4


def core_at(cpsr, hcr):
    m = Machine(ram_size=16 << 20)
    m.mem.write(CODE, NOPS)
    m.cpu.set_cpsr(cpsr)
    m.cpu.sys.hcr = hcr
    m.cpu.sys.hvbar = 0x80010000
    m.cpu.sys.vbar = 0x80020000
    m.cpu.pc = CODE
    return m


def test_hcr_tge_routes_a_physical_irq_to_hyp_from_user_mode():
    m = core_at(0x10 | 0x80, 1 << 27)            # User mode, CPSR.I set; HCR.TGE, IMO clear
    m.cpu.irq_line = True
    m.run(max_insns=1)
    assert m.cpu.mode == 0x1A and m.cpu.elr_hyp == CODE


def test_the_gicv_line_is_a_virtual_irq_to_pl1_under_imo():
    m = core_at(0x13, 1 << 4)                    # SVC, I clear; HCR.IMO
    m.cpu.virq_line = True
    m.run(max_insns=1)
    assert m.cpu.mode == 0x12 and m.cpu.r[14] == CODE + 4      # LR_irq: return + 4


def test_without_imo_the_gicv_line_is_not_taken():
    m = core_at(0x13, 0)
    m.cpu.virq_line = True
    m.run(max_insns=2)
    assert m.cpu.mode == 0x13 and m.cpu.pc == CODE + 8


def test_isr_shows_the_gicv_line_at_pl1_under_imo():
    m = core_at(0x13 | 0x80, 1 << 4)
    m.cpu.virq_line = True
    assert m.cpu.sys.read("ISR") == 0x80
    m.cpu.virq_line = False
    m.cpu.irq_line = True                        # physical: not what PL1 sees under IMO
    assert m.cpu.sys.read("ISR") == 0
