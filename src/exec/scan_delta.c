/*
 * scan_delta.c -- Delta table sources (ex_delta_source, scan_delta.h): the snapshot source behind
 * `FROM 'dir'` / delta_scan('dir') / VERSION AS OF / TIMESTAMP AS OF, and the change-data-feed
 * source behind table_changes('dir', start[, end]).
 *
 * Snapshot source: one task per live file of the snapshot, in the snapshot's file order; the
 * tasks borrow everything (paths, typed partition values, DV descriptors, stats) from the
 * snapshot, which the source references. Columns are the snapshot's top-level schema fields in
 * schema order, named by their logical names, partition columns included where the schema puts
 * them (as Spark shows them).
 *
 * Change data feed (PROTOCOL.md "Add CDC File", "Change Data Files"; Spark's table_changes):
 *  - versions [start, end] must exist as JSON commits (TN_NOTFOUND otherwise); start <= end;
 *  - a commit with cdc actions contributes exactly its cdc files; their rows carry their own
 *    _change_type column (insert / delete / update_preimage / update_postimage);
 *  - a commit without cdc actions contributes its data-changing adds (insert) and removes
 *    (delete) only when delta.enableChangeDataFeed is true at that version (the configuration of
 *    the metaData in effect after the commit); otherwise the feed was not recorded and the call
 *    fails with a clear error naming the version, as Spark does. Commits that change no data
 *    (OPTIMIZE: dataChange=false, metadata-only commits) contribute nothing;
 *  - a remove and an add of the same path in one commit are a deletion-vector update: rows the
 *    new DV deletes and the old one did not are deletes, rows the old DV deleted and the new one
 *    does not are inserts, nothing else changed;
 *  - a remove without partitionValues in a partitioned table takes them from the add of the
 *    previous version's snapshot;
 *  - _commit_timestamp is the commit timestamp as DESCRIBE HISTORY shows it (in-commit timestamp,
 *    else the commit file's modification time made strictly increasing); the schema is the end
 *    version's (files of older schemas read missing columns as NULL).
 */
#include "scan_delta.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int nomem(tn_err *err) { return tn_err_set(err, TN_NOMEM, "out of memory"); }

bool ex_delta_is_table(vfs *fs, const char *path)
{
    if (!fs || !path || !*path)
        return false;
    size_t n = strlen(path);
    char *log = tn_malloc(n + 12);
    if (!log)
        return false;
    memcpy(log, path, n);
    while (n > 1 && log[n - 1] == '/')
        n--;
    memcpy(log + n, "/_delta_log", 12);
    int kind = 0;
    uint64_t size = 0;
    tn_err e = TN_ERR_INIT;
    bool ok = fs->stat(fs, log, &kind, &size, &e) == TN_OK && kind == 2;
    tn_free(log);
    return ok;
}

void ex_delta_source_free(ex_delta_source *src)
{
    if (!src)
        return;
    if (src->names)
        for (uint32_t i = 0; i < src->ncols; i++)
            tn_free(src->names[i]);
    tn_free(src->names);
    tn_free(src->types);
    tn_free(src->cols);
    tn_free(src->tasks);
    for (uint64_t i = 0; i < src->npvals_; i++)
        tn_value_free(&src->pvals_[i]);
    tn_free(src->pvals_);
    for (uint32_t i = 0; i < src->ncommits_; i++)
        dlt_commit_free(src->commits_[i]);
    tn_free(src->commits_);
    dlt_snapshot_unref(src->snap);
    dlt_table_unref(src->table);
    tn_free(src->label);
    tn_free(src);
}

/* Columns: the snapshot's top-level fields (+ `extra` slots left for the caller). */
static int take_schema(ex_delta_source *src, uint32_t extra, tn_err *err)
{
    const dlt_snapshot *s = src->snap;
    const dlt_schema *sc = &s->metadata.schema;
    uint32_t n = sc->nfields + extra;
    src->names = tn_calloc(n ? n : 1, sizeof *src->names);
    src->types = tn_calloc(n ? n : 1, sizeof *src->types);
    src->cols = tn_calloc(n ? n : 1, sizeof *src->cols);
    if (!src->names || !src->types || !src->cols)
        return nomem(err);
    src->ncols = n;
    for (uint32_t i = 0; i < sc->nfields; i++) {
        const dlt_field *f = &sc->fields[i];
        if (!(src->names[i] = tn_strdup(f->name)))
            return nomem(err);
        src->types[i] = f->type;
        src->cols[i].kind = EX_DCOL_DATA;
        src->cols[i].field = f;
        src->cols[i].field_index = i;
    }
    for (uint32_t k = 0; k < s->metadata.npartition_columns; k++) {
        int32_t fi = s->metadata.partition_field[k];
        if (fi < 0 || (uint32_t)fi >= sc->nfields)
            return tn_err_set(err, TN_CORRUPT, "%s: partition column \"%s\" is not in the schema", s->root,
                              s->metadata.partition_columns[k]);
        src->cols[fi].kind = EX_DCOL_PARTITION;
        src->cols[fi].part = k;
    }
    return TN_OK;
}

