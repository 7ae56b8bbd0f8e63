/*
 * cast.c -- CAST between tarn types: the vector cast (ex_cast_vector) used by EX_CAST nodes, the
 * scalar cast (ex_cast_value) used for folding, and the cast rules (ex_cast_allowed,
 * ex_cast_cost) used by overload resolution.
 *
 * Semantics (PostgreSQL, with DuckDB's extra types):
 *  - integer -> integer: range-checked; failure is TN_RANGE "<type> out of range" ("integer",
 *    "smallint", "bigint", ...).
 *  - DECIMAL -> integer and DECIMAL -> DECIMAL with fewer fractional digits round half away from
 *    zero; FLOAT/DOUBLE -> integer rounds half to even (rint, as PostgreSQL); NaN/Inf or values
 *    outside the target raise TN_RANGE. A DECIMAL result that does not fit its precision raises
 *    TN_RANGE "numeric field overflow". DOUBLE -> FLOAT overflow raises "value out of range:
 *    overflow".
 *  - text -> anything parses (surrounding blanks allowed); bad text is TN_ERROR
 *    `invalid input syntax for type integer: "abc"`; a well-formed number outside the type is
 *    TN_RANGE `value "300" is out of range for type smallint`. Booleans accept
 *    true/false/t/f/yes/no/y/n/on/off/1/0 (case-insensitive). Dates/times/timestamps use
 *    util/datetime.h, intervals accept "<n> <unit>" lists and "HH:MM:SS" parts (optional "ago").
 *  - anything -> text renders with util/format.h (the shell's rendering).
 *  - BOOLEAN <-> numbers: 0 is false, anything else true; true is 1.
 *  - DECIMAL -> DOUBLE is correctly rounded when the unscaled value has <= 53 bits.
 *  - DATE <-> TIMESTAMP (midnight / floor to the day), TIMESTAMP unit changes (floor when
 *    coarsening), TIMESTAMP -> TIME (time of day), TIMESTAMP <-> TIMESTAMPTZ keep the instant.
 *  - try_cast turns every conversion failure into NULL (never an error).
 * Rows outside the selection and NULL rows are never converted and never raise errors.
 */
#include "expr_int.h"
#include "../util/datetime.h"
#include "../util/format.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

typedef struct cast_ctx {
    tn_vector *src, *out;
    tn_vview sv;
    const uint32_t *sel;
    uint32_t n;
    bool try_cast;
    tn_err *err;
    tn_type from, to;
} cast_ctx;

/* Conversion failure at row r: NULL under try_cast (returns TN_OK), else the error. */
static int fail(cast_ctx *c, uint32_t r, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(cast_ctx *c, uint32_t r, int code, const char *fmt, ...)
{
    if (c->try_cast)
        return tn_vector_set_null(c->out, r);
    if (c->err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err->msg, sizeof c->err->msg, fmt, ap);
        va_end(ap);
        c->err->code = code;
    }
    return code;
}

/* PostgreSQL's name of a type in messages. */
static const char *pg_name(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL: return "boolean";
    case TN_T_INT8: return "tinyint";
    case TN_T_INT16: return "smallint";
    case TN_T_INT32: return "integer";
    case TN_T_INT64: return "bigint";
    case TN_T_UINT8: return "utinyint";
    case TN_T_UINT16: return "usmallint";
    case TN_T_UINT32: return "uinteger";
    case TN_T_UINT64: return "ubigint";
    case TN_T_INT128: return "hugeint";
    case TN_T_FLOAT: return "real";
    case TN_T_DOUBLE: return "double precision";
    case TN_T_DECIMAL: return "numeric";
    case TN_T_DATE: return "date";
    case TN_T_TIME: return "time";
    case TN_T_TIMESTAMP: return t.tz ? "timestamp with time zone" : "timestamp";
    case TN_T_INTERVAL: return "interval";
    case TN_T_VARCHAR: return "text";
    case TN_T_BLOB: return "bytea";
    case TN_T_UUID: return "uuid";
    default: return "unknown";
    }
}

static tn_i128 pow10_i128(int e)
{
    tn_i128 p = 1;
    for (int i = 0; i < e; i++)
        p *= 10;
    return p;
}

