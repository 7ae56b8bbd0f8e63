/*
 * test_nested.c -- the nested-column reader (LIST / MAP / STRUCT at any depth):
 *  - schema shapes: the tarn types the LogicalTypes.md rules give (3-level and legacy 2-level
 *    lists, "array" / "<name>_tuple" elements, repeated groups, unannotated repeated fields,
 *    MAP / MAP_KEY_VALUE, maps without values) and the shapes that are refused with a reason;
 *  - record assembly from hand-written level streams fed straight to pq_nested_assemble: nulls
 *    at every level, empty lists, maps with NULL values, structs whose fields are all NULL, deep
 *    list<struct<list<...>>> nesting, leaves that disagree;
 *  - end to end through hand-built files (footer and pages written here byte by byte): records
 *    spanning v1 pages, v2 pages, every batch size, skipping, long strings kept alive, and the
 *    level errors (first repetition level not 0, levels above their maximum, a continued list
 *    that is empty).
 */
#include "tn_test.h"
#include "parquet/metadata.h"
#include "parquet/nested.h"
#include "parquet/parquet.h"
#include "parquet/thrift.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

/* ---- tiny compact-protocol writer ---- */
typedef struct W {
    uint8_t *b;
    size_t n, cap;
    int16_t last[32];
    int depth;
} W;

