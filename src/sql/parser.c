/*
 * parser.c -- recursive-descent parser for statements: SELECT (with FROM sources, WHERE, GROUP
 * BY, HAVING, ORDER BY, LIMIT/OFFSET in either order), EXPLAIN, DESCRIBE, COPY ... TO, and the
 * SET/PRAGMA statements that are recognised but not supported. Also type names.
 *
 * Grammar (informal):
 *   stmt    := select | EXPLAIN select | DESCRIBE (select | source) | COPY ( '(' select ')' |
 *              source ) TO 'path' [WITH] ['(' option [,] ... ')'] | SET ... | PRAGMA ...
 *   select  := SELECT [DISTINCT|ALL] item, ... [FROM source] [WHERE e] [GROUP BY e, ...]
 *              [HAVING e] [ORDER BY e [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT e|ALL]
 *              [OFFSET e [ROWS]]             -- LIMIT and OFFSET in either order
 *   item    := '*' | name '.' '*' | e [[AS] alias]
 *   source  := ('path' | name '(' args ')' | '(' select ')' | name) [[AS] alias ['(' names ')']]
 * Unsupported SQL that is recognisable (joins, set operations, CTEs, DDL/DML) is TN_NOTSUP with
 * the position of the construct; everything else unexpected is a TN_SYNTAX error.
 */
#include "parser.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- shared helpers (declared in parser.h) ---- */

bool sqp_is_word(const sq_parser *p, uint32_t k, const char *word)
{
    const sq_token *t = sqp_peek_at(p, k);
    size_t n = strlen(word);
    return t->kind == SQ_TK_IDENT && t->len == n && strncasecmp(p->sql + t->off, word, n) == 0;
}

int sqp_syntax(sq_parser *p)
{
    return sq_syntax_error(p->err, p->sql, sqp_peek(p));
}

int sqp_nomem(sq_parser *p)
{
    return tn_err_set(p->err, TN_NOMEM, "out of memory parsing SQL");
}

int sqp_notsup(sq_parser *p, const char *what)
{
    return sq_error_at(p->err, TN_NOTSUP, p->sql, sqp_peek(p)->off, "%s is not supported", what);
}

int sqp_expect(sq_parser *p, int kind)
{
    if (!sqp_accept(p, kind))
        return sqp_syntax(p);
    return TN_OK;
}

int sqp_expect_kw(sq_parser *p, int kw)
{
    if (!sqp_accept_kw(p, kw))
        return sqp_syntax(p);
    return TN_OK;
}

int sqp_enter(sq_parser *p)
{
    if (++p->depth > SQ_MAX_DEPTH) {
        p->depth--;
        return sq_error_at(p->err, TN_ERROR, p->sql, sqp_peek(p)->off,
                           "statement is too deeply nested (more than %d levels)", SQ_MAX_DEPTH);
    }
    return TN_OK;
}

int sqp_check_height(sq_parser *p, const sq_expr *e)
{
    if (e->nest > SQ_MAX_DEPTH)
        return sq_error_at(p->err, TN_ERROR, p->sql, sqp_peek(p)->off,
                           "expression is too deeply nested (more than %d levels)", SQ_MAX_DEPTH);
    if (e->height > SQ_MAX_HEIGHT)
        return sq_error_at(p->err, TN_ERROR, p->sql, sqp_peek(p)->off,
                           "expression is too long (more than %d operators in a chain)", SQ_MAX_HEIGHT);
    return TN_OK;
}

int sqp_token_text(sq_parser *p, const sq_token *t, const char **out, uint32_t *len)
{
    if (t->kind == SQ_TK_STRING || t->kind == SQ_TK_ESTRING || t->kind == SQ_TK_QIDENT) {
        tn_sbuf sb = TN_SBUF_INIT;
        int rc = sq_token_string(p->sql, t, &sb, p->err);
        if (rc) {
            tn_sbuf_free(&sb);
            return rc;
        }
        if (memchr(tn_sbuf_str(&sb), 0, sb.len)) {
            tn_sbuf_free(&sb);
            return sq_error_at(p->err, TN_SYNTAX, p->sql, t->off, "invalid null character in string");
        }
        char *s = sq_arena_strndup(p->a, tn_sbuf_str(&sb), sb.len);
        *len = (uint32_t)sb.len;
        tn_sbuf_free(&sb);
        if (!s)
            return sqp_nomem(p);
        *out = s;
        return TN_OK;
    }
    char *s = sq_arena_strndup(p->a, p->sql + t->off, t->len);
    if (!s)
        return sqp_nomem(p);
    *out = s;
    *len = t->len;
    return TN_OK;
}

int sqp_name(sq_parser *p, const char **name, bool *quoted)
{
    const sq_token *t = sqp_peek(p);
    if (!sqp_tok_is_name(t))
        return sqp_syntax(p);
    uint32_t len;
    int rc = sqp_token_text(p, t, name, &len);
    if (rc)
        return rc;
    if (quoted)
        *quoted = t->kind == SQ_TK_QIDENT;
    sqp_advance(p);
    return TN_OK;
}

