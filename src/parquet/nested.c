/*
 * nested.c -- reading nested top-level fields (LIST / MAP / STRUCT at any depth): record
 * assembly from repetition/definition levels (Dremel) into tarn's nested vectors, and the nested
 * pq_column_reader built on one level-mode leaf reader per leaf column.
 *
 * Spec: parquet-format README "Nested encoding"; LogicalTypes.md "Nested Types"; the reader
 * tree and its level thresholds are described in nested.h; vector layout in util/vector.h
 * (LIST/MAP: tn_list_entry {offset, length} into children[0] with list_size elements; STRUCT
 * children row-aligned; validity per row at every level).
 *
 * Batches. pq_nested_next asks every leaf for the same number of records; a leaf reader stops
 * right before the first level slot of the next record (a record may span pages; the levels read
 * ahead stay buffered in the leaf reader with their values unread), appends its levels to a
 * per-leaf level buffer and decodes its non-NULL values densely into the leaf's vector inside the
 * output tree. Leaves must agree on the record count.
 *
 * Assembly is top-down and vectorised per node: one pass over the levels of the node's
 * representative leaf computes the node's rows (validity, and for lists the offsets/lengths and
 * the element count), which is the row count the children must produce; every child then does
 * the same with its own representative leaf, and the counts are checked (a file whose columns
 * disagree on the nesting is TN_CORRUPT, never an out-of-bounds access). Leaves finally spread
 * their dense values backwards in place to their row positions. The work is O(levels x depth)
 * with no per-value recursion. Leaf vectors inside nested vectors are always FLAT (dictionary
 * pages are gathered).
 *
 * Skipping decodes levels (to find record boundaries) and skips the values without
 * materialising them.
 */
#include "metadata.h"
#include "nested.h"
#include <stdio.h>
#include <string.h>

/* ---- level buffers ---- */
int pq_lvbuf_reserve(pq_lvbuf *b, uint32_t n)
{
    if (n <= b->cap)
        return TN_OK;
    uint32_t cap = b->cap ? b->cap : 1024;
    while (cap < n)
        cap = cap > UINT32_MAX / 2 ? n : cap * 2;
    uint16_t *r = tn_realloc(b->rep, (size_t)cap * sizeof *r);
    if (!r)
        return TN_NOMEM;
    b->rep = r;
    uint16_t *d = tn_realloc(b->def, (size_t)cap * sizeof *d);
    if (!d)
        return TN_NOMEM;
    b->def = d;
    b->cap = cap;
    return TN_OK;
}

void pq_lvbuf_free(pq_lvbuf *b)
{
    tn_free(b->rep);
    tn_free(b->def);
    memset(b, 0, sizeof *b);
}

/* ---- assembly ---- */
typedef struct asm_ctx {
    const pq_lvbuf *lv;
    const char *what;
    tn_err *err;
} asm_ctx;

static int disagree(asm_ctx *c, const pq_rnode *n, uint64_t got, uint64_t want)
{
    const char *name = n->node ? n->node->name : "?";
    return tn_err_set(c->err, TN_CORRUPT,
                      "%s: the leaf columns disagree on the nesting of \"%s\" (%llu rows from one leaf, %llu from "
                      "its parent)",
                      c->what, name, (unsigned long long)got, (unsigned long long)want);
}

static int nomem(asm_ctx *c) { return tn_err_set(c->err, TN_NOMEM, "%s: out of memory assembling nested values", c->what); }

/* Mark row `row` NULL unless valid (allocating the validity bitmap on the first NULL). */
static int set_nulls_rows(tn_vector *v, uint32_t row, bool valid)
{
    if (valid)
        return TN_OK;
    if (!v->validity && tn_vector_ensure_validity(v))
        return TN_NOMEM;
    tn_bit_clear(v->validity, row);
    return TN_OK;
}

typedef struct { uint64_t a, b; } u128p;

/* Spread the dense values of a leaf to their rows, backwards in place, clearing the validity bits
 * of the NULL rows: rows are the slots with def >= sdef; a row holds a value iff def == maxd. nn
 * values are dense at the front; once every NULL row is placed the rest is already in place. */
