/*
 * agg.c -- the aggregate catalog (ex_agg_lookup, ex_agg_result_type) and aggregate states with
 * their per-type update kernels and finalisation (see agg.h for the semantics).
 *
 * State per group, by accumulator:
 *   COUNT, COUNT(*)        int64 cnt
 *   SUM/AVG of integers     tn_i128 isum + int64 cnt   (exact: 2^63 rows of 2^64 cannot overflow)
 *   SUM/AVG of INT128 or    tn_i128 isum + cnt, additions overflow-checked (TN_RANGE)
 *     DECIMAL(>18)
 *   SUM/AVG of DECIMAL(<=18) tn_i128 isum + cnt
 *   SUM/AVG of floats       double fsum + cnt
 *   MIN/MAX                 value array (physical width) + has flag; strings: owned buffers
 * Every update loop is stamped out per physical input type by macros; the type switch happens
 * once per batch.
 */
#include "agg.h"
#include "hashtable.h"
#include "op_int.h"
#include <math.h>
#include <strings.h>

/* ======================= catalog ======================= */

int ex_agg_lookup(const char *name)
{
    static const struct { const char *name; ex_agg_kind kind; } names[] = {
        {"count", EX_AGG_COUNT}, {"sum", EX_AGG_SUM}, {"avg", EX_AGG_AVG}, {"min", EX_AGG_MIN}, {"max", EX_AGG_MAX},
    };
    if (!name)
        return -1;
    for (size_t i = 0; i < TN_ARRAY_LEN(names); i++)
        if (strcasecmp(name, names[i].name) == 0)
            return (int)names[i].kind;
    return -1;
}

static const char *agg_name(ex_agg_kind k)
{
    switch (k) {
    case EX_AGG_COUNT_STAR:
    case EX_AGG_COUNT: return "count";
    case EX_AGG_SUM: return "sum";
    case EX_AGG_AVG: return "avg";
    case EX_AGG_MIN: return "min";
    case EX_AGG_MAX: return "max";
    }
    return "?";
}

int ex_agg_result_type(ex_agg_kind kind, tn_type arg, tn_type *out, tn_err *err)
{
    char tn[64];
    switch (kind) {
    case EX_AGG_COUNT_STAR:
    case EX_AGG_COUNT: *out = tn_type_make(TN_T_INT64); return TN_OK;
    case EX_AGG_SUM:
        if (tn_type_is_integer(arg) || arg.id == TN_T_NULL) {
            *out = tn_type_make(TN_T_INT128);
            return TN_OK;
        }
        if (arg.id == TN_T_DECIMAL) {
            *out = tn_type_decimal(38, arg.scale);
            return TN_OK;
        }
        if (arg.id == TN_T_FLOAT || arg.id == TN_T_DOUBLE) {
            *out = tn_type_make(TN_T_DOUBLE);
            return TN_OK;
        }
        break;
    case EX_AGG_AVG:
        if (tn_type_is_numeric(arg) || arg.id == TN_T_NULL) {
            *out = tn_type_make(TN_T_DOUBLE);
            return TN_OK;
        }
        break;
    case EX_AGG_MIN:
    case EX_AGG_MAX:
        if (arg.id == TN_T_NULL || ex_cmp_for_type(arg)) {
            *out = arg;
            return TN_OK;
        }
        break;
    default: return tn_err_set(err, TN_ERROR, "unknown aggregate kind %d", (int)kind);
    }
    return tn_err_set(err, TN_ERROR, "function %s(%s) does not exist", agg_name(kind), tn_type_name(arg, tn, sizeof tn));
}

/* ======================= states ======================= */

enum { ACC_COUNT, ACC_ISUM, ACC_FSUM, ACC_MINMAX, ACC_MINMAX_STR, ACC_NONE };

/* physical input classes */
enum {
    IC_NONE, IC_I8, IC_I16, IC_I32, IC_I64, IC_U8, IC_U16, IC_U32, IC_U64, IC_I128, IC_F32, IC_F64,
    IC_INTERVAL, IC_B16, IC_STR,
};

typedef struct mm_str {
    char *p;
    uint32_t len, cap;
} mm_str;

