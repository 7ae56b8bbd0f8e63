/*
 * prune_bench.c -- the pruning benchmark's tarn side (bench/pruning.sh builds and drives it).
 *
 * Uses tarn's internal API (not tarn.h) because it needs what the public API does not expose: the
 * writer's page-index / Bloom-filter options and the scan's pruning switches and counters.
 *
 *   prune_bench gen PATH NROWS
 *       writes the benchmark table with tarn's writer: row groups of 1,000,000 rows, 64 KiB pages,
 *       ZSTD, page index, split-block Bloom filters on `customer` and `code`. Columns:
 *       id BIGINT (sorted), customer VARCHAR ('cust_' || (id * 2654435761) % 1000003),
 *       code INTEGER (even numbers, (id * 7919) % 100000 * 2), amount DOUBLE,
 *       category VARCHAR (8 values), note VARCHAR ('note for row <id>').
 *   prune_bench run PATH RUNS QUERY...
 *       for each query ('%s' = PATH), runs it RUNS times (after a warm-up) with every pruning step
 *       enabled and again with none, fetching every batch; prints one tab-separated line:
 *       index, best seconds pruned, best seconds unpruned, rows, row groups total / skipped by
 *       statistics / by Bloom filters / by page index, pages checked / skipped, rows decoded,
 *       rows skipped by the page index, rows not decoded thanks to late materialization.
 */
#define _POSIX_C_SOURCE 200809L
#include "exec/scan_parquet.h"
#include "parquet/writer.h"
#include "parquet/codec.h"
#include "sql/sql.h"

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

