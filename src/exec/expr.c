/*
 * expr.c -- bound expression trees: construction, copy, EXPLAIN rendering, and the vectorized
 * evaluation driver (ex_expr_eval).
 *
 * Evaluation model. A node is evaluated for one batch at a time over an explicit selection
 * (sel[0..n), ascending row indexes, or rows 0..n when sel is NULL). Each node first evaluates
 * its children into scratch vectors cached in the node's state (allocated once, reset per
 * batch), then makes one kernel call for the whole batch. Column references are not copied: the
 * child's vector is the input column itself. Constant children become CONST vectors, and a
 * function whose arguments are all CONST is computed once into a CONST result.
 *
 * Control-flow nodes narrow the selection instead of computing and discarding: AND/OR drop rows
 * whose outcome is already decided before evaluating the next operand, CASE evaluates each THEN
 * branch only at the rows whose WHEN matched first, COALESCE evaluates argument k only at the
 * rows where arguments 0..k-1 were all NULL. So `CASE WHEN x <> 0 THEN 10 / x END` never divides
 * by zero, and rows outside the selection never raise errors.
 *
 * Three-valued logic (SQL): AND is FALSE if any operand is FALSE, else NULL if any is NULL, else
 * TRUE; OR dually. x IN (list) is NULL when x is NULL, TRUE on a match, else NULL if the list
 * holds a NULL, else FALSE; NOT IN negates (NULL stays NULL).
 *
 * Thread-safety: the per-node state makes an expression tree single-threaded; parallel
 * pipelines evaluate their own ex_expr_copy.
 */
#include "expr_int.h"
#include "nested.h"
#include "../util/format.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ======================= construction ======================= */

ex_expr *ex_expr_new(ex_expr_kind kind, tn_type type)
{
    ex_expr *e = tn_calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->kind = kind;
    e->type = type;
    e->value.is_null = true;
    e->value.type = type;
    return e;
}

ex_expr *ex_expr_const(const tn_value *v)
{
    ex_expr *e = ex_expr_new(EX_CONST, v->type);
    if (!e)
        return NULL;
    if (tn_value_copy(&e->value, v) != TN_OK) {
        e->value.is_null = true;
        ex_expr_free(e);
        return NULL;
    }
    return e;
}

ex_expr *ex_expr_colref(uint32_t col, tn_type type)
{
    ex_expr *e = ex_expr_new(EX_COLREF, type);
    if (e)
        e->col = col;
    return e;
}

int ex_expr_add_arg(ex_expr *e, ex_expr *child)
{
    if (!child)
        return TN_NOMEM;
    if (e->nargs == UINT32_MAX) {
        ex_expr_free(child);
        return TN_NOMEM;
    }
    ex_expr **a = tn_realloc(e->args, ((size_t)e->nargs + 1) * sizeof *a);
    if (!a) {
        ex_expr_free(child);
        return TN_NOMEM;
    }
    e->args = a;
    e->args[e->nargs++] = child;
    return TN_OK;
}

static void state_free(ex_eval_state *st)
{
    if (!st)
        return;
    for (uint32_t i = 0; i < st->nscratch; i++)
        tn_vector_unref(st->scratch[i]);
    tn_free(st->scratch);
    tn_vector_unref(st->cvec);
    tn_vector_unref(st->bool_tmp);
    tn_vector_unref(st->sel_tmp);
    tn_free(st->sel_a);
    tn_free(st->sel_b);
    tn_free(st->sel_c);
    if (st->kstate && st->kstate_free)
        st->kstate_free(st->kstate);
    tn_free(st);
}

/* Tree walks in this file recurse on arguments 1.. but loop along the first argument, so a
 * left-leaning operator chain thousands of nodes deep (1 + 2 + 3 ..., which the parser builds
 * without recursion) costs no stack; the recursion left is bounded by the parser's nesting limit. */

void ex_expr_free(ex_expr *e)
{
    while (e) {
        for (uint32_t i = 1; i < e->nargs; i++)
            ex_expr_free(e->args[i]);
        ex_expr *next = e->nargs ? e->args[0] : NULL;
        tn_free(e->args);
        tn_value_free(&e->value);
        tn_free(e->alias);
        state_free(e->state);
        tn_free(e);
        e = next;
    }
}

ex_expr *ex_expr_copy(const ex_expr *e)
{
    ex_expr *root = NULL, **slot = &root;
    for (const ex_expr *x = e; x; x = x->nargs ? x->args[0] : NULL) {
        ex_expr *c = ex_expr_new(x->kind, x->type);
        if (!c)
            goto fail;
        *slot = c; /* linked first, so a failure below frees it with the tree */
        c->col = x->col;
        c->fn = x->fn;
        c->flag = x->flag;
        if (tn_value_copy(&c->value, &x->value) != TN_OK) {
            c->value.is_null = true;
            goto fail;
        }
        if (x->alias && !(c->alias = tn_strdup(x->alias)))
            goto fail;
        if (x->nargs) {
            if (!(c->args = tn_calloc(x->nargs, sizeof *c->args)))
                goto fail;
            c->nargs = x->nargs; /* args[0] is filled by the next round; NULL until then */
            for (uint32_t i = 1; i < x->nargs; i++)
                if (!(c->args[i] = ex_expr_copy(x->args[i])))
                    goto fail;
            slot = &c->args[0];
        }
    }
    return root;
fail:
    ex_expr_free(root);
    return NULL;
}

/* ======================= EXPLAIN ======================= */

