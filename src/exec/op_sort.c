/*
 * op_sort.c -- SORT: ORDER BY over the whole input.
 *
 * Design. A pipeline breaker in three steps:
 *  - sink(batch): append the active rows of every input column to columnar run storage
 *    (compacting the selection; string bytes copied into the storage's own heap, so nothing
 *    below is kept alive) and, for sort keys that are not plain column references, evaluate the
 *    key expression per batch and append it as an extra hidden column.
 *  - finalize: sort a permutation of row numbers, stably. The first key is normalised to an
 *    order-preserving uint64 image (exact for integers, dates, times, floats; an 8-byte prefix
 *    for strings and 128-bit values) and (image, row) pairs are LSD-radix-sorted without
 *    callbacks; its NULLs form one block placed first or last. Runs of equal images are then
 *    ordered with a stable merge sort whose comparator walks the remaining keys (or all keys,
 *    for prefixes) with one comparator function per key chosen once from the key's type (no
 *    type switch per comparison), NULL placement from ex_sort_key.nulls_first, DESC flipping
 *    only the value order. Types without an image (intervals) use the comparator throughout.
 *  - emit: gather the permuted rows into reused output vectors, TN_BATCH rows at a time; the run
 *    storage is released once the last row has been handed out.
 * A later parallel version sinks into per-thread runs, sorts each locally, and merges (see
 * docs/exec-threading.md).
 *
 * Order (PostgreSQL): strings byte-wise, NaN above every number, NULLs per the flag.
 * Nested columns are buffered like flat ones (ex_vec_append/gather dispatch to nested.h); a
 * nested key has no image and compares with ex_nested_cmp (DuckDB: lists element-wise with a
 * proper prefix first, structs field-wise, inner NULLs after every value whatever the NULLS
 * flag, which places only the top-level NULLs; DESC reverses the whole value order).
 */
#include "op_int.h"
#include "nested.h"
#include <math.h>

typedef struct sort_key_rt {
    ex_cmp_fn cmp;                /* NULL: nested key, compared with ex_nested_cmp over vec */
    const tn_vector *vec;
    const unsigned char *data;
    const uint64_t *validity;
    size_t w;
    bool desc, nulls_first;
} sort_key_rt;

typedef struct op_sort {
    ex_op base;
    ex_sort_key *keys;
    uint32_t nkeys;
    uint32_t nin;          /* child columns */
    tn_vector **store;     /* nin + extra key columns */
    uint32_t nstore;
    uint32_t *keycol;      /* per key: store column */
    tn_vector **kscratch;  /* per key: evaluation scratch */
    uint32_t nrows;
    uint32_t *perm;
    sort_key_rt *rt;
    uint32_t from_key;     /* comparator starts at this key (ties of a normalised first key) */
    bool sorted, done;
    uint32_t pos;
    tn_chunk *out;
} op_sort;

/* Compare rows a and b on keys [from_key, nkeys). */
static int sort_cmp(void *ctx, uint32_t a, uint32_t b)
{
    const op_sort *s = ctx;
    for (uint32_t k = s->from_key; k < s->nkeys; k++) {
        const sort_key_rt *kr = &s->rt[k];
        if (kr->validity) {
            bool na = !tn_bit_get(kr->validity, a), nb = !tn_bit_get(kr->validity, b);
            if (na || nb) {
                if (na && nb)
                    continue;
                return (na ? -1 : 1) * (kr->nulls_first ? 1 : -1);
            }
        }
        int c = kr->cmp ? kr->cmp(kr->data + a * kr->w, kr->data + b * kr->w) : ex_nested_cmp(kr->vec, a, kr->vec, b);
        if (c)
            return kr->desc ? -c : c;
    }
    return 0;
}

/* ---- normalised first key: (uint64 image, row) pairs radix-sorted ----
 * EXACT types map every value to an order-preserving uint64 (equal images = equal values), so
 * runs of equal images are then ordered by the remaining keys. PREFIX types (strings, 128-bit
 * numbers, UUIDs) map to an order-preserving prefix: runs of equal prefixes are ordered by the
 * full comparator starting at the first key. NULLs of the first key are set aside and placed
 * first or last as a block (ordered by the remaining keys). */

