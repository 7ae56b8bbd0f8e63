/*
 * checkpoint.c -- reading checkpoints (PROTOCOL.md "Checkpoints", "Checkpoint Specs" V1/V2,
 * "Checkpoint Naming Scheme", "Sidecar Files", "Checkpoint Schema").
 *
 * A Parquet checkpoint has one row per action; each action type is a nullable STRUCT column
 * (add, remove, metaData, protocol, txn, domainMetadata, and for V2 checkpointMetadata and
 * sidecar); a missing column means null. The columns are read with pq_column_reader as nested
 * vectors (util/vector.h: STRUCT children row-aligned, MAP = LIST of STRUCT{key, value}, LIST
 * entries into an element vector) and every non-null struct row becomes a dlt_action for the same
 * sink the JSON commits feed, so reconciliation has one code path. The `remove` column is not read:
 * checkpoint tombstones never hide a checkpoint add (a reconciled checkpoint holds each logical
 * file once) and snapshot reads do not return them.
 *
 * add.stats (JSON text) is used when present; otherwise add.stats_parsed is rendered back to JSON
 * (values.c), so files from checkpoints written with only struct stats keep their statistics.
 * Likewise a missing add.partitionValues map is rebuilt from add.partitionValues_parsed.
 *
 * V2: a UUID-named JSON checkpoint is newline-delimited actions (actions.c). checkpointMetadata is
 * accepted, sidecar actions name Parquet files in _delta_log/_sidecars that hold the add/remove
 * actions; they are read after the checkpoint's own rows. A sidecar name with a '/' or ".." is
 * refused (sidecars live only in that directory).
 */
#include "delta_int.h"
#include "../parquet/parquet.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- reading values out of vectors ---- */

static uint32_t vidx(const tn_vector *v, uint32_t row)
{
    if (v->kind == TN_VEC_CONST)
        return 0;
    if (v->kind == TN_VEC_DICT)
        return ((const uint32_t *)v->data)[row];
    return row;
}

static bool vvalid(const tn_vector *v, uint32_t row)
{
    if (v->kind == TN_VEC_CONST)
        return !v->validity || tn_bit_get(v->validity, 0);
    if (v->validity && !tn_bit_get(v->validity, row))
        return false;
    if (v->kind == TN_VEC_DICT) {
        uint32_t k = vidx(v, row);
        if (k >= v->dict->capacity)
            return false;
        return !v->dict->validity || tn_bit_get(v->dict->validity, k);
    }
    return true;
}

static const void *vptr(const tn_vector *v, uint32_t row, size_t width)
{
    const tn_vector *d = v->kind == TN_VEC_DICT ? v->dict : v;
    return (const char *)d->data + (size_t)vidx(v, row) * width;
}

static const tn_vector *child(const tn_vector *s, const char *name)
{
    if (!s || s->type.id != TN_T_STRUCT || !s->type.nested || !s->type.nested->names)
        return NULL;
    uint32_t n = TN_MIN(s->nchildren, (uint32_t)s->type.nested->nchildren);
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(s->type.nested->names[i], name) == 0)
            return s->children[i];
    for (uint32_t i = 0; i < n; i++)
        if (strcasecmp(s->type.nested->names[i], name) == 0)
            return s->children[i];
    return NULL;
}

static bool get_str(const tn_vector *v, uint32_t row, const char **p, uint32_t *n)
{
    if (!v || (v->type.id != TN_T_VARCHAR && v->type.id != TN_T_BLOB) || !vvalid(v, row))
        return false;
    const tn_str *s = vptr(v, row, sizeof(tn_str));
    *p = tn_str_data(s);
    *n = s->len;
    return true;
}

static bool get_i64(const tn_vector *v, uint32_t row, int64_t *out)
{
    if (!v || !vvalid(v, row))
        return false;
    switch (v->type.id) {
    case TN_T_INT8: *out = *(const int8_t *)vptr(v, row, 1); return true;
    case TN_T_INT16: *out = *(const int16_t *)vptr(v, row, 2); return true;
    case TN_T_INT32: *out = *(const int32_t *)vptr(v, row, 4); return true;
    case TN_T_INT64: *out = *(const int64_t *)vptr(v, row, 8); return true;
    case TN_T_UINT8: *out = *(const uint8_t *)vptr(v, row, 1); return true;
    case TN_T_UINT16: *out = *(const uint16_t *)vptr(v, row, 2); return true;
    case TN_T_UINT32: *out = *(const uint32_t *)vptr(v, row, 4); return true;
    default: return false;
    }
}

