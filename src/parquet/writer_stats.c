/*
 * writer_stats.c -- column chunk statistics for the Parquet writer (parquet.thrift Statistics and
 * ColumnOrder; parquet-format-summary.md §9).
 *
 * Rules implemented:
 *  - min_value/max_value follow TYPE_DEFINED_ORDER for the column's logical type: signed integers
 *    (INT8..INT64, DATE, TIME, TIMESTAMP, DECIMAL on INT32/INT64) compare signed; UINT8..UINT64
 *    compare unsigned; strings, blobs and UUIDs compare byte-wise unsigned (memcmp); DECIMAL on
 *    FIXED_LEN_BYTE_ARRAY compares as a signed big-endian number; BOOLEAN false < true.
 *  - FLOAT/DOUBLE: NaNs are left out of min/max and counted in nan_count (always written); if
 *    every non-NULL value is NaN no min/max is written; a zero min is written as -0.0 and a zero
 *    max as +0.0 (parquet.thrift ColumnOrder, TYPE_ORDER writer rules).
 *  - Byte-array bounds longer than PQW_STATS_MAX bytes are truncated: the min to a prefix, the max
 *    to a prefix whose last byte (or, for UTF-8 text, last character) is incremented so the bound
 *    stays an upper bound and valid text; is_min/max_value_exact say whether a bound is exact.
 *    If no shorter upper bound exists (the prefix is all 0xFF / U+10FFFF) the exact max is kept.
 *  - null_count is always written. The deprecated min/max fields are written only for orders
 *    that are signed (INT32/INT64 signed and FLOAT/DOUBLE), as older readers expect.
 * Values are PLAIN-encoded without a length prefix (little-endian numbers, raw bytes).
 * Statistics are accumulated per page (pqw_col.pst: the page header's Statistics and the page's
 * ColumnIndex entry, which share pqw_stats_bounds) and merged into the column chunk's
 * (pqw_stats_merge). pqw_bounds_cmp orders written bounds for the ColumnIndex boundary_order.
 */
#include "writer_int.h"

#include <math.h>
#include <string.h>

void pqw_stats_reset(pqw_stats *s)
{
    s->has = false;
    s->null_count = 0;
    s->nan_count = 0;
    memset(&s->min, 0, sizeof s->min);
    memset(&s->max, 0, sizeof s->max);
    s->bmin.len = 0;
    s->bmax.len = 0;
}

void pqw_stats_free(pqw_stats *s)
{
    pq_bytes_free(&s->bmin);
    pq_bytes_free(&s->bmax);
}

static int set_bytes(pq_bytes *b, const void *p, size_t n)
{
    b->len = 0;
    return pq_bytes_append(b, p, n);
}

/* memcmp order with the shorter string first on a common prefix. */
static inline int cmp_bytes(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return na < nb ? -1 : na > nb;
}

/* Signed big-endian two's complement of equal width: flip the sign bit of the first byte. */
static inline int cmp_dec_be(const uint8_t *a, const uint8_t *b, size_t w)
{
    uint8_t fa = a[0] ^ 0x80, fb = b[0] ^ 0x80;
    if (fa != fb)
        return fa < fb ? -1 : 1;
    return w > 1 ? memcmp(a + 1, b + 1, w - 1) : 0;
}

#define MINMAX_LOOP(T, field)                                                     \
    do {                                                                          \
        const T *v_ = (const T *)vals;                                            \
        T lo_ = v_[0], hi_ = v_[0];                                               \
        for (uint32_t i_ = 1; i_ < nv; i_++) {                                    \
            T x_ = v_[i_];                                                        \
            lo_ = x_ < lo_ ? x_ : lo_;                                            \
            hi_ = x_ > hi_ ? x_ : hi_;                                            \
        }                                                                         \
        if (!s->has || lo_ < s->min.field)                                        \
            s->min.field = lo_;                                                   \
        if (!s->has || hi_ > s->max.field)                                        \
            s->max.field = hi_;                                                   \
        s->has = true;                                                            \
    } while (0)

