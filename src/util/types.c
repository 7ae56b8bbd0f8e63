/*
 * types.c -- tn_type helpers: construction, widths, names, classification.
 */
#include "types.h"
#include "vector.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- interned nested type descriptors ---- */
typedef struct intern_node {
    struct intern_node *next;
    uint8_t id;
    tn_nested desc;
} intern_node;

static pthread_mutex_t g_intern_lock = PTHREAD_MUTEX_INITIALIZER;
static intern_node *g_interned;

static bool same_desc(const intern_node *n, uint8_t id, uint32_t cnt, const char *const *names, const tn_type *types)
{
    if (n->id != id || n->desc.nchildren != (int)cnt)
        return false;
    for (uint32_t i = 0; i < cnt; i++) {
        if (!tn_type_equal(n->desc.children[i], types[i]))
            return false;
        const char *a = n->desc.names ? n->desc.names[i] : NULL;
        const char *b = names ? names[i] : NULL;
        if ((a == NULL) != (b == NULL) || (a && b && strcmp(a, b) != 0))
            return false;
    }
    return true;
}

static tn_type intern(uint8_t id, uint32_t cnt, const char *const *names, const tn_type *types)
{
    tn_type t = tn_type_make((tn_type_id)id);
    pthread_mutex_lock(&g_intern_lock);
    for (intern_node *n = g_interned; n; n = n->next) {
        if (same_desc(n, id, cnt, names, types)) {
            t.nested = &n->desc;
            pthread_mutex_unlock(&g_intern_lock);
            return t;
        }
    }
    intern_node *n = tn_calloc(1, sizeof *n);
    if (!n)
        goto oom;
    n->id = id;
    n->desc.nchildren = (int)cnt;
    n->desc.children = tn_calloc(cnt ? cnt : 1, sizeof(tn_type));
    if (!n->desc.children)
        goto oom_node;
    if (cnt)
        memcpy(n->desc.children, types, cnt * sizeof(tn_type));
    if (names) {
        n->desc.names = tn_calloc(cnt ? cnt : 1, sizeof(char *));
        if (!n->desc.names)
            goto oom_node;
        for (uint32_t i = 0; i < cnt; i++)
            if (!(n->desc.names[i] = tn_strdup(names[i] ? names[i] : "")))
                goto oom_node;
    }
    n->next = g_interned;
    g_interned = n;
    t.nested = &n->desc;
    pthread_mutex_unlock(&g_intern_lock);
    return t;
oom_node:
    if (n->desc.names)
        for (uint32_t i = 0; i < cnt; i++)
            tn_free(n->desc.names[i]);
    tn_free(n->desc.names);
    tn_free(n->desc.children);
    tn_free(n);
oom:
    pthread_mutex_unlock(&g_intern_lock);
    return tn_type_make(TN_T_INVALID);
}

__attribute__((destructor)) static void free_interned(void)
{
    intern_node *n = g_interned;
    while (n) {
        intern_node *next = n->next;
        if (n->desc.names)
            for (int i = 0; i < n->desc.nchildren; i++)
                tn_free(n->desc.names[i]);
        tn_free(n->desc.names);
        tn_free(n->desc.children);
        tn_free(n);
        n = next;
    }
    g_interned = NULL;
}

tn_type tn_type_list(tn_type elem)
{
    if (elem.id == TN_T_INVALID)
        return elem;
    return intern(TN_T_LIST, 1, NULL, &elem);
}

tn_type tn_type_map(tn_type key, tn_type value)
{
    if (key.id == TN_T_INVALID || value.id == TN_T_INVALID)
        return tn_type_make(TN_T_INVALID);
    tn_type kv[2] = {key, value};
    const char *names[2] = {"key", "value"};
    return intern(TN_T_MAP, 2, names, kv);
}

tn_type tn_type_struct(uint32_t n, const char *const *names, const tn_type *types)
{
    for (uint32_t i = 0; i < n; i++)
        if (types[i].id == TN_T_INVALID)
            return types[i];
    return intern(TN_T_STRUCT, n, names, types);
}

tn_type tn_type_list_child(tn_type t)
{
    if (t.id == TN_T_LIST && t.nested)
        return t.nested->children[0];
    if (t.id == TN_T_MAP && t.nested) {
        const char *names[2] = {"key", "value"};
        return tn_type_struct(2, names, t.nested->children);
    }
    return tn_type_make(TN_T_INVALID);
}

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
    case TN_T_LIST:
    case TN_T_STRUCT:
    case TN_T_MAP: {
        if (!t.nested) {
            n = t.id == TN_T_LIST ? "LIST" : t.id == TN_T_MAP ? "MAP" : "STRUCT";
            break;
        }
        char a[256], b[256];
        if (t.id == TN_T_LIST) {
            snprintf(buf, cap, "%s[]", tn_type_name(t.nested->children[0], a, sizeof a));
        } else if (t.id == TN_T_MAP) {
            snprintf(buf, cap, "MAP(%s, %s)", tn_type_name(t.nested->children[0], a, sizeof a),
                     tn_type_name(t.nested->children[1], b, sizeof b));
        } else {
            size_t len = 0;
            len += (size_t)snprintf(buf, cap, "STRUCT(");
            for (int i = 0; i < t.nested->nchildren && len < cap; i++)
                len += (size_t)snprintf(buf + len, cap - len, "%s%s %s", i ? ", " : "", t.nested->names[i],
                                        tn_type_name(t.nested->children[i], a, sizeof a));
            if (len < cap)
                snprintf(buf + len, cap - len, ")");
        }
        return buf;
    }
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
    if (tn_type_is_nested(a))
        return a.nested == b.nested; /* interned */
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
