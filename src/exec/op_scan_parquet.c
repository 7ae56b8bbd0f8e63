/*
 * op_scan_parquet.c -- PARQUET_SCAN: the leaf operator reading an ex_pq_source.
 *
 * Work is cut into morsels, one per (file, row group), numbered in file order then row-group
 * order. A morsel cursor (an atomic counter over that numbering) hands them out; today a single
 * operator drains it, but the cursor is already safe to share, so a later issue can run one scan
 * per worker thread over one cursor without touching the reading code.
 *
 * For each morsel, pruning first decides which rows to read (each step can be disabled with
 * op_scan_parquet_set_pruning; all are only hints, the plan filters rows above the scan again):
 *  1. Statistics: the pushed-down predicates (remapped to the file's own field indexes, since
 *     files of one source may order their columns differently) are tested against the row group
 *     statistics with pq_row_group_may_match; a row group they prove empty is skipped.
 *  2. Bloom filters: for EQ / IN predicates, pq_row_group_bloom_may_match probes the column
 *     chunk's split-block Bloom filter; when every value is certainly absent the row group is
 *     skipped. Filters are read only for row groups that survived step 1.
 *  3. Page index: pq_row_group_select_rows turns the predicate columns' ColumnIndex/OffsetIndex
 *     into the row ranges that may match (intersection over the columns). No range: the row
 *     group is skipped. Otherwise only those ranges are read.
 * Then one pq_column_reader per projected field is opened (projection pushdown: other column
 * chunks are never read) and the ranges are walked with a row cursor `pos` shared by every
 * reader: a gap before a range is skipped in every reader (pq_column_reader_skip, which drops
 * whole pages without decompressing them; skips are deferred per column and merged until the
 * column is next read, so consecutive skipped batches become one long skip), and a batch window
 * [pos, pos + n) of at most TN_BATCH rows is read in every reader. A window may span several ranges whose gaps are small
 * (GAP_READ_THROUGH rows); the gap rows are then decoded but left out of the chunk's selection
 * vector, which avoids a flood of tiny batches on files with tiny pages. Every reader must deliver
 * exactly the rows requested; a disagreement with the row group's declared row count is
 * TN_CORRUPT, never papered over, so all output columns stay row-aligned. Rows outside the
 * ranges are never emitted.
 *
 * Late materialization (op_scan_parquet_set_filter): when the scan holds the WHERE predicate
 * and some projected column is not referenced by it, a window is read in two steps: the filter's
 * columns, then ex_expr_select narrows the window's selection to the rows where the predicate is
 * TRUE. No survivor: the other columns skip the window. Otherwise they are decoded up to the last
 * survivor only (the chunk's count ends there) and skip the rest. The chunk is emitted with the
 * selection. The FILTER operator above re-applies the same predicate (correct, and cheap on a
 * selected chunk); it is kept so that the scan's filter is an optimisation that can be turned
 * off or refused (volatile predicates, OOM) without changing results. Since that costs a second
 * evaluation, the scan stops evaluating the filter for the rest of a row group after
 * LATE_GIVE_UP consecutive batches in which it saved almost nothing (survivors up to the end).
 *
 * With no projected fields (COUNT(*)), chunks of zero columns carry only the row count of the
 * selected ranges: no column chunk is read at all.
 *
 * Counters (ex_scan_stats) record what each step skipped; EXPLAIN prints them. Before the scan has
 * run, EXPLAIN computes the pruning counters with a dry run of steps 1-3 (reading Bloom filters and
 * page indexes, no data pages); after it has run, it prints the actual counters, including the
 * rows late materialization skipped.
 *
 * Output vectors are owned by the operator and reused batch after batch; a vector still referenced
 * downstream when the next batch starts is replaced instead of being overwritten.
 */
#include "scan_parquet.h"
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include "../util/format.h"
#include "../util/bufpool.h"

