/*
 * dlt_util.c -- small building blocks of the Delta reader: the bump arena that owns a snapshot's
 * metadata, a string-keyed open-addressing hash index (file keys, appIds, domains), URI path
 * handling (percent-decoding, resolution against the table root, refusal of ".." traversal and of
 * foreign schemes), whole-file reads, and a JSON skimmer that extracts one top-level integer
 * (stats.numRecords) without building a tree.
 *
 * Paths ("Add File and Remove File": path is an RFC 2396 URI, relative to the table root or
 * absolute): a relative path is percent-decoded and appended to the root; "file:" URIs and
 * "/..." paths are absolute local paths; other schemes (s3:, abfss:, ...) are not readable
 * through the local VFS and are refused with TN_NOTSUP. Any ".." component is refused (a hostile
 * log must not make tarn read outside the table); absolute paths outside the root are refused
 * unless the table was opened with allow_outside_paths.
 */
#define _GNU_SOURCE
#include "delta_int.h"

#include <stdio.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* ---- arena ---- */

typedef struct dlt_ablock {
    struct dlt_ablock *next;
    size_t cap, used;
    /* data follows, 16-aligned */
} dlt_ablock;

#define ABLOCK_HDR ((sizeof(dlt_ablock) + 15) & ~(size_t)15)
#define ABLOCK_MIN ((size_t)16 << 10)

void dlt_arena_init(dlt_arena *a)
{
    a->head = NULL;
    a->used_total = 0;
}

void dlt_arena_free(dlt_arena *a)
{
    if (!a)
        return;
    dlt_ablock *b = a->head;
    while (b) {
        dlt_ablock *n = b->next;
        tn_free(b);
        b = n;
    }
    a->head = NULL;
    a->used_total = 0;
}

void dlt_arena_reset(dlt_arena *a)
{
    if (!a->head)
        return;
    /* keep the most recent block (the head); free the rest */
    dlt_ablock *keep = a->head, *b = keep->next;
    while (b) {
        dlt_ablock *n = b->next;
        tn_free(b);
        b = n;
    }
    keep->next = NULL;
    keep->used = 0;
    a->used_total = 0;
}

