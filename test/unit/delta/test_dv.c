/*
 * test_dv.c -- deletion vectors: the inline example of PROTOCOL.md, RoaringBitmapArrays built
 * independently with CRoaring (array, bitmap and run containers, several 32-bit buckets) queried
 * with contains / iteration / batch selection against the expected sets, DV files ('u' with a
 * random prefix and 'p' absolute paths, several DVs in one file), and every corruption the
 * decoder must reject (CRC, sizes, version byte, magic, cardinality, unsorted containers, key top
 * bit, trailing bytes, unsafe prefixes).
 */
#include "delta_testutil.h"

#include <roaring/roaring.h>
#include <zlib.h>

typedef struct bytes {
    uint8_t *p;
    size_t n, cap;
} bytes;

static void b_put(bytes *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void b_le32(bytes *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    b_put(b, x, 4);
}

static void b_le64(bytes *b, uint64_t v)
{
    b_le32(b, (uint32_t)v);
    b_le32(b, (uint32_t)(v >> 32));
}

static void b_be32(bytes *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    b_put(b, x, 4);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Serialize a sorted set of 64-bit rows as a RoaringBitmapArray using CRoaring per bucket. */
static void serialize_rows(const uint64_t *rows, size_t n, bool optimize, bytes *out)
{
    b_le32(out, 1681511377u);
    size_t nb = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || rows[i] >> 32 != rows[i - 1] >> 32)
            nb++;
    b_le64(out, nb);
    for (size_t i = 0; i < n;) {
        uint32_t hi = (uint32_t)(rows[i] >> 32);
        roaring_bitmap_t *r = roaring_bitmap_create();
        size_t j = i;
        while (j < n && rows[j] >> 32 == hi)
            roaring_bitmap_add(r, (uint32_t)rows[j++]);
        if (optimize)
            roaring_bitmap_run_optimize(r);
        size_t sz = roaring_bitmap_portable_size_in_bytes(r);
        char *buf = malloc(sz);
        roaring_bitmap_portable_serialize(r, buf);
        b_le32(out, hi);
        b_put(out, buf, sz);
        free(buf);
        roaring_bitmap_free(r);
        i = j;
    }
}

static uint64_t *make_rows(size_t *n)
{
    uint64_t *v = malloc(sizeof *v * 20000);
    size_t k = 0;
    v[k++] = 0;
    v[k++] = 1;
    v[k++] = 2;
    v[k++] = 65535;
    v[k++] = 65536;
    for (uint64_t x = 100000; x < 100100; x++) /* a run */
        v[k++] = x;
    for (uint64_t x = 0; x < 6000; x++) /* > 4096 values in one container: a bitmap */
        v[k++] = (3u << 16) + x * 7 % 65536 * 0 + x * 10;
    v[k++] = ((uint64_t)1 << 32) + 5;
    v[k++] = ((uint64_t)2 << 32) + 7;
    v[k++] = ((uint64_t)2 << 32) + 65536 * 9 + 1;
    qsort(v, k, sizeof *v, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (i == 0 || v[i] != v[u - 1])
            v[u++] = v[i];
    *n = u;
    return v;
}

static bool in_set(const uint64_t *v, size_t n, uint64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (v[m] < x)
            lo = m + 1;
        else
            hi = m;
    }
    return lo < n && v[lo] == x;
}

static void check_dv_matches(const dlt_dv *dv, const uint64_t *rows, size_t n)
{
    CHECK_EQ_INT(dlt_dv_cardinality(dv), n);
    CHECK_EQ_INT(dlt_dv_max(dv), rows[n - 1]);
    /* contains: members and neighbours */
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (!dlt_dv_contains(dv, rows[i]))
            bad++;
        if (dlt_dv_contains(dv, rows[i] + 1) != in_set(rows, n, rows[i] + 1))
            bad++;
        if (rows[i] && dlt_dv_contains(dv, rows[i] - 1) != in_set(rows, n, rows[i] - 1))
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(!dlt_dv_contains(dv, (uint64_t)7 << 32));
    /* full iteration in small steps */
    dlt_dv_iter it;
    dlt_dv_iter_init(&it, dv, 0);
    uint64_t buf[7];
    size_t k = 0;
    uint32_t got;
    bad = 0;
    while ((got = dlt_dv_iter_next(&it, UINT64_MAX, buf, 7)) > 0)
        for (uint32_t i = 0; i < got; i++, k++)
            if (k >= n || buf[i] != rows[k])
                bad++;
    CHECK_EQ_INT(k, n);
    CHECK_EQ_INT(bad, 0);
    /* iteration from the middle of containers, bounded above */
    uint64_t from = 100050, to = (3u << 16) + 500;
    dlt_dv_iter_init(&it, dv, from);
    size_t want = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i] >= from && rows[i] < to)
            want++;
    k = 0;
    while ((got = dlt_dv_iter_next(&it, to, buf, 7)) > 0) {
        for (uint32_t i = 0; i < got; i++)
            if (buf[i] < from || buf[i] >= to || !in_set(rows, n, buf[i]))
                bad++;
        k += got;
    }
    CHECK_EQ_INT(k, want);
    CHECK_EQ_INT(bad, 0);
    /* batch selection over several batch boundaries */
    uint32_t sel[2048];
    uint64_t starts[] = {0, 65000, 99999, 3u << 16, (3u << 16) + 59000, ((uint64_t)1 << 32), ((uint64_t)2 << 32) + 65536 * 9};
    for (size_t s = 0; s < TN_ARRAY_LEN(starts); s++) {
        uint32_t cnt = 2048;
        uint32_t m = dlt_dv_select(dv, starts[s], cnt, sel);
        uint32_t expect = 0;
        bad = 0;
        for (uint32_t r = 0; r < cnt; r++)
            if (!in_set(rows, n, starts[s] + r)) {
                if (expect >= m || sel[expect] != r)
                    bad++;
                expect++;
            }
        CHECK_EQ_INT(m, expect);
        CHECK_EQ_INT(bad, 0);
    }
}

