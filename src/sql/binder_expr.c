/*
 * binder_expr.c -- binding of expressions: name resolution against a scope, literal typing,
 * operator/function resolution with PostgreSQL-style implicit casts (through exec's
 * ex_func_resolve / ex_common_type / ex_cast_value), aggregate collection, and the rewrites of
 * SQL forms that have no executor node of their own:
 *   x BETWEEN a AND b        -> x >= a AND x <= b          (NOT: x < a OR x > b)
 *   x IS [NOT] TRUE/FALSE    -> COALESCE(x, false) / NOT COALESCE(x, false) / ...
 *   a IS DISTINCT FROM b     -> CASE WHEN a IS NULL THEN b IS NOT NULL WHEN b IS NULL THEN true
 *                               ELSE a <> b END
 *   CASE x WHEN v ...        -> CASE WHEN x = v ...
 *   NULLIF(a, b)             -> CASE WHEN a = b THEN NULL ELSE a END
 *   x NOT LIKE p             -> NOT (x ~~ p)
 *
 * Literal types (DuckDB/PostgreSQL): integers are INTEGER if they fit, else BIGINT, else HUGEINT,
 * else DOUBLE; 1.5 is DECIMAL(p,s) with p = every digit written (leading zeros included, as DuckDB)
 * and s = the digits after the point (DOUBLE beyond 38 digits);
 * 1e3 is DOUBLE. A string literal has PostgreSQL's "unknown" type: next to a typed operand of an
 * operator, IN list, BETWEEN, CASE or COALESCE it is converted to that type at bind time
 * (d = '2024-01-01' compares dates), otherwise it is VARCHAR.
 *
 * Aggregates met while binding (in clauses that allow them) are appended to the context's list
 * and replaced by EX_COLREF(SQ_AGG_REF_BASE + i); binder.c maps them onto the aggregate's output.
 *
 * Nested values (LIST/STRUCT/MAP) are bound by binder_nested.c; the hooks here route to it the
 * nested syntax, calls with nested arguments (comparisons, len(list), ...), casts from/to nested
 * types, x IN (...) over nested values, and s.f where s is a STRUCT column rather than a table.
 */
#include "sql_int.h"
#include "token.h"
#include "../exec/nested.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ======================= errors ======================= */

