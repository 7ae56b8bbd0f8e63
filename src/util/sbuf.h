/*
 * sbuf.h -- growable NUL-terminated string builder used for messages, EXPLAIN output and value
 * formatting. On OOM the builder becomes sticky-failed (oom = true) and further appends are
 * ignored, so callers check once at the end (SQLite's StrAccum habit).
 * Ownership: the builder owns buf; tn_sbuf_take hands it to the caller (tn_free).
 */
#ifndef TN_SBUF_H
#define TN_SBUF_H

#include "tn_base.h"

typedef struct tn_sbuf {
    char *buf;
    size_t len, cap;
    bool oom;
} tn_sbuf;

#define TN_SBUF_INIT {NULL, 0, 0, false}

void tn_sbuf_append(tn_sbuf *s, const char *p, size_t n);
void tn_sbuf_puts(tn_sbuf *s, const char *p);
void tn_sbuf_putc(tn_sbuf *s, char c);
void tn_sbuf_printf(tn_sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tn_sbuf_vprintf(tn_sbuf *s, const char *fmt, va_list ap);
/* Current contents ("" if empty); valid until the next append. */
const char *tn_sbuf_str(const tn_sbuf *s);
void tn_sbuf_clear(tn_sbuf *s);   /* len = 0, keeps storage, clears oom */
void tn_sbuf_free(tn_sbuf *s);
char *tn_sbuf_take(tn_sbuf *s);   /* returns owned string (or NULL on oom); builder emptied */

#endif
