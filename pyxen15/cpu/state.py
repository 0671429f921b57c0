"""ARMv7-A processor modes, banked registers and the CPSR (ARM ARM B1.3).

The core keeps the sixteen registers visible in the current mode in one list,
``cpu.r``, which translated code indexes directly.  A mode change swaps the
banked registers in and out of that list, as QEMU does, so the hot path never
asks which mode it is in.

The CPSR is kept split into fields, because instructions update flags far
more often than anything reads the whole register:

* ``NF`` holds a value whose bit 31 is N; ``ZF`` holds a value that is zero
  exactly when Z is set (both are usually just the last result);
* ``CF``, ``VF``, ``QF`` are 0 or 1; ``GE`` is the 4-bit GE field; ``IT`` is
  ITSTATE<7:0>; ``T``, ``E``, ``A``, ``I``, ``F`` are 0 or 1; ``mode`` is M<4:0>.
"""

from typing import Dict, List

MODE_USR = 0x10
MODE_FIQ = 0x11
MODE_IRQ = 0x12
MODE_SVC = 0x13
MODE_MON = 0x16
MODE_ABT = 0x17
MODE_HYP = 0x1A
MODE_UND = 0x1B
MODE_SYS = 0x1F

MODE_NAMES = {
    MODE_USR: "usr", MODE_FIQ: "fiq", MODE_IRQ: "irq", MODE_SVC: "svc",
    MODE_ABT: "abt", MODE_HYP: "hyp", MODE_UND: "und", MODE_SYS: "sys",
}
# Monitor mode belongs to the Security Extensions, which pyxen15 leaves out:
# the core is always in Non-secure state, where M = 0b10110 is reserved.
VALID_MODES = frozenset(MODE_NAMES)

# Which bank supplies SP and LR in each mode (B1.3.2, Table B1-2).  HYP has its
# own SP but shares LR with User mode; its return address lives in ELR_hyp.
SP_BANK = {MODE_USR: "usr", MODE_SYS: "usr", MODE_FIQ: "fiq", MODE_IRQ: "irq",
           MODE_SVC: "svc", MODE_ABT: "abt", MODE_UND: "und", MODE_HYP: "hyp"}
LR_BANK = {**SP_BANK, MODE_HYP: "usr"}

# CPSR bit positions (B1.3.3)
PSR_N, PSR_Z, PSR_C, PSR_V, PSR_Q = 1 << 31, 1 << 30, 1 << 29, 1 << 28, 1 << 27
PSR_J, PSR_E, PSR_A, PSR_I, PSR_F, PSR_T = 1 << 24, 1 << 9, 1 << 8, 1 << 7, 1 << 6, 1 << 5


