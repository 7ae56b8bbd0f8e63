/*
 * datetime.c -- calendar arithmetic and text parsing for DATE / TIME / TIMESTAMP (datetime.h).
 *
 * Calendar: proleptic Gregorian, ISO 8601 year numbering (year 0 = 1 BC, -1 = 2 BC). The
 * day <-> civil conversions use the 400-year era decomposition (146097 days per era) with floor
 * division, so they are exact for every negative and positive day count whose era index fits
 * comfortably in int64 (|days| < 2^60, far beyond any int32 DATE or int64 timestamp in any unit).
 *
 * Parsing follows the literal forms PostgreSQL and DuckDB accept:
 *   date       [+|-]Y{1,7}-M{1,2}-D{1,2}[ (BC)]    (surrounding blanks allowed; "(BC)" as DuckDB
 *                                                   prints years <= 0: 0001 (BC) is ISO year 0)
 *   time       H{1,2}:MM[:SS[.f{1,9}]]           (24:00:00 allowed, as PostgreSQL/DuckDB do)
 *   timestamp  date [(' '|'T') time] [blanks] [Z | UTC | (+|-)HH[[:]MM[[:]SS]]]
 * Fraction digits beyond the target unit's precision are truncated (toward zero). Values that do
 * not fit the destination (int32 days, int64 units) are rejected, never wrapped.
 */
#include "datetime.h"
#include <string.h>

#define DAYS_PER_ERA 146097
#define SECS_PER_DAY 86400

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

bool tn_is_leap_year(int64_t y)
{
    return (y % 4 == 0) && (y % 100 != 0 || y % 400 == 0);
}

int tn_days_in_month(int64_t y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && tn_is_leap_year(y))
        return 29;
    return dm[m - 1];
}

int64_t tn_days_from_civil(int64_t y, int m, int d)
{
    /* Shift the year to start in March so the leap day is the last day of the shifted year. */
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                    /* [0, 399] */
    int64_t mp = m > 2 ? m - 3 : m + 9;                             /* [0, 11] */
    int64_t doy = (153 * mp + 2) / 5 + d - 1;                       /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* [0, 146096] */
    return era * DAYS_PER_ERA + doe - 719468;
}

void tn_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    /* 719468 = days from 0000-03-01 to 1970-01-01. Split before adding to avoid overflow. */
    int64_t era = floor_div(days, DAYS_PER_ERA);
    int64_t doe = days - era * DAYS_PER_ERA + 719468;              /* [719468, 865564] */
    era += doe / DAYS_PER_ERA;
    doe %= DAYS_PER_ERA;                                            /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                               /* [0, 11] */
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (mm <= 2);
    *m = mm;
    *d = dd;
}

int64_t tn_unit_per_second(tn_time_unit unit)
{
    switch (unit) {
    case TN_UNIT_MS: return 1000;
    case TN_UNIT_US: return 1000000;
    case TN_UNIT_NS: return 1000000000;
    }
    return 1000000;
}

bool tn_time_convert(int64_t v, tn_time_unit from, tn_time_unit to, int64_t *out)
{
    int64_t f = tn_unit_per_second(from), t = tn_unit_per_second(to);
    if (f == t) {
        *out = v;
    } else if (t > f) {
        int64_t r;
        if (__builtin_mul_overflow(v, t / f, &r))
            return false;
        *out = r;
    } else {
        *out = floor_div(v, f / t);
    }
    return true;
}

/* ---- parsing ---- */

typedef struct cursor {
    const char *p, *end;
} cursor;

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void skip_blanks(cursor *c)
{
    while (c->p < c->end && is_blank(*c->p))
        c->p++;
}

