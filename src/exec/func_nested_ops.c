/*
 * func_nested_ops.c -- kernels that read nested values: struct field extraction, list element
 * and slice extraction, map lookup, length, list_contains, list concatenation and the
 * comparison operators on nested operands (semantics in nested.h).
 *
 * Every kernel first maps each selected row to the physical row holding its value (FLAT, CONST
 * and DICT inputs alike, ex_nested_phys), decides per row which source element (if any) the
 * result takes, and then moves all values with a single ex_nested_gather call per batch: a
 * struct field or list element of a flat type is one width-specialised copy loop, and nested
 * results are deep-copied level by level. No kernel walks a value tree per row except the
 * comparisons, which compare element by element by nature.
 *
 * Selected rows whose result is NULL also get a well-formed LIST entry (empty, at the current end
 * of the element vector), so a reader that ignores validity never follows a garbage offset.
 */
#include "nested_int.h"

#include <string.h>
#include <strings.h>

#define ROW(i) EX_ROW(sel, i)

bool ex_nk_int_at(const tn_vector *v, uint32_t r, int64_t *out)
{
    uint32_t p;
    bool valid;
    const tn_vector *s = ex_nested_phys(v, r, &p, &valid);
    if (!valid)
        return false;
    *out = ((const int64_t *)s->data)[p];
    return true;
}

/* Scratch row array of n entries (NULL on OOM; n == 0 gives a 1-entry array). */
static uint32_t *rows_alloc(uint32_t n)
{
    return tn_malloc((size_t)(n ? n : 1) * sizeof(uint32_t));
}

/* Element vector and entry of the (valid) physical row p of list vector s. */
static inline const tn_list_entry *entry_at(const tn_vector *s, uint32_t p)
{
    return (const tn_list_entry *)s->data + p;
}

static int bad_list(tn_err *err)
{
    return tn_err_set(err, TN_MISUSE, "inconsistent list vector (entry outside its element vector)");
}

static bool entry_ok(const tn_vector *s, const tn_list_entry *e)
{
    return s->nchildren >= 1 && e->offset <= s->list_size && e->length <= s->list_size - e->offset;
}

/* ======================= struct_extract ======================= */

int ex_nk_struct_extract(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    if (nargs != 2 || args[1]->kind != TN_VEC_CONST || args[1]->type.id != TN_T_VARCHAR ||
        args[0]->type.id != TN_T_STRUCT)
        return tn_err_set(err, TN_MISUSE, "struct_extract needs a STRUCT and a constant field name");
    const tn_str *name = args[1]->data;
    int f = ex_nested_field_index(args[0]->type, tn_str_data(name), name->len);
    if (f < 0)
        return tn_err_set(err, TN_ERROR, "could not find key \"%.*s\" in struct", (int)TN_MIN(name->len, 200u),
                          tn_str_data(name));
    uint32_t *m = rows_alloc(n);
    if (!m)
        return TN_NOMEM;
    const tn_vector *s = NULL;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t p;
        bool valid;
        s = ex_nested_phys(args[0], ROW(i), &p, &valid);
        m[i] = valid ? p : EX_NROW_NULL;
    }
    int rc = TN_OK;
    if (n) {
        if ((uint32_t)f >= s->nchildren)
            rc = tn_err_set(err, TN_MISUSE, "struct vector without field %d", f);
        else
            rc = ex_nested_gather(out, sel, 0, s->children[f], m, 0, n);
    }
    tn_free(m);
    return rc;
}

/* ======================= list_extract ======================= */

/* 0-based position of 1-based (negative: from the end) index k in a list of length len, or -1. */
static int64_t list_pos(int64_t k, uint64_t len)
{
    if (k > 0)
        return (uint64_t)k <= len ? k - 1 : -1;
    if (k < 0) {
        if (k == INT64_MIN || (uint64_t)(-k) > len)
            return -1;
        return (int64_t)len + k;
    }
    return -1;
}

