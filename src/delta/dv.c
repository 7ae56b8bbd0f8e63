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
 * little-endian format of RoaringFormatSpec).
 *
 * The 32-bit bitmaps are held and queried by CRoaring (roaring_bitmap_portable_deserialize_safe,
 * roaring_bitmap_contains, roaring_uint32_iterator_t). Debian 12 ships CRoaring 0.2.66, whose
 * "safe" deserializer only bounds its reads: it trusts the cardinalities and container contents
 * (an all-zero bitset container or an empty run container makes its iterators read out of bounds,
 * unsorted arrays give wrong answers) and prints to stderr on malformed input. So each 32-bit
 * bitmap is first validated here without allocating -- every length checked against the input,
 * container keys increasing, array values strictly increasing, runs sorted, disjoint and inside
 * 16 bits, bitmap popcounts and run lengths equal to the header cardinalities -- and only bytes
 * that pass are handed to CRoaring. The whole input must be consumed and the total cardinality
 * must equal the descriptor's.
 */
#include "delta_int.h"

#include <stdio.h>
#include <string.h>
#include <roaring/roaring.h>
#include <zlib.h>

#define DV_MAGIC 1681511377u        /* portable RoaringBitmapArray */
#define DV_MAGIC_NATIVE 1681511376u /* native RoaringBitmapArray */
#define COOKIE_NORUN 12346u
#define COOKIE_RUN 12347u
#define NO_OFFSET_THRESHOLD 4u
#define DV_MAX_BYTES ((uint64_t)1 << 31)

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

struct dlt_dv {
    uint32_t n;              /* buckets */
    uint32_t *keys;          /* high 32 bits of the bucket's rows, strictly ascending */
    roaring_bitmap_t **bm;   /* low 32 bits, one CRoaring bitmap per bucket */
    uint64_t card;
};

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

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Validate one 32-bit portable RoaringBitmap at r->off (RoaringFormatSpec: cookie 12346 + container
 * count, or 12347 with run flags; per container key and cardinality-1; an offset header unless
 * run-cookie with < 4 containers; then array / bitmap / run containers). Advances r->off past it
 * and returns its cardinality in *card. Allocates nothing. */
static int validate32(rd *r, uint64_t *card)
{
    *card = 0;
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
        /* the offsets are redundant with the sequential layout, which is what readers follow */
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
        bool isrun = runflags && (runflags[i / 8] >> (i % 8) & 1);
        if (isrun) {
            if (!rd_have(r, 2))
                return rd_fail(r, "truncated run container");
            uint32_t nruns = le16(r->p + r->off);
            r->off += 2;
            if (!rd_have(r, (size_t)nruns * 4))
                return rd_fail(r, "truncated runs");
            uint64_t total = 0;
            int64_t prev_end = -1;
            for (uint32_t k = 0; k < nruns; k++) {
                uint16_t st = le16(r->p + r->off + (size_t)k * 4);
                uint16_t lm1 = le16(r->p + r->off + (size_t)k * 4 + 2);
                if ((int64_t)st <= prev_end || (uint32_t)st + lm1 > 65535)
                    return rd_fail(r, "run container runs overlap, are unsorted or exceed 16 bits");
                prev_end = (int64_t)st + lm1;
                total += (uint64_t)lm1 + 1;
            }
            if (total != ccard)
                return rd_fail(r, "run container cardinality mismatch");
            r->off += (size_t)nruns * 4;
        } else if (ccard <= 4096) {
            if (!rd_have(r, (size_t)ccard * 2))
                return rd_fail(r, "truncated array container");
            int prev = -1;
            for (uint32_t k = 0; k < ccard; k++) {
                uint16_t v = le16(r->p + r->off + (size_t)k * 2);
                if ((int)v <= prev)
                    return rd_fail(r, "array container values not strictly increasing");
                prev = v;
            }
            r->off += (size_t)ccard * 2;
        } else {
            if (!rd_have(r, 8192))
                return rd_fail(r, "truncated bitmap container");
            uint64_t pc = 0;
            for (uint32_t k = 0; k < 1024; k++)
                pc += (uint64_t)__builtin_popcountll(le64(r->p + r->off + (size_t)k * 8));
            if (pc != ccard)
                return rd_fail(r, "bitmap container cardinality mismatch");
            r->off += 8192;
        }
        *card += ccard;
    }
    return TN_OK;
}

/* Validate the 32-bit bitmap at r->off (inside r->n) and append it to dv as bucket `key`,
 * deserialized by CRoaring. */
static int add_bucket(rd *r, dlt_dv *dv, uint32_t key, uint32_t *cap)
{
    size_t start = r->off;
    uint64_t card;
    int rc = validate32(r, &card);
    if (rc)
        return rc;
    if (dv->n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 4;
        uint32_t *k = tn_realloc(dv->keys, nc * sizeof *k);
        if (!k)
            return TN_NOMEM;
        dv->keys = k;
        roaring_bitmap_t **b = tn_realloc(dv->bm, nc * sizeof *b);
        if (!b)
            return TN_NOMEM;
        dv->bm = b;
        *cap = nc;
    }
    roaring_bitmap_t *bm = roaring_bitmap_portable_deserialize_safe((const char *)r->p + start, r->off - start);
    if (!bm)
        return TN_NOMEM; /* validated bytes: only allocation can fail */
    if (roaring_bitmap_get_cardinality(bm) != card) {
        roaring_bitmap_free(bm);
        r->off = start;
        return rd_fail(r, "bitmap rejected by CRoaring after validation");
    }
    dv->keys[dv->n] = key;
    dv->bm[dv->n++] = bm;
    dv->card += card;
    return TN_OK;
}