/* ---- type names ---- */

typedef struct type_word {
    const char *name;
    uint8_t id;
    uint8_t unit;
    uint8_t tz;
    uint8_t flags;
} type_word;

static const type_word type_words[] = {
    {"BOOLEAN", TN_T_BOOL, 0, 0, 0},      {"BOOL", TN_T_BOOL, 0, 0, 0},
    {"LOGICAL", TN_T_BOOL, 0, 0, 0},      {"TINYINT", TN_T_INT8, 0, 0, 0},
    {"INT1", TN_T_INT8, 0, 0, 0},         {"SMALLINT", TN_T_INT16, 0, 0, 0},
    {"INT2", TN_T_INT16, 0, 0, 0},        {"SHORT", TN_T_INT16, 0, 0, 0},
    {"INTEGER", TN_T_INT32, 0, 0, 0},     {"INT", TN_T_INT32, 0, 0, 0},
    {"INT4", TN_T_INT32, 0, 0, 0},        {"SIGNED", TN_T_INT32, 0, 0, 0},
    {"BIGINT", TN_T_INT64, 0, 0, 0},      {"INT8", TN_T_INT64, 0, 0, 0},
    {"LONG", TN_T_INT64, 0, 0, 0},        {"HUGEINT", TN_T_INT128, 0, 0, 0},
    {"INT128", TN_T_INT128, 0, 0, 0},     {"UTINYINT", TN_T_UINT8, 0, 0, 0},
    {"USMALLINT", TN_T_UINT16, 0, 0, 0},  {"UINTEGER", TN_T_UINT32, 0, 0, 0},
    {"UBIGINT", TN_T_UINT64, 0, 0, 0},    {"REAL", TN_T_FLOAT, 0, 0, 0},
    {"FLOAT4", TN_T_FLOAT, 0, 0, 0},      {"FLOAT", TN_T_FLOAT, 0, 0, 0},
    {"DOUBLE", TN_T_DOUBLE, 0, 0, 0},     {"FLOAT8", TN_T_DOUBLE, 0, 0, 0},
    {"DECIMAL", TN_T_DECIMAL, 0, 0, 0},   {"NUMERIC", TN_T_DECIMAL, 0, 0, 0},
    {"DEC", TN_T_DECIMAL, 0, 0, 0},       {"VARCHAR", TN_T_VARCHAR, 0, 0, 0},
    {"TEXT", TN_T_VARCHAR, 0, 0, 0},      {"STRING", TN_T_VARCHAR, 0, 0, 0},
    {"CHAR", TN_T_VARCHAR, 0, 0, 0},      {"BPCHAR", TN_T_VARCHAR, 0, 0, 0},
    {"CHARACTER", TN_T_VARCHAR, 0, 0, 0}, {"NVARCHAR", TN_T_VARCHAR, 0, 0, 0},
    {"JSON", TN_T_VARCHAR, 0, 0, TN_TF_JSON}, {"BLOB", TN_T_BLOB, 0, 0, 0},
    {"BYTEA", TN_T_BLOB, 0, 0, 0},        {"VARBINARY", TN_T_BLOB, 0, 0, 0},
    {"BINARY", TN_T_BLOB, 0, 0, 0},       {"DATE", TN_T_DATE, 0, 0, 0},
    {"TIME", TN_T_TIME, TN_UNIT_US, 0, 0}, {"TIMESTAMP", TN_T_TIMESTAMP, TN_UNIT_US, 0, 0},
    {"DATETIME", TN_T_TIMESTAMP, TN_UNIT_US, 0, 0}, {"TIMESTAMP_US", TN_T_TIMESTAMP, TN_UNIT_US, 0, 0},
    {"TIMESTAMP_MS", TN_T_TIMESTAMP, TN_UNIT_MS, 0, 0}, {"TIMESTAMP_NS", TN_T_TIMESTAMP, TN_UNIT_NS, 0, 0},
    {"TIMESTAMPTZ", TN_T_TIMESTAMP, TN_UNIT_US, 1, 0}, {"UUID", TN_T_UUID, 0, 0, 0},
    {"INTERVAL", TN_T_INTERVAL, 0, 0, 0},
};

static const type_word *find_type_word(const char *s, size_t n)
{
    for (size_t i = 0; i < TN_ARRAY_LEN(type_words); i++)
        if (strlen(type_words[i].name) == n && strncasecmp(type_words[i].name, s, n) == 0)
            return &type_words[i];
    return NULL;
}

static int type_int_param(sq_parser *p, long *out)
{
    const sq_token *t = sqp_peek(p);
    if (t->kind != SQ_TK_INTEGER)
        return sqp_syntax(p);
    long v = 0;
    for (uint32_t i = 0; i < t->len; i++) {
        v = v * 10 + (p->sql[t->off + i] - '0');
        if (v > 1000000)
            break;
    }
    *out = v;
    sqp_advance(p);
    return TN_OK;
}

