/*
 * sql.h -- SQL front end: tokenizer, recursive-descent parser (AST), binder (names, types,
 * PostgreSQL-style implicit casts) and planner (operator tree).
 *
 * Dialect: PostgreSQL/DuckDB flavoured; see README "SQL supported".
 * Errors: TN_SYNTAX with "syntax error at or near "x"" plus a second line "LINE n: <text>" and a
 * caret line under the offending column; TN_NOTFOUND for unknown columns/functions/files; TN_ERROR
 * for type errors.
 * Thread-safety: sq_prepare is reentrant; a plan is used by one thread at a time.
 */
#ifndef TN_SQL_H
#define TN_SQL_H

#include "../util/tn_base.h"
#include "../vfs/vfs.h"
#include "../exec/exec.h"

struct dlt_snapcache;

typedef struct sq_env {
    vfs *fs;                 /* file access for sources and COPY */
    struct dlt_snapcache *snapcache; /* Delta snapshot cache of the connection, or NULL */
} sq_env;

typedef enum sq_stmt_kind {
    SQ_STMT_QUERY,           /* SELECT ... (and DESCRIBE, EXPLAIN, COPY, which also yield rows) */
    SQ_STMT_EMPTY            /* only whitespace/comments */
} sq_stmt_kind;

typedef struct sq_plan {
    sq_stmt_kind kind;
    ex_op *root;             /* owned; yields the result rows */
    uint32_t ncols;
    char **names;            /* owned result column names */
    tn_type *types;          /* owned (same as root->types) */
    void *priv;              /* planner-owned resources (e.g. parquet sources) released with the plan */
} sq_plan;

/* Parse, bind and plan the first statement of sql. *tail (if non-NULL) receives a pointer just
 * past that statement (and its ';'), so callers can loop over scripts. *out receives a plan (kind
 * SQ_STMT_EMPTY when nothing but whitespace/comments remains) freed with sq_plan_free. */
int sq_prepare(const sq_env *env, const char *sql, const char **tail, sq_plan **out, tn_err *err);
void sq_plan_free(sq_plan *p); /* NULL-safe */

#endif
