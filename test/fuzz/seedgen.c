/*
 * seedgen.c -- writes the seed corpora of the fuzz targets (one directory per target under OUT)
 * from material outside the repository, so no fixture bytes are ever committed:
 *
 *   fuzz_parquet_file  every *.parquet under SHARED/fixtures/parquet of at most 256 KiB, plus
 *                      files written here by tarn's writer (v1/v2 pages, dictionary and PLAIN,
 *                      several codecs, nulls, several row groups)
 *   fuzz_thrift        per Parquet seed: its footer (selector 0 and 2) and the bytes at offset 4,
 *                      normally the first page header (selector 1)
 *   fuzz_levels        RLE/bit-packed streams from pq_rle_encode for widths 0..20, in each mode
 *   fuzz_sql           every statement of the SQLDIR .test files (sqllogictest "query"/"statement"
 *                      records) plus a few statements over the target's "t.parquet" table
 *   fuzz_codec         small payloads compressed with every codec
 *   fuzz_encoding      DELTA/RLE streams produced by the encoders
 *   fuzz_delta_dv      RoaringBitmapArrays built with CRoaring (array, bitset and run containers,
 *                      several buckets), bare, as inline Z85 text and inside a DV file
 *
 * Usage: seedgen OUT SHARED SQLDIR   (SHARED or SQLDIR may not exist: those seeds are skipped)
 */
#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/writer.h"

#include <roaring/roaring.h>
#include <zlib.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *g_out;
static int g_count;

static void put(const char *target, const char *name, const void *p1, size_t n1, const void *p2, size_t n2)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", g_out, target);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/%s", g_out, target, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "seedgen: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    if (n1)
        fwrite(p1, 1, n1, f);
    if (n2)
        fwrite(p2, 1, n2, f);
    fclose(f);
    g_count++;
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(sz > 0 ? (size_t)sz : 1);
    if (b && sz > 0 && fread(b, 1, (size_t)sz, f) != (size_t)sz) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *n = sz > 0 ? (size_t)sz : 0;
    return b;
}

/* A Parquet seed: the file itself, plus its footer and first page header for fuzz_thrift. */
static void parquet_seed(const char *name, const uint8_t *b, size_t n)
{
    char nm[512];
    snprintf(nm, sizeof nm, "%s", name);
    for (char *c = nm; *c; c++)
        if (*c == '/')
            *c = '_';
    put("fuzz_parquet_file", nm, b, n, NULL, 0);
    if (n < 12)
        return;
    uint32_t flen = (uint32_t)b[n - 8] | (uint32_t)b[n - 7] << 8 | (uint32_t)b[n - 6] << 16 | (uint32_t)b[n - 5] << 24;
    char tn[600];
    if ((uint64_t)flen + 12 <= n) {
        uint8_t sel = 0;
        snprintf(tn, sizeof tn, "footer_%s", nm);
        put("fuzz_thrift", tn, &sel, 1, b + n - 8 - flen, flen);
        sel = 2;
        snprintf(tn, sizeof tn, "walk_%s", nm);
        put("fuzz_thrift", tn, &sel, 1, b + n - 8 - flen, flen);
    }
    uint8_t sel = 1;
    size_t ph = n - 4 < 256 ? n - 4 : 256;
    snprintf(tn, sizeof tn, "page_%s", nm);
    put("fuzz_thrift", tn, &sel, 1, b + 4, ph);
}

static void walk_fixtures(const char *dir, const char *rel)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[4096], r[2048];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        size_t l = strlen(e->d_name);
        if (S_ISDIR(st.st_mode)) {
            walk_fixtures(p, r);
        } else if (l > 8 && strcmp(e->d_name + l - 8, ".parquet") == 0 && st.st_size <= 256 * 1024) {
            size_t n;
            uint8_t *b = slurp(p, &n);
            if (b)
                parquet_seed(r, b, n);
            free(b);
        }
    }
    closedir(d);
}

