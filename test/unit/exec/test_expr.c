/*
 * test_expr.c -- expression trees and the evaluation driver: constants, column references,
 * selection vectors, three-valued AND/OR/NOT, IS [NOT] NULL, CASE laziness, COALESCE, IN lists,
 * DICT/CONST inputs, ex_expr_select, copy/explain/fold.
 */
#include "exexpr_util.h"

static tn_type B(void) { return ty(TN_T_BOOL); }

/* three-valued constant: 0 false, 1 true, 2 NULL */
static ex_expr *tv(int v) { return v == 2 ? e_null(B()) : e_bool(v == 1); }

static void test_const_colref(void)
{
    int64_t a[] = {1, 2, 3, 4};
    bool an[] = {false, true, false, false};
    tn_vector *cols[1] = {vec_ints(ty(TN_T_INT32), a, an, 4)};
    tn_chunk *c = chunk_of(4, 1, cols);
    tn_err err = TN_ERR_INIT;
    int rc;

    ex_expr *k = e_i32(42);
    tn_vector *v = eval_vec(k, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(v->kind, TN_VEC_CONST);
    CHECK_EQ_INT(row_i64(v, 3), 42);
    tn_vector_unref(v);
    ex_expr_free(k);

    ex_expr *col = e_col(0, ty(TN_T_INT32));
    v = eval_vec(col, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), 1);
    CHECK(row_null(v, 1));
    CHECK_EQ_INT(row_i64(v, 3), 4);
    tn_vector_unref(v);

    /* out-of-range column is an error, not a crash */
    ex_expr *bad = e_col(5, ty(TN_T_INT32));
    v = eval_vec(bad, c, &rc, &err);
    CHECK(rc != TN_OK);
    tn_vector_unref(v);
    ex_expr_free(bad);
    ex_expr_free(col);
    tn_chunk_free(c);
}

static void test_and_or_truth_tables(void)
{
    int64_t one = 1;
    tn_vector *cols[1] = {vec_ints(ty(TN_T_INT32), &one, NULL, 1)};
    tn_chunk *c = chunk_of(1, 1, cols);
    /* expected[a][b] with 0=F 1=T 2=NULL */
    static const int and_t[3][3] = {{0, 0, 0}, {0, 1, 2}, {0, 2, 2}};
    static const int or_t[3][3] = {{0, 1, 2}, {1, 1, 1}, {2, 1, 2}};
    for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++) {
            for (int k = 0; k < 2; k++) {
                ex_expr *args[2] = {tv(a), tv(b)};
                ex_expr *e = e_node(k ? EX_OR : EX_AND, B(), false, args, 2);
                tn_err err = TN_ERR_INIT;
                int rc;
                tn_vector *v = eval_vec(e, c, &rc, &err);
                CHECK_EQ_INT(rc, TN_OK);
                int want = k ? or_t[a][b] : and_t[a][b];
                int got = row_null(v, 0) ? 2 : (int)row_i64(v, 0);
                if (got != want)
                    fprintf(stderr, "%s(%d,%d) = %d want %d\n", k ? "OR" : "AND", a, b, got, want);
                CHECK_EQ_INT(got, want);
                tn_vector_unref(v);
                ex_expr_free(e);
            }
            /* NOT */
            ex_expr *na[1] = {tv(a)};
            ex_expr *ne = e_node(EX_NOT, B(), false, na, 1);
            int rc;
            tn_vector *v = eval_vec(ne, c, &rc, NULL);
            int got = row_null(v, 0) ? 2 : (int)row_i64(v, 0);
            CHECK_EQ_INT(got, a == 2 ? 2 : !a);
            tn_vector_unref(v);
            ex_expr_free(ne);
        }
    }
    tn_chunk_free(c);
}

/* Vectorised AND/OR over columns with NULLs, including short-circuit: the second operand of AND
 * must not be evaluated where the first is FALSE (it would divide by zero there). */
