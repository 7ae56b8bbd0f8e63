/*
 * op_values.c -- VALUES: a constant table given as one FLAT chunk (owned). Yields its rows in
 * batches of at most TN_BATCH: a chunk that small is handed out as is (no copy); a larger one is
 * sliced into reused output vectors whose string views point into the owned chunk.
 */
#include "op_int.h"

typedef struct op_values {
    ex_op base;
    tn_chunk *data;
    tn_chunk *out;     /* slices, when data->count > TN_BATCH */
    uint32_t pos;
    bool done;
} op_values;

static int values_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_values *v = (op_values *)op;
    *out = NULL;
    if (v->done)
        return TN_OK;
    uint32_t total = v->data->count;
    if (total <= TN_BATCH) {
        v->done = true;
        if (total)
            *out = v->data;
        return TN_OK;
    }
    if (v->pos >= total) {
        v->done = true;
        return TN_OK;
    }
    uint32_t n = TN_MIN((uint32_t)TN_BATCH, total - v->pos);
    tn_chunk_reset(v->out);
    for (uint32_t c = 0; c < v->out->ncols; c++) {
        if (ex_vec_slice(v->out->cols[c], v->data->cols[c], v->pos, n))
            return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    v->out->count = n;
    v->pos += n;
    *out = v->out;
    return TN_OK;
}

static void values_explain(const ex_op *op, tn_sbuf *out)
{
    tn_sbuf_printf(out, "%u rows", ((const op_values *)op)->data->count);
}

static void values_destroy(ex_op *op)
{
    op_values *v = (op_values *)op;
    tn_chunk_free(v->data);
    tn_chunk_free(v->out);
}

static const ex_op_vt values_vt = {"VALUES", values_next, values_destroy, values_explain};

ex_op *op_values_create(tn_chunk *chunk)
{
    if (!chunk)
        return NULL;
    tn_type *types = tn_malloc((chunk->ncols ? chunk->ncols : 1) * sizeof *types);
    if (!types) {
        tn_chunk_free(chunk);
        return NULL;
    }
    bool ok = chunk->sel == NULL;
    for (uint32_t i = 0; i < chunk->ncols; i++) {
        if (!chunk->cols[i] || chunk->cols[i]->kind != TN_VEC_FLAT) {
            ok = false;
            break;
        }
        types[i] = chunk->cols[i]->type;
    }
    op_values *v = ok ? ex_op_alloc(sizeof *v, &values_vt, chunk->ncols, types) : NULL;
    if (!v) {
        tn_free(types);
        tn_chunk_free(chunk);
        return NULL;
    }
    v->data = chunk;
    if (chunk->count > TN_BATCH) {
        v->out = tn_chunk_new(chunk->ncols, types, TN_BATCH);
        if (!v->out) {
            tn_free(types);
            ex_op_free(&v->base);
            return NULL;
        }
    }
    tn_free(types);
    return &v->base;
}
