/*
 * nested.h -- nested values (LIST, STRUCT, MAP) in the execution engine: vector helpers
 * (nested_vec.c), the nested scalar functions and casts (func_nested.c, func_nested_ops.c) and
 * their resolution, used by the SQL binder. The UNNEST operator is declared in exec.h.
 *
 * Layout reminder (util/vector.h): a LIST/MAP vector holds tn_list_entry {offset, length} per row
 * into children[0] (rows [0, list_size) in use); a MAP's children[0] is a STRUCT{key, value}; a
 * STRUCT has one row-aligned child per field. Nested vectors may arrive FLAT, CONST (row 0 holds
 * the value, children hold its parts at row 0 / in [0, list_size)) or DICT (indexes into a FLAT
 * dictionary vector whose children hold the parts). Everything here reads all three kinds.
 *
 * Semantics follow DuckDB 1.5:
 *  - list indexes are 1-based; negative indexes count from the end (-1 = last); 0 and indexes out
 *    of range give NULL; slices l[a:b] are inclusive, clamp to the list, treat negative bounds as
 *    counted from the end and give NULL when a bound is NULL;
 *  - m[k] is the value stored under key k (NULL when absent); map_extract/element_at return the
 *    value wrapped in a list ([] when absent);
 *  - comparisons of nested values are lexicographic (lists element by element, a proper prefix
 *    sorts first; structs field by field); NULL elements/fields compare equal to each other and
 *    greater than any value; a NULL top-level operand gives NULL;
 *  - list_contains(l, x) is NULL when l or x is NULL, skips NULL elements;
 *  - CAST(nested AS VARCHAR) renders like util/format.c (the shell's text).
 *
 * Ownership: helpers write into caller-owned vectors; string bytes are shared by keeping the
 * source's heap buffers alive in the destination (no byte copies). Thread-safety: reentrant.
 */
#ifndef TN_EXEC_NESTED_H
#define TN_EXEC_NESTED_H

#include "exec.h"

/* A source row index meaning "no row: produce NULL". */
#define EX_NROW_NULL UINT32_MAX

/* Physical location of logical row r of v: the vector holding its value (v itself for FLAT and
 * CONST, the dictionary for DICT) and the row in it; *valid says whether the row is non-NULL. */
static inline const tn_vector *ex_nested_phys(const tn_vector *v, uint32_t r, uint32_t *pr, bool *valid)
{
    switch (v->kind) {
    case TN_VEC_CONST:
        *pr = 0;
        *valid = !v->validity || tn_bit_get(v->validity, 0);
        return v;
    case TN_VEC_DICT: {
        uint32_t k = ((const uint32_t *)v->data)[r];
        *pr = k;
        *valid = (!v->validity || tn_bit_get(v->validity, r)) && (!v->dict->validity || tn_bit_get(v->dict->validity, k));
        return v->dict;
    }
    default:
        *pr = r;
        *valid = !v->validity || tn_bit_get(v->validity, r);
        return v;
    }
}

/* ---- vector helpers (nested_vec.c) ---- */

/* Copy n rows of src (any kind, any type equal to dst's) into dst (FLAT): row i goes from src row
 * (src_rows ? src_rows[i] : src_at + i) to dst row (dst_rows ? dst_rows[i] : dst_at + i). A src
 * row of EX_NROW_NULL produces NULL. Nested values are deep-copied (list elements appended to
 * dst's element vector); string views are copied and src's heap buffers kept alive in dst. dst's
 * capacity must cover the destination rows (element vectors grow as needed).
 * TN_OK, TN_NOMEM, TN_MISUSE (type mismatch or an inconsistent source list). */
int ex_nested_gather(tn_vector *dst, const uint32_t *dst_rows, uint32_t dst_at, const tn_vector *src,
                     const uint32_t *src_rows, uint32_t src_at, uint32_t n);
/* Same-position copy: out rows sel[0..n) (or 0..n) = src rows at the same positions. The nested
 * counterpart of ex_copy_rows (expr_int.h) for CASE/COALESCE/CAST-to-same-type results. */