static void explain_value(const tn_value *v, tn_sbuf *out)
{
    if (v->is_null || v->type.id == TN_T_NULL) {
        tn_sbuf_puts(out, "NULL");
        return;
    }
    if (tn_type_is_string(v->type)) {
        tn_sbuf_putc(out, '\'');
        for (uint32_t i = 0; i < v->v.str.len; i++) {
            if (v->v.str.ptr[i] == '\'')
                tn_sbuf_putc(out, '\'');
            tn_sbuf_putc(out, v->v.str.ptr[i]);
        }
        tn_sbuf_putc(out, '\'');
        return;
    }
    /* render through a one-row vector so every physical layout goes through util/format */
    tn_vector *tmp = tn_vector_new(v->type, 1);
    if (!tmp || tn_value_to_vector(tmp, 0, v) != TN_OK) {
        tn_vector_unref(tmp);
        tn_sbuf_puts(out, "?");
        return;
    }
    bool quoted = !tn_type_is_numeric(v->type) && v->type.id != TN_T_BOOL;
    if (quoted) {
        char tb[64];
        tn_sbuf_printf(out, "%s '", tn_type_name(v->type, tb, sizeof tb));
    }
    tn_format_vector_row(out, tmp, 0);
    if (quoted)
        tn_sbuf_putc(out, '\'');
    tn_vector_unref(tmp);
}

static bool is_operator_name(const char *n)
{
    static const char *const ops[] = {"+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "||",
                                      "~~", "~~*", "!~~", "!~~*"};
    for (size_t i = 0; i < TN_ARRAY_LEN(ops); i++)
        if (strcmp(n, ops[i]) == 0)
            return true;
    return false;
}

static void explain_list(const ex_expr *e, uint32_t from, const char *sep, tn_sbuf *out)
{
    for (uint32_t i = from; i < e->nargs; i++) {
        if (i > from)
            tn_sbuf_puts(out, sep);
        ex_expr_explain(e->args[i], out);
    }
}

/* The operator a binary EX_FUNC node is shown as ("+", "LIKE"...), or NULL if it is not one. */
static const char *binary_shown(const ex_expr *e)
{
    if (!e || e->kind != EX_FUNC || e->nargs != 2)
        return NULL;
    const char *name = e->fn ? e->fn->name : "?";
    if (!is_operator_name(name))
        return NULL;
    return strcmp(name, "~~") == 0     ? "LIKE"
           : strcmp(name, "~~*") == 0  ? "ILIKE"
           : strcmp(name, "!~~") == 0  ? "NOT LIKE"
           : strcmp(name, "!~~*") == 0 ? "NOT ILIKE"
                                       : name;
}

static void explain_node(const ex_expr *e, tn_sbuf *out);

void ex_expr_explain(const ex_expr *e, tn_sbuf *out)
{
    /* a chain of binary operators down the left operand: "(((a + b) + c) + d)" without
     * recursing once per operator */
    uint32_t k = 0;
    const ex_expr *x = e;
    for (; binary_shown(x); x = x->args[0])
        k++;
    if (k < 2) {
        explain_node(e, out);
        return;
    }
    for (uint32_t i = 0; i < k; i++)
        tn_sbuf_putc(out, '(');
    explain_node(x, out);
    /* the operators from the bottom up: walk down again to each level (k - 1 - i steps) would be
     * quadratic, so collect the spine first */
    const ex_expr *small[16], **sp = small;
    if (k > TN_ARRAY_LEN(small) && !(sp = tn_malloc((size_t)k * sizeof *sp))) {
        tn_sbuf_puts(out, " ...)");
        return;
    }
    uint32_t j = 0;
    for (x = e; j < k; x = x->args[0])
        sp[j++] = x;
    while (j-- > 0) {
        tn_sbuf_printf(out, " %s ", binary_shown(sp[j]));
        ex_expr_explain(sp[j]->args[1], out);
        tn_sbuf_putc(out, ')');
    }
    if (sp != small)
        tn_free((void *)sp);
}

static void explain_node(const ex_expr *e, tn_sbuf *out)
{
    char tb[64];
    if (!e) {
        tn_sbuf_puts(out, "?");
        return;
    }
    switch (e->kind) {
    case EX_CONST: explain_value(&e->value, out); break;
    case EX_COLREF:
        if (e->alias)
            tn_sbuf_puts(out, e->alias);
        else
            tn_sbuf_printf(out, "#%u", e->col);
        break;
    case EX_FUNC: {
        const char *name = e->fn ? e->fn->name : "?";
        if (strcmp(name, "neg") == 0 && e->nargs == 1) {
            tn_sbuf_puts(out, "(- ");
            ex_expr_explain(e->args[0], out);
            tn_sbuf_putc(out, ')');
        } else if (binary_shown(e)) {
            const char *shown = binary_shown(e);
            tn_sbuf_putc(out, '(');
            ex_expr_explain(e->args[0], out);
            tn_sbuf_printf(out, " %s ", shown);
            ex_expr_explain(e->args[1], out);
            tn_sbuf_putc(out, ')');
        } else {
            tn_sbuf_printf(out, "%s(", name);
            explain_list(e, 0, ", ", out);
            tn_sbuf_putc(out, ')');
        }
        break;
    }
    case EX_CAST:
        tn_sbuf_puts(out, e->flag ? "TRY_CAST(" : "CAST(");
        if (e->nargs)
            ex_expr_explain(e->args[0], out);
        tn_sbuf_printf(out, " AS %s)", tn_type_name(e->type, tb, sizeof tb));
        break;
    case EX_AND:
    case EX_OR:
        tn_sbuf_putc(out, '(');
        explain_list(e, 0, e->kind == EX_AND ? " AND " : " OR ", out);
        tn_sbuf_putc(out, ')');
        break;
    case EX_NOT:
        tn_sbuf_puts(out, "(NOT ");
        if (e->nargs)
            ex_expr_explain(e->args[0], out);
        tn_sbuf_putc(out, ')');
        break;
    case EX_IS_NULL:
        tn_sbuf_putc(out, '(');
        if (e->nargs)
            ex_expr_explain(e->args[0], out);
        tn_sbuf_puts(out, e->flag ? " IS NOT NULL)" : " IS NULL)");
        break;
    case EX_CASE: {
        uint32_t pairs = (e->nargs - (e->flag ? 1 : 0)) / 2;
        tn_sbuf_puts(out, "CASE");
        for (uint32_t i = 0; i < pairs; i++) {
            tn_sbuf_puts(out, " WHEN ");
            ex_expr_explain(e->args[2 * i], out);
            tn_sbuf_puts(out, " THEN ");
            ex_expr_explain(e->args[2 * i + 1], out);
        }
        if (e->flag && e->nargs) {
            tn_sbuf_puts(out, " ELSE ");
            ex_expr_explain(e->args[e->nargs - 1], out);
        }
        tn_sbuf_puts(out, " END");
        break;
    }
    case EX_IN:
        tn_sbuf_putc(out, '(');
        if (e->nargs)
            ex_expr_explain(e->args[0], out);
        tn_sbuf_puts(out, e->flag ? " NOT IN (" : " IN (");
        explain_list(e, 1, ", ", out);
        tn_sbuf_puts(out, "))");
        break;
    case EX_COALESCE:
        tn_sbuf_puts(out, "COALESCE(");
        explain_list(e, 0, ", ", out);
        tn_sbuf_putc(out, ')');
        break;
    }
}