static void test_roaring_built(void)
{
    size_t n;
    uint64_t *rows = make_rows(&n);
    for (int opt = 0; opt < 2; opt++) {
        bytes b = {0};
        serialize_rows(rows, n, opt == 1, &b);
        dlt_dv *dv = NULL;
        tn_err err = TN_ERR_INIT;
        CHECK_EQ_INT(dlt_dv_decode(b.p, b.n, &dv, &err), TN_OK);
        if (dv) {
            check_dv_matches(dv, rows, n);
            dlt_dv_free(dv);
        } else {
            fprintf(stderr, "decode: %s\n", err.msg);
        }
        /* every truncation is rejected */
        int ok = 0;
        for (size_t cut = 0; cut < b.n; cut += (b.n / 97) + 1) {
            if (dlt_dv_decode(b.p, cut, &dv, &err) == TN_OK) {
                ok++;
                dlt_dv_free(dv);
            }
        }
        CHECK_EQ_INT(ok, 0);
        /* trailing garbage */
        b_le32(&b, 0);
        CHECK_EQ_INT(dlt_dv_decode(b.p, b.n, &dv, &err), TN_CORRUPT);
        CHECK(strstr(err.msg, "trailing") != NULL);
        free(b.p);
    }
    /* an empty bitmap */
    bytes e = {0};
    serialize_rows(NULL, 0, false, &e);
    dlt_dv *dv;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dlt_dv_decode(e.p, e.n, &dv, &err), TN_OK);
    if (dv) {
        uint32_t sel[16];
        CHECK_EQ_INT(dlt_dv_cardinality(dv), 0);
        CHECK_EQ_INT(dlt_dv_select(dv, 5, 16, sel), 16);
        CHECK_EQ_INT(sel[15], 15);
        CHECK(!dlt_dv_contains(dv, 0));
        dlt_dv_free(dv);
    }
    free(e.p);
    free(rows);
}

