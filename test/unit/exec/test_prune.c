/*
 * test_prune.c -- pruning in the Parquet scan: Bloom filters, page index row ranges and late
 * materialization (op_scan_parquet.c with page_index.c / bloom_read.c), driven through SQL.
 *
 * Files are written by tarn's writer into TARN_TEST_TMP with small pages, a page index and Bloom
 * filters on two columns, three row groups. Every query runs twice, with every pruning step
 * enabled and with none (a full scan + FILTER), and must give byte-identical results (or the same
 * error); counters must show skipping where the data guarantees it. The same comparison runs on
 * the parquet-testing file with thousands of tiny pages (TARN_SHARED; skipped when absent), and on
 * copies of a written file whose page index / Bloom filter bytes were corrupted (results stay
 * exact: corrupt structures are ignored).
 */
#include "exec/scan_parquet.h"
#include "parquet/writer.h"
#include "parquet/metadata.h"
#include "sql/sql.h"
#include "util/format.h"
#include "tn_test.h"

#include <math.h>
#include <sys/stat.h>

#define NROWS 30000
#define RG_ROWS 10000

static char g_dir[1024];
static char g_file[1200];
static sq_env g_env;

/* ======================= data ======================= */

static int64_t tag_of(int64_t i) { return (i * 7919) % 1000003; }

