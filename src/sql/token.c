/*
 * token.c -- the SQL tokenizer and PostgreSQL-style error positioning (see token.h).
 *
 * The lexer is a single forward scan over the bytes of one statement; it never backtracks more
 * than one character and allocates only the token array (grown geometrically). Line and column
 * are tracked incrementally so tests and error messages can report them. Hostile input (NUL
 * bytes, control characters, unterminated quotes/comments, enormous literals) yields TN_SYNTAX
 * with a caret under the offending place, never a crash.
 */
#include "token.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- keywords ---- */

typedef struct kw_entry {
    const char *name;
    int id;
} kw_entry;

/* Sorted by name for bsearch. */
static const kw_entry kw_table[] = {
    {"ALL", SQ_KW_ALL},         {"AND", SQ_KW_AND},           {"ANY", SQ_KW_ANY},
    {"ARRAY", SQ_KW_ARRAY},     {"AS", SQ_KW_AS},             {"ASC", SQ_KW_ASC},
    {"BETWEEN", SQ_KW_BETWEEN}, {"BOTH", SQ_KW_BOTH},         {"BY", SQ_KW_BY},
    {"CASE", SQ_KW_CASE},       {"CAST", SQ_KW_CAST},         {"COPY", SQ_KW_COPY},
    {"CROSS", SQ_KW_CROSS},     {"DESC", SQ_KW_DESC},         {"DESCRIBE", SQ_KW_DESCRIBE},
    {"DISTINCT", SQ_KW_DISTINCT}, {"ELSE", SQ_KW_ELSE},       {"END", SQ_KW_END},
    {"ESCAPE", SQ_KW_ESCAPE},   {"EXCEPT", SQ_KW_EXCEPT},     {"EXPLAIN", SQ_KW_EXPLAIN},
    {"FALSE", SQ_KW_FALSE},     {"FETCH", SQ_KW_FETCH},       {"FIRST", SQ_KW_FIRST},
    {"FOR", SQ_KW_FOR},         {"FROM", SQ_KW_FROM},         {"FULL", SQ_KW_FULL},
    {"GROUP", SQ_KW_GROUP},     {"HAVING", SQ_KW_HAVING},     {"ILIKE", SQ_KW_ILIKE},
    {"IN", SQ_KW_IN},           {"INNER", SQ_KW_INNER},       {"INTERSECT", SQ_KW_INTERSECT},
    {"IS", SQ_KW_IS},           {"ISNULL", SQ_KW_ISNULL},     {"JOIN", SQ_KW_JOIN},
    {"LAST", SQ_KW_LAST},       {"LEFT", SQ_KW_LEFT},         {"LIKE", SQ_KW_LIKE},
    {"LIMIT", SQ_KW_LIMIT},     {"NATURAL", SQ_KW_NATURAL},   {"NOT", SQ_KW_NOT},
    {"NOTNULL", SQ_KW_NOTNULL}, {"NULL", SQ_KW_NULL},         {"NULLS", SQ_KW_NULLS},
    {"OFFSET", SQ_KW_OFFSET},   {"ON", SQ_KW_ON},             {"OR", SQ_KW_OR},
    {"ORDER", SQ_KW_ORDER},     {"OUTER", SQ_KW_OUTER},       {"PRAGMA", SQ_KW_PRAGMA},
    {"QUALIFY", SQ_KW_QUALIFY}, {"RESET", SQ_KW_RESET},       {"RIGHT", SQ_KW_RIGHT},
    {"SELECT", SQ_KW_SELECT},   {"SET", SQ_KW_SET},           {"SHOW", SQ_KW_SHOW},
    {"SIMILAR", SQ_KW_SIMILAR}, {"THEN", SQ_KW_THEN},         {"TO", SQ_KW_TO},
    {"TRUE", SQ_KW_TRUE},       {"TRY_CAST", SQ_KW_TRY_CAST}, {"UNION", SQ_KW_UNION},
    {"USING", SQ_KW_USING},     {"WHEN", SQ_KW_WHEN},         {"WHERE", SQ_KW_WHERE},
    {"WINDOW", SQ_KW_WINDOW},   {"WITH", SQ_KW_WITH},
};

