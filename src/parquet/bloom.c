/*
 * bloom.c -- split-block Bloom filters (see bloom.h for the format; BloomFilter.md).
 *
 * Words are read and written through explicit little-endian byte order so the bitset bytes are
 * the file bytes on any host. Value hashing converts a tarn value to the Parquet physical form of
 * its column (the same conversions the writer's staging performs, writer_column.c) and hashes
 * those bytes; the writer itself hashes its staged values directly with pq_bloom_hash_bytes.
 */
#include "bloom.h"
#include "parquet.h"
#include "thrift.h"
#include "thrift_write.h"
#include "../util/vector.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <math.h>
#include <string.h>

static const uint32_t SALT[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                                 0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};

uint64_t pq_bloom_hash_bytes(const void *p, size_t n) { return XXH64(p, n, 0); }

static inline uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void st32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline size_t block_of(uint64_t hash, size_t nblocks)
{
    return (size_t)(((hash >> 32) * (uint64_t)nblocks) >> 32);
}

void pq_bloom_insert(uint8_t *bitset, size_t nbytes, uint64_t hash)
{
    size_t z = nbytes / 32;
    if (z == 0)
        return;
    uint8_t *blk = bitset + block_of(hash, z) * 32;
    uint32_t key = (uint32_t)hash;
    for (int j = 0; j < 8; j++) {
        uint32_t bit = (key * SALT[j]) >> 27;
        st32(blk + 4 * j, ld32(blk + 4 * j) | (UINT32_C(1) << bit));
    }
}

bool pq_bloom_check(const uint8_t *bitset, size_t nbytes, uint64_t hash)
{
    size_t z = nbytes / 32;
    if (z == 0 || nbytes % 32)
        return true;
    const uint8_t *blk = bitset + block_of(hash, z) * 32;
    uint32_t key = (uint32_t)hash;
    for (int j = 0; j < 8; j++) {
        uint32_t bit = (key * SALT[j]) >> 27;
        if (!((ld32(blk + 4 * j) >> bit) & 1))
            return false;
    }
    return true;
}

/* bits per distinct value for a false-positive probability */
static double bits_per_value(double fpp)
{
    if (!(fpp > 0.0 && fpp < 1.0))
        fpp = PQ_BLOOM_DEFAULT_FPP;
    return -8.0 / log(1.0 - pow(fpp, 1.0 / 8.0));
}

size_t pq_bloom_optimal_bytes(uint64_t ndv, double fpp)
{
    double bytes = (double)ndv * bits_per_value(fpp) / 8.0;
    if (bytes >= (double)PQ_BLOOM_MAX_BYTES)
        return PQ_BLOOM_MAX_BYTES;
    size_t n = PQ_BLOOM_MIN_BYTES;
    while ((double)n < bytes)
        n <<= 1;
    return n;
}

uint64_t pq_bloom_max_ndv(double fpp) { return (uint64_t)((double)PQ_BLOOM_MAX_BYTES * 8.0 / bits_per_value(fpp)); }

/* ---- value hashing ---- */

/* Smallest big-endian two's complement width holding every DECIMAL(p) value. */
static int decimal_width(int p)
{
    tn_u128 maxv = 1;
    for (int i = 0; i < p; i++)
        maxv *= 10;
    maxv -= 1;
    for (int n = 1; n <= 16; n++)
        if (maxv <= (((tn_u128)1 << (8 * n - 1)) - 1))
            return n;
    return 16;
}

/* An integer-like value (integers, DECIMAL, DATE, TIME, TIMESTAMP) widened to i128. false for
 * other types. */
static bool as_i128(tn_type t, const void *v, tn_i128 *out)
{
    switch ((tn_type_id)t.id) {
    case TN_T_INT8: *out = *(const int8_t *)v; return true;
    case TN_T_INT16: *out = *(const int16_t *)v; return true;
    case TN_T_INT32:
    case TN_T_DATE: *out = *(const int32_t *)v; return true;
    case TN_T_INT64:
    case TN_T_TIME:
    case TN_T_TIMESTAMP: *out = *(const int64_t *)v; return true;
    case TN_T_UINT8: *out = *(const uint8_t *)v; return true;
    case TN_T_UINT16: *out = *(const uint16_t *)v; return true;
    case TN_T_UINT32: *out = *(const uint32_t *)v; return true;
    case TN_T_UINT64: *out = (tn_i128) * (const uint64_t *)v; return true;
    case TN_T_INT128: memcpy(out, v, sizeof *out); return true;
    case TN_T_DECIMAL:
        if (tn_decimal_is_small(t))
            *out = *(const int64_t *)v;
        else
            memcpy(out, v, sizeof *out);
        return true;
    default: return false;
    }
}

