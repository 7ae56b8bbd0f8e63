/*
 * test_writer_peer.c -- files written by tarn's Parquet writer read by an independent reader:
 * DuckDB through node (@duckdb/node-api under $TARN_DUCKDB_NODE_MODULES). Skipped, with a message,
 * when node or the module is not available.
 *
 * One file with every flat type (FLAT, selection-vector, CONST and DICT chunks, NULLs) is written
 * once per page version / dictionary mode; DuckDB must report the expected SQL types (DESCRIBE),
 * the row count, every column's non-NULL count, exact integer sums, byte totals of the strings,
 * and NaN counts, all computed here from the data that was written; also once per format v2
 * (PARQUET_VERSION 2 encodings). Further checks: Bloom filters probed with DuckDB's
 * parquet_bloom_probe (present values never excluded, absent ones almost always), a file with
 * a page index and tiny pages filtered by ranges, and PARTITION_BY output read back with
 * read_parquet over a recursive glob with hive_partitioning=true and compared group by group.
 * Nested columns (the alltypes fixture's LIST / STRUCT / MAP shapes, with NULLs and empty lists
 * at every level, from FLAT, selection-vector, CONST and DICT chunks, several pages and row
 * groups) must be read by DuckDB with the expected types and, row by row, with the values tarn
 * wrote: DuckDB renders each one with to_json(), which is compared with the JSON rendering of the
 * written vectors (nested_testutil.h). The DuckDB-written nested fixtures (alltypes, deep_nested)
 * re-written by tarn's COPY must hold, for DuckDB, exactly the rows of the originals.
 * TARN_TEST_KEEP=1 keeps the files for inspection.
 */
#define _GNU_SOURCE
#include "writer_testutil.h"
#include "nested_testutil.h"
#include "exec/exec.h"
#include "tarn.h"
#include "util/sbuf.h"

/* DuckDB's type names for g_cols (DuckDB 1.5 mapping of the Parquet logical types we write). */
static const char *duck_type(const char *col)
{
    static const struct { const char *col, *type; } map[] = {
        {"c_bool", "BOOLEAN"}, {"c_i8", "TINYINT"}, {"c_i16", "SMALLINT"}, {"c_i32", "INTEGER"},
        {"c_i64", "BIGINT"}, {"c_u8", "UTINYINT"}, {"c_u16", "USMALLINT"}, {"c_u32", "UINTEGER"},
        {"c_u64", "UBIGINT"}, {"c_i128", "DECIMAL(38,0)"}, {"c_f32", "FLOAT"}, {"c_f64", "DOUBLE"},
        {"c_dec4", "DECIMAL(4,2)"}, {"c_dec18", "DECIMAL(18,3)"}, {"c_dec20", "DECIMAL(20,0)"},
        {"c_dec38", "DECIMAL(38,10)"}, {"c_date", "DATE"}, {"c_time_ms", "TIME"}, {"c_time_us", "TIME"},
        {"c_time_ns", "TIME_NS"}, {"c_ts_us", "TIMESTAMP"}, {"c_ts_ms_tz", "TIMESTAMP WITH TIME ZONE"},
        {"c_ts_ns", "TIMESTAMP_NS"}, {"c_str", "VARCHAR"}, {"c_json", "JSON"}, {"c_blob", "BLOB"},
        {"c_uuid", "UUID"}, {"c_allnull", "INTEGER"},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(map); i++)
        if (strcmp(map[i].col, col) == 0)
            return map[i].type;
    return "?";
}

