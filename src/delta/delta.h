/*
 * delta.h -- the Delta Lake reader core: the interface exec's Delta scan, DESCRIBE HISTORY,
 * VERSION AS OF / TIMESTAMP AS OF and table_changes use. Design: docs/delta.md. Spec: PROTOCOL.md
 * of delta-io/delta ("Action Reconciliation", "Checkpoints", "Deletion Vectors", "Column
 * Mapping", "Partition Value Serialization", "Per-file Statistics", "In-Commit Timestamps").
 *
 * Model:
 *  - dlt_table: an opened table root (a directory holding _delta_log/) on a vfs. Immutable,
 *    refcounted, shareable between threads.
 *  - dlt_snapshot: the reconciled state of the table at one version. Immutable after load,
 *    refcounted (dlt_snapshot_ref/unref), shareable between threads; every pointer reachable from
 *    it (strings, arrays, tn_values) is owned by the snapshot and valid until the last unref. Never
 *    tn_value_free a value owned by a snapshot (copy it with tn_value_copy to keep it).
 *  - Live files (dlt_file): one per logical file (path + deletion vector), in the order of their
 *    latest add action. full_path is what to pass to vfs_open / pq_file_open.
 *  - Statistics are parsed on demand (dlt_file_stats) into a caller-owned dlt_stats; only
 *    numRecords is extracted at load time.
 *  - Deletion vectors are loaded on demand (dlt_dv_load) into an immutable dlt_dv.
 *
 * A scan (exec) does, per query:
 *     dlt_table_open(fs, root, &t);  dlt_snapshot_load(t, -1 or version, &s)  (or _at_time)
 *     schema: s->metadata.schema.fields[i] (logical name, tn_type, physical_name, field_id);
 *             which of them are partition columns: s->metadata.partition_field[k]
 *     for each s->files[i]: prune with partition_values[k] (typed, per partition column) and,
 *             with predicates, dlt_file_stats(); open full_path with pq_file_open; match Parquet
 *             columns by physical_name (column mapping "name"/"none") or field_id ("id");
 *             if has_dv: dlt_dv_load(t, &f->dv, &dv) and drop rows with dlt_dv_select().
 * DESCRIBE HISTORY: dlt_history_load. table_changes: dlt_commit_load per version (adds, removes,
 * cdc files, commit timestamp) with dlt_snapshot_parse_partitions for typed partition values.
 *
 * Errors: TN_NOTFOUND (no _delta_log, version/timestamp not available), TN_CORRUPT (malformed log,
 * gaps, missing protocol/metaData, path traversal, bad DV, bad partition value; messages name the
 * file and line or offset), TN_NOTSUP (protocol / reader features / types tarn does not read),
 * TN_IOERR, TN_NOMEM.
 */
#ifndef TN_DELTA_H
#define TN_DELTA_H

#include "../util/tn_base.h"
#include "../util/types.h"
#include "../util/vector.h"
#include "../vfs/vfs.h"

typedef struct dlt_table dlt_table;
typedef struct dlt_snapshot dlt_snapshot;
typedef struct dlt_dv dlt_dv;
struct dlt_arena;

/* ---- small shared structures ---- */

/* String map as written in the log (partitionValues, tags, configuration, format options).
 * value == NULL means JSON null. Keys are unique (a later duplicate replaces an earlier one). */
typedef struct dlt_kv {
    char *key;
    char *value;
} dlt_kv;

typedef struct dlt_map {
    dlt_kv *items;
    uint32_t n;
} dlt_map;

/* Value of key in m: *found (optional) tells presence; returns NULL when absent or null. */
const char *dlt_map_get(const dlt_map *m, const char *key, bool *found);

typedef struct dlt_protocol {
    int32_t min_reader_version;
    int32_t min_writer_version;
    bool has_reader_features, has_writer_features; /* lists present (possibly empty) */
    char **reader_features;
    uint32_t nreader_features;
    char **writer_features;
    uint32_t nwriter_features;
} dlt_protocol;

