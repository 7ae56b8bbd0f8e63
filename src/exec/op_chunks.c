/*
 * op_chunks.c -- CHUNKS: a constant table held as a list of prebuilt batches, yielded in order.
 *
 * Table functions whose rows are computed while planning (parquet_metadata, parquet_schema,
 * parquet_kv_metadata) build their result as FLAT chunks of at most TN_BATCH rows each -- of any
 * column types, nested ones included -- and hand them to this operator, which returns them one by
 * one without copying. (op_values slices one large chunk instead, which needs flat columns.)
 */
#include "op_int.h"

typedef struct op_chunks {
    ex_op base;
    tn_chunk **chunks;
    uint32_t n, pos;
    uint64_t rows;
} op_chunks;

static int chunks_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_chunks *c = (op_chunks *)op;
    TN_UNUSED(err);
    *out = NULL;
    while (c->pos < c->n) {
        tn_chunk *ch = c->chunks[c->pos++];
        if (tn_chunk_rows(ch) == 0)
            continue;
        *out = ch;
        return TN_OK;
    }
    return TN_OK;
}

static void chunks_explain(const ex_op *op, tn_sbuf *out)
{
    const op_chunks *c = (const op_chunks *)op;
    tn_sbuf_printf(out, "%llu rows", (unsigned long long)c->rows);
}

static void chunks_destroy(ex_op *op)
{
    op_chunks *c = (op_chunks *)op;
    for (uint32_t i = 0; i < c->n; i++)
        tn_chunk_free(c->chunks[i]);
    tn_free(c->chunks);
}

static const ex_op_vt chunks_vt = {"CHUNKS", chunks_next, chunks_destroy, chunks_explain};

ex_op *op_chunks_create(tn_chunk **chunks, uint32_t n, uint32_t ncols, const tn_type *types)
{
    bool ok = (chunks || n == 0) && (types || ncols == 0);
    uint64_t rows = 0;
    for (uint32_t i = 0; ok && i < n; i++) {
        tn_chunk *c = chunks[i];
        if (!c || c->ncols != ncols || c->sel || c->count > TN_BATCH) {
            ok = false;
            break;
        }
        for (uint32_t k = 0; k < ncols; k++)
            if (!c->cols[k] || !tn_type_equal(c->cols[k]->type, types[k]))
                ok = false;
        rows += c->count;
    }
    op_chunks *o = ok ? ex_op_alloc(sizeof *o, &chunks_vt, ncols, types) : NULL;
    if (!o) {
        for (uint32_t i = 0; i < n; i++)
            tn_chunk_free(chunks[i]);
        tn_free(chunks);
        return NULL;
    }
    o->chunks = chunks;
    o->n = n;
    o->rows = rows;
    return &o->base;
}