int ex_nk_list_extract(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    TN_UNUSED(nargs);
    uint32_t *m = rows_alloc(n);
    if (!m)
        return TN_NOMEM;
    const tn_vector *s = NULL;
    int rc = TN_OK;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = ROW(i), p;
        bool valid;
        int64_t k;
        s = ex_nested_phys(args[0], r, &p, &valid);
        m[i] = EX_NROW_NULL;
        if (!valid || !ex_nk_int_at(args[1], r, &k))
            continue;
        const tn_list_entry *e = entry_at(s, p);
        if (!entry_ok(s, e)) {
            rc = bad_list(err);
            goto done;
        }
        int64_t pos = list_pos(k, e->length);
        if (pos >= 0)
            m[i] = (uint32_t)(e->offset + (uint64_t)pos);
    }
    if (n)
        rc = ex_nested_gather(out, sel, 0, s->children[0], m, 0, n);
done:
    tn_free(m);
    return rc;
}

/* ======================= list_slice ======================= */

/* Elements [*from, *to) of a list of length len selected by 1-based inclusive bounds lo..hi. */
static void slice_range(int64_t lo, int64_t hi, uint64_t len, uint64_t *from, uint64_t *to)
{
    int64_t L = len > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)len;
    if (lo < 0)
        lo = lo < -L ? 0 : L + lo + 1;
    if (hi < 0)
        hi = hi < -L ? 0 : L + hi + 1;
    if (lo < 1)
        lo = 1;
    if (hi > L)
        hi = L;
    if (hi < lo) {
        *from = *to = 0;
        return;
    }
    *from = (uint64_t)(lo - 1);
    *to = (uint64_t)hi;
}

int ex_nk_list_slice(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    TN_UNUSED(nargs);
    uint64_t *fr = tn_malloc((size_t)(n ? n : 1) * 2 * sizeof *fr);
    if (!fr)
        return TN_NOMEM;
    uint32_t *rows = NULL;
    const tn_vector *s = NULL;
    uint64_t total = 0;
    int rc = TN_OK;
    /* pass 1: ranges (to = UINT64_MAX marks a NULL result) */
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = ROW(i), p;
        bool valid;
        int64_t lo, hi;
        s = ex_nested_phys(args[0], r, &p, &valid);
        fr[2 * i + 1] = UINT64_MAX;
        if (!valid || !ex_nk_int_at(args[1], r, &lo) || !ex_nk_int_at(args[2], r, &hi))
            continue;
        const tn_list_entry *e = entry_at(s, p);
        if (!entry_ok(s, e)) {
            rc = bad_list(err);
            goto done;
        }
        uint64_t a, b;
        slice_range(lo, hi, e->length, &a, &b);
        fr[2 * i] = e->offset + a;
        fr[2 * i + 1] = e->offset + b;
        total += b - a;
    }
    if (total > UINT32_MAX - 1) {
        rc = tn_err_set(err, TN_RANGE, "list slice result too large");
        goto done;
    }
    uint32_t first;
    if (tn_vector_list_append(out, (uint32_t)total, &first) || !(rows = rows_alloc((uint32_t)total))) {
        rc = TN_NOMEM;
        goto done;
    }
    tn_list_entry *oe = out->data;
    uint32_t pos = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = ROW(i);
        oe[r].offset = first + pos;
        if (fr[2 * i + 1] == UINT64_MAX) {
            oe[r].length = 0;
            if (tn_vector_set_null(out, r)) {
                rc = TN_NOMEM;
                goto done;
            }
            continue;
        }
        oe[r].length = fr[2 * i + 1] - fr[2 * i];
        for (uint64_t k = fr[2 * i]; k < fr[2 * i + 1]; k++)
            rows[pos++] = (uint32_t)k;
    }
    if (pos)
        rc = ex_nested_gather(out->children[0], NULL, first, s->children[0], rows, 0, pos);
