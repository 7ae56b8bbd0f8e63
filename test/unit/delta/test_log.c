/*
 * test_log.c -- Delta log replay on hand-written logs: reconciliation rules (file keys with DVs,
 * latest protocol/metaData, txn per appId, domain metadata with removal), version gaps, missing
 * protocol/metaData, protocol refusals, malformed JSON and missing fields (file + line in the
 * message), unknown actions/fields, percent-decoding, path traversal and foreign schemes, time
 * travel by version and timestamp (file times and in-commit timestamps), history and single
 * commits, and column mapping.
 */
#include "delta_testutil.h"

static void test_reconcile_files(void)
{
    const char *root = dt_table("reconcile");
    /* dt_add() returns one static buffer: build commits piecewise */
    char c0[8192], c1[8192], c2[8192];
    snprintf(c0, sizeof c0, "%s%s", DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL));
    strcat(c0, dt_add("a.parquet", 10, NULL, NULL));
    strcat(c0, dt_add("b.parquet", 20, NULL, NULL));
    dt_commit(root, 0, c0);
    snprintf(c1, sizeof c1, "%s", dt_remove("a.parquet", NULL));
    strcat(c1, dt_add("c.parquet", 30, NULL, NULL));
    dt_commit(root, 1, c1);
    snprintf(c2, sizeof c2, "%s", dt_add("b.parquet", 25, NULL, "\"stats\":\"{\\\"numRecords\\\":7}\""));
    dt_commit(root, 2, c2);

    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (!s)
        return;
    CHECK_EQ_INT(s->version, 2);
    CHECK_EQ_INT(s->nfiles, 2);
    /* order of the latest adds: c (v1) then b (v2) */
    CHECK_EQ_STR(s->files[0].path, "c.parquet");
    CHECK_EQ_STR(s->files[1].path, "b.parquet");
    CHECK_EQ_INT(s->files[1].size, 25);
    CHECK_EQ_INT(s->files[1].num_records, 7);
    CHECK_EQ_INT(s->files[0].num_records, -1);
    char want[4096];
    snprintf(want, sizeof want, "%s/b.parquet", root);
    CHECK_EQ_STR(s->files[1].full_path, want);
    CHECK_EQ_INT(s->checkpoint_version, -1);
    CHECK_EQ_INT(s->last_checkpoint, DLT_LASTCP_ABSENT);
    CHECK_EQ_INT(s->metadata.schema.nfields, 2);
    CHECK_EQ_INT(s->metadata.schema.fields[0].type.id, TN_T_INT64);
    CHECK_EQ_INT(s->metadata.schema.fields[1].type.id, TN_T_VARCHAR);
    dlt_snapshot_unref(s);

    /* time travel by version */
    CHECK_EQ_INT(dt_load(root, 0, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->version, 0);
        CHECK_EQ_INT(s->nfiles, 2);
        CHECK(dt_find_file(s, "a.parquet") >= 0);
        CHECK(dt_find_file(s, "c.parquet") < 0);
        CHECK_EQ_INT(s->files[dt_find_file(s, "b.parquet")].size, 20);
        dlt_snapshot_unref(s);
    }
    CHECK_EQ_INT(dt_load(root, 1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->nfiles, 2);
        CHECK(dt_find_file(s, "a.parquet") < 0);
        dlt_snapshot_unref(s);
    }
    CHECK_EQ_INT(dt_load(root, 3, &s, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "version 3 does not exist") != NULL);
}

#define DV(id, card) "\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":\"" id "\",\"offset\":1,\"sizeInBytes\":40,\"cardinality\":" #card "}"

static void test_dv_keys(void)
{
    const char *root = dt_table("dvkeys");
    char c[4][8192];
    snprintf(c[0], sizeof c[0], "%s%s", DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL));
    strcat(c[0], dt_add("f.parquet", 10, NULL, NULL));
    strcat(c[0], dt_add("g.parquet", 10, NULL, DV("ab^-aqEH.-t@S}K{vb[*k^", 3)));
    dt_commit(root, 0, c[0]);
    /* v1: f gets DV X (remove f without DV, add f with DV X) */
    snprintf(c[1], sizeof c[1], "%s", dt_remove("f.parquet", NULL));
    strcat(c[1], dt_add("f.parquet", 10, NULL, DV("XXXXXXXXXXXXXXXXXXXX", 1)));
    dt_commit(root, 1, c[1]);
    /* v2: f moves from DV X to DV Y; g: a remove with a different DV id leaves (g, dv) alive */
    snprintf(c[2], sizeof c[2], "%s", dt_add("f.parquet", 10, NULL, DV("YYYYYYYYYYYYYYYYYYYY", 2)));
    strcat(c[2], dt_remove("f.parquet", DV("XXXXXXXXXXXXXXXXXXXX", 1)));
    strcat(c[2], dt_remove("g.parquet", DV("ZZZZZZZZZZZZZZZZZZZZ", 3)));
    dt_commit(root, 2, c[2]);
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (!s)
        return;
    CHECK_EQ_INT(s->nfiles, 2);
    int fi = dt_find_file(s, "f.parquet");
    CHECK(fi >= 0);
    if (fi >= 0) {
        CHECK(s->files[fi].has_dv);
        CHECK_EQ_STR(s->files[fi].dv.unique_id, "uYYYYYYYYYYYYYYYYYYYY@1");
        CHECK_EQ_INT(s->files[fi].dv.cardinality, 2);
    }
    int gi = dt_find_file(s, "g.parquet");
    CHECK(gi >= 0);
    if (gi >= 0)
        CHECK_EQ_STR(s->files[gi].dv.unique_id, "uab^-aqEH.-t@S}K{vb[*k^@1");
    dlt_snapshot_unref(s);
    /* version 1: f with DV X only (the DV-less f was removed) */
    CHECK_EQ_INT(dt_load(root, 1, &s, &err), TN_OK);
    if (s) {
        int n = 0;
        for (uint64_t i = 0; i < s->nfiles; i++)
            if (strcmp(s->files[i].path, "f.parquet") == 0) {
                n++;
                CHECK(s->files[i].has_dv);
            }
        CHECK_EQ_INT(n, 1);
        dlt_snapshot_unref(s);
    }
}

