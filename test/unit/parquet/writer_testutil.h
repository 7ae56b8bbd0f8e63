/*
 * writer_testutil.h -- shared helpers of the Parquet writer tests (test_writer*.c): a scratch
 * directory, a column set covering every flat tarn type with a deterministic value generator,
 * chunk builders (FLAT, selection vector, CONST, DICT with NULL entries), value comparison and
 * sort-order helpers, and a page-header walker over a written column chunk.
 * Everything is static inline so each test uses what it needs.
 */
#ifndef TN_TEST_WRITER_TESTUTIL_H
#define TN_TEST_WRITER_TESTUTIL_H

#include "tn_test.h"
#include "parquet/writer.h"
#include "parquet/parquet.h"
#include "parquet/metadata.h"
#include "parquet/codec.h"
#include "parquet/encoding.h"

#include <dirent.h>
#include <zlib.h>
#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>


/* ======================= helpers ======================= */

static char g_dir[512];

static inline const char *tmp_dir(void)
{
    if (!g_dir[0]) {
        const char *d = getenv("TARN_TEST_TMP");
        snprintf(g_dir, sizeof g_dir, "%s/pqwrite", d && *d ? d : "/tmp");
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

static inline const char *tmp_path(char *buf, size_t cap, const char *name)
{
    int n = snprintf(buf, cap, "%s/%s", tmp_dir(), name);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "scratch path too long for %s\n", name);
        exit(1);
    }
    return buf;
}

/* Number of entries in the test directory whose name starts with prefix. */
static inline int count_prefix(const char *prefix)
{
    DIR *d = opendir(tmp_dir());
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            n++;
    if (d)
        closedir(d);
    return n;
}

static inline bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static inline void write_text(const char *p, const char *s)
{
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs(s, f);
        fclose(f);
    }
}

static inline bool file_has_text(const char *p, const char *s)
{
    char buf[256] = {0};
    FILE *f = fopen(p, "rb");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    return n == strlen(s) && memcmp(buf, s, n) == 0;
}

static inline uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static inline tn_i128 pow10_i128(int n)
{
    tn_i128 v = 1;
    for (int i = 0; i < n; i++)
        v *= 10;
    return v;
}

/* ======================= the column set ======================= */

typedef struct tcol {
    const char *name;
    tn_type type;
} tcol;

static inline tn_type ty(tn_type_id id) { return tn_type_make(id); }

static inline tn_type ty_flags(tn_type_id id, int flags)
{
    tn_type t = tn_type_make(id);
    t.flags = (uint8_t)flags;
    return t;
}

#define NCOLS 28
static tcol g_cols[NCOLS];

static inline void init_cols(void)
{
    int i = 0;
    g_cols[i++] = (tcol){"c_bool", ty(TN_T_BOOL)};
    g_cols[i++] = (tcol){"c_i8", ty(TN_T_INT8)};
    g_cols[i++] = (tcol){"c_i16", ty(TN_T_INT16)};
    g_cols[i++] = (tcol){"c_i32", ty(TN_T_INT32)};
    g_cols[i++] = (tcol){"c_i64", ty(TN_T_INT64)};
    g_cols[i++] = (tcol){"c_u8", ty(TN_T_UINT8)};
    g_cols[i++] = (tcol){"c_u16", ty(TN_T_UINT16)};
    g_cols[i++] = (tcol){"c_u32", ty(TN_T_UINT32)};
    g_cols[i++] = (tcol){"c_u64", ty(TN_T_UINT64)};
    g_cols[i++] = (tcol){"c_i128", ty(TN_T_INT128)};
    g_cols[i++] = (tcol){"c_f32", ty(TN_T_FLOAT)};
    g_cols[i++] = (tcol){"c_f64", ty(TN_T_DOUBLE)};
    g_cols[i++] = (tcol){"c_dec4", tn_type_decimal(4, 2)};
    g_cols[i++] = (tcol){"c_dec18", tn_type_decimal(18, 3)};
    g_cols[i++] = (tcol){"c_dec20", tn_type_decimal(20, 0)};
    g_cols[i++] = (tcol){"c_dec38", tn_type_decimal(38, 10)};
    g_cols[i++] = (tcol){"c_date", ty(TN_T_DATE)};
    g_cols[i++] = (tcol){"c_time_ms", tn_type_time(TN_UNIT_MS)};
    g_cols[i++] = (tcol){"c_time_us", tn_type_time(TN_UNIT_US)};
    g_cols[i++] = (tcol){"c_time_ns", tn_type_time(TN_UNIT_NS)};
    g_cols[i++] = (tcol){"c_ts_us", tn_type_timestamp(TN_UNIT_US, false)};
    g_cols[i++] = (tcol){"c_ts_ms_tz", tn_type_timestamp(TN_UNIT_MS, true)};
    g_cols[i++] = (tcol){"c_ts_ns", tn_type_timestamp(TN_UNIT_NS, false)};
    g_cols[i++] = (tcol){"c_str", ty(TN_T_VARCHAR)};
    g_cols[i++] = (tcol){"c_json", ty_flags(TN_T_VARCHAR, TN_TF_JSON)};
    g_cols[i++] = (tcol){"c_blob", ty(TN_T_BLOB)};
    g_cols[i++] = (tcol){"c_uuid", ty(TN_T_UUID)};
    g_cols[i++] = (tcol){"c_allnull", ty(TN_T_INT32)};
    TN_ASSERT(i == NCOLS);
}

