/*
 * writer_column.c -- the per-column half of the Parquet writer: type mapping (LogicalTypes.md),
 * value staging, dictionary building, and data/dictionary page encoding
 * (parquet-format-summary.md §5, §6.1-6.3, §8).
 *
 * Pages. Every flat column is OPTIONAL, so each page carries definition levels (bit width 1, RLE
 * hybrid) and the non-NULL values; a leaf of a nested column (writer_nested.c) also carries
 * repetition levels when it is below a LIST/MAP, and its levels take pq_bit_width(max_def /
 * max_rep) bits. Data page v1: body = [u32 LE length + repetition levels] + u32 LE length +
 * definition levels + values, the whole body compressed. Data page v2: repetition then definition
 * levels (never compressed, no length prefix) followed by the values section, compressed unless
 * it is empty or the codec is UNCOMPRESSED (is_compressed is always written explicitly);
 * num_rows counts records. A page ends when it holds PQW_PAGE_MAX_ROWS level slots or its
 * estimated size reaches the page_size target; pages end on record boundaries (where the
 * repetition level is 0; one record larger than the target makes one larger page), as data page
 * v2 and the page index require. The header carries the page's CRC32 (zlib crc32 of the page bytes as written,
 * i.e. after compression; page_checksum) and its Statistics (page_statistics); the page is then
 * recorded for the page index (writer_index.c).
 *
 * Value encodings of pages that do not use the dictionary (Encodings.md): PLAIN for format v1.
 * For format v2 (PARQUET_VERSION 2): DELTA_BINARY_PACKED for INT32/INT64 (every type stored in
 * them), BYTE_STREAM_SPLIT for FLOAT/DOUBLE, RLE (bit width 1, 4-byte length prefix) for
 * BOOLEAN, and for BYTE_ARRAY DELTA_BYTE_ARRAY when the shared prefixes of consecutive values
 * save at least an eighth of the bytes (sorted or path-like data), DELTA_LENGTH_BYTE_ARRAY
 * otherwise; FIXED_LEN_BYTE_ARRAY stays PLAIN. The page buffers its values PLAIN either way and
 * re-encodes them when the page is flushed.
 *
 * Dictionary. While a column chunk is in dictionary mode, values are mapped to entry numbers by
 * an open-addressing hash table (XXH3 hashes, linear probing, load <= 1/2; each slot keeps 32 hash
 * bits next to the entry number, so probes rarely touch entries) whose entries are kept
 * PLAIN-encoded, so the entry store is the dictionary page body. Keys compare by their physical
 * bytes (floats by bit pattern, so -0.0/+0.0 and NaN payloads round-trip). Data pages then hold a
 * one-byte bit width and the RLE-hybrid indexes (RLE_DICTIONARY). When adding an entry would take
 * the dictionary past dictionary_size_limit bytes (or PQW_DICT_MAX_ENTRIES entries), the current
 * page is closed with the values mapped so far and the rest of the column chunk is written PLAIN
 * ("dictionary fallback"); the dictionary page is still written first, and only if some data
 * page used it. The same fallback happens when, after PQW_DICT_PROBE_VALUES values, the dictionary
 * holds more than 3/4 as many entries as values (mostly distinct data gains nothing from it).
 * BOOLEAN columns are always PLAIN.
 */
#include "writer_int.h"

#define XXH_INLINE_ALL
#include <xxhash.h>
#include <zlib.h>

#include <string.h>

/* ======================= type mapping ======================= */

/* Smallest FIXED_LEN_BYTE_ARRAY width holding every DECIMAL(p) value (p <= 38). */
static int decimal_flba_width(int p)
{
    tn_u128 maxv = 1;
    for (int i = 0; i < p; i++)
        maxv *= 10;
    maxv -= 1; /* 10^p - 1 */
    for (int n = 1; n <= 16; n++) {
        tn_u128 lim = ((tn_u128)1 << (8 * n - 1)) - 1;
        if (maxv <= lim)
            return n;
    }
    return 16;
}

/* 10^p - 1 */
static tn_i128 decimal_max(int p)
{
    tn_i128 v = 1;
    for (int i = 0; i < p; i++)
        v *= 10;
    return v - 1;
}