static int write_table(const char *path)
{
    const char *names[] = {"id", "grp", "tag", "v", "name", "flag", "s_sorted"};
    tn_type types[] = {tn_type_make(TN_T_INT64), tn_type_make(TN_T_INT32), tn_type_make(TN_T_VARCHAR),
                       tn_type_make(TN_T_DOUBLE), tn_type_make(TN_T_VARCHAR), tn_type_make(TN_T_BOOL),
                       tn_type_make(TN_T_VARCHAR)};
    const char *bloom_cols[] = {"grp", "tag"};
    pq_write_options o;
    pq_write_options_default(&o);
    o.row_group_size = RG_ROWS;
    o.page_size = 512; /* a few hundred values per page */
    o.page_index = true;
    o.bloom_filter_columns = bloom_cols;
    o.nbloom_filter_columns = 2;
    pq_writer *w = NULL;
    tn_err err = TN_ERR_INIT;
    int rc = pq_writer_open(vfs_default(), path, 7, names, types, &o, &w, &err);
    if (rc) {
        fprintf(stderr, "writer open: %s\n", err.msg);
        return rc;
    }
    tn_chunk *c = tn_chunk_new(7, types, TN_BATCH);
    for (int64_t done = 0; rc == TN_OK && done < NROWS;) {
        uint32_t n = (uint32_t)TN_MIN((int64_t)1500, NROWS - done);
        tn_chunk_reset(c);
        for (uint32_t k = 0; k < n; k++) {
            int64_t i = done + k;
            char s[32];
            ((int64_t *)c->cols[0]->data)[k] = i;
            ((int32_t *)c->cols[1]->data)[k] = (int32_t)((i * 7919) % 1000);
            int len = snprintf(s, sizeof s, "t%07lld", (long long)tag_of(i));
            tn_vector_add_string(c->cols[2], s, (uint32_t)len, &((tn_str *)c->cols[2]->data)[k]);
            double v = (double)(i % 1000) / 10.0;
            if (i % 1000 == 500)
                v = -0.0;
            if (i % 997 == 0)
                v = NAN;
            ((double *)c->cols[3]->data)[k] = v;
            if (i % 13 == 0)
                tn_vector_set_null(c->cols[3], k);
            len = snprintf(s, sizeof s, "name-%lld", (long long)i);
            if (i % 11 == 0)
                tn_vector_set_null(c->cols[4], k);
            else
                tn_vector_add_string(c->cols[4], s, (uint32_t)len, &((tn_str *)c->cols[4]->data)[k]);
            ((uint8_t *)c->cols[5]->data)[k] = i % 3 == 0;
            len = snprintf(s, sizeof s, "s%06lld", (long long)i);
            tn_vector_add_string(c->cols[6], s, (uint32_t)len, &((tn_str *)c->cols[6]->data)[k]);
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

/* ======================= running queries ======================= */

static void set_pruning(ex_op *op, unsigned mask)
{
    if (!op)
        return;
    op_scan_parquet_set_pruning(op, mask);
    for (uint32_t i = 0; i < op->nchild; i++)
        set_pruning(op->child[i], mask);
}

static void add_stats(const ex_op *op, ex_scan_stats *acc)
{
    if (!op)
        return;
    const ex_scan_stats *s = op_scan_parquet_stats(op);
    if (s) {
        acc->row_groups_total += s->row_groups_total;
        acc->row_groups_skipped += s->row_groups_skipped;
        acc->row_groups_skipped_bloom += s->row_groups_skipped_bloom;
        acc->row_groups_skipped_pages += s->row_groups_skipped_pages;
        acc->bloom_filters_read += s->bloom_filters_read;
        acc->pages_total += s->pages_total;
        acc->pages_skipped += s->pages_skipped;
        acc->rows_skipped_pages += s->rows_skipped_pages;
        acc->rows_skipped_late += s->rows_skipped_late;
        acc->rows_filtered += s->rows_filtered;
        acc->rows_read += s->rows_read;
    }
    for (uint32_t i = 0; i < op->nchild; i++)
        add_stats(op->child[i], acc);
}

/* Run sql with the given pruning mask; rows joined with '\n', columns with '|'. *rc = the
 * prepare/run result code. Caller frees. */
static char *run(const char *sql, unsigned mask, ex_scan_stats *st, int *rc)
{
    tn_err err = TN_ERR_INIT;
    sq_plan *p = NULL;
    memset(st, 0, sizeof *st);
    *rc = sq_prepare(&g_env, sql, NULL, &p, &err);
    if (*rc) {
        fprintf(stderr, "prepare [%s]: %s\n", sql, err.msg);
        return strdup("<prepare failed>");
    }
    set_pruning(p->root, mask);
    tn_sbuf out = TN_SBUF_INIT;
    for (;;) {
        tn_chunk *c = NULL;
        *rc = ex_op_next(p->root, &c, &err);
        if (*rc) {
            tn_sbuf_printf(&out, "<error %d: %s>", *rc, err.msg);
            break;
        }
        if (!c)
            break;
        uint32_t n = tn_chunk_rows(c);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = c->sel ? c->sel[i] : i;
            for (uint32_t k = 0; k < c->ncols; k++) {
                if (k)
                    tn_sbuf_putc(&out, '|');
                if (!tn_format_vector_row(&out, c->cols[k], r))
                    tn_sbuf_puts(&out, "NULL");
            }
            tn_sbuf_putc(&out, '\n');
        }
    }
    add_stats(p->root, st);
    sq_plan_free(p);
    char *s = strdup(tn_sbuf_str(&out));
    tn_sbuf_free(&out);
    return s;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Compare pruned and unpruned runs of a query template ("%s" = the file); returns the pruned
 * stats and the number of result rows. */
static size_t compare(const char *fmt, const char *file, ex_scan_stats *st)
{
    char sql[2048];
    snprintf(sql, sizeof sql, fmt, file);
    ex_scan_stats full;
    int rc1, rc2;
    char *a = run(sql, EX_PRUNE_ALL, st, &rc1);
    char *b = run(sql, 0, &full, &rc2);
    CHECK_EQ_INT(rc1, rc2);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "results differ for [%s]\n--- pruned (%zu rows)\n%.400s\n--- full (%zu rows)\n%.400s\n", sql,
                count_lines(a), a, count_lines(b), b);
        CHECK(0);
    }
    /* without pruning nothing is skipped */
    CHECK_EQ_INT(full.row_groups_skipped + full.row_groups_skipped_bloom + full.row_groups_skipped_pages +
                     full.pages_skipped + full.rows_skipped_late,
                 0);
    size_t n = count_lines(a);
    free(a);
    free(b);
    return n;
}

/* ======================= tests ======================= */

static void test_written_file_predicates(void)
{
    static const char *const queries[] = {
        "SELECT * FROM '%s' WHERE id = 12345",
        "SELECT * FROM '%s' WHERE id BETWEEN 100 AND 180",
        "SELECT id, name FROM '%s' WHERE id >= 29990",
        "SELECT id, v FROM '%s' WHERE id < 7 OR id > 29995",
        "SELECT * FROM '%s' WHERE id IN (5, 15000, 29999, 40000)",
        "SELECT * FROM '%s' WHERE id <> 3 AND id < 20",
        "SELECT id, tag FROM '%s' WHERE grp = 17",
        "SELECT id, name FROM '%s' WHERE grp IN (3, 999)",
        "SELECT * FROM '%s' WHERE grp = 1000",
        "SELECT * FROM '%s' WHERE tag = 't0000000'",
        "SELECT * FROM '%s' WHERE tag IN ('t0000001', 't0500000')",
        "SELECT id, flag FROM '%s' WHERE s_sorted >= 's029000' AND flag",
        "SELECT id, s_sorted FROM '%s' WHERE s_sorted < 's000100'",
        "SELECT id, v FROM '%s' WHERE v > 99.0",
        "SELECT id, v FROM '%s' WHERE v = 0",
        "SELECT id, v FROM '%s' WHERE v = -0.0",
        "SELECT id FROM '%s' WHERE v IS NULL AND id < 500",
        "SELECT id, v FROM '%s' WHERE v <> 5.0 AND id < 3000",
        "SELECT id, v FROM '%s' WHERE v < 0.5",
        "SELECT id, v FROM '%s' WHERE v = 'NaN'::DOUBLE",
        "SELECT id FROM '%s' WHERE name IS NULL AND id < 1000",
        "SELECT id FROM '%s' WHERE name IS NOT NULL AND id > 29980",
        "SELECT * FROM '%s' WHERE id > 1000 AND grp = 5 AND name LIKE 'name-1%%'",
        "SELECT count(*) FROM '%s' WHERE id < 777",
        "SELECT count(*), sum(id) FROM '%s' WHERE grp = 42",
        "SELECT count(*) FROM '%s' WHERE tag = 't0000000'",
        "SELECT * FROM '%s' WHERE flag = true AND id BETWEEN 5000 AND 5100",
        "SELECT id, name, tag FROM '%s' WHERE id %% 1000 = 7",
        "SELECT id, name FROM '%s' WHERE name = 'name-20001'",
        "SELECT grp, count(*) FROM '%s' WHERE id < 5000 AND flag GROUP BY grp ORDER BY grp LIMIT 5",
        "SELECT id FROM '%s' WHERE 10 / (id - 25000) > 100",
        "SELECT id, name FROM '%s' WHERE id > 20000 AND 10 / (id - 5) > 100",
        "SELECT * FROM '%s' WHERE id = -1",
        "SELECT * FROM '%s' WHERE id > 29999",
    };
    ex_scan_stats st;
    for (size_t i = 0; i < TN_ARRAY_LEN(queries); i++)
        compare(queries[i], g_file, &st);

    /* the sorted id column: a point lookup reads a few pages of one row group */
    size_t n = compare("SELECT * FROM '%s' WHERE id = 12345", g_file, &st);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(st.row_groups_skipped, 2); /* statistics: the other row groups */
    CHECK(st.pages_total > 1);
    CHECK(st.pages_skipped > 0);
    CHECK(st.rows_skipped_pages > RG_ROWS / 2);
    CHECK(st.rows_read < RG_ROWS / 4);

    /* a tag present in one row group only: statistics cannot skip the others (their min/max span
     * the whole range), the Bloom filters do */
    char q[256];
    snprintf(q, sizeof q, "SELECT id FROM '%%s' WHERE tag = 't%07lld'", (long long)tag_of(12345));
    n = compare(q, g_file, &st);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(st.row_groups_skipped, 0);
    CHECK_EQ_INT(st.row_groups_skipped_bloom, 2);
    CHECK(st.bloom_filters_read >= 3);

    /* grp values are 0..999: 1000 is outside every row group's range (statistics), while an IN
     * list of values the row groups do hold keeps them */
    compare("SELECT id FROM '%s' WHERE grp = 1000", g_file, &st);
    CHECK_EQ_INT(st.row_groups_skipped, 3);
    compare("SELECT id FROM '%s' WHERE grp IN (3, 999)", g_file, &st);
    CHECK_EQ_INT(st.row_groups_skipped + st.row_groups_skipped_bloom, 0);

    /* late materialization: a non-pushable predicate on id; name/tag decoded only up to the last
     * survivor of each batch, and not at all for batches without survivors */
    n = compare("SELECT id, name, tag FROM '%s' WHERE id %% 1000 = 7", g_file, &st);
    CHECK_EQ_INT(n, NROWS / 1000);
    CHECK(st.rows_skipped_late > 0); /* rows after each batch's last survivor */
    CHECK_EQ_INT(st.rows_filtered, NROWS - NROWS / 1000);
    n = compare("SELECT id, name, tag FROM '%s' WHERE id %% 10000 = 7", g_file, &st);
    CHECK_EQ_INT(n, NROWS / 10000);
    CHECK(st.rows_skipped_late > NROWS / 2); /* most batches have no survivor at all */
    CHECK(st.rows_read < NROWS); /* chunks end at their last survivor */
    /* survivors up to the end of every batch: the scan stops evaluating the filter early in each
     * row group (it saves nothing) and leaves it to the FILTER above */
    n = compare("SELECT id, name, tag FROM '%s' WHERE id %% 2 = 0", g_file, &st);
    CHECK_EQ_INT(n, NROWS / 2);
    CHECK(st.rows_filtered > 0 && st.rows_filtered < NROWS / 2); /* without giving up: NROWS / 2 */
    /* a pushed-down string equality: the page index narrows the rows, late materialization
     * skips id for the rest */
    n = compare("SELECT id, name FROM '%s' WHERE name = 'name-20001'", g_file, &st);
    CHECK_EQ_INT(n, 1);
    CHECK(st.rows_skipped_late + st.rows_skipped_pages > NROWS / 2);

    /* every pruning step together: page index on id, late materialization of the rest */
    n = compare("SELECT * FROM '%s' WHERE id BETWEEN 100 AND 180 AND grp > 500", g_file, &st);
    CHECK(n > 0 && n < 81);
    CHECK(st.pages_skipped > 0);
}

/* EXPLAIN (before execution) reports what the pruning steps will skip, from a dry run over the
 * footer, Bloom filters and page indexes; after execution the operator's own explain adds the
 * late materialization counters. */
static void test_explain(void)
{
    char sql[2048];
    int rc;
    ex_scan_stats st;
    snprintf(sql, sizeof sql, "EXPLAIN SELECT * FROM '%s' WHERE id = 12345", g_file);
    char *e = run(sql, EX_PRUNE_ALL, &st, &rc);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK(strstr(e, "3 total, 2 skipped by statistics, 0 by bloom filters, 0 by page index") != NULL);
    CHECK(strstr(e, "pages: ") != NULL && strstr(e, "skipped by page index") != NULL);
    CHECK(strstr(e, "late materialization on (id = 12345)") != NULL);
    free(e);
    snprintf(sql, sizeof sql, "EXPLAIN SELECT id FROM '%s' WHERE tag = 't%07lld'", g_file, (long long)tag_of(12345));
    e = run(sql, EX_PRUNE_ALL, &st, &rc);
    CHECK(strstr(e, "0 skipped by statistics, 2 by bloom filters") != NULL);
    free(e);

    /* after execution: actual counters */
    snprintf(sql, sizeof sql, "SELECT id, name FROM '%s' WHERE id %% 10000 = 7", g_file);
    sq_plan *p = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(sq_prepare(&g_env, sql, NULL, &p, &err), TN_OK);
    if (!p)
        return;
    uint64_t rows = 0;
    CHECK_EQ_INT(ex_op_count_rows(p->root, &rows, &err), TN_OK);
    CHECK_EQ_INT(rows, 3);
    tn_sbuf sb = TN_SBUF_INIT;
    ex_op_explain(p->root, &sb);
    const char *x = tn_sbuf_str(&sb);
    CHECK(strstr(x, "rows filtered") != NULL && strstr(x, "rows not decoded") != NULL);
    CHECK(strstr(x, "rows decoded: ") != NULL);
    tn_sbuf_free(&sb);
    sq_plan_free(p);
}

/* ======================= corrupt structures ======================= */

static bool copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    bool ok = a && b;
    char buf[8192];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, a)) > 0)
        ok = fwrite(buf, 1, n, b) == n;
    if (a)
        fclose(a);
    if (b)
        ok = fclose(b) == 0 && ok;
    return ok;
}

