/*
 * scan_delta.h -- Delta Lake table sources and their scan operator (DELTA_SCAN).
 *
 * ex_delta_source: what a FROM clause names when it reads a Delta table (a directory holding
 * _delta_log/): the snapshot of one version (latest, VERSION AS OF, TIMESTAMP AS OF), its
 * logical schema (logical column names under column mapping, partition columns included, in
 * schema order) and the list of scan tasks, one per live data file. A change-data-feed source
 * (table_changes) has the same shape: its tasks are the change files of a version range and it
 * adds the columns _change_type, _commit_version and _commit_timestamp. The source owns its
 * snapshot/commit references and is immutable once open, so parallel scans may share it.
 *
 * op_scan_delta: reads the projected columns of the surviving tasks. Per task (morsel = file,
 * then its row groups):
 *   - files are pruned first by partition values (and every other per-file constant such as
 *     _commit_version), then by add.stats (min / max / nullCount, numRecords) for comparisons,
 *     IN and IS [NOT] NULL; inside a surviving file, row groups are pruned by their Parquet
 *     statistics (pq_row_group_may_match) and rows by the page index (pq_row_group_select_rows);
 *   - data columns are matched by physical name (column mapping none / name) or Parquet field id
 *     (mode id); a column an older file lacks reads as NULL; narrower physical types are widened
 *     (type widening, INT96 / unit differences) and nested values whose field names or order
 *     differ (column mapping, schema evolution) are rebuilt in the table's shape;
 *   - partition columns (and the change-feed constants) are CONST vectors;
 *   - a deletion vector becomes the chunk's selection vector (surviving data is never copied).
 * Pushed-down predicates are hints: the plan still filters above the scan.
 *
 * Errors: TN_NOTFOUND (not a Delta table, version/timestamp unavailable), TN_CORRUPT (log, DV,
 * data file problems; messages name the table and the file), TN_NOTSUP, TN_IOERR, TN_NOMEM.
 */
#ifndef TN_EX_SCAN_DELTA_H
#define TN_EX_SCAN_DELTA_H

#include "exec.h"
#include "../parquet/parquet.h"
#include "../delta/delta.h"
#include "scan_parquet.h" /* EX_PRUNE_* */

/* Which version to read. */
typedef enum ex_delta_at_kind { EX_DELTA_LATEST = 0, EX_DELTA_VERSION, EX_DELTA_TIMESTAMP } ex_delta_at_kind;
typedef struct ex_delta_at {
    int kind;               /* ex_delta_at_kind */
    int64_t version;        /* EX_DELTA_VERSION */
    int64_t timestamp_ms;   /* EX_DELTA_TIMESTAMP: ms since the epoch (UTC) */
} ex_delta_at;

typedef enum ex_delta_col_kind {
    EX_DCOL_DATA = 0,       /* read from the data files */
    EX_DCOL_PARTITION,      /* partition column: constant per file */
    EX_DCOL_CHANGE_TYPE,    /* table_changes: _change_type (constant, or read from a cdc file) */
    EX_DCOL_COMMIT_VERSION, /* table_changes: _commit_version */
    EX_DCOL_COMMIT_TS       /* table_changes: _commit_timestamp */
} ex_delta_col_kind;

typedef struct ex_delta_col {
    int kind;               /* ex_delta_col_kind */
    const dlt_field *field; /* DATA / PARTITION: the top-level schema field (snapshot-owned) */
    uint32_t field_index;   /* DATA / PARTITION: index in snapshot->metadata.schema.fields */
    uint32_t part;          /* PARTITION: partition column index */
} ex_delta_col;

/* Change types of a change-feed task. */
enum { EX_DCHANGE_NONE = 0, EX_DCHANGE_INSERT, EX_DCHANGE_DELETE, EX_DCHANGE_FROM_FILE };

/* One unit of scanning: a data file and what to do with it. */
typedef struct ex_delta_task {
    const char *path;            /* resolved local path to open */
    int64_t size;                /* bytes (from the log), -1 unknown */
    const tn_value *pvals;       /* typed partition values, one per partition column */
    const dlt_dv_desc *dv;       /* deletion vector: its rows are dropped; NULL = none */
    const dlt_dv_desc *dv_only;  /* change feed: keep only the rows this DV deletes; NULL = all */
    const dlt_file *file;        /* snapshot add (for add.stats), or NULL */
    uint8_t change;              /* EX_DCHANGE_* */
    int64_t version;             /* change feed: commit version */
    int64_t ts_ms;               /* change feed: commit timestamp (ms) */
} ex_delta_task;

