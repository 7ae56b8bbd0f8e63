/*
 * binder_nested.c -- binding of nested values (LIST, STRUCT, MAP), DuckDB dialect:
 *
 *   [a, b, ...] / list_value(...)   LIST of the arguments' common type (untyped string literals
 *                                   adapt; [] and [NULL] are INTEGER[], as in DuckDB)
 *   {'k': v, ...} / struct_pack(k := v, ...)   STRUCT (keys unique, case-insensitively)
 *   MAP {k: v, ...}                 MAP of the keys' and values' common types
 *   x[i]      LIST: list_extract (1-based, negative from the end); MAP: map_extract_value (the
 *             value, NULL when absent); STRUCT with a constant string: struct_extract
 *   x[a:b]    list_slice; omitted bounds are open ([:2], [3:])
 *   x.f, s.f  struct_extract; for a plain name s.f, a table s of the scope wins, else a STRUCT
 *             column s (DuckDB's rule), so t.s.f reads field f of column s of table t
 *   typeof(x) the constant name of x's type
 *   unnest(l) in the select list: the list argument is collected in the context and the call
 *             becomes a placeholder column (SQ_UNNEST_REF_BASE + k) of the element type; the
 *             planner expands the rows with the UNNEST operator
 *   functions with nested arguments (len, list_contains, comparisons, ||, ...) resolve through
 *             exec's ex_nested_resolve; casts from or to nested types become EX_FUNC nodes of the
 *             nested cast kernel (CAST(l AS VARCHAR) renders the text the shell prints).
 *
 * Nested types are limited to SQ_MAX_NESTED_DEPTH levels so hostile literals such as
 * [[[[...]]]] cannot recurse deeply in type naming, vectors and kernels.
 */
#include "sql_int.h"
#include "../exec/nested.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SQ_MAX_NESTED_DEPTH 64

static int nomem(sq_binder *b) { return tn_err_set(b->err, TN_NOMEM, "out of memory binding SQL"); }

static const char *tname(tn_type t, char *buf, size_t cap) { return tn_type_name(t, buf, cap); }

/* Add the position of `pos` to an error exec reported in b->err. */
static int wrap_err(sq_binder *b, int rc, uint32_t pos)
{
    if (rc == TN_NOMEM || !b->err)
        return rc;
    char msg[TN_ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "%s", b->err->msg);
    return sq_bind_error(b, rc, pos, "%s", msg);
}

static int type_depth(tn_type t)
{
    if (!tn_type_is_nested(t) || !t.nested)
        return 0;
    int d = 0;
    for (int i = 0; i < t.nested->nchildren; i++) {
        int k = type_depth(t.nested->children[i]);
        if (k > d)
            d = k;
    }
    return d + 1;
}

static int check_depth(sq_binder *b, tn_type t, uint32_t pos)
{
    if (type_depth(t) > SQ_MAX_NESTED_DEPTH)
        return sq_bind_error(b, TN_ERROR, pos, "nested value is nested too deeply (more than %d levels)",
                             SQ_MAX_NESTED_DEPTH);
    return TN_OK;
}

static void free_all(ex_expr **xs, uint32_t n)
{
    for (uint32_t i = 0; xs && i < n; i++) {
        ex_expr_free(xs[i]);
        xs[i] = NULL;
    }
}

/* Bind asts[0..n) into a fresh array (*out, tn_malloc'd; freed by the caller with free_all). */
static int bind_all(sq_bctx *c, sq_expr *const *asts, uint32_t n, ex_expr ***out)
{
    ex_expr **xs = tn_calloc(n ? n : 1, sizeof *xs);
    if (!xs)
        return nomem(c->b);
    for (uint32_t i = 0; i < n; i++) {
        int rc = sq_bind_expr(c, asts[i], &xs[i]);
        if (rc) {
            free_all(xs, n);
            tn_free(xs);
            return rc;
        }
    }
    *out = xs;
    return TN_OK;
}

