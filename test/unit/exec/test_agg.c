/*
 * test_agg.c -- unit tests of the aggregate catalog, the group hash table and HASH_AGGREGATE:
 * many groups (resizing), NULL / float / string / multi-column keys, every aggregate (exact
 * SUM(BIGINT) past int64, decimals, NaN, string MIN/MAX whose input storage is recycled every
 * batch), DISTINCT aggregates across batches, empty input, overflow errors, selections and
 * constant keys, and the hash table used directly with DICT and CONST vectors.
 */
#include "ops_testutil.h"
#include "exec/hashtable.h"
#include <math.h>

static tn_err g_err;

static ex_agg mk(ex_agg_kind kind, bool distinct, ex_expr *arg)
{
    ex_agg a;
    memset(&a, 0, sizeof a);
    a.kind = kind;
    a.distinct = distinct;
    a.arg = arg;
    return a;
}

static ex_expr *col(uint32_t i, tn_type_id t) { return ex_expr_colref(i, tn_type_make(t)); }

static ex_agg *aggs_of(const ex_agg *a, uint32_t n)
{
    ex_agg *x = tn_malloc(n * sizeof *x);
    memcpy(x, a, n * sizeof *x);
    return x;
}

static ex_expr **groups_of(ex_expr *const *g, uint32_t n)
{
    ex_expr **x = tn_malloc(n * sizeof *x);
    memcpy(x, g, n * sizeof *x);
    return x;
}

static tn_i128 val_i128(result *r, uint64_t row, uint32_t c) { return res_at(r, row, c)->v.i128; }
static double val_f64(result *r, uint64_t row, uint32_t c) { return res_at(r, row, c)->v.f64; }

/* ---------------- catalog ---------------- */

static void test_catalog(void)
{
    CHECK_EQ_INT(ex_agg_lookup("count"), EX_AGG_COUNT);
    CHECK_EQ_INT(ex_agg_lookup("SUM"), EX_AGG_SUM);
    CHECK_EQ_INT(ex_agg_lookup("Avg"), EX_AGG_AVG);
    CHECK_EQ_INT(ex_agg_lookup("min"), EX_AGG_MIN);
    CHECK_EQ_INT(ex_agg_lookup("max"), EX_AGG_MAX);
    CHECK_EQ_INT(ex_agg_lookup("median"), -1);
    CHECK_EQ_INT(ex_agg_lookup(""), -1);

    tn_type out;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_COUNT_STAR, tn_type_make(TN_T_NULL), &out, &err), TN_OK);
    CHECK_EQ_INT(out.id, TN_T_INT64);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_COUNT, tn_type_make(TN_T_VARCHAR), &out, &err), TN_OK);
    CHECK_EQ_INT(out.id, TN_T_INT64);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_SUM, tn_type_make(TN_T_INT32), &out, &err), TN_OK);
    CHECK_EQ_INT(out.id, TN_T_INT128);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_SUM, tn_type_make(TN_T_UINT64), &out, &err), TN_OK);
    CHECK_EQ_INT(out.id, TN_T_INT128);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_SUM, tn_type_decimal(10, 3), &out, &err), TN_OK);
    CHECK(out.id == TN_T_DECIMAL && out.precision == 38 && out.scale == 3);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_SUM, tn_type_make(TN_T_FLOAT), &out, &err), TN_OK);
    CHECK_EQ_INT(out.id, TN_T_DOUBLE);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_AVG, tn_type_decimal(20, 4), &out, &err), TN_OK);
    CHECK_EQ_INT(out.id, TN_T_DOUBLE);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_AVG, tn_type_make(TN_T_INT16), &out, &err), TN_OK);
    CHECK_EQ_INT(out.id, TN_T_DOUBLE);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_MIN, tn_type_decimal(12, 2), &out, &err), TN_OK);
    CHECK(out.id == TN_T_DECIMAL && out.precision == 12 && out.scale == 2);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_MAX, tn_type_make(TN_T_VARCHAR), &out, &err), TN_OK);
    CHECK_EQ_INT(out.id, TN_T_VARCHAR);

    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_SUM, tn_type_make(TN_T_VARCHAR), &out, &err), TN_ERROR);
    CHECK(strstr(err.msg, "sum(VARCHAR)") != NULL);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_AVG, tn_type_make(TN_T_BOOL), &out, &err), TN_ERROR);
    CHECK(strstr(err.msg, "avg(BOOLEAN)") != NULL);
    CHECK_EQ_INT(ex_agg_result_type(EX_AGG_MIN, tn_type_make(TN_T_LIST), &out, &err), TN_ERROR);

    /* the operator refuses an aggregate it cannot type, and frees its arguments */
    ex_agg a[1] = {mk(EX_AGG_SUM, false, col(0, TN_T_VARCHAR))};
    CHECK(op_hashagg_create(op_range_create(0, 1, 1, false), NULL, 0, aggs_of(a, 1), 1) == NULL);
}