/* Set row `row` of FLAT vector v (type t) to the test value number u (0..299). */
static inline void gen_value(tn_vector *v, uint32_t row, tn_type t, uint64_t u)
{
    void *d = v->data;
    int64_t s = (int64_t)u - 150;
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL: ((uint8_t *)d)[row] = (uint8_t)(u & 1); break;
    case TN_T_INT8: ((int8_t *)d)[row] = u == 1 ? INT8_MIN : u == 2 ? INT8_MAX : (int8_t)s; break;
    case TN_T_INT16: ((int16_t *)d)[row] = u == 1 ? INT16_MIN : u == 2 ? INT16_MAX : (int16_t)(s * 200); break;
    case TN_T_INT32: ((int32_t *)d)[row] = u == 1 ? INT32_MIN : u == 2 ? INT32_MAX : (int32_t)(s * 14000000); break;
    case TN_T_INT64: ((int64_t *)d)[row] = u == 1 ? INT64_MIN : u == 2 ? INT64_MAX : s * 61489146912345LL; break;
    case TN_T_UINT8: ((uint8_t *)d)[row] = u == 2 ? UINT8_MAX : (uint8_t)u; break;
    case TN_T_UINT16: ((uint16_t *)d)[row] = u == 2 ? UINT16_MAX : (uint16_t)(u * 200); break;
    case TN_T_UINT32: ((uint32_t *)d)[row] = u == 2 ? UINT32_MAX : (uint32_t)(u * 14000000u); break;
    case TN_T_UINT64: ((uint64_t *)d)[row] = u == 2 ? UINT64_MAX : u * 61489146912345678ULL; break;
    case TN_T_INT128: {
        tn_i128 m = pow10_i128(38) - 1;
        ((tn_i128 *)d)[row] = u == 1 ? -m : u == 2 ? m : (tn_i128)s * pow10_i128(30) + (tn_i128)u;
        break;
    }
    case TN_T_FLOAT:
        ((float *)d)[row] = u == 3 ? NAN : u == 4 ? -0.0f : u == 5 ? 0.0f : u == 6 ? INFINITY : (float)s * 1.25f;
        break;
    case TN_T_DOUBLE:
        ((double *)d)[row] = u == 3 ? NAN : u == 4 ? -0.0 : u == 7 ? -INFINITY : (double)s * 3.14159e10;
        break;
    case TN_T_DECIMAL:
        if (t.precision <= 18) {
            int64_t m = (int64_t)pow10_i128(t.precision) - 1;
            int64_t step = t.precision == 4 ? 66 : 6000000000000000LL;
            ((int64_t *)d)[row] = u == 1 ? -m : u == 2 ? m : s * step;
        } else {
            tn_i128 m = pow10_i128(t.precision) - 1;
            tn_i128 step = t.precision == 20 ? (tn_i128)600000000000000000LL : pow10_i128(35);
            ((tn_i128 *)d)[row] = u == 1 ? -m : u == 2 ? m : (tn_i128)s * step + (tn_i128)u;
        }
        break;
    case TN_T_DATE: ((int32_t *)d)[row] = (int32_t)(s * 97); break;
    case TN_T_TIME: {
        int64_t mult = t.unit == TN_UNIT_MS ? 287000 : t.unit == TN_UNIT_US ? 287000000LL : 287000000000LL;
        ((int64_t *)d)[row] = (int64_t)u * mult;
        break;
    }
    case TN_T_TIMESTAMP: {
        int64_t mult = t.unit == TN_UNIT_MS ? 10000000000LL : t.unit == TN_UNIT_US ? 10000000000000LL
                                                                                : 10000000000000000LL;
        ((int64_t *)d)[row] = s * mult;
        break;
    }
    case TN_T_VARCHAR: {
        char buf[128];
        int n;
        if (t.flags & TN_TF_JSON) {
            n = snprintf(buf, sizeof buf, "{\"k\":%d}", (int)u);
        } else if (u % 5 == 0) {
            /* long UTF-8 text (> 64 bytes) for truncated statistics */
            n = 0;
            for (int i = 0; i < 36; i++) {
                buf[n++] = (char)0xc3;
                buf[n++] = (char)0xa9;
            }
            n += snprintf(buf + n, sizeof buf - (size_t)n, "-%03d", (int)u);
        } else if (u % 5 == 1) {
            n = 0;
        } else {
            n = snprintf(buf, sizeof buf, "str-%d", (int)u);
        }
        tn_str *sp = &((tn_str *)d)[row];
        tn_vector_add_string(v, buf, (uint32_t)n, sp);
        break;
    }
    case TN_T_BLOB: {
        char buf[32];
        uint32_t n = (uint32_t)(u % 20);
        for (uint32_t j = 0; j < n; j++)
            buf[j] = (char)((u * 31 + j * 127) & 0xff);
        tn_vector_add_string(v, buf, n, &((tn_str *)d)[row]);
        break;
    }
    case TN_T_UUID: {
        uint64_t a = mix64(u), b = mix64(u + 1000);
        memcpy((uint8_t *)d + (size_t)row * 16, &a, 8);
        memcpy((uint8_t *)d + (size_t)row * 16 + 8, &b, 8);
        break;
    }
    default: break;
    }
}

