/*
 * func_arith.c -- arithmetic operators + - * / % and unary minus ("neg") for every numeric type,
 * plus DATE/TIMESTAMP/INTERVAL arithmetic.
 *
 * Semantics (PostgreSQL):
 *  - Integers of one width in, same width out; overflow raises TN_RANGE "<type> out of range"
 *    ("smallint", "integer", "bigint", ...). Division truncates toward zero; % takes the sign of
 *    the dividend; MIN % -1 is 0; division or modulo by zero raises TN_RANGE "division by zero".
 *  - DECIMAL: + - align scales to max(s1,s2) with precision max(p1-s1,p2-s2)+max(s)+1; * adds
 *    scales and precisions; % keeps the larger scale; the precision is capped at 38 and a result
 *    that does not fit its precision raises TN_RANGE "decimal out of range". DECIMAL / DECIMAL
 *    yields DOUBLE (as DuckDB). Mixed integer/decimal operands are cast by the resolver first.
 *  - FLOAT/DOUBLE: IEEE arithmetic; a finite operation that overflows to infinity raises TN_RANGE
 *    "value out of range: overflow"; x / 0 and x % 0 raise "division by zero".
 *  - DATE +/- INTEGER days -> DATE; DATE - DATE -> INTEGER days ("integer out of range" only for
 *    dates millions of years apart);
 *    TIMESTAMP/DATE +/- INTERVAL ->
 *    TIMESTAMP (months first, clamping the day to the month's end, then days, then time);
 *    TIMESTAMP - TIMESTAMP -> INTERVAL (days + time); INTERVAL +/- INTERVAL; -INTERVAL;
 *    INTERVAL * number and / number (fractional months spill into days, days into time).
 *
 * Kernels follow expr_int.h: strict NULL handling via ex_strict_nulls, then a per-type loop with
 * fast paths (no selection / no NULLs / flat inputs, and vector-versus-constant) stamped out by
 * macros, and one generic path that honours the selection and skips NULL rows.
 */
#include "expr_int.h"
#include "../util/datetime.h"
#include <math.h>

static const int k_ops[] = {0, EX_OP_ADD, EX_OP_SUB, EX_OP_MUL, EX_OP_DIV, EX_OP_MOD, EX_OP_NEG};

/* ---- loop skeletons ---- */

/* Binary: x from view a (type T), y from view b (type U). BODY may `goto ovf` / `goto dz`. */
#define BIN_LOOP(T, U, BODY)                                                                   \
    do {                                                                                       \
        const T *xd_ = a.data;                                                                 \
        const U *yd_ = b.data;                                                                 \
        if (!sel && !a.idx && !b.idx && !out->validity) {                                      \
            for (uint32_t r = 0; r < n; r++) {                                                 \
                T x = xd_[r];                                                                  \
                U y = yd_[r];                                                                  \
                BODY                                                                           \
            }                                                                                  \
        } else if (!a.idx && !out->validity && args[1]->kind == TN_VEC_CONST) {                \
            U y = yd_[0];                                                                      \
            for (uint32_t i = 0; i < n; i++) {                                                 \
                uint32_t r = EX_ROW(sel, i);                                                   \
                T x = xd_[r];                                                                  \
                BODY                                                                           \
            }                                                                                  \
        } else {                                                                               \
            for (uint32_t i = 0; i < n; i++) {                                                 \
                uint32_t r = EX_ROW(sel, i);                                                   \
                if (!ex_out_valid(out, r))                                                     \
                    continue;                                                                  \
                T x = xd_[tn_vview_index(&a, r)];                                              \
                U y = yd_[tn_vview_index(&b, r)];                                              \
                BODY                                                                           \
            }                                                                                  \
        }                                                                                      \
    } while (0)

