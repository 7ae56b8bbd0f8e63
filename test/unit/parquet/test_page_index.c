/*
 * test_page_index.c -- page index (ColumnIndex / OffsetIndex) decoding and row selection, and
 * Bloom filter reading (page_index.c, bloom_read.c).
 *
 *  - hand-built indexes (tarn's Thrift writer) decode to the written values; every truncation and
 *    many byte mutations of them give TN_CORRUPT or a consistent result, never a crash;
 *    inconsistent lists, missing fields and duplicate lists are rejected;
 *  - fixtures (TARN_SHARED, skipped when absent): alltypes_tiny_pages.parquet (thousands of
 *    pages) for many predicates: every row that satisfies the predicate (computed from the data
 *    read without the index) lies in the selected ranges, and selective predicates skip pages;
 *    binary_truncated_min_max.parquet (truncated bounds must never exclude a present value);
 *    bloom_filter.xxhash.bin (bare filter); data_index_bloom_encoding_stats.parquet (filter without
 *    bloom_filter_length); DuckDB big_200k_rg50k_zstd.parquet (filters on dictionary columns:
 *    absent values inside the min/max range skip row groups that statistics cannot);
 *  - a copy of a fixture with corrupted page index and Bloom filter bytes: the index is ignored
 *    (all rows selected, indexes_ignored counted), the filter means "may match".
 */
#include "parquet/parquet.h"
#include "parquet/metadata.h"
#include "parquet/thrift_write.h"
#include "tn_test.h"
#include <math.h>
#include <sys/stat.h>

static char g_fix[1024];
static bool g_have_fix;

static bool fixture(char *buf, size_t cap, const char *rel)
{
    snprintf(buf, cap, "%s/%s", g_fix, rel);
    struct stat st;
    if (!g_have_fix || stat(buf, &st) != 0) {
        fprintf(stderr, "SKIP: fixture %s not found (TARN_SHARED unset or incomplete)\n", rel);
        return false;
    }
    return true;
}

static pq_file *open_file(const char *path)
{
    pq_file *f = NULL;
    tn_err err = TN_ERR_INIT;
    int rc = pq_file_open(vfs_default(), path, &f, &err);
    CHECK_EQ_INT(rc, TN_OK);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    return f;
}

/* ======================= hand-built structures ======================= */

/* ColumnIndex of 3 INT32 pages: [1,10], null page, [20,30]; null_counts {0, 5, 2}. Field order
 * and presence are configurable to build broken variants. */
static int build_column_index(pq_bytes *out, uint32_t n_null, uint32_t n_min, bool with_order, bool dup_min)
{
    int32_t mins[3] = {1, 0, 20}, maxs[3] = {10, 0, 30};
    bool nulls[3] = {false, true, false};
    int64_t nc[3] = {0, 5, 2};
    pq_tw w;
    pq_tw_init(&w, out);
    pq_tw_struct_begin(&w);
    pq_tw_field_list(&w, 1, PQ_TW_BOOL_TRUE, n_null);
    for (uint32_t i = 0; i < n_null; i++)
        pq_tw_bool(&w, nulls[i % 3]);
    pq_tw_field_list(&w, 2, PQ_TW_BINARY, n_min);
    for (uint32_t i = 0; i < n_min; i++)
        pq_tw_binary(&w, nulls[i % 3] ? "" : (const void *)&mins[i % 3], nulls[i % 3] ? 0 : 4);
    pq_tw_field_list(&w, 3, PQ_TW_BINARY, 3);
    for (uint32_t i = 0; i < 3; i++)
        pq_tw_binary(&w, nulls[i] ? "" : (const void *)&maxs[i], nulls[i] ? 0 : 4);
    if (dup_min) { /* field 3 again (a decreasing id is encoded with a full header) */
        pq_tw_field_list(&w, 3, PQ_TW_BINARY, 3);
        for (uint32_t i = 0; i < 3; i++)
            pq_tw_binary(&w, (const void *)&maxs[0], 4);
    }
    if (with_order)
        pq_tw_field_i32(&w, 4, PQ_BOUNDARY_ASCENDING);
    pq_tw_field_list(&w, 5, PQ_TW_I64, 3);
    for (uint32_t i = 0; i < 3; i++)
        pq_tw_i64(&w, nc[i]);
    pq_tw_struct_end(&w);
    return pq_tw_finish(&w);
}

static int build_offset_index(pq_bytes *out, const int64_t *first_rows, uint32_t n)
{
    pq_tw w;
    pq_tw_init(&w, out);
    pq_tw_struct_begin(&w);
    pq_tw_field_list(&w, 1, PQ_TW_STRUCT, n);
    for (uint32_t i = 0; i < n; i++) {
        pq_tw_struct_begin(&w);
        pq_tw_field_i64(&w, 1, 100 + 1000 * (int64_t)i);
        pq_tw_field_i32(&w, 2, 900 + (int32_t)i);
        pq_tw_field_i64(&w, 3, first_rows[i]);
        pq_tw_struct_end(&w);
    }
    pq_tw_field_list(&w, 2, PQ_TW_I64, n); /* unencoded_byte_array_data_bytes: skipped */
    for (uint32_t i = 0; i < n; i++)
        pq_tw_i64(&w, 7);
    pq_tw_struct_end(&w);
    return pq_tw_finish(&w);
}

