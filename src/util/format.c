/*
 * format.c -- text rendering of tarn values (format.h), the single source of how values look in
 * the shell, in tarn_batch_text and in CAST(x AS VARCHAR).
 *
 * Rules (DuckDB-compatible where DuckDB has a rule; our choices documented where it does not):
 *  - DOUBLE: the shortest decimal digit string that reads back (strtod) to exactly the same double;
 *    found by binary search over %.Ne precisions 1..17 (round-tripping is monotone in the digit
 *    count, so the first precision that round-trips is the shortest). Layout as Python's repr and
 *    DuckDB: with decimal exponent e (d.ddd x 10^e), -4 <= e < 16 prints positional notation and
 *    integral values get ".0" (123456789.0, 0.0001, 1000000000000000.0); otherwise scientific
 *    with at least two exponent digits (1e+16, 1e+20, 1e-05, 1.5e-07). NaN "nan", infinities
 *    "inf"/"-inf", negative zero "-0.0".
 *  - FLOAT: the same with precisions 1..9 checked with strtof (0.1f prints "0.1").
 *  - DECIMAL: exact, exactly `scale` fractional digits, "0." prefix for |x| < 1 ("-0.05").
 *  - DATE: YYYY-MM-DD with at least four year digits; years > 9999 use more digits. Years <= 0
 *    are printed as DuckDB does, counting BC years: ISO year 0 is "0001-01-01 (BC)", ISO -1 is
 *    "0002-... (BC)" (format.h's "-0001" example predates this choice; the parser in datetime.c
 *    reads both forms back). Timestamps put the time after the suffix: "0001-01-01 (BC) 10:00:00".
 *  - TIME: HH:MM:SS, then '.' and the fraction (3/6/9 digits for ms/us/ns) with trailing zeros
 *    trimmed; omitted when zero. TIMESTAMP: date ' ' time; TIMESTAMPTZ appends "+00" (UTC).
 *  - INTERVAL: "N year(s) N month(s) N day(s) [-]HH:MM:SS[.frac]"; zero parts omitted, the time
 *    part shown when non-zero or when everything is zero ("00:00:00").
 *  - UUID: lowercase 8-4-4-4-12 from the 16 stored (big-endian) bytes.
 *  - BLOB: bytes 0x20..0x7E other than backslash and quotes as is, every other byte "\xNN"
 *    (uppercase hex), like DuckDB.
 *  - LIST "[a, b]", STRUCT "{'f': v}", MAP "{k=v}"; NULL elements "NULL". Inside nested values a
 *    scalar's text is quoted as DuckDB 1.5 does: when it is empty, equals "null" in any case,
 *    starts or ends with whitespace, or contains one of , ' " [ ] { } : = ( ) -- then it is
 *    written in single quotes with \ and ' escaped by a backslash ('it\'s'). This applies to the
 *    text of every scalar type (so times and timestamps, which contain ':', are quoted). Struct
 *    field names are always quoted (same escapes). Top-level values are never quoted.
 */
#include "format.h"
#include "datetime.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char g_hex_lower[] = "0123456789abcdef";
static const char g_hex_upper[] = "0123456789ABCDEF";

/* ---- integers ---- */

/* Write the decimal digits of v into the end of buf (buf has room for 40 digits); returns the
 * start pointer. */
static char *u128_digits(tn_u128 v, char *end)
{
    char *p = end;
    if (v == 0) {
        *--p = '0';
        return p;
    }
    const uint64_t chunk = 10000000000000000000ULL; /* 10^19 */
    while (v > 0) {
        uint64_t part = (uint64_t)(v % chunk);
        v /= chunk;
        int n = 0;
        while (part > 0 || (v > 0 && n < 19)) {
            *--p = (char)('0' + part % 10);
            part /= 10;
            n++;
        }
    }
    return p;
}

void tn_format_u128(tn_sbuf *out, tn_u128 v)
{
    char buf[48];
    char *end = buf + sizeof buf;
    char *p = u128_digits(v, end);
    tn_sbuf_append(out, p, (size_t)(end - p));
}

void tn_format_i128(tn_sbuf *out, tn_i128 v)
{
    char buf[48];
    char *end = buf + sizeof buf;
    tn_u128 mag = v < 0 ? (tn_u128)0 - (tn_u128)v : (tn_u128)v;
    char *p = u128_digits(mag, end);
    if (v < 0)
        *--p = '-';
    tn_sbuf_append(out, p, (size_t)(end - p));
}