/* EX_FUNC node fn(args[0..n)) of type fn->ret; consumes args (also on failure). */
static int make_func(sq_binder *b, const ex_func *fn, ex_expr **args, uint32_t n, ex_expr **out)
{
    ex_expr *e = fn ? ex_expr_new(EX_FUNC, fn->ret) : NULL;
    if (!e) {
        free_all(args, n);
        return fn ? nomem(b) : tn_err_set(b->err, TN_NOMEM, "function catalog intern table is full");
    }
    e->fn = fn;
    for (uint32_t i = 0; i < n; i++) {
        ex_expr *a = args[i];
        args[i] = NULL;
        if (ex_expr_add_arg(e, a) != TN_OK) { /* frees a */
            free_all(args, n);
            ex_expr_free(e);
            return nomem(b);
        }
    }
    *out = e;
    return TN_OK;
}

static ex_expr *const_string(const char *s)
{
    tn_value v;
    if (tn_value_set_string(&v, tn_type_make(TN_T_VARCHAR), s, (uint32_t)strlen(s)) != TN_OK)
        return NULL;
    ex_expr *e = ex_expr_const(&v);
    tn_value_free(&v);
    return e;
}

static ex_expr *const_int(int64_t x)
{
    tn_value v = tn_value_int(tn_type_make(TN_T_INT64), x);
    return ex_expr_const(&v);
}

static bool untyped_list(const ex_expr *e);
static bool retype_list(sq_binder *b, ex_expr **e, tn_type t, int *rc);

/* ======================= casts ======================= */

ex_expr *sq_nested_cast(ex_expr *e, tn_type to, bool try_cast)
{
    if (!e)
        return NULL;
    if (tn_type_equal(e->type, to) && e->type.flags == to.flags)
        return e;
    if (e->kind == EX_CONST && (e->value.is_null || e->value.type.id == TN_T_NULL)) {
        tn_value v = tn_value_null(to);
        ex_expr *c = ex_expr_const(&v);
        if (c) {
            c->alias = e->alias;
            e->alias = NULL;
        }
        ex_expr_free(e);
        return c;
    }
    const ex_func *fn = ex_nested_cast_func(e->type, to, try_cast);
    ex_expr *c = ex_expr_new(fn ? EX_FUNC : EX_CAST, to); /* no entry: EX_CAST reports it at run time */
    if (!c) {
        ex_expr_free(e);
        return NULL;
    }
    c->fn = fn;
    c->flag = !fn && try_cast;
    if (ex_expr_add_arg(c, e) != TN_OK) {
        ex_expr_free(c);
        return NULL;
    }
    return c;
}

int sq_nested_check_result(sq_binder *b, tn_type t, uint32_t pos, const char *what)
{
    /* the evaluator copies nested values (ex_copy_rows -> ex_nested_copy_rows), so CASE,
     * COALESCE and NULLIF may produce them */
    TN_UNUSED(b);
    TN_UNUSED(t);
    TN_UNUSED(pos);
    TN_UNUSED(what);
    return TN_OK;
}

/* ======================= calls ======================= */

bool sq_nested_call_applies(const char *name, ex_expr *const *args, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (tn_type_is_nested(args[i]->type))
            return true;
    /* names only the nested functions know (len/length/|| also exist for strings) */
    return ex_nested_has_function(name) && strcasecmp(name, "len") != 0 && strcasecmp(name, "length") != 0 &&
           strcmp(name, "||") != 0;
}

