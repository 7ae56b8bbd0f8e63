/*
 * test_api.c -- the public C API (include/tarn.h): prepare/fetch/finalize, dense column access
 * (flat, filtered and constant columns), text rendering, NULLs, typed accessors, scripts, error
 * codes and messages, interrupt, and the connection's base directory for relative file paths.
 */
#include "tarn.h"
#include "parquet/writer.h"
#include "tn_test.h"
#include <unistd.h>

static tarn_db *open_db(void)
{
    tarn_db *db = NULL;
    CHECK_EQ_INT(tarn_open(NULL, &db), TARN_OK);
    return db;
}

/* Prepare sql, expecting success and a statement. */
static tarn_stmt *prep(tarn_db *db, const char *sql)
{
    tarn_stmt *st = NULL;
    int rc = tarn_prepare(db, sql, NULL, &st);
    if (rc)
        fprintf(stderr, "prepare \"%s\": %s\n", sql, tarn_errmsg(db));
    CHECK_EQ_INT(rc, TARN_OK);
    CHECK(st != NULL);
    return st;
}

static void test_version_and_open(void)
{
    CHECK(strlen(tarn_version()) > 0);
    CHECK_EQ_STR(tarn_version(), TARN_VERSION);
    tarn_db *db = open_db();
    CHECK_EQ_INT(tarn_errcode(db), TARN_OK);
    tarn_close(db);
    tarn_close(NULL);
    db = NULL;
    CHECK_EQ_INT(tarn_open("/nonexistent/tarn/base/dir", &db), TARN_NOTFOUND);
    CHECK(db != NULL);
    CHECK(strstr(tarn_errmsg(db), "/nonexistent/tarn/base/dir") != NULL);
    tarn_close(db);
}

static void test_select_one(void)
{
    tarn_db *db = open_db();
    tarn_stmt *st = prep(db, "SELECT 1");
    if (st) {
        CHECK_EQ_INT(tarn_stmt_column_count(st), 1);
        CHECK(tarn_stmt_column_name(st, 0) != NULL);
        CHECK_EQ_INT(tarn_stmt_column_type(st, 0), TARN_TYPE_INT32);
        CHECK_EQ_STR(tarn_stmt_column_type_name(st, 0), "INTEGER");
        CHECK(tarn_stmt_column_name(st, 1) == NULL);
        tarn_batch *b = NULL;
        CHECK_EQ_INT(tarn_stmt_fetch(st, &b), TARN_OK);
        CHECK(b != NULL);
        if (b) {
            CHECK_EQ_INT(tarn_batch_rows(b), 1);
            size_t len = 0;
            CHECK_EQ_STR(tarn_batch_text(b, 0, 0, &len), "1");
            CHECK_EQ_INT(len, 1);
            CHECK_EQ_INT(tarn_batch_int64(b, 0, 0), 1);
            CHECK(tarn_batch_double(b, 0, 0) == 1.0);
            CHECK(!tarn_batch_is_null(b, 0, 0));
            tarn_column c;
            CHECK_EQ_INT(tarn_batch_column(b, 0, &c), TARN_OK);
            CHECK_EQ_INT(c.rows, 1);
            CHECK_EQ_INT(c.type, TARN_TYPE_INT32);
            CHECK_EQ_INT(((const int32_t *)c.data)[0], 1);
            CHECK(tarn_batch_text(b, 0, 1, NULL) == NULL); /* row out of range */
            CHECK_EQ_INT(tarn_batch_column(b, 1, &c), TARN_MISUSE);
        }
        CHECK_EQ_INT(tarn_stmt_fetch(st, &b), TARN_OK);
        CHECK(b == NULL);
        CHECK_EQ_INT(tarn_stmt_fetch(st, &b), TARN_OK); /* stays exhausted */
        CHECK(b == NULL);
        tarn_stmt_finalize(st);
    }
    tarn_close(db);
}