struct ex_aggstate {
    ex_agg_kind kind;
    bool distinct;
    tn_type in, out;
    int acc, ic;
    size_t w;
    uint32_t cap;
    int64_t *cnt;
    tn_i128 *isum;
    double *fsum;
    unsigned char *val;
    uint8_t *has;
    mm_str *sval;
    /* DISTINCT */
    ex_ht *seen;
    tn_vector *gidvec;
    uint32_t *rows, *gids2, *tmp, *newpos;
    uint64_t bits[TN_BITMAP_WORDS(TN_BATCH)];
};

static int input_class(tn_type t)
{
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL:
    case TN_T_UINT8: return IC_U8;
    case TN_T_INT8: return IC_I8;
    case TN_T_INT16: return IC_I16;
    case TN_T_INT32:
    case TN_T_DATE: return IC_I32;
    case TN_T_INT64:
    case TN_T_TIME:
    case TN_T_TIMESTAMP: return IC_I64;
    case TN_T_UINT16: return IC_U16;
    case TN_T_UINT32: return IC_U32;
    case TN_T_UINT64: return IC_U64;
    case TN_T_INT128: return IC_I128;
    case TN_T_DECIMAL: return tn_decimal_is_small(t) ? IC_I64 : IC_I128;
    case TN_T_FLOAT: return IC_F32;
    case TN_T_DOUBLE: return IC_F64;
    case TN_T_INTERVAL: return IC_INTERVAL;
    case TN_T_UUID: return IC_B16;
    case TN_T_VARCHAR:
    case TN_T_BLOB: return IC_STR;
    default: return IC_NONE;
    }
}

int ex_aggstate_new(const ex_agg *agg, ex_aggstate **out, tn_err *err)
{
    *out = NULL;
    ex_aggstate *s = tn_calloc(1, sizeof *s);
    if (!s)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    s->kind = agg->kind;
    s->distinct = agg->distinct && agg->kind != EX_AGG_COUNT_STAR;
    if (agg->kind != EX_AGG_COUNT_STAR && !agg->arg) {
        tn_free(s);
        return tn_err_set(err, TN_MISUSE, "%s() needs an argument", agg_name(agg->kind));
    }
    s->in = agg->arg ? agg->arg->type : tn_type_make(TN_T_NULL);
    int rc = ex_agg_result_type(agg->kind, s->in, &s->out, err);
    if (rc) {
        tn_free(s);
        return rc;
    }
    s->ic = input_class(s->in);
    s->w = tn_type_width(s->in);
    switch (agg->kind) {
    case EX_AGG_COUNT_STAR:
    case EX_AGG_COUNT: s->acc = ACC_COUNT; break;
    case EX_AGG_SUM:
    case EX_AGG_AVG:
        s->acc = (s->ic == IC_F32 || s->ic == IC_F64) ? ACC_FSUM : ACC_ISUM;
        break;
    case EX_AGG_MIN:
    case EX_AGG_MAX: s->acc = s->ic == IC_STR ? ACC_MINMAX_STR : ACC_MINMAX; break;
    }
    if (s->in.id == TN_T_NULL && agg->kind != EX_AGG_COUNT_STAR && agg->kind != EX_AGG_COUNT)
        s->acc = ACC_NONE; /* every input is NULL: the result is NULL */
    if (s->distinct && s->in.id != TN_T_NULL) {
        tn_type kt[2] = {tn_type_make(TN_T_UINT32), s->in};
        s->seen = ex_ht_new(kt, 2);
        s->gidvec = tn_vector_new(kt[0], TN_BATCH);
        s->rows = tn_malloc(TN_BATCH * sizeof(uint32_t));
        s->gids2 = tn_malloc(TN_BATCH * sizeof(uint32_t));
        s->tmp = tn_malloc(TN_BATCH * sizeof(uint32_t));
        s->newpos = tn_malloc(TN_BATCH * sizeof(uint32_t));
        if (!s->seen || !s->gidvec || !s->rows || !s->gids2 || !s->tmp || !s->newpos) {
            ex_aggstate_free(s);
            return tn_err_set(err, TN_NOMEM, "out of memory");
        }
    }
    *out = s;
    return TN_OK;
}

