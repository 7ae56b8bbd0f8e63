/*
 * agg.h -- private interface of aggregate states (agg.c), used by the hash aggregate operator.
 *
 * An ex_aggstate holds the running state of ONE aggregate for every group, in columnar arrays
 * indexed by group id (sums, counts, current min/max values, NULL flags). Updates run one
 * type-specialised loop per batch over (group id, value) pairs; the type switch happens once per
 * batch, never per row. DISTINCT aggregates first pass their input through a per-aggregate set
 * of seen (group id, value) pairs (an ex_ht) and update only with first occurrences.
 *
 * Semantics (PostgreSQL): NULL inputs are ignored; COUNT of nothing is 0; SUM/AVG/MIN/MAX of
 * nothing is NULL; SUM of integers is exact (128-bit), SUM of decimals is exact with result
 * DECIMAL(38,s) (TN_RANGE "numeric field overflow" beyond 38 digits); floats sum in plain double
 * arithmetic; AVG is DOUBLE. MIN/MAX follow the sort order of op_int.h (NaN largest); string
 * MIN/MAX keep private copies.
 *
 * Thread-safety: none (one state per thread; a later combine step merges states).
 */
#ifndef TN_EXEC_AGG_H
#define TN_EXEC_AGG_H

#include "exec.h"

typedef struct ex_aggstate ex_aggstate;

/* New state for `agg` (its kind, distinct flag and argument type; agg->arg may be NULL only for
 * COUNT(*)). TN_ERROR for unsupported argument types. */
int ex_aggstate_new(const ex_agg *agg, ex_aggstate **out, tn_err *err);
void ex_aggstate_free(ex_aggstate *s); /* NULL-safe */
/* Result type of this aggregate. */
tn_type ex_aggstate_type(const ex_aggstate *s);
/* Make room for groups [0, ngroups); new groups start empty. TN_OK / TN_NOMEM. */
int ex_aggstate_reserve(ex_aggstate *s, uint32_t ngroups, tn_err *err);
/* Update with the rows sel[0..n) (or 0..n) of arg (any kind, `count` physical rows, count <=
 * TN_BATCH; NULL for COUNT(*)); gids[k] is the group of the k-th row, or gids == NULL when every
 * row belongs to group 0. Groups must have been reserved. */
int ex_aggstate_update(ex_aggstate *s, const uint32_t *gids, tn_vector *arg, uint32_t count, const uint32_t *sel,
                       uint32_t n, tn_err *err);
/* Write the results of groups [start, start+n) to out (reset here; type ex_aggstate_type) rows
 * [0, n). String results point into the state (valid while it lives). */
int ex_aggstate_finalize(ex_aggstate *s, uint32_t start, uint32_t n, tn_vector *out, tn_err *err);

#endif