static void test_decode(void)
{
    pq_bytes b = {0};
    CHECK_EQ_INT(build_column_index(&b, 3, 3, true, false), TN_OK);
    pq_column_index *ci = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_column_index_decode(b.data, b.len, 1000, &ci, &err), TN_OK);
    CHECK(ci != NULL);
    if (ci) {
        CHECK_EQ_INT(ci->npages, 3);
        CHECK_EQ_INT(ci->boundary_order, PQ_BOUNDARY_ASCENDING);
        CHECK(!ci->pages[0].null_page && ci->pages[1].null_page && !ci->pages[2].null_page);
        int32_t v;
        CHECK_EQ_INT(ci->pages[2].min_len, 4);
        memcpy(&v, ci->pages[2].min, 4);
        CHECK_EQ_INT(v, 20);
        memcpy(&v, ci->pages[0].max, 4);
        CHECK_EQ_INT(v, 10);
        CHECK_EQ_INT(ci->pages[1].min_len, 0);
        CHECK_EQ_INT(ci->pages[1].null_count, 5);
        CHECK_EQ_INT(ci->pages[2].null_count, 2);
        CHECK_EQ_INT(ci->pages[0].nan_count, -1); /* absent, not 0 */
    }
    /* the index keeps its own copy: the caller's bytes may go away */
    memset(b.data, 0xee, b.len);
    if (ci) {
        int32_t v;
        memcpy(&v, ci->pages[0].min, 4);
        CHECK_EQ_INT(v, 1);
    }
    pq_column_index_free(ci);
    pq_bytes_free(&b);

    int64_t rows[3] = {0, 10, 25};
    pq_bytes o = {0};
    CHECK_EQ_INT(build_offset_index(&o, rows, 3), TN_OK);
    pq_offset_index *oi = NULL;
    CHECK_EQ_INT(pq_offset_index_decode(o.data, o.len, 0, &oi, &err), TN_OK);
    CHECK(oi != NULL);
    if (oi) {
        CHECK_EQ_INT(oi->npages, 3);
        CHECK_EQ_INT(oi->pages[1].offset, 1100);
        CHECK_EQ_INT(oi->pages[2].compressed_page_size, 902);
        CHECK_EQ_INT(oi->pages[2].first_row_index, 25);
    }
    pq_offset_index_free(oi);
    pq_bytes_free(&o);
}

static void test_decode_broken(void)
{
    tn_err err = TN_ERR_INIT;
    pq_column_index *ci = NULL;
    pq_bytes b = {0};
    /* lists of different lengths */
    CHECK_EQ_INT(build_column_index(&b, 3, 2, true, false), TN_OK);
    CHECK_EQ_INT(pq_column_index_decode(b.data, b.len, 0, &ci, &err), TN_CORRUPT);
    CHECK(ci == NULL);
    CHECK(strstr(err.msg, "different lengths") != NULL);
    pq_bytes_free(&b);
    /* missing boundary_order */
    b = (pq_bytes){0};
    CHECK_EQ_INT(build_column_index(&b, 3, 3, false, false), TN_OK);
    CHECK_EQ_INT(pq_column_index_decode(b.data, b.len, 0, &ci, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "boundary_order") != NULL);
    pq_bytes_free(&b);
    /* a list given twice */
    b = (pq_bytes){0};
    CHECK_EQ_INT(build_column_index(&b, 3, 3, true, true), TN_OK);
    CHECK_EQ_INT(pq_column_index_decode(b.data, b.len, 0, &ci, &err), TN_CORRUPT);
    pq_bytes_free(&b);
    /* a list header announcing far more elements than bytes */
    uint8_t huge[] = {0x19, 0xf1, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x01, 0x00};
    CHECK_EQ_INT(pq_column_index_decode(huge, sizeof huge, 0, &ci, &err), TN_CORRUPT);
    CHECK(ci == NULL);
    /* empty input, and an OffsetIndex without page_locations */
    CHECK_EQ_INT(pq_column_index_decode(huge, 0, 0, &ci, &err), TN_CORRUPT);
    pq_offset_index *oi = NULL;
    uint8_t empty_struct[] = {0x00};
    CHECK_EQ_INT(pq_offset_index_decode(empty_struct, 1, 0, &oi, &err), TN_CORRUPT);
    CHECK(oi == NULL);
    CHECK(strstr(err.msg, "page_locations") != NULL);
    /* a PageLocation without first_row_index */
    pq_bytes o = {0};
    pq_tw w;
    pq_tw_init(&w, &o);
    pq_tw_struct_begin(&w);
    pq_tw_field_list(&w, 1, PQ_TW_STRUCT, 1);
    pq_tw_struct_begin(&w);
    pq_tw_field_i64(&w, 1, 4);
    pq_tw_field_i32(&w, 2, 10);
    pq_tw_struct_end(&w);
    pq_tw_struct_end(&w);
    CHECK_EQ_INT(pq_tw_finish(&w), TN_OK);
    CHECK_EQ_INT(pq_offset_index_decode(o.data, o.len, 0, &oi, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "first_row_index") != NULL);
    pq_bytes_free(&o);
}

