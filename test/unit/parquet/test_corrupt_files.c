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
 * and of every page header (test/fuzz/pq_layout.h).
 *
 * Mutations (all deterministic; a fixed-seed LCG picks random positions):
 *   - the footer truncated at every offset k, re-terminated with a correct length and magic; the
 *     data region shortened at ~40 offsets;
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
#include "../../fuzz/pq_layout.h"
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

/* Replace bytes [off, off+len) of the file by rep[0..rn) (footer length fixed up). Returns the
 * new size (file in g_buf). */
static size_t splice(const pfile *pf, const pql_layout *ly, size_t off, size_t len, const uint8_t *rep, size_t rn)
{
    return pql_splice(pf->b, pf->n, ly, off, len, rep, rn, scratch(pf->n - len + rn));
}

static uint32_t g_rng = 12345;
static uint32_t rnd(void)
{
    g_rng = g_rng * 1664525u + 1013904223u;
    return g_rng >> 8;
}

/* ---- the mutation families ---- */
static void mutate_truncations(const pfile *pf, const pql_layout *ly)
{
    /* the footer cut at every offset, still framed by a correct length and magic */
    for (size_t k = 0; k < ly->footer_len; k++) {
        size_t n = ly->footer_off + k + 8;
        uint8_t *o = scratch(n);
        memcpy(o, pf->b, ly->footer_off + k);
        pql_put_u32(o + ly->footer_off + k, (uint32_t)k);
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

static void mutate_bitflips(const pfile *pf, const pql_layout *ly)
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
        pql_put_u32(o + pf->n - 8, lens[k]);
        attempt(o, pf->n, "footer length", lens[k]);
    }
}

/* Each location gets `per` replacement values, cycling through the candidates across locations so
 * every candidate is used on every kind of field while the attempt count stays proportional. */
static void mutate_values(const pfile *pf, const pql_layout *ly, const pql_locs *L, int per)
{
    const int64_t ints[] = {0, -1, INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX, (int64_t)pf->n, 1,
                            -(int64_t)pf->n, (int64_t)ly->footer_off, 15, 1 << 30};
    const uint64_t lens[] = {0x7fffffffu, 0xffffffffu, UINT64_MAX >> 1, (uint64_t)pf->n, 0};
    const size_t nints = sizeof ints / sizeof *ints, nlens = sizeof lens / sizeof *lens;
    uint8_t rep[24];
    for (size_t k = 0; k < L->n; k++) {
        const pql_loc *l = &L->v[k];
        for (int r = 0; r < per; r++) {
            size_t j = k * (size_t)per + (size_t)r, rn, n;
            if (l->kind == PQL_INT) {
                int64_t v = ints[j % nints];
                rn = pql_varint(rep, pql_zigzag(v));
                n = splice(pf, ly, l->off, l->len, rep, rn);
                attempt(g_buf, n, "integer replaced", l->off);
            } else if (l->kind == PQL_BINLEN) {
                rn = pql_varint(rep, lens[j % nlens]);
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
                rn = 1 + pql_varint(rep + 1, lens[j % nlens]);
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
        pql_layout ly;
        CHECK(pql_find(g_files[i].b, g_files[i].n, &ly));
        CHECK(ly.pages_complete); /* every page header of every chunk located */
        CHECK(ly.footer.n > 50);
        CHECK(ly.nhdr >= 13);
        int before = g_attempts;
        mutate_truncations(&g_files[i], &ly);
        mutate_bitflips(&g_files[i], &ly);
        mutate_values(&g_files[i], &ly, &ly.footer, 1);
        mutate_values(&g_files[i], &ly, &ly.headers, 2);
        fprintf(stderr, "%s: %zu bytes, footer %zu bytes, %zu pages, %zu footer values, %d mutations\n",
                g_files[i].what, g_files[i].n, ly.footer_len, ly.nhdr, ly.footer.n, g_attempts - before);
        pql_free(&ly);
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