static void w_reserve(W *w, size_t k)
{
    if (w->n + k <= w->cap)
        return;
    while (w->n + k > w->cap)
        w->cap = w->cap ? w->cap * 2 : 4096;
    w->b = realloc(w->b, w->cap);
    if (!w->b)
        abort();
}
static void w_byte(W *w, uint8_t x)
{
    w_reserve(w, 1);
    w->b[w->n++] = x;
}
static void w_raw(W *w, const void *p, size_t n)
{
    w_reserve(w, n);
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
static void w_varint(W *w, uint64_t v)
{
    while (v >= 0x80) {
        w_byte(w, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    w_byte(w, (uint8_t)v);
}
static void w_zz(W *w, int64_t v) { w_varint(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }
static void w_begin(W *w) { w->last[++w->depth] = 0; }
static void w_end(W *w)
{
    w_byte(w, 0);
    w->depth--;
}
static void w_field(W *w, int16_t id, int type)
{
    int16_t d = (int16_t)(id - w->last[w->depth]);
    if (d > 0 && d <= 15)
        w_byte(w, (uint8_t)(d << 4 | type));
    else {
        w_byte(w, (uint8_t)type);
        w_zz(w, id);
    }
    w->last[w->depth] = id;
}
static void w_int(W *w, int16_t id, int type, int64_t v)
{
    w_field(w, id, type);
    w_zz(w, v);
}
static void w_bin(W *w, int16_t id, const char *s)
{
    w_field(w, id, PQ_TT_BINARY);
    w_varint(w, strlen(s));
    w_raw(w, s, strlen(s));
}
static void w_list(W *w, int elem, uint32_t n)
{
    if (n < 15)
        w_byte(w, (uint8_t)(n << 4 | elem));
    else {
        w_byte(w, (uint8_t)(0xf0 | elem));
        w_varint(w, n);
    }
}

/* ---- files ---- */
/* One schema element (pre-order). type < 0: group. conv < 0: none. logical: 0 or a
 * parameterless LogicalType member id (LIST, MAP, STRING, VARIANT...). */
typedef struct sel {
    const char *name;
    int type, rep, nchildren, conv, logical;
} sel;

#define GROUP(name, rep, n, conv) {name, -1, rep, n, conv, 0}
#define LEAF(name, type, rep) {name, type, rep, -1, -1, 0}

/* Levels and values of one leaf column chunk. */
typedef struct leafdata {
    const uint16_t *rep, *def;
    uint32_t n;
    int max_rep, max_def;
    const int32_t *ivals;       /* INT32 leaf: values of the def == max_def slots */
    const char *const *svals;   /* BYTE_ARRAY leaf */
    const uint32_t *splits;     /* page boundaries (level indexes) */
    uint32_t nsplits;
    bool v2;
} leafdata;

static const char *tmpdir(void)
{
    const char *d = getenv("TARN_TEST_TMP");
    if (!d)
        d = "/tmp";
    mkdir(d, 0777);
    return d;
}

static int bitw(int max)
{
    int b = 0;
    while ((1 << b) <= max)
        b++;
    return b;
}

/* RLE runs only (valid RLE/bit-packed hybrid). */
static void rle(W *w, const uint16_t *v, uint32_t n, int bw)
{
    uint32_t i = 0;
    int nb = (bw + 7) / 8;
    while (i < n) {
        uint32_t j = i;
        while (j < n && v[j] == v[i])
            j++;
        w_varint(w, (uint64_t)(j - i) << 1);
        for (int k = 0; k < nb; k++)
            w_byte(w, (uint8_t)(v[i] >> (8 * k)));
        i = j;
    }
}

static void schema_list(W *f, const sel *s, uint32_t ns)
{
    w_field(f, 2, PQ_TT_LIST);
    w_list(f, PQ_TT_STRUCT, ns);
    for (uint32_t i = 0; i < ns; i++) {
        w_begin(f);
        if (s[i].type >= 0)
            w_int(f, 1, PQ_TT_I32, s[i].type);
        if (i > 0)
            w_int(f, 3, PQ_TT_I32, s[i].rep);
        w_bin(f, 4, s[i].name);
        if (s[i].nchildren >= 0)
            w_int(f, 5, PQ_TT_I32, s[i].nchildren);
        if (s[i].conv >= 0)
            w_int(f, 6, PQ_TT_I32, s[i].conv);
        if (s[i].logical) {
            w_field(f, 10, PQ_TT_STRUCT);
            w_begin(f);
            w_field(f, (int16_t)s[i].logical, PQ_TT_STRUCT);
            w_begin(f);
            w_end(f);
            w_end(f);
        }
        w_end(f);
    }
}

/* Write a file: schema s[0..ns) and, when nleaves > 0, one row group of num_rows rows whose
 * leaf columns (INT32 or BYTE_ARRAY, in schema order) are described by ld. */
static void build_file(const char *path, const sel *s, uint32_t ns, const leafdata *ld, uint32_t nleaves,
                       int64_t num_rows)
{
    W f = {0};
    w_raw(&f, "PAR1", 4);
    uint64_t start[16], len[16];
    int types[16];
    const char *names[16];
    uint32_t li = 0;
    for (uint32_t i = 0; i < ns && li < nleaves; i++)
        if (s[i].type >= 0) {
            types[li] = s[i].type;
            names[li++] = s[i].name;
        }
    for (uint32_t k = 0; k < nleaves; k++) {
        const leafdata *L = &ld[k];
        start[k] = f.n;
        uint32_t lo = 0, vi = 0;
        for (uint32_t p = 0; p <= L->nsplits; p++) {
            uint32_t hi = p < L->nsplits ? L->splits[p] : L->n;
            W body = {0}, rl = {0}, dl = {0};
            if (L->max_rep > 0)
                rle(&rl, L->rep + lo, hi - lo, bitw(L->max_rep));
            if (L->max_def > 0)
                rle(&dl, L->def + lo, hi - lo, bitw(L->max_def));
            if (!L->v2) {
                if (L->max_rep > 0) {
                    uint32_t x = (uint32_t)rl.n;
                    w_raw(&body, &x, 4);
                    w_raw(&body, rl.b, rl.n);
                }
                if (L->max_def > 0) {
                    uint32_t x = (uint32_t)dl.n;
                    w_raw(&body, &x, 4);
                    w_raw(&body, dl.b, dl.n);
                }
            } else {
                w_raw(&body, rl.b, rl.n);
                w_raw(&body, dl.b, dl.n);
            }
            uint32_t nulls = 0, rows = 0;
            for (uint32_t i = lo; i < hi; i++) {
                rows += L->rep[i] == 0;
                if (L->def[i] != L->max_def) {
                    nulls++;
                    continue;
                }
                if (types[k] == PQ_INT32)
                    w_raw(&body, &L->ivals[vi++], 4);
                else {
                    uint32_t sl = (uint32_t)strlen(L->svals[vi]);
                    w_raw(&body, &sl, 4);
                    w_raw(&body, L->svals[vi++], sl);
                }
            }
            w_begin(&f);
            w_int(&f, 1, PQ_TT_I32, L->v2 ? PQ_PAGE_DATA_V2 : PQ_PAGE_DATA);
            w_int(&f, 2, PQ_TT_I32, (int64_t)body.n);
            w_int(&f, 3, PQ_TT_I32, (int64_t)body.n);
            if (!L->v2) {
                w_field(&f, 5, PQ_TT_STRUCT);
                w_begin(&f);
                w_int(&f, 1, PQ_TT_I32, hi - lo);
                w_int(&f, 2, PQ_TT_I32, 0);
                w_int(&f, 3, PQ_TT_I32, 3);
                w_int(&f, 4, PQ_TT_I32, 3);
                w_end(&f);
            } else {
                w_field(&f, 8, PQ_TT_STRUCT);
                w_begin(&f);
                w_int(&f, 1, PQ_TT_I32, hi - lo);
                w_int(&f, 2, PQ_TT_I32, nulls);
                w_int(&f, 3, PQ_TT_I32, rows);
                w_int(&f, 4, PQ_TT_I32, 0);
                w_int(&f, 5, PQ_TT_I32, (int64_t)dl.n);
                w_int(&f, 6, PQ_TT_I32, (int64_t)rl.n);
                w_field(&f, 7, PQ_TT_FALSE);
                w_end(&f);
            }
            w_end(&f);
            w_raw(&f, body.b, body.n);
            free(body.b);
            free(rl.b);
            free(dl.b);
            lo = hi;
        }
        len[k] = f.n - start[k];
    }
    size_t foot = f.n;
    w_begin(&f);
    w_int(&f, 1, PQ_TT_I32, 1);
    schema_list(&f, s, ns);
    w_int(&f, 3, PQ_TT_I64, nleaves ? num_rows : 0);
    w_field(&f, 4, PQ_TT_LIST);
    w_list(&f, PQ_TT_STRUCT, nleaves ? 1 : 0);
    if (nleaves) {
        w_begin(&f); /* RowGroup */
        w_field(&f, 1, PQ_TT_LIST);
        w_list(&f, PQ_TT_STRUCT, nleaves);
        for (uint32_t k = 0; k < nleaves; k++) {
            w_begin(&f); /* ColumnChunk */
            w_int(&f, 2, PQ_TT_I64, (int64_t)start[k]);
            w_field(&f, 3, PQ_TT_STRUCT);
            w_begin(&f); /* ColumnMetaData */
            w_int(&f, 1, PQ_TT_I32, types[k]);
            w_field(&f, 2, PQ_TT_LIST);
            w_list(&f, PQ_TT_I32, 2);
            w_zz(&f, 0);
            w_zz(&f, 3);
            w_field(&f, 3, PQ_TT_LIST);
            w_list(&f, PQ_TT_BINARY, 1);
            w_varint(&f, strlen(names[k]));
            w_raw(&f, names[k], strlen(names[k]));
            w_int(&f, 4, PQ_TT_I32, 0);
            w_int(&f, 5, PQ_TT_I64, ld[k].n);
            w_int(&f, 6, PQ_TT_I64, (int64_t)len[k]);
            w_int(&f, 7, PQ_TT_I64, (int64_t)len[k]);
            w_int(&f, 9, PQ_TT_I64, (int64_t)start[k]);
            w_end(&f);
            w_end(&f);
        }
        w_int(&f, 2, PQ_TT_I64, 100);
        w_int(&f, 3, PQ_TT_I64, num_rows);
        w_end(&f); /* RowGroup */
    }
    w_end(&f);
    uint32_t flen = (uint32_t)(f.n - foot);
    w_raw(&f, &flen, 4);
    w_raw(&f, "PAR1", 4);
    FILE *fp = fopen(path, "wb");
    if (fp) {
        fwrite(f.b, 1, f.n, fp);
        fclose(fp);
    }
    free(f.b);
}

static pq_file *open_schema(const char *name, const sel *s, uint32_t ns)
{
    char path[512];
    snprintf(path, sizeof path, "%s/nested_%s.parquet", tmpdir(), name);
    build_file(path, s, ns, NULL, 0, 0);
    pq_file *f = NULL;
    tn_err err = TN_ERR_INIT;
    int rc = pq_file_open(NULL, path, &f, &err);
    CHECK_EQ_INT(rc, TN_OK);
    if (rc)
        fprintf(stderr, "open %s: %s\n", path, err.msg);
    return f;
}

/* ---- rendering a nested value as compact text: [..], {name:..}, null ---- */
typedef struct sb {
    char b[1 << 17];
    size_t n;
} sb;

static void sb_add(sb *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sb *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(s->b + s->n, sizeof s->b - s->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        s->n = TN_MIN(s->n + (size_t)k, sizeof s->b - 1);
}

static void render(sb *s, const tn_vector *v, uint32_t row)
{
    tn_vview vw;
    tn_vector_view(v, row + 1, &vw);
    if (!tn_vview_valid(&vw, row) || v->type.id == TN_T_NULL) {
        sb_add(s, "null");
        return;
    }
    uint32_t i = tn_vview_index(&vw, row);
    switch (v->type.id) {
    case TN_T_INT32:
        sb_add(s, "%d", ((const int32_t *)vw.data)[i]);
        break;
    case TN_T_VARCHAR:
    case TN_T_BLOB: {
        const tn_str *x = (const tn_str *)vw.data + i;
        sb_add(s, "%.*s", (int)x->len, tn_str_data(x));
        break;
    }
    case TN_T_LIST:
    case TN_T_MAP: {
        const tn_list_entry *e = (const tn_list_entry *)v->data + row;
        sb_add(s, "[");
        for (uint64_t j = 0; j < e->length; j++) {
            if (j)
                sb_add(s, ",");
            render(s, v->children[0], (uint32_t)(e->offset + j));
        }
        sb_add(s, "]");
        break;
    }
    case TN_T_STRUCT:
        sb_add(s, "{");
        for (uint32_t k = 0; k < v->nchildren; k++) {
            sb_add(s, "%s%s:", k ? "," : "", v->type.nested->names[k]);
            render(s, v->children[k], row);
        }
        sb_add(s, "}");
        break;
    default:
        sb_add(s, "?");
        break;
    }
}

/* Rows [0, n) of v joined with '|'. */
static const char *render_rows(const tn_vector *v, uint32_t n)
{
    static sb s;
    s.n = 0;
    s.b[0] = 0;
    for (uint32_t r = 0; r < n; r++) {
        if (r)
            sb_add(&s, "|");
        render(&s, v, r);
    }
    return s.b;
}

static const char *type_of(const pq_file *f, uint32_t i)
{
    static char buf[512];
    return tn_type_name(pq_file_field(f, i)->type, buf, sizeof buf);
}

/* ---- schema shapes ---- */
static void test_schema_shapes(void)
{
    const sel s[] = {
        GROUP("schema", 0, 12, -1),
        /* 0: standard 3-level list */
        GROUP("l3", PQ_OPTIONAL, 1, PQ_CT_LIST), GROUP("list", PQ_REPEATED, 1, -1), LEAF("element", PQ_INT32, PQ_OPTIONAL),
        /* 1: 2-level list of a primitive */
        GROUP("l2", PQ_OPTIONAL, 1, PQ_CT_LIST), LEAF("item", PQ_INT32, PQ_REPEATED),
        /* 2: legacy: LIST { repeated group array (LIST) { repeated int32 array } } */
        GROUP("old", PQ_REQUIRED, 1, PQ_CT_LIST), GROUP("array", PQ_REPEATED, 1, PQ_CT_LIST), LEAF("array", PQ_INT32, PQ_REPEATED),
        /* 3: <name>_tuple element is the repeated group itself */
        GROUP("tp", PQ_OPTIONAL, 1, PQ_CT_LIST), GROUP("tp_tuple", PQ_REPEATED, 1, -1), LEAF("x", PQ_INT32, PQ_REQUIRED),
        /* 4: repeated group with two fields: a list of structs */
        GROUP("two", PQ_OPTIONAL, 1, PQ_CT_LIST), GROUP("list", PQ_REPEATED, 2, -1), LEAF("p", PQ_INT32, PQ_OPTIONAL),
        LEAF("q", PQ_BYTE_ARRAY, PQ_OPTIONAL),
        /* 5: repeated group whose only field is repeated */
        GROUP("rr", PQ_OPTIONAL, 1, PQ_CT_LIST), GROUP("bag", PQ_REPEATED, 1, -1), LEAF("x", PQ_INT32, PQ_REPEATED),
        /* 6: map with optional values (LogicalType MAP) */
        {"m", -1, PQ_OPTIONAL, 1, -1, PQ_LT_MAP}, GROUP("key_value", PQ_REPEATED, 2, -1),
        {"key", PQ_BYTE_ARRAY, PQ_REQUIRED, -1, PQ_CT_UTF8, 0}, LEAF("value", PQ_INT32, PQ_OPTIONAL),
        /* 7: legacy MAP_KEY_VALUE on the outer group, no value field */
        GROUP("mk", PQ_REQUIRED, 1, PQ_CT_MAP_KEY_VALUE), GROUP("map", PQ_REPEATED, 1, -1), LEAF("key", PQ_INT32, PQ_REQUIRED),
        /* 8: unannotated repeated primitive at the top level */
        LEAF("rp", PQ_INT32, PQ_REPEATED),
        /* 9: unannotated repeated group in a struct */
        GROUP("st", PQ_OPTIONAL, 2, -1), GROUP("rg", PQ_REPEATED, 1, -1), LEAF("y", PQ_INT32, PQ_OPTIONAL),
        LEAF("z", PQ_INT32, PQ_REQUIRED),
        /* 10: MAP_KEY_VALUE on a group of another shape: a struct */
        GROUP("mkv", PQ_OPTIONAL, 2, PQ_CT_MAP_KEY_VALUE), LEAF("a", PQ_INT32, PQ_OPTIONAL), LEAF("b", PQ_INT32, PQ_OPTIONAL),
        /* 11: plain flat leaf */
        LEAF("flat", PQ_INT32, PQ_OPTIONAL),
    };
    pq_file *f = open_schema("shapes", s, sizeof s / sizeof s[0]);
    if (!f)
        return;
    CHECK_EQ_INT(pq_file_num_fields(f), 12);
    CHECK_EQ_STR(type_of(f, 0), "INTEGER[]");
    CHECK_EQ_STR(type_of(f, 1), "INTEGER[]");
    CHECK_EQ_STR(type_of(f, 2), "INTEGER[][]");
    CHECK_EQ_STR(type_of(f, 3), "STRUCT(x INTEGER)[]");
    CHECK_EQ_STR(type_of(f, 4), "STRUCT(p INTEGER, q BLOB)[]");
    CHECK_EQ_STR(type_of(f, 5), "STRUCT(x INTEGER[])[]");
    CHECK_EQ_STR(type_of(f, 6), "MAP(VARCHAR, INTEGER)");
    CHECK_EQ_STR(type_of(f, 7), "MAP(INTEGER, NULL)");
    CHECK_EQ_STR(type_of(f, 8), "INTEGER[]");
    CHECK_EQ_STR(type_of(f, 9), "STRUCT(rg STRUCT(y INTEGER)[], z INTEGER)");
    CHECK_EQ_STR(type_of(f, 10), "STRUCT(a INTEGER, b INTEGER)");
    CHECK_EQ_STR(type_of(f, 11), "INTEGER");
    for (uint32_t i = 0; i < 12; i++) {
        CHECK(pq_file_field(f, i)->supported);
        CHECK(pq_file_rfield(f, i) != NULL);
    }
    /* flat fields keep the flat reader; the others are nested */
    CHECK(pq_schema_flat_leaf(pq_file_field(f, 11)) >= 0);
    CHECK(pq_schema_flat_leaf(pq_file_field(f, 8)) < 0);

    /* level thresholds of the 3-level optional list of optional ints */
    const pq_rnode *l = pq_file_rfield(f, 0)->root;
    CHECK_EQ_INT(l->kind, PQ_RN_LIST);
    CHECK(l->slot_rep == 0 && l->slot_def == 0 && l->valid_def == 1 && l->elem_rep == 1 && l->elem_def == 2);
    const pq_rnode *e = l->children[0];
    CHECK(e->kind == PQ_RN_LEAF && e->slot_rep == 1 && e->slot_def == 2 && e->valid_def == 3);
    /* struct fields have a row for every struct row, NULL ones included */
    const pq_rnode *st = pq_file_rfield(f, 9)->root;
    CHECK(st->kind == PQ_RN_STRUCT && st->valid_def == 1);
    CHECK(st->children[1]->slot_def == 0 && st->children[1]->valid_def == 1);
    CHECK(st->children[0]->kind == PQ_RN_LIST && st->children[0]->slot_def == 0 && st->children[0]->valid_def == 1 &&
          st->children[0]->elem_def == 2 && st->children[0]->elem_rep == 1);
    CHECK_EQ_INT(pq_file_rfield(f, 4)->nleaves, 2);
    CHECK_EQ_INT(pq_file_rfield(f, 7)->root->children[0]->children[1]->kind, PQ_RN_NULL);
    pq_file_unref(f);
}

static void test_schema_refused(void)
{
    const sel s[] = {
        GROUP("schema", 0, 6, -1),
        /* LIST with two fields */
        GROUP("bad_list", PQ_OPTIONAL, 2, PQ_CT_LIST), LEAF("a", PQ_INT32, PQ_REPEATED), LEAF("b", PQ_INT32, PQ_REPEATED),
        /* LIST whose field is not repeated */
        GROUP("bad_list2", PQ_OPTIONAL, 1, PQ_CT_LIST), LEAF("a", PQ_INT32, PQ_OPTIONAL),
        /* MAP whose key_value group has three fields */
        GROUP("bad_map", PQ_OPTIONAL, 1, PQ_CT_MAP), GROUP("kv", PQ_REPEATED, 3, -1), LEAF("k", PQ_INT32, PQ_REQUIRED),
        LEAF("v", PQ_INT32, PQ_OPTIONAL), LEAF("w", PQ_INT32, PQ_OPTIONAL),
        /* a struct holding a VARIANT group */
        GROUP("holder", PQ_OPTIONAL, 1, -1), {"var", -1, PQ_OPTIONAL, 2, -1, PQ_LT_VARIANT},
        LEAF("metadata", PQ_BYTE_ARRAY, PQ_REQUIRED), LEAF("value", PQ_BYTE_ARRAY, PQ_OPTIONAL),
        /* a group without fields */
        GROUP("empty", PQ_OPTIONAL, 0, -1),
        /* and a readable field after them */
        LEAF("ok", PQ_INT32, PQ_REQUIRED),
    };
    pq_file *f = open_schema("refused", s, sizeof s / sizeof s[0]);
    if (!f)
        return;
    const char *want[] = {"LIST-annotated group", "LIST-annotated group", "MAP-annotated group",
                          "VARIANT columns are not supported", "group without fields"};
    for (uint32_t i = 0; i < 5; i++) {
        const pq_schema_node *n = pq_file_field(f, i);
        CHECK(!n->supported);
        CHECK(pq_file_rfield(f, i) == NULL);
        CHECK(n->unsupported_reason && strstr(n->unsupported_reason, want[i]));
        pq_column_reader *r = NULL;
        tn_err err = TN_ERR_INIT;
        CHECK_EQ_INT(pq_column_reader_open(f, 0, i, &r, &err), TN_MISUSE); /* no row group */
    }
    CHECK(strstr(pq_file_field(f, 3)->unsupported_reason, "field var") != NULL);
    CHECK(pq_file_field(f, 5)->supported);
    pq_file_unref(f);
}

/* ---- assembly from level streams ---- */
/* Put dense INT32 values into leaf k's vector. */
static void put_ints(const pq_rfield *rf, tn_vector *out, uint32_t k, const int32_t *v, uint32_t n)
{
    tn_vector *lv = pq_nested_leaf_vector(rf, out, k);
    CHECK(lv != NULL);
    if (!lv)
        return;
    CHECK_EQ_INT(tn_vector_reserve(lv, n), TN_OK);
    memcpy(lv->data, v, (size_t)n * 4);
}

static void put_strs(const pq_rfield *rf, tn_vector *out, uint32_t k, const char *const *v, uint32_t n)
{
    tn_vector *lv = pq_nested_leaf_vector(rf, out, k);
    CHECK(lv != NULL);
    if (!lv)
        return;
    CHECK_EQ_INT(tn_vector_reserve(lv, n), TN_OK);
    for (uint32_t i = 0; i < n; i++)
        ((tn_str *)lv->data)[i] = tn_str_make(v[i], (uint32_t)strlen(v[i]));
}

static pq_lvbuf mk_lv(const uint16_t *rep, const uint16_t *def, uint32_t n)
{
    pq_lvbuf b = {(uint16_t *)rep, (uint16_t *)def, n, n};
    return b;
}

/* Assemble nrec records of field 0 from the given levels; returns the rc, renders into *txt. */
static int assemble(const pq_file *f, uint32_t field, const pq_lvbuf *lv, uint32_t nrec, tn_vector *out,
                    const char **txt, tn_err *err)
{
    int rc = pq_nested_assemble(pq_file_rfield(f, field), lv, out, nrec, "test", err);
    *txt = rc ? "" : render_rows(out, nrec);
    return rc;
}

static void test_assemble_list(void)
{
    const sel s[] = {GROUP("schema", 0, 1, -1), GROUP("l", PQ_OPTIONAL, 1, PQ_CT_LIST),
                     GROUP("list", PQ_REPEATED, 1, -1), LEAF("element", PQ_INT32, PQ_OPTIONAL)};
    pq_file *f = open_schema("alist", s, 4);
    if (!f)
        return;
    const pq_rfield *rf = pq_file_rfield(f, 0);
    /* [1,2] | null | [] | [null,3] | [4] */
    static const uint16_t rep[] = {0, 1, 0, 0, 0, 1, 0};
    static const uint16_t def[] = {3, 3, 0, 1, 2, 3, 3};
    static const int32_t vals[] = {1, 2, 3, 4};
    tn_vector *out = tn_vector_new(pq_file_field(f, 0)->type, 4); /* small: must grow */
    tn_err err = TN_ERR_INIT;
    const char *txt;
    put_ints(rf, out, 0, vals, 4);
    pq_lvbuf lv = mk_lv(rep, def, 7);
    CHECK_EQ_INT(assemble(f, 0, &lv, 5, out, &txt, &err), TN_OK);
    CHECK_EQ_STR(txt, "[1,2]|null|[]|[null,3]|[4]");
    CHECK_EQ_INT(out->list_size, 5);
    CHECK_EQ_INT(((tn_list_entry *)out->data)[3].offset, 2);
    CHECK_EQ_INT(((tn_list_entry *)out->data)[3].length, 2);
    /* the wrong record count is detected */
    tn_vector_reset(out);
    put_ints(rf, out, 0, vals, 4);
    CHECK_EQ_INT(assemble(f, 0, &lv, 4, out, &txt, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "disagree") != NULL);
    tn_vector_unref(out);
    pq_file_unref(f);
}

/* Legacy shapes: a 2-level list, the old list<list<int>> named "array", and an unannotated
 * repeated field (a required list: absent is [], never NULL). */
static void test_assemble_two_level(void)
{
    const sel s[] = {
        GROUP("schema", 0, 3, -1),
        GROUP("l2", PQ_OPTIONAL, 1, PQ_CT_LIST), LEAF("item", PQ_INT32, PQ_REPEATED),
        GROUP("old", PQ_REQUIRED, 1, PQ_CT_LIST), GROUP("array", PQ_REPEATED, 1, PQ_CT_LIST), LEAF("array", PQ_INT32, PQ_REPEATED),
        LEAF("rp", PQ_INT32, PQ_REPEATED),
    };
    pq_file *f = open_schema("twolevel", s, sizeof s / sizeof s[0]);
    if (!f)
        return;
    tn_err err = TN_ERR_INIT;
    const char *txt;
    {
        static const uint16_t rep[] = {0, 1, 0, 0, 0}, def[] = {2, 2, 0, 1, 2};
        static const int32_t v[] = {1, 2, 3};
        tn_vector *out = tn_vector_new(pq_file_field(f, 0)->type, TN_BATCH);
        put_ints(pq_file_rfield(f, 0), out, 0, v, 3);
        pq_lvbuf lv = mk_lv(rep, def, 5);
        CHECK_EQ_INT(assemble(f, 0, &lv, 4, out, &txt, &err), TN_OK);
        CHECK_EQ_STR(txt, "[1,2]|null|[]|[3]");
        tn_vector_unref(out);
    }
    {
        static const uint16_t rep[] = {0, 2, 1, 0, 0, 1}, def[] = {2, 2, 2, 0, 1, 2};
        static const int32_t v[] = {1, 2, 3, 4};
        tn_vector *out = tn_vector_new(pq_file_field(f, 1)->type, TN_BATCH);
        put_ints(pq_file_rfield(f, 1), out, 0, v, 4);
        pq_lvbuf lv = mk_lv(rep, def, 6);
        CHECK_EQ_INT(assemble(f, 1, &lv, 3, out, &txt, &err), TN_OK);
        CHECK_EQ_STR(txt, "[[1,2],[3]]|[]|[[],[4]]");
        CHECK(out->validity == NULL); /* a required list has no NULL rows */
        tn_vector_unref(out);
    }
    {
        static const uint16_t rep[] = {0, 1, 0, 0}, def[] = {1, 1, 0, 1};
        static const int32_t v[] = {1, 2, 3};
        tn_vector *out = tn_vector_new(pq_file_field(f, 2)->type, TN_BATCH);
        put_ints(pq_file_rfield(f, 2), out, 0, v, 3);
        pq_lvbuf lv = mk_lv(rep, def, 4);
        CHECK_EQ_INT(assemble(f, 2, &lv, 3, out, &txt, &err), TN_OK);
        CHECK_EQ_STR(txt, "[1,2]|[]|[3]");
        CHECK(!tn_vector_is_null(out, 1));
        tn_vector_unref(out);
    }
    pq_file_unref(f);
}

static void test_assemble_struct_map(void)
{
    const sel s[] = {
        GROUP("schema", 0, 3, -1),
        GROUP("s", PQ_OPTIONAL, 2, -1), LEAF("a", PQ_INT32, PQ_OPTIONAL), {"b", PQ_BYTE_ARRAY, PQ_OPTIONAL, -1, PQ_CT_UTF8, 0},
        GROUP("m", PQ_OPTIONAL, 1, PQ_CT_MAP), GROUP("key_value", PQ_REPEATED, 2, -1),
        {"key", PQ_BYTE_ARRAY, PQ_REQUIRED, -1, PQ_CT_UTF8, 0}, LEAF("value", PQ_INT32, PQ_OPTIONAL),
        GROUP("nv", PQ_REQUIRED, 1, PQ_CT_MAP), GROUP("key_value", PQ_REPEATED, 1, -1), LEAF("key", PQ_INT32, PQ_REQUIRED),
    };
    pq_file *f = open_schema("astruct", s, sizeof s / sizeof s[0]);
    if (!f)
        return;
    tn_err err = TN_ERR_INIT;
    const char *txt;
    /* struct: {a:1,b:x} | {a:null,b:null} (all fields null) | null | {a:2,b:null} */
    {
        const pq_rfield *rf = pq_file_rfield(f, 0);
        static const uint16_t z[] = {0, 0, 0, 0};
        static const uint16_t da[] = {2, 1, 0, 2}, db[] = {2, 1, 0, 1};
        static const int32_t av[] = {1, 2};
        static const char *bv[] = {"x"};
        tn_vector *out = tn_vector_new(pq_file_field(f, 0)->type, TN_BATCH);
        put_ints(rf, out, 0, av, 2);
        put_strs(rf, out, 1, bv, 1);
        pq_lvbuf lv[2] = {mk_lv(z, da, 4), mk_lv(z, db, 4)};
        CHECK_EQ_INT(assemble(f, 0, lv, 4, out, &txt, &err), TN_OK);
        CHECK_EQ_STR(txt, "{a:1,b:x}|{a:null,b:null}|null|{a:2,b:null}");
        CHECK(tn_vector_is_null(out, 2) && !tn_vector_is_null(out, 1));
        /* a leaf with one slot too many disagrees with its sibling */
        static const uint16_t z5[] = {0, 0, 0, 0, 0}, db5[] = {2, 1, 0, 1, 1};
        tn_vector_reset(out);
        put_ints(rf, out, 0, av, 2);
        put_strs(rf, out, 1, bv, 1);
        lv[1] = mk_lv(z5, db5, 5);
        CHECK_EQ_INT(assemble(f, 0, lv, 4, out, &txt, &err), TN_CORRUPT);
        tn_vector_unref(out);
    }
    /* map: [{k1:1},{k2:null}] | [] | null | [{k3:3}] */
    {
        const pq_rfield *rf = pq_file_rfield(f, 1);
        static const uint16_t rep[] = {0, 1, 0, 0, 0};
        static const uint16_t dk[] = {2, 2, 1, 0, 2}, dv[] = {3, 2, 1, 0, 3};
        static const char *keys[] = {"k1", "k2", "k3"};
        static const int32_t vv[] = {1, 3};
        tn_vector *out = tn_vector_new(pq_file_field(f, 1)->type, TN_BATCH);
        put_strs(rf, out, 0, keys, 3);
        put_ints(rf, out, 1, vv, 2);
        pq_lvbuf lv[2] = {mk_lv(rep, dk, 5), mk_lv(rep, dv, 5)};
        CHECK_EQ_INT(assemble(f, 1, lv, 4, out, &txt, &err), TN_OK);
        CHECK_EQ_STR(txt, "[{key:k1,value:1},{key:k2,value:null}]|[]|null|[{key:k3,value:3}]");
        tn_vector_unref(out);
    }
    /* map without values: every value NULL */
    {
        const pq_rfield *rf = pq_file_rfield(f, 2);
        static const uint16_t rep[] = {0, 1, 0};
        static const uint16_t def[] = {1, 1, 0};
        static const int32_t kv[] = {7, 8};
        tn_vector *out = tn_vector_new(pq_file_field(f, 2)->type, TN_BATCH);
        put_ints(rf, out, 0, kv, 2);
        pq_lvbuf lv = mk_lv(rep, def, 3);
        CHECK_EQ_INT(assemble(f, 2, &lv, 2, out, &txt, &err), TN_OK);
        CHECK_EQ_STR(txt, "[{key:7,value:null},{key:8,value:null}]|[]");
        tn_vector_unref(out);
    }
    pq_file_unref(f);
}

/* list<struct<a: list<int>, b: int>>, nulls and empties at every level. */
static const sel DEEP[] = {
    GROUP("schema", 0, 1, -1),
    GROUP("x", PQ_OPTIONAL, 1, PQ_CT_LIST), GROUP("list", PQ_REPEATED, 1, -1), GROUP("element", PQ_OPTIONAL, 2, -1),
    GROUP("a", PQ_OPTIONAL, 1, PQ_CT_LIST), GROUP("list", PQ_REPEATED, 1, -1), LEAF("element", PQ_INT32, PQ_OPTIONAL),
    LEAF("b", PQ_INT32, PQ_OPTIONAL),
};
/* one group of 4 records:
 *   [{a:[v1,v2],b:v5},null,{a:null,b:null},{a:[],b:v6}] | null | [] | [{a:[null],b:v7}] */
static const uint16_t DA_REP[] = {0, 2, 1, 1, 1, 0, 0, 0};
static const uint16_t DA_DEF[] = {6, 6, 2, 3, 4, 0, 1, 5};
static const uint16_t DB_REP[] = {0, 1, 1, 1, 0, 0, 0};
static const uint16_t DB_DEF[] = {4, 2, 3, 4, 0, 1, 4};

static void deep_expected(sb *s, int k)
{
    int b = 10 * k;
    sb_add(s, "%s[{a:[%d,%d],b:%d},null,{a:null,b:null},{a:[],b:%d}]|null|[]|[{a:[null],b:%d}]", s->n ? "|" : "",
           b + 1, b + 2, b + 5, b + 6, b + 7);
}

static void test_assemble_deep(void)
{
    pq_file *f = open_schema("adeep", DEEP, sizeof DEEP / sizeof DEEP[0]);
    if (!f)
        return;
    CHECK_EQ_STR(type_of(f, 0), "STRUCT(a INTEGER[], b INTEGER)[]");
    const pq_rfield *rf = pq_file_rfield(f, 0);
    static const int32_t av[] = {1, 2}, bv[] = {5, 6, 7};
    tn_vector *out = tn_vector_new(pq_file_field(f, 0)->type, TN_BATCH);
    put_ints(rf, out, 0, av, 2);
    put_ints(rf, out, 1, bv, 3);
    pq_lvbuf lv[2] = {mk_lv(DA_REP, DA_DEF, 8), mk_lv(DB_REP, DB_DEF, 7)};
    tn_err err = TN_ERR_INIT;
    const char *txt;
    CHECK_EQ_INT(assemble(f, 0, lv, 4, out, &txt, &err), TN_OK);
    static sb want;
    want.n = 0;
    want.b[0] = 0;
    deep_expected(&want, 0);
    CHECK_EQ_STR(txt, want.b);
    tn_vector_unref(out);
    pq_file_unref(f);
}

/* ---- end to end through files ---- */
/* Read field 0 of path in batches of `batch`, skipping skip[i % nskip] rows after each batch
 * (skipped rows render as "-"), into s. Returns the first failing rc. */
static int read_all(const char *path, uint32_t batch, const uint32_t *skip, uint32_t nskip, sb *s, tn_err *err)
{
    pq_file *f = NULL;
    pq_column_reader *r = NULL;
    tn_vector *v = NULL;
    s->n = 0;
    s->b[0] = 0;
    int rc = pq_file_open(NULL, path, &f, err);
    if (rc)
        return rc;
    int64_t left = pq_row_group_num_rows(f, 0);
    if ((rc = pq_column_reader_open(f, 0, 0, &r, err)))
        goto done;
    v = tn_vector_new(pq_file_field(f, 0)->type, 8);
    for (uint32_t step = 0; left > 0; step++) {
        uint32_t got = 0;
        if ((rc = pq_column_reader_next(r, batch, v, &got, err)))
            goto done;
        if (got == 0 || got > batch) {
            rc = TN_ERROR;
            goto done;
        }
        for (uint32_t i = 0; i < got; i++) {
            sb_add(s, "%s", s->n ? "|" : "");
            render(s, v, i);
        }
        left -= got;
        uint32_t k = nskip ? skip[step % nskip] : 0;
        if (k > left)
            k = (uint32_t)left;
        if (k) {
            if ((rc = pq_column_reader_skip(r, k, err)))
                goto done;
            for (uint32_t i = 0; i < k; i++)
                sb_add(s, "%s-", s->n ? "|" : "");
            left -= k;
        }
    }
    /* the chunk is exhausted exactly */
    uint32_t got = 1;
    if (!(rc = pq_column_reader_next(r, 4, v, &got, err)) && got != 0)
        rc = TN_ERROR;
done:
    tn_vector_unref(v);
    pq_column_reader_close(r);
    pq_file_unref(f);
    return rc;
}

/* Mask the rows a skip pattern leaves out of the full rendering: rows are '|'-separated at the
 * top level (the renders of DEEP contain '|' only between rows). */
static void mask_rows(const char *full, uint32_t batch, const uint32_t *skip, uint32_t nskip, sb *out)
{
    out->n = 0;
    out->b[0] = 0;
    const char *p = full;
    uint32_t step = 0, inb = 0, sk = 0;
    bool first = true;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        bool skipped = sk > 0;
        if (skipped)
            sk--;
        if (skipped)
            sb_add(out, "%s-", first ? "" : "|");
        else
            sb_add(out, "%s%.*s", first ? "" : "|", (int)len, p);
        first = false;
        if (!skipped && ++inb == batch) {
            inb = 0;
            sk = nskip ? skip[step % nskip] : 0;
            step++;
        }
        p = e ? e + 1 : p + len;
    }
}

static void test_end_to_end_deep(void)
{
    enum { G = 60 }; /* groups of 4 records */
    static uint16_t arep[8 * G], adef[8 * G], brep[7 * G], bdef[7 * G];
    static int32_t av[2 * G], bv[3 * G];
    for (int k = 0; k < G; k++) {
        memcpy(arep + 8 * k, DA_REP, sizeof DA_REP);
        memcpy(adef + 8 * k, DA_DEF, sizeof DA_DEF);
        memcpy(brep + 7 * k, DB_REP, sizeof DB_REP);
        memcpy(bdef + 7 * k, DB_DEF, sizeof DB_DEF);
        av[2 * k] = 10 * k + 1, av[2 * k + 1] = 10 * k + 2;
        bv[3 * k] = 10 * k + 5, bv[3 * k + 1] = 10 * k + 6, bv[3 * k + 2] = 10 * k + 7;
    }
    /* v1 pages split mid-record: every 5 levels for a, every 3 for b */
    static uint32_t sa[8 * G], sbv[7 * G], ra[4 * G], rb[4 * G];
    uint32_t nsa = 0, nsb = 0;
    for (uint32_t i = 5; i < 8 * G; i += 5)
        sa[nsa++] = i;
    for (uint32_t i = 3; i < 7 * G; i += 3)
        sbv[nsb++] = i;
    /* v2 pages at record boundaries: every 3rd record */
    uint32_t nra = 0, nrb = 0, rec = 0;
    for (uint32_t i = 1; i < 8 * G; i++)
        if (arep[i] == 0 && ++rec % 3 == 0)
            ra[nra++] = i;
    rec = 0;
    for (uint32_t i = 1; i < 7 * G; i++)
        if (brep[i] == 0 && ++rec % 3 == 0)
            rb[nrb++] = i;
    static sb want, got, masked;
    want.n = 0;
    want.b[0] = 0;
    for (int k = 0; k < G; k++)
        deep_expected(&want, k);
    for (int v2 = 0; v2 < 2; v2++) {
        leafdata ld[2] = {
            {arep, adef, 8 * G, 2, 6, av, NULL, v2 ? ra : sa, v2 ? nra : nsa, v2},
            {brep, bdef, 7 * G, 1, 4, bv, NULL, v2 ? rb : sbv, v2 ? nrb : nsb, v2},
        };
        char path[512];
        snprintf(path, sizeof path, "%s/nested_deep_v%d.parquet", tmpdir(), v2 + 1);
        build_file(path, DEEP, sizeof DEEP / sizeof DEEP[0], ld, 2, 4 * G);
        static const uint32_t batches[] = {1, 2, 3, 7, 64, 4096};
        for (uint32_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
            tn_err err = TN_ERR_INIT;
            int rc = read_all(path, batches[b], NULL, 0, &got, &err);
            CHECK_EQ_INT(rc, TN_OK);
            if (rc)
                fprintf(stderr, "v%d batch %u: %s\n", v2 + 1, batches[b], err.msg);
            CHECK_EQ_STR(got.b, want.b);
        }
        static const uint32_t skips[] = {2, 0, 5, 1, 9};
        static const uint32_t sbatch[] = {1, 3, 5};
        for (uint32_t b = 0; b < 3; b++) {
            tn_err err = TN_ERR_INIT;
            int rc = read_all(path, sbatch[b], skips, 5, &got, &err);
            CHECK_EQ_INT(rc, TN_OK);
            if (rc)
                fprintf(stderr, "skip v%d batch %u: %s\n", v2 + 1, sbatch[b], err.msg);
            mask_rows(want.b, sbatch[b], skips, 5, &masked);
            CHECK_EQ_STR(got.b, masked.b);
        }
    }
}

/* A map of long strings across many small pages: string views must stay valid after the pages
 * they came from are released. */
static void test_end_to_end_strings(void)
{
    const sel s[] = {GROUP("schema", 0, 1, -1), GROUP("m", PQ_OPTIONAL, 1, PQ_CT_MAP),
                     GROUP("key_value", PQ_REPEATED, 2, -1), {"key", PQ_BYTE_ARRAY, PQ_REQUIRED, -1, PQ_CT_UTF8, 0},
                     {"value", PQ_BYTE_ARRAY, PQ_OPTIONAL, -1, PQ_CT_UTF8, 0}};
    enum { R = 300 };
    /* record i: i % 4 entries (0 -> empty map, every 5th record null) */
    static uint16_t rep[4 * R], dk[4 * R], dv[4 * R];
    static char kbuf[4 * R][40], vbuf[4 * R][40];
    static const char *keys[4 * R], *vals[4 * R];
    static uint32_t splits[4 * R];
    uint32_t n = 0, nk = 0, nv = 0, ns = 0;
    static sb want, got;
    want.n = 0;
    want.b[0] = 0;
    for (uint32_t i = 0; i < R; i++) {
        sb_add(&want, "%s", i ? "|" : "");
        if (i % 5 == 4) {
            rep[n] = 0, dk[n] = 0, dv[n] = 0, n++;
            sb_add(&want, "null");
            continue;
        }
        uint32_t m = i % 4;
        if (m == 0) {
            rep[n] = 0, dk[n] = 1, dv[n] = 1, n++;
            sb_add(&want, "[]");
            continue;
        }
        sb_add(&want, "[");
        for (uint32_t j = 0; j < m; j++) {
            rep[n] = j ? 1 : 0;
            dk[n] = 2;
            snprintf(kbuf[nk], sizeof kbuf[nk], "a-rather-long-key-%05u-%u", i, j);
            keys[nk] = kbuf[nk];
            bool vnull = j == 1;
            dv[n] = vnull ? 2 : 3;
            if (!vnull) {
                snprintf(vbuf[nv], sizeof vbuf[nv], "value-%u-%u", i, j);
                vals[nv] = vbuf[nv];
            }
            sb_add(&want, "%s{key:%s,value:%s}", j ? "," : "", kbuf[nk], vnull ? "null" : vbuf[nv]);
            nk++;
            nv += !vnull;
            n++;
        }
        sb_add(&want, "]");
    }
    for (uint32_t i = 4; i < n; i += 4)
        splits[ns++] = i;
    leafdata ld[2] = {{rep, dk, n, 1, 2, NULL, keys, splits, ns, false}, {rep, dv, n, 1, 3, NULL, vals, splits, ns, false}};
    char path[512];
    snprintf(path, sizeof path, "%s/nested_strmap.parquet", tmpdir());
    build_file(path, s, sizeof s / sizeof s[0], ld, 2, R);
    tn_err err = TN_ERR_INIT;
    int rc = read_all(path, 97, NULL, 0, &got, &err);
    CHECK_EQ_INT(rc, TN_OK);
    if (rc)
        fprintf(stderr, "strmap: %s\n", err.msg);
    CHECK_EQ_STR(got.b, want.b);
}

/* Level errors in files: each must be a clear TN_CORRUPT. */
static void test_level_errors(void)
{
    const sel s[] = {GROUP("schema", 0, 1, -1), GROUP("l", PQ_OPTIONAL, 1, PQ_CT_LIST),
                     GROUP("list", PQ_REPEATED, 1, -1), LEAF("element", PQ_INT32, PQ_OPTIONAL)};
    static const int32_t vals[] = {1, 2, 3};
    struct {
        uint16_t rep[3], def[3];
        const char *msg;
    } cases[] = {
        {{1, 1, 0}, {3, 3, 3}, "first repetition level is 1"},  /* ARROW-GH-45185 */
        {{0, 1, 1}, {3, 0, 3}, "continues a list"},             /* rep 1 with def 0 */
        {{0, 0, 0}, {3, 3, 3}, NULL},                           /* valid control */
    };
    for (uint32_t c = 0; c < 3; c++) {
        leafdata ld = {cases[c].rep, cases[c].def, 3, 1, 3, vals, NULL, NULL, 0, false};
        uint32_t nv = 0;
        for (int i = 0; i < 3; i++)
            nv += cases[c].def[i] == 3;
        (void)nv;
        char path[512];
        snprintf(path, sizeof path, "%s/nested_err%u.parquet", tmpdir(), c);
        uint32_t rows = 0;
        for (int i = 0; i < 3; i++)
            rows += cases[c].rep[i] == 0;
        build_file(path, s, 4, &ld, 1, rows);
        static sb got;
        tn_err err = TN_ERR_INIT;
        int rc = read_all(path, 10, NULL, 0, &got, &err);
        if (cases[c].msg) {
            CHECK_EQ_INT(rc, TN_CORRUPT);
            CHECK(strstr(err.msg, cases[c].msg) != NULL);
            if (!strstr(err.msg, cases[c].msg))
                fprintf(stderr, "case %u: %s\n", c, err.msg);
        } else {
            CHECK_EQ_INT(rc, TN_OK);
            CHECK_EQ_STR(got.b, "[1]|[2]|[3]");
        }
    }
    /* a repetition level above the maximum (max_rep 2 has a 2-bit width that can hold 3) */
    {
        const sel s2[] = {GROUP("schema", 0, 1, -1), GROUP("o", PQ_OPTIONAL, 1, PQ_CT_LIST),
                          GROUP("list", PQ_REPEATED, 1, -1), GROUP("element", PQ_OPTIONAL, 1, PQ_CT_LIST),
                          GROUP("list", PQ_REPEATED, 1, -1), LEAF("element", PQ_INT32, PQ_REQUIRED)};
        static const uint16_t rep[] = {0, 3}, def[] = {4, 4};
        leafdata ld = {rep, def, 2, 2, 4, vals, NULL, NULL, 0, false};
        char path[512];
        snprintf(path, sizeof path, "%s/nested_err_rep.parquet", tmpdir());
        build_file(path, s2, 6, &ld, 1, 1);
        static sb got;
        tn_err err = TN_ERR_INIT;
        CHECK_EQ_INT(read_all(path, 10, NULL, 0, &got, &err), TN_CORRUPT);
        CHECK(strstr(err.msg, "repetition level 3 exceeds the maximum 2") != NULL);
    }
    /* v2 pages that split records: reading works, but skipping whole pages by num_rows is caught */
    {
        static const uint16_t rep[] = {0, 1, 0, 1, 0}, def[] = {3, 3, 3, 3, 3};
        static const int32_t v5[] = {1, 2, 3, 4, 5};
        static const uint32_t splits[] = {1, 3};
        leafdata ld = {rep, def, 5, 1, 3, v5, NULL, splits, 2, true};
        char path[512];
        snprintf(path, sizeof path, "%s/nested_err_v2split.parquet", tmpdir());
        build_file(path, s, 4, &ld, 1, 3);
        static sb got;
        tn_err err = TN_ERR_INIT;
        CHECK_EQ_INT(read_all(path, 2, NULL, 0, &got, &err), TN_OK);
        CHECK_EQ_STR(got.b, "[1,2]|[3,4]|[5]");
        pq_file *f = NULL;
        pq_column_reader *r = NULL;
        CHECK_EQ_INT(pq_file_open(NULL, path, &f, &err), TN_OK);
        CHECK_EQ_INT(pq_column_reader_open(f, 0, 0, &r, &err), TN_OK);
        CHECK_EQ_INT(pq_column_reader_skip(r, 1, &err), TN_CORRUPT);
        CHECK(strstr(err.msg, "record boundary") != NULL);
        if (!strstr(err.msg, "record boundary"))
            fprintf(stderr, "v2 split: %s\n", err.msg);
        pq_column_reader_close(r);
        pq_file_unref(f);
    }
    /* two leaves holding different numbers of records */
    {
        const sel s3[] = {GROUP("schema", 0, 1, -1), GROUP("st", PQ_OPTIONAL, 2, -1), LEAF("a", PQ_INT32, PQ_OPTIONAL),
                          LEAF("b", PQ_INT32, PQ_OPTIONAL)};
        static const uint16_t z[] = {0, 0, 0}, d[] = {2, 2, 2};
        leafdata ld[2] = {{z, d, 3, 0, 2, vals, NULL, NULL, 0, false}, {z, d, 2, 0, 2, vals, NULL, NULL, 0, false}};
        char path[512];
        snprintf(path, sizeof path, "%s/nested_err_count.parquet", tmpdir());
        build_file(path, s3, 4, ld, 2, 3);
        static sb got;
        tn_err err = TN_ERR_INIT;
        CHECK_EQ_INT(read_all(path, 10, NULL, 0, &got, &err), TN_CORRUPT);
        CHECK(strstr(err.msg, "different numbers of records") != NULL);
    }
}

TEST_MAIN(test_schema_shapes, test_schema_refused, test_assemble_list, test_assemble_two_level,
          test_assemble_struct_map, test_assemble_deep, test_end_to_end_deep, test_end_to_end_strings,
          test_level_errors)
