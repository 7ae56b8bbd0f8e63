/*
 * test_thrift.c -- the Thrift compact decoder (thrift_read.c), the metadata decoders built on it
 * (metadata.c: FileMetaData, PageHeader, LogicalType) and pq_file_open's footer checks, on
 * hand-built bytes: varints and zigzag, field-id deltas and absolute ids, bools in fields and
 * lists, long list headers, skipping unknown fields of every type, nesting-depth limits,
 * truncation at every byte, hostile list sizes, and invalid/missing metadata.
 *
 * The bytes are produced by a tiny encoder written here (independent of the writer's encoder),
 * so a symmetric misunderstanding of the protocol cannot hide in both.
 */
#include "tn_test.h"
#include "parquet/metadata.h"
#include "parquet/parquet.h"
#include "parquet/thrift.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- a minimal compact-protocol writer for the tests ---- */
typedef struct W {
    uint8_t b[8192];
    size_t n;
    int16_t last[256];
    int depth;
} W;

static void w_byte(W *w, uint8_t x) { w->b[w->n++] = x; }
static void w_varint(W *w, uint64_t v)
{
    while (v >= 0x80) {
        w_byte(w, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    w_byte(w, (uint8_t)v);
}
static void w_zz(W *w, int64_t v) { w_varint(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }
static void w_begin(W *w) { w->last[++w->depth] = 0; }
static void w_end(W *w)
{
    w_byte(w, 0);
    w->depth--;
}
static void w_field(W *w, int16_t id, int type)
{
    int16_t d = (int16_t)(id - w->last[w->depth]);
    if (d > 0 && d <= 15)
        w_byte(w, (uint8_t)(d << 4 | type));
    else {
        w_byte(w, (uint8_t)type);
        w_zz(w, id);
    }
    w->last[w->depth] = id;
}
static void w_i32(W *w, int16_t id, int64_t v)
{
    w_field(w, id, PQ_TT_I32);
    w_zz(w, v);
}
static void w_i64(W *w, int16_t id, int64_t v)
{
    w_field(w, id, PQ_TT_I64);
    w_zz(w, v);
}
static void w_bin(W *w, int16_t id, const char *s)
{
    w_field(w, id, PQ_TT_BINARY);
    w_varint(w, strlen(s));
    memcpy(w->b + w->n, s, strlen(s));
    w->n += strlen(s);
}
static void w_list(W *w, int elem, uint32_t n)
{
    if (n < 15)
        w_byte(w, (uint8_t)(n << 4 | elem));
    else {
        w_byte(w, (uint8_t)(0xf0 | elem));
        w_varint(w, n);
    }
}

/* ---- decoder primitives ---- */
static void test_varints(void)
{
    W w = {0};
    w_zz(&w, 0);
    w_zz(&w, -1);
    w_zz(&w, 1);
    w_zz(&w, INT64_MIN);
    w_zz(&w, INT64_MAX);
    w_zz(&w, -2147483648LL);
    pq_thrift t;
    tn_err err = TN_ERR_INIT;
    pq_thrift_init(&t, w.b, w.n, 100, "test", &err);
    int64_t v;
    CHECK_EQ_INT(pq_thrift_int(&t, PQ_TT_I64, &v), TN_OK);
    CHECK_EQ_INT(v, 0);
    CHECK_EQ_INT(pq_thrift_int(&t, PQ_TT_I64, &v), TN_OK);
    CHECK_EQ_INT(v, -1);
    CHECK_EQ_INT(pq_thrift_int(&t, PQ_TT_I64, &v), TN_OK);
    CHECK_EQ_INT(v, 1);
    CHECK_EQ_INT(pq_thrift_int(&t, PQ_TT_I64, &v), TN_OK);
    CHECK(v == INT64_MIN);
    CHECK_EQ_INT(pq_thrift_int(&t, PQ_TT_I64, &v), TN_OK);
    CHECK(v == INT64_MAX);
    int32_t v32;
    CHECK_EQ_INT(pq_thrift_i32(&t, PQ_TT_I32, &v32), TN_OK);
    CHECK_EQ_INT(v32, INT32_MIN);
    CHECK_EQ_INT(pq_thrift_remaining(&t), 0);
    /* reading past the end is an error naming the structure and absolute offset */
    CHECK_EQ_INT(pq_thrift_int(&t, PQ_TT_I32, &v), TN_CORRUPT);
    CHECK(strstr(err.msg, "test at offset") != NULL);
    char off[32];
    snprintf(off, sizeof off, "offset %zu", (size_t)100 + w.n);
    CHECK(strstr(err.msg, off) != NULL);

    /* an i32 field holding a value beyond 32 bits */
    W w2 = {0};
    w_zz(&w2, (int64_t)1 << 40);
    pq_thrift_init(&t, w2.b, w2.n, 0, "test", &err);
    CHECK_EQ_INT(pq_thrift_i32(&t, PQ_TT_I32, &v32), TN_CORRUPT);

    /* an 11-byte varint and a 10-byte varint overflowing 64 bits */
    uint8_t longv[11];
    memset(longv, 0x80, sizeof longv);
    longv[10] = 0;
    pq_thrift_init(&t, longv, sizeof longv, 0, "test", &err);
    uint64_t u;
    CHECK_EQ_INT(pq_thrift_varint(&t, &u), TN_CORRUPT);
    uint8_t over[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    pq_thrift_init(&t, over, sizeof over, 0, "test", &err);
    CHECK_EQ_INT(pq_thrift_varint(&t, &u), TN_CORRUPT);
    over[9] = 0x01; /* exactly 2^64-1 */
    pq_thrift_init(&t, over, sizeof over, 0, "test", &err);
    CHECK_EQ_INT(pq_thrift_varint(&t, &u), TN_OK);
    CHECK(u == UINT64_MAX);
    /* i8 is one raw byte */
    uint8_t i8[] = {0xfe};
    pq_thrift_init(&t, i8, 1, 0, "test", &err);
    CHECK_EQ_INT(pq_thrift_int(&t, PQ_TT_I8, &v), TN_OK);
    CHECK_EQ_INT(v, -2);
}

/* A struct exercising deltas, absolute ids, bools, binary, double and nested containers. */
static size_t build_struct(W *w)
{
    w_begin(w);
    w_i32(w, 1, -7);
    w_field(w, 2, PQ_TT_TRUE);
    w_field(w, 3, PQ_TT_FALSE);
    w_bin(w, 4, "héllo");
    w_i64(w, 40, 123456789012LL); /* delta > 15: absolute id */
    w_field(w, 41, PQ_TT_DOUBLE);
    double d = -2.5;
    memcpy(w->b + w->n, &d, 8);
    w->n += 8;
    w_field(w, 42, PQ_TT_LIST); /* list of 20 bools: long header */
    w_list(w, PQ_TT_TRUE, 20);
    for (int i = 0; i < 20; i++)
        w_byte(w, i % 3 == 0 ? 1 : (i % 3 == 1 ? 2 : 0));
    w_field(w, 43, PQ_TT_MAP); /* map<i32, list<binary>> */
    w_varint(w, 2);
    w_byte(w, PQ_TT_I32 << 4 | PQ_TT_LIST);
    for (int k = 0; k < 2; k++) {
        w_zz(w, k);
        w_list(w, PQ_TT_BINARY, 1);
        w_varint(w, 1);
        w_byte(w, 'x');
    }
    w_field(w, 44, PQ_TT_STRUCT); /* nested struct with its own deltas */
    w_begin(w);
    w_i32(w, 1, 5);
    w_field(w, 2, PQ_TT_SET);
    w_list(w, PQ_TT_I16, 2);
    w_zz(w, 1);
    w_zz(w, -1);
    w_field(w, 3, PQ_TT_UUID);
    memset(w->b + w->n, 0xab, 16);
    w->n += 16;
    w_end(w);
    w_field(w, 45, PQ_TT_MAP); /* empty map: size 0, no type byte */
    w_varint(w, 0);
    w_i32(w, -3, 9); /* negative absolute id */
    w_end(w);
    return w->n;
}

static void test_fields_and_skip(void)
{
    W w = {0};
    size_t n = build_struct(&w);
    tn_err err = TN_ERR_INIT;
    pq_thrift t;
    pq_thrift_init(&t, w.b, n, 0, "s", &err);
    CHECK_EQ_INT(pq_thrift_struct_begin(&t), TN_OK);
    int16_t id = 0;
    int ty;
    int seen = 0;
    for (;;) {
        CHECK_EQ_INT(pq_thrift_field(&t, &id, &ty), TN_OK);
        if (ty == PQ_TT_STOP)
            break;
        seen++;
        if (id == 1) {
            int32_t v;
            CHECK_EQ_INT(pq_thrift_i32(&t, ty, &v), TN_OK);
            CHECK_EQ_INT(v, -7);
        } else if (id == 2 || id == 3) {
            bool b;
            CHECK_EQ_INT(pq_thrift_field_bool(&t, ty, &b), TN_OK);
            CHECK_EQ_INT(b, id == 2);
        } else if (id == 4) {
            const uint8_t *p;
            uint32_t len;
            CHECK_EQ_INT(pq_thrift_binary(&t, &p, &len), TN_OK);
            CHECK_EQ_INT(len, strlen("héllo"));
            CHECK(memcmp(p, "héllo", len) == 0);
        } else if (id == 40) {
            int64_t v;
            CHECK_EQ_INT(pq_thrift_int(&t, ty, &v), TN_OK);
            CHECK(v == 123456789012LL);
        } else if (id == 41) {
            double d;
            CHECK_EQ_INT(pq_thrift_double(&t, &d), TN_OK);
            CHECK(d == -2.5);
        } else if (id == 42) {
            int et;
            uint32_t cnt;
            CHECK_EQ_INT(pq_thrift_list_begin(&t, &et, &cnt), TN_OK);
            CHECK_EQ_INT(cnt, 20);
            for (uint32_t i = 0; i < cnt; i++) {
                bool b;
                CHECK_EQ_INT(pq_thrift_elem_bool(&t, &b), TN_OK);
                CHECK_EQ_INT(b, i % 3 == 0);
            }
            pq_thrift_container_end(&t);
        } else if (id == -3) {
            int32_t v;
            CHECK_EQ_INT(pq_thrift_i32(&t, ty, &v), TN_OK);
            CHECK_EQ_INT(v, 9);
        } else {
            CHECK(id >= 43 && id <= 45);
            CHECK_EQ_INT(pq_thrift_skip(&t, ty), TN_OK);
        }
    }
    pq_thrift_struct_end(&t);
    CHECK_EQ_INT(seen, 11);
    CHECK_EQ_INT(pq_thrift_remaining(&t), 0);
    CHECK_EQ_INT(t.depth, 0);

    /* the whole struct skips as one value */
    pq_thrift_init(&t, w.b, n, 0, "s", &err);
    CHECK_EQ_INT(pq_thrift_skip(&t, PQ_TT_STRUCT), TN_OK);
    CHECK_EQ_INT(pq_thrift_remaining(&t), 0);

    /* every strict prefix fails cleanly (truncation at any byte) */
    int failures = 0;
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, w.b, cut);
        pq_thrift_init(&t, copy, cut, 0, "s", &err);
        if (pq_thrift_skip(&t, PQ_TT_STRUCT) == TN_CORRUPT)
            failures++;
        free(copy);
    }
    CHECK_EQ_INT(failures, (long long)n);
}

static void test_hostile(void)
{
    tn_err err = TN_ERR_INIT;
    pq_thrift t;
    /* list claiming more elements than bytes remain */
    W w = {0};
    w_list(&w, PQ_TT_I32, 1000000);
    w_zz(&w, 1);
    pq_thrift_init(&t, w.b, w.n, 0, "s", &err);
    int et;
    uint32_t cnt;
    CHECK_EQ_INT(pq_thrift_list_begin(&t, &et, &cnt), TN_CORRUPT);
    CHECK(strstr(err.msg, "exceeds") != NULL);
    /* binary longer than the buffer */
    W w2 = {0};
    w_varint(&w2, 50);
    w_byte(&w2, 'a');
    pq_thrift_init(&t, w2.b, w2.n, 0, "s", &err);
    const uint8_t *p;
    uint32_t len;
    CHECK_EQ_INT(pq_thrift_binary(&t, &p, &len), TN_CORRUPT);
    /* invalid field type nibble 14 and invalid list element type */
    uint8_t bad[] = {0x1e, 0x00};
    pq_thrift_init(&t, bad, sizeof bad, 0, "s", &err);
    CHECK_EQ_INT(pq_thrift_skip(&t, PQ_TT_STRUCT), TN_CORRUPT);
    uint8_t badl[] = {0x19, 0x10, 0x00};
    pq_thrift_init(&t, badl, sizeof badl, 0, "s", &err);
    CHECK_EQ_INT(pq_thrift_skip(&t, PQ_TT_STRUCT), TN_CORRUPT);
    /* deeply nested structs: 200 levels of field 1 struct */
    W w3 = {0};
    for (int i = 0; i < 200; i++) {
        w_begin(&w3);
        w_field(&w3, 1, PQ_TT_STRUCT);
    }
    w_begin(&w3);
    for (int i = 0; i < 201; i++)
        w_end(&w3);
    pq_thrift_init(&t, w3.b, w3.n, 0, "s", &err);
    CHECK_EQ_INT(pq_thrift_skip(&t, PQ_TT_STRUCT), TN_CORRUPT);
    CHECK(strstr(err.msg, "nesting") != NULL);
    /* ... while PQ_THRIFT_MAX_DEPTH - 1 levels are fine */
    W w4 = {0};
    for (int i = 0; i < PQ_THRIFT_MAX_DEPTH - 1; i++) {
        w_begin(&w4);
        w_field(&w4, 1, PQ_TT_STRUCT);
    }
    w_begin(&w4);
    for (int i = 0; i < PQ_THRIFT_MAX_DEPTH; i++)
        w_end(&w4);
    pq_thrift_init(&t, w4.b, w4.n, 0, "s", &err);
    CHECK_EQ_INT(pq_thrift_skip(&t, PQ_TT_STRUCT), TN_OK);
    /* deeply nested lists count too */
    uint8_t lists[300];
    for (size_t i = 0; i < sizeof lists; i++)
        lists[i] = 0x19; /* list of 1 list */
    pq_thrift_init(&t, lists, sizeof lists, 0, "s", &err);
    CHECK_EQ_INT(pq_thrift_skip(&t, PQ_TT_LIST), TN_CORRUPT);
    /* a field id delta that overflows i16 */
    W w5 = {0};
    w_begin(&w5);
    w_i32(&w5, 32767, 1);
    w_byte(&w5, 0x15); /* delta 1 -> 32768 */
    w_zz(&w5, 1);
    w_end(&w5);
    pq_thrift_init(&t, w5.b, w5.n, 0, "s", &err);
    CHECK_EQ_INT(pq_thrift_skip(&t, PQ_TT_STRUCT), TN_CORRUPT);
}

/* ---- metadata ---- */
static void w_schema_elem(W *w, const char *name, int type, int rep, int nchildren, int converted)
{
    w_begin(w);
    if (type >= 0)
        w_i32(w, 1, type);
    if (rep >= 0)
        w_i32(w, 3, rep);
    w_bin(w, 4, name);
    if (nchildren >= 0)
        w_i32(w, 5, nchildren);
    if (converted >= 0)
        w_i32(w, 6, converted);
}

/* FileMetaData: root + leaves a (INT64 required), b (BYTE_ARRAY UTF8 optional), c (INT32 with an
 * unknown LogicalType member 30 and a TIMESTAMP-less fallback), zero row groups. */
static size_t build_footer(W *w, bool with_rows, bool with_unknown_field)
{
    w_begin(w);
    w_i32(w, 1, 1);
    w_field(w, 2, PQ_TT_LIST);
    w_list(w, PQ_TT_STRUCT, 4);
    w_schema_elem(w, "schema", -1, -1, 3, -1);
    w_end(w);
    w_schema_elem(w, "a", PQ_INT64, PQ_REQUIRED, -1, -1);
    w_end(w);
    w_schema_elem(w, "b", PQ_BYTE_ARRAY, PQ_OPTIONAL, -1, PQ_CT_UTF8);
    w_end(w);
    w_schema_elem(w, "c", PQ_INT32, PQ_OPTIONAL, -1, PQ_CT_DATE);
    w_field(w, 10, PQ_TT_STRUCT); /* LogicalType with unknown member 30 */
    w_begin(w);
    w_field(w, 30, PQ_TT_STRUCT);
    w_begin(w);
    w_i32(w, 1, 77);
    w_end(w);
    w_end(w);
    w_end(w);
    if (with_rows)
        w_i64(w, 3, 0);
    w_field(w, 4, PQ_TT_LIST);
    w_list(w, PQ_TT_STRUCT, 0);
    w_bin(w, 6, "tarn test");
    if (with_unknown_field) {
        w_field(w, 100, PQ_TT_MAP);
        w_varint(w, 1);
        w_byte(w, PQ_TT_BINARY << 4 | PQ_TT_DOUBLE);
        w_varint(w, 1);
        w_byte(w, 'k');
        memset(w->b + w->n, 0, 8);
        w->n += 8;
    }
    w_end(w);
    return w->n;
}

static void test_file_meta(void)
{
    W w = {0};
    size_t n = build_footer(&w, true, true);
    pq_file_meta m;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_file_meta_decode(w.b, n, 1000, &m, &err), TN_OK);
    CHECK_EQ_INT(m.version, 1);
    CHECK_EQ_INT(m.nschema, 4);
    CHECK_EQ_INT(m.nrow_groups, 0);
    CHECK(m.has_created_by && m.created_by.n == 9);
    CHECK_EQ_INT(m.schema[0].num_children, 3);
    CHECK_EQ_INT(m.schema[2].converted_type, PQ_CT_UTF8);
    CHECK_EQ_INT(m.schema[3].logical.id, PQ_LT_NONE); /* unknown member ignored ... */
    CHECK_EQ_INT(m.schema[3].logical.raw_id, 30);     /* ... but remembered */
    pq_file_meta_free(&m);

    /* a missing required field (num_rows) */
    W w2 = {0};
    n = build_footer(&w2, false, false);
    CHECK_EQ_INT(pq_file_meta_decode(w2.b, n, 1000, &m, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "num_rows") != NULL);

    /* every truncation of a valid footer fails cleanly */
    W w3 = {0};
    n = build_footer(&w3, true, true);
    int fails = 0;
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, w3.b, cut);
        if (pq_file_meta_decode(copy, cut, 0, &m, &err) == TN_CORRUPT)
            fails++;
        free(copy);
    }
    CHECK_EQ_INT(fails, (long long)n);
}