/* ---- files written by tarn's own writer ---- */
static void writer_seed(int idx, int codec, int page_version, bool dictionary, uint64_t rg_size, uint32_t rows)
{
    static const char *names[] = {"i32", "i64", "s", "d", "b", "dt"};
    tn_type types[] = {tn_type_make(TN_T_INT32), tn_type_make(TN_T_INT64), tn_type_make(TN_T_VARCHAR),
                       tn_type_make(TN_T_DOUBLE), tn_type_make(TN_T_BOOL), tn_type_make(TN_T_DATE)};
    char path[4096];
    snprintf(path, sizeof path, "%s/writer_%d.parquet", g_out, idx);
    pq_write_options o;
    pq_write_options_default(&o);
    o.codec = codec;
    o.page_version = page_version;
    o.dictionary = dictionary;
    o.row_group_size = rg_size;
    o.page_size = 512;
    pq_writer *w = NULL;
    tn_err err = TN_ERR_INIT;
    if (pq_writer_open(vfs_default(), path, 6, names, types, &o, &w, &err) != TN_OK) {
        fprintf(stderr, "seedgen: writer: %s\n", err.msg);
        return;
    }
    tn_chunk *c = tn_chunk_new(6, types, rows);
    for (uint32_t r = 0; r < rows; r++) {
        for (int k = 0; k < 6; k++)
            if ((r + (uint32_t)k) % 9 == 4)
                tn_vector_set_null(c->cols[k], r);
        ((int32_t *)c->cols[0]->data)[r] = (int32_t)(r % 17) - 8;
        ((int64_t *)c->cols[1]->data)[r] = (int64_t)r * 1000003 - 77;
        char buf[64];
        int len = snprintf(buf, sizeof buf, r % 3 ? "value-%u" : "a rather long string number %u", r % 23);
        tn_str v;
        tn_vector_add_string(c->cols[2], buf, (uint32_t)len, &v);
        ((tn_str *)c->cols[2]->data)[r] = v;
        ((double *)c->cols[3]->data)[r] = (double)r * 0.25 - 3;
        ((bool *)c->cols[4]->data)[r] = r % 5 < 2;
        ((int32_t *)c->cols[5]->data)[r] = 18000 + (int32_t)(r % 40);
    }
    c->count = rows;
    if (pq_writer_write(w, c, &err) != TN_OK || pq_writer_close(w, &err) != TN_OK) {
        fprintf(stderr, "seedgen: writer: %s\n", err.msg);
        tn_chunk_free(c);
        return;
    }
    tn_chunk_free(c);
    size_t n;
    uint8_t *b = slurp(path, &n);
    remove(path);
    if (b) {
        char nm[64];
        snprintf(nm, sizeof nm, "tarn_writer_%d.parquet", idx);
        parquet_seed(nm, b, n);
    }
    free(b);
}

/* ---- levels ---- */
static void level_seeds(void)
{
    for (int w = 0; w <= 20; w++) {
        uint32_t vals[300];
        uint32_t mask = w >= 32 ? UINT32_MAX : (uint32_t)((1ull << w) - 1);
        for (uint32_t i = 0; i < 300; i++)
            vals[i] = (i < 100 ? 1 : i * 7919u) & mask;
        pq_bytes b = {0};
        if (pq_rle_encode(vals, 300, w, &b) != TN_OK)
            continue;
        for (int mode = 0; mode < 3; mode++) {
            uint8_t hdr[5] = {(uint8_t)w, 300 & 0xff, 300 >> 8, (uint8_t)(w * 13), (uint8_t)mode};
            char nm[64];
            snprintf(nm, sizeof nm, "w%d_m%d", w, mode);
            put("fuzz_levels", nm, hdr, 5, b.data, b.len);
        }
        pq_bytes_free(&b);
        uint8_t hdr[5] = {(uint8_t)w, 0, 0, 7, 3};
        uint8_t payload[16] = {1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 200, 200, 0, 0, 9, 17};
        char nm[64];
        snprintf(nm, sizeof nm, "w%d_rt", w);
        put("fuzz_levels", nm, hdr, 5, payload, sizeof payload);
    }
}

