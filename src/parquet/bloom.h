/*
 * bloom.h -- Parquet split-block Bloom filters (apache/parquet-format BloomFilter.md;
 * parquet-format-summary.md §11): hashing of values, insertion, membership checks, sizing, and
 * the BloomFilterHeader that precedes a filter's bitset in the file. Shared by the writer (which
 * builds filters per column chunk) and the reader (which probes them to skip row groups).
 *
 * Format. A filter is z = nbytes / 32 blocks of 256 bits; a block is eight 32-bit words stored
 * little-endian. A 64-bit hash h selects block ((h >> 32) * z) >> 32; inside it, word j gets bit
 * ((uint32)h * SALT[j]) >> 27. A value "may be present" only if all eight bits are set.
 * Hash: XXH64 with seed 0 over the value's PLAIN encoding without a length prefix (INT32 as 4 LE
 * bytes, INT64 8, FLOAT/DOUBLE their IEEE bits, BYTE_ARRAY the raw bytes, FIXED_LEN_BYTE_ARRAY
 * the raw type_length bytes). FLOAT/DOUBLE hash by bit pattern, so -0.0 and +0.0 (and NaN
 * payloads) hash differently: a reader probing a zero must probe both zeros.
 *
 * Thread-safety: all functions are reentrant; a bitset is modified by one thread at a time.
 */
#ifndef TN_PQ_BLOOM_H
#define TN_PQ_BLOOM_H

#include "../util/tn_base.h"
#include "../util/types.h"
#include "encoding.h"

#define PQ_BLOOM_MIN_BYTES 32u          /* one block */
#define PQ_BLOOM_MAX_BYTES (1u << 20)   /* 1 MiB */
#define PQ_BLOOM_DEFAULT_FPP 0.01

/* XXH64 (seed 0) of n bytes at p. */
uint64_t pq_bloom_hash_bytes(const void *p, size_t n);

/* Can columns of tarn type t carry a Bloom filter in files tarn writes? (false for BOOLEAN,
 * the NULL type, INTERVAL and nested types) */
bool pq_bloom_type_supported(tn_type t);
/* Hash of one value of tarn type t (value = its physical storage, types.h; VARCHAR/BLOB a
 * tn_str) as tarn's writer stores t (writer.h mapping: INT8..UINT32, DATE, TIME(ms) and
 * DECIMAL(p<=9) as INT32; INT64, UINT64, TIME(us/ns), TIMESTAMP and DECIMAL(p<=18) as INT64;
 * INT128 and DECIMAL(p>18) as big-endian FIXED_LEN_BYTE_ARRAY of the minimal width for p; UUID
 * as 16 bytes). t must satisfy pq_bloom_type_supported; other types hash to 0. */
uint64_t pq_bloom_hash_value(tn_type t, const void *value);
/* Hash of one value of tarn type t as stored in a column of Parquet physical type `phys`
 * (enum pq_physical_type; type_length for FIXED_LEN_BYTE_ARRAY), as a reader probing another
 * writer's file needs it. Returns false when the value cannot be stored in that column at all
 * (out of range, wrong width, unsupported combination): then no probe is possible. The value
 * must already be in the column's unit/scale (timestamps, decimals). */
bool pq_bloom_hash_physical(int phys, int type_length, tn_type t, const void *value, uint64_t *out);

/* Bitset size in bytes for ndv distinct values at false-positive probability fpp (0 < fpp < 1;
 * out-of-range fpp means PQ_BLOOM_DEFAULT_FPP): ndv * (-8 / ln(1 - fpp^(1/8))) bits, rounded
 * up to a power of two and bounded to [PQ_BLOOM_MIN_BYTES, PQ_BLOOM_MAX_BYTES]. */
size_t pq_bloom_optimal_bytes(uint64_t ndv, double fpp);
/* Largest ndv for which pq_bloom_optimal_bytes(ndv, fpp) < PQ_BLOOM_MAX_BYTES would still hold
 * the target fpp (beyond it the filter is capped at the maximum size). */
uint64_t pq_bloom_max_ndv(double fpp);

/* Set the hash's eight bits. nbytes must be a positive multiple of 32. */
void pq_bloom_insert(uint8_t *bitset, size_t nbytes, uint64_t hash);
/* true if the value with this hash may be in the filter, false if it is certainly absent. A
 * bitset whose size is not a positive multiple of 32 answers true (no information). */
bool pq_bloom_check(const uint8_t *bitset, size_t nbytes, uint64_t hash);

/* Append a BloomFilterHeader {numBytes, BLOCK, XXHASH, UNCOMPRESSED} to out. TN_OK / TN_NOMEM. */
int pq_bloom_header_encode(pq_bytes *out, uint32_t num_bytes);
/* Decode a BloomFilterHeader at p[0..n) (file offset base, for messages). On success *hdr_len is
 * the header's size and *num_bytes the bitset size that follows it (checked: a positive multiple
 * of 32, at most PQ_BLOOM_MAX_BYTES * 128). TN_NOTSUP for an algorithm, hash or compression other
 * than BLOCK / XXHASH / UNCOMPRESSED; TN_CORRUPT for malformed headers. */
int pq_bloom_header_decode(const uint8_t *p, size_t n, uint64_t base, size_t *hdr_len, uint32_t *num_bytes,
                           tn_err *err);

#endif