int pqw_map_type(tn_type t, const char *name, pqw_map *m, tn_err *err)
{
    memset(m, 0, sizeof *m);
    m->converted = -1;
    switch ((tn_type_id)t.id) {
    case TN_T_NULL:
        m->phys = PQ_INT32;
        m->logical = 11; /* UNKNOWN: always null */
        m->conv = PQW_CV_NULL;
        m->order = PQW_ORD_NONE;
        m->width = 4;
        return TN_OK;
    case TN_T_BOOL:
        m->phys = PQ_BOOLEAN;
        m->conv = PQW_CV_BOOL;
        m->order = PQW_ORD_BOOL;
        m->width = 1;
        return TN_OK;
    case TN_T_INT8:
    case TN_T_INT16:
    case TN_T_UINT8:
    case TN_T_UINT16:
    case TN_T_UINT32: {
        bool sgn = t.id == TN_T_INT8 || t.id == TN_T_INT16;
        int bits = (t.id == TN_T_INT8 || t.id == TN_T_UINT8) ? 8 : (t.id == TN_T_UINT32 ? 32 : 16);
        m->phys = PQ_INT32;
        m->logical = 10;
        m->int_bits = bits;
        m->int_signed = sgn;
        /* ConvertedType INT_8=15, INT_16=16, UINT_8=11, UINT_16=12, UINT_32=13 */
        m->converted = sgn ? (bits == 8 ? 15 : 16) : (bits == 8 ? 11 : bits == 16 ? 12 : 13);
        m->conv = t.id == TN_T_INT8    ? PQW_CV_I8_I32
                  : t.id == TN_T_INT16 ? PQW_CV_I16_I32
                  : t.id == TN_T_UINT8 ? PQW_CV_U8_I32
                  : t.id == TN_T_UINT16 ? PQW_CV_U16_I32
                                        : PQW_CV_U32_I32;
        m->order = sgn ? PQW_ORD_I32 : PQW_ORD_U32;
        m->width = 4;
        return TN_OK;
    }
    case TN_T_INT32:
        m->phys = PQ_INT32;
        m->conv = PQW_CV_I32_I32;
        m->order = PQW_ORD_I32;
        m->width = 4;
        return TN_OK;
    case TN_T_INT64:
        m->phys = PQ_INT64;
        m->conv = PQW_CV_I64_I64;
        m->order = PQW_ORD_I64;
        m->width = 8;
        return TN_OK;
    case TN_T_UINT64:
        m->phys = PQ_INT64;
        m->logical = 10;
        m->int_bits = 64;
        m->int_signed = false;
        m->converted = 14; /* UINT_64 */
        m->conv = PQW_CV_I64_I64;
        m->order = PQW_ORD_U64;
        m->width = 8;
        return TN_OK;
    case TN_T_INT128:
        /* HUGEINT has no Parquet integer type: DECIMAL(38,0) in 16 big-endian bytes */
        m->phys = PQ_FIXED_LEN_BYTE_ARRAY;
        m->type_length = 16;
        m->logical = 5;
        m->converted = 5;
        m->precision = 38;
        m->scale = 0;
        m->conv = PQW_CV_I128_BE;
        m->order = PQW_ORD_DEC_BE;
        m->width = 16;
        m->dec_max = decimal_max(38);
        return TN_OK;
    case TN_T_FLOAT:
        m->phys = PQ_FLOAT;
        m->conv = PQW_CV_F32;
        m->order = PQW_ORD_F32;
        m->width = 4;
        return TN_OK;
    case TN_T_DOUBLE:
        m->phys = PQ_DOUBLE;
        m->conv = PQW_CV_F64;
        m->order = PQW_ORD_F64;
        m->width = 8;
        return TN_OK;
    case TN_T_DECIMAL:
        if (t.precision < 1 || t.precision > 38 || t.scale > t.precision)
            return tn_err_set(err, TN_MISUSE, "column \"%s\": invalid DECIMAL(%d,%d)", name, t.precision, t.scale);
        m->logical = 5;
        m->converted = 5;
        m->precision = t.precision;
        m->scale = t.scale;
        if (t.precision <= 9) {
            m->phys = PQ_INT32;
            m->conv = PQW_CV_I64_I32;
            m->order = PQW_ORD_I32;
            m->width = 4;
        } else if (t.precision <= 18) {
            m->phys = PQ_INT64;
            m->conv = PQW_CV_I64_I64;
            m->order = PQW_ORD_I64;
            m->width = 8;
        } else {
            m->phys = PQ_FIXED_LEN_BYTE_ARRAY;
            m->type_length = decimal_flba_width(t.precision);
            m->dec_max = decimal_max(t.precision);
            m->conv = PQW_CV_I128_BE;
            m->order = PQW_ORD_DEC_BE;
            m->width = (size_t)m->type_length;
        }
        return TN_OK;
    case TN_T_DATE:
        m->phys = PQ_INT32;
        m->logical = 6;
        m->converted = 6;
        m->conv = PQW_CV_I32_I32;
        m->order = PQW_ORD_I32;
        m->width = 4;
        return TN_OK;
    case TN_T_TIME:
    case TN_T_TIMESTAMP: {
        bool ts = t.id == TN_T_TIMESTAMP;
        m->logical = ts ? 8 : 7;
        m->utc = ts && t.tz;
        switch (t.unit) {
        case TN_UNIT_MS:
            m->time_unit = 1;
            m->converted = ts ? 9 : 7; /* TIMESTAMP_MILLIS / TIME_MILLIS */
            break;
        case TN_UNIT_US:
            m->time_unit = 2;
            m->converted = ts ? 10 : 8; /* TIMESTAMP_MICROS / TIME_MICROS */
            break;
        case TN_UNIT_NS:
            m->time_unit = 3; /* no ConvertedType for nanoseconds */
            break;
        default:
            return tn_err_set(err, TN_MISUSE, "column \"%s\": invalid time unit %d", name, t.unit);
        }
        if (!ts && t.unit == TN_UNIT_MS) {
            m->phys = PQ_INT32;
            m->conv = PQW_CV_I64_I32;
            m->order = PQW_ORD_I32;
            m->width = 4;
        } else {
            m->phys = PQ_INT64;
            m->conv = PQW_CV_I64_I64;
            m->order = PQW_ORD_I64;
            m->width = 8;
        }
        return TN_OK;
    }
    case TN_T_VARCHAR:
        m->phys = PQ_BYTE_ARRAY;
        if (t.flags & TN_TF_JSON) {
            m->logical = 12;
            m->converted = 19;
        } else if (t.flags & TN_TF_ENUM) {
            m->logical = 4;
            m->converted = 4;
        } else {
            m->logical = 1;
            m->converted = 0;
        }
        m->conv = PQW_CV_STR;
        m->order = PQW_ORD_BYTES;
        m->utf8 = true;
        m->width = sizeof(tn_str);
        return TN_OK;
    case TN_T_BLOB:
        m->phys = PQ_BYTE_ARRAY;
        m->conv = PQW_CV_STR;
        m->order = PQW_ORD_BYTES;
        m->width = sizeof(tn_str);
        return TN_OK;
    case TN_T_UUID:
        m->phys = PQ_FIXED_LEN_BYTE_ARRAY;
        m->type_length = 16;
        m->logical = 14;
        m->conv = PQW_CV_RAW16;
        m->order = PQW_ORD_BYTES;
        m->width = 16;
        return TN_OK;
    case TN_T_INTERVAL:
        return tn_err_set(err, TN_NOTSUP,
                          "column \"%s\": INTERVAL columns cannot be written to Parquet yet (cast to VARCHAR)", name);
    case TN_T_LIST:
    case TN_T_STRUCT:
    case TN_T_MAP:
        return tn_err_set(err, TN_NOTSUP, "column \"%s\": nested types cannot be written to Parquet yet", name);
    default:
        return tn_err_set(err, TN_MISUSE, "column \"%s\": type id %d cannot be written to Parquet", name, t.id);
    }
}

/* ======================= column lifecycle ======================= */

int pqw_col_init(pq_writer *w, pqw_col *c)
{
    c->dict_eligible = w->opt.dictionary && c->m.phys != PQ_BOOLEAN && c->m.conv != PQW_CV_NULL;
    c->dict_on = c->dict_eligible;
    return TN_OK;
}

static void dict_free(pqw_dict *d)
{
    tn_free(d->slots);
    tn_free(d->offs);
    pq_bytes_free(&d->vals);
    memset(d, 0, sizeof *d);
}

void pqw_col_free(pqw_col *c)
{
    tn_free(c->name);
    tn_free(c->path);
    tn_free(c->levels);
    tn_free(c->reps);
    tn_free(c->idx);
    pq_bytes_free(&c->pvals);
    pq_bytes_free(&c->chunk);
    dict_free(&c->dict);
    pqw_stats_free(&c->st);
    pqw_stats_free(&c->pst);
    pqw_index_free(c);
}

void pqw_col_reset_chunk(pq_writer *w, pqw_col *c)
{
    TN_UNUSED(w);
    c->nrows = c->nrecs = c->nvals = c->nbits = 0;
    c->pvals.len = 0;
    c->chunk.len = 0;
    c->num_values = 0;
    c->chunk_rows = 0;
    c->uncompressed = 0;
    memset(c->pages_enc, 0, sizeof c->pages_enc);
    c->dict_on = c->dict_eligible;
    c->dict_used = false;
    c->dict_values = 0;
    c->dict.count = 0;
    c->dict.vals.len = 0;
    if (c->dict.slots)
        memset(c->dict.slots, 0, (size_t)c->dict.nslots * sizeof *c->dict.slots);
    pqw_stats_reset(&c->st);
    pqw_stats_reset(&c->pst);
    pqw_index_reset_chunk(c);
}

