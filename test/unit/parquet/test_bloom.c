/*
 * test_bloom.c -- split-block Bloom filters (bloom.c): the parquet-testing fixture
 * bloom_filter.xxhash.bin (a bare BloomFilterHeader + bitset holding four strings) probed with
 * the expectations of its .expected.json; insert/check round trips (no false negatives, a
 * measured false-positive rate near the target); sizing; header encoding and decoding with its
 * error paths; value hashing (tarn types vs. their Parquet physical forms).
 */
#define _GNU_SOURCE
#include "tn_test.h"
#include "parquet/bloom.h"
#include "parquet/parquet.h"
#include "util/vector.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(sz > 0 ? (size_t)sz : 1);
    *n = b ? fread(b, 1, (size_t)sz, f) : 0;
    fclose(f);
    return b;
}

static void test_fixture(void)
{
    const char *shared = getenv("TARN_SHARED");
    if (!shared || !*shared) {
        fprintf(stderr, "test_fixture: skipped (TARN_SHARED not set)\n");
        return;
    }
    char path[1024], jpath[1100];
    snprintf(path, sizeof path, "%s/fixtures/parquet/parquet-testing/data/bloom_filter.xxhash.bin", shared);
    snprintf(jpath, sizeof jpath, "%s.expected.json", path);
    size_t n = 0;
    uint8_t *buf = slurp(path, &n);
    json_error_t jerr;
    json_t *exp = json_load_file(jpath, 0, &jerr);
    if (!buf || !exp) {
        fprintf(stderr, "test_fixture: skipped (fixture %s or its expectations missing)\n", path);
        free(buf);
        json_decref(exp);
        return;
    }
    tn_err err = TN_ERR_INIT;
    size_t hl = 0;
    uint32_t nb = 0;
    CHECK_EQ_INT(pq_bloom_header_decode(buf, n, 0, &hl, &nb, &err), TN_OK);
    CHECK(hl > 0 && hl + nb == n);
    const uint8_t *bits = buf + hl;

    /* every inserted string present, every check answered as expected */
    json_t *ins = json_object_get(exp, "inserted"), *checks = json_object_get(exp, "checks");
    CHECK(json_array_size(ins) == 4);
    size_t i;
    json_t *v;
    json_array_foreach(ins, i, v) {
        const char *s = json_string_value(v);
        CHECK(s && pq_bloom_check(bits, nb, pq_bloom_hash_bytes(s, strlen(s))));
        /* the same through the value hasher for VARCHAR */
        tn_str ts = tn_str_make(s, (uint32_t)strlen(s));
        CHECK(pq_bloom_check(bits, nb, pq_bloom_hash_value(tn_type_make(TN_T_VARCHAR), &ts)));
    }
    const char *key;
    int nchecks = 0, absent = 0;
    json_object_foreach(checks, key, v) {
        bool want = json_is_true(v);
        bool got = pq_bloom_check(bits, nb, pq_bloom_hash_bytes(key, strlen(key)));
        if (got != want)
            fprintf(stderr, "fixture probe \"%s\": got %d, expected %d\n", key, got, want);
        CHECK(got == want);
        nchecks++;
        absent += !want;
    }
    CHECK_EQ_INT(nchecks, 9);
    CHECK_EQ_INT(absent, 5);

    /* our own insertion reproduces the fixture's bitset exactly */
    uint8_t *mine = calloc(1, nb);
    json_array_foreach(ins, i, v) {
        const char *s = json_string_value(v);
        pq_bloom_insert(mine, nb, pq_bloom_hash_bytes(s, strlen(s)));
    }
    CHECK(memcmp(mine, bits, nb) == 0);
    free(mine);

    /* a header we encode for the same size decodes the same way */
    pq_bytes hb = {0};
    CHECK_EQ_INT(pq_bloom_header_encode(&hb, nb), TN_OK);
    size_t hl2 = 0;
    uint32_t nb2 = 0;
    CHECK_EQ_INT(pq_bloom_header_decode(hb.data, hb.len, 0, &hl2, &nb2, &err), TN_OK);
    CHECK_EQ_INT(nb2, nb);
    CHECK_EQ_INT(hl2, hb.len);
    pq_bytes_free(&hb);
    free(buf);
    json_decref(exp);
}

