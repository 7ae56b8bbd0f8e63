/*
 * func_catalog.c -- the scalar function catalog: overload resolution (ex_func_resolve) and the
 * common-supertype rule (ex_common_type).
 *
 * Resolution (PostgreSQL-style): every catalog entry with the requested name (case-insensitive)
 * and arity is a candidate; each argument must either match the declared type exactly or be
 * implicitly castable to it (ex_cast_cost in cast.c gives the cost: integer widening is cheap,
 * integer -> DECIMAL dearer, -> DOUBLE dearer still, VARCHAR -> DATE/TIMESTAMP dearest). The
 * candidate with the lowest total cost wins; ties go to the entry listed first in its table (so
 * tables list the narrow, exact types first). An untyped NULL argument adapts to anything.
 *
 * Declared types flagged EX_TF_ANY match a whole family (DECIMAL of any precision/scale,
 * TIMESTAMP of any unit). Results flagged EX_TF_ANY are computed from the actual argument types
 * (DECIMAL arithmetic per ex_decimal_arith_type; TIMESTAMP takes the argument's unit), and the
 * resulting concrete entry is interned in a fixed, mutex-protected table of static storage so
 * callers get a pointer that lives for the whole process and is never freed.
 *
 * Thread-safety: ex_func_resolve and ex_common_type are reentrant.
 */
#include "expr_int.h"
#include <pthread.h>
#include <stdio.h>
#include <strings.h>

/* ======================= interning of parametric entries ======================= */

#define INTERN_MAX 8192

static ex_func g_intern[INTERN_MAX];
static const ex_func *g_intern_proto[INTERN_MAX];
static uint32_t g_nintern;
static pthread_mutex_t g_intern_mu = PTHREAD_MUTEX_INITIALIZER;

const ex_func *ex_func_intern(const ex_func *proto, tn_type ret)
{
    const ex_func *res = NULL;
    ret.flags &= (uint8_t)~EX_TF_ANY;
    pthread_mutex_lock(&g_intern_mu);
    for (uint32_t i = 0; i < g_nintern; i++) {
        if (g_intern_proto[i] == proto && tn_type_equal(g_intern[i].ret, ret) && g_intern[i].ret.flags == ret.flags) {
            res = &g_intern[i];
            break;
        }
    }
    if (!res && g_nintern < INTERN_MAX) {
        g_intern[g_nintern] = *proto;
        g_intern[g_nintern].ret = ret;
        g_intern_proto[g_nintern] = proto;
        res = &g_intern[g_nintern++];
    }
    pthread_mutex_unlock(&g_intern_mu);
    return res;
}

/* ======================= helpers ======================= */

static bool is_any(tn_type t) { return (t.flags & EX_TF_ANY) != 0; }

/* DECIMAL wide enough for every value of integer type t (0 precision if none). */
static tn_type int_as_decimal(tn_type t)
{
    int p = 0;
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL: p = 1; break;
    case TN_T_INT8: p = 3; break;
    case TN_T_INT16: p = 5; break;
    case TN_T_INT32: p = 10; break;
    case TN_T_INT64: p = 19; break;
    case TN_T_UINT8: p = 3; break;
    case TN_T_UINT16: p = 5; break;
    case TN_T_UINT32: p = 10; break;
    case TN_T_UINT64: p = 20; break;
    case TN_T_INT128: p = 38; break;
    default: break;
    }
    return tn_type_decimal(p, 0);
}

/* The concrete type an argument of type `actual` is cast to for a declared family type `decl`
 * (EX_TF_ANY). `peer` is another argument's type already in the family (or INVALID). */
static tn_type family_target(tn_type actual, tn_type decl, tn_type peer)
{
    if (actual.id == decl.id) {
        tn_type t = actual;
        t.flags &= (uint8_t)~EX_TF_ANY;
        return t;
    }
    switch ((tn_type_id)decl.id) {
    case TN_T_DECIMAL:
        if (tn_type_is_integer(actual))
            return int_as_decimal(actual);
        if (peer.id == TN_T_DECIMAL)
            return peer;
        return tn_type_decimal(18, 3);
    case TN_T_TIMESTAMP:
        if (peer.id == TN_T_TIMESTAMP)
            return peer;
        return tn_type_timestamp(TN_UNIT_US, false);
    case TN_T_TIME:
        if (peer.id == TN_T_TIME)
            return peer;
        return tn_type_time(TN_UNIT_US);
    case TN_T_VARCHAR: return tn_type_make(TN_T_VARCHAR);
    default: {
        tn_type t = decl;
        t.flags &= (uint8_t)~EX_TF_ANY;
        return t;
    }
    }
}

