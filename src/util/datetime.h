/*
 * datetime.h -- calendar arithmetic and parsing for DATE, TIME and TIMESTAMP values.
 *
 * Dates are days since 1970-01-01 in the proleptic Gregorian calendar (no year 0 gap: year 0 is
 * 1 BC, as ISO 8601). Times/timestamps are counts of tn_time_unit since midnight / the epoch.
 * Parsers accept what PostgreSQL/DuckDB accept for literals: 'YYYY-MM-DD', optional ' ' or 'T'
 * then 'HH:MM[:SS[.fraction]]', optional 'Z' or '+HH[:MM]' / '-HH[:MM]' offset (timestamps are then
 * normalised to UTC), and a trailing " BC" is not supported. Reentrant.
 */
#ifndef TN_DATETIME_H
#define TN_DATETIME_H

#include "tn_base.h"
#include "types.h"

int64_t tn_days_from_civil(int64_t y, int m, int d);
void tn_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
bool tn_is_leap_year(int64_t y);
int tn_days_in_month(int64_t y, int m);
/* 1 (ms) 1000 (us) ... : units per second for a tn_time_unit: ms 1e3, us 1e6, ns 1e9 */
int64_t tn_unit_per_second(tn_time_unit unit);

/* Parse into *out; false on malformed or out-of-range input. */
bool tn_date_parse(const char *s, size_t n, int32_t *out);
bool tn_time_parse(const char *s, size_t n, tn_time_unit unit, int64_t *out);
/* *had_tz (optional) set when the text carried a zone offset/'Z'. */
bool tn_timestamp_parse(const char *s, size_t n, tn_time_unit unit, int64_t *out, bool *had_tz);
/* Convert between units with overflow check (false on overflow); truncation toward -inf. */
bool tn_time_convert(int64_t v, tn_time_unit from, tn_time_unit to, int64_t *out);

#endif