void ex_aggstate_free(ex_aggstate *s)
{
    if (!s)
        return;
    if (s->sval) {
        for (uint32_t g = 0; g < s->cap; g++)
            tn_free(s->sval[g].p);
        tn_free(s->sval);
    }
    tn_free(s->cnt);
    tn_free(s->isum);
    tn_free(s->fsum);
    tn_free(s->val);
    tn_free(s->has);
    ex_ht_free(s->seen);
    tn_vector_unref(s->gidvec);
    tn_free(s->rows);
    tn_free(s->gids2);
    tn_free(s->tmp);
    tn_free(s->newpos);
    tn_free(s);
}

tn_type ex_aggstate_type(const ex_aggstate *s) { return s->out; }

#define GROW(field, cap, old)                                                      \
    do {                                                                           \
        void *p_ = tn_realloc(s->field, (size_t)(cap) * sizeof *s->field);         \
        if (!p_)                                                                   \
            return tn_err_set(err, TN_NOMEM, "out of memory (aggregate state)");   \
        s->field = p_;                                                             \
        memset(s->field + (old), 0, (size_t)((cap) - (old)) * sizeof *s->field);   \
    } while (0)

int ex_aggstate_reserve(ex_aggstate *s, uint32_t ngroups, tn_err *err)
{
    if (ngroups <= s->cap)
        return TN_OK;
    uint32_t cap = s->cap ? s->cap : 16;
    while (cap < ngroups)
        cap = cap > UINT32_MAX / 2 ? ngroups : cap * 2;
    uint32_t old = s->cap;
    switch (s->acc) {
    case ACC_COUNT: GROW(cnt, cap, old); break;
    case ACC_ISUM:
        GROW(cnt, cap, old);
        GROW(isum, cap, old);
        break;
    case ACC_FSUM:
        GROW(cnt, cap, old);
        GROW(fsum, cap, old);
        break;
    case ACC_MINMAX: {
        unsigned char *v = tn_realloc(s->val, (size_t)cap * s->w);
        if (!v)
            return tn_err_set(err, TN_NOMEM, "out of memory (aggregate state)");
        s->val = v;
        memset(s->val + (size_t)old * s->w, 0, (size_t)(cap - old) * s->w);
        GROW(has, cap, old);
        break;
    }
    case ACC_MINMAX_STR:
        GROW(sval, cap, old);
        GROW(has, cap, old);
        break;
    default: break;
    }
    s->cap = cap;
    return TN_OK;
}

/* ---- update kernels ---- */

#define ROWIDX(r) (vw.idx ? vw.idx[r] : (r))
#define ISNULL(r) (vw.validity && !tn_bit_get(vw.validity, (r)))

/* SUM/AVG into tn_i128 from a non-overflowing input type. */
#define ISUM_KERNEL(T)                                                          \
    do {                                                                        \
        const T *d = (const T *)vw.data;                                        \
        if (!gids) {                                                            \
            tn_i128 acc = 0;                                                    \
            int64_t c = 0;                                                      \
            for (uint32_t k = 0; k < n; k++) {                                  \
                uint32_t r = EX_OPROW(sel, k);                                  \
                if (ISNULL(r))                                                  \
                    continue;                                                   \
                acc += d[ROWIDX(r)];                                            \
                c++;                                                            \
            }                                                                   \
            s->isum[0] += acc;                                                  \
            s->cnt[0] += c;                                                     \
        } else {                                                                \
            for (uint32_t k = 0; k < n; k++) {                                  \
                uint32_t r = EX_OPROW(sel, k);                                  \
                if (ISNULL(r))                                                  \
                    continue;                                                   \
                uint32_t g = gids[k];                                           \
                s->isum[g] += d[ROWIDX(r)];                                     \
                s->cnt[g]++;                                                    \
            }                                                                   \
        }                                                                       \
    } while (0)

#define FSUM_KERNEL(T)                                                          \
    do {                                                                        \
        const T *d = (const T *)vw.data;                                        \
        if (!gids) {                                                            \
            double acc = 0;                                                     \
            int64_t c = 0;                                                      \
            for (uint32_t k = 0; k < n; k++) {                                  \
                uint32_t r = EX_OPROW(sel, k);                                  \
                if (ISNULL(r))                                                  \
                    continue;                                                   \
                acc += (double)d[ROWIDX(r)];                                    \
                c++;                                                            \
            }                                                                   \
            s->fsum[0] += acc;                                                  \
            s->cnt[0] += c;                                                     \
        } else {                                                                \
            for (uint32_t k = 0; k < n; k++) {                                  \
                uint32_t r = EX_OPROW(sel, k);                                  \
                if (ISNULL(r))                                                  \
                    continue;                                                   \
                uint32_t g = gids[k];                                           \
                s->fsum[g] += (double)d[ROWIDX(r)];                             \
                s->cnt[g]++;                                                    \
            }                                                                   \
        }                                                                       \
    } while (0)

