/*
 * bufpool.h -- a small pool of reusable byte buffers (tn_buf) for one single-threaded consumer,
 * such as one scan cursor reading column chunk after column chunk.
 *
 * Why: column chunks, decompressed pages and decoded pages are large (often above glibc's mmap
 * threshold), so allocating them per chunk/page maps fresh memory and page-faults it in every
 * time, and freeing unmaps it again. Measured on a 10M-row int64 DELTA_BINARY_PACKED column, that
 * churn was about half of the scan's time. A pool hands the same memory to the next chunk.
 *
 * Rules: only buffers that nobody else references (refcnt 1, no custom release) are kept; a
 * buffer still referenced downstream (string views into a page, zero-copy vectors) is simply
 * unreferenced. The pool holds at most TN_BUFPOOL_SLOTS buffers and TN_BUFPOOL_MAX_BYTES bytes.
 * Not thread-safe: one pool per thread / cursor. Buffers taken from a pool may be released with
 * plain tn_buf_unref instead of tn_bufpool_give.
 */
#ifndef TN_BUFPOOL_H
#define TN_BUFPOOL_H

#include "vector.h"

#define TN_BUFPOOL_SLOTS 8
#define TN_BUFPOOL_MAX_BYTES ((size_t)256 << 20)

typedef struct tn_bufpool {
    tn_buf *slot[TN_BUFPOOL_SLOTS];
    uint32_t n;
    size_t bytes;              /* capacity held */
} tn_bufpool;

/* An empty pool (zero-initialized memory is an empty pool too). */
void tn_bufpool_init(tn_bufpool *p);
/* A buffer of at least cap bytes with size 0 and refcnt 1: the smallest pooled one that fits, else
 * tn_buf_new(cap). p may be NULL. NULL on OOM. */
tn_buf *tn_bufpool_take(tn_bufpool *p, size_t cap);
/* Release the caller's reference to b (NULL-safe), keeping b for reuse when possible. p may be
 * NULL (plain unref). */
void tn_bufpool_give(tn_bufpool *p, tn_buf *b);
/* Free every pooled buffer; the pool stays usable. */
void tn_bufpool_clear(tn_bufpool *p);

#endif