done:
    tn_free(fr);
    tn_free(rows);
    return rc;
}

/* ======================= maps ======================= */

/* Element row (in the map's entry vector) holding key row r of `key`, or EX_NROW_NULL. */
static int map_find(const tn_vector *s, uint32_t p, const tn_vector *key, uint32_t r, uint32_t *found, tn_err *err)
{
    *found = EX_NROW_NULL;
    const tn_list_entry *e = entry_at(s, p);
    if (!entry_ok(s, e) || s->children[0]->nchildren < 2)
        return bad_list(err);
    const tn_vector *keys = s->children[0]->children[0];
    for (uint64_t j = 0; j < e->length; j++) {
        uint32_t kr = (uint32_t)(e->offset + j), kp;
        bool kvalid;
        ex_nested_phys(keys, kr, &kp, &kvalid);
        if (kvalid && ex_nested_cmp(keys, kr, key, r) == 0) {
            *found = kr;
            return TN_OK;
        }
    }
    return TN_OK;
}

int ex_nk_map_value(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    TN_UNUSED(nargs);
    uint32_t *m = rows_alloc(n);
    if (!m)
        return TN_NOMEM;
    const tn_vector *s = NULL;
    int rc = TN_OK;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = ROW(i), p, kp;
        bool valid, kvalid;
        s = ex_nested_phys(args[0], r, &p, &valid);
        ex_nested_phys(args[1], r, &kp, &kvalid);
        m[i] = EX_NROW_NULL;
        if (valid && kvalid && (rc = map_find(s, p, args[1], r, &m[i], err)))
            goto done;
    }
    if (n)
        rc = ex_nested_gather(out, sel, 0, s->children[0]->children[1], m, 0, n);
done:
    tn_free(m);
    return rc;
}

int ex_nk_map_extract(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    TN_UNUSED(nargs);
    uint32_t *m = rows_alloc(n);
    if (!m)
        return TN_NOMEM;
    const tn_vector *s = NULL;
    uint32_t nfound = 0, first;
    int rc = TN_OK;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = ROW(i), p, kp;
        bool valid, kvalid;
        s = ex_nested_phys(args[0], r, &p, &valid);
        ex_nested_phys(args[1], r, &kp, &kvalid);
        m[i] = EX_NROW_NULL;
        if (!valid || !kvalid) {
            if (tn_vector_set_null(out, r)) {
                rc = TN_NOMEM;
                goto done;
            }
            continue;
        }
        if ((rc = map_find(s, p, args[1], r, &m[i], err)))
            goto done;
        if (m[i] != EX_NROW_NULL)
            nfound++;
    }
    if (tn_vector_list_append(out, nfound, &first)) {
        rc = TN_NOMEM;
        goto done;
    }
    tn_list_entry *oe = out->data;
    uint32_t pos = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = ROW(i);
        oe[r].offset = first + pos;
        oe[r].length = m[i] != EX_NROW_NULL ? 1 : 0;
        if (m[i] != EX_NROW_NULL)
            m[pos++] = m[i]; /* compact: pos <= i */
    }
    if (pos)
        rc = ex_nested_gather(out->children[0], NULL, first, s->children[0]->children[1], m, 0, pos);
done:
    tn_free(m);
    return rc;
}

/* map_keys / map_values / map_entries: the map's keys, values or {key, value} entries as a list
 * (fn->data: 0, 1 or 2). */
