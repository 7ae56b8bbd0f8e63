/*
 * actions.c -- Delta log actions from newline-delimited JSON (commits, UUID-named V2 checkpoints):
 * PROTOCOL.md "Delta Log Entries", "Actions" (Change Metadata, Add File and Remove File, Add CDC
 * File, Transaction Identifiers, Protocol Evolution, Commit Provenance Information, Domain
 * Metadata, Sidecar File Information, Checkpoint Metadata) and "Deletion Vector Descriptor
 * Schema".
 *
 * Each line is one JSON object whose key names the action. Unknown actions and unknown fields are
 * ignored ("Protocol Evolution": clients must ignore unrecognized fields); a JSON null action or
 * optional field counts as absent. Malformed JSON, a non-object line, a missing required field or a
 * required field of the wrong JSON type is TN_CORRUPT naming the file and the 1-based line.
 * Strings are copied into the caller's arena; the caller's sink decides what to keep.
 *
 * Also here: deep copies of actions into another arena and the packing of one add into a single
 * allocation (the replay keeps live files that way so a later remove frees its memory at once).
 */
#include "delta_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

typedef struct pctx {
    const char *what;      /* file name for messages */
    uint32_t line;
    const char *action;    /* action name for messages */
    dlt_arena *a;
    tn_err *err;
} pctx;

static int corrupt(pctx *c, const char *fmt, const char *field)
{
    return tn_err_set(c->err, TN_CORRUPT, "%s: line %u: %s: %s \"%s\"", c->what, c->line, c->action, fmt, field);
}

static int nomem(pctx *c)
{
    return tn_err_set(c->err, TN_NOMEM, "out of memory parsing %s", c->what);
}

/* Optional value of key in obj: NULL when absent or JSON null. */
static json_t *opt(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v) ? v : NULL;
}

static int get_str(pctx *c, json_t *obj, const char *key, bool required, char **out)
{
    *out = NULL;
    json_t *v = opt(obj, key);
    if (!v)
        return required ? corrupt(c, "missing required field", key) : TN_OK;
    if (!json_is_string(v))
        return corrupt(c, "field is not a string:", key);
    *out = dlt_arena_strndup(c->a, json_string_value(v), json_string_length(v));
    return *out ? TN_OK : nomem(c);
}

static int get_int(pctx *c, json_t *obj, const char *key, bool required, int64_t dflt, int64_t *out)
{
    *out = dflt;
    json_t *v = opt(obj, key);
    if (!v)
        return required ? corrupt(c, "missing required field", key) : TN_OK;
    if (!json_is_integer(v))
        return corrupt(c, "field is not an integer:", key);
    *out = (int64_t)json_integer_value(v);
    return TN_OK;
}

static int get_int32(pctx *c, json_t *obj, const char *key, bool required, int32_t dflt, int32_t *out)
{
    int64_t v;
    int rc = get_int(c, obj, key, required, dflt, &v);
    if (rc)
        return rc;
    if (v < INT32_MIN || v > INT32_MAX)
        return corrupt(c, "integer out of 32-bit range in field", key);
    *out = (int32_t)v;
    return TN_OK;
}

static int get_bool(pctx *c, json_t *obj, const char *key, bool required, bool dflt, bool *out)
{
    *out = dflt;
    json_t *v = opt(obj, key);
    if (!v)
        return required ? corrupt(c, "missing required field", key) : TN_OK;
    if (!json_is_boolean(v))
        return corrupt(c, "field is not a boolean:", key);
    *out = json_is_true(v);
    return TN_OK;
}

/* JSON text of a value (compact), in the arena. */
static char *dump(dlt_arena *a, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return NULL;
    char *r = dlt_arena_strdup(a, s);
    free(s); /* jansson allocates with malloc */
    return r;
}

/* A string -> string map. Scalars other than strings are kept as their JSON text (some writers
 * put numbers in configuration); objects and arrays are corrupt. */
