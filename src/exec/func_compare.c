/*
 * func_compare.c -- comparison operators = <> < <= > >= for every scalar type, as BOOLEAN
 * kernels and as selection producers for filters (ex_compare_select).
 *
 * Ordering rules: integers and dates numerically; FLOAT/DOUBLE numerically with NaN equal to
 * itself and greater than every other value (PostgreSQL's total order); DECIMALs of different
 * scales by exact value (the operand with the smaller scale is scaled up in 128 bits); TIMESTAMPs
 * of different units by exact instant; VARCHAR/BLOB byte-wise (memcmp, i.e. UTF-8 code point
 * order), shorter prefix first; BOOLEAN false < true; INTERVAL by months*30 days + days + time
 * (PostgreSQL); UUID by its 16 bytes. Mixed integer signedness and DATE versus TIMESTAMP are
 * resolved by implicit casts before a kernel runs.
 *
 * Every comparison is NULL-in NULL-out. Fast paths: both flat without NULLs or selection, and
 * vector versus constant (a constant on the left is handled by swapping the operands and
 * mirroring the operator). A DICT operand compared with a constant is evaluated once per distinct
 * dictionary entry used by the batch, then mapped through the indexes.
 */
#include "expr_int.h"
#include "../util/datetime.h"
#include <math.h>

static const int k_ops[] = {0, 0, 0, 0, 0, 0, 0, EX_OP_EQ, EX_OP_NE, EX_OP_LT, EX_OP_LE, EX_OP_GT, EX_OP_GE};

/* operator with the operands swapped: a < b  <=>  b > a */
static int mirror_op(int op)
{
    switch (op) {
    case EX_OP_LT: return EX_OP_GT;
    case EX_OP_LE: return EX_OP_GE;
    case EX_OP_GT: return EX_OP_LT;
    case EX_OP_GE: return EX_OP_LE;
    default: return op;
    }
}

static inline bool op_test(int op, int c)
{
    switch (op) {
    case EX_OP_EQ: return c == 0;
    case EX_OP_NE: return c != 0;
    case EX_OP_LT: return c < 0;
    case EX_OP_LE: return c <= 0;
    case EX_OP_GT: return c > 0;
    default: return c >= 0;
    }
}

/* A comparison job: views of both operands, the rows to test, and where results go: either a
 * BOOLEAN array `o` (row-indexed) or a selection `so` of the rows that compare TRUE. */
typedef struct cmp_job {
    int op;
    tn_vview a, b;
    bool b_const;         /* b is a CONST vector (b.idx maps everything to 0) */
    const uint32_t *sel;
    uint32_t n;
    uint8_t *o;
    uint32_t *so;
    uint32_t nso;
    tn_type ta, tb;
} cmp_job;

/* ---- primitive types: per-operator loops ---- */

#define CMP_LOOP(T, EXPR)                                                                      \
    do {                                                                                       \
        if (plain && j->b_const) {                                                             \
            const T y = yd[0];                                                                 \
            if (j->o) {                                                                        \
                for (uint32_t i = 0; i < j->n; i++) {                                          \
                    uint32_t r = EX_ROW(j->sel, i);                                            \
                    const T x = xd[r];                                                         \
                    j->o[r] = (EXPR);                                                          \
                }                                                                              \
            } else {                                                                           \
                for (uint32_t i = 0; i < j->n; i++) {                                          \
                    uint32_t r = EX_ROW(j->sel, i);                                            \
                    const T x = xd[r];                                                         \
                    j->so[k] = r;                                                              \
                    k += (EXPR);                                                               \
                }                                                                              \
            }                                                                                  \
        } else if (plain) {                                                                    \
            if (j->o) {                                                                        \
                for (uint32_t i = 0; i < j->n; i++) {                                          \
                    uint32_t r = EX_ROW(j->sel, i);                                            \
                    const T x = xd[r], y = yd[r];                                              \
                    j->o[r] = (EXPR);                                                          \
                }                                                                              \
            } else {                                                                           \
                for (uint32_t i = 0; i < j->n; i++) {                                          \
                    uint32_t r = EX_ROW(j->sel, i);                                            \
                    const T x = xd[r], y = yd[r];                                              \
                    j->so[k] = r;                                                              \
                    k += (EXPR);                                                               \
                }                                                                              \
            }                                                                                  \
        } else {                                                                               \
            for (uint32_t i = 0; i < j->n; i++) {                                              \
                uint32_t r = EX_ROW(j->sel, i);                                                \
                if (!tn_vview_valid(&j->a, r) || !tn_vview_valid(&j->b, r))                   \
                    continue;                                                                  \
                const T x = xd[tn_vview_index(&j->a, r)], y = yd[tn_vview_index(&j->b, r)];    \
                bool res_ = (EXPR);                                                            \
                if (j->o)                                                                      \
                    j->o[r] = res_;                                                            \
                else if (res_)                                                                 \
                    j->so[k++] = r;                                                            \
            }                                                                                  \
        }                                                                                      \
    } while (0)

