/*
 * parser.h -- private interface of the recursive-descent SQL parser (parser.c: statements,
 * SELECT, sources, type names; parser_expr.c: expressions by precedence climbing).
 *
 * The parser works on the token array of one statement (token.h) and builds the AST (ast.h) in
 * the statement's arena. Recursion depth (nested parentheses, subqueries, prefix operators) and
 * expression nesting (sq_expr.nest: tree height not counting the first operand of binary
 * operators) are limited to SQ_MAX_DEPTH, so hostile input cannot exhaust the stack here or in
 * the binder and executor, which walk the same trees recursively. Left-leaning operator chains
 * (1 + 2 + 3 ...) are built without recursion and walked in loops everywhere (binder, planner,
 * evaluator), so they are only bounded by SQ_MAX_HEIGHT, which keeps the work per statement
 * proportionate (PostgreSQL accepts such chains; DuckDB stops at 1000 levels).
 */
#ifndef TN_SQ_PARSER_H
#define TN_SQ_PARSER_H

#include "ast.h"
#include "token.h"

#define SQ_MAX_DEPTH 1000
#define SQ_MAX_HEIGHT 32768

/* Parse the first statement of sql starting at byte `start`. *out is arena-allocated (type
 * SQ_ST_EMPTY when only whitespace/comments remain); *end receives the offset just past the
 * statement's ';' (or the end of the text). TN_SYNTAX (PostgreSQL-style message with LINE and
 * caret), TN_NOTSUP for recognised but unsupported syntax, TN_NOMEM. */
int sq_parse(sq_arena *a, const char *sql, size_t start, sq_stmt **out, size_t *end, tn_err *err);

/* Parse a type name ("INTEGER", "DECIMAL(10,2)", "TIMESTAMP WITH TIME ZONE") from a string;
 * used by tests and tools. TN_OK / TN_SYNTAX / TN_NOTSUP. */
int sq_parse_type_name(const char *text, tn_type *out, tn_err *err);

typedef struct sq_parser {
    const char *sql;
    sq_arena *a;
    sq_token *t;
    uint32_t n, i;
    uint32_t depth;
    tn_err *err;
} sq_parser;

/* Operator precedence levels (PostgreSQL's table, lowest first). */
enum {
    SQ_PREC_OR = 1, SQ_PREC_AND, SQ_PREC_NOT, SQ_PREC_IS, SQ_PREC_CMP, SQ_PREC_LIKE, SQ_PREC_OTHER,
    SQ_PREC_ADD, SQ_PREC_MUL, SQ_PREC_UNARY, SQ_PREC_CAST
};

int sqp_expr(sq_parser *p, int min_prec, sq_expr **out);
int sqp_type(sq_parser *p, tn_type *type, const char **text);
int sqp_select(sq_parser *p, sq_select **out);
int sqp_name(sq_parser *p, const char **name, bool *quoted);

static inline const sq_token *sqp_peek(const sq_parser *p) { return &p->t[p->i]; }
static inline const sq_token *sqp_peek_at(const sq_parser *p, uint32_t k)
{
    uint32_t j = p->i + k;
    return &p->t[j < p->n ? j : p->n - 1];
}
static inline bool sqp_is(const sq_parser *p, int kind) { return p->t[p->i].kind == kind; }
static inline bool sqp_is_kw(const sq_parser *p, int kw)
{
    return p->t[p->i].kind == SQ_TK_IDENT && p->t[p->i].kw == kw;
}
static inline void sqp_advance(sq_parser *p)
{
    if (p->i + 1 < p->n)
        p->i++;
}
static inline bool sqp_accept(sq_parser *p, int kind)
{
    if (!sqp_is(p, kind))
        return false;
    sqp_advance(p);
    return true;
}
static inline bool sqp_accept_kw(sq_parser *p, int kw)
{
    if (!sqp_is_kw(p, kw))
        return false;
    sqp_advance(p);
    return true;
}
/* True for an unquoted identifier whose text equals word (case-insensitive). */
bool sqp_is_word(const sq_parser *p, uint32_t k, const char *word);
/* Identifier usable as a name: non-reserved IDENT or QIDENT. */
static inline bool sqp_tok_is_name(const sq_token *t)
{
    return t->kind == SQ_TK_QIDENT || (t->kind == SQ_TK_IDENT && !sq_kw_reserved(t->kw));
}

/* ---- additions (deltasql), parser_delta.c ---- */
/* Optional `[FOR] VERSION|TIMESTAMP AS OF expr` after a FROM source (before its alias). */
int sqp_time_travel(sq_parser *p, sq_source *s);
/* After DESCRIBE: `HISTORY path [LIMIT n]` / `DETAIL path`, rewritten into a SELECT over
 * delta_history / delta_detail; *handled false when the statement is not one of them. */
int sqp_describe_delta(sq_parser *p, sq_stmt *st, bool *handled);

int sqp_syntax(sq_parser *p);                 /* syntax error at the current token */
int sqp_nomem(sq_parser *p);
int sqp_notsup(sq_parser *p, const char *what); /* TN_NOTSUP "<what> is not supported" + position */
int sqp_expect(sq_parser *p, int kind);
int sqp_expect_kw(sq_parser *p, int kw);
/* Enter one level of recursion (TN_ERROR when SQ_MAX_DEPTH is exceeded); pair with depth--. */
int sqp_enter(sq_parser *p);
/* Check a freshly built node's height. */
int sqp_check_height(sq_parser *p, const sq_expr *e);
/* Copy the raw text of token t into the arena (decoded for strings/quoted identifiers). */
int sqp_token_text(sq_parser *p, const sq_token *t, const char **out, uint32_t *len);

#endif