static int64_t floor_div64(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Integer limits of integer type t as i128. */
static void int_limits(tn_type t, tn_i128 *lo, tn_i128 *hi)
{
    switch ((tn_type_id)t.id) {
    case TN_T_INT8: *lo = INT8_MIN, *hi = INT8_MAX; break;
    case TN_T_INT16: *lo = INT16_MIN, *hi = INT16_MAX; break;
    case TN_T_INT32: *lo = INT32_MIN, *hi = INT32_MAX; break;
    case TN_T_INT64: *lo = INT64_MIN, *hi = INT64_MAX; break;
    case TN_T_UINT8: *lo = 0, *hi = UINT8_MAX; break;
    case TN_T_UINT16: *lo = 0, *hi = UINT16_MAX; break;
    case TN_T_UINT32: *lo = 0, *hi = UINT32_MAX; break;
    case TN_T_UINT64: *lo = 0, *hi = UINT64_MAX; break;
    default: /* INT128 */
        *hi = (tn_i128)(((tn_u128)1 << 127) - 1);
        *lo = -*hi - 1;
        break;
    }
}

/* Store integer v into integer vector data at row r (already range-checked). */
static inline void store_int(tn_type t, void *data, uint32_t r, tn_i128 v)
{
    switch ((tn_type_id)t.id) {
    case TN_T_INT8: ((int8_t *)data)[r] = (int8_t)v; break;
    case TN_T_INT16: ((int16_t *)data)[r] = (int16_t)v; break;
    case TN_T_INT32: ((int32_t *)data)[r] = (int32_t)v; break;
    case TN_T_INT64: ((int64_t *)data)[r] = (int64_t)v; break;
    case TN_T_UINT8: ((uint8_t *)data)[r] = (uint8_t)v; break;
    case TN_T_UINT16: ((uint16_t *)data)[r] = (uint16_t)v; break;
    case TN_T_UINT32: ((uint32_t *)data)[r] = (uint32_t)v; break;
    case TN_T_UINT64: ((uint64_t *)data)[r] = (uint64_t)v; break;
    default: memcpy((unsigned char *)data + (size_t)r * 16, &v, 16); break;
    }
}

/* Load integer-like (ints, BOOL, DECIMAL unscaled) value k as i128. */
static inline tn_i128 load_int(tn_type t, const void *data, uint32_t k)
{
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL: return ((const uint8_t *)data)[k] != 0;
    case TN_T_INT8: return ((const int8_t *)data)[k];
    case TN_T_INT16: return ((const int16_t *)data)[k];
    case TN_T_INT32: return ((const int32_t *)data)[k];
    case TN_T_INT64: return ((const int64_t *)data)[k];
    case TN_T_UINT8: return ((const uint8_t *)data)[k];
    case TN_T_UINT16: return ((const uint16_t *)data)[k];
    case TN_T_UINT32: return ((const uint32_t *)data)[k];
    case TN_T_UINT64: return ((const uint64_t *)data)[k];
    case TN_T_DECIMAL:
        if (tn_decimal_is_small(t))
            return ((const int64_t *)data)[k];
        /* fall through */
    default: {
        tn_i128 v;
        memcpy(&v, (const unsigned char *)data + (size_t)k * 16, 16);
        return v;
    }
    }
}

/* v / 10^e rounded half away from zero. */
static tn_i128 div_round(tn_i128 v, int e)
{
    if (e <= 0)
        return v;
    if (e > 38)
        return 0;
    tn_i128 p = pow10_i128(e), q = v / p, rem = v % p;
    if (rem < 0)
        rem = -rem;
    if (rem >= p - rem)
        q += v < 0 ? -1 : 1;
    return q;
}

double ex_decimal_to_double(tn_i128 v, int scale)
{
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (scale == 0)
        return (double)v;
    /* exact operands give one correctly rounded division */
    const tn_i128 exact = (tn_i128)1 << 53;
    if (v < exact && v > -exact && scale <= 22)
        return (double)v / p10[scale];
    /* otherwise split integer and fractional parts so the integer part rounds only once */
    tn_i128 p = pow10_i128(scale), ip = v / p, fp = v % p;
    return (double)ip + (double)fp / (double)p;
}

/* ======================= integer -> integer (hot: implicit widening) ======================= */

#define I2I_LOOP(S, D)                                                                         \
    do {                                                                                       \
        const S *sd = c->sv.data;                                                              \
        D *dd = c->out->data;                                                                  \
        for (uint32_t i = 0; i < c->n; i++) {                                                  \
            uint32_t r = EX_ROW(c->sel, i);                                                    \
            if (!tn_vview_valid(&c->sv, r))                                                    \
                continue;                                                                      \
            tn_i128 v = (tn_i128)sd[tn_vview_index(&c->sv, r)];                                \
            if (v < lo || v > hi) {                                                            \
                int rc_ = fail(c, r, TN_RANGE, "%s out of range", pg_name(c->to));             \
                if (rc_)                                                                       \
                    return rc_;                                                                \
                continue;                                                                      \
            }                                                                                  \
            dd[r] = (D)v;                                                                      \
        }                                                                                      \
    } while (0)

#define I2I_DST(S)                                                                             \
    switch ((tn_type_id)c->to.id) {                                                            \
    case TN_T_INT8: I2I_LOOP(S, int8_t); break;                                                \
    case TN_T_INT16: I2I_LOOP(S, int16_t); break;                                              \
    case TN_T_INT32: I2I_LOOP(S, int32_t); break;                                              \
    case TN_T_INT64: I2I_LOOP(S, int64_t); break;                                              \
    case TN_T_UINT8: I2I_LOOP(S, uint8_t); break;                                              \
    case TN_T_UINT16: I2I_LOOP(S, uint16_t); break;                                            \
    case TN_T_UINT32: I2I_LOOP(S, uint32_t); break;                                            \
    case TN_T_UINT64: I2I_LOOP(S, uint64_t); break;                                            \
    default: I2I_LOOP(S, tn_i128); break;                                                      \
    }

static int cast_int_int(cast_ctx *c)
{
    tn_i128 lo, hi;
    int_limits(c->to, &lo, &hi);
    switch ((tn_type_id)c->from.id) {
    case TN_T_INT8: I2I_DST(int8_t); break;
    case TN_T_INT16: I2I_DST(int16_t); break;
    case TN_T_INT32: I2I_DST(int32_t); break;
    case TN_T_INT64: I2I_DST(int64_t); break;
    case TN_T_UINT8: I2I_DST(uint8_t); break;
    case TN_T_UINT16: I2I_DST(uint16_t); break;
    case TN_T_UINT32: I2I_DST(uint32_t); break;
    case TN_T_UINT64: I2I_DST(uint64_t); break;
    default: I2I_DST(tn_i128); break;
    }
    return TN_OK;
}

