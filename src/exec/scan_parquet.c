/*
 * scan_parquet.c -- the Parquet table source (ex_pq_source): turns the paths of a FROM clause
 * (`'file.parquet'`, `read_parquet('dir/part-*.parquet')`, a list of either) into a sorted set of
 * opened pq_file objects with one unified schema.
 *
 * Rules:
 *  - A path containing any of * ? [ is a glob pattern, expanded by the VFS (sorted). A pattern that
 *    matches nothing is TN_NOTFOUND "No files found that match the pattern "x"".
 *  - Any other path is opened as is. A missing file gives the same TN_NOTFOUND message; a
 *    directory is rejected for now (Delta tables arrive in a later issue).
 *  - Every file's footer is parsed once here (pq_file_open); the scan operator and DESCRIBE reuse
 *    the parsed metadata. Duplicate paths (a file named by two patterns) are kept: the user asked
 *    for both.
 *  - Schema: column names and tarn types come from the first file. Every later file must have
 *    exactly the same set of top-level columns (matched by name, case-insensitively) with equal
 *    types, else a TN_ERROR naming the file and the column. Column order may differ between
 *    files; the scan operator maps each output column to the file-local field index.
 *
 * The source is immutable once open, so parallel scans may share it.
 */
#include "scan_parquet.h"
#include <string.h>
#include <strings.h>

static bool has_glob_chars(const char *p) { return strpbrk(p, "*?[") != NULL; }

/* Growable array of opened files. */
typedef struct file_list {
    pq_file **v;
    uint32_t n, cap;
} file_list;

