/*
 * writer.c -- the Parquet writer's file-level half: atomic file handling, splitting input chunks
 * into row groups, writing column chunks, Bloom filters, the page index and the FileMetaData
 * footer (parquet-format-summary.md §1, §3, §10-§12; parquet.thrift; PageIndex.md;
 * BloomFilter.md). Options live in writer_options.c, pages in writer_column.c, statistics in
 * writer_stats.c, page index entries and Bloom filters in writer_index.c.
 *
 * File protocol. pq_writer_open creates "<path>.tmp-<pid>-<n>" through the VFS and writes the
 * "PAR1" magic. Row groups are appended as they fill up. pq_writer_close writes the page index,
 * the footer (FileMetaData, its u32 LE length and "PAR1"), fsyncs, closes and renames the
 * temporary file over <path>, so a reader sees either the old file or the complete new one. Any
 * failure (and pq_writer_abort) closes and removes the temporary file; an existing <path> is
 * never touched before the final rename.
 *
 * Layout:  PAR1 | row group 0: column chunks (dictionary page, data pages), Bloom filters |
 *          row group 1 ... | all ColumnIndexes | all OffsetIndexes | FileMetaData | len | PAR1
 *
 * Row groups. Input is consumed in slices of at most PQW_SLICE active rows that never cross a row
 * group boundary; a row group ends after row_group_size rows or, when row_group_size_bytes is set,
 * once the buffered encoded bytes of all columns reach it. Flushing a row group writes, per column,
 * the dictionary page (if any data page used the dictionary) followed by the buffered data pages,
 * then the Bloom filters of the columns that asked for one; then it serialises each ColumnChunk's
 * file_offset and ColumnMetaData into w->rg_meta and the chunk's page index into w->ci_buf /
 * w->oi_buf. The ColumnChunk structs stay open: their page index locations (fields 4-7) are only
 * known at close, when write_row_groups completes them around the stored bytes. So only compact
 * metadata of finished row groups stays in memory. A file with no rows has no row groups.
 *
 * Columns and leaves. The writer's top-level columns are `fields`; each flat field is one leaf
 * column chunk, a nested field (LIST / MAP / STRUCT) several, planned and shredded into levels
 * by writer_nested.c. Row groups, column chunks, ColumnOrders and page indexes are per leaf.
 *
 * Footer contents: version (1, or 2 for PARQUET_VERSION 2), the schema (root "schema" + one
 * OPTIONAL leaf per flat column with its physical type, LogicalType and matching ConvertedType,
 * DECIMAL scale/precision; the groups of nested columns, writer_nested.c; field ids depth first
 * on request), num_rows, the row groups, key/value metadata, created_by, and a
 * TYPE_DEFINED_ORDER ColumnOrder per leaf. ColumnMetaData carries encodings, codec, path_in_schema,
 * num_values (levels), total sizes (headers included), data/dictionary page offsets,
 * statistics, encoding_stats and the Bloom filter's offset and length (header included).
 */
#include "writer_int.h"
#include "tarn.h" /* TARN_VERSION for created_by */

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PQW_CREATED_BY "tarn version " TARN_VERSION

static uint64_t g_tmp_counter;

static void writer_free(pq_writer *w)
{
    if (!w)
        return;
    for (uint32_t i = 0; i < w->ncols && w->cols; i++)
        pqw_col_free(&w->cols[i]);
    tn_free(w->cols);
    for (uint32_t i = 0; i < w->nfields && w->fields; i++)
        pqw_field_free(&w->fields[i]);
    tn_free(w->fields);
    tn_free(w->path);
    tn_free(w->tmp_path);
    tn_free(w->created_by);
    pq_bytes_free(&w->rg_meta);
    tn_free(w->rgs);
    tn_free(w->locs);
    tn_free(w->flushed);
    pq_bytes_free(&w->ci_buf);
    pq_bytes_free(&w->oi_buf);
    for (uint32_t i = 0; i < w->nkv; i++) {
        tn_free(w->kv_keys[i]);
        if (w->kv_values)
            tn_free(w->kv_values[i]);
    }
    tn_free(w->kv_keys);
    tn_free(w->kv_values);
    tn_free(w->s_def);
    tn_free(w->s_gather);
    tn_free(w->s_vrow);
    tn_free(w->s_vals);
    tn_free(w->s_didx);
    pq_bytes_free(&w->s_body);
    pq_bytes_free(&w->s_levels);
    pq_bytes_free(&w->s_hdr);
    pq_bytes_free(&w->s_tmp);
    pq_bytes_free(&w->s_enc);
    tn_free(w->s_u32);
    tn_free(w->s_strs);
    pq_bytes_free(&w->s_reps);
    tn_free(w->n_row);
    tn_free(w->n_zero);
    tn_free(w->n_vals);
    tn_free(w->n_didx);
    tn_free(w);
}

