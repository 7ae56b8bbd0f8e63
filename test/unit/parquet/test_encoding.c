/*
 * test_encoding.c -- Parquet value/level encodings (src/parquet/rle.c, delta.c, bss.c, bytes.c):
 * byte vectors written by hand from the rules in Encodings.md, encode->decode round trips over
 * many widths with a fixed-seed PRNG (checked against slow reference implementations kept in this
 * file), and hostile inputs that must fail with TN_CORRUPT and a message naming the encoding and
 * a byte offset.
 */
#include "tn_test.h"
#include "parquet/encoding.h"

/* ---- helpers ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint64_t mask_w(int w) { return w >= 64 ? ~0ull : ((1ull << w) - 1); }

/* Reference LSB-first unpack, one bit at a time (deliberately different from the library). */
static uint64_t ref_get(const uint8_t *in, size_t idx, int w)
{
    uint64_t v = 0;
    for (int b = 0; b < w; b++) {
        size_t bit = idx * (size_t)w + (size_t)b;
        v |= (uint64_t)((in[bit / 8] >> (bit % 8)) & 1) << b;
    }
    return v;
}
static void ref_put(uint8_t *out, size_t idx, int w, uint64_t v)
{
    for (int b = 0; b < w; b++) {
        size_t bit = idx * (size_t)w + (size_t)b;
        if ((v >> b) & 1)
            out[bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
}

static size_t put_uleb(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        p[n++] = b | (v ? 0x80 : 0);
    } while (v);
    return n;
}
static uint64_t zz(int64_t v) { return ((uint64_t)v << 1) ^ (v < 0 ? ~0ull : 0); }

static bool msg_has(const tn_err *e, const char *a, const char *b)
{
    return strstr(e->msg, a) != NULL && (!b || strstr(e->msg, b) != NULL);
}

/* ---- bit width / bit packing ---- */

static void test_bit_width(void)
{
    CHECK_EQ_INT(pq_bit_width(0), 0);
    CHECK_EQ_INT(pq_bit_width(1), 1);
    CHECK_EQ_INT(pq_bit_width(2), 2);
    CHECK_EQ_INT(pq_bit_width(3), 2);
    CHECK_EQ_INT(pq_bit_width(255), 8);
    CHECK_EQ_INT(pq_bit_width(256), 9);
    CHECK_EQ_INT(pq_bit_width(0x7fffffffu), 31);
    CHECK_EQ_INT(pq_bit_width(0xffffffffu), 32);
}

static void test_unpack_spec_example(void)
{
    /* Encodings.md: 0..7 at width 3 pack to 10001000 11000110 11111010. */
    const uint8_t in[3] = {0x88, 0xC6, 0xFA};
    uint32_t out[8];
    pq_bit_unpack32(in, out, 8, 3);
    for (uint32_t i = 0; i < 8; i++)
        CHECK_EQ_INT(out[i], i);
    uint64_t v[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    uint8_t packed[3] = {0};
    pq_bit_pack64(v, 8, 3, packed);
    CHECK(memcmp(packed, in, 3) == 0);
}

static void test_unpack_all_widths(void)
{
    enum { N = 1000 }; /* multiple of 8, not of 32: exercises the tail path */
    static uint8_t buf[N * 8 + 64];
    static uint32_t o32[N + 8];
    static uint64_t o64[N + 8], vals[N];
    for (int w = 0; w <= 64; w++) {
        memset(buf, 0, sizeof buf);
        for (size_t i = 0; i < N; i++) {
            vals[i] = rnd() & mask_w(w);
            ref_put(buf, i, w, vals[i]);
        }
        size_t nbytes = (size_t)N * (size_t)w / 8;
        /* exact size: no slack for the fast path at the end */
        uint8_t *exact = tn_malloc(nbytes + 1);
        memcpy(exact, buf, nbytes);
        int bad = 0;
        if (w <= 32) {
            o32[N] = 0xdeadbeef;
            pq_bit_unpack32(exact, o32, N, w);
            for (size_t i = 0; i < N; i++)
                bad += o32[i] != (uint32_t)vals[i];
            CHECK(o32[N] == 0xdeadbeef);
            pq_bit_unpack32_avail(buf, sizeof buf, o32, N, w);
            for (size_t i = 0; i < N; i++)
                bad += o32[i] != (uint32_t)vals[i];
            /* odd counts through the _avail path (DELTA miniblock tails) */
            pq_bit_unpack32_avail(exact, nbytes, o32, 37, w);
            for (size_t i = 0; i < 37; i++)
                bad += o32[i] != (uint32_t)vals[i];
        }
        o64[N] = 0x1234;
        pq_bit_unpack64(exact, nbytes, o64, N, w);
        for (size_t i = 0; i < N; i++)
            bad += o64[i] != vals[i];
        CHECK(o64[N] == 0x1234);
        pq_bit_unpack64(buf, sizeof buf, o64, 45, w);
        for (size_t i = 0; i < 45; i++)
            bad += o64[i] != vals[i];
        /* pack matches the reference packing byte for byte */
        uint8_t *packed = tn_calloc(nbytes + 1, 1);
        pq_bit_pack64(vals, N, w, packed);
        bad += memcmp(packed, buf, nbytes) != 0;
        /* and reference unpack agrees with the values */
        for (size_t i = 0; i < N; i += 97)
            bad += ref_get(packed, i, w) != vals[i];
        tn_free(packed);
        tn_free(exact);
        if (bad)
            fprintf(stderr, "width %d: %d mismatches\n", w, bad);
        CHECK_EQ_INT(bad, 0);
    }
}

/* ---- RLE / bit-packed hybrid ---- */

static void test_rle_known_bytes(void)
{
    /* width 3: RLE run of ten 5s (header 10<<1 = 0x14, value 0x05), then a bit-packed run of one
     * group (header 1<<1|1 = 0x03) holding 0..7 (the spec's packing example). */
    const uint8_t data[] = {0x14, 0x05, 0x03, 0x88, 0xC6, 0xFA};
    uint32_t out[18];
    pq_rle_decoder d;
    tn_err err = TN_ERR_INIT;
    pq_rle_init(&d, data, sizeof data, 3);
    CHECK_EQ_INT(pq_rle_get(&d, out, 18, &err), TN_OK);
    for (int i = 0; i < 10; i++)
        CHECK_EQ_INT(out[i], 5);
    for (int i = 0; i < 8; i++)
        CHECK_EQ_INT(out[10 + i], i);
    /* one more value: the data is exhausted */
    CHECK_EQ_INT(pq_rle_get(&d, out, 1, &err), TN_CORRUPT);
    CHECK(msg_has(&err, "RLE", "byte 6"));

    /* piecewise reads and skips give the same values */
    uint16_t lv[18];
    pq_rle_init(&d, data, sizeof data, 3);
    CHECK_EQ_INT(pq_rle_get_levels(&d, lv, 3, &err), TN_OK);
    CHECK_EQ_INT(pq_rle_skip(&d, 8, &err), TN_OK); /* 7 fives and 0 */
    CHECK_EQ_INT(pq_rle_get_levels(&d, lv + 3, 2, &err), TN_OK);
    CHECK_EQ_INT(pq_rle_skip(&d, 1, &err), TN_OK);
    CHECK_EQ_INT(pq_rle_get_levels(&d, lv + 5, 4, &err), TN_OK);
    CHECK_EQ_INT(lv[0], 5);
    CHECK_EQ_INT(lv[2], 5);
    CHECK_EQ_INT(lv[3], 1);
    CHECK_EQ_INT(lv[4], 2);
    CHECK_EQ_INT(lv[5], 4);
    CHECK_EQ_INT(lv[8], 7);

    /* the encoder produces exactly these bytes */
    uint32_t vals[18];
    for (int i = 0; i < 10; i++)
        vals[i] = 5;
    for (int i = 0; i < 8; i++)
        vals[10 + i] = (uint32_t)i;
    pq_bytes b = {0};
    CHECK_EQ_INT(pq_rle_encode(vals, 18, 3, &b), TN_OK);
    CHECK_EQ_INT(b.len, sizeof data);
    CHECK(b.len == sizeof data && memcmp(b.data, data, sizeof data) == 0);
    pq_bytes_free(&b);

    /* width 0: an RLE run needs no value bytes; width 9: the value takes 2 bytes (LE) */
    const uint8_t z[] = {0x10};
    pq_rle_init(&d, z, 1, 0);
    out[0] = 99;
    CHECK_EQ_INT(pq_rle_get(&d, out, 8, &err), TN_OK);
    CHECK_EQ_INT(out[0] + out[7], 0);
    const uint8_t w9[] = {0x06, 0x2C, 0x01}; /* 3 x 300 */
    pq_rle_init(&d, w9, sizeof w9, 9);
    CHECK_EQ_INT(pq_rle_get(&d, out, 3, &err), TN_OK);
    CHECK_EQ_INT(out[2], 300);
    /* width 32 value: 4 bytes */
    const uint8_t w32[] = {0x02, 0x78, 0x56, 0x34, 0x12};
    pq_rle_init(&d, w32, sizeof w32, 32);
    CHECK_EQ_INT(pq_rle_get(&d, out, 1, &err), TN_OK);
    CHECK_EQ_INT(out[0], 0x12345678);
}

static void test_rle_roundtrip(void)
{
    enum { N = 5003 };
    static uint32_t vals[N], got[N];
    static uint16_t lev[N];
    for (int w = 0; w <= 32; w++) {
        for (int pattern = 0; pattern < 3; pattern++) {
            uint32_t n = pattern == 2 ? 1 + (uint32_t)(rnd() % 40) : N;
            uint64_t m = mask_w(w);
            for (uint32_t i = 0; i < n; i++) {
                if (pattern == 0)
                    vals[i] = (uint32_t)(rnd() & m);
                else /* runs of random length, some short */
                    vals[i] = (i == 0 || rnd() % 13 == 0) ? (uint32_t)(rnd() & m) : vals[i - 1];
            }
            pq_bytes b = {0};
            CHECK_EQ_INT(pq_rle_encode(vals, n, w, &b), TN_OK);
            pq_rle_decoder d;
            tn_err err = TN_ERR_INIT;
            pq_rle_init(&d, b.data, b.len, w);
            memset(got, 0xAB, sizeof got);
            uint32_t pos = 0;
            int rc = TN_OK;
            while (pos < n && rc == TN_OK) { /* random chunk sizes, with skips */
                uint32_t k = (uint32_t)(rnd() % 300) + 1;
                if (k > n - pos)
                    k = n - pos;
                if (rnd() % 5 == 0) {
                    rc = pq_rle_skip(&d, k, &err);
                    for (uint32_t j = 0; j < k; j++)
                        got[pos + j] = vals[pos + j];
                } else {
                    rc = pq_rle_get(&d, got + pos, k, &err);
                }
                pos += k;
            }
            CHECK_EQ_INT(rc, TN_OK);
            CHECK(memcmp(got, vals, n * sizeof *vals) == 0);
            if (w <= 16) {
                pq_rle_init(&d, b.data, b.len, w);
                CHECK_EQ_INT(pq_rle_get_levels(&d, lev, n, &err), TN_OK);
                int bad = 0;
                for (uint32_t i = 0; i < n; i++)
                    bad += lev[i] != vals[i];
                CHECK_EQ_INT(bad, 0);
            }
            if (pattern == 1 && w > 0) /* runs must actually compress */
                CHECK(b.len < (size_t)n * (size_t)w / 8);
            pq_bytes_free(&b);
        }
    }
    /* values wider than the bit width are refused by the encoder */
    uint32_t big = 8;
    pq_bytes b = {0};
    CHECK_EQ_INT(pq_rle_encode(&big, 1, 3, &b), TN_MISUSE);
    pq_bytes_free(&b);
}

static void test_rle_corrupt(void)
{
    struct {
        const char *name;
        uint8_t data[12];
        size_t n;
        int width;
        uint32_t count;
        const char *expect;
    } cases[] = {
        {"empty input", {0}, 0, 3, 1, "byte 0"},
        {"empty RLE run", {0x00, 0x01}, 2, 3, 1, "empty RLE run"},
        {"empty bit-packed run", {0x01}, 1, 3, 1, "empty bit-packed run"},
        {"RLE value wider than width", {0x04, 0x09}, 2, 3, 2, "wider"},
        {"truncated RLE value", {0x04, 0x2C}, 2, 9, 2, "truncated RLE run value"},
        {"truncated header", {0x80, 0x80}, 2, 3, 1, "truncated run header"},
        {"header varint too long", {0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 6, 3, 1, "too long"},
        {"bit-packed run without data", {0x03}, 1, 3, 1, "truncated bit-packed run"},
        {"bit-packed run too short", {0x03, 0x88}, 2, 3, 8, "data ends"},
        {"run longer than 2^31-1", {0xff, 0xff, 0xff, 0xff, 0x0f, 0x00}, 6, 3, 1, "2^31-1"},
        {"bit width 33", {0x02, 0, 0, 0, 0, 0}, 6, 33, 1, "bit width"},
        {"bit width -1", {0x02}, 1, -1, 1, "bit width"},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        pq_rle_decoder d;
        tn_err err = TN_ERR_INIT;
        uint32_t out[16];
        pq_rle_init(&d, cases[i].data, cases[i].n, cases[i].width);
        int rc = pq_rle_get(&d, out, cases[i].count, &err);
        if (rc != TN_CORRUPT || !msg_has(&err, "RLE", cases[i].expect))
            fprintf(stderr, "case '%s': rc %d msg '%s'\n", cases[i].name, rc, err.msg);
        CHECK_EQ_INT(rc, TN_CORRUPT);
        CHECK(msg_has(&err, "RLE", cases[i].expect));
    }
    /* levels wider than 16 bits */
    pq_rle_decoder d;
    tn_err err = TN_ERR_INIT;
    uint16_t lv[1];
    const uint8_t r[] = {0x02, 1, 0, 0};
    pq_rle_init(&d, r, sizeof r, 17);
    CHECK_EQ_INT(pq_rle_get_levels(&d, lv, 1, &err), TN_CORRUPT);
}

static void test_rle_truncated_padding(void)
{
    /* A final bit-packed run declaring 2 groups (16 values) of width 3 but carrying 4 bytes: the
     * 10 values that fit are readable, the 11th is not. */
    uint32_t vals[10] = {1, 2, 3, 4, 5, 6, 7, 0, 1, 2};
    uint8_t data[5] = {0x05};
    for (int i = 0; i < 10; i++)
        ref_put(data + 1, (size_t)i, 3, vals[i]);
    pq_rle_decoder d;
    tn_err err = TN_ERR_INIT;
    uint32_t out[11];
    pq_rle_init(&d, data, sizeof data, 3);
    CHECK_EQ_INT(pq_rle_get(&d, out, 10, &err), TN_OK);
    CHECK(memcmp(out, vals, sizeof vals) == 0);
    CHECK_EQ_INT(pq_rle_get(&d, out, 1, &err), TN_CORRUPT);
}

static void test_bit_packed_legacy(void)
{
    /* Encodings.md: 0..7 at width 3, MSB-first: 00000101 00111001 01110111 */
    const uint8_t in[3] = {0x05, 0x39, 0x77};
    uint16_t out[8];
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_bit_packed_legacy_decode(in, 3, 3, out, 8, &err), TN_OK);
    for (int i = 0; i < 8; i++)
        CHECK_EQ_INT(out[i], i);
    CHECK_EQ_INT(pq_bit_packed_legacy_decode(in, 2, 3, out, 8, &err), TN_CORRUPT);
    CHECK(msg_has(&err, "BIT_PACKED", "byte"));
    CHECK_EQ_INT(pq_bit_packed_legacy_decode(in, 3, 17, out, 1, &err), TN_CORRUPT);
    /* 30 two-bit values take 8 bytes (the spec's sizing example) */
    uint8_t b8[8];
    for (int i = 0; i < 8; i++)
        b8[i] = (uint8_t)rnd();
    uint16_t o30[30];
    CHECK_EQ_INT(pq_bit_packed_legacy_decode(b8, 8, 2, o30, 30, &err), TN_OK);
    CHECK_EQ_INT(o30[0], b8[0] >> 6);
    CHECK_EQ_INT(o30[5], (b8[1] >> 4) & 3);
    CHECK_EQ_INT(o30[29], (b8[7] >> 2) & 3);
    CHECK_EQ_INT(pq_bit_packed_legacy_decode(b8, 7, 2, o30, 30, &err), TN_CORRUPT);
}

/* ---- DELTA_BINARY_PACKED ---- */

static void test_delta_spec_examples(void)
{
    tn_err err = TN_ERR_INIT;
    int32_t out[16];
    uint32_t nd = 0;
    size_t used = 0;
    /* Example 1: 1..5; header 8, 1, 5, zigzag(1)=2; block zigzag(1)=2, width 0, no data. */
    const uint8_t ex1[] = {8, 1, 5, 2, 2, 0};
    CHECK_EQ_INT(pq_delta_binary_decode32(ex1, sizeof ex1, out, 16, &nd, &used, &err), TN_OK);
    CHECK_EQ_INT(nd, 5);
    CHECK_EQ_INT(used, sizeof ex1);
    for (int i = 0; i < 5; i++)
        CHECK_EQ_INT(out[i], i + 1);
    /* Example 2: 7,5,3,1,2,3,4,5; header 8,1,8,zigzag(7)=14; block zigzag(-2)=3, width 2,
     * relative deltas 0,0,0,3,3,3,3 (+ one padding 0) packed LSB-first: 0xC0 0x3F. */
    const uint8_t ex2[] = {8, 1, 8, 14, 3, 2, 0xC0, 0x3F};
    const int32_t want2[] = {7, 5, 3, 1, 2, 3, 4, 5};
    CHECK_EQ_INT(pq_delta_binary_decode32(ex2, sizeof ex2, out, 16, &nd, &used, &err), TN_OK);
    CHECK_EQ_INT(nd, 8);
    CHECK_EQ_INT(used, sizeof ex2);
    CHECK(memcmp(out, want2, sizeof want2) == 0);
    int64_t o64[8];
    CHECK_EQ_INT(pq_delta_binary_decode64(ex2, sizeof ex2, o64, 8, &nd, &used, &err), TN_OK);
    CHECK_EQ_INT(o64[0], 7);
    CHECK_EQ_INT(o64[7], 5);
    /* asking for fewer values still consumes the whole stream */
    CHECK_EQ_INT(pq_delta_binary_decode32(ex2, sizeof ex2, out, 3, &nd, &used, &err), TN_OK);
    CHECK_EQ_INT(nd, 3);
    CHECK_EQ_INT(used, sizeof ex2);
    CHECK_EQ_INT(out[2], 3);

    /* Real layout: block 128 in 4 miniblocks; values 100, 98, 101. Unused miniblock widths hold
     * garbage (0xFF), which readers must accept; only the first miniblock has a body (32 x 3 bits). */
    uint8_t s[64];
    size_t n = 0;
    n += put_uleb(s + n, 128);
    s[n++] = 4;
    s[n++] = 3;
    n += put_uleb(s + n, zz(100));
    s[n++] = (uint8_t)zz(-2);
    s[n++] = 3;
    s[n++] = 0xFF, s[n++] = 0xFF, s[n++] = 0xFF;
    memset(s + n, 0, 12);
    s[n] = 0x28; /* rel 0 at bits 0-2, rel 5 at bits 3-5 */
    n += 12;
    s[n++] = 0xEE; /* a byte after the stream */
    CHECK_EQ_INT(pq_delta_binary_decode32(s, n, out, 3, &nd, &used, &err), TN_OK);
    CHECK_EQ_INT(used, n - 1);
    CHECK_EQ_INT(out[0], 100);
    CHECK_EQ_INT(out[1], 98);
    CHECK_EQ_INT(out[2], 101);
}

static void test_delta_duckdb_wide_min_delta(void)
{
    /* INT32 values 2^31-1 then -2^31 written with a 64-bit min_delta of -(2^32-1), as DuckDB does;
     * wrapped to 32 bits the delta is +1. */
    uint8_t s[64];
    size_t n = 0;
    n += put_uleb(s + n, 128);
    s[n++] = 4;
    s[n++] = 3;
    n += put_uleb(s + n, zz(INT32_MAX));
    n += put_uleb(s + n, zz(-4294967295ll));
    s[n++] = 0, s[n++] = 0, s[n++] = 0, s[n++] = 0;
    int32_t out[3];
    uint32_t nd = 0;
    size_t used = 0;
    tn_err err = TN_ERR_INIT;
    /* third value: delta min -(2^32-1) again, wraps to +1: -2^31 + 1 */
    CHECK_EQ_INT(pq_delta_binary_decode32(s, n, out, 3, &nd, &used, &err), TN_OK);
    CHECK_EQ_INT(nd, 3);
    CHECK_EQ_INT(out[0], INT32_MAX);
    CHECK_EQ_INT(out[1], INT32_MIN);
    CHECK_EQ_INT(out[2], INT32_MIN + 1);
    /* INT64 wraps at 64 bits */
    n = 0;
    n += put_uleb(s + n, 128);
    s[n++] = 4;
    s[n++] = 2;
    n += put_uleb(s + n, zz(INT64_MAX));
    n += put_uleb(s + n, zz(1));
    s[n++] = 0, s[n++] = 0, s[n++] = 0, s[n++] = 0;
    int64_t o64[2];
    CHECK_EQ_INT(pq_delta_binary_decode64(s, n, o64, 2, &nd, &used, &err), TN_OK);
    CHECK(o64[1] == INT64_MIN);
}

/* Reference encoder with any block layout (bit-at-a-time packing), for decoder coverage of
 * layouts our encoder does not write (DuckDB 2048/8, 256/8, 128/1 ...). */
static size_t ref_dbp_encode(const int64_t *v, uint32_t n, int bits, uint32_t block, uint32_t mbs,
                             uint8_t *out)
{
    uint32_t vpm = block / mbs;
    uint64_t m = bits == 64 ? ~0ull : 0xffffffffull;
    size_t o = 0;
    o += put_uleb(out + o, block);
    o += put_uleb(out + o, mbs);
    o += put_uleb(out + o, n);
    o += put_uleb(out + o, zz(n ? v[0] : 0));
    for (uint32_t i = 1; i < n; i += block) {
        uint32_t k = n - i < block ? n - i : block;
        int64_t mn = INT64_MAX;
        for (uint32_t j = 0; j < k; j++) {
            uint64_t d = ((uint64_t)v[i + j] - (uint64_t)v[i + j - 1]) & m;
            int64_t sd = bits == 64 ? (int64_t)d : (int64_t)(int32_t)(uint32_t)d;
            if (sd < mn)
                mn = sd;
        }
        o += put_uleb(out + o, zz(mn));
        size_t wpos = o;
        o += mbs;
        for (uint32_t mb = 0; mb < mbs; mb++) {
            if (mb * vpm >= k) {
                out[wpos + mb] = (uint8_t)(rnd() & 0xff); /* arbitrary */
                continue;
            }
            uint64_t rel[2048] = {0}, mx = 0;
            for (uint32_t j = 0; j < vpm && mb * vpm + j < k; j++) {
                uint32_t t = i + mb * vpm + j;
                uint64_t d = ((uint64_t)v[t] - (uint64_t)v[t - 1]) & m;
                rel[j] = (d - (uint64_t)mn) & m;
                mx |= rel[j];
            }
            int w = 0;
            while (w < 64 && (mx >> w))
                w++;
            out[wpos + mb] = (uint8_t)w;
            memset(out + o, 0, (size_t)vpm * (size_t)w / 8);
            for (uint32_t j = 0; j < vpm; j++)
                ref_put(out + o, j, w, rel[j]);
            o += (size_t)vpm * (size_t)w / 8;
        }
    }
    return o;
}

static void fill_series(int64_t *v, uint32_t n, int kind, int bits)
{
    for (uint32_t i = 0; i < n; i++) {
        uint64_t r = rnd();
        int64_t x;
        switch (kind) {
        case 0: x = (int64_t)r; break;                                   /* full range */
        case 1: x = i ? v[i - 1] + (int64_t)(r % 7) : 1000; break;       /* sorted */
        case 2: x = 42; break;                                           /* constant */
        case 3: x = (i & 1) ? INT64_MIN : INT64_MAX; break;              /* extremes */
        default: x = (int64_t)(r % 100) - 50; break;                     /* small +- */
        }
        if (bits == 32) {
            if (kind == 3)
                x = (i & 1) ? INT32_MIN : INT32_MAX;
            x = (int64_t)(int32_t)(uint32_t)(uint64_t)x;
        }
        v[i] = x;
    }
}

static void test_delta_roundtrip(void)
{
    static int64_t src[6000], got64[6000];
    static int32_t s32[6000], got32[6000];
    static uint8_t ref[6000 * 10 + 4096];
    const uint32_t sizes[] = {0, 1, 2, 3, 31, 32, 33, 127, 128, 129, 1000, 2049, 5999};
    tn_err err = TN_ERR_INIT;
    for (size_t si = 0; si < TN_ARRAY_LEN(sizes); si++) {
        uint32_t n = sizes[si];
        for (int kind = 0; kind < 5; kind++) {
            for (int bits = 32; bits <= 64; bits += 32) {
                fill_series(src, n, kind, bits);
                pq_bytes b = {0};
                uint32_t nd = 99;
                size_t used = 0;
                int bad = 0;
                if (bits == 32) {
                    for (uint32_t i = 0; i < n; i++)
                        s32[i] = (int32_t)src[i];
                    CHECK_EQ_INT(pq_delta_binary_encode32(s32, n, &b), TN_OK);
                    CHECK_EQ_INT(pq_delta_binary_decode32(b.data, b.len, got32, n, &nd, &used, &err), TN_OK);
                    for (uint32_t i = 0; i < n; i++)
                        bad += got32[i] != s32[i];
                } else {
                    CHECK_EQ_INT(pq_delta_binary_encode64(src, n, &b), TN_OK);
                    CHECK_EQ_INT(pq_delta_binary_decode64(b.data, b.len, got64, n, &nd, &used, &err), TN_OK);
                    for (uint32_t i = 0; i < n; i++)
                        bad += got64[i] != src[i];
                }
                CHECK_EQ_INT(nd, n);
                CHECK_EQ_INT(used, b.len);
                CHECK_EQ_INT(bad, 0);
                if (kind == 2 && n > 1000)
                    CHECK(b.len <= 16 + 5 * ((n + 127) / 128)); /* width-0 miniblocks only */
                pq_bytes_free(&b);

                /* other block layouts through the reference encoder */
                const uint32_t layouts[][2] = {{128, 4}, {256, 8}, {2048, 8}, {128, 1}, {1024, 2}};
                for (size_t li = 0; li < TN_ARRAY_LEN(layouts); li++) {
                    size_t len = ref_dbp_encode(src, n, bits, layouts[li][0], layouts[li][1], ref);
                    bad = 0;
                    if (bits == 32) {
                        CHECK_EQ_INT(pq_delta_binary_decode32(ref, len, got32, n, &nd, &used, &err), TN_OK);
                        for (uint32_t i = 0; i < n; i++)
                            bad += got32[i] != (int32_t)src[i];
                    } else {
                        CHECK_EQ_INT(pq_delta_binary_decode64(ref, len, got64, n, &nd, &used, &err), TN_OK);
                        for (uint32_t i = 0; i < n; i++)
                            bad += got64[i] != src[i];
                    }
                    CHECK_EQ_INT(used, len);
                    if (bad)
                        fprintf(stderr, "layout %u/%u n=%u kind=%d bits=%d: %d bad\n", layouts[li][0],
                                layouts[li][1], n, kind, bits, bad);
                    CHECK_EQ_INT(bad, 0);
                    /* a prefix of the values, and more room than values */
                    if (n > 10 && bits == 64) {
                        CHECK_EQ_INT(pq_delta_binary_decode64(ref, len, got64, 10, &nd, &used, &err), TN_OK);
                        CHECK_EQ_INT(nd, 10);
                        CHECK_EQ_INT(used, len);
                        CHECK(got64[9] == src[9]);
                        int rc = pq_delta_binary_decode64(ref, len, got64, n + 5, &nd, &used, &err);
                        CHECK_EQ_INT(rc, TN_OK);
                        CHECK_EQ_INT(nd, n);
                    }
                }
            }
        }
    }
}

static int dbp_try(const uint8_t *s, size_t n, int bits, uint32_t count, tn_err *err)
{
    int32_t o32[300];
    int64_t o64[300];
    uint32_t nd;
    size_t used;
    return bits == 32 ? pq_delta_binary_decode32(s, n, o32, count, &nd, &used, err)
                      : pq_delta_binary_decode64(s, n, o64, count, &nd, &used, err);
}

static void test_delta_corrupt(void)
{
    struct {
        const char *name;
        uint8_t s[24];
        size_t n;
        int bits;
        const char *expect;
    } cases[] = {
        {"empty", {0}, 0, 32, "block size"},
        {"block size 0", {0, 4, 2, 0}, 4, 32, "block size"},
        {"block size 100", {100, 4, 2, 0}, 4, 32, "block size"},
        {"block size 2^40", {0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 4, 2, 0}, 9, 32, "block size"},
        {"miniblocks 0", {0x80, 0x01, 0, 2, 0}, 5, 32, "miniblock count"},
        {"miniblocks 3", {0x80, 0x01, 3, 2, 0}, 5, 32, "miniblock count"},
        {"miniblocks > block", {0x80, 0x01, 0x81, 0x01, 2, 0}, 6, 32, "miniblock count"},
        {"truncated count", {0x80, 0x01, 4}, 3, 32, "total value count"},
        {"truncated first value", {0x80, 0x01, 4, 2, 0x80}, 5, 32, "first value"},
        {"varint overflow", {0x80, 0x01, 4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0},
         14, 32, "total value count"},
        {"missing block", {0x80, 0x01, 4, 2, 0}, 5, 32, "min_delta"},
        {"missing widths", {0x80, 0x01, 4, 2, 0, 0, 1}, 7, 32, "bit widths"},
        {"width 33 for INT32", {0x80, 0x01, 4, 2, 0, 0, 33, 0, 0, 0}, 10, 32, "bit width 33"},
        {"width 65 for INT64", {0x80, 0x01, 4, 2, 0, 0, 65, 0, 0, 0}, 10, 64, "bit width 65"},
        {"miniblock body missing", {0x80, 0x01, 4, 40, 0, 0, 8, 0, 0, 0, 1, 2}, 12, 32, "ends early"},
        {"total beyond data", {0x80, 0x01, 4, 0xff, 0x7f, 0, 0, 0, 0, 0, 0}, 11, 32, "byte 11"},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        tn_err err = TN_ERR_INIT;
        int rc = dbp_try(cases[i].s, cases[i].n, cases[i].bits, 300, &err);
        if (rc != TN_CORRUPT || !msg_has(&err, "DELTA_BINARY_PACKED", cases[i].expect))
            fprintf(stderr, "case '%s': rc %d msg '%s'\n", cases[i].name, rc, err.msg);
        CHECK_EQ_INT(rc, TN_CORRUPT);
        CHECK(msg_has(&err, "DELTA_BINARY_PACKED", cases[i].expect));
        CHECK(msg_has(&err, "byte", NULL));
    }
    /* A huge declared count with cheap zero-width blocks must end in an error, not a hang:
     * block 2^30 values, 1 miniblock, total 2^62, then 1000 (min_delta, width) pairs. */
    uint8_t *s = tn_malloc(3000);
    size_t n = 0;
    n += put_uleb(s + n, 1ull << 30);
    s[n++] = 1;
    n += put_uleb(s + n, 1ull << 62);
    s[n++] = 0;
    for (int i = 0; i < 1000; i++)
        s[n++] = 0, s[n++] = 0;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dbp_try(s, n, 32, 300, &err), TN_CORRUPT);
    tn_free(s);
}

/* ---- DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY ---- */

static bool str_is(const tn_str *s, const char *want)
{
    return s->len == strlen(want) && memcmp(tn_str_data(s), want, s->len) == 0;
}

static void test_delta_length_spec_example(void)
{
    /* "Hello","World","Foobar","ABCDEF": lengths 5,5,6,6 -> first zigzag(5)=10; deltas 0,1,0,
     * min 0, width 1, rel bits 0,1,0 -> 0x02; then the bytes back to back. */
    uint8_t s[64] = {0x80, 0x01, 4, 4, 10, 0, 1, 0, 0, 0, 0x02, 0, 0, 0};
    size_t n = 14;
    memcpy(s + n, "HelloWorldFoobarABCDEF", 22);
    n += 22;
    tn_str out[4];
    size_t used = 0;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_delta_length_decode(s, n, out, 4, &used, &err), TN_OK);
    CHECK_EQ_INT(used, n);
    CHECK(str_is(&out[0], "Hello"));
    CHECK(str_is(&out[1], "World"));
    CHECK(str_is(&out[2], "Foobar"));
    CHECK(str_is(&out[3], "ABCDEF"));
    /* one byte short */
    CHECK_EQ_INT(pq_delta_length_decode(s, n - 1, out, 4, &used, &err), TN_CORRUPT);
    CHECK(msg_has(&err, "DELTA_LENGTH_BYTE_ARRAY", "byte 30"));
    /* more values wanted than the stream holds */
    CHECK_EQ_INT(pq_delta_length_decode(s, n, out, 5, &used, &err), TN_CORRUPT);
    /* negative length: first value zigzag(-1) = 1 */
    uint8_t neg[] = {0x80, 0x01, 4, 1, 1};
    CHECK_EQ_INT(pq_delta_length_decode(neg, sizeof neg, out, 1, &used, &err), TN_CORRUPT);
    CHECK(msg_has(&err, "DELTA_LENGTH_BYTE_ARRAY", "negative length"));
    /* encoder matches our hand-made bytes */
    tn_str in[4] = {tn_str_make("Hello", 5), tn_str_make("World", 5), tn_str_make("Foobar", 6),
                    tn_str_make("ABCDEF", 6)};
    pq_bytes b = {0};
    CHECK_EQ_INT(pq_delta_length_encode(in, 4, &b), TN_OK);
    CHECK_EQ_INT(b.len, n);
    CHECK(b.len == n && memcmp(b.data, s, n) == 0);
    pq_bytes_free(&b);
}

