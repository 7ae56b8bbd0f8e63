/*
 * vector.h -- columnar vectors and chunks: the unit of data exchanged between the Parquet reader,
 * the execution engine and the public API.
 *
 * Design (DuckDB vectors, MonetDB candidate lists):
 *  - A tn_vector holds up to `capacity` values of one tn_type, in one of three kinds:
 *      FLAT   data[i] is row i's value; validity bit i is row i.
 *      CONST  data[0] is every row's value; validity bit 0 says whether that value is NULL.
 *      DICT   data holds uint32_t indexes into `dict` (a FLAT vector, shared, refcounted, which
 *             may itself hold NULLs); validity (if any) bit i says row i is valid. Parquet
 *             dictionary pages become DICT vectors and are not expanded needlessly.
 *  - validity: NULL means "no NULLs". Bit i set (1) = row i valid. Bits are allocated lazily.
 *  - Strings are 16-byte views (tn_str): <= 12 bytes stored inline, longer ones point into a
 *    refcounted tn_buf the vector keeps alive in its heap list (or into a tn_buf shared with a
 *    Parquet page, so reading PLAIN strings copies nothing).
 *  - Vectors are refcounted (tn_vector_ref/unref) so projections pass columns through without
 *    copying and dictionaries are shared across batches.
 *  - Nested vectors (always FLAT at the top level):
 *      LIST  data = tn_list_entry[capacity] {offset, length} into children[0], the element vector,
 *            whose rows [0, list_size) are in use (list_size grows as lists are appended).
 *      MAP   like LIST; children[0] is a STRUCT vector with children {key, value}.
 *      STRUCT no own data; children[i] (one per field) are row-aligned with the struct vector.
 *    validity is per row at every level. tn_vector_new creates the children recursively.
 *  - A tn_chunk is a set of row-aligned vectors of `count` physical rows plus an optional
 *    selection vector (ascending row indexes) naming the active rows. Filters refine the
 *    selection instead of copying; kernels read and write at the selected positions, so every
 *    vector of a chunk stays in one row space. Pipeline breakers (aggregate, sort) compact.
 *
 * Kernels read any kind through tn_vview (the "unified format"): value of row r is
 *   data[idx ? idx[r] : r], valid iff !validity || tn_bit_get(validity, r).
 *
 * Ownership: a chunk returned by an operator belongs to that operator and is valid until its next
 * call. Vectors are freed when their refcount drops to zero.
 * Thread-safety: a vector/chunk is used by one thread at a time; refcounts are atomic so shared
 * dictionaries and buffers may be released from any thread.
 */
#ifndef TN_VECTOR_H
#define TN_VECTOR_H

#include "tn_base.h"
#include "types.h"
#include <string.h>

/* ---- 16-byte string view ---- */
#define TN_STR_INLINE 12
typedef struct tn_str {
    uint32_t len;
    char prefix[4];       /* first 4 bytes (inline: bytes 0..3) */
    union {
        char inl[8];      /* inline: bytes 4..11 */
        const char *ptr;  /* not inline: the whole string */
    } u;
} tn_str;

static inline const char *tn_str_data(const tn_str *s)
{
    return s->len <= TN_STR_INLINE ? s->prefix : s->u.ptr;
}
/* Make a view of bytes owned elsewhere (copied inline when short; otherwise the pointer is kept:
 * the caller guarantees the bytes outlive the view, normally via tn_vector_keep_buf). */
static inline tn_str tn_str_make(const char *p, uint32_t len)
{
    tn_str s;
    memset(&s, 0, sizeof s);
    s.len = len;
    if (len <= TN_STR_INLINE) {
        if (len)
            memcpy(s.prefix, p, len);
    } else {
        memcpy(s.prefix, p, 4);
        s.u.ptr = p;
    }
    return s;
}
static inline bool tn_str_eq(const tn_str *a, const tn_str *b)
{
    if (memcmp(a, b, 8) != 0) /* len + prefix */
        return false;
    if (a->len <= TN_STR_INLINE)
        return memcmp(a->u.inl, b->u.inl, 8) == 0;
    return memcmp(a->u.ptr, b->u.ptr, a->len) == 0;
}
/* Byte-wise (memcmp, i.e. UTF-8 code point) order: <0, 0, >0. */
int tn_str_cmp(const tn_str *a, const tn_str *b);

/* ---- refcounted byte buffer (string heaps, page buffers) ---- */
typedef struct tn_buf {
    int64_t refcnt;   /* atomic */
    size_t size;      /* bytes used */
    size_t cap;       /* bytes allocated in data */
    unsigned char *data; /* points to the inline storage below unless the buffer wraps memory */
    void (*release)(struct tn_buf *); /* optional custom release for wrapped memory (e.g. mmap) */
    void *release_ctx;
} tn_buf;