enum { NORM_NONE, NORM_EXACT, NORM_PREFIX };

typedef struct kv64 {
    uint64_t key;
    uint32_t row;
} kv64;

static int norm_mode(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL: case TN_T_INT8: case TN_T_INT16: case TN_T_INT32: case TN_T_INT64:
    case TN_T_UINT8: case TN_T_UINT16: case TN_T_UINT32: case TN_T_UINT64:
    case TN_T_DATE: case TN_T_TIME: case TN_T_TIMESTAMP: case TN_T_FLOAT: case TN_T_DOUBLE:
        return NORM_EXACT;
    case TN_T_DECIMAL: return tn_decimal_is_small(t) ? NORM_EXACT : NORM_PREFIX;
    case TN_T_INT128: case TN_T_VARCHAR: case TN_T_BLOB: case TN_T_UUID: return NORM_PREFIX;
    default: return NORM_NONE;
    }
}

static inline uint64_t norm_double(double d)
{
    if (d == 0)
        d = 0; /* -0.0 == 0.0 */
    if (isnan(d))
        return UINT64_MAX; /* NaN above everything */
    uint64_t u;
    memcpy(&u, &d, 8);
    return (u >> 63) ? ~u : (u | ((uint64_t)1 << 63));
}

static inline uint64_t norm_str(const tn_str *x)
{
    const unsigned char *p = (const unsigned char *)tn_str_data(x);
    uint32_t m = x->len < 8 ? x->len : 8;
    uint64_t k = 0;
    for (uint32_t i = 0; i < 8; i++)
        k = (k << 8) | (i < m ? p[i] : 0);
    return k;
}

static inline uint64_t norm_i128(tn_i128 v) { return (uint64_t)(v >> 64) ^ ((uint64_t)1 << 63); }

typedef struct sort_b16 {
    unsigned char b[16];
} sort_b16;

static inline uint64_t norm_b16(const unsigned char *p)
{
    uint64_t k = 0;
    for (int i = 0; i < 8; i++)
        k = (k << 8) | p[i];
    return k;
}

/* kv[j] for the j-th non-NULL row of rows[0..n); NULL rows appended to nulls. One type switch
 * per call. */
#define NORM_LOOP(T, EXPR)                                            \
    do {                                                              \
        const T *d_ = (const T *)v->data;                             \
        for (uint32_t i = 0; i < n; i++) {                            \
            uint32_t r_ = rows[i];                                    \
            if (valid && !tn_bit_get(valid, r_)) {                    \
                nulls[nn++] = r_;                                     \
                continue;                                             \
            }                                                         \
            const T *x_ = &d_[r_];                                    \
            kv[nk].key = (uint64_t)(EXPR) ^ flip;                     \
            kv[nk++].row = r_;                                        \
        }                                                             \
    } while (0)