/* Does the protocol list feature `name` among its reader (writer) features? */
bool dlt_protocol_has_reader_feature(const dlt_protocol *p, const char *name);
bool dlt_protocol_has_writer_feature(const dlt_protocol *p, const char *name);

typedef enum dlt_cm_mode { DLT_CM_NONE = 0, DLT_CM_NAME = 1, DLT_CM_ID = 2 } dlt_cm_mode;

/* One (possibly nested) column of the table schema. */
typedef struct dlt_field {
    char *name;            /* logical (display) name; "element"/"key"/"value" for LIST/MAP parts */
    char *physical_name;   /* name in data files, stats and partitionValues: the column mapping
                              physical name when the mode is name/id, else == name */
    int64_t field_id;      /* delta.columnMapping.id (Parquet field_id in "id" mode); -1 if absent */
    tn_type type;          /* tarn type (nested types built with tn_type_struct/list/map) */
    char *delta_type;      /* the Delta type spelling for primitives ("timestamp_ntz", "decimal(10,2)"),
                              "struct" / "array" / "map" for nested */
    bool nullable;         /* nullable / containsNull / valueContainsNull */
    bool type_changed;     /* delta.typeChanges present: older files may hold a narrower type that
                              must be widened to `type` (type widening) */
    char *metadata_json;   /* the field's metadata object as compact JSON ("{}" when none) */
    struct dlt_field *children; /* STRUCT: its fields; LIST: [element]; MAP: [key, value] */
    uint32_t nchildren;
} dlt_field;

typedef struct dlt_schema {
    dlt_field *fields;     /* top-level columns in schema order */
    uint32_t nfields;
    tn_type type;          /* STRUCT of all top-level columns */
} dlt_schema;

/* Index of the top-level field whose logical name equals `name` (case-insensitive), or -1. */
int dlt_schema_find(const dlt_schema *s, const char *name);

typedef struct dlt_metadata {
    char *id;
    char *name;            /* NULL if absent */
    char *description;     /* NULL if absent */
    char *format_provider; /* "parquet" */
    dlt_map format_options;
    char *schema_string;   /* raw schemaString JSON */
    dlt_schema schema;
    char **partition_columns;  /* logical names, metaData.partitionColumns order */
    uint32_t npartition_columns;
    int32_t *partition_field;  /* per partition column: index into schema.fields */
    bool has_created_time;
    int64_t created_time;      /* ms since epoch */
    dlt_map configuration;
} dlt_metadata;

/* Deletion vector descriptor ("Deletion Vector Descriptor Schema"). */
typedef struct dlt_dv_desc {
    char storage_type;     /* 'u' (relative, UUID), 'i' (inline, Z85), 'p' (absolute path) */
    char *path_or_inline;
    bool has_offset;
    int32_t offset;        /* valid when has_offset; treat as 0 otherwise ('u'/'p') */
    int32_t size_in_bytes;
    int64_t cardinality;
    int64_t max_row_index; /* -1 if absent */
    char *unique_id;       /* storageType + pathOrInlineDv [+ "@" + offset] */
} dlt_dv_desc;

/* One logical file of the table (an add action), or an add of one commit (dlt_commit). */
typedef struct dlt_file {
    char *path;            /* as in the log (URI-encoded, relative or absolute) */
    char *full_path;       /* percent-decoded, resolved against the table root: open this */
    int64_t size;
    int64_t modification_time; /* ms since epoch */
    bool data_change;
    dlt_map partition_map; /* partitionValues as in the log (keys are physical names) */
    char **partition_raw;  /* per metadata partition column: raw string, NULL = null (snapshot only) */
    tn_value *partition_values; /* per partition column: typed value (snapshot only; NULL in commits) */
    char *stats_json;      /* stats JSON text, NULL if absent (synthesized from stats_parsed) */
    int64_t num_records;   /* stats.numRecords, -1 if unknown */
    dlt_map tags;
    bool has_dv;
    dlt_dv_desc dv;
    int64_t base_row_id;   /* -1 if absent */
    int64_t default_row_commit_version; /* -1 if absent */
    char *clustering_provider; /* NULL if absent */
    void *owned_;          /* internal: packed storage */
} dlt_file;

