/*
 * writer_int.h -- private state of the Parquet writer, shared by writer.c (file, row groups,
 * footer), writer_column.c (value staging, dictionary, pages) and writer_stats.c (column chunk
 * statistics). Not used outside those files.
 *
 * Data flow for one flat column of one slice (<= PQW_SLICE active rows of an input chunk; nested
 * columns are first shredded into levels and gather indexes per leaf by writer_nested.c, then
 * follow the same stage / statistics / page path with repetition levels and record-aligned
 * page ends):
 *   input vector (FLAT/CONST/DICT, any selection)
 *     -> gather: definition levels (1 = value, 0 = NULL), the storage index of every non-NULL
 *        value, and the slice row of every value
 *     -> stage: one typed loop converts the values to their Parquet physical form (INT8 -> int32,
 *        DECIMAL(38) -> 16 big-endian bytes, ...) in a scratch array
 *     -> statistics over the staged values
 *     -> page: levels appended; values either mapped through the column chunk's dictionary (hash
 *        table) to indexes, or PLAIN-encoded; a full page is encoded, compressed and appended
 *        (header + body) to the column chunk buffer.
 * Every page keeps its own statistics (pqw_col.pst): they go into the page header, become the
 * page's ColumnIndex entry (pqw_page) and are then merged into the column chunk's statistics.
 * When a row group is full, every column's dictionary page (if any data page used it) and its
 * buffered data pages are written to the file, then the requested Bloom filters, and the
 * ColumnChunk metadata is serialised at once (up to, not including, the page index locations,
 * which are only known at close; pqw_rg records where each ColumnChunk's bytes are). The
 * ColumnIndex / OffsetIndex structs are serialised at the same time into two in-memory buffers
 * written after the last row group. Memory is therefore bounded by one row group's encoded pages
 * plus the dictionaries plus the compact metadata of finished row groups.
 */
#ifndef TN_PQ_WRITER_INT_H
#define TN_PQ_WRITER_INT_H

#include "writer.h"
#include "parquet.h"
#include "codec.h"
#include "encoding.h"
#include "thrift_write.h"
#include "bloom.h"

#define PQW_SLICE 2048            /* rows staged at a time */
#define PQW_PAGE_MAX_ROWS 20000   /* level slots per data page at most (bounds level/index arrays),
                                     unless one record of a nested column has more */
#define PQW_DICT_MAX_ENTRIES (1u << 20)
#define PQW_STATS_MAX 64          /* bytes kept of a string min/max */
/* Dictionary effectiveness check: once a chunk has sent this many values through the dictionary,
 * a dictionary holding more than 3/4 as many entries as values is abandoned (PLAIN fallback). */
#define PQW_DICT_PROBE_VALUES 10000

/* How a tarn value becomes its Parquet physical value. */
typedef enum pqw_conv {
    PQW_CV_NULL,      /* TN_T_NULL: every value is NULL */
    PQW_CV_BOOL,      /* uint8 -> 0/1 */
    PQW_CV_I8_I32, PQW_CV_I16_I32, PQW_CV_I32_I32,
    PQW_CV_U8_I32, PQW_CV_U16_I32, PQW_CV_U32_I32,
    PQW_CV_I64_I32,   /* int64 that must fit int32 (DECIMAL p<=9, TIME millis) */
    PQW_CV_I64_I64,   /* int64/uint64/TIME/TIMESTAMP/DECIMAL p<=18 */
    PQW_CV_F32, PQW_CV_F64,
    PQW_CV_STR,       /* tn_str views (BYTE_ARRAY) */
    PQW_CV_I128_BE,   /* tn_i128 -> type_length big-endian two's complement bytes */
    PQW_CV_RAW16      /* UUID: 16 raw bytes */
} pqw_conv;

/* Sort order of the physical values for statistics (ColumnOrder TYPE_ORDER). */
typedef enum pqw_order {
    PQW_ORD_NONE, PQW_ORD_BOOL, PQW_ORD_I32, PQW_ORD_U32, PQW_ORD_I64, PQW_ORD_U64, PQW_ORD_F32,
    PQW_ORD_F64, PQW_ORD_BYTES,  /* unsigned byte-wise */
    PQW_ORD_DEC_BE               /* fixed-width big-endian two's complement (signed) */
} pqw_order;

