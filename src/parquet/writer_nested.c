/*
 * writer_nested.c -- nested columns (LIST / MAP / STRUCT at any depth) in the Parquet writer:
 * their schema, and the shredding of nested vectors into repetition and definition levels per
 * leaf column (parquet-format README "Nested encoding", LogicalTypes.md "Nested Types",
 * parquet-format-summary.md §4; vector layout in util/vector.h).
 *
 * Schema. Every node is OPTIONAL except map keys (REQUIRED) and the repeated groups:
 *   LIST   <name> (LIST) { repeated group list { <element> element } }     (3-level form)
 *   MAP    <name> (MAP)  { repeated group key_value { required <key> key; <value> value } }
 *   STRUCT <name> { <field> ... }                                           (a plain group)
 * LIST and MAP carry both the LogicalType and the ConvertedType. With FIELD_IDS the ids are given
 * depth first (pre-order) to the top-level columns, struct fields, list elements, map keys and
 * values, not to the synthetic repeated groups; for a flat file this is 1..n in column order.
 * Leaves get path_in_schema = the names from the column down to the leaf ("l", "list",
 * "element"). Levels: a node's `present` level is its parent's + 1 (+ 0 when REQUIRED); the
 * elements of a LIST/MAP exist at present + 1 and repeat at the parent's repetition level + 1;
 * a leaf's max_def is its present level, its max_rep the number of lists/maps above it.
 *
 * Shredding (Dremel) is a top-down pass over the plan per batch of at most PQW_SLICE top-level
 * rows, vectorised per node: each node receives an array of level slots (repetition level,
 * definition level, and the row of the node's vector the slot stands for, or PQW_DEAD when the
 * value ended higher up, whose definition level is then final) and produces its children's:
 *   STRUCT  same slots; a NULL struct row ends its slot at the parent's level. Its children
 *           share the repetition levels and get the struct's definition levels and rows;
 *   LIST/MAP one pass counts the element slots, a second fills them: a NULL list ends at the
 *           parent's level, an empty one at the list's own level (one slot each); a list of n
 *           elements becomes n slots, the first keeping the incoming repetition level, the next
 *           ones the list's; rows are the list entry's offset + k in the element vector (for a
 *           MAP the STRUCT{key, value} entry vector, shredded as a REQUIRED group);
 *   LEAF    the definition level of each slot and the gather index of every non-NULL value,
 *           which writer_column.c stages, encodes into pages (split only where the repetition
 *           level is 0, so each page, v1 or v2, starts a record), records in the statistics,
 *           the page index (first_row_index = record index) and the dictionary.
 * The work is O(slots x depth) loops with no per-value recursion. Each node keeps grow-only
 * scratch arrays. Vectors of any kind are accepted at every level: FLAT, CONST (row 0 holds the
 * value) and DICT (rows map to the dictionary vector, whose children then hold the parts), so
 * a chunk's CONST/DICT nested columns and selection vectors need no flattening first. List
 * entries are checked against their element vector's capacity (TN_MISUSE when inconsistent); a
 * NULL map key or map entry is an error (TN_ERROR), as Parquet keys are REQUIRED.
 *
 * Bloom filters are not written for nested columns (BLOOM_FILTER_COLUMNS naming one is
 * TN_NOTSUP); statistics are written per leaf like for flat columns.
 */
#include "writer_int.h"

#include <string.h>
#include <strings.h>

/* Schema levels a column may nest (the reader accepts 128; LIST/MAP take two each). */
#define PQW_MAX_DEPTH 100
/* Slot whose value ended above the node (its definition level is final). */
#define PQW_DEAD UINT32_MAX
/* Level slots one node may produce for one batch. */
#define PQW_MAX_SLOTS ((uint64_t)1 << 30)

/* ======================= counting and planning ======================= */

