/*
 * reader_int.h -- internals of the column reader shared by column_reader.c (pages, values, the
 * flat reader) and leaf_levels.c (level mode for the leaves of nested fields, nested.h): the
 * reader struct and the page / value primitives both use.
 *
 * Spec: see column_reader.c. Not for use outside src/parquet.
 */
#ifndef TN_PQ_READER_INT_H
#define TN_PQ_READER_INT_H

#include "../util/bufpool.h"
#include "metadata.h"
#include "encoding.h"
#include "nested.h"

enum conv_kind {
    CV_NULL, CV_BOOL, CV_COPY, CV_I32_I8, CV_I32_I16, CV_I32_I64, CV_I32_I128, CV_I64_I128,
    CV_INT96, CV_F16, CV_INTERVAL, CV_BE_DEC64, CV_BE_DEC128, CV_STR
};

enum src_mode { SM_NONE, SM_PLAIN_FIXED, SM_PLAIN_BOOL, SM_PLAIN_BA, SM_RLE_BOOL, SM_DICT, SM_STRS };

/* Where the values of the current page (or the dictionary page) come from. */
typedef struct val_src {
    int mode;
    const uint8_t *p, *end;  /* PLAIN cursor (also fixed-width scratch) */
    uint64_t bit;            /* SM_PLAIN_BOOL: bit position from p */
    tn_buf *buf;             /* buffer p points into: string views keep it alive (borrowed) */
    tn_buf *heap;            /* SM_STRS: DELTA_BYTE_ARRAY heap (borrowed) */
    pq_rle_decoder rle;      /* SM_DICT indexes / SM_RLE_BOOL */
    const tn_str *strs;      /* SM_STRS */
    uint32_t nstrs, spos;
} val_src;

struct pq_column_reader {
    pq_file *f;
    const pq_schema_node *node;
    const pq_column_meta *md;
    tn_type type;
    int pt;                  /* physical type */
    uint32_t pw;             /* physical value width in bytes (0 for BOOLEAN, BYTE_ARRAY) */
    int conv;
    int max_def;
    int def_bw;
    char what[384];          /* "<path>: column chunk N (name) of row group R" */
    char ph_what[160];       /* "column chunk N (name) of row group R page header" */

    tn_buf *chunk;
    uint64_t chunk_off;      /* file offset of chunk->data[0] */
    size_t pos;              /* next page header, relative to chunk start */
    int64_t values_left;     /* level slots not yet consumed in the chunk */
    bool seen_data_page;

    bool has_dict;
    tn_vector *dict;         /* FLAT, of `type`; NULL for NULL-typed columns */
    uint32_t dict_n;

    /* current data page */
    bool in_page;
    uint64_t page_off;       /* file offset of the page header */
    uint32_t page_left;      /* level slots left */
    uint32_t page_values;    /* level slots in the page */
    int enc;
    tn_buf *page_buf;        /* decompressed page, or a reference to the chunk buffer */
    tn_buf *scratch;         /* whole-page decoded values (DELTA_*, BSS) */
    tn_bufpool *pool;        /* where chunk, page and scratch buffers come from and go back to: the
                                caller's (pq_column_reader_open_pooled) or own_pool */
    tn_bufpool own_pool;     /* reuse between the pages of this chunk when no pool was given */
    tn_buf *heap;            /* DELTA_BYTE_ARRAY strings */
    tn_str *strs;            /* DELTA_* string views (owned) */
    pq_rle_decoder def;
    uint16_t *legacy_defs;   /* BIT_PACKED levels of the whole page (owned) */
    uint32_t legacy_pos;
    val_src src;

    /* batch scratch */
    uint16_t *defs;
    uint32_t *idx;
    uint32_t scratch_cap;

    /* nested fields: this reader is only a handle for the nested reader (nested.c) */
    pq_nested_reader *nested;
    /* level mode (leaves of nested fields, nested.h): levels are decoded ahead from the current
     * page into la_rep/la_def; the values of la[la_pos, la_n) are still unread in the page's value
     * source, so the page stays current until they are consumed */
    bool levels;
    bool chunk_started;      /* the chunk's first level has been checked (must start a record) */
    bool need_record;        /* whole v2 pages were skipped: the next level must start a record */
    int max_rep, rep_bw;
    uint16_t *rep_def;       /* [r]: definition level of the repeated ancestor at repetition level r */
    pq_rle_decoder rep;
    uint16_t *legacy_reps;   /* BIT_PACKED repetition levels of the whole page (owned) */
    uint32_t legacy_rep_pos;
    uint16_t *la_rep, *la_def;
    uint32_t la_pos, la_n;
};

/* Error "<what>, page at offset N: <msg>" (or "<what>: <msg>" outside pages). Returns code. */
int pq_rd_err(pq_column_reader *r, tn_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Prefix an error reported by a decoder (codec, encoding) with the column and page. */
int pq_rd_prefix(pq_column_reader *r, tn_err *err, int rc);
/* Advance to the next data page with values (see column_reader.c). */
int pq_rd_next_page(pq_column_reader *r, uint64_t *skip, tn_err *err);
/* Decode the next nn non-null values of s into dst (as dictionary indexes when as_index). */
int pq_rd_decode_values(pq_column_reader *r, val_src *s, tn_vector *out, uint8_t *dst, uint32_t nn, bool as_index,
                        tn_err *err);
/* Skip the next nn non-null values of s. */
int pq_rd_skip_values(pq_column_reader *r, val_src *s, uint32_t nn, tn_err *err);
/* Level mode setup of a freshly opened leaf reader (leaf_levels.c). */
int pq_rd_setup_levels(pq_column_reader *r, tn_err *err);

#endif