#define UN_LOOP(T, BODY)                                                                       \
    do {                                                                                       \
        const T *xd_ = a.data;                                                                 \
        if (!sel && !a.idx && !out->validity) {                                                \
            for (uint32_t r = 0; r < n; r++) {                                                 \
                T x = xd_[r];                                                                  \
                BODY                                                                           \
            }                                                                                  \
        } else {                                                                               \
            for (uint32_t i = 0; i < n; i++) {                                                 \
                uint32_t r = EX_ROW(sel, i);                                                   \
                if (!ex_out_valid(out, r))                                                     \
                    continue;                                                                  \
                T x = xd_[tn_vview_index(&a, r)];                                              \
                BODY                                                                           \
            }                                                                                  \
        }                                                                                      \
    } while (0)

/* Common prologue: NULL propagation and views of the operands. */
#define KERNEL_PROLOGUE()                                                                      \
    int rc_ = ex_strict_nulls(args, nargs, sel, n, out);                                       \
    if (rc_)                                                                                   \
        return rc_;                                                                            \
    tn_vview a, b;                                                                             \
    tn_vector_view(args[0], 0, &a);                                                            \
    if (nargs > 1)                                                                             \
        tn_vector_view(args[1], 0, &b);                                                        \
    else                                                                                       \
        b = a

/* ---- integers ---- */

#define INT_KERNEL(NAME, T, SIGNED, MSG)                                                       \
    static int NAME(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel,  \
                    uint32_t n, tn_vector *out, tn_err *err)                                   \
    {                                                                                          \
        KERNEL_PROLOGUE();                                                                     \
        T *o = out->data;                                                                      \
        switch (ex_func_op(fn)) {                                                              \
        case EX_OP_ADD:                                                                        \
            BIN_LOOP(T, T, if (__builtin_add_overflow(x, y, &o[r])) goto ovf;);                \
            break;                                                                             \
        case EX_OP_SUB:                                                                        \
            BIN_LOOP(T, T, if (__builtin_sub_overflow(x, y, &o[r])) goto ovf;);                \
            break;                                                                             \
        case EX_OP_MUL:                                                                        \
            BIN_LOOP(T, T, if (__builtin_mul_overflow(x, y, &o[r])) goto ovf;);                \
            break;                                                                             \
        case EX_OP_DIV:                                                                        \
            BIN_LOOP(T, T, if (y == 0) goto dz; if (SIGNED && y == (T)-1) {                    \
                if (__builtin_sub_overflow((T)0, x, &o[r]))                                    \
                    goto ovf;                                                                  \
            } else o[r] = (T)(x / y););                                                        \
            break;                                                                             \
        case EX_OP_MOD:                                                                        \
            BIN_LOOP(T, T, if (y == 0) goto dz; o[r] = (SIGNED && y == (T)-1) ? (T)0 : (T)(x % y);); \
            break;                                                                             \
        case EX_OP_NEG:                                                                        \
            UN_LOOP(T, if (__builtin_sub_overflow((T)0, x, &o[r])) goto ovf;);                 \
            break;                                                                             \
        default: return tn_err_set(err, TN_MISUSE, "bad arithmetic operator");                 \
        }                                                                                      \
        return TN_OK;                                                                          \
    ovf:                                                                                       \
        return tn_err_set(err, TN_RANGE, MSG " out of range");                                 \
    dz:                                                                                        \
        return tn_err_set(err, TN_RANGE, "division by zero");                                  \
    }

INT_KERNEL(arith_i8, int8_t, 1, "tinyint")
INT_KERNEL(arith_i16, int16_t, 1, "smallint")
INT_KERNEL(arith_i32, int32_t, 1, "integer")
INT_KERNEL(arith_i64, int64_t, 1, "bigint")
INT_KERNEL(arith_u8, uint8_t, 0, "utinyint")
INT_KERNEL(arith_u16, uint16_t, 0, "usmallint")
INT_KERNEL(arith_u32, uint32_t, 0, "uinteger")
INT_KERNEL(arith_u64, uint64_t, 0, "ubigint")
INT_KERNEL(arith_i128, tn_i128, 1, "hugeint")

/* ---- floating point ---- */