/* Floats: NaN never compares, so it neither becomes lo/hi; a NaN first value is skipped. */
#define FLOAT_LOOP(T, field)                                                      \
    do {                                                                          \
        const T *v_ = (const T *)vals;                                            \
        uint32_t i_ = 0;                                                          \
        int64_t nan_ = 0;                                                         \
        while (i_ < nv && isnan(v_[i_])) {                                        \
            nan_++;                                                               \
            i_++;                                                                 \
        }                                                                         \
        if (i_ < nv) {                                                            \
            T lo_ = v_[i_], hi_ = v_[i_];                                         \
            for (i_++; i_ < nv; i_++) {                                           \
                T x_ = v_[i_];                                                    \
                nan_ += isnan(x_) ? 1 : 0;                                        \
                lo_ = x_ < lo_ ? x_ : lo_;                                        \
                hi_ = x_ > hi_ ? x_ : hi_;                                        \
            }                                                                     \
            if (!s->has || lo_ < s->min.field)                                    \
                s->min.field = lo_;                                               \
            if (!s->has || hi_ > s->max.field)                                    \
                s->max.field = hi_;                                               \
            s->has = true;                                                        \
        }                                                                         \
        s->nan_count += nan_;                                                     \
    } while (0)

static int update_str(pqw_stats *s, const tn_str *v, uint32_t nv)
{
    const tn_str *lo = &v[0], *hi = &v[0];
    for (uint32_t i = 1; i < nv; i++) {
        const tn_str *x = &v[i];
        if (tn_str_cmp(x, lo) < 0)
            lo = x;
        else if (tn_str_cmp(x, hi) > 0)
            hi = x;
    }
    const uint8_t *lp = (const uint8_t *)tn_str_data(lo), *hp = (const uint8_t *)tn_str_data(hi);
    if (!s->has || cmp_bytes(lp, lo->len, s->bmin.data, s->bmin.len) < 0)
        if (set_bytes(&s->bmin, lp, lo->len))
            return TN_NOMEM;
    if (!s->has || cmp_bytes(hp, hi->len, s->bmax.data, s->bmax.len) > 0)
        if (set_bytes(&s->bmax, hp, hi->len))
            return TN_NOMEM;
    s->has = true;
    return TN_OK;
}

static int update_fixed(pqw_stats *s, const uint8_t *v, uint32_t nv, size_t w, bool dec)
{
    const uint8_t *lo = v, *hi = v;
    for (uint32_t i = 1; i < nv; i++) {
        const uint8_t *x = v + (size_t)i * w;
        if (dec) {
            if (cmp_dec_be(x, lo, w) < 0)
                lo = x;
            else if (cmp_dec_be(x, hi, w) > 0)
                hi = x;
        } else {
            if (memcmp(x, lo, w) < 0)
                lo = x;
            else if (memcmp(x, hi, w) > 0)
                hi = x;
        }
    }
    bool newlo = !s->has || (dec ? cmp_dec_be(lo, s->bmin.data, w) : memcmp(lo, s->bmin.data, w)) < 0;
    bool newhi = !s->has || (dec ? cmp_dec_be(hi, s->bmax.data, w) : memcmp(hi, s->bmax.data, w)) > 0;
    if (newlo && set_bytes(&s->bmin, lo, w))
        return TN_NOMEM;
    if (newhi && set_bytes(&s->bmax, hi, w))
        return TN_NOMEM;
    s->has = true;
    return TN_OK;
}

int pqw_stats_update(const pqw_col *c, pqw_stats *s, const void *vals, uint32_t nv)
{
    if (nv == 0)
        return TN_OK;
    switch (c->m.order) {
    case PQW_ORD_NONE: break;
    case PQW_ORD_BOOL: {
        const uint8_t *v = vals;
        uint32_t ones = 0;
        for (uint32_t i = 0; i < nv; i++)
            ones += v[i];
        uint32_t lo = ones == nv ? 1 : 0, hi = ones ? 1 : 0;
        if (!s->has || lo < s->min.u32)
            s->min.u32 = lo;
        if (!s->has || hi > s->max.u32)
            s->max.u32 = hi;
        s->has = true;
        break;
    }
    case PQW_ORD_I32: MINMAX_LOOP(int32_t, i32); break;
    case PQW_ORD_U32: MINMAX_LOOP(uint32_t, u32); break;
    case PQW_ORD_I64: MINMAX_LOOP(int64_t, i64); break;
    case PQW_ORD_U64: MINMAX_LOOP(uint64_t, u64); break;
    case PQW_ORD_F32: FLOAT_LOOP(float, f32); break;
    case PQW_ORD_F64: FLOAT_LOOP(double, f64); break;
    case PQW_ORD_BYTES:
        if (c->m.conv == PQW_CV_STR)
            return update_str(s, (const tn_str *)vals, nv);
        return update_fixed(s, vals, nv, c->m.width, false);
    case PQW_ORD_DEC_BE: return update_fixed(s, vals, nv, c->m.width, true);
    }
    return TN_OK;
}

