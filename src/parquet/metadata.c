/*
 * metadata.c -- decoding of FileMetaData (the footer) and PageHeader from Thrift compact bytes
 * into the structs of metadata.h.
 *
 * Spec: apache/parquet-format parquet.thrift (field ids in metadata.h). Policy for odd input:
 *  - unknown fields and unknown union members are skipped (forward compatibility);
 *  - a known field written with an unexpected wire type is skipped as if unknown, except that
 *    any integer wire type is accepted where an integer is expected (old writers mix i16/i32/i64,
 *    e.g. parquet-testing dict-page-offset-zero.parquet);
 *  - missing required fields, negative sizes/counts and impossible enum values the reader relies
 *    on are TN_CORRUPT with the structure and offset in the message.
 * Every list is bounded by the remaining bytes / the smallest encoding of one element before its
 * array is allocated. All arrays come from a per-footer arena freed in one call.
 */
#include "metadata.h"
#include "thrift.h"
#include <string.h>

/* ---- arena: a chain of tn_calloc'd blocks ---- */
typedef struct arena_blk {
    struct arena_blk *next;
    max_align_t align[];
} arena_blk;

static void *arena_alloc(pq_file_meta *m, size_t count, size_t size)
{
    if (count && size > (SIZE_MAX - sizeof(arena_blk)) / count)
        return NULL;
    arena_blk *b = tn_calloc(1, sizeof(arena_blk) + count * size);
    if (!b)
        return NULL;
    b->next = m->arena;
    m->arena = b;
    return b->align;
}

void pq_file_meta_free(pq_file_meta *m)
{
    if (!m)
        return;
    arena_blk *b = m->arena;
    while (b) {
        arena_blk *n = b->next;
        tn_free(b);
        b = n;
    }
    memset(m, 0, sizeof *m);
}

/* ---- small helpers ---- */
#define TRY(x)              \
    do {                    \
        int rc_ = (x);      \
        if (rc_)            \
            return rc_;     \
    } while (0)

static int rd_i32(pq_thrift *t, int ty, int32_t *out, bool *has)
{
    if (!pq_thrift_is_int(ty))
        return pq_thrift_skip(t, ty);
    TRY(pq_thrift_i32(t, ty, out));
    if (has)
        *has = true;
    return TN_OK;
}

static int rd_i64(pq_thrift *t, int ty, int64_t *out, bool *has)
{
    if (!pq_thrift_is_int(ty))
        return pq_thrift_skip(t, ty);
    TRY(pq_thrift_int(t, ty, out));
    if (has)
        *has = true;
    return TN_OK;
}

static int rd_bool(pq_thrift *t, int ty, bool *out, bool *has)
{
    if (!pq_thrift_is_bool(ty))
        return pq_thrift_skip(t, ty);
    TRY(pq_thrift_field_bool(t, ty, out));
    if (has)
        *has = true;
    return TN_OK;
}

static int rd_bin(pq_thrift *t, int ty, pq_span *out, bool *has)
{
    if (ty != PQ_TT_BINARY)
        return pq_thrift_skip(t, ty);
    TRY(pq_thrift_binary(t, &out->p, &out->n));
    if (has)
        *has = true;
    return TN_OK;
}

/* Begin a list field whose elements need at least min_bytes each. *ok = false (and the field is
 * skipped) when the wire type is not a list or the elements are not of type want (want < 0 accepts
 * any integer type). */
static int list_begin_et(pq_thrift *t, int ty, int want, size_t min_bytes, uint32_t *n, bool *ok, int *et_out)
{
    *ok = false;
    if (ty != PQ_TT_LIST && ty != PQ_TT_SET)
        return pq_thrift_skip(t, ty);
    int et;
    TRY(pq_thrift_list_begin(t, &et, n));
    *et_out = et;
    bool match = want < 0 ? pq_thrift_is_int(et) : (et == want || (pq_thrift_is_bool(want) && pq_thrift_is_bool(et)));
    if (!match) {
        for (uint32_t i = 0; i < *n; i++)
            TRY(pq_thrift_skip_elem(t, et));
        pq_thrift_container_end(t);
        return TN_OK;
    }
    if ((size_t)*n > pq_thrift_remaining(t) / min_bytes)
        return pq_thrift_error(t, "list of %u elements cannot fit in the %zu remaining bytes", *n,
                               pq_thrift_remaining(t));
    *ok = true;
    return TN_OK;
}

