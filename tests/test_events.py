"""The virtual-time deadline queue (pyxen15/events.py) and WFI skipping to it."""

from pyxen15.events import NEVER, Events
from pyxen15.machine import Machine


class Clock:
    """A stand-in core: only what Events reads and writes."""

    def __init__(self):
        self.cycles = 0
        self.next_deadline = NEVER
        self.attention = False
        self.on_deadline = None


def make():
    ev = Events()
    core = Clock()
    ev.attach(core)
    return ev, core


def test_deadlines_fire_in_cycle_order_then_scheduling_order():
    ev, core = make()
    fired = []
    ev.schedule(300, lambda: fired.append("c"))
    ev.schedule(100, lambda: fired.append("a"))
    ev.schedule(100, lambda: fired.append("b"))
    assert core.next_deadline == 100 and core.attention
    core.cycles = 150
    core.on_deadline()
    assert fired == ["a", "b"]
    assert core.next_deadline == 300
    core.cycles = 300
    core.on_deadline()
    assert fired == ["a", "b", "c"] and core.next_deadline == NEVER


def test_cancel_moves_the_deadline_and_is_idempotent():
    ev, core = make()
    fired = []
    h = ev.schedule(50, lambda: fired.append(1))
    ev.schedule(80, lambda: fired.append(2))
    ev.cancel(h)
    ev.cancel(h)
    ev.cancel(None)
    assert core.next_deadline == 80
    core.cycles = 100
    core.on_deadline()
    assert fired == [2]


def test_a_callback_may_schedule_again():
    ev, core = make()
    seen = []

    def tick():
        seen.append(ev.now())
        if len(seen) < 3:
            ev.schedule(ev.now() + 10, tick)
    ev.schedule(10, tick)
    for t in (10, 20, 30, 40):
        core.cycles = t
        core.on_deadline()
    assert seen == [10, 20, 30]


def test_counter_conversions_round_the_right_way():
    ev, core = make()
    core.cycles = 1000
    assert ev.ticks(24000000) == 24          # 1 us at 24 MHz
    assert ev.cycle_of(25, 24000000) == 1042  # first cycle where the count reads 25
    assert (1042 * 24000000) // ev.core_hz == 25 and (1041 * 24000000) // ev.core_hz == 24


def test_wfi_skips_virtual_time_to_the_next_device_deadline():
    m = Machine()
    fired = []
    m.mem.write(0x80000000, (0xE320F003).to_bytes(4, "little"))     # WFI
    m.cpu.pc = 0x80000000
    m.cpu.I = 0          # an interrupt line could come; WFI waits
    m.events.schedule(5000000, lambda: fired.append(m.events.now()))
    res = m.run(max_insns=100)
    assert fired and fired[0] >= 5000000
    assert res.reason == "halt"


def test_a_cores_own_deadline_fires_only_on_its_own_clock():
    ev = Events()
    a, b = Clock(), Clock()
    ev.attach(a)
    ev.attach(b)
    fired = []
    ev.schedule(100, lambda: fired.append("b's"), core=b)
    ev.schedule(150, lambda: fired.append("shared"))
    assert a.next_deadline == 150 and b.next_deadline == 100
    ev.current, a.cycles = a, 200          # core a runs ahead: only the shared one is its
    a.on_deadline()
    assert fired == ["shared"]
    ev.current, b.cycles = b, 120
    b.on_deadline()
    assert fired == ["shared", "b's"] and b.next_deadline == NEVER
