/*
 * md5.c -- MD5 message digest (RFC 1321), used by the sqllogictest runner to hash large result
 * sets exactly as the sqllogictest format specifies ("N values hashing to <32 hex digits>").
 *
 * Not for security. Written from the RFC's description: 512-bit blocks, four rounds of sixteen
 * operations on a 128-bit state, little-endian words and length, padding with 0x80, zeros and the
 * 64-bit bit length. The additive constants are floor(2^32 * |sin(i)|), i = 1..64 (RFC 1321,
 * section 3.4), computed once at first use.
 */
#include "md5.h"
#include <math.h>
#include <string.h>

static uint32_t g_k[64];
static int g_k_ready;

static const uint8_t g_shift[64] = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};

static void init_constants(void)
{
    if (g_k_ready)
        return;
    for (int i = 0; i < 64; i++)
        g_k[i] = (uint32_t)(fabs(sin((double)(i + 1))) * 4294967296.0);
    g_k_ready = 1;
}

static uint32_t rotl(uint32_t x, int c) { return (x << c) | (x >> (32 - c)); }

static void md5_block(uint32_t st[4], const uint8_t *p)
{
    uint32_t m[16];
    for (int i = 0; i < 16; i++)
        m[i] = (uint32_t)p[i * 4] | (uint32_t)p[i * 4 + 1] << 8 | (uint32_t)p[i * 4 + 2] << 16 |
               (uint32_t)p[i * 4 + 3] << 24;
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) {
            f = (b & c) | (~b & d);
            g = i;
        } else if (i < 32) {
            f = (d & b) | (~d & c);
            g = (5 * i + 1) & 15;
        } else if (i < 48) {
            f = b ^ c ^ d;
            g = (3 * i + 5) & 15;
        } else {
            f = c ^ (b | ~d);
            g = (7 * i) & 15;
        }
        uint32_t tmp = d;
        d = c;
        c = b;
        b = b + rotl(a + f + g_k[i] + m[g], g_shift[i]);
        a = tmp;
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
}

void md5_init(md5_ctx *c)
{
    init_constants();
    c->state[0] = 0x67452301u;
    c->state[1] = 0xefcdab89u;
    c->state[2] = 0x98badcfeu;
    c->state[3] = 0x10325476u;
    c->bytes = 0;
    c->fill = 0;
}

void md5_update(md5_ctx *c, const void *data, size_t n)
{
    const uint8_t *p = data;
    c->bytes += n;
    if (c->fill) {
        size_t take = 64 - c->fill < n ? 64 - c->fill : n;
        memcpy(c->buf + c->fill, p, take);
        c->fill += take;
        p += take;
        n -= take;
        if (c->fill < 64)
            return;
        md5_block(c->state, c->buf);
        c->fill = 0;
    }
    while (n >= 64) {
        md5_block(c->state, p);
        p += 64;
        n -= 64;
    }
    memcpy(c->buf, p, n);
    c->fill = n;
}

void md5_final(md5_ctx *c, uint8_t out[16])
{
    uint64_t bits = c->bytes * 8;
    uint8_t pad[72];
    size_t padlen = (c->fill < 56 ? 56 : 120) - c->fill;
    memset(pad, 0, sizeof pad);
    pad[0] = 0x80;
    md5_update(c, pad, padlen);
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (8 * i));
    md5_update(c, len, 8);
    for (int i = 0; i < 4; i++) {
        out[i * 4] = (uint8_t)c->state[i];
        out[i * 4 + 1] = (uint8_t)(c->state[i] >> 8);
        out[i * 4 + 2] = (uint8_t)(c->state[i] >> 16);
        out[i * 4 + 3] = (uint8_t)(c->state[i] >> 24);
    }
}

void md5_hex(md5_ctx *c, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[16];
    md5_final(c, d);
    for (int i = 0; i < 16; i++) {
        out[i * 2] = hex[d[i] >> 4];
        out[i * 2 + 1] = hex[d[i] & 15];
    }
    out[32] = 0;
}
