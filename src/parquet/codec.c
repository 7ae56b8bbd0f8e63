/*
 * codec.c -- page compression codecs (parquet.thrift CompressionCodec; Compression.md), each
 * through its system library: snappy (raw block format), gzip (zlib; RFC 1952 members, several
 * concatenated members accepted), brotli, zstd (one or more frames), LZ4_RAW (one LZ4 block) and
 * the deprecated LZ4 codec 5.
 *
 * Contract: decompression produces exactly dst_len bytes (the page header's uncompressed size) or
 * fails with TN_CORRUPT naming the codec; output never exceeds dst (every library call is bounded
 * by the remaining output space, and "more output than expected" is detected without writing
 * past dst). Empty input with dst_len == 0 is accepted for every codec without calling the
 * library (a zero-length snappy buffer is otherwise invalid).
 *
 * LZ4 codec 5 exists in three shapes in the wild. Hadoop framing (parquet-mr, arrow):
 * repeated [u32 BE decompressed size][u32 BE compressed size][LZ4 block] until the input ends;
 * old parquet-cpp wrote a bare LZ4 block; some writers an LZ4 frame. The decoder tries them in
 * that order; the writer emits Hadoop framing in blocks of at most 256 KiB (the Hadoop codec's
 * default buffer size). New files should use LZ4_RAW.
 *
 * zlib and brotli allocate through tn_malloc (counted); zstd, snappy and lz4 use their own.
 */
#include "parquet/codec.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <limits.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>
#include <snappy-c.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>

#define HADOOP_LZ4_BLOCK (256 * 1024)

static const char *const codec_names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                          "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};

const char *pq_codec_name(int codec)
{
    if (codec < 0 || codec >= (int)TN_ARRAY_LEN(codec_names))
        return "UNKNOWN";
    return codec_names[codec];
}

int pq_codec_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < (int)TN_ARRAY_LEN(codec_names); i++)
        if (strcasecmp(name, codec_names[i]) == 0)
            return i;
    return -1;
}

/* ---- allocator hooks ---- */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return tn_calloc(items, size);
}
static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    tn_free(p);
}
static void *br_alloc(void *opaque, size_t n)
{
    (void)opaque;
    return tn_malloc(n);
}
static void br_free(void *opaque, void *p)
{
    (void)opaque;
    tn_free(p);
}

static int size_mismatch(tn_err *err, const char *codec, size_t got, size_t want)
{
    return tn_err_set(err, TN_CORRUPT, "%s: decompressed to %zu bytes but the page header says %zu",
                      codec, got, want);
}

/* ---- decompression ---- */

static int dec_gzip(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len, tn_err *err)
{
    if (src_len > UINT_MAX || dst_len > UINT_MAX)
        return tn_err_set(err, TN_CORRUPT, "GZIP: page larger than 4 GiB");
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    zs.zalloc = z_alloc;
    zs.zfree = z_free;
    if (inflateInit2(&zs, 15 + 32) != Z_OK) /* gzip (or zlib) header, auto-detected */
        return tn_err_set(err, TN_NOMEM, "GZIP: cannot initialise zlib");
    int rc = TN_OK;
    uint8_t spill[1]; /* receives the first byte beyond dst_len, if any */
    bool spilled = false;
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)src_len;
    zs.next_out = dst;
    zs.avail_out = (uInt)dst_len;
    for (;;) {
        if (zs.avail_out == 0 && !spilled) {
            zs.next_out = spill;
            zs.avail_out = 1;
            spilled = true;
        }
        int zr = inflate(&zs, Z_NO_FLUSH);
        if (spilled && zs.avail_out == 0) {
            rc = tn_err_set(err, TN_CORRUPT, "GZIP: data decompresses to more than %zu bytes", dst_len);
            goto done;
        }
        if (zr == Z_STREAM_END) {
            if (zs.avail_in == 0)
                break;
            if (inflateReset(&zs) != Z_OK) { /* another concatenated member follows */
                rc = tn_err_set(err, TN_CORRUPT, "GZIP: cannot reset for the next member");
                goto done;
            }
            continue;
        }
        if (zr != Z_OK) {
            if (zr == Z_BUF_ERROR && zs.avail_in == 0)
                rc = tn_err_set(err, TN_CORRUPT, "GZIP: compressed data is truncated (%zu bytes)", src_len);
            else if (zr == Z_MEM_ERROR)
                rc = tn_err_set(err, TN_NOMEM, "GZIP: out of memory");
            else
                rc = tn_err_set(err, TN_CORRUPT, "GZIP: %s at input byte %zu",
                                zs.msg ? zs.msg : "invalid data",
                                src_len - zs.avail_in);
            goto done;
        }
    }
    size_t produced = spilled ? dst_len : (size_t)(zs.next_out - dst);
    if (produced != dst_len)
        rc = size_mismatch(err, "GZIP", produced, dst_len);
