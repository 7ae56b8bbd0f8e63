/*
 * sql.c -- the SQL front end's entry points (sql.h): sq_prepare parses one statement, binds and
 * plans it, and sq_plan_free releases the result.
 *
 * Statements:
 *   SELECT ...                 the planned operator tree (planner.c)
 *   EXPLAIN SELECT ...         one row, one VARCHAR column "explain": the operator tree
 *                              (ex_op_explain, including each scan's columns and pushed-down
 *                              filters) followed by one line per Parquet scan with its files, row
 *                              groups and how many of them the statistics prune
 *   DESCRIBE source | SELECT   DuckDB's layout: column_name, column_type, null ("YES"), key,
 *                              default, extra (NULL), all VARCHAR
 *   COPY (SELECT ...) TO 'p' [WITH] [(FORMAT parquet, COMPRESSION c, COMPRESSION_LEVEL n,
 *        ROW_GROUP_SIZE n, ROW_GROUP_SIZE_BYTES n|'128MB')]   and COPY source TO ...:
 *                              COPY_TO_PARQUET over the query, yielding BIGINT "Count"
 *   SET / PRAGMA / SHOW        TN_NOTSUP
 * The statement's AST lives in an arena freed before sq_prepare returns; Parquet sources opened
 * while binding stay in the plan (priv) because the scans borrow them.
 */
#include "sql_int.h"
#include "parser.h"
#include "../parquet/codec.h"
#include "../parquet/writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void sq_plan_free(sq_plan *p)
{
    if (!p)
        return;
    ex_op_free(p->root);
    if (p->priv) {
        sq_resources_free(p->priv);
        tn_free(p->priv);
    }
    for (uint32_t i = 0; p->names && i < p->ncols; i++)
        tn_free(p->names[i]);
    tn_free(p->names);
    tn_free(p->types);
    tn_free(p);
}

#define SQ_TYPE_NAME_MAX 1024

static int nomem(tn_err *err)
{
    return tn_err_set(err, TN_NOMEM, "out of memory planning SQL");
}

/* Install root and a copy of names/types into the plan. Consumes root (freed on failure). */
static int finish_plan(sq_plan *p, ex_op *root, char *const *names, tn_err *err)
{
    p->root = root;
    p->ncols = root->ncols;
    p->names = tn_calloc(root->ncols ? root->ncols : 1, sizeof *p->names);
    p->types = tn_malloc((root->ncols ? root->ncols : 1) * sizeof *p->types);
    if (!p->names || !p->types)
        return nomem(err);
    for (uint32_t i = 0; i < root->ncols; i++) {
        p->types[i] = root->types[i];
        if (!(p->names[i] = tn_strdup(names[i] ? names[i] : "")))
            return nomem(err);
    }
    return TN_OK;
}

/* A VALUES operator over VARCHAR cells (row-major; NULL cell = SQL NULL). */
static int varchar_table(uint32_t ncols, uint32_t nrows, const char *const *cells, ex_op **out, tn_err *err)
{
    tn_type *types = tn_malloc((ncols ? ncols : 1) * sizeof *types);
    if (!types)
        return nomem(err);
    for (uint32_t c = 0; c < ncols; c++)
        types[c] = tn_type_make(TN_T_VARCHAR);
    tn_chunk *ch = tn_chunk_new(ncols, types, nrows ? nrows : 1);
    tn_free(types);
    if (!ch)
        return nomem(err);
    for (uint32_t r = 0; r < nrows; r++) {
        for (uint32_t c = 0; c < ncols; c++) {
            tn_vector *v = ch->cols[c];
            const char *s = cells[(size_t)r * ncols + c];
            int rc;
            if (!s) {
                rc = tn_vector_set_null(v, r);
            } else {
                tn_str str;
                rc = tn_vector_add_string(v, s, (uint32_t)strlen(s), &str);
                if (!rc)
                    ((tn_str *)v->data)[r] = str;
            }
            if (rc) {
                tn_chunk_free(ch);
                return nomem(err);
            }
        }
    }
    ch->count = nrows;
    *out = op_values_create(ch);
    return *out ? TN_OK : nomem(err);
}

