/*
 * fuzz_thrift.c -- libFuzzer target for the Thrift compact decoder (src/parquet/thrift_read.c,
 * thrift.h) and the metadata decoders built on it (src/parquet/metadata.c: FileMetaData,
 * PageHeader), plus pq_file_open's footer validation and schema building (file.c, schema.c).
 *
 * Input: [selector] + bytes.
 *   selector % 4 == 0  the bytes are a FileMetaData footer: decoded with pq_file_meta_decode and
 *                      every decoded span checked to lie inside the footer; then wrapped as
 *                      "PAR1" <bytes> <u32 len> "PAR1" and opened with pq_file_open through the
 *                      in-memory vfs (schema tree, open checks, statistics of every leaf).
 *   selector % 4 == 1  the bytes are a PageHeader (pq_page_header_decode); hdr_len <= size.
 *   selector % 4 == 2  a generic walk of one struct with the typed readers (every value read,
 *                      containers entered), compared with pq_thrift_skip over the same bytes:
 *                      both must agree on success (except integer range errors, which only
 *                      the typed readers check) and on the number of bytes consumed, and the
 *                      depth must return to 0.
 *   selector % 4 == 3  the same walk over a list/map/any value type given by the next byte.
 * Failures must be TN_CORRUPT (TN_NOTSUP/TN_NOMEM for the file path) with a non-empty message.
 */
#include "memvfs.h"
#include "parquet/metadata.h"
#include "parquet/parquet.h"
#include "parquet/thrift.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_if(int cond, const char *what)
{
    if (cond) {
        fprintf(stderr, "fuzz_thrift: %s\n", what);
        abort();
    }
}

static volatile uint64_t sink;
static const uint8_t *g_lo, *g_hi;

static void span_in(const uint8_t *p, uint32_t n)
{
    if (n == 0)
        return;
    die_if(p < g_lo || p > g_hi || n > (size_t)(g_hi - p), "decoded span outside the decoded buffer");
    sink += p[0] + p[n - 1];
}

static void check_stats(const pq_statistics *s)
{
    if (!s->present)
        return;
    if (s->has_max)
        span_in(s->max.p, s->max.n);
    if (s->has_min)
        span_in(s->min.p, s->min.n);
    if (s->has_max_value)
        span_in(s->max_value.p, s->max_value.n);
    if (s->has_min_value)
        span_in(s->min_value.p, s->min_value.n);
}

static void check_meta(const pq_file_meta *m)
{
    for (uint32_t i = 0; i < m->nschema; i++)
        span_in(m->schema[i].name.p, m->schema[i].name.n);
    for (uint32_t i = 0; i < m->nkv; i++) {
        span_in(m->kv[i].key.p, m->kv[i].key.n);
        if (m->kv[i].has_value)
            span_in(m->kv[i].value.p, m->kv[i].value.n);
    }
    if (m->has_created_by)
        span_in(m->created_by.p, m->created_by.n);
    for (uint32_t i = 0; i < m->ncolumn_orders; i++)
        sink += m->column_orders[i];
    for (uint32_t g = 0; g < m->nrow_groups; g++) {
        const pq_row_group *rg = &m->row_groups[g];
        for (uint32_t s = 0; s < rg->nsorting; s++)
            sink += (uint64_t)rg->sorting[s].column_idx;
        for (uint32_t c = 0; c < rg->ncolumns; c++) {
            const pq_column_chunk *cc = &rg->columns[c];
            if (cc->has_file_path)
                span_in(cc->file_path.p, cc->file_path.n);
            const pq_column_meta *md = cc->meta;
            if (!md)
                continue;
            for (uint32_t k = 0; k < md->npath; k++)
                span_in(md->path[k].p, md->path[k].n);
            for (uint32_t k = 0; k < md->nkv; k++) {
                span_in(md->kv[k].key.p, md->kv[k].key.n);
                if (md->kv[k].has_value)
                    span_in(md->kv[k].value.p, md->kv[k].value.n);
            }
            check_stats(&md->stats);
        }
    }
}

