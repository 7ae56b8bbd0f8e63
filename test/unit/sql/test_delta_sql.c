/*
 * test_delta_sql.c -- Delta tables through SQL, built by hand from PROTOCOL.md (logs written by
 * the test, data files written by tarn's COPY): deletion vectors (inline, 'u' relative and 'p'
 * absolute files, on files with several row groups, including a DV that empties a whole row group
 * and hostile DVs), column mapping in mode name (physical names differing from logical ones, a
 * renamed column, a column added later, a nested struct whose fields are physical names, physical
 * partition keys and stats) and mode id (matched by Parquet field id), timestamp_ntz, type
 * widening, data skipping (partition values, numRecords/nullCount, min/max with truncated string
 * statistics, IN lists), time travel by version and timestamp (file times and in-commit
 * timestamps), DESCRIBE HISTORY / DETAIL, and hostile logs (truncated JSON, path traversal,
 * absurd sizes, garbage data files, bad partition values). Expected values are computed by the
 * test from the data it wrote.
 */
/* Test fixtures build JSON into fixed buffers with snprintf; truncation cannot happen with these
 * inputs and would only make a test fail, so the -O2 truncation warning is silenced here. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "delta_sql_util.h"
#include "parquet/writer.h"
#include "exec/scan_delta.h"

#define PROTO_CM_NAME "{\"protocol\":{\"minReaderVersion\":2,\"minWriterVersion\":5}}\n"

/* "files: N total, P after partition pruning, S after stats skipping" of an EXPLAIN. */
static void explain_files(const char *sql, long *total, long *part, long *stats)
{
    char q[8192];
    snprintf(q, sizeof q, "EXPLAIN %s", sql);
    char *e = ds_query(q);
    *total = *part = *stats = -1;
    const char *f = e ? strstr(e, "files: ") : NULL;
    if (!f || sscanf(f, "files: %ld total, %ld after partition pruning, %ld after stats skipping", total, part,
                     stats) != 3) {
        fprintf(stderr, "no file counts in: %s\n", e ? e : "(error)");
        tn_test_failures++;
    }
    free(e);
}

/* rel: id BIGINT = 0..n-1, g BIGINT = id % 10, in row groups of rg rows and data pages of about
 * page_bytes bytes (so the page index can narrow row ranges inside a row group). */
static long write_ids(const char *root, const char *rel, uint32_t n, uint64_t rg, uint32_t page_bytes)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    const char *names[] = {"id", "g"};
    tn_type types[] = {tn_type_make(TN_T_INT64), tn_type_make(TN_T_INT64)};
    pq_write_options o;
    pq_write_options_default(&o);
    o.row_group_size = rg;
    o.page_size = page_bytes;
    o.dictionary = false;
    pq_writer *w = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 2, names, types, &o, &w, &err), TN_OK);
    tn_chunk *c = tn_chunk_new(2, types, TN_BATCH);
    for (uint32_t base = 0; w && base < n; base += TN_BATCH) {
        uint32_t k = TN_MIN(TN_BATCH, n - base);
        for (uint32_t r = 0; r < k; r++) {
            ((int64_t *)c->cols[0]->data)[r] = base + r;
            ((int64_t *)c->cols[1]->data)[r] = (base + r) % 10;
        }
        c->count = k;
        CHECK_EQ_INT(pq_writer_write(w, c, &err), TN_OK);
    }
    if (w)
        CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    tn_chunk_free(c);
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* ======================= deletion vectors ======================= */