#define FLOAT_KERNEL(NAME, T)                                                                  \
    static int NAME(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel,  \
                    uint32_t n, tn_vector *out, tn_err *err)                                   \
    {                                                                                          \
        KERNEL_PROLOGUE();                                                                     \
        T *o = out->data;                                                                      \
        bool bad = false;                                                                      \
        switch (ex_func_op(fn)) {                                                              \
        case EX_OP_ADD:                                                                        \
            BIN_LOOP(T, T, o[r] = x + y; bad |= isinf(o[r]) && !isinf(x) && !isinf(y););       \
            break;                                                                             \
        case EX_OP_SUB:                                                                        \
            BIN_LOOP(T, T, o[r] = x - y; bad |= isinf(o[r]) && !isinf(x) && !isinf(y););       \
            break;                                                                             \
        case EX_OP_MUL:                                                                        \
            BIN_LOOP(T, T, o[r] = x * y; bad |= isinf(o[r]) && !isinf(x) && !isinf(y););       \
            break;                                                                             \
        case EX_OP_DIV:                                                                        \
            BIN_LOOP(T, T, if (y == 0) goto dz; o[r] = x / y;                                  \
                     bad |= isinf(o[r]) && !isinf(x););                                        \
            break;                                                                             \
        case EX_OP_MOD:                                                                        \
            BIN_LOOP(T, T, if (y == 0) goto dz; o[r] = (T)fmod(x, y););                        \
            break;                                                                             \
        case EX_OP_NEG: UN_LOOP(T, o[r] = -x;); break;                                         \
        default: return tn_err_set(err, TN_MISUSE, "bad arithmetic operator");                 \
        }                                                                                      \
        if (bad)                                                                               \
            return tn_err_set(err, TN_RANGE, "value out of range: overflow");                  \
        return TN_OK;                                                                          \
    dz:                                                                                        \
        return tn_err_set(err, TN_RANGE, "division by zero");                                  \
    }

FLOAT_KERNEL(arith_f32, float)
FLOAT_KERNEL(arith_f64, double)

/* ---- decimals ---- */

static tn_i128 pow10_i128(int e)
{
    tn_i128 p = 1;
    for (int i = 0; i < e; i++)
        p *= 10;
    return p;
}

static inline tn_i128 dec_load(const void *data, uint32_t k, bool small)
{
    if (small)
        return ((const int64_t *)data)[k];
    tn_i128 v;
    memcpy(&v, (const unsigned char *)data + (size_t)k * 16, 16);
    return v;
}

static inline void dec_store(void *data, uint32_t r, bool small, tn_i128 v)
{
    if (small)
        ((int64_t *)data)[r] = (int64_t)v;
    else
        memcpy((unsigned char *)data + (size_t)r * 16, &v, 16);
}

int ex_decimal_arith_type(int op, tn_type a, tn_type b, tn_type *out, tn_err *err)
{
    int pa = a.precision, sa = a.scale, pb = b.precision, sb = b.scale;
    int p, s;
    switch (op) {
    case EX_OP_ADD:
    case EX_OP_SUB:
        s = TN_MAX(sa, sb);
        p = TN_MAX(pa - sa, pb - sb) + s + 1;
        break;
    case EX_OP_MUL:
        s = sa + sb;
        p = pa + pb;
        if (s > 38)
            return tn_err_set(err, TN_ERROR, "decimal multiplication result scale %d exceeds 38", s);
        break;
    case EX_OP_MOD:
        s = TN_MAX(sa, sb);
        p = TN_MAX(pa - sa, pb - sb) + s;
        break;
    case EX_OP_NEG:
        *out = a;
        return TN_OK;
    default: return tn_err_set(err, TN_ERROR, "no decimal result type for this operator");
    }
    if (p > 38)
        p = 38;
    if (p < 1)
        p = 1;
    *out = tn_type_decimal(p, s);
    return TN_OK;
}

