/*
 * test_writer_features.c -- the Parquet writer's "complete" features, read back through the reader
 * (pq_file_open, pq_column_reader, the decoded footer and page headers) and, for the page index,
 * decoded here with the reader's Thrift decoder (thrift.h):
 *  - page index: OffsetIndex locations (each one decodes as the page header of a data page with
 *    the expected rows), ColumnIndex null_pages / min / max / null_counts / nan_counts compared
 *    with the values of each page, boundary_order for ascending, descending and shuffled data,
 *    all-NULL pages, truncated string bounds, no ColumnIndex when a page holds only NaNs, and
 *    PAGE_INDEX false.
 *  - page CRCs (on by default, off on request, a corrupted byte detected by the reader) and page
 *    statistics in headers.
 *  - Bloom filters: every written value present (dictionary, PLAIN and fallback chunks, several row
 *    groups), few false positives, size from the distinct count, the memory-bounded path, errors.
 *  - key/value metadata, field ids, FileMetaData.version, COMPRESSION_LEVEL, ROW_GROUP_SIZE_BYTES.
 *  - pq_write_options_set / _copy / _free / _partition_indexes.
 * The last test checks that the allocator holds nothing any more (no leaks).
 */
#define _GNU_SOURCE
#include "writer_testutil.h"
#include "parquet/bloom.h"
#include "parquet/thrift.h"

/* ======================= decoding the page index ======================= */

#define MAXP 4096

typedef struct col_index {
    uint32_t n;
    bool null_page[MAXP];
    uint8_t *min[MAXP], *max[MAXP];
    uint32_t minlen[MAXP], maxlen[MAXP];
    int32_t boundary;
    bool has_null_counts, has_nan_counts;
    int64_t null_counts[MAXP], nan_counts[MAXP];
} col_index;

typedef struct off_index {
    uint32_t n;
    int64_t offset[MAXP], first_row[MAXP];
    int32_t size[MAXP];
} off_index;

static uint8_t *read_range(const char *path, int64_t off, int32_t len)
{
    vfs_file *f = NULL;
    tn_err err = TN_ERR_INIT;
    if (off < 0 || len <= 0 || vfs_open(vfs_default(), path, VFS_READ, &f, &err))
        return NULL;
    uint8_t *b = malloc((size_t)len);
    if (b && vfs_read(f, (uint64_t)off, b, (size_t)len, &err)) {
        free(b);
        b = NULL;
    }
    vfs_close(f);
    return b;
}

static int decode_offset_index(const uint8_t *p, size_t n, off_index *oi)
{
    tn_err err = TN_ERR_INIT;
    pq_thrift t;
    pq_thrift_init(&t, p, n, 0, "OffsetIndex", &err);
    memset(oi, 0, sizeof *oi);
    if (pq_thrift_struct_begin(&t))
        return -1;
    int16_t id = 0;
    int type;
    for (;;) {
        if (pq_thrift_field(&t, &id, &type))
            return -1;
        if (type == PQ_TT_STOP)
            break;
        if (id != 1) {
            if (pq_thrift_skip(&t, type))
                return -1;
            continue;
        }
        int et;
        uint32_t cnt;
        if (pq_thrift_list_begin(&t, &et, &cnt) || cnt > MAXP)
            return -1;
        for (uint32_t i = 0; i < cnt; i++) {
            if (pq_thrift_struct_begin(&t))
                return -1;
            int16_t fid = 0;
            int ft;
            for (;;) {
                if (pq_thrift_field(&t, &fid, &ft))
                    return -1;
                if (ft == PQ_TT_STOP)
                    break;
                int64_t v;
                if (pq_thrift_int(&t, ft, &v))
                    return -1;
                if (fid == 1)
                    oi->offset[i] = v;
                else if (fid == 2)
                    oi->size[i] = (int32_t)v;
                else if (fid == 3)
                    oi->first_row[i] = v;
            }
            pq_thrift_struct_end(&t);
        }
        pq_thrift_container_end(&t);
        oi->n = cnt;
    }
    pq_thrift_struct_end(&t);
    return pq_thrift_remaining(&t) == 0 ? 0 : -1;
}

static void col_index_free(col_index *ci)
{
    for (uint32_t i = 0; i < MAXP; i++) {
        free(ci->min[i]);
        free(ci->max[i]);
    }
}

static int decode_column_index(const uint8_t *p, size_t n, col_index *ci)
{
    tn_err err = TN_ERR_INIT;
    pq_thrift t;
    pq_thrift_init(&t, p, n, 0, "ColumnIndex", &err);
    memset(ci, 0, sizeof *ci);
    ci->boundary = -1;
    if (pq_thrift_struct_begin(&t))
        return -1;
    int16_t id = 0;
    int type;
    for (;;) {
        if (pq_thrift_field(&t, &id, &type))
            return -1;
        if (type == PQ_TT_STOP)
            break;
        if (id == 4) {
            if (pq_thrift_i32(&t, type, &ci->boundary))
                return -1;
            continue;
        }
        if (type != PQ_TT_LIST) {
            if (pq_thrift_skip(&t, type))
                return -1;
            continue;
        }
        int et;
        uint32_t cnt;
        if (pq_thrift_list_begin(&t, &et, &cnt) || cnt > MAXP)
            return -1;
        for (uint32_t i = 0; i < cnt; i++) {
            if (id == 1) {
                if (pq_thrift_elem_bool(&t, &ci->null_page[i]))
                    return -1;
            } else if (id == 2 || id == 3) {
                const uint8_t *b;
                uint32_t bl;
                if (pq_thrift_binary(&t, &b, &bl))
                    return -1;
                uint8_t *cp = malloc(bl ? bl : 1);
                memcpy(cp, b, bl);
                if (id == 2) {
                    ci->min[i] = cp;
                    ci->minlen[i] = bl;
                } else {
                    ci->max[i] = cp;
                    ci->maxlen[i] = bl;
                }
            } else if (id == 5 || id == 8) {
                int64_t v;
                if (pq_thrift_int(&t, et, &v))
                    return -1;
                (id == 5 ? ci->null_counts : ci->nan_counts)[i] = v;
            } else if (pq_thrift_skip_elem(&t, et)) {
                return -1;
            }
        }
        pq_thrift_container_end(&t);
        if (id == 1)
            ci->n = cnt;
        if (id == 5)
            ci->has_null_counts = true;
        if (id == 8)
            ci->has_nan_counts = true;
    }
    pq_thrift_struct_end(&t);
    return pq_thrift_remaining(&t) == 0 ? 0 : -1;
}

