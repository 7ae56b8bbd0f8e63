/*
 * bind_delta.c -- binding and planning of Delta Lake sources (SQL surface of scan_delta.h):
 *
 *   FROM 'dir' | FROM dir            a directory holding _delta_log/ is read as a Delta table
 *   FROM delta_scan('dir')           the same, explicitly (named arguments version => n,
 *                                    timestamp => 'ts')
 *   ... VERSION AS OF n              time travel to version n
 *   ... TIMESTAMP AS OF 'ts'         Delta's rule: the latest commit whose timestamp is <= ts
 *                                    (in-commit timestamps where enabled); before the first
 *                                    commit (or after the latest) is an error. ts is a timestamp
 *                                    expression or text; text without a zone is UTC
 *   FROM table_changes('dir', start[, end])  the change data feed of versions [start, end]
 *                                    (integers, or timestamps: start = the first commit at or
 *                                    after it, end = the last commit at or before it)
 *   FROM delta_history('dir')        DESCRIBE HISTORY's rows (tf_delta.c)
 *   FROM delta_detail('dir')         DESCRIBE DETAIL's row (tf_delta.c)
 *
 * Sources are opened while binding (the snapshot gives the schema) and registered in the
 * statement's resources, which the plan keeps until it is freed. Planning mirrors the Parquet
 * scan: only referenced columns are read and WHERE conjuncts of the form `col op const`,
 * `col IN (consts)` and `col IS [NOT] NULL` become pushed-down predicates (partition pruning,
 * stats skipping, row-group/page pruning); the FILTER above stays.
 */
#include "sql_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int nomem(sq_binder *b) { return tn_err_set(b->err, TN_NOMEM, "out of memory binding SQL"); }

static vfs *env_fs(const sq_binder *b) { return b->env && b->env->fs ? b->env->fs : vfs_default(); }
static dlt_snapcache *env_cache(const sq_binder *b) { return b->env ? b->env->snapcache : NULL; }

int sq_resources_add_delta(sq_resources *r, ex_delta_source *src)
{
    if (r->ndeltas == r->capdeltas) {
        uint32_t nc = r->capdeltas ? r->capdeltas * 2 : 4;
        ex_delta_source **n = tn_realloc(r->deltas, nc * sizeof *n);
        if (!n)
            return TN_NOMEM;
        r->deltas = n;
        r->capdeltas = nc;
    }
    r->deltas[r->ndeltas++] = src;
    return TN_OK;
}

/* Re-report the error in b->err at position pos (keeps TN_NOMEM as is). */
static int at_pos(sq_binder *b, int rc, uint32_t pos)
{
    if (rc == TN_NOMEM)
        return rc;
    char msg[TN_ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "%s", b->err ? b->err->msg : "");
    return sq_bind_error(b, rc, pos, "%s", msg);
}

/* ---- constant arguments ---- */

static int const_version(sq_binder *b, const sq_expr *e, const char *what, int64_t *out)
{
    tn_value v, iv;
    memset(&v, 0, sizeof v);
    memset(&iv, 0, sizeof iv);
    int rc = sq_bind_constant(b, e, what, &v);
    if (rc)
        return rc;
    if (v.is_null || !tn_type_is_integer(v.type)) {
        char tb[64];
        tn_type_name(v.type, tb, sizeof tb);
        bool was_null = v.is_null;
        tn_value_free(&v);
        return sq_bind_error(b, TN_ERROR, e->pos, "%s expects an integer version, not %s", what,
                             was_null ? "NULL" : tb);
    }
    rc = ex_cast_value(&v, tn_type_make(TN_T_INT64), &iv, b->err);
    tn_value_free(&v);
    if (rc)
        return at_pos(b, rc, e->pos);
    if (iv.v.i64 < 0)
        return sq_bind_error(b, TN_ERROR, e->pos, "%s: version %lld is negative", what, (long long)iv.v.i64);
    *out = iv.v.i64;
    return TN_OK;
}

/* A timestamp argument (TIMESTAMP [WITH TIME ZONE], DATE, or text) in ms since the epoch (UTC),
 * rounded down. */
