/*
 * test_writer.c -- the Parquet writer (writer.c, writer_column.c), checked through the reader
 * (pq_file_open, pq_column_reader, pq_column_stats) and the decoded footer/page headers
 * (metadata.h). Statistics rules are in test_writer_stats.c, the DuckDB peer check in
 * test_writer_peer.c, shared helpers in writer_testutil.h.
 *
 *  - matrix: every flat type as one column of a file, for every codec x data page v1/v2 x
 *    with/without NULLs x {PLAIN only, dictionary, dictionary with a tiny size limit (fallback)},
 *    fed by FLAT chunks, chunks with selection vectors, CONST and DICT vectors (with NULL
 *    dictionary entries); read back value by value (bit-exact floats), statistics compared with
 *    min/max/null counts computed from the data, and the page structure walked (page types,
 *    dictionary first, no return to the dictionary after fallback, v2 is_compressed).
 *  - row groups by rows and by bytes, page size target, huge values, empty files.
 *  - atomicity: abort, errors from data, a failing VFS mid-write: no temp file left and an
 *    existing target untouched; a successful close replaces it.
 *  - misuse: unsupported types (INTERVAL), duplicate names, bad options, mismatched chunks.
 */
#define _GNU_SOURCE
#include "writer_testutil.h"

/* ======================= the matrix ======================= */

/* Value encodings the format v2 fallback must use for a column of type t (PLAIN for the rest). */
static uint32_t v2_encodings(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL: return 1u << PQ_ENC_RLE;
    case TN_T_FLOAT:
    case TN_T_DOUBLE: return 1u << PQ_ENC_BYTE_STREAM_SPLIT;
    case TN_T_VARCHAR:
    case TN_T_BLOB: return 1u << PQ_ENC_DELTA_BYTE_ARRAY | 1u << PQ_ENC_DELTA_LENGTH_BYTE_ARRAY;
    case TN_T_INT128:
    case TN_T_UUID: return 1u << PQ_ENC_PLAIN;
    case TN_T_DECIMAL: return t.precision > 18 ? 1u << PQ_ENC_PLAIN : 1u << PQ_ENC_DELTA_BINARY_PACKED;
    default: return 1u << PQ_ENC_DELTA_BINARY_PACKED;
    }
}

