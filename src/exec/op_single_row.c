/*
 * op_single_row.c -- SINGLE_ROW: the source of SELECT without FROM. Yields one chunk of one row
 * and zero columns, then the end. Projections above it evaluate constant expressions with
 * in->count == 1.
 */
#include "op_int.h"

typedef struct op_single_row {
    ex_op base;
    tn_chunk *chunk;
    bool done;
} op_single_row;

static int single_row_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_single_row *s = (op_single_row *)op;
    TN_UNUSED(err);
    if (s->done) {
        *out = NULL;
        return TN_OK;
    }
    s->done = true;
    s->chunk->count = 1;
    s->chunk->sel = NULL;
    *out = s->chunk;
    return TN_OK;
}

static void single_row_destroy(ex_op *op)
{
    op_single_row *s = (op_single_row *)op;
    tn_chunk_free(s->chunk);
}

static const ex_op_vt single_row_vt = {"SINGLE_ROW", single_row_next, single_row_destroy, NULL};

ex_op *op_single_row_create(void)
{
    op_single_row *s = ex_op_alloc(sizeof *s, &single_row_vt, 0, NULL);
    if (!s)
        return NULL;
    s->chunk = tn_chunk_new(0, NULL, 1);
    if (!s->chunk) {
        ex_op_free(&s->base);
        return NULL;
    }
    return &s->base;
}
