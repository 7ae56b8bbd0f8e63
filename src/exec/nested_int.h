/*
 * nested_int.h -- private interface between func_nested.c (resolution, construction, casts) and
 * func_nested_ops.c (access, search, concatenation and comparison kernels). Not used elsewhere.
 * Kernel conventions are those of expr_int.h.
 */
#ifndef TN_EXEC_NESTED_INT_H
#define TN_EXEC_NESTED_INT_H

#include "expr_int.h"
#include "nested.h"

#define EX_NK_ARGS const ex_func *fn, tn_vector **args, uint32_t nargs, const uint32_t *sel, uint32_t n, \
                   tn_vector *out, tn_err *err

/* func_nested_ops.c */
int ex_nk_struct_extract(EX_NK_ARGS);   /* (STRUCT, VARCHAR const name) -> field */
int ex_nk_list_extract(EX_NK_ARGS);     /* (LIST, BIGINT) -> element */
int ex_nk_list_slice(EX_NK_ARGS);       /* (LIST, BIGINT, BIGINT) -> LIST */
int ex_nk_map_value(EX_NK_ARGS);        /* (MAP, key) -> value */
int ex_nk_map_extract(EX_NK_ARGS);      /* (MAP, key) -> LIST(value) */
int ex_nk_len(EX_NK_ARGS);              /* (LIST | MAP) -> BIGINT */
int ex_nk_map_part(EX_NK_ARGS);         /* MAP -> LIST of keys / values / entries (fn->data 0/1/2) */
int ex_nk_list_contains(EX_NK_ARGS);    /* (LIST(T), T) -> BOOLEAN */
int ex_nk_list_concat(EX_NK_ARGS);      /* (LIST, LIST) -> LIST */
int ex_nk_compare(EX_NK_ARGS);          /* (T, T) -> BOOLEAN; fn->data: EX_OP_EQ..EX_OP_GE */

/* Read row r of a BIGINT-typed vector (any kind); false when NULL. */
bool ex_nk_int_at(const tn_vector *v, uint32_t r, int64_t *out);

#endif