int sq_nested_call(sq_bctx *c, const char *name, ex_expr **args, uint32_t n, uint32_t pos, ex_expr **out)
{
    sq_binder *b = c->b;
    tn_type small[2][16];
    tn_type *types = small[0], *cast_to = small[1];
    memset(small, 0, sizeof small);
    int rc = TN_OK;
    if (n > 16) {
        types = tn_calloc(n, sizeof *types);
        cast_to = tn_calloc(n, sizeof *cast_to);
        if (!types || !cast_to) {
            free_all(args, n);
            rc = nomem(b);
            goto done;
        }
    }
    if (strcmp(name, "list_value") != 0) {
        bool contains = ex_nested_has_function(name) && (strcasecmp(name, "list_contains") == 0 ||
                        strcasecmp(name, "array_contains") == 0 || strcasecmp(name, "list_has") == 0 ||
                        strcasecmp(name, "array_has") == 0);
        if (contains && n == 2 && untyped_list(args[1]) && args[0]->type.id == TN_T_LIST && !untyped_list(args[0]))
            retype_list(b, &args[1], tn_type_list_child(args[0]->type), &rc);
        for (uint32_t i = 0; i < n && !rc && !contains; i++) {
            for (uint32_t j = 0; j < n && untyped_list(args[i]); j++)
                if (j != i && !untyped_list(args[j]) && args[j]->type.id == TN_T_LIST &&
                    retype_list(b, &args[i], args[j]->type, &rc))
                    break;
        }
        if (rc) {
            free_all(args, n);
            goto done;
        }
    }
    for (uint32_t i = 0; i < n; i++)
        types[i] = args[i]->type;
    const ex_func *fn;
    if ((rc = ex_nested_resolve(name, types, n, &fn, cast_to, b->err))) {
        free_all(args, n);
        rc = wrap_err(b, rc, pos);
        goto done;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!(args[i] = sq_cast(args[i], cast_to[i], false))) {
            free_all(args, n);
            rc = nomem(b);
            goto done;
        }
    }
    rc = make_func(b, fn, args, n, out);
done:
    if (types != small[0])
        tn_free(types);
    if (cast_to != small[1])
        tn_free(cast_to);
    return rc;
}

/* ---- untyped lists ----
 * [] and [NULL, ...] (recursively: [[], [NULL]]) have no element type of their own. They are
 * bound as INTEGER lists (DuckDB's default) but flagged (EX_FUNC.flag, unused otherwise), and
 * adopt the list type of their neighbours in a list literal, a MAP literal or a comparison
 * (so [[], ['a']] is VARCHAR[][] and [] = ['x'] compares VARCHAR lists). */

static bool is_null_const(const ex_expr *e)
{
    return e->kind == EX_CONST && (e->value.is_null || e->value.type.id == TN_T_NULL);
}

static bool untyped_list(const ex_expr *e)
{
    return e->kind == EX_FUNC && e->flag && e->fn && strcmp(e->fn->name, "list_value") == 0;
}

/* *e (an untyped list) rebuilt with type t (a LIST); false when t cannot hold it. */
static bool retype_list(sq_binder *b, ex_expr **e, tn_type t, int *rc)
{
    ex_expr *x = *e;
    if (t.id != TN_T_LIST)
        return false;
    tn_type et = tn_type_list_child(t);
    for (uint32_t i = 0; i < x->nargs; i++) {
        ex_expr *a = x->args[i];
        if (untyped_list(a)) {
            if (!retype_list(b, &x->args[i], et, rc))
                return false;
            if (*rc)
                return true;
        } else if (is_null_const(a)) {
            tn_value v = tn_value_null(et);
            ex_expr *k = ex_expr_const(&v);
            if (!k) {
                *rc = nomem(b);
                return true;
            }
            ex_expr_free(a);
            x->args[i] = k;
        }
    }
    const ex_func *fn;
    tn_type cast_to[1];
    if (ex_nested_resolve("list_value", &et, 1, &fn, cast_to, b->err)) {
        *rc = nomem(b);
        return true;
    }
    x->fn = fn;
    x->type = fn->ret;
    x->flag = false;
    return true;
}

/* Common type of the typed elements of xs; every untyped list among them adopts it. Then the
 * remaining elements are unified as usual (untyped string literals adapt through asts). */