/* ---------------- many groups ---------------- */

static void test_many_groups(void)
{
    const uint32_t n = 300000, m = 150001;
    int64_t *k = malloc(n * sizeof *k), *v = malloc(n * sizeof *v);
    for (uint32_t i = 0; i < n; i++) {
        k[i] = (int64_t)(((uint64_t)i * 7) % m);
        v[i] = i;
    }
    int64_t *ecnt = calloc(m, sizeof *ecnt), *esum = calloc(m, sizeof *esum);
    int64_t *emin = malloc(m * sizeof *emin), *emax = malloc(m * sizeof *emax);
    for (uint32_t g = 0; g < m; g++) {
        emin[g] = INT64_MAX;
        emax[g] = INT64_MIN;
    }
    for (uint32_t i = 0; i < n; i++) {
        ecnt[k[i]]++;
        esum[k[i]] += v[i];
        emin[k[i]] = TN_MIN(emin[k[i]], v[i]);
        emax[k[i]] = TN_MAX(emax[k[i]], v[i]);
    }
    tn_vector *cols[2] = {vec_i64(k, NULL, n), vec_i64(v, NULL, n)};
    ex_expr *g[1] = {col(0, TN_T_INT64)};
    ex_agg a[4] = {mk(EX_AGG_COUNT_STAR, false, NULL), mk(EX_AGG_SUM, false, col(1, TN_T_INT64)),
                   mk(EX_AGG_MIN, false, col(1, TN_T_INT64)), mk(EX_AGG_MAX, false, col(1, TN_T_INT64))};
    ex_op *h = op_hashagg_create(values_of(cols, 2, n), groups_of(g, 1), 1, aggs_of(a, 4), 4);
    CHECK_EQ_INT(h->ncols, 5);
    CHECK_EQ_INT(h->types[2].id, TN_T_INT128);
    result r;
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, m);
    CHECK_EQ_INT(r.batches, (m + TN_BATCH - 1) / TN_BATCH);
    uint32_t bad = 0;
    char *seen = calloc(m, 1);
    for (uint64_t row = 0; row < r.nrows; row++) {
        int64_t key = val_i64(&r, row, 0);
        if (key < 0 || key >= (int64_t)m || seen[key]++) { /* every key exactly once */
            bad++;
            continue;
        }
        if (val_i64(&r, row, 1) != ecnt[key] || val_i128(&r, row, 2) != esum[key] || val_i64(&r, row, 3) != emin[key] ||
            val_i64(&r, row, 4) != emax[key]) {
            if (bad < 5)
                fprintf(stderr, "row %llu key %lld: cnt %lld/%lld min %lld/%lld max %lld/%lld\n", (unsigned long long)row,
                        (long long)key, (long long)val_i64(&r, row, 1), (long long)ecnt[key],
                        (long long)val_i64(&r, row, 3), (long long)emin[key], (long long)val_i64(&r, row, 4),
                        (long long)emax[key]);
            bad++;
        }
    }
    CHECK_EQ_INT(bad, 0);
    free(seen);
    res_free(&r);
    ex_op_free(h);
    free(k);
    free(v);
    free(ecnt);
    free(esum);
    free(emin);
    free(emax);
}

