/*
 * schema.c -- the schema tree: built from FileMetaData's flat, pre-order SchemaElement list, with
 * the maximum definition/repetition level of every leaf and the tarn type each node reads as.
 *
 * Spec: parquet.thrift SchemaElement; LogicalTypes.md (annotations, the ConvertedType
 * compatibility rules); summary sections 4 and 8. Type resolution per leaf: a recognised
 * LogicalType wins; if it is absent, unrecognised or invalid for the physical type, the
 * ConvertedType is used; otherwise the physical type alone decides:
 *
 *   BOOLEAN -> BOOL, INT32 -> INT32, INT64 -> INT64, FLOAT/DOUBLE, BYTE_ARRAY/FLBA -> BLOB,
 *   INT96 -> TIMESTAMP (PQ_INT96_UNIT, no time zone; see column_reader.c for the conversion),
 *   INTEGER(w, signed) / INT_w / UINT_w -> INT8..UINT64, DECIMAL(p,s) on INT32/INT64/FLBA/
 *   BYTE_ARRAY with 1 <= p <= 38 -> DECIMAL(p,s), DATE, TIME(unit), TIMESTAMP(unit, utc) (legacy
 *   TIME_* / TIMESTAMP_* converted types count as UTC), STRING/UTF8, ENUM, JSON -> VARCHAR (with
 *   TN_TF_ENUM / TN_TF_JSON), UUID on FLBA(16) -> UUID, FLOAT16 on FLBA(2) -> FLOAT, BSON,
 *   GEOMETRY, GEOGRAPHY -> BLOB, INTERVAL on FLBA(12) -> INTERVAL, UNKNOWN -> NULL.
 *
 * Groups become STRUCT / LIST / MAP nodes (and repeated leaves LIST nodes); they are represented
 * in the tree but flagged unsupported ("nested columns are not supported yet") until the nested
 * reader lands. Hostile schemas: child counts are checked against the remaining elements, nesting
 * depth is limited to PQ_SCHEMA_MAX_DEPTH, every element must be consumed, and invalid physical
 * types / repetitions / FLBA widths are TN_CORRUPT.
 */
#include "metadata.h"
#include <stdio.h>
#include <string.h>

#define PQ_SCHEMA_MAX_DEPTH 128

/* INT96 legacy timestamps are read as microseconds since the epoch with Spark's wrapping
 * arithmetic: this keeps every value Spark/Impala/Hive can write representable (int64
 * nanoseconds only cover 1677..2262) at the cost of sub-microsecond digits. */
#define PQ_INT96_UNIT TN_UNIT_US

typedef struct build_ctx {
    pq_file *f;
    uint32_t next;     /* next element index */
    tn_err *err;
} build_ctx;

static const char *NESTED_REASON = "nested columns are not supported yet";

