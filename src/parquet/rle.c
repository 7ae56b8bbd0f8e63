/*
 * rle.c -- bit packing and the RLE/bit-packed hybrid encoding (Encodings.md "Run Length Encoding /
 * Bit-Packing Hybrid (RLE = 3)" and "Bit-packed (Deprecated) (BIT_PACKED = 4)").
 *
 * Responsibilities: width-specialised unpacking of LSB-first bit-packed values (32- and 64-bit
 * outputs), packing for the writer, the streaming hybrid decoder used for levels, dictionary
 * indexes and RLE booleans, its encoder, and the legacy MSB-first BIT_PACKED level decoder.
 *
 * Fast path design: a group of 32 values of width W occupies exactly 4*W bytes. For each W there
 * is a fully unrolled function in which every value is one unaligned 64-bit little-endian load at a
 * constant byte offset, a constant shift and a constant mask (widths > 56 of the 64-bit variant
 * add one more byte). Such a load may touch up to 8 (9) bytes past the group, so the fast path
 * runs only while that many bytes are known to be readable (`avail`); the last group(s) of a
 * buffer go through a zero-padded stack copy. No per-bit loops anywhere on the decode side.
 *
 * Hybrid stream format (no length prefix here; callers strip the u32 prefix of v1 levels):
 *   run := varint header h; h&1 == 0: RLE run of h>>1 copies of one value stored in
 *   ceil(W/8) little-endian bytes; h&1 == 1: (h>>1) groups of 8 bit-packed values.
 * Run lengths must lie in [1, 2^31-1]; zero-length runs are rejected as corrupt. A final
 * bit-packed run whose padding bytes were cut off by the writer is accepted as long as the
 * values actually requested are present.
 */
#include "parquet/encoding.h"

#include <string.h>

#if defined(__clang__)
#define PQ_UNROLL _Pragma("clang loop unroll(full)")
#elif defined(__GNUC__)
#define PQ_UNROLL _Pragma("GCC unroll 32")
#else
#define PQ_UNROLL
#endif

#define PQ_MASK64(W) ((W) >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << ((W) & 63)) - 1))

static inline uint64_t load64le(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void store64le(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, 8);
}

/* ---- width-specialised unpacking of 32 values ---- */

typedef void (*unpack32_fn)(const uint8_t *in, uint32_t *out);
typedef void (*unpack64_fn)(const uint8_t *in, uint64_t *out);

#define UNPACK32_DEF(W)                                                                   \
    static void unpack32_##W(const uint8_t *in, uint32_t *out)                            \
    {                                                                                     \
        PQ_UNROLL                                                                         \
        for (uint32_t i = 0; i < 32; i++) {                                               \
            const uint32_t bit = i * (W);                                                 \
            out[i] = (uint32_t)((load64le(in + (bit >> 3)) >> (bit & 7)) & PQ_MASK64(W)); \
        }                                                                                 \
    }

#define UNPACK64_DEF(W)                                                \
    static void unpack64_##W(const uint8_t *in, uint64_t *out)         \
    {                                                                  \
        PQ_UNROLL                                                      \
        for (uint32_t i = 0; i < 32; i++) {                            \
            const uint32_t bit = i * (W), s = bit & 7;                 \
            const uint8_t *q = in + (bit >> 3);                        \
            uint64_t v = load64le(q) >> s;                             \
            if ((W) > 56 && s + (W) > 64)                              \
                v |= (uint64_t)q[8] << ((64 - s) & 63);                \
            out[i] = v & PQ_MASK64(W);                                 \
        }                                                              \
    }

