/*
 * test_snapcache.c -- the snapshot cache (delta.h "snapshot cache"): a repeated load returns the
 * cached snapshot; new commits are applied incrementally to it and the result equals a full
 * replay (adds, removes, deletion-vector file keys, metaData and protocol changes, txns, domains,
 * removed domains); time travel to older versions loads in full without evicting the newer entry;
 * a table re-created under the same path (its commit file changed) is reloaded; log cleanup that
 * leaves a gap falls back to a full load; least recently used tables are evicted; timestamp time
 * travel goes through the cache; concurrent loads from several threads agree. Also the parsed
 * per-file stats a snapshot memoizes (dlt_snapshot_file_stats): same values as dlt_file_stats,
 * parsed once, safe under concurrent first use.
 */
#include "delta_testutil.h"

#include <pthread.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is b the same table state as a (files by path + DV id + size, metadata, protocol, txns)? */
static bool same_state(const dlt_snapshot *a, const dlt_snapshot *b)
{
    if (a->version != b->version || a->nfiles != b->nfiles || a->ntxns != b->ntxns || a->ndomains != b->ndomains)
        return false;
    if (strcmp(a->metadata.schema_string, b->metadata.schema_string) != 0 ||
        a->protocol.min_reader_version != b->protocol.min_reader_version ||
        a->metadata.configuration.n != b->metadata.configuration.n || a->timestamp_ms != b->timestamp_ms)
        return false;
    char **ka = calloc(a->nfiles + 1, sizeof *ka), **kb = calloc(a->nfiles + 1, sizeof *kb);
    for (uint64_t i = 0; i < a->nfiles; i++) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s|%s|%lld|%s", a->files[i].path, a->files[i].has_dv ? a->files[i].dv.unique_id : "",
                 (long long)a->files[i].size, a->files[i].full_path);
        ka[i] = strdup(buf);
        snprintf(buf, sizeof buf, "%s|%s|%lld|%s", b->files[i].path, b->files[i].has_dv ? b->files[i].dv.unique_id : "",
                 (long long)b->files[i].size, b->files[i].full_path);
        kb[i] = strdup(buf);
    }
    qsort(ka, a->nfiles, sizeof *ka, cmp_str);
    qsort(kb, a->nfiles, sizeof *kb, cmp_str);
    bool same = true;
    for (uint64_t i = 0; i < a->nfiles; i++) {
        same &= strcmp(ka[i], kb[i]) == 0;
        free(ka[i]);
        free(kb[i]);
    }
    free(ka);
    free(kb);
    for (uint32_t i = 0; same && i < a->ntxns; i++)
        same = strcmp(a->txns[i].app_id, b->txns[i].app_id) == 0 && a->txns[i].version == b->txns[i].version;
    for (uint32_t i = 0; same && i < a->ndomains; i++)
        same = strcmp(a->domains[i].domain, b->domains[i].domain) == 0 &&
               strcmp(a->domains[i].configuration, b->domains[i].configuration) == 0;
    return same;
}

/* Load through the cache and check the result against a full replay of the same version. */
static dlt_snapshot *load_checked(dlt_snapcache *c, const char *root, int64_t version)
{
    dlt_table *t = NULL;
    tn_err err = TN_ERR_INIT;
    dlt_snapshot *s = NULL, *full = NULL;
    CHECK_EQ_INT(dlt_table_open(vfs_default(), root, &t, &err), TN_OK);
    if (!t)
        return NULL;
    if (dlt_snapcache_load(c, t, version, &s, &err) != TN_OK)
        fprintf(stderr, "cache load: %s\n", err.msg);
    CHECK_EQ_INT(dlt_snapshot_load(t, version, &full, &err), TN_OK);
    CHECK(s && full && same_state(full, s));
    dlt_snapshot_unref(full);
    dlt_table_unref(t);
    return s;
}

static dlt_snapcache_stats stats_of(dlt_snapcache *c)
{
    dlt_snapcache_stats st;
    dlt_snapcache_get_stats(c, &st);
    return st;
}

#define DVD(id, card)                                                                                           \
    "\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":\"" id "\",\"offset\":1,\"sizeInBytes\":40,"  \
    "\"cardinality\":" #card "}"
#define PROTO_DV                                                                                               \
    "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\"],"  \
    "\"writerFeatures\":[\"deletionVectors\"]}}\n"

