/*
 * op_topn.c -- TOP_N: ORDER BY ... LIMIT l OFFSET o without sorting the whole input.
 *
 * Design. Keeps the best K = l + o rows seen so far in K row slots (columnar slot storage: one
 * FLAT vector per output column plus hidden columns for computed keys; long strings copied into
 * per-slot buffers that are reused when the slot is overwritten, so memory stays bounded by K).
 * A binary max-heap over the slots has the worst kept row on top. Each input row is compared
 * with the top only; a better row overwrites the top slot and sifts down, so a batch costs
 * O(rows) comparisons plus O(log K) per accepted row instead of a full sort.
 *
 * Ties: rows are ordered by (keys, input sequence number), so among equal keys earlier rows win
 * and the result is exactly that of a stable sort followed by LIMIT/OFFSET. At the end the slots
 * are sorted by the same order, the first o are skipped and the rest emitted in batches.
 * Comparators are chosen once per key from its type (op_int.h); NULL placement per key flag.
 * LIMIT 0 reads nothing from the child.
 *
 * Nested columns (LIST/STRUCT/MAP, payload or key) cannot be overwritten in place, so their
 * values are appended to a per-column store vector and the slot holds the store row (a UINT32
 * slot column). Overwritten rows become garbage in the store; once the store holds more than
 * twice the live rows plus a batch it is compacted (live rows gathered into a fresh vector), so
 * memory stays O(K). Nested keys compare with ex_nested_cmp (lists element-wise, structs
 * field-wise, inner NULLs last); the top-level NULL follows the key's NULLS FIRST/LAST.
 */
#include "op_int.h"
#include "nested.h"

typedef struct topn_key {
    ex_cmp_fn cmp;         /* NULL for a nested key (ex_nested_cmp over the column's store) */
    size_t w;
    uint32_t col;          /* slot column */
    bool desc, nulls_first;
} topn_key;

typedef struct op_topn {
    ex_op base;
    ex_sort_key *keys;
    uint32_t nkeys;
    topn_key *kr;
    uint64_t limit, offset, k;
    uint32_t nin;          /* child columns */
    uint32_t ncols;        /* slot columns: nin + computed keys */
    tn_vector **slotv;     /* per slot column: FLAT, one row per slot */
    char ***sbuf;          /* per slot column (strings only): per slot owned bytes */
    uint32_t **scap;
    tn_vector **nstore;    /* per slot column (nested only): the values; slotv holds store rows */
    uint32_t *nused;       /* per slot column: store rows in use (live + garbage) */
    uint32_t *oidx;        /* output scratch: TN_BATCH store rows */
    uint64_t *seq;
    uint32_t nslots, cap;
    uint32_t *heap;
    uint64_t seqno;
    /* per batch */
    tn_vector **kscratch;
    tn_vector **src;       /* per slot column: this batch's source vector */
    tn_vview *views;
    uint64_t *bits;        /* ncols * TN_BITMAP_WORDS(TN_BATCH) */
    /* output */
    bool built, done;
    uint32_t *perm;
    uint32_t pos, nout;
    tn_chunk *out;
} op_topn;

/* Store row of slot `slot` in nested slot column c. */
static inline uint32_t nested_row(const op_topn *t, uint32_t c, uint32_t slot)
{
    return ((const uint32_t *)t->slotv[c]->data)[slot];
}

/* Nested key: batch row r of src vs store row i (NULLS FIRST/LAST at the top level only). */
static int cmp_nested_key(const topn_key *kr, const tn_vector *a, uint32_t ra, const tn_vector *b, uint32_t rb)
{
    uint32_t pa, pb;
    bool va, vb;
    ex_nested_phys(a, ra, &pa, &va);
    ex_nested_phys(b, rb, &pb, &vb);
    if (!va || !vb) {
        if (!va && !vb)
            return 0;
        return (!va ? -1 : 1) * (kr->nulls_first ? 1 : -1);
    }
    int c = ex_nested_cmp(a, ra, b, rb);
    return kr->desc ? -c : c;
}