class RegisterState:
    """Registers, banks and PSRs; the execution engine adds the rest of the core."""

    def __init__(self) -> None:
        self.r: List[int] = [0] * 16
        self.NF = self.ZF = 1          # N clear, Z clear
        self.CF = self.VF = self.QF = 0
        self.GE = self.IT = 0
        self.T = self.E = 0
        self.A = self.I = self.F = 1
        self.mode = MODE_SVC
        self.sp_bank: Dict[str, int] = {b: 0 for b in set(SP_BANK.values())}
        self.lr_bank: Dict[str, int] = {b: 0 for b in set(LR_BANK.values())}
        self.r8_12_usr = [0] * 5
        self.r8_12_fiq = [0] * 5
        self.spsr_bank: Dict[int, int] = {m: 0 for m in VALID_MODES if m not in (MODE_USR, MODE_SYS)}
        self.elr_hyp = 0

    # -- the CPSR as one word -------------------------------------------------

    def get_cpsr(self) -> int:
        it = self.IT
        return ((self.NF & PSR_N) | (PSR_Z if self.ZF == 0 else 0) |
                (self.CF << 29) | (self.VF << 28) | (self.QF << 27) |
                ((it & 3) << 25) | (self.GE << 16) | ((it >> 2) << 10) |
                (self.E << 9) | (self.A << 8) | (self.I << 7) | (self.F << 6) |
                (self.T << 5) | self.mode)

    def set_cpsr(self, value: int) -> None:
        """Write every CPSR field, switching register banks if M changes.

        Callers decide which fields an instruction may write (B1.3.3, and
        CPSRWriteByInstr); this is the raw register write used by exception
        entry and return and by debuggers.
        """
        self.set_flags(value)
        self.GE = (value >> 16) & 0xF
        self.IT = ((value >> 25) & 3) | (((value >> 10) & 0x3F) << 2)
        self.E = (value >> 9) & 1
        self.A = (value >> 8) & 1
        self.I = (value >> 7) & 1
        self.F = (value >> 6) & 1
        self.T = (value >> 5) & 1
        self.switch_mode(value & 0x1F)

    def set_flags(self, value: int) -> None:
        """NZCV and Q from bits 31:27 of `value`."""
        self.NF = value & PSR_N
        self.ZF = 0 if value & PSR_Z else 1
        self.CF = (value >> 29) & 1
        self.VF = (value >> 28) & 1
        self.QF = (value >> 27) & 1

    @property
    def cpsr(self) -> int:
        return self.get_cpsr()

    @cpsr.setter
    def cpsr(self, value: int) -> None:
        self.set_cpsr(value)

    # -- banking ---------------------------------------------------------------

    def switch_mode(self, new: int) -> None:
        old = self.mode
        if new == old:
            return
        if new not in VALID_MODES:
            raise ValueError("reserved CPSR.M value 0x%02x" % new)
        r = self.r
        if (old == MODE_FIQ) != (new == MODE_FIQ):
            save, load = ((self.r8_12_fiq, self.r8_12_usr) if old == MODE_FIQ
                          else (self.r8_12_usr, self.r8_12_fiq))
            save[:] = r[8:13]
            r[8:13] = load
        self.sp_bank[SP_BANK[old]] = r[13]
        self.lr_bank[LR_BANK[old]] = r[14]
        r[13] = self.sp_bank[SP_BANK[new]]
        r[14] = self.lr_bank[LR_BANK[new]]
        self.mode = new

    @property
    def spsr(self) -> int:
        """SPSR of the current mode; UNPREDICTABLE in User and System mode (reads 0)."""
        return self.spsr_bank.get(self.mode, 0)

    @spsr.setter
    def spsr(self, value: int) -> None:
        if self.mode in self.spsr_bank:
            self.spsr_bank[self.mode] = value & 0xFFFFFFFF

    def reg(self, name: str) -> int:
        """Any register by name: r0-r15, sp, lr, pc, cpsr, spsr, sp_<mode>,
        lr_<mode>, r8_fiq..r12_fiq, r8_usr..r12_usr, spsr_<mode>, elr_hyp."""
        return self._locate(name)[0]()

    def set_reg(self, name: str, value: int) -> None:
        self._locate(name)[1](value & 0xFFFFFFFF)

    def _locate(self, name: str):
        name = name.lower()
        alias = {"sp": "r13", "lr": "r14", "pc": "r15", "fp": "r11", "ip": "r12", "sl": "r10", "sb": "r9"}
        name = alias.get(name, name)
        if name == "cpsr":
            return self.get_cpsr, self.set_cpsr
        if name == "spsr":
            return (lambda: self.spsr), (lambda v: setattr(self, "spsr", v))
        if name == "elr_hyp":
            return (lambda: self.elr_hyp), (lambda v: setattr(self, "elr_hyp", v))
        if name == "r15":
            return (lambda: self.pc), (lambda v: setattr(self, "pc", v))
        if name.startswith("r") and name[1:].isdigit() and int(name[1:]) < 15:
            i = int(name[1:])
            return (lambda: self.r[i]), (lambda v: self.r.__setitem__(i, v))
        base, _, mode_name = name.partition("_")
        modes = {v: k for k, v in MODE_NAMES.items()}
        if mode_name in modes:
            mode = modes[mode_name]
            if base == "spsr" and mode in self.spsr_bank:
                return (lambda: self.spsr_bank[mode]), (lambda v: self.spsr_bank.__setitem__(mode, v))
            if base in ("sp", "r13", "lr", "r14"):
                index = 13 if base in ("sp", "r13") else 14
                bank_map, store = (SP_BANK, self.sp_bank) if index == 13 else (LR_BANK, self.lr_bank)
                bank = bank_map[mode]
                if bank_map[self.mode] == bank:
                    return (lambda: self.r[index]), (lambda v: self.r.__setitem__(index, v))
                return (lambda: store[bank]), (lambda v: store.__setitem__(bank, v))
            if base.startswith("r") and base[1:].isdigit() and 8 <= int(base[1:]) <= 12 and mode_name in ("fiq", "usr"):
                i = int(base[1:])
                live = (self.mode == MODE_FIQ) == (mode_name == "fiq")
                store = self.r8_12_fiq if mode_name == "fiq" else self.r8_12_usr
                if live:
                    return (lambda: self.r[i]), (lambda v: self.r.__setitem__(i, v))
                return (lambda: store[i - 8]), (lambda v: store.__setitem__(i - 8, v))
        raise KeyError("no register named %r" % name)

    # PC lives in r[15] between runs; the engine keeps it in a local while running.
    @property
    def pc(self) -> int:
        return self.r[15]

    @pc.setter
    def pc(self, value: int) -> None:
        self.r[15] = value & 0xFFFFFFFF
