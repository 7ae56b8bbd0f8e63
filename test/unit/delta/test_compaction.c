/*
 * test_compaction.c -- log compaction files (PROTOCOL.md "Log Compaction Files"): a file
 * X.Y.compacted.json holding the reconciled actions of commits X..Y replaces those commits during
 * replay when the range lies inside (checkpoint, target]; the result equals replaying the commits;
 * the commit timestamp and in-commit timestamp of the target still come from its own commit; an
 * unusable compaction file (malformed) is skipped with a note, never an error; time travel to a
 * version inside a range reads commits.
 */
#include "delta_testutil.h"

static const char *compaction_rel(int64_t from, int64_t to)
{
    static char rel[96];
    snprintf(rel, sizeof rel, "_delta_log/%020lld.%020lld.compacted.json", (long long)from, (long long)to);
    return rel;
}

/* v0: a, b; v1: -a, +c; v2: +d, txn; v3: -c, +e, domain; v4: +f (commitInfo with ICT 7777) */
static void write_table(const char *root)
{
    char c[5][8192];
    snprintf(c[0], sizeof c[0], "%s%s", DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL));
    strcat(c[0], dt_add("a.parquet", 10, NULL, NULL));
    strcat(c[0], dt_add("b.parquet", 20, NULL, NULL));
    snprintf(c[1], sizeof c[1], "%s", dt_remove("a.parquet", NULL));
    strcat(c[1], dt_add("c.parquet", 30, NULL, NULL));
    snprintf(c[2], sizeof c[2], "%s", dt_add("d.parquet", 40, NULL, NULL));
    strcat(c[2], "{\"txn\":{\"appId\":\"app\",\"version\":3}}\n");
    snprintf(c[3], sizeof c[3], "%s", dt_remove("c.parquet", NULL));
    strcat(c[3], dt_add("e.parquet", 50, NULL, NULL));
    strcat(c[3], "{\"domainMetadata\":{\"domain\":\"dom\",\"configuration\":\"{}\",\"removed\":false}}\n");
    snprintf(c[4], sizeof c[4], "{\"commitInfo\":{\"inCommitTimestamp\":7777,\"timestamp\":7777}}\n");
    strcat(c[4], dt_add("f.parquet", 60, NULL, NULL));
    for (int v = 0; v < 5; v++)
        dt_commit(root, v, c[v]);
}

/* The reconciled actions of commits 1..3 (what a writer puts in 1.3.compacted.json). */
static const char *compacted_1_3(const char *extra_add)
{
    static char buf[16384];
    snprintf(buf, sizeof buf, "%s", dt_remove("a.parquet", NULL));
    strcat(buf, dt_remove("c.parquet", NULL));
    strcat(buf, dt_add("d.parquet", 40, NULL, NULL));
    strcat(buf, dt_add("e.parquet", 50, NULL, NULL));
    if (extra_add)
        strcat(buf, dt_add(extra_add, 1, NULL, NULL));
    strcat(buf, "{\"txn\":{\"appId\":\"app\",\"version\":3}}\n");
    strcat(buf, "{\"domainMetadata\":{\"domain\":\"dom\",\"configuration\":\"{}\",\"removed\":false}}\n");
    return buf;
}

static void check_files(const dlt_snapshot *s, const char *const *want, uint32_t n)
{
    CHECK_EQ_INT(s->nfiles, n);
    for (uint32_t i = 0; i < n; i++)
        if (dt_find_file(s, want[i]) < 0) {
            fprintf(stderr, "missing live file %s\n", want[i]);
            CHECK(0);
        }
}

static void test_equivalent(void)
{
    const char *root = dt_table("compaction_eq");
    write_table(root);
    dlt_snapshot *plain = NULL, *s = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &plain, &err), TN_OK);
    dt_put(root, compaction_rel(1, 3), compacted_1_3(NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (!plain || !s)
        goto done;
    CHECK_EQ_INT(plain->compactions_used, 0);
    CHECK_EQ_INT(s->compactions_used, 1);
    const char *want[] = {"b.parquet", "d.parquet", "e.parquet", "f.parquet"};
    check_files(plain, want, 4);
    check_files(s, want, 4);
    CHECK(dlt_snapshot_find_txn(s, "app") && dlt_snapshot_find_txn(s, "app")->version == 3);
    CHECK(dlt_snapshot_find_domain(s, "dom") != NULL);
    CHECK_EQ_INT(s->timestamp_ms, 7777);
    CHECK_EQ_INT(plain->timestamp_ms, 7777);
    CHECK(s->checkpoint_note == NULL);
done:
    dlt_snapshot_unref(plain);
    dlt_snapshot_unref(s);
}

/* A compaction file whose content differs from its commits shows it is what replay read; ranges
 * that end after the target version, or start at or before the checkpoint, are not used. */
static void test_used_only_inside_range(void)
{
    const char *root = dt_table("compaction_used");
    write_table(root);
    dt_put(root, compaction_rel(1, 3), compacted_1_3("marker.parquet"));
    dt_put(root, compaction_rel(1, 9), compacted_1_3("beyond.parquet")); /* ends after the latest */
    dlt_snapshot *s = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->compactions_used, 1);
        CHECK(dt_find_file(s, "marker.parquet") >= 0);
        CHECK(dt_find_file(s, "beyond.parquet") < 0);
        dlt_snapshot_unref(s);
    }
    CHECK_EQ_INT(dt_load(root, 3, &s, &err), TN_OK); /* the range ends exactly at the target */
    if (s) {
        CHECK_EQ_INT(s->compactions_used, 1);
        CHECK(dt_find_file(s, "marker.parquet") >= 0);
        CHECK(dt_find_file(s, "f.parquet") < 0);
        dlt_snapshot_unref(s);
    }
    CHECK_EQ_INT(dt_load(root, 2, &s, &err), TN_OK); /* inside the range: commits */
    if (s) {
        CHECK_EQ_INT(s->compactions_used, 0);
        CHECK(dt_find_file(s, "marker.parquet") < 0);
        CHECK(dt_find_file(s, "c.parquet") >= 0);
        dlt_snapshot_unref(s);
    }
    /* a wider range from the same start wins when it fits */
    dt_put(root, compaction_rel(1, 4), dt_cat(compacted_1_3("wide.parquet"), dt_add("f.parquet", 60, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->compactions_used, 1);
        CHECK(dt_find_file(s, "wide.parquet") >= 0);
        CHECK(dt_find_file(s, "marker.parquet") < 0);
        /* the target's in-commit timestamp still comes from commit 4 itself */
        CHECK_EQ_INT(s->timestamp_ms, 7777);
        dlt_snapshot_unref(s);
    }
}