static void test_latest_protocol_metadata_txn_domain(void)
{
    const char *root = dt_table("latest");
    const char *schema2 = "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,"
                          "\"metadata\":{}},{\"name\":\"c\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}}]}";
    dt_commit(root, 0,
              dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, "{\"k\":\"v0\"}"),
                     "{\"txn\":{\"appId\":\"app1\",\"version\":5,\"lastUpdated\":123}}\n",
                     "{\"domainMetadata\":{\"domain\":\"d1\",\"configuration\":\"x\",\"removed\":false}}\n",
                     "{\"domainMetadata\":{\"domain\":\"d2\",\"configuration\":\"y\",\"removed\":false}}\n", NULL));
    dt_commit(root, 1,
              dt_cat("{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":4}}\n", dt_meta(schema2, NULL, "{\"k\":\"v1\"}"),
                     "{\"txn\":{\"appId\":\"app1\",\"version\":3}}\n", "{\"txn\":{\"appId\":\"app2\",\"version\":1}}\n",
                     "{\"domainMetadata\":{\"domain\":\"d1\",\"configuration\":\"x\",\"removed\":true}}\n", NULL));
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (!s)
        return;
    CHECK_EQ_INT(s->protocol.min_writer_version, 4);
    CHECK_EQ_INT(s->metadata.schema.nfields, 2);
    CHECK_EQ_STR(s->metadata.schema.fields[1].name, "c");
    CHECK_EQ_STR(dlt_map_get(&s->metadata.configuration, "k", NULL), "v1");
    CHECK_EQ_INT(s->ntxns, 2);
    const dlt_txn *t1 = dlt_snapshot_find_txn(s, "app1");
    CHECK(t1 && t1->version == 3); /* latest, not max */
    CHECK(t1 && t1->last_updated == -1);
    const dlt_txn *t2 = dlt_snapshot_find_txn(s, "app2");
    CHECK(t2 && t2->version == 1);
    CHECK(dlt_snapshot_find_txn(s, "nope") == NULL);
    CHECK_EQ_INT(s->ndomains, 1);
    CHECK(dlt_snapshot_find_domain(s, "d1") == NULL);
    const dlt_domain *d2 = dlt_snapshot_find_domain(s, "d2");
    CHECK(d2 && strcmp(d2->configuration, "y") == 0);
    dlt_snapshot_unref(s);
    /* version 0 still sees d1 and app1 = 5 */
    CHECK_EQ_INT(dt_load(root, 0, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->ndomains, 2);
        const dlt_txn *t = dlt_snapshot_find_txn(s, "app1");
        CHECK(t && t->version == 5 && t->last_updated == 123);
        CHECK_EQ_INT(s->protocol.min_writer_version, 2);
        dlt_snapshot_unref(s);
    }
}

static void test_gaps_and_missing(void)
{
    const char *root = dt_table("gap");
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    dt_commit(root, 2, dt_add("x.parquet", 1, NULL, NULL));
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "not contiguous") != NULL);
    CHECK(strstr(err.msg, "commit 1") != NULL);
    /* version 0 alone is fine */
    CHECK_EQ_INT(dt_load(root, 0, &s, &err), TN_OK);
    dlt_snapshot_unref(s);

    root = dt_table("noproto");
    dt_commit(root, 0, dt_cat(dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "no protocol") != NULL);
    root = dt_table("nometa");
    dt_commit(root, 0, DT_PROTO);
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "no metaData") != NULL);
    /* empty log, and no log at all */
    root = dt_table("emptylog");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "empty") != NULL);
    char notable[2100];
    snprintf(notable, sizeof notable, "%s/definitely_not_a_table", dt_tmp());
    dt_mkdirs(notable);
    CHECK_EQ_INT(dt_load(notable, -1, &s, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "not a Delta table") != NULL);
    /* log cleaned up: commit 0 gone, no checkpoint */
    root = dt_table("cleaned");
    dt_commit(root, 1, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "cannot be reconstructed") != NULL);
}

