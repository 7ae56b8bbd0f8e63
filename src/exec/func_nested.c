/*
 * func_nested.c -- nested functions, part 1: resolution (ex_nested_resolve and the constructor
 * lookups the binder uses), the nested type rules (common supertype, cast rules), and the
 * kernels that build nested values: list_value, struct_pack, MAP literals, and casts of nested
 * values (to VARCHAR, and between nested types of the same shape). Access, search and comparison
 * kernels are in func_nested_ops.c; semantics are documented in nested.h.
 *
 * Catalog. These functions are not listed in func_catalog.c's overload tables: their result types
 * are computed from the argument types (LIST(T) from T, a struct's field type, ...) rather than
 * chosen among fixed overloads, so the binder calls ex_nested_resolve / the *_func constructors
 * directly. Each concrete signature is interned with ex_func_intern (static storage, never
 * freed), so an EX_FUNC node can carry it like any catalog entry.
 *
 * Construction kernels append every row's elements to the result's element vector in one
 * ex_nested_gather call per argument (list_value: argument k of row i lands at element
 * first + i*K + k). Casts between nested types copy the selected rows to a dense temporary,
 * convert it level by level (list entries are kept, element vectors are cast as a whole with the
 * flat cast kernels of cast.c, struct fields one by one) and gather the result back to the
 * selected positions.
 */
#include "nested_int.h"
#include "../util/format.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ======================= construction kernels ======================= */

static int k_list_value(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    TN_UNUSED(err);
    uint64_t total = (uint64_t)n * nargs;
    if (total > UINT32_MAX - 1)
        return tn_err_set(err, TN_RANGE, "list_value result too large");
    uint32_t first;
    if (tn_vector_list_append(out, (uint32_t)total, &first))
        return TN_NOMEM;
    tn_list_entry *oe = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        oe[r].offset = first + (uint64_t)i * nargs;
        oe[r].length = nargs;
    }
    if (nargs == 0 || n == 0)
        return TN_OK;
    uint32_t *drows = tn_malloc((size_t)n * sizeof *drows);
    if (!drows)
        return TN_NOMEM;
    int rc = TN_OK;
    for (uint32_t k = 0; k < nargs && !rc; k++) {
        for (uint32_t i = 0; i < n; i++)
            drows[i] = first + i * nargs + k;
        rc = ex_nested_gather(out->children[0], drows, 0, args[k], sel, 0, n);
    }
    tn_free(drows);
    return rc;
}

static int k_struct_pack(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    if (nargs != out->nchildren)
        return tn_err_set(err, TN_MISUSE, "struct_pack: %u arguments for %u fields", nargs, out->nchildren);
    for (uint32_t f = 0; f < nargs; f++) {
        int rc = ex_nested_gather(out->children[f], sel, 0, args[f], sel, 0, n);
        if (rc)
            return rc;
    }
    return TN_OK;
}

