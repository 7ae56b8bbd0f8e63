/*
 * test_writer_nested.c -- nested columns in the Parquet writer (writer_nested.c and the level
 * handling of writer_column.c), checked through the reader (pq_column_reader assembling nested
 * vectors), the decoded footer and page headers, and the repetition/definition levels decoded
 * from every page. DuckDB reading the same files is in test_writer_peer.c.
 *
 *  - matrix: the nested shapes of the alltypes fixture (list<int>, list<varchar>,
 *    list<list<bigint>>, struct{a,b}, struct{x struct{y list<int>}, z double}, map<varchar,int>,
 *    map<int, list<varchar>>, list<struct{k,v}>) plus a flat id column, generated with NULLs and
 *    empty lists at every level, fed as FLAT chunks, chunks with selection vectors, CONST and
 *    DICT vectors, across codecs x data page v1/v2/format v2 x dictionary/plain/fallback, small
 *    pages and row groups; read back value by value; the schema (3-level lists, MAP key_value
 *    with REQUIRED keys, repetitions, converted types, path_in_schema, max levels) compared with
 *    an independent derivation; num_values, null counts and integer min/max per leaf compared
 *    with counts computed from the data; every page starts a record (first repetition level 0),
 *    v2 num_rows/num_nulls agree with the levels, and the OffsetIndex first_row_index values are
 *    record numbers.
 *  - hand-built rows with the fixture's corner cases ([[], null], all-NULL struct fields, NULL
 *    map values, empty maps, NULL list elements of structs) read back and rendered.
 *  - one record larger than a page (and than PQW_PAGE_MAX_ROWS levels) with dictionary
 *    fallback in its middle; field ids; every flat type inside a list and a struct; empty files.
 *  - errors: NULL map keys, inconsistent list entries, unsupported leaf types, Bloom filters on
 *    nested columns, type mismatches, too deep nesting, duplicate struct field names.
 */
#define _GNU_SOURCE
#include "nested_testutil.h"

#define NF (1 + NT_NSHAPES)

static uint32_t rd_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd_le64(const uint8_t *p) { return (uint64_t)rd_le32(p) | (uint64_t)rd_le32(p + 4) << 32; }

static nt_shape g_sh[NT_NSHAPES];
static tn_type g_types[NF];
static const char *g_names[NF];

static void init_shapes(void)
{
    nt_shapes(g_sh);
    g_names[0] = "id";
    g_types[0] = ty(TN_T_INT64);
    for (int i = 0; i < NT_NSHAPES; i++) {
        g_names[i + 1] = g_sh[i].name;
        g_types[i + 1] = g_sh[i].type;
        if (g_sh[i].type.id == TN_T_MAP)
            (void)tn_type_list_child(g_sh[i].type); /* interns the entry STRUCT */
    }
}

/* ======================= expected schema ======================= */

typedef struct xel {
    char name[64];
    int repetition, nchildren, converted;
    bool leaf;
    int max_def, max_rep;
    int32_t field_id;
} xel;

/* Schema elements of a column of type t, derived from the Parquet spec independently of the
 * writer: def = the parent's definition level, rep = its repetition level. */
