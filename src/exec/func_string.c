/*
 * func_string.c -- string functions over VARCHAR (UTF-8) and BLOB.
 *
 * Character semantics: VARCHAR values are UTF-8; "characters" are code points, counted as bytes
 * that are not continuation bytes (10xxxxxx), so malformed input never crashes (it just counts
 * oddly). lower/upper map ASCII letters and the two-byte Latin-1, Latin Extended-A, Greek and
 * Cyrillic letters (simple, length-preserving mappings); every other byte is kept as is.
 * Byte-oriented functions (octet_length) work on raw bytes.
 *
 * PostgreSQL edge rules implemented:
 *  - substring(s, start[, len]) is 1-based; characters before position 1 are "virtual": the
 *    result covers positions max(start,1) .. start+len-1; negative len is an error
 *    ("negative substring length not allowed").
 *  - left(s, n) / right(s, n): negative n means all but the last / first |n| characters.
 *  - lpad/rpad(s, len[, fill]) truncate s to len characters; an empty fill pads nothing;
 *    len <= 0 gives ''.
 *  - strpos(s, '') = 1; replace(s, '', x) = s; repeat(s, n <= 0) = ''.
 *  - concat(...) skips NULL arguments; || is NULL if either side is NULL.
 *  - split_part(s, delim, n): negative n counts from the end; n = 0 or a field past either end
 *    gives ''; an empty delimiter splits into characters (DuckDB).
 *
 * Results that are a contiguous piece of an input (substring, trim, left, right, split_part) are zero-copy
 * views: the output keeps the input's heap buffers alive. Everything else is written into the
 * output vector's string heap.
 */
#include "expr_int.h"
#include <string.h>

#define MAX_STRING_BYTES (256u * 1024 * 1024) /* results larger than this are an error */

static inline bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

static uint32_t utf8_count(const char *p, uint32_t n)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        k += !is_cont((unsigned char)p[i]);
    return k;
}

/* Byte offset of character number `ch` (0-based) in p[0..n); n if beyond the end. */
static uint32_t utf8_offset(const char *p, uint32_t n, uint64_t ch)
{
    if (ch == 0)
        return 0;
    uint64_t seen = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!is_cont((unsigned char)p[i])) {
            if (seen == ch)
                return i;
            seen++;
        }
    }
    return n;
}

/* Length in bytes of the character starting at p[i] (at least 1, never past n). */
static uint32_t utf8_char_len(const char *p, uint32_t n, uint32_t i)
{
    uint32_t j = i + 1;
    while (j < n && is_cont((unsigned char)p[j]))
        j++;
    return j - i;
}

static inline const tn_str *str_at(const tn_vview *v, uint32_t r) { return (const tn_str *)v->data + tn_vview_index(v, r); }
static inline int64_t i64_at(const tn_vview *v, uint32_t r) { return ((const int64_t *)v->data)[tn_vview_index(v, r)]; }

/* Copy bytes into the output's heap at row r. */
static inline int put_copy(tn_vector *out, uint32_t r, const char *p, size_t len, tn_err *err)
{
    if (len > MAX_STRING_BYTES)
        return tn_err_set(err, TN_RANGE, "string result too large (%zu bytes)", len);
    if (tn_vector_add_string(out, p, (uint32_t)len, (tn_str *)out->data + r))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    return TN_OK;
}
/* View of bytes that live in an input whose heaps `out` already keeps. */
static inline void put_view(tn_vector *out, uint32_t r, const char *p, uint32_t len)
{
    ((tn_str *)out->data)[r] = tn_str_make(p, len);
}

#define STR_PROLOGUE(NV)                                                                       \
    int rc_ = ex_strict_nulls(args, nargs, sel, n, out);                                       \
    if (rc_)                                                                                   \
        return rc_;                                                                            \
    tn_vview v[NV];                                                                            \
    for (uint32_t a_ = 0; a_ < nargs && a_ < (NV); a_++)                                       \
        tn_vector_view(args[a_], 0, &v[a_]);                                                   \
    TN_UNUSED(fn)