static void test_round_trip_and_fpp(void)
{
    const double fpps[] = {0.01, 0.05, 0.001};
    for (size_t f = 0; f < TN_ARRAY_LEN(fpps); f++) {
        const uint64_t ndv = 20000;
        size_t nb = pq_bloom_optimal_bytes(ndv, fpps[f]);
        uint8_t *bits = calloc(1, nb);
        for (uint64_t i = 0; i < ndv; i++) {
            uint64_t x = i * 2654435761u;
            pq_bloom_insert(bits, nb, pq_bloom_hash_bytes(&x, 8));
        }
        int missing = 0;
        for (uint64_t i = 0; i < ndv; i++) {
            uint64_t x = i * 2654435761u;
            missing += !pq_bloom_check(bits, nb, pq_bloom_hash_bytes(&x, 8));
        }
        CHECK_EQ_INT(missing, 0);
        /* probes never inserted: the rate stays near the target (power-of-two rounding only
         * makes the filter larger, so allow twice the target plus noise) */
        int fp = 0, probes = 200000;
        for (int i = 0; i < probes; i++) {
            uint64_t x = ((uint64_t)i << 40) | 0xABCDEFu;
            fp += pq_bloom_check(bits, nb, pq_bloom_hash_bytes(&x, 8));
        }
        double rate = (double)fp / probes;
        if (rate > fpps[f] * 2 + 0.002)
            fprintf(stderr, "fpp %g: measured %g (%zu bytes)\n", fpps[f], rate, nb);
        CHECK(rate <= fpps[f] * 2 + 0.002);
        free(bits);
    }
    /* an empty filter contains nothing; a malformed size answers "maybe" */
    uint8_t empty[32] = {0};
    CHECK(!pq_bloom_check(empty, 32, 12345));
    CHECK(pq_bloom_check(empty, 31, 12345));
    CHECK(pq_bloom_check(empty, 0, 12345));
}

static void test_sizing(void)
{
    CHECK_EQ_INT(pq_bloom_optimal_bytes(0, 0.01), PQ_BLOOM_MIN_BYTES);
    CHECK_EQ_INT(pq_bloom_optimal_bytes(1, 0.01), PQ_BLOOM_MIN_BYTES);
    CHECK_EQ_INT(pq_bloom_optimal_bytes(UINT64_C(1) << 40, 0.01), PQ_BLOOM_MAX_BYTES);
    size_t prev = 0;
    for (uint64_t ndv = 1; ndv < 3000000; ndv = ndv * 3 + 1) {
        size_t b = pq_bloom_optimal_bytes(ndv, 0.01);
        CHECK((b & (b - 1)) == 0 && b >= PQ_BLOOM_MIN_BYTES && b <= PQ_BLOOM_MAX_BYTES);
        CHECK(b >= prev);
        /* enough bits: -8 / ln(1 - p^(1/8)) per value (when not capped) */
        double need = (double)ndv * (-8.0 / log(1.0 - pow(0.01, 1.0 / 8.0))) / 8.0;
        CHECK(b == PQ_BLOOM_MAX_BYTES || (double)b >= need);
        CHECK((double)b < need * 2 || b == PQ_BLOOM_MIN_BYTES);
        prev = b;
    }
    /* a lower fpp needs more space; an invalid fpp means the default */
    CHECK(pq_bloom_optimal_bytes(10000, 0.001) > pq_bloom_optimal_bytes(10000, 0.1));
    CHECK_EQ_INT(pq_bloom_optimal_bytes(10000, -1), pq_bloom_optimal_bytes(10000, 0.01));
    uint64_t m = pq_bloom_max_ndv(0.01);
    CHECK(pq_bloom_optimal_bytes(m, 0.01) == PQ_BLOOM_MAX_BYTES);
    CHECK(pq_bloom_optimal_bytes(m / 2, 0.01) <= PQ_BLOOM_MAX_BYTES / 2 + 1);
}

