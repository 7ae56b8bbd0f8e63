/*
 * tf_parquet.c -- the Parquet metadata table functions, with DuckDB's column names and meanings:
 *
 *   parquet_metadata(path)     one row per column chunk per row group: file_name, row_group_id,
 *                              row_group_num_rows, row_group_num_columns, row_group_bytes,
 *                              column_id, file_offset, num_values, path_in_schema ("a, list,
 *                              element"), type (physical), stats_min / stats_max (the deprecated
 *                              Statistics fields 2/1) and stats_min_value / stats_max_value
 *                              (fields 6/5), rendered as text in the column's type,
 *                              stats_null_count, stats_distinct_count, compression, encodings,
 *                              index/dictionary/data page offsets, total compressed/uncompressed
 *                              sizes, key_value_metadata (MAP(BLOB, BLOB), {} when absent),
 *                              bloom_filter_offset/length, min_is_exact, max_is_exact,
 *                              row_group_compressed_bytes, geo_bbox and geo_types (always NULL:
 *                              tarn does not decode geospatial statistics)
 *   parquet_schema(path)       one row per SchemaElement: file_name, name, type, type_length
 *                              (VARCHAR), repetition_type, num_children, converted_type, scale,
 *                              precision, field_id, logical_type (Thrift-style text, e.g.
 *                              "DecimalType(scale=2, precision=4)"), duckdb_type (the type tarn
 *                              reads the leaf as), column_id (position in the schema list)
 *   parquet_kv_metadata(path)  one row per footer key/value pair: file_name, key, value (BLOB)
 *
 * path is a string (a glob pattern is expanded, sorted) or a list of strings; every file is opened
 * on its own, so files of different schemas mix freely. Absent optional fields are NULL.
 * Difference from DuckDB: `encodings` lists the encodings in the Encoding enum's order (the
 * decoded metadata keeps them as a set), where DuckDB keeps the order written in the file.
 *
 * The rows are computed while binding (from parquet/metadata.h's decoded FileMetaData, read only)
 * into FLAT batches of at most TN_BATCH rows and served by the CHUNKS operator.
 */
#include "sql_int.h"
#include "../parquet/metadata.h"
#include "../util/format.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ======================= result table builder ======================= */

typedef struct tbl {
    uint32_t ncols;
    const tn_type *types;
    tn_chunk **chunks;
    uint32_t nchunks, cap;
    tn_chunk *cur;
    uint32_t row; /* row being filled in cur */
} tbl;

static void tbl_free(tbl *t)
{
    for (uint32_t i = 0; i < t->nchunks; i++)
        tn_chunk_free(t->chunks[i]);
    tn_free(t->chunks);
    memset(t, 0, sizeof *t);
}

/* Start a new row (every column must then be set). */
static int tbl_row(tbl *t)
{
    if (!t->cur || t->cur->count >= TN_BATCH) {
        if (t->nchunks == t->cap) {
            uint32_t nc = t->cap ? t->cap * 2 : 4;
            tn_chunk **n = tn_realloc(t->chunks, nc * sizeof *n);
            if (!n)
                return TN_NOMEM;
            t->chunks = n;
            t->cap = nc;
        }
        if (!(t->cur = tn_chunk_new(t->ncols, t->types, TN_BATCH)))
            return TN_NOMEM;
        t->chunks[t->nchunks++] = t->cur;
    }
    t->row = t->cur->count++;
    return TN_OK;
}

static int put_null(tbl *t, uint32_t c)
{
    tn_vector *v = t->cur->cols[c];
    if (v->type.id == TN_T_LIST || v->type.id == TN_T_MAP) {
        tn_list_entry *e = (tn_list_entry *)v->data + t->row;
        e->offset = v->list_size;
        e->length = 0;
    }
    for (uint32_t i = 0; v->type.id == TN_T_STRUCT && i < v->nchildren; i++)
        if (tn_vector_set_null(v->children[i], t->row))
            return TN_NOMEM;
    return tn_vector_set_null(v, t->row);
}

static int put_i64(tbl *t, uint32_t c, int64_t x)
{
    ((int64_t *)t->cur->cols[c]->data)[t->row] = x;
    return TN_OK;
}

