/*
 * writer_index.c -- the Parquet writer's page index (PageIndex.md; parquet.thrift ColumnIndex,
 * OffsetIndex, PageLocation) and Bloom filters (BloomFilter.md; bloom.h), per column chunk.
 *
 * Page index. Every data page the column writer encodes is recorded (pqw_page): its place in
 * the column chunk buffer, its size with header, its first row, null and NaN counts, and its
 * min/max as written (the same encoding and truncation as the statistics, writer_stats.c). When
 * the row group is flushed the records become
 *   OffsetIndex { page_locations: (file offset, size, first_row_index) per data page }, and
 *   ColumnIndex { null_pages, min_values, max_values (byte[0] for all-NULL pages),
 *                 boundary_order, null_counts, nan_counts (FLOAT/DOUBLE only) }
 * serialised into pq_writer.ci_buf / oi_buf, which pq_writer_close writes after the last row
 * group (all ColumnIndexes, then all OffsetIndexes) and points at from each ColumnChunk.
 * boundary_order is ASCENDING when, over the pages that have bounds, both the mins and the maxes
 * never decrease, DESCENDING when both never increase, UNORDERED otherwise. A chunk with a page
 * whose non-NULL values are all NaN gets no ColumnIndex (parquet.thrift: with TYPE_ORDER no NaN
 * may appear in the bounds and the page has no other value), only its OffsetIndex.
 *
 * Bloom filters. Values written PLAIN are hashed (XXH64 of their PLAIN bytes, pq_bloom_hash_bytes)
 * into a set of distinct hashes as they are staged; values written through the dictionary are
 * not hashed one by one: the dictionary's entries are hashed when the chunk ends. The distinct
 * count then sizes the filter (pq_bloom_optimal_bytes with the requested fpp) and every hash is
 * inserted. Memory is bounded: once the set holds more hashes than a maximum-size filter is
 * meant for (pq_bloom_max_ndv), it is replaced by a maximum-size bitset that takes further
 * hashes directly.
 */
#include "writer_int.h"

#include <string.h>

/* ======================= page index ======================= */

