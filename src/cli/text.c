/*
 * text.c -- small text utilities of the shell: a growable byte buffer and UTF-8 display width,
 * escaping and truncation for the box and markdown renderers.
 *
 * Display width: UTF-8 is decoded leniently (an invalid byte counts as one column and is passed
 * through). East Asian wide and fullwidth ranges and common emoji take two columns, combining
 * marks and zero-width characters none; everything else one. Control characters never reach the
 * terminal raw in the tabular modes: sh_display_escape turns them into \n, \r, \t or \xNN.
 */
#include "shell.h"
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* ---- buffer ---- */

static bool buf_grow(sh_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->len + extra + 1) {
        if (nc > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        nc *= 2;
    }
    char *np = realloc(b->p, nc);
    if (!np) {
        b->oom = true;
        return false;
    }
    b->p = np;
    b->cap = nc;
    return true;
}

void sh_buf_add(sh_buf *b, const char *s, size_t n)
{
    if (!buf_grow(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void sh_buf_puts(sh_buf *b, const char *s) { sh_buf_add(b, s, strlen(s)); }
void sh_buf_putc(sh_buf *b, char c) { sh_buf_add(b, &c, 1); }

void sh_buf_repeat(sh_buf *b, const char *s, int times)
{
    size_t n = strlen(s);
    for (int i = 0; i < times; i++)
        sh_buf_add(b, s, n);
}

void sh_buf_reset(sh_buf *b)
{
    b->len = 0;
    b->oom = false;
    if (b->p)
        b->p[0] = 0;
}

void sh_buf_free(sh_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

char *sh_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* ---- UTF-8 ---- */

/* Decode one character at s (n > 0 bytes available). Returns its byte length (>= 1); *cp gets the
 * code point, or -1 for an invalid byte. */
static size_t utf8_next(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    int32_t v;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        v = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        v = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        v = c & 0x07;
    } else {
        *cp = -1;
        return 1;
    }
    if (len > n) {
        *cp = -1;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static int cp_width(int32_t cp)
{
    if (cp < 0)
        return 1;
    if (cp < 0x20 || cp == 0x7F)
        return cp == '\n' || cp == '\r' || cp == '\t' ? 2 : 4; /* escaped form */
    if (cp < 0x300)
        return 1;
    if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
        (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x20D0 && cp <= 0x20FF))
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
        (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
        (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

int sh_display_width(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    int w = 0;
    while (i < n) {
        if (p[i] >= 0x20 && p[i] < 0x7F) { /* ASCII fast path */
            w++;
            i++;
            continue;
        }
        int32_t cp;
        i += utf8_next(p + i, n - i, &cp);
        w += cp_width(cp);
        if (w > (1 << 29))
            break; /* absurdly long value: the caller truncates anyway */
    }
    return w;
}

void sh_display_escape(sh_buf *b, const char *s, size_t n, bool keep_newlines)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != 0x7F)
            continue;
        if (keep_newlines && c == '\n')
            continue;
        sh_buf_add(b, s + run, i - run);
        if (keep_newlines && c == '\r' && i + 1 < n && s[i + 1] == '\n') {
            /* CR LF: drop the CR; the LF is copied with the next run */
        } else if (c == '\n')
            sh_buf_puts(b, "\\n");
        else if (c == '\r')
            sh_buf_puts(b, "\\r");
        else if (c == '\t')
            sh_buf_puts(b, "\\t");
        else {
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            sh_buf_add(b, e, 4);
        }
        run = i + 1;
    }
    sh_buf_add(b, s + run, n - run);
}

size_t sh_display_prefix(const char *s, size_t n, int cols, int *used)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    int w = 0;
    while (i < n) {
        int32_t cp;
        size_t len = utf8_next(p + i, n - i, &cp);
        int cw = cp_width(cp);
        if (w + cw > cols)
            break;
        w += cw;
        i += len;
    }
    if (used)
        *used = w;
    return i;
}

int sh_terminal_width(void)
{
    if (isatty(STDOUT_FILENO)) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
            return ws.ws_col;
    }
    const char *c = getenv("COLUMNS");
    if (c && *c) {
        long v = strtol(c, NULL, 10);
        if (v > 0 && v < 100000)
            return (int)v;
    }
    return 120;
}
