/*
 * bss.c -- BYTE_STREAM_SPLIT decoding and encoding (Encodings.md "Byte Stream Split
 * (BYTE_STREAM_SPLIT = 9)"): N values of K bytes are stored as K streams of N bytes, stream k
 * holding byte k of every value, so value[i].byte[k] = data[k*N + i].
 *
 * The section carries no header: N is the section size divided by K, so the size must be a
 * multiple of K and hold at least `count` values. The streams are strided by N (not by count),
 * which matters when a caller decodes fewer values than the section holds. K = 2, 4 and 8 have
 * dedicated loops (FLOAT16, FLOAT/INT32, DOUBLE/INT64) that gather one whole value per
 * iteration; other FIXED_LEN_BYTE_ARRAY widths use a stream-by-stream loop.
 */
#include "parquet/encoding.h"

#include <string.h>

int pq_bss_decode(const uint8_t *p, size_t n, uint8_t *out, uint32_t count, uint32_t width, tn_err *err)
{
    if (width == 0)
        return tn_err_set(err, TN_CORRUPT, "BYTE_STREAM_SPLIT: value width 0 at byte 0");
    if (n % width)
        return tn_err_set(err, TN_CORRUPT,
                          "BYTE_STREAM_SPLIT: section of %zu bytes is not a multiple of the value width %u "
                          "(ends at byte %zu)", n, width, n);
    const size_t N = n / width;
    if (N < count)
        return tn_err_set(err, TN_CORRUPT,
                          "BYTE_STREAM_SPLIT: section holds %zu values of %u bytes but %u are expected "
                          "(ends at byte %zu)", N, width, count, n);
    switch (width) {
    case 2: {
        const uint8_t *s0 = p, *s1 = p + N;
        for (uint32_t i = 0; i < count; i++) {
            out[2 * (size_t)i] = s0[i];
            out[2 * (size_t)i + 1] = s1[i];
        }
        break;
    }
    case 4: {
        const uint8_t *s0 = p, *s1 = p + N, *s2 = p + 2 * N, *s3 = p + 3 * N;
        for (uint32_t i = 0; i < count; i++) {
            uint32_t v = (uint32_t)s0[i] | (uint32_t)s1[i] << 8 | (uint32_t)s2[i] << 16 |
                         (uint32_t)s3[i] << 24;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            v = __builtin_bswap32(v);
#endif
            memcpy(out + 4 * (size_t)i, &v, 4);
        }
        break;
    }
    case 8: {
        const uint8_t *s[8];
        for (int k = 0; k < 8; k++)
            s[k] = p + (size_t)k * N;
        for (uint32_t i = 0; i < count; i++) {
            uint64_t v = (uint64_t)s[0][i] | (uint64_t)s[1][i] << 8 | (uint64_t)s[2][i] << 16 |
                         (uint64_t)s[3][i] << 24 | (uint64_t)s[4][i] << 32 | (uint64_t)s[5][i] << 40 |
                         (uint64_t)s[6][i] << 48 | (uint64_t)s[7][i] << 56;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            v = __builtin_bswap64(v);
#endif
            memcpy(out + 8 * (size_t)i, &v, 8);
        }
        break;
    }
    default:
        for (uint32_t k = 0; k < width; k++) {
            const uint8_t *s = p + (size_t)k * N;
            uint8_t *o = out + k;
            for (uint32_t i = 0; i < count; i++)
                o[(size_t)i * width] = s[i];
        }
        break;
    }
    return TN_OK;
}

int pq_bss_encode(const uint8_t *in, uint32_t count, uint32_t width, pq_bytes *out)
{
    if (width == 0)
        return TN_MISUSE;
    size_t total = (size_t)count * width;
    int rc = pq_bytes_reserve(out, total);
    if (rc)
        return rc;
    uint8_t *dst = out->data + out->len;
    for (uint32_t k = 0; k < width; k++) {
        uint8_t *s = dst + (size_t)k * count;
        const uint8_t *src = in + k;
        for (uint32_t i = 0; i < count; i++)
            s[i] = src[(size_t)i * width];
    }
    out->len += total;
    return TN_OK;
}
