/*
 * op_scan_delta.c -- DELTA_SCAN: the leaf operator reading an ex_delta_source (scan_delta.h).
 *
 * Pruning happens in three stages, each only a hint (the plan filters rows above the scan):
 *  1. Per-file constants. Partition values (and, for table_changes, _commit_version,
 *     _commit_timestamp and a constant _change_type) are known per task without any I/O; a task
 *     whose constant fails a pushed-down predicate is dropped ("after partition pruning").
 *  2. add.stats (PROTOCOL.md "Per-file Statistics"), parsed on demand with dlt_file_stats, only
 *     when some predicate is on a data column. A file is dropped when its statistics prove that no
 *     row matches ("after stats skipping"). Statistics are treated as bounds, never as exact
 *     values: min/max may be truncated or (tightBounds=false, files with deletion vectors) wider
 *     than the live rows. Rules: every value NULL (nullCount == numRecords) fails comparisons,
 *     IN and IS NOT NULL; nullCount == 0 fails IS NULL; min and max bound the non-NULL values.
 *     Spark truncates long string statistics to a 32-character prefix: a truncated min is still
 *     a lower bound, and a truncated max carries a tie-breaker suffix (U+007F or U+10FFFF) that
 *     keeps it an upper bound; a string max of 32 or more characters without such a suffix (a
 *     writer that truncates without one) is not trusted. Float/double maxima are not used (NaN
 *     sorts above every number in tarn and writers disagree on whether stats include it); NaN
 *     predicate values never prune.
 *  3. Inside a surviving file, Parquet row-group statistics (pq_row_group_may_match) and the
 *     page index (pq_row_group_select_rows) of the predicate columns that the file stores with
 *     the table's own type.
 * The stage 1-2 survivors are computed once, at the first next() (or by EXPLAIN before it).
 *
 * Reading: morsel = one surviving file (claimed from an atomic cursor), then its row groups in
 * order. Per file every projected column gets a source: a Parquet field (matched by physical name
 * or, in column mapping mode id, by field id; a field missing from an older file is NULL), a
 * constant (partition value, change-feed column), or, for cdc files, their own _change_type
 * column. A field whose Parquet type differs from the table type gets an adaptation plan: casts
 * for widened primitives (type widening, INT96/unit/time zone flag differences), and for nested
 * values a rebuild that matches struct fields by physical name / field id, fills missing ones
 * with NULL and drops extra ones. Other differences are errors naming the file and the column.
 *
 * Deletion vectors: the DV of a file is loaded once per file; each batch [row, row + n) of the
 * file is turned into the chunk's selection vector with dlt_dv_select (no surviving value is
 * copied); a batch it empties is skipped in every column reader. Change-feed tasks may instead
 * keep only the rows one DV deletes and another does not (deletion-vector updates).
 *
 * Row counts without reading: a scan with no output columns and no predicates (COUNT(*)) answers
 * a snapshot file whose add.stats has numRecords from the log alone: numRecords minus the deletion
 * vector's descriptor cardinality (numRecords counts the physical rows, PROTOCOL.md "Per-file
 * Statistics"; the DV's rows are a subset of them), emitted as column-less chunks of at most
 * TN_BATCH rows. Files without numRecords, or claiming more than DELTA_MAX_COUNTED_ROWS (a hostile
 * log could otherwise make the scan emit ~10^15 batches), are opened and counted from their row
 * groups as usual. Change-feed sources are always read.
 *
 * Output vectors are owned by the operator and reused batch after batch unless still referenced
 * downstream (then replaced).
 */
#include "scan_delta.h"
#include "expr_int.h"
#include "op_int.h"
#include "../util/format.h"
#include "../util/bufpool.h"
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ======================= adaptation plans ======================= */

enum { AD_PASS = 0, AD_CAST, AD_COPY, AD_NULL, AD_STRUCT, AD_LIST };

typedef struct adapt {
    uint8_t kind;
    tn_type to;
    int32_t *src;          /* AD_STRUCT: source child per target child, -1 = NULL */
    struct adapt *kids;    /* AD_STRUCT: one per target child; AD_LIST: [element] */
    uint32_t nkids;
} adapt;

static void adapt_free(adapt *a)
{
    if (!a)
        return;
    for (uint32_t i = 0; a->kids && i < a->nkids; i++)
        adapt_free(&a->kids[i]);
    tn_free(a->kids);
    tn_free(a->src);
    memset(a, 0, sizeof *a);
}

/* Primitive from -> to allowed when reading a data file (type widening and representation
 * differences only): AD_CAST / AD_COPY, or -1. */
static int prim_adapt(tn_type from, tn_type to)
{
    if (tn_type_is_nested(from) || tn_type_is_nested(to))
        return -1;
    if ((from.id == TN_T_BLOB && to.id == TN_T_VARCHAR) || (from.id == TN_T_VARCHAR && to.id == TN_T_BLOB))
        return AD_COPY;
    if (from.id == to.id) {
        if (from.id == TN_T_DECIMAL)
            return to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale ? AD_CAST : -1;
        return AD_CAST; /* units, time zone flag, JSON/ENUM flags */
    }
    if (tn_type_is_integer(from))
        return tn_type_is_integer(to) || to.id == TN_T_DOUBLE || to.id == TN_T_DECIMAL ? AD_CAST : -1;
    if (from.id == TN_T_FLOAT && to.id == TN_T_DOUBLE)
        return AD_CAST;
    if (from.id == TN_T_DATE && to.id == TN_T_TIMESTAMP)
        return AD_CAST;
    if (from.id == TN_T_NULL)
        return AD_NULL;
    return -1;
}

static bool names_match(const char *a, const char *b) { return a && b && strcasecmp(a, b) == 0; }

/* Build the plan reading a value of type `from` (Parquet node `node`, may be NULL below lists)
 * as the table field f (type f->type). TN_ERROR with *why set on incompatible shapes. */