/* row (batch, via views) vs slot: <0 when the row sorts first. Ties on keys: the slot (older)
 * wins, so the result is > 0 ... unless keys differ. */
static int cmp_row_slot(const op_topn *t, uint32_t r, uint32_t slot)
{
    for (uint32_t k = 0; k < t->nkeys; k++) {
        const topn_key *kr = &t->kr[k];
        if (!kr->cmp) {
            int c = cmp_nested_key(kr, t->src[kr->col], r, t->nstore[kr->col], nested_row(t, kr->col, slot));
            if (c)
                return c;
            continue;
        }
        const tn_vview *vw = &t->views[kr->col];
        const tn_vector *sv = t->slotv[kr->col];
        bool na = !tn_vview_valid(vw, r);
        bool nb = sv->validity && !tn_bit_get(sv->validity, slot);
        if (na || nb) {
            if (na && nb)
                continue;
            return (na ? -1 : 1) * (kr->nulls_first ? 1 : -1);
        }
        const unsigned char *a = (const unsigned char *)vw->data + (size_t)tn_vview_index(vw, r) * kr->w;
        const unsigned char *b = (const unsigned char *)sv->data + (size_t)slot * kr->w;
        int c = kr->cmp(a, b);
        if (c)
            return kr->desc ? -c : c;
    }
    return 1; /* equal keys: the new row comes later in input order */
}

/* slot vs slot by (keys, sequence). */
static int cmp_slots(void *ctx, uint32_t a, uint32_t b)
{
    const op_topn *t = ctx;
    for (uint32_t k = 0; k < t->nkeys; k++) {
        const topn_key *kr = &t->kr[k];
        if (!kr->cmp) {
            const tn_vector *ns = t->nstore[kr->col];
            int c = cmp_nested_key(kr, ns, nested_row(t, kr->col, a), ns, nested_row(t, kr->col, b));
            if (c)
                return c;
            continue;
        }
        const tn_vector *sv = t->slotv[kr->col];
        if (sv->validity) {
            bool na = !tn_bit_get(sv->validity, a), nb = !tn_bit_get(sv->validity, b);
            if (na || nb) {
                if (na && nb)
                    continue;
                return (na ? -1 : 1) * (kr->nulls_first ? 1 : -1);
            }
        }
        const unsigned char *d = sv->data;
        int c = kr->cmp(d + (size_t)a * kr->w, d + (size_t)b * kr->w);
        if (c)
            return kr->desc ? -c : c;
    }
    return (t->seq[a] > t->seq[b]) - (t->seq[a] < t->seq[b]);
}

/* max-heap: the worst slot on top */
static void sift_up(op_topn *t, uint32_t i)
{
    uint32_t *h = t->heap;
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (cmp_slots(t, h[p], h[i]) >= 0)
            break;
        uint32_t x = h[p];
        h[p] = h[i];
        h[i] = x;
        i = p;
    }
}

static void sift_down(op_topn *t, uint32_t i)
{
    uint32_t *h = t->heap, n = t->nslots;
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && cmp_slots(t, h[l], h[m]) > 0)
            m = l;
        if (r < n && cmp_slots(t, h[r], h[m]) > 0)
            m = r;
        if (m == i)
            break;
        uint32_t x = h[m];
        h[m] = h[i];
        h[i] = x;
        i = m;
    }
}

