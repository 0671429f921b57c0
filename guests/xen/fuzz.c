/*
 * The hypercall fuzz: FUZZ_CALLS random hypercalls -- random numbers
 * (mostly Xen's, some anything), sub-ops, arguments, and pointers into a
 * scratch buffer full of random bytes, across its page boundaries, or
 * anywhere at all -- from an LCG with a fixed seed, so every run issues
 * the same calls.  The guest must keep running and the hypervisor must
 * answer every call.  Calls that would end or stall this test by design
 * are steered away, as Xen's own fuzzers steer: sched_op block/poll/
 * shutdown and vcpu_op down (the guest would stop), and guest-physical
 * targets (add_to_physmap's gpfn, register_vcpu_info's frame, grant
 * copies) that would overwrite this guest's own code and stack, which the
 * ABI lets a guest do to itself.  Random pointers that fall in this
 * guest's RAM are moved into the scratch buffer for the same reason.
 */
#include "hypercall.h"

#ifndef FUZZ_CALLS
#define FUZZ_CALLS 100000u
#endif

#define RAM_START 0x80000000u
#define RAM_END   0x81000000u        /* the test gives this domain 16 MiB */

static uint8_t scratch[4 * 4096] __attribute__((aligned(4096)));
static uint8_t vcpu_info_page[4096] __attribute__((aligned(4096)));
static uint32_t seed = 0x8a5cd789u;

static uint32_t lcg(void)
{
    seed = seed * 1664525u + 1013904223u;            /* Numerical Recipes' LCG */
    return seed ^ (seed >> 16);
}

static const uint32_t numbers[] = {7, 12, 13, 17, 18, 20, 21, 24, 29, 32, 33, 34, 41};

/* A guest-physical frame that is none of this guest's RAM or devices. */
static uint32_t safe_gpfn(void)
{
    uint32_t r = lcg();
    switch (r & 3) {
    case 0: return 0x38000u + ((r >> 8) & 63);        /* a grant window */
    case 1: return 0x90000u + ((r >> 8) & 0xFFFF);    /* above this guest's RAM */
    case 2: return (r >> 8) & 0xFFF;                   /* low memory: nothing mapped */
    default: return r >> 4;                            /* anything: 28 bits, mostly out of range */
    }
}

static uint32_t pointer(void)
{
    uint32_t r = lcg();
    switch (r & 7) {
    case 0: return 0;
    case 1: return (uint32_t)scratch + 4096 - (r >> 28);          /* straddling a page */
    case 2: return (uint32_t)scratch + ((r >> 8) & (sizeof scratch - 64));
    case 3: return (uint32_t)scratch + ((r >> 8) & (sizeof scratch - 1));
    case 4: return 0xFFFFF000u | (r >> 20);                       /* the top of the space */
    default: {
        uint32_t p = lcg();
        if (p >= RAM_START && p < RAM_END)
            p = (uint32_t)scratch + (p & (sizeof scratch - 64));
        return p;
    }
    }
}

static uint32_t arg(void)
{
    uint32_t r = lcg();
    switch (r & 3) {
    case 0: return r >> 28;                       /* small: counts, ids, ports */
    case 1: return pointer();
    case 2: return 0x7FF0u;                       /* DOMID_SELF */
    default: return lcg();
    }
}

static void randomize_scratch(void)
{
    uint32_t *w = (uint32_t *)scratch;
    for (unsigned i = 0; i < sizeof scratch / 4; i++) {
        uint32_t r = lcg();
        w[i] = (r & 3) == 0 ? 0x7FF0u : (r & 3) == 1 ? (r >> 24) : r;
    }
}

/* The 64-bit field at `off` of the structure at `p`, if p is in scratch. */
static void set64(uint32_t p, uint32_t off, uint32_t v)
{
    if (p >= (uint32_t)scratch && p + off + 8 <= (uint32_t)scratch + sizeof scratch) {
        uint32_t *f = (uint32_t *)(p + off);
        f[0] = v;
        f[1] = 0;
    }
}

int main(void)
{
    uint32_t results[4] = {0, 0, 0, 0};     /* >= 0, -ENOSYS, -EFAULT, other errors */
    uint32_t i;
    for (i = 0; i < FUZZ_CALLS; i++) {
        if ((i & 255) == 0)
            randomize_scratch();
        uint32_t r = lcg();
        uint32_t nr = (r & 15) < 13 ? numbers[r & 15] : (r >> 8) & 0xFF;
        uint32_t a0 = (lcg() & 1) ? (lcg() & 15) : lcg();
        uint32_t a1 = arg(), a2 = arg(), a3 = arg(), a4 = arg();
        if (nr == 29 && a0 >= 1 && a0 <= 3)
            a0 = 0;                                          /* sched_op: yield instead */
        if (nr == 24 && a0 == 2)
            a0 = 3;                                          /* vcpu_op: is_up, not down */
        if (nr == 18 && a0 == 0)
            a1 &= 3;                                         /* console_io write: a few bytes */
        if (nr == 12 && ((a0 & 63) == 7 || (a0 & 63) == 23)) {
            a1 = (uint32_t)scratch + ((lcg() >> 8) & (sizeof scratch - 64));
            set64(a1, 16, safe_gpfn());                      /* add_to_physmap's gpfn */
            for (int k = 0; k < 3; k++) {                    /* the batch's arrays */
                uint32_t *h = (uint32_t *)(a1 + 8 + 8 * k);
                h[0] = (uint32_t)scratch + ((lcg() >> 8) & (sizeof scratch - 64)); h[1] = 0;
            }
            for (int k = 0; k < 8; k++)
                set64((uint32_t)scratch + 8 * ((lcg() >> 8) & 511), 0, safe_gpfn());
        }
        if (nr == 24 && a0 == 10) {                          /* register_vcpu_info */
            a2 = (uint32_t)scratch + ((lcg() >> 8) & (sizeof scratch - 64));
            set64(a2, 0, (lcg() & 1) ? (uint32_t)vcpu_info_page >> 12 : safe_gpfn());
        }
        if (nr == 20 && a0 == 5)
            a0 = 6;                                          /* grant copy: query_size */
        int32_t rc = xen_hypercall(nr, a0, a1, a2, a3, a4);
        results[rc >= 0 ? 0 : rc == -38 ? 1 : rc == -14 ? 2 : 3]++;
    }
    uart_puts("\n");
    put("fuzz_calls", i);
    put("fuzz_ok", results[0]);
    put("fuzz_enosys", results[1]);
    put("fuzz_efault", results[2]);
    put("fuzz_other", results[3]);
    /* and the hypervisor still answers */
    put("fuzz_version", (uint32_t)xen_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0));
    return 0;
}