static int get_map(pctx *c, json_t *obj, const char *key, bool required, dlt_map *out, bool *present)
{
    out->items = NULL;
    out->n = 0;
    if (present)
        *present = false;
    json_t *v = opt(obj, key);
    if (!v)
        return required ? corrupt(c, "missing required field", key) : TN_OK;
    if (!json_is_object(v))
        return corrupt(c, "field is not an object:", key);
    if (present)
        *present = true;
    size_t n = json_object_size(v);
    if (!n)
        return TN_OK;
    out->items = dlt_arena_calloc(c->a, n, sizeof *out->items);
    if (!out->items)
        return nomem(c);
    const char *k;
    json_t *e;
    uint32_t i = 0;
    json_object_foreach(v, k, e)
    {
        dlt_kv *kv = &out->items[i];
        kv->key = dlt_arena_strdup(c->a, k);
        if (!kv->key)
            return nomem(c);
        if (json_is_null(e))
            kv->value = NULL;
        else if (json_is_string(e))
            kv->value = dlt_arena_strndup(c->a, json_string_value(e), json_string_length(e));
        else if (json_is_integer(e) || json_is_real(e) || json_is_boolean(e))
            kv->value = dump(c->a, e);
        else
            return corrupt(c, "map value is not a string in field", key);
        if (!json_is_null(e) && !kv->value)
            return nomem(c);
        i++;
    }
    out->n = i;
    return TN_OK;
}

static int get_str_array(pctx *c, json_t *obj, const char *key, bool required, char ***out, uint32_t *n,
                         bool *present)
{
    *out = NULL;
    *n = 0;
    if (present)
        *present = false;
    json_t *v = opt(obj, key);
    if (!v)
        return required ? corrupt(c, "missing required field", key) : TN_OK;
    if (!json_is_array(v))
        return corrupt(c, "field is not an array:", key);
    if (present)
        *present = true;
    size_t len = json_array_size(v);
    if (len > UINT32_MAX / 2)
        return corrupt(c, "array too long in field", key);
    char **arr = dlt_arena_calloc(c->a, len ? len : 1, sizeof *arr);
    if (!arr)
        return nomem(c);
    for (size_t i = 0; i < len; i++) {
        json_t *e = json_array_get(v, i);
        if (!json_is_string(e))
            return corrupt(c, "array element is not a string in field", key);
        arr[i] = dlt_arena_strndup(c->a, json_string_value(e), json_string_length(e));
        if (!arr[i])
            return nomem(c);
    }
    *out = arr;
    *n = (uint32_t)len;
    return TN_OK;
}

char *dlt_dv_unique_id(dlt_arena *a, const dlt_dv_desc *d)
{
    size_t pl = strlen(d->path_or_inline);
    char tail[32] = "";
    if (d->has_offset)
        snprintf(tail, sizeof tail, "@%d", (int)d->offset);
    size_t tl = strlen(tail);
    char *s = dlt_arena_alloc(a, 1 + pl + tl + 1);
    if (!s)
        return NULL;
    s[0] = d->storage_type;
    memcpy(s + 1, d->path_or_inline, pl);
    memcpy(s + 1 + pl, tail, tl + 1);
    return s;
}

static int get_dv(pctx *c, json_t *obj, bool *has, dlt_dv_desc *d)
{
    memset(d, 0, sizeof *d);
    d->max_row_index = -1;
    *has = false;
    json_t *v = opt(obj, "deletionVector");
    if (!v)
        return TN_OK;
    if (!json_is_object(v))
        return corrupt(c, "field is not an object:", "deletionVector");
    const char *saved = c->action;
    c->action = "deletionVector";
    char *st = NULL;
    int rc;
    int64_t off;
    if ((rc = get_str(c, v, "storageType", true, &st)))
        goto done;
    if (strlen(st) != 1) {
        rc = corrupt(c, "storageType is not one character:", st);
        goto done;
    }
    d->storage_type = st[0];
    if ((rc = get_str(c, v, "pathOrInlineDv", true, &d->path_or_inline)))
        goto done;
    if ((rc = get_int(c, v, "offset", false, -1, &off)))
        goto done;
    if (off != -1) {
        if (off < 0 || off > INT32_MAX) {
            rc = corrupt(c, "offset out of range in", "offset");
            goto done;
        }
        d->has_offset = true;
        d->offset = (int32_t)off;
    }
    if ((rc = get_int32(c, v, "sizeInBytes", true, 0, &d->size_in_bytes)))
        goto done;
    if ((rc = get_int(c, v, "cardinality", true, 0, &d->cardinality)))
        goto done;
    if ((rc = get_int(c, v, "maxRowIndex", false, -1, &d->max_row_index)))
        goto done;
    if (d->size_in_bytes < 0 || d->cardinality < 0) {
        rc = corrupt(c, "negative size or cardinality in", "deletionVector");
        goto done;
    }
    d->unique_id = dlt_dv_unique_id(c->a, d);
    if (!d->unique_id) {
        rc = nomem(c);
        goto done;
    }
    *has = true;
done:
    c->action = saved;
    return rc;
}