static bool get_bool(const tn_vector *v, uint32_t row, bool *out)
{
    if (!v || v->type.id != TN_T_BOOL || !vvalid(v, row))
        return false;
    *out = *(const uint8_t *)vptr(v, row, 1) != 0;
    return true;
}

typedef struct rctx {
    const char *path;
    const char *col;
    uint64_t row;          /* row number in the file, for messages */
    dlt_arena *a;
    tn_err *err;
} rctx;

static int bad(rctx *c, const char *what)
{
    return tn_err_set(c->err, TN_CORRUPT, "%s: checkpoint row %llu: %s %s", c->path, (unsigned long long)c->row,
                      c->col, what);
}

static int nomem(rctx *c)
{
    return tn_err_set(c->err, TN_NOMEM, "out of memory reading %s", c->path);
}

static int req_str(rctx *c, const tn_vector *s, uint32_t row, const char *name, char **out)
{
    const char *p;
    uint32_t n;
    if (!get_str(child(s, name), row, &p, &n)) {
        char m[96];
        snprintf(m, sizeof m, "has no %s", name);
        return bad(c, m);
    }
    *out = dlt_arena_strndup(c->a, p, n);
    return *out ? TN_OK : nomem(c);
}

static int opt_str(rctx *c, const tn_vector *s, uint32_t row, const char *name, char **out)
{
    const char *p;
    uint32_t n;
    *out = NULL;
    if (!get_str(child(s, name), row, &p, &n))
        return TN_OK;
    *out = dlt_arena_strndup(c->a, p, n);
    return *out ? TN_OK : nomem(c);
}

static int req_i64(rctx *c, const tn_vector *s, uint32_t row, const char *name, int64_t *out)
{
    if (!get_i64(child(s, name), row, out)) {
        char m[96];
        snprintf(m, sizeof m, "has no %s", name);
        return bad(c, m);
    }
    return TN_OK;
}

static int64_t opt_i64(const tn_vector *s, uint32_t row, const char *name, int64_t dflt)
{
    int64_t v;
    return get_i64(child(s, name), row, &v) ? v : dflt;
}

/* Element range of row `row` of a FLAT LIST/MAP vector. */
static bool list_range(const tn_vector *v, uint32_t row, uint32_t *off, uint32_t *len)
{
    if (!v || (v->type.id != TN_T_LIST && v->type.id != TN_T_MAP) || v->kind != TN_VEC_FLAT || v->nchildren < 1 ||
        !vvalid(v, row))
        return false;
    const tn_list_entry *e = &((const tn_list_entry *)v->data)[row];
    const tn_vector *el = v->children[0];
    if (e->offset > el->capacity || e->length > el->capacity - e->offset)
        return false;
    *off = (uint32_t)e->offset;
    *len = (uint32_t)e->length;
    return true;
}

static int get_map(rctx *c, const tn_vector *m, uint32_t row, dlt_map *out, bool *present)
{
    uint32_t off, len;
    out->items = NULL;
    out->n = 0;
    if (present)
        *present = false;
    if (!list_range(m, row, &off, &len))
        return TN_OK;
    if (present)
        *present = true;
    const tn_vector *kv = m->children[0];
    if (kv->type.id != TN_T_STRUCT || kv->nchildren < 2)
        return bad(c, "has a malformed map");
    const tn_vector *kvec = kv->children[0], *vvec = kv->children[1];
    if (!len)
        return TN_OK;
    out->items = dlt_arena_calloc(c->a, len, sizeof *out->items);
    if (!out->items)
        return nomem(c);
    for (uint32_t i = 0; i < len; i++) {
        const char *p;
        uint32_t n;
        if (!get_str(kvec, off + i, &p, &n))
            return bad(c, "has a map entry without key");
        dlt_kv *e = &out->items[out->n];
        if (!(e->key = dlt_arena_strndup(c->a, p, n)))
            return nomem(c);
        e->value = NULL;
        if (get_str(vvec, off + i, &p, &n) && !(e->value = dlt_arena_strndup(c->a, p, n)))
            return nomem(c);
        out->n++;
    }
    return TN_OK;
}

