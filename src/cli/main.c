/*
 * main.c -- the `tarn` shell: argument parsing, statement splitting, dot commands, the
 * interactive line editor and script execution. Uses only the public API (include/tarn.h).
 *
 *   tarn [options] [FILE.sql]
 *     -c SQL        run SQL (or a dot command); may be repeated; runs before FILE
 *     -box -csv -json -line -list -markdown    output mode (box is the default)
 *     -header / -noheader                      header row in csv and list modes (default on)
 *     -C DIR        change to DIR first (relative paths in SQL resolve there)
 *     -version, -help
 *   With neither -c nor FILE the shell reads standard input: interactively (libedit, history in
 *   ~/.tarn_history, prompts "tarn> " and "   ...> ") when it is a terminal, as a script otherwise.
 *
 * Input is processed line by line. A line starting with '.' when no statement is pending is a
 * dot command. Other lines accumulate until the text ends with a ';' outside quotes and comments
 * (sh_scan); the text is then run statement by statement with tarn_prepare and its tail pointer,
 * and every result is fetched completely and rendered (output.c). Text left at the end of a
 * script or -c argument runs as well, so `-c "SELECT 1"` needs no semicolon.
 *
 * Errors print "Error: <message>" on stderr. In -c and script modes the first error ends the shell
 * with exit status 1 (the rest of the input is not run); interactively the shell keeps going.
 * Ctrl-C during a statement interrupts it (tarn_stmt_interrupt); at the interactive prompt it
 * discards the pending input.
 */
#include "shell.h"
#include <editline/readline.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define SH_MAX_READ_DEPTH 16
#define SH_HISTORY_FILE ".tarn_history"
#define SH_HISTORY_MAX 2000

typedef struct shell {
    tarn_db *db;
    sh_out out;
    bool timer;
    bool bail;          /* stop at the first error (-c and script modes) */
    bool quit;          /* .quit seen */
    bool failed;        /* an error happened (bail mode stops at once) */
    int depth;          /* .read nesting */
} shell;

/* The statement being fetched, for the SIGINT handler, and whether Ctrl-C was pressed. */
static tarn_stmt *volatile g_running;
static volatile sig_atomic_t g_sigint;

static void on_sigint(int sig)
{
    (void)sig;
    g_sigint = 1;
    tarn_stmt *st = g_running;
    if (st)
        tarn_stmt_interrupt(st); /* an atomic store: async-signal-safe */
}

/* ---- statement completeness scanner ----
 * Mirrors the lexical rules of the SQL tokenizer that matter for finding the end of a
 * statement: '...' strings with doubled quotes, E'...' strings with backslash escapes, "..."
 * identifiers, -- line comments and nested block comments. */

enum { SC_NORMAL, SC_SQUOTE, SC_ESTRING, SC_DQUOTE, SC_LINE_COMMENT, SC_BLOCK_COMMENT };

typedef struct sh_scan {
    int state;
    int depth;           /* block comment nesting */
    bool prev_ident;     /* the last character in SC_NORMAL belongs to an identifier/number */
    bool ends_semicolon; /* last significant character was ';' */
    bool has_content;    /* something besides blanks and comments was seen */
} sh_scan;

static bool ident_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           c >= 0x80;
}