int sq_kw_lookup(const char *s, size_t n)
{
    char buf[16];
    if (n == 0 || n >= sizeof buf)
        return SQ_KW_NONE;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        buf[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
    }
    buf[n] = 0;
    size_t lo = 0, hi = TN_ARRAY_LEN(kw_table);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(buf, kw_table[mid].name);
        if (c == 0)
            return kw_table[mid].id;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return SQ_KW_NONE;
}

const char *sq_tok_kind_name(int kind)
{
    static const char *names[SQ_TK__COUNT] = {
        [SQ_TK_EOF] = "end of input", [SQ_TK_IDENT] = "identifier", [SQ_TK_QIDENT] = "quoted identifier",
        [SQ_TK_INTEGER] = "integer", [SQ_TK_DECIMAL] = "decimal", [SQ_TK_FLOAT] = "float",
        [SQ_TK_STRING] = "string", [SQ_TK_ESTRING] = "escape string", [SQ_TK_LPAREN] = "(",
        [SQ_TK_RPAREN] = ")", [SQ_TK_LBRACKET] = "[", [SQ_TK_RBRACKET] = "]", [SQ_TK_COMMA] = ",",
        [SQ_TK_DOT] = ".", [SQ_TK_SEMI] = ";", [SQ_TK_PLUS] = "+", [SQ_TK_MINUS] = "-",
        [SQ_TK_STAR] = "*", [SQ_TK_SLASH] = "/", [SQ_TK_PERCENT] = "%", [SQ_TK_CONCAT] = "||",
        [SQ_TK_EQ] = "=", [SQ_TK_NE] = "<>", [SQ_TK_LT] = "<", [SQ_TK_LE] = "<=", [SQ_TK_GT] = ">",
        [SQ_TK_GE] = ">=", [SQ_TK_DCOLON] = "::", [SQ_TK_LBRACE] = "{", [SQ_TK_RBRACE] = "}",
        [SQ_TK_COLON] = ":", [SQ_TK_COLONEQ] = ":=",
    };
    if (kind < 0 || kind >= SQ_TK__COUNT || !names[kind])
        return "?";
    return names[kind];
}

/* ---- error positioning ---- */

#define SQ_ERR_LINE_WINDOW 100 /* bytes of a long source line shown around the error */
#define SQ_ERR_TOKEN_MAX 60    /* bytes of the offending token quoted in the message */

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Append "\nLINE n: <line>\n<pad>^" for offset off. */
static void append_position(tn_sbuf *sb, const char *sql, size_t off)
{
    size_t len = strlen(sql);
    if (off > len)
        off = len;
    unsigned line = 1;
    size_t ls = 0;
    for (size_t i = 0; i < off; i++) {
        if (sql[i] == '\n') {
            line++;
            ls = i + 1;
        }
    }
    size_t le = off;
    while (le < len && sql[le] != '\n' && sql[le] != '\r')
        le++;
    /* Window long lines around the error position, on UTF-8 character boundaries. */
    size_t ws = ls, we = le;
    bool cut_left = false, cut_right = false;
    if (le - ls > SQ_ERR_LINE_WINDOW) {
        if (off > ls + SQ_ERR_LINE_WINDOW / 2) {
            ws = off - SQ_ERR_LINE_WINDOW / 2;
            while (ws > ls && is_cont((unsigned char)sql[ws]))
                ws--;
            cut_left = true;
        }
        if (we > ws + SQ_ERR_LINE_WINDOW) {
            we = ws + SQ_ERR_LINE_WINDOW;
            while (we > off && we < le && is_cont((unsigned char)sql[we]))
                we--;
            cut_right = true;
        }
    }
    char prefix[32];
    int plen = snprintf(prefix, sizeof prefix, "LINE %u: ", line);
    tn_sbuf_putc(sb, '\n');
    tn_sbuf_puts(sb, prefix);
    if (cut_left)
        tn_sbuf_puts(sb, "...");
    tn_sbuf_append(sb, sql + ws, we - ws);
    if (cut_right)
        tn_sbuf_puts(sb, "...");
    tn_sbuf_putc(sb, '\n');
    for (int i = 0; i < plen; i++)
        tn_sbuf_putc(sb, ' ');
    if (cut_left)
        tn_sbuf_puts(sb, "   ");
    for (size_t i = ws; i < off; i++) {
        unsigned char c = (unsigned char)sql[i];
        if (is_cont(c))
            continue;
        tn_sbuf_putc(sb, c == '\t' ? '\t' : ' ');
    }
    tn_sbuf_putc(sb, '^');
}

