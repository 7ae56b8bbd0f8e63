/*
 * tf_delta.c -- the rows of DESCRIBE HISTORY / delta_history(path) and DESCRIBE DETAIL /
 * delta_detail(path), with Spark's (Delta Lake's) column names:
 *
 *   history: version BIGINT, timestamp TIMESTAMPTZ, userId, userName, operation VARCHAR,
 *            operationParameters MAP(VARCHAR, VARCHAR), job, notebook (JSON text), clusterId,
 *            readVersion BIGINT, isolationLevel VARCHAR, isBlindAppend BOOLEAN,
 *            operationMetrics MAP(VARCHAR, VARCHAR), userMetadata, engineInfo VARCHAR
 *            -- one row per commit file, newest first; fields a commit's commitInfo lacks are
 *            NULL (a commit without commitInfo still has version and timestamp). timestamp is
 *            the commit timestamp time travel uses (in-commit timestamp, else the commit file's
 *            modification time made strictly increasing). Parameter and metric values are the
 *            JSON strings as written (other JSON values rendered as compact JSON text).
 *   detail:  format, id, name, description, location VARCHAR, createdAt, lastModified
 *            TIMESTAMPTZ, partitionColumns LIST(VARCHAR), clusteringColumns LIST(VARCHAR),
 *            numFiles, sizeInBytes BIGINT, properties MAP(VARCHAR, VARCHAR), minReaderVersion,
 *            minWriterVersion INTEGER, tableFeatures LIST(VARCHAR)
 *            -- one row for the latest snapshot. tableFeatures lists the protocol's reader and
 *            writer features, or, for legacy protocols (writer version < 7), the features that
 *            version implies (PROTOCOL.md "Table Features": appendOnly and invariants from 2,
 *            checkConstraints 3, changeDataFeed and generatedColumns 4, columnMapping 5,
 *            identityColumns 6). clusteringColumns come from the delta.clustering domain.
 *
 * The rows are computed while binding and served by the CHUNKS operator.
 */
#include "sql_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* ======================= row builder ======================= */

typedef struct rows {
    uint32_t ncols;
    const tn_type *types;
    tn_chunk **chunks;
    uint32_t nchunks, cap;
    tn_chunk *cur;
    uint32_t row;
} rows;

static void rows_free(rows *t)
{
    for (uint32_t i = 0; i < t->nchunks; i++)
        tn_chunk_free(t->chunks[i]);
    tn_free(t->chunks);
    memset(t, 0, sizeof *t);
}

static int rows_next(rows *t)
{
    if (!t->cur || t->cur->count >= TN_BATCH) {
        if (t->nchunks == t->cap) {
            uint32_t nc = t->cap ? t->cap * 2 : 4;
            tn_chunk **n = tn_realloc(t->chunks, nc * sizeof *n);
            if (!n)
                return TN_NOMEM;
            t->chunks = n;
            t->cap = nc;
        }
        if (!(t->cur = tn_chunk_new(t->ncols, t->types, TN_BATCH)))
            return TN_NOMEM;
        t->chunks[t->nchunks++] = t->cur;
    }
    t->row = t->cur->count++;
    return TN_OK;
}

static int put_null(rows *t, uint32_t c)
{
    tn_vector *v = t->cur->cols[c];
    if (v->type.id == TN_T_LIST || v->type.id == TN_T_MAP) {
        tn_list_entry *e = (tn_list_entry *)v->data + t->row;
        e->offset = v->list_size;
        e->length = 0;
    }
    return tn_vector_set_null(v, t->row);
}

static int put_i64(rows *t, uint32_t c, int64_t x)
{
    tn_vector *v = t->cur->cols[c];
    if (v->type.id == TN_T_INT32)
        ((int32_t *)v->data)[t->row] = (int32_t)x;
    else
        ((int64_t *)v->data)[t->row] = x;
    return TN_OK;
}