static int list_begin(pq_thrift *t, int ty, int want, size_t min_bytes, uint32_t *n, bool *ok)
{
    int et;
    return list_begin_et(t, ty, want, min_bytes, n, ok, &et);
}

static int missing(pq_thrift *t, const char *strct, const char *field)
{
    return pq_thrift_error(t, "%s is missing required field %s", strct, field);
}

/* ---- Statistics ---- */
static int dec_statistics(pq_thrift *t, pq_statistics *s)
{
    memset(s, 0, sizeof *s);
    s->present = true;
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        switch (id) {
        case 1: TRY(rd_bin(t, ty, &s->max, &s->has_max)); break;
        case 2: TRY(rd_bin(t, ty, &s->min, &s->has_min)); break;
        case 3: TRY(rd_i64(t, ty, &s->null_count, &s->has_null_count)); break;
        case 4: TRY(rd_i64(t, ty, &s->distinct_count, &s->has_distinct_count)); break;
        case 5: TRY(rd_bin(t, ty, &s->max_value, &s->has_max_value)); break;
        case 6: TRY(rd_bin(t, ty, &s->min_value, &s->has_min_value)); break;
        case 7: TRY(rd_bool(t, ty, &s->is_max_exact, &s->has_is_max_exact)); break;
        case 8: TRY(rd_bool(t, ty, &s->is_min_exact, &s->has_is_min_exact)); break;
        case 9: TRY(rd_i64(t, ty, &s->nan_count, &s->has_nan_count)); break;
        default: TRY(pq_thrift_skip(t, ty)); break;
        }
    }
    pq_thrift_struct_end(t);
    /* negative counts are meaningless: drop them rather than mislead pruning */
    if (s->has_null_count && s->null_count < 0)
        s->has_null_count = false;
    if (s->has_nan_count && s->nan_count < 0)
        s->has_nan_count = false;
    return TN_OK;
}

static int field_statistics(pq_thrift *t, int ty, pq_statistics *s)
{
    if (ty != PQ_TT_STRUCT)
        return pq_thrift_skip(t, ty);
    return dec_statistics(t, s);
}

/* ---- LogicalType and friends ---- */

/* An empty-struct union (TimeUnit, ColumnOrder): returns the member id of the set member (0 if
 * none) and skips its body. */
static int dec_union_id(pq_thrift *t, int *out)
{
    *out = 0;
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        if (ty == PQ_TT_STRUCT && *out == 0 && id > 0)
            *out = id;
        TRY(pq_thrift_skip(t, ty));
    }
    pq_thrift_struct_end(t);
    return TN_OK;
}

/* TimestampType / TimeType: 1 isAdjustedToUTC, 2 unit */
static int dec_time_params(pq_thrift *t, pq_logical_type *lt)
{
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        if (id == 1)
            TRY(rd_bool(t, ty, &lt->utc, NULL));
        else if (id == 2 && ty == PQ_TT_STRUCT)
            TRY(dec_union_id(t, &lt->unit));
        else
            TRY(pq_thrift_skip(t, ty));
    }
    pq_thrift_struct_end(t);
    return TN_OK;
}

/* DecimalType: 1 scale, 2 precision; IntType: 1 bitWidth, 2 isSigned */
static int dec_two_fields(pq_thrift *t, int member, pq_logical_type *lt)
{
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        if (member == PQ_LT_DECIMAL && id == 1)
            TRY(rd_i32(t, ty, &lt->dec_scale, NULL));
        else if (member == PQ_LT_DECIMAL && id == 2)
            TRY(rd_i32(t, ty, &lt->dec_precision, NULL));
        else if (member == PQ_LT_INTEGER && id == 1) {
            int32_t bw = 0;
            TRY(rd_i32(t, ty, &bw, NULL));
            lt->bit_width = bw;
        } else if (member == PQ_LT_INTEGER && id == 2)
            TRY(rd_bool(t, ty, &lt->is_signed, NULL));
        else
            TRY(pq_thrift_skip(t, ty));
    }
    pq_thrift_struct_end(t);
    return TN_OK;
}