/* A scalar type name ("INTEGER", "DECIMAL(10,2)", "TIMESTAMP WITH TIME ZONE"). */
static int base_type(sq_parser *p, tn_type *type)
{
    const sq_token *t = sqp_peek(p);
    uint32_t pos = t->off;
    if (t->kind != SQ_TK_IDENT && t->kind != SQ_TK_QIDENT)
        return sqp_syntax(p);
    const type_word *w = find_type_word(p->sql + t->off, t->len);
    bool tz_words = false;
    if (t->kind == SQ_TK_IDENT && t->len == 6 && strncasecmp(p->sql + t->off, "DOUBLE", 6) == 0 &&
        sqp_is_word(p, 1, "precision")) {
        sqp_advance(p);
    } else if (t->kind == SQ_TK_IDENT && t->len == 9 && strncasecmp(p->sql + t->off, "CHARACTER", 9) == 0 &&
               sqp_is_word(p, 1, "varying")) {
        sqp_advance(p);
    }
    if (!w) {
        if (t->kind == SQ_TK_IDENT && sq_kw_reserved(t->kw))
            return sqp_syntax(p);
        return sq_error_at(p->err, TN_NOTFOUND, p->sql, pos, "type \"%.*s\" does not exist", (int)TN_MIN(t->len, 64),
                           p->sql + t->off);
    }
    sqp_advance(p);
    tn_type ty = tn_type_make((tn_type_id)w->id);
    ty.flags = w->flags;
    if (w->id == TN_T_TIME || w->id == TN_T_TIMESTAMP) {
        ty.unit = w->unit;
        ty.tz = w->tz;
    }
    long params[2] = {0, 0};
    int nparams = 0;
    if (sqp_is(p, SQ_TK_LPAREN)) {
        sqp_advance(p);
        int rc;
        if ((rc = type_int_param(p, &params[nparams++])))
            return rc;
        if (sqp_accept(p, SQ_TK_COMMA) && (rc = type_int_param(p, &params[nparams++])))
            return rc;
        if ((rc = sqp_expect(p, SQ_TK_RPAREN)))
            return rc;
    }
    if ((w->id == TN_T_TIME || w->id == TN_T_TIMESTAMP) && !w->tz &&
        (sqp_is_kw(p, SQ_KW_WITH) || sqp_is_word(p, 0, "without")) && sqp_is_word(p, 1, "time") &&
        sqp_is_word(p, 2, "zone")) {
        tz_words = sqp_is_kw(p, SQ_KW_WITH);
        sqp_advance(p);
        sqp_advance(p);
        sqp_advance(p);
        if (tz_words && w->id == TN_T_TIME)
            return sq_error_at(p->err, TN_NOTSUP, p->sql, pos, "TIME WITH TIME ZONE is not supported");
        if (tz_words)
            ty.tz = 1;
    }
    if (w->id == TN_T_DECIMAL) {
        int prec = 18, scale = 3;
        if (nparams >= 1) {
            prec = (int)params[0];
            scale = nparams == 2 ? (int)params[1] : 0;
        }
        if (prec < 1 || prec > 38)
            return sq_error_at(p->err, TN_ERROR, p->sql, pos, "DECIMAL precision %d must be between 1 and 38", prec);
        if (scale < 0 || scale > prec)
            return sq_error_at(p->err, TN_ERROR, p->sql, pos, "DECIMAL scale %d must be between 0 and precision %d",
                               scale, prec);
        ty = tn_type_decimal(prec, scale);
    } else if (nparams > 0 && w->id != TN_T_VARCHAR && w->id != TN_T_BLOB && w->id != TN_T_TIMESTAMP &&
               w->id != TN_T_TIME) {
        return sq_error_at(p->err, TN_ERROR, p->sql, pos, "type %s does not take parameters", w->name);
    }
    *type = ty;
    return TN_OK;
}

#define SQ_MAX_TYPE_DEPTH 64

static int any_type(sq_parser *p, tn_type *type, int depth);

/* STRUCT(name type, ...) or MAP(key type, value type), the current token at STRUCT/MAP. */
static int nested_type(sq_parser *p, tn_type *type, int depth)
{
    bool is_map = sqp_is_word(p, 0, "map");
    uint32_t pos = sqp_peek(p)->off;
    sqp_advance(p);
    sqp_advance(p); /* ( */
    int rc;
    if (is_map) {
        tn_type k, v;
        if ((rc = any_type(p, &k, depth + 1)) || (rc = sqp_expect(p, SQ_TK_COMMA)) || (rc = any_type(p, &v, depth + 1)) ||
            (rc = sqp_expect(p, SQ_TK_RPAREN)))
            return rc;
        *type = tn_type_map(k, v);
        return type->id == TN_T_INVALID ? sqp_nomem(p) : TN_OK;
    }
    const char **names = NULL;
    tn_type *types = NULL;
    uint32_t n = 0, cap = 0;
    for (;;) {
        const sq_token *t = sqp_peek(p);
        if (t->kind != SQ_TK_IDENT && t->kind != SQ_TK_QIDENT && t->kind != SQ_TK_STRING)
            return sqp_syntax(p);
        if (n == cap) {
            uint32_t nc = cap ? cap * 2 : 8;
            const char **nn = sq_arena_alloc(p->a, nc * sizeof *nn);
            tn_type *nt = sq_arena_alloc(p->a, nc * sizeof *nt);
            if (!nn || !nt)
                return sqp_nomem(p);
            if (n) {
                memcpy(nn, names, n * sizeof *nn);
                memcpy(nt, types, n * sizeof *nt);
            }
            names = nn;
            types = nt;
            cap = nc;
        }
        uint32_t len;
        if ((rc = sqp_token_text(p, t, &names[n], &len)))
            return rc;
        sqp_advance(p);
        for (uint32_t i = 0; i < n; i++)
            if (strcasecmp(names[i], names[n]) == 0)
                return sq_error_at(p->err, TN_ERROR, p->sql, t->off, "duplicate struct entry name \"%s\"", names[n]);
        if ((rc = any_type(p, &types[n], depth + 1)))
            return rc;
        n++;
        if (!sqp_accept(p, SQ_TK_COMMA))
            break;
    }
    if ((rc = sqp_expect(p, SQ_TK_RPAREN)))
        return rc;
    TN_UNUSED(pos);
    *type = tn_type_struct(n, names, types);
    return type->id == TN_T_INVALID ? sqp_nomem(p) : TN_OK;
}