static int grow_slots(op_topn *t, uint32_t need)
{
    if (need <= t->cap)
        return TN_OK;
    uint64_t nc = t->cap ? (uint64_t)t->cap * 2 : 64;
    if (nc > t->k)
        nc = t->k;
    if (nc < need)
        nc = need;
    if (nc > UINT32_MAX - 1)
        return TN_NOMEM;
    uint32_t cap = (uint32_t)nc;
    uint64_t *seq = tn_realloc(t->seq, (size_t)cap * sizeof *seq);
    if (!seq)
        return TN_NOMEM;
    t->seq = seq;
    uint32_t *heap = tn_realloc(t->heap, (size_t)cap * sizeof *heap);
    if (!heap)
        return TN_NOMEM;
    t->heap = heap;
    for (uint32_t c = 0; c < t->ncols; c++) {
        if (tn_vector_reserve(t->slotv[c], cap))
            return TN_NOMEM;
        if (t->sbuf[c]) {
            char **b = tn_realloc(t->sbuf[c], (size_t)cap * sizeof *b);
            if (!b)
                return TN_NOMEM;
            t->sbuf[c] = b;
            uint32_t *sc = tn_realloc(t->scap[c], (size_t)cap * sizeof *sc);
            if (!sc)
                return TN_NOMEM;
            t->scap[c] = sc;
            for (uint32_t i = t->cap; i < cap; i++) {
                b[i] = NULL;
                sc[i] = 0;
            }
        }
    }
    t->cap = cap;
    return TN_OK;
}

/* Overwrite slot s with batch row r. */
static int store_row(op_topn *t, uint32_t slot, uint32_t r)
{
    for (uint32_t c = 0; c < t->ncols; c++) {
        tn_vector *sv = t->slotv[c];
        if (t->nstore[c]) {
            uint32_t at = t->nused[c];
            if (at == UINT32_MAX || ex_nested_append(t->nstore[c], at, t->src[c], 1, &r, 1))
                return TN_NOMEM;
            ((uint32_t *)sv->data)[slot] = at;
            t->nused[c] = at + 1;
            continue;
        }
        const tn_vview *vw = &t->views[c];
        size_t w = tn_type_width(sv->type);
        unsigned char *d = (unsigned char *)sv->data + (size_t)slot * w;
        if (!tn_vview_valid(vw, r)) {
            if (tn_vector_set_null(sv, slot))
                return TN_NOMEM;
            memset(d, 0, w);
            continue;
        }
        if (sv->validity)
            tn_bit_set(sv->validity, slot);
        memcpy(d, (const unsigned char *)vw->data + (size_t)tn_vview_index(vw, r) * w, w);
        if (t->sbuf[c]) {
            tn_str *st = (tn_str *)d;
            if (st->len > TN_STR_INLINE) {
                if (st->len > t->scap[c][slot]) {
                    char *p = tn_realloc(t->sbuf[c][slot], st->len);
                    if (!p)
                        return TN_NOMEM;
                    t->sbuf[c][slot] = p;
                    t->scap[c][slot] = st->len;
                }
                memcpy(t->sbuf[c][slot], st->u.ptr, st->len);
                st->u.ptr = t->sbuf[c][slot];
            }
        }
    }
    return TN_OK;
}

/* Copy the long strings of rows [0, rows) of FLAT vector v (and of its nested parts) into v's own
 * heap and release the buffers it kept alive for them, so a compacted store does not pin the
 * buffers of every batch it ever saw. On failure (TN_NOMEM) v is unusable: the caller drops it. */
static int rehome_strings(tn_vector *v, uint32_t rows)
{
    if (v->type.id == TN_T_STRUCT) {
        for (uint32_t f = 0; f < v->nchildren; f++)
            if (rehome_strings(v->children[f], rows))
                return TN_NOMEM;
        return TN_OK;
    }
    if (v->type.id == TN_T_LIST || v->type.id == TN_T_MAP)
        return v->nchildren ? rehome_strings(v->children[0], v->list_size) : TN_OK;
    if (!tn_type_is_string(v->type) || v->kind != TN_VEC_FLAT)
        return TN_OK;
    tn_buf **old = v->heap;
    uint32_t nold = v->nheap;
    v->heap = NULL;
    v->nheap = v->heap_cap = 0;
    int rc = TN_OK;
    tn_str *d = v->data;
    for (uint32_t r = 0; r < rows && !rc; r++)
        if ((!v->validity || tn_bit_get(v->validity, r)) && d[r].len > TN_STR_INLINE)
            rc = tn_vector_add_string(v, d[r].u.ptr, d[r].len, &d[r]);
    for (uint32_t i = 0; i < nold; i++)
        tn_buf_unref(old[i]);
    tn_free(old);
    return rc;
}