/* Every truncation fails cleanly; every single-byte mutation either fails with TN_CORRUPT or
 * decodes to a self-consistent structure. Run under ASan this proves the bounds checks. */
static void test_decode_mutations(void)
{
    pq_bytes b = {0}, o = {0};
    int64_t rows[3] = {0, 10, 25};
    CHECK_EQ_INT(build_column_index(&b, 3, 3, true, false), TN_OK);
    CHECK_EQ_INT(build_offset_index(&o, rows, 3), TN_OK);
    tn_err err = TN_ERR_INIT;
    int bad = 0, ok = 0;
    for (size_t n = 0; n < b.len; n++) {
        pq_column_index *ci = NULL;
        int rc = pq_column_index_decode(b.data, n, 0, &ci, &err);
        bad += rc != TN_CORRUPT || ci != NULL;
        pq_column_index_free(ci);
    }
    for (size_t n = 0; n < o.len; n++) {
        pq_offset_index *oi = NULL;
        int rc = pq_offset_index_decode(o.data, n, 0, &oi, &err);
        bad += rc != TN_CORRUPT || oi != NULL;
        pq_offset_index_free(oi);
    }
    CHECK_EQ_INT(bad, 0);
    static const uint8_t repl[] = {0x00, 0x01, 0x0f, 0x19, 0x7f, 0x80, 0xff};
    for (size_t i = 0; i < b.len; i++)
        for (size_t k = 0; k < sizeof repl; k++) {
            uint8_t save = b.data[i];
            b.data[i] = repl[k];
            pq_column_index *ci = NULL;
            int rc = pq_column_index_decode(b.data, b.len, 0, &ci, &err);
            if (rc == TN_OK) {
                ok++;
                volatile unsigned sum = 0;
                for (uint32_t p = 0; p < ci->npages; p++) { /* touch every bound: ASan checks them */
                    for (uint32_t q = 0; q < ci->pages[p].min_len; q++)
                        sum += ci->pages[p].min[q];
                    for (uint32_t q = 0; q < ci->pages[p].max_len; q++)
                        sum += ci->pages[p].max[q];
                }
                (void)sum;
            } else {
                bad += rc != TN_CORRUPT;
            }
            pq_column_index_free(ci);
            b.data[i] = save;
        }
    for (size_t i = 0; i < o.len; i++)
        for (size_t k = 0; k < sizeof repl; k++) {
            uint8_t save = o.data[i];
            o.data[i] = repl[k];
            pq_offset_index *oi = NULL;
            int rc = pq_offset_index_decode(o.data, o.len, 0, &oi, &err);
            if (rc == TN_OK)
                ok++;
            else
                bad += rc != TN_CORRUPT;
            pq_offset_index_free(oi);
            o.data[i] = save;
        }
    CHECK_EQ_INT(bad, 0);
    CHECK(ok > 0); /* some mutations only change values */
    pq_bytes_free(&b);
    pq_bytes_free(&o);
}

/* ======================= row selection on fixtures ======================= */

/* All values of field `field` of row group rg, as tn_values (caller frees with free_values). */
static tn_value *read_values(pq_file *f, uint32_t rg, uint32_t field, uint64_t *n)
{
    *n = 0;
    pq_column_reader *r = NULL;
    tn_err err = TN_ERR_INIT;
    if (pq_column_reader_open(f, rg, field, &r, &err) != TN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        return NULL;
    }
    uint64_t total = (uint64_t)pq_row_group_num_rows(f, rg);
    tn_value *vals = tn_calloc(total ? total : 1, sizeof *vals);
    tn_vector *v = tn_vector_new(pq_file_field(f, field)->type, TN_BATCH);
    uint64_t k = 0;
    for (;;) {
        uint32_t got = 0;
        if (pq_column_reader_next(r, TN_BATCH, v, &got, &err) != TN_OK) {
            fprintf(stderr, "%s\n", err.msg);
            CHECK(0);
            break;
        }
        if (got == 0)
            break;
        for (uint32_t i = 0; i < got && k < total; i++)
            tn_value_from_vector(&vals[k++], v, i);
    }
    tn_vector_unref(v);
    pq_column_reader_close(r);
    *n = k;
    return vals;
}

static void free_values(tn_value *v, uint64_t n)
{
    for (uint64_t i = 0; v && i < n; i++)
        tn_value_free(&v[i]);
    tn_free(v);
}

