/*
 * exec.h -- the execution engine's interface: bound expressions, the function/aggregate catalog,
 * and physical operators. sql/ builds these; api/ drives them.
 *
 * Execution model (see docs/ARCHITECTURE.md, "Threading"):
 *  - Operators form a tree and exchange tn_chunk batches of up to TN_BATCH rows. The interface is
 *    pull-based per pipeline: ex_op_next(op, &chunk) returns the next batch (NULL at the end).
 *    A returned chunk belongs to the operator and is valid until the next call on it.
 *  - Filters never copy: they refine the chunk's selection vector. Projections evaluate
 *    expressions only at the selected rows and pass column vectors through by reference.
 *  - Pipeline breakers (hash aggregate, sort, top-N) consume their child fully through
 *    sink/combine/finalize steps on per-thread local state, which is what lets a later issue run
 *    one pipeline copy per worker thread over morsels (row groups) handed out by a shared,
 *    thread-safe morsel queue (ex_morsel_queue) and merge the local states.
 *  - Expressions are evaluated per batch: each node evaluates its children into vectors and then
 *    runs one type-specialised kernel loop over the batch. There is no per-row walk of the tree.
 *
 * Errors: kernels report TN_RANGE for integer overflow, division by zero, bad casts (PostgreSQL
 * semantics: "integer out of range", "division by zero"), with messages in tn_err.
 * Ownership: constructors take ownership of the ex_expr and child ex_op arguments they are given;
 * ex_op_free frees a whole tree; ex_expr_free frees an expression tree.
 */
#ifndef TN_EXEC_H
#define TN_EXEC_H

#include "../util/tn_base.h"
#include "../util/vector.h"
#include "../util/sbuf.h"

/* ======================= expressions ======================= */

typedef enum ex_expr_kind {
    EX_CONST,      /* value */
    EX_COLREF,     /* input column `col` */
    EX_FUNC,       /* scalar function fn(args...) */
    EX_CAST,       /* cast args[0] to type (try_cast when `flag` set: NULL instead of error) */
    EX_AND, EX_OR, /* n-ary, three-valued logic */
    EX_NOT,
    EX_IS_NULL,    /* args[0] IS NULL; `flag` = IS NOT NULL */
    EX_CASE,       /* args: when1, then1, when2, then2, ..., [else] ; `flag` = has else */
    EX_IN,         /* args[0] IN (args[1..]); `flag` = NOT IN */
    EX_COALESCE,   /* first non-NULL of args */
} ex_expr_kind;

struct ex_func;

typedef struct ex_expr {
    ex_expr_kind kind;
    tn_type type;             /* result type */
    tn_value value;           /* EX_CONST (owned) */
    uint32_t col;             /* EX_COLREF */
    const struct ex_func *fn; /* EX_FUNC */
    struct ex_expr **args;    /* owned */
    uint32_t nargs;
    bool flag;                /* see kinds */
    char *alias;              /* optional display name (owned), used by EXPLAIN */
    void *state;              /* kernel-private (e.g. compiled LIKE pattern), freed by ex_expr_free */
} ex_expr;

ex_expr *ex_expr_new(ex_expr_kind kind, tn_type type);   /* zeroed node; NULL on OOM */
ex_expr *ex_expr_const(const tn_value *v);               /* copies v */
ex_expr *ex_expr_colref(uint32_t col, tn_type type);
/* Append child (takes ownership). TN_OK / TN_NOMEM (child freed on failure). */
int ex_expr_add_arg(ex_expr *e, ex_expr *child);
void ex_expr_free(ex_expr *e);                           /* NULL-safe, recursive */
ex_expr *ex_expr_copy(const ex_expr *e);                 /* deep copy, NULL on OOM */
/* Human-readable rendering for EXPLAIN (e.g. "(#2 > 5)"). */
void ex_expr_explain(const ex_expr *e, tn_sbuf *out);

/* Evaluate e over the active rows of `in` into `out` (a vector of e->type with capacity >=
 * in->count; reset by the callee). Results are written at the selected row positions, so out is
 * row-aligned with in. out may become CONST when the result is constant. */
int ex_expr_eval(ex_expr *e, tn_chunk *in, tn_vector *out, tn_err *err);
/* Evaluate a BOOLEAN predicate and narrow the selection: writes the active rows of `in` for which
 * e is TRUE (not FALSE/NULL) into sel_out (capacity >= tn_chunk_rows(in)), *n_out = how many. */
int ex_expr_select(ex_expr *e, tn_chunk *in, uint32_t *sel_out, uint32_t *n_out, tn_err *err);

/* ======================= function catalog ======================= */

/* Kernel signature: args are vectors row-aligned with the batch; compute rows sel[0..n) (or 0..n
 * when sel == NULL) into out (same row positions). */
typedef int (*ex_kernel_fn)(const struct ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel,
                            uint32_t n, tn_vector *out, tn_err *err);

