/*
 * op_range.c -- RANGE: the table functions range(start, stop, step) (stop exclusive) and
 * generate_series(start, stop, step) (stop inclusive), one BIGINT column.
 *
 * Semantics (PostgreSQL generate_series / DuckDB range): a positive step counts up while the
 * value is below (or, inclusive, not above) stop; a negative step counts down; no rows when the
 * direction never reaches stop; step 0 is TN_ERROR "step cannot be 0" at the first next().
 *
 * Overflow safety: the number of rows is computed once in unsigned 128-bit arithmetic from the
 * distance |stop - start| (which always fits in 64 unsigned bits), so values near INT64_MIN /
 * INT64_MAX neither overflow nor loop forever; the running value is advanced only when another
 * row follows, so it never leaves [start, stop].
 */
#include "op_int.h"
#include <inttypes.h>

typedef struct op_range {
    ex_op base;
    int64_t start, stop, step;
    bool inclusive;
    bool started;
    tn_u128 remaining;  /* rows still to emit */
    int64_t cur;        /* next value */
    tn_chunk *chunk;
} op_range;

static tn_u128 range_count(int64_t start, int64_t stop, int64_t step, bool inclusive)
{
    uint64_t dist, ustep;
    if (step > 0) {
        if (inclusive ? start > stop : start >= stop)
            return 0;
        dist = (uint64_t)stop - (uint64_t)start;
        ustep = (uint64_t)step;
    } else {
        if (inclusive ? start < stop : start <= stop)
            return 0;
        dist = (uint64_t)start - (uint64_t)stop;
        ustep = (uint64_t)0 - (uint64_t)step; /* |step|, exact even for INT64_MIN */
    }
    if (inclusive)
        return (tn_u128)(dist / ustep) + 1;
    return (tn_u128)(dist / ustep) + (dist % ustep != 0);
}

static int range_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_range *r = (op_range *)op;
    *out = NULL;
    if (!r->started) {
        if (r->step == 0)
            return tn_err_set(err, TN_ERROR, "step cannot be 0");
        r->started = true;
        r->remaining = range_count(r->start, r->stop, r->step, r->inclusive);
        r->cur = r->start;
    }
    if (r->remaining == 0)
        return TN_OK;
    uint32_t n = r->remaining > TN_BATCH ? TN_BATCH : (uint32_t)r->remaining;
    tn_chunk_reset(r->chunk);
    int64_t *d = r->chunk->cols[0]->data;
    uint64_t v = (uint64_t)r->cur, s = (uint64_t)r->step;
    for (uint32_t i = 0; i < n; i++) {
        d[i] = (int64_t)v;
        v += s; /* unsigned: wraps harmlessly past the last row, never read */
    }
    r->remaining -= n;
    if (r->remaining)
        r->cur = (int64_t)v;
    r->chunk->count = n;
    *out = r->chunk;
    return TN_OK;
}

static void range_explain(const ex_op *op, tn_sbuf *out)
{
    const op_range *r = (const op_range *)op;
    tn_sbuf_printf(out, "%s(%" PRId64 ", %" PRId64 ", %" PRId64 ")", r->inclusive ? "generate_series" : "range",
                   r->start, r->stop, r->step);
}

static void range_destroy(ex_op *op) { tn_chunk_free(((op_range *)op)->chunk); }

static const ex_op_vt range_vt = {"RANGE", range_next, range_destroy, range_explain};

ex_op *op_range_create(int64_t start, int64_t stop, int64_t step, bool inclusive)
{
    tn_type t = tn_type_make(TN_T_INT64);
    op_range *r = ex_op_alloc(sizeof *r, &range_vt, 1, &t);
    if (!r)
        return NULL;
    r->start = start;
    r->stop = stop;
    r->step = step;
    r->inclusive = inclusive;
    r->chunk = tn_chunk_new(1, &t, TN_BATCH);
    if (!r->chunk) {
        ex_op_free(&r->base);
        return NULL;
    }
    return &r->base;
}
