/*
 * output.c -- rendering query results in the shell's output modes, compatible with the sqlite3
 * and duckdb shells. Values come from tarn_batch_text, i.e. the engine's own text rendering.
 *
 * Streaming modes write each batch as it arrives (constant memory):
 *   csv   RFC 4180: fields containing ',', '"', CR or LF are quoted and inner quotes doubled; NULL
 *         is an empty field and an empty string "" (as sqlite3 prints them, so the two stay
 *         distinguishable); optional header row; LF line ends.
 *   json  one JSON array per statement, one row object per line ([{"a":1},\n{"a":2}]); an empty
 *         result prints []. Integers, decimals and finite floats are JSON numbers, booleans
 *         true/false, NULL null; NaN and infinities are the strings "nan", "inf", "-inf" (JSON
 *         has no such numbers); everything else (dates, timestamps, text, blobs as their escaped
 *         text) is a JSON string with \" \\ \b \f \n \r \t and \u00XX escapes. LIST, STRUCT and
 *         MAP values are written as tarn_batch_json renders them (arrays and objects).
 *   line  one "name = value" line per column, names right-aligned, a blank line between rows.
 *   list  values separated by '|', optional header row, NULL as "NULL", no quoting.
 * Tabular modes collect the result first (sh_table_collect):
 *   markdown  | a | b | header, |---|---| rule, cells padded to the column width, '|' inside a
 *             value escaped as \|; every row kept.
 *   box       output_box.c; keeps the first and last rows only.
 */
#include "shell.h"
#include <stdlib.h>
#include <string.h>

bool sh_mode_parse(const char *name, sh_mode *out)
{
    static const struct { const char *name; sh_mode mode; } modes[] = {
        {"box", SH_MODE_BOX},   {"duckbox", SH_MODE_BOX},   {"csv", SH_MODE_CSV},
        {"json", SH_MODE_JSON}, {"line", SH_MODE_LINE},     {"markdown", SH_MODE_MARKDOWN},
        {"list", SH_MODE_LIST},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(name, modes[i].name) == 0) {
            *out = modes[i].mode;
            return true;
        }
    }
    return false;
}

const char *sh_mode_name(sh_mode m)
{
    switch (m) {
    case SH_MODE_BOX: return "box";
    case SH_MODE_CSV: return "csv";
    case SH_MODE_JSON: return "json";
    case SH_MODE_LINE: return "line";
    case SH_MODE_MARKDOWN: return "markdown";
    case SH_MODE_LIST: return "list";
    }
    return "?";
}

static bool type_is_number(tarn_type t)
{
    switch (t) {
    case TARN_TYPE_INT8: case TARN_TYPE_INT16: case TARN_TYPE_INT32: case TARN_TYPE_INT64:
    case TARN_TYPE_UINT8: case TARN_TYPE_UINT16: case TARN_TYPE_UINT32: case TARN_TYPE_UINT64:
    case TARN_TYPE_HUGEINT: case TARN_TYPE_FLOAT: case TARN_TYPE_DOUBLE: case TARN_TYPE_DECIMAL:
        return true;
    default:
        return false;
    }
}

/* The lower-case type names DuckDB's box header shows. */
static char *box_type_name(const tarn_stmt *st, uint32_t c)
{
    static const struct { const char *sql, *box; } map[] = {
        {"BOOLEAN", "boolean"}, {"TINYINT", "int8"},    {"SMALLINT", "int16"},  {"INTEGER", "int32"},
        {"BIGINT", "int64"},    {"HUGEINT", "int128"},  {"UTINYINT", "uint8"},  {"USMALLINT", "uint16"},
        {"UINTEGER", "uint32"}, {"UBIGINT", "uint64"},  {"NULL", "\"null\""},
    };
    const char *n = tarn_stmt_column_type_name(st, c);
    if (!n)
        n = "";
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(n, map[i].sql) == 0)
            return sh_strndup(map[i].box, strlen(map[i].box));
    size_t len = strlen(n);
    char *r = sh_strndup(n, len);
    if (r)
        for (size_t i = 0; i < len; i++)
            if (r[i] >= 'A' && r[i] <= 'Z')
                r[i] = (char)(r[i] - 'A' + 'a');
    return r;
}