static void check_file(const char *path, expected *e, const pq_write_options *o, int dictmode, const char *label)
{
    bool fmt2 = o->parquet_version == 2;
    int page_version = fmt2 ? 2 : o->page_version;
    tn_err err = TN_ERR_INIT;
    pq_file *f = NULL;
    int rc = pq_file_open(vfs_default(), path, &f, &err);
    CHECK_EQ_INT(rc, TN_OK);
    if (rc) {
        fprintf(stderr, "%s: %s\n", label, err.msg);
        return;
    }
    CHECK_EQ_INT(pq_file_num_rows(f), e->rows);
    CHECK_EQ_INT(pq_file_num_fields(f), NCOLS);
    uint32_t nrg = pq_file_num_row_groups(f);
    CHECK_EQ_INT(nrg, (e->rows + o->row_group_size - 1) / o->row_group_size);
    CHECK(f->meta.has_column_orders && f->meta.ncolumn_orders == NCOLS);
    for (uint32_t i = 0; i < f->meta.ncolumn_orders; i++)
        CHECK_EQ_INT(f->meta.column_orders[i], PQ_ORDER_TYPE_DEFINED);
    CHECK(pq_file_created_by(f) && strncmp(pq_file_created_by(f), "tarn", 4) == 0);
    CHECK_EQ_INT(f->meta.version, fmt2 ? 2 : 1);

    /* schema: types as the reader sees them */
    for (int c = 0; c < NCOLS; c++) {
        const pq_schema_node *nd = pq_file_field(f, (uint32_t)c);
        tn_type want = read_type_of(g_cols[c].type);
        CHECK_EQ_STR(nd->name, g_cols[c].name);
        CHECK_EQ_INT(nd->repetition, PQ_OPTIONAL);
        bool same = nd->type.id == want.id && nd->type.precision == want.precision && nd->type.scale == want.scale &&
                    nd->type.unit == want.unit && nd->type.tz == want.tz &&
                    (nd->type.flags & TN_TF_JSON) == (want.flags & TN_TF_JSON);
        if (!same)
            fprintf(stderr, "%s: column %s read back as type id %d\n", label, g_cols[c].name, nd->type.id);
        CHECK(same);
    }

    uint32_t base = 0;
    int mismatches = 0;
    for (uint32_t rg = 0; rg < nrg; rg++) {
        uint32_t rgrows = (uint32_t)pq_row_group_num_rows(f, rg);
        for (int c = 0; c < NCOLS; c++) {
            tn_type t = g_cols[c].type;
            const pq_schema_node *nd = pq_file_field(f, (uint32_t)c);
            /* values */
            pq_column_reader *r = NULL;
            rc = pq_column_reader_open(f, rg, (uint32_t)c, &r, &err);
            CHECK_EQ_INT(rc, TN_OK);
            if (rc) {
                fprintf(stderr, "%s: open column %s: %s\n", label, g_cols[c].name, err.msg);
                continue;
            }
            tn_vector *out = tn_vector_new(nd->type, TN_BATCH);
            uint32_t got_rows = 0;
            for (;;) {
                uint32_t n = 0;
                rc = pq_column_reader_next(r, TN_BATCH, out, &n, &err);
                if (rc) {
                    fprintf(stderr, "%s: read column %s: %s\n", label, g_cols[c].name, err.msg);
                    CHECK_EQ_INT(rc, TN_OK);
                    break;
                }
                if (n == 0)
                    break;
                for (uint32_t k = 0; k < n && base + got_rows + k < e->rows; k++) {
                    rview a = row_view(e->cols[c], base + got_rows + k), b = row_view(out, k);
                    bool ok = a.valid == b.valid && (!a.valid || values_equal(t, a.data, b.data));
                    if (!ok && mismatches++ < 5)
                        fprintf(stderr, "%s: column %s row %u differs (valid %d/%d)\n", label, g_cols[c].name,
                                base + got_rows + k, a.valid, b.valid);
                    CHECK(ok);
                }
                got_rows += n;
            }
            CHECK_EQ_INT(got_rows, rgrows);
            pq_column_reader_close(r);
            tn_vector_unref(out);

            /* statistics vs. the data of this row group */
            int64_t nulls = 0;
            int64_t lo = -1, hi = -1;
            for (uint32_t k = 0; k < rgrows; k++) {
                rview a = row_view(e->cols[c], base + k);
                if (!a.valid) {
                    nulls++;
                    continue;
                }
                if (is_nan_value(t, a.data))
                    continue;
                if (lo < 0 || value_cmp(t, a.data, row_view(e->cols[c], (uint32_t)lo).data) < 0)
                    lo = base + k;
                if (hi < 0 || value_cmp(t, a.data, row_view(e->cols[c], (uint32_t)hi).data) > 0)
                    hi = base + k;
            }
            pq_stats st;
            memset(&st, 0, sizeof st);
            rc = pq_column_stats(f, rg, c, &st, &err);
            CHECK_EQ_INT(rc, TN_OK);
            if (rc == TN_OK) {
                CHECK(st.has_null_count);
                CHECK_EQ_INT(st.null_count, nulls);
                CHECK_EQ_INT(st.num_values, rgrows);
                bool str = t.id == TN_T_VARCHAR || t.id == TN_T_BLOB;
                if (lo < 0) {
                    CHECK(!st.has_min_max);
                } else if (!str || st.has_min_max) {
                    CHECK(st.has_min_max);
                    if (st.has_min_max) {
                        bool okmin, okmax;
                        if (str) {
                            /* bounds may be truncated: min must be a prefix-bound, max >= real max */
                            const tn_str *emin = (const tn_str *)row_view(e->cols[c], (uint32_t)lo).data;
                            const tn_str *emax = (const tn_str *)row_view(e->cols[c], (uint32_t)hi).data;
                            tn_str smin = tn_str_make(st.min.v.str.ptr, st.min.v.str.len);
                            tn_str smax = tn_str_make(st.max.v.str.ptr, st.max.v.str.len);
                            okmin = tn_str_cmp(&smin, emin) <= 0;
                            okmax = tn_str_cmp(&smax, emax) >= 0;
                        } else {
                            okmin = stat_matches(t, &st.min, row_view(e->cols[c], (uint32_t)lo).data);
                            okmax = stat_matches(t, &st.max, row_view(e->cols[c], (uint32_t)hi).data);
                        }
                        if (!okmin || !okmax)
                            fprintf(stderr, "%s: rg %u column %s: statistics min/max wrong\n", label, rg,
                                    g_cols[c].name);
                        CHECK(okmin);
                        CHECK(okmax);
                    }
                }
                pq_stats_free(&st);
            }

            /* chunk structure */
            const pq_column_chunk *cc = &f->meta.row_groups[rg].columns[c];
            const pq_column_meta *cm = cc->meta;
            CHECK(cm != NULL);
            if (!cm)
                continue;
            CHECK_EQ_INT(cm->codec, o->codec);
            CHECK_EQ_INT(cm->num_values, rgrows);
            page_walk pw;
            CHECK_EQ_INT(walk_pages(path, cm, page_version, &pw), 0);
            /* every page carries a correct CRC and its statistics (the defaults) */
            CHECK_EQ_INT(pw.ncrc, pw.npages);
            CHECK_EQ_INT(pw.crc_bad, 0);
            CHECK_EQ_INT(pw.nstats, pw.npages - pw.ndict);
            CHECK(pw.stats_ok);
            /* the page index covers every data page */
            CHECK(cc->has_offset_index);
            {
                uint32_t plain_encs = pw.encs & ~(1u << PQ_ENC_RLE_DICTIONARY);
                bool allnull = strcmp(g_cols[c].name, "c_allnull") == 0;
                if (plain_encs && !allnull) {
                    uint32_t want = fmt2 ? v2_encodings(t) : 1u << PQ_ENC_PLAIN;
                    if ((plain_encs & ~want) != 0)
                        fprintf(stderr, "%s: column %s used encodings 0x%x (allowed 0x%x)\n", label, g_cols[c].name,
                                plain_encs, want);
                    CHECK((plain_encs & ~want) == 0);
                }
                /* ColumnMetaData.encodings lists what the pages use */
                CHECK((cm->encodings & pw.encs) == pw.encs);
            }
            CHECK(pw.dict_first_ok);
            CHECK(pw.no_dict_after_plain);
            CHECK(pw.types_ok);
            CHECK(pw.v2_flags_ok);
            CHECK_EQ_INT(pw.values, rgrows);
            CHECK_EQ_INT(pw.ndict, cm->has_dictionary_page_offset ? 1 : 0);
            CHECK_EQ_INT(pw.ndict, pw.ndata_dict > 0 ? 1 : 0);
            CHECK(((cm->encodings >> PQ_ENC_RLE_DICTIONARY) & 1) == (pw.ndata_dict > 0));
            bool dictable = t.id != TN_T_BOOL && strcmp(g_cols[c].name, "c_allnull") != 0;
            if (dictmode == 0)
                CHECK_EQ_INT(pw.ndict, 0);
            if (dictmode == 1 && dictable) {
                CHECK_EQ_INT(pw.ndict, 1);
                CHECK_EQ_INT(pw.ndata_plain, 0);
            }
            if (dictmode == 2 && dictable && rgrows > 1000) {
                /* the tiny limit forces a fallback in every non-trivial chunk */
                CHECK(pw.ndata_plain > 0);
            }
            if (o->page_size < 100000 && t.id != TN_T_BOOL)
                CHECK(pw.max_uncompressed < (int32_t)o->page_size * 2 + 1024);
        }
        base += rgrows;
    }
    CHECK_EQ_INT(base, e->rows);
    pq_file_unref(f);
}

