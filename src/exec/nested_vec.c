/*
 * nested_vec.c -- vector helpers for nested values (nested.h): the row gather that every nested
 * kernel, the UNNEST operator and the row-buffering operators build on, and the three-way
 * comparison of nested (and flat) values.
 *
 * Gather. ex_nested_gather copies n rows between arbitrary row positions of two vectors of the
 * same type, recursively: a LIST/MAP row's elements are appended to the destination's element
 * vector (so destination lists are always contiguous, in row order) and the element rows are then
 * gathered with one recursive call for the whole batch; a STRUCT row maps to the same physical
 * row of every field, gathered field by field with one recursive call each; flat values are
 * copied by width. So the work per batch is one pass per nesting level, not one tree walk per
 * row. Source rows are logical rows of any vector kind (FLAT, CONST, DICT); string views are
 * copied and the source's heap buffers are kept alive in the destination instead of copying
 * bytes. A source list whose entry points outside its element vector (offset + length beyond
 * list_size) is rejected with TN_MISUSE rather than read out of bounds.
 *
 * Comparison. ex_nested_cmp orders two logical rows lexicographically: lists element by element
 * (a proper prefix first), structs field by field, NULLs (at any level) after every value and
 * equal to each other -- DuckDB's order for nested values.
 */
#include "nested.h"

#include <string.h>

/* Keep every heap buffer of src (and of its dictionary) alive in dst. */
static int keep_heaps(tn_vector *dst, const tn_vector *src)
{
    if (dst == src)
        return TN_OK;
    for (uint32_t i = 0; i < src->nheap; i++)
        if (tn_vector_keep_buf(dst, src->heap[i]))
            return TN_NOMEM;
    if (src->kind == TN_VEC_DICT && src->dict)
        return keep_heaps(dst, src->dict);
    return TN_OK;
}

static bool same_layout(tn_type a, tn_type b)
{
    if (a.id != b.id)
        return false;
    if (tn_type_is_nested(a))
        return tn_type_equal(a, b);
    return tn_type_width(a) == tn_type_width(b);
}

#define DROW(i) (drows ? drows[i] : dat + (uint32_t)(i))
#define SROW(i) (srows ? srows[i] : sat + (uint32_t)(i))

/* Resolve source row s of src (kind-aware) into its physical index; false when NULL. */
static inline bool src_row(const tn_vector *src, const uint32_t *idx, const uint64_t *dictv, uint32_t s, uint32_t *p)
{
    if (s == EX_NROW_NULL)
        return false;
    if (src->kind == TN_VEC_CONST) {
        *p = 0;
        return !src->validity || tn_bit_get(src->validity, 0);
    }
    if (src->validity && !tn_bit_get(src->validity, s))
        return false;
    if (idx) {
        *p = idx[s];
        return !dictv || tn_bit_get(dictv, *p);
    }
    *p = s;
    return true;
}

typedef struct b16 { uint64_t lo, hi; } b16;

#define FLAT_LOOP(T)                                                             \
    do {                                                                         \
        T *d_ = (T *)dst->data;                                                  \
        const T *s_ = (const T *)sd;                                             \
        for (uint32_t i = 0; i < n; i++) {                                       \
            uint32_t d = DROW(i), p = 0;                                         \
            if (!src_row(src, idx, dictv, SROW(i), &p)) {                        \
                if (tn_vector_set_null(dst, d))                                  \
                    return TN_NOMEM;                                             \
                memset(&d_[d], 0, sizeof(T));                                    \
                continue;                                                        \
            }                                                                    \
            if (dst->validity)                                                   \
                tn_bit_set(dst->validity, d);                                    \
            d_[d] = s_[p];                                                       \
        }                                                                        \
    } while (0)

static int gather_flat(tn_vector *dst, const uint32_t *drows, uint32_t dat, const tn_vector *src,
                       const uint32_t *srows, uint32_t sat, uint32_t n)
{
    size_t w = tn_type_width(dst->type);
    const uint32_t *idx = src->kind == TN_VEC_DICT ? (const uint32_t *)src->data : NULL;
    const uint64_t *dictv = src->kind == TN_VEC_DICT ? src->dict->validity : NULL;
    const unsigned char *sd = src->kind == TN_VEC_DICT ? (const unsigned char *)src->dict->data
                                                        : (const unsigned char *)src->data;
    switch (w) {
    case 1: FLAT_LOOP(uint8_t); break;
    case 2: FLAT_LOOP(uint16_t); break;
    case 4: FLAT_LOOP(uint32_t); break;
    case 8: FLAT_LOOP(uint64_t); break;
    case 16: FLAT_LOOP(b16); break;
    default: {
        unsigned char *dd = dst->data;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t d = DROW(i), p = 0;
            if (!src_row(src, idx, dictv, SROW(i), &p)) {
                if (tn_vector_set_null(dst, d))
                    return TN_NOMEM;
                memset(dd + (size_t)d * w, 0, w);
                continue;
            }
            if (dst->validity)
                tn_bit_set(dst->validity, d);
            memcpy(dd + (size_t)d * w, sd + (size_t)p * w, w);
        }
        break;
    }
    }
    if (tn_type_is_string(dst->type))
        return keep_heaps(dst, src);
    return TN_OK;
}

