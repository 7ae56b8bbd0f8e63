/*
 * hashtable.c -- group hash table (see hashtable.h for layout, semantics and the probe scheme).
 *
 * Invariants: nslots is a power of two and ngroups <= nslots / 2 at all times (capacity is
 * reserved for a whole batch before probing, so a batch never resizes mid-probe and every probe
 * sequence meets an empty slot). Group ids are dense and stable; group storage only grows.
 *
 * Nested keys (LIST, STRUCT, MAP). Each batch's values are serialised into canonical byte strings
 * that are equal exactly when the values are equal under the GROUP BY rules, and the column is
 * then hashed and verified like a string column (the group keeps the bytes in the arena). The
 * encoding is driven by the column's fixed type, so it needs no tags: a validity byte (0 NULL,
 * 1 value) before every value at every level, then fixed-width values in their normalised form
 * (floats with -0.0 -> 0.0 and one NaN, intervals as their 128-bit span, booleans 0/1), strings
 * and blobs as a 32-bit length and the bytes, lists and maps as a 32-bit element count and the
 * elements, structs as their fields in order. The group's value itself is appended to a nested
 * store vector (one row per group) from which ex_ht_get_keys copies the keys out.
 */
#include "hashtable.h"
#include "nested.h"
#include "op_int.h"
#include <math.h>
#include <xxhash.h>

/* How a key column is hashed and compared. */
enum {
    K_RAW,      /* compare/hash the physical bytes (ints, bool, decimal, date/time, uuid) */
    K_F32,      /* float: -0.0 == 0.0, NaN == NaN */
    K_F64,
    K_STR,      /* tn_str by bytes */
    K_INTERVAL, /* by span */
};

/* Serialised keys of one nested key column for the current batch, and the groups' values. */
typedef struct ht_nested {
    unsigned char *buf;      /* this batch's canonical bytes */
    size_t len, cap;
    uint64_t *off;           /* TN_BATCH: byte offset per row */
    uint32_t *blen;          /* TN_BATCH: byte length per row */
    tn_str *strs;            /* TN_BATCH: views per row (what hashing and matching read) */
    tn_vector *store;        /* FLAT, row g = group g's value */
} ht_nested;

#define HT_NULL_HASH 0x6a09e667f3bcc909ULL
#define HT_ARENA_BLOCK (256 * 1024)
#define HT_MAX_SLOTS ((uint64_t)1 << 32)

typedef struct ht_block {
    struct ht_block *next;
    size_t used, cap;
    char data[];
} ht_block;

struct ex_ht {
    uint32_t nkeys;
    tn_type *types;
    uint8_t *klass;
    size_t *width;
    /* slots */
    uint64_t *slots;
    uint64_t nslots, mask;
    /* groups */
    uint32_t ngroups, gcap;
    uint64_t *ghash;
    unsigned char **gdata;   /* per key column: width * gcap */
    uint8_t **gnull;         /* per key column: 1 = NULL */
    ht_block *arena;
    size_t arena_bytes;
    /* batch scratch (TN_BATCH entries each) */
    uint64_t *hashes;
    uint32_t *pos_slot;      /* current slot per position */
    uint32_t *pend, *pend2, *cand, *ins;
    uint32_t *cand_gid;
    uint8_t *match;
    uint64_t *bits;          /* nkeys * TN_BITMAP_WORDS(TN_BATCH) */
    tn_vview *views;
    ht_nested **nst;         /* per key column: NULL unless nested */
    tn_vector *const *curkeys; /* the key vectors of the batch being probed */
    uint32_t curcount;
};

static uint8_t key_class(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_FLOAT: return K_F32;
    case TN_T_DOUBLE: return K_F64;
    case TN_T_VARCHAR:
    case TN_T_BLOB: return K_STR;
    case TN_T_INTERVAL: return K_INTERVAL;
    default: return K_RAW;
    }
}