static void test_page_header(void)
{
    tn_err err = TN_ERR_INIT;
    pq_page_header h;
    size_t hl;
    /* dictionary page header with a negative num_values (ARROW-RS-GH-6229) */
    W w = {0};
    w_begin(&w);
    w_i32(&w, 1, PQ_PAGE_DICTIONARY);
    w_i32(&w, 2, 10);
    w_i32(&w, 3, 10);
    w_field(&w, 7, PQ_TT_STRUCT);
    w_begin(&w);
    w_i32(&w, 1, -3);
    w_i32(&w, 2, 0);
    w_end(&w);
    w_end(&w);
    CHECK_EQ_INT(pq_page_header_decode(w.b, w.n, 500, "chunk page header", &h, &hl, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "negative") != NULL);
    CHECK(strstr(err.msg, "chunk page header at offset") != NULL);

    /* a v2 header: is_compressed defaults to true; crc is kept; header length reported */
    W w2 = {0};
    w_begin(&w2);
    w_i32(&w2, 1, PQ_PAGE_DATA_V2);
    w_i32(&w2, 2, 100);
    w_i32(&w2, 3, 60);
    w_i32(&w2, 4, -1); /* crc 0xffffffff */
    w_field(&w2, 8, PQ_TT_STRUCT);
    w_begin(&w2);
    w_i32(&w2, 1, 10);
    w_i32(&w2, 2, 3);
    w_i32(&w2, 3, 10);
    w_i32(&w2, 4, 0);
    w_i32(&w2, 5, 4);
    w_i32(&w2, 6, 0);
    w_end(&w2);
    w_end(&w2);
    w_byte(&w2, 0xaa); /* page body follows */
    CHECK_EQ_INT(pq_page_header_decode(w2.b, w2.n, 0, "ph", &h, &hl, &err), TN_OK);
    CHECK_EQ_INT(hl, w2.n - 1);
    CHECK(h.has_v2 && h.v2.is_compressed);
    CHECK(h.has_crc && h.crc == 0xffffffffu);
    CHECK_EQ_INT(h.v2.num_nulls, 3);

    /* a data page without its DataPageHeader */
    W w3 = {0};
    w_begin(&w3);
    w_i32(&w3, 1, PQ_PAGE_DATA);
    w_i32(&w3, 2, 1);
    w_i32(&w3, 3, 1);
    w_end(&w3);
    CHECK_EQ_INT(pq_page_header_decode(w3.b, w3.n, 0, "ph", &h, &hl, &err), TN_CORRUPT);
    /* negative compressed size */
    W w4 = {0};
    w_begin(&w4);
    w_i32(&w4, 1, PQ_PAGE_INDEX);
    w_i32(&w4, 2, 1);
    w_i32(&w4, 3, -1);
    w_end(&w4);
    CHECK_EQ_INT(pq_page_header_decode(w4.b, w4.n, 0, "ph", &h, &hl, &err), TN_CORRUPT);
}

