/*
 * op.c -- the operator base: the pull interface (ex_op_next with the cancel check), freeing a
 * tree, EXPLAIN rendering, draining helpers, plus the columnar helpers every operator shares
 * (op_int.h): resolved views, append/gather of rows, per-type comparators and a stable
 * permutation sort.
 *
 * Operator memory convention (also stated in exec.h): an operator is one tn_calloc'd struct whose
 * first member is the ex_op. ex_op_free frees the children first, then vt->destroy releases what
 * the operator owns (chunks, expressions, buffers), then the base frees op->types and the struct.
 *
 * EXPLAIN format: one line per operator, children indented by two spaces:
 *   NAME detail [N cols]
 */
#include "op_int.h"
#include "nested.h"
#include <math.h>

/* ======================= base ======================= */

int ex_op_init_base(ex_op *op, const ex_op_vt *vt, uint32_t ncols, const tn_type *types)
{
    op->vt = vt;
    op->ncols = ncols;
    op->types = tn_malloc((ncols ? ncols : 1) * sizeof(tn_type));
    if (!op->types)
        return TN_NOMEM;
    for (uint32_t i = 0; i < ncols; i++)
        op->types[i] = types[i];
    return TN_OK;
}

void *ex_op_alloc(size_t size, const ex_op_vt *vt, uint32_t ncols, const tn_type *types)
{
    ex_op *op = tn_calloc(1, size);
    if (!op)
        return NULL;
    if (ex_op_init_base(op, vt, ncols, types)) {
        tn_free(op);
        return NULL;
    }
    return op;
}

int ex_op_check_interrupt(const ex_op *op, tn_err *err)
{
    if (op->interrupt && *op->interrupt)
        return tn_err_set(err, TN_INTERRUPT, "query interrupted");
    return TN_OK;
}

int ex_op_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    *out = NULL;
    if (!op || !op->vt || !op->vt->next)
        return tn_err_set(err, TN_MISUSE, "ex_op_next: no operator");
    int rc = ex_op_check_interrupt(op, err);
    if (rc)
        return rc;
    rc = op->vt->next(op, out, err);
    if (rc)
        *out = NULL;
    return rc;
}

void ex_op_free(ex_op *op)
{
    if (!op)
        return;
    for (uint32_t i = 0; i < op->nchild && i < 2; i++) {
        ex_op_free(op->child[i]);
        op->child[i] = NULL;
    }
    if (op->vt && op->vt->destroy)
        op->vt->destroy(op);
    tn_free(op->types);
    tn_free(op);
}

void ex_op_set_interrupt(ex_op *op, volatile int *flag)
{
    if (!op)
        return;
    op->interrupt = flag;
    for (uint32_t i = 0; i < op->nchild && i < 2; i++)
        ex_op_set_interrupt(op->child[i], flag);
}

static void explain_rec(const ex_op *op, tn_sbuf *out, int depth)
{
    for (int i = 0; i < depth; i++)
        tn_sbuf_puts(out, "  ");
    tn_sbuf_puts(out, op->vt && op->vt->name ? op->vt->name : "?");
    if (op->vt && op->vt->explain) {
        tn_sbuf_putc(out, ' ');
        op->vt->explain(op, out);
    }
    tn_sbuf_printf(out, " [%u col%s]\n", op->ncols, op->ncols == 1 ? "" : "s");
    for (uint32_t i = 0; i < op->nchild && i < 2; i++)
        if (op->child[i])
            explain_rec(op->child[i], out, depth + 1);
}

void ex_op_explain(const ex_op *op, tn_sbuf *out)
{
    if (op)
        explain_rec(op, out, 0);
}

int ex_op_count_rows(ex_op *op, uint64_t *rows, tn_err *err)
{
    *rows = 0;
    for (;;) {
        tn_chunk *c = NULL;
        int rc = ex_op_next(op, &c, err);
        if (rc)
            return rc;
        if (!c)
            return TN_OK;
        *rows += tn_chunk_rows(c);
    }
}

/* ======================= views, append, gather ======================= */

void ex_view_resolve(const tn_vector *v, uint32_t count, tn_vview *vw, uint64_t *bits)
{
    tn_vector_view(v, count, vw);
    if (v->kind != TN_VEC_DICT || !v->dict->validity)
        return;
    /* fold NULL dictionary entries into row validity */
    const uint64_t *dv = v->dict->validity;
    const uint32_t *idx = vw->idx;
    size_t nw = TN_BITMAP_WORDS(count);
    if (vw->validity)
        memcpy(bits, vw->validity, nw * 8);
    else
        memset(bits, 0xff, nw * 8);
    for (uint32_t r = 0; r < count; r++)
        if (!tn_bit_get(dv, idx[r]))
            tn_bit_clear(bits, r);
    vw->validity = bits;
}