static int sum_i128(ex_aggstate *s, const uint32_t *gids, tn_vview vw, const uint32_t *sel, uint32_t n, tn_err *err)
{
    const tn_i128 *d = (const tn_i128 *)vw.data;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t r = EX_OPROW(sel, k);
        if (ISNULL(r))
            continue;
        uint32_t g = gids ? gids[k] : 0;
        tn_i128 x;
        memcpy(&x, d + ROWIDX(r), sizeof x);
        if (__builtin_add_overflow(s->isum[g], x, &s->isum[g]))
            return tn_err_set(err, TN_RANGE, "numeric field overflow in %s()", agg_name(s->kind));
        s->cnt[g]++;
    }
    return TN_OK;
}

#define MM_KERNEL(T, BETTER)                                                    \
    do {                                                                        \
        const T *d = (const T *)vw.data;                                        \
        T *cur = (T *)s->val;                                                   \
        uint8_t *has = s->has;                                                  \
        for (uint32_t k = 0; k < n; k++) {                                      \
            uint32_t r = EX_OPROW(sel, k);                                      \
            if (ISNULL(r))                                                      \
                continue;                                                       \
            uint32_t g = gids ? gids[k] : 0;                                    \
            T x;                                                                \
            memcpy(&x, d + ROWIDX(r), sizeof x);                                \
            if (!has[g] || BETTER(x, cur[g])) {                                 \
                cur[g] = x;                                                     \
                has[g] = 1;                                                     \
            }                                                                   \
        }                                                                       \
    } while (0)

#define LT_PLAIN(a, b) ((a) < (b))
#define GT_PLAIN(a, b) ((a) > (b))
/* NaN is the largest float */
#define LT_FLT(a, b) ((a) < (b) || (isnan(b) && !isnan(a)))
#define GT_FLT(a, b) ((a) > (b) || (isnan(a) && !isnan(b)))

typedef struct b16 { unsigned char b[16]; } b16;
#define LT_B16(x_, y_) (memcmp((x_).b, (y_).b, 16) < 0)
#define GT_B16(x_, y_) (memcmp((x_).b, (y_).b, 16) > 0)

static inline tn_i128 iv_span(tn_interval iv)
{
    return ((tn_i128)iv.months * 30 + iv.days) * (tn_i128)86400000000LL + iv.micros;
}
#define LT_IV(a, b) (iv_span(a) < iv_span(b))
#define GT_IV(a, b) (iv_span(a) > iv_span(b))

#define MM_DISPATCH(BETTER_NUM, BETTER_FLT, BETTER_B16, BETTER_IV)  \
    switch (s->ic) {                                                \
    case IC_I8: MM_KERNEL(int8_t, BETTER_NUM); break;               \
    case IC_I16: MM_KERNEL(int16_t, BETTER_NUM); break;             \
    case IC_I32: MM_KERNEL(int32_t, BETTER_NUM); break;             \
    case IC_I64: MM_KERNEL(int64_t, BETTER_NUM); break;             \
    case IC_U8: MM_KERNEL(uint8_t, BETTER_NUM); break;              \
    case IC_U16: MM_KERNEL(uint16_t, BETTER_NUM); break;            \
    case IC_U32: MM_KERNEL(uint32_t, BETTER_NUM); break;            \
    case IC_U64: MM_KERNEL(uint64_t, BETTER_NUM); break;            \
    case IC_I128: MM_KERNEL(tn_i128, BETTER_NUM); break;            \
    case IC_F32: MM_KERNEL(float, BETTER_FLT); break;               \
    case IC_F64: MM_KERNEL(double, BETTER_FLT); break;              \
    case IC_B16: MM_KERNEL(b16, BETTER_B16); break;                 \
    case IC_INTERVAL: MM_KERNEL(tn_interval, BETTER_IV); break;     \
    default: break;                                                 \
    }