/* Close and remove the temporary file, free everything. */
static void writer_discard(pq_writer *w)
{
    if (!w)
        return;
    if (w->f) {
        vfs_close(w->f);
        w->f = NULL;
    }
    if (w->tmp_path && w->fs && w->fs->remove)
        w->fs->remove(w->fs, w->tmp_path, NULL);
    writer_free(w);
}

static int file_write(pq_writer *w, const void *p, size_t n, tn_err *err)
{
    if (n == 0)
        return TN_OK;
    int rc = vfs_write(w->f, p, n, err);
    if (rc)
        return rc;
    w->offset += n;
    return TN_OK;
}

/* Mark the columns named in opts->bloom_filter_columns. */
static int resolve_bloom(pq_writer *w, const pq_write_options *o, tn_err *err)
{
    for (uint32_t k = 0; k < o->nbloom_filter_columns; k++) {
        const char *n = o->bloom_filter_columns[k];
        uint32_t i = 0;
        while (i < w->nfields && !(n && strcasecmp(w->fields[i].name, n) == 0))
            i++;
        if (i == w->nfields)
            return tn_err_set(err, TN_ERROR, "BLOOM_FILTER_COLUMNS: no column \"%s\" in the Parquet output",
                              n ? n : "(null)");
        /* nested columns (LIST/MAP/STRUCT) get no Bloom filters: the type check refuses them */
        if (w->fields[i].root || !pq_bloom_type_supported(w->fields[i].type))
            return tn_err_set(err, TN_NOTSUP, "BLOOM_FILTER_COLUMNS: column \"%s\" has a type without Bloom filters",
                              w->fields[i].name);
        w->cols[w->fields[i].leaf0].bloom = true;
    }
    return TN_OK;
}