ex_ht *ex_ht_new(const tn_type *key_types, uint32_t nkeys)
{
    if (nkeys == 0 || nkeys > 1024)
        return NULL;
    for (uint32_t c = 0; c < nkeys; c++)
        if (!tn_type_is_nested(key_types[c]) && tn_type_width(key_types[c]) == 0)
            return NULL;
    ex_ht *ht = tn_calloc(1, sizeof *ht);
    if (!ht)
        return NULL;
    ht->nkeys = nkeys;
    ht->types = tn_malloc(nkeys * sizeof *ht->types);
    ht->klass = tn_malloc(nkeys);
    ht->width = tn_malloc(nkeys * sizeof *ht->width);
    ht->gdata = tn_calloc(nkeys, sizeof *ht->gdata);
    ht->gnull = tn_calloc(nkeys, sizeof *ht->gnull);
    ht->nslots = 1024;
    ht->mask = ht->nslots - 1;
    ht->slots = tn_calloc(ht->nslots, sizeof *ht->slots);
    ht->hashes = tn_malloc(TN_BATCH * sizeof *ht->hashes);
    ht->pos_slot = tn_malloc(TN_BATCH * sizeof(uint32_t));
    ht->pend = tn_malloc(TN_BATCH * sizeof(uint32_t));
    ht->pend2 = tn_malloc(TN_BATCH * sizeof(uint32_t));
    ht->cand = tn_malloc(TN_BATCH * sizeof(uint32_t));
    ht->ins = tn_malloc(TN_BATCH * sizeof(uint32_t));
    ht->cand_gid = tn_malloc(TN_BATCH * sizeof(uint32_t));
    ht->match = tn_malloc(TN_BATCH);
    ht->bits = tn_malloc((size_t)nkeys * TN_BITMAP_WORDS(TN_BATCH) * 8);
    ht->views = tn_malloc(nkeys * sizeof *ht->views);
    ht->nst = tn_calloc(nkeys, sizeof *ht->nst);
    if (!ht->types || !ht->klass || !ht->width || !ht->gdata || !ht->gnull || !ht->slots || !ht->hashes ||
        !ht->pos_slot || !ht->pend || !ht->pend2 || !ht->cand || !ht->ins || !ht->cand_gid || !ht->match ||
        !ht->bits || !ht->views || !ht->nst) {
        ex_ht_free(ht);
        return NULL;
    }
    for (uint32_t c = 0; c < nkeys; c++) {
        ht->types[c] = key_types[c];
        ht->klass[c] = key_class(key_types[c]);
        ht->width[c] = tn_type_width(key_types[c]);
        if (tn_type_is_nested(key_types[c])) {
            /* hashed and matched as the string of its canonical bytes */
            ht->klass[c] = K_STR;
            ht->width[c] = sizeof(tn_str);
            ht_nested *hn = ht->nst[c] = tn_calloc(1, sizeof *hn);
            if (!hn || !(hn->off = tn_malloc(TN_BATCH * sizeof *hn->off)) ||
                !(hn->blen = tn_malloc(TN_BATCH * sizeof *hn->blen)) ||
                !(hn->strs = tn_malloc(TN_BATCH * sizeof *hn->strs)) || !(hn->store = tn_vector_new(key_types[c], 256))) {
                ex_ht_free(ht);
                return NULL;
            }
        }
    }
    return ht;
}

void ex_ht_free(ex_ht *ht)
{
    if (!ht)
        return;
    for (uint32_t c = 0; c < ht->nkeys; c++) {
        if (ht->gdata)
            tn_free(ht->gdata[c]);
        if (ht->gnull)
            tn_free(ht->gnull[c]);
        ht_nested *hn = ht->nst ? ht->nst[c] : NULL;
        if (hn) {
            tn_free(hn->buf);
            tn_free(hn->off);
            tn_free(hn->blen);
            tn_free(hn->strs);
            tn_vector_unref(hn->store);
            tn_free(hn);
        }
    }
    tn_free(ht->nst);
    ht_block *b = ht->arena;
    while (b) {
        ht_block *n = b->next;
        tn_free(b);
        b = n;
    }
    tn_free(ht->gdata);
    tn_free(ht->gnull);
    tn_free(ht->ghash);
    tn_free(ht->types);
    tn_free(ht->klass);
    tn_free(ht->width);
    tn_free(ht->slots);
    tn_free(ht->hashes);
    tn_free(ht->pos_slot);
    tn_free(ht->pend);
    tn_free(ht->pend2);
    tn_free(ht->cand);
    tn_free(ht->ins);
    tn_free(ht->cand_gid);
    tn_free(ht->match);
    tn_free(ht->bits);
    tn_free(ht->views);
    tn_free(ht);
}

