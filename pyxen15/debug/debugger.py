"""The interactive debugger (`pyxen15 run|boot ... --debug`): bare guests,
guests of their own HYP code, and domains of the Python hypervisor.

A subclass of pdb, so Python stepping works unchanged, with machine
commands beside pdb's own:

    break pc ADDR|SYMBOL        stop before the instruction at a virtual address
    break trap CLASS|EC         stop at an exception to HYP mode, by class
                                (hvc, smc, dabt, pabt, wfi, cp15, ...) or HSR.EC
    break hcall NAME[.OP]|NUMBER   stop at a Xen hypercall by family (and sub-op),
                                e.g. event_channel_op, event_channel_op.send, 32
    break console REGEX         stop when the console output matches
    watch ADDR [LEN] [r|w|rw] [phys]   stop before a data access (virtual or physical)
    breaks / clear mN           list / delete machine breakpoints
    regs                        the current mode's registers and the banked ones
    sysregs [NAME...]           system registers by name
    walk VA [read|write|fetch]  the stage-1 and stage-2 walk, descriptor by descriptor
    gic / timers                the GIC state that matters / the generic timers
    domains / vcpus             the Python hypervisor's domains, and their vCPUs (state,
                                physical core, PC, mode)
    evtchn [DOMID]              a domain's event channels: binding, pending and masked bits
    stepi [N] / until ADDR / cont   run the guest: N instructions, to an address, on

`continue` (`c`) is `cont`; pdb's `step`, `next`, `p`, `pp`, `where`... are
pdb's, on the debugger's own frame (where `m` is the machine and `cpu` the
selected core).  Breakpoints are hooks (pyxen15/hooks.py) that stop the run
at an instruction boundary: a breakpoint before its instruction, a
watchpoint before the access, a trap at its vector when the guest's own
HYP code handles it.  When the Python hypervisor does (``Core.hyp_trap``),
a trap breakpoint stops in Python instead, in the exception entry just
before the call to the handler: pdb's `step` goes into it, and `continue`
or `finish` returns to the guest; stepi/until wait until then.
Under the Python hypervisor (`run --xen`, `boot --hyp python`) the trap
screen decodes a hypercall (hcall.py: the family, the sub-op, the
arguments by the ABI's names, the structure one points at), and `walk`
at a trap walks the guest's PL1&0 regime, stage 1 then stage 2 (`walk VA
hyp` for the HYP regime's own).
A console match stops at the next block boundary, after the byte is out.
Ctrl-C while the guest runs stops it at the next block boundary.
"""

import bdb
import bisect
import pdb
import re
import signal
import sys
from typing import Dict, List, Optional, Tuple

from ..cpu.core import StopRun
from ..cpu.state import MODE_HYP, MODE_NAMES, MODE_USR
from ..cpu import syndrome as S
from .walk import read_virtual, walk_lines

# `break trap` classes: name -> HSR.EC values (ARM ARM Table B3-20)
TRAP_CLASSES: Dict[str, Tuple[int, ...]] = {
    "unknown": (S.EC_UNKNOWN,), "undef": (S.EC_UNKNOWN,), "wfi": (S.EC_WFI_WFE,), "wfe": (S.EC_WFI_WFE,),
    "cp15": (S.EC_MCR_MRC_CP15, S.EC_MCRR_MRRC_CP15), "cp14": (S.EC_MCR_MRC_CP14, S.EC_LDC_STC_CP14,
                                                               S.EC_MRRC_CP14),
    "hcptr": (S.EC_HCPTR,), "vfp": (S.EC_HCPTR, S.EC_MRC_CP10), "cp10": (S.EC_MRC_CP10,),
    "bxj": (S.EC_BXJ,), "svc": (S.EC_SVC,), "hvc": (S.EC_HVC,), "smc": (S.EC_SMC,),
    "pabt": (S.EC_PABT_LOWER, S.EC_PABT_HYP), "dabt": (S.EC_DABT_LOWER, S.EC_DABT_HYP),
}
EC_NAMES = {S.EC_UNKNOWN: "unknown reason (UNDEF)", S.EC_WFI_WFE: "WFI/WFE", S.EC_MCR_MRC_CP15: "MCR/MRC CP15",
            S.EC_MCRR_MRRC_CP15: "MCRR/MRRC CP15", S.EC_MCR_MRC_CP14: "MCR/MRC CP14",
            S.EC_LDC_STC_CP14: "LDC/STC CP14", S.EC_HCPTR: "HCPTR coprocessor access",
            S.EC_MRC_CP10: "VMRS (CP10)", S.EC_BXJ: "BXJ", S.EC_MRRC_CP14: "MRRC CP14",
            S.EC_SVC: "SVC", S.EC_HVC: "HVC", S.EC_SMC: "SMC", S.EC_PABT_LOWER: "Prefetch Abort from a lower mode",
            S.EC_PABT_HYP: "Prefetch Abort in HYP", S.EC_DABT_LOWER: "Data Abort from a lower mode",
            S.EC_DABT_HYP: "Data Abort in HYP"}