/* Load both indexes of column chunk (rg, col). Returns false if absent / undecodable. */
static bool load_indexes(const char *path, pq_file *f, uint32_t rg, int col, col_index *ci, off_index *oi,
                         bool *has_ci)
{
    const pq_column_chunk *cc = &f->meta.row_groups[rg].columns[col];
    *has_ci = cc->has_column_index;
    if (!cc->has_offset_index)
        return false;
    uint8_t *b = read_range(path, cc->offset_index_offset, cc->offset_index_length);
    int rc = b ? decode_offset_index(b, (size_t)cc->offset_index_length, oi) : -1;
    free(b);
    if (rc)
        return false;
    memset(ci, 0, sizeof *ci);
    if (cc->has_column_index) {
        b = read_range(path, cc->column_index_offset, cc->column_index_length);
        rc = b ? decode_column_index(b, (size_t)cc->column_index_length, ci) : -1;
        free(b);
        if (rc)
            return false;
    }
    return true;
}

/* Check the OffsetIndex against the pages themselves: each location is a data page header whose
 * size and row count match; rows add up to the row group's. */
static void check_offset_index(const char *path, pq_file *f, uint32_t rg, int col, const off_index *oi)
{
    const pq_column_meta *cm = f->meta.row_groups[rg].columns[col].meta;
    int64_t rows = 0;
    tn_err err = TN_ERR_INIT;
    CHECK(oi->n > 0);
    CHECK_EQ_INT(oi->offset[0], cm->data_page_offset);
    for (uint32_t i = 0; i < oi->n; i++) {
        CHECK_EQ_INT(oi->first_row[i], rows);
        uint8_t *b = read_range(path, oi->offset[i], oi->size[i]);
        CHECK(b != NULL);
        if (!b)
            return;
        pq_page_header h;
        size_t hl = 0;
        CHECK_EQ_INT(pq_page_header_decode(b, (size_t)oi->size[i], (uint64_t)oi->offset[i], "oi page", &h, &hl, &err),
                     TN_OK);
        CHECK(h.type == PQ_PAGE_DATA || h.type == PQ_PAGE_DATA_V2);
        CHECK_EQ_INT((int64_t)hl + h.compressed_page_size, oi->size[i]);
        rows += h.type == PQ_PAGE_DATA_V2 ? h.v2.num_rows : h.data.num_values;
        if (i + 1 < oi->n)
            CHECK_EQ_INT(oi->offset[i] + oi->size[i], oi->offset[i + 1]);
        free(b);
    }
    CHECK_EQ_INT(rows, pq_row_group_num_rows(f, rg));
}

static int64_t le_i64(const uint8_t *p, uint32_t n)
{
    int64_t v = 0;
    memcpy(&v, p, n > 8 ? 8 : n);
    if (n == 4)
        v = (int32_t)v;
    return v;
}

/* INT64 column (values v[0..n), NULL where isnull[i]): per page bounds and null counts. */
static void check_int_pages(const col_index *ci, const off_index *oi, const int64_t *v, const bool *isnull, uint32_t n)
{
    CHECK_EQ_INT(ci->n, oi->n);
    CHECK(ci->has_null_counts);
    for (uint32_t p = 0; p < oi->n && p < ci->n; p++) {
        uint32_t a = (uint32_t)oi->first_row[p], b = p + 1 < oi->n ? (uint32_t)oi->first_row[p + 1] : n;
        int64_t lo = INT64_MAX, hi = INT64_MIN, nulls = 0;
        for (uint32_t r = a; r < b; r++) {
            if (isnull && isnull[r]) {
                nulls++;
                continue;
            }
            lo = v[r] < lo ? v[r] : lo;
            hi = v[r] > hi ? v[r] : hi;
        }
        CHECK_EQ_INT(ci->null_counts[p], nulls);
        CHECK_EQ_INT(ci->null_page[p], nulls == (int64_t)(b - a));
        if (ci->null_page[p]) {
            CHECK(ci->minlen[p] == 0 && ci->maxlen[p] == 0);
        } else {
            CHECK(ci->minlen[p] == 8 && ci->maxlen[p] == 8);
            CHECK_EQ_INT(le_i64(ci->min[p], 8), lo);
            CHECK_EQ_INT(le_i64(ci->max[p], 8), hi);
        }
    }
}

static void write_int64(const char *path, const int64_t *v, const bool *isnull, uint32_t n, pq_write_options *o)
{
    tn_vector *vec = tn_vector_new(ty(TN_T_INT64), n);
    for (uint32_t i = 0; i < n; i++) {
        ((int64_t *)vec->data)[i] = v[i];
        if (isnull && isnull[i])
            tn_vector_set_null(vec, i);
    }
    const char *name = "x";
    tn_chunk *ch = tn_chunk_new(1, NULL, 0);
    tn_chunk_set_col(ch, 0, vec);
    tn_err err = TN_ERR_INIT;
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &name, &vec->type, o, &w, &err), TN_OK);
    /* in TN_BATCH slices, as operators deliver them */
    for (uint32_t at = 0; w && at < n; at += TN_BATCH) {
        uint32_t m = n - at < TN_BATCH ? n - at : TN_BATCH;
        tn_vector *sv = tn_vector_new(vec->type, m);
        for (uint32_t i = 0; i < m; i++) {
            ((int64_t *)sv->data)[i] = v[at + i];
            if (isnull && isnull[at + i])
                tn_vector_set_null(sv, i);
        }
        tn_chunk_set_col(ch, 0, sv);
        tn_vector_unref(sv);
        ch->count = m;
        CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
    }
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    tn_chunk_free(ch);
    tn_vector_unref(vec);
}