static void norm_fill(kv64 *kv, uint32_t *nkv, uint32_t *nulls, uint32_t *nnull, const tn_vector *v,
                      const uint32_t *rows, uint32_t n, bool desc)
{
    uint64_t flip = desc ? UINT64_MAX : 0;
    const uint64_t sb = (uint64_t)1 << 63;
    const uint64_t *valid = v->validity;
    uint32_t nk = 0, nn = 0;
    switch ((tn_type_id)v->type.id) {
    case TN_T_BOOL:
    case TN_T_UINT8: NORM_LOOP(uint8_t, *x_); break;
    case TN_T_UINT16: NORM_LOOP(uint16_t, *x_); break;
    case TN_T_UINT32: NORM_LOOP(uint32_t, *x_); break;
    case TN_T_UINT64: NORM_LOOP(uint64_t, *x_); break;
    case TN_T_INT8: NORM_LOOP(int8_t, (uint64_t)(int64_t)*x_ ^ sb); break;
    case TN_T_INT16: NORM_LOOP(int16_t, (uint64_t)(int64_t)*x_ ^ sb); break;
    case TN_T_INT32:
    case TN_T_DATE: NORM_LOOP(int32_t, (uint64_t)(int64_t)*x_ ^ sb); break;
    case TN_T_FLOAT: NORM_LOOP(float, norm_double(*x_)); break;
    case TN_T_DOUBLE: NORM_LOOP(double, norm_double(*x_)); break;
    case TN_T_VARCHAR:
    case TN_T_BLOB: NORM_LOOP(tn_str, norm_str(x_)); break;
    case TN_T_INT128: NORM_LOOP(tn_i128, norm_i128(*x_)); break;
    case TN_T_UUID: NORM_LOOP(sort_b16, norm_b16(x_->b)); break;
    case TN_T_DECIMAL:
        if (tn_decimal_is_small(v->type))
            NORM_LOOP(int64_t, (uint64_t)*x_ ^ sb);
        else
            NORM_LOOP(tn_i128, norm_i128(*x_));
        break;
    default: NORM_LOOP(int64_t, (uint64_t)*x_ ^ sb); break;
    }
    *nkv = nk;
    *nnull = nn;
}

/* Stable LSD radix sort of (key,row) pairs by key, 8-bit digits; digits on which every key agrees
 * are skipped (small-range integers need only their low bytes). Small inputs: insertion sort. */
static void kv_sort(kv64 *a, kv64 *tmp, uint32_t n)
{
    if (n < 64) {
        for (uint32_t i = 1; i < n; i++) {
            kv64 x = a[i];
            uint32_t j = i;
            while (j > 0 && a[j - 1].key > x.key) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
        return;
    }
    uint32_t cnt[8][256];
    memset(cnt, 0, sizeof cnt);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t k = a[i].key;
        for (int b = 0; b < 8; b++)
            cnt[b][(k >> (8 * b)) & 255]++;
    }
    kv64 *src = a, *dst = tmp;
    for (int b = 0; b < 8; b++) {
        uint32_t *c = cnt[b];
        if (c[(src[0].key >> (8 * b)) & 255] == n)
            continue;
        uint32_t sum = 0;
        for (int d = 0; d < 256; d++) {
            uint32_t x = c[d];
            c[d] = sum;
            sum += x;
        }
        for (uint32_t i = 0; i < n; i++)
            dst[c[(src[i].key >> (8 * b)) & 255]++] = src[i];
        kv64 *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, (size_t)n * sizeof *a);
}

/* Sort perm[off, off+n) on keys [k, nkeys). kv, tmp and scratch are indexed like perm, so
 * recursive calls on disjoint sub-ranges never disturb each other's slices. */
static void sort_range(op_sort *s, uint32_t off, uint32_t n, uint32_t k, kv64 *kv, kv64 *tmp, uint32_t *scratch)
{
    if (n < 2 || k >= s->nkeys)
        return;
    uint32_t *perm = s->perm + off;
    int mode = norm_mode(s->store[s->keycol[k]]->type);
    if (mode == NORM_NONE || n < 16) {
        s->from_key = k;
        ex_perm_sort(perm, scratch + off, n, sort_cmp, s);
        return;
    }
    uint32_t nkv = 0, nnull = 0;
    norm_fill(kv + off, &nkv, scratch + off, &nnull, s->store[s->keycol[k]], perm, n, s->keys[k].desc);
    kv_sort(kv + off, tmp + off, nkv);
    /* the NULL block goes first or last; images are moved to line up with their perm position */
    uint32_t vals_at = s->keys[k].nulls_first ? nnull : 0;
    uint32_t nulls_at = s->keys[k].nulls_first ? 0 : nkv;
    memcpy(perm + nulls_at, scratch + off, (size_t)nnull * sizeof *perm);
    if (vals_at)
        memmove(kv + off + vals_at, kv + off, (size_t)nkv * sizeof *kv);
    const kv64 *img = kv + off;
    for (uint32_t i = 0; i < nkv; i++)
        perm[vals_at + i] = img[vals_at + i].row;
    /* ties: runs of equal images (exact: next key on; prefix: this key's full comparator) */
    if (mode == NORM_PREFIX || k + 1 < s->nkeys) {
        for (uint32_t i = vals_at; i < vals_at + nkv;) {
            uint32_t j = i + 1;
            while (j < vals_at + nkv && img[j].key == img[i].key)
                j++;
            if (j - i > 1) {
                if (mode == NORM_PREFIX) {
                    s->from_key = k;
                    ex_perm_sort(perm + i, scratch + off + i, j - i, sort_cmp, s);
                } else {
                    sort_range(s, off + i, j - i, k + 1, kv, tmp, scratch);
                }
            }
            i = j;
        }
    }
    sort_range(s, off + nulls_at, nnull, k + 1, kv, tmp, scratch);
}

