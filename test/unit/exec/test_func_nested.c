/*
 * test_func_nested.c -- nested values in the execution engine (exec/nested.h, op_unnest.c):
 * the gather helper over FLAT/CONST/DICT inputs with selections, the access kernels (struct
 * field, list element and slice, map lookup, len, list_contains, concatenation), construction
 * (list_value, struct_pack, MAP), comparisons, casts (nested -> VARCHAR, element-wise casts,
 * TRY_CAST), the UNNEST operator (padding, empty/NULL lists, rows longer than a batch), the
 * operator-buffer helpers, the type rules, and rejection of inconsistent list vectors.
 * Values are checked through their text rendering (util/format.c, DuckDB style).
 */
#include "tn_test.h"
#include "exec/exec.h"
#include "exec/nested.h"
#include "util/format.h"

static tn_type ty(tn_type_id id) { return tn_type_make(id); }

/* Text of row r of v ("NULL" for NULL), in a rotating static buffer. */
static const char *txt(const tn_vector *v, uint32_t r)
{
    static char bufs[8][512];
    static int k;
    char *b = bufs[k++ & 7];
    tn_sbuf sb = TN_SBUF_INIT;
    if (!tn_format_vector_row(&sb, v, r))
        snprintf(b, 512, "NULL");
    else
        snprintf(b, 512, "%s", tn_sbuf_str(&sb));
    tn_sbuf_free(&sb);
    return b;
}

/* LIST(INT32) vector from rows given as element counts and a flat value array; len < 0 = NULL
 * row; vals use INT32_MIN for a NULL element. */
static tn_vector *int_lists(const int *lens, uint32_t nrows, const int32_t *vals)
{
    tn_vector *v = tn_vector_new(tn_type_list(ty(TN_T_INT32)), nrows);
    uint32_t k = 0;
    for (uint32_t r = 0; r < nrows; r++) {
        tn_list_entry *e = (tn_list_entry *)v->data + r;
        if (lens[r] < 0) {
            e->offset = v->list_size;
            e->length = 0;
            tn_vector_set_null(v, r);
            continue;
        }
        uint32_t first;
        CHECK(tn_vector_list_append(v, (uint32_t)lens[r], &first) == TN_OK);
        e->offset = first;
        e->length = (uint64_t)lens[r];
        for (int i = 0; i < lens[r]; i++, k++) {
            if (vals[k] == INT32_MIN)
                tn_vector_set_null(v->children[0], first + (uint32_t)i);
            else
                ((int32_t *)v->children[0]->data)[first + (uint32_t)i] = vals[k];
        }
    }
    return v;
}

static tn_vector *ints(tn_type t, const int64_t *vals, uint32_t n)
{
    tn_vector *v = tn_vector_new(t, n);
    for (uint32_t i = 0; i < n; i++) {
        tn_value x = tn_value_int(t, vals[i]);
        tn_value_to_vector(v, i, &x);
    }
    return v;
}

static tn_vector *strs(const char *const *s, uint32_t n)
{
    tn_vector *v = tn_vector_new(ty(TN_T_VARCHAR), n);
    for (uint32_t i = 0; i < n; i++) {
        if (!s[i])
            tn_vector_set_null(v, i);
        else
            tn_vector_add_string(v, s[i], (uint32_t)strlen(s[i]), (tn_str *)v->data + i);
    }
    return v;
}

/* Chunk over the given vectors (references taken). */
static tn_chunk *chunk_of(tn_vector **cols, uint32_t ncols, uint32_t count)
{
    tn_chunk *c = tn_chunk_new(ncols, NULL, 0);
    for (uint32_t i = 0; i < ncols; i++)
        tn_chunk_set_col(c, i, cols[i]);
    c->count = count;
    return c;
}

/* name(colref 0, colref 1, ...) resolved with ex_nested_resolve; NULL if it does not resolve. */
static ex_expr *call(const char *name, const tn_type *types, uint32_t n)
{
    const ex_func *fn;
    tn_type cast_to[8];
    tn_err err = TN_ERR_INIT;
    if (ex_nested_resolve(name, types, n, &fn, cast_to, &err) != TN_OK) {
        fprintf(stderr, "resolve %s: %s\n", name, err.msg);
        return NULL;
    }
    ex_expr *e = ex_expr_new(EX_FUNC, fn->ret);
    e->fn = fn;
    for (uint32_t i = 0; i < n; i++) {
        ex_expr *a = ex_expr_colref(i, types[i]);
        if (!tn_type_equal(cast_to[i], types[i])) {
            const ex_func *cf = ex_nested_cast_func(types[i], cast_to[i], false);
            ex_expr *c;
            if (cf) {
                c = ex_expr_new(EX_FUNC, cast_to[i]);
                c->fn = cf;
            } else {
                c = ex_expr_new(EX_CAST, cast_to[i]);
            }
            ex_expr_add_arg(c, a);
            a = c;
        }
        ex_expr_add_arg(e, a);
    }
    return e;
}