static void test_protocol_refusal(void)
{
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    const char *root = dt_table("proto4");
    dt_commit(root, 0, dt_cat("{\"protocol\":{\"minReaderVersion\":4,\"minWriterVersion\":7}}\n",
                              dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTSUP);
    CHECK(strstr(err.msg, "reader version 4") != NULL);

    root = dt_table("protofeat");
    dt_commit(root, 0,
              dt_cat("{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\","
                     "\"fancyNewThing\"],\"writerFeatures\":[\"deletionVectors\",\"fancyNewThing\"]}}\n",
                     dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTSUP);
    CHECK(strstr(err.msg, "fancyNewThing") != NULL);
    CHECK(strstr(err.msg, "deletionVectors") == NULL);

    root = dt_table("protook");
    dt_commit(root, 0,
              dt_cat("{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"deletionVectors\","
                     "\"columnMapping\",\"timestampNtz\",\"v2Checkpoint\",\"typeWidening\",\"vacuumProtocolCheck\"],"
                     "\"writerFeatures\":[\"appendOnly\",\"someWriterOnlyFeature\",\"domainMetadata\"]}}\n",
                     dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK(dlt_protocol_has_reader_feature(&s->protocol, "v2Checkpoint"));
        CHECK(dlt_protocol_has_writer_feature(&s->protocol, "someWriterOnlyFeature"));
        CHECK(!dlt_protocol_has_reader_feature(&s->protocol, "appendOnly"));
        dlt_snapshot_unref(s);
    }
    /* a later protocol upgrade to an unknown feature is refused, the version before it loads */
    dt_commit(root, 1,
              "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"variantType\"],"
              "\"writerFeatures\":[\"variantType\"]}}\n");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTSUP);
    CHECK(strstr(err.msg, "variantType") != NULL);
    CHECK_EQ_INT(dt_load(root, 0, &s, &err), TN_OK);
    dlt_snapshot_unref(s);
    /* minReaderVersion 0 is corrupt */
    root = dt_table("proto0");
    dt_commit(root, 0, dt_cat("{\"protocol\":{\"minReaderVersion\":0,\"minWriterVersion\":1}}\n",
                              dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
}

static void test_malformed(void)
{
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    const char *root = dt_table("malformed");
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    dt_commit(root, 1, dt_cat(dt_add("a.parquet", 1, NULL, NULL), "\n", "{\"add\": {\"path\": \"b\", oops}\n", NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "00000000000000000001.json") != NULL);
    CHECK(strstr(err.msg, "line 3") != NULL);
    CHECK(strstr(err.msg, "malformed JSON") != NULL);
    /* missing required field */
    dt_commit(root, 1, "{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"modificationTime\":1,\"dataChange\":true}}\n");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "line 1") != NULL);
    CHECK(strstr(err.msg, "\"size\"") != NULL);
    /* wrong type */
    dt_commit(root, 1, "{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"size\":\"big\",\"modificationTime\":1,\"dataChange\":true}}\n");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "size") != NULL);
    /* a line that is not an object */
    dt_commit(root, 1, "[1,2,3]\n");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "not a JSON object") != NULL);
    /* metaData without schemaString */
    dt_commit(root, 1, "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\"},\"partitionColumns\":[],\"configuration\":{}}}\n");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "schemaString") != NULL);
    /* a malformed schemaString in the winning metaData */
    dt_commit(root, 1, "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\"},\"schemaString\":\"{nope\","
                       "\"partitionColumns\":[],\"configuration\":{}}}\n");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "schemaString") != NULL);
    /* an unknown type in the schema */
    dt_commit(root, 1, dt_meta("{\"type\":\"struct\",\"fields\":[{\"name\":\"q\",\"type\":\"quaternion\",\"nullable\":true}]}",
                               NULL, NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTSUP);
    CHECK(strstr(err.msg, "quaternion") != NULL);
    /* unknown actions and fields are ignored; null optional fields are absent; blank lines OK */
    dt_commit(root, 1,
              dt_cat("{\"futureAction\":{\"x\":1}}\n", "\n",
                     "{\"add\":{\"path\":\"a.parquet\",\"partitionValues\":{},\"size\":1,\"modificationTime\":1,"
                     "\"dataChange\":true,\"futureField\":[1,2],\"stats\":null,\"tags\":null,\"deletionVector\":null,"
                     "\"baseRowId\":null}}\r\n",
                     "{\"commitInfo\":{\"operation\":\"WRITE\",\"whatever\":{\"deep\":[1]}}}\n", NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->nfiles, 1);
        CHECK(s->files[0].stats_json == NULL);
        CHECK(!s->files[0].has_dv);
        CHECK_EQ_INT(s->files[0].base_row_id, -1);
        dlt_snapshot_unref(s);
    }
}