static void exp_schema(tn_type t, const char *name, int repetition, int def, int rep, xel *out, int *n, int32_t *id)
{
    xel *e = &out[(*n)++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->repetition = repetition;
    e->converted = -1;
    e->field_id = (*id)++;
    int present = def + (repetition == PQ_OPTIONAL);
    switch ((tn_type_id)t.id) {
    case TN_T_LIST: {
        e->nchildren = 1;
        e->converted = PQ_CT_LIST;
        xel *g = &out[(*n)++];
        memset(g, 0, sizeof *g);
        snprintf(g->name, sizeof g->name, "list");
        g->repetition = PQ_REPEATED;
        g->nchildren = 1;
        g->converted = -1;
        g->field_id = -1;
        exp_schema(t.nested->children[0], "element", PQ_OPTIONAL, present + 1, rep + 1, out, n, id);
        break;
    }
    case TN_T_MAP: {
        e->nchildren = 1;
        e->converted = PQ_CT_MAP;
        xel *g = &out[(*n)++];
        memset(g, 0, sizeof *g);
        snprintf(g->name, sizeof g->name, "key_value");
        g->repetition = PQ_REPEATED;
        g->nchildren = 2;
        g->converted = -1;
        g->field_id = -1;
        exp_schema(t.nested->children[0], "key", PQ_REQUIRED, present + 1, rep + 1, out, n, id);
        exp_schema(t.nested->children[1], "value", PQ_OPTIONAL, present + 1, rep + 1, out, n, id);
        break;
    }
    case TN_T_STRUCT:
        e->nchildren = t.nested->nchildren;
        for (int i = 0; i < t.nested->nchildren; i++)
            exp_schema(t.nested->children[i], t.nested->names[i], PQ_OPTIONAL, present, rep, out, n, id);
        break;
    default:
        e->leaf = true;
        e->max_def = present;
        e->max_rep = rep;
        break;
    }
}

static bool span_is(pq_span s, const char *z) { return s.n == strlen(z) && memcmp(s.p, z, s.n) == 0; }

/* Compare the file's schema with exp_schema over names/types[0..n); returns leaves checked. */
static void check_schema(pq_file *f, uint32_t n, const char *const *names, const tn_type *types, bool ids,
                         const char *label)
{
    xel *x = calloc(4096, sizeof *x);
    int nx = 0;
    int32_t id = 1;
    for (uint32_t i = 0; i < n; i++)
        exp_schema(types[i], names[i], PQ_OPTIONAL, 0, 0, x, &nx, &id);
    CHECK_EQ_INT(f->meta.nschema, nx + 1);
    CHECK_EQ_INT(f->meta.schema[0].num_children, n);
    int leaf = 0, bad = 0;
    for (int i = 0; i < nx && i + 1 < (int)f->meta.nschema; i++) {
        const pq_schema_element *se = &f->meta.schema[i + 1];
        const xel *e = &x[i];
        bool ok = span_is(se->name, e->name) && se->has_repetition && se->repetition == e->repetition &&
                  (e->leaf ? se->has_type && !se->has_num_children
                           : !se->has_type && se->has_num_children && se->num_children == e->nchildren) &&
                  (e->converted < 0 || (se->has_converted_type && se->converted_type == e->converted));
        if (e->converted == PQ_CT_LIST)
            ok = ok && se->logical.id == PQ_LT_LIST;
        if (e->converted == PQ_CT_MAP)
            ok = ok && se->logical.id == PQ_LT_MAP;
        if (ids)
            ok = ok && (e->field_id < 0 ? !se->has_field_id : se->has_field_id && se->field_id == e->field_id);
        else
            ok = ok && !se->has_field_id;
        if (e->leaf) {
            ok = ok && leaf < (int)f->nleaves && f->leaves[leaf]->max_def == e->max_def &&
                 f->leaves[leaf]->max_rep == e->max_rep;
            /* path_in_schema: the names of the elements from the column down to this leaf */
            for (uint32_t g = 0; g < f->meta.nrow_groups && ok; g++) {
                const pq_column_meta *cm = f->meta.row_groups[g].columns[leaf].meta;
                ok = cm && cm->npath >= 1 && span_is(cm->path[cm->npath - 1], e->name);
            }
            leaf++;
        }
        if (!ok && bad++ < 5)
            fprintf(stderr, "%s: schema element %d (%s) differs\n", label, i + 1, e->name);
        CHECK(ok);
    }
    CHECK_EQ_INT(leaf, f->nleaves);
    free(x);
}

/* ======================= page walk with decoded levels ======================= */

typedef struct lwalk {
    int ndata, ndict;
    int64_t levels, values, records;
    int64_t *page_first;   /* record number each data page starts with */
    bool ok;               /* every check passed */
} lwalk;

static int decode_levels(const uint8_t *p, size_t n, int bw, uint32_t count, uint32_t *out)
{
    pq_rle_decoder d;
    tn_err err = TN_ERR_INIT;
    pq_rle_init(&d, p, n, bw);
    return pq_rle_get(&d, out, count, &err);
}

static void walk_levels(const char *path, const pq_column_meta *cm, int max_def, int max_rep, int version, lwalk *lw,
                        const char *label)
{
    memset(lw, 0, sizeof *lw);
    lw->ok = true;
    int64_t start = cm->has_dictionary_page_offset ? cm->dictionary_page_offset : cm->data_page_offset;
    size_t n = (size_t)cm->total_compressed_size;
    uint8_t *buf = malloc(n);
    vfs_file *fh = NULL;
    tn_err err = TN_ERR_INIT;
    if (!buf || vfs_open(vfs_default(), path, VFS_READ, &fh, &err) || vfs_read(fh, (uint64_t)start, buf, n, &err)) {
        lw->ok = false;
        if (fh)
            vfs_close(fh);
        free(buf);
        return;
    }
    vfs_close(fh);
    lw->page_first = calloc(n / 8 + 16, sizeof *lw->page_first);
    size_t pos = 0;
    while (pos < n && lw->ok) {
        pq_page_header h;
        size_t hl = 0;
        if (pq_page_header_decode(buf + pos, n - pos, (uint64_t)start + pos, "test", &h, &hl, &err) ||
            pos + hl + (size_t)h.compressed_page_size > n) {
            lw->ok = false;
            break;
        }
        const uint8_t *body = buf + pos + hl;
        pos += hl + (size_t)h.compressed_page_size;
        if (h.type == PQ_PAGE_DICTIONARY) {
            lw->ndict++;
            if (lw->ndata)
                lw->ok = false;
            continue;
        }
        if (h.type != (version == 2 ? PQ_PAGE_DATA_V2 : PQ_PAGE_DATA)) {
            lw->ok = false;
            break;
        }
        uint32_t nv = (uint32_t)(version == 2 ? h.v2.num_values : h.data.num_values);
        uint32_t *rep = calloc(nv + 1, sizeof *rep), *def = calloc(nv + 1, sizeof *def);
        uint8_t *plain = NULL;
        int rc = 0;
        if (version == 2) {
            if ((h.v2.rep_len > 0) != (max_rep > 0) || h.v2.rep_len + h.v2.def_len > h.compressed_page_size)
                lw->ok = false;
            if (max_rep > 0)
                rc |= decode_levels(body, (size_t)h.v2.rep_len, pq_bit_width((uint32_t)max_rep), nv, rep);
            rc |= decode_levels(body + h.v2.rep_len, (size_t)h.v2.def_len, pq_bit_width((uint32_t)max_def), nv, def);
        } else {
            const uint8_t *b = body;
            size_t bl = (size_t)h.compressed_page_size;
            if (cm->codec != PQ_CODEC_UNCOMPRESSED) {
                plain = malloc((size_t)h.uncompressed_page_size + 1);
                rc |= pq_decompress(cm->codec, body, bl, plain, (size_t)h.uncompressed_page_size, &err);
                b = plain;
                bl = (size_t)h.uncompressed_page_size;
            }
            size_t at = 0;
            if (max_rep > 0 && rc == 0) {
                uint32_t l = bl >= 4 ? rd_le32(b) : 0;
                rc |= at + 4 + l > bl || decode_levels(b + 4, l, pq_bit_width((uint32_t)max_rep), nv, rep);
                at += 4 + (size_t)l;
            }
            if (rc == 0) {
                uint32_t l = bl >= at + 4 ? rd_le32(b + at) : 0;
                rc |= at + 4 + l > bl || decode_levels(b + at + 4, l, pq_bit_width((uint32_t)max_def), nv, def);
            }
        }
        if (rc) {
            lw->ok = false;
        } else {
            uint32_t recs = 0, vals = 0;
            for (uint32_t i = 0; i < nv; i++) {
                recs += rep[i] == 0;
                vals += def[i] == (uint32_t)max_def;
                if (def[i] > (uint32_t)max_def || rep[i] > (uint32_t)max_rep)
                    lw->ok = false;
            }
            if (nv == 0 || rep[0] != 0) {
                fprintf(stderr, "%s: data page %d does not start a record\n", label, lw->ndata);
                lw->ok = false;
            }
            if (version == 2 && ((uint32_t)h.v2.num_rows != recs || (uint32_t)h.v2.num_nulls != nv - vals)) {
                fprintf(stderr, "%s: v2 page %d: num_rows %d / num_nulls %d, levels say %u / %u\n", label, lw->ndata,
                        h.v2.num_rows, h.v2.num_nulls, recs, nv - vals);
                lw->ok = false;
            }
            lw->page_first[lw->ndata] = lw->records;
            lw->ndata++;
            lw->levels += nv;
            lw->values += vals;
            lw->records += recs;
        }
        free(plain);
        free(rep);
        free(def);
    }
    if (pos != n)
        lw->ok = false;
    free(buf);
}

/* ======================= chunks and expectations ======================= */

typedef struct nexp {
    tn_chunk *chunks[64];
    uint32_t nchunks;
    uint32_t *ck, *row;    /* per written row: chunk and physical row */
    uint32_t rows, cap;
} nexp;

static void nexp_add(nexp *e, tn_chunk *ch)
{
    uint32_t n = tn_chunk_rows(ch);
    if (e->rows + n > e->cap) {
        e->cap = (e->rows + n) * 2;
        e->ck = realloc(e->ck, e->cap * sizeof *e->ck);
        e->row = realloc(e->row, e->cap * sizeof *e->row);
    }
    for (uint32_t k = 0; k < n; k++) {
        e->ck[e->rows + k] = e->nchunks;
        e->row[e->rows + k] = ch->sel ? ch->sel[k] : k;
    }
    e->chunks[e->nchunks++] = ch;
    e->rows += n;
}

static void nexp_free(nexp *e)
{
    for (uint32_t i = 0; i < e->nchunks; i++)
        tn_chunk_free(e->chunks[i]);
    free(e->ck);
    free(e->row);
    memset(e, 0, sizeof *e);
}

/* Chunk of kind 0 FLAT, 1 FLAT + selection, 2 CONST nested columns, 3 DICT nested columns. */
static tn_chunk *make_nchunk(int kind, uint32_t n, uint64_t seed, int64_t id0, const nt_opts *o)
{
    tn_chunk *ch = tn_chunk_new(NF, g_types, n);
    if (!ch)
        return NULL;
    ch->count = n;
    for (uint32_t r = 0; r < n; r++)
        ((int64_t *)ch->cols[0]->data)[r] = id0 + r;
    for (int c = 1; c < NF; c++) {
        tn_vector *v = ch->cols[c];
        tn_type t = g_types[c];
        if (kind == 2) {
            tn_vector *src = tn_vector_new(t, 1);
            nt_gen(src, 0, t, seed * 7 + (uint64_t)c, true, o);
            CHECK_EQ_INT(tn_vector_set_const_from(v, src, 0), TN_OK);
            tn_vector_unref(src);
        } else if (kind == 3) {
            tn_vector *dict = tn_vector_new(t, 16);
            for (uint32_t e = 0; e < 16; e++)
                nt_gen(dict, e, t, seed * 11 + (uint64_t)c * 100 + e, true, o);
            tn_vector_set_dict(v, dict);
            tn_vector_unref(dict);
            uint32_t *idx = v->data;
            for (uint32_t r = 0; r < n; r++) {
                idx[r] = (uint32_t)(mix64(seed + r * 3 + (uint64_t)c) % 16);
                if (r % 11 == 3)
                    tn_vector_set_null(v, r);
            }
        } else {
            for (uint32_t r = 0; r < n; r++)
                nt_gen(v, r, t, seed * 1000003ULL + r * 7ULL + (uint64_t)c, true, o);
        }
    }
    if (kind == 1) {
        uint32_t *sel = tn_chunk_sel_buffer(ch, n);
        uint32_t m = 0;
        for (uint32_t r = 0; r < n; r++)
            if (r % 3 != 0)
                sel[m++] = r;
        ch->sel = sel;
        ch->nsel = m;
    }
    return ch;
}

/* Read every field of every row group back and compare with the expectation; check levels,
 * statistics, pages and the offset index of every leaf. */
static void check_nested_file(const char *path, const nexp *e, const pq_write_options *o, const char *label)
{
    int version = o->parquet_version == 2 ? 2 : o->page_version;
    tn_err err = TN_ERR_INIT;
    pq_file *f = NULL;
    int rc = pq_file_open(vfs_default(), path, &f, &err);
    CHECK_EQ_INT(rc, TN_OK);
    if (rc) {
        fprintf(stderr, "%s: %s\n", label, err.msg);
        return;
    }
    CHECK_EQ_INT(pq_file_num_rows(f), e->rows);
    CHECK_EQ_INT(pq_file_num_fields(f), NF);
    check_schema(f, NF, g_names, g_types, o->field_ids, label);
    for (int c = 0; c < NF; c++) {
        const pq_schema_node *nd = pq_file_field(f, (uint32_t)c);
        bool same = tn_type_equal(nd->type, g_types[c]);
        if (!same)
            fprintf(stderr, "%s: column %s reads as another type\n", label, g_names[c]);
        CHECK(same);
    }
    uint32_t nleaves = f->nleaves;
    uint32_t leafbase[NF];
    for (uint32_t c = 0, b = 0; c < NF; c++) {
        leafbase[c] = b;
        b += nt_nleaves(g_types[c]);
    }
    nt_leafstat *ls = calloc(nleaves, sizeof *ls);
    uint32_t base = 0;
    int mismatches = 0;
    for (uint32_t rg = 0; rg < pq_file_num_row_groups(f); rg++) {
        uint32_t rgrows = (uint32_t)pq_row_group_num_rows(f, rg);
        CHECK(rgrows <= o->row_group_size);
        for (int c = 0; c < NF; c++) {
            pq_column_reader *r = NULL;
            rc = pq_column_reader_open(f, rg, (uint32_t)c, &r, &err);
            CHECK_EQ_INT(rc, TN_OK);
            if (rc) {
                fprintf(stderr, "%s: open %s: %s\n", label, g_names[c], err.msg);
                continue;
            }
            tn_vector *out = tn_vector_new(pq_file_field(f, (uint32_t)c)->type, TN_BATCH);
            uint32_t got = 0;
            for (;;) {
                uint32_t n = 0;
                if ((rc = pq_column_reader_next(r, 777, out, &n, &err)) != TN_OK) {
                    fprintf(stderr, "%s: read %s: %s\n", label, g_names[c], err.msg);
                    CHECK_EQ_INT(rc, TN_OK);
                    break;
                }
                if (n == 0)
                    break;
                for (uint32_t k = 0; k < n && base + got + k < e->rows; k++) {
                    uint32_t gr = base + got + k;
                    const tn_vector *ev = e->chunks[e->ck[gr]]->cols[c];
                    bool ok = nt_eq(ev, e->row[gr], out, k, g_types[c]);
                    if (!ok && mismatches++ < 5) {
                        tn_sbuf a = TN_SBUF_INIT, b = TN_SBUF_INIT;
                        nt_json(&a, ev, e->row[gr], g_types[c], true);
                        nt_json(&b, out, k, g_types[c], true);
                        fprintf(stderr, "%s: %s row %u: wrote %s, read %s\n", label, g_names[c], gr, tn_sbuf_str(&a),
                                tn_sbuf_str(&b));
                        tn_sbuf_free(&a);
                        tn_sbuf_free(&b);
                    }
                    CHECK(ok);
                }
                got += n;
            }
            CHECK_EQ_INT(got, rgrows);
            pq_column_reader_close(r);
            tn_vector_unref(out);
        }
        /* expected levels of every leaf in this row group */
        memset(ls, 0, nleaves * sizeof *ls);
        for (uint32_t k = 0; k < rgrows && base + k < e->rows; k++)
            for (int c = 0; c < NF; c++)
                nt_walk(e->chunks[e->ck[base + k]]->cols[c], e->row[base + k], g_types[c], leafbase[c], ls);
        for (uint32_t l = 0; l < nleaves; l++) {
            const pq_column_meta *cm = f->meta.row_groups[rg].columns[l].meta;
            const pq_schema_node *ln = f->leaves[l];
            CHECK_EQ_INT(cm->num_values, ls[l].slots);
            CHECK(cm->stats.has_null_count && cm->stats.null_count == (int64_t)(ls[l].slots - ls[l].values));
            if (ls[l].has) {
                const pq_statistics *st = &cm->stats;
                CHECK(st->has_min_value && st->has_max_value);
                if (st->has_min_value && st->has_max_value) {
                    int64_t mn, mx;
                    if (st->min_value.n == 4) {
                        mn = (int32_t)rd_le32(st->min_value.p);
                        mx = (int32_t)rd_le32(st->max_value.p);
                    } else {
                        mn = (int64_t)rd_le64(st->min_value.p);
                        mx = (int64_t)rd_le64(st->max_value.p);
                    }
                    CHECK(mn == ls[l].min && mx == ls[l].max);
                }
            }
            lwalk lw;
            char lab[300];
            snprintf(lab, sizeof lab, "%s rg %u leaf %u", label, rg, l);
            walk_levels(path, cm, ln->max_def, ln->max_rep, version, &lw, lab);
            CHECK(lw.ok);
            CHECK_EQ_INT(lw.levels, ls[l].slots);
            CHECK_EQ_INT(lw.values, ls[l].values);
            CHECK_EQ_INT(lw.records, rgrows);
            if (o->dictionary == false)
                CHECK_EQ_INT(lw.ndict, 0);
            pq_offset_index *oi = NULL;
            CHECK_EQ_INT(pq_offset_index_read(f, rg, (int)l, &oi, &err), TN_OK);
            CHECK(oi != NULL);
            if (oi) {
                CHECK_EQ_INT(oi->npages, lw.ndata);
                for (uint32_t p = 0; p < oi->npages && p < (uint32_t)lw.ndata; p++)
                    CHECK_EQ_INT(oi->pages[p].first_row_index, lw.page_first[p]);
            }
            pq_offset_index_free(oi);
            free(lw.page_first);
        }
        base += rgrows;
    }
    CHECK_EQ_INT(base, e->rows);
    free(ls);
    pq_file_unref(f);
}

/* Write chunks of the given kinds/sizes into path, recording the expectation. */
static int write_nested(const char *path, const pq_write_options *o, const int *kinds, const uint32_t *sizes, int n,
                        uint64_t seed, const nt_opts *no, nexp *e, tn_err *err)
{
    pq_writer *w = NULL;
    int rc = pq_writer_open(vfs_default(), path, NF, g_names, g_types, o, &w, err);
    if (rc)
        return rc;
    int64_t id = 0;
    for (int k = 0; k < n && rc == TN_OK; k++) {
        tn_chunk *ch = make_nchunk(kinds[k], sizes[k], seed + (uint64_t)k * 101, id, no);
        if (!ch) {
            rc = TN_NOMEM;
            break;
        }
        id += sizes[k];
        rc = pq_writer_write(w, ch, err);
        nexp_add(e, ch);
    }
    if (rc) {
        pq_writer_abort(w);
        return rc;
    }
    return pq_writer_close(w, err);
}

/* ======================= tests ======================= */

/* Interned nested type descriptors live until exit: tests compare tn_mem_in_use() with a
 * baseline taken after creating their types. */
static void test_matrix(void)
{
    init_shapes();
    int64_t mem0 = tn_mem_in_use();
    static const int codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_ZSTD, PQ_CODEC_GZIP,
                                 PQ_CODEC_LZ4, PQ_CODEC_BROTLI};
    static const int kinds[] = {0, 1, 2, 3, 0, 1, 0, 3, 2, 0};
    static const uint32_t sizes[] = {2048, 1500, 300, 1000, 777, 2048, 5, 1200, 2048, 1999};
    int combo = 0;
    for (int pv = 1; pv <= 3; pv++) {          /* data page v1, v2, format v2 */
        for (int dm = 0; dm < 3; dm++) {       /* plain, dictionary, dictionary with fallback */
            for (int rep = 0; rep < 2; rep++, combo++) {
                pq_write_options o;
                pq_write_options_default(&o);
                o.codec = codecs[combo % TN_ARRAY_LEN(codecs)];
                o.page_version = pv == 2 ? 2 : 1;
                o.parquet_version = pv == 3 ? 2 : 1;
                o.dictionary = dm != 0;
                o.dictionary_size_limit = dm == 2 ? 600 : o.dictionary_size_limit;
                o.page_size = rep ? 3000 : 64 * 1024;
                o.row_group_size = rep ? 4000 : 100000;
                o.field_ids = rep;
                nt_opts no = {rep ? 5u : 9u, rep ? 6u : 3u};
                char path[600], label[128];
                tmp_path(path, sizeof path, "nested-matrix.parquet");
                snprintf(label, sizeof label, "nested pv=%d dict=%d rep=%d codec=%s", pv, dm, rep,
                         pq_codec_name(o.codec));
                nexp e;
                memset(&e, 0, sizeof e);
                tn_err err = TN_ERR_INIT;
                int rc = write_nested(path, &o, kinds, sizes, (int)TN_ARRAY_LEN(kinds), 1000 + (uint64_t)combo, &no, &e,
                                      &err);
                if (rc)
                    fprintf(stderr, "%s: write: %s\n", label, err.msg);
                CHECK_EQ_INT(rc, TN_OK);
                if (rc == TN_OK)
                    check_nested_file(path, &e, &o, label);
                nexp_free(&e);
                unlink(path);
            }
        }
    }
    CHECK_EQ_INT(tn_mem_in_use(), mem0);
}