static void test_and_short_circuit(void)
{
    int64_t x[] = {0, 2, 0, 5, 1};
    bool xn[] = {false, false, false, false, true};
    tn_vector *cols[1] = {vec_ints(ty(TN_T_INT32), x, xn, 5)};
    tn_chunk *c = chunk_of(5, 1, cols);
    tn_err err = TN_ERR_INIT;
    int rc;
    /* x <> 0 AND 10 / x > 2 */
    ex_expr *args[2] = {e_bin("<>", e_col(0, ty(TN_T_INT32)), e_i32(0)),
                        e_bin(">", e_bin("/", e_i32(10), e_col(0, ty(TN_T_INT32))), e_i32(2))};
    ex_expr *e = e_node(EX_AND, B(), false, args, 2);
    tn_vector *v = eval_vec(e, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), 0);
    CHECK_EQ_INT(row_i64(v, 1), 1); /* 10/2 = 5 > 2 */
    CHECK_EQ_INT(row_i64(v, 2), 0);
    CHECK_EQ_INT(row_i64(v, 3), 0); /* 10/5 = 2 > 2 false */
    CHECK(row_null(v, 4));
    tn_vector_unref(v);

    /* without the guard the division raises */
    ex_expr *d = e_bin("/", e_i32(10), e_col(0, ty(TN_T_INT32)));
    v = eval_vec(d, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_RANGE);
    CHECK(strstr(err.msg, "division by zero") != NULL);
    tn_vector_unref(v);

    /* ...unless the selection excludes the zero rows */
    uint32_t sel[] = {1, 3};
    chunk_select(c, sel, 2);
    tn_err_clear(&err);
    v = eval_vec(d, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 1), 5);
    CHECK_EQ_INT(row_i64(v, 3), 2);
    tn_vector_unref(v);
    ex_expr_free(d);
    ex_expr_free(e);
    tn_chunk_free(c);
}

static void test_is_null(void)
{
    int64_t x[] = {1, 2, 3};
    bool xn[] = {false, true, false};
    tn_vector *cols[1] = {vec_ints(ty(TN_T_INT64), x, xn, 3)};
    tn_chunk *c = chunk_of(3, 1, cols);
    for (int f = 0; f < 2; f++) {
        ex_expr *a[1] = {e_col(0, ty(TN_T_INT64))};
        ex_expr *e = e_node(EX_IS_NULL, B(), f, a, 1);
        int rc;
        tn_vector *v = eval_vec(e, c, &rc, NULL);
        CHECK_EQ_INT(rc, TN_OK);
        CHECK_EQ_INT(row_i64(v, 0), f ? 1 : 0);
        CHECK_EQ_INT(row_i64(v, 1), f ? 0 : 1);
        CHECK(!row_null(v, 1));
        tn_vector_unref(v);
        ex_expr_free(e);
    }
    tn_chunk_free(c);
}

