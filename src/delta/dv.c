/*
 * dv.c -- deletion vectors (PROTOCOL.md "Deletion Vectors", "Deletion Vector Descriptor Schema",
 * "Derived Fields", "Deletion Vector Format", "Deletion Vector File Storage Format").
 *
 * Descriptor -> bytes:
 *   'i'  pathOrInlineDv is the Z85 text of the serialized bitmap (sizeInBytes = raw size; the text
 *        covers it rounded up to a multiple of 4).
 *   'u'  pathOrInlineDv = optional random prefix + 20 Z85 characters encoding a UUID; the file is
 *        <root>/<prefix>/deletion_vector_<uuid>.bin (the prefix must be alphanumeric: anything else
 *        could leave the table directory).
 *   'p'  pathOrInlineDv is an absolute path URI (same rules as data file paths).
 * DV file: a version byte (1) at 0; at `offset` a big-endian int32 dataSize (== sizeInBytes), the
 * bitmap bytes, and a big-endian CRC-32 of those bytes.
 *
 * Bitmap ("RoaringBitmapArray"): little-endian int32 magic 1681511377, then the 64-bit "portable"
 * RoaringBitmap serialization: int64 number of buckets, then per bucket (ascending keys, top bit
 * of the key 0) a uint32 key (high 32 bits of the rows) and a standard 32-bit portable RoaringBitmap.
 * The spec's inline example (Example 3) is in the older "native" layout instead: magic 1681511376
 * written big-endian, an int32 bitmap count, then per high key 0, 1, ... an int32 length and the
 * 32-bit bitmap; both layouts are accepted (the 32-bit bitmaps themselves are always the standard
 * little-endian format)
 * (RoaringFormatSpec: cookie 12346 + container count, or 12347 with run flags; per container key
 * and cardinality-1; an offset header unless run-cookie with < 4 containers; then array /
 * bitmap / run containers). We decode it ourselves instead of handing hostile bytes to a library:
 * every length is checked against the input, arrays must be strictly increasing, runs sorted,
 * disjoint and inside 16 bits, bitmap popcounts and run lengths must match the header
 * cardinalities, keys must increase, and the whole input must be consumed. The result is a sorted
 * array of containers keyed by the row's high 48 bits; memory is proportional to the input size.
 * Finally the total cardinality must equal the descriptor's.
 */
#include "delta_int.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define DV_MAGIC 1681511377u        /* portable RoaringBitmapArray */
#define DV_MAGIC_NATIVE 1681511376u /* native RoaringBitmapArray */
#define COOKIE_NORUN 12346u
#define COOKIE_RUN 12347u
#define NO_OFFSET_THRESHOLD 4u
#define DV_MAX_BYTES ((uint64_t)1 << 31)

enum { C_ARRAY = 1, C_BITMAP = 2, C_RUN = 3 };

typedef struct dv_cont {
    uint64_t key;          /* row >> 16 */
    uint8_t type;
    uint32_t card;
    uint32_t n;            /* array: values; run: runs */
    const uint16_t *arr;   /* array values, or run pairs (start, length - 1) */
    const uint64_t *bits;  /* bitmap: 1024 words */
} dv_cont;

struct dlt_dv {
    dv_cont *c;
    uint32_t nc;
    uint64_t card;
    dlt_arena arena;
};

/* ---- Z85 ---- */

