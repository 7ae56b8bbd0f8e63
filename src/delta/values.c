/*
 * values.c -- typed values from the log's text: partition values (PROTOCOL.md "Partition Value
 * Serialization") and per-file statistics ("Per-file Statistics"), plus the reverse direction
 * for checkpoints that carry only typed columns (partitionValues_parsed, stats_parsed: "Checkpoint
 * Schema"), which are rendered back to the text forms so one code path serves both.
 *
 * Partition values: an empty string or null is NULL for every type; numbers are decimal text
 * (floats also "NaN"/"Infinity"); booleans "true"/"false"; dates YYYY-MM-DD; timestamps
 * "YYYY-MM-DD HH:MM:SS[.ffffff]" (no zone: read as UTC, the writer's zone being unknowable) or
 * ISO-8601 with a zone (normalised to UTC); timestamp_ntz the same without zone; binary is the
 * string's bytes (JSON already unescaped "\u0001"); strings as is. Decimals must be exact at the
 * column's scale (extra non-zero digits are corrupt) and fit the precision.
 *
 * Stats: numRecords, tightBounds (default true), minValues / maxValues / nullCount objects keyed by
 * physical column name. Only top-level primitive columns get min/max here; anything that does not
 * convert cleanly is dropped (stats are optional, never an error). Two safety rules keep bounds
 * valid: timestamp maxima are widened by 999 us (stats are truncated to milliseconds), and decimals
 * given as JSON reals are used only when the precision is <= 15 digits (beyond that a double may
 * not hold the written value exactly).
 */
#include "delta_int.h"
#include "../util/datetime.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- text -> numbers ---- */

static tn_i128 pow10_i128(int e)
{
    tn_i128 r = 1;
    for (int i = 0; i < e; i++)
        r *= 10;
    return r;
}

/* Exact decimal text ("-12.50", "1E+3", "1.5e-1") at scale `sc`, |value| < 10^p. */
static bool parse_decimal_text(const char *s, size_t n, int p, int sc, tn_i128 *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    /* collect significant digits and the position of the decimal point */
    char digs[128];
    int nd = 0, frac = 0;
    bool dot = false, any = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            any = true;
            if (nd == 0 && c == '0') { /* leading zero */
                if (dot)
                    frac++;
                continue;
            }
            if (nd >= (int)sizeof digs)
                return false;
            digs[nd++] = c;
            if (dot)
                frac++;
        } else if (c == '.' && !dot) {
            dot = true;
        } else {
            break;
        }
    }
    if (!any)
        return false;
    long ex = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        if (i >= n)
            return false;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            ex = ex * 10 + (s[i] - '0');
            if (ex > 1000)
                return false;
        }
        if (eneg)
            ex = -ex;
    }
    if (i != n)
        return false;
    /* value = digits * 10^(ex - frac); unscaled = digits * 10^(ex - frac + sc) */
    long shift = ex - frac + sc;
    /* drop trailing digits that fall below the scale: they must be zeros */
    while (shift < 0 && nd > 0) {
        if (digs[nd - 1] != '0')
            return false;
        nd--;
        shift++;
    }
    if (shift < 0)
        shift = 0; /* value is 0 */
    if (nd + shift > p)
        return nd == 0 ? (*out = 0, true) : false;
    tn_i128 v = 0;
    for (int k = 0; k < nd; k++)
        v = v * 10 + (digs[k] - '0');
    v *= pow10_i128((int)shift);
    *out = neg ? -v : v;
    return true;
}

static bool parse_i64_text(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i >= n)
        return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
        return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

static bool int_fits(tn_type t, int64_t v)
{
    switch (t.id) {
    case TN_T_INT8: return v >= INT8_MIN && v <= INT8_MAX;
    case TN_T_INT16: return v >= INT16_MIN && v <= INT16_MAX;
    case TN_T_INT32: return v >= INT32_MIN && v <= INT32_MAX;
    default: return true;
    }
}

