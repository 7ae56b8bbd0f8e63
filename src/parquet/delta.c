/*
 * delta.c -- DELTA_BINARY_PACKED (INT32/INT64), DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY
 * decoding and encoding (Encodings.md "Delta Encoding (DELTA_BINARY_PACKED = 5)", "Delta-length
 * byte array (DELTA_LENGTH_BYTE_ARRAY = 6)", "Delta Strings (DELTA_BYTE_ARRAY = 7)").
 *
 * DELTA_BINARY_PACKED layout:
 *   header := uleb block_size, uleb miniblocks_per_block, uleb total_count, zigzag-uleb first
 *   block  := zigzag-uleb min_delta, one bit-width byte per miniblock, then the miniblocks, each
 *             values_per_miniblock (= block_size / miniblocks) values of (delta - min_delta)
 *             bit-packed LSB-first at that miniblock's width.
 * Blocks follow until total_count - 1 deltas exist. The last needed miniblock is padded to full
 * size; miniblocks the last block does not need keep their width byte (any value) but have no
 * body. All arithmetic wraps at the physical width: min_delta is read as 64 bits and truncated,
 * because DuckDB writes INT32 blocks whose min_delta does not fit in int32.
 *
 * Hardening: block_size must be a positive multiple of 8 below 2^31 (the spec says multiple of
 * 128; we accept any size whose miniblocks are whole bytes), the miniblock count must divide it
 * into miniblocks of a multiple of 8 values, and widths of miniblocks that hold real values must
 * not exceed the physical width. Every loop consumes input, so hostile counts cannot hang the
 * decoder, and nothing is allocated from header values. The decoder always walks the whole
 * stream so that *consumed is its end (the string encodings need that to find their data).
 *
 * The string encodings decode their lengths into a temporary int32 array of `count` entries,
 * validate each length (non-negative, inside the data, prefix <= previous value length) and
 * build tn_str views. DELTA_BYTE_ARRAY reconstructs values into one heap tn_buf sized in a first
 * pass; values that are a prefix of their predecessor (empty suffix) share its bytes, and the
 * heap is capped (DBA_MAX_HEAP) so a tiny page cannot demand an unbounded allocation.
 */
#include "parquet/encoding.h"

#include <string.h>

#define DBA_MAX_HEAP ((uint64_t)1 << 30)

typedef struct dbp_hdr {
    uint64_t block_size, mb_count, vpm, total, first;
} dbp_hdr;

static int dbp_corrupt(tn_err *err, const char *enc, const uint8_t *base, const uint8_t *at,
                       const char *what)
{
    return tn_err_set(err, TN_CORRUPT, "%s: %s at byte %zu", enc, what, (size_t)(at - base));
}

/* Unsigned LEB128, at most 10 bytes. Returns false on truncation or overflow. */
static bool get_uleb(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end)
            return false;
        uint8_t b = *p++;
        if (shift == 63 && (b & 0x7e))
            return false;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *pp = p;
            *out = v;
            return true;
        }
    }
    return false;
}

static inline uint64_t unzigzag(uint64_t u) { return (u >> 1) ^ (0 - (u & 1)); }
static inline uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }

static int dbp_header(const uint8_t *base, const uint8_t **pp, const uint8_t *end, const char *enc,
                      dbp_hdr *h, tn_err *err)
{
    const uint8_t *p = *pp;
    if (!get_uleb(&p, end, &h->block_size))
        return dbp_corrupt(err, enc, base, p, "truncated or malformed block size");
    if (h->block_size == 0 || h->block_size % 8 || h->block_size >= ((uint64_t)1 << 31)) {
        tn_err_set(err, TN_CORRUPT, "%s: invalid block size %llu at byte %zu", enc,
                   (unsigned long long)h->block_size, (size_t)(*pp - base));
        return TN_CORRUPT;
    }
    const uint8_t *at = p;
    if (!get_uleb(&p, end, &h->mb_count))
        return dbp_corrupt(err, enc, base, at, "truncated or malformed miniblock count");
    if (h->mb_count == 0 || h->mb_count > h->block_size || h->block_size % h->mb_count ||
        (h->block_size / h->mb_count) % 8) {
        tn_err_set(err, TN_CORRUPT, "%s: invalid miniblock count %llu for block size %llu at byte %zu",
                   enc, (unsigned long long)h->mb_count, (unsigned long long)h->block_size,
                   (size_t)(at - base));
        return TN_CORRUPT;
    }
    h->vpm = h->block_size / h->mb_count;
    at = p;
    if (!get_uleb(&p, end, &h->total))
        return dbp_corrupt(err, enc, base, at, "truncated or malformed total value count");
    at = p;
    uint64_t fz;
    if (!get_uleb(&p, end, &fz))
        return dbp_corrupt(err, enc, base, at, "truncated or malformed first value");
    h->first = unzigzag(fz);
    *pp = p;
    return TN_OK;
}