uint64_t pqw_col_buffered(const pqw_col *c)
{
    return c->chunk.len + c->pvals.len + (uint64_t)c->nvals * 4 + (uint64_t)c->nrows * (1u + (c->max_rep > 0)) / 8 +
           c->dict.vals.len;
}

/* ======================= gather + stage ======================= */

/* Fill def[0..n) for active rows [a, b) of the chunk column, g[] with the storage index of each
 * non-NULL value and vrow[] with its slice row. Returns the value count. */
static uint32_t gather(const pqw_col *c, const tn_chunk *ch, uint32_t ci, uint32_t a, uint32_t b, uint32_t *def,
                       uint32_t *g, uint32_t *vrow, const void **data)
{
    const tn_vector *v = ch->cols[ci];
    const uint32_t *sel = ch->sel ? ch->sel + a : NULL;
    uint32_t n = b - a, nv = 0;
    *data = NULL;
    if (c->m.conv == PQW_CV_NULL || (v->kind == TN_VEC_CONST && v->validity && !tn_bit_get(v->validity, 0))) {
        memset(def, 0, (size_t)n * sizeof *def);
        return 0;
    }
    if (v->kind == TN_VEC_CONST) {
        *data = v->data;
        for (uint32_t i = 0; i < n; i++) {
            def[i] = 1;
            g[i] = 0;
            vrow[i] = i;
        }
        return n;
    }
    tn_vview vw;
    tn_vector_view(v, ch->count, &vw);
    *data = vw.data;
    const uint64_t *dvalid = v->kind == TN_VEC_DICT ? v->dict->validity : NULL;
    if (!vw.validity && !dvalid) {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = sel ? sel[i] : a + i;
            def[i] = 1;
            g[i] = vw.idx ? vw.idx[r] : r;
            vrow[i] = i;
        }
        return n;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = sel ? sel[i] : a + i;
        uint32_t vi = vw.idx ? vw.idx[r] : r;
        uint32_t ok = (!vw.validity || tn_bit_get(vw.validity, r)) && (!dvalid || tn_bit_get(dvalid, vi));
        def[i] = ok;
        g[nv] = vi;
        vrow[nv] = i;
        nv += ok;
    }
    return nv;
}

#define STAGE_LOOP(TS, TD)                                         \
    do {                                                           \
        const TS *s_ = (const TS *)src;                            \
        TD *d_ = (TD *)dst;                                        \
        for (uint32_t j_ = 0; j_ < nv; j_++)                       \
            d_[j_] = (TD)s_[g[j_]];                                \
    } while (0)

static inline uint64_t bswap64(uint64_t x) { return __builtin_bswap64(x); }

/* Convert nv values src[g[j]] to physical form in dst. */
static int stage(const pqw_col *c, const void *src, const uint32_t *g, uint32_t nv, void *dst, tn_err *err)
{
    switch (c->m.conv) {
    case PQW_CV_NULL: break;
    case PQW_CV_BOOL: {
        const uint8_t *s = src;
        uint8_t *d = dst;
        for (uint32_t j = 0; j < nv; j++)
            d[j] = s[g[j]] != 0;
        break;
    }
    case PQW_CV_I8_I32: STAGE_LOOP(int8_t, int32_t); break;
    case PQW_CV_I16_I32: STAGE_LOOP(int16_t, int32_t); break;
    case PQW_CV_I32_I32: STAGE_LOOP(int32_t, int32_t); break;
    case PQW_CV_U8_I32: STAGE_LOOP(uint8_t, uint32_t); break;
    case PQW_CV_U16_I32: STAGE_LOOP(uint16_t, uint32_t); break;
    case PQW_CV_U32_I32: STAGE_LOOP(uint32_t, uint32_t); break;
    case PQW_CV_I64_I64: STAGE_LOOP(int64_t, int64_t); break;
    case PQW_CV_F32: STAGE_LOOP(float, float); break;
    case PQW_CV_F64: STAGE_LOOP(double, double); break;
    case PQW_CV_STR: STAGE_LOOP(tn_str, tn_str); break;
    case PQW_CV_I64_I32: {
        const int64_t *s = src;
        int32_t *d = dst;
        uint32_t bad = 0;
        for (uint32_t j = 0; j < nv; j++) {
            int64_t x = s[g[j]];
            d[j] = (int32_t)x;
            bad |= (uint32_t)(x != (int64_t)(int32_t)x);
        }
        if (bad)
            return tn_err_set(err, TN_RANGE, "column \"%s\": value out of range for its Parquet INT32 storage",
                              c->name);
        break;
    }
    case PQW_CV_RAW16: {
        const uint8_t *s = src;
        uint8_t *d = dst;
        for (uint32_t j = 0; j < nv; j++)
            memcpy(d + (size_t)j * 16, s + (size_t)g[j] * 16, 16);
        break;
    }
    case PQW_CV_I128_BE: {
        const tn_i128 *s = src;
        uint8_t *d = dst;
        size_t wd = c->m.width;
        /* every value must be a valid DECIMAL(precision): |x| <= 10^p - 1 (this also keeps it
         * within the width); HUGEINT values beyond DECIMAL(38,0) would make the file unreadable */
        tn_i128 lim = c->m.dec_max;
        uint32_t bad = 0;
        for (uint32_t j = 0; j < nv; j++) {
            tn_i128 x = s[g[j]];
            uint64_t be[2] = {bswap64((uint64_t)((tn_u128)x >> 64)), bswap64((uint64_t)x)};
            memcpy(d + (size_t)j * wd, (const uint8_t *)be + (16 - wd), wd);
            bad |= (uint32_t)(x > lim) | (uint32_t)(x < -lim);
        }
        if (bad)
            return tn_err_set(err, TN_RANGE,
                              c->type.id == TN_T_INT128
                                  ? "column \"%s\": HUGEINT value out of the range of its Parquet DECIMAL(%d,0) storage"
                                  : "column \"%s\": DECIMAL value exceeds precision %d",
                              c->name, c->m.precision);
        break;
    }
    }
    return TN_OK;
}

/* ======================= dictionary ======================= */

#define DICT_INIT_SLOTS 1024u

static inline uint64_t slot_make(uint32_t h32, uint32_t e) { return (uint64_t)h32 << 32 | (uint64_t)(e + 1); }

static int dict_prepare(pqw_dict *d)
{
    if (!d->slots) {
        d->slots = tn_calloc(DICT_INIT_SLOTS, sizeof *d->slots);
        if (!d->slots)
            return TN_NOMEM;
        d->nslots = DICT_INIT_SLOTS;
    }
    return TN_OK;
}