static bool parse_double_text(const char *s, size_t n, double *out)
{
    char buf[128];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (strcmp(buf, "Infinity") == 0 || strcmp(buf, "+Infinity") == 0) {
        *out = INFINITY;
        return true;
    }
    if (strcmp(buf, "-Infinity") == 0) {
        *out = -INFINITY;
        return true;
    }
    char *e;
    double d = strtod(buf, &e);
    if (e == buf || *e)
        return false;
    *out = d;
    return true;
}

static int set_str(dlt_arena *a, tn_value *out, tn_type t, const char *p, size_t n)
{
    if (n > UINT32_MAX)
        return TN_CORRUPT;
    if (!a)
        return tn_value_set_string(out, t, p, (uint32_t)n);
    memset(out, 0, sizeof *out);
    out->type = t;
    out->v.str.ptr = dlt_arena_strndup(a, p, n);
    if (!out->v.str.ptr) {
        out->is_null = true;
        return TN_NOMEM;
    }
    out->v.str.len = (uint32_t)n;
    return TN_OK;
}

/* Typed value from text, shared by partition values and string-valued stats. Returns TN_OK,
 * TN_CORRUPT (not a value of the type), TN_NOTSUP (type without a text form) or TN_NOMEM. */
static int value_from_text(dlt_arena *a, tn_type t, const char *s, size_t n, tn_value *out)
{
    memset(out, 0, sizeof *out);
    out->type = t;
    switch (t.id) {
    case TN_T_NULL:
        out->is_null = true;
        return TN_OK;
    case TN_T_BOOL:
        if (n == 4 && strncasecmp(s, "true", 4) == 0)
            out->v.b = true;
        else if (n == 5 && strncasecmp(s, "false", 5) == 0)
            out->v.b = false;
        else
            return TN_CORRUPT;
        return TN_OK;
    case TN_T_INT8:
    case TN_T_INT16:
    case TN_T_INT32:
    case TN_T_INT64: {
        int64_t v;
        if (!parse_i64_text(s, n, &v) || !int_fits(t, v))
            return TN_CORRUPT;
        out->v.i64 = v;
        return TN_OK;
    }
    case TN_T_FLOAT:
    case TN_T_DOUBLE: {
        double d;
        if (!parse_double_text(s, n, &d))
            return TN_CORRUPT;
        out->v.f64 = t.id == TN_T_FLOAT ? (double)(float)d : d;
        return TN_OK;
    }
    case TN_T_DECIMAL: {
        tn_i128 v;
        if (!parse_decimal_text(s, n, t.precision, t.scale, &v))
            return TN_CORRUPT;
        if (tn_decimal_is_small(t))
            out->v.i64 = (int64_t)v;
        else
            out->v.i128 = v;
        return TN_OK;
    }
    case TN_T_DATE: {
        int32_t d;
        if (!tn_date_parse(s, n, &d))
            return TN_CORRUPT;
        out->v.i64 = d;
        return TN_OK;
    }
    case TN_T_TIMESTAMP: {
        int64_t v;
        if (!tn_timestamp_parse(s, n, (tn_time_unit)t.unit, &v, NULL))
            return TN_CORRUPT;
        out->v.i64 = v;
        return TN_OK;
    }
    case TN_T_VARCHAR:
    case TN_T_BLOB:
        return set_str(a, out, t, s, n) == TN_NOMEM ? TN_NOMEM : TN_OK;
    default:
        return TN_NOTSUP;
    }
}

int dlt_partition_value_parse(dlt_arena *a, tn_type t, const char *s, const char *col, tn_value *out, tn_err *err)
{
    if (!s || !*s) {
        *out = tn_value_null(t);
        return TN_OK;
    }
    size_t n = strlen(s);
    int rc = value_from_text(a, t, s, n, out);
    if (rc == TN_OK)
        return TN_OK;
    *out = tn_value_null(t);
    if (rc == TN_NOMEM)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    char tb[64];
    if (rc == TN_NOTSUP)
        return tn_err_set(err, TN_NOTSUP, "partition column \"%s\": type %s cannot be a partition column", col,
                          tn_type_name(t, tb, sizeof tb));
    return tn_err_set(err, TN_CORRUPT, "partition column \"%s\": value \"%.100s\" is not a valid %s", col, s,
                      tn_type_name(t, tb, sizeof tb));
}

