/*
 * func_math.c -- numeric scalar functions: abs, sign, round, ceil/ceiling, floor, trunc, sqrt,
 * cbrt, exp, ln, log/log10, log2, power/pow, pi, degrees, radians, and the trigonometric basics.
 *
 * Semantics: abs of the most negative integer raises "<type> out of range"; DECIMAL inputs stay
 * exact (round/trunc/ceil/floor/abs/sign on the unscaled value; round rounds half away from
 * zero; ceil/floor/trunc/round without digits return DECIMAL(p-s+1, 0)); DOUBLE round rounds
 * half away from zero (DuckDB; PostgreSQL's float round is half-even). Domain errors use
 * PostgreSQL's wording: "cannot take square root of a negative number", "cannot take logarithm
 * of zero", "cannot take logarithm of a negative number"; a finite result overflowing to
 * infinity is "value out of range: overflow". log(x) is the base-10 logarithm and log(b, x) the
 * base-b logarithm (PostgreSQL).
 */
#include "expr_int.h"
#include <math.h>

enum {
    MF_ABS = 1, MF_SIGN, MF_ROUND, MF_CEIL, MF_FLOOR, MF_TRUNC, MF_SQRT, MF_CBRT, MF_EXP, MF_LN, MF_LOG10, MF_LOG2,
    MF_POWER, MF_LOGB, MF_PI, MF_DEGREES, MF_RADIANS, MF_SIN, MF_COS, MF_TAN, MF_ASIN, MF_ACOS, MF_ATAN, MF_ATAN2, MF_COT
};
static const int k_m[] = {0, MF_ABS, MF_SIGN, MF_ROUND, MF_CEIL, MF_FLOOR, MF_TRUNC, MF_SQRT, MF_CBRT, MF_EXP, MF_LN,
                          MF_LOG10, MF_LOG2, MF_POWER, MF_LOGB, MF_PI, MF_DEGREES, MF_RADIANS, MF_SIN, MF_COS, MF_TAN, MF_ASIN,
                          MF_ACOS, MF_ATAN, MF_ATAN2, MF_COT};

static inline int mop(const ex_func *fn) { return *(const int *)fn->data; }

/* ---- integers: abs / sign / identity rounding ---- */

#define INT_MATH(NAME, T, MSG)                                                                 \
    static int NAME(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel,  \
                    uint32_t n, tn_vector *out, tn_err *err)                                   \
    {                                                                                          \
        int rc = ex_strict_nulls(args, nargs, sel, n, out);                                    \
        if (rc)                                                                                \
            return rc;                                                                         \
        tn_vview a;                                                                            \
        tn_vector_view(args[0], 0, &a);                                                        \
        const T *x = a.data;                                                                   \
        T *o = out->data;                                                                      \
        int op = mop(fn);                                                                      \
        for (uint32_t i = 0; i < n; i++) {                                                     \
            uint32_t r = EX_ROW(sel, i);                                                       \
            if (!ex_out_valid(out, r))                                                         \
                continue;                                                                      \
            T v = x[tn_vview_index(&a, r)];                                                    \
            if (op == MF_ABS) {                                                                 \
                if (v < 0 && __builtin_sub_overflow((T)0, v, &o[r]))                           \
                    return tn_err_set(err, TN_RANGE, MSG " out of range");                     \
                if (!(v < 0))                                                                  \
                    o[r] = v;                                                                  \
            } else if (op == MF_SIGN) {                                                         \
                o[r] = (T)((v > 0) - (v < 0));                                                 \
            } else {                                                                           \
                o[r] = v; /* round/ceil/floor/trunc of an integer */                           \
            }                                                                                  \
        }                                                                                      \
        return TN_OK;                                                                          \
    }

INT_MATH(math_i8, int8_t, "tinyint")
INT_MATH(math_i16, int16_t, "smallint")
INT_MATH(math_i32, int32_t, "integer")
INT_MATH(math_i64, int64_t, "bigint")
INT_MATH(math_i128, tn_i128, "hugeint")

/* ---- doubles ---- */

static double round_digits(double x, int64_t d)
{
    if (d > 308 || isnan(x) || isinf(x))
        return x;
    if (d < -308)
        return 0;
    double p = pow(10.0, (double)(d < 0 ? -d : d));
    if (d >= 0) {
        double y = round(x * p) / p;
        return isinf(x * p) ? x : y;
    }
    return round(x / p) * p;
}

