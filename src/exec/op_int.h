/*
 * op_int.h -- private helpers shared by the physical operators (op_*.c, agg.c, hashtable.c):
 * resolved read views, columnar append/gather, per-type value comparators (sort order), a stable
 * permutation sort, and argument-evaluation scratch. Not used outside src/exec/op*.c, agg.c and
 * hashtable.c. Implemented in op.c.
 *
 * Ordering rules (PostgreSQL): integers/decimals/dates/times by value; strings and blobs byte-wise
 * (memcmp); floats with NaN greater than every number and -0.0 == 0.0; intervals by their total
 * span (months = 30 days); UUIDs by their 16 bytes; booleans false < true. NULL placement is the
 * caller's business (NULLS FIRST/LAST).
 */
#ifndef TN_EXEC_OP_INT_H
#define TN_EXEC_OP_INT_H

#include "exec.h"

/* Iterate the active rows: k = position in the selection, row = EX_OPROW(sel, k). */
#define EX_OPROW(sel, k) ((sel) ? (sel)[k] : (k))

/* A read view whose validity already includes NULL dictionary entries. `bits` is caller scratch
 * of TN_BITMAP_WORDS(count) words, used only when a DICT vector's dictionary holds NULLs.
 * count must be <= TN_BATCH for CONST vectors (chunks never exceed TN_BATCH rows). */
void ex_view_resolve(const tn_vector *v, uint32_t count, tn_vview *vw, uint64_t *bits);

/* Append the rows sel[0..n) (or 0..n) of src (any kind, count physical rows) to the FLAT vector
 * dst at rows [at, at+n) (dst capacity is grown as needed). Non-inline strings are copied into
 * dst's own heap, so dst never depends on src. Nested types go to ex_nested_append (nested.h):
 * deep copies whose strings stay in src's refcounted buffers, which dst then keeps alive.
 * ex_vec_gather / ex_vec_slice dispatch nested types the same way. TN_OK / TN_NOMEM. */
int ex_vec_append(tn_vector *dst, uint32_t at, const tn_vector *src, uint32_t count, const uint32_t *sel,
                  uint32_t n);
/* dst (reset, FLAT, capacity >= n) rows [0, n) = FLAT src rows idx[0..n). String views are
 * copied as views: they point into src's storage, which must outlive dst's use (operators hand
 * out such chunks only until their next call). TN_OK / TN_NOMEM. */
int ex_vec_gather(tn_vector *dst, const tn_vector *src, const uint32_t *idx, uint32_t n);
/* dst (reset, FLAT) rows [0, n) = FLAT src rows [start, start+n), strings as views. */
int ex_vec_slice(tn_vector *dst, const tn_vector *src, uint32_t start, uint32_t n);

/* Three-way comparison of two values of one type, given pointers to their physical storage. */
typedef int (*ex_cmp_fn)(const void *a, const void *b);
/* Comparator for a flat type; NULL for types without an order (nested). */
ex_cmp_fn ex_cmp_for_type(tn_type t);

/* Stable sort of perm[0..n) under cmp(ctx, a, b) (a, b are perm values). scratch: n entries.
 * Bottom-up merge sort with insertion-sorted runs. */
typedef int (*ex_perm_cmp)(void *ctx, uint32_t a, uint32_t b);
void ex_perm_sort(uint32_t *perm, uint32_t *scratch, uint32_t n, ex_perm_cmp cmp, void *ctx);

/* Evaluate expression e over chunk in: a COLREF returns the input vector itself (no copy); any
 * other expression is evaluated into *scratch (allocated on first use, grown as needed), which
 * is returned. *out is valid until the next batch. */
int ex_op_eval_arg(ex_expr *e, tn_chunk *in, tn_vector **scratch, tn_vector **out, tn_err *err);

/* Operator allocation helper: tn_calloc(size) + ex_op_init_base. NULL on OOM. */
void *ex_op_alloc(size_t size, const ex_op_vt *vt, uint32_t ncols, const tn_type *types);
/* Check the cancel flag; TN_INTERRUPT with a message when set. */
int ex_op_check_interrupt(const ex_op *op, tn_err *err);

/* EXPLAIN text of ORDER BY keys: "expr ASC NULLS LAST, expr DESC NULLS FIRST" (sort and top-N). */
void ex_sort_keys_explain(const ex_sort_key *keys, uint32_t nkeys, tn_sbuf *out);

#endif