static int make_label(ex_delta_source *src, const char *path, const char *suffix_fmt, int64_t a, int64_t b)
{
    char suffix[96];
    snprintf(suffix, sizeof suffix, suffix_fmt, (long long)a, (long long)b);
    size_t n = strlen(path), m = strlen(suffix);
    src->label = tn_malloc(n + m + 1);
    if (!src->label)
        return TN_NOMEM;
    memcpy(src->label, path, n);
    memcpy(src->label + n, suffix, m + 1);
    return TN_OK;
}

int ex_delta_source_open(vfs *fs, const char *path, const ex_delta_at *at, ex_delta_source **out, tn_err *err)
{
    return ex_delta_source_open_cached(fs, NULL, path, at, out, err);
}

int ex_delta_source_open_cached(vfs *fs, dlt_snapcache *cache, const char *path, const ex_delta_at *at,
                                ex_delta_source **out, tn_err *err)
{
    *out = NULL;
    if (!fs || !path)
        return tn_err_set(err, TN_MISUSE, "ex_delta_source_open: bad arguments");
    ex_delta_source *src = tn_calloc(1, sizeof *src);
    if (!src)
        return nomem(err);
    src->fs = fs;
    int rc = dlt_table_open(fs, path, &src->table, err);
    if (rc)
        goto done;
    int kind = at ? at->kind : EX_DELTA_LATEST;
    int64_t version = kind == EX_DELTA_VERSION ? at->version : -1;
    if (kind == EX_DELTA_TIMESTAMP)
        rc = cache ? dlt_snapcache_load_at_time(cache, src->table, at->timestamp_ms, &src->snap, err)
                   : dlt_snapshot_load_at_time(src->table, at->timestamp_ms, &src->snap, err);
    else
        rc = cache ? dlt_snapcache_load(cache, src->table, version, &src->snap, err)
                   : dlt_snapshot_load(src->table, version, &src->snap, err);
    if (rc)
        goto done;
    if (kind == EX_DELTA_VERSION && at->version < 0) {
        rc = tn_err_set(err, TN_ERROR, "%s: version %lld is not valid (versions start at 0)", path,
                        (long long)at->version);
        goto done;
    }
    if ((rc = take_schema(src, 0, err)))
        goto done;
    if (make_label(src, path, "@v%lld", src->snap->version, 0)) {
        rc = nomem(err);
        goto done;
    }
    const dlt_snapshot *s = src->snap;
    src->tasks = tn_calloc(s->nfiles ? s->nfiles : 1, sizeof *src->tasks);
    if (!src->tasks) {
        rc = nomem(err);
        goto done;
    }
    src->ntasks = s->nfiles;
    src->start_version = src->end_version = s->version;
    for (uint64_t i = 0; i < s->nfiles; i++) {
        const dlt_file *f = &s->files[i];
        ex_delta_task *t = &src->tasks[i];
        t->path = f->full_path;
        t->size = f->size;
        t->pvals = f->partition_values;
        t->dv = f->has_dv ? &f->dv : NULL;
        t->file = f;
        t->version = s->version;
        t->ts_ms = s->timestamp_ms;
        src->total_bytes += f->size > 0 ? f->size : 0;
    }
    *out = src;
    src = NULL;
done:
    ex_delta_source_free(src);
    return rc;
}

/* ======================= change data feed ======================= */

typedef struct task_list {
    ex_delta_task *v;
    uint64_t n, cap;
} task_list;

static ex_delta_task *task_push(task_list *l)
{
    if (l->n == l->cap) {
        uint64_t nc = l->cap ? l->cap * 2 : 16;
        ex_delta_task *nv = tn_realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return NULL;
        l->v = nv;
        l->cap = nc;
    }
    ex_delta_task *t = &l->v[l->n++];
    memset(t, 0, sizeof *t);
    return t;
}

static bool conf_true(const dlt_map *conf, const char *key)
{
    const char *v = dlt_map_get(conf, key, NULL);
    return v && strcasecmp(v, "true") == 0;
}

