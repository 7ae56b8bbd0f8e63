/*
 * parser_delta.c -- the Delta Lake statement and clause syntax, called from parser.c:
 *
 *   source  := ... [FOR] (VERSION | TIMESTAMP) AS OF expr     -- time travel, after the source
 *                                                             -- and before its alias (Spark)
 *   stmt    := DESCRIBE HISTORY (path | name) [LIMIT n]
 *            | DESCRIBE DETAIL (path | name)
 *
 * DESCRIBE HISTORY / DETAIL are rewritten while parsing into `SELECT * FROM delta_history(path)
 * [LIMIT n]` / `SELECT * FROM delta_detail(path)`: the table functions (bind_delta.c) produce
 * Spark's columns, and the rest of the pipeline sees an ordinary SELECT.
 */
#include "parser.h"

#include <string.h>

/* [FOR] VERSION|TIMESTAMP AS OF at token k? */
static bool at_time_travel(const sq_parser *p, uint32_t k, bool *version)
{
    const sq_token *as = sqp_peek_at(p, k + 1);
    if (!(sqp_is_word(p, k, "version") || sqp_is_word(p, k, "timestamp")))
        return false;
    if (as->kind != SQ_TK_IDENT || as->kw != SQ_KW_AS || !sqp_is_word(p, k + 2, "of"))
        return false;
    *version = sqp_is_word(p, k, "version");
    return true;
}

int sqp_time_travel(sq_parser *p, sq_source *s)
{
    bool version = false;
    uint32_t k = 0;
    if (sqp_is_kw(p, SQ_KW_FOR) && at_time_travel(p, 1, &version))
        k = 1;
    else if (!at_time_travel(p, 0, &version))
        return TN_OK;
    if (s->version_as_of || s->timestamp_as_of)
        return sqp_syntax(p);
    s->time_travel_pos = sqp_peek(p)->off;
    for (uint32_t i = 0; i < k + 3; i++)
        sqp_advance(p);
    sq_expr *e = NULL;
    int rc = sqp_expr(p, 0, &e);
    if (rc)
        return rc;
    if (version)
        s->version_as_of = e;
    else
        s->timestamp_as_of = e;
    return TN_OK;
}

static int str_const(sq_parser *p, const char *text, uint32_t len, uint32_t pos, sq_expr **out)
{
    sq_expr *e = sq_expr_new(p->a, SQ_E_CONST, pos);
    if (!e)
        return sqp_nomem(p);
    e->lit = SQ_LIT_STRING;
    e->str = text;
    e->slen = len;
    *out = e;
    return TN_OK;
}

int sqp_describe_delta(sq_parser *p, sq_stmt *st, bool *handled)
{
    *handled = false;
    bool history = sqp_is_word(p, 0, "history"), detail = sqp_is_word(p, 0, "detail");
    if (!history && !detail)
        return TN_OK;
    const sq_token *t = sqp_peek_at(p, 1);
    if (t->kind != SQ_TK_STRING && t->kind != SQ_TK_ESTRING && !sqp_tok_is_name(t))
        return TN_OK; /* DESCRIBE history: a table named "history" */
    *handled = true;
    sqp_advance(p);
    t = sqp_peek(p);
    const char *path;
    uint32_t len;
    int rc = sqp_token_text(p, t, &path, &len);
    if (rc)
        return rc;
    uint32_t pos = t->off;
    sqp_advance(p);
    if (sqp_is(p, SQ_TK_DOT))
        return sqp_notsup(p, "schema-qualified table name");
    sq_select *sel = sq_arena_alloc(p->a, sizeof *sel);
    sq_select_item *it = sq_arena_alloc(p->a, sizeof *it);
    sq_expr *star = sq_expr_new(p->a, SQ_E_STAR, st->pos);
    sq_expr *fn = sq_expr_new(p->a, SQ_E_FUNC, pos);
    sq_source *src = sq_arena_alloc(p->a, sizeof *src);
    sq_expr *arg = NULL;
    if (!sel || !it || !star || !fn || !src)
        return sqp_nomem(p);
    if ((rc = str_const(p, path, len, pos, &arg)))
        return rc;
    star->str = "*";
    fn->str = history ? "delta_history" : "delta_detail";
    if (sq_expr_push(p->a, fn, arg))
        return sqp_nomem(p);
    src->kind = SQ_SRC_FUNC;
    src->pos = pos;
    src->func = fn;
    it->expr = star;
    sel->pos = st->pos;
    sel->items = it;
    sel->nitems = 1;
    sel->from = src;
    if (history && sqp_accept_kw(p, SQ_KW_LIMIT)) {
        if ((rc = sqp_expr(p, 0, &sel->limit)))
            return rc;
    }
    st->type = SQ_ST_SELECT;
    st->select = sel;
    return TN_OK;
}