static void fuzz_footer(const uint8_t *p, size_t n)
{
    tn_err err = TN_ERR_INIT;
    pq_file_meta m;
    g_lo = p;
    g_hi = p + n;
    int rc = pq_file_meta_decode(p, n, 4, &m, &err);
    die_if(rc != TN_OK && rc != TN_CORRUPT && rc != TN_NOMEM, "pq_file_meta_decode: unexpected code");
    die_if(rc != TN_OK && err.msg[0] == 0, "pq_file_meta_decode: error without a message");
    if (rc == TN_OK) {
        check_meta(&m);
        pq_file_meta_free(&m);
    } else {
        die_if(m.arena != NULL || m.schema != NULL, "failed decode left memory behind");
    }
    if (rc != TN_OK || n > (1u << 20))
        return;

    /* A decodable footer: wrap it into a file and open it. */
    uint8_t *file = malloc(n + 12);
    memcpy(file, "PAR1", 4);
    memcpy(file + 4, p, n);
    uint32_t len = (uint32_t)n;
    memcpy(file + 4 + n, &len, 4);
    memcpy(file + 8 + n, "PAR1", 4);
    memvfs_put_borrowed("/mem/footer.parquet", file, n + 12);
    pq_file *f = NULL;
    err.msg[0] = 0;
    rc = pq_file_open(&memvfs, "/mem/footer.parquet", &f, &err);
    die_if(rc != TN_OK && rc != TN_CORRUPT && rc != TN_NOTSUP && rc != TN_NOMEM, "pq_file_open: unexpected code");
    die_if(rc != TN_OK && err.msg[0] == 0, "pq_file_open: error without a message");
    if (rc == TN_OK) {
        for (uint32_t i = 0; i < pq_file_num_fields(f); i++)
            sink += strlen(pq_file_field(f, i)->name);
        for (uint32_t rg = 0; rg < pq_file_num_row_groups(f) && rg < 16; rg++)
            for (uint32_t leaf = 0; leaf < f->nleaves; leaf++) {
                pq_stats st;
                err.msg[0] = 0;
                int src = pq_column_stats(f, rg, (int)leaf, &st, &err);
                die_if(src != TN_OK && src != TN_CORRUPT && src != TN_NOTSUP && src != TN_NOMEM,
                       "pq_column_stats: unexpected code");
                if (src == TN_OK)
                    pq_stats_free(&st);
            }
        pq_file_unref(f);
    }
    die_if(memvfs_open_handles() != 0, "a vfs_file was not closed");
    memvfs_clear();
    free(file);
}

static void fuzz_page_header(const uint8_t *p, size_t n)
{
    tn_err err = TN_ERR_INIT;
    pq_page_header h;
    size_t used = 0;
    g_lo = p;
    g_hi = p + n;
    int rc = pq_page_header_decode(p, n, 100, "fuzz page header", &h, &used, &err);
    die_if(rc != TN_OK && rc != TN_CORRUPT, "pq_page_header_decode: unexpected code");
    die_if(rc != TN_OK && err.msg[0] == 0, "pq_page_header_decode: error without a message");
    if (rc == TN_OK) {
        die_if(used == 0 || used > n, "header length outside the buffer");
        die_if(h.uncompressed_page_size < 0 || h.compressed_page_size < 0, "negative page size accepted");
        if (h.has_data)
            check_stats(&h.data.stats);
        if (h.has_v2) {
            check_stats(&h.v2.stats);
            die_if(h.v2.num_nulls > h.v2.num_values || h.v2.def_len < 0 || h.v2.rep_len < 0,
                   "inconsistent v2 header accepted");
        }
    }
}

/* ---- generic walk with the typed readers ---- */
static int walk_value(pq_thrift *t, int type, bool elem);

static int walk_struct(pq_thrift *t)
{
    int rc = pq_thrift_struct_begin(t);
    if (rc)
        return rc;
    int16_t id = 0;
    for (;;) {
        int ty;
        if ((rc = pq_thrift_field(t, &id, &ty)))
            return rc;
        if (ty == PQ_TT_STOP)
            break;
        sink += (uint16_t)id;
        if ((rc = walk_value(t, ty, false)))
            return rc;
    }
    pq_thrift_struct_end(t);
    return TN_OK;
}