static bool is_unsigned(tn_type t)
{
    return t.id == TN_T_UINT8 || t.id == TN_T_UINT16 || t.id == TN_T_UINT32 || t.id == TN_T_UINT64;
}

/* x as `w` big-endian two's complement bytes; false if it does not fit. */
static bool i128_be(tn_i128 x, int w, uint8_t *out)
{
    if (w < 1 || w > 16)
        return false;
    if (w < 16) {
        tn_i128 top = x >> (8 * w - 1);
        if (top != 0 && top != -1)
            return false;
    }
    tn_u128 u = (tn_u128)x;
    for (int i = w - 1; i >= 0; i--) {
        out[i] = (uint8_t)u;
        u >>= 8;
    }
    return true;
}

bool pq_bloom_hash_physical(int phys, int type_length, tn_type t, const void *value, uint64_t *out)
{
    tn_i128 x;
    switch (phys) {
    case PQ_INT32: {
        if (!as_i128(t, value, &x))
            return false;
        uint8_t b[4];
        if (is_unsigned(t) ? (x < 0 || x > (tn_i128)UINT32_MAX) : (x < INT32_MIN || x > INT32_MAX))
            return false;
        st32(b, (uint32_t)(int64_t)x);
        *out = pq_bloom_hash_bytes(b, 4);
        return true;
    }
    case PQ_INT64: {
        if (!as_i128(t, value, &x))
            return false;
        if (is_unsigned(t) ? (x < 0 || x > (tn_i128)UINT64_MAX) : (x < INT64_MIN || x > INT64_MAX))
            return false;
        uint64_t u = (uint64_t)(tn_u128)x;
        uint8_t b[8];
        for (int i = 0; i < 8; i++)
            b[i] = (uint8_t)(u >> (8 * i));
        *out = pq_bloom_hash_bytes(b, 8);
        return true;
    }
    case PQ_FLOAT: {
        if (t.id != TN_T_FLOAT)
            return false;
        uint32_t bits;
        memcpy(&bits, value, 4);
        uint8_t b[4];
        st32(b, bits);
        *out = pq_bloom_hash_bytes(b, 4);
        return true;
    }
    case PQ_DOUBLE: {
        if (t.id != TN_T_DOUBLE)
            return false;
        uint64_t bits;
        memcpy(&bits, value, 8);
        uint8_t b[8];
        for (int i = 0; i < 8; i++)
            b[i] = (uint8_t)(bits >> (8 * i));
        *out = pq_bloom_hash_bytes(b, 8);
        return true;
    }
    case PQ_BYTE_ARRAY: {
        if (t.id != TN_T_VARCHAR && t.id != TN_T_BLOB)
            return false;
        const tn_str *s = value;
        *out = pq_bloom_hash_bytes(tn_str_data(s), s->len);
        return true;
    }
    case PQ_FIXED_LEN_BYTE_ARRAY: {
        if (type_length <= 0)
            return false;
        if (t.id == TN_T_UUID) {
            if (type_length != 16)
                return false;
            *out = pq_bloom_hash_bytes(value, 16);
            return true;
        }
        if (t.id == TN_T_VARCHAR || t.id == TN_T_BLOB) {
            const tn_str *s = value;
            if (s->len != (uint32_t)type_length)
                return false;
            *out = pq_bloom_hash_bytes(tn_str_data(s), s->len);
            return true;
        }
        if (t.id == TN_T_DECIMAL || t.id == TN_T_INT128) {
            uint8_t b[16];
            if (!as_i128(t, value, &x) || !i128_be(x, type_length, b))
                return false;
            *out = pq_bloom_hash_bytes(b, (size_t)type_length);
            return true;
        }
        return false;
    }
    default: return false;
    }
}

bool pq_bloom_type_supported(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_INT8:
    case TN_T_INT16:
    case TN_T_INT32:
    case TN_T_INT64:
    case TN_T_UINT8:
    case TN_T_UINT16:
    case TN_T_UINT32:
    case TN_T_UINT64:
    case TN_T_INT128:
    case TN_T_FLOAT:
    case TN_T_DOUBLE:
    case TN_T_DECIMAL:
    case TN_T_DATE:
    case TN_T_TIME:
    case TN_T_TIMESTAMP:
    case TN_T_VARCHAR:
    case TN_T_BLOB:
    case TN_T_UUID: return true;
    default: return false;
    }
}

