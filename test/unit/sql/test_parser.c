/*
 * test_parser.c -- the recursive-descent parser: PostgreSQL operator precedence (checked through
 * the fully parenthesised DuckDB-style rendering), literals, special forms, every SELECT clause,
 * sources, EXPLAIN/DESCRIBE/COPY, type names, syntax errors with LINE/caret, unsupported
 * constructs, and the recursion limits on hostile input.
 */
#include "tn_test.h"
#include "sql/parser.h"

#include <stdlib.h>
#include <string.h>

/* Parse "SELECT <expr>" and render the first select item. Returns a malloc'd string or NULL on
 * error (err filled). */
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

static void test_precedence(void)
{
    check_render("1 + 2 * 3", "(1 + (2 * 3))");
    check_render("1 * 2 + 3", "((1 * 2) + 3)");
    check_render("1 - 2 - 3", "((1 - 2) - 3)");
    check_render("8 / 4 % 3 * 2", "(((8 / 4) % 3) * 2)");
    check_render("(1 + 2) * 3", "((1 + 2) * 3)");
    check_render("a OR b AND c", "(a OR (b AND c))");
    check_render("a AND b OR c AND d", "((a AND b) OR (c AND d))");
    check_render("a AND b AND c", "(a AND b AND c)");
    check_render("NOT a AND b", "((NOT a) AND b)");
    check_render("NOT a = b", "(NOT (a = b))");
    check_render("NOT NOT a", "(NOT (NOT a))");
    check_render("a = b AND c < d", "((a = b) AND (c < d))");
    check_render("a = b IS NULL", "((a = b) IS NULL)");
    check_render("NOT a IS NULL", "(NOT (a IS NULL))");
    check_render("a + 1 IS NOT NULL", "((a + 1) IS NOT NULL)");
    check_render("a || b = c", "((a || b) = c)");
    check_render("'x' || 1 + 2", "('x' || (1 + 2))");
    check_render("a || b || c", "((a || b) || c)");
    check_render("a = b LIKE c", "(a = (b ~~ c))");
    check_render("a LIKE b || c", "(a ~~ (b || c))");
    check_render("a NOT LIKE 'x%'", "(a !~~ 'x%')");
    check_render("a ILIKE 'x%'", "(a ~~* 'x%')");
    check_render("a NOT ILIKE 'x%'", "(a !~~* 'x%')");
    check_render("a LIKE 'x!%' ESCAPE '!'", "like_escape(a, 'x!%', '!')");
    check_render("x BETWEEN 1 AND 2 AND y", "((x BETWEEN 1 AND 2) AND y)");
    check_render("x NOT BETWEEN a + 1 AND b * 2", "(x NOT BETWEEN (a + 1) AND (b * 2))");
    check_render("x IN (1, 2, 3)", "(x IN (1, 2, 3))");
    check_render("x + 1 NOT IN (1)", "((x + 1) NOT IN (1))");
    check_render("x IN (1) = y", "((x IN (1)) = y)");
    check_render("-a * b", "(-(a) * b)");
    check_render("-a::int", "-(CAST(a AS INTEGER))");
    check_render("a::int::varchar", "CAST(CAST(a AS INTEGER) AS VARCHAR)");
    check_render("a + b::bigint", "(a + CAST(b AS BIGINT))");
    check_render("- - a", "-(-(a))");
    check_render("+a", "+(a)");
    check_render("a IS DISTINCT FROM b + 1", "(a IS DISTINCT FROM (b + 1))");
    check_render("a IS NOT DISTINCT FROM b", "(a IS NOT DISTINCT FROM b)");
    check_render("a IS TRUE OR b IS NOT FALSE", "((a IS TRUE) OR (b IS NOT FALSE))");
    check_render("a ISNULL", "(a IS NULL)");
    check_render("a NOTNULL", "(a IS NOT NULL)");
    check_render("a <> b", "(a != b)");
    check_render("a != b", "(a != b)");
    check_render("a == b", "(a = b)");
    check_render("a >= b", "(a >= b)");
}