UNPACK32_DEF(1) UNPACK32_DEF(2) UNPACK32_DEF(3) UNPACK32_DEF(4) UNPACK32_DEF(5) UNPACK32_DEF(6)
UNPACK32_DEF(7) UNPACK32_DEF(8) UNPACK32_DEF(9) UNPACK32_DEF(10) UNPACK32_DEF(11) UNPACK32_DEF(12)
UNPACK32_DEF(13) UNPACK32_DEF(14) UNPACK32_DEF(15) UNPACK32_DEF(16) UNPACK32_DEF(17) UNPACK32_DEF(18)
UNPACK32_DEF(19) UNPACK32_DEF(20) UNPACK32_DEF(21) UNPACK32_DEF(22) UNPACK32_DEF(23) UNPACK32_DEF(24)
UNPACK32_DEF(25) UNPACK32_DEF(26) UNPACK32_DEF(27) UNPACK32_DEF(28) UNPACK32_DEF(29) UNPACK32_DEF(30)
UNPACK32_DEF(31) UNPACK32_DEF(32)

UNPACK64_DEF(1) UNPACK64_DEF(2) UNPACK64_DEF(3) UNPACK64_DEF(4) UNPACK64_DEF(5) UNPACK64_DEF(6)
UNPACK64_DEF(7) UNPACK64_DEF(8) UNPACK64_DEF(9) UNPACK64_DEF(10) UNPACK64_DEF(11) UNPACK64_DEF(12)
UNPACK64_DEF(13) UNPACK64_DEF(14) UNPACK64_DEF(15) UNPACK64_DEF(16) UNPACK64_DEF(17) UNPACK64_DEF(18)
UNPACK64_DEF(19) UNPACK64_DEF(20) UNPACK64_DEF(21) UNPACK64_DEF(22) UNPACK64_DEF(23) UNPACK64_DEF(24)
UNPACK64_DEF(25) UNPACK64_DEF(26) UNPACK64_DEF(27) UNPACK64_DEF(28) UNPACK64_DEF(29) UNPACK64_DEF(30)
UNPACK64_DEF(31) UNPACK64_DEF(32) UNPACK64_DEF(33) UNPACK64_DEF(34) UNPACK64_DEF(35) UNPACK64_DEF(36)
UNPACK64_DEF(37) UNPACK64_DEF(38) UNPACK64_DEF(39) UNPACK64_DEF(40) UNPACK64_DEF(41) UNPACK64_DEF(42)
UNPACK64_DEF(43) UNPACK64_DEF(44) UNPACK64_DEF(45) UNPACK64_DEF(46) UNPACK64_DEF(47) UNPACK64_DEF(48)
UNPACK64_DEF(49) UNPACK64_DEF(50) UNPACK64_DEF(51) UNPACK64_DEF(52) UNPACK64_DEF(53) UNPACK64_DEF(54)
UNPACK64_DEF(55) UNPACK64_DEF(56) UNPACK64_DEF(57) UNPACK64_DEF(58) UNPACK64_DEF(59) UNPACK64_DEF(60)
UNPACK64_DEF(61) UNPACK64_DEF(62) UNPACK64_DEF(63) UNPACK64_DEF(64)

static const unpack32_fn unpack32_tab[33] = {
    NULL, unpack32_1, unpack32_2, unpack32_3, unpack32_4, unpack32_5, unpack32_6, unpack32_7,
    unpack32_8, unpack32_9, unpack32_10, unpack32_11, unpack32_12, unpack32_13, unpack32_14, unpack32_15,
    unpack32_16, unpack32_17, unpack32_18, unpack32_19, unpack32_20, unpack32_21, unpack32_22, unpack32_23,
    unpack32_24, unpack32_25, unpack32_26, unpack32_27, unpack32_28, unpack32_29, unpack32_30, unpack32_31,
    unpack32_32,
};