/* version 1/2: data page version (format v1); 3: PARQUET_VERSION 2 (format v2 encodings). */
static void run_case(int codec, int version, bool nulls, int dictmode)
{
    char label[128], path[600];
    snprintf(label, sizeof label, "m-%s-v%d-%s-d%d", pq_codec_name(codec), version, nulls ? "nulls" : "nonull",
             dictmode);
    char name[160];
    snprintf(name, sizeof name, "%s.parquet", label);
    tmp_path(path, sizeof path, name);

    pq_write_options o;
    pq_write_options_default(&o);
    o.codec = codec;
    o.page_version = version == 3 ? 1 : version; /* format v2 writes v2 pages regardless */
    o.parquet_version = version == 3 ? 2 : 1;
    o.row_group_size = 2500;
    o.dictionary = dictmode != 0;
    if (dictmode == 2) {
        o.dictionary_size_limit = 300;
        o.page_size = 4096;
    }
    const char *names[NCOLS];
    tn_type types[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        names[c] = g_cols[c].name;
        types[c] = g_cols[c].type;
    }
    expected e;
    memset(&e, 0, sizeof e);
    for (int c = 0; c < NCOLS; c++)
        e.cols[c] = tn_vector_new(types[c], 1024);

    tn_err err = TN_ERR_INIT;
    pq_writer *w = NULL;
    int rc = pq_writer_open(vfs_default(), path, NCOLS, names, types, &o, &w, &err);
    CHECK_EQ_INT(rc, TN_OK);
    if (rc) {
        fprintf(stderr, "%s: open: %s\n", label, err.msg);
        goto out;
    }
    for (int k = 0; k < 6 && rc == TN_OK; k++) {
        tn_chunk *ch = make_chunk(k, (uint64_t)codec * 100 + (uint64_t)version * 10 + (uint64_t)dictmode, nulls);
        exp_append(&e, ch);
        rc = pq_writer_write(w, ch, &err);
        tn_chunk_free(ch);
    }
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(pq_writer_rows(w), e.rows);
    if (rc) {
        fprintf(stderr, "%s: write: %s\n", label, err.msg);
        pq_writer_abort(w);
        goto out;
    }
    rc = pq_writer_close(w, &err);
    CHECK_EQ_INT(rc, TN_OK);
    if (rc) {
        fprintf(stderr, "%s: close: %s\n", label, err.msg);
        goto out;
    }
    check_file(path, &e, &o, dictmode, label);
    unlink(path);
out:
    for (int c = 0; c < NCOLS; c++)
        tn_vector_unref(e.cols[c]);
}

