/*
 * output_box.c -- the shell's default "box" output mode, modelled on DuckDB's duckbox renderer.
 *
 *   ┌───────┬─────────┐
 *   │   a   │    b    │      column names, centred
 *   │ int32 │ varchar │      type names, centred
 *   ├───────┼─────────┤
 *   │     1 │ x       │      numbers right-aligned, everything else left-aligned, NULL as NULL
 *   └───────┴─────────┘
 *
 * Fitting to the terminal width (sh_out.width): columns take their natural width (widest of
 * name, type and shown values). When the table is too wide, columns wider than 20 are narrowed
 * first (values cut at a character boundary and ended with "…"); if it is still too wide, middle
 * columns are dropped, keeping columns alternately from the left and the right end, and a "…"
 * column marks the gap. Results with more rows than sh_out.max_rows (40) show the first and
 * last max_rows/2 rows around three "·" rows. A footer inside the box gives the counts when
 * anything was left out ("1000 rows (40 shown)  12 columns (5 shown)") and for empty results;
 * on a narrow terminal it takes one line per part.
 * A value holding line feeds (EXPLAIN output, multi-line text) is drawn on several lines of its
 * row, each line fitted like a value; at most BOX_MAX_LINES lines per value, then "…".
 */
#include "shell.h"
#include <stdlib.h>
#include <string.h>

#define BOX_MIN_COL 20   /* narrowing stops here before columns are dropped */
#define BOX_MAX_LINES 50 /* lines shown of one multi-line value */

typedef struct box {
    const sh_table *t;
    uint32_t nshow;     /* displayed columns, including the gap column if any */
    int *col;           /* displayed column -> table column, -1 for the gap */
    int *w;             /* displayed column widths (content only) */
    sh_buf line;
    FILE *f;
} box;

/* Display width of a cell: its widest line (the table keeps '\n' only in multi-line mode). */
static int cell_width(const char *s)
{
    int w = 0;
    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        int lw = sh_display_width(s, n);
        if (lw > w)
            w = lw;
        if (!nl)
            return w;
        s = nl + 1;
    }
}

/* Number of lines of a cell as drawn (capped at BOX_MAX_LINES + 1 for the "…" line). */
static int cell_lines(const char *s)
{
    int k = 1;
    for (const char *p = strchr(s, '\n'); p && k <= BOX_MAX_LINES; p = strchr(p + 1, '\n'))
        k++;
    return k;
}

/* Append one cell line s[0..n) to b, padded/truncated to width w. align: 0 left, 1 right,
 * 2 centre */
static void put_cell_n(sh_buf *b, const char *s, size_t n, int w, int align)
{
    int dw = sh_display_width(s, n);
    sh_buf_putc(b, ' ');
    if (dw > w) {
        int used = 0;
        size_t keep = sh_display_prefix(s, n, w - 1, &used);
        sh_buf_add(b, s, keep);
        sh_buf_puts(b, "…");
        for (int i = used + 1; i < w; i++)
            sh_buf_putc(b, ' ');
    } else {
        int pad = w - dw, left = align == 1 ? pad : align == 2 ? pad / 2 : 0;
        for (int i = 0; i < left; i++)
            sh_buf_putc(b, ' ');
        sh_buf_add(b, s, n);
        for (int i = left; i < pad; i++)
            sh_buf_putc(b, ' ');
    }
    sh_buf_putc(b, ' ');
}

static void put_cell(sh_buf *b, const char *s, int w, int align) { put_cell_n(b, s, strlen(s), w, align); }

static void emit(box *bx)
{
    sh_buf_putc(&bx->line, '\n');
    if (!bx->line.oom)
        fwrite(bx->line.p, 1, bx->line.len, bx->f);
    sh_buf_reset(&bx->line);
}

static void rule(box *bx, const char *left, const char *mid, const char *right)
{
    sh_buf_puts(&bx->line, left);
    for (uint32_t i = 0; i < bx->nshow; i++) {
        if (i)
            sh_buf_puts(&bx->line, mid);
        sh_buf_repeat(&bx->line, "─", bx->w[i] + 2);
    }
    sh_buf_puts(&bx->line, right);
    emit(bx);
}