static bool in_list(const uint32_t *v, size_t n, uint32_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

static void test_deletion_vectors(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("sql_dv"));
    /* part-0: ids 0..9999 in 4 row groups of 3000 (the last 1000) */
    long s0 = write_ids(root, "part-0.parquet", 10000, 3000, 2048);
    long s1 = ds_copy(root, "part-1.parquet", "SELECT range + 10000 AS id, range % 10 AS g FROM range(100)", "");
    long s2 = ds_copy(root, "part-2.parquet", "SELECT range + 20000 AS id, range % 10 AS g FROM range(50)", "");
    /* DV of part-0: a few rows around a row-group boundary, all of row group 2, the last row */
    uint32_t *d0 = malloc(sizeof *d0 * 4000);
    size_t n0 = 0;
    uint32_t few[] = {0, 1, 2, 2999, 3000, 3001};
    for (size_t i = 0; i < TN_ARRAY_LEN(few); i++)
        d0[n0++] = few[i];
    for (uint32_t r = 6000; r < 9000; r++)
        d0[n0++] = r;
    d0[n0++] = 9999;
    size_t sz0, sz1;
    ds_dv_file(root, "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", d0, n0, &sz0);
    uint32_t d1[] = {0, 50, 99};
    ds_dv_file(root, "dv_p.bin", d1, 3, &sz1);
    /* part-2: the inline DV of PROTOCOL.md's example deletes rows 3, 4, 7, 11, 18, 29 */
    uint32_t d2[] = {3, 4, 7, 11, 18, 29};
    char x0[512], x1[4096], x2[512];
    snprintf(x0, sizeof x0,
             "\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":\"ab^-aqEH.-t@S}K{vb[*k^\",\"offset\":1,"
             "\"sizeInBytes\":%zu,\"cardinality\":%zu}",
             sz0, n0);
    snprintf(x1, sizeof x1,
             "\"deletionVector\":{\"storageType\":\"p\",\"pathOrInlineDv\":\"file://%s/dv_p.bin\",\"offset\":1,"
             "\"sizeInBytes\":%zu,\"cardinality\":3}",
             root, sz1);
    snprintf(x2, sizeof x2,
             "\"deletionVector\":{\"storageType\":\"i\",\"pathOrInlineDv\":\"wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L\","
             "\"sizeInBytes\":40,\"cardinality\":6}");
    const char *schema = "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
                         "{\"name\":\"g\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}";
    char a0[8192], a1[8192], a2[8192];
    snprintf(a0, sizeof a0, "%s", dt_add("part-0.parquet", s0, NULL, x0));
    snprintf(a1, sizeof a1, "%s", dt_add("part-1.parquet", s1, NULL, x1));
    snprintf(a2, sizeof a2, "%s", dt_add("part-2.parquet", s2, NULL, x2));
    dt_commit(root, 0, dt_cat(DS_PROTO_DV, dt_meta(schema, NULL, NULL), a0, a1, a2, NULL));
    /* expected values from the rows written */
    long long cnt = 0, sum = 0, win = 0;
    for (uint32_t i = 0; i < 10000; i++)
        if (!in_list(d0, n0, i)) {
            cnt++;
            sum += i;
            win += i >= 2990 && i <= 3010;
        }
    for (uint32_t i = 0; i < 100; i++)
        if (!in_list(d1, 3, i)) {
            cnt++;
            sum += 10000 + i;
        }
    for (uint32_t i = 0; i < 50; i++)
        if (!in_list(d2, 6, i)) {
            cnt++;
            sum += 20000 + i;
        }
    char want[128];
    snprintf(want, sizeof want, "%lld|%lld", cnt, sum);
    DS_EXPECT(want, "SELECT count(*), sum(id) FROM '%s'", root);
    snprintf(want, sizeof want, "%lld", cnt);
    DS_EXPECT(want, "SELECT count(*) FROM delta_scan('%s')", root); /* no columns read at all */
    snprintf(want, sizeof want, "%lld", win);
    DS_EXPECT(want, "SELECT count(*) FROM '%s' WHERE id BETWEEN 2990 AND 3010", root);
    DS_EXPECT("3\n4\n5\n6\n7", "SELECT id FROM '%s' ORDER BY id LIMIT 5", root);
    DS_EXPECT("20000\n20001\n20002\n20005\n20006\n20008", "SELECT id FROM '%s' WHERE id >= 20000 ORDER BY id LIMIT 6",
              root);
    DS_EXPECT("0", "SELECT count(*) FROM '%s' WHERE id BETWEEN 6000 AND 8999", root);
    DS_EXPECT("10001|10098|97", "SELECT min(id), max(id), count(*) FROM '%s' WHERE id >= 10000 AND id < 20000", root);
    char *e = ds_queryf("EXPLAIN SELECT id FROM '%s'", root);
    CHECK(e && strstr(e, "deletion vectors: 3"));
    free(e);
    /* the scan operator itself: the page index narrows the rows read inside row groups 0 and 1,
     * and the DV still applies to the right rows */
    {
        ex_delta_source *src = NULL;
        tn_err err = TN_ERR_INIT;
        CHECK_EQ_INT(ex_delta_source_open(vfs_default(), root, NULL, &src, &err), TN_OK);
        tn_value lo = tn_value_int(tn_type_make(TN_T_INT64), 2990), hi = tn_value_int(tn_type_make(TN_T_INT64), 3010);
        pq_predicate preds[2] = {{0, PQ_PRED_GE, &lo, 1}, {0, PQ_PRED_LE, &hi, 1}};
        uint32_t fields[1] = {0};
        ex_op *op = src ? op_scan_delta_create(src, fields, 1, preds, 2) : NULL;
        CHECK(op != NULL);
        uint64_t rows = 0;
        long long kept = 0;
        tn_chunk *ch;
        while (op && ex_op_next(op, &ch, &err) == TN_OK && ch) {
            for (uint32_t k = 0; k < tn_chunk_rows(ch); k++) {
                uint32_t r = ch->sel ? ch->sel[k] : k;
                int64_t id = ((const int64_t *)ch->cols[0]->data)[r];
                kept += id >= 2990 && id <= 3010;
            }
            rows += tn_chunk_rows(ch);
        }
        const ex_delta_scan_stats *st = op ? op_scan_delta_stats(op) : NULL;
        CHECK(st && st->files_after_stats == 3); /* no add.stats: every file is opened */
        CHECK(st && st->rows_read < 2000);       /* not whole row groups */
        CHECK(st && st->row_groups_skipped == 4); /* part-0 row groups 2-3, parts 1 and 2 */
        CHECK_EQ_INT(kept, win);
        CHECK(rows >= (uint64_t)win);
        ex_op_free(op);
        ex_delta_source_free(src);
    }

    /* a DV naming a row the file does not have */
    uint32_t bad[] = {0, 100};
    size_t szb;
    ds_dv_file(root, "dv_bad.bin", bad, 2, &szb);
    snprintf(x1, sizeof x1,
             "\"deletionVector\":{\"storageType\":\"p\",\"pathOrInlineDv\":\"file://%s/dv_bad.bin\",\"offset\":1,"
             "\"sizeInBytes\":%zu,\"cardinality\":2}",
             root, szb);
    snprintf(a1, sizeof a1, "%s", dt_add("part-1.parquet", s1, NULL, x1));
    dt_commit(root, 1, dt_cat(dt_remove("part-1.parquet", NULL), a1, NULL));
    DS_EXPECT_ERROR(TARN_CORRUPT, "deletes row 100", "SELECT count(*) FROM '%s'", root);
    /* checksum mismatch: flip a byte of the bitmap */
    char path[4096];
    snprintf(path, sizeof path, "%s/dv_bad.bin", root);
    FILE *f = fopen(path, "r+b");
    if (f) {
        fseek(f, 9, SEEK_SET);
        int c = fgetc(f);
        fseek(f, 9, SEEK_SET);
        fputc(c ^ 0x40, f);
        fclose(f);
    }
    DS_EXPECT_ERROR(TARN_CORRUPT, "deletion vector", "SELECT count(*) FROM '%s'", root);
    /* absurd DV size: larger than the DV file */
    snprintf(x1, sizeof x1,
             "\"deletionVector\":{\"storageType\":\"p\",\"pathOrInlineDv\":\"file://%s/dv_bad.bin\",\"offset\":1,"
             "\"sizeInBytes\":2000000000,\"cardinality\":2}",
             root);
    snprintf(a1, sizeof a1, "%s", dt_add("part-1.parquet", s1, NULL, x1));
    dt_commit(root, 2, dt_cat(dt_remove("part-1.parquet", NULL), a1, NULL));
    char m[2048];
    CHECK(ds_error(m, sizeof m, "SELECT count(*) FROM '%s'", root) != TARN_OK);
    CHECK(strstr(m, "dv_bad.bin") != NULL);
    /* time travel back to the good version still works */
    snprintf(want, sizeof want, "%lld|%lld", cnt, sum);
    DS_EXPECT(want, "SELECT count(*), sum(id) FROM '%s' VERSION AS OF 0", root);
    free(d0);
}