void *dlt_arena_alloc(dlt_arena *a, size_t n)
{
    /* 16-aligned: tn_value holds a tn_i128 */
    if (n > SIZE_MAX - 15)
        return NULL;
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    dlt_ablock *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = ABLOCK_MIN;
        if (a->head && a->head->cap < ((size_t)1 << 20))
            cap = a->head->cap * 2; /* grow block size geometrically up to 1 MiB */
        if (cap < n)
            cap = n;
        if (cap > SIZE_MAX - ABLOCK_HDR)
            return NULL;
        b = tn_malloc(ABLOCK_HDR + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b + ABLOCK_HDR + b->used;
    b->used += n;
    a->used_total += n;
    return p;
}

void *dlt_arena_calloc(dlt_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = dlt_arena_alloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

char *dlt_arena_strndup(dlt_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = dlt_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *dlt_arena_strdup(dlt_arena *a, const char *s)
{
    return s ? dlt_arena_strndup(a, s, strlen(s)) : NULL;
}

dlt_arena *dlt_arena_new(void)
{
    dlt_arena *a = tn_malloc(sizeof *a);
    if (a)
        dlt_arena_init(a);
    return a;
}

void dlt_arena_destroy(dlt_arena *a)
{
    if (!a)
        return;
    dlt_arena_free(a);
    tn_free(a);
}

/* ---- hash index ---- */

uint64_t dlt_hash(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}

void dlt_hmap_free(dlt_hmap *m)
{
    tn_free(m->slots);
    m->slots = NULL;
    m->cap = m->n = m->ndeleted = 0;
}

dlt_hslot *dlt_hmap_find(const dlt_hmap *m, const char *key, uint32_t klen, uint64_t hash)
{
    if (!m->cap)
        return NULL;
    uint32_t mask = m->cap - 1;
    for (uint32_t i = (uint32_t)hash & mask, probes = 0; probes < m->cap; i = (i + 1) & mask, probes++) {
        dlt_hslot *s = &m->slots[i];
        if (s->used == 0)
            return NULL;
        if (s->used == 1 && s->hash == hash && s->klen == klen && memcmp(s->key, key, klen) == 0)
            return s;
    }
    return NULL;
}

static int hmap_grow(dlt_hmap *m)
{
    uint32_t ncap = m->cap ? m->cap : 16;
    /* grow only when live entries need it; otherwise rehash in place size to purge tombstones */
    while ((uint64_t)(m->n + 1) * 2 > ncap) {
        if (ncap >= (1u << 30))
            return TN_NOMEM;
        ncap *= 2;
    }
    dlt_hslot *ns = tn_calloc(ncap, sizeof *ns);
    if (!ns)
        return TN_NOMEM;
    uint32_t mask = ncap - 1;
    for (uint32_t i = 0; i < m->cap; i++) {
        dlt_hslot *s = &m->slots[i];
        if (s->used != 1)
            continue;
        uint32_t j = (uint32_t)s->hash & mask;
        while (ns[j].used)
            j = (j + 1) & mask;
        ns[j] = *s;
    }
    tn_free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    m->ndeleted = 0;
    return TN_OK;
}

int dlt_hmap_upsert(dlt_hmap *m, const char *key, uint32_t klen, uint64_t hash, dlt_hslot **slot)
{
    dlt_hslot *f = dlt_hmap_find(m, key, klen, hash);
    if (f) {
        *slot = f;
        return TN_OK;
    }
    if (!m->cap || (uint64_t)(m->n + m->ndeleted + 1) * 4 > (uint64_t)m->cap * 3) {
        int rc = hmap_grow(m);
        if (rc)
            return rc;
    }
    uint32_t mask = m->cap - 1;
    uint32_t i = (uint32_t)hash & mask;
    while (m->slots[i].used == 1)
        i = (i + 1) & mask;
    dlt_hslot *s = &m->slots[i];
    if (s->used == 2)
        m->ndeleted--;
    s->used = 1;
    s->hash = hash;
    s->key = key;
    s->klen = klen;
    s->value = NULL;
    m->n++;
    *slot = s;
    return TN_OK;
}

void dlt_hmap_remove(dlt_hmap *m, dlt_hslot *slot)
{
    slot->used = 2;
    slot->value = NULL;
    slot->key = NULL;
    m->n--;
    m->ndeleted++;
}

/* ---- maps and protocol helpers ---- */

const char *dlt_map_get(const dlt_map *m, const char *key, bool *found)
{
    if (found)
        *found = false;
    if (!m)
        return NULL;
    for (uint32_t i = 0; i < m->n; i++) {
        if (strcmp(m->items[i].key, key) == 0) {
            if (found)
                *found = true;
            return m->items[i].value;
        }
    }
    return NULL;
}

int dlt_map_copy(dlt_arena *a, const dlt_map *src, dlt_map *dst)
{
    dst->n = 0;
    dst->items = NULL;
    if (!src->n)
        return TN_OK;
    dst->items = dlt_arena_calloc(a, src->n, sizeof *dst->items);
    if (!dst->items)
        return TN_NOMEM;
    for (uint32_t i = 0; i < src->n; i++) {
        dst->items[i].key = dlt_arena_strdup(a, src->items[i].key);
        dst->items[i].value = src->items[i].value ? dlt_arena_strdup(a, src->items[i].value) : NULL;
        if (!dst->items[i].key || (src->items[i].value && !dst->items[i].value))
            return TN_NOMEM;
    }
    dst->n = src->n;
    return TN_OK;
}

static bool list_has(char *const *v, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0)
            return true;
    return false;
}

bool dlt_protocol_has_reader_feature(const dlt_protocol *p, const char *name)
{
    return p->has_reader_features && list_has(p->reader_features, p->nreader_features, name);
}

bool dlt_protocol_has_writer_feature(const dlt_protocol *p, const char *name)
{
    return p->has_writer_features && list_has(p->writer_features, p->nwriter_features, name);
}

/* ---- paths ---- */

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int dlt_percent_decode(const char *s, size_t n, char **out, size_t *outlen, const char *what, tn_err *err)
{
    char *o = tn_malloc(n + 1);
    if (!o)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                tn_free(o);
                return tn_err_set(err, TN_CORRUPT, "%s \"%.*s\": bad percent-encoding at byte %zu", what,
                                  (int)TN_MIN(n, 200), s, i);
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        if (c == 0) {
            tn_free(o);
            return tn_err_set(err, TN_CORRUPT, "%s \"%.*s\": contains a NUL byte", what, (int)TN_MIN(n, 200), s);
        }
        o[j++] = (char)c;
    }
    o[j] = 0;
    *out = o;
    if (outlen)
        *outlen = j;
    return TN_OK;
}

char *dlt_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    bool slash = a > 0 && dir[a - 1] == '/';
    char *p = tn_malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t k = a;
    if (!slash)
        p[k++] = '/';
    memcpy(p + k, name, b + 1);
    return p;
}