/* ---- codec / encoding ---- */
static void codec_seeds(void)
{
    static const char text[] = "tarn tarn tarn lakehouse lakehouse parquet parquet 0123456789 0123456789";
    for (int codec = 0; codec <= 7; codec++) {
        tn_buf *c = NULL;
        if (pq_compress(codec, 0, (const uint8_t *)text, sizeof text, &c, NULL) != TN_OK)
            continue;
        uint8_t hdr[4] = {(uint8_t)codec, sizeof text & 0xff, 0, 0};
        char nm[32];
        snprintf(nm, sizeof nm, "codec_%d", codec);
        put("fuzz_codec", nm, hdr, 4, c->data, c->size);
        tn_buf_unref(c);
    }
}

static void encoding_seeds(void)
{
    int32_t v32[100];
    int64_t v64[100];
    for (int i = 0; i < 100; i++) {
        v32[i] = i * i - 300;
        v64[i] = (int64_t)i * 123456789012LL;
    }
    pq_bytes b = {0};
    if (pq_delta_binary_encode32(v32, 100, &b) == TN_OK) {
        uint8_t hdr[4] = {3, 0, 100, 0};
        put("fuzz_encoding", "delta32", hdr, 4, b.data, b.len);
    }
    pq_bytes_free(&b);
    if (pq_delta_binary_encode64(v64, 100, &b) == TN_OK) {
        uint8_t hdr[4] = {4, 0, 100, 0};
        put("fuzz_encoding", "delta64", hdr, 4, b.data, b.len);
    }
    pq_bytes_free(&b);
    tn_str s[20];
    static const char *words[] = {"alpha", "alphabet", "alphabetical order", "beta", "", "betamax cassette"};
    for (int i = 0; i < 20; i++)
        s[i] = tn_str_make(words[i % 6], (uint32_t)strlen(words[i % 6]));
    if (pq_delta_length_encode(s, 20, &b) == TN_OK) {
        uint8_t hdr[4] = {5, 0, 20, 0};
        put("fuzz_encoding", "dlba", hdr, 4, b.data, b.len);
    }
    pq_bytes_free(&b);
    if (pq_delta_byte_array_encode(s, 20, &b) == TN_OK) {
        uint8_t hdr[4] = {6, 0, 20, 0};
        put("fuzz_encoding", "dba", hdr, 4, b.data, b.len);
    }
    pq_bytes_free(&b);
    uint32_t r[64];
    for (int i = 0; i < 64; i++)
        r[i] = (uint32_t)(i < 20 ? 3 : i % 8);
    if (pq_rle_encode(r, 64, 3, &b) == TN_OK) {
        uint8_t hdr[4] = {0, 4, 64, 0};
        put("fuzz_encoding", "rle3", hdr, 4, b.data, b.len);
    }
    pq_bytes_free(&b);
}

/* ---- SQL ---- */
static void sql_file(const char *path, const char *base)
{
    size_t n;
    uint8_t *b = slurp(path, &n);
    if (!b)
        return;
    char *text = malloc(n + 1);
    memcpy(text, b, n);
    text[n] = 0;
    free(b);
    int idx = 0;
    char *line = text;
    while (line) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (strncmp(line, "query", 5) == 0 || strncmp(line, "statement", 9) == 0) {
            /* the statement: following lines up to "----" or a blank line */
            char stmt[8192];
            size_t sl = 0;
            line = next;
            while (line) {
                next = strchr(line, '\n');
                if (next)
                    *next++ = 0;
                bool stop = *line == 0 || strcmp(line, "----") == 0;
                size_t ll = strlen(line);
                if (!stop && sl + ll + 2 < sizeof stmt) {
                    memcpy(stmt + sl, line, ll);
                    sl += ll;
                    stmt[sl++] = '\n';
                }
                line = next;
                if (stop)
                    break;
            }
            if (sl) {
                char nm[600];
                snprintf(nm, sizeof nm, "%s_%03d.sql", base, idx++);
                put("fuzz_sql", nm, stmt, sl, NULL, 0);
            }
            continue;
        }
        line = next;
    }
    free(text);
}