static void scan_feed(sh_scan *sc, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        char next = i + 1 < n ? s[i + 1] : 0;
        switch (sc->state) {
        case SC_NORMAL:
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
                sc->prev_ident = false;
                break;
            }
            if (c == '-' && next == '-') {
                sc->state = SC_LINE_COMMENT;
                sc->prev_ident = false;
                i++;
                break;
            }
            if (c == '/' && next == '*') {
                sc->state = SC_BLOCK_COMMENT;
                sc->depth = 1;
                sc->prev_ident = false;
                i++;
                break;
            }
            sc->has_content = true;
            sc->ends_semicolon = c == ';';
            if ((c == 'e' || c == 'E') && next == '\'' && !sc->prev_ident) {
                sc->state = SC_ESTRING;
                i++;
            } else if (c == '\'') {
                sc->state = SC_SQUOTE;
            } else if (c == '"') {
                sc->state = SC_DQUOTE;
            }
            sc->prev_ident = sc->state == SC_NORMAL && ident_byte((unsigned char)c);
            break;
        case SC_ESTRING:
            if (c == '\\') {
                i++; /* the escaped byte, whatever it is */
                break;
            }
            /* fall through */
        case SC_SQUOTE:
        case SC_DQUOTE: {
            char q = sc->state == SC_DQUOTE ? '"' : '\'';
            if (c == q) {
                if (next == q)
                    i++; /* doubled quote: still inside */
                else
                    sc->state = SC_NORMAL;
            }
            break;
        }
        case SC_LINE_COMMENT:
            if (c == '\n')
                sc->state = SC_NORMAL;
            break;
        case SC_BLOCK_COMMENT:
            if (c == '/' && next == '*') {
                sc->depth++;
                i++;
            } else if (c == '*' && next == '/') {
                if (--sc->depth == 0)
                    sc->state = SC_NORMAL;
                i++;
            }
            break;
        }
    }
}

static bool scan_complete(const sh_scan *sc)
{
    return sc->state == SC_NORMAL && sc->ends_semicolon;
}

/* ---- running SQL ---- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void cpu_seconds(double *user, double *sys)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    *sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void report_error(shell *sh, const char *fmt, const char *arg)
{
    fflush(stdout);
    fputs("Error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    sh->failed = true;
}

static void report_db_error(shell *sh, int rc)
{
    const char *msg = tarn_errmsg(sh->db);
    char fallback[64];
    if (!msg || !*msg) {
        snprintf(fallback, sizeof fallback, "failed with code %d", rc);
        msg = fallback;
    }
    report_error(sh, "%s", msg);
}

/* Run every statement of sql. Returns false on error. */
static bool run_sql(shell *sh, const char *sql)
{
    const char *p = sql;
    while (p && *p) {
        double t0 = now_seconds(), u0, s0;
        cpu_seconds(&u0, &s0);
        tarn_stmt *st = NULL;
        const char *tail = NULL;
        int rc = tarn_prepare(sh->db, p, &tail, &st);
        if (rc != TARN_OK) {
            tarn_stmt_finalize(st);
            report_db_error(sh, rc);
            return false;
        }
        if (!st)
            break; /* only blanks/comments left */
        sh_out out = sh->out;
        if (out.mode == SH_MODE_BOX)
            out.width = sh_terminal_width();
        g_running = st;
        rc = sh_render(&out, st, NULL);
        g_running = NULL;
        fflush(out.f);
        if (rc != TARN_OK) {
            report_db_error(sh, rc);
            tarn_stmt_finalize(st);
            return false;
        }
        tarn_stmt_finalize(st);
        if (sh->timer) {
            double u1, s1;
            cpu_seconds(&u1, &s1);
            fprintf(sh->out.f, "Run Time (s): real %.3f user %f sys %f\n", now_seconds() - t0, u1 - u0,
                    s1 - s0);
            fflush(sh->out.f);
        }
        if (!tail || tail == p)
            break;
        p = tail;
    }
    return true;
}

/* ---- dot commands ---- */

static bool run_file(shell *sh, const char *path);

static const char g_help[] =
    ".exit                  Exit the shell (also .quit)\n"
    ".headers on|off        Show or hide the header row in csv and list modes\n"
    ".help                  Show this message\n"
    ".maxrows N             Box mode: rows shown before eliding the middle (default 40)\n"
    ".mode MODE             Set the output mode: box, csv, json, line, list, markdown\n"
    ".quit                  Exit the shell\n"
    ".read FILE             Run the statements and commands in FILE\n"
    ".timer on|off          Print the run time of each statement\n";

/* Split a dot-command line into at most max words; quotes group words. Modifies line. */
static int split_words(char *line, char **argv, int max)
{
    int argc = 0;
    char *p = line;
    while (*p && argc < max) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            break;
        if (*p == '"' || *p == '\'') {
            char q = *p++;
            argv[argc++] = p;
            while (*p && *p != q)
                p++;
        } else {
            argv[argc++] = p;
            while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
                p++;
        }
        if (*p)
            *p++ = 0;
    }
    return argc;
}