static void test_hit_refresh_time_travel(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("snapcache_basic"));
    char c[8][8192];
    snprintf(c[0], sizeof c[0], "%s%s", DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL));
    strcat(c[0], dt_add("a.parquet", 10, NULL, NULL));
    strcat(c[0], dt_add("b.parquet", 20, NULL, NULL));
    dt_commit(root, 0, c[0]);
    snprintf(c[1], sizeof c[1], "%s", dt_add("c%20d.parquet", 30, NULL, NULL));
    strcat(c[1], "{\"txn\":{\"appId\":\"app\",\"version\":1}}\n");
    dt_commit(root, 1, c[1]);
    dlt_snapcache *cache = NULL;
    CHECK_EQ_INT(dlt_snapcache_new(4, &cache), TN_OK);
    if (!cache)
        return;
    dlt_snapshot *s1 = load_checked(cache, root, -1);
    dlt_snapshot *s2 = load_checked(cache, root, -1);
    CHECK(s1 && s1 == s2); /* the same object */
    CHECK_EQ_INT(stats_of(cache).loads, 1);
    CHECK_EQ_INT(stats_of(cache).hits, 1);
    dlt_snapshot_unref(s1);
    dlt_snapshot_unref(s2);

    /* v2: remove a, DV on b (same path, new key), a domain; v3: new DV for b, protocol + schema change,
     * txn update, domain removed */
    snprintf(c[2], sizeof c[2], "%s", dt_remove("a.parquet", NULL));
    strcat(c[2], dt_remove("b.parquet", NULL));
    strcat(c[2], dt_add("b.parquet", 20, NULL, DVD("ab^-aqEH.-t@S}K{vb[*k^", 3)));
    strcat(c[2], "{\"domainMetadata\":{\"domain\":\"d1\",\"configuration\":\"{\\\"x\\\":1}\",\"removed\":false}}\n");
    dt_commit(root, 2, c[2]);
    dlt_snapshot *s = load_checked(cache, root, -1);
    CHECK(s && s->version == 2 && s->nfiles == 2);
    CHECK_EQ_INT(stats_of(cache).refreshes, 1);
    dlt_snapshot_unref(s);
    const char *schema3 = "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
                          "{\"name\":\"b\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
                          "{\"name\":\"c\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}}]}";
    snprintf(c[3], sizeof c[3], "%s%s", PROTO_DV, dt_meta(schema3, NULL, "{\"k\":\"v\"}"));
    strcat(c[3], dt_remove("b.parquet", DVD("ab^-aqEH.-t@S}K{vb[*k^", 3)));
    strcat(c[3], dt_add("b.parquet", 20, NULL, DVD("cd^-aqEH.-t@S}K{vb[*k^", 5)));
    strcat(c[3], "{\"txn\":{\"appId\":\"app\",\"version\":2}}\n");
    strcat(c[3], "{\"domainMetadata\":{\"domain\":\"d1\",\"configuration\":\"\",\"removed\":true}}\n");
    dt_commit(root, 3, c[3]);
    /* v4: nothing but a file */
    dt_commit(root, 4, dt_add("e.parquet", 5, NULL, NULL));
    s = load_checked(cache, root, 3); /* newer than cached: refresh to an explicit version */
    CHECK(s && s->version == 3 && s->metadata.schema.nfields == 3 && s->ndomains == 0 && s->protocol.min_reader_version == 3);
    CHECK_EQ_INT(stats_of(cache).refreshes, 2);
    dlt_snapshot_unref(s);
    s = load_checked(cache, root, -1);
    CHECK(s && s->version == 4 && s->nfiles == 3);
    CHECK_EQ_INT(stats_of(cache).refreshes, 3);
    dlt_snapshot_unref(s);
    /* time travel: a full load, and the newer entry stays */
    s = load_checked(cache, root, 1);
    CHECK(s && s->version == 1 && s->nfiles == 3);
    CHECK_EQ_INT(stats_of(cache).loads, 2);
    dlt_snapshot_unref(s);
    s = load_checked(cache, root, -1);
    CHECK(s && s->version == 4);
    CHECK_EQ_INT(stats_of(cache).hits, 2);
    dlt_snapshot_unref(s);
    /* a version that does not exist: the same error as without the cache */
    dlt_table *t = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dlt_table_open(vfs_default(), root, &t, &err), TN_OK);
    CHECK_EQ_INT(dlt_snapcache_load(cache, t, 9, &s, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "version 9 does not exist") != NULL);
    /* timestamp time travel through the cache */
    for (int v = 0; v <= 4; v++)
        dt_commit_mtime(root, v, 1000000 + v * 1000);
    dlt_snapcache_clear(cache); /* the mtimes changed: start afresh */
    CHECK_EQ_INT(dlt_snapcache_load_at_time(cache, t, 1002500, &s, &err), TN_OK);
    CHECK(s && s->version == 2);
    dlt_snapshot_unref(s);
    dlt_table_unref(t);
    dlt_snapcache_free(cache);
}