static bool logical_id_known(int id)
{
    return (id >= PQ_LT_STRING && id <= PQ_LT_TIMESTAMP) || (id >= PQ_LT_INTEGER && id <= PQ_LT_VECTOR);
}

static int dec_logical_type(pq_thrift *t, pq_logical_type *lt)
{
    memset(lt, 0, sizeof *lt);
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        if (ty != PQ_TT_STRUCT || lt->raw_id != 0 || id <= 0) {
            TRY(pq_thrift_skip(t, ty));
            continue;
        }
        lt->raw_id = id;
        if (!logical_id_known(id)) {
            TRY(pq_thrift_skip(t, ty));
            continue;
        }
        lt->id = id;
        if (id == PQ_LT_TIME || id == PQ_LT_TIMESTAMP)
            TRY(dec_time_params(t, lt));
        else if (id == PQ_LT_DECIMAL || id == PQ_LT_INTEGER)
            TRY(dec_two_fields(t, id, lt));
        else
            TRY(pq_thrift_skip(t, ty));
    }
    pq_thrift_struct_end(t);
    return TN_OK;
}

/* ---- SchemaElement ---- */
static int dec_schema_element(pq_thrift *t, pq_schema_element *e)
{
    bool has_name = false;
    memset(e, 0, sizeof *e);
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        switch (id) {
        case 1: TRY(rd_i32(t, ty, &e->type, &e->has_type)); break;
        case 2: TRY(rd_i32(t, ty, &e->type_length, &e->has_type_length)); break;
        case 3: TRY(rd_i32(t, ty, &e->repetition, &e->has_repetition)); break;
        case 4: TRY(rd_bin(t, ty, &e->name, &has_name)); break;
        case 5: TRY(rd_i32(t, ty, &e->num_children, &e->has_num_children)); break;
        case 6: TRY(rd_i32(t, ty, &e->converted_type, &e->has_converted_type)); break;
        case 7: TRY(rd_i32(t, ty, &e->scale, &e->has_scale)); break;
        case 8: TRY(rd_i32(t, ty, &e->precision, &e->has_precision)); break;
        case 9: TRY(rd_i32(t, ty, &e->field_id, &e->has_field_id)); break;
        case 10:
            if (ty == PQ_TT_STRUCT)
                TRY(dec_logical_type(t, &e->logical));
            else
                TRY(pq_thrift_skip(t, ty));
            break;
        default: TRY(pq_thrift_skip(t, ty)); break;
        }
    }
    pq_thrift_struct_end(t);
    if (!has_name)
        return missing(t, "SchemaElement", "4 (name)");
    return TN_OK;
}

/* ---- KeyValue list ---- */
static int dec_kv_list(pq_thrift *t, int ty, pq_file_meta *m, pq_kv **out, uint32_t *nout)
{
    uint32_t n;
    bool ok;
    TRY(list_begin(t, ty, PQ_TT_STRUCT, 2, &n, &ok));
    if (!ok)
        return TN_OK;
    pq_kv *kv = arena_alloc(m, n, sizeof *kv);
    if (!kv)
        return tn_err_set(t->err, TN_NOMEM, "out of memory decoding key/value metadata");
    for (uint32_t i = 0; i < n; i++) {
        bool has_key = false;
        TRY(pq_thrift_struct_begin(t));
        int16_t id = 0;
        for (;;) {
            int fty;
            TRY(pq_thrift_field(t, &id, &fty));
            if (fty == PQ_TT_STOP)
                break;
            if (id == 1)
                TRY(rd_bin(t, fty, &kv[i].key, &has_key));
            else if (id == 2)
                TRY(rd_bin(t, fty, &kv[i].value, &kv[i].has_value));
            else
                TRY(pq_thrift_skip(t, fty));
        }
        pq_thrift_struct_end(t);
        if (!has_key)
            return missing(t, "KeyValue", "1 (key)");
    }
    pq_thrift_container_end(t);
    *out = kv;
    *nout = n;
    return TN_OK;
}