uint32_t ex_ht_count(const ex_ht *ht) { return ht->ngroups; }

size_t ex_ht_memory(const ex_ht *ht)
{
    size_t per_group = sizeof(uint64_t);
    for (uint32_t c = 0; c < ht->nkeys; c++)
        per_group += ht->width[c] + 1;
    return ht->nslots * sizeof(uint64_t) + (size_t)ht->gcap * per_group + ht->arena_bytes;
}

/* ---- storage ---- */

static char *arena_copy(ex_ht *ht, const char *p, uint32_t len)
{
    ht_block *b = ht->arena;
    if (!b || b->cap - b->used < len) {
        size_t cap = len > HT_ARENA_BLOCK ? len : HT_ARENA_BLOCK;
        b = tn_malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = ht->arena;
        ht->arena = b;
        ht->arena_bytes += cap;
    }
    char *d = b->data + b->used;
    memcpy(d, p, len);
    b->used += len;
    return d;
}

static int grow_groups(ex_ht *ht, uint32_t need)
{
    if (need <= ht->gcap)
        return TN_OK;
    uint32_t cap = ht->gcap ? ht->gcap : 256;
    while (cap < need)
        cap = cap > UINT32_MAX / 2 ? need : cap * 2;
    uint64_t *gh = tn_realloc(ht->ghash, (size_t)cap * sizeof *gh);
    if (!gh)
        return TN_NOMEM;
    ht->ghash = gh;
    for (uint32_t c = 0; c < ht->nkeys; c++) {
        unsigned char *d = tn_realloc(ht->gdata[c], (size_t)cap * ht->width[c]);
        if (!d)
            return TN_NOMEM;
        ht->gdata[c] = d;
        uint8_t *nl = tn_realloc(ht->gnull[c], cap);
        if (!nl)
            return TN_NOMEM;
        ht->gnull[c] = nl;
    }
    ht->gcap = cap;
    return TN_OK;
}

static int resize_slots(ex_ht *ht, uint64_t nslots)
{
    uint64_t *ns = tn_calloc(nslots, sizeof *ns);
    if (!ns)
        return TN_NOMEM;
    uint64_t mask = nslots - 1;
    for (uint32_t g = 0; g < ht->ngroups; g++) {
        uint64_t h = ht->ghash[g];
        uint64_t s = h & mask;
        while (ns[s])
            s = (s + 1) & mask;
        ns[s] = ((h >> 32) << 32) | ((uint64_t)g + 1);
    }
    tn_free(ht->slots);
    ht->slots = ns;
    ht->nslots = nslots;
    ht->mask = mask;
    return TN_OK;
}

/* Append a group from row r of the viewed key columns; returns its id in *gid. */
static int add_group(ex_ht *ht, uint32_t r, uint64_t h, uint32_t *gid)
{
    uint32_t g = ht->ngroups;
    if (grow_groups(ht, g + 1))
        return TN_NOMEM;
    for (uint32_t c = 0; c < ht->nkeys; c++) {
        const tn_vview *vw = &ht->views[c];
        size_t w = ht->width[c];
        unsigned char *d = ht->gdata[c] + (size_t)g * w;
        if (!tn_vview_valid(vw, r)) {
            ht->gnull[c][g] = 1;
            memset(d, 0, w);
            if (ht->nst[c] && ex_nested_append(ht->nst[c]->store, g, ht->curkeys[c], ht->curcount, &r, 1))
                return TN_NOMEM;
            continue;
        }
        ht->gnull[c][g] = 0;
        if (ht->nst[c] && ex_nested_append(ht->nst[c]->store, g, ht->curkeys[c], ht->curcount, &r, 1))
            return TN_NOMEM;
        const unsigned char *s = (const unsigned char *)vw->data + (size_t)tn_vview_index(vw, r) * w;
        memcpy(d, s, w);
        if (ht->klass[c] == K_STR) {
            tn_str *st = (tn_str *)d;
            if (st->len > TN_STR_INLINE) {
                char *p = arena_copy(ht, st->u.ptr, st->len);
                if (!p)
                    return TN_NOMEM;
                st->u.ptr = p;
            }
        }
    }
    ht->ghash[g] = h;
    ht->ngroups = g + 1;
    *gid = g;
    return TN_OK;
}

