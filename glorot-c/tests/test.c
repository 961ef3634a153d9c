/*
 * The C ABI tested from C: golden vectors (first 16 values' bits and the FNV-1a hash of
 * the first 1M values, filled block by block), split invariance, the initializers' formulas
 * recomputed here in C, and every error code (with the output left untouched).
 *
 * Built by ci/c-abi.sh twice: with the host gcc against the host staticlib, and with
 * arm-none-eabi-gcc against the thumbv7em-none-eabihf staticlib, run in QEMU (mps2-an386)
 * over semihosting. Compile with -ffp-contract=off: the expected values below are plain
 * float multiplies and adds, which the library never fuses.
 *
 * Prints one line per failure and a last line "test.c: N passed, M failed"; exits
 * non-zero on any failure.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "glorot.h"
#include "golden.h"

static unsigned passed, failed;

static void check(int ok, const char *what, unsigned long long a, unsigned long long b) {
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s (got 0x%llx, want 0x%llx)\n", what, a, b);
    }
}

#define CHECK_EQ(what, got, want) \
    check((unsigned long long)(got) == (unsigned long long)(want), what, \
          (unsigned long long)(got), (unsigned long long)(want))

static uint32_t bits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static uint64_t fnv1a_update(uint64_t h, const float *xs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint32_t b = bits(xs[i]);
        for (int j = 0; j < 4; j++) { /* little-endian bytes of the bits, as golden/v2.rs */
            h = (h ^ ((b >> (8 * j)) & 0xffu)) * 0x00000100000001b3ull;
        }
    }
    return h;
}

typedef int (*fill_fn)(uint64_t, uint64_t, uint64_t, float *, size_t);

static fill_fn sampler(enum golden_sampler s) {
    switch (s) {
    case GOLDEN_NORMAL: return glorot_normal;
    case GOLDEN_TRUNCATED_NORMAL: return glorot_truncated_normal;
    default: return glorot_uniform;
    }
}

/* Deliberately not a multiple of the library's 1024-value chunk. */
#define BLOCK 250
static float block[BLOCK];

static void golden_vectors(void) {
    char what[96];
    for (size_t g = 0; g < GOLDEN_COUNT; g++) {
        const struct golden *e = &GOLDEN[g];
        fill_fn f = sampler(e->sampler);
        float v[16];
        snprintf(what, sizeof what, "golden %u: first16 rc", (unsigned)g);
        CHECK_EQ(what, f(e->seed, e->stream, 0, v, 16), GLOROT_OK);
        for (int i = 0; i < 16; i++) {
            snprintf(what, sizeof what, "golden %u: value %d", (unsigned)g, i);
            CHECK_EQ(what, bits(v[i]), e->first16[i]);
        }
        /* Values 5..15 on their own: position addressing. */
        CHECK_EQ("golden: inner offset rc", f(e->seed, e->stream, 5, v, 11), GLOROT_OK);
        for (int i = 0; i < 11; i++) {
            snprintf(what, sizeof what, "golden %u: value %d from offset 5", (unsigned)g, i + 5);
            CHECK_EQ(what, bits(v[i]), e->first16[i + 5]);
        }
        uint64_t h = GOLDEN_FNV_OFFSET;
        int rc = GLOROT_OK;
        for (uint64_t off = 0; off < GOLDEN_HASH_LEN; off += BLOCK) {
            rc |= f(e->seed, e->stream, off, block, BLOCK);
            h = fnv1a_update(h, block, BLOCK);
        }
        snprintf(what, sizeof what, "golden %u: fnv1a of the first %u", (unsigned)g,
                 (unsigned)GOLDEN_HASH_LEN);
        CHECK_EQ(what, rc, GLOROT_OK);
        CHECK_EQ(what, h, e->hash_1m);
    }
    CHECK_EQ("glorot_fold_in(0, 2) = Key::new(1).fold_in(2).stream()", glorot_fold_in(0, 2),
             GOLDEN_FOLD_IN_1_2);
}

#define N 3000
static float whole[N], parts[N], base[N];

static void split_invariance(void) {
    CHECK_EQ("split: whole", glorot_truncated_normal(9, 1, 777, whole, N), GLOROT_OK);
    /* Back to front, cut inside chunks and inside 8-value vectors. */
    CHECK_EQ("split: part 3", glorot_truncated_normal(9, 1, 777 + 2049, parts + 2049, N - 2049), 0);
    CHECK_EQ("split: part 2", glorot_truncated_normal(9, 1, 777 + 13, parts + 13, 2036), 0);
    CHECK_EQ("split: part 1", glorot_truncated_normal(9, 1, 777, parts, 13), 0);
    int same = 1;
    for (int i = 0; i < N; i++) same &= bits(whole[i]) == bits(parts[i]);
    CHECK_EQ("split: pieces give the bits of one call", same, 1);
}

