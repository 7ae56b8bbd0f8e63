/*
 * page_index.c -- the Parquet page index (ColumnIndex + OffsetIndex) and row selection from it.
 *
 * Spec: apache/parquet-format PageIndex.md and parquet.thrift (PageLocation, OffsetIndex,
 * ColumnIndex, BoundaryOrder, ColumnOrder); summary section 10. Per column chunk, the
 * OffsetIndex lists every data page (file offset, size including the header, first row within
 * the row group; the dictionary page is not listed) and the optional ColumnIndex gives, for page
 * i of that list, null_pages[i], lower/upper bounds min_values[i] / max_values[i] (PLAIN bytes
 * without a length prefix, ordered by the column's ColumnOrder, possibly truncated: "B" / "C" for
 * "Blart Versenwald III"), optional null_counts[i] and nan_counts[i], and the boundary order.
 *
 * Row selection (pq_row_group_select_rows). For each predicate column, the predicates on that
 * column are evaluated against every page's bounds with the same rules as the row-group
 * statistics (stats.c): a page is excluded only when no row of it can satisfy them; the kept
 * pages map to row ranges [first_row_index[i], first_row_index[i+1]) (the last page ends at the
 * row group's row count). The row group's selection is the intersection of the columns' ranges.
 * Which bounds are trusted:
 *  - only under a ColumnOrder we understand: TYPE_DEFINED (also when the file lists no orders,
 *    as stats.c does), IEEE_754_TOTAL for floating point, INT96_TIMESTAMP for INT96 (INT96 under
 *    any other order: ignored, as parquet.thrift requires);
 *  - a NaN bound makes the page's bounds unusable (legacy writers put NaN there; under the total
 *    order it means "every value is NaN"); without nan_counts[i] == 0 a page of a float column
 *    may hold NaN, which sorts above every number (tarn/PostgreSQL), so >, >= and <> keep it;
 *  - a null page (null_pages[i]) holds only NULLs: only IS NULL may match it; null_counts[i] ==
 *    0 excludes the page for IS NULL (an absent null_counts means unknown, never 0).
 * Comparisons work on the raw bound bytes decoded in place (no allocation per page): signed or
 * unsigned integers by the tarn type, decimals numerically (big-endian two's complement for byte
 * arrays), strings / binary / UUID byte-wise unsigned.
 *
 * Hostile input. Both structures are decoded with the bounds-checked Thrift reader (thrift.h);
 * list sizes are bounded by the bytes present, so memory is a small multiple of the index's
 * size, which is itself bounded by the file (and PQ_INDEX_MAX_BYTES). Before use an index is
 * validated against the row group: first_row_index must start at 0, strictly increase and stay
 * below the row count, page locations must lie inside the file's data region, and the
 * ColumnIndex must have one entry per OffsetIndex page. An index failing these checks (or failing
 * to decode) is ignored for pruning -- the scan then reads the column's pages normally -- and
 * counted in indexes_ignored; it never causes a wrong skip of a validated structure or a crash.
 * I/O errors and out-of-memory are reported.
 */
#include "metadata.h"
#include "thrift.h"
#include <math.h>
#include <string.h>

/* Refuse (ignore) page index structures larger than this. */
#define PQ_INDEX_MAX_BYTES ((int64_t)256 << 20)

#define TRY(x)              \
    do {                    \
        int rc_ = (x);      \
        if (rc_)            \
            return rc_;     \
    } while (0)

/* ======================= decoding ======================= */

void pq_offset_index_free(pq_offset_index *oi)
{
    if (!oi)
        return;
    tn_free(oi->pages);
    tn_free(oi);
}

void pq_column_index_free(pq_column_index *ci)
{
    if (!ci)
        return;
    tn_free(ci->pages);
    tn_free(ci->bytes);
    tn_free(ci);
}

