/*
 * leaf_levels.c -- level mode of the column reader: the leaf columns of nested fields read as
 * repetition/definition levels plus densely decoded values, whole records at a time, for the
 * record assembly of nested.c (interface in nested.h, reader internals in reader_int.h).
 *
 * Spec: parquet-format README "Nested encoding" (Dremel levels); Encodings.md (RLE/bit-packed
 * hybrid levels); summary section 4.
 *
 * Levels are decoded ahead from the current page into a small buffer (la_rep/la_def, TN_BATCH
 * slots); the values of the buffered slots stay unread in the page's value source, so the page
 * remains current until they are consumed and records may span pages. pq_leaf_read consumes
 * slots up to (not including) the first slot of the record after the last one wanted: record
 * starts (rep == 0) are counted with a vectorised count, and only the run holding the boundary is
 * scanned slot by slot. Values of the consumed slots with def == max_def are decoded straight
 * into the leaf's vector (dictionary values gathered: nested leaves are FLAT).
 *
 * Checks on every level run: levels within their maxima, the chunk's first repetition level is 0
 * (bad_data/ARROW-GH-45185), a continued list is present (rep r > 0 needs def >= the definition
 * level of the r-th repeated ancestor), and after whole v2 pages were skipped by num_rows the next
 * page starts a record. A batch may hold at most PQ_MAX_BATCH_LEVELS slots per leaf.
 */
#include "reader_int.h"
#include <string.h>

/* Level mode setup: the definition level of each repeated ancestor (for the level consistency
 * check) and the read-ahead buffers. */
int pq_rd_setup_levels(pq_column_reader *r, tn_err *err)
{
    const pq_schema_node *path[160];
    int depth = 0;
    for (const pq_schema_node *n = r->node; n && n->parent && depth < 160; n = n->parent)
        path[depth++] = n;
    r->levels = true;
    r->max_rep = r->node->max_rep;
    r->rep_bw = pq_bit_width((uint32_t)r->max_rep);
    r->rep_def = tn_calloc((size_t)r->max_rep + 1, sizeof *r->rep_def);
    r->la_rep = tn_malloc((size_t)TN_BATCH * sizeof *r->la_rep);
    r->la_def = tn_malloc((size_t)TN_BATCH * sizeof *r->la_def);
    if (!r->rep_def || !r->la_rep || !r->la_def)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    int d = 0, rp = 0;
    while (depth > 0) {
        const pq_schema_node *n = path[--depth];
        if (n->repetition == PQ_OPTIONAL)
            d++;
        else if (n->repetition == PQ_REPEATED) {
            d++, rp++;
            if (rp <= r->max_rep)
                r->rep_def[rp] = (uint16_t)d;
        }
    }
    if (d != r->max_def || rp != r->max_rep)
        return pq_rd_err(r, err, TN_ERROR, "internal error: schema path levels %d/%d differ from the leaf's %d/%d", d, rp,
                         r->max_def, r->max_rep);
    return TN_OK;
}

/* ---- level mode (nested.h) ---- */
/* Decode the next n repetition and definition levels of the current page and check them:
 * levels within their maxima, the chunk's first level starting a record, and every continued
 * list (rep r > 0) being present at its level (def >= rep_def[r]). */
static int read_levels(pq_column_reader *r, uint16_t *reps, uint16_t *defs, uint32_t n, tn_err *err)
{
    int rc;
    if (r->max_rep == 0)
        memset(reps, 0, (size_t)n * sizeof *reps);
    else if (r->legacy_reps) {
        memcpy(reps, r->legacy_reps + r->legacy_rep_pos, (size_t)n * sizeof *reps);
        r->legacy_rep_pos += n;
    } else if ((rc = pq_rle_get_levels(&r->rep, reps, n, err)))
        return pq_rd_prefix(r, err, rc);
    if (r->max_def == 0)
        memset(defs, 0, (size_t)n * sizeof *defs);
    else if (r->legacy_defs) {
        memcpy(defs, r->legacy_defs + r->legacy_pos, (size_t)n * sizeof *defs);
        r->legacy_pos += n;
    } else if ((rc = pq_rle_get_levels(&r->def, defs, n, err)))
        return pq_rd_prefix(r, err, rc);
    uint16_t hd = 0, hr = 0;
    for (uint32_t i = 0; i < n; i++) {
        hd = defs[i] > hd ? defs[i] : hd;
        hr = reps[i] > hr ? reps[i] : hr;
    }
    if (hd > r->max_def)
        return pq_rd_err(r, err, TN_CORRUPT, "definition level %u exceeds the maximum %d", hd, r->max_def);
    if (hr > r->max_rep)
        return pq_rd_err(r, err, TN_CORRUPT, "repetition level %u exceeds the maximum %d", hr, r->max_rep);
    if (!r->chunk_started && n > 0) {
        r->chunk_started = true;
        if (reps[0] != 0)
            return pq_rd_err(r, err, TN_CORRUPT, "the column chunk's first repetition level is %u: it must be 0 "
                             "(start a record)", reps[0]);
    }
    if (r->need_record && n > 0) {
        r->need_record = false;
        if (reps[0] != 0)
            return pq_rd_err(r, err, TN_CORRUPT, "a data page v2 declaring num_rows does not end at a record boundary "
                             "(the next page starts with repetition level %u)", reps[0]);
    }
    if (hr > 0) {
        /* branch-free check (rep_def[0] == 0); the offending slot is searched only on failure */
        const uint16_t *rd = r->rep_def;
        bool bad = false;
        if (r->max_rep == 1) {
            const uint16_t d1 = rd[1];
            for (uint32_t i = 0; i < n; i++)
                bad |= (reps[i] != 0) & (defs[i] < d1);
        } else {
            for (uint32_t i = 0; i < n; i++)
                bad |= defs[i] < rd[reps[i]];
        }
        for (uint32_t i = 0; bad && i < n; i++)
            if (defs[i] < rd[reps[i]])
                return pq_rd_err(r, err, TN_CORRUPT, "repetition level %u with definition level %u continues a list "
                                 "that is empty or null", reps[i], defs[i]);
    }
    return TN_OK;
}