#define FOR_VALID_ROWS                                                                         \
    for (uint32_t i = 0; i < n; i++)                                                           \
        for (uint32_t r = EX_ROW(sel, i), once_ = 1; once_ && ex_out_valid(out, r); once_ = 0)

/* ---- lengths ---- */

static int fn_length(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                     tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(1);
    TN_UNUSED(err);
    bool bytes = *(const int *)fn->data == 1 || args[0]->type.id == TN_T_BLOB;
    int64_t *o = out->data;
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r);
        o[r] = bytes ? (int64_t)s->len : (int64_t)utf8_count(tn_str_data(s), s->len);
    }
    return TN_OK;
}

/* ---- case mapping ---- */

/* Simple case mapping of a code point below U+0800 (two-byte UTF-8), 0 if unchanged. */
static uint32_t cp_lower(uint32_t c)
{
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x410 && c <= 0x42F))
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c == 0x386)
        return 0x3AC;
    if (c >= 0x388 && c <= 0x38A)
        return c + 0x25;
    if (c == 0x38C)
        return 0x3CC;
    if (c == 0x38E || c == 0x38F)
        return c + 0x3F;
    if (((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177) ||
         (c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF)) && !(c & 1))
        return c + 1;
    if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) && (c & 1))
        return c + 1;
    return 0;
}

static uint32_t cp_upper(uint32_t c)
{
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7) || (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) || (c >= 0x430 && c <= 0x44F))
        return c - 0x20;
    if (c == 0x3C2)
        return 0x3A3; /* final sigma */
    if (c >= 0x450 && c <= 0x45F)
        return c - 0x50;
    if (c == 0x3AC)
        return 0x386;
    if (c >= 0x3AD && c <= 0x3AF)
        return c - 0x25;
    if (c == 0x3CC)
        return 0x38C;
    if (c == 0x3CD || c == 0x3CE)
        return c - 0x3F;
    if (((c >= 0x101 && c <= 0x12F) || (c >= 0x133 && c <= 0x137) || (c >= 0x14B && c <= 0x177) ||
         (c >= 0x461 && c <= 0x481) || (c >= 0x48B && c <= 0x4BF)) && (c & 1))
        return c - 1;
    if (((c >= 0x13A && c <= 0x148) || (c >= 0x17A && c <= 0x17E)) && !(c & 1))
        return c - 1;
    return 0;
}

void ex_utf8_case(const char *in, uint32_t n, char *out, bool upper)
{
    const unsigned char *p = (const unsigned char *)in;
    for (uint32_t k = 0; k < n; k++) {
        unsigned char c = p[k];
        if (c < 0x80) {
            if (upper)
                out[k] = (char)(c - ((unsigned)c - 'a' < 26u ? 32 : 0));
            else
                out[k] = (char)(c + ((unsigned)c - 'A' < 26u ? 32 : 0));
            continue;
        }
        if ((c & 0xE0) == 0xC0 && k + 1 < n && (p[k + 1] & 0xC0) == 0x80) {
            uint32_t cp = ((uint32_t)(c & 0x1F) << 6) | (p[k + 1] & 0x3F);
            uint32_t m = upper ? cp_upper(cp) : cp_lower(cp);
            if (m) {
                out[k] = (char)(0xC0 | (m >> 6));
                out[k + 1] = (char)(0x80 | (m & 0x3F));
            } else {
                out[k] = (char)c;
                out[k + 1] = (char)p[k + 1];
            }
            k++;
            continue;
        }
        out[k] = (char)c;
    }
}

static int fn_case(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                   tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(1);
    bool upper = *(const int *)fn->data == 1;
    /* one heap reservation for every long result of the batch */
    size_t total = 0;
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r);
        if (s->len > TN_STR_INLINE)
            total += s->len;
    }
    char *heap = NULL;
    if (total > UINT32_MAX)
        return tn_err_set(err, TN_RANGE, "string result too large");
    if (total && tn_vector_alloc_string(out, (uint32_t)total, &heap))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r);
        const unsigned char *p = (const unsigned char *)tn_str_data(s);
        char small[TN_STR_INLINE], *dst = small;
        if (s->len > TN_STR_INLINE) {
            dst = heap;
            heap += s->len;
        }
        ex_utf8_case((const char *)p, s->len, dst, upper);
        put_view(out, r, dst, s->len);
    }
    return TN_OK;
}