/* Any type: scalar, STRUCT(...), MAP(...), each optionally followed by [] (LIST) suffixes.
 * Nesting is limited to SQ_MAX_TYPE_DEPTH levels (type names and vectors recurse on it). */
static int any_type(sq_parser *p, tn_type *type, int depth)
{
    if (depth > SQ_MAX_TYPE_DEPTH)
        return sq_error_at(p->err, TN_ERROR, p->sql, sqp_peek(p)->off, "type is nested too deeply (more than %d levels)",
                           SQ_MAX_TYPE_DEPTH);
    int rc = sqp_enter(p);
    if (rc)
        return rc;
    if ((sqp_is_word(p, 0, "struct") || sqp_is_word(p, 0, "map")) && sqp_peek_at(p, 1)->kind == SQ_TK_LPAREN)
        rc = nested_type(p, type, depth);
    else
        rc = base_type(p, type);
    while (!rc && sqp_is(p, SQ_TK_LBRACKET)) {
        if (++depth > SQ_MAX_TYPE_DEPTH) {
            rc = sq_error_at(p->err, TN_ERROR, p->sql, sqp_peek(p)->off, "type is nested too deeply (more than %d levels)",
                             SQ_MAX_TYPE_DEPTH);
            break;
        }
        sqp_advance(p);
        if (sqp_is(p, SQ_TK_INTEGER)) {
            rc = sqp_notsup(p, "fixed-size ARRAY type");
            break;
        }
        if ((rc = sqp_expect(p, SQ_TK_RBRACKET)))
            break;
        *type = tn_type_list(*type);
        if (type->id == TN_T_INVALID)
            rc = sqp_nomem(p);
    }
    p->depth--;
    return rc;
}

int sqp_type(sq_parser *p, tn_type *type, const char **text)
{
    tn_type ty;
    int rc = any_type(p, &ty, 0);
    if (rc)
        return rc;
    if (text) {
        char buf[1024];
        tn_type_name(ty, buf, sizeof buf);
        *text = sq_arena_strndup(p->a, buf, strlen(buf));
        if (!*text)
            return sqp_nomem(p);
    }
    *type = ty;
    return TN_OK;
}

/* ---- SELECT ---- */

static int parse_alias(sq_parser *p, const char **alias, bool allow_bare)
{
    *alias = NULL;
    const sq_token *t = sqp_peek(p);
    uint32_t len;
    if (sqp_accept_kw(p, SQ_KW_AS)) {
        t = sqp_peek(p);
        if (t->kind != SQ_TK_IDENT && t->kind != SQ_TK_QIDENT && t->kind != SQ_TK_STRING)
            return sqp_syntax(p);
        int rc = sqp_token_text(p, t, alias, &len);
        if (!rc)
            sqp_advance(p);
        return rc;
    }
    if (allow_bare && sqp_tok_is_name(t)) {
        int rc = sqp_token_text(p, t, alias, &len);
        if (!rc)
            sqp_advance(p);
        return rc;
    }
    return TN_OK;
}

static int grow(sq_parser *p, void **arr, uint32_t n, uint32_t *cap, size_t elem)
{
    if (n < *cap)
        return TN_OK;
    uint32_t nc = *cap ? *cap * 2 : 8;
    void *na = sq_arena_alloc(p->a, (size_t)nc * elem);
    if (!na)
        return sqp_nomem(p);
    if (n)
        memcpy(na, *arr, (size_t)n * elem);
    *arr = na;
    *cap = nc;
    return TN_OK;
}

