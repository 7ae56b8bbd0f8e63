/*
 * delta_sql_util.h -- helpers for the Delta SQL tests (test_delta_sql.c, test_delta_cdf.c):
 * a tarn database, queries rendered as text ("a|b" per row, rows joined by '\n'; SQL NULL as
 * "NULL"), error capture, data files written with COPY, JSON string escaping for stats, and
 * RoaringBitmapArray deletion vectors (serialized with CRoaring, stored inline-free in DV files).
 * Table logs are written with ../delta/delta_testutil.h. Header-only (one test per translation
 * unit).
 */
#ifndef TN_DELTA_SQL_UTIL_H
#define TN_DELTA_SQL_UTIL_H

#include "delta/delta_testutil.h"
#include "tarn.h"

#include <roaring/roaring.h>
#include <zlib.h>

static tarn_db *g_db;

static DT_UNUSED void ds_open(void)
{
    if (tarn_open(NULL, &g_db) != TARN_OK) {
        fprintf(stderr, "tarn_open failed\n");
        exit(2);
    }
}

static DT_UNUSED void ds_close(void)
{
    tarn_close(g_db);
    g_db = NULL;
}

/* Result of sql as text (malloc'd), or NULL on error (message printed unless quiet). */
static DT_UNUSED char *ds_query_q(const char *sql, bool quiet)
{
    tarn_stmt *st = NULL;
    if (tarn_prepare(g_db, sql, NULL, &st) != TARN_OK) {
        if (!quiet)
            fprintf(stderr, "query failed: %s\n  %s\n", sql, tarn_errmsg(g_db));
        return NULL;
    }
    size_t cap = 256, n = 0;
    char *out = malloc(cap);
    out[0] = 0;
    tarn_batch *b;
    int rc;
    uint32_t nc = tarn_stmt_column_count(st);
    while ((rc = tarn_stmt_fetch(st, &b)) == TARN_OK && b) {
        for (uint64_t r = 0; r < tarn_batch_rows(b); r++) {
            for (uint32_t c = 0; c < nc; c++) {
                size_t len = 4;
                const char *s = tarn_batch_is_null(b, c, r) ? "NULL" : tarn_batch_text(b, c, r, &len);
                if (!s)
                    s = "?", len = 1;
                while (n + len + 3 > cap) {
                    cap *= 2;
                    out = realloc(out, cap);
                }
                if (c)
                    out[n++] = '|';
                memcpy(out + n, s, len);
                n += len;
            }
            out[n++] = '\n';
            out[n] = 0;
        }
    }
    if (rc != TARN_OK) {
        if (!quiet)
            fprintf(stderr, "query failed while fetching: %s\n  %s\n", sql, tarn_errmsg(g_db));
        free(out);
        out = NULL;
    }
    tarn_stmt_finalize(st);
    if (out && n && out[n - 1] == '\n')
        out[n - 1] = 0;
    return out;
}

static DT_UNUSED char *ds_query(const char *sql) { return ds_query_q(sql, false); }

