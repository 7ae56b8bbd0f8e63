/*
 * nested_testutil.h -- helpers of the nested Parquet writer tests (test_writer_nested.c,
 * test_writer_peer.c): the nested column shapes of the alltypes fixture, a deterministic
 * generator of nested values (NULLs and empty lists at every level, NULL map values, empty
 * maps), deep comparison of logical rows of nested vectors of any kind (FLAT/CONST/DICT), a
 * renderer producing DuckDB's to_json() text, and per-leaf level counts (slots, values, integer
 * min/max) computed from the data, independently of the writer.
 * Everything is static inline; include after writer_testutil.h.
 */
#ifndef TN_TEST_NESTED_TESTUTIL_H
#define TN_TEST_NESTED_TESTUTIL_H

#include "writer_testutil.h"
#include "util/sbuf.h"

/* ======================= shapes ======================= */

static inline tn_type nt_struct2(const char *a, tn_type ta, const char *b, tn_type tb)
{
    const char *names[2] = {a, b};
    tn_type types[2] = {ta, tb};
    return tn_type_struct(2, names, types);
}

#define NT_NSHAPES 8
typedef struct nt_shape {
    const char *name;
    tn_type type;
} nt_shape;

/* The nested columns of the alltypes fixture (shared/fixtures/parquet/README.md). */
static inline void nt_shapes(nt_shape *s)
{
    tn_type i32 = ty(TN_T_INT32), i64 = ty(TN_T_INT64), str = ty(TN_T_VARCHAR), f64 = ty(TN_T_DOUBLE);
    int i = 0;
    s[i++] = (nt_shape){"c_list_i32", tn_type_list(i32)};
    s[i++] = (nt_shape){"c_list_str", tn_type_list(str)};
    s[i++] = (nt_shape){"c_list_list", tn_type_list(tn_type_list(i64))};
    s[i++] = (nt_shape){"c_struct", nt_struct2("a", i32, "b", str)};
    tn_type y = tn_type_list(i32);
    const char *yn[1] = {"y"};
    tn_type x = tn_type_struct(1, yn, &y);
    s[i++] = (nt_shape){"c_struct_nested", nt_struct2("x", x, "z", f64)};
    s[i++] = (nt_shape){"c_map", tn_type_map(str, i32)};
    s[i++] = (nt_shape){"c_map_int_list", tn_type_map(i32, tn_type_list(str))};
    s[i++] = (nt_shape){"c_list_struct", tn_type_list(nt_struct2("k", str, "v", i64))};
}

/* ======================= generator ======================= */

static inline void nt_set_entry(tn_vector *v, uint32_t row, uint64_t off, uint64_t len)
{
    tn_list_entry *e = (tn_list_entry *)v->data + row;
    e->offset = off;
    e->length = len;
}

/* Row `row` of FLAT v becomes NULL (list entries empty, struct fields NULL too). */
static inline void nt_null(tn_vector *v, uint32_t row)
{
    tn_vector_set_null(v, row);
    if (v->type.id == TN_T_LIST || v->type.id == TN_T_MAP)
        nt_set_entry(v, row, v->list_size, 0);
    if (v->type.id == TN_T_STRUCT)
        for (uint32_t i = 0; i < v->nchildren; i++)
            nt_null(v->children[i], row);
}

/* Leaf values: simple ones for the types DuckDB renders predictably (INT32, INT64, VARCHAR,
 * DOUBLE), the flat test values (gen_value) for the others. */
static inline void nt_leaf(tn_vector *v, uint32_t row, tn_type t, uint64_t x)
{
    uint32_t u = (uint32_t)(x % 1000);
    switch ((tn_type_id)t.id) {
    case TN_T_INT32: ((int32_t *)v->data)[row] = (int32_t)(x % 2001) - 1000; break;
    case TN_T_INT64: ((int64_t *)v->data)[row] = ((int64_t)(x % 2001) - 1000) * 1000000007LL; break;
    case TN_T_DOUBLE: ((double *)v->data)[row] = ((double)(x % 2001) - 1000.0) * 0.5; break;
    case TN_T_VARCHAR: {
        if (t.flags) {
            gen_value(v, row, t, x % 300);
            break;
        }
        char b[64];
        int n;
        switch ((x >> 12) % 5) {
        case 0: n = 0; break;
        case 1: n = snprintf(b, sizeof b, "\xc3\xbc%u", u); break;
        case 2: n = snprintf(b, sizeof b, "a-rather-long-string-%u", u); break;
        default: n = snprintf(b, sizeof b, "s%u", u); break;
        }
        str_vec_set(v, row, b, (size_t)n);
        break;
    }
    default: gen_value(v, row, t, x % 300); break;
    }
}