static int parse_source(sq_parser *p, sq_source **out)
{
    sq_source *s = sq_arena_alloc(p->a, sizeof *s);
    if (!s)
        return sqp_nomem(p);
    *out = s;
    const sq_token *t = sqp_peek(p);
    s->pos = t->off;
    int rc;
    uint32_t len;
    if (t->kind == SQ_TK_STRING || t->kind == SQ_TK_ESTRING) {
        s->kind = SQ_SRC_PATH;
        if ((rc = sqp_token_text(p, t, &s->path, &len)))
            return rc;
        sqp_advance(p);
    } else if (t->kind == SQ_TK_LPAREN) {
        sqp_advance(p);
        if (!sqp_is_kw(p, SQ_KW_SELECT) && !sqp_is(p, SQ_TK_LPAREN)) {
            if (sqp_is_word(p, 0, "values"))
                return sqp_notsup(p, "VALUES");
            return sqp_syntax(p);
        }
        s->kind = SQ_SRC_SUBQUERY;
        if ((rc = sqp_select(p, &s->sub)) || (rc = sqp_expect(p, SQ_TK_RPAREN)))
            return rc;
    } else if (sqp_tok_is_name(t)) {
        if (sqp_peek_at(p, 1)->kind == SQ_TK_LPAREN) {
            s->kind = SQ_SRC_FUNC;
            if ((rc = sqp_expr(p, SQ_PREC_CAST + 1, &s->func)))
                return rc;
            if (s->func->kind != SQ_E_FUNC)
                return sq_error_at(p->err, TN_SYNTAX, p->sql, s->pos, "syntax error in table function");
        } else {
            s->kind = SQ_SRC_TABLE;
            if ((rc = sqp_token_text(p, t, &s->path, &len)))
                return rc;
            sqp_advance(p);
            if (sqp_is(p, SQ_TK_DOT))
                return sqp_notsup(p, "schema-qualified table name");
        }
    } else {
        return sqp_syntax(p);
    }
    if (s->kind != SQ_SRC_SUBQUERY && (rc = sqp_time_travel(p, s))) /* deltasql: VERSION|TIMESTAMP AS OF */
        return rc;
    if ((rc = parse_alias(p, &s->alias, true)))
        return rc;
    if (s->alias && sqp_is(p, SQ_TK_LPAREN)) {
        sqp_advance(p);
        uint32_t cap = 0;
        for (;;) {
            if ((rc = grow(p, (void **)&s->col_aliases, s->ncol_aliases, &cap, sizeof(char *))))
                return rc;
            if ((rc = sqp_name(p, &s->col_aliases[s->ncol_aliases], NULL)))
                return rc;
            s->ncol_aliases++;
            if (!sqp_accept(p, SQ_TK_COMMA))
                break;
        }
        if ((rc = sqp_expect(p, SQ_TK_RPAREN)))
            return rc;
    }
    if (sqp_is(p, SQ_TK_COMMA) || sqp_is_kw(p, SQ_KW_JOIN) || sqp_is_kw(p, SQ_KW_CROSS) ||
        sqp_is_kw(p, SQ_KW_INNER) || sqp_is_kw(p, SQ_KW_LEFT) || sqp_is_kw(p, SQ_KW_RIGHT) ||
        sqp_is_kw(p, SQ_KW_FULL) || sqp_is_kw(p, SQ_KW_NATURAL))
        return sqp_notsup(p, "JOIN");
    return TN_OK;
}

static int parse_select_item(sq_parser *p, sq_select_item *it)
{
    const sq_token *t = sqp_peek(p);
    if (t->kind == SQ_TK_STAR) {
        sq_expr *e = sq_expr_new(p->a, SQ_E_STAR, t->off);
        if (!e)
            return sqp_nomem(p);
        e->str = "*";
        sqp_advance(p);
        it->expr = e;
        if (sqp_is_word(p, 0, "exclude") || sqp_is_word(p, 0, "replace"))
            return sqp_notsup(p, "SELECT * EXCLUDE/REPLACE");
        return TN_OK;
    }
    int rc = sqp_expr(p, 0, &it->expr);
    if (rc)
        return rc;
    if (it->expr->kind == SQ_E_STAR)
        return TN_OK;
    return parse_alias(p, &it->alias, true);
}

static int parse_limit_value(sq_parser *p, sq_expr **out)
{
    if (sqp_accept_kw(p, SQ_KW_ALL)) {
        *out = NULL;
        return TN_OK;
    }
    return sqp_expr(p, 0, out);
}