/* ---- ColumnMetaData ---- */
static int dec_column_meta(pq_thrift *t, pq_file_meta *m, pq_column_meta *c)
{
    enum { F_TYPE = 1, F_ENC = 2, F_PATH = 4, F_CODEC = 8, F_NV = 16, F_TU = 32, F_TC = 64, F_DPO = 128 };
    unsigned seen = 0;
    memset(c, 0, sizeof *c);
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        bool ok = false;
        uint32_t n;
        int et;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        switch (id) {
        case 1: TRY(rd_i32(t, ty, &c->type, &ok)); seen |= ok ? F_TYPE : 0; break;
        case 2:
            TRY(list_begin_et(t, ty, -1, 1, &n, &ok, &et));
            if (ok) {
                for (uint32_t i = 0; i < n; i++) {
                    int32_t e;
                    TRY(pq_thrift_i32(t, et, &e));
                    if (e >= 0 && e < 32)
                        c->encodings |= 1u << e;
                }
                pq_thrift_container_end(t);
                seen |= F_ENC;
            }
            break;
        case 3:
            TRY(list_begin(t, ty, PQ_TT_BINARY, 1, &n, &ok));
            if (ok) {
                c->path = arena_alloc(m, n, sizeof *c->path);
                if (!c->path)
                    return tn_err_set(t->err, TN_NOMEM, "out of memory decoding path_in_schema");
                for (uint32_t i = 0; i < n; i++)
                    TRY(pq_thrift_binary(t, &c->path[i].p, &c->path[i].n));
                c->npath = n;
                pq_thrift_container_end(t);
                seen |= F_PATH;
            }
            break;
        case 4: TRY(rd_i32(t, ty, &c->codec, &ok)); seen |= ok ? F_CODEC : 0; break;
        case 5: TRY(rd_i64(t, ty, &c->num_values, &ok)); seen |= ok ? F_NV : 0; break;
        case 6: TRY(rd_i64(t, ty, &c->total_uncompressed_size, &ok)); seen |= ok ? F_TU : 0; break;
        case 7: TRY(rd_i64(t, ty, &c->total_compressed_size, &ok)); seen |= ok ? F_TC : 0; break;
        case 8: TRY(dec_kv_list(t, ty, m, &c->kv, &c->nkv)); break;
        case 9: TRY(rd_i64(t, ty, &c->data_page_offset, &ok)); seen |= ok ? F_DPO : 0; break;
        case 10: TRY(rd_i64(t, ty, &c->index_page_offset, &c->has_index_page_offset)); break;
        case 11: TRY(rd_i64(t, ty, &c->dictionary_page_offset, &c->has_dictionary_page_offset)); break;
        case 12: TRY(field_statistics(t, ty, &c->stats)); break;
        case 14: TRY(rd_i64(t, ty, &c->bloom_filter_offset, &c->has_bloom_filter_offset)); break;
        case 15: TRY(rd_i32(t, ty, &c->bloom_filter_length, &c->has_bloom_filter_length)); break;
        default: TRY(pq_thrift_skip(t, ty)); break;
        }
    }
    pq_thrift_struct_end(t);
    static const char *names[] = {"1 (type)", "2 (encodings)", "3 (path_in_schema)", "4 (codec)",
                                  "5 (num_values)", "6 (total_uncompressed_size)",
                                  "7 (total_compressed_size)", "9 (data_page_offset)"};
    for (int i = 0; i < 8; i++)
        if (!(seen & (1u << i)))
            return missing(t, "ColumnMetaData", names[i]);
    if (c->num_values < 0)
        return pq_thrift_error(t, "ColumnMetaData num_values is negative (%lld)", (long long)c->num_values);
    if (c->total_compressed_size < 0 || c->total_uncompressed_size < 0)
        return pq_thrift_error(t, "ColumnMetaData has a negative total size");
    return TN_OK;
}

