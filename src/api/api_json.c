/*
 * api_json.c -- the public C API (include/tarn.h), part 3: tarn_batch_json, any value of a result
 * batch rendered as one JSON value (the shell's -json mode uses it for nested columns).
 *
 * Rendering (DuckDB's to_json for nested values; scalars as the shell's JSON mode prints them):
 *   SQL NULL (at any level)    null
 *   BOOLEAN                    true / false
 *   integers, HUGEINT, DECIMAL JSON numbers (decimals exact, with their scale: 12.50)
 *   FLOAT, DOUBLE              shortest round-trip number; NaN and infinities (not JSON numbers)
 *                              as the strings "nan", "inf", "-inf"
 *   VARCHAR (JSON too), BLOB, dates, times, timestamps, intervals, UUIDs
 *                              JSON strings of their text (tarn_batch_text), escaped: \" \\ \b \f
 *                              \n \r \t and \u00XX for other control bytes
 *   LIST                       [v1, v2, ...] (compact: no spaces)
 *   STRUCT                     {"field": v, ...} in field order
 *   MAP                        {"key": value, ...}: an object whose member names are the keys'
 *                              text (for any key type, as DuckDB's to_json), in stored order
 * Values nested deeper than 64 levels are cut off as null (such data is refused earlier anyway).
 * The text lives in the batch's text arena (shared with tarn_batch_text): valid until the next
 * fetch or finalize.
 */
#include "api_int.h"
#include "util/format.h"
#include <string.h>

#define JSON_MAX_DEPTH 64
#define JSON_TEXT_BLOCK (16 * 1024)

/* Bytes in the batch's text arena (same block list tarn_batch_text uses; freed by the next fetch). */
static char *arena_alloc(tarn_batch *b, size_t n)
{
    api_text_block *blk = b->text;
    if (!blk || blk->cap - blk->used < n) {
        size_t cap = n > JSON_TEXT_BLOCK ? n : JSON_TEXT_BLOCK;
        api_text_block *nb = tn_malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        nb->cap = cap;
        nb->used = 0;
        nb->next = blk;
        b->text = nb;
        blk = nb;
    }
    char *p = blk->data + blk->used;
    blk->used += n;
    return p;
}

static void json_string(tn_sbuf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    tn_sbuf_putc(out, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        tn_sbuf_append(out, s + run, i - run);
        switch (c) {
        case '"': tn_sbuf_puts(out, "\\\""); break;
        case '\\': tn_sbuf_puts(out, "\\\\"); break;
        case '\b': tn_sbuf_puts(out, "\\b"); break;
        case '\f': tn_sbuf_puts(out, "\\f"); break;
        case '\n': tn_sbuf_puts(out, "\\n"); break;
        case '\r': tn_sbuf_puts(out, "\\r"); break;
        case '\t': tn_sbuf_puts(out, "\\t"); break;
        default:
            tn_sbuf_puts(out, "\\u00");
            tn_sbuf_putc(out, hex[c >> 4]);
            tn_sbuf_putc(out, hex[c & 15]);
            break;
        }
        run = i + 1;
    }
    tn_sbuf_append(out, s + run, n - run);
    tn_sbuf_putc(out, '"');
}

/* Physical vector and row of logical row r of v; false when NULL. */
static bool phys(const tn_vector *v, uint32_t r, const tn_vector **pv, uint32_t *pr)
{
    switch (v->kind) {
    case TN_VEC_CONST:
        *pv = v;
        *pr = 0;
        return !v->validity || tn_bit_get(v->validity, 0);
    case TN_VEC_DICT: {
        if (!v->dict || (v->validity && !tn_bit_get(v->validity, r)))
            return false;
        uint32_t k = ((const uint32_t *)v->data)[r];
        *pv = v->dict;
        *pr = k;
        return !v->dict->validity || tn_bit_get(v->dict->validity, k);
    }
    default:
        *pv = v;
        *pr = r;
        return !v->validity || tn_bit_get(v->validity, r);
    }
}

/* The value's text (util/format.c) as a JSON string. */
static void text_value(tn_sbuf *out, tn_sbuf *tmp, const tn_vector *v, uint32_t r)
{
    tn_sbuf_clear(tmp);
    tn_format_vector_row(tmp, v, r);
    if (tmp->oom) {
        out->oom = true;
        return;
    }
    json_string(out, tn_sbuf_str(tmp), tmp->len);
}

static bool list_ok(const tn_vector *s, const tn_list_entry *e)
{
    return s->nchildren >= 1 && e->offset <= s->list_size && e->length <= s->list_size - e->offset;
}