/* Schema mapping of one column. */
typedef struct pqw_map {
    int phys;           /* enum pq_physical_type */
    int type_length;    /* FIXED_LEN_BYTE_ARRAY width, else 0 */
    int converted;      /* ConvertedType, -1 if none */
    int logical;        /* LogicalType union id, 0 if none */
    int scale, precision;
    int int_bits;       /* INTEGER logical type */
    bool int_signed;
    int time_unit;      /* TimeUnit union id: 1 MILLIS, 2 MICROS, 3 NANOS */
    bool utc;           /* TIME/TIMESTAMP isAdjustedToUTC */
    pqw_conv conv;
    pqw_order order;
    bool utf8;          /* text: truncate statistics at character boundaries */
    size_t width;       /* bytes per staged value (sizeof(tn_str) for BYTE_ARRAY) */
    tn_i128 dec_max;    /* PQW_CV_I128_BE: largest magnitude allowed, 10^precision - 1 */
} pqw_map;

/* Column chunk statistics accumulator. */
typedef struct pqw_stats {
    bool has;             /* a non-NULL, non-NaN value has been seen */
    int64_t null_count;
    int64_t nan_count;
    union { int32_t i32; uint32_t u32; int64_t i64; uint64_t u64; float f32; double f64; } min, max;
    pq_bytes bmin, bmax;  /* BYTES / DEC_BE orders: owned copies */
} pqw_stats;

/* One data page of the current column chunk (page index). */
typedef struct pqw_page {
    uint64_t offset;          /* of the page header within the chunk buffer */
    uint32_t size;            /* header + body bytes */
    int64_t first_row;        /* row of the column chunk the page starts with */
    int64_t null_count, nan_count;
    bool null_page;           /* no non-NULL values */
    bool nan_only;            /* non-NULL values, all NaN: no bounds exist */
    uint32_t min_off, min_len, max_off, max_len; /* bounds in pqw_col.bounds */
} pqw_page;

/* Min/max of a statistics accumulator as written (PLAIN bytes, byte arrays truncated). minp/maxp
 * may point into the struct itself or into the pqw_stats: use before either changes. */
typedef struct pqw_bounds {
    bool has;                 /* min/max exist (some non-NULL, non-NaN value; an ordered type) */
    bool legacy;              /* also write the deprecated signed min/max fields */
    bool min_exact, max_exact;
    const uint8_t *minp, *maxp;
    size_t minlen, maxlen;
    uint8_t minb[16], maxb[16], maxtrunc[PQW_STATS_MAX];
} pqw_bounds;

/* Set of distinct 64-bit hashes (Bloom filter sizing): open addressing, 0 marks empty slots
 * (hash 0 is kept in has_zero). */
typedef struct pqw_hset {
    uint64_t *slots;
    uint32_t nslots, count;
    bool has_zero;
} pqw_hset;

#define PQW_NENC 10 /* Encoding ids 0..9 */

/* Dictionary of one column chunk: open-addressing hash table over entry numbers. */
typedef struct pqw_dict {
    uint64_t *slots;      /* 0 = empty, else (32-bit hash << 32) | (entry + 1); power-of-two count */
    uint32_t nslots;
    uint32_t count;       /* entries */
    uint32_t *offs;       /* BYTE_ARRAY: offset of entry i's length prefix in vals */
    uint32_t cap;         /* capacity of offs */
    pq_bytes vals;        /* PLAIN-encoded entries: exactly the dictionary page body */
} pqw_dict;

