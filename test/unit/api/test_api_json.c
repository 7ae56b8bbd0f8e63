/*
 * test_api_json.c -- tarn_batch_json (include/tarn.h): JSON rendering of every kind of value
 * (nested LIST/STRUCT/MAP, numbers, strings with escapes, NaN/infinity, NULL at any level),
 * values under a filter's selection, rows spread over several batches, bad arguments, and how
 * nested columns look through the rest of the batch API (tarn_batch_column, tarn_batch_is_null,
 * tarn_batch_text, column types).
 */
#include "tarn.h"
#include "tn_test.h"

static tarn_stmt *prep(tarn_db *db, const char *sql)
{
    tarn_stmt *st = NULL;
    int rc = tarn_prepare(db, sql, NULL, &st);
    if (rc)
        fprintf(stderr, "prepare \"%s\": %s\n", sql, tarn_errmsg(db));
    CHECK_EQ_INT(rc, TARN_OK);
    return st;
}

/* JSON of (col, row) of the first batch of sql; "<none>" when no batch. Static buffer. */
static const char *json1(tarn_db *db, const char *sql, uint32_t col, uint64_t row)
{
    static char buf[1024];
    snprintf(buf, sizeof buf, "<none>");
    tarn_stmt *st = prep(db, sql);
    tarn_batch *b = NULL;
    if (st && tarn_stmt_fetch(st, &b) == TARN_OK && b) {
        size_t len = 0;
        const char *j = tarn_batch_json(b, col, row, &len);
        if (j) {
            CHECK_EQ_INT(len, strlen(j));
            snprintf(buf, sizeof buf, "%s", j);
        } else {
            snprintf(buf, sizeof buf, "<null>");
        }
    }
    tarn_stmt_finalize(st);
    return buf;
}

static void test_values(void)
{
    tarn_db *db = NULL;
    CHECK_EQ_INT(tarn_open(NULL, &db), TARN_OK);
    CHECK_EQ_STR(json1(db, "SELECT [1, 2, NULL]", 0, 0), "[1,2,null]");
    CHECK_EQ_STR(json1(db, "SELECT {'a': 1, 'b': [true, NULL], 'c': 'x\"y'}", 0, 0),
                 "{\"a\":1,\"b\":[true,null],\"c\":\"x\\\"y\"}");
    CHECK_EQ_STR(json1(db, "SELECT MAP {'k': 1.5, 'j': NULL}", 0, 0), "{\"k\":1.5,\"j\":null}");
    CHECK_EQ_STR(json1(db, "SELECT MAP {1: 'x'}", 0, 0), "{\"1\":\"x\"}");
    CHECK_EQ_STR(json1(db, "SELECT MAP {[1, 2]: 'x'}", 0, 0), "{\"[1, 2]\":\"x\"}");
    CHECK_EQ_STR(json1(db, "SELECT [[], [NULL], [[1]]]::INT[][][]", 0, 0), "[[],[null],[[1]]]");
    CHECK_EQ_STR(json1(db, "SELECT NULL::INT[]", 0, 0), "null");
    CHECK_EQ_STR(json1(db, "SELECT NULL", 0, 0), "null");
    CHECK_EQ_STR(json1(db, "SELECT 12.50::DECIMAL(4,2)", 0, 0), "12.50");
    CHECK_EQ_STR(json1(db, "SELECT -170141183460469231731687303715884105727::HUGEINT", 0, 0),
                 "-170141183460469231731687303715884105727");
    CHECK_EQ_STR(json1(db, "SELECT [1.5::DOUBLE, 'nan'::DOUBLE, '-inf'::DOUBLE]", 0, 0), "[1.5,\"nan\",\"-inf\"]");
    CHECK_EQ_STR(json1(db, "SELECT [0.1::FLOAT]", 0, 0), "[0.1]");
    CHECK_EQ_STR(json1(db, "SELECT [DATE '2024-01-02', NULL]", 0, 0), "[\"2024-01-02\",null]");
    CHECK_EQ_STR(json1(db, "SELECT ['tab\there', E'nl\\n', E'\\x01']", 0, 0), "[\"tab\\there\",\"nl\\n\",\"\\u0001\"]");
    CHECK_EQ_STR(json1(db, "SELECT CAST('a\\x00b' AS BLOB)", 0, 0), "\"a\\\\x00b\"");
    CHECK_EQ_STR(json1(db, "SELECT true, 'plain'", 1, 0), "\"plain\"");
    CHECK_EQ_STR(json1(db, "SELECT {'s': {'t': [{'u': 1}]}}", 0, 0), "{\"s\":{\"t\":[{\"u\":1}]}}");
    /* bad column / row */
    CHECK_EQ_STR(json1(db, "SELECT [1]", 1, 0), "<null>");
    CHECK_EQ_STR(json1(db, "SELECT [1]", 0, 1), "<null>");
    CHECK(tarn_batch_json(NULL, 0, 0, NULL) == NULL);
    tarn_close(db);
}