/* Stamp out the decoder per physical width. UT is the unsigned value type, BITS its width,
 * UNPACK(in, avail, out, count, w) the bit unpacker. Decodes min(count, total) values. */
#define DBP_DECODE_DEF(NAME, UT, BITS, UNPACK)                                                    \
    static int NAME(const uint8_t *base, const uint8_t *p, const uint8_t *end, const char *enc,  \
                    UT *out, uint32_t count, uint32_t *ndecoded, const uint8_t **stop,             \
                    tn_err *err)                                                                   \
    {                                                                                              \
        dbp_hdr h;                                                                                 \
        int rc = dbp_header(base, &p, end, enc, &h, err);                                          \
        if (rc)                                                                                    \
            return rc;                                                                             \
        const uint64_t want = count < h.total ? count : h.total;                                   \
        uint64_t produced = 0;                                                                     \
        UT prev = (UT)h.first;                                                                     \
        if (want)                                                                                  \
            out[produced++] = prev;                                                                \
        uint64_t deltas_left = h.total ? h.total - 1 : 0;                                          \
        while (deltas_left) {                                                                      \
            const uint8_t *at = p;                                                                 \
            uint64_t mdz;                                                                          \
            if (!get_uleb(&p, end, &mdz))                                                          \
                return dbp_corrupt(err, enc, base, at, "truncated or malformed block min_delta"); \
            const UT md = (UT)unzigzag(mdz);                                                       \
            if ((uint64_t)(end - p) < h.mb_count)                                                  \
                return dbp_corrupt(err, enc, base, p, "truncated miniblock bit widths");           \
            const uint8_t *widths = p;                                                             \
            p += h.mb_count;                                                                       \
            for (uint64_t m = 0; m < h.mb_count && deltas_left; m++) {                             \
                const int w = widths[m];                                                           \
                const uint64_t k = h.vpm < deltas_left ? h.vpm : deltas_left;                      \
                if (w > BITS) {                                                                    \
                    tn_err_set(err, TN_CORRUPT,                                                    \
                               "%s: miniblock bit width %d exceeds %d at byte %zu", enc, w, BITS,  \
                               (size_t)(widths + m - base));                                       \
                    return TN_CORRUPT;                                                             \
                }                                                                                  \
                const size_t avail = (size_t)(end - p);                                            \
                const uint64_t body = h.vpm * (uint64_t)w / 8;                                     \
                /* only the stream's last miniblock may lack its padding (k < vpm) */              \
                if ((k * (uint64_t)w + 7) / 8 > avail)                                             \
                    return dbp_corrupt(err, enc, base, p, "miniblock data ends early");            \
                if (produced < want) {                                                             \
                    uint64_t nout = want - produced < k ? want - produced : k;                     \
                    UT *o = out + produced, acc = prev;                                            \
                    if (w == 0) {                                                                  \
                        for (uint64_t j = 0; j < nout; j++) {                                      \
                            acc += md;                                                             \
                            o[j] = acc;                                                            \
                        }                                                                          \
                    } else {                                                                       \
                        UNPACK(p, avail, o, (uint32_t)nout, w);                                    \
                        for (uint64_t j = 0; j < nout; j++) {                                      \
                            acc += md + o[j];                                                      \
                            o[j] = acc;                                                            \
                        }                                                                          \
                    }                                                                              \
                    prev = acc;                                                                    \
                    produced += nout;                                                              \
                }                                                                                  \
                p += body <= avail ? body : avail;                                                 \
                deltas_left -= k;                                                                  \
            }                                                                                      \
        }                                                                                          \
        *ndecoded = (uint32_t)produced;                                                            \
        *stop = p;                                                                                 \
        return TN_OK;                                                                              \
    }

#define UNPACK32_CALL(in, avail, o, n, w) pq_bit_unpack32_avail(in, avail, o, n, w)
#define UNPACK64_CALL(in, avail, o, n, w) pq_bit_unpack64(in, avail, o, n, w)

DBP_DECODE_DEF(dbp_decode32, uint32_t, 32, UNPACK32_CALL)
DBP_DECODE_DEF(dbp_decode64, uint64_t, 64, UNPACK64_CALL)