/* ======================= generic numeric ======================= */

/* A numeric value: exact (i / 10^scale) or floating. */
typedef struct num {
    bool is_f;
    tn_i128 i;
    int scale;
    double f;
} num;

static inline void load_num(tn_type t, const void *data, uint32_t k, num *x)
{
    x->is_f = false;
    x->scale = 0;
    x->i = 0;
    x->f = 0;
    if (t.id == TN_T_FLOAT) {
        x->is_f = true;
        x->f = ((const float *)data)[k];
    } else if (t.id == TN_T_DOUBLE) {
        x->is_f = true;
        x->f = ((const double *)data)[k];
    } else {
        x->i = load_int(t, data, k);
        if (t.id == TN_T_DECIMAL)
            x->scale = t.scale;
    }
}

static double num_to_double(const num *x)
{
    if (x->is_f)
        return x->f;
    return ex_decimal_to_double(x->i, x->scale);
}

/* Store numeric x into row r of c->out (type c->to). */
static int store_num(cast_ctx *c, uint32_t r, const num *x)
{
    tn_type to = c->to;
    void *d = c->out->data;
    if (to.id == TN_T_FLOAT || to.id == TN_T_DOUBLE) {
        double v = num_to_double(x);
        if (to.id == TN_T_FLOAT) {
            float f = (float)v;
            if (isinf(f) && !isinf(v))
                return fail(c, r, TN_RANGE, "value out of range: overflow");
            ((float *)d)[r] = f;
        } else {
            ((double *)d)[r] = v;
        }
        return TN_OK;
    }
    if (to.id == TN_T_BOOL) {
        ((uint8_t *)d)[r] = x->is_f ? x->f != 0 : x->i != 0;
        return TN_OK;
    }
    if (to.id == TN_T_DECIMAL) {
        tn_i128 v, lim = pow10_i128(to.precision);
        if (x->is_f) {
            if (isnan(x->f) || isinf(x->f))
                return fail(c, r, TN_RANGE, "cannot convert %s to numeric", isnan(x->f) ? "NaN" : "infinity");
            double s = round(x->f * (double)pow10_i128(to.scale));
            if (!(fabs(s) < (double)lim))
                return fail(c, r, TN_RANGE, "numeric field overflow");
            v = (tn_i128)s;
        } else if (x->scale > to.scale) {
            v = div_round(x->i, x->scale - to.scale);
        } else if (__builtin_mul_overflow(x->i, pow10_i128(to.scale - x->scale), &v)) {
            return fail(c, r, TN_RANGE, "numeric field overflow");
        }
        if (v >= lim || v <= -lim)
            return fail(c, r, TN_RANGE, "numeric field overflow");
        if (tn_decimal_is_small(to))
            ((int64_t *)d)[r] = (int64_t)v;
        else
            memcpy((unsigned char *)d + (size_t)r * 16, &v, 16);
        return TN_OK;
    }
    /* integer target */
    tn_i128 lo, hi, v;
    int_limits(to, &lo, &hi);
    if (x->is_f) {
        double f = rint(x->f);
        /* hi + 1 and lo are exact powers of two (or 0) in double; NaN fails both tests */
        double lo_d = (double)lo, hi1 = (double)hi + 1.0;
        if (!(f >= lo_d && f < hi1))
            return fail(c, r, TN_RANGE, "%s out of range", pg_name(to));
        v = (tn_i128)f;
    } else {
        v = div_round(x->i, x->scale);
    }
    if (v < lo || v > hi)
        return fail(c, r, TN_RANGE, "%s out of range", pg_name(to));
    store_int(to, d, r, v);
    return TN_OK;
}

static int cast_numeric(cast_ctx *c)
{
    for (uint32_t i = 0; i < c->n; i++) {
        uint32_t r = EX_ROW(c->sel, i);
        if (!tn_vview_valid(&c->sv, r))
            continue;
        num x;
        load_num(c->from, c->sv.data, tn_vview_index(&c->sv, r), &x);
        int rc = store_num(c, r, &x);
        if (rc)
            return rc;
    }
    return TN_OK;
}

/* ======================= text -> value ======================= */

static void trim(const char **p, size_t *n)
{
    while (*n && isspace((unsigned char)**p))
        (*p)++, (*n)--;
    while (*n && isspace((unsigned char)(*p)[*n - 1]))
        (*n)--;
}

/* Integer text: [+-]digits. 1 ok, 0 syntax error, -1 out of 128-bit range. */
static int parse_int_text(const char *p, size_t n, tn_i128 *out)
{
    trim(&p, &n);
    bool neg = false;
    if (n && (*p == '+' || *p == '-')) {
        neg = *p == '-';
        p++, n--;
    }
    if (!n)
        return 0;
    tn_u128 v = 0;
    const tn_u128 lim = (tn_u128)1 << 127;
    bool of = false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '_' && i > 0 && i + 1 < n && isdigit((unsigned char)p[i - 1]) && isdigit((unsigned char)p[i + 1]))
            continue;
        if (!isdigit((unsigned char)p[i]))
            return 0;
        tn_u128 dgt = (tn_u128)(p[i] - '0');
        if (!of && v > (lim - dgt) / 10)
            of = true;
        if (!of)
            v = v * 10 + dgt;
    }
    if (of || (!neg && v == lim))
        return -1;
    *out = neg ? (tn_i128)((tn_u128)0 - v) : (tn_i128)v;
    return 1;
}