/* Fill FLAT column vector v (rows [0, n)) for column ci; row values depend on seed+row. */
static inline void fill_flat(tn_vector *v, int ci, uint32_t n, uint64_t seed, bool nulls)
{
    tn_type t = g_cols[ci].type;
    bool allnull = strcmp(g_cols[ci].name, "c_allnull") == 0;
    for (uint32_t r = 0; r < n; r++) {
        uint64_t h = mix64(seed * 1000003ULL + r * 31ULL + (uint64_t)ci);
        uint64_t u = h % 300;
        if (allnull || (nulls && (h >> 20) % 5 == 0)) {
            tn_vector_set_null(v, r);
            continue;
        }
        gen_value(v, r, t, u);
    }
}

/* ======================= value comparison ======================= */

typedef struct rview {
    const uint8_t *data;
    uint32_t i;
    bool valid;
} rview;

static inline rview row_view(const tn_vector *v, uint32_t r)
{
    rview o;
    size_t w = tn_type_width(v->type);
    uint32_t i = r;
    const void *data = v->data;
    bool valid = true;
    if (v->kind == TN_VEC_CONST) {
        i = 0;
        valid = !v->validity || tn_bit_get(v->validity, 0);
    } else if (v->kind == TN_VEC_DICT) {
        i = ((const uint32_t *)v->data)[r];
        data = v->dict->data;
        valid = (!v->validity || tn_bit_get(v->validity, r)) && (!v->dict->validity || tn_bit_get(v->dict->validity, i));
    } else {
        valid = !v->validity || tn_bit_get(v->validity, r);
    }
    o.data = (const uint8_t *)data + (size_t)i * w;
    o.i = i;
    o.valid = valid;
    return o;
}

static inline bool values_equal(tn_type t, const uint8_t *a, const uint8_t *b)
{
    if (t.id == TN_T_BOOL)
        return (*a != 0) == (*b != 0);
    if (t.id == TN_T_VARCHAR || t.id == TN_T_BLOB)
        return tn_str_eq((const tn_str *)a, (const tn_str *)b);
    return memcmp(a, b, tn_type_width(t)) == 0;
}