/* Reference comparison of two non-null values (ints, floats, strings, bools). */
static int ref_cmp(const tn_value *a, const tn_value *b)
{
    switch (a->type.id) {
    case TN_T_FLOAT:
    case TN_T_DOUBLE:
        if (isnan(a->v.f64) || isnan(b->v.f64))
            return isnan(a->v.f64) - isnan(b->v.f64);
        return (a->v.f64 > b->v.f64) - (a->v.f64 < b->v.f64);
    case TN_T_VARCHAR:
    case TN_T_BLOB: {
        uint32_t n = a->v.str.len < b->v.str.len ? a->v.str.len : b->v.str.len;
        int c = n ? memcmp(a->v.str.ptr, b->v.str.ptr, n) : 0;
        return c ? (c > 0) - (c < 0) : (a->v.str.len > b->v.str.len) - (a->v.str.len < b->v.str.len);
    }
    case TN_T_BOOL: return (int)a->v.b - (int)b->v.b;
    default: return (a->v.i64 > b->v.i64) - (a->v.i64 < b->v.i64);
    }
}

static bool ref_match(const tn_value *x, const pq_predicate *p)
{
    if (p->op == PQ_PRED_IS_NULL)
        return x->is_null;
    if (p->op == PQ_PRED_IS_NOT_NULL || x->is_null)
        return !x->is_null && p->op == PQ_PRED_IS_NOT_NULL;
    if (p->op == PQ_PRED_IN) {
        for (uint32_t i = 0; i < p->nvalues; i++)
            if (ref_cmp(x, &p->values[i]) == 0)
                return true;
        return false;
    }
    int c = ref_cmp(x, &p->values[0]);
    switch (p->op) {
    case PQ_PRED_EQ: return c == 0;
    case PQ_PRED_NE: return c != 0;
    case PQ_PRED_LT: return c < 0;
    case PQ_PRED_LE: return c <= 0;
    case PQ_PRED_GT: return c > 0;
    case PQ_PRED_GE: return c >= 0;
    default: return true;
    }
}

static bool in_ranges(const pq_row_ranges *r, uint64_t row)
{
    for (uint32_t i = 0; i < r->n; i++)
        if (row >= r->r[i].begin && row < r->r[i].end)
            return true;
    return false;
}

static bool ranges_well_formed(const pq_row_ranges *r, uint64_t nrows)
{
    for (uint32_t i = 0; i < r->n; i++) {
        if (r->r[i].begin >= r->r[i].end || r->r[i].end > nrows)
            return false;
        if (i && r->r[i].begin <= r->r[i - 1].end)
            return false;
    }
    return true;
}

/* Select rows of rg 0 with preds; check every row satisfying all preds (per the data) is
 * selected. Returns the selected row count; *pages_skipped as reported. */
static uint64_t check_select(pq_file *f, const pq_predicate *preds, uint32_t npreds, uint64_t *pages_skipped,
                             uint64_t *matching)
{
    uint64_t nrows = (uint64_t)pq_row_group_num_rows(f, 0);
    pq_row_ranges r;
    tn_err err = TN_ERR_INIT;
    int rc = pq_row_group_select_rows(f, 0, preds, npreds, &r, &err);
    CHECK_EQ_INT(rc, TN_OK);
    if (rc) {
        fprintf(stderr, "%s\n", err.msg);
        return 0;
    }
    CHECK(ranges_well_formed(&r, nrows));
    CHECK_EQ_INT(r.indexes_ignored, 0);
    tn_value *cols[8] = {0};
    uint64_t n[8] = {0};
    for (uint32_t i = 0; i < npreds && i < 8; i++)
        cols[i] = read_values(f, 0, preds[i].field, &n[i]);
    uint64_t missed = 0, match = 0;
    for (uint64_t row = 0; row < nrows; row++) {
        bool all = true;
        for (uint32_t i = 0; i < npreds && all; i++)
            all = cols[i] && row < n[i] && ref_match(&cols[i][row], &preds[i]);
        if (all) {
            match++;
            missed += !in_ranges(&r, row);
        }
    }
    CHECK_EQ_INT(missed, 0);
    for (uint32_t i = 0; i < npreds && i < 8; i++)
        free_values(cols[i], n[i]);
    uint64_t sel = pq_row_ranges_count(&r);
    *pages_skipped = r.pages_skipped;
    *matching = match;
    pq_row_ranges_free(&r);
    return sel;
}

