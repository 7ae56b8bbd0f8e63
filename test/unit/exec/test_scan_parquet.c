/*
 * test_scan_parquet.c -- the Parquet source (glob expansion, schema unification, errors) and the
 * PARQUET_SCAN operator (projection, morsel order, row-group skipping, COUNT(*) chunks, EXPLAIN,
 * interrupt). Input files are written with tarn's own writer into TARN_TEST_TMP; one test also
 * reads a DuckDB-written fixture from TARN_SHARED (skipped when absent).
 */
#include "exec/scan_parquet.h"
#include "parquet/writer.h"
#include "tn_test.h"

#define RG_ROWS 1000

static char g_dir[1024];

static void path_of(char *buf, size_t cap, const char *name) { snprintf(buf, cap, "%s/%s", g_dir, name); }

/* Write `name` with columns (id <id_type>, name VARCHAR) or, when swap, (name, id). Rows have
 * id = start + i and name = "n<id>" (NULL when id % 7 == 0), RG_ROWS rows per row group. */
static int write_file(const char *name, int64_t start, uint32_t nrows, tn_type_id id_type, bool swap,
                      const char *second_name)
{
    char path[1200];
    path_of(path, sizeof path, name);
    tn_type t_id = tn_type_make(id_type), t_s = tn_type_make(TN_T_VARCHAR);
    const char *names[2] = {"id", second_name};
    tn_type types[2] = {t_id, t_s};
    uint32_t ci = 0, cs = 1;
    if (swap) {
        names[0] = second_name, names[1] = "id";
        types[0] = t_s, types[1] = t_id;
        ci = 1, cs = 0;
    }
    pq_write_options o;
    pq_write_options_default(&o);
    o.row_group_size = RG_ROWS;
    pq_writer *w = NULL;
    tn_err err = TN_ERR_INIT;
    int rc = pq_writer_open(vfs_default(), path, 2, names, types, &o, &w, &err);
    if (rc) {
        fprintf(stderr, "writer open: %s\n", err.msg);
        return rc;
    }
    tn_chunk *c = tn_chunk_new(2, types, TN_BATCH);
    for (uint32_t done = 0; rc == TN_OK && done < nrows;) {
        uint32_t n = TN_MIN(nrows - done, (uint32_t)700); /* batches that straddle row groups */
        tn_chunk_reset(c);
        for (uint32_t i = 0; i < n; i++) {
            int64_t id = start + done + i;
            if (id_type == TN_T_INT32)
                ((int32_t *)c->cols[ci]->data)[i] = (int32_t)id;
            else
                ((int64_t *)c->cols[ci]->data)[i] = id;
            char s[32];
            int len = snprintf(s, sizeof s, "n%lld", (long long)id);
            if (id % 7 == 0)
                tn_vector_set_null(c->cols[cs], i);
            else
                tn_vector_add_string(c->cols[cs], s, (uint32_t)len, &((tn_str *)c->cols[cs]->data)[i]);
        }
        c->count = n;
        rc = pq_writer_write(w, c, &err);
        done += n;
    }
    tn_chunk_free(c);
    if (rc) {
        pq_writer_abort(w);
        fprintf(stderr, "writer: %s\n", err.msg);
        return rc;
    }
    rc = pq_writer_close(w, &err);
    if (rc)
        fprintf(stderr, "writer close: %s\n", err.msg);
    return rc;
}

static int64_t cell_int(const tn_vector *v, uint32_t row, bool *is_null)
{
    tn_value val;
    tn_value_from_vector(&val, v, row);
    *is_null = val.is_null;
    return val.is_null ? 0 : val.v.i64;
}

/* Check name == "n<id>" (or NULL when id % 7 == 0) for a row of a chunk; returns 1 on mismatch. */
static int check_name(const tn_vector *v, uint32_t row, int64_t id)
{
    tn_value val;
    if (tn_value_from_vector(&val, v, row))
        return 1;
    int bad;
    if (id % 7 == 0) {
        bad = !val.is_null;
    } else {
        char s[32];
        snprintf(s, sizeof s, "n%lld", (long long)id);
        bad = val.is_null || strcmp(val.v.str.ptr, s) != 0;
    }
    tn_value_free(&val);
    return bad;
}