static void test_values_and_nulls(void)
{
    tarn_db *db = open_db();
    tarn_stmt *st = prep(db, "SELECT 42 AS x, 'hello' AS s, NULL AS n, CAST(1.5 AS DECIMAL(10,2)) AS d, "
                             "'a string longer than twelve bytes' AS l");
    if (st) {
        CHECK_EQ_INT(tarn_stmt_column_count(st), 5);
        CHECK_EQ_STR(tarn_stmt_column_name(st, 0), "x");
        CHECK_EQ_STR(tarn_stmt_column_name(st, 1), "s");
        CHECK_EQ_STR(tarn_stmt_column_name(st, 3), "d");
        CHECK_EQ_INT(tarn_stmt_column_type(st, 1), TARN_TYPE_VARCHAR);
        int p = 0, s = 0;
        CHECK_EQ_INT(tarn_stmt_column_decimal(st, 3, &p, &s), TARN_OK);
        CHECK_EQ_INT(p, 10);
        CHECK_EQ_INT(s, 2);
        CHECK_EQ_INT(tarn_stmt_column_decimal(st, 0, &p, &s), TARN_MISUSE);
        tarn_batch *b = NULL;
        CHECK_EQ_INT(tarn_stmt_fetch(st, &b), TARN_OK);
        if (b) {
            CHECK_EQ_STR(tarn_batch_text(b, 0, 0, NULL), "42");
            CHECK_EQ_STR(tarn_batch_text(b, 1, 0, NULL), "hello");
            CHECK(tarn_batch_text(b, 2, 0, NULL) == NULL);
            CHECK(tarn_batch_is_null(b, 2, 0));
            CHECK(!tarn_batch_is_null(b, 1, 0));
            CHECK_EQ_STR(tarn_batch_text(b, 3, 0, NULL), "1.50");
            CHECK_EQ_INT(tarn_batch_int64(b, 3, 0), 1);
            CHECK(tarn_batch_double(b, 3, 0) == 1.5);
            CHECK_EQ_INT(tarn_batch_int64(b, 1, 0), 0); /* not numeric */
            tarn_column c;
            CHECK_EQ_INT(tarn_batch_column(b, 1, &c), TARN_OK);
            const tarn_string *str = c.data;
            CHECK_EQ_INT(str[0].len, 5);
            CHECK(memcmp(str[0].data, "hello", 5) == 0);
            CHECK_EQ_INT(tarn_batch_column(b, 4, &c), TARN_OK);
            str = c.data;
            CHECK_EQ_INT(str[0].len, 33);
            CHECK(memcmp(str[0].data, "a string longer than twelve bytes", 33) == 0);
            CHECK_EQ_INT(tarn_batch_column(b, 2, &c), TARN_OK);
            CHECK(c.validity != NULL && (c.validity[0] & 1) == 0);
            CHECK_EQ_INT(tarn_batch_column(b, 3, &c), TARN_OK);
            CHECK_EQ_INT(((const int64_t *)c.data)[0], 150);
        }
        tarn_stmt_finalize(st);
    }
    tarn_close(db);
}

static void test_range_batches(void)
{
    tarn_db *db = open_db();
    tarn_stmt *st = prep(db, "SELECT * FROM range(5000)");
    if (st) {
        CHECK_EQ_INT(tarn_stmt_column_type(st, 0), TARN_TYPE_INT64);
        tarn_batch *b;
        uint64_t rows = 0;
        int64_t sum = 0, expect_next = 0;
        int bad = 0, batches = 0;
        while (tarn_stmt_fetch(st, &b) == TARN_OK && b) {
            tarn_column c;
            CHECK_EQ_INT(tarn_batch_column(b, 0, &c), TARN_OK);
            CHECK(c.rows <= 2048);
            const int64_t *v = c.data;
            for (uint64_t r = 0; r < c.rows; r++) {
                bad += v[r] != expect_next++;
                sum += v[r];
            }
            rows += c.rows;
            batches++;
        }
        CHECK_EQ_INT(tarn_errcode(db), TARN_OK);
        CHECK_EQ_INT(rows, 5000);
        CHECK_EQ_INT(sum, (int64_t)4999 * 5000 / 2);
        CHECK_EQ_INT(bad, 0);
        CHECK(batches >= 3);
        tarn_stmt_finalize(st);
    }
    tarn_close(db);
}

