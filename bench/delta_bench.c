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
 *   explain_files                          the DELTA_SCAN "files: ..." counters of EXPLAIN SQL
 *   query_ms_best, query_rows              SQL run to completion (best of RUNS), result rows
 *   maxrss_end_kb                          peak RSS of the whole run
 */
#include "tarn.h"
#include "delta/delta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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
    if (argc > 3) {
        tarn_db *db = NULL;
        if (tarn_open(NULL, &db) != TARN_OK)
            return 1;
        char sql[65536], text[65536];
        unsigned long long rows = 0;
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