static int unify_elems(sq_bctx *c, ex_expr **xs, const sq_expr *const *asts, uint32_t n, const char *what,
                       tn_type *out)
{
    sq_binder *b = c->b;
    tn_type t = tn_type_make(TN_T_NULL);
    bool any_untyped = false;
    for (uint32_t i = 0; i < n; i++) {
        if (untyped_list(xs[i])) {
            any_untyped = true;
            continue;
        }
        if (asts && asts[i] && sq_ast_unknown(asts[i]))
            continue;
        tn_type u;
        if (ex_nested_common_type(t, xs[i]->type, &u, b->err) == TN_OK)
            t = u;
    }
    if (any_untyped) {
        int rc = TN_OK;
        for (uint32_t i = 0; i < n && !rc; i++) {
            if (!untyped_list(xs[i]) || t.id == TN_T_NULL || tn_type_equal(xs[i]->type, t))
                continue;
            if (!retype_list(b, &xs[i], t, &rc)) {
                char t1[256], t2[256];
                return sq_bind_error(b, TN_ERROR, asts && asts[i] ? asts[i]->pos : 0, "%s types %s and %s cannot be matched",
                                     what, tname(t, t1, sizeof t1), tname(xs[i]->type, t2, sizeof t2));
            }
        }
        if (rc)
            return rc;
    }
    return sq_unify(c, xs, asts, n, what, out);
}

int sq_nested_unify(sq_bctx *c, ex_expr **xs, const sq_expr *const *asts, uint32_t n, const char *what,
                    tn_type *out)
{
    return unify_elems(c, xs, asts, n, what, out);
}

/* list_value over bound elements (untyped literals adapt through asts, which may be NULL). */
static int list_value(sq_bctx *c, ex_expr **xs, sq_expr *const *asts, uint32_t n, uint32_t pos, ex_expr **out)
{
    tn_type t;
    int rc = unify_elems(c, xs, (const sq_expr *const *)asts, n, "list element", &t);
    if (rc) {
        free_all(xs, n);
        return rc;
    }
    bool untyped = true;
    for (uint32_t i = 0; i < n; i++)
        if (!is_null_const(xs[i]) && !untyped_list(xs[i]))
            untyped = false;
    if ((rc = sq_nested_call(c, "list_value", xs, n, pos, out)))
        return rc;
    (*out)->flag = untyped;
    if ((rc = check_depth(c->b, (*out)->type, pos))) {
        ex_expr_free(*out);
        *out = NULL;
    }
    return rc;
}

/* struct_pack / {...}: names[i] for args[i]. */
static int struct_pack(sq_bctx *c, sq_expr *const *asts, const char *const *names, uint32_t n, uint32_t pos,
                       ex_expr **out)
{
    sq_binder *b = c->b;
    if (n == 0)
        return sq_bind_error(b, TN_ERROR, pos, "a struct needs at least one field");
    for (uint32_t i = 0; i < n; i++) {
        if (!names || !names[i] || !names[i][0])
            return sq_bind_error(b, TN_ERROR, asts[i]->pos, "struct_pack needs named arguments, e.g. struct_pack(a := 1)");
        for (uint32_t k = 0; k < i; k++)
            if (strcasecmp(names[k], names[i]) == 0)
                return sq_bind_error(b, TN_ERROR, asts[i]->pos, "duplicate struct entry name \"%s\"", names[i]);
    }
    ex_expr **xs;
    int rc = bind_all(c, asts, n, &xs);
    if (rc)
        return rc;
    tn_type *types = tn_malloc(n * sizeof *types);
    if (!types) {
        rc = nomem(b);
        goto done;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (xs[i]->type.id == TN_T_NULL && !(xs[i] = sq_cast(xs[i], tn_type_make(TN_T_INT32), false))) {
            rc = nomem(b);
            goto done;
        }
        types[i] = xs[i]->type;
    }
    tn_type st = tn_type_struct(n, names, types);
    if (st.id == TN_T_INVALID) {
        rc = nomem(b);
        goto done;
    }
    if ((rc = check_depth(b, st, pos)))
        goto done;
    rc = make_func(b, ex_nested_struct_pack_func(st), xs, n, out);
done:
    free_all(xs, n);
    tn_free(xs);
    tn_free(types);
    return rc;
}

