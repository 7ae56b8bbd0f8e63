/*
 * test_checkpoint.c -- Parquet checkpoints in every naming/spec combination, assembled from the
 * real classic checkpoints of the shared fixtures (tarn's writer cannot write nested columns yet):
 * multi-part (complete, and with a part missing), UUID-named V2 Parquet, UUID-named V2 JSON with
 * Parquet sidecars in _delta_log/_sidecars, and stats_parsed-only checkpoints whose statistics must
 * equal those replayed from the JSON commits. Each variant deletes the commits the checkpoint
 * covers, so a snapshot can only come from the checkpoint. Skips when TARN_SHARED is not set.
 */
#include "delta_testutil.h"

static char g_fix[4096];

static bool have_fixtures(void)
{
    const char *shared = getenv("TARN_SHARED");
    if (!shared)
        return false;
    snprintf(g_fix, sizeof g_fix, "%s/fixtures/delta", shared);
    struct stat st;
    return stat(g_fix, &st) == 0;
}

static void copy_file(const char *from, const char *root, const char *rel)
{
    FILE *f = fopen(from, "rb");
    if (!f) {
        fprintf(stderr, "cannot read %s\n", from);
        tn_test_failures++;
        return;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        tn_test_failures++;
    fclose(f);
    dt_put_bytes(root, rel, buf, (size_t)n);
    free(buf);
}

static void fix_copy(const char *fixture, const char *name, const char *root, const char *rel)
{
    char from[8192];
    snprintf(from, sizeof from, "%s/%s/delta/_delta_log/%s", g_fix, fixture, name);
    copy_file(from, root, rel);
}

/* The lines of a fixture commit that start with `prefix` (e.g. "{\"protocol\""). */
static void fix_lines(const char *fixture, const char *name, const char *prefix, char *out, size_t cap)
{
    char from[8192];
    snprintf(from, sizeof from, "%s/%s/delta/_delta_log/%s", g_fix, fixture, name);
    FILE *f = fopen(from, "rb");
    char line[65536];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, prefix, strlen(prefix)) == 0 && strlen(out) + strlen(line) < cap)
            strcat(out, line);
    if (f)
        fclose(f);
}

/* Sorted list of the live files' log paths, joined with '\n' (malloc'd). */
static char *file_set(const dlt_snapshot *s)
{
    char **v = malloc(sizeof *v * (s->nfiles + 1));
    size_t total = 1;
    for (uint64_t i = 0; i < s->nfiles; i++) {
        v[i] = s->files[i].path;
        total += strlen(v[i]) + 1;
    }
    for (uint64_t i = 1; i < s->nfiles; i++)
        for (uint64_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    char *out = malloc(total);
    out[0] = 0;
    for (uint64_t i = 0; i < s->nfiles; i++) {
        strcat(out, v[i]);
        strcat(out, "\n");
    }
    free(v);
    return out;
}

static char *reference_set(const char *fixture, int64_t version, uint64_t *n)
{
    char root[8192];
    snprintf(root, sizeof root, "%s/%s/delta", g_fix, fixture);
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    if (dt_load(root, version, &s, &err)) {
        fprintf(stderr, "reference %s: %s\n", fixture, err.msg);
        tn_test_failures++;
        return strdup("");
    }
    char *r = file_set(s);
    *n = s->nfiles;
    dlt_snapshot_unref(s);
    return r;
}

static void expect_set(const char *root, int64_t want_cp, const char *ref, uint64_t nref)
{
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_OK);
    if (!s) {
        fprintf(stderr, "%s: %s\n", root, err.msg);
        return;
    }
    CHECK_EQ_INT(s->checkpoint_version, want_cp);
    CHECK_EQ_INT(s->nfiles, nref);
    char *got = file_set(s);
    CHECK_EQ_STR(got, ref);
    free(got);
    dlt_snapshot_unref(s);
}

#define FX "golden-only-checkpoint-files"
#define CK2 "00000000000000000002.checkpoint.parquet"

