/*
 * test_writer_stats.c -- statistics written by the Parquet writer (writer_stats.c), read back raw
 * from the decoded footer (metadata.h) and through pq_column_stats: NaN exclusion, nan_count,
 * -0.0 min / +0.0 max for zero extremes, unsigned orders (UINT32/UINT64), signed decimals in
 * FIXED_LEN_BYTE_ARRAY, legacy min/max only for signed orders, and byte-array truncation to 64
 * bytes with the max rounded up (ASCII, UTF-8 kept valid, 0xFF runs) and the exactness flags.
 */
#define _GNU_SOURCE
#include "writer_testutil.h"

/* ======================= statistics rules ======================= */

static void test_stats_float_rules(void)
{
    char path[600];
    tmp_path(path, sizeof path, "stats-float.parquet");
    pq_write_options o;
    pq_write_options_default(&o);
    tn_err err = TN_ERR_INIT;
    struct {
        float v[5];
        int n;
        bool has;
        float lo, hi;
    } cases[] = {
        {{NAN, -0.0f, 3.5f, 0.0f, -2.0f}, 5, true, -2.0f, 3.5f},
        {{0.0f, NAN, -0.0f}, 3, true, -0.0f, 0.0f}, /* zero extremes: min -0.0, max +0.0 */
        {{-0.0f, -0.0f}, 2, true, -0.0f, 0.0f},
        {{NAN, NAN}, 2, false, 0, 0},               /* all NaN: no min/max */
    };
    for (size_t k = 0; k < TN_ARRAY_LEN(cases); k++) {
        tn_vector *v = tn_vector_new(ty(TN_T_FLOAT), 8);
        for (int i = 0; i < cases[k].n; i++)
            ((float *)v->data)[i] = cases[k].v[i];
        tn_vector_set_null(v, (uint32_t)cases[k].n); /* one NULL too */
        CHECK_EQ_INT(write_one(path, "f", v, (uint32_t)cases[k].n + 1, &o, &err), TN_OK);
        tn_vector_unref(v);
        pq_file *f = NULL;
        CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
        if (!f)
            continue;
        const pq_statistics *s = raw_stats(f, 0, 0);
        int nans = 0;
        for (int i = 0; i < cases[k].n; i++)
            nans += isnan(cases[k].v[i]) ? 1 : 0;
        CHECK(s->has_nan_count);
        CHECK_EQ_INT(s->nan_count, nans);
        CHECK(s->has_null_count && s->null_count == 1);
        CHECK_EQ_INT(s->has_min_value, cases[k].has);
        CHECK_EQ_INT(s->has_max_value, cases[k].has);
        if (cases[k].has && s->has_min_value && s->has_max_value) {
            float lo, hi;
            CHECK(s->min_value.n == 4 && s->max_value.n == 4);
            memcpy(&lo, s->min_value.p, 4);
            memcpy(&hi, s->max_value.p, 4);
            CHECK(lo == cases[k].lo && signbit(lo) == signbit(cases[k].lo));
            CHECK(hi == cases[k].hi && signbit(hi) == signbit(cases[k].hi));
            CHECK(!isnan(lo) && !isnan(hi));
        }
        pq_file_unref(f);
    }
    unlink(path);
}