/* ======================= column mapping ======================= */

static const char *cm_field(const char *name, const char *type, int id, const char *phys)
{
    static char bufs[8][1024];
    static int k;
    char *b = bufs[k++ & 7];
    snprintf(b, sizeof bufs[0],
             "{\"name\":\"%s\",\"type\":%s,\"nullable\":true,\"metadata\":{\"delta.columnMapping.id\":%d,"
             "\"delta.columnMapping.physicalName\":\"%s\"}}",
             name, type, id, phys);
    return b;
}

static void test_column_mapping_name(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("sql_cm_name"));
    /* struct fields written in the opposite order of the schema: matched by physical name */
    long s0 = ds_copy(root, "p1/f0.parquet",
                      "SELECT range AS \"col-11\", 'n' || range AS \"col-22\", {'col-55': 'y' || range, 'col-44': "
                      "range::INTEGER} AS \"col-66\" FROM range(5)",
                      "");
    char struct_t[512];
    snprintf(struct_t, sizeof struct_t, "{\"type\":\"struct\",\"fields\":[%s,%s]}", cm_field("x", "\"integer\"", 4, "col-44"),
             cm_field("y", "\"string\"", 5, "col-55"));
    char schema0[4096], schema1[4096];
    snprintf(schema0, sizeof schema0, "{\"type\":\"struct\",\"fields\":[%s,%s,%s,%s]}", cm_field("id", "\"long\"", 1, "col-11"),
             cm_field("name", "\"string\"", 2, "col-22"), cm_field("part", "\"string\"", 3, "col-33"),
             cm_field("s", struct_t, 6, "col-66"));
    const char *conf0 = "{\"delta.columnMapping.mode\":\"name\",\"delta.columnMapping.maxColumnId\":\"6\"}";
    char add0[8192];
    snprintf(add0, sizeof add0, "%s",
             dt_add("p1/f0.parquet", s0, "{\"col-33\":\"p1\"}",
                    "\"stats\":\"{\\\"numRecords\\\":5,\\\"minValues\\\":{\\\"col-11\\\":0},\\\"maxValues\\\":{\\\"col-11\\\":4},"
                    "\\\"nullCount\\\":{\\\"col-11\\\":0}}\""));
    dt_commit(root, 0, dt_cat(PROTO_CM_NAME, dt_meta(schema0, "[\"part\"]", conf0), add0, NULL));
    /* v1: id renamed to ident (same physical column), new columns extra and tags (a list), and a new
     * struct field s.z: older files lack them all (NULL) */
    char struct1_t[1024];
    snprintf(struct1_t, sizeof struct1_t, "{\"type\":\"struct\",\"fields\":[%s,%s,%s]}",
             cm_field("x", "\"integer\"", 4, "col-44"), cm_field("y", "\"string\"", 5, "col-55"),
             cm_field("z", "\"long\"", 8, "col-88"));
    snprintf(schema1, sizeof schema1, "{\"type\":\"struct\",\"fields\":[%s,%s,%s,%s,%s,%s]}",
             cm_field("ident", "\"long\"", 1, "col-11"), cm_field("name", "\"string\"", 2, "col-22"),
             cm_field("part", "\"string\"", 3, "col-33"), cm_field("s", struct1_t, 6, "col-66"),
             cm_field("extra", "\"long\"", 7, "col-77"),
             cm_field("tags", "{\"type\":\"array\",\"elementType\":\"string\",\"containsNull\":true}", 9, "col-99"));
    const char *conf1 = "{\"delta.columnMapping.mode\":\"name\",\"delta.columnMapping.maxColumnId\":\"9\"}";
    long s1 = ds_copy(root, "p2/f1.parquet",
                      "SELECT range + 100 AS \"col-11\", 'm' || range AS \"col-22\", {'col-44': range::INTEGER, 'col-55': "
                      "'z', 'col-88': range * 7} AS \"col-66\", range * 10 AS \"col-77\", ['t' || range, 'u'] AS \"col-99\" "
                      "FROM range(3)",
                      "");
    char add1[8192];
    snprintf(add1, sizeof add1, "%s",
             dt_add("p2/f1.parquet", s1, "{\"col-33\":\"p2\"}",
                    "\"stats\":\"{\\\"numRecords\\\":3,\\\"minValues\\\":{\\\"col-11\\\":100},\\\"maxValues\\\":{\\\"col-11\\\":102},"
                    "\\\"nullCount\\\":{\\\"col-11\\\":0}}\""));
    dt_commit(root, 1, dt_cat(dt_meta(schema1, "[\"part\"]", conf1), add1, NULL));

    DS_EXPECT("ident|BIGINT|YES|NULL|NULL|NULL\nname|VARCHAR|YES|NULL|NULL|NULL\npart|VARCHAR|YES|NULL|NULL|NULL\n"
              "s|STRUCT(x INTEGER, y VARCHAR, z BIGINT)|YES|NULL|NULL|NULL\nextra|BIGINT|YES|NULL|NULL|NULL\n"
              "tags|VARCHAR[]|YES|NULL|NULL|NULL",
              "DESCRIBE '%s'", root);
    DS_EXPECT("0|n0|p1|0|y0|NULL|NULL|NULL\n4|n4|p1|4|y4|NULL|NULL|NULL\n100|m0|p2|0|z|0|0|[t0, u]\n"
              "102|m2|p2|2|z|14|20|[t2, u]",
              "SELECT ident, name, part, s.x, s.y, s.z, extra, tags FROM '%s' WHERE ident IN (0, 4, 100, 102) ORDER BY ident",
              root);
    DS_EXPECT("{'x': 1, 'y': y1, 'z': NULL}", "SELECT s FROM '%s' WHERE ident = 1", root);
    DS_EXPECT("{'x': 1, 'y': z, 'z': 7}", "SELECT s FROM '%s' WHERE ident = 101", root);
    DS_EXPECT("0|n0|p1", "SELECT id, name, part FROM '%s' VERSION AS OF 0 ORDER BY id LIMIT 1", root);
    DS_EXPECT_ERROR(TARN_NOTFOUND, "ident", "SELECT ident FROM '%s' VERSION AS OF 0", root);
    DS_EXPECT("3", "SELECT count(*) FROM '%s' WHERE part = 'p2'", root);
    long t, p, st;
    char q[4096];
    snprintf(q, sizeof q, "SELECT * FROM '%s' WHERE part = 'p2'", root);
    explain_files(q, &t, &p, &st);
    CHECK_EQ_INT(t, 2);
    CHECK_EQ_INT(p, 1);
    /* stats are keyed by physical names */
    snprintf(q, sizeof q, "SELECT * FROM '%s' WHERE ident > 50", root);
    explain_files(q, &t, &p, &st);
    CHECK_EQ_INT(p, 2);
    CHECK_EQ_INT(st, 1);
    DS_EXPECT("3", "SELECT count(*) FROM '%s' WHERE ident > 50", root);
}