static void test_paths(void)
{
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("paths"));
    char c0[8192];
    snprintf(c0, sizeof c0, "%s%s", DT_PROTO, dt_meta(DT_SCHEMA_AB, "[\"b\"]", NULL));
    strcat(c0, dt_add("b=A%252FB/part%20one.parquet", 1, "{\"b\":\"A%2FB\"}", NULL));
    strcat(c0, dt_add("b=%F0%9F%98%88/x.parquet", 1, "{\"b\":\"\xF0\x9F\x98\x88\"}", NULL));
    strcat(c0, dt_add("b=raw \xC3\xA9/y.parquet", 1, "{\"b\":null}", NULL));
    dt_commit(root, 0, c0);
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        char want[4096];
        snprintf(want, sizeof want, "%s/b=A%%2FB/part one.parquet", root);
        CHECK_EQ_STR(s->files[0].full_path, want);
        CHECK_EQ_STR(s->files[0].partition_raw[0], "A%2FB");
        CHECK_EQ_STR(s->files[0].partition_values[0].v.str.ptr, "A%2FB");
        snprintf(want, sizeof want, "%s/b=\xF0\x9F\x98\x88/x.parquet", root);
        CHECK_EQ_STR(s->files[1].full_path, want);
        CHECK_EQ_STR(s->files[1].partition_values[0].v.str.ptr, "\xF0\x9F\x98\x88");
        snprintf(want, sizeof want, "%s/b=raw \xC3\xA9/y.parquet", root);
        CHECK_EQ_STR(s->files[2].full_path, want);
        CHECK(s->files[2].partition_raw[0] == NULL);
        CHECK(s->files[2].partition_values[0].is_null);
        dlt_snapshot_unref(s);
    }
    /* traversal, plain and percent-encoded */
    const char *bad[] = {"../outside.parquet", "a/../../x.parquet", "%2E%2E/x.parquet", "a/%2e%2e/%2E%2E/x"};
    for (size_t i = 0; i < TN_ARRAY_LEN(bad); i++) {
        dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add(bad[i], 1, NULL, NULL), NULL));
        CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
        CHECK(strstr(err.msg, "..") != NULL);
    }
    /* bad percent-encoding, NUL bytes */
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("a%2", 1, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "percent") != NULL);
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("a%00b", 1, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    /* absolute paths: inside the root OK, outside refused unless allowed, other schemes refused */
    char inside[4096];
    snprintf(inside, sizeof inside, "file://%s/sub/in.parquet", root);
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add(inside, 1, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        char want[4096];
        snprintf(want, sizeof want, "%s/sub/in.parquet", root);
        CHECK_EQ_STR(s->files[0].full_path, want);
        dlt_snapshot_unref(s);
    }
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("file:///etc/passwd", 1, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTSUP);
    CHECK(strstr(err.msg, "outside the table root") != NULL);
    dlt_table *t;
    dlt_open_options oo = {true};
    CHECK_EQ_INT(dlt_table_open_ex(vfs_default(), root, &oo, &t, &err), TN_OK);
    CHECK_EQ_INT(dlt_snapshot_load(t, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_STR(s->files[0].full_path, "/etc/passwd");
        dlt_snapshot_unref(s);
    }
    dlt_table_unref(t);
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("/abs/elsewhere.parquet", 1, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTSUP);
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("s3://bucket/t/x.parquet", 1, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTSUP);
    CHECK(strstr(err.msg, "s3") != NULL);
    /* the table root may be given as a file: URI */
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("ok.parquet", 1, NULL, NULL), NULL));
    char uri[4096];
    snprintf(uri, sizeof uri, "file://%s/", root);
    CHECK_EQ_INT(dt_load(uri, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_STR(s->root, root);
        dlt_snapshot_unref(s);
    }
}

/* A UUID-named V2 JSON checkpoint at version v holding protocol, metadata and the given adds. */
static void put_v2_checkpoint(const char *root, int64_t v, const char *uuid, const char *adds)
{
    char rel[256], body[16384];
    snprintf(rel, sizeof rel, "_delta_log/%020lld.checkpoint.%s.json", (long long)v, uuid);
    snprintf(body, sizeof body, "{\"checkpointMetadata\":{\"version\":%lld}}\n%s%s%s", (long long)v, DT_PROTO,
             dt_meta(DT_SCHEMA_AB, NULL, NULL), adds);
    dt_put(root, rel, body);
}