int ex_nested_copy_rows(tn_vector *out, const tn_vector *src, const uint32_t *sel, uint32_t n);
/* Nested counterparts of op_int.h's ex_vec_append / ex_vec_gather / ex_vec_slice (same
 * contracts), so operators that buffer rows (sort, top-N, values) can carry nested columns. */
int ex_nested_append(tn_vector *dst, uint32_t at, const tn_vector *src, uint32_t count, const uint32_t *sel,
                     uint32_t n);
int ex_nested_gather_idx(tn_vector *dst, const tn_vector *src, const uint32_t *idx, uint32_t n);
int ex_nested_slice(tn_vector *dst, const tn_vector *src, uint32_t start, uint32_t n);

/* Three-way comparison of two physical values of flat type t (pointers to their storage).
 * Floats: NaN greatest, -0.0 == 0.0; strings byte-wise; intervals by their total span. */
int ex_flat_value_cmp(tn_type t, const void *a, const void *b);
/* Three-way comparison of logical row ra of a and row rb of b (same type, any kinds), with the
 * nested rules above; a NULL row sorts after every value and equals another NULL. */
int ex_nested_cmp(const tn_vector *a, uint32_t ra, const tn_vector *b, uint32_t rb);

/* ---- types and casts (func_nested.c) ---- */

/* Common supertype of a and b when either is nested (element/field-wise ex_common_type; STRUCTs
 * need the same field names in the same order). TN_ERROR with a message if none. Works for flat
 * types too (delegates to ex_common_type). */
int ex_nested_common_type(tn_type a, tn_type b, tn_type *out, tn_err *err);
/* May a value of type `from` be cast to `to` where either is nested? Nested -> VARCHAR always;
 * nested -> nested when the shapes agree and every leaf cast is allowed (implicit: only the
 * implicit leaf casts). */
bool ex_nested_cast_allowed(tn_type from, tn_type to, bool implicit);
/* The catalog entry casting `from` to `to` (either nested), for an EX_FUNC node with one
 * argument. try_cast: failing leaf casts give NULL. NULL if not allowed or on intern overflow. */
const ex_func *ex_nested_cast_func(tn_type from, tn_type to, bool try_cast);

/* ---- functions (func_nested.c, func_nested_ops.c) ---- */

/* Is `name` one of the nested functions ex_nested_resolve knows (case-insensitive)? */
bool ex_nested_has_function(const char *name);
/* Resolve a nested function for the given argument types: list_value/list_pack, list_extract/
 * list_element/array_extract, list_slice/array_slice, len/length/array_length (of a LIST),
 * cardinality (of a MAP), list_contains/array_contains/list_has, list_concat/list_cat/
 * array_concat, map_extract/element_at (list result), map_extract_value (value result),
 * map_keys/map_values/map_entries, struct_extract (needs
 * the field name as a constant: use ex_nested_struct_extract_func), and the comparison operators
 * "=", "<>", "<", "<=", ">", ">=" on nested operands. cast_to[i] receives the type argument i must
 * be cast to (may be nested: build the cast with ex_nested_cast_func). TN_NOTFOUND when the name
 * is unknown or no overload matches, TN_ERROR for type errors, with messages. */
int ex_nested_resolve(const char *name, const tn_type *arg_types, uint32_t nargs, const ex_func **fn,
                      tn_type *cast_to, tn_err *err);
/* struct_pack with result type `st` (a STRUCT whose children are the argument types). */
const ex_func *ex_nested_struct_pack_func(tn_type st);
/* MAP construction from alternating key, value arguments (keys must be non-NULL and distinct:
 * TN_ERROR at run time otherwise), result type `mt`. */
const ex_func *ex_nested_map_pack_func(tn_type mt);
/* struct_extract(s, 'name'): the field `field` (0-based) of STRUCT type st. The second argument
 * of the node must be the VARCHAR constant naming the field (resolved by name per batch). */
const ex_func *ex_nested_struct_extract_func(tn_type st, uint32_t field);
/* Index of field `name` in STRUCT type st: an exact match first, else a case-insensitive one;
 * -1 if none. */
int ex_nested_field_index(tn_type st, const char *name, size_t len);

#endif