/* ---------------- NULL, float, string, multi-column keys ---------------- */

static void test_null_and_multi_keys(void)
{
    const int64_t k[] = {1, 0, 1, 0, 2, 1};
    const bool kn[] = {0, 1, 0, 1, 0, 0};
    const char *s[] = {"x", "y", "x", "y", NULL, "long-string-value-abcdef"};
    const int64_t v[] = {1, 2, 3, 4, 5, 6};
    tn_vector *cols[3] = {vec_i64(k, kn, 6), vec_str(s, 6), vec_i64(v, NULL, 6)};
    ex_expr *g[2] = {col(0, TN_T_INT64), col(1, TN_T_VARCHAR)};
    ex_agg a[2] = {mk(EX_AGG_COUNT_STAR, false, NULL), mk(EX_AGG_SUM, false, col(2, TN_T_INT64))};
    ex_op *h = op_hashagg_create(values_of(cols, 3, 6), groups_of(g, 2), 2, aggs_of(a, 2), 2);
    result r;
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 4);
    if (r.nrows == 4) {
        CHECK(!val_null(&r, 0, 0) && val_i64(&r, 0, 0) == 1 && strcmp(res_at(&r, 0, 1)->v.str.ptr, "x") == 0);
        CHECK_EQ_INT(val_i64(&r, 0, 2), 2);
        CHECK(val_i128(&r, 0, 3) == 4);
        CHECK(val_null(&r, 1, 0) && strcmp(res_at(&r, 1, 1)->v.str.ptr, "y") == 0);
        CHECK_EQ_INT(val_i64(&r, 1, 2), 2);
        CHECK(val_i128(&r, 1, 3) == 6);
        CHECK(val_i64(&r, 2, 0) == 2 && val_null(&r, 2, 1));
        CHECK_EQ_INT(val_i64(&r, 2, 2), 1);
        CHECK_EQ_STR(res_at(&r, 3, 1)->v.str.ptr, "long-string-value-abcdef");
        CHECK_EQ_INT(val_i64(&r, 3, 2), 1);
    }
    res_free(&r);
    ex_op_free(h);

    /* floats: -0.0 groups with 0.0, NaNs together, NULLs together */
    double nan2;
    uint64_t bits = 0x7ff8000000000123ULL;
    memcpy(&nan2, &bits, 8);
    const double d[] = {0.0, -0.0, NAN, nan2, 1.0, 7.0, 8.0};
    const bool dn[] = {0, 0, 0, 0, 0, 1, 1};
    tn_vector *c2[1] = {vec_typed(tn_type_make(TN_T_DOUBLE), d, dn, 7)};
    ex_expr *g2[1] = {col(0, TN_T_DOUBLE)};
    ex_agg a2[1] = {mk(EX_AGG_COUNT_STAR, false, NULL)};
    h = op_hashagg_create(values_of(c2, 1, 7), groups_of(g2, 1), 1, aggs_of(a2, 1), 1);
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 4);
    if (r.nrows == 4) {
        CHECK(val_f64(&r, 0, 0) == 0.0 && val_i64(&r, 0, 1) == 2);
        CHECK(isnan(val_f64(&r, 1, 0)) && val_i64(&r, 1, 1) == 2);
        CHECK(val_f64(&r, 2, 0) == 1.0 && val_i64(&r, 2, 1) == 1);
        CHECK(val_null(&r, 3, 0) && val_i64(&r, 3, 1) == 2);
    }
    res_free(&r);
    ex_op_free(h);
}

/* ---------------- every aggregate ---------------- */