uint64_t pq_bloom_hash_value(tn_type t, const void *value)
{
    int phys, len = 0;
    switch ((tn_type_id)t.id) {
    case TN_T_INT8:
    case TN_T_INT16:
    case TN_T_INT32:
    case TN_T_UINT8:
    case TN_T_UINT16:
    case TN_T_UINT32:
    case TN_T_DATE: phys = PQ_INT32; break;
    case TN_T_INT64:
    case TN_T_UINT64:
    case TN_T_TIMESTAMP: phys = PQ_INT64; break;
    case TN_T_TIME: phys = t.unit == TN_UNIT_MS ? PQ_INT32 : PQ_INT64; break;
    case TN_T_DECIMAL:
        if (t.precision <= 9) {
            phys = PQ_INT32;
        } else if (t.precision <= 18) {
            phys = PQ_INT64;
        } else {
            phys = PQ_FIXED_LEN_BYTE_ARRAY;
            len = decimal_width(t.precision);
        }
        break;
    case TN_T_INT128:
        phys = PQ_FIXED_LEN_BYTE_ARRAY;
        len = 16;
        break;
    case TN_T_FLOAT: phys = PQ_FLOAT; break;
    case TN_T_DOUBLE: phys = PQ_DOUBLE; break;
    case TN_T_VARCHAR:
    case TN_T_BLOB: phys = PQ_BYTE_ARRAY; break;
    case TN_T_UUID:
        phys = PQ_FIXED_LEN_BYTE_ARRAY;
        len = 16;
        break;
    default: return 0;
    }
    uint64_t h = 0;
    if (!pq_bloom_hash_physical(phys, len, t, value, &h))
        return 0;
    return h;
}

/* ---- header ---- */

int pq_bloom_header_encode(pq_bytes *out, uint32_t num_bytes)
{
    pq_tw tw;
    pq_tw_init(&tw, out);
    pq_tw_struct_begin(&tw);
    pq_tw_field_i32(&tw, 1, (int32_t)num_bytes);
    for (int16_t id = 2; id <= 4; id++) { /* algorithm BLOCK, hash XXHASH, compression UNCOMPRESSED */
        pq_tw_field_struct(&tw, id);
        pq_tw_field_struct(&tw, 1);
        pq_tw_struct_end(&tw);
        pq_tw_struct_end(&tw);
    }
    pq_tw_struct_end(&tw);
    return pq_tw_finish(&tw);
}

/* A union field whose member must be id 1 (an empty struct). *member = the member id seen. */
static int read_union(pq_thrift *t, int *member)
{
    int rc = pq_thrift_struct_begin(t);
    if (rc)
        return rc;
    int16_t id = 0;
    int type;
    *member = 0;
    for (;;) {
        if ((rc = pq_thrift_field(t, &id, &type)))
            return rc;
        if (type == PQ_TT_STOP)
            break;
        if (type == PQ_TT_STRUCT && *member == 0)
            *member = id;
        if ((rc = pq_thrift_skip(t, type)))
            return rc;
    }
    pq_thrift_struct_end(t);
    return TN_OK;
}

int pq_bloom_header_decode(const uint8_t *p, size_t n, uint64_t base, size_t *hdr_len, uint32_t *num_bytes,
                           tn_err *err)
{
    pq_thrift t;
    pq_thrift_init(&t, p, n, base, "BloomFilterHeader", err);
    int rc = pq_thrift_struct_begin(&t);
    if (rc)
        return rc;
    int16_t id = 0;
    int type;
    bool have_n = false;
    int members[5] = {0};
    int64_t nb = 0;
    for (;;) {
        if ((rc = pq_thrift_field(&t, &id, &type)))
            return rc;
        if (type == PQ_TT_STOP)
            break;
        if (id == 1 && pq_thrift_is_int(type)) {
            if ((rc = pq_thrift_int(&t, type, &nb)))
                return rc;
            have_n = true;
        } else if (id >= 2 && id <= 4 && type == PQ_TT_STRUCT) {
            if ((rc = read_union(&t, &members[id])))
                return rc;
        } else if ((rc = pq_thrift_skip(&t, type))) {
            return rc;
        }
    }
    pq_thrift_struct_end(&t);
    if (!have_n || !members[2] || !members[3] || !members[4])
        return pq_thrift_error(&t, "missing required field (numBytes, algorithm, hash or compression)");
    static const char *const what[5] = {"", "", "algorithm", "hash", "compression"};
    for (int k = 2; k <= 4; k++)
        if (members[k] != 1)
            return tn_err_set(err, TN_NOTSUP, "Bloom filter at offset %llu: unsupported %s (union member %d)",
                              (unsigned long long)base, what[k], members[k]);
    if (nb < (int64_t)PQ_BLOOM_MIN_BYTES || nb % 32 || nb > (int64_t)PQ_BLOOM_MAX_BYTES * 128)
        return pq_thrift_error(&t, "invalid bitset size %lld", (long long)nb);
    *hdr_len = pq_thrift_consumed(&t);
    *num_bytes = (uint32_t)nb;
    return TN_OK;
}