/* The commit timestamps of versions [start, end] from the history (adjusted as time travel sees
 * them). ts[v - start]. */
static int commit_times(dlt_table *t, int64_t latest, int64_t start, int64_t end, int64_t *ts, tn_err *err)
{
    dlt_history *h = NULL;
    int rc = dlt_history_load(t, latest - start + 1, &h, err);
    if (rc)
        return rc;
    for (int64_t v = start; v <= end; v++)
        ts[v - start] = -1;
    for (uint32_t i = 0; i < h->n; i++) {
        int64_t v = h->entries[i].version;
        if (v >= start && v <= end)
            ts[v - start] = h->entries[i].timestamp_ms;
    }
    dlt_history_free(h);
    return TN_OK;
}

typedef struct cdf_ctx {
    ex_delta_source *src;
    dlt_snapshot *prev;      /* snapshot of version - 1, loaded on demand for removes without partitionValues */
    int64_t prev_version;
    task_list tasks;
    tn_value *pv;            /* owned partition value storage: npart per task that needs them */
    uint64_t npv, cappv;
} cdf_ctx;

/* Reserve npart values in the context's storage; returns the index of the first. Growing moves
 * the storage, so tasks record indexes until the end (fixed up in finish). */
static int pv_reserve(cdf_ctx *c, uint32_t npart, uint64_t *first)
{
    if (c->npv + npart > c->cappv) {
        uint64_t nc = c->cappv ? c->cappv * 2 : 64;
        while (nc < c->npv + npart)
            nc *= 2;
        tn_value *nv = tn_realloc(c->pv, nc * sizeof *nv);
        if (!nv)
            return TN_NOMEM;
        c->pv = nv;
        c->cappv = nc;
    }
    *first = c->npv;
    memset(&c->pv[c->npv], 0, npart * sizeof *c->pv);
    c->npv += npart;
    return TN_OK;
}

/* Typed partition values for a change task; the task's pvals field temporarily holds the index
 * (+1) into the storage (0 = none). */
static int task_partitions(cdf_ctx *c, ex_delta_task *t, const dlt_map *pm, tn_err *err)
{
    const dlt_snapshot *s = c->src->snap;
    uint32_t np = s->metadata.npartition_columns;
    if (np == 0)
        return TN_OK;
    uint64_t first;
    if (pv_reserve(c, np, &first))
        return nomem(err);
    int rc = dlt_snapshot_parse_partitions(s, pm, &c->pv[first], err);
    if (rc)
        return tn_err_prefix(err, rc, "%s: version %lld: ", s->root, (long long)t->version);
    t->pvals = (const tn_value *)(uintptr_t)(first + 1);
    return TN_OK;
}

/* partitionValues for a remove that has none: from the add of `path` in the snapshot before. */
static int remove_partitions(cdf_ctx *c, int64_t version, const dlt_remove *r, const dlt_map **pm, tn_err *err)
{
    if (r->has_partition_map || c->src->snap->metadata.npartition_columns == 0) {
        *pm = &r->partition_map;
        return TN_OK;
    }
    if (!c->prev || c->prev_version != version - 1) {
        dlt_snapshot_unref(c->prev);
        c->prev = NULL;
        int rc = dlt_snapshot_load(c->src->table, version - 1, &c->prev, err);
        if (rc)
            return tn_err_prefix(err, rc, "remove of \"%s\" in version %lld has no partitionValues: ", r->path,
                                 (long long)version);
        c->prev_version = version - 1;
    }
    for (uint64_t i = 0; i < c->prev->nfiles; i++) {
        if (strcmp(c->prev->files[i].full_path, r->full_path) == 0) {
            *pm = &c->prev->files[i].partition_map;
            return TN_OK;
        }
    }
    return tn_err_set(err, TN_CORRUPT, "%s: version %lld removes \"%s\" without partitionValues, and version %lld "
                      "has no such file", c->src->snap->root, (long long)version, r->path, (long long)(version - 1));
}

