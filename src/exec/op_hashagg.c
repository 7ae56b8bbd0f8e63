/*
 * op_hashagg.c -- HASH_AGGREGATE: GROUP BY with aggregates (and plain aggregates without GROUP
 * BY). Output: the group columns in order, then one column per aggregate.
 *
 * Design. The operator is a pipeline breaker split into the parallel-ready vocabulary:
 *  - sink(local, batch): evaluate the group expressions for the batch (column references are
 *    used in place), map every active row to a dense group id with one vectorized probe of the
 *    local hash table (hashtable.c), then run one update kernel per aggregate over the whole
 *    batch (agg.c): columnar loops over (group id, value), no per-row dispatch.
 *  - finalize: fixes the group count; groups are then emitted in first-seen order in chunks of
 *    up to TN_BATCH rows (keys copied out of the table's columnar storage, aggregates finalised
 *    from their state arrays).
 * Today one local state consumes the whole child. A later issue runs one sink per worker over
 * morsels and adds combine(local -> global) by re-inserting each local table's groups as batches
 * into the global table and merging states (see docs/exec-threading.md).
 *
 * Without GROUP BY there is exactly one group, present even for empty input, so COUNT gives 0
 * and SUM/AVG/MIN/MAX give NULL (SQL). The update kernels then take their single-group path.
 */
#include "agg.h"
#include "hashtable.h"
#include "op_int.h"

/* Per-thread aggregation state: the unit a parallel plan would replicate and combine. */
typedef struct agg_local {
    ex_ht *ht;              /* NULL without GROUP BY */
    ex_aggstate **states;   /* one per aggregate */
    tn_vector **gscratch;   /* per group expression: evaluation result */
    tn_vector **ascratch;   /* per aggregate argument: evaluation result */
    tn_vector **keyvecs;    /* per group expression: this batch's key vector */
    uint32_t *gids;         /* TN_BATCH group ids */
} agg_local;

typedef struct op_hashagg {
    ex_op base;
    ex_expr **groups;
    uint32_t ngroups;
    ex_agg *aggs;
    uint32_t naggs;
    agg_local local;
    bool inited;
    bool finalized;
    uint32_t total;         /* groups after finalize */
    uint32_t pos;           /* next group to emit */
    tn_chunk *out;
} op_hashagg;

static void local_free(agg_local *l, uint32_t ngroups, uint32_t naggs)
{
    ex_ht_free(l->ht);
    for (uint32_t j = 0; l->states && j < naggs; j++)
        ex_aggstate_free(l->states[j]);
    for (uint32_t i = 0; l->gscratch && i < ngroups; i++)
        tn_vector_unref(l->gscratch[i]);
    for (uint32_t j = 0; l->ascratch && j < naggs; j++)
        tn_vector_unref(l->ascratch[j]);
    tn_free(l->states);
    tn_free(l->gscratch);
    tn_free(l->ascratch);
    tn_free(l->keyvecs);
    tn_free(l->gids);
    memset(l, 0, sizeof *l);
}

static int local_init(op_hashagg *h, agg_local *l, tn_err *err)
{
    memset(l, 0, sizeof *l);
    uint32_t ng = h->ngroups, na = h->naggs;
    l->states = tn_calloc(na ? na : 1, sizeof *l->states);
    l->gscratch = tn_calloc(ng ? ng : 1, sizeof *l->gscratch);
    l->ascratch = tn_calloc(na ? na : 1, sizeof *l->ascratch);
    l->keyvecs = tn_calloc(ng ? ng : 1, sizeof *l->keyvecs);
    l->gids = tn_malloc(TN_BATCH * sizeof *l->gids);
    if (!l->states || !l->gscratch || !l->ascratch || !l->keyvecs || !l->gids)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    if (ng) {
        l->ht = ex_ht_new(h->base.types, ng);
        if (!l->ht)
            return tn_err_set(err, TN_NOMEM, "out of memory (group hash table)");
    }
    for (uint32_t j = 0; j < na; j++) {
        int rc = ex_aggstate_new(&h->aggs[j], &l->states[j], err);
        if (rc)
            return rc;
        if (!ng && (rc = ex_aggstate_reserve(l->states[j], 1, err)))
            return rc;
    }
    return TN_OK;
}