typedef struct pqw_col {
    char *name;           /* flat: the column name; nested leaf: its path_in_schema joined by '.' */
    tn_type type;         /* flat tarn type of the values */
    pqw_map m;
    bool dict_eligible;   /* dictionary encoding allowed for this column */
    /* ---- leaf position in the schema (writer_nested.c) ---- */
    uint16_t max_def, max_rep; /* flat columns: 1 and 0 */
    const char **path;    /* nested leaves: path_in_schema (array owned, names borrowed from the
                             field and its type); NULL for flat columns (path = {name}) */
    uint32_t npath;
    /* ---- current page ---- */
    uint32_t *levels;     /* definition levels (grown up to PQW_PAGE_MAX_ROWS, beyond only for a
                             single record that is larger) */
    uint32_t *reps;       /* repetition levels (max_rep > 0) */
    uint32_t levels_cap, reps_cap, idx_cap;
    uint32_t nrows;       /* level slots in the page (flat: rows) */
    uint32_t nrecs;       /* records (top-level rows) in the page: slots with repetition level 0 */
    uint32_t nvals;       /* non-NULL values in the page */
    uint32_t *idx;        /* dictionary indexes of the page's values (dictionary mode) */
    pq_bytes pvals;       /* PLAIN values of the page (plain mode) */
    uint32_t nbits;       /* BOOLEAN: bits used in pvals */
    /* ---- current column chunk ---- */
    bool dict_on;         /* pages are dictionary-encoded (until fallback) */
    bool dict_used;       /* a data page referenced the dictionary */
    pqw_dict dict;
    pq_bytes chunk;       /* encoded data pages (header + body each) */
    uint64_t dict_values; /* values encoded through the dictionary in this chunk */
    int64_t num_values;   /* levels in the chunk */
    int64_t chunk_rows;   /* records in the chunk's encoded pages (page index first_row_index) */
    int64_t uncompressed; /* data pages incl. headers, uncompressed */
    uint32_t pages_enc[PQW_NENC]; /* data pages per value encoding */
    pqw_stats st;         /* column chunk statistics (merged page statistics) */
    pqw_stats pst;        /* statistics of the page in progress */
    /* ---- page index of the current column chunk ---- */
    pqw_page *pages;
    uint32_t npages, pages_cap;
    pq_bytes bounds;      /* min/max bytes of the pages */
    /* ---- Bloom filter of the current column chunk ---- */
    bool bloom;           /* requested for this column */
    pqw_hset bset;        /* distinct hashes of the values written PLAIN (dictionary entries are
                             hashed when the chunk ends) */
    uint8_t *bloom_bits;  /* set once bset outgrew pq_bloom_max_ndv: a full-size bitset */
} pqw_col;

/* Where one column chunk's metadata and page index entries are. */
typedef struct pqw_chunkloc {
    size_t meta_end;      /* end of the ColumnChunk prefix in pq_writer.rg_meta */
    bool has_ci, has_oi;
    uint64_t ci_off, oi_off; /* within ci_buf / oi_buf */
    uint32_t ci_len, oi_len;
} pqw_chunkloc;

/* A finished row group (RowGroup fields after the column list). */
typedef struct pqw_rg {
    size_t meta_start;    /* first ColumnChunk prefix in rg_meta */
    int64_t total_byte_size, num_rows, file_offset, total_compressed_size;
} pqw_rg;

/* Per-column result of writing a row group's column chunk (flush scratch). */
typedef struct pqw_flushed {
    int64_t start, data_off, dict_off, compressed, uncompressed;
    bool has_dict;
    int64_t bloom_off;
    int32_t bloom_len;    /* 0: no Bloom filter */
} pqw_flushed;

/* Node of a nested field's shredding plan (writer_nested.c), mirroring the field's tarn type.
 * Levels: `present` is the definition level a slot reaches when this node's value exists (the
 * parent's level + 1, or + 0 for a REQUIRED node: map keys and the key_value group); LIST/MAP
 * elements exist at present + 1 and repeat at elem_rep. Scratch slot arrays are grow-only and
 * reused batch after batch. */
typedef enum pqw_nkind { PQW_NK_LEAF, PQW_NK_STRUCT, PQW_NK_LIST, PQW_NK_MAP } pqw_nkind;

typedef struct pqw_node {
    uint8_t kind;         /* pqw_nkind */
    bool required;        /* REQUIRED in the schema: a NULL is an error */
    uint16_t present;     /* definition level of a non-NULL value of this node */
    uint16_t elem_rep;    /* LIST/MAP: repetition level of the elements */
    uint32_t leaf;        /* LEAF: index in pq_writer.cols */
    const char *name;     /* schema name (borrowed) */
    tn_type type;
    struct pqw_node *children; /* STRUCT: fields; LIST: [element]; MAP: [key_value] (a required
                                  STRUCT node whose children are key and value) */
    uint32_t nchildren;
    uint32_t *s_rep, *s_def, *s_row; /* slots out of this node (LEAF: s_def = levels, s_row =
                                        value gather index, s_rep = slot of each value) */
    uint32_t s_cap;
} pqw_node;

