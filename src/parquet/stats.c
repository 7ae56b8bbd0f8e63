/*
 * stats.c -- column chunk statistics decoded to tarn values, and row-group pruning.
 *
 * Spec: parquet.thrift Statistics and ColumnOrder (the sort-order rules in its comment);
 * summary section 9. Which bounds are trusted:
 *  - min_value / max_value: when the column's ColumnOrder is TYPE_DEFINED_ORDER (or the file has
 *    no column_orders), IEEE_754_TOTAL_ORDER for floating point, INT96_TIMESTAMP_ORDER for INT96;
 *    an unrecognised ColumnOrder member means "ignore the bounds";
 *  - min / max (deprecated, always signed comparison): only when min_value/max_value are absent
 *    and the type's order is signed (BOOLEAN, INT32/INT64 with no or a signed annotation,
 *    DATE/TIME/TIMESTAMP, DECIMAL on INT32/INT64, FLOAT, DOUBLE); never for byte arrays, unsigned
 *    integers, FLBA decimals, FLOAT16, INT96 or INTERVAL;
 *  - a NaN bound invalidates min/max (old writers put NaN there); a zero min is widened to -0.0
 *    and a zero max to +0.0;
 *  - bounds may be truncated (strings): they stay valid lower/upper bounds, and min_exact /
 *    max_exact report the is_*_value_exact flags.
 * Pruning compares predicate constants with these bounds in the type's order (signed, unsigned,
 * numeric for decimals and floats, unsigned byte-wise for strings/binary/UUID) and also uses
 * null_count / nan_count; it answers false only when no row can satisfy every predicate.
 */
#include "metadata.h"
#include <math.h>
#include <string.h>