static void test_page_index_ints(void)
{
    char path[600];
    tmp_path(path, sizeof path, "pi-int.parquet");
    const uint32_t n = 30000;
    int64_t *v = malloc(n * sizeof *v);
    bool *isnull = calloc(n, 1);
    pq_write_options o;
    /* ascending, descending, shuffled; with NULLs and an all-NULL stretch */
    for (int order = 0; order < 3; order++) {
        for (int version = 1; version <= 2; version++) {
            for (uint32_t i = 0; i < n; i++) {
                v[i] = order == 0 ? (int64_t)i * 3 : order == 1 ? 1000000 - (int64_t)i * 7 : (int64_t)(mix64(i) % 100000);
                isnull[i] = (i % 13 == 0) || (i >= 3000 && i < 15000);
            }
            pq_write_options_default(&o);
            o.page_size = 1024;
            o.dictionary = false;
            o.parquet_version = version;
            o.row_group_size = 20000;
            write_int64(path, v, isnull, n, &o);
            pq_file *f = NULL;
            tn_err err = TN_ERR_INIT;
            CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
            if (!f)
                continue;
            CHECK_EQ_INT(pq_file_num_row_groups(f), 2);
            uint32_t base = 0;
            for (uint32_t rg = 0; rg < pq_file_num_row_groups(f); rg++) {
                col_index *ci = calloc(1, sizeof *ci);
                off_index *oi = calloc(1, sizeof *oi);
                bool has_ci = false;
                CHECK(load_indexes(path, f, rg, 0, ci, oi, &has_ci));
                CHECK(has_ci);
                CHECK(oi->n > 5); /* small pages */
                check_offset_index(path, f, rg, 0, oi);
                uint32_t rgn = (uint32_t)pq_row_group_num_rows(f, rg);
                check_int_pages(ci, oi, v + base, isnull + base, rgn);
                /* the all-NULL stretch yields null pages in the first row group */
                if (rg == 0) {
                    int np = 0;
                    for (uint32_t p = 0; p < ci->n; p++)
                        np += ci->null_page[p];
                    CHECK(np >= 1);
                }
                CHECK_EQ_INT(ci->boundary, order == 0 ? 1 : order == 1 ? 2 : 0);
                CHECK(!ci->has_nan_counts);
                col_index_free(ci);
                free(ci);
                free(oi);
                base += rgn;
            }
            /* the index sits after the last row group, before the footer */
            const pq_column_chunk *cc = &f->meta.row_groups[1].columns[0];
            const pq_column_meta *cm = cc->meta;
            CHECK(cc->column_index_offset >= cm->data_page_offset + cm->total_compressed_size);
            CHECK(cc->offset_index_offset > cc->column_index_offset);
            CHECK((uint64_t)(cc->offset_index_offset + cc->offset_index_length) <= f->footer_off);
            pq_file_unref(f);
        }
    }
    /* PAGE_INDEX false: no locations at all */
    pq_write_options_default(&o);
    o.page_index = false;
    write_int64(path, v, isnull, 1000, &o);
    pq_file *f = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        CHECK(!f->meta.row_groups[0].columns[0].has_offset_index);
        CHECK(!f->meta.row_groups[0].columns[0].has_column_index);
        pq_file_unref(f);
    }
    free(v);
    free(isnull);
    unlink(path);
}

static void test_page_index_strings_and_floats(void)
{
    char path[600];
    tmp_path(path, sizeof path, "pi-str.parquet");
    tn_err err = TN_ERR_INIT;
    pq_write_options o;
    pq_write_options_default(&o);
    o.page_size = 2048;
    o.dictionary = false;
    const uint32_t n = 3000;
    /* strings: sorted, long (bounds truncated to 64 bytes) */
    tn_vector *sv = tn_vector_new(ty(TN_T_VARCHAR), n);
    char buf[200];
    for (uint32_t i = 0; i < n; i++) {
        int l = snprintf(buf, sizeof buf, "%06u-", i);
        while (l < 150) {
            buf[l] = (char)('a' + (i + (uint32_t)l) % 26);
            l++;
        }
        str_vec_set(sv, i, buf, (size_t)l);
    }
    CHECK_EQ_INT(write_one(path, "s", sv, n, &o, &err), TN_OK);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        col_index *ci = calloc(1, sizeof *ci);
        off_index *oi = calloc(1, sizeof *oi);
        bool has_ci = false;
        CHECK(load_indexes(path, f, 0, 0, ci, oi, &has_ci));
        CHECK(has_ci && ci->n == oi->n && ci->n > 10);
        check_offset_index(path, f, 0, 0, oi);
        CHECK_EQ_INT(ci->boundary, 1);
        for (uint32_t p = 0; p < ci->n; p++) {
            uint32_t a = (uint32_t)oi->first_row[p], b = p + 1 < oi->n ? (uint32_t)oi->first_row[p + 1] : n;
            const tn_str *first = &((const tn_str *)sv->data)[a], *last = &((const tn_str *)sv->data)[b - 1];
            CHECK(ci->minlen[p] <= 64 && ci->maxlen[p] <= 64);
            /* min is a prefix of the page's first (smallest) value; max is above the last */
            CHECK(memcmp(ci->min[p], tn_str_data(first), ci->minlen[p]) == 0);
            tn_str mx = tn_str_make((const char *)ci->max[p], ci->maxlen[p]);
            CHECK(tn_str_cmp(&mx, last) > 0);
            CHECK(ci->null_counts[p] == 0 && !ci->null_page[p]);
        }
        col_index_free(ci);
        free(ci);
        free(oi);
        pq_file_unref(f);
    }
    tn_vector_unref(sv);

    /* doubles: NaN counts per page; then a page of NaNs only drops the ColumnIndex */
    for (int variant = 0; variant < 2; variant++) {
        tn_vector *dv = tn_vector_new(ty(TN_T_DOUBLE), n);
        for (uint32_t i = 0; i < n; i++) {
            double x = (double)i * 0.5;
            if (i % 10 == 3)
                x = NAN;
            if (variant == 1 && i >= 1000 && i < 2500) /* several whole pages */
                x = NAN;
            ((double *)dv->data)[i] = x;
        }
        CHECK_EQ_INT(write_one(path, "d", dv, n, &o, &err), TN_OK);
        f = NULL;
        CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
        if (f) {
            col_index *ci = calloc(1, sizeof *ci);
            off_index *oi = calloc(1, sizeof *oi);
            bool has_ci = false;
            CHECK(load_indexes(path, f, 0, 0, ci, oi, &has_ci));
            check_offset_index(path, f, 0, 0, oi);
            if (variant == 1) {
                CHECK(!has_ci);
            } else {
                CHECK(has_ci && ci->has_nan_counts && ci->n == oi->n);
                int64_t total_nan = 0;
                for (uint32_t p = 0; p < ci->n; p++) {
                    uint32_t a = (uint32_t)oi->first_row[p], b = p + 1 < oi->n ? (uint32_t)oi->first_row[p + 1] : n;
                    int64_t nans = 0;
                    double lo = INFINITY, hi = -INFINITY;
                    for (uint32_t r = a; r < b; r++) {
                        double x = ((double *)dv->data)[r];
                        if (isnan(x)) {
                            nans++;
                            continue;
                        }
                        lo = x < lo ? x : lo;
                        hi = x > hi ? x : hi;
                    }
                    CHECK_EQ_INT(ci->nan_counts[p], nans);
                    total_nan += nans;
                    double gl, gh;
                    memcpy(&gl, ci->min[p], 8);
                    memcpy(&gh, ci->max[p], 8);
                    /* a zero minimum is written as -0.0 */
                    CHECK(gl == lo && gh == hi);
                }
                CHECK_EQ_INT(total_nan, n / 10);
                CHECK_EQ_INT(ci->boundary, 1);
            }
            col_index_free(ci);
            free(ci);
            free(oi);
            pq_file_unref(f);
        }
        tn_vector_unref(dv);
    }
    unlink(path);
}

