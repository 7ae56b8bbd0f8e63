/*
 * test_reader.c -- the Parquet reader beyond the conformance fixtures:
 *  - hand-built files (footer + pages written here byte by byte) for the hostile-input paths:
 *    dictionary indexes out of range, pages holding more values than the chunk, page bodies
 *    running past the chunk, absurd uncompressed sizes, CRC mismatches (and the switch that turns
 *    verification off), dictionary output sharing one dictionary vector, skipping;
 *  - statistics and row-group pruning checked for soundness against the data itself on every
 *    flat column of the shared fixtures (needs TARN_SHARED; skipped with a message otherwise):
 *    the bounds contain every value, null counts agree, a predicate satisfied by some row never
 *    prunes, and predicates outside the bounds do prune.
 */
#include "tn_test.h"
#include "parquet/codec.h"
#include "parquet/metadata.h"
#include "parquet/parquet.h"
#include "parquet/thrift.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ---- tiny compact-protocol writer ---- */
typedef struct W {
    uint8_t b[4096];
    size_t n;
    int16_t last[32];
    int depth;
} W;

static void w_byte(W *w, uint8_t x) { w->b[w->n++] = x; }
static void w_raw(W *w, const void *p, size_t n)
{
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
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
static void w_int(W *w, int16_t id, int type, int64_t v)
{
    w_field(w, id, type);
    w_zz(w, v);
}
static void w_bin(W *w, int16_t id, const char *s)
{
    w_field(w, id, PQ_TT_BINARY);
    w_varint(w, strlen(s));
    w_raw(w, s, strlen(s));
}

/* ---- a one-column file: INT32 "x" (required or optional), dictionary page + one data page ---- */
typedef struct spec {
    bool optional;
    int32_t dict[2];         /* dictionary entries */
    uint8_t idx_run_value;   /* RLE run value of the dictionary indexes */
    int32_t page_values;     /* data page num_values */
    int64_t chunk_values;    /* ColumnMetaData num_values */
    int32_t extra_csize;     /* added to the data page's compressed size */
    int32_t usize_override;  /* > 0: uncompressed size of the data page */
    int codec;
    bool crc, bad_crc;
    bool unknown_type;       /* annotate the leaf with LogicalType UNKNOWN (always null) */
} spec;

static void page_header(W *w, int type, int32_t usize, int32_t csize, bool crc, uint32_t crcv)
{
    w_begin(w);
    w_int(w, 1, PQ_TT_I32, type);
    w_int(w, 2, PQ_TT_I32, usize);
    w_int(w, 3, PQ_TT_I32, csize);
    if (crc)
        w_int(w, 4, PQ_TT_I32, (int32_t)crcv);
}

static const char *tmpdir(void)
{
    const char *d = getenv("TARN_TEST_TMP");
    if (!d)
        d = "/tmp";
    mkdir(d, 0777);
    return d;
}

static void build_file(const char *path, const spec *s)
{
    W f = {0};
    w_raw(&f, "PAR1", 4);
    uint64_t chunk_start = f.n;
    /* dictionary page */
    uint8_t dbody[8];
    memcpy(dbody, &s->dict[0], 4);
    memcpy(dbody + 4, &s->dict[1], 4);
    const uint8_t *dstored = dbody;
    size_t dlen = 8;
    tn_buf *dcomp = NULL;
    if (s->codec != 0 && pq_compress(s->codec, 0, dbody, 8, &dcomp, NULL) == TN_OK) {
        dstored = dcomp->data;
        dlen = dcomp->size;
    }
    page_header(&f, PQ_PAGE_DICTIONARY, 8, (int32_t)dlen, s->crc, (uint32_t)crc32(0, dstored, (uInt)dlen));
    w_field(&f, 7, PQ_TT_STRUCT);
    w_begin(&f);
    w_int(&f, 1, PQ_TT_I32, 2);
    w_int(&f, 2, PQ_TT_I32, 0);
    w_end(&f);
    w_end(&f);
    w_raw(&f, dstored, dlen);
    tn_buf_unref(dcomp);
    uint64_t data_off = f.n;
    /* data page body: [def levels: u32 len + RLE run of 1s] bit width 2, RLE run of the index */
    uint8_t body[32];
    size_t bn = 0;
    if (s->optional) {
        uint32_t dl = 2;
        memcpy(body, &dl, 4);
        body[4] = (uint8_t)(s->page_values << 1);
        body[5] = 1;
        bn = 6;
    }
    body[bn++] = 2;
    body[bn++] = (uint8_t)(s->page_values << 1);
    body[bn++] = s->idx_run_value;
    uint32_t c = (uint32_t)crc32(0, body, (uInt)bn);
    page_header(&f, PQ_PAGE_DATA, s->usize_override > 0 ? s->usize_override : (int32_t)bn,
                (int32_t)bn + s->extra_csize, s->crc, s->bad_crc ? c ^ 1 : c);
    w_field(&f, 5, PQ_TT_STRUCT);
    w_begin(&f);
    w_int(&f, 1, PQ_TT_I32, s->page_values);
    w_int(&f, 2, PQ_TT_I32, 8);
    w_int(&f, 3, PQ_TT_I32, 3);
    w_int(&f, 4, PQ_TT_I32, 3);
    w_end(&f);
    w_end(&f);
    w_raw(&f, body, bn);
    uint64_t chunk_len = f.n - chunk_start;
    /* footer */
    size_t foot = f.n;
    w_begin(&f);
    w_int(&f, 1, PQ_TT_I32, 1);
    w_field(&f, 2, PQ_TT_LIST);
    w_byte(&f, 2 << 4 | PQ_TT_STRUCT);
    w_begin(&f);
    w_bin(&f, 4, "schema");
    w_int(&f, 5, PQ_TT_I32, 1);
    w_end(&f);
    w_begin(&f);
    w_int(&f, 1, PQ_TT_I32, PQ_INT32);
    w_int(&f, 3, PQ_TT_I32, s->optional ? PQ_OPTIONAL : PQ_REQUIRED);
    w_bin(&f, 4, "x");
    if (s->unknown_type) {
        w_field(&f, 10, PQ_TT_STRUCT);
        w_begin(&f);
        w_field(&f, 11, PQ_TT_STRUCT);
        w_begin(&f);
        w_end(&f);
        w_end(&f);
    }
    w_end(&f);
    w_int(&f, 3, PQ_TT_I64, s->chunk_values);
    w_field(&f, 4, PQ_TT_LIST);
    w_byte(&f, 1 << 4 | PQ_TT_STRUCT);
    w_begin(&f); /* RowGroup */
    w_field(&f, 1, PQ_TT_LIST);
    w_byte(&f, 1 << 4 | PQ_TT_STRUCT);
    w_begin(&f); /* ColumnChunk */
    w_int(&f, 2, PQ_TT_I64, (int64_t)chunk_start);
    w_field(&f, 3, PQ_TT_STRUCT);
    w_begin(&f); /* ColumnMetaData */
    w_int(&f, 1, PQ_TT_I32, PQ_INT32);
    w_field(&f, 2, PQ_TT_LIST);
    w_byte(&f, 2 << 4 | PQ_TT_I32);
    w_zz(&f, 0);
    w_zz(&f, 8);
    w_field(&f, 3, PQ_TT_LIST);
    w_byte(&f, 1 << 4 | PQ_TT_BINARY);
    w_varint(&f, 1);
    w_byte(&f, 'x');
    w_int(&f, 4, PQ_TT_I32, s->codec);
    w_int(&f, 5, PQ_TT_I64, s->chunk_values);
    w_int(&f, 6, PQ_TT_I64, (int64_t)chunk_len);
    w_int(&f, 7, PQ_TT_I64, (int64_t)chunk_len);
    w_int(&f, 9, PQ_TT_I64, (int64_t)data_off);
    w_int(&f, 11, PQ_TT_I64, (int64_t)chunk_start);
    w_end(&f);
    w_end(&f); /* ColumnChunk */
    w_int(&f, 2, PQ_TT_I64, 100);
    w_int(&f, 3, PQ_TT_I64, s->chunk_values);
    w_end(&f); /* RowGroup */
    w_end(&f);
    uint32_t flen = (uint32_t)(f.n - foot);
    w_raw(&f, &flen, 4);
    w_raw(&f, "PAR1", 4);
    FILE *fp = fopen(path, "wb");
    fwrite(f.b, 1, f.n, fp);
    fclose(fp);
}

static spec base_spec(void)
{
    spec s;
    memset(&s, 0, sizeof s);
    s.dict[0] = 11;
    s.dict[1] = -22;
    s.idx_run_value = 1;
    s.page_values = 5;
    s.chunk_values = 5;
    return s;
}

/* Open the file and read field 0 of row group 0 in one batch of `want`; returns the rc of the
 * first failing step, the message in err. */
static int read_file(const char *path, uint32_t want, tn_vector **outv, uint32_t *got, tn_err *err)
{
    pq_file *f = NULL;
    pq_column_reader *r = NULL;
    tn_vector *v = NULL;
    *got = 0;
    int rc = pq_file_open(NULL, path, &f, err);
    if (rc)
        return rc;
    rc = pq_column_reader_open(f, 0, 0, &r, err);
    if (!rc) {
        v = tn_vector_new(pq_file_field(f, 0)->type, TN_BATCH);
        rc = pq_column_reader_next(r, want, v, got, err);
    }
    pq_column_reader_close(r);
    pq_file_unref(f);
    if (outv)
        *outv = v;
    else
        tn_vector_unref(v);
    return rc;
}

static void test_hand_built(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/pq_reader_test.parquet", tmpdir());
    tn_err err = TN_ERR_INIT;
    tn_vector *v = NULL;
    uint32_t got;

    /* valid: every row is dictionary entry 1, returned as a DICT vector */
    spec s = base_spec();
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, &v, &got, &err), TN_OK);
    CHECK_EQ_INT(got, 5);
    if (v) {
        CHECK_EQ_INT(v->kind, TN_VEC_DICT);
        tn_vview vw;
        tn_vector_view(v, got, &vw);
        for (uint32_t i = 0; i < got; i++)
            CHECK_EQ_INT(((const int32_t *)vw.data)[tn_vview_index(&vw, i)], -22);
        tn_vector_unref(v);
        v = NULL;
    }
    /* optional column with definition levels, still valid */
    s.optional = true;
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, NULL, &got, &err), TN_OK);
    CHECK_EQ_INT(got, 5);

    /* LogicalType UNKNOWN: a NULL-typed column whose rows are all null */
    s.unknown_type = true;
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, &v, &got, &err), TN_OK);
    CHECK_EQ_INT(got, 5);
    if (v) {
        CHECK_EQ_INT(v->type.id, TN_T_NULL);
        for (uint32_t i = 0; i < got; i++)
            CHECK(tn_vector_is_null(v, i));
        tn_vector_unref(v);
        v = NULL;
    }

    /* dictionary index out of range */
    s = base_spec();
    s.idx_run_value = 2;
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, NULL, &got, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "dictionary index 2 out of range") != NULL);
    CHECK(strstr(err.msg, "column chunk 0 (x) of row group 0") != NULL);
    CHECK(strstr(err.msg, "page at offset") != NULL);

    /* a page holding more values than the column chunk declares */
    s = base_spec();
    s.chunk_values = 3;
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, NULL, &got, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "only 3 remain") != NULL);

    /* the chunk declares more values than its pages hold */
    s = base_spec();
    s.chunk_values = 9;
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, NULL, &got, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "ends after 5 of 9 values") != NULL);

    /* a page body running past the column chunk */
    s = base_spec();
    s.extra_csize = 50;
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, NULL, &got, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "runs past the end of the column chunk") != NULL);

    /* a compressed page declaring an absurd uncompressed size */
    s = base_spec();
    s.codec = 1; /* SNAPPY */
    s.usize_override = 2000000000;
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, NULL, &got, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "1 GiB") != NULL);
    s.usize_override = 100 << 20; /* 100 MiB from a few bytes: compression bomb */
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, NULL, &got, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "implausible") != NULL);

    /* CRCs: correct ones pass, a wrong one fails unless verification is off */
    s = base_spec();
    s.crc = true;
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, NULL, &got, &err), TN_OK);
    s.bad_crc = true;
    build_file(path, &s);
    CHECK_EQ_INT(read_file(path, 100, NULL, &got, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "page CRC mismatch") != NULL);
    pq_verify_page_crc = false;
    CHECK_EQ_INT(read_file(path, 100, NULL, &got, &err), TN_OK);
    CHECK_EQ_INT(got, 5);
    pq_verify_page_crc = true;

    /* batches smaller than the page, and skipping */
    s = base_spec();
    build_file(path, &s);
    pq_file *f = NULL;
    pq_column_reader *r = NULL;
    CHECK_EQ_INT(pq_file_open(NULL, path, &f, &err), TN_OK);
    if (f && pq_column_reader_open(f, 0, 0, &r, &err) == TN_OK) {
        tn_vector *x = tn_vector_new(tn_type_make(TN_T_INT32), 8);
        CHECK_EQ_INT(pq_column_reader_next(r, 2, x, &got, &err), TN_OK);
        CHECK_EQ_INT(got, 2);
        tn_vector *d1 = x->dict;
        CHECK_EQ_INT(pq_column_reader_skip(r, 2, &err), TN_OK);
        CHECK_EQ_INT(pq_column_reader_next(r, 8, x, &got, &err), TN_OK);
        CHECK_EQ_INT(got, 1);
        CHECK(x->kind == TN_VEC_DICT && x->dict == d1); /* one dictionary shared by every batch */
        CHECK_EQ_INT(pq_column_reader_next(r, 8, x, &got, &err), TN_OK);
        CHECK_EQ_INT(got, 0);
        CHECK_EQ_INT(pq_column_reader_skip(r, 1, &err), TN_CORRUPT);
        /* a vector of the wrong type is a misuse, not a crash */
        tn_vector *y = tn_vector_new(tn_type_make(TN_T_INT64), 8);
        CHECK_EQ_INT(pq_column_reader_next(r, 8, y, &got, &err), TN_MISUSE);
        tn_vector_unref(y);
        tn_vector_unref(x);
        pq_column_reader_close(r);
    }
    pq_file_unref(f);
    unlink(path);
}