static inline int32_t ld32(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline int64_t ld64(const uint8_t *p)
{
    int64_t v;
    memcpy(&v, p, 8);
    return v;
}

static bool be_to_i128(const uint8_t *p, uint32_t len, tn_i128 *out)
{
    if (len == 0) {
        *out = 0;
        return true;
    }
    if (len > 16) {
        uint8_t sign = (p[len - 16] & 0x80) ? 0xff : 0x00;
        for (uint32_t i = 0; i < len - 16; i++)
            if (p[i] != sign)
                return false;
        p += len - 16;
        len = 16;
    }
    tn_u128 v = (p[0] & 0x80) ? ~(tn_u128)0 : 0;
    for (uint32_t i = 0; i < len; i++)
        v = (v << 8) | p[i];
    *out = (tn_i128)v;
    return true;
}

static float half_to_float(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    float v;
    if (e == 0x1f)
        v = m ? NAN : INFINITY;
    else if (e == 0)
        v = ldexpf((float)m, -24);
    else
        v = ldexpf((float)(m | 0x400), e - 25);
    return (h & 0x8000) ? -v : v;
}

/* Is the type's order signed (so the deprecated min/max are usable)? */
static bool signed_order(const pq_schema_node *n)
{
    switch (n->physical_type) {
    case PQ_BOOLEAN:
    case PQ_FLOAT:
    case PQ_DOUBLE:
        return true;
    case PQ_INT32:
    case PQ_INT64:
        switch (n->type.id) {
        case TN_T_UINT8: case TN_T_UINT16: case TN_T_UINT32: case TN_T_UINT64: return false;
        default: return true;
        }
    default:
        return false;
    }
}

/* Decode one PLAIN-encoded statistics bound into a value of the leaf's type (see metadata.h). */
bool pq_bound_decode(const pq_schema_node *n, const uint8_t *p, uint32_t len, bool borrow, tn_value *out)
{
    pq_span b = {p, len};
    tn_type t = n->type;
    int pt = n->physical_type;
    *out = tn_value_null(t);
    out->is_null = false;
    switch (pt) {
    case PQ_BOOLEAN:
        if (b.n < 1 || t.id != TN_T_BOOL)
            return false;
        out->v.b = b.p[0] & 1;
        return true;
    case PQ_INT32: {
        if (b.n != 4)
            return false;
        int32_t x = ld32(b.p);
        switch (t.id) {
        case TN_T_UINT8: case TN_T_UINT16: case TN_T_UINT32: out->v.u64 = (uint32_t)x; return true;
        case TN_T_INT8: case TN_T_INT16: case TN_T_INT32: case TN_T_DATE: case TN_T_TIME: out->v.i64 = x; return true;
        case TN_T_DECIMAL:
            if (tn_decimal_is_small(t))
                out->v.i64 = x;
            else
                out->v.i128 = x;
            return true;
        default: return false;
        }
    }
    case PQ_INT64: {
        if (b.n != 8)
            return false;
        int64_t x = ld64(b.p);
        switch (t.id) {
        case TN_T_UINT64: out->v.u64 = (uint64_t)x; return true;
        case TN_T_INT64: case TN_T_TIME: case TN_T_TIMESTAMP: out->v.i64 = x; return true;
        case TN_T_DECIMAL:
            if (tn_decimal_is_small(t))
                out->v.i64 = x;
            else
                out->v.i128 = x;
            return true;
        default: return false;
        }
    }
    case PQ_INT96: {
        if (b.n != 12 || t.id != TN_T_TIMESTAMP)
            return false;
        int64_t nanos = ld64(b.p);
        int32_t day = ld32(b.p + 8);
        if (t.unit == TN_UNIT_NS)
            out->v.i64 = (int64_t)((uint64_t)((int64_t)day - 2440588) * UINT64_C(86400000000000) + (uint64_t)nanos);
        else
            out->v.i64 = (int64_t)((uint64_t)((int64_t)day - 2440588) * UINT64_C(86400000000) + (uint64_t)(nanos / 1000));
        return true;
    }
    case PQ_FLOAT: {
        if (b.n != 4 || t.id != TN_T_FLOAT)
            return false;
        float x;
        memcpy(&x, b.p, 4);
        out->v.f64 = x;
        return !isnan(x);
    }
    case PQ_DOUBLE: {
        if (b.n != 8 || t.id != TN_T_DOUBLE)
            return false;
        memcpy(&out->v.f64, b.p, 8);
        return !isnan(out->v.f64);
    }
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY:
        switch (t.id) {
        case TN_T_VARCHAR:
        case TN_T_BLOB:
            if (borrow) {
                out->v.str.ptr = (char *)(uintptr_t)b.p;
                out->v.str.len = b.n;
                return true;
            }
            return tn_value_set_string(out, t, (const char *)b.p, b.n) == TN_OK;
        case TN_T_UUID:
            if (b.n != 16)
                return false;
            memcpy(out->v.uuid, b.p, 16);
            return true;
        case TN_T_FLOAT: /* FLOAT16 */
            if (b.n != 2)
                return false;
            out->v.f64 = half_to_float((uint16_t)(b.p[0] | b.p[1] << 8));
            return !isnan(out->v.f64);
        case TN_T_DECIMAL: {
            tn_i128 x;
            if (!be_to_i128(b.p, b.n, &x))
                return false;
            if (tn_decimal_is_small(t)) {
                if (x < INT64_MIN || x > INT64_MAX)
                    return false;
                out->v.i64 = (int64_t)x;
            } else
                out->v.i128 = x;
            return true;
        }
        default:
            return false;
        }
    default:
        return false;
    }
}

void pq_stats_free(pq_stats *s)
{
    if (!s)
        return;
    tn_value_free(&s->min);
    tn_value_free(&s->max);
    s->has_min_max = false;
}

int pq_column_stats(const pq_file *f, uint32_t rg, int leaf, pq_stats *out, tn_err *err)
{
    memset(out, 0, sizeof *out);
    if (rg >= f->meta.nrow_groups || leaf < 0 || (uint32_t)leaf >= f->nleaves)
        return tn_err_set(err, TN_MISUSE, "%s: no leaf column %d in row group %u", f->path, leaf, rg);
    const pq_schema_node *n = f->leaves[leaf];
    out->min = tn_value_null(n->type);
    out->max = tn_value_null(n->type);
    const pq_column_meta *md = f->meta.row_groups[rg].columns[leaf].meta;
    if (!md)
        return TN_OK;
    out->num_values = md->num_values;
    const pq_statistics *s = &md->stats;
    if (!s->present)
        return TN_OK;
    /* counts outside [0, num_values] are garbage from a hostile or broken writer: ignored */
    if (s->has_null_count && s->null_count >= 0 && s->null_count <= md->num_values) {
        out->has_null_count = true;
        out->null_count = s->null_count;
    }
    bool is_float = n->type.id == TN_T_FLOAT || n->type.id == TN_T_DOUBLE;
    if (is_float && s->has_nan_count && s->nan_count >= 0 && s->nan_count <= md->num_values) {
        out->has_nan_count = true;
        out->nan_count = s->nan_count;
    }
    if (!n->supported || n->max_rep > 0 || n->type.id == TN_T_NULL || n->type.id == TN_T_INTERVAL)
        return TN_OK;

    int order = f->meta.has_column_orders ? f->meta.column_orders[leaf] : PQ_ORDER_TYPE_DEFINED;
    pq_span lo, hi;
    bool have = false, exact_lo = false, exact_hi = false;
    bool order_ok = order == PQ_ORDER_TYPE_DEFINED || (order == PQ_ORDER_IEEE754_TOTAL && is_float);
    if (n->physical_type == PQ_INT96)
        order_ok = order == PQ_ORDER_INT96 && f->meta.has_column_orders;
    if (s->has_min_value && s->has_max_value && order_ok) {
        lo = s->min_value;
        hi = s->max_value;
        have = true;
        exact_lo = s->has_is_min_exact && s->is_min_exact;
        exact_hi = s->has_is_max_exact && s->is_max_exact;
    } else if (s->has_min && s->has_max && signed_order(n) && order != PQ_ORDER_UNKNOWN) {
        lo = s->min;
        hi = s->max;
        have = true;
    }
    if (!have)
        return TN_OK;
    if (!pq_bound_decode(n, lo.p, lo.n, false, &out->min) ||
        !pq_bound_decode(n, hi.p, hi.n, false, &out->max)) {
        tn_value_free(&out->min);
        tn_value_free(&out->max);
        out->min = tn_value_null(n->type);
        out->max = tn_value_null(n->type);
        return TN_OK;
    }
    if (is_float) {
        if (out->min.v.f64 == 0)
            out->min.v.f64 = -0.0;
        if (out->max.v.f64 == 0)
            out->max.v.f64 = 0.0;
    }
    out->has_min_max = true;
    out->min_exact = exact_lo;
    out->max_exact = exact_hi;
    return TN_OK;
}

/* ---- pruning ---- */

/* Compare two non-null values of type t (see metadata.h). */
int pq_value_cmp(tn_type t, const tn_value *a, const tn_value *b, bool *ok)
{
    *ok = true;
    switch (t.id) {
    case TN_T_BOOL:
        return (int)a->v.b - (int)b->v.b;
    case TN_T_INT8: case TN_T_INT16: case TN_T_INT32: case TN_T_INT64:
    case TN_T_DATE: case TN_T_TIME: case TN_T_TIMESTAMP:
        return a->v.i64 < b->v.i64 ? -1 : a->v.i64 > b->v.i64;
    case TN_T_UINT8: case TN_T_UINT16: case TN_T_UINT32: case TN_T_UINT64:
        return a->v.u64 < b->v.u64 ? -1 : a->v.u64 > b->v.u64;
    case TN_T_DECIMAL:
        if (tn_decimal_is_small(t))
            return a->v.i64 < b->v.i64 ? -1 : a->v.i64 > b->v.i64;
        return a->v.i128 < b->v.i128 ? -1 : a->v.i128 > b->v.i128;
    case TN_T_FLOAT: case TN_T_DOUBLE:
        if (isnan(a->v.f64) || isnan(b->v.f64)) {
            *ok = false;
            return 0;
        }
        return a->v.f64 < b->v.f64 ? -1 : a->v.f64 > b->v.f64;
    case TN_T_VARCHAR: case TN_T_BLOB: {
        uint32_t n = TN_MIN(a->v.str.len, b->v.str.len);
        int c = n ? memcmp(a->v.str.ptr, b->v.str.ptr, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return a->v.str.len < b->v.str.len ? -1 : a->v.str.len > b->v.str.len;
    }
    case TN_T_UUID: {
        int c = memcmp(a->v.uuid, b->v.uuid, 16);
        return c < 0 ? -1 : c > 0;
    }
    default:
        *ok = false;
        return 0;
    }
}

/* false only if no row of the chunk satisfies the predicate. */
static bool pred_may_match(const pq_file *f, uint32_t rg, const pq_predicate *p)
{
    const pq_schema_node *node = pq_file_field(f, p->field);
    int leaf = pq_schema_flat_leaf(node);
    if (leaf < 0 || !node->supported)
        return true;
    pq_stats st;
    if (pq_column_stats(f, rg, leaf, &st, NULL) != TN_OK)
        return true;
    bool res = true;
    bool all_null = st.has_null_count && st.null_count == st.num_values;
    bool is_float = node->type.id == TN_T_FLOAT || node->type.id == TN_T_DOUBLE;
    bool nan_possible = is_float && !(st.has_nan_count && st.nan_count == 0);
    if (st.has_null_count && st.has_nan_count && st.nan_count == st.num_values - st.null_count)
        nan_possible = true; /* every non-null value is NaN: bounds say nothing */

    switch (p->op) {
    case PQ_PRED_IS_NULL:
        res = !(st.has_null_count && st.null_count == 0);
        goto done;
    case PQ_PRED_IS_NOT_NULL:
        res = !all_null;
        goto done;
    default:
        break;
    }
    if (all_null) { /* a comparison with NULL is never true */
        res = false;
        goto done;
    }
    uint32_t nv = p->op == PQ_PRED_IN ? p->nvalues : 1;
    if (!p->values || nv == 0) {
        res = p->op != PQ_PRED_IN;
        goto done;
    }
    if (!st.has_min_max)
        goto done;
    if (p->op == PQ_PRED_IN) {
        res = false;
        for (uint32_t i = 0; i < nv && !res; i++) {
            const tn_value *v = &p->values[i];
            if (v->is_null)
                continue;
            bool ok1, ok2;
            int c1 = pq_value_cmp(node->type, v, &st.min, &ok1), c2 = pq_value_cmp(node->type, v, &st.max, &ok2);
            if (!ok1 || !ok2 || (c1 >= 0 && c2 <= 0))
                res = true;
        }
        goto done;
    }
    const tn_value *v = &p->values[0];
    if (v->is_null) {
        res = false;
        goto done;
    }
    bool ok1, ok2;
    int cmin = pq_value_cmp(node->type, v, &st.min, &ok1), cmax = pq_value_cmp(node->type, v, &st.max, &ok2);
    if (!ok1 || !ok2)
        goto done;
    switch (p->op) {
    case PQ_PRED_EQ: res = cmin >= 0 && cmax <= 0; break;
    case PQ_PRED_NE: res = !(cmin == 0 && cmax == 0 && pq_value_cmp(node->type, &st.min, &st.max, &ok1) == 0) || nan_possible; break;
    case PQ_PRED_LT: res = cmin > 0; break;          /* some x < v needs min < v */
    case PQ_PRED_LE: res = cmin >= 0; break;
    case PQ_PRED_GT: res = cmax < 0 || nan_possible; break; /* NaN sorts above everything */
    case PQ_PRED_GE: res = cmax <= 0 || nan_possible; break;
    default: res = true; break;
    }
done:
    pq_stats_free(&st);
    return res;
}

bool pq_row_group_may_match(const pq_file *f, uint32_t rg, const pq_predicate *preds, uint32_t npreds)
{
    if (rg >= f->meta.nrow_groups)
        return true;
    for (uint32_t i = 0; i < npreds; i++)
        if (!pred_may_match(f, rg, &preds[i]))
            return false;
    return true;
}
