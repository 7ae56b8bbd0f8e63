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
struct tn_bufpool; /* util/bufpool.h */

/* Open a reader for top-level field `field` in row group `rg`. Reads the column chunk's bytes
 * through the file's VFS. TN_NOTSUP for fields whose type is unsupported (e.g. nested, for now). */
int pq_column_reader_open(pq_file *f, uint32_t rg, uint32_t field, pq_column_reader **out, tn_err *err);
/* The same, drawing the column chunk, decompressed page and decoded page buffers from `pool` and
 * giving them back when done (NULL: a pool private to the reader, reused between its pages). The
 * pool must outlive the reader and be used by one thread at a time (util/bufpool.h); pass the same
 * pool to the readers a scan opens one after another so row group after row group reuses memory
 * instead of mapping and faulting in fresh pages. Nested fields ignore the pool. */
int pq_column_reader_open_pooled(pq_file *f, uint32_t rg, uint32_t field, struct tn_bufpool *pool,
                                 pq_column_reader **out, tn_err *err);
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

/* ---- additions (prune): page index and Bloom filter reading (page_index.c, bloom_read.c) ---- */

/* OffsetIndex (parquet.thrift; PageIndex.md): where each data page of a column chunk starts and
 * which rows it holds. The dictionary page is not listed. */
typedef struct pq_page_location {
    int64_t offset;               /* file offset of the page header */
    int32_t compressed_page_size; /* header + body bytes */
    int64_t first_row_index;      /* first row of the page within the row group */
} pq_page_location;

typedef struct pq_offset_index {
    pq_page_location *pages;      /* owned */
    uint32_t npages;
} pq_offset_index;

/* parquet.thrift BoundaryOrder */
enum pq_boundary_order { PQ_BOUNDARY_UNORDERED = 0, PQ_BOUNDARY_ASCENDING = 1, PQ_BOUNDARY_DESCENDING = 2 };

/* One ColumnIndex entry: bounds of page i of the matching OffsetIndex. Bounds are PLAIN-encoded
 * without a length prefix (like Statistics.min_value), possibly truncated (still valid lower /
 * upper bounds), ordered by the column's ColumnOrder; empty for null pages. */
typedef struct pq_page_stats {
    bool null_page;               /* every value of the page is NULL */
    const uint8_t *min, *max;     /* into the index's own bytes */
    uint32_t min_len, max_len;
    int64_t null_count;           /* -1 when unknown (null_counts absent or negative) */
    int64_t nan_count;            /* -1 when unknown (nan_counts absent or negative) */
} pq_page_stats;

typedef struct pq_column_index {
    pq_page_stats *pages;         /* owned */
    uint32_t npages;
    int boundary_order;           /* pq_boundary_order (other values kept as written) */
    uint8_t *bytes;               /* owned copy of the encoded index, which min/max point into */
} pq_column_index;

/* Decode a ColumnIndex / OffsetIndex from p[0..n) (base = file offset of p[0], for messages).
 * The decoders copy what they keep, so p may be freed afterwards. TN_CORRUPT for malformed or
 * inconsistent structures (lists of different lengths, missing required fields); TN_NOMEM.
 * *out is freed with pq_column_index_free / pq_offset_index_free. */
int pq_column_index_decode(const uint8_t *p, size_t n, uint64_t base, pq_column_index **out, tn_err *err);
int pq_offset_index_decode(const uint8_t *p, size_t n, uint64_t base, pq_offset_index **out, tn_err *err);
void pq_column_index_free(pq_column_index *ci);   /* NULL-safe */
void pq_offset_index_free(pq_offset_index *oi);   /* NULL-safe */
/* Read the ColumnIndex / OffsetIndex of leaf column chunk `leaf` of row group rg through the
 * file's VFS (ColumnChunk column_index_offset/length, offset_index_offset/length). *out = NULL
 * (TN_OK) when the chunk has none. A location outside the file is TN_CORRUPT. */
int pq_column_index_read(pq_file *f, uint32_t rg, int leaf, pq_column_index **out, tn_err *err);
int pq_offset_index_read(pq_file *f, uint32_t rg, int leaf, pq_offset_index **out, tn_err *err);

/* A set of rows of a row group: sorted, disjoint, non-adjacent half-open ranges [begin, end). */
typedef struct pq_row_range {
    uint64_t begin, end;
} pq_row_range;