#define GATHER_LOOP(T)                                                       \
    do {                                                                     \
        T *d_ = (T *)dst->data + at;                                         \
        const T *s_ = (const T *)vw.data;                                    \
        if (vw.idx) {                                                        \
            for (uint32_t k = 0; k < n; k++)                                 \
                d_[k] = s_[vw.idx[EX_OPROW(sel, k)]];                        \
        } else if (sel) {                                                    \
            for (uint32_t k = 0; k < n; k++)                                 \
                d_[k] = s_[sel[k]];                                          \
        } else {                                                             \
            memcpy(d_, s_, (size_t)n * sizeof(T));                           \
        }                                                                    \
    } while (0)

typedef struct ex_b16 { uint64_t lo, hi; } ex_b16;

int ex_vec_append(tn_vector *dst, uint32_t at, const tn_vector *src, uint32_t count, const uint32_t *sel,
                  uint32_t n)
{
    if (n == 0)
        return TN_OK;
    if ((uint64_t)at + n > UINT32_MAX)
        return TN_NOMEM;
    if (tn_type_is_nested(dst->type))
        return ex_nested_append(dst, at, src, count, sel, n);
    size_t w = tn_type_width(dst->type);
    if (w == 0)
        return TN_NOTSUP;
    if (tn_vector_reserve(dst, at + n))
        return TN_NOMEM;
    uint64_t sbits[TN_BITMAP_WORDS(TN_BATCH)];
    uint64_t *bits = sbits, *hbits = NULL;
    if (src->kind == TN_VEC_DICT && src->dict->validity && count > TN_BATCH) {
        hbits = tn_malloc(TN_BITMAP_WORDS(count) * 8);
        if (!hbits)
            return TN_NOMEM;
        bits = hbits;
    }
    tn_vview vw;
    ex_view_resolve(src, count, &vw, bits);
    if (src->kind == TN_VEC_CONST && count > TN_BATCH) {
        /* the shared zero index array covers TN_BATCH rows only: replicate by hand */
        vw.idx = NULL;
        for (uint32_t k = 0; k < n; k++)
            memcpy((unsigned char *)dst->data + (size_t)(at + k) * w, vw.data, w);
        bool isnull = vw.validity != NULL;
        vw.validity = NULL;
        if (isnull) {
            if (tn_vector_ensure_validity(dst))
                goto nomem;
            for (uint32_t k = 0; k < n; k++)
                tn_bit_clear(dst->validity, at + k);
        } else if (dst->validity) {
            for (uint32_t k = 0; k < n; k++)
                tn_bit_set(dst->validity, at + k);
        }
        goto strings;
    }
    switch (w) {
    case 1: GATHER_LOOP(uint8_t); break;
    case 2: GATHER_LOOP(uint16_t); break;
    case 4: GATHER_LOOP(uint32_t); break;
    case 8: GATHER_LOOP(uint64_t); break;
    case 16: GATHER_LOOP(ex_b16); break;
    default: {
        for (uint32_t k = 0; k < n; k++) {
            uint32_t r = EX_OPROW(sel, k);
            memcpy((unsigned char *)dst->data + (size_t)(at + k) * w,
                   (const unsigned char *)vw.data + (size_t)tn_vview_index(&vw, r) * w, w);
        }
    }
    }
    if (vw.validity) {
        if (tn_vector_ensure_validity(dst))
            goto nomem;
        for (uint32_t k = 0; k < n; k++) {
            if (tn_bit_get(vw.validity, EX_OPROW(sel, k)))
                tn_bit_set(dst->validity, at + k);
            else
                tn_bit_clear(dst->validity, at + k);
        }
    } else if (dst->validity) {
        for (uint32_t k = 0; k < n; k++)
            tn_bit_set(dst->validity, at + k);
    }
strings:
    if (tn_type_is_string(dst->type)) {
        tn_str *d = (tn_str *)dst->data + at;
        for (uint32_t k = 0; k < n; k++) {
            if (dst->validity && !tn_bit_get(dst->validity, at + k)) {
                memset(&d[k], 0, sizeof d[k]);
                continue;
            }
            if (d[k].len > TN_STR_INLINE && tn_vector_add_string(dst, d[k].u.ptr, d[k].len, &d[k]))
                goto nomem;
        }
    }
    tn_free(hbits);
    return TN_OK;
nomem:
    tn_free(hbits);
    return TN_NOMEM;
}