# interrupts reach HYP without a syndrome
INTERRUPT_CLASSES = ("irq", "fiq")

DEFAULT_SYSREGS = ("SCTLR", "TTBCR", "TTBR0", "TTBR1", "DACR", "VBAR", "DFSR", "DFAR", "IFSR", "IFAR",
                   "HCR", "HSCTLR", "HVBAR", "HSR", "HDFAR", "HIFAR", "HPFAR", "VTCR", "VTTBR", "HTTBR")
TIMER_REGS = ("CNTP_CTL", "CNTP_CVAL", "CNTV_CTL", "CNTV_CVAL", "CNTHP_CTL", "CNTHP_CVAL", "CNTVOFF")


class Symbols:
    """Names and addresses from an ELF's symbol table or a System.map."""

    def __init__(self) -> None:
        self.by_name: Dict[str, int] = {}
        self._addrs: List[int] = []
        self._names: List[str] = []

    @classmethod
    def load(cls, path: str) -> "Symbols":
        from ..errors import PyxenError
        sym = cls()
        try:
            with open(path, "rb") as f:
                elf = f.read(4) == b"\x7fELF"
            if elf:
                from elftools.elf.elffile import ELFFile
                with open(path, "rb") as f:
                    table = ELFFile(f).get_section_by_name(".symtab")
                    for s in (table.iter_symbols() if table is not None else ()):
                        if s.name and s["st_info"]["type"] in ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE") \
                                and s["st_shndx"] != "SHN_UNDEF" and not s.name.startswith("$"):
                            sym.add(s.name, s["st_value"] & ~1 if s["st_info"]["type"] == "STT_FUNC"
                                    else s["st_value"])
            else:
                with open(path) as f:
                    for line in f:              # System.map: "c0008000 T stext"
                        parts = line.split()
                        if len(parts) == 3:
                            sym.add(parts[2], int(parts[0], 16))
        except (OSError, ValueError) as err:
            raise PyxenError("--symbols %s: %s" % (path, err))
        return sym

    def add(self, name: str, addr: int) -> None:
        self.by_name.setdefault(name, addr)
        i = bisect.bisect_right(self._addrs, addr)
        self._addrs.insert(i, addr)
        self._names.insert(i, name)

    def lookup(self, addr: int) -> str:
        """'name+0x10' for the symbol at or below `addr` (within 64 KiB), or ''."""
        i = bisect.bisect_right(self._addrs, addr) - 1
        if i < 0 or addr - self._addrs[i] > 0x10000:
            return ""
        off = addr - self._addrs[i]
        return self._names[i] + ("+0x%x" % off if off else "")


LR_STATES = ("invalid", "pending", "active", "pending+active")


def describe_lr(lr: int) -> str:
    """A GICH_LR by field (GICv2, 5.3.x): VirtualID, State, Priority, Grp1,
    HW with the PhysicalID the guest's EOI deactivates (else EOI's
    maintenance request)."""
    if not lr >> 28 & 3:
        return "invalid"
    text = "virtual %d %s priority 0x%02x grp%d" % (lr & 0x3FF, LR_STATES[lr >> 28 & 3], (lr >> 23 & 0x1F) << 3,
                                                    lr >> 30 & 1)
    if lr >> 31:
        return text + " HW -> physical %d" % (lr >> 10 & 0x3FF)
    return text + (" EOI maintenance" if lr >> 19 & 1 else "")


class MachineBreak:
    def __init__(self, number: int, kind: str, text: str, handles: List[int]):
        self.number, self.kind, self.text, self.handles = number, kind, text, handles