/* MAP {k: v, ...}: args alternate keys and values. */
static int map_literal(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    uint32_t np = e->nargs / 2;
    ex_expr **xs = NULL, **ks = NULL, **vs = NULL;
    const sq_expr **kast = NULL, **vast = NULL;
    int rc = bind_all(c, e->args, e->nargs, &xs);
    if (rc)
        return rc;
    ks = tn_calloc(np ? np : 1, sizeof *ks);
    vs = tn_calloc(np ? np : 1, sizeof *vs);
    kast = tn_calloc(np ? np : 1, sizeof *kast);
    vast = tn_calloc(np ? np : 1, sizeof *vast);
    if (!ks || !vs || !kast || !vast) {
        rc = nomem(b);
        goto done;
    }
    for (uint32_t i = 0; i < np; i++) {
        ks[i] = xs[2 * i];
        vs[i] = xs[2 * i + 1];
        xs[2 * i] = xs[2 * i + 1] = NULL;
        kast[i] = e->args[2 * i];
        vast[i] = e->args[2 * i + 1];
    }
    tn_type kt, vt;
    if ((rc = unify_elems(c, ks, kast, np, "MAP key", &kt)) || (rc = unify_elems(c, vs, vast, np, "MAP value", &vt)))
        goto done;
    tn_type i32 = tn_type_make(TN_T_INT32);
    if (kt.id == TN_T_NULL)
        kt = i32;
    if (vt.id == TN_T_NULL)
        vt = i32;
    for (uint32_t i = 0; i < np; i++) {
        ks[i] = sq_cast(ks[i], kt, false);
        vs[i] = sq_cast(vs[i], vt, false);
        if (!ks[i] || !vs[i]) {
            rc = nomem(b);
            goto done;
        }
        xs[2 * i] = ks[i];
        xs[2 * i + 1] = vs[i];
        ks[i] = vs[i] = NULL;
    }
    tn_type mt = tn_type_map(kt, vt);
    if (mt.id == TN_T_INVALID) {
        rc = nomem(b);
        goto done;
    }
    if ((rc = check_depth(b, mt, e->pos)))
        goto done;
    rc = make_func(b, ex_nested_map_pack_func(mt), xs, 2 * np, out);
done:
    free_all(xs, e->nargs);
    free_all(ks, np);
    free_all(vs, np);
    tn_free(xs);
    tn_free(ks);
    tn_free(vs);
    tn_free(kast);
    tn_free(vast);
    return rc;
}

/* struct_extract(base, field) where base is bound and STRUCT; consumes base. */
static int struct_field(sq_binder *b, ex_expr *base, const char *name, uint32_t pos, ex_expr **out)
{
    int f = ex_nested_field_index(base->type, name, strlen(name));
    if (f < 0) {
        ex_expr_free(base);
        return sq_bind_error(b, TN_ERROR, pos, "could not find key \"%s\" in struct", name);
    }
    ex_expr *k = const_string(base->type.nested->names[f]);
    if (!k) {
        ex_expr_free(base);
        return nomem(b);
    }
    ex_expr *args[2] = {base, k};
    return make_func(b, ex_nested_struct_extract_func(base->type, (uint32_t)f), args, 2, out);
}

/* The constant string of an untyped literal or a constant VARCHAR expression, else NULL. */
static const char *const_text(const sq_expr *ast, const ex_expr *x)
{
    if (ast && sq_ast_unknown(ast))
        return ast->str;
    if (x->kind == EX_CONST && !x->value.is_null && x->value.type.id == TN_T_VARCHAR)
        return x->value.v.str.ptr;
    return NULL;
}