int sq_bind_error(sq_binder *b, int code, uint32_t pos, const char *fmt, ...)
{
    char msg[TN_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sq_error_at(b->err, code, b->sql, pos, "%s", msg);
}

/* Add the position of `pos` to an error an exec function reported in b->err. */
static int wrap_err(sq_binder *b, int rc, uint32_t pos)
{
    if (rc == TN_NOMEM || !b->err)
        return rc;
    char msg[TN_ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "%s", b->err->msg);
    return sq_error_at(b->err, rc, b->sql, pos, "%s", msg);
}

static int nomem(sq_binder *b)
{
    return tn_err_set(b->err, TN_NOMEM, "out of memory binding SQL");
}

static const char *tname(tn_type t, char *buf, size_t cap)
{
    return tn_type_name(t, buf, cap);
}

/* ======================= small builders ======================= */

ex_expr *sq_cast(ex_expr *e, tn_type to, bool try_cast)
{
    if (!e)
        return NULL;
    if (tn_type_equal(e->type, to) && e->type.flags == to.flags)
        return e;
    if (tn_type_is_nested(e->type) || tn_type_is_nested(to))
        return sq_nested_cast(e, to, try_cast);
    if (e->kind == EX_CONST) {
        tn_value nv;
        tn_err tmp = TN_ERR_INIT;
        memset(&nv, 0, sizeof nv);
        if (ex_cast_value(&e->value, to, &nv, &tmp) == TN_OK) {
            nv.type = to;
            ex_expr *c = ex_expr_const(&nv);
            tn_value_free(&nv);
            if (c) {
                c->alias = e->alias;
                e->alias = NULL;
            }
            ex_expr_free(e);
            return c;
        }
    }
    ex_expr *c = ex_expr_new(EX_CAST, to);
    if (!c) {
        ex_expr_free(e);
        return NULL;
    }
    c->flag = try_cast;
    if (ex_expr_add_arg(c, e) != TN_OK) {
        ex_expr_free(c);
        return NULL;
    }
    return c;
}

static ex_expr *mk_node(ex_expr_kind kind, tn_type type, ex_expr *a0, ex_expr *a1)
{
    ex_expr *e = ex_expr_new(kind, type);
    if (!e) {
        ex_expr_free(a0);
        ex_expr_free(a1);
        return NULL;
    }
    if (a0 && ex_expr_add_arg(e, a0) != TN_OK) {
        ex_expr_free(a1);
        ex_expr_free(e);
        return NULL;
    }
    if (a1 && ex_expr_add_arg(e, a1) != TN_OK) {
        ex_expr_free(e);
        return NULL;
    }
    return e;
}

static ex_expr *mk_bool(bool v)
{
    tn_value b = tn_value_bool(v);
    return ex_expr_const(&b);
}

static ex_expr *mk_not(ex_expr *e)
{
    return e ? mk_node(EX_NOT, tn_type_make(TN_T_BOOL), e, NULL) : NULL;
}

static ex_expr *mk_is_null(ex_expr *e, bool is_not)
{
    if (!e)
        return NULL;
    ex_expr *r = mk_node(EX_IS_NULL, tn_type_make(TN_T_BOOL), e, NULL);
    if (r)
        r->flag = is_not;
    return r;
}

static ex_expr *mk_null(tn_type t)
{
    tn_value v = tn_value_null(t);
    return ex_expr_const(&v);
}

/* ======================= values ======================= */

bool sq_value_equal(const tn_value *a, const tn_value *b)
{
    if (a->is_null || b->is_null)
        return a->is_null == b->is_null;
    if (!tn_type_equal(a->type, b->type))
        return false;
    switch ((tn_type_id)a->type.id) {
    case TN_T_BOOL: return a->v.b == b->v.b;
    case TN_T_UINT8:
    case TN_T_UINT16:
    case TN_T_UINT32:
    case TN_T_UINT64: return a->v.u64 == b->v.u64;
    case TN_T_INT128: return a->v.i128 == b->v.i128;
    case TN_T_DECIMAL: return tn_decimal_is_small(a->type) ? a->v.i64 == b->v.i64 : a->v.i128 == b->v.i128;
    case TN_T_FLOAT:
    case TN_T_DOUBLE: return memcmp(&a->v.f64, &b->v.f64, sizeof(double)) == 0;
    case TN_T_INTERVAL:
        return a->v.iv.months == b->v.iv.months && a->v.iv.days == b->v.iv.days && a->v.iv.micros == b->v.iv.micros;
    case TN_T_UUID: return memcmp(a->v.uuid, b->v.uuid, 16) == 0;
    case TN_T_VARCHAR:
    case TN_T_BLOB:
        return a->v.str.len == b->v.str.len && (a->v.str.len == 0 || memcmp(a->v.str.ptr, b->v.str.ptr, a->v.str.len) == 0);
    case TN_T_NULL: return true;
    default: return a->v.i64 == b->v.i64;
    }
}

bool sq_expr_equal(const ex_expr *a, const ex_expr *b)
{
    /* loops down the first arguments (long operator chains), recurses on the others */
    for (;;) {
        if (a == b)
            return true;
        if (!a || !b)
            return false;
        if (a->kind != b->kind || !tn_type_equal(a->type, b->type) || a->flag != b->flag || a->nargs != b->nargs)
            return false;
        switch (a->kind) {
        case EX_CONST:
            if (!sq_value_equal(&a->value, &b->value))
                return false;
            break;
        case EX_COLREF:
            if (a->col != b->col)
                return false;
            break;
        case EX_FUNC:
            if (a->fn != b->fn)
                return false;
            break;
        default: break;
        }
        for (uint32_t i = 1; i < a->nargs; i++)
            if (!sq_expr_equal(a->args[i], b->args[i]))
                return false;
        if (!a->nargs)
            return true;
        a = a->args[0];
        b = b->args[0];
    }
}

/* ======================= literals ======================= */

static bool ast_unknown(const sq_expr *e)
{
    return e && e->kind == SQ_E_CONST && e->lit == SQ_LIT_STRING;
}

static int make_const(sq_binder *b, tn_value *v, ex_expr **out)
{
    *out = ex_expr_const(v);
    tn_value_free(v);
    return *out ? TN_OK : nomem(b);
}

static int bind_double_literal(sq_binder *b, const sq_expr *e, ex_expr **out)
{
    double d = strtod(e->str, NULL);
    if (!isfinite(d))
        return sq_bind_error(b, TN_RANGE, e->pos, "numeric literal \"%.40s%s\" is out of range for type DOUBLE", e->str,
                             strlen(e->str) > 40 ? "..." : "");
    tn_value v = tn_value_double(d);
    return make_const(b, &v, out);
}

static int bind_integer_literal(sq_binder *b, const sq_expr *e, ex_expr **out)
{
    const char *s = e->str;
    bool neg = s[0] == '-';
    const char *d = s + (neg ? 1 : 0);
    tn_u128 v = 0;
    const tn_u128 lim = ((tn_u128)1 << 127); /* |INT128_MIN| */
    for (; *d; d++) {
        unsigned dig = (unsigned)(*d - '0');
        if (v > (lim - dig) / 10) /* would exceed 2^127 */
            return bind_double_literal(b, e, out);
        v = v * 10 + dig;
    }
    tn_value val;
    memset(&val, 0, sizeof val);
    if (neg) {
        if (v <= ((tn_u128)1 << 31))
            val = tn_value_int(tn_type_make(TN_T_INT32), (int64_t)(0 - (uint64_t)v));
        else if (v <= ((tn_u128)1 << 63))
            val = tn_value_int(tn_type_make(TN_T_INT64), (int64_t)(0 - (uint64_t)v));
        else {
            val.type = tn_type_make(TN_T_INT128);
            val.v.i128 = (tn_i128)(0 - v);
        }
    } else {
        if (v <= INT32_MAX)
            val = tn_value_int(tn_type_make(TN_T_INT32), (int64_t)v);
        else if (v <= INT64_MAX)
            val = tn_value_int(tn_type_make(TN_T_INT64), (int64_t)v);
        else if (v < lim) {
            val.type = tn_type_make(TN_T_INT128);
            val.v.i128 = (tn_i128)v;
        } else {
            return bind_double_literal(b, e, out);
        }
    }
    return make_const(b, &val, out);
}

static int bind_decimal_literal(sq_binder *b, const sq_expr *e, ex_expr **out)
{
    const char *s = e->str;
    bool neg = s[0] == '-';
    /* DuckDB counts every digit as written: 0.000001 is DECIMAL(7,6), .34 is DECIMAL(2,2) */
    const char *p = s + (neg ? 1 : 0);
    int nint = 0, nfrac = 0;
    tn_i128 v = 0;
    const char *q = p;
    for (; *q && *q != '.'; q++)
        nint++;
    if (*q == '.')
        q++;
    for (const char *f = q; *f; f++)
        nfrac++;
    int prec = nint + nfrac;
    if (prec < 1)
        prec = 1;
    if (prec > 38)
        return bind_double_literal(b, e, out);
    for (const char *c = p; *c; c++)
        if (*c != '.')
            v = v * 10 + (*c - '0');
    if (neg)
        v = -v;
    tn_value val;
    memset(&val, 0, sizeof val);
    val.type = tn_type_decimal(prec, nfrac);
    if (tn_decimal_is_small(val.type))
        val.v.i64 = (int64_t)v;
    else
        val.v.i128 = v;
    return make_const(b, &val, out);
}

static int bind_literal(sq_binder *b, const sq_expr *e, ex_expr **out)
{
    tn_value v;
    switch ((sq_lit_kind)e->lit) {
    case SQ_LIT_INTEGER: return bind_integer_literal(b, e, out);
    case SQ_LIT_DECIMAL: return bind_decimal_literal(b, e, out);
    case SQ_LIT_FLOAT: return bind_double_literal(b, e, out);
    case SQ_LIT_STRING:
        memset(&v, 0, sizeof v);
        if (tn_value_set_string(&v, tn_type_make(TN_T_VARCHAR), e->str, e->slen) != TN_OK)
            return nomem(b);
        return make_const(b, &v, out);
    case SQ_LIT_TRUE:
    case SQ_LIT_FALSE:
        v = tn_value_bool(e->lit == SQ_LIT_TRUE);
        return make_const(b, &v, out);
    case SQ_LIT_NULL:
        v = tn_value_null(tn_type_make(TN_T_NULL));
        return make_const(b, &v, out);
    }
    return sq_bind_error(b, TN_ERROR, e->pos, "unknown literal");
}

/* Convert the bound constant *e (from the literal at ast) to type `to` now; errors point at it. */
static int adapt_literal(sq_binder *b, ex_expr **e, const sq_expr *ast, tn_type to)
{
    if (tn_type_equal((*e)->type, to) || to.id == TN_T_NULL)
        return TN_OK;
    tn_value nv;
    memset(&nv, 0, sizeof nv);
    int rc = ex_cast_value(&(*e)->value, to, &nv, b->err);
    if (rc)
        return wrap_err(b, rc, ast->pos);
    nv.type = to;
    ex_expr_free(*e);
    return make_const(b, &nv, e);
}

bool sq_ast_unknown(const sq_expr *ast) { return ast_unknown(ast); }

int sq_adapt_literal(sq_binder *b, ex_expr **e, const sq_expr *ast, tn_type to)
{
    return adapt_literal(b, e, ast, to);
}

static int bind_typed_literal(sq_binder *b, const sq_expr *e, ex_expr **out)
{
    tn_value s, v;
    memset(&s, 0, sizeof s);
    memset(&v, 0, sizeof v);
    if (tn_value_set_string(&s, tn_type_make(TN_T_VARCHAR), e->str, e->slen) != TN_OK)
        return nomem(b);
    int rc = ex_cast_value(&s, e->type, &v, b->err);
    tn_value_free(&s);
    if (rc)
        return wrap_err(b, rc, e->pos);
    v.type = e->type;
    return make_const(b, &v, out);
}

/* ======================= columns ======================= */

static bool name_eq(const char *a, const char *b, bool exact)
{
    return exact ? strcmp(a, b) == 0 : strcasecmp(a, b) == 0;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t tmp = row[j];
            char ca = a[i - 1], cb = b[j - 1];
            if (ca >= 'A' && ca <= 'Z')
                ca = (char)(ca + 32);
            if (cb >= 'A' && cb <= 'Z')
                cb = (char)(cb + 32);
            size_t cost = ca == cb ? 0 : 1;
            size_t best = prev + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = tmp;
        }
    }
    return row[lb];
}