/* ---- substring family (zero-copy) ---- */

/* Characters [from, from+count) of s (0-based, clamped). */
static void char_slice(const char *p, uint32_t len, uint64_t from, uint64_t count, uint32_t *boff, uint32_t *blen)
{
    uint32_t b0 = utf8_offset(p, len, from);
    uint32_t b1 = b0;
    uint64_t seen = 0;
    while (b1 < len && seen < count) {
        b1 += utf8_char_len(p, len, b1);
        seen++;
    }
    *boff = b0;
    *blen = b1 - b0;
}

static int fn_substring(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                        tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(3);
    if (ex_keep_heaps(out, args[0]))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r);
        const char *p = tn_str_data(s);
        int64_t start = i64_at(&v[1], r);
        int64_t first = start < 1 ? 1 : start, last; /* 1-based inclusive end, INT64_MAX = open */
        if (nargs > 2) {
            int64_t len = i64_at(&v[2], r);
            if (len < 0)
                return tn_err_set(err, TN_ERROR, "negative substring length not allowed");
            if (__builtin_add_overflow(start, len, &last))
                last = INT64_MAX;
            else
                last -= 1;
        } else {
            last = INT64_MAX;
        }
        if (last < first) {
            put_view(out, r, "", 0);
            continue;
        }
        uint32_t bo, bl;
        char_slice(p, s->len, (uint64_t)(first - 1), (uint64_t)(last - first) + 1, &bo, &bl);
        put_view(out, r, p + bo, bl);
    }
    return TN_OK;
}

static int fn_left_right(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                         tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(2);
    bool right = *(const int *)fn->data == 1;
    if (ex_keep_heaps(out, args[0]))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r);
        const char *p = tn_str_data(s);
        int64_t k = i64_at(&v[1], r);
        uint64_t nch = utf8_count(p, s->len), take;
        if (k >= 0)
            take = (uint64_t)k < nch ? (uint64_t)k : nch;
        else
            take = (k == INT64_MIN || (uint64_t)(-k) >= nch) ? 0 : nch - (uint64_t)(-k);
        uint32_t bo, bl;
        if (right)
            char_slice(p, s->len, nch - take, take, &bo, &bl);
        else
            char_slice(p, s->len, 0, take, &bo, &bl);
        put_view(out, r, p + bo, bl);
    }
    return TN_OK;
}

/* Is the character at p[i..i+cl) one of the characters of set? */
static bool in_charset(const char *p, uint32_t cl, const char *set, uint32_t setlen)
{
    for (uint32_t j = 0; j < setlen;) {
        uint32_t sl = utf8_char_len(set, setlen, j);
        if (sl == cl && memcmp(set + j, p, cl) == 0)
            return true;
        j += sl;
    }
    return false;
}

/* trim (3 = both), ltrim (1), rtrim (2) */
static int fn_trim(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                   tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(2);
    int mode = *(const int *)fn->data;
    if (ex_keep_heaps(out, args[0]))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r);
        const char *p = tn_str_data(s);
        const char *set = " ";
        uint32_t setlen = 1;
        if (nargs > 1) {
            const tn_str *cs = str_at(&v[1], r);
            set = tn_str_data(cs);
            setlen = cs->len;
        }
        uint32_t b = 0, e = s->len;
        if (mode & 1) {
            while (b < e) {
                uint32_t cl = utf8_char_len(p, e, b);
                if (!in_charset(p + b, cl, set, setlen))
                    break;
                b += cl;
            }
        }
        if (mode & 2) {
            while (e > b) {
                uint32_t st = e - 1;
                while (st > b && is_cont((unsigned char)p[st]))
                    st--;
                if (!in_charset(p + st, e - st, set, setlen))
                    break;
                e = st;
            }
        }
        put_view(out, r, p + b, e - b);
    }
    return TN_OK;
}

/* ---- concatenation ---- */