static void test_checkpoints_json(void)
{
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("ckjson"));
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("a.parquet", 1, NULL, NULL), NULL));
    dt_commit(root, 1, dt_add("b.parquet", 1, NULL, NULL));
    dt_commit(root, 2, dt_add("c.parquet", 1, NULL, NULL));
    dt_commit(root, 3, dt_add("d.parquet", 1, NULL, NULL));
    /* the checkpoint at 2 deliberately holds a file the commits do not: proves it was used */
    char adds[4096];
    snprintf(adds, sizeof adds, "%s", dt_add("a.parquet", 1, NULL, NULL));
    strcat(adds, dt_add("b.parquet", 1, NULL, NULL));
    strcat(adds, dt_add("c.parquet", 1, NULL, NULL));
    strcat(adds, dt_add("only-in-checkpoint.parquet", 1, NULL, NULL));
    put_v2_checkpoint(root, 2, "3a0d65cd-4056-49b8-937b-95f9e3ee90e5", adds);
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->checkpoint_version, 2);
        CHECK_EQ_INT(s->last_checkpoint, DLT_LASTCP_ABSENT);
        CHECK_EQ_INT(s->nfiles, 5);
        CHECK(dt_find_file(s, "only-in-checkpoint.parquet") >= 0);
        dlt_snapshot_unref(s);
    }
    /* version 1 must not use the checkpoint at 2 */
    CHECK_EQ_INT(dt_load(root, 1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->checkpoint_version, -1);
        CHECK_EQ_INT(s->nfiles, 2);
        dlt_snapshot_unref(s);
    }
    /* _last_checkpoint: ok, stale, missing, corrupt */
    dt_put(root, "_delta_log/_last_checkpoint", "{\"version\":2,\"size\":6}");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->last_checkpoint, DLT_LASTCP_OK);
        CHECK_EQ_INT(s->checkpoint_version, 2);
        dlt_snapshot_unref(s);
    }
    snprintf(adds, sizeof adds, "%s", dt_add("a.parquet", 1, NULL, NULL));
    put_v2_checkpoint(root, 1, "016ae953-37a9-438e-8683-9a9a4a79a395", adds);
    dt_put(root, "_delta_log/_last_checkpoint", "{\"version\":1,\"size\":3}");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->last_checkpoint, DLT_LASTCP_STALE);
        CHECK_EQ_INT(s->checkpoint_version, 2); /* the listing wins */
        dlt_snapshot_unref(s);
    }
    dt_put(root, "_delta_log/_last_checkpoint", "{\"version\":7,\"size\":3}");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->last_checkpoint, DLT_LASTCP_MISSING);
        CHECK_EQ_INT(s->checkpoint_version, 2);
        dlt_snapshot_unref(s);
    }
    dt_put(root, "_delta_log/_last_checkpoint", "{\"version\":2,");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->last_checkpoint, DLT_LASTCP_CORRUPT);
        CHECK_EQ_INT(s->checkpoint_version, 2);
        dlt_snapshot_unref(s);
    }
    /* a corrupt newest checkpoint: fall back to the older one, and say why */
    char rel[256];
    snprintf(rel, sizeof rel, "_delta_log/%020d.checkpoint.3a0d65cd-4056-49b8-937b-95f9e3ee90e5.json", 2);
    dt_put(root, rel, "{\"checkpointMetadata\":{\"version\":2}}\n{broken\n");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->checkpoint_version, 1);
        CHECK(s->checkpoint_note && strstr(s->checkpoint_note, "malformed JSON"));
        CHECK_EQ_INT(s->nfiles, 3); /* a (checkpoint 1) + c, d from commits 2, 3 */
        CHECK(dt_find_file(s, "b.parquet") < 0); /* checkpoint 1 only had a: proves it was used */
        dlt_snapshot_unref(s);
    }
    /* an incomplete multi-part checkpoint is not even a candidate */
    dt_put(root, "_delta_log/00000000000000000003.checkpoint.0000000001.0000000002.parquet", "garbage");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->checkpoint_version, 1);
        dlt_snapshot_unref(s);
    }
    /* metadata cleanup: commits before the checkpoint gone; the checkpoint carries the state */
    snprintf(root, sizeof root, "%s", dt_table("ckcleaned"));
    snprintf(adds, sizeof adds, "%s", dt_add("a.parquet", 1, NULL, NULL));
    put_v2_checkpoint(root, 5, "7d17ac10-5cc3-401b-bd1a-9c82dd2ea032", adds);
    dt_commit(root, 5, dt_add("a.parquet", 1, NULL, NULL));
    dt_commit(root, 6, dt_add("b.parquet", 1, NULL, NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->version, 6);
        CHECK_EQ_INT(s->checkpoint_version, 5);
        CHECK_EQ_INT(s->nfiles, 2);
        dlt_snapshot_unref(s);
    }
    CHECK_EQ_INT(dt_load(root, 5, &s, &err), TN_OK);
    dlt_snapshot_unref(s);
    CHECK_EQ_INT(dt_load(root, 4, &s, &err), TN_NOTFOUND);
    /* a gap after the checkpoint */
    dt_commit(root, 8, dt_add("c.parquet", 1, NULL, NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "commit 7 is missing") != NULL);
    /* a sidecar named with a path that leaves _sidecars is refused (fallback: no other source) */
    snprintf(root, sizeof root, "%s", dt_table("cksidecar"));
    dt_put(root, "_delta_log/00000000000000000003.checkpoint.11111111-2222-3333-4444-555555555555.json",
           dt_cat("{\"checkpointMetadata\":{\"version\":3}}\n", DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL),
                  "{\"sidecar\":{\"path\":\"..%2F..%2Fevil.parquet\",\"sizeInBytes\":1,\"modificationTime\":1}}\n", NULL));
    dt_commit(root, 3, "{\"commitInfo\":{}}\n");
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "sidecar") != NULL);
    /* a missing sidecar: the checkpoint cannot be used */
    dt_put(root, "_delta_log/00000000000000000003.checkpoint.11111111-2222-3333-4444-555555555555.json",
           dt_cat("{\"checkpointMetadata\":{\"version\":3}}\n", DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL),
                  "{\"sidecar\":{\"path\":\"gone.parquet\",\"sizeInBytes\":1,\"modificationTime\":1}}\n", NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "gone.parquet") != NULL);
}