/* Gaps between selected row ranges up to this many rows are decoded and deselected rather than
 * skipped, so that one batch can cover several small ranges. */
#define GAP_READ_THROUGH 256
/* Late materialization costs one extra evaluation of the filter per batch (the FILTER above
 * evaluates it again). After this many consecutive batches in which it saved less than 1/16 of
 * the rows of the other columns, it is switched off for the rest of the row group. */
#define LATE_GIVE_UP 4

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
    tn_bufpool pool;           /* chunk/page buffers reused from row group to row group */
    uint32_t nfields;
    uint32_t *fields;          /* source column per output column */
    pq_predicate *preds;       /* owned deep copies; field = source column */
    uint32_t npreds;
    uint64_t *rg_start;        /* nfiles + 1 prefix sums of row groups: morsel -> (file, rg) */
    morsel_cursor cursor;
    unsigned prune;            /* EX_PRUNE_* */
    bool started;              /* next() was called: the counters are actual */

    /* per-file mapping (recomputed when the scan moves to another file) */
    uint32_t map_file;         /* file the mapping below is for; UINT32_MAX = none */
    uint32_t *file_fields;     /* nfields: file-local field index of each output column */
    pq_predicate *file_preds;  /* npreds: preds with file-local field indexes (values shared) */

    /* current morsel */
    bool in_morsel;
    uint32_t cur_file, cur_rg;
    uint64_t rg_rows;          /* rows of the current row group */
    uint64_t pos;              /* next row (within the row group) every reader is positioned at */
    pq_row_ranges ranges;      /* rows to read; sorted, disjoint */
    uint32_t range_i;          /* first range not yet finished */
    pq_column_reader **readers; /* nfields */
    uint64_t *pending_skip;    /* nfields: rows each reader still has to skip before its next read */

    /* late materialization */
    ex_expr *filter;           /* owned; over the output columns */
    bool *filter_col;          /* nfields: referenced by filter */
    uint32_t nfilter_cols;
    uint32_t *range_sel;       /* TN_BATCH: rows of the window inside the ranges */
    uint32_t late_streak;      /* consecutive batches where late materialization saved < 1/16 */
    bool late_off;             /* given up for the current morsel (see LATE_GIVE_UP) */

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

/* preds remapped to the file-local field indexes of file `file` into out[npreds] (values shared). */
static int map_preds(const scan_op *s, uint32_t file, pq_predicate *out, tn_err *err)
{
    const ex_pq_source *src = s->src;
    const pq_file *f = src->files[file];
    for (uint32_t i = 0; i < s->npreds; i++) {
        int fi = field_for(f, s->preds[i].field, src->names[s->preds[i].field]);
        if (fi < 0)
            return tn_err_set(err, TN_ERROR, "%s: column \"%s\" not found", pq_file_path(f),
                              src->names[s->preds[i].field]);
        out[i] = s->preds[i];
        out[i].field = (uint32_t)fi;
    }
    return TN_OK;
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
    int rc = map_preds(s, file, s->file_preds, err);
    if (rc)
        return rc;
    s->map_file = file;
    return TN_OK;
}

static void close_readers(scan_op *s)
{
    if (s->readers)
        for (uint32_t i = 0; i < s->nfields; i++) {
            pq_column_reader_close(s->readers[i]);
            s->readers[i] = NULL;
            if (s->pending_skip)
                s->pending_skip[i] = 0;
        }
    pq_row_ranges_free(&s->ranges);
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

static bool has_eq_or_in(const pq_predicate *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i].op == PQ_PRED_EQ || p[i].op == PQ_PRED_IN)
            return true;
    return false;
}

/* Pruning steps 1-3 for row group rg of f with file-local predicates fp: *keep = false when the
 * row group is skipped (counted in st); otherwise *ranges (initialised here; the caller frees it)
 * holds the rows to read. */