typedef struct dlt_txn {
    char *app_id;
    int64_t version;
    int64_t last_updated;  /* -1 if absent */
} dlt_txn;

typedef struct dlt_domain {
    char *domain;
    char *configuration;
} dlt_domain;

/* Status of _delta_log/_last_checkpoint as found while loading. */
typedef enum dlt_lastcp_status {
    DLT_LASTCP_ABSENT = 0,
    DLT_LASTCP_OK,         /* names the newest complete checkpoint */
    DLT_LASTCP_STALE,      /* a newer complete checkpoint exists */
    DLT_LASTCP_MISSING,    /* names a checkpoint that is not there (or incomplete) */
    DLT_LASTCP_CORRUPT     /* unreadable JSON / missing version */
} dlt_lastcp_status;

struct dlt_snapshot {
    /* ---- read-only public state ---- */
    int64_t version;
    int64_t timestamp_ms;      /* commit timestamp of `version` (in-commit timestamp, else the
                                  commit file's modification time); -1 if unknown */
    int64_t checkpoint_version;/* checkpoint replay started from; -1 = JSON commits from 0 */
    const char *checkpoint_note; /* why a newer checkpoint or a log compaction file was not used,
                                    or NULL */
    uint32_t compactions_used; /* log compaction files read in place of their commit ranges */
    dlt_lastcp_status last_checkpoint;
    dlt_protocol protocol;
    dlt_metadata metadata;
    dlt_cm_mode column_mapping;/* effective mode (honoured only when the protocol supports it) */
    dlt_file *files;
    uint64_t nfiles;
    dlt_txn *txns;             /* sorted by app_id */
    uint32_t ntxns;
    dlt_domain *domains;       /* sorted by domain, removed ones dropped */
    uint32_t ndomains;
    dlt_table *table;          /* referenced */
    const char *root;          /* table root (no trailing '/') */
    /* ---- private ---- */
    int64_t refcnt_;
    struct dlt_arena *arena_;
    struct dlt_stats **stats_memo_; /* nfiles slots, parsed stats of files (dlt_snapshot_file_stats) */
};

/* ---- table ---- */

typedef struct dlt_open_options {
    /* Accept data / DV paths that are absolute and lie outside the table root (shallow clones,
     * tables assembled from external files). Default false: such paths are TN_NOTSUP. Paths with
     * ".." components are refused always. */
    bool allow_outside_paths;
} dlt_open_options;

/* Open the table at root_path (a directory path or a "file:" URI). Checks that _delta_log exists
 * (TN_NOTFOUND "not a Delta table" otherwise); reads nothing else. *out holds a reference. */
int dlt_table_open(vfs *fs, const char *root_path, dlt_table **out, tn_err *err);
int dlt_table_open_ex(vfs *fs, const char *root_path, const dlt_open_options *opts, dlt_table **out,
                      tn_err *err);
void dlt_table_ref(dlt_table *t);
void dlt_table_unref(dlt_table *t); /* NULL-safe */
const char *dlt_table_root(const dlt_table *t);
vfs *dlt_table_vfs(const dlt_table *t);
/* Latest version (listing only; no replay). */
int dlt_table_latest_version(dlt_table *t, int64_t *version, tn_err *err);
/* Commit timestamp of `version` (ms): the commitInfo.inCommitTimestamp when in-commit timestamps
 * are enabled for that version, else the modification time of its commit file. */
int dlt_table_commit_timestamp(dlt_table *t, int64_t version, int64_t *ms, tn_err *err);

/* ---- snapshots ---- */