/* PageLocation: 1 offset (i64), 2 compressed_page_size (i32), 3 first_row_index (i64). */
static int dec_page_location(pq_thrift *t, pq_page_location *loc)
{
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    bool h1 = false, h2 = false, h3 = false;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        if (id == 1 && pq_thrift_is_int(ty)) {
            TRY(pq_thrift_int(t, ty, &loc->offset));
            h1 = true;
        } else if (id == 2 && pq_thrift_is_int(ty)) {
            TRY(pq_thrift_i32(t, ty, &loc->compressed_page_size));
            h2 = true;
        } else if (id == 3 && pq_thrift_is_int(ty)) {
            TRY(pq_thrift_int(t, ty, &loc->first_row_index));
            h3 = true;
        } else {
            TRY(pq_thrift_skip(t, ty));
        }
    }
    pq_thrift_struct_end(t);
    if (!h1 || !h2 || !h3)
        return pq_thrift_error(t, "PageLocation is missing required field %s",
                               !h1 ? "offset" : !h2 ? "compressed_page_size" : "first_row_index");
    return TN_OK;
}

static int dec_offset_index(pq_thrift *t, pq_offset_index *oi)
{
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    bool have = false;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        if (id == 1 && ty == PQ_TT_LIST) {
            if (have)
                return pq_thrift_error(t, "OffsetIndex lists page_locations twice");
            int et;
            uint32_t n;
            TRY(pq_thrift_list_begin(t, &et, &n));
            if (et != PQ_TT_STRUCT)
                return pq_thrift_error(t, "OffsetIndex page_locations has element type %d, not struct", et);
            /* the list header already bounded n by the remaining bytes */
            oi->pages = tn_calloc(n ? n : 1, sizeof *oi->pages);
            if (!oi->pages)
                return tn_err_set(t->err, TN_NOMEM, "out of memory decoding an OffsetIndex of %u pages", n);
            for (uint32_t i = 0; i < n; i++)
                TRY(dec_page_location(t, &oi->pages[i]));
            oi->npages = n;
            pq_thrift_container_end(t);
            have = true;
        } else {
            TRY(pq_thrift_skip(t, ty)); /* 2 unencoded_byte_array_data_bytes and future fields */
        }
    }
    pq_thrift_struct_end(t);
    if (!have)
        return pq_thrift_error(t, "OffsetIndex is missing required field page_locations");
    return TN_OK;
}

int pq_offset_index_decode(const uint8_t *p, size_t n, uint64_t base, pq_offset_index **out, tn_err *err)
{
    *out = NULL;
    pq_offset_index *oi = tn_calloc(1, sizeof *oi);
    if (!oi)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    pq_thrift t;
    pq_thrift_init(&t, p, n, base, "OffsetIndex", err);
    int rc = dec_offset_index(&t, oi);
    if (rc) {
        pq_offset_index_free(oi);
        return rc;
    }
    *out = oi;
    return TN_OK;
}

/* Scratch lists of a ColumnIndex being decoded (fields may come in any order). */
typedef struct ci_lists {
    bool *null_pages;
    const uint8_t **mins, **maxs;
    uint32_t *min_lens, *max_lens;
    int64_t *null_counts, *nan_counts;
    uint32_t n_null_pages, n_mins, n_maxs, n_null_counts, n_nan_counts;
    bool has_null_pages, has_mins, has_maxs, has_null_counts, has_nan_counts, has_order;
    int32_t order;
} ci_lists;

static void ci_lists_free(ci_lists *l)
{
    tn_free(l->null_pages);
    tn_free(l->mins);
    tn_free(l->maxs);
    tn_free(l->min_lens);
    tn_free(l->max_lens);
    tn_free(l->null_counts);
    tn_free(l->nan_counts);
}

static int nomem(pq_thrift *t) { return tn_err_set(t->err, TN_NOMEM, "out of memory decoding a ColumnIndex"); }

static int list_header(pq_thrift *t, const char *name, bool *seen, int *et, uint32_t *n)
{
    if (*seen)
        return pq_thrift_error(t, "ColumnIndex lists %s twice", name);
    *seen = true;
    return pq_thrift_list_begin(t, et, n);
}

