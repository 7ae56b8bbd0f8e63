/*
 * op_scan_parquet.c -- PARQUET_SCAN: the leaf operator reading an ex_pq_source.
 *
 * Work is cut into morsels, one per (file, row group), numbered in file order then row-group
 * order. A morsel cursor (an atomic counter over that numbering) hands them out; today a single
 * operator drains it, but the cursor is already safe to share, so a later issue can run one scan
 * per worker thread over one cursor without touching the reading code.
 *
 * For each morsel:
 *  1. The pushed-down predicates (remapped to the file's own field indexes, since files of one
 *     source may order their columns differently) are tested against the row group statistics
 *     with pq_row_group_may_match; a row group they prove empty is skipped and counted. The
 *     predicates are only hints: the plan filters rows above the scan again.
 *  2. One pq_column_reader per projected field is opened (projection pushdown: other column
 *     chunks are never read). Batches of min(TN_BATCH, rows left in the row group) rows are
 *     requested from every reader, and every reader must deliver exactly that many rows; a
 *     disagreement with the row group's declared row count is reported as TN_CORRUPT, never
 *     papered over, so all output columns stay row-aligned.
 *  3. With no projected fields (COUNT(*)), chunks of zero columns carry only the row count taken
 *     from the row group metadata: no column chunk is read at all.
 *
 * Output vectors are owned by the operator and reused batch after batch; a vector still referenced
 * downstream when the next batch starts is replaced instead of being overwritten.
 */
#include "scan_parquet.h"
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include "../util/format.h"

/* ---- morsel cursor: a thread-safe dispenser of morsel numbers [0, total) ---- */
typedef struct morsel_cursor {
    _Atomic uint64_t next;
    uint64_t total;
} morsel_cursor;

static void cursor_init(morsel_cursor *c, uint64_t total)
{
    atomic_init(&c->next, 0);
    c->total = total;
}

static bool cursor_claim(morsel_cursor *c, uint64_t *morsel)
{
    /* relaxed is enough: the number is the only thing communicated */
    uint64_t m = atomic_fetch_add_explicit(&c->next, 1, memory_order_relaxed);
    if (m >= c->total)
        return false;
    *morsel = m;
    return true;
}

typedef struct scan_op {
    ex_op base;
    ex_pq_source *src;
    uint32_t nfields;
    uint32_t *fields;          /* source column per output column */
    pq_predicate *preds;       /* owned deep copies; field = source column */
    uint32_t npreds;
    uint64_t *rg_start;        /* nfiles + 1 prefix sums of row groups: morsel -> (file, rg) */
    morsel_cursor cursor;

    /* per-file mapping (recomputed when the scan moves to another file) */
    uint32_t map_file;         /* file the mapping below is for; UINT32_MAX = none */
    uint32_t *file_fields;     /* nfields: file-local field index of each output column */
    pq_predicate *file_preds;  /* npreds: preds with file-local field indexes (values shared) */

    /* current morsel */
    bool in_morsel;
    uint32_t cur_file, cur_rg;
    uint64_t rows_left;
    pq_column_reader **readers; /* nfields */

    tn_chunk *chunk;
    ex_scan_stats stats;
} scan_op;

static const ex_op_vt g_scan_vt;

static int field_for(const pq_file *f, uint32_t col, const char *name)
{
    if (col < pq_file_num_fields(f)) {
        const pq_schema_node *n = pq_file_field(f, col);
        if (n && n->name && strcasecmp(n->name, name) == 0)
            return (int)col;
    }
    return pq_file_field_index(f, name);
}

static int map_file(scan_op *s, uint32_t file, tn_err *err)
{
    if (s->map_file == file)
        return TN_OK;
    const ex_pq_source *src = s->src;
    const pq_file *f = src->files[file];
    for (uint32_t i = 0; i < s->nfields; i++) {
        int fi = field_for(f, s->fields[i], src->names[s->fields[i]]);
        if (fi < 0)
            return tn_err_set(err, TN_ERROR, "%s: column \"%s\" not found", pq_file_path(f),
                              src->names[s->fields[i]]);
        s->file_fields[i] = (uint32_t)fi;
    }
    for (uint32_t i = 0; i < s->npreds; i++) {
        int fi = field_for(f, s->preds[i].field, src->names[s->preds[i].field]);
        if (fi < 0)
            return tn_err_set(err, TN_ERROR, "%s: column \"%s\" not found", pq_file_path(f),
                              src->names[s->preds[i].field]);
        s->file_preds[i] = s->preds[i];
        s->file_preds[i].field = (uint32_t)fi;
    }
    s->map_file = file;
    return TN_OK;
}