static void i128_str(tn_i128 v, char *out)
{
    char tmp[64];
    int n = 0, o = 0;
    bool neg = v < 0;
    tn_u128 m = neg ? (tn_u128)0 - (tn_u128)v : (tn_u128)v;
    do {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    if (neg)
        out[o++] = '-';
    while (n)
        out[o++] = tmp[--n];
    out[o] = 0;
}

static int col_index(const char *name)
{
    for (int c = 0; c < NCOLS; c++)
        if (strcmp(g_cols[c].name, name) == 0)
            return c;
    return -1;
}

/* Integer value of a row of an integer-like column as i128 (DATE days, TIMESTAMP units). */
static tn_i128 int_value(tn_type t, const uint8_t *p)
{
    switch ((tn_type_id)t.id) {
    case TN_T_INT8: return *(const int8_t *)p;
    case TN_T_INT16: return *(const int16_t *)p;
    case TN_T_INT32:
    case TN_T_DATE: return *(const int32_t *)p;
    case TN_T_INT64:
    case TN_T_TIMESTAMP: return *(const int64_t *)p;
    case TN_T_UINT8: return *p;
    case TN_T_UINT16: return *(const uint16_t *)p;
    case TN_T_UINT32: return *(const uint32_t *)p;
    case TN_T_UINT64: return (tn_i128) * (const uint64_t *)p;
    default: return 0;
    }
}

static const char *const g_sum_cols[] = {"c_i8", "c_i16", "c_i32", "c_i64", "c_u8", "c_u16", "c_u32",
                                         "c_u64", "c_date", "c_ts_us"};

/* version: data page version (format v1), or 3 = PARQUET_VERSION 2 (format v2 encodings). */
static void peer_case(int version, bool dictionary, int codec)
{
    char path[600], script[700], outp[700];
    tmp_path(path, sizeof path, "peer.parquet");
    tmp_path(script, sizeof script, "peer.js");
    tmp_path(outp, sizeof outp, "peer.out");
    const char *names[NCOLS];
    tn_type types[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        names[c] = g_cols[c].name;
        types[c] = g_cols[c].type;
    }
    pq_write_options o;
    pq_write_options_default(&o);
    o.page_version = version == 3 ? 1 : version;
    o.parquet_version = version == 3 ? 2 : 1;
    o.dictionary = dictionary;
    o.dictionary_size_limit = dictionary ? 4000 : o.dictionary_size_limit; /* fallbacks mid-chunk */
    o.codec = codec;
    o.row_group_size = 3000;
    tn_err err = TN_ERR_INIT;
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, NCOLS, names, types, &o, &w, &err), TN_OK);
    if (!w)
        return;

    uint32_t rows = 0, counts[NCOLS] = {0};
    tn_i128 sums[TN_ARRAY_LEN(g_sum_cols)] = {0};
    uint64_t str_bytes = 0, blob_bytes = 0, nan_f64 = 0;
    int c_str = col_index("c_str"), c_blob = col_index("c_blob"), c_f64 = col_index("c_f64");
    for (int k = 0; k < 8; k++) {
        tn_chunk *ch = make_chunk(k, 77 + (uint64_t)version, true);
        uint32_t n = tn_chunk_rows(ch);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = ch->sel ? ch->sel[i] : i;
            for (int c = 0; c < NCOLS; c++) {
                rview a = row_view(ch->cols[c], r);
                if (!a.valid)
                    continue;
                counts[c]++;
                if (c == c_str)
                    str_bytes += ((const tn_str *)a.data)->len;
                if (c == c_blob)
                    blob_bytes += ((const tn_str *)a.data)->len;
                if (c == c_f64 && isnan(*(const double *)a.data))
                    nan_f64++;
            }
            for (size_t s = 0; s < TN_ARRAY_LEN(g_sum_cols); s++) {
                int c = col_index(g_sum_cols[s]);
                rview a = row_view(ch->cols[c], r);
                if (a.valid)
                    sums[s] += int_value(g_cols[c].type, a.data);
            }
        }
        CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
        rows += n;
        tn_chunk_free(ch);
    }
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);

    /* expected output, one value per line, in the order of the query below */
    tn_sbuf want = TN_SBUF_INIT, sql = TN_SBUF_INIT;
    for (int c = 0; c < NCOLS; c++)
        tn_sbuf_printf(&want, "%s %s\n", g_cols[c].name, duck_type(g_cols[c].name));
    tn_sbuf_printf(&want, "%u\n", rows);
    tn_sbuf_puts(&sql, "SELECT count(*)::VARCHAR");
    for (int c = 0; c < NCOLS; c++) {
        tn_sbuf_printf(&sql, ", count(%s)::VARCHAR", g_cols[c].name);
        tn_sbuf_printf(&want, "%u\n", counts[c]);
    }
    for (size_t s = 0; s < TN_ARRAY_LEN(g_sum_cols); s++) {
        const char *cn = g_sum_cols[s];
        if (strcmp(cn, "c_date") == 0)
            tn_sbuf_puts(&sql, ", sum(c_date - DATE '1970-01-01')::VARCHAR");
        else if (strcmp(cn, "c_ts_us") == 0)
            tn_sbuf_puts(&sql, ", sum(epoch_us(c_ts_us))::VARCHAR");
        else
            tn_sbuf_printf(&sql, ", sum(%s)::VARCHAR", cn);
        char buf[64];
        i128_str(sums[s], buf);
        tn_sbuf_printf(&want, "%s\n", buf);
    }
    tn_sbuf_puts(&sql, ", sum(strlen(c_str))::VARCHAR, sum(octet_length(c_blob))::VARCHAR,"
                       " count(*) FILTER (WHERE isnan(c_f64))::VARCHAR");
    tn_sbuf_printf(&want, "%llu\n%llu\n%llu\n", (unsigned long long)str_bytes, (unsigned long long)blob_bytes,
                   (unsigned long long)nan_f64);
    tn_sbuf_printf(&sql, " FROM read_parquet('%s')", path);

    FILE *js = fopen(script, "w");
    CHECK(js != NULL);
    if (js) {
        fprintf(js,
                "const { DuckDBInstance } = require(process.env.TARN_DUCKDB_NODE_MODULES + '/@duckdb/node-api');\n"
                "(async () => {\n"
                "  const db = await DuckDBInstance.create(':memory:');\n"
                "  const c = await db.connect();\n"
                "  let r = await c.runAndReadAll(\"DESCRIBE SELECT * FROM read_parquet('%s')\");\n"
                "  for (const row of r.getRows()) console.log(row[0] + ' ' + row[1]);\n"
                "  r = await c.runAndReadAll(\"%s\");\n"
                "  for (const v of r.getRows()[0]) console.log(String(v));\n"
                "})().catch(e => { console.log('ERROR ' + e.message); });\n",
                path, tn_sbuf_str(&sql));
        fclose(js);
        char cmd[2000];
        snprintf(cmd, sizeof cmd, "node '%s' > '%s' 2>&1", script, outp);
        CHECK_EQ_INT(system(cmd), 0);
        tn_sbuf got = TN_SBUF_INIT;
        FILE *of = fopen(outp, "r");
        char line[512];
        while (of && fgets(line, sizeof line, of))
            tn_sbuf_puts(&got, line);
        if (of)
            fclose(of);
        if (strcmp(tn_sbuf_str(&got), tn_sbuf_str(&want)) != 0)
            fprintf(stderr, "v%d dict=%d codec=%d\nDuckDB said:\n%s\nexpected:\n%s\n", version, dictionary, codec,
                    tn_sbuf_str(&got), tn_sbuf_str(&want));
        CHECK_EQ_STR(tn_sbuf_str(&got), tn_sbuf_str(&want));
        tn_sbuf_free(&got);
    }
    tn_sbuf_free(&want);
    tn_sbuf_free(&sql);
    if (!getenv("TARN_TEST_KEEP")) {
        unlink(path);
        unlink(script);
        unlink(outp);
    }
}