/* ======================= CRC and page statistics ======================= */

static void test_crc_and_page_stats(void)
{
    char path[600];
    tmp_path(path, sizeof path, "crc.parquet");
    tn_err err = TN_ERR_INIT;
    const uint32_t n = 5000;
    tn_vector *v = tn_vector_new(ty(TN_T_VARCHAR), n);
    for (uint32_t i = 0; i < n; i++) {
        char b[32];
        int l = snprintf(b, sizeof b, "v%u", i % 50);
        str_vec_set(v, i, b, (size_t)l);
        if (i % 7 == 0)
            tn_vector_set_null(v, i);
    }
    for (int mode = 0; mode < 4; mode++) {
        pq_write_options o;
        pq_write_options_default(&o);
        o.page_size = 1024;
        o.page_checksum = mode != 1;
        o.page_statistics = mode != 2;
        o.parquet_version = mode == 3 ? 2 : 1;
        o.codec = PQ_CODEC_UNCOMPRESSED;
        CHECK_EQ_INT(write_one(path, "s", v, n, &o, &err), TN_OK);
        pq_file *f = NULL;
        CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
        if (!f)
            continue;
        const pq_column_meta *cm = f->meta.row_groups[0].columns[0].meta;
        page_walk pw;
        CHECK_EQ_INT(walk_pages(path, cm, mode == 3 ? 2 : 1, &pw), 0);
        CHECK(pw.ndict == 1 && pw.npages > 3);
        CHECK_EQ_INT(pw.ncrc, mode == 1 ? 0 : pw.npages);
        CHECK_EQ_INT(pw.crc_bad, 0);
        CHECK_EQ_INT(pw.nstats, mode == 2 ? 0 : pw.npages - 1);
        CHECK(pw.stats_ok);
        int64_t data_off = cm->data_page_offset;
        pq_file_unref(f);

        /* flip one byte inside the first data page's body: a reader verifying CRCs refuses it */
        if (mode == 0) {
            uint8_t *b = read_range(path, data_off, 64);
            pq_page_header h;
            size_t hl = 0;
            CHECK(b && pq_page_header_decode(b, 64, 0, "p", &h, &hl, &err) == TN_OK);
            FILE *fp = fopen(path, "r+b");
            CHECK(fp != NULL);
            if (fp && b) {
                long at = (long)(data_off + (int64_t)hl + h.compressed_page_size - 1);
                fseek(fp, at, SEEK_SET);
                int c0 = fgetc(fp);
                fseek(fp, at, SEEK_SET);
                fputc(c0 ^ 0x55, fp);
                fclose(fp);
            }
            free(b);
            f = NULL;
            CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
            pq_column_reader *r = NULL;
            int rc = f ? pq_column_reader_open(f, 0, 0, &r, &err) : TN_ERROR;
            tn_vector *out = tn_vector_new(ty(TN_T_VARCHAR), TN_BATCH);
            uint32_t got = 0;
            while (rc == TN_OK && (rc = pq_column_reader_next(r, TN_BATCH, out, &got, &err)) == TN_OK && got)
                ;
            CHECK_EQ_INT(rc, TN_CORRUPT);
            CHECK(strstr(err.msg, "CRC") != NULL);
            tn_vector_unref(out);
            pq_column_reader_close(r);
            pq_file_unref(f);
        }
    }
    tn_vector_unref(v);
    unlink(path);
}

/* ======================= Bloom filters ======================= */

static bool bloom_of(const char *path, pq_file *f, uint32_t rg, int col, uint8_t **bits, uint32_t *nbytes)
{
    const pq_column_meta *cm = f->meta.row_groups[rg].columns[col].meta;
    if (!cm->has_bloom_filter_offset || !cm->has_bloom_filter_length)
        return false;
    uint8_t *b = read_range(path, cm->bloom_filter_offset, cm->bloom_filter_length);
    if (!b)
        return false;
    size_t hl = 0;
    tn_err err = TN_ERR_INIT;
    if (pq_bloom_header_decode(b, (size_t)cm->bloom_filter_length, (uint64_t)cm->bloom_filter_offset, &hl, nbytes,
                               &err) ||
        hl + *nbytes != (size_t)cm->bloom_filter_length) {
        free(b);
        return false;
    }
    *bits = malloc(*nbytes);
    memcpy(*bits, b + hl, *nbytes);
    free(b);
    /* the filter follows the row group's column chunks */
    const pq_row_group *g = &f->meta.row_groups[rg];
    const pq_column_meta *last = g->columns[g->ncolumns - 1].meta;
    int64_t end = (last->has_dictionary_page_offset ? last->dictionary_page_offset : last->data_page_offset) +
                  last->total_compressed_size;
    return cm->bloom_filter_offset >= end;
}

