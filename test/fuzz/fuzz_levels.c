/*
 * fuzz_levels.c -- differential libFuzzer target for level decoding (src/parquet/rle.c): the
 * RLE/bit-packed hybrid (Encodings.md "Run Length Encoding / Bit-Packing Hybrid") through
 * pq_rle_get / pq_rle_get_levels / pq_rle_skip with random bit widths and random batch sizes,
 * and the legacy MSB-first BIT_PACKED level encoding, each compared value by value with a slow,
 * obviously-correct reference decoder written here from the spec.
 *
 * The reference follows the rules rle.c documents (they are the ones real writers need): run
 * header varints of at most 5 bytes and at most 2^32-1; zero-length runs are corrupt; an RLE
 * value is ceil(w/8) little-endian bytes and must be < 2^w; a final bit-packed run whose padding
 * was cut off is accepted as long as the requested values are present; the next run header is
 * read only when more values are needed. The library must succeed exactly when the reference
 * does, produce the same values, and keep its cursor inside the buffer.
 *
 * Input: [width][count lo][count hi][seed][mode] + payload.
 *   mode % 4 == 0  pq_rle_get (width 0..33, 33 invalid) with batches/skips drawn from seed
 *   mode % 4 == 1  pq_rle_get_levels (width 0..17; > 16 must be rejected)
 *   mode % 4 == 2  pq_bit_packed_legacy_decode (width 0..17)
 *   mode % 4 == 3  round trip: payload bytes masked to width bits, pq_rle_encode, decode both ways
 */
#include "parquet/encoding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_if(int cond, const char *what)
{
    if (cond) {
        fprintf(stderr, "fuzz_levels: %s\n", what);
        abort();
    }
}

/* ---- reference decoders (bit by bit; no shortcuts) ---- */
static uint32_t get_bits_lsb(const uint8_t *p, uint64_t bit, int w)
{
    uint32_t v = 0;
    for (int k = 0; k < w; k++) {
        uint64_t b = bit + (uint64_t)k;
        v |= (uint32_t)((p[b / 8] >> (b % 8)) & 1) << k;
    }
    return v;
}

/* true iff `count` values decode; out[] filled. */
static bool ref_rle(const uint8_t *p, size_t n, int w, uint32_t *out, uint32_t count)
{
    if (count == 0)
        return true; /* the harness makes no call at all */
    if (w < 0 || w > 32)
        return false;
    size_t pos = 0;
    uint32_t i = 0;
    while (i < count) {
        if (pos >= n)
            return false;
        uint64_t h = 0;
        int len = 0;
        for (;;) {
            if (pos >= n || len == 5)
                return false;
            uint8_t b = p[pos++];
            h |= (uint64_t)(b & 0x7f) << (7 * len);
            len++;
            if (!(b & 0x80))
                break;
        }
        if (h > UINT32_MAX)
            return false;
        if (h & 1) {
            uint64_t groups = h >> 1;
            if (groups == 0 || groups > (uint64_t)INT32_MAX / 8)
                return false;
            uint64_t values = groups * 8;
            if (w > 0) {
                uint64_t have = (uint64_t)(n - pos) * 8 / (uint64_t)w;
                if (have < values)
                    values = have;
                if (values == 0)
                    return false;
            }
            for (uint64_t j = 0; j < values && i < count; j++)
                out[i++] = get_bits_lsb(p + pos, j * (uint64_t)w, w);
            uint64_t bytes = groups * (uint64_t)w;
            pos = bytes > n - pos ? n : pos + (size_t)bytes;
        } else {
            uint64_t c = h >> 1;
            if (c == 0)
                return false;
            size_t nb = ((size_t)w + 7) / 8;
            if (n - pos < nb)
                return false;
            uint64_t v = 0;
            for (size_t k = 0; k < nb; k++)
                v |= (uint64_t)p[pos + k] << (8 * k);
            if (w < 32 && (v >> w) != 0)
                return false;
            pos += nb;
            for (uint64_t j = 0; j < c && i < count; j++)
                out[i++] = (uint32_t)v;
        }
    }
    return true;
}

static bool ref_legacy(const uint8_t *p, size_t n, int w, uint16_t *out, uint32_t count)
{
    if (w < 0 || w > 16)
        return false;
    if (((uint64_t)count * (uint64_t)w + 7) / 8 > n)
        return false;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t v = 0;
        for (int k = 0; k < w; k++) {
            uint64_t b = (uint64_t)i * (uint64_t)w + (uint64_t)k;
            v = v << 1 | ((p[b / 8] >> (7 - b % 8)) & 1);
        }
        out[i] = (uint16_t)v;
    }
    return true;
}