static int prune_row_group(const scan_op *s, pq_file *f, uint32_t rg, const pq_predicate *fp, ex_scan_stats *st,
                           pq_row_ranges *ranges, bool *keep, tn_err *err)
{
    memset(ranges, 0, sizeof *ranges);
    *keep = false;
    int64_t nr = pq_row_group_num_rows(f, rg);
    uint64_t nrows = nr > 0 ? (uint64_t)nr : 0;
    if (s->npreds && (s->prune & EX_PRUNE_STATS) && !pq_row_group_may_match(f, rg, fp, s->npreds)) {
        st->row_groups_skipped++;
        return TN_OK;
    }
    if (s->npreds && (s->prune & EX_PRUNE_BLOOM) && has_eq_or_in(fp, s->npreds)) {
        bool may = true;
        uint32_t nread = 0;
        int rc = pq_row_group_bloom_may_match(f, rg, fp, s->npreds, &may, &nread, err);
        if (rc)
            return rc;
        st->bloom_filters_read += nread;
        if (!may) {
            st->row_groups_skipped_bloom++;
            return TN_OK;
        }
    }
    if (s->npreds && (s->prune & EX_PRUNE_PAGES)) {
        int rc = pq_row_group_select_rows(f, rg, fp, s->npreds, ranges, err);
        if (rc)
            return rc;
        st->pages_total += ranges->pages_total;
        st->pages_skipped += ranges->pages_skipped;
        uint64_t kept = pq_row_ranges_count(ranges);
        st->rows_skipped_pages += nrows - TN_MIN(kept, nrows);
        if (kept == 0 && nrows > 0) {
            st->row_groups_skipped_pages++;
            pq_row_ranges_free(ranges);
            return TN_OK;
        }
    } else if (nrows > 0) {
        ranges->r = tn_malloc(sizeof *ranges->r);
        if (!ranges->r)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        ranges->r[0] = (pq_row_range){0, nrows};
        ranges->n = ranges->cap = 1;
    }
    *keep = true;
    return TN_OK;
}

