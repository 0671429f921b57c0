/*
 * Start-up code and exception handlers of the MMU conformance guests
 * (guests/mmu/).  Always A32.
 *
 * Unlike crt0.S, which leaves HYP mode for good, these guests keep HYP
 * reachable: entered in HYP mode (QEMU's vexpress-a15 with
 * virtualization=on, pyxen15 with --hyp), we point HVBAR at hyp_vectors and
 * give HYP a stack before the ERET to SVC.  From SVC, hyp_call(fn, a, b, c)
 * (an HVC) runs fn(a, b, c) in HYP mode and returns its result, so a guest
 * can program HTTBR/HTCR/HSCTLR/HMAIR0/VTTBR/VTCR/HCR and make accesses in
 * the HYP regime.
 *
 * Expected faults are recorded, not fatal: every abort handler stores the
 * fault registers of the mode it is taken to into mmu_fault (layout in
 * mmu.h), counts it, and resumes:
 *   - a data abort resumes at the instruction after the faulting one
 *     (A32 or T32, by the length of the faulting instruction);
 *   - a prefetch abort resumes at mmu_resume, the return address that
 *     probe_exec() sets before it branches to the probed address.
 * Anything else (UNDEF, an unexpected SVC, IRQ/FIQ, a HYP trap other than
 * HVC and aborts) prints one line on UART0 and stops with status
 * 0x80 + vector number.
 */
    .syntax unified
    .arch armv7-a
    .arch_extension virt
    .arch_extension sec
    .arm

#define MODE_FIQ  0x11
#define MODE_IRQ  0x12
#define MODE_SVC  0x13
#define MODE_ABT  0x17
#define MODE_HYP  0x1a
#define MODE_UND  0x1b
#define MODE_MASK 0x1f
#define PSR_AIF   0x1c0

/* mmu_fault offsets (struct mmu_fault in mmu.h) */
#define F_COUNT  0
#define F_KIND   4
#define F_FSR    8
#define F_FAR    12
#define F_HSR    16
#define F_HxFAR  20
#define F_HPFAR  24
#define F_PC     28

/* fault kinds */
#define K_DABT     1     /* data abort taken to PL1 (DFSR, DFAR) */
#define K_PABT     2     /* prefetch abort taken to PL1 (IFSR, IFAR) */
#define K_HYP_DABT 3     /* data abort taken to HYP (HSR, HDFAR, HPFAR) */
#define K_HYP_PABT 4     /* prefetch abort taken to HYP (HSR, HIFAR, HPFAR) */
#define K_HYP_TRAP 5     /* another trap to HYP (HSR) */

#define HSR_EC_SHIFT 26
#define EC_HVC       0x12
#define EC_IABT_LOW  0x20
#define EC_IABT_HYP  0x21
#define EC_DABT_LOW  0x24
#define EC_DABT_HYP  0x25

    .section .vectors, "ax"
    .align 5
    .global _start
    .global _vectors
_start:
_vectors:
    b   reset                   @ 0x00 reset
    b   pl1_undef               @ 0x04 undefined instruction
    b   pl1_svc                 @ 0x08 supervisor call
    b   pl1_pabt                @ 0x0c prefetch abort
    b   pl1_dabt                @ 0x10 data abort
    b   pl1_reserved            @ 0x14 not used from PL1
    b   pl1_irq                 @ 0x18 IRQ
    b   pl1_fiq                 @ 0x1c FIQ

    .align 5
    .global hyp_vectors
hyp_vectors:
    b   hyp_reset               @ 0x00 not used
    b   hyp_undef               @ 0x04 undefined instruction in HYP
    b   hyp_hvc                 @ 0x08 HVC in HYP
    b   hyp_pabt                @ 0x0c prefetch abort in HYP
    b   hyp_dabt                @ 0x10 data abort in HYP
    b   hyp_trap                @ 0x14 HYP trap (from PL1/PL0)
    b   hyp_irq                 @ 0x18 IRQ
    b   hyp_fiq                 @ 0x1c FIQ

    .section .text.start, "ax"
reset:
    mrs     r0, cpsr
    and     r1, r0, #MODE_MASK
    cmp     r1, #MODE_HYP
    bne     not_hyp
    ldr     r1, =hyp_vectors
    mcr     p15, 4, r1, c12, c0, 0      @ HVBAR
    ldr     sp, =__mmu_hyp_stack_top    @ SP_hyp
    bic     r0, r0, #MODE_MASK
    orr     r0, r0, #MODE_SVC
    orr     r0, r0, #PSR_AIF
    msr     spsr_cxsf, r0           @ SPSR_hyp: the banked form is UNPREDICTABLE in HYP (B9.3.9)
    adr     r0, 1f
    msr     elr_hyp, r0
    isb
    eret
