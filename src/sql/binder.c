/*
 * binder.c -- binding of FROM sources and SELECT clauses (see sql_int.h for the scopes).
 *
 * Sources: a string literal path or glob, read_parquet/parquet_scan('p' | ['a','b']), a bare or
 * quoted name that looks like a file, range(n | a, b[, step]) (exclusive, column "range"),
 * generate_series(a, b[, step]) (inclusive, column "generate_series"), and parenthesised
 * subqueries (planned on the spot into an operator tree). Parquet sources are opened here (their
 * footers give the schema) and registered in the statement's resources.
 *
 * Clauses follow PostgreSQL: WHERE must be boolean and may not aggregate; GROUP BY accepts
 * expressions, select-list ordinals and output aliases (an input column of the same name wins);
 * in an aggregate query every column reference outside an aggregate must be (part of) a GROUP BY
 * expression, checked structurally on the bound trees ("column "x" must appear in the GROUP BY
 * clause or be used in an aggregate function"); ORDER BY accepts ordinals, output names and any
 * expression over the input (or, with DISTINCT, only select-list expressions).
 *
 * Nested values: unnest(list) is allowed in the select list (its arguments are collected into
 * sq_bound.unnests and the calls become placeholder columns, see binder_nested.c); with any, ORDER
 * BY refers to the output like with DISTINCT (the sort runs after the rows are expanded). FROM
 * unnest(list) is a source of its own (column "unnest"); parquet_metadata/parquet_schema/
 * parquet_kv_metadata are table functions (tf_parquet.c). GROUP BY, DISTINCT and ORDER BY keys may
 * be nested values (the hash table and the sort compare them as whole values, DuckDB's order).
 */
#include "sql_int.h"
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SQ_MAX_SUBQUERY_DEPTH 64

/* ======================= resources ======================= */

int sq_resources_add(sq_resources *r, ex_pq_source *src)
{
    if (r->n == r->cap) {
        uint32_t nc = r->cap ? r->cap * 2 : 4;
        ex_pq_source **ns = tn_realloc(r->srcs, nc * sizeof *ns);
        if (!ns)
            return TN_NOMEM;
        r->srcs = ns;
        r->cap = nc;
    }
    r->srcs[r->n++] = src;
    return TN_OK;
}

void sq_resources_free(sq_resources *r)
{
    if (!r)
        return;
    for (uint32_t i = 0; i < r->n; i++)
        ex_pq_source_free(r->srcs[i]);
    tn_free(r->srcs);
    r->srcs = NULL;
    r->n = r->cap = 0;
    for (uint32_t i = 0; i < r->ndeltas; i++) /* deltasql */
        ex_delta_source_free(r->deltas[i]);
    tn_free(r->deltas);
    r->deltas = NULL;
    r->ndeltas = r->capdeltas = 0;
}

void sq_bound_clear(sq_bound *bs)
{
    ex_expr_free(bs->where);
    for (uint32_t i = 0; i < bs->ngroups; i++)
        ex_expr_free(bs->groups[i]);
    tn_free(bs->groups);
    for (uint32_t i = 0; i < bs->naggs; i++)
        ex_expr_free(bs->aggs[i].arg);
    tn_free(bs->aggs);
    ex_expr_free(bs->having);
    for (uint32_t i = 0; i < bs->nproj; i++)
        ex_expr_free(bs->proj[i]);
    tn_free(bs->proj);
    for (uint32_t i = 0; i < bs->nunnest; i++)
        ex_expr_free(bs->unnests[i]);
    tn_free(bs->unnests);
    ex_expr_free(bs->src_expr);
    ex_op_free(bs->src_op);
    for (uint32_t i = 0; i < bs->nkeys; i++)
        ex_expr_free(bs->keys[i].expr);
    tn_free(bs->keys);
    if (bs->sub) {
        sq_bound_clear(bs->sub);
        tn_free(bs->sub);
    }
    memset(bs, 0, sizeof *bs);
    bs->limit = UINT64_MAX;
}

static int nomem(sq_binder *b)
{
    return tn_err_set(b->err, TN_NOMEM, "out of memory binding SQL");
}

static char *adup(sq_binder *b, const char *s)
{
    return sq_arena_strndup(b->a, s, strlen(s));
}

/* ======================= constants ======================= */