static int count_type(tn_type t, const char *col, int depth, uint64_t *nl, uint64_t *ne, tn_err *err)
{
    if (depth > PQW_MAX_DEPTH)
        return tn_err_set(err, TN_NOTSUP, "column \"%s\": nested more than %d levels deep for Parquet", col,
                          PQW_MAX_DEPTH);
    int rc;
    switch ((tn_type_id)t.id) {
    case TN_T_STRUCT:
        if (!t.nested || t.nested->nchildren < 1)
            return tn_err_set(err, TN_NOTSUP, "column \"%s\": a STRUCT without fields cannot be written to Parquet",
                              col);
        for (int i = 0; i < t.nested->nchildren; i++) {
            const char *ni = t.nested->names ? t.nested->names[i] : NULL;
            if (!ni)
                return tn_err_set(err, TN_MISUSE, "column \"%s\": STRUCT field %d has no name", col, i);
            for (int j = 0; j < i; j++)
                if (strcasecmp(ni, t.nested->names[j]) == 0)
                    return tn_err_set(err, TN_ERROR, "column \"%s\": duplicate STRUCT field name \"%s\"", col, ni);
            if ((rc = count_type(t.nested->children[i], col, depth + 1, nl, ne, err)) != TN_OK)
                return rc;
        }
        (*ne)++;
        return TN_OK;
    case TN_T_LIST:
        if (!t.nested || t.nested->nchildren < 1)
            return tn_err_set(err, TN_MISUSE, "column \"%s\": LIST type without an element type", col);
        *ne += 2; /* the LIST group and its repeated group */
        return count_type(t.nested->children[0], col, depth + 2, nl, ne, err);
    case TN_T_MAP:
        if (!t.nested || t.nested->nchildren < 2)
            return tn_err_set(err, TN_MISUSE, "column \"%s\": MAP type without key and value types", col);
        *ne += 2; /* the MAP group and key_value */
        if ((rc = count_type(t.nested->children[0], col, depth + 2, nl, ne, err)) != TN_OK)
            return rc;
        return count_type(t.nested->children[1], col, depth + 2, nl, ne, err);
    default:
        (*nl)++;
        (*ne)++;
        return TN_OK;
    }
}

int pqw_field_count(tn_type t, const char *name, uint32_t *nleaves, uint32_t *nelems, tn_err *err)
{
    uint64_t nl = 0, ne = 0;
    int rc = count_type(t, name, 1, &nl, &ne, err);
    if (rc)
        return rc;
    if (nl > INT32_MAX || ne > INT32_MAX)
        return tn_err_set(err, TN_RANGE, "column \"%s\": too many leaf columns", name);
    *nleaves = (uint32_t)nl;
    *nelems = (uint32_t)ne;
    return TN_OK;
}

typedef struct plan_ctx {
    pq_writer *w;
    pqw_field *f;
    const char *path[PQW_MAX_DEPTH + 2];
    uint32_t depth;
    tn_err *err;
} plan_ctx;

static int plan_leaf(plan_ctx *pc, pqw_node *nd)
{
    pq_writer *w = pc->w;
    pqw_col *c = &w->cols[w->ncols];
    nd->kind = PQW_NK_LEAF;
    nd->leaf = w->ncols++;
    pc->f->nleaves++;
    c->type = nd->type;
    c->max_def = nd->present;
    c->max_rep = nd->elem_rep;
    c->npath = pc->depth;
    size_t len = 0;
    for (uint32_t i = 0; i < pc->depth; i++)
        len += strlen(pc->path[i]) + 1;
    c->path = tn_malloc(pc->depth * sizeof *c->path);
    c->name = tn_malloc(len);
    if (!c->path || !c->name)
        return tn_err_set(pc->err, TN_NOMEM, "out of memory");
    char *p = c->name;
    for (uint32_t i = 0; i < pc->depth; i++) {
        size_t l = strlen(pc->path[i]);
        c->path[i] = pc->path[i];
        memcpy(p, pc->path[i], l);
        p += l;
        *p++ = i + 1 < pc->depth ? '.' : '\0';
    }
    int rc = pqw_map_type(c->type, c->name, &c->m, pc->err);
    if (rc == TN_OK)
        rc = pqw_col_init(w, c);
    return rc;
}

static int plan_children(pqw_node *nd, uint32_t n, tn_err *err)
{
    nd->children = tn_calloc(n, sizeof *nd->children);
    if (!nd->children)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    nd->nchildren = n;
    return TN_OK;
}