static const char g_z85[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

static int z85_val(unsigned char c)
{
    const char *p = c ? memchr(g_z85, c, 85) : NULL;
    return p ? (int)(p - g_z85) : -1;
}

int dlt_z85_decode(const char *s, size_t n, uint8_t *out, tn_err *err)
{
    if (n % 5)
        return tn_err_set(err, TN_CORRUPT, "Z85 text of %zu characters is not a multiple of 5", n);
    for (size_t i = 0; i < n; i += 5) {
        uint64_t v = 0;
        for (int k = 0; k < 5; k++) {
            int d = z85_val((unsigned char)s[i + k]);
            if (d < 0)
                return tn_err_set(err, TN_CORRUPT, "invalid Z85 character 0x%02x at %zu", (unsigned char)s[i + k], i + k);
            v = v * 85 + (uint64_t)d;
        }
        if (v > UINT32_MAX)
            return tn_err_set(err, TN_CORRUPT, "Z85 group at %zu exceeds 32 bits", i);
        uint8_t *o = out + i / 5 * 4;
        o[0] = (uint8_t)(v >> 24);
        o[1] = (uint8_t)(v >> 16);
        o[2] = (uint8_t)(v >> 8);
        o[3] = (uint8_t)v;
    }
    return TN_OK;
}

/* ---- decoding ---- */

typedef struct rd {
    const uint8_t *p;
    size_t n, off;
    tn_err *err;
} rd;

static int rd_fail(rd *r, const char *what)
{
    return tn_err_set(r->err, TN_CORRUPT, "deletion vector bitmap: %s at byte %zu", what, r->off);
}

static bool rd_have(rd *r, size_t k)
{
    return r->n - r->off >= k;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

typedef struct cvec {
    dv_cont *v;
    uint32_t n, cap;
} cvec;

static int cvec_push(cvec *cv, const dv_cont *c)
{
    if (cv->n == cv->cap) {
        uint32_t nc = cv->cap ? cv->cap * 2 : 16;
        dv_cont *p = tn_realloc(cv->v, nc * sizeof *p);
        if (!p)
            return TN_NOMEM;
        cv->v = p;
        cv->cap = nc;
    }
    cv->v[cv->n++] = *c;
    return TN_OK;
}

/* One 32-bit portable RoaringBitmap whose rows have high 32 bits `hi`. */
static int decode32(rd *r, uint32_t hi, dlt_arena *a, cvec *out, uint64_t *card)
{
    if (!rd_have(r, 4))
        return rd_fail(r, "truncated cookie");
    uint32_t cookie = le32(r->p + r->off);
    uint32_t size;
    const uint8_t *runflags = NULL;
    bool hasrun = (cookie & 0xFFFF) == COOKIE_RUN;
    if (hasrun) {
        size = (cookie >> 16) + 1;
        r->off += 4;
        size_t fb = (size + 7) / 8;
        if (!rd_have(r, fb))
            return rd_fail(r, "truncated run flags");
        runflags = r->p + r->off;
        r->off += fb;
    } else if (cookie == COOKIE_NORUN) {
        r->off += 4;
        if (!rd_have(r, 4))
            return rd_fail(r, "truncated container count");
        size = le32(r->p + r->off);
        r->off += 4;
    } else {
        return rd_fail(r, "unknown RoaringBitmap cookie");
    }
    if (size > 65536)
        return rd_fail(r, "more than 65536 containers");
    if (!rd_have(r, (size_t)size * 4))
        return rd_fail(r, "truncated container header");
    const uint8_t *hdr = r->p + r->off;
    r->off += (size_t)size * 4;
    if (!hasrun || size >= NO_OFFSET_THRESHOLD) {
        /* the offsets are redundant with the sequential layout, which is what we follow */
        if (!rd_have(r, (size_t)size * 4))
            return rd_fail(r, "truncated offset header");
        r->off += (size_t)size * 4;
    }
    int prev_key = -1;
    for (uint32_t i = 0; i < size; i++) {
        uint16_t key = le16(hdr + (size_t)i * 4);
        uint32_t ccard = (uint32_t)le16(hdr + (size_t)i * 4 + 2) + 1;
        if ((int)key <= prev_key)
            return rd_fail(r, "container keys not increasing");
        prev_key = key;
        dv_cont c;
        memset(&c, 0, sizeof c);
        c.key = (uint64_t)hi << 16 | key;
        c.card = ccard;
        bool isrun = runflags && (runflags[i / 8] >> (i % 8) & 1);
        if (isrun) {
            if (!rd_have(r, 2))
                return rd_fail(r, "truncated run container");
            uint32_t nruns = le16(r->p + r->off);
            r->off += 2;
            if (!rd_have(r, (size_t)nruns * 4))
                return rd_fail(r, "truncated runs");
            uint16_t *runs = dlt_arena_alloc(a, (size_t)nruns * 4 + 2);
            if (!runs)
                return TN_NOMEM;
            uint64_t total = 0;
            int64_t prev_end = -1;
            for (uint32_t k = 0; k < nruns; k++) {
                uint16_t st = le16(r->p + r->off + (size_t)k * 4);
                uint16_t lm1 = le16(r->p + r->off + (size_t)k * 4 + 2);
                if ((int64_t)st <= prev_end || (uint32_t)st + lm1 > 65535)
                    return rd_fail(r, "run container runs overlap, are unsorted or exceed 16 bits");
                prev_end = (int64_t)st + lm1;
                runs[2 * k] = st;
                runs[2 * k + 1] = lm1;
                total += (uint64_t)lm1 + 1;
            }
            if (total != ccard)
                return rd_fail(r, "run container cardinality mismatch");
            r->off += (size_t)nruns * 4;
            c.type = C_RUN;
            c.n = nruns;
            c.arr = runs;
        } else if (ccard <= 4096) {
            if (!rd_have(r, (size_t)ccard * 2))
                return rd_fail(r, "truncated array container");
            uint16_t *arr = dlt_arena_alloc(a, (size_t)ccard * 2);
            if (!arr)
                return TN_NOMEM;
            int prev = -1;
            for (uint32_t k = 0; k < ccard; k++) {
                uint16_t v = le16(r->p + r->off + (size_t)k * 2);
                if ((int)v <= prev)
                    return rd_fail(r, "array container values not strictly increasing");
                prev = v;
                arr[k] = v;
            }
            r->off += (size_t)ccard * 2;
            c.type = C_ARRAY;
            c.n = ccard;
            c.arr = arr;
        } else {
            if (!rd_have(r, 8192))
                return rd_fail(r, "truncated bitmap container");
            uint64_t *bits = dlt_arena_alloc(a, 8192);
            if (!bits)
                return TN_NOMEM;
            uint64_t pc = 0;
            for (uint32_t k = 0; k < 1024; k++) {
                bits[k] = le64(r->p + r->off + (size_t)k * 8);
                pc += (uint64_t)__builtin_popcountll(bits[k]);
            }
            if (pc != ccard)
                return rd_fail(r, "bitmap container cardinality mismatch");
            r->off += 8192;
            c.type = C_BITMAP;
            c.bits = bits;
        }
        if (cvec_push(out, &c))
            return TN_NOMEM;
        *card += ccard;
    }
    return TN_OK;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Portable layout: int64 bucket count, then (uint32 key, bitmap) per bucket. */
static int decode_portable(rd *r, dlt_dv *dv, cvec *cv)
{
    if (!rd_have(r, 8))
        return rd_fail(r, "truncated bucket count");
    uint64_t nb = le64(r->p + r->off);
    r->off += 8;
    if (nb > (r->n - r->off) / 12)
        return rd_fail(r, "bucket count larger than the data");
    int64_t prev = -1;
    for (uint64_t b = 0; b < nb; b++) {
        if (!rd_have(r, 4))
            return rd_fail(r, "truncated bucket key");
        uint32_t key = le32(r->p + r->off);
        if (key & 0x80000000u)
            return rd_fail(r, "bucket key with the top bit set");
        if ((int64_t)key <= prev)
            return rd_fail(r, "bucket keys not increasing");
        prev = key;
        r->off += 4;
        int rc = decode32(r, key, &dv->arena, cv, &dv->card);
        if (rc)
            return rc;
    }
    return TN_OK;
}

/* Native layout (the spec's inline example; Delta's RoaringBitmapArrayFormat.Native): int32
 * bitmap count, then per bitmap an int32 length and the bitmap; bitmap i holds the rows whose high
 * 32 bits are i. The framing integers use the byte order the magic was written in. */
static int decode_native(rd *r, bool big, dlt_dv *dv, cvec *cv)
{
    if (!rd_have(r, 4))
        return rd_fail(r, "truncated bitmap count");
    uint32_t nb = big ? be32(r->p + r->off) : le32(r->p + r->off);
    r->off += 4;
    if (nb > (r->n - r->off) / 12)
        return rd_fail(r, "bitmap count larger than the data");
    for (uint32_t b = 0; b < nb; b++) {
        if (!rd_have(r, 4))
            return rd_fail(r, "truncated bitmap length");
        uint32_t len = big ? be32(r->p + r->off) : le32(r->p + r->off);
        r->off += 4;
        if (!rd_have(r, len))
            return rd_fail(r, "bitmap length beyond the data");
        size_t end = r->off + len;
        rd sub = {r->p, end, r->off, r->err};
        int rc = decode32(&sub, b, &dv->arena, cv, &dv->card);
        if (rc)
            return rc;
        if (sub.off != end)
            return rd_fail(&sub, "bitmap shorter than its length");
        r->off = end;
    }
    return TN_OK;
}

int dlt_dv_decode(const uint8_t *p, size_t n, dlt_dv **out, tn_err *err)
{
    *out = NULL;
    rd r = {p, n, 0, err};
    cvec cv = {NULL, 0, 0};
    dlt_dv *dv = tn_calloc(1, sizeof *dv);
    int rc;
    if (!dv)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    dlt_arena_init(&dv->arena);
    if (!rd_have(&r, 8)) {
        rc = rd_fail(&r, "shorter than magic and bucket count");
        goto fail;
    }
    r.off = 4;
    if (le32(p) == DV_MAGIC)
        rc = decode_portable(&r, dv, &cv);
    else if (be32(p) == DV_MAGIC_NATIVE)
        rc = decode_native(&r, true, dv, &cv);
    else if (le32(p) == DV_MAGIC_NATIVE)
        rc = decode_native(&r, false, dv, &cv);
    else
        rc = tn_err_set(err, TN_CORRUPT, "deletion vector bitmap: bad magic number %u (expected %u)", le32(p), DV_MAGIC);
    if (rc) {
        if (rc == TN_NOMEM)
            rc = tn_err_set(err, TN_NOMEM, "out of memory decoding a deletion vector");
        goto fail;
    }
    if (r.off != n) {
        rc = rd_fail(&r, "trailing bytes after the bitmap");
        goto fail;
    }
    dv->c = cv.v;
    dv->nc = cv.n;
    *out = dv;
    return TN_OK;
fail:
    tn_free(cv.v);
    dlt_arena_free(&dv->arena);
    tn_free(dv);
    return rc;
}

void dlt_dv_free(dlt_dv *dv)
{
    if (!dv)
        return;
    tn_free(dv->c);
    dlt_arena_free(&dv->arena);
    tn_free(dv);
}

uint64_t dlt_dv_cardinality(const dlt_dv *dv)
{
    return dv->card;
}

static uint32_t cont_max(const dv_cont *c)
{
    switch (c->type) {
    case C_ARRAY: return c->arr[c->n - 1];
    case C_RUN: return (uint32_t)c->arr[2 * (c->n - 1)] + c->arr[2 * (c->n - 1) + 1];
    default:
        for (int k = 1023; k >= 0; k--)
            if (c->bits[k])
                return (uint32_t)k * 64 + 63 - (uint32_t)__builtin_clzll(c->bits[k]);
        return 0;
    }
}

uint64_t dlt_dv_max(const dlt_dv *dv)
{
    if (!dv->nc)
        return 0;
    const dv_cont *c = &dv->c[dv->nc - 1];
    return c->key << 16 | cont_max(c);
}

/* First container with key >= k. */
static uint32_t find_cont(const dlt_dv *dv, uint64_t k)
{
    uint32_t lo = 0, hi = dv->nc;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (dv->c[mid].key < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool dlt_dv_contains(const dlt_dv *dv, uint64_t row)
{
    uint32_t i = find_cont(dv, row >> 16);
    if (i >= dv->nc || dv->c[i].key != row >> 16)
        return false;
    const dv_cont *c = &dv->c[i];
    uint16_t lo16 = (uint16_t)row;
    if (c->type == C_BITMAP)
        return c->bits[lo16 >> 6] >> (lo16 & 63) & 1;
    if (c->type == C_ARRAY) {
        uint32_t a = 0, b = c->n;
        while (a < b) {
            uint32_t m = a + (b - a) / 2;
            if (c->arr[m] < lo16)
                a = m + 1;
            else
                b = m;
        }
        return a < c->n && c->arr[a] == lo16;
    }
    /* runs: last run with start <= lo16 */
    uint32_t a = 0, b = c->n;
    while (a < b) {
        uint32_t m = a + (b - a) / 2;
        if (c->arr[2 * m] <= lo16)
            a = m + 1;
        else
            b = m;
    }
    if (a == 0)
        return false;
    return (uint32_t)lo16 <= (uint32_t)c->arr[2 * (a - 1)] + c->arr[2 * (a - 1) + 1];
}

void dlt_dv_iter_init(dlt_dv_iter *it, const dlt_dv *dv, uint64_t from_row)
{
    it->dv = dv;
    it->c = find_cont(dv, from_row >> 16);
    it->pos = 0;
    it->next = from_row;
}

uint32_t dlt_dv_iter_next(dlt_dv_iter *it, uint64_t end_row, uint64_t *buf, uint32_t cap)
{
    const dlt_dv *dv = it->dv;
    uint32_t cnt = 0;
    while (cnt < cap && it->c < dv->nc) {
        const dv_cont *c = &dv->c[it->c];
        uint64_t base = c->key << 16;
        if (base >= end_row)
            break;
        uint32_t lo = it->next > base ? (uint32_t)TN_MIN(it->next - base, (uint64_t)65536) : 0;
        bool done = false; /* container exhausted */
        if (c->type == C_ARRAY) {
            while (it->pos < c->n && c->arr[it->pos] < lo)
                it->pos++;
            while (cnt < cap && it->pos < c->n) {
                uint64_t v = base + c->arr[it->pos];
                if (v >= end_row)
                    return cnt;
                buf[cnt++] = v;
                it->pos++;
                it->next = v + 1;
            }
            done = it->pos >= c->n;
        } else if (c->type == C_BITMAP) {
            uint32_t b = lo;
            while (cnt < cap && b < 65536) {
                uint64_t w = c->bits[b >> 6] >> (b & 63);
                if (!w) {
                    b = (b | 63) + 1;
                    continue;
                }
                b += (uint32_t)__builtin_ctzll(w);
                uint64_t v = base + b;
                if (v >= end_row) {
                    it->next = v;
                    return cnt;
                }
                buf[cnt++] = v;
                it->next = v + 1;
                b++;
            }
            done = b >= 65536;
        } else {
            while (it->pos < c->n && (uint32_t)c->arr[2 * it->pos] + c->arr[2 * it->pos + 1] < lo)
                it->pos++;
            while (cnt < cap && it->pos < c->n) {
                uint32_t st = c->arr[2 * it->pos], en = st + c->arr[2 * it->pos + 1];
                uint32_t v = TN_MAX(st, lo);
                while (cnt < cap && v <= en) {
                    if (base + v >= end_row) {
                        it->next = base + v;
                        return cnt;
                    }
                    buf[cnt++] = base + v;
                    v++;
                }
                lo = v;
                it->next = base + v;
                if (v > en)
                    it->pos++;
            }
            done = it->pos >= c->n;
        }
        if (done) {
            it->c++;
            it->pos = 0;
        }
    }
    return cnt;
}

uint32_t dlt_dv_select(const dlt_dv *dv, uint64_t first_row, uint32_t count, uint32_t *sel)
{
    uint64_t end = first_row + count, cur = first_row;
    uint32_t out = 0;
    if (dv && dv->nc) {
        dlt_dv_iter it;
        dlt_dv_iter_init(&it, dv, first_row);
        uint64_t buf[256];
        uint32_t n;
        while ((n = dlt_dv_iter_next(&it, end, buf, 256)) > 0) {
            for (uint32_t i = 0; i < n; i++) {
                while (cur < buf[i])
                    sel[out++] = (uint32_t)(cur++ - first_row);
                cur = buf[i] + 1;
            }
        }
    }
    while (cur < end)
        sel[out++] = (uint32_t)(cur++ - first_row);
    return out;
}

/* ---- descriptors ---- */

static bool alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int dlt_dv_path(const dlt_table *t, const dlt_dv_desc *d, char **path, tn_err *err)
{
    *path = NULL;
    if (d->storage_type == 'p')
        return dlt_resolve_path(t->root, d->path_or_inline, t->allow_outside, path, err);
    if (d->storage_type != 'u')
        return tn_err_set(err, d->storage_type == 'i' ? TN_ERROR : TN_CORRUPT,
                          "deletion vector with storage type '%c' has no file", d->storage_type);
    size_t n = strlen(d->path_or_inline);
    if (n < 20)
        return tn_err_set(err, TN_CORRUPT, "deletion vector path \"%.64s\": shorter than a Z85 UUID", d->path_or_inline);
    size_t pl = n - 20;
    for (size_t i = 0; i < pl; i++)
        if (!alnum(d->path_or_inline[i]))
            return tn_err_set(err, TN_CORRUPT, "deletion vector path \"%.64s\": prefix is not alphanumeric",
                              d->path_or_inline);
    uint8_t u[16];
    int rc = dlt_z85_decode(d->path_or_inline + pl, 20, u, err);
    if (rc)
        return tn_err_prefix(err, rc, "deletion vector path \"%.64s\": ", d->path_or_inline);
    char name[96];
    snprintf(name, sizeof name,
             "%.*s%sdeletion_vector_%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x.bin", (int)pl,
             d->path_or_inline, pl ? "/" : "", u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
             u[12], u[13], u[14], u[15]);
    *path = dlt_path_join(t->root, name);
    return *path ? TN_OK : tn_err_set(err, TN_NOMEM, "out of memory");
}

static int check_card(const dlt_dv_desc *d, dlt_dv *dv, const char *where, tn_err *err)
{
    if (dv->card != (uint64_t)d->cardinality)
        return tn_err_set(err, TN_CORRUPT, "%s: deletion vector holds %llu rows but its descriptor says cardinality "
                          "%lld", where, (unsigned long long)dv->card, (long long)d->cardinality);
    return TN_OK;
}

int dlt_dv_load(const dlt_table *t, const dlt_dv_desc *d, dlt_dv **out, tn_err *err)
{
    *out = NULL;
    uint8_t *bytes = NULL;
    char *path = NULL;
    vfs_file *f = NULL;
    dlt_dv *dv = NULL;
    int rc;
    if (d->size_in_bytes < 0 || (uint64_t)d->size_in_bytes > DV_MAX_BYTES)
        return tn_err_set(err, TN_CORRUPT, "deletion vector size %d out of range", (int)d->size_in_bytes);
    if (d->storage_type == 'i') {
        size_t n = strlen(d->path_or_inline);
        size_t need = ((size_t)d->size_in_bytes + 3) / 4 * 5;
        if (n < need || n % 5)
            return tn_err_set(err, TN_CORRUPT, "inline deletion vector: %zu Z85 characters cannot hold %d bytes", n,
                              (int)d->size_in_bytes);
        bytes = tn_malloc(n / 5 * 4 + 1);
        if (!bytes)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        if ((rc = dlt_z85_decode(d->path_or_inline, n, bytes, err))) {
            rc = tn_err_prefix(err, rc, "inline deletion vector: ");
            goto done;
        }
        if ((rc = dlt_dv_decode(bytes, (size_t)d->size_in_bytes, &dv, err)) ||
            (rc = check_card(d, dv, "inline deletion vector", err)))
            goto done;
        *out = dv;
        dv = NULL;
        goto done;
    }
    if ((rc = dlt_dv_path(t, d, &path, err)))
        goto done;
    if ((rc = vfs_open(t->fs, path, VFS_READ, &f, err)))
        goto done;
    uint8_t hdr[4];
    if ((rc = vfs_read(f, 0, hdr, 1, err)))
        goto done;
    if (hdr[0] != 1) {
        rc = tn_err_set(err, TN_CORRUPT, "%s: deletion vector file format version %u (expected 1)", path, hdr[0]);
        goto done;
    }
    uint64_t off = d->has_offset ? (uint64_t)d->offset : 0;
    if ((rc = vfs_read(f, off, hdr, 4, err)))
        goto done;
    uint32_t size = be32(hdr);
    if (size != (uint32_t)d->size_in_bytes) {
        rc = tn_err_set(err, TN_CORRUPT, "%s: deletion vector at offset %llu has %u bytes, descriptor says %d", path,
                        (unsigned long long)off, size, (int)d->size_in_bytes);
        goto done;
    }
    uint64_t fsize = 0;
    if ((rc = vfs_size(f, &fsize, err)))
        goto done;
    if (off + 8 + (uint64_t)size > fsize) {
        rc = tn_err_set(err, TN_CORRUPT, "%s: deletion vector at offset %llu (%u bytes + checksum) runs past the end "
                        "of the %llu-byte file", path, (unsigned long long)off, size, (unsigned long long)fsize);
        goto done;
    }
    bytes = tn_malloc((size_t)size + 4);
    if (!bytes) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = vfs_read(f, off + 4, bytes, (size_t)size + 4, err)))
        goto done;
    uint32_t want = be32(bytes + size);
    uint32_t got = (uint32_t)crc32(0L, bytes, size);
    if (want != got) {
        rc = tn_err_set(err, TN_CORRUPT, "%s: deletion vector at offset %llu: CRC-32 mismatch (stored %08x, computed "
                        "%08x)", path, (unsigned long long)off, want, got);
        goto done;
    }
    if ((rc = dlt_dv_decode(bytes, size, &dv, err))) {
        rc = tn_err_prefix(err, rc, "%s: offset %llu: ", path, (unsigned long long)off);
        goto done;
    }
    if ((rc = check_card(d, dv, path, err)))
        goto done;
    *out = dv;
    dv = NULL;
done:
    dlt_dv_free(dv);
    if (f)
        vfs_close(f);
    tn_free(bytes);
    tn_free(path);
    return rc;
}
