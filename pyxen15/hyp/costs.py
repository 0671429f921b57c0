"""What each trap costs, in core cycles, charged to the core that takes it.

The model executes the hypervisor in Python, outside the guest's
instruction stream, so the time a real hypervisor would spend is charged
here by trap class: the exception entry and ERET of a Cortex-A15 (about 60
cycles together with the pipeline refill) plus the handler's own work as a
C hypervisor on the A15 would do it.  The figures are estimates scaled
from Xen on ARM's published trap round trips (a few hundred cycles for an
HVC that does nothing, about a microsecond at 1 GHz for an emulated MMIO
access or an interrupt injected through the list registers).  They keep
the cycle count, and so the guest's view of time, meaningful; they do not
pretend to be measured.
"""

# Trap class -> cycles (the names are those of the end-of-run table).
TRAP_COSTS = {
    "wfi": 200,              # HCR.TWI: block the vCPU until it has an interrupt
    "wfe": 200,              # HCR.TWE
    "cp15": 250,             # trapped MCR/MRC (CNTP_* under CNTHCTL.PL1PCEN = 0)
    "cp15_64": 250,          # trapped MCRR/MRRC (CNTP_CVAL)
    "cp14": 250,
    "hcptr": 400,            # lazy VFP: restore the vCPU's VFP bank, drop the trap
    "hvc_psci": 400,         # PSCI / SMCCC over HVC #0
    "smc_psci": 400,         # the same over SMC #0 (HCR.TSC)
    "hypercall": 500,        # HVC #0xEA1 entry and return; ABI's handlers add their own
    "mmio": 700,             # stage-2 data abort decoded and emulated (vGIC distributor)
    "dabt": 400,             # a stage-2 data abort injected into the guest
    "pabt": 400,             # a stage-2 prefetch abort injected into the guest
    "undef": 300,            # a trap with no emulation: UNDEFINED injected
    "irq": 600,              # a physical IRQ taken to HYP, acknowledged, injected with HW = 1
    "maintenance": 400,      # GICH maintenance interrupt: list registers refilled
    "hyp_timer": 500,        # the scheduler's tick
    "ctxsw": 2000,           # a vCPU context switch on one physical core
}