static void test_delta_byte_array_spec_example(void)
{
    /* "axis","axle","babble","babyhood": prefixes 0,2,0,3 (first 0; deltas 2,-2,3; min -2 ->
     * zigzag 3; rel 4,0,5 at width 3 -> 0x44 0x01), suffix lengths 4,2,6,5 (first zigzag(4)=8;
     * deltas -2,4,-1; min -2; rel 0,6,1 at width 3 -> 0x70 0x00), then "axislebabbleyhood". */
    uint8_t s[80] = {0x80, 0x01, 4, 4, 0, 3, 3, 0, 0, 0, 0x44, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    size_t n = 22;
    const uint8_t suf_hdr[] = {0x80, 0x01, 4, 4, 8, 3, 3, 0, 0, 0, 0x70, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(s + n, suf_hdr, sizeof suf_hdr);
    n += sizeof suf_hdr;
    memcpy(s + n, "axislebabbleyhood", 17);
    n += 17;
    tn_str out[4];
    tn_buf *heap = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_delta_byte_array_decode(s, n, out, 4, &heap, &err), TN_OK);
    CHECK(heap != NULL);
    CHECK(str_is(&out[0], "axis"));
    CHECK(str_is(&out[1], "axle"));
    CHECK(str_is(&out[2], "babble"));
    CHECK(str_is(&out[3], "babyhood"));
    tn_buf_unref(heap);
    /* encoder writes the same bytes */
    tn_str in[4] = {tn_str_make("axis", 4), tn_str_make("axle", 4), tn_str_make("babble", 6),
                    tn_str_make("babyhood", 8)};
    pq_bytes b = {0};
    CHECK_EQ_INT(pq_delta_byte_array_encode(in, 4, &b), TN_OK);
    CHECK(b.len == n && memcmp(b.data, s, n) == 0);
    pq_bytes_free(&b);

    /* first prefix 1 although there is no previous value */
    uint8_t bad[80];
    memcpy(bad, s, n);
    bad[4] = 2; /* first prefix zigzag 2 = 1 */
    heap = (tn_buf *)1;
    CHECK_EQ_INT(pq_delta_byte_array_decode(bad, n, out, 4, &heap, &err), TN_CORRUPT);
    CHECK(heap == NULL);
    CHECK(msg_has(&err, "DELTA_BYTE_ARRAY", "prefix length 1"));
    /* second prefix 0 + (-2 + 7) = 5 > 4 bytes of "axis": first relative delta 4 -> 7 */
    memcpy(bad, s, n);
    bad[10] = 0x47;
    CHECK_EQ_INT(pq_delta_byte_array_decode(bad, n, out, 4, &heap, &err), TN_CORRUPT);
    CHECK(msg_has(&err, "DELTA_BYTE_ARRAY", "prefix length 5 of value 1"));
    /* truncated suffix data */
    CHECK_EQ_INT(pq_delta_byte_array_decode(s, n - 1, out, 4, &heap, &err), TN_CORRUPT);
    CHECK(msg_has(&err, "DELTA_BYTE_ARRAY", "byte"));
}

static void rand_string(char *buf, uint32_t len, int alphabet)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (char)('a' + rnd() % (uint64_t)alphabet);
}