int sq_bind_constant(sq_binder *b, const sq_expr *e, const char *clause, tn_value *out)
{
    sq_scope empty = {NULL, 0};
    sq_bctx c;
    memset(&c, 0, sizeof c);
    c.b = b;
    c.scope = &empty;
    c.clause = clause;
    ex_expr *x = NULL;
    int rc = sq_bind_expr(&c, e, &x);
    if (rc)
        return rc;
    if ((rc = sq_fold(&x)) != TN_OK) {
        ex_expr_free(x);
        return nomem(b);
    }
    if (x->kind != EX_CONST) {
        /* evaluate to surface the run-time error (e.g. division by zero) */
        tn_value v;
        memset(&v, 0, sizeof v);
        rc = ex_expr_fold(x, &v, b->err);
        ex_expr_free(x);
        if (rc == TN_OK) {
            *out = v;
            return TN_OK;
        }
        if (rc == TN_NOMEM)
            return rc;
        char msg[TN_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", b->err ? b->err->msg : "");
        return sq_bind_error(b, rc, e->pos, "argument of %s must be a constant: %s", clause, msg);
    }
    rc = tn_value_copy(out, &x->value);
    ex_expr_free(x);
    return rc ? nomem(b) : TN_OK;
}

static int constant_int(sq_binder *b, const sq_expr *e, const char *clause, bool *is_null, int64_t *v)
{
    tn_value val, iv;
    memset(&val, 0, sizeof val);
    memset(&iv, 0, sizeof iv);
    int rc = sq_bind_constant(b, e, clause, &val);
    if (rc)
        return rc;
    *is_null = val.is_null;
    if (val.is_null) {
        tn_value_free(&val);
        return TN_OK;
    }
    if (!tn_type_is_integer(val.type)) {
        char tb[64];
        tn_type_name(val.type, tb, sizeof tb);
        tn_value_free(&val);
        return sq_bind_error(b, TN_ERROR, e->pos, "argument of %s must be an integer, not type %s", clause, tb);
    }
    rc = ex_cast_value(&val, tn_type_make(TN_T_INT64), &iv, b->err);
    tn_value_free(&val);
    if (rc) {
        char msg[TN_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", b->err ? b->err->msg : "");
        return sq_bind_error(b, rc, e->pos, "%s", msg);
    }
    *v = iv.v.i64;
    tn_value_free(&iv);
    return TN_OK;
}

/* ======================= sources ======================= */

static const char *path_stem(sq_binder *b, const char *path)
{
    const char *s = strrchr(path, '/');
    s = s ? s + 1 : path;
    size_t n = strcspn(s, ".");
    if (n == 0 || strpbrk(s, "*?[") != NULL)
        return NULL;
    return sq_arena_strndup(b->a, s, n);
}

static int set_scope(sq_binder *b, sq_bound *out, uint32_t ncols, char *const *names, const tn_type *types,
                     const char *qual, const sq_source *s)
{
    if (s && s->ncol_aliases > ncols)
        return sq_bind_error(b, TN_ERROR, s->pos, "table \"%s\" has %u columns available but %u columns specified",
                             s->alias ? s->alias : "?", ncols, s->ncol_aliases);
    sq_col *cols = sq_arena_alloc(b->a, (ncols ? ncols : 1) * sizeof *cols);
    if (!cols)
        return nomem(b);
    for (uint32_t i = 0; i < ncols; i++) {
        cols[i].qual = qual;
        cols[i].name = s && i < s->ncol_aliases ? s->col_aliases[i] : adup(b, names[i]);
        cols[i].type = types[i];
        if (!cols[i].name)
            return nomem(b);
    }
    out->scope.cols = cols;
    out->scope.ncols = ncols;
    return TN_OK;
}

int sq_bind_set_scope(sq_binder *b, sq_bound *out, uint32_t ncols, char *const *names, const tn_type *types,
                      const char *qual, const sq_source *s)
{
    return set_scope(b, out, ncols, names, types, qual, s);
}

static int open_parquet(sq_binder *b, const char *const *paths, uint32_t n, uint32_t pos, ex_pq_source **out)
{
    vfs *fs = b->env && b->env->fs ? b->env->fs : vfs_default();
    int rc = ex_pq_source_open(fs, paths, n, out, b->err);
    if (rc) {
        if (rc == TN_NOMEM)
            return rc;
        char msg[TN_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", b->err ? b->err->msg : "");
        return sq_bind_error(b, rc, pos, "%s", msg);
    }
    if (sq_resources_add(b->res, *out) != TN_OK) {
        ex_pq_source_free(*out);
        *out = NULL;
        return nomem(b);
    }
    return TN_OK;
}

static int bind_parquet_source(sq_binder *b, const sq_source *s, const char *const *paths, uint32_t n,
                               const char *qual, sq_bound *out)
{
    ex_pq_source *src;
    int rc = open_parquet(b, paths, n, s->pos, &src);
    if (rc)
        return rc;
    out->src_kind = SQ_BS_PARQUET;
    out->pq = src;
    return set_scope(b, out, src->ncols, src->names, src->types, s->alias ? s->alias : qual, s);
}

static bool looks_like_file(const char *name)
{
    return strchr(name, '.') || strchr(name, '/') || strpbrk(name, "*?[");
}

static int bind_read_parquet(sq_binder *b, const sq_source *s, sq_bound *out)
{
    const sq_expr *f = s->func;
    if (f->nargs == 0)
        return sq_bind_error(b, TN_ERROR, f->pos, "%s expects a file path or a list of file paths", f->str);
    if (f->nargs > 1)
        return sq_bind_error(b, TN_NOTSUP, f->args[1]->pos, "%s options are not supported", f->str);
    const sq_expr *a = f->args[0];
    if (a->kind == SQ_E_CONST && a->lit == SQ_LIT_STRING) {
        const char *p = a->str;
        return bind_parquet_source(b, s, &p, 1, f->str, out);
    }
    if (a->kind != SQ_E_ARRAY || a->nargs == 0)
        return sq_bind_error(b, TN_ERROR, a->pos, "%s expects a string or a list of strings", f->str);
    const char **paths = sq_arena_alloc(b->a, a->nargs * sizeof *paths);
    if (!paths)
        return nomem(b);
    for (uint32_t i = 0; i < a->nargs; i++) {
        const sq_expr *x = a->args[i];
        if (x->kind != SQ_E_CONST || x->lit != SQ_LIT_STRING)
            return sq_bind_error(b, TN_ERROR, x->pos, "%s expects a list of string literals", f->str);
        paths[i] = x->str;
    }
    return bind_parquet_source(b, s, paths, a->nargs, f->str, out);
}

static int bind_range(sq_binder *b, const sq_source *s, bool inclusive, sq_bound *out)
{
    const sq_expr *f = s->func;
    if (f->nargs < 1 || f->nargs > 3)
        return sq_bind_error(b, TN_ERROR, f->pos, "%s expects 1 to 3 integer arguments", f->str);
    int64_t v[3] = {0, 0, 1};
    for (uint32_t i = 0; i < f->nargs; i++) {
        bool isnull;
        int rc = constant_int(b, f->args[i], f->str, &isnull, &v[i]);
        if (rc)
            return rc;
        if (isnull)
            return sq_bind_error(b, TN_ERROR, f->args[i]->pos, "arguments of %s must not be NULL", f->str);
    }
    if (f->nargs == 1) {
        v[1] = v[0];
        v[0] = 0;
        v[2] = 1;
    } else if (f->nargs == 2) {
        v[2] = 1;
    }
    if (v[2] == 0)
        return sq_bind_error(b, TN_ERROR, f->pos, "%s step must not be zero", f->str);
    out->src_kind = SQ_BS_RANGE;
    out->r_start = v[0];
    out->r_stop = v[1];
    out->r_step = v[2];
    out->r_inclusive = inclusive;
    char *name = (char *)(inclusive ? "generate_series" : "range");
    tn_type t = tn_type_make(TN_T_INT64);
    return set_scope(b, out, 1, &name, &t, s->alias ? s->alias : name, s);
}

/* FROM unnest(list) [AS t(x)]: one column "unnest" of the element type; the argument must not
 * reference columns (there is no earlier source to take them from). */
static int bind_unnest_source(sq_binder *b, const sq_source *s, sq_bound *out)
{
    const sq_expr *f = s->func;
    if (f->nargs != 1 || f->names)
        return sq_bind_error(b, TN_ERROR, f->pos, "unnest expects exactly one list argument");
    sq_scope empty = {NULL, 0};
    sq_bctx c;
    memset(&c, 0, sizeof c);
    c.b = b;
    c.scope = &empty;
    c.clause = "FROM";
    ex_expr *x = NULL;
    int rc = sq_bind_expr(&c, f->args[0], &x);
    sq_bctx_clear(&c);
    if (rc)
        return rc;
    if (x->type.id != TN_T_LIST && x->type.id != TN_T_MAP) {
        char tb[256];
        tn_type_name(x->type, tb, sizeof tb);
        ex_expr_free(x);
        return sq_bind_error(b, TN_ERROR, f->args[0]->pos, "unnest expects a LIST or MAP argument, not %s", tb);
    }
    tn_type et = tn_type_list_child(x->type);
    if (et.id == TN_T_INVALID) {
        ex_expr_free(x);
        return nomem(b);
    }
    out->src_kind = SQ_BS_UNNEST;
    out->src_expr = x;
    char *name = (char *)"unnest";
    return set_scope(b, out, 1, &name, &et, s->alias ? s->alias : name, s);
}

int sq_bind_source(sq_binder *b, const sq_source *s, sq_bound *out)
{
    if (s->kind == SQ_SRC_PATH || s->kind == SQ_SRC_TABLE || s->version_as_of || s->timestamp_as_of) {
        bool handled = false; /* deltasql: Delta tables and time travel */
        int rc = sq_bind_delta_path(b, s, s->path, s->path ? path_stem(b, s->path) : NULL, out, &handled);
        if (handled || rc)
            return rc;
    }
    switch ((sq_source_kind)s->kind) {
    case SQ_SRC_PATH: {
        const char *p = s->path;
        return bind_parquet_source(b, s, &p, 1, path_stem(b, p), out);
    }
    case SQ_SRC_TABLE: {
        if (looks_like_file(s->path)) {
            const char *p = s->path;
            return bind_parquet_source(b, s, &p, 1, path_stem(b, p), out);
        }
        return sq_bind_error(b, TN_NOTFOUND, s->pos, "relation \"%s\" does not exist", s->path);
    }
    case SQ_SRC_FUNC: {
        const char *n = s->func->str;
        if (s->func->distinct || s->func->star)
            return sq_bind_error(b, TN_SYNTAX, s->pos, "syntax error in table function %s", n);
        if (strcmp(n, "read_parquet") == 0 || strcmp(n, "parquet_scan") == 0)
            return bind_read_parquet(b, s, out);
        if (strcmp(n, "range") == 0)
            return bind_range(b, s, false, out);
        if (strcmp(n, "generate_series") == 0)
            return bind_range(b, s, true, out);
        if (strcmp(n, "unnest") == 0)
            return bind_unnest_source(b, s, out);
        bool handled = false;
        int rc = sq_bind_parquet_meta(b, s, out, &handled);
        if (handled || rc)
            return rc;
        if ((rc = sq_bind_delta_func(b, s, out, &handled)) || handled) /* deltasql */
            return rc;
        return sq_bind_error(b, TN_NOTFOUND, s->pos, "table function \"%s\" does not exist", n);
    }
    case SQ_SRC_SUBQUERY: {
        if (b->depth >= SQ_MAX_SUBQUERY_DEPTH)
            return sq_bind_error(b, TN_ERROR, s->pos, "subqueries are nested too deeply (more than %d levels)",
                                 SQ_MAX_SUBQUERY_DEPTH);
        sq_bound *ib = tn_calloc(1, sizeof *ib);
        if (!ib)
            return nomem(b);
        b->depth++;
        int rc = sq_bind_select(b, s->sub, ib);
        b->depth--;
        if (rc) {
            tn_free(ib);
            return rc;
        }
        out->src_kind = SQ_BS_SUBQUERY;
        out->sub = ib;
        tn_type *types = sq_arena_alloc(b->a, (ib->nproj ? ib->nproj : 1) * sizeof *types);
        if (!types)
            return nomem(b);
        for (uint32_t i = 0; i < ib->nproj; i++)
            types[i] = ib->proj[i]->type;
        return set_scope(b, out, ib->nproj, ib->names, types, s->alias, s);
    }
    }
    return sq_bind_error(b, TN_ERROR, s->pos, "unsupported source");
}

/* ======================= SELECT ======================= */

typedef struct sel_item {
    const sq_expr *ast;  /* NULL for a column expanded from * */
    uint32_t col;        /* expanded column */
    const char *name;
} sel_item;

static bool qual_matches(const sq_col *c, const sq_expr *star)
{
    if (!star->qual)
        return true;
    if (!c->qual)
        return false;
    return star->qual_quoted ? strcmp(c->qual, star->qual) == 0 : strcasecmp(c->qual, star->qual) == 0;
}

static int expand_items(sq_binder *b, const sq_select *sel, const sq_scope *sc, sel_item **items_out, uint32_t *n_out)
{
    uint32_t cap = 0, n = 0;
    for (uint32_t i = 0; i < sel->nitems; i++)
        cap += sel->items[i].expr->kind == SQ_E_STAR ? sc->ncols : 1;
    sel_item *items = sq_arena_alloc(b->a, (cap ? cap : 1) * sizeof *items);
    if (!items)
        return nomem(b);
    for (uint32_t i = 0; i < sel->nitems; i++) {
        const sq_select_item *it = &sel->items[i];
        const sq_expr *e = it->expr;
        if (e->kind == SQ_E_STAR) {
            uint32_t added = 0;
            for (uint32_t k = 0; k < sc->ncols; k++) {
                if (!qual_matches(&sc->cols[k], e))
                    continue;
                items[n].ast = NULL;
                items[n].col = k;
                items[n].name = sc->cols[k].name;
                n++;
                added++;
            }
            if (added == 0) {
                if (e->qual)
                    return sq_bind_error(b, TN_NOTFOUND, e->pos, "missing FROM-clause entry for table \"%s\"", e->qual);
                if (!sel->from)
                    return sq_bind_error(b, TN_ERROR, e->pos, "SELECT * with no tables specified is not valid");
            }
            continue;
        }
        items[n].ast = e;
        items[n].col = 0;
        if (it->alias) {
            items[n].name = it->alias;
        } else {
            tn_sbuf sb = TN_SBUF_INIT;
            sq_expr_column_name(e, &sb);
            if (sb.oom) {
                tn_sbuf_free(&sb);
                return nomem(b);
            }
            items[n].name = sq_arena_strndup(b->a, tn_sbuf_str(&sb), sb.len);
            tn_sbuf_free(&sb);
            if (!items[n].name)
                return nomem(b);
        }
        n++;
    }
    *items_out = items;
    *n_out = n;
    return TN_OK;
}

/* Bind one select item in context c (a star-expanded column is a plain column reference). */
static int bind_item(sq_bctx *c, const sel_item *it, ex_expr **out)
{
    if (it->ast)
        return sq_bind_expr(c, it->ast, out);
    const sq_col *col = &c->scope->cols[it->col];
    ex_expr *r = ex_expr_colref(it->col, col->type);
    if (!r || !(r->alias = tn_strdup(col->name))) {
        ex_expr_free(r);
        return nomem(c->b);
    }
    *out = r;
    return TN_OK;
}

/* Position of the first reference to column `name` in ast (outside aggregates), else ast's. */
static uint32_t column_pos(const sq_expr *ast, const char *name, uint32_t dflt)
{
    /* first argument first: walk down the left spine (long operator chains cost no stack), then
     * try the other children of the spine nodes from the bottom up, as a recursive walk would */
    const sq_expr *x = ast;
    uint32_t k = 0;
    for (; x; x = x->nargs ? x->args[0] : NULL, k++) {
        if (x->kind == SQ_E_COLUMN && strcasecmp(x->str, name) == 0)
            return x->pos;
        if (x->kind == SQ_E_FUNC && ex_agg_lookup(x->str) >= 0)
            break;
    }
    /* k nodes on the spine above the stop; visit their other children bottom-up */
    const sq_expr *small[16], **sp = small;
    if (k > TN_ARRAY_LEN(small) && !(sp = tn_malloc((size_t)k * sizeof *sp)))
        return dflt;
    x = ast;
    for (uint32_t j = 0; j < k; j++) {
        sp[j] = x;
        if (j + 1 < k)
            x = x->args[0];
    }
    uint32_t found = UINT32_MAX;
    for (uint32_t j = k; j-- > 0 && found == UINT32_MAX;) {
        const sq_expr *y = sp[j];
        const sq_expr *kids[2] = {y->operand, y->else_expr};
        for (uint32_t i = 1; i < y->nargs && found == UINT32_MAX; i++)
            found = column_pos(y->args[i], name, UINT32_MAX);
        for (int i = 0; i < 2 && found == UINT32_MAX; i++)
            found = column_pos(kids[i], name, UINT32_MAX);
    }
    if (sp != small)
        tn_free((void *)sp);
    return found != UINT32_MAX ? found : dflt;
}

/* Rewrite an expression bound over the input (with aggregate placeholders) onto the aggregate's
 * output: group expressions -> their columns, placeholders -> aggregate columns. `ast` (may be
 * NULL) locates errors. */
static int post_agg(sq_binder *b, ex_expr **e, ex_expr *const *groups, uint32_t ng, const sq_scope *sc,
                    const sq_expr *ast, uint32_t pos)
{
    /* down the first arguments in a loop (long operator chains cost no stack), then the other
     * arguments of the nodes passed, bottom-up: the order of a recursive walk */
    ex_expr **small[16], ***sp = small;
    uint32_t k = 0, cap = TN_ARRAY_LEN(small);
    int rc = TN_OK;
    for (ex_expr **slot = e; slot;) {
        ex_expr *x = *slot;
        if (x->kind == EX_COLREF && x->col >= SQ_AGG_REF_BASE) {
            x->col = ng + (x->col - SQ_AGG_REF_BASE);
            break;
        }
        if (x->kind == EX_COLREF && x->col >= SQ_UNNEST_REF_BASE)
            break; /* UNNEST placeholder: mapped by the planner */
        bool replaced = false;
        for (uint32_t i = 0; i < ng && !replaced; i++) {
            if (!sq_expr_equal(x, groups[i]))
                continue;
            ex_expr *r = ex_expr_colref(i, groups[i]->type);
            if (!r) {
                rc = nomem(b);
                goto done;
            }
            r->alias = x->alias;
            x->alias = NULL;
            ex_expr_free(x);
            *slot = r;
            replaced = true;
        }
        if (replaced)
            break;
        if (x->kind == EX_COLREF) {
            const char *name = x->col < sc->ncols ? sc->cols[x->col].name : "?";
            rc = sq_bind_error(b, TN_ERROR, column_pos(ast, name, pos),
                               "column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function",
                               name);
            goto done;
        }
        if (k == cap) {
            ex_expr ***n = tn_malloc((size_t)cap * 2 * sizeof *n);
            if (!n) {
                rc = nomem(b);
                goto done;
            }
            memcpy(n, sp, (size_t)k * sizeof *n);
            if (sp != small)
                tn_free(sp);
            sp = n;
            cap *= 2;
        }
        sp[k++] = slot;
        slot = x->nargs ? &x->args[0] : NULL;
    }
    for (uint32_t j = k; j-- > 0 && !rc;) {
        ex_expr *x = *sp[j];
        for (uint32_t i = 1; i < x->nargs && !rc; i++)
            rc = post_agg(b, &x->args[i], groups, ng, sc, ast, pos);
    }
done:
    if (sp != small)
        tn_free(sp);
    return rc;
}

/* Select item named `name` (output column names), or -1. */
static int find_output_name(const sel_item *items, uint32_t n, const sq_expr *e)
{
    if (e->kind != SQ_E_COLUMN || e->qual)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        if (e->quoted ? strcmp(items[i].name, e->str) == 0 : strcasecmp(items[i].name, e->str) == 0)
            return (int)i;
    return -1;
}

static bool scope_has(const sq_scope *sc, const sq_expr *e)
{
    if (e->kind != SQ_E_COLUMN || e->qual)
        return false;
    for (uint32_t i = 0; i < sc->ncols; i++)
        if (e->quoted ? strcmp(sc->cols[i].name, e->str) == 0 : strcasecmp(sc->cols[i].name, e->str) == 0)
            return true;
    return false;
}

/* Is e an integer literal used as a position (ORDER BY 2, GROUP BY 1)? Its value in *v. */
static bool ordinal_of(const sq_expr *e, int64_t *v)
{
    if (e->kind != SQ_E_CONST || e->lit != SQ_LIT_INTEGER || e->parens)
        return false;
    bool neg = e->str[0] == '-';
    *v = strlen(e->str) > 10 ? (neg ? INT32_MIN : INT32_MAX) : atol(e->str);
    return true;
}

static int bind_limit(sq_binder *b, const sq_expr *e, const char *what, uint64_t *out)
{
    bool isnull;
    int64_t v;
    int rc = constant_int(b, e, what, &isnull, &v);
    if (rc)
        return rc;
    if (isnull)
        return TN_OK; /* LIMIT NULL = no limit (PostgreSQL) */
    if (v < 0)
        return sq_bind_error(b, TN_ERROR, e->pos, "%s must not be negative", what);
    *out = (uint64_t)v;
    return TN_OK;
}

static int add_key(sq_binder *b, sq_bound *out, uint32_t *cap, ex_expr *e, const sq_order_item *o)
{
    if (out->nkeys == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 4;
        ex_sort_key *nk = tn_realloc(out->keys, nc * sizeof *nk);
        if (!nk) {
            ex_expr_free(e);
            return nomem(b);
        }
        out->keys = nk;
        *cap = nc;
    }
    ex_sort_key *k = &out->keys[out->nkeys++];
    k->expr = e;
    k->desc = o->desc;
    k->nulls_first = o->nulls_first >= 0 ? o->nulls_first == 1 : o->desc;
    return TN_OK;
}

static int bind_order(sq_binder *b, const sq_select *sel, const sel_item *items, uint32_t nitems, sq_bctx *c,
                      sq_bound *out)
{
    uint32_t cap = 0;
    for (uint32_t i = 0; i < sel->norder; i++) {
        const sq_order_item *o = &sel->order[i];
        int k = -1;
        int64_t ord;
        if (ordinal_of(o->expr, &ord)) {
            if (ord < 1 || ord > (int64_t)nitems)
                return sq_bind_error(b, TN_ERROR, o->expr->pos, "ORDER BY position %lld is not in select list",
                                     (long long)ord);
            k = (int)(ord - 1);
        } else {
            k = find_output_name(items, nitems, o->expr);
        }
        ex_expr *e = NULL;
        int rc;
        bool by_output = out->distinct || out->nunnest;
        if (k >= 0) {
            if (by_output)
                e = ex_expr_colref((uint32_t)k, out->proj[k]->type);
            else
                e = ex_expr_copy(out->proj[k]);
            if (!e)
                return nomem(b);
            if ((rc = add_key(b, out, &cap, e, o)))
                return rc;
            continue;
        }
        if ((rc = sq_bind_expr(c, o->expr, &e)))
            return rc;
        if (out->aggregate && (rc = post_agg(b, &e, out->groups, out->ngroups, &out->scope, o->expr, o->expr->pos))) {
            ex_expr_free(e);
            return rc;
        }
        if (by_output) {
            int j = -1;
            for (uint32_t p = 0; p < out->nproj && j < 0; p++)
                if (sq_expr_equal(e, out->proj[p]))
                    j = (int)p;
            tn_type t = e->type;
            ex_expr_free(e);
            if (j < 0)
                return sq_bind_error(b, TN_ERROR, o->expr->pos,
                                     out->distinct ? "for SELECT DISTINCT, ORDER BY expressions must appear in select list"
                                                   : "with UNNEST in the select list, ORDER BY expressions must appear in the select list");
            if (!(e = ex_expr_colref((uint32_t)j, t)))
                return nomem(b);
        }
        if ((rc = add_key(b, out, &cap, e, o)))
            return rc;
    }
    return TN_OK;
}

static int bind_groups(sq_binder *b, const sq_select *sel, const sel_item *items, uint32_t nitems, sq_bound *out)
{
    sq_bctx g;
    memset(&g, 0, sizeof g);
    g.b = b;
    g.scope = &out->scope;
    g.clause = "GROUP BY";
    out->groups = tn_calloc(sel->ngroup ? sel->ngroup : 1, sizeof *out->groups);
    if (!out->groups)
        return nomem(b);
    for (uint32_t i = 0; i < sel->ngroup; i++) {
        const sq_expr *ge = sel->group_by[i];
        int64_t ord;
        int rc;
        ex_expr *e = NULL;
        if (ordinal_of(ge, &ord)) {
            if (ord < 1 || ord > (int64_t)nitems)
                return sq_bind_error(b, TN_ERROR, ge->pos, "GROUP BY position %lld is not in select list",
                                     (long long)ord);
            const sel_item *it = &items[ord - 1];
            if (it->ast && sq_has_aggregate(it->ast))
                return sq_bind_error(b, TN_ERROR, ge->pos, "aggregate functions are not allowed in GROUP BY");
            rc = bind_item(&g, it, &e);
        } else {
            int k = scope_has(&out->scope, ge) ? -1 : find_output_name(items, nitems, ge);
            if (k >= 0 && items[k].ast && sq_has_aggregate(items[k].ast))
                return sq_bind_error(b, TN_ERROR, ge->pos, "aggregate functions are not allowed in GROUP BY");
            rc = k >= 0 ? bind_item(&g, &items[k], &e) : sq_bind_expr(&g, ge, &e);
        }
        if (rc)
            return rc;
        out->groups[out->ngroups++] = e;
    }
    return TN_OK;
}

int sq_bind_select(sq_binder *b, const sq_select *sel, sq_bound *out)
{
    memset(out, 0, sizeof *out);
    out->limit = UINT64_MAX;
    sq_bctx c;
    memset(&c, 0, sizeof c);
    sel_item *items = NULL;
    uint32_t nitems = 0;
    int rc = TN_OK;

    if (sel->from) {
        if ((rc = sq_bind_source(b, sel->from, out)))
            goto done;
    } else {
        out->src_kind = SQ_BS_NONE;
    }
    if ((rc = expand_items(b, sel, &out->scope, &items, &nitems)))
        goto done;
    out->distinct = sel->distinct;
    out->aggregate = sel->ngroup > 0 || sel->having != NULL;
    for (uint32_t i = 0; i < nitems && !out->aggregate; i++)
        out->aggregate = items[i].ast && sq_has_aggregate(items[i].ast);
    for (uint32_t i = 0; i < sel->norder && !out->aggregate; i++)
        out->aggregate = sq_has_aggregate(sel->order[i].expr);

    c.b = b;
    c.scope = &out->scope;
    if (sel->where) {
        c.clause = "WHERE";
        if ((rc = sq_bind_condition(&c, sel->where, &out->where)))
            goto done;
    }
    if (out->aggregate && (rc = bind_groups(b, sel, items, nitems, out)))
        goto done;

    out->proj = tn_calloc(nitems ? nitems : 1, sizeof *out->proj);
    out->names = sq_arena_alloc(b->a, (nitems ? nitems : 1) * sizeof *out->names);
    if (!out->proj || !out->names) {
        rc = nomem(b);
        goto done;
    }
    c.clause = "SELECT";
    c.allow_aggs = out->aggregate;
    c.allow_unnest = true;
    for (uint32_t i = 0; i < nitems; i++) {
        ex_expr *e = NULL;
        uint32_t nu0 = c.nunnests;
        if ((rc = bind_item(&c, &items[i], &e)))
            goto done;
        out->proj[out->nproj++] = e;
        out->names[i] = (char *)items[i].name;
        if (out->aggregate &&
            (rc = post_agg(b, &out->proj[i], out->groups, out->ngroups, &out->scope, items[i].ast,
                           items[i].ast ? items[i].ast->pos : sel->pos)))
            goto done;
        for (uint32_t k = nu0; out->aggregate && k < c.nunnests; k++)
            if ((rc = post_agg(b, &c.unnests[k], out->groups, out->ngroups, &out->scope, items[i].ast,
                               items[i].ast ? items[i].ast->pos : sel->pos)))
                goto done;
    }
    c.allow_unnest = false;
    out->unnests = c.unnests;
    out->nunnest = c.nunnests;
    c.unnests = NULL;
    c.nunnests = c.cap_unnests = 0;
    if (sel->having) {
        c.clause = "HAVING";
        if ((rc = sq_bind_condition(&c, sel->having, &out->having)))
            goto done;
        if ((rc = post_agg(b, &out->having, out->groups, out->ngroups, &out->scope, sel->having, sel->having->pos)))
            goto done;
    }
    c.clause = "ORDER BY";
    if ((rc = bind_order(b, sel, items, nitems, &c, out)))
        goto done;
    if (out->aggregate) {
        out->aggs = c.aggs;
        out->naggs = c.naggs;
        c.aggs = NULL;
        c.naggs = c.cap_aggs = 0;
    }
    if (sel->limit && (rc = bind_limit(b, sel->limit, "LIMIT", &out->limit)))
        goto done;
    if (sel->offset && (rc = bind_limit(b, sel->offset, "OFFSET", &out->offset)))
        goto done;
done:
    sq_bctx_clear(&c);
    if (rc)
        sq_bound_clear(out);
    return rc;
}