static int put_ts_ms(rows *t, uint32_t c, int64_t ms)
{
    return ms >= 0 ? put_i64(t, c, ms * 1000) : put_null(t, c);
}

static int put_str(rows *t, uint32_t c, const char *s)
{
    if (!s)
        return put_null(t, c);
    tn_vector *v = t->cur->cols[c];
    size_t n = strlen(s);
    if (n > UINT32_MAX)
        return TN_NOMEM;
    return tn_vector_add_string(v, s, (uint32_t)n, (tn_str *)v->data + t->row);
}

static int put_bool(rows *t, uint32_t c, int b)
{
    if (b < 0)
        return put_null(t, c);
    ((uint8_t *)t->cur->cols[c]->data)[t->row] = b ? 1 : 0;
    return TN_OK;
}

/* LIST(VARCHAR) from n strings. */
static int put_list(rows *t, uint32_t c, const char *const *items, uint32_t n)
{
    tn_vector *l = t->cur->cols[c];
    uint32_t first;
    if (tn_vector_list_append(l, n, &first))
        return TN_NOMEM;
    tn_list_entry *e = (tn_list_entry *)l->data + t->row;
    e->offset = first;
    e->length = n;
    tn_vector *el = l->children[0];
    for (uint32_t i = 0; i < n; i++)
        if (tn_vector_add_string(el, items[i], (uint32_t)strlen(items[i]), (tn_str *)el->data + first + i))
            return TN_NOMEM;
    return TN_OK;
}

/* MAP(VARCHAR, VARCHAR) entry appender. */
static int map_begin(rows *t, uint32_t c, uint32_t n, uint32_t *first)
{
    tn_vector *m = t->cur->cols[c];
    if (tn_vector_list_append(m, n, first))
        return TN_NOMEM;
    tn_list_entry *e = (tn_list_entry *)m->data + t->row;
    e->offset = *first;
    e->length = n;
    return TN_OK;
}

static int map_put(rows *t, uint32_t c, uint32_t at, const char *k, const char *v)
{
    tn_vector *ent = t->cur->cols[c]->children[0], *keys = ent->children[0], *vals = ent->children[1];
    if (tn_vector_add_string(keys, k, (uint32_t)strlen(k), (tn_str *)keys->data + at))
        return TN_NOMEM;
    if (!v)
        return tn_vector_set_null(vals, at);
    return tn_vector_add_string(vals, v, (uint32_t)strlen(v), (tn_str *)vals->data + at);
}

/* MAP from a JSON object text (values: strings as is, others as compact JSON); NULL text or
 * non-object JSON gives SQL NULL. */
static int put_json_map(rows *t, uint32_t c, const char *json)
{
    if (!json)
        return put_null(t, c);
    json_t *o = json_loads(json, JSON_DECODE_ANY, NULL);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return put_null(t, c);
    }
    uint32_t first, k = 0;
    int rc = map_begin(t, c, (uint32_t)json_object_size(o), &first);
    const char *key;
    json_t *val;
    json_object_foreach(o, key, val)
    {
        if (rc)
            break;
        if (json_is_string(val)) {
            rc = map_put(t, c, first + k, key, json_string_value(val));
        } else if (json_is_null(val)) {
            rc = map_put(t, c, first + k, key, NULL);
        } else {
            char *txt = json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
            rc = txt ? map_put(t, c, first + k, key, txt) : TN_NOMEM;
            free(txt);
        }
        k++;
    }
    json_decref(o);
    return rc;
}

static int finish(sq_binder *b, rows *t, uint32_t ncols, const tn_type *types, ex_op **out, tn_err *err)
{
    TN_UNUSED(b);
    *out = op_chunks_create(t->chunks, t->nchunks, ncols, types);
    memset(t, 0, sizeof *t); /* taken (or freed) by op_chunks_create */
    return *out ? TN_OK : tn_err_set(err, TN_NOMEM, "out of memory");
}