static void test_int_aggregates(void)
{
    const int64_t x[] = {INT64_MAX, INT64_MAX, 0, INT64_MAX, -5, 10};
    const bool xn[] = {0, 0, 1, 0, 0, 0};
    tn_vector *cols[1] = {vec_i64(x, xn, 6)};
    ex_agg a[6] = {mk(EX_AGG_COUNT_STAR, false, NULL), mk(EX_AGG_COUNT, false, col(0, TN_T_INT64)),
                   mk(EX_AGG_SUM, false, col(0, TN_T_INT64)), mk(EX_AGG_AVG, false, col(0, TN_T_INT64)),
                   mk(EX_AGG_MIN, false, col(0, TN_T_INT64)), mk(EX_AGG_MAX, false, col(0, TN_T_INT64))};
    ex_op *h = op_hashagg_create(values_of(cols, 1, 6), NULL, 0, aggs_of(a, 6), 6);
    result r;
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 1);
    if (r.nrows == 1) {
        CHECK_EQ_INT(val_i64(&r, 0, 0), 6);
        CHECK_EQ_INT(val_i64(&r, 0, 1), 5);
        tn_i128 want = (tn_i128)INT64_MAX * 3 + 5;
        CHECK(val_i128(&r, 0, 2) == want);
        double avg = (double)((long double)want / 5);
        CHECK(fabs(val_f64(&r, 0, 3) - avg) <= avg * 1e-15);
        CHECK_EQ_INT(val_i64(&r, 0, 4), -5);
        CHECK_EQ_INT(val_i64(&r, 0, 5), INT64_MAX);
    }
    res_free(&r);
    ex_op_free(h);

    /* small ints, unsigned, dates, bools grouped */
    const int32_t i32[] = {3, -7, 12, 5};
    const uint64_t u64[] = {UINT64_MAX, UINT64_MAX, 1, 2};
    const int32_t dt[] = {19000, 18000, 20000, 19500};
    const bool bl[] = {true, false, true, true};
    const int64_t grp[] = {0, 0, 1, 1};
    tn_vector *c2[5] = {vec_typed(tn_type_make(TN_T_INT32), i32, NULL, 4), vec_typed(tn_type_make(TN_T_UINT64), u64, NULL, 4),
                        vec_typed(tn_type_make(TN_T_DATE), dt, NULL, 4), vec_bool(bl, NULL, 4), vec_i64(grp, NULL, 4)};
    ex_expr *g[1] = {col(4, TN_T_INT64)};
    ex_agg a2[6] = {mk(EX_AGG_SUM, false, col(0, TN_T_INT32)), mk(EX_AGG_SUM, false, col(1, TN_T_UINT64)),
                    mk(EX_AGG_MIN, false, col(2, TN_T_DATE)), mk(EX_AGG_MAX, false, col(2, TN_T_DATE)),
                    mk(EX_AGG_MIN, false, col(3, TN_T_BOOL)), mk(EX_AGG_AVG, false, col(0, TN_T_INT32))};
    h = op_hashagg_create(values_of(c2, 5, 4), groups_of(g, 1), 1, aggs_of(a2, 6), 6);
    CHECK_EQ_INT(h->types[3].id, TN_T_DATE);
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 2);
    if (r.nrows == 2) {
        CHECK(val_i128(&r, 0, 1) == -4);
        CHECK(val_i128(&r, 0, 2) == (tn_i128)UINT64_MAX * 2);
        CHECK_EQ_INT(val_i64(&r, 0, 3), 18000);
        CHECK_EQ_INT(val_i64(&r, 0, 4), 19000);
        CHECK(res_at(&r, 0, 5)->v.b == false);
        CHECK(res_at(&r, 1, 5)->v.b == true);
        CHECK(val_f64(&r, 0, 6) == -2.0);
        CHECK(val_f64(&r, 1, 6) == 8.5);
        CHECK(val_i128(&r, 1, 2) == 3);
    }
    res_free(&r);
    ex_op_free(h);
}