/* Plan node nd of type t named `name`: parent_def is the parent's present level, rep the
 * repetition level of the innermost list above (0 at the top). */
static int plan_node(plan_ctx *pc, pqw_node *nd, tn_type t, const char *name, uint16_t parent_def, uint16_t rep,
                     bool required)
{
    int rc = TN_OK;
    nd->type = t;
    nd->name = name;
    nd->required = required;
    nd->present = (uint16_t)(parent_def + !required);
    nd->elem_rep = rep; /* LEAF: its max_rep; LIST/MAP: replaced below */
    pc->path[pc->depth++] = name;
    switch ((tn_type_id)t.id) {
    case TN_T_STRUCT:
        nd->kind = PQW_NK_STRUCT;
        if ((rc = plan_children(nd, (uint32_t)t.nested->nchildren, pc->err)) != TN_OK)
            break;
        for (uint32_t i = 0; i < nd->nchildren && rc == TN_OK; i++)
            rc = plan_node(pc, &nd->children[i], t.nested->children[i], t.nested->names[i], nd->present, rep, false);
        break;
    case TN_T_LIST:
        nd->kind = PQW_NK_LIST;
        nd->elem_rep = (uint16_t)(rep + 1);
        if ((rc = plan_children(nd, 1, pc->err)) != TN_OK)
            break;
        pc->path[pc->depth++] = "list";
        rc = plan_node(pc, &nd->children[0], t.nested->children[0], "element", (uint16_t)(nd->present + 1),
                       nd->elem_rep, false);
        pc->depth--;
        break;
    case TN_T_MAP: {
        nd->kind = PQW_NK_MAP;
        nd->elem_rep = (uint16_t)(rep + 1);
        if ((rc = plan_children(nd, 1, pc->err)) != TN_OK)
            break;
        /* key_value: a REQUIRED group over the STRUCT{key, value} entries */
        pqw_node *kv = &nd->children[0];
        kv->kind = PQW_NK_STRUCT;
        kv->type = tn_type_list_child(t);
        kv->name = "key_value";
        kv->required = true;
        kv->present = (uint16_t)(nd->present + 1);
        kv->elem_rep = nd->elem_rep;
        if ((rc = plan_children(kv, 2, pc->err)) != TN_OK)
            break;
        pc->path[pc->depth++] = "key_value";
        rc = plan_node(pc, &kv->children[0], t.nested->children[0], "key", kv->present, nd->elem_rep, true);
        if (rc == TN_OK)
            rc = plan_node(pc, &kv->children[1], t.nested->children[1], "value", kv->present, nd->elem_rep, false);
        pc->depth--;
        break;
    }
    default:
        rc = plan_leaf(pc, nd);
        break;
    }
    pc->depth--;
    return rc;
}

int pqw_field_plan(pq_writer *w, pqw_field *f, tn_err *err)
{
    plan_ctx pc;
    memset(&pc, 0, sizeof pc);
    pc.w = w;
    pc.f = f;
    pc.err = err;
    f->nleaves = 0;
    if (!(f->root = tn_calloc(1, sizeof *f->root)))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    return plan_node(&pc, f->root, f->type, f->name, 0, 0, false);
}

static void node_free(pqw_node *nd)
{
    for (uint32_t i = 0; i < nd->nchildren; i++)
        node_free(&nd->children[i]);
    tn_free(nd->children);
    tn_free(nd->s_rep);
    tn_free(nd->s_def);
    tn_free(nd->s_row);
}

void pqw_field_free(pqw_field *f)
{
    if (f->root) {
        node_free(f->root);
        tn_free(f->root);
        f->root = NULL;
    }
    tn_free(f->name);
    f->name = NULL;
}

/* ======================= schema ======================= */

