/*
 * tarn.h -- the public C API of tarn, an embeddable lakehouse engine (Parquet, Delta Lake, SQL).
 *
 * Usage:
 *     tarn_db *db;
 *     if (tarn_open(NULL, &db) != TARN_OK) { ... tarn_errmsg(db) ...; tarn_close(db); }
 *     tarn_stmt *st;
 *     const char *tail;
 *     if (tarn_prepare(db, "SELECT 42 AS x", &tail, &st) == TARN_OK) {
 *         tarn_batch *b;
 *         while (tarn_stmt_fetch(st, &b) == TARN_OK && b) {
 *             for (uint64_t r = 0; r < tarn_batch_rows(b); r++)
 *                 printf("%s\n", tarn_batch_text(b, 0, r, NULL));
 *         }
 *         tarn_stmt_finalize(st);
 *     }
 *     tarn_close(db);
 *
 * Results come batch by batch (up to 2048 rows) and column by column: tarn_batch_column gives a
 * column's dense values and validity bitmap in tarn's physical layout, tarn_batch_text any value as
 * text (the same rendering the shell prints).
 *
 * Errors: every function returns a TARN_* code; the message of the last failure on a connection is
 * tarn_errmsg(db) (valid until the next call on db).
 * Ownership: handles are freed by their own close/finalize; pointers returned from batches are owned
 * by the statement and valid until the next tarn_stmt_fetch or tarn_stmt_finalize.
 * Thread-safety: a tarn_db and its statements must be used by one thread at a time; separate
 * tarn_db handles are independent.
 */
#ifndef TARN_H
#define TARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TARN_API __attribute__((visibility("default")))
#else
#define TARN_API
#endif

#define TARN_VERSION "0.1.0"

/* Result codes */
#define TARN_OK 0
#define TARN_ERROR 1
#define TARN_NOMEM 2
#define TARN_IOERR 3
#define TARN_CORRUPT 4
#define TARN_NOTSUP 5
#define TARN_CONFLICT 6
#define TARN_MISUSE 7
#define TARN_INTERRUPT 8
#define TARN_RANGE 9
#define TARN_SYNTAX 10
#define TARN_NOTFOUND 11

/* Column types (tarn_stmt_column_type). Physical layout of tarn_column.data per type:
 * BOOL uint8; INT8..UINT64 native ints; HUGEINT/DECIMAL(>18) 16-byte two's complement
 * (__int128); DECIMAL(<=18) int64 unscaled; FLOAT float; DOUBLE double; DATE int32 days since
 * 1970-01-01; TIME int64 (unit from tarn_stmt_column_time_unit); TIMESTAMP(_TZ) int64 since the
 * epoch in that unit; VARCHAR/BLOB tarn_string; UUID 16 bytes; INTERVAL {int32 months; int32 days;
 * int64 micros}. */
typedef enum tarn_type {
    TARN_TYPE_INVALID = 0, TARN_TYPE_NULL, TARN_TYPE_BOOL, TARN_TYPE_INT8, TARN_TYPE_INT16,
    TARN_TYPE_INT32, TARN_TYPE_INT64, TARN_TYPE_UINT8, TARN_TYPE_UINT16, TARN_TYPE_UINT32,
    TARN_TYPE_UINT64, TARN_TYPE_HUGEINT, TARN_TYPE_FLOAT, TARN_TYPE_DOUBLE, TARN_TYPE_DECIMAL,
    TARN_TYPE_DATE, TARN_TYPE_TIME, TARN_TYPE_TIMESTAMP, TARN_TYPE_INTERVAL, TARN_TYPE_VARCHAR,
    TARN_TYPE_BLOB, TARN_TYPE_UUID, TARN_TYPE_LIST, TARN_TYPE_STRUCT, TARN_TYPE_MAP
} tarn_type;

typedef struct tarn_db tarn_db;
typedef struct tarn_stmt tarn_stmt;
typedef struct tarn_batch tarn_batch;

typedef struct tarn_string {
    const char *data; /* not NUL-terminated */
    uint32_t len;
} tarn_string;

typedef struct tarn_column {
    tarn_type type;
    const void *data;         /* rows values, dense (row i at index i) */
    const uint64_t *validity; /* NULL = no NULLs; else bit i (LSB first) set = row i valid */
    uint64_t rows;
} tarn_column;

/* Open a database. `path` is the base directory for relative file paths (NULL or "" = current
 * directory). On failure *out may still be set so tarn_errmsg works; always tarn_close it. */