/* ---- hand-built rows with the fixture's corner cases ---- */

static uint32_t list_start(tn_vector *v, uint32_t row, uint32_t len)
{
    uint32_t first = 0;
    CHECK_EQ_INT(tn_vector_list_append(v, len, &first), TN_OK);
    nt_set_entry(v, row, first, len);
    return first;
}

static void set_i32(tn_vector *v, uint32_t row, int32_t x) { ((int32_t *)v->data)[row] = x; }
static void set_i64(tn_vector *v, uint32_t row, int64_t x) { ((int64_t *)v->data)[row] = x; }
static void set_str(tn_vector *v, uint32_t row, const char *s) { str_vec_set(v, row, s, strlen(s)); }

static void test_fixture_shapes(void)
{
    init_shapes();
    int64_t mem0 = tn_mem_in_use();
    const uint32_t n = 4;
    tn_chunk *ch = tn_chunk_new(NF, g_types, n);
    ch->count = n;
    for (uint32_t r = 0; r < n; r++)
        set_i64(ch->cols[0], r, r);
    /* c_list_i32: [0,1,null,0] | [] | [null] | null */
    tn_vector *v = ch->cols[1];
    uint32_t a = list_start(v, 0, 4);
    set_i32(v->children[0], a, 0);
    set_i32(v->children[0], a + 1, 1);
    tn_vector_set_null(v->children[0], a + 2);
    set_i32(v->children[0], a + 3, 0);
    list_start(v, 1, 0);
    a = list_start(v, 2, 1);
    tn_vector_set_null(v->children[0], a);
    nt_null(v, 3);
    /* c_list_str: ["a0",null,"","ü0"] | null | [] | ["x-long-string-beyond-inline"] */
    v = ch->cols[2];
    a = list_start(v, 0, 4);
    set_str(v->children[0], a, "a0");
    tn_vector_set_null(v->children[0], a + 1);
    set_str(v->children[0], a + 2, "");
    set_str(v->children[0], a + 3, "\xc3\xbc" "0");
    nt_null(v, 1);
    list_start(v, 2, 0);
    a = list_start(v, 3, 1);
    set_str(v->children[0], a, "x-long-string-beyond-inline");
    /* c_list_list: [[0],[1,null,2],[]] | [[],null] | [] | null */
    v = ch->cols[3];
    tn_vector *in = v->children[0];
    a = list_start(v, 0, 3);
    uint32_t b = list_start(in, a, 1);
    set_i64(in->children[0], b, 0);
    b = list_start(in, a + 1, 3);
    set_i64(in->children[0], b, 1);
    tn_vector_set_null(in->children[0], b + 1);
    set_i64(in->children[0], b + 2, 2);
    list_start(in, a + 2, 0);
    a = list_start(v, 1, 2);
    list_start(in, a, 0);
    nt_null(in, a + 1);
    list_start(v, 2, 0);
    nt_null(v, 3);
    /* c_struct: {a:0,b:"b0"} | {a:null,b:null} | null | {a:3,b:null} */
    v = ch->cols[4];
    set_i32(v->children[0], 0, 0);
    set_str(v->children[1], 0, "b0");
    tn_vector_set_null(v->children[0], 1);
    tn_vector_set_null(v->children[1], 1);
    nt_null(v, 2);
    set_i32(v->children[0], 3, 3);
    tn_vector_set_null(v->children[1], 3);
    /* c_struct_nested: {x:{y:[0,0]},z:0.0} | {x:{y:null},z:1.5} | {x:null,z:2.0} | null */
    v = ch->cols[5];
    tn_vector *x = v->children[0], *y = x->children[0];
    a = list_start(y, 0, 2);
    set_i32(y->children[0], a, 0);
    set_i32(y->children[0], a + 1, 0);
    ((double *)v->children[1]->data)[0] = 0.0;
    nt_null(y, 1);
    ((double *)v->children[1]->data)[1] = 1.5;
    nt_null(x, 2);
    ((double *)v->children[1]->data)[2] = 2.0;
    nt_null(v, 3);
    /* c_map: {"k0":0,"null_value":null,"ключ":0} | null | {} | {"a":1} */
    v = ch->cols[6];
    tn_vector *kv = v->children[0];
    a = list_start(v, 0, 3);
    set_str(kv->children[0], a, "k0");
    set_i32(kv->children[1], a, 0);
    set_str(kv->children[0], a + 1, "null_value");
    tn_vector_set_null(kv->children[1], a + 1);
    set_str(kv->children[0], a + 2, "\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87");
    set_i32(kv->children[1], a + 2, 0);
    nt_null(v, 1);
    list_start(v, 2, 0);
    a = list_start(v, 3, 1);
    set_str(kv->children[0], a, "a");
    set_i32(kv->children[1], a, 1);
    /* c_map_int_list: {0:["v0",null],1000:[]} | null | {} | {7:null} */
    v = ch->cols[7];
    kv = v->children[0];
    a = list_start(v, 0, 2);
    set_i32(kv->children[0], a, 0);
    b = list_start(kv->children[1], a, 2);
    set_str(kv->children[1]->children[0], b, "v0");
    tn_vector_set_null(kv->children[1]->children[0], b + 1);
    set_i32(kv->children[0], a + 1, 1000);
    list_start(kv->children[1], a + 1, 0);
    nt_null(v, 1);
    list_start(v, 2, 0);
    a = list_start(v, 3, 1);
    set_i32(kv->children[0], a, 7);
    nt_null(kv->children[1], a);
    /* c_list_struct: [{k:"k0",v:0},null,{k:null,v:null}] | [] | null | [null] */
    v = ch->cols[8];
    tn_vector *st = v->children[0];
    a = list_start(v, 0, 3);
    set_str(st->children[0], a, "k0");
    set_i64(st->children[1], a, 0);
    nt_null(st, a + 1);
    tn_vector_set_null(st->children[0], a + 2);
    tn_vector_set_null(st->children[1], a + 2);
    list_start(v, 1, 0);
    nt_null(v, 2);
    a = list_start(v, 3, 1);
    nt_null(st, a);

    static const char *const want[NF][4] = {
        {"0", "1", "2", "3"},
        {"[0,1,null,0]", "[]", "[null]", "NULL"},
        {"[\"a0\",null,\"\",\"\xc3\xbc" "0\"]", "NULL", "[]", "[\"x-long-string-beyond-inline\"]"},
        {"[[0],[1,null,2],[]]", "[[],null]", "[]", "NULL"},
        {"{\"a\":0,\"b\":\"b0\"}", "{\"a\":null,\"b\":null}", "NULL", "{\"a\":3,\"b\":null}"},
        {"{\"x\":{\"y\":[0,0]},\"z\":0.0}", "{\"x\":{\"y\":null},\"z\":1.5}", "{\"x\":null,\"z\":2.0}", "NULL"},
        {"{\"k0\":0,\"null_value\":null,\"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\":0}", "NULL", "{}", "{\"a\":1}"},
        {"{\"0\":[\"v0\",null],\"1000\":[]}", "NULL", "{}", "{\"7\":null}"},
        {"[{\"k\":\"k0\",\"v\":0},null,{\"k\":null,\"v\":null}]", "[]", "NULL", "[null]"},
    };
    /* the rows as built render as intended (so the round trip below checks these shapes) */
    for (int c = 0; c < NF; c++)
        for (uint32_t r = 0; r < n; r++) {
            tn_sbuf sb = TN_SBUF_INIT;
            if (c == 0)
                tn_sbuf_printf(&sb, "%lld", (long long)((int64_t *)ch->cols[0]->data)[r]);
            else
                nt_json(&sb, ch->cols[c], r, g_types[c], true);
            CHECK_EQ_STR(tn_sbuf_str(&sb), want[c][r]);
            tn_sbuf_free(&sb);
        }
    for (int pv = 1; pv <= 2; pv++) {
        pq_write_options o;
        pq_write_options_default(&o);
        o.page_version = pv;
        o.codec = pv == 1 ? PQ_CODEC_SNAPPY : PQ_CODEC_ZSTD;
        char path[600];
        tmp_path(path, sizeof path, "nested-fixture.parquet");
        tn_err err = TN_ERR_INIT;
        pq_writer *w = NULL;
        CHECK_EQ_INT(pq_writer_open(vfs_default(), path, NF, g_names, g_types, &o, &w, &err), TN_OK);
        CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
        CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
        pq_file *f = NULL;
        CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
        for (int c = 1; f && c < NF; c++) {
            pq_column_reader *r = NULL;
            CHECK_EQ_INT(pq_column_reader_open(f, 0, (uint32_t)c, &r, &err), TN_OK);
            tn_vector *out = tn_vector_new(g_types[c], 8);
            uint32_t got = 0;
            CHECK_EQ_INT(pq_column_reader_next(r, 8, out, &got, &err), TN_OK);
            CHECK_EQ_INT(got, n);
            for (uint32_t k = 0; k < got && k < n; k++) {
                tn_sbuf sb = TN_SBUF_INIT;
                nt_json(&sb, out, k, g_types[c], true);
                CHECK_EQ_STR(tn_sbuf_str(&sb), want[c][k]);
                tn_sbuf_free(&sb);
            }
            pq_column_reader_close(r);
            tn_vector_unref(out);
        }
        pq_file_unref(f);
        unlink(path);
    }
    tn_chunk_free(ch);
    CHECK_EQ_INT(tn_mem_in_use(), mem0);
}