static tn_type declared_arg(const ex_func *f, uint32_t i)
{
    if (f->variadic)
        return f->arg_types[i < f->nargs ? i : (f->nargs ? (uint32_t)f->nargs - 1 : 0u)];
    return f->arg_types[i];
}

static bool is_temporal_id(int id)
{
    return id == TN_T_DATE || id == TN_T_TIME || id == TN_T_TIMESTAMP || id == TN_T_INTERVAL;
}

/* Cost of passing `actual` where `decl` is declared; -1 if impossible. VARCHAR converts to a
 * temporal type only when another argument is temporal (date_col < '2020-01-01',
 * ts + '1 day'), never on its own (1 + '2020-01-01' stays an error). */
static int arg_cost(tn_type actual, tn_type decl, bool call_has_temporal)
{
    if (actual.id == TN_T_VARCHAR && is_temporal_id(decl.id) && !call_has_temporal)
        return -1;
    if (is_any(decl)) {
        if (actual.id == decl.id)
            return 0;
        if (decl.id == TN_T_VARCHAR) /* concatenation accepts anything printable */
            return tn_type_is_nested(actual) ? -1 : (actual.id == TN_T_NULL ? 1 : 15);
        tn_type target = family_target(actual, decl, tn_type_make(TN_T_INVALID));
        return ex_cast_cost(actual, target);
    }
    if (actual.id == decl.id && tn_type_equal(actual, decl))
        return 0;
    return ex_cast_cost(actual, decl);
}

static void describe_call(const char *name, const tn_type *arg_types, uint32_t nargs, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "%s(", name);
    for (uint32_t i = 0; i < nargs && len < cap; i++) {
        char tb[64];
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", tn_type_name(arg_types[i], tb, sizeof tb));
    }
    if (len < cap)
        snprintf(buf + len, cap - len, ")");
}

/* ======================= resolution ======================= */

