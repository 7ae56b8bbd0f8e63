/*
 * log.c -- what is in _delta_log: one directory listing classified into commits and complete
 * checkpoints, plus the _last_checkpoint hint (PROTOCOL.md "Delta Log Entries", "Checkpoints",
 * "Checkpoint Naming Scheme", "Last Checkpoint File", "Last Checkpoint File Schema").
 *
 * Names (versions are 20 digits):
 *   V.json                                  commit
 *   V.checkpoint.parquet                    classic checkpoint (V1 or V2 spec)
 *   V.checkpoint.OOOOOOOOOO.PPPPPPPPPP.parquet  part O of a P-part checkpoint (complete only when
 *                                           parts 1..P are all listed; readers must ignore others)
 *   V.checkpoint.<uuid>.json|parquet        UUID-named V2 checkpoint
 *   X.Y.compacted.json                      log compaction file: the reconciled actions of commits
 *                                           X..Y ("Log Compaction Files"); listed when X <= Y
 *   V.crc, _staged_commits, anything else: ignored.
 *
 * _last_checkpoint is read but only as a hint: the listing is the truth. Its status is recorded:
 * OK (it names the newest complete checkpoint), STALE (a newer complete checkpoint is listed),
 * MISSING (what it names is not listed or incomplete), CORRUPT (not JSON / no version). Among
 * several complete checkpoints of one version the one it names is tried first, then classic,
 * UUID-named Parquet, UUID-named JSON, multi-part.
 */
#include "delta_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rawck {
    int64_t version;
    int kind;
    uint32_t part, nparts;
    const char *name;      /* borrowed from the listing */
} rawck;

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool parse_version(const char *s, int64_t *v)
{
    if (!digits(s, 20))
        return false;
    uint64_t x = 0;
    for (int i = 0; i < 20; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (x > ((uint64_t)INT64_MAX - d) / 10)
            return false;
        x = x * 10 + d;
    }
    *v = (int64_t)x;
    return true;
}

static uint32_t parse_u10(const char *s)
{
    uint64_t x = 0;
    for (int i = 0; i < 10; i++)
        x = x * 10 + (uint64_t)(s[i] - '0');
    return x > UINT32_MAX ? UINT32_MAX : (uint32_t)x;
}

/* 0 = ignore, 1 = commit, 2 = checkpoint (rc filled), 3 = compaction (rc->version = end) */
static int classify(const char *name, int64_t *version, rawck *rc)
{
    size_t n = strlen(name);
    if (n < 21 || !parse_version(name, version) || name[20] != '.')
        return 0;
    const char *r = name + 21;
    size_t rn = n - 21;
    if (strcmp(r, "json") == 0)
        return 1;
    if (rn == 20 + 15 && strcmp(r + 20, ".compacted.json") == 0) {
        memset(rc, 0, sizeof *rc);
        if (!parse_version(r, &rc->version) || rc->version < *version)
            return 0;
        rc->name = name;
        return 3;
    }
    if (strncmp(r, "checkpoint.", 11) != 0)
        return 0;
    r += 11;
    rn -= 11;
    memset(rc, 0, sizeof *rc);
    rc->version = *version;
    rc->name = name;
    if (strcmp(r, "parquet") == 0) {
        rc->kind = DLT_CK_CLASSIC;
        return 2;
    }
    if (rn == 10 + 1 + 10 + 8 && digits(r, 10) && r[10] == '.' && digits(r + 11, 10) &&
        strcmp(r + 21, ".parquet") == 0) {
        rc->kind = DLT_CK_MULTI;
        rc->part = parse_u10(r);
        rc->nparts = parse_u10(r + 11);
        if (rc->part < 1 || rc->part > rc->nparts || rc->nparts > 100000)
            return 0;
        return 2;
    }
    const char *dot = strchr(r, '.');
    if (!dot || dot == r || strchr(dot + 1, '.'))
        return 0;
    if (strcmp(dot, ".json") == 0)
        rc->kind = DLT_CK_V2_JSON;
    else if (strcmp(dot, ".parquet") == 0)
        rc->kind = DLT_CK_V2_PARQUET;
    else
        return 0;
    return 2;
}

static int kind_rank(int kind)
{
    switch (kind) {
    case DLT_CK_CLASSIC: return 0;
    case DLT_CK_V2_PARQUET: return 1;
    case DLT_CK_V2_JSON: return 2;
    default: return 3;
    }
}

