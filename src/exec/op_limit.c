/*
 * op_limit.c -- LIMIT / OFFSET. Skips `offset` active rows, then passes at most `limit` rows
 * (UINT64_MAX = no limit) and stops pulling the child as soon as the limit is reached, so a
 * LIMIT over a large scan reads only what it needs.
 *
 * No copies: a child batch that is wholly inside the window is returned as is; a batch cut by
 * the window is returned as a chunk that references the child's vectors with a narrowed
 * selection (a sub-range of the child's selection array, or a fresh one).
 */
#include "op_int.h"
#include <inttypes.h>

typedef struct op_limit {
    ex_op base;
    uint64_t limit, offset;
    uint64_t skip_left;  /* offset rows still to skip */
    uint64_t take_left;  /* rows still to return */
    tn_chunk *out;
} op_limit;

static int limit_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_limit *l = (op_limit *)op;
    *out = NULL;
    while (l->take_left > 0) {
        tn_chunk *c = NULL;
        int rc = ex_op_next(op->child[0], &c, err);
        if (rc)
            return rc;
        if (!c) {
            l->take_left = 0;
            return TN_OK;
        }
        uint32_t m = tn_chunk_rows(c);
        uint32_t skip = (uint32_t)TN_MIN(l->skip_left, (uint64_t)m);
        l->skip_left -= skip;
        uint32_t take = (uint32_t)TN_MIN((uint64_t)(m - skip), l->take_left);
        if (take == 0)
            continue;
        l->take_left -= take;
        if (skip == 0 && take == m) {
            *out = c;
            return TN_OK;
        }
        tn_chunk *o = l->out;
        for (uint32_t i = 0; i < o->ncols; i++)
            tn_chunk_set_col(o, i, c->cols[i]);
        o->count = c->count;
        if (c->sel) {
            o->sel = c->sel + skip;
            o->nsel = take;
        } else if (skip == 0) {
            o->sel = NULL;
            o->count = take;
        } else {
            uint32_t *s = tn_chunk_sel_buffer(o, take);
            if (!s)
                return tn_err_set(err, TN_NOMEM, "out of memory");
            for (uint32_t k = 0; k < take; k++)
                s[k] = skip + k;
            o->sel = s;
            o->nsel = take;
        }
        *out = o;
        return TN_OK;
    }
    return TN_OK;
}

static void limit_explain(const ex_op *op, tn_sbuf *out)
{
    const op_limit *l = (const op_limit *)op;
    if (l->limit == UINT64_MAX)
        tn_sbuf_puts(out, "limit=ALL");
    else
        tn_sbuf_printf(out, "limit=%" PRIu64, l->limit);
    if (l->offset)
        tn_sbuf_printf(out, " offset=%" PRIu64, l->offset);
}

static void limit_destroy(ex_op *op) { tn_chunk_free(((op_limit *)op)->out); }

static const ex_op_vt limit_vt = {"LIMIT", limit_next, limit_destroy, limit_explain};

ex_op *op_limit_create(ex_op *child, uint64_t limit, uint64_t offset)
{
    if (!child)
        return NULL;
    op_limit *l = ex_op_alloc(sizeof *l, &limit_vt, child->ncols, child->types);
    if (!l) {
        ex_op_free(child);
        return NULL;
    }
    l->base.child[0] = child;
    l->base.nchild = 1;
    l->limit = limit;
    l->offset = offset;
    l->skip_left = offset;
    l->take_left = limit;
    l->out = tn_chunk_new(child->ncols, NULL, 0);
    if (!l->out) {
        ex_op_free(&l->base);
        return NULL;
    }
    return &l->base;
}
