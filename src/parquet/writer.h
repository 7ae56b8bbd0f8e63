/*
 * writer.h -- the Parquet writer: flat columns and nested ones (LIST / MAP / STRUCT at any depth).
 *
 * Writes chunks of vectors into row groups of column chunks with data pages (v1 by default, v2 on
 * request), dictionary encoding with PLAIN (format v1) or DELTA_* / BYTE_STREAM_SPLIT / RLE
 * (format v2) fallback when the dictionary grows past a limit, statistics (min/max under the
 * column's sort order, null_count, distinct_count omitted) per column chunk and per page, column
 * orders, page CRCs, optional split-block Bloom filters (after each row group's column chunks),
 * the page index (ColumnIndex + OffsetIndex, after the last row group), key/value metadata and
 * field ids, then the Thrift-compact FileMetaData footer. Atomic: the file is written to
 * "<path>.tmp-<pid>-<n>", fsynced, and renamed over <path> by pq_writer_close; pq_writer_abort
 * removes the temporary file. Memory is bounded by one row group's encoded size.
 *
 * Nested columns (writer_nested.c) are written in the standard shapes: LIST as the 3-level
 * `<name> (LIST) { repeated group list { element } }`, MAP as `<name> (MAP) { repeated group
 * key_value { required key; value } }`, STRUCT as a plain group; every node OPTIONAL except map
 * keys. Each leaf is a column chunk with repetition/definition levels; pages start at record
 * boundaries (data page v2 num_rows and the page index first_row_index count top-level rows);
 * dictionary encoding, fallback and statistics work per leaf. NULL map keys are an error. Bloom
 * filters are not available for nested columns.
 *
 * Thread-safety: one writer is used by one thread at a time.
 */
#ifndef TN_PQ_WRITER_H
#define TN_PQ_WRITER_H

#include "../util/tn_base.h"
#include "../util/vector.h"
#include "../vfs/vfs.h"

typedef struct pq_write_options {
    int codec;                    /* enum pq_codec; default PQ_CODEC_SNAPPY */
    int compression_level;        /* 0 = codec default */
    uint64_t row_group_size;      /* rows per row group; default 122880 */
    uint64_t row_group_size_bytes;/* 0 = no byte limit */
    int page_version;             /* 1 or 2; default 1 */
    bool dictionary;              /* try dictionary encoding; default true */
    uint32_t dictionary_size_limit; /* bytes of dictionary before falling back to PLAIN; default 1 MiB */
    uint32_t page_size;           /* target uncompressed data page bytes; default 1 MiB */
    const char *created_by;       /* default "tarn version X" */

    /* ---- additions (issue "Parquet complete"); the defaults keep the earlier files readable
     * by every reader. Pointer fields point either at caller memory (kept alive while the options
     * are in use; pq_writer_open copies what it needs) or into storage owned by the options
     * (filled by pq_write_options_set / pq_write_options_copy, released by
     * pq_write_options_free). ---- */
    int parquet_version;          /* 1 (default): PLAIN fallback, FileMetaData.version 1. 2: data
                                     pages v2 (whatever page_version says) and, when a chunk is not
                                     dictionary-encoded: DELTA_BINARY_PACKED for INT32/INT64,
                                     DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY for BYTE_ARRAY
                                     (chosen per page by shared-prefix size), BYTE_STREAM_SPLIT for
                                     FLOAT/DOUBLE, RLE for BOOLEAN; FileMetaData.version 2 */
    bool page_checksum;           /* CRC32 of every page in PageHeader.crc; default true */
    bool page_index;              /* ColumnIndex + OffsetIndex after the row groups; default true */
    bool page_statistics;         /* Statistics in data page headers; default true */
    bool field_ids;               /* SchemaElement.field_id = 1..n depth first over the columns, struct
                                     fields, list elements, map keys and values (not the repeated
                                     list / key_value groups); default false */
    const char *const *bloom_filter_columns; /* flat columns (case-insensitive) that get a split-block */
    uint32_t nbloom_filter_columns;          /* Bloom filter per column chunk; default none */
    double bloom_filter_fpp;      /* target false-positive probability; default 0.01 */
    const char *const *kv_keys;   /* footer key/value metadata: nkv pairs; a NULL value is */
    const char *const *kv_values; /* written without value; kv_values may be NULL (all absent) */
    uint32_t nkv;
    /* COPY-level options (op_copy_parquet; pq_writer ignores them) */
    const char *const *partition_by; /* PARTITION_BY column names */
    uint32_t npartition_by;
    bool per_thread_output;       /* the target is a directory of data_<n>.parquet files */
    bool overwrite_or_ignore;     /* write into an existing non-empty target directory */
    uint32_t max_open_files;      /* partitioned writes: open files at most; default 100 */
    void *owned;                  /* storage of the options (internal) */
} pq_write_options;

