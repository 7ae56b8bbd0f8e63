/*
 * snapcache.c -- the snapshot cache (delta.h "snapshot cache"): per table, the newest snapshot
 * loaded, reused when a query asks for the same version and extended with the newer commits when
 * the table has moved on (dlt_load_version with a seed), so that a session querying a table
 * repeatedly replays its log once.
 *
 * Validity: a cached snapshot of version v is used only if the listing still holds commit v and
 * that commit file's modification time and size are those recorded when the snapshot was cached; a
 * refresh also needs every commit v+1..V listed. Anything else is a full load. Versions that are
 * not commits (a checkpoint whose commit was cleaned up) are never cached.
 *
 * Concurrency: the mutex covers the entry table only; replay runs unlocked with a reference to the
 * base snapshot, and the result replaces the entry only if it is newer than the entry at that time.
 */
#include "delta_int.h"

#include <pthread.h>
#include <string.h>

/* A commit file's identity: its modification time and size. Delta writers never rewrite a commit
 * (PROTOCOL.md: commits are created atomically and are immutable), so a change means the table was
 * re-created under the same path. */
typedef struct sc_stamp {
    int64_t ms;            /* -1: unknown (never cached / never matches) */
    uint64_t size;
} sc_stamp;

static bool stamp_eq(sc_stamp a, sc_stamp b) { return a.ms >= 0 && a.ms == b.ms && a.size == b.size; }

typedef struct sc_entry {
    vfs *fs;
    char *root;
    bool allow_outside;
    dlt_snapshot *snap;    /* referenced */
    sc_stamp stamp;        /* identity of the commit file of snap->version */
    uint64_t used;         /* LRU tick */
} sc_entry;

struct dlt_snapcache {
    pthread_mutex_t mu;
    sc_entry *e;
    uint32_t n, cap;
    uint64_t tick;
    dlt_snapcache_stats stats;
};

int dlt_snapcache_new(uint32_t max_tables, dlt_snapcache **out)
{
    *out = NULL;
    dlt_snapcache *c = tn_calloc(1, sizeof *c);
    if (!c)
        return TN_NOMEM;
    c->cap = max_tables ? max_tables : 1;
    c->e = tn_calloc(c->cap, sizeof *c->e);
    if (!c->e) {
        tn_free(c);
        return TN_NOMEM;
    }
    pthread_mutex_init(&c->mu, NULL);
    *out = c;
    return TN_OK;
}

static void entry_clear(sc_entry *e)
{
    dlt_snapshot_unref(e->snap);
    tn_free(e->root);
    memset(e, 0, sizeof *e);
}

void dlt_snapcache_clear(dlt_snapcache *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    for (uint32_t i = 0; i < c->n; i++)
        entry_clear(&c->e[i]);
    c->n = 0;
    pthread_mutex_unlock(&c->mu);
}

void dlt_snapcache_free(dlt_snapcache *c)
{
    if (!c)
        return;
    dlt_snapcache_clear(c);
    pthread_mutex_destroy(&c->mu);
    tn_free(c->e);
    tn_free(c);
}

void dlt_snapcache_get_stats(dlt_snapcache *c, dlt_snapcache_stats *out)
{
    pthread_mutex_lock(&c->mu);
    *out = c->stats;
    pthread_mutex_unlock(&c->mu);
}

/* Entry of table t, or NULL (caller holds the mutex). */
static sc_entry *find(dlt_snapcache *c, const dlt_table *t)
{
    for (uint32_t i = 0; i < c->n; i++)
        if (c->e[i].fs == t->fs && c->e[i].allow_outside == t->allow_outside && strcmp(c->e[i].root, t->root) == 0)
            return &c->e[i];
    return NULL;
}

/* Identity of commit v's file (ms -1 when it is not listed or cannot be examined). */
static sc_stamp commit_stamp(dlt_table *t, const dlt_listing *l, int64_t v)
{
    sc_stamp st = {-1, 0};
    if (v < 0 || !dlt_listing_has_commit(l, v))
        return st;
    char name[32];
    dlt_commit_name(v, name);
    char *path = dlt_path_join(l->log_dir, name);
    int kind = 0;
    tn_err e = TN_ERR_INIT;
    if (!path || dlt_file_mtime(t->fs, path, &st.ms, &e) || t->fs->stat(t->fs, path, &kind, &st.size, &e))
        st.ms = -1;
    tn_free(path);
    return st;
}

/* Keep s as table t's entry unless the entry is already as new (caller does not hold the mutex). */
static void store(dlt_snapcache *c, dlt_table *t, dlt_snapshot *s, sc_stamp stamp)
{
    if (stamp.ms < 0)
        return;
    char *root = tn_strdup(t->root);
    if (!root)
        return; /* caching is best effort */
    pthread_mutex_lock(&c->mu);
    sc_entry *e = find(c, t);
    if (e && e->snap->version > s->version) {
        pthread_mutex_unlock(&c->mu);
        tn_free(root);
        return;
    }
    if (!e) {
        if (c->n < c->cap) {
            e = &c->e[c->n++];
        } else {
            e = &c->e[0];
            for (uint32_t i = 1; i < c->n; i++)
                if (c->e[i].used < e->used)
                    e = &c->e[i];
        }
    }
    entry_clear(e);
    e->fs = t->fs;
    e->root = root;
    e->allow_outside = t->allow_outside;
    dlt_snapshot_ref(s);
    e->snap = s;
    e->stamp = stamp;
    e->used = ++c->tick;
    pthread_mutex_unlock(&c->mu);
}

int dlt_snapcache_get_(dlt_snapcache *c, dlt_table *t, const dlt_listing *l, int64_t version, dlt_snapshot **out,
                       tn_err *err)
{
    *out = NULL;
    int64_t V = version < 0 ? l->latest : version;
    dlt_snapshot *base = NULL;
    sc_stamp stamp = {-1, 0};
    pthread_mutex_lock(&c->mu);
    sc_entry *e = find(c, t);
    if (e) {
        base = e->snap;
        dlt_snapshot_ref(base);
        stamp = e->stamp;
        e->used = ++c->tick;
    }
    pthread_mutex_unlock(&c->mu);
    int rc;
    if (base && V >= 0 && V <= l->latest && base->version <= V &&
        stamp_eq(commit_stamp(t, l, base->version), stamp)) {
        if (base->version == V) {
            pthread_mutex_lock(&c->mu);
            c->stats.hits++;
            pthread_mutex_unlock(&c->mu);
            *out = base;
            return TN_OK;
        }
        if (dlt_listing_first_missing(l, base->version + 1, V) < 0) {
            rc = dlt_load_version(t, l, V, base, out, err);
            dlt_snapshot_unref(base);
            if (rc)
                return rc;
            pthread_mutex_lock(&c->mu);
            c->stats.refreshes++;
            pthread_mutex_unlock(&c->mu);
            store(c, t, *out, commit_stamp(t, l, V));
            return TN_OK;
        }
    }
    dlt_snapshot_unref(base);
    if ((rc = dlt_load_version(t, l, version, NULL, out, err)))
        return rc;
    pthread_mutex_lock(&c->mu);
    c->stats.loads++;
    pthread_mutex_unlock(&c->mu);
    store(c, t, *out, commit_stamp(t, l, (*out)->version));
    return TN_OK;
}