static void test_bloom_filters(void)
{
    char path[600];
    tmp_path(path, sizeof path, "bloom.parquet");
    tn_err err = TN_ERR_INIT;
    const uint32_t n = 12000;
    tn_type types[3] = {ty(TN_T_INT32), ty(TN_T_VARCHAR), tn_type_decimal(30, 2)};
    const char *names[3] = {"i", "s", "d"};
    const char *bloom_cols[2] = {"I", "d"}; /* case-insensitive names; s has no filter */
    /* i: 40 distinct values (dictionary), then distinct (fallback); d: distinct (PLAIN) */
    tn_chunk *ch = tn_chunk_new(3, types, n);
    ch->count = n;
    for (uint32_t r = 0; r < n; r++) {
        ((int32_t *)ch->cols[0]->data)[r] = r < 6000 ? (int32_t)(r % 40) * 1000 : (int32_t)(r * 7 + 13);
        char b[32];
        int l = snprintf(b, sizeof b, "s%u", r);
        str_vec_set(ch->cols[1], r, b, (size_t)l);
        ((tn_i128 *)ch->cols[2]->data)[r] = (tn_i128)r * 1000003 - 5000000;
        if (r % 9 == 4)
            tn_vector_set_null(ch->cols[2], r);
    }
    pq_write_options o;
    pq_write_options_default(&o);
    o.bloom_filter_columns = bloom_cols;
    o.nbloom_filter_columns = 2;
    o.row_group_size = 8000;
    o.dictionary_size_limit = 2000;
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 3, names, types, &o, &w, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        CHECK_EQ_INT(pq_file_num_row_groups(f), 2);
        uint32_t base = 0;
        for (uint32_t rg = 0; rg < 2; rg++) {
            uint32_t rgn = (uint32_t)pq_row_group_num_rows(f, rg);
            uint8_t *bits = NULL;
            uint32_t nb = 0;
            CHECK(!f->meta.row_groups[rg].columns[1].meta->has_bloom_filter_offset);
            for (int col = 0; col < 3; col += 2) {
                CHECK(bloom_of(path, f, rg, col, &bits, &nb));
                if (!bits)
                    continue;
                int missing = 0, fp = 0, ndv_guess = 0;
                for (uint32_t r = base; r < base + rgn; r++) {
                    const void *val = (const uint8_t *)ch->cols[col]->data + (size_t)r * tn_type_width(types[col]);
                    if (tn_vector_is_null(ch->cols[col], r))
                        continue;
                    missing += !pq_bloom_check(bits, nb, pq_bloom_hash_value(types[col], val));
                    ndv_guess++;
                }
                CHECK_EQ_INT(missing, 0);
                /* values of the other row group (and never written) are mostly absent */
                for (int k = 0; k < 2000; k++) {
                    int32_t x = -1 - k * 3;
                    tn_i128 y = (tn_i128)-77777777 - k;
                    fp += pq_bloom_check(bits, nb, col == 0 ? pq_bloom_hash_value(types[0], &x)
                                                            : pq_bloom_hash_value(types[2], &y));
                }
                CHECK(fp < 2000 / 20);
                /* sized from the distinct count at fpp 0.01 */
                CHECK(nb >= 32 && (nb & (nb - 1)) == 0);
                CHECK(nb <= pq_bloom_optimal_bytes((uint64_t)ndv_guess, 0.01));
                free(bits);
                bits = NULL;
            }
            base += rgn;
        }
        /* the dictionary + fallback column really used both */
        page_walk pw;
        CHECK_EQ_INT(walk_pages(path, f->meta.row_groups[0].columns[0].meta, 1, &pw), 0);
        CHECK(pw.ndata_dict > 0 && pw.ndata_plain > 0);
        pq_file_unref(f);
    }
    tn_chunk_free(ch);

    /* more distinct values than a 1 MiB filter is meant for (tiny fpp): capped, still complete */
    const uint32_t m = 120000;
    int64_t *v = malloc(m * sizeof *v);
    for (uint32_t i = 0; i < m; i++)
        v[i] = (int64_t)mix64(i);
    const char *xcol = "x";
    pq_write_options_default(&o);
    o.bloom_filter_columns = &xcol;
    o.nbloom_filter_columns = 1;
    o.bloom_filter_fpp = 1e-9;
    CHECK(pq_bloom_max_ndv(1e-9) < m);
    write_int64(path, v, NULL, m, &o);
    f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        uint8_t *bits = NULL;
        uint32_t nb = 0;
        CHECK(bloom_of(path, f, 0, 0, &bits, &nb));
        CHECK_EQ_INT(nb, PQ_BLOOM_MAX_BYTES);
        int missing = 0;
        for (uint32_t i = 0; bits && i < m; i++)
            missing += !pq_bloom_check(bits, nb, pq_bloom_hash_value(ty(TN_T_INT64), &v[i]));
        CHECK_EQ_INT(missing, 0);
        free(bits);
        pq_file_unref(f);
    }
    free(v);

    /* errors: unknown column, type without filters, bad fpp */
    tn_type bt = ty(TN_T_BOOL);
    const char *bn = "b", *unknown = "nope";
    pq_write_options_default(&o);
    o.bloom_filter_columns = &unknown;
    o.nbloom_filter_columns = 1;
    w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &bn, &bt, &o, &w, &err), TN_ERROR);
    CHECK(strstr(err.msg, "nope") != NULL && w == NULL);
    o.bloom_filter_columns = &bn;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &bn, &bt, &o, &w, &err), TN_NOTSUP);
    o.bloom_filter_fpp = 1.5;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, &bn, &bt, &o, &w, &err), TN_MISUSE);
    CHECK_EQ_INT(count_prefix("bloom.parquet.tmp"), 0);
    unlink(path);
}

/* ======================= footer extras, version, levels ======================= */