static void test_delta_strings_roundtrip(void)
{
    enum { N = 3000 };
    static tn_str in[N], out[N];
    static char pool[N * 64];
    for (int round = 0; round < 6; round++) {
        uint32_t n = round == 0 ? 0 : round == 1 ? 1 : N - (uint32_t)round;
        size_t off = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t len;
            char *p = pool + off;
            uint64_t r = rnd() % 10;
            if (i > 0 && r < 3) { /* shares a prefix with the previous value */
                uint32_t pl = (uint32_t)(rnd() % (in[i - 1].len + 1));
                if (pl > 40)
                    pl = 40;
                memcpy(p, tn_str_data(&in[i - 1]), pl);
                len = pl + (uint32_t)(rnd() % 20);
                rand_string(p + pl, len - pl, 3);
            } else if (i > 0 && r < 4) { /* a prefix of the previous value (empty suffix) */
                len = (uint32_t)(rnd() % (in[i - 1].len + 1));
                memcpy(p, tn_str_data(&in[i - 1]), len);
            } else if (r < 5) {
                len = 0;
            } else {
                len = (uint32_t)(rnd() % 60);
                rand_string(p, len, round % 2 ? 26 : 2);
            }
            in[i] = tn_str_make(p, len);
            off += len;
        }
        tn_err err = TN_ERR_INIT;
        pq_bytes b = {0};
        CHECK_EQ_INT(pq_delta_length_encode(in, n, &b), TN_OK);
        size_t used = 0;
        CHECK_EQ_INT(pq_delta_length_decode(b.data, b.len, out, n, &used, &err), TN_OK);
        CHECK_EQ_INT(used, b.len);
        int bad = 0;
        for (uint32_t i = 0; i < n; i++)
            bad += !tn_str_eq(&in[i], &out[i]);
        CHECK_EQ_INT(bad, 0);
        pq_bytes_free(&b);

        CHECK_EQ_INT(pq_delta_byte_array_encode(in, n, &b), TN_OK);
        tn_buf *heap = NULL;
        CHECK_EQ_INT(pq_delta_byte_array_decode(b.data, b.len, out, n, &heap, &err), TN_OK);
        /* the views must not depend on the encoded bytes: clobber them first */
        memset(b.data, 0x5A, b.len);
        bad = 0;
        for (uint32_t i = 0; i < n; i++)
            bad += !tn_str_eq(&in[i], &out[i]);
        CHECK_EQ_INT(bad, 0);
        tn_buf_unref(heap);
        pq_bytes_free(&b);
    }
}