static int column_not_found(sq_bctx *c, const sq_expr *e)
{
    const sq_scope *sc = c->scope;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (uint32_t i = 0; sc && i < sc->ncols; i++) {
        size_t d = edit_distance(e->str, sc->cols[i].name);
        size_t lim = strlen(e->str) / 3 + 1;
        if (lim < 2)
            lim = 2;
        if (d <= lim && d < best_d) {
            best_d = d;
            best = sc->cols[i].name;
        }
    }
    char hint[256] = "";
    if (best)
        snprintf(hint, sizeof hint, "\nHINT: Perhaps you meant to reference the column \"%.200s\".", best);
    int rc;
    if (e->qual)
        rc = sq_bind_error(c->b, TN_NOTFOUND, e->pos, "column %.200s.%.200s does not exist", e->qual, e->str);
    else
        rc = sq_bind_error(c->b, TN_NOTFOUND, e->pos, "column \"%.200s\" does not exist", e->str);
    if (best && c->b->err && strlen(c->b->err->msg) + strlen(hint) < TN_ERR_MSG_MAX)
        strcat(c->b->err->msg, hint);
    return rc;
}

/* Resolve a column reference to a scope index. */
static int resolve_column(sq_bctx *c, const sq_expr *e, uint32_t *idx)
{
    const sq_scope *sc = c->scope;
    uint32_t found = UINT32_MAX, nfound = 0, nexact = 0, exact = UINT32_MAX;
    bool qual_seen = false;
    for (uint32_t i = 0; sc && i < sc->ncols; i++) {
        const sq_col *col = &sc->cols[i];
        if (e->qual) {
            if (!col->qual || !name_eq(col->qual, e->qual, e->qual_quoted))
                continue;
            qual_seen = true;
        }
        if (!name_eq(col->name, e->str, e->quoted))
            continue;
        nfound++;
        found = i;
        if (strcmp(col->name, e->str) == 0) {
            nexact++;
            exact = i;
        }
    }
    if (nfound == 0) {
        if (e->qual && !qual_seen)
            return sq_bind_error(c->b, TN_NOTFOUND, e->pos, "missing FROM-clause entry for table \"%.200s\"", e->qual);
        return column_not_found(c, e);
    }
    if (nfound > 1) {
        if (nexact == 1) {
            *idx = exact;
            return TN_OK;
        }
        return sq_bind_error(c->b, TN_ERROR, e->pos, "column reference \"%.200s\" is ambiguous", e->str);
    }
    *idx = found;
    return TN_OK;
}

static int bind_column(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    uint32_t idx = 0;
    bool handled = false;
    int rc = sq_bind_struct_column(c, e, &handled, out);
    if (handled || rc)
        return rc;
    rc = resolve_column(c, e, &idx);
    if (rc)
        return rc;
    ex_expr *r = ex_expr_colref(idx, c->scope->cols[idx].type);
    if (!r)
        return nomem(c->b);
    r->alias = tn_strdup(c->scope->cols[idx].name);
    if (!r->alias) {
        ex_expr_free(r);
        return nomem(c->b);
    }
    *out = r;
    return TN_OK;
}

/* ======================= functions and operators ======================= */

static const char *op_name(int op)
{
    switch (op) {
    case SQ_OP_EQ: return "=";
    case SQ_OP_NE: return "<>";
    case SQ_OP_LT: return "<";
    case SQ_OP_LE: return "<=";
    case SQ_OP_GT: return ">";
    case SQ_OP_GE: return ">=";
    case SQ_OP_CONCAT: return "||";
    case SQ_OP_ADD: return "+";
    case SQ_OP_SUB: return "-";
    case SQ_OP_MUL: return "*";
    case SQ_OP_DIV: return "/";
    case SQ_OP_MOD: return "%";
    case SQ_OP_NEG: return "neg";
    default: return "?";
    }
}

/* Synonyms tried when a function name is unknown to the catalog. */
static const char *const fn_synonyms[][4] = {
    {"substring", "substr", NULL, NULL},   {"strpos", "instr", "position", NULL},
    {"date_part", "datepart", NULL, NULL}, {"lower", "lcase", NULL, NULL},
    {"upper", "ucase", NULL, NULL},        {"length", "char_length", "character_length", "len"},
    {"ceil", "ceiling", NULL, NULL},       {"power", "pow", NULL, NULL},
    {"trunc", "truncate", NULL, NULL},     {"ln", "log", NULL, NULL},
};

static int resolve_with_synonyms(const char *name, const tn_type *types, uint32_t n, const ex_func **fn,
                                 tn_type *cast_to, tn_err *err)
{
    int rc = ex_func_resolve(name, types, n, fn, cast_to, err);
    if (rc != TN_NOTFOUND)
        return rc;
    for (size_t g = 0; g < TN_ARRAY_LEN(fn_synonyms); g++) {
        bool in = false;
        for (int k = 0; k < 4 && fn_synonyms[g][k]; k++)
            if (strcasecmp(fn_synonyms[g][k], name) == 0)
                in = true;
        if (!in)
            continue;
        for (int k = 0; k < 4 && fn_synonyms[g][k]; k++) {
            if (strcasecmp(fn_synonyms[g][k], name) == 0)
                continue;
            tn_err tmp = TN_ERR_INIT;
            if (ex_func_resolve(fn_synonyms[g][k], types, n, fn, cast_to, &tmp) == TN_OK)
                return TN_OK;
        }
    }
    return rc;
}

