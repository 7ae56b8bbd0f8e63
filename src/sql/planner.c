/*
 * planner.c -- turns a bound SELECT (sql_int.h) into an operator tree:
 *
 *   source (PARQUET_SCAN | RANGE | subquery | SINGLE_ROW)
 *     -> FILTER (WHERE)
 *     -> HASH_AGGREGATE (GROUP BY + aggregates) -> FILTER (HAVING)
 *     -> SORT / TOP_N (ORDER BY, over the rows before projection)
 *     -> PROJECT (select list; skipped when it is the identity)
 *     -> HASH_AGGREGATE (DISTINCT) -> SORT / TOP_N (ORDER BY of a DISTINCT query)
 *     -> LIMIT (LIMIT/OFFSET not absorbed by TOP_N)
 *
 * Rules applied on the way:
 *  - constant folding: every maximal constant subtree is evaluated once with ex_expr_fold; a
 *    subtree whose evaluation fails (1/0) is left for run time, so the error only surfaces if a
 *    row actually evaluates it;
 *  - projection pushdown: a Parquet scan reads only the columns some expression references (none
 *    at all for COUNT(*)), and column references are renumbered onto the scan's output;
 *  - predicate pushdown: conjuncts of WHERE of the form `col op const`, `col IN (consts)`,
 *    `col IS [NOT] NULL` (BETWEEN arrives as two comparisons) become pq_predicate row-group
 *    filters, with the constant cast to the column's type; when the column was implicitly
 *    widened, the conversion back must be exact or the conjunct is not pushed. The FILTER stays:
 *    statistics only prune row groups;
 *  - UNNEST in the select list: PROJECT (the referenced input columns + each unnest's list) ->
 *    UNNEST -> PROJECT (the select list over the expanded rows), then DISTINCT / ORDER BY (over
 *    the output) / LIMIT; FROM unnest(list) is SINGLE_ROW -> PROJECT(list) -> UNNEST;
 *  - sorting rows that carry nested columns buffers them like flat ones; when the select list is
 *    flat, the sort runs after the projection so it carries only the key and select columns;
 *  - subqueries in FROM: outer WHERE conjuncts move into a subquery that neither aggregates,
 *    deduplicates nor limits (rewritten over its input, so they reach its scan), and select items
 *    of a non-DISTINCT subquery that the outer query never references are dropped before the
 *    subquery is planned (so projection pushdown reaches its scan too).
 */
#include "sql_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ======================= constant folding ======================= */

static bool volatile_fn(const ex_func *fn)
{
    static const char *const names[] = {"random", "gen_random_uuid", "uuid", "setseed", "nextval"};
    for (size_t i = 0; fn && i < TN_ARRAY_LEN(names); i++)
        if (strcasecmp(fn->name, names[i]) == 0)
            return true;
    return false;
}

/* Expression walks here recurse on arguments 1.. and loop along the first argument, so left-
 * leaning operator chains (1 + 2 + 3 ..., thousands deep) cost no stack; the remaining recursion
 * is bounded by the parser's nesting limit. */

static bool is_constant(const ex_expr *e)
{
    for (; e; e = e->nargs ? e->args[0] : NULL) {
        if (e->kind == EX_COLREF)
            return false;
        if (e->kind == EX_FUNC && volatile_fn(e->fn))
            return false;
        for (uint32_t i = 1; i < e->nargs; i++)
            if (!is_constant(e->args[i]))
                return false;
    }
    return true;
}

/* Replace *ep (constant) by its folded value; TN_ERROR (left alone) when it fails to evaluate. */
static int fold_here(ex_expr **ep)
{
    ex_expr *e = *ep;
    tn_value v;
    memset(&v, 0, sizeof v);
    tn_err tmp = TN_ERR_INIT;
    int rc = ex_expr_fold(e, &v, &tmp);
    if (rc)
        return rc == TN_NOMEM ? rc : TN_ERROR;
    v.type = e->type;
    ex_expr *c = ex_expr_const(&v);
    tn_value_free(&v);
    if (!c)
        return TN_NOMEM;
    c->alias = e->alias;
    e->alias = NULL;
    ex_expr_free(e);
    *ep = c;
    return TN_OK;
}