static int fn_concat_op(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                        tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(2);
    FOR_VALID_ROWS
    {
        const tn_str *a = str_at(&v[0], r), *b = str_at(&v[1], r);
        size_t len = (size_t)a->len + b->len;
        if (len > MAX_STRING_BYTES)
            return tn_err_set(err, TN_RANGE, "string result too large (%zu bytes)", len);
        char small[TN_STR_INLINE], *dst = small;
        if (len > TN_STR_INLINE && tn_vector_alloc_string(out, (uint32_t)len, &dst))
            return tn_err_set(err, TN_NOMEM, "out of memory");
        memcpy(dst, tn_str_data(a), a->len);
        memcpy(dst + a->len, tn_str_data(b), b->len);
        put_view(out, r, dst, (uint32_t)len);
    }
    return TN_OK;
}

/* concat(...): NULL arguments are skipped; never NULL. */
static int fn_concat(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                     tn_vector *out, tn_err *err)
{
    TN_UNUSED(fn);
    tn_vview vs[16];
    tn_vview *v = nargs <= 16 ? vs : tn_malloc(nargs * sizeof *v);
    int rc = TN_OK;
    if (!v)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    for (uint32_t a = 0; a < nargs; a++)
        tn_vector_view(args[a], 0, &v[a]);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        size_t len = 0;
        for (uint32_t a = 0; a < nargs; a++)
            if (args[a]->type.id != TN_T_NULL && tn_vview_valid(&v[a], r))
                len += str_at(&v[a], r)->len;
        if (len > MAX_STRING_BYTES) {
            rc = tn_err_set(err, TN_RANGE, "string result too large (%zu bytes)", len);
            break;
        }
        char small[TN_STR_INLINE], *dst = small;
        if (len > TN_STR_INLINE && tn_vector_alloc_string(out, (uint32_t)len, &dst)) {
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
            break;
        }
        size_t off = 0;
        for (uint32_t a = 0; a < nargs; a++) {
            if (args[a]->type.id == TN_T_NULL || !tn_vview_valid(&v[a], r))
                continue;
            const tn_str *s = str_at(&v[a], r);
            memcpy(dst + off, tn_str_data(s), s->len);
            off += s->len;
        }
        put_view(out, r, dst, (uint32_t)len);
    }
    if (v != vs)
        tn_free(v);
    return rc;
}

/* ---- search ---- */

static const char *find_bytes(const char *h, uint32_t hn, const char *nd, uint32_t nn)
{
    if (nn == 0)
        return h;
    if (nn > hn)
        return NULL;
    const char *p = h, *end = h + (hn - nn) + 1;
    while (p < end) {
        const char *q = memchr(p, nd[0], (size_t)(end - p));
        if (!q)
            return NULL;
        if (memcmp(q + 1, nd + 1, nn - 1) == 0)
            return q;
        p = q + 1;
    }
    return NULL;
}

/* starts_with (0), ends_with (1), contains (2) -> BOOLEAN; strpos (3) -> BIGINT */
static int fn_search(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                     tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(2);
    TN_UNUSED(err);
    int mode = *(const int *)fn->data;
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r), *t = str_at(&v[1], r);
        const char *sp = tn_str_data(s), *tp = tn_str_data(t);
        switch (mode) {
        case 0: ((uint8_t *)out->data)[r] = t->len <= s->len && memcmp(sp, tp, t->len) == 0; break;
        case 1: ((uint8_t *)out->data)[r] = t->len <= s->len && memcmp(sp + s->len - t->len, tp, t->len) == 0; break;
        case 2: ((uint8_t *)out->data)[r] = find_bytes(sp, s->len, tp, t->len) != NULL; break;
        default: {
            const char *q = find_bytes(sp, s->len, tp, t->len);
            ((int64_t *)out->data)[r] = q ? (int64_t)utf8_count(sp, (uint32_t)(q - sp)) + 1 : 0;
            break;
        }
        }
    }
    return TN_OK;
}

/* ---- building new strings ---- */

