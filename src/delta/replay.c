/*
 * replay.c -- action reconciliation (PROTOCOL.md "Action Reconciliation") and the finished
 * snapshot: the protocol check ("Table Features", "Reader Version Requirements"), the effective
 * column mapping mode ("Column Mapping"), the schema, and per live file its resolved path and raw +
 * typed partition values.
 *
 * Design. Actions arrive oldest -> newest (checkpoint first, then commits in version order, lines
 * in file order) through dlt_replay_apply:
 *   - protocol / metaData: the latest wins (copied into the snapshot arena; the schema is parsed
 *     only once, for the winner, in dlt_replay_finish);
 *   - txn: latest version per appId; domainMetadata: latest per domain, removed=true deletes;
 *   - add / remove: logical file key = percent-decoded path + NUL + DV unique id (empty without a
 *     DV). add puts the file (replacing an older add of the key), remove deletes it. Each live file
 *     is one packed allocation, so removed files free their memory at once; the entry array keeps
 *     the order of the latest adds and is compacted when dead slots dominate.
 *   - commitInfo: only the last commit's is kept (the snapshot's in-commit timestamp);
 *     cdc, checkpointMetadata and sidecar do not take part in replay.
 * Remove tombstones are not kept: snapshot reads return only adds (VACUUM will need them later).
 */
#include "delta_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct rentry {
    dlt_file f;            /* packed (f.owned_) */
    char *key;             /* tn_malloc'd: decoded path, NUL, dv unique id */
    uint32_t klen;
    bool live;
} rentry;

typedef struct rdomain {
    char *domain, *configuration;
    bool removed;
} rdomain;

struct dlt_replay {
    dlt_table *t;
    dlt_arena *arena;      /* becomes the snapshot's */
    bool has_protocol, has_meta;
    dlt_protocol protocol;
    dlt_meta_raw meta;
    dlt_hmap files;        /* value = (void *)(index + 1) into entries */
    rentry *entries;
    uint64_t nentries, cap, nlive;
    dlt_hmap txns;         /* value = dlt_txn * (arena) */
    dlt_hmap domains;      /* value = rdomain * (arena) */
    dlt_arena info_arena;  /* the current commit's commitInfo */
    bool has_info;
    dlt_commit_info info;
    int64_t cur_version;
};

int dlt_replay_new(dlt_table *t, dlt_replay **out)
{
    dlt_replay *r = tn_calloc(1, sizeof *r);
    if (!r)
        return TN_NOMEM;
    r->arena = dlt_arena_new();
    if (!r->arena) {
        tn_free(r);
        return TN_NOMEM;
    }
    r->t = t;
    r->cur_version = -1;
    dlt_arena_init(&r->info_arena);
    *out = r;
    return TN_OK;
}

static void free_entries(dlt_replay *r)
{
    for (uint64_t i = 0; i < r->nentries; i++) {
        if (r->entries[i].live) {
            tn_free(r->entries[i].f.owned_);
            tn_free(r->entries[i].key);
        }
    }
    tn_free(r->entries);
    r->entries = NULL;
    r->nentries = r->cap = r->nlive = 0;
}

void dlt_replay_reset(dlt_replay *r)
{
    free_entries(r);
    dlt_hmap_free(&r->files);
    dlt_hmap_free(&r->txns);
    dlt_hmap_free(&r->domains);
    dlt_arena_free(r->arena);
    dlt_arena_free(&r->info_arena);
    r->has_protocol = r->has_meta = r->has_info = false;
    r->cur_version = -1;
}

void dlt_replay_free(dlt_replay *r)
{
    if (!r)
        return;
    dlt_replay_reset(r);
    dlt_arena_destroy(r->arena);
    tn_free(r);
}

void dlt_replay_begin_commit(dlt_replay *r, int64_t version)
{
    r->cur_version = version;
    r->has_info = false;
    dlt_arena_reset(&r->info_arena);
}

const dlt_commit_info *dlt_replay_last_info(const dlt_replay *r)
{
    return r->has_info ? &r->info : NULL;
}