int sq_fold(ex_expr **ep)
{
    if (!*ep)
        return TN_OK;
    /* the spine: *ep, its first argument, that one's first argument, ... (slots, so nodes can be
     * replaced in place); constness is computed once, bottom-up, so a long chain stays linear */
    ex_expr **small[16], ***sp = small;
    uint32_t k = 0, cap = TN_ARRAY_LEN(small);
    for (ex_expr **x = ep; *x && (*x)->kind != EX_CONST && (*x)->kind != EX_COLREF; x = &(*x)->args[0]) {
        if (k == cap) {
            ex_expr ***n = tn_malloc((size_t)cap * 2 * sizeof *n);
            if (!n) {
                if (sp != small)
                    tn_free(sp);
                return TN_NOMEM;
            }
            memcpy(n, sp, (size_t)k * sizeof *n);
            if (sp != small)
                tn_free(sp);
            sp = n;
            cap *= 2;
        }
        sp[k++] = x;
        if (!(*x)->nargs)
            break;
    }
    int rc = TN_OK;
    /* top = the highest spine node whose whole subtree is constant (constness only grows
     * towards the bottom, so it is a suffix of the spine) */
    uint32_t top = k;
    for (uint32_t j = k; j-- > 0;) {
        ex_expr *x = *sp[j];
        bool c = !(x->kind == EX_FUNC && volatile_fn(x->fn));
        if (c && x->nargs)
            c = (j + 1 < k ? top == j + 1 : is_constant(x->args[0]));
        for (uint32_t i = 1; c && i < x->nargs; i++)
            c = is_constant(x->args[i]);
        if (!c)
            break;
        top = j;
    }
    if (top < k) {
        rc = fold_here(sp[top]);
        if (rc == TN_OK || rc == TN_NOMEM)
            k = top; /* folded: nothing below it is left */
        else
            rc = TN_OK; /* it fails to evaluate: left for run time (its error), fold inside below */
    }
    /* the other arguments of the spine nodes that were not folded away */
    for (uint32_t j = 0; j < k && !rc; j++) {
        ex_expr *x = *sp[j];
        for (uint32_t i = 1; i < x->nargs && !rc; i++)
            rc = sq_fold(&x->args[i]);
        if (j == k - 1 && x->nargs && !rc)
            rc = sq_fold(&x->args[0]); /* the bottom's first argument ends the spine */
    }
    if (sp != small)
        tn_free(sp);
    return rc;
}

/* ======================= column usage and renumbering ======================= */

static void mark_used(const ex_expr *e, bool *used, uint32_t ncols)
{
    for (; e; e = e->nargs ? e->args[0] : NULL) {
        if (e->kind == EX_COLREF && e->col < ncols)
            used[e->col] = true;
        for (uint32_t i = 1; i < e->nargs; i++)
            mark_used(e->args[i], used, ncols);
    }
}

static void remap(ex_expr *e, const uint32_t *map, uint32_t ncols)
{
    for (; e; e = e->nargs ? e->args[0] : NULL) {
        if (e->kind == EX_COLREF && e->col < ncols)
            e->col = map[e->col];
        for (uint32_t i = 1; i < e->nargs; i++)
            remap(e->args[i], map, ncols);
    }
}

/* ======================= predicate pushdown ======================= */

static bool pushable_type(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL:
    case TN_T_INT8:
    case TN_T_INT16:
    case TN_T_INT32:
    case TN_T_INT64:
    case TN_T_UINT8:
    case TN_T_UINT16:
    case TN_T_UINT32:
    case TN_T_UINT64:
    case TN_T_INT128:
    case TN_T_FLOAT:
    case TN_T_DOUBLE:
    case TN_T_DECIMAL:
    case TN_T_DATE:
    case TN_T_TIME:
    case TN_T_TIMESTAMP:
    case TN_T_VARCHAR:
    case TN_T_BLOB:
    case TN_T_UUID: return true;
    default: return false;
    }
}

static int int_bits(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_INT8:
    case TN_T_UINT8: return 8;
    case TN_T_INT16:
    case TN_T_UINT16: return 16;
    case TN_T_INT32:
    case TN_T_UINT32: return 32;
    case TN_T_INT64:
    case TN_T_UINT64: return 64;
    case TN_T_INT128: return 128;
    default: return 0;
    }
}

/* Is CAST(from -> to) injective and order-preserving (so `cast(col) op v` == `col op v'`)? */
static bool monotonic_cast(tn_type from, tn_type to)
{
    if (tn_type_is_integer(from))
        return tn_type_is_integer(to) || to.id == TN_T_DECIMAL || (to.id == TN_T_DOUBLE && int_bits(from) <= 32);
    if (from.id == TN_T_DECIMAL)
        return to.id == TN_T_DECIMAL && to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
    if (from.id == TN_T_FLOAT)
        return to.id == TN_T_DOUBLE;
    if (from.id == TN_T_DATE)
        return to.id == TN_T_TIMESTAMP && !to.tz;
    if (from.id == TN_T_TIMESTAMP)
        return to.id == TN_T_TIMESTAMP && to.tz == from.tz;
    return false;
}

/* The scan column behind e (a column reference, possibly under a monotonic implicit cast). */
static bool column_side(const ex_expr *e, const ex_pq_source *src, uint32_t *field)
{
    if (e->kind == EX_CAST && !e->flag && e->nargs == 1)
        return column_side(e->args[0], src, field) && monotonic_cast(e->args[0]->type, e->type);
    if (e->kind != EX_COLREF || e->col >= src->ncols)
        return false;
    if (!pushable_type(src->types[e->col]) || !tn_type_equal(e->type, src->types[e->col]))
        return false;
    *field = e->col;
    return true;
}

