/*
 * op_project.c -- PROJECT: computes the output columns of a SELECT list from the child's batch.
 *
 * Each expression is evaluated once per batch, only at the active rows (ex_expr_eval writes at
 * the selected row positions), into a result vector owned by the operator and reused across
 * batches. A plain column reference passes the child's vector through by reference (no copy).
 * The output chunk keeps the child's row space and selection, so a filter below a projection
 * costs no compaction.
 */
#include "op_int.h"

typedef struct op_project {
    ex_op base;
    ex_expr **exprs;
    uint32_t nexprs;
    tn_vector **scratch; /* per expression result vector (NULL for COLREF / until first use) */
    tn_chunk *out;
} op_project;

static int project_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_project *p = (op_project *)op;
    *out = NULL;
    for (;;) {
        tn_chunk *c = NULL;
        int rc = ex_op_next(op->child[0], &c, err);
        if (rc || !c)
            return rc;
        if (tn_chunk_rows(c) == 0)
            continue;
        tn_chunk *o = p->out;
        for (uint32_t i = 0; i < p->nexprs; i++) {
            tn_vector *v = NULL;
            rc = ex_op_eval_arg(p->exprs[i], c, &p->scratch[i], &v, err);
            if (rc)
                return rc;
            tn_chunk_set_col(o, i, v);
        }
        o->count = c->count;
        o->sel = c->sel;
        o->nsel = c->nsel;
        *out = o;
        return TN_OK;
    }
}

static void project_explain(const ex_op *op, tn_sbuf *out)
{
    const op_project *p = (const op_project *)op;
    for (uint32_t i = 0; i < p->nexprs; i++) {
        if (i)
            tn_sbuf_puts(out, ", ");
        ex_expr_explain(p->exprs[i], out);
    }
}

static void project_destroy(ex_op *op)
{
    op_project *p = (op_project *)op;
    for (uint32_t i = 0; i < p->nexprs; i++) {
        ex_expr_free(p->exprs[i]);
        if (p->scratch)
            tn_vector_unref(p->scratch[i]);
    }
    tn_free(p->exprs);
    tn_free(p->scratch);
    tn_chunk_free(p->out);
}

static const ex_op_vt project_vt = {"PROJECT", project_next, project_destroy, project_explain};

ex_op *op_project_create(ex_op *child, ex_expr **exprs, uint32_t n)
{
    op_project *p = NULL;
    tn_type *types = tn_malloc((n ? n : 1) * sizeof *types);
    if (!child || (!exprs && n) || !types)
        goto fail;
    for (uint32_t i = 0; i < n; i++) {
        if (!exprs[i])
            goto fail;
        types[i] = exprs[i]->type;
    }
    p = ex_op_alloc(sizeof *p, &project_vt, n, types);
    if (!p)
        goto fail;
    tn_free(types);
    p->base.child[0] = child;
    p->base.nchild = 1;
    p->exprs = exprs;
    p->nexprs = n;
    p->scratch = tn_calloc(n ? n : 1, sizeof *p->scratch);
    p->out = tn_chunk_new(n, NULL, 0);
    if (!p->scratch || !p->out) {
        ex_op_free(&p->base);
        return NULL;
    }
    return &p->base;
fail:
    tn_free(types);
    ex_op_free(child);
    for (uint32_t i = 0; exprs && i < n; i++)
        ex_expr_free(exprs[i]);
    tn_free(exprs);
    return NULL;
}
