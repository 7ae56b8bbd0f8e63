/*
 * schema.c -- the table schema: metaData.schemaString (PROTOCOL.md "Schema Serialization Format":
 * Spark's JSON schema; "Primitive Types", "Struct Type", "Array Type", "Map Type", "Column
 * Metadata") turned into a dlt_field tree carrying tarn types, plus the per-field facts a scan
 * needs for "Column Mapping" (physical names, field ids) and "Type Widening" (delta.typeChanges
 * is validated: an unsupported change is refused, as the reader requirements demand).
 *
 * Type mapping: string -> VARCHAR, binary -> BLOB, boolean -> BOOL, byte/short/integer/long ->
 * INT8/16/32/64, float/double -> FLOAT/DOUBLE, decimal(p,s) -> DECIMAL(p,s) ("decimal" alone is
 * decimal(10,0)), date -> DATE, timestamp -> TIMESTAMP(us) WITH TIME ZONE, timestamp_ntz ->
 * TIMESTAMP(us), void -> NULL (read as all-null), array/map/struct -> LIST/MAP/STRUCT. variant and
 * unknown types are TN_NOTSUP naming the column. Nesting deeper than DLT_MAX_JSON_DEPTH is corrupt.
 */
#include "delta_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct sctx {
    dlt_arena *a;
    dlt_cm_mode cm;
    tn_err *err;
} sctx;

static int nomem(sctx *c)
{
    return tn_err_set(c->err, TN_NOMEM, "out of memory parsing the table schema");
}

static bool parse_decimal_args(const char *s, int *p, int *sc)
{
    /* "(p,s)" with optional blanks */
    while (*s == ' ')
        s++;
    if (*s != '(')
        return false;
    s++;
    char *e;
    long pv = strtol(s, &e, 10);
    if (e == s)
        return false;
    s = e;
    while (*s == ' ')
        s++;
    if (*s != ',')
        return false;
    s++;
    long sv = strtol(s, &e, 10);
    if (e == s)
        return false;
    s = e;
    while (*s == ' ')
        s++;
    if (*s != ')' || s[1] != 0)
        return false;
    if (pv < 1 || pv > 38 || sv < 0 || sv > pv)
        return false;
    *p = (int)pv;
    *sc = (int)sv;
    return true;
}

bool dlt_primitive_type(const char *name, tn_type *out)
{
    static const struct {
        const char *name;
        int id;
    } simple[] = {{"string", TN_T_VARCHAR}, {"binary", TN_T_BLOB},    {"boolean", TN_T_BOOL},
                  {"byte", TN_T_INT8},      {"short", TN_T_INT16},    {"integer", TN_T_INT32},
                  {"long", TN_T_INT64},     {"float", TN_T_FLOAT},    {"double", TN_T_DOUBLE},
                  {"date", TN_T_DATE},      {"void", TN_T_NULL}};
    for (size_t i = 0; i < TN_ARRAY_LEN(simple); i++) {
        if (strcasecmp(name, simple[i].name) == 0) {
            *out = tn_type_make((tn_type_id)simple[i].id);
            return true;
        }
    }
    if (strcasecmp(name, "timestamp") == 0) {
        *out = tn_type_timestamp(TN_UNIT_US, true);
        return true;
    }
    if (strcasecmp(name, "timestamp_ntz") == 0) {
        *out = tn_type_timestamp(TN_UNIT_US, false);
        return true;
    }
    if (strncasecmp(name, "decimal", 7) == 0) {
        int p = 10, s = 0;
        if (name[7] && !parse_decimal_args(name + 7, &p, &s))
            return false;
        *out = tn_type_decimal(p, s);
        return true;
    }
    return false;
}

/* ---- type widening ("Type Widening": the supported type changes) ---- */

static int int_rank(tn_type t)
{
    switch (t.id) {
    case TN_T_INT8: return 1;
    case TN_T_INT16: return 2;
    case TN_T_INT32: return 3;
    case TN_T_INT64: return 4;
    default: return 0;
    }
}

static bool widening_ok(tn_type from, tn_type to)
{
    int fr = int_rank(from), tr = int_rank(to);
    if (fr && tr)
        return fr <= tr;
    if (from.id == TN_T_FLOAT && to.id == TN_T_DOUBLE)
        return true;
    if (fr && fr <= 3 && to.id == TN_T_DOUBLE)
        return true;
    if (from.id == TN_T_DATE && to.id == TN_T_TIMESTAMP && !to.tz)
        return true;
    if (from.id == TN_T_DECIMAL && to.id == TN_T_DECIMAL) {
        int k1 = (int)to.precision - (int)from.precision, k2 = (int)to.scale - (int)from.scale;
        return k2 >= 0 && k1 >= k2;
    }
    if (fr && to.id == TN_T_DECIMAL) {
        int base = fr <= 3 ? 10 : 20;
        int k1 = (int)to.precision - base, k2 = to.scale;
        return k2 >= 0 && k1 >= k2;
    }
    return false;
}

