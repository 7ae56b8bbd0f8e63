/*
 * ops_testutil.h -- helpers for the operator and aggregate unit tests (test_ops.c, test_agg.c):
 * building FLAT vectors and VALUES sources, a pass-through operator that counts pulls and can
 * raise the cancel flag, a string generator that reuses (and so invalidates) its string storage
 * every batch, and draining an operator into row-major tn_values.
 */
#ifndef TN_OPS_TESTUTIL_H
#define TN_OPS_TESTUTIL_H

#include "tn_test.h"
#include "exec/exec.h"

static __attribute__((unused)) tn_vector *vec_i64(const int64_t *v, const bool *nulls, uint32_t n)
{
    tn_vector *x = tn_vector_new(tn_type_make(TN_T_INT64), n ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        ((int64_t *)x->data)[i] = v[i];
        if (nulls && nulls[i])
            tn_vector_set_null(x, i);
    }
    return x;
}

static __attribute__((unused)) tn_vector *vec_typed(tn_type t, const void *data, const bool *nulls, uint32_t n)
{
    tn_vector *x = tn_vector_new(t, n ? n : 1);
    memcpy(x->data, data, tn_type_width(t) * n);
    for (uint32_t i = 0; nulls && i < n; i++)
        if (nulls[i])
            tn_vector_set_null(x, i);
    return x;
}

static __attribute__((unused)) tn_vector *vec_bool(const bool *v, const bool *nulls, uint32_t n)
{
    tn_vector *x = tn_vector_new(tn_type_make(TN_T_BOOL), n ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        ((uint8_t *)x->data)[i] = v[i] ? 1 : 0;
        if (nulls && nulls[i])
            tn_vector_set_null(x, i);
    }
    return x;
}

static __attribute__((unused)) tn_vector *vec_str(const char *const *v, uint32_t n)
{
    tn_vector *x = tn_vector_new(tn_type_make(TN_T_VARCHAR), n ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        if (!v[i]) {
            memset((tn_str *)x->data + i, 0, sizeof(tn_str));
            tn_vector_set_null(x, i);
        } else {
            tn_vector_add_string(x, v[i], (uint32_t)strlen(v[i]), (tn_str *)x->data + i);
        }
    }
    return x;
}

/* VALUES operator over the given vectors (references taken over: the caller's are released). */
static __attribute__((unused)) ex_op *values_of(tn_vector **cols, uint32_t ncols, uint32_t nrows)
{
    tn_chunk *c = tn_chunk_new(ncols, NULL, 0);
    for (uint32_t i = 0; i < ncols; i++) {
        tn_chunk_set_col(c, i, cols[i]);
        tn_vector_unref(cols[i]);
    }
    c->count = nrows;
    return op_values_create(c);
}

/* ---- pass-through operator: counts pulls, raises *flag after `raise_after` batches ---- */
typedef struct counting_op {
    ex_op base;
    uint64_t pulls;
    uint64_t raise_after;
    volatile int *flag;
} counting_op;

static int counting_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    counting_op *c = (counting_op *)op;
    c->pulls++;
    if (c->flag && c->raise_after && c->pulls >= c->raise_after)
        *c->flag = 1;
    return ex_op_next(op->child[0], out, err);
}

static const ex_op_vt counting_vt = {"COUNTING", counting_next, NULL, NULL};

static __attribute__((unused)) counting_op *counting_wrap(ex_op *child)
{
    counting_op *c = tn_calloc(1, sizeof *c);
    ex_op_init_base(&c->base, &counting_vt, child->ncols, child->types);
    c->base.child[0] = child;
    c->base.nchild = 1;
    return c;
}

/* ---- string generator: n rows of "<prefix>-<i>" padded long, storage reset every batch ---- */
typedef struct strgen_op {
    ex_op base;
    tn_chunk *chunk;
    uint32_t total, pos;
    uint32_t group_mod;
} strgen_op;

static int strgen_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    strgen_op *g = (strgen_op *)op;
    (void)err;
    *out = NULL;
    if (g->pos >= g->total)
        return TN_OK;
    tn_chunk_reset(g->chunk);
    uint32_t n = g->total - g->pos < 1000 ? g->total - g->pos : 1000;
    tn_vector *k = g->chunk->cols[0], *s = g->chunk->cols[1];
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = g->pos + i;
        ((int64_t *)k->data)[i] = id % g->group_mod;
        char buf[64];
        /* a long string (not inline) whose order is not the insertion order */
        int len = snprintf(buf, sizeof buf, "value-string-%08u", (id * 7919u) % 100000u);
        tn_vector_add_string(s, buf, (uint32_t)len, (tn_str *)s->data + i);
    }
    g->chunk->count = n;
    g->pos += n;
    *out = g->chunk;
    return TN_OK;
}

static void strgen_destroy(ex_op *op) { tn_chunk_free(((strgen_op *)op)->chunk); }
static const ex_op_vt strgen_vt = {"STRGEN", strgen_next, strgen_destroy, NULL};

static __attribute__((unused)) ex_op *strgen_create(uint32_t total, uint32_t group_mod)
{
    tn_type t[2] = {tn_type_make(TN_T_INT64), tn_type_make(TN_T_VARCHAR)};
    strgen_op *g = tn_calloc(1, sizeof *g);
    ex_op_init_base(&g->base, &strgen_vt, 2, t);
    g->chunk = tn_chunk_new(2, t, TN_BATCH);
    g->total = total;
    g->group_mod = group_mod;
    return &g->base;
}

/* ---- drain into row-major values ---- */
typedef struct result {
    uint32_t ncols;
    uint64_t nrows, cap;
    tn_value *v;   /* nrows * ncols */
    uint64_t batches;
} result;

static __attribute__((unused)) tn_value *res_at(result *r, uint64_t row, uint32_t col) { return &r->v[row * r->ncols + col]; }

static __attribute__((unused)) void res_free(result *r)
{
    for (uint64_t i = 0; i < r->nrows * r->ncols; i++)
        tn_value_free(&r->v[i]);
    free(r->v);
    memset(r, 0, sizeof *r);
}

static __attribute__((unused)) int drain(ex_op *op, result *r, tn_err *err)
{
    memset(r, 0, sizeof *r);
    r->ncols = op->ncols;
    for (;;) {
        tn_chunk *c = NULL;
        int rc = ex_op_next(op, &c, err);
        if (rc)
            return rc;
        if (!c)
            return TN_OK;
        r->batches++;
        uint32_t m = tn_chunk_rows(c);
        for (uint32_t k = 0; k < m; k++) {
            uint32_t row = c->sel ? c->sel[k] : k;
            if (r->nrows == r->cap) {
                r->cap = r->cap ? r->cap * 2 : 64;
                r->v = realloc(r->v, r->cap * (r->ncols ? r->ncols : 1) * sizeof(tn_value));
            }
            for (uint32_t j = 0; j < r->ncols; j++)
                tn_value_from_vector(res_at(r, r->nrows, j), c->cols[j], row);
            r->nrows++;
        }
    }
}

static __attribute__((unused)) bool val_null(result *r, uint64_t row, uint32_t col) { return res_at(r, row, col)->is_null; }
static __attribute__((unused)) int64_t val_i64(result *r, uint64_t row, uint32_t col) { return res_at(r, row, col)->v.i64; }

#endif