static int fail_at(sq_binder *b, int rc, uint32_t pos)
{
    if (rc == TN_NOMEM)
        return rc;
    char msg[TN_ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "%s", b->err ? b->err->msg : "");
    return sq_bind_error(b, rc, pos, "%s", msg);
}

/* ======================= history ======================= */

static const char *const h_names[] = {"version",        "timestamp",     "userId",           "userName",
                                      "operation",      "operationParameters", "job",        "notebook",
                                      "clusterId",      "readVersion",   "isolationLevel",   "isBlindAppend",
                                      "operationMetrics", "userMetadata", "engineInfo"};
enum { H_VERSION, H_TS, H_USERID, H_USERNAME, H_OP, H_PARAMS, H_JOB, H_NOTEBOOK, H_CLUSTER, H_READV, H_ISO,
       H_BLIND, H_METRICS, H_USERMETA, H_ENGINE, H__COUNT };

/* Member `key` of the commitInfo JSON as text: strings as is, objects/arrays as compact JSON;
 * tn_malloc'd or NULL. */
static char *info_member(json_t *info, const char *key)
{
    json_t *v = info ? json_object_get(info, key) : NULL;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return tn_strdup(json_string_value(v));
    char *txt = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    char *r = txt ? tn_strdup(txt) : NULL;
    free(txt);
    return r;
}

int sq_delta_history_op(sq_binder *b, const char *path, uint32_t pos, ex_op **out, const char *const **names,
                        tn_err *err)
{
    tn_type types[H__COUNT];
    tn_type v = tn_type_make(TN_T_VARCHAR);
    for (int i = 0; i < H__COUNT; i++)
        types[i] = v;
    types[H_VERSION] = types[H_READV] = tn_type_make(TN_T_INT64);
    types[H_TS] = tn_type_timestamp(TN_UNIT_US, true);
    types[H_BLIND] = tn_type_make(TN_T_BOOL);
    types[H_PARAMS] = types[H_METRICS] = tn_type_map(v, v);
    if (types[H_PARAMS].id == TN_T_INVALID)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    dlt_table *t = NULL;
    dlt_history *h = NULL;
    rows r;
    memset(&r, 0, sizeof r);
    r.ncols = H__COUNT;
    r.types = types;
    int rc = dlt_table_open(b->env && b->env->fs ? b->env->fs : vfs_default(), path, &t, err);
    if (!rc)
        rc = dlt_history_load(t, 0, &h, err);
    if (rc) {
        rc = fail_at(b, rc, pos);
        goto done;
    }
    for (uint32_t i = 0; i < h->n && !rc; i++) {
        const dlt_commit_info *ci = &h->entries[i];
        if ((rc = rows_next(&r)))
            break;
        json_t *info = ci->json ? json_loads(ci->json, 0, NULL) : NULL;
        char *job = info_member(info, "job"), *nb = info_member(info, "notebook"),
             *cl = info_member(info, "clusterId"), *um = info_member(info, "userMetadata");
        rc |= put_i64(&r, H_VERSION, ci->version);
        rc |= put_ts_ms(&r, H_TS, ci->timestamp_ms);
        rc |= put_str(&r, H_USERID, ci->user_id);
        rc |= put_str(&r, H_USERNAME, ci->user_name);
        rc |= put_str(&r, H_OP, ci->operation);
        rc |= put_json_map(&r, H_PARAMS, ci->operation_parameters);
        rc |= put_str(&r, H_JOB, job);
        rc |= put_str(&r, H_NOTEBOOK, nb);
        rc |= put_str(&r, H_CLUSTER, cl);
        rc |= ci->read_version >= 0 ? put_i64(&r, H_READV, ci->read_version) : put_null(&r, H_READV);
        rc |= put_str(&r, H_ISO, ci->isolation_level);
        rc |= put_bool(&r, H_BLIND, ci->is_blind_append);
        rc |= put_json_map(&r, H_METRICS, ci->operation_metrics);
        rc |= put_str(&r, H_USERMETA, um);
        rc |= put_str(&r, H_ENGINE, ci->engine_info);
        tn_free(job);
        tn_free(nb);
        tn_free(cl);
        tn_free(um);
        json_decref(info);
        if (rc)
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
    }
    if (!rc) {
        rc = finish(b, &r, H__COUNT, types, out, err);
        *names = h_names;
    }
done:
    rows_free(&r);
    dlt_history_free(h);
    dlt_table_unref(t);
    return rc;
}