#define PRIM_CMP(NAME, T, LT, EQ)                                                              \
    static void NAME(cmp_job *j)                                                               \
    {                                                                                          \
        const T *xd = j->a.data, *yd = j->b.data;                                              \
        uint32_t k = 0;                                                                        \
        bool plain = !j->a.idx && !j->a.validity && !j->b.validity && (j->b_const || !j->b.idx); \
        switch (j->op) {                                                                       \
        case EX_OP_EQ: CMP_LOOP(T, EQ(x, y)); break;                                           \
        case EX_OP_NE: CMP_LOOP(T, !EQ(x, y)); break;                                          \
        case EX_OP_LT: CMP_LOOP(T, LT(x, y)); break;                                           \
        case EX_OP_LE: CMP_LOOP(T, !LT(y, x)); break;                                          \
        case EX_OP_GT: CMP_LOOP(T, LT(y, x)); break;                                           \
        default: CMP_LOOP(T, !LT(x, y)); break;                                                \
        }                                                                                      \
        j->nso = k;                                                                            \
    }

#define NUM_LT(x, y) ((x) < (y))
#define NUM_EQ(x, y) ((x) == (y))
#define FLT_LT(x, y) ((x) < (y) || (!isnan(x) && isnan(y)))
#define FLT_EQ(x, y) ((x) == (y) || (isnan(x) && isnan(y)))
#define BOOL_LT(x, y) (!(x) && (y))
#define BOOL_EQ(x, y) (!(x) == !(y))
#define STR_LT(x, y) (tn_str_cmp(&(x), &(y)) < 0)
#define STR_EQ(x, y) tn_str_eq(&(x), &(y))

PRIM_CMP(cmp_i8, int8_t, NUM_LT, NUM_EQ)
PRIM_CMP(cmp_i16, int16_t, NUM_LT, NUM_EQ)
PRIM_CMP(cmp_i32, int32_t, NUM_LT, NUM_EQ)
PRIM_CMP(cmp_i64, int64_t, NUM_LT, NUM_EQ)
PRIM_CMP(cmp_u8, uint8_t, NUM_LT, NUM_EQ)
PRIM_CMP(cmp_u16, uint16_t, NUM_LT, NUM_EQ)
PRIM_CMP(cmp_u32, uint32_t, NUM_LT, NUM_EQ)
PRIM_CMP(cmp_u64, uint64_t, NUM_LT, NUM_EQ)
PRIM_CMP(cmp_i128, tn_i128, NUM_LT, NUM_EQ)
PRIM_CMP(cmp_f32, float, FLT_LT, FLT_EQ)
PRIM_CMP(cmp_f64, double, FLT_LT, FLT_EQ)
PRIM_CMP(cmp_bool, uint8_t, BOOL_LT, BOOL_EQ)
PRIM_CMP(cmp_str, tn_str, STR_LT, STR_EQ)

/* ---- types compared through a three-way function ---- */

static tn_i128 pow10_i128(int e)
{
    tn_i128 p = 1;
    for (int i = 0; i < e; i++)
        p *= 10;
    return p;
}

static inline tn_i128 load_dec(const void *d, uint32_t k, bool small)
{
    if (small)
        return ((const int64_t *)d)[k];
    tn_i128 v;
    memcpy(&v, (const unsigned char *)d + (size_t)k * 16, 16);
    return v;
}

/* x * f compared with y, where x*f may not fit in 128 bits (then its sign decides). */
static inline int cmp_scaled(tn_i128 x, tn_i128 f, tn_i128 y)
{
    tn_i128 xs;
    if (__builtin_mul_overflow(x, f, &xs))
        return x < 0 ? -1 : 1;
    return xs < y ? -1 : xs > y;
}

static inline int interval_cmp(const tn_interval *x, const tn_interval *y)
{
    const tn_i128 day = 86400000000LL;
    tn_i128 a = ((tn_i128)x->months * 30 + x->days) * day + x->micros;
    tn_i128 b = ((tn_i128)y->months * 30 + y->days) * day + y->micros;
    return a < b ? -1 : a > b;
}

