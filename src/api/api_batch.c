/*
 * api_batch.c -- the public C API (include/tarn.h), part 2: tarn_stmt_fetch and batch access.
 *
 * A fetch pulls the next non-empty chunk from the plan's root operator and turns it into the
 * dense column layout tarn.h promises (row i at index i, validity bit i = row i):
 *  - a FLAT vector with no selection is already dense and is exposed in place (no copy);
 *  - otherwise (CONST, DICT, or a selection vector from a filter) the active rows are gathered
 *    into the statement's reusable per-column buffers with one type-width loop per column, and a
 *    validity bitmap is built only when some gathered row is NULL (NULL dictionary entries
 *    included);
 *  - VARCHAR/BLOB become tarn_string {pointer, length} arrays pointing at the bytes in place
 *    (inline short strings point into the operator's vector, which stays unchanged until the next
 *    fetch).
 * tarn_batch_text renders through tn_format_vector_row on the operator's vector (so it handles
 * every type the shell prints, nested ones included) into a per-batch arena that is recycled by
 * the next fetch.
 */
#include "api_int.h"
#include "util/format.h"
#include <math.h>
#include <string.h>

#define TEXT_BLOCK (16 * 1024)

/* ======================= text arena ======================= */

static void text_reset(tarn_batch *b)
{
    /* keep the first block for the next batch, free the rest */
    api_text_block *blk = b->text;
    if (!blk)
        return;
    api_text_block *rest = blk->next;
    while (rest) {
        api_text_block *n = rest->next;
        tn_free(rest);
        rest = n;
    }
    blk->next = NULL;
    blk->used = 0;
}

static char *text_alloc(tarn_batch *b, size_t n)
{
    api_text_block *blk = b->text;
    if (!blk || blk->cap - blk->used < n) {
        size_t cap = n > TEXT_BLOCK ? n : TEXT_BLOCK;
        api_text_block *nb = tn_malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        nb->cap = cap;
        nb->used = 0;
        nb->next = blk;
        b->text = nb;
        blk = nb;
    }
    char *p = blk->data + blk->used;
    blk->used += n;
    return p;
}

void api_batch_release(tarn_stmt *st)
{
    api_text_block *blk = st->batch.text;
    while (blk) {
        api_text_block *n = blk->next;
        tn_free(blk);
        blk = n;
    }
    st->batch.text = NULL;
    tn_free(st->batch.cols);
    st->batch.cols = NULL;
    st->batch.chunk = NULL;
    st->batch.rows = 0;
}

/* ======================= compaction ======================= */

static int ensure_dense(api_col *c, size_t bytes)
{
    if (c->dense_cap >= bytes && c->dense)
        return TN_OK;
    void *p = tn_realloc(c->dense, bytes ? bytes : 1);
    if (!p)
        return TN_NOMEM;
    c->dense = p;
    c->dense_cap = bytes;
    return TN_OK;
}

static int ensure_valid(api_col *c, uint32_t rows)
{
    size_t words = TN_BITMAP_WORDS(rows ? rows : 1);
    if (c->valid_words >= words)
        return TN_OK;
    uint64_t *p = tn_realloc(c->valid, words * 8);
    if (!p)
        return TN_NOMEM;
    c->valid = p;
    c->valid_words = words;
    return TN_OK;
}

typedef struct u128_cell { uint64_t lo, hi; } u128_cell;

/* dst[j] = src[k(j)] where k(j) = idx[sel[j]] / sel[j] / idx[j] / j; constant: dst[j] = src[0]. */
#define GATHER_LOOP(T)                                                   \
    do {                                                                 \
        const T *s_ = (const T *)src;                                    \
        T *d_ = (T *)dst;                                                \
        if (constant)                                                    \
            for (uint32_t j = 0; j < n; j++)                             \
                d_[j] = s_[0];                                           \
        else if (sel && idx)                                             \
            for (uint32_t j = 0; j < n; j++)                             \
                d_[j] = s_[idx[sel[j]]];                                 \
        else if (sel)                                                    \
            for (uint32_t j = 0; j < n; j++)                             \
                d_[j] = s_[sel[j]];                                      \
        else if (idx)                                                    \
            for (uint32_t j = 0; j < n; j++)                             \
                d_[j] = s_[idx[j]];                                      \
        else                                                             \
            memcpy(d_, s_, (size_t)n * sizeof(T));                       \
    } while (0)

