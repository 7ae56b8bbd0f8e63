/*
 * column_reader.c -- reads one flat top-level column of one row group into tn_vectors; the page
 * and value machinery is shared with the level mode of leaf_levels.c (struct in reader_int.h).
 * pq_column_reader_open hands nested fields to nested.c, and the reader it returns is then a
 * handle that delegates to the nested reader.
 *
 * Spec: parquet-format README (column chunks, pages), parquet.thrift PageHeader, Encodings.md,
 * LogicalTypes.md; summary sections 1, 5, 6, 7 and 8.
 *
 * Design. The column chunk's bytes ([min(dictionary_page_offset, data_page_offset),
 * + total_compressed_size), checked against the file) are read once through the VFS into a
 * refcounted tn_buf. Pages are then walked in place: each page header is decoded, its body
 * CRC-checked (optional field 4, zlib crc32, when pq_verify_page_crc is set), and decompressed into
 * a page tn_buf (uncompressed pages are used in place, as a view of the chunk buffer). A batch is
 * assembled from as many pages as needed so that every call returns exactly
 * min(max_rows, rows left) rows, which is what the scan operator relies on to keep columns
 * aligned; state carries over between calls, so batches may end mid-page.
 *
 * Per page segment the definition levels are decoded first (RLE hybrid with a u32 length prefix,
 * or legacy BIT_PACKED, in v1; RLE without prefix and never compressed in v2); the non-null
 * values are then decoded densely straight into the output vector and, if there were nulls,
 * spread backwards to their row positions in place (no per-value calls). Value sources:
 *   PLAIN              read in place (fixed widths memcpy/convert, BYTE_ARRAY as string views into
 *                      the page buffer, kept alive with tn_vector_keep_buf, booleans bit by bit);
 *   dictionary         the dictionary page becomes a FLAT vector of the column's tarn type, shared
 *                      by refcount; a batch whose rows all come from dictionary pages is returned
 *                      as a DICT vector of uint32 indexes (checked < dictionary size), otherwise
 *                      the values are gathered into a FLAT vector (fallback to PLAIN mid-chunk);
 *   DELTA_*, BSS       decoded for the whole page into a scratch tn_buf, then read like PLAIN;
 *   RLE booleans       u32 length prefix + RLE hybrid of width 1.
 * Physical values are converted to the tarn storage of types.h while copying: narrow/unsigned
 * integers, INT32 decimals and times widened to int64, big-endian decimals to int64/int128,
 * FLOAT16 to float, INT96 (julian day + nanoseconds) to microseconds since the epoch with Spark's
 * wrapping arithmetic, INTERVAL to tn_interval.
 *
 * Level mode (leaves of nested fields; leaf_levels.c, nested.h) shares the page machinery:
 * pages also decode their repetition levels (v1: RLE with a u32 length prefix or legacy
 * BIT_PACKED, before the definition levels; v2: the first level section), whole v2 pages can be
 * skipped by num_rows, and values are never returned as DICT vectors. The flat path is unchanged.
 *
 * Hostile input: offsets and sizes are checked against the file, the chunk and the page; page
 * sizes are capped (PQ_MAX_PAGE_BYTES, and a compression-ratio bound); value counts can never
 * exceed what the levels and the page bytes allow; a page may not hold more values than the
 * column chunk declares; dictionary indexes, level values and encodings are validated. Errors name
 * the file, the column chunk (leaf index and name), the row group and the byte offset.
 */
#include "reader_int.h"
#include "codec.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Parquet reader assumes a little-endian host"
#endif

bool pq_verify_page_crc = true;

/* Refuse pages that decompress to more than this, or to more than PQ_MAX_RATIO times their
 * compressed size plus PQ_RATIO_SLACK (a compression bomb guard generous enough for constant
 * columns). */
#define PQ_MAX_PAGE_BYTES ((size_t)1 << 30)
#define PQ_MAX_RATIO 1024
#define PQ_RATIO_SLACK ((size_t)16 << 20)
/* Values decoded at once for a whole DELTA_* page (scratch memory bound: 16 bytes each). */
#define PQ_MAX_PAGE_DECODE ((uint32_t)1 << 26)

/* ---- errors ---- */
int pq_rd_err(pq_column_reader *r, tn_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int pq_rd_err(pq_column_reader *r, tn_err *err, int code, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->in_page || r->page_off)
        return tn_err_set(err, code, "%s, page at offset %llu: %s", r->what, (unsigned long long)r->page_off, msg);
    return tn_err_set(err, code, "%s: %s", r->what, msg);
}

/* Prefix an error reported by a decoder (codec, encoding) with the column and page. */
int pq_rd_prefix(pq_column_reader *r, tn_err *err, int rc)
{
    if (rc == TN_NOMEM)
        return rc;
    return tn_err_prefix(err, rc, "%s, page at offset %llu: ", r->what, (unsigned long long)r->page_off);
}

