/*
 * test_ops.c -- unit tests of the physical operators: range/generate_series edge cases, single
 * row, VALUES slicing, filter selections (stacked, NULL predicate, empty batches skipped),
 * projection pass-through, limit/offset boundaries and early stop, sort order (NULL placement,
 * stability, strings, NaN, multi-key, both sort paths), top-N == sort + limit on random data,
 * interrupts and EXPLAIN.
 */
#include "ops_testutil.h"
#include <math.h>

static tn_err g_err;

/* ---------------- range ---------------- */

static void check_range(int64_t start, int64_t stop, int64_t step, bool incl, const int64_t *expect, uint32_t n)
{
    ex_op *op = op_range_create(start, stop, step, incl);
    result r;
    int rc = drain(op, &r, &g_err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(r.nrows, n);
    for (uint32_t i = 0; i < n && i < r.nrows; i++)
        CHECK_EQ_INT(val_i64(&r, i, 0), expect[i]);
    res_free(&r);
    ex_op_free(op);
}

static void test_range_basic(void)
{
    const int64_t a[] = {0, 3, 6, 9};
    check_range(0, 10, 3, false, a, 4);
    check_range(0, 9, 3, false, a, 3);
    check_range(0, 9, 3, true, a, 4);
    const int64_t b[] = {10, 7, 4, 1};
    check_range(10, 0, -3, false, b, 4);
    check_range(10, 1, -3, false, b, 3);
    check_range(10, 1, -3, true, b, 4);
    check_range(5, 5, 1, false, NULL, 0);
    const int64_t c[] = {5};
    check_range(5, 5, 1, true, c, 1);
    check_range(5, 5, -1, true, c, 1);
    check_range(5, 0, 1, true, NULL, 0);   /* wrong direction */
    check_range(0, 5, -1, false, NULL, 0);
}

static void test_range_limits(void)
{
    const int64_t a[] = {INT64_MAX - 2, INT64_MAX - 1, INT64_MAX};
    check_range(INT64_MAX - 2, INT64_MAX, 1, false, a, 2);
    check_range(INT64_MAX - 2, INT64_MAX, 1, true, a, 3);
    const int64_t b[] = {INT64_MIN, INT64_MIN + 5, INT64_MIN + 10};
    check_range(INT64_MIN, INT64_MIN + 10, 5, true, b, 3);
    const int64_t c[] = {INT64_MAX, -1};
    check_range(INT64_MAX, INT64_MIN, INT64_MIN, true, c, 2);
    const int64_t d[] = {0, INT64_MAX};
    check_range(0, INT64_MAX, INT64_MAX, true, d, 2);
    check_range(0, INT64_MAX, INT64_MAX, false, d, 1);
    const int64_t e[] = {INT64_MIN, -1, INT64_MAX - 1};
    check_range(INT64_MIN, INT64_MAX, INT64_MAX, false, e, 3);
    check_range(INT64_MIN, INT64_MAX - 1, INT64_MAX, true, e, 3);
    check_range(INT64_MIN, INT64_MAX - 1, INT64_MAX, false, e, 2);
    const int64_t f[] = {INT64_MAX, INT64_MAX - 7};
    check_range(INT64_MAX, INT64_MAX - 10, -7, false, f, 2);

    /* a huge range is produced lazily: first batch only */
    ex_op *op = op_range_create(INT64_MIN, INT64_MAX, 1, true);
    tn_chunk *ch = NULL;
    CHECK_EQ_INT(ex_op_next(op, &ch, &g_err), TN_OK);
    CHECK(ch && ch->count == TN_BATCH);
    if (ch) {
        CHECK_EQ_INT(((int64_t *)ch->cols[0]->data)[0], INT64_MIN);
        CHECK_EQ_INT(((int64_t *)ch->cols[0]->data)[TN_BATCH - 1], INT64_MIN + TN_BATCH - 1);
    }
    ex_op_free(op);
}

static void test_range_batches_and_errors(void)
{
    ex_op *op = op_range_create(0, 100000, 1, false);
    result r;
    CHECK_EQ_INT(drain(op, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 100000);
    CHECK_EQ_INT(r.batches, (100000 + TN_BATCH - 1) / TN_BATCH);
    int64_t sum = 0;
    for (uint64_t i = 0; i < r.nrows; i++)
        sum += val_i64(&r, i, 0);
    CHECK_EQ_INT(sum, (int64_t)99999 * 100000 / 2);
    res_free(&r);
    ex_op_free(op);

    op = op_range_create(0, 10, 0, false);
    tn_chunk *c = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ex_op_next(op, &c, &err), TN_ERROR);
    CHECK(c == NULL);
    CHECK(strstr(err.msg, "step cannot be 0") != NULL);
    ex_op_free(op);
}

/* ---------------- single row, values ---------------- */

static void test_single_row(void)
{
    ex_op *op = op_single_row_create();
    CHECK_EQ_INT(op->ncols, 0);
    tn_chunk *c = NULL;
    CHECK_EQ_INT(ex_op_next(op, &c, &g_err), TN_OK);
    CHECK(c && tn_chunk_rows(c) == 1 && c->ncols == 0);
    CHECK_EQ_INT(ex_op_next(op, &c, &g_err), TN_OK);
    CHECK(c == NULL);
    ex_op_free(op);
}

static void test_values_slicing(void)
{
    uint32_t n = 5000;
    int64_t *v = malloc(n * sizeof *v);
    bool *nl = malloc(n);
    const char **s = malloc(n * sizeof *s);
    char (*bufs)[32] = malloc(n * 32);
    for (uint32_t i = 0; i < n; i++) {
        v[i] = (int64_t)i * 3;
        nl[i] = i % 7 == 0;
        snprintf(bufs[i], 32, "a-long-string-number-%u", i);
        s[i] = i % 11 == 0 ? NULL : bufs[i];
    }
    tn_vector *cols[2] = {vec_i64(v, nl, n), vec_str(s, n)};
    ex_op *op = values_of(cols, 2, n);
    result r;
    CHECK_EQ_INT(drain(op, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, n);
    CHECK_EQ_INT(r.batches, 3);
    int bad = 0;
    for (uint32_t i = 0; i < n && i < r.nrows; i++) {
        if (val_null(&r, i, 0) != nl[i] || (!nl[i] && val_i64(&r, i, 0) != v[i]))
            bad++;
        tn_value *x = res_at(&r, i, 1);
        if (x->is_null != (s[i] == NULL) || (s[i] && strcmp(x->v.str.ptr, s[i]) != 0))
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
    res_free(&r);
    ex_op_free(op);
    free(v);
    free(nl);
    free(s);
    free(bufs);
}

/* A constant table with a nested column larger than one batch is sliced into batches too
 * (ex_vec_slice dispatches nested types): every row keeps its own list and its NULL. */
static void test_values_nested_slicing(void)
{
    uint32_t n = 5000;
    tn_type lt = tn_type_list(tn_type_make(TN_T_INT64));
    tn_vector *l = tn_vector_new(lt, n);
    uint32_t first;
    CHECK(tn_vector_list_append(l, 2 * n, &first) == TN_OK);
    int64_t *ev = l->children[0]->data;
    tn_list_entry *le = l->data;
    for (uint32_t i = 0; i < n; i++) {
        ev[2 * i] = i;
        ev[2 * i + 1] = -(int64_t)i;
        le[i] = (tn_list_entry){2 * (uint64_t)i, i % 3 == 0 ? 1 : 2};
        if (i % 7 == 0)
            CHECK(tn_vector_set_null(l, i) == TN_OK);
    }
    tn_vector *cols[1] = {l};
    ex_op *op = values_of(cols, 1, n);
    CHECK(op != NULL);
    uint32_t row = 0, batches = 0, bad = 0;
    for (;;) {
        tn_chunk *c = NULL;
        CHECK_EQ_INT(ex_op_next(op, &c, &g_err), TN_OK);
        if (!c)
            break;
        batches++;
        const tn_vector *v = c->cols[0];
        const tn_list_entry *e = v->data;
        const int64_t *d = v->children[0]->data;
        for (uint32_t k = 0; k < tn_chunk_rows(c); k++, row++) {
            uint32_t r = c->sel ? c->sel[k] : k;
            bool isnull = tn_vector_is_null(v, r);
            if (isnull != (row % 7 == 0))
                bad++;
            else if (!isnull && (e[r].length != (row % 3 == 0 ? 1u : 2u) || d[e[r].offset] != (int64_t)row ||
                                 (e[r].length == 2 && d[e[r].offset + 1] != -(int64_t)row)))
                bad++;
        }
    }
    CHECK_EQ_INT(row, n);
    CHECK_EQ_INT(batches, 3);
    CHECK_EQ_INT(bad, 0);
    ex_op_free(op);
}

/* ---------------- filter, project ---------------- */

/* values: col0 = i, col1 = (i % 3 == 0) [NULL when i % 10 == 9], col2 = (i % 2 == 0) */
static ex_op *filter_source(uint32_t n, tn_vector **keep)
{
    int64_t *v = malloc(n * sizeof *v);
    bool *a = malloc(n), *an = malloc(n), *b = malloc(n);
    for (uint32_t i = 0; i < n; i++) {
        v[i] = i;
        a[i] = i % 3 == 0;
        an[i] = i % 10 == 9;
        b[i] = i % 2 == 0;
    }
    tn_vector *cols[3] = {vec_i64(v, NULL, n), vec_bool(a, an, n), vec_bool(b, NULL, n)};
    free(v);
    free(a);
    free(an);
    free(b);
    for (int i = 0; keep && i < 3; i++)
        keep[i] = cols[i]; /* still referenced by the VALUES chunk */
    return values_of(cols, 3, n);
}

static void test_filter_selection(void)
{
    uint32_t n = 1000;
    tn_vector *inner[3];
    ex_op *src = filter_source(n, inner);
    ex_op *f1 = op_filter_create(src, ex_expr_colref(1, tn_type_make(TN_T_BOOL)));
    ex_op *f2 = op_filter_create(f1, ex_expr_colref(2, tn_type_make(TN_T_BOOL)));
    tn_chunk *c = NULL;
    CHECK_EQ_INT(ex_op_next(f2, &c, &g_err), TN_OK);
    CHECK(c != NULL);
    if (c) {
        /* vectors pass through: same vector objects as the VALUES chunk */
        CHECK(c->cols[0] == inner[0]);
        CHECK(c->sel != NULL);
        uint32_t expect = 0, bad = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (i % 3 == 0 && i % 10 != 9 && i % 2 == 0) {
                if (expect >= c->nsel || c->sel[expect] != i)
                    bad++;
                expect++;
            }
        }
        CHECK_EQ_INT(bad, 0);
        CHECK_EQ_INT(c->nsel, expect);
    }
    CHECK_EQ_INT(ex_op_next(f2, &c, &g_err), TN_OK);
    CHECK(c == NULL);
    ex_op_free(f2);
}

static void test_filter_skips_empty_batches(void)
{
    /* range 0..10000 with a BOOL column true only in the last batch: project it from a values op */
    uint32_t n = 10000;
    bool *a = malloc(n);
    int64_t *v = malloc(n * sizeof *v);
    for (uint32_t i = 0; i < n; i++) {
        a[i] = i >= 9990 || i == 5;
        v[i] = i;
    }
    tn_vector *cols[2] = {vec_i64(v, NULL, n), vec_bool(a, NULL, n)};
    free(a);
    free(v);
    counting_op *cnt = counting_wrap(values_of(cols, 2, n));
    ex_op *f = op_filter_create(&cnt->base, ex_expr_colref(1, tn_type_make(TN_T_BOOL)));
    result r;
    CHECK_EQ_INT(drain(f, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 11);
    CHECK_EQ_INT(r.batches, 2); /* only the two batches with passing rows */
    CHECK_EQ_INT(val_i64(&r, 0, 0), 5);
    CHECK_EQ_INT(val_i64(&r, 10, 0), 9999);
    CHECK_EQ_INT(cnt->pulls, 6); /* 5 batches + end */
    res_free(&r);
    ex_op_free(f);
}

static void test_project_passthrough(void)
{
    uint32_t n = 100;
    tn_vector *inner[3];
    ex_op *src = filter_source(n, inner);
    ex_op *f = op_filter_create(src, ex_expr_colref(2, tn_type_make(TN_T_BOOL)));
    tn_value k = tn_value_int(tn_type_make(TN_T_INT64), 42);
    ex_expr **ex = tn_malloc(3 * sizeof *ex);
    ex[0] = ex_expr_colref(2, tn_type_make(TN_T_BOOL));
    ex[1] = ex_expr_colref(0, tn_type_make(TN_T_INT64));
    ex[2] = ex_expr_const(&k);
    ex_op *p = op_project_create(f, ex, 3);
    CHECK_EQ_INT(p->ncols, 3);
    CHECK_EQ_INT(p->types[0].id, TN_T_BOOL);
    CHECK_EQ_INT(p->types[2].id, TN_T_INT64);
    tn_chunk *c = NULL;
    CHECK_EQ_INT(ex_op_next(p, &c, &g_err), TN_OK);
    CHECK(c != NULL);
    if (c) {
        CHECK(c->cols[0] == inner[2]);
        CHECK(c->cols[1] == inner[0]);
        CHECK(c->sel != NULL && c->nsel == 50);
        CHECK_EQ_INT(c->count, n);
        uint32_t bad = 0;
        for (uint32_t k2 = 0; c->sel && k2 < c->nsel; k2++) {
            tn_value x;
            tn_value_from_vector(&x, c->cols[2], c->sel[k2]);
            if (x.is_null || x.v.i64 != 42)
                bad++;
            if (c->sel[k2] != 2 * k2)
                bad++;
        }
        CHECK_EQ_INT(bad, 0);
    }
    ex_op_free(p);
}

/* ---------------- limit ---------------- */

static void check_limit(uint32_t n, uint64_t limit, uint64_t offset, bool with_filter)
{
    ex_op *src = filter_source(n, NULL);
    if (with_filter) /* keep even rows only */
        src = op_filter_create(src, ex_expr_colref(2, tn_type_make(TN_T_BOOL)));
    ex_op *l = op_limit_create(src, limit, offset);
    result r;
    CHECK_EQ_INT(drain(l, &r, &g_err), TN_OK);
    uint64_t avail = with_filter ? (n + 1) / 2 : n;
    uint64_t expect = offset >= avail ? 0 : TN_MIN(limit, avail - offset);
    CHECK_EQ_INT(r.nrows, expect);
    uint32_t bad = 0;
    for (uint64_t i = 0; i < r.nrows; i++) {
        int64_t want = (int64_t)(offset + i) * (with_filter ? 2 : 1);
        if (val_i64(&r, i, 0) != want)
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
    res_free(&r);
    ex_op_free(l);
}

static void test_limit_boundaries(void)
{
    uint32_t n = 5000;
    check_limit(n, 10, 0, false);
    check_limit(n, 0, 0, false);
    check_limit(n, 20, 2040, false);   /* crosses the first batch boundary */
    check_limit(n, 2048, 2048, false); /* exactly the second batch */
    check_limit(n, UINT64_MAX, 4999, false);
    check_limit(n, UINT64_MAX, 5000, false);
    check_limit(n, 5, UINT64_MAX, false);
    check_limit(n, UINT64_MAX, 0, false);
    check_limit(n, 7, 3, true);
    check_limit(n, 1500, 1000, true);
}

static void test_limit_stops_early(void)
{
    counting_op *cnt = counting_wrap(op_range_create(0, INT64_MAX, 1, false));
    ex_op *l = op_limit_create(&cnt->base, 5, 3);
    result r;
    CHECK_EQ_INT(drain(l, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 5);
    CHECK_EQ_INT(val_i64(&r, 0, 0), 3);
    CHECK_EQ_INT(cnt->pulls, 1);
    res_free(&r);
    ex_op_free(l);

    cnt = counting_wrap(op_range_create(0, INT64_MAX, 1, false));
    l = op_limit_create(&cnt->base, 0, 0);
    CHECK_EQ_INT(drain(l, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 0);
    CHECK_EQ_INT(cnt->pulls, 0);
    res_free(&r);
    ex_op_free(l);
}

/* ---------------- sort ---------------- */

static ex_sort_key *keys1(ex_expr *e, bool desc, bool nulls_first)
{
    ex_sort_key *k = tn_malloc(sizeof *k);
    k->expr = e;
    k->desc = desc;
    k->nulls_first = nulls_first;
    return k;
}

/* key col0 INT64 with NULLs and duplicates, payload col1 = input position */
static ex_op *sort_source(void)
{
    const int64_t k[] = {3, 1, 0, 3, 2, 1, 0, 2, 3, 0};
    const bool kn[] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 1};
    int64_t pos[10];
    for (int i = 0; i < 10; i++)
        pos[i] = i;
    tn_vector *cols[2] = {vec_i64(k, kn, 10), vec_i64(pos, NULL, 10)};
    return values_of(cols, 2, 10);
}

static void check_sort_order(bool desc, bool nulls_first, const int64_t *exp_pos)
{
    ex_op *s = op_sort_create(sort_source(), keys1(ex_expr_colref(0, tn_type_make(TN_T_INT64)), desc, nulls_first), 1);
    result r;
    CHECK_EQ_INT(drain(s, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 10);
    for (int i = 0; i < 10 && (uint64_t)i < r.nrows; i++)
        CHECK_EQ_INT(val_i64(&r, i, 1), exp_pos[i]);
    res_free(&r);
    ex_op_free(s);
}

static void test_sort_nulls_and_stability(void)
{
    /* keys: pos0=3 pos1=1 pos2=NULL pos3=3 pos4=2 pos5=1 pos6=0 pos7=2 pos8=3 pos9=NULL */
    const int64_t asc_last[] = {6, 1, 5, 4, 7, 0, 3, 8, 2, 9};
    const int64_t asc_first[] = {2, 9, 6, 1, 5, 4, 7, 0, 3, 8};
    const int64_t desc_first[] = {2, 9, 0, 3, 8, 4, 7, 1, 5, 6};
    const int64_t desc_last[] = {0, 3, 8, 4, 7, 1, 5, 6, 2, 9};
    check_sort_order(false, false, asc_last);
    check_sort_order(false, true, asc_first);
    check_sort_order(true, true, desc_first);
    check_sort_order(true, false, desc_last);
}

static void test_sort_strings_floats_multikey(void)
{
    const char *s[] = {"b", "ab", "a", "\xc3\xa9t\xc3\xa9", "z", "a-very-long-string-2", "a-very-long-string-10", "",
                       NULL, "ab"};
    const double d[] = {1.0, NAN, -0.0, INFINITY, -INFINITY, 0.0, 2.5, NAN, -1.0, 1.0};
    int64_t pos[10];
    for (int i = 0; i < 10; i++)
        pos[i] = i;
    tn_vector *cols[3] = {vec_str(s, 10), vec_typed(tn_type_make(TN_T_DOUBLE), d, NULL, 10), vec_i64(pos, NULL, 10)};
    ex_op *s1 = op_sort_create(values_of(cols, 3, 10),
                               keys1(ex_expr_colref(0, tn_type_make(TN_T_VARCHAR)), false, false), 1);
    result r;
    CHECK_EQ_INT(drain(s1, &r, &g_err), TN_OK);
    const int64_t exp1[] = {7, 2, 5, 6, 1, 9, 0, 4, 3, 8}; /* "" a a-..-10?? see below */
    /* byte order: "" < "a" < "a-very-long-string-10" < "a-very-long-string-2" < "ab" = "ab" < "b" < "z" < "été" < NULL */
    const int64_t exp1b[] = {7, 2, 6, 5, 1, 9, 0, 4, 3, 8};
    (void)exp1;
    for (int i = 0; i < 10 && (uint64_t)i < r.nrows; i++)
        CHECK_EQ_INT(val_i64(&r, i, 2), exp1b[i]);
    res_free(&r);
    ex_op_free(s1);

    /* doubles: -inf < -1 < -0.0 == 0.0 < 1 == 1 < 2.5 < inf < NaN == NaN (stable) */
    tn_vector *cols2[2] = {vec_typed(tn_type_make(TN_T_DOUBLE), d, NULL, 10), vec_i64(pos, NULL, 10)};
    ex_op *s2 = op_sort_create(values_of(cols2, 2, 10),
                               keys1(ex_expr_colref(0, tn_type_make(TN_T_DOUBLE)), false, false), 1);
    CHECK_EQ_INT(drain(s2, &r, &g_err), TN_OK);
    const int64_t exp2[] = {4, 8, 2, 5, 0, 9, 6, 3, 1, 7};
    for (int i = 0; i < 10 && (uint64_t)i < r.nrows; i++)
        CHECK_EQ_INT(val_i64(&r, i, 1), exp2[i]);
    res_free(&r);
    ex_op_free(s2);

    /* same doubles with a NULL forces the comparator path; DESC NULLS LAST */
    bool dn[10] = {0};
    dn[4] = true;
    tn_vector *cols3[2] = {vec_typed(tn_type_make(TN_T_DOUBLE), d, dn, 10), vec_i64(pos, NULL, 10)};
    ex_op *s3 = op_sort_create(values_of(cols3, 2, 10),
                               keys1(ex_expr_colref(0, tn_type_make(TN_T_DOUBLE)), true, false), 1);
    CHECK_EQ_INT(drain(s3, &r, &g_err), TN_OK);
    const int64_t exp3[] = {1, 7, 3, 6, 0, 9, 2, 5, 8, 4};
    for (int i = 0; i < 10 && (uint64_t)i < r.nrows; i++)
        CHECK_EQ_INT(val_i64(&r, i, 1), exp3[i]);
    res_free(&r);
    ex_op_free(s3);

    /* multi-key: (k1 ASC, k2 DESC) */
    const int64_t k1[] = {1, 0, 1, 0, 1, 0};
    const int64_t k2[] = {5, 5, 7, 9, 5, 1};
    int64_t p6[6] = {0, 1, 2, 3, 4, 5};
    tn_vector *cols4[3] = {vec_i64(k1, NULL, 6), vec_i64(k2, NULL, 6), vec_i64(p6, NULL, 6)};
    ex_sort_key *ks = tn_malloc(2 * sizeof *ks);
    ks[0] = (ex_sort_key){ex_expr_colref(0, tn_type_make(TN_T_INT64)), false, false};
    ks[1] = (ex_sort_key){ex_expr_colref(1, tn_type_make(TN_T_INT64)), true, true};
    ex_op *s4 = op_sort_create(values_of(cols4, 3, 6), ks, 2);
    CHECK_EQ_INT(drain(s4, &r, &g_err), TN_OK);
    const int64_t exp4[] = {3, 1, 5, 2, 0, 4};
    for (int i = 0; i < 6 && (uint64_t)i < r.nrows; i++)
        CHECK_EQ_INT(val_i64(&r, i, 2), exp4[i]);
    res_free(&r);
    ex_op_free(s4);
}

/* string first key (8-byte prefix image) with shared prefixes, DESC NULLS FIRST, second key;
 * and an interval key (no image: comparator only, by span) */
static const char *g_ps[8] = {"prefix-0002", "prefix-0001", NULL, "prefix-0002", "prefix-00010", "pre", NULL,
                              "prefix-0002"};
static const int64_t g_pk2[8] = {1, 9, 5, 3, 2, 8, 4, 3};

/* reference order: s DESC NULLS FIRST (byte-wise), k2 ASC, then input position */
static int ref_cmp(uint32_t a, uint32_t b)
{
    const char *x = g_ps[a % 8], *y = g_ps[b % 8];
    if (!x || !y) {
        if (x || y)
            return x ? 1 : -1;
    } else {
        int c = strcmp(x, y);
        if (c)
            return -c;
    }
    if (g_pk2[a % 8] != g_pk2[b % 8])
        return g_pk2[a % 8] < g_pk2[b % 8] ? -1 : 1;
    return a < b ? -1 : 1;
}

static void test_sort_prefix_and_interval(void)
{
    /* 40 rows (radix path) of a string first key with shared 8-byte prefixes, DESC NULLS FIRST,
     * second key ASC (also inside the NULL block) */
    enum { N = 40 };
    const char *s[N];
    int64_t k2[N], pos[N];
    uint32_t ref[N];
    for (uint32_t i = 0; i < N; i++) {
        s[i] = g_ps[i % 8];
        k2[i] = g_pk2[i % 8];
        pos[i] = i;
        ref[i] = i;
    }
    for (uint32_t i = 1; i < N; i++)
        for (uint32_t j = i; j > 0 && ref_cmp(ref[j - 1], ref[j]) > 0; j--) {
            uint32_t t = ref[j];
            ref[j] = ref[j - 1];
            ref[j - 1] = t;
        }
    tn_vector *cols[3] = {vec_str(s, N), vec_i64(k2, NULL, N), vec_i64(pos, NULL, N)};
    ex_sort_key *ks = tn_malloc(2 * sizeof *ks);
    ks[0] = (ex_sort_key){ex_expr_colref(0, tn_type_make(TN_T_VARCHAR)), true, true};
    ks[1] = (ex_sort_key){ex_expr_colref(1, tn_type_make(TN_T_INT64)), false, false};
    ex_op *op = op_sort_create(values_of(cols, 3, N), ks, 2);
    result r;
    CHECK_EQ_INT(drain(op, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, N);
    CHECK_EQ_INT(ref[0], 6); /* the reference itself: NULL with the smaller k2 first */
    for (int i = 0; i < N && (uint64_t)i < r.nrows; i++)
        CHECK_EQ_INT(val_i64(&r, i, 2), ref[i]);
    res_free(&r);
    ex_op_free(op);

    tn_interval iv[4] = {{1, 0, 0}, {0, 31, 0}, {0, 30, 5}, {0, 29, 0}};
    tn_vector *c2[2] = {vec_typed(tn_type_make(TN_T_INTERVAL), iv, NULL, 4), vec_i64(pos, NULL, 4)};
    op = op_sort_create(values_of(c2, 2, 4), keys1(ex_expr_colref(0, tn_type_make(TN_T_INTERVAL)), false, false), 1);
    CHECK_EQ_INT(drain(op, &r, &g_err), TN_OK);
    const int64_t exp2[] = {3, 0, 2, 1}; /* 29d < 1 mon (= 30d) < 30d 5us < 31d */
    for (int i = 0; i < 4 && (uint64_t)i < r.nrows; i++)
        CHECK_EQ_INT(val_i64(&r, i, 1), exp2[i]);
    res_free(&r);
    ex_op_free(op);
}

static uint64_t g_rng = 88172645463325252ULL;
static uint64_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

/* Large random sort, both paths (no NULLs -> normalised keys; NULLs -> comparator), checked
 * against the definition: ordered keys, stable payload within equal keys, every row once. */
static void check_big_sort(bool with_nulls, bool desc, tn_type_id tid)
{
    uint32_t n = 30000;
    int64_t *k = malloc(n * sizeof *k), *pos = malloc(n * sizeof *pos);
    bool *kn = malloc(n);
    int32_t *k32 = malloc(n * sizeof *k32);
    for (uint32_t i = 0; i < n; i++) {
        k[i] = (int64_t)(rnd() % 2000) - 1000;
        k32[i] = (int32_t)k[i];
        pos[i] = i;
        kn[i] = with_nulls && rnd() % 50 == 0;
    }
    tn_type kt = tn_type_make(tid);
    tn_vector *kv = tid == TN_T_INT32 ? vec_typed(kt, k32, kn, n) : vec_i64(k, kn, n);
    tn_vector *cols[2] = {kv, vec_i64(pos, NULL, n)};
    ex_op *s = op_sort_create(values_of(cols, 2, n), keys1(ex_expr_colref(0, kt), desc, desc), 1);
    result r;
    CHECK_EQ_INT(drain(s, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, n);
    uint32_t bad = 0;
    char *seen = calloc(n, 1);
    for (uint64_t i = 0; i < r.nrows; i++) {
        int64_t p = val_i64(&r, i, 1);
        if (p < 0 || p >= n || seen[p]++)
            bad++;
        if (i == 0)
            continue;
        bool pn = val_null(&r, i - 1, 0), cn = val_null(&r, i, 0);
        int64_t pk = val_i64(&r, i - 1, 0), ck = val_i64(&r, i, 0);
        int64_t pp = val_i64(&r, i - 1, 1);
        if (pn && cn) {
            if (pp > p)
                bad++;
        } else if (pn || cn) {
            if (desc ? !pn : !cn) /* NULLs first for DESC, last for ASC */
                bad++;
        } else if (desc ? pk < ck : pk > ck) {
            bad++;
        } else if (pk == ck && pp > p) {
            bad++;
        }
    }
    CHECK_EQ_INT(bad, 0);
    free(seen);
    res_free(&r);
    ex_op_free(s);
    free(k);
    free(k32);
    free(pos);
    free(kn);
}

static void test_sort_random(void)
{
    check_big_sort(false, false, TN_T_INT64);
    check_big_sort(false, true, TN_T_INT64);
    check_big_sort(true, false, TN_T_INT64);
    check_big_sort(true, true, TN_T_INT64);
    check_big_sort(false, false, TN_T_INT32);
    check_big_sort(true, true, TN_T_INT32);
}

static void test_sort_computed_key_and_selection(void)
{
    /* ORDER BY a constant expression keeps input order; input comes through a filter */
    ex_op *f = op_filter_create(filter_source(5000, NULL), ex_expr_colref(2, tn_type_make(TN_T_BOOL)));
    tn_value v = tn_value_int(tn_type_make(TN_T_INT64), 7);
    ex_op *s = op_sort_create(f, keys1(ex_expr_const(&v), false, false), 1);
    result r;
    CHECK_EQ_INT(drain(s, &r, &g_err), TN_OK);
    CHECK_EQ_INT(r.nrows, 2500);
    uint32_t bad = 0;
    for (uint64_t i = 0; i < r.nrows; i++)
        if (val_i64(&r, i, 0) != (int64_t)(2 * i))
            bad++;
    CHECK_EQ_INT(bad, 0);
    res_free(&r);
    ex_op_free(s);
}

/* ---------------- top-N ---------------- */

static ex_op *topn_source(uint32_t n, uint64_t seed)
{
    g_rng = seed;
    int64_t *k1 = malloc(n * sizeof *k1), *pos = malloc(n * sizeof *pos);
    double *k2 = malloc(n * sizeof *k2);
    bool *n1 = malloc(n), *n2 = malloc(n);
    const char **s = malloc(n * sizeof *s);
    char (*bufs)[40] = malloc((size_t)n * 40);
    for (uint32_t i = 0; i < n; i++) {
        k1[i] = (int64_t)(rnd() % 50);
        n1[i] = rnd() % 20 == 0;
        k2[i] = (double)(rnd() % 7) / 2;
        n2[i] = rnd() % 15 == 0;
        pos[i] = i;
        snprintf(bufs[i], 40, "payload-string-%06u-%llu", i, (unsigned long long)(rnd() % 1000));
        s[i] = bufs[i];
    }
    tn_vector *cols[4] = {vec_i64(k1, n1, n), vec_typed(tn_type_make(TN_T_DOUBLE), k2, n2, n), vec_str(s, n),
                          vec_i64(pos, NULL, n)};
    free(k1);
    free(pos);
    free(k2);
    free(n1);
    free(n2);
    free(s);
    free(bufs);
    return values_of(cols, 4, n);
}

/* first nkeys of: k1 DESC NULLS FIRST, k2 ASC NULLS LAST, s ASC NULLS FIRST */
static ex_sort_key *topn_keys(uint32_t nkeys)
{
    ex_sort_key all[3] = {{ex_expr_colref(0, tn_type_make(TN_T_INT64)), true, true},
                          {ex_expr_colref(1, tn_type_make(TN_T_DOUBLE)), false, false},
                          {ex_expr_colref(2, tn_type_make(TN_T_VARCHAR)), false, true}};
    ex_sort_key *ks = tn_malloc(3 * sizeof *ks);
    for (uint32_t i = 0; i < 3; i++) {
        if (i < nkeys)
            ks[i] = all[i];
        else
            ex_expr_free(all[i].expr);
    }
    return ks;
}

static void check_topn(uint32_t n, uint64_t limit, uint64_t offset, uint32_t nkeys, uint64_t seed)
{
    ex_op *a = op_topn_create(topn_source(n, seed), topn_keys(nkeys), nkeys, limit, offset);
    ex_op *b = op_limit_create(op_sort_create(topn_source(n, seed), topn_keys(nkeys), nkeys), limit, offset);
    result ra, rb;
    CHECK_EQ_INT(drain(a, &ra, &g_err), TN_OK);
    CHECK_EQ_INT(drain(b, &rb, &g_err), TN_OK);
    CHECK_EQ_INT(ra.nrows, rb.nrows);
    uint32_t bad = 0;
    for (uint64_t i = 0; i < ra.nrows && i < rb.nrows; i++) {
        if (val_i64(&ra, i, 3) != val_i64(&rb, i, 3))
            bad++;
        tn_value *x = res_at(&ra, i, 2), *y = res_at(&rb, i, 2);
        if (strcmp(x->v.str.ptr, y->v.str.ptr) != 0)
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
    res_free(&ra);
    res_free(&rb);
    ex_op_free(a);
    ex_op_free(b);
}

static void test_topn_equals_sort_limit(void)
{
    check_topn(10000, 10, 0, 1, 1);
    check_topn(10000, 100, 37, 2, 2);
    check_topn(10000, 3000, 500, 2, 3);  /* K larger than a batch */
    check_topn(10000, 25, 5, 3, 4);
    check_topn(500, 1000, 0, 2, 5);      /* K larger than the input */
    check_topn(500, 10, 600, 1, 6);      /* offset beyond the input */
    check_topn(500, 0, 0, 1, 7);
    check_topn(0, 10, 0, 1, 8);
}

/* ---------------- interrupt, explain ---------------- */

static void test_interrupt(void)
{
    volatile int flag = 0;
    counting_op *cnt = counting_wrap(op_range_create(0, INT64_MAX, 1, false));
    cnt->flag = &flag;
    cnt->raise_after = 3;
    ex_op *s = op_sort_create(&cnt->base, keys1(ex_expr_colref(0, tn_type_make(TN_T_INT64)), true, true), 1);
    ex_op_set_interrupt(s, &flag);
    CHECK(cnt->base.interrupt == &flag);
    tn_chunk *c = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ex_op_next(s, &c, &err), TN_INTERRUPT);
    CHECK(c == NULL);
    CHECK(strstr(err.msg, "interrupt") != NULL);
    CHECK(cnt->pulls >= 3 && cnt->pulls <= 4);
    ex_op_free(s);

    /* flag already set: the first call refuses */
    flag = 1;
    ex_op *r = op_range_create(0, 10, 1, false);
    ex_op_set_interrupt(r, &flag);
    CHECK_EQ_INT(ex_op_next(r, &c, &err), TN_INTERRUPT);
    flag = 0;
    CHECK_EQ_INT(ex_op_next(r, &c, &err), TN_OK);
    CHECK(c != NULL);
    ex_op_free(r);
}

static void test_explain(void)
{
    ex_op *op = op_limit_create(op_filter_create(op_range_create(1, 10, 2, true), ex_expr_colref(0, tn_type_make(TN_T_BOOL))), 5, 2);
    tn_sbuf sb = TN_SBUF_INIT;
    ex_op_explain(op, &sb);
    const char *s = tn_sbuf_str(&sb);
    CHECK(strncmp(s, "LIMIT limit=5 offset=2 [1 col]\n", 31) == 0);
    CHECK(strstr(s, "\n  FILTER ") != NULL);
    CHECK(strstr(s, "\n    RANGE generate_series(1, 10, 2) [1 col]\n") != NULL);
    tn_sbuf_free(&sb);
    ex_op_free(op);
    ex_op_free(NULL);
}

static void test_constructor_failures(void)
{
    /* a nested key type without its descriptor is rejected, arguments freed (checked by
     * LeakSanitizer); well-formed nested keys are accepted (SQL tests in nested.test) */
    tn_type lt = tn_type_make(TN_T_LIST);
    CHECK(op_sort_create(op_range_create(0, 1, 1, false), keys1(ex_expr_colref(0, lt), false, false), 1) == NULL);
    CHECK(op_topn_create(op_range_create(0, 1, 1, false), keys1(ex_expr_colref(0, lt), false, false), 1, 1, 0) == NULL);
    CHECK(op_filter_create(NULL, ex_expr_colref(0, tn_type_make(TN_T_BOOL))) == NULL);
    CHECK(op_limit_create(NULL, 1, 0) == NULL);
}

TEST_MAIN(test_range_basic, test_range_limits, test_range_batches_and_errors, test_single_row, test_values_slicing,
          test_values_nested_slicing,
          test_filter_selection, test_filter_skips_empty_batches, test_project_passthrough, test_limit_boundaries,
          test_limit_stops_early, test_sort_nulls_and_stability, test_sort_strings_floats_multikey, test_sort_prefix_and_interval, test_sort_random,
          test_sort_computed_key_and_selection, test_topn_equals_sort_limit, test_interrupt, test_explain,
          test_constructor_failures)