static void gather(void *dst, const void *src, size_t w, bool constant, const uint32_t *sel, const uint32_t *idx,
                   uint32_t n)
{
    switch (w) {
    case 1: GATHER_LOOP(uint8_t); break;
    case 2: GATHER_LOOP(uint16_t); break;
    case 4: GATHER_LOOP(uint32_t); break;
    case 8: GATHER_LOOP(uint64_t); break;
    case 16: GATHER_LOOP(u128_cell); break;
    default:
        for (uint32_t j = 0; j < n; j++) {
            uint32_t r = constant ? 0 : sel ? sel[j] : j;
            uint32_t k = constant ? 0 : idx ? idx[r] : r;
            memcpy((unsigned char *)dst + (size_t)j * w, (const unsigned char *)src + (size_t)k * w, w);
        }
        break;
    }
}

/* Validity of the gathered rows into c->valid; *out = NULL when every row is valid. */
static int gather_validity(api_col *c, const tn_vector *v, const uint32_t *sel, uint32_t n, const uint64_t **out)
{
    *out = NULL;
    if (v->kind == TN_VEC_CONST) {
        if (!v->validity || tn_bit_get(v->validity, 0))
            return TN_OK;
        if (ensure_valid(c, n))
            return TN_NOMEM;
        memset(c->valid, 0, TN_BITMAP_WORDS(n ? n : 1) * 8);
        *out = c->valid;
        return TN_OK;
    }
    const uint64_t *rowv = v->validity;
    const uint64_t *dictv = v->kind == TN_VEC_DICT && v->dict ? v->dict->validity : NULL;
    const uint32_t *idx = v->kind == TN_VEC_DICT ? (const uint32_t *)v->data : NULL;
    if (!rowv && !dictv)
        return TN_OK;
    if (ensure_valid(c, n))
        return TN_NOMEM;
    uint64_t *bits = c->valid;
    memset(bits, 0, TN_BITMAP_WORDS(n ? n : 1) * 8);
    bool any_null = false;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t r = sel ? sel[j] : j;
        bool ok = (!rowv || tn_bit_get(rowv, r)) && (!dictv || tn_bit_get(dictv, idx[r]));
        if (ok)
            tn_bit_set(bits, j);
        else
            any_null = true;
    }
    if (any_null)
        *out = bits;
    return TN_OK;
}

/* Make column i of the batch dense from vector v (chunk rows `count`, selection sel of n rows). */
static int compact_column(tarn_stmt *st, uint32_t i, const tn_vector *v, const uint32_t *sel, uint32_t n)
{
    api_col *c = &st->cols[i];
    tarn_column *out = &st->batch.cols[i];
    out->type = c->ttype;
    out->rows = n;
    out->data = NULL;
    out->validity = NULL;
    if (tn_type_is_nested(v->type))
        return TN_OK; /* not exposed densely (yet); tarn_batch_text still renders it */
    const uint64_t *validity = NULL;
    if (v->kind == TN_VEC_FLAT && !sel && !tn_type_is_string(v->type)) {
        out->data = v->data;
        out->validity = v->validity;
        return TN_OK;
    }
    int rc = gather_validity(c, v, sel, n, &validity);
    if (rc)
        return rc;
    bool constant = v->kind == TN_VEC_CONST;
    const uint32_t *idx = v->kind == TN_VEC_DICT ? (const uint32_t *)v->data : NULL;
    const void *src = v->kind == TN_VEC_DICT ? v->dict->data : v->data;
    if (tn_type_is_string(v->type)) {
        if (ensure_dense(c, (size_t)(n ? n : 1) * sizeof(tarn_string)))
            return TN_NOMEM;
        const tn_str *s = src;
        tarn_string *d = c->dense;
        for (uint32_t j = 0; j < n; j++) {
            if (validity && !tn_bit_get(validity, j)) {
                d[j].data = NULL;
                d[j].len = 0;
                continue;
            }
            uint32_t r = constant ? 0 : sel ? sel[j] : j;
            uint32_t k = constant ? 0 : idx ? idx[r] : r;
            d[j].data = tn_str_data(&s[k]);
            d[j].len = s[k].len;
        }
    } else {
        size_t w = tn_type_width(v->type);
        if (ensure_dense(c, (size_t)(n ? n : 1) * w))
            return TN_NOMEM;
        gather(c->dense, src, w, constant, sel, idx, n);
    }
    out->data = c->dense;
    out->validity = validity;
    return TN_OK;
}

