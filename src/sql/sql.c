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
 *   COPY (SELECT ...) TO 'p' [WITH] [(option value, ...)]   and COPY source TO ...:
 *                              COPY_TO_PARQUET over the query, yielding BIGINT "Count"; every
 *                              option is parsed by pq_write_options_set (writer.h: FORMAT,
 *                              COMPRESSION, PARQUET_VERSION, PARTITION_BY (a, b),
 *                              BLOOM_FILTER_COLUMNS (a, b), KV_METADATA {k: 'v'}, ...); relative
 *                              targets resolve through the connection's VFS (base directory)
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

/* A list option's items (PARTITION_BY (a, b), ['a', 'b']) as the setter's comma-separated text;
 * TN_OK with *text NULL when e is not such a list. Items cannot contain ',' (the setter splits on
 * it). */
static int copy_list_text(sq_binder *b, const sq_copy_option *opt, char **text)
{
    const sq_expr *e = opt->value;
    *text = NULL;
    if (!e || e->kind != SQ_E_ARRAY)
        return TN_OK;
    tn_sbuf sb = TN_SBUF_INIT;
    for (uint32_t i = 0; i < e->nargs; i++) {
        const sq_expr *it = e->args[i];
        if (it->kind != SQ_E_CONST || it->lit != SQ_LIT_STRING) {
            tn_sbuf_free(&sb);
            return sq_bind_error(b, TN_ERROR, it->pos, "COPY option %s expects a list of names", opt->name);
        }
        if (memchr(it->str, ',', it->slen) || it->slen == 0) {
            tn_sbuf_free(&sb);
            return sq_bind_error(b, TN_ERROR, it->pos, "COPY option %s: invalid name \"%s\"", opt->name, it->str);
        }
        if (i)
            tn_sbuf_puts(&sb, ", ");
        tn_sbuf_append(&sb, it->str, it->slen);
    }
    char *t = sq_arena_strndup(b->a, tn_sbuf_str(&sb), sb.len);
    bool oom = sb.oom;
    tn_sbuf_free(&sb);
    if (oom || !t)
        return sq_bind_error(b, TN_NOMEM, opt->pos, "out of memory");
    *text = t;
    return TN_OK;
}

/* KV_METADATA {key: value, ...}: the pairs go straight into the options (so values may hold any
 * character); the arrays live in the statement's arena, and the COPY operator deep-copies the
 * options when it is created. Non-text values are cast to VARCHAR; NULL means "no value". */
static int copy_kv_struct(sq_binder *b, const sq_copy_option *opt, pq_write_options *o)
{
    const sq_expr *e = opt->value;
    uint32_t n = e->nargs;
    const char **keys = sq_arena_alloc(b->a, (n ? n : 1) * sizeof *keys);
    const char **vals = sq_arena_alloc(b->a, (n ? n : 1) * sizeof *vals);
    if (!keys || !vals)
        return sq_bind_error(b, TN_NOMEM, opt->pos, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        keys[i] = e->names ? e->names[i] : NULL;
        if (!keys[i] || !keys[i][0])
            return sq_bind_error(b, TN_ERROR, e->args[i]->pos, "KV_METADATA keys must be non-empty names");
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(keys[i], keys[j]) == 0)
                return sq_bind_error(b, TN_ERROR, e->args[i]->pos, "KV_METADATA: \"%s\" is listed twice", keys[i]);
        tn_value v, t;
        memset(&v, 0, sizeof v);
        memset(&t, 0, sizeof t);
        int rc = sq_bind_constant(b, e->args[i], "KV_METADATA", &v);
        if (rc)
            return rc;
        vals[i] = NULL;
        if (!v.is_null && v.type.id != TN_T_NULL) {
            const tn_value *tv = &v;
            if (v.type.id != TN_T_VARCHAR && v.type.id != TN_T_BLOB) {
                tn_err cerr = TN_ERR_INIT;
                if ((rc = ex_cast_value(&v, tn_type_make(TN_T_VARCHAR), &t, &cerr))) {
                    tn_value_free(&v);
                    return sq_bind_error(b, rc, e->args[i]->pos, "KV_METADATA value: %s", cerr.msg);
                }
                tv = &t;
            }
            vals[i] = sq_arena_strndup(b->a, tv->v.str.ptr ? tv->v.str.ptr : "", tv->v.str.len);
            tn_value_free(&t);
            if (!vals[i]) {
                tn_value_free(&v);
                return sq_bind_error(b, TN_NOMEM, opt->pos, "out of memory");
            }
        }
        tn_value_free(&v);
    }
    o->kv_keys = n ? keys : NULL;
    o->kv_values = n ? vals : NULL;
    o->nkv = n;
    return TN_OK;
}