static int minmax_str(ex_aggstate *s, const uint32_t *gids, tn_vview vw, const uint32_t *sel, uint32_t n, tn_err *err)
{
    const tn_str *d = (const tn_str *)vw.data;
    bool is_min = s->kind == EX_AGG_MIN;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t r = EX_OPROW(sel, k);
        if (ISNULL(r))
            continue;
        uint32_t g = gids ? gids[k] : 0;
        const tn_str *x = d + ROWIDX(r);
        const char *xp = tn_str_data(x);
        mm_str *cur = &s->sval[g];
        if (s->has[g]) {
            uint32_t m = TN_MIN(x->len, cur->len);
            int c = m ? memcmp(xp, cur->p, m) : 0;
            if (!c)
                c = (x->len > cur->len) - (x->len < cur->len);
            if (is_min ? c >= 0 : c <= 0)
                continue;
        }
        if (x->len > cur->cap || !cur->p) {
            uint32_t nc = x->len < 16 ? 16 : x->len;
            char *p = tn_realloc(cur->p, nc);
            if (!p)
                return tn_err_set(err, TN_NOMEM, "out of memory (%s state)", agg_name(s->kind));
            cur->p = p;
            cur->cap = nc;
        }
        if (x->len)
            memcpy(cur->p, xp, x->len);
        cur->len = x->len;
        s->has[g] = 1;
    }
    return TN_OK;
}

/* The non-distinct update: rows sel[0..n) of the viewed argument. */
static int update_rows(ex_aggstate *s, const uint32_t *gids, tn_vview vw, const uint32_t *sel, uint32_t n, tn_err *err)
{
    switch (s->acc) {
    case ACC_COUNT:
        if (s->kind == EX_AGG_COUNT_STAR || !vw.validity) {
            if (!gids)
                s->cnt[0] += n;
            else
                for (uint32_t k = 0; k < n; k++)
                    s->cnt[gids[k]]++;
        } else {
            for (uint32_t k = 0; k < n; k++) {
                uint32_t r = EX_OPROW(sel, k);
                if (!ISNULL(r))
                    s->cnt[gids ? gids[k] : 0]++;
            }
        }
        return TN_OK;
    case ACC_ISUM:
        switch (s->ic) {
        case IC_I8: ISUM_KERNEL(int8_t); break;
        case IC_I16: ISUM_KERNEL(int16_t); break;
        case IC_I32: ISUM_KERNEL(int32_t); break;
        case IC_I64: ISUM_KERNEL(int64_t); break;
        case IC_U8: ISUM_KERNEL(uint8_t); break;
        case IC_U16: ISUM_KERNEL(uint16_t); break;
        case IC_U32: ISUM_KERNEL(uint32_t); break;
        case IC_U64: ISUM_KERNEL(uint64_t); break;
        case IC_I128: return sum_i128(s, gids, vw, sel, n, err);
        default: return tn_err_set(err, TN_ERROR, "%s: unsupported input", agg_name(s->kind));
        }
        return TN_OK;
    case ACC_FSUM:
        if (s->ic == IC_F32)
            FSUM_KERNEL(float);
        else
            FSUM_KERNEL(double);
        return TN_OK;
    case ACC_MINMAX:
        if (s->kind == EX_AGG_MIN) {
            MM_DISPATCH(LT_PLAIN, LT_FLT, LT_B16, LT_IV)
        } else {
            MM_DISPATCH(GT_PLAIN, GT_FLT, GT_B16, GT_IV)
        }
        return TN_OK;
    case ACC_MINMAX_STR: return minmax_str(s, gids, vw, sel, n, err);
    default: return TN_OK;
    }
}

