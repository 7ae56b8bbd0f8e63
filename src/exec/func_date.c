/*
 * func_date.c -- date/time functions: date_trunc, extract/date_part and the shorthand accessors
 * year(), month(), day(), hour(), minute(), second(), quarter(), dayofweek(), dayofyear(),
 * week(), isodow(), epoch().
 *
 * Calendar: proleptic Gregorian via util/datetime.h. Timestamps are split into a day number
 * (floor division, so instants before 1970 land on the right day) and a non-negative time of
 * day in the value's unit. TIMESTAMPTZ values are interpreted in UTC (tarn has no session time
 * zone).
 *
 * Fields (PostgreSQL meanings): year, quarter, month, day, dow (Sunday = 0), isodow (Monday = 1 ..
 * Sunday = 7), doy, week (ISO 8601 week number), isoyear, hour, minute, second (whole seconds),
 * millisecond / microsecond (the seconds field including its fraction, scaled), epoch (whole
 * seconds since 1970-01-01, floored), decade, century, millennium. All results are BIGINT.
 * Unknown fields are TN_ERROR `unit "foo" not recognized`; fields that do not apply to the input
 * type (hour of a DATE is 0, as PostgreSQL; year of a TIME) follow PostgreSQL where it answers,
 * else raise TN_ERROR.
 *
 * date_trunc(field, TIMESTAMP) keeps the timestamp type; date_trunc(field, DATE) returns a
 * TIMESTAMP (PostgreSQL/DuckDB); week truncates to the ISO Monday.
 *
 * make_date(y, m, d) -> DATE validates the fields (TN_RANGE "date field value out of range:
 * 2023-02-29").
 */
#include "expr_int.h"
#include "../util/datetime.h"
#include <strings.h>

enum {
    F_YEAR, F_QUARTER, F_MONTH, F_DAY, F_DOW, F_ISODOW, F_DOY, F_WEEK, F_ISOYEAR, F_HOUR, F_MINUTE,
    F_SECOND, F_MILLISECOND, F_MICROSECOND, F_EPOCH, F_DECADE, F_CENTURY, F_MILLENNIUM, F__COUNT
};

static const struct {
    const char *name;
    int field;
} k_fields[] = {
    {"year", F_YEAR}, {"years", F_YEAR}, {"y", F_YEAR}, {"yr", F_YEAR}, {"yrs", F_YEAR},
    {"quarter", F_QUARTER}, {"quarters", F_QUARTER},
    {"month", F_MONTH}, {"months", F_MONTH}, {"mon", F_MONTH}, {"mons", F_MONTH},
    {"day", F_DAY}, {"days", F_DAY}, {"d", F_DAY}, {"dayofmonth", F_DAY},
    {"dow", F_DOW}, {"dayofweek", F_DOW}, {"weekday", F_DOW},
    {"isodow", F_ISODOW},
    {"doy", F_DOY}, {"dayofyear", F_DOY},
    {"week", F_WEEK}, {"weeks", F_WEEK}, {"w", F_WEEK}, {"weekofyear", F_WEEK},
    {"isoyear", F_ISOYEAR},
    {"hour", F_HOUR}, {"hours", F_HOUR}, {"h", F_HOUR}, {"hr", F_HOUR}, {"hrs", F_HOUR},
    {"minute", F_MINUTE}, {"minutes", F_MINUTE}, {"min", F_MINUTE}, {"mins", F_MINUTE}, {"m", F_MINUTE},
    {"second", F_SECOND}, {"seconds", F_SECOND}, {"sec", F_SECOND}, {"secs", F_SECOND}, {"s", F_SECOND},
    {"millisecond", F_MILLISECOND}, {"milliseconds", F_MILLISECOND}, {"ms", F_MILLISECOND}, {"msec", F_MILLISECOND},
    {"microsecond", F_MICROSECOND}, {"microseconds", F_MICROSECOND}, {"us", F_MICROSECOND}, {"usec", F_MICROSECOND},
    {"epoch", F_EPOCH},
    {"decade", F_DECADE}, {"decades", F_DECADE},
    {"century", F_CENTURY}, {"centuries", F_CENTURY},
    {"millennium", F_MILLENNIUM}, {"millennia", F_MILLENNIUM},
};

