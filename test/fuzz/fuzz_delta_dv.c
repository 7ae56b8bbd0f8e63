/*
 * fuzz_delta_dv.c -- libFuzzer target for the deletion vector decoder (src/delta/dv.c): the
 * RoaringBitmapArray decoder (portable and native layouts, array / bitmap / run containers; the
 * validation that guards CRoaring, which then holds the bitmaps), Z85
 * decoding of inline DVs, and the DV file framing (version byte, big-endian size, CRC-32) read
 * through the in-memory vfs.
 *
 * Input: [mode] [4 bytes: offset/size parameters] + payload.
 *   mode % 3 == 0  payload is a serialized bitmap: dlt_dv_decode.
 *   mode % 3 == 1  payload is Z85 text of an inline DV ('i' descriptor, sizeInBytes from params).
 *   mode % 3 == 2  payload is a DV file "/t/dv.bin" read with a 'p' descriptor whose offset and
 *                  size come from the parameters.
 * A decoded DV must be self-consistent: iteration yields strictly increasing rows that contains()
 * confirms, the iterated count equals the cardinality (checked when it is small), and batch
 * selection agrees with contains(). Failures must be TN_CORRUPT / TN_NOTFOUND / TN_NOMEM (or
 * TN_NOTSUP for paths) with a message.
 */
#include "memvfs.h"
#include "delta/delta.h"
#include "delta/delta_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_if(int cond, const char *what)
{
    if (cond) {
        fprintf(stderr, "fuzz_delta_dv: %s\n", what);
        abort();
    }
}

static void check_dv(const dlt_dv *dv)
{
    uint64_t card = dlt_dv_cardinality(dv);
    dlt_dv_iter it;
    dlt_dv_iter_init(&it, dv, 0);
    uint64_t buf[97];
    uint64_t seen = 0, prev = 0, first = UINT64_MAX;
    uint32_t n;
    while (seen < 200000 && (n = dlt_dv_iter_next(&it, UINT64_MAX, buf, 97)) > 0) {
        for (uint32_t i = 0; i < n; i++) {
            die_if(seen + i > 0 && buf[i] <= prev, "iteration not increasing");
            die_if(!dlt_dv_contains(dv, buf[i]), "iterated row not contained");
            if (first == UINT64_MAX)
                first = buf[i];
            prev = buf[i];
            if (buf[i] + 1 != UINT64_MAX && i + 1 < n && buf[i + 1] != buf[i] + 1)
                die_if(dlt_dv_contains(dv, buf[i] + 1), "gap row contained");
        }
        seen += n;
    }
    if (card <= 200000)
        die_if(seen != card, "iteration count != cardinality");
    if (card)
        die_if(dlt_dv_max(dv) < prev, "max below an iterated row");
    /* selection around the first deleted row */
    uint64_t base = first == UINT64_MAX ? 0 : (first > 100 ? first - 100 : 0);
    uint32_t sel[2048];
    uint32_t kept = dlt_dv_select(dv, base, 2048, sel);
    uint32_t expect = 0;
    for (uint32_t r = 0; r < 2048; r++)
        if (!dlt_dv_contains(dv, base + r)) {
            die_if(expect >= kept || sel[expect] != r, "selection disagrees with contains");
            expect++;
        }
    die_if(expect != kept, "selection count");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    int mode = data[0] % 3;
    uint32_t par = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
    const uint8_t *p = data + 5;
    size_t n = size - 5;
    tn_err err = TN_ERR_INIT;
    dlt_dv *dv = NULL;
    int rc;
    if (mode == 0) {
        rc = dlt_dv_decode(p, n, &dv, &err);
    } else {
        dlt_table t;
        memset(&t, 0, sizeof t);
        t.refcnt = 1;
        t.fs = &memvfs;
        t.root = (char *)"/t";
        dlt_dv_desc d;
        memset(&d, 0, sizeof d);
        d.max_row_index = -1;
        char *text = NULL;
        if (mode == 1) {
            text = malloc(n + 1);
            if (!text)
                return 0;
            memcpy(text, p, n);
            text[n] = 0;
            d.storage_type = 'i';
            d.path_or_inline = text;
            d.size_in_bytes = (int32_t)(par & 0xffff);
            d.cardinality = (int64_t)(par >> 16);
        } else {
            memvfs_put_borrowed("/t/dv.bin", p, n);
            d.storage_type = 'p';
            d.path_or_inline = (char *)"/t/dv.bin";
            d.has_offset = true;
            d.offset = (int32_t)(par & 0xff);
            d.size_in_bytes = (int32_t)((par >> 8) & 0xffff);
            d.cardinality = (int64_t)(par >> 24);
        }
        rc = dlt_dv_load(&t, &d, &dv, &err);
        free(text);
        memvfs_clear();
        die_if(memvfs_open_handles() != 0, "file handle leaked");
    }
    if (rc) {
        die_if(rc != TN_CORRUPT && rc != TN_NOTFOUND && rc != TN_NOMEM && rc != TN_NOTSUP, "unexpected result code");
        die_if(!err.msg[0], "error without a message");
        return 0;
    }
    check_dv(dv);
    dlt_dv_free(dv);
    return 0;
}
