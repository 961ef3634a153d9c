/*
 * The known-answer vectors of stream version 2 (golden/kat-v2.json, docs/STREAM.md section
 * 13) checked through the C ABI: every labelled element and every run of the three
 * samplers, the fold_in chains of the key cases (fold_in_name through its FNV-1a hash), and
 * the fans, factors' effect and first values of the Keras presets.
 *
 * Usage: kat path/to/kat-v2.json. The file has one case per line; this reads the few
 * fields it needs from each line (no JSON library). Prints one line per failure and a last
 * line "kat.c: N passed, M failed"; exits non-zero on any failure or if a section is
 * missing. Built and run on the host by ci/c-abi.sh.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glorot.h"

static unsigned passed, failed;

static void check(int ok, const char *what, unsigned long lineno) {
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL line %lu: %s\n", lineno, what);
    }
}

/* The hex number after `"key": "0x` on the line; `*found` says whether the key is there. */
static uint64_t hex_field(const char *line, const char *key, int *found) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"0x", key);
    const char *p = strstr(line, pat);
    *found = p != NULL;
    return p ? strtoull(p + strlen(pat), NULL, 16) : 0;
}

/* The unsigned decimal after `"key": ` on the line. */
static uint64_t int_field(const char *line, const char *key, int *found) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(line, pat);
    *found = p != NULL;
    return p ? strtoull(p + strlen(pat), NULL, 10) : 0;
}

/* The hex strings of the list after `"key": [`, at most `max`; returns how many. */
static size_t hex_list(const char *line, const char *key, uint64_t *out, size_t max) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": [", key);
    const char *p = strstr(line, pat);
    size_t n = 0;
    if (!p) return 0;
    p += strlen(pat);
    while (*p && *p != ']' && n < max) {
        const char *q = strstr(p, "\"0x");
        if (!q) break;
        out[n++] = strtoull(q + 3, (char **)&p, 16);
        p++; /* the closing quote */
        while (*p == ',' || *p == ' ') p++;
    }
    return n;
}

/* The sampler named on the line, or NULL. */
typedef int (*fill_fn)(uint64_t, uint64_t, uint64_t, float *, size_t);
static fill_fn sampler(const char *line) {
    if (strstr(line, "\"sampler\": \"normal\"")) return glorot_normal;
    if (strstr(line, "\"sampler\": \"truncated_normal\"")) return glorot_truncated_normal;
    if (strstr(line, "\"sampler\": \"uniform\"")) return glorot_uniform;
    return NULL;
}

static uint32_t bits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

typedef int (*init_fn)(uint64_t, uint64_t, uint64_t, float *, size_t, uint64_t, uint64_t);

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s kat-v2.json\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static char line[1 << 16];
    enum { NONE, KEYS, ELEMENTS, RUNS, INITS } section = NONE;
    unsigned long lineno = 0, counts[5] = {0};
    int ok;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (strncmp(line, "\"keys\"", 6) == 0) section = KEYS;
        else if (strncmp(line, "\"elements\"", 10) == 0) section = ELEMENTS;
        else if (strncmp(line, "\"runs\"", 6) == 0) section = RUNS;
        else if (strncmp(line, "\"initializers\"", 14) == 0) section = INITS;
        else if (line[0] == '"') section = NONE; /* constants, tables, libm: not read here */
        if (line[0] != '{' || section == NONE) continue;
        counts[section]++;
        if (section == KEYS) {
            /* Each op's resulting stream, by glorot_fold_in (fold_in_name = fold_in of the
             * name's FNV-1a hash, which the line gives). */
            uint64_t stream = hex_field(line, "stream", &ok);
            const char *p = strstr(line, "\"ops\": [");
            const char *end = strstr(line, "\"key_stream\"");
            while (p && (p = strstr(p, "{\"op\": \"")) && p < end) {
                int named = strncmp(p + 8, "fold_in_name", 12) == 0;
                uint64_t data = hex_field(p, named ? "fnv1a64" : "data", &ok);
                const char *s = strstr(p, "\"stream\": \"0x");
                stream = glorot_fold_in(stream, data);
                check(s && strtoull(s + 13, NULL, 16) == stream, "fold_in", lineno);
                p++;
            }
            check(hex_field(line, "key_stream", &ok) == stream && ok, "key_stream", lineno);
        } else if (section == ELEMENTS || section == RUNS) {
            fill_fn fill = sampler(line);
            uint64_t seed = hex_field(line, "seed", &ok);
            uint64_t stream = hex_field(line, "stream", &ok);
            uint64_t offset = hex_field(line, section == ELEMENTS ? "element" : "offset", &ok);
            uint64_t want[64];
            size_t n;
            if (section == ELEMENTS) {
                want[0] = hex_field(line, "value", &ok);
                n = ok ? 1 : 0;
            } else {
                n = hex_list(line, "values", want, 64);
            }
            float out[64];
            check(fill != NULL && n > 0 && fill(seed, stream, offset, out, n) == GLOROT_OK, "fill", lineno);
            for (size_t i = 0; fill && i < n; i++) {
                char what[96];
                snprintf(what, sizeof what, "value %zu: 0x%08" PRIx32 ", want 0x%08" PRIx64, i, bits(out[i]), want[i]);
                check(bits(out[i]) == want[i], what, lineno);
            }
        } else if (section == INITS) {
            static const struct { const char *name; init_fn fn; } presets[] = {
                {"\"GlorotNormal\"", glorot_init_glorot_normal},
                {"\"GlorotUniform\"", glorot_init_glorot_uniform},
                {"\"HeNormal\"", glorot_init_he_normal},
                {"\"HeUniform\"", glorot_init_he_uniform},
                {"\"LecunNormal\"", glorot_init_lecun_normal},
                {"\"LecunUniform\"", glorot_init_lecun_uniform},
            };
            init_fn fn = NULL;
            for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
                if (strstr(line, presets[i].name)) fn = presets[i].fn;
            }
            if (!fn) { counts[section]--; continue; }
            /* The fans of the shape, by glorot_fans. */
            size_t shape[8], rank = 0;
            const char *p = strstr(line, "\"shape\": [") + 10;
            while (*p != ']' && rank < 8) {
                shape[rank++] = (size_t)strtoull(p, (char **)&p, 10);
                while (*p == ',' || *p == ' ') p++;
            }
            uint64_t fi = int_field(line, "fan_in", &ok), fo = int_field(line, "fan_out", &ok), gi = 0, go = 0;
            check(glorot_fans(shape, rank, GLOROT_LAYOUT_KERAS, &gi, &go) == GLOROT_OK && gi == fi && go == fo, "fans", lineno);
            uint64_t want[8];
            float out[8];
            check(hex_list(line, "first8", want, 8) == 8 && fn(42, 0, 0, out, 8, fi, fo) == GLOROT_OK, "init", lineno);
            for (size_t i = 0; i < 8; i++) check(bits(out[i]) == want[i], "initializer value", lineno);
        }
    }
    fclose(f);
    check(counts[KEYS] >= 5 && counts[ELEMENTS] >= 500 && counts[RUNS] >= 18 && counts[INITS] >= 6,
          "every section present", lineno);
    printf("kat.c: %u passed, %u failed\n", passed, failed);
    return failed != 0;
}