static void test_history_and_time_travel(void)
{
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("history"));
    dt_commit(root, 0, dt_cat("{\"commitInfo\":{\"timestamp\":11,\"operation\":\"CREATE TABLE\",\"operationParameters\":"
                              "{\"mode\":\"ErrorIfExists\"},\"isBlindAppend\":true}}\n",
                              DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    dt_commit(root, 1, dt_cat("{\"commitInfo\":{\"timestamp\":22,\"operation\":\"WRITE\",\"operationMetrics\":"
                              "{\"numFiles\":\"1\"},\"readVersion\":0,\"userName\":\"me\"}}\n",
                              dt_add("a.parquet", 1, NULL, NULL), NULL));
    dt_commit(root, 2, dt_add("b.parquet", 1, NULL, NULL)); /* no commitInfo */
    dt_commit_mtime(root, 0, 1000000);
    dt_commit_mtime(root, 1, 2000000);
    dt_commit_mtime(root, 2, 1500000); /* goes backwards: counts as 2000001 */
    dlt_table *t;
    CHECK_EQ_INT(dlt_table_open(vfs_default(), root, &t, &err), TN_OK);
    dlt_history *h;
    CHECK_EQ_INT(dlt_history_load(t, 0, &h, &err), TN_OK);
    if (h) {
        CHECK_EQ_INT(h->n, 3);
        CHECK_EQ_INT(h->entries[0].version, 2);
        CHECK(!h->entries[0].has_info);
        CHECK_EQ_INT(h->entries[0].timestamp_ms, 2000001);
        CHECK_EQ_INT(h->entries[1].version, 1);
        CHECK_EQ_STR(h->entries[1].operation, "WRITE");
        CHECK_EQ_STR(h->entries[1].operation_metrics, "{\"numFiles\":\"1\"}");
        CHECK_EQ_STR(h->entries[1].user_name, "me");
        CHECK_EQ_INT(h->entries[1].read_version, 0);
        CHECK_EQ_INT(h->entries[1].info_timestamp, 22);
        CHECK_EQ_INT(h->entries[1].timestamp_ms, 2000000);
        CHECK_EQ_STR(h->entries[2].operation, "CREATE TABLE");
        CHECK_EQ_STR(h->entries[2].operation_parameters, "{\"mode\":\"ErrorIfExists\"}");
        CHECK_EQ_INT(h->entries[2].is_blind_append, 1);
        CHECK(h->entries[2].json && strstr(h->entries[2].json, "CREATE TABLE"));
        dlt_history_free(h);
    }
    CHECK_EQ_INT(dlt_history_load(t, 1, &h, &err), TN_OK);
    if (h) {
        CHECK_EQ_INT(h->n, 1);
        CHECK_EQ_INT(h->entries[0].version, 2);
        dlt_history_free(h);
    }
    /* timestamp travel over file times */
    CHECK_EQ_INT(dlt_snapshot_load_at_time(t, 1500000, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->version, 0);
        CHECK_EQ_INT(s->timestamp_ms, 1000000);
        dlt_snapshot_unref(s);
    }
    CHECK_EQ_INT(dlt_snapshot_load_at_time(t, 2000000, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->version, 1);
        dlt_snapshot_unref(s);
    }
    CHECK_EQ_INT(dlt_snapshot_load_at_time(t, 2000001, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->version, 2);
        CHECK_EQ_INT(s->nfiles, 2);
        dlt_snapshot_unref(s);
    }
    CHECK_EQ_INT(dlt_snapshot_load_at_time(t, 999999, &s, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "before the earliest") != NULL);
    CHECK_EQ_INT(dlt_snapshot_load_at_time(t, 3000000, &s, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "after the latest") != NULL);
    int64_t ms;
    CHECK_EQ_INT(dlt_table_commit_timestamp(t, 1, &ms, &err), TN_OK);
    CHECK_EQ_INT(ms, 2000000);
    CHECK_EQ_INT(dlt_table_commit_timestamp(t, 9, &ms, &err), TN_NOTFOUND);
    int64_t lv;
    CHECK_EQ_INT(dlt_table_latest_version(t, &lv, &err), TN_OK);
    CHECK_EQ_INT(lv, 2);
    /* single commit */
    dlt_commit *c;
    CHECK_EQ_INT(dlt_commit_load(t, 1, &c, &err), TN_OK);
    if (c) {
        CHECK_EQ_INT(c->nadds, 1);
        CHECK_EQ_STR(c->adds[0].path, "a.parquet");
        CHECK(c->info.has_info);
        CHECK_EQ_STR(c->info.operation, "WRITE");
        CHECK_EQ_INT(c->info.timestamp_ms, 2000000);
        CHECK(c->metadata == NULL && c->protocol == NULL);
        dlt_commit_free(c);
    }
    CHECK_EQ_INT(dlt_commit_load(t, 0, &c, &err), TN_OK);
    if (c) {
        CHECK(c->metadata && c->metadata->schema.nfields == 2);
        CHECK(c->protocol && c->protocol->min_writer_version == 2);
        dlt_commit_free(c);
    }
    CHECK_EQ_INT(dlt_commit_load(t, 7, &c, &err), TN_NOTFOUND);
    dlt_table_unref(t);
}

static void test_in_commit_timestamps(void)
{
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("ict"));
    /* v0, v1 without ICT (file times 1000 s, 2000 s); v2 enables ICT at 5000 s; v3 at 6000 s */
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), NULL));
    dt_commit(root, 1, dt_add("a.parquet", 1, NULL, NULL));
    dt_commit(root, 2, dt_cat("{\"commitInfo\":{\"inCommitTimestamp\":5000000,\"timestamp\":5000000}}\n",
                              "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":7,\"writerFeatures\":[\"inCommitTimestamp\"]}}\n",
                              dt_meta(DT_SCHEMA_AB, NULL, "{\"delta.enableInCommitTimestamps\":\"true\","
                                      "\"delta.inCommitTimestampEnablementVersion\":\"2\","
                                      "\"delta.inCommitTimestampEnablementTimestamp\":\"5000000\"}"), NULL));
    dt_commit(root, 3, dt_cat("{\"commitInfo\":{\"inCommitTimestamp\":6000000}}\n", dt_add("b.parquet", 1, NULL, NULL), NULL));
    dt_commit_mtime(root, 0, 1000000);
    dt_commit_mtime(root, 1, 2000000);
    dt_commit_mtime(root, 2, 9000000); /* file times of ICT commits are ignored */
    dt_commit_mtime(root, 3, 9000001);
    dlt_table *t;
    CHECK_EQ_INT(dlt_table_open(vfs_default(), root, &t, &err), TN_OK);
    struct {
        int64_t ts;
        int64_t want;
    } cases[] = {{1000000, 0}, {1999999, 0}, {2000000, 1}, {4000000, 1}, {5000000, 2}, {5999999, 2}, {6000000, 3}};
    for (size_t i = 0; i < TN_ARRAY_LEN(cases); i++) {
        CHECK_EQ_INT(dlt_snapshot_load_at_time(t, cases[i].ts, &s, &err), TN_OK);
        if (s) {
            CHECK_EQ_INT(s->version, cases[i].want);
            dlt_snapshot_unref(s);
        } else {
            fprintf(stderr, "ts %lld: %s\n", (long long)cases[i].ts, err.msg);
        }
    }
    CHECK_EQ_INT(dlt_snapshot_load_at_time(t, 6000001, &s, &err), TN_NOTFOUND);
    CHECK_EQ_INT(dlt_snapshot_load_at_time(t, 10, &s, &err), TN_NOTFOUND);
    CHECK_EQ_INT(dlt_snapshot_load(t, 3, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->timestamp_ms, 6000000);
        dlt_snapshot_unref(s);
    }
    dlt_table_unref(t);
}