static void test_delta_byte_array_expansion_cap(void)
{
    /* One 4096-byte value followed by 300000 values repeating it plus one byte: ~1.2 GB of
     * output from ~300 KB of input must be refused before allocating. */
    enum { M = 300001 };
    int32_t *pre = tn_malloc(M * sizeof *pre), *suf = tn_malloc(M * sizeof *suf);
    pre[0] = 0, suf[0] = 4096;
    for (int i = 1; i < M; i++)
        pre[i] = 4096, suf[i] = 1;
    pq_bytes b = {0};
    CHECK_EQ_INT(pq_delta_binary_encode32(pre, M, &b), TN_OK);
    CHECK_EQ_INT(pq_delta_binary_encode32(suf, M, &b), TN_OK);
    pq_bytes_reserve(&b, 4096 + M);
    memset(b.data + b.len, 'x', 4096 + M);
    b.len += 4096 + M - 1;
    tn_str *out = tn_malloc(M * sizeof *out);
    tn_buf *heap = NULL;
    tn_err err = TN_ERR_INIT;
    int64_t before = tn_mem_in_use();
    CHECK_EQ_INT(pq_delta_byte_array_decode(b.data, b.len, out, M, &heap, &err), TN_CORRUPT);
    CHECK(msg_has(&err, "DELTA_BYTE_ARRAY", "expand"));
    CHECK(heap == NULL);
    CHECK_EQ_INT(tn_mem_in_use(), before);
    tn_free(out);
    tn_free(pre);
    tn_free(suf);
    pq_bytes_free(&b);
}