static void test_batches_and_api(void)
{
    tarn_db *db = NULL;
    CHECK_EQ_INT(tarn_open(NULL, &db), TARN_OK);
    /* a filter's selection and several batches: the JSON follows the visible rows */
    tarn_stmt *st = prep(db, "SELECT range, [range, range * 2] AS l, {'r': range} AS s FROM range(5000) WHERE range % 3 = 1");
    CHECK_EQ_INT(tarn_stmt_column_type(st, 1), TARN_TYPE_LIST);
    CHECK_EQ_INT(tarn_stmt_column_type(st, 2), TARN_TYPE_STRUCT);
    CHECK_EQ_STR(tarn_stmt_column_type_name(st, 1), "BIGINT[]");
    tarn_batch *b = NULL;
    uint64_t rows = 0, bad = 0;
    while (tarn_stmt_fetch(st, &b) == TARN_OK && b) {
        for (uint64_t r = 0; r < tarn_batch_rows(b); r++) {
            int64_t v = tarn_batch_int64(b, 0, r);
            char want[128], want2[64];
            snprintf(want, sizeof want, "[%lld,%lld]", (long long)v, (long long)v * 2);
            snprintf(want2, sizeof want2, "{\"r\":%lld}", (long long)v);
            const char *j = tarn_batch_json(b, 1, r, NULL), *k = tarn_batch_json(b, 2, r, NULL);
            if (!j || strcmp(j, want) != 0 || !k || strcmp(k, want2) != 0 || v % 3 != 1)
                bad++;
            rows++;
        }
        /* nested columns: described, not dense */
        tarn_column col;
        CHECK_EQ_INT(tarn_batch_column(b, 1, &col), TARN_NOTSUP);
        CHECK(col.type == TARN_TYPE_LIST && col.data == NULL && col.rows == tarn_batch_rows(b));
        CHECK(!tarn_batch_is_null(b, 1, 0));
    }
    CHECK_EQ_INT(rows, 1667);
    CHECK_EQ_INT(bad, 0);
    tarn_stmt_finalize(st);

    st = prep(db, "SELECT MAP {'a': range} AS m, NULL::INT[] AS n FROM range(2)");
    CHECK_EQ_INT(tarn_stmt_column_type(st, 0), TARN_TYPE_MAP);
    if (tarn_stmt_fetch(st, &b) == TARN_OK && b) {
        CHECK(tarn_batch_is_null(b, 1, 1));
        CHECK_EQ_STR(tarn_batch_json(b, 1, 1, NULL), "null");
        CHECK(tarn_batch_text(b, 1, 1, NULL) == NULL);
        CHECK_EQ_STR(tarn_batch_text(b, 0, 1, NULL), "{a=1}");
        CHECK_EQ_STR(tarn_batch_json(b, 0, 1, NULL), "{\"a\":1}");
    } else {
        CHECK(0);
    }
    tarn_stmt_finalize(st);
    tarn_close(db);
}

TEST_MAIN(test_values, test_batches_and_api)
