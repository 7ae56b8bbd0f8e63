/*
 * fuzz_sql.c -- libFuzzer target for the SQL front end (src/sql: tokenizer, parser, binder,
 * planner through sq_prepare) and, for the plans it builds, the execution engine (src/exec).
 *
 * Input: SQL text (a script; up to 8 statements are prepared one after another via `tail`).
 * Sources: range()/generate_series() and one small Parquet table "t.parquet" (columns i BIGINT
 * with nulls, s VARCHAR, d DOUBLE, b BOOLEAN), written at start-up by tarn's own writer into the
 * in-memory vfs (memvfs.h) that sq_env points to, so no statement reads or writes the disk.
 * COPY plans are prepared and freed but never executed: op_copy_parquet.c writes through
 * vfs_default(), not through the statement's vfs.
 *
 * Execution is bounded: at most MAX_BATCHES result batches, and a watchdog thread raises the
 * plan's interrupt flag after EXEC_BUDGET_MS so a legitimately expensive query (huge range,
 * cross joins) ends with TN_INTERRUPT instead of a libFuzzer timeout. Any result code is
 * acceptable except TN_MISUSE and codes outside the TN_* range; failures need a message; plans
 * must have consistent column names/types; every value produced is read back.
 * FUZZ_SQL_VERBOSE=1 prints every statement's outcome (for triaging a corpus).
 */
#include "memvfs.h"
#include "parquet/writer.h"
#include "sql/sql.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_STATEMENTS 8
#define MAX_BATCHES 64
#define EXEC_BUDGET_MS 300
#define MAX_SQL_BYTES 4096

static void die_if(int cond, const char *what, const char *detail)
{
    if (cond) {
        fprintf(stderr, "fuzz_sql: %s (%s)\n", what, detail ? detail : "");
        abort();
    }
}

static volatile uint64_t sink;
static bool g_verbose; /* FUZZ_SQL_VERBOSE=1: print each statement's outcome (corpus triage) */
static volatile int g_interrupt;
static _Atomic int64_t g_deadline_ms; /* 0: no statement running */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watchdog(void *arg)
{
    (void)arg;
    for (;;) {
        usleep(5000);
        int64_t d = atomic_load(&g_deadline_ms);
        if (d && now_ms() > d)
            g_interrupt = 1;
    }
    return NULL;
}

static void write_table(void)
{
    static const char *names[] = {"i", "s", "d", "b"};
    tn_type types[] = {tn_type_make(TN_T_INT64), tn_type_make(TN_T_VARCHAR), tn_type_make(TN_T_DOUBLE),
                       tn_type_make(TN_T_BOOL)};
    tn_err err = TN_ERR_INIT;
    pq_write_options o;
    pq_write_options_default(&o);
    o.row_group_size = 40;
    pq_writer *w = NULL;
    die_if(pq_writer_open(&memvfs, "t.parquet", 4, names, types, &o, &w, &err) != TN_OK, "writer open", err.msg);
    tn_chunk *c = tn_chunk_new(4, types, 100);
    die_if(!c, "chunk", NULL);
    static const char *words[] = {"apple", "Banana", "", "a much longer string value", "x%_y", "NULL"};
    for (uint32_t r = 0; r < 100; r++) {
        if (r % 7 == 3)
            tn_vector_set_null(c->cols[0], r);
        ((int64_t *)c->cols[0]->data)[r] = (int64_t)r * 37 % 101 - 50;
        const char *s = words[r % 6];
        tn_str v;
        die_if(tn_vector_add_string(c->cols[1], s, (uint32_t)strlen(s), &v) != TN_OK, "add string", NULL);
        ((tn_str *)c->cols[1]->data)[r] = v;
        if (r % 11 == 5)
            tn_vector_set_null(c->cols[1], r);
        ((double *)c->cols[2]->data)[r] = r % 13 == 0 ? -0.0 : (double)r / 8.0 - 3.0;
        ((bool *)c->cols[3]->data)[r] = r % 3 == 0;
    }
    c->count = 100;
    die_if(pq_writer_write(w, c, &err) != TN_OK, "writer write", err.msg);
    die_if(pq_writer_close(w, &err) != TN_OK, "writer close", err.msg);
    tn_chunk_free(c);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    g_verbose = getenv("FUZZ_SQL_VERBOSE") != NULL;
    write_table();
    size_t n = 0;
    die_if(!memvfs_get("t.parquet", &n) || n < 12, "table not written", NULL);
    pthread_t th;
    die_if(pthread_create(&th, NULL, watchdog, NULL) != 0, "watchdog thread", NULL);
    pthread_detach(th);
    return 0;
}