/* ---- ColumnChunk ---- */
static int dec_column_chunk(pq_thrift *t, pq_file_meta *m, pq_column_chunk *cc)
{
    memset(cc, 0, sizeof *cc);
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    bool has_oio = false, has_oil = false, has_cio = false, has_cil = false;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        switch (id) {
        case 1: TRY(rd_bin(t, ty, &cc->file_path, &cc->has_file_path)); break;
        case 2: TRY(rd_i64(t, ty, &cc->file_offset, NULL)); break;
        case 3:
            if (ty != PQ_TT_STRUCT) {
                TRY(pq_thrift_skip(t, ty));
                break;
            }
            if (!cc->meta) {
                cc->meta = arena_alloc(m, 1, sizeof *cc->meta);
                if (!cc->meta)
                    return tn_err_set(t->err, TN_NOMEM, "out of memory decoding ColumnMetaData");
            }
            TRY(dec_column_meta(t, m, cc->meta));
            break;
        case 4: TRY(rd_i64(t, ty, &cc->offset_index_offset, &has_oio)); break;
        case 5: TRY(rd_i32(t, ty, &cc->offset_index_length, &has_oil)); break;
        case 6: TRY(rd_i64(t, ty, &cc->column_index_offset, &has_cio)); break;
        case 7: TRY(rd_i32(t, ty, &cc->column_index_length, &has_cil)); break;
        case 8:
            cc->has_crypto_metadata = true;
            TRY(pq_thrift_skip(t, ty));
            break;
        case 9:
            cc->has_encrypted_column_metadata = true;
            TRY(pq_thrift_skip(t, ty));
            break;
        default: TRY(pq_thrift_skip(t, ty)); break;
        }
    }
    pq_thrift_struct_end(t);
    cc->has_offset_index = has_oio && has_oil && cc->offset_index_offset >= 0 && cc->offset_index_length > 0;
    cc->has_column_index = has_cio && has_cil && cc->column_index_offset >= 0 && cc->column_index_length > 0;
    return TN_OK;
}

/* ---- RowGroup ---- */
static int dec_row_group(pq_thrift *t, pq_file_meta *m, pq_row_group *rg)
{
    bool has_cols = false, has_rows = false;
    memset(rg, 0, sizeof *rg);
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        uint32_t n;
        bool ok;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        switch (id) {
        case 1:
            /* a ColumnChunk needs at least file_offset (2 bytes) and a stop byte */
            TRY(list_begin(t, ty, PQ_TT_STRUCT, 3, &n, &ok));
            if (!ok)
                break;
            rg->columns = arena_alloc(m, n, sizeof *rg->columns);
            if (!rg->columns)
                return tn_err_set(t->err, TN_NOMEM, "out of memory decoding %u column chunks", n);
            for (uint32_t i = 0; i < n; i++)
                TRY(dec_column_chunk(t, m, &rg->columns[i]));
            rg->ncolumns = n;
            has_cols = true;
            pq_thrift_container_end(t);
            break;
        case 2: TRY(rd_i64(t, ty, &rg->total_byte_size, NULL)); break;
        case 3: TRY(rd_i64(t, ty, &rg->num_rows, &has_rows)); break;
        case 4:
            TRY(list_begin(t, ty, PQ_TT_STRUCT, 1, &n, &ok));
            if (!ok)
                break;
            rg->sorting = arena_alloc(m, n, sizeof *rg->sorting);
            if (!rg->sorting)
                return tn_err_set(t->err, TN_NOMEM, "out of memory decoding sorting columns");
            for (uint32_t i = 0; i < n; i++) {
                pq_sorting_column *sc = &rg->sorting[i];
                TRY(pq_thrift_struct_begin(t));
                int16_t sid = 0;
                for (;;) {
                    int sty;
                    TRY(pq_thrift_field(t, &sid, &sty));
                    if (sty == PQ_TT_STOP)
                        break;
                    if (sid == 1)
                        TRY(rd_i32(t, sty, &sc->column_idx, NULL));
                    else if (sid == 2)
                        TRY(rd_bool(t, sty, &sc->descending, NULL));
                    else if (sid == 3)
                        TRY(rd_bool(t, sty, &sc->nulls_first, NULL));
                    else
                        TRY(pq_thrift_skip(t, sty));
                }
                pq_thrift_struct_end(t);
            }
            rg->nsorting = n;
            pq_thrift_container_end(t);
            break;
        case 5: TRY(rd_i64(t, ty, &rg->file_offset, &rg->has_file_offset)); break;
        case 6: TRY(rd_i64(t, ty, &rg->total_compressed_size, &rg->has_total_compressed_size)); break;
        case 7: {
            int32_t o = 0;
            TRY(rd_i32(t, ty, &o, &rg->has_ordinal));
            rg->ordinal = (int16_t)o;
            break;
        }
        default: TRY(pq_thrift_skip(t, ty)); break;
        }
    }
    pq_thrift_struct_end(t);
    if (!has_cols)
        return missing(t, "RowGroup", "1 (columns)");
    if (!has_rows)
        return missing(t, "RowGroup", "3 (num_rows)");
    if (rg->num_rows < 0)
        return pq_thrift_error(t, "RowGroup num_rows is negative (%lld)", (long long)rg->num_rows);
    return TN_OK;
}