static void test_header_errors(void)
{
    tn_err err = TN_ERR_INIT;
    pq_bytes hb = {0};
    CHECK_EQ_INT(pq_bloom_header_encode(&hb, 1024), TN_OK);
    size_t hl;
    uint32_t nb;
    /* every truncation is TN_CORRUPT, never a crash */
    for (size_t cut = 0; cut < hb.len; cut++)
        CHECK_EQ_INT(pq_bloom_header_decode(hb.data, cut, 100, &hl, &nb, &err), TN_CORRUPT);
    CHECK_EQ_INT(pq_bloom_header_decode(hb.data, hb.len, 100, &hl, &nb, &err), TN_OK);
    CHECK_EQ_INT(nb, 1024);
    pq_bytes_free(&hb);

    /* bad sizes */
    const uint32_t bad[] = {0, 31, 48, 1000};
    for (size_t i = 0; i < TN_ARRAY_LEN(bad); i++) {
        CHECK_EQ_INT(pq_bloom_header_encode(&hb, bad[i]), TN_OK);
        CHECK_EQ_INT(pq_bloom_header_decode(hb.data, hb.len, 0, &hl, &nb, &err), TN_CORRUPT);
        CHECK(strstr(err.msg, "size") != NULL);
        hb.len = 0;
    }
    /* another hash (union member 2) is TN_NOTSUP; a missing field is TN_CORRUPT */
    CHECK_EQ_INT(pq_bloom_header_encode(&hb, 64), TN_OK);
    /* byte layout: 15 80 01 (numBytes=64), then 1c 1c 00 00 (algorithm), 1c 1c 00 00 (hash), ...
     * change the hash member's field header from id 1 to id 2 */
    int pos = -1, seen = 0;
    for (size_t i = 0; i + 1 < hb.len; i++)
        if (hb.data[i] == 0x1c && hb.data[i + 1] == 0x1c && ++seen == 2) {
            pos = (int)i + 1;
            break;
        }
    CHECK(pos > 0);
    if (pos > 0) {
        hb.data[pos] = 0x2c;
        CHECK_EQ_INT(pq_bloom_header_decode(hb.data, hb.len, 0, &hl, &nb, &err), TN_NOTSUP);
        CHECK(strstr(err.msg, "hash") != NULL);
    }
    const uint8_t only_size[] = {0x15, 0x80, 0x01, 0x00};
    CHECK_EQ_INT(pq_bloom_header_decode(only_size, sizeof only_size, 0, &hl, &nb, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "missing") != NULL);
    pq_bytes_free(&hb);
}