static void format_i64(tn_sbuf *out, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    tn_sbuf_append(out, buf, (size_t)n);
}

static void format_u64(tn_sbuf *out, uint64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    tn_sbuf_append(out, buf, (size_t)n);
}

void tn_format_decimal(tn_sbuf *out, tn_i128 unscaled, int scale)
{
    char buf[48];
    char *end = buf + sizeof buf;
    tn_u128 mag = unscaled < 0 ? (tn_u128)0 - (tn_u128)unscaled : (tn_u128)unscaled;
    char *p = u128_digits(mag, end);
    if (scale < 0)
        scale = 0;
    if (scale > 38)
        scale = 38;
    size_t nd = (size_t)(end - p);
    if (unscaled < 0)
        tn_sbuf_putc(out, '-');
    if (scale == 0) {
        tn_sbuf_append(out, p, nd);
        return;
    }
    if (nd <= (size_t)scale) {
        tn_sbuf_putc(out, '0');
        tn_sbuf_putc(out, '.');
        for (size_t i = nd; i < (size_t)scale; i++)
            tn_sbuf_putc(out, '0');
        tn_sbuf_append(out, p, nd);
    } else {
        tn_sbuf_append(out, p, nd - (size_t)scale);
        tn_sbuf_putc(out, '.');
        tn_sbuf_append(out, p + nd - (size_t)scale, (size_t)scale);
    }
}

/* ---- floating point ---- */

static bool roundtrips(const char *buf, double d, bool is_float)
{
    if (is_float)
        return strtof(buf, NULL) == (float)d;
    return strtod(buf, NULL) == d;
}