static int put_opt_i64(tbl *t, uint32_t c, bool has, int64_t x)
{
    return has ? put_i64(t, c, x) : put_null(t, c);
}

static int put_bool(tbl *t, uint32_t c, bool has, bool x)
{
    if (!has)
        return put_null(t, c);
    ((uint8_t *)t->cur->cols[c]->data)[t->row] = x;
    return TN_OK;
}

static int put_bytes(tbl *t, uint32_t c, const void *p, size_t n)
{
    tn_vector *v = t->cur->cols[c];
    if (n > UINT32_MAX)
        return TN_NOMEM;
    return tn_vector_add_string(v, p ? p : "", (uint32_t)n, (tn_str *)v->data + t->row);
}

static int put_str(tbl *t, uint32_t c, const char *s)
{
    return s ? put_bytes(t, c, s, strlen(s)) : put_null(t, c);
}

static int put_sbuf(tbl *t, uint32_t c, tn_sbuf *sb)
{
    if (sb->oom)
        return TN_NOMEM;
    return put_bytes(t, c, tn_sbuf_str(sb), sb->len);
}

/* ======================= names of Thrift enums ======================= */

static const char *physical_name(int t)
{
    static const char *const n[] = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
                                    "FIXED_LEN_BYTE_ARRAY"};
    return t >= 0 && t < (int)TN_ARRAY_LEN(n) ? n[t] : NULL;
}

