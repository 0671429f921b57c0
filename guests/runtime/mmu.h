/*
 * The runtime of the MMU conformance guests (guests/mmu/): CP15 accessors
 * named as in the ARM ARM (DDI 0406C, B4.1), translation-table descriptor
 * builders for the short-descriptor (B3.5) and long-descriptor (B3.6)
 * formats and for stage 2, probes that make one access each, and reports
 * that print what the access saw on UART0.
 *
 * Start-up (mmu_crt0.S): entered in HYP, keeps HYP reachable through
 * hyp_call(), runs main() in SVC with the MMU off.  Faults are recorded in
 * mmu_fault and the probed access is skipped (data aborts) or returns to its
 * caller (prefetch aborts).
 */
#ifndef PYXEN15_GUEST_MMU_H
#define PYXEN15_GUEST_MMU_H

#include "runtime.h"

/* -- memory layout shared by the guests ---------------------------------- */

#define RAM_PA      0x80000000u     /* the image, its page tables, its stacks */
#define RAM_MB      256u            /* QEMU and pyxen15 both run with 256 MiB */
#define UART_MB     0x1C000000u     /* the 1 MiB holding UART0 */
/* Physical memory the probes map and read: never the image.  Page n is
   TEST_PA + n * 4 KiB; each word there holds TEST_MAGIC ^ its address
   once fill_test_pages() has run. */
#define TEST_PA     0x88000000u
#define TEST_MAGIC  0x5a000000u
/* A physical address no slave decodes on either model (external abort). */
#define UNBACKED_PA 0x40000000u

/* -- fault record (offsets used by mmu_crt0.S) --------------------------- */

enum fault_kind { K_NONE, K_DABT, K_PABT, K_HYP_DABT, K_HYP_PABT, K_HYP_TRAP };

struct mmu_fault {
    uint32_t count;   /* faults taken since start */
    uint32_t kind;    /* enum fault_kind of the last one */
    uint32_t fsr;     /* DFSR or IFSR */
    uint32_t far;     /* DFAR or IFAR */
    uint32_t hsr;
    uint32_t hxfar;   /* HDFAR or HIFAR */
    uint32_t hpfar;
    uint32_t pc;      /* the faulting instruction (ELR_hyp, or LR - 8/4) */
};
extern volatile struct mmu_fault mmu_fault;
extern volatile uint32_t mmu_resume;

/* -- CP15 ---------------------------------------------------------------- */

#define STR_(x) #x
#define MRC(opc1, crn, crm, opc2) ({ uint32_t v_; __asm__ volatile( \
    "mrc p15, " STR_(opc1) ", %0, " STR_(crn) ", " STR_(crm) ", " STR_(opc2) \
    : "=r"(v_) :: "memory"); v_; })
#define MCR(opc1, crn, crm, opc2, v) __asm__ volatile( \
    "mcr p15, " STR_(opc1) ", %0, " STR_(crn) ", " STR_(crm) ", " STR_(opc2) \
    :: "r"((uint32_t)(v)) : "memory")
#define MRRC(opc1, crm) ({ uint64_t v_; __asm__ volatile( \
    "mrrc p15, " STR_(opc1) ", %Q0, %R0, " STR_(crm) : "=r"(v_) :: "memory"); v_; })
#define MCRR(opc1, crm, v) __asm__ volatile( \
    "mcrr p15, " STR_(opc1) ", %Q0, %R0, " STR_(crm) :: "r"((uint64_t)(v)) : "memory")

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb(void) { __asm__ volatile("dsb" ::: "memory"); }

#define SCTLR_M   (1u << 0)
#define SCTLR_A   (1u << 1)
#define SCTLR_C   (1u << 2)
#define SCTLR_TRE (1u << 28)
#define SCTLR_AFE (1u << 29)

