/*
 * bytes.c -- the growable output byte buffer (pq_bytes) that every Parquet encoder appends to, and
 * the names of the parquet.thrift Encoding enum values for error messages and EXPLAIN output.
 *
 * Invariants: data is NULL iff cap == 0; len <= cap. Growth doubles the capacity (amortised O(1)
 * appends) and checks every size computation for overflow; out-of-memory leaves the buffer
 * unchanged and returns TN_NOMEM.
 */
#include "parquet/encoding.h"

#include <string.h>

int pq_bytes_reserve(pq_bytes *b, size_t extra)
{
    if (extra <= b->cap - b->len)
        return TN_OK;
    if (b->len > SIZE_MAX / 2 || extra > SIZE_MAX / 2 - b->len)
        return TN_NOMEM;
    size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    uint8_t *p = tn_realloc(b->data, cap);
    if (!p)
        return TN_NOMEM;
    b->data = p;
    b->cap = cap;
    return TN_OK;
}

int pq_bytes_append(pq_bytes *b, const void *p, size_t n)
{
    if (n == 0)
        return TN_OK;
    int rc = pq_bytes_reserve(b, n);
    if (rc)
        return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return TN_OK;
}

void pq_bytes_free(pq_bytes *b)
{
    if (!b)
        return;
    tn_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

const char *pq_encoding_name(int enc)
{
    switch (enc) {
    case PQ_ENC_PLAIN: return "PLAIN";
    case 1: return "GROUP_VAR_INT";
    case PQ_ENC_PLAIN_DICTIONARY: return "PLAIN_DICTIONARY";
    case PQ_ENC_RLE: return "RLE";
    case PQ_ENC_BIT_PACKED: return "BIT_PACKED";
    case PQ_ENC_DELTA_BINARY_PACKED: return "DELTA_BINARY_PACKED";
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: return "DELTA_LENGTH_BYTE_ARRAY";
    case PQ_ENC_DELTA_BYTE_ARRAY: return "DELTA_BYTE_ARRAY";
    case PQ_ENC_RLE_DICTIONARY: return "RLE_DICTIONARY";
    case PQ_ENC_BYTE_STREAM_SPLIT: return "BYTE_STREAM_SPLIT";
    case 10: return "ALP";
    default: return "UNKNOWN";
    }
}
