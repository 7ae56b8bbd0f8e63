/*
 * test_delta_count.c -- COUNT(*) over Delta tables answered from add.stats numRecords: files whose
 * add has numRecords are counted without being opened (numRecords minus the deletion vector's
 * cardinality), files without it are opened and counted from their row groups; queries that need
 * columns or filters read the data; a DV cardinality above numRecords is an error; with stats use
 * disabled every file is read. Expected counts come from the rows the test writes.
 */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "delta_sql_util.h"
#include "exec/scan_delta.h"

static const char *g_schema = "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,"
                              "\"metadata\":{}},{\"name\":\"g\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}";

/* COUNT(*) through the scan operator alone (no columns, no predicates); stats out. */
static long long op_count(const char *root, unsigned prune, ex_delta_scan_stats *out)
{
    ex_delta_source *src = NULL;
    tn_err err = TN_ERR_INIT;
    long long rows = -1;
    memset(out, 0, sizeof *out);
    if (ex_delta_source_open(vfs_default(), root, NULL, &src, &err) != TN_OK) {
        fprintf(stderr, "open: %s\n", err.msg);
        return -1;
    }
    ex_op *op = op_scan_delta_create(src, NULL, 0, NULL, 0);
    if (op) {
        op_scan_delta_set_pruning(op, prune);
        tn_chunk *ch;
        int rc;
        rows = 0;
        while ((rc = ex_op_next(op, &ch, &err)) == TN_OK && ch) {
            CHECK(tn_chunk_rows(ch) > 0 && tn_chunk_rows(ch) <= TN_BATCH);
            rows += tn_chunk_rows(ch);
        }
        if (rc) {
            fprintf(stderr, "scan: %s\n", err.msg);
            rows = -1;
        }
        *out = *op_scan_delta_stats(op);
        ex_op_free(op);
    }
    ex_delta_source_free(src);
    return rows;
}

static void test_count_from_stats(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("count_stats"));
    long s0 = ds_copy(root, "p0.parquet", "SELECT range AS id, range % 10 AS g FROM range(5000)", "");
    long s1 = ds_copy(root, "p1.parquet", "SELECT range AS id, range % 10 AS g FROM range(100)", "");
    long s2 = ds_copy(root, "p2.parquet", "SELECT range AS id, range % 10 AS g FROM range(50)", "");
    uint32_t del[] = {1, 2, 3, 4000, 4999};
    size_t szd;
    ds_dv_file(root, "dv0.bin", del, 5, &szd);
    char x0[1024], a0[8192], a1[8192], a2[8192];
    snprintf(x0, sizeof x0,
             "\"stats\":\"{\\\"numRecords\\\":5000}\",\"deletionVector\":{\"storageType\":\"p\",\"pathOrInlineDv\":"
             "\"file://%s/dv0.bin\",\"offset\":1,\"sizeInBytes\":%zu,\"cardinality\":5}", root, szd);
    snprintf(a0, sizeof a0, "%s", dt_add("p0.parquet", s0, NULL, x0));
    snprintf(a1, sizeof a1, "%s", dt_add("p1.parquet", s1, NULL, NULL)); /* no stats: read */
    snprintf(a2, sizeof a2, "%s", dt_add("p2.parquet", s2, NULL, "\"stats\":\"{\\\"numRecords\\\":50,\\\"minValues\\\":{}}\""));
    dt_commit(root, 0, dt_cat(DS_PROTO_DV, dt_meta(g_schema, NULL, NULL), a0, a1, a2, NULL));

    long long want = 5000 - 5 + 100 + 50;
    ex_delta_scan_stats st;
    CHECK_EQ_INT(op_count(root, EX_PRUNE_STATS | EX_PRUNE_PAGES, &st), want);
    CHECK_EQ_INT(st.files_counted, 2);
    CHECK_EQ_INT(st.files_read, 1);
    CHECK_EQ_INT(st.dvs_loaded, 0);
    CHECK_EQ_INT(st.rows_deleted, 5);
    /* without stats use every file is opened and the DV loaded: same answer */
    CHECK_EQ_INT(op_count(root, 0, &st), want);
    CHECK_EQ_INT(st.files_counted, 0);
    CHECK_EQ_INT(st.files_read, 3);
    CHECK_EQ_INT(st.dvs_loaded, 1);
    char w[64];
    snprintf(w, sizeof w, "%lld", want);
    DS_EXPECT(w, "SELECT count(*) FROM '%s'", root);
    DS_EXPECT(w, "SELECT count(*) FROM delta_scan('%s')", root);
    /* queries that need rows still read them */
    /* id >= 4: p0 loses 4000 and 4999 to its DV (4994), p1 96, p2 46 */
    DS_EXPECT("5136", "SELECT count(*) FROM '%s' WHERE id >= 4", root);
    /* 1..5: p0 keeps 4 and 5, p1 and p2 all five */
    DS_EXPECT("12", "SELECT count(id) FROM '%s' WHERE id BETWEEN 1 AND 5", root);

    /* numRecords is what the count uses: a log whose stats disagree with the file shows it (and
     * disabling stats use reads the file's own row count) */
    dt_commit(root, 1, dt_cat(dt_remove("p2.parquet", NULL),
                              dt_add("p2.parquet", s2, NULL, "\"stats\":\"{\\\"numRecords\\\":7}\""), NULL));
    CHECK_EQ_INT(op_count(root, EX_PRUNE_STATS, &st), 5000 - 5 + 100 + 7);
    CHECK_EQ_INT(op_count(root, 0, &st), want);

    /* an absurd numRecords is not trusted: the file is opened and counted (no 10^15 batches) */
    dt_commit(root, 2, dt_cat(dt_remove("p2.parquet", NULL),
                              dt_add("p2.parquet", s2, NULL, "\"stats\":\"{\\\"numRecords\\\":900000000000000000}\""), NULL));
    CHECK_EQ_INT(op_count(root, EX_PRUNE_STATS, &st), want);
    CHECK_EQ_INT(st.files_counted, 1);
    CHECK_EQ_INT(st.files_read, 2);
    DS_EXPECT(w, "SELECT count(*) FROM '%s'", root);

    /* a DV deleting more rows than numRecords is corrupt */
    char x3[1024], a3[8192];
    snprintf(x3, sizeof x3,
             "\"stats\":\"{\\\"numRecords\\\":4}\",\"deletionVector\":{\"storageType\":\"p\",\"pathOrInlineDv\":"
             "\"file://%s/dv0.bin\",\"offset\":1,\"sizeInBytes\":%zu,\"cardinality\":5}", root, szd);
    long s3 = ds_copy(root, "p3.parquet", "SELECT range AS id, range % 10 AS g FROM range(5000)", "");
    snprintf(a3, sizeof a3, "%s", dt_add("p3.parquet", s3, NULL, x3));
    dt_commit(root, 3, a3);
    DS_EXPECT_ERROR(TARN_CORRUPT, "deletes 5 rows", "SELECT count(*) FROM '%s'", root);
}

