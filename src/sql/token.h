/*
 * token.h -- the SQL tokenizer (lexer): turns statement text into tokens with byte positions.
 *
 * Lexical rules follow PostgreSQL ("Lexical Structure" chapter of its manual):
 *  - whitespace; comments `-- ...` to end of line and `/ * ... * /` (nestable);
 *  - identifiers [A-Za-z_\x80-\xff][A-Za-z0-9_$\x80-\xff]* (keywords are identifiers whose
 *    folded text is in the keyword table; `kw` says which), quoted identifiers "..." with ""
 *    for a quote (case preserved, never keywords);
 *  - string constants '...' with '' for a quote, E'...' with backslash escapes;
 *  - numbers: digits [. digits] [e[+-]digits] or . digits; a number directly followed by an
 *    identifier character is an error ("trailing junk after numeric literal");
 *  - operators and punctuation: ( ) [ ] { } , . ; : := + - * / % || = == <> != < <= > >= ::
 *
 * Tokens point into the source text (offset + length). String and quoted-identifier tokens keep
 * their raw text including quotes; sq_token_string decodes them.
 * Errors are TN_SYNTAX in PostgreSQL style: the message, then "LINE n: <text>" and a caret line
 * (sq_syntax_error builds them). Reentrant; no global state.
 */
#ifndef TN_SQ_TOKEN_H
#define TN_SQ_TOKEN_H

#include "../util/tn_base.h"
#include "../util/sbuf.h"

typedef enum sq_tok_kind {
    SQ_TK_EOF = 0,
    SQ_TK_IDENT,      /* unquoted identifier or keyword (kw != 0 for keywords) */
    SQ_TK_QIDENT,     /* "quoted identifier" */
    SQ_TK_INTEGER,    /* 123 */
    SQ_TK_DECIMAL,    /* 1.5, .5, 1. */
    SQ_TK_FLOAT,      /* 1e3, 1.5E-2 */
    SQ_TK_STRING,     /* 'text' */
    SQ_TK_ESTRING,    /* E'text with \n escapes' */
    SQ_TK_LPAREN, SQ_TK_RPAREN, SQ_TK_LBRACKET, SQ_TK_RBRACKET,
    SQ_TK_COMMA, SQ_TK_DOT, SQ_TK_SEMI,
    SQ_TK_PLUS, SQ_TK_MINUS, SQ_TK_STAR, SQ_TK_SLASH, SQ_TK_PERCENT, SQ_TK_CONCAT,
    SQ_TK_EQ, SQ_TK_NE, SQ_TK_LT, SQ_TK_LE, SQ_TK_GT, SQ_TK_GE,
    SQ_TK_DCOLON,     /* :: */
    SQ_TK_LBRACE, SQ_TK_RBRACE, /* { } (struct and map literals) */
    SQ_TK_COLON,      /* : (slices l[a:b], struct literal keys) */
    SQ_TK_COLONEQ,    /* := (named arguments: struct_pack(a := 1)) */
    SQ_TK__COUNT
} sq_tok_kind;

/* Keywords. Reserved ones cannot be used as bare column names or aliases (quote them). */
typedef enum sq_kw {
    SQ_KW_NONE = 0,
    /* reserved */
    SQ_KW_ALL, SQ_KW_AND, SQ_KW_ANY, SQ_KW_ARRAY, SQ_KW_AS, SQ_KW_ASC, SQ_KW_BETWEEN, SQ_KW_BOTH,
    SQ_KW_BY, SQ_KW_CASE, SQ_KW_CAST, SQ_KW_CROSS, SQ_KW_DESC, SQ_KW_DISTINCT, SQ_KW_ELSE,
    SQ_KW_END, SQ_KW_EXCEPT, SQ_KW_FALSE, SQ_KW_FETCH, SQ_KW_FOR, SQ_KW_FROM, SQ_KW_FULL,
    SQ_KW_GROUP, SQ_KW_HAVING, SQ_KW_ILIKE, SQ_KW_IN, SQ_KW_INNER, SQ_KW_INTERSECT, SQ_KW_IS,
    SQ_KW_ISNULL, SQ_KW_JOIN, SQ_KW_LEFT, SQ_KW_LIKE, SQ_KW_LIMIT, SQ_KW_NATURAL, SQ_KW_NOT,
    SQ_KW_NOTNULL, SQ_KW_NULL, SQ_KW_OFFSET, SQ_KW_ON, SQ_KW_OR, SQ_KW_ORDER, SQ_KW_OUTER,
    SQ_KW_QUALIFY, SQ_KW_RIGHT, SQ_KW_SELECT, SQ_KW_SIMILAR, SQ_KW_THEN, SQ_KW_TO, SQ_KW_TRUE,
    SQ_KW_TRY_CAST, SQ_KW_UNION, SQ_KW_USING, SQ_KW_WHEN, SQ_KW_WHERE, SQ_KW_WINDOW, SQ_KW_WITH,
    SQ_KW__RESERVED_END,
    /* non-reserved (usable as identifiers) */
    SQ_KW_COPY, SQ_KW_DESCRIBE, SQ_KW_ESCAPE, SQ_KW_EXPLAIN, SQ_KW_FIRST, SQ_KW_LAST,
    SQ_KW_NULLS, SQ_KW_PRAGMA, SQ_KW_SET, SQ_KW_RESET, SQ_KW_SHOW,
    SQ_KW__COUNT
} sq_kw;

typedef struct sq_token {
    uint8_t kind;    /* sq_tok_kind */
    uint8_t kw;      /* sq_kw for SQ_TK_IDENT, else SQ_KW_NONE */
    uint32_t off;    /* byte offset of the first character in the source text */
    uint32_t len;    /* bytes of raw text */
    uint32_t line;   /* 1-based line */
    uint32_t col;    /* 1-based column (in characters, UTF-8 continuation bytes not counted) */
} sq_token;

static inline bool sq_kw_reserved(int kw) { return kw > SQ_KW_NONE && kw < SQ_KW__RESERVED_END; }
/* Keyword id of an identifier (case-insensitive), SQ_KW_NONE if not a keyword. */
int sq_kw_lookup(const char *s, size_t n);
/* Printable name of a token kind ("identifier", "'('", ...), for messages and tests. */
const char *sq_tok_kind_name(int kind);

/* Tokenize sql from byte `start` up to and including the first top-level ';' (or the end of the
 * text). *toks receives an array (tn_malloc, caller frees with tn_free) of *ntoks tokens ending
 * with SQ_TK_SEMI or SQ_TK_EOF; *end receives the offset just past the statement's ';' (or the
 * text length). Sources longer than UINT32_MAX bytes are rejected. TN_SYNTAX / TN_NOMEM. */
int sq_tokenize(const char *sql, size_t start, sq_token **toks, uint32_t *ntoks, size_t *end, tn_err *err);

/* Decode a SQ_TK_STRING / SQ_TK_ESTRING / SQ_TK_QIDENT token into out (appends the value without
 * quotes, escapes resolved). TN_SYNTAX for bad escapes in E'' strings. */
int sq_token_string(const char *sql, const sq_token *t, tn_sbuf *out, tn_err *err);

/* Report a syntax error at byte offset `off` of sql in PostgreSQL style:
 *   <message>\nLINE n: <source line>\n<spaces>^
 * `fmt` is the first line. Returns TN_SYNTAX (or `code` when non-zero). */
int sq_error_at(tn_err *err, int code, const char *sql, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* `syntax error at or near "tok"` (or `at end of input` for EOF/';' at the end). */
int sq_syntax_error(tn_err *err, const char *sql, const sq_token *t);

#endif