/* Resolve and build name(args); consumes args[0..n). `op` != 0 for operators (messages). */
static int call_function(sq_bctx *c, const char *name, int op, ex_expr **args, uint32_t n, uint32_t pos,
                         ex_expr **out)
{
    sq_binder *b = c->b;
    tn_type types[64], cast_to[64];
    tn_type *tp = types, *cp = cast_to;
    int rc = TN_OK;
    ex_expr *e = NULL;
    if (sq_nested_call_applies(name, args, n)) {
        if (op && op != SQ_OP_EQ && op != SQ_OP_NE && op != SQ_OP_LT && op != SQ_OP_LE && op != SQ_OP_GT &&
            op != SQ_OP_GE && op != SQ_OP_CONCAT) {
            char t1[256], t2[256];
            rc = n == 2 ? sq_bind_error(b, TN_ERROR, pos, "operator does not exist: %s %s %s",
                                        tname(args[0]->type, t1, sizeof t1), name, tname(args[1]->type, t2, sizeof t2))
                        : sq_bind_error(b, TN_ERROR, pos, "operator does not exist: - %s",
                                        tname(args[0]->type, t1, sizeof t1));
            for (uint32_t i = 0; i < n; i++)
                ex_expr_free(args[i]);
            return rc;
        }
        return sq_nested_call(c, op == SQ_OP_CONCAT ? "list_concat" : name, args, n, pos, out);
    }
    if (n > 64) {
        tp = tn_malloc(n * sizeof *tp);
        cp = tn_malloc(n * sizeof *cp);
        if (!tp || !cp) {
            rc = nomem(b);
            goto done;
        }
    }
    for (uint32_t i = 0; i < n; i++)
        tp[i] = args[i]->type;
    const ex_func *fn = NULL;
    rc = resolve_with_synonyms(name, tp, n, &fn, cp, b->err);
    if (rc) {
        if (rc == TN_NOMEM)
            goto done;
        char t1[64], t2[64];
        if (op && n == 2)
            rc = sq_bind_error(b, TN_ERROR, pos, "operator does not exist: %s %s %s", tname(tp[0], t1, sizeof t1),
                               op == SQ_OP_NE ? "<>" : name, tname(tp[1], t2, sizeof t2));
        else if (op && n == 1)
            rc = sq_bind_error(b, TN_ERROR, pos, "operator does not exist: - %s", tname(tp[0], t1, sizeof t1));
        else
            rc = wrap_err(b, rc, pos);
        goto done;
    }
    e = ex_expr_new(EX_FUNC, fn->ret);
    if (!e) {
        rc = nomem(b);
        goto done;
    }
    e->fn = fn;
    for (uint32_t i = 0; i < n; i++) {
        ex_expr *a = sq_cast(args[i], cp[i], false);
        args[i] = NULL;
        if (!a || ex_expr_add_arg(e, a) != TN_OK) {
            for (uint32_t j = i + 1; j < n; j++) {
                ex_expr_free(args[j]);
                args[j] = NULL;
            }
            rc = nomem(b);
            goto done;
        }
    }
    /* result types that depend on constant arguments, e.g. round(DECIMAL, 2) -> scale 2 */
    e->fn = ex_func_specialize(fn, e->args, e->nargs);
    e->type = e->fn->ret;
    *out = e;
    e = NULL;
done:
    for (uint32_t i = 0; i < n; i++)
        ex_expr_free(args[i]);
    ex_expr_free(e);
    if (tp != types)
        tn_free(tp);
    if (cp != cast_to)
        tn_free(cp);
    return rc;
}

/* Convert an untyped string literal on one side of a binary operator to the other side's type. */
static int adapt_pair(sq_binder *b, ex_expr **l, const sq_expr *la, ex_expr **r, const sq_expr *ra)
{
    bool lu = ast_unknown(la), ru = ast_unknown(ra);
    if (lu && !ru && (*r)->type.id != TN_T_VARCHAR && (*r)->type.id != TN_T_NULL)
        return adapt_literal(b, l, la, (*r)->type);
    if (ru && !lu && (*l)->type.id != TN_T_VARCHAR && (*l)->type.id != TN_T_NULL)
        return adapt_literal(b, r, ra, (*l)->type);
    return TN_OK;
}

/* Comparison/arithmetic on already bound operands (consumed). */
static int binary_op(sq_bctx *c, int op, ex_expr *l, const sq_expr *la, ex_expr *r, const sq_expr *ra, uint32_t pos,
                     ex_expr **out)
{
    int rc = TN_OK;
    if (op != SQ_OP_CONCAT)
        rc = adapt_pair(c->b, &l, la, &r, ra);
    if (rc) {
        ex_expr_free(l);
        ex_expr_free(r);
        return rc;
    }
    ex_expr *args[2] = {l, r};
    return call_function(c, op_name(op), op, args, 2, pos, out);
}

/* Bring exprs to one common type (string literals adapt). asts may be NULL entries. */
int sq_unify(sq_bctx *c, ex_expr **exprs, const sq_expr *const *asts, uint32_t n, const char *what,
                 tn_type *out_type)
{
    sq_binder *b = c->b;
    tn_type t = tn_type_make(TN_T_NULL);
    bool have = false, any_unknown = false;
    for (uint32_t i = 0; i < n; i++) {
        if (asts[i] && ast_unknown(asts[i])) {
            any_unknown = true;
            continue;
        }
        tn_type ti = exprs[i]->type;
        if (ti.id == TN_T_NULL)
            continue;
        if (!have) {
            t = ti;
            have = true;
            continue;
        }
        int rc = ex_nested_common_type(t, ti, &t, b->err);
        if (rc) {
            char t1[256], t2[256];
            if (rc == TN_NOMEM)
                return rc;
            return sq_bind_error(b, TN_ERROR, asts[i] ? asts[i]->pos : 0, "%s types %s and %s cannot be matched", what,
                                 tname(t, t1, sizeof t1), tname(ti, t2, sizeof t2));
        }
    }
    if (!have && any_unknown)
        t = tn_type_make(TN_T_VARCHAR);
    for (uint32_t i = 0; i < n; i++) {
        if (asts[i] && ast_unknown(asts[i])) {
            int rc = adapt_literal(b, &exprs[i], asts[i], t);
            if (rc)
                return rc;
            continue;
        }
        exprs[i] = sq_cast(exprs[i], t, false);
        if (!exprs[i])
            return nomem(b);
    }
    *out_type = t;
    return TN_OK;
}

/* ======================= boolean contexts ======================= */

static int to_bool(sq_bctx *c, ex_expr **e, const sq_expr *ast, const char *what)
{
    tn_type t = (*e)->type;
    if (t.id == TN_T_BOOL)
        return TN_OK;
    if (ast_unknown(ast))
        return adapt_literal(c->b, e, ast, tn_type_make(TN_T_BOOL));
    if (t.id == TN_T_NULL) {
        *e = sq_cast(*e, tn_type_make(TN_T_BOOL), false);
        return *e ? TN_OK : nomem(c->b);
    }
    char tb[64];
    return sq_bind_error(c->b, TN_ERROR, ast->pos, "argument of %s must be type boolean, not type %s", what,
                         tname(t, tb, sizeof tb));
}

static int bind_bool(sq_bctx *c, const sq_expr *ast, const char *what, ex_expr **out)
{
    ex_expr *e = NULL;
    int rc = sq_bind_expr(c, ast, &e);
    if (!rc)
        rc = to_bool(c, &e, ast, what);
    if (rc) {
        ex_expr_free(e);
        return rc;
    }
    *out = e;
    return TN_OK;
}

int sq_bind_condition(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    return bind_bool(c, e, c->clause, out);
}

/* The left spine of a left-leaning chain of binary nodes accepted by `in` (a + b + c parses as
 * ((a + b) + c)): spine[0] = e, spine[i+1] = spine[i]->args[0], *n nodes. *spine is `small` when
 * the chain fits, else tn_malloc'd (the caller frees it when it differs from small). Chains
 * thousands of operators long are bound with this loop instead of one recursion per operator. */
