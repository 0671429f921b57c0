/*
 * A fixed floating-point workload for `pyxen15 bench --fp` (hard-float VFPv4:
 * -mfloat-abi=hard -mfpu=vfpv4).  In the manner of Linpack and Whetstone:
 *
 *  - double precision: LU factorisation with partial pivoting of a small
 *    matrix (DAXPY inner loops, which GCC fuses into VFMA/VFMS), solution
 *    by substitution, and the residual;
 *  - single precision: the same on a float matrix, plus a Whetstone-like
 *    module of square roots, divisions and polynomial steps;
 *  - conversions: int <-> double, float <-> double, unsigned, truncation
 *    and the FPSCR rounding mode (VCVTR), and comparisons in loops (VCMP,
 *    VCMPE with VMRS APSR_nzcv and conditional code).
 *
 * About 27 million instructions, close to the integer bench, so that PyPy
 * figures are compared after the same warm-up.
 *
 * Every result's bit pattern folds into one checksum printed on UART0 as
 * "fpbench checksum: 0x%08x"; the value QEMU prints is kept in
 * guests/fpbench.expected.  Change nothing here without updating that file
 * and the instruction count in guests/qemu-counts.txt from QEMU.
 */
#include "runtime/runtime.h"

#define NOINLINE __attribute__((noinline))
#define N       20              /* matrix order */
#define ROUNDS  256             /* factorisations per precision */
#define WHET    160000          /* Whetstone-like loop iterations */

static double a64[N][N], b64[N], x64[N];
static float a32[N][N], b32[N], x32[N];
static int pivots[N];
static uint32_t checksum;

static volatile uint32_t seed_source = 0x2545F491u;
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

static void fold_double(double d)
{
    union { double d; uint32_t w[2]; } u = { .d = d };
    fold(u.w[0]);
    fold(u.w[1]);
}

static void fold_float(float f)
{
    union { float f; uint32_t w; } u = { .f = f };
    fold(u.w);
}

/* Random entries in [-1, 1): int -> double conversions and a scaling divide. */
static void fill64(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            a64[i][j] = (double)(int32_t)lcg_next() / 2147483648.0;
        a64[i][i] += 4.0;
        b64[i] = (double)(lcg_next() >> 8) / 16777216.0 - 0.5;
    }
}

static void fill32(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            a32[i][j] = (float)(int32_t)lcg_next() * (1.0f / 2147483648.0f);
        a32[i][i] += 4.0f;
        b32[i] = (float)(lcg_next() >> 8) / 16777216.0f - 0.5f;
    }
}

static NOINLINE double dabs(double v)  { return v < 0 ? -v : v; }
static NOINLINE float sabs(float v)    { return v < 0 ? -v : v; }

/* Linpack's DGEFA/DGESL in miniature; returns the residual's 1-norm. */
static NOINLINE double solve64(void)
{
    for (int k = 0; k < N - 1; k++) {
        int p = k;
        double best = dabs(a64[k][k]);
        for (int i = k + 1; i < N; i++) {
            double v = dabs(a64[i][k]);
            if (v > best) {
                best = v;
                p = i;
            }
        }
        pivots[k] = p;
        if (p != k) {
            for (int j = 0; j < N; j++) {
                double t = a64[k][j];
                a64[k][j] = a64[p][j];
                a64[p][j] = t;
            }
            double t = b64[k];
            b64[k] = b64[p];
            b64[p] = t;
        }
        double inv = 1.0 / a64[k][k];
        for (int i = k + 1; i < N; i++) {
            double m = a64[i][k] * inv;
            a64[i][k] = m;
            for (int j = k + 1; j < N; j++)
                a64[i][j] -= m * a64[k][j];
            b64[i] -= m * b64[k];
        }
    }
    for (int i = N - 1; i >= 0; i--) {
        double s = b64[i];
        for (int j = i + 1; j < N; j++)
            s -= a64[i][j] * x64[j];
        x64[i] = s / a64[i][i];
    }
    double norm = 0.0;
    for (int i = 0; i < N; i++)
        norm += dabs(x64[i]);
    return norm;
}