int ex_aggstate_update(ex_aggstate *s, const uint32_t *gids, tn_vector *arg, uint32_t count, const uint32_t *sel,
                       uint32_t n, tn_err *err)
{
    if (n == 0 || s->acc == ACC_NONE || (s->kind == EX_AGG_COUNT && s->in.id == TN_T_NULL))
        return TN_OK;
    tn_vview vw = {NULL, NULL, NULL};
    if (s->kind != EX_AGG_COUNT_STAR) {
        if (!arg)
            return tn_err_set(err, TN_MISUSE, "%s(): missing argument vector", agg_name(s->kind));
        if (count > TN_BATCH)
            return tn_err_set(err, TN_MISUSE, "aggregate batch of %u rows exceeds %u", count, TN_BATCH);
        ex_view_resolve(arg, count, &vw, s->bits);
    }
    if (!s->seen)
        return update_rows(s, gids, vw, sel, n, err);

    /* DISTINCT: keep only the first occurrence of each (group, value) among the non-NULL rows */
    uint32_t *gv = s->gidvec->data;
    uint32_t nv = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t r = EX_OPROW(sel, k);
        if (ISNULL(r))
            continue;
        gv[r] = gids ? gids[k] : 0;
        s->rows[nv++] = r;
    }
    if (nv == 0)
        return TN_OK;
    tn_vector *keys[2] = {s->gidvec, arg};
    uint32_t nnew = 0;
    int rc = ex_ht_find_or_insert(s->seen, keys, count, s->rows, nv, s->tmp, s->newpos, &nnew, err);
    if (rc)
        return rc;
    for (uint32_t j = 0; j < nnew; j++) {
        uint32_t r = s->rows[s->newpos[j]];
        s->newpos[j] = r;
        s->gids2[j] = gv[r];
    }
    return update_rows(s, gids ? s->gids2 : NULL, vw, s->newpos, nnew, err);
}

/* ---- finalisation ---- */

/* 10^38: the bound of DECIMAL(38,s) */
#define EX_DEC38_LIMIT ((tn_i128)10000000000000000000ULL * (tn_i128)10000000000000000000ULL)

int ex_aggstate_finalize(ex_aggstate *s, uint32_t start, uint32_t n, tn_vector *out, tn_err *err)
{
    tn_vector_reset(out);
    if (tn_vector_reserve(out, n ? n : 1))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    if (s->acc == ACC_NONE) {
        for (uint32_t k = 0; k < n; k++)
            if (tn_vector_set_null(out, k))
                return tn_err_set(err, TN_NOMEM, "out of memory");
        return TN_OK;
    }
    if (s->acc == ACC_COUNT) {
        memcpy(out->data, s->cnt + start, (size_t)n * sizeof(int64_t));
        return TN_OK;
    }
    /* empty groups give NULL */
    for (uint32_t k = 0; k < n; k++) {
        uint32_t g = start + k;
        bool empty = (s->acc == ACC_MINMAX || s->acc == ACC_MINMAX_STR) ? !s->has[g] : s->cnt[g] == 0;
        if (empty && tn_vector_set_null(out, k))
            return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    bool avg = s->kind == EX_AGG_AVG;
    switch (s->acc) {
    case ACC_ISUM: {
        if (avg) {
            double *o = out->data;
            long double scale = 1;
            if (s->in.id == TN_T_DECIMAL)
                for (int i = 0; i < s->in.scale; i++)
                    scale *= 10;
            for (uint32_t k = 0; k < n; k++) {
                uint32_t g = start + k;
                o[k] = s->cnt[g] ? (double)((long double)s->isum[g] / (long double)s->cnt[g] / scale) : 0;
            }
        } else {
            tn_i128 *o = out->data;
            tn_i128 lim = EX_DEC38_LIMIT;
            bool dec = s->out.id == TN_T_DECIMAL;
            for (uint32_t k = 0; k < n; k++) {
                tn_i128 v = s->isum[start + k];
                if (dec && (v >= lim || v <= -lim))
                    return tn_err_set(err, TN_RANGE, "numeric field overflow in sum()");
                o[k] = v;
            }
        }
        break;
    }
    case ACC_FSUM: {
        double *o = out->data;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t g = start + k;
            o[k] = avg ? (s->cnt[g] ? s->fsum[g] / (double)s->cnt[g] : 0) : s->fsum[g];
        }
        break;
    }
    case ACC_MINMAX: memcpy(out->data, s->val + (size_t)start * s->w, (size_t)n * s->w); break;
    case ACC_MINMAX_STR: {
        tn_str *o = out->data;
        for (uint32_t k = 0; k < n; k++) {
            const mm_str *m = &s->sval[start + k];
            if (s->has[start + k])
                o[k] = tn_str_make(m->p, m->len);
            else
                memset(&o[k], 0, sizeof o[k]);
        }
        break;
    }
    default: break;
    }
    return TN_OK;
}