static int parse_select_body(sq_parser *p, sq_select *s)
{
    int rc;
    s->pos = sqp_peek(p)->off;
    if ((rc = sqp_expect_kw(p, SQ_KW_SELECT)))
        return rc;
    if (sqp_accept_kw(p, SQ_KW_DISTINCT)) {
        s->distinct = true;
        if (sqp_is_kw(p, SQ_KW_ON))
            return sqp_notsup(p, "DISTINCT ON");
    } else {
        sqp_accept_kw(p, SQ_KW_ALL);
    }
    uint32_t cap = 0;
    for (;;) {
        if ((rc = grow(p, (void **)&s->items, s->nitems, &cap, sizeof *s->items)))
            return rc;
        if ((rc = parse_select_item(p, &s->items[s->nitems])))
            return rc;
        s->nitems++;
        if (!sqp_accept(p, SQ_TK_COMMA))
            break;
    }
    if (sqp_is_word(p, 0, "into"))
        return sqp_notsup(p, "SELECT INTO");
    if (sqp_accept_kw(p, SQ_KW_FROM) && (rc = parse_source(p, &s->from)))
        return rc;
    if (sqp_accept_kw(p, SQ_KW_WHERE) && (rc = sqp_expr(p, 0, &s->where)))
        return rc;
    if (sqp_accept_kw(p, SQ_KW_GROUP)) {
        if ((rc = sqp_expect_kw(p, SQ_KW_BY)))
            return rc;
        if (sqp_is_kw(p, SQ_KW_ALL))
            return sqp_notsup(p, "GROUP BY ALL");
        cap = 0;
        for (;;) {
            if ((rc = grow(p, (void **)&s->group_by, s->ngroup, &cap, sizeof *s->group_by)))
                return rc;
            if ((rc = sqp_expr(p, 0, &s->group_by[s->ngroup])))
                return rc;
            s->ngroup++;
            if (!sqp_accept(p, SQ_TK_COMMA))
                break;
        }
    }
    if (sqp_accept_kw(p, SQ_KW_HAVING) && (rc = sqp_expr(p, 0, &s->having)))
        return rc;
    if (sqp_is_kw(p, SQ_KW_WINDOW) || sqp_is_kw(p, SQ_KW_QUALIFY))
        return sqp_notsup(p, "WINDOW/QUALIFY clause");
    if (sqp_is_kw(p, SQ_KW_UNION) || sqp_is_kw(p, SQ_KW_EXCEPT) || sqp_is_kw(p, SQ_KW_INTERSECT))
        return sqp_notsup(p, "set operation (UNION/EXCEPT/INTERSECT)");
    if (sqp_accept_kw(p, SQ_KW_ORDER)) {
        if ((rc = sqp_expect_kw(p, SQ_KW_BY)))
            return rc;
        cap = 0;
        for (;;) {
            if ((rc = grow(p, (void **)&s->order, s->norder, &cap, sizeof *s->order)))
                return rc;
            sq_order_item *o = &s->order[s->norder];
            if ((rc = sqp_expr(p, 0, &o->expr)))
                return rc;
            o->nulls_first = -1;
            if (sqp_accept_kw(p, SQ_KW_DESC))
                o->desc = true;
            else
                sqp_accept_kw(p, SQ_KW_ASC);
            if (sqp_accept_kw(p, SQ_KW_NULLS)) {
                if (sqp_accept_kw(p, SQ_KW_FIRST))
                    o->nulls_first = 1;
                else if (sqp_accept_kw(p, SQ_KW_LAST))
                    o->nulls_first = 0;
                else
                    return sqp_syntax(p);
            }
            s->norder++;
            if (!sqp_accept(p, SQ_TK_COMMA))
                break;
        }
    }
    bool seen_limit = false, seen_offset = false;
    for (;;) {
        if (!seen_limit && sqp_is_kw(p, SQ_KW_LIMIT)) {
            sqp_advance(p);
            seen_limit = true;
            if ((rc = parse_limit_value(p, &s->limit)))
                return rc;
            if (sqp_is(p, SQ_TK_COMMA))
                return sqp_notsup(p, "LIMIT offset, count");
        } else if (!seen_offset && sqp_is_kw(p, SQ_KW_OFFSET)) {
            sqp_advance(p);
            seen_offset = true;
            if ((rc = sqp_expr(p, 0, &s->offset)))
                return rc;
            if (sqp_is_word(p, 0, "row") || sqp_is_word(p, 0, "rows"))
                sqp_advance(p);
        } else {
            break;
        }
    }
    if (sqp_is_kw(p, SQ_KW_FETCH))
        return sqp_notsup(p, "FETCH FIRST");
    if (sqp_is_kw(p, SQ_KW_UNION) || sqp_is_kw(p, SQ_KW_EXCEPT) || sqp_is_kw(p, SQ_KW_INTERSECT))
        return sqp_notsup(p, "set operation (UNION/EXCEPT/INTERSECT)");
    return TN_OK;
}

int sqp_select(sq_parser *p, sq_select **out)
{
    int rc = sqp_enter(p);
    if (rc)
        return rc;
    if (sqp_is(p, SQ_TK_LPAREN)) { /* (SELECT ...) */
        sqp_advance(p);
        if ((rc = sqp_select(p, out)) == TN_OK)
            rc = sqp_expect(p, SQ_TK_RPAREN);
        p->depth--;
        return rc;
    }
    if (sqp_is_kw(p, SQ_KW_WITH)) {
        p->depth--;
        return sqp_notsup(p, "WITH (common table expression)");
    }
    if (sqp_is_word(p, 0, "values")) {
        p->depth--;
        return sqp_notsup(p, "VALUES");
    }
    sq_select *s = sq_arena_alloc(p->a, sizeof *s);
    if (!s) {
        p->depth--;
        return sqp_nomem(p);
    }
    rc = parse_select_body(p, s);
    *out = s;
    p->depth--;
    return rc;
}

/* ---- statements ---- */

