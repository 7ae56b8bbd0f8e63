/* test_format.c -- value rendering (format.h): numbers, decimals, wide integers, reals (shortest
 * round-trip), dates/times/timestamps, intervals, UUID, BLOB escapes, vector rows of every kind. */
#include "tn_test.h"
#include "util/format.h"
#include "util/datetime.h"
#include <math.h>

static tn_sbuf g_sb = TN_SBUF_INIT;

static const char *fd(double d)
{
    tn_sbuf_clear(&g_sb);
    tn_format_double(&g_sb, d);
    return tn_sbuf_str(&g_sb);
}

static const char *ff(float f)
{
    tn_sbuf_clear(&g_sb);
    tn_format_float(&g_sb, f);
    return tn_sbuf_str(&g_sb);
}

static const char *fdec(tn_i128 v, int scale)
{
    tn_sbuf_clear(&g_sb);
    tn_format_decimal(&g_sb, v, scale);
    return tn_sbuf_str(&g_sb);
}

static const char *fval(tn_type t, const void *p)
{
    tn_sbuf_clear(&g_sb);
    tn_format_value(&g_sb, t, p);
    return tn_sbuf_str(&g_sb);
}

static void test_double(void)
{
    CHECK_EQ_STR(fd(0.1), "0.1");
    CHECK_EQ_STR(fd(1.0), "1.0");
    CHECK_EQ_STR(fd(-2.5), "-2.5");
    CHECK_EQ_STR(fd(0.0), "0.0");
    CHECK_EQ_STR(fd(-0.0), "-0.0");
    CHECK_EQ_STR(fd(123456789.0), "123456789.0");
    CHECK_EQ_STR(fd(1e15), "1000000000000000.0");
    CHECK_EQ_STR(fd(1e16), "1e+16");
    CHECK_EQ_STR(fd(1e20), "1e+20");
    CHECK_EQ_STR(fd(1.5e300), "1.5e+300");
    CHECK_EQ_STR(fd(0.0001), "0.0001");
    CHECK_EQ_STR(fd(0.00001), "1e-05");
    CHECK_EQ_STR(fd(2.5e-7), "2.5e-07");
    CHECK_EQ_STR(fd(1.0 / 3), "0.3333333333333333");
    CHECK_EQ_STR(fd(2.0 / 3), "0.6666666666666666");
    CHECK_EQ_STR(fd(0.1 + 0.2), "0.30000000000000004");
    CHECK_EQ_STR(fd(5e-324), "5e-324");
    CHECK_EQ_STR(fd(1.7976931348623157e308), "1.7976931348623157e+308");
    CHECK_EQ_STR(fd(NAN), "nan");
    CHECK_EQ_STR(fd(INFINITY), "inf");
    CHECK_EQ_STR(fd(-INFINITY), "-inf");
    CHECK_EQ_STR(fd(100.0), "100.0");
    CHECK_EQ_STR(fd(3.14159), "3.14159");
    /* every rendering reads back exactly */
    int bad = 0;
    double x = 1.2345e-30;
    for (int i = 0; i < 2000; i++) {
        x *= 1.7320508075688772;
        const char *s = fd(x);
        if (strtod(s, NULL) != x)
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

static void test_float(void)
{
    CHECK_EQ_STR(ff(0.1f), "0.1");
    CHECK_EQ_STR(ff(1.0f), "1.0");
    CHECK_EQ_STR(ff(3.4028235e38f), "3.4028235e+38");
    CHECK_EQ_STR(ff(1.0f / 3), "0.33333334");
    CHECK_EQ_STR(ff(16777216.0f), "16777216.0");
    CHECK_EQ_STR(ff(-1.5e-10f), "-1.5e-10");
    CHECK_EQ_STR(ff(NAN), "nan");
}

static void test_decimal_and_ints(void)
{
    CHECK_EQ_STR(fdec(12345, 2), "123.45");
    CHECK_EQ_STR(fdec(-5, 2), "-0.05");
    CHECK_EQ_STR(fdec(0, 3), "0.000");
    CHECK_EQ_STR(fdec(7, 0), "7");
    CHECK_EQ_STR(fdec(-100, 2), "-1.00");
    tn_i128 big = (tn_i128)1000000000000000000LL * 1000000000000000000LL; /* 1e36 */
    CHECK_EQ_STR(fdec(big, 38), "0.01000000000000000000000000000000000000");
    CHECK_EQ_STR(fdec(-big * 99 - 1, 2), "-990000000000000000000000000000000000.01");
    tn_i128 maxv = (tn_i128)(~(tn_u128)0 >> 1), minv = -maxv - 1;
    tn_sbuf_clear(&g_sb);
    tn_format_i128(&g_sb, maxv);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "170141183460469231731687303715884105727");
    tn_sbuf_clear(&g_sb);
    tn_format_i128(&g_sb, minv);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "-170141183460469231731687303715884105728");
    tn_sbuf_clear(&g_sb);
    tn_format_i128(&g_sb, (tn_i128)10000000000000000000ULL); /* 1e19: zero padding of chunks */
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "10000000000000000000");
    tn_sbuf_clear(&g_sb);
    tn_format_u128(&g_sb, ~(tn_u128)0);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "340282366920938463463374607431768211455");
    tn_sbuf_clear(&g_sb);
    tn_format_i128(&g_sb, 0);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "0");

    int64_t i64 = INT64_MIN;
    CHECK_EQ_STR(fval(tn_type_make(TN_T_INT64), &i64), "-9223372036854775808");
    uint64_t u64 = UINT64_MAX;
    CHECK_EQ_STR(fval(tn_type_make(TN_T_UINT64), &u64), "18446744073709551615");
    int8_t i8 = -128;
    CHECK_EQ_STR(fval(tn_type_make(TN_T_INT8), &i8), "-128");
    uint8_t b = 1;
    CHECK_EQ_STR(fval(tn_type_make(TN_T_BOOL), &b), "true");
    b = 0;
    CHECK_EQ_STR(fval(tn_type_make(TN_T_BOOL), &b), "false");
    int64_t d18 = -123456789012345678LL;
    CHECK_EQ_STR(fval(tn_type_decimal(18, 4), &d18), "-12345678901234.5678");
    tn_i128 d38 = (tn_i128)d18 * 1000;
    CHECK_EQ_STR(fval(tn_type_decimal(38, 4), &d38), "-12345678901234567.8000");
}