static void test_case_lazy(void)
{
    int64_t x[] = {0, 4, -2, 0, 7};
    bool xn[] = {false, false, false, true, false};
    tn_vector *cols[1] = {vec_ints(ty(TN_T_INT32), x, xn, 5)};
    tn_chunk *c = chunk_of(5, 1, cols);
    tn_err err = TN_ERR_INIT;
    int rc;
    /* CASE WHEN x = 0 THEN -1 WHEN x > 0 THEN 100 / x ELSE x * 10 END */
    ex_expr *args[5] = {
        e_bin("=", e_col(0, ty(TN_T_INT32)), e_i32(0)), e_i32(-1),
        e_bin(">", e_col(0, ty(TN_T_INT32)), e_i32(0)), e_bin("/", e_i32(100), e_col(0, ty(TN_T_INT32))),
        e_bin("*", e_col(0, ty(TN_T_INT32)), e_i32(10))};
    ex_expr *e = e_node(EX_CASE, ty(TN_T_INT32), true, args, 5);
    tn_vector *v = eval_vec(e, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), -1);
    CHECK_EQ_INT(row_i64(v, 1), 25);
    CHECK_EQ_INT(row_i64(v, 2), -20);
    CHECK(row_null(v, 3)); /* NULL: no WHEN is true -> ELSE NULL*10 */
    CHECK_EQ_INT(row_i64(v, 4), 14);
    tn_vector_unref(v);
    /* the same tree evaluated again reuses its scratch (second batch) with a selection */
    uint32_t sel[] = {0, 4};
    chunk_select(c, sel, 2);
    v = eval_vec(e, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), -1);
    CHECK_EQ_INT(row_i64(v, 4), 14);
    tn_vector_unref(v);
    ex_expr_free(e);

    /* no ELSE: unmatched rows are NULL */
    c->sel = NULL;
    ex_expr *a2[2] = {e_bin(">", e_col(0, ty(TN_T_INT32)), e_i32(3)), e_str("big")};
    e = e_node(EX_CASE, ty(TN_T_VARCHAR), false, a2, 2);
    v = eval_vec(e, c, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_STR(row_str(v, 0), "<NULL>");
    CHECK_EQ_STR(row_str(v, 1), "big");
    CHECK_EQ_STR(row_str(v, 4), "big");
    tn_vector_unref(v);
    ex_expr_free(e);
    tn_chunk_free(c);
}

static void test_coalesce(void)
{
    const char *s1[] = {NULL, "a-long-string-over-12", NULL, "d"};
    const char *s2[] = {"x", "y", NULL, NULL};
    tn_vector *cols[2] = {vec_strs(s1, 4), vec_strs(s2, 4)};
    tn_chunk *c = chunk_of(4, 2, cols);
    ex_expr *args[3] = {e_col(0, ty(TN_T_VARCHAR)), e_col(1, ty(TN_T_VARCHAR)), e_str("zzz-default-long-value")};
    ex_expr *e = e_node(EX_COALESCE, ty(TN_T_VARCHAR), false, args, 3);
    int rc;
    tn_vector *v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    /* the input chunk goes away before we read: strings must stay alive with v */
    tn_chunk_free(c);
    CHECK_EQ_STR(row_str(v, 0), "x");
    CHECK_EQ_STR(row_str(v, 1), "a-long-string-over-12");
    CHECK_EQ_STR(row_str(v, 2), "zzz-default-long-value");
    CHECK_EQ_STR(row_str(v, 3), "d");
    tn_vector_unref(v);
    ex_expr_free(e);

    /* all NULL -> NULL */
    int64_t one = 1;
    tn_vector *c2[1] = {vec_ints(ty(TN_T_INT32), &one, NULL, 1)};
    c = chunk_of(1, 1, c2);
    ex_expr *a2[2] = {e_null(ty(TN_T_INT32)), e_null(ty(TN_T_INT32))};
    e = e_node(EX_COALESCE, ty(TN_T_INT32), false, a2, 2);
    v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK(row_null(v, 0));
    tn_vector_unref(v);
    ex_expr_free(e);
    tn_chunk_free(c);
}

static ex_expr *in_expr(ex_expr *probe, bool not_in, const int64_t *items, const bool *item_null, uint32_t n)
{
    ex_expr *e = ex_expr_new(EX_IN, B());
    e->flag = not_in;
    ex_expr_add_arg(e, probe);
    for (uint32_t i = 0; i < n; i++)
        ex_expr_add_arg(e, item_null && item_null[i] ? e_null(ty(TN_T_INT32)) : e_i32(items[i]));
    return e;
}