static void test_kv_field_ids_version(void)
{
    char path[600];
    tmp_path(path, sizeof path, "kv.parquet");
    tn_err err = TN_ERR_INIT;
    tn_vector *v = tn_vector_new(ty(TN_T_INT32), 4);
    for (int i = 0; i < 4; i++)
        ((int32_t *)v->data)[i] = i;
    const char *keys[3] = {"origin", "empty", "novalue"};
    const char *vals[3] = {"tarn test", "", NULL};
    for (int variant = 0; variant < 2; variant++) {
        pq_write_options o;
        pq_write_options_default(&o);
        if (variant == 1) {
            o.kv_keys = keys;
            o.kv_values = vals;
            o.nkv = 3;
            o.field_ids = true;
            o.parquet_version = 2;
        }
        CHECK_EQ_INT(write_one(path, "a", v, 4, &o, &err), TN_OK);
        pq_file *f = NULL;
        CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
        if (!f)
            continue;
        CHECK_EQ_INT(f->meta.version, variant == 1 ? 2 : 1);
        CHECK_EQ_INT(pq_file_num_kv(f), variant == 1 ? 3 : 0);
        for (uint32_t i = 0; i < pq_file_num_kv(f); i++) {
            const char *k, *val;
            uint32_t kl, vl;
            CHECK(pq_file_kv(f, i, &k, &kl, &val, &vl));
            CHECK(kl == strlen(keys[i]) && memcmp(k, keys[i], kl) == 0);
            if (vals[i])
                CHECK(val && vl == strlen(vals[i]) && memcmp(val, vals[i], vl) == 0);
            else
                CHECK(val == NULL);
        }
        CHECK_EQ_INT(pq_file_field(f, 0)->field_id, variant == 1 ? 1 : -1);
        CHECK(!f->meta.schema[0].has_field_id); /* never on the root */
        pq_file_unref(f);
    }
    tn_vector_unref(v);
    /* field ids follow schema order over several columns */
    tn_type types[3] = {ty(TN_T_INT32), ty(TN_T_VARCHAR), ty(TN_T_DOUBLE)};
    const char *names[3] = {"a", "b", "c"};
    pq_write_options o;
    pq_write_options_default(&o);
    o.field_ids = true;
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 3, names, types, &o, &w, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    for (uint32_t i = 0; f && i < 3; i++)
        CHECK_EQ_INT(pq_file_field(f, i)->field_id, (int)i + 1);
    pq_file_unref(f);
    /* a key without a name is refused */
    const char *nokey[1] = {NULL};
    o.kv_keys = nokey;
    o.nkv = 1;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 3, names, types, &o, &w, &err), TN_MISUSE);
    o.nkv = 0;
    o.parquet_version = 3;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 3, names, types, &o, &w, &err), TN_MISUSE);
    unlink(path);
}

static int64_t file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (int64_t)st.st_size : -1;
}

static void test_compression_level(void)
{
    char path[600];
    tmp_path(path, sizeof path, "level.parquet");
    tn_err err = TN_ERR_INIT;
    const uint32_t n = 20000;
    tn_vector *v = tn_vector_new(ty(TN_T_VARCHAR), n);
    for (uint32_t i = 0; i < n; i++) {
        char b[64];
        int l = snprintf(b, sizeof b, "row %u of the text column, bucket %u", (uint32_t)(mix64(i) % 100000), i % 97);
        str_vec_set(v, i, b, (size_t)l);
    }
    const int codecs[] = {PQ_CODEC_ZSTD, PQ_CODEC_GZIP, PQ_CODEC_BROTLI};
    const int lo[] = {1, 1, 1}, hi[] = {19, 9, 9};
    for (size_t k = 0; k < TN_ARRAY_LEN(codecs); k++) {
        int64_t sz[2];
        for (int j = 0; j < 2; j++) {
            pq_write_options o;
            pq_write_options_default(&o);
            o.dictionary = false;
            o.codec = codecs[k];
            char lv[16];
            snprintf(lv, sizeof lv, "%d", j ? hi[k] : lo[k]);
            tn_value val;
            CHECK_EQ_INT(tn_value_set_string(&val, ty(TN_T_VARCHAR), lv, (uint32_t)strlen(lv)), TN_OK);
            CHECK_EQ_INT(pq_write_options_set(&o, "compression_level", &val, &err), TN_OK);
            tn_value_free(&val);
            CHECK_EQ_INT(o.compression_level, j ? hi[k] : lo[k]);
            CHECK_EQ_INT(write_one(path, "s", v, n, &o, &err), TN_OK);
            sz[j] = file_size(path);
            pq_write_options_free(&o);
        }
        if (!(sz[1] < sz[0]))
            fprintf(stderr, "%s: level %d -> %lld bytes, level %d -> %lld bytes\n", pq_codec_name(codecs[k]), lo[k],
                    (long long)sz[0], hi[k], (long long)sz[1]);
        CHECK(sz[1] < sz[0]);
    }
    tn_vector_unref(v);

    /* ROW_GROUP_SIZE_BYTES through the option parser */
    pq_write_options o;
    pq_write_options_default(&o);
    tn_value val;
    CHECK_EQ_INT(tn_value_set_string(&val, ty(TN_T_VARCHAR), "16KB", 4), TN_OK);
    CHECK_EQ_INT(pq_write_options_set(&o, "row_group_size_bytes", &val, &err), TN_OK);
    tn_value_free(&val);
    CHECK_EQ_INT(o.row_group_size_bytes, 16000);
    int64_t *iv = malloc(50000 * sizeof *iv);
    for (uint32_t i = 0; i < 50000; i++)
        iv[i] = (int64_t)mix64(i);
    o.dictionary = false;
    write_int64(path, iv, NULL, 50000, &o);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        /* 400 KB of incompressible values in row groups of about 16 KB */
        CHECK(pq_file_num_row_groups(f) >= 10);
        CHECK_EQ_INT(pq_file_num_rows(f), 50000);
        for (uint32_t rg = 0; rg + 1 < pq_file_num_row_groups(f); rg++)
            CHECK(f->meta.row_groups[rg].total_byte_size < 16000 + 8 * TN_BATCH + 4096);
        pq_file_unref(f);
    }
    free(iv);
    pq_write_options_free(&o);
    unlink(path);
}

/* ======================= option parsing ======================= */