typedef struct nt_opts nt_opts;
static inline void nt_gen(tn_vector *v, uint32_t row, tn_type t, uint64_t h, bool nullable, const nt_opts *o);

/* A map key, distinct for each k of one map when it is a VARCHAR or INT32 (x is the map's own
 * random number); keys of other types are generated non-NULL (their parts may be NULL). */
static inline void nt_key(tn_vector *v, uint32_t row, tn_type t, uint32_t k, uint64_t x, const nt_opts *o)
{
    if (t.id == TN_T_VARCHAR) {
        char b[48];
        int n = snprintf(b, sizeof b, "%s%u_%u", k % 2 ? "\xd0\xba\xd0\xbb" : "k", k, (unsigned)(x % 97));
        str_vec_set(v, row, b, (size_t)n);
    } else if (t.id == TN_T_INT32) {
        ((int32_t *)v->data)[row] = (int32_t)(k * 1000 + (uint32_t)(x % 1000));
    } else {
        nt_gen(v, row, t, x + k * 7919, false, o);
    }
}

struct nt_opts {
    uint32_t null_mod;   /* a value is NULL when hash % null_mod == 0 (0: never) */
    uint32_t max_len;    /* list / map lengths 0..max_len */
};

/* Fill row `row` of FLAT vector v (type t) from hash h; `nullable`: may be NULL. */
static inline void nt_gen(tn_vector *v, uint32_t row, tn_type t, uint64_t h, bool nullable, const nt_opts *o)
{
    uint64_t x = mix64(h);
    if (nullable && o->null_mod && x % o->null_mod == 0) {
        nt_null(v, row);
        return;
    }
    switch ((tn_type_id)t.id) {
    case TN_T_LIST:
    case TN_T_MAP: {
        uint32_t mode = (uint32_t)((x >> 8) % 8), len;
        len = mode == 0 ? 0 : mode == 1 ? 1 : (uint32_t)((x >> 16) % (o->max_len + 1));
        uint32_t first = 0;
        if (tn_vector_list_append(v, len, &first)) {
            CHECK(!"list_append failed");
            return;
        }
        nt_set_entry(v, row, first, len);
        tn_vector *c = v->children[0];
        if (t.id == TN_T_LIST) {
            for (uint32_t k = 0; k < len; k++)
                nt_gen(c, first + k, t.nested->children[0], h * 31 + k + 1, true, o);
        } else {
            for (uint32_t k = 0; k < len; k++) {
                nt_key(c->children[0], first + k, t.nested->children[0], k, x, o);
                nt_gen(c->children[1], first + k, t.nested->children[1], h * 37 + k + 1, true, o);
            }
        }
        break;
    }
    case TN_T_STRUCT:
        for (uint32_t i = 0; i < v->nchildren; i++)
            nt_gen(v->children[i], row, t.nested->children[i], h * 131 + i + 1, true, o);
        break;
    default: nt_leaf(v, row, t, x); break;
    }
}

/* ======================= logical rows of any vector kind ======================= */

static inline const tn_vector *nt_phys(const tn_vector *v, uint32_t r, uint32_t *p, bool *valid)
{
    if (v->kind == TN_VEC_CONST) {
        *p = 0;
        *valid = !v->validity || tn_bit_get(v->validity, 0);
        return v;
    }
    if (v->kind == TN_VEC_DICT) {
        uint32_t k = ((const uint32_t *)v->data)[r];
        *p = k;
        *valid = (!v->validity || tn_bit_get(v->validity, r)) && (!v->dict->validity || tn_bit_get(v->dict->validity, k));
        return v->dict;
    }
    *p = r;
    *valid = !v->validity || tn_bit_get(v->validity, r);
    return v;
}