static int dec_bool_list(pq_thrift *t, ci_lists *l)
{
    int et;
    uint32_t n;
    TRY(list_header(t, "null_pages", &l->has_null_pages, &et, &n));
    if (!pq_thrift_is_bool(et))
        return pq_thrift_error(t, "ColumnIndex null_pages has element type %d, not bool", et);
    if (!(l->null_pages = tn_calloc(n ? n : 1, sizeof *l->null_pages)))
        return nomem(t);
    for (uint32_t i = 0; i < n; i++)
        TRY(pq_thrift_elem_bool(t, &l->null_pages[i]));
    l->n_null_pages = n;
    pq_thrift_container_end(t);
    return TN_OK;
}

static int dec_bin_list(pq_thrift *t, const char *name, bool *seen, const uint8_t ***vals, uint32_t **lens,
                        uint32_t *count)
{
    int et;
    uint32_t n;
    TRY(list_header(t, name, seen, &et, &n));
    if (et != PQ_TT_BINARY)
        return pq_thrift_error(t, "ColumnIndex %s has element type %d, not binary", name, et);
    *vals = tn_calloc(n ? n : 1, sizeof **vals);
    *lens = tn_calloc(n ? n : 1, sizeof **lens);
    if (!*vals || !*lens)
        return nomem(t);
    for (uint32_t i = 0; i < n; i++)
        TRY(pq_thrift_binary(t, &(*vals)[i], &(*lens)[i]));
    *count = n;
    pq_thrift_container_end(t);
    return TN_OK;
}

static int dec_i64_list(pq_thrift *t, const char *name, bool *seen, int64_t **vals, uint32_t *count)
{
    int et;
    uint32_t n;
    TRY(list_header(t, name, seen, &et, &n));
    if (!pq_thrift_is_int(et))
        return pq_thrift_error(t, "ColumnIndex %s has element type %d, not an integer", name, et);
    if (!(*vals = tn_calloc(n ? n : 1, sizeof **vals)))
        return nomem(t);
    for (uint32_t i = 0; i < n; i++)
        TRY(pq_thrift_int(t, et, &(*vals)[i]));
    *count = n;
    pq_thrift_container_end(t);
    return TN_OK;
}

static int dec_column_index(pq_thrift *t, ci_lists *l)
{
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        if (id == 1 && ty == PQ_TT_LIST)
            TRY(dec_bool_list(t, l));
        else if (id == 2 && ty == PQ_TT_LIST)
            TRY(dec_bin_list(t, "min_values", &l->has_mins, &l->mins, &l->min_lens, &l->n_mins));
        else if (id == 3 && ty == PQ_TT_LIST)
            TRY(dec_bin_list(t, "max_values", &l->has_maxs, &l->maxs, &l->max_lens, &l->n_maxs));
        else if (id == 4 && pq_thrift_is_int(ty)) {
            TRY(pq_thrift_i32(t, ty, &l->order));
            l->has_order = true;
        } else if (id == 5 && ty == PQ_TT_LIST)
            TRY(dec_i64_list(t, "null_counts", &l->has_null_counts, &l->null_counts, &l->n_null_counts));
        else if (id == 8 && ty == PQ_TT_LIST)
            TRY(dec_i64_list(t, "nan_counts", &l->has_nan_counts, &l->nan_counts, &l->n_nan_counts));
        else
            TRY(pq_thrift_skip(t, ty)); /* 6/7 level histograms and future fields */
    }
    pq_thrift_struct_end(t);
    if (!l->has_null_pages || !l->has_mins || !l->has_maxs || !l->has_order)
        return pq_thrift_error(t, "ColumnIndex is missing required field %s",
                               !l->has_null_pages ? "null_pages"
                               : !l->has_mins     ? "min_values"
                               : !l->has_maxs     ? "max_values"
                                                  : "boundary_order");
    uint32_t n = l->n_null_pages;
    if (l->n_mins != n || l->n_maxs != n)
        return pq_thrift_error(t, "ColumnIndex lists have different lengths (null_pages %u, min_values %u, max_values %u)",
                               n, l->n_mins, l->n_maxs);
    if (l->has_null_counts && l->n_null_counts != n)
        return pq_thrift_error(t, "ColumnIndex null_counts has %u entries for %u pages", l->n_null_counts, n);
    if (l->has_nan_counts && l->n_nan_counts != n)
        return pq_thrift_error(t, "ColumnIndex nan_counts has %u entries for %u pages", l->n_nan_counts, n);
    return TN_OK;
}