/* Evaluate e over c into a fresh vector (caller unrefs); NULL on error (message printed). */
static tn_vector *eval(ex_expr *e, tn_chunk *c, int *rc_out)
{
    tn_vector *out = tn_vector_new(e->type, TN_BATCH);
    tn_err err = TN_ERR_INIT;
    int rc = ex_expr_eval(e, c, out, &err);
    if (rc_out)
        *rc_out = rc;
    if (rc) {
        if (!rc_out)
            fprintf(stderr, "eval failed: %s\n", err.msg);
        tn_vector_unref(out);
        return NULL;
    }
    return out;
}

/* rows: [1, 2, 3], NULL, [], [4, NULL], [5] */
static tn_vector *sample_lists(void)
{
    static const int lens[] = {3, -1, 0, 2, 1};
    static const int32_t vals[] = {1, 2, 3, 4, INT32_MIN, 5};
    return int_lists(lens, 5, vals);
}

static void test_list_extract_and_slice(void)
{
    tn_vector *l = sample_lists();
    int64_t idx[] = {1, 2, 0, -1, 5};
    tn_vector *iv = ints(ty(TN_T_INT64), idx, 5);
    tn_vector *cols[] = {l, iv};
    tn_chunk *c = chunk_of(cols, 2, 5);
    tn_type types[] = {l->type, iv->type};
    ex_expr *e = call("list_extract", types, 2);
    CHECK(e && e->type.id == TN_T_INT32);
    tn_vector *r = e ? eval(e, c, NULL) : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_STR(txt(r, 0), "1");
        CHECK_EQ_STR(txt(r, 1), "NULL"); /* NULL list */
        CHECK_EQ_STR(txt(r, 2), "NULL"); /* index 0 */
        CHECK_EQ_STR(txt(r, 3), "NULL"); /* last element is NULL */
        CHECK_EQ_STR(txt(r, 4), "NULL"); /* out of range */
    }
    tn_vector_unref(r);
    ex_expr_free(e);

    /* slices with negative and clamped bounds */
    int64_t lo[] = {2, 1, 1, -1, 0}, hi[] = {-1, 2, 5, -1, 9};
    tn_vector *lv = ints(ty(TN_T_INT64), lo, 5), *hv = ints(ty(TN_T_INT64), hi, 5);
    tn_vector *cols2[] = {l, lv, hv};
    tn_chunk *c2 = chunk_of(cols2, 3, 5);
    tn_type t3[] = {l->type, lv->type, hv->type};
    e = call("list_slice", t3, 3);
    r = e ? eval(e, c2, NULL) : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_STR(txt(r, 0), "[2, 3]");
        CHECK_EQ_STR(txt(r, 1), "NULL");
        CHECK_EQ_STR(txt(r, 2), "[]");
        CHECK_EQ_STR(txt(r, 3), "[NULL]");
        CHECK_EQ_STR(txt(r, 4), "[5]");
    }
    tn_vector_unref(r);
    ex_expr_free(e);

    /* len and element search */
    tn_type t1[] = {l->type};
    e = call("len", t1, 1);
    r = e ? eval(e, c, NULL) : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_STR(txt(r, 0), "3");
        CHECK_EQ_STR(txt(r, 1), "NULL");
        CHECK_EQ_STR(txt(r, 2), "0");
        CHECK_EQ_STR(txt(r, 3), "2");
    }
    tn_vector_unref(r);
    ex_expr_free(e);

    int64_t probe[] = {3, 3, 3, 4, 6};
    tn_vector *pv = ints(ty(TN_T_INT32), probe, 5);
    tn_vector *cols3[] = {l, pv};
    tn_chunk *c3 = chunk_of(cols3, 2, 5);
    tn_type t2[] = {l->type, pv->type};
    e = call("list_contains", t2, 2);
    r = e ? eval(e, c3, NULL) : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_STR(txt(r, 0), "true");
        CHECK_EQ_STR(txt(r, 1), "NULL");
        CHECK_EQ_STR(txt(r, 2), "false");
        CHECK_EQ_STR(txt(r, 3), "true");
        CHECK_EQ_STR(txt(r, 4), "false");
    }
    tn_vector_unref(r);
    ex_expr_free(e);

    /* a BIGINT probe makes the list side widen: list_contains(CAST(l AS BIGINT[]), x) */
    tn_vector *pv64 = ints(ty(TN_T_INT64), probe, 5);
    tn_vector *cols4[] = {l, pv64};
    tn_chunk *c4 = chunk_of(cols4, 2, 5);
    tn_type t4[] = {l->type, pv64->type};
    e = call("list_contains", t4, 2);
    CHECK(e && e->args[0]->type.id == TN_T_LIST && tn_type_list_child(e->args[0]->type).id == TN_T_INT64);
    r = e ? eval(e, c4, NULL) : NULL;
    CHECK(r && strcmp(txt(r, 0), "true") == 0 && strcmp(txt(r, 4), "false") == 0);
    tn_vector_unref(r);
    ex_expr_free(e);

    tn_chunk_free(c);
    tn_chunk_free(c2);
    tn_chunk_free(c3);
    tn_chunk_free(c4);
    tn_vector_unref(l);
    tn_vector_unref(iv);
    tn_vector_unref(lv);
    tn_vector_unref(hv);
    tn_vector_unref(pv);
    tn_vector_unref(pv64);
}