/* ---- FileMetaData ---- */
static int dec_file_meta(pq_thrift *t, pq_file_meta *m)
{
    bool has_version = false, has_schema = false, has_rows = false, has_rgs = false;
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        uint32_t n;
        bool ok;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        switch (id) {
        case 1: TRY(rd_i32(t, ty, &m->version, &has_version)); break;
        case 2:
            /* a SchemaElement needs at least a name (2 bytes) and a stop byte */
            TRY(list_begin(t, ty, PQ_TT_STRUCT, 3, &n, &ok));
            if (!ok)
                break;
            m->schema = arena_alloc(m, n, sizeof *m->schema);
            if (!m->schema)
                return tn_err_set(t->err, TN_NOMEM, "out of memory decoding %u schema elements", n);
            for (uint32_t i = 0; i < n; i++)
                TRY(dec_schema_element(t, &m->schema[i]));
            m->nschema = n;
            has_schema = true;
            pq_thrift_container_end(t);
            break;
        case 3: TRY(rd_i64(t, ty, &m->num_rows, &has_rows)); break;
        case 4:
            /* a RowGroup needs columns, total_byte_size and num_rows: at least 6 bytes */
            TRY(list_begin(t, ty, PQ_TT_STRUCT, 6, &n, &ok));
            if (!ok)
                break;
            m->row_groups = arena_alloc(m, n, sizeof *m->row_groups);
            if (!m->row_groups)
                return tn_err_set(t->err, TN_NOMEM, "out of memory decoding %u row groups", n);
            for (uint32_t i = 0; i < n; i++)
                TRY(dec_row_group(t, m, &m->row_groups[i]));
            m->nrow_groups = n;
            has_rgs = true;
            pq_thrift_container_end(t);
            break;
        case 5: TRY(dec_kv_list(t, ty, m, &m->kv, &m->nkv)); break;
        case 6: TRY(rd_bin(t, ty, &m->created_by, &m->has_created_by)); break;
        case 7:
            TRY(list_begin(t, ty, PQ_TT_STRUCT, 1, &n, &ok));
            if (!ok)
                break;
            m->column_orders = arena_alloc(m, n, 1);
            if (!m->column_orders)
                return tn_err_set(t->err, TN_NOMEM, "out of memory decoding column orders");
            for (uint32_t i = 0; i < n; i++) {
                int u;
                TRY(dec_union_id(t, &u));
                m->column_orders[i] = (u >= PQ_ORDER_TYPE_DEFINED && u <= PQ_ORDER_INT96) ? (uint8_t)u : PQ_ORDER_UNKNOWN;
            }
            m->ncolumn_orders = n;
            m->has_column_orders = true;
            pq_thrift_container_end(t);
            break;
        case 8:
            m->has_encryption_algorithm = true;
            TRY(pq_thrift_skip(t, ty));
            break;
        case 9:
            m->has_footer_signing_key_metadata = true;
            TRY(pq_thrift_skip(t, ty));
            break;
        default: TRY(pq_thrift_skip(t, ty)); break;
        }
    }
    pq_thrift_struct_end(t);
    if (!has_version)
        return missing(t, "FileMetaData", "1 (version)");
    if (!has_schema)
        return missing(t, "FileMetaData", "2 (schema)");
    if (!has_rows)
        return missing(t, "FileMetaData", "3 (num_rows)");
    if (!has_rgs)
        return missing(t, "FileMetaData", "4 (row_groups)");
    if (m->num_rows < 0)
        return pq_thrift_error(t, "FileMetaData num_rows is negative (%lld)", (long long)m->num_rows);
    return TN_OK;
}