int pq_column_index_decode(const uint8_t *p, size_t n, uint64_t base, pq_column_index **out, tn_err *err)
{
    *out = NULL;
    int rc = TN_OK;
    ci_lists l;
    memset(&l, 0, sizeof l);
    pq_column_index *ci = tn_calloc(1, sizeof *ci);
    if (!ci || !(ci->bytes = tn_malloc(n ? n : 1))) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    if (n)
        memcpy(ci->bytes, p, n);
    pq_thrift t;
    pq_thrift_init(&t, ci->bytes, n, base, "ColumnIndex", err);
    if ((rc = dec_column_index(&t, &l)))
        goto done;
    uint32_t np = l.n_null_pages;
    if (!(ci->pages = tn_calloc(np ? np : 1, sizeof *ci->pages))) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < np; i++) {
        pq_page_stats *ps = &ci->pages[i];
        ps->null_page = l.null_pages[i];
        ps->min = l.mins[i];
        ps->min_len = l.min_lens[i];
        ps->max = l.maxs[i];
        ps->max_len = l.max_lens[i];
        ps->null_count = l.has_null_counts && l.null_counts[i] >= 0 ? l.null_counts[i] : -1;
        ps->nan_count = l.has_nan_counts && l.nan_counts[i] >= 0 ? l.nan_counts[i] : -1;
    }
    ci->npages = np;
    ci->boundary_order = l.order;
    *out = ci;
    ci = NULL;
done:
    ci_lists_free(&l);
    pq_column_index_free(ci);
    return rc;
}

/* ======================= reading ======================= */

/* Read [off, off+len) of the file's data region into a new buffer. *bad = true (TN_OK) when the
 * location is impossible; I/O errors and TN_NOMEM are returned. */
static int read_region(pq_file *f, int64_t off, int64_t len, uint8_t **out, bool *bad, tn_err *err)
{
    *out = NULL;
    *bad = false;
    if (off < 4 || len <= 0 || len > PQ_INDEX_MAX_BYTES || (uint64_t)off > f->footer_off ||
        (uint64_t)len > f->footer_off - (uint64_t)off) {
        *bad = true;
        return TN_OK;
    }
    uint8_t *buf = tn_malloc((size_t)len);
    if (!buf)
        return tn_err_set(err, TN_NOMEM, "out of memory for a page index of %lld bytes", (long long)len);
    int rc = vfs_read(f->fh, (uint64_t)off, buf, (size_t)len, err);
    if (rc) {
        tn_free(buf);
        return rc;
    }
    *out = buf;
    return TN_OK;
}

static const pq_column_chunk *chunk_of(const pq_file *f, uint32_t rg, int leaf)
{
    if (rg >= f->meta.nrow_groups || leaf < 0 || (uint32_t)leaf >= f->meta.row_groups[rg].ncolumns)
        return NULL;
    return &f->meta.row_groups[rg].columns[leaf];
}

int pq_column_index_read(pq_file *f, uint32_t rg, int leaf, pq_column_index **out, tn_err *err)
{
    *out = NULL;
    const pq_column_chunk *cc = chunk_of(f, rg, leaf);
    if (!cc)
        return tn_err_set(err, TN_MISUSE, "%s: no column chunk %d in row group %u", f->path, leaf, rg);
    if (!cc->has_column_index)
        return TN_OK;
    uint8_t *buf;
    bool bad;
    int rc = read_region(f, cc->column_index_offset, cc->column_index_length, &buf, &bad, err);
    if (rc)
        return rc;
    if (bad)
        return tn_err_set(err, TN_CORRUPT,
                          "%s: ColumnIndex of column chunk %d of row group %u at offset %lld (%d bytes) lies outside "
                          "the data region of the file",
                          f->path, leaf, rg, (long long)cc->column_index_offset, cc->column_index_length);
    rc = pq_column_index_decode(buf, (size_t)cc->column_index_length, (uint64_t)cc->column_index_offset, out, err);
    tn_free(buf);
    if (rc)
        return tn_err_prefix(err, rc, "%s: ", f->path);
    return TN_OK;
}

