/*
 * delta_bench.c -- timing of Delta snapshot loading and of a selective query (bench/delta.sh
 * builds and runs it against libtarn.a).
 *
 *   delta_bench TABLE_DIR [RUNS] [SQL]
 *
 * Prints, as "key: value" lines:
 *   snapshot_ms_best / snapshot_ms_first   dlt_table_open + dlt_snapshot_load(latest), best of RUNS
 *   version, checkpoint_version, files     what the snapshot holds
 *   maxrss_after_snapshot_kb               getrusage(RUSAGE_SELF).ru_maxrss after the loads
 *   snapshot_ms_cached                     dlt_snapcache_load of the same version, cache warm
 *   snapshot_ms_refresh                    dlt_snapcache_load after one new commit (written here,
 *                                          re-adding one live file, and deleted afterwards):
 *                                          the cached state plus that commit
 *   query_ms_cold                          SQL run to completion on a new connection (snapshot
 *                                          loaded by the query)
 *   explain_files                          the DELTA_SCAN "files: ..." counters of EXPLAIN SQL
 *   query_ms_best, query_rows              SQL again on that connection (snapshot cached), best
 *                                          of RUNS, and the result rows
 *   maxrss_end_kb                          peak RSS of the whole run
 */
#include "tarn.h"
#include "delta/delta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int run_sql(tarn_db *db, const char *sql, unsigned long long *rows, char *text, size_t cap)
{
    tarn_stmt *st = NULL;
    if (tarn_prepare(db, sql, NULL, &st) != TARN_OK) {
        fprintf(stderr, "error: %s\n", tarn_errmsg(db));
        return 1;
    }
    tarn_batch *b;
    int rc;
    *rows = 0;
    if (text)
        text[0] = 0;
    while ((rc = tarn_stmt_fetch(st, &b)) == TARN_OK && b) {
        uint64_t n = tarn_batch_rows(b);
        if (text && n) {
            size_t len = 0;
            const char *s = tarn_batch_text(b, 0, 0, &len);
            snprintf(text, cap, "%.*s", (int)(len < cap ? len : cap - 1), s ? s : "");
        }
        *rows += n;
    }
    if (rc != TARN_OK)
        fprintf(stderr, "error: %s\n", tarn_errmsg(db));
    tarn_stmt_finalize(st);
    return rc != TARN_OK;
}

/* Snapshot cache: a warm hit, and a refresh after one commit appended (then removed). */
static void cache_bench(const char *root, int runs)
{
    tn_err err = TN_ERR_INIT;
    dlt_table *t = NULL;
    dlt_snapcache *c = NULL;
    dlt_snapshot *s = NULL;
    if (dlt_snapcache_new(4, &c) || dlt_table_open(vfs_default(), root, &t, &err) ||
        dlt_snapcache_load(c, t, -1, &s, &err) || !s->nfiles)
        goto done;
    double best = 1e30;
    for (int r = 0; r < runs; r++) {
        dlt_snapshot *h = NULL;
        double t0 = now_ms();
        if (dlt_snapcache_load(c, t, -1, &h, &err))
            goto done;
        double ms = now_ms() - t0;
        best = ms < best ? ms : best;
        dlt_snapshot_unref(h);
    }
    printf("snapshot_ms_cached: %.2f\n", best);
    char path[4096];
    snprintf(path, sizeof path, "%s/_delta_log/%020lld.json", root, (long long)s->version + 1);
    FILE *f = fopen(path, "wx");
    if (!f)
        goto done;
    const dlt_map *pm = &s->files[0].partition_map;
    fprintf(f, "{\"add\":{\"path\":\"%s\",\"partitionValues\":{", s->files[0].path);
    for (uint32_t i = 0; i < pm->n; i++) /* bench tables: plain keys and values, nothing to escape */
        fprintf(f, i ? ",\"%s\":\"%s\"" : "\"%s\":\"%s\"", pm->items[i].key, pm->items[i].value ? pm->items[i].value : "");
    fprintf(f, "},\"size\":%lld,\"modificationTime\":1,\"dataChange\":false}}\n", (long long)s->files[0].size);
    fclose(f);
    dlt_snapshot *n = NULL;
    double t0 = now_ms();
    int rc = dlt_snapcache_load(c, t, -1, &n, &err);
    double ms = now_ms() - t0;
    unlink(path);
    dlt_snapcache_stats st;
    dlt_snapcache_get_stats(c, &st);
    if (rc == TN_OK && st.refreshes == 1)
        printf("snapshot_ms_refresh: %.1f\n", ms);
    dlt_snapshot_unref(n);
done:
    if (err.msg[0])
        fprintf(stderr, "cache bench: %s\n", err.msg);
    dlt_snapshot_unref(s);
    dlt_table_unref(t);
    dlt_snapcache_free(c);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s TABLE_DIR [RUNS] [SQL]\n", argv[0]);
        return 2;
    }
    const char *root = argv[1];
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    if (runs < 1)
        runs = 1;
    double best = 1e30, first = 0;
    int64_t version = -1, cpv = -1;
    uint64_t nfiles = 0;
    for (int r = 0; r < runs; r++) {
        tn_err err = TN_ERR_INIT;
        dlt_table *t = NULL;
        dlt_snapshot *s = NULL;
        double t0 = now_ms();
        if (dlt_table_open(vfs_default(), root, &t, &err) || dlt_snapshot_load(t, -1, &s, &err)) {
            fprintf(stderr, "snapshot failed: %s\n", err.msg);
            dlt_table_unref(t);
            return 1;
        }
        double ms = now_ms() - t0;
        if (r == 0)
            first = ms;
        if (ms < best)
            best = ms;
        version = s->version;
        cpv = s->checkpoint_version;
        nfiles = s->nfiles;
        dlt_snapshot_unref(s);
        dlt_table_unref(t);
    }
    printf("snapshot_ms_first: %.1f\nsnapshot_ms_best: %.1f\nversion: %lld\ncheckpoint_version: %lld\nfiles: %llu\n",
           first, best, (long long)version, (long long)cpv, (unsigned long long)nfiles);
    printf("maxrss_after_snapshot_kb: %ld\n", maxrss_kb());
    cache_bench(root, runs);
    if (argc > 3) {
        tarn_db *db = NULL;
        if (tarn_open(NULL, &db) != TARN_OK)
            return 1;
        char sql[65536], text[65536];
        unsigned long long rows = 0;
        double c0 = now_ms();
        if (run_sql(db, argv[3], &rows, NULL, 0) == 0)
            printf("query_ms_cold: %.1f\n", now_ms() - c0);
        snprintf(sql, sizeof sql, "EXPLAIN %s", argv[3]);
        if (run_sql(db, sql, &rows, text, sizeof text) == 0) {
            const char *f = strstr(text, "files: ");
            const char *e = f ? strpbrk(f, "[\n") : NULL;
            printf("explain_files: %.*s\n", f ? (int)(e ? e - f : (long)strlen(f)) : 0, f ? f : "");
        }
        double qbest = 1e30;
        for (int r = 0; r < runs; r++) {
            double t0 = now_ms();
            if (run_sql(db, argv[3], &rows, NULL, 0))
                break;
            double ms = now_ms() - t0;
            if (ms < qbest)
                qbest = ms;
        }
        printf("query_ms_best: %.1f\nquery_rows: %llu\n", qbest, rows);
        tarn_close(db);
    }
    printf("maxrss_end_kb: %ld\n", maxrss_kb());
    return 0;
}
