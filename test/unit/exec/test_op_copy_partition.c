/*
 * test_op_copy_partition.c -- the directory layouts of COPY_TO_PARQUET (op_copy_parquet.c):
 * PARTITION_BY (Hive directories, escaping, NULL and the literal default-partition marker,
 * partition columns left out of the files, several key types, bounded open files with LRU
 * closing and data_<n+1> continuation), PER_THREAD_OUTPUT, the empty / non-empty / file target
 * rules with OVERWRITE_OR_IGNORE, partition names resolved from the options, and the failure
 * path (every finished file removed). Every file found under the target is read back with the
 * Parquet reader and the rows, with their partition values decoded from the path, are compared
 * with the input as a multiset.
 */
#define _GNU_SOURCE
#include "tn_test.h"
#include "exec/exec.h"
#include "parquet/parquet.h"
#include "parquet/writer.h"
#include "util/format.h"
#include "util/sbuf.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_dir[512];

static const char *tmp_dir(void)
{
    if (!g_dir[0]) {
        const char *d = getenv("TARN_TEST_TMP");
        snprintf(g_dir, sizeof g_dir, "%s/copy_partition", d && *d ? d : "/tmp");
        char buf[512];
        snprintf(buf, sizeof buf, "%s", g_dir);
        for (char *p = buf + 1; *p; p++)
            if (*p == '/') {
                *p = 0;
                mkdir(buf, 0755);
                *p = '/';
            }
        mkdir(buf, 0755);
    }
    return g_dir;
}

/* rm -r */
static void rm_tree(const char *p)
{
    struct stat st;
    if (lstat(p, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(p);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[2048];
            int k = snprintf(sub, sizeof sub, "%s/%s", p, e->d_name);
            if (k > 0 && (size_t)k < sizeof sub)
                rm_tree(sub);
        }
        if (d)
            closedir(d);
        rmdir(p);
    } else {
        unlink(p);
    }
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* ======================= a growable list of strings ======================= */

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

static void sl_add(strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = strdup(s);
}

static void sl_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool sl_equal(strlist *a, strlist *b)
{
    if (a->n != b->n) {
        fprintf(stderr, "row count %zu != %zu\n", a->n, b->n);
        return false;
    }
    qsort(a->v, a->n, sizeof *a->v, cmp_str);
    qsort(b->v, b->n, sizeof *b->v, cmp_str);
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0) {
            fprintf(stderr, "row differs: \"%s\" vs \"%s\"\n", a->v[i], b->v[i]);
            return false;
        }
    return true;
}

/* ======================= reading a target back ======================= */

static int hexv(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }

/* Percent-decode a path component's value; the default partition is "NULL". */
static void decode_value(const char *s, tn_sbuf *out)
{
    if (strcmp(s, "__HIVE_DEFAULT_PARTITION__") == 0) {
        tn_sbuf_puts(out, "NULL");
        return;
    }
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '%' && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
            tn_sbuf_putc(out, (char)(hexv(s[i + 1]) * 16 + hexv(s[i + 2])));
            i += 2;
        } else {
            tn_sbuf_putc(out, s[i]);
        }
    }
}

typedef struct readback {
    strlist rows;     /* "<partition values>|<column values>" */
    strlist files;    /* relative paths of the data files */
    int tmp_files;    /* leftover temporary files */
    int bad_files;    /* unreadable files */
    uint32_t file_cols; /* columns of the last file read */
} readback;

