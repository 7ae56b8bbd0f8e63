/*
 * test_fixtures.c -- every Delta fixture under $TARN_SHARED/fixtures/delta replayed and compared
 * with its derived/active_files.json (computed independently of tarn): latest version, protocol,
 * metaData id and partition columns, the active files (log path, size, partition values), the
 * application transactions, the checkpoint used, the sum of stats.numRecords, and the number of
 * active files at every reachable version (time travel). Negative fixtures must fail with a
 * clear error. Prints per-fixture results and pass / fallback / fail counts; a checkpoint the
 * Parquet reader cannot read yet is reported as "fallback" (replayed from JSON instead), not as a
 * failure, when the expected files still match. Skips (exit 0) when TARN_SHARED is not set.
 */
#include "delta_testutil.h"

#include <dirent.h>

static int g_pass, g_fallback, g_fail;

static void failf(const char *fx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int g_fx_fail;
static void failf(const char *fx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "  FAIL %s: ", fx);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    g_fx_fail++;
    tn_test_failures++;
}

static json_t *load_json(const char *path)
{
    json_error_t e;
    return json_load_file(path, 0, &e);
}

static void check_negative(const char *fx, const char *root, json_t *exp)
{
    const char *want = json_string_value(json_object_get(exp, "expectError"));
    dlt_snapshot *s = NULL;
    tn_err err = TN_ERR_INIT;
    int rc = dt_load(root, -1, &s, &err);
    tn_test_checks++;
    if (rc == TN_OK) {
        failf(fx, "expected an error (%s), but the snapshot loaded", want ? want : "?");
        dlt_snapshot_unref(s);
        return;
    }
    const char *key = NULL;
    if (want && strstr(want, "contiguous"))
        key = "not contiguous";
    else if (want && strstr(want, "minReaderVersion"))
        key = "reader version 99";
    else if (want && strstr(want, "no protocol"))
        key = "no protocol";
    if (!err.msg[0] || (key && !strstr(err.msg, key)))
        failf(fx, "error message \"%s\" does not say \"%s\"", err.msg, key ? key : "anything");
    else
        fprintf(stderr, "  ok   %s: refused (%s): %s\n", fx, tn_code_name(rc), err.msg);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_files(const char *fx, const dlt_snapshot *s, json_t *files)
{
    size_t n = json_array_size(files);
    if (n != s->nfiles)
        failf(fx, "%llu active files, expected %zu", (unsigned long long)s->nfiles, n);
    size_t i;
    json_t *e;
    json_array_foreach(files, i, e)
    {
        const char *path = json_string_value(json_object_get(e, "path"));
        int k = path ? dt_find_file(s, path) : -1;
        if (k < 0) {
            failf(fx, "expected active file %s is missing", path ? path : "?");
            continue;
        }
        const dlt_file *f = &s->files[k];
        json_t *sz = json_object_get(e, "size");
        if (json_is_integer(sz) && json_integer_value(sz) != f->size)
            failf(fx, "%s: size %lld, expected %lld", path, (long long)f->size, (long long)json_integer_value(sz));
        json_t *pv = json_object_get(e, "partitionValues");
        const char *key;
        json_t *v;
        json_object_foreach(pv, key, v)
        {
            bool found;
            const char *got = dlt_map_get(&f->partition_map, key, &found);
            if (!found || !same_str(got, json_string_value(v)))
                failf(fx, "%s: partition %s = %s, expected %s", path, key, got ? got : "null",
                      json_is_string(v) ? json_string_value(v) : "null");
        }
        if (json_object_size(pv) != f->partition_map.n)
            failf(fx, "%s: %u partition values, expected %zu", path, f->partition_map.n, json_object_size(pv));
        /* typed partition values exist for every non-empty raw value */
        for (uint32_t p = 0; p < s->metadata.npartition_columns; p++) {
            const char *raw = f->partition_raw[p];
            if (raw && raw[0] && f->partition_values[p].is_null)
                failf(fx, "%s: partition column %u \"%s\" parsed as NULL", path, p, raw);
            if ((!raw || !raw[0]) && !f->partition_values[p].is_null)
                failf(fx, "%s: null partition column %u parsed as a value", path, p);
        }
        /* stats parse without error; numRecords agrees with the skimmed value */
        dlt_stats st;
        tn_err err = TN_ERR_INIT;
        if (dlt_file_stats(s, f, &st, &err) != TN_OK)
            failf(fx, "%s: stats: %s", path, err.msg);
        else if (f->stats_json && st.valid && st.num_records != f->num_records)
            failf(fx, "%s: stats numRecords %lld vs skimmed %lld", path, (long long)st.num_records,
                  (long long)f->num_records);
        dlt_stats_free(&st);
    }
}

static void check_fixture(const char *fx, const char *dir)
{
    char path[8400], root[8400];
    snprintf(path, sizeof path, "%s/derived/active_files.json", dir);
    snprintf(root, sizeof root, "%s/delta", dir);
    json_t *exp = load_json(path);
    if (!exp) {
        fprintf(stderr, "  skip %s: no derived/active_files.json\n", fx);
        return;
    }
    g_fx_fail = 0;
    if (json_object_get(exp, "expectError")) {
        check_negative(fx, root, exp);
        goto done;
    }
    dlt_snapshot *s = NULL;
    tn_err err = TN_ERR_INIT;
    tn_test_checks++;
    if (dt_load(root, -1, &s, &err)) {
        failf(fx, "load failed: %s", err.msg);
        goto done;
    }
    json_t *lv = json_object_get(exp, "latestVersion");
    if (json_integer_value(lv) != s->version)
        failf(fx, "version %lld, expected %lld", (long long)s->version, (long long)json_integer_value(lv));
    json_t *proto = json_object_get(exp, "protocol");
    if (json_integer_value(json_object_get(proto, "minReaderVersion")) != s->protocol.min_reader_version ||
        json_integer_value(json_object_get(proto, "minWriterVersion")) != s->protocol.min_writer_version)
        failf(fx, "protocol %d/%d differs", (int)s->protocol.min_reader_version, (int)s->protocol.min_writer_version);
    json_t *meta = json_object_get(exp, "metaData");
    if (!same_str(json_string_value(json_object_get(meta, "id")), s->metadata.id))
        failf(fx, "metaData id %s differs", s->metadata.id);
    json_t *pcols = json_object_get(meta, "partitionColumns");
    if (json_array_size(pcols) != s->metadata.npartition_columns)
        failf(fx, "%u partition columns, expected %zu", s->metadata.npartition_columns, json_array_size(pcols));
    for (size_t i = 0; i < json_array_size(pcols) && i < s->metadata.npartition_columns; i++)
        if (!same_str(json_string_value(json_array_get(pcols, i)), s->metadata.partition_columns[i]))
            failf(fx, "partition column %zu differs", i);
    check_files(fx, s, json_object_get(exp, "activeFiles"));
    /* application transactions */
    json_t *txns = json_object_get(exp, "appTransactions");
    size_t ntx = json_is_object(txns) ? json_object_size(txns) : 0;
    if (ntx != s->ntxns)
        failf(fx, "%u txns, expected %zu", s->ntxns, ntx);
    const char *app;
    json_t *tv;
    if (json_is_object(txns)) {
        json_object_foreach(txns, app, tv)
        {
            const dlt_txn *t = dlt_snapshot_find_txn(s, app);
            if (!t || t->version != json_integer_value(tv))
                failf(fx, "txn %s = %lld, expected %lld", app, t ? (long long)t->version : -1LL,
                      (long long)json_integer_value(tv));
        }
    }
    /* stats numRecords sum */
    json_t *rcnt = json_object_get(json_object_get(exp, "rowCount"), "statsNumRecordsSum");
    if (json_is_integer(rcnt)) {
        int64_t sum = 0;
        bool all = true;
        for (uint64_t i = 0; i < s->nfiles; i++) {
            if (s->files[i].num_records < 0)
                all = false;
            else
                sum += s->files[i].num_records;
        }
        if (!all || sum != json_integer_value(rcnt))
            failf(fx, "stats numRecords sum %lld%s, expected %lld", (long long)sum, all ? "" : " (some missing)",
                  (long long)json_integer_value(rcnt));
    }
    /* checkpoint used */
    json_t *cp = json_object_get(exp, "checkpointUsed");
    int64_t want_cp = json_is_object(cp) ? json_integer_value(json_object_get(cp, "version")) : -1;
    bool fallback = false;
    if (want_cp != s->checkpoint_version) {
        if (s->checkpoint_version < want_cp && s->checkpoint_note) {
            fallback = true;
            fprintf(stderr, "  note %s: checkpoint %lld not used (%s)\n", fx, (long long)want_cp, s->checkpoint_note);
        } else {
            failf(fx, "checkpoint %lld used, expected %lld", (long long)s->checkpoint_version, (long long)want_cp);
        }
    }
    dlt_snapshot_unref(s);
    /* every reachable version: the number of active files */
    size_t i;
    json_t *pvr;
    json_array_foreach(json_object_get(exp, "perVersion"), i, pvr)
    {
        int64_t v = json_integer_value(json_object_get(pvr, "version"));
        json_t *nf = json_object_get(pvr, "numFiles");
        dlt_snapshot *sv = NULL;
        if (dt_load(root, v, &sv, &err)) {
            failf(fx, "version %lld: %s", (long long)v, err.msg);
            continue;
        }
        if (json_is_integer(nf) && (uint64_t)json_integer_value(nf) != sv->nfiles)
            failf(fx, "version %lld: %llu files, expected %lld", (long long)v, (unsigned long long)sv->nfiles,
                  (long long)json_integer_value(nf));
        dlt_snapshot_unref(sv);
    }
    /* history lists every commit file */
    dlt_table *t = NULL;
    dlt_history *h = NULL;
    if (dlt_table_open(vfs_default(), root, &t, &err) || dlt_history_load(t, 0, &h, &err))
        failf(fx, "history: %s", err.msg);
    dlt_history_free(h);
    dlt_table_unref(t);
    if (!g_fx_fail) {
        fprintf(stderr, "  ok   %s%s\n", fx, fallback ? " (checkpoint fallback)" : "");
        if (fallback)
            g_fallback++;
    }
done:
    if (g_fx_fail)
        g_fail++;
    else
        g_pass++;
    json_decref(exp);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_fixtures(void)
{
    const char *shared = getenv("TARN_SHARED");
    char base[4096];
    snprintf(base, sizeof base, "%s/fixtures/delta", shared ? shared : "");
    DIR *d = shared ? opendir(base) : NULL;
    if (!d) {
        fprintf(stderr, "SKIP: Delta fixtures not found (TARN_SHARED=%s)\n", shared ? shared : "(unset)");
        return;
    }
    char *names[512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512) {
        if (e->d_name[0] == '.')
            continue;
        char p[8192];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", base, e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    for (int i = 0; i < n; i++) {
        char p[8192];
        snprintf(p, sizeof p, "%s/%s", base, names[i]);
        check_fixture(names[i], p);
        free(names[i]);
    }
    fprintf(stderr, "Delta fixtures: %d passed (%d of them via checkpoint fallback), %d failed, %d total\n", g_pass,
            g_fallback, g_fail, n);
}

TEST_MAIN(test_fixtures)