/* Make room for one more entry: offs capacity, and a load factor <= 1/2 (doubling the slots and
 * re-placing every entry from the hash kept in its slot). *grew tells the caller its probe
 * position is stale. */
static int dict_room(pqw_dict *d, bool *grew)
{
    *grew = false;
    if (d->count == d->cap) {
        uint32_t nc = d->cap ? d->cap * 2 : 256;
        uint32_t *o = tn_realloc(d->offs, (size_t)nc * sizeof *o);
        if (!o)
            return TN_NOMEM;
        d->offs = o;
        d->cap = nc;
    }
    if ((uint64_t)(d->count + 1) * 2 > d->nslots) {
        uint32_t ns = d->nslots * 2;
        uint64_t *s = tn_calloc(ns, sizeof *s);
        if (!s)
            return TN_NOMEM;
        for (uint32_t i = 0; i < d->nslots; i++) {
            uint64_t v = d->slots[i];
            if (!v)
                continue;
            uint32_t p = (uint32_t)(v >> 32) & (ns - 1);
            while (s[p])
                p = (p + 1) & (ns - 1);
            s[p] = v;
        }
        tn_free(d->slots);
        d->slots = s;
        d->nslots = ns;
        *grew = true;
    }
    return TN_OK;
}

/* Add an entry (its bytes are already appended to vals at `off`) whose probe ended at the empty
 * slot p. */
static int dict_add(pqw_dict *d, uint32_t h32, uint32_t off, uint32_t p, uint32_t *out)
{
    bool grew;
    int rc = dict_room(d, &grew);
    if (rc)
        return rc;
    if (grew) {
        uint32_t mask = d->nslots - 1;
        p = h32 & mask;
        while (d->slots[p])
            p = (p + 1) & mask;
    }
    d->slots[p] = slot_make(h32, d->count);
    d->offs[d->count] = off;
    *out = d->count++;
    return TN_OK;
}

/* Fixed-width keys of T (raw bit patterns). Maps v[0..n) to out[]; returns how many were mapped
 * before the dictionary limit was reached (n if all). The slot's hash is compared first, so a
 * probe touches the entry itself only on a (near-certain) match. */
#define DICT_FIXED(NAME, T)                                                                        \
    static uint32_t NAME(pqw_dict *d, const T *v, uint32_t n, uint32_t *out, uint64_t limit, int *rc) \
    {                                                                                              \
        for (uint32_t i = 0; i < n; i++) {                                                         \
            T x = v[i];                                                                            \
            uint32_t h32 = (uint32_t)XXH3_64bits(&x, sizeof x);                                    \
            uint32_t mask = d->nslots - 1, p = h32 & mask;                                         \
            const T *ents = (const T *)d->vals.data;                                               \
            uint64_t s;                                                                            \
            while ((s = d->slots[p]) != 0 && !((uint32_t)(s >> 32) == h32 && ents[(uint32_t)s - 1] == x)) \
                p = (p + 1) & mask;                                                                \
            if (s) {                                                                               \
                out[i] = (uint32_t)s - 1;                                                          \
                continue;                                                                          \
            }                                                                                      \
            if (d->vals.len + sizeof x > limit || d->count >= PQW_DICT_MAX_ENTRIES)                \
                return i;                                                                          \
            if ((*rc = pq_bytes_append(&d->vals, &x, sizeof x)) != TN_OK)                          \
                return i;                                                                          \
            if ((*rc = dict_add(d, h32, 0, p, &out[i])) != TN_OK)                                  \
                return i;                                                                          \
        }                                                                                          \
        return n;                                                                                  \
    }

DICT_FIXED(dict_map32, uint32_t)
DICT_FIXED(dict_map64, uint64_t)

static uint32_t dict_map_flba(pqw_dict *d, const uint8_t *v, size_t w, uint32_t n, uint32_t *out, uint64_t limit,
                              int *rc)
{
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *x = v + (size_t)i * w;
        uint32_t h32 = (uint32_t)XXH3_64bits(x, w);
        uint32_t mask = d->nslots - 1, p = h32 & mask;
        uint64_t s;
        while ((s = d->slots[p]) != 0 &&
               !((uint32_t)(s >> 32) == h32 && memcmp(d->vals.data + (size_t)((uint32_t)s - 1) * w, x, w) == 0))
            p = (p + 1) & mask;
        if (s) {
            out[i] = (uint32_t)s - 1;
            continue;
        }
        if (d->vals.len + w > limit || d->count >= PQW_DICT_MAX_ENTRIES)
            return i;
        if ((*rc = pq_bytes_append(&d->vals, x, w)) != TN_OK)
            return i;
        if ((*rc = dict_add(d, h32, 0, p, &out[i])) != TN_OK)
            return i;
    }
    return n;
}

static inline uint32_t rd_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void wr_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t dict_map_str(pqw_dict *d, const tn_str *v, uint32_t n, uint32_t *out, uint64_t limit, int *rc)
{
    for (uint32_t i = 0; i < n; i++) {
        const char *xp = tn_str_data(&v[i]);
        uint32_t xl = v[i].len;
        uint32_t h32 = (uint32_t)XXH3_64bits(xp, xl);
        uint32_t mask = d->nslots - 1, p = h32 & mask;
        uint64_t s;
        while ((s = d->slots[p]) != 0) {
            if ((uint32_t)(s >> 32) == h32) {
                const uint8_t *ent = d->vals.data + d->offs[(uint32_t)s - 1];
                if (rd_u32le(ent) == xl && memcmp(ent + 4, xp, xl) == 0)
                    break;
            }
            p = (p + 1) & mask;
        }
        if (s) {
            out[i] = (uint32_t)s - 1;
            continue;
        }
        if (d->vals.len + 4 + (uint64_t)xl > limit || d->count >= PQW_DICT_MAX_ENTRIES ||
            d->vals.len + 4 + (uint64_t)xl > UINT32_MAX)
            return i;
        if ((*rc = pq_bytes_reserve(&d->vals, 4 + (size_t)xl)) != TN_OK)
            return i;
        uint32_t off = (uint32_t)d->vals.len;
        wr_u32le(d->vals.data + off, xl);
        if (xl)
            memcpy(d->vals.data + off + 4, xp, xl);
        d->vals.len += 4 + (size_t)xl;
        if ((*rc = dict_add(d, h32, off, p, &out[i])) != TN_OK)
            return i;
    }
    return n;
}

