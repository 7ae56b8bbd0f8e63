/*
 * hashtable.h -- the group hash table of the hash aggregate (and of DISTINCT aggregates): maps a
 * tuple of key values to a dense group id 0, 1, 2, ... Ids are deterministic for a given input
 * order and follow batch order (groups first seen in an earlier batch have smaller ids; within a
 * batch, rows that collide with an insert of the same probe round are numbered after it).
 *
 * Layout: open addressing with linear probing over a power-of-two array of 64-bit slots
 * (high 32 bits: hash salt, low 32 bits: group id + 1; 0 = empty), kept at most half full. The
 * keys themselves live in columnar group storage (one array per key column plus NULL flags, the
 * group's full hash for rehashing without touching keys). Non-inline strings are copied into an
 * arena owned by the table, so the table never depends on its input batches.
 *
 * Probing is vectorized: a batch's hashes are computed column by column (xxHash XXH3 per value,
 * combined across columns), then all rows probe together; rows whose salt matches a slot are
 * verified column by column in type-specialised loops, and only rows that meet an empty slot
 * insert a group (one at a time, so equal new keys within a batch get one group).
 *
 * Key semantics (SQL GROUP BY / DISTINCT): NULLs are equal to each other (one NULL group);
 * floats group -0.0 with 0.0 and every NaN together; intervals group by their span (PostgreSQL:
 * '1 month' = '30 days'); strings and blobs by bytes. Every flat type is supported, and nested
 * types (LIST, STRUCT, MAP) compare as whole values under the same rules at every level (NULL
 * elements equal to each other), through a canonical serialisation (hashtable.c).
 *
 * Thread-safety: none; one table per thread (a parallel aggregate merges local tables).
 */
#ifndef TN_EXEC_HASHTABLE_H
#define TN_EXEC_HASHTABLE_H

#include "exec.h"

typedef struct ex_ht ex_ht;

/* New empty table for nkeys key columns of the given types (copied). NULL on OOM or nkeys == 0.
 * Free with ex_ht_free. */
ex_ht *ex_ht_new(const tn_type *key_types, uint32_t nkeys);
void ex_ht_free(ex_ht *ht); /* NULL-safe */
uint32_t ex_ht_count(const ex_ht *ht);
/* Bytes held by the table (slots, group storage, string arena); approximate. */
size_t ex_ht_memory(const ex_ht *ht);

/* Look up (inserting when absent) the key tuples at rows sel[0..n) (or 0..n when sel == NULL) of
 * the key vectors keys[0..nkeys) (any kind, `count` physical rows, count <= TN_BATCH).
 * gids[k] = the group of the k-th row. When new_pos != NULL it receives the positions k of the
 * rows that created a group (ascending), *nnew how many. TN_OK, TN_NOMEM, TN_ERROR (too many
 * groups / bad arguments). */
int ex_ht_find_or_insert(ex_ht *ht, tn_vector *const *keys, uint32_t count, const uint32_t *sel, uint32_t n,
                         uint32_t *gids, uint32_t *new_pos, uint32_t *nnew, tn_err *err);

/* Write key column `col` of groups [start, start+n) into out (reset here, FLAT, rows 0..n).
 * String views point into the table's arena or storage (valid while the table lives).
 * TN_OK / TN_NOMEM. */
int ex_ht_get_keys(const ex_ht *ht, uint32_t col, uint32_t start, uint32_t n, tn_vector *out);

#endif