static int arith_decimal(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                         tn_vector *out, tn_err *err)
{
    KERNEL_PROLOGUE();
    int op = ex_func_op(fn);
    tn_type ta = args[0]->type, tb = nargs > 1 ? args[1]->type : ta, to = out->type;
    bool sma = tn_decimal_is_small(ta), smb = tn_decimal_is_small(tb);
    if (op == EX_OP_DIV) {
        /* DECIMAL / DECIMAL -> DOUBLE */
        double *o = out->data;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = EX_ROW(sel, i);
            if (!ex_out_valid(out, r))
                continue;
            tn_i128 y = dec_load(b.data, tn_vview_index(&b, r), smb);
            if (y == 0)
                return tn_err_set(err, TN_RANGE, "division by zero");
            tn_i128 x = dec_load(a.data, tn_vview_index(&a, r), sma);
            o[r] = ex_decimal_to_double(x, ta.scale) / ex_decimal_to_double(y, tb.scale);
        }
        return TN_OK;
    }
    if (to.id != TN_T_DECIMAL)
        return tn_err_set(err, TN_MISUSE, "decimal arithmetic into a non-decimal result");
    bool smo = tn_decimal_is_small(to);
    tn_i128 limit = pow10_i128(to.precision);
    int so = to.scale;
    /* fast path: small + small with equal scales into a small result */
    if ((op == EX_OP_ADD || op == EX_OP_SUB) && sma && smb && smo && ta.scale == so && tb.scale == so && !sel &&
        !a.idx && !b.idx && !out->validity) {
        const int64_t *xd = a.data, *yd = b.data;
        int64_t *o = out->data;
        int64_t lim = (int64_t)limit;
        for (uint32_t r = 0; r < n; r++) {
            int64_t v;
            bool of = op == EX_OP_ADD ? __builtin_add_overflow(xd[r], yd[r], &v)
                                      : __builtin_sub_overflow(xd[r], yd[r], &v);
            if (of || v >= lim || v <= -lim)
                return tn_err_set(err, TN_RANGE, "decimal out of range");
            o[r] = v;
        }
        return TN_OK;
    }
    tn_i128 fa = 1, fb = 1;
    if (op == EX_OP_ADD || op == EX_OP_SUB || op == EX_OP_MOD) {
        if (so < ta.scale || so < tb.scale)
            return tn_err_set(err, TN_MISUSE, "decimal result scale too small");
        fa = pow10_i128(so - ta.scale);
        fb = pow10_i128(so - tb.scale);
    } else if (op == EX_OP_MUL) {
        if (so != ta.scale + tb.scale)
            return tn_err_set(err, TN_MISUSE, "decimal product scale mismatch");
    } else if (op == EX_OP_NEG) {
        if (so != ta.scale)
            return tn_err_set(err, TN_MISUSE, "decimal negation scale mismatch");
    } else {
        return tn_err_set(err, TN_MISUSE, "bad arithmetic operator");
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        tn_i128 x = dec_load(a.data, tn_vview_index(&a, r), sma), y = 0, v = 0;
        if (op != EX_OP_NEG)
            y = dec_load(b.data, tn_vview_index(&b, r), smb);
        bool of = false;
        switch (op) {
        case EX_OP_ADD:
        case EX_OP_SUB:
            of = __builtin_mul_overflow(x, fa, &x) || __builtin_mul_overflow(y, fb, &y);
            if (!of)
                of = op == EX_OP_ADD ? __builtin_add_overflow(x, y, &v) : __builtin_sub_overflow(x, y, &v);
            break;
        case EX_OP_MUL: of = __builtin_mul_overflow(x, y, &v); break;
        case EX_OP_MOD:
            if (y == 0)
                return tn_err_set(err, TN_RANGE, "division by zero");
            of = __builtin_mul_overflow(x, fa, &x) || __builtin_mul_overflow(y, fb, &y);
            if (!of)
                v = x % y;
            break;
        default: v = -x; break;
        }
        if (of || v >= limit || v <= -limit)
            return tn_err_set(err, TN_RANGE, "decimal out of range");
        dec_store(out->data, r, smo, v);
    }
    return TN_OK;
}

/* ---- dates, timestamps, intervals ---- */