/* ---- statistics and pruning soundness over the shared fixtures ---- */
static int g_files, g_chunks_with_bounds, g_pruned;

static bool read_values(pq_file *f, uint32_t rg, uint32_t field, tn_vector **out, uint32_t *n)
{
    tn_err err = TN_ERR_INIT;
    pq_column_reader *r;
    int64_t rows = pq_row_group_num_rows(f, rg);
    if (rows <= 0 || rows > 1000000 || pq_column_reader_open(f, rg, field, &r, &err))
        return false;
    tn_vector *v = tn_vector_new(pq_file_field(f, field)->type, (uint32_t)rows);
    bool ok = v && pq_column_reader_next(r, (uint32_t)rows, v, n, &err) == TN_OK && *n == (uint32_t)rows &&
              tn_vector_flatten(v, *n) == TN_OK;
    pq_column_reader_close(r);
    if (!ok) {
        tn_vector_unref(v);
        return false;
    }
    *out = v;
    return true;
}

static pq_predicate pred1(uint32_t field, pq_pred_op op, tn_value *v)
{
    pq_predicate p = {field, op, v, v ? 1 : 0};
    return p;
}

static void check_chunk(pq_file *f, uint32_t rg, uint32_t field)
{
    const pq_schema_node *n = pq_file_field(f, field);
    pq_stats st;
    tn_err err = TN_ERR_INIT;
    if (pq_column_stats(f, rg, n->leaf_index, &st, &err) != TN_OK)
        return;
    tn_vector *v = NULL;
    uint32_t cnt = 0;
    if (!read_values(f, rg, field, &v, &cnt)) {
        pq_stats_free(&st);
        return;
    }
    uint32_t nulls = 0, nans = 0;
    bool is_float = n->type.id == TN_T_FLOAT || n->type.id == TN_T_DOUBLE;
    for (uint32_t i = 0; i < cnt; i++) {
        if (tn_vector_is_null(v, i)) {
            nulls++;
            continue;
        }
        tn_value x;
        if (tn_value_from_vector(&x, v, i) != TN_OK)
            continue;
        if (is_float && isnan(x.v.f64)) {
            nans++;
            tn_value_free(&x);
            continue;
        }
        /* no predicate satisfied by this row may prune the row group */
        pq_predicate p = pred1(field, PQ_PRED_EQ, &x);
        CHECK(pq_row_group_may_match(f, rg, &p, 1));
        p.op = PQ_PRED_LE;
        CHECK(pq_row_group_may_match(f, rg, &p, 1));
        p.op = PQ_PRED_GE;
        CHECK(pq_row_group_may_match(f, rg, &p, 1));
        pq_predicate notnull = pred1(field, PQ_PRED_IS_NOT_NULL, NULL);
        CHECK(pq_row_group_may_match(f, rg, &notnull, 1));
        tn_value_free(&x);
    }
    if (st.has_null_count)
        CHECK_EQ_INT(st.null_count, nulls);
    if (st.has_nan_count)
        CHECK_EQ_INT(st.nan_count, nans);
    CHECK_EQ_INT(st.num_values, cnt);
    pq_predicate isnull = pred1(field, PQ_PRED_IS_NULL, NULL);
    if (nulls)
        CHECK(pq_row_group_may_match(f, rg, &isnull, 1));
    else if (st.has_null_count) {
        CHECK(!pq_row_group_may_match(f, rg, &isnull, 1));
        g_pruned++;
    }
    if (st.has_min_max) {
        g_chunks_with_bounds++;
        /* strictly below the minimum / above the maximum prunes */
        pq_predicate lt = pred1(field, PQ_PRED_LT, &st.min), gt = pred1(field, PQ_PRED_GT, &st.max);
        bool nan_possible = is_float && !(st.has_nan_count && st.nan_count == 0);
        CHECK(!pq_row_group_may_match(f, rg, &lt, 1));
        if (!nan_possible)
            CHECK(!pq_row_group_may_match(f, rg, &gt, 1));
        g_pruned++;
        /* min/max themselves are within the data for exact bounds */
        for (int k = 0; k < 2; k++) {
            const tn_value *b = k ? &st.max : &st.min;
            bool exact = k ? st.max_exact : st.min_exact;
            if (!exact)
                continue;
            bool found = false;
            for (uint32_t i = 0; i < cnt && !found; i++) {
                if (tn_vector_is_null(v, i))
                    continue;
                tn_value x;
                if (tn_value_from_vector(&x, v, i) != TN_OK)
                    continue;
                if (tn_type_is_string(n->type))
                    found = x.v.str.len == b->v.str.len && memcmp(x.v.str.ptr, b->v.str.ptr, x.v.str.len) == 0;
                else if (is_float)
                    found = x.v.f64 == b->v.f64;
                else
                    found = memcmp(&x.v, &b->v, 16) == 0 || x.v.i64 == b->v.i64;
                tn_value_free(&x);
            }
            CHECK(found);
        }
        /* IN with both bounds matches; values just outside the bounds (integer-like types) prune */
        tn_value outs[2] = {st.min, st.max};
        pq_predicate in = {field, PQ_PRED_IN, outs, 2};
        CHECK(pq_row_group_may_match(f, rg, &in, 1));
        int id = n->type.id;
        bool i64like = id == TN_T_INT8 || id == TN_T_INT16 || id == TN_T_INT32 || id == TN_T_INT64 ||
                       id == TN_T_DATE || id == TN_T_TIME || id == TN_T_TIMESTAMP ||
                       (id == TN_T_DECIMAL && tn_decimal_is_small(n->type));
        if (i64like && st.min.v.i64 > INT64_MIN && st.max.v.i64 < INT64_MAX) {
            outs[0].v.i64 = st.min.v.i64 - 1;
            outs[1].v.i64 = st.max.v.i64 + 1;
            CHECK(!pq_row_group_may_match(f, rg, &in, 1));
            pq_predicate eq = pred1(field, PQ_PRED_EQ, &outs[0]);
            CHECK(!pq_row_group_may_match(f, rg, &eq, 1));
            pq_predicate two[2] = {pred1(field, PQ_PRED_GE, &st.min), pred1(field, PQ_PRED_GT, &st.max)};
            CHECK(!pq_row_group_may_match(f, rg, two, 2)); /* a conjunction fails if one part does */
            g_pruned += 3;
        }
    }
    tn_vector_unref(v);
    pq_stats_free(&st);
}