/* ---- BYTE_STREAM_SPLIT ---- */

static void test_bss(void)
{
    /* Encodings.md example: three 4-byte values. */
    const uint8_t raw[12] = {0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11, 0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6};
    const uint8_t enc[12] = {0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6};
    pq_bytes b = {0};
    CHECK_EQ_INT(pq_bss_encode(raw, 3, 4, &b), TN_OK);
    CHECK(b.len == 12 && memcmp(b.data, enc, 12) == 0);
    pq_bytes_free(&b);
    uint8_t out[64];
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_bss_decode(enc, 12, out, 3, 4, &err), TN_OK);
    CHECK(memcmp(out, raw, 12) == 0);
    /* fewer values than the section holds: streams are strided by the section's N (3) */
    memset(out, 0, sizeof out);
    CHECK_EQ_INT(pq_bss_decode(enc, 12, out, 2, 4, &err), TN_OK);
    CHECK(memcmp(out, raw, 8) == 0);
    CHECK_EQ_INT(out[8], 0);
    /* the same bytes as six 2-byte values and as one 12-byte FLBA */
    CHECK_EQ_INT(pq_bss_decode(enc, 12, out, 6, 2, &err), TN_OK);
    CHECK_EQ_INT(out[0], 0xAA);
    CHECK_EQ_INT(out[1], 0xCC); /* stream 1 starts at enc[6] */
    CHECK_EQ_INT(pq_bss_decode(enc, 12, out, 1, 12, &err), TN_OK);
    CHECK(memcmp(out, enc, 12) == 0);
    /* corrupt */
    CHECK_EQ_INT(pq_bss_decode(enc, 11, out, 2, 4, &err), TN_CORRUPT);
    CHECK(msg_has(&err, "BYTE_STREAM_SPLIT", "byte"));
    CHECK_EQ_INT(pq_bss_decode(enc, 12, out, 4, 4, &err), TN_CORRUPT);
    CHECK(msg_has(&err, "BYTE_STREAM_SPLIT", "byte"));
    CHECK_EQ_INT(pq_bss_decode(enc, 12, out, 1, 0, &err), TN_CORRUPT);
    /* round trips */
    const uint32_t widths[] = {1, 2, 3, 4, 5, 8, 12, 16};
    static uint8_t src[1001 * 16], dec[1001 * 16];
    for (size_t wi = 0; wi < TN_ARRAY_LEN(widths); wi++) {
        uint32_t w = widths[wi], n = 1001;
        for (size_t i = 0; i < (size_t)n * w; i++)
            src[i] = (uint8_t)rnd();
        CHECK_EQ_INT(pq_bss_encode(src, n, w, &b), TN_OK);
        CHECK_EQ_INT(b.len, (size_t)n * w);
        CHECK_EQ_INT(b.data[1], src[w]); /* stream 0, value 1 */
        CHECK_EQ_INT(pq_bss_decode(b.data, b.len, dec, n, w, &err), TN_OK);
        CHECK(memcmp(src, dec, (size_t)n * w) == 0);
        pq_bytes_free(&b);
    }
}