/* ---- nested keys: canonical bytes ---- */

static int nb_reserve(ht_nested *hn, size_t more)
{
    if (hn->cap - hn->len >= more)
        return TN_OK;
    size_t cap = hn->cap ? hn->cap : 4096;
    while (cap - hn->len < more) {
        if (cap > SIZE_MAX / 2)
            return TN_NOMEM;
        cap *= 2;
    }
    unsigned char *b = tn_realloc(hn->buf, cap);
    if (!b)
        return TN_NOMEM;
    hn->buf = b;
    hn->cap = cap;
    return TN_OK;
}

static int nb_put(ht_nested *hn, const void *p, size_t n)
{
    if (nb_reserve(hn, n))
        return TN_NOMEM;
    memcpy(hn->buf + hn->len, p, n);
    hn->len += n;
    return TN_OK;
}

/* Append the canonical bytes of logical row r of v (see the file header). */
static int ser_row(ht_nested *hn, const tn_vector *v, uint32_t r)
{
    uint32_t p;
    bool valid;
    const tn_vector *ph = ex_nested_phys(v, r, &p, &valid);
    uint8_t flag = valid ? 1 : 0;
    if (nb_put(hn, &flag, 1))
        return TN_NOMEM;
    if (!valid)
        return TN_OK;
    switch ((tn_type_id)v->type.id) {
    case TN_T_LIST:
    case TN_T_MAP: {
        const tn_list_entry *e = (const tn_list_entry *)ph->data + p;
        if (ph->nchildren < 1 || e->offset > ph->list_size || e->length > ph->list_size - e->offset ||
            e->length > UINT32_MAX)
            return TN_MISUSE;
        uint32_t len = (uint32_t)e->length;
        if (nb_put(hn, &len, sizeof len))
            return TN_NOMEM;
        for (uint32_t i = 0; i < len; i++) {
            int rc = ser_row(hn, ph->children[0], (uint32_t)e->offset + i);
            if (rc)
                return rc;
        }
        return TN_OK;
    }
    case TN_T_STRUCT:
        for (uint32_t f = 0; f < ph->nchildren; f++) {
            int rc = ser_row(hn, ph->children[f], p);
            if (rc)
                return rc;
        }
        return TN_OK;
    case TN_T_VARCHAR:
    case TN_T_BLOB: {
        const tn_str *st = (const tn_str *)ph->data + p;
        return nb_put(hn, &st->len, sizeof st->len) || nb_put(hn, tn_str_data(st), st->len) ? TN_NOMEM : TN_OK;
    }
    case TN_T_FLOAT: {
        float x = ((const float *)ph->data)[p];
        if (x == 0.0f)
            x = 0.0f;
        else if (isnan(x))
            x = NAN;
        return nb_put(hn, &x, sizeof x);
    }
    case TN_T_DOUBLE: {
        double x = ((const double *)ph->data)[p];
        if (x == 0.0)
            x = 0.0;
        else if (isnan(x))
            x = NAN;
        return nb_put(hn, &x, sizeof x);
    }
    case TN_T_INTERVAL: {
        const tn_interval *iv = (const tn_interval *)ph->data + p;
        tn_i128 span = ((tn_i128)iv->months * 30 + iv->days) * (tn_i128)86400000000LL + iv->micros;
        return nb_put(hn, &span, sizeof span);
    }
    case TN_T_BOOL: {
        uint8_t b = ((const uint8_t *)ph->data)[p] != 0;
        return nb_put(hn, &b, 1);
    }
    default: {
        size_t w = tn_type_width(v->type);
        return nb_put(hn, (const unsigned char *)ph->data + (size_t)p * w, w);
    }
    }
}