/* out[i] == sampler value * s (+ m), each a separate float operation. */
static int scaled(const float *out, const float *z, size_t n, float s, float m, int add) {
    for (size_t i = 0; i < n; i++) {
        float v = z[i] * s;
        if (add) v = v + m;
        if (bits(out[i]) != bits(v)) return 0;
    }
    return 1;
}

static void initializers(void) {
    const uint64_t fin = 100, fout = 64, seed = 42, stream = 3, off = 1000;
    float *out = whole, *z = base;

    /* Keras GlorotNormal: scale 1 / max(1, (fin + fout) / 2), truncated normal,
     * stddev = sqrt(scale) / 0.87962566103423978. */
    CHECK_EQ("GlorotNormal rc", glorot_init_glorot_normal(seed, stream, off, out, N, fin, fout), 0);
    glorot_truncated_normal(seed, stream, off, z, N);
    float s = (float)(sqrt(1.0 / ((double)(fin + fout) / 2.0)) / 0.87962566103423978);
    CHECK_EQ("GlorotNormal = truncated_normal * stddev", scaled(out, z, N, s, 0, 0), 1);
    float lim = 2.0f * s, maxabs = 0;
    for (int i = 0; i < N; i++) maxabs = fabsf(out[i]) > maxabs ? fabsf(out[i]) : maxabs;
    CHECK_EQ("GlorotNormal within +-2 stddev", maxabs <= lim, 1);

    /* Keras HeUniform: limit = sqrt(3 * (2 / fan_in)). */
    CHECK_EQ("HeUniform rc", glorot_init_he_uniform(seed, stream, off, out, N, fin, fout), 0);
    glorot_uniform(seed, stream, off, z, N);
    s = (float)sqrt(3.0 * (2.0 / (double)fin));
    CHECK_EQ("HeUniform = uniform * limit", scaled(out, z, N, s, 0, 0), 1);

    /* VarianceScaling(2, fan_out, untruncated normal): stddev = sqrt(2 / fan_out). */
    CHECK_EQ("VarianceScaling rc",
             glorot_init_variance_scaling(seed, stream, off, out, N, fin, fout, 2.0,
                                          GLOROT_FAN_OUT, GLOROT_DIST_UNTRUNCATED_NORMAL), 0);
    glorot_normal(seed, stream, off, z, N);
    s = (float)sqrt(2.0 / (double)fout);
    CHECK_EQ("VarianceScaling = normal * stddev", scaled(out, z, N, s, 0, 0), 1);

    /* PyTorch xavier_normal_(gain 5/3): untruncated, std = gain * sqrt(2 / (fin + fout)). */
    CHECK_EQ("XavierNormal rc",
             glorot_init_xavier_normal(seed, stream, off, out, N, fin, fout, 5.0 / 3.0), 0);
    s = (float)(5.0 / 3.0 * sqrt(2.0 / (double)(fin + fout)));
    CHECK_EQ("XavierNormal = normal * std", scaled(out, z, N, s, 0, 0), 1);

    /* Keras RandomNormal(0.5, 2): z * 2 + 0.5. */
    CHECK_EQ("RandomNormal rc", glorot_init_random_normal(seed, stream, off, out, N, 0.5f, 2.0f), 0);
    CHECK_EQ("RandomNormal = normal * 2 + 0.5", scaled(out, z, N, 2.0f, 0.5f, 1), 1);

    double g = 0;
    CHECK_EQ("calculate_gain relu rc", glorot_calculate_gain(GLOROT_NONLINEARITY_RELU, 0, &g), 0);
    CHECK_EQ("calculate_gain relu = sqrt(2)", g == sqrt(2.0), 1);

    uint64_t fi = 0, fo = 0;
    size_t hwio[4] = {3, 3, 16, 32}, oihw[4] = {32, 16, 3, 3};
    CHECK_EQ("fans Keras rc", glorot_fans(hwio, 4, GLOROT_LAYOUT_KERAS, &fi, &fo), 0);
    CHECK_EQ("fans Keras HWIO fan_in", fi, 144);
    CHECK_EQ("fans Keras HWIO fan_out", fo, 288);
    fi = fo = 0;
    CHECK_EQ("fans Torch rc", glorot_fans(oihw, 4, GLOROT_LAYOUT_TORCH, &fi, &fo), 0);
    CHECK_EQ("fans Torch OIHW fan_in", fi, 144);
    CHECK_EQ("fans Torch OIHW fan_out", fo, 288);
}

#define SENTINEL 7.0f

static int untouched(const float *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (bits(v[i]) != bits(SENTINEL)) return 0;
    return 1;
}