static ex_pq_source *open_src(const char *const *names, uint32_t n)
{
    char paths[4][1200];
    const char *pp[4];
    for (uint32_t i = 0; i < n; i++) {
        path_of(paths[i], sizeof paths[i], names[i]);
        pp[i] = paths[i];
    }
    ex_pq_source *src = NULL;
    tn_err err = TN_ERR_INIT;
    int rc = ex_pq_source_open(vfs_default(), pp, n, &src, &err);
    if (rc)
        fprintf(stderr, "source open: %s\n", err.msg);
    CHECK_EQ_INT(rc, TN_OK);
    return src;
}

static void test_projection(void)
{
    const char *files[] = {"a1.parquet"};
    ex_pq_source *src = open_src(files, 1);
    if (!src)
        return;
    CHECK_EQ_INT(src->nfiles, 1);
    CHECK_EQ_INT(src->ncols, 2);
    CHECK_EQ_STR(src->names[0], "id");
    CHECK_EQ_STR(src->names[1], "name");
    CHECK_EQ_INT(src->types[0].id, TN_T_INT64);
    CHECK_EQ_INT(src->types[1].id, TN_T_VARCHAR);
    CHECK_EQ_INT(src->total_rows, 3000);

    /* only the name column: row order must follow the file */
    uint32_t f_name[] = {1};
    ex_op *op = op_scan_parquet_create(src, f_name, 1, NULL, 0);
    CHECK(op != NULL);
    CHECK_EQ_INT(op->ncols, 1);
    CHECK_EQ_INT(op->types[0].id, TN_T_VARCHAR);
    tn_chunk *c;
    tn_err err = TN_ERR_INIT;
    int64_t row = 0;
    int bad = 0;
    while (ex_op_next(op, &c, &err) == TN_OK && c) {
        CHECK(c->count <= TN_BATCH);
        CHECK_EQ_INT(c->ncols, 1);
        for (uint32_t i = 0; i < c->count; i++, row++)
            bad += check_name(c->cols[0], i, row);
    }
    CHECK_EQ_INT(err.code, TN_OK);
    CHECK_EQ_INT(row, 3000);
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(op_scan_parquet_stats(op)->rows_read, 3000);
    ex_op_free(op);

    /* both columns in reverse order */
    uint32_t f_rev[] = {1, 0};
    op = op_scan_parquet_create(src, f_rev, 2, NULL, 0);
    row = 0;
    bad = 0;
    while (ex_op_next(op, &c, &err) == TN_OK && c) {
        for (uint32_t i = 0; i < c->count; i++, row++) {
            bool isnull;
            int64_t id = cell_int(c->cols[1], i, &isnull);
            bad += isnull || id != row;
            bad += check_name(c->cols[0], i, id);
        }
    }
    CHECK_EQ_INT(row, 3000);
    CHECK_EQ_INT(bad, 0);
    ex_op_free(op);

    /* a field index out of range is refused */
    uint32_t f_bad[] = {2};
    CHECK(op_scan_parquet_create(src, f_bad, 1, NULL, 0) == NULL);
    ex_pq_source_free(src);
}

static void test_glob_multi_file(void)
{
    char pat[1200];
    path_of(pat, sizeof pat, "a*.parquet");
    const char *pp[] = {pat};
    ex_pq_source *src = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ex_pq_source_open(vfs_default(), pp, 1, &src, &err), TN_OK);
    if (!src)
        return;
    CHECK_EQ_INT(src->nfiles, 2);
    CHECK_EQ_INT(src->total_rows, 5000);
    CHECK_EQ_STR(src->pattern, pat);
    uint32_t f[] = {0};
    ex_op *op = op_scan_parquet_create(src, f, 1, NULL, 0);
    tn_chunk *c;
    int64_t expect = 0;
    int bad = 0;
    while (ex_op_next(op, &c, &err) == TN_OK && c)
        for (uint32_t i = 0; i < c->count; i++) {
            bool isnull;
            bad += cell_int(c->cols[0], i, &isnull) != expect++ || isnull;
        }
    CHECK_EQ_INT(err.code, TN_OK);
    CHECK_EQ_INT(expect, 5000);
    CHECK_EQ_INT(bad, 0);
    const ex_scan_stats *st = op_scan_parquet_stats(op);
    CHECK_EQ_INT(st->files, 2);
    CHECK_EQ_INT(st->row_groups_total, 5);
    CHECK_EQ_INT(st->row_groups_skipped, 0);
    ex_op_free(op);
    ex_pq_source_free(src);
}