/* Stable merge sort of key argument numbers idx[0..n) by their values at row r. */
static void sort_keys(tn_vector **args, uint32_t r, uint32_t *idx, uint32_t *tmp, uint32_t n)
{
    if (n < 2)
        return;
    uint32_t h = n / 2;
    sort_keys(args, r, idx, tmp, h);
    sort_keys(args, r, idx + h, tmp, n - h);
    uint32_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = ex_nested_cmp(args[2 * idx[j]], r, args[2 * idx[i]], r) < 0 ? idx[j++] : idx[i++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

#define MAP_SMALL 16

/* Keys (arguments 0, 2, 4, ...) non-NULL and distinct at every selected row: pairwise for a few
 * keys, by sorting otherwise (so a literal with thousands of keys stays O(K log K) per row). */
static int check_map_keys(tn_vector **args, uint32_t npairs, const uint32_t *sel, uint32_t n, tn_err *err)
{
    uint32_t *idx = NULL, *tmp = NULL;
    int rc = TN_OK;
    if (npairs > MAP_SMALL) {
        idx = tn_malloc(npairs * sizeof *idx);
        tmp = tn_malloc(npairs * sizeof *tmp);
        if (!idx || !tmp) {
            rc = TN_NOMEM;
            goto done;
        }
    }
    for (uint32_t i = 0; i < n && !rc; i++) {
        uint32_t r = EX_ROW(sel, i);
        for (uint32_t a = 0; a < npairs && !rc; a++) {
            uint32_t p;
            bool valid;
            ex_nested_phys(args[2 * a], r, &p, &valid);
            if (!valid)
                rc = tn_err_set(err, TN_ERROR, "map keys can not be NULL");
            for (uint32_t b = 0; npairs <= MAP_SMALL && b < a && !rc; b++)
                if (ex_nested_cmp(args[2 * a], r, args[2 * b], r) == 0)
                    rc = tn_err_set(err, TN_ERROR, "map keys must be unique");
        }
        if (rc || npairs <= MAP_SMALL)
            continue;
        for (uint32_t a = 0; a < npairs; a++)
            idx[a] = a;
        sort_keys(args, r, idx, tmp, npairs);
        for (uint32_t a = 1; a < npairs && !rc; a++)
            if (ex_nested_cmp(args[2 * idx[a]], r, args[2 * idx[a - 1]], r) == 0)
                rc = tn_err_set(err, TN_ERROR, "map keys must be unique");
    }
done:
    tn_free(idx);
    tn_free(tmp);
    return rc;
}

/* MAP {k1: v1, k2: v2, ...}: arguments alternate keys and values. */
static int k_map_pack(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    uint32_t npairs = nargs / 2;
    if (nargs % 2 || out->nchildren < 1 || out->children[0]->nchildren < 2)
        return tn_err_set(err, TN_MISUSE, "map construction needs key/value pairs");
    int krc = check_map_keys(args, npairs, sel, n, err);
    if (krc)
        return krc;
    uint64_t total = (uint64_t)n * npairs;
    if (total > UINT32_MAX - 1)
        return tn_err_set(err, TN_RANGE, "map result too large");
    uint32_t first;
    if (tn_vector_list_append(out, (uint32_t)total, &first))
        return TN_NOMEM;
    tn_list_entry *oe = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        oe[r].offset = first + (uint64_t)i * npairs;
        oe[r].length = npairs;
    }
    if (npairs == 0 || n == 0)
        return TN_OK;
    tn_vector *ent = out->children[0];
    uint32_t *drows = tn_malloc((size_t)n * sizeof *drows);
    if (!drows)
        return TN_NOMEM;
    int rc = TN_OK;
    for (uint32_t k = 0; k < npairs && !rc; k++) {
        for (uint32_t i = 0; i < n; i++)
            drows[i] = first + i * npairs + k;
        rc = ex_nested_gather(ent->children[0], drows, 0, args[2 * k], sel, 0, n);
        if (!rc)
            rc = ex_nested_gather(ent->children[1], drows, 0, args[2 * k + 1], sel, 0, n);
    }
    tn_free(drows);
    return rc;
}

/* ======================= casts ======================= */

/* Render every row of src (rows [0, count), FLAT) as text into dst (VARCHAR, FLAT) at the same
 * rows; or, with sel, the selected rows of src (any kind) at the same positions. */
static int to_text(const tn_vector *src, tn_vector *dst, const uint32_t *sel, uint32_t n)
{
    tn_sbuf sb = TN_SBUF_INIT;
    tn_str *o = dst->data;
    int rc = TN_OK;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        tn_sbuf_clear(&sb);
        if (!tn_format_vector_row(&sb, src, r)) {
            if (tn_vector_set_null(dst, r)) {
                rc = TN_NOMEM;
                break;
            }
            continue;
        }
        if (sb.oom || sb.len > UINT32_MAX) {
            rc = TN_NOMEM;
            break;
        }
        if (dst->validity)
            tn_bit_set(dst->validity, r);
        if ((rc = tn_vector_add_string(dst, tn_sbuf_str(&sb), (uint32_t)sb.len, &o[r])))
            break;
    }
    tn_sbuf_free(&sb);
    return rc;
}