static int64_t floor_div64(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* DATE +/- INTEGER, INTEGER + DATE, DATE - DATE. */
static int arith_date(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                      tn_vector *out, tn_err *err)
{
    KERNEL_PROLOGUE();
    int op = ex_func_op(fn);
    bool date_first = args[0]->type.id == TN_T_DATE;
    int32_t *o = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        int32_t x = ((const int32_t *)a.data)[tn_vview_index(&a, r)];
        int32_t y = ((const int32_t *)b.data)[tn_vview_index(&b, r)];
        bool of;
        if (op == EX_OP_ADD)
            of = __builtin_add_overflow(x, y, &o[r]);
        else
            of = __builtin_sub_overflow(x, y, &o[r]);
        if (of)
            return tn_err_set(err, TN_RANGE, out->type.id == TN_T_DATE ? "date out of range" : "integer out of range");
    }
    TN_UNUSED(date_first);
    return TN_OK;
}

static int64_t unit_per_day(tn_time_unit u) { return tn_unit_per_second(u) * 86400; }

/* ts (in unit u) + sign * iv. false on overflow. */
static bool ts_add_interval(int64_t ts, tn_time_unit u, tn_interval iv, int sign, int64_t *out)
{
    int64_t upd = unit_per_day(u);
    int64_t days = floor_div64(ts, upd);
    int64_t tod = ts - days * upd;
    int64_t months = (int64_t)iv.months * sign, dd = (int64_t)iv.days * sign;
    if (months) {
        int64_t y;
        int m, d;
        tn_civil_from_days(days, &y, &m, &d);
        int64_t mi = y * 12 + (m - 1) + months;
        y = floor_div64(mi, 12);
        m = (int)(mi - y * 12) + 1;
        int dim = tn_days_in_month(y, m);
        if (d > dim)
            d = dim;
        if (y > 300000 || y < -300000)
            return false;
        days = tn_days_from_civil(y, m, d);
    }
    days += dd;
    int64_t micros = iv.micros, t;
    if (sign < 0 && __builtin_sub_overflow((int64_t)0, micros, &micros))
        return false;
    switch (u) {
    case TN_UNIT_MS: t = floor_div64(micros, 1000); break;
    case TN_UNIT_NS:
        if (__builtin_mul_overflow(micros, (int64_t)1000, &t))
            return false;
        break;
    default: t = micros; break;
    }
    int64_t v;
    if (__builtin_mul_overflow(days, upd, &v) || __builtin_add_overflow(v, tod, &v) ||
        __builtin_add_overflow(v, t, &v))
        return false;
    *out = v;
    return true;
}

/* TIMESTAMP|DATE +/- INTERVAL, INTERVAL + TIMESTAMP|DATE -> TIMESTAMP. */
static int arith_ts_interval(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                             tn_vector *out, tn_err *err)
{
    KERNEL_PROLOGUE();
    int sign = ex_func_op(fn) == EX_OP_SUB ? -1 : 1;
    bool iv_first = args[0]->type.id == TN_T_INTERVAL;
    const tn_vview *tv = iv_first ? &b : &a, *ivv = iv_first ? &a : &b;
    tn_type tt = iv_first ? args[1]->type : args[0]->type;
    tn_time_unit u = (tn_time_unit)out->type.unit;
    int64_t *o = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        int64_t ts;
        uint32_t k = tn_vview_index(tv, r);
        if (tt.id == TN_T_DATE)
            ts = (int64_t)((const int32_t *)tv->data)[k] * unit_per_day(u);
        else
            ts = ((const int64_t *)tv->data)[k];
        tn_interval iv = ((const tn_interval *)ivv->data)[tn_vview_index(ivv, r)];
        if (!ts_add_interval(ts, u, iv, sign, &o[r]))
            return tn_err_set(err, TN_RANGE, "timestamp out of range");
    }
    return TN_OK;
}

