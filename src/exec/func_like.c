/*
 * func_like.c -- SQL pattern matching: s LIKE p, s ILIKE p (operators "~~", "~~*"), their
 * negations ("!~~", "!~~*"), and the ESCAPE form (3 arguments).
 *
 * Pattern language (SQL standard / PostgreSQL): '%' matches any sequence of characters
 * (including none), '_' exactly one character (a whole UTF-8 sequence), the escape character
 * (default '\', none when ESCAPE '') makes the next character literal. A pattern ending in the
 * escape character is an error ("LIKE pattern must not end with escape character"). ILIKE
 * lower-cases pattern and subject with ex_utf8_case (ASCII plus the common two-byte alphabets)
 * before a byte-wise match; the whole pattern must match the whole string.
 *
 * A pattern is compiled once into a token list and classified: exact, prefix ('abc%'), suffix
 * ('%abc'), contains ('%abc%') or general; the first four run as memcmp/memmem, the general case
 * as an iterative matcher that backtracks only to the last '%' (linear per '%' segment, no
 * recursion, so hostile patterns cannot blow the stack). When the pattern is a constant the
 * compiled form lives in the expression node's state (ex_like_eval_cached) and is reused for
 * every batch; a non-constant pattern is compiled per row.
 */
#include "expr_int.h"
#include <string.h>
#include <strings.h>

enum { LK_EXACT, LK_PREFIX, LK_SUFFIX, LK_CONTAINS, LK_GENERAL };
enum { TK_LIT = 0, TK_ONE = 1, TK_ANY = 2 };

typedef struct like_pat {
    int kind;
    bool ci;             /* ILIKE */
    char *lit;           /* literal bytes (unescaped, case-folded when ci) for the fast kinds */
    uint32_t litlen;
    uint8_t *tk;         /* GENERAL: token kinds */
    char *tb;            /* GENERAL: token bytes (TK_LIT) */
    uint32_t ntk;
    uint32_t cap;
    /* source of the compiled form (for the constant-pattern cache) */
    char *src;
    uint32_t srclen;
    int esc;             /* escape byte, -1 none */
} like_pat;

static void like_pat_clear(like_pat *p)
{
    tn_free(p->lit);
    tn_free(p->tk);
    tn_free(p->tb);
    tn_free(p->src);
    memset(p, 0, sizeof *p);
}

static void like_pat_free(void *p)
{
    if (!p)
        return;
    like_pat_clear(p);
    tn_free(p);
}

