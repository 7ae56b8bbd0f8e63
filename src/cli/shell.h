/*
 * shell.h -- private interface between the files of the `tarn` shell (src/cli/).
 *
 * The shell is a client of the public API only: it includes include/tarn.h and libc, never a
 * src/<module> header, which keeps tarn.h honest (STYLE.md). Consequently it allocates with plain
 * malloc/free (tn_malloc is internal); every allocation is still checked and an out-of-memory
 * condition is reported as an error, never an abort.
 *
 * Pieces:
 *   main.c        argument parsing, script/line processing, dot commands, interactive loop
 *   output.c      result collection and the streaming modes (csv, json, line, list) + markdown
 *   output_box.c  the default box mode (Unicode borders, type row, width fitting, elision)
 *   text.c        UTF-8 display width / truncation and the growable byte buffer
 * Single-threaded, except sh_interrupt_current which a SIGINT handler may call.
 */
#ifndef TARN_SHELL_H
#define TARN_SHELL_H

#include "tarn.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum sh_mode {
    SH_MODE_BOX = 0,
    SH_MODE_CSV,
    SH_MODE_JSON,
    SH_MODE_LINE,
    SH_MODE_MARKDOWN,
    SH_MODE_LIST,
} sh_mode;

/* Parse a mode name ("box", "duckbox", "csv", "json", "line", "markdown", "list"); false if
 * unknown. */
bool sh_mode_parse(const char *name, sh_mode *out);
const char *sh_mode_name(sh_mode m);

/* Output settings shared by the renderers. */
typedef struct sh_out {
    FILE *f;
    sh_mode mode;
    bool headers;       /* csv/list: print the header row */
    int width;          /* box: total width available (terminal columns) */
    int max_rows;       /* box: show all rows up to this many, else head/tail halves (40) */
} sh_out;

/* Render every batch of a prepared statement to out->f in out->mode. Returns TARN_OK or the
 * error code of a failed fetch (the message is tarn_errmsg of the statement's database). *rows
 * (optional) receives the number of result rows. */
int sh_render(const sh_out *out, tarn_stmt *st, uint64_t *rows);

/* ---- collected results for the tabular modes (output.c) ---- */
typedef struct sh_table {
    uint32_t ncols;
    char **names;        /* ncols column names (display-escaped) */
    char **types;        /* ncols type names as the box header shows them ("int32", "varchar") */
    bool *numeric;       /* ncols: right-align (numbers) */
    char ***head;        /* first rows: nhead rows of ncols cells; a NULL cell is SQL NULL */
    uint64_t nhead, head_cap;
    char ***tail;        /* ring of the last rows (when keep_tail > 0) */
    uint64_t ntail, tail_start, keep_tail;
    uint64_t total;      /* rows in the whole result */
    bool multiline;      /* cells keep '\n' (box mode draws them on several lines) */
} sh_table;

/* Fetch the whole result of st, keeping the first keep_head rows and the last keep_tail rows
 * (cells display-escaped; with multiline, line feeds stay raw), counting the rest. TARN_OK,
 * TARN_NOMEM or a fetch error. */
int sh_table_collect(sh_table *t, tarn_stmt *st, uint64_t keep_head, uint64_t keep_tail, bool multiline);
/* Is a collected cell the SQL NULL marker (printed "NULL")? */
bool sh_cell_is_null(const char *cell);
/* Row i of the kept rows in result order (head rows, then tail rows); i < nhead + ntail. */
char **sh_table_row(const sh_table *t, uint64_t i);
void sh_table_free(sh_table *t);
/* Box mode over a collected table (output_box.c). */
void sh_box_print(const sh_out *out, const sh_table *t);

/* ---- growable byte buffer (text.c) ---- */
typedef struct sh_buf {
    char *p;
    size_t len, cap;
    bool oom;           /* sticky: an allocation failed, later appends are ignored */
} sh_buf;

#define SH_BUF_INIT {NULL, 0, 0, false}
void sh_buf_add(sh_buf *b, const char *s, size_t n);
void sh_buf_puts(sh_buf *b, const char *s);
void sh_buf_putc(sh_buf *b, char c);
void sh_buf_repeat(sh_buf *b, const char *s, int times);
void sh_buf_reset(sh_buf *b);       /* len = 0 (keeps storage and the oom flag cleared) */
void sh_buf_free(sh_buf *b);
/* strndup with malloc; NULL on OOM. */
char *sh_strndup(const char *s, size_t n);

/* ---- UTF-8 display helpers (text.c) ---- */
/* Terminal columns taken by s[0..n) (wide East Asian characters count 2, combining marks 0,
 * invalid bytes 1). Control characters count as their escaped form (see sh_display_escape). */
int sh_display_width(const char *s, size_t n);
/* Append s[0..n) to b with control characters escaped (\n, \r, \t, \xNN) so a value stays on
 * one line; with keep_newlines, line feeds are copied raw (and "\r\n" becomes "\n"). */
void sh_display_escape(sh_buf *b, const char *s, size_t n, bool keep_newlines);
/* Number of bytes of s[0..n) (already escaped, no control chars) whose display width fits in
 * `cols` columns, cut at a character boundary; *used receives their width. */
size_t sh_display_prefix(const char *s, size_t n, int cols, int *used);

/* Terminal width for box output: TIOCGWINSZ if stdout is a terminal, else $COLUMNS, else 120. */
int sh_terminal_width(void);

#endif