#define MERGE_NUM(field)                                                  \
    do {                                                                  \
        if (!d->has || src->min.field < d->min.field)                     \
            d->min.field = src->min.field;                                \
        if (!d->has || src->max.field > d->max.field)                     \
            d->max.field = src->max.field;                                \
    } while (0)

int pqw_stats_merge(const pqw_col *c, pqw_stats *d, const pqw_stats *src)
{
    d->null_count += src->null_count;
    d->nan_count += src->nan_count;
    if (!src->has)
        return TN_OK;
    switch (c->m.order) {
    case PQW_ORD_NONE: return TN_OK;
    case PQW_ORD_BOOL:
    case PQW_ORD_U32: MERGE_NUM(u32); break;
    case PQW_ORD_I32: MERGE_NUM(i32); break;
    case PQW_ORD_I64: MERGE_NUM(i64); break;
    case PQW_ORD_U64: MERGE_NUM(u64); break;
    case PQW_ORD_F32: MERGE_NUM(f32); break;
    case PQW_ORD_F64: MERGE_NUM(f64); break;
    case PQW_ORD_BYTES:
    case PQW_ORD_DEC_BE: {
        bool dec = c->m.order == PQW_ORD_DEC_BE;
        size_t w = c->m.width;
        bool newlo, newhi;
        if (!d->has) {
            newlo = newhi = true;
        } else if (dec) {
            newlo = cmp_dec_be(src->bmin.data, d->bmin.data, w) < 0;
            newhi = cmp_dec_be(src->bmax.data, d->bmax.data, w) > 0;
        } else {
            newlo = cmp_bytes(src->bmin.data, src->bmin.len, d->bmin.data, d->bmin.len) < 0;
            newhi = cmp_bytes(src->bmax.data, src->bmax.len, d->bmax.data, d->bmax.len) > 0;
        }
        if (newlo && set_bytes(&d->bmin, src->bmin.data, src->bmin.len))
            return TN_NOMEM;
        if (newhi && set_bytes(&d->bmax, src->bmax.data, src->bmax.len))
            return TN_NOMEM;
        break;
    }
    }
    d->has = true;
    return TN_OK;
}

/* ---- truncation of byte-array bounds ---- */

/* Length of the UTF-8 sequence starting with byte b, 0 if b cannot start one. */
static int utf8_len(uint8_t b)
{
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        return 2;
    if (b >= 0xE0 && b <= 0xEF)
        return 3;
    if (b >= 0xF0 && b <= 0xF4)
        return 4;
    return 0;
}

/* Decode one well-formed UTF-8 character at p (n bytes available). Returns its length, 0 if
 * malformed (overlong, surrogate, out of range, truncated). */
static int utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
    int len = utf8_len(p[0]);
    if (len == 0 || (size_t)len > n)
        return 0;
    if (len == 1) {
        *cp = p[0];
        return 1;
    }
    uint32_t c = p[0] & (0x7F >> len);
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min_for_len[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static int utf8_encode(uint32_t c, uint8_t *out)
{
    if (c < 0x80) {
        out[0] = (uint8_t)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (uint8_t)(0xC0 | (c >> 6));
        out[1] = (uint8_t)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (c >> 12));
        out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (c >> 18));
    out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (c & 0x3F));
    return 4;
}

/* Start offsets of the characters of p[0..n) if it is well-formed UTF-8; count in *nchars.
 * Returns false for malformed text (then byte-wise truncation is used). */
