/*
 * test_cast.c -- CAST / TRY_CAST between types (range checks, rounding rules, text parsing with
 * PostgreSQL error wording, rendering to text), ex_cast_value, and the date/time functions
 * (extract/date_part, date_trunc, accessors) that build on the same calendar code.
 */
#include "exexpr_util.h"
#include <math.h>

/* CAST(e AS to) folded; returns rc, value in *v, message in err. */
static int cv(ex_expr *e, tn_type to, bool try_cast, tn_value *v, tn_err *err)
{
    tn_err_clear(err);
    return fold(e_cast(e, to, try_cast), v, err);
}

/* CAST(e AS VARCHAR) as a C string ("<ERR>" on error). */
static const char *as_text(ex_expr *e)
{
    static char buf[4][256];
    static int k;
    char *b = buf[k++ & 3];
    tn_value v;
    tn_err err = TN_ERR_INIT;
    if (cv(e, ty(TN_T_VARCHAR), false, &v, &err) != TN_OK)
        return "<ERR>";
    if (v.is_null)
        snprintf(b, 256, "<NULL>");
    else
        snprintf(b, 256, "%.*s", (int)v.v.str.len, v.v.str.ptr);
    tn_value_free(&v);
    return b;
}

static void test_int_casts(void)
{
    tn_value v;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(cv(e_int(ty(TN_T_INT64), 3000000000LL), ty(TN_T_INT32), false, &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "integer out of range");
    CHECK_EQ_INT(cv(e_int(ty(TN_T_INT32), 40000), ty(TN_T_INT16), false, &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "smallint out of range");
    CHECK_EQ_INT(cv(e_int(ty(TN_T_INT32), -1), ty(TN_T_UINT32), false, &v, &err), TN_RANGE);
    CHECK_EQ_INT(cv(e_int(ty(TN_T_INT64), 3000000000LL), ty(TN_T_INT32), true, &v, &err), TN_OK);
    CHECK(v.is_null);
    CHECK_EQ_INT(cv(e_int(ty(TN_T_INT16), -5), ty(TN_T_INT128), false, &v, &err), TN_OK);
    CHECK(v.v.i128 == -5);
    CHECK_EQ_INT(cv(e_int(ty(TN_T_UINT64), (int64_t)UINT64_MAX), ty(TN_T_INT64), false, &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "bigint out of range");
    CHECK_EQ_INT(cv(e_int(ty(TN_T_INT32), 7), ty(TN_T_BOOL), false, &v, &err), TN_OK);
    CHECK(v.v.b);
    CHECK_EQ_INT(cv(e_bool(true), ty(TN_T_INT32), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 1);
}

static void test_decimal_float_casts(void)
{
    tn_value v;
    tn_err err = TN_ERR_INIT;
    /* DECIMAL -> INT rounds half away from zero */
    static const struct { int64_t unscaled; int64_t want; } dc[] = {{25, 3}, {-25, -3}, {24, 2}, {-24, -2}, {5, 1}};
    for (size_t i = 0; i < TN_ARRAY_LEN(dc); i++) {
        CHECK_EQ_INT(cv(e_int(tn_type_decimal(4, 1), dc[i].unscaled), ty(TN_T_INT32), false, &v, &err), TN_OK);
        CHECK_EQ_INT(v.v.i64, dc[i].want);
    }
    /* DOUBLE -> INT rounds half to even (rint) */
    static const struct { double d; int64_t want; } fc[] = {{2.5, 2}, {3.5, 4}, {-2.5, -2}, {-0.4, 0}, {1e9, 1000000000}};
    for (size_t i = 0; i < TN_ARRAY_LEN(fc); i++) {
        CHECK_EQ_INT(cv(e_dbl(fc[i].d), ty(TN_T_INT64), false, &v, &err), TN_OK);
        CHECK_EQ_INT(v.v.i64, fc[i].want);
    }
    CHECK_EQ_INT(cv(e_dbl(NAN), ty(TN_T_INT32), false, &v, &err), TN_RANGE);
    CHECK_EQ_INT(cv(e_dbl(1e20), ty(TN_T_INT64), false, &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "bigint out of range");
    CHECK_EQ_INT(cv(e_dbl(9223372036854775808.0), ty(TN_T_INT64), false, &v, &err), TN_RANGE);
    CHECK_EQ_INT(cv(e_dbl(-9223372036854775808.0), ty(TN_T_INT64), false, &v, &err), TN_OK);
    CHECK(v.v.i64 == INT64_MIN);
    CHECK_EQ_INT(cv(e_dbl(2147483647.4), ty(TN_T_INT32), false, &v, &err), TN_OK);
    CHECK_EQ_INT(cv(e_dbl(2147483647.5), ty(TN_T_INT32), false, &v, &err), TN_RANGE);
    /* INT -> DECIMAL, overflow */
    CHECK_EQ_INT(cv(e_i32(123), tn_type_decimal(5, 2), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 12300);
    CHECK_EQ_INT(cv(e_i32(1234), tn_type_decimal(5, 2), false, &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "numeric field overflow");
    /* DECIMAL rescale rounds half away */
    CHECK_EQ_INT(cv(e_int(tn_type_decimal(4, 3), 1235), tn_type_decimal(3, 2), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 124);
    CHECK_EQ_INT(cv(e_int(tn_type_decimal(4, 3), -1235), tn_type_decimal(3, 2), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -124);
    /* small <-> wide decimals */
    CHECK_EQ_INT(cv(e_int(tn_type_decimal(10, 2), 12345), tn_type_decimal(30, 5), false, &v, &err), TN_OK);
    CHECK(v.v.i128 == 12345000);
    /* DOUBLE -> DECIMAL */
    CHECK_EQ_INT(cv(e_dbl(0.125), tn_type_decimal(3, 2), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 13);
    CHECK_EQ_INT(cv(e_dbl(-0.125), tn_type_decimal(3, 2), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -13);
    CHECK_EQ_INT(cv(e_dbl(INFINITY), tn_type_decimal(3, 2), false, &v, &err), TN_RANGE);
    /* DECIMAL -> DOUBLE, DOUBLE -> FLOAT overflow */
    CHECK_EQ_INT(cv(e_int(tn_type_decimal(6, 3), -1500), ty(TN_T_DOUBLE), false, &v, &err), TN_OK);
    CHECK(v.v.f64 == -1.5);
    CHECK_EQ_INT(cv(e_dbl(1e300), ty(TN_T_FLOAT), false, &v, &err), TN_RANGE);
    CHECK_EQ_INT(cv(e_int(ty(TN_T_INT64), 1LL << 53), ty(TN_T_DOUBLE), false, &v, &err), TN_OK);
    CHECK(v.v.f64 == 9007199254740992.0);
}

static void test_text_to_value(void)
{
    tn_value v;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(cv(e_str(" 42 "), ty(TN_T_INT32), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 42);
    CHECK_EQ_INT(cv(e_str("-17"), ty(TN_T_INT8), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -17);
    CHECK_EQ_INT(cv(e_str("abc"), ty(TN_T_INT32), false, &v, &err), TN_ERROR);
    CHECK_EQ_STR(err.msg, "invalid input syntax for type integer: \"abc\"");
    CHECK_EQ_INT(cv(e_str("1.5"), ty(TN_T_INT64), false, &v, &err), TN_ERROR);
    CHECK_EQ_STR(err.msg, "invalid input syntax for type bigint: \"1.5\"");
    CHECK_EQ_INT(cv(e_str(""), ty(TN_T_INT32), false, &v, &err), TN_ERROR);
    CHECK_EQ_INT(cv(e_str("-"), ty(TN_T_INT32), false, &v, &err), TN_ERROR);
    CHECK_EQ_INT(cv(e_str("99999999999"), ty(TN_T_INT32), false, &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "value \"99999999999\" is out of range for type integer");
    CHECK_EQ_INT(cv(e_str("999999999999999999999999999999999999999999"), ty(TN_T_INT64), false, &v, &err), TN_RANGE);
    CHECK_EQ_INT(cv(e_str("abc"), ty(TN_T_INT32), true, &v, &err), TN_OK);
    CHECK(v.is_null);
    /* decimals */
    CHECK_EQ_INT(cv(e_str("1.239"), tn_type_decimal(5, 2), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 124);
    CHECK_EQ_INT(cv(e_str("-0.005"), tn_type_decimal(5, 2), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -1);
    CHECK_EQ_INT(cv(e_str("0.004"), tn_type_decimal(5, 2), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 0);
    CHECK_EQ_INT(cv(e_str("1e2"), tn_type_decimal(5, 2), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 10000);
    CHECK_EQ_INT(cv(e_str(".5"), tn_type_decimal(5, 2), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 50);
    CHECK_EQ_INT(cv(e_str("1234"), tn_type_decimal(5, 2), false, &v, &err), TN_RANGE);
    CHECK_EQ_INT(cv(e_str("1.2.3"), tn_type_decimal(5, 2), false, &v, &err), TN_ERROR);
    CHECK_EQ_STR(err.msg, "invalid input syntax for type numeric: \"1.2.3\"");
    /* doubles */
    CHECK_EQ_INT(cv(e_str("1.5"), ty(TN_T_DOUBLE), false, &v, &err), TN_OK);
    CHECK(v.v.f64 == 1.5);
    CHECK_EQ_INT(cv(e_str("-Infinity"), ty(TN_T_DOUBLE), false, &v, &err), TN_OK);
    CHECK(isinf(v.v.f64) && v.v.f64 < 0);
    CHECK_EQ_INT(cv(e_str("NaN"), ty(TN_T_DOUBLE), false, &v, &err), TN_OK);
    CHECK(isnan(v.v.f64));
    CHECK_EQ_INT(cv(e_str("1e400"), ty(TN_T_DOUBLE), false, &v, &err), TN_RANGE);
    CHECK_EQ_INT(cv(e_str("1x"), ty(TN_T_DOUBLE), false, &v, &err), TN_ERROR);
    CHECK_EQ_STR(err.msg, "invalid input syntax for type double precision: \"1x\"");
    /* booleans */
    static const struct { const char *s; int want; } bc[] = {
        {"true", 1}, {"T", 1}, {"yes", 1}, {" on ", 1}, {"1", 1}, {"FALSE", 0}, {"f", 0}, {"no", 0}, {"off", 0}, {"0", 0}};
    for (size_t i = 0; i < TN_ARRAY_LEN(bc); i++) {
        CHECK_EQ_INT(cv(e_str(bc[i].s), ty(TN_T_BOOL), false, &v, &err), TN_OK);
        CHECK_EQ_INT(v.v.b, bc[i].want);
    }
    CHECK_EQ_INT(cv(e_str("maybe"), ty(TN_T_BOOL), false, &v, &err), TN_ERROR);
    CHECK_EQ_STR(err.msg, "invalid input syntax for type boolean: \"maybe\"");
    /* dates and timestamps */
    CHECK_EQ_INT(cv(e_str("2020-02-29"), ty(TN_T_DATE), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 18321);
    CHECK_EQ_INT(cv(e_str("2021-02-29"), ty(TN_T_DATE), false, &v, &err), TN_ERROR);
    CHECK_EQ_INT(cv(e_str("1970-01-02 00:00:01.5"), tn_type_timestamp(TN_UNIT_US, false), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 86401500000LL);
    CHECK_EQ_INT(cv(e_str("12:30:00"), tn_type_time(TN_UNIT_US), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 45000000000LL);
    /* intervals */
    CHECK_EQ_INT(cv(e_str("1 day 02:00:00"), ty(TN_T_INTERVAL), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.iv.days, 1);
    CHECK_EQ_INT(v.v.iv.micros, 7200000000LL);
    CHECK_EQ_INT(cv(e_str("1 year 2 months"), ty(TN_T_INTERVAL), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.iv.months, 14);
    CHECK_EQ_INT(cv(e_str("3 days ago"), ty(TN_T_INTERVAL), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.iv.days, -3);
    CHECK_EQ_INT(cv(e_str("90 minutes"), ty(TN_T_INTERVAL), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.iv.micros, 5400000000LL);
    CHECK_EQ_INT(cv(e_str("1 fortnight"), ty(TN_T_INTERVAL), false, &v, &err), TN_ERROR);
    /* uuid, blob */
    CHECK_EQ_INT(cv(e_str("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), ty(TN_T_UUID), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.uuid[0], 0xa0);
    CHECK_EQ_INT(v.v.uuid[15], 0x11);
    CHECK_EQ_INT(cv(e_str("a0eebc99"), ty(TN_T_UUID), false, &v, &err), TN_ERROR);
    CHECK_EQ_INT(cv(e_str("a\\x41\\x00b"), ty(TN_T_BLOB), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.str.len, 4);
    CHECK(memcmp(v.v.str.ptr, "aA\0b", 4) == 0);
    tn_value_free(&v);
}

static void test_value_to_text(void)
{
    CHECK_EQ_STR(as_text(e_i32(-42)), "-42");
    CHECK_EQ_STR(as_text(e_dbl(0.1)), "0.1");
    CHECK_EQ_STR(as_text(e_int(tn_type_decimal(5, 2), 150)), "1.50");
    CHECK_EQ_STR(as_text(e_int(tn_type_decimal(5, 2), -5)), "-0.05");
    CHECK_EQ_STR(as_text(e_int(ty(TN_T_DATE), 18321)), "2020-02-29");
    CHECK_EQ_STR(as_text(e_bool(true)), "true");
    CHECK_EQ_STR(as_text(e_int(tn_type_timestamp(TN_UNIT_US, false), 86401500000LL)), "1970-01-02 00:00:01.5");
    CHECK_EQ_STR(as_text(e_null(ty(TN_T_INT32))), "<NULL>");
    /* text round trip through a wide integer */
    CHECK_EQ_STR(as_text(e_cast(e_str("-170141183460469231731687303715884105728"), ty(TN_T_INT128), false)),
                 "-170141183460469231731687303715884105728");
}

static void test_temporal_casts(void)
{
    tn_value v;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(cv(e_int(ty(TN_T_DATE), 1), tn_type_timestamp(TN_UNIT_US, false), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 86400000000LL);
    CHECK_EQ_INT(cv(e_int(ty(TN_T_DATE), 1), tn_type_timestamp(TN_UNIT_NS, false), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 86400000000000LL);
    CHECK_EQ_INT(cv(e_int(tn_type_timestamp(TN_UNIT_US, false), -1), ty(TN_T_DATE), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -1);
    CHECK_EQ_INT(cv(e_int(tn_type_timestamp(TN_UNIT_MS, false), -1), tn_type_time(TN_UNIT_US), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 86399999000LL);
    CHECK_EQ_INT(cv(e_int(tn_type_timestamp(TN_UNIT_MS, false), 1500), tn_type_timestamp(TN_UNIT_US, false), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 1500000);
    CHECK_EQ_INT(cv(e_int(tn_type_timestamp(TN_UNIT_US, false), -1500), tn_type_timestamp(TN_UNIT_MS, false), false, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -2);
    CHECK_EQ_INT(cv(e_int(ty(TN_T_DATE), INT32_MAX), tn_type_timestamp(TN_UNIT_NS, false), false, &v, &err), TN_RANGE);
    /* unsupported pair */
    CHECK_EQ_INT(cv(e_int(ty(TN_T_DATE), 1), ty(TN_T_INT32), false, &v, &err), TN_NOTSUP);
}

/* Vector casts: TRY_CAST yields NULL per failing row; selections keep bad rows out. */
static void test_vector_casts(void)
{
    const char *s[] = {"1", "x", " 3", NULL, "99999"};
    tn_vector *cols[1] = {vec_strs(s, 5)};
    tn_chunk *c = chunk_of(5, 1, cols);
    int rc;
    tn_err err = TN_ERR_INIT;
    ex_expr *e = e_cast(e_col(0, ty(TN_T_VARCHAR)), ty(TN_T_INT16), true);
    tn_vector *v = eval_vec(e, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), 1);
    CHECK(row_null(v, 1));
    CHECK_EQ_INT(row_i64(v, 2), 3);
    CHECK(row_null(v, 3));
    CHECK(row_null(v, 4));
    tn_vector_unref(v);
    ex_expr_free(e);
    e = e_cast(e_col(0, ty(TN_T_VARCHAR)), ty(TN_T_INT16), false);
    v = eval_vec(e, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_ERROR);
    CHECK_EQ_STR(err.msg, "invalid input syntax for type smallint: \"x\"");
    tn_vector_unref(v);
    uint32_t sel[] = {0, 2, 3};
    chunk_select(c, sel, 3);
    v = eval_vec(e, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 2), 3);
    tn_vector_unref(v);
    ex_expr_free(e);
    /* numbers to text in a vector, strings longer than inline */
    int64_t xs[] = {1234567890123456789LL, -1, 0};
    tn_vector *c2cols[1] = {vec_ints(ty(TN_T_INT64), xs, NULL, 3)};
    tn_chunk *c2 = chunk_of(3, 1, c2cols);
    e = e_cast(e_col(0, ty(TN_T_INT64)), ty(TN_T_VARCHAR), false);
    v = eval_vec(e, c2, &rc, &err);
    tn_chunk_free(c2);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_STR(row_str(v, 0), "1234567890123456789");
    CHECK_EQ_STR(row_str(v, 1), "-1");
    tn_vector_unref(v);
    ex_expr_free(e);
    tn_chunk_free(c);
}

static void test_cast_value_api(void)
{
    tn_value in, out;
    tn_err err = TN_ERR_INIT;
    tn_value_set_string(&in, ty(TN_T_VARCHAR), "2024-01-15", 10);
    CHECK_EQ_INT(ex_cast_value(&in, ty(TN_T_DATE), &out, &err), TN_OK);
    CHECK_EQ_INT(out.type.id, TN_T_DATE);
    CHECK_EQ_INT(out.v.i64, 19737);
    tn_value_free(&in);
    in = tn_value_int(ty(TN_T_INT32), 300);
    CHECK_EQ_INT(ex_cast_value(&in, ty(TN_T_INT8), &out, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "tinyint out of range");
    in = tn_value_null(ty(TN_T_NULL));
    CHECK_EQ_INT(ex_cast_value(&in, ty(TN_T_VARCHAR), &out, &err), TN_OK);
    CHECK(out.is_null);
    CHECK_EQ_INT(out.type.id, TN_T_VARCHAR);
}

/* ---- date functions ---- */

static int64_t part(const char *field, ex_expr *x, int *rc, tn_err *err)
{
    ex_expr *args[2] = {e_str(field), x};
    ex_expr *e = e_fn_err("date_part", args, 2, err);
    if (!e) {
        *rc = -1;
        return 0;
    }
    tn_value v;
    *rc = fold(e, &v, err);
    return v.v.i64;
}

static void test_extract(void)
{
    int rc;
    tn_err err = TN_ERR_INIT;
    /* 2020-02-29 13:45:30.250 (a Saturday) */
    int64_t us = (int64_t)18321 * 86400000000LL + ((13 * 60 + 45) * 60 + 30) * 1000000LL + 250000;
    tn_type tst = tn_type_timestamp(TN_UNIT_US, false);
    static const struct { const char *f; int64_t want; } cases[] = {
        {"year", 2020}, {"quarter", 1}, {"month", 2}, {"day", 29}, {"dow", 6}, {"isodow", 6}, {"doy", 60},
        {"week", 9}, {"hour", 13}, {"minute", 45}, {"second", 30}, {"millisecond", 30250},
        {"microsecond", 30250000}, {"epoch", 1582983930}, {"decade", 202}, {"century", 21}, {"millennium", 3},
        {"YEAR", 2020}};
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        int64_t got = part(cases[i].f, e_int(tst, us), &rc, &err);
        CHECK_EQ_INT(rc, TN_OK);
        if (got != cases[i].want)
            fprintf(stderr, "field %s: %lld\n", cases[i].f, (long long)got);
        CHECK_EQ_INT(got, cases[i].want);
    }
    /* before the epoch: 1969-12-31 23:59:59.5 */
    CHECK_EQ_INT(part("year", e_int(tst, -500000), &rc, &err), 1969);
    CHECK_EQ_INT(part("second", e_int(tst, -500000), &rc, &err), 59);
    CHECK_EQ_INT(part("dow", e_int(ty(TN_T_DATE), -1), &rc, &err), 3);
    /* ISO week edge: 2021-01-03 (Sunday) belongs to week 53 of 2020 */
    CHECK_EQ_INT(part("week", e_int(ty(TN_T_DATE), 18630), &rc, &err), 53);
    CHECK_EQ_INT(part("isoyear", e_int(ty(TN_T_DATE), 18630), &rc, &err), 2020);
    CHECK_EQ_INT(part("isodow", e_int(ty(TN_T_DATE), 18630), &rc, &err), 7);
    /* TIME */
    CHECK_EQ_INT(part("minute", e_int(tn_type_time(TN_UNIT_US), 45000000000LL + 60000000), &rc, &err), 31);
    part("year", e_int(tn_type_time(TN_UNIT_US), 0), &rc, &err);
    CHECK_EQ_INT(rc, TN_ERROR);
    part("fortnight", e_int(ty(TN_T_DATE), 0), &rc, &err);
    CHECK_EQ_INT(rc, TN_ERROR);
    CHECK_EQ_STR(err.msg, "unit \"fortnight\" not recognized");
    /* accessor shorthand */
    ex_expr *y = e_un("year", e_int(ty(TN_T_DATE), 18321));
    CHECK(y != NULL);
    tn_value v;
    CHECK_EQ_INT(fold(y, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 2020);
}

static void test_date_trunc(void)
{
    tn_err err = TN_ERR_INIT;
    tn_type tst = tn_type_timestamp(TN_UNIT_MS, false);
    int64_t ms = (int64_t)18321 * 86400000LL + ((13 * 60 + 45) * 60 + 30) * 1000LL + 250; /* 2020-02-29 13:45:30.250 */
    static const struct { const char *f; int64_t want; } cases[] = {
        {"year", (int64_t)18262 * 86400000LL},   /* 2020-01-01 */
        {"quarter", (int64_t)18262 * 86400000LL},
        {"month", (int64_t)18293 * 86400000LL},  /* 2020-02-01 */
        {"week", (int64_t)18316 * 86400000LL},   /* Monday 2020-02-24 */
        {"day", (int64_t)18321 * 86400000LL},
        {"hour", (int64_t)18321 * 86400000LL + 13 * 3600000LL},
        {"minute", (int64_t)18321 * 86400000LL + (13 * 60 + 45) * 60000LL},
        {"second", (int64_t)18321 * 86400000LL + ((13 * 60 + 45) * 60 + 30) * 1000LL},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        ex_expr *args[2] = {e_str(cases[i].f), e_int(tst, ms)};
        ex_expr *e = e_fn("date_trunc", args, 2);
        CHECK(e && tn_type_equal(e->type, tst));
        tn_value v;
        CHECK_EQ_INT(fold(e, &v, &err), TN_OK);
        if (v.v.i64 != cases[i].want)
            fprintf(stderr, "date_trunc %s: %lld\n", cases[i].f, (long long)v.v.i64);
        CHECK_EQ_INT(v.v.i64, cases[i].want);
    }
    /* DATE input gives the TIMESTAMP at the period start; negative timestamps truncate downwards */
    ex_expr *a2[2] = {e_str("month"), e_int(ty(TN_T_DATE), 18321)};
    ex_expr *e = e_fn("date_trunc", a2, 2);
    CHECK_EQ_INT(e->type.id, TN_T_TIMESTAMP);
    tn_value v;
    CHECK_EQ_INT(fold(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, (int64_t)18293 * 86400000000LL);
    ex_expr *a3[2] = {e_str("day"), e_int(tst, -1)};
    CHECK_EQ_INT(fold(e_fn("date_trunc", a3, 2), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -86400000LL);
    ex_expr *a4[2] = {e_str("bogus"), e_int(tst, 0)};
    CHECK_EQ_INT(fold(e_fn("date_trunc", a4, 2), &v, &err), TN_ERROR);
}

static int64_t part(const char *field, ex_expr *x, int *rc, tn_err *err);

static void test_make_date(void)
{
    tn_err err = TN_ERR_INIT;
    tn_value v;
    ex_expr *a[3] = {e_i32(2024), e_i32(2), e_i32(29)};
    CHECK_EQ_INT(fold(e_fn("make_date", a, 3), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 19782);
    ex_expr *b[3] = {e_i32(2023), e_i32(2), e_i32(29)};
    CHECK_EQ_INT(fold(e_fn("make_date", b, 3), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "date field value out of range: 2023-02-29");
    ex_expr *c[3] = {e_i32(-44), e_i32(3), e_i32(15)};
    CHECK_EQ_INT(fold(e_fn("make_date", c, 3), &v, &err), TN_OK);
    int rc;
    CHECK_EQ_INT(part("year", e_int(ty(TN_T_DATE), v.v.i64), &rc, &err), -44);
    CHECK_EQ_INT(part("day", e_int(ty(TN_T_DATE), v.v.i64), &rc, &err), 15);
}

TEST_MAIN(test_make_date, test_int_casts, test_decimal_float_casts, test_text_to_value, test_value_to_text, test_temporal_casts,
          test_vector_casts, test_cast_value_api, test_extract, test_date_trunc)