1:
    cpsid   aif, #MODE_UND
    ldr     sp, =__und_stack_top
    cps     #MODE_ABT
    ldr     sp, =__abt_stack_top
    cps     #MODE_IRQ
    ldr     sp, =__irq_stack_top
    cps     #MODE_FIQ
    ldr     sp, =__fiq_stack_top
    cps     #MODE_SVC
    ldr     sp, =__svc_stack_top
    ldr     r0, =_vectors
    mcr     p15, 0, r0, c12, c0, 0      @ VBAR
    isb
    /* Zero .bss (page tables and the still unused HYP stack live there). */
    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
    mov     r3, #0
2:  cmp     r0, r1
    strdlo  r2, r3, [r0], #8
    blo     2b
    bl      uart_init
    mov     r0, #0
    mov     r1, #0
    bl      main
    bl      exit
3:  b       3b

not_hyp:
    /* These guests need HYP mode: say so and stop. */
    cpsid   aif, #MODE_SVC
    ldr     sp, =__svc_stack_top
    mov     r0, #0xff
    ldr     r1, =0
    ldr     r2, =0
    bl      mmu_unexpected

/* -- PL1 handlers ---------------------------------------------------------- */

pl1_dabt:
    push    {r0, r1}
    ldr     r0, =mmu_fault
    mrc     p15, 0, r1, c5, c0, 0       @ DFSR
    str     r1, [r0, #F_FSR]
    mrc     p15, 0, r1, c6, c0, 0       @ DFAR
    str     r1, [r0, #F_FAR]
    sub     r1, lr, #8                  @ the faulting instruction
    str     r1, [r0, #F_PC]
    mov     r1, #K_DABT
    str     r1, [r0, #F_KIND]
    ldr     r1, [r0, #F_COUNT]
    add     r1, r1, #1
    str     r1, [r0, #F_COUNT]
    /* Resume after the faulting instruction: LR_abt is its address + 8 in
       both instruction sets (B1.9.8); a T32 one is 2 or 4 bytes long by
       its first halfword (0xe800 and up: 32-bit). */
    mrs     r1, spsr
    tst     r1, #0x20                   @ T
    bne     1f
    pop     {r0, r1}
    subs    pc, lr, #4
1:  ldrh    r1, [lr, #-8]
    cmp     r1, #0xe800
    subhs   lr, lr, #4
    sublo   lr, lr, #6
    pop     {r0, r1}
    movs    pc, lr

pl1_pabt:
    push    {r0, r1}
    ldr     r0, =mmu_fault
    mrc     p15, 0, r1, c5, c0, 1       @ IFSR
    str     r1, [r0, #F_FSR]
    mrc     p15, 0, r1, c6, c0, 2       @ IFAR
    str     r1, [r0, #F_FAR]
    sub     r1, lr, #4
    str     r1, [r0, #F_PC]
    mov     r1, #K_PABT
    str     r1, [r0, #F_KIND]
    ldr     r1, [r0, #F_COUNT]
    add     r1, r1, #1
    str     r1, [r0, #F_COUNT]
    ldr     lr, =mmu_resume
    ldr     lr, [lr]
    pop     {r0, r1}
    movs    pc, lr                      @ back to probe_exec's caller

pl1_undef:
    mov     r0, #1
    b       pl1_unexpected
/* An SVC from the User-mode function of user_call() ends it: back to
   user_call's caller in SVC mode with the function's result in r0. */
pl1_svc:
    ldr     r1, =user_call_sp
    ldr     r2, [r1]
    cmp     r2, #0
    moveq   r0, #2
    beq     pl1_unexpected
    mov     r3, #0
    str     r3, [r1]
    mov     sp, r2
    pop     {r4-r11, pc}
pl1_reserved:
    mov     r0, #5
    b       pl1_unexpected
pl1_irq:
    mov     r0, #6
    b       pl1_unexpected
pl1_fiq:
    mov     r0, #7
pl1_unexpected:
    mov     r1, lr
    mrs     r2, spsr
    bl      mmu_unexpected

/* -- HYP handlers ---------------------------------------------------------- */

/* HVC from SVC: r0 = function, r1-r3 = its arguments; result in r0. */
hyp_trap:
    push    {r0-r3, r12, lr}
    mrc     p15, 4, r12, c5, c2, 0      @ HSR
    lsr     r12, r12, #HSR_EC_SHIFT
    cmp     r12, #EC_HVC
    bne     1f
    /* fn may take an abort in HYP, which overwrites ELR_hyp and SPSR_hyp */
    mrs     r0, elr_hyp
    mrs     r1, spsr
    push    {r0, r1}
    ldr     r12, [sp, #8]
    ldr     r0, [sp, #12]
    ldr     r1, [sp, #16]
    ldr     r2, [sp, #20]
    blx     r12
    str     r0, [sp, #8]
    pop     {r1, r2}
    msr     elr_hyp, r1
    msr     spsr_cxsf, r2
    pop     {r0-r3, r12, lr}
    eret                                @ ELR_hyp: the instruction after the HVC
1:  cmp     r12, #EC_DABT_LOW
    moveq   r0, #K_HYP_DABT
    beq     hyp_record_dabt
    cmp     r12, #EC_IABT_LOW
    moveq   r0, #K_HYP_PABT
    beq     hyp_record_pabt
    /* Any other trap (an MCR/MCRR under HCR.TVM or TTLB, ...): record it
       and skip the trapped instruction (32 bits: A32 or a T32 MCR). */
    cmp     r12, #0
    beq     1f                          @ EC 0: an UNDEF routed to HYP is unexpected
    mov     r0, #K_HYP_TRAP
    bl      hyp_record
    mrs     r0, elr_hyp
    add     r0, r0, #4
    msr     elr_hyp, r0
    pop     {r0-r3, r12, lr}
    eret
1:  mov     r0, #0x14
    b       hyp_unexpected

hyp_dabt:
    push    {r0-r3, r12, lr}
    mov     r0, #K_HYP_DABT
hyp_record_dabt:
    bl      hyp_record
    /* Resume after the faulting instruction: 4 bytes on in A32; in T32 2
       or 4 by its first halfword (0xe800 and up: a 32-bit encoding, A6.1).
       The code is identity-mapped, so HYP reads it at its address. */
    mrs     r0, elr_hyp
    mrs     r1, spsr                    @ SPSR_hyp
    tst     r1, #0x20                   @ T
    addeq   r0, r0, #4
    beq     1f
    ldrh    r2, [r0]
    add     r0, r0, #2
    cmp     r2, #0xe800
    addhs   r0, r0, #2
1:  msr     elr_hyp, r0
    pop     {r0-r3, r12, lr}
    eret

hyp_pabt:
    push    {r0-r3, r12, lr}
    mov     r0, #K_HYP_PABT
hyp_record_pabt:
    bl      hyp_record
    ldr     r0, =mmu_resume
    ldr     r0, [r0]
    msr     elr_hyp, r0
    pop     {r0-r3, r12, lr}
    eret

/* Store HSR, HDFAR or HIFAR, HPFAR, ELR_hyp and kind r0 in mmu_fault. */
hyp_record:
    ldr     r1, =mmu_fault
    str     r0, [r1, #F_KIND]
    mrc     p15, 4, r2, c5, c2, 0       @ HSR
    str     r2, [r1, #F_HSR]
    cmp     r0, #K_HYP_DABT
    mrceq   p15, 4, r2, c6, c0, 0       @ HDFAR
    mrcne   p15, 4, r2, c6, c0, 2       @ HIFAR
    str     r2, [r1, #F_HxFAR]
    mrc     p15, 4, r2, c6, c0, 4       @ HPFAR
    str     r2, [r1, #F_HPFAR]
    mrs     r2, elr_hyp
    str     r2, [r1, #F_PC]
    ldr     r2, [r1, #F_COUNT]
    add     r2, r2, #1
    str     r2, [r1, #F_COUNT]
    bx      lr

hyp_reset:
    mov     r0, #0x100
    b       hyp_unexpected
hyp_undef:
    mov     r0, #0x104
    b       hyp_unexpected
hyp_hvc:
    mov     r0, #0x108
    b       hyp_unexpected
hyp_irq:
    mov     r0, #0x118
    b       hyp_unexpected
hyp_fiq:
    mov     r0, #0x11c
hyp_unexpected:
    mrc     p15, 4, r1, c5, c2, 0       @ HSR
    mrs     r2, elr_hyp
    bl      mmu_unexpected

/* -- user_call: run fn(arg) in User mode ------------------------------------ */

    .text
    .global user_call
user_call:                              @ r0 = fn, r1 = arg; from SVC
    push    {r4-r11, lr}
    ldr     r2, =user_call_sp
    str     sp, [r2]
    mov     r12, r0
    mov     r0, r1
    cps     #0x1f                       @ System mode: set SP_usr and LR_usr
    ldr     sp, =__mmu_usr_stack_top
    ldr     lr, =user_return
    cps     #MODE_SVC
    mov     r3, #0x10                   @ User mode, interrupts unmasked is harmless:
    orr     r3, r3, #PSR_AIF            @ none is enabled, but keep them masked
    msr     spsr_cxsf, r3
    movs    pc, r12
user_return:
    svc     #0                          @ pl1_svc takes it from here
    .ltorg

/* -- hyp_call: run fn(a, b, c) in HYP mode --------------------------------- */

    .text
    .global hyp_call
hyp_call:                               @ r0 = fn, r1-r3 = arguments
    hvc     #0
    bx      lr
    .ltorg

    .bss
    .align 4
    .space  0x2000
__mmu_hyp_stack_top:
    .space  0x1000
__mmu_usr_stack_top:
    .align 2
user_call_sp:
    .space  4