static char *escaped_dup(const char *s, size_t n, bool multiline)
{
    sh_buf b = SH_BUF_INIT;
    sh_display_escape(&b, s, n, multiline);
    if (b.oom) {
        sh_buf_free(&b);
        return NULL;
    }
    if (!b.p)
        return sh_strndup("", 0);
    return b.p; /* ownership moves to the caller */
}

/* ---- collected tables ---- */

/* Sentinel for a SQL NULL cell (never freed; distinct from any malloc'd pointer). */
static char g_null_cell[] = "NULL";

static void free_cell(char *p)
{
    if (p != g_null_cell)
        free(p);
}

static void free_row_cells(char **row, uint32_t ncols)
{
    if (!row)
        return;
    for (uint32_t c = 0; c < ncols; c++)
        free_cell(row[c]);
    free(row);
}

void sh_table_free(sh_table *t)
{
    if (t->names)
        for (uint32_t c = 0; c < t->ncols; c++)
            free(t->names[c]);
    if (t->types)
        for (uint32_t c = 0; c < t->ncols; c++)
            free(t->types[c]);
    free(t->names);
    free(t->types);
    free(t->numeric);
    for (uint64_t i = 0; i < t->nhead; i++)
        free_row_cells(t->head[i], t->ncols);
    free(t->head);
    if (t->tail)
        for (uint64_t i = 0; i < t->ntail; i++)
            free_row_cells(t->tail[i], t->ncols);
    free(t->tail);
    memset(t, 0, sizeof *t);
}

char **sh_table_row(const sh_table *t, uint64_t i)
{
    if (i < t->nhead)
        return t->head[i];
    i -= t->nhead;
    return t->tail[(t->tail_start + i) % t->keep_tail];
}

static char **make_row(tarn_batch *b, uint32_t ncols, uint64_t r, bool multiline)
{
    char **row = calloc(ncols ? ncols : 1, sizeof *row);
    if (!row)
        return NULL;
    for (uint32_t c = 0; c < ncols; c++) {
        size_t len = 0;
        const char *s = tarn_batch_text(b, c, r, &len);
        if (!s) {
            row[c] = g_null_cell;
            continue;
        }
        row[c] = escaped_dup(s, len, multiline);
        if (!row[c]) {
            free_row_cells(row, c);
            return NULL;
        }
    }
    return row;
}

bool sh_cell_is_null(const char *cell) { return cell == g_null_cell; }

int sh_table_collect(sh_table *t, tarn_stmt *st, uint64_t keep_head, uint64_t keep_tail, bool multiline)
{
    int rc = TARN_OK;
    memset(t, 0, sizeof *t);
    t->multiline = multiline;
    uint32_t ncols = tarn_stmt_column_count(st);
    t->ncols = ncols;
    t->names = calloc(ncols ? ncols : 1, sizeof *t->names);
    t->types = calloc(ncols ? ncols : 1, sizeof *t->types);
    t->numeric = calloc(ncols ? ncols : 1, sizeof *t->numeric);
    if (!t->names || !t->types || !t->numeric)
        return TARN_NOMEM;
    for (uint32_t c = 0; c < ncols; c++) {
        const char *n = tarn_stmt_column_name(st, c);
        if (!n)
            n = "";
        t->names[c] = escaped_dup(n, strlen(n), false);
        t->types[c] = box_type_name(st, c);
        t->numeric[c] = type_is_number(tarn_stmt_column_type(st, c));
        if (!t->names[c] || !t->types[c])
            return TARN_NOMEM;
    }
    t->keep_tail = keep_tail;
    if (keep_tail) {
        t->tail = calloc(keep_tail, sizeof *t->tail);
        if (!t->tail)
            return TARN_NOMEM;
    }
    for (;;) {
        tarn_batch *b = NULL;
        rc = tarn_stmt_fetch(st, &b);
        if (rc != TARN_OK || !b)
            break;
        uint64_t n = tarn_batch_rows(b);
        for (uint64_t r = 0; r < n; r++, t->total++) {
            if (t->nhead < keep_head) {
                if (t->nhead == t->head_cap) {
                    uint64_t nc = t->head_cap ? t->head_cap * 2 : 64;
                    if (nc > keep_head)
                        nc = keep_head;
                    char ***nh = realloc(t->head, nc * sizeof *nh);
                    if (!nh)
                        return TARN_NOMEM;
                    t->head = nh;
                    t->head_cap = nc;
                }
                char **row = make_row(b, ncols, r, multiline);
                if (!row)
                    return TARN_NOMEM;
                t->head[t->nhead++] = row;
            } else if (keep_tail && n - r <= keep_tail) {
                /* (earlier rows of the batch would leave the ring within this batch: skipped) */
                char **row = make_row(b, ncols, r, multiline);
                if (!row)
                    return TARN_NOMEM;
                if (t->ntail < keep_tail) {
                    t->tail[(t->tail_start + t->ntail) % keep_tail] = row;
                    t->ntail++;
                } else {
                    free_row_cells(t->tail[t->tail_start], ncols);
                    t->tail[t->tail_start] = row;
                    t->tail_start = (t->tail_start + 1) % keep_tail;
                }
            }
        }
    }
    return rc;
}