static int chain_spine(sq_binder *b, const sq_expr *e, bool (*in)(const sq_expr *, int), int op,
                       const sq_expr **small, uint32_t nsmall, const sq_expr ***spine, uint32_t *n)
{
    uint32_t k = 0;
    for (const sq_expr *x = e; in(x, op); x = x->args[0])
        k++;
    const sq_expr **sp = small;
    if (k > nsmall && !(sp = tn_malloc((size_t)k * sizeof *sp)))
        return nomem(b);
    k = 0;
    for (const sq_expr *x = e; in(x, op); x = x->args[0])
        sp[k++] = x;
    *spine = sp;
    *n = k;
    return TN_OK;
}

static bool is_conj(const sq_expr *x, int op) { return x->kind == SQ_E_BINARY && x->op == op && x->nargs == 2; }

/* AND/OR chains become one n-ary node (operands in written order). */
static int collect_conj(sq_bctx *c, const sq_expr *e, int op, ex_expr *node)
{
    const sq_expr *small[32], **spine = small;
    uint32_t n = 0;
    int rc = chain_spine(c->b, e, is_conj, op, small, 32, &spine, &n);
    if (rc)
        return rc;
    /* operands: the leftmost one, then the right operand of each node from the bottom up; a
     * right operand that is itself a chain of op (parenthesised) is flattened recursively */
    for (uint32_t i = n; i-- > 0 && !rc;) {
        for (uint32_t side = (i == n - 1 ? 0 : 1); side < 2 && !rc; side++) {
            const sq_expr *a = spine[i]->args[side];
            if (is_conj(a, op)) {
                rc = collect_conj(c, a, op, node);
                continue;
            }
            ex_expr *x;
            if ((rc = bind_bool(c, a, op == SQ_OP_AND ? "AND" : "OR", &x)))
                break;
            if (ex_expr_add_arg(node, x) != TN_OK)
                rc = nomem(c->b);
        }
    }
    if (spine != small)
        tn_free((void *)spine);
    return rc;
}

/* ======================= compound forms ======================= */

static int bind_pair(sq_bctx *c, const sq_expr *a, const sq_expr *b, ex_expr **ea, ex_expr **eb)
{
    *ea = *eb = NULL;
    int rc = sq_bind_expr(c, a, ea);
    if (!rc)
        rc = sq_bind_expr(c, b, eb);
    if (rc) {
        ex_expr_free(*ea);
        ex_expr_free(*eb);
        *ea = *eb = NULL;
    }
    return rc;
}

static int bind_is(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    ex_expr *x = NULL, *y = NULL, *r = NULL;
    int rc;
    tn_type tb = tn_type_make(TN_T_BOOL);
    switch (e->is_kind) {
    case SQ_IS_NULL:
        if ((rc = sq_bind_expr(c, e->args[0], &x)))
            return rc;
        r = mk_is_null(x, e->negated);
        break;
    case SQ_IS_TRUE:
    case SQ_IS_FALSE: {
        if ((rc = bind_bool(c, e->args[0], e->is_kind == SQ_IS_TRUE ? "IS TRUE" : "IS FALSE", &x)))
            return rc;
        bool is_true = e->is_kind == SQ_IS_TRUE;
        /* IS TRUE: coalesce(x,false); IS NOT TRUE: not coalesce(x,false);
           IS FALSE: coalesce(not x,false); IS NOT FALSE: coalesce(x,true) */
        if (!is_true && !e->negated)
            x = mk_not(x);
        ex_expr *dflt = mk_bool(!is_true && e->negated);
        if (x && dflt) {
            r = mk_node(EX_COALESCE, tb, x, dflt);
        } else {
            ex_expr_free(x);
            ex_expr_free(dflt);
        }
        if (r && is_true && e->negated)
            r = mk_not(r);
        break;
    }
    default: { /* IS [NOT] DISTINCT FROM */
        if ((rc = bind_pair(c, e->args[0], e->args[1], &x, &y)))
            return rc;
        ex_expr *pair[2] = {x, y};
        const sq_expr *asts[2] = {e->args[0], e->args[1]};
        tn_type t = tn_type_make(TN_T_INVALID);
        if ((rc = sq_unify(c, pair, asts, 2, "IS DISTINCT FROM", &t))) {
            ex_expr_free(pair[0]);
            ex_expr_free(pair[1]);
            return rc;
        }
        x = pair[0];
        y = pair[1];
        if (t.id == TN_T_NULL) {
            x = sq_cast(x, tn_type_make(TN_T_INT32), false);
            y = sq_cast(y, tn_type_make(TN_T_INT32), false);
            if (!x || !y) {
                ex_expr_free(x);
                ex_expr_free(y);
                return nomem(b);
            }
        }
        ex_expr *cmp = NULL;
        ex_expr *args[2] = {ex_expr_copy(x), ex_expr_copy(y)};
        if (!args[0] || !args[1]) {
            ex_expr_free(args[0]);
            ex_expr_free(args[1]);
            ex_expr_free(x);
            ex_expr_free(y);
            return nomem(b);
        }
        if ((rc = call_function(c, e->negated ? "=" : "<>", e->negated ? SQ_OP_EQ : SQ_OP_NE, args, 2, e->pos, &cmp))) {
            ex_expr_free(x);
            ex_expr_free(y);
            return rc;
        }
        ex_expr *ycopy = ex_expr_copy(y);
        r = ex_expr_new(EX_CASE, tb);
        ex_expr *parts[5] = {mk_is_null(x, false), mk_is_null(ycopy, !e->negated), mk_is_null(y, false),
                             mk_bool(!e->negated), cmp};
        bool ok = r != NULL;
        for (int i = 0; i < 5; i++) {
            if (!parts[i]) {
                ok = false;
                continue;
            }
            if (!ok) {
                ex_expr_free(parts[i]);
                continue;
            }
            if (ex_expr_add_arg(r, parts[i]) != TN_OK) /* frees the child */
                ok = false;
        }
        if (!ok) {
            ex_expr_free(r);
            return nomem(b);
        }
        r->flag = true; /* has else */
        break;
    }
    }
    if (!r)
        return nomem(b);
    *out = r;
    return TN_OK;
}

static int bind_between(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    ex_expr *x = NULL, *lo = NULL, *hi = NULL, *x2 = NULL, *p1 = NULL, *p2 = NULL;
    int rc = bind_pair(c, e->args[0], e->args[1], &x, &lo);
    if (rc)
        return rc;
    if ((rc = sq_bind_expr(c, e->args[2], &hi))) {
        ex_expr_free(x);
        ex_expr_free(lo);
        return rc;
    }
    x2 = ex_expr_copy(x);
    if (!x2) {
        ex_expr_free(x);
        ex_expr_free(lo);
        ex_expr_free(hi);
        return nomem(c->b);
    }
    bool neg = e->negated;
    rc = binary_op(c, neg ? SQ_OP_LT : SQ_OP_GE, x, e->args[0], lo, e->args[1], e->pos, &p1);
    if (rc) {
        ex_expr_free(x2);
        ex_expr_free(hi);
        return rc;
    }
    rc = binary_op(c, neg ? SQ_OP_GT : SQ_OP_LE, x2, e->args[0], hi, e->args[2], e->pos, &p2);
    if (rc) {
        ex_expr_free(p1);
        return rc;
    }
    ex_expr *r = mk_node(neg ? EX_OR : EX_AND, tn_type_make(TN_T_BOOL), p1, p2);
    if (!r)
        return nomem(c->b);
    *out = r;
    return TN_OK;
}