/* ---- conversions from physical values to tarn storage ---- */
static inline int32_t ld32(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline int64_t ld64(const uint8_t *p)
{
    int64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Big-endian two's complement of len bytes -> int128. False if it does not fit. */
static inline bool be_to_i128(const uint8_t *p, uint32_t len, tn_i128 *out)
{
    if (len == 0) {
        *out = 0;
        return true;
    }
    if (len > 16) {
        uint8_t sign = (p[len - 16] & 0x80) ? 0xff : 0x00;
        for (uint32_t i = 0; i < len - 16; i++)
            if (p[i] != sign)
                return false;
        p += len - 16;
        len = 16;
    }
    tn_u128 v = (p[0] & 0x80) ? ~(tn_u128)0 : 0;
    for (uint32_t i = 0; i < len; i++)
        v = (v << 8) | p[i];
    *out = (tn_i128)v;
    return true;
}

static inline bool be_to_i64(const uint8_t *p, uint32_t len, int64_t *out)
{
    if (len <= 8) {
        uint64_t v = (len && (p[0] & 0x80)) ? ~(uint64_t)0 : 0;
        for (uint32_t i = 0; i < len; i++)
            v = (v << 8) | p[i];
        *out = (int64_t)v;
        return true;
    }
    tn_i128 w;
    if (!be_to_i128(p, len, &w) || w < INT64_MIN || w > INT64_MAX)
        return false;
    *out = (int64_t)w;
    return true;
}

/* IEEE 754 binary16 -> binary32, exact. */
static inline float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
    if (exp == 0x1f)
        bits = sign | 0x7f800000u | (mant << 13);
    else if (exp == 0) {
        if (mant == 0)
            bits = sign;
        else {
            int e = -1;
            do {
                e++;
                mant <<= 1;
            } while (!(mant & 0x400));
            bits = sign | ((uint32_t)(112 - e) << 23) | ((mant & 0x3ff) << 13);
        }
    } else
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/* INT96 legacy timestamp (8 bytes nanoseconds of day, 4 bytes Julian day, little-endian) to
 * microseconds since 1970-01-01, with Spark's wrapping int64 arithmetic (the unit schema.c picks,
 * PQ_INT96_UNIT), or to nanoseconds (wrapping outside 1677..2262) if that is ever switched. */
static inline int64_t int96_to_us(const uint8_t *p)
{
    int64_t nanos = ld64(p);
    int32_t day = ld32(p + 8);
    uint64_t us = (uint64_t)((int64_t)day - 2440588) * UINT64_C(86400000000) + (uint64_t)(nanos / 1000);
    return (int64_t)us;
}
static inline int64_t int96_to_ns(const uint8_t *p)
{
    int64_t nanos = ld64(p);
    int32_t day = ld32(p + 8);
    uint64_t ns = (uint64_t)((int64_t)day - 2440588) * UINT64_C(86400000000000) + (uint64_t)nanos;
    return (int64_t)ns;
}

static int dec_overflow(pq_column_reader *r, tn_err *err)
{
    return pq_rd_err(r, err, TN_CORRUPT, "decimal value does not fit in DECIMAL(%d,%d)", r->type.precision,
                     r->type.scale);
}

/* Convert nn fixed-width physical values (pw bytes each, PLAIN layout) at src into dst. String
 * views keep srcbuf alive through out. */
static int conv_fixed(pq_column_reader *r, const uint8_t *src, uint8_t *dst, uint32_t nn, tn_buf *srcbuf,
                      tn_vector *out, tn_err *err)
{
    const uint32_t pw = r->pw;
    switch (r->conv) {
    case CV_COPY:
        memcpy(dst, src, (size_t)nn * pw);
        break;
    case CV_I32_I8: {
        int8_t *d = (int8_t *)dst;
        for (uint32_t i = 0; i < nn; i++)
            d[i] = (int8_t)ld32(src + 4 * (size_t)i);
        break;
    }
    case CV_I32_I16: {
        int16_t *d = (int16_t *)dst;
        for (uint32_t i = 0; i < nn; i++)
            d[i] = (int16_t)ld32(src + 4 * (size_t)i);
        break;
    }
    case CV_I32_I64: {
        int64_t *d = (int64_t *)dst;
        for (uint32_t i = 0; i < nn; i++)
            d[i] = ld32(src + 4 * (size_t)i);
        break;
    }
    case CV_I32_I128: {
        tn_i128 *d = (tn_i128 *)dst;
        for (uint32_t i = 0; i < nn; i++)
            d[i] = ld32(src + 4 * (size_t)i);
        break;
    }
    case CV_I64_I128: {
        tn_i128 *d = (tn_i128 *)dst;
        for (uint32_t i = 0; i < nn; i++)
            d[i] = ld64(src + 8 * (size_t)i);
        break;
    }
    case CV_INT96: {
        int64_t *d = (int64_t *)dst;
        if (r->type.unit == TN_UNIT_NS)
            for (uint32_t i = 0; i < nn; i++)
                d[i] = int96_to_ns(src + 12 * (size_t)i);
        else
            for (uint32_t i = 0; i < nn; i++)
                d[i] = int96_to_us(src + 12 * (size_t)i);
        break;
    }
    case CV_F16: {
        float *d = (float *)dst;
        for (uint32_t i = 0; i < nn; i++)
            d[i] = half_to_float((uint16_t)(src[2 * (size_t)i] | src[2 * (size_t)i + 1] << 8));
        break;
    }
    case CV_INTERVAL: {
        tn_interval *d = (tn_interval *)dst;
        for (uint32_t i = 0; i < nn; i++) {
            const uint8_t *s = src + 12 * (size_t)i;
            d[i].months = ld32(s);
            d[i].days = ld32(s + 4);
            d[i].micros = (int64_t)(uint32_t)ld32(s + 8) * 1000;
        }
        break;
    }
    case CV_BE_DEC64: {
        int64_t *d = (int64_t *)dst;
        for (uint32_t i = 0; i < nn; i++)
            if (!be_to_i64(src + (size_t)pw * i, pw, &d[i]))
                return dec_overflow(r, err);
        break;
    }
    case CV_BE_DEC128: {
        tn_i128 *d = (tn_i128 *)dst;
        for (uint32_t i = 0; i < nn; i++)
            if (!be_to_i128(src + (size_t)pw * i, pw, &d[i]))
                return dec_overflow(r, err);
        break;
    }
    case CV_STR: {
        tn_str *d = (tn_str *)dst;
        for (uint32_t i = 0; i < nn; i++)
            d[i] = tn_str_make((const char *)src + (size_t)pw * i, pw);
        if (pw > TN_STR_INLINE && nn && srcbuf && tn_vector_keep_buf(out, srcbuf))
            return TN_NOMEM;
        break;
    }
    default:
        return pq_rd_err(r, err, TN_ERROR, "internal error: conversion %d from fixed-width values", r->conv);
    }
    return TN_OK;
}

/* Convert nn byte strings (views) to dst: strings copied as views, decimals parsed. */
static int conv_strs(pq_column_reader *r, const tn_str *s, uint8_t *dst, uint32_t nn, tn_err *err)
{
    switch (r->conv) {
    case CV_STR:
        memcpy(dst, s, (size_t)nn * sizeof(tn_str));
        return TN_OK;
    case CV_BE_DEC64: {
        int64_t *d = (int64_t *)dst;
        for (uint32_t i = 0; i < nn; i++)
            if (!be_to_i64((const uint8_t *)tn_str_data(&s[i]), s[i].len, &d[i]))
                return dec_overflow(r, err);
        return TN_OK;
    }
    case CV_BE_DEC128: {
        tn_i128 *d = (tn_i128 *)dst;
        for (uint32_t i = 0; i < nn; i++)
            if (!be_to_i128((const uint8_t *)tn_str_data(&s[i]), s[i].len, &d[i]))
                return dec_overflow(r, err);
        return TN_OK;
    }
    default:
        return pq_rd_err(r, err, TN_ERROR, "internal error: conversion %d from byte arrays", r->conv);
    }
}

/* ---- gathering and spreading ---- */
typedef struct { uint64_t a, b; } u128_pair;

static void gather(const void *dict, size_t w, const uint32_t *idx, uint32_t n, void *dst)
{
#define GATHER(T)                              \
    do {                                       \
        const T *s_ = (const T *)dict;         \
        T *d_ = (T *)dst;                      \
        for (uint32_t i_ = 0; i_ < n; i_++)    \
            d_[i_] = s_[idx[i_]];              \
    } while (0)
    switch (w) {
    case 1: GATHER(uint8_t); break;
    case 2: GATHER(uint16_t); break;
    case 4: GATHER(uint32_t); break;
    case 8: GATHER(uint64_t); break;
    case 16: GATHER(u128_pair); break;
    default:
        for (uint32_t i = 0; i < n; i++)
            memcpy((uint8_t *)dst + w * i, (const uint8_t *)dict + w * idx[i], w);
        break;
    }
#undef GATHER
}

/* Values for the nn valid rows of defs[0..n) sit densely at dst[0..nn); move each to its row and
 * zero the null slots (backwards, in place). */
static void spread(uint8_t *dst, size_t w, const uint16_t *defs, uint32_t n, uint32_t nn, uint16_t maxd)
{
#define SPREAD(T)                                       \
    do {                                                \
        T *d_ = (T *)dst;                               \
        uint32_t i_ = n, j_ = nn;                       \
        while (i_ > j_) {                               \
            i_--;                                       \
            if (defs[i_] == maxd)                       \
                d_[i_] = d_[--j_];                      \
            else                                        \
                memset(&d_[i_], 0, sizeof(T));          \
        }                                               \
    } while (0)
    switch (w) {
    case 1: SPREAD(uint8_t); break;
    case 2: SPREAD(uint16_t); break;
    case 4: SPREAD(uint32_t); break;
    case 8: SPREAD(uint64_t); break;
    case 16: SPREAD(u128_pair); break;
    default: {
        uint32_t i = n, j = nn;
        while (i > j) {
            i--;
            if (defs[i] == maxd)
                memmove(dst + w * i, dst + w * --j, w);
            else
                memset(dst + w * i, 0, w);
        }
        break;
    }
    }
#undef SPREAD
}

/* ---- value decoding ---- */
static int keep_dict_bufs(pq_column_reader *r, tn_vector *out)
{
    for (uint32_t i = 0; i < r->dict->nheap; i++)
        if (tn_vector_keep_buf(out, r->dict->heap[i]))
            return TN_NOMEM;
    return TN_OK;
}

/* Decode the next nn non-null values from s into dst. as_index: write dictionary indexes (the
 * output is a DICT vector) instead of values. */
int pq_rd_decode_values(pq_column_reader *r, val_src *s, tn_vector *out, uint8_t *dst, uint32_t nn,
                         bool as_index, tn_err *err)
{
    int rc;
    if (nn == 0)
        return TN_OK;
    switch (s->mode) {
    case SM_PLAIN_FIXED: {
        size_t need = (size_t)nn * r->pw;
        if (need > (size_t)(s->end - s->p))
            return pq_rd_err(r, err, TN_CORRUPT, "values section holds %zu bytes but %u values of %u bytes remain",
                             (size_t)(s->end - s->p), nn, r->pw);
        if ((rc = conv_fixed(r, s->p, dst, nn, s->buf, out, err)))
            return rc;
        s->p += need;
        return TN_OK;
    }
    case SM_PLAIN_BOOL: {
        uint64_t avail = (uint64_t)(s->end - s->p) * 8;
        if (s->bit + nn > avail)
            return pq_rd_err(r, err, TN_CORRUPT, "boolean values section ends after %llu of %llu values",
                             (unsigned long long)avail, (unsigned long long)(s->bit + nn));
        uint64_t b = s->bit;
        for (uint32_t i = 0; i < nn; i++, b++)
            dst[i] = (s->p[b >> 3] >> (b & 7)) & 1;
        s->bit = b;
        return TN_OK;
    }
    case SM_RLE_BOOL:
        if ((rc = pq_rle_get(&s->rle, r->idx, nn, err)))
            return pq_rd_prefix(r, err, rc);
        for (uint32_t i = 0; i < nn; i++)
            dst[i] = (uint8_t)r->idx[i];
        return TN_OK;
    case SM_PLAIN_BA: {
        const uint8_t *p = s->p, *end = s->end;
        if (r->conv == CV_STR) {
            tn_str *d = (tn_str *)dst;
            bool longs = false;
            for (uint32_t i = 0; i < nn; i++) {
                if (TN_UNLIKELY(end - p < 4))
                    return pq_rd_err(r, err, TN_CORRUPT, "BYTE_ARRAY value %u: length prefix runs past the page end", i);
                uint32_t len = (uint32_t)ld32(p);
                p += 4;
                if (TN_UNLIKELY(len > (size_t)(end - p)))
                    return pq_rd_err(r, err, TN_CORRUPT, "BYTE_ARRAY value %u of %u bytes runs past the page end", i, len);
                d[i] = tn_str_make((const char *)p, len);
                longs |= len > TN_STR_INLINE;
                p += len;
            }
            if (longs && s->buf && tn_vector_keep_buf(out, s->buf))
                return TN_NOMEM;
        } else {
            for (uint32_t i = 0; i < nn; i++) {
                if (TN_UNLIKELY(end - p < 4))
                    return pq_rd_err(r, err, TN_CORRUPT, "BYTE_ARRAY value %u: length prefix runs past the page end", i);
                uint32_t len = (uint32_t)ld32(p);
                p += 4;
                if (TN_UNLIKELY(len > (size_t)(end - p)))
                    return pq_rd_err(r, err, TN_CORRUPT, "BYTE_ARRAY value %u of %u bytes runs past the page end", i, len);
                bool ok = r->conv == CV_BE_DEC64 ? be_to_i64(p, len, (int64_t *)dst + i)
                                                 : be_to_i128(p, len, (tn_i128 *)dst + i);
                if (!ok)
                    return dec_overflow(r, err);
                p += len;
            }
        }
        s->p = p;
        return TN_OK;
    }
    case SM_STRS:
        if (nn > s->nstrs - s->spos)
            return pq_rd_err(r, err, TN_CORRUPT, "page holds %u values but more are required by its levels", s->nstrs);
        if ((rc = conv_strs(r, s->strs + s->spos, dst, nn, err)))
            return rc;
        s->spos += nn;
        if (r->conv == CV_STR) {
            if (s->buf && tn_vector_keep_buf(out, s->buf))
                return TN_NOMEM;
            if (s->heap && tn_vector_keep_buf(out, s->heap))
                return TN_NOMEM;
        }
        return TN_OK;
    case SM_DICT: {
        uint32_t *ix = as_index ? (uint32_t *)dst : r->idx;
        if ((rc = pq_rle_get(&s->rle, ix, nn, err)))
            return pq_rd_prefix(r, err, rc);
        uint32_t mx = 0;
        for (uint32_t i = 0; i < nn; i++)
            mx = ix[i] > mx ? ix[i] : mx;
        if (mx >= r->dict_n)
            return pq_rd_err(r, err, TN_CORRUPT, "dictionary index %u out of range (dictionary has %u entries)", mx,
                             r->dict_n);
        if (!as_index) {
            gather(r->dict->data, tn_type_width(r->type), ix, nn, dst);
            if (tn_type_is_string(r->type) && (rc = keep_dict_bufs(r, out)))
                return rc;
        }
        return TN_OK;
    }
    default:
        return pq_rd_err(r, err, TN_ERROR, "internal error: no value source");
    }
}

/* Skip nn non-null values of s. */
int pq_rd_skip_values(pq_column_reader *r, val_src *s, uint32_t nn, tn_err *err)
{
    int rc;
    if (nn == 0)
        return TN_OK;
    switch (s->mode) {
    case SM_PLAIN_FIXED: {
        size_t need = (size_t)nn * r->pw;
        if (need > (size_t)(s->end - s->p))
            return pq_rd_err(r, err, TN_CORRUPT, "values section too short to skip %u values", nn);
        s->p += need;
        return TN_OK;
    }
    case SM_PLAIN_BOOL:
        if (s->bit + nn > (uint64_t)(s->end - s->p) * 8)
            return pq_rd_err(r, err, TN_CORRUPT, "boolean values section too short to skip %u values", nn);
        s->bit += nn;
        return TN_OK;
    case SM_RLE_BOOL:
    case SM_DICT:
        if ((rc = pq_rle_skip(&s->rle, nn, err)))
            return pq_rd_prefix(r, err, rc);
        return TN_OK;
    case SM_PLAIN_BA: {
        const uint8_t *p = s->p, *end = s->end;
        for (uint32_t i = 0; i < nn; i++) {
            if (end - p < 4)
                return pq_rd_err(r, err, TN_CORRUPT, "BYTE_ARRAY length prefix runs past the page end");
            uint32_t len = (uint32_t)ld32(p);
            p += 4;
            if (len > (size_t)(end - p))
                return pq_rd_err(r, err, TN_CORRUPT, "BYTE_ARRAY value of %u bytes runs past the page end", len);
            p += len;
        }
        s->p = p;
        return TN_OK;
    }
    case SM_STRS:
        if (nn > s->nstrs - s->spos)
            return pq_rd_err(r, err, TN_CORRUPT, "page holds %u values but more are required by its levels", s->nstrs);
        s->spos += nn;
        return TN_OK;
    default:
        return pq_rd_err(r, err, TN_ERROR, "internal error: no value source");
    }
}

/* ---- scratch ---- */
static int ensure_scratch(pq_column_reader *r, uint32_t n, tn_err *err)
{
    if (n <= r->scratch_cap)
        return TN_OK;
    uint32_t cap = TN_MAX(n, (uint32_t)TN_BATCH);
    uint16_t *d = tn_realloc(r->defs, (size_t)cap * sizeof *d);
    if (!d)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    r->defs = d;
    uint32_t *x = tn_realloc(r->idx, (size_t)cap * sizeof *x);
    if (!x)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    r->idx = x;
    r->scratch_cap = cap;
    return TN_OK;
}

/* ---- levels ---- */
/* Decode n definition levels into defs; *nn = number equal to max_def. */
static int read_defs(pq_column_reader *r, uint16_t *defs, uint32_t n, uint32_t *nn, tn_err *err)
{
    int rc;
    if (r->legacy_defs) {
        memcpy(defs, r->legacy_defs + r->legacy_pos, (size_t)n * sizeof *defs);
        r->legacy_pos += n;
    } else if ((rc = pq_rle_get_levels(&r->def, defs, n, err))) {
        return pq_rd_prefix(r, err, rc);
    }
    const uint16_t maxd = (uint16_t)r->max_def;
    uint32_t c = 0;
    uint16_t hi = 0;
    for (uint32_t i = 0; i < n; i++) {
        c += defs[i] == maxd;
        hi = defs[i] > hi ? defs[i] : hi;
    }
    if (hi > maxd)
        return pq_rd_err(r, err, TN_CORRUPT, "definition level %u exceeds the maximum %d", hi, r->max_def);
    *nn = c;
    return TN_OK;
}

/* Non-null values in the whole current page (levels are read from a copy of the decoder). */
static int count_page_nonnull(pq_column_reader *r, uint32_t *out, tn_err *err)
{
    if (r->max_def == 0) {
        *out = r->page_values;
        return TN_OK;
    }
    pq_rle_decoder save = r->def;
    uint32_t save_pos = r->legacy_pos, total = 0, left = r->page_values;
    int rc = ensure_scratch(r, TN_BATCH, err);
    while (!rc && left) {
        uint32_t k = TN_MIN(left, r->scratch_cap), nn;
        rc = read_defs(r, r->defs, k, &nn, err);
        total += nn;
        left -= k;
    }
    r->def = save;
    r->legacy_pos = save_pos;
    *out = total;
    return rc;
}

/* ---- pages ---- */

static void finish_page(pq_column_reader *r)
{
    tn_bufpool_give(r->pool, r->page_buf); /* back to the pool unless still referenced downstream */
    tn_bufpool_give(r->pool, r->scratch);
    tn_buf_unref(r->heap);
    tn_free(r->strs);
    tn_free(r->legacy_defs);
    tn_free(r->legacy_reps);
    r->page_buf = r->scratch = r->heap = NULL;
    r->strs = NULL;
    r->legacy_defs = r->legacy_reps = NULL;
    r->legacy_pos = r->legacy_rep_pos = 0;
    r->la_pos = r->la_n = 0;
    memset(&r->src, 0, sizeof r->src);
    r->in_page = false;
    r->page_left = 0;
}

static int check_page_sizes(pq_column_reader *r, size_t usize, size_t csize, tn_err *err)
{
    if (usize > PQ_MAX_PAGE_BYTES)
        return pq_rd_err(r, err, TN_CORRUPT, "uncompressed page size %zu exceeds the 1 GiB limit", usize);
    if (usize > PQ_RATIO_SLACK && (usize - PQ_RATIO_SLACK) / PQ_MAX_RATIO > csize)
        return pq_rd_err(r, err, TN_CORRUPT,
                         "uncompressed page size %zu is implausible for %zu compressed bytes (ratio limit %d)",
                         usize, csize, PQ_MAX_RATIO);
    return TN_OK;
}

/* Decompress body[0..clen) into a new buffer of usize bytes (or reference the chunk when the
 * data is stored uncompressed). *out / *data receive the buffer and its bytes. */
static int page_bytes(pq_column_reader *r, const uint8_t *body, size_t clen, size_t usize, bool compressed,
                      tn_buf **out, const uint8_t **data, size_t *len, tn_err *err)
{
    int rc;
    if (!compressed || r->md->codec == PQ_CODEC_UNCOMPRESSED) {
        tn_buf_ref(r->chunk);
        *out = r->chunk;
        *data = body;
        *len = clen;
        return TN_OK;
    }
    if ((rc = check_page_sizes(r, usize, clen, err)))
        return rc;
    tn_buf *b = tn_bufpool_take(r->pool, usize);
    if (!b)
        return pq_rd_err(r, err, TN_NOMEM, "out of memory for a page of %zu bytes", usize);
    if ((rc = pq_decompress(r->md->codec, body, clen, b->data, usize, err))) {
        tn_buf_unref(b);
        return pq_rd_prefix(r, err, rc);
    }
    b->size = usize;
    *out = b;
    *data = b->data;
    *len = usize;
    return TN_OK;
}

static int load_dictionary(pq_column_reader *r, const pq_page_header *h, const uint8_t *body, size_t clen,
                           tn_err *err)
{
    int rc;
    if (r->has_dict)
        return pq_rd_err(r, err, TN_CORRUPT, "second dictionary page in the column chunk");
    if (r->seen_data_page)
        return pq_rd_err(r, err, TN_CORRUPT, "dictionary page after a data page");
    if (h->dict.encoding != PQ_ENC_PLAIN && h->dict.encoding != PQ_ENC_PLAIN_DICTIONARY)
        return pq_rd_err(r, err, TN_NOTSUP, "unsupported dictionary page encoding %s",
                         pq_encoding_name(h->dict.encoding));
    uint32_t nd = (uint32_t)h->dict.num_values;
    r->has_dict = true;
    r->dict_n = nd;
    if (r->conv == CV_NULL)
        return TN_OK;
    tn_buf *pb = NULL;
    const uint8_t *data;
    size_t len;
    if ((rc = page_bytes(r, body, clen, (size_t)h->uncompressed_page_size, true, &pb, &data, &len, err)))
        return rc;
    /* bound the entry count by the bytes before allocating */
    uint64_t min_bytes = r->pt == PQ_BOOLEAN ? ((uint64_t)nd + 7) / 8
                         : r->pt == PQ_BYTE_ARRAY ? (uint64_t)nd * 4 : (uint64_t)nd * r->pw;
    if (min_bytes > len) {
        tn_buf_unref(pb);
        return pq_rd_err(r, err, TN_CORRUPT, "dictionary page declares %u entries but holds only %zu bytes", nd, len);
    }
    r->dict = tn_vector_new(r->type, nd);
    if (!r->dict) {
        tn_buf_unref(pb);
        return pq_rd_err(r, err, TN_NOMEM, "out of memory for a dictionary of %u entries", nd);
    }
    val_src s;
    memset(&s, 0, sizeof s);
    s.mode = r->pt == PQ_BOOLEAN ? SM_PLAIN_BOOL : r->pt == PQ_BYTE_ARRAY ? SM_PLAIN_BA : SM_PLAIN_FIXED;
    s.p = data;
    s.end = data + len;
    s.buf = pb;
    rc = pq_rd_decode_values(r, &s, r->dict, r->dict->data, nd, false, err);
    tn_buf_unref(pb);
    if (rc)
        return rc == TN_NOMEM ? tn_err_set(err, rc, "out of memory decoding a dictionary") : rc;
    return TN_OK;
}

/* Set up the value source of the current page over data[0..len). */
static int init_values(pq_column_reader *r, const uint8_t *data, size_t len, tn_err *err)
{
    val_src *s = &r->src;
    int rc;
    memset(s, 0, sizeof *s);
    s->p = data;
    s->end = data + len;
    s->buf = r->page_buf;
    int enc = r->enc, pt = r->pt;
    switch (enc) {
    case PQ_ENC_PLAIN:
        s->mode = pt == PQ_BOOLEAN ? SM_PLAIN_BOOL : pt == PQ_BYTE_ARRAY ? SM_PLAIN_BA : SM_PLAIN_FIXED;
        return TN_OK;
    case PQ_ENC_PLAIN_DICTIONARY:
    case PQ_ENC_RLE_DICTIONARY: {
        if (!r->has_dict)
            return pq_rd_err(r, err, TN_CORRUPT, "dictionary-encoded page but the column chunk has no dictionary page");
        if (len == 0) {
            /* only legal when the page holds no values; decoding will report otherwise */
            pq_rle_init(&s->rle, data, 0, 0);
        } else {
            int bw = data[0];
            if (bw > 32)
                return pq_rd_err(r, err, TN_CORRUPT, "dictionary index bit width %d exceeds 32", bw);
            pq_rle_init(&s->rle, data + 1, len - 1, bw);
        }
        s->mode = SM_DICT;
        return TN_OK;
    }
    case PQ_ENC_RLE: {
        if (pt != PQ_BOOLEAN)
            return pq_rd_err(r, err, TN_NOTSUP, "RLE encoding is only supported for BOOLEAN values");
        if (len < 4)
            return pq_rd_err(r, err, TN_CORRUPT, "RLE boolean values lack their 4-byte length prefix");
        uint32_t n = (uint32_t)ld32(data);
        if (n > len - 4)
            return pq_rd_err(r, err, TN_CORRUPT, "RLE boolean length %u exceeds the %zu bytes of the page", n, len - 4);
        pq_rle_init(&s->rle, data + 4, n, 1);
        s->mode = SM_RLE_BOOL;
        return TN_OK;
    }
    case PQ_ENC_DELTA_BINARY_PACKED:
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
    case PQ_ENC_DELTA_BYTE_ARRAY: {
        bool okt = enc == PQ_ENC_DELTA_BINARY_PACKED ? (pt == PQ_INT32 || pt == PQ_INT64)
                   : enc == PQ_ENC_DELTA_LENGTH_BYTE_ARRAY ? pt == PQ_BYTE_ARRAY
                                                            : (pt == PQ_BYTE_ARRAY || pt == PQ_FIXED_LEN_BYTE_ARRAY);
        if (!okt)
            return pq_rd_err(r, err, TN_CORRUPT, "encoding %s is not valid for this physical type", pq_encoding_name(enc));
        uint32_t nn;
        if ((rc = count_page_nonnull(r, &nn, err)))
            return rc;
        if (nn > PQ_MAX_PAGE_DECODE)
            return pq_rd_err(r, err, TN_NOTSUP, "page of %u %s values exceeds the decode limit of %u", nn,
                             pq_encoding_name(enc), PQ_MAX_PAGE_DECODE);
        if (enc == PQ_ENC_DELTA_BINARY_PACKED) {
            /* INT32 streams are decoded with 64-bit arithmetic and then truncated: wrapping mod 2^64
             * and truncating equals wrapping mod 2^32, and it accepts the 33-bit miniblocks DuckDB
             * writes when min_delta falls outside int32 (summary section 6.4). */
            r->scratch = tn_bufpool_take(r->pool, (size_t)nn * 8);
            if (!r->scratch)
                return pq_rd_err(r, err, TN_NOMEM, "out of memory decoding %u values", nn);
            uint32_t nd = 0;
            if (nn > 0 && (rc = pq_delta_binary_decode64(data, len, (int64_t *)r->scratch->data, nn, &nd, NULL, err)))
                return pq_rd_prefix(r, err, rc);
            if (nd < nn)
                return pq_rd_err(r, err, TN_CORRUPT, "DELTA_BINARY_PACKED stream holds %u values but the levels need %u",
                                 nd, nn);
            if (r->pw == 4) {
                const int64_t *w64 = (const int64_t *)r->scratch->data;
                int32_t *w32 = (int32_t *)r->scratch->data;
                for (uint32_t i = 0; i < nn; i++) /* forward in place: 4*i <= 8*i */
                    w32[i] = (int32_t)(uint32_t)(uint64_t)w64[i];
            }
            r->scratch->size = (size_t)nn * r->pw;
            s->mode = SM_PLAIN_FIXED;
            s->p = r->scratch->data;
            s->end = s->p + r->scratch->size;
            s->buf = r->scratch;
            return TN_OK;
        }
        r->strs = tn_malloc((size_t)TN_MAX(nn, 1u) * sizeof(tn_str));
        if (!r->strs)
            return pq_rd_err(r, err, TN_NOMEM, "out of memory decoding %u values", nn);
        if (nn == 0)
            rc = TN_OK;
        else if (enc == PQ_ENC_DELTA_LENGTH_BYTE_ARRAY)
            rc = pq_delta_length_decode(data, len, r->strs, nn, NULL, err);
        else
            rc = pq_delta_byte_array_decode(data, len, r->strs, nn, &r->heap, err);
        if (rc)
            return pq_rd_prefix(r, err, rc);
        if (pt == PQ_FIXED_LEN_BYTE_ARRAY) {
            /* back to fixed width so every FLBA conversion applies */
            r->scratch = tn_bufpool_take(r->pool, (size_t)nn * r->pw);
            if (!r->scratch)
                return pq_rd_err(r, err, TN_NOMEM, "out of memory decoding %u values", nn);
            for (uint32_t i = 0; i < nn; i++) {
                if (r->strs[i].len != r->pw)
                    return pq_rd_err(r, err, TN_CORRUPT, "DELTA_BYTE_ARRAY value %u has %u bytes in a FIXED_LEN_BYTE_ARRAY(%u)",
                                     i, r->strs[i].len, r->pw);
                memcpy(r->scratch->data + (size_t)i * r->pw, tn_str_data(&r->strs[i]), r->pw);
            }
            r->scratch->size = (size_t)nn * r->pw;
            s->mode = SM_PLAIN_FIXED;
            s->p = r->scratch->data;
            s->end = s->p + r->scratch->size;
            s->buf = r->scratch;
            return TN_OK;
        }
        s->mode = SM_STRS;
        s->strs = r->strs;
        s->nstrs = nn;
        s->heap = r->heap;
        return TN_OK;
    }
    case PQ_ENC_BYTE_STREAM_SPLIT: {
        if (r->pw == 0)
            return pq_rd_err(r, err, TN_CORRUPT, "BYTE_STREAM_SPLIT is not valid for this physical type");
        r->scratch = tn_bufpool_take(r->pool, len);
        if (!r->scratch)
            return pq_rd_err(r, err, TN_NOMEM, "out of memory decoding %zu bytes", len);
        uint32_t n = (uint32_t)(len / r->pw);
        if (len && (rc = pq_bss_decode(data, len, r->scratch->data, n, r->pw, err)))
            return pq_rd_prefix(r, err, rc);
        r->scratch->size = (size_t)n * r->pw;
        s->mode = SM_PLAIN_FIXED;
        s->p = r->scratch->data;
        s->end = s->p + r->scratch->size;
        s->buf = r->scratch;
        return TN_OK;
    }
    default:
        return pq_rd_err(r, err, TN_NOTSUP, "unsupported value encoding %s (%d)", pq_encoding_name(enc), enc);
    }
}

/* One level section of a v1 data page at *pp: RLE hybrid with a u32 length prefix, or the legacy
 * BIT_PACKED encoding (decoded for the whole page into *legacy). `name` is "definition" or
 * "repetition". */
static int v1_levels(pq_column_reader *r, int enc, int bw, uint32_t nv, const uint8_t **pp, const uint8_t *end,
                     pq_rle_decoder *dec, uint16_t **legacy, const char *name, tn_err *err)
{
    int rc;
    const uint8_t *p = *pp;
    if (enc == PQ_ENC_RLE) {
        if (end - p < 4)
            return pq_rd_err(r, err, TN_CORRUPT, "%s levels lack their 4-byte length prefix", name);
        uint32_t dl = (uint32_t)ld32(p);
        p += 4;
        if (dl > (size_t)(end - p))
            return pq_rd_err(r, err, TN_CORRUPT, "%s levels of %u bytes run past the page end", name, dl);
        pq_rle_init(dec, p, dl, bw);
        p += dl;
    } else if (enc == PQ_ENC_BIT_PACKED) {
        size_t nb = ((size_t)nv * (size_t)bw + 7) / 8;
        if (nb > (size_t)(end - p))
            return pq_rd_err(r, err, TN_CORRUPT, "BIT_PACKED %s levels run past the page end", name);
        *legacy = tn_malloc((size_t)TN_MAX(nv, 1u) * sizeof(uint16_t));
        if (!*legacy)
            return pq_rd_err(r, err, TN_NOMEM, "out of memory for %u levels", nv);
        if ((rc = pq_bit_packed_legacy_decode(p, nb, bw, *legacy, nv, err)))
            return pq_rd_prefix(r, err, rc);
        p += nb;
    } else {
        return pq_rd_err(r, err, TN_NOTSUP, "unsupported %s level encoding %s", name, pq_encoding_name(enc));
    }
    *pp = p;
    return TN_OK;
}

/* Set up a v1 or v2 data page. */
static int setup_data_page(pq_column_reader *r, const pq_page_header *h, const uint8_t *body, size_t clen,
                           tn_err *err)
{
    int rc;
    const uint8_t *data, *vals;
    size_t len, vlen;
    bool v2 = h->type == PQ_PAGE_DATA_V2;
    uint32_t nv = (uint32_t)(v2 ? h->v2.num_values : h->data.num_values);
    if ((int64_t)nv > r->values_left)
        return pq_rd_err(r, err, TN_CORRUPT, "page holds %u values but only %lld remain in the column chunk", nv,
                         (long long)r->values_left);
    r->page_values = nv;
    r->page_left = nv;
    r->enc = v2 ? h->v2.encoding : h->data.encoding;
    r->in_page = true;
    if (r->conv == CV_NULL && !r->levels)
        return TN_OK; /* always-null flat column: levels and values are never needed */

    if (!v2) {
        if ((rc = page_bytes(r, body, clen, (size_t)h->uncompressed_page_size, true, &r->page_buf, &data, &len, err)))
            return rc;
        const uint8_t *p = data, *end = data + len;
        if (r->max_rep > 0 && (rc = v1_levels(r, h->data.rep_encoding, r->rep_bw, nv, &p, end, &r->rep,
                                              &r->legacy_reps, "repetition", err)))
            return rc;
        if (r->max_def > 0 && (rc = v1_levels(r, h->data.def_encoding, r->def_bw, nv, &p, end, &r->def,
                                              &r->legacy_defs, "definition", err)))
            return rc;
        vals = p;
        vlen = (size_t)(end - p);
    } else {
        size_t lv = (size_t)h->v2.rep_len + (size_t)h->v2.def_len;
        if (lv > clen)
            return pq_rd_err(r, err, TN_CORRUPT, "level sections of %zu bytes exceed the page body of %zu bytes", lv, clen);
        if (lv > (size_t)h->uncompressed_page_size)
            return pq_rd_err(r, err, TN_CORRUPT, "level sections of %zu bytes exceed the uncompressed page size %d", lv,
                             h->uncompressed_page_size);
        if (r->max_rep > 0)
            pq_rle_init(&r->rep, body, (size_t)h->v2.rep_len, r->rep_bw);
        if (r->max_def > 0)
            pq_rle_init(&r->def, body + h->v2.rep_len, (size_t)h->v2.def_len, r->def_bw);
        size_t vclen = clen - lv, vulen = (size_t)h->uncompressed_page_size - lv;
        if (vclen == 0) {
            /* an empty values section is never handed to the codec */
            if (vulen != 0 && h->v2.is_compressed && r->md->codec != PQ_CODEC_UNCOMPRESSED)
                return pq_rd_err(r, err, TN_CORRUPT, "empty compressed values section must decompress to %zu bytes", vulen);
            tn_buf_ref(r->chunk);
            r->page_buf = r->chunk;
            vals = body + lv;
            vlen = 0;
        } else if ((rc = page_bytes(r, body + lv, vclen, vulen, h->v2.is_compressed, &r->page_buf, &vals, &vlen, err))) {
            return rc;
        }
    }
    if (r->conv == CV_NULL)
        return TN_OK; /* level mode over an always-null leaf: the values are never read */
    return init_values(r, vals, vlen, err);
}

/* Advance to the next data page with values (loading the dictionary page on the way). When skip
 * is non-NULL, whole data pages of at most *skip values are skipped without being decoded and
 * *skip is reduced accordingly; in level mode *skip counts records, and only v2 pages (which hold
 * whole records, num_rows of them) are skipped. r->in_page = false at the end of the chunk. */
int pq_rd_next_page(pq_column_reader *r, uint64_t *skip, tn_err *err)
{
    int rc;
    finish_page(r);
    while (r->values_left > 0) {
        if (r->pos >= r->chunk->size)
            return pq_rd_err(r, err, TN_CORRUPT, "column chunk ends after %lld of %lld values",
                             (long long)(r->md->num_values - r->values_left), (long long)r->md->num_values);
        pq_page_header h;
        size_t hl;
        r->page_off = r->chunk_off + r->pos;
        if ((rc = pq_page_header_decode(r->chunk->data + r->pos, r->chunk->size - r->pos, r->page_off, r->ph_what,
                                        &h, &hl, err)))
            return tn_err_prefix(err, rc, "%s: ", r->f->path);
        size_t body_off = r->pos + hl;
        size_t clen = (size_t)h.compressed_page_size;
        if (clen > r->chunk->size - body_off)
            return pq_rd_err(r, err, TN_CORRUPT, "page body of %zu bytes runs past the end of the column chunk (%zu bytes left)",
                             clen, r->chunk->size - body_off);
        const uint8_t *body = r->chunk->data + body_off;
        r->pos = body_off + clen;
        bool data_page = h.type == PQ_PAGE_DATA || h.type == PQ_PAGE_DATA_V2;
        if (data_page && skip) {
            uint32_t nv = (uint32_t)(h.type == PQ_PAGE_DATA_V2 ? h.v2.num_values : h.data.num_values);
            if ((int64_t)nv > r->values_left)
                return pq_rd_err(r, err, TN_CORRUPT, "page holds %u values but only %lld remain in the column chunk", nv,
                                 (long long)r->values_left);
            if (r->levels) {
                if (h.type == PQ_PAGE_DATA_V2 && h.v2.num_rows > 0 && (uint64_t)h.v2.num_rows <= *skip) {
                    r->seen_data_page = true;
                    r->chunk_started = true; /* a skipped page's own first level is not checked */
                    r->need_record = true;
                    *skip -= (uint64_t)h.v2.num_rows;
                    r->values_left -= nv;
                    continue;
                }
            } else if (nv <= *skip) {
                r->seen_data_page = true;
                *skip -= nv;
                r->values_left -= nv;
                continue;
            }
        }
        if (pq_verify_page_crc && h.has_crc && (h.type == PQ_PAGE_DICTIONARY || data_page)) {
            uint32_t c = (uint32_t)crc32(0L, body, (uInt)clen);
            if (c != h.crc)
                return pq_rd_err(r, err, TN_CORRUPT, "page CRC mismatch (stored 0x%08x, computed 0x%08x)", h.crc, c);
        }
        if (h.type == PQ_PAGE_DICTIONARY) {
            if ((rc = load_dictionary(r, &h, body, clen, err)))
                return rc;
            continue;
        }
        if (!data_page)
            continue; /* INDEX_PAGE and unknown page types are skipped */
        r->seen_data_page = true;
        if ((rc = setup_data_page(r, &h, body, clen, err)))
            return rc;
        if (r->page_left > 0)
            return TN_OK;
        finish_page(r);
    }
    return TN_OK;
}

/* ---- public API ---- */
static int pick_conv(pq_column_reader *r)
{
    int id = r->type.id, pt = r->pt;
    if (id == TN_T_NULL)
        return CV_NULL;
    switch (pt) {
    case PQ_BOOLEAN:
        return id == TN_T_BOOL ? CV_BOOL : -1;
    case PQ_INT32:
        switch (id) {
        case TN_T_INT32: case TN_T_UINT32: case TN_T_DATE: return CV_COPY;
        case TN_T_INT8: case TN_T_UINT8: return CV_I32_I8;
        case TN_T_INT16: case TN_T_UINT16: return CV_I32_I16;
        case TN_T_TIME: return CV_I32_I64;
        case TN_T_DECIMAL: return tn_decimal_is_small(r->type) ? CV_I32_I64 : CV_I32_I128;
        default: return -1;
        }
    case PQ_INT64:
        switch (id) {
        case TN_T_INT64: case TN_T_UINT64: case TN_T_TIME: case TN_T_TIMESTAMP: return CV_COPY;
        case TN_T_DECIMAL: return tn_decimal_is_small(r->type) ? CV_COPY : CV_I64_I128;
        default: return -1;
        }
    case PQ_INT96:
        return id == TN_T_TIMESTAMP ? CV_INT96 : -1;
    case PQ_FLOAT:
        return id == TN_T_FLOAT ? CV_COPY : -1;
    case PQ_DOUBLE:
        return id == TN_T_DOUBLE ? CV_COPY : -1;
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY:
        switch (id) {
        case TN_T_VARCHAR: case TN_T_BLOB: return CV_STR;
        case TN_T_DECIMAL: return tn_decimal_is_small(r->type) ? CV_BE_DEC64 : CV_BE_DEC128;
        case TN_T_UUID: return pt == PQ_FIXED_LEN_BYTE_ARRAY && r->pw == 16 ? CV_COPY : -1;
        case TN_T_FLOAT: return pt == PQ_FIXED_LEN_BYTE_ARRAY && r->pw == 2 ? CV_F16 : -1;
        case TN_T_INTERVAL: return pt == PQ_FIXED_LEN_BYTE_ARRAY && r->pw == 12 ? CV_INTERVAL : -1;
        default: return -1;
        }
    default:
        return -1;
    }
}

/* Open a reader over leaf column `leaf` (schema node `node`) reading values as `type`. */
static int open_leaf(pq_file *f, uint32_t rg, const pq_schema_node *node, int leaf, tn_type type, bool levels,
                     tn_bufpool *pool, pq_column_reader **out, tn_err *err)
{
    int rc = TN_OK;
    pq_column_reader *r = tn_calloc(1, sizeof *r);
    if (!r)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    r->pool = pool ? pool : &r->own_pool;
    pq_file_ref(f);
    r->f = f;
    r->node = node;
    r->type = type;
    r->pt = node->physical_type;
    r->max_def = node->max_def;
    r->def_bw = pq_bit_width((uint32_t)node->max_def);
    snprintf(r->what, sizeof r->what, "%s: column chunk %d (%s) of row group %u", f->path, leaf, node->name, rg);
    snprintf(r->ph_what, sizeof r->ph_what, "column chunk %d (%.60s) of row group %u page header", leaf, node->name, rg);
    switch (r->pt) {
    case PQ_INT32: case PQ_FLOAT: r->pw = 4; break;
    case PQ_INT64: case PQ_DOUBLE: r->pw = 8; break;
    case PQ_INT96: r->pw = 12; break;
    case PQ_FIXED_LEN_BYTE_ARRAY: r->pw = (uint32_t)node->type_length; break;
    default: r->pw = 0; break;
    }
    if (levels && (rc = pq_rd_setup_levels(r, err)))
        goto done;
    r->conv = pick_conv(r);
    if (r->conv < 0) {
        char tb[64];
        rc = pq_rd_err(r, err, TN_NOTSUP, "cannot read physical type %d as %s", r->pt, tn_type_name(r->type, tb, sizeof tb));
        goto done;
    }

    const pq_column_chunk *cc = &f->meta.row_groups[rg].columns[leaf];
    if (cc->has_file_path) {
        rc = pq_rd_err(r, err, TN_NOTSUP, "column data in an external file (%.*s) is not supported",
                       (int)TN_MIN(cc->file_path.n, 200u), (const char *)cc->file_path.p);
        goto done;
    }
    if (!cc->meta) {
        rc = pq_rd_err(r, err, TN_CORRUPT, "column chunk has no ColumnMetaData");
        goto done;
    }
    const pq_column_meta *md = cc->meta;
    r->md = md;
    if (md->type != r->pt) {
        rc = pq_rd_err(r, err, TN_CORRUPT, "ColumnMetaData type %d does not match the schema's physical type %d",
                       md->type, r->pt);
        goto done;
    }
    int64_t start = md->data_page_offset;
    if (md->has_dictionary_page_offset && md->dictionary_page_offset > 0 &&
        md->dictionary_page_offset < md->data_page_offset)
        start = md->dictionary_page_offset;
    int64_t clen = md->total_compressed_size;
    if (md->num_values == 0) {
        start = 4; /* nothing to read: writers leave the offsets of empty chunks unset */
        clen = 0;
    }
    if (start < 4 || clen < 0 || (uint64_t)start > f->footer_off || (uint64_t)clen > f->footer_off - (uint64_t)start) {
        rc = pq_rd_err(r, err, TN_CORRUPT,
                       "column chunk at offset %lld of %lld bytes lies outside the data region [4, %llu) of the file",
                       (long long)start, (long long)clen, (unsigned long long)f->footer_off);
        goto done;
    }
    r->chunk_off = (uint64_t)start;
    r->chunk = tn_bufpool_take(r->pool, (size_t)clen);
    if (!r->chunk) {
        rc = pq_rd_err(r, err, TN_NOMEM, "out of memory for a column chunk of %lld bytes", (long long)clen);
        goto done;
    }
    if (clen && (rc = vfs_read(f->fh, (uint64_t)start, r->chunk->data, (size_t)clen, err)))
        goto done;
    r->chunk->size = (size_t)clen;
    r->values_left = md->num_values;
    if ((rc = ensure_scratch(r, TN_BATCH, err)))
        goto done;
    *out = r;
    r = NULL;
done:
    pq_column_reader_close(r);
    return rc;
}

int pq_column_reader_open(pq_file *f, uint32_t rg, uint32_t field, pq_column_reader **out, tn_err *err)
{
    return pq_column_reader_open_pooled(f, rg, field, NULL, out, err);
}

int pq_column_reader_open_pooled(pq_file *f, uint32_t rg, uint32_t field, tn_bufpool *pool, pq_column_reader **out,
                                 tn_err *err)
{
    int rc;
    *out = NULL;
    const pq_schema_node *node = pq_file_field(f, field);
    if (!node || rg >= f->meta.nrow_groups)
        return tn_err_set(err, TN_MISUSE, "%s: no field %u / row group %u", f->path, field, rg);
    if (!node->supported)
        return tn_err_set(err, TN_NOTSUP, "%s: column \"%s\": %s", f->path, node->name,
                          node->unsupported_reason ? node->unsupported_reason : "unsupported type");
    int leaf = pq_schema_flat_leaf(node);
    if (leaf >= 0)
        return open_leaf(f, rg, node, leaf, node->type, false, pool, out, err);
    /* a nested field: this handle delegates to the nested reader */
    pq_nested_reader *nr = NULL;
    if ((rc = pq_nested_open(f, rg, field, &nr, err)))
        return rc;
    pq_column_reader *r = tn_calloc(1, sizeof *r);
    if (!r) {
        pq_nested_close(nr);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    r->nested = nr;
    r->type = node->type;
    *out = r;
    return TN_OK;
}

int pq_leaf_open(pq_file *f, uint32_t rg, int col, pq_column_reader **out, tn_err *err)
{
    *out = NULL;
    if (col < 0 || (uint32_t)col >= f->nleaves || rg >= f->meta.nrow_groups)
        return tn_err_set(err, TN_MISUSE, "%s: no leaf column %d / row group %u", f->path, col, rg);
    return open_leaf(f, rg, f->leaves[col], col, f->leaf_types[col], true, NULL, out, err);
}

int pq_column_reader_next(pq_column_reader *r, uint32_t max_rows, tn_vector *out, uint32_t *nrows, tn_err *err)
{
    int rc;
    if (r->nested)
        return pq_nested_next(r->nested, max_rows, out, nrows, err);
    *nrows = 0;
    if (!tn_type_equal(out->type, r->type)) {
        char a[64], b[64];
        return tn_err_set(err, TN_MISUSE, "%s: output vector of type %s, column is %s", r->what,
                          tn_type_name(out->type, a, sizeof a), tn_type_name(r->type, b, sizeof b));
    }
    tn_vector_reset(out);
    if (max_rows == 0)
        return TN_OK;
    if ((rc = tn_vector_reserve(out, max_rows)) || (rc = ensure_scratch(r, max_rows, err)))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    const size_t w = tn_type_width(r->type);
    const uint16_t maxd = (uint16_t)r->max_def;
    uint32_t produced = 0;
    int out_dict = -1; /* -1 undecided, 0 FLAT, 1 DICT */
    while (produced < max_rows) {
        if (!r->in_page) {
            if ((rc = pq_rd_next_page(r, NULL, err)))
                return rc;
            if (!r->in_page)
                break;
        }
        uint32_t n = TN_MIN(max_rows - produced, r->page_left);
        if (r->conv == CV_NULL) {
            if ((rc = tn_vector_ensure_validity(out)))
                return tn_err_set(err, rc, "out of memory");
            memset((uint8_t *)out->data + produced * w, 0, (size_t)n * w);
            for (uint32_t i = 0; i < n; i++)
                tn_bit_clear(out->validity, produced + i);
        } else {
            uint32_t nn = n;
            if (r->max_def > 0 && (rc = read_defs(r, r->defs, n, &nn, err)))
                return rc;
            bool seg_dict = r->src.mode == SM_DICT;
            if (out_dict < 0) {
                out_dict = seg_dict;
                if (seg_dict && (rc = tn_vector_set_dict(out, r->dict)))
                    return tn_err_set(err, rc, "out of memory");
            } else if (out_dict == 1 && !seg_dict) {
                if ((rc = tn_vector_flatten(out, produced)))
                    return tn_err_set(err, rc, "out of memory");
                out_dict = 0;
            }
            size_t ow = out_dict ? sizeof(uint32_t) : w;
            uint8_t *dst = (uint8_t *)out->data + (size_t)produced * ow;
            if ((rc = pq_rd_decode_values(r, &r->src, out, dst, nn, out_dict == 1, err)))
                return rc == TN_NOMEM ? tn_err_set(err, rc, "out of memory") : rc;
            if (nn < n) {
                spread(dst, ow, r->defs, n, nn, maxd);
                if ((rc = tn_vector_ensure_validity(out)))
                    return tn_err_set(err, rc, "out of memory");
                for (uint32_t i = 0; i < n; i++)
                    if (r->defs[i] != maxd)
                        tn_bit_clear(out->validity, produced + i);
            }
        }
        produced += n;
        r->page_left -= n;
        r->values_left -= n;
        if (r->page_left == 0)
            finish_page(r);
    }
    *nrows = produced;
    return TN_OK;
}

int pq_column_reader_skip(pq_column_reader *r, uint64_t n, tn_err *err)
{
    int rc;
    if (r->nested)
        return pq_nested_skip(r->nested, n, err);
    while (n > 0) {
        if (!r->in_page) {
            if ((rc = pq_rd_next_page(r, &n, err)))
                return rc;
            if (n == 0)
                return TN_OK;
            if (!r->in_page)
                return pq_rd_err(r, err, TN_CORRUPT, "cannot skip past the end of the column chunk");
        }
        uint32_t k = (uint32_t)TN_MIN(n, (uint64_t)r->page_left);
        if (r->conv != CV_NULL) {
            uint32_t left = k;
            while (left) {
                uint32_t m = TN_MIN(left, r->scratch_cap), nn = m;
                if (r->max_def > 0 && (rc = read_defs(r, r->defs, m, &nn, err)))
                    return rc;
                if ((rc = pq_rd_skip_values(r, &r->src, nn, err)))
                    return rc;
                left -= m;
            }
        }
        n -= k;
        r->page_left -= k;
        r->values_left -= k;
        if (r->page_left == 0)
            finish_page(r);
    }
    return TN_OK;
}

void pq_column_reader_close(pq_column_reader *r)
{
    if (!r)
        return;
    finish_page(r);
    pq_nested_close(r->nested);
    tn_vector_unref(r->dict);
    tn_bufpool_give(r->pool, r->chunk);
    tn_bufpool_clear(&r->own_pool);
    tn_free(r->defs);
    tn_free(r->idx);
    tn_free(r->rep_def);
    tn_free(r->la_rep);
    tn_free(r->la_def);
    pq_file_unref(r->f);
    tn_free(r);
}