/* f0.parquet: file_a BIGINT (field id 1) = 0..3, file_b VARCHAR (field id 2) = 'v0'..'v3', written with
 * the Parquet writer directly (COPY has no field-id option). Returns the file size. */
static long write_with_field_ids(const char *root, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    const char *names[] = {"file_a", "file_b"};
    tn_type types[] = {tn_type_make(TN_T_INT64), tn_type_make(TN_T_VARCHAR)};
    pq_write_options o;
    pq_write_options_default(&o);
    o.field_ids = true;
    pq_writer *w = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 2, names, types, &o, &w, &err), TN_OK);
    tn_chunk *c = tn_chunk_new(2, types, 4);
    for (uint32_t r = 0; r < 4; r++) {
        char s[8];
        snprintf(s, sizeof s, "v%u", r);
        ((int64_t *)c->cols[0]->data)[r] = r;
        tn_vector_add_string(c->cols[1], s, (uint32_t)strlen(s), (tn_str *)c->cols[1]->data + r);
    }
    c->count = 4;
    if (w) {
        CHECK_EQ_INT(pq_writer_write(w, c, &err), TN_OK);
        CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    }
    tn_chunk_free(c);
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_column_mapping_id(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("sql_cm_id"));
    /* the file's column names are neither logical nor physical: only the field ids match */
    long s0 = write_with_field_ids(root, "f0.parquet");
    char schema[4096];
    snprintf(schema, sizeof schema, "{\"type\":\"struct\",\"fields\":[%s,%s,%s]}", cm_field("b", "\"string\"", 2, "col-b"),
             cm_field("a", "\"long\"", 1, "col-a"), cm_field("c", "\"double\"", 3, "col-c"));
    const char *conf = "{\"delta.columnMapping.mode\":\"id\",\"delta.columnMapping.maxColumnId\":\"3\"}";
    dt_commit(root, 0,
              dt_cat("{\"protocol\":{\"minReaderVersion\":2,\"minWriterVersion\":6}}\n", dt_meta(schema, NULL, conf),
                     dt_add("f0.parquet", s0, NULL, NULL), NULL));
    DS_EXPECT("v0|0|NULL\nv3|3|NULL", "SELECT b, a, c FROM '%s' WHERE a IN (0, 3) ORDER BY a", root);
    DS_EXPECT("6", "SELECT sum(a) FROM '%s'", root);
    /* the same file under mode name finds no column (physical names differ): all NULL */
    dt_commit(root, 1, dt_meta(schema, NULL, "{\"delta.columnMapping.mode\":\"name\"}"));
    DS_EXPECT("4|0", "SELECT count(*), count(a) FROM '%s'", root);
}

/* ======================= timestamp_ntz, type widening ======================= */