/* Cast constant v to the column type exactly (the round trip must give v back). */
static bool exact_value(const tn_value *v, tn_type col, tn_value *out)
{
    tn_err tmp = TN_ERR_INIT;
    memset(out, 0, sizeof *out);
    if (v->is_null)
        return false;
    if (tn_type_equal(v->type, col))
        return tn_value_copy(out, v) == TN_OK;
    if (ex_cast_value(v, col, out, &tmp) != TN_OK)
        return false;
    out->type = col;
    tn_value back;
    memset(&back, 0, sizeof back);
    bool ok = ex_cast_value(out, v->type, &back, &tmp) == TN_OK && (back.type = v->type, sq_value_equal(&back, v));
    tn_value_free(&back);
    if (!ok)
        tn_value_free(out);
    return ok;
}

static int cmp_pred_op(const char *name, bool flip)
{
    static const struct { const char *n; int op, flipped; } ops[] = {
        {"=", PQ_PRED_EQ, PQ_PRED_EQ},  {"<>", PQ_PRED_NE, PQ_PRED_NE}, {"!=", PQ_PRED_NE, PQ_PRED_NE},
        {"<", PQ_PRED_LT, PQ_PRED_GT},  {"<=", PQ_PRED_LE, PQ_PRED_GE}, {">", PQ_PRED_GT, PQ_PRED_LT},
        {">=", PQ_PRED_GE, PQ_PRED_LE},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(ops); i++)
        if (strcmp(name, ops[i].n) == 0)
            return flip ? ops[i].flipped : ops[i].op;
    return -1;
}

typedef struct pred_list {
    pq_predicate *p;
    uint32_t n, cap;
} pred_list;

static void preds_free(pred_list *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        for (uint32_t j = 0; j < l->p[i].nvalues; j++)
            tn_value_free(&l->p[i].values[j]);
        tn_free(l->p[i].values);
    }
    tn_free(l->p);
    memset(l, 0, sizeof *l);
}

/* Append a predicate; takes vals (tn_malloc'd array). TN_NOMEM frees them. */
static int preds_add(pred_list *l, uint32_t field, int op, tn_value *vals, uint32_t nvals)
{
    if (l->n == l->cap) {
        uint32_t nc = l->cap ? l->cap * 2 : 4;
        pq_predicate *np = tn_realloc(l->p, nc * sizeof *np);
        if (!np) {
            for (uint32_t j = 0; j < nvals; j++)
                tn_value_free(&vals[j]);
            tn_free(vals);
            return TN_NOMEM;
        }
        l->p = np;
        l->cap = nc;
    }
    pq_predicate *p = &l->p[l->n++];
    p->field = field;
    p->op = (pq_pred_op)op;
    p->values = vals;
    p->nvalues = nvals;
    return TN_OK;
}

static int try_pushdown(const ex_expr *c, const ex_pq_source *src, pred_list *out)
{
    uint32_t field;
    if (c->kind == EX_IS_NULL && c->nargs == 1 && c->args[0]->kind == EX_COLREF &&
        column_side(c->args[0], src, &field))
        return preds_add(out, field, c->flag ? PQ_PRED_IS_NOT_NULL : PQ_PRED_IS_NULL, NULL, 0);
    if (c->kind == EX_FUNC && c->fn && c->nargs == 2) {
        int side = -1;
        if (column_side(c->args[0], src, &field) && c->args[1]->kind == EX_CONST)
            side = 0;
        else if (column_side(c->args[1], src, &field) && c->args[0]->kind == EX_CONST)
            side = 1;
        if (side < 0)
            return TN_OK;
        int op = cmp_pred_op(c->fn->name, side == 1);
        if (op < 0)
            return TN_OK;
        tn_value *v = tn_calloc(1, sizeof *v);
        if (!v)
            return TN_NOMEM;
        if (!exact_value(&c->args[1 - side]->value, src->types[field], v)) {
            tn_free(v);
            return TN_OK;
        }
        return preds_add(out, field, op, v, 1);
    }
    if (c->kind == EX_IN && !c->flag && c->nargs >= 2 && column_side(c->args[0], src, &field)) {
        tn_value *vals = tn_calloc(c->nargs - 1, sizeof *vals);
        uint32_t n = 0;
        if (!vals)
            return TN_NOMEM;
        for (uint32_t i = 1; i < c->nargs; i++) {
            const ex_expr *a = c->args[i];
            if (a->kind != EX_CONST)
                goto skip;
            if (a->value.is_null)
                continue; /* a NULL list member never makes IN true */
            if (!exact_value(&a->value, src->types[field], &vals[n]))
                goto skip;
            n++;
        }
        if (n == 0)
            goto skip;
        return preds_add(out, field, PQ_PRED_IN, vals, n);
    skip:
        for (uint32_t j = 0; j < n; j++)
            tn_value_free(&vals[j]);
        tn_free(vals);
        return TN_OK;
    }
    return TN_OK;
}

static int collect_pushdown(const ex_expr *where, const ex_pq_source *src, pred_list *out)
{
    if (!where)
        return TN_OK;
    if (where->kind == EX_AND) {
        for (uint32_t i = 0; i < where->nargs; i++) {
            int rc = collect_pushdown(where->args[i], src, out);
            if (rc)
                return rc;
        }
        return TN_OK;
    }
    return try_pushdown(where, src, out);
}