/* ======================= fetch ======================= */

static int stmt_fail(tarn_stmt *st, int code, const char *msg)
{
    st->state = API_ST_FAILED;
    st->fail_code = code;
    tn_free(st->fail_msg);
    st->fail_msg = tn_strdup(msg && *msg ? msg : tn_code_name(code));
    return api_set_err(st->db, code, msg);
}

TARN_API int tarn_stmt_fetch(tarn_stmt *st, tarn_batch **out)
{
    if (out)
        *out = NULL;
    if (!st)
        return TARN_MISUSE;
    api_clear_err(st->db);
    if (!out)
        return api_set_err(st->db, TARN_MISUSE, "tarn_stmt_fetch: out must not be NULL");
    tarn_batch *b = &st->batch;
    b->rows = 0;
    b->chunk = NULL;
    text_reset(b);
    if (st->state == API_ST_FAILED)
        return api_set_err(st->db, st->fail_code, st->fail_msg);
    if (st->state == API_ST_DONE)
        return TARN_OK;
    for (;;) {
        if (st->interrupt)
            return stmt_fail(st, TARN_INTERRUPT, "query interrupted");
        tn_chunk *chunk = NULL;
        tn_err err = TN_ERR_INIT;
        int rc = ex_op_next(st->plan->root, &chunk, &err);
        if (rc)
            return stmt_fail(st, rc, err.msg);
        if (!chunk) {
            st->state = API_ST_DONE;
            return TARN_OK;
        }
        uint32_t n = tn_chunk_rows(chunk);
        if (n == 0)
            continue;
        if (chunk->ncols < st->ncols)
            return stmt_fail(st, TARN_ERROR, "internal error: operator returned fewer columns than planned");
        for (uint32_t i = 0; i < st->ncols; i++) {
            rc = compact_column(st, i, chunk->cols[i], chunk->sel, n);
            if (rc)
                return stmt_fail(st, rc, "out of memory");
        }
        b->rows = n;
        b->chunk = chunk;
        *out = b;
        return TARN_OK;
    }
}

/* ======================= batch access ======================= */

TARN_API uint64_t tarn_batch_rows(const tarn_batch *b) { return b ? b->rows : 0; }

TARN_API int tarn_batch_column(tarn_batch *b, uint32_t col, tarn_column *out)
{
    if (!b || !out)
        return TARN_MISUSE;
    if (col >= b->st->ncols)
        return api_set_err(b->st->db, TARN_MISUSE, "column index out of range");
    *out = b->cols[col];
    if (!out->data && b->rows)
        return api_set_err(b->st->db, TARN_NOTSUP, "nested columns are not available as dense data yet");
    return TARN_OK;
}

static bool cell_ok(const tarn_batch *b, uint32_t col, uint64_t row)
{
    return b && col < b->st->ncols && row < b->rows;
}

TARN_API bool tarn_batch_is_null(const tarn_batch *b, uint32_t col, uint64_t row)
{
    if (!cell_ok(b, col, row))
        return true;
    const tarn_column *c = &b->cols[col];
    if (!c->data) { /* nested: ask the operator's vector */
        const tn_chunk *ch = b->chunk;
        uint32_t r = ch->sel ? ch->sel[row] : (uint32_t)row;
        return tn_vector_is_null(ch->cols[col], r);
    }
    return c->validity && !tn_bit_get(c->validity, (uint32_t)row);
}