static int adapt_build(const dlt_field *f, tn_type to, tn_type from, const pq_schema_node *node, dlt_cm_mode cm,
                       adapt *out, const char **why)
{
    memset(out, 0, sizeof *out);
    out->to = to;
    if (tn_type_equal(from, to)) {
        out->kind = AD_PASS;
        return TN_OK;
    }
    if (!tn_type_is_nested(to)) {
        int k = prim_adapt(from, to);
        if (k < 0) {
            *why = "incompatible type";
            return TN_ERROR;
        }
        out->kind = (uint8_t)k;
        return TN_OK;
    }
    if (from.id != to.id || !from.nested || !to.nested) {
        *why = "incompatible nesting";
        return TN_ERROR;
    }
    if (to.id == TN_T_LIST || to.id == TN_T_MAP) {
        out->kind = AD_LIST;
        out->kids = tn_calloc(1, sizeof *out->kids);
        if (!out->kids)
            return TN_NOMEM;
        out->nkids = 1;
        if (to.id == TN_T_LIST) {
            if (!f || f->nchildren < 1)
                return TN_ERROR;
            return adapt_build(&f->children[0], to.nested->children[0], from.nested->children[0], NULL, cm,
                               &out->kids[0], why);
        }
        /* MAP: the element is STRUCT{key, value}, matched by position */
        if (!f || f->nchildren < 2)
            return TN_ERROR;
        adapt *e = &out->kids[0];
        e->kind = AD_STRUCT;
        e->to = tn_type_list_child(to);
        e->src = tn_malloc(2 * sizeof *e->src);
        e->kids = tn_calloc(2, sizeof *e->kids);
        if (!e->src || !e->kids || e->to.id == TN_T_INVALID)
            return TN_NOMEM;
        e->nkids = 2;
        e->src[0] = 0;
        e->src[1] = 1;
        for (int i = 0; i < 2; i++) {
            int rc = adapt_build(&f->children[i], to.nested->children[i], from.nested->children[i], NULL, cm,
                                 &e->kids[i], why);
            if (rc)
                return rc;
        }
        return TN_OK;
    }
    /* STRUCT: by physical name (or field id in mode id) */
    uint32_t n = (uint32_t)to.nested->nchildren, m = (uint32_t)from.nested->nchildren;
    if (!f || f->nchildren != n)
        return TN_ERROR;
    out->kind = AD_STRUCT;
    out->src = tn_malloc((n ? n : 1) * sizeof *out->src);
    out->kids = tn_calloc(n ? n : 1, sizeof *out->kids);
    if (!out->src || !out->kids)
        return TN_NOMEM;
    out->nkids = n;
    bool by_id = cm == DLT_CM_ID && node && node->nchildren == m;
    for (uint32_t i = 0; i < n; i++) {
        const dlt_field *c = &f->children[i];
        int32_t j = -1;
        for (uint32_t k = 0; k < m && j < 0; k++) {
            if (by_id && c->field_id >= 0 && node->children[k]->field_id >= 0) {
                if (node->children[k]->field_id == c->field_id)
                    j = (int32_t)k;
            } else if (names_match(from.nested->names[k], c->physical_name)) {
                j = (int32_t)k;
            }
        }
        out->src[i] = j;
        if (j < 0) {
            out->kids[i].kind = AD_NULL;
            out->kids[i].to = to.nested->children[i];
            continue;
        }
        int rc = adapt_build(c, to.nested->children[i], from.nested->children[j], by_id ? node->children[j] : NULL,
                             cm, &out->kids[i], why);
        if (rc)
            return rc;
    }
    return TN_OK;
}

/* Mark rows [0, count) of v NULL, recursively (nested vectors stay FLAT and consistent). */
static int null_fill(tn_vector *v, uint32_t count)
{
    if (tn_vector_reserve(v, count ? count : 1) || tn_vector_ensure_validity(v))
        return TN_NOMEM;
    memset(v->validity, 0, TN_BITMAP_WORDS(count ? count : 1) * 8);
    if (v->type.id == TN_T_LIST || v->type.id == TN_T_MAP) {
        tn_list_entry *e = v->data;
        for (uint32_t r = 0; r < count; r++)
            e[r] = (tn_list_entry){v->list_size, 0};
    }
    if (v->type.id == TN_T_STRUCT)
        for (uint32_t i = 0; i < v->nchildren; i++)
            if (null_fill(v->children[i], count))
                return TN_NOMEM;
    return TN_OK;
}

static int copy_validity(tn_vector *out, const tn_vector *src, uint32_t count)
{
    if (!src->validity || count == 0)
        return TN_OK;
    if (tn_vector_ensure_validity(out))
        return TN_NOMEM;
    memcpy(out->validity, src->validity, TN_BITMAP_WORDS(count) * 8);
    return TN_OK;
}

/* Primitive conversion of rows [0, count) of src into out (FLAT, type a->to, reset). */
static int convert_rows(const adapt *a, tn_vector *src, tn_vector *out, uint32_t count, tn_err *err)
{
    if (tn_vector_reserve(out, count ? count : 1))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    if (a->kind == AD_NULL)
        return null_fill(out, count) ? tn_err_set(err, TN_NOMEM, "out of memory") : TN_OK;
    if (a->kind == AD_COPY)
        return ex_copy_rows(out, src, NULL, count) ? tn_err_set(err, TN_NOMEM, "out of memory") : TN_OK;
    return ex_cast_vector(src, out, NULL, count, false, err);
}

/* A new vector of type a->to holding rows [0, count) of src adapted; *out referenced. */
static int adapt_vec(const adapt *a, tn_vector *src, uint32_t count, tn_vector **out, tn_err *err)
{
    *out = NULL;
    if (a->kind == AD_PASS && src) {
        tn_vector_ref(src);
        *out = src;
        return TN_OK;
    }
    tn_vector *v = tn_vector_new(a->to, count ? count : 1);
    if (!v)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    int rc = TN_OK;
    if (!src || a->kind == AD_NULL) {
        if (null_fill(v, count))
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
    } else if (a->kind == AD_CAST || a->kind == AD_COPY) {
        rc = convert_rows(a, src, v, count, err);
    } else if (a->kind == AD_STRUCT) {
        if (copy_validity(v, src, count))
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
        for (uint32_t i = 0; i < a->nkids && !rc && i < v->nchildren; i++) {
            tn_vector *child = a->src[i] >= 0 && (uint32_t)a->src[i] < src->nchildren ? src->children[a->src[i]] : NULL;
            tn_vector *nc = NULL;
            if ((rc = adapt_vec(&a->kids[i], child, count, &nc, err)))
                break;
            tn_vector_unref(v->children[i]);
            v->children[i] = nc;
        }
    } else { /* AD_LIST */
        if (copy_validity(v, src, count))
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
        if (!rc && count)
            memcpy(v->data, src->data, (size_t)count * sizeof(tn_list_entry));
        v->list_size = src->list_size;
        tn_vector *nc = NULL;
        if (!rc && src->nchildren >= 1 && v->nchildren >= 1 &&
            !(rc = adapt_vec(&a->kids[0], src->children[0], src->list_size, &nc, err))) {
            tn_vector_unref(v->children[0]);
            v->children[0] = nc;
        }
    }
    if (rc) {
        tn_vector_unref(v);
        return rc;
    }
    *out = v;
    return TN_OK;
}

/* ======================= value comparisons (pruning) ======================= */