/* A top-level column of the file. */
typedef struct pqw_field {
    char *name;
    tn_type type;
    uint32_t leaf0, nleaves; /* its leaves in pq_writer.cols */
    pqw_node *root;          /* nested types: shredding plan; NULL for flat columns */
} pqw_field;

struct pq_writer {
    vfs *fs;
    char *path, *tmp_path;
    vfs_file *f;
    uint64_t offset;           /* bytes written to the file so far */
    pq_write_options opt;
    char *created_by;
    uint32_t nfields;          /* top-level columns */
    pqw_field *fields;
    uint32_t ncols;            /* leaf columns (column chunks per row group) */
    pqw_col *cols;
    uint32_t nschema;          /* SchemaElements below the root */
    uint64_t rows;             /* rows written (flushed or buffered) */
    uint64_t rg_rows;          /* rows buffered in the current row group */
    uint32_t nrg;              /* row groups written */
    pq_bytes rg_meta;          /* serialised ColumnChunk prefixes (ColumnChunk fields 2 and 3) */
    pqw_rg *rgs;               /* nrg finished row groups */
    uint32_t rgs_cap;
    pqw_chunkloc *locs;        /* nrg * ncols */
    pqw_flushed *flushed;      /* ncols */
    pq_bytes ci_buf, oi_buf;   /* serialised ColumnIndex / OffsetIndex structs */
    bool v2enc;                /* format v2 encodings */
    int page_version;          /* data page version actually written */
    char **kv_keys, **kv_values; /* copies of the key/value metadata */
    uint32_t nkv;
    bool failed;               /* an error happened: only close/abort are allowed */
    /* scratch, one slice */
    uint32_t *s_def;           /* PQW_SLICE definition levels */
    uint32_t *s_gather;        /* storage index per value */
    uint32_t *s_vrow;          /* slice row per value */
    uint64_t *s_vals;          /* staged values (PQW_SLICE * 16 bytes) */
    uint32_t *s_didx;          /* dictionary indexes of the slice */
    pq_bytes s_body, s_levels, s_hdr, s_tmp, s_enc;
    uint32_t *s_u32;           /* values of a page (RLE booleans), lazily allocated */
    tn_str *s_strs;            /* views of a page (DELTA_* byte arrays), lazily allocated */
    uint32_t s_u32_cap, s_strs_cap;
    pq_bytes s_reps;           /* encoded repetition levels of a page */
    /* scratch of nested fields (writer_nested.c), grown as needed */
    uint32_t *n_row, *n_zero;  /* PQW_SLICE top-level rows / zero levels */
    void *n_vals;              /* staged values of a leaf batch */
    uint32_t *n_didx;          /* their dictionary indexes */
    size_t n_vals_cap;
    uint32_t n_didx_cap;
};

/* writer_column.c */
int pqw_map_type(tn_type t, const char *name, pqw_map *m, tn_err *err);
int pqw_col_init(pq_writer *w, pqw_col *c);
void pqw_col_free(pqw_col *c);
/* Append active rows [a, b) of the chunk's column `ci` (at most PQW_SLICE) to column c. */
int pqw_col_append(pq_writer *w, pqw_col *c, const tn_chunk *ch, uint32_t ci, uint32_t a, uint32_t b,
                   tn_err *err);
/* Encode the pending page (if any) into the chunk buffer. */
int pqw_col_flush_page(pq_writer *w, pqw_col *c, tn_err *err);
/* Bytes the column currently buffers (pages, page in progress, dictionary). */
uint64_t pqw_col_buffered(const pqw_col *c);
/* Encode the dictionary page (header + compressed body) into out. */
int pqw_col_dict_page(pq_writer *w, pqw_col *c, pq_bytes *out, int64_t *uncompressed, tn_err *err);
/* Forget the column chunk after it was written (keeps allocations). */
void pqw_col_reset_chunk(pq_writer *w, pqw_col *c);

