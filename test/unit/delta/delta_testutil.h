/*
 * delta_testutil.h -- helpers for the Delta unit tests: scratch tables under $TARN_TEST_TMP/delta,
 * hand-written commit files, metaData lines with a properly escaped schemaString, and file
 * modification times. Header-only (static functions; each test is one translation unit).
 */
#ifndef TN_DELTA_TESTUTIL_H
#define TN_DELTA_TESTUTIL_H

#define _GNU_SOURCE
#include "tn_test.h"
#include "delta/delta.h"
#include "delta/delta_int.h"

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define DT_UNUSED __attribute__((unused))

static DT_UNUSED int dt_rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static DT_UNUSED void dt_rm_rf(const char *path)
{
    nftw(path, dt_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static DT_UNUSED void dt_mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(buf, 0777);
            *p = '/';
        }
    }
    mkdir(buf, 0777);
}

static DT_UNUSED const char *dt_tmp(void)
{
    static char dir[2048];
    if (!dir[0]) {
        const char *t = getenv("TARN_TEST_TMP");
        snprintf(dir, sizeof dir, "%s/delta", t && *t ? t : "/tmp/tarn_test_tmp");
        dt_mkdirs(dir);
    }
    return dir;
}

/* Fresh table directory <tmp>/delta/<name> with an empty _delta_log. Returns a static buffer
 * (copy it if you need two at once). */
static DT_UNUSED const char *dt_table(const char *name)
{
    static char root[4096];
    snprintf(root, sizeof root, "%s/%s", dt_tmp(), name);
    dt_rm_rf(root);
    char log[4200];
    snprintf(log, sizeof log, "%s/_delta_log", root);
    dt_mkdirs(log);
    return root;
}

/* Write `content` to root/rel (creating directories). */
static DT_UNUSED void dt_put_bytes(const char *root, const char *rel, const void *content, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *sl = strrchr(dir, '/');
    if (sl) {
        *sl = 0;
        dt_mkdirs(dir);
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
        exit(2);
    }
    fwrite(content, 1, n, f);
    fclose(f);
}

static DT_UNUSED void dt_put(const char *root, const char *rel, const char *content)
{
    dt_put_bytes(root, rel, content, strlen(content));
}

static DT_UNUSED void dt_commit(const char *root, int64_t v, const char *content)
{
    char rel[64];
    snprintf(rel, sizeof rel, "_delta_log/%020lld.json", (long long)v);
    dt_put(root, rel, content);
}

/* Set the modification time (ms) of root/rel. */
static DT_UNUSED void dt_set_mtime(const char *root, const char *rel, int64_t ms)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    struct timeval tv[2];
    tv[0].tv_sec = tv[1].tv_sec = (time_t)(ms / 1000);
    tv[0].tv_usec = tv[1].tv_usec = (suseconds_t)(ms % 1000 * 1000);
    utimes(path, tv);
}

static DT_UNUSED void dt_commit_mtime(const char *root, int64_t v, int64_t ms)
{
    char rel[64];
    snprintf(rel, sizeof rel, "_delta_log/%020lld.json", (long long)v);
    dt_set_mtime(root, rel, ms);
}

/* A metaData action line: schema is the schema JSON (escaped here into schemaString), parts a JSON
 * array of partition column names, conf a JSON object. Returns a static buffer. */
static DT_UNUSED const char *dt_meta(const char *schema, const char *parts, const char *conf)
{
    static char buf[16384];
    json_t *s = json_string(schema);
    char *esc = json_dumps(s, JSON_ENCODE_ANY);
    snprintf(buf, sizeof buf,
             "{\"metaData\":{\"id\":\"test-id\",\"format\":{\"provider\":\"parquet\",\"options\":{}},"
             "\"schemaString\":%s,\"partitionColumns\":%s,\"configuration\":%s,\"createdTime\":1700000000000}}\n",
             esc, parts ? parts : "[]", conf ? conf : "{}");
    free(esc);
    json_decref(s);
    return buf;
}

#define DT_PROTO "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
#define DT_SCHEMA_AB                                                                                           \
    "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"   \
    "{\"name\":\"b\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}"

/* An add line for path with size, optional partitionValues object and extra fields. */
static DT_UNUSED const char *dt_add(const char *path, int64_t size, const char *pv, const char *extra)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "{\"add\":{\"path\":\"%s\",\"partitionValues\":%s,\"size\":%lld,\"modificationTime\":1700000000000,"
             "\"dataChange\":true%s%s}}\n",
             path, pv ? pv : "{}", (long long)size, extra ? "," : "", extra ? extra : "");
    return buf;
}

static DT_UNUSED const char *dt_remove(const char *path, const char *extra)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "{\"remove\":{\"path\":\"%s\",\"deletionTimestamp\":1700000000001,\"dataChange\":true%s%s}}\n",
             path, extra ? "," : "", extra ? extra : "");
    return buf;
}

/* Concatenate strings (NULL-terminated list) into a static rotating buffer. */
static DT_UNUSED const char *dt_cat(const char *first, ...)
{
    static char bufs[4][65536];
    static int k;
    char *b = bufs[k++ & 3];
    b[0] = 0;
    size_t n = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *)) {
        size_t l = strlen(s);
        if (n + l >= sizeof bufs[0])
            break;
        memcpy(b + n, s, l + 1);
        n += l;
    }
    va_end(ap);
    return b;
}

/* Open + load (version) ; returns the code, *s set on success. */
static DT_UNUSED int dt_load(const char *root, int64_t version, dlt_snapshot **s, tn_err *err)
{
    dlt_table *t = NULL;
    *s = NULL;
    int rc = dlt_table_open(vfs_default(), root, &t, err);
    if (rc)
        return rc;
    rc = dlt_snapshot_load(t, version, s, err);
    dlt_table_unref(t);
    return rc;
}

/* Index of the live file whose log path is `path`, or -1. */
static DT_UNUSED int dt_find_file(const dlt_snapshot *s, const char *path)
{
    for (uint64_t i = 0; i < s->nfiles; i++)
        if (strcmp(s->files[i].path, path) == 0)
            return (int)i;
    return -1;
}

#endif
