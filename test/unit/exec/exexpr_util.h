/*
 * exexpr_util.h -- helpers shared by the expression/function/cast unit tests: building vectors
 * and chunks from C arrays, a miniature binder (resolve a function by name and insert the casts
 * the catalog asks for), and evaluating an expression into a vector of values.
 */
#ifndef EXEXPR_UTIL_H
#define EXEXPR_UTIL_H

#include "tn_test.h"
#include "exec/exec.h"
#include "util/types.h"
#include "util/vector.h"

static inline tn_type ty(tn_type_id id) { return tn_type_make(id); }

/* FLAT vector of n int64-representable values of integer-ish type t; nulls[i] (optional) marks NULL. */
static inline tn_vector *vec_ints(tn_type t, const int64_t *vals, const bool *nulls, uint32_t n)
{
    tn_vector *v = tn_vector_new(t, n ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        tn_value x = tn_value_int(t, vals[i]);
        if (t.id >= TN_T_UINT8 && t.id <= TN_T_UINT64)
            x.v.u64 = (uint64_t)vals[i];
        if (t.id == TN_T_INT128 || (t.id == TN_T_DECIMAL && !tn_decimal_is_small(t)))
            x.v.i128 = vals[i];
        if (t.id == TN_T_BOOL)
            x.v.b = vals[i] != 0;
        if (nulls && nulls[i])
            x.is_null = true;
        tn_value_to_vector(v, i, &x);
    }
    return v;
}

static inline tn_vector *vec_doubles(tn_type t, const double *vals, const bool *nulls, uint32_t n)
{
    tn_vector *v = tn_vector_new(t, n ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        tn_value x = tn_value_double(vals[i]);
        x.type = t;
        x.is_null = nulls && nulls[i];
        tn_value_to_vector(v, i, &x);
    }
    return v;
}

/* strs[i] == NULL means SQL NULL */
static inline tn_vector *vec_strs(const char *const *strs, uint32_t n)
{
    tn_vector *v = tn_vector_new(ty(TN_T_VARCHAR), n ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        if (!strs[i]) {
            tn_vector_set_null(v, i);
            continue;
        }
        tn_vector_add_string(v, strs[i], (uint32_t)strlen(strs[i]), (tn_str *)v->data + i);
    }
    return v;
}

/* Chunk of `count` rows owning the given vectors (their references are transferred). */
static inline tn_chunk *chunk_of(uint32_t count, uint32_t ncols, tn_vector **cols)
{
    tn_chunk *c = tn_chunk_new(ncols, NULL, count);
    for (uint32_t i = 0; i < ncols; i++) {
        tn_chunk_set_col(c, i, cols[i]);
        tn_vector_unref(cols[i]);
    }
    c->count = count;
    return c;
}

static inline void chunk_select(tn_chunk *c, const uint32_t *sel, uint32_t n)
{
    uint32_t *b = tn_chunk_sel_buffer(c, n ? n : 1);
    memcpy(b, sel, n * sizeof *sel);
    c->sel = b;
    c->nsel = n;
}

static inline ex_expr *e_col(uint32_t col, tn_type t) { return ex_expr_colref(col, t); }
static inline ex_expr *e_int(tn_type t, int64_t x)
{
    tn_value v = tn_value_int(t, x);
    if (t.id >= TN_T_UINT8 && t.id <= TN_T_UINT64)
        v.v.u64 = (uint64_t)x;
    if (t.id == TN_T_INT128 || (t.id == TN_T_DECIMAL && !tn_decimal_is_small(t)))
        v.v.i128 = x;
    return ex_expr_const(&v);
}
static inline ex_expr *e_i32(int64_t x) { return e_int(ty(TN_T_INT32), x); }
static inline ex_expr *e_dbl(double d)
{
    tn_value v = tn_value_double(d);
    return ex_expr_const(&v);
}
static inline ex_expr *e_str(const char *s)
{
    tn_value v;
    tn_value_set_string(&v, ty(TN_T_VARCHAR), s, (uint32_t)strlen(s));
    ex_expr *e = ex_expr_const(&v);
    tn_value_free(&v);
    return e;
}
static inline ex_expr *e_null(tn_type t)
{
    tn_value v = tn_value_null(t);
    return ex_expr_const(&v);
}
static inline ex_expr *e_bool(bool b)
{
    tn_value v = tn_value_bool(b);
    return ex_expr_const(&v);
}

