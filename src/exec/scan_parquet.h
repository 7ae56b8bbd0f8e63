/*
 * scan_parquet.h -- Parquet table source and its scan operator.
 *
 * ex_pq_source: the set of files behind `'file.parquet'` or `read_parquet('dir/part-*.parquet')`
 * (globs expanded through the VFS, sorted), each opened once (footer parsed), with the unified
 * schema (column names and tarn types of the first file; every other file must have the same
 * column names with types castable... in issue 2: identical types, else a clear error naming the
 * file and column). Refcounted via the pq_file objects it holds; immutable once open, so it may
 * be shared by parallel scans.
 *
 * op_scan_parquet: reads the projected columns (projection pushdown: other column chunks are never
 * read), batch of up to TN_BATCH rows at a time, morsel = (file, row group). Row groups whose
 * statistics prove the pushed-down predicates false are skipped (counted for EXPLAIN ANALYZE-style
 * reporting). The predicates are hints: the plan still filters rows above the scan.
 *
 * Additions (prune): after statistics, a row group is also skipped when the Bloom filter of an
 * EQ / IN predicate's column proves every value absent, and the page index (ColumnIndex +
 * OffsetIndex) narrows the rows read to the ranges whose pages may match (the other rows are
 * skipped in every projected column and never emitted). With a filter expression set
 * (op_scan_parquet_set_filter), each batch decodes the filter's columns first, evaluates the
 * filter into the chunk's selection vector and decodes the other columns only up to the last
 * selected row (not at all when no row survives): late materialization. Emitted chunks then carry
 * a selection vector; the FILTER above re-applies the predicate (cheap on a selected chunk).
 */
#ifndef TN_EX_SCAN_PARQUET_H
#define TN_EX_SCAN_PARQUET_H

#include "exec.h"
#include "../parquet/parquet.h"

typedef struct ex_pq_source {
    vfs *fs;
    char *pattern;        /* as given by the user (for messages / EXPLAIN) */
    pq_file **files;      /* referenced */
    uint32_t nfiles;
    uint32_t ncols;
    char **names;         /* owned */
    tn_type *types;
    int64_t total_rows;
} ex_pq_source;

/* Open the source: `paths` are literal paths or glob patterns (any of them may contain * ? [ ]).
 * TN_NOTFOUND "No files found that match the pattern \"x\"" when nothing matches. */
int ex_pq_source_open(vfs *fs, const char *const *paths, uint32_t npaths, ex_pq_source **out, tn_err *err);
void ex_pq_source_free(ex_pq_source *src);

typedef struct ex_scan_stats {
    uint64_t files, row_groups_total, row_groups_skipped, rows_read;
    /* additions (prune); row_groups_skipped counts statistics only, rows_read the rows decoded
     * (physical rows of the emitted chunks) */
    uint64_t row_groups_skipped_bloom;  /* by Bloom filters (EQ / IN predicates) */
    uint64_t row_groups_skipped_pages;  /* every page excluded by the page index */
    uint64_t bloom_filters_read;
    uint64_t pages_total;               /* data pages of predicate columns checked in page indexes */
    uint64_t pages_skipped;             /* of those, pages the page index excluded */
    uint64_t rows_skipped_pages;        /* rows of scanned row groups excluded by the page index */
    uint64_t rows_skipped_late;         /* rows whose non-filter columns were never decoded */
    uint64_t rows_filtered;             /* rows the scan's filter dropped (late materialization) */
} ex_scan_stats;

/* Scan `nfields` columns (source column indexes `fields`; the output has them in that order; may be
 * 0 for COUNT(*), in which case only row counts are produced). preds: copied. The source must
 * outlive the operator. */
ex_op *op_scan_parquet_create(ex_pq_source *src, const uint32_t *fields, uint32_t nfields,
                              const pq_predicate *preds, uint32_t npreds);
/* Statistics of a scan operator created by op_scan_parquet_create (NULL for other operators). */
const ex_scan_stats *op_scan_parquet_stats(const ex_op *op);

/* ---- additions (prune) ---- */
/* Pruning steps, all enabled by default (turn them off to compare, e.g. in tests/benchmarks). */
#define EX_PRUNE_STATS 0x1u  /* row-group statistics */
#define EX_PRUNE_BLOOM 0x2u  /* Bloom filters */
#define EX_PRUNE_PAGES 0x4u  /* page index row ranges */
#define EX_PRUNE_LATE 0x8u   /* late materialization with the filter expression */
#define EX_PRUNE_ALL 0xfu
/* Set the enabled steps of a scan created by op_scan_parquet_create before its first next();
 * no-op for other operators. */
void op_scan_parquet_set_pruning(ex_op *op, unsigned mask);
/* Give the scan a BOOLEAN filter over its output columns (the WHERE predicate renumbered onto
 * the scan's output), for late materialization. Takes ownership of expr in every case. The scan
 * emits only rows for which expr is TRUE (via the selection vector) when it applies it; it
 * applies it only when some projected column is not referenced by expr. The caller must keep an
 * equivalent FILTER above (results stay exact either way) and must not pass volatile
 * expressions (they would be evaluated twice). TN_MISUSE (expr freed) when op is not a Parquet
 * scan, expr is NULL or references a column >= the scan's column count, or no column at all. */
int op_scan_parquet_set_filter(ex_op *op, ex_expr *expr);

#endif