static int bind_in(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    uint32_t n = e->nargs;
    ex_expr **xs = tn_calloc(n, sizeof *xs);
    int rc = TN_OK;
    if (!xs)
        return nomem(b);
    for (uint32_t i = 0; i < n && !rc; i++)
        rc = sq_bind_expr(c, e->args[i], &xs[i]);
    tn_type t;
    if (!rc)
        rc = sq_unify(c, xs, (const sq_expr *const *)e->args, n, "IN", &t);
    if (!rc && tn_type_is_nested(t)) {
        rc = sq_nested_in(c, xs, n, e->negated, e->pos, out);
        tn_free(xs);
        return rc;
    }
    ex_expr *r = NULL;
    if (!rc) {
        r = ex_expr_new(EX_IN, tn_type_make(TN_T_BOOL));
        if (!r)
            rc = nomem(b);
    }
    for (uint32_t i = 0; i < n && !rc; i++) {
        rc = ex_expr_add_arg(r, xs[i]) == TN_OK ? TN_OK : nomem(b);
        xs[i] = NULL;
    }
    for (uint32_t i = 0; i < n; i++)
        ex_expr_free(xs[i]);
    tn_free(xs);
    if (rc) {
        ex_expr_free(r);
        return rc;
    }
    r->flag = e->negated;
    *out = r;
    return TN_OK;
}

static int bind_like(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    ex_expr *args[3] = {NULL, NULL, NULL};
    uint32_t n = e->nargs;
    int rc = TN_OK;
    for (uint32_t i = 0; i < n && !rc; i++)
        rc = sq_bind_expr(c, e->args[i], &args[i]);
    if (rc) {
        for (uint32_t i = 0; i < n; i++)
            ex_expr_free(args[i]);
        return rc;
    }
    const char *name = e->ilike ? "~~*" : "~~";
    if (n == 3) {
        tn_type ts[3] = {args[0]->type, args[1]->type, args[2]->type}, ct[3];
        const ex_func *fn;
        tn_err tmp = TN_ERR_INIT;
        name = e->ilike ? "ilike_escape" : "like_escape";
        if (ex_func_resolve(name, ts, 3, &fn, ct, &tmp) == TN_NOTFOUND) {
            for (uint32_t i = 0; i < n; i++)
                ex_expr_free(args[i]);
            return sq_bind_error(c->b, TN_NOTSUP, e->args[2]->pos, "LIKE ... ESCAPE is not supported");
        }
    }
    ex_expr *r;
    if ((rc = call_function(c, name, 0, args, n, e->pos, &r)))
        return rc;
    if (r->type.id != TN_T_BOOL) {
        ex_expr_free(r);
        return sq_bind_error(c->b, TN_ERROR, e->pos, "LIKE did not resolve to a boolean function");
    }
    if (e->negated && !(r = mk_not(r)))
        return nomem(c->b);
    *out = r;
    return TN_OK;
}

static int bind_cast(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    ex_expr *x;
    int rc = sq_bind_expr(c, e->args[0], &x);
    if (rc)
        return rc;
    tn_type to = e->type;
    char t1[256], t2[256];
    if (tn_type_is_nested(x->type) || tn_type_is_nested(to)) {
        if (!ex_nested_cast_allowed(x->type, to, false)) {
            tn_type from = x->type;
            ex_expr_free(x);
            return sq_bind_error(b, TN_ERROR, e->pos, "cannot cast type %s to %s", tname(from, t1, sizeof t1),
                                 tname(to, t2, sizeof t2));
        }
        *out = sq_nested_cast(x, to, e->try_cast);
        return *out ? TN_OK : nomem(b);
    }
    if (x->kind == EX_CONST) {
        tn_value nv;
        memset(&nv, 0, sizeof nv);
        tn_err tmp = TN_ERR_INIT;
        rc = ex_cast_value(&x->value, to, &nv, e->try_cast ? &tmp : b->err);
        if (rc == TN_OK) {
            nv.type = to;
            ex_expr_free(x);
            return make_const(b, &nv, out);
        }
        if (rc == TN_NOMEM) {
            ex_expr_free(x);
            return nomem(b);
        }
        if (e->try_cast && rc != TN_NOTSUP) {
            ex_expr_free(x);
            *out = mk_null(to);
            return *out ? TN_OK : nomem(b);
        }
        if (rc != TN_NOTSUP) { /* a definite cast failure of a constant: report now */
            ex_expr_free(x);
            return wrap_err(b, rc, e->pos);
        }
        /* not castable at bind time: leave it to run time */
    }
    if (x->type.id != TN_T_NULL && !tn_type_equal(x->type, to) && !ex_cast_allowed(x->type, to, false)) {
        tn_type from = x->type;
        ex_expr_free(x);
        return sq_bind_error(b, TN_ERROR, e->pos, "cannot cast type %s to %s", tname(from, t1, sizeof t1),
                             tname(to, t2, sizeof t2));
    }
    if (tn_type_equal(x->type, to) && x->type.flags == to.flags) {
        *out = x;
        return TN_OK;
    }
    ex_expr *r = ex_expr_new(EX_CAST, to);
    if (!r || ex_expr_add_arg(r, x) != TN_OK) {
        if (!r)
            ex_expr_free(x);
        ex_expr_free(r);
        return nomem(b);
    }
    r->flag = e->try_cast;
    *out = r;
    return TN_OK;
}

static int bind_case(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    uint32_t nw = e->nargs / 2;
    uint32_t nres = nw + 1; /* THENs + ELSE */
    ex_expr *operand = NULL;
    ex_expr **conds = tn_calloc(nw ? nw : 1, sizeof *conds);
    ex_expr **res = tn_calloc(nres, sizeof *res);
    const sq_expr **rasts = tn_calloc(nres, sizeof *rasts);
    ex_expr *r = NULL;
    int rc = TN_OK;
    if (!conds || !res || !rasts) {
        rc = nomem(b);
        goto done;
    }
    if (e->operand && (rc = sq_bind_expr(c, e->operand, &operand)))
        goto done;
    for (uint32_t i = 0; i < nw; i++) {
        const sq_expr *w = e->args[2 * i];
        if (operand) {
            ex_expr *v = NULL, *opc = ex_expr_copy(operand);
            if (!opc) {
                rc = nomem(b);
                goto done;
            }
            if ((rc = sq_bind_expr(c, w, &v))) {
                ex_expr_free(opc);
                goto done;
            }
            if ((rc = binary_op(c, SQ_OP_EQ, opc, e->operand, v, w, w->pos, &conds[i])))
                goto done;
        } else if ((rc = bind_bool(c, w, "CASE/WHEN", &conds[i]))) {
            goto done;
        }
        rasts[i] = e->args[2 * i + 1];
        if ((rc = sq_bind_expr(c, rasts[i], &res[i])))
            goto done;
    }
    if (e->else_expr) {
        rasts[nw] = e->else_expr;
        if ((rc = sq_bind_expr(c, e->else_expr, &res[nw])))
            goto done;
    } else {
        res[nw] = mk_null(tn_type_make(TN_T_NULL));
        if (!res[nw]) {
            rc = nomem(b);
            goto done;
        }
    }
    tn_type t;
    if ((rc = sq_nested_unify(c, res, rasts, nres, "CASE", &t)) || (rc = sq_nested_check_result(b, t, e->pos, "CASE")))
        goto done;
    r = ex_expr_new(EX_CASE, t);
    if (!r) {
        rc = nomem(b);
        goto done;
    }
    for (uint32_t i = 0; i < nw; i++) {
        int a1 = ex_expr_add_arg(r, conds[i]);
        conds[i] = NULL;
        int a2 = ex_expr_add_arg(r, res[i]);
        res[i] = NULL;
        if (a1 || a2) {
            rc = nomem(b);
            goto done;
        }
    }
    if (e->else_expr) {
        int a = ex_expr_add_arg(r, res[nw]);
        res[nw] = NULL;
        if (a) {
            rc = nomem(b);
            goto done;
        }
        r->flag = true;
    }
    *out = r;
    r = NULL;
done:
    ex_expr_free(operand);
    for (uint32_t i = 0; conds && i < nw; i++)
        ex_expr_free(conds[i]);
    for (uint32_t i = 0; res && i < nres; i++)
        ex_expr_free(res[i]);
    tn_free(conds);
    tn_free(res);
    tn_free(rasts);
    ex_expr_free(r);
    return rc;
}

