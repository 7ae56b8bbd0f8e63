/*
 * slt_runner.c -- a sqllogictest runner for tarn, using only the public API (include/tarn.h).
 *
 *   slt_runner [--fail-fast] [--summary] [--verbose] [--ignore-error-text] [--engine NAME]...
 *              FILE_OR_DIR...
 * Directories are searched recursively for *.test and *.slt files (sorted). Each file runs
 * against a fresh database (tarn_open(NULL): relative paths resolve in the working directory).
 * Prints one "path: N passed, M failed, K skipped" line per file (or, with --summary, only the
 * failures and the totals) and exits 1 if any record failed, 2 on usage errors.
 *
 * Records (see /work/shared/notes/sqllogictest-notes.md for the format and its dialects):
 *   statement ok | error | maybe | count N      SQL up to a blank line; "count N" compares N with
 *                                               the statement's single result value (COPY's
 *                                               row count); "statement error" may be
 *                                               followed by ---- and an expected message: a
 *                                               substring of the error, or <REGEX>:re / <!REGEX>:re
 *   query <types> [nosort|rowsort|valuesort] [label]   SQL, ----, expected values
 *   query error                                 like statement error
 *   skipif NAME / onlyif NAME                   conditions on the next record (and on halt); our
 *                                               names are "tarn" plus --engine NAMEs; any other
 *                                               name is "not us"
 *   halt, hash-threshold N, mode skip|unskip, require X (skips the rest of the file),
 *   require-env VAR (skips the file unless VAR is set; ${VAR} is then substituted),
 *   loop VAR A B / foreach VAR v1 v2 ... / endloop (${VAR} substituted in the body)
 * Other directives (load, include, restart, ...) skip the rest of the file, counted as skipped.
 *
 * Values: each result value is the engine's text (tarn_batch_text), then adjusted by the column's
 * type letter: NULL -> "NULL"; "" -> "(empty)"; I: floating and decimal values truncated toward
 * zero (SQLite's rule); R: numbers printed with "%.3f"; T and the rest: the text as is. Booleans
 * stay true/false and also match expected 1/0. When strings differ, a floating/decimal value
 * (or any R column) still matches an expected number equal within 1e-9 relative, which accepts
 * DuckDB-style full-precision expectations.
 * Expected layout: one value per line (SQLite) or one row per line with tab-separated values
 * (DuckDB; chosen when any line holds a tab, or when there are several columns and as many lines
 * as result rows). rowsort sorts rows by strcmp of their values column by column, valuesort
 * sorts all values; both sides are sorted. An expected value "<REGEX>:re" ("<!REGEX>:re") matches
 * a value that the POSIX extended regex re matches (does not match) as a whole. Hashing: when
 * the value count exceeds hash-threshold (> 0) or the query has a label, the MD5 of every value
 * followed by "\n" is compared with the expected "N values hashing to <md5>" line; queries with
 * the same label must hash alike.
 */
#include "tarn.h"
#include "md5.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_VARS 16
#define MAX_ENGINES 8
#define MAX_SHOW_LINES 40

/* ---- options and totals ---- */

typedef struct opts {
    bool fail_fast, summary, verbose, ignore_error_text;
    const char *engines[MAX_ENGINES];
    int nengines;
} opts;

typedef struct stats {
    long pass, fail, skip;
} stats;

/* ---- small utilities ---- */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "slt_runner: out of memory\n");
        exit(2);
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "slt_runner: out of memory\n");
        exit(2);
    }
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

typedef struct strvec {
    char **v;
    size_t n, cap;
} strvec;

static void sv_push(strvec *sv, char *s)
{
    if (sv->n == sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 16;
        sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
    }
    sv->v[sv->n++] = s;
}

static void sv_free(strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static char *sb_take(sbuf *b)
{
    char *p = b->p ? b->p : xstrdup("");
    memset(b, 0, sizeof *b);
    return p;
}

static bool is_blank_line(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return false;
    return true;
}

/* Split line into whitespace-separated words (at most max). Returns count; words are copies. */
static int split_words(const char *line, char **w, int max)
{
    int n = 0;
    const char *p = line;
    while (*p && n < max) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p)
            break;
        const char *s = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        w[n++] = xstrndup(s, (size_t)(p - s));
    }
    return n;
}

static void free_words(char **w, int n)
{
    for (int i = 0; i < n; i++)
        free(w[i]);
}