static void expect_err(const char *what, int rc, int want, const float *v, size_t n) {
    CHECK_EQ(what, rc, want);
    char w[96];
    snprintf(w, sizeof w, "%s: output untouched", what);
    CHECK_EQ(w, untouched(v, n), 1);
}

static void errors(void) {
    float v[16];
    size_t n = 16;
    for (size_t i = 0; i < n; i++) v[i] = SENTINEL;

    CHECK_EQ("NULL out, len 0", glorot_normal(1, 0, 0, NULL, 0), GLOROT_OK);
    CHECK_EQ("NULL out, len 5", glorot_normal(1, 0, 0, NULL, 5), GLOROT_ERR_NULL_POINTER);
    CHECK_EQ("NULL out, initializer",
             glorot_init_glorot_normal(1, 0, 0, NULL, 5, 10, 10), GLOROT_ERR_NULL_POINTER);
    expect_err("misaligned out",
               glorot_uniform(1, 0, 0, (float *)((char *)v + 1), 4), GLOROT_ERR_INVALID_ARGUMENT,
               v, n);
    expect_err("offset + len overflows",
               glorot_truncated_normal(1, 0, UINT64_MAX - 3, v, n), GLOROT_ERR_RANGE_OVERFLOW,
               v, n);
    expect_err("initializer range overflow",
               glorot_init_he_normal(1, 0, UINT64_MAX, v, n, 10, 10), GLOROT_ERR_RANGE_OVERFLOW,
               v, n);
    expect_err("scale 0",
               glorot_init_variance_scaling(1, 0, 0, v, n, 10, 10, 0.0, GLOROT_FAN_IN,
                                            GLOROT_DIST_UNIFORM), GLOROT_ERR_INVALID_SCALE, v, n);
    expect_err("unknown fan mode",
               glorot_init_variance_scaling(1, 0, 0, v, n, 10, 10, 1.0, 4, GLOROT_DIST_UNIFORM),
               GLOROT_ERR_INVALID_ARGUMENT, v, n);
    expect_err("unknown distribution",
               glorot_init_variance_scaling(1, 0, 0, v, n, 10, 10, 1.0, GLOROT_FAN_IN, -1),
               GLOROT_ERR_INVALID_ARGUMENT, v, n);
    expect_err("gain -1", glorot_init_xavier_normal(1, 0, 0, v, n, 10, 10, -1.0),
               GLOROT_ERR_INVALID_PARAMETER, v, n);
    expect_err("minval >= maxval", glorot_init_random_uniform(1, 0, 0, v, n, 1.0f, 1.0f),
               GLOROT_ERR_INVALID_PARAMETER, v, n);
    expect_err("Kaiming fan_avg",
               glorot_init_kaiming_normal(1, 0, 0, v, n, 10, 10, GLOROT_FAN_AVG, 1.0),
               GLOROT_ERR_INVALID_PARAMETER, v, n);
    expect_err("unknown Kaiming mode",
               glorot_init_kaiming_uniform(1, 0, 0, v, n, 10, 10, 7, 1.0),
               GLOROT_ERR_INVALID_ARGUMENT, v, n);
    double g = 0;
    CHECK_EQ("unknown nonlinearity", glorot_calculate_gain(99, 0, &g), GLOROT_ERR_INVALID_ARGUMENT);
    CHECK_EQ("leaky_relu slope NaN", glorot_calculate_gain(GLOROT_NONLINEARITY_LEAKY_RELU, NAN, &g),
             GLOROT_ERR_INVALID_PARAMETER);
    expect_err("xavier zero fans", glorot_init_xavier_uniform(1, 0, 0, v, n, 0, 0, 1.0),
               GLOROT_ERR_ZERO_FAN, v, n);
    expect_err("stddev 1e38", glorot_init_random_normal(1, 0, 0, v, n, 0.0f, 1e38f),
               GLOROT_ERR_SCALE_OUT_OF_RANGE, v, n);
    CHECK_EQ("Kaiming zero fan, len 0 (PyTorch: no-op)",
             glorot_init_kaiming_normal(1, 0, 0, NULL, 0, 0, 0, GLOROT_FAN_IN, 1.0), GLOROT_OK);

    uint64_t fi = 11, fo = 22;
    size_t one[1] = {7}, huge[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    CHECK_EQ("fans: Torch rank 1", glorot_fans(one, 1, GLOROT_LAYOUT_TORCH, &fi, &fo),
             GLOROT_ERR_RANK_TOO_SMALL);
    CHECK_EQ("fans: overflow", glorot_fans(huge, 3, GLOROT_LAYOUT_KERAS, &fi, &fo),
             GLOROT_ERR_SHAPE_OVERFLOW);
    CHECK_EQ("fans: unknown layout", glorot_fans(one, 1, 2, &fi, &fo), GLOROT_ERR_INVALID_ARGUMENT);
    CHECK_EQ("fans: NULL shape", glorot_fans(NULL, 2, GLOROT_LAYOUT_KERAS, &fi, &fo),
             GLOROT_ERR_NULL_POINTER);
    CHECK_EQ("fans: NULL fan_out", glorot_fans(one, 1, GLOROT_LAYOUT_KERAS, &fi, NULL),
             GLOROT_ERR_NULL_POINTER);
    CHECK_EQ("fans: errors leave fan_in", fi, 11);
    CHECK_EQ("fans: errors leave fan_out", fo, 22);
    CHECK_EQ("calculate_gain: NULL", glorot_calculate_gain(GLOROT_NONLINEARITY_TANH, 0, NULL),
             GLOROT_ERR_NULL_POINTER);
    CHECK_EQ("strerror(ok)", strcmp(glorot_strerror(GLOROT_OK), "ok"), 0);
    CHECK_EQ("strerror(unknown)", strcmp(glorot_strerror(12345), "unknown error code"), 0);
}

/* The seeded dense layer: y = x^T W over the kernel glorot_init_variance_scaling fills,
 * recomputed here as a plain matvec (rows in order, multiply then add), for several scratch
 * sizes; then its error codes, with y left untouched. */
#define SD_IN 23
#define SD_OUT 97
static float sd_w[SD_IN * SD_OUT], sd_scratch[2048];

static void seeded_dense(void) {
    float x[SD_IN], want[SD_OUT], y[SD_OUT];
    for (int i = 0; i < SD_IN; i++) x[i] = (float)(i % 7) * 0.25f - 0.75f;
    CHECK_EQ("seeded: kernel rc",
             glorot_init_variance_scaling(3, 4, 0, sd_w, SD_IN * SD_OUT, SD_IN, SD_OUT, 1.0,
                                          GLOROT_FAN_AVG, GLOROT_DIST_TRUNCATED_NORMAL), 0);
    for (int o = 0; o < SD_OUT; o++) {
        float acc = 0.0f;
        for (int i = 0; i < SD_IN; i++) acc += x[i] * sd_w[i * SD_OUT + o];
        want[o] = acc;
    }
    const size_t sizes[] = {1, 5, SD_OUT, 1000, 1024, 2048};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        memset(y, 0xff, sizeof y);
        CHECK_EQ("seeded: forward rc",
                 glorot_seeded_dense_forward(3, 4, 1.0, GLOROT_FAN_AVG, GLOROT_DIST_TRUNCATED_NORMAL,
                                             x, SD_IN, y, SD_OUT, sd_scratch, sizes[k]), 0);
        int same = 1;
        for (int o = 0; o < SD_OUT; o++) same &= bits(y[o]) == bits(want[o]);
        CHECK_EQ("seeded: forward = matvec over the stored kernel, bit for bit", same, 1);
    }
    memset(y, 0xff, sizeof y);
    CHECK_EQ("seeded: empty scratch",
             glorot_seeded_dense_forward(3, 4, 1.0, GLOROT_FAN_AVG, GLOROT_DIST_TRUNCATED_NORMAL,
                                         x, SD_IN, y, SD_OUT, sd_scratch, 0),
             GLOROT_ERR_EMPTY_SCRATCH);
    CHECK_EQ("seeded: NULL x",
             glorot_seeded_dense_forward(3, 4, 1.0, GLOROT_FAN_AVG, GLOROT_DIST_TRUNCATED_NORMAL,
                                         NULL, SD_IN, y, SD_OUT, sd_scratch, 64),
             GLOROT_ERR_NULL_POINTER);
    CHECK_EQ("seeded: bad scale",
             glorot_seeded_dense_forward(3, 4, -1.0, GLOROT_FAN_AVG, GLOROT_DIST_TRUNCATED_NORMAL,
                                         x, SD_IN, y, SD_OUT, sd_scratch, 64),
             GLOROT_ERR_INVALID_SCALE);
    CHECK_EQ("seeded: overlapping y and scratch",
             glorot_seeded_dense_forward(3, 4, 1.0, GLOROT_FAN_AVG, GLOROT_DIST_TRUNCATED_NORMAL,
                                         x, SD_IN, y, SD_OUT, y + 1, 8),
             GLOROT_ERR_INVALID_ARGUMENT);
    int untouched = 1;
    for (int o = 0; o < SD_OUT; o++) untouched &= bits(y[o]) == 0xffffffffu;
    CHECK_EQ("seeded: errors leave y untouched", untouched, 1);
}

int main(void) {
    golden_vectors();
    split_invariance();
    initializers();
    errors();
    seeded_dense();
    printf("test.c: %u passed, %u failed\n", passed, failed);
    return failed != 0;
}