int ex_nk_map_part(EX_NK_ARGS)
{
    TN_UNUSED(nargs);
    int part = fn->data ? *(const int *)fn->data : 2;
    const tn_vector *s = NULL;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t p;
        bool valid;
        s = ex_nested_phys(args[0], EX_ROW(sel, i), &p, &valid);
        if (valid) {
            if (!entry_ok(s, entry_at(s, p)) || s->children[0]->nchildren < 2)
                return bad_list(err);
            total += entry_at(s, p)->length;
        }
    }
    if (total > UINT32_MAX - 1)
        return tn_err_set(err, TN_RANGE, "map too large");
    uint32_t first, *rows = rows_alloc((uint32_t)total);
    if (!rows || tn_vector_list_append(out, (uint32_t)total, &first)) {
        tn_free(rows);
        return TN_NOMEM;
    }
    tn_list_entry *oe = out->data;
    uint32_t pos = 0;
    int rc = TN_OK;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = EX_ROW(sel, i), p;
        bool valid;
        ex_nested_phys(args[0], r, &p, &valid);
        oe[r].offset = first + pos;
        oe[r].length = 0;
        if (!valid) {
            if (tn_vector_set_null(out, r)) {
                rc = TN_NOMEM;
                goto done;
            }
            continue;
        }
        const tn_list_entry *e = entry_at(s, p);
        oe[r].length = e->length;
        for (uint64_t k = 0; k < e->length; k++)
            rows[pos++] = (uint32_t)(e->offset + k);
    }
    if (pos) {
        const tn_vector *src = part == 2 ? s->children[0] : s->children[0]->children[part];
        rc = ex_nested_gather(out->children[0], NULL, first, src, rows, 0, pos);
    }
done:
    tn_free(rows);
    return rc;
}

/* ======================= len ======================= */

int ex_nk_len(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    TN_UNUSED(nargs);
    TN_UNUSED(err);
    int64_t *o = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = ROW(i), p;
        bool valid;
        const tn_vector *s = ex_nested_phys(args[0], r, &p, &valid);
        if (!valid) {
            if (tn_vector_set_null(out, r))
                return TN_NOMEM;
            continue;
        }
        uint64_t len = entry_at(s, p)->length;
        o[r] = len > INT64_MAX ? INT64_MAX : (int64_t)len;
    }
    return TN_OK;
}

/* ======================= list_contains ======================= */

int ex_nk_list_contains(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    TN_UNUSED(nargs);
    uint8_t *o = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = ROW(i), p, xp;
        bool valid, xvalid;
        const tn_vector *s = ex_nested_phys(args[0], r, &p, &valid);
        ex_nested_phys(args[1], r, &xp, &xvalid);
        if (!valid || !xvalid) {
            if (tn_vector_set_null(out, r))
                return TN_NOMEM;
            continue;
        }
        const tn_list_entry *e = entry_at(s, p);
        if (!entry_ok(s, e))
            return bad_list(err);
        const tn_vector *elems = s->children[0];
        bool hit = false;
        if (elems->kind == TN_VEC_FLAT && !tn_type_is_nested(elems->type)) {
            /* flat elements: compare values in place */
            size_t w = tn_type_width(elems->type);
            const tn_vector *xs = ex_nested_phys(args[1], r, &xp, &xvalid);
            const unsigned char *xv = (const unsigned char *)xs->data + (size_t)xp * w;
            const unsigned char *ed = elems->data;
            for (uint64_t j = e->offset; j < e->offset + e->length && !hit; j++)
                hit = (!elems->validity || tn_bit_get(elems->validity, (uint32_t)j)) &&
                      ex_flat_value_cmp(elems->type, ed + j * w, xv) == 0;
        } else {
            for (uint64_t j = 0; j < e->length && !hit; j++) {
                uint32_t er = (uint32_t)(e->offset + j), ep;
                bool evalid;
                ex_nested_phys(elems, er, &ep, &evalid);
                hit = evalid && ex_nested_cmp(elems, er, args[1], r) == 0;
            }
        }
        o[r] = hit;
    }
    return TN_OK;
}

/* ======================= list_concat ======================= */

/* list_concat(a, b): the elements of a then those of b; a NULL operand counts as an empty list,
 * and the result is NULL only when both are NULL (DuckDB). */
