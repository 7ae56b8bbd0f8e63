/*
 * bloom_read.c -- reading column chunk Bloom filters and skipping row groups with them.
 *
 * Spec: apache/parquet-format BloomFilter.md and parquet.thrift (BloomFilterHeader,
 * ColumnMetaData fields 14 bloom_filter_offset and 15 bloom_filter_length); summary section 11.
 * At bloom_filter_offset a Thrift BloomFilterHeader {numBytes, algorithm BLOCK, hash XXHASH,
 * compression UNCOMPRESSED} is immediately followed by numBytes of split-block bitset. When
 * bloom_filter_length (header + bitset) is present the whole filter is read at once; older
 * writers (parquet-testing data_index_bloom_encoding_stats.parquet) omit it, so a small prefix
 * is read first to decode the header, then the bitset. Header decoding, hashing and probing are
 * bloom.h's (shared with the writer).
 *
 * A value is probed with the hash of its PLAIN encoding in the column's physical type
 * (pq_bloom_hash_physical), which is how every writer hashes: INT32-stored types as 4 LE bytes,
 * strings as their raw bytes, FLBA decimals big-endian of the column's width... Values the
 * column cannot hold, or whose physical form tarn cannot reconstruct (INT96, FLOAT16, decimals in
 * BYTE_ARRAY), are never probed (they "may be present"). FLOAT/DOUBLE hash by bit pattern, so a
 * zero is probed as both -0.0 and +0.0, and NaN is never probed.
 *
 * Pruning (pq_row_group_bloom_may_match): a row group is skipped when, for some EQ or IN
 * predicate, every (non-NULL) value is certainly absent from that column's filter. A Bloom filter
 * never produces a false "absent", so this never drops a matching row; a missing, unsupported or
 * corrupt filter just means "may match". Filters live outside the column chunk and are read only
 * for row groups that survived statistics pruning.
 *
 * Hostile input: offsets and lengths are checked against the data region of the file (before
 * the footer), numBytes is validated by pq_bloom_header_decode (positive multiple of 32, capped),
 * so allocations are bounded by the file size and that cap.
 */
#include "metadata.h"
#include "bloom.h"
#include <math.h>
#include <string.h>

/* Bytes read to decode a header when bloom_filter_length is absent (headers are ~16 bytes). */
#define BLOOM_HEADER_PROBE 64

void pq_bloom_filter_free(pq_bloom_filter *bf)
{
    if (!bf)
        return;
    tn_free(bf->bitset);
    tn_free(bf);
}

static int make_filter(const uint8_t *bits, uint32_t nbytes, pq_bloom_filter **out, tn_err *err)
{
    pq_bloom_filter *bf = tn_calloc(1, sizeof *bf);
    if (!bf || !(bf->bitset = tn_malloc(nbytes))) {
        tn_free(bf);
        return tn_err_set(err, TN_NOMEM, "out of memory for a Bloom filter of %u bytes", nbytes);
    }
    if (bits)
        memcpy(bf->bitset, bits, nbytes);
    bf->nbytes = nbytes;
    *out = bf;
    return TN_OK;
}

int pq_bloom_filter_decode(const uint8_t *p, size_t n, uint64_t base, pq_bloom_filter **out, tn_err *err)
{
    *out = NULL;
    size_t hl;
    uint32_t nb;
    int rc = pq_bloom_header_decode(p, n, base, &hl, &nb, err);
    if (rc)
        return rc;
    if ((size_t)nb > n - hl)
        return tn_err_set(err, TN_CORRUPT, "Bloom filter at offset %llu: bitset of %u bytes runs past the %zu bytes given",
                          (unsigned long long)base, nb, n - hl);
    return make_filter(p + hl, nb, out, err);
}