static void test_dates(void)
{
    tn_sbuf_clear(&g_sb);
    tn_format_date(&g_sb, 0);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "1970-01-01");
    tn_sbuf_clear(&g_sb);
    tn_format_date(&g_sb, -719162);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "0001-01-01");
    tn_sbuf_clear(&g_sb);
    tn_format_date(&g_sb, (int32_t)tn_days_from_civil(-1, 3, 1));
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "0002-03-01 (BC)");
    tn_sbuf_clear(&g_sb);
    tn_format_date(&g_sb, (int32_t)tn_days_from_civil(0, 12, 31));
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "0001-12-31 (BC)");
    tn_sbuf_clear(&g_sb);
    tn_format_date(&g_sb, (int32_t)tn_days_from_civil(12345, 6, 7));
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "12345-06-07");
    /* parse(format(x)) == x across the int32 range */
    int bad = 0;
    for (int64_t day = INT32_MIN; day <= INT32_MAX; day += 104729) {
        tn_sbuf_clear(&g_sb);
        tn_format_date(&g_sb, (int32_t)day);
        int32_t back;
        if (!tn_date_parse(tn_sbuf_str(&g_sb), g_sb.len, &back) || back != day)
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

static void test_times(void)
{
    tn_sbuf_clear(&g_sb);
    tn_format_time(&g_sb, 45296789000LL, TN_UNIT_US);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "12:34:56.789");
    tn_sbuf_clear(&g_sb);
    tn_format_time(&g_sb, 45296000, TN_UNIT_MS);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "12:34:56");
    tn_sbuf_clear(&g_sb);
    tn_format_time(&g_sb, 45296000000001LL, TN_UNIT_NS);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "12:34:56.000000001");
    tn_sbuf_clear(&g_sb);
    tn_format_time(&g_sb, 86400000000LL, TN_UNIT_US);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "24:00:00");

    tn_sbuf_clear(&g_sb);
    tn_format_timestamp(&g_sb, 0, TN_UNIT_US, false);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "1970-01-01 00:00:00");
    tn_sbuf_clear(&g_sb);
    tn_format_timestamp(&g_sb, -1, TN_UNIT_US, false);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "1969-12-31 23:59:59.999999");
    tn_sbuf_clear(&g_sb);
    tn_format_timestamp(&g_sb, 1577836800500LL, TN_UNIT_MS, true);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "2020-01-01 00:00:00.5+00");
    tn_sbuf_clear(&g_sb);
    tn_format_timestamp(&g_sb, INT64_MAX, TN_UNIT_NS, false);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "2262-04-11 23:47:16.854775807");
    tn_sbuf_clear(&g_sb);
    tn_format_timestamp(&g_sb, INT64_MIN, TN_UNIT_NS, false);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "1677-09-21 00:12:43.145224192");
    tn_sbuf_clear(&g_sb);
    tn_format_timestamp(&g_sb, INT64_MIN, TN_UNIT_MS, false); /* far past */
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "292275056-05-16 (BC) 16:47:04.192");
    tn_sbuf_clear(&g_sb);
    tn_format_timestamp(&g_sb, -62135596800000000LL - 86400000000LL + 1, TN_UNIT_US, true);
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "0001-12-31 (BC) 00:00:00.000001+00");
    /* round trip through the parser for many microsecond values */
    int bad = 0;
    int64_t v = -62135596800000000LL; /* 0001-01-01 */
    for (int i = 0; i < 5000; i++) {
        v += 123456789012345LL + i;
        tn_sbuf_clear(&g_sb);
        tn_format_timestamp(&g_sb, v, TN_UNIT_US, false);
        int64_t back;
        if (!tn_timestamp_parse(tn_sbuf_str(&g_sb), g_sb.len, TN_UNIT_US, &back, NULL) || back != v)
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

static void test_interval_uuid_blob(void)
{
    tn_type it = tn_type_make(TN_T_INTERVAL);
    tn_interval iv = {14, 3, (4 * 3600 + 5 * 60 + 6) * 1000000LL};
    CHECK_EQ_STR(fval(it, &iv), "1 year 2 months 3 days 04:05:06");
    tn_interval iv0 = {0, 0, 0};
    CHECK_EQ_STR(fval(it, &iv0), "00:00:00");
    tn_interval iv1 = {1, 1, 0};
    CHECK_EQ_STR(fval(it, &iv1), "1 month 1 day");
    tn_interval iv2 = {0, -2, -1500000};
    CHECK_EQ_STR(fval(it, &iv2), "-2 days -00:00:01.5");
    tn_interval iv3 = {24, 0, 0};
    CHECK_EQ_STR(fval(it, &iv3), "2 years");

    uint8_t u[16];
    for (int i = 0; i < 16; i++)
        u[i] = (uint8_t)(i * 17);
    CHECK_EQ_STR(fval(tn_type_make(TN_T_UUID), u), "00112233-4455-6677-8899-aabbccddeeff");

    const char raw[] = "a\x01\\'b\xff\"";
    tn_str s = tn_str_make(raw, 7);
    CHECK_EQ_STR(fval(tn_type_make(TN_T_BLOB), &s), "a\\x01\\x5C\\x27b\\xFF\\x22");
    tn_str v = tn_str_make("hello, world: long", 18);
    CHECK_EQ_STR(fval(tn_type_make(TN_T_VARCHAR), &v), "hello, world: long");
}

static void test_vector_rows(void)
{
    tn_vector *v = tn_vector_new(tn_type_make(TN_T_INT32), 4);
    int32_t *d = v->data;
    d[0] = 1, d[1] = -2, d[2] = 3, d[3] = 4;
    CHECK(tn_vector_set_null(v, 2) == TN_OK);
    tn_sbuf_clear(&g_sb);
    CHECK(tn_format_vector_row(&g_sb, v, 1));
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "-2");
    tn_sbuf_clear(&g_sb);
    CHECK(!tn_format_vector_row(&g_sb, v, 2));
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "");

    tn_vector *c = tn_vector_new(tn_type_make(TN_T_INT32), 8);
    CHECK(tn_vector_set_const_from(c, v, 3) == TN_OK);
    tn_sbuf_clear(&g_sb);
    CHECK(tn_format_vector_row(&g_sb, c, 6));
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "4");

    tn_vector *dv = tn_vector_new(tn_type_make(TN_T_INT32), 8);
    CHECK(tn_vector_set_dict(dv, v) == TN_OK);
    uint32_t *idx = dv->data;
    for (int i = 0; i < 8; i++)
        idx[i] = (uint32_t)(3 - i % 4);
    tn_sbuf_clear(&g_sb);
    CHECK(tn_format_vector_row(&g_sb, dv, 0));
    CHECK_EQ_STR(tn_sbuf_str(&g_sb), "4");
    tn_sbuf_clear(&g_sb);
    CHECK(!tn_format_vector_row(&g_sb, dv, 1)); /* dictionary entry 2 is NULL */

    tn_vector_unref(dv);
    tn_vector_unref(c);
    tn_vector_unref(v);
    tn_sbuf_free(&g_sb);
}

TEST_MAIN(test_double, test_float, test_decimal_and_ints, test_dates, test_times,
          test_interval_uuid_blob, test_vector_rows)