/* Deep equality of row ra of a and row rb of b (type t; the vectors' own types may differ only in
 * how the reader names a leaf type, e.g. INT128 read as DECIMAL(38,0)). */
static inline bool nt_eq(const tn_vector *a, uint32_t ra, const tn_vector *b, uint32_t rb, tn_type t)
{
    uint32_t pa, pb;
    bool va, vb;
    const tn_vector *xa = nt_phys(a, ra, &pa, &va), *xb = nt_phys(b, rb, &pb, &vb);
    if (va != vb)
        return false;
    if (!va)
        return true;
    switch ((tn_type_id)t.id) {
    case TN_T_LIST:
    case TN_T_MAP: {
        const tn_list_entry *ea = (const tn_list_entry *)xa->data + pa, *eb = (const tn_list_entry *)xb->data + pb;
        if (ea->length != eb->length)
            return false;
        tn_type et = tn_type_list_child(t);
        for (uint64_t k = 0; k < ea->length; k++)
            if (!nt_eq(xa->children[0], (uint32_t)(ea->offset + k), xb->children[0], (uint32_t)(eb->offset + k), et))
                return false;
        return true;
    }
    case TN_T_STRUCT:
        for (int i = 0; i < t.nested->nchildren; i++)
            if (!nt_eq(xa->children[i], pa, xb->children[i], pb, t.nested->children[i]))
                return false;
        return true;
    default: {
        size_t w = tn_type_width(t);
        return values_equal(t, (const uint8_t *)xa->data + (size_t)pa * w, (const uint8_t *)xb->data + (size_t)pb * w);
    }
    }
}

/* ======================= DuckDB to_json() rendering ======================= */

static inline void nt_json_str(tn_sbuf *sb, const char *p, size_t n)
{
    tn_sbuf_putc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '"' || ch == '\\') {
            tn_sbuf_putc(sb, '\\');
            tn_sbuf_putc(sb, (char)ch);
        } else if (ch < 0x20) {
            tn_sbuf_printf(sb, "\\u%04x", ch);
        } else {
            tn_sbuf_putc(sb, (char)ch);
        }
    }
    tn_sbuf_putc(sb, '"');
}

/* Value of row r (type t; leaves INT32/INT64/DOUBLE/VARCHAR) as DuckDB's to_json() prints it:
 * compact JSON, MAP as an object with the keys as strings; a NULL is "null" inside a value and
 * "NULL" (SQL NULL) at the top (top = true). */