static const unpack64_fn unpack64_tab[65] = {
    NULL, unpack64_1, unpack64_2, unpack64_3, unpack64_4, unpack64_5, unpack64_6, unpack64_7,
    unpack64_8, unpack64_9, unpack64_10, unpack64_11, unpack64_12, unpack64_13, unpack64_14, unpack64_15,
    unpack64_16, unpack64_17, unpack64_18, unpack64_19, unpack64_20, unpack64_21, unpack64_22, unpack64_23,
    unpack64_24, unpack64_25, unpack64_26, unpack64_27, unpack64_28, unpack64_29, unpack64_30, unpack64_31,
    unpack64_32, unpack64_33, unpack64_34, unpack64_35, unpack64_36, unpack64_37, unpack64_38, unpack64_39,
    unpack64_40, unpack64_41, unpack64_42, unpack64_43, unpack64_44, unpack64_45, unpack64_46, unpack64_47,
    unpack64_48, unpack64_49, unpack64_50, unpack64_51, unpack64_52, unpack64_53, unpack64_54, unpack64_55,
    unpack64_56, unpack64_57, unpack64_58, unpack64_59, unpack64_60, unpack64_61, unpack64_62, unpack64_63,
    unpack64_64,
};

/* Bytes the fast path may load for one group of 32 values of width w. */
static inline size_t slack32(int w) { return (size_t)(31 * w) / 8 + 8; }
static inline size_t slack64(int w) { return (size_t)(31 * w) / 8 + (w > 56 ? 9 : 8); }

void pq_bit_unpack32_avail(const uint8_t *in, size_t avail, uint32_t *out, uint32_t count, int width)
{
    if (width <= 0 || width > 32) {
        memset(out, 0, (size_t)count * sizeof *out);
        return;
    }
    const unpack32_fn fn = unpack32_tab[width];
    const size_t group = 4 * (size_t)width, need = slack32(width);
    size_t off = 0;
    uint32_t i = 0;
    while (count - i >= 32 && avail - off >= need) {
        fn(in + off, out + i);
        off += group;
        i += 32;
    }
    while (i < count) {
        uint8_t buf[4 * 32 + 16];
        uint32_t tmp[32];
        uint32_t k = count - i < 32 ? count - i : 32;
        size_t nb = avail - off < group ? avail - off : group;
        memset(buf, 0, sizeof buf);
        memcpy(buf, in + off, nb);
        fn(buf, tmp);
        memcpy(out + i, tmp, (size_t)k * sizeof *out);
        off += nb;
        i += k;
    }
}

void pq_bit_unpack32(const uint8_t *in, uint32_t *out, uint32_t count, int width)
{
    pq_bit_unpack32_avail(in, ((size_t)count * (size_t)(width > 0 ? width : 0) + 7) / 8, out, count, width);
}

void pq_bit_unpack64(const uint8_t *in, size_t avail, uint64_t *out, uint32_t count, int width)
{
    if (width <= 0 || width > 64) {
        memset(out, 0, (size_t)count * sizeof *out);
        return;
    }
    const unpack64_fn fn = unpack64_tab[width];
    const size_t group = 4 * (size_t)width, need = slack64(width);
    size_t off = 0;
    uint32_t i = 0;
    while (count - i >= 32 && avail - off >= need) {
        fn(in + off, out + i);
        off += group;
        i += 32;
    }
    while (i < count) {
        uint8_t buf[8 * 32 + 16];
        uint64_t tmp[32];
        uint32_t k = count - i < 32 ? count - i : 32;
        size_t nb = avail - off < group ? avail - off : group;
        memset(buf, 0, sizeof buf);
        memcpy(buf, in + off, nb);
        fn(buf, tmp);
        memcpy(out + i, tmp, (size_t)k * sizeof *out);
        off += nb;
        i += k;
    }
}

void pq_bit_pack64(const uint64_t *in, uint32_t count, int width, uint8_t *out)
{
    if (width <= 0)
        return;
    const uint64_t mask = PQ_MASK64(width);
    tn_u128 acc = 0;
    int nbits = 0;
    size_t o = 0;
    for (uint32_t i = 0; i < count; i++) {
        acc |= (tn_u128)(in[i] & mask) << nbits;
        nbits += width;
        if (nbits >= 64) {
            store64le(out + o, (uint64_t)acc);
            o += 8;
            acc >>= 64;
            nbits -= 64;
        }
    }
    while (nbits > 0) { /* count*width is a multiple of 8 when count is */
        out[o++] = (uint8_t)acc;
        acc >>= 8;
        nbits -= 8;
    }
}