TARN_API int tarn_open(const char *path, tarn_db **out);
TARN_API void tarn_close(tarn_db *db); /* NULL-safe; finalize statements first */
TARN_API const char *tarn_errmsg(const tarn_db *db);
TARN_API int tarn_errcode(const tarn_db *db);
TARN_API const char *tarn_version(void);

/* Compile the first statement of sql. *tail (optional) points past it. *out is NULL when the text
 * holds no statement (only whitespace/comments). */
TARN_API int tarn_prepare(tarn_db *db, const char *sql, const char **tail, tarn_stmt **out);
/* Run every statement of a script, discarding results. Stops at the first error. */
TARN_API int tarn_exec(tarn_db *db, const char *sql);

TARN_API uint32_t tarn_stmt_column_count(const tarn_stmt *st);
TARN_API const char *tarn_stmt_column_name(const tarn_stmt *st, uint32_t col);
TARN_API tarn_type tarn_stmt_column_type(const tarn_stmt *st, uint32_t col);
/* SQL type name ("BIGINT", "DECIMAL(18,2)"); owned by the statement. */
TARN_API const char *tarn_stmt_column_type_name(const tarn_stmt *st, uint32_t col);
TARN_API int tarn_stmt_column_decimal(const tarn_stmt *st, uint32_t col, int *precision, int *scale);
/* Unit of the int64 values of a TIME or TIMESTAMP column: TARN_UNIT_*; -1 for other columns. */
#define TARN_UNIT_MICROS 0
#define TARN_UNIT_MILLIS 1
#define TARN_UNIT_NANOS 2
TARN_API int tarn_stmt_column_time_unit(const tarn_stmt *st, uint32_t col);
/* Fetch the next batch; *out = NULL when the result is exhausted. */
TARN_API int tarn_stmt_fetch(tarn_stmt *st, tarn_batch **out);
TARN_API void tarn_stmt_finalize(tarn_stmt *st); /* NULL-safe */
/* Ask a running statement to stop (thread-safe); the next fetch returns TARN_INTERRUPT. */
TARN_API void tarn_stmt_interrupt(tarn_stmt *st);

TARN_API uint64_t tarn_batch_rows(const tarn_batch *b);
/* Dense column access. Nested columns (LIST, STRUCT, MAP) have no dense layout yet: out->type is
 * TARN_TYPE_LIST / TARN_TYPE_STRUCT / TARN_TYPE_MAP and out->rows is set, but out->data and
 * out->validity are NULL and the call returns TARN_NOTSUP; read their values with tarn_batch_json
 * (or tarn_batch_text) and their NULLs with tarn_batch_is_null. */
TARN_API int tarn_batch_column(tarn_batch *b, uint32_t col, tarn_column *out);
TARN_API bool tarn_batch_is_null(const tarn_batch *b, uint32_t col, uint64_t row);
/* Value as text (NULL for SQL NULL); *len (optional) receives the length. The string is owned by
 * the batch and valid until the next fetch. Rendering: integers in decimal, decimals exact with
 * `scale` digits, floating point shortest round-trip, dates YYYY-MM-DD, timestamps
 * YYYY-MM-DD HH:MM:SS[.ffffff] (+00 for TIMESTAMP WITH TIME ZONE), booleans true/false, blobs
 * with \xNN escapes for non-printable bytes. */
TARN_API const char *tarn_batch_text(tarn_batch *b, uint32_t col, uint64_t row, size_t *len);
/* Value as one JSON value, NUL-terminated; *len (optional) receives the length. Unlike
 * tarn_batch_text, SQL NULL gives the text "null" (NULL is returned only for a bad column/row or
 * when out of memory). Rendering: booleans true/false; integers and decimals (exact, e.g. 12.50)
 * as numbers; finite FLOAT/DOUBLE as shortest round-trip numbers, NaN/infinities as the strings
 * "nan", "inf", "-inf"; every other scalar (text, blobs with \xNN escapes, dates, times,
 * timestamps, intervals, UUIDs) as a JSON string of its tarn_batch_text rendering; LIST as an
 * array; STRUCT as an object with the field names in order; MAP as an object whose member names
 * are the keys' text (any key type, as DuckDB's to_json) in stored order. Owned by the batch, valid
 * until the next fetch or finalize. */
TARN_API const char *tarn_batch_json(tarn_batch *b, uint32_t col, uint64_t row, size_t *len);
/* Typed accessors (TARN_MISUSE via 0 for incompatible types; check tarn_stmt_column_type). */
TARN_API int64_t tarn_batch_int64(const tarn_batch *b, uint32_t col, uint64_t row);
TARN_API double tarn_batch_double(const tarn_batch *b, uint32_t col, uint64_t row);

#ifdef __cplusplus
}
#endif
#endif