static void test_corrupt_bitmaps(void)
{
    dlt_dv *dv;
    tn_err err = TN_ERR_INIT;
    /* hand-made 32-bit bitmap: cookie 12346, 1 container (key 0, card 2), offsets, values */
    uint16_t vals_bad[2] = {5, 3};
    bytes b = {0};
    b_le32(&b, 1681511377u);
    b_le64(&b, 1);
    b_le32(&b, 0);
    b_le32(&b, 12346);
    b_le32(&b, 1);
    uint16_t hdr[2] = {0, 1};
    b_put(&b, hdr, 4);
    b_le32(&b, 0);
    b_put(&b, vals_bad, 4);
    CHECK_EQ_INT(dlt_dv_decode(b.p, b.n, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "not strictly increasing") != NULL);
    /* the same with sorted values decodes */
    b.p[b.n - 4] = 3;
    b.p[b.n - 2] = 5;
    CHECK_EQ_INT(dlt_dv_decode(b.p, b.n, &dv, &err), TN_OK);
    if (dv) {
        CHECK(dlt_dv_contains(dv, 3) && dlt_dv_contains(dv, 5) && !dlt_dv_contains(dv, 4));
        dlt_dv_free(dv);
    }
    /* bad magic */
    b.p[1] ^= 1;
    CHECK_EQ_INT(dlt_dv_decode(b.p, b.n, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "magic") != NULL);
    b.p[1] ^= 1;
    /* bucket key with the top bit set */
    b.p[15] = 0x80;
    CHECK_EQ_INT(dlt_dv_decode(b.p, b.n, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "top bit") != NULL);
    b.p[15] = 0;
    /* unknown cookie */
    b.p[16] = 0x55;
    CHECK_EQ_INT(dlt_dv_decode(b.p, b.n, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "cookie") != NULL);
    free(b.p);
    /* a huge bucket count */
    bytes h = {0};
    b_le32(&h, 1681511377u);
    b_le64(&h, UINT64_MAX);
    CHECK_EQ_INT(dlt_dv_decode(h.p, h.n, &dv, &err), TN_CORRUPT);
    free(h.p);
    /* run container with overlapping runs: cookie 12347 (1 container), run flag, key 0 card 4 */
    bytes r = {0};
    b_le32(&r, 1681511377u);
    b_le64(&r, 1);
    b_le32(&r, 0);
    b_le32(&r, 12347);
    uint8_t flag = 1;
    b_put(&r, &flag, 1);
    uint16_t rh[2] = {0, 3};
    b_put(&r, rh, 4);
    uint16_t runs[5] = {2, 10, 1, 11, 1}; /* nruns 2: [10,11] and [11,12] overlap */
    b_put(&r, runs, 10);
    CHECK_EQ_INT(dlt_dv_decode(r.p, r.n, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "run") != NULL);
    /* fix the second run to start at 20: valid, card 4 */
    r.p[r.n - 4] = 20;
    CHECK_EQ_INT(dlt_dv_decode(r.p, r.n, &dv, &err), TN_OK);
    if (dv) {
        CHECK_EQ_INT(dlt_dv_cardinality(dv), 4);
        CHECK(dlt_dv_contains(dv, 21) && !dlt_dv_contains(dv, 12) && dlt_dv_contains(dv, 11));
        uint32_t sel[32];
        CHECK_EQ_INT(dlt_dv_select(dv, 0, 32, sel), 28);
        dlt_dv_free(dv);
    }
    /* cardinality mismatch in the header */
    r.p[r.n - 10 - 2] = 9;
    CHECK_EQ_INT(dlt_dv_decode(r.p, r.n, &dv, &err), TN_CORRUPT);
    free(r.p);
}

/* Inputs that CRoaring 0.2.66's deserializer accepts but whose iterators would then read out of
 * bounds (all-zero bitset container, run container without runs): dv.c must reject them before
 * CRoaring sees them. Also an empty bucket before a non-empty one. */
