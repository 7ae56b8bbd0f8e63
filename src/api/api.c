/*
 * api.c -- the public C API (include/tarn.h), part 1: connections, errors, prepare/exec and
 * statement metadata. Fetching and batch access live in api_batch.c.
 *
 * A connection (tarn_db) holds the VFS every statement reads through and the last error. When the
 * connection has a base directory, the VFS is a thin wrapper (api_vfs) over vfs_default() that
 * resolves relative paths against that directory, so the planner, the Parquet reader and COPY see
 * ordinary paths and never know about it. Glob results come back relative again, so messages
 * show the paths the user wrote.
 *
 * Error state follows SQLite: each fallible entry point clears the connection's error first and
 * records the code and message of its failure, so tarn_errmsg after a failed call describes
 * that call. Codes are the engine's TN_* codes, which equal the TARN_* codes.
 *
 * Thread-safety: one thread at a time per connection; tarn_stmt_interrupt may be called from any
 * thread (it only stores to the statement's cancel flag, which the operators poll).
 */
#define _GNU_SOURCE
#include "api_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================= error state ======================= */

void api_clear_err(tarn_db *db)
{
    db->errcode = TARN_OK;
    db->errmsg[0] = 0;
}

int api_set_err(tarn_db *db, int code, const char *msg)
{
    db->errcode = code;
    if (!msg || !*msg)
        msg = tn_code_name(code);
    size_t n = strlen(msg);
    if (n >= sizeof db->errmsg)
        n = sizeof db->errmsg - 1;
    memcpy(db->errmsg, msg, n);
    db->errmsg[n] = 0;
    return code;
}

TARN_API const char *tarn_errmsg(const tarn_db *db)
{
    if (!db)
        return "out of memory";
    if (db->errcode == TARN_OK)
        return "not an error";
    return db->errmsg;
}

TARN_API int tarn_errcode(const tarn_db *db) { return db ? db->errcode : TARN_NOMEM; }

TARN_API const char *tarn_version(void) { return TARN_VERSION; }

/* ======================= base-directory VFS ======================= */

static char *bv_resolve(const vfs *fs, const char *path)
{
    const api_vfs *b = (const api_vfs *)fs;
    if (!path || path[0] == '/')
        return tn_strdup(path ? path : "");
    size_t dl = strlen(b->dir), pl = strlen(path);
    char *p = tn_malloc(dl + pl + 2);
    if (!p)
        return NULL;
    memcpy(p, b->dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, path, pl + 1);
    return p;
}

#define BV_RESOLVE(var, path)                                          \
    char *var = bv_resolve(fs, path);                                  \
    if (!var)                                                          \
        return tn_err_set(err, TN_NOMEM, "out of memory")

static int bv_open(vfs *fs, const char *path, int mode, vfs_file **out, tn_err *err)
{
    BV_RESOLVE(p, path);
    vfs *in = ((api_vfs *)fs)->inner;
    int rc = in->open(in, p, mode, out, err);
    tn_free(p);
    return rc;
}

/* Files are opened by the inner VFS, which dispatches their operations itself; these entries only
 * forward in case a caller goes through the wrapper's table directly. */
static int bv_close(vfs_file *f) { return f->fs->close(f); }
static int bv_read(vfs_file *f, uint64_t off, void *buf, size_t n, tn_err *err)
{
    return f->fs->read(f, off, buf, n, err);
}
static int bv_write(vfs_file *f, const void *buf, size_t n, tn_err *err) { return f->fs->write(f, buf, n, err); }
static int bv_size(vfs_file *f, uint64_t *out, tn_err *err) { return f->fs->size(f, out, err); }
static int bv_sync(vfs_file *f, tn_err *err) { return f->fs->sync(f, err); }

static int bv_rename(vfs *fs, const char *from, const char *to, tn_err *err)
{
    char *a = bv_resolve(fs, from), *b = bv_resolve(fs, to);
    int rc;
    if (!a || !b)
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
    else
        rc = ((api_vfs *)fs)->inner->rename(((api_vfs *)fs)->inner, a, b, err);
    tn_free(a);
    tn_free(b);
    return rc;
}

static int bv_remove(vfs *fs, const char *path, tn_err *err)
{
    BV_RESOLVE(p, path);
    int rc = ((api_vfs *)fs)->inner->remove(((api_vfs *)fs)->inner, p, err);
    tn_free(p);
    return rc;
}

static int bv_stat(vfs *fs, const char *path, int *kind, uint64_t *size, tn_err *err)
{
    BV_RESOLVE(p, path);
    int rc = ((api_vfs *)fs)->inner->stat(((api_vfs *)fs)->inner, p, kind, size, err);
    tn_free(p);
    return rc;
}