/* Three-way comparison of two non-NULL values of one type; NaN sorts above every number. */
static int val_cmp(const tn_value *a, const tn_value *b)
{
    switch ((tn_type_id)a->type.id) {
    case TN_T_BOOL: return (int)a->v.b - (int)b->v.b;
    case TN_T_UINT8:
    case TN_T_UINT16:
    case TN_T_UINT32:
    case TN_T_UINT64: return a->v.u64 < b->v.u64 ? -1 : a->v.u64 > b->v.u64;
    case TN_T_INT128: return a->v.i128 < b->v.i128 ? -1 : a->v.i128 > b->v.i128;
    case TN_T_DECIMAL:
        if (!tn_decimal_is_small(a->type))
            return a->v.i128 < b->v.i128 ? -1 : a->v.i128 > b->v.i128;
        return a->v.i64 < b->v.i64 ? -1 : a->v.i64 > b->v.i64;
    case TN_T_FLOAT:
    case TN_T_DOUBLE: {
        double x = a->v.f64, y = b->v.f64;
        if (isnan(x) || isnan(y))
            return isnan(x) ? (isnan(y) ? 0 : 1) : -1;
        return x < y ? -1 : x > y;
    }
    case TN_T_VARCHAR:
    case TN_T_BLOB: {
        uint32_t n = TN_MIN(a->v.str.len, b->v.str.len);
        int c = n ? memcmp(a->v.str.ptr, b->v.str.ptr, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return a->v.str.len < b->v.str.len ? -1 : a->v.str.len > b->v.str.len;
    }
    case TN_T_UUID: {
        int c = memcmp(a->v.uuid, b->v.uuid, 16);
        return c < 0 ? -1 : c > 0;
    }
    default: return a->v.i64 < b->v.i64 ? -1 : a->v.i64 > b->v.i64;
    }
}

static bool comparable(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_INTERVAL:
    case TN_T_LIST:
    case TN_T_STRUCT:
    case TN_T_MAP:
    case TN_T_NULL:
    case TN_T_INVALID:
    case TN_T__COUNT: return false;
    default: return true;
    }
}

static bool is_nan(const tn_value *v)
{
    return (v->type.id == TN_T_FLOAT || v->type.id == TN_T_DOUBLE) && !v->is_null && isnan(v->v.f64);
}

/* May a column whose every row holds the constant v satisfy p? */
static bool const_may_match(const tn_value *v, const pq_predicate *p)
{
    if (p->op == PQ_PRED_IS_NULL)
        return v->is_null;
    if (p->op == PQ_PRED_IS_NOT_NULL)
        return !v->is_null;
    if (v->is_null)
        return false;
    if (!comparable(v->type))
        return true;
    for (uint32_t i = 0; i < p->nvalues; i++)
        if (p->values[i].is_null || !tn_type_equal(p->values[i].type, v->type))
            return true; /* not comparable here: keep */
    if (p->nvalues == 0)
        return true;
    int c = val_cmp(v, &p->values[0]);
    switch (p->op) {
    case PQ_PRED_EQ: return c == 0;
    case PQ_PRED_NE: return c != 0;
    case PQ_PRED_LT: return c < 0;
    case PQ_PRED_LE: return c <= 0;
    case PQ_PRED_GT: return c > 0;
    case PQ_PRED_GE: return c >= 0;
    case PQ_PRED_IN:
        for (uint32_t i = 0; i < p->nvalues; i++)
            if (val_cmp(v, &p->values[i]) == 0)
                return true;
        return false;
    default: return true;
    }
}

/* Code points of UTF-8 text (invalid bytes count one each). */
static uint32_t utf8_chars(const unsigned char *s, uint32_t n)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; i++)
        c += (s[i] & 0xC0) != 0x80;
    return c;
}

/* Is a string max statistic usable as an upper bound? (see the file comment) */
static bool string_max_usable(const tn_value *mx)
{
    const unsigned char *s = (const unsigned char *)mx->v.str.ptr;
    uint32_t n = mx->v.str.len;
    if (utf8_chars(s, n) < 32)
        return true;
    if (n >= 1 && s[n - 1] == 0x7F)
        return true;
    return n >= 4 && s[n - 4] == 0xF4 && s[n - 3] == 0x8F && s[n - 2] == 0xBF && s[n - 1] == 0xBF;
}

/* May the file described by st (column i, type t) hold a row satisfying p? */
static bool stats_may_match(const dlt_stats *st, uint32_t i, tn_type t, const pq_predicate *p)
{
    if (!st->valid || i >= st->ncols)
        return true;
    const dlt_col_stats *cs = &st->cols[i];
    int64_t nr = st->num_records;
    bool all_null = cs->null_count >= 0 && nr >= 0 && cs->null_count >= nr;
    if (p->op == PQ_PRED_IS_NULL)
        return !(cs->null_count == 0);
    if (p->op == PQ_PRED_IS_NOT_NULL || all_null)
        return !all_null;
    if (!comparable(t) || p->nvalues == 0)
        return true;
    bool has_min = cs->has_min && !cs->min.is_null && tn_type_equal(cs->min.type, t) && !is_nan(&cs->min);
    bool has_max = cs->has_max && !cs->max.is_null && tn_type_equal(cs->max.type, t) && !is_nan(&cs->max) &&
                   t.id != TN_T_FLOAT && t.id != TN_T_DOUBLE &&
                   (t.id != TN_T_VARCHAR || string_max_usable(&cs->max));
    for (uint32_t k = 0; k < p->nvalues; k++)
        if (p->values[k].is_null || is_nan(&p->values[k]) || !tn_type_equal(p->values[k].type, t))
            return true;
    const tn_value *v = &p->values[0];
    switch (p->op) {
    case PQ_PRED_EQ: return !((has_min && val_cmp(v, &cs->min) < 0) || (has_max && val_cmp(v, &cs->max) > 0));
    case PQ_PRED_LT: return !(has_min && val_cmp(&cs->min, v) >= 0);
    case PQ_PRED_LE: return !(has_min && val_cmp(&cs->min, v) > 0);
    case PQ_PRED_GT: return !(has_max && val_cmp(&cs->max, v) <= 0);
    case PQ_PRED_GE: return !(has_max && val_cmp(&cs->max, v) < 0);
    case PQ_PRED_IN:
        for (uint32_t k = 0; k < p->nvalues; k++) {
            const tn_value *x = &p->values[k];
            if (!((has_min && val_cmp(x, &cs->min) < 0) || (has_max && val_cmp(x, &cs->max) > 0)))
                return true;
        }
        return false;
    default: return true;
    }
}

/* ======================= the operator ======================= */

enum { CS_READ = 0, CS_CONST, CS_MISSING };

typedef struct col_src {
    int kind;
    uint32_t field;          /* CS_READ: file-local field index */
    tn_type file_type;       /* CS_READ */
    adapt plan;              /* CS_READ */
    tn_vector *scratch;      /* CS_READ with a cast/copy plan: vector of the file's type */
    const tn_value *cval;    /* CS_CONST */
} col_src;