class Debugger(pdb.Pdb):
    """pdb with machine commands (module docstring)."""

    def __init__(self, machine, symbols: Optional[Symbols] = None, max_insns: Optional[int] = None,
                 stdin=None, stdout=None, hv=None) -> None:
        super().__init__(stdin=stdin, stdout=stdout, nosigint=True)
        self.hv = hv                        # the Python hypervisor, when one runs
        self._trap_event = None             # the exception entry a trap breakpoint stopped at
        self.reset()                        # bdb's state, as set_trace would make it
        self.prompt = "(pyxen15) "
        self.m = machine
        self.symbols = symbols or Symbols()
        self.budget = max_insns
        self.core_index = 0
        self.mbreaks: Dict[int, MachineBreak] = {}
        self._next_break = 1
        self.console_patterns: Dict[int, "re.Pattern"] = {}
        self.console_tail = ""
        self.stop_text = ""
        self.resume: Dict[int, Tuple[int, int]] = {}
        self.action: Optional[tuple] = None
        self.on_watch = False               # stopped before a watched access
        self.in_handler = False             # stopped in Python inside a trap's handling
        self.ignore_watch = False
        self.result = None
        self._loop_frame = None
        try:
            import capstone
            self._cs = {0: capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_ARM),
                        1: capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB)}
        except ImportError:
            self._cs = None
        machine.hooks.add_console(self._console)

    @property
    def cpu(self):
        return self.m.cpus[self.core_index]

    # -- the loop: prompt, run, prompt ... -----------------------------------------

    def main_loop(self):
        """Prompt until the guest ends or the user quits; the RunResult."""
        m, cpu = self.m, self.cpu   # noqa: F841 (for pdb's p/pp at the prompt)
        self._loop_frame = sys._getframe()
        self.message("pyxen15 debugger: the guest is stopped at its first instruction; "
                     "`help` lists the commands (machine ones: break pc/trap/console, watch, "
                     "regs, sysregs, walk, gic, timers, stepi, until, cont%s)" % (
                         "; the hypervisor's: break hcall, domains, vcpus, evtchn" if self.hv is not None else ""))
        self.show_location()
        while self.result is None:
            self.action = None
            sys.stdout.flush()              # the guest's last output before the prompt
            self.interaction(self._loop_frame, None)
            action = self.action or ("cont",)
            if action[0] == "quit":
                from ..machine import RunResult
                self.result = RunResult("debug_quit")
                break
            self._execute(action)
        return self.result

    def print_stack_entry(self, frame_lineno, prompt_prefix="\n-> "):
        # At the machine prompt the "frame" is this loop; say where the guest is instead.
        if frame_lineno[0] is self._loop_frame:
            return
        super().print_stack_entry(frame_lineno, prompt_prefix)

    def _execute(self, action: tuple) -> None:
        m = self.m
        left = None if self.budget is None else self.budget - m.icount
        if left is not None and left <= 0:
            self.message("the instruction budget (--max-insns) is used up")
            from ..machine import RunResult
            self.result = RunResult("max_insns")
            return
        kind = action[0]
        self.stop_text = ""
        self.resume = {c.cpu_index: (c.pc, c.icount) for c in m.cpus}
        old = signal.signal(signal.SIGINT, self._sigint)
        try:
            if self.on_watch:
                # Stopped before a watched access: that instruction runs
                # first with the watchpoints ignored (what gdb does on ARM).
                self.on_watch = False
                self.ignore_watch = True
                try:
                    result = m.run(max_insns=1)
                finally:
                    self.ignore_watch = False
                self.resume = {}
                if left is not None:
                    left -= 1
                if result.reason != "max_insns" or left == 0:
                    self._ended(result)
                    return
                if kind == "stepi":
                    action = ("stepi", action[1] - 1)
                    if action[1] == 0:
                        self.show_location()
                        return
            if kind == "stepi":
                n = action[1] if left is None else min(action[1], left)
                result = m.run(max_insns=n)
                if result.reason == "max_insns":
                    self.show_location()
                    return
            elif kind == "until":
                result = m.run(until=action[1], max_insns=left)
                if result.reason == "until":
                    self.show_location()
                    return
            else:
                result = m.run(max_insns=left)
        except bdb.BdbQuit:
            # quit while stopped inside a trap's handling (the run unwound)
            sys.settrace(None)
            from ..machine import RunResult
            self.result = RunResult("debug_quit")
            return
        finally:
            signal.signal(signal.SIGINT, old)
        self._ended(result)

    def _ended(self, result) -> None:
        if result.reason in ("debug", "interrupt"):
            self.message(self.stop_text or "interrupted (Ctrl-C)")
            self.show_location()
            return
        if result.reason == "max_insns" and (self.budget is None or self.m.icount < self.budget):
            self.show_location()
            return
        self.result = result
        self.message("the guest ended: %s%s, after %d instructions" % (
            result.reason, "" if result.exit_code is None else " (status %d)" % result.exit_code,
            self.m.icount))

    def _sigint(self, _signum, _frame) -> None:
        for c in self.m.cpus:
            c.stop_request = StopRun("interrupt")
            c.attention = True

    def _stop(self, text: str, core=None) -> None:
        if core is not None:
            self.core_index = core.cpu_index
        self.stop_text = text
        raise StopRun("debug")

    # -- where the guest is -------------------------------------------------------------

    def describe(self, addr: int) -> str:
        name = self.symbols.lookup(addr)
        return "0x%08x%s" % (addr, " <%s>" % name if name else "")

    def disassemble(self, core, addr: int, guest: bool = False) -> str:
        """The instruction at `addr` (virtual, through the core's translation;
        with `guest`, in HYP mode, the trapped guest's)."""
        data = read_virtual(self.m, core, addr, 4, guest)
        if data is None:
            return "(cannot read 0x%08x: it does not translate to RAM)" % addr
        if self._cs is None:
            return data.hex()
        for insn in self._cs[core.T].disasm(data, addr):
            return "%s %s" % (insn.mnemonic, insn.op_str)
        return "(undecodable %s)" % data.hex()

    def show_location(self) -> None:
        c = self.cpu
        self.message("cpu%d %s  pc %s: %s   [%d instructions, %d cycles]" % (
            c.cpu_index, MODE_NAMES.get(c.mode, "?").upper(), self.describe(c.pc),
            self.disassemble(c, c.pc), self.m.icount, c.cycles))

    # -- machine breakpoints -----------------------------------------------------------------

    def _address(self, text: str) -> int:
        text = text.strip()
        if text in self.symbols.by_name:
            return self.symbols.by_name[text]
        try:
            return int(text, 0) & 0xFFFFFFFF
        except ValueError:
            raise ValueError("%r is neither an address nor a known symbol" % text)

    def _add_break(self, kind: str, text: str, handles: List[int]) -> None:
        b = MachineBreak(self._next_break, kind, text, handles)
        self.mbreaks[b.number] = b
        self._next_break += 1
        self.message("machine breakpoint m%d: %s %s" % (b.number, kind, text))

    def do_break(self, arg):
        """break pc ADDR|SYMBOL | break trap CLASS|EC | break hcall NAME[.OP]|NUMBER | break console REGEX
        (anything else: pdb's own break, for Python code)"""
        word, _, rest = arg.strip().partition(" ")
        try:
            if word == "pc":
                addr = self._address(rest)
                h = self.m.hooks.add_code(self._code_hit, addr)
                self._add_break("pc", self.describe(addr), [h])
                return
            if word == "trap":
                ecs, label = self._trap_class(rest.strip())
                h = self.m.hooks.add_exception(
                    lambda core, ev, ecs=ecs, label=label: self._trap_hit(core, ev, ecs), hyp_only=True)
                self._add_break("trap", label, [h])
                return
            if word == "hcall":
                number, subop, label = self._hcall(rest.strip())
                h = self.m.hooks.add_exception(
                    lambda core, ev, n=number, op=subop: self._hcall_hit(core, ev, n, op), hyp_only=True)
                self._add_break("hcall", label, [h])
                return
            if word == "console":
                pattern = re.compile(rest.strip())
                self._add_break("console", repr(pattern.pattern), [])
                self.console_patterns[self._next_break - 1] = pattern
                return
        except (ValueError, re.error) as err:
            self.error(str(err))
            return
        return super().do_break(arg)

    do_b = do_break

    def _trap_class(self, text: str):
        if text in TRAP_CLASSES:
            return TRAP_CLASSES[text], text
        if text in INTERRUPT_CLASSES:
            return text, text
        try:
            ec = int(text, 0)
        except ValueError:
            raise ValueError("unknown trap class %r (one of %s, irq, fiq, or an HSR.EC number)" % (
                text, ", ".join(sorted(TRAP_CLASSES))))
        return (ec,), "EC 0x%02x" % ec

    def _hcall(self, text: str):
        """(number, sub-op or None, label) of `break hcall`'s argument."""
        from . import hcall
        if not text:
            raise ValueError("break hcall NAME[.OP]|NUMBER, e.g. event_channel_op or 32")
        family_text, _, op_text = text.partition(".")
        number = hcall.family_number(family_text)
        family = hcall.families().get(number, "hypercall %d" % number)
        if not op_text:
            return number, None, "%s (%d)" % (family, number)
        subop = hcall.subop_number(family, op_text)
        return number, subop, "%s.%s (%d, r0=%d)" % (family, hcall.subops(family).get(subop, op_text), number, subop)

    def _hcall_hit(self, core, ev, number: int, subop) -> None:
        from . import hcall
        syn = ev.syndrome
        if syn is None or syn.ec != S.EC_HVC:
            return
        if hcall.matches(core, self._vcpu_of(core), syn.imm16, number, subop):
            self._trap_hit(core, ev, (S.EC_HVC,))

    def _vcpu_of(self, core):
        return self.hv.running[core.cpu_index] if self.hv is not None else None

    def do_watch(self, arg):
        """watch ADDR [LEN] [r|w|rw] [phys]: stop before a data access to [ADDR, ADDR+LEN)"""
        words = arg.split()
        if not words:
            self.error("watch ADDR [LEN] [r|w|rw] [phys]")
            return
        try:
            addr = self._address(words[0])
            length = int(words[1], 0) if len(words) > 1 and words[1][0].isdigit() else 4
        except ValueError as err:
            self.error(str(err))
            return
        mode = next((w for w in words[1:] if w in ("r", "w", "rw")), "w")
        physical = "phys" in words[1:]
        h = self.m.hooks.add_mem(self._watch_hit, addr, addr + length, read="r" in mode, write="w" in mode,
                                 physical=physical)
        self._add_break("watch", "%s%s, %d bytes, %s" % ("physical " if physical else "", self.describe(addr),
                                                           length, mode), [h])

    def do_breaks(self, arg):
        """breaks: list the machine breakpoints"""
        if not self.mbreaks:
            self.message("no machine breakpoints")
        for b in self.mbreaks.values():
            self.message("m%d  %-8s %s" % (b.number, b.kind, b.text))

    def do_clear(self, arg):
        """clear mN: delete machine breakpoint N (anything else: pdb's clear)"""
        text = arg.strip()
        if text.startswith("m") and text[1:].isdigit():
            b = self.mbreaks.pop(int(text[1:]), None)
            if b is None:
                self.error("no machine breakpoint %s" % text)
                return
            for h in b.handles:
                self.m.hooks.remove(h)
            self.console_patterns.pop(b.number, None)
            self.message("deleted m%d" % b.number)
            return
        return super().do_clear(arg)

    def _resuming(self, core, addr: int) -> bool:
        return self.resume.get(core.cpu_index) == (addr, core.icount)

    def _code_hit(self, core, addr: int) -> None:
        if not self._resuming(core, addr):
            self._stop("breakpoint at %s" % self.describe(addr), core)

    def _watch_hit(self, core, access, addr, size, value) -> None:
        if self.ignore_watch:
            return
        self.on_watch = True
        what = "%s of %d bytes" % (access, size) if value is None else "write of 0x%x (%d bytes)" % (value, size)
        self._stop("watchpoint: %s at %s (before the access)" % (what, self.describe(addr)), core)

    def _trap_hit(self, core, ev, ecs) -> None:
        if isinstance(ecs, str):                # irq / fiq: no syndrome
            hit = ev.kind == ecs
        else:
            hit = ev.syndrome is not None and ev.syndrome.ec in ecs
        if not hit or ev is self._trap_event:
            return                              # (two breakpoints on one trap: one stop)
        self._trap_event = ev
        screen = "\n".join(self.trap_screen(core, ev))
        if core.hyp_trap is None:
            self._stop(screen, core)          # the guest's own HYP code: stop at its vector
        # The Python hypervisor will handle the trap: stop in Python, where
        # the entry goes on to call it, so `step` goes into the handler and
        # `continue` (or `finish`) returns to the guest.
        self.core_index = core.cpu_index
        self.message(screen)
        self.message("(in Python, before the hypervisor's handler: step into it, "
                     "continue or finish to return to the guest)")
        frame = sys._getframe()
        while frame is not None and frame.f_code.co_name != "enter_hyp_mode":
            frame = frame.f_back
        self._stop_in_python(frame)

    def _stop_in_python(self, frame) -> None:
        """Stop at the next line of `frame` (the exception entry, once the
        hooks have returned): bdb's set_trace, with the stop moved to that frame."""
        self.in_handler = True
        self.reset()
        f = sys._getframe()
        while f is not None:
            f.f_trace = self.trace_dispatch
            self.botframe = f
            f = f.f_back
        self._set_stopinfo(frame, None)
        sys.settrace(self.trace_dispatch)

    def trap_screen(self, core, ev) -> List[str]:
        """What happened, on one screen: the core, the guest's instruction,
        the syndrome by field, the fault addresses."""
        s = core.sys
        vcpu = self._vcpu_of(core)
        lines = ["=== trap to HYP: cpu%d%s, from %s mode, vector %s ===" % (
            core.cpu_index, "" if vcpu is None else " (domain %d vCPU %d)" % (vcpu.domain.domid, vcpu.vcpu_id),
            MODE_NAMES.get(ev.from_mode, "?").upper(), self.describe(ev.vector))]
        syn = ev.syndrome
        if syn is not None:
            # the trapping instruction: ELR_hyp for traps and aborts; the one before it for HVC/SVC
            at = ev.return_address
            if syn.ec in (S.EC_HVC, S.EC_SVC):
                at = (at - (4 if syn.il else 2)) & 0xFFFFFFFF
            thumb = (core.spsr >> 5) & 1
            saved_t, core.T = core.T, thumb
            try:
                text = self.disassemble(core, at, guest=True)
            finally:
                core.T = saved_t
            lines.append("guest pc %s: %s" % (self.describe(at), text))
            lines.append("HSR 0x%08x: EC 0x%02x %s, IL %d" % (ev.hsr, syn.ec, EC_NAMES.get(syn.ec, "?"), syn.il))
            fields = ["%s=0x%x" % (name, getattr(syn, name)) for name, _, _ in syn.FIELDS]
            if fields:
                lines.append("  ISS: " + " ".join(fields))
            # the faulting IPA: HPFAR.FIPA (IPA[39:12]) and the page offset of HDFAR/HIFAR (B3.12.x)
            if syn.ec in (S.EC_DABT_LOWER, S.EC_DABT_HYP):
                lines.append("HDFAR 0x%08x  HPFAR 0x%08x (IPA 0x%x)" % (
                    s.hdfar, s.hpfar, ((s.hpfar & ~0xF) << 8) | (s.hdfar & 0xFFF)))
            if syn.ec in (S.EC_PABT_LOWER, S.EC_PABT_HYP):
                lines.append("HIFAR 0x%08x  HPFAR 0x%08x (IPA 0x%x)" % (
                    s.hifar, s.hpfar, ((s.hpfar & ~0xF) << 8) | (s.hifar & 0xFFF)))
            if syn.ec == S.EC_HVC:
                lines.append("HVC #0x%x, r0-r3 0x%08x 0x%08x 0x%08x 0x%08x, r12 0x%08x" % (
                    syn.imm16, core.r[0], core.r[1], core.r[2], core.r[3], core.r[12]))
                if self.hv is not None:
                    from . import hcall
                    lines += hcall.describe(core, self._vcpu_of(core), syn.imm16)
        else:
            lines.append("%s (no syndrome), return to %s" % (ev.kind, self.describe(ev.return_address)))
            if ev.kind == "irq":
                lines.append("GICC cpu%d: highest pending interrupt %d (the handler acknowledges it)" % (
                    core.cpu_index, self.m.gic.cpu_if[core.cpu_index].highest_pending(3, False) & 0x3FF))
        lines.append("ELR_hyp %s  SPSR_hyp 0x%08x" % (self.describe(core.elr_hyp), core.spsr))
        return lines

    def _console(self, data: bytes) -> None:
        if not self.console_patterns:
            return
        self.console_tail = (self.console_tail + data.decode("latin-1"))[-4096:]
        for number, pattern in self.console_patterns.items():
            match = pattern.search(self.console_tail)
            if match:
                self.console_tail = self.console_tail[match.end():]
                # (at the next block boundary, so the store that printed completes)
                core = self.m.events.current
                self.core_index = core.cpu_index
                self.stop_text = "console matched m%d %r" % (number, pattern.pattern)
                for c in self.m.cpus:
                    c.stop_request = StopRun("debug")
                    c.attention = True
                return

    # -- running ----------------------------------------------------------------------------------

    def do_stepi(self, arg):
        """stepi [N]: run N guest instructions (default 1)"""
        try:
            n = int(arg, 0) if arg.strip() else 1
        except ValueError:
            self.error("stepi [N]")
            return
        if n < 1:
            self.error("stepi: N must be at least 1")
            return
        if not self._guest_stopped():
            return
        self.action = ("stepi", n)
        return 1

    do_si = do_stepi

    def do_until(self, arg):
        """until ADDR|SYMBOL: run until the PC reaches it (no argument: pdb's until)"""
        if not arg.strip() or self.in_handler:
            return super().do_until(arg)
        try:
            self.action = ("until", self._address(arg))
        except ValueError as err:
            self.error(str(err))
            return
        return 1

    def do_cont(self, arg):
        """cont: let the guest run on (in a handler: back to the guest)"""
        if self.in_handler:
            self.in_handler = False
            return super().do_continue(arg)
        self.action = ("cont",)
        return 1

    do_continue = do_c = do_cont

    def do_finish(self, arg):
        """finish: in the hypervisor's handler, return to the guest"""
        return self.do_cont(arg)

    def _guest_stopped(self) -> bool:
        if self.in_handler:
            self.error("the guest is inside a trap: continue (or finish) to return to it first")
            return False
        return True

    def do_quit(self, arg):
        """quit: end the run"""
        if self.in_handler:
            return super().do_quit(arg)     # (bdb's quit: unwinds the run with BdbQuit)
        self.action = ("quit",)
        return 1

    do_q = do_exit = do_quit

    def do_EOF(self, arg):
        self.message("")
        return self.do_quit(arg)

    # -- inspection -------------------------------------------------------------------------------

    def do_regs(self, arg):
        """regs: the registers of the current mode, CPSR decoded, and the banked registers"""
        c = self.cpu
        cpsr = c.get_cpsr()
        self.message("cpu%d mode %s" % (c.cpu_index, MODE_NAMES.get(c.mode, "?").upper()))
        for row in range(4):
            self.message("  ".join("%-3s %08x" % ("r%d" % i if i < 13 else ("sp", "lr", "pc")[i - 13], c.r[i])
                                   for i in range(row * 4, row * 4 + 4)))
        flags = "".join(f if cpsr >> b & 1 else "-" for f, b in (("N", 31), ("Z", 30), ("C", 29), ("V", 28),
                                                                  ("Q", 27)))
        self.message("cpsr %08x  %s  mode=%s %s%s%s%s IT=0x%02x GE=0x%x E=%d" % (
            cpsr, flags, MODE_NAMES.get(cpsr & 0x1F, "?"), "T" if cpsr >> 5 & 1 else "A32",
            " A" if cpsr >> 8 & 1 else "", " I" if cpsr >> 7 & 1 else "", " F" if cpsr >> 6 & 1 else "",
            c.IT, cpsr >> 16 & 0xF, cpsr >> 9 & 1))
        if c.mode not in (MODE_USR, 0x1F):
            self.message("spsr %08x" % c.spsr)
        banked = []
        for mode in ("usr", "svc", "abt", "und", "irq", "fiq", "hyp"):
            names = ["sp_" + mode] + (["lr_" + mode] if mode != "hyp" else ["elr_hyp"])
            if mode not in ("usr",):
                names.append("spsr_" + mode)
            banked.append("  %-4s " % mode + "  ".join("%s %08x" % (n, c.reg(n)) for n in names))
        self.message("banked:\n" + "\n".join(banked))
        self.message("  fiq  " + " ".join("r%d %08x" % (i, c.reg("r%d_fiq" % i)) for i in range(8, 13)))

    def do_sysregs(self, arg):
        """sysregs [NAME...]: system registers by name (no names: the MMU, exception and HYP ones)"""
        names = arg.split() or DEFAULT_SYSREGS
        s = self.cpu.sys
        out = []
        for name in names:
            try:
                value = s.read(name.upper())
            except (KeyError, ValueError) as err:
                self.error("no system register %s (%s)" % (name, err))
                continue
            out.append("%-8s 0x%0*x" % (name.upper(), 16 if value >> 32 else 8, value))
        if out:
            self.message("\n".join(out))

    def do_walk(self, arg):
        """walk VA [read|write|fetch] [hyp]: the translation of VA, descriptor by descriptor, in the
        current regime (at a trap of the Python hypervisor: the guest's, unless `hyp`)"""
        words = arg.split()
        if not words:
            self.error("walk VA [read|write|fetch]")
            return
        try:
            va = self._address(words[0])
        except ValueError as err:
            self.error(str(err))
            return
        access = next((w for w in words[1:] if w in ("read", "write", "fetch")), "read")
        c = self.cpu
        # stopped at a trap of the Python hypervisor: the guest's regime (the hypervisor's own with `hyp`)
        guest = c.mode == MODE_HYP and self._vcpu_of(c) is not None and "hyp" not in words[1:]
        self.message("\n".join(walk_lines(c, va, write=access == "write", fetch=access == "fetch", guest=guest)))

    def do_gic(self, arg):
        """gic: the distributor's enabled/pending/active interrupts, this core's CPU interface and list registers"""
        g = self.m.gic
        n = self.core_index
        state = g.dist.debug_state(n)
        self.message("GICD (as cpu%d sees it):\n%s" % (n, "\n".join("  " + line.strip() for line in state)
                                                        if state else "  nothing enabled, pending or active"))
        self.message("GICC cpu%d: running priority 0x%x, highest pending %d" % (
            n, g.cpu_if[n].running_priority(), g.cpu_if[n].highest_pending(3, False) & 0x3FF))
        self.message("GICH cpu%d list registers:" % n)
        for i, lr in enumerate(g.vif[n].lr):
            self.message("  LR%d 0x%08x  %s" % (i, lr, describe_lr(lr)))

    def do_timers(self, arg):
        """timers: the generic timer registers of this core and its counters"""
        t = self.cpu.timer
        seen = t.counter.highest
        try:
            self.message("CNTPCT 0x%x  CNTVCT 0x%x" % (t.physical_count(), t.virtual_count()))
            self.message("\n".join("%-10s 0x%x" % (name, t.read(name)) for name in TIMER_REGS))
        finally:
            # a look from the debugger must not move the count the cores read next
            t.counter.highest = seen

    def do_cpu(self, arg):
        """cpu [N]: select the core the commands look at"""
        if arg.strip():
            try:
                n = int(arg, 0)
                self.m.cpus[n]
            except (ValueError, IndexError):
                self.error("cpu N, N from 0 to %d" % (len(self.m.cpus) - 1))
                return
            self.core_index = n
        self.show_location()

    def do_where_guest(self, arg):
        """where_guest: where the guest is"""
        self.show_location()

    # -- the Python hypervisor ------------------------------------------------------------------

    def _need_hv(self) -> bool:
        if self.hv is None:
            self.error("no Python hypervisor in this run (run --xen, or boot --hyp python)")
            return False
        return True

    def do_domains(self, arg):
        """domains: the Python hypervisor's domains (memory, vCPUs, shutdown state)"""
        if not self._need_hv():
            return
        for domid, d in sorted(self.hv.domains.items()):
            mem = ", ".join("IPA 0x%x -> PA 0x%x (%d MiB)" % (ipa, pa, size >> 20) for ipa, pa, size in d.mem)
            self.message("d%d%s: %d vCPU%s, VMID %d, VTTBR 0x%x, %s%s" % (
                domid, " (hardware domain)" if d.is_hardware_domain else "", len(d.vcpus),
                "" if len(d.vcpus) == 1 else "s", d.p2m.vmid, d.p2m.vttbr, mem,
                "" if d.shutdown_reason is None else ", shut down (reason %d)" % d.shutdown_reason))

    def do_vcpus(self, arg):
        """vcpus: every vCPU: run state, physical core, PC and mode (live on its core, else saved)"""
        if not self._need_hv():
            return
        from ..hyp.vcpu import BLOCKED, OFFLINE, RUNNABLE, RUNNING
        states = {RUNNING: "running", RUNNABLE: "runnable", BLOCKED: "blocked", OFFLINE: "offline"}
        for domid, d in sorted(self.hv.domains.items()):
            for v in d.vcpus:
                line = "d%dv%d  %-8s pcpu %s" % (domid, v.vcpu_id, states.get(v.state, "?"), v.pcpu)
                if v.core is not None:
                    c = v.core
                    if c.mode == MODE_HYP:          # stopped in a trap: the guest is ELR_hyp/SPSR_hyp
                        pc, mode, note = c.elr_hyp, c.spsr & 0x1F, "  (in a trap: ELR_hyp, SPSR_hyp)"
                    else:
                        pc, mode, note = c.pc, c.mode, ""
                    line += "  pc %s  %s%s" % (self.describe(pc), MODE_NAMES.get(mode, "?").upper(), note)
                elif v.context:
                    ctx = v.context
                    regs = ctx.get("r")
                    cpsr = ctx.get("cpsr")
                    if regs is not None:
                        line += "  pc %s" % self.describe(regs[15])
                    if cpsr is not None:
                        line += "  %s" % MODE_NAMES.get(cpsr & 0x1F, "?").upper()
                    line += "  (saved)"
                if v.queue:
                    line += "  queued vIRQs %s" % v.queue
                self.message(line)

    def do_evtchn(self, arg):
        """evtchn [DOMID]: a domain's event channels (default: the current vCPU's domain, else dom0):
        each port's binding and its pending and masked bits, each vCPU's upcall and selector bits"""
        if not self._need_hv():
            return
        hv = self.hv
        try:
            if arg.strip():
                domid = int(arg, 0)
            else:
                v = self._vcpu_of(self.cpu)
                domid = v.domain.domid if v is not None else min(hv.domains)
            d = hv.domains[domid]
        except (ValueError, KeyError):
            self.error("evtchn [DOMID], DOMID one of %s" % ", ".join(str(k) for k in sorted(hv.domains)))
            return
        ev = d.evtchn
        if ev is None:
            self.error("d%d has no event channels" % domid)
            return
        from ..hyp import xen_public as X
        kinds = {X.EVTCHNSTAT_closed: "closed", X.EVTCHNSTAT_unbound: "unbound",
                 X.EVTCHNSTAT_interdomain: "interdomain", X.EVTCHNSTAT_pirq: "pirq",
                 X.EVTCHNSTAT_virq: "virq", X.EVTCHNSTAT_ipi: "ipi"}
        virqs = {getattr(X, n): n for n in dir(X) if n.startswith("VIRQ_")}
        self.message("d%d event channels (2-level ABI, shared_info at PA 0x%x):" % (domid, ev.shared_info))
        if not ev.ports:
            self.message("  no ports")
        for port in sorted(ev.ports):
            p = ev.ports[port]
            kind = kinds.get(p.state, "state %d" % p.state)
            if p.state == X.EVTCHNSTAT_interdomain:
                bound = "-> d%d port %d" % (p.remote_dom, p.remote_port)
            elif p.state == X.EVTCHNSTAT_unbound:
                bound = "waiting for d%d" % p.remote_dom
            elif p.state == X.EVTCHNSTAT_virq:
                bound = virqs.get(p.virq, "VIRQ %d" % p.virq)
            else:
                bound = ""
            self.message("  port %-4d %-11s %-22s notifies vCPU %d  pending %d  masked %d" % (
                port, kind, bound, p.notify_vcpu, ev.is_pending(port), ev.is_masked(port)))
        from ..hyp.guestcopy import read_phys
        for v in d.vcpus:
            info = ev.vcpu_info_pa(v.vcpu_id)
            if info is None:
                self.message("  vCPU %d: no vcpu_info" % v.vcpu_id)
                continue
            raw = read_phys(self.m, info, X.VCPU_INFO_SIZE)
            fields = X.LAYOUTS["vcpu_info"].unpack(raw)
            self.message("  vCPU %d vcpu_info @PA 0x%x: evtchn_upcall_pending %d  evtchn_upcall_mask %d  "
                         "evtchn_pending_sel 0x%x" % (v.vcpu_id, info, fields["evtchn_upcall_pending"],
                                                      fields["evtchn_upcall_mask"], fields["evtchn_pending_sel"]))