static void touch_chunk(const tn_chunk *c, const sq_plan *p)
{
    die_if(c->ncols != p->ncols, "chunk column count differs from the plan", NULL);
    uint32_t n = tn_chunk_rows(c);
    for (uint32_t k = 0; k < c->ncols; k++) {
        const tn_vector *v = c->cols[k];
        die_if(!v, "chunk without a column vector", NULL);
        die_if(!tn_type_equal(v->type, p->types[k]), "column type differs from the plan", p->names[k]);
        if (tn_type_is_nested(v->type))
            continue;
        size_t w = tn_type_width(v->type);
        bool str = tn_type_is_string(v->type);
        tn_vview vw;
        tn_vector_view(v, c->count, &vw);
        uint64_t h = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = c->sel ? c->sel[i] : i;
            die_if(r >= c->count, "selection index beyond the chunk", NULL);
            if (!tn_vview_valid(&vw, r))
                continue;
            uint32_t x = tn_vview_index(&vw, r);
            if (str) {
                const tn_str *s = (const tn_str *)vw.data + x;
                const uint8_t *d = (const uint8_t *)tn_str_data(s);
                for (uint32_t j = 0; j < s->len; j++)
                    h = h * 31 + d[j];
            } else {
                const uint8_t *d = (const uint8_t *)vw.data + (size_t)x * w;
                for (size_t j = 0; j < w; j++)
                    h = h * 31 + d[j];
            }
        }
        sink += h;
    }
}

static bool known_code(int rc) { return rc >= TN_OK && rc <= TN_NOTFOUND && rc != TN_MISUSE; }

static void run_plan(sq_plan *p)
{
    die_if(p->root == NULL, "query plan without a root", NULL);
    die_if(p->root->ncols != p->ncols, "plan column count differs from its root", NULL);
    for (uint32_t k = 0; k < p->ncols; k++) {
        die_if(!p->names || !p->names[k], "result column without a name", NULL);
        die_if(!tn_type_equal(p->types[k], p->root->types[k]), "plan types differ from root types", p->names[k]);
    }
    if (strcmp(p->root->vt->name, "COPY_TO_PARQUET") == 0)
        return; /* writes through vfs_default(): never executed here */
    g_interrupt = 0;
    ex_op_set_interrupt(p->root, &g_interrupt);
    atomic_store(&g_deadline_ms, now_ms() + EXEC_BUDGET_MS);
    tn_err err = TN_ERR_INIT;
    for (int b = 0; b < MAX_BATCHES; b++) {
        tn_chunk *c = NULL;
        int rc = ex_op_next(p->root, &c, &err);
        if (g_verbose)
            fprintf(stderr, "  batch %d: %s %u rows%s%s\n", b, tn_code_name(rc), c ? tn_chunk_rows(c) : 0,
                    rc ? ": " : "", rc ? err.msg : "");
        die_if(!known_code(rc), "ex_op_next: unexpected result code", err.msg);
        die_if(rc != TN_OK && err.msg[0] == 0, "ex_op_next: error without a message", tn_code_name(rc));
        if (rc != TN_OK || !c)
            break;
        touch_chunk(c, p);
    }
    atomic_store(&g_deadline_ms, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_SQL_BYTES)
        return 0;
    char *sql = malloc(size + 1);
    memcpy(sql, data, size);
    sql[size] = 0; /* embedded NULs just end the text early */
    sq_env env = {&memvfs, NULL};
    const char *cur = sql;
    for (int i = 0; i < MAX_STATEMENTS && *cur; i++) {
        tn_err err = TN_ERR_INIT;
        sq_plan *p = NULL;
        const char *tail = NULL;
        int rc = sq_prepare(&env, cur, &tail, &p, &err);
        if (g_verbose)
            fprintf(stderr, "prepare: %s%s%s\n", tn_code_name(rc), rc ? ": " : "", rc ? err.msg : "");
        die_if(!known_code(rc), "sq_prepare: unexpected result code", err.msg);
        if (rc != TN_OK) {
            die_if(err.msg[0] == 0, "sq_prepare: error without a message", tn_code_name(rc));
            die_if(p != NULL, "sq_prepare failed but returned a plan", NULL);
            break;
        }
        die_if(!p, "sq_prepare succeeded without a plan", NULL);
        sq_stmt_kind kind = p->kind;
        die_if(kind != SQ_STMT_QUERY && kind != SQ_STMT_EMPTY, "unknown statement kind", NULL);
        die_if(!tail || tail < cur || tail > sql + size || (kind == SQ_STMT_QUERY && tail == cur),
               "tail outside the statement text", NULL);
        if (kind == SQ_STMT_QUERY)
            run_plan(p);
        sq_plan_free(p);
        if (kind == SQ_STMT_EMPTY)
            break;
        cur = tail;
    }
    die_if(memvfs_open_handles() != 0, "a vfs_file was not closed", NULL);
    free(sql);
    return 0;
}