/* TIMESTAMP - TIMESTAMP -> INTERVAL (days + time of day, like PostgreSQL). */
static int arith_ts_diff(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                         tn_vector *out, tn_err *err)
{
    KERNEL_PROLOGUE();
    TN_UNUSED(fn);
    tn_time_unit ua = (tn_time_unit)args[0]->type.unit, ub = (tn_time_unit)args[1]->type.unit;
    tn_interval *o = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        int64_t x = ((const int64_t *)a.data)[tn_vview_index(&a, r)];
        int64_t y = ((const int64_t *)b.data)[tn_vview_index(&b, r)];
        int64_t xu, yu, d;
        if (!tn_time_convert(x, ua, TN_UNIT_US, &xu) || !tn_time_convert(y, ub, TN_UNIT_US, &yu) ||
            __builtin_sub_overflow(xu, yu, &d))
            return tn_err_set(err, TN_RANGE, "interval out of range");
        int64_t days = d / 86400000000LL;
        if (days > INT32_MAX || days < INT32_MIN)
            return tn_err_set(err, TN_RANGE, "interval out of range");
        o[r].months = 0;
        o[r].days = (int32_t)days;
        o[r].micros = d - days * 86400000000LL;
    }
    return TN_OK;
}

/* INTERVAL +/- INTERVAL, -INTERVAL. */
static int arith_interval(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                          tn_vector *out, tn_err *err)
{
    KERNEL_PROLOGUE();
    int op = ex_func_op(fn);
    tn_interval *o = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        tn_interval x = ((const tn_interval *)a.data)[tn_vview_index(&a, r)], y = {0, 0, 0}, v;
        if (op != EX_OP_NEG)
            y = ((const tn_interval *)b.data)[tn_vview_index(&b, r)];
        bool of;
        if (op == EX_OP_NEG) {
            of = __builtin_sub_overflow(0, x.months, &v.months) || __builtin_sub_overflow(0, x.days, &v.days) ||
                 __builtin_sub_overflow((int64_t)0, x.micros, &v.micros);
        } else if (op == EX_OP_ADD) {
            of = __builtin_add_overflow(x.months, y.months, &v.months) ||
                 __builtin_add_overflow(x.days, y.days, &v.days) || __builtin_add_overflow(x.micros, y.micros, &v.micros);
        } else {
            of = __builtin_sub_overflow(x.months, y.months, &v.months) ||
                 __builtin_sub_overflow(x.days, y.days, &v.days) || __builtin_sub_overflow(x.micros, y.micros, &v.micros);
        }
        if (of)
            return tn_err_set(err, TN_RANGE, "interval out of range");
        o[r] = v;
    }
    return TN_OK;
}

/* INTERVAL * number, number * INTERVAL, INTERVAL / number (PostgreSQL: fractional months spill
 * into days at 30 days per month, fractional days into time at 24 hours per day). */
static int arith_interval_scale(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel,
                                uint32_t n, tn_vector *out, tn_err *err)
{
    KERNEL_PROLOGUE();
    int op = ex_func_op(fn);
    bool iv_first = args[0]->type.id == TN_T_INTERVAL;
    const tn_vview *ivv = iv_first ? &a : &b, *fv = iv_first ? &b : &a;
    tn_type ft = iv_first ? args[1]->type : args[0]->type;
    tn_interval *o = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        tn_interval x = ((const tn_interval *)ivv->data)[tn_vview_index(ivv, r)];
        uint32_t k = tn_vview_index(fv, r);
        double f = ft.id == TN_T_DOUBLE ? ((const double *)fv->data)[k] : (double)((const int64_t *)fv->data)[k];
        if (op == EX_OP_DIV) {
            if (f == 0)
                return tn_err_set(err, TN_RANGE, "division by zero");
            f = 1.0 / f;
        }
        double months = x.months * f;
        double days = x.days * f + (months - trunc(months)) * 30.0;
        double micros = (double)x.micros * f + (days - trunc(days)) * 86400e6;
        if (!(fabs(trunc(months)) <= INT32_MAX && fabs(trunc(days)) <= INT32_MAX && fabs(micros) < 9.2e18))
            return tn_err_set(err, TN_RANGE, "interval out of range");
        o[r].months = (int32_t)trunc(months);
        o[r].days = (int32_t)trunc(days);
        o[r].micros = (int64_t)llround(micros);
    }
    return TN_OK;
}

