/*
 * bufpool.c -- reusable byte buffers for one consumer (bufpool.h).
 */
#include "bufpool.h"

#include <string.h>

void tn_bufpool_init(tn_bufpool *p)
{
    memset(p, 0, sizeof *p);
}

tn_buf *tn_bufpool_take(tn_bufpool *p, size_t cap)
{
    if (p) {
        int best = -1;
        for (uint32_t i = 0; i < p->n; i++)
            if (p->slot[i]->cap >= cap && (best < 0 || p->slot[i]->cap < p->slot[best]->cap))
                best = (int)i;
        if (best >= 0) {
            tn_buf *b = p->slot[best];
            p->slot[best] = p->slot[--p->n];
            p->bytes -= b->cap;
            b->size = 0;
            return b;
        }
    }
    return tn_buf_new(cap);
}

void tn_bufpool_give(tn_bufpool *p, tn_buf *b)
{
    if (!b)
        return;
    if (!p || b->release || b->cap == 0 || b->cap > TN_BUFPOOL_MAX_BYTES ||
        __atomic_load_n(&b->refcnt, __ATOMIC_ACQUIRE) != 1) {
        tn_buf_unref(b);
        return;
    }
    /* make room: drop the smallest buffers while over a limit, as long as they are smaller than b */
    while (p->n == TN_BUFPOOL_SLOTS || p->bytes + b->cap > TN_BUFPOOL_MAX_BYTES) {
        if (p->n == 0) {
            tn_buf_unref(b);
            return;
        }
        uint32_t small = 0;
        for (uint32_t i = 1; i < p->n; i++)
            if (p->slot[i]->cap < p->slot[small]->cap)
                small = i;
        if (p->slot[small]->cap > b->cap) {
            tn_buf_unref(b);
            return;
        }
        p->bytes -= p->slot[small]->cap;
        tn_buf_unref(p->slot[small]);
        p->slot[small] = p->slot[--p->n];
    }
    p->slot[p->n++] = b;
    p->bytes += b->cap;
}

void tn_bufpool_clear(tn_bufpool *p)
{
    if (!p)
        return;
    for (uint32_t i = 0; i < p->n; i++)
        tn_buf_unref(p->slot[i]);
    p->n = 0;
    p->bytes = 0;
}