int pq_bloom_filter_read(pq_file *f, uint32_t rg, int leaf, pq_bloom_filter **out, tn_err *err)
{
    *out = NULL;
    if (rg >= f->meta.nrow_groups || leaf < 0 || (uint32_t)leaf >= f->meta.row_groups[rg].ncolumns)
        return tn_err_set(err, TN_MISUSE, "%s: no column chunk %d in row group %u", f->path, leaf, rg);
    const pq_column_meta *md = f->meta.row_groups[rg].columns[leaf].meta;
    if (!md || !md->has_bloom_filter_offset)
        return TN_OK;
    int64_t off = md->bloom_filter_offset;
    uint64_t limit = f->footer_off; /* filters lie in the data region, before FileMetaData */
    if (off < 4 || (uint64_t)off >= limit)
        return tn_err_set(err, TN_CORRUPT, "%s: Bloom filter of column chunk %d of row group %u at offset %lld lies outside "
                          "the data region of the file", f->path, leaf, rg, (long long)off);
    uint64_t avail = limit - (uint64_t)off;
    uint8_t *buf = NULL;
    int rc = TN_OK;
    if (md->has_bloom_filter_length) {
        int32_t len = md->bloom_filter_length;
        if (len <= 0 || (uint64_t)len > avail || (uint64_t)len > (uint64_t)PQ_BLOOM_MAX_BYTES * 128 + 256)
            return tn_err_set(err, TN_CORRUPT, "%s: Bloom filter of column chunk %d of row group %u: length %d at offset "
                              "%lld does not fit the file", f->path, leaf, rg, len, (long long)off);
        if (!(buf = tn_malloc((size_t)len)))
            return tn_err_set(err, TN_NOMEM, "out of memory");
        if ((rc = vfs_read(f->fh, (uint64_t)off, buf, (size_t)len, err)))
            goto done;
        if ((rc = pq_bloom_filter_decode(buf, (size_t)len, (uint64_t)off, out, err)))
            tn_err_prefix(err, rc, "%s: ", f->path);
        goto done;
    }
    /* no length: decode the header from a short prefix, then read the bitset after it */
    uint8_t head[BLOOM_HEADER_PROBE];
    size_t hn = (size_t)TN_MIN((uint64_t)sizeof head, avail);
    if ((rc = vfs_read(f->fh, (uint64_t)off, head, hn, err)))
        return rc;
    size_t hl;
    uint32_t nb;
    if ((rc = pq_bloom_header_decode(head, hn, (uint64_t)off, &hl, &nb, err)))
        return tn_err_prefix(err, rc, "%s: ", f->path);
    if ((uint64_t)nb > avail - hl)
        return tn_err_set(err, TN_CORRUPT, "%s: Bloom filter at offset %lld: bitset of %u bytes runs past the data region",
                          f->path, (long long)off, nb);
    if ((rc = make_filter(NULL, nb, out, err)))
        return rc;
    if ((rc = vfs_read(f->fh, (uint64_t)off + hl, (*out)->bitset, nb, err))) {
        pq_bloom_filter_free(*out);
        *out = NULL;
    }
done:
    tn_free(buf);
    return rc;
}

/* Physical storage of v (types.h) in *st, for pq_bloom_hash_physical. false if not hashable. */
typedef union value_storage {
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    tn_i128 i128;
    float f32;
    double f64;
    uint8_t uuid[16];
    tn_str str;
} value_storage;

