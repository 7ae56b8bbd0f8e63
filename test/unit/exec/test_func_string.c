/*
 * test_func_string.c -- string functions (UTF-8 character semantics, PostgreSQL edge rules),
 * concatenation NULL rules, LIKE/ILIKE/ESCAPE including edge cases and non-constant patterns.
 */
#include "exexpr_util.h"

/* Evaluate fn(args) as a constant; returns the string ("<NULL>" for NULL, "<ERR:msg>" on error). */
static const char *sfn(const char *name, ex_expr **args, uint32_t n)
{
    static char buf[8][1200];
    static int k;
    char *b = buf[k++ & 7];
    tn_err err = TN_ERR_INIT;
    ex_expr *e = e_fn_err(name, args, n, &err);
    if (!e) {
        snprintf(b, 1200, "<NORESOLVE:%s>", err.msg);
        return b;
    }
    tn_value v;
    int rc = fold(e, &v, &err);
    if (rc)
        snprintf(b, 1200, "<ERR:%s>", err.msg);
    else if (v.is_null)
        snprintf(b, 1200, "<NULL>");
    else if (tn_type_is_string(v.type))
        snprintf(b, 1200, "%.*s", (int)v.v.str.len, v.v.str.ptr);
    else if (v.type.id == TN_T_BOOL)
        snprintf(b, 1200, "%s", v.v.b ? "true" : "false");
    else
        snprintf(b, 1200, "%lld", (long long)v.v.i64);
    tn_value_free(&v);
    return b;
}
#define S1(name, a) sfn(name, (ex_expr *[]){a}, 1)
#define S2(name, a, b) sfn(name, (ex_expr *[]){a, b}, 2)
#define S3(name, a, b, c) sfn(name, (ex_expr *[]){a, b, c}, 3)

static void test_lengths_case(void)
{
    CHECK_EQ_STR(S1("length", e_str("h\xc3\xa9llo")), "5");
    CHECK_EQ_STR(S1("char_length", e_str("")), "0");
    CHECK_EQ_STR(S1("octet_length", e_str("h\xc3\xa9llo")), "6");
    CHECK_EQ_STR(S1("length", e_null(ty(TN_T_VARCHAR))), "<NULL>");
    CHECK_EQ_STR(S1("upper", e_str("abc-\xc3\xa9-xyz")), "ABC-\xc3\x89-XYZ");
    CHECK_EQ_STR(S1("lower", e_str("\xc3\x9c\xce\xa3\xd0\x96\xc4\x80\xe2\x82\xac")), "\xc3\xbc\xcf\x83\xd0\xb6\xc4\x81\xe2\x82\xac");
    CHECK_EQ_STR(S1("upper", e_str("\xcf\x82\xc3\xbf\xc3\x9f")), "\xce\xa3\xc3\xbf\xc3\x9f");
    CHECK_EQ_STR(S1("lower", e_str("MiXeD Case That Is Long")), "mixed case that is long");
}

static void test_substring(void)
{
    CHECK_EQ_STR(S3("substring", e_str("hello"), e_i32(2), e_i32(3)), "ell");
    CHECK_EQ_STR(S3("substr", e_str("hello"), e_i32(0), e_i32(3)), "he");
    CHECK_EQ_STR(S3("substr", e_str("hello"), e_i32(-1), e_i32(3)), "h");
    CHECK_EQ_STR(S3("substr", e_str("hello"), e_i32(-5), e_i32(3)), "");
    CHECK_EQ_STR(S2("substr", e_str("hello"), e_i32(2)), "ello");
    CHECK_EQ_STR(S2("substr", e_str("hello"), e_i32(10)), "");
    CHECK_EQ_STR(S2("substr", e_str("hello"), e_i32(-3)), "hello");
    CHECK_EQ_STR(S3("substr", e_str("h\xc3\xa9llo"), e_i32(2), e_i32(2)), "\xc3\xa9l");
    CHECK_EQ_STR(S3("substr", e_str("hello"), e_i32(2), e_i32(-1)), "<ERR:negative substring length not allowed>");
    CHECK_EQ_STR(S3("substr", e_str("hello"), e_int(ty(TN_T_INT64), INT64_MAX), e_int(ty(TN_T_INT64), INT64_MAX)), "");
    CHECK_EQ_STR(S2("left", e_str("hello"), e_i32(2)), "he");
    CHECK_EQ_STR(S2("left", e_str("hello"), e_i32(-2)), "hel");
    CHECK_EQ_STR(S2("left", e_str("hello"), e_i32(-9)), "");
    CHECK_EQ_STR(S2("right", e_str("hello"), e_i32(2)), "lo");
    CHECK_EQ_STR(S2("right", e_str("hello"), e_i32(-2)), "llo");
    CHECK_EQ_STR(S2("right", e_str("h\xc3\xa9llo"), e_i32(4)), "\xc3\xa9llo");
}