static void check_fixture(const char *path)
{
    tn_err err = TN_ERR_INIT;
    pq_file *f = NULL;
    if (pq_file_open(NULL, path, &f, &err) != TN_OK)
        return;
    g_files++;
    for (uint32_t rg = 0; rg < pq_file_num_row_groups(f); rg++)
        for (uint32_t i = 0; i < pq_file_num_fields(f); i++) {
            const pq_schema_node *n = pq_file_field(f, i);
            if (!n->supported || pq_schema_flat_leaf(n) < 0)
                continue;
            check_chunk(f, rg, i);
        }
    pq_file_unref(f);
}

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        size_t l = strlen(e->d_name);
        if (S_ISDIR(st.st_mode)) {
            if (strcmp(e->d_name, "shredded_variant") != 0)
                walk(p);
        } else if (l > 8 && strcmp(e->d_name + l - 8, ".parquet") == 0) {
            check_fixture(p);
        }
    }
    closedir(d);
}

static void test_stats_soundness(void)
{
    const char *shared = getenv("TARN_SHARED");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/fixtures/parquet", shared ? shared : "");
    struct stat st;
    if (!shared || stat(dir, &st) != 0) {
        fprintf(stderr, "test_stats_soundness: skipped (TARN_SHARED fixtures not found)\n");
        return;
    }
    walk(dir);
    fprintf(stderr, "stats: %d files, %d chunks with bounds, %d pruning checks\n", g_files, g_chunks_with_bounds,
            g_pruned);
    CHECK(g_files > 40);
    CHECK(g_chunks_with_bounds > 100);
}