/* Every COPY option goes through pq_write_options_set (writer_options.c), which knows the names
 * and value forms; this only turns the option's AST into a value: a bare word or string as
 * VARCHAR, a parenthesised or bracketed list as its comma-separated text, KV_METADATA {k: v} as
 * pairs, anything else as a folded constant. *o must be released with pq_write_options_free
 * (also on failure). */
static int copy_options(sq_binder *b, const sq_stmt *st, pq_write_options *o)
{
    for (uint32_t i = 0; i < st->nopts; i++) {
        const sq_copy_option *opt = &st->opts[i];
        const sq_expr *ve = opt->value;
        tn_value v;
        memset(&v, 0, sizeof v);
        const tn_value *vp = NULL;
        int rc;
        if (ve && ve->kind == SQ_E_STRUCT && strcmp(opt->name, "KV_METADATA") == 0) {
            if ((rc = copy_kv_struct(b, opt, o)))
                return rc;
            continue;
        }
        char *list = NULL;
        if ((rc = copy_list_text(b, opt, &list)))
            return rc;
        if (list) {
            v.type = tn_type_make(TN_T_VARCHAR);
            v.v.str.ptr = list; /* borrowed (arena): v is not freed */
            v.v.str.len = (uint32_t)strlen(list);
            vp = &v;
        } else if (ve && ve->kind == SQ_E_CONST && ve->lit == SQ_LIT_STRING) {
            v.type = tn_type_make(TN_T_VARCHAR);
            v.v.str.ptr = (char *)ve->str; /* borrowed */
            v.v.str.len = ve->slen;
            vp = &v;
        } else if (ve) {
            if ((rc = sq_bind_constant(b, ve, opt->name, &v)))
                return rc;
            vp = &v;
        }
        tn_err e = TN_ERR_INIT;
        rc = pq_write_options_set(o, opt->name, vp, &e);
        if (ve && !(ve->kind == SQ_E_CONST && ve->lit == SQ_LIT_STRING) && !list)
            tn_value_free(&v);
        if (rc && !ve && rc != TN_NOMEM) /* a bare option that is not a boolean */
            return sq_bind_error(b, rc, opt->pos, "COPY option %s requires a value", opt->name);
        if (rc)
            return sq_bind_error(b, rc, ve ? ve->pos : opt->pos, "%s", e.msg);
    }
    return TN_OK;
}

static int plan_copy(sq_binder *b, const sq_stmt *st, sq_plan *p, tn_err *err)
{
    pq_write_options opts;
    pq_write_options_default(&opts);
    uint32_t *pcols = NULL;
    int rc = copy_options(b, st, &opts);
    if (rc)
        goto done;
    if (!st->path[0]) {
        rc = sq_bind_error(b, TN_ERROR, st->pos, "COPY target path is empty");
        goto done;
    }
    const sq_select *sel = st->select;
    if (!sel) { /* COPY source TO ... = COPY (SELECT * FROM source) TO ... */
        sq_select *s = sq_arena_alloc(b->a, sizeof *s);
        sq_select_item *it = sq_arena_alloc(b->a, sizeof *it);
        sq_expr *star = sq_expr_new(b->a, SQ_E_STAR, st->source->pos);
        if (!s || !it || !star) {
            rc = nomem(err);
            goto done;
        }
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
        goto done;
    /* PARTITION_BY names resolve now, so a wrong name fails at prepare time */
    if (opts.npartition_by) {
        if (!(pcols = tn_malloc((size_t)opts.npartition_by * sizeof *pcols))) {
            ex_op_free(child);
            rc = nomem(err);
            goto done;
        }
        tn_err perr = TN_ERR_INIT;
        if ((rc = pq_write_options_partition_indexes(&opts, child->ncols, (const char *const *)names, pcols, &perr))) {
            ex_op_free(child);
            rc = sq_bind_error(b, rc, st->pos, "%s", perr.msg);
            goto done;
        }
    }
    ex_op *root = op_copy_parquet_create_ex(child, (const char *const *)names, st->path, &opts, pcols,
                                            opts.npartition_by, opts.per_thread_output);
    if (!root) {
        rc = tn_err_set(err, TN_NOMEM, "could not create the COPY operator (out of memory)");
        goto done;
    }
    if (b->env && b->env->fs)
        op_copy_parquet_set_vfs(root, b->env->fs); /* relative targets: the connection's base dir */
    char *cname = "Count";
    rc = finish_plan(p, root, &cname, err);
done:
    tn_free(pcols);
    pq_write_options_free(&opts);
    return rc;
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