static int sort_finalize(op_sort *s, tn_err *err)
{
    uint32_t n = s->nrows;
    size_t n1 = n ? n : 1;
    int rc = TN_OK;
    s->perm = tn_malloc(n1 * sizeof *s->perm);
    uint32_t *scratch = tn_malloc(n1 * sizeof *scratch);
    kv64 *kv = tn_malloc(n1 * 2 * sizeof *kv);
    if (!s->perm || !scratch || !kv) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory (sort of %u rows)", n);
        goto done;
    }
    for (uint32_t k = 0; k < s->nkeys; k++) {
        const tn_vector *v = s->store[s->keycol[k]];
        s->rt[k].data = v->data;
        s->rt[k].validity = v->validity;
        s->rt[k].vec = v;
    }
    for (uint32_t i = 0; i < n; i++)
        s->perm[i] = i;
    sort_range(s, 0, n, 0, kv, kv + n1, scratch);
done:
    tn_free(kv);
    tn_free(scratch);
    return rc;
}

static int sort_sink(op_sort *s, tn_chunk *c, tn_err *err)
{
    uint32_t m = tn_chunk_rows(c);
    if (m == 0)
        return TN_OK;
    if ((uint64_t)s->nrows + m >= UINT32_MAX)
        return tn_err_set(err, TN_ERROR, "sort input exceeds %u rows", UINT32_MAX - 1);
    for (uint32_t i = 0; i < s->nin; i++)
        if (ex_vec_append(s->store[i], s->nrows, c->cols[i], c->count, c->sel, m))
            return tn_err_set(err, TN_NOMEM, "out of memory (sort buffer)");
    for (uint32_t k = 0; k < s->nkeys; k++) {
        if (s->keycol[k] < s->nin)
            continue;
        tn_vector *v = NULL;
        int rc = ex_op_eval_arg(s->keys[k].expr, c, &s->kscratch[k], &v, err);
        if (rc)
            return rc;
        if (ex_vec_append(s->store[s->keycol[k]], s->nrows, v, c->count, c->sel, m))
            return tn_err_set(err, TN_NOMEM, "out of memory (sort buffer)");
    }
    s->nrows += m;
    return TN_OK;
}

static void release_store(op_sort *s)
{
    for (uint32_t i = 0; s->store && i < s->nstore; i++) {
        tn_vector_unref(s->store[i]);
        s->store[i] = NULL;
    }
    tn_free(s->perm);
    s->perm = NULL;
}

