/*
 * test_func_arith.c -- arithmetic and comparison kernels and overload resolution: integer
 * overflow per width, division/modulo semantics, decimal scale handling and overflow, floats,
 * date/timestamp/interval arithmetic, NULL propagation, selections honoured, comparisons across
 * types, ex_common_type.
 */
#include "exexpr_util.h"
#include <math.h>

/* Evaluate a closed expression; returns rc, value in *v. */
static int ev(ex_expr *e, tn_value *v, tn_err *err)
{
    tn_err_clear(err);
    return fold(e, v, err);
}

static ex_expr *ci(tn_type_id id, int64_t x) { return e_int(ty(id), x); }

static void test_int_overflow_messages(void)
{
    tn_value v;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ev(e_bin("+", ci(TN_T_INT32, INT32_MAX), ci(TN_T_INT32, 1)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "integer out of range");
    CHECK_EQ_INT(ev(e_bin("*", ci(TN_T_INT64, INT64_MAX / 2), ci(TN_T_INT64, 3)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "bigint out of range");
    CHECK_EQ_INT(ev(e_bin("-", ci(TN_T_INT16, -32768), ci(TN_T_INT16, 1)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "smallint out of range");
    CHECK_EQ_INT(ev(e_bin("+", ci(TN_T_INT8, 100), ci(TN_T_INT8, 100)), &v, &err), TN_RANGE);
    CHECK_EQ_INT(ev(e_bin("-", ci(TN_T_UINT32, 1), ci(TN_T_UINT32, 2)), &v, &err), TN_RANGE);
    CHECK_EQ_INT(ev(e_un("neg", ci(TN_T_INT32, INT32_MIN)), &v, &err), TN_RANGE);
    CHECK_EQ_INT(ev(e_bin("/", ci(TN_T_INT32, INT32_MIN), ci(TN_T_INT32, -1)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "integer out of range");
    /* in range: exact values */
    CHECK_EQ_INT(ev(e_bin("+", ci(TN_T_INT32, INT32_MAX - 1), ci(TN_T_INT32, 1)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, INT32_MAX);
    CHECK_EQ_INT(ev(e_bin("%", ci(TN_T_INT32, INT32_MIN), ci(TN_T_INT32, -1)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 0);
    CHECK_EQ_INT(ev(e_un("neg", ci(TN_T_INT64, 5)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -5);
    /* HUGEINT */
    CHECK_EQ_INT(ev(e_bin("*", ci(TN_T_INT128, INT64_MAX), ci(TN_T_INT128, 4)), &v, &err), TN_OK);
    CHECK(v.v.i128 == (tn_i128)INT64_MAX * 4);
}

static void test_division(void)
{
    tn_value v;
    tn_err err = TN_ERR_INIT;
    static const struct { int64_t a, b, q, m; } cases[] = {
        {7, 2, 3, 1}, {-7, 2, -3, -1}, {7, -2, -3, 1}, {-7, -2, 3, -1}, {0, 5, 0, 0}};
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        CHECK_EQ_INT(ev(e_bin("/", e_i32(cases[i].a), e_i32(cases[i].b)), &v, &err), TN_OK);
        CHECK_EQ_INT(v.v.i64, cases[i].q);
        CHECK_EQ_INT(ev(e_bin("%", e_i32(cases[i].a), e_i32(cases[i].b)), &v, &err), TN_OK);
        CHECK_EQ_INT(v.v.i64, cases[i].m);
    }
    CHECK_EQ_INT(ev(e_bin("/", e_i32(1), e_i32(0)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "division by zero");
    CHECK_EQ_INT(ev(e_bin("%", ci(TN_T_INT64, 1), ci(TN_T_INT64, 0)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "division by zero");
    CHECK_EQ_INT(ev(e_bin("/", e_dbl(1), e_dbl(0)), &v, &err), TN_RANGE);
    CHECK_EQ_INT(ev(e_bin("/", e_dbl(1), e_dbl(4)), &v, &err), TN_OK);
    CHECK(v.v.f64 == 0.25);
    CHECK_EQ_INT(ev(e_bin("*", e_dbl(1e300), e_dbl(1e300)), &v, &err), TN_RANGE);
    CHECK(strstr(err.msg, "out of range") != NULL);
    /* NaN and infinity inputs are not overflow */
    CHECK_EQ_INT(ev(e_bin("+", e_dbl(INFINITY), e_dbl(1)), &v, &err), TN_OK);
    CHECK(isinf(v.v.f64));
}

/* Vectorised: NULLs propagate, rows outside the selection are not computed (no error even
 * though their divisor is zero), CONST operands on either side. */
static void test_vector_null_sel(void)
{
    int64_t a[] = {10, 20, 30, 40, 50, 60};
    int64_t b[] = {2, 0, 3, 0, 5, 7};
    bool an[] = {false, false, true, false, false, false};
    tn_vector *cols[2] = {vec_ints(ty(TN_T_INT64), a, an, 6), vec_ints(ty(TN_T_INT64), b, NULL, 6)};
    tn_chunk *c = chunk_of(6, 2, cols);
    tn_err err = TN_ERR_INIT;
    int rc;
    ex_expr *e = e_bin("/", e_col(0, ty(TN_T_INT64)), e_col(1, ty(TN_T_INT64)));
    tn_vector *v = eval_vec(e, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_RANGE);
    tn_vector_unref(v);
    uint32_t sel[] = {0, 2, 4, 5};
    chunk_select(c, sel, 4);
    v = eval_vec(e, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), 5);
    CHECK(row_null(v, 2));
    CHECK_EQ_INT(row_i64(v, 4), 10);
    CHECK_EQ_INT(row_i64(v, 5), 8);
    tn_vector_unref(v);
    ex_expr_free(e);
    /* overflow in a NULL row's garbage or an unselected row must not fire: row 1 overflows */
    int64_t big[] = {1, INT64_MAX, 1, 1, 1, 1};
    tn_vector *c2cols[1] = {vec_ints(ty(TN_T_INT64), big, NULL, 6)};
    tn_chunk *c2 = chunk_of(6, 1, c2cols);
    chunk_select(c2, sel, 4);
    e = e_bin("+", e_col(0, ty(TN_T_INT64)), ci(TN_T_INT64, 1));
    v = eval_vec(e, c2, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 5), 2);
    tn_vector_unref(v);
    c2->sel = NULL;
    v = eval_vec(e, c2, &rc, &err);
    CHECK_EQ_INT(rc, TN_RANGE);
    tn_vector_unref(v);
    ex_expr_free(e);
    /* constant on the left, vector on the right, every integer width */
    static const tn_type_id ids[] = {TN_T_INT8, TN_T_INT16, TN_T_INT32, TN_T_INT64, TN_T_UINT8,
                                     TN_T_UINT16, TN_T_UINT32, TN_T_UINT64, TN_T_INT128};
    for (size_t k = 0; k < TN_ARRAY_LEN(ids); k++) {
        int64_t xs[] = {1, 2, 3};
        tn_vector *c3cols[1] = {vec_ints(ty(ids[k]), xs, NULL, 3)};
        tn_chunk *c3 = chunk_of(3, 1, c3cols);
        e = e_bin("-", ci(ids[k], 100), e_col(0, ty(ids[k])));
        CHECK(e && e->type.id == ids[k]);
        v = eval_vec(e, c3, &rc, &err);
        CHECK_EQ_INT(rc, TN_OK);
        CHECK_EQ_INT(row_i64(v, 0), 99);
        CHECK_EQ_INT(row_i64(v, 2), 97);
        tn_vector_unref(v);
        ex_expr_free(e);
        tn_chunk_free(c3);
    }
    tn_chunk_free(c2);
    tn_chunk_free(c);
}

static ex_expr *dec(int p, int s, int64_t unscaled) { return e_int(tn_type_decimal(p, s), unscaled); }

static void test_decimal(void)
{
    tn_value v;
    tn_err err = TN_ERR_INIT;
    /* 1.5 (2,1) + 2.25 (3,2) = 3.75 as DECIMAL(4,2) */
    ex_expr *e = e_bin("+", dec(2, 1, 15), dec(3, 2, 225));
    CHECK_EQ_INT(e->type.id, TN_T_DECIMAL);
    CHECK_EQ_INT(e->type.precision, 4);
    CHECK_EQ_INT(e->type.scale, 2);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 375);
    /* 1.5 * 2.25 = 3.375 DECIMAL(5,3) */
    e = e_bin("*", dec(2, 1, 15), dec(3, 2, 225));
    CHECK_EQ_INT(e->type.scale, 3);
    CHECK_EQ_INT(e->type.precision, 5);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 3375);
    /* integer + decimal: 2 + 0.5 = 2.5 */
    e = e_bin("+", e_i32(2), dec(3, 1, 5));
    CHECK_EQ_INT(e->type.id, TN_T_DECIMAL);
    CHECK_EQ_INT(e->type.scale, 1);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 25);
    /* % keeps max scale: 7.5 % 2 = 1.5 ; -7.5 % 2 = -1.5 */
    CHECK_EQ_INT(ev(e_bin("%", dec(3, 1, 75), e_i32(2)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 15);
    CHECK_EQ_INT(ev(e_bin("%", dec(3, 1, -75), e_i32(2)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -15);
    CHECK_EQ_INT(ev(e_bin("%", dec(3, 1, 75), dec(3, 1, 0)), &v, &err), TN_RANGE);
    /* decimal / decimal -> DOUBLE */
    e = e_bin("/", dec(3, 1, 10), dec(3, 1, 40));
    CHECK_EQ_INT(e->type.id, TN_T_DOUBLE);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK(fabs(v.v.f64 - 0.25) < 1e-12);
    /* wide decimals: DECIMAL(38,0) overflow */
    tn_value big;
    memset(&big, 0, sizeof big);
    big.type = tn_type_decimal(38, 0);
    big.v.i128 = 1;
    for (int i = 0; i < 37; i++)
        big.v.i128 *= 10;
    big.v.i128 *= 9; /* 9e37 */
    ex_expr *b1 = ex_expr_const(&big), *b2 = ex_expr_const(&big);
    e = e_bin("+", b1, b2);
    CHECK_EQ_INT(e->type.precision, 38);
    CHECK_EQ_INT(ev(e, &v, &err), TN_RANGE);
    CHECK(strstr(err.msg, "decimal out of range") != NULL);
    /* negation */
    CHECK_EQ_INT(ev(e_un("neg", dec(5, 2, 12345)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -12345);
}

static void test_float_kernels(void)
{
    double a[] = {1.5, -2.0, 0.0};
    double b[] = {2.0, 4.0, 3.0};
    tn_vector *cols[2] = {vec_doubles(ty(TN_T_DOUBLE), a, NULL, 3), vec_doubles(ty(TN_T_FLOAT), b, NULL, 3)};
    tn_chunk *c = chunk_of(3, 2, cols);
    int rc;
    ex_expr *e = e_bin("*", e_col(0, ty(TN_T_DOUBLE)), e_col(1, ty(TN_T_FLOAT)));
    CHECK_EQ_INT(e->type.id, TN_T_DOUBLE);
    tn_vector *v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK(row_f64(v, 0) == 3.0);
    CHECK(row_f64(v, 1) == -8.0);
    tn_vector_unref(v);
    ex_expr_free(e);
    e = e_bin("%", e_col(0, ty(TN_T_DOUBLE)), e_dbl(1.0));
    v = eval_vec(e, c, &rc, NULL);
    CHECK(row_f64(v, 0) == 0.5);
    tn_vector_unref(v);
    ex_expr_free(e);
    /* int + double -> double */
    e = e_bin("+", e_i32(1), e_col(0, ty(TN_T_DOUBLE)));
    CHECK_EQ_INT(e->type.id, TN_T_DOUBLE);
    v = eval_vec(e, c, &rc, NULL);
    CHECK(row_f64(v, 0) == 2.5);
    tn_vector_unref(v);
    ex_expr_free(e);
    tn_chunk_free(c);
}

static void test_dates(void)
{
    tn_value v;
    tn_err err = TN_ERR_INIT;
    /* 2020-02-28 = 18320 */
    ex_expr *d = e_int(ty(TN_T_DATE), 18320);
    ex_expr *e = e_bin("+", d, e_i32(2));
    CHECK_EQ_INT(e->type.id, TN_T_DATE);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 18322);
    e = e_bin("-", e_int(ty(TN_T_DATE), 18322), e_int(ty(TN_T_DATE), 18320));
    CHECK_EQ_INT(e->type.id, TN_T_INT32);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 2);
    /* date compared with a string literal: the string is cast to DATE */
    e = e_bin("<", e_int(ty(TN_T_DATE), 18320), e_str("2020-03-01"));
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK(v.v.b);
    e = e_bin("=", e_int(ty(TN_T_DATE), 18320), e_str("2020-02-28"));
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK(v.v.b);
    /* timestamp + interval '1 month' clamps 2020-01-31 to 2020-02-29 */
    tn_value ts = tn_value_int(tn_type_timestamp(TN_UNIT_US, false), (int64_t)18292 * 86400000000LL + 3600000000LL);
    tn_value iv;
    memset(&iv, 0, sizeof iv);
    iv.type = ty(TN_T_INTERVAL);
    iv.v.iv.months = 1;
    e = e_bin("+", ex_expr_const(&ts), ex_expr_const(&iv));
    CHECK_EQ_INT(e->type.id, TN_T_TIMESTAMP);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, (int64_t)18321 * 86400000000LL + 3600000000LL);
    /* date - interval -> timestamp */
    iv.v.iv.months = 0;
    iv.v.iv.days = 1;
    iv.v.iv.micros = 1;
    e = e_bin("-", e_int(ty(TN_T_DATE), 1), ex_expr_const(&iv));
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -1);
    /* ts - ts -> interval */
    tn_value ts2 = tn_value_int(tn_type_timestamp(TN_UNIT_US, false), 0);
    e = e_bin("-", ex_expr_const(&ts), ex_expr_const(&ts2));
    CHECK_EQ_INT(e->type.id, TN_T_INTERVAL);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.iv.days, 18292);
    CHECK_EQ_INT(v.v.iv.micros, 3600000000LL);
    /* overflow */
    CHECK_EQ_INT(ev(e_bin("+", e_int(ty(TN_T_DATE), INT32_MAX), e_i32(1)), &v, &err), TN_RANGE);
    CHECK_EQ_INT(ev(e_bin("-", e_int(ty(TN_T_DATE), INT32_MAX), e_int(ty(TN_T_DATE), INT32_MIN)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "integer out of range");
    /* interval scaling: 1 month 1 day * 3; 1 day * 1.5 = 1 day 12:00 */
    iv.v.iv.months = 1;
    iv.v.iv.days = 1;
    iv.v.iv.micros = 0;
    CHECK_EQ_INT(ev(e_bin("*", e_i32(3), ex_expr_const(&iv)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.iv.months, 3);
    CHECK_EQ_INT(v.v.iv.days, 3);
    iv.v.iv.months = 0;
    CHECK_EQ_INT(ev(e_bin("*", ex_expr_const(&iv), e_dbl(1.5)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.iv.days, 1);
    CHECK_EQ_INT(v.v.iv.micros, 43200000000LL);
    CHECK_EQ_INT(ev(e_bin("/", ex_expr_const(&iv), e_dbl(0)), &v, &err), TN_RANGE);
}

static void test_compare(void)
{
    tn_value v;
    tn_err err = TN_ERR_INIT;
    /* decimals of different scale: 1.50 = 1.5, 1.49 < 1.5 */
    CHECK_EQ_INT(ev(e_bin("=", dec(3, 2, 150), dec(2, 1, 15)), &v, &err), TN_OK);
    CHECK(v.v.b);
    CHECK_EQ_INT(ev(e_bin("<", dec(3, 2, 149), dec(2, 1, 15)), &v, &err), TN_OK);
    CHECK(v.v.b);
    CHECK_EQ_INT(ev(e_bin(">", dec(3, 2, 149), dec(2, 1, 15)), &v, &err), TN_OK);
    CHECK(!v.v.b);
    /* int vs decimal */
    CHECK_EQ_INT(ev(e_bin("<", e_i32(1), dec(3, 2, 101)), &v, &err), TN_OK);
    CHECK(v.v.b);
    /* signed vs unsigned: -1 < 4000000000 */
    CHECK_EQ_INT(ev(e_bin("<", e_i32(-1), ci(TN_T_UINT32, 4000000000LL)), &v, &err), TN_OK);
    CHECK(v.v.b);
    CHECK_EQ_INT(ev(e_bin("<", ci(TN_T_INT64, -1), ci(TN_T_UINT64, 1)), &v, &err), TN_OK);
    CHECK(v.v.b);
    /* strings: byte order, prefix shorter first */
    CHECK_EQ_INT(ev(e_bin("<", e_str("abc"), e_str("abd")), &v, &err), TN_OK);
    CHECK(v.v.b);
    CHECK_EQ_INT(ev(e_bin("<", e_str("ab"), e_str("abc")), &v, &err), TN_OK);
    CHECK(v.v.b);
    CHECK_EQ_INT(ev(e_bin("<", e_str("Z"), e_str("a")), &v, &err), TN_OK);
    CHECK(v.v.b);
    CHECK_EQ_INT(ev(e_bin("=", e_str("a-rather-long-string-x"), e_str("a-rather-long-string-x")), &v, &err), TN_OK);
    CHECK(v.v.b);
    CHECK_EQ_INT(ev(e_bin("<>", e_str("a-rather-long-string-x"), e_str("a-rather-long-string-y")), &v, &err), TN_OK);
    CHECK(v.v.b);
    /* NaN is equal to itself and above everything */
    CHECK_EQ_INT(ev(e_bin("=", e_dbl(NAN), e_dbl(NAN)), &v, &err), TN_OK);
    CHECK(v.v.b);
    CHECK_EQ_INT(ev(e_bin(">", e_dbl(NAN), e_dbl(INFINITY)), &v, &err), TN_OK);
    CHECK(v.v.b);
    /* NULL in, NULL out */
    CHECK_EQ_INT(ev(e_bin("=", e_i32(1), e_null(ty(TN_T_INT32))), &v, &err), TN_OK);
    CHECK(v.is_null);
    /* timestamps of different units */
    tn_value ms = tn_value_int(tn_type_timestamp(TN_UNIT_MS, false), 1000);
    tn_value us = tn_value_int(tn_type_timestamp(TN_UNIT_US, false), 1000000);
    CHECK_EQ_INT(ev(e_bin("=", ex_expr_const(&ms), ex_expr_const(&us)), &v, &err), TN_OK);
    CHECK(v.v.b);
    /* bools */
    CHECK_EQ_INT(ev(e_bin("<", e_bool(false), e_bool(true)), &v, &err), TN_OK);
    CHECK(v.v.b);

    /* vectorised over all six operators, with NULLs, vs a constant on both sides */
    int64_t a[] = {1, 5, 3, 5, 9};
    bool an[] = {false, false, false, true, false};
    tn_vector *cols[1] = {vec_ints(ty(TN_T_INT16), a, an, 5)};
    tn_chunk *c = chunk_of(5, 1, cols);
    static const char *ops[] = {"=", "<>", "<", "<=", ">", ">="};
    for (int o = 0; o < 6; o++) {
        for (int side = 0; side < 2; side++) {
            ex_expr *e = side ? e_bin(ops[o], e_i32(5), e_col(0, ty(TN_T_INT16)))
                              : e_bin(ops[o], e_col(0, ty(TN_T_INT16)), e_i32(5));
            int rc;
            tn_vector *r = eval_vec(e, c, &rc, &err);
            CHECK_EQ_INT(rc, TN_OK);
            for (uint32_t i = 0; i < 5; i++) {
                if (an[i]) {
                    CHECK(row_null(r, i));
                    continue;
                }
                int64_t x = side ? 5 : a[i], y = side ? a[i] : 5;
                bool want = o == 0 ? x == y : o == 1 ? x != y : o == 2 ? x < y : o == 3 ? x <= y : o == 4 ? x > y : x >= y;
                CHECK_EQ_INT(row_i64(r, i), want);
            }
            tn_vector_unref(r);
            ex_expr_free(e);
        }
    }
    tn_chunk_free(c);
}

static void test_resolution(void)
{
    tn_err err = TN_ERR_INIT;
    const ex_func *fn;
    tn_type args[2] = {ty(TN_T_INT32), ty(TN_T_INT64)}, cast_to[2];
    CHECK_EQ_INT(ex_func_resolve("+", args, 2, &fn, cast_to, &err), TN_OK);
    CHECK_EQ_INT(fn->ret.id, TN_T_INT64);
    CHECK_EQ_INT(cast_to[0].id, TN_T_INT64);
    CHECK_EQ_INT(cast_to[1].id, TN_T_INT64);
    args[0] = ty(TN_T_NULL);
    args[1] = ty(TN_T_INT32);
    CHECK_EQ_INT(ex_func_resolve("*", args, 2, &fn, cast_to, &err), TN_OK);
    CHECK_EQ_INT(fn->ret.id, TN_T_INT32);
    args[0] = ty(TN_T_INT32);
    args[1] = ty(TN_T_VARCHAR);
    CHECK_EQ_INT(ex_func_resolve("+", args, 2, &fn, cast_to, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "+(INTEGER, VARCHAR)") != NULL);
    CHECK_EQ_INT(ex_func_resolve("no_such_function", args, 2, &fn, cast_to, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "does not exist") != NULL);
    /* case-insensitive names */
    args[0] = ty(TN_T_VARCHAR);
    CHECK_EQ_INT(ex_func_resolve("UPPER", args, 1, &fn, cast_to, &err), TN_OK);
    CHECK_EQ_INT(fn->ret.id, TN_T_VARCHAR);
    /* interned decimal entries are stable pointers */
    const ex_func *f1, *f2;
    tn_type d[2] = {tn_type_decimal(10, 2), tn_type_decimal(12, 4)};
    CHECK_EQ_INT(ex_func_resolve("+", d, 2, &f1, cast_to, &err), TN_OK);
    CHECK_EQ_INT(ex_func_resolve("+", d, 2, &f2, cast_to, &err), TN_OK);
    CHECK(f1 == f2);
    CHECK_EQ_INT(f1->ret.precision, 13);
    CHECK_EQ_INT(f1->ret.scale, 4);
    /* cast rules */
    CHECK(ex_cast_allowed(ty(TN_T_INT32), ty(TN_T_INT64), true));
    CHECK(!ex_cast_allowed(ty(TN_T_INT64), ty(TN_T_INT32), true));
    CHECK(ex_cast_allowed(ty(TN_T_INT64), ty(TN_T_INT32), false));
    CHECK(!ex_cast_allowed(ty(TN_T_VARCHAR), ty(TN_T_INT32), true));
    CHECK(ex_cast_allowed(ty(TN_T_VARCHAR), ty(TN_T_INT32), false));
    CHECK(ex_cast_allowed(ty(TN_T_VARCHAR), ty(TN_T_DATE), true));
    CHECK(!ex_cast_allowed(ty(TN_T_DATE), ty(TN_T_INT32), false));
}

static void test_common_type(void)
{
    tn_err err = TN_ERR_INIT;
    tn_type t;
    CHECK_EQ_INT(ex_common_type(ty(TN_T_INT32), ty(TN_T_INT64), &t, &err), TN_OK);
    CHECK_EQ_INT(t.id, TN_T_INT64);
    CHECK_EQ_INT(ex_common_type(ty(TN_T_INT32), ty(TN_T_UINT32), &t, &err), TN_OK);
    CHECK_EQ_INT(t.id, TN_T_INT64);
    CHECK_EQ_INT(ex_common_type(ty(TN_T_INT64), ty(TN_T_UINT64), &t, &err), TN_OK);
    CHECK_EQ_INT(t.id, TN_T_INT128);
    CHECK_EQ_INT(ex_common_type(ty(TN_T_NULL), ty(TN_T_VARCHAR), &t, &err), TN_OK);
    CHECK_EQ_INT(t.id, TN_T_VARCHAR);
    CHECK_EQ_INT(ex_common_type(ty(TN_T_INT32), tn_type_decimal(5, 2), &t, &err), TN_OK);
    CHECK_EQ_INT(t.id, TN_T_DECIMAL);
    CHECK_EQ_INT(t.precision, 12);
    CHECK_EQ_INT(t.scale, 2);
    CHECK_EQ_INT(ex_common_type(tn_type_decimal(5, 2), tn_type_decimal(10, 4), &t, &err), TN_OK);
    CHECK_EQ_INT(t.precision, 10);
    CHECK_EQ_INT(t.scale, 4);
    CHECK_EQ_INT(ex_common_type(tn_type_decimal(5, 2), ty(TN_T_DOUBLE), &t, &err), TN_OK);
    CHECK_EQ_INT(t.id, TN_T_DOUBLE);
    CHECK_EQ_INT(ex_common_type(ty(TN_T_DATE), tn_type_timestamp(TN_UNIT_MS, false), &t, &err), TN_OK);
    CHECK_EQ_INT(t.id, TN_T_TIMESTAMP);
    CHECK_EQ_INT(t.unit, TN_UNIT_MS);
    CHECK_EQ_INT(ex_common_type(ty(TN_T_VARCHAR), ty(TN_T_DATE), &t, &err), TN_OK);
    CHECK_EQ_INT(t.id, TN_T_DATE);
    CHECK_EQ_INT(ex_common_type(ty(TN_T_BOOL), ty(TN_T_DATE), &t, &err), TN_ERROR);
    CHECK(strstr(err.msg, "cannot be matched") != NULL);
}

static void test_math(void)
{
    tn_value v;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ev(e_un("abs", e_i32(-7)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 7);
    CHECK_EQ_INT(ev(e_un("abs", ci(TN_T_INT64, INT64_MIN)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "bigint out of range");
    CHECK_EQ_INT(ev(e_un("abs", dec(5, 2, -150)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 150);
    CHECK_EQ_INT(ev(e_un("sign", e_dbl(-3.5)), &v, &err), TN_OK);
    CHECK(v.v.f64 == -1.0);
    /* round: doubles half away from zero, decimals exact */
    CHECK_EQ_INT(ev(e_un("round", e_dbl(2.5)), &v, &err), TN_OK);
    CHECK(v.v.f64 == 3.0);
    CHECK_EQ_INT(ev(e_bin("round", e_dbl(1.2345), e_i32(2)), &v, &err), TN_OK);
    CHECK(fabs(v.v.f64 - 1.23) < 1e-12);
    CHECK_EQ_INT(ev(e_bin("round", e_dbl(1250), e_i32(-2)), &v, &err), TN_OK);
    CHECK(v.v.f64 == 1300);
    ex_expr *e = e_un("round", dec(5, 2, -250));
    CHECK_EQ_INT(e->type.scale, 0);
    CHECK_EQ_INT(e->type.precision, 4);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -3);
    /* constant digits narrow the scale (ex_func_specialize): round(1.235, 2) = 1.24 DECIMAL(6,2) */
    e = e_bin("round", dec(6, 3, 1235), e_i32(2));
    CHECK_EQ_INT(e->type.scale, 2);
    CHECK_EQ_INT(e->type.precision, 6);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 124);
    e = e_bin("round", dec(6, 3, -1235), e_i32(-1));
    CHECK_EQ_INT(e->type.scale, 0);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 0);
    e = e_bin("trunc", dec(6, 3, -1239), e_i32(1));
    CHECK_EQ_INT(e->type.scale, 1);
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -12);
    /* non-constant digits keep the input scale */
    int64_t dg[] = {1};
    tn_vector *dcols[1] = {vec_ints(ty(TN_T_INT64), dg, NULL, 1)};
    tn_chunk *dc = chunk_of(1, 1, dcols);
    e = e_bin("round", dec(6, 3, 1251), e_col(0, ty(TN_T_INT64)));
    CHECK_EQ_INT(e->type.scale, 3);
    int rc;
    tn_vector *rv = eval_vec(e, dc, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(rv, 0), 1300);
    tn_vector_unref(rv);
    ex_expr_free(e);
    tn_chunk_free(dc);
    /* regression: rounding a DECIMAL(38,38) near its limit must not overflow 128 bits */
    tn_value w;
    memset(&w, 0, sizeof w);
    w.type = tn_type_decimal(38, 38);
    w.v.i128 = 1;
    for (int i = 0; i < 38; i++)
        w.v.i128 *= 10;
    w.v.i128 = w.v.i128 - 1; /* 0.999...9 */
    e = e_un("round", ex_expr_const(&w));
    CHECK_EQ_INT(ev(e, &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 1);
    CHECK_EQ_INT(ev(e_cast(ex_expr_const(&w), ty(TN_T_INT32), false), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 1);
    w.v.i128 = -w.v.i128;
    CHECK_EQ_INT(ev(e_un("floor", ex_expr_const(&w)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -1);
    CHECK_EQ_INT(ev(e_un("ceil", dec(5, 2, -150)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -1);
    CHECK_EQ_INT(ev(e_un("floor", dec(5, 2, -150)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -2);
    CHECK_EQ_INT(ev(e_un("trunc", e_dbl(-2.7)), &v, &err), TN_OK);
    CHECK(v.v.f64 == -2.0);
    CHECK_EQ_INT(ev(e_un("floor", e_i32(5)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 5);
    /* domain errors */
    CHECK_EQ_INT(ev(e_un("sqrt", e_i32(-1)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "cannot take square root of a negative number");
    CHECK_EQ_INT(ev(e_un("ln", e_dbl(0)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "cannot take logarithm of zero");
    CHECK_EQ_INT(ev(e_un("log", e_i32(1000)), &v, &err), TN_OK);
    CHECK(fabs(v.v.f64 - 3.0) < 1e-12);
    CHECK_EQ_INT(ev(e_bin("power", e_i32(2), e_i32(10)), &v, &err), TN_OK);
    CHECK(v.v.f64 == 1024.0);
    CHECK_EQ_INT(ev(e_bin("power", e_dbl(10), e_dbl(400)), &v, &err), TN_RANGE);
    CHECK_EQ_INT(ev(e_bin("mod", e_i32(-7), e_i32(3)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, -1);
    CHECK_EQ_INT(ev(e_fn("pi", NULL, 0), &v, &err), TN_OK);
    CHECK(fabs(v.v.f64 - 3.14159265358979) < 1e-12);
}

/* Fast paths (flat, no NULLs, no selection, vector-vs-constant) must agree with the generic
 * path that scalar folding takes, row by row, for every operator over random data. */
static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static int64_t rnd(int64_t lo, int64_t hi)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return lo + (int64_t)(rng_state % (uint64_t)(hi - lo + 1));
}

static void test_fast_paths_match_scalar(void)
{
    static const tn_type_id ids[] = {TN_T_INT8, TN_T_INT16, TN_T_INT32, TN_T_INT64, TN_T_UINT32, TN_T_INT128};
    static const char *ops[] = {"+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">="};
    enum { N = 64 };
    for (size_t t = 0; t < TN_ARRAY_LEN(ids); t++) {
        for (int variant = 0; variant < 4; variant++) {
            /* variant: 0 flat/no nulls, 1 nulls, 2 selection, 3 constant right operand */
            int64_t a[N], b[N];
            bool an[N], bn[N];
            for (int i = 0; i < N; i++) {
                bool uns = ids[t] == TN_T_UINT32;
                a[i] = rnd(uns ? 0 : -120, 120);
                b[i] = rnd(uns ? 0 : -5, 5);
                an[i] = variant == 1 && rnd(0, 4) == 0;
                bn[i] = variant == 1 && rnd(0, 4) == 0;
            }
            for (size_t o = 0; o < TN_ARRAY_LEN(ops); o++) {
                tn_vector *cols[2] = {vec_ints(ty(ids[t]), a, an, N), vec_ints(ty(ids[t]), b, bn, N)};
                tn_chunk *c = chunk_of(N, 2, cols);
                uint32_t sel[N], ns = 0;
                for (uint32_t i = 0; i < N; i++)
                    if (b[i] != 0 || variant != 2)
                        sel[ns++] = i;
                if (variant == 2)
                    chunk_select(c, sel, ns);
                int64_t kb = 3;
                ex_expr *rhs = variant == 3 ? e_int(ty(ids[t]), kb) : e_col(1, ty(ids[t]));
                ex_expr *e = e_bin(ops[o], e_col(0, ty(ids[t])), rhs);
                tn_err err = TN_ERR_INIT;
                int rc;
                tn_vector *v = eval_vec(e, c, &rc, &err);
                /* reference: fold every active row separately */
                bool any_err = false;
                for (uint32_t i = 0; i < N; i++) {
                    if (variant == 2 && b[i] == 0)
                        continue;
                    int64_t bv = variant == 3 ? kb : b[i];
                    bool bnull = variant == 3 ? false : bn[i];
                    ex_expr *x = an[i] ? e_null(ty(ids[t])) : e_int(ty(ids[t]), a[i]);
                    ex_expr *y = bnull ? e_null(ty(ids[t])) : e_int(ty(ids[t]), bv);
                    tn_value ref;
                    tn_err rerr = TN_ERR_INIT;
                    int rrc = fold(e_bin(ops[o], x, y), &ref, &rerr);
                    if (rrc) {
                        any_err = true;
                        continue;
                    }
                    if (rc)
                        continue;
                    bool vn = row_null(v, i);
                    CHECK_EQ_INT(vn, ref.is_null);
                    if (!vn && !ref.is_null) {
                        int64_t got = row_i64(v, i);
                        int64_t want = ref.type.id == TN_T_BOOL ? ref.v.b
                                       : ref.type.id == TN_T_INT128 ? (int64_t)ref.v.i128
                                                                    : ref.v.i64;
                        if (got != want)
                            fprintf(stderr, "type %d op %s variant %d row %u: %lld vs %lld\n", ids[t], ops[o],
                                    variant, i, (long long)got, (long long)want);
                        CHECK_EQ_INT(got, want);
                    }
                }
                CHECK_EQ_INT(rc != TN_OK, any_err);
                tn_vector_unref(v);
                ex_expr_free(e);
                tn_chunk_free(c);
            }
        }
    }
}

TEST_MAIN(test_fast_paths_match_scalar, test_math, test_int_overflow_messages, test_division, test_vector_null_sel, test_decimal, test_float_kernels,
          test_dates, test_compare, test_resolution, test_common_type)