/* Row groups of src the predicates prune (statistics only), for EXPLAIN. */
static uint64_t count_prunable(const ex_pq_source *src, const pred_list *pl, uint64_t *total)
{
    uint64_t pruned = 0;
    *total = 0;
    pq_predicate *local = pl->n ? tn_calloc(pl->n, sizeof *local) : NULL;
    for (uint32_t f = 0; f < src->nfiles; f++) {
        const pq_file *file = src->files[f];
        uint32_t nrg = pq_file_num_row_groups(file);
        *total += nrg;
        if (!local)
            continue;
        bool ok = true;
        for (uint32_t i = 0; i < pl->n && ok; i++) {
            local[i] = pl->p[i];
            int fi = pq_file_field_index(file, src->names[pl->p[i].field]);
            ok = fi >= 0;
            local[i].field = (uint32_t)fi;
        }
        for (uint32_t rg = 0; ok && rg < nrg; rg++)
            if (!pq_row_group_may_match(file, rg, local, pl->n))
                pruned++;
    }
    tn_free(local);
    return pruned;
}

/* ======================= operator stacking ======================= */

static int op_fail(tn_err *err, const char *what)
{
    return tn_err_set(err, TN_NOMEM, "could not create the %s operator (out of memory)", what);
}

/* Mark the input columns referenced by the input-scope expressions of bs. */
static void mark_inputs(const sq_bound *bs, bool *used, uint32_t ncols)
{
    mark_used(bs->where, used, ncols);
    for (uint32_t i = 0; i < bs->ngroups; i++)
        mark_used(bs->groups[i], used, ncols);
    for (uint32_t i = 0; i < bs->naggs; i++)
        mark_used(bs->aggs[i].arg, used, ncols);
    if (!bs->aggregate) {
        for (uint32_t i = 0; i < bs->nproj; i++)
            mark_used(bs->proj[i], used, ncols);
        for (uint32_t i = 0; i < bs->nunnest; i++)
            mark_used(bs->unnests[i], used, ncols);
        if (!bs->distinct && !bs->nunnest)
            for (uint32_t i = 0; i < bs->nkeys; i++)
                mark_used(bs->keys[i].expr, used, ncols);
    }
}

/* Renumber the input-scope expressions of bs with map. */
static void remap_inputs(sq_bound *bs, const uint32_t *map, uint32_t ncols)
{
    remap(bs->where, map, ncols);
    for (uint32_t i = 0; i < bs->ngroups; i++)
        remap(bs->groups[i], map, ncols);
    for (uint32_t i = 0; i < bs->naggs; i++)
        remap(bs->aggs[i].arg, map, ncols);
    if (!bs->aggregate) {
        for (uint32_t i = 0; i < bs->nproj; i++)
            remap(bs->proj[i], map, ncols);
        for (uint32_t i = 0; i < bs->nunnest; i++)
            remap(bs->unnests[i], map, ncols);
        if (!bs->distinct && !bs->nunnest)
            for (uint32_t i = 0; i < bs->nkeys; i++)
                remap(bs->keys[i].expr, map, ncols);
    }
}

/* Copy of e with every column reference replaced by a copy of proj[col]. NULL on OOM. */
static ex_expr *substitute(const ex_expr *e, ex_expr *const *proj)
{
    ex_expr *root = NULL, **slot = &root;
    for (const ex_expr *x = e; x; x = x->nargs ? x->args[0] : NULL) {
        if (x->kind == EX_COLREF) {
            if (!(*slot = ex_expr_copy(proj[x->col])))
                goto fail;
            break;
        }
        ex_expr *c = ex_expr_new(x->kind, x->type);
        if (!c)
            goto fail;
        *slot = c;
        c->fn = x->fn;
        c->flag = x->flag;
        c->col = x->col;
        if (x->kind == EX_CONST && tn_value_copy(&c->value, &x->value) != TN_OK) {
            c->value.is_null = true;
            goto fail;
        }
        if (!x->nargs)
            break;
        if (!(c->args = tn_calloc(x->nargs, sizeof *c->args)))
            goto fail;
        c->nargs = x->nargs; /* args[0] filled by the next round */
        for (uint32_t i = 1; i < x->nargs; i++)
            if (!(c->args[i] = substitute(x->args[i], proj)))
                goto fail;
        slot = &c->args[0];
    }
    return root;
fail:
    ex_expr_free(root);
    return NULL;
}

/* Append conjunct c to *where (consumed). */
static int and_into(ex_expr **where, ex_expr *c)
{
    if (!*where) {
        *where = c;
        return TN_OK;
    }
    if ((*where)->kind != EX_AND) {
        ex_expr *a = ex_expr_new(EX_AND, tn_type_make(TN_T_BOOL));
        if (!a) {
            ex_expr_free(c);
            return TN_NOMEM;
        }
        if (ex_expr_add_arg(a, *where) != TN_OK) { /* frees the old where */
            *where = NULL;
            ex_expr_free(a);
            ex_expr_free(c);
            return TN_NOMEM;
        }
        *where = a;
    }
    return ex_expr_add_arg(*where, c);
}

static bool has_volatile(const ex_expr *e)
{
    for (; e; e = e->nargs ? e->args[0] : NULL) {
        if (e->kind == EX_FUNC && volatile_fn(e->fn))
            return true;
        for (uint32_t i = 1; i < e->nargs; i++)
            if (has_volatile(e->args[i]))
                return true;
    }
    return false;
}