static bool parse_onoff(const char *s, bool *out)
{
    if (!strcmp(s, "on") || !strcmp(s, "1") || !strcmp(s, "yes") || !strcmp(s, "true")) {
        *out = true;
        return true;
    }
    if (!strcmp(s, "off") || !strcmp(s, "0") || !strcmp(s, "no") || !strcmp(s, "false")) {
        *out = false;
        return true;
    }
    return false;
}

static bool run_dot(shell *sh, const char *text, size_t n)
{
    char *line = sh_strndup(text, n);
    if (!line) {
        report_error(sh, "%s", "out of memory");
        return false;
    }
    char *argv[8];
    int argc = split_words(line + 1, argv, 8); /* skip the '.' */
    bool ok = true;
    const char *cmd = argc ? argv[0] : "";
    if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit") || !strcmp(cmd, "q")) {
        sh->quit = true;
    } else if (!strcmp(cmd, "help")) {
        fputs(g_help, sh->out.f);
    } else if (!strcmp(cmd, "mode")) {
        sh_mode m;
        if (argc == 1) {
            fprintf(sh->out.f, "current output mode: %s\n", sh_mode_name(sh->out.mode));
        } else if (argc == 2 && sh_mode_parse(argv[1], &m)) {
            sh->out.mode = m;
        } else {
            report_error(sh, "mode should be one of: box csv json line list markdown%s", "");
            ok = false;
        }
    } else if (!strcmp(cmd, "timer") || !strcmp(cmd, "headers") || !strcmp(cmd, "header")) {
        bool v;
        if (argc != 2 || !parse_onoff(argv[1], &v)) {
            report_error(sh, "usage: .%s on|off", cmd);
            ok = false;
        } else if (cmd[0] == 't') {
            sh->timer = v;
        } else {
            sh->out.headers = v;
        }
    } else if (!strcmp(cmd, "maxrows")) {
        long v = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
        if (v < 2 || v > 1000000) {
            report_error(sh, "%s", "usage: .maxrows N (2..1000000)");
            ok = false;
        } else {
            sh->out.max_rows = (int)v;
        }
    } else if (!strcmp(cmd, "read")) {
        if (argc != 2) {
            report_error(sh, "%s", "usage: .read FILE");
            ok = false;
        } else {
            ok = run_file(sh, argv[1]);
        }
    } else {
        report_error(sh, "unknown command or invalid arguments: \"%s\". Enter \".help\" for help", cmd);
        ok = false;
    }
    free(line);
    return ok;
}

/* ---- line processing ---- */

typedef struct sh_input {
    sh_buf acc;   /* pending statement text */
    sh_scan scan;
} sh_input;

static void input_reset(sh_input *in)
{
    sh_buf_reset(&in->acc);
    memset(&in->scan, 0, sizeof in->scan);
}

static bool input_pending(const sh_input *in)
{
    return in->scan.has_content || in->scan.state != SC_NORMAL;
}

/* Feed one line (without its newline). Returns false on an error. */
static bool feed_line(shell *sh, sh_input *in, const char *line, size_t n)
{
    if (memchr(line, 0, n)) { /* SQL text is a C string to the API: refuse rather than truncate */
        input_reset(in);
        report_error(sh, "%s", "the input contains a NUL byte; pending statement discarded");
        return false;
    }
    if (!input_pending(in)) {
        size_t i = 0;
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i < n && line[i] == '.') {
            input_reset(in); /* drop blank/comment lines before the command */
            return run_dot(sh, line + i, n - i);
        }
    }
    sh_buf_add(&in->acc, line, n);
    sh_buf_putc(&in->acc, '\n');
    if (in->acc.oom) {
        input_reset(in);
        report_error(sh, "%s", "out of memory");
        return false;
    }
    scan_feed(&in->scan, line, n);
    scan_feed(&in->scan, "\n", 1);
    if (!scan_complete(&in->scan))
        return true;
    bool ok = run_sql(sh, in->acc.p);
    input_reset(in);
    return ok;
}

