/*
 * test_corrupt_files.c -- deterministic corruption of valid Parquet files: the reader must either
 * read a damaged file or reject it with TN_CORRUPT / TN_NOTSUP / TN_IOERR and a non-empty message
 * -- never crash, hang, allocate without bound (TN_NOMEM counts as a failure here), leak tarn
 * memory (tn_mem_in_use() returns to its baseline after every attempt) or leave a file handle open.
 *
 * Files: three small files written by tarn's own writer (src/parquet/writer.h) into the in-memory
 * vfs of test/fuzz/memvfs.h (several types, nulls, several row groups; v1 and v2 pages;
 * dictionary and PLAIN; snappy, zstd, uncompressed). Their locations of interest are found by
 * walking them with the Thrift decoder: every integer, binary length and list size of the footer
 * and of every page header.
 *
 * Mutations (all deterministic; a fixed-seed LCG picks random positions):
 *   - the footer truncated at ~300 offsets k (every one for small footers), re-terminated with a
 *     correct length and magic; the data region shortened at ~40 offsets;
 *   - the file cut at every offset of its last 64 bytes and at ~60 offsets elsewhere;
 *   - one bit flipped in ~500 footer bytes and ~300 page-header bytes (spread evenly);
 *   - random bit flips and byte overwrites across the data pages (CRC checks on and off);
 *   - every footer integer (once) and page-header integer (twice) replaced with one of 0, -1, 1,
 *     15, 2^30, INT32_MIN/MAX, INT64_MIN/MAX, the file size and its negation, the footer offset
 *     (re-encoded, footer length fixed up), cycling through the candidates;
 *   - every binary length and list size replaced with huge values, list sizes also off by one;
 *   - the footer length field itself set to 0, huge and off-by-one values.
 * "Reading" a file: pq_file_open, every field of every row group with pq_column_reader_next
 * (every produced value read back), a reader that skips, pq_column_stats on every leaf and
 * pq_row_group_may_match with predicates built from the statistics.
 *
 * Debugging: with TARN_CORRUPT_SAVE=<path> every mutated file is written to <path> before it is
 * read, so after a crash <path> is the reproducer (feed it to test/fuzz's fuzz_parquet_file).
 */
#include "tn_test.h"
#include "../../fuzz/memvfs.h"
#include "parquet/codec.h"
#include "parquet/metadata.h"
#include "parquet/parquet.h"
#include "parquet/thrift.h"
#include "parquet/writer.h"

#include <time.h>

#define PATH "/mem/corrupt.parquet"

/* ---- the valid files ---- */
typedef struct pfile {
    uint8_t *b;
    size_t n;
    const char *what;
    int64_t rows;
} pfile;

static pfile g_files[3];
static int g_nfiles;

static tn_type t_dec(int p, int s) { return tn_type_decimal(p, s); }

