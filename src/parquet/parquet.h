/*
 * parquet.h -- the Parquet reader's interface to the rest of tarn (exec's scan operator, DESCRIBE,
 * the conformance tests).
 *
 * Format facts come from apache/parquet-format (parquet.thrift, Encodings.md, LogicalTypes.md);
 * summary in ../shared/notes/parquet-format-summary.md.
 *
 * Model:
 *  - pq_file: an opened file with its decoded FileMetaData and schema tree. Immutable after
 *    pq_file_open, refcounted (pq_file_ref/unref), shareable between threads.
 *  - Schema: a tree of pq_schema_node; groups have children, leaves map to one column chunk per
 *    row group. Each node carries the tarn type (tn_type) it reads as. Top-level fields are the
 *    root's children; a flat file has one leaf per field.
 *  - pq_column_reader: reads one top-level field of one row group into vectors, batch by batch.
 *    Not thread-safe; use one per thread. Dictionary-encoded data is returned as DICT vectors
 *    sharing one dictionary vector per column chunk when every value of the batch comes from the
 *    dictionary; otherwise FLAT.
 *  - Pruning: pq_row_group_may_match evaluates a conjunction of simple predicates against the
 *    row group's column statistics (min/max/null_count, honouring column orders and the legacy
 *    signed-min/max rules) and answers false only when no row can match.
 *
 * Errors: TN_CORRUPT with "<path>: <structure> at offset N: <what>", TN_NOTSUP for valid features
 * not implemented (encrypted files, ...), TN_IOERR, TN_NOMEM. Never crashes on hostile input;
 * every allocation is bounded by the file size or the declared page sizes (checked against it).
 */
#ifndef TN_PARQUET_H
#define TN_PARQUET_H

#include "../util/tn_base.h"
#include "../util/vector.h"
#include "../vfs/vfs.h"

/* parquet.thrift Type */
enum pq_physical_type {
    PQ_BOOLEAN = 0, PQ_INT32 = 1, PQ_INT64 = 2, PQ_INT96 = 3, PQ_FLOAT = 4, PQ_DOUBLE = 5,
    PQ_BYTE_ARRAY = 6, PQ_FIXED_LEN_BYTE_ARRAY = 7
};
/* parquet.thrift FieldRepetitionType */
enum pq_repetition { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 };

typedef struct pq_schema_node {
    char *name;
    int repetition;          /* pq_repetition */
    int physical_type;       /* pq_physical_type for leaves; -1 for groups */
    int type_length;         /* FIXED_LEN_BYTE_ARRAY width */
    int converted_type;      /* parquet.thrift ConvertedType, -1 if absent */
    int logical_type;        /* parquet.thrift LogicalType union field id, 0 if absent */
    int field_id;            /* -1 if absent */
    tn_type type;            /* tarn type this node reads as */
    bool supported;          /* false: the reader cannot read this node's type (reason in why) */
    char *unsupported_reason;
    struct pq_schema_node *parent;
    struct pq_schema_node **children;
    uint32_t nchildren;
    int leaf_index;          /* leaves: column chunk index in each row group; groups: -1 */
    int max_def, max_rep;    /* leaves: maximum definition / repetition levels */
} pq_schema_node;

typedef struct pq_file pq_file;

/* Open and validate a Parquet file (magic, footer, FileMetaData, schema). On success *out holds a
 * reference the caller releases with pq_file_unref. */
int pq_file_open(vfs *fs, const char *path, pq_file **out, tn_err *err);
void pq_file_ref(pq_file *f);
void pq_file_unref(pq_file *f); /* NULL-safe */

const char *pq_file_path(const pq_file *f);
const pq_schema_node *pq_file_root(const pq_file *f);
uint32_t pq_file_num_fields(const pq_file *f);                 /* top-level fields */
const pq_schema_node *pq_file_field(const pq_file *f, uint32_t i);
/* Index of a top-level field by name (case-insensitive), or -1. */
int pq_file_field_index(const pq_file *f, const char *name);
int64_t pq_file_num_rows(const pq_file *f);
uint32_t pq_file_num_row_groups(const pq_file *f);
int64_t pq_row_group_num_rows(const pq_file *f, uint32_t rg);
const char *pq_file_created_by(const pq_file *f);               /* may be NULL */

/* Statistics of one leaf column chunk, decoded to the leaf's tarn type. */
typedef struct pq_stats {
    bool has_min_max;     /* min and max present, comparable and trustworthy */
    tn_value min, max;    /* valid when has_min_max; owned by the pq_stats (pq_stats_free) */
    bool has_null_count;
    int64_t null_count;
    int64_t num_values;   /* values incl. nulls in the chunk */
    /* additions (pqread): */
    bool min_exact, max_exact; /* min/max are actual values (is_*_value_exact), not just bounds */
    bool has_nan_count;   /* FLOAT/DOUBLE/FLOAT16: nan_count present (absent: NaNs may exist) */
    int64_t nan_count;
} pq_stats;
int pq_column_stats(const pq_file *f, uint32_t rg, int leaf, pq_stats *out, tn_err *err);
void pq_stats_free(pq_stats *s);

/* ---- predicates for row-group (and later page/bloom) pruning ---- */
typedef enum pq_pred_op {
    PQ_PRED_EQ, PQ_PRED_NE, PQ_PRED_LT, PQ_PRED_LE, PQ_PRED_GT, PQ_PRED_GE,
    PQ_PRED_IN, PQ_PRED_IS_NULL, PQ_PRED_IS_NOT_NULL
} pq_pred_op;

typedef struct pq_predicate {
    uint32_t field;       /* top-level field index (flat leaf) */
    pq_pred_op op;
    tn_value *values;     /* one value (EQ..GE), n values (IN), none (IS [NOT] NULL); values have
                             the field's tarn type (the caller casts literals first) */
    uint32_t nvalues;
} pq_predicate;

/* false only if statistics prove no row of row group rg satisfies every predicate. */
bool pq_row_group_may_match(const pq_file *f, uint32_t rg, const pq_predicate *preds, uint32_t npreds);

/* ---- column reader ---- */
typedef struct pq_column_reader pq_column_reader;

/* Open a reader for top-level field `field` in row group `rg`. Reads the column chunk's bytes
 * through the file's VFS. TN_NOTSUP for fields whose type is unsupported (e.g. nested, for now). */
int pq_column_reader_open(pq_file *f, uint32_t rg, uint32_t field, pq_column_reader **out, tn_err *err);
/* Decode up to max_rows rows into out (whose type must equal the field's tn_type; the reader resets
 * it first and may turn it into a DICT vector). *nrows = rows produced; 0 at the end of the chunk. */
int pq_column_reader_next(pq_column_reader *r, uint32_t max_rows, tn_vector *out, uint32_t *nrows, tn_err *err);
/* Skip n rows without materialising them. */
int pq_column_reader_skip(pq_column_reader *r, uint64_t n, tn_err *err);
void pq_column_reader_close(pq_column_reader *r); /* NULL-safe */

/* ---- additions (pqread) ---- */
/* Verify the optional CRC32 of every page read (default true). A mismatch is TN_CORRUPT
 * "page CRC mismatch". Set before opening readers; read by every reader thread. */
extern bool pq_verify_page_crc;
/* Footer key/value metadata (FileMetaData field 5): entry count, and entry i as byte ranges
 * borrowed from the file (valid while f lives; *value = NULL when the entry has no value).
 * Returns false when i is out of range. */
uint32_t pq_file_num_kv(const pq_file *f);
bool pq_file_kv(const pq_file *f, uint32_t i, const char **key, uint32_t *key_len, const char **value,
                uint32_t *value_len);

#endif