int pq_bit_width(uint32_t max_value)
{
    return max_value ? 32 - __builtin_clz(max_value) : 0;
}

/* ---- hybrid decoder ---- */

static int rle_corrupt(const pq_rle_decoder *d, tn_err *err, const char *what)
{
    return tn_err_set(err, TN_CORRUPT, "RLE/bit-packed hybrid: %s at byte %zu", what,
                      (size_t)(d->p - d->start));
}

void pq_rle_init(pq_rle_decoder *d, const uint8_t *data, size_t n, int bit_width)
{
    d->start = d->p = data;
    d->end = data ? data + n : data; /* no arithmetic on NULL (empty input) */
    d->bit_width = bit_width;
    d->rle_left = 0;
    d->rle_value = 0;
    d->bp_left = 0;
    d->bp_pos = 8; /* bp_buf empty */
}

/* Read the next run header and set up rle_* or bp_left. */
static int rle_next_run(pq_rle_decoder *d, tn_err *err)
{
    const int w = d->bit_width;
    if (d->p >= d->end)
        return rle_corrupt(d, err, "data ends before all values were read");
    uint64_t h = 0;
    int shift = 0;
    const uint8_t *q = d->p;
    for (;;) {
        if (q >= d->end)
            return rle_corrupt(d, err, "truncated run header");
        uint8_t b = *q++;
        h |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        shift += 7;
        if (shift > 28)
            return rle_corrupt(d, err, "run header varint too long");
    }
    if (h > UINT32_MAX)
        return rle_corrupt(d, err, "run header out of range");
    if (h & 1) {
        uint64_t groups = h >> 1;
        if (groups == 0)
            return rle_corrupt(d, err, "empty bit-packed run");
        if (groups > (uint64_t)INT32_MAX / 8)
            return rle_corrupt(d, err, "bit-packed run longer than 2^31-1 values");
        d->p = q;
        uint64_t values = groups * 8;
        if (w > 0) {
            uint64_t have = (uint64_t)(d->end - d->p) * 8 / (uint64_t)w;
            if (have < values)
                values = have; /* padding cut off at the end of the data */
            if (values == 0)
                return rle_corrupt(d, err, "truncated bit-packed run");
        }
        d->bp_left = (uint32_t)values;
    } else {
        uint32_t count = (uint32_t)(h >> 1);
        if (count == 0)
            return rle_corrupt(d, err, "empty RLE run");
        size_t nb = ((size_t)w + 7) / 8;
        if ((size_t)(d->end - q) < nb) {
            d->p = q;
            return rle_corrupt(d, err, "truncated RLE run value");
        }
        uint32_t v = 0;
        for (size_t i = 0; i < nb; i++)
            v |= (uint32_t)q[i] << (8 * i);
        if (w < 32 && (v >> w) != 0) {
            d->p = q;
            return rle_corrupt(d, err, "RLE run value wider than the bit width");
        }
        d->p = q + nb;
        d->rle_left = count;
        d->rle_value = v;
    }
    return TN_OK;
}

/* Unpack the next group of 8 (or fewer, if the run was cut short) into bp_buf; the valid values
 * end at bp_buf[8]. */
static void rle_fill_group(pq_rle_decoder *d)
{
    const int w = d->bit_width;
    uint32_t g = d->bp_left < 8 ? d->bp_left : 8;
    uint8_t buf[32];
    size_t avail = (size_t)(d->end - d->p), nb = (size_t)w < avail ? (size_t)w : avail;
    memset(buf, 0, sizeof buf);
    if (nb)
        memcpy(buf, d->p, nb);
    uint32_t tmp[8];
    pq_bit_unpack32_avail(buf, sizeof buf, tmp, 8, w);
    memcpy(d->bp_buf + (8 - g), tmp, g * sizeof(uint32_t));
    d->bp_pos = 8 - g;
    d->p += nb;
    d->bp_left -= g;
}

