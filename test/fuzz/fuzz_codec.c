/*
 * fuzz_codec.c -- libFuzzer target for page decompression (src/parquet/codec.c).
 * Input: [codec][dst_len: 3 bytes LE] + compressed bytes. Decompression must succeed with exactly
 * dst_len bytes or fail with TN_CORRUPT/TN_NOTSUP, never writing past dst (the output buffer is
 * allocated at exactly dst_len so ASan sees any overrun). The payload is also compressed with the
 * same codec and must round-trip.
 */
#include "parquet/codec.h"

#include <stdlib.h>
#include <string.h>

static void die_if(int cond)
{
    if (cond)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    int codec = data[0] % 9; /* 8 = unknown */
    size_t dst_len = ((size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16) & 0xfffff;
    const uint8_t *p = data + 4;
    size_t n = size - 4;
    tn_err err = TN_ERR_INIT;

    uint8_t *dst = malloc(dst_len ? dst_len : 1);
    int rc = pq_decompress(codec, p, n, dst, dst_len, &err);
    die_if(rc != TN_OK && rc != TN_CORRUPT && rc != TN_NOTSUP && rc != TN_NOMEM);
    free(dst);

    tn_buf *c = NULL;
    rc = pq_compress(codec, 1, p, n, &c, &err);
    if (codec == PQ_CODEC_LZO || codec > PQ_CODEC_LZ4_RAW) {
        die_if(rc != TN_NOTSUP || c != NULL);
        return 0;
    }
    die_if(rc != TN_OK);
    uint8_t *back = malloc(n ? n : 1);
    rc = pq_decompress(codec, c->data, c->size, back, n, &err);
    die_if(rc != TN_OK);
    die_if(n && memcmp(back, p, n) != 0);
    free(back);
    tn_buf_unref(c);
    return 0;
}