static void test_selection_const_and_dict_inputs(void)
{
    tn_vector *l = sample_lists();
    /* DICT over a list dictionary without NULL entries: rows -> 2, 0, 0, 1 */
    tn_vector *dl = int_lists((const int[]){3, 2, 1}, 3, (const int32_t[]){1, 2, 3, 4, INT32_MIN, 5});
    tn_vector *d = tn_vector_new(l->type, 4);
    tn_vector_set_dict(d, dl);
    uint32_t *ix = d->data;
    ix[0] = 2;
    ix[1] = 0;
    ix[2] = 0;
    ix[3] = 1;
    tn_vector *cols[] = {d, d};
    tn_chunk *c = chunk_of(cols, 2, 4);
    uint32_t *sel = tn_chunk_sel_buffer(c, 2);
    sel[0] = 1;
    sel[1] = 3;
    c->sel = sel;
    c->nsel = 2;
    tn_type t1[] = {l->type};
    /* list_value(l, l) over a DICT input with a selection */
    tn_type t2[] = {l->type, l->type};
    ex_expr *e = call("list_value", t2, 2);
    tn_vector *r = e ? eval(e, c, NULL) : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_STR(txt(r, 1), "[[1, 2, 3], [1, 2, 3]]");
        CHECK_EQ_STR(txt(r, 3), "[[4, NULL], [4, NULL]]");
        CHECK(r->list_size == 4); /* only the selected rows were built */
    }
    tn_vector_unref(r);
    ex_expr_free(e);

    /* CONST input: gather from a constant list into rows 0..2 */
    tn_vector *k = tn_vector_new(l->type, 1);
    CHECK(tn_vector_set_const_from(k, l, 0) == TN_OK);
    tn_vector *dst = tn_vector_new(l->type, 8);
    uint32_t drows[] = {5, 1, 2};
    uint32_t srows[] = {0, 7, EX_NROW_NULL};
    CHECK(ex_nested_gather(dst, drows, 0, k, srows, 0, 3) == TN_OK);
    CHECK_EQ_STR(txt(dst, 5), "[1, 2, 3]");
    CHECK_EQ_STR(txt(dst, 1), "[1, 2, 3]");
    CHECK_EQ_STR(txt(dst, 2), "NULL");
    tn_vector_unref(dst);

    e = call("len", t1, 1);
    tn_vector *kc[] = {k};
    tn_chunk *ck = chunk_of(kc, 1, 3);
    r = e ? eval(e, ck, NULL) : NULL;
    CHECK(r && r->kind == TN_VEC_CONST && strcmp(txt(r, 2), "3") == 0);
    tn_vector_unref(r);
    ex_expr_free(e);

    tn_chunk_free(c);
    tn_chunk_free(ck);
    tn_vector_unref(k);
    tn_vector_unref(d);
    tn_vector_unref(dl);
    tn_vector_unref(l);
}

