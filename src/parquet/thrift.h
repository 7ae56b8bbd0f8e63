/*
 * thrift.h -- a decoder for the Thrift compact protocol, the serialisation of every Parquet
 * metadata struct (FileMetaData, PageHeader, ColumnIndex, BloomFilterHeader...).
 *
 * Spec: Apache Thrift "compact protocol" (thrift/doc/specs/thrift-compact-protocol.md), summarised
 * in shared/notes/parquet-format-summary.md section 2. The decoder is a pull parser: the caller
 * walks a struct with pq_thrift_field() and reads each value it knows with the typed readers,
 * skipping the rest with pq_thrift_skip(). It allocates nothing.
 *
 * Untrusted input: every length and count is checked against the bytes remaining in the buffer,
 * varints are limited to 10 bytes, and struct/list nesting is limited to PQ_THRIFT_MAX_DEPTH, so
 * hostile metadata cannot make the caller read out of bounds, recurse without bound or allocate
 * more than a small multiple of the buffer size (list sizes never exceed the remaining bytes,
 * because every element occupies at least one byte). Errors are TN_CORRUPT with the message
 * "<what> at offset N: <problem>", N being the absolute file offset of the offending byte.
 *
 * Thread-safety: a pq_thrift cursor is used by one thread; the functions are reentrant.
 */
#ifndef TN_PQ_THRIFT_H
#define TN_PQ_THRIFT_H

#include "../util/tn_base.h"

/* Compact protocol type ids (field headers and container element types). */
enum pq_thrift_type {
    PQ_TT_STOP = 0,
    PQ_TT_TRUE = 1,   /* field: boolean true; element: boolean (one byte per element) */
    PQ_TT_FALSE = 2,  /* field: boolean false; element: boolean (some writers) */
    PQ_TT_I8 = 3,
    PQ_TT_I16 = 4,
    PQ_TT_I32 = 5,
    PQ_TT_I64 = 6,
    PQ_TT_DOUBLE = 7,
    PQ_TT_BINARY = 8,
    PQ_TT_LIST = 9,
    PQ_TT_SET = 10,
    PQ_TT_MAP = 11,
    PQ_TT_STRUCT = 12,
    PQ_TT_UUID = 13   /* 16 raw bytes; newer Thrift versions only, never used by Parquet */
};

/* Maximum nesting of structs and containers (Parquet metadata needs about 6). */
#define PQ_THRIFT_MAX_DEPTH 64

typedef struct pq_thrift {
    const uint8_t *start, *p, *end;
    uint64_t base;     /* absolute offset of start, for messages */
    const char *what;  /* structure being decoded ("FileMetaData", "page header"...) */
    int depth;
    tn_err *err;
} pq_thrift;

/* Start decoding data[0..n). `base` is the file offset of data[0]; `what` names the structure in
 * error messages (kept by pointer, must outlive the cursor). */
void pq_thrift_init(pq_thrift *t, const uint8_t *data, size_t n, uint64_t base, const char *what,
                    tn_err *err);
static inline size_t pq_thrift_remaining(const pq_thrift *t) { return (size_t)(t->end - t->p); }
/* Bytes consumed so far. */
static inline size_t pq_thrift_consumed(const pq_thrift *t) { return (size_t)(t->p - t->start); }
static inline uint64_t pq_thrift_offset(const pq_thrift *t) { return t->base + pq_thrift_consumed(t); }

/* Report a TN_CORRUPT error at the current position: "<what> at offset N: <fmt...>". */
int pq_thrift_error(pq_thrift *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Enter / leave a struct (depth accounting; pq_thrift_struct_begin fails past the limit). Every
 * struct, including the outermost one, is bracketed by these. */
int pq_thrift_struct_begin(pq_thrift *t);
void pq_thrift_struct_end(pq_thrift *t);

/* Read the next field header of the current struct. *id holds the previous field id on entry (0
 * at the start of a struct) and the new one on return; *type = PQ_TT_STOP at the end. */
int pq_thrift_field(pq_thrift *t, int16_t *id, int *type);

/* Value readers. `type` is the type from the field header or the container's element type. */
int pq_thrift_varint(pq_thrift *t, uint64_t *out);
/* Any integer type (I8 raw byte, I16/I32/I64 zigzag varints) as int64; TN_CORRUPT for other types. */
int pq_thrift_int(pq_thrift *t, int type, int64_t *out);
/* Same, but the value must fit in 32 bits. */
int pq_thrift_i32(pq_thrift *t, int type, int32_t *out);
/* A boolean struct field: the value is in the type (no payload). */
int pq_thrift_field_bool(pq_thrift *t, int type, bool *out);
/* A boolean list element: one byte, 1 = true, anything else false. */
int pq_thrift_elem_bool(pq_thrift *t, bool *out);
int pq_thrift_double(pq_thrift *t, double *out);
/* Binary/string: *p points into the buffer (not NUL-terminated), *n bytes. */
int pq_thrift_binary(pq_thrift *t, const uint8_t **p, uint32_t *n);
/* List or set header: element type and count (count <= remaining bytes). Enters one nesting
 * level; the caller calls pq_thrift_container_end after the elements. */
int pq_thrift_list_begin(pq_thrift *t, int *elem_type, uint32_t *n);
/* Map header: key/value types and count. Enters one nesting level like lists. */
int pq_thrift_map_begin(pq_thrift *t, int *key_type, int *val_type, uint32_t *n);
void pq_thrift_container_end(pq_thrift *t);

/* Skip a struct field's value of the given type (bools have no payload). */
int pq_thrift_skip(pq_thrift *t, int type);
/* Skip one container element of the given type (bools are one byte). */
int pq_thrift_skip_elem(pq_thrift *t, int type);

/* Is `type` one of the integer types pq_thrift_int accepts? */
static inline bool pq_thrift_is_int(int type)
{
    return type == PQ_TT_I8 || type == PQ_TT_I16 || type == PQ_TT_I32 || type == PQ_TT_I64;
}
static inline bool pq_thrift_is_bool(int type) { return type == PQ_TT_TRUE || type == PQ_TT_FALSE; }

#endif