static int check_path(pctx *c, json_t *obj)
{
    json_t *v = opt(obj, "path");
    if (v && json_is_string(v) && memchr(json_string_value(v), 0, json_string_length(v)))
        return corrupt(c, "path contains a NUL character:", "path");
    if (v && json_is_string(v) && json_string_length(v) == 0)
        return corrupt(c, "empty", "path");
    return TN_OK;
}

static int parse_add(pctx *c, json_t *o, dlt_file *f)
{
    memset(f, 0, sizeof *f);
    int rc;
    if ((rc = check_path(c, o)) || (rc = get_str(c, o, "path", true, &f->path)) ||
        (rc = get_map(c, o, "partitionValues", true, &f->partition_map, NULL)) ||
        (rc = get_int(c, o, "size", true, 0, &f->size)) ||
        (rc = get_int(c, o, "modificationTime", true, 0, &f->modification_time)) ||
        (rc = get_bool(c, o, "dataChange", true, true, &f->data_change)) ||
        (rc = get_str(c, o, "stats", false, &f->stats_json)) || (rc = get_map(c, o, "tags", false, &f->tags, NULL)) ||
        (rc = get_dv(c, o, &f->has_dv, &f->dv)) || (rc = get_int(c, o, "baseRowId", false, -1, &f->base_row_id)) ||
        (rc = get_int(c, o, "defaultRowCommitVersion", false, -1, &f->default_row_commit_version)) ||
        (rc = get_str(c, o, "clusteringProvider", false, &f->clustering_provider)))
        return rc;
    if (f->size < 0)
        return corrupt(c, "negative value in field", "size");
    f->num_records = -1;
    if (f->stats_json && !dlt_json_top_int(f->stats_json, strlen(f->stats_json), "numRecords", &f->num_records))
        f->num_records = -1;
    return TN_OK;
}

static int parse_remove(pctx *c, json_t *o, dlt_remove *r)
{
    memset(r, 0, sizeof *r);
    int rc;
    if ((rc = check_path(c, o)) || (rc = get_str(c, o, "path", true, &r->path)) ||
        (rc = get_int(c, o, "deletionTimestamp", false, -1, &r->deletion_timestamp)) ||
        (rc = get_bool(c, o, "dataChange", true, true, &r->data_change)) ||
        (rc = get_bool(c, o, "extendedFileMetadata", false, false, &r->extended_file_metadata)) ||
        (rc = get_map(c, o, "partitionValues", false, &r->partition_map, &r->has_partition_map)) ||
        (rc = get_int(c, o, "size", false, -1, &r->size)) || (rc = get_str(c, o, "stats", false, &r->stats_json)) ||
        (rc = get_map(c, o, "tags", false, &r->tags, NULL)) || (rc = get_dv(c, o, &r->has_dv, &r->dv)) ||
        (rc = get_int(c, o, "baseRowId", false, -1, &r->base_row_id)) ||
        (rc = get_int(c, o, "defaultRowCommitVersion", false, -1, &r->default_row_commit_version)))
        return rc;
    return TN_OK;
}

static int parse_cdc(pctx *c, json_t *o, dlt_cdc_file *f)
{
    memset(f, 0, sizeof *f);
    int rc;
    if ((rc = check_path(c, o)) || (rc = get_str(c, o, "path", true, &f->path)) ||
        (rc = get_map(c, o, "partitionValues", true, &f->partition_map, NULL)) ||
        (rc = get_int(c, o, "size", true, 0, &f->size)) ||
        (rc = get_bool(c, o, "dataChange", true, false, &f->data_change)) ||
        (rc = get_map(c, o, "tags", false, &f->tags, NULL)))
        return rc;
    return TN_OK;
}

static int parse_meta(pctx *c, json_t *o, dlt_meta_raw *m)
{
    memset(m, 0, sizeof *m);
    int rc;
    if ((rc = get_str(c, o, "id", true, &m->id)) || (rc = get_str(c, o, "name", false, &m->name)) ||
        (rc = get_str(c, o, "description", false, &m->description)))
        return rc;
    json_t *fmt = opt(o, "format");
    if (!fmt)
        return corrupt(c, "missing required field", "format");
    if (!json_is_object(fmt))
        return corrupt(c, "field is not an object:", "format");
    if ((rc = get_str(c, fmt, "provider", false, &m->format_provider)) ||
        (rc = get_map(c, fmt, "options", false, &m->format_options, NULL)) ||
        (rc = get_str(c, o, "schemaString", true, &m->schema_string)) ||
        (rc = get_str_array(c, o, "partitionColumns", true, &m->partition_columns, &m->npartition_columns, NULL)) ||
        (rc = get_map(c, o, "configuration", true, &m->configuration, NULL)))
        return rc;
    int64_t ct;
    if ((rc = get_int(c, o, "createdTime", false, INT64_MIN, &ct)))
        return rc;
    m->has_created_time = ct != INT64_MIN;
    m->created_time = m->has_created_time ? ct : 0;
    return TN_OK;
}