static int check_type_changes(sctx *c, const char *col, json_t *changes)
{
    if (!json_is_array(changes))
        return tn_err_set(c->err, TN_CORRUPT, "schema: column \"%s\": delta.typeChanges is not a list", col);
    size_t i;
    json_t *e;
    json_array_foreach(changes, i, e)
    {
        json_t *f = json_object_get(e, "fromType"), *t = json_object_get(e, "toType");
        if (!json_is_string(f) || !json_is_string(t))
            return tn_err_set(c->err, TN_CORRUPT, "schema: column \"%s\": delta.typeChanges entry %zu lacks "
                              "fromType/toType", col, i);
        tn_type ft, tt;
        if (!dlt_primitive_type(json_string_value(f), &ft) || !dlt_primitive_type(json_string_value(t), &tt) ||
            !widening_ok(ft, tt))
            return tn_err_set(c->err, TN_NOTSUP, "schema: column \"%s\": unsupported type change %s -> %s", col,
                              json_string_value(f), json_string_value(t));
    }
    return TN_OK;
}

/* ---- fields ---- */

static int parse_type(sctx *c, json_t *tj, dlt_field *f, int depth);

static int parse_fields(sctx *c, json_t *fields, dlt_field **out, uint32_t *n, int depth)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(fields))
        return tn_err_set(c->err, TN_CORRUPT, "schema: struct \"fields\" is not a list");
    size_t len = json_array_size(fields);
    if (len > 100000)
        return tn_err_set(c->err, TN_CORRUPT, "schema: struct of %zu fields is too wide", len);
    dlt_field *fs = dlt_arena_calloc(c->a, len ? len : 1, sizeof *fs);
    if (!fs)
        return nomem(c);
    for (size_t i = 0; i < len; i++) {
        json_t *fj = json_array_get(fields, i);
        dlt_field *f = &fs[i];
        if (!json_is_object(fj))
            return tn_err_set(c->err, TN_CORRUPT, "schema: field %zu is not an object", i);
        json_t *nj = json_object_get(fj, "name"), *tj = json_object_get(fj, "type");
        if (!json_is_string(nj) || !tj)
            return tn_err_set(c->err, TN_CORRUPT, "schema: field %zu lacks a name or type", i);
        f->name = dlt_arena_strndup(c->a, json_string_value(nj), json_string_length(nj));
        if (!f->name)
            return nomem(c);
        json_t *nl = json_object_get(fj, "nullable");
        f->nullable = !json_is_false(nl);
        f->field_id = -1;
        f->physical_name = f->name;
        json_t *md = json_object_get(fj, "metadata");
        if (md && json_is_object(md)) {
            json_t *pn = json_object_get(md, "delta.columnMapping.physicalName");
            json_t *id = json_object_get(md, "delta.columnMapping.id");
            if (c->cm != DLT_CM_NONE && json_is_string(pn) && json_string_length(pn) > 0) {
                f->physical_name = dlt_arena_strndup(c->a, json_string_value(pn), json_string_length(pn));
                if (!f->physical_name)
                    return nomem(c);
            }
            if (json_is_integer(id))
                f->field_id = (int64_t)json_integer_value(id);
            json_t *tc = json_object_get(md, "delta.typeChanges");
            if (tc && !json_is_null(tc)) {
                int rc = check_type_changes(c, f->name, tc);
                if (rc)
                    return rc;
                f->type_changed = true;
            }
            char *s = json_dumps(md, JSON_COMPACT);
            if (!s)
                return nomem(c);
            f->metadata_json = dlt_arena_strdup(c->a, s);
            free(s);
        } else {
            f->metadata_json = dlt_arena_strdup(c->a, "{}");
        }
        if (!f->metadata_json)
            return nomem(c);
        if (c->cm == DLT_CM_ID && f->field_id < 0)
            return tn_err_set(c->err, TN_CORRUPT, "schema: column \"%s\" has no delta.columnMapping.id (column "
                              "mapping mode id)", f->name);
        int rc = parse_type(c, tj, f, depth + 1);
        if (rc)
            return rc;
    }
    *out = fs;
    *n = (uint32_t)len;
    return TN_OK;
}

static int pseudo_field(sctx *c, dlt_field *f, const char *name, json_t *tj, bool nullable, int depth)
{
    memset(f, 0, sizeof *f);
    f->name = (char *)name;
    f->physical_name = (char *)name;
    f->field_id = -1;
    f->nullable = nullable;
    f->metadata_json = (char *)"{}";
    return parse_type(c, tj, f, depth);
}

