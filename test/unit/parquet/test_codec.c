/*
 * test_codec.c -- page codecs (src/parquet/codec.c): round trips for every codec and level on
 * empty, tiny, incompressible and multi-block inputs; concatenated gzip members; LZ4 codec 5 as
 * hand-built Hadoop frames, as a bare block and as an LZ4 frame; and failures (wrong dst_len,
 * truncated or garbage input, LZO, unknown codecs) that must be TN_CORRUPT/TN_NOTSUP naming the
 * codec, without writing past dst.
 */
#include "tn_test.h"
#include "parquet/codec.h"

#include <lz4.h>
#include <lz4frame.h>

static uint64_t rng_state = 12345;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const int all_codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP, PQ_CODEC_BROTLI,
                                 PQ_CODEC_LZ4, PQ_CODEC_ZSTD, PQ_CODEC_LZ4_RAW};

/* Inputs: empty, one byte, random (incompressible), text-like (compressible, > 256 KiB so that
 * the Hadoop LZ4 writer emits several frames). */
static uint8_t *make_input(int kind, size_t *n)
{
    size_t len = kind == 0 ? 0 : kind == 1 ? 1 : kind == 2 ? 100000 : 700001;
    uint8_t *p = tn_malloc(len + 1);
    static const char *words[] = {"parquet ", "lakehouse ", "tarn ", "column ", "page ", "zstd "};
    size_t o = 0;
    while (o < len) {
        if (kind == 2) {
            p[o++] = (uint8_t)rnd();
        } else {
            const char *w = words[rnd() % 6];
            while (*w && o < len)
                p[o++] = (uint8_t)*w++;
        }
    }
    *n = len;
    return p;
}

/* dst with a guard zone after dst_len that must stay untouched */
#define GUARD 64
static bool guard_ok(const uint8_t *dst, size_t dst_len)
{
    for (size_t i = 0; i < GUARD; i++)
        if (dst[dst_len + i] != 0xE7)
            return false;
    return true;
}

static void test_roundtrip_all(void)
{
    const int levels[] = {0, 1, 5};
    for (size_t ci = 0; ci < TN_ARRAY_LEN(all_codecs); ci++) {
        int codec = all_codecs[ci];
        for (int kind = 0; kind < 4; kind++) {
            size_t n;
            uint8_t *src = make_input(kind, &n);
            for (size_t li = 0; li < TN_ARRAY_LEN(levels); li++) {
                tn_buf *c = NULL;
                tn_err err = TN_ERR_INIT;
                int rc = pq_compress(codec, levels[li], src, n, &c, &err);
                CHECK_EQ_INT(rc, TN_OK);
                if (rc) {
                    fprintf(stderr, "%s compress: %s\n", pq_codec_name(codec), err.msg);
                    continue;
                }
                if (kind == 3 && codec != PQ_CODEC_UNCOMPRESSED)
                    CHECK(c->size < n / 2);
                if (kind >= 1) /* every codec's output is non-empty, even for 1 byte */
                    CHECK(c->size > 0);
                uint8_t *dst = tn_malloc(n + GUARD);
                memset(dst, 0xE7, n + GUARD);
                rc = pq_decompress(codec, c->data, c->size, dst, n, &err);
                if (rc)
                    fprintf(stderr, "%s kind %d level %d: %s\n", pq_codec_name(codec), kind, levels[li],
                            err.msg);
                CHECK_EQ_INT(rc, TN_OK);
                CHECK(n == 0 || memcmp(dst, src, n) == 0);
                CHECK(guard_ok(dst, n));

                if (n > 0) {
                    /* one byte less room than the data: must fail, must not overrun */
                    memset(dst, 0xE7, n + GUARD);
                    rc = pq_decompress(codec, c->data, c->size, dst, n - 1, &err);
                    CHECK_EQ_INT(rc, TN_CORRUPT);
                    CHECK(strstr(err.msg, pq_codec_name(codec)) != NULL);
                    CHECK(guard_ok(dst, n - 1));
                }
                /* one byte more expected than the data holds */
                uint8_t *big = tn_malloc(n + 1 + GUARD);
                memset(big, 0xE7, n + 1 + GUARD);
                rc = pq_decompress(codec, c->data, c->size, big, n + 1, &err);
                CHECK_EQ_INT(rc, TN_CORRUPT);
                CHECK(strstr(err.msg, pq_codec_name(codec)) != NULL);
                CHECK(guard_ok(big, n + 1));
                tn_free(big);

                if (codec != PQ_CODEC_UNCOMPRESSED && c->size > 1) {
                    /* truncated compressed data: half, and all but the last byte */
                    size_t cuts[2] = {c->size / 2, c->size - 1};
                    for (int k = 0; k < 2; k++) {
                        memset(dst, 0xE7, n + GUARD);
                        rc = pq_decompress(codec, c->data, cuts[k], dst, n, &err);
                        if (rc != TN_CORRUPT)
                            fprintf(stderr, "%s kind %d truncated to %zu: rc %d\n", pq_codec_name(codec),
                                    kind, cuts[k], rc);
                        CHECK_EQ_INT(rc, TN_CORRUPT);
                        CHECK(guard_ok(dst, n));
                    }
                }
                tn_free(dst);
                tn_buf_unref(c);
            }
            tn_free(src);
        }
    }
}