/* A filter produces a selection vector: the batch must still be dense. */
static void test_filtered_dense(void)
{
    tarn_db *db = open_db();
    tarn_stmt *st = prep(db, "SELECT range, range * 2 AS twice, 'k' AS k FROM range(10000) WHERE range % 7 = 3");
    if (st) {
        tarn_batch *b;
        int64_t expect = 3;
        uint64_t rows = 0;
        int bad = 0;
        while (tarn_stmt_fetch(st, &b) == TARN_OK && b) {
            tarn_column a, t, k;
            CHECK_EQ_INT(tarn_batch_column(b, 0, &a), TARN_OK);
            CHECK_EQ_INT(tarn_batch_column(b, 1, &t), TARN_OK);
            CHECK_EQ_INT(tarn_batch_column(b, 2, &k), TARN_OK);
            for (uint64_t r = 0; r < a.rows; r++, expect += 7) {
                bad += ((const int64_t *)a.data)[r] != expect;
                bad += ((const int64_t *)t.data)[r] != 2 * expect;
                const tarn_string *ks = k.data;
                bad += ks[r].len != 1 || ks[r].data[0] != 'k';
            }
            if (a.rows) {
                char want[32];
                snprintf(want, sizeof want, "%lld", (long long)(expect - 7));
                CHECK_EQ_STR(tarn_batch_text(b, 0, a.rows - 1, NULL), want);
            }
            rows += a.rows;
        }
        CHECK_EQ_INT(rows, (10000 - 3 + 6) / 7);
        CHECK_EQ_INT(bad, 0);
        tarn_stmt_finalize(st);
    }
    tarn_close(db);
}

static void test_errors(void)
{
    tarn_db *db = open_db();
    tarn_stmt *st = (tarn_stmt *)1;
    CHECK_EQ_INT(tarn_prepare(db, "SELEC 1", NULL, &st), TARN_SYNTAX);
    CHECK(st == NULL);
    CHECK_EQ_INT(tarn_errcode(db), TARN_SYNTAX);
    CHECK(strstr(tarn_errmsg(db), "syntax error") != NULL);
    CHECK(strstr(tarn_errmsg(db), "SELEC") != NULL);
    /* a successful call clears the error */
    st = prep(db, "SELECT 2");
    CHECK_EQ_INT(tarn_errcode(db), TARN_OK);
    tarn_stmt_finalize(st);
    /* unknown column */
    CHECK(tarn_prepare(db, "SELECT no_such_column FROM range(3)", NULL, &st) != TARN_OK);
    CHECK(strlen(tarn_errmsg(db)) > 0);
    /* missing file */
    CHECK_EQ_INT(tarn_prepare(db, "SELECT * FROM 'no_such_file_anywhere.parquet'", NULL, &st), TARN_NOTFOUND);
    CHECK(strstr(tarn_errmsg(db), "no_such_file_anywhere.parquet") != NULL);
    /* a run-time error surfaces from fetch and sticks */
    st = prep(db, "SELECT 1 / (range - 2) FROM range(5)");
    if (st) {
        tarn_batch *b;
        int rc = tarn_stmt_fetch(st, &b);
        CHECK_EQ_INT(rc, TARN_RANGE);
        CHECK(b == NULL);
        CHECK(strstr(tarn_errmsg(db), "division by zero") != NULL);
        CHECK_EQ_INT(tarn_stmt_fetch(st, &b), TARN_RANGE);
        tarn_stmt_finalize(st);
    }
    /* misuse */
    CHECK_EQ_INT(tarn_prepare(db, NULL, NULL, &st), TARN_MISUSE);
    CHECK_EQ_INT(tarn_prepare(NULL, "SELECT 1", NULL, &st), TARN_MISUSE);
    CHECK_EQ_INT(tarn_stmt_fetch(NULL, NULL), TARN_MISUSE);
    tarn_stmt_finalize(NULL);
    tarn_close(db);
}

static void test_scripts_and_tail(void)
{
    tarn_db *db = open_db();
    const char *sql = "SELECT 1; SELECT 2 AS two;";
    const char *tail = NULL;
    tarn_stmt *st = NULL;
    CHECK_EQ_INT(tarn_prepare(db, sql, &tail, &st), TARN_OK);
    CHECK(tail != NULL && tail > sql && strstr(tail, "SELECT 2") != NULL);
    tarn_stmt_finalize(st); /* never fetched */
    CHECK_EQ_INT(tarn_prepare(db, tail, &tail, &st), TARN_OK);
    CHECK_EQ_STR(tarn_stmt_column_name(st, 0), "two");
    tarn_stmt_finalize(st);
    /* only whitespace and comments: no statement, no error */
    st = (tarn_stmt *)1;
    CHECK_EQ_INT(tarn_prepare(db, "  -- nothing here\n  ", NULL, &st), TARN_OK);
    CHECK(st == NULL);
    CHECK_EQ_INT(tarn_exec(db, "SELECT 1; SELECT * FROM range(3000); -- done\n"), TARN_OK);
    CHECK_EQ_INT(tarn_exec(db, ""), TARN_OK);
    CHECK_EQ_INT(tarn_exec(db, "SELECT 1; SELEC 2; SELECT 3"), TARN_SYNTAX);
    CHECK(strstr(tarn_errmsg(db), "syntax error") != NULL);
    tarn_close(db);
}