static void test_matrix(void)
{
    init_cols();
    const int codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_ZSTD, PQ_CODEC_GZIP, PQ_CODEC_LZ4_RAW,
                          PQ_CODEC_BROTLI};
    for (size_t ci = 0; ci < TN_ARRAY_LEN(codecs); ci++)
        for (int version = 1; version <= 3; version++) {
            if (version == 3 && ci % 2) /* format v2 with half of the codecs keeps the run short */
                continue;
            for (int nulls = 0; nulls <= 1; nulls++)
                for (int dictmode = 0; dictmode <= 2; dictmode++)
                    run_case(codecs[ci], version, nulls != 0, dictmode);
        }
    CHECK_EQ_INT(count_prefix("m-"), 0);
}

/* ======================= row groups, pages, sizes ======================= */

static void test_row_groups(void)
{
    char path[600];
    tmp_path(path, sizeof path, "rowgroups.parquet");
    tn_err err = TN_ERR_INIT;
    pq_write_options o;
    pq_write_options_default(&o);
    o.row_group_size = 1000;
    tn_type t = ty(TN_T_INT64);
    const char *name = "x";
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &name, &t, &o, &w, &err), TN_OK);
    tn_chunk *ch = tn_chunk_new(1, &t, TN_BATCH);
    int64_t next = 0;
    for (int k = 0; k < 3 && w; k++) { /* 3 x 1500 rows = 4500 */
        ch->count = 1500;
        for (uint32_t r = 0; r < 1500; r++)
            ((int64_t *)ch->cols[0]->data)[r] = next++;
        CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
    }
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        CHECK_EQ_INT(pq_file_num_row_groups(f), 5);
        for (uint32_t rg = 0; rg < pq_file_num_row_groups(f); rg++) {
            CHECK_EQ_INT(pq_row_group_num_rows(f, rg), rg < 4 ? 1000 : 500);
            CHECK(f->meta.row_groups[rg].has_ordinal && f->meta.row_groups[rg].ordinal == (int16_t)rg);
            pq_stats st;
            CHECK_EQ_INT(pq_column_stats(f, rg, 0, &st, &err), TN_OK);
            CHECK(st.has_min_max && st.min.v.i64 == (int64_t)rg * 1000 &&
                  st.max.v.i64 == (int64_t)rg * 1000 + (rg < 4 ? 999 : 499));
            pq_stats_free(&st);
        }
        pq_file_unref(f);
    }

    /* by bytes: ~100 KB of distinct strings with a 20 KB row-group limit */
    o.row_group_size = 1000000;
    o.row_group_size_bytes = 20000;
    tn_type st = ty(TN_T_VARCHAR);
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &name, &st, &o, &w, &err), TN_OK);
    tn_chunk *sc = tn_chunk_new(1, &st, 1000);
    for (int k = 0; k < 5 && w; k++) {
        tn_chunk_reset(sc);
        sc->count = 1000;
        for (uint32_t r = 0; r < 1000; r++) {
            char buf[32];
            int n = snprintf(buf, sizeof buf, "value-%08d-%08d", k, (int)r);
            str_vec_set(sc->cols[0], r, buf, (size_t)n);
        }
        CHECK_EQ_INT(pq_writer_write(w, sc, &err), TN_OK);
    }
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        CHECK(pq_file_num_row_groups(f) >= 3);
        CHECK_EQ_INT(pq_file_num_rows(f), 5000);
        pq_file_unref(f);
    }
    tn_chunk_free(sc);
    tn_chunk_free(ch);
    unlink(path);
}