static void test_empty_and_garbage(void)
{
    tn_err err = TN_ERR_INIT;
    uint8_t dst[256 + GUARD];
    for (size_t ci = 0; ci < TN_ARRAY_LEN(all_codecs); ci++) {
        int codec = all_codecs[ci];
        /* 0 -> 0 is valid for every codec, even with NULL pointers */
        CHECK_EQ_INT(pq_decompress(codec, NULL, 0, NULL, 0, &err), TN_OK);
        /* nothing to decompress but bytes expected */
        CHECK_EQ_INT(pq_decompress(codec, (const uint8_t *)"", 0, dst, 5, &err), TN_CORRUPT);
        CHECK(strstr(err.msg, pq_codec_name(codec)) != NULL);
        /* random garbage never succeeds at producing a wrong size and never overruns */
        for (int t = 0; t < 200; t++) {
            uint8_t g[64];
            size_t gl = 1 + rnd() % sizeof g;
            for (size_t i = 0; i < gl; i++)
                g[i] = (uint8_t)rnd();
            size_t dl = rnd() % 256;
            memset(dst, 0xE7, sizeof dst);
            int rc = pq_decompress(codec, g, gl, dst, dl, &err);
            CHECK(rc == TN_OK || rc == TN_CORRUPT);
            if (rc == TN_CORRUPT)
                CHECK(strstr(err.msg, pq_codec_name(codec)) != NULL);
            CHECK(guard_ok(dst, dl));
        }
    }
    /* LZO and unknown codecs */
    uint8_t one = 1;
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_LZO, &one, 1, dst, 1, &err), TN_NOTSUP);
    CHECK(strstr(err.msg, "LZO") != NULL);
    CHECK_EQ_INT(pq_decompress(99, &one, 1, dst, 1, &err), TN_NOTSUP);
    CHECK_EQ_INT(pq_decompress(-1, &one, 1, dst, 1, &err), TN_NOTSUP);
    tn_buf *c = (tn_buf *)&one;
    CHECK_EQ_INT(pq_compress(PQ_CODEC_LZO, 0, &one, 1, &c, &err), TN_NOTSUP);
    CHECK(c == NULL);
    CHECK_EQ_INT(pq_compress(42, 0, &one, 1, &c, &err), TN_NOTSUP);
    /* UNCOMPRESSED with a size mismatch */
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_UNCOMPRESSED, &one, 1, dst, 2, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "UNCOMPRESSED") != NULL);
}