/* Decode into o32 or o16 (exactly one non-NULL), or skip when both are NULL. */
static int rle_decode(pq_rle_decoder *d, uint32_t *o32, uint16_t *o16, uint32_t count, tn_err *err)
{
    const int w = d->bit_width;
    if (w < 0 || w > 32)
        return tn_err_set(err, TN_CORRUPT, "RLE/bit-packed hybrid: invalid bit width %d", w);
    uint32_t i = 0;
    while (i < count) {
        uint32_t want = count - i;
        if (d->bp_pos < 8) {
            uint32_t n = 8 - d->bp_pos < want ? 8 - d->bp_pos : want;
            const uint32_t *src = d->bp_buf + d->bp_pos;
            if (o32)
                memcpy(o32 + i, src, n * sizeof(uint32_t));
            else if (o16)
                for (uint32_t k = 0; k < n; k++)
                    o16[i + k] = (uint16_t)src[k];
            d->bp_pos += n;
            i += n;
        } else if (d->rle_left) {
            uint32_t n = d->rle_left < want ? d->rle_left : want;
            const uint32_t v = d->rle_value;
            if (o32) {
                uint32_t *o = o32 + i;
                for (uint32_t k = 0; k < n; k++)
                    o[k] = v;
            } else if (o16) {
                uint16_t *o = o16 + i;
                for (uint32_t k = 0; k < n; k++)
                    o[k] = (uint16_t)v;
            }
            d->rle_left -= n;
            i += n;
        } else if (d->bp_left) {
            if (want >= 8 && d->bp_left >= 8) {
                /* Whole groups straight from the stream. */
                uint32_t n = (want < d->bp_left ? want : d->bp_left) & ~7u;
                size_t avail = (size_t)(d->end - d->p);
                if (o32) {
                    pq_bit_unpack32_avail(d->p, avail, o32 + i, n, w);
                } else if (o16) {
                    uint32_t tmp[256];
                    if (n > 256)
                        n = 256;
                    pq_bit_unpack32_avail(d->p, avail, tmp, n, w);
                    for (uint32_t k = 0; k < n; k++)
                        o16[i + k] = (uint16_t)tmp[k];
                }
                d->p += (size_t)(n / 8) * (size_t)w;
                d->bp_left -= n;
                i += n;
            } else {
                rle_fill_group(d);
            }
        } else {
            int rc = rle_next_run(d, err);
            if (rc)
                return rc;
        }
    }
    return TN_OK;
}

int pq_rle_get(pq_rle_decoder *d, uint32_t *out, uint32_t count, tn_err *err)
{
    return rle_decode(d, out, NULL, count, err);
}

int pq_rle_get_levels(pq_rle_decoder *d, uint16_t *out, uint32_t count, tn_err *err)
{
    if (d->bit_width > 16)
        return tn_err_set(err, TN_CORRUPT, "RLE/bit-packed hybrid: level bit width %d exceeds 16",
                          d->bit_width);
    return rle_decode(d, NULL, out, count, err);
}

int pq_rle_skip(pq_rle_decoder *d, uint32_t count, tn_err *err)
{
    return rle_decode(d, NULL, NULL, count, err);
}

/* ---- legacy BIT_PACKED (MSB-first) ---- */