static void test_tiny_pages(void)
{
    char path[1200];
    if (!fixture(path, sizeof path, "parquet-testing/data/alltypes_tiny_pages.parquet"))
        return;
    pq_file *f = open_file(path);
    if (!f)
        return;
    int id = pq_file_field_index(f, "id"), ic = pq_file_field_index(f, "int_col"),
        sc = pq_file_field_index(f, "string_col"), dc = pq_file_field_index(f, "double_col"),
        bc = pq_file_field_index(f, "bool_col"), bg = pq_file_field_index(f, "bigint_col"),
        fc = pq_file_field_index(f, "float_col"), ds = pq_file_field_index(f, "date_string_col"),
        ts = pq_file_field_index(f, "timestamp_col");
    CHECK(id >= 0 && ic >= 0 && sc >= 0 && dc >= 0 && bc >= 0 && bg >= 0 && fc >= 0 && ds >= 0 && ts >= 0);
    if (id < 0 || ic < 0 || sc < 0 || dc < 0 || bc < 0 || bg < 0 || fc < 0 || ds < 0 || ts < 0) {
        pq_file_unref(f);
        return;
    }
    uint64_t nrows = (uint64_t)pq_row_group_num_rows(f, 0);
    tn_type t_i32 = pq_file_field(f, (uint32_t)id)->type, t_str = pq_file_field(f, (uint32_t)sc)->type;
    tn_type t_i64 = pq_file_field(f, (uint32_t)bg)->type;
    tn_value v100 = tn_value_int(t_i32, 100), v5000 = tn_value_int(t_i32, 5000), v7 = tn_value_int(t_i32, 7);
    tn_value vneg = tn_value_int(t_i32, -1), vbig = tn_value_int(t_i64, 50), vd = tn_value_double(40.4);
    tn_value vf = tn_value_double(8.8);
    vf.type = pq_file_field(f, (uint32_t)fc)->type;
    tn_value in3[3] = {tn_value_int(t_i32, 3), tn_value_int(t_i32, 4000), tn_value_int(t_i32, 7299)};
    tn_value s5, sdate, sx;
    tn_value_set_string(&s5, t_str, "5", 1);
    tn_value_set_string(&sdate, pq_file_field(f, (uint32_t)ds)->type, "03/01/09", 8);
    tn_value_set_string(&sx, t_str, "zz", 2);
    tn_value vtrue = tn_value_bool(true);
    struct {
        pq_predicate p[2];
        uint32_t n;
        bool expect_skip;   /* the index must exclude pages */
    } cases[] = {
        {{{(uint32_t)id, PQ_PRED_EQ, &v100, 1}}, 1, true},
        {{{(uint32_t)id, PQ_PRED_LT, &v100, 1}}, 1, true},
        {{{(uint32_t)id, PQ_PRED_GE, &v5000, 1}}, 1, true},
        {{{(uint32_t)id, PQ_PRED_GT, &v5000, 1}, {(uint32_t)ic, PQ_PRED_EQ, &v7, 1}}, 2, true},
        {{{(uint32_t)id, PQ_PRED_IN, in3, 3}}, 1, true},
        {{{(uint32_t)id, PQ_PRED_NE, &v100, 1}}, 1, false},
        {{{(uint32_t)id, PQ_PRED_LE, &vneg, 1}}, 1, true},
        {{{(uint32_t)ic, PQ_PRED_EQ, &v7, 1}}, 1, false},
        {{{(uint32_t)ic, PQ_PRED_GT, &v7, 1}}, 1, false},
        {{{(uint32_t)bg, PQ_PRED_GE, &vbig, 1}}, 1, false},
        {{{(uint32_t)dc, PQ_PRED_LT, &vd, 1}}, 1, false},
        {{{(uint32_t)fc, PQ_PRED_GT, &vf, 1}}, 1, false},
        {{{(uint32_t)sc, PQ_PRED_EQ, &s5, 1}}, 1, false},
        {{{(uint32_t)sc, PQ_PRED_GT, &sx, 1}}, 1, true},
        {{{(uint32_t)ds, PQ_PRED_EQ, &sdate, 1}}, 1, true},
        {{{(uint32_t)bc, PQ_PRED_EQ, &vtrue, 1}}, 1, false},
        {{{(uint32_t)id, PQ_PRED_IS_NULL, NULL, 0}}, 1, true},
        {{{(uint32_t)id, PQ_PRED_IS_NOT_NULL, NULL, 0}}, 1, false},
        /* INT96 without a ColumnIndex: never prunes */
        {{{(uint32_t)ts, PQ_PRED_IS_NULL, NULL, 0}}, 1, false},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        uint64_t skipped = 0, match = 0;
        uint64_t sel = check_select(f, cases[i].p, cases[i].n, &skipped, &match);
        CHECK(sel >= match);
        if (cases[i].expect_skip) {
            if (!(skipped > 0 && sel < nrows))
                fprintf(stderr, "case %zu: no pages skipped (%llu selected)\n", i, (unsigned long long)sel);
            CHECK(skipped > 0 && sel < nrows);
        }
    }
    /* id = 100 is a point lookup: a few pages of ~20 rows (ids are only roughly ascending) */
    uint64_t skipped, match;
    uint64_t sel = check_select(f, cases[0].p, 1, &skipped, &match);
    CHECK_EQ_INT(match, 1);
    CHECK(sel * 50 <= nrows);
    tn_value_free(&s5);
    tn_value_free(&sdate);
    tn_value_free(&sx);
    pq_file_unref(f);
}