/* ---- csv ---- */

static void csv_field(FILE *f, const char *s, size_t n)
{
    bool quote = n == 0; /* "" for an empty string; NULL is written as nothing by the caller */
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r') {
            quote = true;
            break;
        }
    }
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            fwrite(s + run, 1, i + 1 - run, f);
            fputc('"', f);
            run = i + 1;
        }
    }
    fwrite(s + run, 1, n - run, f);
    fputc('"', f);
}

/* ---- json ---- */

/* Append s[0..n) to b as a JSON string literal. */
static void json_string(sh_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    sh_buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        sh_buf_add(b, s + run, i - run);
        switch (c) {
        case '"': sh_buf_puts(b, "\\\""); break;
        case '\\': sh_buf_puts(b, "\\\\"); break;
        case '\b': sh_buf_puts(b, "\\b"); break;
        case '\f': sh_buf_puts(b, "\\f"); break;
        case '\n': sh_buf_puts(b, "\\n"); break;
        case '\r': sh_buf_puts(b, "\\r"); break;
        case '\t': sh_buf_puts(b, "\\t"); break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            sh_buf_add(b, e, 6);
            break;
        }
        }
        run = i + 1;
    }
    sh_buf_add(b, s + run, n - run);
    sh_buf_putc(b, '"');
}

static bool type_is_nested(tarn_type t)
{
    return t == TARN_TYPE_LIST || t == TARN_TYPE_STRUCT || t == TARN_TYPE_MAP;
}

static void json_value(sh_buf *b, tarn_type t, const char *s, size_t n)
{
    if (!s) {
        sh_buf_puts(b, "null");
        return;
    }
    if (t == TARN_TYPE_BOOL) {
        sh_buf_add(b, s, n);
        return;
    }
    if (type_is_number(t)) {
        bool finite = n > 0;
        if (t == TARN_TYPE_FLOAT || t == TARN_TYPE_DOUBLE) {
            /* nan, inf, -inf are not JSON numbers */
            const char *p = s;
            size_t m = n;
            if (m && *p == '-')
                p++, m--;
            if (m && (*p == 'n' || *p == 'i' || *p == 'N' || *p == 'I'))
                finite = false;
        }
        if (finite) {
            sh_buf_add(b, s, n);
            return;
        }
    }
    json_string(b, s, n);
}

/* ---- streaming renderer ---- */

/* Per-column text written before each value: json ",\"name\":" (no comma for the first
 * column), line "  name = " (names right-aligned). NULL entries on OOM. */