typedef struct ex_func {
    const char *name;
    ex_kernel_fn kernel;
    tn_type ret;                 /* result type for this overload */
    tn_type arg_types[4];        /* declared argument types (for variadic: the element type) */
    uint8_t nargs;
    bool variadic;
    bool null_in_null_out;       /* strict: NULL if any argument is NULL (kernel may rely on it) */
    const void *data;            /* kernel-specific (e.g. operator code) */
} ex_func;

/* Resolve scalar function `name` (case-insensitive; operators are named "+", "-", "*", "/", "%",
 * "=", "<>", "<", "<=", ">", ">=", "||", "~~" (LIKE), "~~*" (ILIKE), "neg") for the given argument
 * types, applying PostgreSQL-style implicit casts. On success *fn is a catalog entry (static or
 * owned by the catalog; never freed by the caller), and cast_to[i] the type argument i must be cast
 * to (the binder inserts EX_CAST nodes where cast_to[i] differs from arg_types[i]).
 * TN_NOTFOUND "function foo(INTEGER, VARCHAR) does not exist" when nothing matches. */
int ex_func_resolve(const char *name, const tn_type *arg_types, uint32_t nargs, const ex_func **fn,
                    tn_type *cast_to, tn_err *err);

/* Refine a resolved entry once the (cast) argument expressions are known: some result types
 * depend on constant arguments, e.g. round(DECIMAL(p,s), 2) -> DECIMAL(p-s+3, 2) like
 * PostgreSQL/DuckDB instead of keeping scale s. Returns fn itself when nothing changes (never
 * NULL). The binder calls it after inserting the casts and before building the EX_FUNC node
 * (whose type is then the returned entry's ret). */
const ex_func *ex_func_specialize(const ex_func *fn, ex_expr *const *args, uint32_t nargs);

/* Implicit/explicit casting rules. */
bool ex_cast_allowed(tn_type from, tn_type to, bool implicit);
/* Common supertype of a and b for comparison / CASE / COALESCE / IN / UNION (PostgreSQL rules:
 * integers widen, integer+decimal -> decimal, numeric+double -> double, string literal adapts to
 * the other side when `a_is_literal`...). TN_ERROR with a message if none. */
int ex_common_type(tn_type a, tn_type b, tn_type *out, tn_err *err);
/* Evaluate a cast of a constant value (used by the binder for folding and pruning). */
int ex_cast_value(const tn_value *in, tn_type to, tn_value *out, tn_err *err);
/* Fold a constant expression (all leaves EX_CONST) into a value. */
int ex_expr_fold(ex_expr *e, tn_value *out, tn_err *err);

/* ======================= aggregates ======================= */

typedef enum ex_agg_kind {
    EX_AGG_COUNT_STAR, EX_AGG_COUNT, EX_AGG_SUM, EX_AGG_AVG, EX_AGG_MIN, EX_AGG_MAX
} ex_agg_kind;

typedef struct ex_agg {
    ex_agg_kind kind;
    bool distinct;
    ex_expr *arg;        /* NULL for COUNT(*); owned */
    tn_type type;        /* result type (ex_agg_result_type) */
} ex_agg;

/* Map a name ("count", "sum", "avg", "min", "max", case-insensitive) to a kind; -1 if not an
 * aggregate. */
int ex_agg_lookup(const char *name);
/* Result type: COUNT -> BIGINT; SUM(int) -> HUGEINT (INT128), SUM(decimal(p,s)) -> DECIMAL(38,s),
 * SUM(float/double) -> DOUBLE; AVG -> DOUBLE (DECIMAL avg -> DOUBLE too); MIN/MAX -> arg type.
 * TN_ERROR for unsupported argument types ("sum(VARCHAR)"). */
int ex_agg_result_type(ex_agg_kind kind, tn_type arg, tn_type *out, tn_err *err);

/* ======================= operators ======================= */

typedef struct ex_op ex_op;

typedef struct ex_op_vt {
    const char *name;                                        /* "FILTER", "HASH_AGGREGATE", ... */
    int (*next)(ex_op *op, tn_chunk **out, tn_err *err);     /* *out = NULL at end */
    void (*destroy)(ex_op *op);                              /* frees op-private state (not children) */
    void (*explain)(const ex_op *op, tn_sbuf *out);          /* one-line detail, may be NULL */
} ex_op_vt;

struct ex_op {
    const ex_op_vt *vt;
    uint32_t ncols;
    tn_type *types;          /* output column types (owned) */
    ex_op *child[2];
    uint32_t nchild;
    volatile int *interrupt; /* optional: non-zero = cancel (TN_INTERRUPT) */
};

int ex_op_next(ex_op *op, tn_chunk **out, tn_err *err);
void ex_op_free(ex_op *op);                              /* whole tree; NULL-safe */
/* Memory convention of operators (op.c): an operator is ONE allocation (tn_calloc) whose first
 * member is the ex_op. ex_op_free frees the children, then calls vt->destroy (which releases only
 * what the operator owns besides the struct: chunks, expressions, buffers), then frees op->types
 * and the struct itself. Constructors free their arguments (child, exprs) when they fail. */