/* zero-copy substrings of long strings stay valid after the input chunk is gone */
static void test_substring_lifetime(void)
{
    const char *s[] = {"the quick brown fox jumps over the lazy dog", NULL, "short"};
    tn_vector *cols[1] = {vec_strs(s, 3)};
    tn_chunk *c = chunk_of(3, 1, cols);
    ex_expr *args[3] = {e_col(0, ty(TN_T_VARCHAR)), e_i32(5), e_i32(25)};
    ex_expr *e = e_fn("substring", args, 3);
    int rc;
    tn_vector *v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    tn_chunk_free(c);
    CHECK_EQ_STR(row_str(v, 0), "quick brown fox jumps ove");
    CHECK_EQ_STR(row_str(v, 1), "<NULL>");
    CHECK_EQ_STR(row_str(v, 2), "t"); /* "short" from character 5 */
    tn_vector_unref(v);
    ex_expr_free(e);
}

static void test_trim_concat(void)
{
    CHECK_EQ_STR(S1("trim", e_str("  a b  ")), "a b");
    CHECK_EQ_STR(S1("ltrim", e_str("  a b  ")), "a b  ");
    CHECK_EQ_STR(S1("rtrim", e_str("  a b  ")), "  a b");
    CHECK_EQ_STR(S2("trim", e_str("xxhixyx"), e_str("xy")), "hi");
    CHECK_EQ_STR(S2("trim", e_str("\xc3\xa9\xc3\xa9z\xc3\xa9"), e_str("\xc3\xa9")), "z");
    CHECK_EQ_STR(S1("trim", e_str("    ")), "");
    CHECK_EQ_STR(S2("||", e_str("abc"), e_str("defghijklmnop")), "abcdefghijklmnop");
    CHECK_EQ_STR(S2("||", e_str("abc"), e_null(ty(TN_T_VARCHAR))), "<NULL>");
    CHECK_EQ_STR(S2("||", e_str("n="), e_i32(42)), "n=42");
    CHECK_EQ_STR(S3("concat", e_str("a"), e_null(ty(TN_T_VARCHAR)), e_str("b")), "ab");
    CHECK_EQ_STR(S2("concat", e_null(ty(TN_T_VARCHAR)), e_null(ty(TN_T_VARCHAR))), "");
    CHECK_EQ_STR(S3("concat", e_str("x"), e_i32(1), e_dbl(2.5)), "x12.5");
}