static bool eat(cursor *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* Read between min and max digits; false if fewer than min. */
static bool digits(cursor *c, int min, int max, int64_t *out)
{
    int n = 0;
    int64_t v = 0;
    while (c->p < c->end && n < max && is_digit(*c->p)) {
        v = v * 10 + (*c->p - '0');
        c->p++;
        n++;
    }
    if (n < min)
        return false;
    *out = v;
    return true;
}

static bool parse_date_part(cursor *c, int64_t *days)
{
    bool neg = false;
    if (eat(c, '-'))
        neg = true;
    else
        eat(c, '+');
    int64_t y, mo, d;
    if (!digits(c, 1, 7, &y))
        return false;
    if (c->p < c->end && is_digit(*c->p))
        return false; /* more than 7 year digits */
    if (!eat(c, '-') || !digits(c, 1, 2, &mo) || !eat(c, '-') || !digits(c, 1, 2, &d))
        return false;
    if (c->p < c->end && is_digit(*c->p))
        return false;
    if (neg)
        y = -y;
    /* DuckDB's rendering of years <= 0: "0001-01-01 (BC)" is ISO year 0 */
    if (c->end - c->p >= 5 && memcmp(c->p, " (BC)", 5) == 0) {
        if (neg || y == 0)
            return false;
        c->p += 5;
        y = 1 - y;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > tn_days_in_month(y, (int)mo))
        return false;
    *days = tn_days_from_civil(y, (int)mo, (int)d);
    return true;
}

/* Time of day as nanoseconds since midnight. */
static bool parse_time_part(cursor *c, int64_t *nanos)
{
    int64_t h, mi, s = 0, frac = 0;
    if (!digits(c, 1, 2, &h) || !eat(c, ':') || !digits(c, 2, 2, &mi))
        return false;
    if (eat(c, ':')) {
        if (!digits(c, 2, 2, &s))
            return false;
        if (eat(c, '.')) {
            int n = 0;
            while (c->p < c->end && is_digit(*c->p)) {
                if (n < 9) {
                    frac = frac * 10 + (*c->p - '0');
                    n++;
                } else {
                    return false; /* more than 9 fractional digits */
                }
                c->p++;
            }
            if (n == 0)
                return false;
            for (; n < 9; n++)
                frac *= 10;
        }
    }
    if (c->p < c->end && is_digit(*c->p))
        return false;
    if (mi > 59 || s > 59)
        return false;
    if (h > 24 || (h == 24 && (mi || s || frac)))
        return false;
    *nanos = ((h * 60 + mi) * 60 + s) * 1000000000LL + frac;
    return true;
}

static bool nanos_to_unit(int64_t nanos, tn_time_unit unit, int64_t *out)
{
    return tn_time_convert(nanos, TN_UNIT_NS, unit, out);
}

bool tn_date_parse(const char *s, size_t n, int32_t *out)
{
    cursor c = {s, s + n};
    int64_t days;
    skip_blanks(&c);
    if (!parse_date_part(&c, &days))
        return false;
    skip_blanks(&c);
    if (c.p != c.end || days < INT32_MIN || days > INT32_MAX)
        return false;
    *out = (int32_t)days;
    return true;
}

bool tn_time_parse(const char *s, size_t n, tn_time_unit unit, int64_t *out)
{
    cursor c = {s, s + n};
    int64_t nanos;
    skip_blanks(&c);
    if (!parse_time_part(&c, &nanos))
        return false;
    skip_blanks(&c);
    if (c.p != c.end)
        return false;
    return nanos_to_unit(nanos, unit, out);
}

/* Optional zone suffix: Z, UTC, +HH, +HHMM, +HH:MM, +HH:MM:SS. Offset in seconds east of UTC. */
static bool parse_zone(cursor *c, int64_t *offset, bool *had)
{
    *offset = 0;
    *had = false;
    if (c->p == c->end)
        return true;
    if (eat(c, 'Z') || eat(c, 'z')) {
        *had = true;
        return true;
    }
    if (c->end - c->p >= 3 && (c->p[0] == 'U' || c->p[0] == 'u') && (c->p[1] == 'T' || c->p[1] == 't') &&
        (c->p[2] == 'C' || c->p[2] == 'c')) {
        c->p += 3;
        *had = true;
        return true;
    }
    int sign;
    if (eat(c, '+'))
        sign = 1;
    else if (eat(c, '-'))
        sign = -1;
    else
        return false;
    int64_t h, mi = 0, sec = 0;
    if (!digits(c, 1, 2, &h))
        return false;
    if (eat(c, ':')) {
        if (!digits(c, 2, 2, &mi))
            return false;
        if (eat(c, ':') && !digits(c, 2, 2, &sec))
            return false;
    } else if (c->p < c->end && is_digit(*c->p)) {
        if (!digits(c, 2, 2, &mi))
            return false;
    }
    if (h > 15 || mi > 59 || sec > 59)
        return false;
    *offset = sign * ((h * 60 + mi) * 60 + sec);
    *had = true;
    return true;
}

bool tn_timestamp_parse(const char *s, size_t n, tn_time_unit unit, int64_t *out, bool *had_tz)
{
    cursor c = {s, s + n};
    int64_t days, nanos = 0, offset = 0;
    bool tz = false;
    skip_blanks(&c);
    if (!parse_date_part(&c, &days))
        return false;
    if (c.p < c.end && (*c.p == 'T' || *c.p == 't' || *c.p == ' ')) {
        const char *save = c.p;
        c.p++;
        if (c.p < c.end && is_digit(*c.p)) {
            if (!parse_time_part(&c, &nanos))
                return false;
        } else {
            c.p = save;
        }
    }
    skip_blanks(&c);
    if (!parse_zone(&c, &offset, &tz))
        return false;
    skip_blanks(&c);
    if (c.p != c.end)
        return false;
    /* Combine in seconds + nanos, then scale with overflow checks. */
    if (days > INT64_MAX / SECS_PER_DAY || days < INT64_MIN / SECS_PER_DAY)
        return false;
    int64_t secs = days * SECS_PER_DAY - offset;
    int64_t ups = tn_unit_per_second(unit);
    int64_t sub = nanos;                 /* nanos since midnight */
    secs += sub / 1000000000LL;
    sub %= 1000000000LL;
    int64_t sub_u = sub / (1000000000LL / ups);
    int64_t v;
    if (__builtin_mul_overflow(secs, ups, &v) || __builtin_add_overflow(v, sub_u, &v))
        return false;
    *out = v;
    if (had_tz)
        *had_tz = tz;
    return true;
}