/* base[idx] with base bound (consumed); idx_ast unbound. */
static int subscript(sq_bctx *c, ex_expr *base, const sq_expr *idx_ast, uint32_t pos, ex_expr **out)
{
    sq_binder *b = c->b;
    ex_expr *ix = NULL;
    int rc = sq_bind_expr(c, idx_ast, &ix);
    if (rc) {
        ex_expr_free(base);
        return rc;
    }
    char tb[256];
    switch ((tn_type_id)base->type.id) {
    case TN_T_STRUCT: {
        const char *name = const_text(idx_ast, ix);
        if (!name) {
            ex_expr_free(base);
            ex_expr_free(ix);
            return sq_bind_error(b, TN_ERROR, idx_ast->pos, "a struct can only be subscripted with a constant string");
        }
        char *nm = tn_strdup(name);
        ex_expr_free(ix);
        if (!nm) {
            ex_expr_free(base);
            return nomem(b);
        }
        rc = struct_field(b, base, nm, idx_ast->pos, out);
        tn_free(nm);
        return rc;
    }
    case TN_T_LIST:
        if (sq_ast_unknown(idx_ast) && (rc = sq_adapt_literal(b, &ix, idx_ast, tn_type_make(TN_T_INT64))))
            break;
        {
            ex_expr *args[2] = {base, ix};
            return sq_nested_call(c, "list_extract", args, 2, pos, out);
        }
    case TN_T_MAP:
        if (sq_ast_unknown(idx_ast) && base->type.nested &&
            (rc = sq_adapt_literal(b, &ix, idx_ast, base->type.nested->children[0])))
            break;
        {
            ex_expr *args[2] = {base, ix};
            return sq_nested_call(c, "map_extract_value", args, 2, pos, out);
        }
    default:
        rc = sq_bind_error(b, TN_ERROR, pos, "cannot subscript a value of type %s", tname(base->type, tb, sizeof tb));
        break;
    }
    ex_expr_free(base);
    ex_expr_free(ix);
    return rc;
}

/* base[lo:hi] (either bound may be NULL = open). */
static int slice(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    ex_expr *args[3] = {NULL, NULL, NULL};
    const sq_expr *bounds[2] = {e->operand, e->else_expr};
    int rc = sq_bind_expr(c, e->args[0], &args[0]);
    if (rc)
        return rc;
    if (args[0]->type.id != TN_T_LIST) {
        char tb[256];
        rc = sq_bind_error(b, TN_ERROR, e->pos, "cannot slice a value of type %s", tname(args[0]->type, tb, sizeof tb));
        ex_expr_free(args[0]);
        return rc;
    }
    for (int k = 0; k < 2; k++) {
        if (!bounds[k]) {
            if (!(args[k + 1] = const_int(k == 0 ? 1 : -1)))
                rc = nomem(b);
        } else if (!(rc = sq_bind_expr(c, bounds[k], &args[k + 1])) && sq_ast_unknown(bounds[k])) {
            rc = sq_adapt_literal(b, &args[k + 1], bounds[k], tn_type_make(TN_T_INT64));
        }
        if (rc) {
            free_all(args, 3);
            return rc;
        }
    }
    return sq_nested_call(c, "list_slice", args, 3, e->pos, out);
}

int sq_bind_nested(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    *out = NULL;
    switch ((sq_expr_kind)e->kind) {
    case SQ_E_ARRAY: {
        ex_expr **xs;
        int rc = bind_all(c, e->args, e->nargs, &xs);
        if (rc)
            return rc;
        rc = list_value(c, xs, e->args, e->nargs, e->pos, out);
        tn_free(xs);
        return rc;
    }
    case SQ_E_STRUCT: return struct_pack(c, e->args, e->names, e->nargs, e->pos, out);
    case SQ_E_MAP: return map_literal(c, e, out);
    case SQ_E_SUBSCRIPT: {
        ex_expr *base;
        int rc = sq_bind_expr(c, e->args[0], &base);
        return rc ? rc : subscript(c, base, e->args[1], e->pos, out);
    }
    case SQ_E_SLICE: return slice(c, e, out);
    case SQ_E_FIELD: {
        ex_expr *base;
        int rc = sq_bind_expr(c, e->args[0], &base);
        if (rc)
            return rc;
        if (base->type.id != TN_T_STRUCT) {
            char tb[256];
            rc = sq_bind_error(b, TN_ERROR, e->pos, "cannot extract field \"%s\" from a value of type %s", e->str,
                               tname(base->type, tb, sizeof tb));
            ex_expr_free(base);
            return rc;
        }
        return struct_field(b, base, e->str, e->pos, out);
    }
    default: break;
    }
    return sq_bind_error(b, TN_ERROR, e->pos, "unsupported nested expression");
}