/* ======================= kernel helpers ======================= */

int ex_strict_nulls(tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n, tn_vector *out)
{
    for (uint32_t a = 0; a < nargs; a++) {
        tn_vector *v = args[a];
        if (!v->validity)
            continue;
        if (v->kind == TN_VEC_CONST) {
            if (!tn_bit_get(v->validity, 0)) {
                for (uint32_t i = 0; i < n; i++)
                    if (tn_vector_set_null(out, EX_ROW(sel, i)))
                        return TN_NOMEM;
            }
            continue;
        }
        const uint64_t *vb = v->validity;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = EX_ROW(sel, i);
            if (!tn_bit_get(vb, r) && tn_vector_set_null(out, r))
                return TN_NOMEM;
        }
    }
    return TN_OK;
}

int ex_keep_heaps(tn_vector *dst, const tn_vector *src)
{
    if (dst == src)
        return TN_OK;
    for (uint32_t i = 0; i < src->nheap; i++)
        if (tn_vector_keep_buf(dst, src->heap[i]))
            return TN_NOMEM;
    if (src->kind == TN_VEC_DICT && src->dict)
        return ex_keep_heaps(dst, src->dict);
    return TN_OK;
}

int ex_copy_rows(tn_vector *out, const tn_vector *src, const uint32_t *sel, uint32_t n)
{
    if (tn_type_is_nested(out->type))
        return ex_nested_copy_rows(out, src, sel, n);
    if (n == 0)
        return TN_OK;
    size_t w = tn_type_width(out->type);
    if (w != tn_type_width(src->type) || w == 0)
        return TN_MISUSE;
    tn_vview vw;
    tn_vector_view(src, 0, &vw);
    const uint64_t *dictv = src->kind == TN_VEC_DICT ? src->dict->validity : NULL;
    unsigned char *od = out->data;
    const unsigned char *sd = vw.data;
    if (tn_type_is_string(out->type) && ex_keep_heaps(out, src))
        return TN_NOMEM;
    if (!vw.idx && !vw.validity && !out->validity) {
        /* flat, no NULLs: straight copies */
        if (!sel) {
            memcpy(od, sd, (size_t)n * w);
            return TN_OK;
        }
        switch (w) {
        case 1:
            for (uint32_t i = 0; i < n; i++)
                od[sel[i]] = sd[sel[i]];
            return TN_OK;
        case 4:
            for (uint32_t i = 0; i < n; i++)
                ((uint32_t *)(void *)od)[sel[i]] = ((const uint32_t *)(const void *)sd)[sel[i]];
            return TN_OK;
        case 8:
            for (uint32_t i = 0; i < n; i++)
                ((uint64_t *)(void *)od)[sel[i]] = ((const uint64_t *)(const void *)sd)[sel[i]];
            return TN_OK;
        default:
            for (uint32_t i = 0; i < n; i++)
                memcpy(od + (size_t)sel[i] * w, sd + (size_t)sel[i] * w, w);
            return TN_OK;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        uint32_t k = tn_vview_index(&vw, r);
        if (!tn_vview_valid(&vw, r) || (dictv && !tn_bit_get(dictv, k))) {
            if (tn_vector_set_null(out, r))
                return TN_NOMEM;
            continue;
        }
        ex_set_valid(out, r);
        memcpy(od + (size_t)r * w, sd + (size_t)k * w, w);
    }
    return TN_OK;
}

/* ======================= evaluation driver ======================= */

static int eval_node(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err);

static ex_eval_state *state_get(ex_expr *e)
{
    if (!e->state)
        e->state = tn_calloc(1, sizeof(ex_eval_state));
    return e->state;
}

/* Make sure the node's selection scratch holds at least `cap` entries. */
static int state_sels(ex_eval_state *st, uint32_t cap)
{
    if (st->sel_cap >= cap && st->sel_a)
        return TN_OK;
    if (cap < TN_BATCH)
        cap = TN_BATCH;
    uint32_t *a = tn_realloc(st->sel_a, (size_t)cap * sizeof *a);
    if (!a)
        return TN_NOMEM;
    st->sel_a = a;
    uint32_t *b = tn_realloc(st->sel_b, (size_t)cap * sizeof *b);
    if (!b)
        return TN_NOMEM;
    st->sel_b = b;
    uint32_t *c = tn_realloc(st->sel_c, (size_t)cap * sizeof *c);
    if (!c)
        return TN_NOMEM;
    st->sel_c = c;
    st->sel_cap = cap;
    return TN_OK;
}

/* Scratch vector number i of node e, of type t, reset and able to hold `rows` row positions. */
static int scratch_get(ex_expr *e, uint32_t i, tn_type t, uint32_t rows, tn_vector **out)
{
    ex_eval_state *st = state_get(e);
    if (!st)
        return TN_NOMEM;
    if (i >= st->nscratch) {
        uint32_t nn = e->nargs > i ? e->nargs : i + 1;
        tn_vector **s = tn_realloc(st->scratch, (size_t)nn * sizeof *s);
        if (!s)
            return TN_NOMEM;
        for (uint32_t k = st->nscratch; k < nn; k++)
            s[k] = NULL;
        st->scratch = s;
        st->nscratch = nn;
    }
    tn_vector *v = st->scratch[i];
    if (v && (!tn_type_equal(v->type, t) || v->refcnt != 1)) {
        tn_vector_unref(v);
        v = st->scratch[i] = NULL;
    }
    if (!v) {
        v = tn_vector_new(t, rows > TN_BATCH ? rows : TN_BATCH);
        if (!v)
            return TN_NOMEM;
        st->scratch[i] = v;
    } else {
        tn_vector_reset(v);
        if (tn_vector_reserve(v, rows))
            return TN_NOMEM;
    }
    *out = v;
    return TN_OK;
}

/* The EX_CONST node's value as a CONST vector (built once). */
static int const_vector(ex_expr *e, tn_vector **out)
{
    ex_eval_state *st = state_get(e);
    if (!st)
        return TN_NOMEM;
    if (!st->cvec) {
        tn_vector *v = tn_vector_new(e->type, 1);
        if (!v)
            return TN_NOMEM;
        tn_value val = e->value;
        val.type = e->type;
        int rc = e->value.is_null || e->value.type.id == TN_T_NULL ? tn_vector_set_null(v, 0)
                                                                    : tn_value_to_vector(v, 0, &val);
        if (rc) {
            tn_vector_unref(v);
            return rc;
        }
        v->kind = TN_VEC_CONST;
        st->cvec = v;
    }
    *out = st->cvec;
    return TN_OK;
}

/* Evaluate argument i of `parent` at the selected rows. *res is borrowed: an input column, the
 * child's CONST vector or the parent's scratch vector i. */
static int eval_arg(ex_expr *parent, uint32_t i, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector **res,
                    tn_err *err)
{
    ex_expr *c = parent->args[i];
    tn_vector *v;
    int rc;
    if (c->kind == EX_CONST)
        return const_vector(c, res);
    if (c->kind == EX_COLREF) {
        if (c->col >= in->ncols || !in->cols[c->col])
            return tn_err_set(err, TN_MISUSE, "column reference #%u out of range (%u columns)", c->col,
                              in->ncols);
        v = in->cols[c->col];
        if (TN_UNLIKELY(v->type.id != c->type.id || tn_type_width(v->type) != tn_type_width(c->type))) {
            char b1[64], b2[64];
            return tn_err_set(err, TN_MISUSE, "column #%u has type %s, the expression expects %s", c->col,
                              tn_type_name(v->type, b1, sizeof b1), tn_type_name(c->type, b2, sizeof b2));
        }
        if (v->kind != TN_VEC_DICT || !v->dict->validity) {
            *res = v;
            return TN_OK;
        }
        /* dictionary with NULL entries: materialise so kernels see row validity only */
        tn_vector *s;
        if ((rc = scratch_get(parent, i, v->type, in->count, &s)))
            return rc;
        if ((rc = ex_copy_rows(s, v, sel, n)))
            return rc;
        *res = s;
        return TN_OK;
    }
    if ((rc = scratch_get(parent, i, c->type, in->count, &v)))
        return rc;
    if ((rc = eval_node(c, in, sel, n, v, err)))
        return rc;
    *res = v;
    return TN_OK;
}

static bool vec_is_const_null(const tn_vector *v)
{
    return v->kind == TN_VEC_CONST && v->validity && !tn_bit_get(v->validity, 0);
}

static int make_const_null(tn_vector *out)
{
    tn_vector_reset(out);
    if (tn_vector_set_null(out, 0))
        return TN_NOMEM;
    out->kind = TN_VEC_CONST;
    return TN_OK;
}

/* ---- EX_FUNC ---- */
/* arg0: the first argument already evaluated (by eval_chain), or NULL to evaluate it here. */
static int eval_func(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_vector *arg0,
                     tn_err *err)
{
    const ex_func *fn = e->fn;
    if (!fn || !fn->kernel)
        return tn_err_set(err, TN_MISUSE, "function node without a kernel");
    tn_vector *argv_small[8];
    tn_vector **argv = argv_small;
    int rc = TN_OK;
    if (e->nargs > TN_ARRAY_LEN(argv_small)) {
        argv = tn_malloc(e->nargs * sizeof *argv);
        if (!argv)
            return TN_NOMEM;
    }
    bool all_const = true, any_const_null = false;
    for (uint32_t i = 0; i < e->nargs; i++) {
        if (i == 0 && arg0)
            argv[0] = arg0;
        else if ((rc = eval_arg(e, i, in, sel, n, &argv[i], err)))
            goto done;
        if (argv[i]->kind != TN_VEC_CONST)
            all_const = false;
        else if (vec_is_const_null(argv[i]))
            any_const_null = true;
    }
    if (fn->null_in_null_out && any_const_null) {
        rc = make_const_null(out);
        goto done;
    }
    if (all_const && n > 0) {
        /* compute once; the result is CONST */
        if (fn->kernel == ex_like_kernel) {
            ex_eval_state *st = state_get(e);
            rc = st ? ex_like_eval_cached(st, fn, argv, e->nargs, NULL, 1, out, err) : TN_NOMEM;
        } else
            rc = fn->kernel(fn, argv, e->nargs, NULL, 1, out, err);
        if (rc == TN_OK)
            out->kind = TN_VEC_CONST;
        goto done;
    }
    if (fn->kernel == ex_like_kernel) {
        ex_eval_state *st = state_get(e);
        rc = st ? ex_like_eval_cached(st, fn, argv, e->nargs, sel, n, out, err) : TN_NOMEM;
    } else {
        rc = fn->kernel(fn, argv, e->nargs, sel, n, out, err);
    }
done:
    if (argv != argv_small)
        tn_free(argv);
    return rc;
}

/* ---- EX_CAST ---- */
static int eval_cast(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_vector *arg0,
                     tn_err *err)
{
    tn_vector *src;
    int rc;
    if (e->nargs != 1)
        return tn_err_set(err, TN_MISUSE, "CAST needs one argument");
    if (arg0)
        src = arg0;
    else if ((rc = eval_arg(e, 0, in, sel, n, &src, err)))
        return rc;
    if (src->kind == TN_VEC_CONST) {
        if (vec_is_const_null(src))
            return make_const_null(out);
        if (n == 0)
            return TN_OK;
        if ((rc = ex_cast_vector(src, out, NULL, 1, e->flag, err)))
            return rc;
        out->kind = TN_VEC_CONST;
        return TN_OK;
    }
    return ex_cast_vector(src, out, sel, n, e->flag, err);
}

/* ---- EX_AND / EX_OR ---- */
static int eval_andor(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err)
{
    bool is_and = e->kind == EX_AND;
    ex_eval_state *st = state_get(e);
    int rc;
    if (!st || state_sels(st, in->count))
        return TN_NOMEM;
    uint8_t *o = out->data;
    uint8_t init = is_and ? 1 : 0;
    for (uint32_t i = 0; i < n; i++)
        o[EX_ROW(sel, i)] = init;
    const uint32_t *cur = sel;
    uint32_t ncur = n;
    for (uint32_t k = 0; k < e->nargs && ncur > 0; k++) {
        tn_vector *cv;
        if ((rc = eval_arg(e, k, in, cur, ncur, &cv, err)))
            return rc;
        tn_vview vw;
        tn_vector_view(cv, 0, &vw);
        const uint8_t *d = vw.data;
        uint32_t *next = (cur == st->sel_a) ? st->sel_b : st->sel_a;
        uint32_t nn = 0;
        for (uint32_t i = 0; i < ncur; i++) {
            uint32_t r = EX_ROW(cur, i);
            if (!tn_vview_valid(&vw, r)) {
                if (tn_vector_set_null(out, r))
                    return TN_NOMEM;
                next[nn++] = r;
                continue;
            }
            bool v = d[tn_vview_index(&vw, r)] != 0;
            if (v == is_and) {
                next[nn++] = r; /* undecided: TRUE for AND, FALSE for OR */
            } else {
                o[r] = v; /* decided: FALSE for AND, TRUE for OR */
                ex_set_valid(out, r);
            }
        }
        cur = next;
        ncur = nn;
    }
    return TN_OK;
}

/* ---- EX_NOT / EX_IS_NULL ---- */
static int eval_not(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err)
{
    tn_vector *cv;
    int rc;
    if (e->nargs != 1)
        return tn_err_set(err, TN_MISUSE, "NOT needs one argument");
    if ((rc = eval_arg(e, 0, in, sel, n, &cv, err)))
        return rc;
    tn_vview vw;
    tn_vector_view(cv, 0, &vw);
    const uint8_t *d = vw.data;
    uint8_t *o = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!tn_vview_valid(&vw, r)) {
            if (tn_vector_set_null(out, r))
                return TN_NOMEM;
        } else {
            o[r] = !d[tn_vview_index(&vw, r)];
        }
    }
    return TN_OK;
}