static char **column_prefixes(const sh_out *out, tarn_stmt *st, uint32_t ncols)
{
    char **pre = calloc(ncols ? ncols : 1, sizeof *pre);
    if (!pre)
        return NULL;
    int name_w = 0;
    for (uint32_t c = 0; c < ncols; c++) {
        const char *n = tarn_stmt_column_name(st, c);
        int w = n ? sh_display_width(n, strlen(n)) : 0;
        if (w > name_w)
            name_w = w;
    }
    for (uint32_t c = 0; c < ncols; c++) {
        const char *n = tarn_stmt_column_name(st, c);
        if (!n)
            n = "";
        sh_buf b = SH_BUF_INIT;
        if (out->mode == SH_MODE_JSON) {
            if (c)
                sh_buf_putc(&b, ',');
            json_string(&b, n, strlen(n));
            sh_buf_putc(&b, ':');
        } else {
            sh_buf_repeat(&b, " ", name_w - sh_display_width(n, strlen(n)));
            sh_buf_puts(&b, n);
            sh_buf_puts(&b, " = ");
        }
        if (b.oom || !b.p) {
            sh_buf_free(&b);
            for (uint32_t k = 0; k < c; k++)
                free(pre[k]);
            free(pre);
            return NULL;
        }
        pre[c] = b.p; /* ownership moves to the array */
    }
    return pre;
}

static int render_stream(const sh_out *out, tarn_stmt *st, uint64_t *nrows)
{
    FILE *f = out->f;
    uint32_t ncols = tarn_stmt_column_count(st);
    int rc = TARN_OK;
    uint64_t total = 0;
    sh_buf row = SH_BUF_INIT;
    char **pre = NULL;
    tarn_type *types = calloc(ncols ? ncols : 1, sizeof *types);
    if (!types) {
        rc = TARN_NOMEM;
        goto done;
    }
    for (uint32_t c = 0; c < ncols; c++)
        types[c] = tarn_stmt_column_type(st, c);
    if (out->mode == SH_MODE_JSON || out->mode == SH_MODE_LINE) {
        pre = column_prefixes(out, st, ncols);
        if (!pre) {
            rc = TARN_NOMEM;
            goto done;
        }
    }
    if (out->headers && (out->mode == SH_MODE_CSV || out->mode == SH_MODE_LIST)) {
        for (uint32_t c = 0; c < ncols; c++) {
            const char *n = tarn_stmt_column_name(st, c);
            if (!n)
                n = "";
            if (c)
                fputc(out->mode == SH_MODE_CSV ? ',' : '|', f);
            if (out->mode == SH_MODE_CSV)
                csv_field(f, n, strlen(n));
            else
                fputs(n, f);
        }
        fputc('\n', f);
    }
    if (out->mode == SH_MODE_JSON)
        fputc('[', f);
    for (;;) {
        tarn_batch *b = NULL;
        rc = tarn_stmt_fetch(st, &b);
        if (rc != TARN_OK || !b)
            break;
        uint64_t n = tarn_batch_rows(b);
        for (uint64_t r = 0; r < n; r++, total++) {
            if (out->mode == SH_MODE_CSV || out->mode == SH_MODE_LIST) {
                for (uint32_t c = 0; c < ncols; c++) {
                    size_t len = 0;
                    const char *s = tarn_batch_text(b, c, r, &len);
                    if (c)
                        fputc(out->mode == SH_MODE_CSV ? ',' : '|', f);
                    if (out->mode == SH_MODE_CSV) {
                        if (s)
                            csv_field(f, s, len);
                    } else if (s) {
                        fwrite(s, 1, len, f);
                    } else {
                        fputs("NULL", f);
                    }
                }
                fputc('\n', f);
                continue;
            }
            /* json, line: the row is built in a buffer and written at once */
            sh_buf_reset(&row);
            if (out->mode == SH_MODE_JSON)
                sh_buf_puts(&row, total ? ",\n{" : "{");
            else if (total)
                sh_buf_putc(&row, '\n');
            for (uint32_t c = 0; c < ncols; c++) {
                size_t len = 0;
                sh_buf_puts(&row, pre[c]);
                if (out->mode == SH_MODE_JSON && type_is_nested(types[c])) {
                    /* already a JSON value (array / object, or null) */
                    const char *j = tarn_batch_json(b, c, r, &len);
                    if (!j) {
                        rc = TARN_NOMEM;
                        goto done;
                    }
                    sh_buf_add(&row, j, len);
                    continue;
                }
                const char *s = tarn_batch_text(b, c, r, &len);
                if (out->mode == SH_MODE_JSON) {
                    json_value(&row, types[c], s, len);
                } else {
                    if (s)
                        sh_buf_add(&row, s, len);
                    else
                        sh_buf_puts(&row, "NULL");
                    sh_buf_putc(&row, '\n');
                }
            }
            if (out->mode == SH_MODE_JSON)
                sh_buf_putc(&row, '}');
            if (row.oom) {
                rc = TARN_NOMEM;
                goto done;
            }
            fwrite(row.p, 1, row.len, f);
        }
    }
    if (out->mode == SH_MODE_JSON)
        fputs("]\n", f);
done:
    if (pre)
        for (uint32_t c = 0; c < ncols; c++)
            free(pre[c]);
    free(pre);
    free(types);
    sh_buf_free(&row);
    if (nrows)
        *nrows = total;
    return rc;
}