typedef struct delta_scan {
    ex_op base;
    ex_delta_source *src;
    tn_bufpool pool;         /* chunk/page buffers reused from row group to row group */
    uint32_t nfields;
    uint32_t *fields;        /* source column per output column */
    pq_predicate *preds;     /* owned deep copies; field = source column */
    uint32_t npreds;
    unsigned prune;          /* EX_PRUNE_* */
    bool started, pruned;
    uint64_t *surv;          /* surviving task indexes (after stages 1-2) */
    uint64_t nsurv;
    _Atomic uint64_t cursor; /* next index into surv */
    tn_value change_vals[EX_DCHANGE_FROM_FILE]; /* _change_type constants by EX_DCHANGE_* */
    tn_value ver_val, ts_val, null_val;

    /* current file */
    bool in_file;
    const ex_delta_task *task;
    pq_file *pf;
    uint32_t nrg, rg;
    uint64_t next_rg_first;  /* file row where row group `rg` starts */
    col_src *cs;             /* nfields */
    pq_predicate *fpreds;    /* file-local predicates (values shared with preds) */
    uint32_t nfpreds;
    dlt_dv *dv, *dv_only;

    /* current row group */
    bool in_rg;
    uint64_t rg_first;       /* file row of the row group's first row */
    uint64_t pos;            /* next row (within the row group) of every reader */
    pq_row_ranges ranges;
    uint32_t range_i;
    pq_column_reader **readers; /* nfields */
    uint64_t *pending_skip;  /* nfields */
    uint32_t *dvsel;         /* TN_BATCH */
    uint64_t *dvbuf;         /* TN_BATCH */

    uint64_t counted_rows;   /* rows of the current counted-from-stats file still to emit */

    tn_chunk *chunk;
    ex_delta_scan_stats stats;
} delta_scan;

static const ex_op_vt g_delta_vt;

/* Largest add.stats numRecords trusted for COUNT(*) without opening the file. */
#define DELTA_MAX_COUNTED_ROWS ((int64_t)INT32_MAX)

static int nomem(tn_err *err) { return tn_err_set(err, TN_NOMEM, "out of memory"); }

/* Constant value of source column c in task t, or NULL when it varies by row. tmp: scratch. */
static const tn_value *task_const(const delta_scan *s, const ex_delta_task *t, uint32_t c, tn_value *tmp)
{
    const ex_delta_col *col = &s->src->cols[c];
    switch (col->kind) {
    case EX_DCOL_PARTITION:
        if (!t->pvals) {
            *tmp = tn_value_null(s->src->types[c]);
            return tmp;
        }
        return &t->pvals[col->part];
    case EX_DCOL_COMMIT_VERSION: *tmp = tn_value_int(tn_type_make(TN_T_INT64), t->version); return tmp;
    case EX_DCOL_COMMIT_TS:
        *tmp = t->ts_ms >= 0 ? tn_value_int(tn_type_timestamp(TN_UNIT_US, true), t->ts_ms * 1000)
                             : tn_value_null(tn_type_timestamp(TN_UNIT_US, true));
        return tmp;
    case EX_DCOL_CHANGE_TYPE:
        return t->change < EX_DCHANGE_FROM_FILE ? &s->change_vals[t->change] : NULL;
    default: return NULL;
    }
}

/* Stages 1-2: the surviving tasks and the file counters. */
static int prune_files(delta_scan *s, tn_err *err)
{
    if (s->pruned)
        return TN_OK;
    const ex_delta_source *src = s->src;
    if (!s->surv)
        s->surv = tn_malloc((src->ntasks ? src->ntasks : 1) * sizeof *s->surv);
    if (!s->surv)
        return nomem(err);
    bool data_preds = false;
    for (uint32_t i = 0; i < s->npreds; i++)
        data_preds |= src->cols[s->preds[i].field].kind == EX_DCOL_DATA;
    bool use = s->npreds && (s->prune & EX_PRUNE_STATS);
    uint64_t after_part = 0, n = 0;
    for (uint64_t ti = 0; ti < src->ntasks; ti++) {
        const ex_delta_task *t = &src->tasks[ti];
        bool keep = true;
        for (uint32_t i = 0; use && keep && i < s->npreds; i++) {
            tn_value tmp;
            const tn_value *v = task_const(s, t, s->preds[i].field, &tmp);
            if (v && !const_may_match(v, &s->preds[i]))
                keep = false;
        }
        if (!keep)
            continue;
        after_part++;
        if (use && data_preds && t->file) {
            /* snapshot files: the snapshot's memoized stats; change-feed adds: parsed here */
            const dlt_snapshot *snap = src->snap;
            bool in_snap = !src->changes && t->file >= snap->files && t->file < snap->files + snap->nfiles;
            dlt_stats own;
            const dlt_stats *st = &own;
            int rc = in_snap ? dlt_snapshot_file_stats(src->snap, (uint64_t)(t->file - snap->files), &st, err)
                             : dlt_file_stats(snap, t->file, &own, err);
            if (rc)
                return rc;
            for (uint32_t i = 0; keep && i < s->npreds; i++) {
                const ex_delta_col *col = &src->cols[s->preds[i].field];
                if (col->kind == EX_DCOL_DATA &&
                    !stats_may_match(st, col->field_index, src->types[s->preds[i].field], &s->preds[i]))
                    keep = false;
            }
            if (!in_snap)
                dlt_stats_free(&own);
        }
        if (keep)
            s->surv[n++] = ti;
    }
    s->nsurv = n;
    s->stats.files_total = src->ntasks;
    s->stats.files_after_partition = after_part;
    s->stats.files_after_stats = n;
    atomic_store(&s->cursor, 0);
    s->pruned = true;
    return TN_OK;
}

/* Top-level field of file pf holding table field f, or -1 when the file lacks it. */
static int find_field(const pq_file *pf, const dlt_field *f, dlt_cm_mode cm)
{
    uint32_t n = pq_file_num_fields(pf);
    if (cm == DLT_CM_ID && f->field_id >= 0) {
        bool any_id = false;
        for (uint32_t i = 0; i < n; i++) {
            const pq_schema_node *node = pq_file_field(pf, i);
            if (node->field_id >= 0) {
                any_id = true;
                if (node->field_id == f->field_id)
                    return (int)i;
            }
        }
        if (any_id)
            return -1;
    }
    return pq_file_field_index(pf, f->physical_name ? f->physical_name : f->name);
}

static void close_rg(delta_scan *s)
{
    for (uint32_t i = 0; i < s->nfields; i++) {
        pq_column_reader_close(s->readers[i]);
        s->readers[i] = NULL;
        s->pending_skip[i] = 0;
    }
    pq_row_ranges_free(&s->ranges);
    s->in_rg = false;
}

static void close_file(delta_scan *s)
{
    close_rg(s);
    for (uint32_t i = 0; s->cs && i < s->nfields; i++) {
        adapt_free(&s->cs[i].plan);
        tn_vector_unref(s->cs[i].scratch);
        memset(&s->cs[i], 0, sizeof s->cs[i]);
    }
    tn_free(s->fpreds);
    s->fpreds = NULL;
    s->nfpreds = 0;
    dlt_dv_free(s->dv);
    dlt_dv_free(s->dv_only);
    s->dv = s->dv_only = NULL;
    pq_file_unref(s->pf);
    s->pf = NULL;
    s->task = NULL;
    s->in_file = false;
    s->counted_rows = 0;
}