static int get_str_list(rctx *c, const tn_vector *l, uint32_t row, char ***out, uint32_t *n, bool *present)
{
    uint32_t off, len;
    *out = NULL;
    *n = 0;
    *present = false;
    if (!list_range(l, row, &off, &len))
        return TN_OK;
    *present = true;
    *out = dlt_arena_calloc(c->a, len ? len : 1, sizeof **out);
    if (!*out)
        return nomem(c);
    for (uint32_t i = 0; i < len; i++) {
        const char *p;
        uint32_t sl;
        if (!get_str(l->children[0], off + i, &p, &sl))
            return bad(c, "has a null list element");
        if (!((*out)[i] = dlt_arena_strndup(c->a, p, sl)))
            return nomem(c);
    }
    *n = len;
    return TN_OK;
}

/* ---- one action per struct row ---- */

static int row_dv(rctx *c, const tn_vector *s, uint32_t row, bool *has, dlt_dv_desc *d)
{
    memset(d, 0, sizeof *d);
    d->max_row_index = -1;
    *has = false;
    const tn_vector *dv = child(s, "deletionVector");
    if (!dv || !vvalid(dv, row))
        return TN_OK;
    char *st;
    int64_t size, card;
    int rc;
    if ((rc = req_str(c, dv, row, "storageType", &st)) || (rc = req_str(c, dv, row, "pathOrInlineDv", &d->path_or_inline)) ||
        (rc = req_i64(c, dv, row, "sizeInBytes", &size)) || (rc = req_i64(c, dv, row, "cardinality", &card)))
        return rc;
    if (strlen(st) != 1 || size < 0 || size > INT32_MAX || card < 0)
        return bad(c, "has a malformed deletionVector");
    d->storage_type = st[0];
    d->size_in_bytes = (int32_t)size;
    d->cardinality = card;
    int64_t off = opt_i64(dv, row, "offset", -1);
    if (off >= 0) {
        if (off > INT32_MAX)
            return bad(c, "has a deletionVector offset out of range");
        d->has_offset = true;
        d->offset = (int32_t)off;
    }
    d->max_row_index = opt_i64(dv, row, "maxRowIndex", -1);
    if (!(d->unique_id = dlt_dv_unique_id(c->a, d)))
        return nomem(c);
    *has = true;
    return TN_OK;
}

static int row_add(rctx *c, const tn_vector *s, uint32_t row, dlt_file *f)
{
    memset(f, 0, sizeof *f);
    int rc;
    bool has_pv;
    if ((rc = req_str(c, s, row, "path", &f->path)) ||
        (rc = get_map(c, child(s, "partitionValues"), row, &f->partition_map, &has_pv)) ||
        (rc = req_i64(c, s, row, "size", &f->size)))
        return rc;
    if (!f->path[0])
        return bad(c, "has an empty path");
    f->modification_time = opt_i64(s, row, "modificationTime", 0);
    if (!get_bool(child(s, "dataChange"), row, &f->data_change))
        f->data_change = false;
    if (!has_pv) {
        /* rebuild the string map from partitionValues_parsed */
        const tn_vector *pp = child(s, "partitionValues_parsed");
        if (pp && pp->type.id == TN_T_STRUCT && vvalid(pp, row) && pp->type.nested) {
            uint32_t n = TN_MIN(pp->nchildren, (uint32_t)pp->type.nested->nchildren);
            f->partition_map.items = dlt_arena_calloc(c->a, n ? n : 1, sizeof(dlt_kv));
            if (!f->partition_map.items)
                return nomem(c);
            for (uint32_t i = 0; i < n; i++) {
                dlt_kv *kv = &f->partition_map.items[i];
                tn_value v;
                if (tn_value_from_vector(&v, pp->children[i], row))
                    return nomem(c);
                kv->key = dlt_arena_strdup(c->a, pp->type.nested->names[i]);
                kv->value = NULL;
                if (!v.is_null) {
                    tn_sbuf sb = TN_SBUF_INIT;
                    dlt_value_to_partition_string(&v, &sb);
                    kv->value = sb.oom ? NULL : dlt_arena_strndup(c->a, tn_sbuf_str(&sb), sb.len);
                    tn_sbuf_free(&sb);
                    if (!kv->value) {
                        tn_value_free(&v);
                        return nomem(c);
                    }
                }
                tn_value_free(&v);
                if (!kv->key)
                    return nomem(c);
            }
            f->partition_map.n = n;
        } /* neither: an empty map (every partition value reads as NULL) */
    }
    if ((rc = opt_str(c, s, row, "stats", &f->stats_json)))
        return rc;
    if (!f->stats_json) {
        const tn_vector *sp = child(s, "stats_parsed");
        if (sp && vvalid(sp, row)) {
            tn_sbuf sb = TN_SBUF_INIT;
            if (dlt_vector_row_to_json(sp, row, &sb, 0) && !sb.oom) {
                f->stats_json = dlt_arena_strndup(c->a, tn_sbuf_str(&sb), sb.len);
                if (!f->stats_json) {
                    tn_sbuf_free(&sb);
                    return nomem(c);
                }
            }
            tn_sbuf_free(&sb);
        }
    }
    f->num_records = -1;
    if (f->stats_json && !dlt_json_top_int(f->stats_json, strlen(f->stats_json), "numRecords", &f->num_records))
        f->num_records = -1;
    if ((rc = get_map(c, child(s, "tags"), row, &f->tags, NULL)) || (rc = row_dv(c, s, row, &f->has_dv, &f->dv)) ||
        (rc = opt_str(c, s, row, "clusteringProvider", &f->clustering_provider)))
        return rc;
    f->base_row_id = opt_i64(s, row, "baseRowId", -1);
    f->default_row_commit_version = opt_i64(s, row, "defaultRowCommitVersion", -1);
    return TN_OK;
}