/* ---- pq_file_open footer checks on hand-built files ---- */
static const char *tmpdir(void)
{
    const char *d = getenv("TARN_TEST_TMP");
    if (!d)
        d = "/tmp";
    mkdir(d, 0777);
    return d;
}

static void write_file(const char *path, const void *a, size_t an, const void *b, size_t bn, uint32_t flen,
                       const char *magic)
{
    FILE *fp = fopen(path, "wb");
    fwrite("PAR1", 1, 4, fp);
    fwrite(a, 1, an, fp);
    if (b)
        fwrite(b, 1, bn, fp);
    uint8_t le[4] = {(uint8_t)flen, (uint8_t)(flen >> 8), (uint8_t)(flen >> 16), (uint8_t)(flen >> 24)};
    fwrite(le, 1, 4, fp);
    fwrite(magic, 1, 4, fp);
    fclose(fp);
}

static void test_file_open(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/pq_thrift_test.parquet", tmpdir());
    W w = {0};
    size_t n = build_footer(&w, true, false);
    tn_err err = TN_ERR_INIT;
    pq_file *f = NULL;

    write_file(path, w.b, n, NULL, 0, (uint32_t)n, "PAR1");
    CHECK_EQ_INT(pq_file_open(NULL, path, &f, &err), TN_OK);
    if (f) {
        CHECK_EQ_INT(pq_file_num_fields(f), 3);
        CHECK_EQ_INT(pq_file_field_index(f, "B"), 1);
        CHECK_EQ_INT(pq_file_field_index(f, "nope"), -1);
        CHECK_EQ_STR(pq_file_created_by(f), "tarn test");
        const pq_schema_node *a = pq_file_field(f, 0), *b = pq_file_field(f, 1), *c = pq_file_field(f, 2);
        CHECK_EQ_INT(a->type.id, TN_T_INT64);
        CHECK_EQ_INT(a->max_def, 0);
        CHECK_EQ_INT(b->type.id, TN_T_VARCHAR);
        CHECK_EQ_INT(b->max_def, 1);
        CHECK_EQ_INT(c->type.id, TN_T_DATE); /* unknown logical type: converted type applies */
        CHECK_EQ_INT(c->leaf_index, 2);
        pq_file_unref(f);
        f = NULL;
    }
    /* encrypted footer magic */
    write_file(path, w.b, n, NULL, 0, (uint32_t)n, "PARE");
    CHECK_EQ_INT(pq_file_open(NULL, path, &f, &err), TN_NOTSUP);
    CHECK(strstr(err.msg, "encrypted Parquet is not supported") != NULL);
    /* wrong trailing magic */
    write_file(path, w.b, n, NULL, 0, (uint32_t)n, "PAR2");
    CHECK_EQ_INT(pq_file_open(NULL, path, &f, &err), TN_CORRUPT);
    /* footer length larger than the file */
    write_file(path, w.b, n, NULL, 0, (uint32_t)n + 100, "PAR1");
    CHECK_EQ_INT(pq_file_open(NULL, path, &f, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "footer length") != NULL);
    /* footer length pointing into garbage */
    uint8_t junk[16];
    memset(junk, 0xff, sizeof junk);
    write_file(path, w.b, n, junk, sizeof junk, (uint32_t)sizeof junk, "PAR1");
    CHECK_EQ_INT(pq_file_open(NULL, path, &f, &err), TN_CORRUPT);
    /* a schema whose root claims more children than there are elements */
    W w2 = {0};
    w_begin(&w2);
    w_i32(&w2, 1, 1);
    w_field(&w2, 2, PQ_TT_LIST);
    w_list(&w2, PQ_TT_STRUCT, 2);
    w_schema_elem(&w2, "schema", -1, -1, 5, -1);
    w_end(&w2);
    w_schema_elem(&w2, "x", PQ_INT32, PQ_REQUIRED, -1, -1);
    w_end(&w2);
    w_i64(&w2, 3, 0);
    w_field(&w2, 4, PQ_TT_LIST);
    w_list(&w2, PQ_TT_STRUCT, 0);
    w_end(&w2);
    write_file(path, w2.b, w2.n, NULL, 0, (uint32_t)w2.n, "PAR1");
    CHECK_EQ_INT(pq_file_open(NULL, path, &f, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "num_children") != NULL);
    /* tiny file */
    FILE *fp = fopen(path, "wb");
    fwrite("PAR1PAR1", 1, 8, fp);
    fclose(fp);
    CHECK_EQ_INT(pq_file_open(NULL, path, &f, &err), TN_CORRUPT);
    unlink(path);
    CHECK(f == NULL);
}

TEST_MAIN(test_varints, test_fields_and_skip, test_hostile, test_file_meta, test_page_header, test_file_open)
