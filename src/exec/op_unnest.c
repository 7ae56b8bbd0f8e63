/*
 * op_unnest.c -- UNNEST: expands LIST/MAP columns into rows (DuckDB's UNNEST in the select list
 * and in FROM).
 *
 * Every input row yields max(len(l) over the unnested columns) output rows: output row j holds
 * element j of each unnested column (NULL once a shorter list is exhausted) and a copy of the
 * row's other columns. A row whose unnested lists are all NULL or empty yields nothing. A MAP
 * unnests into STRUCT{key, value} rows.
 *
 * Batching: one output batch (at most TN_BATCH rows) is built from one input batch; a row whose
 * expansion does not fit continues in the next output batch (the operator keeps its position:
 * input row k of the current batch, element j), so arbitrarily long lists stream through in
 * bounded memory. For each output batch the operator first computes, per output row, the input
 * row it repeats and the element row of each unnested column, then copies each column with one
 * ex_nested_gather call (width-specialised for flat types, deep for nested ones; strings share
 * the input's buffers). The output is a fresh FLAT chunk without selection.
 */
#include "op_int.h"
#include "nested.h"

#include <string.h>

typedef struct op_unnest {
    ex_op base;
    uint32_t *ucols;     /* unnested column indexes */
    uint32_t nu;
    uint32_t *uof;       /* per column: index into ucols, or UINT32_MAX */
    tn_chunk *in;        /* current input batch (the child's, valid until we pull again) */
    uint32_t k;          /* next position in the input batch */
    uint64_t j;          /* next element of the current row */
    tn_chunk *out;
    uint32_t *srow;      /* TN_BATCH: input row of each output row */
    uint32_t *erow;      /* nu * TN_BATCH: element row per unnested column and output row */
    uint64_t *off, *len; /* nu: current row's list entries */
} op_unnest;

/* Element vector of unnested column c of the current input (the dictionary's for DICT). */
static const tn_vector *elements_of(const tn_vector *v)
{
    const tn_vector *s = v->kind == TN_VEC_DICT ? v->dict : v;
    return s->nchildren ? s->children[0] : NULL;
}

/* Load the list entries of input row r; returns the number of output rows it yields. */
static uint64_t load_row(op_unnest *u, uint32_t r, bool *bad)
{
    uint64_t maxlen = 0;
    for (uint32_t q = 0; q < u->nu; q++) {
        uint32_t p;
        bool valid;
        const tn_vector *s = ex_nested_phys(u->in->cols[u->ucols[q]], r, &p, &valid);
        u->off[q] = 0;
        u->len[q] = 0;
        if (!valid)
            continue;
        const tn_list_entry *e = (const tn_list_entry *)s->data + p;
        if (s->nchildren < 1 || e->offset > s->list_size || e->length > s->list_size - e->offset) {
            *bad = true;
            return 0;
        }
        u->off[q] = e->offset;
        u->len[q] = e->length;
        if (e->length > maxlen)
            maxlen = e->length;
    }
    return maxlen;
}