static void schema_group(pq_tw *tw, const char *name, int repetition, uint32_t nchildren, int converted, int logical,
                         int32_t field_id)
{
    pq_tw_struct_begin(tw);
    pq_tw_field_i32(tw, 3, repetition);
    pq_tw_field_string(tw, 4, name);
    pq_tw_field_i32(tw, 5, (int32_t)nchildren);
    if (converted >= 0)
        pq_tw_field_i32(tw, 6, converted);
    if (field_id >= 0)
        pq_tw_field_i32(tw, 9, field_id);
    if (logical) {
        pq_tw_field_struct(tw, 10); /* LogicalType union */
        pq_tw_field_struct(tw, (int16_t)logical); /* ListType / MapType: empty structs */
        pq_tw_struct_end(tw);
        pq_tw_struct_end(tw);
    }
    pq_tw_struct_end(tw);
}

static void schema_node(const pq_writer *w, const pqw_node *nd, pq_tw *tw, int32_t *next_id)
{
    int repetition = nd->required ? PQ_REQUIRED : PQ_OPTIONAL;
    int32_t id = *next_id;
    if (*next_id >= 0)
        (*next_id)++;
    switch (nd->kind) {
    case PQW_NK_LEAF:
        pqw_schema_leaf(tw, &w->cols[nd->leaf], nd->name, repetition, id);
        break;
    case PQW_NK_STRUCT:
        schema_group(tw, nd->name, repetition, nd->nchildren, -1, 0, id);
        for (uint32_t i = 0; i < nd->nchildren; i++)
            schema_node(w, &nd->children[i], tw, next_id);
        break;
    case PQW_NK_LIST:
        schema_group(tw, nd->name, repetition, 1, 3 /* ConvertedType LIST */, 3 /* LogicalType LIST */, id);
        schema_group(tw, "list", PQ_REPEATED, 1, -1, 0, -1);
        schema_node(w, &nd->children[0], tw, next_id);
        break;
    case PQW_NK_MAP: {
        const pqw_node *kv = &nd->children[0];
        schema_group(tw, nd->name, repetition, 1, 1 /* ConvertedType MAP */, 2 /* LogicalType MAP */, id);
        schema_group(tw, kv->name, PQ_REPEATED, 2, -1, 0, -1);
        schema_node(w, &kv->children[0], tw, next_id);
        schema_node(w, &kv->children[1], tw, next_id);
        break;
    }
    default: break;
    }
}

void pqw_field_schema(const pq_writer *w, const pqw_field *f, pq_tw *tw, int32_t *next_id)
{
    schema_node(w, f->root, tw, next_id);
}

/* ======================= shredding ======================= */

typedef struct shred_ctx {
    pq_writer *w;
    const pqw_field *f;
    tn_err *err;
} shred_ctx;

/* The vector holding the values of v's rows: the dictionary for DICT vectors, else v. */
static inline const tn_vector *phys_of(const tn_vector *v) { return v->kind == TN_VEC_DICT ? v->dict : v; }

/* Row r of v (any kind) -> row *p of phys_of(v); false when the row is NULL. */
static inline bool resolve(const tn_vector *v, uint32_t r, uint32_t *p)
{
    switch (v->kind) {
    case TN_VEC_CONST:
        *p = 0;
        return !v->validity || tn_bit_get(v->validity, 0);
    case TN_VEC_DICT: {
        uint32_t k = ((const uint32_t *)v->data)[r];
        *p = k;
        return (!v->validity || tn_bit_get(v->validity, r)) && (!v->dict->validity || tn_bit_get(v->dict->validity, k));
    }
    default:
        *p = r;
        return !v->validity || tn_bit_get(v->validity, r);
    }
}

static int grow_slots(pqw_node *nd, uint64_t n, bool with_rep)
{
    if (n <= nd->s_cap && (nd->s_rep || !with_rep))
        return TN_OK;
    uint64_t cap = nd->s_cap > n ? nd->s_cap : (n > PQW_SLICE ? n + n / 4 : PQW_SLICE);
    if (cap > PQW_MAX_SLOTS)
        cap = n;
    uint32_t *d = tn_realloc(nd->s_def, (size_t)cap * sizeof *d);
    if (d)
        nd->s_def = d;
    uint32_t *r = d ? tn_realloc(nd->s_row, (size_t)cap * sizeof *r) : NULL;
    if (r)
        nd->s_row = r;
    if (!d || !r)
        return TN_NOMEM;
    if (with_rep || nd->s_rep) {
        uint32_t *p = tn_realloc(nd->s_rep, (size_t)cap * sizeof *p);
        if (!p)
            return TN_NOMEM;
        nd->s_rep = p;
    }
    nd->s_cap = (uint32_t)cap;
    return TN_OK;
}

