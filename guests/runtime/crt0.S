/*
 * Start-up code for the bare-metal guests (Versatile Express V2P-CA15).
 *
 * Always assembled as A32, whatever the guest's C code is compiled to: the
 * reset entry and the exception vectors run in ARM state (SCTLR.TE = 0), and
 * `bl main` / `bl exit` become BLX when the C side is Thumb.
 *
 * Contract with the loader: enter at _start (the first byte of the image, at
 * 0x80000000) in SVC or HYP mode (any PL1 mode works too), MMU and caches
 * off.  We end in SVC mode with IRQ/FIQ/async aborts masked, a stack for
 * every exception mode, VBAR pointing at our vectors and .bss zeroed; then
 * call main(0, 0) and pass its return value to exit(), which stops the
 * machine through semihosting.
 */
    .syntax unified
    .arch armv7-a
    .arch_extension virt        @ ERET and the banked HYP registers
    .arm

#define MODE_FIQ  0x11
#define MODE_IRQ  0x12
#define MODE_SVC  0x13
#define MODE_ABT  0x17
#define MODE_HYP  0x1a
#define MODE_UND  0x1b
#define MODE_MASK 0x1f
#define PSR_AIF   0x1c0         /* A, I and F mask bits */

/* Semihosting, A32 form (the handlers below always run in ARM state). */
#define SEMIHOST_SVC            0x123456
#define SYS_WRITE0              0x04
#define SYS_EXIT                0x18
#define SYS_EXIT_EXTENDED       0x20
#define ADP_STOPPED_RUNTIME_ERROR 0x20023
#define ADP_STOPPED_APP_EXIT    0x20026

/* Exit status of a guest stopped by an unexpected exception: 0x80 + vector. */
#define EXC_STATUS_BASE 0x80


    .section .vectors, "ax"
    .align 5                    @ VBAR needs 32-byte alignment
    .global _start
    .global _vectors
_start:
_vectors:
    b   reset                   @ 0x00 reset
    b   exc_undef               @ 0x04 undefined instruction
    b   exc_svc                 @ 0x08 supervisor call
    b   exc_pabt                @ 0x0c prefetch abort
    b   exc_dabt                @ 0x10 data abort
    b   exc_reserved            @ 0x14 not used from PL1
    b   exc_irq                 @ 0x18 IRQ
    b   exc_fiq                 @ 0x1c FIQ

    .section .text.start, "ax"
reset:
    /*
     * Every core starts here (QEMU starts all cores of an ELF image at its
     * entry; so does pyxen15): core n > 0 goes to the secondary path.
     */
    mrc     p15, 0, r0, c0, c0, 5       @ MPIDR
    ands    r0, r0, #0xff               @ Aff0: the core within the cluster
    bne     secondary
    mrs     r0, cpsr
    and     r1, r0, #MODE_MASK
    cmp     r1, #MODE_HYP
    bne     1f
    /*
     * Entered in HYP mode (a loader that starts us at the highest
     * non-secure level, as a hypervisor-capable board does).  A guest may
     * set up HYP first (hyp_setup, weak, called with a small HYP stack);
     * the only way down from HYP is an exception return: ERET to SVC at
     * label 1.
     */
    ldr     sp, =__hyp_stack_top
    bl      hyp_setup
    mrs     r0, cpsr
    bic     r0, r0, #MODE_MASK
    orr     r0, r0, #MODE_SVC
    orr     r0, r0, #PSR_AIF
    msr     spsr_cxsf, r0               @ SPSR_hyp: in HYP mode, MSR SPSR_hyp itself is UNPREDICTABLE (QEMU: UNDEF)
    adr     r0, 1f
    msr     elr_hyp, r0
    eret
1:
    /* One stack per exception mode; CPS changes mode without touching flags. */
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

    /* Exceptions go to our table rather than to 0 or 0xffff0000. */
    ldr     r0, =_vectors
    mcr     p15, 0, r0, c12, c0, 0      @ VBAR
    isb

    /* Zero .bss; the linker script aligns both ends to 8 bytes. */
    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
    mov     r3, #0
