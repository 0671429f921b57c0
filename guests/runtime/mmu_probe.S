/*
 * Probes of the MMU conformance guests: each makes exactly one access of
 * one kind (always A32, so a data abort resumes 4 bytes on, mmu_crt0.S).
 * A load that faults leaves PROBE_NONE in r0.
 */
    .syntax unified
    .arch armv7-a
    .arm
    .text

#define PROBE_NONE 0xdeaddead

    .macro load name, insn
    .global \name
\name:
    mov     r1, r0
    movw    r0, #:lower16:PROBE_NONE
    movt    r0, #:upper16:PROBE_NONE
    \insn
    bx      lr
    .endm

    load probe_ld32,  "ldr r0, [r1]"
    load probe_ld16,  "ldrh r0, [r1]"
    load probe_ld8,   "ldrb r0, [r1]"
    load probe_lds8,  "ldrsb r0, [r1]"
    load probe_lds16, "ldrsh r0, [r1]"
    load probe_ldrt,  "ldrt r0, [r1]"
    load probe_ldrex, "ldrex r0, [r1]"

    .global probe_ldrd
probe_ldrd:
    mov     r12, r0
    movw    r2, #:lower16:PROBE_NONE
    movt    r2, #:upper16:PROBE_NONE
    mov     r3, r2
    ldrd    r2, r3, [r12]
    mov     r0, r2
    bx      lr

    .global probe_ldm
probe_ldm:
    mov     r12, r0
    movw    r2, #:lower16:PROBE_NONE
    movt    r2, #:upper16:PROBE_NONE
    mov     r3, r2
    ldm     r12, {r2, r3}
    mov     r0, r2
    bx      lr

    .global probe_st32
probe_st32:
    str     r1, [r0]
    bx      lr
    .global probe_st16
probe_st16:
    strh    r1, [r0]
    bx      lr
    .global probe_st8
probe_st8:
    strb    r1, [r0]
    bx      lr
    .global probe_strt
probe_strt:
    strt    r1, [r0]
    bx      lr

    .global probe_strex
probe_strex:                            @ r0 = va, r1 = value; returns the status
    mov     r12, r0
    mov     r0, #2                      @ neither 0 nor 1: the STREX faulted
    strex   r0, r1, [r12]
    bx      lr

    .global probe_strd
probe_strd:
    mov     r2, r1
    mvn     r3, r1
    strd    r2, r3, [r0]
    bx      lr

    .global probe_stm
probe_stm:
    mov     r2, r1
    mvn     r3, r1
    stm     r0, {r2, r3}
    bx      lr

/* Big-endian data accesses (CPSR.E = 1 for one instruction, SETEND) */
    .global probe_ld32_be
probe_ld32_be:
    mov     r1, r0
    movw    r0, #:lower16:PROBE_NONE
    movt    r0, #:upper16:PROBE_NONE
    setend  be
    ldr     r0, [r1]
    setend  le
    bx      lr
    .global probe_st16_be
probe_st16_be:
    setend  be
    strh    r1, [r0]
    setend  le
    bx      lr

/* A load into r9 (SRT = 9 in a syndrome) */
    .global probe_ld32_r9
probe_ld32_r9:
    push    {r9, lr}
    movw    r9, #:lower16:PROBE_NONE
    movt    r9, #:upper16:PROBE_NONE
    ldr     r9, [r0]
    mov     r0, r9
    pop     {r9, pc}

/* T32 probes: a 16-bit LDR (IL = 0), a 32-bit LDR.W into r12, a 16-bit STRH */
    .thumb
    .thumb_func
    .global probe_t16_ld32
probe_t16_ld32:
    mov     r1, r0
    movw    r0, #:lower16:PROBE_NONE
    movt    r0, #:upper16:PROBE_NONE
    ldr     r0, [r1]
    bx      lr
    .thumb_func
    .global probe_t32_ld32_r12
probe_t32_ld32_r12:
    movw    r12, #:lower16:PROBE_NONE
    movt    r12, #:upper16:PROBE_NONE
    ldr.w   r12, [r0, #0]
    mov     r0, r12
    bx      lr
    .thumb_func
    .global probe_t32_ldrt
probe_t32_ldrt:                         @ T32 LDRT has no writeback
    mov     r1, r0
    movw    r0, #:lower16:PROBE_NONE
    movt    r0, #:upper16:PROBE_NONE
    ldrt    r0, [r1, #4]
    bx      lr
    .thumb_func
    .global probe_t16_st16
probe_t16_st16:
    strh    r1, [r0]
    bx      lr
    .arm

    .global probe_call
probe_call:                             @ r0 = address; returns the callee's r0
    push    {r4, lr}
    ldr     r1, =mmu_resume
    adr     r2, 1f
    str     r2, [r1]
    mov     r4, r0
    blx     r4
    pop     {r4, pc}
1:  movw    r0, #:lower16:PROBE_NONE    @ a prefetch abort came back here
    movt    r0, #:upper16:PROBE_NONE
    pop     {r4, pc}

    .global probe_exec
probe_exec:                             @ r0 = address; returns r0 (0 = ran)
    push    {r4, lr}
    ldr     r1, =mmu_resume
    adr     r2, 1f
    str     r2, [r1]
    mov     r4, r0
    blx     r4
    mov     r0, #0                      @ the stub ran and returned here
    pop     {r4, pc}
1:  mov     r0, #1                      @ a prefetch abort came back here
    pop     {r4, pc}
    .ltorg