/* ======================= s.f on a STRUCT column ======================= */

int sq_bind_struct_column(sq_bctx *c, const sq_expr *e, bool *handled, ex_expr **out)
{
    *handled = false;
    const sq_scope *sc = c->scope;
    if (!e->qual || !sc)
        return TN_OK;
    /* a table of that name wins */
    for (uint32_t i = 0; i < sc->ncols; i++) {
        const char *q = sc->cols[i].qual;
        if (q && (e->qual_quoted ? strcmp(q, e->qual) == 0 : strcasecmp(q, e->qual) == 0))
            return TN_OK;
    }
    /* the STRUCT column named like the qualifier: an exact match, else a unique
     * case-insensitive one (unless the qualifier was quoted) */
    int exact = -1, ci = -1, nci = 0;
    for (uint32_t i = 0; i < sc->ncols; i++) {
        const char *n = sc->cols[i].name;
        if (exact < 0 && strcmp(n, e->qual) == 0)
            exact = (int)i;
        if (!e->qual_quoted && strcasecmp(n, e->qual) == 0) {
            if (ci < 0)
                ci = (int)i;
            nci++;
        }
    }
    int found = exact >= 0 ? exact : ci;
    if (found < 0 || sc->cols[found].type.id != TN_T_STRUCT)
        return TN_OK;
    *handled = true;
    if (exact < 0 && nci > 1)
        return sq_bind_error(c->b, TN_ERROR, e->pos, "column reference \"%s\" is ambiguous", e->qual);
    ex_expr *base = ex_expr_colref((uint32_t)found, sc->cols[found].type);
    if (!base || !(base->alias = tn_strdup(sc->cols[found].name))) {
        ex_expr_free(base);
        return nomem(c->b);
    }
    return struct_field(c->b, base, e->str, e->pos, out);
}

/* ======================= IN ======================= */

int sq_nested_in(sq_bctx *c, ex_expr **xs, uint32_t n, bool negated, uint32_t pos, ex_expr **out)
{
    sq_binder *b = c->b;
    ex_expr *any = ex_expr_new(EX_OR, tn_type_make(TN_T_BOOL));
    int rc = TN_OK;
    if (!any) {
        free_all(xs, n);
        return nomem(b);
    }
    for (uint32_t i = 1; i < n && !rc; i++) {
        ex_expr *args[2] = {ex_expr_copy(xs[0]), xs[i]};
        xs[i] = NULL;
        if (!args[0]) {
            ex_expr_free(args[1]);
            rc = nomem(b);
            break;
        }
        ex_expr *eq;
        if ((rc = sq_nested_call(c, "=", args, 2, pos, &eq)))
            break;
        if (ex_expr_add_arg(any, eq) != TN_OK)
            rc = nomem(b);
    }
    free_all(xs, n);
    if (rc) {
        ex_expr_free(any);
        return rc;
    }
    if (negated) {
        ex_expr *nt = ex_expr_new(EX_NOT, tn_type_make(TN_T_BOOL));
        if (!nt || ex_expr_add_arg(nt, any) != TN_OK) {
            if (!nt)
                ex_expr_free(any);
            ex_expr_free(nt);
            return nomem(b);
        }
        any = nt;
    }
    *out = any;
    return TN_OK;
}

/* ======================= functions ======================= */