/* The conjunct c rewritten over the subquery's input, or NULL when it should stay outside. */
static ex_expr *movable(const ex_expr *c, const sq_bound *ib)
{
    if (is_constant(c))
        return NULL;
    ex_expr *m = substitute(c, ib->proj);
    if (m && has_volatile(m)) {
        ex_expr_free(m);
        m = NULL;
    }
    return m;
}

/* Move the conjuncts of the outer WHERE into a plain subquery's WHERE (rewritten over its input):
 * they then reach its scan as pushed-down predicates. Only when the subquery neither
 * aggregates, deduplicates nor limits (which would change what the outer filter sees), and not
 * for conjuncts over volatile expressions. The subquery's AND narrows row by row, so moved
 * conjuncts still see exactly the rows the outer filter would have seen. */
static int push_filter_into(sq_bound *bs, sq_bound *ib)
{
    if (!bs->where || ib->aggregate || ib->distinct || ib->nunnest || ib->limit != UINT64_MAX || ib->offset)
        return TN_OK;
    ex_expr *w = bs->where;
    if (w->kind != EX_AND) {
        ex_expr *m = movable(w, ib);
        if (!m)
            return TN_OK;
        if (and_into(&ib->where, m) != TN_OK)
            return TN_NOMEM;
        ex_expr_free(w);
        bs->where = NULL;
        return TN_OK;
    }
    uint32_t n = w->nargs, keep = 0;
    int rc = TN_OK;
    for (uint32_t i = 0; i < n; i++) {
        ex_expr *c = w->args[i];
        ex_expr *m = rc ? NULL : movable(c, ib);
        if (m && (rc = and_into(&ib->where, m)) != TN_OK)
            m = NULL;
        if (!m) {
            w->args[keep++] = c;
            continue;
        }
        ex_expr_free(c);
    }
    w->nargs = keep;
    if (keep == 0) {
        ex_expr_free(w);
        bs->where = NULL;
    } else if (keep == 1) {
        bs->where = w->args[0];
        w->nargs = 0;
        ex_expr_free(w);
    }
    return rc;
}

/* Plan a subquery source, first dropping the select items the outer query never references
 * (unless the subquery is DISTINCT, where every item counts), so that projection pushdown
 * reaches the subquery's own scan. */
static int build_subquery(sq_binder *b, sq_bound *bs, ex_op **out, tn_err *err)
{
    sq_bound *ib = bs->sub;
    bs->sub = NULL;
    uint32_t n = ib->nproj;
    int rc = push_filter_into(bs, ib);
    if (rc) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory planning a subquery");
        goto done;
    }
    if (!ib->distinct && !ib->nunnest && n > 1) { /* (an UNNEST item decides the row count) */
        bool *used = tn_calloc(n, sizeof *used);
        uint32_t *map = tn_calloc(n, sizeof *map);
        if (!used || !map) {
            tn_free(used);
            tn_free(map);
            rc = tn_err_set(err, TN_NOMEM, "out of memory planning a subquery");
            goto done;
        }
        mark_inputs(bs, used, n);
        uint32_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (!used[i] && !(i == n - 1 && k == 0)) { /* keep one column for row counts */
                ex_expr_free(ib->proj[i]);
                continue;
            }
            map[i] = k;
            ib->proj[k] = ib->proj[i];
            ib->names[k] = ib->names[i];
            k++;
        }
        ib->nproj = k;
        remap_inputs(bs, map, n);
        tn_free(used);
        tn_free(map);
    }
    rc = sq_plan_select(b, ib, out, err);
done:
    sq_bound_clear(ib);
    tn_free(ib);
    return rc;
}

