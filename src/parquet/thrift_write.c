/*
 * thrift_write.c -- Thrift compact-protocol encoder (see thrift_write.h for the model).
 *
 * Wire rules implemented here (parquet-format-summary.md §2, Thrift compact protocol):
 *  - varint: unsigned LEB128; i16/i32/i64 are zigzag-encoded varints; i8 is one raw byte.
 *  - field header: one byte (delta << 4) | type when the id grows by 1..15 over the previous field
 *    of the same struct, otherwise the type byte followed by the zigzag i16 id.
 *  - bool fields: type nibble 1 (true) / 2 (false), no payload; bool list elements: one byte.
 *  - binary: varint length + bytes; list header: (size << 4) | elem_type when size < 15, else
 *    0xF0 | elem_type followed by a varint size. STOP (0x00) ends a struct.
 * Errors are sticky: after the first failure every call returns without writing.
 */
#include "thrift_write.h"

#include <string.h>

static void tw_put(pq_tw *w, const void *p, size_t n)
{
    if (w->rc != TN_OK || n == 0)
        return;
    if (pq_bytes_append(w->out, p, n) != TN_OK)
        w->rc = TN_NOMEM;
}

static void tw_byte(pq_tw *w, uint8_t b) { tw_put(w, &b, 1); }

void pq_tw_init(pq_tw *w, pq_bytes *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

int pq_tw_finish(pq_tw *w)
{
    if (w->rc == TN_OK && w->depth != 0)
        w->rc = TN_MISUSE;
    return w->rc;
}

void pq_tw_varint(pq_tw *w, uint64_t v)
{
    uint8_t buf[10];
    size_t n = 0;
    while (v >= 0x80) {
        buf[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    buf[n++] = (uint8_t)v;
    tw_put(w, buf, n);
}

void pq_tw_raw(pq_tw *w, const void *p, size_t n) { tw_put(w, p, n); }

static inline uint64_t zigzag64(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline uint32_t zigzag32(int32_t v) { return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31); }

static void tw_field_header(pq_tw *w, int16_t id, int type)
{
    if (w->rc != TN_OK)
        return;
    if (w->depth <= 0 || id <= 0) {
        w->rc = TN_MISUSE;
        return;
    }
    int16_t last = w->last[w->depth - 1];
    if (id > last && id - last <= 15) {
        tw_byte(w, (uint8_t)(((id - last) << 4) | type));
    } else {
        tw_byte(w, (uint8_t)type);
        pq_tw_varint(w, zigzag32(id));
    }
    w->last[w->depth - 1] = id;
}

void pq_tw_struct_begin(pq_tw *w)
{
    if (w->rc != TN_OK)
        return;
    if (w->depth >= PQ_TW_MAX_DEPTH) {
        w->rc = TN_MISUSE;
        return;
    }
    w->last[w->depth++] = 0;
}

void pq_tw_struct_end(pq_tw *w)
{
    if (w->rc != TN_OK)
        return;
    if (w->depth <= 0) {
        w->rc = TN_MISUSE;
        return;
    }
    tw_byte(w, 0);
    w->depth--;
}

void pq_tw_field_struct(pq_tw *w, int16_t id)
{
    tw_field_header(w, id, PQ_TW_STRUCT);
    pq_tw_struct_begin(w);
}

void pq_tw_field_bool(pq_tw *w, int16_t id, bool v)
{
    tw_field_header(w, id, v ? PQ_TW_BOOL_TRUE : PQ_TW_BOOL_FALSE);
}

void pq_tw_field_i8(pq_tw *w, int16_t id, int8_t v)
{
    tw_field_header(w, id, PQ_TW_I8);
    tw_byte(w, (uint8_t)v);
}

void pq_tw_field_i16(pq_tw *w, int16_t id, int16_t v)
{
    tw_field_header(w, id, PQ_TW_I16);
    pq_tw_varint(w, zigzag32(v));
}

void pq_tw_field_i32(pq_tw *w, int16_t id, int32_t v)
{
    tw_field_header(w, id, PQ_TW_I32);
    pq_tw_varint(w, zigzag32(v));
}

void pq_tw_field_i64(pq_tw *w, int16_t id, int64_t v)
{
    tw_field_header(w, id, PQ_TW_I64);
    pq_tw_varint(w, zigzag64(v));
}

void pq_tw_field_double(pq_tw *w, int16_t id, double v)
{
    tw_field_header(w, id, PQ_TW_DOUBLE);
    uint64_t bits;
    memcpy(&bits, &v, 8);
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(bits >> (8 * i));
    tw_put(w, b, 8);
}

void pq_tw_binary(pq_tw *w, const void *p, size_t n)
{
    if (w->rc != TN_OK)
        return;
    if (n > INT32_MAX) {
        w->rc = TN_MISUSE;
        return;
    }
    pq_tw_varint(w, n);
    tw_put(w, p, n);
}

void pq_tw_field_binary(pq_tw *w, int16_t id, const void *p, size_t n)
{
    tw_field_header(w, id, PQ_TW_BINARY);
    pq_tw_binary(w, p, n);
}

void pq_tw_field_string(pq_tw *w, int16_t id, const char *s)
{
    pq_tw_field_binary(w, id, s, s ? strlen(s) : 0);
}

void pq_tw_list_begin(pq_tw *w, int elem_type, uint32_t n)
{
    if (w->rc != TN_OK)
        return;
    if (n > INT32_MAX) {
        w->rc = TN_MISUSE;
        return;
    }
    if (n < 15) {
        tw_byte(w, (uint8_t)((n << 4) | (uint32_t)elem_type));
    } else {
        tw_byte(w, (uint8_t)(0xF0 | elem_type));
        pq_tw_varint(w, n);
    }
}

void pq_tw_field_list(pq_tw *w, int16_t id, int elem_type, uint32_t n)
{
    tw_field_header(w, id, PQ_TW_LIST);
    pq_tw_list_begin(w, elem_type, n);
}

void pq_tw_i32(pq_tw *w, int32_t v) { pq_tw_varint(w, zigzag32(v)); }
void pq_tw_i64(pq_tw *w, int64_t v) { pq_tw_varint(w, zigzag64(v)); }
void pq_tw_bool(pq_tw *w, bool v) { tw_byte(w, v ? 1 : 2); }