/* ---- stats ---- */

static bool json_to_value(json_t *v, tn_type t, tn_value *out)
{
    memset(out, 0, sizeof *out);
    out->type = t;
    if (!v || json_is_null(v))
        return false;
    if (json_is_string(v)) {
        if (t.id == TN_T_BLOB)
            return false; /* binary stats are not defined */
        return value_from_text(NULL, t, json_string_value(v), json_string_length(v), out) == TN_OK;
    }
    switch (t.id) {
    case TN_T_BOOL:
        if (!json_is_boolean(v))
            return false;
        out->v.b = json_is_true(v);
        return true;
    case TN_T_INT8:
    case TN_T_INT16:
    case TN_T_INT32:
    case TN_T_INT64:
        if (!json_is_integer(v) || !int_fits(t, (int64_t)json_integer_value(v)))
            return false;
        out->v.i64 = (int64_t)json_integer_value(v);
        return true;
    case TN_T_FLOAT:
    case TN_T_DOUBLE: {
        if (!json_is_number(v))
            return false;
        double d = json_number_value(v);
        out->v.f64 = t.id == TN_T_FLOAT ? (double)(float)d : d;
        return true;
    }
    case TN_T_DECIMAL: {
        char buf[96];
        if (json_is_integer(v)) {
            snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        } else if (json_is_real(v) && t.precision <= 15) {
            double d = json_real_value(v);
            if (!isfinite(d) || fabs(d) >= 1e15)
                return false;
            snprintf(buf, sizeof buf, "%.*f", (int)t.scale, d);
        } else {
            return false;
        }
        tn_i128 u;
        if (!parse_decimal_text(buf, strlen(buf), t.precision, t.scale, &u))
            return false;
        if (tn_decimal_is_small(t))
            out->v.i64 = (int64_t)u;
        else
            out->v.i128 = u;
        return true;
    }
    default:
        return false;
    }
}

static bool is_primitive(tn_type t)
{
    return t.id != TN_T_STRUCT && t.id != TN_T_LIST && t.id != TN_T_MAP && t.id != TN_T_NULL;
}

int dlt_file_stats(const dlt_snapshot *s, const dlt_file *f, dlt_stats *out, tn_err *err)
{
    memset(out, 0, sizeof *out);
    out->num_records = -1;
    out->tight_bounds = true;
    const dlt_schema *sc = &s->metadata.schema;
    out->ncols = sc->nfields;
    out->cols = tn_calloc(sc->nfields ? sc->nfields : 1, sizeof *out->cols);
    if (!out->cols)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    for (uint32_t i = 0; i < sc->nfields; i++) {
        out->cols[i].null_count = -1;
        out->cols[i].min = tn_value_null(sc->fields[i].type);
        out->cols[i].max = tn_value_null(sc->fields[i].type);
    }
    if (!f->stats_json)
        return TN_OK;
    json_t *root = json_loads(f->stats_json, JSON_DECODE_ANY, NULL);
    if (!root || !json_is_object(root)) {
        json_decref(root);
        return TN_OK;
    }
    json_t *nr = json_object_get(root, "numRecords");
    if (json_is_integer(nr) && json_integer_value(nr) >= 0)
        out->num_records = (int64_t)json_integer_value(nr);
    json_t *tb = json_object_get(root, "tightBounds");
    if (json_is_boolean(tb))
        out->tight_bounds = json_is_true(tb);
    json_t *mins = json_object_get(root, "minValues"), *maxs = json_object_get(root, "maxValues");
    json_t *nulls = json_object_get(root, "nullCount");
    for (uint32_t i = 0; i < sc->nfields; i++) {
        const dlt_field *fd = &sc->fields[i];
        dlt_col_stats *cs = &out->cols[i];
        json_t *nc = json_is_object(nulls) ? json_object_get(nulls, fd->physical_name) : NULL;
        if (json_is_integer(nc) && json_integer_value(nc) >= 0)
            cs->null_count = (int64_t)json_integer_value(nc);
        if (!is_primitive(fd->type))
            continue;
        if (json_is_object(mins) && json_to_value(json_object_get(mins, fd->physical_name), fd->type, &cs->min))
            cs->has_min = true;
        else
            cs->min = tn_value_null(fd->type);
        if (json_is_object(maxs) && json_to_value(json_object_get(maxs, fd->physical_name), fd->type, &cs->max)) {
            cs->has_max = true;
            if (fd->type.id == TN_T_TIMESTAMP && cs->max.v.i64 <= INT64_MAX - 999)
                cs->max.v.i64 += 999; /* truncated to milliseconds: widen to a valid upper bound */
        } else {
            cs->max = tn_value_null(fd->type);
        }
    }
    out->valid = true;
    json_decref(root);
    return TN_OK;
}