/* Length of a URI scheme at the start of s ("file" in "file:/x"), 0 if none. */
static size_t scheme_len(const char *s)
{
    size_t i = 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (i = 1; s[i]; i++) {
        char c = s[i];
        if (c == ':')
            return i;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
              c == '.'))
            return 0;
    }
    return 0;
}

static bool has_dotdot(const char *p)
{
    const char *s = p;
    while (*s) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == 2 && s[0] == '.' && s[1] == '.')
            return true;
        if (!e)
            break;
        s = e + 1;
    }
    return false;
}

int dlt_resolve_path(const char *root, const char *uri, bool allow_outside, char **out, tn_err *err)
{
    *out = NULL;
    const char *s = uri;
    size_t sl = scheme_len(s);
    bool absolute = false;
    if (sl) {
        if (!(sl == 4 && strncasecmp(s, "file", 4) == 0))
            return tn_err_set(err, TN_NOTSUP, "data file \"%.200s\": URI scheme \"%.*s\" is not supported (local "
                              "files only)", uri, (int)TN_MIN(sl, 32), s);
        s += 5;
        if (s[0] == '/' && s[1] == '/') { /* file://authority/path: only an empty or localhost authority */
            s += 2;
            if (strncmp(s, "localhost", 9) == 0)
                s += 9;
            if (*s != '/')
                return tn_err_set(err, TN_NOTSUP, "data file \"%.200s\": file URI with a remote host", uri);
        }
        if (*s != '/')
            return tn_err_set(err, TN_CORRUPT, "data file \"%.200s\": file URI without an absolute path", uri);
        absolute = true;
    } else if (s[0] == '/') {
        absolute = true;
    }
    char *dec = NULL;
    size_t dlen = 0;
    int rc = dlt_percent_decode(s, strlen(s), &dec, &dlen, "data file path", err);
    if (rc)
        return rc;
    if (dlen == 0) {
        tn_free(dec);
        return tn_err_set(err, TN_CORRUPT, "data file path is empty");
    }
    if (has_dotdot(dec)) {
        rc = tn_err_set(err, TN_CORRUPT, "data file path \"%.200s\" has a \"..\" component: refusing to leave "
                        "the table directory", uri);
        tn_free(dec);
        return rc;
    }
    if (!absolute) {
        char *full = dlt_path_join(root, dec);
        tn_free(dec);
        if (!full)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        *out = full;
        return TN_OK;
    }
    size_t rl = strlen(root);
    bool inside = strncmp(dec, root, rl) == 0 && (dec[rl] == '/' || (rl > 0 && root[rl - 1] == '/'));
    if (!inside && !allow_outside) {
        rc = tn_err_set(err, TN_NOTSUP, "data file \"%.200s\" is an absolute path outside the table root \"%.200s\" "
                        "(allow_outside_paths is off)", uri, root);
        tn_free(dec);
        return rc;
    }
    *out = dec;
    return TN_OK;
}

int dlt_file_mtime(vfs *fs, const char *path, int64_t *ms, tn_err *err)
{
    if (!fs || !fs->mtime)
        return tn_err_set(err, TN_NOTSUP, "%s: the \"%s\" file system gives no modification times", path,
                          fs && fs->name ? fs->name : "?");
    return fs->mtime(fs, path, ms, err);
}

