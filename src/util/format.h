/*
 * format.h -- text rendering of values as the shell prints them (DuckDB-compatible):
 *   integers decimal; DECIMAL(p,s) exact with exactly s fractional digits; FLOAT/DOUBLE shortest
 *   text that round-trips (at the value's own width), "nan", "inf", "-inf"; BOOL true/false;
 *   DATE YYYY-MM-DD (years outside 1..9999 as DuckDB: e.g. "-0001-..." / "10000-..."); TIME
 *   HH:MM:SS[.fraction, trailing zeros trimmed]; TIMESTAMP "YYYY-MM-DD HH:MM:SS[.fraction trimmed]",
 *   TIMESTAMPTZ the same plus "+00"; INTERVAL "1 year 2 months 3 days 04:05:06"; UUID 8-4-4-4-12;
 *   BLOB printable ASCII as is, other bytes "\xNN"; VARCHAR raw.
 * Reentrant.
 */
#ifndef TN_FORMAT_H
#define TN_FORMAT_H

#include "tn_base.h"
#include "types.h"
#include "sbuf.h"
#include "vector.h"

/* Append the rendering of the physical value at `value` (layout per types.h) of type t. */
void tn_format_value(tn_sbuf *out, tn_type t, const void *value);
/* Append row `row` of v (any kind); NULL rows append nothing and return false. */
bool tn_format_vector_row(tn_sbuf *out, const tn_vector *v, uint32_t row);
void tn_format_double(tn_sbuf *out, double d);
void tn_format_float(tn_sbuf *out, float f);
void tn_format_decimal(tn_sbuf *out, tn_i128 unscaled, int scale);
void tn_format_i128(tn_sbuf *out, tn_i128 v);
void tn_format_u128(tn_sbuf *out, tn_u128 v);
void tn_format_date(tn_sbuf *out, int32_t days);
void tn_format_time(tn_sbuf *out, int64_t v, tn_time_unit unit);
void tn_format_timestamp(tn_sbuf *out, int64_t v, tn_time_unit unit, bool tz);

#endif