static tn_type struct_type(void)
{
    const char *names[] = {"a", "B"};
    tn_type types[] = {ty(TN_T_INT64), ty(TN_T_VARCHAR)};
    return tn_type_struct(2, names, types);
}

static void test_struct_pack_and_extract(void)
{
    int64_t av[] = {10, 20, 30};
    const char *bv[] = {"x", "a string longer than twelve", NULL};
    tn_vector *a = ints(ty(TN_T_INT64), av, 3), *b = strs(bv, 3);
    tn_vector *cols[] = {a, b};
    tn_chunk *c = chunk_of(cols, 2, 3);
    tn_type st = struct_type();
    ex_expr *e = ex_expr_new(EX_FUNC, st);
    e->fn = ex_nested_struct_pack_func(st);
    ex_expr_add_arg(e, ex_expr_colref(0, a->type));
    ex_expr_add_arg(e, ex_expr_colref(1, b->type));
    tn_vector *s = eval(e, c, NULL);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ_STR(txt(s, 0), "{'a': 10, 'B': x}");
        CHECK_EQ_STR(txt(s, 1), "{'a': 20, 'B': a string longer than twelve}");
        CHECK_EQ_STR(txt(s, 2), "{'a': 30, 'B': NULL}");
        tn_vector_set_null(s, 1); /* a NULL struct */
    }
    ex_expr_free(e);

    CHECK_EQ_INT(ex_nested_field_index(st, "b", 1), 1); /* case-insensitive fallback */
    CHECK_EQ_INT(ex_nested_field_index(st, "a", 1), 0);
    CHECK_EQ_INT(ex_nested_field_index(st, "zz", 2), -1);
    CHECK(ex_nested_struct_extract_func(st, 2) == NULL);

    tn_vector *sc[] = {s};
    tn_chunk *c2 = chunk_of(sc, 1, 3);
    e = ex_expr_new(EX_FUNC, ty(TN_T_VARCHAR));
    e->fn = ex_nested_struct_extract_func(st, 1);
    CHECK(e->fn != NULL);
    ex_expr_add_arg(e, ex_expr_colref(0, st));
    tn_value name;
    tn_value_set_string(&name, ty(TN_T_VARCHAR), "B", 1);
    ex_expr_add_arg(e, ex_expr_const(&name));
    tn_value_free(&name);
    tn_vector *r = s ? eval(e, c2, NULL) : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_STR(txt(r, 0), "x");
        CHECK_EQ_STR(txt(r, 1), "NULL");
        CHECK_EQ_STR(txt(r, 2), "NULL");
    }
    tn_vector_unref(r);
    ex_expr_free(e);

    /* a field name that does not exist is an error, not a crash */
    e = ex_expr_new(EX_FUNC, ty(TN_T_VARCHAR));
    e->fn = ex_nested_struct_extract_func(st, 1);
    ex_expr_add_arg(e, ex_expr_colref(0, st));
    tn_value_set_string(&name, ty(TN_T_VARCHAR), "nope", 4);
    ex_expr_add_arg(e, ex_expr_const(&name));
    tn_value_free(&name);
    int rc = 0;
    r = eval(e, c2, &rc);
    CHECK(r == NULL && rc == TN_ERROR);
    ex_expr_free(e);

    tn_chunk_free(c);
    tn_chunk_free(c2);
    tn_vector_unref(s);
    tn_vector_unref(a);
    tn_vector_unref(b);
}