static void test_in_list(void)
{
    int64_t x[] = {1, 5, 7, 3, 0};
    bool xn[] = {false, false, false, false, true};
    tn_vector *cols[1] = {vec_ints(ty(TN_T_INT32), x, xn, 5)};
    tn_chunk *c = chunk_of(5, 1, cols);
    int rc;
    /* small list */
    int64_t items[] = {3, 5};
    ex_expr *e = in_expr(e_col(0, ty(TN_T_INT32)), false, items, NULL, 2);
    tn_vector *v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), 0);
    CHECK_EQ_INT(row_i64(v, 1), 1);
    CHECK_EQ_INT(row_i64(v, 3), 1);
    CHECK(row_null(v, 4));
    tn_vector_unref(v);
    ex_expr_free(e);

    /* list with NULL: non-matches become NULL; NOT IN likewise */
    int64_t items2[] = {5, 0};
    bool inull[] = {false, true};
    for (int ni = 0; ni < 2; ni++) {
        e = in_expr(e_col(0, ty(TN_T_INT32)), ni, items2, inull, 2);
        v = eval_vec(e, c, &rc, NULL);
        CHECK_EQ_INT(rc, TN_OK);
        CHECK(row_null(v, 0));
        CHECK_EQ_INT(row_i64(v, 1), ni ? 0 : 1);
        CHECK(row_null(v, 2));
        tn_vector_unref(v);
        ex_expr_free(e);
    }

    /* long list (hash set path) with a BIGINT probe against INTEGER items (cast at build) */
    int64_t many[40];
    for (int i = 0; i < 40; i++)
        many[i] = i * 2 + 1; /* odd numbers 1..79 */
    e = in_expr(e_cast(e_col(0, ty(TN_T_INT32)), ty(TN_T_INT64), false), true, many, NULL, 40);
    v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), 0); /* 1 is in the set: NOT IN false */
    CHECK_EQ_INT(row_i64(v, 1), 0);
    CHECK_EQ_INT(row_i64(v, 2), 0);
    CHECK(row_null(v, 4));
    tn_vector_unref(v);
    ex_expr_free(e);
    int64_t x2[] = {2, 4, 79, 80};
    tn_vector *c2cols[1] = {vec_ints(ty(TN_T_INT32), x2, NULL, 4)};
    tn_chunk *c2 = chunk_of(4, 1, c2cols);
    e = in_expr(e_col(0, ty(TN_T_INT32)), false, many, NULL, 40);
    v = eval_vec(e, c2, &rc, NULL);
    CHECK_EQ_INT(row_i64(v, 0), 0);
    CHECK_EQ_INT(row_i64(v, 1), 0);
    CHECK_EQ_INT(row_i64(v, 2), 1);
    CHECK_EQ_INT(row_i64(v, 3), 0);
    tn_vector_unref(v);
    ex_expr_free(e);
    tn_chunk_free(c2);

    /* closed but non-literal items (CAST(3 AS BIGINT), 2 + 3) are folded into the constant set */
    e = ex_expr_new(EX_IN, B());
    ex_expr_add_arg(e, e_cast(e_col(0, ty(TN_T_INT32)), ty(TN_T_INT64), false));
    ex_expr_add_arg(e, e_cast(e_i32(3), ty(TN_T_INT64), false));
    ex_expr_add_arg(e, e_cast(e_bin("+", e_i32(2), e_i32(3)), ty(TN_T_INT64), false));
    v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK(e->state != NULL);
    CHECK_EQ_INT(row_i64(v, 0), 0);
    CHECK_EQ_INT(row_i64(v, 1), 1);
    CHECK_EQ_INT(row_i64(v, 3), 1);
    CHECK(row_null(v, 4));
    tn_vector_unref(v);
    ex_expr_free(e);
    /* an item that fails to fold is an error */
    e = ex_expr_new(EX_IN, B());
    ex_expr_add_arg(e, e_col(0, ty(TN_T_INT32)));
    ex_expr_add_arg(e, e_cast(e_str("x"), ty(TN_T_INT32), false));
    tn_err ierr = TN_ERR_INIT;
    v = eval_vec(e, c, &rc, &ierr);
    CHECK_EQ_INT(rc, TN_ERROR);
    CHECK_EQ_STR(ierr.msg, "invalid input syntax for type integer: \"x\"");
    tn_vector_unref(v);
    ex_expr_free(e);

    /* non-constant list: x IN (x + 0, NULL) and x IN (x - 1) */
    e = ex_expr_new(EX_IN, B());
    ex_expr_add_arg(e, e_col(0, ty(TN_T_INT32)));
    ex_expr_add_arg(e, e_bin("-", e_col(0, ty(TN_T_INT32)), e_i32(1)));
    ex_expr_add_arg(e, e_bin("+", e_col(0, ty(TN_T_INT32)), e_i32(0)));
    v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), 1);
    CHECK_EQ_INT(row_i64(v, 2), 1);
    CHECK(row_null(v, 4));
    tn_vector_unref(v);
    ex_expr_free(e);
    e = ex_expr_new(EX_IN, B());
    ex_expr_add_arg(e, e_col(0, ty(TN_T_INT32)));
    ex_expr_add_arg(e, e_bin("-", e_col(0, ty(TN_T_INT32)), e_i32(1)));
    v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(row_i64(v, 0), 0);
    CHECK_EQ_INT(row_i64(v, 1), 0);
    tn_vector_unref(v);
    ex_expr_free(e);

    /* strings */
    const char *s[] = {"apple", "banana-long-string", NULL};
    tn_vector *c3cols[1] = {vec_strs(s, 3)};
    tn_chunk *c3 = chunk_of(3, 1, c3cols);
    e = ex_expr_new(EX_IN, B());
    ex_expr_add_arg(e, e_col(0, ty(TN_T_VARCHAR)));
    ex_expr_add_arg(e, e_str("banana-long-string"));
    ex_expr_add_arg(e, e_str("cherry"));
    v = eval_vec(e, c3, &rc, NULL);
    CHECK_EQ_INT(row_i64(v, 0), 0);
    CHECK_EQ_INT(row_i64(v, 1), 1);
    CHECK(row_null(v, 2));
    tn_vector_unref(v);
    ex_expr_free(e);
    tn_chunk_free(c3);
    tn_chunk_free(c);
}