static void sql_seeds(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t l = strlen(e->d_name);
            if (l > 5 && strcmp(e->d_name + l - 5, ".test") == 0) {
                char p[4096], base[256];
                snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
                snprintf(base, sizeof base, "%.*s", (int)(l - 5), e->d_name);
                sql_file(p, base);
            }
        }
        closedir(d);
    }
    static const char *own[] = {
        "SELECT * FROM 't.parquet'",
        "SELECT i, s, d, b FROM 't.parquet' WHERE i > 3 AND s LIKE 'a%' ORDER BY d DESC LIMIT 5",
        "SELECT s, count(*), sum(i), min(d), max(d), avg(i) FROM 't.parquet' GROUP BY s HAVING count(*) > 1",
        "SELECT count(DISTINCT s), count(b) FROM 't.parquet' WHERE i IS NOT NULL OR b",
        "DESCRIBE SELECT * FROM 't.parquet'",
        "EXPLAIN SELECT i + 1 FROM 't.parquet' WHERE i BETWEEN -5 AND 5",
        "SELECT CASE WHEN i % 2 = 0 THEN upper(s) ELSE lower(s) END, CAST(d AS INTEGER) FROM 't.parquet'",
        "SELECT x.range * 2 AS y FROM range(10) x WHERE y IN (2, 4, 6)",
        "COPY (SELECT * FROM range(3)) TO 'out.parquet' (FORMAT parquet, COMPRESSION zstd)",
        "SELECT 1; SELECT 'a' || 'b'; SELECT NULL::INTEGER",
    };
    for (size_t i = 0; i < sizeof own / sizeof *own; i++) {
        char nm[32];
        snprintf(nm, sizeof nm, "own_%02zu.sql", i);
        put("fuzz_sql", nm, own[i], strlen(own[i]), NULL, 0);
    }
}

/* ---- fuzz_delta_dv: input is [mode][4 parameter bytes] + payload (see fuzz_delta_dv.c) ---- */

static const char g_z85_digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/* RoaringBitmapArray (portable layout) of the rows in bm32[0..nb) with high keys 0, 2, 4, ... */
static size_t dv_serialize(roaring_bitmap_t **bm32, int nb, uint8_t *out, size_t cap)
{
    size_t n = 0;
    uint32_t magic = 1681511377u;
    uint64_t count = (uint64_t)nb;
    memcpy(out, &magic, 4);
    memcpy(out + 4, &count, 8);
    n = 12;
    for (int b = 0; b < nb; b++) {
        uint32_t key = (uint32_t)b * 2;
        size_t sz = roaring_bitmap_portable_size_in_bytes(bm32[b]);
        if (n + 4 + sz > cap)
            return 0;
        memcpy(out + n, &key, 4);
        n += 4;
        n += roaring_bitmap_portable_serialize(bm32[b], (char *)out + n);
    }
    return n;
}