static void test_count_partitioned_time_travel(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("count_part"));
    long s0 = ds_copy(root, "k=1/a.parquet", "SELECT range AS id, range % 10 AS g FROM range(300)", "");
    long s1 = ds_copy(root, "k=2/b.parquet", "SELECT range AS id, range % 10 AS g FROM range(200)", "");
    const char *schema = "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,"
                         "\"metadata\":{}},{\"name\":\"g\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
                         "{\"name\":\"k\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}}]}";
    char a0[8192], a1[8192];
    snprintf(a0, sizeof a0, "%s", dt_add("k=1/a.parquet", s0, "{\"k\":\"1\"}", "\"stats\":\"{\\\"numRecords\\\":300}\""));
    snprintf(a1, sizeof a1, "%s", dt_add("k=2/b.parquet", s1, "{\"k\":\"2\"}", "\"stats\":\"{\\\"numRecords\\\":200}\""));
    dt_commit(root, 0, dt_cat(DS_PROTO_DV, dt_meta(schema, "[\"k\"]", NULL), a0, NULL));
    dt_commit(root, 1, a1);
    DS_EXPECT("500", "SELECT count(*) FROM '%s'", root);
    DS_EXPECT("300", "SELECT count(*) FROM '%s' VERSION AS OF 0", root);
    /* a partition filter needs the partition column: still exact */
    DS_EXPECT("200", "SELECT count(*) FROM '%s' WHERE k = 2", root);
    DS_EXPECT("1|300\n2|200", "SELECT k, count(*) FROM '%s' GROUP BY k ORDER BY k", root);
}

/* One connection keeps its snapshots cached: later commits must still be seen (the cached
 * snapshot is brought forward), including removes and time travel back. */
static void test_session_follows_commits(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("count_session"));
    long s0 = ds_copy(root, "a.parquet", "SELECT range AS id, range % 10 AS g FROM range(300)", "");
    long s1 = ds_copy(root, "b.parquet", "SELECT range AS id, range % 10 AS g FROM range(200)", "");
    char a0[8192], a1[8192];
    snprintf(a0, sizeof a0, "%s", dt_add("a.parquet", s0, NULL, "\"stats\":\"{\\\"numRecords\\\":300}\""));
    snprintf(a1, sizeof a1, "%s", dt_add("b.parquet", s1, NULL, NULL));
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(g_schema, NULL, NULL), a0, NULL));
    DS_EXPECT("300", "SELECT count(*) FROM '%s'", root);
    DS_EXPECT("300", "SELECT count(*) FROM '%s'", root);
    dt_commit(root, 1, a1);
    DS_EXPECT("500|64750", "SELECT count(*), sum(id) FROM '%s'", root);
    dt_commit(root, 2, dt_remove("a.parquet", NULL));
    DS_EXPECT("200", "SELECT count(*) FROM '%s'", root);
    DS_EXPECT("300", "SELECT count(*) FROM '%s' VERSION AS OF 0", root);
    DS_EXPECT("200", "SELECT count(*) FROM '%s'", root);
}

TEST_MAIN(ds_open, test_count_from_stats, test_count_partitioned_time_travel, test_session_follows_commits, ds_close)
