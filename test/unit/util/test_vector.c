/* test_vector.c -- tn_vector / tn_chunk / tn_str basics. */
#include "tn_test.h"
#include "util/vector.h"
#include "util/sbuf.h"

static void test_str_inline_and_heap(void)
{
    tn_vector *v = tn_vector_new(tn_type_make(TN_T_VARCHAR), 4);
    CHECK(v != NULL);
    tn_str *s = v->data;
    CHECK(tn_vector_add_string(v, "short", 5, &s[0]) == TN_OK);
    CHECK(tn_vector_add_string(v, "a much longer string value", 26, &s[1]) == TN_OK);
    CHECK(s[0].len == 5 && memcmp(tn_str_data(&s[0]), "short", 5) == 0);
    CHECK(s[1].len == 26 && memcmp(tn_str_data(&s[1]), "a much longer string value", 26) == 0);
    CHECK(!tn_str_eq(&s[0], &s[1]));
    CHECK(tn_str_cmp(&s[0], &s[1]) > 0);
    tn_vector_unref(v);
}

static void test_nulls_and_flatten(void)
{
    tn_vector *d = tn_vector_new(tn_type_make(TN_T_INT32), 3);
    int32_t *dv = d->data;
    dv[0] = 10, dv[1] = 20, dv[2] = 30;
    tn_vector *v = tn_vector_new(tn_type_make(TN_T_INT32), 8);
    tn_vector_set_dict(v, d);
    uint32_t *idx = v->data;
    for (uint32_t i = 0; i < 8; i++)
        idx[i] = i % 3;
    CHECK(tn_vector_set_null(v, 4) == TN_OK);
    CHECK(tn_vector_is_null(v, 4));
    CHECK(tn_vector_flatten(v, 8) == TN_OK);
    CHECK(v->kind == TN_VEC_FLAT);
    CHECK_EQ_INT(((int32_t *)v->data)[5], 30);
    CHECK(tn_vector_is_null(v, 4));
    CHECK(!tn_vector_is_null(v, 3));
    tn_vector_unref(v);
    tn_vector_unref(d);
}

static void test_const_view(void)
{
    tn_vector *src = tn_vector_new(tn_type_make(TN_T_INT64), 2);
    ((int64_t *)src->data)[1] = 7;
    tn_vector *c = tn_vector_new(tn_type_make(TN_T_INT64), 16);
    CHECK(tn_vector_set_const_from(c, src, 1) == TN_OK);
    tn_vview vw;
    tn_vector_view(c, 16, &vw);
    CHECK_EQ_INT(((const int64_t *)vw.data)[tn_vview_index(&vw, 13)], 7);
    CHECK(tn_vview_valid(&vw, 13));
    tn_vector_unref(src);
    tn_vector_unref(c);
}

static void test_sbuf(void)
{
    tn_sbuf s = TN_SBUF_INIT;
    tn_sbuf_printf(&s, "%d-%s", 42, "x");
    tn_sbuf_putc(&s, '!');
    CHECK_EQ_STR(tn_sbuf_str(&s), "42-x!");
    char *t = tn_sbuf_take(&s);
    CHECK_EQ_STR(t, "42-x!");
    tn_free(t);
}

static void test_nested_types_interned(void)
{
    tn_type i32 = tn_type_make(TN_T_INT32);
    tn_type l1 = tn_type_list(i32), l2 = tn_type_list(i32);
    CHECK(l1.nested != NULL && l1.nested == l2.nested);
    CHECK(tn_type_equal(l1, l2));
    CHECK(!tn_type_equal(l1, tn_type_list(tn_type_make(TN_T_INT64))));
    const char *names[2] = {"a", "b"};
    tn_type ft[2] = {i32, tn_type_make(TN_T_VARCHAR)};
    tn_type st = tn_type_struct(2, names, ft);
    char buf[128];
    CHECK_EQ_STR(tn_type_name(st, buf, sizeof buf), "STRUCT(a INTEGER, b VARCHAR)");
    CHECK_EQ_STR(tn_type_name(tn_type_list(l1), buf, sizeof buf), "INTEGER[][]");
    CHECK_EQ_STR(tn_type_name(tn_type_map(ft[1], i32), buf, sizeof buf), "MAP(VARCHAR, INTEGER)");
    const char *other[2] = {"a", "c"};
    CHECK(!tn_type_equal(st, tn_type_struct(2, other, ft)));
}

static void test_list_vector_copy(void)
{
    tn_type lt = tn_type_list(tn_type_make(TN_T_INT64));
    tn_vector *src = tn_vector_new(lt, 4);
    CHECK(src && src->nchildren == 1);
    uint32_t first;
    CHECK(tn_vector_list_append(src, 3, &first) == TN_OK && first == 0);
    int64_t *ev = src->children[0]->data;
    ev[0] = 1, ev[1] = 2, ev[2] = 3;
    tn_list_entry *le = src->data;
    le[0] = (tn_list_entry){0, 2};
    le[1] = (tn_list_entry){2, 1};
    CHECK(tn_vector_set_null(src, 2) == TN_OK);
    tn_vector *dst = tn_vector_new(lt, 4);
    CHECK(tn_vector_copy_row(dst, 0, src, 1) == TN_OK);
    CHECK(tn_vector_copy_row(dst, 1, src, 0) == TN_OK);
    CHECK(tn_vector_copy_row(dst, 2, src, 2) == TN_OK);
    tn_list_entry *de = dst->data;
    CHECK_EQ_INT(de[0].length, 1);
    CHECK_EQ_INT(((int64_t *)dst->children[0]->data)[de[0].offset], 3);
    CHECK_EQ_INT(de[1].length, 2);
    CHECK_EQ_INT(((int64_t *)dst->children[0]->data)[de[1].offset + 1], 2);
    CHECK(tn_vector_is_null(dst, 2));
    CHECK_EQ_INT(dst->list_size, 3);
    tn_vector_reset(dst);
    CHECK_EQ_INT(dst->list_size, 0);
    tn_vector_unref(src);
    tn_vector_unref(dst);
}

