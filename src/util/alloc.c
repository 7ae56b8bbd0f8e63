/*
 * alloc.c -- tarn's counted allocator.
 *
 * Every allocation carries a 16-byte header holding its size so that tn_mem_in_use() is exact.
 * The counter is atomic, so the allocator is thread-safe. A memory limit and fault injection hook
 * in here later (STYLE.md: "All allocation goes through tarn's allocator functions").
 */
#include "tn_base.h"
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>

static _Atomic int64_t g_in_use;

#define HDR 16

void *tn_malloc(size_t n)
{
    if (n > SIZE_MAX - HDR)
        return NULL;
    unsigned char *p = malloc(n + HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    atomic_fetch_add_explicit(&g_in_use, (int64_t)n, memory_order_relaxed);
    return p + HDR;
}

void *tn_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t n = count * size;
    void *p = tn_malloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}

void *tn_realloc(void *p, size_t n)
{
    if (!p)
        return tn_malloc(n);
    if (n > SIZE_MAX - HDR)
        return NULL;
    unsigned char *base = (unsigned char *)p - HDR;
    size_t old;
    memcpy(&old, base, sizeof old);
    unsigned char *q = realloc(base, n + HDR);
    if (!q)
        return NULL;
    memcpy(q, &n, sizeof n);
    atomic_fetch_add_explicit(&g_in_use, (int64_t)n - (int64_t)old, memory_order_relaxed);
    return q + HDR;
}

void tn_free(void *p)
{
    if (!p)
        return;
    unsigned char *base = (unsigned char *)p - HDR;
    size_t old;
    memcpy(&old, base, sizeof old);
    atomic_fetch_sub_explicit(&g_in_use, (int64_t)old, memory_order_relaxed);
    free(base);
}

char *tn_strndup(const char *s, size_t n)
{
    char *d = tn_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

char *tn_strdup(const char *s) { return tn_strndup(s, strlen(s)); }

int64_t tn_mem_in_use(void) { return atomic_load_explicit(&g_in_use, memory_order_relaxed); }