static void test_search_build(void)
{
    CHECK_EQ_STR(S3("replace", e_str("banana"), e_str("an"), e_str("AN")), "bANANa");
    CHECK_EQ_STR(S3("replace", e_str("banana"), e_str(""), e_str("x")), "banana");
    CHECK_EQ_STR(S3("replace", e_str("aaa"), e_str("a"), e_str("")), "");
    CHECK_EQ_STR(S2("starts_with", e_str("hello"), e_str("he")), "true");
    CHECK_EQ_STR(S2("starts_with", e_str("hello"), e_str("hello!")), "false");
    CHECK_EQ_STR(S2("contains", e_str("hello"), e_str("ll")), "true");
    CHECK_EQ_STR(S2("contains", e_str("hello"), e_str("")), "true");
    CHECK_EQ_STR(S2("strpos", e_str("h\xc3\xa9llo"), e_str("llo")), "3");
    CHECK_EQ_STR(S2("strpos", e_str("hello"), e_str("z")), "0");
    CHECK_EQ_STR(S2("strpos", e_str("hello"), e_str("")), "1");
    CHECK_EQ_STR(S1("reverse", e_str("h\xc3\xa9llo")), "oll\xc3\xa9h");
    CHECK_EQ_STR(S3("split_part", e_str("a,b,c"), e_str(","), e_i32(2)), "b");
    CHECK_EQ_STR(S3("split_part", e_str("a,b,c"), e_str(","), e_i32(-1)), "c");
    CHECK_EQ_STR(S3("split_part", e_str("a,b,c"), e_str(","), e_i32(4)), "");
    CHECK_EQ_STR(S3("split_part", e_str("a::b::::c"), e_str("::"), e_i32(3)), "");
    CHECK_EQ_STR(S3("split_part", e_str("a::b::::c"), e_str("::"), e_i32(4)), "c");
    CHECK_EQ_STR(S3("split_part", e_str("a\xc3\xa9" "c"), e_str(""), e_i32(2)), "\xc3\xa9");
    CHECK_EQ_STR(S3("split_part", e_str("abc"), e_str(""), e_i32(-1)), "c");
    CHECK_EQ_STR(S3("split_part", e_str("abc"), e_str(""), e_i32(4)), "");
    CHECK_EQ_STR(S3("split_part", e_str("abc"), e_str(","), e_i32(0)), "");
    CHECK_EQ_STR(S2("repeat", e_str("ab"), e_i32(3)), "ababab");
    CHECK_EQ_STR(S2("repeat", e_str("ab"), e_i32(-1)), "");
    CHECK(strstr(S2("repeat", e_str("ab"), e_int(ty(TN_T_INT64), INT64_MAX)), "too large") != NULL);
    CHECK_EQ_STR(S3("lpad", e_str("hi"), e_i32(5), e_str("xy")), "xyxhi");
    CHECK_EQ_STR(S3("rpad", e_str("hi"), e_i32(5), e_str("xy")), "hixyx");
    CHECK_EQ_STR(S2("lpad", e_str("hello"), e_i32(3)), "hel");
    CHECK_EQ_STR(S2("lpad", e_str("hi"), e_i32(4)), "  hi");
    CHECK_EQ_STR(S3("lpad", e_str("hi"), e_i32(5), e_str("")), "hi");
    CHECK_EQ_STR(S2("rpad", e_str("hi"), e_i32(0)), "");
    CHECK_EQ_STR(S3("rpad", e_str("hi"), e_i32(4), e_str("\xc3\xa9")), "hi\xc3\xa9\xc3\xa9");
}

/* like(s, pattern [, escape]) through the "~~" family */
static const char *lk(const char *op, const char *s, const char *p)
{
    return S2(op, e_str(s), e_str(p));
}

static void test_like(void)
{
    CHECK_EQ_STR(lk("~~", "hello", "hello"), "true");
    CHECK_EQ_STR(lk("~~", "hello", "hell"), "false");
    CHECK_EQ_STR(lk("~~", "hello", "he%"), "true");
    CHECK_EQ_STR(lk("~~", "hello", "%llo"), "true");
    CHECK_EQ_STR(lk("~~", "hello", "%ll%"), "true");
    CHECK_EQ_STR(lk("~~", "hello", "%"), "true");
    CHECK_EQ_STR(lk("~~", "", "%"), "true");
    CHECK_EQ_STR(lk("~~", "", ""), "true");
    CHECK_EQ_STR(lk("~~", "a", ""), "false");
    CHECK_EQ_STR(lk("~~", "hello", "h_llo"), "true");
    CHECK_EQ_STR(lk("~~", "hello", "h_lo"), "false");
    CHECK_EQ_STR(lk("~~", "h\xc3\xa9llo", "h_llo"), "true"); /* _ is one UTF-8 character */
    CHECK_EQ_STR(lk("~~", "abcabcabd", "%abc%abd"), "true");
    CHECK_EQ_STR(lk("~~", "mississippi", "%iss%ppi"), "true");
    CHECK_EQ_STR(lk("~~", "mississippi", "m%s_s%i"), "true");
    CHECK_EQ_STR(lk("~~", "mississippi", "m%x%"), "false");
    CHECK_EQ_STR(lk("~~", "100%", "100\\%"), "true");
    CHECK_EQ_STR(lk("~~", "1000", "100\\%"), "false");
    CHECK_EQ_STR(lk("~~", "a_b", "a\\_b"), "true");
    CHECK_EQ_STR(lk("~~", "axb", "a\\_b"), "false");
    CHECK_EQ_STR(lk("~~", "abc", "abc\\"), "<ERR:LIKE pattern must not end with escape character>");
    CHECK_EQ_STR(lk("~~", "Hello", "hello"), "false");
    CHECK_EQ_STR(lk("~~*", "HeLLo", "hel%"), "true");
    CHECK_EQ_STR(lk("~~*", "HeLLo World", "%O w%"), "true");
    CHECK_EQ_STR(lk("!~~", "hello", "he%"), "false");
    CHECK_EQ_STR(lk("!~~*", "hello", "HE%"), "false");
    /* ESCAPE '#', and ESCAPE '' (none) */
    CHECK_EQ_STR(S3("~~", e_str("5%"), e_str("5#%"), e_str("#")), "true");
    CHECK_EQ_STR(S3("~~", e_str("a\\b"), e_str("a\\b"), e_str("")), "true");
    CHECK_EQ_STR(S3("~~", e_str("a"), e_str("a"), e_str("ab")), "<ERR:invalid escape string (must be empty or one character)>");
    CHECK_EQ_STR(S2("~~", e_str("x"), e_null(ty(TN_T_VARCHAR))), "<NULL>");
    /* a hostile pattern terminates quickly */
    char s[4001], p[2001];
    memset(s, 'a', 4000);
    s[4000] = 0;
    for (int i = 0; i < 1000; i++)
        p[2 * i] = '%', p[2 * i + 1] = 'a';
    p[2000] = 0;
    p[1999] = 'b';
    CHECK_EQ_STR(lk("~~", s, p), "false");
}