int pq_bit_packed_legacy_decode(const uint8_t *in, size_t n, int width, uint16_t *out, uint32_t count,
                                tn_err *err)
{
    if (width < 0 || width > 16)
        return tn_err_set(err, TN_CORRUPT, "BIT_PACKED: invalid level bit width %d at byte 0", width);
    uint64_t need = ((uint64_t)count * (uint64_t)width + 7) / 8;
    if (need > n)
        return tn_err_set(err, TN_CORRUPT,
                          "BIT_PACKED: %u values of %d bits need %llu bytes but data ends at byte %zu",
                          count, width, (unsigned long long)need, n);
    if (width == 0) {
        memset(out, 0, (size_t)count * sizeof *out);
        return TN_OK;
    }
    const uint32_t mask = (1u << width) - 1;
    uint64_t acc = 0;
    int nbits = 0;
    size_t pos = 0;
    for (uint32_t i = 0; i < count; i++) {
        while (nbits < width) {
            acc = (acc << 8) | in[pos++];
            nbits += 8;
        }
        nbits -= width;
        out[i] = (uint16_t)((acc >> nbits) & mask);
    }
    return TN_OK;
}

/* ---- hybrid encoder ---- */

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

/* Bit-packed run of n values (padded with zeros to a multiple of 8; only the stream's last run
 * may need padding). */
static int rle_put_packed(const uint32_t *v, uint32_t n, int w, pq_bytes *out)
{
    const uint32_t max_groups = 1u << 24; /* keeps each run far below 2^31-1 values */
    while (n > 0) {
        uint32_t groups = (n + 7) / 8;
        if (groups > max_groups)
            groups = max_groups;
        uint32_t take = groups * 8 < n ? groups * 8 : n;
        uint8_t hdr[10];
        size_t hl = put_uleb(hdr, ((uint64_t)groups << 1) | 1);
        int rc = pq_bytes_reserve(out, hl + (size_t)groups * (size_t)w);
        if (rc)
            return rc;
        memcpy(out->data + out->len, hdr, hl);
        out->len += hl;
        uint64_t tmp[512];
        for (uint32_t done = 0; done < groups * 8; done += 512) {
            uint32_t k = groups * 8 - done < 512 ? groups * 8 - done : 512;
            for (uint32_t j = 0; j < k; j++)
                tmp[j] = done + j < take ? v[done + j] : 0;
            pq_bit_pack64(tmp, k, w, out->data + out->len);
            out->len += (size_t)k / 8 * (size_t)w;
        }
        v += take;
        n -= take;
    }
    return TN_OK;
}

static int rle_put_run(uint32_t value, uint32_t n, int w, pq_bytes *out)
{
    while (n > 0) {
        uint32_t take = n > (uint32_t)INT32_MAX ? (uint32_t)INT32_MAX : n;
        uint8_t buf[16];
        size_t len = put_uleb(buf, (uint64_t)take << 1);
        for (int b = 0; b < (w + 7) / 8; b++)
            buf[len++] = (uint8_t)(value >> (8 * b));
        int rc = pq_bytes_append(out, buf, len);
        if (rc)
            return rc;
        n -= take;
    }
    return TN_OK;
}

int pq_rle_encode(const uint32_t *values, uint32_t count, int bit_width, pq_bytes *out)
{
    const int w = bit_width;
    if (w < 0 || w > 32)
        return TN_MISUSE;
    int rc = TN_OK;
    uint32_t lit = 0, i = 0; /* values[lit, i) are pending literals */
    while (i < count) {
        const uint32_t v = values[i];
        if (w < 32 && (v >> w) != 0)
            return TN_MISUSE;
        uint32_t j = i + 1;
        while (j < count && values[j] == v)
            j++;
        uint32_t run = j - i;
        if (run >= 8) {
            /* Pad the pending literals to whole groups with the run's first values. */
            uint32_t pending = i - lit, borrow = (8 - pending % 8) % 8;
            if (run - borrow >= 8) {
                if (pending + borrow) {
                    rc = rle_put_packed(values + lit, pending + borrow, w, out);
                    if (rc)
                        goto done;
                }
                rc = rle_put_run(v, run - borrow, w, out);
                if (rc)
                    goto done;
                lit = j;
            }
        }
        i = j;
    }
    if (lit < count)
        rc = rle_put_packed(values + lit, count - lit, w, out);
done:
    return rc;
}