static void format_real(tn_sbuf *out, double d, bool is_float)
{
    if (isnan(d)) {
        tn_sbuf_puts(out, "nan");
        return;
    }
    if (isinf(d)) {
        tn_sbuf_puts(out, d < 0 ? "-inf" : "inf");
        return;
    }
    if (d == 0) {
        tn_sbuf_puts(out, signbit(d) ? "-0.0" : "0.0");
        return;
    }
    char buf[40];
    int lo = 1, hi = is_float ? 9 : 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(buf, sizeof buf, "%.*e", mid - 1, d);
        if (roundtrips(buf, d, is_float))
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(buf, sizeof buf, "%.*e", lo - 1, d);
    /* buf: [-]D[.DDD]e(+|-)XX */
    const char *p = buf;
    bool neg = false;
    if (*p == '-') {
        neg = true;
        p++;
    }
    char dig[24];
    int nd = 0;
    while (*p && *p != 'e') {
        if (*p != '.' && nd < (int)sizeof dig - 1)
            dig[nd++] = *p;
        p++;
    }
    int e = *p == 'e' ? atoi(p + 1) : 0;
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    if (neg)
        tn_sbuf_putc(out, '-');
    if (e >= -4 && e < 16) {
        int point = e + 1; /* digits before the decimal point */
        if (point <= 0) {
            tn_sbuf_puts(out, "0.");
            for (int i = 0; i < -point; i++)
                tn_sbuf_putc(out, '0');
            tn_sbuf_append(out, dig, (size_t)nd);
        } else if (point >= nd) {
            tn_sbuf_append(out, dig, (size_t)nd);
            for (int i = nd; i < point; i++)
                tn_sbuf_putc(out, '0');
            tn_sbuf_puts(out, ".0");
        } else {
            tn_sbuf_append(out, dig, (size_t)point);
            tn_sbuf_putc(out, '.');
            tn_sbuf_append(out, dig + point, (size_t)(nd - point));
        }
    } else {
        tn_sbuf_putc(out, dig[0]);
        if (nd > 1) {
            tn_sbuf_putc(out, '.');
            tn_sbuf_append(out, dig + 1, (size_t)(nd - 1));
        }
        tn_sbuf_printf(out, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
}

void tn_format_double(tn_sbuf *out, double d) { format_real(out, d, false); }
void tn_format_float(tn_sbuf *out, float f) { format_real(out, (double)f, true); }

/* ---- date / time ---- */

static int64_t floor_div64(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static void format_civil(tn_sbuf *out, int64_t days)
{
    int64_t y;
    int m, d;
    tn_civil_from_days(days, &y, &m, &d);
    char buf[48];
    int n;
    if (y <= 0) /* DuckDB: ISO year 0 is 1 BC, -1 is 2 BC, ... */
        n = snprintf(buf, sizeof buf, "%04lld-%02d-%02d (BC)", (long long)(1 - y), m, d);
    else
        n = snprintf(buf, sizeof buf, "%04lld-%02d-%02d", (long long)y, m, d);
    tn_sbuf_append(out, buf, (size_t)n);
}

void tn_format_date(tn_sbuf *out, int32_t days) { format_civil(out, days); }

static int unit_digits(tn_time_unit unit)
{
    return unit == TN_UNIT_MS ? 3 : unit == TN_UNIT_NS ? 9 : 6;
}

/* HH:MM:SS[.frac] of a non-negative count of units since midnight (hours may exceed 23). */
static void format_clock(tn_sbuf *out, uint64_t v, tn_time_unit unit)
{
    uint64_t ups = (uint64_t)tn_unit_per_second(unit);
    uint64_t secs = v / ups, frac = v % ups;
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu", (unsigned long long)(secs / 3600),
                     (unsigned long long)(secs / 60 % 60), (unsigned long long)(secs % 60));
    if (frac) {
        int w = unit_digits(unit);
        n += snprintf(buf + n, sizeof buf - (size_t)n, ".%0*llu", w, (unsigned long long)frac);
        while (buf[n - 1] == '0')
            n--;
    }
    tn_sbuf_append(out, buf, (size_t)n);
}

void tn_format_time(tn_sbuf *out, int64_t v, tn_time_unit unit)
{
    if (v < 0) {
        tn_sbuf_putc(out, '-');
        format_clock(out, (uint64_t)0 - (uint64_t)v, unit);
        return;
    }
    format_clock(out, (uint64_t)v, unit);
}

void tn_format_timestamp(tn_sbuf *out, int64_t v, tn_time_unit unit, bool tz)
{
    int64_t upd = tn_unit_per_second(unit) * 86400;
    int64_t days = floor_div64(v, upd);
    int64_t rem = v % upd; /* days * upd may overflow near INT64_MIN; the remainder cannot */
    if (rem < 0)
        rem += upd;
    format_civil(out, days);
    tn_sbuf_putc(out, ' ');
    format_clock(out, (uint64_t)rem, unit);
    if (tz)
        tn_sbuf_puts(out, "+00");
}

static void format_interval(tn_sbuf *out, const tn_interval *iv)
{
    bool any = false;
    int32_t years = iv->months / 12, months = iv->months % 12;
    if (years) {
        tn_sbuf_printf(out, "%d year%s", years, (years == 1 || years == -1) ? "" : "s");
        any = true;
    }
    if (months) {
        tn_sbuf_printf(out, "%s%d month%s", any ? " " : "", months,
                       (months == 1 || months == -1) ? "" : "s");
        any = true;
    }
    if (iv->days) {
        tn_sbuf_printf(out, "%s%d day%s", any ? " " : "", iv->days,
                       (iv->days == 1 || iv->days == -1) ? "" : "s");
        any = true;
    }
    if (iv->micros || !any) {
        if (any)
            tn_sbuf_putc(out, ' ');
        tn_format_time(out, iv->micros, TN_UNIT_US);
    }
}

static void format_uuid(tn_sbuf *out, const uint8_t *b)
{
    char buf[37];
    int n = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buf[n++] = '-';
        buf[n++] = g_hex_lower[b[i] >> 4];
        buf[n++] = g_hex_lower[b[i] & 15];
    }
    tn_sbuf_append(out, buf, (size_t)n);
}

static void format_blob(tn_sbuf *out, const unsigned char *p, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c >= 0x20 && c <= 0x7E && c != '\\' && c != '\'' && c != '"')
            continue;
        tn_sbuf_append(out, (const char *)p + run, i - run);
        char esc[4] = {'\\', 'x', g_hex_upper[c >> 4], g_hex_upper[c & 15]};
        tn_sbuf_append(out, esc, 4);
        run = i + 1;
    }
    tn_sbuf_append(out, (const char *)p + run, n - run);
}

