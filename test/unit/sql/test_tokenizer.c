/*
 * test_tokenizer.c -- the SQL tokenizer: every token kind, positions (offset, line, column),
 * comments, string decoding, statement splitting at ';', and lexical error messages with the
 * PostgreSQL-style LINE/caret block.
 */
#include "tn_test.h"
#include "sql/token.h"

#include <stdlib.h>
#include <string.h>

static sq_token *lex(const char *sql, uint32_t *n, size_t *end, int *rc, tn_err *err)
{
    sq_token *t = NULL;
    *rc = sq_tokenize(sql, 0, &t, n, end, err);
    return t;
}

static void test_kinds(void)
{
    const char *sql = "SELECT a, \"Q\"\"x\", 12 1.5 .5 1. 1e3 2.5E-2 'it''s' E'a\\nb' ( ) [ ] . "
                      "+ - * / % || = == <> != < <= > >= ::";
    static const int want[] = {
        SQ_TK_IDENT, SQ_TK_IDENT, SQ_TK_COMMA, SQ_TK_QIDENT, SQ_TK_COMMA, SQ_TK_INTEGER, SQ_TK_DECIMAL,
        SQ_TK_DECIMAL, SQ_TK_DECIMAL, SQ_TK_FLOAT, SQ_TK_FLOAT, SQ_TK_STRING, SQ_TK_ESTRING, SQ_TK_LPAREN,
        SQ_TK_RPAREN, SQ_TK_LBRACKET, SQ_TK_RBRACKET, SQ_TK_DOT, SQ_TK_PLUS, SQ_TK_MINUS, SQ_TK_STAR,
        SQ_TK_SLASH, SQ_TK_PERCENT, SQ_TK_CONCAT, SQ_TK_EQ, SQ_TK_EQ, SQ_TK_NE, SQ_TK_NE, SQ_TK_LT,
        SQ_TK_LE, SQ_TK_GT, SQ_TK_GE, SQ_TK_DCOLON, SQ_TK_EOF,
    };
    uint32_t n;
    size_t end;
    int rc;
    tn_err err = TN_ERR_INIT;
    sq_token *t = lex(sql, &n, &end, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(n, TN_ARRAY_LEN(want));
    for (uint32_t i = 0; i < n && i < TN_ARRAY_LEN(want); i++) {
        if (t[i].kind != want[i])
            fprintf(stderr, "token %u: kind %s, want %s\n", i, sq_tok_kind_name(t[i].kind), sq_tok_kind_name(want[i]));
        CHECK_EQ_INT(t[i].kind, want[i]);
    }
    CHECK_EQ_INT(t[0].kw, SQ_KW_SELECT);
    CHECK_EQ_INT(t[1].kw, SQ_KW_NONE);
    CHECK_EQ_INT(end, strlen(sql));
    /* raw text of tokens */
    CHECK_EQ_INT(t[3].len, 6); /* "Q""x" */
    CHECK(strncmp(sql + t[9].off, "1e3", 3) == 0 && t[9].len == 3);
    tn_free(t);
}

static void test_keywords(void)
{
    CHECK_EQ_INT(sq_kw_lookup("select", 6), SQ_KW_SELECT);
    CHECK_EQ_INT(sq_kw_lookup("SeLeCt", 6), SQ_KW_SELECT);
    CHECK_EQ_INT(sq_kw_lookup("selects", 7), SQ_KW_NONE);
    CHECK_EQ_INT(sq_kw_lookup("nulls", 5), SQ_KW_NULLS);
    CHECK_EQ_INT(sq_kw_lookup("try_cast", 8), SQ_KW_TRY_CAST);
    CHECK_EQ_INT(sq_kw_lookup("a_very_long_identifier_name", 27), SQ_KW_NONE);
    CHECK(sq_kw_reserved(SQ_KW_FROM));
    CHECK(sq_kw_reserved(SQ_KW_TO));
    CHECK(!sq_kw_reserved(SQ_KW_NULLS));
    CHECK(!sq_kw_reserved(SQ_KW_NONE));
    /* every table entry is found (table sorted) */
    const char *all[] = {"ALL", "AND", "WITH", "WINDOW", "CASE", "ESCAPE", "ILIKE", "ISNULL", "NOTNULL", "QUALIFY"};
    for (size_t i = 0; i < TN_ARRAY_LEN(all); i++)
        CHECK(sq_kw_lookup(all[i], strlen(all[i])) != SQ_KW_NONE);
}

static void test_positions(void)
{
    const char *sql = "SELECT\n  x, -- comment\n  /* multi\nline */ y\n\t\xc3\xa9z";
    uint32_t n;
    size_t end;
    int rc;
    tn_err err = TN_ERR_INIT;
    sq_token *t = lex(sql, &n, &end, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(n, 6); /* SELECT x , y éz EOF */
    CHECK_EQ_INT(t[0].line, 1);
    CHECK_EQ_INT(t[0].col, 1);
    CHECK_EQ_INT(t[1].line, 2);
    CHECK_EQ_INT(t[1].col, 3);
    CHECK_EQ_INT(t[1].off, 9);
    CHECK_EQ_INT(t[2].col, 4);
    CHECK_EQ_INT(t[3].line, 4);
    CHECK_EQ_INT(t[3].col, 9);
    /* non-ASCII identifier: one column per character */
    CHECK_EQ_INT(t[4].kind, SQ_TK_IDENT);
    CHECK_EQ_INT(t[4].line, 5);
    CHECK_EQ_INT(t[4].col, 2);
    CHECK_EQ_INT(t[4].len, 3);
    CHECK_EQ_INT(t[5].kind, SQ_TK_EOF);
    tn_free(t);
}

static void test_comments(void)
{
    uint32_t n;
    size_t end;
    int rc;
    tn_err err = TN_ERR_INIT;
    /* nested block comments, comment at end without newline */
    sq_token *t = lex("/* a /* b */ c */ 1 -- tail", &n, &end, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(t[0].kind, SQ_TK_INTEGER);
    tn_free(t);
    /* "-" followed by "-" inside an expression is a comment: 1 --2 is just 1 */
    t = lex("1 --2\n- 3", &n, &end, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(n, 4);
    CHECK_EQ_INT(t[1].kind, SQ_TK_MINUS);
    tn_free(t);
    /* only comments */
    t = lex("  -- nothing\n /* here */ ", &n, &end, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(t[0].kind, SQ_TK_EOF);
    tn_free(t);
}

static void test_statement_split(void)
{
    const char *sql = "SELECT 'a;b'; SELECT 2 ;  ";
    sq_token *t = NULL;
    uint32_t n;
    size_t end;
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(sq_tokenize(sql, 0, &t, &n, &end, &err), TN_OK);
    CHECK_EQ_INT(n, 3);
    CHECK_EQ_INT(t[2].kind, SQ_TK_SEMI);
    CHECK_EQ_INT(end, 13);
    tn_free(t);
    CHECK_EQ_INT(sq_tokenize(sql, end, &t, &n, &end, &err), TN_OK);
    CHECK_EQ_INT(n, 3);
    CHECK_EQ_INT(t[0].kw, SQ_KW_SELECT);
    CHECK_EQ_INT(t[0].off, 14);
    CHECK_EQ_INT(t[0].col, 15);
    CHECK_EQ_INT(end, 24);
    tn_free(t);
    CHECK_EQ_INT(sq_tokenize(sql, end, &t, &n, &end, &err), TN_OK);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(t[0].kind, SQ_TK_EOF);
    CHECK_EQ_INT(end, strlen(sql));
    tn_free(t);
}

static char *decode(const char *sql, int *rc)
{
    sq_token *t = NULL;
    uint32_t n;
    size_t end;
    tn_err err = TN_ERR_INIT;
    *rc = sq_tokenize(sql, 0, &t, &n, &end, &err);
    if (*rc)
        return NULL;
    tn_sbuf sb = TN_SBUF_INIT;
    *rc = sq_token_string(sql, &t[0], &sb, &err);
    tn_free(t);
    char *s = tn_sbuf_take(&sb);
    if (*rc) {
        tn_free(s);
        return NULL;
    }
    return s ? s : tn_strdup("");
}

static void test_string_decoding(void)
{
    int rc;
    char *s = decode("'it''s'", &rc);
    CHECK_EQ_STR(s, "it's");
    tn_free(s);
    s = decode("''", &rc);
    CHECK_EQ_STR(s, "");
    tn_free(s);
    s = decode("E'a\\nb\\t\\\\\\'c\\x41\\101\\u00e9'", &rc);
    CHECK_EQ_STR(s, "a\nb\t\\'cAA\xc3\xa9");
    tn_free(s);
    s = decode("\"Mixed\"\"Case\"", &rc);
    CHECK_EQ_STR(s, "Mixed\"Case");
    tn_free(s);
    /* a plain string keeps backslashes */
    s = decode("'a\\nb'", &rc);
    CHECK_EQ_STR(s, "a\\nb");
    tn_free(s);
    s = decode("E'\\x00'", &rc);
    CHECK(s == NULL);
    CHECK_EQ_INT(rc, TN_SYNTAX);
    s = decode("E'\\uZZZZ'", &rc);
    CHECK(s == NULL);
    CHECK_EQ_INT(rc, TN_SYNTAX);
}

static void expect_error(const char *sql, const char *want_msg)
{
    uint32_t n;
    size_t end;
    int rc;
    tn_err err = TN_ERR_INIT;
    sq_token *t = lex(sql, &n, &end, &rc, &err);
    CHECK(t == NULL);
    CHECK_EQ_INT(rc, TN_SYNTAX);
    CHECK_EQ_STR(err.msg, want_msg);
    tn_free(t);
}

static void test_errors(void)
{
    expect_error("SELECT 'abc", "unterminated quoted string at or near \"'abc\"\nLINE 1: SELECT 'abc\n               ^");
    expect_error("SELECT\n  1 /* x", "unterminated /* comment at or near \"/* x\"\nLINE 2:   1 /* x\n            ^");
    expect_error("SELECT \"ab", "unterminated quoted identifier at or near \"\"ab\"\nLINE 1: SELECT \"ab\n               ^");
    expect_error("SELECT \"\"", "zero-length delimited identifier at or near \"\"\"\"\nLINE 1: SELECT \"\"\n               ^");
    expect_error("SELECT 12abc", "trailing junk after numeric literal at or near \"12abc\"\nLINE 1: SELECT 12abc\n               ^");
    expect_error("SELECT 1 ? 2", "syntax error at or near \"?\"\nLINE 1: SELECT 1 ? 2\n                 ^");
    expect_error("SELECT E'abc\\'", "unterminated quoted string at or near \"E'abc\\'\"\nLINE 1: SELECT E'abc\\'\n               ^");
    /* tabs are kept in the caret line so the caret lines up */
    expect_error("\tSELECT @", "syntax error at or near \"@\"\nLINE 1: \tSELECT @\n        \t       ^");
    /* control characters are reported by code */
    uint32_t n;
    size_t end;
    int rc;
    tn_err err = TN_ERR_INIT;
    sq_token *t = lex("SELECT \x01", &n, &end, &rc, &err);
    CHECK_EQ_INT(rc, TN_SYNTAX);
    CHECK(strstr(err.msg, "0x01") != NULL);
    tn_free(t);
}

static void test_long_line_error(void)
{
    /* a very long line is shown as a window around the error, and the message stays bounded */
    size_t len = 100000;
    char *sql = malloc(len + 16);
    memcpy(sql, "SELECT ", 7);
    size_t p = 7;
    while (p < len - 10) {
        memcpy(sql + p, "1 + ", 4);
        p += 4;
    }
    memcpy(sql + p, "? 'x'", 6);
    uint32_t n;
    size_t end;
    int rc;
    tn_err err = TN_ERR_INIT;
    sq_token *t = lex(sql, &n, &end, &rc, &err);
    CHECK_EQ_INT(rc, TN_SYNTAX);
    CHECK(strncmp(err.msg, "syntax error at or near \"?\"\nLINE 1: ...", 39) == 0);
    /* the caret sits under the '?' */
    const char *l2 = strchr(err.msg, '\n') + 1;
    const char *l3 = strchr(l2, '\n') + 1;
    const char *q = strchr(l2, '?');
    CHECK(q != NULL && (size_t)(q - l2) == strlen(l3) - 1);
    CHECK(l3[strlen(l3) - 1] == '^');
    tn_free(t);
    /* huge unterminated string: message quotes only a prefix of the token */
    memset(sql, 'a', len);
    sql[0] = '\'';
    sql[len] = 0;
    t = lex(sql, &n, &end, &rc, &err);
    CHECK_EQ_INT(rc, TN_SYNTAX);
    CHECK(strlen(err.msg) < 400);
    CHECK(strstr(err.msg, "...\"") != NULL);
    tn_free(t);
    free(sql);
}

static void test_many_tokens(void)
{
    /* the token array grows past its first allocation */
    char sql[8192];
    size_t p = 0;
    for (int i = 0; i < 1000; i++)
        p += (size_t)snprintf(sql + p, sizeof sql - p, "%d,", i % 10);
    sql[p] = 0;
    uint32_t n;
    size_t end;
    int rc;
    tn_err err = TN_ERR_INIT;
    sq_token *t = lex(sql, &n, &end, &rc, &err);
    CHECK_EQ_INT(rc, TN_OK);
    CHECK_EQ_INT(n, 2001);
    CHECK_EQ_INT(t[1998].kind, SQ_TK_INTEGER);
    CHECK_EQ_INT(t[1998].off, 1998);
    tn_free(t);
}

TEST_MAIN(test_kinds, test_keywords, test_positions, test_comments, test_statement_split, test_string_decoding,
          test_errors, test_long_line_error, test_many_tokens)