static void poke(const char *path, int64_t off, uint8_t byte, size_t n)
{
    FILE *fp = fopen(path, "r+b");
    CHECK(fp != NULL);
    if (!fp)
        return;
    fseek(fp, (long)off, SEEK_SET);
    for (size_t i = 0; i < n; i++)
        fputc(byte, fp);
    fclose(fp);
}

/* Page indexes and Bloom filter headers overwritten with garbage: the structures are ignored,
 * results stay exact, nothing crashes. */
static void test_corrupt_structures(void)
{
    char bad[1300];
    snprintf(bad, sizeof bad, "%s/corrupt.parquet", g_dir);
    CHECK(copy_file(g_file, bad));
    pq_file *f = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(pq_file_open(vfs_default(), g_file, &f, &err), TN_OK);
    if (!f)
        return;
    int id = pq_file_field_index(f, "id"), tag = pq_file_field_index(f, "tag");
    int lid = pq_schema_flat_leaf(pq_file_field(f, (uint32_t)id)), ltag = pq_schema_flat_leaf(pq_file_field(f, (uint32_t)tag));
    uint32_t nrg = pq_file_num_row_groups(f);
    int structures = 0;
    for (uint32_t rg = 0; rg < nrg; rg++) {
        const pq_column_chunk *cid = &f->meta.row_groups[rg].columns[lid];
        const pq_column_chunk *ctag = &f->meta.row_groups[rg].columns[ltag];
        if (cid->has_column_index) {
            poke(bad, cid->column_index_offset, 0xff, 12);
            structures++;
        }
        if (ctag->has_offset_index) { /* tag's OffsetIndex: a list of garbage */
            poke(bad, ctag->offset_index_offset, 0x19, 1);
            poke(bad, ctag->offset_index_offset + 1, 0xfc, 3);
            structures++;
        }
        if (ctag->meta && ctag->meta->has_bloom_filter_offset) {
            poke(bad, ctag->meta->bloom_filter_offset, 0xee, 8);
            structures++;
        }
    }
    pq_file_unref(f);
    CHECK_EQ_INT(structures, 3 * nrg); /* the writer produced all three per row group */
    ex_scan_stats st;
    char q[256];
    snprintf(q, sizeof q, "SELECT id, tag FROM '%%s' WHERE tag = 't%07lld'", (long long)tag_of(12345));
    size_t n = compare(q, bad, &st);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(st.row_groups_skipped_bloom, 0); /* corrupt filters: no information */
    CHECK_EQ_INT(st.pages_skipped, 0);
    n = compare("SELECT * FROM '%s' WHERE id = 12345", bad, &st);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(st.pages_skipped, 0); /* the id ColumnIndex is garbage: ignored */
    CHECK_EQ_INT(st.row_groups_skipped, 2);
    compare("SELECT id, tag FROM '%s' WHERE id BETWEEN 100 AND 180 AND tag > 't05'", bad, &st);
}