static void test_concatenated_gzip(void)
{
    size_t n;
    uint8_t *src = make_input(3, &n);
    size_t cut1 = n / 3, cut2 = 2 * n / 3;
    tn_buf *a = NULL, *b = NULL, *z = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_compress(PQ_CODEC_GZIP, 0, src, cut1, &a, &err), TN_OK);
    CHECK_EQ_INT(pq_compress(PQ_CODEC_GZIP, 9, src + cut1, cut2 - cut1, &b, &err), TN_OK);
    CHECK_EQ_INT(pq_compress(PQ_CODEC_GZIP, 1, src + cut2, 0, &z, &err), TN_OK); /* empty member */
    /* gzip header magic */
    CHECK(a->data[0] == 0x1f && a->data[1] == 0x8b);
    size_t tail = n - cut2;
    tn_buf *c = NULL;
    CHECK_EQ_INT(pq_compress(PQ_CODEC_GZIP, 0, src + cut2, tail, &c, &err), TN_OK);
    size_t total = a->size + b->size + z->size + c->size;
    uint8_t *cat = tn_malloc(total);
    size_t o = 0;
    memcpy(cat + o, a->data, a->size), o += a->size;
    memcpy(cat + o, b->data, b->size), o += b->size;
    memcpy(cat + o, z->data, z->size), o += z->size;
    memcpy(cat + o, c->data, c->size), o += c->size;
    uint8_t *dst = tn_malloc(n + GUARD);
    memset(dst, 0xE7, n + GUARD);
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_GZIP, cat, total, dst, n, &err), TN_OK);
    CHECK(memcmp(dst, src, n) == 0);
    /* the first member alone is not enough */
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_GZIP, cat, a->size, dst, n, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "GZIP") != NULL);
    /* trailing garbage after the last member */
    uint8_t *junk = tn_malloc(total + 3);
    memcpy(junk, cat, total);
    junk[total] = 'x', junk[total + 1] = 'y', junk[total + 2] = 'z';
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_GZIP, junk, total + 3, dst, n, &err), TN_CORRUPT);
    /* members producing more than dst_len */
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_GZIP, cat, total, dst, n - 5, &err), TN_CORRUPT);
    CHECK(guard_ok(dst, n));
    tn_free(junk);
    tn_free(dst);
    tn_free(cat);
    tn_buf_unref(a);
    tn_buf_unref(b);
    tn_buf_unref(z);
    tn_buf_unref(c);
    tn_free(src);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void test_lz4_hadoop_by_hand(void)
{
    size_t n;
    uint8_t *src = make_input(3, &n);
    n = 100000;
    const size_t parts[3] = {40000, 1, n - 40001};
    /* frames [BE decompressed][BE compressed][block] built with the lz4 library directly */
    size_t cap = 3 * (8 + (size_t)LZ4_compressBound((int)n));
    uint8_t *h = tn_malloc(cap);
    size_t o = 0, in = 0;
    for (int i = 0; i < 3; i++) {
        int r = LZ4_compress_default((const char *)src + in, (char *)h + o + 8, (int)parts[i],
                                     LZ4_compressBound((int)parts[i]));
        CHECK(r > 0);
        put_be32(h + o, (uint32_t)parts[i]);
        put_be32(h + o + 4, (uint32_t)r);
        o += 8 + (size_t)r;
        in += parts[i];
    }
    uint8_t *dst = tn_malloc(n + GUARD);
    tn_err err = TN_ERR_INIT;
    memset(dst, 0xE7, n + GUARD);
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_LZ4, h, o, dst, n, &err), TN_OK);
    CHECK(memcmp(dst, src, n) == 0);
    CHECK(guard_ok(dst, n));
    /* frames that do not add up to dst_len, and a frame cut short */
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_LZ4, h, o, dst, n - 1, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "LZ4") != NULL);
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_LZ4, h, o - 1, dst, n, &err), TN_CORRUPT);
    /* a lying compressed-size field */
    put_be32(h + 4, 0x7fffffff);
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_LZ4, h, o, dst, n, &err), TN_CORRUPT);
    CHECK(guard_ok(dst, n));

    /* our writer emits Hadoop framing: first header = decompressed size of the first block */
    tn_buf *c = NULL;
    CHECK_EQ_INT(pq_compress(PQ_CODEC_LZ4, 0, src, n, &c, &err), TN_OK);
    uint32_t first = (uint32_t)c->data[0] << 24 | (uint32_t)c->data[1] << 16 | (uint32_t)c->data[2] << 8 | c->data[3];
    CHECK_EQ_INT(first, n);
    tn_buf_unref(c);

    /* codec 5 holding a bare LZ4 block (old parquet-cpp) */
    int r = LZ4_compress_default((const char *)src, (char *)h, (int)n, (int)cap);
    CHECK(r > 0);
    memset(dst, 0, n);
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_LZ4, h, (size_t)r, dst, n, &err), TN_OK);
    CHECK(memcmp(dst, src, n) == 0);
    /* ... and an LZ4 frame */
    size_t fcap = LZ4F_compressFrameBound(n, NULL);
    uint8_t *f = tn_malloc(fcap);
    size_t fl = LZ4F_compressFrame(f, fcap, src, n, NULL);
    CHECK(!LZ4F_isError(fl));
    memset(dst, 0, n);
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_LZ4, f, fl, dst, n, &err), TN_OK);
    CHECK(memcmp(dst, src, n) == 0);
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_LZ4, f, fl, dst, n - 1, &err), TN_CORRUPT);
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_LZ4, f, fl - 4, dst, n, &err), TN_CORRUPT);
    /* a raw block is not accepted as LZ4_RAW with trailing bytes */
    h[r] = 0;
    CHECK_EQ_INT(pq_decompress(PQ_CODEC_LZ4_RAW, h, (size_t)r + 1, dst, n, &err), TN_CORRUPT);
    tn_free(f);
    tn_free(dst);
    tn_free(h);
    tn_free(src);
}