static NOINLINE float solve32(void)
{
    for (int k = 0; k < N - 1; k++) {
        int p = k;
        float best = sabs(a32[k][k]);
        for (int i = k + 1; i < N; i++) {
            float v = sabs(a32[i][k]);
            if (v > best) {
                best = v;
                p = i;
            }
        }
        if (p != k) {
            for (int j = 0; j < N; j++) {
                float t = a32[k][j];
                a32[k][j] = a32[p][j];
                a32[p][j] = t;
            }
            float t = b32[k];
            b32[k] = b32[p];
            b32[p] = t;
        }
        for (int i = k + 1; i < N; i++) {
            float m = a32[i][k] / a32[k][k];
            for (int j = k + 1; j < N; j++)
                a32[i][j] -= m * a32[k][j];
            b32[i] -= m * b32[k];
        }
    }
    for (int i = N - 1; i >= 0; i--) {
        float s = b32[i];
        for (int j = i + 1; j < N; j++)
            s -= a32[i][j] * x32[j];
        x32[i] = s / a32[i][i];
    }
    float norm = 0.0f;
    for (int i = 0; i < N; i++)
        norm += sabs(x32[i]);
    return norm;
}

/* VCVTR: double -> int in the current (round-to-nearest) mode. */
static NOINLINE int32_t round_fpscr(double d)
{
    float s;
    int32_t r;
    __asm__("vcvtr.s32.f64 %0, %P1" : "=t"(s) : "w"(d));
    __asm__("vmov %0, %1" : "=r"(r) : "t"(s));
    return r;
}

/* A Whetstone-like module: square roots, divides, mixed precision, converts. */
static NOINLINE void whetstone(void)
{
    double x = 1.0, y = 1.0, z = 1.0, t = 0.499975;
    float u = 0.75f, v = 1.25f;
    uint32_t counts = 0;
    for (int i = 1; i <= WHET; i++) {
        x = (x + y + z) * t;
        y = (x - y + z) * t;
        z = __builtin_sqrt(x * x + y * y + 1.0) / (1.0 + (double)i);
        u = u * 0.999f + __builtin_sqrtf(v) * 0.001f;
        v = (float)((double)v + z) - (float)(i & 1023) * 1e-7f;   /* stays > 0 */
        int32_t k = (int32_t)(x * 1000.0);          /* VCVT, towards zero */
        uint32_t m = (uint32_t)(u * 65536.0f);
        k += round_fpscr(y * 1e4);
        if ((double)k > x * 999.0)                  /* int -> double, compare */
            counts++;
        if (u >= v)
            counts += 2;
        if (!(z == z))                              /* NaN test: VCMP unordered */
            counts += 4;
        fold((uint32_t)k ^ m);
    }
    fold_double(x);
    fold_double(y);
    fold_double(z);
    fold_float(u);
    fold_float(v);
    fold(counts);
}

static NOINLINE void run(void)
{
    lcg_state = seed_source;
    for (int r = 0; r < ROUNDS; r++) {
        fill64();
        double n64 = solve64();
        fold_double(n64);
        for (int i = 0; i < N; i++) {
            fold_double(x64[i]);
            fold((uint32_t)pivots[i]);
        }
        fill32();
        float n32 = solve32();
        fold_float(n32);
        for (int i = 0; i < N; i++)
            fold_float(x32[i] + (float)x64[i]);     /* float <-> double */
    }
    whetstone();
    /* The cumulative flags too: IOC set would mean a NaN crept into a loop. */
    uint32_t fpscr;
    __asm__ volatile("vmrs %0, fpscr" : "=r"(fpscr));
    fold(fpscr);
}

/* VFP is off out of reset: CPACR grants CP10/CP11, then FPEXC.EN (B4.1.40,
   B6.1.6).  No floating-point code may run before this. */
static void vfp_enable(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(v));
    v |= 0xF << 20;
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(v));
    __asm__ volatile("vmsr fpexc, %0" : : "r"(1u << 30));
}

int main(void)
{
    vfp_enable();
    uart_init();
    run();
    uart_puts("fpbench checksum: 0x");
    uart_puthex32(checksum);
    uart_puts("\n");
    return 0;
}