static void test_timestamp_ntz_and_widening(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("sql_ntz"));
    long s0 = ds_copy(root, "f0.parquet",
                      "SELECT TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, 7::INTEGER AS a, 2::INTEGER AS b, DATE "
                      "'2024-03-01' AS c, 1.25::DECIMAL(5,2) AS dd",
                      "");
    const char *schema =
        "{\"type\":\"struct\",\"fields\":["
        "{\"name\":\"ts\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{\"delta.typeChanges\":[{\"fromType\":\"integer\",\"toType\":\"long\"}]}},"
        "{\"name\":\"b\",\"type\":\"double\",\"nullable\":true,\"metadata\":{\"delta.typeChanges\":[{\"fromType\":\"integer\",\"toType\":\"double\"}]}},"
        "{\"name\":\"c\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{\"delta.typeChanges\":[{\"fromType\":\"date\",\"toType\":\"timestamp_ntz\"}]}},"
        "{\"name\":\"dd\",\"type\":\"decimal(10,3)\",\"nullable\":true,\"metadata\":{\"delta.typeChanges\":[{\"fromType\":\"decimal(5,2)\",\"toType\":\"decimal(10,3)\"}]}},"
        "{\"name\":\"p\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}}]}";
    dt_commit(root, 0,
              dt_cat("{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"timestampNtz\","
                     "\"typeWidening\"],\"writerFeatures\":[\"timestampNtz\",\"typeWidening\"]}}\n",
                     dt_meta(schema, "[\"p\"]", NULL),
                     dt_add("f0.parquet", s0, "{\"p\":\"2021-09-08 11:11:11.5\"}", NULL), NULL));
    DS_EXPECT("ts|TIMESTAMP|YES|NULL|NULL|NULL\na|BIGINT|YES|NULL|NULL|NULL\nb|DOUBLE|YES|NULL|NULL|NULL\n"
              "c|TIMESTAMP|YES|NULL|NULL|NULL\ndd|DECIMAL(10,3)|YES|NULL|NULL|NULL\np|TIMESTAMP|YES|NULL|NULL|NULL",
              "DESCRIBE '%s'", root);
    DS_EXPECT("2024-01-02 03:04:05.123456|7|2.0|2024-03-01 00:00:00|1.250|2021-09-08 11:11:11.5",
              "SELECT ts, a, b, c, dd, p FROM '%s'", root);
    DS_EXPECT("1", "SELECT count(*) FROM '%s' WHERE p = TIMESTAMP '2021-09-08 11:11:11.5'", root);
    DS_EXPECT("0", "SELECT count(*) FROM '%s' WHERE p > TIMESTAMP '2021-09-08 11:11:11.5'", root);
    DS_EXPECT("14", "SELECT a * 2 FROM '%s' WHERE ts < TIMESTAMP '2025-01-01 00:00:00'", root);
    /* a narrowing the table does not allow is an error naming the file and column */
    long s1 = ds_copy(root, "f1.parquet",
                      "SELECT TIMESTAMP '2024-01-02 03:04:05' AS ts, 'x' AS a, 2::INTEGER AS b, DATE '2024-03-01' AS c, "
                      "1.25::DECIMAL(5,2) AS dd",
                      "");
    dt_commit(root, 1, dt_add("f1.parquet", s1, "{\"p\":null}", NULL));
    DS_EXPECT_ERROR(TARN_CORRUPT, "f1.parquet\": column \"a\" is stored as VARCHAR", "SELECT a FROM '%s'", root);
}

/* ======================= data skipping ======================= */

static void test_stats_skipping(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("sql_skip"));
    char a40[64], c40[64], cz[128];
    memset(a40, 'a', 40);
    a40[40] = 0;
    memset(c40, 'c', 40);
    c40[40] = 0;
    snprintf(cz, sizeof cz, "%szzz", c40);
    char sel[4096];
    /* f0: strings 'aaa...a' (40 chars); Spark-style truncated stats: 32-char prefix min, prefix +
     * U+007F max */
    snprintf(sel, sizeof sel, "SELECT range AS id, '%s' AS s, range::BIGINT AS n FROM range(10)", a40);
    long s0 = ds_copy(root, "f0.parquet", sel, "");
    /* f1: 'c'*40 + 'zzz', with a max truncated WITHOUT a tie-breaker (not an upper bound) */
    snprintf(sel, sizeof sel, "SELECT range + 10 AS id, '%s' AS s, NULL::BIGINT AS n FROM range(10)", cz);
    long s1 = ds_copy(root, "f1.parquet", sel, "");
    /* f2: no stats at all */
    long s2 = ds_copy(root, "f2.parquet", "SELECT range + 20 AS id, 'm' AS s, 5::BIGINT AS n FROM range(10)", "");
    char st0[1024], st1[1024];
    char minp[40], maxp[64];
    memset(minp, 'a', 32);
    minp[32] = 0;
    snprintf(maxp, sizeof maxp, "%s\\u007f", minp);
    snprintf(st0, sizeof st0,
             "\"stats\":\"{\\\"numRecords\\\":10,\\\"minValues\\\":{\\\"id\\\":0,\\\"s\\\":\\\"%s\\\",\\\"n\\\":0},"
             "\\\"maxValues\\\":{\\\"id\\\":9,\\\"s\\\":\\\"%s\\\",\\\"n\\\":9},\\\"nullCount\\\":{\\\"id\\\":0,\\\"s\\\":0,\\\"n\\\":0}}\"",
             minp, maxp);
    snprintf(st1, sizeof st1,
             "\"stats\":\"{\\\"numRecords\\\":10,\\\"minValues\\\":{\\\"id\\\":10,\\\"s\\\":\\\"%.32s\\\"},"
             "\\\"maxValues\\\":{\\\"id\\\":19,\\\"s\\\":\\\"%s\\\"},\\\"nullCount\\\":{\\\"id\\\":0,\\\"s\\\":0,\\\"n\\\":10}}\"",
             c40, c40);
    const char *schema = "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
                         "{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
                         "{\"name\":\"n\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}";
    char a0[8192], a1[8192], a2[8192];
    snprintf(a0, sizeof a0, "%s", dt_add("f0.parquet", s0, NULL, st0));
    snprintf(a1, sizeof a1, "%s", dt_add("f1.parquet", s1, NULL, st1));
    snprintf(a2, sizeof a2, "%s", dt_add("f2.parquet", s2, NULL, NULL));
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(schema, NULL, NULL), a0, a1, a2, NULL));
    struct {
        const char *where;
        long after_stats;  /* files surviving the statistics */
        const char *count; /* rows matching */
    } cases[] = {
        {"id = 5", 2, "1"},             /* f0 + f2 (no stats) */
        {"id > 100", 1, "0"},           /* only f2 */
        {"id IN (3, 15)", 3, "2"},
        {"id IN (30, 40)", 1, "0"},
        {"n IS NULL", 2, "10"},         /* f0 has nullCount 0 */
        {"n IS NOT NULL", 2, "20"},     /* f1 is all NULL */
        {"n = 5", 2, "11"},             /* f1 all NULL, f0 range 0..9, f2 all 5 */
        {"s = 'b'", 1, "0"},            /* f0's max (prefix + U+007F) < 'b'; f1's min > 'b' */
        {"s < 'b'", 2, "10"},
        {"s > 'd'", 2, "10"},           /* f1's max has no tie-breaker: f1 must be read */
        {NULL, 0, NULL},
    };
    for (int i = 0; cases[i].where; i++) {
        char q[4096];
        snprintf(q, sizeof q, "SELECT * FROM '%s' WHERE %s", root, cases[i].where);
        long t, p, st;
        explain_files(q, &t, &p, &st);
        CHECK_EQ_INT(t, 3);
        if (st != cases[i].after_stats)
            fprintf(stderr, "case %s: %ld files after stats, expected %ld\n", cases[i].where, st, cases[i].after_stats);
        CHECK_EQ_INT(st, cases[i].after_stats);
        DS_EXPECT(cases[i].count, "SELECT count(*) FROM '%s' WHERE %s", root, cases[i].where);
    }
    /* the file with a bare truncated max really holds larger values: reading it matters */
    DS_EXPECT("20", "SELECT count(*) FROM '%s' WHERE s > '%s'", root, c40);
    char q[4096];
    snprintf(q, sizeof q, "SELECT * FROM '%s' WHERE s > '%s'", root, c40);
    long t, p, st;
    explain_files(q, &t, &p, &st);
    CHECK_EQ_INT(st, 2); /* f0 skipped (its max is a true upper bound), f1 and f2 read */
}