static int parse_protocol(pctx *c, json_t *o, dlt_protocol *p)
{
    memset(p, 0, sizeof *p);
    int rc;
    if ((rc = get_int32(c, o, "minReaderVersion", true, 0, &p->min_reader_version)) ||
        (rc = get_int32(c, o, "minWriterVersion", true, 0, &p->min_writer_version)) ||
        (rc = get_str_array(c, o, "readerFeatures", false, &p->reader_features, &p->nreader_features,
                            &p->has_reader_features)) ||
        (rc = get_str_array(c, o, "writerFeatures", false, &p->writer_features, &p->nwriter_features,
                            &p->has_writer_features)))
        return rc;
    return TN_OK;
}

/* commitInfo is free-form: fields of an unexpected type are ignored, never an error. */
static int parse_info(pctx *c, json_t *o, dlt_commit_info *ci)
{
    memset(ci, 0, sizeof *ci);
    ci->version = -1;
    ci->timestamp_ms = -1;
    ci->has_info = true;
    ci->in_commit_timestamp = -1;
    ci->info_timestamp = -1;
    ci->read_version = -1;
    ci->is_blind_append = -1;
    json_t *v;
    if ((v = opt(o, "inCommitTimestamp")) && json_is_integer(v))
        ci->in_commit_timestamp = (int64_t)json_integer_value(v);
    if ((v = opt(o, "timestamp")) && json_is_integer(v))
        ci->info_timestamp = (int64_t)json_integer_value(v);
    if ((v = opt(o, "readVersion")) && json_is_integer(v))
        ci->read_version = (int64_t)json_integer_value(v);
    if ((v = opt(o, "isBlindAppend")) && json_is_boolean(v))
        ci->is_blind_append = json_is_true(v) ? 1 : 0;
    struct {
        const char *key;
        char **dst;
    } strs[] = {{"operation", &ci->operation},     {"userId", &ci->user_id},
                {"userName", &ci->user_name},      {"engineInfo", &ci->engine_info},
                {"isolationLevel", &ci->isolation_level}, {"txnId", &ci->txn_id}};
    for (size_t i = 0; i < TN_ARRAY_LEN(strs); i++) {
        if ((v = opt(o, strs[i].key)) && json_is_string(v)) {
            *strs[i].dst = dlt_arena_strndup(c->a, json_string_value(v), json_string_length(v));
            if (!*strs[i].dst)
                return nomem(c);
        }
    }
    if ((v = opt(o, "operationParameters")) && !(ci->operation_parameters = dump(c->a, v)))
        return nomem(c);
    if ((v = opt(o, "operationMetrics")) && !(ci->operation_metrics = dump(c->a, v)))
        return nomem(c);
    if (!(ci->json = dump(c->a, o)))
        return nomem(c);
    return TN_OK;
}

