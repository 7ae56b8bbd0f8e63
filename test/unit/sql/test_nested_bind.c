/*
 * test_nested_bind.c -- nested values in the SQL front end: parsing of list/struct/map literals,
 * subscripts, slices, field access, named arguments and nested type names (checked through the
 * rendering); binding (result types, struct-column vs table-alias resolution, implicit casts of
 * list elements, errors for unsupported uses with their codes); and planning of UNNEST (plan
 * shapes via EXPLAIN, row counts through subqueries, ORDER BY over the output).
 */
#include "tn_test.h"
#include "sql/parser.h"
#include "sql/sql.h"
#include "util/format.h"

#include <stdlib.h>
#include <string.h>

static sq_env g_env;

/* ---------- parsing ---------- */

static char *render_expr(const char *expr, tn_err *err)
{
    char sql[4096];
    snprintf(sql, sizeof sql, "SELECT %s", expr);
    sq_arena *a = sq_arena_new();
    sq_stmt *st = NULL;
    size_t end;
    char *out = NULL;
    if (sq_parse(a, sql, 0, &st, &end, err) == TN_OK) {
        tn_sbuf sb = TN_SBUF_INIT;
        sq_expr_render(st->select->items[0].expr, &sb);
        out = strdup(tn_sbuf_str(&sb));
        tn_sbuf_free(&sb);
    }
    sq_arena_free(a);
    return out;
}

static void check_render(const char *expr, const char *want)
{
    tn_err err = TN_ERR_INIT;
    char *got = render_expr(expr, &err);
    if (!got)
        fprintf(stderr, "parse of [%s] failed: %s\n", expr, err.msg);
    CHECK_EQ_STR(got, want);
    free(got);
}

static void check_parse_error(const char *expr, int code, const char *needle)
{
    tn_err err = TN_ERR_INIT;
    char *got = render_expr(expr, &err);
    CHECK(got == NULL);
    CHECK_EQ_INT(err.code, code);
    if (needle && !strstr(err.msg, needle)) {
        fprintf(stderr, "[%s]: message \"%s\" lacks \"%s\"\n", expr, err.msg, needle);
        CHECK(0);
    }
    free(got);
}

static void test_parse(void)
{
    check_render("l[1]", "l[1]");
    check_render("l[1:2]", "l[1:2]");
    check_render("l[:2]", "l[:2]");
    check_render("l[2:]", "l[2:]");
    check_render("l[:]", "l[:]");
    check_render("-l[1] + 2", "(-(l[1]) + 2)");
    check_render("l[1].a[2:]", "l[1].a[2:]");
    check_render("t.s.a.b", "t.s.a.b");
    check_render("(x).a", "x.a");
    check_render("[1, [2, 3]][2][1]", "[1, [2, 3]][2][1]");
    check_render("{'a': 1, b: 'x', \"C d\": [1]}", "{'a': 1, 'b': 'x', 'C d': [1]}");
    check_render("{}", "{}");
    check_render("MAP {1: 'a', 2: 'b'}", "MAP {1: 'a', 2: 'b'}");
    check_render("map {}", "MAP {}");
    check_render("struct_pack(a := 1, \"B\" := 2)", "struct_pack(a := 1, \"B\" := 2)");
    check_render("l[1]::VARCHAR", "CAST(l[1] AS VARCHAR)");
    check_render("x::INT[]", "CAST(x AS INTEGER[])");
    check_render("x::int[][]", "CAST(x AS INTEGER[][])");
    check_render("CAST(x AS STRUCT(a INT, \"b c\" VARCHAR[]))", "CAST(x AS STRUCT(a INTEGER, b c VARCHAR[]))");
    check_render("CAST(x AS MAP(VARCHAR, STRUCT(k BIGINT)[]))", "CAST(x AS MAP(VARCHAR, STRUCT(k BIGINT)[]))");
    check_render("a[i + 1 : j]", "a[(i + 1):j]");
    /* errors */
    check_parse_error("{'a' 1}", TN_SYNTAX, "syntax error");
    check_parse_error("l[]", TN_SYNTAX, "syntax error");
    check_parse_error("{1: 2}", TN_SYNTAX, "syntax error");
    check_parse_error("l[1:2:3]", TN_NOTSUP, "step");
    check_parse_error("x::INT[3]", TN_NOTSUP, "fixed-size");
    check_parse_error("x.", TN_SYNTAX, NULL);
    check_parse_error("CAST(x AS STRUCT(a INT, A INT))", TN_ERROR, "duplicate struct entry name");
    check_parse_error("CAST(x AS STRUCT())", TN_SYNTAX, NULL);
    check_parse_error("CAST(x AS MAP(INT))", TN_SYNTAX, NULL);
    /* nesting limits: type names and list literal depth */
    char deep[4096] = "x::INT";
    for (int i = 0; i < 70; i++)
        strcat(deep, "[]");
    check_parse_error(deep, TN_ERROR, "nested too deeply");
}