/* Source of output column j in the current file. */
static int plan_column(delta_scan *s, uint32_t j, tn_err *err)
{
    const ex_delta_source *src = s->src;
    uint32_t c = s->fields[j];
    const ex_delta_col *col = &src->cols[c];
    col_src *cs = &s->cs[j];
    const ex_delta_task *t = s->task;
    tn_value tmp;
    int fi = -1;
    const char *cname = src->names[c];
    switch (col->kind) {
    case EX_DCOL_DATA: fi = find_field(s->pf, col->field, src->snap->column_mapping); break;
    case EX_DCOL_CHANGE_TYPE:
        if (t->change == EX_DCHANGE_FROM_FILE) {
            fi = pq_file_field_index(s->pf, "_change_type");
            if (fi < 0)
                return tn_err_set(err, TN_CORRUPT, "%s: change data file \"%s\" has no _change_type column", src->label,
                                  t->path);
            break;
        }
        /* fall through */
    default: {
        const tn_value *v = task_const(s, t, c, &tmp);
        cs->kind = CS_CONST;
        if (v == &tmp) { /* per-file values kept in the operator */
            tn_value *slot = col->kind == EX_DCOL_COMMIT_VERSION ? &s->ver_val : &s->ts_val;
            *slot = tmp;
            v = slot;
        }
        cs->cval = v ? v : &s->null_val;
        return TN_OK;
    }
    }
    if (fi < 0) {
        cs->kind = CS_MISSING;
        return TN_OK;
    }
    const pq_schema_node *node = pq_file_field(s->pf, (uint32_t)fi);
    if (!node->supported)
        return tn_err_set(err, TN_NOTSUP, "%s: file \"%s\": column \"%s\" cannot be read: %s", src->label, t->path,
                          cname,
                          node->unsupported_reason ? node->unsupported_reason : "unsupported type");
    cs->kind = CS_READ;
    cs->field = (uint32_t)fi;
    cs->file_type = node->type;
    const char *why = NULL;
    int rc = adapt_build(col->field, src->types[c], node->type, node, src->snap->column_mapping, &cs->plan, &why);
    if (rc == TN_NOMEM)
        return nomem(err);
    if (rc) {
        char a[256], b[256];
        return tn_err_set(err, TN_CORRUPT,
                          "%s: file \"%s\": column \"%s\" is stored as %s, which cannot be read as the "
                          "table type %s (%s)", src->label, t->path, cname, tn_type_name(node->type, a, sizeof a),
                          tn_type_name(src->types[c], b, sizeof b), why ? why : "incompatible nested fields");
    }
    return TN_OK;
}

/* Predicates the current file can check on its row groups (data columns stored with the table's
 * own flat type). */
static int plan_file_preds(delta_scan *s, tn_err *err)
{
    if (s->npreds == 0)
        return TN_OK;
    s->fpreds = tn_calloc(s->npreds, sizeof *s->fpreds);
    if (!s->fpreds)
        return nomem(err);
    const ex_delta_source *src = s->src;
    for (uint32_t i = 0; i < s->npreds; i++) {
        const ex_delta_col *col = &src->cols[s->preds[i].field];
        if (col->kind != EX_DCOL_DATA)
            continue;
        int fi = find_field(s->pf, col->field, src->snap->column_mapping);
        if (fi < 0)
            continue;
        const pq_schema_node *node = pq_file_field(s->pf, (uint32_t)fi);
        if (!node->supported || tn_type_is_nested(node->type) ||
            !tn_type_equal(node->type, src->types[s->preds[i].field]))
            continue;
        s->fpreds[s->nfpreds] = s->preds[i];
        s->fpreds[s->nfpreds].field = (uint32_t)fi;
        s->nfpreds++;
    }
    return TN_OK;
}

/* Claim surviving tasks until one opens; *got false when none is left. */
static int start_file(delta_scan *s, bool *got, tn_err *err)
{
    *got = false;
    uint64_t i = atomic_fetch_add_explicit(&s->cursor, 1, memory_order_relaxed);
    if (i >= s->nsurv)
        return TN_OK;
    const ex_delta_source *src = s->src;
    s->task = &src->tasks[s->surv[i]];
    s->in_file = true;
    const dlt_file *lf = s->task->file;
    if (s->nfields == 0 && s->npreds == 0 && (s->prune & EX_PRUNE_STATS) && !src->changes && lf &&
        lf->num_records >= 0 && lf->num_records <= DELTA_MAX_COUNTED_ROWS && !s->task->dv_only) {
        int64_t deleted = s->task->dv ? s->task->dv->cardinality : 0;
        if (deleted < 0 || deleted > lf->num_records) {
            close_file(s);
            return tn_err_set(err, TN_CORRUPT, "%s: the deletion vector of \"%s\" deletes %lld rows, but add.stats "
                              "says the file has %lld", src->label, lf->path, (long long)deleted,
                              (long long)lf->num_records);
        }
        s->counted_rows = (uint64_t)(lf->num_records - deleted);
        s->stats.files_counted++;
        s->stats.rows_deleted += (uint64_t)deleted;
        *got = true;
        return TN_OK;
    }
    int rc = pq_file_open(src->fs, s->task->path, &s->pf, err);
    if (rc) {
        if (rc != TN_NOMEM)
            tn_err_prefix(err, rc, "%s: ", src->label);
        goto fail;
    }
    s->nrg = pq_file_num_row_groups(s->pf);
    s->rg = 0;
    s->next_rg_first = 0;
    s->stats.files_read++;
    s->stats.row_groups_total += s->nrg;
    for (uint32_t j = 0; j < s->nfields; j++)
        if ((rc = plan_column(s, j, err)))
            goto fail;
    if ((rc = plan_file_preds(s, err)))
        goto fail;
    if (s->task->dv) {
        if ((rc = dlt_dv_load(src->table, s->task->dv, &s->dv, err))) {
            tn_err_prefix(err, rc, "%s: deletion vector of \"%s\": ", src->label, s->task->path);
            goto fail;
        }
        s->stats.dvs_loaded++;
    }
    if (s->task->dv_only) {
        if ((rc = dlt_dv_load(src->table, s->task->dv_only, &s->dv_only, err))) {
            tn_err_prefix(err, rc, "%s: deletion vector of \"%s\": ", src->label, s->task->path);
            goto fail;
        }
        s->stats.dvs_loaded++;
    }
    if (s->dv && dlt_dv_max(s->dv) >= (uint64_t)TN_MAX(pq_file_num_rows(s->pf), 0) && dlt_dv_cardinality(s->dv) > 0) {
        rc = tn_err_set(err, TN_CORRUPT,
                        "%s: the deletion vector of \"%s\" deletes row %llu, but the file has %lld rows",
                        src->label, s->task->path, (unsigned long long)dlt_dv_max(s->dv),
                        (long long)pq_file_num_rows(s->pf));
        goto fail;
    }
    *got = true;
    return TN_OK;
fail:
    close_file(s);
    return rc;
}