static void make_file(const char *what, int codec, int page_version, bool dict, uint64_t rg_rows, uint32_t rows)
{
    const char *names[] = {"i8", "i32", "i64", "u32", "f", "d", "b", "s", "dt", "ts", "dec9", "dec30", "blob"};
    tn_type types[13];
    types[0] = tn_type_make(TN_T_INT8);
    types[1] = tn_type_make(TN_T_INT32);
    types[2] = tn_type_make(TN_T_INT64);
    types[3] = tn_type_make(TN_T_UINT32);
    types[4] = tn_type_make(TN_T_FLOAT);
    types[5] = tn_type_make(TN_T_DOUBLE);
    types[6] = tn_type_make(TN_T_BOOL);
    types[7] = tn_type_make(TN_T_VARCHAR);
    types[8] = tn_type_make(TN_T_DATE);
    types[9] = tn_type_timestamp(TN_UNIT_US, false);
    types[10] = t_dec(9, 2);
    types[11] = t_dec(30, 4);
    types[12] = tn_type_make(TN_T_BLOB);
    const uint32_t ncols = 13;
    pq_write_options o;
    pq_write_options_default(&o);
    o.codec = codec;
    o.page_version = page_version;
    o.dictionary = dict;
    o.row_group_size = rg_rows;
    o.page_size = 256; /* several pages per chunk */
    tn_err err = TN_ERR_INIT;
    pq_writer *w = NULL;
    int rc = pq_writer_open(&memvfs, PATH, ncols, names, types, &o, &w, &err);
    if (rc) {
        fprintf(stderr, "writer open (%s): %s\n", what, err.msg);
        CHECK_EQ_INT(rc, TN_OK);
        return;
    }
    tn_chunk *c = tn_chunk_new(ncols, types, rows);
    CHECK(c != NULL);
    if (!c) {
        pq_writer_abort(w);
        return;
    }
    for (uint32_t r = 0; r < rows; r++) {
        for (uint32_t k = 0; k < ncols; k++)
            if ((r * 7 + k * 3) % 11 == 5)
                tn_vector_set_null(c->cols[k], r);
        ((int8_t *)c->cols[0]->data)[r] = (int8_t)(r % 200);
        ((int32_t *)c->cols[1]->data)[r] = (int32_t)(r % 13) * 1000 - 5000;
        ((int64_t *)c->cols[2]->data)[r] = (int64_t)r * 7919 * 100003 - 4000000000LL;
        ((uint32_t *)c->cols[3]->data)[r] = 4000000000u - r;
        ((float *)c->cols[4]->data)[r] = (float)r / 3.0f;
        ((double *)c->cols[5]->data)[r] = r % 17 == 0 ? -0.0 : (double)r * 1.5 - 100;
        ((bool *)c->cols[6]->data)[r] = r % 3 == 1;
        char buf[64];
        int len = snprintf(buf, sizeof buf, r % 4 ? "v%u" : "a longer string value %u", r % 29);
        tn_str v;
        CHECK_EQ_INT(tn_vector_add_string(c->cols[7], buf, (uint32_t)len, &v), TN_OK);
        ((tn_str *)c->cols[7]->data)[r] = v;
        ((int32_t *)c->cols[8]->data)[r] = 19000 + (int32_t)(r % 50);
        ((int64_t *)c->cols[9]->data)[r] = 1700000000000000LL + (int64_t)r * 3600000000LL;
        ((int64_t *)c->cols[10]->data)[r] = (int64_t)(r % 1000) * 137 - 50000;
        ((tn_i128 *)c->cols[11]->data)[r] = (tn_i128)r * 1000000000000LL * 1000000 - 7;
        uint8_t blob[20];
        for (int i = 0; i < 20; i++)
            blob[i] = (uint8_t)(r * 31 + (uint32_t)i);
        CHECK_EQ_INT(tn_vector_add_string(c->cols[12], (const char *)blob, 3 + r % 17, &v), TN_OK);
        ((tn_str *)c->cols[12]->data)[r] = v;
    }
    c->count = rows;
    rc = pq_writer_write(w, c, &err);
    if (rc == TN_OK)
        rc = pq_writer_close(w, &err);
    else
        pq_writer_abort(w);
    tn_chunk_free(c);
    if (rc) {
        fprintf(stderr, "writer (%s): %s\n", what, err.msg);
        CHECK_EQ_INT(rc, TN_OK);
        return;
    }
    size_t n = 0;
    const uint8_t *b = memvfs_get(PATH, &n);
    CHECK(b != NULL && n > 12);
    if (!b)
        return;
    pfile *f = &g_files[g_nfiles++];
    f->b = malloc(n);
    memcpy(f->b, b, n);
    f->n = n;
    f->what = what;
    f->rows = rows;
    memvfs_clear();
}

/* ---- reading a (possibly damaged) file ---- */
static volatile uint64_t sink;

typedef struct outcome {
    int rc;                 /* first failure, or TN_OK */
    char msg[TN_ERR_MSG_MAX];
    int64_t rows_read;      /* rows produced by the first pass over field 0 */
} outcome;

static int g_attempts, g_ok, g_failed, g_bad_code, g_no_msg, g_leaks, g_handles;
static int g_code_count[16];

static void note(outcome *o, int rc, const tn_err *err)
{
    if (rc == TN_OK || o->rc != TN_OK)
        return;
    o->rc = rc;
    snprintf(o->msg, sizeof o->msg, "%s", err->msg);
}

static void touch(const tn_vector *v, uint32_t n)
{
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
                h += d[j];
        } else {
            const uint8_t *d = (const uint8_t *)vw.data + (size_t)k * w;
            for (size_t j = 0; j < w; j++)
                h += d[j];
        }
    }
    sink += h;
}