static void test_invalidation_and_eviction(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("snapcache_inval"));
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    dt_commit(root, 1, dt_add("old.parquet", 1, NULL, NULL));
    dt_commit_mtime(root, 1, 5000000);
    dlt_snapcache *cache = NULL;
    CHECK_EQ_INT(dlt_snapcache_new(2, &cache), TN_OK);
    if (!cache)
        return;
    dlt_snapshot *s = load_checked(cache, root, -1);
    dlt_snapshot_unref(s);
    /* re-created under the same path: commit 1 is a different file now */
    dt_rm_rf(root);
    snprintf(root, sizeof root, "%s", dt_table("snapcache_inval"));
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    dt_commit(root, 1, dt_add("new.parquet", 1, NULL, NULL));
    dt_commit(root, 2, dt_add("new2.parquet", 1, NULL, NULL));
    dt_commit_mtime(root, 1, 6000000);
    s = load_checked(cache, root, -1);
    CHECK(s && dt_find_file(s, "new.parquet") >= 0 && dt_find_file(s, "old.parquet") < 0);
    CHECK_EQ_INT(stats_of(cache).loads, 2);
    CHECK_EQ_INT(stats_of(cache).refreshes, 0);
    dlt_snapshot_unref(s);
    /* log cleanup leaves a gap after the cached version: a checkpoint-based full load */
    dt_commit(root, 3, dt_add("x.parquet", 1, NULL, NULL));
    char cp[16384], name[160];
    snprintf(cp, sizeof cp, "{\"checkpointMetadata\":{\"version\":4}}\n%s%s", DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL));
    strcat(cp, dt_add("cp.parquet", 1, NULL, NULL));
    snprintf(name, sizeof name, "_delta_log/%020d.checkpoint.0b6f0e3a-1111-4222-8333-944455556666.json", 4);
    dt_put(root, name, cp);
    dt_commit(root, 5, dt_add("y.parquet", 1, NULL, NULL));
    s = load_checked(cache, root, -1); /* commit 4 is missing: cannot extend v2 */
    CHECK(s && s->version == 5 && s->checkpoint_version == 4 && s->nfiles == 2);
    CHECK_EQ_INT(stats_of(cache).loads, 3);
    dlt_snapshot_unref(s);
    /* LRU over 2 tables: a third evicts the least recently used */
    char r2[2048], r3[2048];
    snprintf(r2, sizeof r2, "%s", dt_table("snapcache_t2"));
    dt_commit(r2, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    snprintf(r3, sizeof r3, "%s", dt_table("snapcache_t3"));
    dt_commit(r3, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    dlt_snapshot_unref(load_checked(cache, r2, -1)); /* cache: root, r2 */
    dlt_snapshot_unref(load_checked(cache, root, -1)); /* hit; root most recent */
    uint64_t hits = stats_of(cache).hits;
    CHECK_EQ_INT(hits, 1);
    dlt_snapshot_unref(load_checked(cache, r3, -1)); /* evicts r2 */
    dlt_snapshot_unref(load_checked(cache, root, -1)); /* still cached */
    CHECK_EQ_INT(stats_of(cache).hits, hits + 1);
    uint64_t loads = stats_of(cache).loads;
    dlt_snapshot_unref(load_checked(cache, r2, -1)); /* was evicted */
    CHECK_EQ_INT(stats_of(cache).loads, loads + 1);
    dlt_snapcache_free(cache);
}

typedef struct worker {
    dlt_snapcache *cache;
    const char *root;
    int bad;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 40; i++) {
        dlt_table *t = NULL;
        dlt_snapshot *s = NULL;
        tn_err err = TN_ERR_INIT;
        if (dlt_table_open(vfs_default(), w->root, &t, &err) || dlt_snapcache_load(w->cache, t, i % 3 == 2 ? 1 : -1, &s, &err)) {
            w->bad++;
        } else if (s->nfiles != (s->version == 1 ? 2u : 3u)) {
            w->bad++;
        }
        dlt_snapshot_unref(s);
        dlt_table_unref(t);
    }
    return NULL;
}

