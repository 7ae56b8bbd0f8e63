/*
 * snapshot.c -- tables, snapshots, time travel, history and single commits: the orchestration of
 * listing (log.c), checkpoint loading (checkpoint.c), commit parsing (actions.c) and replay
 * (replay.c). PROTOCOL.md "Action Reconciliation", "Checkpoints" (use the newest complete
 * checkpoint not newer than the target version), "In-Commit Timestamps" (recommendations for
 * readers: time travel and DESCRIBE HISTORY).
 *
 * Loading version V: candidate checkpoints are the complete ones at versions <= V, newest first.
 * Commits cp+1..V must all be listed ("log versions are not contiguous" otherwise). A checkpoint
 * that cannot be read (corrupt, missing sidecar, or a nested type the Parquet reader does not
 * handle) is skipped for the next older one, finally for the JSON commits from version 0 if they
 * are all there; the reason is kept in snapshot->checkpoint_note. I/O and memory errors are never
 * skipped.
 *
 * Commit timestamps: the commitInfo.inCommitTimestamp of the commit when present (writers must
 * write it while in-commit timestamps are enabled), else the modification time of the commit
 * file. Timestamp time travel follows the reader recommendations: with ICT enabled, timestamps >=
 * delta.inCommitTimestampEnablementTimestamp search versions >= the enablement version by ICT;
 * other timestamps search the earlier versions by file time, made strictly increasing.
 */
#include "delta_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STOP_PARSE (-1000) /* sink result that ends parsing early (not an error) */

/* ---- tables ---- */

int dlt_table_open(vfs *fs, const char *root_path, dlt_table **out, tn_err *err)
{
    return dlt_table_open_ex(fs, root_path, NULL, out, err);
}

