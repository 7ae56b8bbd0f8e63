/*
 * test_delta_cdf.c -- the change data feed (table_changes) and checkpoint variants through SQL,
 * with tables built by hand from PROTOCOL.md:
 *  - CDF: inserts from adds, an UPDATE recorded in a _change_data file (whose rows carry
 *    _change_type; the commit's own adds/removes must then be ignored), a whole-file DELETE, a
 *    deletion-vector update (only the newly deleted rows are deletes), an OPTIMIZE-style
 *    dataChange=false rewrite (no changes), the feed being switched off (clear error), version
 *    and timestamp bounds, _commit_timestamp from the commit times, pushdown on the change
 *    columns, and a table that never enabled the feed;
 *  - checkpoints: a V2 checkpoint (UUID-named JSON with checkpointMetadata and a Parquet sidecar
 *    written by COPY) and a classic multi-part Parquet checkpoint (parts written by COPY with the
 *    action structs), each with the commits it covers deleted, so the snapshot can only come
 *    from the checkpoint; versions before it are then unavailable (clear error).
 */
/* Test fixtures build JSON into fixed buffers with snprintf; truncation cannot happen with these
 * inputs and would only make a test fail, so the -O2 truncation warning is silenced here. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "delta_sql_util.h"

#include <unistd.h>

static const char *g_schema_abk =
    "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"b\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"k\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}";

static void test_change_data_feed(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("cdf"));
    const char *conf_on = "{\"delta.enableChangeDataFeed\":\"true\"}";
    const char *proto = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":4}}\n";
    /* v0: insert a = 0..4 into partition k=x */
    long s0 = ds_copy(root, "k=x/f0.parquet", "SELECT range AS a, 'b' || range AS b FROM range(5)", "");
    char a0[4096];
    snprintf(a0, sizeof a0, "%s", dt_add("k=x/f0.parquet", s0, "{\"k\":\"x\"}", NULL));
    dt_commit(root, 0, dt_cat(proto, dt_meta(g_schema_abk, "[\"k\"]", conf_on), a0, NULL));
    /* v1: UPDATE a = 1 -> b = 'new': f0 rewritten as f1, plus a cdc file with pre/post images */
    long s1 = ds_copy(root, "k=x/f1.parquet",
                      "SELECT range AS a, CASE WHEN range = 1 THEN 'new' ELSE 'b' || range END AS b FROM range(5)", "");
    long c1 = ds_copy(root, "_change_data/k=x/cdc1.parquet",
                      "SELECT 1::BIGINT AS a, CASE WHEN range = 0 THEN 'b1' ELSE 'new' END AS b, CASE WHEN range = 0 THEN "
                      "'update_preimage' ELSE 'update_postimage' END AS _change_type FROM range(2)",
                      "");
    char a1[4096], cdc[4096];
    snprintf(a1, sizeof a1, "%s", dt_add("k=x/f1.parquet", s1, "{\"k\":\"x\"}", NULL));
    snprintf(cdc, sizeof cdc,
             "{\"cdc\":{\"path\":\"_change_data/k=x/cdc1.parquet\",\"partitionValues\":{\"k\":\"x\"},\"size\":%ld,"
             "\"dataChange\":false}}\n",
             c1);
    dt_commit(root, 1,
              dt_cat(dt_remove("k=x/f0.parquet", "\"partitionValues\":{\"k\":\"x\"},\"extendedFileMetadata\":true"), a1, cdc,
                     NULL));
    /* v2: DELETE the whole file f1 (the remove carries no partitionValues: taken from v1) */
    dt_commit(root, 2, dt_remove("k=x/f1.parquet", NULL));
    /* v3: insert f2 (a = 10..12) into k=y */
    long s2 = ds_copy(root, "k=y/f2.parquet", "SELECT range + 10 AS a, 'c' || range AS b FROM range(3)", "");
    char a2[4096];
    snprintf(a2, sizeof a2, "%s", dt_add("k=y/f2.parquet", s2, "{\"k\":\"y\"}", NULL));
    dt_commit(root, 3, a2);
    /* v4: DELETE a = 11 with a deletion vector: remove f2 + add f2 with DV {1} */
    uint32_t dvrows[] = {1};
    size_t dvsz;
    ds_dv_file(root, "dv4.bin", dvrows, 1, &dvsz);
    char x4[4096], a4[8192];
    snprintf(x4, sizeof x4,
             "\"deletionVector\":{\"storageType\":\"p\",\"pathOrInlineDv\":\"file://%s/dv4.bin\",\"offset\":1,"
             "\"sizeInBytes\":%zu,\"cardinality\":1}",
             root, dvsz);
    snprintf(a4, sizeof a4, "%s", dt_add("k=y/f2.parquet", s2, "{\"k\":\"y\"}", x4));
    dt_commit(root, 4, dt_cat(DS_PROTO_DV, dt_remove("k=y/f2.parquet", "\"partitionValues\":{\"k\":\"y\"}"), a4, NULL));
    /* v5: OPTIMIZE-style rewrite, dataChange=false: no changes */
    char a5[16384];
    snprintf(a5, sizeof a5,
             "{\"remove\":{\"path\":\"k=y/f2.parquet\",\"dataChange\":false,\"partitionValues\":{\"k\":\"y\"},%s}}\n"
             "{\"add\":{\"path\":\"k=y/f2.parquet\",\"partitionValues\":{\"k\":\"y\"},\"size\":%ld,"
             "\"modificationTime\":1700000000000,\"dataChange\":false,%s}}\n",
             x4, s2, x4);
    dt_commit(root, 5, a5);
    /* v6: the feed switched off (metadata only), v7: an insert that is not recorded */
    dt_commit(root, 6, dt_meta(g_schema_abk, "[\"k\"]", "{\"delta.enableChangeDataFeed\":\"false\"}"));
    long s7 = ds_copy(root, "k=z/f7.parquet", "SELECT 99::BIGINT AS a, 'z' AS b", "");
    dt_commit(root, 7, dt_add("k=z/f7.parquet", s7, "{\"k\":\"z\"}", NULL));
    for (int v = 0; v <= 7; v++)
        dt_commit_mtime(root, v, 1704067200000LL + (int64_t)v * 86400000); /* 2024-01-01 + v days */

    DS_EXPECT("0|b0|x|insert|0\n1|b1|x|insert|0\n2|b2|x|insert|0\n3|b3|x|insert|0\n4|b4|x|insert|0\n"
              "1|b1|x|update_preimage|1\n1|new|x|update_postimage|1\n"
              "0|b0|x|delete|2\n1|new|x|delete|2\n2|b2|x|delete|2\n3|b3|x|delete|2\n4|b4|x|delete|2\n"
              "10|c0|y|insert|3\n11|c1|y|insert|3\n12|c2|y|insert|3\n"
              "11|c1|y|delete|4",
              "SELECT a, b, k, _change_type, _commit_version FROM table_changes('%s', 0, 6) ORDER BY _commit_version, "
              "_change_type DESC, a",
              root);
    DS_EXPECT("2", "SELECT count(*) FROM table_changes('%s', 1, 1)", root);
    DS_EXPECT("0", "SELECT count(*) FROM table_changes('%s', 5, 6)", root);
    DS_EXPECT("1|2024-01-02 00:00:00+00\n3|2024-01-04 00:00:00+00",
              "SELECT DISTINCT _commit_version, _commit_timestamp FROM table_changes('%s', 1, 3) WHERE _commit_version <> 2 "
              "ORDER BY 1",
              root);
    /* timestamp bounds: from 2024-01-03 12:00 (first commit at or after: v3) to 2024-01-05 (v4) */
    DS_EXPECT("3|3\n4|1", "SELECT _commit_version, count(*) FROM table_changes('%s', '2024-01-03 12:00:00', "
              "'2024-01-05 00:00:00') GROUP BY 1 ORDER BY 1", root);
    /* pushdown on per-file constants prunes change files */
    char *e = ds_queryf("EXPLAIN SELECT * FROM table_changes('%s', 0, 6) WHERE _commit_version = 3", root);
    CHECK(e && strstr(e, "files: 5 total, 1 after partition pruning"));
    free(e);
    e = ds_queryf("EXPLAIN SELECT * FROM table_changes('%s', 0, 6) WHERE _change_type = 'insert'", root);
    CHECK(e && strstr(e, "files: 5 total, 3 after partition pruning")); /* the 2 inserts + the cdc file */
    free(e);
    DS_EXPECT("2", "SELECT count(*) FROM table_changes('%s', 0, 6) WHERE _change_type = 'insert' AND k = 'x' AND a < 2",
              root);
    DS_EXPECT_ERROR(TARN_ERROR, "version 7", "SELECT * FROM table_changes('%s', 0)", root);
    DS_EXPECT_ERROR(TARN_ERROR, "not enabled", "SELECT * FROM table_changes('%s', 7, 7)", root);
    DS_EXPECT_ERROR(TARN_ERROR, "after end version", "SELECT * FROM table_changes('%s', 3, 2)", root);
    DS_EXPECT_ERROR(TARN_NOTFOUND, "after the latest", "SELECT * FROM table_changes('%s', 0, 99)", root);
    DS_EXPECT_ERROR(TARN_ERROR, "negative", "SELECT * FROM table_changes('%s', -1, 2)", root);
    /* a cdc file without _change_type */
    long bad = ds_copy(root, "_change_data/bad.parquet", "SELECT 1::BIGINT AS a, 'q' AS b", "");
    char cdcbad[4096];
    snprintf(cdcbad, sizeof cdcbad,
             "{\"cdc\":{\"path\":\"_change_data/bad.parquet\",\"partitionValues\":{\"k\":\"x\"},\"size\":%ld,"
             "\"dataChange\":false}}\n",
             bad);
    dt_commit(root, 8, cdcbad);
    DS_EXPECT_ERROR(TARN_CORRUPT, "_change_type", "SELECT * FROM table_changes('%s', 8, 8)", root);

    /* a table that never enabled the feed */
    char r2[2048];
    snprintf(r2, sizeof r2, "%s", dt_table("cdf_off"));
    long t0 = ds_copy(r2, "f0.parquet", "SELECT range AS a, 'x' AS b FROM range(2)", "");
    dt_commit(r2, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("f0.parquet", t0, NULL, NULL), NULL));
    DS_EXPECT_ERROR(TARN_ERROR, "delta.enableChangeDataFeed", "SELECT * FROM table_changes('%s', 0, 0)", r2);
}