/* Run what is left at the end of the input. */
static bool finish_input(shell *sh, sh_input *in)
{
    bool ok = true;
    if (in->scan.has_content && in->acc.p) {
        /* drop the line feeds feed_line added, so an error "at end of input" points at the
         * last line of the text rather than at an empty line after it */
        while (in->acc.len > 0 && (in->acc.p[in->acc.len - 1] == '\n' || in->acc.p[in->acc.len - 1] == '\r'))
            in->acc.p[--in->acc.len] = 0;
        ok = run_sql(sh, in->acc.p);
    }
    input_reset(in);
    return ok;
}

/* Run a whole script held in memory. Returns false if an error stopped it (bail mode) or, in
 * keep-going mode, if any error happened. */
static bool run_text(shell *sh, const char *text, size_t n)
{
    sh_input in = {SH_BUF_INIT, {SC_NORMAL, 0, false, false, false}};
    bool ok = true;
    size_t pos = 0;
    while (pos < n && !sh->quit) {
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) : n - pos;
        if (!feed_line(sh, &in, text + pos, len)) {
            ok = false;
            if (sh->bail)
                break;
        }
        pos += len + (nl ? 1 : 0);
    }
    if ((ok || !sh->bail) && !sh->quit && !finish_input(sh, &in))
        ok = false;
    sh_buf_free(&in.acc);
    return ok;
}

static char *read_stream(FILE *f, size_t *n)
{
    sh_buf b = SH_BUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        sh_buf_add(&b, chunk, got);
    if (b.oom || ferror(f)) {
        sh_buf_free(&b);
        return NULL;
    }
    *n = b.len;
    if (!b.p)
        return sh_strndup("", 0);
    return b.p;
}

static bool run_file(shell *sh, const char *path)
{
    if (sh->depth >= SH_MAX_READ_DEPTH) {
        report_error(sh, "%s", ".read nested too deeply");
        return false;
    }
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fflush(stdout);
        fprintf(stderr, "Error: cannot open \"%s\": %s\n", path, strerror(errno));
        sh->failed = true;
        return false;
    }
    size_t n = 0;
    char *text = read_stream(f, &n);
    if (f != stdin)
        fclose(f);
    if (!text) {
        report_error(sh, "cannot read \"%s\"", path);
        return false;
    }
    sh->depth++;
    bool ok = run_text(sh, text, n);
    sh->depth--;
    free(text);
    return ok;
}

/* ---- interactive ---- */

static char *history_path(void)
{
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    size_t n = strlen(home) + sizeof(SH_HISTORY_FILE) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", home, SH_HISTORY_FILE);
    return p;
}

static void run_interactive(shell *sh)
{
    printf("tarn %s\nEnter \".help\" for usage hints.\n", tarn_version());
    fflush(stdout);
    char *hist = history_path();
    using_history();
    stifle_history(SH_HISTORY_MAX);
    if (hist)
        read_history(hist);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);

    sh_input in = {SH_BUF_INIT, {SC_NORMAL, 0, false, false, false}};
    while (!sh->quit) {
        g_sigint = 0;
        char *line = readline(input_pending(&in) ? "   ...> " : "tarn> ");
        if (!line && g_sigint) {
            /* Ctrl-C at the prompt: drop the pending statement, keep the shell */
            input_reset(&in);
            putchar('\n');
            continue;
        }
        if (!line) {
            putchar('\n');
            break;
        }
        size_t n = strlen(line);
        if (n > 0)
            add_history(line);
        feed_line(sh, &in, line, n); /* errors were reported; keep going */
        free(line);
    }
    if (!sh->quit)
        finish_input(sh, &in);
    sh_buf_free(&in.acc);
    if (hist) {
        write_history(hist);
        free(hist);
    }
    sh->failed = false; /* interactive sessions exit 0 */
}