static int fn_replace(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                      tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(3);
    tn_sbuf sb = TN_SBUF_INIT;
    int rc = TN_OK;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        const tn_str *s = str_at(&v[0], r), *f = str_at(&v[1], r), *t = str_at(&v[2], r);
        const char *sp = tn_str_data(s), *fp = tn_str_data(f), *tp = tn_str_data(t);
        if (f->len == 0) {
            if ((rc = put_copy(out, r, sp, s->len, err)))
                goto done;
            continue;
        }
        tn_sbuf_clear(&sb);
        uint32_t pos = 0;
        for (;;) {
            const char *q = find_bytes(sp + pos, s->len - pos, fp, f->len);
            if (!q) {
                tn_sbuf_append(&sb, sp + pos, s->len - pos);
                break;
            }
            tn_sbuf_append(&sb, sp + pos, (size_t)(q - (sp + pos)));
            tn_sbuf_append(&sb, tp, t->len);
            pos = (uint32_t)(q - sp) + f->len;
            if (sb.len > MAX_STRING_BYTES)
                break;
        }
        if (sb.oom) {
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
            goto done;
        }
        if ((rc = put_copy(out, r, tn_sbuf_str(&sb), sb.len, err)))
            goto done;
    }
done:
    tn_sbuf_free(&sb);
    return rc;
}

static int fn_reverse(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                      tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(1);
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r);
        const char *p = tn_str_data(s);
        char small[TN_STR_INLINE], *dst = small;
        if (s->len > TN_STR_INLINE && tn_vector_alloc_string(out, s->len, &dst))
            return tn_err_set(err, TN_NOMEM, "out of memory");
        uint32_t w = s->len;
        for (uint32_t k = 0; k < s->len;) {
            uint32_t cl = utf8_char_len(p, s->len, k);
            w -= cl;
            memcpy(dst + w, p + k, cl);
            k += cl;
        }
        put_view(out, r, dst, s->len);
    }
    return TN_OK;
}

static int fn_repeat(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                     tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(2);
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r);
        int64_t k = i64_at(&v[1], r);
        if (k <= 0 || s->len == 0) {
            put_view(out, r, "", 0);
            continue;
        }
        if ((uint64_t)k > MAX_STRING_BYTES / s->len)
            return tn_err_set(err, TN_RANGE, "requested length too large");
        uint32_t len = (uint32_t)(s->len * (uint64_t)k);
        char small[TN_STR_INLINE], *dst = small;
        if (len > TN_STR_INLINE && tn_vector_alloc_string(out, len, &dst))
            return tn_err_set(err, TN_NOMEM, "out of memory");
        for (int64_t j = 0; j < k; j++)
            memcpy(dst + (size_t)j * s->len, tn_str_data(s), s->len);
        put_view(out, r, dst, len);
    }
    return TN_OK;
}

/* lpad (0) / rpad (1) */
static int fn_pad(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                  tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(3);
    bool right = *(const int *)fn->data == 1;
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r);
        const char *p = tn_str_data(s);
        int64_t want = i64_at(&v[1], r);
        const char *fill = " ";
        uint32_t flen = 1;
        if (nargs > 2) {
            const tn_str *f = str_at(&v[2], r);
            fill = tn_str_data(f);
            flen = f->len;
        }
        if (want <= 0) {
            put_view(out, r, "", 0);
            continue;
        }
        if ((uint64_t)want > MAX_STRING_BYTES / 4)
            return tn_err_set(err, TN_RANGE, "requested length too large");
        uint64_t have = utf8_count(p, s->len);
        uint32_t bo, bl;
        if (have >= (uint64_t)want || flen == 0) {
            char_slice(p, s->len, 0, (uint64_t)want, &bo, &bl);
            if (tn_vector_add_string(out, p, bl, (tn_str *)out->data + r))
                return tn_err_set(err, TN_NOMEM, "out of memory");
            continue;
        }
        /* pad characters needed, taken cyclically from fill */
        uint64_t need = (uint64_t)want - have;
        size_t padbytes = 0;
        for (uint64_t c = 0, off = 0; c < need; c++) {
            uint32_t cl = utf8_char_len(fill, flen, (uint32_t)off);
            padbytes += cl;
            off += cl;
            if (off >= flen)
                off = 0;
        }
        size_t len = padbytes + s->len;
        if (len > MAX_STRING_BYTES)
            return tn_err_set(err, TN_RANGE, "requested length too large");
        char small[TN_STR_INLINE], *dst = small;
        if (len > TN_STR_INLINE && tn_vector_alloc_string(out, (uint32_t)len, &dst))
            return tn_err_set(err, TN_NOMEM, "out of memory");
        char *pad = right ? dst + s->len : dst;
        for (uint64_t c = 0, off = 0, w = 0; c < need; c++) {
            uint32_t cl = utf8_char_len(fill, flen, (uint32_t)off);
            memcpy(pad + w, fill + off, cl);
            w += cl;
            off += cl;
            if (off >= flen)
                off = 0;
        }
        memcpy(right ? dst : dst + padbytes, p, s->len);
        put_view(out, r, dst, (uint32_t)len);
    }
    return TN_OK;
}