void pq_write_options_default(pq_write_options *o);
/* Parse one option by name (case-insensitive), as COPY ... (NAME value) spells it, into *o:
 *   FORMAT 'parquet' (accepted, nothing else is); COMPRESSION | CODEC name; COMPRESSION_LEVEL n;
 *   ROW_GROUP_SIZE n; ROW_GROUP_SIZE_BYTES n | '128MB' | '1GiB'; DICTIONARY_SIZE_LIMIT n;
 *   PARQUET_VERSION 'v1' | 'v2' | 1 | 2; PAGE_CHECKSUM bool; PAGE_INDEX bool;
 *   PAGE_STATISTICS bool; FIELD_IDS bool | 'auto' | 'none'; BLOOM_FILTER_COLUMNS 'a, b';
 *   BLOOM_FILTER_FALSE_POSITIVE_RATIO | BLOOM_FILTER_FPP x (0 < x < 1);
 *   KV_METADATA 'k1=v1, k2=v2' (a key without '=' has no value); PARTITION_BY 'a, b';
 *   PER_THREAD_OUTPUT bool; OVERWRITE_OR_IGNORE bool;
 *   PARTITIONED_WRITE_MAX_OPEN_FILES | MAX_OPEN_FILES n.
 * Lists are one VARCHAR of comma-separated items for now (spaces around items trimmed, "..."
 * quotes around a name removed; keys and values cannot contain ',' or '='). Booleans accept
 * BOOLEAN, integers, or 'true'/'false'/'on'/'off'/'1'/'0'; value == NULL (option given without
 * a value) means true for booleans. Setting an option again replaces it. Unknown names and bad
 * values are TN_ERROR (TN_NOMEM on OOM) with a message naming the option; *o is then unchanged.
 * Strings are copied into storage owned by *o: call pq_write_options_free when done. */
int pq_write_options_set(pq_write_options *o, const char *name, const tn_value *value, tn_err *err);
/* Deep copy of src (every string and list) into *dst, which owns its copies. TN_OK / TN_NOMEM
 * (then *dst holds the defaults). */
int pq_write_options_copy(pq_write_options *dst, const pq_write_options *src, tn_err *err);
/* Release the storage owned by o and reset o to the defaults. NULL-safe. */
void pq_write_options_free(pq_write_options *o);
/* Resolve o->partition_by against output column names[0..ncols) (case-insensitive) into
 * idx[0..o->npartition_by) (caller array). TN_ERROR for an unknown or repeated column, or when
 * every column would be a partition column (nothing left to write). */
int pq_write_options_partition_indexes(const pq_write_options *o, uint32_t ncols, const char *const *names,
                                       uint32_t *idx, tn_err *err);

typedef struct pq_writer pq_writer;

/* Start writing `ncols` columns named names[i] with types types[i] (flat or nested tarn types;
 * INTERVAL is TN_NOTSUP, also inside nested types, as are STRUCTs without fields and nesting
 * deeper than 100 schema levels). Copies names/types. *out is freed by pq_writer_close or
 * pq_writer_abort. */
int pq_writer_open(vfs *fs, const char *path, uint32_t ncols, const char *const *names, const tn_type *types,
                   const pq_write_options *opts, pq_writer **out, tn_err *err);
/* Append the active rows of chunk (honours chunk->sel; any vector kind, at any nesting level of
 * nested vectors). A nested column's vector type must equal the declared type (TN_MISUSE). */
int pq_writer_write(pq_writer *w, const tn_chunk *chunk, tn_err *err);
/* Flush, write the footer, fsync, rename into place, free the writer. On error the temporary
 * file is removed and the writer freed all the same. */
int pq_writer_close(pq_writer *w, tn_err *err);
/* Discard everything written and free the writer. NULL-safe. */
void pq_writer_abort(pq_writer *w);
/* Rows written so far. */
uint64_t pq_writer_rows(const pq_writer *w);

#endif
