/* test_datetime.c -- calendar conversions (exact over the int32 day range and int64 timestamp
 * ranges), date/time/timestamp parsing and unit conversion. Reference values computed
 * independently (Python's datetime for years 1..9999; a naive day counter for the sweep). */
#include "tn_test.h"
#include "util/datetime.h"

/* Naive successor of a civil date, used to validate consecutive days. */
static void next_day(int64_t *y, int *m, int *d)
{
    if (*d < tn_days_in_month(*y, *m)) {
        (*d)++;
    } else if (*m < 12) {
        (*m)++;
        *d = 1;
    } else {
        (*y)++;
        *m = 1;
        *d = 1;
    }
}

/* Check that days [from, from+n) map to consecutive civil dates and back. */
static int sweep(int64_t from, int64_t n)
{
    int bad = 0;
    int64_t y;
    int m, d;
    tn_civil_from_days(from, &y, &m, &d);
    for (int64_t i = 0; i < n; i++) {
        int64_t day = from + i;
        int64_t y2;
        int m2, d2;
        tn_civil_from_days(day, &y2, &m2, &d2);
        if (y2 != y || m2 != m || d2 != d)
            bad++;
        if (tn_days_from_civil(y2, m2, d2) != day)
            bad++;
        next_day(&y, &m, &d);
    }
    return bad;
}

static void test_known_days(void)
{
    CHECK_EQ_INT(tn_days_from_civil(1970, 1, 1), 0);
    CHECK_EQ_INT(tn_days_from_civil(1969, 12, 31), -1);
    CHECK_EQ_INT(tn_days_from_civil(1, 1, 1), -719162);
    CHECK_EQ_INT(tn_days_from_civil(9999, 12, 31), 2932896);
    CHECK_EQ_INT(tn_days_from_civil(2000, 2, 29), 11016);
    CHECK_EQ_INT(tn_days_from_civil(1900, 3, 1), -25508);
    CHECK_EQ_INT(tn_days_from_civil(1600, 2, 29), -135081);
    CHECK_EQ_INT(tn_days_from_civil(0, 3, 1), -719468);
    int64_t y;
    int m, d;
    tn_civil_from_days(-719163, &y, &m, &d); /* day before 0001-01-01 is 0000-12-31 (1 BC) */
    CHECK_EQ_INT(y, 0);
    CHECK_EQ_INT(m, 12);
    CHECK_EQ_INT(d, 31);
    tn_civil_from_days(11016, &y, &m, &d);
    CHECK(y == 2000 && m == 2 && d == 29);
}

static void test_leap(void)
{
    CHECK(tn_is_leap_year(2000));
    CHECK(!tn_is_leap_year(1900));
    CHECK(tn_is_leap_year(2024));
    CHECK(!tn_is_leap_year(2023));
    CHECK(tn_is_leap_year(0));
    CHECK(tn_is_leap_year(-4));
    CHECK(!tn_is_leap_year(-100));
    CHECK(tn_is_leap_year(-400));
    CHECK_EQ_INT(tn_days_in_month(2023, 2), 28);
    CHECK_EQ_INT(tn_days_in_month(2024, 2), 29);
    CHECK_EQ_INT(tn_days_in_month(2024, 13), 0);
    CHECK_EQ_INT(tn_days_in_month(2024, 0), 0);
}