static void close_readers(scan_op *s)
{
    if (s->readers)
        for (uint32_t i = 0; i < s->nfields; i++) {
            pq_column_reader_close(s->readers[i]);
            s->readers[i] = NULL;
        }
    s->in_morsel = false;
}

/* Morsel number -> (file, row group) by binary search over the prefix sums. */
static void morsel_locate(const scan_op *s, uint64_t m, uint32_t *file, uint32_t *rg)
{
    uint32_t lo = 0, hi = s->src->nfiles; /* rg_start[lo] <= m < rg_start[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->rg_start[mid] <= m)
            lo = mid;
        else
            hi = mid;
    }
    *file = lo;
    *rg = (uint32_t)(m - s->rg_start[lo]);
}

/* Claim morsels until one survives pruning and is opened; false when the cursor is exhausted. */
static int start_morsel(scan_op *s, bool *got, tn_err *err)
{
    uint64_t m;
    *got = false;
    while (cursor_claim(&s->cursor, &m)) {
        uint32_t file, rg;
        morsel_locate(s, m, &file, &rg);
        int rc = map_file(s, file, err);
        if (rc)
            return rc;
        pq_file *f = s->src->files[file];
        if (s->npreds && !pq_row_group_may_match(f, rg, s->file_preds, s->npreds)) {
            s->stats.row_groups_skipped++;
            continue;
        }
        int64_t nrows = pq_row_group_num_rows(f, rg);
        s->rows_left = nrows > 0 ? (uint64_t)nrows : 0;
        s->cur_file = file;
        s->cur_rg = rg;
        s->in_morsel = true;
        for (uint32_t i = 0; i < s->nfields; i++) {
            rc = pq_column_reader_open(f, rg, s->file_fields[i], &s->readers[i], err);
            if (rc) {
                close_readers(s);
                return rc;
            }
        }
        *got = true;
        return TN_OK;
    }
    return TN_OK;
}

/* Make output column i writable: a vector still referenced elsewhere is replaced. */
static int own_column(scan_op *s, uint32_t i, tn_err *err)
{
    tn_vector *v = s->chunk->cols[i];
    if (atomic_load((_Atomic int64_t *)&v->refcnt) == 1)
        return TN_OK;
    tn_vector *nv = tn_vector_new(v->type, TN_BATCH);
    if (!nv)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    tn_chunk_set_col(s->chunk, i, nv);
    tn_vector_unref(nv);
    return TN_OK;
}

/* Read the next batch of the current morsel into the chunk; *n = 0 when the morsel is done. */
static int read_batch(scan_op *s, uint32_t *n, tn_err *err)
{
    *n = 0;
    if (s->rows_left == 0)
        return TN_OK;
    uint32_t want = (uint32_t)TN_MIN((uint64_t)TN_BATCH, s->rows_left);
    if (s->nfields == 0) {
        *n = want;
        s->rows_left -= want;
        return TN_OK;
    }
    tn_chunk *c = s->chunk;
    const pq_file *f = s->src->files[s->cur_file];
    for (uint32_t i = 0; i < s->nfields; i++) {
        int rc = own_column(s, i, err);
        if (rc)
            return rc;
        uint32_t got = 0;
        rc = pq_column_reader_next(s->readers[i], want, c->cols[i], &got, err);
        if (rc)
            return rc;
        if (got != want)
            return tn_err_set(err, TN_CORRUPT,
                              "%s: row group %u: column \"%s\" ends after %llu of %lld rows",
                              pq_file_path(f), s->cur_rg, s->src->names[s->fields[i]],
                              (unsigned long long)((uint64_t)pq_row_group_num_rows(f, s->cur_rg) -
                                                   s->rows_left + got),
                              (long long)pq_row_group_num_rows(f, s->cur_rg));
    }
    *n = want;
    s->rows_left -= want;
    return TN_OK;
}

static int scan_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    scan_op *s = (scan_op *)op;
    *out = NULL;
    int rc = TN_OK;
    for (;;) {
        if (op->interrupt && *op->interrupt)
            return tn_err_set(err, TN_INTERRUPT, "query interrupted");
        if (!s->in_morsel) {
            bool got;
            rc = start_morsel(s, &got, err);
            if (rc || !got)
                return rc;
        }
        uint32_t n = 0;
        /* no tn_chunk_reset: own_column decides per vector whether it may be overwritten, and
         * the column readers reset the vectors they fill */
        s->chunk->count = 0;
        s->chunk->sel = NULL;
        s->chunk->nsel = 0;
        rc = read_batch(s, &n, err);
        if (rc) {
            close_readers(s);
            return rc;
        }
        if (n == 0) {
            close_readers(s);
            continue;
        }
        s->chunk->count = n;
        s->stats.rows_read += n;
        *out = s->chunk;
        return TN_OK;
    }
}