static void test_duckdb_peer(void)
{
    const char *mods = getenv("TARN_DUCKDB_NODE_MODULES");
    if (!mods || !*mods || system("node --version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "test_duckdb_peer: skipped (node or TARN_DUCKDB_NODE_MODULES missing)\n");
        return;
    }
    init_cols();
    peer_case(1, true, PQ_CODEC_SNAPPY);
    peer_case(2, true, PQ_CODEC_ZSTD);
    peer_case(1, false, PQ_CODEC_GZIP);
    peer_case(2, false, PQ_CODEC_UNCOMPRESSED);
    peer_case(3, true, PQ_CODEC_SNAPPY);
    peer_case(3, false, PQ_CODEC_ZSTD);
    peer_case(3, false, PQ_CODEC_UNCOMPRESSED);
}

/* ======================= more DuckDB checks ======================= */

static bool duck_available(const char *what)
{
    const char *mods = getenv("TARN_DUCKDB_NODE_MODULES");
    if (!mods || !*mods || system("node --version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "%s: skipped (node or TARN_DUCKDB_NODE_MODULES missing)\n", what);
        return false;
    }
    return true;
}

static void js_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        if (*s == '\n')
            fputs("\\n", f);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

/* Run the queries in DuckDB; every result row is appended to got as "v1|v2|...\n" (NULL as
 * "NULL"); an error as "ERROR <message>\n". */
static void duck_run(const char *const *queries, int nq, tn_sbuf *got)
{
    char script[700], outp[700];
    tmp_path(script, sizeof script, "duck.js");
    tmp_path(outp, sizeof outp, "duck.out");
    FILE *js = fopen(script, "w");
    CHECK(js != NULL);
    if (!js)
        return;
    fputs("const { DuckDBInstance } = require(process.env.TARN_DUCKDB_NODE_MODULES + '/@duckdb/node-api');\n"
          "(async () => {\n"
          "  const db = await DuckDBInstance.create(':memory:');\n"
          "  const c = await db.connect();\n"
          "  const qs = [",
          js);
    for (int i = 0; i < nq; i++) {
        if (i)
            fputc(',', js);
        js_string(js, queries[i]);
    }
    fputs("];\n"
          "  for (const q of qs) {\n"
          "    try {\n"
          "      const r = await c.runAndReadAll(q);\n"
          "      for (const row of r.getRows()) console.log(row.map(v => v === null ? 'NULL' : String(v)).join('|'));\n"
          "    } catch (e) { console.log('ERROR ' + e.message); }\n"
          "  }\n"
          "})();\n",
          js);
    fclose(js);
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "node '%s' > '%s' 2>&1", script, outp);
    CHECK_EQ_INT(system(cmd), 0);
    FILE *of = fopen(outp, "r");
    char line[4096];
    while (of && fgets(line, sizeof line, of))
        tn_sbuf_puts(got, line);
    if (of)
        fclose(of);
    unlink(script);
    unlink(outp);
}

/* Bloom filters written by tarn, probed by DuckDB's parquet_bloom_probe. */
static void test_duckdb_bloom(void)
{
    if (!duck_available("test_duckdb_bloom"))
        return;
    char path[600];
    tmp_path(path, sizeof path, "peer-bloom.parquet");
    const uint32_t n = 20000;
    tn_type types[2] = {ty(TN_T_VARCHAR), ty(TN_T_INT64)};
    const char *names[2] = {"k", "n"};
    tn_chunk *ch = tn_chunk_new(2, types, n);
    for (uint32_t r = 0; r < n; r++) {
        char b[32];
        int l = snprintf(b, sizeof b, "key-%u", r * 3);
        str_vec_set(ch->cols[0], r, b, (size_t)l);
        ((int64_t *)ch->cols[1]->data)[r] = (int64_t)(r % 500) * 1000; /* dictionary-encoded */
    }
    ch->count = n;
    const char *bloom[2] = {"k", "n"};
    for (int fmt = 1; fmt <= 2; fmt++) {
        pq_write_options o;
        pq_write_options_default(&o);
        o.bloom_filter_columns = bloom;
        o.nbloom_filter_columns = 2;
        o.parquet_version = fmt;
        o.row_group_size = 1000000;
        tn_err err = TN_ERR_INIT;
        pq_writer *w = NULL;
        CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 2, names, types, &o, &w, &err), TN_OK);
        CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
        CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
        /* 40 present and 200 absent probes per column: excluded never / almost always */
        tn_sbuf sql = TN_SBUF_INIT;
        tn_sbuf_puts(&sql, "SELECT sum(CASE WHEN present THEN excl::INT ELSE 0 END), "
                           "sum(CASE WHEN NOT present THEN excl::INT ELSE 0 END) FROM (");
        for (int i = 0; i < 240; i++) {
            bool present = i < 40;
            uint32_t sv = present ? (uint32_t)i * 457 % n * 3 : (uint32_t)i * 3 + 1; /* absent: not a multiple of 3 */
            tn_sbuf_printf(&sql, "%sSELECT %s AS present, bloom_filter_excludes AS excl FROM parquet_bloom_probe('%s', "
                                 "'k', 'key-%u')", i ? " UNION ALL " : "", present ? "true" : "false", path, sv);
            int64_t nv = present ? (int64_t)(i * 37 % 500) * 1000 : (int64_t)i * 1000 + 7;
            tn_sbuf_printf(&sql, " UNION ALL SELECT %s, bloom_filter_excludes FROM parquet_bloom_probe('%s', 'n', %lld)",
                           present ? "true" : "false", path, (long long)nv);
        }
        tn_sbuf_puts(&sql, ")");
        const char *q[1] = {tn_sbuf_str(&sql)};
        tn_sbuf got = TN_SBUF_INIT;
        duck_run(q, 1, &got);
        long long fneg = -1, tneg = -1;
        if (sscanf(tn_sbuf_str(&got), "%lld|%lld", &fneg, &tneg) != 2)
            fprintf(stderr, "DuckDB said: %s\n", tn_sbuf_str(&got));
        CHECK_EQ_INT(fneg, 0);     /* no present value excluded */
        CHECK(tneg >= 400 * 95 / 100); /* absent values excluded (fpp 1%) */
        tn_sbuf_free(&got);
        tn_sbuf_free(&sql);
    }
    tn_chunk_free(ch);
    unlink(path);
}