static int null_required(shred_ctx *sc, const pqw_node *nd)
{
    return tn_err_set(sc->err, TN_ERROR, "column \"%s\": a NULL map %s cannot be written to Parquet", sc->f->name,
                      nd->kind == PQW_NK_STRUCT ? "entry" : "key");
}

static int shred(shred_ctx *sc, pqw_node *nd, const tn_vector *v, uint32_t n, const uint32_t *rep,
                 const uint32_t *def, const uint32_t *row);

static int shred_leaf(shred_ctx *sc, pqw_node *nd, const tn_vector *v, uint32_t n, const uint32_t *rep,
                      const uint32_t *def, const uint32_t *row)
{
    pq_writer *w = sc->w;
    pqw_col *c = &w->cols[nd->leaf];
    if (grow_slots(nd, n, true))
        return tn_err_set(sc->err, TN_NOMEM, "out of memory");
    uint32_t *od = nd->s_def, *g = nd->s_row, *vslot = nd->s_rep;
    uint32_t present = nd->present, parent = present - !nd->required, nv = 0, nulls = 0;
    if (c->m.conv == PQW_CV_NULL) { /* a NULL-typed leaf: every value is NULL */
        for (uint32_t i = 0; i < n; i++) {
            bool live = row[i] != PQW_DEAD;
            od[i] = live ? parent : def[i];
            nulls += live;
        }
    } else {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r = row[i], p = 0;
            if (r == PQW_DEAD) {
                od[i] = def[i];
                continue;
            }
            bool ok = resolve(v, r, &p);
            od[i] = ok ? present : parent;
            g[nv] = p;
            vslot[nv] = i;
            nv += ok;
            nulls += !ok;
        }
    }
    if (nulls && nd->required)
        return null_required(sc, nd);
    const tn_vector *pv = phys_of(v);
    return pqw_col_append_levels(w, c, n, rep, od, pv->data, g, vslot, nv, sc->err);
}

static int shred_struct(shred_ctx *sc, pqw_node *nd, const tn_vector *v, uint32_t n, const uint32_t *rep,
                        const uint32_t *def, const uint32_t *row)
{
    const tn_vector *pv = phys_of(v);
    if (pv->nchildren < nd->nchildren)
        return tn_err_set(sc->err, TN_MISUSE, "column \"%s\": STRUCT vector without its field vectors", sc->f->name);
    if (grow_slots(nd, n, false))
        return tn_err_set(sc->err, TN_NOMEM, "out of memory");
    uint32_t *od = nd->s_def, *orow = nd->s_row;
    uint32_t present = nd->present, parent = present - !nd->required, nulls = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = row[i], p = 0;
        if (r == PQW_DEAD) {
            od[i] = def[i];
            orow[i] = PQW_DEAD;
            continue;
        }
        bool ok = resolve(v, r, &p);
        od[i] = ok ? present : parent;
        orow[i] = ok ? p : PQW_DEAD;
        nulls += !ok;
    }
    if (nulls && nd->required)
        return null_required(sc, nd);
    for (uint32_t k = 0; k < nd->nchildren; k++) {
        if (!pv->children[k])
            return tn_err_set(sc->err, TN_MISUSE, "column \"%s\": STRUCT vector without its field vectors",
                              sc->f->name);
        int rc = shred(sc, &nd->children[k], pv->children[k], n, rep, od, orow);
        if (rc)
            return rc;
    }
    return TN_OK;
}

/* LIST and MAP: expand each list into its element slots, then shred the element vector (for a
 * MAP the STRUCT{key, value} entries, through the REQUIRED key_value node). */
