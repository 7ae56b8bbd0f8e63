/*
 * fuzz_parquet_file.c -- libFuzzer target for the whole Parquet read path on hostile files:
 * pq_file_open (magic, footer, FileMetaData, schema), pq_column_reader_open/next/skip over every
 * top-level field of every row group (page headers, CRCs, decompression, levels, every value
 * encoding, dictionaries, type conversion), pq_column_stats on every leaf and
 * pq_row_group_may_match with predicates built from those statistics.
 *
 * The input is the file itself, served from memory by memvfs.h (nothing touches the disk). Every
 * value a reader produces is read back (string bytes included) so ASan sees views that point
 * outside live buffers; dictionary indexes of DICT vectors are checked against the dictionary's
 * capacity. Results must be TN_OK or one of TN_CORRUPT/TN_NOTSUP/TN_IOERR/TN_NOMEM with a
 * non-empty message; anything else aborts (a finding). Work per input is capped (rows read per
 * column) so slow units are real slowness, not big legitimate files.
 *
 * Custom mutator: one mutation in three is structure-aware -- pq_layout.h locates every integer,
 * binary length and list size of the footer and of the page headers, and one of them is replaced
 * by a boundary value (0, -1, INT32/INT64 extremes, the file size, the old value +-1, ...), with
 * the footer length fixed up; page-header values keep their byte length (non-canonical varint
 * padding) when they can, so the offsets in the footer stay valid. The rest is libFuzzer's own
 * byte-level mutation.
 */
#include "memvfs.h"
#include "pq_layout.h"
#include "parquet/metadata.h"
#include "parquet/parquet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS_PER_COLUMN 200000

static void die_if(int cond, const char *what, const tn_err *err)
{
    if (cond) {
        fprintf(stderr, "fuzz_parquet_file: %s (msg: \"%s\")\n", what, err ? err->msg : "");
        abort();
    }
}

static void check_rc(int rc, const tn_err *err, const char *where)
{
    if (rc == TN_OK)
        return;
    die_if(rc != TN_CORRUPT && rc != TN_NOTSUP && rc != TN_IOERR && rc != TN_NOMEM, where, err);
    die_if(err->msg[0] == 0, "error without a message", err);
}

static volatile uint64_t sink;

/* Read every row of v (any kind) so ASan checks the bytes behind it. */
static void touch_vector(const tn_vector *v, uint32_t n)
{
    if (n == 0)
        return;
    if (v->kind == TN_VEC_DICT) {
        die_if(!v->dict || v->dict->kind != TN_VEC_FLAT, "DICT vector without a FLAT dictionary", NULL);
        const uint32_t *idx = v->data;
        for (uint32_t i = 0; i < n; i++)
            if (!v->validity || tn_bit_get(v->validity, i))
                die_if(idx[i] >= v->dict->capacity, "dictionary index beyond the dictionary", NULL);
    }
    tn_vview vw;
    tn_vector_view(v, n, &vw);
    size_t w = tn_type_width(v->type);
    bool str = tn_type_is_string(v->type);
    uint64_t h = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!tn_vview_valid(&vw, i))
            continue;
        uint32_t k = tn_vview_index(&vw, i);
        if (str) {
            const tn_str *s = (const tn_str *)vw.data + k;
            const uint8_t *d = (const uint8_t *)tn_str_data(s);
            for (uint32_t j = 0; j < s->len; j++)
                h = h * 31 + d[j];
        } else if (w) {
            const uint8_t *d = (const uint8_t *)vw.data + (size_t)k * w;
            for (size_t j = 0; j < w; j++)
                h = h * 31 + d[j];
        }
    }
    sink += h;
}

/* Read field `field` of row group `rg` to the end: batches of `batch` rows, skipping `skip` rows
 * after each batch when skip > 0. */