2:  cmp     r0, r1
    strdlo  r2, r3, [r0], #8
    blo     2b

    mov     r0, #0                      @ argc
    mov     r1, #0                      @ argv
    bl      main
    bl      exit                        @ exit(main's return value); never returns
3:  b       3b

/*
 * Core n > 0 (r0 = n): down to SVC like the primary (hyp_setup included),
 * IRQ and SVC stacks of its own, then hold as board firmware holds a
 * secondary: wait for events until secondary_entry holds an address, and
 * call it with r0 = n.  If it returns, wait for ever.
 */
secondary:
    mov     r7, r0
    mrs     r0, cpsr
    and     r1, r0, #MODE_MASK
    cmp     r1, #MODE_HYP
    bne     7f
    ldr     sp, =__sec_stack_top + 0x1000 - 0x400
    sub     sp, sp, r7, lsl #12         @ HYP stack: below the IRQ stack of the slot
    bl      hyp_setup
    mrs     r0, cpsr
    bic     r0, r0, #MODE_MASK
    orr     r0, r0, #MODE_SVC
    orr     r0, r0, #PSR_AIF
    msr     spsr_cxsf, r0               @ SPSR_hyp: in HYP mode, MSR SPSR_hyp itself is UNPREDICTABLE (QEMU: UNDEF)
    adr     r0, 7f
    msr     elr_hyp, r0
    eret
7:
    ldr     r5, =__sec_stack_top + 0x1000
    sub     r5, r5, r7, lsl #12         @ core n's 4 KiB slot ends here
    cpsid   aif, #MODE_IRQ
    mov     sp, r5                      @ IRQ stack: the top 1 KiB
    cps     #MODE_SVC
    sub     sp, r5, #0x800              @ SVC stack: the lower 2 KiB
    ldr     r0, =_vectors
    mcr     p15, 0, r0, c12, c0, 0      @ VBAR
    isb
    ldr     r4, =secondary_entry
8:  ldr     r1, [r4]
    cmp     r1, #0
    bne     9f
    wfe
    b       8b
9:  mov     r0, r7
    blx     r1
10: wfe
    b       10b

/* The default hyp_setup: nothing (a guest may define its own). */
    .weak   hyp_setup
hyp_setup:
    bx      lr

/*
 * Unexpected exceptions.  Record what happened in guest_exception (vector
 * offset, the exception's LR and SPSR) so a test or debugger can read it,
 * say so on the semihosting console, and stop with status 0x80 + vector
 * number.  No stack is used: the fault may be a bad stack.
 */
exc_undef:
    mov     r4, #1
    b       unexpected
exc_pabt:
    mov     r4, #3
    b       unexpected
exc_dabt:
    mov     r4, #4
    b       unexpected
exc_reserved:
    mov     r4, #5
    b       unexpected
exc_irq:
    /* A guest that defines guest_irq_handler() takes IRQs in C. */
    sub     lr, lr, #4
    push    {r0-r3, r12, lr}
    ldr     r0, =guest_irq_handler
    cmp     r0, #0
    beq     6f
    blx     r0
    pop     {r0-r3, r12, lr}
    movs    pc, lr
6:  pop     {r0-r3, r12, lr}
    add     lr, lr, #4
    mov     r4, #6
    b       unexpected
exc_fiq:
    mov     r4, #7
    b       unexpected

/*
 * An SVC reaching its vector means the host did not take a semihosting call
 * (or the guest made a plain SVC).  Calling semihosting from here could
 * recurse, so record it and spin: the run's instruction budget ends it.
 */
exc_svc:
    mov     r4, #2
    ldr     r5, =guest_exception
    str     r4, [r5]
    str     lr, [r5, #4]
    mrs     r6, spsr
    str     r6, [r5, #8]
4:  b       4b

unexpected:
    ldr     r5, =guest_exception
    str     r4, [r5]
    str     lr, [r5, #4]
    mrs     r6, spsr
    str     r6, [r5, #8]
    ldr     r1, =exc_names
    ldr     r1, [r1, r4, lsl #2]
    mov     r0, #SYS_WRITE0
    svc     #SEMIHOST_SVC
    ldr     r1, =exc_exit_block
    add     r2, r4, #EXC_STATUS_BASE
    str     r2, [r1, #4]
    mov     r0, #SYS_EXIT_EXTENDED
    svc     #SEMIHOST_SVC
    /* A host without SYS_EXIT_EXTENDED: plain SYS_EXIT, as a failure. */
    mov     r0, #SYS_EXIT
    ldr     r1, =ADP_STOPPED_RUNTIME_ERROR
    svc     #SEMIHOST_SVC
5:  b       5b
    .ltorg

    .section .rodata
    .align 2
exc_names:
    .word   msg_reset, msg_undef, msg_svc, msg_pabt
    .word   msg_dabt, msg_reserved, msg_irq, msg_fiq
msg_reset:      .asciz "guest: unexpected reset\n"
msg_undef:      .asciz "guest: unexpected undefined instruction exception\n"
msg_svc:        .asciz "guest: unexpected SVC\n"
msg_pabt:       .asciz "guest: unexpected prefetch abort\n"
msg_dabt:       .asciz "guest: unexpected data abort\n"
msg_reserved:   .asciz "guest: unexpected exception at vector 0x14\n"
msg_irq:        .asciz "guest: unexpected IRQ\n"
msg_fiq:        .asciz "guest: unexpected FIQ\n"

    .data
    .align 2
exc_exit_block:
    .word   ADP_STOPPED_APP_EXIT, 0

/* Where a held secondary core goes (written by the primary, then SEV). */
    .global secondary_entry
secondary_entry:
    .word   0

    .weak   guest_irq_handler

/* {vector number (0 = none), LR of the exception, SPSR of the exception} */
    .global guest_exception
guest_exception:
    .word   0, 0, 0