static void test_decimal_and_double_aggregates(void)
{
    tn_type dt = tn_type_decimal(10, 2);
    const int64_t d[] = {110, 225, 999, -35}; /* 1.10 2.25 NULL -0.35 */
    const bool dn[] = {0, 0, 1, 0};
    const double f[] = {1.5, NAN, -2.0, 4.0};
    tn_vector *cols[2] = {vec_typed(dt, d, dn, 4), vec_typed(tn_type_make(TN_T_DOUBLE), f, NULL, 4)};
    ex_agg a[7] = {mk(EX_AGG_SUM, false, ex_expr_colref(0, dt)), mk(EX_AGG_AVG, false, ex_expr_colref(0, dt)),
                   mk(EX_AGG_MAX, false, ex_expr_colref(0, dt)), mk(EX_AGG_SUM, false, col(1, TN_T_DOUBLE)),
                   mk(EX_AGG_MIN, false, col(1, TN_T_DOUBLE)), mk(EX_AGG_MAX, false, col(1, TN_T_DOUBLE)),
                   mk(EX_AGG_AVG, false, col(1, TN_T_DOUBLE))};
    ex_op *h = op_hashagg_create(values_of(cols, 2, 4), NULL, 0, aggs_of(a, 7), 7);
    CHECK(h->types[0].id == TN_T_DECIMAL && h->types[0].precision == 38 && h->types[0].scale == 2);
    result r;
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 1);
    if (r.nrows == 1) {
        CHECK(val_i128(&r, 0, 0) == 300);
        CHECK(fabs(val_f64(&r, 0, 1) - 1.0) < 1e-12);
        CHECK_EQ_INT(val_i64(&r, 0, 2), 225);
        CHECK(isnan(val_f64(&r, 0, 3)));
        CHECK(val_f64(&r, 0, 4) == -2.0);
        CHECK(isnan(val_f64(&r, 0, 5)));
        CHECK(isnan(val_f64(&r, 0, 6)));
    }
    res_free(&r);
    ex_op_free(h);

    /* DECIMAL(38,0) sums overflowing 38 digits are an error, INT128 overflow too */
    tn_type big = tn_type_decimal(38, 0);
    tn_i128 nines = 0;
    for (int i = 0; i < 38; i++)
        nines = nines * 10 + 9;
    tn_i128 bv[2] = {nines, nines};
    tn_vector *c2[1] = {vec_typed(big, bv, NULL, 2)};
    ex_agg a2[1] = {mk(EX_AGG_SUM, false, ex_expr_colref(0, big))};
    h = op_hashagg_create(values_of(c2, 1, 2), NULL, 0, aggs_of(a2, 1), 1);
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(drain(h, &r, &err), TN_RANGE);
    CHECK(strstr(err.msg, "overflow") != NULL);
    res_free(&r);
    ex_op_free(h);

    tn_i128 hmax = (tn_i128)(((tn_u128)1 << 127) - 1);
    tn_i128 hv[2] = {hmax, 1};
    tn_vector *c3[1] = {vec_typed(tn_type_make(TN_T_INT128), hv, NULL, 2)};
    ex_agg a3[1] = {mk(EX_AGG_SUM, false, col(0, TN_T_INT128))};
    h = op_hashagg_create(values_of(c3, 1, 2), NULL, 0, aggs_of(a3, 1), 1);
    CHECK_EQ_INT(drain(h, &r, &err), TN_RANGE);
    res_free(&r);
    ex_op_free(h);
}

