/*
 * sbuf.c -- tn_sbuf implementation.
 */
#include "sbuf.h"
#include <stdio.h>
#include <string.h>

static bool grow(tn_sbuf *s, size_t extra)
{
    if (s->oom)
        return false;
    if (s->len + extra + 1 <= s->cap)
        return true;
    size_t nc = s->cap ? s->cap : 64;
    while (nc < s->len + extra + 1) {
        if (nc > SIZE_MAX / 2) {
            s->oom = true;
            return false;
        }
        nc *= 2;
    }
    char *nb = tn_realloc(s->buf, nc);
    if (!nb) {
        s->oom = true;
        return false;
    }
    s->buf = nb;
    s->cap = nc;
    return true;
}

void tn_sbuf_append(tn_sbuf *s, const char *p, size_t n)
{
    if (!grow(s, n))
        return;
    if (n)
        memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = 0;
}

void tn_sbuf_puts(tn_sbuf *s, const char *p) { tn_sbuf_append(s, p, strlen(p)); }
void tn_sbuf_putc(tn_sbuf *s, char c) { tn_sbuf_append(s, &c, 1); }

void tn_sbuf_vprintf(tn_sbuf *s, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !grow(s, (size_t)n))
        return;
    vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
    s->len += (size_t)n;
}

void tn_sbuf_printf(tn_sbuf *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tn_sbuf_vprintf(s, fmt, ap);
    va_end(ap);
}

const char *tn_sbuf_str(const tn_sbuf *s) { return s->buf ? s->buf : ""; }

void tn_sbuf_clear(tn_sbuf *s)
{
    s->len = 0;
    s->oom = false;
    if (s->buf)
        s->buf[0] = 0;
}

void tn_sbuf_free(tn_sbuf *s)
{
    tn_free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
    s->oom = false;
}

char *tn_sbuf_take(tn_sbuf *s)
{
    char *r = s->oom ? NULL : s->buf;
    if (!r)
        r = s->oom ? NULL : tn_strdup("");
    else
        s->buf = NULL;
    tn_sbuf_free(s);
    return r;
}