static int eval_is_null(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err)
{
    tn_vector *cv;
    int rc;
    if (e->nargs != 1)
        return tn_err_set(err, TN_MISUSE, "IS NULL needs one argument");
    if ((rc = eval_arg(e, 0, in, sel, n, &cv, err)))
        return rc;
    tn_vview vw;
    tn_vector_view(cv, 0, &vw);
    uint8_t *o = out->data;
    uint8_t want_valid = e->flag ? 1 : 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        o[r] = tn_vview_valid(&vw, r) == want_valid;
    }
    return TN_OK;
}

/* ---- EX_COALESCE ---- */
static int eval_coalesce(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err)
{
    ex_eval_state *st = state_get(e);
    int rc;
    if (!st || state_sels(st, in->count))
        return TN_NOMEM;
    if (e->nargs == 0)
        return make_const_null(out);
    const uint32_t *cur = sel;
    uint32_t ncur = n;
    for (uint32_t k = 0; k < e->nargs && ncur > 0; k++) {
        tn_vector *cv;
        if ((rc = eval_arg(e, k, in, cur, ncur, &cv, err)))
            return rc;
        if (k == e->nargs - 1)
            return ex_cast_vector(cv, out, cur, ncur, false, err);
        tn_vview vw;
        tn_vector_view(cv, 0, &vw);
        uint32_t *next = (cur == st->sel_a) ? st->sel_b : st->sel_a;
        uint32_t *valid = st->sel_c;
        uint32_t nn = 0, nv = 0;
        for (uint32_t i = 0; i < ncur; i++) {
            uint32_t r = EX_ROW(cur, i);
            if (tn_vview_valid(&vw, r))
                valid[nv++] = r;
            else
                next[nn++] = r;
        }
        if ((rc = ex_cast_vector(cv, out, valid, nv, false, err)))
            return rc;
        cur = next;
        ncur = nn;
    }
    return TN_OK;
}