static void test_croaring_traps(void)
{
    dlt_dv *dv;
    tn_err err = TN_ERR_INIT;
    /* bitset container: header cardinality 5000 (> 4096 so it is a bitset), no bits set */
    bytes z = {0};
    b_le32(&z, 1681511377u);
    b_le64(&z, 1);
    b_le32(&z, 0);
    b_le32(&z, 12346);
    b_le32(&z, 1);
    uint16_t zh[2] = {0, 4999};
    b_put(&z, zh, 4);
    b_le32(&z, 0);
    uint8_t *zeros = calloc(1, 8192);
    b_put(&z, zeros, 8192);
    CHECK_EQ_INT(dlt_dv_decode(z.p, z.n, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "bitmap container cardinality") != NULL);
    /* set exactly 5000 bits: valid */
    for (int i = 0; i < 5000; i++)
        z.p[z.n - 8192 + i / 8] |= (uint8_t)(1u << (i % 8));
    CHECK_EQ_INT(dlt_dv_decode(z.p, z.n, &dv, &err), TN_OK);
    if (dv) {
        CHECK_EQ_INT(dlt_dv_cardinality(dv), 5000);
        CHECK_EQ_INT(dlt_dv_max(dv), 4999);
        uint32_t sel[6000];
        CHECK_EQ_INT(dlt_dv_select(dv, 0, 6000, sel), 1000);
        CHECK_EQ_INT(sel[0], 5000);
        dlt_dv_free(dv);
    }
    free(zeros);
    free(z.p);
    /* run container with zero runs (header says 1 value) */
    bytes r = {0};
    b_le32(&r, 1681511377u);
    b_le64(&r, 1);
    b_le32(&r, 0);
    b_le32(&r, 12347);
    uint8_t flag = 1;
    b_put(&r, &flag, 1);
    uint16_t rh[3] = {0, 0, 0}; /* key 0, card 1, nruns 0 */
    b_put(&r, rh, 6);
    CHECK_EQ_INT(dlt_dv_decode(r.p, r.n, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "run container cardinality") != NULL);
    free(r.p);
    /* bucket 0 empty (0 containers), bucket 2 holds row (2 << 32) + 7 */
    bytes e = {0};
    b_le32(&e, 1681511377u);
    b_le64(&e, 2);
    b_le32(&e, 0);
    b_le32(&e, 12346);
    b_le32(&e, 0);
    b_le32(&e, 2);
    b_le32(&e, 12346);
    b_le32(&e, 1);
    uint16_t eh[2] = {0, 0};
    b_put(&e, eh, 4);
    b_le32(&e, 0);
    uint16_t seven = 7;
    b_put(&e, &seven, 2);
    CHECK_EQ_INT(dlt_dv_decode(e.p, e.n, &dv, &err), TN_OK);
    if (dv) {
        uint64_t row = ((uint64_t)2 << 32) + 7;
        CHECK_EQ_INT(dlt_dv_cardinality(dv), 1);
        CHECK_EQ_INT(dlt_dv_max(dv), row);
        CHECK(dlt_dv_contains(dv, row) && !dlt_dv_contains(dv, 7));
        uint32_t sel[16];
        CHECK_EQ_INT(dlt_dv_select(dv, row - 8, 16, sel), 15);
        CHECK_EQ_INT(sel[7], 7);
        CHECK_EQ_INT(sel[8], 9);
        dlt_dv_iter it;
        uint64_t buf[4];
        dlt_dv_iter_init(&it, dv, 0);
        CHECK_EQ_INT(dlt_dv_iter_next(&it, UINT64_MAX, buf, 4), 1);
        CHECK_EQ_INT(buf[0], row);
        CHECK_EQ_INT(dlt_dv_iter_next(&it, UINT64_MAX, buf, 4), 0);
        dlt_dv_free(dv);
    }
    free(e.p);
}

/* Native layout: magic 1681511376 and int32 framing (big- or little-endian), bitmap i = high key i. */
static void test_native_layout(void)
{
    for (int big = 0; big < 2; big++) {
        bytes b = {0};
        if (big) {
            b_be32(&b, 1681511376u);
            b_be32(&b, 2);
        } else {
            b_le32(&b, 1681511376u);
            b_le32(&b, 2);
        }
        for (int i = 0; i < 2; i++) {
            roaring_bitmap_t *r = roaring_bitmap_create();
            if (i == 1) {
                roaring_bitmap_add(r, 3);
                roaring_bitmap_add(r, 70000);
            }
            size_t sz = roaring_bitmap_portable_size_in_bytes(r);
            char *buf = malloc(sz);
            roaring_bitmap_portable_serialize(r, buf);
            if (big)
                b_be32(&b, (uint32_t)sz);
            else
                b_le32(&b, (uint32_t)sz);
            b_put(&b, buf, sz);
            free(buf);
            roaring_bitmap_free(r);
        }
        dlt_dv *dv = NULL;
        tn_err err = TN_ERR_INIT;
        CHECK_EQ_INT(dlt_dv_decode(b.p, b.n, &dv, &err), TN_OK);
        if (dv) {
            CHECK_EQ_INT(dlt_dv_cardinality(dv), 2);
            CHECK(dlt_dv_contains(dv, ((uint64_t)1 << 32) + 3));
            CHECK(dlt_dv_contains(dv, ((uint64_t)1 << 32) + 70000));
            CHECK(!dlt_dv_contains(dv, 3));
            dlt_dv_free(dv);
        }
        /* a length that disagrees with the bitmap */
        size_t first_len_at = 8;
        b.p[first_len_at + (big ? 3 : 0)] += 4;
        CHECK_EQ_INT(dlt_dv_decode(b.p, b.n, &dv, &err), TN_CORRUPT);
        free(b.p);
    }
}