static int set_str(pq_write_options *o, const char *name, const char *s, tn_err *err)
{
    tn_value v;
    memset(&v, 0, sizeof v);
    if (tn_value_set_string(&v, ty(TN_T_VARCHAR), s, (uint32_t)strlen(s)))
        return TN_NOMEM;
    int rc = pq_write_options_set(o, name, &v, err);
    tn_value_free(&v);
    return rc;
}

static int set_int(pq_write_options *o, const char *name, int64_t x, tn_err *err)
{
    tn_value v = tn_value_int(ty(TN_T_INT64), x);
    return pq_write_options_set(o, name, &v, err);
}

static void test_options_set(void)
{
    tn_err err = TN_ERR_INIT;
    pq_write_options o;
    pq_write_options_default(&o);
    CHECK(o.page_checksum && o.page_index && o.page_statistics && !o.field_ids && o.parquet_version == 1);

    CHECK_EQ_INT(set_str(&o, "Parquet_Version", "V2", &err), TN_OK);
    CHECK_EQ_INT(o.parquet_version, 2);
    CHECK_EQ_INT(set_int(&o, "PARQUET_VERSION", 1, &err), TN_OK);
    CHECK_EQ_INT(o.parquet_version, 1);
    CHECK_EQ_INT(set_str(&o, "PARQUET_VERSION", "v3", &err), TN_ERROR);
    CHECK_EQ_INT(o.parquet_version, 1); /* unchanged on error */

    CHECK_EQ_INT(set_str(&o, "compression", "ZSTD", &err), TN_OK);
    CHECK_EQ_INT(o.codec, PQ_CODEC_ZSTD);
    CHECK_EQ_INT(set_str(&o, "codec", "lzo", &err), TN_ERROR);
    CHECK_EQ_INT(set_str(&o, "compression", "nope", &err), TN_ERROR);
    CHECK_EQ_INT(o.codec, PQ_CODEC_ZSTD);
    CHECK_EQ_INT(set_int(&o, "COMPRESSION_LEVEL", 999999, &err), TN_ERROR);
    CHECK_EQ_INT(set_int(&o, "ROW_GROUP_SIZE", 0, &err), TN_ERROR);
    CHECK_EQ_INT(set_int(&o, "row_group_size", 5000, &err), TN_OK);
    CHECK_EQ_INT(o.row_group_size, 5000);
    CHECK_EQ_INT(set_str(&o, "ROW_GROUP_SIZE_BYTES", "2 MiB", &err), TN_OK);
    CHECK_EQ_INT(o.row_group_size_bytes, 2u << 20);
    CHECK_EQ_INT(set_str(&o, "ROW_GROUP_SIZE_BYTES", "2 parsecs", &err), TN_ERROR);
    CHECK_EQ_INT(set_int(&o, "ROW_GROUP_SIZE_BYTES", 1234, &err), TN_OK);
    CHECK_EQ_INT(o.row_group_size_bytes, 1234);
    CHECK_EQ_INT(set_int(&o, "DICTIONARY_SIZE_LIMIT", 0, &err), TN_OK);
    CHECK(!o.dictionary);

    /* booleans in every spelling; no value means true */
    tn_value b = tn_value_bool(false);
    CHECK_EQ_INT(pq_write_options_set(&o, "PAGE_CHECKSUM", &b, &err), TN_OK);
    CHECK(!o.page_checksum);
    CHECK_EQ_INT(pq_write_options_set(&o, "page_checksum", NULL, &err), TN_OK);
    CHECK(o.page_checksum);
    CHECK_EQ_INT(set_str(&o, "PAGE_INDEX", "off", &err), TN_OK);
    CHECK(!o.page_index);
    CHECK_EQ_INT(set_int(&o, "PAGE_STATISTICS", 0, &err), TN_OK);
    CHECK(!o.page_statistics);
    CHECK_EQ_INT(set_int(&o, "PAGE_STATISTICS", 2, &err), TN_ERROR);
    CHECK_EQ_INT(set_str(&o, "FIELD_IDS", "auto", &err), TN_OK);
    CHECK(o.field_ids);
    CHECK_EQ_INT(set_str(&o, "FIELD_IDS", "maybe", &err), TN_ERROR);
    CHECK(o.field_ids);
    CHECK_EQ_INT(set_str(&o, "per_thread_output", "true", &err), TN_OK);
    CHECK(o.per_thread_output);
    CHECK_EQ_INT(pq_write_options_set(&o, "OVERWRITE_OR_IGNORE", NULL, &err), TN_OK);
    CHECK(o.overwrite_or_ignore);
    CHECK_EQ_INT(set_int(&o, "PARTITIONED_WRITE_MAX_OPEN_FILES", 7, &err), TN_OK);
    CHECK_EQ_INT(o.max_open_files, 7);
    CHECK_EQ_INT(set_int(&o, "MAX_OPEN_FILES", 0, &err), TN_ERROR);
    tn_value d = tn_value_double(0.05);
    CHECK_EQ_INT(pq_write_options_set(&o, "BLOOM_FILTER_FALSE_POSITIVE_RATIO", &d, &err), TN_OK);
    CHECK(o.bloom_filter_fpp == 0.05);
    CHECK_EQ_INT(set_str(&o, "BLOOM_FILTER_FPP", "1", &err), TN_ERROR);
    CHECK_EQ_INT(set_str(&o, "format", "parquet", &err), TN_OK);
    CHECK_EQ_INT(set_str(&o, "format", "csv", &err), TN_NOTSUP);
    CHECK_EQ_INT(set_str(&o, "NO_SUCH_OPTION", "x", &err), TN_ERROR);
    CHECK(strstr(err.msg, "NO_SUCH_OPTION") != NULL);
    CHECK_EQ_INT(pq_write_options_set(&o, "ROW_GROUP_SIZE", NULL, &err), TN_ERROR);

    /* lists */
    CHECK_EQ_INT(set_str(&o, "BLOOM_FILTER_COLUMNS", " a, \"B c\" ,d ", &err), TN_OK);
    CHECK_EQ_INT(o.nbloom_filter_columns, 3);
    CHECK_EQ_STR(o.bloom_filter_columns[0], "a");
    CHECK_EQ_STR(o.bloom_filter_columns[1], "B c");
    CHECK_EQ_STR(o.bloom_filter_columns[2], "d");
    CHECK_EQ_INT(set_str(&o, "BLOOM_FILTER_COLUMNS", "a,,b", &err), TN_ERROR);
    CHECK_EQ_INT(set_str(&o, "BLOOM_FILTER_COLUMNS", "a,A", &err), TN_ERROR);
    CHECK_EQ_INT(o.nbloom_filter_columns, 3); /* unchanged */
    CHECK_EQ_INT(set_str(&o, "KV_METADATA", "k1=v1, k2 = two words ,flag,k3=", &err), TN_OK);
    CHECK_EQ_INT(o.nkv, 4);
    CHECK_EQ_STR(o.kv_keys[1], "k2");
    CHECK_EQ_STR(o.kv_values[1], "two words");
    CHECK(o.kv_values[2] == NULL);
    CHECK_EQ_STR(o.kv_values[3], "");
    CHECK_EQ_INT(set_str(&o, "KV_METADATA", "=v", &err), TN_ERROR);
    CHECK_EQ_INT(set_str(&o, "PARTITION_BY", "year,month", &err), TN_OK);
    CHECK_EQ_INT(o.npartition_by, 2);
    CHECK_EQ_INT(set_str(&o, "PARTITION_BY", "  ", &err), TN_OK); /* empty list */
    CHECK_EQ_INT(o.npartition_by, 0);
    CHECK_EQ_INT(set_int(&o, "PARTITION_BY", 3, &err), TN_ERROR);

    /* partition indexes */
    CHECK_EQ_INT(set_str(&o, "PARTITION_BY", "Month, year", &err), TN_OK);
    const char *cols[3] = {"year", "month", "value"};
    uint32_t idx[2];
    CHECK_EQ_INT(pq_write_options_partition_indexes(&o, 3, cols, idx, &err), TN_OK);
    CHECK(idx[0] == 1 && idx[1] == 0);
    CHECK_EQ_INT(pq_write_options_partition_indexes(&o, 2, cols, idx, &err), TN_ERROR); /* nothing left */
    CHECK_EQ_INT(set_str(&o, "PARTITION_BY", "day", &err), TN_OK);
    CHECK_EQ_INT(pq_write_options_partition_indexes(&o, 3, cols, idx, &err), TN_ERROR);
    CHECK(strstr(err.msg, "day") != NULL);

    /* a deep copy survives freeing the original */
    CHECK_EQ_INT(set_str(&o, "BLOOM_FILTER_COLUMNS", "value", &err), TN_OK);
    o.created_by = "someone";
    pq_write_options c;
    CHECK_EQ_INT(pq_write_options_copy(&c, &o, &err), TN_OK);
    pq_write_options_free(&o);
    CHECK(o.nbloom_filter_columns == 0 && o.owned == NULL && o.parquet_version == 1);
    CHECK_EQ_INT(c.nbloom_filter_columns, 1);
    CHECK_EQ_STR(c.bloom_filter_columns[0], "value");
    CHECK_EQ_STR(c.created_by, "someone");
    CHECK_EQ_INT(c.nkv, 4);
    CHECK_EQ_STR(c.kv_values[0], "v1");
    CHECK(c.field_ids && c.overwrite_or_ignore);
    pq_write_options_free(&c);
    pq_write_options_free(NULL);
}