/* ======================= checkpoints ======================= */

static void remove_commit(const char *root, int v)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/_delta_log/%020d.json", root, v);
    CHECK_EQ_INT(unlink(p), 0);
}

/* Three commits of one file each (a = 100 v + i, 2 rows each) in partitions k=v<N>. */
static void three_commits(const char *root, const char *proto, long *sizes)
{
    for (int v = 0; v < 3; v++) {
        char rel[64], sel[256], pv[64], add[4096];
        snprintf(rel, sizeof rel, "k=v%d/f%d.parquet", v, v);
        snprintf(sel, sizeof sel, "SELECT range + %d AS a, 'r' || range AS b FROM range(2)", 100 * v);
        sizes[v] = ds_copy(root, rel, sel, "");
        snprintf(pv, sizeof pv, "{\"k\":\"v%d\"}", v);
        snprintf(add, sizeof add, "%s", dt_add(rel, sizes[v], pv, NULL));
        if (v == 0)
            dt_commit(root, 0, dt_cat(proto, dt_meta(g_schema_abk, "[\"k\"]", NULL), add, NULL));
        else
            dt_commit(root, v, add);
    }
}

static void test_v2_checkpoint(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("cp_v2"));
    const char *proto = "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"v2Checkpoint\"],"
                        "\"writerFeatures\":[\"v2Checkpoint\"]}}\n";
    long sizes[3];
    three_commits(root, proto, sizes);
    /* the checkpoint at v2: f0 in the JSON itself, f1 and f2 in a Parquet sidecar */
    char sel[4096];
    snprintf(sel, sizeof sel,
             "SELECT {'path': 'k=v' || range || '/f' || range || '.parquet', 'partitionValues': MAP {'k': 'v' || range}, "
             "'size': CASE WHEN range = 1 THEN %ld ELSE %ld END, 'modificationTime': 1700000000000, 'dataChange': false} AS "
             "add FROM range(1, 3)",
             sizes[1], sizes[2]);
    long side = ds_copy(root, "_delta_log/_sidecars/00000000000000000002.sidecar.0001.parquet", sel, "");
    char cp[16384], add0[4096];
    snprintf(add0, sizeof add0, "%s", dt_add("k=v0/f0.parquet", sizes[0], "{\"k\":\"v0\"}", NULL));
    snprintf(cp, sizeof cp, "{\"checkpointMetadata\":{\"version\":2}}\n%s%s%s"
             "{\"sidecar\":{\"path\":\"00000000000000000002.sidecar.0001.parquet\",\"sizeInBytes\":%ld,"
             "\"modificationTime\":1700000000000}}\n",
             proto, dt_meta(g_schema_abk, "[\"k\"]", NULL), add0, side);
    dt_put(root, "_delta_log/00000000000000000002.checkpoint.3a0d65cd-4056-49b8-937b-95f9e3ee90e5.json", cp);
    dt_put(root, "_delta_log/_last_checkpoint", "{\"version\":2,\"size\":5}");
    for (int v = 0; v < 3; v++)
        remove_commit(root, v);
    /* v3 after the checkpoint */
    long s3 = ds_copy(root, "k=v3/f3.parquet", "SELECT 300::BIGINT AS a, 'r0' AS b", "");
    dt_commit(root, 3, dt_add("k=v3/f3.parquet", s3, "{\"k\":\"v3\"}", NULL));
    DS_EXPECT("0|r0|v0\n1|r1|v0\n100|r0|v1\n101|r1|v1\n200|r0|v2\n201|r1|v2\n300|r0|v3",
              "SELECT a, b, k FROM '%s' ORDER BY a", root);
    DS_EXPECT("6", "SELECT count(*) FROM '%s' VERSION AS OF 2", root);
    DS_EXPECT_ERROR(TARN_NOTFOUND, "", "SELECT count(*) FROM '%s' VERSION AS OF 1", root);
    DS_EXPECT("2", "SELECT count(*) FROM '%s' WHERE k = 'v1'", root);
    /* a corrupt sidecar reference is an error, not a silently smaller table */
    snprintf(cp, sizeof cp, "{\"checkpointMetadata\":{\"version\":2}}\n%s%s%s"
             "{\"sidecar\":{\"path\":\"../../escape.parquet\",\"sizeInBytes\":1,\"modificationTime\":1}}\n",
             proto, dt_meta(g_schema_abk, "[\"k\"]", NULL), add0);
    dt_put(root, "_delta_log/00000000000000000002.checkpoint.3a0d65cd-4056-49b8-937b-95f9e3ee90e5.json", cp);
    /* a new connection: this one's snapshot cache still holds the state read from the valid
     * checkpoint (Delta never rewrites a checkpoint, so the cache does not look at it again) */
    ds_close();
    ds_open();
    char m[2048];
    CHECK(ds_error(m, sizeof m, "SELECT count(*) FROM '%s'", root) != TARN_OK);
    CHECK(m[0] != 0);
}