static void dv_seeds(void)
{
    enum { CAP = 1 << 20 };
    uint8_t *buf = malloc(CAP), *file = malloc(CAP + 16);
    char *z85 = malloc(CAP / 4 * 5 + 8);
    if (!buf || !file || !z85)
        exit(1);
    roaring_bitmap_t *sparse = roaring_bitmap_create(), *dense = roaring_bitmap_create();
    roaring_bitmap_t *runs = roaring_bitmap_create(), *small = roaring_bitmap_create();
    for (uint32_t i = 0; i < 300; i++)
        roaring_bitmap_add(sparse, i * 7919u);
    for (uint32_t i = 0; i < 20000; i += 3)
        roaring_bitmap_add(dense, i);
    roaring_bitmap_add_range(runs, 100, 5000);
    roaring_bitmap_add_range(runs, 70000, 70010);
    roaring_bitmap_run_optimize(runs);
    for (uint32_t i = 0; i < 40; i++)
        roaring_bitmap_add(small, i * 3 + (i & 1));
    roaring_bitmap_t *sets[][2] = {{sparse, NULL}, {dense, NULL}, {runs, NULL}, {small, runs}, {dense, sparse}};
    int counts[] = {1, 1, 1, 2, 2};
    uint8_t hdr[5] = {0, 0, 0, 0, 0};
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
        size_t n = dv_serialize(sets[k], counts[k], buf, CAP);
        char nm[32];
        snprintf(nm, sizeof nm, "bitmap_%zu", k);
        put("fuzz_delta_dv", nm, hdr, 5, buf, n);
    }
    /* the small one as inline Z85 (mode 1: par = size | cardinality << 16) and in a DV file
     * (mode 2: par = offset | size << 8 | cardinality << 24) */
    size_t n = dv_serialize(&small, 1, buf, CAP);
    size_t padded = (n + 3) / 4 * 4;
    memset(buf + n, 0, padded - n);
    size_t zn = 0;
    for (size_t i = 0; i < padded; i += 4) {
        uint32_t v = (uint32_t)buf[i] << 24 | (uint32_t)buf[i + 1] << 16 | (uint32_t)buf[i + 2] << 8 | buf[i + 3];
        for (int d = 4; d >= 0; d--) {
            z85[zn + (size_t)d] = g_z85_digits[v % 85];
            v /= 85;
        }
        zn += 5;
    }
    uint32_t card = (uint32_t)roaring_bitmap_get_cardinality(small);
    uint32_t par = (uint32_t)n | card << 16;
    uint8_t h1[5] = {1, (uint8_t)par, (uint8_t)(par >> 8), (uint8_t)(par >> 16), (uint8_t)(par >> 24)};
    put("fuzz_delta_dv", "inline_small", h1, 5, z85, zn);
    size_t fn = 0;
    file[fn++] = 1; /* format version */
    file[fn++] = (uint8_t)(n >> 24);
    file[fn++] = (uint8_t)(n >> 16);
    file[fn++] = (uint8_t)(n >> 8);
    file[fn++] = (uint8_t)n;
    memcpy(file + fn, buf, n);
    fn += n;
    uint32_t crc = (uint32_t)crc32(0L, buf, (uInt)n);
    file[fn++] = (uint8_t)(crc >> 24);
    file[fn++] = (uint8_t)(crc >> 16);
    file[fn++] = (uint8_t)(crc >> 8);
    file[fn++] = (uint8_t)crc;
    par = 1u | (uint32_t)n << 8 | card << 24;
    uint8_t h2[5] = {2, (uint8_t)par, (uint8_t)(par >> 8), (uint8_t)(par >> 16), (uint8_t)(par >> 24)};
    put("fuzz_delta_dv", "file_small", h2, 5, file, fn);
    roaring_bitmap_free(sparse);
    roaring_bitmap_free(dense);
    roaring_bitmap_free(runs);
    roaring_bitmap_free(small);
    free(buf);
    free(file);
    free(z85);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: seedgen OUT SHARED SQLDIR\n");
        return 2;
    }
    g_out = argv[1];
    mkdir(g_out, 0777);
    char fx[4096];
    snprintf(fx, sizeof fx, "%s/fixtures/parquet", argv[2]);
    walk_fixtures(fx, "");
    int w = 0;
    writer_seed(w++, 0, 1, true, 1000, 300);   /* uncompressed, v1, dictionary */
    writer_seed(w++, 1, 2, true, 100, 300);    /* snappy, v2, 3 row groups */
    writer_seed(w++, 6, 1, false, 1000, 200);  /* zstd, PLAIN */
    writer_seed(w++, 2, 2, false, 50, 120);    /* gzip, v2, PLAIN */
    writer_seed(w++, 7, 1, true, 1000, 64);    /* lz4_raw */
    writer_seed(w++, 0, 1, false, 1000, 0);    /* empty */
    level_seeds();
    codec_seeds();
    encoding_seeds();
    dv_seeds();
    sql_seeds(argv[3]);
    fprintf(stderr, "seedgen: %d seeds in %s\n", g_count, g_out);
    return 0;
}
