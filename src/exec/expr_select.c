/*
 * expr_select.c -- ex_expr_select: evaluate a BOOLEAN predicate straight into a selection
 * vector (the rows where it is TRUE; FALSE and NULL rows are dropped).
 *
 * Fast paths avoid materialising booleans:
 *  - comparisons (=, <>, <, <=, >, >=) evaluate their two operands and let func_compare.c emit
 *    the matching rows directly (vector-versus-constant and DICT-versus-constant specialised);
 *  - AND is a chain: each conjunct is selected over the rows the previous ones kept, so later
 *    conjuncts run on fewer rows and never on rows already rejected;
 *  - OR is a union: each disjunct runs only on rows not yet accepted, and the accepted rows are
 *    merged in ascending order.
 * Anything else is evaluated to a BOOLEAN vector (cached in the node state) and filtered.
 *
 * Contract of the internal select_node: sel_out never aliases sel (ex_expr_select copies the
 * input selection if the caller passes the same buffer), and sel_out has room for n entries.
 */
#include "expr_int.h"

static int select_node(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, uint32_t *out, uint32_t *nout,
                       tn_err *err);

static int select_generic(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, uint32_t *out, uint32_t *nout,
                          tn_err *err)
{
    ex_eval_state *st = ex_eval_state_sels(e, in->count);
    if (!st)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    if (!st->sel_tmp || st->sel_tmp->type.id != TN_T_BOOL) {
        tn_vector_unref(st->sel_tmp);
        st->sel_tmp = tn_vector_new(tn_type_make(TN_T_BOOL), in->count > TN_BATCH ? in->count : TN_BATCH);
        if (!st->sel_tmp)
            return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    int rc = ex_eval_sel(e, in, sel, n, st->sel_tmp, err);
    if (rc)
        return rc;
    tn_vview vw;
    tn_vector_view(st->sel_tmp, 0, &vw);
    const uint8_t *d = vw.data;
    uint32_t k = 0;
    if (st->sel_tmp->kind == TN_VEC_CONST) {
        bool all = tn_vview_valid(&vw, 0) && d[0];
        if (all)
            for (uint32_t i = 0; i < n; i++)
                out[k++] = EX_ROW(sel, i);
    } else if (!vw.validity) {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = EX_ROW(sel, i);
            out[k] = r;
            k += d[r] != 0;
        }
    } else {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = EX_ROW(sel, i);
            out[k] = r;
            k += tn_bit_get(vw.validity, r) && d[r];
        }
    }
    *nout = k;
    return TN_OK;
}

static int select_compare(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, uint32_t *out, uint32_t *nout,
                          tn_err *err)
{
    tn_vector *a, *b;
    int rc;
    if ((rc = ex_eval_arg(e, 0, in, sel, n, &a, err)) || (rc = ex_eval_arg(e, 1, in, sel, n, &b, err)))
        return rc;
    return ex_compare_select(ex_func_op(e->fn), a, b, sel, n, out, nout, err);
}

static int select_and(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, uint32_t *out, uint32_t *nout,
                      tn_err *err)
{
    ex_eval_state *st = ex_eval_state_sels(e, in->count);
    if (!st)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    const uint32_t *cur = sel;
    uint32_t ncur = n;
    for (uint32_t k = 0; k < e->nargs; k++) {
        uint32_t *dst = k + 1 == e->nargs ? out : (cur == st->sel_a ? st->sel_b : st->sel_a);
        uint32_t nd = 0;
        int rc = select_node(e->args[k], in, cur, ncur, dst, &nd, err);
        if (rc)
            return rc;
        cur = dst;
        ncur = nd;
        if (ncur == 0)
            break;
    }
    if (cur != out)
        memcpy(out, cur, (size_t)ncur * sizeof *out);
    *nout = ncur;
    return TN_OK;
}

static int select_or(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, uint32_t *out, uint32_t *nout,
                     tn_err *err)
{
    ex_eval_state *st = ex_eval_state_sels(e, in->count);
    if (!st)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    const uint32_t *rem = sel; /* rows not yet accepted */
    uint32_t nrem = n, nacc = 0;
    for (uint32_t k = 0; k < e->nargs && nrem > 0; k++) {
        uint32_t *t = st->sel_c, nt = 0;
        int rc = select_node(e->args[k], in, rem, nrem, t, &nt, err);
        if (rc)
            return rc;
        if (nt == 0)
            continue;
        /* rem := rem \ t (both ascending; t is a subset of rem) */
        uint32_t *nr = rem == st->sel_a ? st->sel_b : st->sel_a;
        uint32_t j = 0, m = 0;
        for (uint32_t i = 0; i < nrem; i++) {
            uint32_t r = EX_ROW(rem, i);
            if (j < nt && t[j] == r)
                j++;
            else
                nr[m++] = r;
        }
        /* out := out U t, merged from the back in place */
        int64_t ia = (int64_t)nacc - 1, it = (int64_t)nt - 1, w = (int64_t)(nacc + nt) - 1;
        while (it >= 0) {
            if (ia >= 0 && out[ia] > t[it])
                out[w--] = out[ia--];
            else
                out[w--] = t[it--];
        }
        nacc += nt;
        rem = nr;
        nrem = m;
    }
    *nout = nacc;
    return TN_OK;
}

static int select_node(ex_expr *e, tn_chunk *in, const uint32_t *sel, uint32_t n, uint32_t *out, uint32_t *nout,
                       tn_err *err)
{
    if (n == 0) {
        *nout = 0;
        return TN_OK;
    }
    switch (e->kind) {
    case EX_AND:
        if (e->nargs > 0)
            return select_and(e, in, sel, n, out, nout, err);
        break;
    case EX_OR:
        if (e->nargs > 0)
            return select_or(e, in, sel, n, out, nout, err);
        break;
    case EX_FUNC:
        if (e->fn && ex_func_is_compare(e->fn) && e->nargs == 2)
            return select_compare(e, in, sel, n, out, nout, err);
        break;
    default: break;
    }
    return select_generic(e, in, sel, n, out, nout, err);
}

int ex_expr_select(ex_expr *e, tn_chunk *in, uint32_t *sel_out, uint32_t *n_out, tn_err *err)
{
    const uint32_t *sel = in->sel;
    uint32_t n = tn_chunk_rows(in);
    *n_out = 0;
    if (e->type.id != TN_T_BOOL && e->type.id != TN_T_NULL)
        return tn_err_set(err, TN_MISUSE, "filter predicate is not BOOLEAN");
    if (in->count > TN_BATCH)
        return tn_err_set(err, TN_MISUSE, "chunk of %u rows exceeds the batch size %d", in->count, TN_BATCH);
    if (sel && sel_out < sel + n && sel < sel_out + n) {
        /* the caller reuses the input selection buffer for the output: work from a copy */
        uint32_t *copy = tn_malloc((size_t)n * sizeof *copy + 1);
        if (!copy)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        memcpy(copy, sel, (size_t)n * sizeof *copy);
        int rc = select_node(e, in, copy, n, sel_out, n_out, err);
        tn_free(copy);
        return rc;
    }
    int rc = select_node(e, in, sel, n, sel_out, n_out, err);
    if (rc == TN_NOMEM && err && !err->code)
        tn_err_set(err, TN_NOMEM, "out of memory");
    return rc;
}