static int gen(const char *path, int64_t nrows)
{
    const char *names[] = {"id", "customer", "code", "amount", "category", "note"};
    tn_type types[] = {tn_type_make(TN_T_INT64), tn_type_make(TN_T_VARCHAR), tn_type_make(TN_T_INT32),
                       tn_type_make(TN_T_DOUBLE), tn_type_make(TN_T_VARCHAR), tn_type_make(TN_T_VARCHAR)};
    static const char *const cats[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
    const char *bloom[] = {"customer", "code"};
    pq_write_options o;
    pq_write_options_default(&o);
    o.codec = PQ_CODEC_ZSTD;
    o.row_group_size = 1000000;
    o.page_size = 64 * 1024;
    o.page_index = true;
    o.bloom_filter_columns = bloom;
    o.nbloom_filter_columns = 2;
    pq_writer *w = NULL;
    tn_err err = TN_ERR_INIT;
    int rc = pq_writer_open(vfs_default(), path, 6, names, types, &o, &w, &err);
    if (rc) {
        fprintf(stderr, "prune_bench: %s\n", err.msg);
        return 1;
    }
    tn_chunk *c = tn_chunk_new(6, types, TN_BATCH);
    if (!c) {
        pq_writer_abort(w);
        return 1;
    }
    for (int64_t done = 0; rc == TN_OK && done < nrows;) {
        uint32_t n = (uint32_t)(nrows - done < TN_BATCH ? nrows - done : TN_BATCH);
        tn_chunk_reset(c);
        for (uint32_t k = 0; k < n && rc == TN_OK; k++) {
            int64_t i = done + k;
            char s[64];
            ((int64_t *)c->cols[0]->data)[k] = i;
            int len = snprintf(s, sizeof s, "cust_%lld", (long long)((uint64_t)i * 2654435761u % 1000003u));
            rc |= tn_vector_add_string(c->cols[1], s, (uint32_t)len, &((tn_str *)c->cols[1]->data)[k]);
            ((int32_t *)c->cols[2]->data)[k] = (int32_t)((i * 7919) % 100000 * 2);
            ((double *)c->cols[3]->data)[k] = (double)((i * 104729) % 10007) / 100.0;
            const char *cat = cats[i % 8];
            rc |= tn_vector_add_string(c->cols[4], cat, (uint32_t)strlen(cat), &((tn_str *)c->cols[4]->data)[k]);
            len = snprintf(s, sizeof s, "note for row %lld", (long long)i);
            rc |= tn_vector_add_string(c->cols[5], s, (uint32_t)len, &((tn_str *)c->cols[5]->data)[k]);
        }
        c->count = n;
        if (rc == TN_OK)
            rc = pq_writer_write(w, c, &err);
        done += n;
    }
    tn_chunk_free(c);
    if (rc) {
        fprintf(stderr, "prune_bench: write failed: %s\n", err.msg);
        pq_writer_abort(w);
        return 1;
    }
    if (pq_writer_close(w, &err)) {
        fprintf(stderr, "prune_bench: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static void set_pruning(ex_op *op, unsigned mask)
{
    if (!op)
        return;
    op_scan_parquet_set_pruning(op, mask);
    for (uint32_t i = 0; i < op->nchild; i++)
        set_pruning(op->child[i], mask);
}

static void add_stats(const ex_op *op, ex_scan_stats *acc)
{
    if (!op)
        return;
    const ex_scan_stats *s = op_scan_parquet_stats(op);
    if (s) {
        acc->row_groups_total += s->row_groups_total;
        acc->row_groups_skipped += s->row_groups_skipped;
        acc->row_groups_skipped_bloom += s->row_groups_skipped_bloom;
        acc->row_groups_skipped_pages += s->row_groups_skipped_pages;
        acc->pages_total += s->pages_total;
        acc->pages_skipped += s->pages_skipped;
        acc->rows_read += s->rows_read;
        acc->rows_skipped_pages += s->rows_skipped_pages;
        acc->rows_skipped_late += s->rows_skipped_late;
    }
    for (uint32_t i = 0; i < op->nchild; i++)
        add_stats(op->child[i], acc);
}

/* One execution; returns seconds (< 0 on error). */
static double run_once(const sq_env *env, const char *sql, unsigned mask, uint64_t *rows, ex_scan_stats *st)
{
    tn_err err = TN_ERR_INIT;
    sq_plan *p = NULL;
    double t0 = now();
    if (sq_prepare(env, sql, NULL, &p, &err)) {
        fprintf(stderr, "prune_bench: %s\n", err.msg);
        return -1;
    }
    set_pruning(p->root, mask);
    *rows = 0;
    for (;;) {
        tn_chunk *c = NULL;
        if (ex_op_next(p->root, &c, &err)) {
            fprintf(stderr, "prune_bench: %s\n", err.msg);
            sq_plan_free(p);
            return -1;
        }
        if (!c)
            break;
        *rows += tn_chunk_rows(c);
    }
    double t = now() - t0;
    memset(st, 0, sizeof *st);
    add_stats(p->root, st);
    sq_plan_free(p);
    return t;
}

static double best_of(const sq_env *env, const char *sql, unsigned mask, int runs, uint64_t *rows, ex_scan_stats *st)
{
    double best = run_once(env, sql, mask, rows, st); /* warm-up */
    for (int r = 0; r < runs && best >= 0; r++) {
        double t = run_once(env, sql, mask, rows, st);
        if (t < 0)
            return -1;
        if (t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], atoll(argv[3]));
    if (argc < 5 || strcmp(argv[1], "run") != 0) {
        fprintf(stderr, "usage: prune_bench gen PATH NROWS | prune_bench run PATH RUNS QUERY...\n");
        return 2;
    }
    sq_env env = {vfs_default(), NULL};
    int runs = atoi(argv[3]);
    if (runs < 1)
        runs = 1;
    for (int q = 4; q < argc; q++) {
        char sql[4096];
        snprintf(sql, sizeof sql, argv[q], argv[2]);
        uint64_t rows_p = 0, rows_f = 0;
        ex_scan_stats sp, sf;
        double tp = best_of(&env, sql, EX_PRUNE_ALL, runs, &rows_p, &sp);
        double tf = best_of(&env, sql, 0, runs, &rows_f, &sf);
        if (tp < 0 || tf < 0)
            return 1;
        if (rows_p != rows_f)
            fprintf(stderr, "prune_bench: query %d: %llu rows with pruning, %llu without\n", q - 4,
                    (unsigned long long)rows_p, (unsigned long long)rows_f);
        printf("%d\t%.6f\t%.6f\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\n", q - 4, tp, tf,
               (unsigned long long)rows_p, (unsigned long long)sp.row_groups_total,
               (unsigned long long)sp.row_groups_skipped, (unsigned long long)sp.row_groups_skipped_bloom,
               (unsigned long long)sp.row_groups_skipped_pages, (unsigned long long)sp.pages_total,
               (unsigned long long)sp.pages_skipped, (unsigned long long)sp.rows_read,
               (unsigned long long)sf.rows_read, (unsigned long long)sp.rows_skipped_pages,
               (unsigned long long)sp.rows_skipped_late);
    }
    return 0;
}