static void test_maps(void)
{
    /* MAP {k0: v0, k1: v1} per row, then lookups */
    const char *k0[] = {"a", "a", "x"}, *k1[] = {"b", "c", "y"};
    int64_t v0[] = {1, 2, 3}, v1[] = {4, 5, 6};
    tn_vector *ka = strs(k0, 3), *kb = strs(k1, 3), *va = ints(ty(TN_T_INT32), v0, 3), *vb = ints(ty(TN_T_INT32), v1, 3);
    tn_vector_set_null(vb, 2);
    tn_type mt = tn_type_map(ty(TN_T_VARCHAR), ty(TN_T_INT32));
    tn_vector *cols[] = {ka, va, kb, vb};
    tn_chunk *c = chunk_of(cols, 4, 3);
    ex_expr *e = ex_expr_new(EX_FUNC, mt);
    e->fn = ex_nested_map_pack_func(mt);
    for (uint32_t i = 0; i < 4; i++)
        ex_expr_add_arg(e, ex_expr_colref(i, cols[i]->type));
    tn_vector *m = eval(e, c, NULL);
    CHECK(m != NULL);
    if (m) {
        CHECK_EQ_STR(txt(m, 0), "{a=1, b=4}");
        CHECK_EQ_STR(txt(m, 2), "{x=3, y=NULL}");
    }
    ex_expr_free(e);

    const char *probe[] = {"b", "zz", "y"};
    tn_vector *pv = strs(probe, 3);
    tn_vector *mc[] = {m, pv};
    tn_chunk *c2 = chunk_of(mc, 2, 3);
    tn_type t2[] = {mt, ty(TN_T_VARCHAR)};
    e = call("map_extract_value", t2, 2);
    tn_vector *r = m && e ? eval(e, c2, NULL) : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_STR(txt(r, 0), "4");
        CHECK_EQ_STR(txt(r, 1), "NULL");
        CHECK_EQ_STR(txt(r, 2), "NULL");
    }
    tn_vector_unref(r);
    ex_expr_free(e);
    e = call("element_at", t2, 2);
    r = m && e ? eval(e, c2, NULL) : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_STR(txt(r, 0), "[4]");
        CHECK_EQ_STR(txt(r, 1), "[]");
        CHECK_EQ_STR(txt(r, 2), "[NULL]");
    }
    tn_vector_unref(r);
    ex_expr_free(e);

    /* duplicate and NULL keys are errors */
    tn_vector *dup[] = {ka, va, ka, vb};
    tn_chunk *c3 = chunk_of(dup, 4, 3);
    e = ex_expr_new(EX_FUNC, mt);
    e->fn = ex_nested_map_pack_func(mt);
    for (uint32_t i = 0; i < 4; i++)
        ex_expr_add_arg(e, ex_expr_colref(i, dup[i]->type));
    int rc = 0;
    r = eval(e, c3, &rc);
    CHECK(r == NULL && rc == TN_ERROR);
    tn_vector_set_null(kb, 1);
    tn_vector *nk[] = {ka, va, kb, vb};
    tn_chunk *c4 = chunk_of(nk, 4, 3);
    r = eval(e, c4, &rc);
    CHECK(r == NULL && rc == TN_ERROR);
    ex_expr_free(e);

    tn_chunk_free(c);
    tn_chunk_free(c2);
    tn_chunk_free(c3);
    tn_chunk_free(c4);
    tn_vector_unref(m);
    tn_vector_unref(pv);
    tn_vector_unref(ka);
    tn_vector_unref(kb);
    tn_vector_unref(va);
    tn_vector_unref(vb);
}