/* A file with a page index, small pages and sorted data; range filters must give the exact rows. */
static void test_duckdb_page_index(void)
{
    if (!duck_available("test_duckdb_page_index"))
        return;
    char path[600];
    tmp_path(path, sizeof path, "peer-pageindex.parquet");
    const uint32_t n = 50000;
    tn_type types[2] = {ty(TN_T_INT64), ty(TN_T_VARCHAR)};
    const char *names[2] = {"id", "s"};
    tn_chunk *ch = tn_chunk_new(2, types, n);
    for (uint32_t r = 0; r < n; r++) {
        ((int64_t *)ch->cols[0]->data)[r] = (int64_t)r * 2;
        char b[32];
        int l = snprintf(b, sizeof b, "s%07u", r);
        str_vec_set(ch->cols[1], r, b, (size_t)l);
        if (r % 101 == 0)
            tn_vector_set_null(ch->cols[1], r);
    }
    ch->count = n;
    pq_write_options o;
    pq_write_options_default(&o);
    o.page_size = 2048;
    o.dictionary = false;
    o.parquet_version = 2;
    tn_err err = TN_ERR_INIT;
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 2, names, types, &o, &w, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    tn_chunk_free(ch);
    /* expected: ids in [lo, hi] are the even numbers; strings s<id/2> except every 101st */
    tn_sbuf want = TN_SBUF_INIT, q1 = TN_SBUF_INIT, q2 = TN_SBUF_INIT;
    const int64_t lo = 31234, hi = 47002;
    int64_t cnt = 0, sum = 0, nn = 0;
    for (int64_t x = lo + (lo & 1); x <= hi; x += 2) {
        cnt++;
        sum += x;
        nn += (x / 2) % 101 != 0;
    }
    tn_sbuf_printf(&want, "%lld|%lld|%lld\n", (long long)cnt, (long long)sum, (long long)nn);
    tn_sbuf_printf(&want, "1|%u\n", 12345u * 2);
    tn_sbuf_printf(&q1, "SELECT count(*), sum(id), count(s) FROM read_parquet('%s') WHERE id BETWEEN %lld AND %lld",
                   path, (long long)lo, (long long)hi);
    tn_sbuf_printf(&q2, "SELECT count(*), min(id) FROM read_parquet('%s') WHERE s = 's0012345'", path);
    const char *q[2] = {tn_sbuf_str(&q1), tn_sbuf_str(&q2)};
    tn_sbuf got = TN_SBUF_INIT;
    duck_run(q, 2, &got);
    CHECK_EQ_STR(tn_sbuf_str(&got), tn_sbuf_str(&want));
    tn_sbuf_free(&got);
    tn_sbuf_free(&want);
    tn_sbuf_free(&q1);
    tn_sbuf_free(&q2);
    unlink(path);
}