/* ======================= EXPLAIN ======================= */

static int plan_explain(sq_binder *b, const sq_stmt *st, sq_plan *p, tn_err *err)
{
    tn_sbuf notes = TN_SBUF_INIT, text = TN_SBUF_INIT;
    ex_op *op = NULL;
    char **names = NULL;
    b->notes = &notes;
    int rc = sq_build_select(b, st->select, &op, &names, err);
    b->notes = NULL;
    if (rc)
        goto done;
    ex_op_explain(op, &text);
    if (notes.len)
        tn_sbuf_append(&text, notes.buf, notes.len);
    while (text.len && text.buf[text.len - 1] == '\n')
        text.buf[--text.len] = 0;
    if (text.oom || notes.oom) {
        rc = nomem(err);
        goto done;
    }
    const char *cell = tn_sbuf_str(&text);
    ex_op *root;
    if ((rc = varchar_table(1, 1, &cell, &root, err)))
        goto done;
    char *name = "explain";
    rc = finish_plan(p, root, &name, err);
done:
    ex_op_free(op);
    tn_sbuf_free(&notes);
    tn_sbuf_free(&text);
    return rc;
}

/* ======================= DESCRIBE ======================= */

static int plan_describe(sq_binder *b, const sq_stmt *st, sq_plan *p, tn_err *err)
{
    uint32_t n;
    const char **cnames;
    tn_type *ctypes;
    ex_op *op = NULL;
    sq_bound bs;
    memset(&bs, 0, sizeof bs);
    int rc;
    if (st->select) {
        char **names;
        if ((rc = sq_build_select(b, st->select, &op, &names, err)))
            return rc;
        n = op->ncols;
        cnames = (const char **)names;
        ctypes = op->types;
    } else {
        if ((rc = sq_bind_source(b, st->source, &bs))) {
            sq_bound_clear(&bs);
            return rc;
        }
        n = bs.scope.ncols;
        cnames = sq_arena_alloc(b->a, (n ? n : 1) * sizeof *cnames);
        ctypes = sq_arena_alloc(b->a, (n ? n : 1) * sizeof *ctypes);
        if (!cnames || !ctypes) {
            sq_bound_clear(&bs);
            return nomem(err);
        }
        for (uint32_t i = 0; i < n; i++) {
            cnames[i] = bs.scope.cols[i].name;
            ctypes[i] = bs.scope.cols[i].type;
        }
    }
    const char **cells = tn_calloc((size_t)(n ? n : 1) * 6, sizeof *cells);
    char *tnames = tn_malloc((size_t)(n ? n : 1) * SQ_TYPE_NAME_MAX); /* nested type names are long */
    ex_op *root = NULL;
    if (!cells || !tnames) {
        rc = nomem(err);
        goto done;
    }
    for (uint32_t i = 0; i < n; i++) {
        cells[i * 6 + 0] = cnames[i];
        cells[i * 6 + 1] = tn_type_name(ctypes[i], tnames + (size_t)i * SQ_TYPE_NAME_MAX, SQ_TYPE_NAME_MAX);
        cells[i * 6 + 2] = "YES";
    }
    if ((rc = varchar_table(6, n, cells, &root, err)))
        goto done;
    static char *const names[] = {"column_name", "column_type", "null", "key", "default", "extra"};
    rc = finish_plan(p, root, names, err);
done:
    tn_free(cells);
    tn_free(tnames);
    ex_op_free(op);
    sq_bound_clear(&bs);
    return rc;
}

/* ======================= COPY ======================= */

static int opt_string(sq_binder *b, const sq_copy_option *o, const char **out)
{
    const sq_expr *v = o->value;
    if (!v)
        return sq_bind_error(b, TN_ERROR, o->pos, "COPY option %s requires a value", o->name);
    if (v->kind == SQ_E_CONST && v->lit == SQ_LIT_STRING) {
        *out = v->str;
        return TN_OK;
    }
    return sq_bind_error(b, TN_ERROR, v->pos, "COPY option %s expects a name or a string", o->name);
}