static int row_meta(rctx *c, const tn_vector *s, uint32_t row, dlt_meta_raw *m)
{
    memset(m, 0, sizeof *m);
    int rc;
    bool present;
    if ((rc = req_str(c, s, row, "id", &m->id)) || (rc = opt_str(c, s, row, "name", &m->name)) ||
        (rc = opt_str(c, s, row, "description", &m->description)) ||
        (rc = req_str(c, s, row, "schemaString", &m->schema_string)) ||
        (rc = get_str_list(c, child(s, "partitionColumns"), row, &m->partition_columns, &m->npartition_columns,
                           &present)) ||
        (rc = get_map(c, child(s, "configuration"), row, &m->configuration, NULL)))
        return rc;
    const tn_vector *fmt = child(s, "format");
    if (fmt && vvalid(fmt, row)) {
        if ((rc = opt_str(c, fmt, row, "provider", &m->format_provider)) ||
            (rc = get_map(c, child(fmt, "options"), row, &m->format_options, NULL)))
            return rc;
    }
    int64_t ct;
    m->has_created_time = get_i64(child(s, "createdTime"), row, &ct);
    m->created_time = m->has_created_time ? ct : 0;
    return TN_OK;
}

static int row_protocol(rctx *c, const tn_vector *s, uint32_t row, dlt_protocol *p)
{
    memset(p, 0, sizeof *p);
    int64_t r, w;
    int rc;
    if ((rc = req_i64(c, s, row, "minReaderVersion", &r)) || (rc = req_i64(c, s, row, "minWriterVersion", &w)))
        return rc;
    if (r < INT32_MIN || r > INT32_MAX || w < INT32_MIN || w > INT32_MAX)
        return bad(c, "has a protocol version out of range");
    p->min_reader_version = (int32_t)r;
    p->min_writer_version = (int32_t)w;
    if ((rc = get_str_list(c, child(s, "readerFeatures"), row, &p->reader_features, &p->nreader_features,
                           &p->has_reader_features)) ||
        (rc = get_str_list(c, child(s, "writerFeatures"), row, &p->writer_features, &p->nwriter_features,
                           &p->has_writer_features)))
        return rc;
    return TN_OK;
}

typedef enum { COL_ADD, COL_META, COL_PROTOCOL, COL_TXN, COL_DOMAIN, COL_SIDECAR, COL_CKMETA, NCOLS } colid;
static const char *const g_cols[NCOLS] = {"add", "metaData", "protocol", "txn", "domainMetadata", "sidecar",
                                          "checkpointMetadata"};