/* Read every file below dir; `parts` is the "a=1/b=2" prefix of the directory relative to root. */
static void read_tree(const char *root, const char *rel, readback *rb)
{
    char dir[2048];
    snprintf(dir, sizeof dir, "%s%s%s", root, rel[0] ? "/" : "", rel);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char sub[2048], subrel[2048];
        int k1 = snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        int k2 = snprintf(subrel, sizeof subrel, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
        if (k1 < 0 || k2 < 0 || (size_t)k1 >= sizeof sub || (size_t)k2 >= sizeof subrel)
            continue;
        struct stat st;
        if (stat(sub, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            read_tree(root, subrel, rb);
            continue;
        }
        if (strstr(e->d_name, ".tmp-")) {
            rb->tmp_files++;
            continue;
        }
        sl_add(&rb->files, subrel);
        /* partition prefix from rel: "k=v/k2=v2" -> "v|v2|" */
        tn_sbuf prefix = TN_SBUF_INIT;
        char relcopy[2048];
        snprintf(relcopy, sizeof relcopy, "%s", rel);
        for (char *tok = strtok(relcopy, "/"); tok; tok = strtok(NULL, "/")) {
            char *eq = strchr(tok, '=');
            decode_value(eq ? eq + 1 : tok, &prefix);
            tn_sbuf_putc(&prefix, '|');
        }
        tn_err err = TN_ERR_INIT;
        pq_file *f = NULL;
        if (pq_file_open(vfs_default(), sub, &f, &err) != TN_OK) {
            fprintf(stderr, "%s: %s\n", sub, err.msg);
            rb->bad_files++;
            tn_sbuf_free(&prefix);
            continue;
        }
        uint32_t nf = pq_file_num_fields(f);
        rb->file_cols = nf;
        for (uint32_t rg = 0; rg < pq_file_num_row_groups(f); rg++) {
            uint32_t nr = (uint32_t)pq_row_group_num_rows(f, rg);
            tn_sbuf *rows = calloc(nr ? nr : 1, sizeof *rows);
            for (uint32_t c = 0; c < nf; c++) {
                pq_column_reader *r = NULL;
                if (pq_column_reader_open(f, rg, c, &r, &err)) {
                    rb->bad_files++;
                    break;
                }
                tn_vector *out = tn_vector_new(pq_file_field(f, c)->type, TN_BATCH);
                uint32_t got = 0, k = 0;
                while (pq_column_reader_next(r, TN_BATCH, out, &k, &err) == TN_OK && k) {
                    for (uint32_t i = 0; i < k && got + i < nr; i++) {
                        if (c)
                            tn_sbuf_putc(&rows[got + i], ',');
                        if (!tn_format_vector_row(&rows[got + i], out, i))
                            tn_sbuf_puts(&rows[got + i], "NULL");
                    }
                    got += k;
                }
                if (got != nr)
                    rb->bad_files++;
                tn_vector_unref(out);
                pq_column_reader_close(r);
            }
            for (uint32_t i = 0; i < nr; i++) {
                tn_sbuf line = TN_SBUF_INIT;
                tn_sbuf_puts(&line, tn_sbuf_str(&prefix));
                tn_sbuf_puts(&line, tn_sbuf_str(&rows[i]));
                sl_add(&rb->rows, tn_sbuf_str(&line));
                tn_sbuf_free(&line);
                tn_sbuf_free(&rows[i]);
            }
            free(rows);
        }
        pq_file_unref(f);
        tn_sbuf_free(&prefix);
    }
    if (d)
        closedir(d);
}

static void rb_free(readback *rb)
{
    sl_free(&rb->rows);
    sl_free(&rb->files);
}

/* Expected rows of chunk ch: partition columns (values) first, then the others. */
static void expect_rows(const tn_chunk *ch, const uint32_t *pcols, uint32_t np, strlist *out)
{
    for (uint32_t r = 0; r < ch->count; r++) {
        tn_sbuf line = TN_SBUF_INIT;
        for (uint32_t j = 0; j < np; j++) {
            if (!tn_format_vector_row(&line, ch->cols[pcols[j]], r))
                tn_sbuf_puts(&line, "NULL");
            tn_sbuf_putc(&line, '|');
        }
        bool first = true;
        for (uint32_t c = 0; c < ch->ncols; c++) {
            bool part = false;
            for (uint32_t j = 0; j < np; j++)
                part |= pcols[j] == c;
            if (part)
                continue;
            if (!first)
                tn_sbuf_putc(&line, ',');
            first = false;
            if (!tn_format_vector_row(&line, ch->cols[c], r))
                tn_sbuf_puts(&line, "NULL");
        }
        sl_add(out, tn_sbuf_str(&line));
        tn_sbuf_free(&line);
    }
}

/* Run COPY over a copy of ch and return the Count (or -1 with err). */
static int64_t run_copy(tn_chunk *ch, const char *const *names, const char *path, const pq_write_options *o,
                        const uint32_t *pcols, uint32_t np, bool per_thread, tn_err *err)
{
    tn_chunk *data = tn_chunk_new(ch->ncols, NULL, 0);
    for (uint32_t c = 0; c < ch->ncols; c++) {
        tn_vector *v = tn_vector_new(ch->cols[c]->type, ch->count);
        for (uint32_t r = 0; r < ch->count; r++)
            tn_vector_copy_row(v, r, ch->cols[c], r);
        tn_chunk_set_col(data, c, v);
        tn_vector_unref(v);
    }
    data->count = ch->count;
    ex_op *op = op_copy_parquet_create_ex(op_values_create(data), names, path, o, pcols, np, per_thread);
    if (!op)
        return -2;
    tn_chunk *out = NULL;
    int64_t n = -1;
    if (ex_op_next(op, &out, err) == TN_OK && out && out->count == 1)
        n = ((int64_t *)out->cols[0]->data)[0];
    ex_op_free(op);
    return n;
}

/* ======================= the data ======================= */

/* year INT32 (3 values + NULL), cat VARCHAR with characters to escape, v BIGINT, s VARCHAR */
static tn_chunk *make_data(uint32_t n)
{
    tn_type types[4] = {tn_type_make(TN_T_INT32), tn_type_make(TN_T_VARCHAR), tn_type_make(TN_T_INT64),
                        tn_type_make(TN_T_VARCHAR)};
    tn_chunk *ch = tn_chunk_new(4, types, n);
    static const char *const cats[] = {"plain", "a/b", "x=y", "100%", "line\nbreak", "t:1", "__HIVE_DEFAULT_PARTITION__",
                                       ""};
    for (uint32_t r = 0; r < n; r++) {
        uint32_t k = (r * 7919u) % 1000;
        if (k % 17 == 0)
            tn_vector_set_null(ch->cols[0], r);
        else
            ((int32_t *)ch->cols[0]->data)[r] = 2020 + (int32_t)(k % 3);
        if (k % 23 == 1)
            tn_vector_set_null(ch->cols[1], r);
        else {
            const char *c = cats[k % TN_ARRAY_LEN(cats)];
            tn_vector_add_string(ch->cols[1], c, (uint32_t)strlen(c), &((tn_str *)ch->cols[1]->data)[r]);
        }
        ((int64_t *)ch->cols[2]->data)[r] = (int64_t)r * 31 - 1000;
        char b[32];
        int l = snprintf(b, sizeof b, "s-%u", r % 50);
        tn_vector_add_string(ch->cols[3], b, (uint32_t)l, &((tn_str *)ch->cols[3]->data)[r]);
        if (r % 41 == 0)
            tn_vector_set_null(ch->cols[3], r);
    }
    ch->count = n;
    return ch;
}

static const char *const g_names[4] = {"year", "cat", "v", "s"};

static void test_partitioned(void)
{
    char path[700];
    snprintf(path, sizeof path, "%s/part", tmp_dir());
    rm_tree(path);
    tn_chunk *ch = make_data(10000);
    pq_write_options o;
    pq_write_options_default(&o);
    o.row_group_size = 700;
    tn_err err = TN_ERR_INIT;
    uint32_t pcols[2] = {0, 1};
    CHECK_EQ_INT(run_copy(ch, g_names, path, &o, pcols, 2, false, &err), 10000);
    readback rb = {0};
    read_tree(path, "", &rb);
    CHECK_EQ_INT(rb.tmp_files, 0);
    CHECK_EQ_INT(rb.bad_files, 0);
    CHECK_EQ_INT(rb.file_cols, 2); /* v, s: partition columns are not in the files */
    strlist want = {0};
    expect_rows(ch, pcols, 2, &want);
    CHECK(sl_equal(&rb.rows, &want));
    /* 4 years (NULL included) x 9 categories (NULL included): every file is data_0 (100 open) */
    CHECK_EQ_INT(rb.files.n, 36);
    for (size_t i = 0; i < rb.files.n; i++)
        CHECK(strstr(rb.files.v[i], "/data_0.parquet") != NULL);
    /* the spelled-out directories */
    static const char *const dirs[] = {
        "year=2020/cat=plain",    "year=2021/cat=a%2Fb",          "year=2022/cat=x%3Dy",
        "year=2020/cat=100%25",   "year=2020/cat=line%0Abreak",   "year=2020/cat=t%3A1",
        "year=2020/cat=__HIVE_DEFAULT_PARTITION__", "year=2020/cat=%5F_HIVE_DEFAULT_PARTITION__",
        "year=__HIVE_DEFAULT_PARTITION__/cat=plain", "year=2021/cat=",
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(dirs); i++) {
        char p[1024];
        snprintf(p, sizeof p, "%s/%s/data_0.parquet", path, dirs[i]);
        if (!exists(p))
            fprintf(stderr, "missing %s\n", p);
        CHECK(exists(p));
    }
    sl_free(&want);
    rb_free(&rb);

    /* a non-empty target directory is refused; with OVERWRITE_OR_IGNORE the files are replaced
     * and unrelated files stay */
    CHECK_EQ_INT(run_copy(ch, g_names, path, &o, pcols, 2, false, &err), -1);
    CHECK(strstr(err.msg, "not empty") != NULL && strstr(err.msg, "OVERWRITE_OR_IGNORE") != NULL);
    char keep[800];
    snprintf(keep, sizeof keep, "%s/README", path);
    FILE *kf = fopen(keep, "w");
    if (kf) {
        fputs("keep me", kf);
        fclose(kf);
    }
    o.overwrite_or_ignore = true;
    CHECK_EQ_INT(run_copy(ch, g_names, path, &o, pcols, 2, false, &err), 10000);
    CHECK(exists(keep));
    unlink(keep);
    memset(&rb, 0, sizeof rb);
    read_tree(path, "", &rb);
    CHECK_EQ_INT(rb.rows.n, 10000); /* replaced, not doubled */
    rb_free(&rb);
    rm_tree(path);

    /* a regular file in the way */
    kf = fopen(path, "w");
    if (kf)
        fclose(kf);
    CHECK_EQ_INT(run_copy(ch, g_names, path, &o, pcols, 2, false, &err), -1);
    CHECK(strstr(err.msg, "not a directory") != NULL);
    unlink(path);
    tn_chunk_free(ch);
}

static void test_lru_and_types(void)
{
    char path[700];
    snprintf(path, sizeof path, "%s/lru", tmp_dir());
    rm_tree(path);
    /* rows cycle through 6 partitions in every batch; at most 2 files open */
    const uint32_t n = 9000;
    tn_type types[5] = {tn_type_make(TN_T_DATE), tn_type_make(TN_T_BOOL), tn_type_decimal(6, 2),
                        tn_type_make(TN_T_DOUBLE), tn_type_make(TN_T_INT64)};
    tn_chunk *ch = tn_chunk_new(5, types, n);
    for (uint32_t r = 0; r < n; r++) {
        ((int32_t *)ch->cols[0]->data)[r] = 19723 + (int32_t)(r % 3); /* 2024-01-01.. */
        ((uint8_t *)ch->cols[1]->data)[r] = (uint8_t)(r % 2);
        ((int64_t *)ch->cols[2]->data)[r] = 1250;                   /* 12.50 */
        ((double *)ch->cols[3]->data)[r] = (double)r / 4.0;
        ((int64_t *)ch->cols[4]->data)[r] = (int64_t)r;
    }
    ch->count = n;
    const char *names[5] = {"d", "b", "m", "x", "id"};
    pq_write_options o;
    pq_write_options_default(&o);
    o.max_open_files = 2;
    tn_err err = TN_ERR_INIT;
    uint32_t pcols[3] = {0, 1, 2};
    CHECK_EQ_INT(run_copy(ch, names, path, &o, pcols, 3, false, &err), n);
    readback rb = {0};
    read_tree(path, "", &rb);
    strlist want = {0};
    expect_rows(ch, pcols, 3, &want);
    CHECK(sl_equal(&rb.rows, &want));
    CHECK_EQ_INT(rb.tmp_files, 0);
    /* 6 partitions, each continued in several files because only 2 stay open */
    CHECK(rb.files.n > 6);
    char p[1024];
    snprintf(p, sizeof p, "%s/d=2024-01-01/b=false/m=12.50/data_1.parquet", path);
    CHECK(exists(p));
    snprintf(p, sizeof p, "%s/d=2024-01-03/b=true/m=12.50/data_0.parquet", path);
    CHECK(exists(p));
    sl_free(&want);
    rb_free(&rb);
    rm_tree(path);

    /* the same data with a generous limit: one file per partition */
    o.max_open_files = 100;
    CHECK_EQ_INT(run_copy(ch, names, path, &o, pcols, 3, false, &err), n);
    memset(&rb, 0, sizeof rb);
    read_tree(path, "", &rb);
    CHECK_EQ_INT(rb.files.n, 6);
    CHECK_EQ_INT(rb.rows.n, n);
    rb_free(&rb);
    rm_tree(path);
    tn_chunk_free(ch);
}

static void test_per_thread_and_names(void)
{
    char path[700];
    snprintf(path, sizeof path, "%s/pto", tmp_dir());
    rm_tree(path);
    tn_chunk *ch = make_data(3000);
    pq_write_options o;
    pq_write_options_default(&o);
    tn_err err = TN_ERR_INIT;
    CHECK_EQ_INT(run_copy(ch, g_names, path, &o, NULL, 0, true, &err), 3000);
    readback rb = {0};
    read_tree(path, "", &rb);
    CHECK_EQ_INT(rb.files.n, 1);
    CHECK(rb.files.n == 1 && strcmp(rb.files.v[0], "data_0.parquet") == 0);
    CHECK_EQ_INT(rb.file_cols, 4);
    strlist want = {0};
    expect_rows(ch, NULL, 0, &want);
    CHECK(sl_equal(&rb.rows, &want));
    sl_free(&want);
    rb_free(&rb);
    rm_tree(path);

    /* the flag from the options, an empty input: still one (empty) file */
    o.per_thread_output = true;
    tn_chunk *empty = make_data(0);
    CHECK_EQ_INT(run_copy(empty, g_names, path, &o, NULL, 0, false, &err), 0);
    char p[800];
    snprintf(p, sizeof p, "%s/data_0.parquet", path);
    CHECK(exists(p));
    rm_tree(path);
    tn_chunk_free(empty);

    /* PARTITION_BY names from the options (old constructor), resolved case-insensitively */
    pq_write_options_default(&o);
    tn_value val;
    CHECK_EQ_INT(tn_value_set_string(&val, tn_type_make(TN_T_VARCHAR), "YEAR", 4), TN_OK);
    CHECK_EQ_INT(pq_write_options_set(&o, "partition_by", &val, &err), TN_OK);
    tn_value_free(&val);
    tn_chunk *data = tn_chunk_new(4, NULL, 0);
    for (uint32_t c = 0; c < 4; c++)
        tn_chunk_set_col(data, c, ch->cols[c]);
    data->count = ch->count;
    ex_op *op = op_copy_parquet_create(op_values_create(data), g_names, path, &o);
    CHECK(op != NULL);
    tn_sbuf sb = TN_SBUF_INIT;
    ex_op_explain(op, &sb);
    CHECK(strstr(tn_sbuf_str(&sb), "partition_by=YEAR") != NULL);
    tn_sbuf_free(&sb);
    tn_chunk *out = NULL;
    CHECK_EQ_INT(ex_op_next(op, &out, &err), TN_OK);
    CHECK(out && ((int64_t *)out->cols[0]->data)[0] == 3000);
    ex_op_free(op);
    memset(&rb, 0, sizeof rb);
    read_tree(path, "", &rb);
    uint32_t pc = 0;
    expect_rows(ch, &pc, 1, &want);
    CHECK(sl_equal(&rb.rows, &want));
    CHECK_EQ_INT(rb.files.n, 4);
    sl_free(&want);
    rb_free(&rb);
    rm_tree(path);
    pq_write_options_free(&o);

    /* an unknown name is reported when the COPY runs; nothing is created */
    pq_write_options_default(&o);
    CHECK_EQ_INT(tn_value_set_string(&val, tn_type_make(TN_T_VARCHAR), "nope", 4), TN_OK);
    CHECK_EQ_INT(pq_write_options_set(&o, "partition_by", &val, &err), TN_OK);
    tn_value_free(&val);
    CHECK_EQ_INT(run_copy(ch, g_names, path, &o, NULL, 0, false, &err), -1);
    CHECK(strstr(err.msg, "nope") != NULL);
    CHECK(!exists(path));
    pq_write_options_free(&o);

    /* invalid partition indexes: no operator */
    uint32_t bad1[1] = {7}, bad2[2] = {1, 1}, all[4] = {0, 1, 2, 3};
    pq_write_options_default(&o);
    CHECK_EQ_INT(run_copy(ch, g_names, path, &o, bad1, 1, false, &err), -2);
    CHECK_EQ_INT(run_copy(ch, g_names, path, &o, bad2, 2, false, &err), -2);
    CHECK_EQ_INT(run_copy(ch, g_names, path, &o, all, 4, false, &err), -2);
    tn_chunk_free(ch);
}

/* ======================= failure path ======================= */

/* A child yielding `good` batches of make_data rows, then failing. */
typedef struct failing_op {
    ex_op base;
    tn_chunk *data;
    int left;
} failing_op;

static int failing_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    failing_op *f = (failing_op *)op;
    *out = NULL;
    if (f->left-- > 0) {
        *out = f->data;
        return TN_OK;
    }
    return tn_err_set(err, TN_IOERR, "injected child failure");
}