/* Map staged values [v0, v0+n) to dictionary indexes out[0..n). Returns how many were mapped. */
static uint32_t dict_map(pq_writer *w, pqw_col *c, const void *stagev, uint32_t v0, uint32_t n, uint32_t *out,
                         int *rc)
{
    uint64_t limit = w->opt.dictionary_size_limit;
    *rc = dict_prepare(&c->dict);
    if (*rc)
        return 0;
    switch (c->m.conv) {
    case PQW_CV_STR: return dict_map_str(&c->dict, (const tn_str *)stagev + v0, n, out, limit, rc);
    case PQW_CV_RAW16:
    case PQW_CV_I128_BE:
        return dict_map_flba(&c->dict, (const uint8_t *)stagev + (size_t)v0 * c->m.width, c->m.width, n, out,
                             limit, rc);
    default:
        if (c->m.width == 4)
            return dict_map32(&c->dict, (const uint32_t *)stagev + v0, n, out, limit, rc);
        return dict_map64(&c->dict, (const uint64_t *)stagev + v0, n, out, limit, rc);
    }
}

/* ======================= pages ======================= */

static int grow_u32(uint32_t **arr, uint32_t *cap, uint32_t need)
{
    if (need <= *cap)
        return TN_OK;
    uint32_t nc = *cap ? *cap : 1024;
    while (nc < need)
        nc *= 2;
    if (nc > PQW_PAGE_MAX_ROWS)
        nc = PQW_PAGE_MAX_ROWS > need ? PQW_PAGE_MAX_ROWS : need;
    uint32_t *p = tn_realloc(*arr, (size_t)nc * sizeof *p);
    if (!p)
        return TN_NOMEM;
    *arr = p;
    *cap = nc;
    return TN_OK;
}

static int dict_bit_width(const pqw_col *c)
{
    int bw = pq_bit_width(c->dict.count ? c->dict.count - 1 : 0);
    return bw < 1 ? 1 : bw;
}

/* Estimated encoded bytes of the page in progress. */
static uint64_t page_bytes(const pqw_col *c)
{
    uint64_t vals = c->dict_on ? ((uint64_t)c->nvals * (uint64_t)dict_bit_width(c) + 7) / 8 : c->pvals.len;
    return vals + (uint64_t)c->nrows * (1u + (c->max_rep > 0)) / 8;
}

/* PLAIN-append staged values [v0, v1). */
static int plain_append(pqw_col *c, const void *stagev, uint32_t v0, uint32_t v1)
{
    uint32_t n = v1 - v0;
    if (n == 0)
        return TN_OK;
    switch (c->m.conv) {
    case PQW_CV_BOOL: {
        const uint8_t *s = (const uint8_t *)stagev + v0;
        size_t need = ((size_t)c->nbits + n + 7) / 8;
        if (need > c->pvals.len) {
            if (pq_bytes_reserve(&c->pvals, need - c->pvals.len))
                return TN_NOMEM;
            memset(c->pvals.data + c->pvals.len, 0, need - c->pvals.len);
            c->pvals.len = need;
        }
        uint8_t *d = c->pvals.data;
        uint32_t bit = c->nbits;
        for (uint32_t i = 0; i < n; i++, bit++)
            d[bit >> 3] |= (uint8_t)(s[i] << (bit & 7));
        c->nbits = bit;
        return TN_OK;
    }
    case PQW_CV_STR: {
        const tn_str *s = (const tn_str *)stagev + v0;
        size_t total = 0;
        for (uint32_t i = 0; i < n; i++)
            total += 4 + (size_t)s[i].len;
        if (pq_bytes_reserve(&c->pvals, total))
            return TN_NOMEM;
        uint8_t *d = c->pvals.data + c->pvals.len;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t l = s[i].len;
            wr_u32le(d, l);
            if (l)
                memcpy(d + 4, tn_str_data(&s[i]), l);
            d += 4 + (size_t)l;
        }
        c->pvals.len += total;
        return TN_OK;
    }
    default:
        return pq_bytes_append(&c->pvals, (const uint8_t *)stagev + (size_t)v0 * c->m.width,
                               (size_t)n * c->m.width);
    }
}

/* A batch of level slots with their staged values, appended to pages by append_batch. Flat
 * columns: one slot per row, no repetition levels. */
typedef struct pqw_batch {
    uint32_t n;              /* level slots */
    const uint32_t *rep;     /* repetition levels; NULL: every slot starts a record */
    const uint32_t *def;     /* definition levels */
    const void *vals;        /* staged values (physical form) */
    const uint32_t *vslot;   /* slot of each value, ascending */
    uint32_t nv;
    uint32_t *didx;          /* room for nv dictionary indexes */
} pqw_batch;

/* Append slots [r0, r1) of the batch and their values [v0, v1) to the page in progress. */
static int page_append(pq_writer *w, pqw_col *c, const pqw_batch *bt, uint32_t r0, uint32_t r1, uint32_t v0,
                       uint32_t v1)
{
    const void *stagev = bt->vals;
    uint32_t nr = r1 - r0, nvv = v1 - v0, nrec = nr;
    if (nr == 0)
        return TN_OK; /* no rows means no values either */
    if (grow_u32(&c->levels, &c->levels_cap, c->nrows + nr))
        return TN_NOMEM;
    memcpy(c->levels + c->nrows, bt->def + r0, (size_t)nr * sizeof(uint32_t));
    if (bt->rep) {
        if (grow_u32(&c->reps, &c->reps_cap, c->nrows + nr))
            return TN_NOMEM;
        memcpy(c->reps + c->nrows, bt->rep + r0, (size_t)nr * sizeof(uint32_t));
        nrec = 0;
        for (uint32_t i = r0; i < r1; i++)
            nrec += bt->rep[i] == 0;
    }
    if (c->dict_on) {
        if (nvv) {
            if (grow_u32(&c->idx, &c->idx_cap, c->nvals + nvv))
                return TN_NOMEM;
            memcpy(c->idx + c->nvals, bt->didx + v0, (size_t)nvv * sizeof(uint32_t));
        }
    } else {
        if (plain_append(c, stagev, v0, v1))
            return TN_NOMEM;
        /* values going through the dictionary are hashed from its entries when the chunk ends */
        if (c->bloom && nvv && pqw_bloom_add(w, c, stagev, v0, v1, NULL))
            return TN_NOMEM;
    }
    if (pqw_stats_update(c, &c->pst, (const uint8_t *)stagev + (size_t)v0 * c->m.width, nvv))
        return TN_NOMEM;
    c->nrows += nr;
    c->nrecs += nrec;
    c->nvals += nvv;
    return TN_OK;
}

/* Compress src[0..n) unless the codec is UNCOMPRESSED; *buf is NULL when no copy was made. */
static int page_compress(pq_writer *w, const uint8_t *src, size_t n, tn_buf **buf, const uint8_t **out, size_t *outlen,
                    tn_err *err)
{
    *buf = NULL;
    if (w->opt.codec == PQ_CODEC_UNCOMPRESSED) {
        *out = src;
        *outlen = n;
        return TN_OK;
    }
    int rc = pq_compress(w->opt.codec, w->opt.compression_level, src, n, buf, err);
    if (rc)
        return rc;
    *out = (*buf)->data;
    *outlen = (*buf)->size;
    return TN_OK;
}