#define get_SCTLR()       MRC(0, c1, c0, 0)
#define set_SCTLR(v)      MCR(0, c1, c0, 0, v)
#define set_TTBR0(v)      MCR(0, c2, c0, 0, v)
#define set_TTBR1(v)      MCR(0, c2, c0, 1, v)
#define set_TTBCR(v)      MCR(0, c2, c0, 2, v)
#define set_DACR(v)       MCR(0, c3, c0, 0, v)
#define set_PRRR(v)       MCR(0, c10, c2, 0, v)
#define set_NMRR(v)       MCR(0, c10, c2, 1, v)
#define set_MAIR0(v)      MCR(0, c10, c2, 0, v)
#define set_MAIR1(v)      MCR(0, c10, c2, 1, v)
#define set_CONTEXTIDR(v) MCR(0, c13, c0, 1, v)
#define get_PAR()         MRC(0, c7, c4, 0)
#define get_PAR64()       MRRC(0, c7)
#define set_TTBR0_64(v)   MCRR(0, c2, v)
#define set_TTBR1_64(v)   MCRR(1, c2, v)
/* HYP mode only (call through hyp_call) */
#define set_HSCTLR(v)     MCR(4, c1, c0, 0, v)
#define get_HSCTLR()      MRC(4, c1, c0, 0)
#define set_HCR(v)        MCR(4, c1, c1, 0, v)
#define set_HTCR(v)       MCR(4, c2, c0, 2, v)
#define set_VTCR(v)       MCR(4, c2, c1, 2, v)
#define set_HMAIR0(v)     MCR(4, c10, c2, 0, v)
#define set_HMAIR1(v)     MCR(4, c10, c2, 1, v)
#define set_HTTBR(v)      MCRR(4, c2, v)
#define set_VTTBR(v)      MCRR(6, c2, v)

/* address translation operations (B4.2.3) */
#define ATS1CPR(va)    MCR(0, c7, c8, 0, va)
#define ATS1CPW(va)    MCR(0, c7, c8, 1, va)
#define ATS1CUR(va)    MCR(0, c7, c8, 2, va)
#define ATS1CUW(va)    MCR(0, c7, c8, 3, va)
#define ATS12NSOPR(va) MCR(0, c7, c8, 4, va)
#define ATS12NSOPW(va) MCR(0, c7, c8, 5, va)
#define ATS12NSOUR(va) MCR(0, c7, c8, 6, va)
#define ATS12NSOUW(va) MCR(0, c7, c8, 7, va)
#define ATS1HR(va)     MCR(4, c7, c8, 0, va)
#define ATS1HW(va)     MCR(4, c7, c8, 1, va)

/* TLB maintenance (B4.2.2) */
#define TLBIALL()       MCR(0, c8, c7, 0, 0)
#define TLBIMVA(mva)    MCR(0, c8, c7, 1, mva)
#define TLBIASID(asid)  MCR(0, c8, c7, 2, asid)
#define TLBIMVAA(mva)   MCR(0, c8, c7, 3, mva)
#define TLBIALLIS()     MCR(0, c8, c3, 0, 0)
#define TLBIMVAIS(mva)  MCR(0, c8, c3, 1, mva)
#define TLBIASIDIS(a)   MCR(0, c8, c3, 2, a)
#define TLBIMVAAIS(mva) MCR(0, c8, c3, 3, mva)
#define ITLBIALL()      MCR(0, c8, c5, 0, 0)
#define ITLBIMVA(mva)   MCR(0, c8, c5, 1, mva)
#define ITLBIASID(a)    MCR(0, c8, c5, 2, a)
#define DTLBIALL()      MCR(0, c8, c6, 0, 0)
#define DTLBIMVA(mva)   MCR(0, c8, c6, 1, mva)
#define DTLBIASID(a)    MCR(0, c8, c6, 2, a)
#define TLBIALLHIS()    MCR(4, c8, c3, 0, 0)
#define TLBIMVAHIS(mva) MCR(4, c8, c3, 1, mva)
#define TLBIALLNSNHIS() MCR(4, c8, c3, 4, 0)
#define TLBIALLH()      MCR(4, c8, c7, 0, 0)
#define TLBIMVAH(mva)   MCR(4, c8, c7, 1, mva)
#define TLBIALLNSNH()   MCR(4, c8, c7, 4, 0)

/* -- short-descriptor format (B3.5.1) ------------------------------------ */