/* At '(' of a COPY option value: is it a list of names/strings ("(a, 'b')"), not an expression? */
static bool copy_list_ahead(const sq_parser *p)
{
    const sq_token *t = sqp_peek_at(p, 1), *n = sqp_peek_at(p, 2);
    return (sqp_tok_is_name(t) || t->kind == SQ_TK_STRING || t->kind == SQ_TK_ESTRING) &&
           (n->kind == SQ_TK_COMMA || n->kind == SQ_TK_RPAREN);
}

/* '(' item, ... ')' with names or strings as items -> an SQ_E_ARRAY of string constants. */
static int parse_copy_list(sq_parser *p, sq_expr **out)
{
    sq_expr *e = sq_expr_new(p->a, SQ_E_ARRAY, sqp_peek(p)->off);
    if (!e)
        return sqp_nomem(p);
    sqp_advance(p); /* ( */
    for (;;) {
        const sq_token *t = sqp_peek(p);
        if (!sqp_tok_is_name(t) && t->kind != SQ_TK_STRING && t->kind != SQ_TK_ESTRING)
            return sqp_syntax(p);
        sq_expr *it = sq_expr_new(p->a, SQ_E_CONST, t->off);
        if (!it)
            return sqp_nomem(p);
        it->lit = SQ_LIT_STRING;
        int rc = sqp_token_text(p, t, &it->str, &it->slen);
        if (rc)
            return rc;
        if (sq_expr_push(p->a, e, it))
            return sqp_nomem(p);
        sqp_advance(p);
        if (sqp_accept(p, SQ_TK_RPAREN))
            break;
        if ((rc = sqp_expect(p, SQ_TK_COMMA)))
            return rc;
    }
    *out = e;
    return TN_OK;
}