static void test_interrupt(void)
{
    tarn_db *db = open_db();
    tarn_stmt *st = prep(db, "SELECT * FROM range(100000000)");
    if (st) {
        tarn_batch *b;
        CHECK_EQ_INT(tarn_stmt_fetch(st, &b), TARN_OK);
        CHECK(b != NULL);
        tarn_stmt_interrupt(st);
        CHECK_EQ_INT(tarn_stmt_fetch(st, &b), TARN_INTERRUPT);
        CHECK(b == NULL);
        CHECK_EQ_INT(tarn_errcode(db), TARN_INTERRUPT);
        /* closing the connection first is tolerated: the last finalize releases it */
        tarn_close(db);
        tarn_stmt_finalize(st);
        return;
    }
    tarn_close(db);
}

/* Relative paths resolve against the directory given to tarn_open. */
static void test_base_directory(void)
{
    const char *tmp = getenv("TARN_TEST_TMP");
    char dir[1024], path[1200];
    snprintf(dir, sizeof dir, "%s/api_base", tmp ? tmp : "/tmp/tarn-test");
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(vfs_default()->mkdirs(vfs_default(), dir, &err), TN_OK);
    snprintf(path, sizeof path, "%s/nums.parquet", dir);
    const char *names[] = {"v"};
    tn_type types[] = {tn_type_make(TN_T_INT64)};
    pq_write_options o;
    pq_write_options_default(&o);
    pq_writer *w = NULL;
    int rc = pq_writer_open(vfs_default(), path, 1, names, types, &o, &w, &err);
    CHECK_EQ_INT(rc, TN_OK);
    if (rc)
        return;
    tn_chunk *c = tn_chunk_new(1, types, 100);
    for (int i = 0; i < 100; i++)
        ((int64_t *)c->cols[0]->data)[i] = i + 1;
    c->count = 100;
    CHECK_EQ_INT(pq_writer_write(w, c, &err), TN_OK);
    CHECK_EQ_INT(pq_writer_close(w, &err), TN_OK);
    tn_chunk_free(c);

    tarn_db *db = NULL;
    CHECK_EQ_INT(tarn_open(dir, &db), TARN_OK);
    tarn_stmt *st = prep(db, "SELECT sum(v) AS s, count(*) AS n FROM 'nums.parquet'");
    if (st) {
        tarn_batch *b;
        CHECK_EQ_INT(tarn_stmt_fetch(st, &b), TARN_OK);
        if (b) {
            CHECK_EQ_STR(tarn_batch_text(b, 0, 0, NULL), "5050");
            CHECK_EQ_INT(tarn_batch_int64(b, 1, 0), 100);
        }
        tarn_stmt_finalize(st);
    }
    st = prep(db, "SELECT count(*) FROM read_parquet('num*.parquet')");
    if (st) {
        tarn_batch *b;
        CHECK_EQ_INT(tarn_stmt_fetch(st, &b), TARN_OK);
        if (b)
            CHECK_EQ_INT(tarn_batch_int64(b, 0, 0), 100);
        tarn_stmt_finalize(st);
    }
    /* the same relative path does not resolve from a connection without a base directory */
    tarn_db *db2 = open_db();
    tarn_stmt *st2 = NULL;
    CHECK_EQ_INT(tarn_prepare(db2, "SELECT * FROM 'nums.parquet'", NULL, &st2), TARN_NOTFOUND);
    tarn_close(db2);
    tarn_close(db);
    /* a base that is a file, not a directory */
    CHECK(tarn_open(path, &db) != TARN_OK);
    tarn_close(db);
}