static void test_literals(void)
{
    check_render("42", "42");
    check_render("-42", "-42");
    check_render("- 42", "-42");
    check_render("-(42)", "-(42)");
    check_render("1.50", "1.50");
    check_render("-.5", "-.5");
    check_render("1e3", "1e3");
    check_render("'it''s'", "'it''s'");
    check_render("E'a\\'b'", "'a''b'");
    check_render("TRUE", "true");
    check_render("false", "false");
    check_render("NULL", "NULL");
    check_render("DATE '2024-01-01'", "CAST('2024-01-01' AS DATE)");
    check_render("timestamp '2024-01-01 10:00'", "CAST('2024-01-01 10:00' AS TIMESTAMP)");
    check_render("TIMESTAMPTZ '2024-01-01'", "CAST('2024-01-01' AS TIMESTAMP WITH TIME ZONE)");
    check_render("TIME '10:00'", "CAST('10:00' AS TIME)");
    check_render("INTERVAL '1 day'", "CAST('1 day' AS INTERVAL)");
    check_render("INTERVAL '2' HOURS", "CAST('2 HOURS' AS INTERVAL)");
    check_render("INTERVAL 3 day", "CAST('3 day' AS INTERVAL)");
    check_render("[1, 2]", "[1, 2]");
    /* a column named like a type is still a column */
    check_render("date", "date");
    check_render("date + 1", "(date + 1)");
    /* the - folded into a literal keeps the literal's kind */
    tn_err err = TN_ERR_INIT;
    sq_arena *a = sq_arena_new();
    sq_stmt *st;
    size_t end;
    CHECK_EQ_INT(sq_parse(a, "SELECT -2147483648, -1.5, 'x'", 0, &st, &end, &err), TN_OK);
    CHECK_EQ_INT(st->select->items[0].expr->kind, SQ_E_CONST);
    CHECK_EQ_INT(st->select->items[0].expr->lit, SQ_LIT_INTEGER);
    CHECK_EQ_STR(st->select->items[0].expr->str, "-2147483648");
    CHECK_EQ_INT(st->select->items[1].expr->lit, SQ_LIT_DECIMAL);
    CHECK_EQ_INT(st->select->items[2].expr->lit, SQ_LIT_STRING);
    CHECK_EQ_INT(st->select->items[2].expr->slen, 1);
    sq_arena_free(a);
}

static void test_special_forms(void)
{
    check_render("CAST(x AS DECIMAL(10, 2))", "CAST(x AS DECIMAL(10,2))");
    check_render("TRY_CAST(x AS double precision)", "TRY_CAST(x AS DOUBLE)");
    check_render("x::timestamp with time zone", "CAST(x AS TIMESTAMP WITH TIME ZONE)");
    check_render("x::numeric", "CAST(x AS DECIMAL(18,3))");
    check_render("x::varchar(10)", "CAST(x AS VARCHAR)");
    check_render("CASE WHEN a > 1 THEN 'x' WHEN a < 0 THEN 'y' ELSE 'z' END",
                 "CASE WHEN (a > 1) THEN 'x' WHEN (a < 0) THEN 'y' ELSE 'z' END");
    check_render("CASE a WHEN 1 THEN 2 END", "CASE a WHEN 1 THEN 2 ELSE NULL END");
    check_render("COALESCE(a, b, 1)", "COALESCE(a, b, 1)");
    check_render("nullif(a, 0)", "nullif(a, 0)");
    check_render("COUNT(*)", "count_star()");
    check_render("count(DISTINCT x)", "count(DISTINCT x)");
    check_render("SUM(x + 1)", "sum((x + 1))");
    check_render("Lower(\"Name\")", "lower(\"Name\")");
    check_render("EXTRACT(year FROM d)", "date_part('year', d)");
    check_render("extract('MONTH' from d)", "date_part('month', d)");
    check_render("SUBSTRING(s FROM 2 FOR 3)", "substring(s, 2, 3)");
    check_render("SUBSTRING(s FROM 2)", "substring(s, 2)");
    check_render("SUBSTRING(s FOR 3)", "substring(s, 1, 3)");
    check_render("substring(s, 1, 2)", "substring(s, 1, 2)");
    check_render("POSITION('b' IN s)", "position('b', s)");
    check_render("t.x + t.\"Y\"", "(t.x + t.\"Y\")");
    check_render("now()", "now()");
    check_render("left('abc', 2) || right('abc', 1)", "(left('abc', 2) || right('abc', 1))");
}