static void test_multipart(void)
{
    if (!have_fixtures()) {
        fprintf(stderr, "SKIP: no fixtures\n");
        return;
    }
    uint64_t nref = 0;
    char *ref = reference_set(FX, 2, &nref);
    CHECK(nref > 0);
    char root[4096];
    snprintf(root, sizeof root, "%s", dt_table("multipart"));
    /* both parts hold the same rows: reconciliation makes the duplicates harmless */
    fix_copy(FX, CK2, root, "_delta_log/00000000000000000002.checkpoint.0000000001.0000000002.parquet");
    fix_copy(FX, CK2, root, "_delta_log/00000000000000000002.checkpoint.0000000002.0000000002.parquet");
    fix_copy(FX, "00000000000000000002.json", root, "_delta_log/00000000000000000002.json");
    dt_put(root, "_delta_log/_last_checkpoint", "{\"version\":2,\"size\":28,\"parts\":2}");
    expect_set(root, 2, ref, nref);
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    if (dt_load(root, -1, &s, &err) == TN_OK) {
        CHECK_EQ_INT(s->last_checkpoint, DLT_LASTCP_OK);
        dlt_snapshot_unref(s);
    }
    /* a part missing: the checkpoint must be ignored; nothing else can rebuild version 2 */
    char p2[8192];
    snprintf(p2, sizeof p2, "%s/_delta_log/00000000000000000002.checkpoint.0000000002.0000000002.parquet", root);
    remove(p2);
    CHECK_EQ_INT(dt_load(root, -1, &s, &err), TN_NOTFOUND);
    CHECK(strstr(err.msg, "cannot be reconstructed") != NULL);
    /* ... while an older complete classic checkpoint plus commits still works */
    fix_copy(FX, "00000000000000000001.checkpoint.parquet", root, "_delta_log/00000000000000000001.checkpoint.parquet");
    expect_set(root, 1, ref, nref);
    if (dt_load(root, -1, &s, &err) == TN_OK) {
        CHECK_EQ_INT(s->last_checkpoint, DLT_LASTCP_MISSING);
        dlt_snapshot_unref(s);
    }
    free(ref);
}

static void test_v2_parquet_and_sidecars(void)
{
    if (!have_fixtures())
        return;
    uint64_t nref = 0;
    char *ref = reference_set(FX, 2, &nref);
    char root[4096];
    /* UUID-named Parquet */
    snprintf(root, sizeof root, "%s", dt_table("v2parquet"));
    fix_copy(FX, CK2, root, "_delta_log/00000000000000000002.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.parquet");
    fix_copy(FX, "00000000000000000002.json", root, "_delta_log/00000000000000000002.json");
    expect_set(root, 2, ref, nref);
    /* UUID-named JSON with two sidecars (the same adds twice: idempotent) */
    snprintf(root, sizeof root, "%s", dt_table("v2sidecar"));
    static char body[1 << 20];
    snprintf(body, sizeof body, "{\"checkpointMetadata\":{\"version\":2,\"tags\":{}}}\n");
    fix_lines(FX, "00000000000000000000.json", "{\"protocol\"", body, sizeof body);
    fix_lines(FX, "00000000000000000000.json", "{\"metaData\"", body, sizeof body);
    strcat(body, "{\"sidecar\":{\"path\":\"016ae953-37a9-438e-8683-9a9a4a79a395.parquet\",\"sizeInBytes\":1,"
                 "\"modificationTime\":1,\"tags\":{}}}\n");
    strcat(body, "{\"sidecar\":{\"path\":\"file:///x/_delta_log/_sidecars/3a0d65cd.parquet\",\"sizeInBytes\":1,"
                 "\"modificationTime\":1}}\n");
    dt_put(root, "_delta_log/00000000000000000002.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json", body);
    fix_copy(FX, CK2, root, "_delta_log/_sidecars/016ae953-37a9-438e-8683-9a9a4a79a395.parquet");
    fix_copy(FX, CK2, root, "_delta_log/_sidecars/3a0d65cd.parquet");
    fix_copy(FX, "00000000000000000002.json", root, "_delta_log/00000000000000000002.json");
    expect_set(root, 2, ref, nref);
    /* a sidecar that is not Parquet: the checkpoint is unusable */
    dt_put(root, "_delta_log/_sidecars/3a0d65cd.parquet", "not parquet at all");
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    CHECK(dt_load(root, -1, &s, &err) != TN_OK);
    CHECK(strstr(err.msg, "3a0d65cd.parquet") != NULL);
    free(ref);
}