#define GATHER_IDX(T)                                  \
    do {                                               \
        T *d_ = (T *)dst->data;                        \
        const T *s_ = (const T *)src->data;            \
        for (uint32_t k = 0; k < n; k++)               \
            d_[k] = s_[idx[k]];                        \
    } while (0)

int ex_vec_gather(tn_vector *dst, const tn_vector *src, const uint32_t *idx, uint32_t n)
{
    if (tn_type_is_nested(dst->type))
        return ex_nested_gather_idx(dst, src, idx, n);
    size_t w = tn_type_width(dst->type);
    if (tn_vector_reserve(dst, n ? n : 1))
        return TN_NOMEM;
    switch (w) {
    case 1: GATHER_IDX(uint8_t); break;
    case 2: GATHER_IDX(uint16_t); break;
    case 4: GATHER_IDX(uint32_t); break;
    case 8: GATHER_IDX(uint64_t); break;
    case 16: GATHER_IDX(ex_b16); break;
    default:
        for (uint32_t k = 0; k < n; k++)
            memcpy((unsigned char *)dst->data + (size_t)k * w, (const unsigned char *)src->data + (size_t)idx[k] * w,
                   w);
    }
    if (src->validity) {
        if (tn_vector_ensure_validity(dst))
            return TN_NOMEM;
        for (uint32_t k = 0; k < n; k++) {
            if (tn_bit_get(src->validity, idx[k]))
                tn_bit_set(dst->validity, k);
            else
                tn_bit_clear(dst->validity, k);
        }
    } else if (dst->validity) {
        for (uint32_t k = 0; k < n; k++)
            tn_bit_set(dst->validity, k);
    }
    return TN_OK;
}

int ex_vec_slice(tn_vector *dst, const tn_vector *src, uint32_t start, uint32_t n)
{
    if (tn_type_is_nested(dst->type))
        return ex_nested_slice(dst, src, start, n);
    size_t w = tn_type_width(dst->type);
    if (tn_vector_reserve(dst, n ? n : 1))
        return TN_NOMEM;
    memcpy(dst->data, (const unsigned char *)src->data + (size_t)start * w, (size_t)n * w);
    if (src->validity) {
        if (tn_vector_ensure_validity(dst))
            return TN_NOMEM;
        for (uint32_t k = 0; k < n; k++) {
            if (tn_bit_get(src->validity, start + k))
                tn_bit_set(dst->validity, k);
            else
                tn_bit_clear(dst->validity, k);
        }
    } else if (dst->validity) {
        for (uint32_t k = 0; k < n; k++)
            tn_bit_set(dst->validity, k);
    }
    return TN_OK;
}

/* ======================= comparators ======================= */

#define CMP_NUM(name, T)                                          \
    static int name(const void *a, const void *b)                 \
    {                                                             \
        T x, y;                                                   \
        memcpy(&x, a, sizeof x);                                  \
        memcpy(&y, b, sizeof y);                                  \
        return (x > y) - (x < y);                                 \
    }
CMP_NUM(cmp_i8, int8_t)
CMP_NUM(cmp_i16, int16_t)
CMP_NUM(cmp_i32, int32_t)
CMP_NUM(cmp_i64, int64_t)
CMP_NUM(cmp_u8, uint8_t)
CMP_NUM(cmp_u16, uint16_t)
CMP_NUM(cmp_u32, uint32_t)
CMP_NUM(cmp_u64, uint64_t)
CMP_NUM(cmp_i128, tn_i128)

/* NaN is greater than every number and equal to itself (PostgreSQL); -0.0 == 0.0. */
#define CMP_FLT(name, T)                                          \
    static int name(const void *a, const void *b)                 \
    {                                                             \
        T x, y;                                                   \
        memcpy(&x, a, sizeof x);                                  \
        memcpy(&y, b, sizeof y);                                  \
        if (x < y)                                                \
            return -1;                                            \
        if (x > y)                                                \
            return 1;                                             \
        if (x == y)                                               \
            return 0;                                             \
        return isnan(x) ? (isnan(y) ? 0 : 1) : -1;                \
    }
CMP_FLT(cmp_f32, float)
CMP_FLT(cmp_f64, double)

static int cmp_str(const void *a, const void *b) { return tn_str_cmp((const tn_str *)a, (const tn_str *)b); }

static int cmp_b16(const void *a, const void *b)
{
    int c = memcmp(a, b, 16);
    return (c > 0) - (c < 0);
}