int pq_file_meta_decode(const uint8_t *footer, size_t n, uint64_t base, pq_file_meta *out, tn_err *err)
{
    pq_thrift t;
    memset(out, 0, sizeof *out);
    pq_thrift_init(&t, footer, n, base, "FileMetaData", err);
    int rc = dec_file_meta(&t, out);
    if (rc)
        pq_file_meta_free(out);
    return rc;
}

/* ---- PageHeader ---- */
static int dec_data_page_header(pq_thrift *t, pq_page_header *h)
{
    bool has_nv = false, has_enc = false;
    h->data.def_encoding = 3; /* RLE when (illegally) absent */
    h->data.rep_encoding = 3;
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        switch (id) {
        case 1: TRY(rd_i32(t, ty, &h->data.num_values, &has_nv)); break;
        case 2: TRY(rd_i32(t, ty, &h->data.encoding, &has_enc)); break;
        case 3: TRY(rd_i32(t, ty, &h->data.def_encoding, NULL)); break;
        case 4: TRY(rd_i32(t, ty, &h->data.rep_encoding, NULL)); break;
        case 5: TRY(field_statistics(t, ty, &h->data.stats)); break;
        default: TRY(pq_thrift_skip(t, ty)); break;
        }
    }
    pq_thrift_struct_end(t);
    if (!has_nv)
        return missing(t, "DataPageHeader", "1 (num_values)");
    if (!has_enc)
        return missing(t, "DataPageHeader", "2 (encoding)");
    if (h->data.num_values < 0)
        return pq_thrift_error(t, "DataPageHeader num_values is negative (%d)", h->data.num_values);
    h->has_data = true;
    return TN_OK;
}

static int dec_dict_page_header(pq_thrift *t, pq_page_header *h)
{
    bool has_nv = false;
    h->dict.encoding = 0;
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        switch (id) {
        case 1: TRY(rd_i32(t, ty, &h->dict.num_values, &has_nv)); break;
        case 2: TRY(rd_i32(t, ty, &h->dict.encoding, NULL)); break;
        case 3: TRY(rd_bool(t, ty, &h->dict.is_sorted, NULL)); break;
        default: TRY(pq_thrift_skip(t, ty)); break;
        }
    }
    pq_thrift_struct_end(t);
    if (!has_nv)
        return missing(t, "DictionaryPageHeader", "1 (num_values)");
    if (h->dict.num_values < 0)
        return pq_thrift_error(t, "DictionaryPageHeader num_values is negative (%d)", h->dict.num_values);
    h->has_dict = true;
    return TN_OK;
}