TARN_API const char *tarn_batch_text(tarn_batch *b, uint32_t col, uint64_t row, size_t *len)
{
    if (len)
        *len = 0;
    if (!cell_ok(b, col, row))
        return NULL;
    tarn_stmt *st = b->st;
    const tn_chunk *ch = b->chunk;
    uint32_t r = ch->sel ? ch->sel[row] : (uint32_t)row;
    tn_sbuf_clear(&st->scratch);
    if (!tn_format_vector_row(&st->scratch, ch->cols[col], r))
        return NULL;
    if (st->scratch.oom) {
        api_set_err(st->db, TARN_NOMEM, "out of memory");
        return NULL;
    }
    size_t n = st->scratch.len;
    char *p = text_alloc(b, n + 1);
    if (!p) {
        api_set_err(st->db, TARN_NOMEM, "out of memory");
        return NULL;
    }
    memcpy(p, tn_sbuf_str(&st->scratch), n);
    p[n] = 0;
    if (len)
        *len = n;
    return p;
}

/* Power of ten as a double / as an integer (scale <= 38). */
static double pow10d(int s) { return pow(10.0, s); }

static tn_i128 pow10i(int s)
{
    tn_i128 p = 1;
    for (int i = 0; i < s && i < 38; i++)
        p *= 10;
    return p;
}

static int64_t clamp_i128(tn_i128 v)
{
    if (v > INT64_MAX)
        return INT64_MAX;
    if (v < INT64_MIN)
        return INT64_MIN;
    return (int64_t)v;
}

static int64_t clamp_double(double d)
{
    if (isnan(d))
        return 0;
    if (d >= 9223372036854775807.0)
        return INT64_MAX;
    if (d <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)d;
}

/* Read a numeric cell as an exact integer (when *is_int) or a double. false: not numeric. */
static bool read_number(const tarn_batch *b, uint32_t col, uint64_t row, tn_i128 *iv, double *dv, bool *is_int)
{
    const tarn_column *c = &b->cols[col];
    if (!c->data || (c->validity && !tn_bit_get(c->validity, (uint32_t)row)))
        return false;
    tn_type t = b->st->cols[col].type;
    const unsigned char *p = (const unsigned char *)c->data + tn_type_width(t) * row;
    *is_int = true;
    switch ((tn_type_id)t.id) {
    case TN_T_BOOL: *iv = *p != 0; return true;
    case TN_T_INT8: *iv = *(const int8_t *)p; return true;
    case TN_T_INT16: *iv = *(const int16_t *)p; return true;
    case TN_T_INT32:
    case TN_T_DATE: *iv = *(const int32_t *)p; return true;
    case TN_T_INT64:
    case TN_T_TIME:
    case TN_T_TIMESTAMP: *iv = *(const int64_t *)p; return true;
    case TN_T_UINT8: *iv = *p; return true;
    case TN_T_UINT16: *iv = *(const uint16_t *)p; return true;
    case TN_T_UINT32: *iv = *(const uint32_t *)p; return true;
    case TN_T_UINT64: *iv = *(const uint64_t *)p; return true;
    case TN_T_INT128: memcpy(iv, p, 16); return true;
    case TN_T_DECIMAL: {
        tn_i128 u;
        if (tn_decimal_is_small(t))
            u = *(const int64_t *)p;
        else
            memcpy(&u, p, 16);
        *is_int = false;
        *iv = u / pow10i(t.scale); /* integer part, truncated toward zero */
        *dv = (double)u / pow10d(t.scale);
        return true;
    }
    case TN_T_FLOAT: *is_int = false; *dv = *(const float *)p; *iv = 0; return true;
    case TN_T_DOUBLE: *is_int = false; *dv = *(const double *)p; *iv = 0; return true;
    default: return false;
    }
}

TARN_API int64_t tarn_batch_int64(const tarn_batch *b, uint32_t col, uint64_t row)
{
    if (!cell_ok(b, col, row))
        return 0;
    tn_i128 iv = 0;
    double dv = 0;
    bool is_int = false;
    if (!read_number(b, col, row, &iv, &dv, &is_int))
        return 0;
    tn_type t = b->st->cols[col].type;
    if (is_int || t.id == TN_T_DECIMAL)
        return clamp_i128(iv);
    return clamp_double(dv);
}

TARN_API double tarn_batch_double(const tarn_batch *b, uint32_t col, uint64_t row)
{
    if (!cell_ok(b, col, row))
        return 0;
    tn_i128 iv = 0;
    double dv = 0;
    bool is_int = false;
    if (!read_number(b, col, row, &iv, &dv, &is_int))
        return 0;
    return is_int ? (double)iv : dv;
}