/* string MIN/MAX per group while the source recycles its string storage every batch */
static void test_string_minmax_copies(void)
{
    const uint32_t n = 5000, mod = 10;
    ex_expr *g[1] = {col(0, TN_T_INT64)};
    ex_agg a[3] = {mk(EX_AGG_MIN, false, col(1, TN_T_VARCHAR)), mk(EX_AGG_MAX, false, col(1, TN_T_VARCHAR)),
                   mk(EX_AGG_COUNT, true, col(1, TN_T_VARCHAR))};
    ex_op *h = op_hashagg_create(strgen_create(n, mod), groups_of(g, 1), 1, aggs_of(a, 3), 3);
    result r;
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, mod);
    char emin[10][64], emax[10][64];
    for (uint32_t gi = 0; gi < mod; gi++) {
        emin[gi][0] = 0;
        emax[gi][0] = 0;
    }
    for (uint32_t id = 0; id < n; id++) {
        char buf[64];
        snprintf(buf, sizeof buf, "value-string-%08u", (id * 7919u) % 100000u);
        uint32_t gi = id % mod;
        if (!emin[gi][0] || strcmp(buf, emin[gi]) < 0)
            strcpy(emin[gi], buf);
        if (!emax[gi][0] || strcmp(buf, emax[gi]) > 0)
            strcpy(emax[gi], buf);
    }
    for (uint64_t row = 0; row < r.nrows; row++) {
        int64_t gi = val_i64(&r, row, 0);
        CHECK_EQ_INT(gi, (int64_t)row);
        CHECK_EQ_STR(res_at(&r, row, 1)->v.str.ptr, emin[row]);
        CHECK_EQ_STR(res_at(&r, row, 2)->v.str.ptr, emax[row]);
        CHECK_EQ_INT(val_i64(&r, row, 3), n / mod); /* 7919 is coprime with 100000: all distinct */
    }
    res_free(&r);
    ex_op_free(h);
}

/* ---------------- DISTINCT ---------------- */

static void test_distinct(void)
{
    const uint32_t n = 7000;
    int64_t *k = malloc(n * sizeof *k), *x = malloc(n * sizeof *x);
    bool *xn = malloc(n);
    for (uint32_t i = 0; i < n; i++) {
        k[i] = i % 3;
        x[i] = (i * 13) % (5 + (i % 3) * 4); /* groups see different value domains */
        xn[i] = i % 11 == 0;
    }
    /* brute force */
    int64_t ecount[3] = {0}, esum[3] = {0}, ecount_all = 0;
    bool seen[3][64] = {{0}}, seen_all[64] = {0};
    for (uint32_t i = 0; i < n; i++) {
        if (xn[i])
            continue;
        if (!seen[k[i]][x[i]]) {
            seen[k[i]][x[i]] = true;
            ecount[k[i]]++;
            esum[k[i]] += x[i];
        }
        if (!seen_all[x[i]]) {
            seen_all[x[i]] = true;
            ecount_all++;
        }
    }
    tn_vector *cols[2] = {vec_i64(k, NULL, n), vec_i64(x, xn, n)};
    ex_expr *g[1] = {col(0, TN_T_INT64)};
    ex_agg a[4] = {mk(EX_AGG_COUNT, true, col(1, TN_T_INT64)), mk(EX_AGG_SUM, true, col(1, TN_T_INT64)),
                   mk(EX_AGG_COUNT, false, col(1, TN_T_INT64)), mk(EX_AGG_AVG, true, col(1, TN_T_INT64))};
    ex_op *h = op_hashagg_create(values_of(cols, 2, n), groups_of(g, 1), 1, aggs_of(a, 4), 4);
    result r;
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 3);
    for (uint64_t row = 0; row < r.nrows; row++) {
        int64_t gi = val_i64(&r, row, 0);
        CHECK(gi >= 0 && gi < 3);
        if (gi < 0 || gi >= 3)
            continue;
        CHECK_EQ_INT(val_i64(&r, row, 1), ecount[gi]);
        CHECK(val_i128(&r, row, 2) == esum[gi]);
        CHECK(val_i64(&r, row, 3) > ecount[gi]);
        CHECK(fabs(val_f64(&r, row, 4) - (double)esum[gi] / (double)ecount[gi]) < 1e-9);
    }
    res_free(&r);
    ex_op_free(h);

    /* no GROUP BY */
    tn_vector *c2[1] = {vec_i64(x, xn, n)};
    ex_agg a2[1] = {mk(EX_AGG_COUNT, true, col(0, TN_T_INT64))};
    h = op_hashagg_create(values_of(c2, 1, n), NULL, 0, aggs_of(a2, 1), 1);
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 1);
    if (r.nrows)
        CHECK_EQ_INT(val_i64(&r, 0, 0), ecount_all);
    res_free(&r);
    ex_op_free(h);
    free(k);
    free(x);
    free(xn);
}