/* ======================= time travel ======================= */

static void test_time_travel(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("sql_tt"));
    for (int v = 0; v < 3; v++) {
        char rel[64], sel[256];
        snprintf(rel, sizeof rel, "f%d.parquet", v);
        snprintf(sel, sizeof sel, "SELECT range + %d AS a, 'x' AS b FROM range(%d)", v * 100, v + 1);
        long sz = ds_copy(root, rel, sel, "");
        if (v == 0)
            dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add(rel, sz, NULL, NULL), NULL));
        else
            dt_commit(root, v, dt_add(rel, sz, NULL, NULL));
    }
    dt_commit_mtime(root, 0, 1704067200000LL); /* 2024-01-01 00:00:00 */
    dt_commit_mtime(root, 1, 1704153600000LL); /* 2024-01-02 */
    dt_commit_mtime(root, 2, 1704240000000LL); /* 2024-01-03 */
    DS_EXPECT("1", "SELECT count(*) FROM '%s' VERSION AS OF 0", root);
    DS_EXPECT("3", "SELECT count(*) FROM '%s' FOR VERSION AS OF 1", root);
    DS_EXPECT("6", "SELECT count(*) FROM '%s'", root);
    DS_EXPECT("3", "SELECT count(*) FROM delta_scan('%s', version => 1)", root);
    DS_EXPECT("3", "SELECT count(*) FROM delta_scan('%s', version := 1)", root);
    DS_EXPECT("1", "SELECT count(*) FROM '%s' TIMESTAMP AS OF '2024-01-01 00:00:00'", root);
    DS_EXPECT("1", "SELECT count(*) FROM '%s' TIMESTAMP AS OF '2024-01-01 23:59:59.999'", root);
    DS_EXPECT("3", "SELECT count(*) FROM '%s' TIMESTAMP AS OF TIMESTAMP '2024-01-02 00:00:00'", root);
    DS_EXPECT("3", "SELECT count(*) FROM delta_scan('%s', timestamp => '2024-01-02 12:00:00')", root);
    DS_EXPECT("6", "SELECT count(*) FROM '%s' TIMESTAMP AS OF '2024-01-03 00:00:00+00'", root);
    DS_EXPECT("100|101", "SELECT min(t.a), max(t.a) FROM '%s' VERSION AS OF 1 AS t WHERE t.a >= 100", root);
    DS_EXPECT_ERROR(TARN_NOTFOUND, "before the earliest", "SELECT * FROM '%s' TIMESTAMP AS OF '2023-12-31 23:59:59'",
                    root);
    DS_EXPECT_ERROR(TARN_NOTFOUND, "", "SELECT * FROM '%s' VERSION AS OF 7", root);
    DS_EXPECT_ERROR(TARN_ERROR, "negative", "SELECT * FROM '%s' VERSION AS OF -1", root);
    DS_EXPECT_ERROR(TARN_ERROR, "integer version", "SELECT * FROM '%s' VERSION AS OF 'abc'", root);
    DS_EXPECT_ERROR(TARN_ERROR, "only one", "SELECT * FROM delta_scan('%s', version => 1) VERSION AS OF 0", root);
    DS_EXPECT_ERROR(TARN_ERROR, "delta_scan has no option", "SELECT * FROM delta_scan('%s', versoin => 1)", root);
    char pq[4096];
    snprintf(pq, sizeof pq, "%s/f0.parquet", root);
    DS_EXPECT_ERROR(TARN_NOTFOUND, "not a Delta table", "SELECT * FROM '%s' VERSION AS OF 0", pq);
    DS_EXPECT_ERROR(TARN_ERROR, "only supported on Delta tables", "SELECT * FROM range(3) VERSION AS OF 0");

    /* in-commit timestamps: the file times are ignored from the enablement version on */
    char r2[2048];
    snprintf(r2, sizeof r2, "%s", dt_table("sql_ict"));
    const char *proto = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":7,\"writerFeatures\":[\"inCommitTimestamp\"]}}\n";
    const char *conf = "{\"delta.enableInCommitTimestamps\":\"true\",\"delta.inCommitTimestampEnablementVersion\":\"0\","
                       "\"delta.inCommitTimestampEnablementTimestamp\":\"1000000\"}";
    for (int v = 0; v < 3; v++) {
        char rel[64], sel[256], info[256];
        snprintf(rel, sizeof rel, "f%d.parquet", v);
        snprintf(sel, sizeof sel, "SELECT range AS a, 'y' AS b FROM range(%d)", v + 1);
        long sz = ds_copy(r2, rel, sel, "");
        snprintf(info, sizeof info, "{\"commitInfo\":{\"inCommitTimestamp\":%lld,\"timestamp\":5,\"operation\":\"WRITE\"}}\n",
                 1000000LL + v * 1000);
        if (v == 0)
            dt_commit(r2, 0, dt_cat(info, proto, dt_meta(DT_SCHEMA_AB, NULL, conf), dt_add(rel, sz, NULL, NULL), NULL));
        else
            dt_commit(r2, v, dt_cat(info, dt_add(rel, sz, NULL, NULL), NULL));
        dt_commit_mtime(r2, v, 9000000000000LL - v * 1000); /* decreasing file times: must not matter */
    }
    DS_EXPECT("3", "SELECT count(*) FROM '%s' TIMESTAMP AS OF TIMESTAMP '1970-01-01 00:16:41.5'", r2); /* 1001500 ms */
    DS_EXPECT("1", "SELECT count(*) FROM '%s' TIMESTAMP AS OF TIMESTAMP '1970-01-01 00:16:40'", r2);
    DS_EXPECT("1970-01-01 00:16:42+00|2\n1970-01-01 00:16:41+00|1\n1970-01-01 00:16:40+00|0",
              "SELECT timestamp, version FROM delta_history('%s')", r2);
}

