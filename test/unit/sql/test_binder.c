/*
 * test_binder.c -- binder and planner through sq_prepare: literal and expression types,
 * PostgreSQL-style implicit casts (string literals adapting to the other operand), result column
 * names, GROUP BY / HAVING / ORDER BY / DISTINCT semantics (checked by running the plans),
 * semantic errors with their codes and messages, plan shapes via EXPLAIN, and Parquet projection
 * and predicate pushdown on a file written with COPY into TARN_TEST_TMP.
 */
#include "tn_test.h"
#include "sql/sql.h"
#include "util/format.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static sq_env g_env;

static sq_plan *prep(const char *sql, int *rc, tn_err *err)
{
    sq_plan *p = NULL;
    *rc = sq_prepare(&g_env, sql, NULL, &p, err);
    return p;
}

static sq_plan *prep_ok(const char *sql)
{
    tn_err err = TN_ERR_INIT;
    int rc;
    sq_plan *p = prep(sql, &rc, &err);
    if (rc)
        fprintf(stderr, "prepare [%s] failed: %s\n", sql, err.msg);
    CHECK_EQ_INT(rc, TN_OK);
    return p;
}

/* Run a query; rows joined with ';', columns with ','; NULL as "NULL". Caller frees. */
static char *run(const char *sql)
{
    tn_err err = TN_ERR_INIT;
    sq_plan *p = prep_ok(sql);
    if (!p)
        return strdup("<prepare failed>");
    tn_sbuf out = TN_SBUF_INIT;
    bool first = true;
    for (;;) {
        tn_chunk *c = NULL;
        int rc = ex_op_next(p->root, &c, &err);
        if (rc) {
            fprintf(stderr, "run [%s] failed: %s\n", sql, err.msg);
            tn_sbuf_printf(&out, "<error %d>", rc);
            break;
        }
        if (!c)
            break;
        uint32_t n = tn_chunk_rows(c);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = c->sel ? c->sel[i] : i;
            if (!first)
                tn_sbuf_putc(&out, ';');
            first = false;
            for (uint32_t k = 0; k < c->ncols; k++) {
                if (k)
                    tn_sbuf_putc(&out, ',');
                if (!tn_format_vector_row(&out, c->cols[k], r))
                    tn_sbuf_puts(&out, "NULL");
            }
        }
    }
    sq_plan_free(p);
    char *s = strdup(tn_sbuf_str(&out));
    tn_sbuf_free(&out);
    return s;
}

static void check_rows(const char *sql, const char *want)
{
    char *got = run(sql);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "query: %s\n", sql);
    CHECK_EQ_STR(got, want);
    free(got);
}

/* Expect an error whose code is `code` and whose message starts with `prefix`. */
static void check_error(const char *sql, int code, const char *prefix)
{
    tn_err err = TN_ERR_INIT;
    int rc;
    sq_plan *p = prep(sql, &rc, &err);
    if (rc != code || strncmp(err.msg, prefix, strlen(prefix)) != 0)
        fprintf(stderr, "query: %s\n  rc %d (want %d) msg: %s\n  want prefix: %s\n", sql, rc, code, err.msg, prefix);
    CHECK_EQ_INT(rc, code);
    CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0);
    CHECK(p == NULL);
    sq_plan_free(p);
}

/* Same, for errors whose code the executor chooses (cast failures). */
static void check_error_any(const char *sql, const char *prefix)
{
    tn_err err = TN_ERR_INIT;
    int rc;
    sq_plan *p = prep(sql, &rc, &err);
    if (rc == TN_OK || strncmp(err.msg, prefix, strlen(prefix)) != 0)
        fprintf(stderr, "query: %s\n  rc %d msg: %s\n  want prefix: %s\n", sql, rc, err.msg, prefix);
    CHECK(rc != TN_OK && rc != TN_NOMEM);
    CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0);
    sq_plan_free(p);
}

static char *explain(const char *sql)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "EXPLAIN %s", sql);
    return run(buf);
}

/* ---------------------------------------------------------------- */