/* ---------- binding and running ---------- */

static sq_plan *prep(const char *sql, int *rc, tn_err *err)
{
    sq_plan *p = NULL;
    *rc = sq_prepare(&g_env, sql, NULL, &p, err);
    return p;
}

static char *run(const char *sql)
{
    tn_err err = TN_ERR_INIT;
    int rc;
    sq_plan *p = prep(sql, &rc, &err);
    if (rc || !p) {
        fprintf(stderr, "prepare [%s] failed: %s\n", sql, err.msg);
        return strdup("<prepare failed>");
    }
    tn_sbuf out = TN_SBUF_INIT;
    bool first = true;
    for (;;) {
        tn_chunk *c = NULL;
        if ((rc = ex_op_next(p->root, &c, &err))) {
            fprintf(stderr, "run [%s] failed: %s\n", sql, err.msg);
            tn_sbuf_printf(&out, "<error %d>", rc);
            break;
        }
        if (!c)
            break;
        for (uint32_t i = 0; i < tn_chunk_rows(c); i++) {
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

/* Result column i's type name and column name. */
static void check_col(const char *sql, uint32_t i, const char *type, const char *name)
{
    tn_err err = TN_ERR_INIT;
    int rc;
    sq_plan *p = prep(sql, &rc, &err);
    if (rc || !p) {
        fprintf(stderr, "prepare [%s] failed: %s\n", sql, err.msg);
        CHECK(0);
        return;
    }
    char tb[256];
    CHECK(i < p->ncols);
    if (i < p->ncols) {
        CHECK_EQ_STR(tn_type_name(p->types[i], tb, sizeof tb), type);
        if (name)
            CHECK_EQ_STR(p->names[i], name);
    }
    sq_plan_free(p);
}

static void check_error(const char *sql, int code, const char *needle)
{
    tn_err err = TN_ERR_INIT;
    int rc;
    sq_plan *p = prep(sql, &rc, &err);
    sq_plan_free(p);
    if (rc != code)
        fprintf(stderr, "[%s]: rc %d want %d (%s)\n", sql, rc, code, err.msg);
    CHECK_EQ_INT(rc, code);
    if (needle && !strstr(err.msg, needle)) {
        fprintf(stderr, "[%s]: message \"%s\" lacks \"%s\"\n", sql, err.msg, needle);
        CHECK(0);
    }
}

static void test_types_and_names(void)
{
    check_col("SELECT [1, 2]", 0, "INTEGER[]", "[1, 2]");
    check_col("SELECT []", 0, "INTEGER[]", NULL);
    check_col("SELECT [NULL, NULL]", 0, "INTEGER[]", NULL);
    check_col("SELECT [1, 2.5]", 0, "DECIMAL(11,1)[]", NULL);
    check_col("SELECT [1, '2']", 0, "INTEGER[]", NULL);    /* the string literal adapts */
    check_col("SELECT ['a', NULL]", 0, "VARCHAR[]", NULL);
    check_col("SELECT [[1], [2, 3]]", 0, "INTEGER[][]", NULL);
    check_col("SELECT [1, 2::BIGINT]", 0, "BIGINT[]", NULL);
    /* untyped lists adopt their neighbours' type */
    check_col("SELECT [[], ['a']]", 0, "VARCHAR[][]", NULL);
    check_col("SELECT [[NULL], [[1]]]", 0, "INTEGER[][][]", NULL);
    check_col("SELECT [[[]], [[2.5]]]", 0, "DECIMAL(2,1)[][][]", NULL);
    check_col("SELECT MAP {1: [], 2: [true]}", 0, "MAP(INTEGER, BOOLEAN[])", NULL);
    check_col("SELECT list_contains([['x']], [])", 0, "BOOLEAN", NULL);
    check_col("SELECT list_value(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20.5)", 0,
              "DECIMAL(11,1)[]", NULL);
    check_col("SELECT {'a': 1, 'b': 'x'}", 0, "STRUCT(a INTEGER, b VARCHAR)", NULL);
    check_col("SELECT {'a': NULL}", 0, "STRUCT(a INTEGER)", NULL);
    check_col("SELECT struct_pack(k := [1])", 0, "STRUCT(k INTEGER[])", NULL);
    check_col("SELECT MAP {'k': 1, 'j': 2.5}", 0, "MAP(VARCHAR, DECIMAL(11,1))", NULL);
    check_col("SELECT MAP {'k': 1}['k']", 0, "INTEGER", NULL);
    check_col("SELECT element_at(MAP {'k': 1}, 'k')", 0, "INTEGER[]", NULL);
    check_col("SELECT [1, 2][1]", 0, "INTEGER", "[1, 2][1]");
    check_col("SELECT [1, 2][1:1]", 0, "INTEGER[]", NULL);
    check_col("SELECT len([1])", 0, "BIGINT", NULL);
    check_col("SELECT length('abc')", 0, "BIGINT", NULL); /* strings still resolve to the string function */
    check_col("SELECT list_contains([1], 1)", 0, "BOOLEAN", NULL);
    check_col("SELECT [1] = [1]", 0, "BOOLEAN", NULL);
    check_col("SELECT [1] || [2.5]", 0, "DECIMAL(11,1)[]", NULL);
    check_col("SELECT CAST([1] AS VARCHAR)", 0, "VARCHAR", NULL);
    check_col("SELECT CAST([1] AS BIGINT[])", 0, "BIGINT[]", NULL);
    check_col("SELECT CAST(NULL AS STRUCT(a INT)[])", 0, "STRUCT(a INTEGER)[]", NULL);
    check_col("SELECT s.a FROM (SELECT {'a': 5} AS s) t", 0, "INTEGER", "a");
    check_col("SELECT unnest([[1]]) AS u", 0, "INTEGER[]", "u");
    check_col("SELECT unnest(MAP {'k': 1})", 0, "STRUCT(key VARCHAR, value INTEGER)", NULL);
    check_col("SELECT * FROM unnest(['a'])", 0, "VARCHAR", "unnest");
    check_col("SELECT * FROM unnest([1]) AS t(x)", 0, "INTEGER", "x");
}

static void test_resolution(void)
{
    /* table alias first, then a STRUCT column of that name */
    check_rows("SELECT t.a FROM (SELECT 1 AS a, {'a': 2} AS t) t", "1");
    check_rows("SELECT t.a FROM (SELECT 1 AS a, {'a': 2} AS t) x", "2");
    check_rows("SELECT x.t.a FROM (SELECT 1 AS a, {'a': 2} AS t) x", "2");
    check_rows("SELECT T.A FROM (SELECT {'a': 2} AS t) x", "2");
    check_rows("SELECT s.inner.v, s['inner']['v'] FROM (SELECT {'inner': {'v': 7}} AS s)", "7,7");
    check_rows("SELECT struct_extract(s, 'b') FROM (SELECT {'a': 1, 'b': 'x'} AS s)", "x");
    check_error("SELECT s.zz FROM (SELECT {'a': 1} AS s) t", TN_ERROR, "could not find key \"zz\" in struct");
    check_error("SELECT q.a FROM (SELECT 1 AS a) t", TN_NOTFOUND, "missing FROM-clause entry");
    check_error("SELECT a.x FROM (SELECT 1 AS a) t", TN_NOTFOUND, NULL); /* a is not a struct */
    check_error("SELECT (1).a", TN_ERROR, "cannot extract field \"a\" from a value of type INTEGER");
    check_error("SELECT 'abc'[1]", TN_ERROR, "cannot subscript a value of type VARCHAR");
    check_error("SELECT 'abc'[1:2]", TN_ERROR, "cannot slice");
    check_error("SELECT {'a': 1}[1]", TN_ERROR, "constant string");
    check_error("SELECT [1][1.5]", TN_NOTFOUND, "list_extract(INTEGER[], DECIMAL(2,1))");
    check_error("SELECT [1, 'x']", TN_ERROR, "invalid input syntax");
    check_error("SELECT [1, [2]]", TN_ERROR, "cannot be matched");
    check_error("SELECT {'a': 1} = {'b': 1}", TN_ERROR, "cannot be matched");
    check_error("SELECT struct_pack(1)", TN_ERROR, "named arguments");
    check_error("SELECT upper(x := 'a')", TN_ERROR, "does not accept named arguments");
    check_error("SELECT {'a': 1, 'A': 2}", TN_ERROR, "duplicate struct entry name");
    check_error("SELECT [1] + 1", TN_ERROR, "operator does not exist: INTEGER[] + INTEGER");
    check_error("SELECT CAST('[1]' AS INT[])", TN_ERROR, "cannot cast type VARCHAR to INTEGER[]");
    check_error("SELECT CAST([1] AS STRUCT(a INT))", TN_ERROR, "cannot cast");
    /* CASE / COALESCE may produce nested values (integration: the evaluator copies them) */
    check_rows("SELECT CASE WHEN true THEN [1] END", "[1]");
    check_rows("SELECT COALESCE(NULL, [2]), COALESCE([1], [])", "[2],[1]");
    char deep[2048] = "SELECT ";
    for (int i = 0; i < 70; i++)
        strcat(deep, "[");
    strcat(deep, "1");
    for (int i = 0; i < 70; i++)
        strcat(deep, "]");
    check_error(deep, TN_ERROR, "nested too deeply");
}

static void test_values(void)
{
    check_rows("SELECT [1, 2, 3][2], [1, 2, 3][-1], [1, 2, 3][0], [1, 2, 3][9]", "2,3,NULL,NULL");
    check_rows("SELECT [1, 2, 3, 4][2:-2], [1, 2][NULL:1], [1][:NULL]", "[2, 3],NULL,NULL");
    check_rows("SELECT MAP {'a': 1, 'b': 2}['b'], MAP {'a': 1}['z'], map_extract(MAP {1: 'x'}, 1)", "2,NULL,[x]");
    check_rows("SELECT [1, 2] IN ([3], [1, 2]), [1] NOT IN ([2], NULL), [1] IN ([2], NULL)", "true,NULL,NULL");
    check_rows("SELECT [1, NULL] = [1, NULL], [1, 2] < [1, 2, 0], {'a': 1} <> {'a': 2}", "true,true,true");
    check_rows("SELECT [1, 2] IS DISTINCT FROM [1, 2], NULL::INT[] IS DISTINCT FROM [1]", "false,true");
    check_rows("SELECT list_contains(['a', 'b'], 'b'), list_contains([1, 2], 2::BIGINT)", "true,true");
    check_rows("SELECT CAST({'a': [1, 2], 'b': MAP {'k': NULL}} AS VARCHAR)", "{'a': [1, 2], 'b': {k=NULL}}");
    check_rows("SELECT CAST([1, 2] AS DOUBLE[]), TRY_CAST(['1', 'x'] AS INT[])", "[1.0, 2.0],[1, NULL]");
    check_rows("SELECT range, [range, range * 2] FROM range(3) WHERE [range] <> [1]", "0,[0, 0];2,[2, 4]");
    check_error("SELECT CAST(['1', 'x'] AS INT[])", TN_OK, NULL); /* bound fine: fails when run */
    check_rows("SELECT count(*) FROM range(3) WHERE list_contains([0, 2], range)", "2");
    check_rows("SELECT [] = ['x'], [[], ['a']][1], list_contains([[], ['a']], []), [] || [NULL, 'z']",
               "false,[],true,[NULL, z]");
}

static void test_unnest(void)
{
    check_rows("SELECT unnest([1, 2, 3]) AS x, 'k'", "1,k;2,k;3,k");
    check_rows("SELECT unnest([1, 2]), unnest(['a', 'b', 'c'])", "1,a;2,b;NULL,c");
    check_rows("SELECT unnest([]), 1", "");
    check_rows("SELECT range, unnest([range, range + 10]) FROM range(2)", "0,0;0,10;1,1;1,11");
    check_rows("SELECT unnest(l) + 1 AS v FROM (SELECT [range, 5] AS l FROM range(2)) ORDER BY v DESC LIMIT 3",
               "6;6;2");
    check_rows("SELECT count(*), unnest([1, 2]) FROM range(3)", "3,1;3,2");
    check_rows("SELECT range % 2 AS g, unnest([sum(range)]) FROM range(4) GROUP BY g ORDER BY g", "0,2;1,4");
    check_rows("SELECT DISTINCT unnest([1, 1, 2]) AS x ORDER BY x", "1;2");
    check_rows("SELECT * FROM unnest([10, 20]) AS t(x) WHERE x > 10", "20");
    check_rows("SELECT count(*) FROM (SELECT unnest([1, 2, 3]) AS x, 5 AS y)", "3");
    check_rows("SELECT y FROM (SELECT unnest([1, 2, 3]) AS x, 5 AS y) WHERE x > 1", "5;5");
    check_rows("SELECT e.key, e.value FROM (SELECT unnest(MAP {'a': 1, 'b': 2}) AS e)", "a,1;b,2");
    check_error("SELECT 1 WHERE unnest([1]) = 1", TN_ERROR, "UNNEST is not supported here");
    check_error("SELECT unnest(unnest([[1]]))", TN_NOTSUP, "nested UNNEST");
    check_error("SELECT sum(unnest([1]))", TN_ERROR, "UNNEST is not allowed inside an aggregate");
    check_error("SELECT unnest(1)", TN_ERROR, "unnest expects a LIST or MAP argument");
    check_error("SELECT * FROM unnest(range)", TN_NOTFOUND, NULL);
    check_error("SELECT unnest([3, 1]) AS x FROM range(2) ORDER BY range", TN_ERROR, "ORDER BY expressions must appear");
    /* nested GROUP BY / DISTINCT / ORDER BY keys (integration: hashed and compared as values) */
    check_rows("SELECT [1] AS l GROUP BY l", "[1]");
    check_rows("SELECT DISTINCT [1]", "[1]");
    check_rows("SELECT count(DISTINCT [range % 2]) FROM range(3)", "2");
    check_rows("SELECT count([range]), count(NULL::INT[]) FROM range(3)", "3,0");
    check_rows("SELECT [range] AS l FROM range(3) ORDER BY l DESC", "[2];[1];[0]");
    /* the sort runs before the projection builds the list, or carries the nested column */
    check_rows("SELECT range, [range] FROM range(3) ORDER BY range DESC", "2,[2];1,[1];0,[0]");
    check_rows("SELECT * FROM (SELECT range, [range] AS l FROM range(3)) ORDER BY range DESC", "2,[2];1,[1];0,[0]");
}

static void test_explain(void)
{
    char *got = run("EXPLAIN SELECT range, unnest([range]) FROM range(3)");
    CHECK(strstr(got, "UNNEST") != NULL);
    CHECK(strstr(got, "PROJECT") != NULL);
    free(got);
    got = run("EXPLAIN SELECT * FROM unnest([1])");
    CHECK(strstr(got, "UNNEST") != NULL && strstr(got, "SINGLE_ROW") != NULL);
    free(got);
}

TEST_MAIN(test_parse, test_types_and_names, test_resolution, test_values, test_unnest, test_explain)