/* Cast rows [0, count) of the FLAT vector src into the fresh FLAT vector dst (type dst->type),
 * level by level. */
static int cast_dense(tn_vector *src, tn_vector *dst, uint32_t count, bool try_cast, tn_err *err)
{
    if (count == 0)
        return TN_OK;
    if (tn_type_equal(src->type, dst->type))
        return ex_nested_gather(dst, NULL, 0, src, NULL, 0, count);
    if (dst->type.id == TN_T_VARCHAR && tn_type_is_nested(src->type))
        return to_text(src, dst, NULL, count);
    if (!tn_type_is_nested(src->type) && !tn_type_is_nested(dst->type))
        return ex_cast_vector(src, dst, NULL, count, try_cast, err);
    if (src->type.id != dst->type.id || src->nchildren != dst->nchildren)
        return tn_err_set(err, TN_MISUSE, "nested cast between different shapes");
    if (src->validity)
        for (uint32_t r = 0; r < count; r++)
            if (!tn_bit_get(src->validity, r) && tn_vector_set_null(dst, r))
                return TN_NOMEM;
    if (dst->type.id == TN_T_STRUCT) {
        for (uint32_t f = 0; f < dst->nchildren; f++) {
            int rc = cast_dense(src->children[f], dst->children[f], count, try_cast, err);
            if (rc)
                return rc;
        }
        return TN_OK;
    }
    /* LIST / MAP: src is dense (elements [0, list_size) in row order); keep the entries */
    uint32_t first;
    if (tn_vector_list_append(dst, src->list_size, &first))
        return TN_NOMEM;
    const tn_list_entry *se = src->data;
    tn_list_entry *de = dst->data;
    for (uint32_t r = 0; r < count; r++) {
        de[r].offset = se[r].offset + first;
        de[r].length = se[r].length;
    }
    return cast_dense(src->children[0], dst->children[0], src->list_size, try_cast, err);
}

static int k_cast(EX_NK_ARGS)
{
    TN_UNUSED(nargs);
    bool try_cast = fn->data != NULL;
    tn_vector *src = args[0];
    if (out->type.id == TN_T_VARCHAR)
        return to_text(src, out, sel, n);
    if (n == 0)
        return TN_OK;
    tn_vector *a = tn_vector_new(src->type, n), *b = tn_vector_new(out->type, n);
    int rc = TN_OK;
    if (!a || !b) {
        rc = TN_NOMEM;
        goto done;
    }
    if ((rc = ex_nested_gather(a, NULL, 0, src, sel, 0, n)))
        goto done;
    if ((rc = cast_dense(a, b, n, try_cast, err)))
        goto done;
    rc = ex_nested_gather(out, sel, 0, b, NULL, 0, n);
done:
    tn_vector_unref(a);
    tn_vector_unref(b);
    return rc;
}

/* ======================= types ======================= */

static int mismatch(tn_type a, tn_type b, tn_err *err)
{
    char b1[256], b2[256];
    return tn_err_set(err, TN_ERROR, "types %s and %s cannot be matched", tn_type_name(a, b1, sizeof b1),
                      tn_type_name(b, b2, sizeof b2));
}

static int oom_type(tn_type t, tn_err *err)
{
    return t.id == TN_T_INVALID ? tn_err_set(err, TN_NOMEM, "out of memory") : TN_OK;
}