/* ---- one record larger than a page (and than PQW_PAGE_MAX_ROWS levels) ---- */

static void test_huge_record(void)
{
    tn_type lt = tn_type_list(ty(TN_T_VARCHAR)), it = tn_type_list(ty(TN_T_INT32));
    tn_type types[2] = {lt, it};
    const char *names[2] = {"ls", "li"};
    int64_t mem0 = tn_mem_in_use();
    const uint32_t n = 50, big = 70000;
    tn_chunk *ch = tn_chunk_new(2, types, n);
    ch->count = n;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t len = r == 20 ? big : r % 4;
        tn_vector *v = ch->cols[0];
        uint32_t a = list_start(v, r, len);
        for (uint32_t k = 0; k < len; k++) {
            char b[32];
            /* the big list is mostly distinct strings: the dictionary overflows inside it */
            int l = snprintf(b, sizeof b, "v%u", r == 20 ? k : k % 3);
            str_vec_set(v->children[0], a + k, b, (size_t)l);
        }
        v = ch->cols[1];
        a = list_start(v, r, len);
        for (uint32_t k = 0; k < len; k++)
            set_i32(v->children[0], a + k, (int32_t)(k * 7 + r));
    }
    for (int pv = 1; pv <= 3; pv++) {
        pq_write_options o;
        pq_write_options_default(&o);
        o.page_version = pv == 2 ? 2 : 1;
        o.parquet_version = pv == 3 ? 2 : 1;
        o.page_size = 1024;
        o.dictionary_size_limit = 5000;
        o.codec = PQ_CODEC_LZ4;
        char path[600];
        tmp_path(path, sizeof path, "nested-huge.parquet");
        tn_err err = TN_ERR_INIT;
        pq_writer *w = NULL;
        CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 2, names, types, &o, &w, &err), TN_OK);
        CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
        CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
        pq_file *f = NULL;
        CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
        if (!f)
            continue;
        for (uint32_t c = 0; c < 2; c++) {
            pq_column_reader *r = NULL;
            CHECK_EQ_INT(pq_column_reader_open(f, 0, c, &r, &err), TN_OK);
            tn_vector *out = tn_vector_new(types[c], 64);
            uint32_t got = 0, total = 0;
            while (pq_column_reader_next(r, 7, out, &got, &err) == TN_OK && got) {
                for (uint32_t k = 0; k < got; k++)
                    CHECK(nt_eq(ch->cols[c], total + k, out, k, types[c]));
                total += got;
            }
            CHECK_EQ_INT(total, n);
            pq_column_reader_close(r);
            tn_vector_unref(out);
            /* pages start records; the big record sits in one page; dictionary fell back */
            const pq_column_meta *cm = f->meta.row_groups[0].columns[c].meta;
            lwalk lw;
            walk_levels(path, cm, 3, 1, o.parquet_version == 2 ? 2 : o.page_version, &lw, "huge");
            CHECK(lw.ok);
            CHECK(lw.ndata >= 3);
            CHECK_EQ_INT(lw.records, n);
            CHECK_EQ_INT(lw.levels, cm->num_values);
            if (c == 0 && pv == 1)
                CHECK(lw.ndict == 1 && (cm->encodings & (1u << PQ_ENC_PLAIN)));
            free(lw.page_first);
        }
        pq_file_unref(f);
        unlink(path);
    }
    tn_chunk_free(ch);
    CHECK_EQ_INT(tn_mem_in_use(), mem0);
}