static int row_action(rctx *c, colid col, const tn_vector *s, uint32_t row, dlt_action *a)
{
    memset(a, 0, sizeof *a);
    int rc = TN_OK;
    switch (col) {
    case COL_ADD:
        a->kind = DLT_A_ADD;
        return row_add(c, s, row, &a->u.add);
    case COL_META:
        a->kind = DLT_A_METADATA;
        return row_meta(c, s, row, &a->u.meta);
    case COL_PROTOCOL:
        a->kind = DLT_A_PROTOCOL;
        return row_protocol(c, s, row, &a->u.protocol);
    case COL_TXN:
        a->kind = DLT_A_TXN;
        if (!(rc = req_str(c, s, row, "appId", &a->u.txn.app_id)))
            rc = req_i64(c, s, row, "version", &a->u.txn.version);
        a->u.txn.last_updated = opt_i64(s, row, "lastUpdated", -1);
        return rc;
    case COL_DOMAIN:
        a->kind = DLT_A_DOMAIN;
        if (!(rc = req_str(c, s, row, "domain", &a->u.domain.domain)) &&
            !(rc = opt_str(c, s, row, "configuration", &a->u.domain.configuration)) &&
            !get_bool(child(s, "removed"), row, &a->u.domain.removed))
            a->u.domain.removed = false;
        return rc;
    case COL_SIDECAR:
        a->kind = DLT_A_SIDECAR;
        if (!(rc = req_str(c, s, row, "path", &a->u.sidecar.path)))
            rc = req_i64(c, s, row, "sizeInBytes", &a->u.sidecar.size_in_bytes);
        a->u.sidecar.modification_time = opt_i64(s, row, "modificationTime", 0);
        return rc;
    case COL_CKMETA:
        a->kind = DLT_A_CKPT_META;
        return req_i64(c, s, row, "version", &a->u.ckpt_version);
    default:
        return TN_OK;
    }
}

static int read_parquet(dlt_table *t, const char *path, bool files_only, dlt_action_fn fn, void *ctx, tn_err *err)
{
    pq_file *f = NULL;
    pq_column_reader *r = NULL;
    tn_vector *vec = NULL;
    dlt_arena scratch;
    dlt_arena_init(&scratch);
    int rc = pq_file_open(t->fs, path, &f, err);
    if (rc)
        return rc;
    int idx[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        idx[c] = (files_only && c != COL_ADD) ? -1 : pq_file_field_index(f, g_cols[c]);
        if (idx[c] >= 0 && pq_file_field(f, (uint32_t)idx[c])->type.id != TN_T_STRUCT) {
            rc = tn_err_set(err, TN_CORRUPT, "%s: checkpoint column \"%s\" is not a struct", path, g_cols[c]);
            goto done;
        }
    }
    uint64_t base = 0;
    for (uint32_t rg = 0; rg < pq_file_num_row_groups(f); rg++) {
        for (int c = 0; c < NCOLS; c++) {
            if (idx[c] < 0)
                continue;
            const pq_schema_node *node = pq_file_field(f, (uint32_t)idx[c]);
            if ((rc = pq_column_reader_open(f, rg, (uint32_t)idx[c], &r, err)))
                goto done;
            vec = tn_vector_new(node->type, TN_BATCH);
            if (!vec) {
                rc = tn_err_set(err, TN_NOMEM, "out of memory");
                goto done;
            }
            uint64_t rowno = base;
            for (;;) {
                uint32_t got = 0;
                if ((rc = pq_column_reader_next(r, TN_BATCH, vec, &got, err)))
                    goto done;
                if (!got)
                    break;
                if (vec->kind != TN_VEC_FLAT) {
                    rc = tn_err_set(err, TN_NOTSUP, "%s: checkpoint column \"%s\" was not read as a struct vector",
                                    path, g_cols[c]);
                    goto done;
                }
                for (uint32_t row = 0; row < got; row++, rowno++) {
                    if (!vvalid(vec, row))
                        continue;
                    rctx cx = {path, g_cols[c], rowno, &scratch, err};
                    dlt_action a;
                    if ((rc = row_action(&cx, (colid)c, vec, row, &a)) || (rc = fn(ctx, &a, err)))
                        goto done;
                    dlt_arena_reset(&scratch);
                }
            }
            tn_vector_unref(vec);
            vec = NULL;
            pq_column_reader_close(r);
            r = NULL;
        }
        base += (uint64_t)pq_row_group_num_rows(f, rg);
    }
done:
    tn_vector_unref(vec);
    pq_column_reader_close(r);
    pq_file_unref(f);
    dlt_arena_free(&scratch);
    return rc;
}