static void test_compare_concat_cast(void)
{
    static const int la[] = {2, 2, 2, -1, 0}, lb[] = {2, 3, 2, 1, 0};
    static const int32_t xa[] = {1, 2, 1, INT32_MIN, 1, 3}, xb[] = {1, 2, 1, 2, 0, 1, INT32_MIN, 7};
    tn_vector *a = int_lists(la, 5, xa), *b = int_lists(lb, 5, xb);
    tn_vector *cols[] = {a, b};
    tn_chunk *c = chunk_of(cols, 2, 5);
    tn_type t2[] = {a->type, b->type};
    const char *ops[] = {"=", "<", ">="};
    const char *expect[3][5] = {
        {"true", "false", "false", "NULL", "true"},  /* [1,2]=[1,2]; [1,NULL] vs [1,2,0]; [1,3] vs [1,NULL] */
        {"false", "false", "true", "NULL", "false"}, /* NULL element sorts last */
        {"true", "true", "false", "NULL", "true"},
    };
    for (int k = 0; k < 3; k++) {
        ex_expr *e = call(ops[k], t2, 2);
        tn_vector *r = e ? eval(e, c, NULL) : NULL;
        CHECK(r != NULL);
        for (uint32_t i = 0; r && i < 5; i++)
            CHECK_EQ_STR(txt(r, i), expect[k][i]);
        tn_vector_unref(r);
        ex_expr_free(e);
    }

    ex_expr *e = call("list_concat", t2, 2);
    tn_vector *r = e ? eval(e, c, NULL) : NULL;
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ_STR(txt(r, 0), "[1, 2, 1, 2]");
        CHECK_EQ_STR(txt(r, 2), "[1, 3, 1, NULL]");
        CHECK_EQ_STR(txt(r, 3), "[7]"); /* NULL || [7] */
        CHECK_EQ_STR(txt(r, 4), "[]");
    }
    tn_vector_unref(r);
    ex_expr_free(e);

    /* casts: INT[] -> VARCHAR, INT[] -> BIGINT[] -> DOUBLE[] */
    tn_type lt = a->type, l64 = tn_type_list(ty(TN_T_INT64)), ld = tn_type_list(ty(TN_T_DOUBLE));
    CHECK(ex_nested_cast_allowed(lt, l64, true));
    CHECK(!ex_nested_cast_allowed(l64, lt, true));
    CHECK(ex_nested_cast_allowed(lt, ty(TN_T_VARCHAR), false));
    CHECK(!ex_nested_cast_allowed(lt, ty(TN_T_VARCHAR), true));
    CHECK(!ex_nested_cast_allowed(lt, struct_type(), false));
    tn_type targets[] = {ty(TN_T_VARCHAR), l64, ld};
    const char *row2[] = {"[1, 3]", "[1, 3]", "[1.0, 3.0]"};
    for (int k = 0; k < 3; k++) {
        e = ex_expr_new(EX_FUNC, targets[k]);
        e->fn = ex_nested_cast_func(lt, targets[k], false);
        CHECK(e->fn != NULL);
        ex_expr_add_arg(e, ex_expr_colref(0, lt));
        r = eval(e, c, NULL);
        CHECK(r != NULL);
        if (r) {
            CHECK_EQ_STR(txt(r, 2), row2[k]);
            CHECK_EQ_STR(txt(r, 3), "NULL");
            CHECK_EQ_STR(txt(r, 4), "[]");
        }
        tn_vector_unref(r);
        ex_expr_free(e);
    }

    /* VARCHAR[] -> INT[]: a bad element fails the cast; TRY_CAST gives a NULL element */
    static const int ls[] = {2};
    tn_vector *sl = tn_vector_new(tn_type_list(ty(TN_T_VARCHAR)), 1);
    uint32_t first;
    tn_vector_list_append(sl, 2, &first);
    ((tn_list_entry *)sl->data)[0] = (tn_list_entry){first, 2};
    tn_vector_add_string(sl->children[0], "12", 2, (tn_str *)sl->children[0]->data + first);
    tn_vector_add_string(sl->children[0], "x", 1, (tn_str *)sl->children[0]->data + first + 1);
    TN_UNUSED(ls);
    tn_vector *scol[] = {sl};
    tn_chunk *cs = chunk_of(scol, 1, 1);
    for (int try_cast = 0; try_cast < 2; try_cast++) {
        e = ex_expr_new(EX_FUNC, tn_type_list(ty(TN_T_INT32)));
        e->fn = ex_nested_cast_func(sl->type, e->type, try_cast);
        ex_expr_add_arg(e, ex_expr_colref(0, sl->type));
        int rc = 0;
        r = eval(e, cs, &rc);
        if (try_cast)
            CHECK(r && strcmp(txt(r, 0), "[12, NULL]") == 0);
        else
            CHECK(!r && rc != TN_OK);
        tn_vector_unref(r);
        ex_expr_free(e);
    }

    tn_chunk_free(cs);
    tn_vector_unref(sl);
    tn_chunk_free(c);
    tn_vector_unref(a);
    tn_vector_unref(b);
}

static void test_types(void)
{
    tn_err err = TN_ERR_INIT;
    tn_type out;
    tn_type li = tn_type_list(ty(TN_T_INT32)), ld = tn_type_list(tn_type_decimal(2, 1));
    CHECK(ex_nested_common_type(li, ld, &out, &err) == TN_OK);
    CHECK(tn_type_equal(out, tn_type_list(tn_type_decimal(11, 1))));
    CHECK(ex_nested_common_type(li, ty(TN_T_NULL), &out, &err) == TN_OK && tn_type_equal(out, li));
    CHECK(ex_nested_common_type(li, ty(TN_T_INT32), &out, &err) == TN_ERROR);
    const char *n1[] = {"a"}, *n2[] = {"b"};
    tn_type t1[] = {ty(TN_T_INT32)};
    CHECK(ex_nested_common_type(tn_type_struct(1, n1, t1), tn_type_struct(1, n2, t1), &out, &err) == TN_ERROR);
    CHECK(strstr(err.msg, "cannot be matched") != NULL);
    /* resolution errors name the call */
    const ex_func *fn;
    tn_type cast_to[3];
    tn_type args[] = {ty(TN_T_VARCHAR), ty(TN_T_INT64)};
    CHECK(ex_nested_resolve("list_extract", args, 2, &fn, cast_to, &err) == TN_NOTFOUND);
    CHECK(strstr(err.msg, "list_extract(VARCHAR, BIGINT)") != NULL);
    CHECK(ex_nested_resolve("no_such_fn", args, 2, &fn, cast_to, &err) == TN_NOTFOUND);
    tn_type args2[] = {li, ty(TN_T_VARCHAR)};
    CHECK(ex_nested_resolve("list_extract", args2, 2, &fn, cast_to, &err) == TN_NOTFOUND);
    CHECK(ex_nested_resolve("list_value", NULL, 0, &fn, cast_to, &err) == TN_OK && tn_type_equal(fn->ret, li));
    CHECK(ex_nested_has_function("ARRAY_LENGTH") && !ex_nested_has_function("upper"));
}