/* ---- per-file context ---- */

typedef struct var {
    char *name, *value;
} var;

typedef struct label_hash {
    char *label, *hash;
} label_hash;

typedef struct slt {
    const opts *o;
    const char *path;
    char **lines;
    size_t nlines;
    tarn_db *db;
    int hash_threshold;
    bool halted, skip_mode;
    stats st;
    var vars[MAX_VARS];
    int nvars;
    label_hash *labels;
    size_t nlabels;
} slt;

/* Copy of line with ${name} replaced by the variables' values. */
static char *substitute(const slt *f, const char *line)
{
    if (!strstr(line, "${"))
        return xstrdup(line);
    sbuf b = {0};
    const char *p = line;
    while (*p) {
        if (p[0] == '$' && p[1] == '{') {
            const char *e = strchr(p + 2, '}');
            if (e) {
                size_t n = (size_t)(e - (p + 2));
                bool found = false;
                for (int i = f->nvars - 1; i >= 0; i--) {
                    if (strlen(f->vars[i].name) == n && memcmp(f->vars[i].name, p + 2, n) == 0) {
                        sb_puts(&b, f->vars[i].value);
                        found = true;
                        break;
                    }
                }
                if (found) {
                    p = e + 1;
                    continue;
                }
            }
        }
        sb_add(&b, p, 1);
        p++;
    }
    return sb_take(&b);
}

static bool is_us(const slt *f, const char *name)
{
    if (strcmp(name, "tarn") == 0)
        return true;
    for (int i = 0; i < f->o->nengines; i++)
        if (strcmp(name, f->o->engines[i]) == 0)
            return true;
    return false;
}

static void fail_header(slt *f, size_t line, const char *sql)
{
    f->st.fail++;
    printf("FAIL %s:%zu\n", f->path, line + 1);
    if (sql) {
        printf("  SQL: ");
        for (const char *p = sql; *p; p++) {
            putchar(*p);
            if (*p == '\n' && p[1])
                printf("       ");
        }
        if (sql[0] && sql[strlen(sql) - 1] != '\n')
            putchar('\n');
    }
}

/* ---- running SQL ---- */

typedef struct result {
    uint32_t ncols;
    tarn_type *types;
    strvec raw;       /* row-major raw texts; NULL values stored as NULL pointers */
    uint64_t nrows;
} result;

static void result_free(result *r)
{
    for (size_t i = 0; i < r->raw.n; i++)
        free(r->raw.v[i]);
    free(r->raw.v);
    free(r->types);
    memset(r, 0, sizeof *r);
}

/* Run every statement of sql; the last statement that has result columns fills *res (optional).
 * Returns the TARN code of the first failure (message copied into *err, malloc'd). */
static int run_sql(slt *f, const char *sql, result *res, char **err)
{
    const char *p = sql;
    *err = NULL;
    while (p && *p) {
        tarn_stmt *st = NULL;
        const char *tail = NULL;
        int rc = tarn_prepare(f->db, p, &tail, &st);
        if (rc != TARN_OK) {
            *err = xstrdup(tarn_errmsg(f->db) ? tarn_errmsg(f->db) : "");
            tarn_stmt_finalize(st);
            return rc;
        }
        if (!st)
            break;
        uint32_t ncols = tarn_stmt_column_count(st);
        bool keep = res && ncols > 0;
        if (keep) {
            result_free(res);
            res->ncols = ncols;
            res->types = xmalloc(ncols * sizeof *res->types);
            for (uint32_t c = 0; c < ncols; c++)
                res->types[c] = tarn_stmt_column_type(st, c);
        }
        for (;;) {
            tarn_batch *b = NULL;
            rc = tarn_stmt_fetch(st, &b);
            if (rc != TARN_OK) {
                *err = xstrdup(tarn_errmsg(f->db) ? tarn_errmsg(f->db) : "");
                tarn_stmt_finalize(st);
                return rc;
            }
            if (!b)
                break;
            if (!keep)
                continue;
            uint64_t n = tarn_batch_rows(b);
            for (uint64_t r = 0; r < n; r++) {
                for (uint32_t c = 0; c < ncols; c++) {
                    size_t len = 0;
                    const char *s = tarn_batch_text(b, c, r, &len);
                    sv_push(&res->raw, s ? xstrndup(s, len) : NULL);
                }
            }
            res->nrows += n;
        }
        tarn_stmt_finalize(st);
        if (!tail || tail == p)
            break;
        p = tail;
    }
    return TARN_OK;
}