static int bv_glob(vfs *fs, const char *pattern, char ***paths, size_t *n, tn_err *err)
{
    BV_RESOLVE(p, pattern);
    api_vfs *b = (api_vfs *)fs;
    int rc = b->inner->glob(b->inner, p, paths, n, err);
    tn_free(p);
    if (rc || pattern[0] == '/')
        return rc;
    /* hand back paths relative to the base directory, as the user wrote the pattern */
    size_t dl = strlen(b->dir);
    for (size_t i = 0; i < *n; i++) {
        char *s = (*paths)[i];
        if (strncmp(s, b->dir, dl) == 0 && s[dl] == '/')
            memmove(s, s + dl + 1, strlen(s + dl + 1) + 1);
    }
    return TN_OK;
}

static int bv_list(vfs *fs, const char *dir, char ***names, size_t *n, tn_err *err)
{
    BV_RESOLVE(p, dir);
    int rc = ((api_vfs *)fs)->inner->list(((api_vfs *)fs)->inner, p, names, n, err);
    tn_free(p);
    return rc;
}

static int bv_mkdirs(vfs *fs, const char *dir, tn_err *err)
{
    BV_RESOLVE(p, dir);
    int rc = ((api_vfs *)fs)->inner->mkdirs(((api_vfs *)fs)->inner, p, err);
    tn_free(p);
    return rc;
}

static int bv_mtime(vfs *fs, const char *path, int64_t *ms, tn_err *err)
{
    char *p = bv_resolve(fs, path);
    if (!p)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    int rc = ((api_vfs *)fs)->inner->mtime(((api_vfs *)fs)->inner, p, ms, err);
    tn_free(p);
    return rc;
}

static const vfs g_base_vfs = {"base-dir", bv_open, bv_close, bv_read, bv_write, bv_size, bv_sync,
                               bv_rename, bv_remove, bv_stat, bv_glob, bv_list, bv_mkdirs, bv_mtime};

/* ======================= connections ======================= */

static void db_free(tarn_db *db)
{
    dlt_snapcache_free(db->snapcache); /* before the vfs its snapshots use */
    tn_free(db->bvfs.dir);
    tn_free(db);
}

static int set_base_dir(tarn_db *db, const char *path)
{
    vfs *in = vfs_default();
    int kind = 0;
    tn_err err = TN_ERR_INIT;
    int rc = in->stat(in, path, &kind, NULL, &err);
    if (rc)
        return api_set_err(db, rc, err.msg);
    if (kind != 2) {
        char msg[TN_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "cannot open \"%s\": %s", path,
                 kind == 0 ? "no such directory" : "not a directory");
        return api_set_err(db, kind == 0 ? TARN_NOTFOUND : TARN_ERROR, msg);
    }
    /* absolute, so later changes of the process's working directory do not move the base */
    char *abs = realpath(path, NULL);
    if (!abs)
        return api_set_err(db, TARN_IOERR, "cannot resolve the base directory");
    db->bvfs.dir = tn_strdup(abs);
    free(abs); /* allocated by libc */
    if (!db->bvfs.dir)
        return api_set_err(db, TARN_NOMEM, "out of memory");
    size_t l = strlen(db->bvfs.dir);
    while (l > 1 && db->bvfs.dir[l - 1] == '/')
        db->bvfs.dir[--l] = 0;
    if (l == 1) /* "/": every relative path is simply made absolute */
        db->bvfs.dir[0] = 0;
    db->bvfs.base = g_base_vfs;
    db->bvfs.inner = in;
    db->fs = &db->bvfs.base;
    return TARN_OK;
}

TARN_API int tarn_open(const char *path, tarn_db **out)
{
    if (!out)
        return TARN_MISUSE;
    tarn_db *db = tn_calloc(1, sizeof *db);
    *out = db;
    if (!db)
        return TARN_NOMEM;
    db->fs = vfs_default();
    if (dlt_snapcache_new(TARN_SNAPCACHE_TABLES, &db->snapcache))
        return api_set_err(db, TARN_NOMEM, "out of memory");
    if (path && *path)
        return set_base_dir(db, path);
    return TARN_OK;
}

TARN_API void tarn_close(tarn_db *db)
{
    if (!db)
        return;
    if (db->nstmts) {
        db->closing = true; /* freed by the last tarn_stmt_finalize */
        return;
    }
    db_free(db);
}

/* ======================= prepare / exec ======================= */