/* ======================= DESCRIBE HISTORY / DETAIL ======================= */

static void test_history_detail(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("sql_hist"));
    long s0 = ds_copy(root, "k=1/f0.parquet", "SELECT range AS a FROM range(3)", "");
    long s1 = ds_copy(root, "k=2/f1.parquet", "SELECT range AS a FROM range(4)", "");
    const char *schema = "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
                         "{\"name\":\"k\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}}]}";
    const char *ci0 = "{\"commitInfo\":{\"timestamp\":1700000000000,\"userId\":\"u1\",\"userName\":\"alice\","
                      "\"operation\":\"WRITE\",\"operationParameters\":{\"mode\":\"Append\",\"partitionBy\":\"[\\\"k\\\"]\"},"
                      "\"isolationLevel\":\"Serializable\",\"isBlindAppend\":true,"
                      "\"operationMetrics\":{\"numFiles\":\"1\",\"numOutputRows\":\"3\"},\"engineInfo\":\"test/1.0\","
                      "\"userMetadata\":\"first\",\"job\":{\"jobId\":\"7\"}}}\n";
    const char *ci1 = "{\"commitInfo\":{\"timestamp\":1700000001000,\"operation\":\"WRITE\",\"readVersion\":0,"
                      "\"operationParameters\":{\"mode\":\"Append\"},\"isBlindAppend\":false}}\n";
    char a0[4096], a1[4096];
    snprintf(a0, sizeof a0, "%s", dt_add("k=1/f0.parquet", s0, "{\"k\":\"1\"}", NULL));
    snprintf(a1, sizeof a1, "%s", dt_add("k=2/f1.parquet", s1, "{\"k\":\"2\"}", NULL));
    dt_commit(root, 0,
              dt_cat(ci0, DT_PROTO, dt_meta(schema, "[\"k\"]", "{\"delta.appendOnly\":\"false\"}"), a0, NULL));
    dt_commit(root, 1, dt_cat(ci1, a1, NULL));
    dt_commit(root, 2, dt_meta(schema, "[\"k\"]", "{\"delta.appendOnly\":\"true\",\"foo\":\"bar\"}")); /* no commitInfo */
    dt_commit_mtime(root, 0, 1700000000000LL);
    dt_commit_mtime(root, 1, 1700000001000LL);
    dt_commit_mtime(root, 2, 1700000002000LL);
    DS_EXPECT("2|NULL|NULL|NULL\n1|WRITE|Append|0\n0|WRITE|Append|NULL",
              "SELECT version, operation, operationParameters['mode'], readVersion FROM delta_history('%s')", root);
    char *h = ds_queryf("DESCRIBE HISTORY '%s'", root);
    CHECK(h && strncmp(h, "2|2023-11-14 22:13:22+00|NULL", 29) == 0);
    free(h);
    DS_EXPECT("0|u1|alice|[\"k\"]|Serializable|true|3|first|test/1.0|{\"jobId\":\"7\"}",
              "SELECT version, userId, userName, operationParameters['partitionBy'], isolationLevel, isBlindAppend, "
              "operationMetrics['numOutputRows'], userMetadata, engineInfo, job FROM delta_history('%s') WHERE version = 0",
              root);
    h = ds_queryf("DESCRIBE HISTORY '%s' LIMIT 1", root);
    CHECK(h && h[0] == '2' && !strchr(h, '\n'));
    free(h);
    char want[4096];
    snprintf(want, sizeof want, "delta|test-id|%s|[k]|2|%ld|1|2|[appendOnly, invariants]|true|bar", root, s0 + s1);
    DS_EXPECT(want,
              "SELECT format, id, location, partitionColumns, numFiles, sizeInBytes, minReaderVersion, minWriterVersion, "
              "tableFeatures, properties['delta.appendOnly'], properties['foo'] FROM delta_detail('%s')",
              root);
    h = ds_queryf("DESCRIBE DETAIL '%s'", root);
    CHECK(h && strncmp(h, "delta|test-id|", 14) == 0);
    free(h);
    DS_EXPECT_ERROR(TARN_NOTFOUND, "not a Delta table", "DESCRIBE HISTORY '%s/k=1'", root);
    /* a table named history is still DESCRIBE-able as a source name */
    DS_EXPECT_ERROR(TARN_NOTFOUND, "history", "DESCRIBE history");
}