static double trunc_digits(double x, int64_t d)
{
    if (d > 308 || isnan(x) || isinf(x))
        return x;
    if (d < -308)
        return 0;
    double p = pow(10.0, (double)(d < 0 ? -d : d));
    if (d >= 0) {
        double y = trunc(x * p) / p;
        return isinf(x * p) ? x : y;
    }
    return trunc(x / p) * p;
}

static int math_double(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                       tn_vector *out, tn_err *err)
{
    int rc = ex_strict_nulls(args, nargs, sel, n, out);
    if (rc)
        return rc;
    int op = mop(fn);
    double *o = out->data;
    if (op == MF_PI) {
        for (uint32_t i = 0; i < n; i++)
            o[EX_ROW(sel, i)] = 3.14159265358979323846;
        return TN_OK;
    }
    tn_vview a, b;
    tn_vector_view(args[0], 0, &a);
    if (nargs > 1)
        tn_vector_view(args[1], 0, &b);
    const double *x = a.data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        double v = x[tn_vview_index(&a, r)], res;
        switch (op) {
        case MF_ABS: res = fabs(v); break;
        case MF_SIGN: res = v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0; break;
        case MF_ROUND:
            res = nargs > 1 ? round_digits(v, ((const int64_t *)b.data)[tn_vview_index(&b, r)]) : round(v);
            break;
        case MF_TRUNC:
            res = nargs > 1 ? trunc_digits(v, ((const int64_t *)b.data)[tn_vview_index(&b, r)]) : trunc(v);
            break;
        case MF_CEIL: res = ceil(v); break;
        case MF_FLOOR: res = floor(v); break;
        case MF_SQRT:
            if (v < 0)
                return tn_err_set(err, TN_RANGE, "cannot take square root of a negative number");
            res = sqrt(v);
            break;
        case MF_CBRT: res = cbrt(v); break;
        case MF_EXP: res = exp(v); break;
        case MF_LN:
        case MF_LOG10:
        case MF_LOG2:
            if (v == 0)
                return tn_err_set(err, TN_RANGE, "cannot take logarithm of zero");
            if (v < 0)
                return tn_err_set(err, TN_RANGE, "cannot take logarithm of a negative number");
            res = op == MF_LN ? log(v) : op == MF_LOG10 ? log10(v) : log2(v);
            break;
        case MF_POWER: {
            double y = ((const double *)b.data)[tn_vview_index(&b, r)];
            if (v == 0 && y < 0)
                return tn_err_set(err, TN_RANGE, "zero raised to a negative power is undefined");
            if (v < 0 && y != floor(y))
                return tn_err_set(err, TN_RANGE, "a negative number raised to a non-integer power yields a complex result");
            res = pow(v, y);
            if (isinf(res) && !isinf(v) && !isinf(y))
                return tn_err_set(err, TN_RANGE, "value out of range: overflow");
            break;
        }
        case MF_LOGB: {
            /* log(base, x) */
            double xv = ((const double *)b.data)[tn_vview_index(&b, r)];
            if (v == 0 || xv == 0)
                return tn_err_set(err, TN_RANGE, "cannot take logarithm of zero");
            if (v < 0 || xv < 0)
                return tn_err_set(err, TN_RANGE, "cannot take logarithm of a negative number");
            if (v == 1)
                return tn_err_set(err, TN_RANGE, "division by zero");
            res = log(xv) / log(v);
            break;
        }
        case MF_DEGREES: res = v * (180.0 / 3.14159265358979323846); break;
        case MF_RADIANS: res = v * (3.14159265358979323846 / 180.0); break;
        case MF_SIN: res = sin(v); break;
        case MF_COS: res = cos(v); break;
        case MF_TAN: res = tan(v); break;
        case MF_COT: res = 1.0 / tan(v); break;
        case MF_ASIN:
        case MF_ACOS:
            if (v < -1 || v > 1)
                return tn_err_set(err, TN_RANGE, "input is out of range");
            res = op == MF_ASIN ? asin(v) : acos(v);
            break;
        case MF_ATAN: res = atan(v); break;
        case MF_ATAN2: res = atan2(v, ((const double *)b.data)[tn_vview_index(&b, r)]); break;
        default: return tn_err_set(err, TN_MISUSE, "bad math function");
        }
        if (op == MF_EXP && isinf(res) && !isinf(v))
            return tn_err_set(err, TN_RANGE, "value out of range: overflow");
        o[r] = res;
    }
    return TN_OK;
}