static void test_huge_values_and_pages(void)
{
    char path[600];
    tmp_path(path, sizeof path, "huge.parquet");
    tn_err err = TN_ERR_INIT;
    pq_write_options o;
    pq_write_options_default(&o);
    o.page_size = 64 * 1024;
    o.dictionary = false;
    /* three 300 KB strings and small ones: a page never holds more than one big value */
    size_t big = 300 * 1024;
    char *buf = malloc(big);
    tn_vector *v = tn_vector_new(ty(TN_T_BLOB), 16);
    for (uint32_t r = 0; r < 12; r++) {
        if (r % 4 == 1) {
            memset(buf, 'A' + (int)r, big);
            str_vec_set(v, r, buf, big);
        } else {
            str_vec_set(v, r, "tiny", 4);
        }
    }
    CHECK_EQ_INT(write_one(path, "b", v, 12, &o, &err), TN_OK);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        page_walk pw;
        CHECK_EQ_INT(walk_pages(path, f->meta.row_groups[0].columns[0].meta, 1, &pw), 0);
        CHECK(pw.ndata_plain >= 3);
        CHECK(pw.max_uncompressed < (int32_t)(big + 64 * 1024));
        pq_column_reader *r = NULL;
        CHECK_EQ_INT(pq_column_reader_open(f, 0, 0, &r, &err), TN_OK);
        tn_vector *out = tn_vector_new(ty(TN_T_BLOB), TN_BATCH);
        uint32_t n = 0;
        CHECK_EQ_INT(pq_column_reader_next(r, TN_BATCH, out, &n, &err), TN_OK);
        CHECK_EQ_INT(n, 12);
        for (uint32_t k = 0; k < n && k < 12; k++) {
            rview a = row_view(v, k), b = row_view(out, k);
            CHECK(b.valid && values_equal(v->type, a.data, b.data));
        }
        tn_vector_unref(out);
        pq_column_reader_close(r);
        pq_file_unref(f);
    }
    tn_vector_unref(v);
    free(buf);

    /* page_size bounds INT64 pages: 50000 values, 8 KB pages -> many pages, none much larger */
    o.page_size = 8192;
    v = tn_vector_new(ty(TN_T_INT64), 50000);
    for (uint32_t r = 0; r < 50000; r++)
        ((int64_t *)v->data)[r] = (int64_t)mix64(r);
    tn_chunk *ch = tn_chunk_new(1, NULL, 0);
    tn_chunk_set_col(ch, 0, v);
    ch->count = 50000; /* larger than TN_BATCH: the writer slices it */
    const char *name = "x";
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &name, &v->type, &o, &w, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        page_walk pw;
        CHECK_EQ_INT(walk_pages(path, f->meta.row_groups[0].columns[0].meta, 1, &pw), 0);
        CHECK(pw.ndata_plain >= 50000 * 8 / 8192);
        CHECK(pw.max_uncompressed <= 8192 + 64);
        pq_file_unref(f);
    }
    tn_chunk_free(ch);
    tn_vector_unref(v);
    unlink(path);
}

static void test_empty_file(void)
{
    char path[600];
    tmp_path(path, sizeof path, "empty.parquet");
    tn_err err = TN_ERR_INIT;
    tn_type types[2] = {ty(TN_T_INT32), ty(TN_T_VARCHAR)};
    const char *names[2] = {"a", "b"};
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 2, names, types, NULL, &w, &err), TN_OK);
    tn_chunk *ch = tn_chunk_new(2, types, 4);
    ch->count = 0;
    CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK); /* an empty chunk is fine */
    CHECK_EQ_INT(pq_writer_rows(w), 0);
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    tn_chunk_free(ch);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        CHECK_EQ_INT(pq_file_num_rows(f), 0);
        CHECK_EQ_INT(pq_file_num_row_groups(f), 0);
        CHECK_EQ_INT(pq_file_num_fields(f), 2);
        CHECK_EQ_STR(pq_file_field(f, 1)->name, "b");
        pq_file_unref(f);
    }
    unlink(path);
}

/* ======================= atomicity ======================= */

/* A VFS that fails writes once `budget` bytes have been written. */
static vfs g_fault_vfs;
static int64_t g_fault_budget;

static int fault_write(vfs_file *f, const void *buf, size_t n, tn_err *err)
{
    if ((int64_t)n > g_fault_budget)
        return tn_err_set(err, TN_IOERR, "%s: injected write failure", f->path);
    g_fault_budget -= (int64_t)n;
    return vfs_default()->write(f, buf, n, err);
}

static int fault_open(vfs *fs, const char *path, int mode, vfs_file **out, tn_err *err)
{
    TN_UNUSED(fs);
    int rc = vfs_default()->open(&g_fault_vfs, path, mode, out, err);
    return rc;
}

static void make_fault_vfs(int64_t budget)
{
    g_fault_vfs = *vfs_default();
    g_fault_vfs.name = "fault";
    g_fault_vfs.open = fault_open;
    g_fault_vfs.write = fault_write;
    g_fault_budget = budget;
}