static int bind_coalesce(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    uint32_t n = e->nargs;
    if (n == 0)
        return sq_bind_error(b, TN_ERROR, e->pos, "COALESCE requires at least one argument");
    ex_expr **xs = tn_calloc(n, sizeof *xs);
    if (!xs)
        return nomem(b);
    int rc = TN_OK;
    for (uint32_t i = 0; i < n && !rc; i++)
        rc = sq_bind_expr(c, e->args[i], &xs[i]);
    tn_type t;
    if (!rc)
        rc = sq_nested_unify(c, xs, (const sq_expr *const *)e->args, n, "COALESCE", &t);
    if (!rc)
        rc = sq_nested_check_result(b, t, e->pos, "COALESCE");
    ex_expr *r = NULL;
    if (!rc && !(r = ex_expr_new(EX_COALESCE, t)))
        rc = nomem(b);
    for (uint32_t i = 0; i < n && !rc; i++) {
        rc = ex_expr_add_arg(r, xs[i]) == TN_OK ? TN_OK : nomem(b);
        xs[i] = NULL;
    }
    for (uint32_t i = 0; i < n; i++)
        ex_expr_free(xs[i]);
    tn_free(xs);
    if (rc) {
        ex_expr_free(r);
        return rc;
    }
    *out = r;
    return TN_OK;
}

static int bind_nullif(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    if (e->nargs != 2)
        return sq_bind_error(b, TN_ERROR, e->pos, "NULLIF requires exactly two arguments");
    ex_expr *x, *y;
    int rc = bind_pair(c, e->args[0], e->args[1], &x, &y);
    if (rc)
        return rc;
    ex_expr *pair[2] = {x, y};
    tn_type t;
    if ((rc = sq_nested_unify(c, pair, (const sq_expr *const *)e->args, 2, "NULLIF", &t)) ||
        (rc = sq_nested_check_result(b, t, e->pos, "NULLIF"))) {
        ex_expr_free(pair[0]);
        ex_expr_free(pair[1]);
        return rc;
    }
    ex_expr *xc = ex_expr_copy(pair[0]);
    if (!xc) {
        ex_expr_free(pair[0]);
        ex_expr_free(pair[1]);
        return nomem(b);
    }
    ex_expr *eq;
    if ((rc = call_function(c, "=", SQ_OP_EQ, pair, 2, e->pos, &eq))) {
        ex_expr_free(xc);
        return rc;
    }
    ex_expr *r = ex_expr_new(EX_CASE, t);
    ex_expr *nul = mk_null(t);
    if (!r || !nul) {
        ex_expr_free(r);
        ex_expr_free(nul);
        ex_expr_free(eq);
        ex_expr_free(xc);
        return nomem(b);
    }
    if (ex_expr_add_arg(r, eq) || ex_expr_add_arg(r, nul) || ex_expr_add_arg(r, xc)) {
        ex_expr_free(r);
        return nomem(b);
    }
    r->flag = true;
    *out = r;
    return TN_OK;
}

/* ======================= aggregates ======================= */

bool sq_has_aggregate(const sq_expr *e)
{
    /* loops down the first arguments (long operator chains), recurses on the rest */
    for (; e; e = e->nargs ? e->args[0] : NULL) {
        if (e->kind == SQ_E_FUNC && ex_agg_lookup(e->str) >= 0)
            return true;
        for (uint32_t i = 1; i < e->nargs; i++)
            if (sq_has_aggregate(e->args[i]))
                return true;
        if (sq_has_aggregate(e->operand) || sq_has_aggregate(e->else_expr))
            return true;
    }
    return false;
}

void sq_bctx_clear(sq_bctx *c)
{
    for (uint32_t i = 0; i < c->naggs; i++)
        ex_expr_free(c->aggs[i].arg);
    tn_free(c->aggs);
    c->aggs = NULL;
    c->naggs = c->cap_aggs = 0;
    for (uint32_t i = 0; i < c->nunnests; i++)
        ex_expr_free(c->unnests[i]);
    tn_free(c->unnests);
    c->unnests = NULL;
    c->nunnests = c->cap_unnests = 0;
}

static int bind_aggregate(sq_bctx *c, const sq_expr *e, int kind, ex_expr **out)
{
    sq_binder *b = c->b;
    if (!c->allow_aggs)
        return sq_bind_error(b, TN_ERROR, e->pos, "aggregate functions are not allowed in %s", c->clause);
    if (c->in_agg)
        return sq_bind_error(b, TN_ERROR, e->pos, "aggregate function calls cannot be nested");
    ex_agg ag;
    memset(&ag, 0, sizeof ag);
    ag.kind = (ex_agg_kind)kind;
    ag.distinct = e->distinct;
    if (e->star || (kind == EX_AGG_COUNT && e->nargs == 0)) {
        if (kind != EX_AGG_COUNT)
            return sq_bind_error(b, TN_ERROR, e->pos, "%s(*) is not allowed; only count(*)", e->str);
        ag.kind = EX_AGG_COUNT_STAR;
        ag.distinct = false;
    } else {
        if (e->nargs != 1)
            return sq_bind_error(b, TN_ERROR, e->pos, "aggregate function %s takes exactly one argument", e->str);
        c->in_agg = true;
        int rc = sq_bind_expr(c, e->args[0], &ag.arg);
        c->in_agg = false;
        if (rc)
            return rc;
    }
    tn_type argt = ag.arg ? ag.arg->type : tn_type_make(TN_T_NULL);
    int rc = ex_agg_result_type(ag.kind, argt, &ag.type, b->err);
    if (rc) {
        ex_expr_free(ag.arg);
        return wrap_err(b, rc, e->pos);
    }
    uint32_t idx = c->naggs;
    for (uint32_t i = 0; i < c->naggs; i++) {
        const ex_agg *o = &c->aggs[i];
        if (o->kind == ag.kind && o->distinct == ag.distinct && sq_expr_equal(o->arg, ag.arg)) {
            idx = i;
            break;
        }
    }
    if (idx < c->naggs) {
        ex_expr_free(ag.arg);
    } else {
        if (c->naggs == c->cap_aggs) {
            uint32_t nc = c->cap_aggs ? c->cap_aggs * 2 : 8;
            ex_agg *na = tn_realloc(c->aggs, nc * sizeof *na);
            if (!na) {
                ex_expr_free(ag.arg);
                return nomem(b);
            }
            c->aggs = na;
            c->cap_aggs = nc;
        }
        c->aggs[c->naggs++] = ag;
    }
    ex_expr *r = ex_expr_colref(SQ_AGG_REF_BASE + idx, ag.type);
    if (!r)
        return nomem(b);
    tn_sbuf sb = TN_SBUF_INIT;
    sq_expr_render(e, &sb);
    r->alias = tn_sbuf_take(&sb); /* display only; NULL on OOM is fine */
    *out = r;
    return TN_OK;
}