static int check_page_size(const pqw_col *c, uint64_t n, tn_err *err)
{
    if (n > INT32_MAX)
        return tn_err_set(err, TN_RANGE, "column \"%s\": Parquet page of %llu bytes exceeds the 2 GiB limit",
                          c->name, (unsigned long long)n);
    return TN_OK;
}

/* Shared-prefix bytes of consecutive strings are worth a DELTA_BYTE_ARRAY (rather than
 * DELTA_LENGTH_BYTE_ARRAY) when they save at least an eighth of the bytes: sorted or
 * path-like data. One pass of byte comparisons, stopped as soon as the answer is known. */
static bool prefixes_pay(const tn_str *v, uint32_t n)
{
    uint64_t total = 0, shared = 0;
    for (uint32_t i = 0; i < n; i++)
        total += v[i].len;
    uint64_t need = total / 8;
    if (need == 0)
        return false;
    for (uint32_t i = 1; i < n; i++) {
        const char *a = tn_str_data(&v[i - 1]), *b = tn_str_data(&v[i]);
        uint32_t lim = TN_MIN(v[i - 1].len, v[i].len), k = 0;
        while (k < lim && a[k] == b[k])
            k++;
        shared += k;
        if (shared >= need)
            return true;
    }
    return false;
}

/* Ensure *arr holds >= need elements of size sz (at least PQW_PAGE_MAX_ROWS). */
static int grow_scratch(void **arr, uint32_t *cap, uint32_t need, size_t sz)
{
    if (*arr && need <= *cap)
        return TN_OK;
    uint32_t nc = need > PQW_PAGE_MAX_ROWS ? need : PQW_PAGE_MAX_ROWS;
    void *p = tn_realloc(*arr, (size_t)nc * sz);
    if (!p)
        return TN_NOMEM;
    *arr = p;
    *cap = nc;
    return TN_OK;
}

/* Encode the values of a non-dictionary page: PLAIN (format v1), or the format v2 encoding of
 * the physical type. The section goes to vals / vlen (pvals itself for PLAIN, else w->s_enc). */
static int encode_values(pq_writer *w, pqw_col *c, const uint8_t **vals, size_t *vlen, int *enc)
{
    *vals = c->pvals.data;
    *vlen = c->pvals.len;
    *enc = PQ_ENC_PLAIN;
    if (!w->v2enc || c->m.conv == PQW_CV_NULL || c->nvals == 0)
        return TN_OK;
    pq_bytes *out = &w->s_enc;
    out->len = 0;
    int rc = TN_OK;
    switch (c->m.phys) {
    case PQ_BOOLEAN: {
        /* RLE hybrid, bit width 1, behind a 4-byte length (Encodings.md, RLE for booleans) */
        if (grow_scratch((void **)&w->s_u32, &w->s_u32_cap, c->nvals, sizeof *w->s_u32))
            return TN_NOMEM;
        const uint8_t *bits = c->pvals.data;
        for (uint32_t i = 0; i < c->nvals; i++)
            w->s_u32[i] = (bits[i >> 3] >> (i & 7)) & 1;
        uint8_t pre[4] = {0};
        if ((rc = pq_bytes_append(out, pre, 4)) || (rc = pq_rle_encode(w->s_u32, c->nvals, 1, out)))
            return rc;
        wr_u32le(out->data, (uint32_t)(out->len - 4));
        *enc = PQ_ENC_RLE;
        break;
    }
    case PQ_INT32:
        rc = pq_delta_binary_encode32((const int32_t *)c->pvals.data, c->nvals, out);
        *enc = PQ_ENC_DELTA_BINARY_PACKED;
        break;
    case PQ_INT64:
        rc = pq_delta_binary_encode64((const int64_t *)c->pvals.data, c->nvals, out);
        *enc = PQ_ENC_DELTA_BINARY_PACKED;
        break;
    case PQ_FLOAT:
    case PQ_DOUBLE:
        rc = pq_bss_encode(c->pvals.data, c->nvals, (uint32_t)c->m.width, out);
        *enc = PQ_ENC_BYTE_STREAM_SPLIT;
        break;
    case PQ_BYTE_ARRAY: {
        if (grow_scratch((void **)&w->s_strs, &w->s_strs_cap, c->nvals, sizeof *w->s_strs))
            return TN_NOMEM;
        const uint8_t *p = c->pvals.data, *end = p + c->pvals.len;
        for (uint32_t i = 0; i < c->nvals && p + 4 <= end; i++) {
            uint32_t l = rd_u32le(p);
            w->s_strs[i] = tn_str_make((const char *)p + 4, l);
            p += 4 + (size_t)l;
        }
        if (prefixes_pay(w->s_strs, c->nvals)) {
            rc = pq_delta_byte_array_encode(w->s_strs, c->nvals, out);
            *enc = PQ_ENC_DELTA_BYTE_ARRAY;
        } else {
            rc = pq_delta_length_encode(w->s_strs, c->nvals, out);
            *enc = PQ_ENC_DELTA_LENGTH_BYTE_ARRAY;
        }
        break;
    }
    default: return TN_OK; /* FIXED_LEN_BYTE_ARRAY stays PLAIN */
    }
    if (rc)
        return rc;
    *vals = out->data;
    *vlen = out->len;
    return TN_OK;
}