/* ---- markdown ---- */

/* Display width of a markdown cell: its text plus one backslash per escaped '|'. */
static int md_width(const char *s)
{
    int w = sh_display_width(s, strlen(s));
    for (const char *p = strchr(s, '|'); p; p = strchr(p + 1, '|'))
        w++;
    return w;
}

static void md_cell(FILE *f, const char *s, int width)
{
    fputc(' ', f);
    for (const char *p = s; *p; p++) {
        if (*p == '|')
            fputc('\\', f);
        fputc(*p, f);
    }
    int pad = width - md_width(s);
    for (int i = 0; i < pad; i++)
        fputc(' ', f);
    fputs(" |", f);
}

static void markdown_print(const sh_out *out, const sh_table *t)
{
    FILE *f = out->f;
    int *w = calloc(t->ncols ? t->ncols : 1, sizeof *w);
    if (!w)
        return;
    uint64_t nrows = t->nhead + t->ntail;
    for (uint32_t c = 0; c < t->ncols; c++) {
        w[c] = md_width(t->names[c]);
        if (w[c] < 1)
            w[c] = 1;
        for (uint64_t r = 0; r < nrows; r++) {
            int cw = md_width(sh_table_row(t, r)[c]);
            if (cw > w[c])
                w[c] = cw;
        }
    }
    fputc('|', f);
    for (uint32_t c = 0; c < t->ncols; c++)
        md_cell(f, t->names[c], w[c]);
    fputs("\n|", f);
    for (uint32_t c = 0; c < t->ncols; c++) {
        for (int i = 0; i < w[c] + 2; i++)
            fputc('-', f);
        fputc('|', f);
    }
    fputc('\n', f);
    for (uint64_t r = 0; r < nrows; r++) {
        char **row = sh_table_row(t, r);
        fputc('|', f);
        for (uint32_t c = 0; c < t->ncols; c++)
            md_cell(f, row[c], w[c]);
        fputc('\n', f);
    }
    free(w);
}

int sh_render(const sh_out *out, tarn_stmt *st, uint64_t *rows)
{
    if (out->mode != SH_MODE_BOX && out->mode != SH_MODE_MARKDOWN)
        return render_stream(out, st, rows);
    sh_table t;
    uint64_t head = UINT64_MAX, tail = 0;
    if (out->mode == SH_MODE_BOX) {
        uint64_t maxr = out->max_rows > 0 ? (uint64_t)out->max_rows : 40;
        head = maxr / 2 + maxr % 2;
        tail = maxr / 2;
    }
    int rc = sh_table_collect(&t, st, head, tail, out->mode == SH_MODE_BOX);
    if (rc == TARN_OK) {
        if (out->mode == SH_MODE_BOX)
            sh_box_print(out, &t);
        else
            markdown_print(out, &t);
    }
    if (rows)
        *rows = t.total;
    sh_table_free(&t);
    return rc;
}