static void test_multipart_checkpoint(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("cp_multi"));
    long sizes[3];
    three_commits(root, DT_PROTO, sizes);
    /* part 1: protocol + metaData; part 2: the adds (a missing column means null) */
    json_t *s = json_string(g_schema_abk);
    const char *schema_sql = json_string_value(s);
    static char sql_schema[8192];
    size_t n = 0;
    for (const char *p = schema_sql; *p && n < sizeof sql_schema - 2; p++) { /* SQL-quote */
        if (*p == '\'')
            sql_schema[n++] = '\'';
        sql_schema[n++] = *p;
    }
    sql_schema[n] = 0;
    json_decref(s);
    char sel[16384];
    snprintf(sel, sizeof sel,
             "SELECT {'minReaderVersion': 1, 'minWriterVersion': 2} AS "
             "protocol, {'id': 'test-id', 'format': {'provider': 'parquet'}, 'schemaString': '%s', 'partitionColumns': "
             "['k'], 'configuration': MAP {'x': 'y'}, 'createdTime': 1700000000000} AS metaData FROM range(1)",
             sql_schema);
    long p1 = ds_copy(root, "_delta_log/00000000000000000002.checkpoint.0000000001.0000000002.parquet", sel, "");
    snprintf(sel, sizeof sel,
             "SELECT {'path': 'k=v' || range || '/f' || range || '.parquet', 'partitionValues': MAP {'k': 'v' || range}, "
             "'size': CASE WHEN range = 0 THEN %ld WHEN range = 1 THEN %ld ELSE %ld END, 'modificationTime': "
             "1700000000000, 'dataChange': false} AS add FROM range(3)",
             sizes[0], sizes[1], sizes[2]);
    long p2 = ds_copy(root, "_delta_log/00000000000000000002.checkpoint.0000000002.0000000002.parquet", sel, "");
    CHECK(p1 > 0 && p2 > 0);
    dt_put(root, "_delta_log/_last_checkpoint", "{\"version\":2,\"size\":4,\"parts\":2}");
    for (int v = 0; v < 3; v++)
        remove_commit(root, v);
    DS_EXPECT("6|603|v0,v1,v2", "SELECT count(*), sum(a), min(k) || ',' || 'v1' || ',' || max(k) FROM '%s'", root);
    DS_EXPECT("y", "SELECT properties['x'] FROM delta_detail('%s')", root);
    /* a part missing: the checkpoint is incomplete and the commits are gone */
    char p[4096];
    snprintf(p, sizeof p, "%s/_delta_log/00000000000000000002.checkpoint.0000000002.0000000002.parquet", root);
    CHECK_EQ_INT(unlink(p), 0);
    char m[2048];
    CHECK(ds_error(m, sizeof m, "SELECT count(*) FROM '%s'", root) != TARN_OK);
    CHECK(strstr(m, "cp_multi") != NULL);
}

TEST_MAIN(ds_open, test_change_data_feed, test_v2_checkpoint, test_multipart_checkpoint, ds_close)