int dlt_snapshot_file_stats(dlt_snapshot *s, uint64_t i, const dlt_stats **out, tn_err *err)
{
    *out = NULL;
    if (i >= s->nfiles)
        return tn_err_set(err, TN_MISUSE, "dlt_snapshot_file_stats: file %llu of %llu", (unsigned long long)i,
                          (unsigned long long)s->nfiles);
    dlt_stats **memo = __atomic_load_n(&s->stats_memo_, __ATOMIC_ACQUIRE);
    if (!memo) {
        dlt_stats **fresh = tn_calloc(s->nfiles, sizeof *fresh);
        if (!fresh)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        dlt_stats **expected = NULL;
        if (__atomic_compare_exchange_n(&s->stats_memo_, &expected, fresh, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            memo = fresh;
        } else {
            tn_free(fresh);
            memo = expected;
        }
    }
    dlt_stats *st = __atomic_load_n(&memo[i], __ATOMIC_ACQUIRE);
    if (!st) {
        dlt_stats *mine = tn_malloc(sizeof *mine);
        if (!mine)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        int rc = dlt_file_stats(s, &s->files[i], mine, err);
        if (rc) {
            tn_free(mine);
            return rc;
        }
        dlt_stats *expected = NULL;
        if (__atomic_compare_exchange_n(&memo[i], &expected, mine, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            st = mine;
        } else {
            dlt_stats_free(mine);
            tn_free(mine);
            st = expected;
        }
    }
    *out = st;
    return TN_OK;
}

void dlt_stats_free(dlt_stats *st)
{
    if (!st)
        return;
    for (uint32_t i = 0; st->cols && i < st->ncols; i++) {
        if (st->cols[i].has_min)
            tn_value_free(&st->cols[i].min);
        if (st->cols[i].has_max)
            tn_value_free(&st->cols[i].max);
    }
    tn_free(st->cols);
    st->cols = NULL;
    st->ncols = 0;
}

/* ---- typed -> text ---- */

static void put_i128(tn_sbuf *sb, tn_i128 v)
{
    char buf[48];
    int n = 0;
    bool neg = v < 0;
    tn_u128 u = neg ? (tn_u128)0 - (tn_u128)v : (tn_u128)v;
    do {
        buf[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (neg)
        tn_sbuf_putc(sb, '-');
    while (n)
        tn_sbuf_putc(sb, buf[--n]);
}

static void put_decimal(tn_sbuf *sb, tn_i128 v, int scale)
{
    if (scale == 0) {
        put_i128(sb, v);
        return;
    }
    bool neg = v < 0;
    tn_u128 u = neg ? (tn_u128)0 - (tn_u128)v : (tn_u128)v;
    char buf[64];
    int n = 0;
    while (n < scale || u) {
        buf[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
        if (n == scale)
            buf[n++] = '.';
    }
    if (buf[n - 1] == '.')
        buf[n++] = '0';
    if (neg)
        tn_sbuf_putc(sb, '-');
    while (n)
        tn_sbuf_putc(sb, buf[--n]);
}

static void put_date(tn_sbuf *sb, int64_t days)
{
    int64_t y;
    int m, d;
    tn_civil_from_days(days, &y, &m, &d);
    tn_sbuf_printf(sb, "%04lld-%02d-%02d", (long long)y, m, d);
}

/* Timestamp as ISO-8601 with microseconds; tz: 'T' separator and 'Z', else ' ' and no zone. */
static void put_timestamp(tn_sbuf *sb, int64_t v, tn_time_unit unit, bool tz)
{
    int64_t us;
    if (!tn_time_convert(v, unit, TN_UNIT_US, &us))
        us = v;
    int64_t days = us >= 0 ? us / 86400000000LL : -((-us + 86400000000LL - 1) / 86400000000LL);
    int64_t rem = us - days * 86400000000LL;
    put_date(sb, days);
    int64_t secs = rem / 1000000, frac = rem % 1000000;
    tn_sbuf_printf(sb, "%c%02d:%02d:%02d.%06lld%s", tz ? 'T' : ' ', (int)(secs / 3600), (int)(secs / 60 % 60),
                   (int)(secs % 60), (long long)frac, tz ? "Z" : "");
}

void dlt_value_to_partition_string(const tn_value *v, tn_sbuf *sb)
{
    switch (v->type.id) {
    case TN_T_BOOL:
        tn_sbuf_puts(sb, v->v.b ? "true" : "false");
        break;
    case TN_T_INT8:
    case TN_T_INT16:
    case TN_T_INT32:
    case TN_T_INT64:
        tn_sbuf_printf(sb, "%lld", (long long)v->v.i64);
        break;
    case TN_T_FLOAT:
    case TN_T_DOUBLE:
        if (isnan(v->v.f64))
            tn_sbuf_puts(sb, "NaN");
        else if (isinf(v->v.f64))
            tn_sbuf_puts(sb, v->v.f64 > 0 ? "Infinity" : "-Infinity");
        else
            tn_sbuf_printf(sb, "%.17g", v->v.f64);
        break;
    case TN_T_DECIMAL:
        put_decimal(sb, tn_decimal_is_small(v->type) ? (tn_i128)v->v.i64 : v->v.i128, v->type.scale);
        break;
    case TN_T_DATE:
        put_date(sb, v->v.i64);
        break;
    case TN_T_TIMESTAMP:
        put_timestamp(sb, v->v.i64, (tn_time_unit)v->type.unit, v->type.tz);
        break;
    case TN_T_VARCHAR:
    case TN_T_BLOB:
        tn_sbuf_append(sb, v->v.str.ptr, v->v.str.len);
        break;
    default:
        break;
    }
}

static void put_json_string(tn_sbuf *sb, const char *p, size_t n)
{
    tn_sbuf_putc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\') {
            tn_sbuf_putc(sb, '\\');
            tn_sbuf_putc(sb, (char)c);
        } else if (c < 0x20) {
            tn_sbuf_printf(sb, "\\u%04x", c);
        } else {
            tn_sbuf_putc(sb, (char)c);
        }
    }
    tn_sbuf_putc(sb, '"');
}

static bool row_valid(const tn_vector *v, uint32_t row)
{
    return !v->validity || tn_bit_get(v->validity, v->kind == TN_VEC_CONST ? 0 : row);
}

bool dlt_vector_row_to_json(const tn_vector *v, uint32_t row, tn_sbuf *sb, int depth)
{
    if (depth > DLT_MAX_JSON_DEPTH)
        return false;
    tn_type t = v->type;
    if (t.id == TN_T_STRUCT || t.id == TN_T_LIST || t.id == TN_T_MAP) {
        if (v->kind != TN_VEC_FLAT)
            return false;
        if (!row_valid(v, row)) {
            tn_sbuf_puts(sb, "null");
            return true;
        }
        if (t.id == TN_T_STRUCT) {
            tn_sbuf_putc(sb, '{');
            for (uint32_t i = 0; i < v->nchildren && t.nested && i < (uint32_t)t.nested->nchildren; i++) {
                if (i)
                    tn_sbuf_putc(sb, ',');
                const char *nm = t.nested->names ? t.nested->names[i] : "";
                put_json_string(sb, nm, strlen(nm));
                tn_sbuf_putc(sb, ':');
                if (!dlt_vector_row_to_json(v->children[i], row, sb, depth + 1))
                    return false;
            }
            tn_sbuf_putc(sb, '}');
            return true;
        }
        if (v->nchildren < 1)
            return false;
        const tn_list_entry *le = &((const tn_list_entry *)v->data)[row];
        const tn_vector *el = v->children[0];
        if (le->offset > UINT32_MAX || le->length > UINT32_MAX || le->offset + le->length > el->capacity)
            return false;
        if (t.id == TN_T_LIST) {
            tn_sbuf_putc(sb, '[');
            for (uint64_t k = 0; k < le->length; k++) {
                if (k)
                    tn_sbuf_putc(sb, ',');
                if (!dlt_vector_row_to_json(el, (uint32_t)(le->offset + k), sb, depth + 1))
                    return false;
            }
            tn_sbuf_putc(sb, ']');
            return true;
        }
        /* MAP: element is STRUCT{key, value}; keys rendered as JSON strings */
        if (el->nchildren < 2)
            return false;
        tn_sbuf_putc(sb, '{');
        for (uint64_t k = 0; k < le->length; k++) {
            uint32_t r = (uint32_t)(le->offset + k);
            if (k)
                tn_sbuf_putc(sb, ',');
            tn_value key;
            if (tn_value_from_vector(&key, el->children[0], r))
                return false;
            tn_sbuf sk = TN_SBUF_INIT;
            if (!key.is_null)
                dlt_value_to_partition_string(&key, &sk);
            tn_value_free(&key);
            put_json_string(sb, tn_sbuf_str(&sk), sk.len);
            tn_sbuf_free(&sk);
            tn_sbuf_putc(sb, ':');
            if (!dlt_vector_row_to_json(el->children[1], r, sb, depth + 1))
                return false;
        }
        tn_sbuf_putc(sb, '}');
        return true;
    }
    tn_value val;
    if (tn_value_from_vector(&val, v, row))
        return false;
    bool ok = true;
    if (val.is_null) {
        tn_sbuf_puts(sb, "null");
    } else {
        switch (t.id) {
        case TN_T_BOOL:
        case TN_T_INT8:
        case TN_T_INT16:
        case TN_T_INT32:
        case TN_T_INT64:
            dlt_value_to_partition_string(&val, sb);
            break;
        case TN_T_FLOAT:
        case TN_T_DOUBLE:
            if (isfinite(val.v.f64))
                tn_sbuf_printf(sb, "%.17g", val.v.f64);
            else
                tn_sbuf_puts(sb, "null");
            break;
        case TN_T_DECIMAL: {
            /* as a JSON string: keeps every digit (the stats parser reads decimal text exactly) */
            tn_sbuf tmp = TN_SBUF_INIT;
            dlt_value_to_partition_string(&val, &tmp);
            put_json_string(sb, tn_sbuf_str(&tmp), tmp.len);
            tn_sbuf_free(&tmp);
            break;
        }
        case TN_T_DATE:
        case TN_T_TIMESTAMP:
        case TN_T_VARCHAR: {
            tn_sbuf tmp = TN_SBUF_INIT;
            dlt_value_to_partition_string(&val, &tmp);
            put_json_string(sb, tn_sbuf_str(&tmp), tmp.len);
            tn_sbuf_free(&tmp);
            break;
        }
        default:
            tn_sbuf_puts(sb, "null");
            break;
        }
    }
    tn_value_free(&val);
    return ok;
}
