/*
 * test_writer_peer.c -- files written by tarn's Parquet writer read by an independent reader:
 * DuckDB through node (@duckdb/node-api under $TARN_DUCKDB_NODE_MODULES). Skipped, with a message,
 * when node or the module is not available.
 *
 * One file with every flat type (FLAT, selection-vector, CONST and DICT chunks, NULLs) is written
 * once per page version / dictionary mode; DuckDB must report the expected SQL types (DESCRIBE),
 * the row count, every column's non-NULL count, exact integer sums, byte totals of the strings,
 * and NaN counts, all computed here from the data that was written. TARN_TEST_KEEP=1 keeps the
 * files for inspection.
 */
#define _GNU_SOURCE
#include "writer_testutil.h"
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
    o.page_version = version;
    o.dictionary = dictionary;
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
}

TEST_MAIN(test_duckdb_peer)