static tn_chunk *int_chunk(uint32_t n, int64_t start)
{
    tn_type t = ty(TN_T_INT64);
    tn_chunk *ch = tn_chunk_new(1, &t, n);
    ch->count = n;
    for (uint32_t r = 0; r < n; r++)
        ((int64_t *)ch->cols[0]->data)[r] = start + r;
    return ch;
}

static void test_atomic(void)
{
    char path[600];
    tmp_path(path, sizeof path, "atomic.parquet");
    tn_err err = TN_ERR_INIT;
    tn_type t = ty(TN_T_INT64);
    const char *name = "x";
    pq_write_options o;
    pq_write_options_default(&o);
    o.row_group_size = 500; /* row groups reach the file while writing */

    /* 1. abort leaves the existing target untouched and no temp file */
    write_text(path, "old contents");
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &name, &t, &o, &w, &err), TN_OK);
    CHECK_EQ_INT(count_prefix("atomic.parquet.tmp-"), 1);
    tn_chunk *ch = int_chunk(2000, 0);
    CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
    pq_writer_abort(w);
    CHECK(file_has_text(path, "old contents"));
    CHECK_EQ_INT(count_prefix("atomic.parquet.tmp-"), 0);
    pq_writer_abort(NULL); /* NULL-safe */

    /* 2. an error from the data (TIME millis beyond int32) fails the write; close reports it and
     *    removes the temp file; the target is untouched */
    tn_type tt = tn_type_time(TN_UNIT_MS);
    tn_chunk *tc = tn_chunk_new(1, &tt, 4);
    tc->count = 2;
    ((int64_t *)tc->cols[0]->data)[0] = 5;
    ((int64_t *)tc->cols[0]->data)[1] = (int64_t)1 << 40;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &name, &tt, &o, &w, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_write(w, tc, &err), TN_RANGE);
    CHECK(strstr(err.msg, "out of range") != NULL);
    CHECK(pq_writer_write(w, tc, &err) != TN_OK); /* the writer stays failed */
    CHECK(pq_writer_close(w, &err) != TN_OK);
    CHECK(file_has_text(path, "old contents"));
    CHECK_EQ_INT(count_prefix("atomic.parquet.tmp-"), 0);
    tn_chunk_free(tc);

    /* 3. a chunk that does not match the declared columns */
    tn_type wrong = ty(TN_T_INT32);
    tn_chunk *wc = tn_chunk_new(1, &wrong, 4);
    wc->count = 1;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &name, &t, &o, &w, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_write(w, wc, &err), TN_MISUSE);
    pq_writer_abort(w);
    tn_chunk_free(wc);
    CHECK_EQ_INT(count_prefix("atomic.parquet.tmp-"), 0);

    /* 4. I/O failure mid-write (row group flush) and at the footer */
    char probe[600];
    tmp_path(probe, sizeof probe, "atomic-probe.parquet");
    CHECK_EQ_INT(pq_writer_open(vfs_default(), probe, 1, &name, &t, &o, &w, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    struct stat pst;
    int64_t full = stat(probe, &pst) == 0 ? (int64_t)pst.st_size : 0;
    CHECK(full > 1000);
    unlink(probe);
    /* fail at the magic, in the first row group, half-way, and in the footer */
    int64_t budgets[] = {2, 100, full / 2, full - 10};
    for (size_t k = 0; k < TN_ARRAY_LEN(budgets); k++) {
        make_fault_vfs(budgets[k]);
        int rc = pq_writer_open(&g_fault_vfs, path, 1, &name, &t, &o, &w, &err);
        if (rc == TN_OK) {
            rc = pq_writer_write(w, ch, &err);
            if (rc == TN_OK)
                rc = pq_writer_close(w, &err);
            else
                pq_writer_abort(w);
        }
        CHECK_EQ_INT(rc, TN_IOERR);
        CHECK(strstr(err.msg, "injected") != NULL);
        CHECK(file_has_text(path, "old contents"));
        CHECK_EQ_INT(count_prefix("atomic.parquet.tmp-"), 0);
    }

    /* 5. success replaces the target */
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &name, &t, &o, &w, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
    CHECK(file_has_text(path, "old contents")); /* not replaced before close */
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    CHECK_EQ_INT(count_prefix("atomic.parquet.tmp-"), 0);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        CHECK_EQ_INT(pq_file_num_rows(f), 2000);
        pq_file_unref(f);
    }

    /* 6. a target in a missing directory: open fails, nothing is created */
    char bad[700];
    snprintf(bad, sizeof bad, "%s/no-such-dir/x.parquet", tmp_dir());
    w = NULL;
    CHECK(pq_writer_open(vfs_default(), bad, 1, &name, &t, &o, &w, &err) != TN_OK);
    CHECK(w == NULL);
    CHECK(strstr(err.msg, "no-such-dir") != NULL);

    tn_chunk_free(ch);
    unlink(path);
}