/* ======================= detail ======================= */

static const char *const d_names[] = {"format",           "id",          "name",          "description",
                                      "location",         "createdAt",   "lastModified",  "partitionColumns",
                                      "clusteringColumns", "numFiles",   "sizeInBytes",   "properties",
                                      "minReaderVersion", "minWriterVersion", "tableFeatures"};
enum { D_FORMAT, D_ID, D_NAME, D_DESC, D_LOC, D_CREATED, D_MODIFIED, D_PARTS, D_CLUSTER, D_NFILES, D_SIZE, D_PROPS,
       D_MINR, D_MINW, D_FEATURES, D__COUNT };

/* Features of the protocol: explicit lists, or those implied by legacy versions. Sorted, unique;
 * pointers borrowed from p or static. */
static uint32_t protocol_features(const dlt_protocol *p, const char **out, uint32_t cap)
{
    uint32_t n = 0;
    static const struct { int w; const char *f; } legacy[] = {
        {2, "appendOnly"}, {2, "invariants"}, {3, "checkConstraints"}, {4, "changeDataFeed"},
        {4, "generatedColumns"}, {5, "columnMapping"}, {6, "identityColumns"}};
    for (uint32_t i = 0; p->has_reader_features && i < p->nreader_features && n < cap; i++)
        out[n++] = p->reader_features[i];
    for (uint32_t i = 0; p->has_writer_features && i < p->nwriter_features && n < cap; i++)
        out[n++] = p->writer_features[i];
    if (!p->has_writer_features)
        for (size_t i = 0; i < TN_ARRAY_LEN(legacy) && n < cap; i++)
            if (p->min_writer_version >= legacy[i].w)
                out[n++] = legacy[i].f;
    if (!p->has_reader_features && p->min_reader_version >= 2 && n < cap)
        out[n++] = "columnMapping";
    /* insertion sort + dedupe */
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && strcmp(out[j - 1], out[j]) > 0; j--) {
            const char *x = out[j];
            out[j] = out[j - 1];
            out[j - 1] = x;
        }
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (k == 0 || strcmp(out[k - 1], out[i]) != 0)
            out[k++] = out[i];
    return k;
}

/* clusteringColumns of the delta.clustering domain ({"clusteringColumns": [["a"], ["b", "c"]]}):
 * dotted names into out (tn_malloc'd strings), count returned. */
static uint32_t clustering_columns(const dlt_snapshot *s, char **out, uint32_t cap)
{
    const dlt_domain *d = dlt_snapshot_find_domain(s, "delta.clustering");
    if (!d || !d->configuration)
        return 0;
    json_t *o = json_loads(d->configuration, 0, NULL);
    json_t *cols = o ? json_object_get(o, "clusteringColumns") : NULL;
    uint32_t n = 0;
    size_t i;
    json_t *c;
    json_array_foreach(cols, i, c)
    {
        if (n >= cap || !json_is_array(c))
            continue;
        tn_sbuf sb = TN_SBUF_INIT;
        size_t j;
        json_t *part;
        json_array_foreach(c, j, part)
        {
            if (j)
                tn_sbuf_putc(&sb, '.');
            if (json_is_string(part))
                tn_sbuf_puts(&sb, json_string_value(part));
        }
        char *name = tn_sbuf_take(&sb);
        if (name)
            out[n++] = name;
    }
    json_decref(o);
    return n;
}