static int parse_copy(sq_parser *p, sq_stmt *st)
{
    int rc;
    sqp_advance(p); /* COPY */
    if (sqp_is(p, SQ_TK_LPAREN) && sqp_peek_at(p, 1)->kind == SQ_TK_IDENT &&
        (sqp_peek_at(p, 1)->kw == SQ_KW_SELECT || sqp_peek_at(p, 1)->kw == SQ_KW_WITH)) {
        sqp_advance(p);
        if ((rc = sqp_select(p, &st->select)) || (rc = sqp_expect(p, SQ_TK_RPAREN)))
            return rc;
    } else if ((rc = parse_source(p, &st->source))) {
        return rc;
    }
    if (sqp_is_kw(p, SQ_KW_FROM))
        return sqp_notsup(p, "COPY ... FROM");
    if ((rc = sqp_expect_kw(p, SQ_KW_TO)))
        return rc;
    const sq_token *t = sqp_peek(p);
    if (t->kind != SQ_TK_STRING && t->kind != SQ_TK_ESTRING)
        return sqp_syntax(p);
    uint32_t len;
    if ((rc = sqp_token_text(p, t, &st->path, &len)))
        return rc;
    sqp_advance(p);
    sqp_accept_kw(p, SQ_KW_WITH);
    if (!sqp_accept(p, SQ_TK_LPAREN))
        return TN_OK;
    uint32_t cap = 0;
    while (!sqp_is(p, SQ_TK_RPAREN)) {
        t = sqp_peek(p);
        if (t->kind != SQ_TK_IDENT && t->kind != SQ_TK_QIDENT)
            return sqp_syntax(p);
        if ((rc = grow(p, (void **)&st->opts, st->nopts, &cap, sizeof *st->opts)))
            return rc;
        sq_copy_option *o = &st->opts[st->nopts];
        o->pos = t->off;
        if ((rc = sqp_token_text(p, t, &o->name, &len)))
            return rc;
        for (char *c = (char *)o->name; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                *c = (char)(*c - 32);
        sqp_advance(p);
        t = sqp_peek(p);
        if (t->kind == SQ_TK_IDENT && !sq_kw_reserved(t->kw)) {
            /* bare word value: FORMAT parquet, COMPRESSION zstd */
            o->value = sq_expr_new(p->a, SQ_E_CONST, t->off);
            if (!o->value)
                return sqp_nomem(p);
            o->value->lit = SQ_LIT_STRING;
            if ((rc = sqp_token_text(p, t, &o->value->str, &o->value->slen)))
                return rc;
            sqp_advance(p);
        } else if (sqp_is(p, SQ_TK_LPAREN) && copy_list_ahead(p)) {
            /* a list of names: PARTITION_BY (a, b), BLOOM_FILTER_COLUMNS (x, "y") */
            if ((rc = parse_copy_list(p, &o->value)))
                return rc;
        } else if (!sqp_is(p, SQ_TK_COMMA) && !sqp_is(p, SQ_TK_RPAREN)) {
            if ((rc = sqp_expr(p, 0, &o->value)))
                return rc;
        }
        st->nopts++;
        if (!sqp_accept(p, SQ_TK_COMMA) && !sqp_is(p, SQ_TK_RPAREN) && sqp_peek(p)->kind != SQ_TK_IDENT &&
            sqp_peek(p)->kind != SQ_TK_QIDENT)
            return sqp_syntax(p);
    }
    sqp_advance(p); /* ) */
    return TN_OK;
}

static const char *const unsupported_statements[] = {
    "create", "insert", "update", "delete", "drop", "alter", "attach", "detach", "begin", "commit",
    "rollback", "install", "load", "call", "export", "import", "checkpoint", "vacuum", "analyze",
    "summarize", "use", "truncate", "merge", "prepare", "execute", "deallocate", "start", "abort",
};

static int parse_statement(sq_parser *p, sq_stmt *st)
{
    const sq_token *t = sqp_peek(p);
    st->pos = t->off;
    int rc;
    if (t->kind == SQ_TK_EOF || t->kind == SQ_TK_SEMI) {
        st->type = SQ_ST_EMPTY;
        return TN_OK;
    }
    if (t->kind == SQ_TK_LPAREN || (t->kind == SQ_TK_IDENT && (t->kw == SQ_KW_SELECT || t->kw == SQ_KW_WITH))) {
        st->type = SQ_ST_SELECT;
        return sqp_select(p, &st->select);
    }
    if (t->kind != SQ_TK_IDENT)
        return sqp_syntax(p);
    switch (t->kw) {
    case SQ_KW_EXPLAIN:
        sqp_advance(p);
        if (sqp_is_word(p, 0, "analyze"))
            return sqp_notsup(p, "EXPLAIN ANALYZE");
        st->type = SQ_ST_EXPLAIN;
        return sqp_select(p, &st->select);
    case SQ_KW_DESCRIBE:
    case SQ_KW_DESC:
        sqp_advance(p);
        st->type = SQ_ST_DESCRIBE;
        {
            bool handled = false; /* deltasql: DESCRIBE HISTORY / DETAIL */
            if ((rc = sqp_describe_delta(p, st, &handled)) || handled)
                return rc;
        }
        if (sqp_is_kw(p, SQ_KW_SELECT) || sqp_is_kw(p, SQ_KW_WITH) ||
            (sqp_is(p, SQ_TK_LPAREN) && sqp_peek_at(p, 1)->kind == SQ_TK_IDENT &&
             sqp_peek_at(p, 1)->kw == SQ_KW_SELECT))
            return sqp_select(p, &st->select);
        return parse_source(p, &st->source);
    case SQ_KW_COPY:
        st->type = SQ_ST_COPY;
        return parse_copy(p, st);
    case SQ_KW_SET:
    case SQ_KW_RESET:
    case SQ_KW_PRAGMA:
    case SQ_KW_SHOW:
        st->type = t->kw == SQ_KW_PRAGMA || t->kw == SQ_KW_SHOW ? SQ_ST_PRAGMA : SQ_ST_SET;
        while (!sqp_is(p, SQ_TK_EOF) && !sqp_is(p, SQ_TK_SEMI))
            sqp_advance(p);
        return TN_OK;
    default:
        break;
    }
    for (size_t i = 0; i < TN_ARRAY_LEN(unsupported_statements); i++) {
        if (sqp_is_word(p, 0, unsupported_statements[i])) {
            rc = sq_error_at(p->err, TN_NOTSUP, p->sql, t->off, "%.*s statements are not supported", (int)t->len,
                             p->sql + t->off);
            for (char *c = p->err ? p->err->msg : NULL; c && *c && *c != ' '; c++)
                if (*c >= 'a' && *c <= 'z')
                    *c = (char)(*c - 32);
            return rc;
        }
    }
    return sqp_syntax(p);
}

int sq_parse(sq_arena *a, const char *sql, size_t start, sq_stmt **out, size_t *end, tn_err *err)
{
    sq_token *toks = NULL;
    uint32_t ntoks = 0;
    *out = NULL;
    int rc = sq_tokenize(sql, start, &toks, &ntoks, end, err);
    if (rc)
        return rc;
    sq_parser p = {sql, a, toks, ntoks, 0, 0, err};
    sq_stmt *st = sq_arena_alloc(a, sizeof *st);
    if (!st) {
        rc = sqp_nomem(&p);
        goto done;
    }
    if ((rc = parse_statement(&p, st)))
        goto done;
    if (!sqp_is(&p, SQ_TK_EOF) && !sqp_is(&p, SQ_TK_SEMI)) {
        rc = sqp_syntax(&p);
        goto done;
    }
    *out = st;
done:
    tn_free(toks);
    return rc;
}

int sq_parse_type_name(const char *text, tn_type *out, tn_err *err)
{
    sq_token *toks = NULL;
    uint32_t ntoks = 0;
    size_t end;
    int rc = sq_tokenize(text, 0, &toks, &ntoks, &end, err);
    if (rc)
        return rc;
    sq_arena *a = sq_arena_new();
    if (!a) {
        tn_free(toks);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    sq_parser p = {text, a, toks, ntoks, 0, 0, err};
    rc = sqp_type(&p, out, NULL);
    if (!rc && !sqp_is(&p, SQ_TK_EOF))
        rc = sqp_syntax(&p);
    sq_arena_free(a);
    tn_free(toks);
    return rc;
}