/* Claim morsels until one survives pruning and is opened; false when the cursor is exhausted. */
static int start_morsel(scan_op *s, bool *got, tn_err *err)
{
    uint64_t m;
    *got = false;
    while (cursor_claim(&s->cursor, &m)) {
        if (s->base.interrupt && *s->base.interrupt)
            return tn_err_set(err, TN_INTERRUPT, "query interrupted");
        uint32_t file, rg;
        morsel_locate(s, m, &file, &rg);
        int rc = map_file(s, file, err);
        if (rc)
            return rc;
        pq_file *f = s->src->files[file];
        bool keep;
        if ((rc = prune_row_group(s, f, rg, s->file_preds, &s->stats, &s->ranges, &keep, err)))
            return rc;
        if (!keep)
            continue;
        int64_t nrows = pq_row_group_num_rows(f, rg);
        s->rg_rows = nrows > 0 ? (uint64_t)nrows : 0;
        s->pos = 0;
        s->range_i = 0;
        s->late_streak = 0;
        s->late_off = false;
        s->cur_file = file;
        s->cur_rg = rg;
        s->in_morsel = true;
        for (uint32_t i = 0; i < s->nfields && s->ranges.n; i++) {
            rc = pq_column_reader_open_pooled(f, rg, s->file_fields[i], &s->pool, &s->readers[i], err);
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

/* Apply column i's pending skip (see skip_column). */
static int flush_skip(scan_op *s, uint32_t i, tn_err *err)
{
    uint64_t n = s->pending_skip[i];
    if (n == 0)
        return TN_OK;
    s->pending_skip[i] = 0;
    int rc = pq_column_reader_skip(s->readers[i], n, err);
    if (rc == TN_CORRUPT) {
        const pq_file *f = s->src->files[s->cur_file];
        return tn_err_prefix(err, rc, "%s: row group %u: column \"%s\": ", pq_file_path(f), s->cur_rg,
                             s->src->names[s->fields[i]]);
    }
    return rc;
}

/* Read `want` rows (from s->pos) of output column i into the chunk. */
static int read_column(scan_op *s, uint32_t i, uint32_t want, tn_err *err)
{
    int rc = own_column(s, i, err);
    if (rc || (rc = flush_skip(s, i, err)))
        return rc;
    uint32_t got = 0;
    if ((rc = pq_column_reader_next(s->readers[i], want, s->chunk->cols[i], &got, err)))
        return rc;
    if (got != want) {
        const pq_file *f = s->src->files[s->cur_file];
        return tn_err_set(err, TN_CORRUPT, "%s: row group %u: column \"%s\" ends after %llu of %lld rows",
                          pq_file_path(f), s->cur_rg, s->src->names[s->fields[i]],
                          (unsigned long long)(s->pos + got), (long long)pq_row_group_num_rows(f, s->cur_rg));
    }
    return TN_OK;
}

/* Skip n rows of output column i. Skips are deferred and merged until the column is read again:
 * one long skip drops whole pages without decompressing them, whereas batch-sized skips would
 * land inside pages and decompress each of them. Rows never read again are never skipped at all
 * (the readers are closed at the end of the row group). */
static void skip_column(scan_op *s, uint32_t i, uint64_t n) { s->pending_skip[i] += n; }

/* The batch window starting at s->pos (which lies in range s->range_i): its end, and the rows of
 * it inside the ranges as offsets from s->pos in s->range_sel (*nsel; *gaps = false when the
 * window is one contiguous run, then range_sel is unused). */
static uint64_t batch_window(scan_op *s, uint32_t *nsel, bool *gaps)
{
    const pq_row_range *r = s->ranges.r;
    uint64_t start = s->pos, limit = start + TN_BATCH;
    uint64_t end = TN_MIN(r[s->range_i].end, limit);
    uint32_t j = s->range_i + 1;
    while (end < limit && j < s->ranges.n && r[j].begin < limit && r[j].begin - end <= GAP_READ_THROUGH &&
           end == r[j - 1].end) {
        end = TN_MIN(r[j].end, limit);
        j++;
    }
    *gaps = j > s->range_i + 1;
    if (!*gaps) {
        *nsel = (uint32_t)(end - start);
        return end;
    }
    uint32_t k = 0;
    for (uint32_t x = s->range_i; x < j; x++) {
        uint64_t b = TN_MAX(r[x].begin, start), e = TN_MIN(r[x].end, end);
        for (uint64_t row = b; row < e; row++)
            s->range_sel[k++] = (uint32_t)(row - start);
    }
    *nsel = k;
    return end;
}

static bool late_configured(const scan_op *s)
{
    return s->filter && (s->prune & EX_PRUNE_LATE) && s->nfilter_cols > 0 && s->nfilter_cols < s->nfields;
}

static bool late_active(const scan_op *s) { return !s->late_off && late_configured(s); }

/* Read the next batch of the current morsel into the chunk; *n = rows (chunk count), 0 when the
 * morsel is done. */
static int read_batch(scan_op *s, uint32_t *n, tn_err *err)
{
    tn_chunk *c = s->chunk;
    int rc;
    for (;;) {
        *n = 0;
        c->count = 0;
        c->sel = NULL;
        c->nsel = 0;
        if (s->base.interrupt && *s->base.interrupt)
            return tn_err_set(err, TN_INTERRUPT, "query interrupted");
        while (s->range_i < s->ranges.n && s->pos >= s->ranges.r[s->range_i].end)
            s->range_i++;
        if (s->range_i >= s->ranges.n)
            return TN_OK; /* rows after the last range are never read */
        uint64_t begin = s->ranges.r[s->range_i].begin;
        if (s->pos < begin) {
            for (uint32_t i = 0; i < s->nfields; i++)
                skip_column(s, i, begin - s->pos);
            s->pos = begin;
        }
        uint32_t nsel;
        bool gaps;
        uint64_t end = batch_window(s, &nsel, &gaps);
        uint32_t want = (uint32_t)(end - s->pos);
        if (s->nfields == 0) {
            /* COUNT(*): only the number of selected rows matters */
            s->pos = end;
            *n = nsel;
            c->count = nsel;
            return TN_OK;
        }
        if (!late_active(s)) {
            for (uint32_t i = 0; i < s->nfields; i++)
                if ((rc = read_column(s, i, want, err)))
                    return rc;
            s->pos = end;
            c->count = want;
            if (gaps) {
                c->sel = s->range_sel;
                c->nsel = nsel;
            }
            *n = want;
            return TN_OK;
        }
        /* late materialization: the filter's columns first */
        for (uint32_t i = 0; i < s->nfields; i++)
            if (s->filter_col[i] && (rc = read_column(s, i, want, err)))
                return rc;
        c->count = want;
        if (gaps) {
            c->sel = s->range_sel;
            c->nsel = nsel;
        }
        uint32_t *sel = tn_chunk_sel_buffer(c, want);
        if (!sel)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        uint32_t k = 0;
        if ((rc = ex_expr_select(s->filter, c, sel, &k, err)))
            return rc;
        s->stats.rows_filtered += nsel - TN_MIN(k, nsel);
        uint32_t upto = k ? sel[k - 1] + 1 : 0; /* the other columns are needed up to here */
        for (uint32_t i = 0; i < s->nfields; i++) {
            if (s->filter_col[i])
                continue;
            if (upto && (rc = read_column(s, i, upto, err)))
                return rc;
            skip_column(s, i, want - upto);
        }
        s->stats.rows_skipped_late += want - upto;
        if ((uint64_t)(want - upto) * 16 < want) {
            if (++s->late_streak >= LATE_GIVE_UP)
                s->late_off = true;
        } else {
            s->late_streak = 0;
        }
        s->pos = end;
        if (k == 0) {
            c->count = 0;
            c->sel = NULL;
            continue;
        }
        c->count = upto;
        if (k == upto) {
            c->sel = NULL;
            c->nsel = 0;
        } else {
            c->sel = sel;
            c->nsel = k;
        }
        *n = upto;
        return TN_OK;
    }
}

static int scan_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    scan_op *s = (scan_op *)op;
    *out = NULL;
    s->started = true;
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
        rc = read_batch(s, &n, err);
        if (rc) {
            close_readers(s);
            return rc;
        }
        if (n == 0) {
            close_readers(s);
            continue;
        }
        s->stats.rows_read += n;
        *out = s->chunk;
        return TN_OK;
    }
}

static void scan_destroy(ex_op *op)
{
    scan_op *s = (scan_op *)op;
    close_readers(s);
    tn_bufpool_clear(&s->pool);
    tn_free(s->readers);
    tn_free(s->pending_skip);
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
    ex_expr_free(s->filter);
    tn_free(s->filter_col);
    tn_free(s->range_sel);
    s->readers = NULL;
    s->chunk = NULL;
    s->preds = NULL;
    s->file_preds = NULL;
    s->file_fields = NULL;
    s->fields = NULL;
    s->rg_start = NULL;
    s->filter = NULL;
    s->filter_col = NULL;
    s->range_sel = NULL;
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

/* Pruning counters of a scan that has not run: steps 1-3 over every morsel, no data read.
 * Failures (I/O) leave the counters computed so far. */
static void dry_run(const scan_op *s, ex_scan_stats *st)
{
    pq_predicate *fp = tn_calloc(s->npreds, sizeof *fp);
    if (!fp)
        return;
    tn_err err = TN_ERR_INIT;
    for (uint32_t file = 0; file < s->src->nfiles; file++) {
        if (map_preds(s, file, fp, &err) != TN_OK)
            continue;
        pq_file *f = s->src->files[file];
        uint32_t nrg = pq_file_num_row_groups(f);
        for (uint32_t rg = 0; rg < nrg; rg++) {
            pq_row_ranges r;
            bool keep;
            int rc = prune_row_group(s, f, rg, fp, st, &r, &keep, &err);
            pq_row_ranges_free(&r);
            if (rc)
                goto done;
        }
    }
done:
    tn_free(fp);
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
    ex_scan_stats st = s->stats;
    if (!s->started && s->npreds && s->prune)
        dry_run(s, &st);
    tn_sbuf_printf(out, "; row groups: %llu total, %llu skipped by statistics, %llu by bloom filters, %llu by page index",
                   (unsigned long long)st.row_groups_total, (unsigned long long)st.row_groups_skipped,
                   (unsigned long long)st.row_groups_skipped_bloom, (unsigned long long)st.row_groups_skipped_pages);
    if (st.pages_total)
        tn_sbuf_printf(out, "; pages: %llu of %llu skipped by page index (%llu rows)", (unsigned long long)st.pages_skipped,
                       (unsigned long long)st.pages_total, (unsigned long long)st.rows_skipped_pages);
    if (late_configured(s)) {
        tn_sbuf_puts(out, "; late materialization on ");
        ex_expr_explain(s->filter, out);
        if (s->started)
            tn_sbuf_printf(out, ": %llu rows filtered, %llu rows not decoded", (unsigned long long)st.rows_filtered,
                           (unsigned long long)st.rows_skipped_late);
    }
    if (s->started)
        tn_sbuf_printf(out, "; rows decoded: %llu", (unsigned long long)st.rows_read);
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
    s->pending_skip = tn_calloc(nfields ? nfields : 1, sizeof *s->pending_skip);
    s->rg_start = tn_calloc((size_t)src->nfiles + 1, sizeof *s->rg_start);
    s->chunk = tn_chunk_new(nfields, nfields ? types : NULL, TN_BATCH);
    s->range_sel = tn_malloc(TN_BATCH * sizeof *s->range_sel);
    s->prune = EX_PRUNE_ALL;
    tn_free(types);
    if (!s->fields || !s->file_fields || !s->readers || !s->pending_skip || !s->rg_start || !s->chunk ||
        !s->range_sel)
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

void op_scan_parquet_set_pruning(ex_op *op, unsigned mask)
{
    if (op && op->vt == &g_scan_vt)
        ((scan_op *)op)->prune = mask & EX_PRUNE_ALL;
}

/* Mark the columns e references; false when one is out of range. */
static bool mark_filter_cols(const ex_expr *e, bool *used, uint32_t ncols)
{
    if (e->kind == EX_COLREF) {
        if (e->col >= ncols)
            return false;
        used[e->col] = true;
    }
    for (uint32_t i = 0; i < e->nargs; i++)
        if (!e->args[i] || !mark_filter_cols(e->args[i], used, ncols))
            return false;
    return true;
}

int op_scan_parquet_set_filter(ex_op *op, ex_expr *expr)
{
    if (!op || op->vt != &g_scan_vt || !expr || expr->type.id != TN_T_BOOL) {
        ex_expr_free(expr);
        return TN_MISUSE;
    }
    scan_op *s = (scan_op *)op;
    bool *used = tn_calloc(s->nfields ? s->nfields : 1, sizeof *used);
    if (!used) {
        ex_expr_free(expr);
        return TN_NOMEM;
    }
    uint32_t n = 0;
    bool ok = mark_filter_cols(expr, used, s->nfields);
    for (uint32_t i = 0; ok && i < s->nfields; i++)
        n += used[i];
    if (!ok || n == 0) {
        tn_free(used);
        ex_expr_free(expr);
        return TN_MISUSE;
    }
    ex_expr_free(s->filter);
    tn_free(s->filter_col);
    s->filter = expr;
    s->filter_col = used;
    s->nfilter_cols = n;
    return TN_OK;
}
