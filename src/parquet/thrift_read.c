/*
 * thrift_read.c -- Thrift compact protocol decoder (see thrift.h for the contract).
 *
 * Wire format (thrift-compact-protocol.md): integers are ULEB128 varints, signed ones zigzag
 * encoded; a field header byte holds a 4-bit id delta and a 4-bit type (delta 0 means an absolute
 * zigzag i16 id follows); bool fields carry their value in the type; list/set headers hold the
 * size in the high nibble (15 = varint size follows); map headers are a varint size then a
 * key/value type byte when non-empty; strings/binary are a varint length and the bytes.
 *
 * Hardening: reads never pass `end`, varints longer than 10 bytes or overflowing 64 bits are
 * rejected, container sizes are bounded by the remaining bytes, and nesting (structs, lists,
 * maps, including while skipping) is bounded by PQ_THRIFT_MAX_DEPTH.
 */
#include "thrift.h"
#include <stdio.h>
#include <string.h>

void pq_thrift_init(pq_thrift *t, const uint8_t *data, size_t n, uint64_t base, const char *what,
                    tn_err *err)
{
    t->start = data;
    t->p = data;
    t->end = data + n;
    t->base = base;
    t->what = what ? what : "thrift struct";
    t->depth = 0;
    t->err = err;
}

int pq_thrift_error(pq_thrift *t, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tn_err_set(t->err, TN_CORRUPT, "%s at offset %llu: %s", t->what,
                      (unsigned long long)pq_thrift_offset(t), msg);
}

int pq_thrift_varint(pq_thrift *t, uint64_t *out)
{
    uint64_t v = 0;
    *out = 0;
    const uint8_t *p = t->p;
    for (int shift = 0; shift < 70; shift += 7) {
        if (TN_UNLIKELY(p >= t->end))
            return pq_thrift_error(t, "truncated varint");
        uint8_t b = *p++;
        if (shift == 63 && (b & 0x7e))
            return pq_thrift_error(t, "varint overflows 64 bits");
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            t->p = p;
            *out = v;
            return TN_OK;
        }
    }
    return pq_thrift_error(t, "varint longer than 10 bytes");
}