/* Snapshot at `version` (-1 = latest). TN_NOTFOUND when the version does not exist or cannot be
 * reconstructed (log cleaned up), TN_CORRUPT / TN_NOTSUP as above. *out holds a reference. */
int dlt_snapshot_load(dlt_table *t, int64_t version, dlt_snapshot **out, tn_err *err);
/* Snapshot as of a timestamp (ms since epoch), Delta's rules: the latest version whose commit
 * timestamp is <= timestamp_ms. Commit timestamps are in-commit timestamps for versions from
 * delta.inCommitTimestampEnablementVersion on (when enabled), else commit file modification times
 * made strictly increasing (a time not after its predecessor counts as predecessor + 1 ms).
 * TN_NOTFOUND when the timestamp is before the earliest available commit or after the latest
 * commit (as Spark). */
int dlt_snapshot_load_at_time(dlt_table *t, int64_t timestamp_ms, dlt_snapshot **out, tn_err *err);
void dlt_snapshot_ref(dlt_snapshot *s);
void dlt_snapshot_unref(dlt_snapshot *s); /* NULL-safe */

/* ---- snapshot cache ---- */

/* Keeps the newest snapshot loaded of each table (keyed by vfs, root and the open options), at
 * most max_tables tables (least recently used evicted), so that repeated queries do not replay
 * the log again. Every load still lists _delta_log (the latest version must be known):
 *   - the cached snapshot is reused when it is the version asked for;
 *   - a newer version is built incrementally: the cached state plus the commits after it (no
 *     checkpoint re-read), when those commits are all listed;
 *   - older versions (time travel) and everything else are loaded in full (and not cached unless
 *     newer than what is cached).
 * A cached snapshot is trusted only while the commit file of its version keeps the modification
 * time and size it had when cached (a table deleted and re-created under the same path is
 * reloaded; commit files themselves are immutable in Delta).
 * Thread-safe: one mutex guards the table list; loads run outside it (two threads missing at once
 * both load; the newer result is kept). Snapshots returned are referenced: unref them as usual.
 * The cache holds references to snapshots (and through them their dlt_table and vfs): free it
 * before the vfs. */
typedef struct dlt_snapcache dlt_snapcache;
typedef struct dlt_snapcache_stats {
    uint64_t hits;         /* cached snapshot returned as is */
    uint64_t refreshes;    /* built from a cached snapshot plus newer commits */
    uint64_t loads;        /* replayed from a checkpoint / the first commit */
} dlt_snapcache_stats;
int dlt_snapcache_new(uint32_t max_tables, dlt_snapcache **out); /* TN_NOMEM */
void dlt_snapcache_free(dlt_snapcache *c);                        /* NULL-safe */
/* dlt_snapshot_load / dlt_snapshot_load_at_time through the cache (same results and errors). */
int dlt_snapcache_load(dlt_snapcache *c, dlt_table *t, int64_t version, dlt_snapshot **out, tn_err *err);
int dlt_snapcache_load_at_time(dlt_snapcache *c, dlt_table *t, int64_t timestamp_ms, dlt_snapshot **out,
                               tn_err *err);
void dlt_snapcache_get_stats(dlt_snapcache *c, dlt_snapcache_stats *out);
/* Drop every cached snapshot. */
void dlt_snapcache_clear(dlt_snapcache *c);

const dlt_txn *dlt_snapshot_find_txn(const dlt_snapshot *s, const char *app_id);
const dlt_domain *dlt_snapshot_find_domain(const dlt_snapshot *s, const char *domain);
/* Typed partition values for a raw partitionValues map (e.g. of a dlt_commit add) under this
 * snapshot's metadata: out[k] for partition column k (npartition_columns entries, caller-owned:
 * tn_value_free each). TN_CORRUPT for a value that does not parse as its column's type. */
int dlt_snapshot_parse_partitions(const dlt_snapshot *s, const dlt_map *partition_map, tn_value *out,
                                  tn_err *err);