static inline ex_expr *e_cast(ex_expr *a, tn_type to, bool try_cast)
{
    ex_expr *c = ex_expr_new(EX_CAST, to);
    c->flag = try_cast;
    ex_expr_add_arg(c, a);
    return c;
}

/* Mini binder: resolve `name` over the args' types, insert casts, build the EX_FUNC node.
 * On failure frees the args, stores the error and returns NULL. */
static inline ex_expr *e_fn_err(const char *name, ex_expr **args, uint32_t n, tn_err *err)
{
    tn_type types[16] = {0}, cast_to[16] = {0};
    const ex_func *fn = NULL;
    for (uint32_t i = 0; i < n; i++)
        types[i] = args[i]->type;
    if (ex_func_resolve(name, types, n, &fn, cast_to, err) != TN_OK) {
        for (uint32_t i = 0; i < n; i++)
            ex_expr_free(args[i]);
        return NULL;
    }
    ex_expr *e = ex_expr_new(EX_FUNC, fn->ret);
    for (uint32_t i = 0; i < n; i++) {
        ex_expr *a = args[i];
        if (!tn_type_equal(cast_to[i], a->type) || cast_to[i].flags != a->type.flags)
            a = e_cast(a, cast_to[i], false);
        ex_expr_add_arg(e, a);
    }
    e->fn = ex_func_specialize(fn, e->args, e->nargs);
    e->type = e->fn->ret;
    return e;
}
static inline ex_expr *e_fn(const char *name, ex_expr **args, uint32_t n)
{
    tn_err err = TN_ERR_INIT;
    ex_expr *e = e_fn_err(name, args, n, &err);
    if (!e)
        fprintf(stderr, "resolve %s failed: %s\n", name, err.msg);
    return e;
}
static inline ex_expr *e_bin(const char *op, ex_expr *a, ex_expr *b)
{
    ex_expr *args[2] = {a, b};
    return e_fn(op, args, 2);
}
static inline ex_expr *e_un(const char *op, ex_expr *a)
{
    ex_expr *args[1] = {a};
    return e_fn(op, args, 1);
}
static inline ex_expr *e_node(ex_expr_kind k, tn_type t, bool flag, ex_expr **args, uint32_t n)
{
    ex_expr *e = ex_expr_new(k, t);
    e->flag = flag;
    for (uint32_t i = 0; i < n; i++)
        ex_expr_add_arg(e, args[i]);
    return e;
}

/* Evaluate e over chunk c into a fresh vector (returned; caller unrefs). *rc receives the code. */
static inline tn_vector *eval_vec(ex_expr *e, tn_chunk *c, int *rc, tn_err *err)
{
    tn_vector *out = tn_vector_new(e->type, c->count ? c->count : 1);
    *rc = ex_expr_eval(e, c, out, err);
    return out;
}

/* Row value helpers on a result vector. */
static inline bool row_null(const tn_vector *v, uint32_t r)
{
    tn_value x;
    tn_value_from_vector(&x, v, r);
    bool n = x.is_null;
    tn_value_free(&x);
    return n;
}
static inline int64_t row_i64(const tn_vector *v, uint32_t r)
{
    tn_value x;
    tn_value_from_vector(&x, v, r);
    int64_t out = x.v.i64;
    if (v->type.id == TN_T_BOOL)
        out = x.v.b;
    if (v->type.id == TN_T_INT128 || (v->type.id == TN_T_DECIMAL && !tn_decimal_is_small(v->type)))
        out = (int64_t)x.v.i128;
    tn_value_free(&x);
    return out;
}
static inline double row_f64(const tn_vector *v, uint32_t r)
{
    tn_value x;
    tn_value_from_vector(&x, v, r);
    return x.v.f64;
}
/* string of row r copied into a static rotating buffer ("<NULL>" for NULL) */
static inline const char *row_str(const tn_vector *v, uint32_t r)
{
    static char bufs[8][512];
    static int k;
    char *b = bufs[k++ & 7];
    tn_value x;
    tn_value_from_vector(&x, v, r);
    if (x.is_null)
        snprintf(b, 512, "<NULL>");
    else
        snprintf(b, 512, "%.*s", (int)x.v.str.len, x.v.str.ptr);
    tn_value_free(&x);
    return b;
}

/* Fold a closed expression; returns rc and frees e. */
static inline int fold(ex_expr *e, tn_value *out, tn_err *err)
{
    int rc = ex_expr_fold(e, out, err);
    ex_expr_free(e);
    return rc;
}

#endif