/* ---- library under test, in batches ---- */
static uint32_t rng_next(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

/* Decode `count` values in random batches; skipped ranges are marked in `skipped`. */
static bool lib_rle(const uint8_t *p, size_t n, int w, uint32_t count, uint32_t seed, bool levels, uint32_t *out,
                    uint8_t *skipped)
{
    pq_rle_decoder d;
    tn_err err = TN_ERR_INIT;
    pq_rle_init(&d, p, n, w);
    uint16_t *lv = levels ? malloc((size_t)count * sizeof *lv + 2) : NULL;
    uint32_t pos = 0;
    int rc = TN_OK;
    while (pos < count && rc == TN_OK) {
        uint32_t r = rng_next(&seed);
        uint32_t k = (r % 4 == 0) ? 1 + r % 7 : (r % 4 == 1) ? 8 * (1 + r % 5) : 1 + r % 300;
        if (k > count - pos)
            k = count - pos;
        bool skip = (r >> 8) % 5 == 0 && !(levels && w > 16); /* skip has no level-width limit */
        if (skip) {
            rc = pq_rle_skip(&d, k, &err);
            memset(skipped + pos, 1, k);
        } else if (levels) {
            rc = pq_rle_get_levels(&d, lv + pos, k, &err);
            for (uint32_t j = 0; rc == TN_OK && j < k; j++)
                out[pos + j] = lv[pos + j];
        } else {
            rc = pq_rle_get(&d, out + pos, k, &err);
        }
        die_if(d.p < d.start || d.p > d.end, "decoder cursor left the buffer");
        pos += k;
    }
    free(lv);
    die_if(rc != TN_OK && rc != TN_CORRUPT, "unexpected result code");
    die_if(rc != TN_OK && err.msg[0] == 0, "error without a message");
    return rc == TN_OK;
}

static void diff_rle(const uint8_t *p, size_t n, int w, uint32_t count, uint32_t seed, bool levels)
{
    uint32_t *want = malloc((size_t)count * sizeof *want + 4);
    uint32_t *got = malloc((size_t)count * sizeof *got + 4);
    uint8_t *skipped = calloc((size_t)count + 1, 1);
    bool ok_ref = ref_rle(p, n, w, want, count) && !(count && levels && w > 16);
    bool ok_lib = lib_rle(p, n, w, count, seed, levels, got, skipped);
    if (ok_ref != ok_lib)
        fprintf(stderr, "width %d count %u: reference %s, library %s\n", w, count, ok_ref ? "ok" : "fails",
                ok_lib ? "ok" : "fails");
    die_if(ok_ref != ok_lib, "library and reference disagree on validity");
    if (ok_ref)
        for (uint32_t i = 0; i < count; i++)
            if (!skipped[i] && got[i] != want[i]) {
                fprintf(stderr, "width %d value %u: library %u, reference %u\n", w, i, got[i], want[i]);
                die_if(1, "library and reference decode different values");
            }
    free(want);
    free(got);
    free(skipped);
}

static void diff_legacy(const uint8_t *p, size_t n, int w, uint32_t count)
{
    tn_err err = TN_ERR_INIT;
    uint16_t *want = malloc((size_t)count * 2 + 2), *got = malloc((size_t)count * 2 + 2);
    bool ok_ref = ref_legacy(p, n, w, want, count);
    int rc = pq_bit_packed_legacy_decode(p, n, w, got, count, &err);
    die_if(rc != TN_OK && rc != TN_CORRUPT, "legacy: unexpected result code");
    die_if(ok_ref != (rc == TN_OK), "legacy: library and reference disagree on validity");
    if (ok_ref)
        die_if(count && memcmp(want, got, (size_t)count * 2) != 0, "legacy: different values");
    free(want);
    free(got);
}

static void round_trip(const uint8_t *p, size_t n, int w, uint32_t seed)
{
    uint32_t count = (uint32_t)n;
    uint32_t *vals = malloc((size_t)count * 4 + 4);
    uint32_t mask = w >= 32 ? UINT32_MAX : ((1u << w) - 1);
    /* bytes with runs: byte b repeated (b & 15) + 1 times, so both RLE and bit-packed runs appear */
    uint32_t k = 0;
    for (size_t i = 0; i < n && k < count; i++)
        for (uint32_t r = 0; r <= (p[i] & 15u) && k < count; r++)
            vals[k++] = ((uint32_t)p[i] * 2654435761u >> 3) & mask;
    count = k;
    pq_bytes enc = {0};
    die_if(pq_rle_encode(vals, count, w, &enc) != TN_OK, "pq_rle_encode failed");
    uint32_t *back = malloc((size_t)count * 4 + 4);
    /* an empty encoding has data == NULL; pq_rle_init(NULL, 0) is NULL + 0 (finding levels-01) */
    const uint8_t *ed = enc.data ? enc.data : (const uint8_t *)"";
    die_if(!ref_rle(ed, enc.len, w, back, count), "reference cannot decode the encoder's output");
    die_if(count && memcmp(back, vals, (size_t)count * 4) != 0, "encoder output decodes (reference) to other values");
    uint8_t *skipped = calloc((size_t)count + 1, 1);
    die_if(!lib_rle(ed, enc.len, w, count, seed, false, back, skipped), "library cannot decode the encoder's output");
    for (uint32_t i = 0; i < count; i++)
        die_if(!skipped[i] && back[i] != vals[i], "round trip changed a value");
    free(skipped);
    free(back);
    free(vals);
    pq_bytes_free(&enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    uint8_t w = data[0], mode = data[4];
    uint32_t count = (uint32_t)data[1] | (uint32_t)data[2] << 8;
    uint32_t seed = data[3];
    size_t n = size - 5;
    /* exact-size copy so ASan catches reads past the payload */
    uint8_t *p = malloc(n ? n : 1);
    memcpy(p, data + 5, n);
    switch (mode % 4) {
    case 0: diff_rle(p, n, w % 34, count, seed, false); break;
    case 1: diff_rle(p, n, w % 18, count, seed, true); break;
    case 2: diff_legacy(p, n, w % 18, count); break;
    default: round_trip(p, n, w % 33, seed); break;
    }
    free(p);
    return 0;
}