/* The schema field (top-level) of partition column k. */
const dlt_field *dlt_snapshot_partition_field(const dlt_snapshot *s, uint32_t k);

/* ---- per-file statistics ("Per-file Statistics") ---- */

typedef struct dlt_col_stats {
    bool has_min, has_max;
    tn_value min, max;     /* of the column's type; owned by the dlt_stats */
    int64_t null_count;    /* -1 if unknown */
} dlt_col_stats;

typedef struct dlt_stats {
    bool valid;            /* false: absent or unparsable stats (never an error: stats are optional) */
    int64_t num_records;   /* -1 if unknown */
    bool tight_bounds;     /* default true; false: min/max are only bounds, null_count informative
                              only when 0 or == num_records */
    uint32_t ncols;        /* == schema.nfields; cols[i] is top-level field i */
    dlt_col_stats *cols;
} dlt_stats;

/* Parse f's stats for the snapshot's top-level columns (keys are physical names). Only primitive
 * columns get min/max; timestamps' max is widened by 999 us (stats are truncated to ms); decimal
 * values given as JSON reals are used only up to precision 15. Returns TN_OK (out->valid tells
 * whether stats exist) or TN_NOMEM. Free with dlt_stats_free. Thread-safe (s is read-only). */
int dlt_file_stats(const dlt_snapshot *s, const dlt_file *f, dlt_stats *out, tn_err *err);
void dlt_stats_free(dlt_stats *st);
/* The parsed stats of live file s->files[i], parsed on first use and kept by the snapshot (a
 * cached snapshot serves every later query without parsing JSON again). *out is owned by the
 * snapshot, immutable, valid while the caller holds its reference. Thread-safe (lock-free: two
 * threads racing on one file both parse it, one result is kept). TN_NOMEM; i >= nfiles is
 * TN_MISUSE. Memory: about (16 + 80 x columns) bytes per file whose stats were asked for. */
int dlt_snapshot_file_stats(dlt_snapshot *s, uint64_t i, const dlt_stats **out, tn_err *err);

/* ---- history and single commits ---- */

typedef struct dlt_commit_info {
    int64_t version;
    int64_t timestamp_ms;          /* commit timestamp (see dlt_table_commit_timestamp); -1 unknown */
    bool has_info;                 /* the commit has a commitInfo action */
    int64_t in_commit_timestamp;   /* -1 if absent */
    int64_t info_timestamp;        /* commitInfo.timestamp, -1 if absent */
    char *operation;               /* NULL if absent (also for all fields below) */
    char *operation_parameters;    /* JSON text of the object */
    char *operation_metrics;       /* JSON text of the object */
    char *user_id, *user_name, *engine_info, *isolation_level, *txn_id;
    int64_t read_version;          /* -1 if absent */
    int is_blind_append;           /* -1 absent, 0, 1 */
    char *json;                    /* the whole commitInfo object as JSON text */
} dlt_commit_info;

typedef struct dlt_history {
    dlt_commit_info *entries;      /* newest first */
    uint32_t n;
    struct dlt_arena *arena_;
} dlt_history;

/* Commit history (DESCRIBE HISTORY): one entry per listed commit file, newest first, at most
 * `limit` entries (limit <= 0: all). Free with dlt_history_free. */
int dlt_history_load(dlt_table *t, int64_t limit, dlt_history **out, tn_err *err);
void dlt_history_free(dlt_history *h); /* NULL-safe */

typedef struct dlt_remove {
    char *path, *full_path;
    int64_t deletion_timestamp;    /* -1 if absent */
    bool data_change;
    bool extended_file_metadata;
    bool has_partition_map;
    dlt_map partition_map;
    int64_t size;                  /* -1 if absent */
    char *stats_json;
    dlt_map tags;
    bool has_dv;
    dlt_dv_desc dv;
    int64_t base_row_id, default_row_commit_version; /* -1 if absent */
} dlt_remove;