int pq_delta_binary_decode32(const uint8_t *p, size_t n, int32_t *out, uint32_t count,
                             uint32_t *ndecoded, size_t *consumed, tn_err *err)
{
    uint32_t nd = 0;
    const uint8_t *stop = p;
    int rc = dbp_decode32(p, p, p + n, "DELTA_BINARY_PACKED", (uint32_t *)out, count, &nd, &stop, err);
    if (rc)
        return rc;
    if (ndecoded)
        *ndecoded = nd;
    if (consumed)
        *consumed = (size_t)(stop - p);
    return TN_OK;
}

int pq_delta_binary_decode64(const uint8_t *p, size_t n, int64_t *out, uint32_t count,
                             uint32_t *ndecoded, size_t *consumed, tn_err *err)
{
    uint32_t nd = 0;
    const uint8_t *stop = p;
    int rc = dbp_decode64(p, p, p + n, "DELTA_BINARY_PACKED", (uint64_t *)out, count, &nd, &stop, err);
    if (rc)
        return rc;
    if (ndecoded)
        *ndecoded = nd;
    if (consumed)
        *consumed = (size_t)(stop - p);
    return TN_OK;
}

/* ---- DELTA_LENGTH_BYTE_ARRAY ---- */

/* Decode `count` lengths (a DELTA_BINARY_PACKED stream at p) and the concatenated bytes after
 * them into views. *stop = end of the last value's bytes. */
static int dlba_decode(const uint8_t *base, const uint8_t *p, const uint8_t *end, const char *enc,
                       tn_str *out, uint32_t count, const uint8_t **stop, tn_err *err)
{
    int rc = TN_OK;
    int32_t *lens = tn_malloc((size_t)count * sizeof *lens);
    if (!lens)
        return tn_err_set(err, TN_NOMEM, "%s: out of memory for %u lengths", enc, count);
    uint32_t nd = 0;
    const uint8_t *q = p;
    rc = dbp_decode32(base, p, end, enc, (uint32_t *)lens, count, &nd, &q, err);
    if (rc)
        goto done;
    if (nd < count) {
        rc = tn_err_set(err, TN_CORRUPT,
                        "%s: stream holds %u lengths but %u values are expected (at byte %zu)",
                        enc, nd, count, (size_t)(p - base));
        goto done;
    }
    size_t avail = (size_t)(end - q), off = 0;
    for (uint32_t i = 0; i < count; i++) {
        int32_t len = lens[i];
        if (len < 0) {
            rc = tn_err_set(err, TN_CORRUPT, "%s: negative length %d for value %u (data at byte %zu)",
                            enc, len, i, (size_t)(q + off - base));
            goto done;
        }
        if ((size_t)len > avail - off) {
            rc = tn_err_set(err, TN_CORRUPT,
                            "%s: value %u of length %d runs past the end of the data at byte %zu",
                            enc, i, len, (size_t)(q + off - base));
            goto done;
        }
        out[i] = tn_str_make((const char *)q + off, (uint32_t)len);
        off += (size_t)len;
    }
    *stop = q + off;
done:
    tn_free(lens);
    return rc;
}

int pq_delta_length_decode(const uint8_t *p, size_t n, tn_str *out, uint32_t count, size_t *consumed,
                           tn_err *err)
{
    const uint8_t *stop = p;
    int rc = dlba_decode(p, p, p + n, "DELTA_LENGTH_BYTE_ARRAY", out, count, &stop, err);
    if (rc == TN_OK && consumed)
        *consumed = (size_t)(stop - p);
    return rc;
}

/* ---- DELTA_BYTE_ARRAY ---- */

