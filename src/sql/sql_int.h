/*
 * sql_int.h -- private interface between the binder (binder.c: sources, SELECT clauses, GROUP BY
 * validation; binder_expr.c: expressions, implicit casts), the planner (planner.c: operator tree,
 * pushdown, folding) and the statement driver (sql.c: sq_prepare, EXPLAIN, DESCRIBE, COPY).
 *
 * Binding turns the AST of a SELECT into an sq_bound: bound ex_expr trees whose EX_COLREF
 * indexes refer to one of three row layouts ("scopes"):
 *   input      the columns of the FROM source (WHERE, GROUP BY, aggregate arguments, and, in a
 *              query without aggregation, the select list and ORDER BY);
 *   aggregate  the output of the hash aggregate: group columns, then one column per aggregate
 *              (select list, HAVING and ORDER BY of an aggregate query);
 *   output     the select list (ORDER BY of a SELECT DISTINCT).
 * The planner then stacks: source -> FILTER -> HASH_AGGREGATE -> FILTER(having) -> SORT/TOP_N
 * (on the pre-projection rows, so ORDER BY may use columns that are not selected) -> PROJECT ->
 * [HASH_AGGREGATE(distinct) -> SORT/TOP_N] -> LIMIT.
 *
 * Ownership: everything in sq_bound is owned by it until the planner consumes it; sq_bound_clear
 * frees what is left. Parquet sources opened while binding are registered in sq_resources and
 * live until the plan is freed (operators borrow them).
 */
#ifndef TN_SQ_SQL_INT_H
#define TN_SQ_SQL_INT_H

#include "sql.h"
#include "ast.h"
#include "../exec/scan_parquet.h"
#include "../exec/scan_delta.h" /* deltasql */

/* Column refs of aggregate placeholders while binding an aggregate query's expressions. */
#define SQ_AGG_REF_BASE 0x40000000u
/* Column refs standing for the element of the k-th UNNEST of the select list (SQ_UNNEST_REF_BASE
 * + k, below SQ_AGG_REF_BASE); the planner maps them onto the UNNEST operator's output. */
#define SQ_UNNEST_REF_BASE 0x20000000u

typedef struct sq_resources {
    ex_pq_source **srcs;
    uint32_t n, cap;
    /* addition (deltasql): Delta sources, freed with ex_delta_source_free */
    struct ex_delta_source **deltas;
    uint32_t ndeltas, capdeltas;
} sq_resources;
int sq_resources_add(sq_resources *r, ex_pq_source *src);
void sq_resources_free(sq_resources *r);

typedef struct sq_col {
    const char *qual;    /* table alias / source name, or NULL */
    const char *name;
    tn_type type;
} sq_col;

typedef struct sq_scope {
    sq_col *cols;
    uint32_t ncols;
} sq_scope;

/* Per-statement binding state. */
typedef struct sq_binder {
    const sq_env *env;
    const char *sql;     /* statement text (for error positions) */
    sq_arena *a;
    sq_resources *res;
    tn_err *err;
    uint32_t depth;      /* subquery nesting */
    tn_sbuf *notes;      /* EXPLAIN only: per-scan lines (files, row groups, pruning), or NULL */
} sq_binder;

/* Expression binding context. */
typedef struct sq_bctx {
    sq_binder *b;
    const sq_scope *scope;
    const char *clause;  /* "WHERE", "GROUP BY", "SELECT", ... for messages */
    bool allow_aggs;
    bool in_agg;
    /* aggregates collected (owned); referenced as EX_COLREF SQ_AGG_REF_BASE + i */
    ex_agg *aggs;
    uint32_t naggs, cap_aggs;
    /* UNNEST calls of the select list (only where allow_unnest): their list arguments (owned),
     * referenced as EX_COLREF SQ_UNNEST_REF_BASE + i */
    bool allow_unnest, in_unnest;
    ex_expr **unnests;
    uint32_t nunnests, cap_unnests;
} sq_bctx;

typedef enum sq_bsource_kind {
    SQ_BS_NONE, SQ_BS_PARQUET, SQ_BS_RANGE, SQ_BS_SUBQUERY,
    SQ_BS_UNNEST,  /* FROM unnest(list): src_expr (a constant-scope LIST/MAP expression) */
    SQ_BS_OP,      /* a ready operator (table functions such as parquet_metadata): src_op */
    SQ_BS_DELTA    /* deltasql: a Delta table / change feed: delta (borrowed, in resources) */
} sq_bsource_kind;