static void test_column_mapping(void)
{
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    const char *schema =
        "{\"type\":\"struct\",\"fields\":["
        "{\"name\":\"Id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{\"delta.columnMapping.id\":1,"
        "\"delta.columnMapping.physicalName\":\"col-aaa\"}},"
        "{\"name\":\"part\",\"type\":\"date\",\"nullable\":true,\"metadata\":{\"delta.columnMapping.id\":2,"
        "\"delta.columnMapping.physicalName\":\"col-bbb\"}},"
        "{\"name\":\"s\",\"type\":{\"type\":\"struct\",\"fields\":[{\"name\":\"inner\",\"type\":\"integer\",\"nullable\":true,"
        "\"metadata\":{\"delta.columnMapping.id\":4,\"delta.columnMapping.physicalName\":\"col-ddd\"}}]},\"nullable\":true,"
        "\"metadata\":{\"delta.columnMapping.id\":3,\"delta.columnMapping.physicalName\":\"col-ccc\"}}]}";
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("colmap"));
    char c0[16384];
    snprintf(c0, sizeof c0, "{\"protocol\":{\"minReaderVersion\":2,\"minWriterVersion\":5}}\n%s",
             dt_meta(schema, "[\"part\"]", "{\"delta.columnMapping.mode\":\"name\",\"delta.columnMapping.maxColumnId\":\"4\"}"));
    strcat(c0, dt_add("xy/f.parquet", 1, "{\"col-bbb\":\"2024-02-29\"}",
                      "\"stats\":\"{\\\"numRecords\\\":3,\\\"minValues\\\":{\\\"col-aaa\\\":5},\\\"maxValues\\\":{\\\"col-aaa\\\":9}}\""));
    dt_commit(root, 0, c0);
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->column_mapping, DLT_CM_NAME);
        const dlt_field *f = &s->metadata.schema.fields[0];
        CHECK_EQ_STR(f->name, "Id");
        CHECK_EQ_STR(f->physical_name, "col-aaa");
        CHECK_EQ_INT(f->field_id, 1);
        const dlt_field *st = &s->metadata.schema.fields[2];
        CHECK_EQ_INT(st->type.id, TN_T_STRUCT);
        CHECK_EQ_INT(st->nchildren, 1);
        CHECK_EQ_STR(st->children[0].physical_name, "col-ddd");
        CHECK_EQ_INT(st->children[0].field_id, 4);
        CHECK(strstr(st->metadata_json, "col-ccc") != NULL);
        CHECK_EQ_INT(s->metadata.partition_field[0], 1);
        CHECK_EQ_STR(s->files[0].partition_raw[0], "2024-02-29");
        CHECK(!s->files[0].partition_values[0].is_null);
        CHECK_EQ_INT(s->files[0].partition_values[0].v.i64, 19782);
        dlt_stats st2;
        CHECK_EQ_INT(dlt_file_stats(s, &s->files[0], &st2, &err), TN_OK);
        CHECK(st2.valid);
        CHECK_EQ_INT(st2.num_records, 3);
        CHECK(st2.cols[0].has_min && st2.cols[0].min.v.i64 == 5);
        CHECK(st2.cols[0].has_max && st2.cols[0].max.v.i64 == 9);
        dlt_stats_free(&st2);
        dlt_snapshot_unref(s);
    }
    /* reader version 1: the mode property is not honoured (logical names) */
    snprintf(root, sizeof root, "%s", dt_table("colmap_v1"));
    snprintf(c0, sizeof c0, "%s%s", DT_PROTO, dt_meta(schema, NULL, "{\"delta.columnMapping.mode\":\"name\"}"));
    dt_commit(root, 0, c0);
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->column_mapping, DLT_CM_NONE);
        CHECK_EQ_STR(s->metadata.schema.fields[0].physical_name, "Id");
        CHECK_EQ_INT(s->metadata.schema.fields[0].field_id, 1);
        dlt_snapshot_unref(s);
    }
    /* reader 3 + columnMapping feature, id mode */
    snprintf(root, sizeof root, "%s", dt_table("colmap_id"));
    snprintf(c0, sizeof c0,
             "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":[\"columnMapping\"],"
             "\"writerFeatures\":[\"columnMapping\"]}}\n%s", dt_meta(schema, NULL, "{\"delta.columnMapping.mode\":\"id\"}"));
    dt_commit(root, 0, c0);
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        CHECK_EQ_INT(s->column_mapping, DLT_CM_ID);
        CHECK_EQ_STR(s->metadata.schema.fields[1].physical_name, "col-bbb");
        dlt_snapshot_unref(s);
    }
    /* a bad mode */
    snprintf(c0, sizeof c0,
             "{\"protocol\":{\"minReaderVersion\":2,\"minWriterVersion\":5}}\n%s", dt_meta(schema, NULL, "{\"delta.columnMapping.mode\":\"weird\"}"));
    dt_commit(root, 0, c0);
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTSUP);
    /* partition column not in the schema */
    snprintf(c0, sizeof c0, "%s%s", DT_PROTO, dt_meta(DT_SCHEMA_AB, "[\"zzz\"]", NULL));
    dt_commit(root, 0, c0);
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "zzz") != NULL);
}