typedef struct pq_row_ranges {
    pq_row_range *r;              /* owned */
    uint32_t n, cap;
    /* what the page index contributed (pq_row_group_select_rows) */
    uint64_t pages_total;         /* data pages of the predicate columns whose page index was used */
    uint64_t pages_skipped;       /* of those, pages the predicates of their column exclude */
    uint32_t indexes_used;        /* predicate columns whose page index was used */
    uint32_t indexes_ignored;     /* page indexes present but unusable (corrupt, inconsistent) */
} pq_row_ranges;

void pq_row_ranges_free(pq_row_ranges *r);        /* frees r->r, zeroes *r; NULL-safe */
uint64_t pq_row_ranges_count(const pq_row_ranges *r);
/* The rows of row group rg that may satisfy every predicate, according to the page indexes
 * (ColumnIndex + OffsetIndex) of the predicate columns: a page whose bounds / null information
 * prove that none of its rows satisfies the predicates on its column is excluded, the rows of
 * the remaining pages form that column's ranges, and the result is the intersection over the
 * predicate columns (all rows for a column without a usable page index). Corrupt or inconsistent
 * indexes are ignored (counted in indexes_ignored), never trusted; TN_IOERR / TN_NOMEM are
 * returned. *out is (re)initialised; free it with pq_row_ranges_free. */
int pq_row_group_select_rows(pq_file *f, uint32_t rg, const pq_predicate *preds, uint32_t npreds,
                             pq_row_ranges *out, tn_err *err);

/* Split-block Bloom filter of a column chunk (BloomFilter.md), bitset owned. */
typedef struct pq_bloom_filter {
    uint8_t *bitset;
    uint32_t nbytes;              /* a positive multiple of 32 */
} pq_bloom_filter;

/* Decode a BloomFilterHeader followed by its bitset from p[0..n) (a bare filter such as
 * parquet-testing's bloom_filter.xxhash.bin). The bitset is copied. TN_CORRUPT / TN_NOTSUP
 * (another algorithm, hash or compression) / TN_NOMEM. */
int pq_bloom_filter_decode(const uint8_t *p, size_t n, uint64_t base, pq_bloom_filter **out, tn_err *err);
/* Read the Bloom filter of leaf column chunk `leaf` of row group rg (ColumnMetaData
 * bloom_filter_offset; bloom_filter_length when present, else the header gives the size).
 * *out = NULL (TN_OK) when the chunk has none. */
int pq_bloom_filter_read(pq_file *f, uint32_t rg, int leaf, pq_bloom_filter **out, tn_err *err);
void pq_bloom_filter_free(pq_bloom_filter *bf);   /* NULL-safe */
/* May non-NULL value v (of the leaf's tarn type) be in column `node`'s filter? false only when it
 * is certainly absent. Values that cannot be hashed as the column stores them (NaN, types whose
 * physical form differs, out-of-range) answer true. */
bool pq_bloom_filter_may_contain(const pq_bloom_filter *bf, const pq_schema_node *node, const tn_value *v);
/* *may_match = false when some EQ or IN predicate's values are all certainly absent from the
 * Bloom filter of its column in row group rg. Missing, unusable or corrupt filters mean "may
 * match" (never an error); TN_IOERR / TN_NOMEM are returned. *filters_read counts the filters
 * read (may be NULL). */
int pq_row_group_bloom_may_match(pq_file *f, uint32_t rg, const pq_predicate *preds, uint32_t npreds,
                                 bool *may_match, uint32_t *filters_read, tn_err *err);

/* ---- additions (nested) ----
 * pq_column_reader_open also reads nested top-level fields (LIST / MAP / STRUCT at any depth,
 * legacy shapes included; reader internals in nested.h): pq_column_reader_next assembles every
 * leaf under the field into a nested vector of the field's type (util/vector.h layout; the leaf
 * vectors inside are FLAT), pq_column_reader_skip skips whole records. TN_NOTSUP remains for the
 * fields flagged unsupported (VARIANT, malformed LIST/MAP shapes; reason in unsupported_reason).
 * Statistics (pq_column_stats) and row-group pruning (pq_row_group_may_match) stay defined for
 * flat top-level leaves only; predicates on nested fields never prune. */

#endif