int sq_error_at(tn_err *err, int code, const char *sql, size_t off, const char *fmt, ...)
{
    if (!code)
        code = TN_SYNTAX;
    if (!err)
        return code;
    tn_sbuf sb = TN_SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    tn_sbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    if (sql)
        append_position(&sb, sql, off);
    if (sb.oom)
        tn_err_set(err, code, "%s", "syntax error (out of memory formatting the message)");
    else
        tn_err_set(err, code, "%s", tn_sbuf_str(&sb));
    tn_sbuf_free(&sb);
    return code;
}

/* Quote up to SQ_ERR_TOKEN_MAX bytes of src[off..off+n) (cut on a character boundary). */
static int near_error(tn_err *err, const char *sql, size_t off, size_t n, const char *what)
{
    size_t show = n;
    bool cut = false;
    if (show > SQ_ERR_TOKEN_MAX) {
        show = SQ_ERR_TOKEN_MAX;
        while (show > 0 && is_cont((unsigned char)sql[off + show]))
            show--;
        cut = true;
    }
    return sq_error_at(err, TN_SYNTAX, sql, off, "%s at or near \"%.*s%s\"", what, (int)show, sql + off,
                       cut ? "..." : "");
}

int sq_syntax_error(tn_err *err, const char *sql, const sq_token *t)
{
    if (t->kind == SQ_TK_EOF || (t->kind == SQ_TK_SEMI && sql[t->off + t->len] == 0))
        return sq_error_at(err, TN_SYNTAX, sql, t->off, "syntax error at end of input");
    return near_error(err, sql, t->off, t->len, "syntax error");
}

/* ---- lexer ---- */

typedef struct lexer {
    const char *s;
    size_t pos, len;
    uint32_t line, col;
    sq_token *toks;
    uint32_t n, cap;
} lexer;

static bool ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
static bool ident_char(unsigned char c) { return ident_start(c) || (c >= '0' && c <= '9') || c == '$'; }
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Advance over one byte, maintaining line/column. */
static void adv(lexer *lx)
{
    unsigned char c = (unsigned char)lx->s[lx->pos++];
    if (c == '\n') {
        lx->line++;
        lx->col = 1;
    } else if (!is_cont(c)) {
        lx->col++;
    }
}

static int push(lexer *lx, int kind, int kw, size_t off, uint32_t line, uint32_t col, tn_err *err)
{
    if (lx->n == lx->cap) {
        uint32_t nc = lx->cap ? lx->cap * 2 : 64;
        sq_token *nt = tn_realloc(lx->toks, (size_t)nc * sizeof *nt);
        if (!nt)
            return tn_err_set(err, TN_NOMEM, "out of memory tokenizing SQL");
        lx->toks = nt;
        lx->cap = nc;
    }
    sq_token *t = &lx->toks[lx->n++];
    t->kind = (uint8_t)kind;
    t->kw = (uint8_t)kw;
    t->off = (uint32_t)off;
    t->len = (uint32_t)(lx->pos - off);
    t->line = line;
    t->col = col;
    return TN_OK;
}