static void test_malformed_is_skipped(void)
{
    const char *root = dt_table("compaction_bad");
    write_table(root);
    dt_put(root, compaction_rel(1, 3), "{\"add\":{\"path\":\"trunc");
    dlt_snapshot *s = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->compactions_used, 0);
        const char *want[] = {"b.parquet", "d.parquet", "e.parquet", "f.parquet"};
        check_files(s, want, 4);
        CHECK(s->checkpoint_note && strstr(s->checkpoint_note, "log compaction file") != NULL);
        dlt_snapshot_unref(s);
    } else {
        fprintf(stderr, "%s\n", err.msg);
    }
    /* a compaction that leaves the snapshot without metaData (replay fails) is also skipped */
    const char *root2 = dt_table("compaction_nometa");
    dt_commit(root2, 0, DT_PROTO);
    dt_commit(root2, 1, dt_meta(DT_SCHEMA_AB, NULL, NULL));
    dt_commit(root2, 2, dt_add("a.parquet", 1, NULL, NULL));
    dt_put(root2, compaction_rel(1, 2), dt_add("a.parquet", 1, NULL, NULL));
    CHECK_EQ_INT(dt_load(root2, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->compactions_used, 0);
        CHECK_EQ_INT(s->nfiles, 1);
        dlt_snapshot_unref(s);
    }
    /* names that only look like compaction files are ignored (end before start, bad digits) */
    const char *root3 = dt_table("compaction_names");
    write_table(root3);
    dt_put(root3, "_delta_log/00000000000000000003.00000000000000000001.compacted.json", compacted_1_3("x.parquet"));
    dt_put(root3, "_delta_log/00000000000000000001.0000000000000000000x.compacted.json", compacted_1_3("x.parquet"));
    CHECK_EQ_INT(dt_load(root3, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->compactions_used, 0);
        CHECK(dt_find_file(s, "x.parquet") < 0);
        dlt_snapshot_unref(s);
    }
}

/* With a checkpoint at v2, only a range starting after it applies. */
static void test_after_checkpoint(void)
{
    const char *root = dt_table("compaction_ckpt");
    write_table(root);
    /* a JSON V2 checkpoint at version 2 holding the state b, c, d */
    char name[128];
    snprintf(name, sizeof name, "_delta_log/%020lld.checkpoint.0b6f0e3a-1111-4222-8333-944455556666.json", 2LL);
    char cp[16384];
    snprintf(cp, sizeof cp, "{\"checkpointMetadata\":{\"version\":2}}\n%s%s", DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL));
    strcat(cp, dt_add("b.parquet", 20, NULL, NULL));
    strcat(cp, dt_add("c.parquet", 30, NULL, NULL));
    strcat(cp, dt_add("d.parquet", 40, NULL, NULL));
    dt_put(root, name, cp);
    dt_put(root, compaction_rel(1, 3), compacted_1_3("early.parquet"));
    char c34[8192]; /* dt_add returns one static buffer: build piecewise */
    snprintf(c34, sizeof c34, "%s", dt_remove("c.parquet", NULL));
    strcat(c34, dt_add("e.parquet", 50, NULL, NULL));
    strcat(c34, dt_add("late.parquet", 1, NULL, NULL));
    strcat(c34, dt_add("f.parquet", 60, NULL, NULL));
    dt_put(root, compaction_rel(3, 4), c34);
    dlt_snapshot *s = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->checkpoint_version, 2);
        CHECK_EQ_INT(s->compactions_used, 1);
        CHECK(dt_find_file(s, "late.parquet") >= 0);
        CHECK(dt_find_file(s, "early.parquet") < 0);
        CHECK(dt_find_file(s, "c.parquet") < 0);
        dlt_snapshot_unref(s);
    } else {
        fprintf(stderr, "%s\n", err.msg);
    }
}

TEST_MAIN(test_equivalent, test_used_only_inside_range, test_malformed_is_skipped, test_after_checkpoint)