/* ---- field ids, every flat type inside a list and a struct, empty files ---- */

static void test_field_ids_and_flat_types(void)
{
    init_cols();
    /* list<t> and struct{v t} for every flat type of the flat tests */
    tn_type types[2 * NCOLS + 3];
    const char *names[2 * NCOLS + 3];
    char nbuf[2 * NCOLS][48];
    for (int c = 0; c < NCOLS; c++) {
        types[2 * c] = tn_type_list(g_cols[c].type);
        const char *vn[1] = {"v"};
        types[2 * c + 1] = tn_type_struct(1, vn, &g_cols[c].type);
        snprintf(nbuf[2 * c], sizeof nbuf[0], "l_%s", g_cols[c].name);
        snprintf(nbuf[2 * c + 1], sizeof nbuf[0], "s_%s", g_cols[c].name);
        names[2 * c] = nbuf[2 * c];
        names[2 * c + 1] = nbuf[2 * c + 1];
    }
    types[2 * NCOLS] = tn_type_map(ty(TN_T_VARCHAR), tn_type_list(ty(TN_T_INT32)));
    names[2 * NCOLS] = "m";
    /* nested map keys: REQUIRED groups */
    types[2 * NCOLS + 1] = tn_type_map(tn_type_list(ty(TN_T_INT32)), ty(TN_T_VARCHAR));
    names[2 * NCOLS + 1] = "m_list_key";
    types[2 * NCOLS + 2] = tn_type_map(nt_struct2("a", ty(TN_T_INT64), "b", ty(TN_T_VARCHAR)),
                                       tn_type_list(ty(TN_T_BOOL)));
    names[2 * NCOLS + 2] = "m_struct_key";
    uint32_t nc = 2 * NCOLS + 3;
    const uint32_t n = 3000;
    tn_chunk *ch = tn_chunk_new(nc, types, n);
    ch->count = n;
    nt_opts no = {6, 4};
    for (uint32_t c = 0; c < nc; c++)
        for (uint32_t r = 0; r < n; r++)
            nt_gen(ch->cols[c], r, types[c], r * 13ULL + c, true, &no);
    for (int mode = 0; mode < 3; mode++) {
        pq_write_options o;
        pq_write_options_default(&o);
        o.field_ids = mode != 1;
        o.parquet_version = mode == 2 ? 2 : 1;
        o.page_size = 2000;
        char path[600];
        tmp_path(path, sizeof path, "nested-types.parquet");
        tn_err err = TN_ERR_INIT;
        pq_writer *w = NULL;
        CHECK_EQ_INT(pq_writer_open(vfs_default(), path, nc, names, types, &o, &w, &err), TN_OK);
        CHECK_EQ_INT(pq_writer_write(w, ch, &err), TN_OK);
        CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
        pq_file *f = NULL;
        CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
        if (!f)
            continue;
        check_schema(f, nc, names, types, o.field_ids, "flat types");
        int bad = 0;
        for (uint32_t c = 0; c < nc; c++) {
            pq_column_reader *r = NULL;
            if (pq_column_reader_open(f, 0, c, &r, &err) != TN_OK) {
                fprintf(stderr, "open %s: %s\n", names[c], err.msg);
                CHECK(!"open");
                continue;
            }
            tn_vector *out = tn_vector_new(pq_file_field(f, c)->type, TN_BATCH);
            uint32_t got = 0, total = 0;
            while (pq_column_reader_next(r, TN_BATCH, out, &got, &err) == TN_OK && got) {
                for (uint32_t k = 0; k < got; k++) {
                    bool ok = nt_eq(ch->cols[c], total + k, out, k, types[c]);
                    if (!ok && bad++ < 5)
                        fprintf(stderr, "column %s row %u differs\n", names[c], total + k);
                    CHECK(ok);
                }
                total += got;
            }
            CHECK_EQ_INT(total, n);
            pq_column_reader_close(r);
            tn_vector_unref(out);
        }
        pq_file_unref(f);
        unlink(path);
    }
    tn_chunk_free(ch);

    /* a file without rows: the nested schema alone */
    init_shapes();
    char path[600];
    tmp_path(path, sizeof path, "nested-empty.parquet");
    tn_err err = TN_ERR_INIT;
    pq_writer *w = NULL;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, NF, g_names, g_types, NULL, &w, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    pq_file *f = NULL;
    CHECK_EQ_INT(pq_file_open(vfs_default(), path, &f, &err), TN_OK);
    if (f) {
        CHECK_EQ_INT(pq_file_num_rows(f), 0);
        CHECK_EQ_INT(pq_file_num_row_groups(f), 0);
        check_schema(f, NF, g_names, g_types, false, "empty");
        for (int c = 0; c < NF; c++)
            CHECK(tn_type_equal(pq_file_field(f, (uint32_t)c)->type, g_types[c]));
        pq_file_unref(f);
    }
    unlink(path);
}