static void test_nested_schema_and_widening(void)
{
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    const char *schema =
        "{\"type\":\"struct\",\"fields\":["
        "{\"name\":\"arr\",\"type\":{\"type\":\"array\",\"elementType\":\"integer\",\"containsNull\":false},\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":{\"type\":\"array\",\"elementType\":\"decimal(12, 3)\"},"
        "\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"ts\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}},"
        "{\"name\":\"w\",\"type\":\"long\",\"nullable\":true,\"metadata\":{\"delta.typeChanges\":[{\"fromType\":\"short\","
        "\"toType\":\"integer\"},{\"fromType\":\"integer\",\"toType\":\"long\"}]}},"
        "{\"name\":\"v\",\"type\":\"void\",\"nullable\":true,\"metadata\":{}}]}";
    char root[2048];
    snprintf(root, sizeof root, "%s", dt_table("nested"));
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(schema, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (s) {
        const dlt_schema *sc = &s->metadata.schema;
        CHECK_EQ_INT(sc->nfields, 5);
        CHECK_EQ_INT(sc->fields[0].type.id, TN_T_LIST);
        CHECK(!sc->fields[0].children[0].nullable);
        CHECK_EQ_INT(sc->fields[0].children[0].type.id, TN_T_INT32);
        CHECK_EQ_INT(sc->fields[1].type.id, TN_T_MAP);
        CHECK_EQ_INT(sc->fields[1].children[1].type.id, TN_T_LIST);
        tn_type dec = sc->fields[1].children[1].children[0].type;
        CHECK(dec.id == TN_T_DECIMAL && dec.precision == 12 && dec.scale == 3);
        CHECK(sc->fields[2].type.id == TN_T_TIMESTAMP && !sc->fields[2].type.tz);
        CHECK_EQ_STR(sc->fields[2].delta_type, "timestamp_ntz");
        CHECK(sc->fields[3].type_changed);
        CHECK(!sc->fields[2].type_changed);
        CHECK_EQ_INT(sc->fields[4].type.id, TN_T_NULL);
        CHECK_EQ_INT(sc->type.id, TN_T_STRUCT);
        dlt_snapshot_unref(s);
    }
    const char *bad = "{\"type\":\"struct\",\"fields\":[{\"name\":\"w\",\"type\":\"integer\",\"nullable\":true,\"metadata\":"
                      "{\"delta.typeChanges\":[{\"fromType\":\"long\",\"toType\":\"integer\"}]}}]}";
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(bad, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTSUP);
    CHECK(strstr(err.msg, "long -> integer") != NULL);
    /* deep nesting is refused, not a stack overflow */
    char deep[20000] = "{\"type\":\"struct\",\"fields\":[{\"name\":\"x\",\"type\":";
    for (int i = 0; i < 200; i++)
        strcat(deep, "{\"type\":\"array\",\"elementType\":");
    strcat(deep, "\"long\"");
    for (int i = 0; i < 200; i++)
        strcat(deep, "}");
    strcat(deep, "}]}");
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(deep, NULL, NULL), NULL));
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_CORRUPT);
    CHECK(strstr(err.msg, "nesting") != NULL);
}

static void test_refcounts(void)
{
    /* the snapshot keeps the table alive */
    const char *root = dt_table("refs");
    dt_commit(root, 0, dt_cat(DT_PROTO, dt_meta(DT_SCHEMA_AB, NULL, NULL), dt_add("a.parquet", 1, NULL, NULL), NULL));
    tn_err err = TN_ERR_INIT;
    dlt_table *t;
    dlt_snapshot *s = NULL;
    CHECK_EQ_INT(dlt_table_open(vfs_default(), root, &t, &err), TN_OK);
    CHECK_EQ_INT(dlt_snapshot_load(t, -1, &s, &err), TN_OK);
    dlt_table_unref(t);
    if (s) {
        dlt_snapshot_ref(s);
        dlt_snapshot_unref(s);
        CHECK(strlen(s->root) > 0);
        CHECK_EQ_STR(dlt_table_root(s->table), s->root);
        dlt_snapshot_unref(s);
    }
}

TEST_MAIN(test_reconcile_files, test_dv_keys, test_latest_protocol_metadata_txn_domain, test_gaps_and_missing,
          test_protocol_refusal, test_malformed, test_paths, test_checkpoints_json, test_history_and_time_travel,
          test_in_commit_timestamps, test_column_mapping, test_nested_schema_and_widening, test_refcounts)