/* first level: section / supersection */
#define SEC_PXN        (1u << 0)
#define SEC_B          (1u << 2)
#define SEC_C          (1u << 3)
#define SEC_XN         (1u << 4)
#define SEC_DOM(d)     ((uint32_t)(d) << 5)
#define SEC_AP(ap)     ((((uint32_t)(ap) & 3u) << 10) | (((uint32_t)(ap) >> 2) << 15))
#define SEC_TEX(t)     ((uint32_t)(t) << 12)
#define SEC_S          (1u << 16)
#define SEC_NG         (1u << 17)
#define SEC_NORMAL     (SEC_TEX(1))             /* Normal, non-cacheable */
#define SEC_DEVICE     (SEC_B)                  /* Shareable Device */
/* first level: pointer to a second-level table */
#define PT_PXN         (1u << 2)
#define PT_DOM(d)      ((uint32_t)(d) << 5)
/* second level: small page / large page */
#define SP_XN          (1u << 0)
#define SP_B           (1u << 2)
#define SP_C           (1u << 3)
#define SP_AP(ap)      ((((uint32_t)(ap) & 3u) << 4) | (((uint32_t)(ap) >> 2) << 9))
#define SP_TEX(t)      ((uint32_t)(t) << 6)
#define SP_NG          (1u << 11)
#define SP_NORMAL      (SP_TEX(1))
#define LP_XN          (1u << 15)
#define LP_TEX(t)      ((uint32_t)(t) << 12)
#define LP_NORMAL      (LP_TEX(1))
/* AP[2:0] values (B3.7.1): APX:AP[1:0] */
#define AP_NONE        0u   /* no access */
#define AP_PRIV        1u   /* PL1 read/write, PL0 none */
#define AP_USER_RO     2u   /* PL1 read/write, PL0 read-only */
#define AP_FULL        3u   /* read/write at both */
#define AP_PRIV_RO     5u   /* PL1 read-only, PL0 none */
#define AP_RO          7u   /* read-only at both */
/* DACR field values (B4.1.43) */
#define DOM_NOACCESS   0u
#define DOM_CLIENT     1u
#define DOM_MANAGER    3u
#define DACR(d, v)     ((uint32_t)(v) << (2 * (d)))

extern uint32_t sd_l1[4096];           /* 16 KiB aligned first-level table */
extern uint32_t sd_l1b[4096];          /* a second one (TTBR1, another context) */
extern uint32_t sd_l2[4][256];         /* four 1 KiB second-level tables */
void sd_clear(uint32_t *l1);
/* Identity sections over RAM (Normal, AP_FULL, domain 0) and the UART (Device). */
void sd_identity(uint32_t *l1);
void sd_section(uint32_t *l1, uint32_t va, uint32_t pa, uint32_t attrs);
void sd_supersection(uint32_t *l1, uint32_t va, uint64_t pa, uint32_t attrs);
void sd_table(uint32_t *l1, uint32_t va, const uint32_t *l2, uint32_t attrs);
void sd_small(uint32_t *l2, uint32_t va, uint32_t pa, uint32_t attrs);
void sd_large(uint32_t *l2, uint32_t va, uint32_t pa, uint32_t attrs);

/* -- long-descriptor format (B3.6.1) and stage 2 (B3.6.1, B3.6.3) --------- */

#define LD_BLOCK       1ull             /* level 1/2 block */
#define LD_TABLE       3ull             /* level 1/2 table */
#define LD_PAGE        3ull             /* level 3 page */
#define LD_ATTR(i)     ((uint64_t)(i) << 2)   /* AttrIndx: MAIR byte i */
#define LD_AP(ap)      ((uint64_t)(ap) << 6)  /* AP[2:1] */
#define LD_SH(sh)      ((uint64_t)(sh) << 8)
#define LD_AF          (1ull << 10)
#define LD_NG          (1ull << 11)
#define LD_CONTIG      (1ull << 52)
#define LD_PXN         (1ull << 53)
#define LD_XN          (1ull << 54)
#define LD_PXNTABLE    (1ull << 59)
#define LD_XNTABLE     (1ull << 60)
#define LD_APTABLE(a)  ((uint64_t)(a) << 61)
/* AP[2:1] (B3.7.1) */
#define LAP_PRIV       0u   /* PL1 read/write */
#define LAP_FULL       1u   /* read/write at both */
#define LAP_PRIV_RO    2u
#define LAP_RO         3u
/* The MAIR0 every long-descriptor guest uses: 0 Strongly-ordered,
   1 Device, 2 Normal non-cacheable, 3 Normal write-back. */