static int shred_list(shred_ctx *sc, pqw_node *nd, const tn_vector *v, uint32_t n, const uint32_t *rep,
                      const uint32_t *def, const uint32_t *row)
{
    const tn_vector *pv = phys_of(v);
    if (pv->nchildren < 1 || !pv->children[0])
        return tn_err_set(sc->err, TN_MISUSE, "column \"%s\": LIST/MAP vector without its element vector",
                          sc->f->name);
    const tn_vector *cv = pv->children[0];
    const tn_list_entry *ents = pv->data;
    uint64_t lim = cv->kind == TN_VEC_CONST ? UINT64_MAX : cv->capacity;
    uint32_t present = nd->present, parent = present - !nd->required, elem = present + 1, erep = nd->elem_rep;
    uint64_t m = 0;
    uint32_t nulls = 0;
    bool bad = false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = row[i], p = 0;
        if (r != PQW_DEAD && resolve(v, r, &p)) {
            const tn_list_entry *e = &ents[p];
            bad |= e->offset > lim || e->length > lim - e->offset;
            m += e->length ? e->length : 1;
        } else {
            nulls += r != PQW_DEAD;
            m++;
        }
    }
    if (bad)
        return tn_err_set(sc->err, TN_MISUSE, "column \"%s\": list entry outside its element vector", sc->f->name);
    if (nulls && nd->required)
        return null_required(sc, nd);
    if (m > PQW_MAX_SLOTS)
        return tn_err_set(sc->err, TN_RANGE, "column \"%s\": too many list elements in one batch (%llu)", sc->f->name,
                          (unsigned long long)m);
    if (grow_slots(nd, m, true))
        return tn_err_set(sc->err, TN_NOMEM, "out of memory");
    uint32_t *orep = nd->s_rep, *od = nd->s_def, *orow = nd->s_row;
    uint32_t j = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = row[i], p = 0;
        orep[j] = rep[i];
        orow[j] = PQW_DEAD;
        if (r == PQW_DEAD) {
            od[j++] = def[i];
            continue;
        }
        if (!resolve(v, r, &p)) {
            od[j++] = parent;
            continue;
        }
        const tn_list_entry *e = &ents[p];
        uint32_t len = (uint32_t)e->length, off = (uint32_t)e->offset;
        if (len == 0) {
            od[j++] = present;
            continue;
        }
        for (uint32_t k = 0; k < len; k++) {
            orep[j + k] = erep;
            od[j + k] = elem;
            orow[j + k] = off + k;
        }
        orep[j] = rep[i];
        j += len;
    }
    return shred(sc, &nd->children[0], cv, j, orep, od, orow);
}

static int shred(shred_ctx *sc, pqw_node *nd, const tn_vector *v, uint32_t n, const uint32_t *rep,
                 const uint32_t *def, const uint32_t *row)
{
    if (v->kind == TN_VEC_DICT && !v->dict)
        return tn_err_set(sc->err, TN_MISUSE, "column \"%s\": DICT vector without a dictionary", sc->f->name);
    switch (nd->kind) {
    case PQW_NK_LEAF: return shred_leaf(sc, nd, v, n, rep, def, row);
    case PQW_NK_STRUCT: return shred_struct(sc, nd, v, n, rep, def, row);
    default: return shred_list(sc, nd, v, n, rep, def, row);
    }
}

int pqw_field_append(pq_writer *w, pqw_field *f, const tn_chunk *ch, uint32_t ci, uint32_t a, uint32_t b,
                     tn_err *err)
{
    if (!w->n_row) {
        w->n_row = tn_malloc(PQW_SLICE * sizeof *w->n_row);
        w->n_zero = tn_calloc(PQW_SLICE, sizeof *w->n_zero);
        if (!w->n_row || !w->n_zero)
            return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    uint32_t n = b - a;
    const uint32_t *sel = ch->sel;
    for (uint32_t i = 0; i < n; i++)
        w->n_row[i] = sel ? sel[a + i] : a + i;
    shred_ctx sc = {w, f, err};
    /* top-level slots: one record each, repetition and definition level 0 */
    return shred(&sc, f->root, ch->cols[ci], n, w->n_zero, w->n_zero, w->n_row);
}