static void test_threads(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("snapcache_threads"));
    char c0[8192];
    snprintf(c0, sizeof c0, "%s%s", DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL));
    strcat(c0, dt_add("a.parquet", 1, NULL, NULL));
    dt_commit(root, 0, c0);
    dt_commit(root, 1, dt_add("b.parquet", 1, NULL, NULL));
    dt_commit(root, 2, dt_add("c.parquet", 1, NULL, NULL));
    dlt_snapcache *cache = NULL;
    CHECK_EQ_INT(dlt_snapcache_new(4, &cache), TN_OK);
    if (!cache)
        return;
    pthread_t th[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){cache, root, 0};
        pthread_create(&th[i], NULL, work, &w[i]);
    }
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        bad += w[i].bad;
    }
    CHECK_EQ_INT(bad, 0);
    dlt_snapcache_stats st = stats_of(cache);
    CHECK_EQ_INT(st.hits + st.refreshes + st.loads, 160);
    CHECK(st.hits > 0);
    dlt_snapcache_free(cache);
}

typedef struct stats_worker {
    dlt_snapshot *s;
    const dlt_stats *seen[64];
    int bad;
} stats_worker;

static void *stats_work(void *arg)
{
    stats_worker *w = arg;
    for (uint64_t i = 0; i < w->s->nfiles; i++) {
        tn_err err = TN_ERR_INIT;
        if (dlt_snapshot_file_stats(w->s, i, &w->seen[i], &err))
            w->bad++;
    }
    return NULL;
}

static void test_memo_stats(void)
{
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("snapcache_stats"));
    char c0[65536];
    snprintf(c0, sizeof c0, "%s%s", DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL));
    for (int i = 0; i < 40; i++) {
        char p[32], st[256];
        snprintf(p, sizeof p, "f%d.parquet", i);
        snprintf(st, sizeof st, "\"stats\":\"{\\\"numRecords\\\":%d,\\\"minValues\\\":{\\\"a\\\":%d,\\\"b\\\":\\\"s%d\\\"},"
                 "\\\"maxValues\\\":{\\\"a\\\":%d},\\\"nullCount\\\":{\\\"a\\\":%d}}\"", i + 1, i * 10, i, i * 10 + 9, i % 3);
        strcat(c0, dt_add(p, 100, NULL, i == 7 ? NULL : st));
    }
    dt_commit(root, 0, c0);
    dlt_snapshot *s = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (!s)
        return;
    CHECK_EQ_INT(s->nfiles, 40);
    pthread_t th[4];
    stats_worker w[4];
    for (int k = 0; k < 4; k++) {
        memset(&w[k], 0, sizeof w[k]);
        w[k].s = s;
        pthread_create(&th[k], NULL, stats_work, &w[k]);
    }
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    int bad = 0;
    for (uint64_t i = 0; i < s->nfiles; i++) {
        const dlt_stats *m = NULL;
        CHECK_EQ_INT(dlt_snapshot_file_stats(s, i, &m, &err), TN_OK);
        for (int k = 0; k < 4; k++)
            bad += w[k].bad + (w[k].seen[i] != m); /* one object per file, whoever parsed it */
        dlt_stats fresh;
        CHECK_EQ_INT(dlt_file_stats(s, &s->files[i], &fresh, &err), TN_OK);
        bad += m->valid != fresh.valid || m->num_records != fresh.num_records || m->ncols != fresh.ncols;
        for (uint32_t c = 0; c < m->ncols && c < fresh.ncols; c++) {
            bad += m->cols[c].has_min != fresh.cols[c].has_min || m->cols[c].has_max != fresh.cols[c].has_max ||
                   m->cols[c].null_count != fresh.cols[c].null_count;
            if (m->cols[c].has_min && c == 0)
                bad += m->cols[c].min.v.i64 != fresh.cols[c].min.v.i64;
        }
        dlt_stats_free(&fresh);
    }
    CHECK_EQ_INT(bad, 0);
    const dlt_stats *m = NULL;
    int f3 = dt_find_file(s, "f3.parquet"), f7 = dt_find_file(s, "f7.parquet");
    CHECK(f3 >= 0 && f7 >= 0);
    if (f3 >= 0 && dlt_snapshot_file_stats(s, (uint64_t)f3, &m, &err) == TN_OK) {
        CHECK_EQ_INT(m->num_records, 4);
        CHECK(m->cols[0].has_min && m->cols[0].min.v.i64 == 30 && m->cols[0].max.v.i64 == 39);
        CHECK_EQ_INT(m->cols[0].null_count, 0);
    }
    if (f7 >= 0 && dlt_snapshot_file_stats(s, (uint64_t)f7, &m, &err) == TN_OK)
        CHECK(!m->valid && m->num_records == -1);
    CHECK_EQ_INT(dlt_snapshot_file_stats(s, 40, &m, &err), TN_MISUSE);
    dlt_snapshot_unref(s);
}

TEST_MAIN(test_hit_refresh_time_travel, test_invalidation_and_eviction, test_threads, test_memo_stats)