static void test_literal_types(void)
{
    sq_plan *p = prep_ok("SELECT 1, 2147483648, -2147483648, 9223372036854775808, 1.5, 0.05, 123.4560, 1e3, 'x', "
                         "true, NULL, DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00', TIMESTAMPTZ '2024-01-01', "
                         "'abc'::BLOB, 1::DECIMAL(10,2), 2::NUMERIC, 12345678901234567890.5, "
                         "123456789012345678901234567890123456789012345.5");
    if (!p)
        return;
    static const int ids[] = {TN_T_INT32, TN_T_INT64, TN_T_INT32, TN_T_INT128, TN_T_DECIMAL, TN_T_DECIMAL,
                              TN_T_DECIMAL, TN_T_DOUBLE, TN_T_VARCHAR, TN_T_BOOL, TN_T_NULL, TN_T_DATE,
                              TN_T_TIMESTAMP, TN_T_TIMESTAMP, TN_T_BLOB, TN_T_DECIMAL, TN_T_DECIMAL, TN_T_DECIMAL,
                              TN_T_DOUBLE};
    CHECK_EQ_INT(p->ncols, TN_ARRAY_LEN(ids));
    for (uint32_t i = 0; i < p->ncols && i < TN_ARRAY_LEN(ids); i++) {
        if (p->types[i].id != ids[i])
            fprintf(stderr, "column %u (%s): type id %d want %d\n", i, p->names[i], p->types[i].id, ids[i]);
        CHECK_EQ_INT(p->types[i].id, ids[i]);
    }
    CHECK_EQ_INT(p->types[4].precision, 2);
    CHECK_EQ_INT(p->types[4].scale, 1);
    CHECK_EQ_INT(p->types[5].precision, 3); /* 0.05: every written digit counts (DuckDB) */
    CHECK_EQ_INT(p->types[5].scale, 2);
    CHECK_EQ_INT(p->types[6].precision, 7);
    CHECK_EQ_INT(p->types[6].scale, 4);
    CHECK_EQ_INT(p->types[12].tz, 0);
    CHECK_EQ_INT(p->types[13].tz, 1);
    CHECK_EQ_INT(p->types[15].precision, 10);
    CHECK_EQ_INT(p->types[15].scale, 2);
    CHECK_EQ_INT(p->types[16].precision, 18);
    CHECK_EQ_INT(p->types[16].scale, 3);
    CHECK_EQ_INT(p->types[17].precision, 21);
    CHECK_EQ_INT(p->types[17].scale, 1);
    sq_plan_free(p);
    check_rows("SELECT -2147483648, 9223372036854775807, -9223372036854775808, 0.05, -1.50, E'a\\tb', 'it''s'",
               "-2147483648,9223372036854775807,-9223372036854775808,0.05,-1.50,a\tb,it's");
}

static void test_expression_types(void)
{
    sq_plan *p = prep_ok("SELECT 1 + 1, 1 + 2::BIGINT, 1 + 1.5, 1 + 1e0, '5' + 1, 1 = 1, 'a' || 'b', "
                         "CASE WHEN true THEN 1 ELSE 2::BIGINT END, COALESCE(NULL, 1::SMALLINT), 1 IN (1, 2::BIGINT), "
                         "count(*), sum(1), avg(1), min('x'), NULLIF(1, 2)");
    if (!p)
        return;
    static const int ids[] = {TN_T_INT32, TN_T_INT64, TN_T_DECIMAL, TN_T_DOUBLE, TN_T_INT32, TN_T_BOOL,
                              TN_T_VARCHAR, TN_T_INT64, TN_T_INT16, TN_T_BOOL, TN_T_INT64, TN_T_INT128,
                              TN_T_DOUBLE, TN_T_VARCHAR, TN_T_INT32};
    CHECK_EQ_INT(p->ncols, TN_ARRAY_LEN(ids));
    for (uint32_t i = 0; i < p->ncols && i < TN_ARRAY_LEN(ids); i++) {
        if (p->types[i].id != ids[i])
            fprintf(stderr, "column %u (%s): type id %d want %d\n", i, p->names[i], p->types[i].id, ids[i]);
        CHECK_EQ_INT(p->types[i].id, ids[i]);
    }
    sq_plan_free(p);
}

static void test_implicit_casts(void)
{
    /* string literals adapt to the typed side */
    check_rows("SELECT DATE '2024-01-02' > '2024-01-01', '10' > 9, 9 < '10', '10' > '9'", "true,true,true,false");
    check_rows("SELECT 1 IN ('1', 2), DATE '2024-01-01' BETWEEN '2023-12-31' AND '2024-01-01'", "true,true");
    check_rows("SELECT CASE WHEN false THEN DATE '2024-01-01' ELSE '2024-02-03' END", "2024-02-03");
    check_rows("SELECT COALESCE(NULL, '7') || 1, COALESCE(NULL, 7) + '1'", "71,8");
    /* as in PostgreSQL, COALESCE of only literals is VARCHAR: no VARCHAR + INTEGER operator */
    check_error("SELECT COALESCE(NULL, '7') + 1", TN_ERROR, "operator does not exist: VARCHAR + INTEGER");
    /* integer widening and mixing */
    check_rows("SELECT 2147483647 + 1::BIGINT, 1 + 0.5, 3 / 2, 7 % 4, -(5)", "2147483648,1.5,1,3,-5");
    check_rows("SELECT 1 = 1.0, 1::TINYINT = 1::BIGINT", "true,true");
    /* a bad literal for the other side's type is reported at bind time, with its position */
    check_error_any("SELECT DATE '2024-01-01' = 'not a date'",
                    "invalid input syntax for type date: \"not a date\"\nLINE 1: SELECT DATE '2024-01-01' = 'not a date'\n"
                    "                                   ^");
    check_error_any("SELECT 1 + 'abc'", "invalid input syntax for type integer");
}