static void test_inline_example(void)
{
    const char *root = dt_table("dvinline");
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    tn_err err = TN_ERR_INIT;
    dlt_table *t;
    CHECK_EQ_INT(dlt_table_open(vfs_default(), root, &t, &err), TN_OK);
    dlt_dv_desc d;
    memset(&d, 0, sizeof d);
    d.storage_type = 'i';
    d.path_or_inline = (char *)"wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L";
    d.size_in_bytes = 40;
    d.cardinality = 6;
    dlt_dv *dv = NULL;
    CHECK_EQ_INT(dlt_dv_load(t, &d, &dv, &err), TN_OK);
    if (dv) {
        uint64_t want[] = {3, 4, 7, 11, 18, 29};
        dlt_dv_iter it;
        dlt_dv_iter_init(&it, dv, 0);
        uint64_t buf[16];
        uint32_t n = dlt_dv_iter_next(&it, 1000, buf, 16);
        CHECK_EQ_INT(n, 6);
        for (uint32_t i = 0; i < n && i < 6; i++)
            CHECK_EQ_INT(buf[i], want[i]);
        CHECK_EQ_INT(dlt_dv_iter_next(&it, 1000, buf, 16), 0);
        dlt_dv_free(dv);
    } else {
        fprintf(stderr, "%s\n", err.msg);
    }
    d.cardinality = 5;
    CHECK_EQ_INT(dlt_dv_load(t, &d, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "cardinality") != NULL);
    d.cardinality = 6;
    d.size_in_bytes = 45; /* the text is too short */
    CHECK_EQ_INT(dlt_dv_load(t, &d, &dv, &err), TN_CORRUPT);
    d.size_in_bytes = 40;
    d.path_or_inline = (char *)"wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{~";
    CHECK_EQ_INT(dlt_dv_load(t, &d, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "Z85") != NULL);
    char *path = NULL;
    CHECK_EQ_INT(dlt_dv_path(t, &d, &path, &err), TN_ERROR); /* inline: no file */
    dlt_table_unref(t);
}

static void write_dv_file(const char *root, const char *rel, const bytes *dv1, const bytes *dv2, uint32_t *off2)
{
    bytes f = {0};
    uint8_t ver = 1;
    b_put(&f, &ver, 1);
    b_be32(&f, (uint32_t)dv1->n);
    b_put(&f, dv1->p, dv1->n);
    b_be32(&f, (uint32_t)crc32(0L, dv1->p, (uInt)dv1->n));
    *off2 = (uint32_t)f.n;
    b_be32(&f, (uint32_t)dv2->n);
    b_put(&f, dv2->p, dv2->n);
    b_be32(&f, (uint32_t)crc32(0L, dv2->p, (uInt)dv2->n));
    dt_put_bytes(root, rel, f.p, f.n);
    free(f.p);
}

