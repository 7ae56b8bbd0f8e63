/*
 * test_bufpool.c -- util/bufpool.h: buffers come back only when nobody else references them, the
 * smallest fitting buffer is handed out, the slot and byte limits hold (the smallest buffers go
 * first), custom-release and empty buffers are never pooled, NULL pools degrade to plain
 * allocation, and clear frees everything (tn_mem_in_use returns to its start).
 */
#include "tn_test.h"
#include "util/bufpool.h"

static void test_reuse_and_refs(void)
{
    size_t mem0 = tn_mem_in_use();
    tn_bufpool p;
    tn_bufpool_init(&p);
    tn_buf *a = tn_bufpool_take(&p, 1000);
    CHECK(a && a->cap >= 1000 && a->size == 0 && a->refcnt == 1);
    a->size = 10;
    tn_bufpool_give(&p, a);
    CHECK_EQ_INT(p.n, 1);
    tn_buf *b = tn_bufpool_take(&p, 500); /* fits: the same memory, size reset */
    CHECK(b == a && b->size == 0);
    /* a buffer still referenced elsewhere is not pooled */
    tn_buf_ref(b);
    tn_bufpool_give(&p, b);
    CHECK_EQ_INT(p.n, 0);
    CHECK_EQ_INT(b->refcnt, 1);
    tn_bufpool_give(&p, b); /* now the last reference: pooled */
    CHECK_EQ_INT(p.n, 1);
    /* too small a pooled buffer is not used */
    tn_buf *c = tn_bufpool_take(&p, 5000);
    CHECK(c && c != a && c->cap >= 5000);
    CHECK_EQ_INT(p.n, 1);
    tn_bufpool_give(&p, c);
    /* smallest fit */
    tn_buf *d = tn_bufpool_take(&p, 800);
    CHECK(d == a);
    tn_bufpool_give(&p, d);
    CHECK_EQ_INT(p.n, 2);
    CHECK_EQ_INT(p.bytes, a->cap + c->cap);
    /* NULL pool: plain allocation and unref */
    tn_buf *e = tn_bufpool_take(NULL, 64);
    CHECK(e != NULL);
    tn_bufpool_give(NULL, e);
    tn_bufpool_clear(&p);
    CHECK_EQ_INT(p.n, 0);
    CHECK_EQ_INT(p.bytes, 0);
    CHECK_EQ_INT(tn_mem_in_use(), mem0);
}

static int g_released;
static void count_release(tn_buf *b)
{
    (void)b; /* tn_buf_unref frees the struct itself after the release hook */
    g_released++;
}

static void test_limits(void)
{
    size_t mem0 = tn_mem_in_use();
    tn_bufpool p;
    tn_bufpool_init(&p);
    tn_buf *bufs[TN_BUFPOOL_SLOTS + 2];
    for (int i = 0; i < TN_BUFPOOL_SLOTS + 2; i++)
        bufs[i] = tn_buf_new((size_t)(i + 1) * 100);
    for (int i = 0; i < TN_BUFPOOL_SLOTS + 2; i++)
        tn_bufpool_give(&p, bufs[i]);
    CHECK_EQ_INT(p.n, TN_BUFPOOL_SLOTS);
    /* the two smallest were dropped */
    size_t minc = SIZE_MAX;
    for (uint32_t i = 0; i < p.n; i++)
        minc = p.slot[i]->cap < minc ? p.slot[i]->cap : minc;
    CHECK_EQ_INT(minc, 300);
    /* a buffer smaller than everything pooled is dropped when full */
    tn_bufpool_give(&p, tn_buf_new(50));
    CHECK_EQ_INT(p.n, TN_BUFPOOL_SLOTS);
    /* byte limit: a buffer above it is never kept */
    tn_buf *huge = tn_buf_new(TN_BUFPOOL_MAX_BYTES + 1);
    if (huge) {
        tn_bufpool_give(&p, huge);
        CHECK_EQ_INT(p.n, TN_BUFPOOL_SLOTS);
    }
    /* custom release and empty buffers are not pooled */
    tn_buf *w = tn_malloc(sizeof *w);
    memset(w, 0, sizeof *w);
    w->refcnt = 1;
    w->cap = 4096;
    w->release = count_release;
    tn_bufpool_clear(&p);
    tn_bufpool_give(&p, w);
    CHECK_EQ_INT(g_released, 1);
    CHECK_EQ_INT(p.n, 0);
    tn_bufpool_give(&p, tn_buf_new(0));
    CHECK_EQ_INT(p.n, 0);
    CHECK_EQ_INT(tn_mem_in_use(), mem0);
}

TEST_MAIN(test_reuse_and_refs, test_limits)
