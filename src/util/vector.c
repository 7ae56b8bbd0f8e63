/*
 * vector.c -- tn_vector, tn_chunk, tn_buf and tn_value implementation (see vector.h).
 */
#include "vector.h"
#include <stdatomic.h>
#include <stdlib.h>

#define HEAP_BLOCK (64 * 1024)

/* Zero index array shared by every CONST view of up to TN_BATCH rows. */
static const uint32_t g_zero_idx[TN_BATCH];
static const uint64_t g_null_bits[TN_BITMAP_WORDS(TN_BATCH)];

int tn_str_cmp(const tn_str *a, const tn_str *b)
{
    uint32_t n = TN_MIN(a->len, b->len);
    int c = memcmp(tn_str_data(a), tn_str_data(b), n);
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

/* ---- tn_buf ---- */
tn_buf *tn_buf_new(size_t cap)
{
    if (cap > SIZE_MAX - sizeof(tn_buf) - 16)
        return NULL;
    tn_buf *b = tn_malloc(sizeof(tn_buf) + cap + 16);
    if (!b)
        return NULL;
    b->refcnt = 1;
    b->size = 0;
    b->cap = cap;
    b->data = (unsigned char *)(b + 1);
    b->release = NULL;
    b->release_ctx = NULL;
    return b;
}

void tn_buf_ref(tn_buf *b) { atomic_fetch_add((_Atomic int64_t *)&b->refcnt, 1); }

void tn_buf_unref(tn_buf *b)
{
    if (!b)
        return;
    if (atomic_fetch_sub((_Atomic int64_t *)&b->refcnt, 1) == 1) {
        if (b->release)
            b->release(b);
        tn_free(b);
    }
}

/* ---- tn_vector ---- */
static size_t data_bytes(tn_type t, uint32_t cap)
{
    size_t w = tn_type_width(t);
    if (w < sizeof(uint32_t))
        w = sizeof(uint32_t); /* room for DICT indexes */
    return w * (size_t)cap;
}

tn_vector *tn_vector_new(tn_type type, uint32_t capacity)
{
    tn_vector *v = tn_calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->refcnt = 1;
    v->type = type;
    v->kind = TN_VEC_FLAT;
    if (capacity == 0)
        capacity = 1;
    v->capacity = capacity;
    v->data = tn_malloc(data_bytes(type, capacity));
    if (!v->data) {
        tn_free(v);
        return NULL;
    }
    if (tn_type_is_nested(type) && type.nested) {
        /* LIST/MAP: one element vector; STRUCT: one row-aligned child per field */
        uint32_t n = type.id == TN_T_STRUCT ? (uint32_t)type.nested->nchildren : 1;
        v->children = tn_calloc(n ? n : 1, sizeof(tn_vector *));
        if (!v->children)
            goto oom;
        v->nchildren = n;
        for (uint32_t i = 0; i < n; i++) {
            tn_type ct = type.id == TN_T_STRUCT ? type.nested->children[i] : tn_type_list_child(type);
            if (ct.id == TN_T_INVALID || !(v->children[i] = tn_vector_new(ct, capacity)))
                goto oom;
        }
    }
    return v;
oom:
    tn_vector_unref(v);
    return NULL;
}

int tn_vector_list_append(tn_vector *v, uint32_t n, uint32_t *first)
{
    if (v->nchildren < 1 || (uint64_t)v->list_size + n > UINT32_MAX)
        return TN_NOMEM;
    tn_vector *c = v->children[0];
    if (tn_vector_reserve(c, v->list_size + n))
        return TN_NOMEM;
    *first = v->list_size;
    v->list_size += n;
    return TN_OK;
}

void tn_vector_ref(tn_vector *v) { atomic_fetch_add((_Atomic int64_t *)&v->refcnt, 1); }

static void release_contents(tn_vector *v)
{
    v->own_heap_bytes = 0;
    for (uint32_t i = 0; i < v->nheap; i++)
        tn_buf_unref(v->heap[i]);
    v->nheap = 0;
    if (v->dict) {
        tn_vector_unref(v->dict);
        v->dict = NULL;
    }
}

void tn_vector_unref(tn_vector *v)
{
    if (!v)
        return;
    if (atomic_fetch_sub((_Atomic int64_t *)&v->refcnt, 1) != 1)
        return;
    release_contents(v);
    for (uint32_t i = 0; i < v->nchildren; i++)
        tn_vector_unref(v->children[i]);
    tn_free(v->children);
    tn_free(v->heap);
    tn_free(v->validity);
    tn_free(v->data);
    tn_free(v);
}

void tn_vector_reset(tn_vector *v)
{
    release_contents(v);
    v->kind = TN_VEC_FLAT;
    v->list_size = 0;
    for (uint32_t i = 0; i < v->nchildren; i++)
        if (v->children[i])
            tn_vector_reset(v->children[i]);
    if (v->validity) {
        tn_free(v->validity);
        v->validity = NULL;
    }
}

int tn_vector_reserve(tn_vector *v, uint32_t n)
{
    if (n <= v->capacity)
        return TN_OK;
    uint32_t cap = v->capacity;
    while (cap < n)
        cap = cap > UINT32_MAX / 2 ? n : cap * 2;
    void *d = tn_realloc(v->data, data_bytes(v->type, cap));
    if (!d)
        return TN_NOMEM;
    v->data = d;
    if (v->validity) {
        size_t ow = TN_BITMAP_WORDS(v->capacity), nw = TN_BITMAP_WORDS(cap);
        uint64_t *b = tn_realloc(v->validity, nw * 8);
        if (!b)
            return TN_NOMEM;
        for (size_t i = ow; i < nw; i++)
            b[i] = ~(uint64_t)0;
        v->validity = b;
    }
    v->capacity = cap;
    if (v->type.id == TN_T_STRUCT)
        for (uint32_t i = 0; i < v->nchildren; i++)
            if (tn_vector_reserve(v->children[i], cap))
                return TN_NOMEM;
    return TN_OK;
}

int tn_vector_ensure_validity(tn_vector *v)
{
    if (v->validity)
        return TN_OK;
    size_t nw = TN_BITMAP_WORDS(v->capacity);
    v->validity = tn_malloc(nw * 8);
    if (!v->validity)
        return TN_NOMEM;
    memset(v->validity, 0xff, nw * 8);
    return TN_OK;
}

int tn_vector_set_null(tn_vector *v, uint32_t row)
{
    if (tn_vector_ensure_validity(v))
        return TN_NOMEM;
    tn_bit_clear(v->validity, v->kind == TN_VEC_CONST ? 0 : row);
    return TN_OK;
}

int tn_vector_keep_buf(tn_vector *v, tn_buf *b)
{
    if (v->nheap && v->heap[v->nheap - 1] == b)
        return TN_OK;
    if (v->nheap == v->heap_cap) {
        uint32_t nc = v->heap_cap ? v->heap_cap * 2 : 4;
        tn_buf **h = tn_realloc(v->heap, nc * sizeof *h);
        if (!h)
            return TN_NOMEM;
        v->heap = h;
        v->heap_cap = nc;
    }
    tn_buf_ref(b);
    v->heap[v->nheap++] = b;
    return TN_OK;
}

int tn_vector_alloc_string(tn_vector *v, uint32_t len, char **out)
{
    tn_buf *last = NULL;
    /* the vector's own blocks have release == NULL and release_ctx == v as a marker */
    if (v->nheap) {
        tn_buf *b = v->heap[v->nheap - 1];
        if (b->release_ctx == (void *)v && b->cap - b->size >= len)
            last = b;
    }
    if (!last) {
        size_t cap = len > HEAP_BLOCK ? len : HEAP_BLOCK;
        if (cap > TN_VECTOR_HEAP_MAX || v->own_heap_bytes > TN_VECTOR_HEAP_MAX - cap)
            return TN_NOMEM;
        last = tn_buf_new(cap);
        if (!last)
            return TN_NOMEM;
        last->release_ctx = v;
        if (tn_vector_keep_buf(v, last)) {
            tn_buf_unref(last);
            return TN_NOMEM;
        }
        tn_buf_unref(last); /* the vector holds the only reference */
        v->own_heap_bytes += cap;
    }
    *out = (char *)last->data + last->size;
    last->size += len;
    return TN_OK;
}

int tn_vector_add_string(tn_vector *v, const char *p, uint32_t len, tn_str *out)
{
    if (len <= TN_STR_INLINE) {
        *out = tn_str_make(p, len);
        return TN_OK;
    }
    char *dst;
    if (tn_vector_alloc_string(v, len, &dst))
        return TN_NOMEM;
    memcpy(dst, p, len);
    *out = tn_str_make(dst, len);
    return TN_OK;
}

void tn_vector_view(const tn_vector *v, uint32_t count, tn_vview *out)
{
    TN_UNUSED(count);
    switch (v->kind) {
    case TN_VEC_CONST:
        out->data = v->data;
        out->idx = g_zero_idx;
        out->validity = (v->validity && !tn_bit_get(v->validity, 0)) ? g_null_bits : NULL;
        TN_ASSERT(count <= TN_BATCH);
        break;
    case TN_VEC_DICT:
        out->data = v->dict->data;
        out->idx = (const uint32_t *)v->data;
        out->validity = v->validity;
        /* dictionary entries that are NULL: fold into row validity lazily is the caller's job;
         * tarn dictionaries built by the Parquet reader never hold NULLs. */
        break;
    default:
        out->data = v->data;
        out->idx = NULL;
        out->validity = v->validity;
        break;
    }
}

static int copy_value_bytes(tn_vector *dst, uint32_t dst_row, const void *src_data, uint32_t src_index)
{
    size_t w = tn_type_width(dst->type);
    const unsigned char *s = (const unsigned char *)src_data + w * src_index;
    unsigned char *d = (unsigned char *)dst->data + w * dst_row;
    if (tn_type_is_string(dst->type)) {
        const tn_str *ss = (const tn_str *)s;
        return tn_vector_add_string(dst, tn_str_data(ss), ss->len, (tn_str *)d);
    }
    memcpy(d, s, w);
    return TN_OK;
}

int tn_vector_copy_row(tn_vector *dst, uint32_t dst_row, const tn_vector *src, uint32_t src_row)
{
    tn_vview vw;
    tn_vector_view(src, src_row + 1 > TN_BATCH ? TN_BATCH : src_row + 1, &vw);
    if (src->kind == TN_VEC_CONST)
        src_row = 0, vw.idx = NULL;
    bool valid = tn_vview_valid(&vw, src_row);
    uint32_t vi = tn_vview_index(&vw, src_row);
    if (valid && src->kind == TN_VEC_DICT && src->dict->validity && !tn_bit_get(src->dict->validity, vi))
        valid = false;
    if (!valid) {
        if (dst->type.id == TN_T_LIST || dst->type.id == TN_T_MAP) {
            tn_list_entry *de = (tn_list_entry *)dst->data + dst_row;
            de->offset = dst->list_size;
            de->length = 0;
        }
        return tn_vector_set_null(dst, dst_row);
    }
    if (dst->validity)
        tn_bit_set(dst->validity, dst_row);
    if (dst->type.id == TN_T_STRUCT) {
        const tn_vector *s = src->kind == TN_VEC_DICT ? src->dict : src;
        for (uint32_t i = 0; i < dst->nchildren && i < s->nchildren; i++) {
            int rc = tn_vector_copy_row(dst->children[i], dst_row, s->children[i], vi);
            if (rc)
                return rc;
        }
        return TN_OK;
    }
    if (dst->type.id == TN_T_LIST || dst->type.id == TN_T_MAP) {
        const tn_vector *s = src->kind == TN_VEC_DICT ? src->dict : src;
        const tn_list_entry *se = (const tn_list_entry *)vw.data + vi;
        uint32_t first;
        if (se->length > UINT32_MAX || tn_vector_list_append(dst, (uint32_t)se->length, &first))
            return TN_NOMEM;
        tn_list_entry *de = (tn_list_entry *)dst->data + dst_row;
        de->offset = first;
        de->length = se->length;
        for (uint64_t i = 0; i < se->length; i++) {
            int rc = tn_vector_copy_row(dst->children[0], first + (uint32_t)i, s->children[0],
                                        (uint32_t)(se->offset + i));
            if (rc)
                return rc;
        }
        return TN_OK;
    }
    return copy_value_bytes(dst, dst_row, vw.data, vi);
}

int tn_vector_set_const_from(tn_vector *v, const tn_vector *src, uint32_t row)
{
    tn_vector tmp_guard;
    TN_UNUSED(tmp_guard);
    if (v == src)
        return TN_MISUSE;
    tn_vector_reset(v);
    int rc = tn_vector_copy_row(v, 0, src, row);
    v->kind = TN_VEC_CONST;
    return rc;
}

int tn_vector_set_dict(tn_vector *v, tn_vector *dict)
{
    release_contents(v);
    tn_vector_ref(dict);
    v->dict = dict;
    v->kind = TN_VEC_DICT;
    return TN_OK;
}

/* CONST or DICT nested vector -> FLAT, deep: every row gets its own copy of the value (list
 * elements appended row after row, struct fields row-aligned), built in a fresh vector whose
 * contents then replace v's (v keeps its identity and reference count). */
static int flatten_nested(tn_vector *v, uint32_t count)
{
    tn_vector *w = tn_vector_new(v->type, count > v->capacity ? count : v->capacity);
    if (!w)
        return TN_NOMEM;
    for (uint32_t i = 0; i < count; i++) {
        int rc = tn_vector_copy_row(w, i, v, i);
        if (rc) {
            tn_vector_unref(w);
            return rc;
        }
    }
    tn_vector tmp = *v;
    *v = *w;
    v->refcnt = tmp.refcnt;
    *w = tmp;
    w->refcnt = 1;
    tn_vector_unref(w);
    return TN_OK;
}

int tn_vector_flatten(tn_vector *v, uint32_t count)
{
    if (v->kind == TN_VEC_FLAT)
        return TN_OK;
    if (tn_type_is_nested(v->type))
        return flatten_nested(v, count);
    if (tn_vector_reserve(v, count))
        return TN_NOMEM;
    size_t w = tn_type_width(v->type);
    if (v->kind == TN_VEC_CONST) {
        bool isnull = v->validity && !tn_bit_get(v->validity, 0);
        for (uint32_t i = 1; i < count; i++)
            memcpy((unsigned char *)v->data + i * w, v->data, w);
        if (v->validity) {
            memset(v->validity, isnull ? 0 : 0xff, TN_BITMAP_WORDS(v->capacity) * 8);
        }
        v->kind = TN_VEC_FLAT;
        return TN_OK;
    }
    /* DICT: gather into a new data array; keep the dictionary's heap buffers alive */
    tn_vector *d = v->dict;
    unsigned char *nd = tn_malloc(data_bytes(v->type, v->capacity));
    if (!nd)
        return TN_NOMEM;
    const uint32_t *idx = v->data;
    for (uint32_t i = 0; i < count; i++) {
        bool valid = !v->validity || tn_bit_get(v->validity, i);
        uint32_t k = idx[i];
        if (valid && d->validity && !tn_bit_get(d->validity, k)) {
            if (tn_vector_set_null(v, i)) {
                tn_free(nd);
                return TN_NOMEM;
            }
            valid = false;
        }
        if (valid)
            memcpy(nd + i * w, (const unsigned char *)d->data + (size_t)k * w, w);
        else
            memset(nd + i * w, 0, w);
    }
    for (uint32_t i = 0; i < d->nheap; i++)
        if (tn_vector_keep_buf(v, d->heap[i])) {
            tn_free(nd);
            return TN_NOMEM;
        }
    tn_free(v->data);
    v->data = nd;
    v->dict = NULL;
    v->kind = TN_VEC_FLAT;
    tn_vector_unref(d);
    return TN_OK;
}

/* ---- tn_chunk ---- */
tn_chunk *tn_chunk_new(uint32_t ncols, const tn_type *types, uint32_t capacity)
{
    tn_chunk *c = tn_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ncols = ncols;
    c->cols = tn_calloc(ncols ? ncols : 1, sizeof(tn_vector *));
    if (!c->cols) {
        tn_free(c);
        return NULL;
    }
    if (types) {
        for (uint32_t i = 0; i < ncols; i++) {
            c->cols[i] = tn_vector_new(types[i], capacity);
            if (!c->cols[i]) {
                tn_chunk_free(c);
                return NULL;
            }
        }
    }
    return c;
}

void tn_chunk_free(tn_chunk *c)
{
    if (!c)
        return;
    for (uint32_t i = 0; i < c->ncols; i++)
        tn_vector_unref(c->cols[i]);
    tn_free(c->cols);
    tn_free(c->sel_buf);
    tn_free(c);
}

void tn_chunk_reset(tn_chunk *c)
{
    c->count = 0;
    c->sel = NULL;
    c->nsel = 0;
    for (uint32_t i = 0; i < c->ncols; i++)
        if (c->cols[i])
            tn_vector_reset(c->cols[i]);
}

void tn_chunk_set_col(tn_chunk *c, uint32_t i, tn_vector *v)
{
    if (v)
        tn_vector_ref(v);
    tn_vector_unref(c->cols[i]);
    c->cols[i] = v;
}

uint32_t *tn_chunk_sel_buffer(tn_chunk *c, uint32_t n)
{
    if (n > c->sel_cap) {
        uint32_t *b = tn_realloc(c->sel_buf, (size_t)n * sizeof(uint32_t));
        if (!b)
            return NULL;
        c->sel_buf = b;
        c->sel_cap = n;
    }
    return c->sel_buf;
}

/* ---- tn_value ---- */
tn_value tn_value_null(tn_type t)
{
    tn_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    v.is_null = true;
    return v;
}

tn_value tn_value_int(tn_type t, int64_t x)
{
    tn_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    v.v.i64 = x;
    return v;
}

tn_value tn_value_double(double x)
{
    tn_value v;
    memset(&v, 0, sizeof v);
    v.type = tn_type_make(TN_T_DOUBLE);
    v.v.f64 = x;
    return v;
}

tn_value tn_value_bool(bool b)
{
    tn_value v;
    memset(&v, 0, sizeof v);
    v.type = tn_type_make(TN_T_BOOL);
    v.v.b = b;
    return v;
}

int tn_value_set_string(tn_value *out, tn_type t, const char *p, uint32_t len)
{
    memset(out, 0, sizeof *out);
    out->type = t;
    out->v.str.ptr = tn_strndup(p ? p : "", len);
    if (!out->v.str.ptr) {
        out->is_null = true;
        return TN_NOMEM;
    }
    out->v.str.len = len;
    return TN_OK;
}

int tn_value_copy(tn_value *dst, const tn_value *src)
{
    *dst = *src;
    if (!src->is_null && tn_type_is_string(src->type))
        return tn_value_set_string(dst, src->type, src->v.str.ptr, src->v.str.len);
    return TN_OK;
}

void tn_value_free(tn_value *v)
{
    if (v && !v->is_null && tn_type_is_string(v->type)) {
        tn_free(v->v.str.ptr);
        v->v.str.ptr = NULL;
    }
}

int tn_value_from_vector(tn_value *out, const tn_vector *v, uint32_t row)
{
    memset(out, 0, sizeof *out);
    out->type = v->type;
    tn_vview vw;
    tn_vector_view(v, TN_BATCH, &vw);
    if (v->kind == TN_VEC_CONST) {
        vw.idx = NULL;
        row = 0;
    }
    uint32_t k = tn_vview_index(&vw, row);
    if (!tn_vview_valid(&vw, row) ||
        (v->kind == TN_VEC_DICT && v->dict->validity && !tn_bit_get(v->dict->validity, k))) {
        out->is_null = true;
        return TN_OK;
    }
    const unsigned char *p = (const unsigned char *)vw.data + tn_type_width(v->type) * k;
    switch ((tn_type_id)v->type.id) {
    case TN_T_BOOL: out->v.b = *p != 0; break;
    case TN_T_INT8: out->v.i64 = *(const int8_t *)p; break;
    case TN_T_INT16: out->v.i64 = *(const int16_t *)p; break;
    case TN_T_INT32:
    case TN_T_DATE: out->v.i64 = *(const int32_t *)p; break;
    case TN_T_INT64:
    case TN_T_TIME:
    case TN_T_TIMESTAMP: out->v.i64 = *(const int64_t *)p; break;
    case TN_T_UINT8: out->v.u64 = *(const uint8_t *)p; break;
    case TN_T_UINT16: out->v.u64 = *(const uint16_t *)p; break;
    case TN_T_UINT32: out->v.u64 = *(const uint32_t *)p; break;
    case TN_T_UINT64: out->v.u64 = *(const uint64_t *)p; break;
    case TN_T_INT128: memcpy(&out->v.i128, p, 16); break;
    case TN_T_FLOAT: out->v.f64 = *(const float *)p; break;
    case TN_T_DOUBLE: out->v.f64 = *(const double *)p; break;
    case TN_T_DECIMAL:
        if (tn_decimal_is_small(v->type))
            out->v.i64 = *(const int64_t *)p;
        else
            memcpy(&out->v.i128, p, 16);
        break;
    case TN_T_INTERVAL: memcpy(&out->v.iv, p, sizeof out->v.iv); break;
    case TN_T_UUID: memcpy(out->v.uuid, p, 16); break;
    case TN_T_VARCHAR:
    case TN_T_BLOB: {
        const tn_str *s = (const tn_str *)p;
        return tn_value_set_string(out, v->type, tn_str_data(s), s->len);
    }
    default: return TN_NOTSUP;
    }
    return TN_OK;
}

int tn_value_to_vector(tn_vector *v, uint32_t row, const tn_value *val)
{
    if (val->is_null)
        return tn_vector_set_null(v, row);
    if (v->validity)
        tn_bit_set(v->validity, row);
    unsigned char *p = (unsigned char *)v->data + tn_type_width(v->type) * row;
    switch ((tn_type_id)v->type.id) {
    case TN_T_BOOL: *p = val->v.b ? 1 : 0; break;
    case TN_T_INT8: *(int8_t *)p = (int8_t)val->v.i64; break;
    case TN_T_INT16: *(int16_t *)p = (int16_t)val->v.i64; break;
    case TN_T_INT32:
    case TN_T_DATE: *(int32_t *)p = (int32_t)val->v.i64; break;
    case TN_T_INT64:
    case TN_T_TIME:
    case TN_T_TIMESTAMP: *(int64_t *)p = val->v.i64; break;
    case TN_T_UINT8: *(uint8_t *)p = (uint8_t)val->v.u64; break;
    case TN_T_UINT16: *(uint16_t *)p = (uint16_t)val->v.u64; break;
    case TN_T_UINT32: *(uint32_t *)p = (uint32_t)val->v.u64; break;
    case TN_T_UINT64: *(uint64_t *)p = val->v.u64; break;
    case TN_T_INT128: memcpy(p, &val->v.i128, 16); break;
    case TN_T_FLOAT: *(float *)p = (float)val->v.f64; break;
    case TN_T_DOUBLE: *(double *)p = val->v.f64; break;
    case TN_T_DECIMAL:
        if (tn_decimal_is_small(v->type))
            *(int64_t *)p = val->v.i64;
        else
            memcpy(p, &val->v.i128, 16);
        break;
    case TN_T_INTERVAL: memcpy(p, &val->v.iv, sizeof val->v.iv); break;
    case TN_T_UUID: memcpy(p, val->v.uuid, 16); break;
    case TN_T_VARCHAR:
    case TN_T_BLOB: return tn_vector_add_string(v, val->v.str.ptr, val->v.str.len, (tn_str *)p);
    default: return TN_NOTSUP;
    }
    return TN_OK;
}