/* ---- errors ---- */

static int write_chunk_rc(const char *path, uint32_t nc, const char *const *names, const tn_type *types,
                          const pq_write_options *o, tn_chunk *ch, tn_err *err)
{
    pq_writer *w = NULL;
    int rc = pq_writer_open(vfs_default(), path, nc, names, types, o, &w, err);
    if (rc)
        return rc;
    rc = pq_writer_write(w, ch, err);
    if (rc) {
        pq_writer_abort(w);
        return rc;
    }
    return pq_writer_close(w, err);
}

static void test_errors(void)
{
    char path[600];
    tmp_path(path, sizeof path, "nested-err.parquet");
    unlink(path);
    tn_err err = TN_ERR_INIT;
    const char *name[1] = {"m"};

    /* NULL map key: refused, nothing written */
    tn_type mt = tn_type_map(ty(TN_T_VARCHAR), ty(TN_T_INT32));
    tn_chunk *ch = tn_chunk_new(1, &mt, 4);
    ch->count = 4;
    for (uint32_t r = 0; r < 4; r++) {
        uint32_t a = list_start(ch->cols[0], r, 1);
        set_str(ch->cols[0]->children[0]->children[0], a, "k");
        set_i32(ch->cols[0]->children[0]->children[1], a, 1);
    }
    tn_vector_set_null(ch->cols[0]->children[0]->children[0], 2);
    CHECK_EQ_INT(write_chunk_rc(path, 1, name, &mt, NULL, ch, &err), TN_ERROR);
    CHECK(strstr(err.msg, "NULL map key") != NULL);
    CHECK(!file_exists(path));
    CHECK_EQ_INT(count_prefix("nested-err.parquet.tmp"), 0);
    /* a NULL map whose (ignored) key slot is NULL is fine */
    nt_null(ch->cols[0], 2);
    CHECK_EQ_INT(write_chunk_rc(path, 1, name, &mt, NULL, ch, &err), TN_OK);
    unlink(path);
    /* a list entry pointing outside its element vector */
    ((tn_list_entry *)ch->cols[0]->data)[1].offset = 1u << 30;
    CHECK_EQ_INT(write_chunk_rc(path, 1, name, &mt, NULL, ch, &err), TN_MISUSE);
    CHECK(!file_exists(path));
    ((tn_list_entry *)ch->cols[0]->data)[1].offset = 1;
    ((tn_list_entry *)ch->cols[0]->data)[1].length = UINT64_MAX;
    CHECK_EQ_INT(write_chunk_rc(path, 1, name, &mt, NULL, ch, &err), TN_MISUSE);
    /* a chunk whose nested type differs from the declared one */
    tn_type other = tn_type_map(ty(TN_T_VARCHAR), ty(TN_T_INT64));
    CHECK_EQ_INT(write_chunk_rc(path, 1, name, &other, NULL, ch, &err), TN_MISUSE);
    CHECK(!file_exists(path));
    tn_chunk_free(ch);

    pq_writer *w = NULL;
    /* unsupported leaf type deep inside */
    tn_type bad = tn_type_list(nt_struct2("a", ty(TN_T_INT32), "b", tn_type_make(TN_T_INTERVAL)));
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, name, &bad, NULL, &w, &err), TN_NOTSUP);
    CHECK(w == NULL && strstr(err.msg, "INTERVAL") != NULL);
    /* Bloom filters on nested columns */
    pq_write_options o;
    pq_write_options_default(&o);
    o.bloom_filter_columns = name;
    o.nbloom_filter_columns = 1;
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, name, &mt, &o, &w, &err), TN_NOTSUP);
    CHECK(w == NULL);
    /* nesting deeper than the schema allows */
    tn_type deep = ty(TN_T_INT32);
    for (int i = 0; i < 60; i++)
        deep = tn_type_list(deep);
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, name, &deep, NULL, &w, &err), TN_NOTSUP);
    CHECK(w == NULL);
    /* 40 levels of lists are fine */
    tn_type ok = ty(TN_T_INT32);
    for (int i = 0; i < 40; i++)
        ok = tn_type_list(ok);
    CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, name, &ok, NULL, &w, &err), TN_OK);
    pq_writer_abort(w);
    w = NULL;
    /* a STRUCT without fields has no Parquet group */
    const char *no_names[1] = {"x"};
    tn_type no_types[1] = {ty(TN_T_INT32)};
    tn_type empty = tn_type_struct(0, no_names, no_types);
    if (empty.id == TN_T_STRUCT) {
        tn_type le = tn_type_list(empty);
        CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, name, &le, NULL, &w, &err), TN_NOTSUP);
        CHECK(w == NULL);
    }
    /* duplicate struct field names (case-insensitive) */
    tn_type dup = nt_struct2("a", ty(TN_T_INT32), "A", ty(TN_T_INT32));
    if (dup.id == TN_T_STRUCT) {
        CHECK_EQ_INT(pq_writer_open(vfs_default(), path, 1, name, &dup, NULL, &w, &err), TN_ERROR);
        CHECK(w == NULL);
    }
    CHECK(!file_exists(path));
    CHECK_EQ_INT(count_prefix("nested-err.parquet.tmp"), 0);
}

TEST_MAIN(test_matrix, test_fixture_shapes, test_huge_record, test_field_ids_and_flat_types, test_errors)