/* ---- checkpoints ---- */

typedef struct ckwrap {
    dlt_action_fn fn;
    void *ctx;
    char **sidecars;
    uint32_t nsidecars, cap;
} ckwrap;

static int wrap_fn(void *ctx, const dlt_action *a, tn_err *err)
{
    ckwrap *w = ctx;
    if (a->kind == DLT_A_SIDECAR) {
        if (w->nsidecars == w->cap) {
            uint32_t nc = w->cap ? w->cap * 2 : 8;
            char **p = tn_realloc(w->sidecars, nc * sizeof *p);
            if (!p)
                return tn_err_set(err, TN_NOMEM, "out of memory");
            w->sidecars = p;
            w->cap = nc;
        }
        if (!(w->sidecars[w->nsidecars] = tn_strdup(a->u.sidecar.path)))
            return tn_err_set(err, TN_NOMEM, "out of memory");
        w->nsidecars++;
        return TN_OK;
    }
    if (a->kind == DLT_A_CKPT_META)
        return TN_OK;
    return w->fn(w->ctx, a, err);
}

int dlt_checkpoint_read(dlt_table *t, const dlt_listing *l, const dlt_ckpt *c, dlt_action_fn fn, void *ctx,
                        tn_err *err)
{
    ckwrap w = {fn, ctx, NULL, 0, 0};
    dlt_arena scratch;
    dlt_arena_init(&scratch);
    char *path = NULL, *buf = NULL, *dec = NULL, *dir = NULL;
    int rc = TN_OK;
    for (uint32_t i = 0; i < c->nparts; i++) {
        if (!(path = dlt_path_join(l->log_dir, c->parts[i]))) {
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
            goto done;
        }
        if (c->kind == DLT_CK_V2_JSON) {
            size_t n;
            if ((rc = dlt_read_file(t->fs, path, DLT_MAX_LOG_FILE, &buf, &n, err)) ||
                (rc = dlt_parse_actions(path, buf, n, &scratch, true, wrap_fn, &w, err)))
                goto done;
            tn_free(buf);
            buf = NULL;
        } else if ((rc = read_parquet(t, path, false, wrap_fn, &w, err))) {
            goto done;
        }
        tn_free(path);
        path = NULL;
    }
    if (w.nsidecars && !(dir = dlt_path_join(l->log_dir, "_sidecars"))) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < w.nsidecars; i++) {
        /* the path is URI-encoded and should be a bare file name in _delta_log/_sidecars */
        const char *sp = w.sidecars[i];
        const char *slash = strrchr(sp, '/');
        if (slash) { /* tolerate a full URI whose parent is the _sidecars directory */
            size_t pl = (size_t)(slash - sp);
            if (pl < 10 || strncmp(slash - 10, "/_sidecars", 10) != 0) {
                rc = tn_err_set(err, TN_CORRUPT, "%s: sidecar \"%.200s\" is not in _delta_log/_sidecars", c->parts[0], sp);
                goto done;
            }
            sp = slash + 1;
        }
        if ((rc = dlt_percent_decode(sp, strlen(sp), &dec, NULL, "sidecar path", err)))
            goto done;
        if (!dec[0] || strchr(dec, '/') || strcmp(dec, "..") == 0 || strcmp(dec, ".") == 0) {
            rc = tn_err_set(err, TN_CORRUPT, "%s: sidecar name \"%.200s\" is not a plain file name", c->parts[0],
                            w.sidecars[i]);
            goto done;
        }
        if (!(path = dlt_path_join(dir, dec))) {
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
            goto done;
        }
        tn_free(dec);
        dec = NULL;
        if ((rc = read_parquet(t, path, true, fn, ctx, err)))
            goto done;
        tn_free(path);
        path = NULL;
    }
done:
    for (uint32_t i = 0; i < w.nsidecars; i++)
        tn_free(w.sidecars[i]);
    tn_free(w.sidecars);
    tn_free(path);
    tn_free(buf);
    tn_free(dec);
    tn_free(dir);
    dlt_arena_free(&scratch);
    return rc;
}