#define MAIR0_GUESTS   0xff440400u
#define ATTR_SO        0
#define ATTR_DEVICE    1
#define ATTR_NC        2
#define ATTR_WB        3
#define LD_NORMAL      (LD_ATTR(ATTR_NC) | LD_AF)
#define LD_DEV         (LD_ATTR(ATTR_DEVICE) | LD_AF)
/* stage 2 */
#define S2_MEMATTR(m)  ((uint64_t)(m) << 2)
#define S2_AP(ap)      ((uint64_t)(ap) << 6)  /* S2AP: bit 0 read, bit 1 write */
#define S2_NORMAL      (S2_MEMATTR(0x5) | LD_AF)   /* Normal non-cacheable */
#define S2_DEVICE      (S2_MEMATTR(0x1) | LD_AF)   /* Device */
#define S2AP_NONE      0u
#define S2AP_RO        1u
#define S2AP_WO        2u
#define S2AP_RW        3u

/* 4 KiB-aligned tables of 512 entries for the guests to use as they like */
extern uint64_t ld_tables[8][512];
/* four tables, 16 KiB aligned: concatenated stage-2 first-level tables */
extern uint64_t s2_concat[4][512];
void ld_clear(uint64_t *table);
/* Level 1 (one entry per GiB, index va[31:30]) with RAM and the low GiB
   (UART) as 1 GiB blocks; attrs_* are added to the block descriptors. */
void ld_identity(uint64_t *l1, uint64_t attrs_ram, uint64_t attrs_low);
static inline unsigned ld_index(int level, uint64_t va)
{
    return (unsigned)(va >> (39 - 9 * level)) & 511u;
}

/* -- probes (mmu_probe.S): one access each; a faulting load returns PROBE_NONE */

#define PROBE_NONE 0xdeaddeadu
uint32_t probe_ld32(uint32_t va);
uint32_t probe_ld16(uint32_t va);
uint32_t probe_ld8(uint32_t va);
uint32_t probe_lds8(uint32_t va);
uint32_t probe_lds16(uint32_t va);
uint32_t probe_ldrt(uint32_t va);        /* LDRT: checked as PL0 */
uint32_t probe_ldrex(uint32_t va);
uint32_t probe_ldrd(uint32_t va);        /* returns the low word */
uint32_t probe_ldm(uint32_t va);         /* LDM of two words, returns the first */
void probe_st32(uint32_t va, uint32_t v);
void probe_st16(uint32_t va, uint32_t v);
void probe_st8(uint32_t va, uint32_t v);
void probe_strt(uint32_t va, uint32_t v);
uint32_t probe_strex(uint32_t va, uint32_t v);  /* STREX status (after LDREX) */
void probe_strd(uint32_t va, uint32_t v);
void probe_stm(uint32_t va, uint32_t v);
uint32_t probe_ld32_r9(uint32_t va);     /* LDR r9 (SRT = 9) */
uint32_t probe_ld32_be(uint32_t va);     /* LDR with CPSR.E = 1 (SETEND BE) */
void probe_st16_be(uint32_t va, uint32_t v);
uint32_t probe_t16_ld32(uint32_t va);    /* T32, 16-bit LDR */
uint32_t probe_t32_ld32_r12(uint32_t va);/* T32, 32-bit LDR.W r12 */
void probe_t16_st16(uint32_t va, uint32_t v); /* T32, 16-bit STRH */
uint32_t probe_t32_ldrt(uint32_t va);    /* T32 LDRT r0, [va, #4] (no writeback) */
/* Branch to va (BLX); the code there should be `bx lr` (see EXEC_STUB). */
uint32_t probe_exec(uint32_t va);
/* Call va (BLX) and return its r0, or PROBE_NONE after a prefetch abort. */
uint32_t probe_call(uint32_t va);
#define MOV_R0(imm8) (0xe3a00000u | (imm8))      /* A32 MOV r0, #imm8 */
#define EXEC_STUB 0xe12fff1eu            /* A32 BX LR */