/* ---------------- empty input ---------------- */

static void test_empty_input(void)
{
    ex_agg a[6] = {mk(EX_AGG_COUNT_STAR, false, NULL), mk(EX_AGG_COUNT, false, col(0, TN_T_INT64)),
                   mk(EX_AGG_SUM, false, col(0, TN_T_INT64)), mk(EX_AGG_AVG, false, col(0, TN_T_INT64)),
                   mk(EX_AGG_MIN, false, col(0, TN_T_INT64)), mk(EX_AGG_COUNT, true, col(0, TN_T_INT64))};
    ex_op *h = op_hashagg_create(op_range_create(0, 0, 1, false), NULL, 0, aggs_of(a, 6), 6);
    result r;
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 1);
    if (r.nrows == 1) {
        CHECK(!val_null(&r, 0, 0) && val_i64(&r, 0, 0) == 0);
        CHECK(!val_null(&r, 0, 1) && val_i64(&r, 0, 1) == 0);
        CHECK(val_null(&r, 0, 2));
        CHECK(val_null(&r, 0, 3));
        CHECK(val_null(&r, 0, 4));
        CHECK(!val_null(&r, 0, 5) && val_i64(&r, 0, 5) == 0);
    }
    res_free(&r);
    ex_op_free(h);

    /* with GROUP BY: no rows at all */
    ex_expr *g[1] = {col(0, TN_T_INT64)};
    ex_agg a2[1] = {mk(EX_AGG_COUNT_STAR, false, NULL)};
    h = op_hashagg_create(op_range_create(0, 0, 1, false), groups_of(g, 1), 1, aggs_of(a2, 1), 1);
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 0);
    res_free(&r);
    ex_op_free(h);

    /* all-NULL input: SUM NULL, COUNT 0 */
    const int64_t x[] = {1, 2};
    const bool xn[] = {1, 1};
    tn_vector *c[1] = {vec_i64(x, xn, 2)};
    ex_agg a3[2] = {mk(EX_AGG_SUM, false, col(0, TN_T_INT64)), mk(EX_AGG_COUNT, false, col(0, TN_T_INT64))};
    h = op_hashagg_create(values_of(c, 1, 2), NULL, 0, aggs_of(a3, 2), 2);
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK(r.nrows == 1 && val_null(&r, 0, 0) && val_i64(&r, 0, 1) == 0);
    res_free(&r);
    ex_op_free(h);
}

/* ---------------- selection + constant key ---------------- */