int ex_func_resolve(const char *name, const tn_type *arg_types, uint32_t nargs, const ex_func **fn,
                    tn_type *cast_to, tn_err *err)
{
    ex_func_table tables[6];
    tables[0] = ex_arith_table();
    tables[1] = ex_compare_table();
    tables[2] = ex_string_table();
    tables[3] = ex_like_table();
    tables[4] = ex_date_table();
    tables[5] = ex_math_table();
    const ex_func *best = NULL;
    long best_cost = -1;
    bool name_seen = false, has_temporal = false;
    *fn = NULL;
    for (uint32_t i = 0; i < nargs; i++)
        if (is_temporal_id(arg_types[i].id))
            has_temporal = true;
    for (size_t t = 0; t < TN_ARRAY_LEN(tables); t++) {
        for (size_t k = 0; k < tables[t].n; k++) {
            const ex_func *f = &tables[t].funcs[k];
            if (strcasecmp(f->name, name) != 0)
                continue;
            name_seen = true;
            if (f->variadic ? nargs < f->nargs : nargs != f->nargs)
                continue;
            long cost = 0;
            for (uint32_t i = 0; i < nargs && cost >= 0; i++) {
                int c = arg_cost(arg_types[i], declared_arg(f, i), has_temporal);
                cost = c < 0 ? -1 : cost + c;
            }
            if (cost < 0)
                continue;
            if (!best || cost < best_cost) {
                best = f;
                best_cost = cost;
            }
        }
    }
    if (!best) {
        char desc[512];
        describe_call(name, arg_types, nargs, desc, sizeof desc);
        if (name_seen)
            return tn_err_set(err, TN_NOTFOUND, "function %s does not exist (no overload matches the argument types)", desc);
        return tn_err_set(err, TN_NOTFOUND, "function %s does not exist", desc);
    }
    /* concrete argument types */
    for (uint32_t i = 0; i < nargs; i++) {
        tn_type decl = declared_arg(best, i);
        if (!is_any(decl)) {
            cast_to[i] = decl;
            continue;
        }
        tn_type peer = tn_type_make(TN_T_INVALID);
        for (uint32_t j = 0; j < nargs; j++) {
            tn_type dj = declared_arg(best, j);
            if (j != i && is_any(dj) && dj.id == decl.id && arg_types[j].id == decl.id)
                peer = arg_types[j];
        }
        cast_to[i] = family_target(arg_types[i], decl, peer);
        if (decl.id == TN_T_VARCHAR && arg_types[i].id == TN_T_VARCHAR)
            cast_to[i] = arg_types[i];
    }
    if (!is_any(best->ret)) {
        *fn = best;
        return TN_OK;
    }
    tn_type ret;
    if (best->ret.id == TN_T_DECIMAL && nargs > 0 && ex_math_decimal_type(best, cast_to[0], &ret)) {
        /* typed by func_math.c */
    } else if (best->ret.id == TN_T_DECIMAL) {
        int rc = ex_decimal_arith_type(ex_func_op(best), cast_to[0], nargs > 1 ? cast_to[1] : cast_to[0], &ret, err);
        if (rc)
            return rc;
    } else {
        ret = best->ret;
        for (uint32_t i = 0; i < nargs; i++)
            if (cast_to[i].id == best->ret.id) {
                ret = cast_to[i];
                break;
            }
        ret.flags &= (uint8_t)~EX_TF_ANY;
        if (ret.id == TN_T_TIMESTAMP && !ret.unit && !ret.tz)
            ret = tn_type_timestamp(TN_UNIT_US, false);
    }
    *fn = ex_func_intern(best, ret);
    if (!*fn)
        return tn_err_set(err, TN_NOMEM, "function catalog intern table is full");
    return TN_OK;
}

const ex_func *ex_func_specialize(const ex_func *fn, ex_expr *const *args, uint32_t nargs)
{
    if (!fn)
        return fn;
    /* round/trunc(DECIMAL(p,s), constant d): result DECIMAL(p-s+d'+1, d') with d' = clamp(d, 0, s) */
    if (!ex_math_is_decimal_digits(fn) || nargs != 2 || args[0]->type.id != TN_T_DECIMAL)
        return fn;
    const ex_expr *k = args[1];
    while (k->kind == EX_CAST && k->nargs == 1 && tn_type_is_integer(k->type)) /* CAST(2 AS BIGINT) */
        k = k->args[0];
    if (k->kind == EX_CONST && !k->value.is_null && tn_type_is_integer(k->value.type)) {
        tn_type a = args[0]->type;
        int64_t d = tn_type_is_signed(k->value.type) ? k->value.v.i64 : (int64_t)TN_MIN(k->value.v.u64, 64u);
        if (k->value.type.id == TN_T_INT128)
            d = k->value.v.i128 > 64 ? 64 : k->value.v.i128 < -64 ? -64 : (int64_t)k->value.v.i128;
        int s = d < 0 ? 0 : d > a.scale ? a.scale : (int)d;
        int p = a.precision - a.scale + s + 1;
        tn_type ret = tn_type_decimal(p > 38 ? 38 : p, s);
        const ex_func *r = ex_func_intern(fn, ret);
        return r ? r : fn;
    }
    return fn;
}

/* ======================= common supertype ======================= */

static int int_rank(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_INT8:
    case TN_T_UINT8: return 1;
    case TN_T_INT16:
    case TN_T_UINT16: return 2;
    case TN_T_INT32:
    case TN_T_UINT32: return 3;
    case TN_T_INT64:
    case TN_T_UINT64: return 4;
    case TN_T_INT128: return 5;
    default: return 0;
    }
}

static tn_type signed_of_rank(int r)
{
    static const tn_type_id ids[] = {TN_T_INT8, TN_T_INT8, TN_T_INT16, TN_T_INT32, TN_T_INT64, TN_T_INT128};
    return tn_type_make(ids[r > 5 ? 5 : r]);
}