/* ======================= dispatcher ======================= */

static int bind_func(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    int kind = ex_agg_lookup(e->str);
    if (kind >= 0 && e->names)
        return sq_bind_error(b, TN_ERROR, e->pos, "aggregate %s does not accept named arguments", e->str);
    if (kind >= 0)
        return bind_aggregate(c, e, kind, out);
    if (e->distinct || e->star)
        return sq_bind_error(b, TN_ERROR, e->pos, "%s specified, but %s is not an aggregate function",
                             e->star ? "*" : "DISTINCT", e->str);
    if (sq_nested_func(e->str))
        return sq_bind_nested_func(c, e, out);
    for (uint32_t i = 0; e->names && i < e->nargs; i++)
        if (e->names[i])
            return sq_bind_error(b, TN_ERROR, e->args[i]->pos, "function %s does not accept named arguments",
                                 e->str);
    if (strcmp(e->str, "coalesce") == 0)
        return bind_coalesce(c, e, out);
    if (strcmp(e->str, "nullif") == 0)
        return bind_nullif(c, e, out);
    uint32_t n = e->nargs;
    ex_expr **args = tn_calloc(n ? n : 1, sizeof *args);
    if (!args)
        return nomem(b);
    int rc = TN_OK;
    for (uint32_t i = 0; i < n && !rc; i++)
        rc = sq_bind_expr(c, e->args[i], &args[i]);
    if (rc) {
        for (uint32_t i = 0; i < n; i++)
            ex_expr_free(args[i]);
        tn_free(args);
        return rc;
    }
    /* POSITION(a IN b) is parsed as position(a, b): needle first; catalog spelling strpos(b, a) */
    const char *name = e->str;
    if (strcmp(name, "position") == 0 && n == 2) {
        ex_expr *t = args[0];
        args[0] = args[1];
        args[1] = t;
        name = "strpos";
    }
    rc = call_function(c, name, 0, args, n, e->pos, out);
    tn_free(args);
    return rc;
}

static bool is_arith(const sq_expr *x, int op)
{
    TN_UNUSED(op);
    return x->kind == SQ_E_BINARY && x->op != SQ_OP_AND && x->op != SQ_OP_OR && x->nargs == 2;
}

/* Binary operators other than AND/OR, left operand first. A left-leaning chain (1 + 2 + 3 ...)
 * is bound bottom-up in a loop over its left spine, so its length costs no stack. */
static int bind_binary_chain(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    const sq_expr *small[32], **spine = small;
    uint32_t n = 0;
    int rc = chain_spine(c->b, e, is_arith, 0, small, 32, &spine, &n);
    if (rc)
        return rc;
    ex_expr *l = NULL;
    rc = sq_bind_expr(c, spine[n - 1]->args[0], &l);
    for (uint32_t i = n; i-- > 0 && !rc;) {
        const sq_expr *x = spine[i];
        ex_expr *r = NULL;
        if ((rc = sq_bind_expr(c, x->args[1], &r))) {
            ex_expr_free(l);
            l = NULL;
            break;
        }
        rc = binary_op(c, x->op, l, x->args[0], r, x->args[1], x->pos, &l); /* consumes l and r */
        if (rc)
            l = NULL;
    }
    if (spine != small)
        tn_free((void *)spine);
    if (!rc)
        *out = l;
    return rc;
}

int sq_bind_expr(sq_bctx *c, const sq_expr *e, ex_expr **out)
{
    sq_binder *b = c->b;
    *out = NULL;
    switch ((sq_expr_kind)e->kind) {
    case SQ_E_CONST: return bind_literal(b, e, out);
    case SQ_E_TYPED: return bind_typed_literal(b, e, out);
    case SQ_E_COLUMN: return bind_column(c, e, out);
    case SQ_E_STAR: return sq_bind_error(b, TN_ERROR, e->pos, "* is only allowed in the select list and in count(*)");
    case SQ_E_UNARY: {
        if (e->op == SQ_OP_NOT) {
            ex_expr *x;
            int rc = bind_bool(c, e->args[0], "NOT", &x);
            if (rc)
                return rc;
            *out = mk_not(x);
            return *out ? TN_OK : nomem(b);
        }
        ex_expr *x;
        int rc = sq_bind_expr(c, e->args[0], &x);
        if (rc)
            return rc;
        if (e->op == SQ_OP_PLUS) {
            if (!tn_type_is_numeric(x->type) && x->type.id != TN_T_NULL && x->type.id != TN_T_INTERVAL) {
                char t1[64];
                tn_type t = x->type;
                ex_expr_free(x);
                return sq_bind_error(b, TN_ERROR, e->pos, "operator does not exist: + %s", tname(t, t1, sizeof t1));
            }
            *out = x;
            return TN_OK;
        }
        ex_expr *args[1] = {x};
        return call_function(c, "neg", SQ_OP_NEG, args, 1, e->pos, out);
    }
    case SQ_E_BINARY: {
        if (e->op == SQ_OP_AND || e->op == SQ_OP_OR) {
            ex_expr *node = ex_expr_new(e->op == SQ_OP_AND ? EX_AND : EX_OR, tn_type_make(TN_T_BOOL));
            if (!node)
                return nomem(b);
            int rc = collect_conj(c, e, e->op, node);
            if (rc) {
                ex_expr_free(node);
                return rc;
            }
            *out = node;
            return TN_OK;
        }
        return bind_binary_chain(c, e, out);
    }
    case SQ_E_IS: return bind_is(c, e, out);
    case SQ_E_BETWEEN: return bind_between(c, e, out);
    case SQ_E_IN: return bind_in(c, e, out);
    case SQ_E_LIKE: return bind_like(c, e, out);
    case SQ_E_CAST: return bind_cast(c, e, out);
    case SQ_E_CASE: return bind_case(c, e, out);
    case SQ_E_FUNC: return bind_func(c, e, out);
    case SQ_E_ARRAY:
    case SQ_E_SUBSCRIPT:
    case SQ_E_SLICE:
    case SQ_E_FIELD:
    case SQ_E_STRUCT:
    case SQ_E_MAP: return sq_bind_nested(c, e, out);
    }
    return sq_bind_error(b, TN_ERROR, e->pos, "unsupported expression");
}