static void scan_destroy(ex_op *op)
{
    scan_op *s = (scan_op *)op;
    close_readers(s);
    tn_free(s->readers);
    tn_chunk_free(s->chunk);
    if (s->preds)
        for (uint32_t i = 0; i < s->npreds; i++) {
            for (uint32_t j = 0; j < s->preds[i].nvalues; j++)
                tn_value_free(&s->preds[i].values[j]);
            tn_free(s->preds[i].values);
        }
    tn_free(s->preds);
    tn_free(s->file_preds);
    tn_free(s->file_fields);
    tn_free(s->fields);
    tn_free(s->rg_start);
    s->readers = NULL;
    s->chunk = NULL;
    s->preds = NULL;
    s->file_preds = NULL;
    s->file_fields = NULL;
    s->fields = NULL;
    s->rg_start = NULL;
}

/* ---- EXPLAIN ---- */
static bool quoted_type(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_VARCHAR:
    case TN_T_BLOB:
    case TN_T_DATE:
    case TN_T_TIME:
    case TN_T_TIMESTAMP:
    case TN_T_INTERVAL:
    case TN_T_UUID: return true;
    default: return false;
    }
}

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
    bool q = quoted_type(v->type);
    if (q)
        tn_sbuf_putc(out, '\'');
    tn_format_vector_row(out, tmp, 0);
    if (q)
        tn_sbuf_putc(out, '\'');
    tn_vector_unref(tmp);
}

static void explain_pred(tn_sbuf *out, const ex_pq_source *src, const pq_predicate *p)
{
    static const char *const ops[] = {"=", "<>", "<", "<=", ">", ">="};
    tn_sbuf_puts(out, src->names[p->field]);
    switch (p->op) {
    case PQ_PRED_IS_NULL: tn_sbuf_puts(out, " IS NULL"); return;
    case PQ_PRED_IS_NOT_NULL: tn_sbuf_puts(out, " IS NOT NULL"); return;
    case PQ_PRED_IN:
        tn_sbuf_puts(out, " IN (");
        for (uint32_t i = 0; i < p->nvalues; i++) {
            if (i)
                tn_sbuf_puts(out, ", ");
            explain_value(out, &p->values[i]);
        }
        tn_sbuf_putc(out, ')');
        return;
    default:
        if ((unsigned)p->op < TN_ARRAY_LEN(ops) && p->nvalues >= 1) {
            tn_sbuf_printf(out, " %s ", ops[p->op]);
            explain_value(out, &p->values[0]);
        } else {
            tn_sbuf_puts(out, " ?");
        }
        return;
    }
}

static void scan_explain(const ex_op *op, tn_sbuf *out)
{
    const scan_op *s = (const scan_op *)op;
    const ex_pq_source *src = s->src;
    tn_sbuf_printf(out, "%s (%u file%s) columns: ", src->pattern, src->nfiles, src->nfiles == 1 ? "" : "s");
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
    tn_sbuf_printf(out, "; row groups: %llu total, %llu skipped", (unsigned long long)s->stats.row_groups_total,
                   (unsigned long long)s->stats.row_groups_skipped);
}