static void read_column(pq_file *f, uint32_t rg, uint32_t field, uint32_t batch, uint32_t skip)
{
    tn_err err = TN_ERR_INIT;
    pq_column_reader *r = NULL;
    int rc = pq_column_reader_open(f, rg, field, &r, &err);
    check_rc(rc, &err, "pq_column_reader_open");
    if (rc)
        return;
    tn_vector *v = tn_vector_new(pq_file_field(f, field)->type, batch);
    die_if(!v, "tn_vector_new", NULL);
    uint64_t total = 0;
    while (total < MAX_ROWS_PER_COLUMN) {
        uint32_t got = 0;
        err.msg[0] = 0;
        rc = pq_column_reader_next(r, batch, v, &got, &err);
        check_rc(rc, &err, "pq_column_reader_next");
        if (rc)
            break;
        die_if(got > batch, "reader returned more rows than asked", NULL);
        touch_vector(v, got);
        if (got == 0)
            break;
        total += got;
        if (skip) {
            err.msg[0] = 0;
            rc = pq_column_reader_skip(r, skip, &err);
            check_rc(rc, &err, "pq_column_reader_skip");
            if (rc)
                break;
            total += skip;
        }
    }
    tn_vector_unref(v);
    pq_column_reader_close(r);
}

static void check_stats(pq_file *f, uint32_t rg)
{
    tn_err err = TN_ERR_INIT;
    for (uint32_t leaf = 0; leaf < f->nleaves; leaf++) {
        pq_stats st;
        err.msg[0] = 0;
        int rc = pq_column_stats(f, rg, (int)leaf, &st, &err);
        check_rc(rc, &err, "pq_column_stats");
        if (rc == TN_OK)
            pq_stats_free(&st);
    }
    for (uint32_t i = 0; i < pq_file_num_fields(f); i++) {
        const pq_schema_node *n = pq_file_field(f, i);
        int leaf = pq_schema_flat_leaf(n);
        if (leaf < 0 || !n->supported)
            continue;
        pq_predicate isnull = {i, PQ_PRED_IS_NULL, NULL, 0}, notnull = {i, PQ_PRED_IS_NOT_NULL, NULL, 0};
        sink += pq_row_group_may_match(f, rg, &isnull, 1);
        sink += pq_row_group_may_match(f, rg, &notnull, 1);
        pq_stats st;
        err.msg[0] = 0;
        if (pq_column_stats(f, rg, leaf, &st, &err) != TN_OK)
            continue;
        if (st.has_min_max) {
            die_if(!tn_type_equal(st.min.type, n->type) || !tn_type_equal(st.max.type, n->type),
                   "statistics of a different type than the column", NULL);
            tn_value both[2] = {st.min, st.max};
            for (int op = PQ_PRED_EQ; op <= PQ_PRED_GE; op++) {
                pq_predicate p[2] = {{i, (pq_pred_op)op, &both[0], 1}, {i, (pq_pred_op)op, &both[1], 1}};
                sink += pq_row_group_may_match(f, rg, &p[0], 1);
                sink += pq_row_group_may_match(f, rg, p, 2);
            }
            pq_predicate in = {i, PQ_PRED_IN, both, 2};
            sink += pq_row_group_may_match(f, rg, &in, 1);
        }
        pq_stats_free(&st);
    }
}

/* ---- structure-aware mutation ---- */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* Encode v as a varint of exactly `len` bytes if possible (padding with 0x80 continuation bytes). */
static size_t varint_padded(uint8_t *o, uint64_t v, size_t len)
{
    size_t n = pql_varint(o, v);
    if (n >= len || len > 10)
        return n;
    o[n - 1] |= 0x80;
    while (n < len - 1)
        o[n++] = 0x80;
    o[n++] = 0;
    return n;
}