static const char *codec_name(int c)
{
    static const char *const n[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
    return c >= 0 && c < (int)TN_ARRAY_LEN(n) ? n[c] : NULL;
}

static const char *encoding_name(int e)
{
    static const char *const n[] = {"PLAIN", NULL, "PLAIN_DICTIONARY", "RLE", "BIT_PACKED", "DELTA_BINARY_PACKED",
                                    "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY",
                                    "BYTE_STREAM_SPLIT"};
    return e >= 0 && e < (int)TN_ARRAY_LEN(n) ? n[e] : NULL;
}

static const char *repetition_name(int r)
{
    static const char *const n[] = {"REQUIRED", "OPTIONAL", "REPEATED"};
    return r >= 0 && r < (int)TN_ARRAY_LEN(n) ? n[r] : NULL;
}

static const char *converted_name(int c)
{
    static const char *const n[] = {"UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE",
                                    "TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS",
                                    "UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8", "INT_16", "INT_32",
                                    "INT_64", "JSON", "BSON", "INTERVAL"};
    return c >= 0 && c < (int)TN_ARRAY_LEN(n) ? n[c] : NULL;
}

static void time_unit_text(int unit, tn_sbuf *out)
{
    tn_sbuf_printf(out, "TimeUnit(MILLIS=%s, MICROS=%s, NANOS=%s)", unit == PQ_TU_MILLIS ? "MilliSeconds()" : "<null>",
                   unit == PQ_TU_MICROS ? "MicroSeconds()" : "<null>", unit == PQ_TU_NANOS ? "NanoSeconds()" : "<null>");
}

/* LogicalType in the Thrift printTo style DuckDB shows; false when absent. */
static bool logical_text(const pq_logical_type *lt, tn_sbuf *out)
{
    switch (lt->id) {
    case PQ_LT_STRING: tn_sbuf_puts(out, "StringType()"); return true;
    case PQ_LT_MAP: tn_sbuf_puts(out, "MapType()"); return true;
    case PQ_LT_LIST: tn_sbuf_puts(out, "ListType()"); return true;
    case PQ_LT_ENUM: tn_sbuf_puts(out, "EnumType()"); return true;
    case PQ_LT_DECIMAL:
        tn_sbuf_printf(out, "DecimalType(scale=%d, precision=%d)", (int)lt->dec_scale, (int)lt->dec_precision);
        return true;
    case PQ_LT_DATE: tn_sbuf_puts(out, "DateType()"); return true;
    case PQ_LT_TIME:
    case PQ_LT_TIMESTAMP:
        tn_sbuf_printf(out, "%s(isAdjustedToUTC=%d, unit=", lt->id == PQ_LT_TIME ? "TimeType" : "TimestampType",
                       lt->utc ? 1 : 0);
        time_unit_text(lt->unit, out);
        tn_sbuf_putc(out, ')');
        return true;
    case PQ_LT_INTEGER:
        tn_sbuf_printf(out, "IntType(bitWidth=%d, isSigned=%d)", lt->bit_width, lt->is_signed ? 1 : 0);
        return true;
    case PQ_LT_UNKNOWN: tn_sbuf_puts(out, "NullType()"); return true;
    case PQ_LT_JSON: tn_sbuf_puts(out, "JsonType()"); return true;
    case PQ_LT_BSON: tn_sbuf_puts(out, "BsonType()"); return true;
    case PQ_LT_UUID: tn_sbuf_puts(out, "UUIDType()"); return true;
    case PQ_LT_FLOAT16: tn_sbuf_puts(out, "Float16Type()"); return true;
    case PQ_LT_VARIANT: tn_sbuf_puts(out, "VariantType()"); return true;
    case PQ_LT_GEOMETRY: tn_sbuf_puts(out, "GeometryType()"); return true;
    case PQ_LT_GEOGRAPHY: tn_sbuf_puts(out, "GeographyType()"); return true;
    default: return false;
    }
}

/* ======================= statistics as text ======================= */

static uint64_t le_bytes(const uint8_t *p, uint32_t n)
{
    uint64_t v = 0;
    for (uint32_t i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* Big-endian two's complement of n <= 16 bytes. */
static tn_i128 be_signed(const uint8_t *p, uint32_t n)
{
    tn_u128 v = (n && (p[0] & 0x80)) ? ~(tn_u128)0 : 0;
    for (uint32_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return (tn_i128)v;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { /* subnormal: normalise */
            int e = -1;
            do {
                e++;
                man <<= 1;
            } while (!(man & 0x400));
            bits = sign | (uint32_t)(127 - 15 - e) << 23 | (man & 0x3ff) << 13;
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | man << 13;
    } else {
        bits = sign | (exp + 127 - 15) << 23 | man << 13;
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* Render the raw statistics value `raw` of leaf column `leaf` in the leaf's tarn type (DuckDB
 * shows stats as VARCHAR in the column's type). false when the bytes do not fit the type. */
static bool stat_text(const pq_schema_node *leaf, int physical, pq_span raw, tn_sbuf *out)
{
    tn_type t = leaf ? leaf->type : tn_type_make(TN_T_BLOB);
    unsigned char v[16];
    memset(v, 0, sizeof v);
    switch (physical) {
    case PQ_BOOLEAN:
        if (raw.n < 1)
            return false;
        tn_format_value(out, tn_type_make(TN_T_BOOL), (uint8_t[]){raw.p[0] != 0});
        return true;
    case PQ_INT32:
    case PQ_INT64: {
        uint32_t w = physical == PQ_INT32 ? 4 : 8;
        if (raw.n != w)
            return false;
        uint64_t u = le_bytes(raw.p, w);
        int64_t s = w == 4 ? (int64_t)(int32_t)(uint32_t)u : (int64_t)u;
        switch ((tn_type_id)t.id) {
        case TN_T_INT8: *(int8_t *)v = (int8_t)s; break;
        case TN_T_INT16: *(int16_t *)v = (int16_t)s; break;
        case TN_T_INT32:
        case TN_T_DATE: *(int32_t *)v = (int32_t)s; break;
        case TN_T_UINT8: *(uint8_t *)v = (uint8_t)u; break;
        case TN_T_UINT16: *(uint16_t *)v = (uint16_t)u; break;
        case TN_T_UINT32: *(uint32_t *)v = (uint32_t)u; break;
        case TN_T_UINT64: *(uint64_t *)v = u; break;
        case TN_T_INT64:
        case TN_T_TIME:
        case TN_T_TIMESTAMP: *(int64_t *)v = s; break;
        case TN_T_DECIMAL:
            if (tn_decimal_is_small(t)) {
                *(int64_t *)v = s;
            } else {
                tn_i128 x = s;
                memcpy(v, &x, 16);
            }
            break;
        default: /* read as the physical integer */
            t = tn_type_make(w == 4 ? TN_T_INT32 : TN_T_INT64);
            if (w == 4)
                *(int32_t *)v = (int32_t)s;
            else
                *(int64_t *)v = s;
            break;
        }
        break;
    }
    case PQ_INT96: {
        if (raw.n != 12)
            return false;
        int64_t nanos = (int64_t)le_bytes(raw.p, 8), jd = (int64_t)le_bytes(raw.p + 8, 4);
        t = tn_type_timestamp(TN_UNIT_NS, false);
        *(int64_t *)v = (int64_t)((uint64_t)(jd - 2440588) * 86400000000000ULL + (uint64_t)nanos);
        break;
    }
    case PQ_FLOAT:
        if (raw.n != 4)
            return false;
        t = tn_type_make(TN_T_FLOAT);
        memcpy(v, raw.p, 4);
        break;
    case PQ_DOUBLE:
        if (raw.n != 8)
            return false;
        t = tn_type_make(TN_T_DOUBLE);
        memcpy(v, raw.p, 8);
        break;
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY:
        if (t.id == TN_T_DECIMAL) {
            if (raw.n > 16)
                return false;
            tn_i128 x = be_signed(raw.p, raw.n);
            if (tn_decimal_is_small(t))
                *(int64_t *)v = (int64_t)x;
            else
                memcpy(v, &x, 16);
        } else if (t.id == TN_T_UUID) {
            if (raw.n != 16)
                return false;
            memcpy(v, raw.p, 16);
        } else if (t.id == TN_T_FLOAT && raw.n == 2) {
            float f = half_to_float((uint16_t)le_bytes(raw.p, 2));
            memcpy(v, &f, 4);
        } else {
            if (t.id != TN_T_VARCHAR)
                t = tn_type_make(TN_T_BLOB);
            tn_str s = tn_str_make((const char *)raw.p, raw.n);
            memcpy(v, &s, sizeof s);
        }
        break;
    default: return false;
    }
    tn_format_value(out, t, v);
    return true;
}

/* ======================= files ======================= */

typedef struct file_list {
    pq_file **f;
    uint32_t n, cap;
} file_list;

static void files_free(file_list *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        pq_file_unref(l->f[i]);
    tn_free(l->f);
    memset(l, 0, sizeof *l);
}

static int files_open_one(sq_binder *b, vfs *fs, const char *path, uint32_t pos, file_list *l)
{
    if (l->n == l->cap) {
        uint32_t nc = l->cap ? l->cap * 2 : 4;
        pq_file **n = tn_realloc(l->f, nc * sizeof *n);
        if (!n)
            return tn_err_set(b->err, TN_NOMEM, "out of memory");
        l->f = n;
        l->cap = nc;
    }
    int rc = pq_file_open(fs, path, &l->f[l->n], b->err);
    if (rc) {
        if (rc == TN_NOMEM)
            return rc;
        char msg[TN_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", b->err ? b->err->msg : "");
        return sq_bind_error(b, rc, pos, "%s", msg);
    }
    l->n++;
    return TN_OK;
}

static int files_open(sq_binder *b, const char *path, uint32_t pos, file_list *l)
{
    vfs *fs = b->env && b->env->fs ? b->env->fs : vfs_default();
    if (!strpbrk(path, "*?["))
        return files_open_one(b, fs, path, pos, l);
    char **paths = NULL;
    size_t n = 0;
    int rc = fs->glob(fs, path, &paths, &n, b->err);
    if (rc)
        return rc == TN_NOMEM ? rc : sq_bind_error(b, rc, pos, "%s", b->err ? b->err->msg : "glob failed");
    if (n == 0)
        rc = sq_bind_error(b, TN_NOTFOUND, pos, "No files found that match the pattern \"%s\"", path);
    for (size_t i = 0; i < n && !rc; i++)
        rc = files_open_one(b, fs, paths[i], pos, l);
    vfs_glob_free(paths, n);
    return rc;
}

/* ======================= the three functions ======================= */

enum { TF_METADATA, TF_SCHEMA, TF_KV };

static const char *const md_names[] = {
    "file_name", "row_group_id", "row_group_num_rows", "row_group_num_columns", "row_group_bytes", "column_id",
    "file_offset", "num_values", "path_in_schema", "type", "stats_min", "stats_max", "stats_null_count",
    "stats_distinct_count", "stats_min_value", "stats_max_value", "compression", "encodings", "index_page_offset",
    "dictionary_page_offset", "data_page_offset", "total_compressed_size", "total_uncompressed_size",
    "key_value_metadata", "bloom_filter_offset", "bloom_filter_length", "min_is_exact", "max_is_exact",
    "row_group_compressed_bytes", "geo_bbox", "geo_types"};
enum {
    M_FILE, M_RG, M_RG_ROWS, M_RG_COLS, M_RG_BYTES, M_COL, M_FILE_OFF, M_NVALUES, M_PATH, M_TYPE, M_MIN, M_MAX,
    M_NULLS, M_DISTINCT, M_MINV, M_MAXV, M_CODEC, M_ENC, M_IDX_OFF, M_DICT_OFF, M_DATA_OFF, M_COMP, M_UNCOMP, M_KV,
    M_BLOOM_OFF, M_BLOOM_LEN, M_MIN_EXACT, M_MAX_EXACT, M_RG_COMP, M_GEO_BBOX, M_GEO_TYPES, M__COUNT
};

static const char *const sc_names[] = {"file_name", "name", "type", "type_length", "repetition_type",
                                       "num_children", "converted_type", "scale", "precision", "field_id",
                                       "logical_type", "duckdb_type", "column_id"};
static const char *const kv_names[] = {"file_name", "key", "value"};

static int md_types(tn_type *t)
{
    tn_type v = tn_type_make(TN_T_VARCHAR), i = tn_type_make(TN_T_INT64), bl = tn_type_make(TN_T_BLOB);
    for (int k = 0; k < M__COUNT; k++)
        t[k] = i;
    t[M_FILE] = t[M_PATH] = t[M_TYPE] = t[M_MIN] = t[M_MAX] = t[M_MINV] = t[M_MAXV] = t[M_CODEC] = t[M_ENC] = v;
    t[M_MIN_EXACT] = t[M_MAX_EXACT] = tn_type_make(TN_T_BOOL);
    t[M_KV] = tn_type_map(bl, bl);
    static const char *const geo[] = {"xmin", "xmax", "ymin", "ymax", "zmin", "zmax", "mmin", "mmax"};
    tn_type d[8];
    for (int k = 0; k < 8; k++)
        d[k] = tn_type_make(TN_T_DOUBLE);
    t[M_GEO_BBOX] = tn_type_struct(8, geo, d);
    t[M_GEO_TYPES] = tn_type_list(v);
    if (t[M_KV].id == TN_T_INVALID || t[M_GEO_BBOX].id == TN_T_INVALID || t[M_GEO_TYPES].id == TN_T_INVALID)
        return TN_NOMEM;
    return TN_OK;
}

/* key_value_metadata of a column chunk: MAP(BLOB, BLOB), {} when there is none. */
static int put_kv_map(tbl *t, uint32_t c, const pq_kv *kv, uint32_t n)
{
    tn_vector *m = t->cur->cols[c];
    uint32_t first;
    if (tn_vector_list_append(m, n, &first))
        return TN_NOMEM;
    tn_list_entry *e = (tn_list_entry *)m->data + t->row;
    e->offset = first;
    e->length = n;
    tn_vector *ent = m->children[0], *keys = ent->children[0], *vals = ent->children[1];
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = first + i;
        if (tn_vector_add_string(keys, (const char *)kv[i].key.p, kv[i].key.n, (tn_str *)keys->data + r))
            return TN_NOMEM;
        if (!kv[i].has_value) {
            if (tn_vector_set_null(vals, r))
                return TN_NOMEM;
        } else if (tn_vector_add_string(vals, (const char *)kv[i].value.p, kv[i].value.n, (tn_str *)vals->data + r)) {
            return TN_NOMEM;
        }
    }
    return TN_OK;
}

static int metadata_rows(pq_file *f, tbl *t)
{
    const pq_file_meta *m = &f->meta;
    tn_sbuf sb = TN_SBUF_INIT;
    int rc = TN_OK;
    for (uint32_t g = 0; g < m->nrow_groups && !rc; g++) {
        const pq_row_group *rg = &m->row_groups[g];
        for (uint32_t c = 0; c < rg->ncolumns && !rc; c++) {
            const pq_column_chunk *cc = &rg->columns[c];
            const pq_column_meta *cm = cc->meta;
            const pq_schema_node *leaf = c < f->nleaves ? f->leaves[c] : NULL;
            if ((rc = tbl_row(t)))
                break;
            rc |= put_str(t, M_FILE, f->path);
            rc |= put_i64(t, M_RG, g);
            rc |= put_i64(t, M_RG_ROWS, rg->num_rows);
            rc |= put_i64(t, M_RG_COLS, rg->ncolumns);
            rc |= put_i64(t, M_RG_BYTES, rg->total_byte_size);
            rc |= put_i64(t, M_COL, c);
            rc |= put_i64(t, M_FILE_OFF, cc->file_offset);
            rc |= put_opt_i64(t, M_RG_COMP, rg->has_total_compressed_size, rg->total_compressed_size);
            rc |= put_null(t, M_GEO_BBOX);
            rc |= put_null(t, M_GEO_TYPES);
            if (!cm) { /* encrypted column: no metadata */
                static const int rest[] = {M_NVALUES, M_PATH, M_TYPE, M_MIN, M_MAX, M_NULLS, M_DISTINCT, M_MINV,
                                           M_MAXV, M_CODEC, M_ENC, M_IDX_OFF, M_DICT_OFF, M_DATA_OFF, M_COMP,
                                           M_UNCOMP, M_KV, M_BLOOM_OFF, M_BLOOM_LEN, M_MIN_EXACT, M_MAX_EXACT};
                for (size_t k = 0; k < TN_ARRAY_LEN(rest); k++)
                    rc |= put_null(t, (uint32_t)rest[k]);
                continue;
            }
            const pq_statistics *st = &cm->stats;
            rc |= put_i64(t, M_NVALUES, cm->num_values);
            tn_sbuf_clear(&sb);
            for (uint32_t i = 0; i < cm->npath; i++) {
                if (i)
                    tn_sbuf_puts(&sb, ", ");
                tn_sbuf_append(&sb, (const char *)cm->path[i].p, cm->path[i].n);
            }
            rc |= put_sbuf(t, M_PATH, &sb);
            rc |= put_str(t, M_TYPE, physical_name(cm->type));
            const struct {
                bool has;
                pq_span v;
                int col;
            } sv[4] = {{st->present && st->has_min, st->min, M_MIN},
                       {st->present && st->has_max, st->max, M_MAX},
                       {st->present && st->has_min_value, st->min_value, M_MINV},
                       {st->present && st->has_max_value, st->max_value, M_MAXV}};
            for (int k = 0; k < 4; k++) {
                tn_sbuf_clear(&sb);
                if (sv[k].has && stat_text(leaf, cm->type, sv[k].v, &sb))
                    rc |= put_sbuf(t, (uint32_t)sv[k].col, &sb);
                else
                    rc |= put_null(t, (uint32_t)sv[k].col);
            }
            rc |= put_opt_i64(t, M_NULLS, st->present && st->has_null_count, st->null_count);
            rc |= put_opt_i64(t, M_DISTINCT, st->present && st->has_distinct_count, st->distinct_count);
            rc |= put_str(t, M_CODEC, codec_name(cm->codec));
            tn_sbuf_clear(&sb);
            for (int e = 0; e < 32; e++) {
                if (!(cm->encodings & (1u << e)))
                    continue;
                const char *en = encoding_name(e);
                if (sb.len)
                    tn_sbuf_puts(&sb, ", ");
                if (en)
                    tn_sbuf_puts(&sb, en);
                else
                    tn_sbuf_printf(&sb, "%d", e);
            }
            rc |= put_sbuf(t, M_ENC, &sb);
            rc |= put_opt_i64(t, M_IDX_OFF, cm->has_index_page_offset, cm->index_page_offset);
            rc |= put_opt_i64(t, M_DICT_OFF, cm->has_dictionary_page_offset, cm->dictionary_page_offset);
            rc |= put_i64(t, M_DATA_OFF, cm->data_page_offset);
            rc |= put_i64(t, M_COMP, cm->total_compressed_size);
            rc |= put_i64(t, M_UNCOMP, cm->total_uncompressed_size);
            rc |= put_kv_map(t, M_KV, cm->kv, cm->nkv);
            rc |= put_opt_i64(t, M_BLOOM_OFF, cm->has_bloom_filter_offset, cm->bloom_filter_offset);
            rc |= put_opt_i64(t, M_BLOOM_LEN, cm->has_bloom_filter_length, cm->bloom_filter_length);
            rc |= put_bool(t, M_MIN_EXACT, st->present && st->has_is_min_exact, st->is_min_exact);
            rc |= put_bool(t, M_MAX_EXACT, st->present && st->has_is_max_exact, st->is_max_exact);
        }
    }
    tn_sbuf_free(&sb);
    return rc ? TN_NOMEM : TN_OK;
}

/* The schema node of SchemaElement i (walking the tree in the same depth-first order). */
static void leaf_types(const pq_schema_node *n, const pq_schema_node **by_elem, uint32_t nelem, uint32_t *next)
{
    if (*next >= nelem)
        return;
    by_elem[(*next)++] = n;
    for (uint32_t i = 0; i < n->nchildren; i++)
        leaf_types(n->children[i], by_elem, nelem, next);
}

static int schema_rows(pq_file *f, tbl *t)
{
    const pq_file_meta *m = &f->meta;
    const pq_schema_node **nodes = tn_calloc(m->nschema ? m->nschema : 1, sizeof *nodes);
    tn_sbuf sb = TN_SBUF_INIT;
    int rc = TN_OK;
    if (!nodes)
        return TN_NOMEM;
    uint32_t next = 0;
    if (f->root)
        leaf_types(f->root, nodes, m->nschema, &next);
    for (uint32_t i = 0; i < m->nschema && !rc; i++) {
        const pq_schema_element *el = &m->schema[i];
        const pq_schema_node *node = nodes[i];
        if ((rc = tbl_row(t)))
            break;
        rc |= put_str(t, 0, f->path);
        rc |= put_bytes(t, 1, el->name.p, el->name.n);
        rc |= el->has_type ? put_str(t, 2, physical_name(el->type)) : put_null(t, 2);
        tn_sbuf_clear(&sb);
        tn_sbuf_printf(&sb, "%d", (int)el->type_length);
        rc |= el->has_type_length ? put_sbuf(t, 3, &sb) : put_null(t, 3);
        rc |= el->has_repetition ? put_str(t, 4, repetition_name(el->repetition)) : put_null(t, 4);
        rc |= put_opt_i64(t, 5, el->has_num_children, el->num_children);
        rc |= el->has_converted_type ? put_str(t, 6, converted_name(el->converted_type)) : put_null(t, 6);
        rc |= put_opt_i64(t, 7, el->has_scale, el->scale);
        rc |= put_opt_i64(t, 8, el->has_precision, el->precision);
        rc |= put_opt_i64(t, 9, el->has_field_id, el->field_id);
        tn_sbuf_clear(&sb);
        rc |= logical_text(&el->logical, &sb) ? put_sbuf(t, 10, &sb) : put_null(t, 10);
        if (node && node->nchildren == 0 && i > 0 && node->supported && node->type.id != TN_T_INVALID) {
            char tb[256];
            rc |= put_str(t, 11, tn_type_name(node->type, tb, sizeof tb));
        } else {
            rc |= put_null(t, 11);
        }
        rc |= put_i64(t, 12, i);
    }
    tn_free(nodes);
    tn_sbuf_free(&sb);
    return rc ? TN_NOMEM : TN_OK;
}

static int kv_rows(pq_file *f, tbl *t)
{
    int rc = TN_OK;
    for (uint32_t i = 0; i < pq_file_num_kv(f) && !rc; i++) {
        const char *k, *v;
        uint32_t kl, vl;
        if (!pq_file_kv(f, i, &k, &kl, &v, &vl))
            continue;
        if ((rc = tbl_row(t)))
            break;
        rc |= put_str(t, 0, f->path);
        rc |= put_bytes(t, 1, k, kl);
        rc |= v ? put_bytes(t, 2, v, vl) : put_null(t, 2);
    }
    return rc ? TN_NOMEM : TN_OK;
}

int sq_bind_parquet_meta(sq_binder *b, const sq_source *s, sq_bound *out, bool *handled)
{
    const sq_expr *f = s->func;
    int which;
    *handled = false;
    if (strcmp(f->str, "parquet_metadata") == 0)
        which = TF_METADATA;
    else if (strcmp(f->str, "parquet_schema") == 0)
        which = TF_SCHEMA;
    else if (strcmp(f->str, "parquet_kv_metadata") == 0)
        which = TF_KV;
    else
        return TN_OK;
    *handled = true;
    if (f->nargs != 1 || f->names)
        return sq_bind_error(b, TN_ERROR, f->pos, "%s expects a file path or a list of file paths", f->str);
    const sq_expr *a = f->args[0];
    file_list files = {NULL, 0, 0};
    tbl t;
    memset(&t, 0, sizeof t);
    tn_type types[M__COUNT];
    const char *const *names;
    uint32_t ncols;
    int rc = TN_OK;
    if (a->kind == SQ_E_CONST && a->lit == SQ_LIT_STRING) {
        rc = files_open(b, a->str, a->pos, &files);
    } else if (a->kind == SQ_E_ARRAY && a->nargs > 0) {
        for (uint32_t i = 0; i < a->nargs && !rc; i++) {
            if (a->args[i]->kind != SQ_E_CONST || a->args[i]->lit != SQ_LIT_STRING)
                rc = sq_bind_error(b, TN_ERROR, a->args[i]->pos, "%s expects a list of string literals", f->str);
            else
                rc = files_open(b, a->args[i]->str, a->args[i]->pos, &files);
        }
    } else {
        rc = sq_bind_error(b, TN_ERROR, a->pos, "%s expects a string or a list of strings", f->str);
    }
    if (rc)
        goto done;
    switch (which) {
    case TF_METADATA:
        names = md_names;
        ncols = M__COUNT;
        rc = md_types(types);
        break;
    case TF_SCHEMA:
        names = sc_names;
        ncols = (uint32_t)TN_ARRAY_LEN(sc_names);
        for (uint32_t i = 0; i < ncols; i++)
            types[i] = tn_type_make(TN_T_VARCHAR);
        types[5] = types[7] = types[8] = types[9] = types[12] = tn_type_make(TN_T_INT64);
        break;
    default:
        names = kv_names;
        ncols = 3;
        types[0] = tn_type_make(TN_T_VARCHAR);
        types[1] = types[2] = tn_type_make(TN_T_BLOB);
        break;
    }
    if (rc)
        goto oom;
    t.ncols = ncols;
    t.types = types;
    for (uint32_t i = 0; i < files.n && !rc; i++)
        rc = which == TF_METADATA ? metadata_rows(files.f[i], &t)
           : which == TF_SCHEMA   ? schema_rows(files.f[i], &t)
                                  : kv_rows(files.f[i], &t);
    if (rc)
        goto oom;
    out->src_op = op_chunks_create(t.chunks, t.nchunks, ncols, types);
    memset(&t, 0, sizeof t); /* taken (or freed) by op_chunks_create */
    if (!out->src_op)
        goto oom;
    out->src_kind = SQ_BS_OP;
    rc = sq_bind_set_scope(b, out, ncols, (char *const *)names, types, s->alias ? s->alias : f->str, s);
    goto done;
oom:
    rc = tn_err_set(b->err, TN_NOMEM, "out of memory building %s", f->str);
done:
    tbl_free(&t);
    files_free(&files);
    return rc;
}
