/*
 * schema.c -- the schema tree: built from FileMetaData's flat, pre-order SchemaElement list, with
 * the maximum definition/repetition level of every leaf and the tarn type each node reads as;
 * and, for every top-level field, the reader tree of nested.h (LIST / MAP / STRUCT shapes).
 *
 * Spec: parquet.thrift SchemaElement; LogicalTypes.md (annotations, the ConvertedType
 * compatibility rules, "Nested Types" with its backward-compatibility rules); summary sections 4
 * and 8. Type resolution per leaf: a recognised LogicalType wins; if it is absent, unrecognised
 * or invalid for the physical type, the ConvertedType is used; otherwise the physical type alone
 * decides:
 *
 *   BOOLEAN -> BOOL, INT32 -> INT32, INT64 -> INT64, FLOAT/DOUBLE, BYTE_ARRAY/FLBA -> BLOB,
 *   INT96 -> TIMESTAMP (PQ_INT96_UNIT, no time zone; see column_reader.c for the conversion),
 *   INTEGER(w, signed) / INT_w / UINT_w -> INT8..UINT64, DECIMAL(p,s) on INT32/INT64/FLBA/
 *   BYTE_ARRAY with 1 <= p <= 38 -> DECIMAL(p,s), DATE, TIME(unit), TIMESTAMP(unit, utc) (legacy
 *   TIME_* / TIMESTAMP_* converted types count as UTC), STRING/UTF8, ENUM, JSON -> VARCHAR (with
 *   TN_TF_ENUM / TN_TF_JSON), UUID on FLBA(16) -> UUID, FLOAT16 on FLBA(2) -> FLOAT, BSON,
 *   GEOMETRY, GEOGRAPHY -> BLOB, INTERVAL on FLBA(12) -> INTERVAL, UNKNOWN -> NULL.
 *
 * Groups and repeated fields (reader trees, see nested.h for the level semantics):
 *   - LIST-annotated group (LogicalType LIST or ConvertedType LIST) holding exactly one repeated
 *     field R -> LIST. The element is, by the backward-compatibility rules: R itself (required)
 *     when R is primitive, or a group with several fields, or a group whose only field is
 *     repeated, or a group named "array" or "<list name>_tuple" (legacy 2-level lists; R
 *     annotated LIST is then itself a list); otherwise R's only field (3-level list).
 *   - MAP-annotated group (LogicalType MAP, ConvertedType MAP or the legacy MAP_KEY_VALUE on the
 *     outer group) holding one repeated group of one or two fields -> MAP(key, value), keys and
 *     values identified by position; optional keys are accepted (Presto); a map without a value
 *     field reads its values as NULL (type NULL). A MAP_KEY_VALUE group of another shape is read
 *     as a STRUCT.
 *   - any other group -> STRUCT of its fields, in schema order.
 *   - a repeated field outside those shapes -> a required LIST of required elements of its type
 *     (an absent one is [] and never NULL).
 * A field whose shape breaks these rules, that holds an unreadable leaf, or that is a VARIANT
 * group is flagged unsupported with the reason. Hostile schemas: child counts are checked against
 * the remaining elements, nesting depth is limited to PQ_SCHEMA_MAX_DEPTH, every element must be
 * consumed, and invalid physical types / repetitions / FLBA widths are TN_CORRUPT.
 */
#include "metadata.h"
#include "nested.h"
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
        return set_unsupported(n, "VARIANT columns are not supported");
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
        if (parent && lid == PQ_LT_VARIANT &&
            (rc = set_unsupported(n, "VARIANT columns are not supported")))
            return tn_err_set(c->err, rc, "out of memory building the schema");
        if (parent && n->repetition == PQ_REPEATED)
            n->type = tn_type_make(TN_T_LIST); /* the reader tree gives the full type */
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
    f->leaf_types[n->leaf_index] = n->type;
    if (n->repetition == PQ_REPEATED)
        n->type = tn_type_make(TN_T_LIST); /* a required list of required elements (reader tree) */
    return TN_OK;
}