/* ---- value rendering and comparison ---- */

static bool type_is_float(tarn_type t) { return t == TARN_TYPE_FLOAT || t == TARN_TYPE_DOUBLE; }
static bool type_is_numeric(tarn_type t)
{
    return (t >= TARN_TYPE_INT8 && t <= TARN_TYPE_DECIMAL);
}

static char *render_value(char letter, tarn_type t, const char *raw)
{
    char buf[64];
    if (!raw)
        return xstrdup("NULL");
    if (!*raw)
        return xstrdup("(empty)");
    if (letter == 'I' && (type_is_float(t) || t == TARN_TYPE_DECIMAL)) {
        char *end;
        double d = strtod(raw, &end);
        if (*end == 0 && isfinite(d) && fabs(d) < 9.2e18) {
            snprintf(buf, sizeof buf, "%lld", (long long)trunc(d));
            return xstrdup(buf);
        }
    } else if (letter == 'R' && type_is_numeric(t)) {
        char *end;
        double d = strtod(raw, &end);
        if (*end == 0 && isfinite(d)) {
            snprintf(buf, sizeof buf, "%.3f", d);
            return xstrdup(buf);
        }
    }
    return xstrdup(raw);
}

static bool parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return false;
    char *end;
    *out = strtod(s, &end);
    return *end == 0;
}

/* DuckDB's pattern values: "<REGEX>:re" matches a value that re matches as a whole (POSIX ERE;
 * '.' also matches a line feed), "<!REGEX>:re" one it does not. Returns -1 if expected is not a
 * pattern, else 1 / 0. */
static int pattern_matches(const char *expected, const char *actual)
{
    bool negate;
    if (!strncmp(expected, "<REGEX>:", 8))
        negate = false;
    else if (!strncmp(expected, "<!REGEX>:", 9))
        negate = true;
    else
        return -1;
    const char *re_text = expected + (negate ? 9 : 8);
    size_t n = strlen(re_text);
    char *anchored = xmalloc(n + 5);
    snprintf(anchored, n + 5, "^(%s)$", re_text);
    regex_t re;
    int ok = regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB);
    free(anchored);
    if (ok != 0)
        return 0; /* a malformed pattern never matches */
    bool m = regexec(&re, actual, 0, NULL, 0) == 0;
    regfree(&re);
    return m != negate;
}

static bool value_matches(const char *expected, const char *actual, const char *raw, char letter, tarn_type t)
{
    if (strcmp(expected, actual) == 0)
        return true;
    int pm = pattern_matches(expected, actual);
    if (pm >= 0)
        return pm == 1;
    if (t == TARN_TYPE_BOOL && raw) {
        if (strcmp(raw, "true") == 0 && strcmp(expected, "1") == 0)
            return true;
        if (strcmp(raw, "false") == 0 && strcmp(expected, "0") == 0)
            return true;
    }
    if (raw && (letter == 'R' || type_is_float(t) || t == TARN_TYPE_DECIMAL)) {
        double e, a;
        if (parse_double(expected, &e) && parse_double(raw, &a)) {
            if (e == a)
                return true;
            if (isfinite(e) && isfinite(a) && fabs(e - a) <= 1e-9 * fmax(1.0, fabs(a)))
                return true;
        }
    }
    return false;
}

/* ---- sorting ---- */

static size_t g_sort_ncols;

static int cmp_rows(const void *a, const void *b)
{
    char *const *x = *(char **const *)a, *const *y = *(char **const *)b;
    for (size_t c = 0; c < g_sort_ncols; c++) {
        int r = strcmp(x[c], y[c]);
        if (r)
            return r;
    }
    return 0;
}