/* ======================= misuse and unsupported ======================= */

static void test_misuse(void)
{
    char path[600];
    tmp_path(path, sizeof path, "misuse.parquet");
    tn_err err = TN_ERR_INIT;
    pq_writer *w = NULL;
    tn_type iv = ty(TN_T_INTERVAL);
    const char *name = "iv";
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &name, &iv, NULL, &w, &err), TN_NOTSUP);
    CHECK(strstr(err.msg, "INTERVAL") != NULL && strstr(err.msg, "iv") != NULL);
    CHECK(w == NULL);

    tn_type two[2] = {ty(TN_T_INT32), ty(TN_T_INT32)};
    const char *dup[2] = {"a", "A"};
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 2, dup, two, NULL, &w, &err), TN_ERROR);
    CHECK(strstr(err.msg, "duplicate") != NULL);

    pq_write_options o;
    pq_write_options_default(&o);
    o.codec = PQ_CODEC_LZO;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, dup, two, &o, &w, &err), TN_NOTSUP);
    pq_write_options_default(&o);
    o.page_version = 3;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, dup, two, &o, &w, &err), TN_MISUSE);
    pq_write_options_default(&o);
    o.row_group_size = 0;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, dup, two, &o, &w, &err), TN_MISUSE);
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 0, dup, two, NULL, &w, &err), TN_MISUSE);
    tn_type bad = tn_type_decimal(40, 2);
    bad.precision = 40;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, dup, &bad, NULL, &w, &err), TN_MISUSE);
    CHECK(!file_exists(path));
    CHECK_EQ_INT(count_prefix("misuse.parquet"), 0);

    /* the deprecated LZ4 codec is written as LZ4_RAW */
    pq_write_options_default(&o);
    o.codec = PQ_CODEC_LZ4;
    tn_vector *lv = tn_vector_new(ty(TN_T_INT32), 4);
    for (int i = 0; i < 4; i++)
        ((int32_t *)lv->data)[i] = i * 1000;
    CHECK_EQ_INT(write_one(path, "a", lv, 4, &o, &err), TN_OK);
    tn_vector_unref(lv);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        CHECK_EQ_INT(f->meta.row_groups[0].columns[0].meta->codec, PQ_CODEC_LZ4_RAW);
        pq_file_unref(f);
    }
    unlink(path);

    /* wrong column count in a chunk */
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 2, (const char *const[]){"a", "b"}, two, NULL, &w, &err), TN_OK);
    tn_chunk *ch = tn_chunk_new(1, two, 4);
    ch->count = 1;
    CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_MISUSE);
    pq_writer_abort(w);
    tn_chunk_free(ch);
    CHECK_EQ_INT(count_prefix("misuse.parquet"), 0);
}

/* ======================= dictionary details ======================= */

static void test_dictionary_fallback_midchunk(void)
{
    /* 1000 repeats of 4 values, then 3000 distinct strings: dictionary pages, then PLAIN */
    char path[600];
    tmp_path(path, sizeof path, "fallback.parquet");
    tn_err err = TN_ERR_INIT;
    pq_write_options o;
    pq_write_options_default(&o);
    o.dictionary_size_limit = 2000;
    o.codec = PQ_CODEC_UNCOMPRESSED;
    tn_vector *v = tn_vector_new(ty(TN_T_VARCHAR), 4000);
    for (uint32_t r = 0; r < 4000; r++) {
        char buf[48];
        int n = r < 1000 ? snprintf(buf, sizeof buf, "rep-%u", r % 4) : snprintf(buf, sizeof buf, "distinct-%06u", r);
        str_vec_set(v, r, buf, (size_t)n);
    }
    CHECK_EQ_INT(write_one(path, "s", v, 4000, &o, &err), TN_OK);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        const pq_column_meta *cm = f->meta.row_groups[0].columns[0].meta;
        CHECK(cm->has_dictionary_page_offset);
        CHECK(cm->dictionary_page_offset < cm->data_page_offset);
        page_walk pw;
        CHECK_EQ_INT(walk_pages(path, cm, 1, &pw), 0);
        CHECK_EQ_INT(pw.ndict, 1);
        CHECK(pw.ndata_dict >= 1 && pw.ndata_plain >= 1 && pw.no_dict_after_plain);
        CHECK((cm->encodings >> PQ_ENC_PLAIN) & 1);
        CHECK((cm->encodings >> PQ_ENC_RLE_DICTIONARY) & 1);
        pq_column_reader *r = NULL;
        CHECK_EQ_INT(pq_column_reader_open(f, 0, 0, &r, &err), TN_OK);
        tn_vector *out = tn_vector_new(ty(TN_T_VARCHAR), TN_BATCH);
        uint32_t total = 0, n = 0;
        while (r && pq_column_reader_next(r, TN_BATCH, out, &n, &err) == TN_OK && n > 0) {
            for (uint32_t k = 0; k < n; k++) {
                rview a = row_view(v, total + k), b = row_view(out, k);
                CHECK(b.valid && values_equal(v->type, a.data, b.data));
            }
            total += n;
        }
        CHECK_EQ_INT(total, 4000);
        tn_vector_unref(out);
        pq_column_reader_close(r);
        pq_file_unref(f);
    }
    tn_vector_unref(v);
    unlink(path);
}