/* Files whose columns come in another order are matched by name. */
static void test_reordered_columns(void)
{
    const char *files[] = {"a1.parquet", "r_swapped.parquet"};
    ex_pq_source *src = open_src(files, 2);
    if (!src)
        return;
    uint32_t f[] = {0, 1};
    ex_op *op = op_scan_parquet_create(src, f, 2, NULL, 0);
    tn_chunk *c;
    tn_err err = TN_ERR_INIT;
    int64_t rows = 0;
    int bad = 0;
    while (ex_op_next(op, &c, &err) == TN_OK && c)
        for (uint32_t i = 0; i < c->count; i++, rows++) {
            bool isnull;
            int64_t id = cell_int(c->cols[0], i, &isnull);
            bad += isnull + check_name(c->cols[1], i, id);
        }
    CHECK_EQ_INT(err.code, TN_OK);
    CHECK_EQ_INT(rows, 3000 + 1500);
    CHECK_EQ_INT(bad, 0);
    ex_op_free(op);
    ex_pq_source_free(src);
}

static void expect_open_error(const char *const *names, uint32_t n, bool prefix_dir, int code, const char *needle1,
                              const char *needle2)
{
    char paths[4][1200];
    const char *pp[4];
    for (uint32_t i = 0; i < n; i++) {
        if (prefix_dir)
            path_of(paths[i], sizeof paths[i], names[i]);
        else
            snprintf(paths[i], sizeof paths[i], "%s", names[i]);
        pp[i] = paths[i];
    }
    ex_pq_source *src = (ex_pq_source *)1;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ex_pq_source_open(vfs_default(), pp, n, &src, &err), code);
    CHECK(src == NULL);
    CHECK(strstr(err.msg, needle1) != NULL);
    if (needle2)
        CHECK(strstr(err.msg, needle2) != NULL);
    if (!strstr(err.msg, needle1) || (needle2 && !strstr(err.msg, needle2)))
        fprintf(stderr, "unexpected message: %s\n", err.msg);
}

static void test_schema_mismatch(void)
{
    const char *type_diff[] = {"a1.parquet", "b_int32.parquet"};
    expect_open_error(type_diff, 2, true, TN_ERROR, "b_int32.parquet", "\"id\"");
    const char *name_diff[] = {"a1.parquet", "c_other.parquet"};
    expect_open_error(name_diff, 2, true, TN_ERROR, "c_other.parquet", "\"name\"");
    const char *name_diff2[] = {"c_other.parquet", "a1.parquet"};
    expect_open_error(name_diff2, 2, true, TN_ERROR, "a1.parquet", "\"other\"");
}

static void test_no_match(void)
{
    const char *pat[] = {"nothing_here_*.parquet"};
    expect_open_error(pat, 1, true, TN_NOTFOUND, "No files found that match the pattern", "nothing_here_*.parquet");
    const char *missing[] = {"missing.parquet"};
    expect_open_error(missing, 1, true, TN_NOTFOUND, "No files found that match the pattern", "missing.parquet");
    const char *dir[] = {g_dir};
    expect_open_error(dir, 1, false, TN_NOTSUP, "is a directory", "Delta");
    /* one good path and one bad: nothing leaks, the error names the bad one */
    const char *mixed[] = {"a1.parquet", "zz_missing.parquet"};
    expect_open_error(mixed, 2, true, TN_NOTFOUND, "zz_missing.parquet", NULL);
    /* not a Parquet file at all */
    const char *junk[] = {"junk.parquet"};
    char p[1200];
    path_of(p, sizeof p, "junk.parquet");
    FILE *f = fopen(p, "w");
    if (f) {
        fputs("this is not parquet", f);
        fclose(f);
    }
    expect_open_error(junk, 1, true, TN_CORRUPT, "junk.parquet", NULL);
}

