/*
 * parser_expr.c -- SQL expressions by precedence climbing, with PostgreSQL's operator table
 * (lowest to highest): OR; AND; NOT (right); IS, ISNULL, NOTNULL; comparisons (non-associative);
 * BETWEEN, IN, LIKE, ILIKE; other operators (||); + -; * / %; unary + -; :: casts.
 *
 * Special forms are rewritten here into plain function calls as DuckDB does:
 * EXTRACT(f FROM x) -> date_part('f', x), SUBSTRING(x FROM a FOR b) -> substring(x, a, b),
 * POSITION(a IN b) -> position(a, b). A minus sign directly applied to a numeric literal is
 * folded into the literal (so -2147483648 is an INTEGER, as in PostgreSQL).
 *
 * Nested values (DuckDB syntax): list literals [a, b] / ARRAY[...], struct literals
 * {'k': v, k2: v2}, MAP {k: v, ...}, named arguments f(a := x) (struct_pack), and the postfix
 * operators x[i] (subscript), x[a:b] (slice, either bound optional) and x.field, which bind as
 * tightly as :: casts and chain left to right (l[1].a[2:]). A dotted name a.b.c is a column
 * reference a.b (table a, column b -- or column a, field b; the binder decides) followed by field
 * accesses.
 */
#include "parser.h"

#include <string.h>
#include <strings.h>

static int new_node(sq_parser *p, sq_expr_kind kind, uint32_t pos, sq_expr **out)
{
    *out = sq_expr_new(p->a, kind, pos);
    return *out ? TN_OK : sqp_nomem(p);
}

static int push(sq_parser *p, sq_expr *e, sq_expr *child)
{
    if (sq_expr_push(p->a, e, child))
        return sqp_nomem(p);
    return sqp_check_height(p, e);
}

static int make_binary(sq_parser *p, int op, sq_expr *l, sq_expr *r, sq_expr **out)
{
    sq_expr *e;
    int rc = new_node(p, SQ_E_BINARY, l->pos, &e);
    if (!rc)
        rc = push(p, e, l);
    if (!rc)
        rc = push(p, e, r);
    if (!rc)
        e->op = (uint8_t)op;
    *out = e;
    return rc;
}

static int make_const_string(sq_parser *p, const char *s, uint32_t n, uint32_t pos, sq_expr **out)
{
    int rc = new_node(p, SQ_E_CONST, pos, out);
    if (rc)
        return rc;
    (*out)->lit = SQ_LIT_STRING;
    (*out)->str = sq_arena_strndup(p->a, s, n);
    (*out)->slen = n;
    return (*out)->str ? TN_OK : sqp_nomem(p);
}

/* Comma-separated expressions up to (not including) `close`, appended to e. */
static int expr_list(sq_parser *p, sq_expr *e, int close)
{
    if (sqp_is(p, close))
        return TN_OK;
    for (;;) {
        sq_expr *a;
        int rc = sqp_expr(p, 0, &a);
        if (!rc)
            rc = push(p, e, a);
        if (rc)
            return rc;
        if (!sqp_accept(p, SQ_TK_COMMA))
            return TN_OK;
    }
}