static sq_stmt *parse_ok(sq_arena *a, const char *sql)
{
    tn_err err = TN_ERR_INIT;
    sq_stmt *st = NULL;
    size_t end;
    int rc = sq_parse(a, sql, 0, &st, &end, &err);
    if (rc)
        fprintf(stderr, "parse of [%s] failed: %s\n", sql, err.msg);
    CHECK_EQ_INT(rc, TN_OK);
    return st;
}

static void test_select_clauses(void)
{
    sq_arena *a = sq_arena_new();
    sq_stmt *st = parse_ok(a, "SELECT DISTINCT a AS x, b y, t.*, *, c + 1 \"Z\" FROM 'data/*.parquet' AS t "
                              "WHERE a > 1 GROUP BY 1, b HAVING count(*) > 2 ORDER BY x DESC NULLS FIRST, 2, "
                              "c ASC NULLS LAST, d LIMIT 10 OFFSET 5;");
    if (st) {
        sq_select *s = st->select;
        CHECK_EQ_INT(st->type, SQ_ST_SELECT);
        CHECK(s->distinct);
        CHECK_EQ_INT(s->nitems, 5);
        CHECK_EQ_STR(s->items[0].alias, "x");
        CHECK_EQ_STR(s->items[1].alias, "y");
        CHECK_EQ_INT(s->items[2].expr->kind, SQ_E_STAR);
        CHECK_EQ_STR(s->items[2].expr->qual, "t");
        CHECK_EQ_INT(s->items[3].expr->kind, SQ_E_STAR);
        CHECK(s->items[3].expr->qual == NULL);
        CHECK_EQ_STR(s->items[4].alias, "Z");
        CHECK(s->from && s->from->kind == SQ_SRC_PATH);
        CHECK_EQ_STR(s->from->path, "data/*.parquet");
        CHECK_EQ_STR(s->from->alias, "t");
        CHECK(s->where != NULL);
        CHECK_EQ_INT(s->ngroup, 2);
        CHECK(s->having != NULL);
        CHECK_EQ_INT(s->norder, 4);
        CHECK(s->order[0].desc);
        CHECK_EQ_INT(s->order[0].nulls_first, 1);
        CHECK(!s->order[1].desc);
        CHECK_EQ_INT(s->order[1].nulls_first, -1);
        CHECK_EQ_INT(s->order[2].nulls_first, 0);
        CHECK(s->limit && strcmp(s->limit->str, "10") == 0);
        CHECK(s->offset && strcmp(s->offset->str, "5") == 0);
    }
    /* OFFSET before LIMIT, LIMIT ALL */
    st = parse_ok(a, "SELECT 1 OFFSET 3 LIMIT 2");
    if (st) {
        CHECK(st->select->limit && strcmp(st->select->limit->str, "2") == 0);
        CHECK(st->select->offset && strcmp(st->select->offset->str, "3") == 0);
    }
    st = parse_ok(a, "SELECT 1 LIMIT ALL");
    if (st)
        CHECK(st->select->limit == NULL);
    /* no FROM */
    st = parse_ok(a, "select 1");
    if (st)
        CHECK(st->select->from == NULL);
    /* keywords usable as names, reserved ones after AS */
    st = parse_ok(a, "SELECT first, last AS select, nulls FROM t");
    if (st) {
        CHECK_EQ_STR(st->select->items[1].alias, "select");
        CHECK_EQ_INT(st->select->from->kind, SQ_SRC_TABLE);
    }
    sq_arena_free(a);
}