static void spread_rows(uint8_t *dst, size_t w, const uint16_t *def, uint32_t n, uint32_t rows, uint32_t nn,
                        uint16_t sdef, uint16_t maxd, uint64_t *valid)
{
#define SPREAD_ROWS(T)                                      \
    do {                                                    \
        T *d_ = (T *)dst;                                   \
        uint32_t i_ = n, j_ = rows, k_ = nn;                \
        while (j_ > k_) {                                   \
            i_--;                                           \
            if (def[i_] < sdef)                             \
                continue;                                   \
            j_--;                                           \
            if (def[i_] == maxd)                            \
                d_[j_] = d_[--k_];                          \
            else {                                          \
                memset(&d_[j_], 0, sizeof(T));              \
                tn_bit_clear(valid, j_);                    \
            }                                               \
        }                                                   \
    } while (0)
    switch (w) {
    case 1: SPREAD_ROWS(uint8_t); break;
    case 2: SPREAD_ROWS(uint16_t); break;
    case 4: SPREAD_ROWS(uint32_t); break;
    case 8: SPREAD_ROWS(uint64_t); break;
    case 16: SPREAD_ROWS(u128p); break;
    default: {
        uint32_t i = n, j = rows, k = nn;
        while (j > k) {
            i--;
            if (def[i] < sdef)
                continue;
            j--;
            if (def[i] == maxd)
                memmove(dst + w * j, dst + w * --k, w);
            else {
                memset(dst + w * j, 0, w);
                tn_bit_clear(valid, j);
            }
        }
        break;
    }
    }
#undef SPREAD_ROWS
}

static int asm_node(asm_ctx *c, const pq_rnode *n, tn_vector *v, uint32_t want);

static int asm_leaf(asm_ctx *c, const pq_rnode *n, tn_vector *v, uint32_t want)
{
    const pq_lvbuf *lv = &c->lv[n->leaf];
    const uint16_t *def = lv->def;
    const uint16_t sdef = n->slot_def, maxd = n->valid_def;
    uint32_t rows = 0, nn = 0;
    for (uint32_t i = 0; i < lv->n; i++) {
        rows += def[i] >= sdef;
        nn += def[i] == maxd;
    }
    if (rows != want)
        return disagree(c, n, rows, want);
    if (tn_vector_reserve(v, rows))
        return nomem(c);
    if (v->type.id == TN_T_NULL) {
        if (rows && tn_vector_ensure_validity(v))
            return nomem(c);
        memset(v->data, 0, rows);
        for (uint32_t j = 0; j < rows; j++)
            tn_bit_clear(v->validity, j);
        return TN_OK;
    }
    if (nn == rows)
        return TN_OK; /* no NULL rows: the dense values are the rows */
    if (tn_vector_ensure_validity(v))
        return nomem(c);
    spread_rows((uint8_t *)v->data, tn_type_width(v->type), def, lv->n, rows, nn, sdef, maxd, v->validity);
    return TN_OK;
}

static int asm_struct(asm_ctx *c, const pq_rnode *n, tn_vector *v, uint32_t want)
{
    const pq_lvbuf *lv = &c->lv[n->rep_leaf];
    const uint16_t *rep = lv->rep, *def = lv->def;
    const uint16_t srep = n->slot_rep, sdef = n->slot_def, vdef = n->valid_def;
    if (tn_vector_reserve(v, want))
        return nomem(c);
    uint32_t rows = 0;
    if (vdef == sdef) {
        for (uint32_t i = 0; i < lv->n; i++)
            rows += rep[i] <= srep && def[i] >= sdef;
    } else {
        for (uint32_t i = 0; i < lv->n; i++) {
            if (rep[i] > srep || def[i] < sdef)
                continue;
            if (rows < want && set_nulls_rows(v, rows, def[i] >= vdef))
                return nomem(c);
            rows++;
        }
    }
    if (rows != want)
        return disagree(c, n, rows, want);
    if (v->nchildren < n->nchildren)
        return tn_err_set(c->err, TN_MISUSE, "%s: output vector has %u struct fields, expected %u", c->what,
                          v->nchildren, n->nchildren);
    for (uint32_t k = 0; k < n->nchildren; k++) {
        int rc = asm_node(c, n->children[k], v->children[k], rows);
        if (rc)
            return rc;
    }
    return TN_OK;
}

/* Row starts write their element offset and NULL bit branch-free: every slot writes the offset
 * of the row that would start next (rows past `want` go to a spare entry), so the last write to
 * each entry is the one made at its row start. */