static uint64_t read_varint(const uint8_t *p, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len && i < 10; i++)
        v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
    return v;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    uint32_t r = seed * 2654435761u;
    if (r % 3 != 0)
        return LLVMFuzzerMutate(data, size, max_size);
    pql_layout ly;
    if (!pql_find(data, size, &ly) || ly.footer.n + ly.headers.n == 0) {
        pql_free(&ly);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    r >>= 2;
    size_t k = r % (ly.footer.n + ly.headers.n);
    const pql_loc *l = k < ly.footer.n ? &ly.footer.v[k] : &ly.headers.v[k - ly.footer.n];
    uint8_t rep[24];
    size_t rn;
    size_t skip = l->kind == PQL_LISTSIZE ? 1 : 0; /* list header byte before a long-form size */
    uint64_t old = read_varint(data + l->off + skip, l->len - skip);
    uint32_t pick = (r >> 12) % 12;
    if (l->kind == PQL_INT) {
        int64_t ov = (int64_t)(old >> 1) ^ -(int64_t)(old & 1);
        const int64_t cands[12] = {0, -1, 1, INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX, (int64_t)size,
                                   (int64_t)ly.footer_off, (int64_t)((uint64_t)ov + 1), (int64_t)((uint64_t)ov - 1),
                                   (int64_t)((uint64_t)ov * 2 + (r >> 20 & 0xff))};
        rn = varint_padded(rep, pql_zigzag(cands[pick]), l->len);
    } else {
        uint64_t n = l->kind == PQL_LISTSIZE && l->len == 1 ? (uint64_t)(data[l->off] >> 4) : old;
        const uint64_t cands[12] = {0, 1, n + 1, n ? n - 1 : 0, n * 2, 0x7fffffff, 0xffffffff, UINT64_MAX >> 1,
                                    (uint64_t)size, 15, 16, n + 8};
        if (l->kind == PQL_LISTSIZE) {
            rep[0] = (uint8_t)(0xf0 | (data[l->off] & 0x0f));
            rn = 1 + pql_varint(rep + 1, cands[pick]);
        } else {
            rn = varint_padded(rep, cands[pick], l->len);
        }
    }
    size_t out = size;
    if (size - l->len + rn <= max_size)
        out = pql_splice(data, size, &ly, l->off, l->len, rep, rn, data);
    pql_free(&ly);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *path = "/mem/fuzz.parquet";
    tn_err err = TN_ERR_INIT;
    pq_file *f = NULL;
    memvfs_put_borrowed(path, data, size);
    int rc = pq_file_open(&memvfs, path, &f, &err);
    check_rc(rc, &err, "pq_file_open");
    if (rc == TN_OK) {
        /* Metadata accessors must be usable on whatever opened. */
        sink += (uint64_t)pq_file_num_rows(f) + pq_file_num_kv(f);
        for (uint32_t i = 0; i < pq_file_num_kv(f); i++) {
            const char *k, *v;
            uint32_t kl, vl;
            die_if(!pq_file_kv(f, i, &k, &kl, &v, &vl), "pq_file_kv", NULL);
            for (uint32_t j = 0; j < kl; j++)
                sink += (uint8_t)k[j];
            for (uint32_t j = 0; v && j < vl; j++)
                sink += (uint8_t)v[j];
        }
        const char *cb = pq_file_created_by(f);
        if (cb)
            sink += strlen(cb);
        for (uint32_t i = 0; i < pq_file_num_fields(f); i++) {
            const pq_schema_node *n = pq_file_field(f, i);
            die_if(!n || !n->name, "field without a name", NULL);
            sink += strlen(n->name) + (uint32_t)pq_file_field_index(f, n->name);
        }
        uint32_t nrg = pq_file_num_row_groups(f);
        for (uint32_t rg = 0; rg < nrg && rg < 64; rg++) {
            sink += (uint64_t)pq_row_group_num_rows(f, rg);
            check_stats(f, rg);
            for (uint32_t i = 0; i < pq_file_num_fields(f); i++) {
                read_column(f, rg, i, TN_BATCH, 0);
                /* small batches with skips in between: batch boundaries mid-page, skip paths */
                if (rg == 0)
                    read_column(f, rg, i, 7 + (uint32_t)(size % 29), 3 + (uint32_t)(size % 61));
            }
        }
        pq_file_unref(f);
    }
    die_if(memvfs_open_handles() != 0, "a vfs_file was not closed", NULL);
    memvfs_clear();
    return 0;
}