/* Append level slots [0, n) of a nested leaf: repetition levels rep (NULL: every slot starts a
 * record), definition levels def, and the nv non-NULL values src[g[j]] (any storage the leaf's
 * type uses), value j belonging to slot vslot[j] (ascending). Pages end on record boundaries. */
int pqw_col_append_levels(pq_writer *w, pqw_col *c, uint32_t n, const uint32_t *rep, const uint32_t *def,
                          const void *src, const uint32_t *g, const uint32_t *vslot, uint32_t nv, tn_err *err);

/* writer_nested.c: nested fields */
/* Leaves and schema elements of a field of type t (1 and 1 for flat types). TN_NOTSUP when the
 * type nests deeper than the schema allows. */
int pqw_field_count(tn_type t, const char *name, uint32_t *nleaves, uint32_t *nelems, tn_err *err);
/* Build the shredding plan of nested field f whose leaves start at w->cols[f->leaf0] (filled:
 * name, type, mapping, levels, path). */
int pqw_field_plan(pq_writer *w, pqw_field *f, tn_err *err);
void pqw_field_free(pqw_field *f);
/* Shred active rows [a, b) (at most PQW_SLICE) of chunk column ci into f's leaves. */
int pqw_field_append(pq_writer *w, pqw_field *f, const tn_chunk *ch, uint32_t ci, uint32_t a, uint32_t b,
                     tn_err *err);
/* Write f's SchemaElements (depth first); *next_id numbers the field ids when >= 0. */
void pqw_field_schema(const pq_writer *w, const pqw_field *f, pq_tw *tw, int32_t *next_id);
/* writer.c: one leaf SchemaElement (name, repetition, field_id < 0: none). */
void pqw_schema_leaf(pq_tw *tw, const pqw_col *c, const char *name, int repetition, int32_t field_id);

/* writer_stats.c */
void pqw_stats_reset(pqw_stats *s);
void pqw_stats_free(pqw_stats *s);
/* Fold nv staged values (physical form per c->m) into s. TN_OK / TN_NOMEM. */
int pqw_stats_update(const pqw_col *c, pqw_stats *s, const void *vals, uint32_t nv);
/* Fold the statistics src (of the same column) into dst. TN_OK / TN_NOMEM. */
int pqw_stats_merge(const pqw_col *c, pqw_stats *dst, const pqw_stats *src);
/* The min/max of s as written. */
void pqw_stats_bounds(const pqw_col *c, const pqw_stats *s, pqw_bounds *b);
/* Write the Statistics struct of s as field `id` of the current struct. */
void pqw_stats_write(const pqw_col *c, const pqw_stats *s, pq_tw *tw, int16_t id);
/* Three-way comparison of two written bounds under the column's order. */
int pqw_bounds_cmp(const pqw_col *c, const uint8_t *a, size_t na, const uint8_t *b, size_t nb);

/* writer_index.c: page index and Bloom filters */
/* Record the page just encoded (its statistics are c->pst, rows c->nrows, values c->nvals). */
int pqw_index_add_page(pq_writer *w, pqw_col *c, uint64_t offset, uint32_t size, tn_err *err);
/* Serialise the column chunk's ColumnIndex / OffsetIndex (data pages start at file offset
 * data_off) into w->ci_buf / w->oi_buf and fill loc. */
int pqw_index_write_chunk(pq_writer *w, pqw_col *c, int64_t data_off, pqw_chunkloc *loc, tn_err *err);
/* Hash staged values [v0, v1) written PLAIN into the column's Bloom filter set. */
int pqw_bloom_add(pq_writer *w, pqw_col *c, const void *stagev, uint32_t v0, uint32_t v1, tn_err *err);
/* Build the column chunk's filter (header + bitset) into out. */
int pqw_bloom_build(pq_writer *w, pqw_col *c, pq_bytes *out, tn_err *err);
/* Forget the chunk's page records and Bloom state (keeps allocations where useful). */
void pqw_index_reset_chunk(pqw_col *c);
void pqw_index_free(pqw_col *c);

/* writer_options.c */
/* Validate the options pq_writer_open receives. */
int pqw_options_validate(const pq_write_options *o, tn_err *err);

#endif