/* Next row group of the current file that survives stage 3; *got false at the file's end. */
static int start_rg(delta_scan *s, bool *got, tn_err *err)
{
    *got = false;
    while (s->rg < s->nrg) {
        uint32_t rg = s->rg++;
        int64_t nr = pq_row_group_num_rows(s->pf, rg);
        uint64_t nrows = nr > 0 ? (uint64_t)nr : 0;
        uint64_t first = s->next_rg_first;
        s->next_rg_first += nrows;
        if (nrows == 0)
            continue;
        if (s->nfpreds && (s->prune & EX_PRUNE_STATS) && !pq_row_group_may_match(s->pf, rg, s->fpreds, s->nfpreds)) {
            s->stats.row_groups_skipped++;
            continue;
        }
        memset(&s->ranges, 0, sizeof s->ranges);
        if (s->nfpreds && (s->prune & EX_PRUNE_PAGES)) {
            int rc = pq_row_group_select_rows(s->pf, rg, s->fpreds, s->nfpreds, &s->ranges, err);
            if (rc)
                return rc;
            if (pq_row_ranges_count(&s->ranges) == 0) {
                s->stats.row_groups_skipped_pages++;
                pq_row_ranges_free(&s->ranges);
                continue;
            }
        } else {
            s->ranges.r = tn_malloc(sizeof *s->ranges.r);
            if (!s->ranges.r)
                return nomem(err);
            s->ranges.r[0] = (pq_row_range){0, nrows};
            s->ranges.n = s->ranges.cap = 1;
        }
        s->in_rg = true;
        s->rg_first = first;
        s->pos = 0;
        s->range_i = 0;
        for (uint32_t j = 0; j < s->nfields; j++) {
            if (s->cs[j].kind != CS_READ)
                continue;
            int rc = pq_column_reader_open_pooled(s->pf, rg, s->cs[j].field, &s->pool, &s->readers[j], err);
            if (rc) {
                close_rg(s);
                return rc;
            }
        }
        *got = true;
        return TN_OK;
    }
    return TN_OK;
}

/* Output column j writable by this batch: replaced when still referenced downstream. */
static int own_column(delta_scan *s, uint32_t j, tn_err *err)
{
    tn_vector *v = s->chunk->cols[j];
    if (v && atomic_load((_Atomic int64_t *)&v->refcnt) == 1 && tn_type_equal(v->type, s->base.types[j]))
        return TN_OK;
    tn_vector *nv = tn_vector_new(s->base.types[j], TN_BATCH);
    if (!nv)
        return nomem(err);
    tn_chunk_set_col(s->chunk, j, nv);
    tn_vector_unref(nv);
    return TN_OK;
}

static int flush_skip(delta_scan *s, uint32_t j, tn_err *err)
{
    uint64_t n = s->pending_skip[j];
    if (n == 0 || !s->readers[j])
        return TN_OK;
    s->pending_skip[j] = 0;
    int rc = pq_column_reader_skip(s->readers[j], n, err);
    if (rc && rc != TN_NOMEM)
        tn_err_prefix(err, rc, "%s: ", s->src->label);
    return rc;
}

static int read_column(delta_scan *s, uint32_t j, uint32_t n, tn_err *err)
{
    col_src *cs = &s->cs[j];
    int rc = flush_skip(s, j, err);
    if (rc)
        return rc;
    uint32_t got = 0;
    tn_vector *target = NULL;
    if (cs->plan.kind == AD_PASS) {
        if ((rc = own_column(s, j, err)))
            return rc;
        target = s->chunk->cols[j];
    } else if (cs->plan.kind == AD_CAST || cs->plan.kind == AD_COPY) {
        if (!cs->scratch && !(cs->scratch = tn_vector_new(cs->file_type, TN_BATCH)))
            return nomem(err);
        target = cs->scratch;
    } else {
        /* nested rebuild: a fresh vector per batch (the result shares its children) */
        tn_vector_unref(cs->scratch);
        if (!(cs->scratch = tn_vector_new(cs->file_type, n)))
            return nomem(err);
        target = cs->scratch;
    }
    if ((rc = pq_column_reader_next(s->readers[j], n, target, &got, err))) {
        if (rc != TN_NOMEM)
            tn_err_prefix(err, rc, "%s: \"%s\": ", s->src->label, s->task->path);
        return rc;
    }
    if (got != n)
        return tn_err_set(err, TN_CORRUPT, "%s: \"%s\": row group %u: column \"%s\" ends after %llu of %lld rows",
                          s->src->label, s->task->path, s->rg - 1, s->src->names[s->fields[j]],
                          (unsigned long long)(s->pos + got), (long long)pq_row_group_num_rows(s->pf, s->rg - 1));
    if (cs->plan.kind == AD_PASS)
        return TN_OK;
    if (cs->plan.kind == AD_CAST || cs->plan.kind == AD_COPY) {
        if ((rc = own_column(s, j, err)))
            return rc;
        tn_vector *out = s->chunk->cols[j];
        tn_vector_reset(out);
        if ((rc = convert_rows(&cs->plan, cs->scratch, out, n, err)) && rc != TN_NOMEM)
            tn_err_prefix(err, rc, "%s: \"%s\": column \"%s\": ", s->src->label, s->task->path,
                          s->src->names[s->fields[j]]);
        return rc;
    }
    tn_vector *out = NULL;
    if ((rc = adapt_vec(&cs->plan, cs->scratch, n, &out, err)))
        return rc;
    tn_chunk_set_col(s->chunk, j, out);
    tn_vector_unref(out);
    return TN_OK;
}

static int set_const(delta_scan *s, uint32_t j, const tn_value *v, tn_err *err)
{
    int rc = own_column(s, j, err);
    if (rc)
        return rc;
    tn_vector *x = s->chunk->cols[j];
    tn_vector_reset(x);
    rc = v->is_null ? tn_vector_set_null(x, 0) : tn_value_to_vector(x, 0, v);
    x->kind = TN_VEC_CONST;
    return rc ? nomem(err) : TN_OK;
}

static int set_missing(delta_scan *s, uint32_t j, uint32_t n, tn_err *err)
{
    int rc = own_column(s, j, err);
    if (rc)
        return rc;
    tn_vector *x = s->chunk->cols[j];
    tn_vector_reset(x);
    if (tn_type_is_nested(x->type))
        return null_fill(x, n) ? nomem(err) : TN_OK;
    rc = tn_vector_set_null(x, 0);
    x->kind = TN_VEC_CONST;
    return rc ? nomem(err) : TN_OK;
}

