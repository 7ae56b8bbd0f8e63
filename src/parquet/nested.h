/*
 * nested.h -- private interface of the nested-column reader (LIST / MAP / STRUCT at any depth),
 * shared by schema.c (builds the reader tree), column_reader.c (leaf columns in level mode),
 * nested.c (record assembly and the nested pq_column_reader) and the unit tests.
 *
 * Spec: parquet-format README "Nested encoding" (Dremel repetition/definition levels) and
 * LogicalTypes.md "Nested Types" (LIST, MAP, the backward-compatibility rules); summary
 * section 4.
 *
 * Reader tree. Every top-level field is converted once, when the file is opened, into a tree of
 * pq_rnode that mirrors the tarn type the field reads as (types.h): LIST / MAP (a LIST whose
 * element is STRUCT{key, value}) / STRUCT / leaf. Each node says, in terms of the levels of any
 * leaf column below it, where its rows are and when a row is NULL:
 *   - a row of the node starts at every level slot i with rep[i] <= slot_rep and
 *     def[i] >= slot_def. For a list element slot_def is the definition level at which the
 *     element exists; a struct field inherits the struct's slot_def, so it has a row for every
 *     row of the struct, NULL ones included (vectors of struct fields are row-aligned);
 *   - that row is non-NULL iff def[i] >= valid_def (the definition level of the node itself;
 *     valid_def <= slot_def: never NULL);
 *   - LIST: an element starts at every slot with rep[i] <= elem_rep and def[i] >= elem_def
 *     (elem_rep / elem_def are the levels of the repeated field). An empty list has a row slot
 *     with valid_def <= def < elem_def.
 * All leaves under a node agree on that node's rows (Dremel), so a node is assembled from the
 * levels of the first leaf of its subtree (rep_leaf); the row counts every other leaf implies
 * are checked against it, which rejects files whose columns disagree.
 *
 * Statistics and row-group pruning remain defined for flat top-level leaves only; leaves below a
 * repeated field have no usable min/max (stats.c) and predicates on nested fields never prune.
 */
#ifndef TN_PQ_NESTED_H
#define TN_PQ_NESTED_H

#include "../util/tn_base.h"
#include "../util/vector.h"
#include "parquet.h"

typedef enum pq_rnode_kind {
    PQ_RN_LEAF = 0, /* a column chunk */
    PQ_RN_STRUCT,   /* children[i] = fields (row-aligned) */
    PQ_RN_LIST,     /* LIST or MAP: children[0] = element (for MAP a STRUCT{key, value}) */
    PQ_RN_NULL      /* MAP value of a map without a value field: always NULL, no column */
} pq_rnode_kind;

typedef struct pq_rnode {
    int kind;                    /* pq_rnode_kind */
    tn_type type;                /* tarn type of the node's vector */
    uint16_t slot_rep, slot_def; /* rows: slots with rep <= slot_rep and def >= slot_def */
    uint16_t valid_def;          /* row non-NULL iff def >= valid_def */
    uint16_t elem_rep, elem_def; /* LIST: elements: rep <= elem_rep and def >= elem_def */
    int leaf;                    /* LEAF: index among the field's leaves (0..nleaves-1) */
    int rep_leaf;                /* first leaf of the subtree (field leaf index); -1 for NULL */
    const pq_schema_node *node;  /* schema node this rnode came from (LEAF: the leaf) */
    struct pq_rnode **children;
    uint32_t nchildren;
} pq_rnode;

/* Conversion of one top-level field. */
typedef struct pq_rfield {
    pq_rnode *root;              /* NULL if the field cannot be read (reason on the schema node) */
    uint32_t nleaves;
    pq_rnode **leaves;           /* LEAF rnodes in schema (column chunk) order */
} pq_rfield;

/* Build the reader tree of top-level field `field` (a child of the root). leaf_types[c] is the
 * type of one value of leaf column c. On an unreadable shape *out is left empty and the field's
 * `supported`/`unsupported_reason` are set; the schema nodes' `type` members receive the nested
 * tarn types. TN_OK or TN_NOMEM. */
int pq_rfield_build(pq_schema_node *field, const tn_type *leaf_types, pq_rfield *out);
void pq_rfield_free(pq_rfield *rf);
/* The reader tree of top-level field i of an opened file (NULL when unsupported). */
const pq_rfield *pq_file_rfield(const pq_file *f, uint32_t i);

/* ---- levels ---- */
typedef struct pq_lvbuf {
    uint16_t *rep, *def;
    uint32_t n, cap;
} pq_lvbuf;
int pq_lvbuf_reserve(pq_lvbuf *b, uint32_t n);
void pq_lvbuf_free(pq_lvbuf *b);

/* Most level slots one leaf may contribute to one batch (memory bound for hostile files whose
 * levels describe huge runs of empty or null values in a few bytes). */
#define PQ_MAX_BATCH_LEVELS ((uint32_t)1 << 26)

/* ---- leaf columns in level mode (column_reader.c) ---- */
/* Open leaf column chunk `col` of row group rg in level mode: values are read as
 * f->leaf_types[col], and repetition and definition levels are returned to the caller. */
int pq_leaf_open(pq_file *f, uint32_t rg, int col, pq_column_reader **out, tn_err *err);
/* Read the next up to nrec records: their levels are appended to lv, and the values of the slots
 * with def == max_def are decoded densely into vals at rows [*nvals, ...) (vals is grown; *nvals
 * advanced; vals may be NULL for a NULL-typed leaf). Stops just before the first slot of record
 * nrec + 1, or at the end of the chunk. *got = records read. */
int pq_leaf_read(pq_column_reader *r, uint32_t nrec, pq_lvbuf *lv, tn_vector *vals, uint32_t *nvals,
                 uint32_t *got, tn_err *err);
/* Skip up to nrec records; *got = records skipped (fewer only at the end of the chunk). */
int pq_leaf_skip(pq_column_reader *r, uint64_t nrec, uint64_t *got, tn_err *err);
/* Definition level of a value (max_def) of the leaf reader. */
int pq_leaf_max_def(const pq_column_reader *r);

/* ---- assembly (nested.c) ---- */
/* Assemble nrec records of the field described by rf into out (a vector of rf->root->type, reset
 * by the caller). lv[k] holds the levels of leaf k for those records; the vector of leaf k inside
 * out already holds that leaf's non-NULL values densely at rows [0, count of def == max_def). Row
 * counts implied by different leaves must agree (TN_CORRUPT otherwise, prefixed with `what`). */
int pq_nested_assemble(const pq_rfield *rf, const pq_lvbuf *lv, tn_vector *out, uint32_t nrec, const char *what,
                       tn_err *err);
/* The vector of leaf k inside out (walking the same path as the assembly), or NULL. */
tn_vector *pq_nested_leaf_vector(const pq_rfield *rf, tn_vector *out, uint32_t k);

/* ---- the nested pq_column_reader (nested.c; column_reader.c dispatches to it) ---- */
typedef struct pq_nested_reader pq_nested_reader;
int pq_nested_open(pq_file *f, uint32_t rg, uint32_t field, pq_nested_reader **out, tn_err *err);
int pq_nested_next(pq_nested_reader *nr, uint32_t max_rows, tn_vector *out, uint32_t *nrows, tn_err *err);
int pq_nested_skip(pq_nested_reader *nr, uint64_t n, tn_err *err);
void pq_nested_close(pq_nested_reader *nr);

#endif