static void lower_in_place(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

/* ---- special function forms ---- */

static int parse_extract(sq_parser *p, sq_expr *fn)
{
    const sq_token *t = sqp_peek(p);
    const char *field;
    uint32_t flen;
    if (t->kind != SQ_TK_IDENT && t->kind != SQ_TK_STRING && t->kind != SQ_TK_QIDENT)
        return sqp_syntax(p);
    int rc = sqp_token_text(p, t, &field, &flen);
    if (rc)
        return rc;
    lower_in_place((char *)field);
    sq_expr *f;
    if ((rc = make_const_string(p, field, flen, t->off, &f)) || (rc = push(p, fn, f)))
        return rc;
    sqp_advance(p);
    if ((rc = sqp_expect_kw(p, SQ_KW_FROM)))
        return rc;
    sq_expr *x;
    if ((rc = sqp_expr(p, 0, &x)) || (rc = push(p, fn, x)))
        return rc;
    fn->str = "date_part";
    return TN_OK;
}

static int parse_substring(sq_parser *p, sq_expr *fn)
{
    sq_expr *x;
    int rc = sqp_expr(p, 0, &x);
    if (rc || (rc = push(p, fn, x)))
        return rc;
    if (sqp_accept(p, SQ_TK_COMMA))
        return expr_list(p, fn, SQ_TK_RPAREN);
    sq_expr *from = NULL, *forr = NULL;
    if (sqp_accept_kw(p, SQ_KW_FROM) && (rc = sqp_expr(p, 0, &from)))
        return rc;
    if (sqp_accept_kw(p, SQ_KW_FOR) && (rc = sqp_expr(p, 0, &forr)))
        return rc;
    if (!from && forr) {
        /* SUBSTRING(x FOR n) = substring(x, 1, n) */
        if ((rc = make_const_string(p, "1", 1, forr->pos, &from)))
            return rc;
        from->lit = SQ_LIT_INTEGER;
    }
    if (from && (rc = push(p, fn, from)))
        return rc;
    if (forr && (rc = push(p, fn, forr)))
        return rc;
    return TN_OK;
}

static int parse_position(sq_parser *p, sq_expr *fn)
{
    sq_expr *a, *b;
    /* the needle is parsed above IN's precedence so IN is not taken as an operator */
    int rc = sqp_expr(p, SQ_PREC_OTHER, &a);
    if (rc)
        return rc;
    if (sqp_accept(p, SQ_TK_COMMA)) {
        if ((rc = push(p, fn, a)))
            return rc;
        return expr_list(p, fn, SQ_TK_RPAREN);
    }
    if ((rc = sqp_expect_kw(p, SQ_KW_IN)) || (rc = sqp_expr(p, 0, &b)))
        return rc;
    if ((rc = push(p, fn, a)) || (rc = push(p, fn, b)))
        return rc;
    return TN_OK;
}

/* Remember name (may be NULL) for argument idx of e; the names array is grown alongside. */
static int set_arg_name(sq_parser *p, sq_expr *e, uint32_t idx, const char *name, uint32_t *cap)
{
    if (!name && !e->names)
        return TN_OK;
    if (!e->names || idx >= *cap) {
        uint32_t nc = e->cap_args > idx ? e->cap_args : idx + 1;
        const char **nn = sq_arena_alloc(p->a, (size_t)nc * sizeof *nn);
        if (!nn)
            return sqp_nomem(p);
        if (e->names)
            memcpy(nn, e->names, (size_t)*cap * sizeof *nn);
        e->names = nn;
        *cap = nc;
    }
    e->names[idx] = name;
    return TN_OK;
}

/* Call arguments up to ')': expressions, each optionally named (`name := expr`). */
static int call_args(sq_parser *p, sq_expr *fn)
{
    uint32_t cap = 0;
    if (sqp_is(p, SQ_TK_RPAREN))
        return TN_OK;
    for (;;) {
        const char *name = NULL;
        const sq_token *t = sqp_peek(p);
        int rc;
        if ((t->kind == SQ_TK_IDENT || t->kind == SQ_TK_QIDENT) && sqp_peek_at(p, 1)->kind == SQ_TK_COLONEQ) {
            uint32_t len;
            if ((rc = sqp_token_text(p, t, &name, &len)))
                return rc;
            sqp_advance(p);
            sqp_advance(p);
        } else if ((t->kind == SQ_TK_IDENT || t->kind == SQ_TK_QIDENT) && sqp_peek_at(p, 1)->kind == SQ_TK_EQ &&
                   sqp_peek_at(p, 2)->kind == SQ_TK_GT && sqp_peek_at(p, 2)->off == sqp_peek_at(p, 1)->off + 1) {
            /* deltasql: `name => expr` (DuckDB / Spark spelling of a named argument) */
            uint32_t len;
            if ((rc = sqp_token_text(p, t, &name, &len)))
                return rc;
            sqp_advance(p);
            sqp_advance(p);
            sqp_advance(p);
        }
        sq_expr *a;
        if ((rc = sqp_expr(p, 0, &a)) || (rc = push(p, fn, a)) || (rc = set_arg_name(p, fn, fn->nargs - 1, name, &cap)))
            return rc;
        if (!sqp_accept(p, SQ_TK_COMMA))
            return TN_OK;
    }
}

/* {key: value, ...} with the current token at '{'. Keys are string literals or identifiers. */
static int parse_struct_literal(sq_parser *p, sq_expr **out)
{
    sq_expr *e;
    int rc = new_node(p, SQ_E_STRUCT, sqp_peek(p)->off, &e);
    if (rc)
        return rc;
    *out = e;
    sqp_advance(p); /* { */
    uint32_t cap = 0;
    if (!sqp_is(p, SQ_TK_RBRACE)) {
        for (;;) {
            const sq_token *t = sqp_peek(p);
            if (t->kind != SQ_TK_STRING && t->kind != SQ_TK_ESTRING && t->kind != SQ_TK_IDENT && t->kind != SQ_TK_QIDENT)
                return sqp_syntax(p);
            const char *key;
            uint32_t klen;
            if ((rc = sqp_token_text(p, t, &key, &klen)))
                return rc;
            sqp_advance(p);
            if ((rc = sqp_expect(p, SQ_TK_COLON)))
                return rc;
            sq_expr *v;
            if ((rc = sqp_expr(p, 0, &v)) || (rc = push(p, e, v)))
                return rc;
            if ((rc = set_arg_name(p, e, e->nargs - 1, key, &cap)))
                return rc;
            if (!sqp_accept(p, SQ_TK_COMMA))
                break;
        }
    }
    return sqp_expect(p, SQ_TK_RBRACE);
}

/* MAP {k: v, ...} with the current token at MAP. */
static int parse_map_literal(sq_parser *p, sq_expr **out)
{
    sq_expr *e;
    int rc = new_node(p, SQ_E_MAP, sqp_peek(p)->off, &e);
    if (rc)
        return rc;
    *out = e;
    sqp_advance(p); /* MAP */
    sqp_advance(p); /* { */
    if (!sqp_is(p, SQ_TK_RBRACE)) {
        for (;;) {
            sq_expr *k, *v;
            if ((rc = sqp_expr(p, 0, &k)) || (rc = sqp_expect(p, SQ_TK_COLON)) || (rc = sqp_expr(p, 0, &v)))
                return rc;
            if ((rc = push(p, e, k)) || (rc = push(p, e, v)))
                return rc;
            if (!sqp_accept(p, SQ_TK_COMMA))
                break;
        }
    }
    return sqp_expect(p, SQ_TK_RBRACE);
}

/* Postfix x[i] / x[a:b] with the current token at '['; *left is replaced by the new node. */
static int parse_subscript(sq_parser *p, sq_expr **left)
{
    uint32_t pos = (*left)->pos;
    sqp_advance(p); /* [ */
    sq_expr *lo = NULL, *hi = NULL, *e;
    bool slice = false;
    int rc;
    if (!sqp_is(p, SQ_TK_COLON) && (rc = sqp_expr(p, 0, &lo)))
        return rc;
    if (sqp_accept(p, SQ_TK_COLON)) {
        slice = true;
        if (!sqp_is(p, SQ_TK_RBRACKET) && !sqp_is(p, SQ_TK_COLON) && (rc = sqp_expr(p, 0, &hi)))
            return rc;
        if (sqp_is(p, SQ_TK_COLON))
            return sqp_notsup(p, "list slice with a step");
    }
    if (!lo && !slice)
        return sqp_syntax(p);
    if ((rc = sqp_expect(p, SQ_TK_RBRACKET)))
        return rc;
    if ((rc = new_node(p, slice ? SQ_E_SLICE : SQ_E_SUBSCRIPT, pos, &e)) || (rc = push(p, e, *left)))
        return rc;
    if (!slice) {
        if ((rc = push(p, e, lo)))
            return rc;
    } else {
        e->operand = lo;
        e->else_expr = hi;
        if (lo && lo->height + 1 > e->height)
            e->height = lo->height + 1;
        if (hi && hi->height + 1 > e->height)
            e->height = hi->height + 1;
        if (lo && lo->nest + 1 > e->nest)
            e->nest = lo->nest + 1;
        if (hi && hi->nest + 1 > e->nest)
            e->nest = hi->nest + 1;
        if ((rc = sqp_check_height(p, e)))
            return rc;
    }
    *left = e;
    return TN_OK;
}

/* Postfix x.field with the current token at '.'. */
static int parse_field(sq_parser *p, sq_expr **left)
{
    sqp_advance(p); /* . */
    const sq_token *t = sqp_peek(p);
    if (t->kind != SQ_TK_IDENT && t->kind != SQ_TK_QIDENT)
        return sqp_syntax(p);
    sq_expr *e;
    int rc = new_node(p, SQ_E_FIELD, (*left)->pos, &e);
    if (rc || (rc = push(p, e, *left)))
        return rc;
    uint32_t len;
    if ((rc = sqp_token_text(p, t, &e->str, &len)))
        return rc;
    e->slen = len;
    e->quoted = t->kind == SQ_TK_QIDENT;
    sqp_advance(p);
    *left = e;
    return TN_OK;
}

/* name '(' ... ')' with the current token at '(' */
static int parse_call(sq_parser *p, const char *name, uint32_t pos, sq_expr **out)
{
    sq_expr *fn;
    int rc = new_node(p, SQ_E_FUNC, pos, &fn);
    if (rc)
        return rc;
    *out = fn;
    char *lname = sq_arena_strndup(p->a, name, strlen(name));
    if (!lname)
        return sqp_nomem(p);
    lower_in_place(lname);
    fn->str = lname;
    sqp_advance(p); /* ( */
    if (strcmp(lname, "extract") == 0)
        rc = parse_extract(p, fn);
    else if (strcmp(lname, "substring") == 0)
        rc = parse_substring(p, fn);
    else if (strcmp(lname, "position") == 0)
        rc = parse_position(p, fn);
    else {
        if (sqp_accept_kw(p, SQ_KW_DISTINCT))
            fn->distinct = true;
        else
            sqp_accept_kw(p, SQ_KW_ALL);
        if (sqp_is(p, SQ_TK_STAR) && !fn->distinct) {
            sqp_advance(p);
            fn->star = true;
        } else {
            rc = call_args(p, fn);
        }
        if (!rc && sqp_is_kw(p, SQ_KW_ORDER))
            return sqp_notsup(p, "ORDER BY inside an aggregate");
    }
    if (rc || (rc = sqp_expect(p, SQ_TK_RPAREN)))
        return rc;
    if (sqp_is_word(p, 0, "filter") && sqp_peek_at(p, 1)->kind == SQ_TK_LPAREN)
        return sqp_notsup(p, "FILTER clause");
    if (sqp_is_word(p, 0, "over"))
        return sqp_notsup(p, "window function (OVER)");
    return TN_OK;
}

/* ---- CASE ---- */

static int parse_case(sq_parser *p, sq_expr **out)
{
    sq_expr *e;
    int rc = new_node(p, SQ_E_CASE, sqp_peek(p)->off, &e);
    if (rc)
        return rc;
    *out = e;
    sqp_advance(p); /* CASE */
    if (!sqp_is_kw(p, SQ_KW_WHEN)) {
        if ((rc = sqp_expr(p, 0, &e->operand)))
            return rc;
        if (e->operand->height + 1 > e->height)
            e->height = e->operand->height + 1;
        if (e->operand->nest + 1 > e->nest)
            e->nest = e->operand->nest + 1;
    }
    if (!sqp_is_kw(p, SQ_KW_WHEN))
        return sqp_syntax(p);
    while (sqp_accept_kw(p, SQ_KW_WHEN)) {
        sq_expr *w, *t;
        if ((rc = sqp_expr(p, 0, &w)) || (rc = sqp_expect_kw(p, SQ_KW_THEN)) || (rc = sqp_expr(p, 0, &t)))
            return rc;
        if ((rc = push(p, e, w)) || (rc = push(p, e, t)))
            return rc;
    }
    if (sqp_accept_kw(p, SQ_KW_ELSE)) {
        if ((rc = sqp_expr(p, 0, &e->else_expr)))
            return rc;
        if (e->else_expr->height + 1 > e->height)
            e->height = e->else_expr->height + 1;
        if (e->else_expr->nest + 1 > e->nest)
            e->nest = e->else_expr->nest + 1;
    }
    if ((rc = sqp_check_height(p, e)))
        return rc;
    return sqp_expect_kw(p, SQ_KW_END);
}

/* ---- primary ---- */

static const char *const interval_units[] = {
    "year", "years", "month", "months", "day", "days", "hour", "hours", "minute", "minutes",
    "second", "seconds", "millisecond", "milliseconds", "microsecond", "microseconds", "week", "weeks",
};

static bool is_interval_unit(const sq_parser *p, uint32_t k)
{
    for (size_t i = 0; i < TN_ARRAY_LEN(interval_units); i++)
        if (sqp_is_word(p, k, interval_units[i]))
            return true;
    return false;
}

/* DATE '...', TIMESTAMP '...', INTERVAL '1' DAY, INTERVAL 2 HOURS, INTEGER '5' ... The current
 * token is the type word. Returns 1 (no error, not a typed literal) when the form does not
 * apply. */
static int try_typed_literal(sq_parser *p, sq_expr **out)
{
    const sq_token *t = sqp_peek(p);
    const sq_token *n1 = sqp_peek_at(p, 1);
    bool is_interval = sqp_is_word(p, 0, "interval");
    bool numeric_interval = is_interval && (n1->kind == SQ_TK_INTEGER || n1->kind == SQ_TK_DECIMAL) &&
                            is_interval_unit(p, 2);
    if (n1->kind != SQ_TK_STRING && n1->kind != SQ_TK_ESTRING && !numeric_interval)
        return 1;
    tn_err scratch = TN_ERR_INIT;
    tn_type type;
    char word[64];
    if (t->len >= sizeof word)
        return 1;
    memcpy(word, p->sql + t->off, t->len);
    word[t->len] = 0;
    if (sq_parse_type_name(word, &type, &scratch) != TN_OK)
        return 1;
    sq_expr *e;
    int rc = new_node(p, SQ_E_TYPED, t->off, &e);
    if (rc)
        return rc;
    e->type = type;
    char buf[64];
    tn_type_name(type, buf, sizeof buf);
    e->type_text = sq_arena_strndup(p->a, buf, strlen(buf));
    if (!e->type_text)
        return sqp_nomem(p);
    sqp_advance(p);
    const char *txt;
    uint32_t tlen;
    if ((rc = sqp_token_text(p, sqp_peek(p), &txt, &tlen)))
        return rc;
    sqp_advance(p);
    if (is_interval && is_interval_unit(p, 0)) {
        const sq_token *u = sqp_peek(p);
        char *s = sq_arena_alloc(p->a, (size_t)tlen + u->len + 2);
        if (!s)
            return sqp_nomem(p);
        memcpy(s, txt, tlen);
        s[tlen] = ' ';
        memcpy(s + tlen + 1, p->sql + u->off, u->len);
        tlen += u->len + 1;
        s[tlen] = 0;
        txt = s;
        sqp_advance(p);
    }
    e->str = txt;
    e->slen = tlen;
    *out = e;
    return TN_OK;
}

static int parse_column(sq_parser *p, sq_expr **out)
{
    const sq_token *t = sqp_peek(p);
    const char *n1;
    bool q1;
    int rc = sqp_name(p, &n1, &q1);
    if (rc)
        return rc;
    sq_expr *e;
    if ((rc = new_node(p, SQ_E_COLUMN, t->off, &e)))
        return rc;
    *out = e;
    e->str = n1;
    e->quoted = q1;
    if (!sqp_is(p, SQ_TK_DOT))
        return TN_OK;
    sqp_advance(p);
    if (sqp_is(p, SQ_TK_STAR)) {
        sqp_advance(p);
        e->kind = SQ_E_STAR;
        e->qual = n1;
        e->qual_quoted = q1;
        e->str = "*";
        return TN_OK;
    }
    const sq_token *t2 = sqp_peek(p);
    if (t2->kind != SQ_TK_IDENT && t2->kind != SQ_TK_QIDENT)
        return sqp_syntax(p);
    const char *n2;
    uint32_t l2;
    if ((rc = sqp_token_text(p, t2, &n2, &l2)))
        return rc;
    sqp_advance(p);
    e->qual = n1;
    e->qual_quoted = q1;
    e->str = n2;
    e->quoted = t2->kind == SQ_TK_QIDENT;
    return TN_OK; /* further .name parts are field accesses (infix loop) */
}

static int parse_primary(sq_parser *p, sq_expr **out)
{
    const sq_token *t = sqp_peek(p);
    sq_expr *e;
    int rc;
    switch (t->kind) {
    case SQ_TK_INTEGER:
    case SQ_TK_DECIMAL:
    case SQ_TK_FLOAT:
        if ((rc = new_node(p, SQ_E_CONST, t->off, &e)))
            return rc;
        e->lit = t->kind == SQ_TK_INTEGER ? SQ_LIT_INTEGER : t->kind == SQ_TK_DECIMAL ? SQ_LIT_DECIMAL : SQ_LIT_FLOAT;
        if ((rc = sqp_token_text(p, t, &e->str, &e->slen)))
            return rc;
        sqp_advance(p);
        *out = e;
        return TN_OK;
    case SQ_TK_STRING:
    case SQ_TK_ESTRING:
        if ((rc = new_node(p, SQ_E_CONST, t->off, &e)))
            return rc;
        e->lit = SQ_LIT_STRING;
        if ((rc = sqp_token_text(p, t, &e->str, &e->slen)))
            return rc;
        sqp_advance(p);
        *out = e;
        return TN_OK;
    case SQ_TK_LPAREN:
        if (sqp_peek_at(p, 1)->kind == SQ_TK_IDENT && sqp_peek_at(p, 1)->kw == SQ_KW_SELECT) {
            sqp_advance(p);
            return sqp_notsup(p, "subquery in an expression");
        }
        sqp_advance(p);
        if ((rc = sqp_expr(p, 0, &e)))
            return rc;
        if ((rc = sqp_expect(p, SQ_TK_RPAREN)))
            return rc;
        e->parens = true;
        *out = e;
        return TN_OK;
    case SQ_TK_LBRACKET:
        if ((rc = new_node(p, SQ_E_ARRAY, t->off, &e)))
            return rc;
        sqp_advance(p);
        if ((rc = expr_list(p, e, SQ_TK_RBRACKET)) || (rc = sqp_expect(p, SQ_TK_RBRACKET)))
            return rc;
        *out = e;
        return TN_OK;
    case SQ_TK_LBRACE:
        return parse_struct_literal(p, out);
    case SQ_TK_QIDENT:
        if (sqp_peek_at(p, 1)->kind == SQ_TK_LPAREN) {
            const char *name;
            uint32_t nl;
            if ((rc = sqp_token_text(p, t, &name, &nl)))
                return rc;
            sqp_advance(p);
            return parse_call(p, name, t->off, out);
        }
        return parse_column(p, out);
    case SQ_TK_IDENT:
        break;
    default:
        return sqp_syntax(p);
    }

    /* identifiers and keywords */
    switch (t->kw) {
    case SQ_KW_TRUE:
    case SQ_KW_FALSE:
    case SQ_KW_NULL:
        if ((rc = new_node(p, SQ_E_CONST, t->off, &e)))
            return rc;
        e->lit = t->kw == SQ_KW_TRUE ? SQ_LIT_TRUE : t->kw == SQ_KW_FALSE ? SQ_LIT_FALSE : SQ_LIT_NULL;
        e->str = t->kw == SQ_KW_TRUE ? "true" : t->kw == SQ_KW_FALSE ? "false" : "NULL";
        sqp_advance(p);
        *out = e;
        return TN_OK;
    case SQ_KW_CASE:
        return parse_case(p, out);
    case SQ_KW_CAST:
    case SQ_KW_TRY_CAST:
        if ((rc = new_node(p, SQ_E_CAST, t->off, &e)))
            return rc;
        e->try_cast = t->kw == SQ_KW_TRY_CAST;
        sqp_advance(p);
        sq_expr *x;
        if ((rc = sqp_expect(p, SQ_TK_LPAREN)) || (rc = sqp_expr(p, 0, &x)) || (rc = sqp_expect_kw(p, SQ_KW_AS)))
            return rc;
        if ((rc = push(p, e, x)) || (rc = sqp_type(p, &e->type, &e->type_text)))
            return rc;
        if ((rc = sqp_expect(p, SQ_TK_RPAREN)))
            return rc;
        *out = e;
        return TN_OK;
    case SQ_KW_ARRAY:
        if (sqp_peek_at(p, 1)->kind == SQ_TK_LBRACKET) {
            sqp_advance(p);
            return parse_primary(p, out);
        }
        return sqp_syntax(p);
    default:
        break;
    }
    /* PostgreSQL's type_func_name keywords: reserved, but usable as function names */
    bool func_kw = t->kw == SQ_KW_LEFT || t->kw == SQ_KW_RIGHT || t->kw == SQ_KW_FULL || t->kw == SQ_KW_INNER ||
                   t->kw == SQ_KW_CROSS || t->kw == SQ_KW_NATURAL || t->kw == SQ_KW_OUTER || t->kw == SQ_KW_JOIN ||
                   t->kw == SQ_KW_LIKE || t->kw == SQ_KW_ILIKE || t->kw == SQ_KW_SIMILAR;
    if (sq_kw_reserved(t->kw) && !(func_kw && sqp_peek_at(p, 1)->kind == SQ_TK_LPAREN))
        return sqp_syntax(p);
    if (sqp_is_word(p, 0, "map") && sqp_peek_at(p, 1)->kind == SQ_TK_LBRACE)
        return parse_map_literal(p, out);
    if (sqp_peek_at(p, 1)->kind == SQ_TK_LPAREN) {
        const char *name;
        uint32_t nl;
        if ((rc = sqp_token_text(p, t, &name, &nl)))
            return rc;
        sqp_advance(p);
        return parse_call(p, name, t->off, out);
    }
    rc = try_typed_literal(p, out);
    if (rc <= 0)
        return rc;
    return parse_column(p, out);
}

/* ---- prefix operators ---- */

static int negate_literal(sq_parser *p, sq_expr *lit)
{
    if (lit->str[0] == '-') { /* - -5 */
        lit->str++;
        lit->slen--;
        return TN_OK;
    }
    char *s = sq_arena_alloc(p->a, (size_t)lit->slen + 2);
    if (!s)
        return sqp_nomem(p);
    s[0] = '-';
    memcpy(s + 1, lit->str, lit->slen + 1);
    lit->str = s;
    lit->slen++;
    return TN_OK;
}

static int parse_prefix(sq_parser *p, sq_expr **out)
{
    const sq_token *t = sqp_peek(p);
    int op = SQ_OP_NONE, prec = 0;
    if (t->kind == SQ_TK_IDENT && t->kw == SQ_KW_NOT) {
        op = SQ_OP_NOT;
        prec = SQ_PREC_NOT;
    } else if (t->kind == SQ_TK_MINUS) {
        op = SQ_OP_NEG;
        prec = SQ_PREC_UNARY;
    } else if (t->kind == SQ_TK_PLUS) {
        op = SQ_OP_PLUS;
        prec = SQ_PREC_UNARY;
    } else {
        return parse_primary(p, out);
    }
    uint32_t pos = t->off;
    sqp_advance(p);
    sq_expr *x;
    int rc = sqp_expr(p, prec, &x);
    if (rc)
        return rc;
    if (op == SQ_OP_NEG && x->kind == SQ_E_CONST && !x->parens &&
        (x->lit == SQ_LIT_INTEGER || x->lit == SQ_LIT_DECIMAL || x->lit == SQ_LIT_FLOAT)) {
        if ((rc = negate_literal(p, x)))
            return rc;
        x->pos = pos;
        *out = x;
        return TN_OK;
    }
    sq_expr *e;
    if ((rc = new_node(p, SQ_E_UNARY, pos, &e)) || (rc = push(p, e, x)))
        return rc;
    e->op = (uint8_t)op;
    *out = e;
    return TN_OK;
}

/* ---- infix loop ---- */

static int cmp_op(int kind)
{
    switch (kind) {
    case SQ_TK_EQ: return SQ_OP_EQ;
    case SQ_TK_NE: return SQ_OP_NE;
    case SQ_TK_LT: return SQ_OP_LT;
    case SQ_TK_LE: return SQ_OP_LE;
    case SQ_TK_GT: return SQ_OP_GT;
    case SQ_TK_GE: return SQ_OP_GE;
    default: return SQ_OP_NONE;
    }
}

static bool is_like_kw(int kw)
{
    return kw == SQ_KW_BETWEEN || kw == SQ_KW_IN || kw == SQ_KW_LIKE || kw == SQ_KW_ILIKE || kw == SQ_KW_SIMILAR;
}

/* Precedence of the infix/postfix operator at the current token, 0 if none. */
static int infix_prec(const sq_parser *p)
{
    const sq_token *t = sqp_peek(p);
    switch (t->kind) {
    case SQ_TK_IDENT:
        switch (t->kw) {
        case SQ_KW_OR: return SQ_PREC_OR;
        case SQ_KW_AND: return SQ_PREC_AND;
        case SQ_KW_IS:
        case SQ_KW_ISNULL:
        case SQ_KW_NOTNULL: return SQ_PREC_IS;
        case SQ_KW_NOT: {
            const sq_token *n = sqp_peek_at(p, 1);
            return n->kind == SQ_TK_IDENT && is_like_kw(n->kw) ? SQ_PREC_LIKE : 0;
        }
        default: return is_like_kw(t->kw) ? SQ_PREC_LIKE : 0;
        }
    case SQ_TK_EQ:
    case SQ_TK_NE:
    case SQ_TK_LT:
    case SQ_TK_LE:
    case SQ_TK_GT:
    case SQ_TK_GE: return SQ_PREC_CMP;
    case SQ_TK_CONCAT: return SQ_PREC_OTHER;
    case SQ_TK_PLUS:
    case SQ_TK_MINUS: return SQ_PREC_ADD;
    case SQ_TK_STAR:
    case SQ_TK_SLASH:
    case SQ_TK_PERCENT: return SQ_PREC_MUL;
    case SQ_TK_DCOLON:
    case SQ_TK_LBRACKET:
    case SQ_TK_DOT: return SQ_PREC_CAST;
    default: return 0;
    }
}

static int parse_is(sq_parser *p, sq_expr *left, sq_expr **out)
{
    sq_expr *e;
    const sq_token *t = sqp_peek(p);
    int rc = new_node(p, SQ_E_IS, left->pos, &e);
    if (rc || (rc = push(p, e, left)))
        return rc;
    *out = e;
    if (t->kw == SQ_KW_ISNULL || t->kw == SQ_KW_NOTNULL) {
        e->is_kind = SQ_IS_NULL;
        e->negated = t->kw == SQ_KW_NOTNULL;
        sqp_advance(p);
        return TN_OK;
    }
    sqp_advance(p); /* IS */
    e->negated = sqp_accept_kw(p, SQ_KW_NOT);
    if (sqp_accept_kw(p, SQ_KW_NULL)) {
        e->is_kind = SQ_IS_NULL;
    } else if (sqp_accept_kw(p, SQ_KW_TRUE)) {
        e->is_kind = SQ_IS_TRUE;
    } else if (sqp_accept_kw(p, SQ_KW_FALSE)) {
        e->is_kind = SQ_IS_FALSE;
    } else if (sqp_accept_kw(p, SQ_KW_DISTINCT)) {
        e->is_kind = SQ_IS_DISTINCT;
        sq_expr *r;
        if ((rc = sqp_expect_kw(p, SQ_KW_FROM)) || (rc = sqp_expr(p, SQ_PREC_IS + 1, &r)) || (rc = push(p, e, r)))
            return rc;
    } else {
        return sqp_syntax(p);
    }
    return TN_OK;
}

static int parse_like_family(sq_parser *p, sq_expr *left, sq_expr **out)
{
    bool neg = sqp_accept_kw(p, SQ_KW_NOT);
    const sq_token *t = sqp_peek(p);
    sq_expr *e;
    int rc;
    switch (t->kw) {
    case SQ_KW_BETWEEN: {
        if ((rc = new_node(p, SQ_E_BETWEEN, left->pos, &e)) || (rc = push(p, e, left)))
            return rc;
        sqp_advance(p);
        if (sqp_is_word(p, 0, "symmetric") || sqp_is_word(p, 0, "asymmetric"))
            return sqp_notsup(p, "BETWEEN SYMMETRIC");
        sq_expr *lo, *hi;
        if ((rc = sqp_expr(p, SQ_PREC_OTHER, &lo)) || (rc = sqp_expect_kw(p, SQ_KW_AND)) ||
            (rc = sqp_expr(p, SQ_PREC_OTHER, &hi)))
            return rc;
        if ((rc = push(p, e, lo)) || (rc = push(p, e, hi)))
            return rc;
        break;
    }
    case SQ_KW_IN:
        if ((rc = new_node(p, SQ_E_IN, left->pos, &e)) || (rc = push(p, e, left)))
            return rc;
        sqp_advance(p);
        if ((rc = sqp_expect(p, SQ_TK_LPAREN)))
            return rc;
        if (sqp_is_kw(p, SQ_KW_SELECT))
            return sqp_notsup(p, "IN (subquery)");
        if (sqp_is(p, SQ_TK_RPAREN))
            return sqp_syntax(p);
        if ((rc = expr_list(p, e, SQ_TK_RPAREN)) || (rc = sqp_expect(p, SQ_TK_RPAREN)))
            return rc;
        break;
    case SQ_KW_LIKE:
    case SQ_KW_ILIKE: {
        if ((rc = new_node(p, SQ_E_LIKE, left->pos, &e)) || (rc = push(p, e, left)))
            return rc;
        e->ilike = t->kw == SQ_KW_ILIKE;
        sqp_advance(p);
        sq_expr *pat;
        if ((rc = sqp_expr(p, SQ_PREC_LIKE + 1, &pat)) || (rc = push(p, e, pat)))
            return rc;
        if (sqp_accept_kw(p, SQ_KW_ESCAPE)) {
            sq_expr *esc;
            if ((rc = sqp_expr(p, SQ_PREC_LIKE + 1, &esc)) || (rc = push(p, e, esc)))
                return rc;
        }
        break;
    }
    default: /* SIMILAR */
        return sqp_notsup(p, "SIMILAR TO");
    }
    e->negated = neg;
    *out = e;
    return TN_OK;
}

int sqp_expr(sq_parser *p, int min_prec, sq_expr **out)
{
    int rc = sqp_enter(p);
    if (rc)
        return rc;
    sq_expr *left;
    if ((rc = parse_prefix(p, &left)))
        goto done;
    bool after_cmp = false;
    for (;;) {
        int prec = infix_prec(p);
        if (prec == 0 || prec < min_prec)
            break;
        const sq_token *t = sqp_peek(p);
        bool was_cmp = after_cmp;
        after_cmp = false;
        if (prec == SQ_PREC_CMP) {
            if (was_cmp) { /* comparisons are non-associative: a < b < c */
                rc = sqp_syntax(p);
                goto done;
            }
            int op = cmp_op(t->kind);
            sqp_advance(p);
            sq_expr *r;
            if ((rc = sqp_expr(p, SQ_PREC_CMP + 1, &r)) || (rc = make_binary(p, op, left, r, &left)))
                goto done;
            after_cmp = true;
            continue;
        }
        switch (prec) {
        case SQ_PREC_OR:
        case SQ_PREC_AND: {
            sqp_advance(p);
            sq_expr *r;
            if ((rc = sqp_expr(p, prec + 1, &r)) ||
                (rc = make_binary(p, prec == SQ_PREC_OR ? SQ_OP_OR : SQ_OP_AND, left, r, &left)))
                goto done;
            break;
        }
        case SQ_PREC_IS:
            if ((rc = parse_is(p, left, &left)))
                goto done;
            break;
        case SQ_PREC_LIKE:
            if ((rc = parse_like_family(p, left, &left)))
                goto done;
            break;
        case SQ_PREC_OTHER:
        case SQ_PREC_ADD:
        case SQ_PREC_MUL: {
            int op = t->kind == SQ_TK_CONCAT ? SQ_OP_CONCAT
                   : t->kind == SQ_TK_PLUS   ? SQ_OP_ADD
                   : t->kind == SQ_TK_MINUS  ? SQ_OP_SUB
                   : t->kind == SQ_TK_STAR   ? SQ_OP_MUL
                   : t->kind == SQ_TK_SLASH  ? SQ_OP_DIV
                                             : SQ_OP_MOD;
            sqp_advance(p);
            sq_expr *r;
            if ((rc = sqp_expr(p, prec + 1, &r)) || (rc = make_binary(p, op, left, r, &left)))
                goto done;
            break;
        }
        case SQ_PREC_CAST: {
            if (t->kind == SQ_TK_LBRACKET || t->kind == SQ_TK_DOT) {
                if ((rc = t->kind == SQ_TK_LBRACKET ? parse_subscript(p, &left) : parse_field(p, &left)))
                    goto done;
                break;
            }
            sq_expr *c;
            if ((rc = new_node(p, SQ_E_CAST, left->pos, &c)) || (rc = push(p, c, left)))
                goto done;
            sqp_advance(p);
            if ((rc = sqp_type(p, &c->type, &c->type_text)))
                goto done;
            left = c;
            break;
        }
        default:
            rc = sqp_syntax(p);
            goto done;
        }
    }
    *out = left;
done:
    p->depth--;
    return rc;
}