static int parse_field(const tn_str *s, int *field, tn_err *err)
{
    const char *p = tn_str_data(s);
    uint32_t n = s->len;
    while (n && p[0] == ' ')
        p++, n--;
    while (n && p[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < TN_ARRAY_LEN(k_fields); i++) {
        if (strlen(k_fields[i].name) == n && strncasecmp(k_fields[i].name, p, n) == 0) {
            *field = k_fields[i].field;
            return TN_OK;
        }
    }
    return tn_err_set(err, TN_ERROR, "unit \"%.*s\" not recognized", (int)TN_MIN(n, 64u), p);
}

static int64_t floor_div64(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t floor_mod64(int64_t a, int64_t b) { return a - floor_div64(a, b) * b; }

/* ISO weekday 1..7 (Monday = 1) of a day number; 1970-01-01 was a Thursday. */
static int iso_dow(int64_t days) { return (int)floor_mod64(days + 3, 7) + 1; }

static void iso_week(int64_t days, int64_t *iso_year, int *week)
{
    int64_t thursday = days - iso_dow(days) + 4;
    int64_t y;
    int m, d;
    tn_civil_from_days(thursday, &y, &m, &d);
    *iso_year = y;
    *week = (int)((thursday - tn_days_from_civil(y, 1, 1)) / 7 + 1);
}

/* A broken-down instant: day number + time of day in nanoseconds. */
typedef struct instant {
    int64_t days;
    int64_t tod_ns;  /* [0, 86400e9) */
    bool has_date, has_time;
} instant;

static int extract_field(int field, const instant *t, int64_t *out, tn_err *err)
{
    int64_t y = 0;
    int m = 0, d = 0;
    if (t->has_date)
        tn_civil_from_days(t->days, &y, &m, &d);
    bool date_field = field <= F_ISOYEAR || field == F_DECADE || field == F_CENTURY || field == F_MILLENNIUM;
    if (date_field && !t->has_date)
        return tn_err_set(err, TN_ERROR, "date field is not supported for type time");
    int64_t sec_ns = t->tod_ns % 60000000000LL; /* seconds field with fraction, in ns */
    switch (field) {
    case F_YEAR: *out = y; break;
    case F_QUARTER: *out = (m - 1) / 3 + 1; break;
    case F_MONTH: *out = m; break;
    case F_DAY: *out = d; break;
    case F_DOW: *out = iso_dow(t->days) % 7; break;
    case F_ISODOW: *out = iso_dow(t->days); break;
    case F_DOY: *out = t->days - tn_days_from_civil(y, 1, 1) + 1; break;
    case F_WEEK:
    case F_ISOYEAR: {
        int64_t iy;
        int w;
        iso_week(t->days, &iy, &w);
        *out = field == F_WEEK ? w : iy;
        break;
    }
    case F_HOUR: *out = t->tod_ns / 3600000000000LL; break;
    case F_MINUTE: *out = (t->tod_ns / 60000000000LL) % 60; break;
    case F_SECOND: *out = sec_ns / 1000000000LL; break;
    case F_MILLISECOND: *out = sec_ns / 1000000LL; break;
    case F_MICROSECOND: *out = sec_ns / 1000LL; break;
    case F_EPOCH: *out = (t->has_date ? t->days * 86400 : 0) + t->tod_ns / 1000000000LL; break;
    case F_DECADE: *out = floor_div64(y, 10); break;
    case F_CENTURY: *out = y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100); break;
    case F_MILLENNIUM: *out = y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000); break;
    default: return tn_err_set(err, TN_ERROR, "unsupported field");
    }
    return TN_OK;
}