int ex_nested_common_type(tn_type a, tn_type b, tn_type *out, tn_err *err)
{
    if (a.id == TN_T_NULL) {
        *out = b;
        return TN_OK;
    }
    if (b.id == TN_T_NULL || tn_type_equal(a, b)) {
        *out = a;
        return TN_OK;
    }
    if (!tn_type_is_nested(a) && !tn_type_is_nested(b))
        return ex_common_type(a, b, out, err);
    if (a.id != b.id || !a.nested || !b.nested || a.nested->nchildren != b.nested->nchildren)
        return mismatch(a, b, err);
    int nc = a.nested->nchildren;
    tn_type kids[64];
    if (nc > 64 && a.id == TN_T_STRUCT)
        return tn_err_set(err, TN_NOTSUP, "structs with more than 64 fields are not supported here");
    for (int i = 0; i < nc; i++) {
        if (a.id == TN_T_STRUCT && strcasecmp(a.nested->names[i], b.nested->names[i]) != 0)
            return mismatch(a, b, err);
        int rc = ex_nested_common_type(a.nested->children[i], b.nested->children[i], &kids[i], err);
        if (rc)
            return rc == TN_NOMEM ? rc : mismatch(a, b, err);
    }
    tn_type t;
    if (a.id == TN_T_LIST)
        t = tn_type_list(kids[0]);
    else if (a.id == TN_T_MAP)
        t = tn_type_map(kids[0], kids[1]);
    else
        t = tn_type_struct((uint32_t)nc, (const char *const *)a.nested->names, kids);
    *out = t;
    return oom_type(t, err);
}

bool ex_nested_cast_allowed(tn_type from, tn_type to, bool implicit)
{
    if (from.id == TN_T_NULL || tn_type_equal(from, to))
        return true;
    if (!tn_type_is_nested(from) && !tn_type_is_nested(to))
        return ex_cast_allowed(from, to, implicit);
    if (to.id == TN_T_VARCHAR)
        return !implicit && tn_type_is_nested(from);
    if (from.id != to.id || !from.nested || !to.nested || from.nested->nchildren != to.nested->nchildren)
        return false;
    for (int i = 0; i < from.nested->nchildren; i++) {
        if (from.id == TN_T_STRUCT && strcasecmp(from.nested->names[i], to.nested->names[i]) != 0)
            return false;
        if (!ex_nested_cast_allowed(from.nested->children[i], to.nested->children[i], implicit))
            return false;
    }
    return true;
}

/* ======================= catalog entries ======================= */

static const int g_try = 1;
static const int g_op_codes[] = {EX_OP_EQ, EX_OP_NE, EX_OP_LT, EX_OP_LE, EX_OP_GT, EX_OP_GE};

#define T_(id) {(uint8_t)(id), 0, 0, 0, 0, 0, NULL}
#define F_(name, kern, strict) {name, kern, T_(TN_T_INVALID), {T_(TN_T_INVALID)}, 0, true, strict, NULL}

enum {
    P_LIST_VALUE, P_STRUCT_PACK, P_MAP, P_STRUCT_EXTRACT, P_LIST_EXTRACT, P_LIST_SLICE, P_MAP_VALUE,
    P_MAP_EXTRACT, P_ELEMENT_AT, P_LEN, P_LENGTH, P_ARRAY_LENGTH, P_CARDINALITY, P_CONTAINS, P_CONCAT,
    P_CAST, P_TRY_CAST, P_MAP_KEYS, P_MAP_VALUES, P_MAP_ENTRIES, P__COUNT
};

static const int g_part[3] = {0, 1, 2};