static void failing_destroy(ex_op *op) { tn_chunk_free(((failing_op *)op)->data); }

static const ex_op_vt failing_vt = {"FAILING", failing_next, failing_destroy, NULL};

static void test_failure_cleanup(void)
{
    char path[700];
    snprintf(path, sizeof path, "%s/fail", tmp_dir());
    rm_tree(path);
    failing_op *f = tn_calloc(1, sizeof *f);
    f->data = make_data(2000);
    f->left = 5;
    tn_type types[4];
    for (int c = 0; c < 4; c++)
        types[c] = f->data->cols[c]->type;
    CHECK_EQ_INT(ex_op_init_base(&f->base, &failing_vt, 4, types), TN_OK);
    pq_write_options o;
    pq_write_options_default(&o);
    o.max_open_files = 1; /* files get finished (and must be removed again) */
    uint32_t pcols[1] = {0};
    ex_op *op = op_copy_parquet_create_ex(&f->base, g_names, path, &o, pcols, 1, false);
    CHECK(op != NULL);
    tn_err err = TN_ERR_INIT;
    tn_chunk *out = NULL;
    CHECK_EQ_INT(ex_op_next(op, &out, &err), TN_IOERR);
    CHECK(strstr(err.msg, "injected") != NULL);
    ex_op_free(op);
    readback rb = {0};
    read_tree(path, "", &rb);
    CHECK_EQ_INT(rb.files.n, 0);
    CHECK_EQ_INT(rb.tmp_files, 0);
    rb_free(&rb);
    rm_tree(path);
}

static void test_no_leaks(void) { CHECK_EQ_INT(tn_mem_in_use(), 0); }

TEST_MAIN(test_partitioned, test_lru_and_types, test_per_thread_and_names, test_failure_cleanup, test_no_leaks)