/* Split row value k of a DATE / TIMESTAMP / TIME vector. */
static void to_instant(tn_type t, const void *data, uint32_t k, instant *out)
{
    out->has_date = t.id != TN_T_TIME;
    out->has_time = t.id != TN_T_DATE;
    if (t.id == TN_T_DATE) {
        out->days = ((const int32_t *)data)[k];
        out->tod_ns = 0;
        return;
    }
    int64_t v = ((const int64_t *)data)[k];
    int64_t ups = tn_unit_per_second((tn_time_unit)t.unit), upd = ups * 86400;
    int64_t to_ns = 1000000000LL / ups;
    if (t.id == TN_T_TIME) {
        out->days = 0;
        out->tod_ns = floor_mod64(v, upd) * to_ns;
        return;
    }
    out->days = floor_div64(v, upd);
    out->tod_ns = (v - out->days * upd) * to_ns;
}

/* extract(field, x) / date_part(field, x) -- args[0] field text, args[1] value. */
static int fn_extract(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                      tn_vector *out, tn_err *err)
{
    TN_UNUSED(fn);
    int rc = ex_strict_nulls(args, nargs, sel, n, out);
    if (rc)
        return rc;
    tn_vview fv, xv;
    tn_vector_view(args[0], 0, &fv);
    tn_vector_view(args[1], 0, &xv);
    tn_type xt = args[1]->type;
    int64_t *o = out->data;
    int cfield = -1;
    if (args[0]->kind == TN_VEC_CONST && !fv.validity && (rc = parse_field((const tn_str *)fv.data, &cfield, err)))
        return rc;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        int field = cfield;
        if (field < 0 && (rc = parse_field((const tn_str *)fv.data + tn_vview_index(&fv, r), &field, err)))
            return rc;
        instant t;
        to_instant(xt, xv.data, tn_vview_index(&xv, r), &t);
        if ((rc = extract_field(field, &t, &o[r], err)))
            return rc;
    }
    return TN_OK;
}

/* year(x), month(x), ...: the field is fixed by the catalog entry. */
static int fn_part(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                   tn_vector *out, tn_err *err)
{
    int rc = ex_strict_nulls(args, nargs, sel, n, out);
    if (rc)
        return rc;
    int field = *(const int *)fn->data;
    tn_vview xv;
    tn_vector_view(args[0], 0, &xv);
    tn_type xt = args[0]->type;
    int64_t *o = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        instant t;
        to_instant(xt, xv.data, tn_vview_index(&xv, r), &t);
        if ((rc = extract_field(field, &t, &o[r], err)))
            return rc;
    }
    return TN_OK;
}

/* First day (day number) of the period containing `days` for a date-level field. */
static int trunc_days(int field, int64_t days, int64_t *out, tn_err *err)
{
    int64_t y;
    int m, d;
    tn_civil_from_days(days, &y, &m, &d);
    switch (field) {
    case F_YEAR: *out = tn_days_from_civil(y, 1, 1); break;
    case F_QUARTER: *out = tn_days_from_civil(y, ((m - 1) / 3) * 3 + 1, 1); break;
    case F_MONTH: *out = tn_days_from_civil(y, m, 1); break;
    case F_WEEK: *out = days - (iso_dow(days) - 1); break;
    case F_DAY: *out = days; break;
    case F_DECADE: *out = tn_days_from_civil(floor_div64(y, 10) * 10, 1, 1); break;
    case F_CENTURY: {
        int64_t c = y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100);
        *out = tn_days_from_civil(c > 0 ? (c - 1) * 100 + 1 : c * 100 + 1, 1, 1);
        break;
    }
    case F_MILLENNIUM: {
        int64_t c = y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000);
        *out = tn_days_from_civil(c > 0 ? (c - 1) * 1000 + 1 : c * 1000 + 1, 1, 1);
        break;
    }
    default: return tn_err_set(err, TN_ERROR, "unit not supported for date_trunc");
    }
    return TN_OK;
}