static int opt_int(sq_binder *b, const sq_copy_option *o, int64_t *out)
{
    if (!o->value)
        return sq_bind_error(b, TN_ERROR, o->pos, "COPY option %s requires a value", o->name);
    tn_value v, iv;
    memset(&v, 0, sizeof v);
    memset(&iv, 0, sizeof iv);
    int rc = sq_bind_constant(b, o->value, o->name, &v);
    if (rc)
        return rc;
    if (v.is_null || ex_cast_value(&v, tn_type_make(TN_T_INT64), &iv, NULL) != TN_OK) {
        tn_value_free(&v);
        return sq_bind_error(b, TN_ERROR, o->value->pos, "COPY option %s expects an integer", o->name);
    }
    tn_value_free(&v);
    *out = iv.v.i64;
    return TN_OK;
}

/* "134217728", "128MB", "1 GiB" -> bytes. */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    while (*s == ' ')
        s++;
    if (*s < '0' || *s > '9')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    while (*end == ' ')
        end++;
    static const struct { const char *u; uint64_t m; } units[] = {
        {"", 1},
        {"B", 1},
        {"KB", 1000ull},
        {"MB", 1000000ull},
        {"GB", 1000000000ull},
        {"TB", 1000000000000ull},
        {"KIB", 1ull << 10},
        {"MIB", 1ull << 20},
        {"GIB", 1ull << 30},
        {"TIB", 1ull << 40},
    };
    for (size_t i = 0; i < TN_ARRAY_LEN(units); i++) {
        if (strcasecmp(end, units[i].u) == 0) {
            if (v > UINT64_MAX / units[i].m)
                return false;
            *out = v * units[i].m;
            return true;
        }
    }
    return false;
}

static int copy_options(sq_binder *b, const sq_stmt *st, pq_write_options *o)
{
    pq_write_options_default(o);
    for (uint32_t i = 0; i < st->nopts; i++) {
        const sq_copy_option *opt = &st->opts[i];
        const char *s = NULL;
        int64_t v;
        int rc;
        if (strcmp(opt->name, "FORMAT") == 0) {
            if ((rc = opt_string(b, opt, &s)))
                return rc;
            if (strcasecmp(s, "parquet") != 0)
                return sq_bind_error(b, TN_NOTSUP, opt->value->pos, "COPY format \"%s\" is not supported (only parquet)", s);
        } else if (strcmp(opt->name, "COMPRESSION") == 0 || strcmp(opt->name, "CODEC") == 0) {
            if ((rc = opt_string(b, opt, &s)))
                return rc;
            int codec = pq_codec_from_name(s);
            if (codec < 0)
                return sq_bind_error(b, TN_ERROR, opt->value->pos,
                                     "unsupported compression \"%s\" (use uncompressed, snappy, gzip, brotli, lz4, "
                                     "lz4_raw or zstd)", s);
            o->codec = codec;
        } else if (strcmp(opt->name, "COMPRESSION_LEVEL") == 0) {
            if ((rc = opt_int(b, opt, &v)))
                return rc;
            if (v < -131072 || v > 131072)
                return sq_bind_error(b, TN_ERROR, opt->value->pos, "COMPRESSION_LEVEL %lld is out of range", (long long)v);
            o->compression_level = (int)v;
        } else if (strcmp(opt->name, "ROW_GROUP_SIZE") == 0) {
            if ((rc = opt_int(b, opt, &v)))
                return rc;
            if (v <= 0)
                return sq_bind_error(b, TN_ERROR, opt->value->pos, "ROW_GROUP_SIZE must be positive");
            o->row_group_size = (uint64_t)v;
        } else if (strcmp(opt->name, "ROW_GROUP_SIZE_BYTES") == 0) {
            uint64_t bytes;
            if (opt->value && opt->value->kind == SQ_E_CONST && opt->value->lit == SQ_LIT_STRING) {
                if (!parse_size(opt->value->str, &bytes))
                    return sq_bind_error(b, TN_ERROR, opt->value->pos, "invalid size \"%s\" for ROW_GROUP_SIZE_BYTES",
                                         opt->value->str);
            } else {
                if ((rc = opt_int(b, opt, &v)))
                    return rc;
                if (v <= 0)
                    return sq_bind_error(b, TN_ERROR, opt->value->pos, "ROW_GROUP_SIZE_BYTES must be positive");
                bytes = (uint64_t)v;
            }
            o->row_group_size_bytes = bytes;
        } else {
            return sq_bind_error(b, TN_ERROR, opt->pos, "unrecognized COPY option \"%s\"", opt->name);
        }
    }
    return TN_OK;
}

