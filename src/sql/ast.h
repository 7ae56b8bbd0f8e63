/*
 * ast.h -- the parsed form of one SQL statement (abstract syntax tree) and its arena.
 *
 * Every node, string and array of a statement lives in one sq_arena freed as a whole after
 * binding (PostgreSQL's per-query memory context), so the parser never frees nodes one by one
 * and error paths cannot leak. Nodes carry the byte offset of their first token so the binder
 * can point at them in error messages.
 *
 * sq_expr_render writes an expression back as SQL text in DuckDB's display form (fully
 * parenthesised binary operators, "count_star()", "CAST(x AS INTEGER)"); result columns
 * without an alias are named with it, and the parser tests use it to check precedence.
 */
#ifndef TN_SQ_AST_H
#define TN_SQ_AST_H

#include "../util/tn_base.h"
#include "../util/types.h"
#include "../util/sbuf.h"

/* ---- arena ---- */
typedef struct sq_arena sq_arena;
sq_arena *sq_arena_new(void);             /* NULL on OOM */
void sq_arena_free(sq_arena *a);          /* NULL-safe; frees everything allocated from it */
void *sq_arena_alloc(sq_arena *a, size_t n); /* zeroed, 16-byte aligned; NULL on OOM */
char *sq_arena_strndup(sq_arena *a, const char *s, size_t n);

/* ---- expressions ---- */
typedef enum sq_expr_kind {
    SQ_E_CONST,   /* literal: lit, str (text as written / decoded string) */
    SQ_E_COLUMN,  /* [qual.]name */
    SQ_E_STAR,    /* [qual.]* */
    SQ_E_UNARY,   /* op (SQ_OP_NEG, SQ_OP_PLUS, SQ_OP_NOT) args[0] */
    SQ_E_BINARY,  /* args[0] op args[1] */
    SQ_E_IS,      /* args[0] IS [NOT] (NULL | TRUE | FALSE | DISTINCT FROM args[1]); is_kind, negated */
    SQ_E_BETWEEN, /* args[0] [NOT] BETWEEN args[1] AND args[2] */
    SQ_E_IN,      /* args[0] [NOT] IN (args[1..]) */
    SQ_E_LIKE,    /* args[0] [NOT] LIKE|ILIKE args[1] [ESCAPE args[2]]; ilike */
    SQ_E_CAST,    /* CAST(args[0] AS type) / args[0]::type / TRY_CAST; try_cast */
    SQ_E_TYPED,   /* typed literal: DATE '...' (str = the text, type = target) */
    SQ_E_CASE,    /* CASE [operand] WHEN args[2i] THEN args[2i+1] ... [ELSE else_expr] END */
    SQ_E_FUNC,    /* name(args) / name(*) (star) / name(DISTINCT args) */
    SQ_E_ARRAY,   /* [args...] list literal */
    SQ_E_SUBSCRIPT, /* args[0][args[1]]: list element, map value, struct field by name */
    SQ_E_SLICE,   /* args[0][operand : else_expr]; a NULL bound is open (l[:2], l[3:]) */
    SQ_E_FIELD,   /* args[0].str: struct field of an expression ((x).a, l[1].a, a.b.c parts) */
    SQ_E_STRUCT,  /* {names[0]: args[0], ...} struct literal */
    SQ_E_MAP,     /* MAP {args[0]: args[1], args[2]: args[3], ...} */
} sq_expr_kind;

typedef enum sq_op {
    SQ_OP_NONE = 0,
    SQ_OP_OR, SQ_OP_AND, SQ_OP_NOT,
    SQ_OP_EQ, SQ_OP_NE, SQ_OP_LT, SQ_OP_LE, SQ_OP_GT, SQ_OP_GE,
    SQ_OP_CONCAT, SQ_OP_ADD, SQ_OP_SUB, SQ_OP_MUL, SQ_OP_DIV, SQ_OP_MOD,
    SQ_OP_NEG, SQ_OP_PLUS
} sq_op;

typedef enum sq_lit_kind {
    SQ_LIT_INTEGER,  /* str = digits (with a leading '-' when negated) */
    SQ_LIT_DECIMAL,  /* str = digits with '.' */
    SQ_LIT_FLOAT,    /* str = text with exponent */
    SQ_LIT_STRING,   /* str = decoded bytes, slen = length (may contain any byte but NUL) */
    SQ_LIT_TRUE, SQ_LIT_FALSE, SQ_LIT_NULL
} sq_lit_kind;

typedef enum sq_is_kind { SQ_IS_NULL, SQ_IS_TRUE, SQ_IS_FALSE, SQ_IS_DISTINCT } sq_is_kind;

