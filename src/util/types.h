/*
 * types.h -- tarn's logical type system, shared by the Parquet reader/writer, execution and SQL.
 *
 * A tn_type is a small value struct (copy it freely). Nested types (LIST/STRUCT/MAP) carry a
 * pointer to an immutable, reference-counted tn_nested description; flat types leave it NULL.
 *
 * Physical storage of one value in a flat vector (tn_type_width):
 *   BOOL            uint8_t (0/1)
 *   INT8..INT64     int8_t..int64_t;  UINT8..UINT64 uint8_t..uint64_t
 *   INT128          tn_i128 (used for exact SUM of integers / wide intermediates)
 *   FLOAT, DOUBLE   float, double (FLOAT16 from Parquet is widened exactly to FLOAT)
 *   DECIMAL(p,s)    int64_t unscaled value when p <= 18, tn_i128 when 19 <= p <= 38
 *   DATE            int32_t days since 1970-01-01 (proleptic Gregorian)
 *   TIME            int64_t units since midnight; unit in tn_type.unit (ms/us/ns)
 *   TIMESTAMP       int64_t units since 1970-01-01T00:00:00; unit in tn_type.unit; tz = true for
 *                   isAdjustedToUTC (SQL TIMESTAMPTZ / "TIMESTAMP WITH TIME ZONE")
 *   INTERVAL        tn_interval {int32 months; int32 days; int64 micros}
 *   VARCHAR, BLOB   tn_str (16-byte string view, see vector.h). JSON/ENUM are VARCHAR with a flag.
 *   UUID            tn_u128 stored big-endian-compared as 16 raw bytes (uint8_t[16])
 *   LIST/MAP        tn_list_entry {uint64 offset; uint64 length} into a child vector (issue 3)
 *   STRUCT          no own data; one child vector per field (issue 3)
 */
#ifndef TN_TYPES_H
#define TN_TYPES_H

#include "tn_base.h"

typedef enum tn_type_id {
    TN_T_INVALID = 0,
    TN_T_NULL,      /* type of an untyped NULL literal */
    TN_T_BOOL,
    TN_T_INT8,
    TN_T_INT16,
    TN_T_INT32,
    TN_T_INT64,
    TN_T_UINT8,
    TN_T_UINT16,
    TN_T_UINT32,
    TN_T_UINT64,
    TN_T_INT128,
    TN_T_FLOAT,
    TN_T_DOUBLE,
    TN_T_DECIMAL,
    TN_T_DATE,
    TN_T_TIME,
    TN_T_TIMESTAMP,
    TN_T_INTERVAL,
    TN_T_VARCHAR,
    TN_T_BLOB,
    TN_T_UUID,
    TN_T_LIST,
    TN_T_STRUCT,
    TN_T_MAP,
    TN_T__COUNT
} tn_type_id;

typedef enum tn_time_unit { TN_UNIT_US = 0, TN_UNIT_MS = 1, TN_UNIT_NS = 2 } tn_time_unit;

/* tn_type.flags */
#define TN_TF_JSON 0x01 /* VARCHAR holding JSON text */
#define TN_TF_ENUM 0x02 /* VARCHAR from an ENUM */

struct tn_nested;

typedef struct tn_type {
    uint8_t id;        /* tn_type_id */
    uint8_t precision; /* DECIMAL: 1..38 */
    uint8_t scale;     /* DECIMAL: 0..precision */
    uint8_t unit;      /* TIME, TIMESTAMP: tn_time_unit */
    uint8_t tz;        /* TIMESTAMP: 1 = adjusted to UTC (TIMESTAMPTZ) */
    uint8_t flags;     /* TN_TF_* */
    struct tn_nested *nested; /* LIST/MAP/STRUCT only; borrowed reference, see tn_nested */
} tn_type;

/* Nested type description. Created only by tn_type_list/tn_type_map/tn_type_struct, which intern
 * them: structurally equal nested types share one immutable descriptor that lives until process
 * exit (freed by a destructor), so tn_type values holding one may be copied and compared freely
 * (pointer equality == type equality). Thread-safe (the intern table is mutex-protected). */
typedef struct tn_nested {
    int refcnt;         /* unused (descriptors are immortal); kept for layout stability */
    int nchildren;
    tn_type *children;  /* LIST: [element]; MAP: [key, value]; STRUCT: one per field */
    char **names;       /* STRUCT field names (NULL for LIST/MAP) */
} tn_nested;

typedef struct tn_interval { int32_t months; int32_t days; int64_t micros; } tn_interval;
typedef struct tn_list_entry { uint64_t offset; uint64_t length; } tn_list_entry;

/* Nested type constructors (interned, see tn_nested). On OOM they return a type whose id is
 * TN_T_INVALID. LIST: children[0] = element. MAP: children = {key, value}, names {"key",
 * "value"}; a MAP vector is laid out as a LIST of STRUCT{key, value}. STRUCT: one child per field,
 * names copied. */
tn_type tn_type_list(tn_type elem);
tn_type tn_type_map(tn_type key, tn_type value);
tn_type tn_type_struct(uint32_t n, const char *const *names, const tn_type *types);
/* The element type of a LIST / the STRUCT{key, value} entry type of a MAP. */
tn_type tn_type_list_child(tn_type t);

static inline tn_type tn_type_make(tn_type_id id)
{
    tn_type t = {(uint8_t)id, 0, 0, 0, 0, 0, NULL};
    return t;
}
tn_type tn_type_decimal(int precision, int scale);
tn_type tn_type_timestamp(tn_time_unit unit, bool tz);
tn_type tn_type_time(tn_time_unit unit);

/* Bytes per value in a flat vector (0 for STRUCT). */
size_t tn_type_width(tn_type t);
/* SQL spelling: "BIGINT", "DECIMAL(18,2)", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS"... written
 * into buf (NUL-terminated, truncated to cap). Returns buf. */
char *tn_type_name(tn_type t, char *buf, size_t cap);
bool tn_type_equal(tn_type a, tn_type b);
bool tn_type_is_integer(tn_type t);   /* INT8..UINT64, INT128 */
bool tn_type_is_signed(tn_type t);    /* signed integers */
bool tn_type_is_numeric(tn_type t);   /* integers, DECIMAL, FLOAT, DOUBLE */
bool tn_type_is_string(tn_type t);    /* VARCHAR, BLOB */
bool tn_type_is_nested(tn_type t);
/* DECIMAL stored in 64 bits? (precision <= 18) */
static inline bool tn_decimal_is_small(tn_type t) { return t.precision <= 18; }

#endif