/* Count rows and rows matching `id >= lo && id < hi`, scanning column id with the given predicates. */
static void scan_ids(ex_pq_source *src, const pq_predicate *preds, uint32_t npreds, int64_t lo, int64_t hi,
                     uint64_t *rows, uint64_t *matching, ex_scan_stats *stats)
{
    uint32_t f[] = {0};
    ex_op *op = op_scan_parquet_create(src, f, 1, preds, npreds);
    CHECK(op != NULL);
    if (!op)
        return;
    tn_chunk *c;
    tn_err err = TN_ERR_INIT;
    *rows = *matching = 0;
    while (ex_op_next(op, &c, &err) == TN_OK && c)
        for (uint32_t i = 0; i < c->count; i++) {
            bool isnull;
            int64_t id = cell_int(c->cols[0], i, &isnull);
            (*rows)++;
            *matching += !isnull && id >= lo && id < hi;
        }
    CHECK_EQ_INT(err.code, TN_OK);
    *stats = *op_scan_parquet_stats(op);
    ex_op_free(op);
}

static void test_row_group_skipping(void)
{
    const char *files[] = {"a1.parquet", "a2.parquet"};
    ex_pq_source *src = open_src(files, 2);
    if (!src)
        return;
    /* ids 0..4999 in row groups of RG_ROWS; id >= 2500 can only match row groups whose last id is
     * >= 2500 */
    int64_t cut = 2500;
    uint64_t expect_skip = 0;
    for (int64_t first = 0; first < 5000; first += RG_ROWS)
        expect_skip += first + RG_ROWS - 1 < cut;
    tn_value v = tn_value_int(tn_type_make(TN_T_INT64), cut);
    pq_predicate ge = {0, PQ_PRED_GE, &v, 1};
    uint64_t rows, matching;
    ex_scan_stats st;
    scan_ids(src, &ge, 1, cut, INT64_MAX, &rows, &matching, &st);
    CHECK_EQ_INT(st.row_groups_total, 5);
    CHECK_EQ_INT(st.row_groups_skipped, expect_skip);
    CHECK_EQ_INT(rows, 5000 - expect_skip * RG_ROWS);
    CHECK_EQ_INT(matching, 5000 - cut); /* skipping never loses a matching row */
    CHECK_EQ_INT(st.rows_read, rows);

    /* id = 4321 AND id < 4500: one row group of the second file survives */
    tn_value vals[2] = {tn_value_int(tn_type_make(TN_T_INT64), 4321), tn_value_int(tn_type_make(TN_T_INT64), 4500)};
    pq_predicate two[2] = {{0, PQ_PRED_EQ, &vals[0], 1}, {0, PQ_PRED_LT, &vals[1], 1}};
    scan_ids(src, two, 2, 4321, 4322, &rows, &matching, &st);
    CHECK_EQ_INT(st.row_groups_skipped, 4);
    CHECK_EQ_INT(rows, RG_ROWS);
    CHECK_EQ_INT(matching, 1);

    /* IN list touching the first and the last row group */
    tn_value in[2] = {tn_value_int(tn_type_make(TN_T_INT64), 10), tn_value_int(tn_type_make(TN_T_INT64), 4999)};
    pq_predicate inp = {0, PQ_PRED_IN, in, 2};
    scan_ids(src, &inp, 1, 0, 5000, &rows, &matching, &st);
    CHECK_EQ_INT(st.row_groups_skipped, 3);
    CHECK_EQ_INT(rows, 2 * RG_ROWS);

    /* EXPLAIN mentions the source, the projection, the filter and the row-group counts */
    uint32_t f[] = {0};
    ex_op *op = op_scan_parquet_create(src, f, 1, &ge, 1);
    uint64_t n = 0;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ex_op_count_rows(op, &n, &err), TN_OK);
    tn_sbuf sb = TN_SBUF_INIT;
    ex_op_explain(op, &sb);
    const char *ex = tn_sbuf_str(&sb);
    CHECK(strstr(ex, "PARQUET_SCAN") != NULL);
    CHECK(strstr(ex, "a1.parquet") != NULL);
    CHECK(strstr(ex, "2 files") != NULL);
    CHECK(strstr(ex, "id >= 2500") != NULL);
    CHECK(strstr(ex, "5 total") != NULL);
    char skipped[64];
    snprintf(skipped, sizeof skipped, "%llu skipped", (unsigned long long)expect_skip);
    CHECK(strstr(ex, skipped) != NULL);
    tn_sbuf_free(&sb);
    ex_op_free(op);
    ex_pq_source_free(src);
}