static int sort_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_sort *s = (op_sort *)op;
    *out = NULL;
    int rc;
    if (s->done)
        return TN_OK;
    if (!s->sorted) {
        for (;;) {
            if ((rc = ex_op_check_interrupt(op, err)))
                return rc;
            tn_chunk *c = NULL;
            if ((rc = ex_op_next(op->child[0], &c, err)))
                return rc;
            if (!c)
                break;
            if ((rc = sort_sink(s, c, err)))
                return rc;
        }
        if ((rc = sort_finalize(s, err)))
            return rc;
        s->sorted = true;
        s->pos = 0;
    }
    if (s->pos >= s->nrows) {
        s->done = true;
        release_store(s);
        return TN_OK;
    }
    uint32_t n = TN_MIN((uint32_t)TN_BATCH, s->nrows - s->pos);
    tn_chunk *o = s->out;
    tn_chunk_reset(o);
    for (uint32_t i = 0; i < s->nin; i++)
        if (ex_vec_gather(o->cols[i], s->store[i], s->perm + s->pos, n))
            return tn_err_set(err, TN_NOMEM, "out of memory");
    o->count = n;
    s->pos += n;
    *out = o;
    return TN_OK;
}

static void sort_explain(const ex_op *op, tn_sbuf *out)
{
    const op_sort *s = (const op_sort *)op;
    ex_sort_keys_explain(s->keys, s->nkeys, out);
}

static void sort_destroy(ex_op *op)
{
    op_sort *s = (op_sort *)op;
    release_store(s);
    for (uint32_t k = 0; k < s->nkeys; k++) {
        ex_expr_free(s->keys[k].expr);
        if (s->kscratch)
            tn_vector_unref(s->kscratch[k]);
    }
    tn_free(s->keys);
    tn_free(s->store);
    tn_free(s->keycol);
    tn_free(s->kscratch);
    tn_free(s->rt);
    tn_chunk_free(s->out);
}

static const ex_op_vt sort_vt = {"SORT", sort_next, sort_destroy, sort_explain};

ex_op *op_sort_create(ex_op *child, ex_sort_key *keys, uint32_t nkeys)
{
    if (!child || (nkeys && !keys))
        goto fail;
    for (uint32_t k = 0; k < nkeys; k++)
        if (!keys[k].expr ||
            (!ex_cmp_for_type(keys[k].expr->type) && !(tn_type_is_nested(keys[k].expr->type) && keys[k].expr->type.nested)))
            goto fail;
    op_sort *s = ex_op_alloc(sizeof *s, &sort_vt, child->ncols, child->types);
    if (!s)
        goto fail;
    s->base.child[0] = child;
    s->base.nchild = 1;
    s->keys = keys;
    s->nkeys = nkeys;
    s->nin = child->ncols;
    s->keycol = tn_calloc(nkeys ? nkeys : 1, sizeof *s->keycol);
    s->kscratch = tn_calloc(nkeys ? nkeys : 1, sizeof *s->kscratch);
    s->rt = tn_calloc(nkeys ? nkeys : 1, sizeof *s->rt);
    s->store = tn_calloc((size_t)s->nin + nkeys + 1, sizeof *s->store);
    s->out = tn_chunk_new(s->nin, child->types, TN_BATCH);
    if (!s->keycol || !s->kscratch || !s->rt || !s->store || !s->out)
        goto fail_op;
    for (uint32_t i = 0; i < s->nin; i++)
        if (!(s->store[i] = tn_vector_new(child->types[i], TN_BATCH)))
            goto fail_op;
    s->nstore = s->nin;
    for (uint32_t k = 0; k < nkeys; k++) {
        ex_expr *e = keys[k].expr;
        if (e->kind == EX_COLREF && e->col < s->nin && tn_type_equal(e->type, child->types[e->col])) {
            s->keycol[k] = e->col;
        } else {
            s->keycol[k] = s->nstore;
            if (!(s->store[s->nstore] = tn_vector_new(e->type, TN_BATCH)))
                goto fail_op;
            s->nstore++;
        }
        s->rt[k].cmp = ex_cmp_for_type(e->type);
        s->rt[k].w = tn_type_width(e->type);
        s->rt[k].desc = keys[k].desc;
        s->rt[k].nulls_first = keys[k].nulls_first;
    }
    return &s->base;
fail_op:
    ex_op_free(&s->base);
    return NULL;
fail:
    ex_op_free(child);
    for (uint32_t k = 0; keys && k < nkeys; k++)
        ex_expr_free(keys[k].expr);
    tn_free(keys);
    return NULL;
}