/* Decimal text at `scale`: [+-]digits[.digits][e[+-]digits], rounded half away from zero.
 * 1 ok, 0 syntax error, -1 overflow of 38 digits. */
static int parse_decimal_text(const char *p, size_t n, int scale, tn_i128 *out)
{
    trim(&p, &n);
    bool neg = false;
    size_t i = 0;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        neg = p[i++] == '-';
    /* significant digits digs[0..nd) and exponent: value = digs * 10^exp10 */
    char digs[80];
    int nd = 0;
    long exp10 = 0;
    bool any = false, dot = false;
    for (; i < n; i++) {
        char ch = p[i];
        if (ch == '.' && !dot) {
            dot = true;
            continue;
        }
        if (!isdigit((unsigned char)ch))
            break;
        any = true;
        if (nd == 0 && ch == '0') {
            if (dot)
                exp10--;
            continue;
        }
        if (nd < 76) {
            digs[nd++] = ch;
            if (dot)
                exp10--;
        } else if (!dot) {
            exp10++; /* an integer digit beyond what we keep: magnitude grows */
        }
    }
    if (!any)
        return 0;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            eneg = p[i++] == '-';
        if (i >= n || !isdigit((unsigned char)p[i]))
            return 0;
        long e = 0;
        for (; i < n && isdigit((unsigned char)p[i]); i++)
            if (e < 100000)
                e = e * 10 + (p[i] - '0');
        exp10 += eneg ? -e : e;
    }
    if (i != n)
        return 0;
    tn_i128 v = 0;
    long shift = exp10 + scale; /* result = round(digs * 10^shift) */
    if (nd == 0) {
        *out = 0;
        return 1;
    }
    if (shift >= 0) {
        if (nd + shift > 38)
            return -1;
        for (int k = 0; k < nd; k++)
            v = v * 10 + (digs[k] - '0');
        v *= pow10_i128((int)shift);
    } else {
        long keep = nd + shift; /* digits left of the rounding point */
        if (keep > 38)
            return -1;
        if (keep >= 0) {
            for (long k = 0; k < keep; k++)
                v = v * 10 + (digs[k] - '0');
            if (digs[keep] >= '5')
                v += 1;
        }
    }
    *out = neg ? -v : v;
    return 1;
}