int sq_delta_detail_op(sq_binder *b, const char *path, uint32_t pos, ex_op **out, const char *const **names,
                       tn_err *err)
{
    tn_type types[D__COUNT];
    tn_type v = tn_type_make(TN_T_VARCHAR);
    for (int i = 0; i < D__COUNT; i++)
        types[i] = v;
    types[D_CREATED] = types[D_MODIFIED] = tn_type_timestamp(TN_UNIT_US, true);
    types[D_PARTS] = types[D_CLUSTER] = types[D_FEATURES] = tn_type_list(v);
    types[D_NFILES] = types[D_SIZE] = tn_type_make(TN_T_INT64);
    types[D_PROPS] = tn_type_map(v, v);
    types[D_MINR] = types[D_MINW] = tn_type_make(TN_T_INT32);
    if (types[D_PARTS].id == TN_T_INVALID || types[D_PROPS].id == TN_T_INVALID)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    dlt_table *t = NULL;
    dlt_snapshot *s = NULL;
    rows r;
    memset(&r, 0, sizeof r);
    r.ncols = D__COUNT;
    r.types = types;
    const char *feats[128];
    char *clus[64];
    uint32_t nclus = 0;
    int rc = dlt_table_open(b->env && b->env->fs ? b->env->fs : vfs_default(), path, &t, err);
    if (!rc)
        rc = b->env && b->env->snapcache ? dlt_snapcache_load(b->env->snapcache, t, -1, &s, err)
                                         : dlt_snapshot_load(t, -1, &s, err);
    if (rc) {
        rc = fail_at(b, rc, pos);
        goto done;
    }
    if ((rc = rows_next(&r)))
        goto oom;
    const dlt_metadata *m = &s->metadata;
    int64_t size = 0;
    for (uint64_t i = 0; i < s->nfiles; i++)
        size += s->files[i].size > 0 ? s->files[i].size : 0;
    rc |= put_str(&r, D_FORMAT, m->format_provider && strcmp(m->format_provider, "parquet") != 0 ? m->format_provider
                                                                                                 : "delta");
    rc |= put_str(&r, D_ID, m->id);
    rc |= put_str(&r, D_NAME, m->name);
    rc |= put_str(&r, D_DESC, m->description);
    rc |= put_str(&r, D_LOC, s->root);
    rc |= m->has_created_time ? put_ts_ms(&r, D_CREATED, m->created_time) : put_null(&r, D_CREATED);
    rc |= put_ts_ms(&r, D_MODIFIED, s->timestamp_ms);
    rc |= put_list(&r, D_PARTS, (const char *const *)m->partition_columns, m->npartition_columns);
    nclus = clustering_columns(s, clus, TN_ARRAY_LEN(clus));
    rc |= put_list(&r, D_CLUSTER, (const char *const *)clus, nclus);
    rc |= put_i64(&r, D_NFILES, (int64_t)s->nfiles);
    rc |= put_i64(&r, D_SIZE, size);
    uint32_t first = 0;
    rc |= map_begin(&r, D_PROPS, m->configuration.n, &first);
    for (uint32_t i = 0; i < m->configuration.n && !rc; i++)
        rc |= map_put(&r, D_PROPS, first + i, m->configuration.items[i].key, m->configuration.items[i].value);
    rc |= put_i64(&r, D_MINR, s->protocol.min_reader_version);
    rc |= put_i64(&r, D_MINW, s->protocol.min_writer_version);
    uint32_t nf = protocol_features(&s->protocol, feats, TN_ARRAY_LEN(feats));
    rc |= put_list(&r, D_FEATURES, feats, nf);
    if (rc)
        goto oom;
    if ((rc = finish(b, &r, D__COUNT, types, out, err)))
        goto done;
    *names = d_names;
    goto done;
oom:
    rc = tn_err_set(err, TN_NOMEM, "out of memory");
done:
    for (uint32_t i = 0; i < nclus; i++)
        tn_free(clus[i]);
    rows_free(&r);
    dlt_snapshot_unref(s);
    dlt_table_unref(t);
    return rc;
}
