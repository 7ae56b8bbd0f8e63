/*
 * metadata.h -- decoded Parquet metadata (parquet.thrift FileMetaData and everything under it,
 * PageHeader and its sub-headers) plus the pq_file internals shared by the reader's files
 * (file.c, schema.c, column_reader.c, stats.c).
 *
 * Spec: apache/parquet-format src/main/thrift/parquet.thrift; field ids are listed next to each
 * member. Decoding is zero-copy for byte strings: pq_span members point into the buffer that was
 * decoded (the footer buffer owned by pq_file, or a column chunk buffer for page headers), so a
 * decoded struct is valid only while that buffer lives.
 *
 * Presence: optional fields carry a has_* flag; required fields are checked by the decoder
 * (TN_CORRUPT "missing required field ..."). Unknown fields and unknown union members are skipped
 * (forward compatibility); an unknown LogicalType member leaves logical.id = 0 with the raw id kept
 * in logical.raw_id, an unknown ColumnOrder member is PQ_ORDER_UNKNOWN.
 *
 * Bounds: list sizes are bounded by the remaining bytes divided by the smallest possible encoded
 * element, so the memory for a decoded footer is a small multiple of the footer's size.
 *
 * Ownership: pq_file_meta owns its arrays (freed by pq_file_meta_free); page headers own nothing.
 * Thread-safety: decoded metadata is immutable and may be read from any thread.
 */
#ifndef TN_PQ_METADATA_H
#define TN_PQ_METADATA_H

#include "../util/tn_base.h"
#include "../util/vector.h"
#include "../vfs/vfs.h"
#include "parquet.h"

/* Bytes inside a decoded buffer. */
typedef struct pq_span {
    const uint8_t *p;
    uint32_t n;
} pq_span;

/* parquet.thrift ConvertedType */
enum pq_converted_type {
    PQ_CT_UTF8 = 0, PQ_CT_MAP = 1, PQ_CT_MAP_KEY_VALUE = 2, PQ_CT_LIST = 3, PQ_CT_ENUM = 4,
    PQ_CT_DECIMAL = 5, PQ_CT_DATE = 6, PQ_CT_TIME_MILLIS = 7, PQ_CT_TIME_MICROS = 8,
    PQ_CT_TIMESTAMP_MILLIS = 9, PQ_CT_TIMESTAMP_MICROS = 10, PQ_CT_UINT_8 = 11, PQ_CT_UINT_16 = 12,
    PQ_CT_UINT_32 = 13, PQ_CT_UINT_64 = 14, PQ_CT_INT_8 = 15, PQ_CT_INT_16 = 16, PQ_CT_INT_32 = 17,
    PQ_CT_INT_64 = 18, PQ_CT_JSON = 19, PQ_CT_BSON = 20, PQ_CT_INTERVAL = 21
};

/* parquet.thrift LogicalType union member ids */
enum pq_logical_id {
    PQ_LT_NONE = 0, PQ_LT_STRING = 1, PQ_LT_MAP = 2, PQ_LT_LIST = 3, PQ_LT_ENUM = 4,
    PQ_LT_DECIMAL = 5, PQ_LT_DATE = 6, PQ_LT_TIME = 7, PQ_LT_TIMESTAMP = 8, /* 9 reserved */
    PQ_LT_INTEGER = 10, PQ_LT_UNKNOWN = 11, PQ_LT_JSON = 12, PQ_LT_BSON = 13, PQ_LT_UUID = 14,
    PQ_LT_FLOAT16 = 15, PQ_LT_VARIANT = 16, PQ_LT_GEOMETRY = 17, PQ_LT_GEOGRAPHY = 18,
    PQ_LT_VECTOR = 19
};

/* parquet.thrift TimeUnit union member ids */
enum pq_time_unit_id { PQ_TU_NONE = 0, PQ_TU_MILLIS = 1, PQ_TU_MICROS = 2, PQ_TU_NANOS = 3 };

/* parquet.thrift ColumnOrder union member ids */
enum pq_column_order_id {
    PQ_ORDER_UNKNOWN = 0, PQ_ORDER_TYPE_DEFINED = 1, PQ_ORDER_IEEE754_TOTAL = 2, PQ_ORDER_INT96 = 3
};

/* parquet.thrift PageType */
enum pq_page_type { PQ_PAGE_DATA = 0, PQ_PAGE_INDEX = 1, PQ_PAGE_DICTIONARY = 2, PQ_PAGE_DATA_V2 = 3 };

/* Statistics: 1 max, 2 min (deprecated, signed order), 3 null_count, 4 distinct_count,
 * 5 max_value, 6 min_value, 7 is_max_value_exact, 8 is_min_value_exact, 9 nan_count. */