/* Serialise the active rows of nested key column c and point its view at the byte strings. */
static int nested_view(ex_ht *ht, uint32_t c, const tn_vector *v, const uint32_t *sel, uint32_t n, tn_err *err)
{
    ht_nested *hn = ht->nst[c];
    uint64_t *bits = ht->bits + (size_t)c * TN_BITMAP_WORDS(TN_BATCH);
    memset(bits, 0xff, TN_BITMAP_WORDS(TN_BATCH) * 8);
    hn->len = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t r = EX_OPROW(sel, k), p;
        bool valid;
        ex_nested_phys(v, r, &p, &valid);
        hn->off[r] = hn->len;
        hn->blen[r] = 0;
        if (!valid) {
            tn_bit_clear(bits, r);
            continue;
        }
        int rc = ser_row(hn, v, r);
        if (rc == TN_MISUSE)
            return tn_err_set(err, rc, "hash table key %u: inconsistent nested vector", c);
        if (rc || hn->len - hn->off[r] > UINT32_MAX)
            return tn_err_set(err, TN_NOMEM, "out of memory (nested group keys)");
        hn->blen[r] = (uint32_t)(hn->len - hn->off[r]);
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t r = EX_OPROW(sel, k);
        hn->strs[r] = tn_str_make((const char *)hn->buf + hn->off[r], hn->blen[r]);
    }
    ht->views[c].data = hn->strs;
    ht->views[c].idx = NULL;
    ht->views[c].validity = bits;
    return TN_OK;
}

/* ---- hashing ---- */