/* New buffer with cap bytes (size 0), refcnt 1. NULL on OOM. Free with tn_buf_unref. */
tn_buf *tn_buf_new(size_t cap);
void tn_buf_ref(tn_buf *b);
void tn_buf_unref(tn_buf *b);

/* ---- bitmaps ---- */
static inline bool tn_bit_get(const uint64_t *bits, uint32_t i) { return (bits[i >> 6] >> (i & 63)) & 1; }
static inline void tn_bit_set(uint64_t *bits, uint32_t i) { bits[i >> 6] |= (uint64_t)1 << (i & 63); }
static inline void tn_bit_clear(uint64_t *bits, uint32_t i) { bits[i >> 6] &= ~((uint64_t)1 << (i & 63)); }
#define TN_BITMAP_WORDS(n) (((size_t)(n) + 63) / 64)

/* ---- vector ---- */
typedef enum tn_vec_kind { TN_VEC_FLAT = 0, TN_VEC_CONST = 1, TN_VEC_DICT = 2 } tn_vec_kind;

typedef struct tn_vector {
    int64_t refcnt;       /* atomic */
    tn_type type;
    uint8_t kind;         /* tn_vec_kind */
    uint32_t capacity;    /* rows the data/validity arrays can hold */
    void *data;           /* owned: capacity * tn_type_width (FLAT/CONST) or capacity uint32 (DICT) */
    uint64_t *validity;   /* owned or NULL (= all valid) */
    struct tn_vector *dict; /* DICT only: referenced dictionary values (FLAT) */
    tn_buf **heap;        /* referenced buffers that string views point into */
    uint32_t nheap, heap_cap;
    struct tn_vector **children; /* nested types: STRUCT fields, LIST/MAP element (owned refs) */
    uint32_t nchildren;
    uint32_t list_size;   /* LIST/MAP: element rows of children[0] in use */
    size_t own_heap_bytes;/* bytes of string storage allocated by the vector itself */
} tn_vector;

/* Upper bound on the string bytes one vector may allocate for its own values (one batch):
 * kernels such as repeat()/lpad() fail cleanly with TN_NOMEM past it instead of exhausting memory. */
#define TN_VECTOR_HEAP_MAX ((size_t)512 << 20)

/* Allocate a FLAT vector of `capacity` rows (data uninitialised, no NULLs). NULL on OOM. */
tn_vector *tn_vector_new(tn_type type, uint32_t capacity);
void tn_vector_ref(tn_vector *v);
void tn_vector_unref(tn_vector *v);   /* NULL-safe */
/* Forget contents for reuse in the next batch: kind -> FLAT, validity cleared (all valid), heap
 * buffers released, dictionary released. Keeps the allocations. */
void tn_vector_reset(tn_vector *v);
/* Ensure capacity >= n (FLAT/DICT contents preserved). TN_OK or TN_NOMEM. */
int tn_vector_reserve(tn_vector *v, uint32_t n);
/* Allocate the validity bitmap if absent, all rows valid. TN_OK or TN_NOMEM. */
int tn_vector_ensure_validity(tn_vector *v);
/* Mark row null (allocating validity); returns TN_OK or TN_NOMEM. */
int tn_vector_set_null(tn_vector *v, uint32_t row);
static inline bool tn_vector_is_null(const tn_vector *v, uint32_t row)
{
    if (!v->validity)
        return false;
    return !tn_bit_get(v->validity, v->kind == TN_VEC_CONST ? 0 : row);
}
/* Keep buffer b alive as long as the vector's current contents (adds a reference). */
int tn_vector_keep_buf(tn_vector *v, tn_buf *b);
/* Copy `len` bytes into storage owned by the vector and return a view of it. Returns TN_OK or
 * TN_NOMEM. Amortised: allocates heap blocks of >= 64 KiB. */
int tn_vector_add_string(tn_vector *v, const char *p, uint32_t len, tn_str *out);
/* Reserve len bytes of vector-owned string storage; *out points to it (valid with the vector).
 * TN_NOMEM when allocation fails or the vector's own string bytes would pass TN_VECTOR_HEAP_MAX. */