static int set_unsupported(pq_schema_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_unsupported(pq_schema_node *n, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    n->supported = false;
    tn_free(n->unsupported_reason);
    n->unsupported_reason = tn_strdup(buf);
    return n->unsupported_reason ? TN_OK : TN_NOMEM;
}

static tn_time_unit unit_of(int tu)
{
    return tu == PQ_TU_MILLIS ? TN_UNIT_MS : tu == PQ_TU_NANOS ? TN_UNIT_NS : TN_UNIT_US;
}

/* DECIMAL(p,s) on a leaf; *ok = false when the annotation is unusable. */
static int map_decimal(pq_schema_node *n, int pt, int32_t p, int32_t s, bool *ok)
{
    *ok = false;
    if (pt != PQ_INT32 && pt != PQ_INT64 && pt != PQ_BYTE_ARRAY && pt != PQ_FIXED_LEN_BYTE_ARRAY)
        return TN_OK;
    *ok = true;
    if (p < 1 || p > 38) {
        n->type = tn_type_make(TN_T_BLOB);
        return set_unsupported(n, "DECIMAL precision %d is outside 1..38", (int)p);
    }
    if (s < 0 || s > p) {
        n->type = tn_type_make(TN_T_BLOB);
        return set_unsupported(n, "DECIMAL scale %d is outside 0..%d", (int)s, (int)p);
    }
    n->type = tn_type_decimal(p, s);
    return TN_OK;
}

static tn_type varchar_with(uint8_t flags)
{
    tn_type t = tn_type_make(TN_T_VARCHAR);
    t.flags = flags;
    return t;
}

/* Resolve a leaf through its LogicalType. *done = false to fall back to the ConvertedType. */
static int map_logical(pq_schema_node *n, const pq_schema_element *e, bool *done)
{
    const pq_logical_type *lt = &e->logical;
    int pt = e->type;
    bool bin = pt == PQ_BYTE_ARRAY || pt == PQ_FIXED_LEN_BYTE_ARRAY;
    *done = true;
    switch (lt->id) {
    case PQ_LT_STRING:
        if (bin) { n->type = varchar_with(0); return TN_OK; }
        break;
    case PQ_LT_ENUM:
        if (bin) { n->type = varchar_with(TN_TF_ENUM); return TN_OK; }
        break;
    case PQ_LT_JSON:
        if (bin) { n->type = varchar_with(TN_TF_JSON); return TN_OK; }
        break;
    case PQ_LT_BSON:
    case PQ_LT_GEOMETRY:
    case PQ_LT_GEOGRAPHY:
        if (bin) { n->type = tn_type_make(TN_T_BLOB); return TN_OK; }
        break;
    case PQ_LT_UUID:
        if (pt == PQ_FIXED_LEN_BYTE_ARRAY && e->type_length == 16) { n->type = tn_type_make(TN_T_UUID); return TN_OK; }
        break;
    case PQ_LT_FLOAT16:
        if (pt == PQ_FIXED_LEN_BYTE_ARRAY && e->type_length == 2) { n->type = tn_type_make(TN_T_FLOAT); return TN_OK; }
        break;
    case PQ_LT_DECIMAL: {
        bool ok;
        int rc = map_decimal(n, pt, lt->dec_precision, lt->dec_scale, &ok);
        if (rc || ok)
            return rc;
        break;
    }
    case PQ_LT_DATE:
        if (pt == PQ_INT32) { n->type = tn_type_make(TN_T_DATE); return TN_OK; }
        break;
    case PQ_LT_TIME:
        if ((lt->unit == PQ_TU_MILLIS && pt == PQ_INT32) ||
            ((lt->unit == PQ_TU_MICROS || lt->unit == PQ_TU_NANOS) && pt == PQ_INT64)) {
            n->type = tn_type_time(unit_of(lt->unit));
            return TN_OK;
        }
        break;
    case PQ_LT_TIMESTAMP:
        if (pt == PQ_INT64 && lt->unit >= PQ_TU_MILLIS && lt->unit <= PQ_TU_NANOS) {
            n->type = tn_type_timestamp(unit_of(lt->unit), lt->utc);
            return TN_OK;
        }
        break;
    case PQ_LT_INTEGER: {
        static const uint8_t sids[] = {TN_T_INT8, TN_T_INT16, TN_T_INT32, TN_T_INT64};
        static const uint8_t uids[] = {TN_T_UINT8, TN_T_UINT16, TN_T_UINT32, TN_T_UINT64};
        int k = lt->bit_width == 8 ? 0 : lt->bit_width == 16 ? 1 : lt->bit_width == 32 ? 2 : lt->bit_width == 64 ? 3 : -1;
        if (k >= 0 && ((k < 3 && pt == PQ_INT32) || (k == 3 && pt == PQ_INT64))) {
            n->type = tn_type_make(lt->is_signed ? sids[k] : uids[k]);
            return TN_OK;
        }
        break;
    }
    case PQ_LT_UNKNOWN:
        n->type = tn_type_make(TN_T_NULL);
        return TN_OK;
    case PQ_LT_VARIANT:
        n->type = tn_type_make(TN_T_BLOB);
        return set_unsupported(n, "VARIANT columns are not supported yet");
    case PQ_LT_VECTOR:
        n->type = tn_type_make(TN_T_LIST);
        return set_unsupported(n, "VECTOR columns are not supported yet");
    default:
        break;
    }
    *done = false;
    return TN_OK;
}

static int map_converted(pq_schema_node *n, const pq_schema_element *e, bool *done)
{
    int pt = e->type;
    bool bin = pt == PQ_BYTE_ARRAY || pt == PQ_FIXED_LEN_BYTE_ARRAY;
    *done = true;
    if (!e->has_converted_type) {
        *done = false;
        return TN_OK;
    }
    switch (e->converted_type) {
    case PQ_CT_UTF8:
        if (bin) { n->type = varchar_with(0); return TN_OK; }
        break;
    case PQ_CT_ENUM:
        if (bin) { n->type = varchar_with(TN_TF_ENUM); return TN_OK; }
        break;
    case PQ_CT_JSON:
        if (bin) { n->type = varchar_with(TN_TF_JSON); return TN_OK; }
        break;
    case PQ_CT_BSON:
        if (bin) { n->type = tn_type_make(TN_T_BLOB); return TN_OK; }
        break;
    case PQ_CT_DECIMAL: {
        bool ok;
        int rc = map_decimal(n, pt, e->has_precision ? e->precision : 0, e->has_scale ? e->scale : 0, &ok);
        if (rc || ok)
            return rc;
        break;
    }
    case PQ_CT_DATE:
        if (pt == PQ_INT32) { n->type = tn_type_make(TN_T_DATE); return TN_OK; }
        break;
    case PQ_CT_TIME_MILLIS:
        if (pt == PQ_INT32) { n->type = tn_type_time(TN_UNIT_MS); return TN_OK; }
        break;
    case PQ_CT_TIME_MICROS:
        if (pt == PQ_INT64) { n->type = tn_type_time(TN_UNIT_US); return TN_OK; }
        break;
    case PQ_CT_TIMESTAMP_MILLIS:
        if (pt == PQ_INT64) { n->type = tn_type_timestamp(TN_UNIT_MS, true); return TN_OK; }
        break;
    case PQ_CT_TIMESTAMP_MICROS:
        if (pt == PQ_INT64) { n->type = tn_type_timestamp(TN_UNIT_US, true); return TN_OK; }
        break;
    case PQ_CT_UINT_8: if (pt == PQ_INT32) { n->type = tn_type_make(TN_T_UINT8); return TN_OK; } break;
    case PQ_CT_UINT_16: if (pt == PQ_INT32) { n->type = tn_type_make(TN_T_UINT16); return TN_OK; } break;
    case PQ_CT_UINT_32: if (pt == PQ_INT32) { n->type = tn_type_make(TN_T_UINT32); return TN_OK; } break;
    case PQ_CT_UINT_64: if (pt == PQ_INT64) { n->type = tn_type_make(TN_T_UINT64); return TN_OK; } break;
    case PQ_CT_INT_8: if (pt == PQ_INT32) { n->type = tn_type_make(TN_T_INT8); return TN_OK; } break;
    case PQ_CT_INT_16: if (pt == PQ_INT32) { n->type = tn_type_make(TN_T_INT16); return TN_OK; } break;
    case PQ_CT_INT_32: if (pt == PQ_INT32) { n->type = tn_type_make(TN_T_INT32); return TN_OK; } break;
    case PQ_CT_INT_64: if (pt == PQ_INT64) { n->type = tn_type_make(TN_T_INT64); return TN_OK; } break;
    case PQ_CT_INTERVAL:
        if (pt == PQ_FIXED_LEN_BYTE_ARRAY && e->type_length == 12) { n->type = tn_type_make(TN_T_INTERVAL); return TN_OK; }
        break;
    default:
        break;
    }
    *done = false;
    return TN_OK;
}

static void map_physical(pq_schema_node *n, int pt)
{
    switch (pt) {
    case PQ_BOOLEAN: n->type = tn_type_make(TN_T_BOOL); break;
    case PQ_INT32: n->type = tn_type_make(TN_T_INT32); break;
    case PQ_INT64: n->type = tn_type_make(TN_T_INT64); break;
    case PQ_INT96: n->type = tn_type_timestamp(PQ_INT96_UNIT, false); break;
    case PQ_FLOAT: n->type = tn_type_make(TN_T_FLOAT); break;
    case PQ_DOUBLE: n->type = tn_type_make(TN_T_DOUBLE); break;
    default: n->type = tn_type_make(TN_T_BLOB); break;
    }
}

static int map_leaf(pq_schema_node *n, const pq_schema_element *e)
{
    bool done;
    int rc = map_logical(n, e, &done);
    if (rc || done)
        return rc;
    if ((rc = map_converted(n, e, &done)) || done)
        return rc;
    map_physical(n, e->type);
    return TN_OK;
}

static int node_error(build_ctx *c, uint32_t idx, const pq_schema_element *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int node_error(build_ctx *c, uint32_t idx, const pq_schema_element *e, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return tn_err_set(c->err, TN_CORRUPT, "%s: schema element %u (%.*s) in FileMetaData at offset %llu: %s",
                      c->f->path, idx, (int)TN_MIN(e->name.n, 200u), (const char *)e->name.p,
                      (unsigned long long)c->f->footer_off, buf);
}

static int build_node(build_ctx *c, pq_schema_node *parent, int depth, int def, int rep, pq_schema_node **out)
{
    pq_file *f = c->f;
    int rc = TN_OK;
    if (c->next >= f->meta.nschema)
        return tn_err_set(c->err, TN_CORRUPT,
                          "%s: FileMetaData at offset %llu: the schema's child counts need more than its %u elements",
                          f->path, (unsigned long long)f->footer_off, f->meta.nschema);
    uint32_t idx = c->next++;
    const pq_schema_element *e = &f->meta.schema[idx];
    if (depth > PQ_SCHEMA_MAX_DEPTH)
        return node_error(c, idx, e, "schema nested deeper than %d levels", PQ_SCHEMA_MAX_DEPTH);

    pq_schema_node *n = tn_calloc(1, sizeof *n);
    if (!n)
        return tn_err_set(c->err, TN_NOMEM, "out of memory building the schema");
    *out = n;
    n->parent = parent;
    n->name = tn_strndup((const char *)e->name.p, e->name.n);
    if (!n->name)
        return tn_err_set(c->err, TN_NOMEM, "out of memory building the schema");
    n->supported = true;
    n->leaf_index = -1;
    n->physical_type = -1;
    n->converted_type = e->has_converted_type ? e->converted_type : -1;
    n->logical_type = e->logical.id;
    n->field_id = e->has_field_id ? e->field_id : -1;
    n->type_length = e->has_type_length ? e->type_length : 0;

    if (parent) {
        int r = e->has_repetition ? e->repetition : PQ_OPTIONAL;
        if (r < 0 || r > 3)
            return node_error(c, idx, e, "invalid repetition type %d", r);
        n->repetition = r;
        if (r == 3) /* VECTOR */
            rc = set_unsupported(n, "VECTOR repetition is not supported yet");
        if (r == PQ_OPTIONAL)
            def++;
        else if (r == PQ_REPEATED)
            def++, rep++;
    } else {
        n->repetition = PQ_REQUIRED;
    }
    if (rc)
        return tn_err_set(c->err, rc, "out of memory building the schema");

    bool group = e->has_num_children || !e->has_type;
    if (!parent && !group)
        return node_error(c, idx, e, "the schema root is not a group");
    if (group) {
        int32_t nc = e->has_num_children ? e->num_children : 0;
        if (nc < 0 || (uint32_t)nc > f->meta.nschema - c->next)
            return node_error(c, idx, e, "num_children %d exceeds the %u remaining schema elements", nc,
                              f->meta.nschema - c->next);
        int lid = e->logical.id;
        int ct = n->converted_type;
        if (lid == PQ_LT_LIST || (lid == PQ_LT_NONE && ct == PQ_CT_LIST))
            n->type = tn_type_make(TN_T_LIST);
        else if (lid == PQ_LT_MAP || (lid == PQ_LT_NONE && (ct == PQ_CT_MAP || ct == PQ_CT_MAP_KEY_VALUE)))
            n->type = tn_type_make(TN_T_MAP);
        else
            n->type = tn_type_make(TN_T_STRUCT);
        if (parent) {
            if (lid == PQ_LT_VARIANT)
                rc = set_unsupported(n, "VARIANT columns are not supported yet");
            else if (n->repetition == PQ_REPEATED) {
                n->type = tn_type_make(TN_T_LIST);
                rc = set_unsupported(n, "%s", NESTED_REASON);
            } else if (n->supported)
                rc = set_unsupported(n, "%s", NESTED_REASON);
            if (rc)
                return tn_err_set(c->err, rc, "out of memory building the schema");
        }
        if (nc > 0) {
            n->children = tn_calloc((size_t)nc, sizeof *n->children);
            if (!n->children)
                return tn_err_set(c->err, TN_NOMEM, "out of memory building the schema");
        }
        for (int32_t i = 0; i < nc; i++) {
            n->nchildren = (uint32_t)i + 1; /* a half-built child is still freed on error */
            if ((rc = build_node(c, n, depth + 1, def, rep, &n->children[i])))
                return rc;
        }
        return TN_OK;
    }

    /* leaf */
    if (e->type < PQ_BOOLEAN || e->type > PQ_FIXED_LEN_BYTE_ARRAY)
        return node_error(c, idx, e, "invalid physical type %d", e->type);
    n->physical_type = e->type;
    if (e->type == PQ_FIXED_LEN_BYTE_ARRAY && (!e->has_type_length || e->type_length <= 0))
        return node_error(c, idx, e, "FIXED_LEN_BYTE_ARRAY without a positive type_length");
    if (f->nleaves >= f->meta.nschema)
        return node_error(c, idx, e, "too many leaves");
    n->leaf_index = (int)f->nleaves;
    f->leaves[f->nleaves++] = n;
    n->max_def = def;
    n->max_rep = rep;
    if (n->supported && (rc = map_leaf(n, e)))
        return tn_err_set(c->err, rc, "out of memory building the schema");
    if (n->repetition == PQ_REPEATED) {
        /* an unannotated repeated primitive is a required list of required elements */
        n->type = tn_type_make(TN_T_LIST);
        if ((rc = set_unsupported(n, "%s", NESTED_REASON)))
            return tn_err_set(c->err, rc, "out of memory building the schema");
    }
    return TN_OK;
}

int pq_schema_build(pq_file *f, tn_err *err)
{
    build_ctx c = {f, 0, err};
    if (f->meta.nschema == 0)
        return tn_err_set(err, TN_CORRUPT, "%s: FileMetaData at offset %llu: empty schema", f->path,
                          (unsigned long long)f->footer_off);
    f->leaves = tn_calloc(f->meta.nschema, sizeof *f->leaves);
    if (!f->leaves)
        return tn_err_set(err, TN_NOMEM, "out of memory building the schema");
    int rc = build_node(&c, NULL, 0, 0, 0, &f->root);
    if (rc)
        return rc;
    if (c.next != f->meta.nschema)
        return tn_err_set(err, TN_CORRUPT,
                          "%s: FileMetaData at offset %llu: schema has %u elements but the tree rooted at "
                          "element 0 uses only %u",
                          f->path, (unsigned long long)f->footer_off, f->meta.nschema, c.next);
    return TN_OK;
}

void pq_schema_free(pq_schema_node *n)
{
    if (!n)
        return;
    for (uint32_t i = 0; i < n->nchildren; i++)
        pq_schema_free(n->children[i]);
    tn_free(n->children);
    tn_free(n->name);
    tn_free(n->unsupported_reason);
    tn_free(n);
}

int pq_schema_flat_leaf(const pq_schema_node *field)
{
    if (!field || field->nchildren || field->leaf_index < 0 || field->repetition == PQ_REPEATED)
        return -1;
    if (field->physical_type < 0)
        return -1;
    return field->leaf_index;
}