static void json_value(tn_sbuf *out, tn_sbuf *tmp, const tn_vector *v, uint32_t r, int depth)
{
    const tn_vector *s;
    uint32_t p;
    if (depth > JSON_MAX_DEPTH || !phys(v, r, &s, &p)) {
        tn_sbuf_puts(out, "null");
        return;
    }
    switch ((tn_type_id)v->type.id) {
    case TN_T_BOOL: tn_sbuf_puts(out, ((const uint8_t *)s->data)[p] ? "true" : "false"); return;
    case TN_T_INT8:
    case TN_T_INT16:
    case TN_T_INT32:
    case TN_T_INT64:
    case TN_T_UINT8:
    case TN_T_UINT16:
    case TN_T_UINT32:
    case TN_T_UINT64:
    case TN_T_INT128:
    case TN_T_DECIMAL: tn_format_vector_row(out, v, r); return;
    case TN_T_FLOAT:
    case TN_T_DOUBLE: {
        double d = v->type.id == TN_T_FLOAT ? ((const float *)s->data)[p] : ((const double *)s->data)[p];
        if (d != d || d - d != 0) /* NaN or infinite: not a JSON number */
            text_value(out, tmp, v, r);
        else
            tn_format_vector_row(out, v, r);
        return;
    }
    case TN_T_LIST: {
        const tn_list_entry *e = (const tn_list_entry *)s->data + p;
        if (!list_ok(s, e)) {
            tn_sbuf_puts(out, "null");
            return;
        }
        tn_sbuf_putc(out, '[');
        for (uint64_t i = 0; i < e->length; i++) {
            if (i)
                tn_sbuf_putc(out, ',');
            json_value(out, tmp, s->children[0], (uint32_t)(e->offset + i), depth + 1);
        }
        tn_sbuf_putc(out, ']');
        return;
    }
    case TN_T_MAP: {
        const tn_list_entry *e = (const tn_list_entry *)s->data + p;
        if (!list_ok(s, e) || s->children[0]->nchildren < 2) {
            tn_sbuf_puts(out, "null");
            return;
        }
        const tn_vector *ent = s->children[0];
        tn_sbuf_putc(out, '{');
        for (uint64_t i = 0; i < e->length; i++) {
            uint32_t er = (uint32_t)(e->offset + i);
            if (i)
                tn_sbuf_putc(out, ',');
            tn_sbuf_clear(tmp);
            if (!tn_format_vector_row(tmp, ent->children[0], er))
                tn_sbuf_puts(tmp, "null");
            if (tmp->oom) {
                out->oom = true;
                return;
            }
            json_string(out, tn_sbuf_str(tmp), tmp->len);
            tn_sbuf_putc(out, ':');
            json_value(out, tmp, ent->children[1], er, depth + 1);
        }
        tn_sbuf_putc(out, '}');
        return;
    }
    case TN_T_STRUCT: {
        const tn_nested *nt = v->type.nested;
        tn_sbuf_putc(out, '{');
        for (uint32_t f = 0; f < s->nchildren; f++) {
            if (f)
                tn_sbuf_putc(out, ',');
            const char *name = nt && nt->names && (int)f < nt->nchildren ? nt->names[f] : "";
            json_string(out, name, strlen(name));
            tn_sbuf_putc(out, ':');
            json_value(out, tmp, s->children[f], p, depth + 1);
        }
        tn_sbuf_putc(out, '}');
        return;
    }
    default: text_value(out, tmp, v, r); return;
    }
}

TARN_API const char *tarn_batch_json(tarn_batch *b, uint32_t col, uint64_t row, size_t *len)
{
    if (len)
        *len = 0;
    if (!b || !b->st || col >= b->st->ncols || row >= b->rows || !b->chunk || col >= b->chunk->ncols)
        return NULL;
    tarn_stmt *st = b->st;
    const tn_chunk *ch = b->chunk;
    uint32_t r = ch->sel ? ch->sel[row] : (uint32_t)row;
    tn_sbuf out = TN_SBUF_INIT, tmp = TN_SBUF_INIT;
    json_value(&out, &tmp, ch->cols[col], r, 0);
    char *p = NULL;
    if (!out.oom && !tmp.oom && (p = arena_alloc(b, out.len + 1))) {
        memcpy(p, tn_sbuf_str(&out), out.len);
        p[out.len] = 0;
        if (len)
            *len = out.len;
    } else {
        api_set_err(st->db, TARN_NOMEM, "out of memory");
    }
    tn_sbuf_free(&out);
    tn_sbuf_free(&tmp);
    return p;
}