/* split_part(s, delimiter, n): field n (1-based; negative counts from the end). */
static int fn_split_part(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                         tn_vector *out, tn_err *err)
{
    STR_PROLOGUE(3);
    if (ex_keep_heaps(out, args[0]))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    FOR_VALID_ROWS
    {
        const tn_str *s = str_at(&v[0], r), *d = str_at(&v[1], r);
        const char *sp = tn_str_data(s), *dp = tn_str_data(d);
        int64_t k = i64_at(&v[2], r);
        if (k == 0) {
            put_view(out, r, "", 0);
            continue;
        }
        if (d->len == 0) {
            /* empty delimiter: every character is a field (DuckDB) */
            uint64_t nch = utf8_count(sp, s->len), want;
            if (k > 0)
                want = (uint64_t)k;
            else
                want = (k == INT64_MIN || (uint64_t)(-k) > nch) ? 0 : nch + 1 - (uint64_t)(-k);
            uint32_t bo = 0, bl = 0;
            if (want >= 1 && want <= nch)
                char_slice(sp, s->len, want - 1, 1, &bo, &bl);
            put_view(out, r, sp + bo, bl);
            continue;
        }
        /* count fields, then pick */
        uint64_t nf = 1;
        for (const char *q = find_bytes(sp, s->len, dp, d->len); q;
             q = find_bytes(q + d->len, s->len - (uint32_t)(q + d->len - sp), dp, d->len))
            nf++;
        uint64_t want;
        if (k > 0)
            want = (uint64_t)k;
        else
            want = (k == INT64_MIN || (uint64_t)(-k) > nf) ? 0 : nf + 1 - (uint64_t)(-k);
        if (want == 0 || want > nf) {
            put_view(out, r, "", 0);
            continue;
        }
        uint32_t start = 0;
        for (uint64_t f = 1; f < want; f++) {
            const char *q = find_bytes(sp + start, s->len - start, dp, d->len);
            start = (uint32_t)(q - sp) + d->len;
        }
        const char *e = find_bytes(sp + start, s->len - start, dp, d->len);
        uint32_t end = e ? (uint32_t)(e - sp) : s->len;
        put_view(out, r, sp + start, end - start);
    }
    return TN_OK;
}

/* ---- catalog ---- */

static const int k_mode[] = {0, 1, 2, 3};
#define T_(id) {(uint8_t)(id), 0, 0, 0, 0, 0, NULL}
#define T_ANY(id) {(uint8_t)(id), 0, 0, 0, 0, EX_TF_ANY, NULL}
#define VC T_(TN_T_VARCHAR)
#define I64 T_(TN_T_INT64)