/* Rows of the file batch [first, first + n) that survive the deletion vector(s), into dvsel. */
static uint32_t dv_filter(delta_scan *s, uint64_t first, uint32_t n)
{
    if (!s->dv_only)
        return dlt_dv_select(s->dv, first, n, s->dvsel);
    dlt_dv_iter it;
    dlt_dv_iter_init(&it, s->dv_only, first);
    uint32_t k = 0, m;
    while ((m = dlt_dv_iter_next(&it, first + n, s->dvbuf, TN_BATCH)) > 0)
        for (uint32_t i = 0; i < m; i++)
            if (!s->dv || !dlt_dv_contains(s->dv, s->dvbuf[i]))
                s->dvsel[k++] = (uint32_t)(s->dvbuf[i] - first);
    return k;
}

/* Next batch of the current row group; *n = 0 when it is done. */
static int read_batch(delta_scan *s, uint32_t *n, tn_err *err)
{
    tn_chunk *c = s->chunk;
    for (;;) {
        *n = 0;
        c->count = 0;
        c->sel = NULL;
        c->nsel = 0;
        int rc = ex_op_check_interrupt(&s->base, err);
        if (rc)
            return rc;
        while (s->range_i < s->ranges.n && s->pos >= s->ranges.r[s->range_i].end)
            s->range_i++;
        if (s->range_i >= s->ranges.n)
            return TN_OK;
        uint64_t begin = s->ranges.r[s->range_i].begin;
        if (s->pos < begin) {
            for (uint32_t j = 0; j < s->nfields; j++)
                s->pending_skip[j] += begin - s->pos;
            s->pos = begin;
        }
        uint64_t end = TN_MIN(s->ranges.r[s->range_i].end, s->pos + TN_BATCH);
        uint32_t want = (uint32_t)(end - s->pos), keep = want;
        if (s->dv || s->dv_only) {
            keep = dv_filter(s, s->rg_first + s->pos, want);
            s->stats.rows_deleted += want - keep;
            if (keep == 0) {
                for (uint32_t j = 0; j < s->nfields; j++)
                    s->pending_skip[j] += want;
                s->pos = end;
                continue;
            }
        }
        for (uint32_t j = 0; j < s->nfields; j++) {
            switch (s->cs[j].kind) {
            case CS_READ: rc = read_column(s, j, want, err); break;
            case CS_CONST: rc = set_const(s, j, s->cs[j].cval, err); break;
            default: rc = set_missing(s, j, want, err); break;
            }
            if (rc)
                return rc;
        }
        s->pos = end;
        s->stats.rows_read += want;
        if (s->nfields == 0) {
            c->count = keep;
            *n = keep;
            return TN_OK;
        }
        c->count = want;
        if (keep < want) {
            uint32_t *sel = tn_chunk_sel_buffer(c, keep);
            if (!sel)
                return nomem(err);
            memcpy(sel, s->dvsel, keep * sizeof *sel);
            c->sel = sel;
            c->nsel = keep;
        }
        *n = want;
        return TN_OK;
    }
}

static int scan_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    delta_scan *s = (delta_scan *)op;
    *out = NULL;
    s->started = true;
    int rc = prune_files(s, err);
    if (rc)
        return rc;
    for (;;) {
        if ((rc = ex_op_check_interrupt(op, err)))
            return rc;
        if (!s->in_file) {
            bool got;
            if ((rc = start_file(s, &got, err)) || !got)
                return rc;
        }
        if (!s->pf) { /* counted from add.stats */
            if (s->counted_rows == 0) {
                close_file(s);
                continue;
            }
            uint32_t k = (uint32_t)TN_MIN(s->counted_rows, (uint64_t)TN_BATCH);
            s->counted_rows -= k;
            s->chunk->count = k;
            s->chunk->sel = NULL;
            s->chunk->nsel = 0;
            *out = s->chunk;
            return TN_OK;
        }
        if (!s->in_rg) {
            bool got;
            if ((rc = start_rg(s, &got, err))) {
                close_file(s);
                return rc;
            }
            if (!got) {
                close_file(s);
                continue;
            }
        }
        uint32_t n = 0;
        if ((rc = read_batch(s, &n, err))) {
            close_file(s);
            return rc;
        }
        if (n == 0) {
            close_rg(s);
            continue;
        }
        *out = s->chunk;
        return TN_OK;
    }
}

static void free_preds(pq_predicate *p, uint32_t n)
{
    for (uint32_t i = 0; p && i < n; i++) {
        for (uint32_t j = 0; j < p[i].nvalues; j++)
            tn_value_free(&p[i].values[j]);
        tn_free(p[i].values);
    }
    tn_free(p);
}

static void scan_destroy(ex_op *op)
{
    delta_scan *s = (delta_scan *)op;
    if (s->readers && s->pending_skip)
        close_file(s);
    tn_bufpool_clear(&s->pool);
    tn_free(s->cs);
    tn_free(s->readers);
    tn_free(s->pending_skip);
    tn_free(s->dvsel);
    tn_free(s->dvbuf);
    tn_chunk_free(s->chunk);
    free_preds(s->preds, s->npreds);
    tn_free(s->fields);
    tn_free(s->surv);
    for (uint32_t i = 0; i < EX_DCHANGE_FROM_FILE; i++)
        tn_value_free(&s->change_vals[i]);
}

/* ---- EXPLAIN ---- */

static void explain_value(tn_sbuf *out, const tn_value *v)
{
    if (v->is_null) {
        tn_sbuf_puts(out, "NULL");
        return;
    }
    tn_vector *tmp = tn_vector_new(v->type, 1);
    if (!tmp || tn_value_to_vector(tmp, 0, v) != TN_OK) {
        tn_sbuf_puts(out, "?");
        tn_vector_unref(tmp);
        return;
    }
    bool q = !tn_type_is_numeric(v->type) && v->type.id != TN_T_BOOL;
    if (q)
        tn_sbuf_putc(out, '\'');
    tn_format_vector_row(out, tmp, 0);
    if (q)
        tn_sbuf_putc(out, '\'');
    tn_vector_unref(tmp);
}

static void explain_pred(tn_sbuf *out, const ex_delta_source *src, const pq_predicate *p)
{
    static const char *const ops[] = {"=", "<>", "<", "<=", ">", ">="};
    tn_sbuf_puts(out, src->names[p->field]);
    if (p->op == PQ_PRED_IS_NULL || p->op == PQ_PRED_IS_NOT_NULL) {
        tn_sbuf_puts(out, p->op == PQ_PRED_IS_NULL ? " IS NULL" : " IS NOT NULL");
        return;
    }
    if (p->op == PQ_PRED_IN) {
        tn_sbuf_puts(out, " IN (");
        for (uint32_t i = 0; i < p->nvalues; i++) {
            if (i)
                tn_sbuf_puts(out, ", ");
            explain_value(out, &p->values[i]);
        }
        tn_sbuf_putc(out, ')');
        return;
    }
    if ((unsigned)p->op < TN_ARRAY_LEN(ops) && p->nvalues >= 1) {
        tn_sbuf_printf(out, " %s ", ops[p->op]);
        explain_value(out, &p->values[0]);
    }
}