static tarn_type map_type(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_NULL: return TARN_TYPE_NULL;
    case TN_T_BOOL: return TARN_TYPE_BOOL;
    case TN_T_INT8: return TARN_TYPE_INT8;
    case TN_T_INT16: return TARN_TYPE_INT16;
    case TN_T_INT32: return TARN_TYPE_INT32;
    case TN_T_INT64: return TARN_TYPE_INT64;
    case TN_T_UINT8: return TARN_TYPE_UINT8;
    case TN_T_UINT16: return TARN_TYPE_UINT16;
    case TN_T_UINT32: return TARN_TYPE_UINT32;
    case TN_T_UINT64: return TARN_TYPE_UINT64;
    case TN_T_INT128: return TARN_TYPE_HUGEINT;
    case TN_T_FLOAT: return TARN_TYPE_FLOAT;
    case TN_T_DOUBLE: return TARN_TYPE_DOUBLE;
    case TN_T_DECIMAL: return TARN_TYPE_DECIMAL;
    case TN_T_DATE: return TARN_TYPE_DATE;
    case TN_T_TIME: return TARN_TYPE_TIME;
    case TN_T_TIMESTAMP: return TARN_TYPE_TIMESTAMP;
    case TN_T_INTERVAL: return TARN_TYPE_INTERVAL;
    case TN_T_VARCHAR: return TARN_TYPE_VARCHAR;
    case TN_T_BLOB: return TARN_TYPE_BLOB;
    case TN_T_UUID: return TARN_TYPE_UUID;
    case TN_T_LIST: return TARN_TYPE_LIST;
    case TN_T_STRUCT: return TARN_TYPE_STRUCT;
    case TN_T_MAP: return TARN_TYPE_MAP;
    case TN_T_INVALID:
    case TN_T__COUNT: break;
    }
    return TARN_TYPE_INVALID;
}

static void stmt_free(tarn_stmt *st)
{
    api_batch_release(st);
    if (st->cols)
        for (uint32_t i = 0; i < st->ncols; i++) {
            tn_free(st->cols[i].dense);
            tn_free(st->cols[i].valid);
            tn_free(st->cols[i].type_name);
        }
    tn_free(st->cols);
    tn_free(st->fail_msg);
    tn_sbuf_free(&st->scratch);
    sq_plan_free(st->plan);
    tn_free(st);
}

/* SQL spelling of t of any length (tn_type_name's fixed buffers would truncate deep or wide
 * nested types): nested types are spelled here, recursively; flat ones by tn_type_name. */
static void type_name_rec(tn_sbuf *sb, tn_type t, int depth)
{
    const tn_nested *nt = t.nested;
    if (!tn_type_is_nested(t) || !nt || depth > 256) {
        char buf[64];
        tn_sbuf_puts(sb, tn_type_name(t, buf, sizeof buf));
        return;
    }
    if (t.id == TN_T_LIST && nt->nchildren >= 1) {
        type_name_rec(sb, nt->children[0], depth + 1);
        tn_sbuf_puts(sb, "[]");
    } else if (t.id == TN_T_MAP && nt->nchildren >= 2) {
        tn_sbuf_puts(sb, "MAP(");
        type_name_rec(sb, nt->children[0], depth + 1);
        tn_sbuf_puts(sb, ", ");
        type_name_rec(sb, nt->children[1], depth + 1);
        tn_sbuf_putc(sb, ')');
    } else if (t.id == TN_T_STRUCT) {
        tn_sbuf_puts(sb, "STRUCT(");
        for (int i = 0; i < nt->nchildren; i++) {
            if (i)
                tn_sbuf_puts(sb, ", ");
            tn_sbuf_puts(sb, nt->names && nt->names[i] ? nt->names[i] : "");
            tn_sbuf_putc(sb, ' ');
            type_name_rec(sb, nt->children[i], depth + 1);
        }
        tn_sbuf_putc(sb, ')');
    } else {
        char buf[64];
        tn_sbuf_puts(sb, tn_type_name(t, buf, sizeof buf));
    }
}