static int const_timestamp(sq_binder *b, const sq_expr *e, const char *what, int64_t *ms)
{
    tn_value v, tv;
    memset(&v, 0, sizeof v);
    memset(&tv, 0, sizeof tv);
    int rc = sq_bind_constant(b, e, what, &v);
    if (rc)
        return rc;
    tn_type us_tz = tn_type_timestamp(TN_UNIT_US, true);
    bool ok_type = v.type.id == TN_T_VARCHAR || v.type.id == TN_T_TIMESTAMP || v.type.id == TN_T_DATE;
    if (v.is_null || !ok_type) {
        char tb[64];
        tn_type_name(v.type, tb, sizeof tb);
        bool was_null = v.is_null;
        tn_value_free(&v);
        return sq_bind_error(b, TN_ERROR, e->pos, "%s expects a timestamp, not %s", what, was_null ? "NULL" : tb);
    }
    rc = ex_cast_value(&v, us_tz, &tv, b->err);
    tn_value_free(&v);
    if (rc)
        return at_pos(b, rc, e->pos);
    int64_t us = tv.v.i64;
    *ms = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
    return TN_OK;
}

/* ---- scope ---- */

static int install(sq_binder *b, const sq_source *s, ex_delta_source *src, const char *qual, sq_bound *out)
{
    if (sq_resources_add_delta(b->res, src) != TN_OK) {
        ex_delta_source_free(src);
        return nomem(b);
    }
    out->src_kind = SQ_BS_DELTA;
    out->delta = src;
    return sq_bind_set_scope(b, out, src->ncols, src->names, src->types, s->alias ? s->alias : qual, s);
}

static int open_snapshot(sq_binder *b, const sq_source *s, const char *path, const ex_delta_at *at, uint32_t pos,
                         const char *qual, sq_bound *out)
{
    ex_delta_source *src = NULL;
    int rc = ex_delta_source_open_cached(env_fs(b), env_cache(b), path, at, &src, b->err);
    if (rc)
        return at_pos(b, rc, pos);
    return install(b, s, src, qual, out);
}

/* The time travel clause of s into *at. */
static int clause_at(sq_binder *b, const sq_source *s, ex_delta_at *at)
{
    memset(at, 0, sizeof *at);
    if (s->version_as_of) {
        at->kind = EX_DELTA_VERSION;
        return const_version(b, s->version_as_of, "VERSION AS OF", &at->version);
    }
    if (s->timestamp_as_of) {
        at->kind = EX_DELTA_TIMESTAMP;
        return const_timestamp(b, s->timestamp_as_of, "TIMESTAMP AS OF", &at->timestamp_ms);
    }
    return TN_OK;
}

int sq_bind_delta_path(sq_binder *b, const sq_source *s, const char *path, const char *qual, sq_bound *out,
                       bool *handled)
{
    *handled = false;
    bool travel = s->version_as_of || s->timestamp_as_of;
    if (s->kind == SQ_SRC_FUNC) {
        if (!travel || strcmp(s->func->str, "delta_scan") == 0)
            return TN_OK; /* delta_scan applies the clause itself */
        return sq_bind_error(b, TN_ERROR, s->time_travel_pos,
                             "%s AS OF is only supported on Delta tables (not on %s)",
                             s->version_as_of ? "VERSION" : "TIMESTAMP", s->func->str);
    }
    if ((s->kind != SQ_SRC_PATH && s->kind != SQ_SRC_TABLE) || !path) {
        if (!travel)
            return TN_OK;
        return sq_bind_error(b, TN_ERROR, s->time_travel_pos, "%s AS OF is only supported on Delta tables",
                             s->version_as_of ? "VERSION" : "TIMESTAMP");
    }
    if (!ex_delta_is_table(env_fs(b), path)) {
        int kind = 0;
        uint64_t size = 0;
        tn_err e = TN_ERR_INIT;
        vfs *fs = env_fs(b);
        if (!travel && !strpbrk(path, "*?[") && fs->stat(fs, path, &kind, &size, &e) == TN_OK && kind == 2) {
            *handled = true;
            return sq_bind_error(b, TN_NOTSUP, s->pos, "\"%s\" is a directory but not a Delta table (it has no "
                                 "_delta_log); to read the Parquet files in it use '%s/*.parquet'", path, path);
        }
        if (!travel)
            return TN_OK;
        *handled = true;
        return sq_bind_error(b, TN_NOTFOUND, s->pos, "\"%s\" is not a Delta table (no _delta_log directory), so %s AS "
                             "OF does not apply", path, s->version_as_of ? "VERSION" : "TIMESTAMP");
    }
    *handled = true;
    ex_delta_at at;
    int rc = clause_at(b, s, &at);
    if (rc)
        return rc;
    return open_snapshot(b, s, path, &at, s->pos, qual, out);
}