static tn_type common_int(tn_type a, tn_type b)
{
    bool sa = tn_type_is_signed(a), sb = tn_type_is_signed(b);
    int ra = int_rank(a), rb = int_rank(b);
    if (sa == sb)
        return ra >= rb ? a : b;
    /* mixed: a signed type strictly wider than the unsigned one */
    tn_type s = sa ? a : b;
    int rs = sa ? ra : rb, ru = sa ? rb : ra;
    if (rs > ru)
        return s;
    return signed_of_rank(ru + 1);
}

static tn_type common_decimal(tn_type a, tn_type b)
{
    if (a.id != TN_T_DECIMAL)
        a = int_as_decimal(a);
    if (b.id != TN_T_DECIMAL)
        b = int_as_decimal(b);
    int s = TN_MAX(a.scale, b.scale);
    int ip = TN_MAX(a.precision - a.scale, b.precision - b.scale);
    int p = ip + s;
    if (p > 38)
        p = 38;
    if (s > p)
        s = p;
    return tn_type_decimal(p, s);
}

static bool is_temporal(tn_type t)
{
    return t.id == TN_T_DATE || t.id == TN_T_TIME || t.id == TN_T_TIMESTAMP || t.id == TN_T_INTERVAL;
}

/* finer of two time units */
static tn_time_unit finer_unit(tn_time_unit a, tn_time_unit b)
{
    if (a == TN_UNIT_NS || b == TN_UNIT_NS)
        return TN_UNIT_NS;
    if (a == TN_UNIT_US || b == TN_UNIT_US)
        return TN_UNIT_US;
    return TN_UNIT_MS;
}

int ex_common_type(tn_type a, tn_type b, tn_type *out, tn_err *err)
{
    char b1[64], b2[64];
    if (a.id == TN_T_NULL) {
        *out = b;
        return TN_OK;
    }
    if (b.id == TN_T_NULL || tn_type_equal(a, b)) {
        *out = a;
        if (a.id == TN_T_VARCHAR && a.flags != b.flags)
            *out = tn_type_make(TN_T_VARCHAR);
        return TN_OK;
    }
    if (tn_type_is_integer(a) && tn_type_is_integer(b)) {
        *out = common_int(a, b);
        return TN_OK;
    }
    if ((a.id == TN_T_DECIMAL || tn_type_is_integer(a)) && (b.id == TN_T_DECIMAL || tn_type_is_integer(b))) {
        *out = common_decimal(a, b);
        return TN_OK;
    }
    if (tn_type_is_numeric(a) && tn_type_is_numeric(b)) {
        *out = tn_type_make(a.id == TN_T_FLOAT && b.id == TN_T_FLOAT ? TN_T_FLOAT : TN_T_DOUBLE);
        return TN_OK;
    }
    if (a.id == TN_T_TIMESTAMP && b.id == TN_T_TIMESTAMP) {
        *out = tn_type_timestamp(finer_unit((tn_time_unit)a.unit, (tn_time_unit)b.unit), a.tz || b.tz);
        return TN_OK;
    }
    if (a.id == TN_T_TIME && b.id == TN_T_TIME) {
        *out = tn_type_time(finer_unit((tn_time_unit)a.unit, (tn_time_unit)b.unit));
        return TN_OK;
    }
    if ((a.id == TN_T_DATE && b.id == TN_T_TIMESTAMP) || (a.id == TN_T_TIMESTAMP && b.id == TN_T_DATE)) {
        *out = a.id == TN_T_TIMESTAMP ? a : b;
        return TN_OK;
    }
    /* a string adapts to the other side (PostgreSQL's unknown-literal rule) */
    if (a.id == TN_T_VARCHAR || b.id == TN_T_VARCHAR) {
        tn_type o = a.id == TN_T_VARCHAR ? b : a;
        if (o.id == TN_T_BLOB || o.id == TN_T_BOOL || o.id == TN_T_UUID || tn_type_is_numeric(o) || is_temporal(o)) {
            *out = o;
            return TN_OK;
        }
    }
    return tn_err_set(err, TN_ERROR, "types %s and %s cannot be matched", tn_type_name(a, b1, sizeof b1),
                      tn_type_name(b, b2, sizeof b2));
}
