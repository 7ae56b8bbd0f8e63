/*
 * fuzz_encoding.c -- libFuzzer target for the Parquet value/level decoders of untrusted bytes
 * (src/parquet/rle.c, delta.c, bss.c). Input: [selector][width][count lo][count hi] + payload.
 * Besides "no crash, no leak, no UB", decoded output is checked for its invariants (RLE values
 * below 2^width, string views inside their buffers) and DELTA_BINARY_PACKED output must survive
 * encode -> decode unchanged.
 */
#include "parquet/encoding.h"

#include <stdlib.h>
#include <string.h>

static void die_if(int cond)
{
    if (cond)
        abort();
}

static volatile uint32_t sink;

static void fuzz_rle(const uint8_t *p, size_t n, int width, uint32_t count, int levels)
{
    pq_rle_decoder d;
    tn_err err = TN_ERR_INIT;
    uint32_t *out = malloc((size_t)count * sizeof *out + 4);
    uint16_t *lv = malloc((size_t)count * sizeof *lv + 2);
    pq_rle_init(&d, p, n, width);
    uint32_t pos = 0, step = (uint32_t)width * 7 + 1;
    int rc = TN_OK;
    while (pos < count && rc == TN_OK) {
        uint32_t k = count - pos < step ? count - pos : step;
        if ((pos / step) % 3 == 2) {
            rc = pq_rle_skip(&d, k, &err);
        } else if (levels) {
            rc = pq_rle_get_levels(&d, lv + pos, k, &err);
        } else {
            rc = pq_rle_get(&d, out + pos, k, &err);
            for (uint32_t i = 0; rc == TN_OK && i < k; i++)
                die_if(width < 32 && (out[pos + i] >> width) != 0);
        }
        pos += k;
    }
    die_if(rc != TN_OK && rc != TN_CORRUPT);
    die_if(d.p < d.start || d.p > d.end);
    free(out);
    free(lv);
}

static void fuzz_delta(const uint8_t *p, size_t n, uint32_t count, int bits)
{
    tn_err err = TN_ERR_INIT;
    uint32_t nd = 0;
    size_t used = 0;
    void *out = malloc((size_t)count * 8 + 8);
    int rc = bits == 32 ? pq_delta_binary_decode32(p, n, out, count, &nd, &used, &err)
                        : pq_delta_binary_decode64(p, n, out, count, &nd, &used, &err);
    die_if(rc != TN_OK && rc != TN_CORRUPT);
    if (rc == TN_OK) {
        die_if(nd > count || used > n);
        pq_bytes b = {0};
        void *again = malloc((size_t)nd * 8 + 8);
        uint32_t nd2 = 0;
        size_t used2 = 0;
        if (bits == 32) {
            die_if(pq_delta_binary_encode32(out, nd, &b) != TN_OK);
            die_if(pq_delta_binary_decode32(b.data, b.len, again, nd, &nd2, &used2, &err) != TN_OK);
            die_if(memcmp(out, again, (size_t)nd * 4) != 0);
        } else {
            die_if(pq_delta_binary_encode64(out, nd, &b) != TN_OK);
            die_if(pq_delta_binary_decode64(b.data, b.len, again, nd, &nd2, &used2, &err) != TN_OK);
            die_if(memcmp(out, again, (size_t)nd * 8) != 0);
        }
        die_if(nd2 != nd || used2 != b.len);
        free(again);
        pq_bytes_free(&b);
    }
    free(out);
}

static uint32_t touch(const tn_str *s, uint32_t count)
{
    uint32_t h = 0;
    for (uint32_t i = 0; i < count; i++) {
        const char *d = tn_str_data(&s[i]);
        for (uint32_t k = 0; k < s[i].len; k++)
            h = h * 31 + (uint8_t)d[k];
    }
    return h;
}

