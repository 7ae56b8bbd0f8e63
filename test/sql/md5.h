/*
 * md5.h -- MD5 (RFC 1321) for the sqllogictest runner's result hashing. Not for security.
 * Usage: md5_init, md5_update (any number of times), then md5_final or md5_hex (once).
 */
#ifndef TARN_TEST_MD5_H
#define TARN_TEST_MD5_H

#include <stddef.h>
#include <stdint.h>

typedef struct md5_ctx {
    uint32_t state[4];
    uint64_t bytes;
    uint8_t buf[64];
    size_t fill;
} md5_ctx;

void md5_init(md5_ctx *c);
void md5_update(md5_ctx *c, const void *data, size_t n);
void md5_final(md5_ctx *c, uint8_t out[16]);
/* Final digest as 32 lowercase hex digits + NUL. */
void md5_hex(md5_ctx *c, char out[33]);

#endif