/* ======================= NULL type, large CONST/DICT chunks ======================= */

static void test_null_type_and_large_chunks(void)
{
    /* a NULL-typed column (UNKNOWN logical type) next to a CONST string and a DICT int column, in
     * one chunk of 5000 rows (larger than TN_BATCH, so the writer slices it) */
    char path[600];
    tmp_path(path, sizeof path, "nulltype.parquet");
    tn_err err = TN_ERR_INIT;
    tn_type types[3] = {ty(TN_T_NULL), ty(TN_T_VARCHAR), ty(TN_T_INT32)};
    const char *names[3] = {"n", "s", "d"};
    uint32_t n = 5000;
    tn_chunk *ch = tn_chunk_new(3, types, n);
    ch->count = n;
    for (uint32_t r = 0; r < n; r++)
        tn_vector_set_null(ch->cols[0], r);
    tn_vector *one = tn_vector_new(types[1], 1);
    str_vec_set(one, 0, "the same long string for every row", 34);
    tn_vector_set_const_from(ch->cols[1], one, 0);
    tn_vector_unref(one);
    tn_vector *dict = tn_vector_new(types[2], 3);
    ((int32_t *)dict->data)[0] = -7;
    ((int32_t *)dict->data)[1] = 11;
    tn_vector_set_null(dict, 2);
    tn_vector_set_dict(ch->cols[2], dict);
    tn_vector_unref(dict);
    int64_t sum = 0, nulls = 0;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t i = (uint32_t)(mix64(r) % 3);
        ((uint32_t *)ch->cols[2]->data)[r] = i;
        if (i == 2)
            nulls++;
        else
            sum += i == 0 ? -7 : 11;
    }
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 3, names, types, NULL, &w, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    tn_chunk_free(ch);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        CHECK_EQ_INT(pq_file_num_rows(f), n);
        CHECK_EQ_INT(f->meta.schema[1].logical.id, PQ_LT_UNKNOWN);
        for (uint32_t c = 0; c < 3; c++) {
            pq_column_reader *r = NULL;
            CHECK_EQ_INT(pq_column_reader_open(f, 0, c, &r, &err), TN_OK);
            if (!r)
                continue;
            tn_vector *out = tn_vector_new(pq_file_field(f, c)->type, TN_BATCH);
            uint32_t got = 0, k = 0, gnulls = 0;
            int64_t gsum = 0;
            bool ok = true;
            while (pq_column_reader_next(r, TN_BATCH, out, &k, &err) == TN_OK && k) {
                for (uint32_t i = 0; i < k; i++) {
                    rview b = row_view(out, i);
                    if (c == 0)
                        ok &= !b.valid;
                    if (c == 1)
                        ok &= b.valid && ((const tn_str *)b.data)->len == 34;
                    if (c == 2) {
                        gnulls += !b.valid;
                        gsum += b.valid ? *(const int32_t *)b.data : 0;
                    }
                }
                got += k;
            }
            CHECK(ok);
            CHECK_EQ_INT(got, n);
            if (c == 2) {
                CHECK_EQ_INT(gnulls, nulls);
                CHECK_EQ_INT(gsum, sum);
            }
            tn_vector_unref(out);
            pq_column_reader_close(r);
        }
        pq_stats st;
        CHECK_EQ_INT(pq_column_stats(f, 0, 2, &st, &err), TN_OK);
        CHECK(st.has_min_max && st.min.v.i64 == -7 && st.max.v.i64 == 11 && st.null_count == nulls);
        pq_stats_free(&st);
        CHECK_EQ_INT(pq_column_stats(f, 0, 0, &st, &err), TN_OK);
        CHECK(!st.has_min_max && st.has_null_count && st.null_count == n);
        pq_stats_free(&st);
        pq_file_unref(f);
    }
    unlink(path);
}

TEST_MAIN(test_matrix, test_row_groups, test_huge_values_and_pages, test_empty_file, test_atomic, test_misuse,
          test_dictionary_fallback_midchunk, test_null_type_and_large_chunks)