static void read_field(pq_file *f, uint32_t rg, uint32_t field, uint32_t batch, uint32_t skip, outcome *o,
                       int64_t *rows)
{
    tn_err err = TN_ERR_INIT;
    pq_column_reader *r = NULL;
    int rc = pq_column_reader_open(f, rg, field, &r, &err);
    note(o, rc, &err);
    if (rc)
        return;
    tn_vector *v = tn_vector_new(pq_file_field(f, field)->type, batch);
    for (int guard = 0; v && guard < 100000; guard++) {
        uint32_t got = 0;
        rc = pq_column_reader_next(r, batch, v, &got, &err);
        note(o, rc, &err);
        if (rc || got == 0)
            break;
        if (got > batch) {
            CHECK(got <= batch);
            break;
        }
        touch(v, got);
        if (rows)
            *rows += got;
        if (skip) {
            rc = pq_column_reader_skip(r, skip, &err);
            if (rc) /* skipping past the end is an expected TN_CORRUPT on valid files too */
                break;
        }
    }
    tn_vector_unref(v);
    pq_column_reader_close(r);
}

static void read_all(outcome *o)
{
    tn_err err = TN_ERR_INIT;
    pq_file *f = NULL;
    memset(o, 0, sizeof *o);
    int rc = pq_file_open(&memvfs, PATH, &f, &err);
    note(o, rc, &err);
    if (rc)
        return;
    for (uint32_t rg = 0; rg < pq_file_num_row_groups(f); rg++) {
        for (uint32_t leaf = 0; leaf < f->nleaves; leaf++) {
            pq_stats st;
            rc = pq_column_stats(f, rg, (int)leaf, &st, &err);
            note(o, rc, &err);
            if (rc == TN_OK)
                pq_stats_free(&st);
        }
        for (uint32_t i = 0; i < pq_file_num_fields(f); i++) {
            read_field(f, rg, i, TN_BATCH, 0, o, i == 0 ? &o->rows_read : NULL);
            const pq_schema_node *n = pq_file_field(f, i);
            int leaf = pq_schema_flat_leaf(n);
            if (leaf < 0 || !n->supported)
                continue;
            pq_predicate nn = {i, PQ_PRED_IS_NULL, NULL, 0};
            sink += pq_row_group_may_match(f, rg, &nn, 1);
            pq_stats st;
            if (pq_column_stats(f, rg, leaf, &st, &err) != TN_OK)
                continue;
            if (st.has_min_max) {
                tn_value both[2] = {st.min, st.max};
                for (int op = PQ_PRED_EQ; op <= PQ_PRED_GE; op++) {
                    pq_predicate p = {i, (pq_pred_op)op, &both[op & 1], 1};
                    sink += pq_row_group_may_match(f, rg, &p, 1);
                }
                pq_predicate in = {i, PQ_PRED_IN, both, 2};
                sink += pq_row_group_may_match(f, rg, &in, 1);
            }
            pq_stats_free(&st);
        }
    }
    /* small batches with skips over row group 0 */
    if (pq_file_num_row_groups(f) > 0)
        for (uint32_t i = 0; i < pq_file_num_fields(f); i++)
            read_field(f, 0, i, 5, 3, o, NULL);
    pq_file_unref(f);
}