static void scan_explain(const ex_op *op, tn_sbuf *out)
{
    delta_scan *s = (delta_scan *)(uintptr_t)op;
    const ex_delta_source *src = s->src;
    tn_sbuf_printf(out, "%s columns: ", src->label);
    if (s->nfields == 0)
        tn_sbuf_puts(out, "(none)");
    for (uint32_t i = 0; i < s->nfields; i++) {
        if (i)
            tn_sbuf_puts(out, ", ");
        tn_sbuf_puts(out, src->names[s->fields[i]]);
    }
    if (s->npreds) {
        tn_sbuf_puts(out, "; filters: ");
        for (uint32_t i = 0; i < s->npreds; i++) {
            if (i)
                tn_sbuf_puts(out, " AND ");
            explain_pred(out, src, &s->preds[i]);
        }
    }
    tn_err e = TN_ERR_INIT;
    if (!s->pruned && prune_files(s, &e) != TN_OK) {
        tn_sbuf_printf(out, "; files: %llu total (pruning failed: %s)", (unsigned long long)src->ntasks, e.msg);
        return;
    }
    const ex_delta_scan_stats *st = &s->stats;
    tn_sbuf_printf(out, "; files: %llu total, %llu after partition pruning, %llu after stats skipping",
                   (unsigned long long)st->files_total, (unsigned long long)st->files_after_partition,
                   (unsigned long long)st->files_after_stats);
    uint64_t ndv = 0;
    for (uint64_t i = 0; i < s->nsurv; i++)
        ndv += src->tasks[s->surv[i]].dv != NULL;
    if (ndv)
        tn_sbuf_printf(out, "; deletion vectors: %llu", (unsigned long long)ndv);
    if (s->started)
        tn_sbuf_printf(out,
                       "; files read: %llu; row groups: %llu total, %llu skipped by statistics, %llu by page index; "
                       "rows decoded: %llu, deleted by deletion vectors: %llu",
                       (unsigned long long)st->files_read, (unsigned long long)st->row_groups_total,
                       (unsigned long long)st->row_groups_skipped, (unsigned long long)st->row_groups_skipped_pages,
                       (unsigned long long)st->rows_read, (unsigned long long)st->rows_deleted);
    if (st->files_counted)
        tn_sbuf_printf(out, "; files counted from add.stats numRecords: %llu", (unsigned long long)st->files_counted);
}

static const ex_op_vt g_delta_vt = {"DELTA_SCAN", scan_next, scan_destroy, scan_explain};

/* ---- construction ---- */

static int copy_preds(delta_scan *s, const pq_predicate *preds, uint32_t npreds)
{
    if (npreds == 0)
        return TN_OK;
    s->preds = tn_calloc(npreds, sizeof *s->preds);
    if (!s->preds)
        return TN_NOMEM;
    for (uint32_t i = 0; i < npreds; i++) {
        const pq_predicate *p = &preds[i];
        if (p->field >= s->src->ncols || (p->nvalues && !p->values))
            return TN_MISUSE;
        pq_predicate *d = &s->preds[s->npreds++];
        d->field = p->field;
        d->op = p->op;
        if (p->nvalues == 0)
            continue;
        if (!(d->values = tn_calloc(p->nvalues, sizeof(tn_value))))
            return TN_NOMEM;
        for (uint32_t j = 0; j < p->nvalues; j++) {
            if (tn_value_copy(&d->values[j], &p->values[j]) != TN_OK)
                return TN_NOMEM;
            d->nvalues = j + 1;
        }
    }
    return TN_OK;
}

ex_op *op_scan_delta_create(ex_delta_source *src, const uint32_t *fields, uint32_t nfields,
                            const pq_predicate *preds, uint32_t npreds)
{
    if (!src || (nfields && !fields) || (npreds && !preds))
        return NULL;
    for (uint32_t i = 0; i < nfields; i++)
        if (fields[i] >= src->ncols)
            return NULL;
    tn_type *types = tn_calloc(nfields ? nfields : 1, sizeof *types);
    if (!types)
        return NULL;
    for (uint32_t i = 0; i < nfields; i++)
        types[i] = src->types[fields[i]];
    delta_scan *s = ex_op_alloc(sizeof *s, &g_delta_vt, nfields, types);
    if (!s) {
        tn_free(types);
        return NULL;
    }
    s->src = src;
    s->nfields = nfields;
    s->prune = EX_PRUNE_ALL;
    s->fields = tn_calloc(nfields ? nfields : 1, sizeof *s->fields);
    s->cs = tn_calloc(nfields ? nfields : 1, sizeof *s->cs);
    s->readers = tn_calloc(nfields ? nfields : 1, sizeof *s->readers);
    s->pending_skip = tn_calloc(nfields ? nfields : 1, sizeof *s->pending_skip);
    s->dvsel = tn_malloc(TN_BATCH * sizeof *s->dvsel);
    s->dvbuf = tn_malloc(TN_BATCH * sizeof *s->dvbuf);
    s->chunk = tn_chunk_new(nfields, nfields ? types : NULL, TN_BATCH);
    tn_free(types);
    s->null_val = tn_value_null(tn_type_make(TN_T_VARCHAR));
    static const char *const change_names[EX_DCHANGE_FROM_FILE] = {NULL, "insert", "delete"};
    bool ok = s->fields && s->cs && s->readers && s->pending_skip && s->dvsel && s->dvbuf && s->chunk;
    for (uint32_t i = 0; ok && i < EX_DCHANGE_FROM_FILE; i++) {
        if (change_names[i])
            ok = tn_value_set_string(&s->change_vals[i], tn_type_make(TN_T_VARCHAR), change_names[i],
                                     (uint32_t)strlen(change_names[i])) == TN_OK;
        else
            s->change_vals[i] = tn_value_null(tn_type_make(TN_T_VARCHAR));
    }
    if (!ok || copy_preds(s, preds, npreds) != TN_OK) {
        ex_op_free(&s->base);
        return NULL;
    }
    if (nfields)
        memcpy(s->fields, fields, nfields * sizeof *fields);
    atomic_init(&s->cursor, 0);
    s->stats.files_total = src->ntasks;
    return &s->base;
}

const ex_delta_scan_stats *op_scan_delta_stats(const ex_op *op)
{
    if (!op || op->vt != &g_delta_vt)
        return NULL;
    return &((const delta_scan *)op)->stats;
}

void op_scan_delta_set_pruning(ex_op *op, unsigned mask)
{
    if (op && op->vt == &g_delta_vt)
        ((delta_scan *)op)->prune = mask & EX_PRUNE_ALL;
}