static void test_rewrites(void)
{
    check_rows("SELECT 5 BETWEEN 1 AND 5, 5 NOT BETWEEN 1 AND 5, NULL BETWEEN 1 AND 2", "true,false,NULL");
    check_rows("SELECT 3 IN (1, 2), 3 NOT IN (1, 2), 3 IN (1, NULL), 1 IN (1, NULL)", "false,true,NULL,true");
    check_rows("SELECT NULL IS NULL, 1 IS NOT NULL, NULL IS TRUE, NULL IS NOT TRUE, false IS FALSE, NULL IS NOT FALSE",
               "true,true,false,true,true,true");
    check_rows("SELECT 1 IS DISTINCT FROM 1, 1 IS DISTINCT FROM NULL, NULL IS DISTINCT FROM NULL, "
               "NULL IS NOT DISTINCT FROM NULL, 1 IS NOT DISTINCT FROM 2",
               "false,true,false,true,false");
    check_rows("SELECT CASE 3 WHEN 1 THEN 'a' WHEN 3 THEN 'c' END, CASE WHEN false THEN 1 END", "c,NULL");
    check_rows("SELECT NULLIF(1, 1), NULLIF(1, 2), COALESCE(NULL, NULL, 3)", "NULL,1,3");
    check_rows("SELECT 'abc' LIKE 'a%', 'abc' NOT LIKE 'a%', 'ABC' ILIKE 'a_c', 'x' || 1", "true,false,true,x1");
    check_rows("SELECT 'a%c' LIKE 'a!%c' ESCAPE '!', 'abc' LIKE 'a!%' ESCAPE '!', 'a%' NOT LIKE 'a!%' ESCAPE '!'",
               "true,false,false");
    check_rows("SELECT CAST('12' AS INTEGER), TRY_CAST('x' AS INTEGER), '3'::BIGINT * 2", "12,NULL,6");
    check_rows("SELECT SUBSTRING('hello' FROM 2 FOR 3), EXTRACT(year FROM DATE '2024-03-04')", "ell,2024");
    check_rows("SELECT NOT (1 > 2) AND (2 > 1 OR false)", "true");
    /* constant folding leaves failing subtrees for run time: unevaluated branches do not fail */
    check_rows("SELECT CASE WHEN false THEN 1 / 0 ELSE 5 END", "5");
}

static void test_result_names(void)
{
    sq_plan *p = prep_ok("SELECT range, range + 1, count(*), sum(range), count(DISTINCT range) AS d, -range, "
                         "CAST(range AS VARCHAR), range::INTEGER AS i, 'lit', range > 1 AND range < 5 "
                         "FROM range(3) GROUP BY range");
    if (!p)
        return;
    static const char *want[] = {"range", "(range + 1)", "count_star()", "sum(range)", "d", "-(range)",
                                 "CAST(range AS VARCHAR)", "i", "'lit'", "((range > 1) AND (range < 5))"};
    CHECK_EQ_INT(p->ncols, TN_ARRAY_LEN(want));
    for (uint32_t i = 0; i < p->ncols && i < TN_ARRAY_LEN(want); i++)
        CHECK_EQ_STR(p->names[i], want[i]);
    sq_plan_free(p);
    p = prep_ok("SELECT * FROM generate_series(1, 2) AS g(n)");
    if (p) {
        CHECK_EQ_INT(p->ncols, 1);
        CHECK_EQ_STR(p->names[0], "n");
        sq_plan_free(p);
    }
}