int pq_offset_index_read(pq_file *f, uint32_t rg, int leaf, pq_offset_index **out, tn_err *err)
{
    *out = NULL;
    const pq_column_chunk *cc = chunk_of(f, rg, leaf);
    if (!cc)
        return tn_err_set(err, TN_MISUSE, "%s: no column chunk %d in row group %u", f->path, leaf, rg);
    if (!cc->has_offset_index)
        return TN_OK;
    uint8_t *buf;
    bool bad;
    int rc = read_region(f, cc->offset_index_offset, cc->offset_index_length, &buf, &bad, err);
    if (rc)
        return rc;
    if (bad)
        return tn_err_set(err, TN_CORRUPT,
                          "%s: OffsetIndex of column chunk %d of row group %u at offset %lld (%d bytes) lies outside "
                          "the data region of the file",
                          f->path, leaf, rg, (long long)cc->offset_index_offset, cc->offset_index_length);
    rc = pq_offset_index_decode(buf, (size_t)cc->offset_index_length, (uint64_t)cc->offset_index_offset, out, err);
    tn_free(buf);
    if (rc)
        return tn_err_prefix(err, rc, "%s: ", f->path);
    return TN_OK;
}

/* ======================= row ranges ======================= */

void pq_row_ranges_free(pq_row_ranges *r)
{
    if (!r)
        return;
    tn_free(r->r);
    memset(r, 0, sizeof *r);
}

uint64_t pq_row_ranges_count(const pq_row_ranges *r)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < r->n; i++)
        n += r->r[i].end - r->r[i].begin;
    return n;
}

/* Append [b, e) to a sorted list, merging with the last range when adjacent. */
static int ranges_push(pq_row_range **r, uint32_t *n, uint32_t *cap, uint64_t b, uint64_t e)
{
    if (b >= e)
        return TN_OK;
    if (*n && (*r)[*n - 1].end >= b) {
        if (e > (*r)[*n - 1].end)
            (*r)[*n - 1].end = e;
        return TN_OK;
    }
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 8;
        pq_row_range *nr = tn_realloc(*r, (size_t)nc * sizeof *nr);
        if (!nr)
            return TN_NOMEM;
        *r = nr;
        *cap = nc;
    }
    (*r)[(*n)++] = (pq_row_range){b, e};
    return TN_OK;
}

/* out->r = out->r AND (b[0..nb)). */
static int ranges_intersect(pq_row_ranges *out, const pq_row_range *b, uint32_t nb)
{
    pq_row_range *res = NULL;
    uint32_t n = 0, cap = 0, i = 0, j = 0;
    while (i < out->n && j < nb) {
        uint64_t lo = TN_MAX(out->r[i].begin, b[j].begin), hi = TN_MIN(out->r[i].end, b[j].end);
        if (lo < hi && ranges_push(&res, &n, &cap, lo, hi)) {
            tn_free(res);
            return TN_NOMEM;
        }
        if (out->r[i].end < b[j].end)
            i++;
        else
            j++;
    }
    tn_free(out->r);
    out->r = res;
    out->n = n;
    out->cap = cap;
    return TN_OK;
}

/* ---- page bounds (decoded and compared with stats.c's pq_bound_decode / pq_value_cmp) ---- */

/* Are the column's page bounds trustworthy under its ColumnOrder? */
static bool bounds_trusted(const pq_file *f, const pq_schema_node *n)
{
    if (!n->supported || n->type.id == TN_T_NULL || n->type.id == TN_T_INTERVAL)
        return false;
    int leaf = n->leaf_index;
    int order = f->meta.has_column_orders && leaf >= 0 && (uint32_t)leaf < f->meta.ncolumn_orders
                    ? f->meta.column_orders[leaf]
                    : PQ_ORDER_TYPE_DEFINED;
    bool is_float = n->type.id == TN_T_FLOAT || n->type.id == TN_T_DOUBLE;
    if (n->physical_type == PQ_INT96)
        return f->meta.has_column_orders && order == PQ_ORDER_INT96;
    return order == PQ_ORDER_TYPE_DEFINED || (order == PQ_ORDER_IEEE754_TOTAL && is_float);
}