static bool utf8_split(const uint8_t *p, size_t n, uint8_t *starts, int *nchars)
{
    size_t i = 0;
    int k = 0;
    while (i < n) {
        uint32_t cp;
        int len = utf8_decode(p + i, n - i, &cp);
        if (!len)
            return false;
        starts[k++] = (uint8_t)i;
        i += (size_t)len;
    }
    *nchars = k;
    return true;
}

/* Lower bound of at most PQW_STATS_MAX bytes: the length of a prefix of p (ending on a character
 * boundary for text); the bytes stay in place. */
static size_t trunc_min(const uint8_t *p, size_t n, bool utf8)
{
    if (n <= PQW_STATS_MAX)
        return n;
    size_t cut = PQW_STATS_MAX;
    if (utf8) {
        /* back off to a character start; if the text is not UTF-8 this is still a prefix */
        while (cut > 0 && (p[cut] & 0xC0) == 0x80)
            cut--;
    }
    return cut;
}

/* Upper bound of at most PQW_STATS_MAX bytes written to out (capacity PQW_STATS_MAX). Returns its
 * length, or 0 if no such bound exists (the caller keeps the exact value). */
static size_t trunc_max(const uint8_t *p, size_t n, bool utf8, uint8_t *out)
{
    uint8_t starts[PQW_STATS_MAX];
    int nchars = 0;
    if (utf8) {
        size_t cut = trunc_min(p, n, true);
        if (utf8_split(p, cut, starts, &nchars)) {
            for (int k = nchars - 1; k >= 0; k--) {
                size_t at = starts[k];
                uint32_t cp;
                utf8_decode(p + at, cut - at, &cp);
                uint32_t next = cp + 1;
                if (next >= 0xD800 && next <= 0xDFFF)
                    next = 0xE000;
                if (next > 0x10FFFF)
                    continue;
                uint8_t enc[4];
                int el = utf8_encode(next, enc);
                if (at + (size_t)el > PQW_STATS_MAX)
                    continue;
                memcpy(out, p, at);
                memcpy(out + at, enc, (size_t)el);
                return at + (size_t)el;
            }
            return 0;
        }
        /* malformed text: fall through to byte-wise rounding */
    }
    for (size_t k = PQW_STATS_MAX; k-- > 0;) {
        if (p[k] != 0xFF) {
            memcpy(out, p, k);
            out[k] = (uint8_t)(p[k] + 1);
            return k + 1;
        }
    }
    return 0;
}