static void test_count_star(void)
{
    const char *files[] = {"a1.parquet", "a2.parquet"};
    ex_pq_source *src = open_src(files, 2);
    if (!src)
        return;
    ex_op *op = op_scan_parquet_create(src, NULL, 0, NULL, 0);
    CHECK(op != NULL);
    CHECK_EQ_INT(op->ncols, 0);
    tn_chunk *c;
    tn_err err = TN_ERR_INIT;
    uint64_t rows = 0;
    int chunks = 0;
    while (ex_op_next(op, &c, &err) == TN_OK && c) {
        CHECK_EQ_INT(c->ncols, 0);
        CHECK(c->count > 0 && c->count <= TN_BATCH);
        rows += c->count;
        chunks++;
    }
    CHECK_EQ_INT(err.code, TN_OK);
    CHECK_EQ_INT(rows, (uint64_t)src->total_rows);
    CHECK(chunks >= 5); /* at least one per row group: chunks never straddle row groups */
    ex_op_free(op);
    ex_pq_source_free(src);
}

static void test_interrupt(void)
{
    const char *files[] = {"a1.parquet"};
    ex_pq_source *src = open_src(files, 1);
    if (!src)
        return;
    uint32_t f[] = {0};
    ex_op *op = op_scan_parquet_create(src, f, 1, NULL, 0);
    volatile int flag = 0;
    ex_op_set_interrupt(op, &flag);
    tn_chunk *c;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ex_op_next(op, &c, &err), TN_OK);
    CHECK(c != NULL);
    flag = 1;
    CHECK_EQ_INT(ex_op_next(op, &c, &err), TN_INTERRUPT);
    CHECK(c == NULL);
    ex_op_free(op);
    ex_pq_source_free(src);
}