typedef struct sq_expr sq_expr;
struct sq_expr {
    uint8_t kind;        /* sq_expr_kind */
    uint8_t op;          /* sq_op */
    uint8_t lit;         /* sq_lit_kind */
    uint8_t is_kind;     /* sq_is_kind */
    bool negated;        /* NOT BETWEEN / NOT IN / NOT LIKE / IS NOT */
    bool ilike;
    bool try_cast;
    bool distinct;       /* FUNC: name(DISTINCT ...) */
    bool star;           /* FUNC: name(*) */
    bool quoted;         /* COLUMN: name was a quoted identifier */
    bool parens;         /* written inside parentheses (display only) */
    uint32_t pos;        /* byte offset of the first token in the statement text */
    uint32_t height;     /* 1 + max child height (bounded by the parser) */
    uint32_t nest;       /* like height, but the first operand of a binary operator adds no level:
                            left-leaning chains (a + b + c ...) are walked in loops, so only this
                            nesting costs recursion later (bounded by the parser) */
    const char *str;     /* CONST text, COLUMN/FUNC name, TYPED text; NUL-terminated */
    uint32_t slen;
    const char *qual;    /* COLUMN/STAR qualifier (table alias) or NULL */
    bool qual_quoted;
    tn_type type;        /* CAST / TYPED target */
    const char *type_text; /* CAST / TYPED target as written, upper-cased ("INTEGER") */
    sq_expr **args;
    uint32_t nargs, cap_args;
    sq_expr *operand;    /* CASE operand or NULL; SLICE lower bound or NULL */
    sq_expr *else_expr;  /* CASE ELSE or NULL; SLICE upper bound or NULL */
    const char **names;  /* STRUCT: key of each arg; FUNC: name of a named argument (a := x) or
                            NULL per arg; NULL when no argument is named */
};

/* ---- SELECT ---- */
typedef struct sq_select sq_select;

typedef enum sq_source_kind {
    SQ_SRC_PATH,      /* 'file.parquet' or a quoted/bare name that looks like a file */
    SQ_SRC_FUNC,      /* table function: read_parquet/parquet_scan/range/generate_series (func) */
    SQ_SRC_SUBQUERY,  /* (SELECT ...) */
    SQ_SRC_TABLE      /* a bare table name (no catalog yet: reported as not found) */
} sq_source_kind;

typedef struct sq_source {
    uint8_t kind;        /* sq_source_kind */
    uint32_t pos;
    const char *path;    /* PATH / TABLE name */
    sq_expr *func;       /* FUNC: SQ_E_FUNC node */
    sq_select *sub;      /* SUBQUERY */
    const char *alias;   /* or NULL */
    const char **col_aliases; /* AS t(a, b) */
    uint32_t ncol_aliases;
    /* addition (deltasql): time travel `VERSION AS OF e` / `TIMESTAMP AS OF e` (at most one) */
    sq_expr *version_as_of;
    sq_expr *timestamp_as_of;
    uint32_t time_travel_pos;
} sq_source;

typedef struct sq_select_item {
    sq_expr *expr;
    const char *alias;   /* or NULL */
} sq_select_item;

typedef struct sq_order_item {
    sq_expr *expr;
    bool desc;
    int8_t nulls_first;  /* -1 default, 0 NULLS LAST, 1 NULLS FIRST */
} sq_order_item;

struct sq_select {
    uint32_t pos;
    bool distinct;
    sq_select_item *items;
    uint32_t nitems;
    sq_source *from;     /* or NULL */
    sq_expr *where;
    sq_expr **group_by;
    uint32_t ngroup;
    sq_expr *having;
    sq_order_item *order;
    uint32_t norder;
    sq_expr *limit;      /* NULL or expression; limit_all for LIMIT ALL */
    sq_expr *offset;
};

/* ---- statements ---- */
typedef enum sq_stmt_type {
    SQ_ST_EMPTY, SQ_ST_SELECT, SQ_ST_EXPLAIN, SQ_ST_DESCRIBE, SQ_ST_COPY, SQ_ST_SET, SQ_ST_PRAGMA
} sq_stmt_type;

typedef struct sq_copy_option {
    const char *name;    /* upper-cased */
    sq_expr *value;      /* or NULL (bare option) */
    uint32_t pos;
} sq_copy_option;

typedef struct sq_stmt {
    uint8_t type;        /* sq_stmt_type */
    uint32_t pos;
    sq_select *select;   /* SELECT, EXPLAIN, DESCRIBE SELECT, COPY (query) */
    sq_source *source;   /* DESCRIBE source / COPY source TO (when select == NULL) */
    const char *path;    /* COPY target */
    sq_copy_option *opts;
    uint32_t nopts;
} sq_stmt;

/* ---- construction helpers (used by the parser; NULL on OOM) ---- */
sq_expr *sq_expr_new(sq_arena *a, sq_expr_kind kind, uint32_t pos);
/* Append a child, growing args; updates height. TN_OK / TN_NOMEM. */
int sq_expr_push(sq_arena *a, sq_expr *e, sq_expr *child);

/* DuckDB-style display text of an expression (appended to out). */
void sq_expr_render(const sq_expr *e, tn_sbuf *out);
/* Name of the result column for a select item: alias, else column name for a column reference,
 * else the rendered expression. Appended to out. */
void sq_expr_column_name(const sq_expr *e, tn_sbuf *out);

#endif