static int rawck_cmp(const void *a, const void *b)
{
    const rawck *x = a, *y = b;
    if (x->version != y->version)
        return x->version > y->version ? -1 : 1;
    if (x->kind != y->kind)
        return kind_rank(x->kind) - kind_rank(y->kind);
    if (x->nparts != y->nparts)
        return x->nparts < y->nparts ? -1 : 1;
    if (x->part != y->part)
        return x->part < y->part ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int ckpt_cmp(const void *a, const void *b)
{
    const dlt_ckpt *x = a, *y = b;
    if (x->version != y->version)
        return x->version > y->version ? -1 : 1;
    if (x->named_by_last != y->named_by_last)
        return x->named_by_last ? -1 : 1;
    if (x->kind != y->kind)
        return kind_rank(x->kind) - kind_rank(y->kind);
    return strcmp(x->parts[0], y->parts[0]);
}

/* by start ascending, then end descending (the widest range first) */
static int compaction_cmp(const void *a, const void *b)
{
    const dlt_compaction *x = a, *y = b;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return x->to > y->to ? -1 : x->to < y->to;
}

static int i64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

void dlt_commit_name(int64_t v, char *buf)
{
    snprintf(buf, 32, "%020lld.json", (long long)v);
}

void dlt_listing_free(dlt_listing *l)
{
    if (!l)
        return;
    for (uint32_t i = 0; i < l->nckpts; i++) {
        for (uint32_t k = 0; k < l->ckpts[i].nparts; k++)
            tn_free(l->ckpts[i].parts[k]);
        tn_free(l->ckpts[i].parts);
    }
    tn_free(l->ckpts);
    tn_free(l->commits);
    tn_free(l->compactions);
    tn_free(l->log_dir);
    memset(l, 0, sizeof *l);
}

bool dlt_listing_has_commit(const dlt_listing *l, int64_t v)
{
    uint32_t lo = 0, hi = l->ncommits;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (l->commits[mid] == v)
            return true;
        if (l->commits[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Add one complete checkpoint made of raw entries r[0..n). */
static int add_ckpt(dlt_listing *l, uint32_t *cap, const rawck *r, uint32_t n)
{
    if (l->nckpts == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 8;
        dlt_ckpt *p = tn_realloc(l->ckpts, nc * sizeof *p);
        if (!p)
            return TN_NOMEM;
        l->ckpts = p;
        *cap = nc;
    }
    dlt_ckpt *c = &l->ckpts[l->nckpts];
    memset(c, 0, sizeof *c);
    c->version = r[0].version;
    c->kind = r[0].kind;
    c->parts = tn_calloc(n, sizeof *c->parts);
    if (!c->parts)
        return TN_NOMEM;
    l->nckpts++;
    for (uint32_t i = 0; i < n; i++) {
        c->parts[i] = tn_strdup(r[i].name);
        if (!c->parts[i])
            return TN_NOMEM;
        c->nparts = i + 1;
    }
    return TN_OK;
}

static void read_last_checkpoint(const dlt_table *t, dlt_listing *l, int64_t *parts)
{
    char *path = dlt_path_join(l->log_dir, "_last_checkpoint");
    char *buf = NULL;
    size_t n = 0;
    tn_err e = TN_ERR_INIT;
    *parts = -1;
    l->lastcp = DLT_LASTCP_CORRUPT;
    l->lastcp_version = -1;
    if (!path || dlt_read_file(t->fs, path, (uint64_t)16 << 20, &buf, &n, &e)) {
        if (e.code == TN_NOTFOUND)
            l->lastcp = DLT_LASTCP_ABSENT;
        tn_free(path);
        return;
    }
    tn_free(path);
    json_t *root = json_loadb(buf, n, 0, NULL);
    tn_free(buf);
    if (!root)
        return;
    json_t *v = json_object_get(root, "version"), *p = json_object_get(root, "parts");
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        l->lastcp_version = (int64_t)json_integer_value(v);
        l->lastcp = DLT_LASTCP_MISSING; /* until the listing confirms it */
        if (json_is_integer(p))
            *parts = (int64_t)json_integer_value(p);
    }
    json_decref(root);
}

int dlt_log_list(const dlt_table *t, dlt_listing *out, tn_err *err)
{
    memset(out, 0, sizeof *out);
    out->latest = -1;
    out->lastcp_version = -1;
    char **names = NULL;
    size_t nn = 0;
    rawck *raw = NULL;
    uint32_t nraw = 0, ccap = 0, kcap = 0, mcap = 0;
    bool has_last = false;
    int rc;
    out->log_dir = dlt_path_join(t->root, "_delta_log");
    if (!out->log_dir)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    rc = t->fs->list(t->fs, out->log_dir, &names, &nn, err);
    if (rc) {
        if (rc == TN_NOTFOUND)
            rc = tn_err_set(err, TN_NOTFOUND, "%s is not a Delta table: %s does not exist", t->root, out->log_dir);
        goto done;
    }
    raw = tn_calloc(nn ? nn : 1, sizeof *raw);
    if (!raw) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nn; i++) {
        int64_t v;
        rawck r;
        if (strcmp(names[i], "_last_checkpoint") == 0) {
            has_last = true;
            continue;
        }
        int k = classify(names[i], &v, &r);
        if (k == 1) {
            if (out->ncommits == ccap) {
                uint32_t nc = ccap ? ccap * 2 : 64;
                int64_t *p = tn_realloc(out->commits, nc * sizeof *p);
                if (!p) {
                    rc = tn_err_set(err, TN_NOMEM, "out of memory");
                    goto done;
                }
                out->commits = p;
                ccap = nc;
            }
            out->commits[out->ncommits++] = v;
        } else if (k == 2) {
            raw[nraw++] = r;
        } else if (k == 3) {
            if (out->ncompactions == mcap) {
                uint32_t nc = mcap ? mcap * 2 : 8;
                dlt_compaction *p = tn_realloc(out->compactions, nc * sizeof *p);
                if (!p) {
                    rc = tn_err_set(err, TN_NOMEM, "out of memory");
                    goto done;
                }
                out->compactions = p;
                mcap = nc;
            }
            out->compactions[out->ncompactions].from = v;
            out->compactions[out->ncompactions++].to = r.version;
        }
    }
    if (out->ncompactions)
        qsort(out->compactions, out->ncompactions, sizeof *out->compactions, compaction_cmp);
    if (out->ncommits)
        qsort(out->commits, out->ncommits, sizeof *out->commits, i64_cmp);
    /* group checkpoint files; keep complete ones */
    qsort(raw, nraw, sizeof *raw, rawck_cmp);
    for (uint32_t i = 0; i < nraw;) {
        uint32_t j = i + 1;
        if (raw[i].kind == DLT_CK_MULTI) {
            while (j < nraw && raw[j].version == raw[i].version && raw[j].kind == DLT_CK_MULTI &&
                   raw[j].nparts == raw[i].nparts)
                j++;
            bool complete = j - i == raw[i].nparts;
            for (uint32_t k = i; complete && k < j; k++)
                if (raw[k].part != k - i + 1)
                    complete = false; /* a duplicate part name cannot happen; a gap can */
            if (complete && (rc = add_ckpt(out, &kcap, raw + i, j - i))) {
                rc = tn_err_set(err, rc, "out of memory");
                goto done;
            }
        } else if ((rc = add_ckpt(out, &kcap, raw + i, 1))) {
            rc = tn_err_set(err, rc, "out of memory");
            goto done;
        }
        i = j;
    }
    /* _last_checkpoint */
    out->lastcp = DLT_LASTCP_ABSENT;
    if (has_last) {
        int64_t parts;
        read_last_checkpoint(t, out, &parts);
        if (out->lastcp == DLT_LASTCP_MISSING) {
            bool newer = false;
            for (uint32_t i = 0; i < out->nckpts; i++) {
                dlt_ckpt *c = &out->ckpts[i];
                if (c->version > out->lastcp_version)
                    newer = true;
                if (c->version == out->lastcp_version &&
                    (parts < 0 ? c->kind != DLT_CK_MULTI : (c->kind == DLT_CK_MULTI && c->nparts == parts))) {
                    c->named_by_last = true;
                    out->lastcp = DLT_LASTCP_OK;
                }
            }
            if (out->lastcp == DLT_LASTCP_MISSING && parts < 0) {
                /* no part count given: any complete checkpoint of that version satisfies it */
                for (uint32_t i = 0; i < out->nckpts; i++)
                    if (out->ckpts[i].version == out->lastcp_version) {
                        out->ckpts[i].named_by_last = true;
                        out->lastcp = DLT_LASTCP_OK;
                    }
            }
            if (out->lastcp == DLT_LASTCP_OK && newer)
                out->lastcp = DLT_LASTCP_STALE;
        }
    }
    if (out->nckpts)
        qsort(out->ckpts, out->nckpts, sizeof *out->ckpts, ckpt_cmp);
    if (out->ncommits)
        out->latest = out->commits[out->ncommits - 1];
    if (out->nckpts && out->ckpts[0].version > out->latest)
        out->latest = out->ckpts[0].version;
    rc = TN_OK;
done:
    tn_free(raw);
    if (names)
        vfs_glob_free(names, nn);
    if (rc)
        dlt_listing_free(out);
    return rc;
}

void dlt_compaction_name(int64_t from, int64_t to, char *buf)
{
    snprintf(buf, 64, "%020lld.%020lld.compacted.json", (long long)from, (long long)to);
}