/* date_trunc(field, TIMESTAMP|DATE) */
static int fn_date_trunc(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                         tn_vector *out, tn_err *err)
{
    TN_UNUSED(fn);
    int rc = ex_strict_nulls(args, nargs, sel, n, out);
    if (rc)
        return rc;
    tn_vview fv, xv;
    tn_vector_view(args[0], 0, &fv);
    tn_vector_view(args[1], 0, &xv);
    tn_type xt = args[1]->type;
    int cfield = -1;
    if (args[0]->kind == TN_VEC_CONST && !fv.validity && (rc = parse_field((const tn_str *)fv.data, &cfield, err)))
        return rc;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        int field = cfield;
        if (field < 0 && (rc = parse_field((const tn_str *)fv.data + tn_vview_index(&fv, r), &field, err)))
            return rc;
        uint32_t k = tn_vview_index(&xv, r);
        if (xt.id == TN_T_DATE) {
            /* DATE input: the result is the TIMESTAMP at the start of the period (midnight for
             * time-level units) */
            int64_t days = ((const int32_t *)xv.data)[k], res = days, ts;
            if (field < F_HOUR || field >= F_DECADE) {
                if (field == F_DOW || field == F_ISODOW || field == F_DOY || field == F_ISOYEAR)
                    return tn_err_set(err, TN_ERROR, "unit not supported for date_trunc");
                if ((rc = trunc_days(field, days, &res, err)))
                    return rc;
            } else if (field == F_EPOCH) {
                return tn_err_set(err, TN_ERROR, "unit not supported for date_trunc");
            }
            if (out->type.id == TN_T_DATE) {
                ((int32_t *)out->data)[r] = (int32_t)res;
            } else {
                int64_t upd = tn_unit_per_second((tn_time_unit)out->type.unit) * 86400;
                if (__builtin_mul_overflow(res, upd, &ts))
                    return tn_err_set(err, TN_RANGE, "timestamp out of range");
                ((int64_t *)out->data)[r] = ts;
            }
            continue;
        }
        int64_t v = ((const int64_t *)xv.data)[k];
        int64_t ups = tn_unit_per_second((tn_time_unit)xt.unit), upd = ups * 86400, res;
        int64_t days = floor_div64(v, upd), tod = v - days * upd;
        switch (field) {
        case F_HOUR: res = days * upd + tod - tod % (ups * 3600); break;
        case F_MINUTE: res = days * upd + tod - tod % (ups * 60); break;
        case F_SECOND: res = days * upd + tod - tod % ups; break;
        case F_MILLISECOND: res = ups >= 1000 ? days * upd + tod - tod % (ups / 1000) : v; break;
        case F_MICROSECOND: res = ups >= 1000000 ? days * upd + tod - tod % (ups / 1000000) : v; break;
        case F_DOW:
        case F_ISODOW:
        case F_DOY:
        case F_ISOYEAR:
        case F_EPOCH: return tn_err_set(err, TN_ERROR, "unit not supported for date_trunc");
        default: {
            int64_t td;
            if ((rc = trunc_days(field, days, &td, err)))
                return rc;
            if (__builtin_mul_overflow(td, upd, &res))
                return tn_err_set(err, TN_RANGE, "timestamp out of range");
            break;
        }
        }
        ((int64_t *)out->data)[r] = res;
    }
    return TN_OK;
}

/* make_date(year, month, day) */
static int fn_make_date(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                        tn_vector *out, tn_err *err)
{
    TN_UNUSED(fn);
    int rc = ex_strict_nulls(args, nargs, sel, n, out);
    if (rc)
        return rc;
    tn_vview v[3];
    for (uint32_t a = 0; a < nargs && a < 3; a++)
        tn_vector_view(args[a], 0, &v[a]);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        int64_t y = ((const int64_t *)v[0].data)[tn_vview_index(&v[0], r)];
        int64_t m = ((const int64_t *)v[1].data)[tn_vview_index(&v[1], r)];
        int64_t d = ((const int64_t *)v[2].data)[tn_vview_index(&v[2], r)];
        if (y < -290000 || y > 290000 || m < 1 || m > 12 || d < 1 || d > tn_days_in_month(y, (int)m))
            return tn_err_set(err, TN_RANGE, "date field value out of range: %lld-%02lld-%02lld", (long long)y,
                              (long long)m, (long long)d);
        int64_t days = tn_days_from_civil(y, (int)m, (int)d);
        if (days > INT32_MAX || days < INT32_MIN)
            return tn_err_set(err, TN_RANGE, "date out of range");
        ((int32_t *)out->data)[r] = (int32_t)days;
    }
    return TN_OK;
}

