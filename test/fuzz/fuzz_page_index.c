/*
 * fuzz_page_index.c -- libFuzzer target for the page index and Bloom filter decoders
 * (src/parquet/page_index.c: ColumnIndex, OffsetIndex; src/parquet/bloom_read.c: a
 * BloomFilterHeader followed by its bitset).
 *
 * Input: [selector] + bytes.
 *   selector % 3 == 0  the bytes are a ColumnIndex: on success every page's bounds are read in
 *                      full (ASan checks they lie in the index's own copy) and the lists agree;
 *   selector % 3 == 1  the bytes are an OffsetIndex;
 *   selector % 3 == 2  the bytes are a Bloom filter (header + bitset): on success the bitset size
 *                      is a positive multiple of 32 within the input, and a few values are probed.
 * Failures must be TN_CORRUPT (TN_NOTSUP for other Bloom algorithms) with a message, and leave
 * *out NULL.
 */
#include "parquet/parquet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_if(int cond, const char *what)
{
    if (cond) {
        fprintf(stderr, "fuzz_page_index: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int sel = data[0] % 3;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    tn_err err = TN_ERR_INIT;
    if (sel == 0) {
        pq_column_index *ci = NULL;
        int rc = pq_column_index_decode(p, n, 0, &ci, &err);
        if (rc) {
            die_if(rc != TN_CORRUPT && rc != TN_NOMEM, "unexpected ColumnIndex error code");
            die_if(ci != NULL || !err.msg[0], "failed ColumnIndex decode left a result or no message");
            return 0;
        }
        volatile unsigned sum = 0;
        for (uint32_t i = 0; i < ci->npages; i++) {
            const pq_page_stats *ps = &ci->pages[i];
            for (uint32_t k = 0; k < ps->min_len; k++)
                sum += ps->min[k];
            for (uint32_t k = 0; k < ps->max_len; k++)
                sum += ps->max[k];
            die_if(ps->null_count < -1 || ps->nan_count < -1, "negative count kept");
        }
        (void)sum;
        die_if((size_t)ci->npages > n, "more pages than bytes");
        pq_column_index_free(ci);
    } else if (sel == 1) {
        pq_offset_index *oi = NULL;
        int rc = pq_offset_index_decode(p, n, 0, &oi, &err);
        if (rc) {
            die_if(rc != TN_CORRUPT && rc != TN_NOMEM, "unexpected OffsetIndex error code");
            die_if(oi != NULL || !err.msg[0], "failed OffsetIndex decode left a result or no message");
            return 0;
        }
        die_if((size_t)oi->npages > n, "more pages than bytes");
        volatile int64_t sum = 0;
        for (uint32_t i = 0; i < oi->npages; i++)
            sum += oi->pages[i].first_row_index + oi->pages[i].offset + oi->pages[i].compressed_page_size;
        (void)sum;
        pq_offset_index_free(oi);
    } else {
        pq_bloom_filter *bf = NULL;
        int rc = pq_bloom_filter_decode(p, n, 0, &bf, &err);
        if (rc) {
            die_if(rc != TN_CORRUPT && rc != TN_NOTSUP && rc != TN_NOMEM, "unexpected Bloom filter error code");
            die_if(bf != NULL || !err.msg[0], "failed Bloom filter decode left a result or no message");
            return 0;
        }
        die_if(bf->nbytes == 0 || bf->nbytes % 32 || bf->nbytes > n, "bad bitset size");
        pq_schema_node node;
        memset(&node, 0, sizeof node);
        node.physical_type = PQ_INT64;
        node.type = tn_type_make(TN_T_INT64);
        node.supported = true;
        for (int64_t v = -2; v < 3; v++) {
            tn_value x = tn_value_int(node.type, v);
            (void)pq_bloom_filter_may_contain(bf, &node, &x);
        }
        pq_bloom_filter_free(bf);
    }
    return 0;
}