int pq_delta_byte_array_decode(const uint8_t *p, size_t n, tn_str *out, uint32_t count, tn_buf **heap,
                               tn_err *err)
{
    static const char enc[] = "DELTA_BYTE_ARRAY";
    const uint8_t *end = p + n;
    int rc = TN_OK;
    tn_buf *hb = NULL;
    *heap = NULL;
    int32_t *pre = tn_malloc((size_t)count * sizeof *pre);
    if (!pre)
        return tn_err_set(err, TN_NOMEM, "%s: out of memory for %u prefix lengths", enc, count);
    uint32_t nd = 0;
    const uint8_t *q = p, *stop = p;
    rc = dbp_decode32(p, p, end, "DELTA_BYTE_ARRAY prefix lengths", (uint32_t *)pre, count, &nd, &q, err);
    if (rc)
        goto done;
    if (nd < count) {
        rc = tn_err_set(err, TN_CORRUPT, "%s: %u prefix lengths but %u values are expected (at byte 0)",
                        enc, nd, count);
        goto done;
    }
    rc = dlba_decode(p, q, end, "DELTA_BYTE_ARRAY suffixes", out, count, &stop, err);
    if (rc)
        goto done;

    /* Pass 1: validate prefix lengths and size the heap. */
    uint64_t prev_len = 0, heap_sz = 0;
    for (uint32_t i = 0; i < count; i++) {
        int32_t pl = pre[i];
        if (pl < 0 || (uint64_t)pl > prev_len) {
            rc = tn_err_set(err, TN_CORRUPT,
                            "%s: prefix length %d of value %u is invalid (previous value has %llu bytes; "
                            "prefix lengths at byte 0, suffixes at byte %zu)",
                            enc, pl, i, (unsigned long long)prev_len, (size_t)(q - p));
            goto done;
        }
        uint64_t len = (uint64_t)pl + out[i].len;
        if (len > INT32_MAX) {
            rc = tn_err_set(err, TN_CORRUPT,
                            "%s: value %u is longer than 2^31-1 bytes (suffixes at byte %zu)",
                            enc, i, (size_t)(q - p));
            goto done;
        }
        if (len > TN_STR_INLINE && out[i].len > 0)
            heap_sz += len;
        if (heap_sz > DBA_MAX_HEAP) {
            rc = tn_err_set(err, TN_CORRUPT,
                            "%s: values expand to more than %llu bytes (suffixes at byte %zu)",
                            enc, (unsigned long long)DBA_MAX_HEAP, (size_t)(q - p));
            goto done;
        }
        prev_len = len;
    }
    hb = tn_buf_new((size_t)heap_sz);
    if (!hb) {
        rc = tn_err_set(err, TN_NOMEM, "%s: out of memory for %llu bytes of values", enc,
                        (unsigned long long)heap_sz);
        goto done;
    }

    /* Pass 2: rebuild each value from its predecessor's prefix and its suffix. */
    char *dst = (char *)hb->data;
    const char *prev = NULL;
    for (uint32_t i = 0; i < count; i++) {
        const tn_str suf = out[i];
        const uint32_t pl = (uint32_t)pre[i], len = pl + suf.len;
        if (len <= TN_STR_INLINE) {
            char tmp[TN_STR_INLINE];
            if (pl)
                memcpy(tmp, prev, pl);
            if (suf.len)
                memcpy(tmp + pl, tn_str_data(&suf), suf.len);
            out[i] = tn_str_make(tmp, len);
        } else if (suf.len == 0) {
            out[i] = tn_str_make(prev, len); /* prefix of the previous value: share its bytes */
        } else {
            if (pl)
                memcpy(dst, prev, pl);
            memcpy(dst + pl, tn_str_data(&suf), suf.len);
            out[i] = tn_str_make(dst, len);
            dst += len;
        }
        prev = tn_str_data(&out[i]);
    }
    hb->size = (size_t)heap_sz;
    *heap = hb;
    hb = NULL;
done:
    tn_buf_unref(hb);
    tn_free(pre);
    return rc;
}

/* ---- encoders ---- */

#define DBP_BLOCK 128
#define DBP_MINIBLOCKS 4
#define DBP_VPM (DBP_BLOCK / DBP_MINIBLOCKS)