/* Three-way comparison under the column's sort order (for expected statistics). */
static inline int value_cmp(tn_type t, const uint8_t *a, const uint8_t *b)
{
#define C3(x, y) ((x) < (y) ? -1 : (x) > (y))
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL: return C3(*a != 0, *b != 0);
    case TN_T_INT8: return C3(*(const int8_t *)a, *(const int8_t *)b);
    case TN_T_INT16: return C3(*(const int16_t *)a, *(const int16_t *)b);
    case TN_T_INT32:
    case TN_T_DATE: return C3(*(const int32_t *)a, *(const int32_t *)b);
    case TN_T_INT64:
    case TN_T_TIME:
    case TN_T_TIMESTAMP: return C3(*(const int64_t *)a, *(const int64_t *)b);
    case TN_T_UINT8: return C3(*a, *b);
    case TN_T_UINT16: return C3(*(const uint16_t *)a, *(const uint16_t *)b);
    case TN_T_UINT32: return C3(*(const uint32_t *)a, *(const uint32_t *)b);
    case TN_T_UINT64: return C3(*(const uint64_t *)a, *(const uint64_t *)b);
    case TN_T_INT128: return C3(*(const tn_i128 *)a, *(const tn_i128 *)b);
    case TN_T_DECIMAL:
        if (t.precision <= 18)
            return C3(*(const int64_t *)a, *(const int64_t *)b);
        return C3(*(const tn_i128 *)a, *(const tn_i128 *)b);
    case TN_T_FLOAT: return C3(*(const float *)a, *(const float *)b);
    case TN_T_DOUBLE: return C3(*(const double *)a, *(const double *)b);
    case TN_T_VARCHAR:
    case TN_T_BLOB: return tn_str_cmp((const tn_str *)a, (const tn_str *)b);
    case TN_T_UUID: return memcmp(a, b, 16);
    default: return 0;
    }
#undef C3
}

static inline bool is_nan_value(tn_type t, const uint8_t *a)
{
    if (t.id == TN_T_FLOAT)
        return isnan(*(const float *)a);
    if (t.id == TN_T_DOUBLE)
        return isnan(*(const double *)a);
    return false;
}

/* The tarn type the reader reports for a written type. */
static inline tn_type read_type_of(tn_type t)
{
    if (t.id == TN_T_INT128)
        return tn_type_decimal(38, 0);
    return t;
}

/* Compare a statistics value with the raw expected value of type t. */
static inline bool stat_matches(tn_type t, const tn_value *sv, const uint8_t *raw)
{
    tn_value ev;
    memset(&ev, 0, sizeof ev);
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL: return sv->v.b == (*raw != 0);
    case TN_T_INT8: return sv->v.i64 == *(const int8_t *)raw;
    case TN_T_INT16: return sv->v.i64 == *(const int16_t *)raw;
    case TN_T_INT32:
    case TN_T_DATE: return sv->v.i64 == *(const int32_t *)raw;
    case TN_T_INT64:
    case TN_T_TIME:
    case TN_T_TIMESTAMP: return sv->v.i64 == *(const int64_t *)raw;
    case TN_T_UINT8: return sv->v.u64 == *raw;
    case TN_T_UINT16: return sv->v.u64 == *(const uint16_t *)raw;
    case TN_T_UINT32: return sv->v.u64 == *(const uint32_t *)raw;
    case TN_T_UINT64: return sv->v.u64 == *(const uint64_t *)raw;
    case TN_T_INT128: return sv->v.i128 == *(const tn_i128 *)raw;
    case TN_T_DECIMAL:
        if (t.precision <= 18)
            return sv->v.i64 == *(const int64_t *)raw;
        return sv->v.i128 == *(const tn_i128 *)raw;
    case TN_T_FLOAT: return sv->v.f64 == (double)*(const float *)raw;
    case TN_T_DOUBLE: return sv->v.f64 == *(const double *)raw;
    case TN_T_VARCHAR:
    case TN_T_BLOB: {
        const tn_str *s = (const tn_str *)raw;
        return sv->v.str.len == s->len && memcmp(sv->v.str.ptr, tn_str_data(s), s->len) == 0;
    }
    case TN_T_UUID: return memcmp(sv->v.uuid, raw, 16) == 0;
    default: return false;
    }
}

/* ======================= page walk ======================= */

