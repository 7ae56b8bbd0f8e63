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

/* Column refs of aggregate placeholders while binding an aggregate query's expressions. */
#define SQ_AGG_REF_BASE 0x40000000u

typedef struct sq_resources {
    ex_pq_source **srcs;
    uint32_t n, cap;
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
} sq_bctx;

typedef enum sq_bsource_kind { SQ_BS_NONE, SQ_BS_PARQUET, SQ_BS_RANGE, SQ_BS_SUBQUERY } sq_bsource_kind;

typedef struct sq_bound {
    /* source */
    int src_kind;
    ex_pq_source *pq;            /* borrowed (in resources) */
    int64_t r_start, r_stop, r_step;
    bool r_inclusive;
    struct sq_bound *sub;        /* SQ_BS_SUBQUERY: the bound subquery (owned until planned, so
                                    the planner can drop the select items nobody uses) */
    sq_scope scope;              /* input columns (arena) */
    /* clauses */
    ex_expr *where;              /* input scope */
    bool aggregate;
    ex_expr **groups;            /* input scope */
    uint32_t ngroups;
    ex_agg *aggs;                /* args in input scope */
    uint32_t naggs;
    ex_expr *having;             /* aggregate scope */
    ex_expr **proj;              /* input or aggregate scope */
    uint32_t nproj;
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
/* Bind and fold a constant expression (LIMIT, table-function arguments, COPY options). */
int sq_bind_constant(sq_binder *b, const sq_expr *e, const char *clause, tn_value *out);

/* ---- binder_expr.c ---- */
int sq_bind_expr(sq_bctx *c, const sq_expr *e, ex_expr **out);
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