typedef struct dlt_cdc_file {
    char *path, *full_path;
    dlt_map partition_map;
    int64_t size;
    bool data_change;
    dlt_map tags;
} dlt_cdc_file;

/* All actions of one JSON commit (table_changes / CDF, conflict checks later). */
typedef struct dlt_commit {
    int64_t version;
    dlt_commit_info info;          /* info.has_info false when the commit has no commitInfo */
    dlt_file *adds;                /* partition_raw / partition_values are NULL here */
    uint32_t nadds;
    dlt_remove *removes;
    uint32_t nremoves;
    dlt_cdc_file *cdcs;
    uint32_t ncdcs;
    dlt_protocol *protocol;        /* NULL if the commit has none */
    dlt_metadata *metadata;        /* NULL if none; schema parsed */
    dlt_txn *txns;
    uint32_t ntxns;
    struct dlt_arena *arena_;
} dlt_commit;

/* Parse commit `version` (its JSON file must exist: TN_NOTFOUND otherwise). */
int dlt_commit_load(dlt_table *t, int64_t version, dlt_commit **out, tn_err *err);
void dlt_commit_free(dlt_commit *c); /* NULL-safe */

/* ---- deletion vectors ("Deletion Vector Format") ---- */

/* Load and decode the DV a descriptor names (inline, or from its file through the table's vfs),
 * verifying magic, sizes, the CRC-32 and the cardinality. *out is immutable and thread-safe;
 * free with dlt_dv_free. */
int dlt_dv_load(const dlt_table *t, const dlt_dv_desc *d, dlt_dv **out, tn_err *err);
/* Decode a serialized RoaringBitmapArray (magic + 64-bit portable roaring) from p[0..n). */
int dlt_dv_decode(const uint8_t *p, size_t n, dlt_dv **out, tn_err *err);
void dlt_dv_free(dlt_dv *dv); /* NULL-safe */
uint64_t dlt_dv_cardinality(const dlt_dv *dv);
/* Largest deleted row index (0 when empty). */
uint64_t dlt_dv_max(const dlt_dv *dv);
bool dlt_dv_contains(const dlt_dv *dv, uint64_t row);
/* Rows kept in the batch [first_row, first_row + count): writes their offsets relative to
 * first_row (ascending) into sel[0..) (capacity >= count, e.g. a TN_BATCH selection vector) and
 * returns how many (count - deleted in range). */
uint32_t dlt_dv_select(const dlt_dv *dv, uint64_t first_row, uint32_t count, uint32_t *sel);
/* Bulk iteration of deleted rows in ascending order. A plain value (copyable, nothing to free);
 * not thread-safe itself, but any number of iterators may read one dlt_dv concurrently. */
typedef struct dlt_dv_iter {
    const dlt_dv *dv;
    uint32_t bucket;       /* index of the bucket (high 32 bits of the rows) being read */
    uint64_t next;         /* next row >= this is reported */
} dlt_dv_iter;
void dlt_dv_iter_init(dlt_dv_iter *it, const dlt_dv *dv, uint64_t from_row);
/* Next deleted rows < end_row into buf (at most cap); returns how many (0: none left below end). */
uint32_t dlt_dv_iter_next(dlt_dv_iter *it, uint64_t end_row, uint64_t *buf, uint32_t cap);
/* Resolved path of an on-disk DV ('u': <root>/<prefix>/deletion_vector_<uuid>.bin; 'p': decoded
 * absolute path). Caller frees *path with tn_free. TN_ERROR for inline DVs. */
int dlt_dv_path(const dlt_table *t, const dlt_dv_desc *d, char **path, tn_err *err);
/* Z85 decoding (ZeroMQ RFC 32): n must be a multiple of 5; writes n / 5 * 4 bytes. */
int dlt_z85_decode(const char *s, size_t n, uint8_t *out, tn_err *err);

#endif