static const ex_op_vt g_scan_vt = {"PARQUET_SCAN", scan_next, scan_destroy, scan_explain};

/* ---- construction ---- */
static int copy_preds(scan_op *s, const pq_predicate *preds, uint32_t npreds)
{
    if (npreds == 0)
        return TN_OK;
    s->preds = tn_calloc(npreds, sizeof *s->preds);
    s->file_preds = tn_calloc(npreds, sizeof *s->file_preds);
    if (!s->preds || !s->file_preds)
        return TN_NOMEM;
    s->npreds = npreds;
    for (uint32_t i = 0; i < npreds; i++) {
        const pq_predicate *p = &preds[i];
        if (p->field >= s->src->ncols || (p->nvalues && !p->values))
            return TN_MISUSE;
        s->preds[i].field = p->field;
        s->preds[i].op = p->op;
        if (p->nvalues == 0)
            continue;
        s->preds[i].values = tn_calloc(p->nvalues, sizeof(tn_value));
        if (!s->preds[i].values)
            return TN_NOMEM;
        for (uint32_t j = 0; j < p->nvalues; j++) {
            if (tn_value_copy(&s->preds[i].values[j], &p->values[j]) != TN_OK) {
                /* keep the array consistent for scan_destroy: only j values are owned */
                s->preds[i].nvalues = j;
                return TN_NOMEM;
            }
        }
        s->preds[i].nvalues = p->nvalues;
    }
    return TN_OK;
}

ex_op *op_scan_parquet_create(ex_pq_source *src, const uint32_t *fields, uint32_t nfields,
                              const pq_predicate *preds, uint32_t npreds)
{
    if (!src || (nfields && !fields) || (npreds && !preds))
        return NULL;
    for (uint32_t i = 0; i < nfields; i++)
        if (fields[i] >= src->ncols)
            return NULL;
    scan_op *s = tn_calloc(1, sizeof *s);
    tn_type *types = tn_calloc(nfields ? nfields : 1, sizeof *types);
    if (!s || !types) {
        tn_free(s);
        tn_free(types);
        return NULL;
    }
    for (uint32_t i = 0; i < nfields; i++)
        types[i] = src->types[fields[i]];
    int rc = ex_op_init_base(&s->base, &g_scan_vt, nfields, types);
    if (rc) {
        tn_free(types);
        tn_free(s);
        return NULL;
    }
    s->src = src;
    s->map_file = UINT32_MAX;
    s->nfields = nfields;
    s->fields = tn_calloc(nfields ? nfields : 1, sizeof *s->fields);
    s->file_fields = tn_calloc(nfields ? nfields : 1, sizeof *s->file_fields);
    s->readers = tn_calloc(nfields ? nfields : 1, sizeof *s->readers);
    s->rg_start = tn_calloc((size_t)src->nfiles + 1, sizeof *s->rg_start);
    s->chunk = tn_chunk_new(nfields, nfields ? types : NULL, TN_BATCH);
    tn_free(types);
    if (!s->fields || !s->file_fields || !s->readers || !s->rg_start || !s->chunk)
        goto fail;
    if (nfields)
        memcpy(s->fields, fields, nfields * sizeof *fields);
    if (copy_preds(s, preds, npreds) != TN_OK)
        goto fail;
    for (uint32_t i = 0; i < src->nfiles; i++)
        s->rg_start[i + 1] = s->rg_start[i] + pq_file_num_row_groups(src->files[i]);
    cursor_init(&s->cursor, s->rg_start[src->nfiles]);
    s->stats.files = src->nfiles;
    s->stats.row_groups_total = s->rg_start[src->nfiles];
    return &s->base;
fail:
    ex_op_free(&s->base);
    return NULL;
}

const ex_scan_stats *op_scan_parquet_stats(const ex_op *op)
{
    if (!op || op->vt != &g_scan_vt)
        return NULL;
    return &((const scan_op *)op)->stats;
}