static void test_stats_orders(void)
{
    char path[600];
    tmp_path(path, sizeof path, "stats-order.parquet");
    pq_write_options o;
    pq_write_options_default(&o);
    tn_err err = TN_ERR_INIT;

    /* unsigned: 0xFFFFFFFF is the max, not -1 the min */
    tn_vector *v = tn_vector_new(ty(TN_T_UINT32), 4);
    uint32_t u32[3] = {7, 0xFFFFFFFFu, 0x80000000u};
    memcpy(v->data, u32, sizeof u32);
    CHECK_EQ_INT(write_one(path, "u", v, 3, &o, &err), TN_OK);
    tn_vector_unref(v);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        const pq_statistics *s = raw_stats(f, 0, 0);
        uint32_t lo = 0, hi = 0;
        if (s->min_value.n == 4)
            memcpy(&lo, s->min_value.p, 4);
        if (s->max_value.n == 4)
            memcpy(&hi, s->max_value.p, 4);
        CHECK_EQ_INT(lo, 7);
        CHECK(hi == 0xFFFFFFFFu);
        CHECK(!s->has_min && !s->has_max); /* no deprecated signed min/max for unsigned */
        pq_stats st;
        CHECK_EQ_INT(pq_column_stats(f, 0, 0, &st, &err), TN_OK);
        CHECK(st.has_min_max && st.min.v.u64 == 7 && st.max.v.u64 == 0xFFFFFFFFu);
        pq_stats_free(&st);
        pq_file_unref(f);
    }

    /* UINT64 */
    v = tn_vector_new(ty(TN_T_UINT64), 4);
    uint64_t u64[3] = {UINT64_MAX, 1, (uint64_t)1 << 63};
    memcpy(v->data, u64, sizeof u64);
    CHECK_EQ_INT(write_one(path, "u", v, 3, &o, &err), TN_OK);
    tn_vector_unref(v);
    f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        pq_stats st;
        CHECK_EQ_INT(pq_column_stats(f, 0, 0, &st, &err), TN_OK);
        CHECK(st.has_min_max && st.min.v.u64 == 1 && st.max.v.u64 == UINT64_MAX);
        pq_stats_free(&st);
        pq_file_unref(f);
    }

    /* signed INT32 with legacy min/max too */
    v = tn_vector_new(ty(TN_T_INT32), 4);
    int32_t i32[3] = {5, -9, 2};
    memcpy(v->data, i32, sizeof i32);
    CHECK_EQ_INT(write_one(path, "i", v, 3, &o, &err), TN_OK);
    tn_vector_unref(v);
    f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        const pq_statistics *s = raw_stats(f, 0, 0);
        int32_t lo = 0, hi = 0, llo = 0, lhi = 0;
        if (s->min_value.n == 4)
            memcpy(&lo, s->min_value.p, 4);
        if (s->max_value.n == 4)
            memcpy(&hi, s->max_value.p, 4);
        if (s->has_min && s->min.n == 4)
            memcpy(&llo, s->min.p, 4);
        if (s->has_max && s->max.n == 4)
            memcpy(&lhi, s->max.p, 4);
        CHECK_EQ_INT(lo, -9);
        CHECK_EQ_INT(hi, 5);
        CHECK_EQ_INT(llo, -9);
        CHECK_EQ_INT(lhi, 5);
        CHECK(s->has_is_min_exact && s->is_min_exact && s->has_is_max_exact && s->is_max_exact);
        pq_file_unref(f);
    }

    /* signed decimals in FIXED_LEN_BYTE_ARRAY */
    v = tn_vector_new(tn_type_decimal(30, 2), 4);
    tn_i128 d[4] = {-5, 3, -100, (tn_i128)1 << 70};
    memcpy(v->data, d, sizeof d);
    CHECK_EQ_INT(write_one(path, "d", v, 4, &o, &err), TN_OK);
    tn_vector_unref(v);
    f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        const pq_schema_node *nd = pq_file_field(f, 0);
        CHECK_EQ_INT(nd->physical_type, PQ_FIXED_LEN_BYTE_ARRAY);
        CHECK_EQ_INT(nd->type_length, 13); /* 10^30-1 < 2^103 */
        pq_stats st;
        CHECK_EQ_INT(pq_column_stats(f, 0, 0, &st, &err), TN_OK);
        CHECK(st.has_min_max && st.min.v.i128 == -100 && st.max.v.i128 == ((tn_i128)1 << 70));
        pq_stats_free(&st);
        pq_file_unref(f);
    }
    unlink(path);
}