void tn_format_value(tn_sbuf *out, tn_type t, const void *value)
{
    switch ((tn_type_id)t.id) {
    case TN_T_NULL: tn_sbuf_puts(out, "NULL"); break;
    case TN_T_BOOL: tn_sbuf_puts(out, *(const uint8_t *)value ? "true" : "false"); break;
    case TN_T_INT8: format_i64(out, *(const int8_t *)value); break;
    case TN_T_INT16: format_i64(out, *(const int16_t *)value); break;
    case TN_T_INT32: format_i64(out, *(const int32_t *)value); break;
    case TN_T_INT64: format_i64(out, *(const int64_t *)value); break;
    case TN_T_UINT8: format_u64(out, *(const uint8_t *)value); break;
    case TN_T_UINT16: format_u64(out, *(const uint16_t *)value); break;
    case TN_T_UINT32: format_u64(out, *(const uint32_t *)value); break;
    case TN_T_UINT64: format_u64(out, *(const uint64_t *)value); break;
    case TN_T_INT128: {
        tn_i128 v;
        memcpy(&v, value, sizeof v);
        tn_format_i128(out, v);
        break;
    }
    case TN_T_FLOAT: tn_format_float(out, *(const float *)value); break;
    case TN_T_DOUBLE: tn_format_double(out, *(const double *)value); break;
    case TN_T_DECIMAL:
        if (tn_decimal_is_small(t)) {
            tn_format_decimal(out, *(const int64_t *)value, t.scale);
        } else {
            tn_i128 v;
            memcpy(&v, value, sizeof v);
            tn_format_decimal(out, v, t.scale);
        }
        break;
    case TN_T_DATE: tn_format_date(out, *(const int32_t *)value); break;
    case TN_T_TIME: tn_format_time(out, *(const int64_t *)value, (tn_time_unit)t.unit); break;
    case TN_T_TIMESTAMP:
        tn_format_timestamp(out, *(const int64_t *)value, (tn_time_unit)t.unit, t.tz != 0);
        break;
    case TN_T_INTERVAL: format_interval(out, (const tn_interval *)value); break;
    case TN_T_VARCHAR: {
        const tn_str *s = value;
        tn_sbuf_append(out, tn_str_data(s), s->len);
        break;
    }
    case TN_T_BLOB: {
        const tn_str *s = value;
        format_blob(out, (const unsigned char *)tn_str_data(s), s->len);
        break;
    }
    case TN_T_UUID: format_uuid(out, (const uint8_t *)value); break;
    case TN_T_LIST:
    case TN_T_MAP:
    case TN_T_STRUCT:
        /* nested values need their child vectors: see tn_format_vector_row */
        tn_sbuf_puts(out, "?");
        break;
    case TN_T_INVALID:
    case TN_T__COUNT: tn_sbuf_puts(out, "?"); break;
    }
}

/* Physical index of row `row` in v's data, or UINT32_MAX... (NULL rows reported via *valid). */
static uint32_t row_index(const tn_vector *v, uint32_t row, bool *valid)
{
    uint32_t idx;
    switch (v->kind) {
    case TN_VEC_CONST:
        *valid = !v->validity || tn_bit_get(v->validity, 0);
        return 0;
    case TN_VEC_DICT:
        *valid = !v->validity || tn_bit_get(v->validity, row);
        idx = ((const uint32_t *)v->data)[row];
        if (*valid && v->dict && v->dict->validity && !tn_bit_get(v->dict->validity, idx))
            *valid = false;
        return idx;
    default:
        *valid = !v->validity || tn_bit_get(v->validity, row);
        return row;
    }
}

static void format_row(tn_sbuf *out, const tn_vector *v, uint32_t row, int depth);

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* Does the text of a scalar inside a nested value need quotes (see the header)? */
static bool needs_quotes(const char *p, size_t n)
{
    if (n == 0 || is_space(p[0]) || is_space(p[n - 1]))
        return true;
    if (n == 4 && (p[0] | 0x20) == 'n' && (p[1] | 0x20) == 'u' && (p[2] | 0x20) == 'l' && (p[3] | 0x20) == 'l')
        return true;
    for (size_t i = 0; i < n; i++) {
        switch (p[i]) {
        case ',': case '\'': case '"': case '[': case ']': case '{': case '}': case ':': case '=': case '(': case ')':
            return true;
        default: break;
        }
    }
    return false;
}