/* ---- catalog ---- */

static const int k_field_ids[F__COUNT] = {
    F_YEAR, F_QUARTER, F_MONTH, F_DAY, F_DOW, F_ISODOW, F_DOY, F_WEEK, F_ISOYEAR, F_HOUR, F_MINUTE,
    F_SECOND, F_MILLISECOND, F_MICROSECOND, F_EPOCH, F_DECADE, F_CENTURY, F_MILLENNIUM};

#define T_(id) {(uint8_t)(id), 0, 0, 0, 0, 0, NULL}
#define T_ANY(id) {(uint8_t)(id), 0, 0, 0, 0, EX_TF_ANY, NULL}
#define VC T_(TN_T_VARCHAR)
#define I64 T_(TN_T_INT64)
#define PART3(name, f)                                                                         \
    {name, fn_part, I64, {T_(TN_T_DATE)}, 1, false, true, &k_field_ids[f]},                    \
        {name, fn_part, I64, {T_ANY(TN_T_TIMESTAMP)}, 1, false, true, &k_field_ids[f]}
#define PART_T(name, f) {name, fn_part, I64, {T_ANY(TN_T_TIME)}, 1, false, true, &k_field_ids[f]}

static const ex_func k_date[] = {
    {"date_part", fn_extract, I64, {VC, T_(TN_T_DATE)}, 2, false, true, NULL},
    {"date_part", fn_extract, I64, {VC, T_ANY(TN_T_TIMESTAMP)}, 2, false, true, NULL},
    {"date_part", fn_extract, I64, {VC, T_ANY(TN_T_TIME)}, 2, false, true, NULL},
    {"extract", fn_extract, I64, {VC, T_(TN_T_DATE)}, 2, false, true, NULL},
    {"extract", fn_extract, I64, {VC, T_ANY(TN_T_TIMESTAMP)}, 2, false, true, NULL},
    {"extract", fn_extract, I64, {VC, T_ANY(TN_T_TIME)}, 2, false, true, NULL},
    {"date_trunc", fn_date_trunc, T_(TN_T_TIMESTAMP), {VC, T_(TN_T_DATE)}, 2, false, true, NULL},
    {"make_date", fn_make_date, T_(TN_T_DATE), {I64, I64, I64}, 3, false, true, NULL},
    {"date_trunc", fn_date_trunc, T_ANY(TN_T_TIMESTAMP), {VC, T_ANY(TN_T_TIMESTAMP)}, 2, false, true, NULL},
    PART3("year", F_YEAR),
    PART3("quarter", F_QUARTER),
    PART3("month", F_MONTH),
    PART3("day", F_DAY),
    PART3("dayofmonth", F_DAY),
    PART3("dayofweek", F_DOW),
    PART3("isodow", F_ISODOW),
    PART3("dayofyear", F_DOY),
    PART3("week", F_WEEK),
    PART3("weekofyear", F_WEEK),
    PART3("isoyear", F_ISOYEAR),
    PART3("hour", F_HOUR),
    PART3("minute", F_MINUTE),
    PART3("second", F_SECOND),
    PART3("epoch", F_EPOCH),
    PART3("decade", F_DECADE),
    PART3("century", F_CENTURY),
    PART3("millennium", F_MILLENNIUM),
    PART_T("hour", F_HOUR),
    PART_T("minute", F_MINUTE),
    PART_T("second", F_SECOND),
};

ex_func_table ex_date_table(void)
{
    ex_func_table t = {k_date, TN_ARRAY_LEN(k_date)};
    return t;
}