/* Key of a logical file into a tn_malloc'd buffer. */
static int make_key(const char *path, const char *dv_id, char **key, uint32_t *klen, tn_err *err)
{
    char *dec = NULL;
    size_t dl = 0;
    int rc = dlt_percent_decode(path, strlen(path), &dec, &dl, "file path", err);
    if (rc)
        return rc;
    size_t il = dv_id ? strlen(dv_id) : 0;
    if (dl + il + 1 > UINT32_MAX) {
        tn_free(dec);
        return tn_err_set(err, TN_CORRUPT, "file path too long");
    }
    char *k = tn_realloc(dec, dl + 1 + il + 1);
    if (!k) {
        tn_free(dec);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    k[dl] = 0;
    if (il)
        memcpy(k + dl + 1, dv_id, il);
    k[dl + 1 + il] = 0;
    *key = k;
    *klen = (uint32_t)(dl + 1 + il);
    return TN_OK;
}

/* Drop dead entries once they dominate, re-pointing the hash values. */
static int compact(dlt_replay *r)
{
    uint64_t j = 0;
    for (uint64_t i = 0; i < r->nentries; i++)
        if (r->entries[i].live)
            r->entries[j++] = r->entries[i];
    r->nentries = j;
    dlt_hmap_free(&r->files);
    for (uint64_t i = 0; i < r->nentries; i++) {
        rentry *e = &r->entries[i];
        dlt_hslot *s;
        int rc = dlt_hmap_upsert(&r->files, e->key, e->klen, dlt_hash(e->key, e->klen), &s);
        if (rc)
            return rc;
        s->value = (void *)(uintptr_t)(i + 1);
    }
    return TN_OK;
}

static void kill_entry(dlt_replay *r, dlt_hslot *s)
{
    rentry *e = &r->entries[(uintptr_t)s->value - 1];
    dlt_hmap_remove(&r->files, s);
    tn_free(e->f.owned_);
    tn_free(e->key);
    e->key = NULL;
    e->live = false;
    r->nlive--;
}

static int apply_add(dlt_replay *r, const dlt_file *f, tn_err *err)
{
    char *key;
    uint32_t klen;
    int rc = make_key(f->path, f->has_dv ? f->dv.unique_id : NULL, &key, &klen, err);
    if (rc)
        return rc;
    uint64_t h = dlt_hash(key, klen);
    dlt_hslot *s = dlt_hmap_find(&r->files, key, klen, h);
    if (s)
        kill_entry(r, s);
    if (r->nentries > 1024 && r->nentries - r->nlive > r->nlive && (rc = compact(r)))
        goto nomem;
    if (r->nentries == r->cap) {
        uint64_t nc = r->cap ? r->cap * 2 : 64;
        rentry *p = tn_realloc(r->entries, nc * sizeof *p);
        if (!p)
            goto nomem;
        r->entries = p;
        r->cap = nc;
    }
    rentry *e = &r->entries[r->nentries];
    memset(e, 0, sizeof *e);
    if (dlt_file_pack(f, &e->f))
        goto nomem;
    e->key = key;
    e->klen = klen;
    if ((rc = dlt_hmap_upsert(&r->files, key, klen, h, &s))) {
        tn_free(e->f.owned_);
        goto nomem;
    }
    e->live = true;
    s->value = (void *)(uintptr_t)(r->nentries + 1);
    r->nentries++;
    r->nlive++;
    return TN_OK;
nomem:
    tn_free(key);
    return tn_err_set(err, TN_NOMEM, "out of memory during log replay");
}

static int apply_remove(dlt_replay *r, const dlt_remove *rm, tn_err *err)
{
    char *key;
    uint32_t klen;
    int rc = make_key(rm->path, rm->has_dv ? rm->dv.unique_id : NULL, &key, &klen, err);
    if (rc)
        return rc;
    dlt_hslot *s = dlt_hmap_find(&r->files, key, klen, dlt_hash(key, klen));
    if (s)
        kill_entry(r, s);
    tn_free(key);
    return TN_OK;
}

static int apply_txn(dlt_replay *r, const dlt_txn *t)
{
    size_t kl = strlen(t->app_id);
    uint64_t h = dlt_hash(t->app_id, kl);
    dlt_hslot *s = dlt_hmap_find(&r->txns, t->app_id, (uint32_t)kl, h);
    if (!s) {
        dlt_txn *n = dlt_arena_alloc(r->arena, sizeof *n);
        if (!n || !(n->app_id = dlt_arena_strdup(r->arena, t->app_id)))
            return TN_NOMEM;
        if (dlt_hmap_upsert(&r->txns, n->app_id, (uint32_t)kl, h, &s))
            return TN_NOMEM;
        s->value = n;
    }
    dlt_txn *d = s->value;
    d->version = t->version;
    d->last_updated = t->last_updated;
    return TN_OK;
}

static int apply_domain(dlt_replay *r, const dlt_domain_action *a)
{
    size_t kl = strlen(a->domain);
    uint64_t h = dlt_hash(a->domain, kl);
    dlt_hslot *s = dlt_hmap_find(&r->domains, a->domain, (uint32_t)kl, h);
    if (!s) {
        rdomain *n = dlt_arena_alloc(r->arena, sizeof *n);
        if (!n || !(n->domain = dlt_arena_strdup(r->arena, a->domain)))
            return TN_NOMEM;
        if (dlt_hmap_upsert(&r->domains, n->domain, (uint32_t)kl, h, &s))
            return TN_NOMEM;
        s->value = n;
    }
    rdomain *d = s->value;
    d->removed = a->removed;
    d->configuration = dlt_arena_strdup(r->arena, a->configuration ? a->configuration : "");
    return d->configuration ? TN_OK : TN_NOMEM;
}

int dlt_replay_apply(void *ctx, const dlt_action *a, tn_err *err)
{
    dlt_replay *r = ctx;
    int rc = TN_OK;
    switch (a->kind) {
    case DLT_A_ADD:
        return apply_add(r, &a->u.add, err);
    case DLT_A_REMOVE:
        return apply_remove(r, &a->u.remove, err);
    case DLT_A_PROTOCOL:
        rc = dlt_protocol_copy(r->arena, &a->u.protocol, &r->protocol);
        r->has_protocol = rc == TN_OK;
        break;
    case DLT_A_METADATA:
        rc = dlt_meta_raw_copy(r->arena, &a->u.meta, &r->meta);
        r->has_meta = rc == TN_OK;
        break;
    case DLT_A_TXN:
        rc = apply_txn(r, &a->u.txn);
        break;
    case DLT_A_DOMAIN:
        rc = apply_domain(r, &a->u.domain);
        break;
    case DLT_A_COMMITINFO:
        if (!r->has_info) { /* the first commitInfo of a commit is its provenance */
            rc = dlt_commit_info_copy(&r->info_arena, &a->u.info, &r->info);
            r->has_info = rc == TN_OK;
        }
        break;
    default:
        break; /* cdc, checkpointMetadata, sidecar: not part of replay */
    }
    return rc ? tn_err_set(err, rc, "out of memory during log replay") : TN_OK;
}

int dlt_replay_seed(dlt_replay *r, const dlt_snapshot *s, tn_err *err)
{
    dlt_action a;
    memset(&a, 0, sizeof a);
    a.kind = DLT_A_PROTOCOL;
    a.u.protocol = s->protocol;
    int rc = dlt_replay_apply(r, &a, err);
    if (rc)
        return rc;
    const dlt_metadata *md = &s->metadata;
    memset(&a, 0, sizeof a);
    a.kind = DLT_A_METADATA;
    a.u.meta.id = md->id;
    a.u.meta.name = md->name;
    a.u.meta.description = md->description;
    a.u.meta.format_provider = md->format_provider;
    a.u.meta.format_options = md->format_options;
    a.u.meta.schema_string = md->schema_string;
    a.u.meta.partition_columns = md->partition_columns;
    a.u.meta.npartition_columns = md->npartition_columns;
    a.u.meta.has_created_time = md->has_created_time;
    a.u.meta.created_time = md->created_time;
    a.u.meta.configuration = md->configuration;
    if ((rc = dlt_replay_apply(r, &a, err)))
        return rc;
    for (uint32_t i = 0; i < s->ntxns; i++)
        if (apply_txn(r, &s->txns[i]))
            return tn_err_set(err, TN_NOMEM, "out of memory during log replay");
    for (uint32_t i = 0; i < s->ndomains; i++) {
        dlt_domain_action d = {s->domains[i].domain, s->domains[i].configuration, false};
        if (apply_domain(r, &d))
            return tn_err_set(err, TN_NOMEM, "out of memory during log replay");
    }
    for (uint64_t i = 0; i < s->nfiles; i++)
        if ((rc = apply_add(r, &s->files[i], err)))
            return rc;
    return TN_OK;
}

/* ---- protocol check ---- */

static const char *const g_reader_features[] = {"columnMapping",       "deletionVectors", "timestampNtz",
                                                 "v2Checkpoint",        "typeWidening",    "typeWidening-preview",
                                                 "vacuumProtocolCheck"};

int dlt_protocol_check(const dlt_protocol *p, tn_err *err)
{
    if (p->min_reader_version < 1)
        return tn_err_set(err, TN_CORRUPT, "invalid protocol: minReaderVersion %d", (int)p->min_reader_version);
    if (p->min_reader_version > 3)
        return tn_err_set(err, TN_NOTSUP, "unsupported Delta protocol: the table requires reader version %d "
                          "(minReaderVersion); tarn implements reader versions 1 to 3", (int)p->min_reader_version);
    if (p->min_reader_version < 3)
        return TN_OK; /* feature lists only exist at reader version 3 */
    tn_sbuf bad = TN_SBUF_INIT;
    uint32_t nbad = 0;
    for (uint32_t i = 0; i < p->nreader_features; i++) {
        bool ok = false;
        for (size_t k = 0; k < TN_ARRAY_LEN(g_reader_features); k++)
            if (strcmp(p->reader_features[i], g_reader_features[k]) == 0)
                ok = true;
        if (!ok) {
            tn_sbuf_printf(&bad, "%s\"%s\"", nbad ? ", " : "", p->reader_features[i]);
            nbad++;
        }
    }
    int rc = TN_OK;
    if (nbad)
        rc = tn_err_set(err, TN_NOTSUP, "unsupported Delta protocol: the table requires reader feature%s %s, which "
                        "tarn does not implement", nbad > 1 ? "s" : "", tn_sbuf_str(&bad));
    tn_sbuf_free(&bad);
    return rc;
}

/* ---- finish ---- */

static int cmp_txn(const void *a, const void *b)
{
    return strcmp(((const dlt_txn *)a)->app_id, ((const dlt_txn *)b)->app_id);
}

static int cmp_domain(const void *a, const void *b)
{
    return strcmp(((const dlt_domain *)a)->domain, ((const dlt_domain *)b)->domain);
}

static int column_mapping_mode(const dlt_protocol *p, const dlt_map *conf, dlt_cm_mode *out, tn_err *err)
{
    *out = DLT_CM_NONE;
    const char *m = dlt_map_get(conf, "delta.columnMapping.mode", NULL);
    bool honoured = p->min_reader_version == 2 ||
                    (p->min_reader_version == 3 && dlt_protocol_has_reader_feature(p, "columnMapping"));
    if (!m || !honoured)
        return TN_OK;
    if (strcmp(m, "none") == 0)
        return TN_OK;
    if (strcmp(m, "name") == 0)
        *out = DLT_CM_NAME;
    else if (strcmp(m, "id") == 0)
        *out = DLT_CM_ID;
    else
        return tn_err_set(err, TN_NOTSUP, "unsupported column mapping mode \"%.64s\"", m);
    return TN_OK;
}

static int finish_metadata(dlt_replay *r, dlt_snapshot *s, tn_err *err)
{
    dlt_meta_raw *m = &r->meta;
    dlt_metadata *md = &s->metadata;
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
    int rc = column_mapping_mode(&s->protocol, &md->configuration, &s->column_mapping, err);
    if (rc)
        return rc;
    if ((rc = dlt_schema_parse(s->arena_, md->schema_string, s->column_mapping, &md->schema, err)))
        return rc;
    md->partition_field = dlt_arena_calloc(s->arena_, md->npartition_columns ? md->npartition_columns : 1,
                                           sizeof *md->partition_field);
    if (!md->partition_field)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    for (uint32_t k = 0; k < md->npartition_columns; k++) {
        int fi = dlt_schema_find(&md->schema, md->partition_columns[k]);
        if (fi < 0)
            return tn_err_set(err, TN_CORRUPT, "partition column \"%s\" is not in the table schema",
                              md->partition_columns[k]);
        md->partition_field[k] = fi;
    }
    return TN_OK;
}

static int finish_file(dlt_snapshot *s, dlt_file *f, tn_err *err)
{
    const dlt_metadata *md = &s->metadata;
    char *full = NULL;
    int rc = dlt_resolve_path(s->root, f->path, s->table->allow_outside, &full, err);
    if (rc)
        return rc;
    f->full_path = dlt_arena_strdup(s->arena_, full);
    tn_free(full);
    if (!f->full_path)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    uint32_t np = md->npartition_columns;
    if (!np)
        return TN_OK;
    f->partition_raw = dlt_arena_calloc(s->arena_, np, sizeof *f->partition_raw);
    f->partition_values = dlt_arena_calloc(s->arena_, np, sizeof *f->partition_values);
    if (!f->partition_raw || !f->partition_values)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    for (uint32_t k = 0; k < np; k++) {
        const dlt_field *fd = &md->schema.fields[md->partition_field[k]];
        f->partition_raw[k] = (char *)dlt_map_get(&f->partition_map, fd->physical_name, NULL);
        if ((rc = dlt_partition_value_parse(s->arena_, fd->type, f->partition_raw[k], fd->name,
                                            &f->partition_values[k], err)))
            return tn_err_prefix(err, rc, "%s: ", f->path);
    }
    return TN_OK;
}

int dlt_replay_finish(dlt_replay *r, int64_t version, dlt_snapshot **out, tn_err *err)
{
    *out = NULL;
    if (!r->has_protocol)
        return tn_err_set(err, TN_CORRUPT, "%s: no protocol action in the log up to version %lld", r->t->root,
                          (long long)version);
    if (!r->has_meta)
        return tn_err_set(err, TN_CORRUPT, "%s: no metaData action in the log up to version %lld", r->t->root,
                          (long long)version);
    int rc = dlt_protocol_check(&r->protocol, err);
    if (rc)
        return tn_err_prefix(err, rc, "%s: ", r->t->root);
    dlt_snapshot *s = tn_calloc(1, sizeof *s);
    if (!s)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    s->refcnt_ = 1;
    s->arena_ = r->arena;
    r->arena = dlt_arena_new(); /* the replay keeps a fresh (empty) arena */
    if (!r->arena) {
        r->arena = s->arena_;
        tn_free(s);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    dlt_table_ref(r->t);
    s->table = r->t;
    s->root = r->t->root;
    s->version = version;
    s->timestamp_ms = -1;
    s->checkpoint_version = -1;
    s->protocol = r->protocol;
    r->has_protocol = r->has_meta = false;
    /* move the live files (their packed blocks) into the snapshot */
    s->files = r->nlive ? tn_calloc(r->nlive, sizeof *s->files) : NULL;
    if (r->nlive && !s->files) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto fail;
    }
    for (uint64_t i = 0; i < r->nentries; i++) {
        rentry *e = &r->entries[i];
        if (!e->live)
            continue;
        s->files[s->nfiles++] = e->f;
        tn_free(e->key);
        e->key = NULL;
        e->live = false;
    }
    r->nlive = 0;
    r->nentries = 0;
    dlt_hmap_free(&r->files);
    if ((rc = finish_metadata(r, s, err)))
        goto fail;
    for (uint64_t i = 0; i < s->nfiles; i++)
        if ((rc = finish_file(s, &s->files[i], err)))
            goto fail;
    /* txns and domains, sorted for lookups */
    s->txns = dlt_arena_calloc(s->arena_, r->txns.n ? r->txns.n : 1, sizeof *s->txns);
    s->domains = dlt_arena_calloc(s->arena_, r->domains.n ? r->domains.n : 1, sizeof *s->domains);
    if (!s->txns || !s->domains) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto fail;
    }
    for (uint32_t i = 0; i < r->txns.cap; i++)
        if (r->txns.slots[i].used == 1)
            s->txns[s->ntxns++] = *(dlt_txn *)r->txns.slots[i].value;
    for (uint32_t i = 0; i < r->domains.cap; i++) {
        if (r->domains.slots[i].used != 1)
            continue;
        rdomain *d = r->domains.slots[i].value;
        if (d->removed)
            continue;
        s->domains[s->ndomains].domain = d->domain;
        s->domains[s->ndomains].configuration = d->configuration;
        s->ndomains++;
    }
    qsort(s->txns, s->ntxns, sizeof *s->txns, cmp_txn);
    qsort(s->domains, s->ndomains, sizeof *s->domains, cmp_domain);
    dlt_hmap_free(&r->txns);
    dlt_hmap_free(&r->domains);
    *out = s;
    return TN_OK;
fail:
    dlt_snapshot_free_(s);
    return rc;
}