static int copy_kv(pq_writer *w, const pq_write_options *o, tn_err *err)
{
    if (o->nkv == 0)
        return TN_OK;
    w->kv_keys = tn_calloc(o->nkv, sizeof *w->kv_keys);
    w->kv_values = tn_calloc(o->nkv, sizeof *w->kv_values);
    if (!w->kv_keys || !w->kv_values)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    for (uint32_t i = 0; i < o->nkv; i++) {
        const char *v = o->kv_values ? o->kv_values[i] : NULL;
        w->nkv = i + 1;
        if (!(w->kv_keys[i] = tn_strdup(o->kv_keys[i])) || (v && !(w->kv_values[i] = tn_strdup(v))))
            return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    return TN_OK;
}

int pq_writer_open(vfs *fs, const char *path, uint32_t ncols, const char *const *names, const tn_type *types,
                   const pq_write_options *opts, pq_writer **out, tn_err *err)
{
    *out = NULL;
    if (!fs || !path || (ncols && (!names || !types)))
        return tn_err_set(err, TN_MISUSE, "pq_writer_open: missing argument");
    if (ncols == 0)
        return tn_err_set(err, TN_MISUSE, "a Parquet file needs at least one column");
    pq_write_options def;
    if (!opts) {
        pq_write_options_default(&def);
        opts = &def;
    }
    int rc = pqw_options_validate(opts, err);
    if (rc)
        return rc;
    for (uint32_t i = 0; i < ncols; i++) {
        if (!names[i])
            return tn_err_set(err, TN_MISUSE, "column %u has no name", i);
        for (uint32_t j = 0; j < i; j++)
            if (strcasecmp(names[i], names[j]) == 0)
                return tn_err_set(err, TN_ERROR, "duplicate column name \"%s\" in Parquet output", names[i]);
    }

    /* leaves and schema elements of every column (nested types have several) */
    uint64_t nleaves = 0, nelems = 0;
    for (uint32_t i = 0; i < ncols; i++) {
        uint32_t nl, ne;
        if ((rc = pqw_field_count(types[i], names[i], &nl, &ne, err)) != TN_OK)
            return rc;
        nleaves += nl;
        nelems += ne;
    }
    if (nleaves > INT32_MAX || nelems > INT32_MAX)
        return tn_err_set(err, TN_RANGE, "too many columns for a Parquet file");

    pq_writer *w = tn_calloc(1, sizeof *w);
    if (!w)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    w->fs = fs;
    w->opt = *opts;
    w->opt.created_by = NULL;
    /* pointer options are resolved or copied below; the writer never keeps the caller's */
    w->opt.bloom_filter_columns = NULL;
    w->opt.kv_keys = w->opt.kv_values = NULL;
    w->opt.partition_by = NULL;
    w->opt.owned = NULL;
    w->v2enc = opts->parquet_version == 2;
    w->page_version = w->v2enc ? 2 : opts->page_version;
    /* the deprecated Hadoop-framed LZ4 codec is unreadable by several readers (DuckDB among them):
     * "lz4" is written as LZ4_RAW, as other writers do (parquet-format-summary.md §12) */
    if (w->opt.codec == PQ_CODEC_LZ4)
        w->opt.codec = PQ_CODEC_LZ4_RAW;
    w->created_by = tn_strdup(opts->created_by ? opts->created_by : PQW_CREATED_BY);
    w->path = tn_strdup(path);
    w->fields = tn_calloc(ncols, sizeof *w->fields);
    w->cols = tn_calloc((size_t)nleaves, sizeof *w->cols);
    w->nschema = (uint32_t)nelems;
    w->s_def = tn_malloc(PQW_SLICE * sizeof *w->s_def);
    w->s_gather = tn_malloc(PQW_SLICE * sizeof *w->s_gather);
    w->s_vrow = tn_malloc(PQW_SLICE * sizeof *w->s_vrow);
    w->s_vals = tn_malloc(PQW_SLICE * 16);
    w->s_didx = tn_malloc(PQW_SLICE * sizeof *w->s_didx);
    w->flushed = tn_calloc((size_t)nleaves, sizeof *w->flushed);
    if (!w->created_by || !w->path || !w->fields || !w->cols || !w->s_def || !w->s_gather || !w->s_vrow ||
        !w->s_vals || !w->s_didx || !w->flushed) {
        writer_free(w);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < ncols; i++) {
        pqw_field *f = &w->fields[i];
        w->nfields = i + 1;
        f->type = types[i];
        f->leaf0 = w->ncols;
        if (!(f->name = tn_strdup(names[i]))) {
            writer_free(w);
            return tn_err_set(err, TN_NOMEM, "out of memory");
        }
        if (tn_type_is_nested(types[i])) {
            if ((rc = pqw_field_plan(w, f, err)) != TN_OK) {
                writer_free(w);
                return rc;
            }
            continue;
        }
        pqw_col *c = &w->cols[w->ncols++];
        f->nleaves = 1;
        c->type = types[i];
        c->max_def = 1;
        if (!(c->name = tn_strdup(names[i]))) {
            writer_free(w);
            return tn_err_set(err, TN_NOMEM, "out of memory");
        }
        if ((rc = pqw_map_type(types[i], names[i], &c->m, err)) != TN_OK ||
            (rc = pqw_col_init(w, c)) != TN_OK) {
            writer_free(w);
            return rc;
        }
    }
    if ((rc = resolve_bloom(w, opts, err)) != TN_OK || (rc = copy_kv(w, opts, err)) != TN_OK) {
        writer_free(w);
        return rc;
    }

    /* temporary file next to the target */
    size_t plen = strlen(path) + 64;
    w->tmp_path = tn_malloc(plen);
    if (!w->tmp_path) {
        writer_free(w);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    uint64_t n = __atomic_add_fetch(&g_tmp_counter, 1, __ATOMIC_RELAXED);
    snprintf(w->tmp_path, plen, "%s.tmp-%ld-%llu", path, (long)getpid(), (unsigned long long)n);
    if ((rc = vfs_open(fs, w->tmp_path, VFS_WRITE, &w->f, err)) != TN_OK) {
        w->f = NULL;
        tn_free(w->tmp_path); /* nothing was created */
        w->tmp_path = NULL;
        writer_free(w);
        return tn_err_prefix(err, rc, "cannot write Parquet file \"%s\": ", path);
    }
    if ((rc = file_write(w, "PAR1", 4, err)) != TN_OK) {
        writer_discard(w);
        return rc;
    }
    *out = w;
    return TN_OK;
}

uint64_t pq_writer_rows(const pq_writer *w) { return w ? w->rows : 0; }

/* ---- row groups ---- */

static void write_encodings(pq_tw *tw, const pqw_col *c, bool has_dict)
{
    int enc[PQW_NENC + 1], n = 0;
    enc[n++] = PQ_ENC_RLE; /* definition levels (and RLE booleans) */
    for (int e = 0; e < PQW_NENC; e++) {
        if (e == PQ_ENC_RLE)
            continue;
        if (c->pages_enc[e] || (e == PQ_ENC_PLAIN && has_dict)) /* the dictionary page is PLAIN */
            enc[n++] = e;
    }
    pq_tw_field_list(tw, 2, PQ_TW_I32, (uint32_t)n);
    for (int i = 0; i < n; i++)
        pq_tw_i32(tw, enc[i]);
}

static void write_encoding_stats(pq_tw *tw, const pqw_col *c, bool has_dict, int data_page_type)
{
    uint32_t n = has_dict ? 1 : 0;
    for (int e = 0; e < PQW_NENC; e++)
        n += c->pages_enc[e] ? 1 : 0;
    pq_tw_field_list(tw, 13, PQ_TW_STRUCT, n);
    if (has_dict) {
        pq_tw_struct_begin(tw);
        pq_tw_field_i32(tw, 1, 2); /* DICTIONARY_PAGE */
        pq_tw_field_i32(tw, 2, PQ_ENC_PLAIN);
        pq_tw_field_i32(tw, 3, 1);
        pq_tw_struct_end(tw);
    }
    for (int e = 0; e < PQW_NENC; e++) {
        if (!c->pages_enc[e])
            continue;
        pq_tw_struct_begin(tw);
        pq_tw_field_i32(tw, 1, data_page_type);
        pq_tw_field_i32(tw, 2, e);
        pq_tw_field_i32(tw, 3, (int32_t)c->pages_enc[e]);
        pq_tw_struct_end(tw);
    }
}

/* Serialise ColumnChunk fields 2 (file_offset) and 3 (ColumnMetaData) of column i into rg_meta,
 * without the struct's STOP: the page index locations (fields 4-7) follow at close. */
static int write_chunk_meta(pq_writer *w, uint32_t i, tn_err *err)
{
    const pqw_col *c = &w->cols[i];
    const pqw_flushed *fl = &w->flushed[i];
    int data_page_type = w->page_version == 2 ? 3 : 0;
    pq_tw tw;
    pq_tw_init(&tw, &w->rg_meta);
    pq_tw_struct_begin(&tw); /* ColumnChunk (left open) */
    pq_tw_field_i64(&tw, 2, fl->start);
    pq_tw_field_struct(&tw, 3); /* ColumnMetaData */
    pq_tw_field_i32(&tw, 1, c->m.phys);
    write_encodings(&tw, c, fl->has_dict);
    if (c->path) {
        pq_tw_field_list(&tw, 3, PQ_TW_BINARY, c->npath);
        for (uint32_t k = 0; k < c->npath; k++)
            pq_tw_binary(&tw, c->path[k], strlen(c->path[k]));
    } else {
        pq_tw_field_list(&tw, 3, PQ_TW_BINARY, 1);
        pq_tw_binary(&tw, c->name, strlen(c->name));
    }
    pq_tw_field_i32(&tw, 4, w->opt.codec);
    pq_tw_field_i64(&tw, 5, c->num_values);
    pq_tw_field_i64(&tw, 6, fl->uncompressed);
    pq_tw_field_i64(&tw, 7, fl->compressed);
    pq_tw_field_i64(&tw, 9, fl->data_off);
    if (fl->has_dict)
        pq_tw_field_i64(&tw, 11, fl->dict_off);
    pqw_stats_write(c, &c->st, &tw, 12);
    write_encoding_stats(&tw, c, fl->has_dict, data_page_type);
    if (fl->bloom_len) {
        pq_tw_field_i64(&tw, 14, fl->bloom_off);
        pq_tw_field_i32(&tw, 15, fl->bloom_len);
    }
    pq_tw_struct_end(&tw); /* ColumnMetaData */
    if (tw.rc != TN_OK)
        return tn_err_set(err, tw.rc, "out of memory while writing Parquet row group metadata");
    return TN_OK;
}

static int flush_row_group(pq_writer *w, tn_err *err)
{
    if (w->rg_rows == 0)
        return TN_OK;
    int rc = TN_OK;
    if (w->nrg == w->rgs_cap) {
        uint32_t nc = w->rgs_cap ? w->rgs_cap * 2 : 8;
        pqw_rg *r = tn_realloc(w->rgs, (size_t)nc * sizeof *r);
        pqw_chunkloc *l = r ? tn_realloc(w->locs, (size_t)nc * w->ncols * sizeof *l) : NULL;
        if (r)
            w->rgs = r;
        if (l)
            w->locs = l;
        if (!r || !l)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        w->rgs_cap = nc;
    }
    pqw_rg *rg = &w->rgs[w->nrg];
    pqw_chunkloc *locs = &w->locs[(size_t)w->nrg * w->ncols];
    int64_t rg_uncompressed = 0, rg_compressed = 0, rg_start = (int64_t)w->offset;

    /* 1. column chunks: dictionary page, then the buffered data pages */
    for (uint32_t i = 0; i < w->ncols; i++) {
        pqw_col *c = &w->cols[i];
        pqw_flushed *fl = &w->flushed[i];
        memset(fl, 0, sizeof *fl);
        if ((rc = pqw_col_flush_page(w, c, err)) != TN_OK)
            return rc;
        fl->start = (int64_t)w->offset;
        fl->uncompressed = c->uncompressed;
        fl->has_dict = c->dict_used && c->dict.count > 0;
        if (fl->has_dict) {
            int64_t du = 0;
            if ((rc = pqw_col_dict_page(w, c, &w->s_tmp, &du, err)) != TN_OK)
                return rc;
            fl->dict_off = fl->start;
            fl->uncompressed += du;
            if ((rc = file_write(w, w->s_tmp.data, w->s_tmp.len, err)) != TN_OK)
                return rc;
        }
        fl->data_off = (int64_t)w->offset;
        if ((rc = file_write(w, c->chunk.data, c->chunk.len, err)) != TN_OK)
            return rc;
        fl->compressed = (int64_t)w->offset - fl->start;
        rg_uncompressed += fl->uncompressed;
        rg_compressed += fl->compressed;
    }
    /* 2. Bloom filters after the row group's column chunks */
    for (uint32_t i = 0; i < w->ncols; i++) {
        pqw_col *c = &w->cols[i];
        if (!c->bloom)
            continue;
        if ((rc = pqw_bloom_build(w, c, &w->s_tmp, err)) != TN_OK)
            return rc;
        w->flushed[i].bloom_off = (int64_t)w->offset;
        w->flushed[i].bloom_len = (int32_t)w->s_tmp.len;
        if ((rc = file_write(w, w->s_tmp.data, w->s_tmp.len, err)) != TN_OK)
            return rc;
    }
    /* 3. page index (kept in memory until close) and metadata */
    rg->meta_start = w->rg_meta.len;
    for (uint32_t i = 0; i < w->ncols; i++) {
        pqw_col *c = &w->cols[i];
        if ((rc = pqw_index_write_chunk(w, c, w->flushed[i].data_off, &locs[i], err)) != TN_OK ||
            (rc = write_chunk_meta(w, i, err)) != TN_OK)
            return rc;
        locs[i].meta_end = w->rg_meta.len;
        pqw_col_reset_chunk(w, c);
    }
    rg->total_byte_size = rg_uncompressed;
    rg->num_rows = (int64_t)w->rg_rows;
    rg->file_offset = rg_start;
    rg->total_compressed_size = rg_compressed;
    w->nrg++;
    w->rg_rows = 0;
    return TN_OK;
}

static bool row_group_full(pq_writer *w)
{
    if (w->rg_rows >= w->opt.row_group_size)
        return true;
    if (w->opt.row_group_size_bytes) {
        uint64_t b = 0;
        for (uint32_t i = 0; i < w->ncols; i++)
            b += pqw_col_buffered(&w->cols[i]);
        if (b >= w->opt.row_group_size_bytes)
            return true;
    }
    return false;
}

int pq_writer_write(pq_writer *w, const tn_chunk *chunk, tn_err *err)
{
    if (!w || !chunk)
        return tn_err_set(err, TN_MISUSE, "pq_writer_write: missing argument");
    if (w->failed)
        return tn_err_set(err, TN_MISUSE, "Parquet writer for \"%s\" already failed", w->path);
    if (chunk->ncols != w->nfields)
        return tn_err_set(err, TN_MISUSE, "chunk has %u columns, the Parquet writer expects %u", chunk->ncols,
                          w->nfields);
    for (uint32_t i = 0; i < w->nfields; i++) {
        const tn_vector *v = chunk->cols[i];
        const pqw_field *f = &w->fields[i];
        if (!v || v->type.id != f->type.id || tn_type_width(v->type) != tn_type_width(f->type) ||
            (v->kind == TN_VEC_DICT && !v->dict) || (f->root && !tn_type_equal(v->type, f->type)))
            return tn_err_set(err, TN_MISUSE, "chunk column %u (\"%s\") does not match the declared type", i,
                              f->name);
    }
    uint32_t total = tn_chunk_rows(chunk);
    uint32_t pos = 0;
    int rc = TN_OK;
    while (pos < total) {
        uint64_t room = w->opt.row_group_size - w->rg_rows;
        uint32_t n = total - pos;
        if (n > PQW_SLICE)
            n = PQW_SLICE;
        if (n > room)
            n = (uint32_t)room;
        for (uint32_t i = 0; i < w->nfields; i++) {
            pqw_field *f = &w->fields[i];
            rc = f->root ? pqw_field_append(w, f, chunk, i, pos, pos + n, err)
                         : pqw_col_append(w, &w->cols[f->leaf0], chunk, i, pos, pos + n, err);
            if (rc != TN_OK)
                goto fail;
        }
        pos += n;
        w->rg_rows += n;
        w->rows += n;
        if (row_group_full(w) && (rc = flush_row_group(w, err)) != TN_OK)
            goto fail;
    }
    return TN_OK;
fail:
    w->failed = true;
    return rc;
}

/* ---- footer ---- */

void pqw_schema_leaf(pq_tw *tw, const pqw_col *c, const char *name, int repetition, int32_t field_id)
{
    const pqw_map *m = &c->m;
    pq_tw_struct_begin(tw);
    pq_tw_field_i32(tw, 1, m->phys);
    if (m->phys == PQ_FIXED_LEN_BYTE_ARRAY)
        pq_tw_field_i32(tw, 2, m->type_length);
    pq_tw_field_i32(tw, 3, repetition);
    pq_tw_field_string(tw, 4, name);
    if (m->converted >= 0)
        pq_tw_field_i32(tw, 6, m->converted);
    if (m->logical == 5) {
        pq_tw_field_i32(tw, 7, m->scale);
        pq_tw_field_i32(tw, 8, m->precision);
    }
    if (field_id >= 0)
        pq_tw_field_i32(tw, 9, field_id);
    if (m->logical) {
        pq_tw_field_struct(tw, 10); /* LogicalType union */
        pq_tw_field_struct(tw, (int16_t)m->logical);
        switch (m->logical) {
        case 5: /* DECIMAL */
            pq_tw_field_i32(tw, 1, m->scale);
            pq_tw_field_i32(tw, 2, m->precision);
            break;
        case 7: /* TIME */
        case 8: /* TIMESTAMP */
            pq_tw_field_bool(tw, 1, m->utc);
            pq_tw_field_struct(tw, 2); /* TimeUnit union */
            pq_tw_field_struct(tw, (int16_t)m->time_unit);
            pq_tw_struct_end(tw);
            pq_tw_struct_end(tw);
            break;
        case 10: /* INTEGER */
            pq_tw_field_i8(tw, 1, (int8_t)m->int_bits);
            pq_tw_field_bool(tw, 2, m->int_signed);
            break;
        default: break; /* empty structs: STRING, ENUM, DATE, UNKNOWN, JSON, UUID */
        }
        pq_tw_struct_end(tw);
        pq_tw_struct_end(tw);
    }
    pq_tw_struct_end(tw);
}

/* The RowGroup list: each ColumnChunk's stored prefix completed with its page index
 * locations (ci_start / oi_start: file offsets of the two index buffers). */
static void write_row_groups(pq_writer *w, pq_tw *tw, uint64_t ci_start, uint64_t oi_start)
{
    pq_tw_field_list(tw, 4, PQ_TW_STRUCT, w->nrg);
    for (uint32_t g = 0; g < w->nrg; g++) {
        const pqw_rg *rg = &w->rgs[g];
        const pqw_chunkloc *locs = &w->locs[(size_t)g * w->ncols];
        pq_tw_struct_begin(tw); /* RowGroup */
        pq_tw_field_list(tw, 1, PQ_TW_STRUCT, w->ncols);
        size_t at = rg->meta_start;
        for (uint32_t i = 0; i < w->ncols; i++) {
            const pqw_chunkloc *l = &locs[i];
            pq_tw_struct_begin(tw); /* ColumnChunk */
            pq_tw_raw(tw, w->rg_meta.data + at, l->meta_end - at);
            if (tw->rc == TN_OK)
                tw->last[tw->depth - 1] = 3; /* the prefix ended with field 3 */
            at = l->meta_end;
            if (l->has_oi) {
                pq_tw_field_i64(tw, 4, (int64_t)(oi_start + l->oi_off));
                pq_tw_field_i32(tw, 5, (int32_t)l->oi_len);
            }
            if (l->has_ci) {
                pq_tw_field_i64(tw, 6, (int64_t)(ci_start + l->ci_off));
                pq_tw_field_i32(tw, 7, (int32_t)l->ci_len);
            }
            pq_tw_struct_end(tw);
        }
        pq_tw_field_i64(tw, 2, rg->total_byte_size);
        pq_tw_field_i64(tw, 3, rg->num_rows);
        pq_tw_field_i64(tw, 5, rg->file_offset);
        pq_tw_field_i64(tw, 6, rg->total_compressed_size);
        if (g <= INT16_MAX)
            pq_tw_field_i16(tw, 7, (int16_t)g);
        pq_tw_struct_end(tw);
    }
}

static int write_footer(pq_writer *w, tn_err *err)
{
    /* page index: all ColumnIndexes, then all OffsetIndexes (PageIndex.md) */
    uint64_t ci_start = w->offset;
    int rc = file_write(w, w->ci_buf.data, w->ci_buf.len, err);
    uint64_t oi_start = w->offset;
    if (rc == TN_OK)
        rc = file_write(w, w->oi_buf.data, w->oi_buf.len, err);
    if (rc)
        return rc;

    pq_bytes meta = {0};
    pq_tw tw;
    pq_tw_init(&tw, &meta);
    pq_tw_struct_begin(&tw); /* FileMetaData */
    pq_tw_field_i32(&tw, 1, w->v2enc ? 2 : 1);
    pq_tw_field_list(&tw, 2, PQ_TW_STRUCT, w->nschema + 1);
    pq_tw_struct_begin(&tw); /* root */
    pq_tw_field_string(&tw, 4, "schema");
    pq_tw_field_i32(&tw, 5, (int32_t)w->nfields);
    pq_tw_struct_end(&tw);
    int32_t next_id = w->opt.field_ids ? 1 : -1; /* depth first over the fields, struct fields, list
                                                    elements, map keys and values */
    for (uint32_t i = 0; i < w->nfields; i++) {
        const pqw_field *f = &w->fields[i];
        if (f->root) {
            pqw_field_schema(w, f, &tw, &next_id);
        } else {
            pqw_schema_leaf(&tw, &w->cols[f->leaf0], f->name, PQ_OPTIONAL, next_id);
            if (next_id >= 0)
                next_id++;
        }
    }
    pq_tw_field_i64(&tw, 3, (int64_t)w->rows);
    write_row_groups(w, &tw, ci_start, oi_start);
    if (w->nkv) {
        pq_tw_field_list(&tw, 5, PQ_TW_STRUCT, w->nkv);
        for (uint32_t i = 0; i < w->nkv; i++) {
            pq_tw_struct_begin(&tw); /* KeyValue */
            pq_tw_field_string(&tw, 1, w->kv_keys[i]);
            if (w->kv_values[i])
                pq_tw_field_string(&tw, 2, w->kv_values[i]);
            pq_tw_struct_end(&tw);
        }
    }
    pq_tw_field_string(&tw, 6, w->created_by);
    pq_tw_field_list(&tw, 7, PQ_TW_STRUCT, w->ncols);
    for (uint32_t i = 0; i < w->ncols; i++) {
        pq_tw_struct_begin(&tw); /* ColumnOrder */
        pq_tw_field_struct(&tw, 1); /* TYPE_ORDER: TypeDefinedOrder {} */
        pq_tw_struct_end(&tw);
        pq_tw_struct_end(&tw);
    }
    pq_tw_struct_end(&tw);
    rc = pq_tw_finish(&tw);
    if (rc) {
        pq_bytes_free(&meta);
        return tn_err_set(err, rc, "out of memory while writing the Parquet footer");
    }
    if (meta.len > UINT32_MAX) {
        pq_bytes_free(&meta);
        return tn_err_set(err, TN_RANGE, "Parquet footer too large");
    }
    uint8_t tail[8];
    uint32_t len = (uint32_t)meta.len;
    for (int i = 0; i < 4; i++)
        tail[i] = (uint8_t)(len >> (8 * i));
    memcpy(tail + 4, "PAR1", 4);
    rc = file_write(w, meta.data, meta.len, err);
    if (rc == TN_OK)
        rc = file_write(w, tail, 8, err);
    pq_bytes_free(&meta);
    return rc;
}

int pq_writer_close(pq_writer *w, tn_err *err)
{
    if (!w)
        return tn_err_set(err, TN_MISUSE, "pq_writer_close: no writer");
    int rc;
    if (w->failed) {
        rc = tn_err_set(err, TN_MISUSE, "Parquet writer for \"%s\" failed earlier; nothing written", w->path);
        goto fail;
    }
    if ((rc = flush_row_group(w, err)) != TN_OK || (rc = write_footer(w, err)) != TN_OK ||
        (rc = vfs_sync(w->f, err)) != TN_OK)
        goto fail;
    int crc = vfs_close(w->f);
    w->f = NULL;
    if (crc) {
        rc = tn_err_set(err, crc, "cannot close \"%s\"", w->tmp_path);
        goto fail;
    }
    if (!w->fs->rename) {
        rc = tn_err_set(err, TN_NOTSUP, "the %s file system cannot rename files", w->fs->name);
        goto fail;
    }
    if ((rc = w->fs->rename(w->fs, w->tmp_path, w->path, err)) != TN_OK)
        goto fail;
    writer_free(w);
    return TN_OK;
fail:
    writer_discard(w);
    return rc;
}

void pq_writer_abort(pq_writer *w) { writer_discard(w); }