static void test_sweeps(void)
{
    /* around the epoch, year 0, and both ends of the int32 day range */
    CHECK_EQ_INT(sweep(-800000, 1600000), 0);
    CHECK_EQ_INT(sweep(INT32_MIN, 500000), 0);
    CHECK_EQ_INT(sweep((int64_t)INT32_MAX - 500000, 500001), 0);
    /* extremes of int64 timestamps: ns, us and ms */
    int64_t dmin_ms = -106751991167 - 1, dmax_ms = 106751991167;
    CHECK_EQ_INT(sweep(dmin_ms - 1000, 200000), 0);
    CHECK_EQ_INT(sweep(dmax_ms - 200000, 200001), 0);
    /* strided round trip over the whole int32 range */
    int bad = 0;
    for (int64_t day = INT32_MIN; day <= INT32_MAX; day += 7919) {
        int64_t y;
        int m, d;
        tn_civil_from_days(day, &y, &m, &d);
        if (m < 1 || m > 12 || d < 1 || d > tn_days_in_month(y, m) ||
            tn_days_from_civil(y, m, d) != day)
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
    /* civil -> days -> civil for every year boundary across a wide range */
    bad = 0;
    int64_t prev = tn_days_from_civil(-6000000, 1, 1);
    for (int64_t yy = -6000000 + 1; yy <= 6000000; yy += 1) {
        int64_t cur = tn_days_from_civil(yy, 1, 1);
        if (cur - prev != (tn_is_leap_year(yy - 1) ? 366 : 365))
            bad++;
        prev = cur;
    }
    CHECK_EQ_INT(bad, 0);
}

static void test_date_parse(void)
{
    int32_t d;
    CHECK(tn_date_parse("1970-01-01", 10, &d) && d == 0);
    CHECK(tn_date_parse("2000-02-29", 10, &d) && d == 11016);
    CHECK(tn_date_parse(" 2000-2-9 ", 10, &d) && d == tn_days_from_civil(2000, 2, 9));
    CHECK(tn_date_parse("0001-01-01", 10, &d) && d == -719162);
    CHECK(tn_date_parse("-0001-03-01", 11, &d) && d == tn_days_from_civil(-1, 3, 1));
    CHECK(tn_date_parse("+10000-01-01", 12, &d) && d == tn_days_from_civil(10000, 1, 1));
    CHECK(tn_date_parse("123456-01-01", 12, &d) && d == tn_days_from_civil(123456, 1, 1));
    CHECK(tn_date_parse("5-01-01", 7, &d) && d == tn_days_from_civil(5, 1, 1));
    CHECK(tn_date_parse("0001-01-01 (BC)", 15, &d) && d == tn_days_from_civil(0, 1, 1));
    CHECK(tn_date_parse("0002-03-01 (BC)", 15, &d) && d == tn_days_from_civil(-1, 3, 1));
    CHECK(!tn_date_parse("0000-01-01 (BC)", 15, &d));
    CHECK(!tn_date_parse("-0001-01-01 (BC)", 16, &d));
    CHECK(!tn_date_parse("2001-02-29", 10, &d));
    CHECK(!tn_date_parse("2000-13-01", 10, &d));
    CHECK(!tn_date_parse("2000-00-01", 10, &d));
    CHECK(!tn_date_parse("2000-01-00", 10, &d));
    CHECK(!tn_date_parse("2000-01-32", 10, &d));
    CHECK(!tn_date_parse("2000-01", 7, &d));
    CHECK(!tn_date_parse("", 0, &d));
    CHECK(!tn_date_parse("abc", 3, &d));
    CHECK(!tn_date_parse("2000-01-01x", 11, &d));
    CHECK(tn_date_parse("1234567-01-01", 13, &d) && d == tn_days_from_civil(1234567, 1, 1));
    CHECK(!tn_date_parse("12345678-01-01", 14, &d));
    CHECK(!tn_date_parse("5881581-01-01", 13, &d)); /* beyond int32 days */
    CHECK(tn_date_parse("5881580-07-11", 13, &d) && d == INT32_MAX);
    CHECK(tn_date_parse("-5877641-06-23", 14, &d) && d == INT32_MIN);
    CHECK(!tn_date_parse("2000-001-01", 11, &d));
    /* n limits the input: the trailing garbage is not looked at */
    CHECK(tn_date_parse("2000-01-01garbage", 10, &d) && d == 10957);
}

static void test_time_parse(void)
{
    int64_t v;
    CHECK(tn_time_parse("00:00:00", 8, TN_UNIT_US, &v) && v == 0);
    CHECK(tn_time_parse("12:34:56", 8, TN_UNIT_US, &v) && v == (12 * 3600 + 34 * 60 + 56) * 1000000LL);
    CHECK(tn_time_parse("1:02", 4, TN_UNIT_US, &v) && v == 3720000000LL);
    CHECK(tn_time_parse("12:34:56.789", 12, TN_UNIT_MS, &v) && v == 45296789);
    CHECK(tn_time_parse("12:34:56.123456789", 18, TN_UNIT_NS, &v) && v == 45296123456789LL);
    CHECK(tn_time_parse("12:34:56.123456789", 18, TN_UNIT_US, &v) && v == 45296123456LL);
    CHECK(tn_time_parse("23:59:59.5", 10, TN_UNIT_US, &v) && v == 86399500000LL);
    CHECK(tn_time_parse("24:00:00", 8, TN_UNIT_US, &v) && v == 86400000000LL);
    CHECK(!tn_time_parse("24:00:01", 8, TN_UNIT_US, &v));
    CHECK(!tn_time_parse("12:60:00", 8, TN_UNIT_US, &v));
    CHECK(!tn_time_parse("12:00:60", 8, TN_UNIT_US, &v));
    CHECK(!tn_time_parse("12", 2, TN_UNIT_US, &v));
    CHECK(!tn_time_parse("12:00:00.", 9, TN_UNIT_US, &v));
    CHECK(!tn_time_parse("12:00:00.1234567890", 19, TN_UNIT_NS, &v));
    CHECK(!tn_time_parse("12:0", 4, TN_UNIT_US, &v));
    CHECK(!tn_time_parse("ab:cd", 5, TN_UNIT_US, &v));
}

static void test_timestamp_parse(void)
{
    int64_t v;
    bool tz;
    CHECK(tn_timestamp_parse("1970-01-01 00:00:00", 19, TN_UNIT_US, &v, &tz) && v == 0 && !tz);
    CHECK(tn_timestamp_parse("1970-01-01", 10, TN_UNIT_US, &v, &tz) && v == 0 && !tz);
    CHECK(tn_timestamp_parse("1970-01-02T00:00:01", 19, TN_UNIT_MS, &v, &tz) && v == 86401000);
    CHECK(tn_timestamp_parse("1969-12-31 23:59:59.999999", 26, TN_UNIT_US, &v, NULL) && v == -1);
    CHECK(tn_timestamp_parse("2020-01-01 00:00:00Z", 20, TN_UNIT_US, &v, &tz) && tz &&
          v == 1577836800000000LL);
    CHECK(tn_timestamp_parse("2020-01-01 01:30:00+01:30", 25, TN_UNIT_US, &v, &tz) && tz &&
          v == 1577836800000000LL);
    CHECK(tn_timestamp_parse("2019-12-31 19:00:00 -05", 23, TN_UNIT_US, &v, &tz) && tz &&
          v == 1577836800000000LL);
    CHECK(tn_timestamp_parse("2019-12-31 19:00:00-0500", 24, TN_UNIT_US, &v, &tz) && tz &&
          v == 1577836800000000LL);
    CHECK(tn_timestamp_parse("2020-01-01 00:00:00 UTC", 23, TN_UNIT_US, &v, &tz) && tz &&
          v == 1577836800000000LL);
    CHECK(tn_timestamp_parse("2020-01-01 00:00:00.000000001", 29, TN_UNIT_NS, &v, NULL) &&
          v == 1577836800000000001LL);
    /* ns range ends in 2262 */
    CHECK(tn_timestamp_parse("2262-04-11 23:47:16.854775807", 29, TN_UNIT_NS, &v, NULL) &&
          v == INT64_MAX);
    CHECK(!tn_timestamp_parse("2262-04-11 23:47:16.854775808", 29, TN_UNIT_NS, &v, NULL));
    CHECK(!tn_timestamp_parse("3000-01-01", 10, TN_UNIT_NS, &v, NULL));
    CHECK(tn_timestamp_parse("3000-01-01", 10, TN_UNIT_US, &v, NULL));
    CHECK(!tn_timestamp_parse("2020-01-01 25:00:00", 19, TN_UNIT_US, &v, NULL));
    CHECK(!tn_timestamp_parse("2020-01-01 10:00:00 +", 21, TN_UNIT_US, &v, NULL));
    CHECK(!tn_timestamp_parse("2020-01-01 10:00:00 abc", 23, TN_UNIT_US, &v, NULL));
    CHECK(!tn_timestamp_parse("2020-01-01X10:00:00", 19, TN_UNIT_US, &v, NULL));
    CHECK(!tn_timestamp_parse("2020-01-01 +99", 14, TN_UNIT_US, &v, NULL));
    CHECK(!tn_timestamp_parse("", 0, TN_UNIT_US, &v, NULL));
    CHECK(tn_timestamp_parse("0001-01-01 (BC) 00:00:01", 24, TN_UNIT_US, &v, NULL) &&
          v == tn_days_from_civil(0, 1, 1) * 86400000000LL + 1000000);
}

static void test_convert(void)
{
    int64_t v;
    CHECK(tn_time_convert(1500, TN_UNIT_MS, TN_UNIT_US, &v) && v == 1500000);
    CHECK(tn_time_convert(-1, TN_UNIT_NS, TN_UNIT_US, &v) && v == -1);
    CHECK(tn_time_convert(-1000, TN_UNIT_NS, TN_UNIT_US, &v) && v == -1);
    CHECK(tn_time_convert(-1001, TN_UNIT_NS, TN_UNIT_US, &v) && v == -2);
    CHECK(tn_time_convert(1999, TN_UNIT_US, TN_UNIT_MS, &v) && v == 1);
    CHECK(!tn_time_convert(INT64_MAX / 100, TN_UNIT_MS, TN_UNIT_NS, &v));
    CHECK(tn_time_convert(INT64_MIN, TN_UNIT_NS, TN_UNIT_MS, &v) && v == -9223372036855LL);
    CHECK_EQ_INT(tn_unit_per_second(TN_UNIT_MS), 1000);
    CHECK_EQ_INT(tn_unit_per_second(TN_UNIT_US), 1000000);
    CHECK_EQ_INT(tn_unit_per_second(TN_UNIT_NS), 1000000000);
}

TEST_MAIN(test_known_days, test_leap, test_sweeps, test_date_parse, test_time_parse,
          test_timestamp_parse, test_convert)