static void test_names_and_bytes(void)
{
    CHECK_EQ_STR(pq_encoding_name(PQ_ENC_PLAIN), "PLAIN");
    CHECK_EQ_STR(pq_encoding_name(PQ_ENC_RLE_DICTIONARY), "RLE_DICTIONARY");
    CHECK_EQ_STR(pq_encoding_name(PQ_ENC_DELTA_BYTE_ARRAY), "DELTA_BYTE_ARRAY");
    CHECK_EQ_STR(pq_encoding_name(PQ_ENC_BYTE_STREAM_SPLIT), "BYTE_STREAM_SPLIT");
    CHECK_EQ_STR(pq_encoding_name(-3), "UNKNOWN");
    CHECK_EQ_STR(pq_encoding_name(77), "UNKNOWN");
    pq_bytes b = {0};
    for (int i = 0; i < 1000; i++)
        CHECK_EQ_INT(pq_bytes_append(&b, &i, sizeof i), TN_OK);
    CHECK_EQ_INT(b.len, 1000 * sizeof(int));
    CHECK(b.cap >= b.len);
    int v;
    memcpy(&v, b.data + 999 * sizeof(int), sizeof v);
    CHECK_EQ_INT(v, 999);
    CHECK_EQ_INT(pq_bytes_reserve(&b, SIZE_MAX - 10), TN_NOMEM);
    CHECK_EQ_INT(b.len, 1000 * sizeof(int));
    pq_bytes_free(&b);
    CHECK(b.data == NULL && b.len == 0);
}

static void test_no_leaks(void)
{
    CHECK_EQ_INT(tn_mem_in_use(), 0);
}

TEST_MAIN(test_bit_width, test_unpack_spec_example, test_unpack_all_widths, test_rle_known_bytes,
          test_rle_roundtrip, test_rle_corrupt, test_rle_truncated_padding, test_bit_packed_legacy,
          test_delta_spec_examples, test_delta_duckdb_wide_min_delta, test_delta_roundtrip,
          test_delta_corrupt, test_delta_length_spec_example, test_delta_byte_array_spec_example,
          test_delta_strings_roundtrip, test_delta_byte_array_expansion_cap, test_bss,
          test_names_and_bytes, test_no_leaks)