static const ex_func g_protos[P__COUNT] = {
    [P_LIST_VALUE] = F_("list_value", k_list_value, false),
    [P_STRUCT_PACK] = F_("struct_pack", k_struct_pack, false),
    [P_MAP] = F_("map", k_map_pack, false),
    [P_STRUCT_EXTRACT] = F_("struct_extract", ex_nk_struct_extract, true),
    [P_LIST_EXTRACT] = F_("list_extract", ex_nk_list_extract, true),
    [P_LIST_SLICE] = F_("list_slice", ex_nk_list_slice, true),
    [P_MAP_VALUE] = F_("map_extract_value", ex_nk_map_value, true),
    [P_MAP_EXTRACT] = F_("map_extract", ex_nk_map_extract, true),
    [P_ELEMENT_AT] = F_("element_at", ex_nk_map_extract, true),
    [P_LEN] = F_("len", ex_nk_len, true),
    [P_LENGTH] = F_("length", ex_nk_len, true),
    [P_ARRAY_LENGTH] = F_("array_length", ex_nk_len, true),
    [P_CARDINALITY] = F_("cardinality", ex_nk_len, true),
    [P_CONTAINS] = F_("list_contains", ex_nk_list_contains, true),
    [P_CONCAT] = F_("list_concat", ex_nk_list_concat, false),
    [P_CAST] = {"cast", k_cast, T_(TN_T_INVALID), {T_(TN_T_INVALID)}, 1, false, true, NULL},
    [P_TRY_CAST] = {"try_cast", k_cast, T_(TN_T_INVALID), {T_(TN_T_INVALID)}, 1, false, true, &g_try},
    [P_MAP_KEYS] = {"map_keys", ex_nk_map_part, T_(TN_T_INVALID), {T_(TN_T_INVALID)}, 1, false, true, &g_part[0]},
    [P_MAP_VALUES] = {"map_values", ex_nk_map_part, T_(TN_T_INVALID), {T_(TN_T_INVALID)}, 1, false, true, &g_part[1]},
    [P_MAP_ENTRIES] = {"map_entries", ex_nk_map_part, T_(TN_T_INVALID), {T_(TN_T_INVALID)}, 1, false, true, &g_part[2]},
};

static const ex_func g_cmp[6] = {
    {"=", ex_nk_compare, T_(TN_T_BOOL), {T_(TN_T_INVALID)}, 2, false, true, &g_op_codes[0]},
    {"<>", ex_nk_compare, T_(TN_T_BOOL), {T_(TN_T_INVALID)}, 2, false, true, &g_op_codes[1]},
    {"<", ex_nk_compare, T_(TN_T_BOOL), {T_(TN_T_INVALID)}, 2, false, true, &g_op_codes[2]},
    {"<=", ex_nk_compare, T_(TN_T_BOOL), {T_(TN_T_INVALID)}, 2, false, true, &g_op_codes[3]},
    {">", ex_nk_compare, T_(TN_T_BOOL), {T_(TN_T_INVALID)}, 2, false, true, &g_op_codes[4]},
    {">=", ex_nk_compare, T_(TN_T_BOOL), {T_(TN_T_INVALID)}, 2, false, true, &g_op_codes[5]},
};

/* Names accepted by ex_nested_resolve and the prototype each maps to. */
static const struct {
    const char *name;
    int proto;
} g_names[] = {
    {"list_value", P_LIST_VALUE},     {"list_pack", P_LIST_VALUE},       {"list_extract", P_LIST_EXTRACT},
    {"list_element", P_LIST_EXTRACT}, {"array_extract", P_LIST_EXTRACT}, {"list_slice", P_LIST_SLICE},
    {"array_slice", P_LIST_SLICE},    {"map_extract_value", P_MAP_VALUE}, {"map_extract", P_MAP_EXTRACT},
    {"element_at", P_ELEMENT_AT},     {"len", P_LEN},                    {"length", P_LENGTH},
    {"array_length", P_ARRAY_LENGTH}, {"cardinality", P_CARDINALITY},    {"list_contains", P_CONTAINS},
    {"array_contains", P_CONTAINS},   {"list_has", P_CONTAINS},          {"array_has", P_CONTAINS},
    {"list_concat", P_CONCAT},        {"list_cat", P_CONCAT},            {"array_concat", P_CONCAT},
    {"array_cat", P_CONCAT},          {"||", P_CONCAT},                  {"map_keys", P_MAP_KEYS},
    {"map_values", P_MAP_VALUES},     {"map_entries", P_MAP_ENTRIES},
};

static const char *const g_cmp_names[] = {"=", "<>", "<", "<=", ">", ">="};

static const ex_func *intern(int proto, tn_type ret)
{
    if (ret.id == TN_T_INVALID)
        return NULL;
    return ex_func_intern(&g_protos[proto], ret);
}