/* ---- EX_CASE ---- */
static int eval_case(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err)
{
    ex_eval_state *st = state_get(e);
    int rc;
    if (!st || state_sels(st, in->count))
        return TN_NOMEM;
    uint32_t has_else = e->flag ? 1 : 0;
    if (e->nargs < has_else)
        return tn_err_set(err, TN_MISUSE, "CASE without arguments");
    uint32_t pairs = (e->nargs - has_else) / 2;
    /* remaining rows live in `cur`; matches go to sel_c; non-matches to the other of a/b */
    const uint32_t *cur = sel;
    uint32_t ncur = n;
    for (uint32_t k = 0; k < pairs && ncur > 0; k++) {
        tn_vector *wv, *tv;
        if ((rc = eval_arg(e, 2 * k, in, cur, ncur, &wv, err)))
            return rc;
        tn_vview vw;
        tn_vector_view(wv, 0, &vw);
        const uint8_t *d = vw.data;
        uint32_t *rest = (cur == st->sel_a) ? st->sel_b : st->sel_a;
        uint32_t *match = st->sel_c;
        uint32_t nm = 0, nr = 0;
        for (uint32_t i = 0; i < ncur; i++) {
            uint32_t r = EX_ROW(cur, i);
            if (tn_vview_valid(&vw, r) && d[tn_vview_index(&vw, r)])
                match[nm++] = r;
            else
                rest[nr++] = r;
        }
        if (nm) {
            if ((rc = eval_arg(e, 2 * k + 1, in, match, nm, &tv, err)))
                return rc;
            if ((rc = ex_cast_vector(tv, out, match, nm, false, err)))
                return rc;
        }
        cur = rest;
        ncur = nr;
    }
    if (ncur == 0)
        return TN_OK;
    if (has_else) {
        tn_vector *ev;
        if ((rc = eval_arg(e, e->nargs - 1, in, cur, ncur, &ev, err)))
            return rc;
        return ex_cast_vector(ev, out, cur, ncur, false, err);
    }
    if (tn_type_is_nested(out->type)) {
        /* NULL nested rows get empty list entries and NULL struct fields, like the gather */
        uint32_t *src = tn_malloc((size_t)ncur * sizeof *src);
        if (!src)
            return TN_NOMEM;
        for (uint32_t i = 0; i < ncur; i++)
            src[i] = EX_NROW_NULL;
        rc = ex_nested_gather(out, cur, 0, out, src, 0, ncur);
        tn_free(src);
        return rc;
    }
    for (uint32_t i = 0; i < ncur; i++)
        if (tn_vector_set_null(out, EX_ROW(cur, i)))
            return TN_NOMEM;
    return TN_OK;
}