/* ---- catalog entries ---- */

#define T_(id) {(uint8_t)(id), 0, 0, 0, 0, 0, NULL}
#define T_ANY(id) {(uint8_t)(id), 0, 0, 0, 0, EX_TF_ANY, NULL}
#define BIN_F(name, kern, id, op) {name, kern, T_(id), {T_(id), T_(id)}, 2, false, true, &k_ops[op]}
#define NEG_F(kern, id) {"neg", kern, T_(id), {T_(id)}, 1, false, true, &k_ops[EX_OP_NEG]}
#define ALL5(kern, id)                                                                         \
    BIN_F("+", kern, id, EX_OP_ADD), BIN_F("-", kern, id, EX_OP_SUB), BIN_F("*", kern, id, EX_OP_MUL), \
        BIN_F("/", kern, id, EX_OP_DIV), BIN_F("%", kern, id, EX_OP_MOD), BIN_F("mod", kern, id, EX_OP_MOD)

static const ex_func k_arith[] = {
    /* signed integers first: resolution prefers the narrowest exact match, then widening */
    ALL5(arith_i8, TN_T_INT8), NEG_F(arith_i8, TN_T_INT8),
    ALL5(arith_i16, TN_T_INT16), NEG_F(arith_i16, TN_T_INT16),
    ALL5(arith_i32, TN_T_INT32), NEG_F(arith_i32, TN_T_INT32),
    ALL5(arith_i64, TN_T_INT64), NEG_F(arith_i64, TN_T_INT64),
    ALL5(arith_u8, TN_T_UINT8),
    ALL5(arith_u16, TN_T_UINT16),
    ALL5(arith_u32, TN_T_UINT32),
    ALL5(arith_u64, TN_T_UINT64),
    ALL5(arith_i128, TN_T_INT128), NEG_F(arith_i128, TN_T_INT128),
    /* decimals: result type computed at resolution (ex_decimal_arith_type) */
    {"+", arith_decimal, T_ANY(TN_T_DECIMAL), {T_ANY(TN_T_DECIMAL), T_ANY(TN_T_DECIMAL)}, 2, false, true, &k_ops[EX_OP_ADD]},
    {"-", arith_decimal, T_ANY(TN_T_DECIMAL), {T_ANY(TN_T_DECIMAL), T_ANY(TN_T_DECIMAL)}, 2, false, true, &k_ops[EX_OP_SUB]},
    {"*", arith_decimal, T_ANY(TN_T_DECIMAL), {T_ANY(TN_T_DECIMAL), T_ANY(TN_T_DECIMAL)}, 2, false, true, &k_ops[EX_OP_MUL]},
    {"/", arith_decimal, T_(TN_T_DOUBLE), {T_ANY(TN_T_DECIMAL), T_ANY(TN_T_DECIMAL)}, 2, false, true, &k_ops[EX_OP_DIV]},
    {"%", arith_decimal, T_ANY(TN_T_DECIMAL), {T_ANY(TN_T_DECIMAL), T_ANY(TN_T_DECIMAL)}, 2, false, true, &k_ops[EX_OP_MOD]},
    {"mod", arith_decimal, T_ANY(TN_T_DECIMAL), {T_ANY(TN_T_DECIMAL), T_ANY(TN_T_DECIMAL)}, 2, false, true, &k_ops[EX_OP_MOD]},
    {"neg", arith_decimal, T_ANY(TN_T_DECIMAL), {T_ANY(TN_T_DECIMAL)}, 1, false, true, &k_ops[EX_OP_NEG]},
    ALL5(arith_f32, TN_T_FLOAT), NEG_F(arith_f32, TN_T_FLOAT),
    ALL5(arith_f64, TN_T_DOUBLE), NEG_F(arith_f64, TN_T_DOUBLE),
    /* dates */
    {"+", arith_date, T_(TN_T_DATE), {T_(TN_T_DATE), T_(TN_T_INT32)}, 2, false, true, &k_ops[EX_OP_ADD]},
    {"+", arith_date, T_(TN_T_DATE), {T_(TN_T_INT32), T_(TN_T_DATE)}, 2, false, true, &k_ops[EX_OP_ADD]},
    {"-", arith_date, T_(TN_T_DATE), {T_(TN_T_DATE), T_(TN_T_INT32)}, 2, false, true, &k_ops[EX_OP_SUB]},
    {"-", arith_date, T_(TN_T_INT32), {T_(TN_T_DATE), T_(TN_T_DATE)}, 2, false, true, &k_ops[EX_OP_SUB]},
    /* timestamps and intervals; ANY timestamp results take the unit of the timestamp argument */
    {"+", arith_ts_interval, T_ANY(TN_T_TIMESTAMP), {T_ANY(TN_T_TIMESTAMP), T_(TN_T_INTERVAL)}, 2, false, true, &k_ops[EX_OP_ADD]},
    {"+", arith_ts_interval, T_ANY(TN_T_TIMESTAMP), {T_(TN_T_INTERVAL), T_ANY(TN_T_TIMESTAMP)}, 2, false, true, &k_ops[EX_OP_ADD]},
    {"-", arith_ts_interval, T_ANY(TN_T_TIMESTAMP), {T_ANY(TN_T_TIMESTAMP), T_(TN_T_INTERVAL)}, 2, false, true, &k_ops[EX_OP_SUB]},
    {"+", arith_ts_interval, T_(TN_T_TIMESTAMP), {T_(TN_T_DATE), T_(TN_T_INTERVAL)}, 2, false, true, &k_ops[EX_OP_ADD]},
    {"+", arith_ts_interval, T_(TN_T_TIMESTAMP), {T_(TN_T_INTERVAL), T_(TN_T_DATE)}, 2, false, true, &k_ops[EX_OP_ADD]},
    {"-", arith_ts_interval, T_(TN_T_TIMESTAMP), {T_(TN_T_DATE), T_(TN_T_INTERVAL)}, 2, false, true, &k_ops[EX_OP_SUB]},
    {"-", arith_ts_diff, T_(TN_T_INTERVAL), {T_ANY(TN_T_TIMESTAMP), T_ANY(TN_T_TIMESTAMP)}, 2, false, true, &k_ops[EX_OP_SUB]},
    {"+", arith_interval, T_(TN_T_INTERVAL), {T_(TN_T_INTERVAL), T_(TN_T_INTERVAL)}, 2, false, true, &k_ops[EX_OP_ADD]},
    {"-", arith_interval, T_(TN_T_INTERVAL), {T_(TN_T_INTERVAL), T_(TN_T_INTERVAL)}, 2, false, true, &k_ops[EX_OP_SUB]},
    {"neg", arith_interval, T_(TN_T_INTERVAL), {T_(TN_T_INTERVAL)}, 1, false, true, &k_ops[EX_OP_NEG]},
    {"*", arith_interval_scale, T_(TN_T_INTERVAL), {T_(TN_T_INTERVAL), T_(TN_T_INT64)}, 2, false, true, &k_ops[EX_OP_MUL]},
    {"*", arith_interval_scale, T_(TN_T_INTERVAL), {T_(TN_T_INT64), T_(TN_T_INTERVAL)}, 2, false, true, &k_ops[EX_OP_MUL]},
    {"*", arith_interval_scale, T_(TN_T_INTERVAL), {T_(TN_T_INTERVAL), T_(TN_T_DOUBLE)}, 2, false, true, &k_ops[EX_OP_MUL]},
    {"*", arith_interval_scale, T_(TN_T_INTERVAL), {T_(TN_T_DOUBLE), T_(TN_T_INTERVAL)}, 2, false, true, &k_ops[EX_OP_MUL]},
    {"/", arith_interval_scale, T_(TN_T_INTERVAL), {T_(TN_T_INTERVAL), T_(TN_T_DOUBLE)}, 2, false, true, &k_ops[EX_OP_DIV]},
};

ex_func_table ex_arith_table(void)
{
    ex_func_table t = {k_arith, TN_ARRAY_LEN(k_arith)};
    return t;
}