int dlt_table_open_ex(vfs *fs, const char *root_path, const dlt_open_options *opts, dlt_table **out, tn_err *err)
{
    *out = NULL;
    if (!fs || !root_path || !*root_path)
        return tn_err_set(err, TN_MISUSE, "dlt_table_open: no file system or root path");
    const char *p = root_path;
    if (strncasecmp(p, "file:", 5) == 0) {
        p += 5;
        if (p[0] == '/' && p[1] == '/') {
            p += 2;
            if (strncmp(p, "localhost", 9) == 0)
                p += 9;
            if (*p != '/')
                return tn_err_set(err, TN_NOTSUP, "%s: file URI with a remote host", root_path);
        }
    }
    char *root = NULL;
    int rc = dlt_percent_decode(p, strlen(p), &root, NULL, "table path", err);
    if (rc)
        return rc;
    if (p == root_path) { /* a plain path is not URI-encoded: keep it as given */
        tn_free(root);
        root = tn_strdup(p);
        if (!root)
            return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        root[--n] = 0;
    char *log = dlt_path_join(root, "_delta_log");
    int kind = 0;
    uint64_t sz = 0;
    if (!log) {
        tn_free(root);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    rc = fs->stat(fs, log, &kind, &sz, err);
    tn_free(log);
    if (rc || kind != 2) {
        rc = tn_err_set(err, rc && rc != TN_NOTFOUND ? rc : TN_NOTFOUND,
                        "%s is not a Delta table: it has no _delta_log directory", root);
        tn_free(root);
        return rc;
    }
    dlt_table *t = tn_calloc(1, sizeof *t);
    if (!t) {
        tn_free(root);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    t->refcnt = 1;
    t->fs = fs;
    t->root = root;
    t->allow_outside = opts && opts->allow_outside_paths;
    *out = t;
    return TN_OK;
}

void dlt_table_ref(dlt_table *t)
{
    __atomic_add_fetch(&t->refcnt, 1, __ATOMIC_RELAXED);
}

void dlt_table_unref(dlt_table *t)
{
    if (!t || __atomic_sub_fetch(&t->refcnt, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    tn_free(t->root);
    tn_free(t);
}

const char *dlt_table_root(const dlt_table *t)
{
    return t->root;
}

vfs *dlt_table_vfs(const dlt_table *t)
{
    return t->fs;
}

int dlt_table_latest_version(dlt_table *t, int64_t *version, tn_err *err)
{
    dlt_listing l;
    int rc = dlt_log_list(t, &l, err);
    if (rc)
        return rc;
    *version = l.latest;
    if (l.latest < 0)
        rc = tn_err_set(err, TN_NOTFOUND, "%s: the Delta log is empty", t->root);
    dlt_listing_free(&l);
    return rc;
}

/* ---- snapshot lifetime ---- */

void dlt_snapshot_free_(dlt_snapshot *s)
{
    if (!s)
        return;
    for (uint64_t i = 0; i < s->nfiles; i++) {
        tn_free(s->files[i].owned_);
        if (s->stats_memo_ && s->stats_memo_[i]) {
            dlt_stats_free(s->stats_memo_[i]);
            tn_free(s->stats_memo_[i]);
        }
    }
    tn_free(s->stats_memo_);
    tn_free(s->files);
    dlt_arena_destroy(s->arena_);
    dlt_table_unref(s->table);
    tn_free(s);
}

void dlt_snapshot_ref(dlt_snapshot *s)
{
    __atomic_add_fetch(&s->refcnt_, 1, __ATOMIC_RELAXED);
}

void dlt_snapshot_unref(dlt_snapshot *s)
{
    if (s && __atomic_sub_fetch(&s->refcnt_, 1, __ATOMIC_ACQ_REL) == 0)
        dlt_snapshot_free_(s);
}

const dlt_txn *dlt_snapshot_find_txn(const dlt_snapshot *s, const char *app_id)
{
    uint32_t lo = 0, hi = s->ntxns;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->txns[mid].app_id, app_id);
        if (c == 0)
            return &s->txns[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const dlt_domain *dlt_snapshot_find_domain(const dlt_snapshot *s, const char *domain)
{
    uint32_t lo = 0, hi = s->ndomains;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->domains[mid].domain, domain);
        if (c == 0)
            return &s->domains[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const dlt_field *dlt_snapshot_partition_field(const dlt_snapshot *s, uint32_t k)
{
    if (k >= s->metadata.npartition_columns)
        return NULL;
    return &s->metadata.schema.fields[s->metadata.partition_field[k]];
}

int dlt_snapshot_parse_partitions(const dlt_snapshot *s, const dlt_map *partition_map, tn_value *out, tn_err *err)
{
    uint32_t np = s->metadata.npartition_columns;
    for (uint32_t k = 0; k < np; k++)
        out[k] = tn_value_null(dlt_snapshot_partition_field(s, k)->type);
    for (uint32_t k = 0; k < np; k++) {
        const dlt_field *f = dlt_snapshot_partition_field(s, k);
        int rc = dlt_partition_value_parse(NULL, f->type, dlt_map_get(partition_map, f->physical_name, NULL), f->name,
                                           &out[k], err);
        if (rc) {
            for (uint32_t j = 0; j < k; j++)
                tn_value_free(&out[j]);
            return rc;
        }
    }
    return TN_OK;
}

/* ---- commits ---- */

/* Read the log file `name` (inside _delta_log) into fn. */
static int read_log_file(dlt_table *t, const dlt_listing *l, const char *name, dlt_arena *a, bool reset,
                         dlt_action_fn fn, void *ctx, tn_err *err)
{
    char *path = dlt_path_join(l->log_dir, name);
    if (!path)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    char *buf = NULL;
    size_t n = 0;
    int rc = dlt_read_file(t->fs, path, DLT_MAX_LOG_FILE, &buf, &n, err);
    if (rc == TN_OK)
        rc = dlt_parse_actions(path, buf, n, a, reset, fn, ctx, err);
    tn_free(buf);
    tn_free(path);
    return rc;
}

static int read_commit(dlt_table *t, const dlt_listing *l, int64_t v, dlt_arena *a, bool reset, dlt_action_fn fn,
                       void *ctx, tn_err *err)
{
    char name[32];
    dlt_commit_name(v, name);
    return read_log_file(t, l, name, a, reset, fn, ctx, err);
}

typedef struct info_grab {
    dlt_arena *a;
    bool found;
    dlt_commit_info info;
} info_grab;

static int grab_info(void *ctx, const dlt_action *act, tn_err *err)
{
    info_grab *g = ctx;
    if (act->kind != DLT_A_COMMITINFO)
        return TN_OK;
    if (dlt_commit_info_copy(g->a, &act->u.info, &g->info))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    g->found = true;
    return STOP_PARSE;
}

/* commitInfo of commit v (g->found false when it has none). */
static int commit_info(dlt_table *t, const dlt_listing *l, int64_t v, info_grab *g, tn_err *err)
{
    dlt_arena scratch;
    dlt_arena_init(&scratch);
    g->found = false;
    int rc = read_commit(t, l, v, &scratch, true, grab_info, g, err);
    dlt_arena_free(&scratch);
    if (rc == STOP_PARSE)
        rc = TN_OK;
    return rc;
}

static int64_t file_mtime_or(dlt_table *t, const dlt_listing *l, int64_t v)
{
    char name[32];
    dlt_commit_name(v, name);
    char *path = dlt_path_join(l->log_dir, name);
    int64_t ms = -1;
    tn_err e = TN_ERR_INIT;
    if (path && dlt_file_mtime(t->fs, path, &ms, &e))
        ms = -1;
    tn_free(path);
    return ms;
}

int dlt_table_commit_timestamp(dlt_table *t, int64_t version, int64_t *ms, tn_err *err)
{
    dlt_listing l;
    int rc = dlt_log_list(t, &l, err);
    if (rc)
        return rc;
    *ms = -1;
    if (!dlt_listing_has_commit(&l, version)) {
        rc = tn_err_set(err, TN_NOTFOUND, "%s: commit %lld does not exist", t->root, (long long)version);
        goto done;
    }
    dlt_arena a;
    dlt_arena_init(&a);
    info_grab g = {&a, false, {0}};
    rc = commit_info(t, &l, version, &g, err);
    if (!rc && g.found && g.info.in_commit_timestamp >= 0)
        *ms = g.info.in_commit_timestamp;
    dlt_arena_free(&a);
    if (!rc && *ms < 0) {
        char name[32];
        dlt_commit_name(version, name);
        char *path = dlt_path_join(l.log_dir, name);
        rc = path ? dlt_file_mtime(t->fs, path, ms, err) : tn_err_set(err, TN_NOMEM, "out of memory");
        tn_free(path);
    }
done:
    dlt_listing_free(&l);
    return rc;
}

/* ---- loading a version ---- */

int64_t dlt_listing_first_missing(const dlt_listing *l, int64_t from, int64_t to)
{
    for (int64_t v = from; v <= to; v++)
        if (!dlt_listing_has_commit(l, v))
            return v;
    return -1;
}

/* The widest compaction file starting at v that ends at or before V, or NULL. */
static const dlt_compaction *pick_compaction(const dlt_listing *l, int64_t v, int64_t V)
{
    uint32_t lo = 0, hi = l->ncompactions;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (l->compactions[mid].from < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < l->ncompactions && l->compactions[lo].from == v; lo++)
        if (l->compactions[lo].to <= V)
            return &l->compactions[lo];
    return NULL;
}

/* Replay to `version`. With use_compactions, log compaction files replace the commit ranges they
 * cover; if one of them cannot be used (unreadable, malformed, or its actions break replay),
 * *compaction_failed is set and the caller retries without them (they are optional). */
static int load_version_ex(dlt_table *t, const dlt_listing *l, int64_t version, const dlt_snapshot *seed,
                           bool use_compactions, bool *compaction_failed, tn_sbuf *note_in, dlt_snapshot **out,
                           tn_err *err)
{
    *out = NULL;
    if (l->latest < 0)
        return tn_err_set(err, TN_NOTFOUND, "%s: the Delta log is empty", t->root);
    int64_t V = version < 0 ? l->latest : version;
    if (V > l->latest)
        return tn_err_set(err, TN_NOTFOUND, "%s: version %lld does not exist (the latest version is %lld)", t->root,
                          (long long)V, (long long)l->latest);
    dlt_replay *r = NULL;
    tn_sbuf note = TN_SBUF_INIT;
    dlt_arena scratch;
    dlt_arena_init(&scratch);
    tn_err cerr = TN_ERR_INIT;
    int64_t used_cp = -1;
    int last_ck_rc = TN_OK;
    int rc = dlt_replay_new(t, &r);
    if (rc) {
        rc = tn_err_set(err, rc, "out of memory");
        goto done;
    }
    if (seed) { /* incremental: the seed's state, then the commits after it (contiguity checked by the caller) */
        if ((rc = dlt_replay_seed(r, seed, err)))
            goto done;
        used_cp = seed->version;
    }
    for (uint32_t i = 0; !seed && i < l->nckpts; i++) {
        const dlt_ckpt *c = &l->ckpts[i];
        if (c->version > V)
            continue;
        int64_t miss = dlt_listing_first_missing(l, c->version + 1, V);
        if (miss >= 0) {
            rc = tn_err_set(err, TN_CORRUPT, "%s: log versions are not contiguous: commit %lld is missing (needed to "
                            "reach version %lld from the checkpoint at version %lld)", t->root, (long long)miss,
                            (long long)V, (long long)c->version);
            goto done;
        }
        tn_err_clear(&cerr);
        rc = dlt_checkpoint_read(t, l, c, dlt_replay_apply, r, &cerr);
        if (rc == TN_OK) {
            used_cp = c->version;
            break;
        }
        if (rc != TN_CORRUPT && rc != TN_NOTFOUND && rc != TN_NOTSUP) {
            rc = tn_err_set(err, rc, "%s", cerr.msg);
            goto done;
        }
        last_ck_rc = rc;
        tn_sbuf_printf(&note, "%scheckpoint %s not used: %s", note.len ? "; " : "", c->parts[0], cerr.msg);
        dlt_replay_reset(r);
    }
    if (!seed && used_cp < 0) {
        int64_t miss = dlt_listing_first_missing(l, 0, V);
        if (miss >= 0) {
            if (last_ck_rc)
                rc = tn_err_set(err, last_ck_rc, "%s: version %lld cannot be reconstructed: %s", t->root,
                                (long long)V, tn_sbuf_str(&note));
            else if (miss == 0)
                rc = tn_err_set(err, TN_NOTFOUND, "%s: version %lld cannot be reconstructed: commit 0 is missing and "
                                "no checkpoint at or before version %lld exists (log cleaned up?)", t->root,
                                (long long)V, (long long)V);
            else
                rc = tn_err_set(err, TN_CORRUPT, "%s: log versions are not contiguous: commit %lld is missing and no "
                                "checkpoint covers it (reading version %lld)", t->root, (long long)miss, (long long)V);
            goto done;
        }
    }
    uint32_t ncompactions = 0;
    bool last_from_json = false; /* commit V itself was read (its commitInfo is in the replay) */
    for (int64_t v = used_cp + 1; v <= V;) {
        const dlt_compaction *cm = use_compactions ? pick_compaction(l, v, V) : NULL;
        if (cm && cm->to > v) {
            char name[64];
            dlt_compaction_name(cm->from, cm->to, name);
            dlt_replay_begin_commit(r, cm->to);
            rc = read_log_file(t, l, name, &scratch, true, dlt_replay_apply, r, err);
            if (rc) {
                if (rc != TN_NOMEM && rc != TN_IOERR) {
                    *compaction_failed = true;
                    tn_sbuf_printf(note_in, "%slog compaction file %s not used: %s", note_in->len ? "; " : "", name,
                                   err->msg);
                }
                goto done;
            }
            ncompactions++;
            last_from_json = false;
            v = cm->to + 1;
            continue;
        }
        dlt_replay_begin_commit(r, v);
        if ((rc = read_commit(t, l, v, &scratch, true, dlt_replay_apply, r, err)))
            goto done;
        last_from_json = true;
        v++;
    }
    dlt_snapshot *s = NULL;
    if ((rc = dlt_replay_finish(r, V, &s, err))) {
        if (ncompactions && rc != TN_NOMEM && rc != TN_IOERR) {
            *compaction_failed = true;
            tn_sbuf_printf(note_in, "%slog compaction files not used: %s", note_in->len ? "; " : "", err->msg);
        }
        goto done;
    }
    s->checkpoint_version = seed ? seed->checkpoint_version : used_cp;
    s->compactions_used = ncompactions + (seed ? seed->compactions_used : 0);
    if (seed && seed->checkpoint_note)
        tn_sbuf_printf(&note, "%s", seed->checkpoint_note);
    s->last_checkpoint = l->lastcp;
    if (note_in->len)
        tn_sbuf_printf(&note, "%s%s", note.len ? "; " : "", tn_sbuf_str(note_in));
    if (note.len && !(s->checkpoint_note = dlt_arena_strdup(s->arena_, tn_sbuf_str(&note)))) {
        dlt_snapshot_unref(s);
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    /* the snapshot's commit timestamp */
    const dlt_commit_info *ci = last_from_json ? dlt_replay_last_info(r) : NULL;
    if (ci && ci->in_commit_timestamp >= 0) {
        s->timestamp_ms = ci->in_commit_timestamp;
    } else if (dlt_listing_has_commit(l, V)) {
        if (!last_from_json) {
            dlt_arena a;
            dlt_arena_init(&a);
            info_grab g = {&a, false, {0}};
            tn_err ie = TN_ERR_INIT;
            if (commit_info(t, l, V, &g, &ie) == TN_OK && g.found && g.info.in_commit_timestamp >= 0)
                s->timestamp_ms = g.info.in_commit_timestamp;
            dlt_arena_free(&a);
        }
        if (s->timestamp_ms < 0)
            s->timestamp_ms = file_mtime_or(t, l, V);
    }
    *out = s;
    rc = TN_OK;
done:
    dlt_replay_free(r);
    dlt_arena_free(&scratch);
    tn_sbuf_free(&note);
    return rc;
}

int dlt_load_version(dlt_table *t, const dlt_listing *l, int64_t version, const dlt_snapshot *seed,
                     dlt_snapshot **out, tn_err *err)
{
    tn_sbuf note = TN_SBUF_INIT;
    bool failed = false;
    int rc = load_version_ex(t, l, version, seed, l->ncompactions > 0, &failed, &note, out, err);
    if (rc && failed) {
        tn_err_clear(err);
        failed = false;
        rc = load_version_ex(t, l, version, seed, false, &failed, &note, out, err);
    }
    tn_sbuf_free(&note);
    return rc;
}

/* A load through the snapshot cache when there is one. */
static int load_version(dlt_table *t, const dlt_listing *l, int64_t version, dlt_snapcache *cache,
                        dlt_snapshot **out, tn_err *err)
{
    if (cache)
        return dlt_snapcache_get_(cache, t, l, version, out, err);
    return dlt_load_version(t, l, version, NULL, out, err);
}

int dlt_snapshot_load(dlt_table *t, int64_t version, dlt_snapshot **out, tn_err *err)
{
    return dlt_snapcache_load(NULL, t, version, out, err);
}

/* c may be NULL (no cache): then this is dlt_snapshot_load. */
int dlt_snapcache_load(dlt_snapcache *c, dlt_table *t, int64_t version, dlt_snapshot **out, tn_err *err)
{
    *out = NULL;
    dlt_listing l;
    int rc = dlt_log_list(t, &l, err);
    if (rc)
        return rc;
    rc = load_version(t, &l, version, c, out, err);
    dlt_listing_free(&l);
    return rc;
}

/* ---- time travel by timestamp ---- */

static bool conf_true(const dlt_map *m, const char *key)
{
    const char *v = dlt_map_get(m, key, NULL);
    return v && strcasecmp(v, "true") == 0;
}

static bool conf_i64(const dlt_map *m, const char *key, int64_t *out)
{
    const char *v = dlt_map_get(m, key, NULL);
    if (!v || !*v)
        return false;
    char *e;
    long long x = strtoll(v, &e, 10);
    if (*e)
        return false;
    *out = x;
    return true;
}

static void fmt_ts(int64_t ms, char *buf, size_t cap)
{
    tn_sbuf sb = TN_SBUF_INIT;
    tn_value v = tn_value_int(tn_type_timestamp(TN_UNIT_MS, true), ms);
    dlt_value_to_partition_string(&v, &sb);
    snprintf(buf, cap, "%s", sb.oom ? "?" : tn_sbuf_str(&sb));
    tn_sbuf_free(&sb);
}

/* ICT of commit v into *ts (TN_CORRUPT when the commit lacks one). */
static int ict_of(dlt_table *t, const dlt_listing *l, int64_t v, int64_t *ts, tn_err *err)
{
    dlt_arena a;
    dlt_arena_init(&a);
    info_grab g = {&a, false, {0}};
    int rc = commit_info(t, l, v, &g, err);
    if (!rc) {
        if (g.found && g.info.in_commit_timestamp >= 0)
            *ts = g.info.in_commit_timestamp;
        else
            rc = tn_err_set(err, TN_CORRUPT, "%s: commit %lld has no inCommitTimestamp although in-commit timestamps "
                            "are enabled", t->root, (long long)v);
    }
    dlt_arena_free(&a);
    return rc;
}

static int load_at_time(dlt_table *t, int64_t ts, dlt_snapcache *cache, dlt_snapshot **out, tn_err *err)
{
    *out = NULL;
    dlt_listing l;
    dlt_snapshot *latest = NULL;
    int64_t *mt = NULL;
    char tb[64], tb2[64];
    int rc = dlt_log_list(t, &l, err);
    if (rc)
        return rc;
    if ((rc = load_version(t, &l, -1, cache, &latest, err)))
        goto done;
    if (!l.ncommits) {
        rc = tn_err_set(err, TN_NOTFOUND, "%s: no commit files to time travel by timestamp", t->root);
        goto done;
    }
    const dlt_map *conf = &latest->metadata.configuration;
    bool ict = conf_true(conf, "delta.enableInCommitTimestamps");
    int64_t ev = 0, ets = INT64_MIN;
    if (ict && conf_i64(conf, "delta.inCommitTimestampEnablementVersion", &ev))
        conf_i64(conf, "delta.inCommitTimestampEnablementTimestamp", &ets);
    else
        ev = 0;
    fmt_ts(ts, tb, sizeof tb);
    int64_t found = -1;
    if (ict && ts >= ets) {
        /* versions >= ev with listed commits: binary search on the (monotonic) ICT */
        uint32_t lo = 0;
        while (lo < l.ncommits && l.commits[lo] < ev)
            lo++;
        if (lo == l.ncommits) {
            rc = tn_err_set(err, TN_NOTFOUND, "%s: no commit at or after the in-commit timestamp enablement version",
                            t->root);
            goto done;
        }
        int64_t first_ts, last_ts;
        if ((rc = ict_of(t, &l, l.commits[lo], &first_ts, err)) ||
            (rc = ict_of(t, &l, l.commits[l.ncommits - 1], &last_ts, err)))
            goto done;
        if (ts > last_ts) {
            fmt_ts(last_ts, tb2, sizeof tb2);
            rc = tn_err_set(err, TN_NOTFOUND, "%s: timestamp %s is after the latest version %lld (committed at %s)",
                            t->root, tb, (long long)l.commits[l.ncommits - 1], tb2);
            goto done;
        }
        if (ts < first_ts) {
            if (l.commits[lo] > ev || ev == 0 || lo == 0) {
                fmt_ts(first_ts, tb2, sizeof tb2);
                rc = tn_err_set(err, TN_NOTFOUND, "%s: timestamp %s is before the earliest available version %lld "
                                "(committed at %s)", t->root, tb, (long long)l.commits[lo], tb2);
                goto done;
            }
            found = ev - 1; /* between the last file-time commit and the enablement */
        } else {
            uint32_t a = lo, b = l.ncommits - 1; /* invariant: ict(a) <= ts */
            while (a < b) {
                uint32_t mid = a + (b - a + 1) / 2;
                int64_t m;
                if ((rc = ict_of(t, &l, l.commits[mid], &m, err)))
                    goto done;
                if (m <= ts)
                    a = mid;
                else
                    b = mid - 1;
            }
            found = l.commits[a];
        }
    } else {
        /* file modification times of the commits before the ICT enablement, made increasing */
        uint32_t n = 0;
        while (n < l.ncommits && (!ict || l.commits[n] < ev))
            n++;
        if (n == 0) {
            rc = tn_err_set(err, TN_NOTFOUND, "%s: timestamp %s is before the earliest available version", t->root, tb);
            goto done;
        }
        mt = tn_calloc(n, sizeof *mt);
        if (!mt) {
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
            goto done;
        }
        for (uint32_t i = 0; i < n; i++) {
            char name[32];
            dlt_commit_name(l.commits[i], name);
            char *path = dlt_path_join(l.log_dir, name);
            if (!path) {
                rc = tn_err_set(err, TN_NOMEM, "out of memory");
                goto done;
            }
            rc = dlt_file_mtime(t->fs, path, &mt[i], err);
            tn_free(path);
            if (rc)
                goto done;
            if (i && mt[i] <= mt[i - 1])
                mt[i] = mt[i - 1] + 1;
        }
        if (ts < mt[0]) {
            fmt_ts(mt[0], tb2, sizeof tb2);
            rc = tn_err_set(err, TN_NOTFOUND, "%s: timestamp %s is before the earliest available version %lld "
                            "(committed at %s)", t->root, tb, (long long)l.commits[0], tb2);
            goto done;
        }
        if (!ict && ts > mt[n - 1]) {
            fmt_ts(mt[n - 1], tb2, sizeof tb2);
            rc = tn_err_set(err, TN_NOTFOUND, "%s: timestamp %s is after the latest version %lld (committed at %s)",
                            t->root, tb, (long long)l.commits[n - 1], tb2);
            goto done;
        }
        uint32_t i = n - 1;
        while (mt[i] > ts)
            i--;
        found = l.commits[i];
    }
    if (found == latest->version) {
        *out = latest;
        latest = NULL;
    } else {
        rc = load_version(t, &l, found, cache, out, err);
    }
done:
    tn_free(mt);
    dlt_snapshot_unref(latest);
    dlt_listing_free(&l);
    return rc;
}

int dlt_snapshot_load_at_time(dlt_table *t, int64_t ts, dlt_snapshot **out, tn_err *err)
{
    return load_at_time(t, ts, NULL, out, err);
}

int dlt_snapcache_load_at_time(dlt_snapcache *c, dlt_table *t, int64_t ts, dlt_snapshot **out, tn_err *err)
{
    return load_at_time(t, ts, c, out, err);
}

/* ---- history ---- */

void dlt_history_free(dlt_history *h)
{
    if (!h)
        return;
    dlt_arena_destroy(h->arena_);
    tn_free(h->entries);
    tn_free(h);
}

int dlt_history_load(dlt_table *t, int64_t limit, dlt_history **out, tn_err *err)
{
    *out = NULL;
    dlt_listing l;
    int rc = dlt_log_list(t, &l, err);
    if (rc)
        return rc;
    int64_t *mt = NULL;
    dlt_history *h = tn_calloc(1, sizeof *h);
    if (!h || !(h->arena_ = dlt_arena_new())) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    uint32_t n = l.ncommits;
    if (limit > 0 && (uint64_t)limit < n)
        n = (uint32_t)limit;
    h->entries = tn_calloc(n ? n : 1, sizeof *h->entries);
    mt = tn_calloc(l.ncommits ? l.ncommits : 1, sizeof *mt);
    if (!h->entries || !mt) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    /* file times, made strictly increasing over the whole listed log (as time travel sees them) */
    for (uint32_t i = 0; i < l.ncommits; i++) {
        mt[i] = file_mtime_or(t, &l, l.commits[i]);
        if (i && mt[i] >= 0 && mt[i - 1] >= 0 && mt[i] <= mt[i - 1])
            mt[i] = mt[i - 1] + 1;
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = l.ncommits - 1 - k;
        info_grab g = {h->arena_, false, {0}};
        if ((rc = commit_info(t, &l, l.commits[i], &g, err)))
            goto done;
        dlt_commit_info *e = &h->entries[h->n++];
        if (g.found) {
            *e = g.info;
        } else {
            memset(e, 0, sizeof *e);
            e->in_commit_timestamp = e->info_timestamp = e->read_version = -1;
            e->is_blind_append = -1;
        }
        e->version = l.commits[i];
        e->timestamp_ms = e->in_commit_timestamp >= 0 ? e->in_commit_timestamp : mt[i];
    }
    *out = h;
    h = NULL;
done:
    tn_free(mt);
    dlt_history_free(h);
    dlt_listing_free(&l);
    return rc;
}

/* ---- single commits ---- */

typedef struct commit_acc {
    dlt_commit *c;
    dlt_table *t;
    uint32_t acap, rcap, ccap, tcap;
} commit_acc;

static int grow(void **p, uint32_t *cap, uint32_t n, size_t elem)
{
    if (n < *cap)
        return TN_OK;
    uint32_t nc = *cap ? *cap * 2 : 16;
    void *q = tn_realloc(*p, (size_t)nc * elem);
    if (!q)
        return TN_NOMEM;
    *p = q;
    *cap = nc;
    return TN_OK;
}

static int collect(void *ctx, const dlt_action *a, tn_err *err)
{
    commit_acc *acc = ctx;
    dlt_commit *c = acc->c;
    dlt_arena *ar = c->arena_;
    int rc = TN_OK;
    char *full = NULL;
    switch (a->kind) {
    case DLT_A_ADD:
        if ((rc = grow((void **)&c->adds, &acc->acap, c->nadds, sizeof *c->adds)))
            break;
        c->adds[c->nadds] = a->u.add;
        if ((rc = dlt_resolve_path(acc->t->root, a->u.add.path, acc->t->allow_outside, &full, err)))
            return rc;
        if (!(c->adds[c->nadds].full_path = dlt_arena_strdup(ar, full)))
            rc = TN_NOMEM;
        c->nadds++;
        break;
    case DLT_A_REMOVE:
        if ((rc = grow((void **)&c->removes, &acc->rcap, c->nremoves, sizeof *c->removes)))
            break;
        c->removes[c->nremoves] = a->u.remove;
        if ((rc = dlt_resolve_path(acc->t->root, a->u.remove.path, acc->t->allow_outside, &full, err)))
            return rc;
        if (!(c->removes[c->nremoves].full_path = dlt_arena_strdup(ar, full)))
            rc = TN_NOMEM;
        c->nremoves++;
        break;
    case DLT_A_CDC:
        if ((rc = grow((void **)&c->cdcs, &acc->ccap, c->ncdcs, sizeof *c->cdcs)))
            break;
        c->cdcs[c->ncdcs] = a->u.cdc;
        if ((rc = dlt_resolve_path(acc->t->root, a->u.cdc.path, acc->t->allow_outside, &full, err)))
            return rc;
        if (!(c->cdcs[c->ncdcs].full_path = dlt_arena_strdup(ar, full)))
            rc = TN_NOMEM;
        c->ncdcs++;
        break;
    case DLT_A_TXN:
        if (!(rc = grow((void **)&c->txns, &acc->tcap, c->ntxns, sizeof *c->txns)))
            c->txns[c->ntxns++] = a->u.txn;
        break;
    case DLT_A_PROTOCOL:
        if (!(c->protocol = dlt_arena_alloc(ar, sizeof *c->protocol)))
            rc = TN_NOMEM;
        else
            *c->protocol = a->u.protocol;
        break;
    case DLT_A_METADATA: {
        const dlt_meta_raw *m = &a->u.meta;
        dlt_metadata *md = dlt_arena_calloc(ar, 1, sizeof *md);
        if (!md) {
            rc = TN_NOMEM;
            break;
        }
        md->id = m->id;
        md->name = m->name;
        md->description = m->description;
        md->format_provider = m->format_provider;
        md->format_options = m->format_options;
        md->schema_string = m->schema_string;
        md->partition_columns = m->partition_columns;
        md->npartition_columns = m->npartition_columns;
        md->has_created_time = m->has_created_time;
        md->created_time = m->created_time;
        md->configuration = m->configuration;
        c->metadata = md;
        break;
    }
    case DLT_A_COMMITINFO:
        if (!c->info.has_info)
            c->info = a->u.info;
        break;
    default:
        break;
    }
    tn_free(full);
    return rc == TN_NOMEM ? tn_err_set(err, TN_NOMEM, "out of memory") : rc;
}

void dlt_commit_free(dlt_commit *c)
{
    if (!c)
        return;
    tn_free(c->adds);
    tn_free(c->removes);
    tn_free(c->cdcs);
    tn_free(c->txns);
    dlt_arena_destroy(c->arena_);
    tn_free(c);
}

int dlt_commit_load(dlt_table *t, int64_t version, dlt_commit **out, tn_err *err)
{
    *out = NULL;
    dlt_listing l;
    int rc = dlt_log_list(t, &l, err);
    if (rc)
        return rc;
    dlt_commit *c = tn_calloc(1, sizeof *c);
    if (!c || !(c->arena_ = dlt_arena_new())) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    c->version = version;
    c->info.in_commit_timestamp = c->info.info_timestamp = c->info.read_version = -1;
    c->info.is_blind_append = -1;
    if (!dlt_listing_has_commit(&l, version)) {
        rc = tn_err_set(err, TN_NOTFOUND, "%s: commit %lld does not exist", t->root, (long long)version);
        goto done;
    }
    commit_acc acc = {c, t, 0, 0, 0, 0};
    if ((rc = read_commit(t, &l, version, c->arena_, false, collect, &acc, err)))
        goto done;
    if (c->metadata) {
        dlt_cm_mode cm = DLT_CM_NONE;
        const dlt_map *conf = &c->metadata->configuration;
        const char *m = dlt_map_get(conf, "delta.columnMapping.mode", NULL);
        if (c->protocol && m && (c->protocol->min_reader_version == 2 ||
                                 dlt_protocol_has_reader_feature(c->protocol, "columnMapping")))
            cm = strcmp(m, "name") == 0 ? DLT_CM_NAME : strcmp(m, "id") == 0 ? DLT_CM_ID : DLT_CM_NONE;
        if ((rc = dlt_schema_parse(c->arena_, c->metadata->schema_string, cm, &c->metadata->schema, err)))
            goto done;
    }
    c->info.version = version;
    c->info.timestamp_ms = c->info.in_commit_timestamp >= 0 ? c->info.in_commit_timestamp
                                                            : file_mtime_or(t, &l, version);
    *out = c;
    c = NULL;
done:
    dlt_commit_free(c);
    dlt_listing_free(&l);
    return rc;
}