int pq_schema_build(pq_file *f, tn_err *err)
{
    build_ctx c = {f, 0, err};
    if (f->meta.nschema == 0)
        return tn_err_set(err, TN_CORRUPT, "%s: FileMetaData at offset %llu: empty schema", f->path,
                          (unsigned long long)f->footer_off);
    f->leaves = tn_calloc(f->meta.nschema, sizeof *f->leaves);
    f->leaf_types = tn_calloc(f->meta.nschema, sizeof *f->leaf_types);
    if (!f->leaves || !f->leaf_types)
        return tn_err_set(err, TN_NOMEM, "out of memory building the schema");
    int rc = build_node(&c, NULL, 0, 0, 0, &f->root);
    if (rc)
        return rc;
    if (c.next != f->meta.nschema)
        return tn_err_set(err, TN_CORRUPT,
                          "%s: FileMetaData at offset %llu: schema has %u elements but the tree rooted at "
                          "element 0 uses only %u",
                          f->path, (unsigned long long)f->footer_off, f->meta.nschema, c.next);
    uint32_t nf = f->root->nchildren;
    if (nf) {
        f->rfields = tn_calloc(nf, sizeof *f->rfields);
        if (!f->rfields)
            return tn_err_set(err, TN_NOMEM, "out of memory building the schema");
        f->nrfields = nf;
        for (uint32_t i = 0; i < nf; i++)
            if ((rc = pq_rfield_build(f->root->children[i], f->leaf_types, &f->rfields[i])))
                return tn_err_set(err, rc, "out of memory building the schema");
    }
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

/* ---- reader trees (nested.h) ---- */
typedef struct rn_ctx {
    pq_rfield *rf;
    const tn_type *leaf_types;
    uint32_t leaves_cap;
    char why[400];
} rn_ctx;

static void rnode_free(pq_rnode *n)
{
    if (!n)
        return;
    for (uint32_t i = 0; i < n->nchildren; i++)
        rnode_free(n->children[i]);
    tn_free(n->children);
    tn_free(n);
}

void pq_rfield_free(pq_rfield *rf)
{
    if (!rf)
        return;
    rnode_free(rf->root);
    tn_free(rf->leaves);
    memset(rf, 0, sizeof *rf);
}

/* Record why the field cannot be read; returns TN_NOTSUP (the shape is unsupported). */
static int rn_unsup(rn_ctx *c, const pq_schema_node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int rn_unsup(rn_ctx *c, const pq_schema_node *n, const char *fmt, ...)
{
    char buf[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n->parent && n->parent->parent)
        snprintf(c->why, sizeof c->why, "field %.80s: %s", n->name, buf);
    else
        snprintf(c->why, sizeof c->why, "%s", buf);
    return TN_NOTSUP;
}

static int rn_alloc(int kind, const pq_schema_node *sn, uint32_t nchildren, pq_rnode **out)
{
    pq_rnode *n = tn_calloc(1, sizeof *n);
    if (!n)
        return TN_NOMEM;
    *out = n;
    n->kind = kind;
    n->node = sn;
    n->leaf = -1;
    n->rep_leaf = -1;
    if (nchildren) {
        n->children = tn_calloc(nchildren, sizeof *n->children);
        if (!n->children)
            return TN_NOMEM;
        n->nchildren = nchildren;
    }
    return TN_OK;
}

static bool is_list_group(const pq_schema_node *n)
{
    return n->logical_type == PQ_LT_LIST || (n->logical_type == PQ_LT_NONE && n->converted_type == PQ_CT_LIST);
}

static bool is_map_group(const pq_schema_node *n)
{
    return n->logical_type == PQ_LT_MAP ||
           (n->logical_type == PQ_LT_NONE && (n->converted_type == PQ_CT_MAP || n->converted_type == PQ_CT_MAP_KEY_VALUE));
}

static bool is_leaf(const pq_schema_node *n) { return n->leaf_index >= 0; }

/* The level counts are bounded by the schema depth limit, far below 2^16. */
static inline uint16_t lv16(int x) { return (uint16_t)x; }

static int rn_body(rn_ctx *c, const pq_schema_node *n, int srep, int sdef, int vdef, pq_rnode **out);

/* A field with its own repetition. Its rows are at (srep, sdef) -- a struct field has a row for
 * every row of the struct, NULL ones included -- and its parent is present from definition
 * level bdef. */
static int rn_field(rn_ctx *c, const pq_schema_node *n, int srep, int sdef, int bdef, pq_rnode **out)
{
    int rc;
    if (n->repetition != PQ_REPEATED) {
        if ((rc = rn_body(c, n, srep, sdef, bdef + (n->repetition == PQ_OPTIONAL), out)))
            return rc;
    } else {
        /* a repeated field outside a LIST/MAP shape: a required list of required elements */
        pq_rnode *l;
        if ((rc = rn_alloc(PQ_RN_LIST, n, 1, &l)))
            return rc;
        *out = l;
        l->slot_rep = lv16(srep), l->slot_def = lv16(sdef), l->valid_def = lv16(bdef);
        l->elem_rep = lv16(srep + 1), l->elem_def = lv16(bdef + 1);
        if ((rc = rn_body(c, n, srep + 1, bdef + 1, bdef + 1, &l->children[0])))
            return rc;
        l->type = tn_type_list(l->children[0]->type);
        l->rep_leaf = l->children[0]->rep_leaf;
        if (l->type.id == TN_T_INVALID)
            return TN_NOMEM;
    }
    ((pq_schema_node *)n)->type = (*out)->type;
    return TN_OK;
}

static int rn_leaf(rn_ctx *c, const pq_schema_node *n, int srep, int sdef, int vdef, pq_rnode **out)
{
    int rc;
    if (vdef != n->max_def || srep != n->max_rep)
        return rn_unsup(c, n, "internal error: levels %d/%d of the leaf do not match its path (%d/%d)", vdef, srep,
                        n->max_def, n->max_rep);
    pq_rnode *l;
    if ((rc = rn_alloc(PQ_RN_LEAF, n, 0, &l)))
        return rc;
    *out = l;
    l->slot_rep = lv16(srep), l->slot_def = lv16(sdef), l->valid_def = lv16(vdef);
    l->type = c->leaf_types[n->leaf_index];
    pq_rfield *rf = c->rf;
    if (rf->nleaves == c->leaves_cap) {
        uint32_t cap = c->leaves_cap ? c->leaves_cap * 2 : 8;
        pq_rnode **v = tn_realloc(rf->leaves, (size_t)cap * sizeof *v);
        if (!v)
            return TN_NOMEM;
        rf->leaves = v;
        c->leaves_cap = cap;
    }
    l->leaf = l->rep_leaf = (int)rf->nleaves;
    rf->leaves[rf->nleaves++] = l;
    return TN_OK;
}

static int rn_list(rn_ctx *c, const pq_schema_node *n, int srep, int sdef, int vdef, pq_rnode **out)
{
    int rc;
    if (n->nchildren != 1 || n->children[0]->repetition != PQ_REPEATED)
        return rn_unsup(c, n, "a LIST-annotated group must hold exactly one repeated field");
    const pq_schema_node *r = n->children[0];
    int erep = srep + 1, edef = vdef + 1;
    pq_rnode *l;
    if ((rc = rn_alloc(PQ_RN_LIST, n, 1, &l)))
        return rc;
    *out = l;
    l->slot_rep = lv16(srep), l->slot_def = lv16(sdef), l->valid_def = lv16(vdef);
    l->elem_rep = lv16(erep), l->elem_def = lv16(edef);
    size_t nl = strlen(n->name);
    bool tuple = strlen(r->name) == nl + 6 && strncmp(r->name, n->name, nl) == 0 && strcmp(r->name + nl, "_tuple") == 0;
    bool two_level = is_leaf(r) || r->nchildren != 1 || r->children[0]->repetition == PQ_REPEATED ||
                     strcmp(r->name, "array") == 0 || tuple;
    if (two_level)
        rc = rn_body(c, r, erep, edef, edef, &l->children[0]); /* R itself is the (required) element */
    else
        rc = rn_field(c, r->children[0], erep, edef, edef, &l->children[0]);
    if (rc)
        return rc;
    l->type = tn_type_list(l->children[0]->type);
    l->rep_leaf = l->children[0]->rep_leaf;
    return l->type.id == TN_T_INVALID ? TN_NOMEM : TN_OK;
}

static int rn_map(rn_ctx *c, const pq_schema_node *n, int srep, int sdef, int vdef, pq_rnode **out)
{
    int rc;
    const pq_schema_node *kv = n->children[0];
    int erep = srep + 1, edef = vdef + 1;
    pq_rnode *l, *s;
    if ((rc = rn_alloc(PQ_RN_LIST, n, 1, &l)))
        return rc;
    *out = l;
    l->slot_rep = lv16(srep), l->slot_def = lv16(sdef), l->valid_def = lv16(vdef);
    l->elem_rep = lv16(erep), l->elem_def = lv16(edef);
    if ((rc = rn_alloc(PQ_RN_STRUCT, kv, 2, &l->children[0])))
        return rc;
    s = l->children[0];
    s->slot_rep = lv16(erep), s->slot_def = lv16(edef), s->valid_def = lv16(edef);
    if ((rc = rn_field(c, kv->children[0], erep, edef, edef, &s->children[0])))
        return rc;
    if (kv->nchildren == 2) {
        if ((rc = rn_field(c, kv->children[1], erep, edef, edef, &s->children[1])))
            return rc;
    } else {
        /* a map without a value field: every value is NULL */
        if ((rc = rn_alloc(PQ_RN_NULL, kv, 0, &s->children[1])))
            return rc;
        pq_rnode *v = s->children[1];
        v->slot_rep = lv16(erep), v->slot_def = lv16(edef), v->valid_def = lv16(edef + 1);
        v->type = tn_type_make(TN_T_NULL);
    }
    tn_type kt = s->children[0]->type, vt = s->children[1]->type;
    l->type = tn_type_map(kt, vt);
    s->type = tn_type_list_child(l->type);
    s->rep_leaf = l->rep_leaf = s->children[0]->rep_leaf;
    return l->type.id == TN_T_INVALID || s->type.id == TN_T_INVALID ? TN_NOMEM : TN_OK;
}

/* The field's content without its own repetition: rows at (srep, sdef), non-NULL from vdef. */
static int rn_body(rn_ctx *c, const pq_schema_node *n, int srep, int sdef, int vdef, pq_rnode **out)
{
    int rc;
    if (!n->supported)
        return rn_unsup(c, n, "%s", n->unsupported_reason ? n->unsupported_reason : "unsupported type");
    if (is_leaf(n))
        return rn_leaf(c, n, srep, sdef, vdef, out);
    if (n->nchildren == 0)
        return rn_unsup(c, n, "a group without fields cannot be read");
    if (is_list_group(n))
        return rn_list(c, n, srep, sdef, vdef, out);
    if (is_map_group(n)) {
        const pq_schema_node *kv = n->children[0];
        bool shape = n->nchildren == 1 && kv->repetition == PQ_REPEATED && !is_leaf(kv) && kv->nchildren >= 1 &&
                     kv->nchildren <= 2;
        if (shape)
            return rn_map(c, n, srep, sdef, vdef, out);
        if (n->logical_type == PQ_LT_MAP || n->converted_type == PQ_CT_MAP)
            return rn_unsup(c, n, "a MAP-annotated group must hold one repeated group of a key and a value field");
        /* a MAP_KEY_VALUE annotation on another shape: read as a struct */
    }
    pq_rnode *s;
    if ((rc = rn_alloc(PQ_RN_STRUCT, n, n->nchildren, &s)))
        return rc;
    *out = s;
    s->slot_rep = lv16(srep), s->slot_def = lv16(sdef), s->valid_def = lv16(vdef);
    for (uint32_t i = 0; i < n->nchildren; i++)
        if ((rc = rn_field(c, n->children[i], srep, sdef, vdef, &s->children[i])))
            return rc;
    const char **names = tn_malloc((size_t)n->nchildren * sizeof *names);
    tn_type *types = tn_malloc((size_t)n->nchildren * sizeof *types);
    if (!names || !types) {
        tn_free(names);
        tn_free(types);
        return TN_NOMEM;
    }
    for (uint32_t i = 0; i < n->nchildren; i++) {
        names[i] = n->children[i]->name;
        types[i] = s->children[i]->type;
    }
    s->type = tn_type_struct(n->nchildren, names, types);
    tn_free(names);
    tn_free(types);
    s->rep_leaf = s->children[0]->rep_leaf;
    return s->type.id == TN_T_INVALID ? TN_NOMEM : TN_OK;
}

int pq_rfield_build(pq_schema_node *field, const tn_type *leaf_types, pq_rfield *out)
{
    rn_ctx c;
    memset(&c, 0, sizeof c);
    memset(out, 0, sizeof *out);
    c.rf = out;
    c.leaf_types = leaf_types;
    pq_rnode *root = NULL;
    int rc = rn_field(&c, field, 0, 0, 0, &root);
    out->root = root;
    if (rc == TN_OK)
        return TN_OK;
    pq_rfield_free(out);
    if (rc == TN_NOTSUP) {
        if (field->nchildren || field->repetition == PQ_REPEATED) {
            tn_type_id id = (tn_type_id)field->type.id;
            field->type = tn_type_make(id == TN_T_INVALID ? TN_T_STRUCT : id);
        }
        if (field->supported)
            return set_unsupported(field, "%s", c.why);
        return TN_OK;
    }
    return rc;
}

void pq_schema_free_readers(pq_file *f)
{
    for (uint32_t i = 0; i < f->nrfields; i++)
        pq_rfield_free(&f->rfields[i]);
    tn_free(f->rfields);
    tn_free(f->leaf_types);
    f->rfields = NULL;
    f->nrfields = 0;
    f->leaf_types = NULL;
}

const pq_rfield *pq_file_rfield(const pq_file *f, uint32_t i)
{
    if (i >= f->nrfields || !f->rfields[i].root)
        return NULL;
    return &f->rfields[i];
}