static void hex_of(tn_sbuf *out, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tn_sbuf_printf(out, "%02X", (unsigned char)p[i]);
}

/* PARTITION_BY output read back with hive_partitioning. */
static void test_duckdb_partitioned(void)
{
    if (!duck_available("test_duckdb_partitioned"))
        return;
    char dir[600];
    tmp_path(dir, sizeof dir, "peer-partitioned");
    char cmd[800];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_EQ_INT(system(cmd), 0);
    static const char *const cats[] = {"plain", "a/b", "x=y", "100%", "line\nbreak", "t:1", "__HIVE_DEFAULT_PARTITION__",
                                       "", "caf\xc3\xa9 #1?"};
    const int ncat = (int)TN_ARRAY_LEN(cats);
    const uint32_t n = 6000;
    tn_type types[3] = {ty(TN_T_INT32), ty(TN_T_VARCHAR), ty(TN_T_INT64)};
    tn_chunk *ch = tn_chunk_new(3, types, n);
    /* expected groups: year (2020..2022 or NULL) x cat (or NULL) */
    int64_t cnt[4][16] = {{0}}, sum[4][16] = {{0}};
    for (uint32_t r = 0; r < n; r++) {
        uint32_t k = (uint32_t)(mix64(r) % 1000);
        int yi = k % 19 == 0 ? 3 : (int)(k % 3);
        int ci = k % 29 == 1 ? ncat : (int)((k / 3) % (uint32_t)ncat);
        if (yi == 3)
            tn_vector_set_null(ch->cols[0], r);
        else
            ((int32_t *)ch->cols[0]->data)[r] = 2020 + yi;
        if (ci == ncat)
            tn_vector_set_null(ch->cols[1], r);
        else
            str_vec_set(ch->cols[1], r, cats[ci], strlen(cats[ci]));
        ((int64_t *)ch->cols[2]->data)[r] = (int64_t)r * 7;
        cnt[yi][ci]++;
        sum[yi][ci] += (int64_t)r * 7;
    }
    ch->count = n;
    /* DuckDB orders NULLs last and hex strings byte-wise: build the expectation in that order */
    tn_sbuf want = TN_SBUF_INIT;
    for (int yi = 0; yi < 4; yi++) {
        int order[16], no = 0;
        for (int ci = 0; ci <= ncat; ci++)
            if (cnt[yi][ci])
                order[no++] = ci;
        for (int a = 1; a < no; a++) /* insertion sort by hex(cat), NULL last */
            for (int b = a; b > 0; b--) {
                int x = order[b - 1], y = order[b];
                tn_sbuf hx = TN_SBUF_INIT, hy = TN_SBUF_INIT;
                if (x != ncat)
                    hex_of(&hx, cats[x], strlen(cats[x]));
                if (y != ncat)
                    hex_of(&hy, cats[y], strlen(cats[y]));
                bool swap = x == ncat ? y != ncat : (y != ncat && strcmp(tn_sbuf_str(&hx), tn_sbuf_str(&hy)) > 0);
                tn_sbuf_free(&hx);
                tn_sbuf_free(&hy);
                if (!swap)
                    break;
                order[b - 1] = y;
                order[b] = x;
            }
        for (int j = 0; j < no; j++) {
            int ci = order[j];
            if (yi == 3)
                tn_sbuf_puts(&want, "NULL|");
            else
                tn_sbuf_printf(&want, "%d|", 2020 + yi);
            if (ci == ncat)
                tn_sbuf_puts(&want, "NULL");
            else
                hex_of(&want, cats[ci], strlen(cats[ci]));
            tn_sbuf_printf(&want, "|%lld|%lld\n", (long long)cnt[yi][ci], (long long)sum[yi][ci]);
        }
    }
    const char *names[3] = {"year", "cat", "v"};
    uint32_t pcols[2] = {0, 1};
    pq_write_options o;
    pq_write_options_default(&o);
    o.max_open_files = 5; /* several files per partition */
    ex_op *op = op_copy_parquet_create_ex(op_values_create(ch), names, dir, &o, pcols, 2, false);
    CHECK(op != NULL);
    tn_err err = TN_ERR_INIT;
    tn_chunk *out = NULL;
    CHECK_EQ_INT(op ? ex_op_next(op, &out, &err) : TN_NOMEM, TN_OK);
    CHECK(out && ((int64_t *)out->cols[0]->data)[0] == n);
    ex_op_free(op);
    tn_sbuf q = TN_SBUF_INIT;
    tn_sbuf_printf(&q,
                   "SELECT year, CASE WHEN cat IS NULL THEN 'NULL' ELSE hex(cat) END AS h, count(*), sum(v) "
                   "FROM read_parquet('%s/**/*.parquet', hive_partitioning=true) GROUP BY year, cat "
                   "ORDER BY year NULLS LAST, cat IS NULL, hex(cat)",
                   dir);
    const char *qs[1] = {tn_sbuf_str(&q)};
    tn_sbuf got = TN_SBUF_INIT;
    duck_run(qs, 1, &got);
    if (strcmp(tn_sbuf_str(&got), tn_sbuf_str(&want)) != 0)
        fprintf(stderr, "DuckDB said:\n%s\nexpected:\n%s\n", tn_sbuf_str(&got), tn_sbuf_str(&want));
    CHECK_EQ_STR(tn_sbuf_str(&got), tn_sbuf_str(&want));
    tn_sbuf_free(&got);
    tn_sbuf_free(&want);
    tn_sbuf_free(&q);
    if (!getenv("TARN_TEST_KEEP"))
        CHECK_EQ_INT(system(cmd), 0);
}