/* Drop the garbage of nested store c: gather the live rows (one per slot) into a fresh vector. */
static int compact_store(op_topn *t, uint32_t c)
{
    uint32_t n = t->nslots;
    tn_vector *nv = tn_vector_new(t->nstore[c]->type, n ? n : 1);
    if (!nv)
        return TN_NOMEM;
    uint32_t *rows = t->slotv[c]->data;
    if (ex_nested_gather_idx(nv, t->nstore[c], rows, n) || rehome_strings(nv, n)) {
        tn_vector_unref(nv);
        return TN_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++)
        rows[i] = i;
    tn_vector_unref(t->nstore[c]);
    t->nstore[c] = nv;
    t->nused[c] = n;
    return TN_OK;
}

static int topn_sink(op_topn *t, tn_chunk *c, tn_err *err)
{
    uint32_t m = tn_chunk_rows(c);
    if (m == 0)
        return TN_OK;
    if (c->count > TN_BATCH)
        return tn_err_set(err, TN_MISUSE, "batch of %u rows exceeds %u", c->count, TN_BATCH);
    for (uint32_t i = 0; i < t->nin; i++)
        t->src[i] = c->cols[i];
    for (uint32_t k = 0; k < t->nkeys; k++) {
        if (t->kr[k].col < t->nin)
            continue;
        int rc = ex_op_eval_arg(t->keys[k].expr, c, &t->kscratch[k], &t->src[t->kr[k].col], err);
        if (rc)
            return rc;
    }
    for (uint32_t i = 0; i < t->ncols; i++)
        ex_view_resolve(t->src[i], c->count, &t->views[i], t->bits + (size_t)i * TN_BITMAP_WORDS(TN_BATCH));
    for (uint32_t j = 0; j < m; j++) {
        uint32_t r = EX_OPROW(c->sel, j);
        uint64_t seq = t->seqno++;
        if (t->nslots < t->k) {
            uint32_t s = t->nslots;
            if (grow_slots(t, s + 1) || store_row(t, s, r))
                return tn_err_set(err, TN_NOMEM, "out of memory (top-n)");
            t->seq[s] = seq;
            t->heap[s] = s;
            t->nslots++;
            sift_up(t, s);
            continue;
        }
        uint32_t top = t->heap[0];
        if (cmp_row_slot(t, r, top) >= 0)
            continue;
        if (store_row(t, top, r))
            return tn_err_set(err, TN_NOMEM, "out of memory (top-n)");
        t->seq[top] = seq;
        sift_down(t, 0);
    }
    for (uint32_t i = 0; i < t->ncols; i++)
        if (t->nstore[i] && t->nused[i] > 2 * (uint64_t)t->nslots + TN_BATCH && compact_store(t, i))
            return tn_err_set(err, TN_NOMEM, "out of memory (top-n)");
    return TN_OK;
}

static int topn_build(op_topn *t, tn_err *err)
{
    uint32_t n = t->nslots;
    t->perm = tn_malloc((size_t)(n ? n : 1) * sizeof *t->perm);
    uint32_t *scratch = tn_malloc((size_t)(n ? n : 1) * sizeof *scratch);
    if (!t->perm || !scratch) {
        tn_free(scratch);
        return tn_err_set(err, TN_NOMEM, "out of memory (top-n)");
    }
    for (uint32_t i = 0; i < n; i++)
        t->perm[i] = i;
    ex_perm_sort(t->perm, scratch, n, cmp_slots, t);
    tn_free(scratch);
    t->pos = (uint32_t)TN_MIN(t->offset, (uint64_t)n);
    t->nout = n;
    return TN_OK;
}