static void test_sources(void)
{
    sq_arena *a = sq_arena_new();
    sq_stmt *st = parse_ok(a, "SELECT * FROM read_parquet(['a.parquet', 'b.parquet']) r");
    if (st) {
        CHECK_EQ_INT(st->select->from->kind, SQ_SRC_FUNC);
        CHECK_EQ_STR(st->select->from->func->str, "read_parquet");
        CHECK_EQ_INT(st->select->from->func->args[0]->kind, SQ_E_ARRAY);
        CHECK_EQ_INT(st->select->from->func->args[0]->nargs, 2);
        CHECK_EQ_STR(st->select->from->alias, "r");
    }
    st = parse_ok(a, "SELECT * FROM range(1, 10, 2) AS t(n)");
    if (st) {
        CHECK_EQ_STR(st->select->from->func->str, "range");
        CHECK_EQ_INT(st->select->from->func->nargs, 3);
        CHECK_EQ_INT(st->select->from->ncol_aliases, 1);
        CHECK_EQ_STR(st->select->from->col_aliases[0], "n");
    }
    st = parse_ok(a, "SELECT x FROM (SELECT 1 AS x) sub WHERE x = 1");
    if (st) {
        CHECK_EQ_INT(st->select->from->kind, SQ_SRC_SUBQUERY);
        CHECK_EQ_INT(st->select->from->sub->nitems, 1);
        CHECK_EQ_STR(st->select->from->alias, "sub");
    }
    st = parse_ok(a, "SELECT * FROM \"my file.parquet\"");
    if (st) {
        CHECK_EQ_INT(st->select->from->kind, SQ_SRC_TABLE);
        CHECK_EQ_STR(st->select->from->path, "my file.parquet");
    }
    st = parse_ok(a, "(SELECT 1)");
    if (st)
        CHECK_EQ_INT(st->type, SQ_ST_SELECT);
    sq_arena_free(a);
}

static void test_statements(void)
{
    sq_arena *a = sq_arena_new();
    sq_stmt *st = parse_ok(a, "EXPLAIN SELECT 1");
    if (st)
        CHECK_EQ_INT(st->type, SQ_ST_EXPLAIN);
    st = parse_ok(a, "DESCRIBE 'x.parquet'");
    if (st) {
        CHECK_EQ_INT(st->type, SQ_ST_DESCRIBE);
        CHECK(st->source && st->source->kind == SQ_SRC_PATH);
    }
    st = parse_ok(a, "DESCRIBE SELECT 1 AS a");
    if (st) {
        CHECK_EQ_INT(st->type, SQ_ST_DESCRIBE);
        CHECK(st->select != NULL);
    }
    st = parse_ok(a, "COPY (SELECT 1) TO 'out.parquet' (FORMAT parquet, COMPRESSION 'zstd', COMPRESSION_LEVEL 3, "
                     "ROW_GROUP_SIZE 1000)");
    if (st) {
        CHECK_EQ_INT(st->type, SQ_ST_COPY);
        CHECK(st->select != NULL);
        CHECK_EQ_STR(st->path, "out.parquet");
        CHECK_EQ_INT(st->nopts, 4);
        CHECK_EQ_STR(st->opts[0].name, "FORMAT");
        CHECK_EQ_STR(st->opts[0].value->str, "parquet");
        CHECK_EQ_STR(st->opts[1].value->str, "zstd");
        CHECK_EQ_INT(st->opts[2].value->lit, SQ_LIT_INTEGER);
        CHECK_EQ_STR(st->opts[3].name, "ROW_GROUP_SIZE");
    }
    st = parse_ok(a, "COPY 'in.parquet' TO 'out.parquet' WITH (compression snappy)");
    if (st) {
        CHECK(st->source && st->source->kind == SQ_SRC_PATH);
        CHECK_EQ_INT(st->nopts, 1);
        CHECK_EQ_STR(st->opts[0].name, "COMPRESSION");
    }
    st = parse_ok(a, "COPY read_parquet('a') TO 'b'");
    if (st)
        CHECK_EQ_INT(st->nopts, 0);
    st = parse_ok(a, "SET threads = 4");
    if (st)
        CHECK_EQ_INT(st->type, SQ_ST_SET);
    st = parse_ok(a, "PRAGMA version");
    if (st)
        CHECK_EQ_INT(st->type, SQ_ST_PRAGMA);
    st = parse_ok(a, "  -- only a comment\n");
    if (st)
        CHECK_EQ_INT(st->type, SQ_ST_EMPTY);
    sq_arena_free(a);
}

static void test_tail(void)
{
    const char *sql = "SELECT 1; SELECT 'a;b' ;\n-- end\n";
    sq_arena *a = sq_arena_new();
    sq_stmt *st;
    size_t end;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(sq_parse(a, sql, 0, &st, &end, &err), TN_OK);
    CHECK_EQ_INT(end, 9);
    CHECK_EQ_INT(sq_parse(a, sql, end, &st, &end, &err), TN_OK);
    CHECK_EQ_INT(st->type, SQ_ST_SELECT);
    CHECK_EQ_STR(st->select->items[0].expr->str, "a;b");
    CHECK_EQ_INT(end, 24);
    CHECK_EQ_INT(sq_parse(a, sql, end, &st, &end, &err), TN_OK);
    CHECK_EQ_INT(st->type, SQ_ST_EMPTY);
    CHECK_EQ_INT(end, strlen(sql));
    sq_arena_free(a);
}