bool sq_nested_func(const char *name)
{
    static const char *const names[] = {"list_value", "list_pack", "struct_pack", "unnest", "struct_extract", "typeof"};
    for (size_t i = 0; i < TN_ARRAY_LEN(names); i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

static int bind_unnest(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    if (!c->allow_unnest)
        return sq_bind_error(b, TN_ERROR, e->pos, "UNNEST is not supported here (only in the select list and in FROM)");
    if (c->in_unnest)
        return sq_bind_error(b, TN_NOTSUP, e->pos, "nested UNNEST calls are not supported");
    if (c->in_agg)
        return sq_bind_error(b, TN_ERROR, e->pos, "UNNEST is not allowed inside an aggregate");
    if (e->nargs != 1 || e->names)
        return sq_bind_error(b, TN_ERROR, e->pos, "unnest expects exactly one list argument");
    ex_expr *x;
    c->in_unnest = true;
    int rc = sq_bind_expr(c, e->args[0], &x);
    c->in_unnest = false;
    if (rc)
        return rc;
    if (x->type.id != TN_T_LIST && x->type.id != TN_T_MAP) {
        char tb[256];
        rc = sq_bind_error(b, TN_ERROR, e->pos, "unnest expects a LIST or MAP argument, not %s",
                           tname(x->type, tb, sizeof tb));
        ex_expr_free(x);
        return rc;
    }
    tn_type et = tn_type_list_child(x->type);
    if (c->nunnests == c->cap_unnests) {
        uint32_t nc = c->cap_unnests ? c->cap_unnests * 2 : 4;
        ex_expr **nu = tn_realloc(c->unnests, nc * sizeof *nu);
        if (!nu) {
            ex_expr_free(x);
            return nomem(b);
        }
        c->unnests = nu;
        c->cap_unnests = nc;
    }
    ex_expr *r = ex_expr_colref(SQ_UNNEST_REF_BASE + c->nunnests, et);
    if (!r || et.id == TN_T_INVALID) {
        ex_expr_free(x);
        ex_expr_free(r);
        return nomem(b);
    }
    c->unnests[c->nunnests++] = x;
    tn_sbuf sb = TN_SBUF_INIT;
    sq_expr_render(e, &sb);
    r->alias = tn_sbuf_take(&sb); /* display only */
    *out = r;
    return TN_OK;
}

int sq_bind_nested_func(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    const char *name = e->str;
    if (strcmp(name, "unnest") == 0)
        return bind_unnest(c, e, out);
    if (strcmp(name, "struct_pack") == 0)
        return struct_pack(c, e->args, e->names, e->nargs, e->pos, out);
    if (e->names)
        return sq_bind_error(b, TN_ERROR, e->pos, "function %s does not accept named arguments", name);
    if (strcmp(name, "typeof") == 0) { /* the argument's type name, a constant (DuckDB) */
        if (e->nargs != 1)
            return sq_bind_error(b, TN_ERROR, e->pos, "typeof expects one argument");
        ex_expr *x;
        int rc = sq_bind_expr(c, e->args[0], &x);
        if (rc)
            return rc;
        char tb[1024];
        tn_type_name(x->type, tb, sizeof tb);
        ex_expr_free(x);
        return (*out = const_string(tb)) ? TN_OK : nomem(b);
    }
    if (strcmp(name, "struct_extract") == 0) {
        if (e->nargs != 2)
            return sq_bind_error(b, TN_ERROR, e->pos, "struct_extract expects a struct and a field name");
        ex_expr *base;
        int rc = sq_bind_expr(c, e->args[0], &base);
        if (rc)
            return rc;
        if (base->type.id != TN_T_STRUCT) {
            char tb[256];
            rc = sq_bind_error(b, TN_ERROR, e->pos, "struct_extract expects a STRUCT, not %s",
                               tname(base->type, tb, sizeof tb));
            ex_expr_free(base);
            return rc;
        }
        return subscript(c, base, e->args[1], e->pos, out);
    }
    /* list_value / list_pack */
    ex_expr **xs;
    int rc = bind_all(c, e->args, e->nargs, &xs);
    if (rc)
        return rc;
    rc = list_value(c, xs, e->args, e->nargs, e->pos, out);
    tn_free(xs);
    return rc;
}