/* Read `b` as the file and check the outcome. */
static outcome attempt(const uint8_t *b, size_t n, const char *what, size_t where)
{
    outcome o;
    const char *save = getenv("TARN_CORRUPT_SAVE");
    if (save) { /* debugging: after a crash this file holds the input that caused it */
        FILE *fp = fopen(save, "wb");
        if (fp) {
            fwrite(b, 1, n, fp);
            fclose(fp);
        }
    }
    int64_t base = tn_mem_in_use();
    memvfs_put_borrowed(PATH, b, n);
    read_all(&o);
    memvfs_clear();
    g_attempts++;
    int64_t after = tn_mem_in_use();
    if (after != base) {
        if (g_leaks++ < 5)
            fprintf(stderr, "%s at %zu: %lld bytes of tarn memory leaked (rc %d: %s)\n", what, where,
                    (long long)(after - base), o.rc, o.msg);
    }
    if (memvfs_open_handles() != 0) {
        if (g_handles++ < 5)
            fprintf(stderr, "%s at %zu: %d vfs handles left open\n", what, where, memvfs_open_handles());
        memvfs_handles = 0;
    }
    if (o.rc == TN_OK) {
        g_ok++;
    } else {
        g_failed++;
        g_code_count[o.rc & 15]++;
        if (o.rc != TN_CORRUPT && o.rc != TN_NOTSUP && o.rc != TN_IOERR) {
            if (g_bad_code++ < 5)
                fprintf(stderr, "%s at %zu: unexpected code %s: %s\n", what, where, tn_code_name(o.rc), o.msg);
        } else if (o.msg[0] == 0) {
            if (g_no_msg++ < 5)
                fprintf(stderr, "%s at %zu: %s without a message\n", what, where, tn_code_name(o.rc));
        }
    }
    return o;
}

/* ---- locating integers, lengths and list sizes with the Thrift decoder ---- */
enum { LOC_INT, LOC_BINLEN, LOC_LISTSIZE };
typedef struct loc {
    size_t off, len; /* bytes of the encoded value, relative to the walked buffer */
    int kind;
} loc;

typedef struct locs {
    loc *v;
    size_t n, cap;
} locs;

static void add_loc(locs *L, size_t off, size_t len, int kind)
{
    if (L->n == L->cap) {
        L->cap = L->cap ? L->cap * 2 : 256;
        L->v = realloc(L->v, L->cap * sizeof *L->v);
    }
    L->v[L->n].off = off;
    L->v[L->n].len = len;
    L->v[L->n].kind = kind;
    L->n++;
}

static int walk_value(pq_thrift *t, int type, bool elem, locs *L, size_t base);

static int walk_struct(pq_thrift *t, locs *L, size_t base)
{
    int rc = pq_thrift_struct_begin(t);
    int16_t id = 0;
    while (rc == TN_OK) {
        int ty;
        if ((rc = pq_thrift_field(t, &id, &ty)) || ty == PQ_TT_STOP)
            break;
        rc = walk_value(t, ty, false, L, base);
    }
    pq_thrift_struct_end(t);
    return rc;
}

static int walk_value(pq_thrift *t, int type, bool elem, locs *L, size_t base)
{
    size_t at = base + pq_thrift_consumed(t);
    int rc;
    if (type == PQ_TT_I16 || type == PQ_TT_I32 || type == PQ_TT_I64) {
        int64_t v;
        if ((rc = pq_thrift_int(t, type, &v)) == TN_OK)
            add_loc(L, at, base + pq_thrift_consumed(t) - at, LOC_INT);
        return rc;
    }
    if (type == PQ_TT_BINARY) {
        uint64_t len;
        if ((rc = pq_thrift_varint(t, &len)))
            return rc;
        add_loc(L, at, base + pq_thrift_consumed(t) - at, LOC_BINLEN);
        if (len > pq_thrift_remaining(t))
            return TN_CORRUPT;
        t->p += len;
        return TN_OK;
    }
    if (type == PQ_TT_LIST || type == PQ_TT_SET) {
        int et;
        uint32_t n;
        if ((rc = pq_thrift_list_begin(t, &et, &n)))
            return rc;
        add_loc(L, at, base + pq_thrift_consumed(t) - at, LOC_LISTSIZE);
        for (uint32_t i = 0; i < n && rc == TN_OK; i++)
            rc = walk_value(t, et, true, L, base);
        pq_thrift_container_end(t);
        return rc;
    }
    if (type == PQ_TT_STRUCT)
        return walk_struct(t, L, base);
    return elem ? pq_thrift_skip_elem(t, type) : pq_thrift_skip(t, type);
}

typedef struct layout {
    size_t footer_off, footer_len;
    locs footer;              /* offsets relative to the file */
    locs headers;             /* page header integers, relative to the file */
    size_t *hdr_start, *hdr_len;
    size_t nhdr;
} layout;