done:
    inflateEnd(&zs);
    return rc;
}

static int dec_brotli(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len, tn_err *err)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(br_alloc, br_free, NULL);
    if (!s)
        return tn_err_set(err, TN_NOMEM, "BROTLI: cannot create decoder");
    int rc = TN_OK;
    size_t avail_in = src_len, avail_out = dst_len;
    const uint8_t *next_in = src;
    uint8_t *next_out = dst;
    BrotliDecoderResult r =
        BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
    if (r == BROTLI_DECODER_RESULT_SUCCESS) {
        if (avail_in)
            rc = tn_err_set(err, TN_CORRUPT, "BROTLI: %zu trailing bytes after the stream", avail_in);
        else if (avail_out)
            rc = size_mismatch(err, "BROTLI", dst_len - avail_out, dst_len);
    } else if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
        rc = tn_err_set(err, TN_CORRUPT, "BROTLI: data decompresses to more than %zu bytes", dst_len);
    } else if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
        rc = tn_err_set(err, TN_CORRUPT, "BROTLI: compressed data is truncated (%zu bytes)", src_len);
    } else {
        rc = tn_err_set(err, TN_CORRUPT, "BROTLI: %s at input byte %zu",
                        BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s)), src_len - avail_in);
    }
    BrotliDecoderDestroyInstance(s);
    return rc;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop-framed LZ4: true only if the frames cover the input exactly and produce dst_len bytes. */
static bool lz4_hadoop(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    size_t in = 0, out = 0;
    if (src_len < 8)
        return false;
    while (src_len - in >= 8) {
        uint32_t dl = be32(src + in), cl = be32(src + in + 4);
        in += 8;
        if (cl > src_len - in || dl > dst_len - out || cl > INT_MAX || dl > INT_MAX)
            return false;
        int r = LZ4_decompress_safe((const char *)src + in, (char *)dst + out, (int)cl, (int)dl);
        if (r < 0 || (uint32_t)r != dl)
            return false;
        in += cl;
        out += dl;
    }
    return in == src_len && out == dst_len;
}

/* One or more LZ4 frames covering the input and producing exactly dst_len bytes. */
static bool lz4_frame(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    LZ4F_dctx *ctx = NULL;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION)))
        return false;
    bool ok = false;
    size_t in = 0, out = 0, hint = 1;
    while (in < src_len) {
        size_t sn = src_len - in, dn = dst_len - out;
        hint = LZ4F_decompress(ctx, dst + out, &dn, src + in, &sn, NULL);
        if (LZ4F_isError(hint) || (sn == 0 && dn == 0))
            goto done;
        in += sn;
        out += dn;
    }
    ok = hint == 0 && out == dst_len;
done:
    LZ4F_freeDecompressionContext(ctx);
    return ok;
}

static int dec_lz4_hadoop(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len, tn_err *err)
{
    if (lz4_hadoop(src, src_len, dst, dst_len))
        return TN_OK;
    if (src_len <= INT_MAX && dst_len <= INT_MAX) {
        int r = LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_len, (int)dst_len);
        if (r >= 0 && (size_t)r == dst_len)
            return TN_OK;
    }
    if (lz4_frame(src, src_len, dst, dst_len))
        return TN_OK;
    return tn_err_set(err, TN_CORRUPT,
                      "LZ4: %zu bytes are neither Hadoop-framed LZ4, a raw LZ4 block nor an LZ4 frame "
                      "decompressing to %zu bytes", src_len, dst_len);
}