/* ---- arguments ---- */

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: tarn [OPTIONS] [FILE.sql]\n"
            "Run SQL over Parquet files. Without -c or FILE, reads statements from standard input\n"
            "(interactively when it is a terminal).\n"
            "Options:\n"
            "  -c SQL          run SQL or a dot command (repeatable; runs before FILE)\n"
            "  -box            box output (default)\n"
            "  -csv            comma-separated values\n"
            "  -json           a JSON array of row objects per statement (NaN and infinities\n"
            "                  are the strings \"nan\", \"inf\", \"-inf\")\n"
            "  -line           one 'column = value' line per value\n"
            "  -list           values separated by '|'\n"
            "  -markdown       a Markdown table\n"
            "  -header         print column names in csv/list modes (default)\n"
            "  -noheader       do not print column names in csv/list modes\n"
            "  -C DIR          change to DIR before running anything\n"
            "  -version        print the version and exit\n"
            "  -help           print this help and exit\n");
}

int main(int argc, char **argv)
{
    shell sh;
    memset(&sh, 0, sizeof sh);
    sh.out.f = stdout;
    sh.out.mode = SH_MODE_BOX;
    sh.out.headers = true;
    sh.out.width = 120;
    sh.out.max_rows = 40;
    const char **cmds = calloc((size_t)argc + 1, sizeof *cmds);
    int ncmds = 0, status = 0;
    const char *file = NULL, *dir = NULL;
    if (!cmds) {
        fprintf(stderr, "Error: out of memory\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == '-' && a[2])
            a++; /* accept --option as well as -option */
        sh_mode m;
        if (a[0] == '-' && a[1] && sh_mode_parse(a + 1, &m)) {
            sh.out.mode = m;
        } else if (!strcmp(a, "-c") || !strcmp(a, "-command") || !strcmp(a, "-C")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tarn: option %s needs an argument\n", argv[i]);
                status = 1;
                goto done;
            }
            if (a[1] == 'C')
                dir = argv[++i];
            else
                cmds[ncmds++] = argv[++i];
        } else if (!strcmp(a, "-header") || !strcmp(a, "-headers")) {
            sh.out.headers = true;
        } else if (!strcmp(a, "-noheader") || !strcmp(a, "-noheaders")) {
            sh.out.headers = false;
        } else if (!strcmp(a, "-version") || !strcmp(a, "-v")) {
            printf("tarn %s\n", tarn_version());
            goto done;
        } else if (!strcmp(a, "-help") || !strcmp(a, "-h")) {
            usage(stdout);
            goto done;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tarn: unknown option: %s\nUse -help for a list of options.\n", argv[i]);
            status = 1;
            goto done;
        } else if (file) {
            fprintf(stderr, "tarn: only one script file may be given (got \"%s\" and \"%s\")\n", file, a);
            status = 1;
            goto done;
        } else {
            file = argv[i];
        }
    }
    if (dir && chdir(dir) != 0) {
        fprintf(stderr, "Error: cannot change to directory \"%s\": %s\n", dir, strerror(errno));
        status = 1;
        goto done;
    }
    int rc = tarn_open(NULL, &sh.db);
    if (rc != TARN_OK) {
        const char *msg = sh.db ? tarn_errmsg(sh.db) : NULL;
        fprintf(stderr, "Error: cannot open database: %s\n", msg && *msg ? msg : "failed");
        status = 1;
        goto done;
    }
    bool interactive = !file && ncmds == 0 && isatty(STDIN_FILENO);
    static char outbuf[1 << 16];
    if (interactive)
        setvbuf(stdout, NULL, _IOLBF, 0);
    else
        setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    sh.bail = true;
    for (int i = 0; i < ncmds && !sh.quit; i++) {
        if (!run_text(&sh, cmds[i], strlen(cmds[i]))) {
            status = 1;
            goto done;
        }
    }
    if (file && !sh.quit) {
        if (!run_file(&sh, file))
            status = 1;
    } else if (ncmds == 0 && !sh.quit) {
        if (interactive) {
            sh.bail = false;
            run_interactive(&sh);
        } else if (!run_file(&sh, "-")) {
            status = 1;
        }
    }
done:
    fflush(stdout);
    tarn_close(sh.db);
    free(cmds);
    return status;
}