/* A DICT input column and a CONST input column flow through kernels and comparisons. */
static void test_dict_and_const_inputs(void)
{
    const char *d[] = {"alpha", "beta-is-longer-than-12", "gamma"};
    tn_vector *dict = vec_strs(d, 3);
    tn_vector *dv = tn_vector_new(ty(TN_T_VARCHAR), 6);
    tn_vector_set_dict(dv, dict);
    tn_vector_unref(dict);
    uint32_t *idx = dv->data;
    uint32_t ids[] = {2, 0, 1, 1, 0, 2};
    memcpy(idx, ids, sizeof ids);
    tn_vector_set_null(dv, 4);
    int64_t k = 7;
    tn_vector *cv = vec_ints(ty(TN_T_INT32), &k, NULL, 1);
    cv->kind = TN_VEC_CONST;
    tn_vector *cols[2] = {dv, cv};
    tn_chunk *c = chunk_of(6, 2, cols);
    int rc;
    ex_expr *e = e_bin("=", e_col(0, ty(TN_T_VARCHAR)), e_str("beta-is-longer-than-12"));
    tn_vector *v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), 0);
    CHECK_EQ_INT(row_i64(v, 2), 1);
    CHECK_EQ_INT(row_i64(v, 3), 1);
    CHECK(row_null(v, 4));
    CHECK_EQ_INT(row_i64(v, 5), 0);
    tn_vector_unref(v);
    ex_expr_free(e);

    /* CONST column + CONST literal -> CONST result */
    e = e_bin("+", e_col(1, ty(TN_T_INT32)), e_i32(1));
    v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(v->kind, TN_VEC_CONST);
    CHECK_EQ_INT(row_i64(v, 5), 8);
    tn_vector_unref(v);
    ex_expr_free(e);

    /* column reference to a DICT column evaluates to the same values */
    e = e_col(0, ty(TN_T_VARCHAR));
    v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_STR(row_str(v, 0), "gamma");
    CHECK_EQ_STR(row_str(v, 2), "beta-is-longer-than-12");
    CHECK_EQ_STR(row_str(v, 4), "<NULL>");
    tn_vector_unref(v);
    ex_expr_free(e);
    tn_chunk_free(c);
}