int pqw_col_flush_page(pq_writer *w, pqw_col *c, tn_err *err)
{
    if (c->nrows == 0)
        return TN_OK;
    int rc = TN_OK;
    tn_buf *cbuf = NULL;
    bool dict_page = c->dict_on && c->nvals > 0;
    int encoding = PQ_ENC_RLE_DICTIONARY;

    /* repetition levels (nested leaves under a repeated field), definition levels */
    w->s_reps.len = 0;
    w->s_levels.len = 0;
    if (c->max_rep > 0 && (rc = pq_rle_encode(c->reps, c->nrows, pq_bit_width(c->max_rep), &w->s_reps)) != TN_OK)
        goto nomem;
    if ((rc = pq_rle_encode(c->levels, c->nrows, pq_bit_width(c->max_def), &w->s_levels)) != TN_OK)
        goto nomem;
    /* values section */
    const uint8_t *vals;
    size_t vlen;
    if (dict_page) {
        w->s_tmp.len = 0;
        uint8_t bw = (uint8_t)dict_bit_width(c);
        if (pq_bytes_append(&w->s_tmp, &bw, 1) || pq_rle_encode(c->idx, c->nvals, bw, &w->s_tmp))
            goto nomem;
        vals = w->s_tmp.data;
        vlen = w->s_tmp.len;
    } else if ((rc = encode_values(w, c, &vals, &vlen, &encoding)) != TN_OK) {
        if (rc == TN_RANGE) {
            rc = tn_err_set(err, rc, "column \"%s\": value too long for its Parquet encoding", c->name);
            goto done;
        }
        goto nomem;
    }

    const uint8_t *body;
    size_t blen;
    uint64_t uncompressed;
    bool v2 = w->page_version == 2, is_compressed = false;
    w->s_body.len = 0;
    if (!v2) {
        uint8_t pre[4];
        if (c->max_rep > 0) {
            wr_u32le(pre, (uint32_t)w->s_reps.len);
            if (pq_bytes_append(&w->s_body, pre, 4) || pq_bytes_append(&w->s_body, w->s_reps.data, w->s_reps.len))
                goto nomem;
        }
        wr_u32le(pre, (uint32_t)w->s_levels.len);
        if (pq_bytes_append(&w->s_body, pre, 4) || pq_bytes_append(&w->s_body, w->s_levels.data, w->s_levels.len) ||
            pq_bytes_append(&w->s_body, vals, vlen))
            goto nomem;
        uncompressed = w->s_body.len;
        if ((rc = check_page_size(c, uncompressed, err)) != TN_OK)
            goto done;
        if ((rc = page_compress(w, w->s_body.data, w->s_body.len, &cbuf, &body, &blen, err)) != TN_OK)
            goto done;
    } else {
        uncompressed = w->s_reps.len + w->s_levels.len + vlen;
        if ((rc = check_page_size(c, uncompressed, err)) != TN_OK)
            goto done;
        const uint8_t *cv = vals;
        size_t cvlen = vlen;
        if (vlen > 0 && w->opt.codec != PQ_CODEC_UNCOMPRESSED) {
            if ((rc = page_compress(w, vals, vlen, &cbuf, &cv, &cvlen, err)) != TN_OK)
                goto done;
            is_compressed = true;
        }
        if (pq_bytes_append(&w->s_body, w->s_reps.data, w->s_reps.len) ||
            pq_bytes_append(&w->s_body, w->s_levels.data, w->s_levels.len) || pq_bytes_append(&w->s_body, cv, cvlen))
            goto nomem;
        body = w->s_body.data;
        blen = w->s_body.len;
    }
    if ((rc = check_page_size(c, blen, err)) != TN_OK)
        goto done;

    /* PageHeader */
    c->pst.null_count = (int64_t)(c->nrows - c->nvals);
    w->s_hdr.len = 0;
    pq_tw tw;
    pq_tw_init(&tw, &w->s_hdr);
    pq_tw_struct_begin(&tw);
    pq_tw_field_i32(&tw, 1, v2 ? 3 : 0); /* DATA_PAGE_V2 / DATA_PAGE */
    pq_tw_field_i32(&tw, 2, (int32_t)uncompressed);
    pq_tw_field_i32(&tw, 3, (int32_t)blen);
    if (w->opt.page_checksum)
        pq_tw_field_i32(&tw, 4, (int32_t)(uint32_t)crc32(0L, body, (uInt)blen));
    if (!v2) {
        pq_tw_field_struct(&tw, 5);
        pq_tw_field_i32(&tw, 1, (int32_t)c->nrows);
        pq_tw_field_i32(&tw, 2, encoding);
        pq_tw_field_i32(&tw, 3, PQ_ENC_RLE);
        pq_tw_field_i32(&tw, 4, PQ_ENC_RLE);
        if (w->opt.page_statistics)
            pqw_stats_write(c, &c->pst, &tw, 5);
        pq_tw_struct_end(&tw);
    } else {
        pq_tw_field_struct(&tw, 8);
        pq_tw_field_i32(&tw, 1, (int32_t)c->nrows);
        pq_tw_field_i32(&tw, 2, (int32_t)(c->nrows - c->nvals));
        pq_tw_field_i32(&tw, 3, (int32_t)c->nrecs);
        pq_tw_field_i32(&tw, 4, encoding);
        pq_tw_field_i32(&tw, 5, (int32_t)w->s_levels.len);
        pq_tw_field_i32(&tw, 6, (int32_t)w->s_reps.len);
        pq_tw_field_bool(&tw, 7, is_compressed);
        if (w->opt.page_statistics)
            pqw_stats_write(c, &c->pst, &tw, 8);
        pq_tw_struct_end(&tw);
    }
    pq_tw_struct_end(&tw);
    if ((rc = pq_tw_finish(&tw)) != TN_OK)
        goto nomem;
    uint64_t page_off = c->chunk.len;
    if (pq_bytes_append(&c->chunk, w->s_hdr.data, w->s_hdr.len) || pq_bytes_append(&c->chunk, body, blen))
        goto nomem;
    if ((rc = pqw_index_add_page(w, c, page_off, (uint32_t)(w->s_hdr.len + blen), err)) != TN_OK)
        goto done;
    if (pqw_stats_merge(c, &c->st, &c->pst))
        goto nomem;
    pqw_stats_reset(&c->pst);

    c->uncompressed += (int64_t)(w->s_hdr.len + uncompressed);
    c->num_values += c->nrows;
    c->chunk_rows += c->nrecs;
    c->pages_enc[encoding]++;
    if (dict_page) {
        c->dict_used = true;
        c->dict_values += c->nvals;
        /* a dictionary of mostly distinct values only costs space and time: stop using it */
        if (c->dict_values >= PQW_DICT_PROBE_VALUES && (uint64_t)c->dict.count * 4 > c->dict_values * 3)
            c->dict_on = false;
    }
    c->nrows = c->nrecs = c->nvals = c->nbits = 0;
    c->pvals.len = 0;
    goto done;
nomem:
    rc = tn_err_set(err, TN_NOMEM, "out of memory while encoding a Parquet page of column \"%s\"", c->name);
done:
    if (cbuf)
        tn_buf_unref(cbuf);
    return rc;
}

int pqw_col_dict_page(pq_writer *w, pqw_col *c, pq_bytes *out, int64_t *uncompressed, tn_err *err)
{
    tn_buf *cbuf = NULL;
    const uint8_t *body;
    size_t blen;
    int rc = check_page_size(c, c->dict.vals.len, err);
    if (rc)
        return rc;
    if ((rc = page_compress(w, c->dict.vals.data, c->dict.vals.len, &cbuf, &body, &blen, err)) != TN_OK)
        return rc;
    if ((rc = check_page_size(c, blen, err)) != TN_OK)
        goto done;
    out->len = 0;
    pq_tw tw;
    pq_tw_init(&tw, out);
    pq_tw_struct_begin(&tw);
    pq_tw_field_i32(&tw, 1, 2); /* DICTIONARY_PAGE */
    pq_tw_field_i32(&tw, 2, (int32_t)c->dict.vals.len);
    pq_tw_field_i32(&tw, 3, (int32_t)blen);
    if (w->opt.page_checksum)
        pq_tw_field_i32(&tw, 4, (int32_t)(uint32_t)crc32(0L, body, (uInt)blen));
    pq_tw_field_struct(&tw, 7);
    pq_tw_field_i32(&tw, 1, (int32_t)c->dict.count);
    pq_tw_field_i32(&tw, 2, PQ_ENC_PLAIN);
    pq_tw_field_bool(&tw, 3, false);
    pq_tw_struct_end(&tw);
    pq_tw_struct_end(&tw);
    rc = pq_tw_finish(&tw);
    *uncompressed = (int64_t)(out->len + c->dict.vals.len);
    if (rc == TN_OK && pq_bytes_append(out, body, blen))
        rc = TN_NOMEM;
    if (rc)
        rc = tn_err_set(err, TN_NOMEM, "out of memory while encoding the dictionary page of column \"%s\"", c->name);
done:
    if (cbuf)
        tn_buf_unref(cbuf);
    return rc;
}