static void test_select_semantics(void)
{
    check_rows("SELECT * FROM range(3)", "0;1;2");
    check_rows("SELECT * FROM range(1, 7, 2)", "1;3;5");
    check_rows("SELECT * FROM generate_series(1, 3)", "1;2;3");
    check_rows("SELECT * FROM generate_series(3)", "0;1;2;3");
    check_rows("SELECT * FROM range(5, 0, -2)", "5;3;1");
    check_rows("SELECT 1 + 1", "2");
    check_rows("SELECT count(*)", "1");
    /* WHERE, ORDER BY on columns not selected, LIMIT/OFFSET in either order */
    check_rows("SELECT range * 10 FROM range(6) WHERE range % 2 = 0 ORDER BY range DESC", "40;20;0");
    check_rows("SELECT range FROM range(10) ORDER BY range DESC LIMIT 3 OFFSET 2", "7;6;5");
    check_rows("SELECT range FROM range(10) OFFSET 8", "8;9");
    check_rows("SELECT range FROM range(10) OFFSET 1 LIMIT 2", "1;2");
    check_rows("SELECT range FROM range(10) LIMIT 0", "");
    check_rows("SELECT range FROM range(3) LIMIT NULL", "0;1;2");
    check_rows("SELECT range AS r FROM range(4) ORDER BY r DESC LIMIT 2", "3;2");
    check_rows("SELECT range, -range AS neg FROM range(3) ORDER BY 2", "2,-2;1,-1;0,0");
    check_rows("SELECT range FROM range(4) ORDER BY range % 2, range DESC", "2;0;3;1");
    /* NULL ordering: NULLS LAST for ASC and NULLS FIRST for DESC by default (PostgreSQL) */
    check_rows("SELECT NULLIF(range, 1) AS x FROM range(3) ORDER BY x", "0;2;NULL");
    check_rows("SELECT NULLIF(range, 1) AS x FROM range(3) ORDER BY x DESC", "NULL;2;0");
    check_rows("SELECT NULLIF(range, 1) AS x FROM range(3) ORDER BY x NULLS FIRST", "NULL;0;2");
    /* aggregates */
    check_rows("SELECT range % 3 AS k, count(*), sum(range) FROM range(10) GROUP BY k ORDER BY k", "0,4,18;1,3,12;2,3,15");
    check_rows("SELECT range % 3, count(*) FROM range(10) GROUP BY 1 HAVING count(*) > 3", "0,4");
    check_rows("SELECT range % 3 + 1 FROM range(10) GROUP BY range % 3 ORDER BY 1", "1;2;3");
    check_rows("SELECT count(*), count(NULLIF(range, 2)), min(range), max(range), avg(range) FROM range(5)", "5,4,0,4,2.0");
    check_rows("SELECT count(DISTINCT range % 3) FROM range(10)", "3");
    check_rows("SELECT range % 2 AS p FROM range(6) GROUP BY p ORDER BY sum(range) DESC", "1;0");
    check_rows("SELECT sum(range) FROM range(0)", "NULL");
    check_rows("SELECT count(*) FROM range(4) HAVING count(*) > 10", "");
    /* DISTINCT */
    check_rows("SELECT DISTINCT range % 3 AS m FROM range(10) ORDER BY m", "0;1;2");
    check_rows("SELECT DISTINCT range % 3 FROM range(10) ORDER BY 1 DESC LIMIT 2", "2;1");
    /* subqueries */
    check_rows("SELECT s.y FROM (SELECT range AS x, range * 2 AS y FROM range(4)) AS s WHERE s.x > 1 ORDER BY y",
               "4;6");
    check_rows("SELECT count(*) FROM (SELECT DISTINCT range % 2 FROM range(9)) t", "2");
    check_rows("SELECT t.* FROM range(2) t", "0;1");
    /* case-insensitive unquoted names, exact quoted ones */
    check_rows("SELECT RANGE FROM range(1)", "0");
    check_rows("SELECT \"range\" FROM range(1)", "0");
}