static void test_names(void)
{
    CHECK_EQ_STR(pq_codec_name(PQ_CODEC_UNCOMPRESSED), "UNCOMPRESSED");
    CHECK_EQ_STR(pq_codec_name(PQ_CODEC_SNAPPY), "SNAPPY");
    CHECK_EQ_STR(pq_codec_name(PQ_CODEC_LZ4_RAW), "LZ4_RAW");
    CHECK_EQ_STR(pq_codec_name(8), "UNKNOWN");
    CHECK_EQ_STR(pq_codec_name(-1), "UNKNOWN");
    CHECK_EQ_INT(pq_codec_from_name("zstd"), PQ_CODEC_ZSTD);
    CHECK_EQ_INT(pq_codec_from_name("ZSTD"), PQ_CODEC_ZSTD);
    CHECK_EQ_INT(pq_codec_from_name("Snappy"), PQ_CODEC_SNAPPY);
    CHECK_EQ_INT(pq_codec_from_name("uncompressed"), PQ_CODEC_UNCOMPRESSED);
    CHECK_EQ_INT(pq_codec_from_name("gzip"), PQ_CODEC_GZIP);
    CHECK_EQ_INT(pq_codec_from_name("brotli"), PQ_CODEC_BROTLI);
    CHECK_EQ_INT(pq_codec_from_name("lz4"), PQ_CODEC_LZ4);
    CHECK_EQ_INT(pq_codec_from_name("lz4_raw"), PQ_CODEC_LZ4_RAW);
    CHECK_EQ_INT(pq_codec_from_name("lz4raw"), -1);
    CHECK_EQ_INT(pq_codec_from_name(""), -1);
    CHECK_EQ_INT(pq_codec_from_name(NULL), -1);
}

static void test_no_leaks(void)
{
    CHECK_EQ_INT(tn_mem_in_use(), 0);
}

TEST_MAIN(test_roundtrip_all, test_empty_and_garbage, test_concatenated_gzip, test_lz4_hadoop_by_hand,
          test_names, test_no_leaks)
