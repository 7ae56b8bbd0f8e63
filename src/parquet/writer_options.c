/*
 * writer_options.c -- pq_write_options: defaults, validation, parsing of COPY option values by
 * name (pq_write_options_set), deep copies, and resolution of PARTITION_BY names.
 *
 * Ownership. Options are a plain struct copied by value, so their pointer fields may point at
 * caller memory. Whatever pq_write_options_set or pq_write_options_copy allocates (strings and
 * arrays of strings) lives in a chain of blocks hanging off o->owned and is released together by
 * pq_write_options_free. A plain struct copy shares that chain: deep-copy with
 * pq_write_options_copy whenever two owners must be able to free independently.
 *
 * Parsing never leaves *o half-updated: each option's new value is built completely (in fresh
 * blocks) before the fields are assigned. Replaced values stay in the chain until
 * pq_write_options_free; options are set a handful of times per statement.
 */
#include "writer_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void pq_write_options_default(pq_write_options *o)
{
    memset(o, 0, sizeof *o);
    o->codec = PQ_CODEC_SNAPPY;
    o->compression_level = 0;
    o->row_group_size = 122880;
    o->row_group_size_bytes = 0;
    o->page_version = 1;
    o->dictionary = true;
    o->dictionary_size_limit = 1u << 20;
    o->page_size = 1u << 20;
    o->created_by = NULL;
    o->parquet_version = 1;
    o->page_checksum = true;
    o->page_index = true;
    o->page_statistics = true;
    o->field_ids = false;
    o->bloom_filter_fpp = PQ_BLOOM_DEFAULT_FPP;
    o->max_open_files = 100;
}

int pqw_options_validate(const pq_write_options *o, tn_err *err)
{
    switch (o->codec) {
    case PQ_CODEC_LZ4: /* written as LZ4_RAW */
    case PQ_CODEC_UNCOMPRESSED:
    case PQ_CODEC_SNAPPY:
    case PQ_CODEC_GZIP:
    case PQ_CODEC_BROTLI:
    case PQ_CODEC_ZSTD:
    case PQ_CODEC_LZ4_RAW: break;
    default: return tn_err_set(err, TN_NOTSUP, "Parquet codec %d cannot be written", o->codec);
    }
    if (o->page_version != 1 && o->page_version != 2)
        return tn_err_set(err, TN_MISUSE, "Parquet data page version must be 1 or 2 (got %d)", o->page_version);
    if (o->parquet_version != 1 && o->parquet_version != 2)
        return tn_err_set(err, TN_MISUSE, "PARQUET_VERSION must be 1 or 2 (got %d)", o->parquet_version);
    if (o->row_group_size == 0)
        return tn_err_set(err, TN_MISUSE, "Parquet row_group_size must be positive");
    if (o->nbloom_filter_columns && !(o->bloom_filter_fpp > 0.0 && o->bloom_filter_fpp < 1.0))
        return tn_err_set(err, TN_MISUSE, "Bloom filter false-positive ratio must be between 0 and 1 (got %g)",
                          o->bloom_filter_fpp);
    if ((o->nbloom_filter_columns && !o->bloom_filter_columns) || (o->nkv && !o->kv_keys))
        return tn_err_set(err, TN_MISUSE, "Parquet writer options: list count without list");
    for (uint32_t i = 0; i < o->nkv; i++)
        if (!o->kv_keys[i])
            return tn_err_set(err, TN_MISUSE, "key/value metadata entry %u has no key", i);
    return TN_OK;
}

/* ======================= owned storage ======================= */

typedef struct optblock {
    struct optblock *next;
    max_align_t data[];
} optblock;

static void *opt_alloc(optblock **chain, size_t n)
{
    optblock *b = tn_malloc(sizeof *b + (n ? n : 1));
    if (!b)
        return NULL;
    b->next = *chain;
    *chain = b;
    return b->data;
}

static void chain_free(optblock *b)
{
    while (b) {
        optblock *n = b->next;
        tn_free(b);
        b = n;
    }
}

/* Append a new chain to o->owned. */
static void chain_adopt(pq_write_options *o, optblock *chain)
{
    if (!chain)
        return;
    optblock *last = chain;
    while (last->next)
        last = last->next;
    last->next = o->owned;
    o->owned = chain;
}

