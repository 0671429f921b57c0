"""The trap table: every exception class of Table B3-20 has an entry (or
the named default, which injects UNDEF), every class's cost is in the
cost table, and traps with no emulation reach the guest as the
architectural Undefined Instruction exception."""

from pyxen15.cpu import syndrome
from pyxen15.hyp import traps
from pyxen15.hyp.costs import TRAP_COSTS

ALL_ECS = [v for k, v in vars(syndrome).items() if k.startswith("EC_")]


def test_every_ec_has_an_entry():
    assert sorted(traps.TRAPS) == sorted(set(ALL_ECS))
    for ec in range(64):
        name, handler = traps.TRAPS.get(ec, traps.DEFAULT)
        assert name and callable(handler)
    assert traps.DEFAULT[1] is traps.undefined_trap


def test_handlers_charge_known_costs():
    # every name a handler charges is in the cost table (static check of the source)
    import inspect
    import re
    src = inspect.getsource(traps)
    charged = set(re.findall(r'_charge\(hv, core, "(\w+)"\)', src))
    assert charged and charged <= set(TRAP_COSTS)


def test_condition_codes():
    z, c, n, v = 1 << 30, 1 << 29, 1 << 31, 1 << 28
    assert traps._cond_passed(z, 0x0) and not traps._cond_passed(0, 0x0)        # EQ
    assert traps._cond_passed(0, 0x1)                                           # NE
    assert traps._cond_passed(c, 0x8) and not traps._cond_passed(c | z, 0x8)   # HI
    assert traps._cond_passed(n | v, 0xA) and not traps._cond_passed(n, 0xA)   # GE
    assert traps._cond_passed(0, 0xE)                                           # AL


def test_unknown_hvc_and_undefined_classes_inject_undef(hyp_guest):
    run = hyp_guest("xen-undef", max_insns=2_000_000)
    assert (run.result.reason, run.result.exit_code) == ("exit", 0), run.output
    assert "undef_hvc=00000001" in run.output
    assert "undef_cp14=00000001" in run.output
    # xen_version(XENVER_version): -ENOSYS (-38) without the ABI's modules, else 4.17
    assert ("hypercall=ffffffda" in run.output) or ("hypercall=00040011" in run.output)
    assert run.traps["undef"] == 1 and run.traps["hypercall"] == 1