static int build_source(sq_binder *b, sq_bound *bs, ex_op **out, tn_err *err)
{
    switch (bs->src_kind) {
    case SQ_BS_NONE:
        *out = op_single_row_create();
        return *out ? TN_OK : op_fail(err, "SINGLE_ROW");
    case SQ_BS_RANGE:
        *out = op_range_create(bs->r_start, bs->r_stop, bs->r_step, bs->r_inclusive);
        return *out ? TN_OK : op_fail(err, "RANGE");
    case SQ_BS_SUBQUERY:
        return build_subquery(b, bs, out, err);
    case SQ_BS_OP:
        *out = bs->src_op;
        bs->src_op = NULL;
        return *out ? TN_OK : tn_err_set(err, TN_MISUSE, "table function without an operator");
    case SQ_BS_DELTA: /* deltasql */
        return sq_plan_delta_scan(b, bs, out, err);
    case SQ_BS_UNNEST: {
        ex_expr **pe = tn_malloc(sizeof *pe);
        uint32_t col = 0;
        if (!pe)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        pe[0] = bs->src_expr;
        bs->src_expr = NULL;
        ex_op *op = op_single_row_create();
        if (!op) {
            ex_expr_free(pe[0]);
            tn_free(pe);
            return op_fail(err, "SINGLE_ROW");
        }
        if (!(op = op_project_create(op, pe, 1)))
            return op_fail(err, "PROJECT");
        *out = op_unnest_create(op, &col, 1);
        return *out ? TN_OK : op_fail(err, "UNNEST");
    }
    default: break;
    }
    /* Parquet: projection and predicate pushdown */
    ex_pq_source *src = bs->pq;
    uint32_t ncols = src->ncols;
    bool *used = tn_calloc(ncols ? ncols : 1, sizeof *used);
    uint32_t *map = tn_calloc(ncols ? ncols : 1, sizeof *map);
    uint32_t *fields = tn_calloc(ncols ? ncols : 1, sizeof *fields);
    pred_list pl = {NULL, 0, 0};
    int rc = TN_OK;
    if (!used || !map || !fields) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory planning the scan");
        goto done;
    }
    mark_inputs(bs, used, ncols);
    uint32_t nf = 0;
    for (uint32_t i = 0; i < ncols; i++)
        if (used[i]) {
            map[i] = nf;
            fields[nf++] = i;
        }
    if ((rc = collect_pushdown(bs->where, src, &pl))) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory planning the scan");
        goto done;
    }
    if (b->notes) {
        uint64_t total, pruned = count_prunable(src, &pl, &total);
        tn_sbuf_printf(b->notes, "PARQUET_SCAN %s: %u file%s, %llu row group%s", src->pattern, src->nfiles,
                       src->nfiles == 1 ? "" : "s", (unsigned long long)total, total == 1 ? "" : "s");
        if (pl.n)
            tn_sbuf_printf(b->notes, ", %llu pruned by %u pushed-down predicate%s", (unsigned long long)pruned, pl.n,
                           pl.n == 1 ? "" : "s");
        tn_sbuf_putc(b->notes, '\n');
    }
    /* renumber input-scope expressions onto the scan's output */
    remap_inputs(bs, map, ncols);
    *out = op_scan_parquet_create(src, fields, nf, pl.p, pl.n);
    if (!*out)
        rc = op_fail(err, "PARQUET_SCAN");
done:
    preds_free(&pl);
    tn_free(used);
    tn_free(map);
    tn_free(fields);
    return rc;
}

static bool identity_projection(ex_expr *const *proj, uint32_t n, const ex_op *child)
{
    if (n != child->ncols)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (proj[i]->kind != EX_COLREF || proj[i]->col != i || !tn_type_equal(proj[i]->type, child->types[i]))
            return false;
    return true;
}

/* Sort (or top-N when a limit is pending) op by keys; consumes keys. */
static int add_order(sq_bound *bs, ex_op **op, bool *limit_done, tn_err *err)
{
    if (!bs->nkeys)
        return TN_OK;
    ex_sort_key *keys = bs->keys;
    uint32_t nkeys = bs->nkeys;
    bs->keys = NULL;
    bs->nkeys = 0;
    for (uint32_t i = 0; i < nkeys; i++)
        if (sq_fold(&keys[i].expr)) {
            ex_op_free(*op);
            *op = NULL;
            for (uint32_t k = 0; k < nkeys; k++)
                ex_expr_free(keys[k].expr);
            tn_free(keys);
            return tn_err_set(err, TN_NOMEM, "out of memory");
        }
    if (bs->limit != UINT64_MAX) {
        *op = op_topn_create(*op, keys, nkeys, bs->limit, bs->offset);
        *limit_done = true;
        return *op ? TN_OK : op_fail(err, "TOP_N");
    }
    *op = op_sort_create(*op, keys, nkeys);
    return *op ? TN_OK : op_fail(err, "SORT");
}

static int fold_all(sq_bound *bs, tn_err *err)
{
    int rc = sq_fold(&bs->where);
    for (uint32_t i = 0; !rc && i < bs->ngroups; i++)
        rc = sq_fold(&bs->groups[i]);
    for (uint32_t i = 0; !rc && i < bs->naggs; i++)
        rc = bs->aggs[i].arg ? sq_fold(&bs->aggs[i].arg) : TN_OK;
    if (!rc)
        rc = sq_fold(&bs->having);
    for (uint32_t i = 0; !rc && i < bs->nproj; i++)
        rc = sq_fold(&bs->proj[i]);
    for (uint32_t i = 0; !rc && i < bs->nunnest; i++)
        rc = sq_fold(&bs->unnests[i]);
    return rc ? tn_err_set(err, TN_NOMEM, "out of memory folding constants") : TN_OK;
}

static bool any_nested(const tn_type *types, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (tn_type_is_nested(types[i]))
            return true;
    return false;
}

/* ORDER BY when the rows below the projection carry nested columns (costly to buffer: deep
 * copies) but the select list only produces flat values (s.a, l[1], len(l)...): PROJECT(select
 * list + sort keys) -> SORT/TOP_N on the key columns -> PROJECT(select list). Consumes bs->proj
 * and bs->keys. */