static void put_le(uint8_t *b, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

void pqw_stats_bounds(const pqw_col *c, const pqw_stats *s, pqw_bounds *b)
{
    b->has = false;
    b->legacy = false;
    b->min_exact = b->max_exact = true;
    b->minp = b->minb;
    b->maxp = b->maxb;
    b->minlen = b->maxlen = 0;
    if (!s->has || c->m.order == PQW_ORD_NONE)
        return;
    b->has = true;
    switch (c->m.order) {
    case PQW_ORD_NONE: break;
    case PQW_ORD_BOOL:
        b->minb[0] = (uint8_t)s->min.u32;
        b->maxb[0] = (uint8_t)s->max.u32;
        b->minlen = b->maxlen = 1;
        break;
    case PQW_ORD_I32:
    case PQW_ORD_U32:
        put_le(b->minb, s->min.u32, 4);
        put_le(b->maxb, s->max.u32, 4);
        b->minlen = b->maxlen = 4;
        b->legacy = c->m.order == PQW_ORD_I32;
        break;
    case PQW_ORD_I64:
    case PQW_ORD_U64:
        put_le(b->minb, s->min.u64, 8);
        put_le(b->maxb, s->max.u64, 8);
        b->minlen = b->maxlen = 8;
        b->legacy = c->m.order == PQW_ORD_I64;
        break;
    case PQW_ORD_F32: {
        float lo = s->min.f32 == 0.0f ? -0.0f : s->min.f32;
        float hi = s->max.f32 == 0.0f ? +0.0f : s->max.f32;
        uint32_t bl, bh;
        memcpy(&bl, &lo, 4);
        memcpy(&bh, &hi, 4);
        put_le(b->minb, bl, 4);
        put_le(b->maxb, bh, 4);
        b->minlen = b->maxlen = 4;
        b->legacy = true;
        break;
    }
    case PQW_ORD_F64: {
        double lo = s->min.f64 == 0.0 ? -0.0 : s->min.f64;
        double hi = s->max.f64 == 0.0 ? +0.0 : s->max.f64;
        uint64_t bl, bh;
        memcpy(&bl, &lo, 8);
        memcpy(&bh, &hi, 8);
        put_le(b->minb, bl, 8);
        put_le(b->maxb, bh, 8);
        b->minlen = b->maxlen = 8;
        b->legacy = true;
        break;
    }
    case PQW_ORD_BYTES:
    case PQW_ORD_DEC_BE:
        b->minp = s->bmin.data;
        b->minlen = s->bmin.len;
        b->maxp = s->bmax.data;
        b->maxlen = s->bmax.len;
        if (c->m.conv == PQW_CV_STR) {
            size_t ml = trunc_min(b->minp, b->minlen, c->m.utf8);
            if (ml < b->minlen) {
                b->minlen = ml;
                b->min_exact = false;
            }
            if (b->maxlen > PQW_STATS_MAX) {
                size_t xl = trunc_max(b->maxp, b->maxlen, c->m.utf8, b->maxtrunc);
                if (xl) {
                    b->maxp = b->maxtrunc;
                    b->maxlen = xl;
                    b->max_exact = false;
                }
            }
        }
        break;
    }
}

void pqw_stats_write(const pqw_col *c, const pqw_stats *s, pq_tw *tw, int16_t id)
{
    pqw_bounds b;
    pqw_stats_bounds(c, s, &b);
    pq_tw_field_struct(tw, id);
    if (b.has && b.legacy) {
        pq_tw_field_binary(tw, 1, b.maxp, b.maxlen);
        pq_tw_field_binary(tw, 2, b.minp, b.minlen);
    }
    pq_tw_field_i64(tw, 3, s->null_count);
    if (b.has) {
        pq_tw_field_binary(tw, 5, b.maxp, b.maxlen);
        pq_tw_field_binary(tw, 6, b.minp, b.minlen);
        pq_tw_field_bool(tw, 7, b.max_exact);
        pq_tw_field_bool(tw, 8, b.min_exact);
    }
    if (c->m.order == PQW_ORD_F32 || c->m.order == PQW_ORD_F64)
        pq_tw_field_i64(tw, 9, s->nan_count);
    pq_tw_struct_end(tw);
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

#define CMP3(x, y) ((x) < (y) ? -1 : (x) > (y))

int pqw_bounds_cmp(const pqw_col *c, const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    switch (c->m.order) {
    case PQW_ORD_NONE: return 0;
    case PQW_ORD_BOOL: return CMP3(a[0], b[0]);
    case PQW_ORD_I32: return CMP3((int32_t)(uint32_t)get_le(a, 4), (int32_t)(uint32_t)get_le(b, 4));
    case PQW_ORD_U32: return CMP3((uint32_t)get_le(a, 4), (uint32_t)get_le(b, 4));
    case PQW_ORD_I64: return CMP3((int64_t)get_le(a, 8), (int64_t)get_le(b, 8));
    case PQW_ORD_U64: return CMP3(get_le(a, 8), get_le(b, 8));
    case PQW_ORD_F32: {
        uint32_t x = (uint32_t)get_le(a, 4), y = (uint32_t)get_le(b, 4);
        float fx, fy;
        memcpy(&fx, &x, 4);
        memcpy(&fy, &y, 4);
        return CMP3(fx, fy);
    }
    case PQW_ORD_F64: {
        uint64_t x = get_le(a, 8), y = get_le(b, 8);
        double fx, fy;
        memcpy(&fx, &x, 8);
        memcpy(&fy, &y, 8);
        return CMP3(fx, fy);
    }
    case PQW_ORD_BYTES: return cmp_bytes(a, na, b, nb);
    case PQW_ORD_DEC_BE: return na == nb && na ? cmp_dec_be(a, b, na) : CMP3(na, nb);
    }
    return 0;
}