/* false only when no row of the page satisfies p. */
static bool page_may_match(const pq_schema_node *node, bool trusted, const pq_page_stats *ps, uint64_t page_rows,
                           const pq_predicate *p)
{
    bool all_null = ps->null_page || (ps->null_count >= 0 && (uint64_t)ps->null_count >= page_rows);
    switch (p->op) {
    case PQ_PRED_IS_NULL: return ps->null_page || ps->null_count != 0;
    case PQ_PRED_IS_NOT_NULL: return !all_null;
    default: break;
    }
    if (all_null) /* a comparison with NULL is never true */
        return false;
    uint32_t nv = p->op == PQ_PRED_IN ? p->nvalues : 1;
    if (!p->values || nv == 0)
        return p->op != PQ_PRED_IN;
    if (!trusted)
        return true;
    tn_value lo, hi;
    if (!pq_bound_decode(node, ps->min, ps->min_len, true, &lo) ||
        !pq_bound_decode(node, ps->max, ps->max_len, true, &hi))
        return true;
    tn_type t = node->type;
    bool ok1, ok2;
    if (pq_value_cmp(t, &lo, &hi, &ok1) > 0 && ok1)
        return true; /* inverted bounds: not trustworthy */
    bool nan_possible = (t.id == TN_T_FLOAT || t.id == TN_T_DOUBLE) && ps->nan_count != 0;
    if (p->op == PQ_PRED_IN) {
        for (uint32_t i = 0; i < nv; i++) {
            const tn_value *v = &p->values[i];
            if (v->is_null)
                continue;
            int c1 = pq_value_cmp(t, v, &lo, &ok1), c2 = pq_value_cmp(t, v, &hi, &ok2);
            if (!ok1 || !ok2 || (c1 >= 0 && c2 <= 0))
                return true;
        }
        return false;
    }
    const tn_value *v = &p->values[0];
    if (v->is_null)
        return false;
    int cmin = pq_value_cmp(t, v, &lo, &ok1), cmax = pq_value_cmp(t, v, &hi, &ok2);
    if (!ok1 || !ok2)
        return true;
    switch (p->op) {
    case PQ_PRED_EQ: return cmin >= 0 && cmax <= 0;
    case PQ_PRED_NE: return !(cmin == 0 && cmax == 0) || nan_possible;
    case PQ_PRED_LT: return cmin > 0;
    case PQ_PRED_LE: return cmin >= 0;
    case PQ_PRED_GT: return cmax < 0 || nan_possible;
    case PQ_PRED_GE: return cmax <= 0 || nan_possible;
    default: return true;
    }
}

/* Is the offset index consistent with a row group of nrows rows (and the column index, if any,
 * with it)? */
static bool index_valid(const pq_file *f, const pq_offset_index *oi, const pq_column_index *ci, uint64_t nrows)
{
    if (oi->npages == 0 || oi->pages[0].first_row_index != 0)
        return false;
    for (uint32_t i = 0; i < oi->npages; i++) {
        const pq_page_location *pl = &oi->pages[i];
        if (pl->first_row_index < 0 || (uint64_t)pl->first_row_index >= nrows)
            return false;
        if (i && pl->first_row_index <= oi->pages[i - 1].first_row_index)
            return false;
        if (pl->offset < 4 || pl->compressed_page_size <= 0 || (uint64_t)pl->offset > f->footer_off ||
            (uint64_t)pl->compressed_page_size > f->footer_off - (uint64_t)pl->offset)
            return false;
    }
    return !ci || ci->npages == oi->npages;
}

/* Rows of the pages of one column that may satisfy the predicates preds[idx[0..k)] (all on that
 * column), intersected into out. */