static void fuzz_strings(const uint8_t *p, size_t n, uint32_t count, int prefix)
{
    tn_err err = TN_ERR_INIT;
    tn_str *out = malloc((size_t)count * sizeof *out + sizeof *out);
    int rc;
    if (prefix) {
        tn_buf *heap = NULL;
        rc = pq_delta_byte_array_decode(p, n, out, count, &heap, &err);
        if (rc == TN_OK) {
            sink = touch(out, count);
            pq_bytes b = {0};
            die_if(pq_delta_byte_array_encode(out, count, &b) != TN_OK);
            tn_str *again = malloc((size_t)count * sizeof *again + sizeof *again);
            tn_buf *h2 = NULL;
            die_if(pq_delta_byte_array_decode(b.data, b.len, again, count, &h2, &err) != TN_OK);
            for (uint32_t i = 0; i < count; i++)
                die_if(!tn_str_eq(&out[i], &again[i]));
            tn_buf_unref(h2);
            free(again);
            pq_bytes_free(&b);
        } else {
            die_if(heap != NULL);
        }
        tn_buf_unref(heap);
    } else {
        size_t used = 0;
        rc = pq_delta_length_decode(p, n, out, count, &used, &err);
        if (rc == TN_OK) {
            die_if(used > n);
            for (uint32_t i = 0; i < count; i++)
                if (out[i].len > TN_STR_INLINE)
                    die_if((const uint8_t *)out[i].u.ptr < p ||
                           (const uint8_t *)out[i].u.ptr + out[i].len > p + used);
            sink = touch(out, count);
        }
    }
    die_if(rc != TN_OK && rc != TN_CORRUPT);
    free(out);
}

static void fuzz_bss(const uint8_t *p, size_t n, uint32_t count, uint32_t width)
{
    tn_err err = TN_ERR_INIT;
    uint8_t *out = malloc((size_t)count * width + 1);
    int rc = pq_bss_decode(p, n, out, count, width, &err);
    die_if(rc != TN_OK && rc != TN_CORRUPT);
    if (rc == TN_OK && width && count) {
        size_t N = n / width;
        die_if(out[(size_t)(count - 1) * width + width - 1] != p[(width - 1) * N + count - 1]);
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    uint8_t sel = data[0], w = data[1];
    uint32_t count = (uint32_t)data[2] | (uint32_t)data[3] << 8;
    const uint8_t *p = data + 4;
    size_t n = size - 4;
    switch (sel % 9) {
    case 0: fuzz_rle(p, n, w % 35 - 1, count, 0); break; /* widths -1..33 */
    case 1: fuzz_rle(p, n, w % 19, count, 1); break;
    case 2: {
        tn_err err = TN_ERR_INIT;
        uint16_t *out = malloc((size_t)count * 2 + 2);
        int rc = pq_bit_packed_legacy_decode(p, n, w % 18, out, count, &err);
        die_if(rc != TN_OK && rc != TN_CORRUPT);
        free(out);
        break;
    }
    case 3: fuzz_delta(p, n, count, 32); break;
    case 4: fuzz_delta(p, n, count, 64); break;
    case 5: fuzz_strings(p, n, count, 0); break;
    case 6: fuzz_strings(p, n, count, 1); break;
    case 7: fuzz_bss(p, n, count, w % 20); break;
    default: {
        /* bit unpacking straight from the payload */
        int width = w % 65;
        uint32_t c = (uint32_t)(n * 8 / (width ? (size_t)width : 1));
        if (c > 4096)
            c = 4096;
        c &= ~7u;
        uint64_t *o64 = malloc((size_t)c * 8 + 8);
        pq_bit_unpack64(p, n, o64, c, width);
        if (width <= 32) {
            uint32_t *o32 = malloc((size_t)c * 4 + 4);
            pq_bit_unpack32(p, o32, c, width);
            for (uint32_t i = 0; i < c; i++)
                die_if(o32[i] != o64[i]);
            free(o32);
        }
        free(o64);
        break;
    }
    }
    return 0;
}
