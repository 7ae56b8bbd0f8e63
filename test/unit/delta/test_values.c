/*
 * test_values.c -- typed values from the Delta log: partition values of every type (strings incl.
 * escapes and non-ASCII, binary, integers with range checks, floats incl. NaN/Infinity, booleans,
 * dates, timestamps with and without zone, timestamp_ntz, decimals exact at scale, NULLs), the
 * per-file stats parser (min/max/nullCount by physical name, tightBounds, widened timestamp max,
 * decimal reals, broken stats), the numRecords skimmer, typed -> JSON rendering for stats_parsed,
 * and an end-to-end table with one partition column per type.
 */
#include "delta_testutil.h"
#include "util/datetime.h"

#include <math.h>

static int pv(tn_type t, const char *s, tn_value *out)
{
    tn_err err = TN_ERR_INIT;
    int rc = dlt_partition_value_parse(NULL, t, s, "c", out, &err);
    if (rc)
        CHECK(err.msg[0] != 0 && strstr(err.msg, "\"c\"") != NULL);
    return rc;
}

static int64_t pv_i64(tn_type t, const char *s)
{
    tn_value v;
    if (pv(t, s, &v) || v.is_null)
        return INT64_MIN;
    return v.v.i64;
}

static void test_partition_ints_bools(void)
{
    tn_type i8 = tn_type_make(TN_T_INT8), i16 = tn_type_make(TN_T_INT16), i32 = tn_type_make(TN_T_INT32),
            i64 = tn_type_make(TN_T_INT64), b = tn_type_make(TN_T_BOOL);
    tn_value v;
    CHECK_EQ_INT(pv_i64(i8, "127"), 127);
    CHECK_EQ_INT(pv_i64(i8, "-128"), -128);
    CHECK_EQ_INT(pv(i8, "128", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv_i64(i16, "-32768"), -32768);
    CHECK_EQ_INT(pv(i16, "40000", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv_i64(i32, "-2147483648"), INT32_MIN);
    CHECK_EQ_INT(pv(i32, "2147483648", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv_i64(i64, "9223372036854775807"), INT64_MAX);
    CHECK_EQ_INT(pv_i64(i64, "-9223372036854775808"), INT64_MIN);
    CHECK_EQ_INT(pv(i64, "9223372036854775808", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv(i64, "12a", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv(i64, " 1", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv(i64, "-", &v), TN_CORRUPT);
    /* null and empty are NULL for every type */
    CHECK_EQ_INT(pv(i64, "", &v), TN_OK);
    CHECK(v.is_null && v.type.id == TN_T_INT64);
    CHECK_EQ_INT(pv(i64, NULL, &v), TN_OK);
    CHECK(v.is_null);
    CHECK_EQ_INT(pv(b, "true", &v), TN_OK);
    CHECK(!v.is_null && v.v.b);
    CHECK_EQ_INT(pv(b, "FALSE", &v), TN_OK);
    CHECK(!v.is_null && !v.v.b);
    CHECK_EQ_INT(pv(b, "yes", &v), TN_CORRUPT);
}

static void test_partition_floats(void)
{
    tn_type f = tn_type_make(TN_T_FLOAT), d = tn_type_make(TN_T_DOUBLE);
    tn_value v;
    CHECK_EQ_INT(pv(d, "1.5", &v), TN_OK);
    CHECK(v.v.f64 == 1.5);
    CHECK_EQ_INT(pv(d, "-2.5e3", &v), TN_OK);
    CHECK(v.v.f64 == -2500.0);
    CHECK_EQ_INT(pv(d, "NaN", &v), TN_OK);
    CHECK(isnan(v.v.f64));
    CHECK_EQ_INT(pv(d, "Infinity", &v), TN_OK);
    CHECK(isinf(v.v.f64) && v.v.f64 > 0);
    CHECK_EQ_INT(pv(d, "-Infinity", &v), TN_OK);
    CHECK(isinf(v.v.f64) && v.v.f64 < 0);
    CHECK_EQ_INT(pv(f, "0.1", &v), TN_OK);
    CHECK(v.v.f64 == (double)0.1f); /* rounded to float */
    CHECK_EQ_INT(pv(d, "1.5x", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv(d, "abc", &v), TN_CORRUPT);
}

static void test_partition_dates_times(void)
{
    tn_type date = tn_type_make(TN_T_DATE), ts = tn_type_timestamp(TN_UNIT_US, true),
            ntz = tn_type_timestamp(TN_UNIT_US, false);
    tn_value v;
    CHECK_EQ_INT(pv_i64(date, "1970-01-01"), 0);
    CHECK_EQ_INT(pv_i64(date, "2021-09-08"), 18878);
    CHECK_EQ_INT(pv_i64(date, "1969-12-31"), -1);
    CHECK_EQ_INT(pv(date, "2021-13-01", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv(date, "2021-02-29", &v), TN_CORRUPT);
    /* no zone: read as UTC */
    CHECK_EQ_INT(pv_i64(ts, "2021-09-08 11:11:11"), (int64_t)(18878 * 86400LL + 11 * 3600 + 11 * 60 + 11) * 1000000);
    CHECK_EQ_INT(pv_i64(ts, "1970-01-01 00:00:00.123456"), 123456);
    CHECK_EQ_INT(pv_i64(ts, "1970-01-01T00:00:00.123456Z"), 123456);
    CHECK_EQ_INT(pv_i64(ts, "1970-01-01T02:00:00+02:00"), 0);
    CHECK_EQ_INT(pv_i64(ntz, "1970-01-01 00:00:01.5"), 1500000);
    CHECK_EQ_INT(pv(ts, "yesterday", &v), TN_CORRUPT);
}

static void test_partition_decimals(void)
{
    tn_type d = tn_type_decimal(10, 2), big = tn_type_decimal(38, 0), bigs = tn_type_decimal(38, 10);
    tn_value v;
    CHECK_EQ_INT(pv_i64(d, "123.45"), 12345);
    CHECK_EQ_INT(pv_i64(d, "123.4"), 12340);
    CHECK_EQ_INT(pv_i64(d, "123"), 12300);
    CHECK_EQ_INT(pv_i64(d, "-0.01"), -1);
    CHECK_EQ_INT(pv_i64(d, "123.450"), 12345);
    CHECK_EQ_INT(pv_i64(d, "1E+2"), 10000);
    CHECK_EQ_INT(pv_i64(d, "1.5e-1"), 15);
    CHECK_EQ_INT(pv_i64(d, "0.00"), 0);
    CHECK_EQ_INT(pv_i64(d, "99999999.99"), 9999999999LL);
    CHECK_EQ_INT(pv(d, "123.456", &v), TN_CORRUPT);   /* would lose a digit */
    CHECK_EQ_INT(pv(d, "100000000", &v), TN_CORRUPT); /* precision */
    CHECK_EQ_INT(pv(d, "1.2.3", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv(d, "e5", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv(big, "12345678901234567890123456789012345678", &v), TN_OK);
    tn_i128 want = 0;
    for (const char *p = "12345678901234567890123456789012345678"; *p; p++)
        want = want * 10 + (*p - '0');
    CHECK(v.v.i128 == want);
    CHECK_EQ_INT(pv(big, "123456789012345678901234567890123456789", &v), TN_CORRUPT);
    CHECK_EQ_INT(pv(bigs, "-1.5e-3", &v), TN_OK);
    CHECK(v.v.i128 == -15000000);
}

static void test_partition_strings(void)
{
    tn_type s = tn_type_make(TN_T_VARCHAR), bin = tn_type_make(TN_T_BLOB);
    tn_value v;
    CHECK_EQ_INT(pv(s, "abc", &v), TN_OK);
    CHECK_EQ_STR(v.v.str.ptr, "abc");
    CHECK_EQ_INT(v.v.str.len, 3);
    tn_value_free(&v);
    CHECK_EQ_INT(pv(s, "\xC3\xA9\xF0\x9F\x98\x88 /%20", &v), TN_OK);
    CHECK_EQ_STR(v.v.str.ptr, "\xC3\xA9\xF0\x9F\x98\x88 /%20");
    tn_value_free(&v);
    CHECK_EQ_INT(pv(s, "null", &v), TN_OK); /* the string "null" is not NULL */
    CHECK(!v.is_null);
    tn_value_free(&v);
    CHECK_EQ_INT(pv(bin, "\x01\x02\x7f", &v), TN_OK);
    CHECK_EQ_INT(v.v.str.len, 3);
    CHECK(v.type.id == TN_T_BLOB && (unsigned char)v.v.str.ptr[2] == 0x7f);
    tn_value_free(&v);
    /* arena-owned strings */
    dlt_arena a;
    dlt_arena_init(&a);
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dlt_partition_value_parse(&a, s, "xyz", "c", &v, &err), TN_OK);
    CHECK_EQ_STR(v.v.str.ptr, "xyz");
    dlt_arena_free(&a);
    /* a nested type cannot be a partition column */
    CHECK_EQ_INT(dlt_partition_value_parse(NULL, tn_type_list(s), "x", "c", &v, &err), TN_NOTSUP);
    /* void type: always NULL */
    CHECK_EQ_INT(dlt_partition_value_parse(NULL, tn_type_make(TN_T_NULL), "x", "c", &v, &err), TN_OK);
    CHECK(v.is_null);
}

static void test_json_skim(void)
{
    int64_t v = 0;
    const char *s1 = "{\"a\":{\"numRecords\":5,\"x\":[1,{\"y\":\"}\"}]},\"s\":\"q\\\"numRecords\\\":9\",\"numRecords\":42}";
    CHECK(dlt_json_top_int(s1, strlen(s1), "numRecords", &v));
    CHECK_EQ_INT(v, 42);
    const char *s2 = " { \"numRecords\" : -7 , \"b\":1}";
    CHECK(dlt_json_top_int(s2, strlen(s2), "numRecords", &v));
    CHECK_EQ_INT(v, -7);
    const char *bad[] = {"{\"numRecords\":1.5}", "{\"numRecords\":\"3\"}", "{\"numRecords\":99999999999999999999}",
                         "{\"x\":1}", "[1]", "{\"numRecords\"", "{\"a\":{\"numRecords\":1}", "", "{\"a\":[}"};
    for (size_t i = 0; i < TN_ARRAY_LEN(bad); i++)
        CHECK(!dlt_json_top_int(bad[i], strlen(bad[i]), "numRecords", &v));
    /* no reading past n: a prefix of a valid document fails */
    const char *s3 = "{\"numRecords\":12}";
    CHECK(!dlt_json_top_int(s3, 5, "numRecords", &v));
}

static const char *g_all_schema =
    "{\"type\":\"struct\",\"fields\":["
    "{\"name\":\"i8\",\"type\":\"byte\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"i16\",\"type\":\"short\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"i32\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"i64\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"f\",\"type\":\"float\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"d\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"dec\",\"type\":\"decimal(10,2)\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"bigdec\",\"type\":\"decimal(30,5)\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"b\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"bin\",\"type\":\"binary\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"dt\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"ntz\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"st\",\"type\":{\"type\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]},"
    "\"nullable\":true,\"metadata\":{}}]}";

static void test_partitioned_table_all_types(void)
{
    const char *root = dt_table("alltypes");
    const char *parts = "[\"i8\",\"i16\",\"i32\",\"i64\",\"f\",\"d\",\"dec\",\"bigdec\",\"b\",\"s\",\"bin\",\"dt\",\"ts\",\"ntz\"]";
    char c0[32768];
    snprintf(c0, sizeof c0,
             "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"timestampNtz\"],"
             "\"writerFeatures\":[\"timestampNtz\"]}}\n%s",
             dt_meta(g_all_schema, parts, NULL));
    strcat(c0, dt_add("p1.parquet", 1,
                      "{\"i8\":\"-5\",\"i16\":\"300\",\"i32\":\"70000\",\"i64\":\"-9000000000\",\"f\":\"2.5\",\"d\":\"-0.125\","
                      "\"dec\":\"-12.3\",\"bigdec\":\"123456789012345678901234.5\",\"b\":\"true\",\"s\":\"a\\\"b\\\\c\\u00e9\","
                      "\"bin\":\"\\u0001\\u0002\",\"dt\":\"2000-03-01\",\"ts\":\"2000-03-01T10:00:00.000001Z\","
                      "\"ntz\":\"2000-03-01 10:00:00\"}",
                      NULL));
    strcat(c0, dt_add("p2.parquet", 1,
                      "{\"i8\":null,\"i16\":\"\",\"i32\":null,\"i64\":null,\"f\":null,\"d\":null,\"dec\":null,\"bigdec\":null,"
                      "\"b\":null,\"s\":\"\",\"bin\":null,\"dt\":null,\"ts\":null}",
                      NULL));
    dt_commit(root, 0, c0);
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (!s) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    CHECK_EQ_INT(s->metadata.npartition_columns, 14);
    const dlt_file *f = &s->files[0];
    const tn_value *v = f->partition_values;
    CHECK(v[0].type.id == TN_T_INT8 && v[0].v.i64 == -5);
    CHECK(v[1].type.id == TN_T_INT16 && v[1].v.i64 == 300);
    CHECK(v[2].v.i64 == 70000);
    CHECK(v[3].v.i64 == -9000000000LL);
    CHECK(v[4].v.f64 == 2.5);
    CHECK(v[5].v.f64 == -0.125);
    CHECK(v[6].type.id == TN_T_DECIMAL && v[6].v.i64 == -1230);
    tn_i128 big = 0;
    for (const char *p = "12345678901234567890123450000"; *p; p++)
        big = big * 10 + (*p - '0');
    CHECK(v[7].v.i128 == big);
    CHECK(v[8].v.b);
    CHECK_EQ_STR(v[9].v.str.ptr, "a\"b\\c\xC3\xA9");
    CHECK(v[10].type.id == TN_T_BLOB && v[10].v.str.len == 2 && v[10].v.str.ptr[0] == 1);
    CHECK_EQ_INT(v[11].v.i64, 11017);
    CHECK_EQ_INT(v[12].v.i64, (int64_t)(11017 * 86400LL + 36000) * 1000000 + 1);
    CHECK(v[13].type.id == TN_T_TIMESTAMP && !v[13].type.tz);
    CHECK_EQ_INT(v[13].v.i64, (int64_t)(11017 * 86400LL + 36000) * 1000000);
    const dlt_file *g = &s->files[1];
    for (int k = 0; k < 14; k++) {
        CHECK(g->partition_values[k].is_null);
        CHECK_EQ_INT(g->partition_values[k].type.id, f->partition_values[k].type.id);
    }
    CHECK(g->partition_raw[13] == NULL); /* absent key = null */
    CHECK_EQ_STR(dlt_snapshot_partition_field(s, 6)->name, "dec");
    /* parse a raw map with the snapshot's types (caller-owned values) */
    dlt_kv kv[2] = {{(char *)"s", (char *)"zz"}, {(char *)"i32", (char *)"7"}};
    dlt_map m = {kv, 2};
    tn_value out[14];
    CHECK_EQ_INT(dlt_snapshot_parse_partitions(s, &m, out, &err), TN_OK);
    CHECK_EQ_STR(out[9].v.str.ptr, "zz");
    CHECK_EQ_INT(out[2].v.i64, 7);
    CHECK(out[0].is_null);
    for (int k = 0; k < 14; k++)
        tn_value_free(&out[k]);
    kv[1].value = (char *)"seven";
    CHECK_EQ_INT(dlt_snapshot_parse_partitions(s, &m, out, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "i32") != NULL && strstr(err.msg, "seven") != NULL);
    dlt_snapshot_unref(s);
    /* a bad partition value in the log is a load error naming file and column */
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(g_all_schema, "[\"dt\"]", NULL),
                              dt_add("bad.parquet", 1, "{\"dt\":\"2021-02-30\"}", NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "bad.parquet") != NULL && strstr(err.msg, "\"dt\"") != NULL);
}

static void test_stats(void)
{
    const char *root = dt_table("stats");
    const char *stats =
        "{\\\"numRecords\\\":10,\\\"tightBounds\\\":false,"
        "\\\"minValues\\\":{\\\"i8\\\":-3,\\\"i32\\\":1,\\\"i64\\\":-5,\\\"f\\\":0.5,\\\"d\\\":-1.25,\\\"dec\\\":1.05,"
        "\\\"bigdec\\\":12.5,\\\"s\\\":\\\"apple\\\",\\\"dt\\\":\\\"2020-01-01\\\",\\\"ts\\\":\\\"2020-01-01T00:00:00.123Z\\\","
        "\\\"ntz\\\":\\\"2020-01-01T00:00:00.000\\\",\\\"st\\\":{\\\"x\\\":1},\\\"i16\\\":\\\"notanumber\\\"},"
        "\\\"maxValues\\\":{\\\"i8\\\":300,\\\"i32\\\":99,\\\"i64\\\":5,\\\"dec\\\":\\\"7.5\\\",\\\"s\\\":\\\"pear\\\","
        "\\\"ts\\\":\\\"2020-01-02T00:00:00.123Z\\\",\\\"b\\\":true},"
        "\\\"nullCount\\\":{\\\"i8\\\":0,\\\"i32\\\":4,\\\"s\\\":10,\\\"st\\\":{\\\"x\\\":2}}}";
    char extra[4096];
    snprintf(extra, sizeof extra, "\"stats\":\"%s\"", stats);
    char c0[32768];
    snprintf(c0, sizeof c0,
             "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"timestampNtz\"],"
             "\"writerFeatures\":[\"timestampNtz\"]}}\n%s",
             dt_meta(g_all_schema, NULL, NULL));
    strcat(c0, dt_add("a.parquet", 1, NULL, extra));
    strcat(c0, dt_add("b.parquet", 1, NULL, "\"stats\":\"{not json\""));
    strcat(c0, dt_add("c.parquet", 1, NULL, NULL));
    dt_commit(root, 0, c0);
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (!s)
        return;
    CHECK_EQ_INT(s->files[0].num_records, 10);
    dlt_stats st;
    CHECK_EQ_INT(dlt_file_stats(s, &s->files[0], &st, &err), TN_OK);
    CHECK(st.valid);
    CHECK_EQ_INT(st.num_records, 10);
    CHECK(!st.tight_bounds);
    CHECK_EQ_INT(st.ncols, 15);
    CHECK(st.cols[0].has_min && st.cols[0].min.v.i64 == -3);
    CHECK(!st.cols[0].has_max); /* 300 does not fit a byte: dropped */
    CHECK_EQ_INT(st.cols[0].null_count, 0);
    CHECK(!st.cols[1].has_min); /* string for a short: dropped */
    CHECK(st.cols[2].has_min && st.cols[2].has_max && st.cols[2].max.v.i64 == 99);
    CHECK_EQ_INT(st.cols[2].null_count, 4);
    CHECK(st.cols[4].has_min && st.cols[4].min.v.f64 == 0.5);
    CHECK(st.cols[5].has_min && st.cols[5].min.v.f64 == -1.25);
    CHECK(st.cols[6].has_min && st.cols[6].min.v.i64 == 105); /* JSON real, precision 10 <= 15 */
    CHECK(st.cols[6].has_max && st.cols[6].max.v.i64 == 750);  /* decimal text */
    CHECK(!st.cols[7].has_min);                                 /* JSON real, precision 30: dropped */
    CHECK(st.cols[8].has_max && st.cols[8].max.v.b);
    CHECK(st.cols[9].has_min && strcmp(st.cols[9].min.v.str.ptr, "apple") == 0);
    CHECK(st.cols[9].has_max && strcmp(st.cols[9].max.v.str.ptr, "pear") == 0);
    CHECK_EQ_INT(st.cols[9].null_count, 10);
    CHECK(st.cols[11].has_min && st.cols[11].min.v.i64 == 18262);
    int64_t ts0 = 18262LL * 86400 * 1000000;
    CHECK(st.cols[12].has_min && st.cols[12].min.v.i64 == ts0 + 123000);
    CHECK(st.cols[12].has_max && st.cols[12].max.v.i64 == ts0 + 86400LL * 1000000 + 123000 + 999); /* widened */
    CHECK(st.cols[13].has_min && st.cols[13].min.v.i64 == ts0);
    CHECK(!st.cols[14].has_min && !st.cols[14].has_max); /* nested: no min/max */
    CHECK_EQ_INT(st.cols[14].null_count, -1);
    CHECK_EQ_INT(st.cols[3].null_count, -1);
    dlt_stats_free(&st);
    /* unparsable and absent stats are "not valid", never an error */
    CHECK_EQ_INT(dlt_file_stats(s, &s->files[1], &st, &err), TN_OK);
    CHECK(!st.valid);
    CHECK_EQ_INT(st.num_records, -1);
    dlt_stats_free(&st);
    CHECK_EQ_INT(s->files[1].num_records, -1);
    CHECK_EQ_INT(dlt_file_stats(s, &s->files[2], &st, &err), TN_OK);
    CHECK(!st.valid && st.ncols == 15 && !st.cols[2].has_min);
    dlt_stats_free(&st);
    dlt_snapshot_unref(s);
}

static void test_row_to_json(void)
{
    const char *names[] = {"numRecords", "minValues"};
    const char *inner_names[] = {"a", "d", "t", "s", "dec", "n"};
    tn_type inner_types[] = {tn_type_make(TN_T_INT64), tn_type_make(TN_T_DATE), tn_type_timestamp(TN_UNIT_MS, true),
                             tn_type_make(TN_T_VARCHAR), tn_type_decimal(5, 2), tn_type_make(TN_T_DOUBLE)};
    tn_type inner = tn_type_struct(6, inner_names, inner_types);
    tn_type types[] = {tn_type_make(TN_T_INT64), inner};
    tn_type top = tn_type_struct(2, names, types);
    tn_vector *v = tn_vector_new(top, 4);
    CHECK(v != NULL);
    if (!v)
        return;
    ((int64_t *)v->children[0]->data)[0] = 12;
    tn_vector *in = v->children[1];
    ((int64_t *)in->children[0]->data)[0] = -4;
    ((int32_t *)in->children[1]->data)[0] = 19782;
    ((int64_t *)in->children[2]->data)[0] = 1000; /* ms */
    tn_str sv;
    CHECK_EQ_INT(tn_vector_add_string(in->children[3], "q\"x\x01", 4, &sv), TN_OK);
    ((tn_str *)in->children[3]->data)[0] = sv;
    ((int64_t *)in->children[4]->data)[0] = -5;
    tn_vector_set_null(in->children[5], 0);
    tn_sbuf sb = TN_SBUF_INIT;
    CHECK(dlt_vector_row_to_json(v, 0, &sb, 0));
    CHECK_EQ_STR(tn_sbuf_str(&sb), "{\"numRecords\":12,\"minValues\":{\"a\":-4,\"d\":\"2024-02-29\",\"t\":"
                                   "\"1970-01-01T00:00:01.000000Z\",\"s\":\"q\\\"x\\u0001\",\"dec\":\"-0.05\",\"n\":null}}");
    int64_t nr;
    CHECK(dlt_json_top_int(sb.buf, sb.len, "numRecords", &nr) && nr == 12);
    tn_sbuf_clear(&sb);
    tn_vector_set_null(v, 1);
    CHECK(dlt_vector_row_to_json(v, 1, &sb, 0));
    CHECK_EQ_STR(tn_sbuf_str(&sb), "null");
    tn_sbuf_free(&sb);
    /* partition-string rendering round-trips through the parser */
    tn_value tv = tn_value_int(tn_type_timestamp(TN_UNIT_US, true), -1);
    tn_sbuf p = TN_SBUF_INIT;
    dlt_value_to_partition_string(&tv, &p);
    CHECK_EQ_STR(tn_sbuf_str(&p), "1969-12-31T23:59:59.999999Z");
    tn_value back;
    CHECK_EQ_INT(pv(tv.type, tn_sbuf_str(&p), &back), TN_OK);
    CHECK_EQ_INT(back.v.i64, -1);
    tn_sbuf_free(&p);
    tn_vector_unref(v);
}

static void test_z85(void)
{
    uint8_t out[8];
    tn_err err = TN_ERR_INIT;
    /* ZeroMQ RFC 32 test vector */
    CHECK_EQ_INT(dlt_z85_decode("HelloWorld", 10, out, &err), TN_OK);
    const uint8_t want[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
    CHECK(memcmp(out, want, 8) == 0);
    CHECK_EQ_INT(dlt_z85_decode("Hello", 4, out, &err), TN_CORRUPT);
    CHECK_EQ_INT(dlt_z85_decode("Hel~o", 5, out, &err), TN_CORRUPT);
    CHECK_EQ_INT(dlt_z85_decode("#####", 5, out, &err), TN_CORRUPT); /* > 2^32 */
}

TEST_MAIN(test_partition_ints_bools, test_partition_floats, test_partition_dates_times, test_partition_decimals,
          test_partition_strings, test_json_skim, test_partitioned_table_all_types, test_stats, test_row_to_json, test_z85)