static void test_errors(void)
{
    check_error("SELECT 1 WHERE 1", TN_ERROR, "argument of WHERE must be type boolean, not type INTEGER\nLINE 1:");
    check_error("SELECT 1 HAVING 'x' || 'y'", TN_ERROR, "argument of HAVING must be type boolean");
    check_error("SELECT NOT 1", TN_ERROR, "argument of NOT must be type boolean");
    check_error("SELECT range FROM range(3) WHERE count(*) > 1", TN_ERROR, "aggregate functions are not allowed in WHERE");
    check_error("SELECT count(*) FROM range(3) GROUP BY count(*)", TN_ERROR, "aggregate functions are not allowed in GROUP BY");
    check_error("SELECT count(*) FROM range(3) GROUP BY 1", TN_ERROR, "aggregate functions are not allowed in GROUP BY");
    check_error("SELECT sum(max(range)) FROM range(3)", TN_ERROR, "aggregate function calls cannot be nested");
    check_error("SELECT range, count(*) FROM range(3)", TN_ERROR,
                "column \"range\" must appear in the GROUP BY clause or be used in an aggregate function\n"
                "LINE 1: SELECT range, count(*) FROM range(3)\n               ^");
    check_error("SELECT range % 2, 1 + range FROM range(3) GROUP BY range % 2", TN_ERROR,
                "column \"range\" must appear in the GROUP BY clause or be used in an aggregate function\n"
                "LINE 1: SELECT range % 2, 1 + range FROM range(3) GROUP BY range % 2\n"
                "                              ^");
    check_error("SELECT 1 FROM range(3) GROUP BY range % 2 HAVING range > 1", TN_ERROR, "column \"range\" must appear");
    check_error("SELECT * FROM range(3) GROUP BY 1 + 1", TN_ERROR, "column \"range\" must appear");
    check_error("SELECT count(*) FROM range(3) ORDER BY range", TN_ERROR, "column \"range\" must appear");
    check_error("SELECT rnage FROM range(3)", TN_NOTFOUND,
                "column \"rnage\" does not exist\nLINE 1: SELECT rnage FROM range(3)\n               ^\n"
                "HINT: Perhaps you meant to reference the column \"range\".");
    check_error("SELECT zzz FROM range(3)", TN_NOTFOUND, "column \"zzz\" does not exist");
    check_error("SELECT x", TN_NOTFOUND, "column \"x\" does not exist");
    check_error("SELECT \"RANGE\" FROM range(3)", TN_NOTFOUND, "column \"RANGE\" does not exist");
    check_error("SELECT t.range FROM range(3) s", TN_NOTFOUND, "missing FROM-clause entry for table \"t\"");
    check_error("SELECT t.* FROM range(3) s", TN_NOTFOUND, "missing FROM-clause entry for table \"t\"");
    check_error("SELECT x FROM (SELECT 1 AS x, 2 AS x) s", TN_ERROR, "column reference \"x\" is ambiguous");
    check_error("SELECT *", TN_ERROR, "SELECT * with no tables specified is not valid");
    check_error("SELECT range FROM range(3) ORDER BY 2", TN_ERROR, "ORDER BY position 2 is not in select list");
    check_error("SELECT range FROM range(3) GROUP BY 0", TN_ERROR, "GROUP BY position 0 is not in select list");
    check_error("SELECT range FROM range(3) ORDER BY -1", TN_ERROR, "ORDER BY position -1 is not in select list");
    check_error("SELECT range FROM range(3) ORDER BY 99999999999", TN_ERROR, "ORDER BY position 2147483647 is not");
    check_error("SELECT DISTINCT range % 2 FROM range(3) ORDER BY range", TN_ERROR,
                "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
    check_error("SELECT 1 LIMIT -1", TN_ERROR, "LIMIT must not be negative");
    check_error("SELECT 1 OFFSET -5", TN_ERROR, "OFFSET must not be negative");
    check_error("SELECT 1 LIMIT 'a'", TN_ERROR, "argument of LIMIT must be an integer");
    check_error("SELECT 1 LIMIT 1.5", TN_ERROR, "argument of LIMIT must be an integer");
    check_error_any("SELECT DATE 'garbage'", "invalid input syntax for type date");
    check_error("SELECT nosuchfn(1)", TN_NOTFOUND, "function nosuchfn(INTEGER) does not exist");
    check_error("SELECT 1 + true", TN_ERROR, "operator does not exist: INTEGER + BOOLEAN");
    check_error("SELECT lower(DISTINCT 'x')", TN_ERROR, "DISTINCT specified, but lower is not an aggregate function");
    check_error("SELECT sum(*) FROM range(2)", TN_ERROR, "sum(*) is not allowed");
    check_error("SELECT sum(1, 2)", TN_ERROR, "aggregate function sum takes exactly one argument");
    check_error("SELECT sum('x')", TN_ERROR, "");
    check_error("SELECT 1 + *", TN_SYNTAX, "syntax error at or near \"*\"");
    check_error("SELECT * FROM nosuch", TN_NOTFOUND, "relation \"nosuch\" does not exist");
    check_error("SELECT * FROM nosuch_fn(1)", TN_NOTFOUND, "table function \"nosuch_fn\" does not exist");
    check_error("SELECT * FROM range(1, 2, 0)", TN_ERROR, "range step must not be zero");
    check_error("SELECT * FROM range(NULL)", TN_ERROR, "arguments of range must not be NULL");
    check_error("SELECT * FROM range('a')", TN_ERROR, "argument of range must be an integer");
    check_error("SELECT * FROM range(1) t(a, b)", TN_ERROR, "table \"t\" has 1 columns available but 2 columns specified");
    check_error("SELECT * FROM read_parquet(1)", TN_ERROR, "read_parquet expects a string or a list of strings");
    check_error("SELECT * FROM read_parquet(['a', 1])", TN_ERROR, "read_parquet expects a list of string literals");
    check_error("SELECT * FROM '/nonexistent/dir/x.parquet'", TN_NOTFOUND, "");
    check_error("SET threads = 1", TN_NOTSUP, "SET is not supported");
    check_error("PRAGMA version", TN_NOTSUP, "PRAGMA and SHOW are not supported");
    check_error("COPY (SELECT 1) TO 'x.parquet' (FORMAT csv)", TN_NOTSUP, "COPY format \"csv\" is not supported");
    check_error("COPY (SELECT 1) TO 'x.parquet' (COMPRESSION nope)", TN_ERROR, "unsupported compression \"nope\"");
    check_error("COPY (SELECT 1) TO 'x.parquet' (ROW_GROUP_SIZE 0)", TN_ERROR, "ROW_GROUP_SIZE must be positive");
    check_error("COPY (SELECT 1) TO 'x.parquet' (ROW_GROUP_SIZE_BYTES '12 parsecs')", TN_ERROR, "invalid size");
    check_error("COPY (SELECT 1) TO 'x.parquet' (BOGUS 1)", TN_ERROR, "unrecognized COPY option \"BOGUS\"");
    check_error("COPY (SELECT 1) TO 'x.parquet' (COMPRESSION)", TN_ERROR, "COPY option COMPRESSION requires a value");
    check_error("SELECT 1::INTEGER::DATE", TN_ERROR, "cannot cast type INTEGER to DATE");
}

static void test_statements(void)
{
    /* DESCRIBE */
    sq_plan *p = prep_ok("DESCRIBE SELECT 1 AS a, 'x' AS b");
    if (p) {
        CHECK_EQ_INT(p->ncols, 6);
        CHECK_EQ_STR(p->names[0], "column_name");
        CHECK_EQ_STR(p->names[1], "column_type");
        CHECK_EQ_STR(p->names[2], "null");
        CHECK_EQ_STR(p->names[5], "extra");
        sq_plan_free(p);
    }
    check_rows("DESCRIBE SELECT 1 AS a, 'x' AS b, 1.5 AS c", "a,INTEGER,YES,NULL,NULL,NULL;b,VARCHAR,YES,NULL,NULL,NULL;"
                                                             "c,DECIMAL(2,1),YES,NULL,NULL,NULL");
    check_rows("DESCRIBE range(3)", "range,BIGINT,YES,NULL,NULL,NULL");
    /* EXPLAIN: plan shapes */
    p = prep_ok("EXPLAIN SELECT 1");
    if (p) {
        CHECK_EQ_INT(p->ncols, 1);
        CHECK_EQ_STR(p->names[0], "explain");
        CHECK_EQ_INT(p->types[0].id, TN_T_VARCHAR);
        sq_plan_free(p);
    }
    char *e = explain("SELECT range FROM range(10) ORDER BY range DESC LIMIT 3");
    CHECK(strstr(e, "TOP_N") != NULL);
    CHECK(strstr(e, "SORT") == NULL);
    free(e);
    e = explain("SELECT range FROM range(10) ORDER BY range");
    CHECK(strstr(e, "SORT") != NULL && strstr(e, "TOP_N") == NULL && strstr(e, "LIMIT") == NULL);
    free(e);
    e = explain("SELECT range FROM range(10) LIMIT 3");
    CHECK(strstr(e, "LIMIT") != NULL && strstr(e, "TOP_N") == NULL);
    free(e);
    e = explain("SELECT * FROM range(10)"); /* identity projection is dropped */
    CHECK(strstr(e, "RANGE") != NULL && strstr(e, "PROJECT") == NULL);
    free(e);
    e = explain("SELECT DISTINCT range % 2 FROM range(10)");
    CHECK(strstr(e, "HASH_AGGREGATE") != NULL && strstr(e, "PROJECT") != NULL);
    free(e);
    e = explain("SELECT range FROM range(10) WHERE range > 1 + 1");
    CHECK(strstr(e, "FILTER") != NULL);
    CHECK(strstr(e, "1 + 1") == NULL); /* folded */
    free(e);
    e = explain("SELECT 1");
    CHECK(strstr(e, "SINGLE_ROW") != NULL);
    free(e);
    e = explain("SELECT x FROM (SELECT range AS x FROM range(3)) s ORDER BY x LIMIT 1");
    CHECK(strstr(e, "TOP_N") != NULL && strstr(e, "RANGE") != NULL);
    free(e);
}

static void test_script_tail(void)
{
    const char *sql = "SELECT 1; SELECT 2 ;\n -- done\n";
    const char *tail = sql;
    int n = 0;
    for (int guard = 0; guard < 10 && *tail; guard++) {
        sq_plan *p = NULL;
        tn_err err = TN_ERR_INIT;
        const char *next;
        int rc = sq_prepare(&g_env, tail, &next, &p, &err);
        CHECK_EQ_INT(rc, TN_OK);
        CHECK(next > tail);
        if (p && p->kind == SQ_STMT_QUERY)
            n++;
        if (p && p->kind == SQ_STMT_EMPTY)
            CHECK(p->root == NULL);
        sq_plan_free(p);
        tail = next;
    }
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(*tail, 0);
}

static char *repeat3(const char *a, const char *unit, int n, const char *mid, const char *unit2, int n2)
{
    size_t len = strlen(a) + strlen(unit) * (size_t)n + strlen(mid) + strlen(unit2) * (size_t)n2 + 1;
    char *s = malloc(len), *p = s;
    p += sprintf(p, "%s", a);
    for (int i = 0; i < n; i++)
        p += sprintf(p, "%s", unit);
    p += sprintf(p, "%s", mid);
    for (int i = 0; i < n2; i++)
        p += sprintf(p, "%s", unit2);
    return s;
}

static void test_hostile(void)
{
    char *s = repeat3("SELECT ", "(", 5000, "1", ")", 5000);
    check_error(s, TN_ERROR, "statement is too deeply nested");
    free(s);
    /* left-leaning operator chains are bound, folded and evaluated in loops: a long one works
     * (integration); only an absurdly long one is refused, and deep nesting still is */
    s = repeat3("SELECT 1", " + 1", 5000, "", "", 0);
    check_rows(s, "5001");
    free(s);
    s = repeat3("SELECT 1", " + 1", 40000, "", "", 0);
    check_error(s, TN_ERROR, "expression is too long");
    free(s);
    s = repeat3("SELECT ", "abs(", 1500, "1", ")", 1500);
    check_error(s, TN_ERROR, "statement is too deeply nested");
    free(s);
    s = repeat3("SELECT * FROM ", "(SELECT * FROM ", 100, "range(1)", ") t", 100);
    check_error(s, TN_ERROR, "subqueries are nested too deeply");
    free(s);
    s = repeat3("SELECT * FROM ", "(SELECT * FROM ", 20, "range(2)", ") t", 20);
    check_rows(s, "0;1");
    free(s);
    s = repeat3("SELECT ", "9", 400, "", "", 0);
    check_error(s, TN_RANGE, "numeric literal");
    free(s);
    s = repeat3("SELECT 0.", "1", 60, "", "", 0); /* more than 38 digits: DOUBLE */
    sq_plan *p = prep_ok(s);
    if (p) {
        CHECK_EQ_INT(p->types[0].id, TN_T_DOUBLE);
        sq_plan_free(p);
    }
    free(s);
    s = repeat3("SELECT 1 IN (0", ", 2", 20000, ", 1)", "", 0);
    check_rows(s, "true");
    free(s);
}

/* ---- Parquet: projection/predicate pushdown on a file written by COPY ---- */

static char g_file[1024];

static bool make_file(void)
{
    const char *tmp = getenv("TARN_TEST_TMP");
    if (!tmp) {
        fprintf(stderr, "TARN_TEST_TMP not set: skipping the Parquet pushdown tests\n");
        return false;
    }
    mkdir(tmp, 0777);
    snprintf(g_file, sizeof g_file, "%s/sql_binder_pushdown.parquet", tmp);
    char sql[2048];
    snprintf(sql, sizeof sql,
             "COPY (SELECT range AS id, (range %% 7)::INTEGER AS small, 'k' || (range %% 3) AS s, "
             "CASE WHEN range %% 10 = 0 THEN NULL ELSE range END AS maybe FROM range(1000)) "
             "TO '%s' (FORMAT parquet, ROW_GROUP_SIZE 100, COMPRESSION zstd)",
             g_file);
    char *r = run(sql);
    bool ok = strcmp(r, "1000") == 0;
    if (!ok)
        fprintf(stderr, "COPY returned %s\n", r);
    CHECK(ok);
    free(r);
    return ok;
}

static void q(char *buf, size_t cap, const char *fmt)
{
    snprintf(buf, cap, fmt, g_file);
}

static void test_parquet(void)
{
    if (!make_file())
        return;
    char sql[2048];
    q(sql, sizeof sql, "SELECT count(*), sum(id), count(maybe) FROM '%s'");
    check_rows(sql, "1000,499500,900");
    /* pushdown of a range over id prunes row groups but results stay exact */
    q(sql, sizeof sql, "SELECT id, s FROM '%s' WHERE id BETWEEN 250 AND 252 ORDER BY id");
    check_rows(sql, "250,k1;251,k2;252,k0");
    q(sql, sizeof sql, "EXPLAIN SELECT id, s FROM '%s' WHERE id BETWEEN 250 AND 252");
    char *e = run(sql);
    CHECK(strstr(e, "PARQUET_SCAN") != NULL);
    CHECK(strstr(e, "10 row groups, 9 pruned by 2 pushed-down predicates") != NULL);
    CHECK(strstr(e, "FILTER") != NULL); /* the filter stays */
    CHECK(strstr(e, "columns: id, s") != NULL); /* projection pushdown */
    free(e);
    /* COUNT(*) reads no columns */
    q(sql, sizeof sql, "EXPLAIN SELECT count(*) FROM '%s'");
    e = run(sql);
    CHECK(strstr(e, "columns: (none)") != NULL);
    free(e);
    /* IN list and IS NULL push down */
    q(sql, sizeof sql, "EXPLAIN SELECT id FROM '%s' WHERE id IN (5, 905) AND maybe IS NOT NULL");
    e = run(sql);
    CHECK(strstr(e, "8 pruned by 2 pushed-down predicates") != NULL);
    free(e);
    q(sql, sizeof sql, "SELECT id FROM '%s' WHERE id IN (5, 905, 10) AND maybe IS NOT NULL ORDER BY id");
    check_rows(sql, "5;905");
    /* comparison with a constant that is not exactly representable in the column type: not
       pushed (INTEGER column vs 2.5), but still filtered correctly */
    q(sql, sizeof sql, "EXPLAIN SELECT count(*) FROM '%s' WHERE small > 2.5");
    e = run(sql);
    CHECK(strstr(e, "pushed-down") == NULL);
    free(e);
    q(sql, sizeof sql, "SELECT count(*) FROM '%s' WHERE small > 2.5");
    check_rows(sql, "571");
    /* constant on the left flips the operator */
    q(sql, sizeof sql, "SELECT count(*) FROM '%s' WHERE 990 < id");
    check_rows(sql, "9");
    q(sql, sizeof sql, "EXPLAIN SELECT count(*) FROM '%s' WHERE 990 < id");
    e = run(sql);
    CHECK(strstr(e, "9 pruned by 1 pushed-down predicate") != NULL);
    free(e);
    /* string literal adapting to the column; equality on strings */
    q(sql, sizeof sql, "SELECT count(*) FROM '%s' WHERE s = 'k2' AND id < '30'");
    check_rows(sql, "10");
    /* group by / order by over the file, aliases and ordinals */
    q(sql, sizeof sql, "SELECT s AS key, count(*) AS n, min(id) FROM '%s' GROUP BY key ORDER BY n DESC, 1 LIMIT 2");
    check_rows(sql, "k0,334,0;k1,333,1");
    /* projection pushdown reaches through subqueries */
    q(sql, sizeof sql, "EXPLAIN SELECT s FROM (SELECT * FROM '%s') t WHERE t.id < 5");
    e = run(sql);
    CHECK(strstr(e, "columns: id, s;") != NULL || strstr(e, "columns: id, s [") != NULL);
    free(e);
    q(sql, sizeof sql, "SELECT s, x FROM (SELECT id * 2 AS x, *, small FROM '%s') t WHERE t.id < 3 ORDER BY x");
    check_rows(sql, "k0,0;k1,2;k2,4");
    q(sql, sizeof sql, "SELECT count(*) FROM (SELECT * FROM '%s' WHERE small = 3) t");
    check_rows(sql, "143");
    q(sql, sizeof sql, "SELECT count(*) FROM (SELECT DISTINCT s, small FROM '%s') t");
    check_rows(sql, "21");
    /* outer WHERE conjuncts move into a plain subquery and reach its scan */
    q(sql, sizeof sql, "EXPLAIN SELECT * FROM (SELECT * FROM '%s') t WHERE id = 7");
    e = run(sql);
    CHECK(strstr(e, "9 pruned by 1 pushed-down predicate") != NULL);
    free(e);
    q(sql, sizeof sql, "SELECT s, x FROM (SELECT s, id + 1 AS x FROM '%s' WHERE small > 1) t WHERE x < 6 AND s <> 'k0'");
    check_rows(sql, "k2,3;k1,5");
    /* ... but not past a LIMIT, DISTINCT or aggregate, which would change the result */
    q(sql, sizeof sql, "SELECT count(*) FROM (SELECT * FROM '%s' LIMIT 10) t WHERE id > 5");
    check_rows(sql, "4");
    q(sql, sizeof sql, "SELECT n FROM (SELECT s, count(*) AS n FROM '%s' GROUP BY s) t WHERE s = 'k1'");
    check_rows(sql, "333");
    /* read_parquet with a list, table alias */
    char sql2[4096];
    snprintf(sql2, sizeof sql2, "SELECT count(*), count(DISTINCT f.id) FROM read_parquet(['%s', '%s']) AS f", g_file,
             g_file);
    check_rows(sql2, "2000,1000");
    /* COPY source TO ... */
    snprintf(sql2, sizeof sql2, "COPY '%s' TO '%s.copy' WITH (COMPRESSION 'snappy')", g_file, g_file);
    check_rows(sql2, "1000");
    /* DESCRIBE a file */
    q(sql, sizeof sql, "DESCRIBE '%s'");
    check_rows(sql, "id,BIGINT,YES,NULL,NULL,NULL;small,INTEGER,YES,NULL,NULL,NULL;s,VARCHAR,YES,NULL,NULL,NULL;"
                    "maybe,BIGINT,YES,NULL,NULL,NULL");
}

static void setup(void)
{
    g_env.fs = vfs_default();
}

TEST_MAIN(setup, test_literal_types, test_expression_types, test_implicit_casts, test_rewrites, test_result_names,
          test_select_semantics, test_errors, test_statements, test_script_tail, test_hostile, test_parquet)