static void test_select(void)
{
    int64_t x[] = {5, 1, 9, 3, 7, 2};
    bool xn[] = {false, false, false, false, true, false};
    tn_vector *cols[1] = {vec_ints(ty(TN_T_INT32), x, xn, 6)};
    tn_chunk *c = chunk_of(6, 1, cols);
    tn_err err = TN_ERR_INIT;
    uint32_t out[6], n = 99;
    /* x > 2 */
    ex_expr *e = e_bin(">", e_col(0, ty(TN_T_INT32)), e_i32(2));
    CHECK_EQ_INT(ex_expr_select(e, c, out, &n, &err), TN_OK);
    CHECK_EQ_INT(n, 3);
    CHECK_EQ_INT(out[0], 0);
    CHECK_EQ_INT(out[1], 2);
    CHECK_EQ_INT(out[2], 3);
    /* const on the left: 4 > x */
    ex_expr *e2 = e_bin(">", e_i32(4), e_col(0, ty(TN_T_INT32)));
    CHECK_EQ_INT(ex_expr_select(e2, c, out, &n, &err), TN_OK);
    CHECK_EQ_INT(n, 3);
    CHECK_EQ_INT(out[0], 1);
    CHECK_EQ_INT(out[1], 3);
    CHECK_EQ_INT(out[2], 5);
    /* AND chain and OR union over a selection */
    uint32_t sel[] = {0, 1, 2, 3, 5};
    chunk_select(c, sel, 5);
    ex_expr *aa[2] = {ex_expr_copy(e), e_bin("<", e_col(0, ty(TN_T_INT32)), e_i32(9))};
    ex_expr *a = e_node(EX_AND, B(), false, aa, 2);
    CHECK_EQ_INT(ex_expr_select(a, c, out, &n, &err), TN_OK);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(out[0], 0);
    CHECK_EQ_INT(out[1], 3);
    ex_expr *oa[2] = {e_bin("=", e_col(0, ty(TN_T_INT32)), e_i32(9)), e_bin("<=", e_col(0, ty(TN_T_INT32)), e_i32(1))};
    ex_expr *o = e_node(EX_OR, B(), false, oa, 2);
    CHECK_EQ_INT(ex_expr_select(o, c, out, &n, &err), TN_OK);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(out[0], 1);
    CHECK_EQ_INT(out[1], 2);
    /* NOT (x > 2): NULL rows excluded both ways */
    c->sel = NULL;
    ex_expr *na[1] = {ex_expr_copy(e)};
    ex_expr *ne = e_node(EX_NOT, B(), false, na, 1);
    CHECK_EQ_INT(ex_expr_select(ne, c, out, &n, &err), TN_OK);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(out[0], 1);
    CHECK_EQ_INT(out[1], 5);
    /* constant predicates */
    ex_expr *t = e_bool(true);
    CHECK_EQ_INT(ex_expr_select(t, c, out, &n, &err), TN_OK);
    CHECK_EQ_INT(n, 6);
    ex_expr *nl = e_null(B());
    CHECK_EQ_INT(ex_expr_select(nl, c, out, &n, &err), TN_OK);
    CHECK_EQ_INT(n, 0);
    /* errors propagate */
    ex_expr *dz = e_bin(">", e_bin("/", e_i32(1), e_bin("-", e_col(0, ty(TN_T_INT32)), e_i32(1))), e_i32(0));
    CHECK_EQ_INT(ex_expr_select(dz, c, out, &n, &err), TN_RANGE);
    ex_expr_free(dz);
    ex_expr_free(t);
    ex_expr_free(nl);
    ex_expr_free(ne);
    ex_expr_free(o);
    ex_expr_free(a);
    ex_expr_free(e2);
    ex_expr_free(e);
    tn_chunk_free(c);
}

