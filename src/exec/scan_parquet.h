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
} ex_scan_stats;

/* Scan `nfields` columns (source column indexes `fields`; the output has them in that order; may be
 * 0 for COUNT(*), in which case only row counts are produced). preds: copied. The source must
 * outlive the operator. */
ex_op *op_scan_parquet_create(ex_pq_source *src, const uint32_t *fields, uint32_t nfields,
                              const pq_predicate *preds, uint32_t npreds);
/* Statistics of a scan operator created by op_scan_parquet_create (NULL for other operators). */
const ex_scan_stats *op_scan_parquet_stats(const ex_op *op);

#endif