/* ---- table functions ---- */

/* The first argument: a string literal path. */
static int path_arg(sq_binder *b, const sq_expr *f, const char **path)
{
    if (f->nargs < 1 || (f->names && f->names[0]))
        return sq_bind_error(b, TN_ERROR, f->pos, "%s expects the table path as its first argument", f->str);
    const sq_expr *a = f->args[0];
    if (a->kind != SQ_E_CONST || a->lit != SQ_LIT_STRING)
        return sq_bind_error(b, TN_ERROR, a->pos, "%s expects the table path as a string literal", f->str);
    *path = a->str;
    return TN_OK;
}

static int bind_delta_scan(sq_binder *b, const sq_source *s, sq_bound *out)
{
    const sq_expr *f = s->func;
    const char *path = NULL;
    int rc = path_arg(b, f, &path);
    if (rc)
        return rc;
    ex_delta_at at;
    if ((rc = clause_at(b, s, &at)))
        return rc;
    for (uint32_t i = 1; i < f->nargs; i++) {
        const char *name = f->names ? f->names[i] : NULL;
        if (!name)
            return sq_bind_error(b, TN_ERROR, f->args[i]->pos,
                                 "delta_scan takes named options after the path (version => n, timestamp => 'ts')");
        if (at.kind != EX_DELTA_LATEST)
            return sq_bind_error(b, TN_ERROR, f->args[i]->pos, "delta_scan: only one of version, timestamp and "
                                 "VERSION/TIMESTAMP AS OF may be given");
        if (strcasecmp(name, "version") == 0) {
            at.kind = EX_DELTA_VERSION;
            rc = const_version(b, f->args[i], "delta_scan version", &at.version);
        } else if (strcasecmp(name, "timestamp") == 0) {
            at.kind = EX_DELTA_TIMESTAMP;
            rc = const_timestamp(b, f->args[i], "delta_scan timestamp", &at.timestamp_ms);
        } else {
            rc = sq_bind_error(b, TN_ERROR, f->args[i]->pos, "delta_scan has no option \"%s\" (use version or "
                               "timestamp)", name);
        }
        if (rc)
            return rc;
    }
    return open_snapshot(b, s, path, &at, f->args[0]->pos, "delta_scan", out);
}

/* A table_changes bound: an integer version, or a timestamp resolved against the history
 * (start: first commit at or after it; end: last commit at or before it). */
static int change_bound(sq_binder *b, const char *path, const sq_expr *e, bool is_start, int64_t *version)
{
    tn_value v;
    memset(&v, 0, sizeof v);
    int rc = sq_bind_constant(b, e, "table_changes", &v);
    if (rc)
        return rc;
    bool integer = !v.is_null && tn_type_is_integer(v.type);
    tn_value_free(&v);
    if (integer)
        return const_version(b, e, "table_changes", version);
    int64_t ms;
    if ((rc = const_timestamp(b, e, "table_changes", &ms)))
        return rc;
    dlt_table *t = NULL;
    dlt_history *h = NULL;
    if ((rc = dlt_table_open(env_fs(b), path, &t, b->err)) || (rc = dlt_history_load(t, 0, &h, b->err))) {
        dlt_table_unref(t);
        return at_pos(b, rc, e->pos);
    }
    int64_t found = -1;
    for (uint32_t i = 0; i < h->n; i++) { /* newest first */
        const dlt_commit_info *ci = &h->entries[i];
        if (is_start && ci->timestamp_ms >= ms)
            found = ci->version;
        if (!is_start && ci->timestamp_ms <= ms && found < 0)
            found = ci->version;
    }
    dlt_history_free(h);
    dlt_table_unref(t);
    if (found < 0)
        return sq_bind_error(b, TN_NOTFOUND, e->pos, "table_changes: no commit of \"%s\" %s the given timestamp", path,
                             is_start ? "at or after" : "at or before");
    *version = found;
    return TN_OK;
}