/* ---- EX_IN ---- */

/* Equality of two physical values of type t (same layout). Floats compare numerically with
 * NaN = NaN (PostgreSQL's total order). */
static bool value_eq(tn_type t, const void *a, const void *b)
{
    switch ((tn_type_id)t.id) {
    case TN_T_FLOAT: {
        float x = *(const float *)a, y = *(const float *)b;
        return x == y || (x != x && y != y);
    }
    case TN_T_DOUBLE: {
        double x = *(const double *)a, y = *(const double *)b;
        return x == y || (x != x && y != y);
    }
    case TN_T_VARCHAR:
    case TN_T_BLOB: return tn_str_eq(a, b);
    case TN_T_BOOL: return (*(const uint8_t *)a != 0) == (*(const uint8_t *)b != 0);
    default: return memcmp(a, b, tn_type_width(t)) == 0;
    }
}

static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return h;
}

static uint64_t value_hash(tn_type t, const void *v)
{
    switch ((tn_type_id)t.id) {
    case TN_T_FLOAT: {
        double d = *(const float *)v;
        if (d == 0)
            d = 0; /* -0 and +0 hash alike */
        if (d != d)
            return 0x7ff8;
        return hash_bytes(&d, sizeof d);
    }
    case TN_T_DOUBLE: {
        double d = *(const double *)v;
        if (d == 0)
            d = 0;
        if (d != d)
            return 0x7ff8;
        return hash_bytes(&d, sizeof d);
    }
    case TN_T_VARCHAR:
    case TN_T_BLOB: {
        const tn_str *s = v;
        return hash_bytes(tn_str_data(s), s->len);
    }
    case TN_T_BOOL: {
        uint8_t b = *(const uint8_t *)v != 0;
        return hash_bytes(&b, 1);
    }
    default: return hash_bytes(v, tn_type_width(t));
    }
}

/* Constant IN list compiled once: distinct non-NULL values (in a FLAT vector of the probe type)
 * plus an open-addressing hash table of indexes when the list is long. */
typedef struct in_set {
    tn_vector *vals;
    uint32_t nvals;
    bool has_null;
    uint32_t *slots; /* index + 1; 0 = empty */
    uint32_t mask;
} in_set;

#define IN_SMALL_LIST 8

static void in_set_free(void *p)
{
    in_set *s = p;
    if (!s)
        return;
    tn_vector_unref(s->vals);
    tn_free(s->slots);
    tn_free(s);
}

static bool in_set_find(const in_set *s, tn_type t, const void *v)
{
    size_t w = tn_type_width(t);
    const unsigned char *base = s->vals->data;
    if (!s->slots) {
        for (uint32_t i = 0; i < s->nvals; i++)
            if (value_eq(t, base + i * w, v))
                return true;
        return false;
    }
    uint32_t h = (uint32_t)value_hash(t, v) & s->mask;
    while (s->slots[h]) {
        if (value_eq(t, base + (size_t)(s->slots[h] - 1) * w, v))
            return true;
        h = (h + 1) & s->mask;
    }
    return false;
}

static int in_set_build(ex_expr *e, in_set **out, tn_err *err)
{
    tn_type t = e->args[0]->type;
    size_t w = tn_type_width(t);
    int rc = TN_OK;
    in_set *s = tn_calloc(1, sizeof *s);
    if (!s)
        return TN_NOMEM;
    uint32_t nitems = e->nargs - 1;
    s->vals = tn_vector_new(t, nitems ? nitems : 1);
    if (!s->vals) {
        rc = TN_NOMEM;
        goto done;
    }
    if (nitems > IN_SMALL_LIST) {
        uint32_t cap = 16;
        while (cap < nitems * 2)
            cap *= 2;
        s->slots = tn_calloc(cap, sizeof *s->slots);
        if (!s->slots) {
            rc = TN_NOMEM;
            goto done;
        }
        s->mask = cap - 1;
    }
    for (uint32_t k = 1; k < e->nargs; k++) {
        const tn_value *v = &e->args[k]->value;
        tn_value folded;
        bool have_folded = false;
        if (e->args[k]->kind != EX_CONST) {
            /* a closed item such as CAST(1 AS BIGINT): fold it once */
            if ((rc = ex_expr_fold(e->args[k], &folded, err)))
                goto done;
            have_folded = true;
            v = &folded;
        }
        if (v->is_null || v->type.id == TN_T_NULL) {
            s->has_null = true;
            if (have_folded)
                tn_value_free(&folded);
            continue;
        }
        tn_value cv;
        if (tn_type_equal(v->type, t)) {
            rc = tn_value_copy(&cv, v);
            if (have_folded)
                tn_value_free(&folded);
            if (rc)
                goto done;
        } else {
            tn_err cerr = TN_ERR_INIT;
            int crc = ex_cast_value(v, t, &cv, &cerr);
            if (have_folded)
                tn_value_free(&folded);
            if (crc == TN_NOMEM) {
                rc = crc;
                goto done;
            }
            if (crc) /* cannot equal any value of the probe type */
                continue;
            if (cv.is_null) {
                s->has_null = true;
                continue;
            }
        }
        rc = tn_value_to_vector(s->vals, s->nvals, &cv);
        tn_value_free(&cv);
        if (rc)
            goto done;
        const void *p = (const unsigned char *)s->vals->data + (size_t)s->nvals * w;
        if (in_set_find(s, t, p))
            continue; /* duplicate */
        if (s->slots) {
            uint32_t h = (uint32_t)value_hash(t, p) & s->mask;
            while (s->slots[h])
                h = (h + 1) & s->mask;
            s->slots[h] = s->nvals + 1;
        }
        s->nvals++;
    }
done:
    if (rc) {
        in_set_free(s);
        return rc;
    }
    *out = s;
    return TN_OK;
}