/* kind: 0 names, 1 types, 2 data row, 3 elision dots */
static void row_line(box *bx, int kind, char **row)
{
    const sh_table *t = bx->t;
    int height = 1;
    if (kind == 2 && t->multiline)
        for (uint32_t i = 0; i < bx->nshow; i++)
            if (bx->col[i] >= 0) {
                int h = cell_lines(row[bx->col[i]]);
                if (h > height)
                    height = h;
            }
    for (int k = 0; k < height; k++) {
        sh_buf_puts(&bx->line, "│");
        for (uint32_t i = 0; i < bx->nshow; i++) {
            int c = bx->col[i];
            const char *s;
            size_t n;
            int align = 0;
            if (kind == 3) {
                s = "·";
                align = 2;
            } else if (c < 0) {
                s = kind == 1 || k > 0 ? "" : "…";
                align = 2;
            } else if (kind == 0) {
                s = t->names[c];
                align = 2;
            } else if (kind == 1) {
                s = t->types[c];
                align = 2;
            } else {
                s = row[c];
                align = t->numeric[c] ? 1 : 0;
            }
            n = strlen(s);
            if (height > 1) { /* line k of the value, "" past its end, "…" past the cap */
                const char *p = s;
                int j = 0;
                for (; j < k && p; j++) {
                    p = strchr(p, '\n');
                    if (p)
                        p++;
                }
                if (!p) {
                    s = "";
                    n = 0;
                } else if (k == BOX_MAX_LINES) {
                    s = "…";
                    n = strlen(s);
                } else {
                    const char *nl = strchr(p, '\n');
                    s = p;
                    n = nl ? (size_t)(nl - p) : strlen(p);
                }
            }
            put_cell_n(&bx->line, s, n, bx->w[i], align);
            sh_buf_puts(&bx->line, "│");
        }
        emit(bx);
    }
}

static int total_width(const int *w, uint32_t n)
{
    long long t = 1;
    for (uint32_t i = 0; i < n; i++)
        t += w[i] + 3;
    return t > (1 << 30) ? (1 << 30) : (int)t;
}

/* Narrow the widest columns (down to BOX_MIN_COL) until the total fits `avail`. */
static void narrow(int *w, uint32_t n, int avail)
{
    int total = total_width(w, n);
    while (total > avail) {
        uint32_t best = 0;
        int second = 0;
        for (uint32_t i = 1; i < n; i++)
            if (w[i] > w[best])
                best = i;
        if (w[best] <= BOX_MIN_COL)
            return;
        for (uint32_t i = 0; i < n; i++)
            if (i != best && w[i] > second)
                second = w[i];
        int target = w[best] - (total - avail);
        if (target < second)
            target = second == w[best] ? w[best] - 1 : second;
        if (target < BOX_MIN_COL)
            target = BOX_MIN_COL;
        total -= w[best] - target;
        w[best] = target;
    }
}