/* ======================= slice driver ======================= */

/* Nested pages end on record boundaries. Given a cut at slot e (r < e < n, rep[e] != 0): the last
 * record start in (r, e), or, when the record at r reaches past e, the end of that record. */
static uint32_t record_cut(const uint32_t *rep, uint32_t r, uint32_t e, uint32_t n)
{
    for (uint32_t k = e; k > r; k--)
        if (rep[k] == 0)
            return k;
    while (e < n && rep[e] != 0)
        e++;
    return e;
}

/* First record start <= e and >= r (r itself if none). */
static uint32_t record_start(const uint32_t *rep, uint32_t r, uint32_t e)
{
    while (e > r && rep[e] != 0)
        e--;
    return e;
}

/* First value index in [v, nv) whose slot is >= slot (vslot ascending). */
static uint32_t values_before(const uint32_t *vslot, uint32_t v, uint32_t nv, uint32_t slot)
{
    uint32_t lo = v, hi = nv;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (vslot[mid] < slot)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Append a batch to the pages of c: fill the page in progress up to PQW_PAGE_MAX_ROWS slots or
 * the page_size target, flush it and continue; map values through the dictionary while it is on
 * and fall back to plain encoding when it fills up. With repetition levels every cut is moved
 * to a record boundary (a page holds at least one whole record). */
static int append_batch(pq_writer *w, pqw_col *c, const pqw_batch *bt, tn_err *err)
{
    const void *stagev = bt->vals;
    const uint32_t *vrow = bt->vslot;
    uint32_t n = bt->n, nv = bt->nv;
    uint64_t page_size = w->opt.page_size ? w->opt.page_size : 1;
    uint32_t r = 0, v = 0;
    int rc;
    while (r < n) {
        if (c->nrows >= PQW_PAGE_MAX_ROWS || (c->nrows > 0 && page_bytes(c) >= page_size))
            if ((rc = pqw_col_flush_page(w, c, err)) != TN_OK)
                return rc;
        uint32_t room = PQW_PAGE_MAX_ROWS - c->nrows;
        uint32_t r_end = n - r < room ? n : r + room;
        uint32_t v_end = v;
        while (v_end < nv && vrow[v_end] < r_end)
            v_end++;
        /* byte budget of the page: take at least one value */
        if (v_end > v && c->m.conv != PQW_CV_BOOL) {
            uint64_t cur = page_bytes(c);
            uint64_t budget = page_size > cur ? page_size - cur : 0;
            uint32_t k;
            if (!c->dict_on && c->m.conv == PQW_CV_STR) {
                const tn_str *s = (const tn_str *)stagev;
                uint64_t acc = 4 + (uint64_t)s[v].len;
                for (k = v + 1; k < v_end; k++) {
                    uint64_t add = 4 + (uint64_t)s[k].len;
                    if (acc + add > budget)
                        break;
                    acc += add;
                }
            } else {
                uint64_t per = c->dict_on ? (uint64_t)dict_bit_width(c) : (uint64_t)c->m.width * 8;
                uint64_t maxv = budget * 8 / per;
                if (maxv < 1)
                    maxv = 1;
                k = (uint64_t)(v_end - v) > maxv ? v + (uint32_t)maxv : v_end;
            }
            if (k < v_end) {
                v_end = k;
                r_end = vrow[k];
            }
        }
        if (bt->rep && r_end < n && bt->rep[r_end] != 0) {
            r_end = record_cut(bt->rep, r, r_end, n);
            v_end = values_before(vrow, v, nv, r_end);
        }
        bool fallback = false;
        if (c->dict_on && v_end > v) {
            uint32_t mapped = dict_map(w, c, stagev, v, v_end - v, bt->didx + v, &rc);
            if (rc)
                return tn_err_set(err, rc, "out of memory while building the dictionary of column \"%s\"", c->name);
            if (mapped < v_end - v) {
                r_end = vrow[v + mapped];
                if (bt->rep)
                    r_end = record_start(bt->rep, r, r_end);
                v_end = values_before(vrow, v, v + mapped, r_end);
                fallback = true;
            }
        }
        if ((rc = page_append(w, c, bt, r, r_end, v, v_end)) != TN_OK)
            return tn_err_set(err, rc, "out of memory");
        r = r_end;
        v = v_end;
        if (fallback) {
            if ((rc = pqw_col_flush_page(w, c, err)) != TN_OK)
                return rc;
            c->dict_on = false;
        }
    }
    return TN_OK;
}

int pqw_col_append(pq_writer *w, pqw_col *c, const tn_chunk *ch, uint32_t ci, uint32_t a, uint32_t b, tn_err *err)
{
    const void *src;
    uint32_t nv = gather(c, ch, ci, a, b, w->s_def, w->s_gather, w->s_vrow, &src);
    int rc = stage(c, src, w->s_gather, nv, w->s_vals, err);
    if (rc)
        return rc;
    pqw_batch bt = {b - a, NULL, w->s_def, w->s_vals, w->s_vrow, nv, w->s_didx};
    return append_batch(w, c, &bt, err);
}

int pqw_col_append_levels(pq_writer *w, pqw_col *c, uint32_t n, const uint32_t *rep, const uint32_t *def,
                          const void *src, const uint32_t *g, const uint32_t *vslot, uint32_t nv, tn_err *err)
{
    size_t need = (size_t)nv * 16;
    if (need > w->n_vals_cap) {
        size_t nc = need > (size_t)PQW_SLICE * 16 ? need : (size_t)PQW_SLICE * 16;
        void *p = tn_realloc(w->n_vals, nc);
        if (!p)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        w->n_vals = p;
        w->n_vals_cap = nc;
    }
    if (grow_scratch((void **)&w->n_didx, &w->n_didx_cap, nv, sizeof *w->n_didx))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    int rc = nv ? stage(c, src, g, nv, w->n_vals, err) : TN_OK;
    if (rc)
        return rc;
    pqw_batch bt = {n, c->max_rep ? rep : NULL, def, w->n_vals, vslot, nv, w->n_didx};
    return append_batch(w, c, &bt, err);
}