static int file_list_push(file_list *l, pq_file *f, tn_err *err)
{
    if (l->n == l->cap) {
        if (l->cap >= UINT32_MAX / 2)
            return tn_err_set(err, TN_ERROR, "too many files");
        uint32_t nc = l->cap ? l->cap * 2 : 8;
        pq_file **nv = tn_realloc(l->v, (size_t)nc * sizeof *nv);
        if (!nv)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = f;
    return TN_OK;
}

static int open_one(vfs *fs, const char *path, file_list *files, tn_err *err)
{
    pq_file *f = NULL;
    int rc = pq_file_open(fs, path, &f, err);
    if (rc)
        return rc;
    rc = file_list_push(files, f, err);
    if (rc)
        pq_file_unref(f);
    return rc;
}

/* Expand one user path (literal or pattern) and open the files it names. */
static int expand_path(vfs *fs, const char *path, file_list *files, tn_err *err)
{
    if (!has_glob_chars(path)) {
        int kind = 0;
        uint64_t size = 0;
        int rc = fs->stat(fs, path, &kind, &size, err);
        if (rc)
            return rc;
        if (kind == 0)
            return tn_err_set(err, TN_NOTFOUND, "No files found that match the pattern \"%s\"", path);
        if (kind == 2)
            return tn_err_set(err, TN_NOTSUP, "\"%s\" is a directory (Delta tables are not supported yet)", path);
        return open_one(fs, path, files, err);
    }
    char **paths = NULL;
    size_t n = 0;
    int rc = fs->glob(fs, path, &paths, &n, err);
    if (rc)
        return rc;
    if (n == 0)
        rc = tn_err_set(err, TN_NOTFOUND, "No files found that match the pattern \"%s\"", path);
    for (size_t i = 0; i < n && rc == TN_OK; i++)
        rc = open_one(fs, paths[i], files, err);
    vfs_glob_free(paths, n);
    return rc;
}

/* "a" for one path, "a, b, c" for several. */
static char *join_paths(const char *const *paths, uint32_t npaths)
{
    tn_sbuf s = TN_SBUF_INIT;
    for (uint32_t i = 0; i < npaths; i++) {
        if (i)
            tn_sbuf_puts(&s, ", ");
        tn_sbuf_puts(&s, paths[i]);
    }
    if (npaths == 0)
        tn_sbuf_puts(&s, "");
    return tn_sbuf_take(&s);
}

/* Field of file f matching unified column `col` (name `name`): the same position when the name
 * matches there (the common case, and it keeps duplicate names working), else a lookup by name. */
static int field_for(const pq_file *f, uint32_t col, const char *name)
{
    if (col < pq_file_num_fields(f)) {
        const pq_schema_node *n = pq_file_field(f, col);
        if (n && n->name && strcasecmp(n->name, name) == 0)
            return (int)col;
    }
    return pq_file_field_index(f, name);
}

/* Check file f against the unified schema of src (taken from the first file). */
static int check_schema(const ex_pq_source *src, const pq_file *f, tn_err *err)
{
    const char *first = pq_file_path(src->files[0]);
    for (uint32_t c = 0; c < src->ncols; c++) {
        int fi = field_for(f, c, src->names[c]);
        if (fi < 0)
            return tn_err_set(err, TN_ERROR,
                              "schema mismatch: file \"%s\" has no column \"%s\" (present in \"%s\")",
                              pq_file_path(f), src->names[c], first);
        const pq_schema_node *n = pq_file_field(f, (uint32_t)fi);
        if (!tn_type_equal(n->type, src->types[c])) {
            char a[64], b[64];
            return tn_err_set(err, TN_ERROR,
                              "schema mismatch: column \"%s\" has type %s in file \"%s\" but %s in \"%s\"",
                              src->names[c], tn_type_name(n->type, a, sizeof a), pq_file_path(f),
                              tn_type_name(src->types[c], b, sizeof b), first);
        }
    }
    uint32_t nf = pq_file_num_fields(f);
    if (nf != src->ncols) {
        /* every unified column was found, so some field of f is extra: name it */
        for (uint32_t i = 0; i < nf; i++) {
            const pq_schema_node *n = pq_file_field(f, i);
            bool known = false;
            for (uint32_t c = 0; c < src->ncols && !known; c++)
                known = strcasecmp(n->name, src->names[c]) == 0;
            if (!known)
                return tn_err_set(err, TN_ERROR,
                                  "schema mismatch: file \"%s\" has column \"%s\" that \"%s\" does not have",
                                  pq_file_path(f), n->name, first);
        }
        return tn_err_set(err, TN_ERROR, "schema mismatch: file \"%s\" has %u columns but \"%s\" has %u",
                          pq_file_path(f), nf, first, src->ncols);
    }
    return TN_OK;
}

static int take_schema(ex_pq_source *src, tn_err *err)
{
    pq_file *f0 = src->files[0];
    uint32_t n = pq_file_num_fields(f0);
    src->names = tn_calloc(n ? n : 1, sizeof *src->names);
    src->types = tn_calloc(n ? n : 1, sizeof *src->types);
    if (!src->names || !src->types)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    src->ncols = n;
    for (uint32_t i = 0; i < n; i++) {
        const pq_schema_node *node = pq_file_field(f0, i);
        src->names[i] = tn_strdup(node->name ? node->name : "");
        if (!src->names[i])
            return tn_err_set(err, TN_NOMEM, "out of memory");
        src->types[i] = node->type;
    }
    return TN_OK;
}

int ex_pq_source_open(vfs *fs, const char *const *paths, uint32_t npaths, ex_pq_source **out, tn_err *err)
{
    *out = NULL;
    if (!fs || (!paths && npaths))
        return tn_err_set(err, TN_MISUSE, "ex_pq_source_open: bad arguments");
    if (npaths == 0)
        return tn_err_set(err, TN_NOTFOUND, "No files found that match the pattern \"\"");
    int rc = TN_OK;
    file_list files = {0};
    ex_pq_source *src = tn_calloc(1, sizeof *src);
    if (!src) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    src->fs = fs;
    src->pattern = join_paths(paths, npaths);
    if (!src->pattern) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < npaths && rc == TN_OK; i++)
        rc = expand_path(fs, paths[i], &files, err);
    if (rc)
        goto done;
    src->files = files.v;
    src->nfiles = files.n;
    files.v = NULL;
    files.n = 0;
    rc = take_schema(src, err);
    for (uint32_t i = 1; i < src->nfiles && rc == TN_OK; i++)
        rc = check_schema(src, src->files[i], err);
    if (rc)
        goto done;
    for (uint32_t i = 0; i < src->nfiles; i++)
        src->total_rows += pq_file_num_rows(src->files[i]);
    *out = src;
    src = NULL;
done:
    for (uint32_t i = 0; i < files.n; i++)
        pq_file_unref(files.v[i]);
    tn_free(files.v);
    ex_pq_source_free(src);
    return rc;
}

void ex_pq_source_free(ex_pq_source *src)
{
    if (!src)
        return;
    for (uint32_t i = 0; i < src->nfiles; i++)
        pq_file_unref(src->files[i]);
    tn_free(src->files);
    if (src->names)
        for (uint32_t i = 0; i < src->ncols; i++)
            tn_free(src->names[i]);
    tn_free(src->names);
    tn_free(src->types);
    tn_free(src->pattern);
    tn_free(src);
}