static int dec_v2_page_header(pq_thrift *t, pq_page_header *h)
{
    unsigned seen = 0;
    h->v2.is_compressed = true; /* parquet.thrift default */
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        bool ok = false;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        switch (id) {
        case 1: TRY(rd_i32(t, ty, &h->v2.num_values, &ok)); break;
        case 2: TRY(rd_i32(t, ty, &h->v2.num_nulls, &ok)); break;
        case 3: TRY(rd_i32(t, ty, &h->v2.num_rows, &ok)); break;
        case 4: TRY(rd_i32(t, ty, &h->v2.encoding, &ok)); break;
        case 5: TRY(rd_i32(t, ty, &h->v2.def_len, &ok)); break;
        case 6: TRY(rd_i32(t, ty, &h->v2.rep_len, &ok)); break;
        case 7: TRY(rd_bool(t, ty, &h->v2.is_compressed, NULL)); break;
        case 8: TRY(field_statistics(t, ty, &h->v2.stats)); break;
        default: TRY(pq_thrift_skip(t, ty)); break;
        }
        if (ok && id >= 1 && id <= 6)
            seen |= 1u << (id - 1);
    }
    pq_thrift_struct_end(t);
    static const char *names[] = {"1 (num_values)", "2 (num_nulls)", "3 (num_rows)", "4 (encoding)",
                                  "5 (definition_levels_byte_length)",
                                  "6 (repetition_levels_byte_length)"};
    for (int i = 0; i < 6; i++)
        if (!(seen & (1u << i)))
            return missing(t, "DataPageHeaderV2", names[i]);
    if (h->v2.num_values < 0 || h->v2.num_nulls < 0 || h->v2.num_rows < 0)
        return pq_thrift_error(t, "DataPageHeaderV2 has a negative count (num_values %d, num_nulls %d, num_rows %d)",
                               h->v2.num_values, h->v2.num_nulls, h->v2.num_rows);
    if (h->v2.num_nulls > h->v2.num_values)
        return pq_thrift_error(t, "DataPageHeaderV2 num_nulls %d exceeds num_values %d", h->v2.num_nulls,
                               h->v2.num_values);
    if (h->v2.def_len < 0 || h->v2.rep_len < 0)
        return pq_thrift_error(t, "DataPageHeaderV2 has a negative level length");
    h->has_v2 = true;
    return TN_OK;
}

int pq_page_header_decode(const uint8_t *p, size_t n, uint64_t base, const char *what,
                          pq_page_header *out, size_t *hdr_len, tn_err *err)
{
    pq_thrift th, *t = &th;
    bool has_type = false, has_u = false, has_c = false;
    memset(out, 0, sizeof *out);
    pq_thrift_init(t, p, n, base, what, err);
    TRY(pq_thrift_struct_begin(t));
    int16_t id = 0;
    for (;;) {
        int ty;
        TRY(pq_thrift_field(t, &id, &ty));
        if (ty == PQ_TT_STOP)
            break;
        switch (id) {
        case 1: TRY(rd_i32(t, ty, &out->type, &has_type)); break;
        case 2: TRY(rd_i32(t, ty, &out->uncompressed_page_size, &has_u)); break;
        case 3: TRY(rd_i32(t, ty, &out->compressed_page_size, &has_c)); break;
        case 4: {
            int32_t crc = 0;
            TRY(rd_i32(t, ty, &crc, &out->has_crc));
            out->crc = (uint32_t)crc;
            break;
        }
        case 5:
            if (ty == PQ_TT_STRUCT)
                TRY(dec_data_page_header(t, out));
            else
                TRY(pq_thrift_skip(t, ty));
            break;
        case 7:
            if (ty == PQ_TT_STRUCT)
                TRY(dec_dict_page_header(t, out));
            else
                TRY(pq_thrift_skip(t, ty));
            break;
        case 8:
            if (ty == PQ_TT_STRUCT)
                TRY(dec_v2_page_header(t, out));
            else
                TRY(pq_thrift_skip(t, ty));
            break;
        default: TRY(pq_thrift_skip(t, ty)); break;
        }
    }
    pq_thrift_struct_end(t);
    if (!has_type)
        return missing(t, "PageHeader", "1 (type)");
    if (!has_u)
        return missing(t, "PageHeader", "2 (uncompressed_page_size)");
    if (!has_c)
        return missing(t, "PageHeader", "3 (compressed_page_size)");
    if (out->uncompressed_page_size < 0 || out->compressed_page_size < 0)
        return pq_thrift_error(t, "PageHeader has a negative page size (uncompressed %d, compressed %d)",
                               out->uncompressed_page_size, out->compressed_page_size);
    if (out->type == PQ_PAGE_DATA && !out->has_data)
        return missing(t, "PageHeader of a DATA_PAGE", "5 (data_page_header)");
    if (out->type == PQ_PAGE_DICTIONARY && !out->has_dict)
        return missing(t, "PageHeader of a DICTIONARY_PAGE", "7 (dictionary_page_header)");
    if (out->type == PQ_PAGE_DATA_V2 && !out->has_v2)
        return missing(t, "PageHeader of a DATA_PAGE_V2", "8 (data_page_header_v2)");
    *hdr_len = pq_thrift_consumed(t);
    return TN_OK;
}