static int parse_one(pctx *c, const char *key, json_t *v, dlt_action *act, bool *known)
{
    static const struct {
        const char *name;
        int kind;
    } kinds[] = {{"add", DLT_A_ADD},
                 {"remove", DLT_A_REMOVE},
                 {"metaData", DLT_A_METADATA},
                 {"protocol", DLT_A_PROTOCOL},
                 {"txn", DLT_A_TXN},
                 {"domainMetadata", DLT_A_DOMAIN},
                 {"commitInfo", DLT_A_COMMITINFO},
                 {"cdc", DLT_A_CDC},
                 {"checkpointMetadata", DLT_A_CKPT_META},
                 {"sidecar", DLT_A_SIDECAR}};
    *known = false;
    int kind = 0;
    for (size_t i = 0; i < TN_ARRAY_LEN(kinds); i++)
        if (strcmp(key, kinds[i].name) == 0)
            kind = kinds[i].kind;
    if (!kind || json_is_null(v))
        return TN_OK;
    c->action = key;
    if (!json_is_object(v))
        return tn_err_set(c->err, TN_CORRUPT, "%s: line %u: action \"%s\" is not a JSON object", c->what, c->line,
                          key);
    *known = true;
    memset(act, 0, sizeof *act);
    act->kind = kind;
    int rc = TN_OK;
    switch (kind) {
    case DLT_A_ADD:
        rc = parse_add(c, v, &act->u.add);
        break;
    case DLT_A_REMOVE:
        rc = parse_remove(c, v, &act->u.remove);
        break;
    case DLT_A_CDC:
        rc = parse_cdc(c, v, &act->u.cdc);
        break;
    case DLT_A_METADATA:
        rc = parse_meta(c, v, &act->u.meta);
        break;
    case DLT_A_PROTOCOL:
        rc = parse_protocol(c, v, &act->u.protocol);
        break;
    case DLT_A_TXN:
        if (!(rc = get_str(c, v, "appId", true, &act->u.txn.app_id)) &&
            !(rc = get_int(c, v, "version", true, 0, &act->u.txn.version)))
            rc = get_int(c, v, "lastUpdated", false, -1, &act->u.txn.last_updated);
        break;
    case DLT_A_DOMAIN:
        if (!(rc = get_str(c, v, "domain", true, &act->u.domain.domain)) &&
            !(rc = get_str(c, v, "configuration", true, &act->u.domain.configuration)))
            rc = get_bool(c, v, "removed", true, false, &act->u.domain.removed);
        break;
    case DLT_A_COMMITINFO:
        rc = parse_info(c, v, &act->u.info);
        break;
    case DLT_A_CKPT_META:
        rc = get_int(c, v, "version", true, 0, &act->u.ckpt_version);
        break;
    case DLT_A_SIDECAR:
        if (!(rc = check_path(c, v)) && !(rc = get_str(c, v, "path", true, &act->u.sidecar.path)) &&
            !(rc = get_int(c, v, "sizeInBytes", true, 0, &act->u.sidecar.size_in_bytes)))
            rc = get_int(c, v, "modificationTime", true, 0, &act->u.sidecar.modification_time);
        break;
    }
    return rc;
}

int dlt_parse_actions(const char *what, const char *buf, size_t n, dlt_arena *a, bool reset_per_line,
                      dlt_action_fn fn, void *ctx, tn_err *err)
{
    pctx c = {what, 0, "", a, err};
    const char *p = buf, *end = buf + n;
    int rc = TN_OK;
    while (p < end) {
        const char *q = memchr(p, '\n', (size_t)(end - p));
        if (!q)
            q = end;
        c.line++;
        size_t len = (size_t)(q - p);
        const char *line = p;
        p = q < end ? q + 1 : end;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
            k++;
        if (k == len)
            continue; /* blank line */
        json_error_t jerr;
        json_t *root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
        if (!root)
            return tn_err_set(err, TN_CORRUPT, "%s: line %u: malformed JSON: %s (column %d)", what, c.line, jerr.text,
                              jerr.column);
        if (!json_is_object(root)) {
            json_decref(root);
            return tn_err_set(err, TN_CORRUPT, "%s: line %u: not a JSON object", what, c.line);
        }
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v)
        {
            dlt_action act;
            bool known;
            if ((rc = parse_one(&c, key, v, &act, &known)))
                break;
            if (known && (rc = fn(ctx, &act, err)))
                break;
        }
        json_decref(root);
        if (rc)
            return rc;
        if (reset_per_line)
            dlt_arena_reset(a);
    }
    return TN_OK;
}

/* ---- copies ---- */

static int cp_str(dlt_arena *a, char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return TN_OK;
    *dst = dlt_arena_strdup(a, src);
    return *dst ? TN_OK : TN_NOMEM;
}

static int cp_strv(dlt_arena *a, char ***dst, char *const *src, uint32_t n)
{
    *dst = dlt_arena_calloc(a, n ? n : 1, sizeof **dst);
    if (!*dst)
        return TN_NOMEM;
    for (uint32_t i = 0; i < n; i++)
        if (cp_str(a, &(*dst)[i], src[i]))
            return TN_NOMEM;
    return TN_OK;
}

static int cp_dv(dlt_arena *a, const dlt_dv_desc *s, dlt_dv_desc *d)
{
    *d = *s;
    if (cp_str(a, &d->path_or_inline, s->path_or_inline) || cp_str(a, &d->unique_id, s->unique_id))
        return TN_NOMEM;
    return TN_OK;
}