static int64_t unzigzag(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

int pq_thrift_struct_begin(pq_thrift *t)
{
    if (++t->depth > PQ_THRIFT_MAX_DEPTH)
        return pq_thrift_error(t, "nesting deeper than %d levels", PQ_THRIFT_MAX_DEPTH);
    return TN_OK;
}

void pq_thrift_struct_end(pq_thrift *t)
{
    if (t->depth > 0)
        t->depth--;
}

void pq_thrift_container_end(pq_thrift *t) { pq_thrift_struct_end(t); }

int pq_thrift_field(pq_thrift *t, int16_t *id, int *type)
{
    if (TN_UNLIKELY(t->p >= t->end))
        return pq_thrift_error(t, "truncated struct (missing field header or stop byte)");
    uint8_t b = *t->p;
    int ty = b & 0x0f;
    if (ty == PQ_TT_STOP) {
        if (b != 0)
            return pq_thrift_error(t, "invalid field header byte 0x%02x", b);
        t->p++;
        *type = PQ_TT_STOP;
        return TN_OK;
    }
    if (ty > PQ_TT_UUID)
        return pq_thrift_error(t, "invalid field type %d", ty);
    t->p++;
    int delta = b >> 4;
    if (delta) {
        int nid = *id + delta;
        if (nid > INT16_MAX)
            return pq_thrift_error(t, "field id overflows i16");
        *id = (int16_t)nid;
    } else {
        uint64_t u = 0;
        int rc = pq_thrift_varint(t, &u);
        if (rc)
            return rc;
        int64_t v = unzigzag(u);
        if (v < INT16_MIN || v > INT16_MAX)
            return pq_thrift_error(t, "field id %lld out of i16 range", (long long)v);
        *id = (int16_t)v;
    }
    *type = ty;
    return TN_OK;
}

int pq_thrift_int(pq_thrift *t, int type, int64_t *out)
{
    if (type == PQ_TT_I8) {
        if (TN_UNLIKELY(t->p >= t->end))
            return pq_thrift_error(t, "truncated i8");
        *out = (int8_t)*t->p++;
        return TN_OK;
    }
    if (type != PQ_TT_I16 && type != PQ_TT_I32 && type != PQ_TT_I64)
        return pq_thrift_error(t, "expected an integer, found type %d", type);
    uint64_t u = 0;
    int rc = pq_thrift_varint(t, &u);
    if (rc)
        return rc;
    int64_t v = unzigzag(u);
    if (type == PQ_TT_I16 && (v < INT16_MIN || v > INT16_MAX))
        return pq_thrift_error(t, "i16 value %lld out of range", (long long)v);
    if (type == PQ_TT_I32 && (v < INT32_MIN || v > INT32_MAX))
        return pq_thrift_error(t, "i32 value %lld out of range", (long long)v);
    *out = v;
    return TN_OK;
}

int pq_thrift_i32(pq_thrift *t, int type, int32_t *out)
{
    int64_t v = 0;
    int rc = pq_thrift_int(t, type, &v);
    if (rc)
        return rc;
    if (v < INT32_MIN || v > INT32_MAX)
        return pq_thrift_error(t, "value %lld does not fit in i32", (long long)v);
    *out = (int32_t)v;
    return TN_OK;
}

int pq_thrift_field_bool(pq_thrift *t, int type, bool *out)
{
    if (type == PQ_TT_TRUE)
        *out = true;
    else if (type == PQ_TT_FALSE)
        *out = false;
    else
        return pq_thrift_error(t, "expected a boolean, found type %d", type);
    return TN_OK;
}

int pq_thrift_elem_bool(pq_thrift *t, bool *out)
{
    if (TN_UNLIKELY(t->p >= t->end))
        return pq_thrift_error(t, "truncated boolean");
    *out = *t->p++ == 1;
    return TN_OK;
}

int pq_thrift_double(pq_thrift *t, double *out)
{
    if (TN_UNLIKELY(pq_thrift_remaining(t) < 8))
        return pq_thrift_error(t, "truncated double");
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = (u << 8) | t->p[i];
    memcpy(out, &u, 8);
    t->p += 8;
    return TN_OK;
}

int pq_thrift_binary(pq_thrift *t, const uint8_t **p, uint32_t *n)
{
    uint64_t len = 0;
    int rc = pq_thrift_varint(t, &len);
    if (rc)
        return rc;
    if (len > pq_thrift_remaining(t))
        return pq_thrift_error(t, "binary length %llu exceeds the %zu remaining bytes",
                               (unsigned long long)len, pq_thrift_remaining(t));
    *p = t->p;
    *n = (uint32_t)len;
    t->p += len;
    return TN_OK;
}

static int check_elem_type(pq_thrift *t, int ty)
{
    if (ty < PQ_TT_TRUE || ty > PQ_TT_UUID)
        return pq_thrift_error(t, "invalid container element type %d", ty);
    return TN_OK;
}

int pq_thrift_list_begin(pq_thrift *t, int *elem_type, uint32_t *n)
{
    if (TN_UNLIKELY(t->p >= t->end))
        return pq_thrift_error(t, "truncated list header");
    uint8_t b = *t->p++;
    int rc = check_elem_type(t, b & 0x0f);
    if (rc)
        return rc;
    uint64_t size = b >> 4;
    if (size == 15) {
        if ((rc = pq_thrift_varint(t, &size)))
            return rc;
    }
    if (size > pq_thrift_remaining(t))
        return pq_thrift_error(t, "list of %llu elements exceeds the %zu remaining bytes",
                               (unsigned long long)size, pq_thrift_remaining(t));
    if ((rc = pq_thrift_struct_begin(t)))
        return rc;
    *elem_type = b & 0x0f;
    *n = (uint32_t)size;
    return TN_OK;
}

int pq_thrift_map_begin(pq_thrift *t, int *key_type, int *val_type, uint32_t *n)
{
    uint64_t size = 0;
    int rc = pq_thrift_varint(t, &size);
    if (rc)
        return rc;
    int kt = 0, vt = 0;
    if (size > 0) {
        if (TN_UNLIKELY(t->p >= t->end))
            return pq_thrift_error(t, "truncated map header");
        uint8_t b = *t->p++;
        kt = b >> 4;
        vt = b & 0x0f;
        if ((rc = check_elem_type(t, kt)) || (rc = check_elem_type(t, vt)))
            return rc;
        if (size > pq_thrift_remaining(t) / 2)
            return pq_thrift_error(t, "map of %llu entries exceeds the %zu remaining bytes",
                                   (unsigned long long)size, pq_thrift_remaining(t));
    }
    if ((rc = pq_thrift_struct_begin(t)))
        return rc;
    *key_type = kt;
    *val_type = vt;
    *n = (uint32_t)size;
    return TN_OK;
}

static int skip_value(pq_thrift *t, int type, bool elem);

static int skip_struct(pq_thrift *t)
{
    int rc = pq_thrift_struct_begin(t);
    if (rc)
        return rc;
    int16_t id = 0;
    for (;;) {
        int ty;
        if ((rc = pq_thrift_field(t, &id, &ty)))
            return rc;
        if (ty == PQ_TT_STOP)
            break;
        if ((rc = skip_value(t, ty, false)))
            return rc;
    }
    pq_thrift_struct_end(t);
    return TN_OK;
}

static int skip_bytes(pq_thrift *t, size_t n, const char *what)
{
    if (pq_thrift_remaining(t) < n)
        return pq_thrift_error(t, "truncated %s", what);
    t->p += n;
    return TN_OK;
}

static int skip_value(pq_thrift *t, int type, bool elem)
{
    int rc;
    uint64_t u = 0;
    switch (type) {
    case PQ_TT_TRUE:
    case PQ_TT_FALSE:
        return elem ? skip_bytes(t, 1, "boolean") : TN_OK;
    case PQ_TT_I8:
        return skip_bytes(t, 1, "i8");
    case PQ_TT_I16:
    case PQ_TT_I32:
    case PQ_TT_I64:
        return pq_thrift_varint(t, &u);
    case PQ_TT_DOUBLE:
        return skip_bytes(t, 8, "double");
    case PQ_TT_UUID:
        return skip_bytes(t, 16, "uuid");
    case PQ_TT_BINARY: {
        const uint8_t *p;
        uint32_t n;
        return pq_thrift_binary(t, &p, &n);
    }
    case PQ_TT_LIST:
    case PQ_TT_SET: {
        int et;
        uint32_t n;
        if ((rc = pq_thrift_list_begin(t, &et, &n)))
            return rc;
        for (uint32_t i = 0; i < n; i++)
            if ((rc = skip_value(t, et, true)))
                return rc;
        pq_thrift_container_end(t);
        return TN_OK;
    }
    case PQ_TT_MAP: {
        int kt, vt;
        uint32_t n;
        if ((rc = pq_thrift_map_begin(t, &kt, &vt, &n)))
            return rc;
        for (uint32_t i = 0; i < n; i++)
            if ((rc = skip_value(t, kt, true)) || (rc = skip_value(t, vt, true)))
                return rc;
        pq_thrift_container_end(t);
        return TN_OK;
    }
    case PQ_TT_STRUCT:
        return skip_struct(t);
    default:
        return pq_thrift_error(t, "cannot skip value of invalid type %d", type);
    }
}

int pq_thrift_skip(pq_thrift *t, int type) { return skip_value(t, type, false); }
int pq_thrift_skip_elem(pq_thrift *t, int type) { return skip_value(t, type, true); }