int dlt_read_file(vfs *fs, const char *path, uint64_t limit, char **buf, size_t *n, tn_err *err)
{
    *buf = NULL;
    *n = 0;
    vfs_file *f = NULL;
    int rc = vfs_open(fs, path, VFS_READ, &f, err);
    if (rc)
        return rc;
    uint64_t sz = 0;
    char *b = NULL;
    if ((rc = vfs_size(f, &sz, err)))
        goto done;
    if (sz > limit || sz > SIZE_MAX - 1) {
        rc = tn_err_set(err, TN_CORRUPT, "%s: file of %llu bytes is larger than the limit of %llu", path,
                        (unsigned long long)sz, (unsigned long long)limit);
        goto done;
    }
    b = tn_malloc((size_t)sz + 1);
    if (!b) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    if (sz && (rc = vfs_read(f, 0, b, (size_t)sz, err)))
        goto done;
    b[sz] = 0;
    *buf = b;
    *n = (size_t)sz;
    b = NULL;
done:
    tn_free(b);
    vfs_close(f);
    return rc;
}

/* ---- JSON skimming ---- */

typedef struct skim {
    const char *p, *end;
} skim;

static void sk_ws(skim *k)
{
    while (k->p < k->end && (*k->p == ' ' || *k->p == '\t' || *k->p == '\n' || *k->p == '\r'))
        k->p++;
}

/* Skip a string starting at '"'; sets *plain when it had no escapes. */
static bool sk_string(skim *k, const char **s, size_t *len, bool *plain)
{
    if (k->p >= k->end || *k->p != '"')
        return false;
    k->p++;
    const char *start = k->p;
    bool pl = true;
    while (k->p < k->end && *k->p != '"') {
        if (*k->p == '\\') {
            pl = false;
            k->p++;
            if (k->p >= k->end)
                return false;
        }
        k->p++;
    }
    if (k->p >= k->end)
        return false;
    if (s)
        *s = start;
    if (len)
        *len = (size_t)(k->p - start);
    if (plain)
        *plain = pl;
    k->p++;
    return true;
}

static bool sk_value(skim *k)
{
    sk_ws(k);
    if (k->p >= k->end)
        return false;
    char c = *k->p;
    if (c == '"')
        return sk_string(k, NULL, NULL, NULL);
    if (c == '{' || c == '[') {
        uint32_t depth = 0;
        while (k->p < k->end) {
            c = *k->p;
            if (c == '"') {
                if (!sk_string(k, NULL, NULL, NULL))
                    return false;
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if (c == '}' || c == ']') {
                if (depth == 0)
                    return false;
                depth--;
                if (depth == 0) {
                    k->p++;
                    return true;
                }
            }
            k->p++;
        }
        return false;
    }
    const char *st = k->p;
    while (k->p < k->end && *k->p != ',' && *k->p != '}' && *k->p != ']' && *k->p != ' ' && *k->p != '\n' &&
           *k->p != '\t' && *k->p != '\r')
        k->p++;
    return k->p > st;
}

bool dlt_json_top_int(const char *s, size_t n, const char *key, int64_t *out)
{
    skim k = {s, s + n};
    size_t kl = strlen(key);
    sk_ws(&k);
    if (k.p >= k.end || *k.p != '{')
        return false;
    k.p++;
    for (;;) {
        sk_ws(&k);
        if (k.p >= k.end)
            return false;
        if (*k.p == '}')
            return false;
        const char *ks;
        size_t kn;
        bool plain;
        if (!sk_string(&k, &ks, &kn, &plain))
            return false;
        sk_ws(&k);
        if (k.p >= k.end || *k.p != ':')
            return false;
        k.p++;
        sk_ws(&k);
        if (plain && kn == kl && memcmp(ks, key, kl) == 0) {
            bool neg = false;
            if (k.p < k.end && *k.p == '-') {
                neg = true;
                k.p++;
            }
            if (k.p >= k.end || *k.p < '0' || *k.p > '9')
                return false;
            uint64_t v = 0;
            while (k.p < k.end && *k.p >= '0' && *k.p <= '9') {
                uint64_t d = (uint64_t)(*k.p - '0');
                if (v > (UINT64_MAX - d) / 10)
                    return false;
                v = v * 10 + d;
                k.p++;
            }
            if (k.p < k.end && (*k.p == '.' || *k.p == 'e' || *k.p == 'E'))
                return false;
            if (v > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
                return false;
            *out = neg ? (int64_t)(0 - v) : (int64_t)v;
            return true;
        }
        if (!sk_value(&k))
            return false;
        sk_ws(&k);
        if (k.p >= k.end)
            return false;
        if (*k.p == ',') {
            k.p++;
            continue;
        }
        return false;
    }
}