int pq_decompress(int codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len, tn_err *err)
{
    uint8_t dummy[1];
    if (src_len == 0 && dst_len == 0)
        return TN_OK;
    if (dst_len == 0)
        dst = dummy; /* libraries may reject NULL even for empty output */
    if (src_len == 0 && codec != PQ_CODEC_UNCOMPRESSED && codec != PQ_CODEC_LZO &&
        codec >= 0 && codec < (int)TN_ARRAY_LEN(codec_names))
        return tn_err_set(err, TN_CORRUPT, "%s: empty compressed data but %zu bytes expected",
                          pq_codec_name(codec), dst_len);
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        if (src_len != dst_len)
            return tn_err_set(err, TN_CORRUPT,
                              "UNCOMPRESSED: page body has %zu bytes but the header says %zu",
                              src_len, dst_len);
        memmove(dst, src, dst_len);
        return TN_OK;
    case PQ_CODEC_SNAPPY: {
        size_t ulen = 0;
        if (snappy_uncompressed_length((const char *)src, src_len, &ulen) != SNAPPY_OK)
            return tn_err_set(err, TN_CORRUPT, "SNAPPY: invalid header in %zu bytes of compressed data",
                              src_len);
        if (ulen != dst_len)
            return size_mismatch(err, "SNAPPY", ulen, dst_len);
        size_t got = dst_len;
        if (snappy_uncompress((const char *)src, src_len, (char *)dst, &got) != SNAPPY_OK)
            return tn_err_set(err, TN_CORRUPT, "SNAPPY: malformed compressed data (%zu bytes)", src_len);
        if (got != dst_len)
            return size_mismatch(err, "SNAPPY", got, dst_len);
        return TN_OK;
    }
    case PQ_CODEC_GZIP:
        return dec_gzip(src, src_len, dst, dst_len, err);
    case PQ_CODEC_LZO:
        return tn_err_set(err, TN_NOTSUP, "LZO compression is not supported");
    case PQ_CODEC_BROTLI:
        return dec_brotli(src, src_len, dst, dst_len, err);
    case PQ_CODEC_LZ4:
        return dec_lz4_hadoop(src, src_len, dst, dst_len, err);
    case PQ_CODEC_ZSTD: {
        size_t r = ZSTD_decompress(dst, dst_len, src, src_len);
        if (ZSTD_isError(r))
            return tn_err_set(err, TN_CORRUPT, "ZSTD: %s (%zu bytes of compressed data, %zu expected out)",
                              ZSTD_getErrorName(r), src_len, dst_len);
        if (r != dst_len)
            return size_mismatch(err, "ZSTD", r, dst_len);
        return TN_OK;
    }
    case PQ_CODEC_LZ4_RAW: {
        if (src_len > INT_MAX || dst_len > INT_MAX)
            return tn_err_set(err, TN_CORRUPT, "LZ4_RAW: block larger than 2 GiB");
        int r = LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_len, (int)dst_len);
        if (r < 0)
            return tn_err_set(err, TN_CORRUPT, "LZ4_RAW: malformed block (%zu bytes, %zu expected out)",
                              src_len, dst_len);
        if ((size_t)r != dst_len)
            return size_mismatch(err, "LZ4_RAW", (size_t)r, dst_len);
        return TN_OK;
    }
    default:
        return tn_err_set(err, TN_NOTSUP, "unknown compression codec %d", codec);
    }
}

/* ---- compression ---- */

static int comp_gzip(int level, const uint8_t *src, size_t n, tn_buf **out, tn_err *err)
{
    if (n > UINT_MAX)
        return tn_err_set(err, TN_ERROR, "GZIP: input larger than 4 GiB");
    int lvl = level == 0 ? Z_DEFAULT_COMPRESSION : TN_MAX(1, TN_MIN(level, 9));
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    zs.zalloc = z_alloc;
    zs.zfree = z_free;
    if (deflateInit2(&zs, lvl, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return tn_err_set(err, TN_NOMEM, "GZIP: cannot initialise zlib");
    int rc = TN_OK;
    size_t cap = deflateBound(&zs, (uLong)n);
    tn_buf *b = tn_buf_new(cap);
    if (!b) {
        rc = tn_err_set(err, TN_NOMEM, "GZIP: out of memory");
        goto done;
    }
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)n;
    zs.next_out = b->data;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        rc = tn_err_set(err, TN_ERROR, "GZIP: compression failed");
        goto done;
    }
    b->size = zs.total_out;
    *out = b;
    b = NULL;
done:
    tn_buf_unref(b);
    deflateEnd(&zs);
    return rc;
}

static int comp_lz4_hadoop(const uint8_t *src, size_t n, tn_buf **out, tn_err *err)
{
    size_t blocks = n ? (n + HADOOP_LZ4_BLOCK - 1) / HADOOP_LZ4_BLOCK : 1;
    size_t cap = blocks * (8 + (size_t)LZ4_compressBound(HADOOP_LZ4_BLOCK));
    tn_buf *b = tn_buf_new(cap);
    if (!b)
        return tn_err_set(err, TN_NOMEM, "LZ4: out of memory");
    size_t in = 0, o = 0;
    do {
        size_t k = TN_MIN(n - in, (size_t)HADOOP_LZ4_BLOCK);
        int bound = LZ4_compressBound((int)k);
        int r = LZ4_compress_default((const char *)src + in, (char *)b->data + o + 8, (int)k, bound);
        if (r <= 0) {
            tn_buf_unref(b);
            return tn_err_set(err, TN_ERROR, "LZ4: compression failed");
        }
        uint8_t *h = b->data + o;
        h[0] = (uint8_t)(k >> 24), h[1] = (uint8_t)(k >> 16), h[2] = (uint8_t)(k >> 8), h[3] = (uint8_t)k;
        h[4] = (uint8_t)((uint32_t)r >> 24), h[5] = (uint8_t)((uint32_t)r >> 16);
        h[6] = (uint8_t)((uint32_t)r >> 8), h[7] = (uint8_t)r;
        o += 8 + (size_t)r;
        in += k;
    } while (in < n);
    b->size = o;
    *out = b;
    return TN_OK;
}

