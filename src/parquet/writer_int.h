/*
 * writer_int.h -- private state of the Parquet writer, shared by writer.c (file, row groups,
 * footer), writer_column.c (value staging, dictionary, pages) and writer_stats.c (column chunk
 * statistics). Not used outside those files.
 *
 * Data flow for one column of one slice (<= PQW_SLICE active rows of an input chunk):
 *   input vector (FLAT/CONST/DICT, any selection)
 *     -> gather: definition levels (1 = value, 0 = NULL), the storage index of every non-NULL
 *        value, and the slice row of every value
 *     -> stage: one typed loop converts the values to their Parquet physical form (INT8 -> int32,
 *        DECIMAL(38) -> 16 big-endian bytes, ...) in a scratch array
 *     -> statistics over the staged values
 *     -> page: levels appended; values either mapped through the column chunk's dictionary (hash
 *        table) to indexes, or PLAIN-encoded; a full page is encoded, compressed and appended
 *        (header + body) to the column chunk buffer.
 * When a row group is full, every column's dictionary page (if any data page used it) and its
 * buffered data pages are written to the file, and the RowGroup metadata is serialised at once
 * into a blob that the footer embeds. Memory is therefore bounded by one row group's encoded
 * pages plus the dictionaries.
 */
#ifndef TN_PQ_WRITER_INT_H
#define TN_PQ_WRITER_INT_H

#include "writer.h"
#include "parquet.h"
#include "codec.h"
#include "encoding.h"
#include "thrift_write.h"

#define PQW_SLICE 2048            /* rows staged at a time */
#define PQW_PAGE_MAX_ROWS 20000   /* rows per data page at most (bounds level/index arrays) */
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
} pqw_map;

/* Column chunk statistics accumulator. */
typedef struct pqw_stats {
    bool has;             /* a non-NULL, non-NaN value has been seen */
    int64_t null_count;
    int64_t nan_count;
    union { int32_t i32; uint32_t u32; int64_t i64; uint64_t u64; float f32; double f64; } min, max;
    pq_bytes bmin, bmax;  /* BYTES / DEC_BE orders: owned copies */
} pqw_stats;

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
    char *name;
    tn_type type;
    pqw_map m;
    bool dict_eligible;   /* dictionary encoding allowed for this column */
    /* ---- current page ---- */
    uint32_t *levels;     /* definition levels (grown up to PQW_PAGE_MAX_ROWS) */
    uint32_t levels_cap, idx_cap;
    uint32_t nrows;       /* rows (= levels) in the page */
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
    int64_t uncompressed; /* data pages incl. headers, uncompressed */
    uint32_t pages_dict, pages_plain;
    pqw_stats st;
} pqw_col;

struct pq_writer {
    vfs *fs;
    char *path, *tmp_path;
    vfs_file *f;
    uint64_t offset;           /* bytes written to the file so far */
    pq_write_options opt;
    char *created_by;
    uint32_t ncols;
    pqw_col *cols;
    uint64_t rows;             /* rows written (flushed or buffered) */
    uint64_t rg_rows;          /* rows buffered in the current row group */
    uint32_t nrg;              /* row groups written */
    pq_bytes rg_meta;          /* serialised RowGroup structs, back to back */
    bool failed;               /* an error happened: only close/abort are allowed */
    /* scratch, one slice */
    uint32_t *s_def;           /* PQW_SLICE definition levels */
    uint32_t *s_gather;        /* storage index per value */
    uint32_t *s_vrow;          /* slice row per value */
    uint64_t *s_vals;          /* staged values (PQW_SLICE * 16 bytes) */
    uint32_t *s_didx;          /* dictionary indexes of the slice */
    pq_bytes s_body, s_levels, s_hdr, s_tmp;
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

/* writer_stats.c */
void pqw_stats_reset(pqw_stats *s);
void pqw_stats_free(pqw_stats *s);
/* Fold nv staged values (physical form per c->m) into the statistics. TN_OK / TN_NOMEM. */
int pqw_stats_update(pqw_col *c, const void *vals, uint32_t nv);
/* Write the Statistics struct as field `id` of the current struct. */
void pqw_stats_write(const pqw_col *c, pq_tw *tw, int16_t id);

#endif
