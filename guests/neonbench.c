/*
 * A fixed Advanced SIMD workload for `pyxen15 bench --neon`, built with
 * -mfloat-abi=hard -mfpu=neon-vfpv4 -O3 -ftree-vectorize so that GCC's
 * vectoriser writes the hot loops in NEON (guests/build/neonbench.dis shows
 * them; tests/test_guests_build.py checks that they are):
 *
 *  - an integer matrix multiply (VLD1/VMLA.I32/VST1 over the columns);
 *  - a dot product of 16-bit vectors with 32-bit sums (VMLAL.U16, VPADD);
 *  - a saturating blend of two byte images (widen, add, narrow with
 *    saturation: VADDL/VQMOVN or VQADD);
 *  - a mixing hash over words (VSHL/VSHR/VEOR/VADD), and an XOR checksum.
 *
 * All integer, so the results do not depend on the Advanced SIMD float
 * rules.  Every result folds into one checksum printed on UART0 as
 * "neonbench checksum: 0x%08x"; the value QEMU prints is kept in
 * guests/neonbench.expected.  Change nothing here without updating that
 * file and the instruction count in guests/qemu-counts.txt from QEMU.
 */
#include "runtime/runtime.h"

#define NOINLINE __attribute__((noinline))
#define N       32              /* matrix order */
#define LEN     4096            /* vector lengths */
#define ROUNDS  288

/* The data starts on a page of its own, away from the code (a store to a
 * page holding translated code takes pyxen15's slow path), and the vectors
 * are 16-byte aligned, so that no 16-byte access straddles two pages. */
#define ALIGNED __attribute__((aligned(4096)))
static int32_t ma[N][N] ALIGNED, mb[N][N] ALIGNED, mc[N][N] ALIGNED;
static uint16_t vx[LEN] ALIGNED, vy[LEN] ALIGNED;
static uint8_t img_a[LEN] ALIGNED, img_b[LEN] ALIGNED, img_c[LEN] ALIGNED;
static uint32_t words[LEN] ALIGNED, mixed[LEN] ALIGNED;
static uint32_t checksum;

static volatile uint32_t seed_source = 0x9E3779B9u;
/* The sizes reach the kernels through a volatile, so that GCC keeps their
 * loops as loops (vectorised, with a scalar tail) instead of unrolling them
 * completely, as real NEON code over buffers of any length looks. */
static volatile int order_source = N, length_source = LEN;
static uint32_t lcg_state;

static NOINLINE uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static NOINLINE void fold(uint32_t v)
{
    checksum ^= v + 0x9E3779B9u + (checksum << 6) + (checksum >> 2);
}

static NOINLINE void fill(void)
{
    lcg_state = seed_source;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            ma[i][j] = (int32_t)lcg_next() >> 20;
            mb[i][j] = (int32_t)lcg_next() >> 20;
        }
    for (int i = 0; i < LEN; i++) {
        uint32_t r = lcg_next();
        vx[i] = (uint16_t)r;
        vy[i] = (uint16_t)(r >> 16);
        img_a[i] = (uint8_t)(r >> 8);
        img_b[i] = (uint8_t)(r >> 24);
        words[i] = lcg_next();
    }
}

static NOINLINE void matmul(int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++)
            mc[i][j] = 0;
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++)
                mc[i][j] += ma[i][k] * mb[k][j];
    }
}

static NOINLINE uint32_t dot16(int len)
{
    uint32_t sum = 0;
    for (int i = 0; i < len; i++)
        sum += (uint32_t)vx[i] * vy[i];
    return sum;
}

static NOINLINE void blend(int len)
{
    for (int i = 0; i < len; i++) {
        unsigned s = (unsigned)img_a[i] + img_b[i];
        img_c[i] = s > 255 ? 255 : (uint8_t)s;
    }
}

static NOINLINE void mix(uint32_t key, int len)
{
    for (int i = 0; i < len; i++) {
        uint32_t w = words[i];
        mixed[i] = ((w << 5) ^ (w >> 3)) + (w ^ key);
    }
}

static NOINLINE uint32_t xor_sum(const uint32_t *p, int n)
{
    uint32_t x = 0;
    for (int i = 0; i < n; i++)
        x ^= p[i];
    return x;
}

static NOINLINE uint32_t byte_sum(const uint8_t *p, int n)
{
    uint32_t s = 0;
    for (int i = 0; i < n; i++)
        s += p[i];
    return s;
}

static NOINLINE void run(void)
{
    int n = order_source, len = length_source;
    fill();
    for (int r = 0; r < ROUNDS; r++) {
        matmul(n);
        fold(xor_sum((const uint32_t *)mc, N * N));
        /* feed the product back, so every round computes something new */
        for (int i = 0; i < N; i++)
            ma[i][r % N] ^= mc[i][(r * 7) % N] >> 12;
        fold(dot16(len));
        vx[r % LEN] ^= (uint16_t)checksum;
        blend(len);
        fold(byte_sum(img_c, len));
        img_a[(r * 13) % LEN] ^= (uint8_t)checksum;
        mix(checksum, len);
        fold(xor_sum(mixed, len));
        words[(r * 29) % LEN] ^= checksum;
    }
}

static void simd_enable(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(v));
    v |= 0xF << 20;
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(v));
    __asm__ volatile("vmsr fpexc, %0" : : "r"(1u << 30));
}

int main(void)
{
    simd_enable();
    uart_init();
    run();
    uart_puts("neonbench checksum: 0x");
    uart_puthex32(checksum);
    uart_puts("\n");
    return 0;
}