static int walk_value(pq_thrift *t, int type, bool elem)
{
    int rc;
    const uint8_t *before = t->p;
    switch (type) {
    case PQ_TT_TRUE:
    case PQ_TT_FALSE: {
        bool b = false;
        rc = elem ? pq_thrift_elem_bool(t, &b) : pq_thrift_field_bool(t, type, &b);
        sink += b;
        break;
    }
    case PQ_TT_I8:
    case PQ_TT_I16:
    case PQ_TT_I64: {
        int64_t v = 0;
        rc = pq_thrift_int(t, type, &v);
        if (rc == TN_OK && type == PQ_TT_I8)
            die_if(v < INT8_MIN || v > INT8_MAX, "i8 out of range");
        if (rc == TN_OK && type == PQ_TT_I16)
            die_if(v < INT16_MIN || v > INT16_MAX, "i16 out of range");
        sink += (uint64_t)v;
        break;
    }
    case PQ_TT_I32: {
        int32_t v = 0;
        rc = pq_thrift_i32(t, type, &v);
        sink += (uint32_t)v;
        break;
    }
    case PQ_TT_DOUBLE: {
        double d = 0;
        rc = pq_thrift_double(t, &d);
        sink += d == d;
        break;
    }
    case PQ_TT_BINARY: {
        const uint8_t *p = NULL;
        uint32_t n = 0;
        rc = pq_thrift_binary(t, &p, &n);
        if (rc == TN_OK)
            span_in(p, n);
        break;
    }
    case PQ_TT_LIST:
    case PQ_TT_SET: {
        int et;
        uint32_t n;
        if ((rc = pq_thrift_list_begin(t, &et, &n)))
            return rc;
        die_if(n > pq_thrift_remaining(t), "list longer than the remaining bytes");
        for (uint32_t i = 0; i < n; i++)
            if ((rc = walk_value(t, et, true)))
                return rc;
        pq_thrift_container_end(t);
        break;
    }
    case PQ_TT_MAP: {
        int kt, vt;
        uint32_t n;
        if ((rc = pq_thrift_map_begin(t, &kt, &vt, &n)))
            return rc;
        for (uint32_t i = 0; i < n; i++)
            if ((rc = walk_value(t, kt, true)) || (rc = walk_value(t, vt, true)))
                return rc;
        pq_thrift_container_end(t);
        break;
    }
    case PQ_TT_STRUCT:
        rc = walk_struct(t);
        break;
    default:
        /* UUID and invalid types: the generic skipper decides */
        rc = elem ? pq_thrift_skip_elem(t, type) : pq_thrift_skip(t, type);
        break;
    }
    die_if(t->p < before || t->p > t->end, "cursor outside the buffer");
    return rc;
}

static void fuzz_walk(const uint8_t *p, size_t n, int type, bool elem)
{
    tn_err e1 = TN_ERR_INIT, e2 = TN_ERR_INIT;
    pq_thrift a, b;
    g_lo = p;
    g_hi = p + n;
    pq_thrift_init(&a, p, n, 0, "walk", &e1);
    pq_thrift_init(&b, p, n, 0, "skip", &e2);
    int ra = walk_value(&a, type, elem);
    int rb = elem ? pq_thrift_skip_elem(&b, type) : pq_thrift_skip(&b, type);
    die_if(ra != TN_OK && ra != TN_CORRUPT, "walk: unexpected code");
    die_if(rb != TN_OK && rb != TN_CORRUPT, "skip: unexpected code");
    die_if((ra != TN_OK && e1.msg[0] == 0) || (rb != TN_OK && e2.msg[0] == 0), "error without a message");
    /* Skipping does not range-check integers, so only a typed range error may separate them. */
    die_if(ra == TN_OK && rb != TN_OK, "skip rejects what the typed walk accepts");
    die_if(ra != TN_OK && rb == TN_OK && !strstr(e1.msg, "out of range") && !strstr(e1.msg, "does not fit"),
           "typed walk rejects what skip accepts");
    if (ra == TN_OK) {
        die_if(pq_thrift_consumed(&a) != pq_thrift_consumed(&b), "typed walk and skip consumed different lengths");
        die_if(a.depth != 0 || b.depth != 0, "nesting depth not restored");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* Copy into an exact-size heap buffer so ASan sees any read past the end. */
    size_t n = size - 1;
    uint8_t *p = malloc(n ? n : 1);
    memcpy(p, data + 1, n);
    switch (data[0] % 4) {
    case 0: fuzz_footer(p, n); break;
    case 1: fuzz_page_header(p, n); break;
    case 2: fuzz_walk(p, n, PQ_TT_STRUCT, false); break;
    default:
        if (n >= 1)
            fuzz_walk(p + 1, n - 1, p[0] & 0x0f, (p[0] & 0x10) != 0);
        break;
    }
    free(p);
    return 0;
}