static int bind_table_changes(sq_binder *b, const sq_source *s, sq_bound *out)
{
    const sq_expr *f = s->func;
    const char *path = NULL;
    int rc = path_arg(b, f, &path);
    if (rc)
        return rc;
    if (f->nargs < 2 || f->nargs > 3 || (f->names && (f->names[1] || (f->nargs > 2 && f->names[2]))))
        return sq_bind_error(b, TN_ERROR, f->pos, "table_changes expects (path, start_version[, end_version])");
    if (!ex_delta_is_table(env_fs(b), path))
        return sq_bind_error(b, TN_NOTFOUND, f->args[0]->pos, "\"%s\" is not a Delta table (no _delta_log directory)",
                             path);
    int64_t start = 0, end = -1;
    if ((rc = change_bound(b, path, f->args[1], true, &start)))
        return rc;
    if (f->nargs == 3 && (rc = change_bound(b, path, f->args[2], false, &end)))
        return rc;
    ex_delta_source *src = NULL;
    if ((rc = ex_delta_changes_open(env_fs(b), path, start, end, &src, b->err)))
        return at_pos(b, rc, f->pos);
    return install(b, s, src, "table_changes", out);
}

static int bind_meta(sq_binder *b, const sq_source *s, bool history, sq_bound *out)
{
    const sq_expr *f = s->func;
    const char *path = NULL;
    int rc = path_arg(b, f, &path);
    if (rc)
        return rc;
    if (f->nargs != 1)
        return sq_bind_error(b, TN_ERROR, f->args[1]->pos, "%s expects only the table path", f->str);
    if (!ex_delta_is_table(env_fs(b), path))
        return sq_bind_error(b, TN_NOTFOUND, f->args[0]->pos, "\"%s\" is not a Delta table (no _delta_log directory)",
                             path);
    const char *const *names = NULL;
    ex_op *op = NULL;
    rc = history ? sq_delta_history_op(b, path, f->args[0]->pos, &op, &names, b->err)
                 : sq_delta_detail_op(b, path, f->args[0]->pos, &op, &names, b->err);
    if (rc)
        return rc;
    out->src_kind = SQ_BS_OP;
    out->src_op = op;
    return sq_bind_set_scope(b, out, op->ncols, (char *const *)names, op->types, s->alias ? s->alias : f->str, s);
}

int sq_bind_delta_func(sq_binder *b, const sq_source *s, sq_bound *out, bool *handled)
{
    const char *n = s->func->str;
    *handled = true;
    if (strcmp(n, "delta_scan") == 0)
        return bind_delta_scan(b, s, out);
    if (s->version_as_of || s->timestamp_as_of)
        return sq_bind_error(b, TN_ERROR, s->time_travel_pos, "%s AS OF is only supported on Delta tables (not on %s)",
                             s->version_as_of ? "VERSION" : "TIMESTAMP", n);
    if (strcmp(n, "table_changes") == 0)
        return bind_table_changes(b, s, out);
    if (strcmp(n, "delta_history") == 0)
        return bind_meta(b, s, true, out);
    if (strcmp(n, "delta_detail") == 0)
        return bind_meta(b, s, false, out);
    *handled = false;
    return TN_OK;
}

/* ---- planning ---- */

int sq_plan_delta_scan(sq_binder *b, sq_bound *bs, ex_op **out, tn_err *err)
{
    ex_delta_source *src = bs->delta;
    uint32_t ncols = src->ncols;
    bool *used = tn_calloc(ncols ? ncols : 1, sizeof *used);
    uint32_t *map = tn_calloc(ncols ? ncols : 1, sizeof *map);
    uint32_t *fields = tn_calloc(ncols ? ncols : 1, sizeof *fields);
    pq_predicate *preds = NULL;
    uint32_t npreds = 0;
    int rc = TN_OK;
    if (!used || !map || !fields) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory planning the scan");
        goto done;
    }
    sq_mark_inputs(bs, used, ncols);
    uint32_t nf = 0;
    for (uint32_t i = 0; i < ncols; i++)
        if (used[i]) {
            map[i] = nf;
            fields[nf++] = i;
        }
    if (sq_collect_pushdown(bs->where, ncols, src->types, &preds, &npreds)) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory planning the scan");
        goto done;
    }
    if (b->notes)
        tn_sbuf_printf(b->notes, "DELTA_SCAN %s: %llu file%s, %u pushed-down predicate%s\n", src->label,
                       (unsigned long long)src->ntasks, src->ntasks == 1 ? "" : "s", npreds, npreds == 1 ? "" : "s");
    sq_remap_inputs(bs, map, ncols);
    *out = op_scan_delta_create(src, fields, nf, preds, npreds);
    if (!*out)
        rc = tn_err_set(err, TN_NOMEM, "could not create the DELTA_SCAN operator (out of memory)");
done:
    sq_preds_free(preds, npreds);
    tn_free(used);
    tn_free(map);
    tn_free(fields);
    return rc;
}