static int parse_type(sctx *c, json_t *tj, dlt_field *f, int depth)
{
    if (depth > DLT_MAX_JSON_DEPTH)
        return tn_err_set(c->err, TN_CORRUPT, "schema: nesting deeper than %d levels", DLT_MAX_JSON_DEPTH);
    if (json_is_string(tj)) {
        const char *tn = json_string_value(tj);
        if (!dlt_primitive_type(tn, &f->type))
            return tn_err_set(c->err, TN_NOTSUP, "schema: column \"%s\" has unsupported Delta type \"%.64s\"",
                              f->name, tn);
        f->delta_type = dlt_arena_strdup(c->a, tn);
        return f->delta_type ? TN_OK : nomem(c);
    }
    if (!json_is_object(tj))
        return tn_err_set(c->err, TN_CORRUPT, "schema: column \"%s\": type is neither a name nor an object", f->name);
    json_t *kind = json_object_get(tj, "type");
    const char *k = json_is_string(kind) ? json_string_value(kind) : "";
    int rc;
    if (strcmp(k, "struct") == 0) {
        if ((rc = parse_fields(c, json_object_get(tj, "fields"), &f->children, &f->nchildren, depth)))
            return rc;
        const char **names = tn_calloc(f->nchildren ? f->nchildren : 1, sizeof *names);
        tn_type *types = tn_calloc(f->nchildren ? f->nchildren : 1, sizeof *types);
        if (!names || !types) {
            tn_free(names);
            tn_free(types);
            return nomem(c);
        }
        for (uint32_t i = 0; i < f->nchildren; i++) {
            names[i] = f->children[i].name;
            types[i] = f->children[i].type;
        }
        f->type = tn_type_struct(f->nchildren, names, types);
        tn_free(names);
        tn_free(types);
        f->delta_type = (char *)"struct";
    } else if (strcmp(k, "array") == 0) {
        json_t *el = json_object_get(tj, "elementType");
        if (!el)
            return tn_err_set(c->err, TN_CORRUPT, "schema: column \"%s\": array without elementType", f->name);
        f->children = dlt_arena_calloc(c->a, 1, sizeof *f->children);
        if (!f->children)
            return nomem(c);
        f->nchildren = 1;
        if ((rc = pseudo_field(c, &f->children[0], "element", el, !json_is_false(json_object_get(tj, "containsNull")),
                               depth + 1)))
            return rc;
        f->type = tn_type_list(f->children[0].type);
        f->delta_type = (char *)"array";
    } else if (strcmp(k, "map") == 0) {
        json_t *kt = json_object_get(tj, "keyType"), *vt = json_object_get(tj, "valueType");
        if (!kt || !vt)
            return tn_err_set(c->err, TN_CORRUPT, "schema: column \"%s\": map without keyType/valueType", f->name);
        f->children = dlt_arena_calloc(c->a, 2, sizeof *f->children);
        if (!f->children)
            return nomem(c);
        f->nchildren = 2;
        if ((rc = pseudo_field(c, &f->children[0], "key", kt, false, depth + 1)) ||
            (rc = pseudo_field(c, &f->children[1], "value", vt,
                               !json_is_false(json_object_get(tj, "valueContainsNull")), depth + 1)))
            return rc;
        f->type = tn_type_map(f->children[0].type, f->children[1].type);
        f->delta_type = (char *)"map";
    } else {
        return tn_err_set(c->err, TN_NOTSUP, "schema: column \"%s\" has unsupported Delta type \"%.64s\"", f->name,
                          k[0] ? k : "?");
    }
    if (f->type.id == TN_T_INVALID)
        return nomem(c);
    return TN_OK;
}

int dlt_schema_parse(dlt_arena *a, const char *schema_string, dlt_cm_mode cm, dlt_schema *out, tn_err *err)
{
    memset(out, 0, sizeof *out);
    sctx c = {a, cm, err};
    json_error_t jerr;
    json_t *root = json_loads(schema_string, 0, &jerr);
    if (!root)
        return tn_err_set(err, TN_CORRUPT, "schemaString is not valid JSON: %s (column %d)", jerr.text, jerr.column);
    int rc = TN_OK;
    json_t *kind = json_object_get(root, "type");
    if (!json_is_object(root) || !json_is_string(kind) || strcmp(json_string_value(kind), "struct") != 0) {
        rc = tn_err_set(err, TN_CORRUPT, "schemaString is not a struct type");
        goto done;
    }
    dlt_field top;
    memset(&top, 0, sizeof top);
    top.name = (char *)"<table>";
    if ((rc = parse_type(&c, root, &top, 0)))
        goto done;
    out->fields = top.children;
    out->nfields = top.nchildren;
    out->type = top.type;
done:
    json_decref(root);
    return rc;
}

int dlt_schema_find(const dlt_schema *s, const char *name)
{
    for (uint32_t i = 0; i < s->nfields; i++)
        if (strcasecmp(s->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}