static void check_error(const char *sql, int code, const char *want)
{
    sq_arena *a = sq_arena_new();
    sq_stmt *st = NULL;
    size_t end;
    tn_err err = TN_ERR_INIT;
    int rc = sq_parse(a, sql, 0, &st, &end, &err);
    if (rc != code)
        fprintf(stderr, "[%s]: rc %d want %d (%s)\n", sql, rc, code, err.msg);
    CHECK_EQ_INT(rc, code);
    if (want)
        CHECK_EQ_STR(err.msg, want);
    sq_arena_free(a);
}

static void test_syntax_errors(void)
{
    check_error("SELECT * FORM t", TN_SYNTAX, "syntax error at or near \"FORM\"\nLINE 1: SELECT * FORM t\n                 ^");
    check_error("SELECT a,\n  b FROM\n WHERE x", TN_SYNTAX,
                "syntax error at or near \"WHERE\"\nLINE 3:  WHERE x\n         ^");
    check_error("SELECT 1 +", TN_SYNTAX, "syntax error at end of input\nLINE 1: SELECT 1 +\n                  ^");
    check_error("SELECT (1 + 2", TN_SYNTAX, "syntax error at end of input\nLINE 1: SELECT (1 + 2\n                     ^");
    check_error("SELECT 1 + ;", TN_SYNTAX, NULL);
    check_error("SELECT a < b < c", TN_SYNTAX, "syntax error at or near \"<\"\nLINE 1: SELECT a < b < c\n                     ^");
    check_error("SELECT select", TN_SYNTAX, NULL);
    check_error("SELECT left", TN_SYNTAX, NULL);
    check_error("SELECT FROM t", TN_SYNTAX, NULL);
    check_error("SELECT 1 2", TN_SYNTAX, NULL);
    check_error("SELECT x IN ()", TN_SYNTAX, NULL);
    check_error("SELECT CASE END", TN_SYNTAX, NULL);
    check_error("SELECT CAST(1 AS)", TN_SYNTAX, NULL);
    check_error("SELECT CAST(1 AS nosuchtype)", TN_NOTFOUND, NULL);
    check_error("SELECT 1::decimal(40, 2)", TN_ERROR, NULL);
    check_error("SELECT 1::decimal(4, 5)", TN_ERROR, NULL);
    check_error("SELECT 1 ORDER BY", TN_SYNTAX, NULL);
    check_error("SELECT 1 LIMIT 1 LIMIT 2", TN_SYNTAX, NULL);
    check_error("SELECT a FROM t ORDER BY a NULLS", TN_SYNTAX, NULL);
    check_error("SELECT 'abc", TN_SYNTAX, NULL);
    check_error("SELEC 1", TN_SYNTAX, "syntax error at or near \"SELEC\"\nLINE 1: SELEC 1\n        ^");
    check_error("COPY (SELECT 1) 'x'", TN_SYNTAX, NULL);
    check_error("COPY (SELECT 1) TO x", TN_SYNTAX, NULL);
    check_error("SELECT 1; garbage", TN_OK, NULL); /* only the first statement is parsed */
}

static void test_unsupported(void)
{
    check_error("SELECT * FROM a JOIN b ON a.x = b.x", TN_NOTSUP, NULL);
    check_error("SELECT * FROM a, b", TN_NOTSUP, NULL);
    check_error("SELECT 1 UNION SELECT 2", TN_NOTSUP, NULL);
    check_error("WITH x AS (SELECT 1) SELECT * FROM x", TN_NOTSUP, NULL);
    check_error("SELECT (SELECT 1)", TN_NOTSUP, NULL);
    check_error("SELECT x IN (SELECT 1)", TN_NOTSUP, NULL);
    check_error("SELECT sum(x) OVER ()", TN_NOTSUP, NULL);
    check_error("CREATE TABLE t (a INT)", TN_NOTSUP, "CREATE statements are not supported\nLINE 1: CREATE TABLE t (a INT)\n        ^");
    check_error("INSERT INTO t VALUES (1)", TN_NOTSUP, NULL);
    check_error("EXPLAIN ANALYZE SELECT 1", TN_NOTSUP, NULL);
    check_error("SELECT a[1:2:1]", TN_NOTSUP, NULL);   /* slices with a step */
    check_error("SELECT 1::int[3]", TN_NOTSUP, NULL);   /* fixed-size ARRAY types */
    check_error("SELECT DISTINCT ON (a) a FROM t", TN_NOTSUP, NULL);
}