static int asm_list(asm_ctx *c, const pq_rnode *n, tn_vector *v, uint32_t want)
{
    const pq_lvbuf *lv = &c->lv[n->rep_leaf];
    const uint16_t *rep = lv->rep, *def = lv->def;
    const uint16_t srep = n->slot_rep, sdef = n->slot_def, vdef = n->valid_def;
    const uint16_t erep = n->elem_rep, edef = n->elem_def;
    const bool nullable = vdef > sdef;
    if (tn_vector_reserve(v, want) || (nullable && tn_vector_ensure_validity(v)))
        return nomem(c);
    tn_list_entry *ent = (tn_list_entry *)v->data, spare;
    uint64_t *vb = v->validity, spare_bits = 0;
    uint32_t rows = 0;
    uint64_t elems = 0, nulls = 0;
    const uint32_t nlv = lv->n;
    if (nullable) {
        for (uint32_t i = 0; i < nlv; i++) {
            uint32_t r = rep[i], d = def[i];
            bool in = rows < want;
            uint32_t k = in ? rows : 0;
            uint32_t row = (r <= srep) & (d >= sdef);
            uint64_t null = row & (d < vdef);
            (in ? &ent[k] : &spare)->offset = elems;
            *(in ? &vb[k >> 6] : &spare_bits) &= ~(null << (k & 63));
            nulls += null;
            rows += row;
            elems += (r <= erep) & (d >= edef);
        }
    } else {
        for (uint32_t i = 0; i < nlv; i++) {
            uint32_t r = rep[i], d = def[i];
            (rows < want ? &ent[rows] : &spare)->offset = elems;
            rows += (r <= srep) & (d >= sdef);
            elems += (r <= erep) & (d >= edef);
        }
    }
    if (rows != want)
        return disagree(c, n, rows, want);
    if (nullable && nulls == 0) {
        tn_free(v->validity); /* no NULL list: keep "all valid" implicit */
        v->validity = NULL;
    }
    (void)spare;
    for (uint32_t k = 0; k + 1 < rows; k++)
        ent[k].length = ent[k + 1].offset - ent[k].offset;
    if (rows)
        ent[rows - 1].length = elems - ent[rows - 1].offset;
    if (elems > UINT32_MAX)
        return tn_err_set(c->err, TN_NOTSUP, "%s: more than 2^32 list elements in one batch", c->what);
    uint32_t first;
    if (v->nchildren < 1 || tn_vector_list_append(v, (uint32_t)elems, &first))
        return nomem(c);
    if (first != 0)
        return tn_err_set(c->err, TN_MISUSE, "%s: output list vector was not reset", c->what);
    return asm_node(c, n->children[0], v->children[0], (uint32_t)elems);
}

static int asm_null(asm_ctx *c, tn_vector *v, uint32_t want)
{
    if (tn_vector_reserve(v, want) || (want && tn_vector_ensure_validity(v)))
        return nomem(c);
    memset(v->data, 0, (size_t)want * tn_type_width(v->type));
    for (uint32_t j = 0; j < want; j++)
        tn_bit_clear(v->validity, j);
    return TN_OK;
}

static int asm_node(asm_ctx *c, const pq_rnode *n, tn_vector *v, uint32_t want)
{
    if (!v)
        return tn_err_set(c->err, TN_MISUSE, "%s: output vector lacks a nested child", c->what);
    switch (n->kind) {
    case PQ_RN_LEAF: return asm_leaf(c, n, v, want);
    case PQ_RN_STRUCT: return asm_struct(c, n, v, want);
    case PQ_RN_LIST: return asm_list(c, n, v, want);
    default: return asm_null(c, v, want);
    }
}

int pq_nested_assemble(const pq_rfield *rf, const pq_lvbuf *lv, tn_vector *out, uint32_t nrec, const char *what,
                       tn_err *err)
{
    asm_ctx c = {lv, what, err};
    return asm_node(&c, rf->root, out, nrec);
}

static tn_vector *find_leaf(const pq_rnode *n, tn_vector *v, uint32_t k)
{
    if (!v)
        return NULL;
    switch (n->kind) {
    case PQ_RN_LEAF:
        return n->leaf == (int)k ? v : NULL;
    case PQ_RN_STRUCT:
    case PQ_RN_LIST:
        for (uint32_t i = 0; i < n->nchildren && i < v->nchildren; i++) {
            tn_vector *x = find_leaf(n->children[i], v->children[i], k);
            if (x)
                return x;
        }
        return NULL;
    default:
        return NULL;
    }
}

tn_vector *pq_nested_leaf_vector(const pq_rfield *rf, tn_vector *out, uint32_t k)
{
    return find_leaf(rf->root, out, k);
}

/* Every leaf's vector in one walk (slots of missing children stay NULL). */
static void collect_leaves(const pq_rnode *n, tn_vector *v, tn_vector **out)
{
    if (!v)
        return;
    if (n->kind == PQ_RN_LEAF) {
        out[n->leaf] = v;
        return;
    }
    if (n->kind == PQ_RN_STRUCT || n->kind == PQ_RN_LIST)
        for (uint32_t i = 0; i < n->nchildren && i < v->nchildren; i++)
            collect_leaves(n->children[i], v->children[i], out);
}