static size_t put_uleb(uint8_t *buf, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        buf[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    buf[n++] = (uint8_t)v;
    return n;
}

static inline int width64(uint64_t v) { return v ? 64 - __builtin_clzll(v) : 0; }

/* Blocks of 128 values in 4 miniblocks of 32 (the layout parquet-mr and arrow write). ST/UT are
 * the signed/unsigned value types; deltas wrap in UT. */
#define DBP_ENCODE_DEF(NAME, ST, UT)                                                              \
    int NAME(const ST *v, uint32_t count, pq_bytes *out)                                          \
    {                                                                                             \
        uint8_t hdr[40];                                                                          \
        size_t hl = put_uleb(hdr, DBP_BLOCK);                                                     \
        hl += put_uleb(hdr + hl, DBP_MINIBLOCKS);                                                 \
        hl += put_uleb(hdr + hl, count);                                                          \
        hl += put_uleb(hdr + hl, zigzag(count ? (int64_t)v[0] : 0));                              \
        int rc = pq_bytes_append(out, hdr, hl);                                                   \
        if (rc)                                                                                   \
            return rc;                                                                            \
        for (uint32_t i = 1; i < count; i += DBP_BLOCK) {                                         \
            const uint32_t n = count - i < DBP_BLOCK ? count - i : DBP_BLOCK;                     \
            UT d[DBP_BLOCK];                                                                      \
            ST mn = 0;                                                                            \
            for (uint32_t j = 0; j < n; j++) {                                                    \
                d[j] = (UT)v[i + j] - (UT)v[i + j - 1];                                           \
                if (j == 0 || (ST)d[j] < mn)                                                      \
                    mn = (ST)d[j];                                                                \
            }                                                                                     \
            uint64_t rel[DBP_BLOCK];                                                              \
            for (uint32_t j = 0; j < DBP_BLOCK; j++)                                              \
                rel[j] = j < n ? (uint64_t)(UT)(d[j] - (UT)mn) : 0;                               \
            uint8_t bh[16 + DBP_MINIBLOCKS];                                                      \
            size_t bl = put_uleb(bh, zigzag((int64_t)mn));                                        \
            int widths[DBP_MINIBLOCKS];                                                           \
            size_t body = 0;                                                                      \
            for (int m = 0; m < DBP_MINIBLOCKS; m++) {                                            \
                uint64_t mx = 0;                                                                  \
                if ((uint32_t)m * DBP_VPM < n)                                                    \
                    for (int j = 0; j < DBP_VPM; j++)                                             \
                        mx |= rel[m * DBP_VPM + j];                                               \
                widths[m] = width64(mx);                                                          \
                bh[bl++] = (uint8_t)widths[m];                                                    \
                if ((uint32_t)m * DBP_VPM < n)                                                    \
                    body += (size_t)DBP_VPM / 8 * (size_t)widths[m];                              \
            }                                                                                     \
            rc = pq_bytes_reserve(out, bl + body);                                                \
            if (rc)                                                                               \
                return rc;                                                                        \
            memcpy(out->data + out->len, bh, bl);                                                 \
            out->len += bl;                                                                       \
            for (int m = 0; m < DBP_MINIBLOCKS && (uint32_t)m * DBP_VPM < n; m++) {               \
                pq_bit_pack64(rel + m * DBP_VPM, DBP_VPM, widths[m], out->data + out->len);       \
                out->len += (size_t)DBP_VPM / 8 * (size_t)widths[m];                              \
            }                                                                                     \
        }                                                                                         \
        return TN_OK;                                                                             \
    }

DBP_ENCODE_DEF(pq_delta_binary_encode32, int32_t, uint32_t)
DBP_ENCODE_DEF(pq_delta_binary_encode64, int64_t, uint64_t)

int pq_delta_length_encode(const tn_str *v, uint32_t count, pq_bytes *out)
{
    int rc = TN_OK;
    int32_t *lens = tn_malloc((size_t)count * sizeof *lens);
    if (!lens)
        return TN_NOMEM;
    size_t total = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (v[i].len > INT32_MAX) {
            rc = TN_RANGE;
            goto done;
        }
        lens[i] = (int32_t)v[i].len;
        total += v[i].len;
    }
    rc = pq_delta_binary_encode32(lens, count, out);
    if (rc)
        goto done;
    rc = pq_bytes_reserve(out, total);
    if (rc)
        goto done;
    for (uint32_t i = 0; i < count; i++) {
        if (v[i].len) {
            memcpy(out->data + out->len, tn_str_data(&v[i]), v[i].len);
            out->len += v[i].len;
        }
    }
done:
    tn_free(lens);
    return rc;
}

int pq_delta_byte_array_encode(const tn_str *v, uint32_t count, pq_bytes *out)
{
    int rc = TN_OK;
    int32_t *pre = tn_malloc((size_t)count * sizeof *pre);
    int32_t *suf = tn_malloc((size_t)count * sizeof *suf);
    if (!pre || !suf) {
        rc = TN_NOMEM;
        goto done;
    }
    size_t total = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (v[i].len > INT32_MAX) {
            rc = TN_RANGE;
            goto done;
        }
        uint32_t pl = 0;
        if (i > 0) {
            const char *a = tn_str_data(&v[i - 1]), *b = tn_str_data(&v[i]);
            uint32_t lim = TN_MIN(v[i - 1].len, v[i].len);
            while (pl < lim && a[pl] == b[pl])
                pl++;
        }
        pre[i] = (int32_t)pl;
        suf[i] = (int32_t)(v[i].len - pl);
        total += v[i].len - pl;
    }
    rc = pq_delta_binary_encode32(pre, count, out);
    if (rc)
        goto done;
    rc = pq_delta_binary_encode32(suf, count, out);
    if (rc)
        goto done;
    rc = pq_bytes_reserve(out, total);
    if (rc)
        goto done;
    for (uint32_t i = 0; i < count; i++) {
        if (suf[i]) {
            memcpy(out->data + out->len, tn_str_data(&v[i]) + pre[i], (size_t)suf[i]);
            out->len += (size_t)suf[i];
        }
    }
done:
    tn_free(pre);
    tn_free(suf);
    return rc;
}