/* Append p[0..n) in single quotes, escaping \ and ' with a backslash. */
static void append_quoted(tn_sbuf *out, const char *p, size_t n)
{
    tn_sbuf_putc(out, '\'');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\'' && p[i] != '\\')
            continue;
        tn_sbuf_append(out, p + run, i - run);
        tn_sbuf_putc(out, '\\');
        tn_sbuf_putc(out, p[i]);
        run = i + 1;
    }
    tn_sbuf_append(out, p + run, n - run);
    tn_sbuf_putc(out, '\'');
}

/* A scalar inside a nested value: its text, quoted when needed. The text is rendered in place at
 * the end of out, then moved into quotes if necessary (no allocation in the common case). */
static void format_nested_scalar(tn_sbuf *out, tn_type t, const void *value)
{
    size_t start = out->len;
    tn_format_value(out, t, value);
    if (out->oom || !out->buf)
        return;
    size_t n = out->len - start;
    if (!needs_quotes(out->buf + start, n))
        return;
    char small[128];
    char *tmp = n <= sizeof small ? small : tn_malloc(n);
    if (!tmp) {
        out->oom = true;
        return;
    }
    memcpy(tmp, out->buf + start, n);
    out->len = start;
    out->buf[start] = 0;
    append_quoted(out, tmp, n);
    if (tmp != small)
        tn_free(tmp);
}

static void format_nested_elem(tn_sbuf *out, const tn_vector *child, uint64_t row, int depth)
{
    if (!child || row > UINT32_MAX) {
        tn_sbuf_puts(out, "?");
        return;
    }
    format_row(out, child, (uint32_t)row, depth + 1);
}

static void format_row(tn_sbuf *out, const tn_vector *v, uint32_t row, int depth)
{
    bool valid;
    uint32_t idx = row_index(v, row, &valid);
    if (!valid) {
        tn_sbuf_puts(out, "NULL");
        return;
    }
    const tn_vector *src = v->kind == TN_VEC_DICT ? v->dict : v;
    if (!src) {
        tn_sbuf_puts(out, "?");
        return;
    }
    if (depth > 64) {
        tn_sbuf_puts(out, "...");
        return;
    }
    switch ((tn_type_id)v->type.id) {
    case TN_T_LIST:
    case TN_T_MAP: {
        const tn_list_entry *e = (const tn_list_entry *)src->data + idx;
        const tn_vector *child = src->nchildren > 0 ? src->children[0] : NULL;
        bool is_map = v->type.id == TN_T_MAP;
        tn_sbuf_putc(out, is_map ? '{' : '[');
        for (uint64_t i = 0; i < e->length; i++) {
            if (i)
                tn_sbuf_puts(out, ", ");
            if (is_map && child && child->nchildren >= 2) {
                format_nested_elem(out, child->children[0], e->offset + i, depth);
                tn_sbuf_putc(out, '=');
                format_nested_elem(out, child->children[1], e->offset + i, depth);
            } else {
                format_nested_elem(out, child, e->offset + i, depth);
            }
        }
        tn_sbuf_putc(out, is_map ? '}' : ']');
        break;
    }
    case TN_T_STRUCT: {
        const tn_nested *nt = v->type.nested;
        tn_sbuf_putc(out, '{');
        for (uint32_t i = 0; i < src->nchildren; i++) {
            if (i)
                tn_sbuf_puts(out, ", ");
            const char *name = (nt && nt->names && (int)i < nt->nchildren) ? nt->names[i] : "";
            append_quoted(out, name, strlen(name));
            tn_sbuf_puts(out, ": ");
            format_nested_elem(out, src->children[i], idx, depth);
        }
        tn_sbuf_putc(out, '}');
        break;
    }
    default: {
        const void *value = (const char *)src->data + (size_t)idx * tn_type_width(v->type);
        if (depth > 0)
            format_nested_scalar(out, v->type, value);
        else
            tn_format_value(out, v->type, value);
        break;
    }
    }
}

bool tn_format_vector_row(tn_sbuf *out, const tn_vector *v, uint32_t row)
{
    bool valid;
    row_index(v, row, &valid);
    if (!valid)
        return false;
    format_row(out, v, row, 0);
    return true;
}