static int topn_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_topn *t = (op_topn *)op;
    *out = NULL;
    int rc;
    if (t->done)
        return TN_OK;
    if (!t->built) {
        while (t->k > 0) {
            if ((rc = ex_op_check_interrupt(op, err)))
                return rc;
            tn_chunk *c = NULL;
            if ((rc = ex_op_next(op->child[0], &c, err)))
                return rc;
            if (!c)
                break;
            if ((rc = topn_sink(t, c, err)))
                return rc;
        }
        if ((rc = topn_build(t, err)))
            return rc;
        t->built = true;
    }
    if (t->pos >= t->nout) {
        t->done = true;
        return TN_OK;
    }
    uint32_t n = TN_MIN((uint32_t)TN_BATCH, t->nout - t->pos);
    tn_chunk *o = t->out;
    tn_chunk_reset(o);
    for (uint32_t i = 0; i < t->nin; i++) {
        if (t->nstore[i]) {
            for (uint32_t j = 0; j < n; j++)
                t->oidx[j] = nested_row(t, i, t->perm[t->pos + j]);
            rc = ex_nested_gather_idx(o->cols[i], t->nstore[i], t->oidx, n);
        } else {
            rc = ex_vec_gather(o->cols[i], t->slotv[i], t->perm + t->pos, n);
        }
        if (rc)
            return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    o->count = n;
    t->pos += n;
    *out = o;
    return TN_OK;
}

static void topn_explain(const ex_op *op, tn_sbuf *out)
{
    const op_topn *t = (const op_topn *)op;
    ex_sort_keys_explain(t->keys, t->nkeys, out);
    tn_sbuf_printf(out, " limit=%llu", (unsigned long long)t->limit);
    if (t->offset)
        tn_sbuf_printf(out, " offset=%llu", (unsigned long long)t->offset);
}

static void topn_destroy(ex_op *op)
{
    op_topn *t = (op_topn *)op;
    for (uint32_t c = 0; c < t->ncols; c++) {
        if (t->slotv)
            tn_vector_unref(t->slotv[c]);
        if (t->sbuf && t->sbuf[c]) {
            for (uint32_t i = 0; i < t->cap; i++)
                tn_free(t->sbuf[c][i]);
            tn_free(t->sbuf[c]);
        }
        if (t->scap)
            tn_free(t->scap[c]);
        if (t->nstore)
            tn_vector_unref(t->nstore[c]);
    }
    tn_free(t->nstore);
    tn_free(t->nused);
    tn_free(t->oidx);
    for (uint32_t k = 0; k < t->nkeys; k++) {
        ex_expr_free(t->keys[k].expr);
        if (t->kscratch)
            tn_vector_unref(t->kscratch[k]);
    }
    tn_free(t->keys);
    tn_free(t->kr);
    tn_free(t->slotv);
    tn_free(t->sbuf);
    tn_free(t->scap);
    tn_free(t->seq);
    tn_free(t->heap);
    tn_free(t->kscratch);
    tn_free(t->src);
    tn_free(t->views);
    tn_free(t->bits);
    tn_free(t->perm);
    tn_chunk_free(t->out);
}

static const ex_op_vt topn_vt = {"TOP_N", topn_next, topn_destroy, topn_explain};