/* Run fn(a, b, c) in HYP mode (HVC, handled in mmu_crt0.S). */
uint32_t hyp_call(uint32_t (*fn)(uint32_t, uint32_t, uint32_t), uint32_t a, uint32_t b, uint32_t c);

/* -- stage 2 from HYP (run these through hyp_call) ---------------------- */

#define HCR_VM   (1u << 0)
#define HCR_PTW  (1u << 2)
#define VTCR_T0SZ(n) ((uint32_t)(n) & 0xfu)     /* signed 4-bit; S (bit 4) = bit 3 */
#define VTCR_S       (1u << 4)
#define VTCR_SL0(n)  ((uint32_t)(n) << 6)
#define VTCR_RES1    (1u << 31)
/* In HYP: VTCR = the VTCR bits of vtcr_vmid, VTTBR = base | VMID << 48 with
   the VMID from bits 23:16 of vtcr_vmid (reserved in VTCR), TLBIALLNSNH,
   then HCR = hcr.  Call as hyp_call(hyp_stage2, base, vtcr | VMID_ARG(v), hcr). */
uint32_t hyp_stage2(uint32_t base, uint32_t vtcr_vmid, uint32_t hcr);
#define VMID_ARG(v)  ((uint32_t)(v) << 16)
/* In HYP: TLBIALLNSNH (every non-secure non-HYP entry, all VMIDs). */
uint32_t hyp_tlbiallnsnh(uint32_t a, uint32_t b, uint32_t c);
uint32_t hyp_tlbiallnsnhis(uint32_t a, uint32_t b, uint32_t c);
/* In HYP: ATS12NSO{P,U}{R,W} (op 0-3) of va; returns 0, PAR holds the result. */
uint32_t hyp_ats12nso(uint32_t va, uint32_t op, uint32_t unused);

/* Run fn(arg) in User mode (PL0) and return its result: the function must
   not print (the UART is PL1-only), see record()/show_record(). */
uint32_t user_call(uint32_t (*fn)(uint32_t), uint32_t arg);

/* -- reports ------------------------------------------------------------- */

void put(const char *s);
void puthex(uint32_t v, int digits);
/* "label: ok <value>" if the probe before it did not fault, else the fault
   decoded into fields (DFSR/IFSR and FAR, or HSR with HxFAR and HPFAR). */
void show(const char *label, uint32_t value);
/* Fail loudly unless the probes since the last report took no fault. */
void expect_no_fault(const char *what);
void show_par32(const char *label, uint32_t par);
/* Where printing is not possible (User mode, a regime without the UART):
   record(i, value) keeps the value and the fault state now, show_record
   prints it later as show() would have. */
struct mmu_record { uint32_t value, count, kind, fsr, far, hsr, hxfar, hpfar, pc; };
extern struct mmu_record mmu_records[32];
void record(unsigned i, uint32_t value);
void show_record(const char *label, unsigned i);
void show_par64(const char *label, uint64_t par);
/* PAR (MRRC) in whichever format it holds (bit 11 set: the 64-bit one). */
void show_par(const char *label);
/* Fill test page n (4 KiB at TEST_PA + n * 4 KiB) with TEST_MAGIC ^ address;
   its first word becomes EXEC_STUB when stub is set. */
void fill_test_page(unsigned n, int stub);
#define TEST_PAGE(n)   (TEST_PA + (uint32_t)(n) * 0x1000u)

/* SCTLR.M on with TTBR0 = sd_l1 (short-descriptor) or the given 64-bit
   TTBRs (long-descriptor, MAIR0 = MAIR0_GUESTS); TLBIALL first. */
void sd_mmu_on(uint32_t ttbcr, uint32_t dacr, uint32_t sctlr_extra);
void ld_mmu_on(uint32_t ttbcr, uint64_t ttbr0, uint64_t ttbr1, uint32_t sctlr_extra);
void mmu_off(void);

void mmu_unexpected(uint32_t vector, uint32_t lr, uint32_t spsr) __attribute__((noreturn));

#endif