typedef struct page_walk {
    int npages, ndict, ndata_dict, ndata_plain;
    bool dict_first_ok;      /* a dictionary page, if any, is first */
    bool no_dict_after_plain;
    bool v2_flags_ok;        /* v2: is_compressed matches the codec (and empty values) */
    bool types_ok;           /* data pages are of the requested version */
    int64_t values;          /* sum of num_values over data pages */
    int32_t max_uncompressed;
    uint32_t encs;           /* bit e: a data page used value encoding e */
    int ncrc, crc_bad;       /* pages with a CRC; CRCs that do not match the page bytes */
    int nstats;              /* data pages with Statistics in their header */
    bool stats_ok;           /* v2: page statistics null_count == num_nulls */
} page_walk;

static inline int walk_pages(const char *path, const pq_column_meta *cm, int version, page_walk *pw)
{
    memset(pw, 0, sizeof *pw);
    pw->dict_first_ok = pw->no_dict_after_plain = pw->v2_flags_ok = pw->types_ok = pw->stats_ok = true;
    int64_t start = cm->has_dictionary_page_offset ? cm->dictionary_page_offset : cm->data_page_offset;
    vfs_file *f = NULL;
    tn_err err = TN_ERR_INIT;
    if (vfs_open(vfs_default(), path, VFS_READ, &f, &err))
        return -1;
    uint8_t *buf = malloc((size_t)cm->total_compressed_size);
    int rc = buf ? vfs_read(f, (uint64_t)start, buf, (size_t)cm->total_compressed_size, &err) : -1;
    vfs_close(f);
    if (rc) {
        free(buf);
        return -1;
    }
    size_t pos = 0, n = (size_t)cm->total_compressed_size;
    bool seen_plain = false;
    while (pos < n) {
        pq_page_header h;
        size_t hl = 0;
        if (pq_page_header_decode(buf + pos, n - pos, (uint64_t)start + pos, "test page", &h, &hl, &err)) {
            free(buf);
            return -1;
        }
        if (h.has_crc) {
            pw->ncrc++;
            if (pos + hl + (size_t)h.compressed_page_size > n ||
                (uint32_t)crc32(0L, buf + pos + hl, (uInt)h.compressed_page_size) != h.crc)
                pw->crc_bad++;
        }
        if (h.type == PQ_PAGE_DICTIONARY) {
            pw->ndict++;
            if (pw->npages != 0)
                pw->dict_first_ok = false;
            if (cm->dictionary_page_offset != start || h.dict.encoding != PQ_ENC_PLAIN)
                pw->dict_first_ok = false;
        } else {
            if (h.type != (version == 2 ? PQ_PAGE_DATA_V2 : PQ_PAGE_DATA))
                pw->types_ok = false;
            int enc = version == 2 ? h.v2.encoding : h.data.encoding;
            if (enc >= 0 && enc < 32)
                pw->encs |= 1u << enc;
            const pq_statistics *ps = version == 2 ? &h.v2.stats : &h.data.stats;
            if (ps->present) {
                pw->nstats++;
                if (version == 2 && (!ps->has_null_count || ps->null_count != h.v2.num_nulls))
                    pw->stats_ok = false;
            }
            pw->values += version == 2 ? h.v2.num_values : h.data.num_values;
            if (enc == PQ_ENC_RLE_DICTIONARY) {
                pw->ndata_dict++;
                if (seen_plain)
                    pw->no_dict_after_plain = false;
            } else {
                pw->ndata_plain++;
                seen_plain = true;
            }
            if (version == 2) {
                bool values_empty = h.compressed_page_size == h.v2.def_len;
                bool want = cm->codec != PQ_CODEC_UNCOMPRESSED && h.uncompressed_page_size > h.v2.def_len;
                if (h.v2.is_compressed != want && !values_empty)
                    pw->v2_flags_ok = false;
                if (h.v2.rep_len != 0 || h.v2.num_rows != h.v2.num_values)
                    pw->v2_flags_ok = false;
            }
            if (h.uncompressed_page_size > pw->max_uncompressed)
                pw->max_uncompressed = h.uncompressed_page_size;
        }
        pw->npages++;
        pos += hl + (size_t)h.compressed_page_size;
    }
    free(buf);
    return pos == n ? 0 : -1;
}


typedef struct expected {
    tn_vector *cols[NCOLS];
    uint32_t rows;
} expected;