int dlt_file_copy(dlt_arena *a, const dlt_file *src, dlt_file *dst)
{
    *dst = *src;
    dst->owned_ = NULL;
    dst->partition_raw = NULL;
    dst->partition_values = NULL;
    if (cp_str(a, &dst->path, src->path) || cp_str(a, &dst->full_path, src->full_path) ||
        dlt_map_copy(a, &src->partition_map, &dst->partition_map) || cp_str(a, &dst->stats_json, src->stats_json) ||
        dlt_map_copy(a, &src->tags, &dst->tags) || (src->has_dv && cp_dv(a, &src->dv, &dst->dv)) ||
        cp_str(a, &dst->clustering_provider, src->clustering_provider))
        return TN_NOMEM;
    return TN_OK;
}

int dlt_protocol_copy(dlt_arena *a, const dlt_protocol *src, dlt_protocol *dst)
{
    *dst = *src;
    if (cp_strv(a, &dst->reader_features, src->reader_features, src->nreader_features) ||
        cp_strv(a, &dst->writer_features, src->writer_features, src->nwriter_features))
        return TN_NOMEM;
    return TN_OK;
}

int dlt_meta_raw_copy(dlt_arena *a, const dlt_meta_raw *src, dlt_meta_raw *dst)
{
    *dst = *src;
    if (cp_str(a, &dst->id, src->id) || cp_str(a, &dst->name, src->name) ||
        cp_str(a, &dst->description, src->description) || cp_str(a, &dst->format_provider, src->format_provider) ||
        dlt_map_copy(a, &src->format_options, &dst->format_options) ||
        cp_str(a, &dst->schema_string, src->schema_string) ||
        cp_strv(a, &dst->partition_columns, src->partition_columns, src->npartition_columns) ||
        dlt_map_copy(a, &src->configuration, &dst->configuration))
        return TN_NOMEM;
    return TN_OK;
}

int dlt_commit_info_copy(dlt_arena *a, const dlt_commit_info *src, dlt_commit_info *dst)
{
    *dst = *src;
    if (cp_str(a, &dst->operation, src->operation) ||
        cp_str(a, &dst->operation_parameters, src->operation_parameters) ||
        cp_str(a, &dst->operation_metrics, src->operation_metrics) || cp_str(a, &dst->user_id, src->user_id) ||
        cp_str(a, &dst->user_name, src->user_name) || cp_str(a, &dst->engine_info, src->engine_info) ||
        cp_str(a, &dst->isolation_level, src->isolation_level) || cp_str(a, &dst->txn_id, src->txn_id) ||
        cp_str(a, &dst->json, src->json))
        return TN_NOMEM;
    return TN_OK;
}

/* ---- packing one add into one allocation ---- */

typedef struct packer {
    char *base;            /* NULL while measuring */
    size_t off;
} packer;

static void *pk_alloc(packer *p, size_t n, size_t align)
{
    p->off = (p->off + align - 1) & ~(align - 1);
    void *r = p->base ? p->base + p->off : NULL;
    p->off += n;
    return r;
}

static char *pk_str(packer *p, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = pk_alloc(p, n, 1);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void pk_map(packer *p, const dlt_map *s, dlt_map *d)
{
    d->n = s->n;
    d->items = s->n ? pk_alloc(p, s->n * sizeof(dlt_kv), 8) : NULL;
    for (uint32_t i = 0; i < s->n; i++) {
        char *k = pk_str(p, s->items[i].key);
        char *v = pk_str(p, s->items[i].value);
        if (d->items) {
            d->items[i].key = k;
            d->items[i].value = v;
        }
    }
}

static void pk_file(packer *p, const dlt_file *s, dlt_file *d)
{
    *d = *s;
    d->path = pk_str(p, s->path);
    d->full_path = pk_str(p, s->full_path);
    pk_map(p, &s->partition_map, &d->partition_map);
    d->stats_json = pk_str(p, s->stats_json);
    pk_map(p, &s->tags, &d->tags);
    if (s->has_dv) {
        d->dv.path_or_inline = pk_str(p, s->dv.path_or_inline);
        d->dv.unique_id = pk_str(p, s->dv.unique_id);
    }
    d->clustering_provider = pk_str(p, s->clustering_provider);
    d->partition_raw = NULL;
    d->partition_values = NULL;
}

int dlt_file_pack(const dlt_file *src, dlt_file *dst)
{
    packer m = {NULL, 0};
    dlt_file tmp;
    pk_file(&m, src, &tmp);
    char *block = tn_malloc(m.off ? m.off : 1);
    if (!block)
        return TN_NOMEM;
    packer w = {block, 0};
    pk_file(&w, src, dst);
    dst->owned_ = block;
    return TN_OK;
}