static void test_dv_files(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("dvfiles"));
    size_t n;
    uint64_t *rows = make_rows(&n);
    bytes a = {0}, b = {0};
    serialize_rows(rows, n, true, &a);
    uint64_t small[] = {1, 5, 9};
    serialize_rows(small, 3, false, &b);
    uint32_t off2;
    write_dv_file(root, "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", &a, &b, &off2);
    write_dv_file(root, "abs_dv.bin", &b, &a, &off2);
    /* a table whose file points at the DV */
    char extra[512];
    snprintf(extra, sizeof extra,
             "\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":\"ab^-aqEH.-t@S}K{vb[*k^\",\"offset\":1,"
             "\"sizeInBytes\":%zu,\"cardinality\":%zu}", a.n, n);
    dt_commit(root, 0,
              dt_cat("{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\"],"
                     "\"writerFeatures\":[\"deletionVectors\"]}}\n",
                     dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("data.parquet", 1, NULL, extra), NULL));
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (!s) {
        fprintf(stderr, "%s\n", err.msg);
        goto out;
    }
    const dlt_file *f = &s->files[0];
    CHECK(f->has_dv);
    char *path = NULL;
    CHECK_EQ_INT(dlt_dv_path(s->table, &f->dv, &path, &err), TN_OK);
    char want[4096];
    snprintf(want, sizeof want, "%s/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", root);
    CHECK_EQ_STR(path, want);
    tn_free(path);
    dlt_dv *dv = NULL;
    CHECK_EQ_INT(dlt_dv_load(s->table, &f->dv, &dv, &err), TN_OK);
    if (dv) {
        check_dv_matches(dv, rows, n);
        dlt_dv_free(dv);
    } else {
        fprintf(stderr, "%s\n", err.msg);
    }
    dlt_dv_desc d = f->dv;
    /* the second DV of the same file (no random prefix in this one: 'p' absolute path) */
    char uri[4096];
    snprintf(uri, sizeof uri, "file://%s/abs_dv.bin", root);
    d.storage_type = 'p';
    d.path_or_inline = uri;
    d.offset = (int32_t)off2;
    d.size_in_bytes = (int32_t)a.n;
    d.cardinality = (int64_t)n;
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_OK);
    if (dv) {
        CHECK_EQ_INT(dlt_dv_cardinality(dv), n);
        dlt_dv_free(dv);
    }
    d.offset = 1;
    d.size_in_bytes = (int32_t)b.n;
    d.cardinality = 3;
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_OK);
    if (dv) {
        CHECK(dlt_dv_contains(dv, 5) && !dlt_dv_contains(dv, 4));
        dlt_dv_free(dv);
    }
    /* size mismatch, wrong offset, CRC, version byte, truncation */
    d.size_in_bytes = (int32_t)b.n + 1;
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "descriptor says") != NULL);
    d.size_in_bytes = (int32_t)b.n;
    d.offset = 2;
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_CORRUPT);
    d.offset = 1;
    char fpath[4096];
    snprintf(fpath, sizeof fpath, "%s/abs_dv.bin", root);
    FILE *fp = fopen(fpath, "r+b");
    fseek(fp, 10, SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, 10, SEEK_SET);
    fputc(c ^ 0x40, fp);
    fclose(fp);
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "CRC-32") != NULL);
    fp = fopen(fpath, "r+b");
    fputc(2, fp);
    fclose(fp);
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "version") != NULL);
    CHECK_EQ_INT(truncate(fpath, 20), 0);
    fp = fopen(fpath, "r+b");
    fputc(1, fp);
    fclose(fp);
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_CORRUPT);
    /* missing file */
    d.path_or_inline = (char *)"file:///definitely/not/here.bin";
    CHECK(dlt_dv_load(s->table, &d, &dv, &err) != TN_OK);
    /* unsafe or malformed 'u' paths */
    d.storage_type = 'u';
    d.path_or_inline = (char *)"..^-aqEH.-t@S}K{vb[*k^";
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "alphanumeric") != NULL);
    d.path_or_inline = (char *)"short";
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_CORRUPT);
    d.storage_type = 'q';
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_CORRUPT);
    /* 'p' outside the table */
    d.storage_type = 'p';
    d.path_or_inline = (char *)"/tmp/elsewhere.bin";
    CHECK_EQ_INT(dlt_dv_load(s->table, &d, &dv, &err), TN_NOTSUP);
    dlt_snapshot_unref(s);
out:
    free(a.p);
    free(b.p);
    free(rows);
}

TEST_MAIN(test_roaring_built, test_corrupt_bitmaps, test_croaring_traps, test_native_layout, test_inline_example, test_dv_files)
