/*
 * encoding.h -- Parquet value and level encodings (Encodings.md): the RLE/bit-packed hybrid (levels,
 * dictionary indexes, booleans), bit unpacking, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
 * DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT; and their encoders for the writer.
 *
 * All decoders take untrusted input: every length, count, bit width and offset is checked, and a
 * failure is TN_CORRUPT with a message naming the encoding and the byte position within the
 * buffer given. Output arrays are caller-allocated with room for `count` values.
 * Thread-safety: reentrant; decoder structs are single-threaded.
 */
#ifndef TN_PQ_ENCODING_H
#define TN_PQ_ENCODING_H

#include "../util/tn_base.h"
#include "../util/vector.h"

/* parquet.thrift Encoding */
enum pq_encoding {
    PQ_ENC_PLAIN = 0, PQ_ENC_PLAIN_DICTIONARY = 2, PQ_ENC_RLE = 3, PQ_ENC_BIT_PACKED = 4,
    PQ_ENC_DELTA_BINARY_PACKED = 5, PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6, PQ_ENC_DELTA_BYTE_ARRAY = 7,
    PQ_ENC_RLE_DICTIONARY = 8, PQ_ENC_BYTE_STREAM_SPLIT = 9
};
const char *pq_encoding_name(int enc);

/* ---- RLE / bit-packed hybrid (streaming decoder) ---- */
typedef struct pq_rle_decoder {
    const uint8_t *start, *p, *end;
    int bit_width;            /* 0..32 */
    uint32_t rle_left;        /* values left in the current RLE run */
    uint32_t rle_value;
    uint32_t bp_left;         /* values left in the current bit-packed run */
    uint32_t bp_buf[8];       /* unpacked group of 8 */
    uint32_t bp_pos;          /* next index in bp_buf */
} pq_rle_decoder;

/* Initialise over data[0..n) (no length prefix: the caller strips the 4-byte prefix of v1 levels). */
void pq_rle_init(pq_rle_decoder *d, const uint8_t *data, size_t n, int bit_width);
/* Decode exactly `count` values into out. Values are < 2^bit_width. TN_CORRUPT if the data ends
 * early or is malformed. */
int pq_rle_get(pq_rle_decoder *d, uint32_t *out, uint32_t count, tn_err *err);
/* Same, for levels (values fit 16 bits). */
int pq_rle_get_levels(pq_rle_decoder *d, uint16_t *out, uint32_t count, tn_err *err);
/* Skip count values. */
int pq_rle_skip(pq_rle_decoder *d, uint32_t count, tn_err *err);

/* Unpack `count` (multiple of 8) little-endian bit-packed values of `width` bits (0..32) from in
 * (which must hold count*width/8 bytes). */
void pq_bit_unpack32(const uint8_t *in, uint32_t *out, uint32_t count, int width);
/* Legacy BIT_PACKED (deprecated; MSB-first) for levels: decode count values. */
int pq_bit_packed_legacy_decode(const uint8_t *in, size_t n, int width, uint16_t *out, uint32_t count, tn_err *err);

/* ---- DELTA_BINARY_PACKED ---- */
/* Decode up to `count` values (the stream's own total count must be >= count... exactly: the
 * decoder decodes min(count, header total)); *ndecoded = values produced; *consumed = bytes used.
 * Arithmetic wraps at the physical width (32 or 64 bits), as writers such as DuckDB rely on. */
int pq_delta_binary_decode32(const uint8_t *p, size_t n, int32_t *out, uint32_t count,
                             uint32_t *ndecoded, size_t *consumed, tn_err *err);
int pq_delta_binary_decode64(const uint8_t *p, size_t n, int64_t *out, uint32_t count,
                             uint32_t *ndecoded, size_t *consumed, tn_err *err);

/* ---- DELTA_LENGTH_BYTE_ARRAY: views point into p (caller keeps p alive) ---- */
int pq_delta_length_decode(const uint8_t *p, size_t n, tn_str *out, uint32_t count, size_t *consumed, tn_err *err);

/* ---- DELTA_BYTE_ARRAY: reconstructed strings are stored in a new buffer *heap (caller unrefs
 * after it no longer needs the views; attach it to a vector with tn_vector_keep_buf). ---- */
int pq_delta_byte_array_decode(const uint8_t *p, size_t n, tn_str *out, uint32_t count, tn_buf **heap, tn_err *err);

/* ---- BYTE_STREAM_SPLIT: `count` values of `width` bytes (2, 4, 8 or FLBA width) into out ---- */
int pq_bss_decode(const uint8_t *p, size_t n, uint8_t *out, uint32_t count, uint32_t width, tn_err *err);

/* ---- encoders (writer) ---- */
/* Growable output byte buffer used by encoders. */
typedef struct pq_bytes {
    uint8_t *data;
    size_t len, cap;
} pq_bytes;
int pq_bytes_append(pq_bytes *b, const void *p, size_t n);
int pq_bytes_reserve(pq_bytes *b, size_t extra);
void pq_bytes_free(pq_bytes *b);

/* RLE/bit-packed hybrid encoding of values (each < 2^bit_width), appended to out (no length
 * prefix). Chooses RLE runs for repeats of >= 8 and bit-packing otherwise. */
int pq_rle_encode(const uint32_t *values, uint32_t count, int bit_width, pq_bytes *out);
int pq_delta_binary_encode32(const int32_t *v, uint32_t count, pq_bytes *out);
int pq_delta_binary_encode64(const int64_t *v, uint32_t count, pq_bytes *out);
int pq_delta_length_encode(const tn_str *v, uint32_t count, pq_bytes *out);
int pq_delta_byte_array_encode(const tn_str *v, uint32_t count, pq_bytes *out);
int pq_bss_encode(const uint8_t *in, uint32_t count, uint32_t width, pq_bytes *out);

/* Minimum bits to represent max_value (0 for 0). */
int pq_bit_width(uint32_t max_value);

/* ---- additions (pqenc): bit packing helpers shared by rle.c and delta.c ---- */
/* pq_bit_unpack32 when `avail` (>= count*width/8) bytes are readable at in: the fast path may load
 * (never use) bytes past the packed data up to in + avail, so passing the real end of the buffer
 * keeps whole runs on the fast path. */
void pq_bit_unpack32_avail(const uint8_t *in, size_t avail, uint32_t *out, uint32_t count, int width);
/* Same for 64-bit values, width 0..64 (DELTA_BINARY_PACKED INT64 miniblocks). */
void pq_bit_unpack64(const uint8_t *in, size_t avail, uint64_t *out, uint32_t count, int width);
/* Pack `count` (multiple of 8) values, each < 2^width (width 0..64), LSB-first into out, which
 * receives exactly count*width/8 bytes. */
void pq_bit_pack64(const uint64_t *in, uint32_t count, int width, uint8_t *out);

#endif
