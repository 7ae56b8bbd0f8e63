/*
 * ast.c -- the statement arena, AST node construction and DuckDB-style expression rendering.
 *
 * The arena hands out zeroed, 16-byte aligned memory from 16 KiB blocks (larger requests get a
 * block of their own) and frees all of it at once. Rendering follows DuckDB's ParsedExpression
 * display conventions, which name unaliased result columns: binary operators "(a + b)", unary
 * minus "-(x)", NOT "(NOT x)", LIKE as "(x ~~ y)", casts "CAST(x AS T)", COUNT(*) as
 * "count_star()", column references as written.
 */
#include "ast.h"
#include "token.h"

#include <string.h>

/* ---- arena ---- */

#define ARENA_BLOCK 16384

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} arena_block;

struct sq_arena {
    arena_block *head;
};

sq_arena *sq_arena_new(void)
{
    return tn_calloc(1, sizeof(sq_arena));
}

void sq_arena_free(sq_arena *a)
{
    if (!a)
        return;
    arena_block *b = a->head;
    while (b) {
        arena_block *n = b->next;
        tn_free(b);
        b = n;
    }
    tn_free(a);
}

void *sq_arena_alloc(sq_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
        arena_block *nb = tn_malloc(sizeof(arena_block) + cap);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->cap = cap;
        if (b && cap != ARENA_BLOCK) {
            /* big one-off block: keep filling the current block afterwards */
            nb->next = b->next;
            b->next = nb;
            b = nb;
        } else {
            nb->next = b;
            a->head = nb;
            b = nb;
        }
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *sq_arena_strndup(sq_arena *a, const char *s, size_t n)
{
    char *p = sq_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* ---- nodes ---- */

sq_expr *sq_expr_new(sq_arena *a, sq_expr_kind kind, uint32_t pos)
{
    sq_expr *e = sq_arena_alloc(a, sizeof *e);
    if (!e)
        return NULL;
    e->kind = (uint8_t)kind;
    e->pos = pos;
    e->height = 1;
    e->nest = 1;
    return e;
}

int sq_expr_push(sq_arena *a, sq_expr *e, sq_expr *child)
{
    if (e->nargs == e->cap_args) {
        uint32_t nc = e->cap_args ? e->cap_args * 2 : 4;
        sq_expr **na = sq_arena_alloc(a, (size_t)nc * sizeof *na);
        if (!na)
            return TN_NOMEM;
        if (e->nargs)
            memcpy(na, e->args, (size_t)e->nargs * sizeof *na);
        e->args = na;
        e->cap_args = nc;
    }
    e->args[e->nargs++] = child;
    if (child && child->height + 1 > e->height)
        e->height = child->height + 1;
    uint32_t cn = child ? child->nest + (e->kind == SQ_E_BINARY && e->nargs == 1 ? 0 : 1) : 0;
    if (cn > e->nest)
        e->nest = cn;
    return TN_OK;
}

/* ---- rendering ---- */

static bool plain_ident(const char *s)
{
    if (!s[0] || (s[0] >= '0' && s[0] <= '9'))
        return false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return !sq_kw_reserved(sq_kw_lookup(s, strlen(s)));
}

static void render_ident(const char *s, tn_sbuf *out)
{
    if (plain_ident(s)) {
        tn_sbuf_puts(out, s);
        return;
    }
    tn_sbuf_putc(out, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            tn_sbuf_putc(out, '"');
        tn_sbuf_putc(out, *p);
    }
    tn_sbuf_putc(out, '"');
}

static void render_string(const char *s, uint32_t n, tn_sbuf *out)
{
    tn_sbuf_putc(out, '\'');
    for (uint32_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            tn_sbuf_putc(out, '\'');
        tn_sbuf_putc(out, s[i]);
    }
    tn_sbuf_putc(out, '\'');
}

static const char *op_text(int op)
{
    switch (op) {
    case SQ_OP_OR: return "OR";
    case SQ_OP_AND: return "AND";
    case SQ_OP_NOT: return "NOT";
    case SQ_OP_EQ: return "=";
    case SQ_OP_NE: return "!=";
    case SQ_OP_LT: return "<";
    case SQ_OP_LE: return "<=";
    case SQ_OP_GT: return ">";
    case SQ_OP_GE: return ">=";
    case SQ_OP_CONCAT: return "||";
    case SQ_OP_ADD: return "+";
    case SQ_OP_SUB: return "-";
    case SQ_OP_MUL: return "*";
    case SQ_OP_DIV: return "/";
    case SQ_OP_MOD: return "%";
    case SQ_OP_NEG: return "-";
    case SQ_OP_PLUS: return "+";
    default: return "?";
    }
}

static void render_list(sq_expr *const *args, uint32_t from, uint32_t n, tn_sbuf *out)
{
    for (uint32_t i = from; i < n; i++) {
        if (i > from)
            tn_sbuf_puts(out, ", ");
        sq_expr_render(args[i], out);
    }
}

/* The left spine of e: nodes e, e->args[0], ... while `same` holds (left-leaning chains such as
 * a + b + c, thousands long, are rendered in a loop, not one recursion per operator). *sp is
 * `small` or tn_malloc'd; 0 nodes on OOM (out marked failed). */
static uint32_t render_spine(const sq_expr *e, bool (*same)(const sq_expr *, int), int op, const sq_expr **small,
                             uint32_t nsmall, const sq_expr ***sp, tn_sbuf *out)
{
    uint32_t k = 0;
    for (const sq_expr *x = e; same(x, op); x = x->args[0])
        k++;
    *sp = small;
    if (k > nsmall && !(*sp = tn_malloc((size_t)k * sizeof **sp))) {
        out->oom = true;
        return 0;
    }
    uint32_t j = 0;
    for (const sq_expr *x = e; j < k; x = x->args[0])
        (*sp)[j++] = x;
    return k;
}

static bool same_conj(const sq_expr *x, int op) { return x->kind == SQ_E_BINARY && x->op == op && x->nargs == 2; }

static void render_conj(const sq_expr *e, int op, bool first, tn_sbuf *out);

static void render_conj_operand(const sq_expr *c, int op, bool first, tn_sbuf *out)
{
    if (same_conj(c, op)) {
        render_conj(c, op, first, out);
        return;
    }
    if (!first)
        tn_sbuf_printf(out, " %s ", op_text(op));
    sq_expr_render(c, out);
}

/* AND/OR chains display flattened: (a AND b AND c). */
static void render_conj(const sq_expr *e, int op, bool first, tn_sbuf *out)
{
    const sq_expr *small[16], **sp;
    uint32_t k = render_spine(e, same_conj, op, small, TN_ARRAY_LEN(small), &sp, out);
    if (!k)
        return;
    render_conj_operand(sp[k - 1]->args[0], op, first, out);
    for (uint32_t j = k; j-- > 0;)
        render_conj_operand(sp[j]->args[1], op, false, out);
    if (sp != small)
        tn_free((void *)sp);
}

static bool same_arith(const sq_expr *x, int op)
{
    TN_UNUSED(op);
    return x->kind == SQ_E_BINARY && x->op != SQ_OP_AND && x->op != SQ_OP_OR && x->nargs == 2;
}

/* ((a + b) - c): a chain of binary operators down the left operand, rendered in a loop. */
static void render_arith(const sq_expr *e, tn_sbuf *out)
{
    const sq_expr *small[16], **sp;
    uint32_t k = render_spine(e, same_arith, 0, small, TN_ARRAY_LEN(small), &sp, out);
    if (!k)
        return;
    for (uint32_t j = 0; j < k; j++)
        tn_sbuf_putc(out, '(');
    sq_expr_render(sp[k - 1]->args[0], out);
    for (uint32_t j = k; j-- > 0;) {
        tn_sbuf_printf(out, " %s ", op_text(sp[j]->op));
        sq_expr_render(sp[j]->args[1], out);
        tn_sbuf_putc(out, ')');
    }
    if (sp != small)
        tn_free((void *)sp);
}

void sq_expr_render(const sq_expr *e, tn_sbuf *out)
{
    if (!e) {
        tn_sbuf_puts(out, "NULL");
        return;
    }
    switch ((sq_expr_kind)e->kind) {
    case SQ_E_CONST:
        switch ((sq_lit_kind)e->lit) {
        case SQ_LIT_STRING: render_string(e->str, e->slen, out); break;
        case SQ_LIT_TRUE: tn_sbuf_puts(out, "true"); break;
        case SQ_LIT_FALSE: tn_sbuf_puts(out, "false"); break;
        case SQ_LIT_NULL: tn_sbuf_puts(out, "NULL"); break;
        default: tn_sbuf_puts(out, e->str); break;
        }
        break;
    case SQ_E_COLUMN:
        if (e->qual) {
            render_ident(e->qual, out);
            tn_sbuf_putc(out, '.');
        }
        render_ident(e->str, out);
        break;
    case SQ_E_STAR:
        if (e->qual) {
            render_ident(e->qual, out);
            tn_sbuf_putc(out, '.');
        }
        tn_sbuf_putc(out, '*');
        break;
    case SQ_E_UNARY:
        if (e->op == SQ_OP_NOT) {
            tn_sbuf_puts(out, "(NOT ");
            sq_expr_render(e->args[0], out);
            tn_sbuf_putc(out, ')');
        } else {
            tn_sbuf_printf(out, "%s(", op_text(e->op));
            sq_expr_render(e->args[0], out);
            tn_sbuf_putc(out, ')');
        }
        break;
    case SQ_E_BINARY:
        if (e->op == SQ_OP_AND || e->op == SQ_OP_OR) {
            tn_sbuf_putc(out, '(');
            render_conj(e, e->op, true, out);
            tn_sbuf_putc(out, ')');
        } else {
            render_arith(e, out);
        }
        break;
    case SQ_E_IS:
        tn_sbuf_putc(out, '(');
        sq_expr_render(e->args[0], out);
        tn_sbuf_puts(out, e->negated ? " IS NOT " : " IS ");
        switch (e->is_kind) {
        case SQ_IS_NULL: tn_sbuf_puts(out, "NULL"); break;
        case SQ_IS_TRUE: tn_sbuf_puts(out, "TRUE"); break;
        case SQ_IS_FALSE: tn_sbuf_puts(out, "FALSE"); break;
        default:
            tn_sbuf_puts(out, "DISTINCT FROM ");
            sq_expr_render(e->args[1], out);
            break;
        }
        tn_sbuf_putc(out, ')');
        break;
    case SQ_E_BETWEEN:
        tn_sbuf_putc(out, '(');
        sq_expr_render(e->args[0], out);
        tn_sbuf_puts(out, e->negated ? " NOT BETWEEN " : " BETWEEN ");
        sq_expr_render(e->args[1], out);
        tn_sbuf_puts(out, " AND ");
        sq_expr_render(e->args[2], out);
        tn_sbuf_putc(out, ')');
        break;
    case SQ_E_IN:
        tn_sbuf_putc(out, '(');
        sq_expr_render(e->args[0], out);
        tn_sbuf_puts(out, e->negated ? " NOT IN (" : " IN (");
        render_list(e->args, 1, e->nargs, out);
        tn_sbuf_puts(out, "))");
        break;
    case SQ_E_LIKE:
        if (e->nargs > 2) {
            tn_sbuf_printf(out, "%s%s(", e->negated ? "not_" : "", e->ilike ? "ilike_escape" : "like_escape");
            render_list(e->args, 0, e->nargs, out);
            tn_sbuf_putc(out, ')');
            break;
        }
        tn_sbuf_putc(out, '(');
        sq_expr_render(e->args[0], out);
        tn_sbuf_printf(out, " %s%s ", e->negated ? "!~~" : "~~", e->ilike ? "*" : "");
        sq_expr_render(e->args[1], out);
        tn_sbuf_putc(out, ')');
        break;
    case SQ_E_CAST:
        tn_sbuf_puts(out, e->try_cast ? "TRY_CAST(" : "CAST(");
        sq_expr_render(e->args[0], out);
        tn_sbuf_printf(out, " AS %s)", e->type_text ? e->type_text : "?");
        break;
    case SQ_E_TYPED:
        tn_sbuf_puts(out, "CAST(");
        render_string(e->str, e->slen, out);
        tn_sbuf_printf(out, " AS %s)", e->type_text ? e->type_text : "?");
        break;
    case SQ_E_CASE:
        tn_sbuf_puts(out, "CASE");
        if (e->operand) {
            tn_sbuf_putc(out, ' ');
            sq_expr_render(e->operand, out);
        }
        for (uint32_t i = 0; i + 1 < e->nargs; i += 2) {
            tn_sbuf_puts(out, " WHEN ");
            sq_expr_render(e->args[i], out);
            tn_sbuf_puts(out, " THEN ");
            sq_expr_render(e->args[i + 1], out);
        }
        tn_sbuf_puts(out, " ELSE ");
        sq_expr_render(e->else_expr, out); /* NULL renders as NULL */
        tn_sbuf_puts(out, " END");
        break;
    case SQ_E_FUNC:
        if (e->star) {
            tn_sbuf_printf(out, "%s_star()", e->str);
            break;
        }
        if (strcmp(e->str, "coalesce") == 0)
            tn_sbuf_puts(out, "COALESCE(");
        else
            tn_sbuf_printf(out, "%s(", e->str);
        if (e->distinct)
            tn_sbuf_puts(out, "DISTINCT ");
        for (uint32_t i = 0; i < e->nargs; i++) {
            if (i)
                tn_sbuf_puts(out, ", ");
            if (e->names && e->names[i]) {
                render_ident(e->names[i], out);
                tn_sbuf_puts(out, " := ");
            }
            sq_expr_render(e->args[i], out);
        }
        tn_sbuf_putc(out, ')');
        break;
    case SQ_E_ARRAY:
        tn_sbuf_putc(out, '[');
        render_list(e->args, 0, e->nargs, out);
        tn_sbuf_putc(out, ']');
        break;
    case SQ_E_SUBSCRIPT:
        sq_expr_render(e->args[0], out);
        tn_sbuf_putc(out, '[');
        sq_expr_render(e->args[1], out);
        tn_sbuf_putc(out, ']');
        break;
    case SQ_E_SLICE:
        sq_expr_render(e->args[0], out);
        tn_sbuf_putc(out, '[');
        if (e->operand)
            sq_expr_render(e->operand, out);
        tn_sbuf_putc(out, ':');
        if (e->else_expr)
            sq_expr_render(e->else_expr, out);
        tn_sbuf_putc(out, ']');
        break;
    case SQ_E_FIELD:
        sq_expr_render(e->args[0], out);
        tn_sbuf_putc(out, '.');
        render_ident(e->str, out);
        break;
    case SQ_E_STRUCT:
        tn_sbuf_putc(out, '{');
        for (uint32_t i = 0; i < e->nargs; i++) {
            if (i)
                tn_sbuf_puts(out, ", ");
            const char *k = e->names && e->names[i] ? e->names[i] : "";
            render_string(k, (uint32_t)strlen(k), out);
            tn_sbuf_puts(out, ": ");
            sq_expr_render(e->args[i], out);
        }
        tn_sbuf_putc(out, '}');
        break;
    case SQ_E_MAP:
        tn_sbuf_puts(out, "MAP {");
        for (uint32_t i = 0; i + 1 < e->nargs; i += 2) {
            if (i)
                tn_sbuf_puts(out, ", ");
            sq_expr_render(e->args[i], out);
            tn_sbuf_puts(out, ": ");
            sq_expr_render(e->args[i + 1], out);
        }
        tn_sbuf_putc(out, '}');
        break;
    }
}

void sq_expr_column_name(const sq_expr *e, tn_sbuf *out)
{
    if (e->kind == SQ_E_COLUMN || e->kind == SQ_E_FIELD) { /* s.a is named "a", as in DuckDB */
        tn_sbuf_puts(out, e->str);
        return;
    }
    sq_expr_render(e, out);
}