static inline uint64_t hash_combine(uint64_t h, uint64_t hc)
{
    return h ^ (hc + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

#define HASH_LOOP(EXPR)                                                              \
    do {                                                                             \
        for (uint32_t k = 0; k < n; k++) {                                           \
            uint32_t r = EX_OPROW(sel, k);                                           \
            uint64_t hc;                                                             \
            if (vw->validity && !tn_bit_get(vw->validity, r)) {                      \
                hc = HT_NULL_HASH;                                                   \
            } else {                                                                 \
                uint32_t i = vw->idx ? vw->idx[r] : r;                               \
                EXPR;                                                                \
            }                                                                        \
            hs[k] = first ? hc : hash_combine(hs[k], hc);                            \
        }                                                                            \
    } while (0)

static void hash_column(ex_ht *ht, uint32_t c, const uint32_t *sel, uint32_t n, bool first)
{
    const tn_vview *vw = &ht->views[c];
    uint64_t *hs = ht->hashes;
    size_t w = ht->width[c];
    const unsigned char *base = vw->data;
    switch (ht->klass[c]) {
    case K_F32:
        HASH_LOOP({
            float x = ((const float *)base)[i];
            if (x == 0.0f)
                x = 0.0f;
            else if (isnan(x))
                x = NAN;
            hc = XXH3_64bits(&x, sizeof x);
        });
        break;
    case K_F64:
        HASH_LOOP({
            double x = ((const double *)base)[i];
            if (x == 0.0)
                x = 0.0;
            else if (isnan(x))
                x = NAN;
            hc = XXH3_64bits(&x, sizeof x);
        });
        break;
    case K_STR:
        HASH_LOOP({
            const tn_str *s = (const tn_str *)base + i;
            hc = XXH3_64bits(tn_str_data(s), s->len);
        });
        break;
    case K_INTERVAL:
        HASH_LOOP({
            const tn_interval *iv = (const tn_interval *)base + i;
            tn_i128 span = ((tn_i128)iv->months * 30 + iv->days) * (tn_i128)86400000000LL + iv->micros;
            hc = XXH3_64bits(&span, sizeof span);
        });
        break;
    default:
        HASH_LOOP({ hc = XXH3_64bits(base + (size_t)i * w, w); });
        break;
    }
}

/* ---- candidate verification: match[j] &= key(row of cand[j]) == key(group cand_gid[j]) ---- */

#define MATCH_LOOP(EQ)                                                                  \
    do {                                                                                \
        for (uint32_t j = 0; j < nc; j++) {                                             \
            if (!match[j])                                                              \
                continue;                                                               \
            uint32_t r = EX_OPROW(sel, cand[j]);                                        \
            uint32_t g = gid[j];                                                        \
            bool rnull = vw->validity && !tn_bit_get(vw->validity, r);                  \
            if (rnull || gnull[g]) {                                                    \
                match[j] = rnull && gnull[g];                                           \
                continue;                                                               \
            }                                                                           \
            uint32_t i = vw->idx ? vw->idx[r] : r;                                      \
            match[j] = (EQ);                                                            \
        }                                                                               \
    } while (0)

static inline bool f32_eq(float a, float b) { return a == b || (isnan(a) && isnan(b)); }
static inline bool f64_eq(double a, double b) { return a == b || (isnan(a) && isnan(b)); }
static inline bool iv_eq(const tn_interval *a, const tn_interval *b)
{
    tn_i128 sa = ((tn_i128)a->months * 30 + a->days) * (tn_i128)86400000000LL + a->micros;
    tn_i128 sb = ((tn_i128)b->months * 30 + b->days) * (tn_i128)86400000000LL + b->micros;
    return sa == sb;
}

static void match_column(ex_ht *ht, uint32_t c, const uint32_t *sel, const uint32_t *cand, const uint32_t *gid,
                         uint32_t nc, uint8_t *match)
{
    const tn_vview *vw = &ht->views[c];
    const uint8_t *gnull = ht->gnull[c];
    const unsigned char *gd = ht->gdata[c];
    const unsigned char *base = vw->data;
    size_t w = ht->width[c];
    switch (ht->klass[c]) {
    case K_F32: MATCH_LOOP(f32_eq(((const float *)base)[i], ((const float *)gd)[g])); break;
    case K_F64: MATCH_LOOP(f64_eq(((const double *)base)[i], ((const double *)gd)[g])); break;
    case K_STR: MATCH_LOOP(tn_str_eq((const tn_str *)base + i, (const tn_str *)gd + g)); break;
    case K_INTERVAL:
        MATCH_LOOP(iv_eq((const tn_interval *)base + i, (const tn_interval *)gd + g));
        break;
    default:
        switch (w) {
        case 1: MATCH_LOOP(base[i] == gd[g]); break;
        case 2: MATCH_LOOP(((const uint16_t *)base)[i] == ((const uint16_t *)gd)[g]); break;
        case 4: MATCH_LOOP(((const uint32_t *)base)[i] == ((const uint32_t *)gd)[g]); break;
        case 8: MATCH_LOOP(((const uint64_t *)base)[i] == ((const uint64_t *)gd)[g]); break;
        default: MATCH_LOOP(memcmp(base + (size_t)i * w, gd + (size_t)g * w, w) == 0); break;
        }
    }
}

/* ---- probe ---- */

int ex_ht_find_or_insert(ex_ht *ht, tn_vector *const *keys, uint32_t count, const uint32_t *sel, uint32_t n,
                         uint32_t *gids, uint32_t *new_pos, uint32_t *nnew, tn_err *err)
{
    if (nnew)
        *nnew = 0;
    if (n == 0)
        return TN_OK;
    if (count > TN_BATCH || n > TN_BATCH)
        return tn_err_set(err, TN_MISUSE, "hash table batch of %u rows exceeds %u", count, TN_BATCH);
    /* reserve room for the whole batch: load factor <= 1/2 */
    uint64_t need = ((uint64_t)ht->ngroups + n) * 2;
    if (need > HT_MAX_SLOTS || (uint64_t)ht->ngroups + n >= UINT32_MAX)
        return tn_err_set(err, TN_ERROR, "too many groups (%u)", ht->ngroups);
    if (need > ht->nslots) {
        uint64_t ns = ht->nslots;
        while (ns < need)
            ns *= 2;
        if (resize_slots(ht, ns))
            return tn_err_set(err, TN_NOMEM, "out of memory (hash table of %llu slots)", (unsigned long long)ns);
    }
    ht->curkeys = keys;
    ht->curcount = count;
    for (uint32_t c = 0; c < ht->nkeys; c++) {
        if (!tn_type_equal(keys[c]->type, ht->types[c]) && keys[c]->type.id != ht->types[c].id)
            return tn_err_set(err, TN_MISUSE, "hash table key %u has the wrong type", c);
        if (ht->nst[c]) {
            if (!tn_type_equal(keys[c]->type, ht->types[c]))
                return tn_err_set(err, TN_MISUSE, "hash table key %u has the wrong type", c);
            int rc = nested_view(ht, c, keys[c], sel, n, err);
            if (rc)
                return rc;
        } else {
            ex_view_resolve(keys[c], count, &ht->views[c], ht->bits + (size_t)c * TN_BITMAP_WORDS(TN_BATCH));
        }
        hash_column(ht, c, sel, n, c == 0);
    }
    uint64_t *slots = ht->slots;
    uint64_t mask = ht->mask;
    uint32_t *pend = ht->pend, *pend2 = ht->pend2, *cand = ht->cand, *ins = ht->ins, *cgid = ht->cand_gid;
    uint32_t *pslot = ht->pos_slot;
    uint8_t *match = ht->match;
    uint32_t np = n;
    for (uint32_t k = 0; k < n; k++) {
        pend[k] = k;
        pslot[k] = (uint32_t)(ht->hashes[k] & mask);
    }
    uint32_t nnew_local = 0;
    while (np) {
        uint32_t nc = 0, ni = 0, np2 = 0;
        for (uint32_t j = 0; j < np; j++) {
            uint32_t k = pend[j];
            uint64_t salt = ht->hashes[k] >> 32;
            uint64_t s = pslot[k];
            for (;;) {
                uint64_t e = slots[s];
                if (!e) {
                    ins[ni++] = k;
                    break;
                }
                if ((e >> 32) == salt) {
                    cgid[nc] = (uint32_t)(e & 0xffffffffu) - 1;
                    cand[nc++] = k;
                    break;
                }
                s = (s + 1) & mask;
            }
            pslot[k] = (uint32_t)s;
        }
        if (nc) {
            memset(match, 1, nc);
            for (uint32_t c = 0; c < ht->nkeys; c++)
                match_column(ht, c, sel, cand, cgid, nc, match);
            for (uint32_t j = 0; j < nc; j++) {
                uint32_t k = cand[j];
                if (match[j]) {
                    gids[k] = cgid[j];
                } else {
                    pslot[k] = (uint32_t)((pslot[k] + 1) & mask);
                    pend2[np2++] = k;
                }
            }
        }
        for (uint32_t j = 0; j < ni; j++) {
            uint32_t k = ins[j];
            uint32_t s = pslot[k];
            if (slots[s]) { /* taken by an insert earlier in this round: verify next round */
                pend2[np2++] = k;
                continue;
            }
            uint32_t g;
            if (add_group(ht, EX_OPROW(sel, k), ht->hashes[k], &g))
                return tn_err_set(err, TN_NOMEM, "out of memory (group storage)");
            slots[s] = ((ht->hashes[k] >> 32) << 32) | ((uint64_t)g + 1);
            gids[k] = g;
            if (new_pos)
                new_pos[nnew_local++] = k;
        }
        /* pend2 may hold positions out of order; new_pos order only matters per insert round */
        uint32_t *t = pend;
        pend = pend2;
        pend2 = t;
        np = np2;
    }
    ht->pend = pend;
    ht->pend2 = pend2;
    if (new_pos) {
        /* inserts of later rounds can interleave: keep new_pos ascending */
        for (uint32_t i = 1; i < nnew_local; i++) {
            uint32_t x = new_pos[i], j = i;
            while (j > 0 && new_pos[j - 1] > x) {
                new_pos[j] = new_pos[j - 1];
                j--;
            }
            new_pos[j] = x;
        }
    }
    if (nnew)
        *nnew = nnew_local;
    return TN_OK;
}

int ex_ht_get_keys(const ex_ht *ht, uint32_t col, uint32_t start, uint32_t n, tn_vector *out)
{
    tn_vector_reset(out);
    if (ht->nst[col])
        return ex_nested_slice(out, ht->nst[col]->store, start, n);
    if (tn_vector_reserve(out, n ? n : 1))
        return TN_NOMEM;
    size_t w = ht->width[col];
    memcpy(out->data, ht->gdata[col] + (size_t)start * w, (size_t)n * w);
    const uint8_t *nl = ht->gnull[col] + start;
    for (uint32_t k = 0; k < n; k++) {
        if (nl[k] && tn_vector_set_null(out, k))
            return TN_NOMEM;
    }
    return TN_OK;
}