static void test_truncated_bounds(void)
{
    char path[1200];
    if (!fixture(path, sizeof path, "parquet-testing/data/binary_truncated_min_max.parquet"))
        return;
    pq_file *f = open_file(path);
    if (!f)
        return;
    for (uint32_t c = 0; c < pq_file_num_fields(f); c++) {
        uint64_t n;
        tn_value *vals = read_values(f, 0, c, &n);
        CHECK(n > 0);
        for (uint64_t i = 0; i < n; i++) {
            if (vals[i].is_null)
                continue;
            /* every present value survives EQ, LE and GE on its own value */
            pq_predicate ops[3] = {{c, PQ_PRED_EQ, &vals[i], 1}, {c, PQ_PRED_LE, &vals[i], 1}, {c, PQ_PRED_GE, &vals[i], 1}};
            for (int k = 0; k < 3; k++) {
                uint64_t skipped, match;
                uint64_t sel = check_select(f, &ops[k], 1, &skipped, &match);
                CHECK(sel >= 1);
            }
        }
        free_values(vals, n);
    }
    /* beyond the (exact) max of the untruncated column: nothing can match */
    int nt = pq_file_field_index(f, "utf8_no_truncation");
    CHECK(nt >= 0);
    if (nt >= 0) {
        tn_value big;
        tn_value_set_string(&big, pq_file_field(f, (uint32_t)nt)->type, "\xff\xff", 2);
        pq_predicate p = {(uint32_t)nt, PQ_PRED_GE, &big, 1};
        uint64_t skipped, match;
        CHECK_EQ_INT(check_select(f, &p, 1, &skipped, &match), 0);
        CHECK_EQ_INT(skipped, 1);
        tn_value_free(&big);
    }
    pq_file_unref(f);
}

/* ======================= Bloom filters ======================= */

static pq_schema_node string_node(void)
{
    pq_schema_node n;
    memset(&n, 0, sizeof n);
    n.physical_type = PQ_BYTE_ARRAY;
    n.type = tn_type_make(TN_T_VARCHAR);
    n.supported = true;
    n.leaf_index = 0;
    return n;
}

static bool may_contain_str(const pq_bloom_filter *bf, const pq_schema_node *node, const char *s)
{
    tn_value v;
    tn_value_set_string(&v, node->type, s, (uint32_t)strlen(s));
    bool r = pq_bloom_filter_may_contain(bf, node, &v);
    tn_value_free(&v);
    return r;
}

static void test_bloom_bare(void)
{
    char path[1200];
    if (!fixture(path, sizeof path, "parquet-testing/data/bloom_filter.xxhash.bin"))
        return;
    FILE *fp = fopen(path, "rb");
    CHECK(fp != NULL);
    if (!fp)
        return;
    uint8_t buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    pq_bloom_filter *bf = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_bloom_filter_decode(buf, n, 0, &bf, &err), TN_OK);
    CHECK(bf != NULL);
    if (!bf)
        return;
    CHECK(bf->nbytes > 0 && bf->nbytes % 32 == 0);
    pq_schema_node node = string_node();
    const char *present[] = {"hello", "parquet", "bloom", "filter"};
    const char *absent[] = {"Hello", "world", "parquets", "", "bloom filter"};
    for (size_t i = 0; i < TN_ARRAY_LEN(present); i++)
        CHECK(may_contain_str(bf, &node, present[i]));
    for (size_t i = 0; i < TN_ARRAY_LEN(absent); i++)
        CHECK(!may_contain_str(bf, &node, absent[i]));
    /* NULL values and values of another type are never "absent" */
    tn_value nul = tn_value_null(node.type), other = tn_value_int(tn_type_make(TN_T_INT32), 5);
    CHECK(pq_bloom_filter_may_contain(bf, &node, &nul));
    CHECK(pq_bloom_filter_may_contain(bf, &node, &other));
    pq_bloom_filter_free(bf);
    /* truncated bitsets and headers fail cleanly */
    for (size_t k = 0; k < n; k += (k < 40 ? 1 : 97)) {
        bf = NULL;
        int rc = pq_bloom_filter_decode(buf, k, 0, &bf, &err);
        CHECK(rc == TN_CORRUPT && bf == NULL);
    }
}

