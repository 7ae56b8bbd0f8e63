/*
 * tarn_bench.c -- times SQL queries through the public API (include/tarn.h only).
 *
 * usage: tarn_bench [-r runs] QUERY...
 * For each query: one warm-up run, then `runs` timed runs; each run prepares the statement and
 * fetches every batch, touching every column through tarn_batch_column (so results are fully
 * materialised, as a client would consume them). Prints one line per query:
 *   <index>\t<best seconds>\t<median seconds>\t<rows>
 */
#define _POSIX_C_SOURCE 200809L
#include <tarn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_once(tarn_db *db, const char *sql, uint64_t *rows)
{
    tarn_stmt *st = NULL;
    if (tarn_prepare(db, sql, NULL, &st) != TARN_OK || !st) {
        fprintf(stderr, "tarn_bench: %s\n", tarn_errmsg(db));
        return 1;
    }
    uint32_t ncols = tarn_stmt_column_count(st);
    tarn_batch *b;
    *rows = 0;
    int rc;
    while ((rc = tarn_stmt_fetch(st, &b)) == TARN_OK && b) {
        *rows += tarn_batch_rows(b);
        for (uint32_t c = 0; c < ncols; c++) {
            tarn_column col;
            tarn_batch_column(b, c, &col);
        }
    }
    if (rc != TARN_OK)
        fprintf(stderr, "tarn_bench: %s\n", tarn_errmsg(db));
    tarn_stmt_finalize(st);
    return rc != TARN_OK;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int runs = 3, first = 1;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        runs = atoi(argv[2]);
        first = 3;
    }
    if (runs < 1 || runs > 100)
        runs = 3;
    tarn_db *db;
    if (tarn_open(NULL, &db) != TARN_OK) {
        fprintf(stderr, "tarn_bench: cannot open\n");
        return 1;
    }
    for (int q = first; q < argc; q++) {
        uint64_t rows = 0;
        if (run_once(db, argv[q], &rows)) /* warm-up */
            return 1;
        double t[100];
        for (int r = 0; r < runs; r++) {
            double t0 = now();
            if (run_once(db, argv[q], &rows))
                return 1;
            t[r] = now() - t0;
        }
        qsort(t, (size_t)runs, sizeof t[0], cmpd);
        printf("%d\t%.6f\t%.6f\t%llu\n", q - first, t[0], t[runs / 2], (unsigned long long)rows);
        fflush(stdout);
    }
    tarn_close(db);
    return 0;
}