const ex_func *ex_nested_cast_func(tn_type from, tn_type to, bool try_cast)
{
    if (!ex_nested_cast_allowed(from, to, false))
        return NULL;
    return intern(try_cast ? P_TRY_CAST : P_CAST, to);
}

const ex_func *ex_nested_struct_pack_func(tn_type st)
{
    return st.id == TN_T_STRUCT ? intern(P_STRUCT_PACK, st) : NULL;
}

const ex_func *ex_nested_map_pack_func(tn_type mt)
{
    return mt.id == TN_T_MAP ? intern(P_MAP, mt) : NULL;
}

const ex_func *ex_nested_struct_extract_func(tn_type st, uint32_t field)
{
    if (st.id != TN_T_STRUCT || !st.nested || field >= (uint32_t)st.nested->nchildren)
        return NULL;
    return intern(P_STRUCT_EXTRACT, st.nested->children[field]);
}

int ex_nested_field_index(tn_type st, const char *name, size_t len)
{
    if (st.id != TN_T_STRUCT || !st.nested)
        return -1;
    for (int i = 0; i < st.nested->nchildren; i++)
        if (strlen(st.nested->names[i]) == len && memcmp(st.nested->names[i], name, len) == 0)
            return i;
    for (int i = 0; i < st.nested->nchildren; i++)
        if (strlen(st.nested->names[i]) == len && strncasecmp(st.nested->names[i], name, len) == 0)
            return i;
    return -1;
}

bool ex_nested_has_function(const char *name)
{
    for (size_t i = 0; i < TN_ARRAY_LEN(g_names); i++)
        if (strcasecmp(g_names[i].name, name) == 0)
            return true;
    return false;
}

/* ======================= resolution ======================= */

static bool is_int_or_null(tn_type t)
{
    return t.id == TN_T_NULL || tn_type_is_integer(t);
}

static int no_match(const char *name, const tn_type *types, uint32_t n, tn_err *err)
{
    char buf[512], tb[256];
    size_t len = (size_t)snprintf(buf, sizeof buf, "%s(", name);
    for (uint32_t i = 0; i < n && len < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? ", " : "", tn_type_name(types[i], tb, sizeof tb));
    if (len < sizeof buf)
        snprintf(buf + len, sizeof buf - len, ")");
    return tn_err_set(err, TN_NOTFOUND, "function %s does not exist (no overload matches the argument types)", buf);
}

/* Cast target making `actual` usable as `want` implicitly (NULL adapts); false if impossible. */
static bool implicit_to(tn_type actual, tn_type want)
{
    return actual.id == TN_T_NULL || tn_type_equal(actual, want) || ex_nested_cast_allowed(actual, want, true);
}