/* A CONST STRUCT{a INTEGER, b VARCHAR[]} flattened deep: every row owns its field values and its
 * own (non-overlapping) list elements; a CONST NULL list flattens to NULL rows; a DICT list over
 * a dictionary flattens to the dictionary's values. */
static void test_flatten_nested(void)
{
    tn_type vt = tn_type_make(TN_T_VARCHAR), lt = tn_type_list(vt);
    const char *names[2] = {"a", "b"};
    tn_type ft[2] = {tn_type_make(TN_T_INT32), lt};
    tn_type st = tn_type_struct(2, names, ft);
    tn_vector *src = tn_vector_new(st, 2);
    CHECK(src && src->nchildren == 2);
    ((int32_t *)src->children[0]->data)[1] = 7;
    tn_vector *l = src->children[1];
    uint32_t first;
    CHECK(tn_vector_list_append(l, 2, &first) == TN_OK);
    tn_str *ev = l->children[0]->data;
    const char *longs = "a string longer than twelve bytes";
    CHECK(tn_vector_add_string(l->children[0], longs, (uint32_t)strlen(longs), &ev[first]) == TN_OK);
    CHECK(tn_vector_set_null(l->children[0], first + 1) == TN_OK);
    ((tn_list_entry *)l->data)[1] = (tn_list_entry){first, 2};
    tn_vector *c = tn_vector_new(st, 8);
    CHECK(tn_vector_set_const_from(c, src, 1) == TN_OK);
    tn_vector_unref(src); /* the constant owns its copy */
    CHECK(c->kind == TN_VEC_CONST);
    CHECK(tn_vector_flatten(c, 5) == TN_OK);
    CHECK(c->kind == TN_VEC_FLAT);
    CHECK(c->nchildren == 2 && c->children[0]->kind == TN_VEC_FLAT);
    const tn_list_entry *le = c->children[1]->data;
    const tn_vector *el = c->children[1]->children[0];
    for (uint32_t i = 0; i < 5; i++) {
        CHECK(!tn_vector_is_null(c, i));
        CHECK_EQ_INT(((int32_t *)c->children[0]->data)[i], 7);
        CHECK(!tn_vector_is_null(c->children[1], i));
        CHECK_EQ_INT(le[i].length, 2);
        CHECK_EQ_INT(le[i].offset, 2 * i); /* each row has its own elements */
        const tn_str *s0 = (const tn_str *)el->data + le[i].offset;
        CHECK(s0->len == strlen(longs) && memcmp(tn_str_data(s0), longs, s0->len) == 0);
        CHECK(tn_vector_is_null(el, (uint32_t)le[i].offset + 1));
    }
    CHECK_EQ_INT(c->children[1]->list_size, 10);
    tn_vector_unref(c);

    /* CONST NULL list */
    tn_vector *nl = tn_vector_new(lt, 1);
    CHECK(tn_vector_set_null(nl, 0) == TN_OK);
    nl->kind = TN_VEC_CONST;
    CHECK(tn_vector_flatten(nl, 300) == TN_OK);
    CHECK(nl->kind == TN_VEC_FLAT && nl->capacity >= 300);
    CHECK(tn_vector_is_null(nl, 0) && tn_vector_is_null(nl, 299));
    CHECK_EQ_INT(nl->list_size, 0);
    tn_vector_unref(nl);

    /* DICT over a LIST dictionary */
    tn_type it = tn_type_list(tn_type_make(TN_T_INT64));
    tn_vector *d = tn_vector_new(it, 2);
    CHECK(tn_vector_list_append(d, 3, &first) == TN_OK);
    int64_t *iv = d->children[0]->data;
    iv[0] = 1, iv[1] = 2, iv[2] = 3;
    ((tn_list_entry *)d->data)[0] = (tn_list_entry){0, 1};
    ((tn_list_entry *)d->data)[1] = (tn_list_entry){1, 2};
    tn_vector *dv = tn_vector_new(it, 4);
    CHECK(tn_vector_set_dict(dv, d) == TN_OK);
    uint32_t *idx = dv->data;
    idx[0] = 1, idx[1] = 0, idx[2] = 1, idx[3] = 1;
    CHECK(tn_vector_set_null(dv, 3) == TN_OK);
    tn_vector_unref(d);
    CHECK(tn_vector_flatten(dv, 4) == TN_OK);
    CHECK(dv->kind == TN_VEC_FLAT && dv->dict == NULL);
    const tn_list_entry *de = dv->data;
    const int64_t *dd = dv->children[0]->data;
    CHECK_EQ_INT(de[0].length, 2);
    CHECK_EQ_INT(dd[de[0].offset] + dd[de[0].offset + 1], 5);
    CHECK_EQ_INT(de[1].length, 1);
    CHECK_EQ_INT(dd[de[1].offset], 1);
    CHECK_EQ_INT(de[2].length, 2);
    CHECK(tn_vector_is_null(dv, 3) && !tn_vector_is_null(dv, 2));
    tn_vector_unref(dv);
}

TEST_MAIN(test_str_inline_and_heap, test_nulls_and_flatten, test_const_view, test_sbuf, test_nested_types_interned,
          test_list_vector_copy, test_flatten_nested)