/* Consume one batch into the local state. */
static int hashagg_sink(op_hashagg *h, agg_local *l, tn_chunk *c, tn_err *err)
{
    uint32_t m = tn_chunk_rows(c);
    if (m == 0)
        return TN_OK;
    if (c->count > TN_BATCH)
        return tn_err_set(err, TN_MISUSE, "batch of %u rows exceeds %u", c->count, TN_BATCH);
    int rc;
    const uint32_t *gids = NULL;
    if (h->ngroups) {
        for (uint32_t i = 0; i < h->ngroups; i++)
            if ((rc = ex_op_eval_arg(h->groups[i], c, &l->gscratch[i], &l->keyvecs[i], err)))
                return rc;
        rc = ex_ht_find_or_insert(l->ht, l->keyvecs, c->count, c->sel, m, l->gids, NULL, NULL, err);
        if (rc)
            return rc;
        gids = l->gids;
        uint32_t ng = ex_ht_count(l->ht);
        for (uint32_t j = 0; j < h->naggs; j++)
            if ((rc = ex_aggstate_reserve(l->states[j], ng, err)))
                return rc;
    }
    for (uint32_t j = 0; j < h->naggs; j++) {
        tn_vector *arg = NULL;
        if (h->aggs[j].arg && (rc = ex_op_eval_arg(h->aggs[j].arg, c, &l->ascratch[j], &arg, err)))
            return rc;
        rc = ex_aggstate_update(l->states[j], gids, arg, c->count, c->sel, m, err);
        if (rc)
            return rc;
    }
    return TN_OK;
}

static void hashagg_finalize(op_hashagg *h)
{
    h->total = h->ngroups ? ex_ht_count(h->local.ht) : 1;
    h->pos = 0;
    h->finalized = true;
}

static int hashagg_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_hashagg *h = (op_hashagg *)op;
    *out = NULL;
    int rc;
    if (!h->finalized) {
        if (!h->inited) {
            if ((rc = local_init(h, &h->local, err))) {
                local_free(&h->local, h->ngroups, h->naggs);
                return rc;
            }
            h->inited = true;
        }
        for (;;) {
            if ((rc = ex_op_check_interrupt(op, err)))
                return rc;
            tn_chunk *c = NULL;
            if ((rc = ex_op_next(op->child[0], &c, err)))
                return rc;
            if (!c)
                break;
            if ((rc = hashagg_sink(h, &h->local, c, err)))
                return rc;
        }
        hashagg_finalize(h);
    }
    if (h->pos >= h->total)
        return TN_OK;
    uint32_t n = TN_MIN((uint32_t)TN_BATCH, h->total - h->pos);
    tn_chunk *o = h->out;
    tn_chunk_reset(o);
    for (uint32_t i = 0; i < h->ngroups; i++)
        if (ex_ht_get_keys(h->local.ht, i, h->pos, n, o->cols[i]))
            return tn_err_set(err, TN_NOMEM, "out of memory");
    for (uint32_t j = 0; j < h->naggs; j++)
        if ((rc = ex_aggstate_finalize(h->local.states[j], h->pos, n, o->cols[h->ngroups + j], err)))
            return rc;
    o->count = n;
    h->pos += n;
    *out = o;
    return TN_OK;
}

static const char *kind_name(ex_agg_kind k)
{
    switch (k) {
    case EX_AGG_COUNT_STAR: return "count_star";
    case EX_AGG_COUNT: return "count";
    case EX_AGG_SUM: return "sum";
    case EX_AGG_AVG: return "avg";
    case EX_AGG_MIN: return "min";
    case EX_AGG_MAX: return "max";
    }
    return "?";
}