/* Bounds decoding rules on one known file: the old pyarrow NaN max is ignored. */
static void test_nan_stats(void)
{
    const char *shared = getenv("TARN_SHARED");
    if (!shared)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/fixtures/parquet/parquet-testing/data/nan_in_stats.parquet", shared);
    tn_err err = TN_ERR_INIT;
    pq_file *f = NULL;
    if (pq_file_open(NULL, path, &f, &err) != TN_OK)
        return;
    pq_stats st;
    CHECK_EQ_INT(pq_column_stats(f, 0, 0, &st, &err), TN_OK);
    CHECK(!st.has_min_max);
    pq_stats_free(&st);
    pq_file_unref(f);
}

/* Footer key/value metadata and schema field ids (DuckDB KV_METADATA / FIELD_IDS 'auto'). */
static void test_kv_and_field_ids(void)
{
    const char *shared = getenv("TARN_SHARED");
    if (!shared)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/fixtures/parquet/generated/duckdb/alltypes_kv_fieldids.parquet", shared);
    tn_err err = TN_ERR_INIT;
    pq_file *f = NULL;
    if (pq_file_open(NULL, path, &f, &err) != TN_OK)
        return;
    bool found = false;
    for (uint32_t i = 0; i < pq_file_num_kv(f); i++) {
        const char *k, *v;
        uint32_t kl, vl;
        CHECK(pq_file_kv(f, i, &k, &kl, &v, &vl));
        if (kl == 5 && memcmp(k, "owner", 5) == 0)
            found = v && vl == 11 && memcmp(v, "fixture-gen", 11) == 0;
    }
    CHECK(found);
    const char *k, *v;
    uint32_t kl, vl;
    CHECK(!pq_file_kv(f, pq_file_num_kv(f), &k, &kl, &v, &vl));
    for (uint32_t i = 0; i < pq_file_num_fields(f); i++)
        CHECK(pq_file_field(f, i)->field_id >= 0);
    CHECK(pq_file_created_by(f) != NULL);
    pq_file_unref(f);
}

TEST_MAIN(test_hand_built, test_stats_soundness, test_nan_stats, test_kv_and_field_ids)