static const ex_func k_string[] = {
    {"length", fn_length, I64, {VC}, 1, false, true, &k_mode[0]},
    {"length", fn_length, I64, {T_(TN_T_BLOB)}, 1, false, true, &k_mode[1]},
    {"char_length", fn_length, I64, {VC}, 1, false, true, &k_mode[0]},
    {"character_length", fn_length, I64, {VC}, 1, false, true, &k_mode[0]},
    {"octet_length", fn_length, I64, {VC}, 1, false, true, &k_mode[1]},
    {"octet_length", fn_length, I64, {T_(TN_T_BLOB)}, 1, false, true, &k_mode[1]},
    {"strlen", fn_length, I64, {VC}, 1, false, true, &k_mode[1]},
    {"lower", fn_case, VC, {VC}, 1, false, true, &k_mode[0]},
    {"lcase", fn_case, VC, {VC}, 1, false, true, &k_mode[0]},
    {"upper", fn_case, VC, {VC}, 1, false, true, &k_mode[1]},
    {"ucase", fn_case, VC, {VC}, 1, false, true, &k_mode[1]},
    {"substring", fn_substring, VC, {VC, I64}, 2, false, true, NULL},
    {"substring", fn_substring, VC, {VC, I64, I64}, 3, false, true, NULL},
    {"substr", fn_substring, VC, {VC, I64}, 2, false, true, NULL},
    {"substr", fn_substring, VC, {VC, I64, I64}, 3, false, true, NULL},
    {"left", fn_left_right, VC, {VC, I64}, 2, false, true, &k_mode[0]},
    {"right", fn_left_right, VC, {VC, I64}, 2, false, true, &k_mode[1]},
    {"trim", fn_trim, VC, {VC}, 1, false, true, &k_mode[3]},
    {"trim", fn_trim, VC, {VC, VC}, 2, false, true, &k_mode[3]},
    {"btrim", fn_trim, VC, {VC}, 1, false, true, &k_mode[3]},
    {"btrim", fn_trim, VC, {VC, VC}, 2, false, true, &k_mode[3]},
    {"ltrim", fn_trim, VC, {VC}, 1, false, true, &k_mode[1]},
    {"ltrim", fn_trim, VC, {VC, VC}, 2, false, true, &k_mode[1]},
    {"rtrim", fn_trim, VC, {VC}, 1, false, true, &k_mode[2]},
    {"rtrim", fn_trim, VC, {VC, VC}, 2, false, true, &k_mode[2]},
    {"||", fn_concat_op, T_(TN_T_BLOB), {T_(TN_T_BLOB), T_(TN_T_BLOB)}, 2, false, true, NULL},
    {"||", fn_concat_op, VC, {T_ANY(TN_T_VARCHAR), T_ANY(TN_T_VARCHAR)}, 2, false, true, NULL},
    {"concat", fn_concat, VC, {T_ANY(TN_T_VARCHAR)}, 1, true, false, NULL},
    {"replace", fn_replace, VC, {VC, VC, VC}, 3, false, true, NULL},
    {"starts_with", fn_search, T_(TN_T_BOOL), {VC, VC}, 2, false, true, &k_mode[0]},
    {"prefix", fn_search, T_(TN_T_BOOL), {VC, VC}, 2, false, true, &k_mode[0]},
    {"ends_with", fn_search, T_(TN_T_BOOL), {VC, VC}, 2, false, true, &k_mode[1]},
    {"suffix", fn_search, T_(TN_T_BOOL), {VC, VC}, 2, false, true, &k_mode[1]},
    {"contains", fn_search, T_(TN_T_BOOL), {VC, VC}, 2, false, true, &k_mode[2]},
    {"strpos", fn_search, I64, {VC, VC}, 2, false, true, &k_mode[3]},
    {"position", fn_search, I64, {VC, VC}, 2, false, true, &k_mode[3]},
    {"instr", fn_search, I64, {VC, VC}, 2, false, true, &k_mode[3]},
    {"reverse", fn_reverse, VC, {VC}, 1, false, true, NULL},
    {"split_part", fn_split_part, VC, {VC, VC, I64}, 3, false, true, NULL},
    {"repeat", fn_repeat, VC, {VC, I64}, 2, false, true, NULL},
    {"lpad", fn_pad, VC, {VC, I64}, 2, false, true, &k_mode[0]},
    {"lpad", fn_pad, VC, {VC, I64, VC}, 3, false, true, &k_mode[0]},
    {"rpad", fn_pad, VC, {VC, I64}, 2, false, true, &k_mode[1]},
    {"rpad", fn_pad, VC, {VC, I64, VC}, 3, false, true, &k_mode[1]},
};

ex_func_table ex_string_table(void)
{
    ex_func_table t = {k_string, TN_ARRAY_LEN(k_string)};
    return t;
}