typedef struct ex_delta_source {
    vfs *fs;
    char *label;                 /* table path as given, with "@v<N>" (EXPLAIN, messages) */
    dlt_table *table;            /* referenced */
    dlt_snapshot *snap;          /* referenced: schema, column mapping, live files */
    bool changes;                /* a table_changes source */
    int64_t start_version, end_version; /* table_changes range */
    uint32_t ncols;
    char **names;                /* owned */
    tn_type *types;
    ex_delta_col *cols;
    ex_delta_task *tasks;        /* owned array */
    uint64_t ntasks;
    int64_t total_bytes;
    /* private (change feed): commits the tasks point into, owned partition values */
    dlt_commit **commits_;
    uint32_t ncommits_;
    tn_value *pvals_;
    uint64_t npvals_;
} ex_delta_source;

/* Is `path` a directory holding a _delta_log directory? (false on any error) */
bool ex_delta_is_table(vfs *fs, const char *path);

/* Open the snapshot source of the table at path. TN_NOTFOUND "not a Delta table" when there is
 * no _delta_log; time-travel errors as dlt_snapshot_load / dlt_snapshot_load_at_time. */
int ex_delta_source_open(vfs *fs, const char *path, const ex_delta_at *at, ex_delta_source **out, tn_err *err);
/* The same, loading the snapshot through a snapshot cache (delta.h; NULL = none). */
int ex_delta_source_open_cached(vfs *fs, dlt_snapcache *cache, const char *path, const ex_delta_at *at,
                                ex_delta_source **out, tn_err *err);
/* Open the change data feed of versions [start, end] (end < 0: latest). Per commit: its cdc
 * files (_change_data) when it has any; otherwise, when delta.enableChangeDataFeed is on at that
 * version, inserts from its data-changing adds and deletes from its data-changing removes
 * (deletion-vector updates of one file give exactly the rows whose state changed); otherwise
 * TN_ERROR "change data feed is not enabled". The schema is the end version's. */
int ex_delta_changes_open(vfs *fs, const char *path, int64_t start, int64_t end, ex_delta_source **out,
                          tn_err *err);
void ex_delta_source_free(ex_delta_source *src); /* NULL-safe */

/* Counters of a Delta scan (EXPLAIN). */
typedef struct ex_delta_scan_stats {
    uint64_t files_total;              /* tasks of the source */
    uint64_t files_after_partition;    /* surviving partition-value (per-file constant) pruning */
    uint64_t files_after_stats;        /* surviving add.stats skipping too */
    uint64_t files_read;               /* opened */
    uint64_t row_groups_total;         /* of the files opened */
    uint64_t row_groups_skipped;       /* by Parquet statistics */
    uint64_t row_groups_skipped_pages; /* every page excluded by the page index */
    uint64_t rows_read;                /* rows decoded */
    uint64_t rows_deleted;             /* dropped by deletion vectors */
    uint64_t dvs_loaded;
    uint64_t files_counted;            /* COUNT(*)-only scans: files whose rows were counted from
                                          add.stats numRecords (minus the DV cardinality) unopened */
} ex_delta_scan_stats;

/* Scan nfields source columns (fields[i] = source column; may be 0 for COUNT(*)), with
 * pushed-down predicates (field = source column, values of the column's type; copied). The
 * source must outlive the operator. NULL on OOM or bad arguments. */
ex_op *op_scan_delta_create(ex_delta_source *src, const uint32_t *fields, uint32_t nfields,
                            const pq_predicate *preds, uint32_t npreds);
/* Counters (NULL for other operators). File pruning counters are computed at the first next()
 * (or by EXPLAIN before that). */
const ex_delta_scan_stats *op_scan_delta_stats(const ex_op *op);
/* Enable/disable the pruning steps (EX_PRUNE_STATS covers partition values, add.stats and row
 * group statistics, and counting rows from add.stats numRecords; EX_PRUNE_PAGES the page index).
 * Before the first next(); tests/benchmarks. */
void op_scan_delta_set_pruning(ex_op *op, unsigned mask);

#endif