/* No column references below e: its value is the same for every row. */
static bool expr_is_closed(const ex_expr *e)
{
    for (; e; e = e->nargs ? e->args[0] : NULL) {
        if (e->kind == EX_COLREF)
            return false;
        for (uint32_t i = 1; i < e->nargs; i++)
            if (!expr_is_closed(e->args[i]))
                return false;
    }
    return true;
}

static int eval_in(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err)
{
    int rc;
    if (e->nargs < 1)
        return tn_err_set(err, TN_MISUSE, "IN needs a probe argument");
    tn_type t = e->args[0]->type;
    size_t w = tn_type_width(t);
    uint8_t yes = e->flag ? 0 : 1;
    tn_vector *xv;
    if ((rc = eval_arg(e, 0, in, sel, n, &xv, err)))
        return rc;
    tn_vview xw;
    tn_vector_view(xv, 0, &xw);
    const unsigned char *xd = xw.data;
    uint8_t *o = out->data;
    ex_eval_state *st = state_get(e);
    if (!st)
        return TN_NOMEM;
    bool all_const = true;
    for (uint32_t k = 1; k < e->nargs; k++)
        if (!expr_is_closed(e->args[k]))
            all_const = false;
    if (all_const) {
        if (!st->kstate) {
            in_set *s;
            if ((rc = in_set_build(e, &s, err)))
                return rc;
            st->kstate = s;
            st->kstate_free = in_set_free;
        }
        const in_set *s = st->kstate;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = EX_ROW(sel, i);
            if (!tn_vview_valid(&xw, r)) {
                if (tn_vector_set_null(out, r))
                    return TN_NOMEM;
                continue;
            }
            if (in_set_find(s, t, xd + (size_t)tn_vview_index(&xw, r) * w))
                o[r] = yes;
            else if (s->has_null) {
                if (tn_vector_set_null(out, r))
                    return TN_NOMEM;
            } else
                o[r] = !yes;
        }
        return TN_OK;
    }
    /* general list: per-row status 0 = no match yet, 1 = match, 2 = no match but saw NULL */
    for (uint32_t i = 0; i < n; i++)
        o[EX_ROW(sel, i)] = 0;
    for (uint32_t k = 1; k < e->nargs; k++) {
        tn_vector *iv;
        if ((rc = eval_arg(e, k, in, sel, n, &iv, err)))
            return rc;
        tn_vector *cmp = iv;
        if (!tn_type_equal(iv->type, t) && iv->type.id != TN_T_NULL) {
            if (!st->bool_tmp || !tn_type_equal(st->bool_tmp->type, t)) {
                tn_vector_unref(st->bool_tmp);
    tn_vector_unref(st->sel_tmp);
                st->bool_tmp = tn_vector_new(t, in->count > TN_BATCH ? in->count : TN_BATCH);
                if (!st->bool_tmp)
                    return TN_NOMEM;
            }
            tn_vector_reset(st->bool_tmp);
            if (tn_vector_reserve(st->bool_tmp, in->count))
                return TN_NOMEM;
            if ((rc = ex_cast_vector(iv, st->bool_tmp, sel, n, true, err)))
                return rc;
            cmp = st->bool_tmp;
        }
        tn_vview iw;
        tn_vector_view(cmp, 0, &iw);
        const unsigned char *id = iw.data;
        bool null_typed = cmp->type.id == TN_T_NULL;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = EX_ROW(sel, i);
            if (o[r] == 1 || !tn_vview_valid(&xw, r))
                continue;
            if (null_typed || !tn_vview_valid(&iw, r)) {
                o[r] = 2;
                continue;
            }
            if (value_eq(t, xd + (size_t)tn_vview_index(&xw, r) * w, id + (size_t)tn_vview_index(&iw, r) * w))
                o[r] = 1;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i);
        if (!tn_vview_valid(&xw, r) || o[r] == 2) {
            if (tn_vector_set_null(out, r))
                return TN_NOMEM;
        } else {
            o[r] = o[r] == 1 ? yes : !yes;
        }
    }
    return TN_OK;
}

/* ---- chains ---- */

static bool chain_node(const ex_expr *e)
{
    return (e->kind == EX_FUNC || e->kind == EX_CAST) && e->nargs >= 1;
}

/* Intermediate result buffer `slot` (0/1) of a chain, held as scratch of its top node: reset,
 * of type t, holding `rows` rows. A flat buffer of another type of the same width is retyped
 * instead of reallocated (decimal chains change precision at every level). */
static int chain_buf(ex_expr *top, uint32_t slot, tn_type t, uint32_t rows, tn_vector **out)
{
    ex_eval_state *st = state_get(top);
    if (!st)
        return TN_NOMEM;
    uint32_t i = top->nargs + slot;
    tn_vector *v = i < st->nscratch ? st->scratch[i] : NULL;
    if (v && v->refcnt == 1 && !tn_type_is_nested(t) && !tn_type_is_nested(v->type) &&
        tn_type_width(v->type) == tn_type_width(t) && tn_type_width(t) > 0) {
        tn_vector_reset(v);
        v->type = t;
        if (tn_vector_reserve(v, rows))
            return TN_NOMEM;
        *out = v;
        return TN_OK;
    }
    return scratch_get(top, i, t, rows, out);
}