static inline char fold(char c, bool ci) { return (ci && c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

/* Compile pattern pt[0..n) with escape byte esc (-1 = none). TN_OK / TN_NOMEM / TN_ERROR. */
static int like_compile(like_pat *p, const char *pt, uint32_t n, int esc, bool ci, tn_err *err)
{
    like_pat_clear(p);
    p->ci = ci;
    p->esc = esc;
    p->tk = tn_malloc((size_t)n + 1);
    p->tb = tn_malloc((size_t)n + 1);
    p->src = tn_malloc((size_t)n + 1);
    if (!p->tk || !p->tb || !p->src) {
        like_pat_clear(p);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    memcpy(p->src, pt, n);
    p->srclen = n;
    if (ci) {
        /* ILIKE: compile the lower-cased pattern (tb doubles as the scratch for it) */
        ex_utf8_case(pt, n, p->tb, false);
        memcpy(p->tk, p->tb, n);
        pt = (const char *)p->tk;
        if (esc >= 'A' && esc <= 'Z')
            esc += 32;
    }
    /* tokens are written behind the read position (k <= i), so pt may alias p->tk */
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        char c = pt[i];
        if (esc >= 0 && (unsigned char)c == (unsigned)esc) {
            if (i + 1 >= n) {
                like_pat_clear(p); /* never leave a half-compiled pattern in the cache */
                return tn_err_set(err, TN_ERROR, "LIKE pattern must not end with escape character");
            }
            p->tk[k] = TK_LIT;
            p->tb[k++] = fold(pt[++i], ci);
        } else if (c == '%') {
            if (k == 0 || p->tk[k - 1] != TK_ANY) { /* collapse %% */
                p->tk[k] = TK_ANY;
                p->tb[k++] = 0;
            }
        } else if (c == '_') {
            p->tk[k] = TK_ONE;
            p->tb[k++] = 0;
        } else {
            p->tk[k] = TK_LIT;
            p->tb[k++] = fold(c, ci);
        }
    }
    p->ntk = k;
    /* classify: literal run with % only at the ends */
    uint32_t b = 0, e = k;
    bool lead = b < e && p->tk[b] == TK_ANY, trail = e > b + (lead ? 1u : 0u) && p->tk[e - 1] == TK_ANY;
    if (lead)
        b++;
    if (trail)
        e--;
    bool simple = true;
    for (uint32_t i = b; i < e; i++)
        if (p->tk[i] != TK_LIT)
            simple = false;
    if (simple) {
        p->kind = lead && trail ? LK_CONTAINS : lead ? LK_SUFFIX : trail ? LK_PREFIX : LK_EXACT;
        p->lit = tn_malloc((size_t)(e - b) + 1);
        if (!p->lit) {
            like_pat_clear(p);
            return tn_err_set(err, TN_NOMEM, "out of memory");
        }
        memcpy(p->lit, p->tb + b, e - b);
        p->litlen = e - b;
    } else {
        p->kind = LK_GENERAL;
    }
    return TN_OK;
}

static inline bool bytes_eq(const char *a, const char *b, uint32_t n, bool ci)
{
    if (!ci)
        return memcmp(a, b, n) == 0;
    for (uint32_t i = 0; i < n; i++)
        if (fold(a[i], true) != b[i])
            return false;
    return true;
}

static bool find_lit(const char *s, uint32_t n, const char *lit, uint32_t ln, bool ci)
{
    if (ln == 0)
        return true;
    if (ln > n)
        return false;
    if (!ci) {
        const char *p = s, *end = s + (n - ln) + 1;
        while (p < end) {
            const char *q = memchr(p, lit[0], (size_t)(end - p));
            if (!q)
                return false;
            if (memcmp(q + 1, lit + 1, ln - 1) == 0)
                return true;
            p = q + 1;
        }
        return false;
    }
    for (uint32_t i = 0; i + ln <= n; i++)
        if (fold(s[i], ci) == lit[0] && bytes_eq(s + i, lit, ln, ci))
            return true;
    return false;
}

static inline uint32_t char_len(const char *s, uint32_t n, uint32_t i)
{
    uint32_t j = i + 1;
    while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
        j++;
    return j - i;
}

static bool match_general(const like_pat *p, const char *s, uint32_t n)
{
    uint32_t i = 0, j = 0;
    int64_t star_j = -1;
    uint32_t star_i = 0;
    bool ci = p->ci;
    while (i < n) {
        if (j < p->ntk && p->tk[j] == TK_ANY) {
            star_j = j++;
            star_i = i;
            continue;
        }
        if (j < p->ntk && p->tk[j] == TK_ONE) {
            i += char_len(s, n, i);
            j++;
            continue;
        }
        if (j < p->ntk && p->tk[j] == TK_LIT && fold(s[i], ci) == p->tb[j]) {
            i++;
            j++;
            continue;
        }
        if (star_j < 0)
            return false;
        j = (uint32_t)star_j + 1;
        star_i += char_len(s, n, star_i);
        i = star_i;
    }
    while (j < p->ntk && p->tk[j] == TK_ANY)
        j++;
    return j == p->ntk;
}

static bool like_match_folded(const like_pat *p, const char *s, uint32_t n);

/* Match one subject; ILIKE subjects with non-ASCII bytes are lower-cased into *buf first. */
static int like_match_row(const like_pat *p, const char *s, uint32_t n, char **buf, uint32_t *cap, bool *res,
                          tn_err *err)
{
    if (p->ci) {
        bool ascii = true;
        for (uint32_t i = 0; i < n; i++)
            if ((unsigned char)s[i] >= 0x80) {
                ascii = false;
                break;
            }
        if (!ascii) {
            if (*cap < n) {
                char *nb = tn_realloc(*buf, n);
                if (!nb)
                    return tn_err_set(err, TN_NOMEM, "out of memory");
                *buf = nb;
                *cap = n;
            }
            ex_utf8_case(s, n, *buf, false);
            s = *buf;
        }
    }
    *res = like_match_folded(p, s, n);
    return TN_OK;
}

static bool like_match_folded(const like_pat *p, const char *s, uint32_t n)
{
    switch (p->kind) {
    case LK_EXACT: return n == p->litlen && bytes_eq(s, p->lit, n, p->ci);
    case LK_PREFIX: return n >= p->litlen && bytes_eq(s, p->lit, p->litlen, p->ci);
    case LK_SUFFIX: return n >= p->litlen && bytes_eq(s + n - p->litlen, p->lit, p->litlen, p->ci);
    case LK_CONTAINS: return find_lit(s, n, p->lit, p->litlen, p->ci);
    default: return match_general(p, s, n);
    }
}

/* ex_func.data: bit 0 = ILIKE, bit 1 = negated */
static const int k_flags[] = {0, 1, 2, 3};

static int escape_of(tn_vector **args, uint32_t nargs, const tn_vview *ev, uint32_t r, int *esc, tn_err *err)
{
    if (nargs < 3) {
        *esc = '\\';
        return TN_OK;
    }
    TN_UNUSED(args);
    const tn_str *e = (const tn_str *)ev->data + tn_vview_index(ev, r);
    if (e->len == 0) {
        *esc = -1;
        return TN_OK;
    }
    if (e->len != 1)
        return tn_err_set(err, TN_ERROR, "invalid escape string (must be empty or one character)");
    *esc = (unsigned char)tn_str_data(e)[0];
    return TN_OK;
}

static int like_run(like_pat *cached, const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel,
                    uint32_t n, tn_vector *out, tn_err *err)
{
    int rc = ex_strict_nulls(args, nargs, sel, n, out);
    if (rc)
        return rc;
    int flags = fn->data ? *(const int *)fn->data : 0;
    bool ci = flags & 1, neg = (flags & 2) != 0;
    tn_vview sv, pv, ev;
    tn_vector_view(args[0], 0, &sv);
    tn_vector_view(args[1], 0, &pv);
    if (nargs > 2)
        tn_vector_view(args[2], 0, &ev);
    uint8_t *o = out->data;
    bool const_pat = args[1]->kind == TN_VEC_CONST && (nargs < 3 || args[2]->kind == TN_VEC_CONST);
    like_pat local;
    memset(&local, 0, sizeof local);
    char *fbuf = NULL;
    uint32_t fcap = 0;
    bool m;
    like_pat *p = cached ? cached : &local;
    if (const_pat && n > 0) {
        uint32_t r0 = EX_ROW(sel, 0);
        if (!ex_out_valid(out, r0)) /* all rows NULL (constant NULL pattern) */
            goto done;
        const tn_str *ps = (const tn_str *)pv.data;
        int esc = -1;
        if ((rc = escape_of(args, nargs, &ev, r0, &esc, err)))
            goto done;
        if (!p->src || p->srclen != ps->len || memcmp(p->src, tn_str_data(ps), ps->len) != 0 || p->esc != esc ||
            p->ci != ci) {
            if ((rc = like_compile(p, tn_str_data(ps), ps->len, esc, ci, err)))
                goto done;
        }
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = EX_ROW(sel, i);
            if (!ex_out_valid(out, r))
                continue;
            const tn_str *s = (const tn_str *)sv.data + tn_vview_index(&sv, r);
            if ((rc = like_match_row(p, tn_str_data(s), s->len, &fbuf, &fcap, &m, err)))
                goto done;
            o[r] = m != neg;
        }
        goto done;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!ex_out_valid(out, r))
            continue;
        const tn_str *ps = (const tn_str *)pv.data + tn_vview_index(&pv, r);
        const tn_str *s = (const tn_str *)sv.data + tn_vview_index(&sv, r);
        int esc = -1;
        if ((rc = escape_of(args, nargs, &ev, r, &esc, err)))
            goto done;
        if ((rc = like_compile(&local, tn_str_data(ps), ps->len, esc, ci, err)))
            goto done;
        if ((rc = like_match_row(&local, tn_str_data(s), s->len, &fbuf, &fcap, &m, err)))
            goto done;
        o[r] = m != neg;
    }
done:
    tn_free(fbuf);
    like_pat_clear(&local);
    return rc;
}