static int plan_sort_after_project(sq_bound *bs, ex_op **op, bool *limit_done, tn_err *err)
{
    uint32_t np = bs->nproj, nk = bs->nkeys;
    ex_expr **exprs = tn_calloc(np + nk, sizeof *exprs), **outs = tn_calloc(np ? np : 1, sizeof *outs);
    if (!exprs || !outs) {
        tn_free(exprs);
        tn_free(outs);
        ex_op_free(*op);
        *op = NULL;
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < np; i++)
        exprs[i] = bs->proj[i];
    for (uint32_t k = 0; k < nk; k++) {
        exprs[np + k] = bs->keys[k].expr;
        bs->keys[k].expr = NULL;
    }
    tn_free(bs->proj);
    bs->proj = NULL;
    bs->nproj = 0;
    *op = op_project_create(*op, exprs, np + nk);
    int rc = TN_OK;
    for (uint32_t k = 0; k < nk && *op; k++)
        if (!(bs->keys[k].expr = ex_expr_colref(np + k, (*op)->types[np + k])))
            rc = TN_NOMEM;
    for (uint32_t i = 0; i < np && *op && !rc; i++)
        if (!(outs[i] = ex_expr_colref(i, (*op)->types[i])))
            rc = TN_NOMEM;
    if (!*op || rc) {
        for (uint32_t i = 0; i < np; i++)
            ex_expr_free(outs[i]);
        tn_free(outs);
        ex_op_free(*op);
        *op = NULL;
        return tn_err_set(err, TN_NOMEM, "could not plan ORDER BY (out of memory)");
    }
    if ((rc = add_order(bs, op, limit_done, err))) {
        for (uint32_t i = 0; i < np; i++)
            ex_expr_free(outs[i]);
        tn_free(outs);
        return rc;
    }
    *op = op_project_create(*op, outs, np);
    return *op ? TN_OK : op_fail(err, "PROJECT");
}

/* e with every UNNEST placeholder SQ_UNNEST_REF_BASE + k renumbered to base + k. */
static void remap_unnest(ex_expr *e, uint32_t base)
{
    for (; e; e = e->nargs ? e->args[0] : NULL) {
        if (e->kind == EX_COLREF && e->col >= SQ_UNNEST_REF_BASE && e->col < SQ_AGG_REF_BASE)
            e->col = base + (e->col - SQ_UNNEST_REF_BASE);
        for (uint32_t i = 1; i < e->nargs; i++)
            remap_unnest(e->args[i], base);
    }
}

/* The select list with UNNEST: PROJECT(used input columns, unnest lists) -> UNNEST -> PROJECT
 * (select list). Consumes bs->proj and bs->unnests; *op is replaced (freed on failure). */
static int plan_unnest(sq_bound *bs, ex_op **op, tn_err *err)
{
    ex_op *child = *op;
    uint32_t ncols = child->ncols, npass = 0, nu = bs->nunnest;
    bool *used = tn_calloc(ncols ? ncols : 1, sizeof *used);
    uint32_t *map = tn_calloc(ncols ? ncols : 1, sizeof *map);
    uint32_t *ucols = tn_malloc(nu * sizeof *ucols);
    ex_expr **pre = NULL;
    int rc = TN_OK;
    *op = NULL;
    if (!used || !map || !ucols)
        goto nomem;
    for (uint32_t i = 0; i < bs->nproj; i++)
        mark_used(bs->proj[i], used, ncols);
    for (uint32_t i = 0; i < ncols; i++)
        if (used[i])
            map[i] = npass++;
    pre = tn_calloc(npass + nu, sizeof *pre);
    if (!pre)
        goto nomem;
    for (uint32_t i = 0, k = 0; i < ncols; i++)
        if (used[i] && !(pre[k++] = ex_expr_colref(i, child->types[i])))
            goto nomem;
    for (uint32_t q = 0; q < nu; q++) {
        pre[npass + q] = bs->unnests[q];
        bs->unnests[q] = NULL;
        ucols[q] = npass + q;
    }
    child = op_project_create(child, pre, npass + nu);
    pre = NULL;
    if (!child)
        goto nomem;
    if (!(child = op_unnest_create(child, ucols, nu)))
        goto nomem;
    for (uint32_t i = 0; i < bs->nproj; i++) {
        remap(bs->proj[i], map, ncols);
        remap_unnest(bs->proj[i], npass);
    }
    *op = op_project_create(child, bs->proj, bs->nproj);
    child = NULL;
    bs->proj = NULL;
    bs->nproj = 0;
    if (!*op)
        goto nomem;
    goto done;
nomem:
    rc = tn_err_set(err, TN_NOMEM, "could not plan UNNEST (out of memory)");
done:
    if (pre) {
        for (uint32_t i = 0; i < npass + nu; i++)
            ex_expr_free(pre[i]);
        tn_free(pre);
    }
    ex_op_free(child);
    tn_free(used);
    tn_free(map);
    tn_free(ucols);
    return rc;
}