/* ======================= nested columns ======================= */

static const char *const g_nested_duck_types[NT_NSHAPES] = {
    "INTEGER[]", "VARCHAR[]", "BIGINT[][]", "STRUCT(a INTEGER, b VARCHAR)", "STRUCT(x STRUCT(y INTEGER[]), z DOUBLE)",
    "MAP(VARCHAR, INTEGER)", "MAP(INTEGER, VARCHAR[])", "STRUCT(k VARCHAR, v BIGINT)[]",
};

/* version: data page version (format v1), or 3 = PARQUET_VERSION 2. */
static void nested_peer_case(int version, bool dictionary, int codec)
{
    nt_shape sh[NT_NSHAPES];
    nt_shapes(sh);
    enum { NC = NT_NSHAPES + 1 };
    const char *names[NC];
    tn_type types[NC];
    names[0] = "id";
    types[0] = ty(TN_T_INT64);
    for (int i = 0; i < NT_NSHAPES; i++) {
        names[i + 1] = sh[i].name;
        types[i + 1] = sh[i].type;
    }
    char path[600];
    tmp_path(path, sizeof path, "peer-nested.parquet");
    pq_write_options o;
    pq_write_options_default(&o);
    o.page_version = version == 3 ? 1 : version;
    o.parquet_version = version == 3 ? 2 : 1;
    o.dictionary = dictionary;
    o.dictionary_size_limit = dictionary ? 3000 : o.dictionary_size_limit;
    o.codec = codec;
    o.page_size = 2000;
    o.row_group_size = 2500;
    tn_err err = TN_ERR_INIT;
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, NC, names, types, &o, &w, &err), TN_OK);
    if (!w)
        return;
    tn_sbuf want = TN_SBUF_INIT;
    for (int c = 0; c < NC; c++)
        tn_sbuf_printf(&want, "%s|%s\n", names[c], c ? g_nested_duck_types[c - 1] : "BIGINT");
    static const uint32_t sizes[] = {1500, 1000, 200, 700, 2048};
    nt_opts no = {7, 4};
    int64_t id = 0;
    for (int k = 0; k < (int)TN_ARRAY_LEN(sizes); k++) {
        uint32_t n = sizes[k];
        int kind = k % 4; /* FLAT, FLAT + selection, CONST, DICT */
        tn_chunk *ch = tn_chunk_new(NC, types, n);
        ch->count = n;
        for (uint32_t r = 0; r < n; r++)
            ((int64_t *)ch->cols[0]->data)[r] = id + r;
        for (int c = 1; c < NC; c++) {
            tn_vector *v = ch->cols[c];
            uint64_t seed = (uint64_t)version * 1000 + (uint64_t)k * 100 + (uint64_t)c;
            if (kind == 2) {
                tn_vector *src = tn_vector_new(types[c], 1);
                nt_gen(src, 0, types[c], seed, true, &no);
                tn_vector_set_const_from(v, src, 0);
                tn_vector_unref(src);
            } else if (kind == 3) {
                tn_vector *dict = tn_vector_new(types[c], 12);
                for (uint32_t e = 0; e < 12; e++)
                    nt_gen(dict, e, types[c], seed * 31 + e, true, &no);
                tn_vector_set_dict(v, dict);
                tn_vector_unref(dict);
                for (uint32_t r = 0; r < n; r++) {
                    ((uint32_t *)v->data)[r] = (uint32_t)(mix64(seed + r) % 12);
                    if (r % 9 == 4)
                        tn_vector_set_null(v, r);
                }
            } else {
                for (uint32_t r = 0; r < n; r++)
                    nt_gen(v, r, types[c], seed * 1000003ULL + r, true, &no);
            }
        }
        if (kind == 1) {
            uint32_t *sel = tn_chunk_sel_buffer(ch, n);
            uint32_t m = 0;
            for (uint32_t r = 0; r < n; r++)
                if (r % 4 != 1)
                    sel[m++] = r;
            ch->sel = sel;
            ch->nsel = m;
        }
        for (uint32_t i = 0; i < tn_chunk_rows(ch); i++) {
            uint32_t r = ch->sel ? ch->sel[i] : i;
            tn_sbuf_printf(&want, "%lld", (long long)(id + r));
            for (int c = 1; c < NC; c++) {
                tn_sbuf_putc(&want, '|');
                nt_json(&want, ch->cols[c], r, types[c], true);
            }
            tn_sbuf_putc(&want, '\n');
        }
        CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
        tn_chunk_free(ch);
        id += n;
    }
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);

    tn_sbuf q1 = TN_SBUF_INIT, q2 = TN_SBUF_INIT;
    tn_sbuf_printf(&q1, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('%s'))", path);
    tn_sbuf_puts(&q2, "SELECT id");
    for (int c = 1; c < NC; c++)
        tn_sbuf_printf(&q2, ", to_json(%s)", names[c]);
    tn_sbuf_printf(&q2, " FROM read_parquet('%s') ORDER BY id", path);
    const char *qs[2] = {tn_sbuf_str(&q1), tn_sbuf_str(&q2)};
    tn_sbuf got = TN_SBUF_INIT;
    duck_run(qs, 2, &got);
    const char *g = tn_sbuf_str(&got), *x = tn_sbuf_str(&want);
    if (strcmp(g, x) != 0) {
        /* show the first differing line */
        size_t i = 0, ls = 0;
        while (g[i] && g[i] == x[i]) {
            if (g[i] == '\n')
                ls = i + 1;
            i++;
        }
        fprintf(stderr, "nested v%d dict=%d codec=%d: first difference\nDuckDB: %.300s\ntarn:   %.300s\n", version,
                dictionary, codec, g + ls, x + ls);
    }
    CHECK(strcmp(g, x) == 0);
    tn_sbuf_free(&got);
    tn_sbuf_free(&want);
    tn_sbuf_free(&q1);
    tn_sbuf_free(&q2);
    if (!getenv("TARN_TEST_KEEP"))
        unlink(path);
}