ex_op *op_topn_create(ex_op *child, ex_sort_key *keys, uint32_t nkeys, uint64_t limit, uint64_t offset)
{
    if (!child || (nkeys && !keys))
        goto fail;
    for (uint32_t k = 0; k < nkeys; k++)
        if (!keys[k].expr ||
            (!ex_cmp_for_type(keys[k].expr->type) && !(tn_type_is_nested(keys[k].expr->type) && keys[k].expr->type.nested)))
            goto fail;
    for (uint32_t i = 0; i < child->ncols; i++)
        if (!tn_type_is_nested(child->types[i]) && tn_type_width(child->types[i]) == 0)
            goto fail;
    op_topn *t = ex_op_alloc(sizeof *t, &topn_vt, child->ncols, child->types);
    if (!t)
        goto fail;
    t->base.child[0] = child;
    t->base.nchild = 1;
    t->keys = keys;
    t->nkeys = nkeys;
    t->limit = limit;
    t->offset = offset;
    t->k = limit > UINT64_MAX - offset ? UINT64_MAX : limit + offset;
    if (t->k > UINT32_MAX - 2)
        t->k = UINT32_MAX - 2;
    t->nin = child->ncols;
    uint32_t maxcols = t->nin + nkeys;
    t->kr = tn_calloc(nkeys ? nkeys : 1, sizeof *t->kr);
    t->kscratch = tn_calloc(nkeys ? nkeys : 1, sizeof *t->kscratch);
    t->slotv = tn_calloc(maxcols ? maxcols : 1, sizeof *t->slotv);
    t->sbuf = tn_calloc(maxcols ? maxcols : 1, sizeof *t->sbuf);
    t->scap = tn_calloc(maxcols ? maxcols : 1, sizeof *t->scap);
    t->src = tn_calloc(maxcols ? maxcols : 1, sizeof *t->src);
    t->views = tn_calloc(maxcols ? maxcols : 1, sizeof *t->views);
    t->bits = tn_malloc((size_t)(maxcols ? maxcols : 1) * TN_BITMAP_WORDS(TN_BATCH) * 8);
    t->nstore = tn_calloc(maxcols ? maxcols : 1, sizeof *t->nstore);
    t->nused = tn_calloc(maxcols ? maxcols : 1, sizeof *t->nused);
    t->oidx = tn_malloc(TN_BATCH * sizeof *t->oidx);
    t->out = tn_chunk_new(t->nin, child->types, TN_BATCH);
    if (!t->kr || !t->kscratch || !t->slotv || !t->sbuf || !t->scap || !t->src || !t->views || !t->bits || !t->out ||
        !t->nstore || !t->nused || !t->oidx)
        goto fail_op;
    t->ncols = t->nin;
    for (uint32_t k = 0; k < nkeys; k++) {
        ex_expr *e = keys[k].expr;
        if (e->kind == EX_COLREF && e->col < t->nin && tn_type_equal(e->type, child->types[e->col])) {
            t->kr[k].col = e->col;
        } else {
            t->kr[k].col = t->ncols;
            t->ncols++;
        }
        t->kr[k].cmp = ex_cmp_for_type(e->type);
        t->kr[k].w = tn_type_width(e->type);
        t->kr[k].desc = keys[k].desc;
        t->kr[k].nulls_first = keys[k].nulls_first;
    }
    for (uint32_t c = 0; c < t->ncols; c++) {
        tn_type ty = c < t->nin ? child->types[c] : tn_type_make(TN_T_INVALID);
        for (uint32_t k = 0; c >= t->nin && k < nkeys; k++)
            if (t->kr[k].col == c)
                ty = keys[k].expr->type;
        if (tn_type_is_nested(ty)) {
            if (!(t->nstore[c] = tn_vector_new(ty, 64)) || !(t->slotv[c] = tn_vector_new(tn_type_make(TN_T_UINT32), 1)))
                goto fail_op;
            continue;
        }
        if (!(t->slotv[c] = tn_vector_new(ty, 1)))
            goto fail_op;
        if (tn_type_is_string(ty) && !(t->sbuf[c] = tn_calloc(1, sizeof(char *))))
            goto fail_op;
        if (tn_type_is_string(ty) && !(t->scap[c] = tn_calloc(1, sizeof(uint32_t))))
            goto fail_op;
    }
    return &t->base;
fail_op:
    ex_op_free(&t->base);
    return NULL;
fail:
    ex_op_free(child);
    for (uint32_t k = 0; keys && k < nkeys; k++)
        ex_expr_free(keys[k].expr);
    tn_free(keys);
    return NULL;
}