/* Set the cancel flag on op and its whole subtree (NULL clears it). */
void ex_op_set_interrupt(ex_op *op, volatile int *flag);
/* Indented operator tree with details, for EXPLAIN. */
void ex_op_explain(const ex_op *op, tn_sbuf *out);
/* Common base initialisation used by operator constructors: sets vt, copies types. */
int ex_op_init_base(ex_op *op, const ex_op_vt *vt, uint32_t ncols, const tn_type *types);

typedef struct ex_sort_key {
    ex_expr *expr;       /* owned */
    bool desc;
    bool nulls_first;    /* default (as PostgreSQL): NULLS LAST for ASC, NULLS FIRST for DESC */
} ex_sort_key;

/* One row, zero columns (SELECT without FROM). */
ex_op *op_single_row_create(void);
/* range(start, stop, step): BIGINT column; inclusive = generate_series semantics. step 0 is an
 * error reported at first next(). */
ex_op *op_range_create(int64_t start, int64_t stop, int64_t step, bool inclusive);
ex_op *op_filter_create(ex_op *child, ex_expr *pred);
ex_op *op_project_create(ex_op *child, ex_expr **exprs, uint32_t n);         /* takes exprs array */
/* Output: group columns (in order) then one column per aggregate. ngroups == 0 => one row always. */
/* Takes the groups and aggs arrays (tn_malloc'd) and the expressions in them; sets aggs[i].type. */
ex_op *op_hashagg_create(ex_op *child, ex_expr **groups, uint32_t ngroups, ex_agg *aggs, uint32_t naggs);
ex_op *op_sort_create(ex_op *child, ex_sort_key *keys, uint32_t nkeys);     /* takes keys array */
ex_op *op_topn_create(ex_op *child, ex_sort_key *keys, uint32_t nkeys, uint64_t limit, uint64_t offset);
/* limit UINT64_MAX = none. */
ex_op *op_limit_create(ex_op *child, uint64_t limit, uint64_t offset);

/* A constant table: yields the rows of `chunk` (takes ownership; must be FLAT, no selection). */
ex_op *op_values_create(tn_chunk *chunk);
/* COPY (child) TO path (FORMAT parquet, ...): writes every row of child with the Parquet writer
 * (atomic), then yields one row: BIGINT "Count" of rows written. names: child column names
 * (copied). opts copied (struct pq_write_options from parquet/writer.h). */
struct pq_write_options;
ex_op *op_copy_parquet_create(ex_op *child, const char *const *names, const char *path,
                              const struct pq_write_options *opts);
/* Same, with an output layout (addition, issue "Parquet complete"):
 *  - partition_cols[0..npartition_cols): child column indexes of PARTITION_BY; `path` is then a
 *    directory of Hive partitions path/c1=v1/.../data_<n>.parquet without those columns. When
 *    npartition_cols is 0 but opts->partition_by names columns, they are resolved against
 *    `names` when the COPY runs (unknown names are reported then).
 *  - per_thread_output (or opts->per_thread_output): `path` is a directory holding one file per
 *    writer thread, data_<thread>.parquet -- today always just data_0.parquet.
 * Directory targets are created if missing; a non-empty one is refused unless
 * opts->overwrite_or_ignore. opts->max_open_files bounds the files open at once. Returns NULL
 * (child freed) on OOM or invalid partition indexes (out of range, repeated, or all columns). */
ex_op *op_copy_parquet_create_ex(ex_op *child, const char *const *names, const char *path,
                                 const struct pq_write_options *opts, const uint32_t *partition_cols,
                                 uint32_t npartition_cols, bool per_thread_output);

/* Addition (integ): write through `fs` instead of vfs_default() (e.g. the connection's
 * base-directory VFS, so relative COPY targets resolve against tarn_open's directory). fs is
 * borrowed and must outlive the operator. No-op when op is not a COPY_TO_PARQUET operator. */
struct vfs;
void op_copy_parquet_set_vfs(ex_op *op, struct vfs *fs);

/* UNNEST (nestedsql): every input row becomes max(len) rows over the LIST/MAP columns cols[0..n)
 * (none when all of them are NULL or empty); those columns are replaced by their element types (a
 * MAP's elements are STRUCT{key, value}) and pad with NULL past a shorter list's end; the other
 * columns repeat the row. Output batches are FLAT, without selection. Takes child; cols copied.
 * NULL (child freed) on OOM or when a column is not a LIST/MAP. Implemented in op_unnest.c. */
ex_op *op_unnest_create(ex_op *child, const uint32_t *cols, uint32_t n);

/* A constant table held as prebuilt batches (nestedsql): yields chunks[0..n) in order. Each
 * chunk must have ncols FLAT columns of `types`, no selection and at most TN_BATCH rows; any
 * column types (nested included). Takes the array and the chunks (freed on failure too). NULL on
 * OOM or a malformed chunk. Implemented in op_chunks.c. */
ex_op *op_chunks_create(tn_chunk **chunks, uint32_t n, uint32_t ncols, const tn_type *types);

/* Drain every batch of op; convenience for tests. */
int ex_op_count_rows(ex_op *op, uint64_t *rows, tn_err *err);

#endif