typedef struct sq_bound {
    /* source */
    int src_kind;
    ex_pq_source *pq;            /* borrowed (in resources) */
    int64_t r_start, r_stop, r_step;
    bool r_inclusive;
    struct sq_bound *sub;        /* SQ_BS_SUBQUERY: the bound subquery (owned until planned, so
                                    the planner can drop the select items nobody uses) */
    ex_expr *src_expr;           /* SQ_BS_UNNEST: the list expression (owned) */
    ex_op *src_op;               /* SQ_BS_OP: the source operator (owned until planned) */
    struct ex_delta_source *delta; /* SQ_BS_DELTA: borrowed (in resources) */
    sq_scope scope;              /* input columns (arena) */
    /* clauses */
    ex_expr *where;              /* input scope */
    bool aggregate;
    ex_expr **groups;            /* input scope */
    uint32_t ngroups;
    ex_agg *aggs;                /* args in input scope */
    uint32_t naggs;
    ex_expr *having;             /* aggregate scope */
    ex_expr **proj;              /* input or aggregate scope (+ UNNEST placeholders) */
    uint32_t nproj;
    ex_expr **unnests;           /* UNNEST list arguments of the select list (same scope as proj);
                                    with any, ORDER BY keys are in output scope as for DISTINCT */
    uint32_t nunnest;
    char **names;                /* arena */
    bool distinct;
    ex_sort_key *keys;           /* pre-projection scope, or output scope when distinct */
    uint32_t nkeys;
    uint64_t limit;              /* UINT64_MAX = none */
    uint64_t offset;
} sq_bound;

void sq_bound_clear(sq_bound *bs);

/* ---- binder.c ---- */
int sq_bind_select(sq_binder *b, const sq_select *sel, sq_bound *out);
/* Bind a FROM source on its own (DESCRIBE source, COPY source TO): fills the source part of out
 * and its scope. */
int sq_bind_source(sq_binder *b, const sq_source *src, sq_bound *out);
/* Install the scope of a bound source: ncols columns named names[i] (or the source's column
 * aliases) of types[i], qualified by qual. */
int sq_bind_set_scope(sq_binder *b, sq_bound *out, uint32_t ncols, char *const *names, const tn_type *types,
                      const char *qual, const sq_source *s);
/* Bind and fold a constant expression (LIMIT, table-function arguments, COPY options). */
int sq_bind_constant(sq_binder *b, const sq_expr *e, const char *clause, tn_value *out);

/* ---- binder_expr.c ---- */
int sq_bind_expr(sq_bctx *c, const sq_expr *e, ex_expr **out);
/* Bring exprs to one common type (untyped string literals, identified by their ASTs, adapt; asts
 * entries may be NULL); what names the construct in messages. */
int sq_unify(sq_bctx *c, ex_expr **exprs, const sq_expr *const *asts, uint32_t n, const char *what,
             tn_type *out_type);