typedef struct pq_statistics {
    bool present;
    bool has_max, has_min, has_max_value, has_min_value;
    bool has_null_count, has_distinct_count, has_nan_count;
    bool has_is_max_exact, is_max_exact, has_is_min_exact, is_min_exact;
    pq_span max, min, max_value, min_value;
    int64_t null_count, distinct_count, nan_count;
} pq_statistics;

/* LogicalType union (SchemaElement field 10). */
typedef struct pq_logical_type {
    int id;          /* pq_logical_id of a recognised member, PQ_LT_NONE if absent/unrecognised */
    int raw_id;      /* the member id as written (also for unrecognised ones), 0 if absent */
    int32_t dec_scale, dec_precision;  /* DECIMAL: 1 scale, 2 precision */
    bool utc;        /* TIME/TIMESTAMP: 1 isAdjustedToUTC */
    int unit;        /* TIME/TIMESTAMP: 2 unit (pq_time_unit_id) */
    int bit_width;   /* INTEGER: 1 bitWidth */
    bool is_signed;  /* INTEGER: 2 isSigned */
} pq_logical_type;

/* SchemaElement: 1 type, 2 type_length, 3 repetition_type, 4 name, 5 num_children,
 * 6 converted_type, 7 scale, 8 precision, 9 field_id, 10 logicalType, 11 vector_length. */
typedef struct pq_schema_element {
    bool has_type, has_type_length, has_repetition, has_num_children, has_converted_type;
    bool has_scale, has_precision, has_field_id;
    int32_t type, type_length, repetition, num_children, converted_type, scale, precision, field_id;
    pq_span name;
    pq_logical_type logical;
} pq_schema_element;

/* KeyValue: 1 key, 2 value (optional). */
typedef struct pq_kv {
    pq_span key, value;
    bool has_value;
} pq_kv;

/* ColumnMetaData: 1 type, 2 encodings, 3 path_in_schema, 4 codec, 5 num_values,
 * 6 total_uncompressed_size, 7 total_compressed_size, 8 key_value_metadata, 9 data_page_offset,
 * 10 index_page_offset, 11 dictionary_page_offset, 12 statistics, 13 encoding_stats,
 * 14 bloom_filter_offset, 15 bloom_filter_length (16 size_statistics, 17 geospatial skipped). */
typedef struct pq_column_meta {
    int32_t type;
    uint32_t encodings;       /* bit e set for each Encoding e < 32 listed */
    pq_span *path;            /* path_in_schema */
    uint32_t npath;
    int32_t codec;
    int64_t num_values, total_uncompressed_size, total_compressed_size;
    pq_kv *kv;
    uint32_t nkv;
    int64_t data_page_offset;
    bool has_index_page_offset, has_dictionary_page_offset;
    int64_t index_page_offset, dictionary_page_offset;
    pq_statistics stats;
    bool has_bloom_filter_offset, has_bloom_filter_length;
    int64_t bloom_filter_offset;
    int32_t bloom_filter_length;
} pq_column_meta;

/* ColumnChunk: 1 file_path, 2 file_offset, 3 meta_data, 4 offset_index_offset,
 * 5 offset_index_length, 6 column_index_offset, 7 column_index_length, 8 crypto_metadata,
 * 9 encrypted_column_metadata. */
typedef struct pq_column_chunk {
    bool has_file_path;
    pq_span file_path;
    int64_t file_offset;
    pq_column_meta *meta;     /* NULL when absent (encrypted columns) */
    bool has_offset_index, has_column_index;
    int64_t offset_index_offset, column_index_offset;
    int32_t offset_index_length, column_index_length;
    bool has_crypto_metadata, has_encrypted_column_metadata;
} pq_column_chunk;

/* SortingColumn: 1 column_idx, 2 descending, 3 nulls_first. */
typedef struct pq_sorting_column {
    int32_t column_idx;
    bool descending, nulls_first;
} pq_sorting_column;

/* RowGroup: 1 columns, 2 total_byte_size, 3 num_rows, 4 sorting_columns, 5 file_offset,
 * 6 total_compressed_size, 7 ordinal. */
typedef struct pq_row_group {
    pq_column_chunk *columns;
    uint32_t ncolumns;
    int64_t total_byte_size, num_rows;
    pq_sorting_column *sorting;
    uint32_t nsorting;
    bool has_file_offset, has_total_compressed_size, has_ordinal;
    int64_t file_offset, total_compressed_size;
    int16_t ordinal;
} pq_row_group;

/* FileMetaData: 1 version, 2 schema, 3 num_rows, 4 row_groups, 5 key_value_metadata,
 * 6 created_by, 7 column_orders, 8 encryption_algorithm, 9 footer_signing_key_metadata. */