/* Skip whitespace and comments. */
static int skip_space(lexer *lx, tn_err *err)
{
    for (;;) {
        while (lx->pos < lx->len && is_space((unsigned char)lx->s[lx->pos]))
            adv(lx);
        if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '-' && lx->s[lx->pos + 1] == '-') {
            while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
                adv(lx);
            continue;
        }
        if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '/' && lx->s[lx->pos + 1] == '*') {
            size_t start = lx->pos;
            int depth = 0;
            while (lx->pos < lx->len) {
                if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '/' && lx->s[lx->pos + 1] == '*') {
                    depth++;
                    adv(lx);
                    adv(lx);
                } else if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '*' && lx->s[lx->pos + 1] == '/') {
                    depth--;
                    adv(lx);
                    adv(lx);
                    if (depth == 0)
                        break;
                } else {
                    adv(lx);
                }
            }
            if (depth != 0)
                return near_error(err, lx->s, start, lx->len - start, "unterminated /* comment");
            continue;
        }
        return TN_OK;
    }
}

/* Scan a quoted run starting at the opening quote q; doubled quotes stand for one; backslash
 * escapes (E strings) skip the next byte. Leaves pos after the closing quote. */
static int scan_quoted(lexer *lx, char q, bool backslash, size_t tok_start, const char *what, tn_err *err)
{
    adv(lx); /* opening quote */
    for (;;) {
        if (lx->pos >= lx->len)
            return near_error(err, lx->s, tok_start, lx->len - tok_start, what);
        char c = lx->s[lx->pos];
        if (backslash && c == '\\') {
            adv(lx);
            if (lx->pos < lx->len)
                adv(lx);
            continue;
        }
        if (c == q) {
            adv(lx);
            if (lx->pos < lx->len && lx->s[lx->pos] == q) {
                adv(lx);
                continue;
            }
            return TN_OK;
        }
        adv(lx);
    }
}

static int scan_number(lexer *lx, size_t start, uint32_t line, uint32_t col, tn_err *err)
{
    int kind = SQ_TK_INTEGER;
    while (lx->pos < lx->len && is_digit((unsigned char)lx->s[lx->pos]))
        adv(lx);
    if (lx->pos < lx->len && lx->s[lx->pos] == '.') {
        /* "1..2" is not a decimal followed by ".2": stop before a second dot. */
        if (!(lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == '.')) {
            kind = SQ_TK_DECIMAL;
            adv(lx);
            while (lx->pos < lx->len && is_digit((unsigned char)lx->s[lx->pos]))
                adv(lx);
        }
    }
    if (lx->pos < lx->len && (lx->s[lx->pos] == 'e' || lx->s[lx->pos] == 'E')) {
        size_t p = lx->pos + 1;
        if (p < lx->len && (lx->s[p] == '+' || lx->s[p] == '-'))
            p++;
        if (p < lx->len && is_digit((unsigned char)lx->s[p])) {
            while (lx->pos < p)
                adv(lx);
            while (lx->pos < lx->len && is_digit((unsigned char)lx->s[lx->pos]))
                adv(lx);
            kind = SQ_TK_FLOAT;
        }
    }
    if (lx->pos < lx->len && ident_char((unsigned char)lx->s[lx->pos])) {
        size_t e = lx->pos;
        while (e < lx->len && ident_char((unsigned char)lx->s[e]))
            e++;
        return near_error(err, lx->s, start, e - start, "trailing junk after numeric literal");
    }
    return push(lx, kind, SQ_KW_NONE, start, line, col, err);
}