/* Type names of wide and deep nested columns come back whole (no fixed-size truncation). */
static void test_long_type_name(void)
{
    char sql[4096], want[4096];
    size_t n = (size_t)snprintf(sql, sizeof sql, "SELECT [{");
    size_t m = (size_t)snprintf(want, sizeof want, "STRUCT(");
    for (int i = 0; i < 20; i++) {
        n += (size_t)snprintf(sql + n, sizeof sql - n, "%s'field_number_%02d': [%d]", i ? ", " : "", i, i);
        m += (size_t)snprintf(want + m, sizeof want - m, "%sfield_number_%02d INTEGER[]", i ? ", " : "", i);
    }
    snprintf(sql + n, sizeof sql - n, "}] AS s");
    snprintf(want + m, sizeof want - m, ")[]");
    CHECK(strlen(want) > 300);
    /* nested type descriptors are interned for the life of the process: the second round must
     * not allocate anything that outlives it */
    long long base = 0;
    for (int round = 0; round < 2; round++) {
        tarn_db *db = open_db();
        tarn_stmt *st = prep(db, sql);
        if (st) {
            CHECK_EQ_INT(tarn_stmt_column_type(st, 0), TARN_TYPE_LIST);
            CHECK_EQ_STR(tarn_stmt_column_type_name(st, 0), want);
            tarn_stmt_finalize(st);
        }
        tarn_close(db);
        if (round == 0)
            base = (long long)tn_mem_in_use();
        else
            CHECK_EQ_INT(tn_mem_in_use(), base);
    }
}

/* Run sql to completion on db; returns the first column of the first row as int64 (or -1). */
static int64_t run_int(tarn_db *db, const char *sql)
{
    int64_t v = -1;
    tarn_stmt *st = prep(db, sql);
    if (!st)
        return v;
    tarn_batch *b = NULL;
    int rc = tarn_stmt_fetch(st, &b);
    if (rc)
        fprintf(stderr, "fetch \"%s\": %s\n", sql, tarn_errmsg(db));
    CHECK_EQ_INT(rc, TARN_OK);
    if (b && tarn_batch_rows(b) > 0)
        v = tarn_batch_int64(b, 0, 0);
    tarn_stmt_finalize(st);
    return v;
}

/* COPY TO a relative path writes under the connection's base directory, for a single file and
 * for the directory layouts (PARTITION_BY, PER_THREAD_OUTPUT), never in the working directory. */
static void test_copy_relative(void)
{
    const char *tmp = getenv("TARN_TEST_TMP");
    char dir[1024], path[1200];
    snprintf(dir, sizeof dir, "%s/api_copy_base", tmp ? tmp : "/tmp/tarn-test");
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(vfs_default()->mkdirs(vfs_default(), dir, &err), TN_OK);
    /* start from an empty base: earlier runs may have left files */
    const char *leftovers[] = {"copied.parquet", "parts/g=0/data_0.parquet", "parts/g=1/data_0.parquet",
                               "threads/data_0.parquet"};
    for (size_t i = 0; i < sizeof leftovers / sizeof *leftovers; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, leftovers[i]);
        unlink(path);
    }
    unlink("copied.parquet");
    tarn_db *db = NULL;
    CHECK_EQ_INT(tarn_open(dir, &db), TARN_OK);
    CHECK_EQ_INT(run_int(db, "COPY (SELECT range AS v, range % 2 AS g FROM range(10)) TO 'copied.parquet'"), 10);
    snprintf(path, sizeof path, "%s/copied.parquet", dir);
    CHECK(access(path, F_OK) == 0);
    CHECK(access("copied.parquet", F_OK) != 0);
    CHECK_EQ_INT(run_int(db, "SELECT sum(v) FROM 'copied.parquet'"), 45);
    CHECK_EQ_INT(run_int(db, "COPY 'copied.parquet' TO 'parts' (PARTITION_BY (g), OVERWRITE_OR_IGNORE)"), 10);
    snprintf(path, sizeof path, "%s/parts/g=1/data_0.parquet", dir);
    CHECK(access(path, F_OK) == 0);
    CHECK_EQ_INT(run_int(db, "SELECT sum(v) FROM 'parts/g=1/*.parquet'"), 25);
    CHECK_EQ_INT(run_int(db, "COPY (SELECT 7 AS x) TO 'threads' (PER_THREAD_OUTPUT, OVERWRITE_OR_IGNORE)"), 1);
    snprintf(path, sizeof path, "%s/threads/data_0.parquet", dir);
    CHECK(access(path, F_OK) == 0);
    tarn_close(db);
}

static void test_no_leaks(void) { CHECK_EQ_INT(tn_mem_in_use(), 0); }

TEST_MAIN(test_version_and_open, test_select_one, test_values_and_nulls, test_range_batches, test_filtered_dense,
          test_errors, test_scripts_and_tail, test_interrupt, test_base_directory, test_copy_relative, test_no_leaks, test_long_type_name)