static int stmt_new(tarn_db *db, sq_plan *plan, tarn_stmt **out)
{
    tarn_stmt *st = tn_calloc(1, sizeof *st);
    if (!st) {
        sq_plan_free(plan);
        return api_set_err(db, TARN_NOMEM, "out of memory");
    }
    st->db = db;
    st->plan = plan;
    st->ncols = plan->ncols;
    st->batch.st = st;
    st->cols = tn_calloc(st->ncols ? st->ncols : 1, sizeof *st->cols);
    st->batch.cols = tn_calloc(st->ncols ? st->ncols : 1, sizeof *st->batch.cols);
    if (!st->cols || !st->batch.cols) {
        stmt_free(st);
        return api_set_err(db, TARN_NOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < st->ncols; i++) {
        api_col *c = &st->cols[i];
        c->type = plan->types[i];
        c->ttype = map_type(c->type);
        tn_sbuf sb = TN_SBUF_INIT;
        type_name_rec(&sb, c->type, 0);
        if (!(c->type_name = tn_sbuf_take(&sb))) {
            stmt_free(st);
            return api_set_err(db, TARN_NOMEM, "out of memory");
        }
        st->batch.cols[i].type = c->ttype;
    }
    ex_op_set_interrupt(plan->root, &st->interrupt);
    db->nstmts++;
    *out = st;
    return TARN_OK;
}

TARN_API int tarn_prepare(tarn_db *db, const char *sql, const char **tail, tarn_stmt **out)
{
    if (out)
        *out = NULL;
    if (tail)
        *tail = sql;
    if (!db)
        return TARN_MISUSE;
    api_clear_err(db);
    if (!sql || !out)
        return api_set_err(db, TARN_MISUSE, "tarn_prepare: sql and out must not be NULL");
    sq_env env = {db->fs, db->snapcache};
    sq_plan *plan = NULL;
    tn_err err = TN_ERR_INIT;
    int rc = sq_prepare(&env, sql, tail, &plan, &err);
    if (rc) {
        sq_plan_free(plan);
        return api_set_err(db, rc, err.msg);
    }
    if (!plan)
        return api_set_err(db, TARN_ERROR, "internal error: no plan");
    if (plan->kind == SQ_STMT_EMPTY) {
        sq_plan_free(plan);
        return TARN_OK;
    }
    if (!plan->root)
        return (sq_plan_free(plan), api_set_err(db, TARN_ERROR, "internal error: plan without operators"));
    return stmt_new(db, plan, out);
}

TARN_API int tarn_exec(tarn_db *db, const char *sql)
{
    if (!db)
        return TARN_MISUSE;
    api_clear_err(db);
    if (!sql)
        return api_set_err(db, TARN_MISUSE, "tarn_exec: sql must not be NULL");
    const char *p = sql;
    for (;;) {
        tarn_stmt *st = NULL;
        const char *tail = NULL;
        int rc = tarn_prepare(db, p, &tail, &st);
        if (rc)
            return rc;
        if (st) {
            tarn_batch *b;
            while ((rc = tarn_stmt_fetch(st, &b)) == TARN_OK && b)
                ;
            tarn_stmt_finalize(st);
            if (rc)
                return rc;
        }
        /* stop at the end of the text, or if the parser made no progress (nothing but an empty
         * remainder) */
        if (!tail || tail <= p || !*tail)
            return TARN_OK;
        p = tail;
    }
}

/* ======================= statements ======================= */

TARN_API uint32_t tarn_stmt_column_count(const tarn_stmt *st) { return st ? st->ncols : 0; }

TARN_API const char *tarn_stmt_column_name(const tarn_stmt *st, uint32_t col)
{
    if (!st || col >= st->ncols || !st->plan->names)
        return NULL;
    return st->plan->names[col];
}

TARN_API tarn_type tarn_stmt_column_type(const tarn_stmt *st, uint32_t col)
{
    if (!st || col >= st->ncols)
        return TARN_TYPE_INVALID;
    return st->cols[col].ttype;
}

TARN_API const char *tarn_stmt_column_type_name(const tarn_stmt *st, uint32_t col)
{
    if (!st || col >= st->ncols)
        return NULL;
    return st->cols[col].type_name;
}

TARN_API int tarn_stmt_column_decimal(const tarn_stmt *st, uint32_t col, int *precision, int *scale)
{
    if (!st || col >= st->ncols || st->cols[col].type.id != TN_T_DECIMAL)
        return TARN_MISUSE;
    if (precision)
        *precision = st->cols[col].type.precision;
    if (scale)
        *scale = st->cols[col].type.scale;
    return TARN_OK;
}

TARN_API int tarn_stmt_column_time_unit(const tarn_stmt *st, uint32_t col)
{
    if (!st || col >= st->ncols)
        return -1;
    tn_type t = st->cols[col].type;
    if (t.id != TN_T_TIME && t.id != TN_T_TIMESTAMP)
        return -1;
    switch ((tn_time_unit)t.unit) {
    case TN_UNIT_MS: return TARN_UNIT_MILLIS;
    case TN_UNIT_NS: return TARN_UNIT_NANOS;
    default: return TARN_UNIT_MICROS;
    }
}

TARN_API void tarn_stmt_interrupt(tarn_stmt *st)
{
    if (st)
        __atomic_store_n(&st->interrupt, 1, __ATOMIC_RELAXED);
}

TARN_API void tarn_stmt_finalize(tarn_stmt *st)
{
    if (!st)
        return;
    tarn_db *db = st->db;
    stmt_free(st);
    if (db->nstmts)
        db->nstmts--;
    if (db->closing && db->nstmts == 0)
        db_free(db);
}