int ex_nk_list_concat(EX_NK_ARGS)
{
    TN_UNUSED(fn);
    TN_UNUSED(nargs);
    const tn_vector *sa = NULL, *sb = NULL;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = ROW(i), pa, pb;
        bool va, vb;
        sa = ex_nested_phys(args[0], r, &pa, &va);
        sb = ex_nested_phys(args[1], r, &pb, &vb);
        if (va) {
            if (!entry_ok(sa, entry_at(sa, pa)))
                return bad_list(err);
            total += entry_at(sa, pa)->length;
        }
        if (vb) {
            if (!entry_ok(sb, entry_at(sb, pb)))
                return bad_list(err);
            total += entry_at(sb, pb)->length;
        }
    }
    if (total > UINT32_MAX - 1)
        return tn_err_set(err, TN_RANGE, "list_concat result too large");
    uint32_t first;
    if (tn_vector_list_append(out, (uint32_t)total, &first))
        return TN_NOMEM;
    uint32_t *drows = rows_alloc((uint32_t)total), *srows = rows_alloc((uint32_t)total);
    int rc = TN_OK;
    if (!drows || !srows) {
        rc = TN_NOMEM;
        goto done;
    }
    tn_list_entry *oe = out->data;
    /* first every a-element, then every b-element, each with its destination row */
    uint32_t na = 0, pos = 0;
    for (int side = 0; side < 2; side++) {
        uint32_t cursor = first;
        uint32_t start = side == 0 ? 0 : na;
        uint32_t k = start;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = ROW(i), pa, pb;
            bool va, vb;
            const tn_vector *A = ex_nested_phys(args[0], r, &pa, &va);
            const tn_vector *B = ex_nested_phys(args[1], r, &pb, &vb);
            uint64_t la = va ? entry_at(A, pa)->length : 0, lb = vb ? entry_at(B, pb)->length : 0;
            if (side == 0) {
                oe[r].offset = cursor;
                oe[r].length = la + lb;
                if (!va && !vb && tn_vector_set_null(out, r)) {
                    rc = TN_NOMEM;
                    goto done;
                }
                for (uint64_t j = 0; j < la; j++) {
                    drows[k] = cursor + (uint32_t)j;
                    srows[k++] = (uint32_t)(entry_at(A, pa)->offset + j);
                }
            } else {
                for (uint64_t j = 0; j < lb; j++) {
                    drows[k] = cursor + (uint32_t)(la + j);
                    srows[k++] = (uint32_t)(entry_at(B, pb)->offset + j);
                }
            }
            cursor += (uint32_t)(la + lb);
        }
        if (side == 0)
            na = k;
        pos = k;
    }
    if (na)
        rc = ex_nested_gather(out->children[0], drows, 0, sa->children[0], srows, 0, na);
    if (!rc && pos > na)
        rc = ex_nested_gather(out->children[0], drows + na, 0, sb->children[0], srows + na, 0, pos - na);
done:
    tn_free(drows);
    tn_free(srows);
    return rc;
}

/* ======================= comparisons ======================= */

int ex_nk_compare(EX_NK_ARGS)
{
    TN_UNUSED(nargs);
    TN_UNUSED(err);
    int op = ex_func_op(fn);
    uint8_t *o = out->data;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = ROW(i), pa, pb;
        bool va, vb;
        ex_nested_phys(args[0], r, &pa, &va);
        ex_nested_phys(args[1], r, &pb, &vb);
        if (!va || !vb) {
            if (tn_vector_set_null(out, r))
                return TN_NOMEM;
            continue;
        }
        int c = ex_nested_cmp(args[0], r, args[1], r);
        bool v;
        switch (op) {
        case EX_OP_EQ: v = c == 0; break;
        case EX_OP_NE: v = c != 0; break;
        case EX_OP_LT: v = c < 0; break;
        case EX_OP_LE: v = c <= 0; break;
        case EX_OP_GT: v = c > 0; break;
        default: v = c >= 0; break;
        }
        o[r] = v;
    }
    return TN_OK;
}