/* Three-way comparison of row values (index ka of a, kb of b) for the non-primitive types. */
static int generic_cmp3(const cmp_job *j, uint32_t ka, uint32_t kb)
{
    switch ((tn_type_id)j->ta.id) {
    case TN_T_DECIMAL: {
        tn_i128 x = load_dec(j->a.data, ka, tn_decimal_is_small(j->ta));
        tn_i128 y = load_dec(j->b.data, kb, tn_decimal_is_small(j->tb));
        int sa = j->ta.scale, sb = j->tb.scale;
        if (sa == sb)
            return x < y ? -1 : x > y;
        if (sa < sb)
            return cmp_scaled(x, pow10_i128(sb - sa), y);
        return -cmp_scaled(y, pow10_i128(sa - sb), x);
    }
    case TN_T_TIMESTAMP:
    case TN_T_TIME: {
        int64_t x = ((const int64_t *)j->a.data)[ka], y = ((const int64_t *)j->b.data)[kb];
        int64_t fa = tn_unit_per_second((tn_time_unit)j->ta.unit), fb = tn_unit_per_second((tn_time_unit)j->tb.unit);
        if (fa == fb)
            return x < y ? -1 : x > y;
        if (fa < fb)
            return cmp_scaled(x, fb / fa, y);
        return -cmp_scaled(y, fa / fb, x);
    }
    case TN_T_INTERVAL:
        return interval_cmp((const tn_interval *)j->a.data + ka, (const tn_interval *)j->b.data + kb);
    case TN_T_UUID: return memcmp((const uint8_t *)j->a.data + (size_t)ka * 16, (const uint8_t *)j->b.data + (size_t)kb * 16, 16);
    default: return 0;
    }
}

static void cmp_generic(cmp_job *j)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < j->n; i++) {
        uint32_t r = EX_ROW(j->sel, i);
        if (!tn_vview_valid(&j->a, r) || !tn_vview_valid(&j->b, r))
            continue;
        bool res = op_test(j->op, generic_cmp3(j, tn_vview_index(&j->a, r), tn_vview_index(&j->b, r)));
        if (j->o)
            j->o[r] = res;
        else if (res)
            j->so[k++] = r;
    }
    j->nso = k;
}

typedef void (*cmp_fn)(cmp_job *j);

static cmp_fn pick_cmp(tn_type ta, tn_type tb)
{
    switch ((tn_type_id)ta.id) {
    case TN_T_BOOL: return cmp_bool;
    case TN_T_INT8: return cmp_i8;
    case TN_T_INT16: return cmp_i16;
    case TN_T_INT32:
    case TN_T_DATE: return cmp_i32;
    case TN_T_INT64: return cmp_i64;
    case TN_T_UINT8: return cmp_u8;
    case TN_T_UINT16: return cmp_u16;
    case TN_T_UINT32: return cmp_u32;
    case TN_T_UINT64: return cmp_u64;
    case TN_T_INT128: return cmp_i128;
    case TN_T_FLOAT: return cmp_f32;
    case TN_T_DOUBLE: return cmp_f64;
    case TN_T_VARCHAR:
    case TN_T_BLOB: return cmp_str;
    case TN_T_DECIMAL:
        if (ta.scale == tb.scale && tn_decimal_is_small(ta) == tn_decimal_is_small(tb))
            return tn_decimal_is_small(ta) ? cmp_i64 : cmp_i128;
        return cmp_generic;
    case TN_T_TIMESTAMP:
    case TN_T_TIME:
        return ta.unit == tb.unit ? cmp_i64 : cmp_generic;
    case TN_T_INTERVAL:
    case TN_T_UUID: return cmp_generic;
    default: return NULL;
    }
}

