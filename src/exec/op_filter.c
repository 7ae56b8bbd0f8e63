/*
 * op_filter.c -- FILTER: keeps the active rows for which the predicate is TRUE (FALSE and NULL
 * drop the row, SQL WHERE semantics).
 *
 * Never copies column data: the predicate narrows the selection (ex_expr_select), and the output
 * chunk references the child's vectors with the new selection vector. A batch where every row
 * passes is returned unchanged; a batch where none passes is skipped, so consumers never see an
 * empty chunk from a filter.
 */
#include "op_int.h"

typedef struct op_filter {
    ex_op base;
    ex_expr *pred;
    tn_chunk *out;
} op_filter;

static int filter_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_filter *f = (op_filter *)op;
    *out = NULL;
    for (;;) {
        tn_chunk *c = NULL;
        int rc = ex_op_next(op->child[0], &c, err);
        if (rc || !c)
            return rc;
        uint32_t m = tn_chunk_rows(c);
        if (m == 0)
            continue;
        uint32_t *sel = tn_chunk_sel_buffer(f->out, m);
        if (!sel)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        uint32_t n = 0;
        rc = ex_expr_select(f->pred, c, sel, &n, err);
        if (rc)
            return rc;
        if (n == 0)
            continue;
        if (n == m) {
            *out = c;
            return TN_OK;
        }
        tn_chunk *o = f->out;
        for (uint32_t i = 0; i < o->ncols; i++)
            tn_chunk_set_col(o, i, c->cols[i]);
        o->count = c->count;
        o->sel = sel;
        o->nsel = n;
        *out = o;
        return TN_OK;
    }
}

static void filter_explain(const ex_op *op, tn_sbuf *out) { ex_expr_explain(((const op_filter *)op)->pred, out); }

static void filter_destroy(ex_op *op)
{
    op_filter *f = (op_filter *)op;
    ex_expr_free(f->pred);
    tn_chunk_free(f->out);
}

static const ex_op_vt filter_vt = {"FILTER", filter_next, filter_destroy, filter_explain};

ex_op *op_filter_create(ex_op *child, ex_expr *pred)
{
    if (!child || !pred) {
        ex_op_free(child);
        ex_expr_free(pred);
        return NULL;
    }
    op_filter *f = ex_op_alloc(sizeof *f, &filter_vt, child->ncols, child->types);
    if (!f) {
        ex_op_free(child);
        ex_expr_free(pred);
        return NULL;
    }
    f->base.child[0] = child;
    f->base.nchild = 1;
    f->pred = pred;
    f->out = tn_chunk_new(child->ncols, NULL, 0);
    if (!f->out) {
        ex_op_free(&f->base);
        return NULL;
    }
    return &f->base;
}