typedef struct pq_file_meta {
    int32_t version;
    pq_schema_element *schema;
    uint32_t nschema;
    int64_t num_rows;
    pq_row_group *row_groups;
    uint32_t nrow_groups;
    pq_kv *kv;
    uint32_t nkv;
    bool has_created_by;
    pq_span created_by;
    bool has_column_orders;
    uint8_t *column_orders;   /* pq_column_order_id per leaf */
    uint32_t ncolumn_orders;
    bool has_encryption_algorithm, has_footer_signing_key_metadata;
    void *arena;              /* every allocation above, freed together */
} pq_file_meta;

/* Decode FileMetaData from footer[0..n) (file offset base). On failure *out is freed and zeroed. */
int pq_file_meta_decode(const uint8_t *footer, size_t n, uint64_t base, pq_file_meta *out, tn_err *err);
void pq_file_meta_free(pq_file_meta *m);

/* PageHeader: 1 type, 2 uncompressed_page_size, 3 compressed_page_size, 4 crc,
 * 5 data_page_header, 6 index_page_header, 7 dictionary_page_header, 8 data_page_header_v2. */
typedef struct pq_page_header {
    int32_t type;
    int32_t uncompressed_page_size, compressed_page_size;
    bool has_crc;
    uint32_t crc;
    bool has_data, has_dict, has_v2;
    /* DataPageHeader: 1 num_values, 2 encoding, 3 definition_level_encoding,
     * 4 repetition_level_encoding, 5 statistics */
    struct {
        int32_t num_values, encoding, def_encoding, rep_encoding;
        pq_statistics stats;
    } data;
    /* DictionaryPageHeader: 1 num_values, 2 encoding, 3 is_sorted */
    struct {
        int32_t num_values, encoding;
        bool is_sorted;
    } dict;
    /* DataPageHeaderV2: 1 num_values, 2 num_nulls, 3 num_rows, 4 encoding,
     * 5 definition_levels_byte_length, 6 repetition_levels_byte_length, 7 is_compressed
     * (default true), 8 statistics */
    struct {
        int32_t num_values, num_nulls, num_rows, encoding, def_len, rep_len;
        bool is_compressed;
        pq_statistics stats;
    } v2;
} pq_page_header;

/* Decode a PageHeader from p[0..n) (file offset base); *hdr_len = bytes the header occupied.
 * `what` names the structure in messages, e.g. "column chunk 3 (c_str) page header". Checks
 * required fields and that sizes and counts are non-negative. */
int pq_page_header_decode(const uint8_t *p, size_t n, uint64_t base, const char *what,
                          pq_page_header *out, size_t *hdr_len, tn_err *err);

/* ---- pq_file internals (file.c owns the struct; schema.c builds the tree) ---- */
struct pq_file {
    int64_t refcnt;          /* atomic */
    vfs *fs;
    vfs_file *fh;
    char *path;
    uint64_t size;           /* file size in bytes */
    uint8_t *footer;         /* FileMetaData bytes (pq_span members point here) */
    size_t footer_len;
    uint64_t footer_off;
    pq_file_meta meta;
    pq_schema_node *root;
    pq_schema_node **leaves; /* by leaf (column chunk) index */
    uint32_t nleaves;
    char *created_by;        /* NUL-terminated copy, or NULL */
    /* additions (nested): */
    tn_type *leaf_types;     /* by leaf index: type of one value (repeated leaves: the element) */
    struct pq_rfield *rfields; /* by top-level field: reader trees (nested.h) */
    uint32_t nrfields;
};

/* Build f->root / f->leaves / f->leaf_types / f->rfields from f->meta.schema (bounds-checked,
 * depth-limited). */
int pq_schema_build(pq_file *f, tn_err *err);
void pq_schema_free(pq_schema_node *root);
/* Free f->rfields and f->leaf_types. */
void pq_schema_free_readers(pq_file *f);
/* Leaf index of a flat top-level field, or -1 if the field is a group / repeated. */
int pq_schema_flat_leaf(const pq_schema_node *field);

/* Page CRC verification switch (parquet.h declares pq_verify_page_crc). */

/* ---- statistics bounds, shared by stats.c (chunk statistics) and page_index.c (ColumnIndex) ----
 * Decode one PLAIN-encoded min/max bound p[0..len) into a value of leaf n's tarn type; false when
 * it is unusable (wrong size, unsupported type, decimal wider than 128 bits). With borrow, string
 * values point into p (the caller must not tn_value_free them); otherwise they are copied. */
bool pq_bound_decode(const pq_schema_node *n, const uint8_t *p, uint32_t len, bool borrow, tn_value *out);
/* Compare two non-null values of type t: <0, 0, >0; *ok = false when they have no order (NaN,
 * unsupported types). Byte-wise for strings, unsigned for UINT*, as the Parquet sort orders say. */
int pq_value_cmp(tn_type t, const tn_value *a, const tn_value *b, bool *ok);

#endif