/* Portable layout: int64 bucket count, then (uint32 key, bitmap) per bucket. */
static int decode_portable(rd *r, dlt_dv *dv)
{
    if (!rd_have(r, 8))
        return rd_fail(r, "truncated bucket count");
    uint64_t nb = le64(r->p + r->off);
    r->off += 8;
    if (nb > (r->n - r->off) / 12)
        return rd_fail(r, "bucket count larger than the data");
    int64_t prev = -1;
    uint32_t cap = 0;
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
        int rc = add_bucket(r, dv, key, &cap);
        if (rc)
            return rc;
    }
    return TN_OK;
}

/* Native layout (the spec's inline example; Delta's RoaringBitmapArrayFormat.Native): int32
 * bitmap count, then per bitmap an int32 length and the bitmap; bitmap i holds the rows whose high
 * 32 bits are i. The framing integers use the byte order the magic was written in. */
static int decode_native(rd *r, bool big, dlt_dv *dv)
{
    if (!rd_have(r, 4))
        return rd_fail(r, "truncated bitmap count");
    uint32_t nb = big ? be32(r->p + r->off) : le32(r->p + r->off);
    r->off += 4;
    if (nb > (r->n - r->off) / 12)
        return rd_fail(r, "bitmap count larger than the data");
    uint32_t cap = 0;
    for (uint32_t b = 0; b < nb; b++) {
        if (!rd_have(r, 4))
            return rd_fail(r, "truncated bitmap length");
        uint32_t len = big ? be32(r->p + r->off) : le32(r->p + r->off);
        r->off += 4;
        if (!rd_have(r, len))
            return rd_fail(r, "bitmap length beyond the data");
        size_t end = r->off + len;
        rd sub = {r->p, end, r->off, r->err};
        int rc = add_bucket(&sub, dv, b, &cap);
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
    dlt_dv *dv = tn_calloc(1, sizeof *dv);
    int rc;
    if (!dv)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    if (!rd_have(&r, 8)) {
        rc = rd_fail(&r, "shorter than magic and bucket count");
        goto fail;
    }
    r.off = 4;
    if (le32(p) == DV_MAGIC)
        rc = decode_portable(&r, dv);
    else if (be32(p) == DV_MAGIC_NATIVE)
        rc = decode_native(&r, true, dv);
    else if (le32(p) == DV_MAGIC_NATIVE)
        rc = decode_native(&r, false, dv);
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
    *out = dv;
    return TN_OK;
fail:
    dlt_dv_free(dv);
    return rc;
}

void dlt_dv_free(dlt_dv *dv)
{
    if (!dv)
        return;
    for (uint32_t i = 0; i < dv->n; i++)
        roaring_bitmap_free(dv->bm[i]);
    tn_free(dv->bm);
    tn_free(dv->keys);
    tn_free(dv);
}

uint64_t dlt_dv_cardinality(const dlt_dv *dv)
{
    return dv->card;
}

uint64_t dlt_dv_max(const dlt_dv *dv)
{
    /* the last non-empty bucket (a bucket may legally hold an empty bitmap) */
    for (uint32_t i = dv->n; i-- > 0;)
        if (!roaring_bitmap_is_empty(dv->bm[i]))
            return (uint64_t)dv->keys[i] << 32 | roaring_bitmap_maximum(dv->bm[i]);
    return 0;
}

/* First bucket with key >= k. */
static uint32_t find_bucket(const dlt_dv *dv, uint64_t k)
{
    uint32_t lo = 0, hi = dv->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (dv->keys[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool dlt_dv_contains(const dlt_dv *dv, uint64_t row)
{
    uint32_t i = find_bucket(dv, row >> 32);
    return i < dv->n && dv->keys[i] == row >> 32 && roaring_bitmap_contains(dv->bm[i], (uint32_t)row);
}

void dlt_dv_iter_init(dlt_dv_iter *it, const dlt_dv *dv, uint64_t from_row)
{
    it->dv = dv;
    it->bucket = find_bucket(dv, from_row >> 32);
    it->next = from_row;
}

uint32_t dlt_dv_iter_next(dlt_dv_iter *it, uint64_t end_row, uint64_t *buf, uint32_t cap)
{
    const dlt_dv *dv = it->dv;
    uint32_t cnt = 0;
    uint32_t low[256];
    while (cnt < cap && it->bucket < dv->n) {
        uint64_t base = (uint64_t)dv->keys[it->bucket] << 32;
        if (base >= end_row)
            break;
        /* the CRoaring iterator is positioned afresh from it->next on each call (a binary search),
         * so dlt_dv_iter stays a plain value with no CRoaring state in it */
        roaring_uint32_iterator_t ri;
        roaring_init_iterator(dv->bm[it->bucket], &ri);
        bool more = ri.has_value;
        if (more && it->next > base)
            more = roaring_move_uint32_iterator_equalorlarger(&ri, (uint32_t)(it->next - base));
        while (more && cnt < cap) {
            uint32_t want = TN_MIN(cap - cnt, (uint32_t)256);
            uint32_t got = roaring_read_uint32_iterator(&ri, low, want);
            for (uint32_t i = 0; i < got; i++) {
                uint64_t v = base + low[i];
                if (v >= end_row) {
                    it->next = v;
                    return cnt;
                }
                buf[cnt++] = v;
                it->next = v + 1;
            }
            more = got == want && ri.has_value;
        }
        if (more)
            break; /* buf full, bucket not exhausted */
        it->bucket++;
        it->next = TN_MAX(it->next, base + ((uint64_t)1 << 32));
    }
    return cnt;
}

uint32_t dlt_dv_select(const dlt_dv *dv, uint64_t first_row, uint32_t count, uint32_t *sel)
{
    uint64_t end = first_row + count, cur = first_row;
    uint32_t out = 0;
    if (dv && dv->card) {
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