static void find_layout(const pfile *pf, layout *ly)
{
    memset(ly, 0, sizeof *ly);
    const uint8_t *b = pf->b;
    uint32_t flen = (uint32_t)b[pf->n - 8] | (uint32_t)b[pf->n - 7] << 8 | (uint32_t)b[pf->n - 6] << 16 |
                    (uint32_t)b[pf->n - 5] << 24;
    ly->footer_len = flen;
    ly->footer_off = pf->n - 8 - flen;
    pq_thrift t;
    tn_err err = TN_ERR_INIT;
    pq_thrift_init(&t, b + ly->footer_off, flen, ly->footer_off, "footer", &err);
    CHECK_EQ_INT(walk_struct(&t, &ly->footer, ly->footer_off), TN_OK);
    /* every page of every column chunk, located through the decoded footer */
    pq_file_meta m;
    CHECK_EQ_INT(pq_file_meta_decode(b + ly->footer_off, flen, ly->footer_off, &m, &err), TN_OK);
    ly->hdr_start = calloc(4096, sizeof(size_t));
    ly->hdr_len = calloc(4096, sizeof(size_t));
    for (uint32_t g = 0; g < m.nrow_groups; g++)
        for (uint32_t c = 0; c < m.row_groups[g].ncolumns; c++) {
            const pq_column_meta *md = m.row_groups[g].columns[c].meta;
            if (!md)
                continue;
            int64_t start = md->data_page_offset;
            if (md->has_dictionary_page_offset && md->dictionary_page_offset > 0 &&
                md->dictionary_page_offset < start)
                start = md->dictionary_page_offset;
            size_t pos = (size_t)start, end = (size_t)(start + md->total_compressed_size);
            while (pos < end && ly->nhdr < 4096) {
                pq_page_header h;
                size_t hl = 0;
                if (pq_page_header_decode(b + pos, end - pos, pos, "page", &h, &hl, &err) != TN_OK)
                    break;
                pq_thrift_init(&t, b + pos, hl, pos, "page", &err);
                walk_struct(&t, &ly->headers, pos);
                ly->hdr_start[ly->nhdr] = pos;
                ly->hdr_len[ly->nhdr++] = hl;
                pos += hl + (size_t)h.compressed_page_size;
            }
            CHECK_EQ_INT(pos, end); /* every page header of the chunk found */
        }
    pq_file_meta_free(&m);
}

static void free_layout(layout *ly)
{
    free(ly->footer.v);
    free(ly->headers.v);
    free(ly->hdr_start);
    free(ly->hdr_len);
}

/* ---- mutation helpers ---- */
static uint8_t *g_buf;
static size_t g_cap;