static void test_type_names(void)
{
    struct { const char *text; int id; int p, s, unit, tz; } cases[] = {
        {"boolean", TN_T_BOOL, 0, 0, 0, 0},       {"BOOL", TN_T_BOOL, 0, 0, 0, 0},
        {"tinyint", TN_T_INT8, 0, 0, 0, 0},       {"smallint", TN_T_INT16, 0, 0, 0, 0},
        {"int", TN_T_INT32, 0, 0, 0, 0},          {"INT4", TN_T_INT32, 0, 0, 0, 0},
        {"integer", TN_T_INT32, 0, 0, 0, 0},      {"int8", TN_T_INT64, 0, 0, 0, 0},
        {"bigint", TN_T_INT64, 0, 0, 0, 0},       {"hugeint", TN_T_INT128, 0, 0, 0, 0},
        {"utinyint", TN_T_UINT8, 0, 0, 0, 0},     {"usmallint", TN_T_UINT16, 0, 0, 0, 0},
        {"uinteger", TN_T_UINT32, 0, 0, 0, 0},    {"ubigint", TN_T_UINT64, 0, 0, 0, 0},
        {"real", TN_T_FLOAT, 0, 0, 0, 0},         {"float4", TN_T_FLOAT, 0, 0, 0, 0},
        {"float", TN_T_FLOAT, 0, 0, 0, 0},        {"double", TN_T_DOUBLE, 0, 0, 0, 0},
        {"double precision", TN_T_DOUBLE, 0, 0, 0, 0}, {"float8", TN_T_DOUBLE, 0, 0, 0, 0},
        {"decimal", TN_T_DECIMAL, 18, 3, 0, 0},   {"numeric(10,2)", TN_T_DECIMAL, 10, 2, 0, 0},
        {"decimal(5)", TN_T_DECIMAL, 5, 0, 0, 0}, {"decimal(38, 38)", TN_T_DECIMAL, 38, 38, 0, 0},
        {"varchar", TN_T_VARCHAR, 0, 0, 0, 0},    {"varchar(20)", TN_T_VARCHAR, 0, 0, 0, 0},
        {"text", TN_T_VARCHAR, 0, 0, 0, 0},       {"string", TN_T_VARCHAR, 0, 0, 0, 0},
        {"char", TN_T_VARCHAR, 0, 0, 0, 0},       {"character varying(3)", TN_T_VARCHAR, 0, 0, 0, 0},
        {"blob", TN_T_BLOB, 0, 0, 0, 0},          {"bytea", TN_T_BLOB, 0, 0, 0, 0},
        {"date", TN_T_DATE, 0, 0, 0, 0},          {"time", TN_T_TIME, 0, 0, TN_UNIT_US, 0},
        {"timestamp", TN_T_TIMESTAMP, 0, 0, TN_UNIT_US, 0},
        {"datetime", TN_T_TIMESTAMP, 0, 0, TN_UNIT_US, 0},
        {"timestamptz", TN_T_TIMESTAMP, 0, 0, TN_UNIT_US, 1},
        {"timestamp with time zone", TN_T_TIMESTAMP, 0, 0, TN_UNIT_US, 1},
        {"timestamp without time zone", TN_T_TIMESTAMP, 0, 0, TN_UNIT_US, 0},
        {"timestamp_ms", TN_T_TIMESTAMP, 0, 0, TN_UNIT_MS, 0},
        {"timestamp_ns", TN_T_TIMESTAMP, 0, 0, TN_UNIT_NS, 0},
        {"uuid", TN_T_UUID, 0, 0, 0, 0},          {"interval", TN_T_INTERVAL, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        tn_type t;
        tn_err err = TN_ERR_INIT;
        int rc = sq_parse_type_name(cases[i].text, &t, &err);
        if (rc || t.id != cases[i].id)
            fprintf(stderr, "type [%s]: rc %d id %d (%s)\n", cases[i].text, rc, t.id, err.msg);
        CHECK_EQ_INT(rc, TN_OK);
        CHECK_EQ_INT(t.id, cases[i].id);
        if (cases[i].id == TN_T_DECIMAL) {
            CHECK_EQ_INT(t.precision, cases[i].p);
            CHECK_EQ_INT(t.scale, cases[i].s);
        }
        if (cases[i].id == TN_T_TIMESTAMP || cases[i].id == TN_T_TIME) {
            CHECK_EQ_INT(t.unit, cases[i].unit);
            CHECK_EQ_INT(t.tz, cases[i].tz);
        }
    }
    tn_type t;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(sq_parse_type_name("json", &t, &err), TN_OK);
    CHECK(t.id == TN_T_VARCHAR && (t.flags & TN_TF_JSON));
    CHECK_EQ_INT(sq_parse_type_name("nosuch", &t, &err), TN_NOTFOUND);
    CHECK_EQ_INT(sq_parse_type_name("integer(3)", &t, &err), TN_ERROR);
    CHECK_EQ_INT(sq_parse_type_name("time with time zone", &t, &err), TN_NOTSUP);
    CHECK_EQ_INT(sq_parse_type_name("int int", &t, &err), TN_SYNTAX);
}

static char *repeat(const char *head, const char *unit, size_t n, const char *mid, const char *unit2, size_t n2)
{
    size_t len = strlen(head) + strlen(unit) * n + strlen(mid) + strlen(unit2) * n2 + 1;
    char *s = malloc(len);
    char *p = s;
    p += sprintf(p, "%s", head);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s", unit);
    p += sprintf(p, "%s", mid);
    for (size_t i = 0; i < n2; i++)
        p += sprintf(p, "%s", unit2);
    return s;
}

static void test_hostile(void)
{
    /* deep parentheses */
    char *sql = repeat("SELECT ", "(", 100000, "1", ")", 100000);
    check_error(sql, TN_ERROR, NULL);
    free(sql);
    /* a long left-associative chain builds a deep tree without recursion: still limited */
    sql = repeat("SELECT 1", " + 1", 50000, "", "", 0);
    check_error(sql, TN_ERROR, NULL);
    free(sql);
    /* long chains of prefix operators */
    sql = repeat("SELECT ", "NOT ", 50000, "true", "", 0);
    check_error(sql, TN_ERROR, NULL);
    free(sql);
    sql = repeat("SELECT ", "- ", 50000, "x", "", 0);
    check_error(sql, TN_ERROR, NULL);
    free(sql);
    /* nested subqueries */
    sql = repeat("SELECT * FROM ", "(SELECT * FROM ", 5000, "'x'", ")", 5000);
    check_error(sql, TN_ERROR, NULL);
    free(sql);
    /* nested CASE */
    sql = repeat("SELECT ", "CASE WHEN 1 THEN ", 5000, "1", " END", 5000);
    check_error(sql, TN_ERROR, NULL);
    free(sql);
    /* within the limit is fine */
    sql = repeat("SELECT ", "(", 200, "1", ")", 200);
    check_error(sql, TN_OK, NULL);
    free(sql);
    sql = repeat("SELECT 1", " + 1", 500, "", "", 0);
    check_error(sql, TN_OK, NULL);
    free(sql);
    /* a wide IN list is not deep */
    sql = repeat("SELECT x IN (1", ", 1", 100000, ")", "", 0);
    check_error(sql, TN_OK, NULL);
    free(sql);
    /* a huge literal parses (the binder decides its type) */
    sql = repeat("SELECT ", "9", 100000, "", "", 0);
    check_error(sql, TN_OK, NULL);
    free(sql);
    /* NUL via escapes is rejected */
    check_error("SELECT E'\\0'", TN_SYNTAX, NULL);
}

TEST_MAIN(test_precedence, test_literals, test_special_forms, test_select_clauses, test_sources, test_statements,
          test_tail, test_syntax_errors, test_unsupported, test_type_names, test_hostile)