/* printf-style query. */
static DT_UNUSED char *ds_queryf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static DT_UNUSED char *ds_queryf(const char *fmt, ...)
{
    char sql[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return ds_query(sql);
}

/* Check that sql gives exactly `want`. */
#define DS_EXPECT(want, ...)                                                                   \
    do {                                                                                       \
        char *_got = ds_queryf(__VA_ARGS__);                                                   \
        CHECK_EQ_STR(_got, (want));                                                            \
        free(_got);                                                                            \
    } while (0)

/* Error of sql: the code (TARN_OK when it succeeded) and a copy of the message in msg. */
static DT_UNUSED int ds_error(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static DT_UNUSED int ds_error(char *msg, size_t cap, const char *fmt, ...)
{
    char sql[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    msg[0] = 0;
    tarn_stmt *st = NULL;
    int rc = tarn_prepare(g_db, sql, NULL, &st);
    if (rc == TARN_OK) {
        tarn_batch *b;
        while ((rc = tarn_stmt_fetch(st, &b)) == TARN_OK && b) {
        }
    }
    if (rc != TARN_OK)
        snprintf(msg, cap, "%s", tarn_errmsg(g_db));
    tarn_stmt_finalize(st);
    return rc;
}

/* Expect an error of code `code` whose message contains `part`. */
#define DS_EXPECT_ERROR(code, part, ...)                                                         \
    do {                                                                                         \
        char _m[2048];                                                                           \
        int _rc = ds_error(_m, sizeof _m, __VA_ARGS__);                                          \
        CHECK_EQ_INT(_rc, (code));                                                               \
        if (!strstr(_m, (part))) {                                                               \
            tn_test_failures++;                                                                  \
            fprintf(stderr, "%s:%d: error \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, _m, (part)); \
        }                                                                                        \
    } while (0)

/* COPY (select) TO root/rel with options (may be ""); returns the file size. */
static DT_UNUSED long ds_copy(const char *root, const char *rel, const char *select, const char *opts)
{
    char path[4096], sql[16384];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *sl = strrchr(dir, '/');
    if (sl) {
        *sl = 0;
        dt_mkdirs(dir);
    }
    snprintf(sql, sizeof sql, "COPY (%s) TO '%s' %s", select, path, opts ? opts : "");
    char *r = ds_query(sql);
    if (!r) {
        tn_test_failures++;
        return -1;
    }
    free(r);
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* JSON string literal (with quotes) of s, into a rotating static buffer. */
static DT_UNUSED const char *ds_json_str(const char *s)
{
    static char bufs[4][16384];
    static int k;
    char *b = bufs[k++ & 3];
    json_t *j = json_string(s);
    char *e = json_dumps(j, JSON_ENCODE_ANY);
    snprintf(b, sizeof bufs[0], "%s", e ? e : "\"\"");
    free(e);
    json_decref(j);
    return b;
}

/* ---- deletion vectors ---- */

typedef struct ds_bytes {
    uint8_t *p;
    size_t n, cap;
} ds_bytes;

static DT_UNUSED void ds_put(ds_bytes *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static DT_UNUSED void ds_le32(ds_bytes *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    ds_put(b, x, 4);
}

static DT_UNUSED void ds_be32(ds_bytes *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    ds_put(b, x, 4);
}

/* RoaringBitmapArray (magic + 64-bit portable format) of sorted 32-bit row numbers. */
static DT_UNUSED void ds_dv_serialize(const uint32_t *rows, size_t n, ds_bytes *out)
{
    ds_le32(out, 1681511377u);
    ds_le32(out, 1); /* int64 bucket count, little-endian */
    ds_le32(out, 0);
    roaring_bitmap_t *r = roaring_bitmap_create();
    for (size_t i = 0; i < n; i++)
        roaring_bitmap_add(r, rows[i]);
    roaring_bitmap_run_optimize(r);
    size_t sz = roaring_bitmap_portable_size_in_bytes(r);
    char *buf = malloc(sz);
    roaring_bitmap_portable_serialize(r, buf);
    ds_le32(out, 0); /* bucket key */
    ds_put(out, buf, sz);
    free(buf);
    roaring_bitmap_free(r);
}

/* A DV file (version byte, then size + bitmap + CRC) at root/rel holding one bitmap; returns the
 * DV's offset (1) and its size in *size. */
static DT_UNUSED int ds_dv_file(const char *root, const char *rel, const uint32_t *rows, size_t n, size_t *size)
{
    ds_bytes bm = {0}, f = {0};
    ds_dv_serialize(rows, n, &bm);
    uint8_t ver = 1;
    ds_put(&f, &ver, 1);
    ds_be32(&f, (uint32_t)bm.n);
    ds_put(&f, bm.p, bm.n);
    ds_be32(&f, (uint32_t)crc32(0L, bm.p, (uInt)bm.n));
    dt_put_bytes(root, rel, f.p, f.n);
    *size = bm.n;
    free(bm.p);
    free(f.p);
    return 1;
}

#define DS_PROTO_DV                                                                                            \
    "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\"],"  \
    "\"writerFeatures\":[\"deletionVectors\"]}}\n"

#endif