/* ======================= hostile logs ======================= */

static void test_hostile_logs(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("sql_hostile"));
    long s0 = ds_copy(root, "f0.parquet", "SELECT range AS a, 'x' AS b FROM range(3)", "");
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("f0.parquet", s0, NULL, NULL), NULL));
    DS_EXPECT("3", "SELECT count(*) FROM '%s'", root);
    /* truncated JSON in a commit */
    dt_commit(root, 1, "{\"add\":{\"path\":\"f1.parquet\",\"partitionValues\":{},\"si");
    DS_EXPECT_ERROR(TARN_CORRUPT, "00000000000000000001.json", "SELECT count(*) FROM '%s'", root);
    /* path traversal */
    dt_commit(root, 1, dt_add("../../etc/passwd", 100, NULL, NULL));
    DS_EXPECT_ERROR(TARN_CORRUPT, "..", "SELECT count(*) FROM '%s'", root);
    dt_commit(root, 1, dt_add("file:///etc/passwd", 100, NULL, NULL));
    DS_EXPECT_ERROR(TARN_NOTSUP, "outside the table", "SELECT count(*) FROM '%s'", root);
    /* absurd sizes and counts are not trusted: the data file decides */
    dt_commit(root, 1,
              dt_add("f0.parquet", 9000000000000000000LL, NULL,
                     "\"stats\":\"{\\\"numRecords\\\":99999999999999999999999,\\\"minValues\\\":{\\\"a\\\":1e308}}\""));
    DS_EXPECT("3", "SELECT count(*) FROM '%s' WHERE a >= 0", root);
    /* a data file that is not Parquet, and one that is missing */
    dt_put(root, "junk.parquet", "this is not a parquet file at all, just text");
    dt_commit(root, 2, dt_add("junk.parquet", 44, NULL, NULL));
    DS_EXPECT_ERROR(TARN_CORRUPT, "junk.parquet", "SELECT * FROM '%s'", root);
    dt_commit(root, 2, dt_add("missing.parquet", 44, NULL, NULL));
    DS_EXPECT_ERROR(TARN_NOTFOUND, "missing.parquet", "SELECT * FROM '%s'", root);
    DS_EXPECT("3", "SELECT count(*) FROM '%s' VERSION AS OF 1", root);
    /* bad partition value */
    char r2[2048];
    snprintf(r2, sizeof r2, "%s", dt_table("sql_hostile_pv"));
    long s1 = ds_copy(r2, "f0.parquet", "SELECT range AS a FROM range(3)", "");
    const char *schema = "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
                         "{\"name\":\"k\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}}]}";
    dt_commit(r2, 0, dt_cat(DT_PROTO, dt_meta(schema, "[\"k\"]", NULL), dt_add("f0.parquet", s1, "{\"k\":\"abc\"}", NULL), NULL));
    DS_EXPECT_ERROR(TARN_CORRUPT, "abc", "SELECT * FROM '%s'", r2);
    /* a deeply nested schema is refused, not recursed into */
    char r3[2048];
    snprintf(r3, sizeof r3, "%s", dt_table("sql_hostile_deep"));
    static char deep[65536];
    size_t n = 0;
    n += (size_t)snprintf(deep + n, sizeof deep - n, "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":");
    for (int i = 0; i < 2000 && n < sizeof deep - 200; i++)
        n += (size_t)snprintf(deep + n, sizeof deep - n, "{\"type\":\"array\",\"containsNull\":true,\"elementType\":");
    n += (size_t)snprintf(deep + n, sizeof deep - n, "\"long\"");
    for (int i = 0; i < 2000 && n < sizeof deep - 20; i++)
        n += (size_t)snprintf(deep + n, sizeof deep - n, "}");
    snprintf(deep + n, sizeof deep - n, ",\"nullable\":true,\"metadata\":{}}]}");
    dt_commit(r3, 0, dt_cat(DT_PROTO, dt_meta(deep, NULL, NULL), NULL));
    char m[2048];
    CHECK(ds_error(m, sizeof m, "SELECT * FROM '%s'", r3) != TARN_OK);
    CHECK(m[0] != 0);
    /* an empty _delta_log */
    char r4[2048];
    snprintf(r4, sizeof r4, "%s", dt_table("sql_hostile_empty"));
    CHECK(ds_error(m, sizeof m, "SELECT * FROM '%s'", r4) != TARN_OK);
    CHECK(strstr(m, "sql_hostile_empty") != NULL);
    /* table_changes / history arguments */
    DS_EXPECT_ERROR(TARN_ERROR, "start_version", "SELECT * FROM table_changes('%s')", root);
    DS_EXPECT_ERROR(TARN_ERROR, "string literal", "SELECT * FROM delta_scan(42)");
}

TEST_MAIN(ds_open, test_deletion_vectors, test_column_mapping_name, test_column_mapping_id, test_timestamp_ntz_and_widening,
          test_stats_skipping, test_time_travel, test_history_detail, test_hostile_logs, ds_close)