static void test_duckdb_nested(void)
{
    if (!duck_available("test_duckdb_nested"))
        return;
    nested_peer_case(1, true, PQ_CODEC_SNAPPY);
    nested_peer_case(2, true, PQ_CODEC_ZSTD);
    nested_peer_case(1, false, PQ_CODEC_GZIP);
    nested_peer_case(2, false, PQ_CODEC_UNCOMPRESSED);
    nested_peer_case(3, true, PQ_CODEC_LZ4);
    nested_peer_case(3, false, PQ_CODEC_ZSTD);
}

/* DuckDB's own nested files, re-written by tarn (COPY through SQL), read back by DuckDB. */
static void test_duckdb_nested_fixtures(void)
{
    if (!duck_available("test_duckdb_nested_fixtures"))
        return;
    const char *shared = getenv("TARN_SHARED");
    if (!shared || !*shared) {
        fprintf(stderr, "test_duckdb_nested_fixtures: skipped (TARN_SHARED not set)\n");
        return;
    }
    tarn_db *db = NULL;
    CHECK_EQ_INT(tarn_open(NULL, &db), TARN_OK);
    static const char *const fx[] = {"alltypes_snappy", "alltypes_v2_uncompressed", "deep_nested"};
    char out[600];
    tmp_path(out, sizeof out, "peer-refx.parquet");
    for (size_t i = 0; db && i < TN_ARRAY_LEN(fx); i++) {
        char src[1200], sql[2000];
        snprintf(src, sizeof src, "%s/fixtures/parquet/generated/duckdb/%s.parquet", shared, fx[i]);
        snprintf(sql, sizeof sql, "COPY (SELECT * FROM '%s') TO '%s' (ROW_GROUP_SIZE %d)", src, out, i == 2 ? 9 : 20);
        int rc = tarn_exec(db, sql);
        if (rc != TARN_OK)
            fprintf(stderr, "%s: %s\n", sql, tarn_errmsg(db));
        CHECK_EQ_INT(rc, TARN_OK);
        /* rows of each file missing from the other (to_json of every column), and the counts */
        tn_sbuf q = TN_SBUF_INIT;
        tn_sbuf_printf(&q,
                       "SELECT (SELECT count(*) FROM (SELECT to_json(COLUMNS(*)) FROM '%s' EXCEPT ALL "
                       "SELECT to_json(COLUMNS(*)) FROM '%s')), (SELECT count(*) FROM (SELECT to_json(COLUMNS(*)) "
                       "FROM '%s' EXCEPT ALL SELECT to_json(COLUMNS(*)) FROM '%s')), (SELECT count(*) FROM '%s'), "
                       "(SELECT count(*) FROM '%s')",
                       src, out, out, src, src, out);
        const char *qs[1] = {tn_sbuf_str(&q)};
        tn_sbuf got = TN_SBUF_INIT;
        duck_run(qs, 1, &got);
        long long a = -1, b = -1, n1 = -1, n2 = -2;
        if (sscanf(tn_sbuf_str(&got), "%lld|%lld|%lld|%lld", &a, &b, &n1, &n2) != 4)
            fprintf(stderr, "%s: DuckDB said %s\n", fx[i], tn_sbuf_str(&got));
        CHECK_EQ_INT(a, 0);
        CHECK_EQ_INT(b, 0);
        CHECK(n1 >= 40 && n1 == n2);
        tn_sbuf_free(&got);
        tn_sbuf_free(&q);
    }
    tarn_close(db);
    unlink(out);
}

TEST_MAIN(test_duckdb_peer, test_duckdb_bloom, test_duckdb_page_index, test_duckdb_partitioned, test_duckdb_nested,
          test_duckdb_nested_fixtures)
