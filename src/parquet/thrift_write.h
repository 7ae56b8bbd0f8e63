/*
 * thrift_write.h -- Thrift compact-protocol ENCODER used by the Parquet writer for page headers and
 * the FileMetaData footer (parquet-format-summary.md §2; Thrift compact protocol spec).
 *
 * The encoder appends to a caller-owned pq_bytes buffer. Errors are sticky (SQLite StrAccum habit):
 * every call after the first failure is a no-op, and pq_tw_finish reports the first failure code
 * (TN_NOMEM, or TN_MISUSE for unbalanced struct nesting / field ids out of range). This keeps the
 * metadata serialisers free of per-field error checks.
 *
 * Model: a struct is opened with pq_tw_struct_begin (top level or list element) or
 * pq_tw_field_struct (as a field), fields are written with strictly meaningful ids (the encoder
 * uses the 4-bit delta form when the id grows by 1..15 and the long form otherwise), and the struct
 * is closed with pq_tw_struct_end (which writes the STOP byte). Lists are a header
 * (pq_tw_field_list or pq_tw_list_begin) followed by exactly `n` elements written with the
 * element functions (pq_tw_i32, pq_tw_i64, pq_tw_binary, pq_tw_bool, or a struct). Bool fields
 * carry their value in the type nibble; bool list elements are one byte (1 true, 2 false).
 *
 * Thread-safety: a pq_tw is used by one thread.
 */
#ifndef TN_PQ_THRIFT_WRITE_H
#define TN_PQ_THRIFT_WRITE_H

#include "../util/tn_base.h"
#include "encoding.h"

/* Compact protocol type ids (element / field types). */
enum pq_tw_type {
    PQ_TW_BOOL_TRUE = 1, PQ_TW_BOOL_FALSE = 2, PQ_TW_I8 = 3, PQ_TW_I16 = 4, PQ_TW_I32 = 5,
    PQ_TW_I64 = 6, PQ_TW_DOUBLE = 7, PQ_TW_BINARY = 8, PQ_TW_LIST = 9, PQ_TW_SET = 10,
    PQ_TW_MAP = 11, PQ_TW_STRUCT = 12
};

#define PQ_TW_MAX_DEPTH 32

typedef struct pq_tw {
    pq_bytes *out;                    /* borrowed */
    int rc;                           /* sticky first error (TN_OK while fine) */
    int depth;                        /* open structs */
    int16_t last[PQ_TW_MAX_DEPTH];    /* last field id written per open struct */
} pq_tw;

void pq_tw_init(pq_tw *w, pq_bytes *out);
/* TN_OK, or the first error; also TN_MISUSE if structs are still open. */
int pq_tw_finish(pq_tw *w);

/* Raw primitives (no field header). */
void pq_tw_varint(pq_tw *w, uint64_t v);
void pq_tw_raw(pq_tw *w, const void *p, size_t n);

/* Structs. */
void pq_tw_struct_begin(pq_tw *w);               /* top-level or list element */
void pq_tw_struct_end(pq_tw *w);                 /* writes STOP */
void pq_tw_field_struct(pq_tw *w, int16_t id);   /* field header + begin */

/* Fields (header + value). */
void pq_tw_field_bool(pq_tw *w, int16_t id, bool v);
void pq_tw_field_i8(pq_tw *w, int16_t id, int8_t v);
void pq_tw_field_i16(pq_tw *w, int16_t id, int16_t v);
void pq_tw_field_i32(pq_tw *w, int16_t id, int32_t v);
void pq_tw_field_i64(pq_tw *w, int16_t id, int64_t v);
void pq_tw_field_double(pq_tw *w, int16_t id, double v);
void pq_tw_field_binary(pq_tw *w, int16_t id, const void *p, size_t n);
void pq_tw_field_string(pq_tw *w, int16_t id, const char *s);   /* NUL-terminated */
/* List field header announcing n elements of compact type elem_type (enum pq_tw_type). */
void pq_tw_field_list(pq_tw *w, int16_t id, int elem_type, uint32_t n);

/* List header without a field (e.g. nested lists), and list elements. */
void pq_tw_list_begin(pq_tw *w, int elem_type, uint32_t n);
void pq_tw_i32(pq_tw *w, int32_t v);
void pq_tw_i64(pq_tw *w, int64_t v);
void pq_tw_binary(pq_tw *w, const void *p, size_t n);
void pq_tw_bool(pq_tw *w, bool v);

#endif