int tn_vector_alloc_string(tn_vector *v, uint32_t len, char **out);
/* Make v a CONST vector whose single value is copied from src row `row` (any kind). */
int tn_vector_set_const_from(tn_vector *v, const tn_vector *src, uint32_t row);
/* Turn v into a DICT vector over `dict` (referenced). Index array of capacity rows is reused. */
int tn_vector_set_dict(tn_vector *v, tn_vector *dict);
/* Convert CONST/DICT to FLAT for rows [0, count). TN_OK or TN_NOMEM. */
int tn_vector_flatten(tn_vector *v, uint32_t count);
/* Copy row src_row of src (any kind) into dst (FLAT) at dst_row, including NULL and string bytes
 * (strings are re-homed into dst's heap unless inline). Nested values are deep-copied: a list's
 * elements are appended to dst's element vector. */
int tn_vector_copy_row(tn_vector *dst, uint32_t dst_row, const tn_vector *src, uint32_t src_row);

/* LIST/MAP: reserve room for `n` more elements in children[0] and return the first new element
 * row (= old list_size) in *first; list_size grows by n. TN_OK / TN_NOMEM. */
int tn_vector_list_append(tn_vector *v, uint32_t n, uint32_t *first);

/* Unified read view of any vector kind. */
typedef struct tn_vview {
    const void *data;        /* values */
    const uint32_t *idx;     /* row -> value index; NULL = identity */
    const uint64_t *validity;/* row-indexed; NULL = all valid */
} tn_vview;
/* Fill a view for rows [0, count) of v. count <= TN_BATCH for CONST vectors with large counts,
 * larger counts are served through a lazily grown zero-index array. */
void tn_vector_view(const tn_vector *v, uint32_t count, tn_vview *out);
static inline uint32_t tn_vview_index(const tn_vview *vw, uint32_t r) { return vw->idx ? vw->idx[r] : r; }
static inline bool tn_vview_valid(const tn_vview *vw, uint32_t r)
{
    return !vw->validity || tn_bit_get(vw->validity, r);
}

/* ---- chunk ---- */
typedef struct tn_chunk {
    uint32_t ncols;
    tn_vector **cols;   /* referenced vectors */
    uint32_t count;     /* physical rows in every column */
    uint32_t *sel;      /* NULL: all rows active; else ascending active row indexes */
    uint32_t nsel;      /* active rows when sel != NULL */
    uint32_t *sel_buf;  /* owned storage for sel (capacity sel_cap) */
    uint32_t sel_cap;
} tn_chunk;

/* Number of active rows. */
static inline uint32_t tn_chunk_rows(const tn_chunk *c) { return c->sel ? c->nsel : c->count; }
/* New chunk with ncols column slots; if types != NULL each slot gets a new FLAT vector of the
 * type with `capacity` rows, else slots are NULL. NULL on OOM. */
tn_chunk *tn_chunk_new(uint32_t ncols, const tn_type *types, uint32_t capacity);
void tn_chunk_free(tn_chunk *c);
/* Reset for the next batch: count 0, no selection, every column tn_vector_reset. */
void tn_chunk_reset(tn_chunk *c);
/* Replace column i with v (takes a new reference to v; releases the old one). */
void tn_chunk_set_col(tn_chunk *c, uint32_t i, tn_vector *v);
/* Writable selection buffer of >= n entries (owned by the chunk). NULL on OOM. */
uint32_t *tn_chunk_sel_buffer(tn_chunk *c, uint32_t n);

/* ---- scalar values (literals, constants, statistics) ---- */
typedef struct tn_value {
    tn_type type;
    bool is_null;
    union {
        bool b;
        int64_t i64;     /* all signed ints, DATE, TIME, TIMESTAMP, DECIMAL <= 18 */
        uint64_t u64;    /* unsigned ints */
        tn_i128 i128;    /* INT128, DECIMAL > 18 */
        double f64;      /* FLOAT and DOUBLE */
        tn_interval iv;
        uint8_t uuid[16];
        struct { char *ptr; uint32_t len; } str; /* VARCHAR/BLOB: owned (tn_malloc), NUL-terminated */
    } v;
} tn_value;

tn_value tn_value_null(tn_type t);
tn_value tn_value_int(tn_type t, int64_t x);
tn_value tn_value_double(double x);
tn_value tn_value_bool(bool b);
/* VARCHAR/BLOB value owning a copy of p[0..len). is_null set + TN_NOMEM reported via return of
 * tn_value_set_string. */
int tn_value_set_string(tn_value *out, tn_type t, const char *p, uint32_t len);
int tn_value_copy(tn_value *dst, const tn_value *src);
void tn_value_free(tn_value *v); /* frees owned string storage; NULL-safe */
/* Read row `row` of vector v (any kind) into *out (strings copied). */
int tn_value_from_vector(tn_value *out, const tn_vector *v, uint32_t row);
/* Write value into FLAT vector v at row (strings copied into v's heap). */
int tn_value_to_vector(tn_vector *v, uint32_t row, const tn_value *val);

#endif