static tn_i128 interval_span(const tn_interval *iv)
{
    return ((tn_i128)iv->months * 30 + iv->days) * (tn_i128)86400000000LL + iv->micros;
}

static int cmp_interval(const void *a, const void *b)
{
    tn_interval x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    tn_i128 sx = interval_span(&x), sy = interval_span(&y);
    return (sx > sy) - (sx < sy);
}

ex_cmp_fn ex_cmp_for_type(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_NULL:
    case TN_T_BOOL:
    case TN_T_UINT8: return cmp_u8;
    case TN_T_INT8: return cmp_i8;
    case TN_T_INT16: return cmp_i16;
    case TN_T_INT32:
    case TN_T_DATE: return cmp_i32;
    case TN_T_INT64:
    case TN_T_TIME:
    case TN_T_TIMESTAMP: return cmp_i64;
    case TN_T_UINT16: return cmp_u16;
    case TN_T_UINT32: return cmp_u32;
    case TN_T_UINT64: return cmp_u64;
    case TN_T_INT128: return cmp_i128;
    case TN_T_DECIMAL: return tn_decimal_is_small(t) ? cmp_i64 : cmp_i128;
    case TN_T_FLOAT: return cmp_f32;
    case TN_T_DOUBLE: return cmp_f64;
    case TN_T_INTERVAL: return cmp_interval;
    case TN_T_VARCHAR:
    case TN_T_BLOB: return cmp_str;
    case TN_T_UUID: return cmp_b16;
    default: return NULL;
    }
}

/* ======================= stable permutation sort ======================= */

#define EX_RUN 24

static void insertion_sort(uint32_t *p, uint32_t n, ex_perm_cmp cmp, void *ctx)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = p[i];
        uint32_t j = i;
        while (j > 0 && cmp(ctx, p[j - 1], x) > 0) {
            p[j] = p[j - 1];
            j--;
        }
        p[j] = x;
    }
}

void ex_perm_sort(uint32_t *perm, uint32_t *scratch, uint32_t n, ex_perm_cmp cmp, void *ctx)
{
    for (uint32_t i = 0; i < n; i += EX_RUN)
        insertion_sort(perm + i, TN_MIN((uint32_t)EX_RUN, n - i), cmp, ctx);
    uint32_t *src = perm, *dst = scratch;
    for (uint64_t width = EX_RUN; width < n; width *= 2) {
        for (uint64_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = (uint32_t)TN_MIN(lo + width, (uint64_t)n);
            uint32_t hi = (uint32_t)TN_MIN(lo + 2 * width, (uint64_t)n);
            uint32_t i = (uint32_t)lo, j = mid, k = (uint32_t)lo;
            if (mid >= hi || cmp(ctx, src[mid - 1], src[mid]) <= 0) {
                /* already in order (or a lone run): copy through */
                memcpy(dst + lo, src + lo, (size_t)(hi - lo) * sizeof *dst);
                continue;
            }
            while (i < mid && j < hi)
                dst[k++] = cmp(ctx, src[j], src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != perm)
        memcpy(perm, src, (size_t)n * sizeof *perm);
}

/* ======================= argument evaluation ======================= */

int ex_op_eval_arg(ex_expr *e, tn_chunk *in, tn_vector **scratch, tn_vector **out, tn_err *err)
{
    if (e->kind == EX_COLREF) {
        if (e->col >= in->ncols || !in->cols[e->col])
            return tn_err_set(err, TN_ERROR, "column reference #%u out of range (%u columns)", e->col, in->ncols);
        *out = in->cols[e->col];
        return TN_OK;
    }
    uint32_t cap = in->count ? in->count : 1;
    if (!*scratch) {
        *scratch = tn_vector_new(e->type, cap > TN_BATCH ? cap : TN_BATCH);
        if (!*scratch)
            return tn_err_set(err, TN_NOMEM, "out of memory");
    } else if (tn_vector_reserve(*scratch, cap)) {
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    int rc = ex_expr_eval(e, in, *scratch, err);
    if (rc)
        return rc;
    *out = *scratch;
    return TN_OK;
}

void ex_sort_keys_explain(const ex_sort_key *keys, uint32_t nkeys, tn_sbuf *out)
{
    for (uint32_t k = 0; k < nkeys; k++) {
        if (k)
            tn_sbuf_puts(out, ", ");
        ex_expr_explain(keys[k].expr, out);
        tn_sbuf_puts(out, keys[k].desc ? " DESC" : " ASC");
        tn_sbuf_puts(out, keys[k].nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
}
