/*
 * writer.h -- the Parquet writer (flat schemas in issue 2; nested in issue 3).
 *
 * Writes chunks of vectors into row groups of column chunks with data pages (v1 by default, v2 on
 * request), dictionary encoding with PLAIN fallback when the dictionary grows past a limit,
 * statistics (min/max under the column's sort order, null_count, distinct_count omitted) and
 * column orders, then the Thrift-compact FileMetaData footer. Atomic: the file is written to
 * "<path>.tmp-<pid>-<n>", fsynced, and renamed over <path> by pq_writer_close; pq_writer_abort
 * removes the temporary file. Memory is bounded by one row group's encoded size.
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
} pq_write_options;

void pq_write_options_default(pq_write_options *o);

typedef struct pq_writer pq_writer;

/* Start writing `ncols` columns named names[i] with types types[i] (flat tarn types). Copies
 * names/types. *out is freed by pq_writer_close or pq_writer_abort. */
int pq_writer_open(vfs *fs, const char *path, uint32_t ncols, const char *const *names, const tn_type *types,
                   const pq_write_options *opts, pq_writer **out, tn_err *err);
/* Append the active rows of chunk (honours chunk->sel; any vector kind). */
int pq_writer_write(pq_writer *w, const tn_chunk *chunk, tn_err *err);
/* Flush, write the footer, fsync, rename into place, free the writer. On error the temporary
 * file is removed and the writer freed all the same. */
int pq_writer_close(pq_writer *w, tn_err *err);
/* Discard everything written and free the writer. NULL-safe. */
void pq_writer_abort(pq_writer *w);
/* Rows written so far. */
uint64_t pq_writer_rows(const pq_writer *w);

#endif