/* ---- the nested reader ---- */
struct pq_nested_reader {
    pq_file *f;
    const pq_rfield *rf;
    tn_type type;
    uint32_t nleaves;
    pq_column_reader **leaves;
    pq_lvbuf *lv;
    tn_vector **leafvec;
    char what[320];
};

void pq_nested_close(pq_nested_reader *nr)
{
    if (!nr)
        return;
    for (uint32_t i = 0; i < nr->nleaves; i++) {
        if (nr->leaves)
            pq_column_reader_close(nr->leaves[i]);
        if (nr->lv)
            pq_lvbuf_free(&nr->lv[i]);
    }
    tn_free(nr->leaves);
    tn_free(nr->lv);
    tn_free(nr->leafvec);
    pq_file_unref(nr->f);
    tn_free(nr);
}

int pq_nested_open(pq_file *f, uint32_t rg, uint32_t field, pq_nested_reader **out, tn_err *err)
{
    int rc = TN_OK;
    *out = NULL;
    const pq_schema_node *node = pq_file_field(f, field);
    const pq_rfield *rf = pq_file_rfield(f, field);
    if (!node || !rf || rg >= f->meta.nrow_groups)
        return tn_err_set(err, TN_MISUSE, "%s: no readable field %u / row group %u", f->path, field, rg);
    pq_nested_reader *nr = tn_calloc(1, sizeof *nr);
    if (!nr)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    pq_file_ref(f);
    nr->f = f;
    nr->rf = rf;
    nr->type = node->type;
    snprintf(nr->what, sizeof nr->what, "%s: column \"%.80s\" of row group %u", f->path, node->name, rg);
    nr->leaves = tn_calloc(rf->nleaves, sizeof *nr->leaves);
    nr->lv = tn_calloc(rf->nleaves, sizeof *nr->lv);
    nr->leafvec = tn_calloc(rf->nleaves, sizeof *nr->leafvec);
    if (!nr->leaves || !nr->lv || !nr->leafvec) {
        rc = tn_err_set(err, TN_NOMEM, "out of memory");
        goto done;
    }
    nr->nleaves = rf->nleaves;
    for (uint32_t k = 0; k < rf->nleaves; k++)
        if ((rc = pq_leaf_open(f, rg, rf->leaves[k]->node->leaf_index, &nr->leaves[k], err)))
            goto done;
    *out = nr;
    nr = NULL;
done:
    pq_nested_close(nr);
    return rc;
}

int pq_nested_next(pq_nested_reader *nr, uint32_t max_rows, tn_vector *out, uint32_t *nrows, tn_err *err)
{
    int rc;
    *nrows = 0;
    if (!tn_type_equal(out->type, nr->type)) {
        char a[128], b[128];
        return tn_err_set(err, TN_MISUSE, "%s: output vector of type %s, column is %s", nr->what,
                          tn_type_name(out->type, a, sizeof a), tn_type_name(nr->type, b, sizeof b));
    }
    tn_vector_reset(out);
    if (max_rows == 0)
        return TN_OK;
    uint32_t nrec = 0;
    memset(nr->leafvec, 0, (size_t)nr->nleaves * sizeof *nr->leafvec);
    collect_leaves(nr->rf->root, out, nr->leafvec);
    for (uint32_t k = 0; k < nr->nleaves; k++) {
        tn_vector *lvv = nr->leafvec[k];
        if (!lvv)
            return tn_err_set(err, TN_MISUSE, "%s: output vector lacks the vector of leaf %u", nr->what, k);
        nr->lv[k].n = 0;
        uint32_t nvals = 0, got = 0;
        if ((rc = pq_leaf_read(nr->leaves[k], max_rows, &nr->lv[k], lvv, &nvals, &got, err)))
            return rc;
        if (k == 0)
            nrec = got;
        else if (got != nrec)
            return tn_err_set(err, TN_CORRUPT, "%s: leaf columns hold different numbers of records (%u and %u)",
                              nr->what, nrec, got);
    }
    if (nrec == 0)
        return TN_OK;
    if ((rc = pq_nested_assemble(nr->rf, nr->lv, out, nrec, nr->what, err)))
        return rc;
    *nrows = nrec;
    return TN_OK;
}

int pq_nested_skip(pq_nested_reader *nr, uint64_t n, tn_err *err)
{
    int rc;
    for (uint32_t k = 0; k < nr->nleaves; k++) {
        uint64_t got = 0;
        if ((rc = pq_leaf_skip(nr->leaves[k], n, &got, err)))
            return rc;
        if (got != n)
            return tn_err_set(err, TN_CORRUPT, "%s: cannot skip %llu rows: the column chunk ends after %llu", nr->what,
                              (unsigned long long)n, (unsigned long long)got);
    }
    return TN_OK;
}
