/*
 * tn_base.h -- the foundation every tarn module includes.
 *
 * Responsibilities: result codes, the error-detail struct (tn_err), the counted allocator, and a
 * few portable macros. Depends on nothing but libc.
 *
 * Error convention (STYLE.md): fallible functions return int (TN_OK == 0, otherwise one of the
 * TN_* primary codes below, which equal the public TARN_* codes in include/tarn.h). Detail goes
 * into an optional, NULL-tolerant tn_err. Corrupt input reports file, structure and byte offset in
 * the message. Out-of-memory is a returned TN_NOMEM, never an abort.
 *
 * Thread-safety: the allocator is thread-safe (atomic counters). tn_err is owned by the caller.
 */
#ifndef TN_BASE_H
#define TN_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

/* Primary result codes; identical numbers to TARN_* in include/tarn.h. */
enum {
    TN_OK = 0,
    TN_ERROR = 1,      /* generic error: bad SQL, type error, semantic error */
    TN_NOMEM = 2,      /* allocation failed or memory limit reached */
    TN_IOERR = 3,      /* an operating-system I/O call failed */
    TN_CORRUPT = 4,    /* input file/log is malformed */
    TN_NOTSUP = 5,     /* valid input using a feature tarn does not implement */
    TN_CONFLICT = 6,   /* concurrent commit conflict */
    TN_MISUSE = 7,     /* API used incorrectly */
    TN_INTERRUPT = 8,  /* query cancelled */
    TN_RANGE = 9,      /* numeric overflow, division by zero, out-of-range value */
    TN_SYNTAX = 10,    /* SQL syntax error */
    TN_NOTFOUND = 11,  /* file, table, column or function does not exist */
};

#define TN_ERR_MSG_MAX 1024

/* Error detail: code + human-readable message. Zero-initialise before use (TN_ERR_INIT). */
typedef struct tn_err {
    int code;
    char msg[TN_ERR_MSG_MAX];
} tn_err;

#define TN_ERR_INIT {0, {0}}

/* Format a message into err (if non-NULL) and return code. Never fails. If err already holds an
 * error, the new message replaces it. */
int tn_err_set(tn_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix the existing message with context, e.g. "file.parquet: " + old message. Returns code. */
int tn_err_prefix(tn_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tn_err_clear(tn_err *err);
/* Name of a result code ("CORRUPT", ...). Static string. */
const char *tn_code_name(int code);

/* ---- allocator: every allocation in tarn goes through these (counted, pluggable later) ---- */
void *tn_malloc(size_t n);                 /* NULL on failure (or n == 0 returns a unique ptr) */
void *tn_calloc(size_t count, size_t size);/* NULL on failure or count*size overflow */
void *tn_realloc(void *p, size_t n);
void tn_free(void *p);
char *tn_strdup(const char *s);
char *tn_strndup(const char *s, size_t n);
/* Bytes currently allocated through tn_malloc & co. (approximate, for tests and limits). */
int64_t tn_mem_in_use(void);

#define TN_LIKELY(x) __builtin_expect(!!(x), 1)
#define TN_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TN_UNUSED(x) (void)(x)
#define TN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define TN_MAX(a, b) ((a) > (b) ? (a) : (b))

#ifdef NDEBUG
#define TN_ASSERT(x) ((void)0)
#else
#include <assert.h>
#define TN_ASSERT(x) assert(x)
#endif

/* Rows per vector batch (execution unit). */
#define TN_BATCH 2048

typedef __int128 tn_i128;
typedef unsigned __int128 tn_u128;

#endif