static uint64_t h_le(uint64_t v, int n)
{
    uint8_t b[8];
    for (int i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return XXH64(b, (size_t)n, 0);
}

static void test_value_hashing(void)
{
    /* integers narrower than 32 bits hash as INT32, 64-bit types as INT64 (PLAIN LE bytes) */
    int8_t i8 = -5;
    CHECK(pq_bloom_hash_value(tn_type_make(TN_T_INT8), &i8) == h_le((uint32_t)-5, 4));
    uint32_t u32 = 4000000000u;
    CHECK(pq_bloom_hash_value(tn_type_make(TN_T_UINT32), &u32) == h_le(u32, 4));
    int64_t i64 = -1234567890123LL;
    CHECK(pq_bloom_hash_value(tn_type_make(TN_T_INT64), &i64) == h_le((uint64_t)i64, 8));
    int32_t date = 19000;
    CHECK(pq_bloom_hash_value(tn_type_make(TN_T_DATE), &date) == h_le(19000, 4));
    int64_t tms = 1234; /* TIME(ms) is stored in INT32 */
    CHECK(pq_bloom_hash_value(tn_type_time(TN_UNIT_MS), &tms) == h_le(1234, 4));
    CHECK(pq_bloom_hash_value(tn_type_time(TN_UNIT_US), &tms) == h_le(1234, 8));
    int64_t d9 = -12345; /* DECIMAL(9,2) in INT32 */
    CHECK(pq_bloom_hash_value(tn_type_decimal(9, 2), &d9) == h_le((uint32_t)-12345, 4));
    double dd = 2.5;
    uint64_t db;
    memcpy(&db, &dd, 8);
    CHECK(pq_bloom_hash_value(tn_type_make(TN_T_DOUBLE), &dd) == h_le(db, 8));
    /* DECIMAL(20) is a 9-byte big-endian FIXED_LEN_BYTE_ARRAY */
    tn_i128 big = -2;
    uint8_t be9[9];
    memset(be9, 0xff, 9);
    be9[8] = 0xfe;
    CHECK(pq_bloom_hash_value(tn_type_decimal(20, 0), &big) == XXH64(be9, 9, 0));
    uint64_t got;
    CHECK(pq_bloom_hash_physical(PQ_FIXED_LEN_BYTE_ARRAY, 9, tn_type_decimal(20, 0), &big, &got) &&
          got == XXH64(be9, 9, 0));
    /* the same decimal probed in another writer's INT64 column */
    int64_t small = -2;
    CHECK(pq_bloom_hash_physical(PQ_INT64, 0, tn_type_decimal(18, 0), &small, &got) &&
          got == h_le((uint64_t)-2, 8));
    /* values that cannot be stored in the column: no probe */
    int64_t huge = (int64_t)1 << 40;
    CHECK(!pq_bloom_hash_physical(PQ_INT32, 0, tn_type_make(TN_T_INT64), &huge, &got));
    uint64_t uneg = UINT64_MAX;
    CHECK(!pq_bloom_hash_physical(PQ_INT32, 0, tn_type_make(TN_T_UINT64), &uneg, &got));
    tn_i128 wide = (tn_i128)1 << 80;
    CHECK(!pq_bloom_hash_physical(PQ_FIXED_LEN_BYTE_ARRAY, 9, tn_type_decimal(38, 0), &wide, &got));
    float fl = 1.0f;
    CHECK(!pq_bloom_hash_physical(PQ_DOUBLE, 0, tn_type_make(TN_T_FLOAT), &fl, &got));
    tn_str s = tn_str_make("abc", 3);
    CHECK(!pq_bloom_hash_physical(PQ_FIXED_LEN_BYTE_ARRAY, 4, tn_type_make(TN_T_VARCHAR), &s, &got));
    CHECK(pq_bloom_hash_physical(PQ_FIXED_LEN_BYTE_ARRAY, 3, tn_type_make(TN_T_VARCHAR), &s, &got) &&
          got == XXH64("abc", 3, 0));
    CHECK(!pq_bloom_hash_physical(PQ_BOOLEAN, 0, tn_type_make(TN_T_BOOL), &s, &got));
    /* supported types */
    CHECK(!pq_bloom_type_supported(tn_type_make(TN_T_BOOL)));
    CHECK(!pq_bloom_type_supported(tn_type_make(TN_T_NULL)));
    CHECK(!pq_bloom_type_supported(tn_type_make(TN_T_INTERVAL)));
    CHECK(pq_bloom_type_supported(tn_type_make(TN_T_UUID)));
    CHECK(pq_bloom_type_supported(tn_type_make(TN_T_BLOB)));
}

TEST_MAIN(test_fixture, test_round_trip_and_fpp, test_sizing, test_header_errors, test_value_hashing)