/* HUGEINT and wide DECIMAL values must fit their DECIMAL(p) storage: an out-of-range value is an
 * error, never an unreadable file (regression: HUGEINT extremes were written as DECIMAL(38,0)). */
static void test_decimal_range(void)
{
    char path[600];
    tmp_path(path, sizeof path, "decrange.parquet");
    tn_err err = TN_ERR_INIT;
    tn_i128 p38 = pow10_i128(38), p20 = pow10_i128(20);
    struct {
        tn_type t;
        tn_i128 v;
        int rc;
    } cases[] = {
        {ty(TN_T_INT128), p38 - 1, TN_OK},       {ty(TN_T_INT128), -(p38 - 1), TN_OK},
        {ty(TN_T_INT128), p38, TN_RANGE},        {ty(TN_T_INT128), -p38, TN_RANGE},
        {ty(TN_T_INT128), (tn_i128)((tn_u128)1 << 127), TN_RANGE},
        {tn_type_decimal(20, 0), p20 - 1, TN_OK}, {tn_type_decimal(20, 0), p20, TN_RANGE},
        {tn_type_decimal(20, 0), -p20, TN_RANGE},
    };
    for (size_t k = 0; k < TN_ARRAY_LEN(cases); k++) {
        tn_vector *v = tn_vector_new(cases[k].t, 2);
        ((tn_i128 *)v->data)[0] = 5;
        ((tn_i128 *)v->data)[1] = cases[k].v;
        CHECK_EQ_INT(write_one(path, "h", v, 2, NULL, &err), cases[k].rc);
        if (cases[k].rc == TN_RANGE)
            CHECK(strstr(err.msg, cases[k].t.id == TN_T_INT128 ? "HUGEINT" : "precision") != NULL);
        if (cases[k].rc == TN_OK) {
            pq_file *f = NULL;
            CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
            pq_column_reader *r = NULL;
            CHECK(f && pq_column_reader_open(f, 0, 0, &r, &err) == TN_OK);
            tn_vector *out = tn_vector_new(pq_file_field(f, 0)->type, TN_BATCH);
            uint32_t got = 0;
            CHECK(r && pq_column_reader_next(r, TN_BATCH, out, &got, &err) == TN_OK && got == 2);
            rview rv = row_view(out, 1);
            tn_i128 back;
            memcpy(&back, rv.data, sizeof back);
            CHECK(got == 2 && rv.valid && back == cases[k].v);
            tn_vector_unref(out);
            pq_column_reader_close(r);
            pq_file_unref(f);
        }
        tn_vector_unref(v);
    }
    unlink(path);
}

static void test_no_leaks(void) { CHECK_EQ_INT(tn_mem_in_use(), 0); }

TEST_MAIN(test_page_index_ints, test_page_index_strings_and_floats, test_crc_and_page_stats, test_bloom_filters,
          test_kv_field_ids_version, test_compression_level, test_options_set, test_decimal_range, test_no_leaks)