static int cmp_strs(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sort values (row-major, ncols per row) in place by mode. Rows are moved as units. */
static void sort_values(char **v, size_t n, size_t ncols, const char *mode)
{
    if (!strcmp(mode, "valuesort")) {
        qsort(v, n, sizeof *v, cmp_strs);
    } else if (!strcmp(mode, "rowsort") && ncols > 0 && n % ncols == 0) {
        size_t nrows = n / ncols;
        char ***rows = xmalloc(nrows * sizeof *rows);
        char **copy = xmalloc(n * sizeof *copy);
        memcpy(copy, v, n * sizeof *v);
        for (size_t r = 0; r < nrows; r++)
            rows[r] = copy + r * ncols;
        g_sort_ncols = ncols;
        qsort(rows, nrows, sizeof *rows, cmp_rows);
        for (size_t r = 0; r < nrows; r++)
            memcpy(v + r * ncols, rows[r], ncols * sizeof *v);
        free(rows);
        free(copy);
    }
}

/* ---- records ---- */

typedef struct record {
    size_t line;          /* first line (the directive) */
    char *sql;
    strvec expected;      /* lines after ---- */
    bool has_dashes;
} record;

/* Read the SQL (until a blank line or ----) and the expected lines (until an empty line). Returns
 * the index of the line after the record. */
static size_t read_record(slt *f, size_t i, size_t end, record *rec)
{
    sbuf sql = {0};
    size_t j = i + 1;
    for (; j < end; j++) {
        char *l = substitute(f, f->lines[j]);
        if (is_blank_line(l)) {
            free(l);
            break;
        }
        if (strncmp(l, "----", 4) == 0 && is_blank_line(l + 4)) {
            free(l);
            rec->has_dashes = true;
            j++;
            break;
        }
        if (l[0] != '#') {
            size_t n = strlen(l);
            if (n && l[n - 1] == '\r')
                l[--n] = 0;
            sb_add(&sql, l, n);
            sb_add(&sql, "\n", 1);
        }
        free(l);
    }
    if (rec->has_dashes) {
        for (; j < end; j++) {
            char *l = substitute(f, f->lines[j]);
            size_t n = strlen(l);
            if (n && l[n - 1] == '\r')
                l[--n] = 0;
            if (n == 0) {
                free(l);
                break;
            }
            sv_push(&rec->expected, l);
        }
    }
    rec->sql = sb_take(&sql);
    return j;
}

static void record_free(record *rec)
{
    free(rec->sql);
    sv_free(&rec->expected);
}

static bool error_text_matches(const char *pattern, const char *msg)
{
    if (!strncmp(pattern, "<REGEX>:", 8) || !strncmp(pattern, "<!REGEX>:", 9)) {
        bool negate = pattern[1] == '!';
        regex_t re;
        if (regcomp(&re, pattern + (negate ? 9 : 8), REG_EXTENDED | REG_NOSUB) != 0)
            return false;
        bool m = regexec(&re, msg, 0, NULL, 0) == 0;
        regfree(&re);
        return negate ? !m : m;
    }
    return strstr(msg, pattern) != NULL;
}

static void do_statement(slt *f, size_t line, const char *kind, const char *count, record *rec)
{
    char *err = NULL;
    result res;
    memset(&res, 0, sizeof res);
    bool want_count = !strcmp(kind, "count");
    int rc = run_sql(f, rec->sql, want_count ? &res : NULL, &err);
    if (!strcmp(kind, "maybe")) {
        f->st.pass++;
    } else if (!strcmp(kind, "error")) {
        if (rc == TARN_OK) {
            fail_header(f, line, rec->sql);
            printf("  expected an error, but the statement succeeded\n");
        } else if (rec->expected.n && !f->o->ignore_error_text) {
            sbuf want = {0};
            for (size_t k = 0; k < rec->expected.n; k++) {
                if (k)
                    sb_add(&want, "\n", 1);
                sb_puts(&want, rec->expected.v[k]);
            }
            if (error_text_matches(want.p, err ? err : "")) {
                f->st.pass++;
            } else {
                fail_header(f, line, rec->sql);
                printf("  expected error containing: %s\n  actual error: %s\n", want.p, err ? err : "");
            }
            free(want.p);
        } else {
            f->st.pass++;
        }
    } else { /* ok, count N */
        if (rc != TARN_OK) {
            fail_header(f, line, rec->sql);
            printf("  statement failed: %s\n", err ? err : "");
        } else if (want_count) {
            /* the affected-row count is the single value of the statement's result (COPY) */
            const char *got = res.nrows == 1 && res.ncols == 1 && res.raw.v[0] ? res.raw.v[0] : NULL;
            if (got && count && !strcmp(got, count)) {
                f->st.pass++;
            } else {
                fail_header(f, line, rec->sql);
                printf("  expected count %s, got %s\n", count ? count : "?", got ? got : "no single count value");
            }
        } else {
            f->st.pass++;
        }
    }
    result_free(&res);
    free(err);
}

static void print_values(const char *title, char **v, size_t n, size_t ncols)
{
    printf("  %s (%zu values):\n", title, n);
    size_t shown = 0;
    for (size_t i = 0; i < n && shown < MAX_SHOW_LINES; shown++) {
        printf("    ");
        for (size_t c = 0; c < ncols && i < n; c++, i++)
            printf("%s%s", c ? "\t" : "", v[i]);
        putchar('\n');
        if (ncols == 0)
            i++;
    }
    if (shown == MAX_SHOW_LINES && n > MAX_SHOW_LINES * (ncols ? ncols : 1))
        printf("    ...\n");
}

static void hash_values(char **v, size_t n, char out[33])
{
    md5_ctx c;
    md5_init(&c);
    for (size_t i = 0; i < n; i++) {
        md5_update(&c, v[i], strlen(v[i]));
        md5_update(&c, "\n", 1);
    }
    md5_hex(&c, out);
}

static void do_query(slt *f, size_t line, char **w, int nw, record *rec)
{
    const char *types = nw > 1 ? w[1] : "";
    const char *sortmode = "nosort";
    const char *label = NULL;
    if (nw > 2) {
        if (!strcmp(w[2], "nosort") || !strcmp(w[2], "rowsort") || !strcmp(w[2], "valuesort"))
            sortmode = w[2];
        if (nw > 3)
            label = w[3];
    }
    result res;
    memset(&res, 0, sizeof res);
    char *err = NULL;
    int rc = run_sql(f, rec->sql, &res, &err);
    char **actual = NULL, **raw_sorted = NULL;
    char **expect = NULL;
    size_t nexp = 0, nval = 0;
    if (rc != TARN_OK) {
        fail_header(f, line, rec->sql);
        printf("  query failed: %s\n", err ? err : "");
        goto done;
    }
    size_t ncols = res.ncols;
    if (strlen(types) != ncols) {
        fail_header(f, line, rec->sql);
        printf("  expected %zu columns (\"%s\"), got %zu\n", strlen(types), types, ncols);
        goto done;
    }
    nval = res.raw.n;
    /* render; keep (rendered, raw, column) triples together through sorting via an index array */
    actual = xmalloc((nval ? nval : 1) * sizeof *actual);
    for (size_t i = 0; i < nval; i++) {
        size_t c = ncols ? i % ncols : 0;
        actual[i] = render_value(types[c], res.types[c], res.raw.v[i]);
    }
    /* sort; for rowsort the raw texts travel with their rendered values */
    {
        size_t nrows = ncols ? nval / ncols : 0;
        if (!strcmp(sortmode, "rowsort") && ncols) {
            char ***rows = xmalloc((nrows ? nrows : 1) * sizeof *rows);
            for (size_t r = 0; r < nrows; r++) {
                rows[r] = xmalloc(2 * ncols * sizeof **rows);
                for (size_t c = 0; c < ncols; c++) {
                    rows[r][c] = actual[r * ncols + c];
                    rows[r][ncols + c] = res.raw.v[r * ncols + c];
                }
            }
            g_sort_ncols = ncols;
            qsort(rows, nrows, sizeof *rows, cmp_rows);
            raw_sorted = xmalloc((nval ? nval : 1) * sizeof *raw_sorted);
            for (size_t r = 0; r < nrows; r++) {
                for (size_t c = 0; c < ncols; c++) {
                    actual[r * ncols + c] = rows[r][c];
                    raw_sorted[r * ncols + c] = rows[r][ncols + c];
                }
                free(rows[r]);
            }
            free(rows);
        } else if (!strcmp(sortmode, "valuesort")) {
            qsort(actual, nval, sizeof *actual, cmp_strs);
        }
    }
    char **raw = raw_sorted ? raw_sorted : res.raw.v;
    bool positional = strcmp(sortmode, "valuesort") != 0; /* raw/type lookups valid per index */

    /* hashing */
    bool hashed = rec->expected.n == 1 && strstr(rec->expected.v[0], " values hashing to ");
    bool want_hash = label || (f->hash_threshold > 0 && nval > (size_t)f->hash_threshold) || hashed;
    if (want_hash) {
        char h[33];
        hash_values(actual, nval, h);
        if (label) {
            bool seen = false;
            for (size_t k = 0; k < f->nlabels; k++) {
                if (!strcmp(f->labels[k].label, label)) {
                    seen = true;
                    if (strcmp(f->labels[k].hash, h) != 0) {
                        fail_header(f, line, rec->sql);
                        printf("  label %s: hash %s differs from an earlier result %s\n", label, h,
                               f->labels[k].hash);
                        goto done;
                    }
                }
            }
            if (!seen) {
                f->labels = xrealloc(f->labels, (f->nlabels + 1) * sizeof *f->labels);
                f->labels[f->nlabels].label = xstrdup(label);
                f->labels[f->nlabels].hash = xstrdup(h);
                f->nlabels++;
            }
        }
        if (hashed) {
            char want[128];
            snprintf(want, sizeof want, "%zu values hashing to %s", nval, h);
            if (strcmp(want, rec->expected.v[0]) == 0) {
                f->st.pass++;
            } else {
                fail_header(f, line, rec->sql);
                printf("  expected: %s\n  actual:   %s\n", rec->expected.v[0], want);
                print_values("actual", actual, nval, ncols);
            }
            goto done;
        }
        if (label && !rec->has_dashes) {
            f->st.pass++; /* labelled query without an expected block: the hash is only recorded */
            goto done;
        }
    }

    /* expected values: one per line, or tab-separated rows */
    {
        bool rowwise = false;
        for (size_t k = 0; k < rec->expected.n; k++)
            if (strchr(rec->expected.v[k], '\t'))
                rowwise = true;
        if (ncols > 1 && rec->expected.n == res.nrows)
            rowwise = true;
        strvec ev = {0};
        for (size_t k = 0; k < rec->expected.n; k++) {
            const char *l = rec->expected.v[k];
            if (!rowwise) {
                sv_push(&ev, xstrdup(l));
                continue;
            }
            const char *p = l;
            for (;;) {
                const char *tab = strchr(p, '\t');
                size_t n = tab ? (size_t)(tab - p) : strlen(p);
                sv_push(&ev, xstrndup(p, n));
                if (!tab)
                    break;
                p = tab + 1;
            }
        }
        expect = ev.v;
        nexp = ev.n;
        sort_values(expect, nexp, ncols, sortmode);
    }
    bool ok = nexp == nval;
    for (size_t i = 0; ok && i < nval; i++) {
        size_t c = ncols ? i % ncols : 0;
        const char *rw = positional ? raw[i] : NULL;
        if (!value_matches(expect[i], actual[i], rw, types[c], positional ? res.types[c] : TARN_TYPE_VARCHAR))
            ok = false;
    }
    if (ok) {
        f->st.pass++;
    } else {
        fail_header(f, line, rec->sql);
        print_values("expected", expect, nexp, ncols);
        print_values("actual", actual, nval, ncols);
    }
done:
    if (actual)
        for (size_t i = 0; i < nval; i++)
            free(actual[i]);
    free(actual);
    free(raw_sorted);
    if (expect)
        for (size_t i = 0; i < nexp; i++)
            free(expect[i]);
    free(expect);
    free(err);
    result_free(&res);
}

/* Skip a record's lines (SQL and expected block) without running it. */
static size_t skip_record(slt *f, size_t i, size_t end)
{
    record rec;
    memset(&rec, 0, sizeof rec);
    size_t j = read_record(f, i, end, &rec);
    record_free(&rec);
    return j;
}

/* Index of the endloop matching the loop at line i, or end if none. */
static size_t find_endloop(slt *f, size_t i, size_t end)
{
    int depth = 0;
    for (size_t j = i + 1; j < end; j++) {
        char *w[2];
        int nw = split_words(f->lines[j], w, 2);
        bool open = nw && (!strcmp(w[0], "loop") || !strcmp(w[0], "foreach") || !strcmp(w[0], "concurrentloop"));
        bool close = nw && !strcmp(w[0], "endloop");
        free_words(w, nw);
        if (open)
            depth++;
        if (close) {
            if (depth == 0)
                return j;
            depth--;
        }
    }
    return end;
}

static void run_lines(slt *f, size_t begin, size_t end);

static void run_loop_body(slt *f, const char *name, const char *value, size_t begin, size_t end)
{
    if (f->nvars >= MAX_VARS)
        return;
    f->vars[f->nvars].name = xstrdup(name);
    f->vars[f->nvars].value = xstrdup(value);
    f->nvars++;
    run_lines(f, begin, end);
    f->nvars--;
    free(f->vars[f->nvars].name);
    free(f->vars[f->nvars].value);
}

static bool should_stop(const slt *f)
{
    return f->halted || (f->o->fail_fast && f->st.fail > 0);
}

static void run_lines(slt *f, size_t begin, size_t end)
{
    bool skip_next = false;
    size_t i = begin;
    while (i < end && !should_stop(f)) {
        const char *raw_line = f->lines[i];
        if (is_blank_line(raw_line) || raw_line[0] == '#') {
            i++;
            continue;
        }
        char *line = substitute(f, raw_line);
        char *w[8];
        int nw = split_words(line, w, 8);
        free(line);
        const char *kw = nw ? w[0] : "";
        if (!strcmp(kw, "skipif") || !strcmp(kw, "onlyif")) {
            if (nw >= 2) {
                bool us = is_us(f, w[1]);
                if ((kw[0] == 's' && us) || (kw[0] == 'o' && !us))
                    skip_next = true;
            }
            i++;
        } else if (!strcmp(kw, "statement") || !strcmp(kw, "query")) {
            bool query_error = !strcmp(kw, "query") && nw > 1 && !strcmp(w[1], "error");
            if (skip_next || f->skip_mode) {
                i = skip_record(f, i, end);
                f->st.skip++;
            } else {
                record rec;
                memset(&rec, 0, sizeof rec);
                size_t next = read_record(f, i, end, &rec);
                if (f->o->verbose)
                    printf("  %s:%zu %s\n", f->path, i + 1, kw);
                if (kw[0] == 's' || query_error)
                    do_statement(f, i, query_error ? "error" : nw > 1 ? w[1] : "ok", nw > 2 ? w[2] : NULL, &rec);
                else
                    do_query(f, i, w, nw, &rec);
                record_free(&rec);
                i = next;
            }
            skip_next = false;
        } else if (!strcmp(kw, "halt")) {
            if (!skip_next && !f->skip_mode)
                f->halted = true;
            skip_next = false;
            i++;
        } else if (!strcmp(kw, "hash-threshold")) {
            if (nw > 1)
                f->hash_threshold = atoi(w[1]);
            i++;
        } else if (!strcmp(kw, "mode")) {
            if (nw > 1 && !strcmp(w[1], "skip"))
                f->skip_mode = true;
            else if (nw > 1 && !strcmp(w[1], "unskip"))
                f->skip_mode = false;
            i++;
        } else if (!strcmp(kw, "require-env")) {
            const char *v = nw > 1 ? getenv(w[1]) : NULL;
            if (!v || !*v) {
                printf("SKIP %s: environment variable %s not set\n", f->path, nw > 1 ? w[1] : "?");
                f->st.skip++;
                f->halted = true;
            } else if (f->nvars < MAX_VARS) {
                f->vars[f->nvars].name = xstrdup(w[1]);
                f->vars[f->nvars].value = xstrdup(v);
                f->nvars++;
            }
            i++;
        } else if (!strcmp(kw, "loop") || !strcmp(kw, "foreach")) {
            size_t stop = find_endloop(f, i, end);
            if (stop == end) {
                fail_header(f, i, NULL);
                printf("  %s without endloop\n", kw);
                f->halted = true;
            } else if (skip_next || f->skip_mode) {
                f->st.skip++;
            } else if (kw[0] == 'l' && nw >= 4) {
                long a = strtol(w[2], NULL, 10), b = strtol(w[3], NULL, 10);
                for (long v = a; v < b && !should_stop(f); v++) {
                    char num[32];
                    snprintf(num, sizeof num, "%ld", v);
                    run_loop_body(f, w[1], num, i + 1, stop);
                }
            } else if (kw[0] == 'f' && nw >= 3) {
                for (int k = 2; k < nw && !should_stop(f); k++)
                    run_loop_body(f, w[1], w[k], i + 1, stop);
            } else {
                fail_header(f, i, NULL);
                printf("  malformed %s\n", kw);
            }
            skip_next = false;
            i = stop + 1;
        } else if (!strcmp(kw, "require")) {
            printf("SKIP %s: require %s\n", f->path, nw > 1 ? w[1] : "");
            f->st.skip++;
            f->halted = true;
        } else {
            printf("SKIP %s:%zu: unsupported directive \"%s\"; rest of file skipped\n", f->path, i + 1, kw);
            f->st.skip++;
            f->halted = true;
        }
        free_words(w, nw);
    }
}

/* ---- files ---- */

static char *read_file(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    sbuf b = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        sb_add(&b, chunk, got);
    fclose(fp);
    *n = b.len;
    return sb_take(&b);
}

static stats run_file(const opts *o, const char *path)
{
    slt f;
    memset(&f, 0, sizeof f);
    f.o = o;
    f.path = path;
    size_t n = 0;
    char *text = read_file(path, &n);
    if (!text) {
        printf("FAIL %s: cannot read: %s\n", path, strerror(errno));
        f.st.fail = 1;
        return f.st;
    }
    /* split into lines in place */
    size_t cap = 64;
    f.lines = xmalloc(cap * sizeof *f.lines);
    char *p = text;
    while (p < text + n) {
        char *nl = memchr(p, '\n', (size_t)(text + n - p));
        if (nl)
            *nl = 0;
        if (f.nlines == cap) {
            cap *= 2;
            f.lines = xrealloc(f.lines, cap * sizeof *f.lines);
        }
        f.lines[f.nlines++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    int rc = tarn_open(NULL, &f.db);
    if (rc != TARN_OK) {
        printf("FAIL %s: tarn_open: %s\n", path, f.db ? tarn_errmsg(f.db) : "failed");
        f.st.fail++;
    } else {
        run_lines(&f, 0, f.nlines);
    }
    tarn_close(f.db);
    for (int i = 0; i < f.nvars; i++) {
        free(f.vars[i].name);
        free(f.vars[i].value);
    }
    for (size_t i = 0; i < f.nlabels; i++) {
        free(f.labels[i].label);
        free(f.labels[i].hash);
    }
    free(f.labels);
    free(f.lines);
    free(text);
    return f.st;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static void collect(const char *path, strvec *out, int depth)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "slt_runner: %s: %s\n", path, strerror(errno));
        sv_push(out, xstrdup(path)); /* reported as a failure when run */
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        sv_push(out, xstrdup(path));
        return;
    }
    if (depth > 32)
        return;
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *child = xmalloc(n);
        snprintf(child, n, "%s/%s", path, e->d_name);
        struct stat cs;
        if (stat(child, &cs) == 0 && S_ISDIR(cs.st_mode))
            collect(child, out, depth + 1);
        else if (has_suffix(e->d_name, ".test") || has_suffix(e->d_name, ".slt"))
            sv_push(out, xstrdup(child));
        free(child);
    }
    closedir(d);
}

