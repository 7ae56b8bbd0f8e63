/*
 * file.c -- opening a Parquet file: magic numbers, footer location, FileMetaData decoding, schema
 * tree, and the cheap whole-file consistency checks; plus the pq_file accessors of parquet.h.
 *
 * Spec: parquet-format README "File format" (summary section 1): "PAR1" at offset 0, then the
 * column chunks, then FileMetaData, its u32 little-endian length and "PAR1" again. A "PARE" magic
 * means an encrypted footer (Parquet Modular Encryption) and a plaintext footer carrying
 * encryption_algorithm means encrypted columns: both are TN_NOTSUP ("encrypted Parquet is not
 * supported"), since tarn has no key management.
 *
 * Checks: the file holds both magics and at least 12 bytes; the footer length fits between them;
 * every row group has exactly one column chunk per schema leaf; column orders are used only when
 * there is one per leaf. Column chunk byte ranges are checked when a reader opens them.
 *
 * Lifetime: a pq_file is immutable after pq_file_open and refcounted; readers hold a reference.
 */
#include "metadata.h"
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#define PQ_MAGIC "PAR1"
#define PQ_MAGIC_ENCRYPTED "PARE"

static void file_free(pq_file *f)
{
    if (!f)
        return;
    pq_schema_free_readers(f);
    pq_schema_free(f->root);
    tn_free(f->leaves);
    pq_file_meta_free(&f->meta);
    tn_free(f->footer);
    tn_free(f->created_by);
    if (f->fh)
        vfs_close(f->fh);
    tn_free(f->path);
    tn_free(f);
}

static int open_checks(pq_file *f, tn_err *err)
{
    pq_file_meta *m = &f->meta;
    for (uint32_t i = 0; i < m->nrow_groups; i++) {
        const pq_row_group *rg = &m->row_groups[i];
        if (rg->ncolumns != f->nleaves)
            return tn_err_set(err, TN_CORRUPT,
                              "%s: FileMetaData at offset %llu: row group %u has %u column chunks but the "
                              "schema has %u leaf columns",
                              f->path, (unsigned long long)f->footer_off, i, rg->ncolumns, f->nleaves);
        for (uint32_t c = 0; c < rg->ncolumns; c++) {
            const pq_column_chunk *cc = &rg->columns[c];
            if (cc->has_crypto_metadata || cc->has_encrypted_column_metadata)
                return tn_err_set(err, TN_NOTSUP,
                                  "%s: encrypted Parquet is not supported (column chunk %u (%s) of row group %u "
                                  "is encrypted)",
                                  f->path, c, f->leaves[c]->name, i);
        }
    }
    if (m->has_column_orders && m->ncolumn_orders != f->nleaves)
        m->has_column_orders = false; /* unusable: min_value/max_value become untrusted */
    return TN_OK;
}