/* Convert the bound constant *e (from the untyped literal at ast) to type `to` now. */
int sq_adapt_literal(sq_binder *b, ex_expr **e, const sq_expr *ast, tn_type to);
/* Is ast an untyped string literal ('...')? */
bool sq_ast_unknown(const sq_expr *ast);
/* Bind a boolean condition ("argument of WHERE must be type boolean"). */
int sq_bind_condition(sq_bctx *c, const sq_expr *e, ex_expr **out);
/* Does the AST contain an aggregate call (not descending into nothing else)? */
bool sq_has_aggregate(const sq_expr *e);
/* Structural equality of bound expressions (kinds, types, functions, constants, columns). */
bool sq_expr_equal(const ex_expr *a, const ex_expr *b);
bool sq_value_equal(const tn_value *a, const tn_value *b);
/* Insert a cast of e to type `to` (folding constants); consumes e. NULL on OOM (e freed). */
ex_expr *sq_cast(ex_expr *e, tn_type to, bool try_cast);
void sq_bctx_clear(sq_bctx *c);   /* frees collected aggregates */
/* Error helper: message at the AST node's position (LINE/caret). */
int sq_bind_error(sq_binder *b, int code, uint32_t pos, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- binder_nested.c: nested values (LIST/STRUCT/MAP) ---- */
/* [..], x[i], x[a:b], x.f, {..}, MAP {..} */
int sq_bind_nested(sq_bctx *c, const sq_expr *e, ex_expr **out);
/* Does bind_func route the call `name` to sq_bind_nested_func (struct_pack, list_value, unnest,
 * struct_extract...)? */
bool sq_nested_func(const char *name);
int sq_bind_nested_func(sq_bctx *c, const sq_expr *e, ex_expr **out);
/* Must the call name(args) resolve through the nested functions (a nested argument, or a name
 * only they know)? */
bool sq_nested_call_applies(const char *name, ex_expr *const *args, uint32_t n);
/* Resolve and build name(args) with the nested functions; consumes args[0..n). */
int sq_nested_call(sq_bctx *c, const char *name, ex_expr **args, uint32_t n, uint32_t pos, ex_expr **out);
/* A cast involving a nested type (consumes e; NULL on OOM). */
ex_expr *sq_nested_cast(ex_expr *e, tn_type to, bool try_cast);
/* x [NOT] IN (a, b, ...) over nested values as (x = a) OR (x = b) ...; consumes xs[0..n). */
int sq_nested_in(sq_bctx *c, ex_expr **xs, uint32_t n, bool negated, uint32_t pos, ex_expr **out);
/* s.f where `s` is not a table of the scope but a STRUCT column: *handled set when it applies. */
int sq_bind_struct_column(sq_bctx *c, const sq_expr *e, bool *handled, ex_expr **out);
/* CASE/COALESCE/NULLIF producing nested values: accepted (TN_OK) now that the evaluator copies
 * them (kept as the hook for any future restriction). */
int sq_nested_check_result(sq_binder *b, tn_type t, uint32_t pos, const char *what);
/* sq_unify for CASE/COALESCE/NULLIF results: untyped lists ([], [NULL]) first adopt the list type
 * of the other operands, as in a list literal (coalesce(l, []) keeps l's type). */
int sq_nested_unify(sq_bctx *c, ex_expr **xs, const sq_expr *const *asts, uint32_t n, const char *what,
                    tn_type *out);

/* ---- tf_parquet.c: parquet_metadata / parquet_schema / parquet_kv_metadata ---- */
/* Bind the table function source s when it is one of them (*handled); out gets SQ_BS_OP. */
int sq_bind_parquet_meta(sq_binder *b, const sq_source *s, sq_bound *out, bool *handled);

/* ---- bind_delta.c (deltasql): Delta Lake sources ---- */
struct ex_delta_source;
int sq_resources_add_delta(sq_resources *r, struct ex_delta_source *src);
/* FROM 'path' / bare name / any source with VERSION|TIMESTAMP AS OF: binds a Delta table when
 * path is one (a directory holding _delta_log) and sets *handled; time travel on anything else is
 * an error. */
int sq_bind_delta_path(sq_binder *b, const sq_source *s, const char *path, const char *qual, sq_bound *out,
                       bool *handled);
/* Table functions delta_scan, table_changes, delta_history, delta_detail (*handled when s is one). */
int sq_bind_delta_func(sq_binder *b, const sq_source *s, sq_bound *out, bool *handled);
/* Plan the DELTA_SCAN of a bound SQ_BS_DELTA source (projection + predicate pushdown). */
int sq_plan_delta_scan(sq_binder *b, sq_bound *bs, ex_op **out, tn_err *err);
/* tf_delta.c: the rows of delta_history / delta_detail as a CHUNKS operator with its names/types
 * (names: static strings). */
int sq_delta_history_op(sq_binder *b, const char *path, uint32_t pos, ex_op **out, const char *const **names,
                        tn_err *err);
int sq_delta_detail_op(sq_binder *b, const char *path, uint32_t pos, ex_op **out, const char *const **names,
                       tn_err *err);

/* ---- planner.c additions (deltasql): pushdown helpers shared with bind_delta.c ---- */
/* Mark / renumber the input-scope expressions of bs (see planner.c). */
void sq_mark_inputs(const sq_bound *bs, bool *used, uint32_t ncols);
void sq_remap_inputs(sq_bound *bs, const uint32_t *map, uint32_t ncols);
/* Conjuncts of where usable as pq_predicates over columns of the given types (*preds tn_malloc'd,
 * free with sq_preds_free). TN_OK / TN_NOMEM. */
int sq_collect_pushdown(const ex_expr *where, uint32_t ncols, tn_type *types, pq_predicate **preds, uint32_t *n);
void sq_preds_free(pq_predicate *p, uint32_t n);

/* ---- planner.c ---- */
/* Build the operator tree for a bound SELECT; consumes bs (cleared). *names receives the result
 * column names (tn_malloc'd array of tn_malloc'd strings). */
int sq_plan_select(sq_binder *b, sq_bound *bs, ex_op **out, tn_err *err);
/* Fold constant subexpressions of *e in place (failures leave the subtree for run time). */
int sq_fold(ex_expr **e);
/* Bind + plan a SELECT into an operator tree (used for subqueries and statements). names/types
 * of the result come from the root op and the returned names array (arena strings). */
int sq_build_select(sq_binder *b, const sq_select *sel, ex_op **out, char ***names, tn_err *err);

#endif