static int select_column(pq_file *f, uint32_t rg, const pq_schema_node *node, const pq_predicate *preds,
                         const uint32_t *idx, uint32_t k, uint64_t nrows, pq_row_ranges *out, tn_err *err)
{
    int leaf = pq_schema_flat_leaf(node);
    const pq_column_chunk *cc = chunk_of(f, rg, leaf);
    if (!cc || !cc->has_column_index || !cc->has_offset_index)
        return TN_OK;
    pq_column_index *ci = NULL;
    pq_offset_index *oi = NULL;
    pq_row_range *mine = NULL;
    uint32_t n = 0, cap = 0;
    tn_err tmp = TN_ERR_INIT;
    int rc = pq_column_index_read(f, rg, leaf, &ci, &tmp);
    if (rc == TN_OK)
        rc = pq_offset_index_read(f, rg, leaf, &oi, &tmp);
    if (rc == TN_CORRUPT || rc == TN_NOTSUP || (rc == TN_OK && (!ci || !oi || !index_valid(f, oi, ci, nrows)))) {
        out->indexes_ignored++;
        rc = TN_OK;
        goto done;
    }
    if (rc) {
        if (err)
            *err = tmp;
        goto done;
    }
    bool trusted = bounds_trusted(f, node);
    uint64_t skipped = 0;
    for (uint32_t i = 0; i < oi->npages; i++) {
        uint64_t b = (uint64_t)oi->pages[i].first_row_index;
        uint64_t e = i + 1 < oi->npages ? (uint64_t)oi->pages[i + 1].first_row_index : nrows;
        bool keep = true;
        for (uint32_t j = 0; j < k && keep; j++)
            keep = page_may_match(node, trusted, &ci->pages[i], e - b, &preds[idx[j]]);
        if (!keep) {
            skipped++;
            continue;
        }
        if (ranges_push(&mine, &n, &cap, b, e)) {
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
            goto done;
        }
    }
    if (ranges_intersect(out, mine, n)) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    out->pages_total += oi->npages;
    out->pages_skipped += skipped;
    out->indexes_used++;
done:
    tn_free(mine);
    pq_column_index_free(ci);
    pq_offset_index_free(oi);
    return rc;
}

int pq_row_group_select_rows(pq_file *f, uint32_t rg, const pq_predicate *preds, uint32_t npreds,
                             pq_row_ranges *out, tn_err *err)
{
    memset(out, 0, sizeof *out);
    if (rg >= f->meta.nrow_groups)
        return tn_err_set(err, TN_MISUSE, "%s: no row group %u", f->path, rg);
    int64_t nr = f->meta.row_groups[rg].num_rows;
    uint64_t nrows = nr > 0 ? (uint64_t)nr : 0;
    if (nrows == 0)
        return TN_OK;
    out->r = tn_malloc(sizeof *out->r);
    if (!out->r)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    out->r[0] = (pq_row_range){0, nrows};
    out->n = out->cap = 1;
    if (npreds == 0)
        return TN_OK;
    uint32_t *idx = tn_malloc((size_t)npreds * sizeof *idx);
    bool *done_pred = tn_calloc(npreds, sizeof *done_pred);
    int rc = TN_OK;
    if (!idx || !done_pred) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    /* group the predicates by column: one index read per column */
    for (uint32_t i = 0; i < npreds && out->n > 0; i++) {
        if (done_pred[i])
            continue;
        uint32_t k = 0;
        for (uint32_t j = i; j < npreds; j++)
            if (!done_pred[j] && preds[j].field == preds[i].field) {
                done_pred[j] = true;
                idx[k++] = j;
            }
        const pq_schema_node *node = pq_file_field(f, preds[i].field);
        if (!node || pq_schema_flat_leaf(node) < 0 || !node->supported)
            continue;
        if ((rc = select_column(f, rg, node, preds, idx, k, nrows, out, err)))
            goto done;
    }
done:
    tn_free(idx);
    tn_free(done_pred);
    if (rc)
        pq_row_ranges_free(out);
    return rc;
}