int pq_file_open(vfs *fs, const char *path, pq_file **out, tn_err *err)
{
    int rc;
    uint8_t head[4], tail[8];
    *out = NULL;
    if (!fs)
        fs = vfs_default();
    pq_file *f = tn_calloc(1, sizeof *f);
    if (!f)
        return tn_err_set(err, TN_NOMEM, "out of memory opening %s", path);
    f->refcnt = 1;
    f->fs = fs;
    f->path = tn_strdup(path);
    if (!f->path) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory opening %s", path);
        goto done;
    }
    if ((rc = vfs_open(fs, path, VFS_READ, &f->fh, err)))
        goto done;
    if ((rc = vfs_size(f->fh, &f->size, err)))
        goto done;
    if (f->size < 12) {
        rc = tn_err_set(err, TN_CORRUPT, "%s: file of %llu bytes is too small to be a Parquet file", path,
                        (unsigned long long)f->size);
        goto done;
    }
    if ((rc = vfs_read(f->fh, 0, head, 4, err)) || (rc = vfs_read(f->fh, f->size - 8, tail, 8, err)))
        goto done;
    if (memcmp(tail + 4, PQ_MAGIC_ENCRYPTED, 4) == 0 || memcmp(head, PQ_MAGIC_ENCRYPTED, 4) == 0) {
        rc = tn_err_set(err, TN_NOTSUP, "%s: encrypted Parquet is not supported (encrypted footer, \"PARE\" magic)",
                        path);
        goto done;
    }
    if (memcmp(head, PQ_MAGIC, 4) != 0) {
        rc = tn_err_set(err, TN_CORRUPT, "%s: not a Parquet file (no \"PAR1\" magic at offset 0)", path);
        goto done;
    }
    if (memcmp(tail + 4, PQ_MAGIC, 4) != 0) {
        rc = tn_err_set(err, TN_CORRUPT, "%s: not a Parquet file or truncated (no \"PAR1\" magic at offset %llu)",
                        path, (unsigned long long)(f->size - 4));
        goto done;
    }
    uint32_t flen = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 | (uint32_t)tail[3] << 24;
    if ((uint64_t)flen + 12 > f->size || flen == 0) {
        rc = tn_err_set(err, TN_CORRUPT, "%s: footer length %u at offset %llu does not fit in a file of %llu bytes",
                        path, flen, (unsigned long long)(f->size - 8), (unsigned long long)f->size);
        goto done;
    }
    f->footer_len = flen;
    f->footer_off = f->size - 8 - flen;
    f->footer = tn_malloc(flen);
    if (!f->footer) {
        rc = tn_err_set(err, TN_NOMEM, "%s: out of memory reading a footer of %u bytes", path, flen);
        goto done;
    }
    if ((rc = vfs_read(f->fh, f->footer_off, f->footer, flen, err)))
        goto done;
    if ((rc = pq_file_meta_decode(f->footer, flen, f->footer_off, &f->meta, err))) {
        tn_err_prefix(err, rc, "%s: ", path);
        goto done;
    }
    if (f->meta.has_encryption_algorithm) {
        rc = tn_err_set(err, TN_NOTSUP,
                        "%s: encrypted Parquet is not supported (plaintext footer with encrypted columns)", path);
        goto done;
    }
    if (f->meta.has_created_by) {
        f->created_by = tn_strndup((const char *)f->meta.created_by.p, f->meta.created_by.n);
        if (!f->created_by) {
            rc = tn_err_set(err, TN_NOMEM, "out of memory opening %s", path);
            goto done;
        }
    }
    if ((rc = pq_schema_build(f, err)))
        goto done;
    if ((rc = open_checks(f, err)))
        goto done;
    *out = f;
    f = NULL;
done:
    file_free(f);
    return rc;
}

void pq_file_ref(pq_file *f) { atomic_fetch_add((_Atomic int64_t *)&f->refcnt, 1); }

void pq_file_unref(pq_file *f)
{
    if (!f)
        return;
    if (atomic_fetch_sub((_Atomic int64_t *)&f->refcnt, 1) == 1)
        file_free(f);
}

const char *pq_file_path(const pq_file *f) { return f->path; }
const pq_schema_node *pq_file_root(const pq_file *f) { return f->root; }
uint32_t pq_file_num_fields(const pq_file *f) { return f->root ? f->root->nchildren : 0; }

const pq_schema_node *pq_file_field(const pq_file *f, uint32_t i)
{
    if (!f->root || i >= f->root->nchildren)
        return NULL;
    return f->root->children[i];
}

int pq_file_field_index(const pq_file *f, const char *name)
{
    if (!f->root || !name)
        return -1;
    for (uint32_t i = 0; i < f->root->nchildren; i++)
        if (strcmp(f->root->children[i]->name, name) == 0)
            return (int)i;
    for (uint32_t i = 0; i < f->root->nchildren; i++)
        if (strcasecmp(f->root->children[i]->name, name) == 0)
            return (int)i;
    return -1;
}

int64_t pq_file_num_rows(const pq_file *f) { return f->meta.num_rows; }
uint32_t pq_file_num_row_groups(const pq_file *f) { return f->meta.nrow_groups; }

int64_t pq_row_group_num_rows(const pq_file *f, uint32_t rg)
{
    if (rg >= f->meta.nrow_groups)
        return 0;
    return f->meta.row_groups[rg].num_rows;
}

const char *pq_file_created_by(const pq_file *f) { return f->created_by; }

uint32_t pq_file_num_kv(const pq_file *f) { return f->meta.nkv; }

bool pq_file_kv(const pq_file *f, uint32_t i, const char **key, uint32_t *key_len, const char **value,
                uint32_t *value_len)
{
    if (i >= f->meta.nkv)
        return false;
    const pq_kv *kv = &f->meta.kv[i];
    *key = (const char *)kv->key.p;
    *key_len = kv->key.n;
    *value = kv->has_value ? (const char *)kv->value.p : NULL;
    *value_len = kv->has_value ? kv->value.n : 0;
    return true;
}
