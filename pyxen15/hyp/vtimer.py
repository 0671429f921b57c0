"""The generic timer under the hypervisor (xen/arch/arm/vtimer.c).

* The virtual timer is the guest's own: CNTV_* are not trapped, CNTVCT =
  CNTPCT - CNTVOFF with CNTVOFF per domain (load_vcpu writes it).  Its
  PPI 27 reaches HYP (HCR.IMO), is acknowledged there and injected as
  virtual interrupt 27 with HW = 1, so the guest's EOI deactivates the
  physical one through the list register.
* The physical timer is trapped: CNTHCTL.PL1PCEN = 0 makes PL1 accesses
  to CNTP_CTL/CNTP_TVAL (MCR/MRC, EC 0x03) and CNTP_CVAL (MCRR/MRRC, EC
  0x04) trap; they are emulated here on the core's physical timer, which
  the hypervisor does not use itself, and its PPI 30 is injected like the
  virtual one.  CNTHCTL.PL1PCTEN = 1 leaves the physical counter readable.
* The HYP timer (CNTHP_*, PPI 26) is the hypervisor's, for the scheduler.
"""

MAINTENANCE_PPI, HYP_TIMER_PPI, VTIMER_PPI, PTIMER_PPI = 25, 26, 27, 30
HYP_PPIS = (MAINTENANCE_PPI, HYP_TIMER_PPI, VTIMER_PPI, PTIMER_PPI)
GUEST_TIMER_PPIS = (VTIMER_PPI, PTIMER_PPI)

# (CRn, opc1, CRm, opc2) of the 32-bit physical-timer registers (B8.2)
CP15_PTIMER = {(14, 0, 2, 0): "CNTP_TVAL", (14, 0, 2, 1): "CNTP_CTL"}
# (opc1, CRm) of the 64-bit ones
CP15_64_PTIMER = {(2, 14): "CNTP_CVAL"}


def cp15(core, vcpu, mcr) -> bool:
    """Emulate a trapped 32-bit CP15 access if it is a physical-timer
    register (True), else leave it (False)."""
    name = CP15_PTIMER.get((mcr.crn, mcr.opc1, mcr.crm, mcr.opc2))
    if name is None:
        return False
    if mcr.direction:
        vcpu.set_reg(mcr.rt, core.timer.read(name))
    else:
        core.timer.write(name, vcpu.get_reg(mcr.rt))
    return True


def cp15_64(core, vcpu, mcrr) -> bool:
    name = CP15_64_PTIMER.get((mcrr.opc1, mcrr.crm))
    if name is None:
        return False
    if mcrr.direction:
        value = core.timer.read(name)
        vcpu.set_reg(mcrr.rt, value & 0xFFFFFFFF)
        vcpu.set_reg(mcrr.rt2, value >> 32 & 0xFFFFFFFF)
    else:
        core.timer.write(name, vcpu.get_reg(mcrr.rt) | (vcpu.get_reg(mcrr.rt2) << 32))
    return True