static bool parse_bool_text(const char *p, size_t n, bool *out)
{
    static const char *const t[] = {"true", "t", "yes", "y", "on", "1"};
    static const char *const f[] = {"false", "f", "no", "n", "off", "0"};
    trim(&p, &n);
    for (size_t i = 0; i < TN_ARRAY_LEN(t); i++) {
        if (n == strlen(t[i]) && strncasecmp(p, t[i], n) == 0) {
            *out = true;
            return true;
        }
        if (n == strlen(f[i]) && strncasecmp(p, f[i], n) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool parse_double_text(const char *p, size_t n, double *out, bool *range)
{
    char small[64];
    char *buf = small;
    bool ok = false;
    *range = false;
    trim(&p, &n);
    if (!n)
        return false;
    if (n >= sizeof small) {
        buf = tn_malloc(n + 1);
        if (!buf)
            return false;
    }
    memcpy(buf, p, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (end == buf + n) {
        ok = true;
        if (errno == ERANGE && isinf(d))
            *range = true;
        *out = d;
    }
    if (buf != small)
        tn_free(buf);
    return ok;
}

/* Interval text: "<n> <unit> ...", "[-]HH:MM[:SS[.f]]", optional "ago". Values are accumulated
 * in long double (64-bit mantissa: every int64 microsecond count is exact) and range-checked. */
static bool parse_interval_text(const char *p, size_t n, tn_interval *out)
{
    trim(&p, &n);
    long double months = 0, days = 0, micros = 0;
    size_t i = 0;
    bool any = false;
    char nb[64];
    char *e;
    while (i < n) {
        while (i < n && isspace((unsigned char)p[i]))
            i++;
        if (i >= n)
            break;
        if (n - i >= 3 && strncasecmp(p + i, "ago", 3) == 0 && (i + 3 == n || isspace((unsigned char)p[i + 3]))) {
            months = -months, days = -days, micros = -micros;
            i += 3;
            continue;
        }
        bool neg = false;
        if (p[i] == '+' || p[i] == '-')
            neg = p[i++] == '-';
        size_t s0 = i;
        while (i < n && (isdigit((unsigned char)p[i]) || p[i] == '.'))
            i++;
        if (i == s0 || i - s0 >= sizeof nb)
            return false;
        memcpy(nb, p + s0, i - s0);
        nb[i - s0] = 0;
        long double val = strtold(nb, &e);
        if (*e)
            return false;
        if (i < n && p[i] == ':') {
            /* HH:MM[:SS[.f]] */
            long double mm = 0, ss = 0;
            i++;
            size_t s2 = i;
            while (i < n && isdigit((unsigned char)p[i]))
                i++;
            if (i == s2 || i - s2 > 2)
                return false;
            memcpy(nb, p + s2, i - s2);
            nb[i - s2] = 0;
            mm = strtold(nb, &e);
            if (i < n && p[i] == ':') {
                i++;
                size_t s3 = i;
                while (i < n && (isdigit((unsigned char)p[i]) || p[i] == '.'))
                    i++;
                if (i == s3 || i - s3 >= sizeof nb)
                    return false;
                memcpy(nb, p + s3, i - s3);
                nb[i - s3] = 0;
                ss = strtold(nb, &e);
                if (*e)
                    return false;
            }
            long double tot = val * 3600e6L + mm * 60e6L + ss * 1e6L;
            micros += neg ? -tot : tot;
            any = true;
            continue;
        }
        if (neg)
            val = -val;
        while (i < n && isspace((unsigned char)p[i]))
            i++;
        size_t u = i;
        while (i < n && isalpha((unsigned char)p[i]))
            i++;
        size_t ul = i - u;
        const char *w = p + u;
        long double mon = 0, dd = 0, us = 0; /* this term in each component */
#define UNIT_IS(str) (ul == strlen(str) && strncasecmp(w, str, ul) == 0)
        if (UNIT_IS("millennium") || UNIT_IS("millennia") || UNIT_IS("millenniums"))
            mon = roundl(val * 12000);
        else if (UNIT_IS("century") || UNIT_IS("centuries"))
            mon = roundl(val * 1200);
        else if (UNIT_IS("decade") || UNIT_IS("decades"))
            mon = roundl(val * 120);
        else if (UNIT_IS("year") || UNIT_IS("years") || UNIT_IS("y") || UNIT_IS("yr") || UNIT_IS("yrs"))
            mon = roundl(val * 12);
        else if (UNIT_IS("quarter") || UNIT_IS("quarters"))
            mon = roundl(val * 3);
        else if (UNIT_IS("month") || UNIT_IS("months") || UNIT_IS("mon") || UNIT_IS("mons"))
            mon = val;
        else if (UNIT_IS("week") || UNIT_IS("weeks") || UNIT_IS("w"))
            dd = val * 7;
        else if (UNIT_IS("day") || UNIT_IS("days") || UNIT_IS("d"))
            dd = val;
        else if (UNIT_IS("hour") || UNIT_IS("hours") || UNIT_IS("h") || UNIT_IS("hr") || UNIT_IS("hrs"))
            us = val * 3600e6L;
        else if (UNIT_IS("minute") || UNIT_IS("minutes") || UNIT_IS("min") || UNIT_IS("mins") || UNIT_IS("m"))
            us = val * 60e6L;
        else if (UNIT_IS("second") || UNIT_IS("seconds") || UNIT_IS("sec") || UNIT_IS("secs") || UNIT_IS("s"))
            us = val * 1e6L;
        else if (UNIT_IS("millisecond") || UNIT_IS("milliseconds") || UNIT_IS("ms") || UNIT_IS("msec") ||
                 UNIT_IS("msecs"))
            us = val * 1e3L;
        else if (UNIT_IS("microsecond") || UNIT_IS("microseconds") || UNIT_IS("us") || UNIT_IS("usec") ||
                 UNIT_IS("usecs"))
            us = truncl(val);
        else if (ul == 0 && i >= n)
            us = val * 1e6L; /* bare number: seconds (PostgreSQL) */
        else
            return false;
#undef UNIT_IS
        /* year-level units round to whole months; fractional months spill into days (30 per
         * month) and fractional days into time (DuckDB) */
        long double wm = truncl(mon);
        dd += (mon - wm) * 30;
        long double wd = truncl(dd);
        us += (dd - wd) * 86400e6L;
        months += wm;
        days += wd;
        micros += us;
        any = true;
    }
    micros = roundl(micros);
    if (!any || months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN ||
        micros > 9223372036854775807.0L || micros < -9223372036854775807.0L - 1)
        return false;
    out->months = (int32_t)months;
    out->days = (int32_t)days;
    out->micros = (int64_t)micros;
    return true;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static bool parse_uuid_text(const char *p, size_t n, uint8_t out[16])
{
    trim(&p, &n);
    if (n >= 2 && p[0] == '{' && p[n - 1] == '}')
        p++, n -= 2;
    int nib = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '-' && nib > 0 && nib % 4 == 0 && i + 1 < n && p[i + 1] != '-')
            continue;
        int h = hexval(p[i]);
        if (h < 0 || nib >= 32)
            return false;
        if (nib % 2 == 0)
            out[nib / 2] = (uint8_t)(h << 4);
        else
            out[nib / 2] |= (uint8_t)h;
        nib++;
    }
    return nib == 32;
}

/* Parse one text value into row r of c->out. */
static int text_to_value(cast_ctx *c, uint32_t r, const char *p, uint32_t len)
{
    tn_type to = c->to;
    void *d = c->out->data;
    int rc;
#define SYNTAX() fail(c, r, TN_ERROR, "invalid input syntax for type %s: \"%.*s\"", pg_name(to), (int)TN_MIN(len, 200u), p)
    switch ((tn_type_id)to.id) {
    case TN_T_BOOL: {
        bool b;
        if (!parse_bool_text(p, len, &b))
            return SYNTAX();
        ((uint8_t *)d)[r] = b;
        return TN_OK;
    }
    case TN_T_INT8:
    case TN_T_INT16:
    case TN_T_INT32:
    case TN_T_INT64:
    case TN_T_UINT8:
    case TN_T_UINT16:
    case TN_T_UINT32:
    case TN_T_UINT64:
    case TN_T_INT128: {
        tn_i128 v = 0, lo, hi;
        int pr = parse_int_text(p, len, &v);
        if (pr == 0)
            return SYNTAX();
        int_limits(to, &lo, &hi);
        if (pr < 0 || v < lo || v > hi)
            return fail(c, r, TN_RANGE, "value \"%.*s\" is out of range for type %s", (int)TN_MIN(len, 200u), p,
                        pg_name(to));
        store_int(to, d, r, v);
        return TN_OK;
    }
    case TN_T_DECIMAL: {
        tn_i128 v = 0;
        int pr = parse_decimal_text(p, len, to.scale, &v);
        if (pr == 0)
            return SYNTAX();
        tn_i128 lim = pow10_i128(to.precision);
        if (pr < 0 || v >= lim || v <= -lim)
            return fail(c, r, TN_RANGE, "numeric field overflow");
        if (tn_decimal_is_small(to))
            ((int64_t *)d)[r] = (int64_t)v;
        else
            memcpy((unsigned char *)d + (size_t)r * 16, &v, 16);
        return TN_OK;
    }
    case TN_T_FLOAT:
    case TN_T_DOUBLE: {
        double v;
        bool range;
        if (!parse_double_text(p, len, &v, &range))
            return SYNTAX();
        if (range || (to.id == TN_T_FLOAT && isinf((float)v) && !isinf(v)))
            return fail(c, r, TN_RANGE, "\"%.*s\" is out of range for type %s", (int)TN_MIN(len, 200u), p, pg_name(to));
        if (to.id == TN_T_FLOAT)
            ((float *)d)[r] = (float)v;
        else
            ((double *)d)[r] = v;
        return TN_OK;
    }
    case TN_T_DATE:
        if (!tn_date_parse(p, len, &((int32_t *)d)[r]))
            return SYNTAX();
        return TN_OK;
    case TN_T_TIME:
        if (!tn_time_parse(p, len, (tn_time_unit)to.unit, &((int64_t *)d)[r]))
            return SYNTAX();
        return TN_OK;
    case TN_T_TIMESTAMP:
        if (!tn_timestamp_parse(p, len, (tn_time_unit)to.unit, &((int64_t *)d)[r], NULL))
            return SYNTAX();
        return TN_OK;
    case TN_T_INTERVAL:
        if (!parse_interval_text(p, len, &((tn_interval *)d)[r]))
            return SYNTAX();
        return TN_OK;
    case TN_T_UUID:
        if (!parse_uuid_text(p, len, (uint8_t *)d + (size_t)r * 16))
            return SYNTAX();
        return TN_OK;
    case TN_T_VARCHAR: {
        /* BLOB -> VARCHAR is handled by the formatter; here: same bytes */
        tn_str *s = (tn_str *)d + r;
        if ((rc = tn_vector_add_string(c->out, p, len, s)))
            return rc;
        return TN_OK;
    }
    case TN_T_BLOB: {
        /* VARCHAR -> BLOB: bytes as-is, "\xNN" escapes decoded */
        char *dst;
        if ((rc = tn_vector_alloc_string(c->out, len, &dst)))
            return rc;
        uint32_t k = 0;
        for (uint32_t i = 0; i < len; i++) {
            if (p[i] == '\\' && i + 3 < len && p[i + 1] == 'x' && hexval(p[i + 2]) >= 0 && hexval(p[i + 3]) >= 0) {
                dst[k++] = (char)(hexval(p[i + 2]) * 16 + hexval(p[i + 3]));
                i += 3;
            } else if (p[i] == '\\') {
                return fail(c, r, TN_ERROR, "invalid input syntax for type %s: \"%.*s\"", pg_name(to),
                            (int)TN_MIN(len, 200u), p);
            } else {
                dst[k++] = p[i];
            }
        }
        ((tn_str *)d)[r] = tn_str_make(dst, k);
        return TN_OK;
    }
    default: return fail(c, r, TN_NOTSUP, "cannot cast text to %s", pg_name(to));
    }
#undef SYNTAX
}

static int cast_from_text(cast_ctx *c)
{
    const tn_str *sd = c->sv.data;
    for (uint32_t i = 0; i < c->n; i++) {
        uint32_t r = EX_ROW(c->sel, i);
        if (!tn_vview_valid(&c->sv, r))
            continue;
        const tn_str *s = &sd[tn_vview_index(&c->sv, r)];
        int rc = text_to_value(c, r, tn_str_data(s), s->len);
        if (rc)
            return rc;
    }
    return TN_OK;
}

/* ======================= value -> text ======================= */

static int cast_to_text(cast_ctx *c)
{
    tn_sbuf sb = TN_SBUF_INIT;
    size_t w = tn_type_width(c->from);
    const unsigned char *sd = c->sv.data;
    tn_str *o = c->out->data;
    int rc = TN_OK;
    for (uint32_t i = 0; i < c->n; i++) {
        uint32_t r = EX_ROW(c->sel, i);
        if (!tn_vview_valid(&c->sv, r))
            continue;
        tn_sbuf_clear(&sb);
        tn_format_value(&sb, c->from, sd + (size_t)tn_vview_index(&c->sv, r) * w);
        if (sb.oom) {
            rc = TN_NOMEM;
            break;
        }
        if (sb.len > UINT32_MAX) {
            rc = TN_RANGE;
            break;
        }
        if ((rc = tn_vector_add_string(c->out, tn_sbuf_str(&sb), (uint32_t)sb.len, &o[r])))
            break;
    }
    tn_sbuf_free(&sb);
    if (rc == TN_NOMEM)
        tn_err_set(c->err, rc, "out of memory");
    return rc;
}

/* ======================= temporal ======================= */

static int64_t unit_per_day(tn_time_unit u) { return tn_unit_per_second(u) * 86400; }

static int cast_temporal(cast_ctx *c)
{
    tn_type from = c->from, to = c->to;
    void *d = c->out->data;
    for (uint32_t i = 0; i < c->n; i++) {
        uint32_t r = EX_ROW(c->sel, i);
        if (!tn_vview_valid(&c->sv, r))
            continue;
        uint32_t k = tn_vview_index(&c->sv, r);
        int rc = TN_OK;
        if (from.id == TN_T_DATE && to.id == TN_T_TIMESTAMP) {
            int64_t v;
            if (__builtin_mul_overflow((int64_t)((const int32_t *)c->sv.data)[k], unit_per_day((tn_time_unit)to.unit), &v))
                rc = fail(c, r, TN_RANGE, "date out of range for timestamp");
            else
                ((int64_t *)d)[r] = v;
        } else if (from.id == TN_T_TIMESTAMP && to.id == TN_T_DATE) {
            int64_t days = floor_div64(((const int64_t *)c->sv.data)[k], unit_per_day((tn_time_unit)from.unit));
            if (days > INT32_MAX || days < INT32_MIN)
                rc = fail(c, r, TN_RANGE, "date out of range");
            else
                ((int32_t *)d)[r] = (int32_t)days;
        } else if (from.id == TN_T_TIMESTAMP && to.id == TN_T_TIME) {
            int64_t ts = ((const int64_t *)c->sv.data)[k], upd = unit_per_day((tn_time_unit)from.unit);
            int64_t tod = ts - floor_div64(ts, upd) * upd, v;
            if (!tn_time_convert(tod, (tn_time_unit)from.unit, (tn_time_unit)to.unit, &v))
                rc = fail(c, r, TN_RANGE, "time out of range");
            else
                ((int64_t *)d)[r] = v;
        } else if ((from.id == TN_T_TIMESTAMP && to.id == TN_T_TIMESTAMP) ||
                   (from.id == TN_T_TIME && to.id == TN_T_TIME)) {
            int64_t v;
            if (!tn_time_convert(((const int64_t *)c->sv.data)[k], (tn_time_unit)from.unit, (tn_time_unit)to.unit, &v))
                rc = fail(c, r, TN_RANGE, "%s out of range", pg_name(to));
            else
                ((int64_t *)d)[r] = v;
        } else {
            return tn_err_set(c->err, TN_NOTSUP, "cannot cast %s to %s", pg_name(from), pg_name(to));
        }
        if (rc)
            return rc;
    }
    return TN_OK;
}

/* ======================= dispatch ======================= */

static bool is_intlike(tn_type t) { return tn_type_is_integer(t); }

int ex_cast_vector(tn_vector *src, tn_vector *out, const uint32_t *sel, uint32_t n, bool try_cast, tn_err *err)
{
    cast_ctx c;
    c.src = src;
    c.out = out;
    c.sel = sel;
    c.n = n;
    c.try_cast = try_cast;
    c.err = err;
    c.from = src->type;
    c.to = out->type;
    tn_type from = c.from, to = c.to;
    if (tn_type_equal(from, to) || (from.id == to.id && tn_type_width(from) == tn_type_width(to) &&
                                     (from.id == TN_T_VARCHAR || from.id == TN_T_TIMESTAMP) && from.unit == to.unit))
        return ex_copy_rows(out, src, sel, n);
    if (from.id == TN_T_NULL) {
        for (uint32_t i = 0; i < n; i++)
            if (tn_vector_set_null(out, EX_ROW(sel, i)))
                return TN_NOMEM;
        return TN_OK;
    }
    /* NULL rows of the source are NULL in the result; dictionary NULLs were folded by the driver */
    int rc = ex_strict_nulls(&src, 1, sel, n, out);
    if (rc)
        return rc;
    tn_vector_view(src, 0, &c.sv);
    if (from.id == TN_T_VARCHAR && to.id == TN_T_BLOB)
        return cast_from_text(&c);
    if (from.id == TN_T_BLOB && to.id == TN_T_VARCHAR)
        return cast_to_text(&c);
    if (from.id == TN_T_VARCHAR)
        return cast_from_text(&c);
    if (to.id == TN_T_VARCHAR) {
        if (tn_type_is_nested(from))
            return tn_err_set(err, TN_NOTSUP, "cannot cast nested values to text");
        return cast_to_text(&c);
    }
    if (to.id == TN_T_BLOB && from.id == TN_T_UUID) {
        tn_str *o = out->data;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = EX_ROW(sel, i);
            if (tn_vview_valid(&c.sv, r) &&
                (rc = tn_vector_add_string(out, (const char *)c.sv.data + (size_t)tn_vview_index(&c.sv, r) * 16, 16, &o[r])))
                return rc;
        }
        return TN_OK;
    }
    if (is_intlike(from) && is_intlike(to))
        return cast_int_int(&c);
    bool fnum = tn_type_is_numeric(from) || from.id == TN_T_BOOL, tnum = tn_type_is_numeric(to) || to.id == TN_T_BOOL;
    if (fnum && tnum) {
        return cast_numeric(&c);
    }
    if ((from.id == TN_T_DATE || from.id == TN_T_TIMESTAMP || from.id == TN_T_TIME) &&
        (to.id == TN_T_DATE || to.id == TN_T_TIMESTAMP || to.id == TN_T_TIME))
        return cast_temporal(&c);
    char b1[64], b2[64];
    return tn_err_set(err, TN_NOTSUP, "unsupported cast from %s to %s", tn_type_name(from, b1, sizeof b1),
                      tn_type_name(to, b2, sizeof b2));
}

/* ======================= rules ======================= */

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

int ex_cast_cost(tn_type from, tn_type to)
{
    if (tn_type_equal(from, to))
        return 0;
    if (from.id == TN_T_NULL)
        return (to.id == TN_T_INT32 || to.id == TN_T_VARCHAR || to.id == TN_T_BOOL) ? 1 : 2;
    if (tn_type_is_integer(from)) {
        int rf = int_rank(from);
        bool sf = tn_type_is_signed(from);
        if (tn_type_is_integer(to)) {
            int rt = int_rank(to);
            bool st = tn_type_is_signed(to);
            if (sf == st && rt > rf)
                return rt - rf;
            if (!sf && st && rt > rf)
                return rt - rf + 1;
            return -1;
        }
        if (to.id == TN_T_DECIMAL) {
            static const int digits[] = {0, 3, 5, 10, 19, 38};
            int need = digits[rf] + (from.id == TN_T_UINT64 ? 1 : 0);
            return to.precision - to.scale >= need || to.precision == 0 ? 10 : 12;
        }
        if (to.id == TN_T_DOUBLE)
            return 20;
        if (to.id == TN_T_FLOAT)
            return 21;
        return -1;
    }
    switch ((tn_type_id)from.id) {
    case TN_T_DECIMAL:
        if (to.id == TN_T_DECIMAL)
            return (to.precision - to.scale >= from.precision - from.scale && to.scale >= from.scale) ? 3 : -1;
        if (to.id == TN_T_DOUBLE)
            return 20;
        if (to.id == TN_T_FLOAT)
            return 21;
        return -1;
    case TN_T_FLOAT: return to.id == TN_T_DOUBLE ? 1 : -1;
    case TN_T_DATE: return to.id == TN_T_TIMESTAMP ? 5 : -1;
    case TN_T_TIMESTAMP:
        if (to.id == TN_T_TIMESTAMP)
            return to.tz != from.tz ? 3 : 2;
        return -1;
    case TN_T_TIME: return to.id == TN_T_TIME ? 2 : -1;
    case TN_T_VARCHAR:
        if (to.id == TN_T_DATE || to.id == TN_T_TIMESTAMP || to.id == TN_T_TIME || to.id == TN_T_INTERVAL)
            return 30;
        if (to.id == TN_T_BLOB)
            return 5;
        if (to.id == TN_T_VARCHAR)
            return 0;
        return -1;
    default: return -1;
    }
}

bool ex_cast_allowed(tn_type from, tn_type to, bool implicit)
{
    if (ex_cast_cost(from, to) >= 0)
        return true;
    if (implicit)
        return false;
    if (tn_type_is_nested(from) || tn_type_is_nested(to))
        return false;
    if (from.id == TN_T_VARCHAR || to.id == TN_T_VARCHAR)
        return true;
    if (tn_type_is_numeric(from) && tn_type_is_numeric(to))
        return true;
    if ((from.id == TN_T_BOOL && tn_type_is_integer(to)) || (to.id == TN_T_BOOL && tn_type_is_integer(from)))
        return true;
    bool ft = from.id == TN_T_DATE || from.id == TN_T_TIMESTAMP, tt = to.id == TN_T_DATE || to.id == TN_T_TIMESTAMP;
    if (ft && tt)
        return true;
    if (from.id == TN_T_TIMESTAMP && to.id == TN_T_TIME)
        return true;
    if ((from.id == TN_T_BOOL && tn_type_is_numeric(to)) || (to.id == TN_T_BOOL && tn_type_is_numeric(from)))
        return true;
    if (from.id == TN_T_UUID && to.id == TN_T_BLOB)
        return true;
    if (from.id == TN_T_BLOB && to.id == TN_T_VARCHAR)
        return true;
    return false;
}

int ex_cast_value(const tn_value *in, tn_type to, tn_value *out, tn_err *err)
{
    int rc = TN_OK;
    tn_vector *sv = NULL, *dv = NULL;
    if (in->is_null || in->type.id == TN_T_NULL) {
        *out = tn_value_null(to);
        return TN_OK;
    }
    if (tn_type_equal(in->type, to)) {
        rc = tn_value_copy(out, in);
        out->type = to;
        return rc ? tn_err_set(err, rc, "out of memory") : TN_OK;
    }
    sv = tn_vector_new(in->type, 1);
    dv = tn_vector_new(to, 1);
    if (!sv || !dv) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = tn_value_to_vector(sv, 0, in))) {
        tn_err_set(err, rc, "cannot cast a value of this type");
        goto done;
    }
    if ((rc = ex_cast_vector(sv, dv, NULL, 1, false, err)))
        goto done;
    if ((rc = tn_value_from_vector(out, dv, 0)))
        tn_err_set(err, rc, "cannot read back the cast value");
    else
        out->type = to;
done:
    tn_vector_unref(sv);
    tn_vector_unref(dv);
    return rc;
}