static inline void exp_append(expected *e, tn_chunk *ch)
{
    uint32_t n = tn_chunk_rows(ch);
    for (int c = 0; c < NCOLS; c++) {
        tn_vector_reserve(e->cols[c], e->rows + n);
        for (uint32_t k = 0; k < n; k++) {
            uint32_t r = ch->sel ? ch->sel[k] : k;
            if (tn_vector_copy_row(e->cols[c], e->rows + k, ch->cols[c], r) != TN_OK)
                CHECK(!"copy_row failed");
        }
    }
    e->rows += n;
}

/* Build chunk number k of a file (kinds cycle FLAT, FLAT+selection, CONST, DICT). */
static inline tn_chunk *make_chunk(int k, uint64_t seed, bool nulls)
{
    tn_type types[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        types[c] = g_cols[c].type;
    int kind = k % 4;
    uint32_t n = kind == 0 ? 2048 : kind == 1 ? 2000 : kind == 2 ? 300 : 1000;
    tn_chunk *ch = tn_chunk_new(NCOLS, types, n);
    if (!ch)
        return NULL;
    ch->count = n;
    for (int c = 0; c < NCOLS; c++) {
        tn_vector *v = ch->cols[c];
        if (kind == 2) {
            /* CONST: one value (NULL for odd columns when nulls are on) */
            tn_vector *src = tn_vector_new(types[c], 1);
            fill_flat(src, c, 1, seed + (uint64_t)k, false);
            if ((nulls && c % 2) || strcmp(g_cols[c].name, "c_allnull") == 0)
                tn_vector_set_null(src, 0);
            tn_vector_set_const_from(v, src, 0);
            tn_vector_unref(src);
        } else if (kind == 3) {
            /* DICT over 16 entries; entry 5 is NULL when nulls are on */
            tn_vector *dict = tn_vector_new(types[c], 16);
            fill_flat(dict, c, 16, seed + (uint64_t)k * 7, false);
            if (nulls || strcmp(g_cols[c].name, "c_allnull") == 0) {
                tn_vector_set_null(dict, 5);
                if (strcmp(g_cols[c].name, "c_allnull") == 0)
                    for (uint32_t i = 0; i < 16; i++)
                        tn_vector_set_null(dict, i);
            }
            tn_vector_set_dict(v, dict);
            tn_vector_unref(dict);
            uint32_t *idx = v->data;
            for (uint32_t r = 0; r < n; r++) {
                idx[r] = (uint32_t)(mix64(seed + r + (uint64_t)c) % 16);
                if (nulls && r % 11 == 3)
                    tn_vector_set_null(v, r);
            }
        } else {
            fill_flat(v, c, n, seed + (uint64_t)k * 131, nulls);
        }
    }
    if (kind == 1) {
        uint32_t *sel = tn_chunk_sel_buffer(ch, n);
        uint32_t m = 0;
        for (uint32_t r = 0; r < n; r++)
            if (r % 3 != 0)
                sel[m++] = r;
        ch->sel = sel;
        ch->nsel = m;
    }
    return ch;
}

/* ======================= small-file helpers ======================= */

/* Write one column of n values given as FLAT vector v (already filled). */
static inline int write_one(const char *path, const char *name, tn_vector *v, uint32_t n, const pq_write_options *o,
                     tn_err *err)
{
    tn_chunk *ch = tn_chunk_new(1, NULL, 0);
    tn_chunk_set_col(ch, 0, v);
    ch->count = n;
    pq_writer *w = NULL;
    int rc = pq_writer_open(vfs_default(), path, 1, &name, &v->type, o, &w, err);
    if (rc == TN_OK) {
        rc = pq_writer_write(w, ch, err);
        if (rc == TN_OK)
            rc = pq_writer_close(w, err);
        else
            pq_writer_abort(w);
    }
    tn_chunk_free(ch);
    return rc;
}

static inline const pq_statistics *raw_stats(pq_file *f, uint32_t rg, int col)
{
    return &f->meta.row_groups[rg].columns[col].meta->stats;
}

static inline bool utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = p[i];
        size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (!len || i + len > n)
            return false;
        for (size_t k = 1; k < len; k++)
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

static inline void str_vec_set(tn_vector *v, uint32_t row, const char *p, size_t n)
{
    tn_vector_add_string(v, p, (uint32_t)n, &((tn_str *)v->data)[row]);
}


#endif