static void test_stats_truncation(void)
{
    char path[600];
    tmp_path(path, sizeof path, "stats-trunc.parquet");
    pq_write_options o;
    pq_write_options_default(&o);
    tn_err err = TN_ERR_INIT;
    char a[100], b[100], e[100], x[100];
    memset(a, 'a', sizeof a);
    memset(b, 'b', sizeof b);
    for (int i = 0; i < 50; i++) {
        e[2 * i] = (char)0xc3;
        e[2 * i + 1] = (char)0xa9; /* U+00E9 */
    }
    memset(x, 0xff, sizeof x);

    /* 1. ASCII: min a*100 -> a*64 inexact; max b*100 -> b*63 + 'c' inexact */
    tn_vector *v = tn_vector_new(ty(TN_T_VARCHAR), 4);
    str_vec_set(v, 0, b, 100);
    str_vec_set(v, 1, a, 100);
    str_vec_set(v, 2, "abc", 3);
    CHECK_EQ_INT(write_one(path, "s", v, 3, &o, &err), TN_OK);
    tn_vector_unref(v);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        const pq_statistics *s = raw_stats(f, 0, 0);
        CHECK(s->has_min_value && s->min_value.n <= 64 && s->min_value.n > 0);
        CHECK(s->has_min_value && memcmp(s->min_value.p, a, s->min_value.n) == 0);
        CHECK(s->has_is_min_exact && !s->is_min_exact);
        CHECK(s->has_max_value && s->max_value.n <= 64);
        /* the bound must be >= the real max and only its last byte may differ from a prefix */
        if (s->has_max_value && s->max_value.n > 0) {
            size_t n = s->max_value.n;
            CHECK(memcmp(s->max_value.p, b, n - 1) == 0);
            CHECK(s->max_value.p[n - 1] > 'b');
        }
        CHECK(s->has_is_max_exact && !s->is_max_exact);
        CHECK(!s->has_min && !s->has_max); /* no deprecated fields for strings */
        pq_file_unref(f);
    }

    /* 2. UTF-8: max e*100 (50 x U+00E9) -> valid UTF-8 upper bound of <= 64 bytes */
    v = tn_vector_new(ty(TN_T_VARCHAR), 4);
    str_vec_set(v, 0, e, 100);
    str_vec_set(v, 1, "zz", 2);
    CHECK_EQ_INT(write_one(path, "s", v, 2, &o, &err), TN_OK);
    tn_vector_unref(v);
    f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        const pq_statistics *s = raw_stats(f, 0, 0);
        CHECK(s->has_max_value && s->max_value.n <= 64);
        CHECK(utf8_valid(s->max_value.p, s->max_value.n));
        tn_str bound = tn_str_make((const char *)s->max_value.p, s->max_value.n);
        tn_str real = tn_str_make(e, 100);
        CHECK(tn_str_cmp(&bound, &real) > 0);
        CHECK(!s->is_max_exact);
        /* the min "zz" is short: exact */
        CHECK(s->min_value.n == 2 && memcmp(s->min_value.p, "zz", 2) == 0 && s->is_min_exact);
        pq_file_unref(f);
    }

    /* 3. BLOB of 0xFF bytes: no shorter upper bound exists, the exact max is kept */
    v = tn_vector_new(ty(TN_T_BLOB), 4);
    str_vec_set(v, 0, x, 100);
    str_vec_set(v, 1, "", 0);
    CHECK_EQ_INT(write_one(path, "b", v, 2, &o, &err), TN_OK);
    tn_vector_unref(v);
    f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        const pq_statistics *s = raw_stats(f, 0, 0);
        CHECK(s->has_max_value && s->max_value.n == 100 && memcmp(s->max_value.p, x, 100) == 0);
        CHECK(s->has_is_max_exact && s->is_max_exact);
        CHECK(s->has_min_value && s->min_value.n == 0 && s->is_min_exact);
        pq_file_unref(f);
    }

    /* 4. BLOB with a 0xFF tail at the cut: the last non-0xFF byte is incremented */
    char y[80];
    memset(y, 'q', sizeof y);
    memset(y + 60, 0xff, 20);
    v = tn_vector_new(ty(TN_T_BLOB), 2);
    str_vec_set(v, 0, y, 80);
    CHECK_EQ_INT(write_one(path, "b", v, 1, &o, &err), TN_OK);
    tn_vector_unref(v);
    f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        const pq_statistics *s = raw_stats(f, 0, 0);
        CHECK(s->has_max_value && s->max_value.n == 60);
        if (s->max_value.n == 60)
            CHECK(memcmp(s->max_value.p, y, 59) == 0 && s->max_value.p[59] == 'r');
        CHECK(!s->is_max_exact);
        pq_file_unref(f);
    }
    unlink(path);
}

TEST_MAIN(test_stats_float_rules, test_stats_orders, test_stats_truncation)