int ex_like_kernel(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                   tn_vector *out, tn_err *err)
{
    return like_run(NULL, fn, args, nargs, sel, n, out, err);
}

int ex_like_eval_cached(ex_eval_state *st, const ex_func *fn, tn_vector **args, uint32_t nargs,
                        const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err)
{
    if (!st->kstate) {
        st->kstate = tn_calloc(1, sizeof(like_pat));
        if (!st->kstate)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        st->kstate_free = like_pat_free;
    }
    return like_run(st->kstate, fn, args, nargs, sel, n, out, err);
}

#define T_(id) {(uint8_t)(id), 0, 0, 0, 0, 0, NULL}
#define VC T_(TN_T_VARCHAR)
#define BO T_(TN_T_BOOL)

static const ex_func k_like[] = {
    {"~~", ex_like_kernel, BO, {VC, VC}, 2, false, true, &k_flags[0]},
    {"~~", ex_like_kernel, BO, {VC, VC, VC}, 3, false, true, &k_flags[0]},
    {"~~*", ex_like_kernel, BO, {VC, VC}, 2, false, true, &k_flags[1]},
    {"~~*", ex_like_kernel, BO, {VC, VC, VC}, 3, false, true, &k_flags[1]},
    {"!~~", ex_like_kernel, BO, {VC, VC}, 2, false, true, &k_flags[2]},
    {"!~~", ex_like_kernel, BO, {VC, VC, VC}, 3, false, true, &k_flags[2]},
    {"!~~*", ex_like_kernel, BO, {VC, VC}, 2, false, true, &k_flags[3]},
    {"!~~*", ex_like_kernel, BO, {VC, VC, VC}, 3, false, true, &k_flags[3]},
    {"like", ex_like_kernel, BO, {VC, VC}, 2, false, true, &k_flags[0]},
    {"like", ex_like_kernel, BO, {VC, VC, VC}, 3, false, true, &k_flags[0]},
    {"ilike", ex_like_kernel, BO, {VC, VC}, 2, false, true, &k_flags[1]},
    {"ilike", ex_like_kernel, BO, {VC, VC, VC}, 3, false, true, &k_flags[1]},
    {"like_escape", ex_like_kernel, BO, {VC, VC, VC}, 3, false, true, &k_flags[0]},
    {"ilike_escape", ex_like_kernel, BO, {VC, VC, VC}, 3, false, true, &k_flags[1]},
    {"not_like_escape", ex_like_kernel, BO, {VC, VC, VC}, 3, false, true, &k_flags[2]},
    {"not_ilike_escape", ex_like_kernel, BO, {VC, VC, VC}, 3, false, true, &k_flags[3]},
};

ex_func_table ex_like_table(void)
{
    ex_func_table t = {k_like, TN_ARRAY_LEN(k_like)};
    return t;
}