static int add_commit_tasks(cdf_ctx *c, const dlt_commit *cm, int64_t ts, bool cdf_on, tn_err *err)
{
    int64_t v = cm->version;
    const char *root = c->src->snap->root;
    if (cm->ncdcs > 0) {
        for (uint32_t i = 0; i < cm->ncdcs; i++) {
            const dlt_cdc_file *f = &cm->cdcs[i];
            ex_delta_task *t = task_push(&c->tasks);
            if (!t)
                return nomem(err);
            t->path = f->full_path;
            t->size = f->size;
            t->change = EX_DCHANGE_FROM_FILE;
            t->version = v;
            t->ts_ms = ts;
            int rc = task_partitions(c, t, &f->partition_map, err);
            if (rc)
                return rc;
        }
        return TN_OK;
    }
    bool data = false;
    for (uint32_t i = 0; i < cm->nadds && !data; i++)
        data = cm->adds[i].data_change;
    for (uint32_t i = 0; i < cm->nremoves && !data; i++)
        data = cm->removes[i].data_change;
    if (!data)
        return TN_OK;
    if (!cdf_on)
        return tn_err_set(err, TN_ERROR,
                          "%s: cannot read the change data feed of version %lld: change data was not recorded "
                          "(delta.enableChangeDataFeed is not enabled at that version)", root, (long long)v);
    /* removes: plain deletes, or the two halves of a deletion-vector update of a re-added path */
    for (uint32_t i = 0; i < cm->nremoves; i++) {
        const dlt_remove *r = &cm->removes[i];
        if (!r->data_change)
            continue;
        const dlt_file *readd = NULL;
        for (uint32_t j = 0; j < cm->nadds && !readd; j++)
            if (cm->adds[j].data_change && strcmp(cm->adds[j].full_path, r->full_path) == 0)
                readd = &cm->adds[j];
        const dlt_map *pm = NULL;
        int rc = remove_partitions(c, v, r, &pm, err);
        if (rc)
            return rc;
        if (!readd) {
            ex_delta_task *t = task_push(&c->tasks);
            if (!t)
                return nomem(err);
            t->path = r->full_path;
            t->size = r->size;
            t->dv = r->has_dv ? &r->dv : NULL;
            t->change = EX_DCHANGE_DELETE;
            t->version = v;
            t->ts_ms = ts;
            if ((rc = task_partitions(c, t, pm, err)))
                return rc;
            continue;
        }
        /* rows deleted now: in the new DV, not in the old one */
        if (readd->has_dv) {
            ex_delta_task *t = task_push(&c->tasks);
            if (!t)
                return nomem(err);
            t->path = r->full_path;
            t->size = r->size;
            t->dv = r->has_dv ? &r->dv : NULL;
            t->dv_only = &readd->dv;
            t->change = EX_DCHANGE_DELETE;
            t->version = v;
            t->ts_ms = ts;
            if ((rc = task_partitions(c, t, pm, err)))
                return rc;
        }
        /* rows restored: in the old DV, not in the new one */
        if (r->has_dv) {
            ex_delta_task *t = task_push(&c->tasks);
            if (!t)
                return nomem(err);
            t->path = r->full_path;
            t->size = r->size;
            t->dv = readd->has_dv ? &readd->dv : NULL;
            t->dv_only = &r->dv;
            t->change = EX_DCHANGE_INSERT;
            t->version = v;
            t->ts_ms = ts;
            if ((rc = task_partitions(c, t, pm, err)))
                return rc;
        }
    }
    for (uint32_t j = 0; j < cm->nadds; j++) {
        const dlt_file *a = &cm->adds[j];
        if (!a->data_change)
            continue;
        bool removed = false;
        for (uint32_t i = 0; i < cm->nremoves && !removed; i++)
            removed = cm->removes[i].data_change && strcmp(cm->removes[i].full_path, a->full_path) == 0;
        if (removed)
            continue; /* handled as a DV update above */
        ex_delta_task *t = task_push(&c->tasks);
        if (!t)
            return nomem(err);
        t->path = a->full_path;
        t->size = a->size;
        t->dv = a->has_dv ? &a->dv : NULL;
        t->change = EX_DCHANGE_INSERT;
        t->version = v;
        t->ts_ms = ts;
        int rc = task_partitions(c, t, &a->partition_map, err);
        if (rc)
            return rc;
    }
    return TN_OK;
}

