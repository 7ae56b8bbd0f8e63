/*
 * types.c -- tn_type helpers: construction, widths, names, classification.
 */
#include "types.h"
#include "vector.h"
#include <stdio.h>
#include <string.h>

tn_type tn_type_decimal(int precision, int scale)
{
    tn_type t = tn_type_make(TN_T_DECIMAL);
    t.precision = (uint8_t)precision;
    t.scale = (uint8_t)scale;
    return t;
}

tn_type tn_type_timestamp(tn_time_unit unit, bool tz)
{
    tn_type t = tn_type_make(TN_T_TIMESTAMP);
    t.unit = (uint8_t)unit;
    t.tz = tz ? 1 : 0;
    return t;
}

tn_type tn_type_time(tn_time_unit unit)
{
    tn_type t = tn_type_make(TN_T_TIME);
    t.unit = (uint8_t)unit;
    return t;
}

size_t tn_type_width(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_NULL:
    case TN_T_BOOL:
    case TN_T_INT8:
    case TN_T_UINT8: return 1;
    case TN_T_INT16:
    case TN_T_UINT16: return 2;
    case TN_T_INT32:
    case TN_T_UINT32:
    case TN_T_FLOAT:
    case TN_T_DATE: return 4;
    case TN_T_INT64:
    case TN_T_UINT64:
    case TN_T_DOUBLE:
    case TN_T_TIME:
    case TN_T_TIMESTAMP: return 8;
    case TN_T_INT128:
    case TN_T_UUID:
    case TN_T_INTERVAL:
    case TN_T_LIST:
    case TN_T_MAP: return 16;
    case TN_T_DECIMAL: return t.precision <= 18 ? 8 : 16;
    case TN_T_VARCHAR:
    case TN_T_BLOB: return sizeof(tn_str);
    case TN_T_STRUCT:
    case TN_T_INVALID:
    case TN_T__COUNT: return 0;
    }
    return 0;
}

char *tn_type_name(tn_type t, char *buf, size_t cap)
{
    const char *n = "INVALID";
    switch ((tn_type_id)t.id) {
    case TN_T_NULL: n = "NULL"; break;
    case TN_T_BOOL: n = "BOOLEAN"; break;
    case TN_T_INT8: n = "TINYINT"; break;
    case TN_T_INT16: n = "SMALLINT"; break;
    case TN_T_INT32: n = "INTEGER"; break;
    case TN_T_INT64: n = "BIGINT"; break;
    case TN_T_UINT8: n = "UTINYINT"; break;
    case TN_T_UINT16: n = "USMALLINT"; break;
    case TN_T_UINT32: n = "UINTEGER"; break;
    case TN_T_UINT64: n = "UBIGINT"; break;
    case TN_T_INT128: n = "HUGEINT"; break;
    case TN_T_FLOAT: n = "FLOAT"; break;
    case TN_T_DOUBLE: n = "DOUBLE"; break;
    case TN_T_DECIMAL:
        snprintf(buf, cap, "DECIMAL(%d,%d)", t.precision, t.scale);
        return buf;
    case TN_T_DATE: n = "DATE"; break;
    case TN_T_TIME: n = t.unit == TN_UNIT_NS ? "TIME_NS" : "TIME"; break;
    case TN_T_TIMESTAMP:
        if (t.tz)
            n = "TIMESTAMP WITH TIME ZONE";
        else
            n = t.unit == TN_UNIT_NS ? "TIMESTAMP_NS" : t.unit == TN_UNIT_MS ? "TIMESTAMP_MS" : "TIMESTAMP";
        break;
    case TN_T_INTERVAL: n = "INTERVAL"; break;
    case TN_T_VARCHAR: n = (t.flags & TN_TF_JSON) ? "JSON" : "VARCHAR"; break;
    case TN_T_BLOB: n = "BLOB"; break;
    case TN_T_UUID: n = "UUID"; break;
    case TN_T_LIST: n = "LIST"; break;
    case TN_T_STRUCT: n = "STRUCT"; break;
    case TN_T_MAP: n = "MAP"; break;
    case TN_T_INVALID:
    case TN_T__COUNT: break;
    }
    snprintf(buf, cap, "%s", n);
    return buf;
}

bool tn_type_equal(tn_type a, tn_type b)
{
    if (a.id != b.id)
        return false;
    if (a.id == TN_T_DECIMAL)
        return a.precision == b.precision && a.scale == b.scale;
    if (a.id == TN_T_TIMESTAMP)
        return a.unit == b.unit && a.tz == b.tz;
    if (a.id == TN_T_TIME)
        return a.unit == b.unit;
    return true;
}

bool tn_type_is_integer(tn_type t) { return t.id >= TN_T_INT8 && t.id <= TN_T_INT128; }
bool tn_type_is_signed(tn_type t)
{
    return (t.id >= TN_T_INT8 && t.id <= TN_T_INT64) || t.id == TN_T_INT128;
}
bool tn_type_is_numeric(tn_type t)
{
    return tn_type_is_integer(t) || t.id == TN_T_FLOAT || t.id == TN_T_DOUBLE || t.id == TN_T_DECIMAL;
}
bool tn_type_is_string(tn_type t) { return t.id == TN_T_VARCHAR || t.id == TN_T_BLOB; }
bool tn_type_is_nested(tn_type t)
{
    return t.id == TN_T_LIST || t.id == TN_T_STRUCT || t.id == TN_T_MAP;
}