static void test_copy_explain_fold(void)
{
    ex_expr *e = e_bin(">", e_col(2, ty(TN_T_INT32)), e_i32(5));
    tn_sbuf sb = TN_SBUF_INIT;
    ex_expr_explain(e, &sb);
    CHECK_EQ_STR(tn_sbuf_str(&sb), "(#2 > 5)");
    ex_expr *c = ex_expr_copy(e);
    tn_sbuf_clear(&sb);
    ex_expr_explain(c, &sb);
    CHECK_EQ_STR(tn_sbuf_str(&sb), "(#2 > 5)");
    ex_expr_free(c);
    ex_expr_free(e);

    ex_expr *ca[3] = {e_bin("=", e_col(0, ty(TN_T_INT32)), e_i32(1)), e_str("it's"), e_null(ty(TN_T_VARCHAR))};
    e = e_node(EX_CASE, ty(TN_T_VARCHAR), true, ca, 3);
    tn_sbuf_clear(&sb);
    ex_expr_explain(e, &sb);
    CHECK_EQ_STR(tn_sbuf_str(&sb), "CASE WHEN (#0 = 1) THEN 'it''s' ELSE NULL END");
    ex_expr_free(e);
    /* literals of other types render through util/format */
    e = e_bin("+", e_dbl(0.1), e_int(tn_type_decimal(5, 2), -5));
    tn_sbuf_clear(&sb);
    ex_expr_explain(e, &sb);
    CHECK_EQ_STR(tn_sbuf_str(&sb), "(0.1 + CAST(-0.05 AS DOUBLE))");
    ex_expr_free(e);
    e = e_bin("<", e_col(1, ty(TN_T_DATE)), e_int(ty(TN_T_DATE), 18321));
    e->args[0]->alias = tn_strdup("d");
    tn_sbuf_clear(&sb);
    ex_expr_explain(e, &sb);
    CHECK_EQ_STR(tn_sbuf_str(&sb), "(d < DATE '2020-02-29')");
    ex_expr_free(e);
    ex_expr *la[2] = {e_col(0, ty(TN_T_VARCHAR)), e_str("a%")};
    e = e_fn("!~~", la, 2);
    ex_expr *ia[1] = {e};
    e = e_node(EX_IS_NULL, B(), true, ia, 1);
    tn_sbuf_clear(&sb);
    ex_expr_explain(e, &sb);
    CHECK_EQ_STR(tn_sbuf_str(&sb), "((#0 NOT LIKE 'a%') IS NOT NULL)");
    ex_expr_free(e);
    tn_sbuf_free(&sb);

    tn_value v;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(fold(e_bin("*", e_bin("+", e_i32(2), e_i32(3)), e_i32(7)), &v, &err), TN_OK);
    CHECK_EQ_INT(v.v.i64, 35);
    CHECK_EQ_INT(v.type.id, TN_T_INT32);
    CHECK_EQ_INT(fold(e_bin("+", e_i32(2), e_null(ty(TN_T_INT32))), &v, &err), TN_OK);
    CHECK(v.is_null);
    CHECK_EQ_INT(fold(e_bin("/", e_i32(2), e_i32(0)), &v, &err), TN_RANGE);
    CHECK_EQ_STR(err.msg, "division by zero");
}

TEST_MAIN(test_const_colref, test_and_or_truth_tables, test_and_short_circuit, test_is_null, test_case_lazy,
          test_coalesce, test_in_list, test_dict_and_const_inputs, test_select, test_copy_explain_fold)