/* ---- decimals ---- */

static tn_i128 pow10_i128(int e)
{
    tn_i128 p = 1;
    for (int i = 0; i < e; i++)
        p *= 10;
    return p;
}

static inline tn_i128 dload(const void *d, uint32_t k, bool small)
{
    if (small)
        return ((const int64_t *)d)[k];
    tn_i128 v;
    memcpy(&v, (const unsigned char *)d + (size_t)k * 16, 16);
    return v;
}

static inline void dstore(void *d, uint32_t r, bool small, tn_i128 v)
{
    if (small)
        ((int64_t *)d)[r] = (int64_t)v;
    else
        memcpy((unsigned char *)d + (size_t)r * 16, &v, 16);
}

/* v (scale s) rounded to `keep` fractional digits per op; result still at scale s. */
static tn_i128 dec_round_at(tn_i128 v, int s, int64_t keep, int op)
{
    if (keep >= s)
        return v;
    int drop = (int)(s - keep);
    if (drop > 38)
        return 0; /* |v| < 10^38 <= 10^drop: rounds to 0 (or +-1 unit of 10^drop, which overflows) */
    tn_i128 p = pow10_i128(drop), q = v / p, rem = v % p;
    switch (op) {
    case MF_ROUND: {
        tn_i128 arem = rem < 0 ? -rem : rem;
        if (arem >= p - arem)
            q += v < 0 ? -1 : 1;
        break;
    }
    case MF_CEIL:
        if (rem > 0)
            q += 1;
        break;
    case MF_FLOOR:
        if (rem < 0)
            q -= 1;
        break;
    default: break; /* trunc */
    }
    return q * p;
}

static int math_decimal(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                        tn_vector *out, tn_err *err)
{
    int rc = ex_strict_nulls(args, nargs, sel, n, out);
    if (rc)
        return rc;
    int op = mop(fn);
    tn_type ta = args[0]->type, to = out->type;
    bool sa = tn_decimal_is_small(ta), so = tn_decimal_is_small(to);
    tn_vview a, b;
    tn_vector_view(args[0], 0, &a);
    if (nargs > 1)
        tn_vector_view(args[1], 0, &b);
    tn_i128 lim = pow10_i128(to.precision);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        tn_i128 v = dload(a.data, tn_vview_index(&a, r), sa), res;
        switch (op) {
        case MF_ABS: res = v < 0 ? -v : v; break;
        case MF_SIGN: res = ((v > 0) - (v < 0)) * pow10_i128(to.scale); break;
        default: {
            int64_t keep = nargs > 1 ? ((const int64_t *)b.data)[tn_vview_index(&b, r)] : 0;
            if (keep < -38)
                keep = -38;
            tn_i128 x = dec_round_at(v, ta.scale, keep, op);
            /* rescale to the result's scale (result scale <= input scale) */
            res = to.scale < ta.scale ? x / pow10_i128(ta.scale - to.scale) : x;
            break;
        }
        }
        if (res >= lim || res <= -lim)
            return tn_err_set(err, TN_RANGE, "decimal out of range");
        dstore(out->data, r, so, res);
    }
    return TN_OK;
}

/* ---- catalog ---- */

#define T_(id) {(uint8_t)(id), 0, 0, 0, 0, 0, NULL}
#define T_ANY(id) {(uint8_t)(id), 0, 0, 0, 0, EX_TF_ANY, NULL}
#define DBL T_(TN_T_DOUBLE)
#define I64 T_(TN_T_INT64)
#define DEC T_ANY(TN_T_DECIMAL)
#define INT_F(name, kern, id, m) {name, kern, T_(id), {T_(id)}, 1, false, true, &k_m[m]}
#define INT_ALL(name, m)                                                                        \
    INT_F(name, math_i8, TN_T_INT8, m), INT_F(name, math_i16, TN_T_INT16, m),                   \
        INT_F(name, math_i32, TN_T_INT32, m), INT_F(name, math_i64, TN_T_INT64, m),             \
        INT_F(name, math_i128, TN_T_INT128, m)