/* Stats from a stats_parsed-only checkpoint equal the stats replayed from the JSON commits. */
static void test_stats_parsed(void)
{
    if (!have_fixtures())
        return;
    const char *fx = "deltars-delta-1.2.1-only-struct-stats";
    char src[8192];
    snprintf(src, sizeof src, "%s/%s/delta", g_fix, fx);
    char root[4096];
    snprintf(root, sizeof root, "%s", dt_table("statsjson"));
    for (int v = 0; v <= 12; v++) {
        char name[64];
        snprintf(name, sizeof name, "%020d.json", v);
        char rel[128];
        snprintf(rel, sizeof rel, "_delta_log/%s", name);
        fix_copy(fx, name, root, rel);
    }
    dlt_snapshot *a = NULL, *b = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(dt_load(src, 10, &a, &err), TN_OK);
    CHECK_EQ_INT(dt_load(root, 10, &b, &err), TN_OK);
    if (!a || !b)
        goto done;
    CHECK_EQ_INT(a->checkpoint_version, 10);
    CHECK_EQ_INT(b->checkpoint_version, -1);
    CHECK_EQ_INT(a->nfiles, b->nfiles);
    int compared = 0, with_min = 0;
    for (uint64_t i = 0; i < a->nfiles; i++) {
        int j = dt_find_file(b, a->files[i].path);
        CHECK(j >= 0);
        if (j < 0)
            continue;
        CHECK_EQ_INT(a->files[i].num_records, b->files[j].num_records);
        dlt_stats sa, sb;
        CHECK_EQ_INT(dlt_file_stats(a, &a->files[i], &sa, &err), TN_OK);
        CHECK_EQ_INT(dlt_file_stats(b, &b->files[j], &sb, &err), TN_OK);
        CHECK(sa.valid && sb.valid);
        for (uint32_t c = 0; c < sa.ncols && c < sb.ncols; c++) {
            dlt_col_stats *x = &sa.cols[c], *y = &sb.cols[c];
            CHECK_EQ_INT(x->has_min, y->has_min);
            CHECK_EQ_INT(x->has_max, y->has_max);
            CHECK_EQ_INT(x->null_count, y->null_count);
            if (x->has_min && y->has_min) {
                with_min++;
                if (tn_type_is_string(x->min.type))
                    CHECK_EQ_STR(x->min.v.str.ptr, y->min.v.str.ptr);
                else if (x->min.type.id == TN_T_DOUBLE || x->min.type.id == TN_T_FLOAT)
                    CHECK(x->min.v.f64 == y->min.v.f64);
                else if (x->min.type.id == TN_T_DECIMAL && !tn_decimal_is_small(x->min.type))
                    CHECK(x->min.v.i128 == y->min.v.i128);
                else if (x->min.type.id == TN_T_BOOL)
                    CHECK_EQ_INT(x->min.v.b, y->min.v.b);
                else
                    CHECK_EQ_INT(x->min.v.i64, y->min.v.i64);
            }
            if (x->has_max && y->has_max && !tn_type_is_string(x->max.type) && x->max.type.id != TN_T_DOUBLE &&
                x->max.type.id != TN_T_FLOAT && x->max.type.id != TN_T_BOOL &&
                !(x->max.type.id == TN_T_DECIMAL && !tn_decimal_is_small(x->max.type)))
                CHECK_EQ_INT(x->max.v.i64, y->max.v.i64);
        }
        compared++;
        dlt_stats_free(&sa);
        dlt_stats_free(&sb);
    }
    CHECK(compared > 0);
    CHECK(with_min > 0);
    fprintf(stderr, "stats_parsed: %d files, %d min values compared\n", compared, with_min);
done:
    dlt_snapshot_unref(a);
    dlt_snapshot_unref(b);
}

/* A checkpoint that is not Parquet at all falls back to the JSON commits, with a note. */
static void test_corrupt_parquet_fallback(void)
{
    if (!have_fixtures())
        return;
    uint64_t nref = 0;
    char *ref = reference_set(FX, 2, &nref);
    char root[4096];
    snprintf(root, sizeof root, "%s", dt_table("ckfallback"));
    for (int v = 0; v <= 2; v++) {
        char name[64], rel[128];
        snprintf(name, sizeof name, "%020d.json", v);
        snprintf(rel, sizeof rel, "_delta_log/%s", name);
        fix_copy(FX, name, root, rel);
    }
    dt_put(root, "_delta_log/" CK2, "PAR1 this is not a parquet file PAR1");
    expect_set(root, -1, ref, nref);
    dlt_snapshot *s;
    tn_err err = TN_ERR_INIT;
    if (dt_load(root, -1, &s, &err) == TN_OK) {
        CHECK(s->checkpoint_note != NULL && strstr(s->checkpoint_note, CK2) != NULL);
        dlt_snapshot_unref(s);
    }
    free(ref);
}

TEST_MAIN(test_multipart, test_v2_parquet_and_sidecars, test_stats_parsed, test_corrupt_parquet_fallback)