/* Values operator over (id BIGINT, l INT[]) for the UNNEST tests. */
static ex_op *values_of(tn_vector *ids, tn_vector *lists, uint32_t n)
{
    tn_vector *cols[] = {ids, lists};
    tn_chunk *c = chunk_of(cols, 2, n);
    return op_values_create(c);
}

static void test_unnest(void)
{
    int64_t idv[] = {1, 2, 3, 4, 5};
    tn_vector *ids = ints(ty(TN_T_INT64), idv, 5), *l = sample_lists();
    uint32_t col = 1;
    ex_op *op = op_unnest_create(values_of(ids, l, 5), &col, 1);
    CHECK(op != NULL && op->types[1].id == TN_T_INT32);
    char got[512] = "";
    tn_err err = TN_ERR_INIT;
    for (;;) {
        tn_chunk *c = NULL;
        CHECK(ex_op_next(op, &c, &err) == TN_OK);
        if (!c)
            break;
        for (uint32_t r = 0; r < tn_chunk_rows(c); r++) {
            size_t len = strlen(got);
            snprintf(got + len, sizeof got - len, "%s:%s ", txt(c->cols[0], r), txt(c->cols[1], r));
        }
    }
    CHECK_EQ_STR(got, "1:1 1:2 1:3 4:4 4:NULL 5:5 ");
    ex_op_free(op);

    /* two columns zip with NULL padding */
    tn_vector *cols[] = {l, l};
    tn_chunk *cc = chunk_of(cols, 2, 5);
    tn_vector *l2 = int_lists((const int[]){1, 2, -1, 0, 3}, 5, (const int32_t[]){9, 8, 7, 6, 5, 4});
    tn_chunk_set_col(cc, 1, l2);
    uint32_t both[] = {0, 1};
    op = op_unnest_create(op_values_create(cc), both, 2);
    got[0] = 0;
    for (;;) {
        tn_chunk *c = NULL;
        CHECK(ex_op_next(op, &c, &err) == TN_OK);
        if (!c)
            break;
        for (uint32_t r = 0; r < tn_chunk_rows(c); r++) {
            size_t len = strlen(got);
            snprintf(got + len, sizeof got - len, "%s/%s ", txt(c->cols[0], r), txt(c->cols[1], r));
        }
    }
    CHECK_EQ_STR(got, "1/9 2/NULL 3/NULL NULL/8 NULL/7 4/NULL NULL/NULL 5/6 NULL/5 NULL/4 ");
    ex_op_free(op);

    /* a list longer than one batch continues across batches */
    const uint32_t big = TN_BATCH * 2 + 17;
    int *lens = calloc(2, sizeof *lens);
    int32_t *vals = calloc(big + 1, sizeof *vals);
    lens[0] = (int)big;
    lens[1] = 1;
    for (uint32_t i = 0; i <= big; i++)
        vals[i] = (int32_t)i;
    tn_vector *bl = int_lists(lens, 2, vals);
    int64_t two[] = {7, 8};
    tn_vector *bid = ints(ty(TN_T_INT64), two, 2);
    op = op_unnest_create(values_of(bid, bl, 2), &col, 1);
    uint64_t rows = 0, sum = 0, batches = 0, id8 = 0;
    for (;;) {
        tn_chunk *c = NULL;
        CHECK(ex_op_next(op, &c, &err) == TN_OK);
        if (!c)
            break;
        batches++;
        CHECK(tn_chunk_rows(c) <= TN_BATCH);
        for (uint32_t r = 0; r < tn_chunk_rows(c); r++) {
            sum += (uint64_t)((int32_t *)c->cols[1]->data)[r];
            if (((int64_t *)c->cols[0]->data)[r] == 8)
                id8++;
        }
        rows += tn_chunk_rows(c);
    }
    CHECK_EQ_INT(rows, big + 1);
    CHECK_EQ_INT(sum, (uint64_t)big * (big + 1) / 2);
    CHECK_EQ_INT(id8, 1);
    CHECK(batches >= 3);
    ex_op_free(op);
    free(lens);
    free(vals);

    /* not a list column: rejected */
    uint32_t c0 = 0;
    CHECK(op_unnest_create(values_of(ids, l, 5), &c0, 1) == NULL);
    tn_vector_unref(l2);
    tn_vector_unref(bl);
    tn_vector_unref(bid);
    tn_vector_unref(ids);
    tn_vector_unref(l);
}