int pqw_index_add_page(pq_writer *w, pqw_col *c, uint64_t offset, uint32_t size, tn_err *err)
{
    if (!w->opt.page_index)
        return TN_OK;
    if (c->npages == c->pages_cap) {
        uint32_t nc = c->pages_cap ? c->pages_cap * 2 : 16;
        pqw_page *p = tn_realloc(c->pages, (size_t)nc * sizeof *p);
        if (!p)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        c->pages = p;
        c->pages_cap = nc;
    }
    pqw_page *pg = &c->pages[c->npages];
    memset(pg, 0, sizeof *pg);
    pg->offset = offset;
    pg->size = size;
    pg->first_row = c->chunk_rows; /* records (top-level rows) of the chunk's earlier pages */
    pg->null_count = (int64_t)(c->nrows - c->nvals);
    pg->nan_count = c->pst.nan_count;
    pg->null_page = c->nvals == 0;
    pqw_bounds b;
    pqw_stats_bounds(c, &c->pst, &b);
    pg->nan_only = !pg->null_page && !b.has && c->pst.nan_count > 0;
    if (b.has) {
        if (b.minlen > UINT32_MAX || b.maxlen > UINT32_MAX || c->bounds.len > UINT32_MAX - b.minlen - b.maxlen)
            return tn_err_set(err, TN_RANGE, "column \"%s\": page index too large", c->name);
        pg->min_off = (uint32_t)c->bounds.len;
        pg->min_len = (uint32_t)b.minlen;
        if (pq_bytes_append(&c->bounds, b.minp, b.minlen))
            return tn_err_set(err, TN_NOMEM, "out of memory");
        pg->max_off = (uint32_t)c->bounds.len;
        pg->max_len = (uint32_t)b.maxlen;
        if (pq_bytes_append(&c->bounds, b.maxp, b.maxlen))
            return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    c->npages++;
    return TN_OK;
}

/* BoundaryOrder: 0 UNORDERED, 1 ASCENDING, 2 DESCENDING. */
static int boundary_order(const pqw_col *c)
{
    bool asc = true, desc = true;
    const pqw_page *prev = NULL;
    const uint8_t *bb = c->bounds.data;
    for (uint32_t i = 0; i < c->npages && (asc || desc); i++) {
        const pqw_page *p = &c->pages[i];
        if (p->null_page)
            continue;
        if (prev) {
            int cmin = pqw_bounds_cmp(c, bb + prev->min_off, prev->min_len, bb + p->min_off, p->min_len);
            int cmax = pqw_bounds_cmp(c, bb + prev->max_off, prev->max_len, bb + p->max_off, p->max_len);
            if (cmin > 0 || cmax > 0)
                asc = false;
            if (cmin < 0 || cmax < 0)
                desc = false;
        }
        prev = p;
    }
    return asc ? 1 : desc ? 2 : 0;
}

int pqw_index_write_chunk(pq_writer *w, pqw_col *c, int64_t data_off, pqw_chunkloc *loc, tn_err *err)
{
    loc->has_ci = loc->has_oi = false;
    if (!w->opt.page_index || c->npages == 0)
        return TN_OK;
    if (c->npages > INT32_MAX)
        return tn_err_set(err, TN_RANGE, "column \"%s\": too many pages for a page index", c->name);

    /* OffsetIndex */
    size_t start = w->oi_buf.len;
    pq_tw tw;
    pq_tw_init(&tw, &w->oi_buf);
    pq_tw_struct_begin(&tw);
    pq_tw_field_list(&tw, 1, PQ_TW_STRUCT, c->npages);
    for (uint32_t i = 0; i < c->npages; i++) {
        const pqw_page *p = &c->pages[i];
        pq_tw_struct_begin(&tw);
        pq_tw_field_i64(&tw, 1, data_off + (int64_t)p->offset);
        pq_tw_field_i32(&tw, 2, (int32_t)p->size);
        pq_tw_field_i64(&tw, 3, p->first_row);
        pq_tw_struct_end(&tw);
    }
    pq_tw_struct_end(&tw);
    int rc = pq_tw_finish(&tw);
    if (rc)
        return tn_err_set(err, rc, "out of memory while writing the page index of column \"%s\"", c->name);
    if (w->oi_buf.len - start > INT32_MAX)
        return tn_err_set(err, TN_RANGE, "column \"%s\": offset index too large", c->name);
    loc->has_oi = true;
    loc->oi_off = start;
    loc->oi_len = (uint32_t)(w->oi_buf.len - start);

    /* ColumnIndex, unless a page has no bounds although it has values (NaN only) */
    for (uint32_t i = 0; i < c->npages; i++)
        if (c->pages[i].nan_only)
            return TN_OK;
    start = w->ci_buf.len;
    pq_tw_init(&tw, &w->ci_buf);
    pq_tw_struct_begin(&tw);
    pq_tw_field_list(&tw, 1, PQ_TW_BOOL_TRUE, c->npages);
    for (uint32_t i = 0; i < c->npages; i++)
        pq_tw_bool(&tw, c->pages[i].null_page);
    const uint8_t *bb = c->bounds.data;
    pq_tw_field_list(&tw, 2, PQ_TW_BINARY, c->npages);
    for (uint32_t i = 0; i < c->npages; i++)
        pq_tw_binary(&tw, c->pages[i].null_page ? NULL : bb + c->pages[i].min_off,
                     c->pages[i].null_page ? 0 : c->pages[i].min_len);
    pq_tw_field_list(&tw, 3, PQ_TW_BINARY, c->npages);
    for (uint32_t i = 0; i < c->npages; i++)
        pq_tw_binary(&tw, c->pages[i].null_page ? NULL : bb + c->pages[i].max_off,
                     c->pages[i].null_page ? 0 : c->pages[i].max_len);
    pq_tw_field_i32(&tw, 4, boundary_order(c));
    pq_tw_field_list(&tw, 5, PQ_TW_I64, c->npages);
    for (uint32_t i = 0; i < c->npages; i++)
        pq_tw_i64(&tw, c->pages[i].null_count);
    if (c->m.order == PQW_ORD_F32 || c->m.order == PQW_ORD_F64) {
        pq_tw_field_list(&tw, 8, PQ_TW_I64, c->npages);
        for (uint32_t i = 0; i < c->npages; i++)
            pq_tw_i64(&tw, c->pages[i].nan_count);
    }
    pq_tw_struct_end(&tw);
    if ((rc = pq_tw_finish(&tw)) != TN_OK)
        return tn_err_set(err, rc, "out of memory while writing the page index of column \"%s\"", c->name);
    if (w->ci_buf.len - start > INT32_MAX)
        return tn_err_set(err, TN_RANGE, "column \"%s\": column index too large", c->name);
    loc->has_ci = true;
    loc->ci_off = start;
    loc->ci_len = (uint32_t)(w->ci_buf.len - start);
    return TN_OK;
}

/* ======================= Bloom filters ======================= */

static inline uint64_t mix_slot(uint64_t h) { return h ^ (h >> 29); }

static int hset_grow(pqw_hset *s)
{
    uint32_t nn = s->nslots ? s->nslots * 2 : 1024;
    uint64_t *ns = tn_calloc(nn, sizeof *ns);
    if (!ns)
        return TN_NOMEM;
    for (uint32_t i = 0; i < s->nslots; i++) {
        uint64_t h = s->slots[i];
        if (!h)
            continue;
        uint32_t p = (uint32_t)mix_slot(h) & (nn - 1);
        while (ns[p])
            p = (p + 1) & (nn - 1);
        ns[p] = h;
    }
    tn_free(s->slots);
    s->slots = ns;
    s->nslots = nn;
    return TN_OK;
}

static int hset_add(pqw_hset *s, uint64_t h)
{
    if (h == 0) {
        s->has_zero = true;
        return TN_OK;
    }
    if ((uint64_t)(s->count + 1) * 2 > s->nslots && hset_grow(s))
        return TN_NOMEM;
    uint32_t mask = s->nslots - 1, p = (uint32_t)mix_slot(h) & mask;
    while (s->slots[p]) {
        if (s->slots[p] == h)
            return TN_OK;
        p = (p + 1) & mask;
    }
    s->slots[p] = h;
    s->count++;
    return TN_OK;
}

static void hset_clear(pqw_hset *s)
{
    if (s->slots)
        memset(s->slots, 0, (size_t)s->nslots * sizeof *s->slots);
    s->count = 0;
    s->has_zero = false;
}

static void hset_free(pqw_hset *s)
{
    tn_free(s->slots);
    memset(s, 0, sizeof *s);
}

/* Move the set into a maximum-size bitset (memory bound reached). */
static int to_bitset(pqw_col *c)
{
    c->bloom_bits = tn_calloc(1, PQ_BLOOM_MAX_BYTES);
    if (!c->bloom_bits)
        return TN_NOMEM;
    for (uint32_t i = 0; i < c->bset.nslots; i++)
        if (c->bset.slots[i])
            pq_bloom_insert(c->bloom_bits, PQ_BLOOM_MAX_BYTES, c->bset.slots[i]);
    if (c->bset.has_zero)
        pq_bloom_insert(c->bloom_bits, PQ_BLOOM_MAX_BYTES, 0);
    hset_free(&c->bset);
    return TN_OK;
}

static int bloom_add_hash(pq_writer *w, pqw_col *c, uint64_t h)
{
    if (c->bloom_bits) {
        pq_bloom_insert(c->bloom_bits, PQ_BLOOM_MAX_BYTES, h);
        return TN_OK;
    }
    if (hset_add(&c->bset, h))
        return TN_NOMEM;
    if (c->bset.count > pq_bloom_max_ndv(w->opt.bloom_filter_fpp))
        return to_bitset(c);
    return TN_OK;
}

int pqw_bloom_add(pq_writer *w, pqw_col *c, const void *stagev, uint32_t v0, uint32_t v1, tn_err *err)
{
    int rc = TN_OK;
    if (c->m.conv == PQW_CV_STR) {
        const tn_str *s = stagev;
        for (uint32_t i = v0; i < v1 && rc == TN_OK; i++)
            rc = bloom_add_hash(w, c, pq_bloom_hash_bytes(tn_str_data(&s[i]), s[i].len));
    } else {
        const uint8_t *p = stagev;
        size_t wd = c->m.width;
        for (uint32_t i = v0; i < v1 && rc == TN_OK; i++)
            rc = bloom_add_hash(w, c, pq_bloom_hash_bytes(p + (size_t)i * wd, wd));
    }
    if (rc)
        return tn_err_set(err, rc, "out of memory while building the Bloom filter of column \"%s\"", c->name);
    return TN_OK;
}

static inline uint32_t rd_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int pqw_bloom_build(pq_writer *w, pqw_col *c, pq_bytes *out, tn_err *err)
{
    int rc = TN_OK;
    /* dictionary entries (PLAIN-encoded in dict.vals) */
    const uint8_t *dv = c->dict.vals.data;
    for (uint32_t e = 0; e < c->dict.count && rc == TN_OK; e++) {
        uint64_t h;
        if (c->m.conv == PQW_CV_STR) {
            const uint8_t *ent = dv + c->dict.offs[e];
            h = pq_bloom_hash_bytes(ent + 4, rd_u32(ent));
        } else {
            h = pq_bloom_hash_bytes(dv + (size_t)e * c->m.width, c->m.width);
        }
        rc = bloom_add_hash(w, c, h);
    }
    if (rc)
        return tn_err_set(err, rc, "out of memory while building the Bloom filter of column \"%s\"", c->name);

    out->len = 0;
    size_t nbytes = c->bloom_bits ? PQ_BLOOM_MAX_BYTES
                                  : pq_bloom_optimal_bytes((uint64_t)c->bset.count + c->bset.has_zero,
                                                           w->opt.bloom_filter_fpp);
    if (pq_bloom_header_encode(out, (uint32_t)nbytes) || pq_bytes_reserve(out, nbytes))
        return tn_err_set(err, TN_NOMEM, "out of memory while writing the Bloom filter of column \"%s\"", c->name);
    uint8_t *bits = out->data + out->len;
    if (c->bloom_bits) {
        memcpy(bits, c->bloom_bits, nbytes);
    } else {
        memset(bits, 0, nbytes);
        for (uint32_t i = 0; i < c->bset.nslots; i++)
            if (c->bset.slots[i])
                pq_bloom_insert(bits, nbytes, c->bset.slots[i]);
        if (c->bset.has_zero)
            pq_bloom_insert(bits, nbytes, 0);
    }
    out->len += nbytes;
    return TN_OK;
}

void pqw_index_reset_chunk(pqw_col *c)
{
    c->npages = 0;
    c->bounds.len = 0;
    /* a set grown for a large chunk is released rather than cleared page by page next time */
    if (c->bset.nslots > (1u << 16))
        hset_free(&c->bset);
    else
        hset_clear(&c->bset);
    tn_free(c->bloom_bits);
    c->bloom_bits = NULL;
}

void pqw_index_free(pqw_col *c)
{
    tn_free(c->pages);
    c->pages = NULL;
    c->npages = c->pages_cap = 0;
    pq_bytes_free(&c->bounds);
    hset_free(&c->bset);
    tn_free(c->bloom_bits);
    c->bloom_bits = NULL;
}