/* Run a comparison of vectors va op vb over sel/n into o (BOOLEAN array) or so. */
static int run_compare(int op, tn_vector *va, tn_vector *vb, const uint32_t *sel, uint32_t n, uint8_t *o,
                       uint32_t *so, uint32_t *nso, tn_err *err)
{
    /* constant on the left: swap and mirror */
    if (va->kind == TN_VEC_CONST && vb->kind != TN_VEC_CONST) {
        tn_vector *t = va;
        va = vb;
        vb = t;
        op = mirror_op(op);
    }
    cmp_fn f = pick_cmp(va->type, vb->type);
    if (!f) {
        char b1[64];
        return tn_err_set(err, TN_NOTSUP, "cannot compare values of type %s", tn_type_name(va->type, b1, sizeof b1));
    }
    cmp_job j;
    memset(&j, 0, sizeof j);
    j.op = op;
    j.ta = va->type;
    j.tb = vb->type;
    tn_vector_view(va, 0, &j.a);
    tn_vector_view(vb, 0, &j.b);
    j.b_const = vb->kind == TN_VEC_CONST;
    if (j.b_const && j.b.validity) { /* compare with NULL: nothing is TRUE */
        if (nso)
            *nso = 0;
        return TN_OK;
    }
    /* DICT versus constant: evaluate each distinct dictionary entry once */
    if (va->kind == TN_VEC_DICT && j.b_const && va->dict->capacity <= n && n <= TN_BATCH) {
        uint8_t memo[TN_BATCH];
        uint32_t uniq[TN_BATCH];
        uint32_t nu = 0;
        uint32_t dcap = va->dict->capacity;
        memset(memo, 0xff, dcap);
        const uint32_t *idx = j.a.idx;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = EX_ROW(sel, i);
            if (!tn_vview_valid(&j.a, r))
                continue;
            uint32_t k = idx[r];
            if (k < dcap && memo[k] == 0xff) {
                memo[k] = 0;
                uniq[nu++] = k;
            }
        }
        cmp_job dj = j;
        dj.a.idx = NULL;
        dj.a.validity = NULL;
        dj.sel = uniq;
        dj.n = nu;
        dj.o = memo;
        dj.so = NULL;
        f(&dj);
        uint32_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = EX_ROW(sel, i);
            if (!tn_vview_valid(&j.a, r))
                continue;
            uint32_t di = idx[r];
            bool res = di < dcap && memo[di] == 1;
            if (o)
                o[r] = res;
            else if (res)
                so[k++] = r;
        }
        if (nso)
            *nso = k;
        return TN_OK;
    }
    j.sel = sel;
    j.n = n;
    j.o = o;
    j.so = so;
    f(&j);
    if (nso)
        *nso = j.nso;
    return TN_OK;
}

static int compare_kernel(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                          tn_vector *out, tn_err *err)
{
    int rc = ex_strict_nulls(args, nargs, sel, n, out);
    if (rc)
        return rc;
    if (nargs != 2)
        return tn_err_set(err, TN_MISUSE, "comparison needs two arguments");
    return run_compare(ex_func_op(fn), args[0], args[1], sel, n, out->data, NULL, NULL, err);
}

int ex_compare_select(int op, tn_vector *a, tn_vector *b, const uint32_t *sel, uint32_t n, uint32_t *sel_out,
                      uint32_t *n_out, tn_err *err)
{
    return run_compare(op, a, b, sel, n, NULL, sel_out, n_out, err);
}

/* ---- catalog ---- */

#define T_(id) {(uint8_t)(id), 0, 0, 0, 0, 0, NULL}
#define T_ANY(id) {(uint8_t)(id), 0, 0, 0, 0, EX_TF_ANY, NULL}
#define C1(name, op, TYM, id) {name, compare_kernel, T_(TN_T_BOOL), {TYM(id), TYM(id)}, 2, false, true, &k_ops[op]}
#define CMP6(TYM, id)                                                                            \
    C1("=", EX_OP_EQ, TYM, id), C1("<>", EX_OP_NE, TYM, id), C1("<", EX_OP_LT, TYM, id),          \
        C1("<=", EX_OP_LE, TYM, id), C1(">", EX_OP_GT, TYM, id), C1(">=", EX_OP_GE, TYM, id)

static const ex_func k_compare[] = {
    CMP6(T_, TN_T_BOOL),
    CMP6(T_, TN_T_INT8),
    CMP6(T_, TN_T_INT16),
    CMP6(T_, TN_T_INT32),
    CMP6(T_, TN_T_INT64),
    CMP6(T_, TN_T_UINT8),
    CMP6(T_, TN_T_UINT16),
    CMP6(T_, TN_T_UINT32),
    CMP6(T_, TN_T_UINT64),
    CMP6(T_, TN_T_INT128),
    CMP6(T_ANY, TN_T_DECIMAL),
    CMP6(T_, TN_T_FLOAT),
    CMP6(T_, TN_T_DOUBLE),
    CMP6(T_, TN_T_DATE),
    CMP6(T_ANY, TN_T_TIME),
    CMP6(T_ANY, TN_T_TIMESTAMP),
    CMP6(T_, TN_T_INTERVAL),
    CMP6(T_, TN_T_VARCHAR),
    CMP6(T_, TN_T_BLOB),
    CMP6(T_, TN_T_UUID),
};

ex_func_table ex_compare_table(void)
{
    ex_func_table t = {k_compare, TN_ARRAY_LEN(k_compare)};
    return t;
}

bool ex_func_is_compare(const ex_func *fn)
{
    return fn >= k_compare && fn < k_compare + TN_ARRAY_LEN(k_compare);
}