static void usage(void)
{
    fprintf(stderr, "usage: slt_runner [--fail-fast] [--summary] [--verbose] [--ignore-error-text] "
                    "[--engine NAME]... FILE_OR_DIR...\n");
}

int main(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    strvec files = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--fail-fast"))
            o.fail_fast = true;
        else if (!strcmp(a, "--summary"))
            o.summary = true;
        else if (!strcmp(a, "--verbose"))
            o.verbose = true;
        else if (!strcmp(a, "--ignore-error-text"))
            o.ignore_error_text = true;
        else if (!strcmp(a, "--engine") && i + 1 < argc && o.nengines < MAX_ENGINES)
            o.engines[o.nengines++] = argv[++i];
        else if (a[0] == '-' && a[1]) {
            usage();
            return 2;
        } else {
            strvec part = {0};
            collect(a, &part, 0);
            qsort(part.v, part.n, sizeof *part.v, cmp_strs);
            for (size_t k = 0; k < part.n; k++)
                sv_push(&files, part.v[k]);
            free(part.v);
        }
    }
    if (files.n == 0) {
        usage();
        sv_free(&files);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    stats total = {0, 0, 0};
    long files_failed = 0;
    for (size_t k = 0; k < files.n; k++) {
        stats s = run_file(&o, files.v[k]);
        total.pass += s.pass;
        total.fail += s.fail;
        total.skip += s.skip;
        if (s.fail)
            files_failed++;
        if (!o.summary || s.fail)
            printf("%s %s: %ld passed, %ld failed, %ld skipped\n", s.fail ? "FAILED" : "ok", files.v[k], s.pass,
                   s.fail, s.skip);
        if (o.fail_fast && s.fail)
            break;
    }
    printf("total: %zu files (%ld with failures), %ld records passed, %ld failed, %ld skipped\n", files.n,
           files_failed, total.pass, total.fail, total.skip);
    sv_free(&files);
    return total.fail ? 1 : 0;
}
