/*
 * delta_int.h -- private interface shared by the files of src/delta (see docs/delta.md): the
 * arena, a string-keyed hash index, path helpers, the parsed action representation, the log
 * listing, the replay state and the checkpoint reader.
 */
#ifndef TN_DELTA_INT_H
#define TN_DELTA_INT_H

#include "delta.h"
#include "../util/sbuf.h"

#define DLT_MAX_JSON_DEPTH 64     /* nesting depth accepted in schemas and synthesized stats */
#define DLT_MAX_LOG_FILE ((uint64_t)1 << 31) /* larger commit / JSON checkpoint files are refused */

/* ---- arena (dlt_util.c): bump allocation in blocks, freed all at once ---- */
typedef struct dlt_arena {
    struct dlt_ablock *head;
    size_t used_total;
} dlt_arena;

void dlt_arena_init(dlt_arena *a);
void dlt_arena_free(dlt_arena *a);   /* frees every block; the arena is reusable after */
void dlt_arena_reset(dlt_arena *a);  /* keeps the first block, frees the others */
void *dlt_arena_alloc(dlt_arena *a, size_t n); /* 16-aligned, NULL on OOM */
void *dlt_arena_calloc(dlt_arena *a, size_t count, size_t size);
char *dlt_arena_strndup(dlt_arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *dlt_arena_strdup(dlt_arena *a, const char *s);             /* NULL s -> NULL */
dlt_arena *dlt_arena_new(void);       /* heap-allocated arena (owner frees with dlt_arena_destroy) */
void dlt_arena_destroy(dlt_arena *a); /* NULL-safe */

/* ---- string-keyed hash index (dlt_util.c) ---- */
typedef struct dlt_hslot {
    uint64_t hash;
    const char *key;       /* borrowed: the value owner keeps it alive */
    uint32_t klen;
    uint32_t used;         /* 0 empty, 1 full, 2 deleted */
    void *value;
} dlt_hslot;

typedef struct dlt_hmap {
    dlt_hslot *slots;
    uint32_t cap;          /* power of two */
    uint32_t n, ndeleted;
} dlt_hmap;

uint64_t dlt_hash(const void *p, size_t n);
void dlt_hmap_free(dlt_hmap *m);
/* Find key; returns its slot or NULL. */
dlt_hslot *dlt_hmap_find(const dlt_hmap *m, const char *key, uint32_t klen, uint64_t hash);
/* Insert or find: *slot gets the slot (value NULL when new). TN_OK / TN_NOMEM. */
int dlt_hmap_upsert(dlt_hmap *m, const char *key, uint32_t klen, uint64_t hash, dlt_hslot **slot);
void dlt_hmap_remove(dlt_hmap *m, dlt_hslot *slot);

/* ---- paths (dlt_util.c) ---- */
/* Percent-decode s[0..n) into a tn_malloc'd NUL-terminated string (*outlen optional). A '%' not
 * followed by two hex digits, or a decoded NUL byte, is TN_CORRUPT (message mentions `what`). */
int dlt_percent_decode(const char *s, size_t n, char **out, size_t *outlen, const char *what, tn_err *err);
/* Resolve a log path (URI, relative to root or absolute "file:" URI / "/..." path) to a full local
 * path (tn_malloc'd). Refuses ".." components (TN_CORRUPT), schemes other than file:
 * (TN_NOTSUP), and absolute paths outside root unless allow_outside (TN_NOTSUP). */
int dlt_resolve_path(const char *root, const char *uri, bool allow_outside, char **out, tn_err *err);
/* Join dir + "/" + name (tn_malloc'd), NULL on OOM. */
char *dlt_path_join(const char *dir, const char *name);
/* Modification time of a file in ms through the vfs mtime entry (TN_NOTSUP when the vfs has none). */
int dlt_file_mtime(vfs *fs, const char *path, int64_t *ms, tn_err *err);
/* Read a whole file (at most `limit` bytes: TN_CORRUPT beyond) into a tn_malloc'd buffer with a
 * NUL appended (not counted in *n). */
int dlt_read_file(vfs *fs, const char *path, uint64_t limit, char **buf, size_t *n, tn_err *err);

/* ---- JSON skimming without building a tree (dlt_util.c) ---- */
/* Top-level integer member `key` of the JSON object text s[0..n); false if absent / not an
 * integer / malformed. Never reads outside s[0..n). */
bool dlt_json_top_int(const char *s, size_t n, const char *key, int64_t *out);

/* ---- map helpers (dlt_util.c) ---- */
/* Copy a map into the arena. */
int dlt_map_copy(dlt_arena *a, const dlt_map *src, dlt_map *dst);

/* ---- actions (actions.c) ---- */
typedef enum dlt_action_kind {
    DLT_A_ADD = 1,
    DLT_A_REMOVE,
    DLT_A_METADATA,
    DLT_A_PROTOCOL,
    DLT_A_TXN,
    DLT_A_DOMAIN,
    DLT_A_COMMITINFO,
    DLT_A_CDC,
    DLT_A_CKPT_META,
    DLT_A_SIDECAR
} dlt_action_kind;

/* metaData as parsed: the schema is parsed only for the metaData that wins. */
typedef struct dlt_meta_raw {
    char *id, *name, *description, *format_provider;
    dlt_map format_options;
    char *schema_string;
    char **partition_columns;
    uint32_t npartition_columns;
    bool has_created_time;
    int64_t created_time;
    dlt_map configuration;
} dlt_meta_raw;

typedef struct dlt_domain_action {
    char *domain, *configuration;
    bool removed;
} dlt_domain_action;

typedef struct dlt_sidecar {
    char *path;
    int64_t size_in_bytes, modification_time;
} dlt_sidecar;

typedef struct dlt_action {
    int kind;              /* dlt_action_kind */
    union {
        dlt_file add;      /* full_path, partition_raw/values not set; num_records set */
        dlt_remove remove; /* full_path not set */
        dlt_cdc_file cdc;  /* full_path not set */
        dlt_meta_raw meta;
        dlt_protocol protocol;
        dlt_txn txn;
        dlt_domain_action domain;
        dlt_commit_info info; /* version / timestamp_ms not set */
        int64_t ckpt_version;
        dlt_sidecar sidecar;
    } u;
} dlt_action;

/* Receives each action; strings live in the parser's arena (valid until the callback returns
 * when the parser resets per line). */
typedef int (*dlt_action_fn)(void *ctx, const dlt_action *a, tn_err *err);

/* Parse newline-delimited JSON actions from buf[0..n) (buf[n] must be readable: a NUL). `what`
 * names the file in messages ("<file>: line N: ..."). Unknown actions and fields are ignored.
 * reset_per_line: the arena is reset after every line (the callback copies what it keeps). */
int dlt_parse_actions(const char *what, const char *buf, size_t n, dlt_arena *a, bool reset_per_line,
                      dlt_action_fn fn, void *ctx, tn_err *err);

/* Compute the DV unique id into the arena (storageType + pathOrInlineDv [+ "@" + offset]). */
char *dlt_dv_unique_id(dlt_arena *a, const dlt_dv_desc *d);

/* Deep-copy actions' payloads into another arena (commit loading keeps them). */
int dlt_file_copy(dlt_arena *a, const dlt_file *src, dlt_file *dst);
int dlt_protocol_copy(dlt_arena *a, const dlt_protocol *src, dlt_protocol *dst);
int dlt_meta_raw_copy(dlt_arena *a, const dlt_meta_raw *src, dlt_meta_raw *dst);
int dlt_commit_info_copy(dlt_arena *a, const dlt_commit_info *src, dlt_commit_info *dst);

/* Pack one add into a single tn_malloc'd block (dst->owned_ = the block, strings point into it). */
int dlt_file_pack(const dlt_file *src, dlt_file *dst);

/* ---- schema (schema.c) ---- */
/* Parse a schemaString into *out (allocated in the arena). `cm` selects physical names. */
int dlt_schema_parse(dlt_arena *a, const char *schema_string, dlt_cm_mode cm, dlt_schema *out, tn_err *err);
/* Parse a Delta primitive type name ("long", "decimal(10,2)", "timestamp_ntz"); false if unknown. */
bool dlt_primitive_type(const char *name, tn_type *out);

/* ---- values (values.c) ---- */
/* Parse a partition value string as type t. Strings are allocated in `a` when non-NULL (then
 * owned by the arena), else with tn_malloc (caller frees with tn_value_free). Empty string ->
 * NULL for every type. TN_CORRUPT (message names `col`) for a malformed value. */
int dlt_partition_value_parse(dlt_arena *a, tn_type t, const char *s, const char *col, tn_value *out,
                              tn_err *err);
/* Render a typed value as a partition value string (for partitionValues_parsed) into sb. */
void dlt_value_to_partition_string(const tn_value *v, tn_sbuf *sb);
/* Render row `row` of vector v as JSON into sb (STRUCT -> object, LIST -> array, MAP -> object,
 * dates "YYYY-MM-DD", timestamps ISO-8601). false when the value cannot be rendered. */
bool dlt_vector_row_to_json(const tn_vector *v, uint32_t row, tn_sbuf *sb, int depth);

/* ---- log listing (log.c) ---- */
enum { DLT_CK_CLASSIC = 1, DLT_CK_MULTI, DLT_CK_V2_PARQUET, DLT_CK_V2_JSON };

typedef struct dlt_ckpt {
    int64_t version;
    int kind;
    uint32_t nparts;
    char **parts;          /* file names inside _delta_log (nparts entries, in part order) */
    bool named_by_last;    /* matches _last_checkpoint */
} dlt_ckpt;

typedef struct dlt_compaction {
    int64_t from, to;      /* X.Y.compacted.json: commits X..Y (X <= Y) */
} dlt_compaction;

typedef struct dlt_listing {
    int64_t *commits;      /* versions with N.json, ascending, unique */
    uint32_t ncommits;
    dlt_compaction *compactions; /* by from ascending, then to descending */
    uint32_t ncompactions;
    dlt_ckpt *ckpts;       /* complete checkpoints, newest first (preferred first among equals) */
    uint32_t nckpts;
    int64_t latest;        /* -1 when the log is empty */
    dlt_lastcp_status lastcp;
    int64_t lastcp_version;/* -1 if absent/corrupt */
    char *log_dir;         /* <root>/_delta_log */
} dlt_listing;

int dlt_log_list(const dlt_table *t, dlt_listing *out, tn_err *err);
void dlt_listing_free(dlt_listing *l);
bool dlt_listing_has_commit(const dlt_listing *l, int64_t v);
/* Name of commit v ("%020lld.json") into buf (>= 32 bytes). */
void dlt_commit_name(int64_t v, char *buf);
/* Name of the compaction file of commits from..to into buf (>= 64 bytes). */
void dlt_compaction_name(int64_t from, int64_t to, char *buf);

/* ---- table internals (snapshot.c) ---- */
struct dlt_table {
    int64_t refcnt;
    vfs *fs;
    char *root;
    bool allow_outside;
};

/* Snapshot at `version` (-1 latest) from listing l: replay from the best checkpoint, or, with a
 * seed (an older snapshot of the same table whose successors up to `version` are all listed),
 * from the seed's state plus the commits after it. Log compaction files are used when they fit
 * and skipped with a note when they cannot be used. */
int dlt_load_version(dlt_table *t, const dlt_listing *l, int64_t version, const dlt_snapshot *seed,
                     dlt_snapshot **out, tn_err *err);
/* First version in [from, to] without a listed commit, or -1. */
int64_t dlt_listing_first_missing(const dlt_listing *l, int64_t from, int64_t to);
/* dlt_snapcache_load with the listing already made (snapcache.c). */
int dlt_snapcache_get_(dlt_snapcache *c, dlt_table *t, const dlt_listing *l, int64_t version, dlt_snapshot **out,
                       tn_err *err);

/* Free a snapshot now (refcount ignored): replay failures and the last unref (snapshot.c). */
void dlt_snapshot_free_(dlt_snapshot *s);

/* ---- replay (replay.c) ---- */
typedef struct dlt_replay dlt_replay;
int dlt_replay_new(dlt_table *t, dlt_replay **out);
void dlt_replay_free(dlt_replay *r);
/* Forget everything applied so far (checkpoint fallback). */
void dlt_replay_reset(dlt_replay *r);
/* Start from a loaded snapshot's state (protocol, metaData, txns, domains, live files in their
 * order), as if its actions had been applied: the incremental refresh of a cached snapshot. */
int dlt_replay_seed(dlt_replay *r, const dlt_snapshot *s, tn_err *err);
/* The action sink (dlt_action_fn) that applies actions; ctx = the replay. */
int dlt_replay_apply(void *ctx, const dlt_action *a, tn_err *err);
/* Commit-boundary hook: tells the replay which version the next actions belong to. */
void dlt_replay_begin_commit(dlt_replay *r, int64_t version);
/* Build the snapshot (protocol check, schema, files). Consumes the replay's state. */
int dlt_replay_finish(dlt_replay *r, int64_t version, dlt_snapshot **out, tn_err *err);
/* commitInfo of the last commit applied (NULL if none), for timestamps. */
const dlt_commit_info *dlt_replay_last_info(const dlt_replay *r);
/* Protocol check of a reconciled protocol (TN_NOTSUP with a clear message). */
int dlt_protocol_check(const dlt_protocol *p, tn_err *err);

/* ---- checkpoints (checkpoint.c) ---- */
/* Read every action of checkpoint c (all parts, then its sidecars) into fn. */
int dlt_checkpoint_read(dlt_table *t, const dlt_listing *l, const dlt_ckpt *c, dlt_action_fn fn, void *ctx,
                        tn_err *err);

#endif