int ex_delta_changes_open(vfs *fs, const char *path, int64_t start, int64_t end, ex_delta_source **out,
                          tn_err *err)
{
    *out = NULL;
    if (!fs || !path)
        return tn_err_set(err, TN_MISUSE, "ex_delta_changes_open: bad arguments");
    cdf_ctx c;
    memset(&c, 0, sizeof c);
    int64_t *ts = NULL;
    dlt_snapshot *first = NULL;
    ex_delta_source *src = tn_calloc(1, sizeof *src);
    int rc = TN_OK;
    if (!src)
        return nomem(err);
    c.src = src;
    src->fs = fs;
    src->changes = true;
    if ((rc = dlt_table_open(fs, path, &src->table, err)))
        goto done;
    int64_t latest;
    if ((rc = dlt_table_latest_version(src->table, &latest, err)))
        goto done;
    if (end < 0)
        end = latest;
    if (start < 0) {
        rc = tn_err_set(err, TN_ERROR, "table_changes: start version %lld is negative", (long long)start);
        goto done;
    }
    if (start > end) {
        rc = tn_err_set(err, TN_ERROR, "table_changes: start version %lld is after end version %lld", (long long)start,
                        (long long)end);
        goto done;
    }
    if (end > latest) {
        rc = tn_err_set(err, TN_NOTFOUND, "table_changes: %s: end version %lld is after the latest version %lld", path,
                        (long long)end, (long long)latest);
        goto done;
    }
    if ((rc = dlt_snapshot_load(src->table, end, &src->snap, err)))
        goto done;
    if ((rc = take_schema(src, 3, err)))
        goto done;
    {
        uint32_t b = src->snap->metadata.schema.nfields;
        static const char *const extra[3] = {"_change_type", "_commit_version", "_commit_timestamp"};
        static const int kinds[3] = {EX_DCOL_CHANGE_TYPE, EX_DCOL_COMMIT_VERSION, EX_DCOL_COMMIT_TS};
        tn_type types[3] = {tn_type_make(TN_T_VARCHAR), tn_type_make(TN_T_INT64), tn_type_timestamp(TN_UNIT_US, true)};
        for (uint32_t i = 0; i < 3; i++) {
            if (dlt_schema_find(&src->snap->metadata.schema, extra[i]) >= 0) {
                rc = tn_err_set(err, TN_NOTSUP, "table_changes: %s: the table has a column named \"%s\", which the "
                                "change data feed reserves", path, extra[i]);
                goto done;
            }
            if (!(src->names[b + i] = tn_strdup(extra[i]))) {
                rc = nomem(err);
                goto done;
            }
            src->types[b + i] = types[i];
            src->cols[b + i].kind = kinds[i];
        }
    }
    if (make_label(src, path, "@changes[%lld..%lld]", start, end)) {
        rc = nomem(err);
        goto done;
    }
    src->start_version = start;
    src->end_version = end;
    uint64_t nv = (uint64_t)(end - start + 1);
    ts = tn_calloc(nv, sizeof *ts);
    src->commits_ = tn_calloc(nv, sizeof *src->commits_);
    if (!ts || !src->commits_) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = commit_times(src->table, latest, start, end, ts, err)))
        goto done;
    /* delta.enableChangeDataFeed in effect before `start`; each commit's metaData updates it */
    bool cdf_on = false;
    if (start > 0) {
        if ((rc = dlt_snapshot_load(src->table, start - 1, &first, err)))
            goto done;
        cdf_on = conf_true(&first->metadata.configuration, "delta.enableChangeDataFeed");
    }
    for (int64_t v = start; v <= end; v++) {
        dlt_commit *cm = NULL;
        if ((rc = dlt_commit_load(src->table, v, &cm, err))) {
            if (rc == TN_NOTFOUND)
                tn_err_prefix(err, rc, "table_changes: ");
            goto done;
        }
        src->commits_[src->ncommits_++] = cm;
        if (cm->metadata)
            cdf_on = conf_true(&cm->metadata->configuration, "delta.enableChangeDataFeed");
        if ((rc = add_commit_tasks(&c, cm, ts[v - start], cdf_on, err)))
            goto done;
    }
    /* fix up partition value pointers now that the storage no longer moves */
    for (uint64_t i = 0; i < c.tasks.n; i++) {
        uintptr_t k = (uintptr_t)c.tasks.v[i].pvals;
        c.tasks.v[i].pvals = k ? &c.pv[k - 1] : NULL;
        src->total_bytes += c.tasks.v[i].size > 0 ? c.tasks.v[i].size : 0;
    }
    src->tasks = c.tasks.v;
    src->ntasks = c.tasks.n;
    src->pvals_ = c.pv;
    src->npvals_ = c.npv;
    c.tasks.v = NULL;
    c.pv = NULL;
    c.npv = 0;
    *out = src;
    src = NULL;
done:
    tn_free(ts);
    tn_free(c.tasks.v);
    for (uint64_t i = 0; i < c.npv; i++)
        tn_value_free(&c.pv[i]);
    tn_free(c.pv);
    dlt_snapshot_unref(c.prev);
    dlt_snapshot_unref(first);
    ex_delta_source_free(src);
    return rc;
}