static int unnest_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_unnest *u = (op_unnest *)op;
    *out = NULL;
    for (;;) {
        if (!u->in) {
            tn_chunk *c = NULL;
            int rc = ex_op_next(op->child[0], &c, err);
            if (rc || !c)
                return rc;
            if (tn_chunk_rows(c) == 0)
                continue;
            u->in = c;
            u->k = 0;
            u->j = 0;
        }
        tn_chunk *in = u->in;
        uint32_t rows = tn_chunk_rows(in), m = 0;
        bool bad = false;
        while (u->k < rows && m < TN_BATCH) {
            uint32_t r = in->sel ? in->sel[u->k] : u->k;
            uint64_t maxlen = load_row(u, r, &bad);
            if (bad)
                return tn_err_set(err, TN_MISUSE, "UNNEST: inconsistent list vector");
            while (u->j < maxlen && m < TN_BATCH) {
                u->srow[m] = r;
                for (uint32_t q = 0; q < u->nu; q++)
                    u->erow[(size_t)q * TN_BATCH + m] =
                        u->j < u->len[q] ? (uint32_t)(u->off[q] + u->j) : EX_NROW_NULL;
                m++;
                u->j++;
            }
            if (u->j >= maxlen) {
                u->k++;
                u->j = 0;
            }
        }
        if (m == 0) {
            u->in = NULL;
            continue;
        }
        tn_chunk *o = u->out;
        tn_chunk_reset(o);
        for (uint32_t c = 0; c < o->ncols; c++) {
            int rc;
            uint32_t q = u->uof[c];
            if (q == UINT32_MAX) {
                rc = ex_nested_gather(o->cols[c], NULL, 0, in->cols[c], u->srow, 0, m);
            } else {
                const tn_vector *ev = elements_of(in->cols[c]);
                rc = ev ? ex_nested_gather(o->cols[c], NULL, 0, ev, u->erow + (size_t)q * TN_BATCH, 0, m) : TN_MISUSE;
            }
            if (rc == TN_NOMEM)
                return tn_err_set(err, TN_NOMEM, "out of memory (UNNEST)");
            if (rc)
                return tn_err_set(err, rc, "UNNEST: cannot copy column %u", c);
        }
        o->count = m;
        if (u->k >= rows)
            u->in = NULL; /* the next call pulls the next input batch */
        *out = o;
        return TN_OK;
    }
}

static void unnest_explain(const ex_op *op, tn_sbuf *out)
{
    const op_unnest *u = (const op_unnest *)op;
    for (uint32_t q = 0; q < u->nu; q++)
        tn_sbuf_printf(out, "%s#%u", q ? ", " : "", u->ucols[q]);
}

static void unnest_destroy(ex_op *op)
{
    op_unnest *u = (op_unnest *)op;
    tn_free(u->ucols);
    tn_free(u->uof);
    tn_free(u->srow);
    tn_free(u->erow);
    tn_free(u->off);
    tn_free(u->len);
    tn_chunk_free(u->out);
}

static const ex_op_vt unnest_vt = {"UNNEST", unnest_next, unnest_destroy, unnest_explain};

ex_op *op_unnest_create(ex_op *child, const uint32_t *cols, uint32_t n)
{
    tn_type *types = NULL;
    op_unnest *u = NULL;
    if (!child || n == 0 || !cols)
        goto fail;
    types = tn_malloc((child->ncols ? child->ncols : 1) * sizeof *types);
    if (!types)
        goto fail;
    memcpy(types, child->types, child->ncols * sizeof *types);
    for (uint32_t q = 0; q < n; q++) {
        if (cols[q] >= child->ncols)
            goto fail;
        tn_type t = child->types[cols[q]];
        if (t.id != TN_T_LIST && t.id != TN_T_MAP)
            goto fail;
        for (uint32_t p = 0; p < q; p++)
            if (cols[p] == cols[q])
                goto fail;
        types[cols[q]] = tn_type_list_child(t);
        if (types[cols[q]].id == TN_T_INVALID)
            goto fail;
    }
    u = ex_op_alloc(sizeof *u, &unnest_vt, child->ncols, types);
    if (!u)
        goto fail;
    u->base.child[0] = child;
    u->base.nchild = 1;
    u->nu = n;
    u->ucols = tn_malloc(n * sizeof *u->ucols);
    u->uof = tn_malloc((child->ncols ? child->ncols : 1) * sizeof *u->uof);
    u->srow = tn_malloc(TN_BATCH * sizeof *u->srow);
    u->erow = tn_malloc((size_t)n * TN_BATCH * sizeof *u->erow);
    u->off = tn_calloc(n, sizeof *u->off);
    u->len = tn_calloc(n, sizeof *u->len);
    u->out = tn_chunk_new(child->ncols, types, TN_BATCH);
    tn_free(types);
    if (!u->ucols || !u->uof || !u->srow || !u->erow || !u->off || !u->len || !u->out) {
        ex_op_free(&u->base);
        return NULL;
    }
    memcpy(u->ucols, cols, n * sizeof *cols);
    for (uint32_t c = 0; c < child->ncols; c++)
        u->uof[c] = UINT32_MAX;
    for (uint32_t q = 0; q < n; q++)
        u->uof[cols[q]] = q;
    return &u->base;
fail:
    tn_free(types);
    ex_op_free(child);
    return NULL;
}