/* Column LIKE constant (cached pattern over two batches) and column LIKE column. */
static void test_like_vectors(void)
{
    const char *s[] = {"apple pie", "banana split", NULL, "cherry tart", "apple crumble long text"};
    const char *p[] = {"apple%", "%split", "%", NULL, "%crumble%"};
    tn_vector *cols[2] = {vec_strs(s, 5), vec_strs(p, 5)};
    tn_chunk *c = chunk_of(5, 2, cols);
    int rc;
    ex_expr *e = e_bin("~~", e_col(0, ty(TN_T_VARCHAR)), e_str("apple%"));
    for (int batch = 0; batch < 2; batch++) {
        tn_vector *v = eval_vec(e, c, &rc, NULL);
        CHECK_EQ_INT(rc, TN_OK);
        CHECK_EQ_INT(row_i64(v, 0), 1);
        CHECK_EQ_INT(row_i64(v, 1), 0);
        CHECK(row_null(v, 2));
        CHECK_EQ_INT(row_i64(v, 4), 1);
        tn_vector_unref(v);
    }
    ex_expr_free(e);
    e = e_bin("~~", e_col(0, ty(TN_T_VARCHAR)), e_col(1, ty(TN_T_VARCHAR)));
    tn_vector *v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(row_i64(v, 0), 1);
    CHECK_EQ_INT(row_i64(v, 1), 1);
    CHECK(row_null(v, 2));
    CHECK(row_null(v, 3));
    CHECK_EQ_INT(row_i64(v, 4), 1);
    tn_vector_unref(v);
    /* regression: a pattern that failed to compile must fail again on the next batch (the cache
     * must not keep the half-compiled pattern) */
    ex_expr *bad = e_bin("~~", e_col(0, ty(TN_T_VARCHAR)), e_str("apple\\"));
    for (int batch = 0; batch < 2; batch++) {
        tn_err berr = TN_ERR_INIT;
        v = eval_vec(bad, c, &rc, &berr);
        CHECK_EQ_INT(rc, TN_ERROR);
        tn_vector_unref(v);
    }
    ex_expr_free(bad);
    /* filter form */
    uint32_t out[5], n;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(ex_expr_select(e, c, out, &n, &err), TN_OK);
    CHECK_EQ_INT(n, 3);
    ex_expr_free(e);
    tn_chunk_free(c);
}

static void test_string_vectors_with_sel(void)
{
    const char *s[] = {"Alpha", "bravo-and-some-more", NULL, "delta"};
    tn_vector *cols[1] = {vec_strs(s, 4)};
    tn_chunk *c = chunk_of(4, 1, cols);
    uint32_t sel[] = {1, 2};
    chunk_select(c, sel, 2);
    int rc;
    ex_expr *e = e_un("upper", e_col(0, ty(TN_T_VARCHAR)));
    tn_vector *v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_STR(row_str(v, 1), "BRAVO-AND-SOME-MORE");
    CHECK(row_null(v, 2));
    tn_vector_unref(v);
    ex_expr_free(e);
    ex_expr *a2[2] = {e_col(0, ty(TN_T_VARCHAR)), e_str("!")};
    e = e_fn("concat", a2, 2);
    v = eval_vec(e, c, &rc, NULL);
    CHECK_EQ_STR(row_str(v, 1), "bravo-and-some-more!");
    CHECK_EQ_STR(row_str(v, 2), "!");
    tn_vector_unref(v);
    ex_expr_free(e);
    tn_chunk_free(c);
}

TEST_MAIN(test_lengths_case, test_substring, test_substring_lifetime, test_trim_concat, test_search_build,
          test_like, test_like_vectors, test_string_vectors_with_sel)