/* DuckDB-written file with 4 row groups: pruning on id must agree with the data itself. */
static void test_fixture_big(void)
{
    const char *shared = getenv("TARN_SHARED");
    char path[1200];
    if (shared)
        snprintf(path, sizeof path, "%s/fixtures/parquet/generated/duckdb/big_200k_rg50k_zstd.parquet", shared);
    int kind = 0;
    if (!shared || vfs_default()->stat(vfs_default(), path, &kind, NULL, NULL) || kind != 1) {
        fprintf(stderr, "SKIP test_fixture_big: fixture not found (TARN_SHARED unset or incomplete)\n");
        return;
    }
    const char *pp[] = {path};
    ex_pq_source *src = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ex_pq_source_open(vfs_default(), pp, 1, &src, &err), TN_OK);
    if (!src) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    int fid = -1;
    for (uint32_t i = 0; i < src->ncols; i++)
        if (strcmp(src->names[i], "id") == 0)
            fid = (int)i;
    CHECK(fid >= 0);
    if (fid < 0) {
        ex_pq_source_free(src);
        return;
    }
    pq_file *pf = src->files[0];
    uint32_t nrg = pq_file_num_row_groups(pf);
    CHECK(nrg >= 2);
    /* unfiltered pass: per-row-group minimum of id, and how many ids are below the cut */
    int64_t cut = 60000;
    int64_t rg_min[64];
    uint32_t nr = nrg < 64 ? nrg : 64;
    for (uint32_t g = 0; g < nr; g++)
        rg_min[g] = INT64_MAX;
    uint32_t f[] = {(uint32_t)fid};
    ex_op *op = op_scan_parquet_create(src, f, 1, NULL, 0);
    tn_chunk *c;
    uint64_t below = 0, seen = 0;
    uint32_t g = 0;
    int64_t g_end = pq_row_group_num_rows(pf, 0);
    while (ex_op_next(op, &c, &err) == TN_OK && c)
        for (uint32_t i = 0; i < c->count; i++, seen++) {
            while (g + 1 < nr && (int64_t)seen >= g_end)
                g_end += pq_row_group_num_rows(pf, ++g);
            bool isnull;
            int64_t id = cell_int(c->cols[0], i, &isnull);
            if (!isnull) {
                below += id < cut;
                if (id < rg_min[g])
                    rg_min[g] = id;
            }
        }
    CHECK_EQ_INT(err.code, TN_OK);
    CHECK_EQ_INT(seen, (uint64_t)pq_file_num_rows(pf));
    ex_op_free(op);
    uint64_t expect_skip = 0, expect_rows = 0;
    for (g = 0; g < nr; g++) {
        if (rg_min[g] >= cut)
            expect_skip++;
        else
            expect_rows += (uint64_t)pq_row_group_num_rows(pf, g);
    }
    tn_value v = tn_value_int(src->types[fid], cut);
    pq_predicate lt = {(uint32_t)fid, PQ_PRED_LT, &v, 1};
    uint64_t rows, matching;
    ex_scan_stats st;
    /* scan_ids projects field 0; id is field 0 in this file (checked) */
    CHECK_EQ_INT(fid, 0);
    scan_ids(src, &lt, 1, INT64_MIN, cut, &rows, &matching, &st);
    CHECK_EQ_INT(st.row_groups_total, nrg);
    CHECK_EQ_INT(st.row_groups_skipped, expect_skip);
    CHECK(expect_skip >= 1); /* the ids of this file are laid out so that pruning pays off */
    CHECK_EQ_INT(rows, expect_rows);
    CHECK_EQ_INT(matching, below);
    ex_pq_source_free(src);
}

static void setup(void)
{
    const char *tmp = getenv("TARN_TEST_TMP");
    snprintf(g_dir, sizeof g_dir, "%s/scan_parquet", tmp ? tmp : "/tmp/tarn-test");
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(vfs_default()->mkdirs(vfs_default(), g_dir, &err), TN_OK);
    CHECK_EQ_INT(write_file("a1.parquet", 0, 3000, TN_T_INT64, false, "name"), TN_OK);
    CHECK_EQ_INT(write_file("a2.parquet", 3000, 2000, TN_T_INT64, false, "name"), TN_OK);
    CHECK_EQ_INT(write_file("r_swapped.parquet", 5000, 1500, TN_T_INT64, true, "name"), TN_OK);
    CHECK_EQ_INT(write_file("b_int32.parquet", 0, 10, TN_T_INT32, false, "name"), TN_OK);
    CHECK_EQ_INT(write_file("c_other.parquet", 0, 10, TN_T_INT64, false, "other"), TN_OK);
}

/* Memory in use after setup: opening a file with nested columns interns their type descriptors
 * for the life of the process (types.h), so the DuckDB fixture is opened once here first. */
static int64_t g_mem_base;

static void mem_baseline(void)
{
    const char *shared = getenv("TARN_SHARED");
    char path[1200];
    if (shared) {
        snprintf(path, sizeof path, "%s/fixtures/parquet/generated/duckdb/big_200k_rg50k_zstd.parquet", shared);
        pq_file *f = NULL;
        tn_err err = TN_ERR_INIT;
        if (pq_file_open(vfs_default(), path, &f, &err) == TN_OK)
            pq_file_unref(f);
    }
    g_mem_base = tn_mem_in_use();
}

static void test_no_leaks(void) { CHECK_EQ_INT(tn_mem_in_use(), g_mem_base); }

TEST_MAIN(setup, mem_baseline, test_projection, test_glob_multi_file, test_reordered_columns, test_schema_mismatch,
          test_no_match, test_row_group_skipping, test_count_star, test_interrupt, test_fixture_big,
          test_no_leaks)