static void hashagg_explain(const ex_op *op, tn_sbuf *out)
{
    const op_hashagg *h = (const op_hashagg *)op;
    if (h->ngroups) {
        tn_sbuf_puts(out, "groups=[");
        for (uint32_t i = 0; i < h->ngroups; i++) {
            if (i)
                tn_sbuf_puts(out, ", ");
            ex_expr_explain(h->groups[i], out);
        }
        tn_sbuf_puts(out, "] ");
    }
    tn_sbuf_puts(out, "aggs=[");
    for (uint32_t j = 0; j < h->naggs; j++) {
        const ex_agg *a = &h->aggs[j];
        if (j)
            tn_sbuf_puts(out, ", ");
        if (a->kind == EX_AGG_COUNT_STAR) {
            tn_sbuf_puts(out, "count(*)");
            continue;
        }
        tn_sbuf_printf(out, "%s(%s", kind_name(a->kind), a->distinct ? "DISTINCT " : "");
        if (a->arg)
            ex_expr_explain(a->arg, out);
        tn_sbuf_putc(out, ')');
    }
    tn_sbuf_putc(out, ']');
}

static void free_args(ex_expr **groups, uint32_t ngroups, ex_agg *aggs, uint32_t naggs)
{
    for (uint32_t i = 0; groups && i < ngroups; i++)
        ex_expr_free(groups[i]);
    for (uint32_t j = 0; aggs && j < naggs; j++)
        ex_expr_free(aggs[j].arg);
    tn_free(groups);
    tn_free(aggs);
}

static void hashagg_destroy(ex_op *op)
{
    op_hashagg *h = (op_hashagg *)op;
    local_free(&h->local, h->ngroups, h->naggs);
    free_args(h->groups, h->ngroups, h->aggs, h->naggs);
    tn_chunk_free(h->out);
}

static const ex_op_vt hashagg_vt = {"HASH_AGGREGATE", hashagg_next, hashagg_destroy, hashagg_explain};

ex_op *op_hashagg_create(ex_op *child, ex_expr **groups, uint32_t ngroups, ex_agg *aggs, uint32_t naggs)
{
    op_hashagg *h = NULL;
    uint32_t nout = ngroups + naggs;
    tn_type *types = NULL;
    if (!child || (ngroups && !groups) || (naggs && !aggs) || nout < ngroups)
        goto fail;
    types = tn_malloc((nout ? nout : 1) * sizeof *types);
    if (!types)
        goto fail;
    for (uint32_t i = 0; i < ngroups; i++) {
        if (!groups[i])
            goto fail;
        types[i] = groups[i]->type;
    }
    for (uint32_t j = 0; j < naggs; j++) {
        tn_type arg = aggs[j].arg ? aggs[j].arg->type : tn_type_make(TN_T_NULL);
        if (aggs[j].kind != EX_AGG_COUNT_STAR && !aggs[j].arg)
            goto fail;
        if (ex_agg_result_type(aggs[j].kind, arg, &types[ngroups + j], NULL))
            goto fail;
        aggs[j].type = types[ngroups + j];
    }
    h = ex_op_alloc(sizeof *h, &hashagg_vt, nout, types);
    if (!h)
        goto fail;
    h->base.child[0] = child;
    h->base.nchild = 1;
    h->groups = groups;
    h->ngroups = ngroups;
    h->aggs = aggs;
    h->naggs = naggs;
    h->out = tn_chunk_new(nout, types, TN_BATCH);
    tn_free(types);
    if (!h->out) {
        ex_op_free(&h->base);
        return NULL;
    }
    return &h->base;
fail:
    tn_free(types);
    ex_op_free(child);
    free_args(groups, ngroups, aggs, naggs);
    return NULL;
}