static void test_bloom_no_length(void)
{
    char path[1200];
    if (!fixture(path, sizeof path, "parquet-testing/data/data_index_bloom_encoding_stats.parquet"))
        return;
    pq_file *f = open_file(path);
    if (!f)
        return;
    const pq_column_meta *md = f->meta.row_groups[0].columns[0].meta;
    CHECK(md && md->has_bloom_filter_offset && !md->has_bloom_filter_length);
    pq_bloom_filter *bf = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_bloom_filter_read(f, 0, 0, &bf, &err), TN_OK);
    CHECK(bf != NULL);
    uint64_t n;
    tn_value *vals = read_values(f, 0, 0, &n);
    const pq_schema_node *node = pq_file_field(f, 0);
    uint32_t present = 0;
    for (uint64_t i = 0; i < n; i++)
        if (!vals[i].is_null) {
            present++;
            CHECK(pq_bloom_filter_may_contain(bf, node, &vals[i]));
            pq_predicate p = {0, PQ_PRED_EQ, &vals[i], 1};
            bool may = false;
            CHECK_EQ_INT(pq_row_group_bloom_may_match(f, 0, &p, 1, &may, NULL, &err), TN_OK);
            CHECK(may);
        }
    CHECK(present >= 10);
    /* strings that are not in the column: nearly all must be reported absent */
    tn_value absent[20];
    uint32_t reported_absent = 0;
    for (int i = 0; i < 20; i++) {
        char s[32];
        snprintf(s, sizeof s, "no such string %d", i);
        tn_value_set_string(&absent[i], node->type, s, (uint32_t)strlen(s));
        reported_absent += !pq_bloom_filter_may_contain(bf, node, &absent[i]);
    }
    CHECK(reported_absent >= 17);
    /* IN over absent values only: the row group is skipped (statistics could not) */
    tn_value in[3];
    uint32_t k = 0;
    for (int i = 0; i < 20 && k < 3; i++)
        if (!pq_bloom_filter_may_contain(bf, node, &absent[i]))
            in[k++] = absent[i];
    CHECK_EQ_INT(k, 3);
    pq_predicate p = {0, PQ_PRED_IN, in, k};
    bool may = true;
    uint32_t nread = 0;
    CHECK_EQ_INT(pq_row_group_bloom_may_match(f, 0, &p, 1, &may, &nread, &err), TN_OK);
    CHECK(!may);
    CHECK_EQ_INT(nread, 1);
    /* ... but one present value among them keeps it */
    in[1] = vals[0];
    CHECK_EQ_INT(pq_row_group_bloom_may_match(f, 0, &p, 1, &may, NULL, &err), TN_OK);
    CHECK(may);
    for (int i = 0; i < 20; i++)
        tn_value_free(&absent[i]);
    free_values(vals, n);
    pq_bloom_filter_free(bf);
    pq_file_unref(f);
}

/* DuckDB writes Bloom filters for dictionary-encoded chunks. */
static void test_bloom_duckdb(void)
{
    char path[1200];
    if (!fixture(path, sizeof path, "generated/duckdb/big_200k_rg50k_zstd.parquet"))
        return;
    pq_file *f = open_file(path);
    if (!f)
        return;
    int c = pq_file_field_index(f, "low_card_str");
    CHECK(c >= 0);
    if (c < 0) {
        pq_file_unref(f);
        return;
    }
    const pq_schema_node *node = pq_file_field(f, (uint32_t)c);
    uint32_t nrg = pq_file_num_row_groups(f);
    uint32_t bloom_skips = 0, filters = 0;
    tn_err err = TN_ERR_INIT;
    for (uint32_t rg = 0; rg < nrg; rg++) {
        uint64_t n;
        tn_value *vals = read_values(f, rg, (uint32_t)c, &n);
        /* every present value may match; a value just above a present one, inside the
         * row group's min/max but absent, is excluded by the filter alone */
        uint32_t absent_skipped = 0, tried = 0;
        for (uint64_t i = 0; i < n && i < 2000; i += 37) {
            if (vals[i].is_null)
                continue;
            pq_predicate p = {(uint32_t)c, PQ_PRED_EQ, &vals[i], 1};
            bool may = false;
            uint32_t nread = 0;
            CHECK_EQ_INT(pq_row_group_bloom_may_match(f, rg, &p, 1, &may, &nread, &err), TN_OK);
            CHECK(may);
            filters += nread;
            char buf[256];
            uint32_t len = vals[i].v.str.len < 200 ? vals[i].v.str.len : 200;
            memcpy(buf, vals[i].v.str.ptr, len);
            buf[len] = '\x01'; /* sorts right after the value: inside [min, max] unless it is the max */
            tn_value probe;
            tn_value_set_string(&probe, node->type, buf, len + 1);
            bool exists = false;
            for (uint64_t j = 0; j < n && !exists; j++)
                exists = !vals[j].is_null && ref_cmp(&vals[j], &probe) == 0;
            if (!exists) {
                p.values = &probe;
                tried++;
                CHECK_EQ_INT(pq_row_group_bloom_may_match(f, rg, &p, 1, &may, NULL, &err), TN_OK);
                absent_skipped += !may;
                bloom_skips += !may && pq_row_group_may_match(f, rg, &p, 1);
            }
            tn_value_free(&probe);
        }
        CHECK(tried > 0);
        CHECK(absent_skipped * 10 >= tried * 8);
        free_values(vals, n);
    }
    CHECK(filters > 0);
    CHECK(bloom_skips > 0); /* cases statistics alone cannot prune */
    pq_file_unref(f);
}

/* ======================= hostile bytes in a file ======================= */