static int next_token(lexer *lx, bool *done, tn_err *err)
{
    int rc = skip_space(lx, err);
    if (rc)
        return rc;
    size_t start = lx->pos;
    uint32_t line = lx->line, col = lx->col;
    if (lx->pos >= lx->len) {
        *done = true;
        return push(lx, SQ_TK_EOF, SQ_KW_NONE, start, line, col, err);
    }
    const char *s = lx->s;
    unsigned char c = (unsigned char)s[lx->pos];
    unsigned char c1 = lx->pos + 1 < lx->len ? (unsigned char)s[lx->pos + 1] : 0;

    if ((c == 'e' || c == 'E') && c1 == '\'') {
        adv(lx);
        rc = scan_quoted(lx, '\'', true, start, "unterminated quoted string", err);
        return rc ? rc : push(lx, SQ_TK_ESTRING, SQ_KW_NONE, start, line, col, err);
    }
    if (ident_start(c)) {
        while (lx->pos < lx->len && ident_char((unsigned char)s[lx->pos]))
            adv(lx);
        return push(lx, SQ_TK_IDENT, sq_kw_lookup(s + start, lx->pos - start), start, line, col, err);
    }
    if (is_digit(c) || (c == '.' && is_digit(c1)))
        return scan_number(lx, start, line, col, err);
    if (c == '\'') {
        rc = scan_quoted(lx, '\'', false, start, "unterminated quoted string", err);
        return rc ? rc : push(lx, SQ_TK_STRING, SQ_KW_NONE, start, line, col, err);
    }
    if (c == '"') {
        rc = scan_quoted(lx, '"', false, start, "unterminated quoted identifier", err);
        if (rc)
            return rc;
        if (lx->pos - start == 2)
            return near_error(err, s, start, 2, "zero-length delimited identifier");
        return push(lx, SQ_TK_QIDENT, SQ_KW_NONE, start, line, col, err);
    }
    int kind = -1, width = 1;
    switch (c) {
    case '(': kind = SQ_TK_LPAREN; break;
    case ')': kind = SQ_TK_RPAREN; break;
    case '[': kind = SQ_TK_LBRACKET; break;
    case ']': kind = SQ_TK_RBRACKET; break;
    case ',': kind = SQ_TK_COMMA; break;
    case '.': kind = SQ_TK_DOT; break;
    case ';': kind = SQ_TK_SEMI; break;
    case '+': kind = SQ_TK_PLUS; break;
    case '-': kind = SQ_TK_MINUS; break;
    case '*': kind = SQ_TK_STAR; break;
    case '/': kind = SQ_TK_SLASH; break;
    case '%': kind = SQ_TK_PERCENT; break;
    case '|':
        if (c1 == '|') {
            kind = SQ_TK_CONCAT;
            width = 2;
        }
        break;
    case '=':
        kind = SQ_TK_EQ;
        if (c1 == '=')
            width = 2;
        break;
    case '!':
        if (c1 == '=') {
            kind = SQ_TK_NE;
            width = 2;
        }
        break;
    case '<':
        kind = SQ_TK_LT;
        if (c1 == '=') {
            kind = SQ_TK_LE;
            width = 2;
        } else if (c1 == '>') {
            kind = SQ_TK_NE;
            width = 2;
        }
        break;
    case '>':
        kind = SQ_TK_GT;
        if (c1 == '=') {
            kind = SQ_TK_GE;
            width = 2;
        }
        break;
    case ':':
        kind = SQ_TK_COLON;
        if (c1 == ':') {
            kind = SQ_TK_DCOLON;
            width = 2;
        } else if (c1 == '=') {
            kind = SQ_TK_COLONEQ;
            width = 2;
        }
        break;
    case '{': kind = SQ_TK_LBRACE; break;
    case '}': kind = SQ_TK_RBRACE; break;
    default: break;
    }
    if (kind < 0) {
        if (c < 0x20 || c == 0x7f)
            return sq_error_at(err, TN_SYNTAX, s, start, "syntax error at or near character 0x%02x", c);
        return near_error(err, s, start, width, "syntax error");
    }
    for (int i = 0; i < width; i++)
        adv(lx);
    if (kind == SQ_TK_SEMI)
        *done = true;
    return push(lx, kind, SQ_KW_NONE, start, line, col, err);
}

