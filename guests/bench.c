/*
 * A fixed, CPU-bound integer workload for `pyxen15 bench` (about 30 million
 * guest instructions in the A32 build).  It mixes what ordinary code does:
 * counted loops, word/halfword/byte loads and stores, calls (including
 * recursion), 32x32 and 32x32->64 multiplies, and signed and unsigned
 * divides (SDIV/UDIV with -mcpu=cortex-a15).  Everything folds into one
 * checksum printed on UART0 as "bench checksum: 0x%08x"; the value QEMU
 * prints is kept in guests/bench.expected.
 *
 * Change nothing here without updating bench.expected from QEMU and the
 * instruction count quoted in guests/README.md.
 */
#include "runtime/runtime.h"

#define N       512             /* words in the working array */
#define WINDOW  48              /* elements sorted per round */
#define ROUNDS  390

#define NOINLINE __attribute__((noinline))

static uint32_t words[N];
static uint16_t halves[N];
static uint8_t bytes[N];
static uint32_t histogram[256];

/* Read through a volatile so the compiler cannot fold the run away. */
static volatile uint32_t seed_source = 0x12345678u;

static uint32_t lcg_state;

static NOINLINE uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static NOINLINE uint32_t rotl(uint32_t x, unsigned n)
{
    n &= 31;
    return n ? (x << n) | (x >> (32 - n)) : x;
}

static NOINLINE uint32_t mix(uint32_t acc, uint32_t v)
{
    acc ^= v * 0x9E3779B1u;
    acc = rotl(acc, v & 31);
    return acc * 5u + 0xE6546B64u;
}

static void fill(void)
{
    for (int i = 0; i < N; i++) {
        uint32_t r = lcg_next();
        words[i] = r;
        halves[i] = (uint16_t)(r >> 7);
        bytes[i] = (uint8_t)(r >> 13);
    }
}

/* Calls in a loop: one mix() per element. */
static NOINLINE uint32_t kernel_mix(uint32_t acc)
{
    for (int i = 0; i < N; i++)
        acc = mix(acc, words[i]);
    return acc;
}

/* Unsigned and signed division and remainder, with divisors that vary. */
static NOINLINE uint32_t kernel_divide(uint32_t acc)
{
    for (int i = 0; i < N; i++) {
        uint32_t v = words[i];
        uint32_t ud = (v & 0xFFu) + 1u;
        int32_t sd = (int32_t)(i % 15) - 7;
        if (sd == 0)
            sd = 3;
        uint32_t q = v / ud;
        uint32_t r = v % ud;
        int32_t sq = (int32_t)v / sd;
        int32_t sr = (int32_t)halves[i] % sd;
        acc += q ^ (r << 8);
        acc ^= (uint32_t)sq + (uint32_t)sr;
    }
    return acc;
}

/* Long multiplies: the high halves of 32x32->64 unsigned and signed products. */
static NOINLINE uint32_t kernel_multiply(uint32_t acc)
{
    for (int i = 0; i + 1 < N; i++) {
        uint64_t p = (uint64_t)words[i] * words[i + 1];
        int64_t s = (int64_t)(int32_t)words[i] * (int16_t)halves[i];
        acc += (uint32_t)(p >> 32) ^ (uint32_t)p;
        acc ^= (uint32_t)(s >> 16);
        acc = acc * 3u + (uint32_t)(s >> 40);
    }
    return acc;
}

/* Byte and halfword traffic: a histogram and an in-place halfword update. */
static NOINLINE uint32_t kernel_bytes(uint32_t acc)
{
    for (int i = 0; i < 256; i++)
        histogram[i] = 0;
    for (int i = 0; i < N; i++) {
        histogram[bytes[i]]++;
        bytes[i] = (uint8_t)(bytes[i] * 7u + 1u);
        halves[i] = (uint16_t)(halves[i] + (bytes[i] << 3));
    }
    for (int i = 0; i < 256; i++)
        acc = acc * 31u + histogram[i] * (uint32_t)(i + 1);
    return acc;
}

/* Insertion sort of one window: data-dependent branches and stores. */
static NOINLINE uint32_t kernel_sort(int start)
{
    uint32_t tmp[WINDOW];
    for (int i = 0; i < WINDOW; i++)
        tmp[i] = words[(start + i) % N];
    for (int i = 1; i < WINDOW; i++) {
        uint32_t key = tmp[i];
        int j = i - 1;
        while (j >= 0 && tmp[j] > key) {
            tmp[j + 1] = tmp[j];
            j--;
        }
        tmp[j + 1] = key;
    }
    uint32_t acc = 0;
    for (int i = 0; i < WINDOW; i++)
        acc = acc * 33u + tmp[i];
    return acc;
}

/* Recursion: a binary "tree sum" over a range of the array. */
static NOINLINE uint32_t tree_sum(int lo, int hi)
{
    if (hi - lo <= 4) {
        uint32_t s = 0;
        for (int i = lo; i < hi; i++)
            s += words[i] >> 3;
        return s;
    }
    int mid = (lo + hi) / 2;
    return tree_sum(lo, mid) * 7u + tree_sum(mid, hi);
}

/* Perturb the array so every round sees new data. */
static NOINLINE void stir(uint32_t acc)
{
    for (int i = 0; i < N; i++)
        words[i] ^= lcg_next() + acc;
}

int main(void)
{
    uart_init();
    lcg_state = seed_source;
    fill();

    uint32_t checksum = 0;
    for (int round = 0; round < ROUNDS; round++) {
        checksum = kernel_mix(checksum);
        checksum ^= kernel_divide(checksum);
        checksum += kernel_multiply(checksum);
        checksum ^= kernel_bytes(checksum);
        for (int w = 0; w < 4; w++)
            checksum += kernel_sort(round * 37 + w * 101);
        checksum ^= tree_sum(0, N);
        stir(checksum);
    }

    uart_puts("bench checksum: 0x");
    uart_puthex32(checksum);
    uart_putc('\n');
    return 0;
}