/* Make la[la_pos, la_n) non-empty, moving to the next page when the current one is used up;
 * leaves it empty at the end of the chunk. skip (skipping only): records still to skip, reduced by
 * the whole pages skipped on the way. */
static int fill_levels(pq_column_reader *r, uint64_t *skip, tn_err *err)
{
    int rc;
    while (r->la_pos == r->la_n) {
        if (!r->in_page || r->page_left == 0) {
            if ((rc = pq_rd_next_page(r, skip, err)))
                return rc;
            if (!r->in_page)
                return TN_OK;
        }
        uint32_t k = TN_MIN(r->page_left, (uint32_t)TN_BATCH);
        if ((rc = read_levels(r, r->la_rep, r->la_def, k, err)))
            return rc;
        r->page_left -= k;
        r->values_left -= k;
        r->la_pos = 0;
        r->la_n = k;
    }
    return TN_OK;
}

/* Scan la from la_pos for the start of record `*taken == want` (which is not consumed): returns
 * the end of the consumable run and sets *boundary. */
static uint32_t count_eq(const uint16_t *v, uint32_t n, uint16_t x);

static uint32_t scan_records(const pq_column_reader *r, uint64_t want, uint64_t *taken, bool *boundary)
{
    const uint16_t *rp = r->la_rep;
    uint32_t i = r->la_pos, end = r->la_n;
    uint64_t t = *taken;
    *boundary = false;
    /* the common case: the boundary is not in this run (a vectorised count) */
    uint32_t starts = count_eq(rp + i, end - i, 0);
    if (t + starts <= want) {
        *taken = t + starts;
        return end;
    }
    for (; i < end; i++) {
        if (rp[i] == 0) {
            if (t == want) {
                *boundary = true;
                break;
            }
            t++;
        }
    }
    *taken = t;
    return i;
}

static uint32_t count_eq(const uint16_t *v, uint32_t n, uint16_t x)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; i++)
        c += v[i] == x;
    return c;
}

int pq_leaf_read(pq_column_reader *r, uint32_t nrec, pq_lvbuf *lv, tn_vector *vals, uint32_t *nvals,
                 uint32_t *got, tn_err *err)
{
    int rc;
    uint64_t taken = 0;
    const uint16_t maxd = (uint16_t)r->max_def;
    const size_t w = tn_type_width(r->type);
    *got = 0;
    for (;;) {
        if ((rc = fill_levels(r, NULL, err)))
            return rc;
        if (r->la_pos == r->la_n)
            break; /* end of the chunk */
        bool boundary;
        uint32_t i = scan_records(r, nrec, &taken, &boundary);
        uint32_t m = i - r->la_pos;
        if (m) {
            if (lv->n + (uint64_t)m > PQ_MAX_BATCH_LEVELS)
                return pq_rd_err(r, err, TN_NOTSUP, "a batch of %u rows holds more than %u nested values; read smaller "
                                 "batches", nrec, PQ_MAX_BATCH_LEVELS);
            if (pq_lvbuf_reserve(lv, lv->n + m))
                return tn_err_set(err, TN_NOMEM, "out of memory");
            const uint16_t *ld = r->la_def + r->la_pos;
            memcpy(lv->rep + lv->n, r->la_rep + r->la_pos, (size_t)m * sizeof(uint16_t));
            memcpy(lv->def + lv->n, ld, (size_t)m * sizeof(uint16_t));
            lv->n += m;
            uint32_t nn = count_eq(ld, m, maxd);
            if (nn && r->conv != CV_NULL && vals) {
                if (tn_vector_reserve(vals, *nvals + nn))
                    return tn_err_set(err, TN_NOMEM, "out of memory");
                uint8_t *dst = (uint8_t *)vals->data + (size_t)*nvals * w;
                if ((rc = pq_rd_decode_values(r, &r->src, vals, dst, nn, false, err)))
                    return rc == TN_NOMEM ? tn_err_set(err, rc, "out of memory") : rc;
                *nvals += nn;
            }
            r->la_pos = i;
        }
        if (boundary)
            break;
    }
    *got = (uint32_t)taken;
    return TN_OK;
}

int pq_leaf_skip(pq_column_reader *r, uint64_t nrec, uint64_t *got, tn_err *err)
{
    int rc;
    uint64_t taken = 0;
    const uint16_t maxd = (uint16_t)r->max_def;
    *got = 0;
    for (;;) {
        uint64_t left = nrec - taken;
        if ((rc = fill_levels(r, &left, err)))
            return rc;
        taken = nrec - left;
        if (r->la_pos == r->la_n)
            break;
        bool boundary;
        uint32_t i = scan_records(r, nrec, &taken, &boundary);
        uint32_t nn = count_eq(r->la_def + r->la_pos, i - r->la_pos, maxd);
        if (nn && r->conv != CV_NULL && (rc = pq_rd_skip_values(r, &r->src, nn, err)))
            return rc;
        r->la_pos = i;
        if (boundary)
            break;
    }
    *got = taken;
    return TN_OK;
}

int pq_leaf_max_def(const pq_column_reader *r) { return r->max_def; }