void sh_box_print(const sh_out *out, const sh_table *t)
{
    if (t->ncols == 0)
        return;
    box bx;
    memset(&bx, 0, sizeof bx);
    bx.t = t;
    bx.f = out->f;
    int avail = out->width > 10 ? out->width : 10;
    uint32_t n = t->ncols;
    uint64_t nrows = t->nhead + t->ntail;
    int *nat = calloc(n, sizeof *nat);
    bx.col = calloc((size_t)n + 1, sizeof *bx.col);
    bx.w = calloc((size_t)n + 1, sizeof *bx.w);
    if (!nat || !bx.col || !bx.w)
        goto done;

    /* natural widths, capped at the whole width */
    for (uint32_t c = 0; c < n; c++) {
        int w = cell_width(t->names[c]);
        int tw = cell_width(t->types[c]);
        if (tw > w)
            w = tw;
        for (uint64_t r = 0; r < nrows; r++) {
            int cw = cell_width(sh_table_row(t, r)[c]);
            if (cw > w)
                w = cw;
        }
        if (w < 1)
            w = 1;
        if (w > avail - 4)
            w = avail - 4 > 1 ? avail - 4 : 1;
        nat[c] = w;
    }
    narrow(nat, n, avail);

    bool cols_elided = total_width(nat, n) > avail;
    if (!cols_elided) {
        bx.nshow = n;
        for (uint32_t c = 0; c < n; c++) {
            bx.col[c] = (int)c;
            bx.w[c] = nat[c];
        }
    } else {
        /* keep columns alternately from the left and the right while they fit with the gap;
         * when the next one on one side is too wide, a narrower one on the other side may
         * still fit */
        uint32_t left = 0, right = 0; /* counts kept from each end */
        int used = 1 + 4;               /* borders + the gap column */
        while (left + right < n) {
            bool from_left = left <= right;
            uint32_t c = from_left ? left : n - 1 - right;
            if (used + nat[c] + 3 > avail) {
                from_left = !from_left;
                c = from_left ? left : n - 1 - right;
                if (used + nat[c] + 3 > avail)
                    break;
            }
            used += nat[c] + 3;
            if (from_left)
                left++;
            else
                right++;
        }
        if (left == 0) { /* not even the first column fits: squeeze it */
            left = 1;
            nat[0] = avail - 5 - 3 > 1 ? avail - 5 - 3 : 1;
        }
        uint32_t k = 0;
        for (uint32_t c = 0; c < left; c++, k++) {
            bx.col[k] = (int)c;
            bx.w[k] = nat[c];
        }
        bx.col[k] = -1;
        bx.w[k++] = 1;
        for (uint32_t c = n - right; c < n; c++, k++) {
            bx.col[k] = (int)c;
            bx.w[k] = nat[c];
        }
        bx.nshow = k;
    }

    /* footer: "N rows (M shown)  K columns (J shown)" on one line when that fits the terminal
     * (the table widens to hold it), else one line per part, and each part split before its
     * "(... shown)" if even that is too wide */
    char parts[4][160];
    int nparts = 0;
    uint32_t shown_cols = cols_elided ? bx.nshow - 1 : n;
    if (t->total > nrows || cols_elided || t->total == 0) {
        char rows_part[64], cols_part[64];
        int len = snprintf(rows_part, sizeof rows_part, "%llu row%s", (unsigned long long)t->total,
                           t->total == 1 ? "" : "s");
        if (t->total > nrows)
            snprintf(rows_part + len, sizeof rows_part - (size_t)len, " (%llu shown)", (unsigned long long)nrows);
        cols_part[0] = 0;
        if (cols_elided)
            snprintf(cols_part, sizeof cols_part, "%u columns (%u shown)", n, shown_cols);
        int room = avail - 4; /* text width that keeps the table within the terminal */
        int have = total_width(bx.w, bx.nshow) - 4;
        if (room < have)
            room = have;
        if ((int)(strlen(rows_part) + (cols_part[0] ? 2 + strlen(cols_part) : 0)) <= room) {
            snprintf(parts[nparts++], sizeof parts[0], "%s%s%s", rows_part, cols_part[0] ? "  " : "", cols_part);
        } else {
            const char *src[2] = {rows_part, cols_part};
            for (int i = 0; i < 2; i++) {
                const char *p = src[i];
                if (!*p)
                    continue;
                const char *paren = strstr(p, " (");
                if ((int)strlen(p) > room && paren) {
                    snprintf(parts[nparts++], sizeof parts[0], "%.*s", (int)(paren - p), p);
                    snprintf(parts[nparts++], sizeof parts[0], "%s", paren + 1);
                } else {
                    snprintf(parts[nparts++], sizeof parts[0], "%s", p);
                }
            }
        }
        int need = 0;
        for (int i = 0; i < nparts; i++)
            if ((int)strlen(parts[i]) > need)
                need = (int)strlen(parts[i]);
        if (need > have)
            bx.w[bx.nshow - 1] += need - have;
    }

    rule(&bx, "┌", "┬", "┐");
    row_line(&bx, 0, NULL);
    row_line(&bx, 1, NULL);
    if (nrows > 0)
        rule(&bx, "├", "┼", "┤");
    for (uint64_t r = 0; r < t->nhead; r++)
        row_line(&bx, 2, sh_table_row(t, r));
    if (t->total > nrows)
        for (int i = 0; i < 3; i++)
            row_line(&bx, 3, NULL);
    for (uint64_t r = t->nhead; r < nrows; r++)
        row_line(&bx, 2, sh_table_row(t, r));
    if (nparts > 0) {
        rule(&bx, "├", "┴", "┤");
        int inner = total_width(bx.w, bx.nshow) - 2;
        for (int i = 0; i < nparts; i++) {
            sh_buf_puts(&bx.line, "│");
            put_cell(&bx.line, parts[i], inner - 2, 0);
            sh_buf_puts(&bx.line, "│");
            emit(&bx);
        }
        sh_buf_puts(&bx.line, "└");
        sh_buf_repeat(&bx.line, "─", inner);
        sh_buf_puts(&bx.line, "┘");
        emit(&bx);
    } else {
        rule(&bx, "└", "┴", "┘");
    }
done:
    free(nat);
    free(bx.col);
    free(bx.w);
    sh_buf_free(&bx.line);
}
