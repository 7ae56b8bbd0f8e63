/*
 * expr_int.h -- private interface between the expression evaluator (expr.c, expr_select.c), the
 * function catalog (func_catalog.c) and the kernel files (func_*.c, cast.c). Not used outside
 * src/exec/expr*.c, func_*.c and cast.c.
 *
 * Kernel conventions (see ex_kernel_fn in exec.h):
 *  - args are row-aligned with the batch; rows to compute are sel[0..n) (or 0..n when sel is
 *    NULL). Inputs are read through tn_vview; the output is written FLAT at the same row
 *    positions. The output vector arrives reset (all valid, no heap) with capacity covering
 *    every row position used.
 *  - Rows outside the selection are never read for values and never raise errors. Rows whose
 *    inputs are NULL never raise errors either (their data slots may hold garbage).
 *  - DICT inputs arriving at kernels never have NULL dictionary entries (the driver flattens
 *    such vectors first), so row validity alone decides NULL-ness.
 */
#ifndef TN_EXEC_EXPR_INT_H
#define TN_EXEC_EXPR_INT_H

#include "exec.h"
#include "../util/types.h"

/* Iterate the selected rows: i = position in the selection, r = row index. */
#define EX_ROW(sel, i) ((sel) ? (sel)[i] : (i))

/* tn_type.flags bit used only inside catalog declarations (ex_func.arg_types / ret): "any
 * member of this type family" (DECIMAL of any precision/scale, TIMESTAMP of any unit, VARCHAR
 * accepting an implicit cast from anything for concatenation). Never appears on real values. */
#define EX_TF_ANY 0x80

/* ---- per-node evaluation state (ex_expr.state), owned by expr.c ---- */
typedef struct ex_eval_state {
    tn_vector **scratch;   /* one result vector per argument (allocated once, reused) */
    uint32_t nscratch;
    tn_vector *cvec;       /* EX_CONST: the value as a CONST vector */
    tn_vector *bool_tmp;   /* EX_IN helper (cast list items) */
    tn_vector *sel_tmp;    /* ex_expr_select: BOOLEAN result of the generic path */
    uint32_t *sel_a, *sel_b, *sel_c; /* selection scratch (capacity sel_cap) */
    uint32_t sel_cap;
    void *kstate;          /* kernel-private (compiled LIKE pattern, IN hash set) */
    void (*kstate_free)(void *);
} ex_eval_state;

/* ---- driver entry points for expr_select.c (expr.c) ---- */

/* Evaluate e at rows sel[0..n) of `in` into out (reset here; capacity grown to in->count). */
int ex_eval_sel(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err);
/* Evaluate argument i of parent at sel/n; *res is borrowed (input column, CONST or scratch). */
int ex_eval_arg(ex_expr *parent, uint32_t i, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector **res,
                tn_err *err);
/* The node's state with selection buffers of >= cap entries (NULL on OOM). */
ex_eval_state *ex_eval_state_sels(ex_expr *e, uint32_t cap);

/* ---- helpers shared by kernels (expr.c) ---- */

/* For a strict function: mark out NULL at every selected row where any arg is NULL. Leaves
 * out->validity NULL when no selected row is NULL, so kernels test `out->validity` to pick a
 * fast path. TN_OK / TN_NOMEM. */
int ex_strict_nulls(tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n, tn_vector *out);
/* Is row r of the (already viewed) output valid? */
static inline bool ex_out_valid(const tn_vector *out, uint32_t r)
{
    return !out->validity || tn_bit_get(out->validity, r);
}
/* Copy the selected rows of src (any kind) into out (FLAT) at the same row positions, values and
 * NULLs; string bytes are shared by keeping src's heap buffers alive in out. */