int pq_compress(int codec, int level, const uint8_t *src, size_t n, tn_buf **out, tn_err *err)
{
    tn_buf *b = NULL;
    *out = NULL;
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        b = tn_buf_new(n);
        if (!b)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        if (n)
            memcpy(b->data, src, n);
        b->size = n;
        break;
    case PQ_CODEC_SNAPPY: {
        size_t cap = snappy_max_compressed_length(n), len = cap;
        b = tn_buf_new(cap);
        if (!b)
            return tn_err_set(err, TN_NOMEM, "SNAPPY: out of memory");
        if (snappy_compress((const char *)src, n, (char *)b->data, &len) != SNAPPY_OK) {
            tn_buf_unref(b);
            return tn_err_set(err, TN_ERROR, "SNAPPY: compression failed");
        }
        b->size = len;
        break;
    }
    case PQ_CODEC_GZIP:
        return comp_gzip(level, src, n, out, err);
    case PQ_CODEC_BROTLI: {
        int q = level == 0 ? 8 : TN_MAX(0, TN_MIN(level, BROTLI_MAX_QUALITY));
        size_t cap = BrotliEncoderMaxCompressedSize(n);
        if (cap == 0)
            return tn_err_set(err, TN_ERROR, "BROTLI: input too large");
        cap = TN_MAX(cap, (size_t)16);
        size_t len = cap;
        b = tn_buf_new(cap);
        if (!b)
            return tn_err_set(err, TN_NOMEM, "BROTLI: out of memory");
        if (!BrotliEncoderCompress(q, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n, src, &len, b->data)) {
            tn_buf_unref(b);
            return tn_err_set(err, TN_ERROR, "BROTLI: compression failed");
        }
        b->size = len;
        break;
    }
    case PQ_CODEC_LZ4:
        if (n > LZ4_MAX_INPUT_SIZE)
            return tn_err_set(err, TN_ERROR, "LZ4: input too large");
        return comp_lz4_hadoop(src, n, out, err);
    case PQ_CODEC_ZSTD: {
        int lvl = TN_MIN(level, ZSTD_maxCLevel());
        size_t cap = ZSTD_compressBound(n);
        b = tn_buf_new(cap);
        if (!b)
            return tn_err_set(err, TN_NOMEM, "ZSTD: out of memory");
        size_t r = ZSTD_compress(b->data, cap, src, n, lvl); /* level 0 = zstd's default */
        if (ZSTD_isError(r)) {
            tn_buf_unref(b);
            return tn_err_set(err, TN_ERROR, "ZSTD: %s", ZSTD_getErrorName(r));
        }
        b->size = r;
        break;
    }
    case PQ_CODEC_LZ4_RAW: {
        if (n > LZ4_MAX_INPUT_SIZE)
            return tn_err_set(err, TN_ERROR, "LZ4_RAW: input too large");
        int cap = LZ4_compressBound((int)n);
        b = tn_buf_new((size_t)cap);
        if (!b)
            return tn_err_set(err, TN_NOMEM, "LZ4_RAW: out of memory");
        int r = level > 0 ? LZ4_compress_HC((const char *)src, (char *)b->data, (int)n, cap,
                                            TN_MIN(level, LZ4HC_CLEVEL_MAX))
                          : LZ4_compress_default((const char *)src, (char *)b->data, (int)n, cap);
        if (r <= 0) {
            tn_buf_unref(b);
            return tn_err_set(err, TN_ERROR, "LZ4_RAW: compression failed");
        }
        b->size = (size_t)r;
        break;
    }
    case PQ_CODEC_LZO:
        return tn_err_set(err, TN_NOTSUP, "LZO compression is not supported");
    default:
        return tn_err_set(err, TN_NOTSUP, "unknown compression codec %d", codec);
    }
    *out = b;
    return TN_OK;
}
