/*
 * op_copy_parquet.c -- COPY_TO_PARQUET: the sink of COPY (query) TO 'path' (FORMAT parquet, ...).
 *
 * On the first next() the operator drains its child batch by batch into a pq_writer (writer.h),
 * closes it (footer, fsync, atomic rename over the target) and yields one chunk of one row with one
 * BIGINT column "Count": the number of rows written. Later calls return the end. Any error -- from
 * the child, the writer, or a cancel request -- aborts the writer, which removes its temporary
 * file, so a failed COPY never leaves a partial file and never touches an existing target.
 *
 * The writer is opened lazily on the first next() (not in the constructor), so building a plan
 * and EXPLAINing it creates no file.
 */
#include "op_int.h"
#include "../parquet/writer.h"
#include "../vfs/vfs.h"

#include <stdio.h>
#include <string.h>

typedef struct op_copy_parquet {
    ex_op base;
    char **names;            /* child column names (owned) */
    uint32_t nnames;
    char *path;              /* owned */
    pq_write_options opts;   /* created_by points at created_by below */
    char *created_by;        /* owned copy, or NULL */
    tn_chunk *out;
    bool done;
} op_copy_parquet;

static int copy_run(op_copy_parquet *cp, uint64_t *rows, tn_err *err)
{
    ex_op *child = cp->base.child[0];
    pq_writer *w = NULL;
    int rc = pq_writer_open(vfs_default(), cp->path, child->ncols, (const char *const *)cp->names, child->types,
                            &cp->opts, &w, err);
    if (rc)
        return rc;
    for (;;) {
        tn_chunk *c = NULL;
        if ((rc = ex_op_next(child, &c, err)) != TN_OK)
            goto fail;
        if (!c)
            break;
        if (tn_chunk_rows(c) == 0)
            continue;
        if ((rc = ex_op_check_interrupt(&cp->base, err)) != TN_OK)
            goto fail;
        if ((rc = pq_writer_write(w, c, err)) != TN_OK)
            goto fail;
    }
    *rows = pq_writer_rows(w);
    return pq_writer_close(w, err); /* frees w; removes the temporary file on failure */
fail:
    pq_writer_abort(w);
    return rc;
}

static int copy_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_copy_parquet *cp = (op_copy_parquet *)op;
    *out = NULL;
    if (cp->done)
        return TN_OK;
    cp->done = true;
    uint64_t rows = 0;
    int rc = copy_run(cp, &rows, err);
    if (rc)
        return rc;
    tn_chunk_reset(cp->out);
    ((int64_t *)cp->out->cols[0]->data)[0] = (int64_t)rows;
    cp->out->count = 1;
    *out = cp->out;
    return TN_OK;
}

static void copy_explain(const ex_op *op, tn_sbuf *out)
{
    const op_copy_parquet *cp = (const op_copy_parquet *)op;
    /* the base prints the operator name first: "COPY_TO_PARQUET path=..." */
    tn_sbuf_printf(out, "path=%s", cp->path);
}

static void copy_destroy(ex_op *op)
{
    op_copy_parquet *cp = (op_copy_parquet *)op;
    for (uint32_t i = 0; i < cp->nnames && cp->names; i++)
        tn_free(cp->names[i]);
    tn_free(cp->names);
    tn_free(cp->path);
    tn_free(cp->created_by);
    tn_chunk_free(cp->out);
}

static const ex_op_vt copy_vt = {"COPY_TO_PARQUET", copy_next, copy_destroy, copy_explain};

ex_op *op_copy_parquet_create(ex_op *child, const char *const *names, const char *path,
                              const struct pq_write_options *opts)
{
    if (!child || !path) {
        ex_op_free(child);
        return NULL;
    }
    tn_type bigint = tn_type_make(TN_T_INT64);
    op_copy_parquet *cp = ex_op_alloc(sizeof *cp, &copy_vt, 1, &bigint);
    if (!cp) {
        ex_op_free(child);
        return NULL;
    }
    cp->base.child[0] = child;
    cp->base.nchild = 1;
    if (opts)
        cp->opts = *opts;
    else
        pq_write_options_default(&cp->opts);
    cp->opts.created_by = NULL;
    if (opts && opts->created_by && !(cp->created_by = tn_strdup(opts->created_by)))
        goto nomem;
    cp->opts.created_by = cp->created_by;
    if (!(cp->path = tn_strdup(path)))
        goto nomem;
    cp->names = tn_calloc(child->ncols ? child->ncols : 1, sizeof *cp->names);
    if (!cp->names)
        goto nomem;
    cp->nnames = child->ncols;
    for (uint32_t i = 0; i < child->ncols; i++) {
        if (names && names[i]) {
            cp->names[i] = tn_strdup(names[i]);
        } else {
            char buf[32];
            snprintf(buf, sizeof buf, "column%u", i);
            cp->names[i] = tn_strdup(buf);
        }
        if (!cp->names[i])
            goto nomem;
    }
    if (!(cp->out = tn_chunk_new(1, &bigint, 1)))
        goto nomem;
    return &cp->base;
nomem:
    ex_op_free(&cp->base);
    return NULL;
}