int sq_tokenize(const char *sql, size_t start, sq_token **toks, uint32_t *ntoks, size_t *end, tn_err *err)
{
    *toks = NULL;
    *ntoks = 0;
    size_t len = strlen(sql);
    if (len >= UINT32_MAX)
        return tn_err_set(err, TN_NOTSUP, "SQL text longer than 4 GiB is not supported");
    lexer lx = {sql, start > len ? len : start, len, 1, 1, NULL, 0, 0};
    /* Line/column of `start` for tokens (statements after the first keep absolute positions). */
    for (size_t i = 0; i < lx.pos; i++) {
        if (sql[i] == '\n') {
            lx.line++;
            lx.col = 1;
        } else if (!is_cont((unsigned char)sql[i])) {
            lx.col++;
        }
    }
    bool done = false;
    while (!done) {
        int rc = next_token(&lx, &done, err);
        if (rc) {
            tn_free(lx.toks);
            return rc;
        }
    }
    *toks = lx.toks;
    *ntoks = lx.n;
    if (end)
        *end = lx.pos;
    return TN_OK;
}

/* ---- string decoding ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void put_utf8(tn_sbuf *out, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    tn_sbuf_append(out, b, n);
}

int sq_token_string(const char *sql, const sq_token *t, tn_sbuf *out, tn_err *err)
{
    const char *p = sql + t->off;
    size_t n = t->len;
    bool esc = t->kind == SQ_TK_ESTRING;
    if (esc) {
        p++;
        n--;
    }
    char q = p[0];
    /* p[0] and p[n-1] are the quotes */
    size_t i = 1, e = n - 1;
    while (i < e) {
        char c = p[i];
        if (c == q) { /* doubled quote */
            tn_sbuf_putc(out, q);
            i += 2;
            continue;
        }
        if (!esc || c != '\\') {
            size_t j = i;
            while (j < e && p[j] != q && !(esc && p[j] == '\\'))
                j++;
            tn_sbuf_append(out, p + i, j - i);
            i = j;
            continue;
        }
        /* backslash escape */
        size_t at = (size_t)(p + i - sql);
        i++;
        if (i >= e)
            return sq_error_at(err, TN_SYNTAX, sql, at, "invalid escape at end of string");
        c = p[i++];
        uint32_t v = 0;
        switch (c) {
        case 'b': tn_sbuf_putc(out, '\b'); break;
        case 'f': tn_sbuf_putc(out, '\f'); break;
        case 'n': tn_sbuf_putc(out, '\n'); break;
        case 'r': tn_sbuf_putc(out, '\r'); break;
        case 't': tn_sbuf_putc(out, '\t'); break;
        case 'x': {
            int k = 0;
            while (k < 2 && i < e && hexval(p[i]) >= 0) {
                v = v * 16 + (uint32_t)hexval(p[i++]);
                k++;
            }
            if (k == 0)
                return sq_error_at(err, TN_SYNTAX, sql, at, "invalid hexadecimal escape sequence");
            if (v == 0)
                return sq_error_at(err, TN_SYNTAX, sql, at, "invalid null character in string");
            tn_sbuf_putc(out, (char)v);
            break;
        }
        case 'u':
        case 'U': {
            int want = c == 'u' ? 4 : 8;
            for (int k = 0; k < want; k++) {
                if (i >= e || hexval(p[i]) < 0)
                    return sq_error_at(err, TN_SYNTAX, sql, at, "invalid Unicode escape");
                v = v * 16 + (uint32_t)hexval(p[i++]);
            }
            if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                return sq_error_at(err, TN_SYNTAX, sql, at, "invalid Unicode escape value");
            put_utf8(out, v);
            break;
        }
        default:
            if (c >= '0' && c <= '7') {
                v = (uint32_t)(c - '0');
                for (int k = 0; k < 2 && i < e && p[i] >= '0' && p[i] <= '7'; k++)
                    v = v * 8 + (uint32_t)(p[i++] - '0');
                if ((v & 0xFF) == 0)
                    return sq_error_at(err, TN_SYNTAX, sql, at, "invalid null character in string");
                tn_sbuf_putc(out, (char)(v & 0xFF));
            } else {
                tn_sbuf_putc(out, c);
            }
            break;
        }
    }
    if (out->oom)
        return tn_err_set(err, TN_NOMEM, "out of memory decoding a string literal");
    return TN_OK;
}