static void test_buffer_helpers_and_corruption(void)
{
    tn_vector *l = sample_lists();
    tn_vector *buf = tn_vector_new(l->type, 2);
    uint32_t sel[] = {0, 3};
    CHECK(ex_nested_append(buf, 0, l, 5, sel, 2) == TN_OK);
    CHECK(ex_nested_append(buf, 2, l, 5, NULL, 5) == TN_OK);
    CHECK_EQ_STR(txt(buf, 0), "[1, 2, 3]");
    CHECK_EQ_STR(txt(buf, 1), "[4, NULL]");
    CHECK_EQ_STR(txt(buf, 3), "NULL");
    CHECK_EQ_STR(txt(buf, 6), "[5]");
    tn_vector *g = tn_vector_new(l->type, 1);
    uint32_t idx[] = {6, 1, 0};
    CHECK(ex_nested_gather_idx(g, buf, idx, 3) == TN_OK);
    CHECK_EQ_STR(txt(g, 0), "[5]");
    CHECK_EQ_STR(txt(g, 1), "[4, NULL]");
    CHECK_EQ_STR(txt(g, 2), "[1, 2, 3]");
    tn_vector *s = tn_vector_new(l->type, 1);
    CHECK(ex_nested_slice(s, buf, 1, 2) == TN_OK);
    CHECK_EQ_STR(txt(s, 0), "[4, NULL]");
    CHECK_EQ_STR(txt(s, 1), "[1, 2, 3]");
    CHECK(ex_nested_cmp(buf, 0, g, 2) == 0 && ex_nested_cmp(buf, 0, g, 0) < 0);

    /* an entry pointing past the element vector is rejected, never read */
    ((tn_list_entry *)l->data)[0].length = 1000;
    tn_vector *dst = tn_vector_new(l->type, 4);
    CHECK(ex_nested_gather(dst, NULL, 0, l, NULL, 0, 1) == TN_MISUSE);
    int64_t one[] = {1};
    tn_vector *iv = ints(ty(TN_T_INT64), one, 1);
    tn_vector *cols[] = {l, iv};
    tn_chunk *c = chunk_of(cols, 2, 1);
    tn_type t2[] = {l->type, iv->type};
    ex_expr *e = call("list_extract", t2, 2);
    int rc = 0;
    tn_vector *r = eval(e, c, &rc);
    CHECK(r == NULL && rc == TN_MISUSE);
    uint32_t col = 1;
    ex_op *op = op_unnest_create(values_of(iv, l, 1), &col, 1);
    tn_chunk *oc = NULL;
    tn_err err = TN_ERR_INIT;
    CHECK(ex_op_next(op, &oc, &err) == TN_MISUSE);
    ex_op_free(op);
    /* type mismatch */
    CHECK(ex_nested_gather(iv, NULL, 0, l, NULL, 0, 1) == TN_MISUSE);
    ex_expr_free(e);
    tn_chunk_free(c);
    tn_vector_unref(iv);
    tn_vector_unref(dst);
    tn_vector_unref(buf);
    tn_vector_unref(g);
    tn_vector_unref(s);
    tn_vector_unref(l);
}

TEST_MAIN(test_list_extract_and_slice, test_selection_const_and_dict_inputs, test_struct_pack_and_extract, test_maps,
          test_compare_concat_cast, test_types, test_unnest, test_buffer_helpers_and_corruption)
