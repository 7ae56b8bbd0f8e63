/*
 * codec.h -- Parquet compression codecs (parquet.thrift CompressionCodec), each through its Debian
 * library: snappy (libsnappy C API), gzip (zlib, concatenated members), brotli, zstd, lz4 (LZ4_RAW
 * block format and the deprecated LZ4 codec with Hadoop framing, falling back to raw block), and
 * UNCOMPRESSED. LZO is reported TN_NOTSUP.
 *
 * Thread-safety: all functions are reentrant.
 */
#ifndef TN_PQ_CODEC_H
#define TN_PQ_CODEC_H

#include "../util/tn_base.h"
#include "../util/vector.h"

enum pq_codec {
    PQ_CODEC_UNCOMPRESSED = 0, PQ_CODEC_SNAPPY = 1, PQ_CODEC_GZIP = 2, PQ_CODEC_LZO = 3,
    PQ_CODEC_BROTLI = 4, PQ_CODEC_LZ4 = 5, PQ_CODEC_ZSTD = 6, PQ_CODEC_LZ4_RAW = 7
};

const char *pq_codec_name(int codec); /* "SNAPPY", ...; "UNKNOWN" for out-of-range */
/* Parse a user spelling ("zstd", "snappy", "uncompressed", "gzip", "brotli", "lz4", "lz4_raw"),
 * case-insensitive; -1 if unknown. */
int pq_codec_from_name(const char *name);

/* Decompress exactly dst_len bytes from src[0..src_len). Any other outcome (short output, trailing
 * garbage that the codec reports, library error) is TN_CORRUPT with a message naming the codec.
 * src_len == 0 with dst_len == 0 is valid for every codec. */
int pq_decompress(int codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len, tn_err *err);

/* Compress src[0..n) with codec at level (0 = codec default). *out receives a new buffer (size =
 * compressed bytes) the caller releases with tn_buf_unref. */
int pq_compress(int codec, int level, const uint8_t *src, size_t n, tn_buf **out, tn_err *err);

#endif