int ex_copy_rows(tn_vector *out, const tn_vector *src, const uint32_t *sel, uint32_t n);
/* Set bit/clear validity of out at r to "valid" (only needed when a previous write made it NULL). */
static inline void ex_set_valid(tn_vector *out, uint32_t r)
{
    if (out->validity)
        tn_bit_set(out->validity, r);
}
/* Keep every heap buffer of src (and of its dictionary) alive in dst. */
int ex_keep_heaps(tn_vector *dst, const tn_vector *src);

/* ---- casts (cast.c) ---- */
/* Cast the selected rows of src into out (type out->type). try_cast: failures give NULL. */
int ex_cast_vector(tn_vector *src, tn_vector *out, const uint32_t *sel, uint32_t n, bool try_cast,
                   tn_err *err);
/* Unscaled DECIMAL value v at `scale` as the nearest DOUBLE (cast.c). */
double ex_decimal_to_double(tn_i128 v, int scale);
/* Implicit cast cost used by overload resolution: 0 exact, larger = worse, -1 not allowed. */
int ex_cast_cost(tn_type from, tn_type to);

/* ---- function tables (one per func_*.c), consumed by func_catalog.c ---- */
typedef struct ex_func_table {
    const ex_func *funcs;
    size_t n;
} ex_func_table;

ex_func_table ex_arith_table(void);
ex_func_table ex_compare_table(void);
ex_func_table ex_string_table(void);
ex_func_table ex_like_table(void);
ex_func_table ex_date_table(void);
ex_func_table ex_math_table(void);
/* Result type of a DECIMAL entry of func_math.c for argument type `arg`; false if fn is not one. */
bool ex_math_decimal_type(const ex_func *fn, tn_type arg, tn_type *out);
/* Is fn round/trunc(DECIMAL, digits) of func_math.c? */
bool ex_math_is_decimal_digits(const ex_func *fn);

/* Operator codes carried in ex_func.data (pointer to a static int). */
enum {
    EX_OP_ADD = 1, EX_OP_SUB, EX_OP_MUL, EX_OP_DIV, EX_OP_MOD, EX_OP_NEG,
    EX_OP_EQ, EX_OP_NE, EX_OP_LT, EX_OP_LE, EX_OP_GT, EX_OP_GE,
};
static inline int ex_func_op(const ex_func *fn) { return fn->data ? *(const int *)fn->data : 0; }

/* Result type of decimal arithmetic (PostgreSQL/DuckDB rules); TN_ERROR when unsupported. */
int ex_decimal_arith_type(int op, tn_type a, tn_type b, tn_type *out, tn_err *err);
/* Interned catalog entry identical to `proto` except for ret (for parametric result types).
 * Never freed by the caller. NULL only if the intern table is full. */
const ex_func *ex_func_intern(const ex_func *proto, tn_type ret);

/* LIKE with per-node compiled pattern cache (func_like.c); called by the driver when
 * fn->kernel == ex_like_kernel. */
int ex_like_kernel(const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                   tn_vector *out, tn_err *err);
int ex_like_eval_cached(ex_eval_state *st, const ex_func *fn, tn_vector **args, uint32_t nargs,
                        const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err);

/* Case-map UTF-8 text in[0..n) into out[0..n) (func_string.c): ASCII letters plus the two-byte
 * Latin-1, Latin Extended-A, Greek and Cyrillic letters whose simple mapping keeps the byte
 * length; every other byte is copied unchanged, so the length never changes. */
void ex_utf8_case(const char *in, uint32_t n, char *out, bool upper);

/* Comparison helpers (func_compare.c): compare the selected rows of a and b (same type) with
 * operator op and write matching rows (TRUE) to sel_out; NULL rows never match. */
int ex_compare_select(int op, tn_vector *a, tn_vector *b, const uint32_t *sel, uint32_t n, uint32_t *sel_out,
                      uint32_t *n_out, tn_err *err);
/* Is `fn` a comparison entry of func_compare.c (so expr_select.c may use ex_compare_select)? */
bool ex_func_is_compare(const ex_func *fn);

#endif