static int plan_copy(sq_binder *b, const sq_stmt *st, sq_plan *p, tn_err *err)
{
    pq_write_options opts;
    int rc = copy_options(b, st, &opts);
    if (rc)
        return rc;
    if (!st->path[0])
        return sq_bind_error(b, TN_ERROR, st->pos, "COPY target path is empty");
    const sq_select *sel = st->select;
    if (!sel) { /* COPY source TO ... = COPY (SELECT * FROM source) TO ... */
        sq_select *s = sq_arena_alloc(b->a, sizeof *s);
        sq_select_item *it = sq_arena_alloc(b->a, sizeof *it);
        sq_expr *star = sq_expr_new(b->a, SQ_E_STAR, st->source->pos);
        if (!s || !it || !star)
            return nomem(err);
        star->str = "*";
        it->expr = star;
        s->items = it;
        s->nitems = 1;
        s->from = st->source;
        s->pos = st->pos;
        sel = s;
    }
    ex_op *child = NULL;
    char **names = NULL;
    if ((rc = sq_build_select(b, sel, &child, &names, err)))
        return rc;
    ex_op *root = op_copy_parquet_create(child, (const char *const *)names, st->path, &opts);
    if (!root)
        return tn_err_set(err, TN_NOMEM, "could not create the COPY operator (out of memory)");
    char *cname = "Count";
    return finish_plan(p, root, &cname, err);
}

/* ======================= entry point ======================= */

int sq_prepare(const sq_env *env, const char *sql, const char **tail, sq_plan **out, tn_err *err)
{
    *out = NULL;
    if (tail)
        *tail = sql;
    if (!sql)
        return tn_err_set(err, TN_MISUSE, "sq_prepare: sql is NULL");
    sq_plan *plan = NULL;
    sq_arena *a = sq_arena_new();
    if (!a)
        return nomem(err);
    size_t end = strlen(sql);
    sq_stmt *st = NULL;
    int rc = sq_parse(a, sql, 0, &st, &end, err);
    if (tail)
        *tail = sql + end;
    if (rc)
        goto done;
    plan = tn_calloc(1, sizeof *plan);
    sq_resources *res = tn_calloc(1, sizeof *res);
    if (!plan || !res) {
        tn_free(res);
        rc = nomem(err);
        goto done;
    }
    plan->priv = res;
    plan->kind = SQ_STMT_QUERY;
    sq_binder b;
    memset(&b, 0, sizeof b);
    b.env = env;
    b.sql = sql;
    b.a = a;
    b.res = res;
    b.err = err;
    switch ((sq_stmt_type)st->type) {
    case SQ_ST_EMPTY:
        plan->kind = SQ_STMT_EMPTY;
        break;
    case SQ_ST_SELECT: {
        ex_op *root = NULL;
        char **names = NULL;
        if ((rc = sq_build_select(&b, st->select, &root, &names, err)) == TN_OK)
            rc = finish_plan(plan, root, names, err);
        break;
    }
    case SQ_ST_EXPLAIN: rc = plan_explain(&b, st, plan, err); break;
    case SQ_ST_DESCRIBE: rc = plan_describe(&b, st, plan, err); break;
    case SQ_ST_COPY: rc = plan_copy(&b, st, plan, err); break;
    case SQ_ST_SET:
        rc = sq_error_at(err, TN_NOTSUP, sql, st->pos, "SET is not supported");
        break;
    case SQ_ST_PRAGMA:
        rc = sq_error_at(err, TN_NOTSUP, sql, st->pos, "PRAGMA and SHOW are not supported");
        break;
    }
done:
    sq_arena_free(a);
    if (rc) {
        sq_plan_free(plan);
        return rc;
    }
    *out = plan;
    return TN_OK;
}