static void test_selection_and_const_key(void)
{
    const uint32_t n = 3000;
    int64_t *v = malloc(n * sizeof *v);
    bool *keep = malloc(n);
    for (uint32_t i = 0; i < n; i++) {
        v[i] = i;
        keep[i] = i % 4 == 1;
    }
    tn_vector *cols[2] = {vec_i64(v, NULL, n), vec_bool(keep, NULL, n)};
    ex_op *f = op_filter_create(values_of(cols, 2, n), col(1, TN_T_BOOL));
    tn_value cv;
    tn_value_set_string(&cv, tn_type_make(TN_T_VARCHAR), "a-constant-group-key", 20);
    ex_expr *g[1] = {ex_expr_const(&cv)};
    tn_value_free(&cv);
    ex_agg a[2] = {mk(EX_AGG_COUNT_STAR, false, NULL), mk(EX_AGG_SUM, false, col(0, TN_T_INT64))};
    ex_op *h = op_hashagg_create(f, groups_of(g, 1), 1, aggs_of(a, 2), 2);
    result r;
    CHECK_EQ_INT(drain(h, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 1);
    if (r.nrows == 1) {
        CHECK_EQ_STR(res_at(&r, 0, 0)->v.str.ptr, "a-constant-group-key");
        CHECK_EQ_INT(val_i64(&r, 0, 1), n / 4);
        int64_t s = 0;
        for (uint32_t i = 1; i < n; i += 4)
            s += i;
        CHECK(val_i128(&r, 0, 2) == s);
    }
    tn_sbuf sb = TN_SBUF_INIT;
    ex_op_explain(h, &sb);
    CHECK(strncmp(tn_sbuf_str(&sb), "HASH_AGGREGATE groups=[", 23) == 0);
    CHECK(strstr(tn_sbuf_str(&sb), "count(*)") != NULL);
    tn_sbuf_free(&sb);
    res_free(&r);
    ex_op_free(h);
    free(v);
    free(keep);
}

/* ---------------- hash table directly ---------------- */

static void test_hashtable_dict_const(void)
{
    tn_type st = tn_type_make(TN_T_VARCHAR), it = tn_type_make(TN_T_INT64);
    tn_type kt[2] = {st, it};
    ex_ht *ht = ex_ht_new(kt, 2);
    CHECK(ht != NULL);
    const char *dv[] = {"alpha-long-dictionary-entry", "b", NULL};
    tn_vector *dict = vec_str(dv, 3);
    tn_vector *dvec = tn_vector_new(st, 8);
    tn_vector_set_dict(dvec, dict);
    uint32_t idx[8] = {0, 1, 0, 2, 1, 2, 0, 1};
    memcpy(dvec->data, idx, sizeof idx);
    tn_vector *cvec = tn_vector_new(it, 8);
    tn_vector *one = vec_i64((const int64_t[]){5}, NULL, 1);
    tn_vector_set_const_from(cvec, one, 0);
    tn_vector *keys[2] = {dvec, cvec};
    uint32_t gids[8], newp[8], nnew = 0;
    uint32_t sel[6] = {0, 1, 2, 3, 4, 5};
    CHECK_EQ_INT(ex_ht_find_or_insert(ht, keys, 8, sel, 6, gids, newp, &nnew, &g_err), TN_OK);
    CHECK_EQ_INT(nnew, 3);
    CHECK_EQ_INT(ex_ht_count(ht), 3);
    CHECK(gids[0] == 0 && gids[1] == 1 && gids[2] == 0 && gids[3] == 2 && gids[4] == 1 && gids[5] == 2);
    CHECK(newp[0] == 0 && newp[1] == 1 && newp[2] == 3);
    /* second batch, all rows: nothing new */
    CHECK_EQ_INT(ex_ht_find_or_insert(ht, keys, 8, NULL, 8, gids, newp, &nnew, &g_err), TN_OK);
    CHECK_EQ_INT(nnew, 0);
    CHECK(gids[6] == 0 && gids[7] == 1);
    tn_vector *out = tn_vector_new(st, 4);
    CHECK_EQ_INT(ex_ht_get_keys(ht, 0, 0, 3, out), TN_OK);
    tn_value x;
    tn_value_from_vector(&x, out, 0);
    CHECK_EQ_STR(x.v.str.ptr, "alpha-long-dictionary-entry");
    tn_value_free(&x);
    CHECK(tn_vector_is_null(out, 2));
    CHECK(!tn_vector_is_null(out, 1));
    CHECK(ex_ht_memory(ht) > 0);
    /* batches larger than TN_BATCH are refused */
    CHECK_EQ_INT(ex_ht_find_or_insert(ht, keys, TN_BATCH + 1, NULL, 1, gids, NULL, NULL, &g_err), TN_MISUSE);
    tn_vector_unref(out);
    tn_vector_unref(one);
    tn_vector_unref(cvec);
    tn_vector_unref(dvec);
    tn_vector_unref(dict);
    ex_ht_free(ht);
    CHECK(ex_ht_new(kt, 0) == NULL);
}

TEST_MAIN(test_catalog, test_many_groups, test_null_and_multi_keys, test_int_aggregates,
          test_decimal_and_double_aggregates, test_string_minmax_copies, test_distinct, test_empty_input,
          test_selection_and_const_key, test_hashtable_dict_const)