static bool copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    bool ok = a && b;
    char buf[8192];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, a)) > 0)
        ok = fwrite(buf, 1, n, b) == n;
    if (a)
        fclose(a);
    if (b)
        ok = fclose(b) == 0 && ok;
    return ok;
}

static void poke(const char *path, int64_t off, const uint8_t *bytes, size_t n)
{
    FILE *fp = fopen(path, "r+b");
    CHECK(fp != NULL);
    if (!fp)
        return;
    fseek(fp, (long)off, SEEK_SET);
    fwrite(bytes, 1, n, fp);
    fclose(fp);
}

static void test_hostile_file(void)
{
    char path[1200], tmp[1200];
    if (!fixture(path, sizeof path, "parquet-testing/data/alltypes_tiny_pages.parquet"))
        return;
    const char *d = getenv("TARN_TEST_TMP");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", d && *d ? d : "/tmp");
    mkdir(dir, 0755);
    snprintf(tmp, sizeof tmp, "%s/prune_hostile_index.parquet", dir);
    pq_file *f = open_file(path);
    if (!f)
        return;
    int id = pq_file_field_index(f, "id");
    int leaf = pq_schema_flat_leaf(pq_file_field(f, (uint32_t)id));
    const pq_column_chunk *cc = &f->meta.row_groups[0].columns[leaf];
    int64_t ci_off = cc->column_index_offset, oi_off = cc->offset_index_offset;
    int32_t oi_len = cc->offset_index_length;
    uint64_t nrows = (uint64_t)pq_row_group_num_rows(f, 0);
    pq_file_unref(f);

    tn_value v100 = tn_value_int(tn_type_make(TN_T_INT32), 100);
    pq_predicate p = {(uint32_t)id, PQ_PRED_EQ, &v100, 1};
    tn_err err = TN_ERR_INIT;
    /* 1. garbage at the start of the ColumnIndex: decode fails, index ignored */
    CHECK(copy_file(path, tmp));
    uint8_t junk[16];
    memset(junk, 0xff, sizeof junk);
    poke(tmp, ci_off, junk, sizeof junk);
    f = open_file(tmp);
    if (f) {
        pq_row_ranges r;
        CHECK_EQ_INT(pq_row_group_select_rows(f, 0, &p, 1, &r, &err), TN_OK);
        CHECK_EQ_INT(r.indexes_ignored, 1);
        CHECK_EQ_INT(pq_row_ranges_count(&r), nrows);
        pq_row_ranges_free(&r);
        pq_column_index *ci = NULL;
        CHECK_EQ_INT(pq_column_index_read(f, 0, leaf, &ci, &err), TN_CORRUPT);
        CHECK(strstr(err.msg, "ColumnIndex") != NULL);
        pq_file_unref(f);
    }
    /* 2. the OffsetIndex scrambled in its middle: either undecodable or inconsistent (first
     * rows no longer increasing), or consistent -- never a crash or a lost row */
    CHECK(copy_file(path, tmp));
    for (int32_t at = 3; at < oi_len; at += oi_len / 7 + 1) {
        uint8_t b = (uint8_t)(0x11 * (uint8_t)at);
        poke(tmp, oi_off + at, &b, 1);
    }
    f = open_file(tmp);
    if (f) {
        pq_row_ranges r;
        CHECK_EQ_INT(pq_row_group_select_rows(f, 0, &p, 1, &r, &err), TN_OK);
        CHECK(ranges_well_formed(&r, nrows));
        /* the row with id 100 is row 100 - first id; whatever the index says, the ranges come
         * from a validated structure or cover everything */
        CHECK(r.indexes_ignored == 1 || r.indexes_used == 1);
        pq_row_ranges_free(&r);
        pq_file_unref(f);
    }
}

static int64_t g_mem_base;

static void setup(void)
{
    const char *s = getenv("TARN_SHARED");
    if (s && *s) {
        snprintf(g_fix, sizeof g_fix, "%s/fixtures/parquet", s);
        g_have_fix = true;
    } else {
        fprintf(stderr, "SKIP fixture tests: TARN_SHARED is not set\n");
    }
    /* the DuckDB fixture has a LIST column: its type descriptor is interned for the life of the
     * process (types.h), so open it once before taking the memory baseline */
    char path[1200];
    snprintf(path, sizeof path, "%s/generated/duckdb/big_200k_rg50k_zstd.parquet", g_fix);
    struct stat st;
    if (g_have_fix && stat(path, &st) == 0) {
        pq_file *f = open_file(path);
        pq_file_unref(f);
    }
    g_mem_base = tn_mem_in_use();
}

static void test_no_leaks(void) { CHECK_EQ_INT(tn_mem_in_use(), g_mem_base); }

TEST_MAIN(setup, test_decode, test_decode_broken, test_decode_mutations, test_tiny_pages, test_truncated_bounds,
          test_bloom_bare, test_bloom_no_length, test_bloom_duckdb, test_hostile_file, test_no_leaks)