/* EX_FUNC / EX_CAST: a chain of such nodes down their first argument (a left-leaning operator
 * chain such as 1 + x + 2 + ...) is evaluated bottom-up in a loop, each level reading the level
 * below from one of two alternating buffers, so neither the stack nor the scratch memory grows
 * with the chain's length. A lone node is evaluated directly. */
static int eval_chain(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err)
{
    if (!chain_node(e) || !chain_node(e->args[0]))
        return e->kind == EX_FUNC ? eval_func(e, in, sel, n, out, NULL, err) : eval_cast(e, in, sel, n, out, NULL, err);
    uint32_t k = 0;
    for (ex_expr *x = e; chain_node(x); x = x->args[0])
        k++;
    ex_expr *small[16], **sp = small;
    if (k > TN_ARRAY_LEN(small) && !(sp = tn_malloc((size_t)k * sizeof *sp)))
        return TN_NOMEM;
    uint32_t j = 0;
    for (ex_expr *x = e; j < k; x = x->args[0])
        sp[j++] = x;
    int rc = TN_OK;
    tn_vector *below = NULL;
    uint32_t rows = in->count ? in->count : 1;
    /* sp[k-1] is the deepest node: its first argument is evaluated the ordinary way */
    for (uint32_t lvl = k; lvl-- > 0 && !rc;) {
        ex_expr *x = sp[lvl];
        tn_vector *dst = out;
        if (lvl > 0 && (rc = chain_buf(e, lvl & 1, x->type, rows, &dst)))
            break;
        rc = x->kind == EX_FUNC ? eval_func(x, in, sel, n, dst, below, err) : eval_cast(x, in, sel, n, dst, below, err);
        below = dst;
    }
    if (sp != small)
        tn_free(sp);
    return rc;
}

/* ---- dispatch ---- */
static int eval_node(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err)
{
    switch (e->kind) {
    case EX_CONST: {
        tn_vector *cv;
        int rc = const_vector(e, &cv);
        if (rc)
            return rc;
        return tn_vector_set_const_from(out, cv, 0);
    }
    case EX_COLREF: {
        if (e->col >= in->ncols || !in->cols[e->col])
            return tn_err_set(err, TN_MISUSE, "column reference #%u out of range (%u columns)", e->col,
                              in->ncols);
        tn_vector *src = in->cols[e->col];
        if (tn_type_width(src->type) != tn_type_width(out->type) || src->type.id != out->type.id) {
            char b1[64], b2[64];
            return tn_err_set(err, TN_MISUSE, "column #%u has type %s, the expression expects %s", e->col,
                              tn_type_name(src->type, b1, sizeof b1), tn_type_name(out->type, b2, sizeof b2));
        }
        if (src->kind == TN_VEC_CONST)
            return tn_vector_set_const_from(out, src, 0);
        return ex_copy_rows(out, src, sel, n);
    }
    case EX_FUNC:
    case EX_CAST: return eval_chain(e, in, sel, n, out, err);
    case EX_AND:
    case EX_OR: return eval_andor(e, in, sel, n, out, err);
    case EX_NOT: return eval_not(e, in, sel, n, out, err);
    case EX_IS_NULL: return eval_is_null(e, in, sel, n, out, err);
    case EX_CASE: return eval_case(e, in, sel, n, out, err);
    case EX_IN: return eval_in(e, in, sel, n, out, err);
    case EX_COALESCE: return eval_coalesce(e, in, sel, n, out, err);
    }
    return tn_err_set(err, TN_MISUSE, "unknown expression kind %d", (int)e->kind);
}

int ex_eval_sel(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector *out, tn_err *err)
{
    tn_vector_reset(out);
    if (tn_vector_reserve(out, in->count ? in->count : 1))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    return eval_node(e, in, sel, n, out, err);
}

int ex_eval_arg(ex_expr *parent, uint32_t i, tn_chunk *in, const uint32_t *sel, uint32_t n, tn_vector **res,
                tn_err *err)
{
    if (i >= parent->nargs)
        return tn_err_set(err, TN_MISUSE, "argument %u out of range", i);
    return eval_arg(parent, i, in, sel, n, res, err);
}

ex_eval_state *ex_eval_state_sels(ex_expr *e, uint32_t cap)
{
    ex_eval_state *st = state_get(e);
    if (!st || state_sels(st, cap))
        return NULL;
    return st;
}

int ex_expr_eval(ex_expr *e, tn_chunk *in, tn_vector *out, tn_err *err)
{
    if (in->count > TN_BATCH)
        return tn_err_set(err, TN_MISUSE, "chunk of %u rows exceeds the batch size %d", in->count, TN_BATCH);
    tn_vector_reset(out);
    if (tn_vector_reserve(out, in->count ? in->count : 1))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    int rc = eval_node(e, in, in->sel, tn_chunk_rows(in), out, err);
    if (rc == TN_NOMEM && err && !err->code)
        tn_err_set(err, TN_NOMEM, "out of memory");
    return rc;
}

int ex_expr_fold(ex_expr *e, tn_value *out, tn_err *err)
{
    tn_chunk *c = tn_chunk_new(0, NULL, 1);
    tn_vector *v = NULL;
    int rc;
    if (!c)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    c->count = 1;
    v = tn_vector_new(e->type, 1);
    if (!v) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = ex_expr_eval(e, c, v, err)))
        goto done;
    rc = tn_value_from_vector(out, v, 0);
    if (rc == TN_OK)
        out->type = e->type;
    else if (rc == TN_NOMEM)
        tn_err_set(err, rc, "out of memory");
    else
        tn_err_set(err, rc, "cannot fold a value of this type");
done:
    tn_vector_unref(v);
    tn_chunk_free(c);
    return rc;
}
