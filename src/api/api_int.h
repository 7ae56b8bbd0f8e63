/*
 * api_int.h -- private structures of the public API (include/tarn.h), shared by api.c (connections,
 * prepare, statement metadata) and api_batch.c (fetching and batch access).
 *
 * Lifetimes: a tarn_db owns its VFS wrapper and error state. A tarn_stmt owns its plan (operator
 * tree), one reusable tarn_batch and the per-column dense buffers that batch exposes. Everything a
 * batch hands out (column data, validity, text) is valid until the next fetch or the finalize: it
 * points either into those dense buffers, into the text arena, or into the root operator's output
 * chunk, which the operator keeps unchanged until its next call.
 * A statement keeps its connection alive: tarn_close on a connection with open statements only
 * marks it, and the last finalize frees it (so a forgotten statement cannot dangle).
 */
#ifndef TN_API_INT_H
#define TN_API_INT_H

#include "tarn.h"
#include "util/tn_base.h"
#include "util/vector.h"
#include "util/sbuf.h"
#include "vfs/vfs.h"
#include "sql/sql.h"
#include "delta/delta.h"

/* Tables whose newest Delta snapshot a connection keeps (delta.h "snapshot cache"). */
#define TARN_SNAPCACHE_TABLES 16

/* VFS wrapper resolving relative paths against the connection's base directory. */
typedef struct api_vfs {
    vfs base;      /* must stay first: the vfs callbacks receive &base */
    vfs *inner;
    char *dir;     /* absolute, no trailing '/' */
} api_vfs;

struct tarn_db {
    vfs *fs;             /* vfs_default() or &bvfs.base */
    struct dlt_snapcache *snapcache; /* Delta snapshots reused across statements (owned) */
    api_vfs bvfs;
    int errcode;
    char errmsg[TN_ERR_MSG_MAX];
    uint32_t nstmts;     /* statements not yet finalized */
    bool closing;        /* tarn_close called while statements were open */
};

/* Dense storage for one result column, reused batch after batch. */
typedef struct api_col {
    tn_type type;
    tarn_type ttype;
    char *type_name;       /* tn_malloc'd, any length (nested type names can be long) */
    void *dense;           /* rows * width bytes (tarn_string for VARCHAR/BLOB) */
    size_t dense_cap;      /* bytes */
    uint64_t *valid;       /* validity scratch */
    size_t valid_words;
} api_col;

/* A block of the per-batch text arena. */
typedef struct api_text_block {
    struct api_text_block *next;
    size_t used, cap;
    char data[];
} api_text_block;

struct tarn_batch {
    tarn_stmt *st;
    uint64_t rows;
    tarn_column *cols;     /* ncols: what tarn_batch_column returns */
    tn_chunk *chunk;       /* the root operator's chunk this batch was made from */
    api_text_block *text;  /* arena for tarn_batch_text */
};

enum { API_ST_RUNNING = 0, API_ST_DONE = 1, API_ST_FAILED = 2 };

struct tarn_stmt {
    tarn_db *db;
    sq_plan *plan;
    volatile int interrupt;    /* set by tarn_stmt_interrupt; every operator points at it */
    int state;                 /* API_ST_* */
    int fail_code;             /* API_ST_FAILED: the error, repeated by later fetches */
    char *fail_msg;
    uint32_t ncols;
    api_col *cols;
    tarn_batch batch;
    tn_sbuf scratch;           /* text rendering */
};

/* Error state of a connection (api.c). */
void api_clear_err(tarn_db *db);
int api_set_err(tarn_db *db, int code, const char *msg);

/* Batch machinery (api_batch.c). */
void api_batch_release(tarn_stmt *st);   /* frees the batch's buffers (at finalize) */

#endif