static inline void nt_json(tn_sbuf *sb, const tn_vector *v, uint32_t r, tn_type t, bool top)
{
    uint32_t p;
    bool valid;
    const tn_vector *x = nt_phys(v, r, &p, &valid);
    if (!valid) {
        tn_sbuf_puts(sb, top ? "NULL" : "null");
        return;
    }
    switch ((tn_type_id)t.id) {
    case TN_T_LIST: {
        const tn_list_entry *e = (const tn_list_entry *)x->data + p;
        tn_sbuf_putc(sb, '[');
        for (uint64_t k = 0; k < e->length; k++) {
            if (k)
                tn_sbuf_putc(sb, ',');
            nt_json(sb, x->children[0], (uint32_t)(e->offset + k), t.nested->children[0], false);
        }
        tn_sbuf_putc(sb, ']');
        break;
    }
    case TN_T_MAP: {
        const tn_list_entry *e = (const tn_list_entry *)x->data + p;
        const tn_vector *kv = x->children[0];
        tn_sbuf_putc(sb, '{');
        for (uint64_t k = 0; k < e->length; k++) {
            uint32_t er = (uint32_t)(e->offset + k);
            if (k)
                tn_sbuf_putc(sb, ',');
            tn_sbuf key = TN_SBUF_INIT;
            nt_json(&key, kv->children[0], er, t.nested->children[0], false);
            const char *ks = tn_sbuf_str(&key);
            if (ks[0] == '"')
                tn_sbuf_puts(sb, ks);
            else
                nt_json_str(sb, ks, strlen(ks));
            tn_sbuf_free(&key);
            tn_sbuf_putc(sb, ':');
            nt_json(sb, kv->children[1], er, t.nested->children[1], false);
        }
        tn_sbuf_putc(sb, '}');
        break;
    }
    case TN_T_STRUCT:
        tn_sbuf_putc(sb, '{');
        for (int i = 0; i < t.nested->nchildren; i++) {
            if (i)
                tn_sbuf_putc(sb, ',');
            nt_json_str(sb, t.nested->names[i], strlen(t.nested->names[i]));
            tn_sbuf_putc(sb, ':');
            nt_json(sb, x->children[i], p, t.nested->children[i], false);
        }
        tn_sbuf_putc(sb, '}');
        break;
    case TN_T_INT32: tn_sbuf_printf(sb, "%d", ((const int32_t *)x->data)[p]); break;
    case TN_T_INT64: tn_sbuf_printf(sb, "%lld", (long long)((const int64_t *)x->data)[p]); break;
    case TN_T_DOUBLE: tn_sbuf_printf(sb, "%.1f", ((const double *)x->data)[p]); break;
    case TN_T_VARCHAR: {
        const tn_str *s = (const tn_str *)x->data + p;
        nt_json_str(sb, tn_str_data(s), s->len);
        break;
    }
    default: tn_sbuf_puts(sb, "?"); break;
    }
}

/* ======================= expected levels per leaf ======================= */

static inline uint32_t nt_nleaves(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_LIST: return nt_nleaves(t.nested->children[0]);
    case TN_T_MAP: return nt_nleaves(t.nested->children[0]) + nt_nleaves(t.nested->children[1]);
    case TN_T_STRUCT: {
        uint32_t n = 0;
        for (int i = 0; i < t.nested->nchildren; i++)
            n += nt_nleaves(t.nested->children[i]);
        return n;
    }
    default: return 1;
    }
}

typedef struct nt_leafstat {
    uint64_t slots, values;  /* level slots (= ColumnMetaData.num_values) and non-NULL values */
    bool has;                /* integer leaves: min/max below are set */
    int64_t min, max;
} nt_leafstat;

/* Add the level slots and values row r (type t) contributes to the leaves [base, ...). */
static inline void nt_walk(const tn_vector *v, uint32_t r, tn_type t, uint32_t base, nt_leafstat *ls)
{
    uint32_t p;
    bool valid;
    const tn_vector *x = nt_phys(v, r, &p, &valid);
    uint32_t nl = nt_nleaves(t);
    if (!valid) {
        for (uint32_t i = 0; i < nl; i++)
            ls[base + i].slots++;
        return;
    }
    switch ((tn_type_id)t.id) {
    case TN_T_LIST:
    case TN_T_MAP: {
        const tn_list_entry *e = (const tn_list_entry *)x->data + p;
        if (e->length == 0) {
            for (uint32_t i = 0; i < nl; i++)
                ls[base + i].slots++;
            return;
        }
        tn_type et = tn_type_list_child(t);
        for (uint64_t k = 0; k < e->length; k++)
            nt_walk(x->children[0], (uint32_t)(e->offset + k), et, base, ls);
        return;
    }
    case TN_T_STRUCT:
        for (int i = 0; i < t.nested->nchildren; i++) {
            nt_walk(x->children[i], p, t.nested->children[i], base, ls);
            base += nt_nleaves(t.nested->children[i]);
        }
        return;
    default: {
        nt_leafstat *s = &ls[base];
        s->slots++;
        s->values++;
        int64_t val;
        if (t.id == TN_T_INT32)
            val = ((const int32_t *)x->data)[p];
        else if (t.id == TN_T_INT64)
            val = ((const int64_t *)x->data)[p];
        else
            return;
        if (!s->has || val < s->min)
            s->min = val;
        if (!s->has || val > s->max)
            s->max = val;
        s->has = true;
        return;
    }
    }
}

#endif