#define D1(name, m) {name, math_double, DBL, {DBL}, 1, false, true, &k_m[m]}
#define D2(name, m) {name, math_double, DBL, {DBL, DBL}, 2, false, true, &k_m[m]}
/* decimal result "same type" (NEG rule) or "scale 0" (ROUND0 rule) via the op code in data */
#define DEC_SAME(name, m) {name, math_decimal, DEC, {DEC}, 1, false, true, &k_dec_same[m]}
#define DEC_S0(name, m) {name, math_decimal, DEC, {DEC}, 1, false, true, &k_dec_s0[m]}

/* DECIMAL entries: the data array an entry points into tells ex_math_decimal_type how to type
 * the result (k_dec_same: the argument's type; k_dec_s0: DECIMAL(p-s+1, 0)). */
static const int k_dec_same[] = {0, MF_ABS, MF_SIGN, MF_ROUND, MF_CEIL, MF_FLOOR, MF_TRUNC};
static const int k_dec_s0[] = {0, MF_ABS, MF_SIGN, MF_ROUND, MF_CEIL, MF_FLOOR, MF_TRUNC};

static const ex_func k_math[] = {
    INT_ALL("abs", MF_ABS), DEC_SAME("abs", MF_ABS), D1("abs", MF_ABS),
    INT_ALL("sign", MF_SIGN), DEC_SAME("sign", MF_SIGN), D1("sign", MF_SIGN),
    INT_ALL("round", MF_ROUND), DEC_S0("round", MF_ROUND), D1("round", MF_ROUND),
    {"round", math_decimal, DEC, {DEC, I64}, 2, false, true, &k_dec_same[MF_ROUND]},
    {"round", math_double, DBL, {DBL, I64}, 2, false, true, &k_m[MF_ROUND]},
    INT_ALL("ceil", MF_CEIL), DEC_S0("ceil", MF_CEIL), D1("ceil", MF_CEIL),
    INT_ALL("ceiling", MF_CEIL), DEC_S0("ceiling", MF_CEIL), D1("ceiling", MF_CEIL),
    INT_ALL("floor", MF_FLOOR), DEC_S0("floor", MF_FLOOR), D1("floor", MF_FLOOR),
    INT_ALL("trunc", MF_TRUNC), DEC_S0("trunc", MF_TRUNC), D1("trunc", MF_TRUNC),
    {"trunc", math_decimal, DEC, {DEC, I64}, 2, false, true, &k_dec_same[MF_TRUNC]},
    {"trunc", math_double, DBL, {DBL, I64}, 2, false, true, &k_m[MF_TRUNC]},
    D1("sqrt", MF_SQRT), D1("cbrt", MF_CBRT), D1("exp", MF_EXP), D1("ln", MF_LN), D1("log", MF_LOG10),
    D1("log10", MF_LOG10), D1("log2", MF_LOG2), D2("power", MF_POWER), D2("log", MF_LOGB), D2("pow", MF_POWER),
    {"pi", math_double, DBL, {DBL}, 0, false, true, &k_m[MF_PI]},
    D1("degrees", MF_DEGREES), D1("radians", MF_RADIANS), D1("sin", MF_SIN), D1("cos", MF_COS), D1("tan", MF_TAN),
    D1("cot", MF_COT), D1("asin", MF_ASIN), D1("acos", MF_ACOS), D1("atan", MF_ATAN), D2("atan2", MF_ATAN2),
};

ex_func_table ex_math_table(void)
{
    ex_func_table t = {k_math, TN_ARRAY_LEN(k_math)};
    return t;
}

bool ex_math_is_decimal_digits(const ex_func *fn)
{
    return fn->kernel == math_decimal && fn->nargs == 2;
}

/* Result type of a decimal math entry (called by the resolver for EX_TF_ANY results). */
bool ex_math_decimal_type(const ex_func *fn, tn_type arg, tn_type *out)
{
    if (fn < k_math || fn >= k_math + TN_ARRAY_LEN(k_math) || fn->kernel != math_decimal)
        return false;
    const int *d = fn->data;
    if (d >= k_dec_s0 && d < k_dec_s0 + TN_ARRAY_LEN(k_dec_s0)) {
        int p = arg.precision - arg.scale + 1;
        *out = tn_type_decimal(p > 38 ? 38 : p < 1 ? 1 : p, 0);
    } else {
        *out = arg;
        out->flags = 0;
    }
    return true;
}