static int gather_list(tn_vector *dst, const uint32_t *drows, uint32_t dat, const tn_vector *src,
                       const uint32_t *srows, uint32_t sat, uint32_t n)
{
    const tn_vector *phys = src->kind == TN_VEC_DICT ? src->dict : src;
    const uint32_t *idx = src->kind == TN_VEC_DICT ? (const uint32_t *)src->data : NULL;
    const uint64_t *dictv = src->kind == TN_VEC_DICT ? src->dict->validity : NULL;
    if (phys->nchildren < 1 || dst->nchildren < 1)
        return TN_MISUSE;
    const tn_list_entry *se = phys->data;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t p = 0;
        if (!src_row(src, idx, dictv, SROW(i), &p))
            continue;
        const tn_list_entry *e = &se[p];
        if (e->offset > phys->list_size || e->length > phys->list_size - e->offset)
            return TN_MISUSE;
        total += e->length;
    }
    if (total > UINT32_MAX - 1)
        return TN_NOMEM;
    uint32_t first;
    if (tn_vector_list_append(dst, (uint32_t)total, &first))
        return TN_NOMEM;
    uint32_t *rows = NULL;
    if (total) {
        rows = tn_malloc((size_t)total * sizeof *rows);
        if (!rows)
            return TN_NOMEM;
    }
    tn_list_entry *de = dst->data;
    uint32_t pos = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t d = DROW(i), p = 0;
        if (!src_row(src, idx, dictv, SROW(i), &p)) {
            de[d].offset = first + pos;
            de[d].length = 0;
            if (tn_vector_set_null(dst, d)) {
                tn_free(rows);
                return TN_NOMEM;
            }
            continue;
        }
        if (dst->validity)
            tn_bit_set(dst->validity, d);
        const tn_list_entry *e = &se[p];
        de[d].offset = first + pos;
        de[d].length = e->length;
        for (uint64_t k = 0; k < e->length; k++)
            rows[pos++] = (uint32_t)(e->offset + k);
    }
    int rc = ex_nested_gather(dst->children[0], NULL, first, phys->children[0], rows, 0, pos);
    tn_free(rows);
    return rc;
}

static int gather_struct(tn_vector *dst, const uint32_t *drows, uint32_t dat, const tn_vector *src,
                         const uint32_t *srows, uint32_t sat, uint32_t n)
{
    const tn_vector *phys = src->kind == TN_VEC_DICT ? src->dict : src;
    const uint32_t *idx = src->kind == TN_VEC_DICT ? (const uint32_t *)src->data : NULL;
    const uint64_t *dictv = src->kind == TN_VEC_DICT ? src->dict->validity : NULL;
    if (phys->nchildren != dst->nchildren)
        return TN_MISUSE;
    uint32_t *m = tn_malloc((size_t)n * sizeof *m);
    if (!m)
        return TN_NOMEM;
    int rc = TN_OK;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t d = DROW(i), p = 0;
        if (!src_row(src, idx, dictv, SROW(i), &p)) {
            m[i] = EX_NROW_NULL; /* fields of a NULL struct are NULL too */
            if (tn_vector_set_null(dst, d)) {
                rc = TN_NOMEM;
                goto done;
            }
            continue;
        }
        if (dst->validity)
            tn_bit_set(dst->validity, d);
        m[i] = p;
    }
    for (uint32_t f = 0; f < dst->nchildren && !rc; f++)
        rc = ex_nested_gather(dst->children[f], drows, dat, phys->children[f], m, 0, n);
done:
    tn_free(m);
    return rc;
}

int ex_nested_gather(tn_vector *dst, const uint32_t *dst_rows, uint32_t dst_at, const tn_vector *src,
                     const uint32_t *src_rows, uint32_t src_at, uint32_t n)
{
    if (n == 0)
        return TN_OK;
    if (!same_layout(dst->type, src->type) || (src->kind == TN_VEC_DICT && !src->dict))
        return TN_MISUSE;
    switch ((tn_type_id)dst->type.id) {
    case TN_T_LIST:
    case TN_T_MAP: return gather_list(dst, dst_rows, dst_at, src, src_rows, src_at, n);
    case TN_T_STRUCT: return gather_struct(dst, dst_rows, dst_at, src, src_rows, src_at, n);
    default: return gather_flat(dst, dst_rows, dst_at, src, src_rows, src_at, n);
    }
}

int ex_nested_copy_rows(tn_vector *out, const tn_vector *src, const uint32_t *sel, uint32_t n)
{
    return ex_nested_gather(out, sel, 0, src, sel, 0, n);
}

int ex_nested_append(tn_vector *dst, uint32_t at, const tn_vector *src, uint32_t count, const uint32_t *sel,
                     uint32_t n)
{
    TN_UNUSED(count);
    if (n == 0)
        return TN_OK;
    if ((uint64_t)at + n > UINT32_MAX || tn_vector_reserve(dst, at + n))
        return TN_NOMEM;
    return ex_nested_gather(dst, NULL, at, src, sel, 0, n);
}