static bool to_storage(const tn_value *v, value_storage *st)
{
    memset(st, 0, sizeof *st);
    switch ((tn_type_id)v->type.id) {
    case TN_T_INT8: st->i8 = (int8_t)v->v.i64; return true;
    case TN_T_INT16: st->i16 = (int16_t)v->v.i64; return true;
    case TN_T_INT32: case TN_T_DATE: st->i32 = (int32_t)v->v.i64; return true;
    case TN_T_INT64: case TN_T_TIME: case TN_T_TIMESTAMP: st->i64 = v->v.i64; return true;
    case TN_T_UINT8: st->u8 = (uint8_t)v->v.u64; return true;
    case TN_T_UINT16: st->u16 = (uint16_t)v->v.u64; return true;
    case TN_T_UINT32: st->u32 = (uint32_t)v->v.u64; return true;
    case TN_T_UINT64: st->u64 = v->v.u64; return true;
    case TN_T_INT128: st->i128 = v->v.i128; return true;
    case TN_T_DECIMAL:
        if (tn_decimal_is_small(v->type))
            st->i64 = v->v.i64;
        else
            st->i128 = v->v.i128;
        return true;
    case TN_T_FLOAT: st->f32 = (float)v->v.f64; return !isnan(st->f32);
    case TN_T_DOUBLE: st->f64 = v->v.f64; return !isnan(st->f64);
    case TN_T_VARCHAR:
    case TN_T_BLOB:
        if (!v->v.str.ptr && v->v.str.len)
            return false;
        st->str = tn_str_make(v->v.str.ptr ? v->v.str.ptr : "", v->v.str.len);
        return true;
    case TN_T_UUID: memcpy(st->uuid, v->v.uuid, 16); return true;
    default: return false;
    }
}

bool pq_bloom_filter_may_contain(const pq_bloom_filter *bf, const pq_schema_node *node, const tn_value *v)
{
    if (!bf || !node || v->is_null || !tn_type_equal(v->type, node->type))
        return true;
    value_storage st;
    if (!to_storage(v, &st))
        return true;
    uint64_t h;
    if (!pq_bloom_hash_physical(node->physical_type, node->type_length, node->type, &st, &h))
        return true;
    if (pq_bloom_check(bf->bitset, bf->nbytes, h))
        return true;
    /* a zero also exists with the other sign bit */
    if (v->type.id == TN_T_FLOAT && st.f32 == 0.0f) {
        st.f32 = -st.f32;
        return !pq_bloom_hash_physical(node->physical_type, node->type_length, node->type, &st, &h) ||
               pq_bloom_check(bf->bitset, bf->nbytes, h);
    }
    if (v->type.id == TN_T_DOUBLE && st.f64 == 0.0) {
        st.f64 = -st.f64;
        return !pq_bloom_hash_physical(node->physical_type, node->type_length, node->type, &st, &h) ||
               pq_bloom_check(bf->bitset, bf->nbytes, h);
    }
    return false;
}

int pq_row_group_bloom_may_match(pq_file *f, uint32_t rg, const pq_predicate *preds, uint32_t npreds,
                                 bool *may_match, uint32_t *filters_read, tn_err *err)
{
    *may_match = true;
    if (filters_read)
        *filters_read = 0;
    if (rg >= f->meta.nrow_groups)
        return TN_OK;
    for (uint32_t i = 0; i < npreds && *may_match; i++) {
        const pq_predicate *p = &preds[i];
        if ((p->op != PQ_PRED_EQ && p->op != PQ_PRED_IN) || p->nvalues == 0 || !p->values)
            continue;
        const pq_schema_node *node = pq_file_field(f, p->field);
        int leaf = pq_schema_flat_leaf(node);
        if (leaf < 0 || !node->supported || !pq_bloom_type_supported(node->type))
            continue;
        const pq_column_meta *md = f->meta.row_groups[rg].columns[leaf].meta;
        if (!md || !md->has_bloom_filter_offset)
            continue;
        pq_bloom_filter *bf = NULL;
        tn_err tmp = TN_ERR_INIT;
        int rc = pq_bloom_filter_read(f, rg, leaf, &bf, &tmp);
        if (rc == TN_NOMEM || rc == TN_IOERR || rc == TN_INTERRUPT) {
            if (err)
                *err = tmp;
            return rc;
        }
        if (rc || !bf)
            continue; /* corrupt or unsupported filter: no information */
        if (filters_read)
            (*filters_read)++;
        bool any = false;
        for (uint32_t j = 0; j < p->nvalues && !any; j++)
            any = p->values[j].is_null ? false : pq_bloom_filter_may_contain(bf, node, &p->values[j]);
        pq_bloom_filter_free(bf);
        if (!any)
            *may_match = false;
    }
    return TN_OK;
}