static uint8_t *scratch(size_t n)
{
    if (n > g_cap) {
        g_cap = n * 2;
        g_buf = realloc(g_buf, g_cap);
    }
    return g_buf;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static size_t enc_varint(uint8_t *o, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        o[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    o[n++] = (uint8_t)v;
    return n;
}

/* Replace bytes [off, off+len) of the file by rep[0..rn); if the range lies in the footer, the
 * footer length is fixed up. Returns the new size (file in g_buf). */
static size_t splice(const pfile *pf, const layout *ly, size_t off, size_t len, const uint8_t *rep, size_t rn)
{
    size_t n = pf->n - len + rn;
    uint8_t *o = scratch(n);
    memcpy(o, pf->b, off);
    memcpy(o + off, rep, rn);
    memcpy(o + off + rn, pf->b + off + len, pf->n - off - len);
    if (off >= ly->footer_off)
        put_u32(o + n - 8, (uint32_t)(ly->footer_len - len + rn));
    return n;
}

static uint32_t g_rng = 12345;
static uint32_t rnd(void)
{
    g_rng = g_rng * 1664525u + 1013904223u;
    return g_rng >> 8;
}

/* ---- the mutation families ---- */
static void mutate_truncations(const pfile *pf, const layout *ly)
{
    /* the footer cut at every offset, still framed by a correct length and magic */
    size_t stride = ly->footer_len / 300 + 1;
    for (size_t k = 0; k < ly->footer_len; k += stride) {
        size_t n = ly->footer_off + k + 8;
        uint8_t *o = scratch(n);
        memcpy(o, pf->b, ly->footer_off + k);
        put_u32(o + ly->footer_off + k, (uint32_t)k);
        memcpy(o + n - 4, "PAR1", 4);
        attempt(o, n, "footer truncated", k);
    }
    /* the file cut: every offset in the last 64 bytes, a stride elsewhere */
    for (size_t cut = 0; cut < pf->n; cut += (pf->n - cut <= 64 ? 1 : pf->n / 60 + 1))
        attempt(pf->b, cut, "file truncated", cut);
    /* data pages cut short, footer kept (pages run into the footer) */
    for (size_t cut = 4; cut < ly->footer_off; cut += ly->footer_off / 40 + 1) {
        size_t n = pf->n - (ly->footer_off - cut);
        uint8_t *o = scratch(n);
        memcpy(o, pf->b, cut);
        memcpy(o + cut, pf->b + ly->footer_off, pf->n - ly->footer_off);
        attempt(o, n, "data region shortened", cut);
    }
}

static void mutate_bitflips(const pfile *pf, const layout *ly)
{
    uint8_t *o = scratch(pf->n);
    size_t stride = ly->footer_len / 500 + 1;
    for (size_t i = ly->footer_off; i < pf->n - 8; i += stride) {
        memcpy(o, pf->b, pf->n);
        o[i] ^= (uint8_t)(1u << (i % 8));
        attempt(o, pf->n, "footer bit flip", i);
    }
    size_t hbytes = 0;
    for (size_t h = 0; h < ly->nhdr; h++)
        hbytes += ly->hdr_len[h];
    stride = hbytes / 300 + 1;
    for (size_t h = 0; h < ly->nhdr; h++)
        for (size_t i = ly->hdr_start[h] + h % stride; i < ly->hdr_start[h] + ly->hdr_len[h]; i += stride) {
            memcpy(o, pf->b, pf->n);
            o[i] ^= (uint8_t)(1u << ((i + h) % 8));
            attempt(o, pf->n, "page header bit flip", i);
        }
    /* data pages: random bit flips and byte overwrites, with CRC checks on and off */
    for (int k = 0; k < 150; k++) {
        memcpy(o, pf->b, pf->n);
        size_t i = 4 + rnd() % (ly->footer_off - 4);
        if (k % 3 == 0)
            o[i] = (uint8_t)rnd();
        else
            o[i] ^= (uint8_t)(1u << (rnd() % 8));
        if (k % 5 == 0) {
            size_t j = 4 + rnd() % (ly->footer_off - 4);
            o[j] = (uint8_t)(rnd() | 0x80);
        }
        pq_verify_page_crc = k % 2 == 0;
        attempt(o, pf->n, "data bit flip", i);
    }
    pq_verify_page_crc = true;
    /* the footer length field */
    const uint32_t lens[] = {0, 1, (uint32_t)ly->footer_len - 1, (uint32_t)ly->footer_len + 1, (uint32_t)pf->n - 12,
                             (uint32_t)pf->n - 11, (uint32_t)pf->n, 0x7fffffffu, 0x80000000u, 0xffffffffu};
    for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
        memcpy(o, pf->b, pf->n);
        put_u32(o + pf->n - 8, lens[k]);
        attempt(o, pf->n, "footer length", lens[k]);
    }
}

/* Each location gets `per` replacement values, cycling through the candidates across locations so
 * every candidate is used on every kind of field while the attempt count stays proportional. */
static void mutate_values(const pfile *pf, const layout *ly, const locs *L, int per)
{
    const int64_t ints[] = {0, -1, INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX, (int64_t)pf->n, 1,
                            -(int64_t)pf->n, (int64_t)ly->footer_off, 15, 1 << 30};
    const uint64_t lens[] = {0x7fffffffu, 0xffffffffu, UINT64_MAX >> 1, (uint64_t)pf->n, 0};
    const size_t nints = sizeof ints / sizeof *ints, nlens = sizeof lens / sizeof *lens;
    uint8_t rep[24];
    for (size_t k = 0; k < L->n; k++) {
        const loc *l = &L->v[k];
        for (int r = 0; r < per; r++) {
            size_t j = k * (size_t)per + (size_t)r, rn, n;
            if (l->kind == LOC_INT) {
                int64_t v = ints[j % nints];
                rn = enc_varint(rep, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
                n = splice(pf, ly, l->off, l->len, rep, rn);
                attempt(g_buf, n, "integer replaced", l->off);
            } else if (l->kind == LOC_BINLEN) {
                rn = enc_varint(rep, lens[j % nlens]);
                n = splice(pf, ly, l->off, l->len, rep, rn);
                attempt(g_buf, n, "binary length replaced", l->off);
            } else {
                uint8_t et = pf->b[l->off] & 0x0f;
                uint32_t cur = pf->b[l->off] >> 4;
                if (r == 0 && cur > 0 && cur < 15) {
                    /* one element fewer, in the short form */
                    rep[0] = (uint8_t)((cur - 1) << 4 | et);
                    n = splice(pf, ly, l->off, l->len, rep, 1);
                    attempt(g_buf, n, "list size off by one", l->off);
                }
                rep[0] = (uint8_t)(0xf0 | et);
                rn = 1 + enc_varint(rep + 1, lens[j % nlens]);
                n = splice(pf, ly, l->off, l->len, rep, rn);
                attempt(g_buf, n, "list size replaced", l->off);
            }
        }
    }
}

/* ---- tests ---- */
static void setup(void)
{
    if (g_nfiles)
        return;
    make_file("snappy v1 dict 2 row groups", PQ_CODEC_SNAPPY, 1, true, 40, 70);
    make_file("zstd v2 plain", PQ_CODEC_ZSTD, 2, false, 1000, 45);
    make_file("uncompressed v1 plain+dict 3 row groups", PQ_CODEC_UNCOMPRESSED, 1, true, 20, 50);
}

static void test_valid_files_read(void)
{
    setup();
    CHECK_EQ_INT(g_nfiles, 3);
    for (int i = 0; i < g_nfiles; i++) {
        outcome o = attempt(g_files[i].b, g_files[i].n, g_files[i].what, 0);
        if (o.rc)
            fprintf(stderr, "%s: %s\n", g_files[i].what, o.msg);
        CHECK_EQ_INT(o.rc, TN_OK);
        CHECK_EQ_INT(o.rows_read, g_files[i].rows);
    }
    /* the harness itself notices failures: an empty file must fail with a message */
    outcome o = attempt((const uint8_t *)"PAR1PAR1", 8, "tiny", 0);
    CHECK_EQ_INT(o.rc, TN_CORRUPT);
    CHECK(o.msg[0] != 0);
}

static void test_mutations(void)
{
    setup();
    clock_t t0 = clock();
    for (int i = 0; i < g_nfiles; i++) {
        layout ly;
        find_layout(&g_files[i], &ly);
        CHECK(ly.footer.n > 50);
        CHECK(ly.nhdr >= 13);
        int before = g_attempts;
        mutate_truncations(&g_files[i], &ly);
        mutate_bitflips(&g_files[i], &ly);
        mutate_values(&g_files[i], &ly, &ly.footer, 1);
        mutate_values(&g_files[i], &ly, &ly.headers, 2);
        fprintf(stderr, "%s: %zu bytes, footer %zu bytes, %zu pages, %zu footer values, %d mutations\n",
                g_files[i].what, g_files[i].n, ly.footer_len, ly.nhdr, ly.footer.n, g_attempts - before);
        free_layout(&ly);
    }
    fprintf(stderr,
            "%d attempts in %.1f s: %d read fine, %d rejected (CORRUPT %d, NOTSUP %d, IOERR %d, other %d); "
            "%d leaks, %d open handles, %d without message\n",
            g_attempts, (double)(clock() - t0) / CLOCKS_PER_SEC, g_ok, g_failed, g_code_count[TN_CORRUPT],
            g_code_count[TN_NOTSUP], g_code_count[TN_IOERR], g_bad_code, g_leaks, g_handles, g_no_msg);
    CHECK(g_attempts > 3000);
    CHECK(g_code_count[TN_CORRUPT] > 1500); /* the mutations do reach the error paths */
    CHECK(g_ok > 50);                       /* and some damage is harmless (e.g. statistics bytes) */
    CHECK_EQ_INT(g_bad_code, 0);
    CHECK_EQ_INT(g_no_msg, 0);
    CHECK_EQ_INT(g_leaks, 0);
    CHECK_EQ_INT(g_handles, 0);
    for (int i = 0; i < g_nfiles; i++)
        free(g_files[i].b);
    free(g_buf);
}

TEST_MAIN(test_valid_files_read, test_mutations)