int sq_plan_select(sq_binder *b, sq_bound *bs, ex_op **out, tn_err *err)
{
    ex_op *op = NULL;
    bool limit_done = false;
    int rc = fold_all(bs, err);
    if (rc)
        goto done;
    if ((rc = build_source(b, bs, &op, err)))
        goto done;
    /* [prune] late materialization: the Parquet scan gets a copy of WHERE (already renumbered onto
     * its output) to decode the other columns only for surviving rows; the FILTER below stays. */
    if (bs->where && bs->src_kind == SQ_BS_PARQUET && !has_volatile(bs->where))
        (void)op_scan_parquet_set_filter(op, ex_expr_copy(bs->where));
    if (bs->where) {
        op = op_filter_create(op, bs->where);
        bs->where = NULL;
        if (!op && (rc = op_fail(err, "FILTER")))
            goto done;
    }
    if (bs->aggregate) {
        op = op_hashagg_create(op, bs->groups, bs->ngroups, bs->aggs, bs->naggs);
        bs->groups = NULL;
        bs->ngroups = 0;
        bs->aggs = NULL;
        bs->naggs = 0;
        if (!op && (rc = op_fail(err, "HASH_AGGREGATE")))
            goto done;
        if (bs->having) {
            op = op_filter_create(op, bs->having);
            bs->having = NULL;
            if (!op && (rc = op_fail(err, "FILTER")))
                goto done;
        }
    }
    bool projected = false;
    if (!bs->distinct && !bs->nunnest && bs->nkeys && any_nested(op->types, op->ncols)) {
        bool flat = true;
        for (uint32_t i = 0; i < bs->nproj; i++)
            flat = flat && !tn_type_is_nested(bs->proj[i]->type);
        if (flat) {
            if ((rc = plan_sort_after_project(bs, &op, &limit_done, err)))
                goto done;
            projected = true;
        }
    }
    if (!projected && !bs->distinct && !bs->nunnest && (rc = add_order(bs, &op, &limit_done, err)))
        goto done;
    if (projected) {
        /* done by plan_sort_after_project */
    } else if (bs->nunnest) {
        if ((rc = plan_unnest(bs, &op, err)))
            goto done;
    } else if (identity_projection(bs->proj, bs->nproj, op)) {
        for (uint32_t i = 0; i < bs->nproj; i++)
            ex_expr_free(bs->proj[i]);
        tn_free(bs->proj);
    } else {
        op = op_project_create(op, bs->proj, bs->nproj);
        if (!op) {
            bs->proj = NULL;
            bs->nproj = 0;
            rc = op_fail(err, "PROJECT");
            goto done;
        }
    }
    bs->proj = NULL;
    bs->nproj = 0;
    if (bs->distinct) {
        uint32_t n = op->ncols;
        ex_expr **groups = tn_calloc(n ? n : 1, sizeof *groups);
        for (uint32_t i = 0; groups && i < n; i++)
            if (!(groups[i] = ex_expr_colref(i, op->types[i]))) {
                for (uint32_t k = 0; k < i; k++)
                    ex_expr_free(groups[k]);
                tn_free(groups);
                groups = NULL;
            }
        if (!groups) {
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
            goto done;
        }
        op = op_hashagg_create(op, groups, n, NULL, 0);
        if (!op && (rc = op_fail(err, "HASH_AGGREGATE")))
            goto done;
    }
    if ((bs->distinct || bs->nunnest) && (rc = add_order(bs, &op, &limit_done, err)))
        goto done;
    if (!limit_done && (bs->limit != UINT64_MAX || bs->offset)) {
        op = op_limit_create(op, bs->limit, bs->offset);
        if (!op && (rc = op_fail(err, "LIMIT")))
            goto done;
    }
    *out = op;
    op = NULL;
done:
    ex_op_free(op);
    sq_bound_clear(bs);
    return rc;
}

int sq_build_select(sq_binder *b, const sq_select *sel, ex_op **out, char ***names, tn_err *err)
{
    sq_bound bs;
    int rc = sq_bind_select(b, sel, &bs);
    if (rc)
        return rc;
    char **nm = bs.names;
    uint32_t nproj = bs.nproj;
    rc = sq_plan_select(b, &bs, out, err);
    if (rc)
        return rc;
    if ((*out)->ncols != nproj) {
        uint32_t got = (*out)->ncols;
        ex_op_free(*out);
        *out = NULL;
        return tn_err_set(err, TN_ERROR, "internal error: plan produced %u columns for %u select items", got, nproj);
    }
    *names = nm;
    return TN_OK;
}

/* ======================= helpers for other sources (deltasql) ======================= */

void sq_mark_inputs(const sq_bound *bs, bool *used, uint32_t ncols) { mark_inputs(bs, used, ncols); }

void sq_remap_inputs(sq_bound *bs, const uint32_t *map, uint32_t ncols) { remap_inputs(bs, map, ncols); }

int sq_collect_pushdown(const ex_expr *where, uint32_t ncols, tn_type *types, pq_predicate **preds, uint32_t *n)
{
    ex_pq_source cols; /* column_side only looks at ncols and types */
    memset(&cols, 0, sizeof cols);
    cols.ncols = ncols;
    cols.types = types;
    pred_list pl = {NULL, 0, 0};
    *preds = NULL;
    *n = 0;
    int rc = collect_pushdown(where, &cols, &pl);
    if (rc) {
        preds_free(&pl);
        return rc;
    }
    *preds = pl.p;
    *n = pl.n;
    return TN_OK;
}

void sq_preds_free(pq_predicate *p, uint32_t n)
{
    pred_list pl = {p, n, n};
    preds_free(&pl);
}