int ex_nested_resolve(const char *name, const tn_type *types, uint32_t nargs, const ex_func **fn, tn_type *cast_to,
                      tn_err *err)
{
    *fn = NULL;
    for (uint32_t i = 0; i < nargs; i++)
        cast_to[i] = types[i];
    for (size_t k = 0; k < TN_ARRAY_LEN(g_cmp_names); k++) {
        if (strcmp(name, g_cmp_names[k]) != 0)
            continue;
        if (nargs != 2)
            return no_match(name, types, nargs, err);
        tn_type c;
        int rc = ex_nested_common_type(types[0], types[1], &c, err);
        if (rc)
            return rc;
        if (c.id == TN_T_NULL)
            return no_match(name, types, nargs, err);
        cast_to[0] = cast_to[1] = c;
        *fn = &g_cmp[k];
        return TN_OK;
    }
    int proto = -1;
    for (size_t i = 0; i < TN_ARRAY_LEN(g_names) && proto < 0; i++)
        if (strcasecmp(g_names[i].name, name) == 0)
            proto = g_names[i].proto;
    if (proto < 0)
        return no_match(name, types, nargs, err);
    tn_type ret = tn_type_make(TN_T_INVALID);
    int rc;
    switch (proto) {
    case P_LIST_VALUE: {
        tn_type t = tn_type_make(TN_T_NULL);
        for (uint32_t i = 0; i < nargs; i++)
            if ((rc = ex_nested_common_type(t, types[i], &t, err)))
                return rc;
        if (t.id == TN_T_NULL)
            t = tn_type_make(TN_T_INT32); /* DuckDB: [] and [NULL] are INTEGER[] */
        for (uint32_t i = 0; i < nargs; i++)
            cast_to[i] = t;
        ret = tn_type_list(t);
        break;
    }
    case P_LIST_EXTRACT:
        if (nargs != 2 || types[0].id != TN_T_LIST || !is_int_or_null(types[1]))
            return no_match(name, types, nargs, err);
        cast_to[1] = tn_type_make(TN_T_INT64);
        ret = tn_type_list_child(types[0]);
        break;
    case P_LIST_SLICE:
        if (nargs != 3 || types[0].id != TN_T_LIST || !is_int_or_null(types[1]) || !is_int_or_null(types[2]))
            return no_match(name, types, nargs, err);
        cast_to[1] = cast_to[2] = tn_type_make(TN_T_INT64);
        ret = types[0];
        break;
    case P_MAP_VALUE:
    case P_MAP_EXTRACT:
    case P_ELEMENT_AT: {
        if (nargs != 2 || types[0].id != TN_T_MAP || !types[0].nested)
            return no_match(name, types, nargs, err);
        tn_type kt = types[0].nested->children[0], vt = types[0].nested->children[1];
        if (!implicit_to(types[1], kt))
            return no_match(name, types, nargs, err);
        cast_to[1] = kt;
        ret = proto == P_MAP_VALUE ? vt : tn_type_list(vt);
        break;
    }
    case P_LEN:
    case P_LENGTH:
    case P_ARRAY_LENGTH:
    case P_CARDINALITY: /* DuckDB: len/length/array_length of lists, cardinality of maps */
        if (nargs != 1 || types[0].id != (proto == P_CARDINALITY ? TN_T_MAP : TN_T_LIST))
            return no_match(name, types, nargs, err);
        ret = tn_type_make(TN_T_INT64);
        break;
    case P_MAP_KEYS:
    case P_MAP_VALUES:
    case P_MAP_ENTRIES:
        if (nargs != 1 || types[0].id != TN_T_MAP || !types[0].nested)
            return no_match(name, types, nargs, err);
        ret = tn_type_list(proto == P_MAP_ENTRIES ? tn_type_list_child(types[0])
                                                  : types[0].nested->children[proto == P_MAP_KEYS ? 0 : 1]);
        break;
    case P_CONTAINS: {
        if (nargs != 2 || types[0].id != TN_T_LIST)
            return no_match(name, types, nargs, err);
        tn_type c;
        if ((rc = ex_nested_common_type(tn_type_list_child(types[0]), types[1], &c, err)))
            return rc;
        cast_to[0] = tn_type_list(c);
        cast_to[1] = c;
        ret = tn_type_make(TN_T_BOOL);
        if (cast_to[0].id == TN_T_INVALID)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        break;
    }
    case P_CONCAT: {
        if (nargs != 2 || (types[0].id != TN_T_LIST && types[0].id != TN_T_NULL) ||
            (types[1].id != TN_T_LIST && types[1].id != TN_T_NULL))
            return no_match(name, types, nargs, err);
        tn_type c;
        if ((rc = ex_nested_common_type(types[0], types[1], &c, err)))
            return rc;
        if (c.id == TN_T_NULL)
            c = tn_type_list(tn_type_make(TN_T_INT32));
        cast_to[0] = cast_to[1] = c;
        ret = c;
        break;
    }
    default: return no_match(name, types, nargs, err);
    }
    if (ret.id == TN_T_INVALID)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    *fn = intern(proto, ret);
    if (!*fn)
        return tn_err_set(err, TN_NOMEM, "function catalog intern table is full");
    return TN_OK;
}