static char *opt_strndup(optblock **chain, const char *s, size_t n)
{
    char *p = opt_alloc(chain, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* Copy an array of n strings (entries may be NULL) into the chain. */
static const char *const *opt_strv(optblock **chain, const char *const *v, uint32_t n, bool *ok)
{
    *ok = true;
    if (!v || n == 0)
        return NULL;
    const char **out = opt_alloc(chain, (size_t)n * sizeof *out);
    if (!out) {
        *ok = false;
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        out[i] = NULL;
        if (v[i] && !(out[i] = opt_strndup(chain, v[i], strlen(v[i])))) {
            *ok = false;
            return NULL;
        }
    }
    return out;
}

void pq_write_options_free(pq_write_options *o)
{
    if (!o)
        return;
    chain_free(o->owned);
    pq_write_options_default(o);
}

int pq_write_options_copy(pq_write_options *dst, const pq_write_options *src, tn_err *err)
{
    optblock *chain = NULL;
    pq_write_options t = *src;
    t.owned = NULL;
    bool ok1, ok2, ok3, ok4, ok5;
    t.bloom_filter_columns = opt_strv(&chain, src->bloom_filter_columns, src->nbloom_filter_columns, &ok1);
    t.kv_keys = opt_strv(&chain, src->kv_keys, src->nkv, &ok2);
    t.kv_values = opt_strv(&chain, src->kv_values, src->nkv, &ok3);
    t.partition_by = opt_strv(&chain, src->partition_by, src->npartition_by, &ok4);
    ok5 = true;
    if (src->created_by && !(t.created_by = opt_strndup(&chain, src->created_by, strlen(src->created_by))))
        ok5 = false;
    if (!(ok1 && ok2 && ok3 && ok4 && ok5)) {
        chain_free(chain);
        pq_write_options_default(dst);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    *dst = t;
    dst->owned = chain;
    return TN_OK;
}

/* ======================= value parsing ======================= */

static bool is_int_type(tn_type t)
{
    return tn_type_is_integer(t) && t.id != TN_T_INT128;
}

/* The option's text, if it is a string. */
static const char *val_text(const tn_value *v)
{
    if (v && !v->is_null && (v->type.id == TN_T_VARCHAR || v->type.id == TN_T_BLOB) && v->v.str.ptr)
        return v->v.str.ptr;
    return NULL;
}

static bool parse_i64(const char *s, int64_t *out)
{
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || *end)
        return false;
    *out = x;
    return true;
}

static int opt_int(const char *name, const tn_value *v, int64_t *out, tn_err *err)
{
    const char *s = val_text(v);
    if (v && !v->is_null) {
        if (is_int_type(v->type)) {
            if (v->type.id == TN_T_UINT64 && v->v.u64 > INT64_MAX)
                return tn_err_set(err, TN_ERROR, "%s: value out of range", name);
            *out = v->v.i64;
            return TN_OK;
        }
        if (v->type.id == TN_T_DECIMAL && tn_decimal_is_small(v->type) && v->type.scale == 0) {
            *out = v->v.i64;
            return TN_OK;
        }
        if ((v->type.id == TN_T_DOUBLE || v->type.id == TN_T_FLOAT) && v->v.f64 == floor(v->v.f64) &&
            fabs(v->v.f64) < 9.2e18) {
            *out = (int64_t)v->v.f64;
            return TN_OK;
        }
        if (s && parse_i64(s, out))
            return TN_OK;
    }
    return tn_err_set(err, TN_ERROR, "%s expects an integer", name);
}

static int opt_double(const char *name, const tn_value *v, double *out, tn_err *err)
{
    if (v && !v->is_null) {
        if (v->type.id == TN_T_DOUBLE || v->type.id == TN_T_FLOAT) {
            *out = v->v.f64;
            return TN_OK;
        }
        if (is_int_type(v->type)) {
            *out = tn_type_is_signed(v->type) ? (double)v->v.i64 : (double)v->v.u64;
            return TN_OK;
        }
        if (v->type.id == TN_T_DECIMAL && tn_decimal_is_small(v->type)) {
            double d = (double)v->v.i64;
            for (int i = 0; i < v->type.scale; i++)
                d /= 10.0;
            *out = d;
            return TN_OK;
        }
        const char *s = val_text(v);
        if (s) {
            char *end;
            errno = 0;
            double d = strtod(s, &end);
            while (isspace((unsigned char)*end))
                end++;
            if (!errno && end != s && !*end) {
                *out = d;
                return TN_OK;
            }
        }
    }
    return tn_err_set(err, TN_ERROR, "%s expects a number", name);
}

static int opt_bool(const char *name, const tn_value *v, bool *out, tn_err *err)
{
    if (!v) { /* option given without a value */
        *out = true;
        return TN_OK;
    }
    if (!v->is_null) {
        if (v->type.id == TN_T_BOOL) {
            *out = v->v.b;
            return TN_OK;
        }
        if (is_int_type(v->type) && (v->v.i64 == 0 || v->v.i64 == 1)) {
            *out = v->v.i64 == 1;
            return TN_OK;
        }
        const char *s = val_text(v);
        static const char *const yes[] = {"true", "on", "1", "yes", "t"};
        static const char *const no[] = {"false", "off", "0", "no", "f"};
        for (size_t i = 0; s && i < TN_ARRAY_LEN(yes); i++) {
            if (strcasecmp(s, yes[i]) == 0) {
                *out = true;
                return TN_OK;
            }
            if (strcasecmp(s, no[i]) == 0) {
                *out = false;
                return TN_OK;
            }
        }
    }
    return tn_err_set(err, TN_ERROR, "%s expects a boolean", name);
}

static int opt_text(const char *name, const tn_value *v, const char **out, tn_err *err)
{
    if (!(*out = val_text(v)))
        return tn_err_set(err, TN_ERROR, "%s expects a string", name);
    return TN_OK;
}

/* "134217728", "128MB", "1 GiB" -> bytes. */
static bool parse_size(const char *s, uint64_t *out)
{
    while (isspace((unsigned char)*s))
        s++;
    if (*s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    size_t ul = strlen(end);
    while (ul && isspace((unsigned char)end[ul - 1]))
        ul--;
    static const struct { const char *u; uint64_t m; } units[] = {
        {"", 1}, {"B", 1}, {"KB", 1000ull}, {"MB", 1000000ull}, {"GB", 1000000000ull}, {"TB", 1000000000000ull},
        {"KIB", 1ull << 10}, {"MIB", 1ull << 20}, {"GIB", 1ull << 30}, {"TIB", 1ull << 40},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(units); i++) {
        if (strlen(units[i].u) == ul && strncasecmp(end, units[i].u, ul) == 0) {
            if (v > UINT64_MAX / units[i].m)
                return false;
            *out = v * units[i].m;
            return true;
        }
    }
    return false;
}

/* Trim spaces, then one pair of surrounding double quotes. */
static void trim(const char **p, size_t *n)
{
    const char *s = *p;
    size_t l = *n;
    while (l && isspace((unsigned char)*s)) {
        s++;
        l--;
    }
    while (l && isspace((unsigned char)s[l - 1]))
        l--;
    if (l >= 2 && s[0] == '"' && s[l - 1] == '"') {
        s++;
        l -= 2;
    }
    *p = s;
    *n = l;
}

/* Split a comma-separated list into items (and, with kv, "key=value" pairs). */
static int split_list(const char *name, const char *text, bool kv, optblock **chain, const char ***items,
                      const char ***values, uint32_t *n, tn_err *err)
{
    uint32_t cnt = 1;
    for (const char *p = text; *p; p++)
        cnt += *p == ',';
    const char **it = opt_alloc(chain, (size_t)cnt * sizeof *it);
    const char **va = kv ? opt_alloc(chain, (size_t)cnt * sizeof *va) : NULL;
    if (!it || (kv && !va))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    uint32_t k = 0;
    const char *p = text;
    if (strspn(text, " \t\r\n") == strlen(text)) { /* an empty list */
        *items = NULL;
        if (values)
            *values = NULL;
        *n = 0;
        return TN_OK;
    }
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *item = p;
        const char *eq = kv ? memchr(item, '=', len) : NULL;
        size_t klen = eq ? (size_t)(eq - item) : len;
        const char *key = item;
        trim(&key, &klen);
        if (klen == 0)
            return tn_err_set(err, TN_ERROR, "%s: empty item in \"%s\"", name, text);
        if (!(it[k] = opt_strndup(chain, key, klen)))
            return tn_err_set(err, TN_NOMEM, "out of memory");
        if (kv) {
            va[k] = NULL;
            if (eq) {
                const char *v = eq + 1;
                size_t vlen = (size_t)(item + len - v);
                trim(&v, &vlen);
                if (!(va[k] = opt_strndup(chain, v, vlen)))
                    return tn_err_set(err, TN_NOMEM, "out of memory");
            }
        }
        k++;
        if (!e)
            break;
        p = e + 1;
    }
    /* duplicates (case-insensitive for names, exact for keys) */
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t j = 0; j < i; j++)
            if (kv ? strcmp(it[i], it[j]) == 0 : strcasecmp(it[i], it[j]) == 0)
                return tn_err_set(err, TN_ERROR, "%s: \"%s\" is listed twice", name, it[i]);
    *items = it;
    if (values)
        *values = va;
    *n = k;
    return TN_OK;
}

static bool is(const char *name, const char *a) { return strcasecmp(name, a) == 0; }

int pq_write_options_set(pq_write_options *o, const char *name, const tn_value *value, tn_err *err)
{
    if (!o || !name)
        return tn_err_set(err, TN_MISUSE, "pq_write_options_set: missing argument");
    int64_t i = 0;
    double d = 0.0;
    bool b = false;
    const char *s = NULL;
    int rc;
    if (is(name, "FORMAT")) {
        if ((rc = opt_text(name, value, &s, err)))
            return rc;
        if (strcasecmp(s, "parquet") != 0)
            return tn_err_set(err, TN_NOTSUP, "COPY format \"%s\" is not supported (only parquet)", s);
    } else if (is(name, "COMPRESSION") || is(name, "CODEC")) {
        if ((rc = opt_text(name, value, &s, err)))
            return rc;
        int codec = pq_codec_from_name(s);
        if (codec < 0 || codec == PQ_CODEC_LZO)
            return tn_err_set(err, TN_ERROR,
                              "unsupported compression \"%s\" (use uncompressed, snappy, gzip, brotli, lz4, lz4_raw "
                              "or zstd)", s);
        o->codec = codec;
    } else if (is(name, "COMPRESSION_LEVEL")) {
        if ((rc = opt_int(name, value, &i, err)))
            return rc;
        if (i < -131072 || i > 131072)
            return tn_err_set(err, TN_ERROR, "COMPRESSION_LEVEL %lld is out of range", (long long)i);
        o->compression_level = (int)i;
    } else if (is(name, "ROW_GROUP_SIZE")) {
        if ((rc = opt_int(name, value, &i, err)))
            return rc;
        if (i <= 0)
            return tn_err_set(err, TN_ERROR, "ROW_GROUP_SIZE must be positive");
        o->row_group_size = (uint64_t)i;
    } else if (is(name, "ROW_GROUP_SIZE_BYTES")) {
        uint64_t bytes;
        if ((s = val_text(value)) != NULL) {
            if (!parse_size(s, &bytes))
                return tn_err_set(err, TN_ERROR, "invalid size \"%s\" for ROW_GROUP_SIZE_BYTES", s);
        } else {
            if ((rc = opt_int(name, value, &i, err)))
                return rc;
            bytes = (uint64_t)i;
            if (i <= 0)
                return tn_err_set(err, TN_ERROR, "ROW_GROUP_SIZE_BYTES must be positive");
        }
        if (bytes == 0)
            return tn_err_set(err, TN_ERROR, "ROW_GROUP_SIZE_BYTES must be positive");
        o->row_group_size_bytes = bytes;
    } else if (is(name, "DICTIONARY_SIZE_LIMIT")) {
        if ((rc = opt_int(name, value, &i, err)))
            return rc;
        if (i < 0 || i > UINT32_MAX)
            return tn_err_set(err, TN_ERROR, "DICTIONARY_SIZE_LIMIT %lld is out of range", (long long)i);
        o->dictionary_size_limit = (uint32_t)i;
        o->dictionary = i > 0;
    } else if (is(name, "PARQUET_VERSION")) {
        int ver = 0;
        if ((s = val_text(value)) != NULL) {
            if (is(s, "v1") || is(s, "1") || is(s, "1.0"))
                ver = 1;
            else if (is(s, "v2") || is(s, "2") || is(s, "2.0"))
                ver = 2;
        } else if (opt_int(name, value, &i, NULL) == TN_OK && (i == 1 || i == 2)) {
            ver = (int)i;
        }
        if (!ver)
            return tn_err_set(err, TN_ERROR, "PARQUET_VERSION must be V1 or V2");
        o->parquet_version = ver;
    } else if (is(name, "PAGE_CHECKSUM")) {
        if ((rc = opt_bool(name, value, &b, err)))
            return rc;
        o->page_checksum = b;
    } else if (is(name, "PAGE_INDEX") || is(name, "WRITE_PAGE_INDEX")) {
        if ((rc = opt_bool(name, value, &b, err)))
            return rc;
        o->page_index = b;
    } else if (is(name, "PAGE_STATISTICS")) {
        if ((rc = opt_bool(name, value, &b, err)))
            return rc;
        o->page_statistics = b;
    } else if (is(name, "FIELD_IDS")) {
        if ((s = val_text(value)) != NULL && is(s, "auto"))
            b = true;
        else if (s && is(s, "none"))
            b = false;
        else if ((rc = opt_bool(name, value, &b, err)))
            return rc;
        o->field_ids = b;
    } else if (is(name, "BLOOM_FILTER_FALSE_POSITIVE_RATIO") || is(name, "BLOOM_FILTER_FPP")) {
        if ((rc = opt_double(name, value, &d, err)))
            return rc;
        if (!(d > 0.0 && d < 1.0))
            return tn_err_set(err, TN_ERROR, "%s must be between 0 and 1 (exclusive)", name);
        o->bloom_filter_fpp = d;
    } else if (is(name, "PER_THREAD_OUTPUT")) {
        if ((rc = opt_bool(name, value, &b, err)))
            return rc;
        o->per_thread_output = b;
    } else if (is(name, "OVERWRITE_OR_IGNORE")) {
        if ((rc = opt_bool(name, value, &b, err)))
            return rc;
        o->overwrite_or_ignore = b;
    } else if (is(name, "PARTITIONED_WRITE_MAX_OPEN_FILES") || is(name, "MAX_OPEN_FILES")) {
        if ((rc = opt_int(name, value, &i, err)))
            return rc;
        if (i <= 0 || i > 100000)
            return tn_err_set(err, TN_ERROR, "%s must be between 1 and 100000", name);
        o->max_open_files = (uint32_t)i;
    } else if (is(name, "BLOOM_FILTER_COLUMNS") || is(name, "PARTITION_BY") || is(name, "KV_METADATA")) {
        if ((rc = opt_text(name, value, &s, err)))
            return rc;
        bool kv = is(name, "KV_METADATA");
        optblock *chain = NULL;
        const char **items = NULL, **vals = NULL;
        uint32_t n = 0;
        if ((rc = split_list(name, s, kv, &chain, &items, kv ? &vals : NULL, &n, err))) {
            chain_free(chain);
            return rc;
        }
        chain_adopt(o, chain);
        if (kv) {
            o->kv_keys = n ? items : NULL;
            o->kv_values = n ? vals : NULL;
            o->nkv = n;
        } else if (is(name, "PARTITION_BY")) {
            o->partition_by = n ? items : NULL;
            o->npartition_by = n;
        } else {
            o->bloom_filter_columns = n ? items : NULL;
            o->nbloom_filter_columns = n;
        }
    } else {
        return tn_err_set(err, TN_ERROR, "unrecognized COPY option \"%s\"", name);
    }
    return TN_OK;
}

int pq_write_options_partition_indexes(const pq_write_options *o, uint32_t ncols, const char *const *names,
                                       uint32_t *idx, tn_err *err)
{
    for (uint32_t k = 0; k < o->npartition_by; k++) {
        const char *p = o->partition_by[k];
        uint32_t i = 0;
        while (i < ncols && !(p && names[i] && strcasecmp(p, names[i]) == 0))
            i++;
        if (i == ncols)
            return tn_err_set(err, TN_ERROR, "PARTITION_BY: no column \"%s\" in the COPY output", p ? p : "(null)");
        for (uint32_t j = 0; j < k; j++)
            if (idx[j] == i)
                return tn_err_set(err, TN_ERROR, "PARTITION_BY: column \"%s\" is listed twice", p);
        idx[k] = i;
    }
    if (o->npartition_by && o->npartition_by >= ncols)
        return tn_err_set(err, TN_ERROR, "PARTITION_BY: every column is a partition column, nothing left to write");
    return TN_OK;
}