int ex_nested_gather_idx(tn_vector *dst, const tn_vector *src, const uint32_t *idx, uint32_t n)
{
    if (tn_vector_reserve(dst, n ? n : 1))
        return TN_NOMEM;
    return ex_nested_gather(dst, NULL, 0, src, idx, 0, n);
}

int ex_nested_slice(tn_vector *dst, const tn_vector *src, uint32_t start, uint32_t n)
{
    if (tn_vector_reserve(dst, n ? n : 1))
        return TN_NOMEM;
    return ex_nested_gather(dst, NULL, 0, src, NULL, start, n);
}

/* ======================= comparison ======================= */

#define CMP3(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

static int cmp_double(double x, double y)
{
    bool nx = x != x, ny = y != y;
    if (nx || ny)
        return nx == ny ? 0 : nx ? 1 : -1;
    return CMP3(x, y); /* -0.0 == 0.0 */
}

int ex_flat_value_cmp(tn_type t, const void *a, const void *b)
{
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL: return CMP3(*(const uint8_t *)a != 0, *(const uint8_t *)b != 0);
    case TN_T_INT8: return CMP3(*(const int8_t *)a, *(const int8_t *)b);
    case TN_T_INT16: return CMP3(*(const int16_t *)a, *(const int16_t *)b);
    case TN_T_INT32:
    case TN_T_DATE: return CMP3(*(const int32_t *)a, *(const int32_t *)b);
    case TN_T_INT64:
    case TN_T_TIME:
    case TN_T_TIMESTAMP: return CMP3(*(const int64_t *)a, *(const int64_t *)b);
    case TN_T_UINT8: return CMP3(*(const uint8_t *)a, *(const uint8_t *)b);
    case TN_T_UINT16: return CMP3(*(const uint16_t *)a, *(const uint16_t *)b);
    case TN_T_UINT32: return CMP3(*(const uint32_t *)a, *(const uint32_t *)b);
    case TN_T_UINT64: return CMP3(*(const uint64_t *)a, *(const uint64_t *)b);
    case TN_T_INT128: {
        tn_i128 x, y;
        memcpy(&x, a, 16);
        memcpy(&y, b, 16);
        return CMP3(x, y);
    }
    case TN_T_DECIMAL: {
        if (tn_decimal_is_small(t))
            return CMP3(*(const int64_t *)a, *(const int64_t *)b);
        tn_i128 x, y;
        memcpy(&x, a, 16);
        memcpy(&y, b, 16);
        return CMP3(x, y);
    }
    case TN_T_FLOAT: return cmp_double(*(const float *)a, *(const float *)b);
    case TN_T_DOUBLE: return cmp_double(*(const double *)a, *(const double *)b);
    case TN_T_INTERVAL: {
        tn_interval x, y;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        const tn_i128 day = (tn_i128)86400 * 1000000;
        tn_i128 sx = ((tn_i128)x.months * 30 + x.days) * day + x.micros;
        tn_i128 sy = ((tn_i128)y.months * 30 + y.days) * day + y.micros;
        return CMP3(sx, sy);
    }
    case TN_T_VARCHAR:
    case TN_T_BLOB: {
        int c = tn_str_cmp(a, b);
        return CMP3(c, 0);
    }
    case TN_T_UUID: {
        int c = memcmp(a, b, 16);
        return CMP3(c, 0);
    }
    default: return 0;
    }
}

int ex_nested_cmp(const tn_vector *a, uint32_t ra, const tn_vector *b, uint32_t rb)
{
    uint32_t pa, pb;
    bool va, vb;
    const tn_vector *A = ex_nested_phys(a, ra, &pa, &va);
    const tn_vector *B = ex_nested_phys(b, rb, &pb, &vb);
    if (!va || !vb)
        return va == vb ? 0 : va ? -1 : 1;
    switch ((tn_type_id)a->type.id) {
    case TN_T_LIST:
    case TN_T_MAP: {
        const tn_list_entry *ea = (const tn_list_entry *)A->data + pa;
        const tn_list_entry *eb = (const tn_list_entry *)B->data + pb;
        if (A->nchildren < 1 || B->nchildren < 1)
            return 0;
        uint64_t m = TN_MIN(ea->length, eb->length);
        for (uint64_t i = 0; i < m; i++) {
            int c = ex_nested_cmp(A->children[0], (uint32_t)(ea->offset + i), B->children[0], (uint32_t)(eb->offset + i));
            if (c)
                return c;
        }
        return CMP3(ea->length, eb->length);
    }
    case TN_T_STRUCT: {
        uint32_t nf = TN_MIN(A->nchildren, B->nchildren);
        for (uint32_t f = 0; f < nf; f++) {
            int c = ex_nested_cmp(A->children[f], pa, B->children[f], pb);
            if (c)
                return c;
        }
        return 0;
    }
    default: {
        size_t w = tn_type_width(a->type);
        return ex_flat_value_cmp(a->type, (const unsigned char *)A->data + (size_t)pa * w,
                                 (const unsigned char *)B->data + (size_t)pb * w);
    }
    }
}