/* ======================= fixture with thousands of tiny pages ======================= */

static void test_tiny_pages_fixture(void)
{
    const char *shared = getenv("TARN_SHARED");
    char path[1200];
    struct stat sb;
    if (!shared || !*shared ||
        (snprintf(path, sizeof path, "%s/fixtures/parquet/parquet-testing/data/alltypes_tiny_pages.parquet", shared),
         stat(path, &sb) != 0)) {
        fprintf(stderr, "SKIP test_tiny_pages_fixture: fixture not found (TARN_SHARED unset or incomplete)\n");
        return;
    }
    static const char *const queries[] = {
        "SELECT * FROM '%s' WHERE id = 100",
        "SELECT id, string_col FROM '%s' WHERE id BETWEEN 1000 AND 1100",
        "SELECT id, int_col, double_col FROM '%s' WHERE id < 50 AND int_col = 3",
        "SELECT * FROM '%s' WHERE id IN (1, 2000, 7299)",
        "SELECT id FROM '%s' WHERE id >= 7290",
        "SELECT id, float_col FROM '%s' WHERE float_col > 8.0 AND id < 300",
        "SELECT * FROM '%s' WHERE string_col = '5' AND id < 200",
        "SELECT id, date_string_col FROM '%s' WHERE date_string_col = '03/01/09'",
        "SELECT count(*) FROM '%s' WHERE bigint_col >= 50 AND id > 7000",
        "SELECT id, bool_col FROM '%s' WHERE bool_col AND id < 40",
        "SELECT id, timestamp_col FROM '%s' WHERE id = 3650",
        "SELECT * FROM '%s' WHERE month = 7 AND id %% 97 = 0",
        "SELECT id FROM '%s' WHERE id <> 5 AND id < 10",
    };
    ex_scan_stats st;
    for (size_t i = 0; i < TN_ARRAY_LEN(queries); i++)
        compare(queries[i], path, &st);
    size_t n = compare("SELECT * FROM '%s' WHERE id = 100", path, &st);
    CHECK_EQ_INT(n, 1);
    CHECK(st.pages_total > 100);
    CHECK(st.pages_skipped * 10 > st.pages_total * 9); /* a point lookup keeps a few pages */
    CHECK(st.rows_read < 7300 / 10);
}

static void setup(void)
{
    const char *tmp = getenv("TARN_TEST_TMP");
    snprintf(g_dir, sizeof g_dir, "%s/prune", tmp && *tmp ? tmp : "/tmp/tarn-test");
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(vfs_default()->mkdirs(vfs_default(), g_dir, &err), TN_OK);
    snprintf(g_file, sizeof g_file, "%s/t.parquet", g_dir);
    CHECK_EQ_INT(write_table(g_file), TN_OK);
    g_env.fs = vfs_default();
}

static void test_no_leaks(void) { CHECK_EQ_INT(tn_mem_in_use(), 0); }

TEST_MAIN(setup, test_written_file_predicates, test_explain, test_corrupt_structures, test_tiny_pages_fixture, test_no_leaks)
