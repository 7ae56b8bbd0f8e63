/*
 * op_copy_parquet.c -- COPY_TO_PARQUET: the sink of COPY (query) TO 'path' (FORMAT parquet, ...).
 *
 * On the first next() the operator drains its child batch by batch into Parquet writers
 * (writer.h), closes them (footer, fsync, atomic rename over the target) and yields one chunk of
 * one row with one BIGINT column "Count": the number of rows written. Later calls return the
 * end. Writers are opened lazily on the first next() (not in the constructor), so building a plan
 * and EXPLAINing it creates no file or directory.
 *
 * Three output layouts:
 *  - single file (the default): `path` is the file. Any error -- from the child, the writer, or
 *    a cancel request -- aborts the writer, which removes its temporary file, so a failed COPY
 *    never leaves a partial file and never touches an existing target.
 *  - PER_THREAD_OUTPUT: `path` is a directory holding one file per writer thread,
 *    data_<thread>.parquet. Execution is single-threaded today, so it holds data_0.parquet.
 *  - PARTITION_BY (cols): `path` is a directory of Hive-style partitions: every distinct
 *    combination of the partition columns' values goes to `path/c1=v1/c2=v2/data_<n>.parquet`,
 *    and the partition columns are not written into the files (readers take them from the path).
 *    Names and values are escaped as Hive does: control characters, DEL and
 *    " # % ' * / : = ? \ [ ] ^ { become %XX (uppercase hex); NULL is __HIVE_DEFAULT_PARTITION__
 *    (a string equal to that marker is written %5F_HIVE_DEFAULT_PARTITION__ so it cannot be read
 *    back as NULL); values are rendered as the shell prints them (util/format.h).
 * For both directory layouts the directory is created (with its parents) if missing; an
 * existing non-empty directory is refused unless OVERWRITE_OR_IGNORE is set, in which case files
 * of the same name are replaced and other files are left alone.
 *
 * Partitioned writing. Each batch is split by partition: a row's key is the raw bytes of its
 * partition values (a NULL flag, then the fixed-width value or the string bytes; NaNs folded to
 * one pattern), found in a hash table of keys; rows are then grouped per partition (counting
 * sort into one array of row numbers) and each group is handed to its partition's writer as the
 * batch's vectors with a selection vector, so no value is copied here. Two keys whose rendering
 * gives the same directory (possible for BLOB text) share one partition. Memory stays bounded by
 * the number of open writers: at most max_open_files (PARTITIONED_WRITE_MAX_OPEN_FILES) are
 * open; opening one more closes the least recently used, finishing its file, and that partition
 * continues later in data_<n+1>.parquet. On failure every open writer is aborted and every file
 * this COPY already finished is removed (created directories stay).
 */
#include "op_int.h"
#include "../parquet/writer.h"
#include "../parquet/encoding.h"
#include "../util/format.h"
#include "../util/sbuf.h"
#include "../vfs/vfs.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#define CP_DEFAULT_PARTITION "__HIVE_DEFAULT_PARTITION__"

/* One output file stream: a partition directory (or the PER_THREAD_OUTPUT directory). */
typedef struct cp_part {
    char *dir;              /* owned */
    uint64_t dir_hash;
    pq_writer *w;           /* open writer or NULL */
    uint32_t next_file;     /* number of the next data_<n>.parquet */
    uint64_t last_use;      /* LRU tick */
    uint32_t cnt, start;    /* rows of the current batch (valid when epoch matches) */
    uint64_t epoch;
} cp_part;

/* Hash table entry: a byte string (in a store) mapped to a partition. */
typedef struct cp_ent {
    uint64_t hash;
    uint32_t off, len;
    uint32_t part;
} cp_ent;

typedef struct cp_map {
    cp_ent *ents;
    uint32_t nents, cap;
    uint32_t *slots;        /* entry index + 1; power-of-two count */
    uint32_t nslots;
    pq_bytes store;
} cp_map;

/* Read access to one partition column of the current batch. */
typedef struct cp_pview {
    const uint8_t *data;    /* values */
    const uint32_t *idx;    /* DICT indexes, or NULL */
    const uint64_t *valid;  /* row validity, or NULL */
    const uint64_t *dvalid; /* dictionary entry validity, or NULL */
    bool is_const;
    size_t width;
    tn_type type;
} cp_pview;

typedef struct op_copy_parquet {
    ex_op base;
    char **names;            /* child column names (owned) */
    uint32_t nnames;
    char *path;              /* owned */
    pq_write_options opts;   /* deep copy, owned */
    vfs *fs;                 /* where files go (vfs_default() unless op_copy_parquet_set_vfs) */
    uint32_t *pcols;         /* partition column indexes (owned) */
    uint32_t npcols;
    bool per_thread;
    uint32_t *ocols;         /* columns written into the files (owned) */
    uint32_t nocols;
    const char **onames;     /* names of ocols (pointers into names) */
    tn_type *otypes;
    tn_chunk *out;
    bool done;
    /* ---- run state (directory layouts) ---- */
    cp_part *parts;
    uint32_t nparts, parts_cap;
    cp_map keys;             /* raw partition key -> part */
    cp_map dirs;             /* directory -> part */
    uint32_t nopen;
    uint64_t tick, epoch;
    char **files;            /* finished files (removed if the COPY fails) */
    uint32_t nfiles, files_cap;
    uint64_t rows;
    tn_chunk *view;          /* the written columns of a batch, with a partition's selection */
    uint32_t *pid, *order, *touched;
    uint32_t row_cap;
    cp_pview *pv;
    pq_bytes kbuf;
    tn_sbuf sb;
} op_copy_parquet;

/* ======================= hash map of byte strings ======================= */

static void map_free(cp_map *m)
{
    tn_free(m->ents);
    tn_free(m->slots);
    pq_bytes_free(&m->store);
    memset(m, 0, sizeof *m);
}

/* Entry index of key k, or -1. */
static int64_t map_find(const cp_map *m, const void *k, uint32_t n, uint64_t h)
{
    if (!m->nslots)
        return -1;
    uint32_t mask = m->nslots - 1;
    for (uint32_t p = (uint32_t)h & mask;; p = (p + 1) & mask) {
        uint32_t s = m->slots[p];
        if (!s)
            return -1;
        const cp_ent *e = &m->ents[s - 1];
        if (e->hash == h && e->len == n && (n == 0 || memcmp(m->store.data + e->off, k, n) == 0))
            return s - 1;
    }
}

static int map_add(cp_map *m, const void *k, uint32_t n, uint64_t h, uint32_t part)
{
    if (m->nents == m->cap) {
        uint32_t nc = m->cap ? m->cap * 2 : 64;
        cp_ent *e = tn_realloc(m->ents, (size_t)nc * sizeof *e);
        if (!e)
            return TN_NOMEM;
        m->ents = e;
        m->cap = nc;
    }
    if ((uint64_t)(m->nents + 1) * 2 > m->nslots) {
        uint32_t ns = m->nslots ? m->nslots * 2 : 128;
        uint32_t *sl = tn_calloc(ns, sizeof *sl);
        if (!sl)
            return TN_NOMEM;
        for (uint32_t i = 0; i < m->nents; i++) {
            uint32_t p = (uint32_t)m->ents[i].hash & (ns - 1);
            while (sl[p])
                p = (p + 1) & (ns - 1);
            sl[p] = i + 1;
        }
        tn_free(m->slots);
        m->slots = sl;
        m->nslots = ns;
    }
    if (m->store.len > UINT32_MAX - (size_t)n)
        return TN_NOMEM;
    cp_ent *e = &m->ents[m->nents];
    e->hash = h;
    e->off = (uint32_t)m->store.len;
    e->len = n;
    e->part = part;
    if (pq_bytes_append(&m->store, k, n))
        return TN_NOMEM;
    uint32_t mask = m->nslots - 1, p = (uint32_t)h & mask;
    while (m->slots[p])
        p = (p + 1) & mask;
    m->slots[p] = ++m->nents;
    return TN_OK;
}

/* ======================= paths ======================= */

static bool hive_escaped(unsigned char c)
{
    if (c < 0x20 || c == 0x7F)
        return true;
    return strchr("\"#%'*/:=?\\[]^{", c) != NULL && c != 0;
}

static void hive_escape(tn_sbuf *sb, const char *p, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (hive_escaped(c)) {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            tn_sbuf_append(sb, e, 3);
        } else {
            tn_sbuf_putc(sb, (char)c);
        }
    }
}

static void join(tn_sbuf *sb, const char *dir, const char *name)
{
    tn_sbuf_puts(sb, dir);
    if (sb->len && sb->buf[sb->len - 1] != '/')
        tn_sbuf_putc(sb, '/');
    tn_sbuf_puts(sb, name);
}

/* ======================= writers ======================= */

static int remember_file(op_copy_parquet *cp, const char *path, tn_err *err)
{
    if (cp->nfiles == cp->files_cap) {
        uint32_t nc = cp->files_cap ? cp->files_cap * 2 : 16;
        char **f = tn_realloc(cp->files, (size_t)nc * sizeof *f);
        if (!f)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        cp->files = f;
        cp->files_cap = nc;
    }
    if (!(cp->files[cp->nfiles] = tn_strdup(path)))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    cp->nfiles++;
    return TN_OK;
}

/* Finish a partition's open file. */
static int part_close(op_copy_parquet *cp, cp_part *p, tn_err *err)
{
    pq_writer *w = p->w;
    p->w = NULL;
    cp->nopen--;
    cp->rows += pq_writer_rows(w);
    int rc = pq_writer_close(w, err); /* frees w */
    if (rc)
        return rc;
    tn_sbuf_clear(&cp->sb);
    char name[48];
    snprintf(name, sizeof name, "data_%u.parquet", p->next_file - 1);
    join(&cp->sb, p->dir, name);
    if (cp->sb.oom)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    return remember_file(cp, tn_sbuf_str(&cp->sb), err);
}

/* Open the next file of partition p, closing the least recently used writer first if needed. */
static int part_open(op_copy_parquet *cp, cp_part *p, tn_err *err)
{
    int rc;
    uint32_t maxopen = cp->opts.max_open_files ? cp->opts.max_open_files : 1;
    while (cp->nopen >= maxopen) {
        cp_part *lru = NULL;
        for (uint32_t i = 0; i < cp->nparts; i++)
            if (cp->parts[i].w && (!lru || cp->parts[i].last_use < lru->last_use))
                lru = &cp->parts[i];
        if (!lru)
            break;
        if ((rc = part_close(cp, lru, err)) != TN_OK)
            return rc;
    }
    vfs *fs = cp->fs;
    if (p->next_file == 0 && fs->mkdirs && (rc = fs->mkdirs(fs, p->dir, err)) != TN_OK)
        return tn_err_prefix(err, rc, "COPY: cannot create directory \"%s\": ", p->dir);
    tn_sbuf_clear(&cp->sb);
    char name[48];
    snprintf(name, sizeof name, "data_%u.parquet", p->next_file);
    join(&cp->sb, p->dir, name);
    if (cp->sb.oom)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    if ((rc = pq_writer_open(fs, tn_sbuf_str(&cp->sb), cp->nocols, cp->onames, cp->otypes, &cp->opts, &p->w, err)))
        return rc;
    p->next_file++;
    cp->nopen++;
    return TN_OK;
}

/* The partition for directory `dir`, created if new. */
static int part_for_dir(op_copy_parquet *cp, const char *dir, uint32_t *out, tn_err *err)
{
    size_t n = strlen(dir);
    uint64_t h = XXH3_64bits(dir, n);
    int64_t e = map_find(&cp->dirs, dir, (uint32_t)n, h);
    if (e >= 0) {
        *out = cp->dirs.ents[e].part;
        return TN_OK;
    }
    if (cp->nparts == cp->parts_cap) {
        uint32_t nc = cp->parts_cap ? cp->parts_cap * 2 : 16;
        cp_part *p = tn_realloc(cp->parts, (size_t)nc * sizeof *p);
        if (!p)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        cp->parts = p;
        cp->parts_cap = nc;
    }
    cp_part *p = &cp->parts[cp->nparts];
    memset(p, 0, sizeof *p);
    if (!(p->dir = tn_strdup(dir)))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    p->dir_hash = h;
    if (map_add(&cp->dirs, dir, (uint32_t)n, h, cp->nparts)) {
        tn_free(p->dir);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    *out = cp->nparts++;
    return TN_OK;
}

/* ======================= partition keys ======================= */

static void pview_init(cp_pview *pv, const tn_vector *v, uint32_t count)
{
    memset(pv, 0, sizeof *pv);
    pv->type = v->type;
    pv->width = tn_type_width(v->type);
    if (v->kind == TN_VEC_CONST) {
        pv->is_const = true;
        pv->data = v->data;
        pv->valid = v->validity;
        return;
    }
    tn_vview vw;
    tn_vector_view(v, count, &vw);
    pv->data = vw.data;
    pv->idx = vw.idx;
    pv->valid = vw.validity;
    if (v->kind == TN_VEC_DICT)
        pv->dvalid = v->dict->validity;
}

/* Value of row r: NULL if it is NULL. */
static inline const uint8_t *pview_get(const cp_pview *pv, uint32_t r)
{
    if (pv->is_const)
        return pv->valid && !tn_bit_get(pv->valid, 0) ? NULL : pv->data;
    if (pv->valid && !tn_bit_get(pv->valid, r))
        return NULL;
    uint32_t i = pv->idx ? pv->idx[r] : r;
    if (pv->dvalid && !tn_bit_get(pv->dvalid, i))
        return NULL;
    return pv->data + (size_t)i * pv->width;
}

/* Append row r's key to kbuf. */
static int key_build(op_copy_parquet *cp, uint32_t r)
{
    pq_bytes *k = &cp->kbuf;
    k->len = 0;
    for (uint32_t j = 0; j < cp->npcols; j++) {
        const cp_pview *pv = &cp->pv[j];
        const uint8_t *p = pview_get(pv, r);
        uint8_t flag = p != NULL;
        if (pq_bytes_append(k, &flag, 1))
            return TN_NOMEM;
        if (!p)
            continue;
        if (pv->type.id == TN_T_VARCHAR || pv->type.id == TN_T_BLOB) {
            const tn_str *s = (const tn_str *)p;
            uint32_t l = s->len;
            if (pq_bytes_append(k, &l, 4) || pq_bytes_append(k, tn_str_data(s), l))
                return TN_NOMEM;
        } else if (pv->type.id == TN_T_DOUBLE && isnan(*(const double *)p)) {
            double nan = NAN;
            if (pq_bytes_append(k, &nan, 8))
                return TN_NOMEM;
        } else if (pv->type.id == TN_T_FLOAT && isnan(*(const float *)p)) {
            float nan = NAN;
            if (pq_bytes_append(k, &nan, 4))
                return TN_NOMEM;
        } else if (pq_bytes_append(k, p, pv->width)) {
            return TN_NOMEM;
        }
    }
    return TN_OK;
}

/* Directory of the partition whose first row is r. */
static int key_dir(op_copy_parquet *cp, uint32_t r, tn_sbuf *sb)
{
    tn_sbuf_clear(sb);
    tn_sbuf_puts(sb, cp->path);
    tn_sbuf val = TN_SBUF_INIT;
    for (uint32_t j = 0; j < cp->npcols; j++) {
        const cp_pview *pv = &cp->pv[j];
        const char *name = cp->names[cp->pcols[j]];
        if (sb->len && sb->buf[sb->len - 1] != '/')
            tn_sbuf_putc(sb, '/');
        hive_escape(sb, name, strlen(name));
        tn_sbuf_putc(sb, '=');
        const uint8_t *p = pview_get(pv, r);
        if (!p) {
            tn_sbuf_puts(sb, CP_DEFAULT_PARTITION);
            continue;
        }
        tn_sbuf_clear(&val);
        tn_format_value(&val, pv->type, p);
        const char *vs = val.len ? tn_sbuf_str(&val) : "";
        if (strcmp(vs, CP_DEFAULT_PARTITION) == 0) {
            tn_sbuf_puts(sb, "%5F");
            hive_escape(sb, vs + 1, val.len - 1);
        } else {
            hive_escape(sb, vs, val.len);
        }
    }
    bool oom = val.oom || sb->oom;
    tn_sbuf_free(&val);
    return oom ? TN_NOMEM : TN_OK;
}

static int grow_rows(op_copy_parquet *cp, uint32_t n)
{
    if (n <= cp->row_cap)
        return TN_OK;
    uint32_t *a = tn_realloc(cp->pid, (size_t)n * sizeof *a);
    if (a)
        cp->pid = a;
    uint32_t *b = a ? tn_realloc(cp->order, (size_t)n * sizeof *b) : NULL;
    if (b)
        cp->order = b;
    uint32_t *t = b ? tn_realloc(cp->touched, (size_t)n * sizeof *t) : NULL;
    if (t)
        cp->touched = t;
    if (!t)
        return TN_NOMEM;
    cp->row_cap = n;
    return TN_OK;
}

/* Route the active rows of batch c to their partitions' writers. */
static int write_partitioned(op_copy_parquet *cp, tn_chunk *c, tn_err *err)
{
    uint32_t n = tn_chunk_rows(c);
    int rc = TN_OK;
    if (grow_rows(cp, n))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    for (uint32_t j = 0; j < cp->npcols; j++)
        pview_init(&cp->pv[j], c->cols[cp->pcols[j]], c->count);
    cp->epoch++;
    uint32_t ntouched = 0;
    /* 1. partition of every active row (consecutive equal keys skip the lookup) */
    pq_bytes prev = {0};
    uint32_t prev_part = 0;
    bool have_prev = false;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t r = c->sel ? c->sel[k] : k;
        if (key_build(cp, r)) {
            rc = tn_err_set(err, TN_NOMEM, "out of memory");
            goto done;
        }
        uint32_t part;
        if (have_prev && prev.len == cp->kbuf.len && memcmp(prev.data, cp->kbuf.data, prev.len) == 0) {
            part = prev_part;
        } else {
            uint64_t h = XXH3_64bits(cp->kbuf.data, cp->kbuf.len);
            int64_t e = map_find(&cp->keys, cp->kbuf.data, (uint32_t)cp->kbuf.len, h);
            if (e >= 0) {
                part = cp->keys.ents[e].part;
            } else {
                if ((rc = key_dir(cp, r, &cp->sb)) != TN_OK) {
                    rc = tn_err_set(err, TN_NOMEM, "out of memory");
                    goto done;
                }
                if ((rc = part_for_dir(cp, tn_sbuf_str(&cp->sb), &part, err)) != TN_OK)
                    goto done;
                if (map_add(&cp->keys, cp->kbuf.data, (uint32_t)cp->kbuf.len, h, part)) {
                    rc = tn_err_set(err, TN_NOMEM, "out of memory");
                    goto done;
                }
            }
            prev.len = 0;
            if (pq_bytes_append(&prev, cp->kbuf.data, cp->kbuf.len)) {
                rc = tn_err_set(err, TN_NOMEM, "out of memory");
                goto done;
            }
            prev_part = part;
            have_prev = true;
        }
        cp_part *p = &cp->parts[part];
        if (p->epoch != cp->epoch) {
            p->epoch = cp->epoch;
            p->cnt = 0;
            cp->touched[ntouched++] = part;
        }
        p->cnt++;
        cp->pid[k] = part;
    }
    /* 2. group the rows by partition (stable: rows stay ascending within a partition) */
    uint32_t at = 0;
    for (uint32_t t = 0; t < ntouched; t++) {
        cp_part *p = &cp->parts[cp->touched[t]];
        p->start = at;
        at += p->cnt;
        p->cnt = 0;
    }
    for (uint32_t k = 0; k < n; k++) {
        cp_part *p = &cp->parts[cp->pid[k]];
        cp->order[p->start + p->cnt++] = c->sel ? c->sel[k] : k;
    }
    /* 3. hand each group to its writer */
    for (uint32_t j = 0; j < cp->nocols; j++)
        tn_chunk_set_col(cp->view, j, c->cols[cp->ocols[j]]);
    cp->view->count = c->count;
    for (uint32_t t = 0; t < ntouched && rc == TN_OK; t++) {
        cp_part *p = &cp->parts[cp->touched[t]];
        p->last_use = ++cp->tick;
        if (!p->w && (rc = part_open(cp, p, err)) != TN_OK)
            break;
        cp->view->sel = cp->order + p->start;
        cp->view->nsel = p->cnt;
        rc = pq_writer_write(p->w, cp->view, err);
    }
    cp->view->sel = NULL;
    cp->view->nsel = 0;
    for (uint32_t j = 0; j < cp->nocols; j++)
        tn_chunk_set_col(cp->view, j, NULL);
done:
    pq_bytes_free(&prev);
    return rc;
}

/* ======================= driver ======================= */

/* Create the target directory, or check that it may be written into. */
static int prepare_dir(op_copy_parquet *cp, tn_err *err)
{
    vfs *fs = cp->fs;
    int kind = 0, rc;
    if (!fs->stat || !fs->mkdirs || !fs->list)
        return tn_err_set(err, TN_NOTSUP, "the %s file system cannot create directories", fs->name);
    if ((rc = fs->stat(fs, cp->path, &kind, NULL, err)) != TN_OK)
        return rc;
    if (kind == 0) {
        if ((rc = fs->mkdirs(fs, cp->path, err)) != TN_OK)
            return tn_err_prefix(err, rc, "COPY: cannot create directory \"%s\": ", cp->path);
        return TN_OK;
    }
    if (kind != 2)
        return tn_err_set(err, TN_ERROR, "COPY with %s: \"%s\" exists and is not a directory",
                          cp->npcols ? "PARTITION_BY" : "PER_THREAD_OUTPUT", cp->path);
    char **names = NULL;
    size_t n = 0;
    if ((rc = fs->list(fs, cp->path, &names, &n, err)) != TN_OK)
        return rc;
    vfs_glob_free(names, n);
    if (n > 0 && !cp->opts.overwrite_or_ignore)
        return tn_err_set(err, TN_ERROR,
                          "COPY: directory \"%s\" is not empty (enable OVERWRITE_OR_IGNORE to write into it)",
                          cp->path);
    return TN_OK;
}

static void run_cleanup(op_copy_parquet *cp, bool failed)
{
    for (uint32_t i = 0; i < cp->nparts; i++) {
        if (cp->parts[i].w)
            pq_writer_abort(cp->parts[i].w);
        tn_free(cp->parts[i].dir);
    }
    tn_free(cp->parts);
    cp->parts = NULL;
    cp->nparts = cp->parts_cap = cp->nopen = 0;
    vfs *fs = cp->fs;
    for (uint32_t i = 0; i < cp->nfiles; i++) {
        if (failed && fs->remove)
            fs->remove(fs, cp->files[i], NULL);
        tn_free(cp->files[i]);
    }
    tn_free(cp->files);
    cp->files = NULL;
    cp->nfiles = cp->files_cap = 0;
    map_free(&cp->keys);
    map_free(&cp->dirs);
    tn_free(cp->pid);
    tn_free(cp->order);
    tn_free(cp->touched);
    cp->pid = cp->order = cp->touched = NULL;
    cp->row_cap = 0;
    pq_bytes_free(&cp->kbuf);
    tn_sbuf_free(&cp->sb);
}

/* Partition columns (given, or named by opts->partition_by) and the columns written. */
static int setup_columns(op_copy_parquet *cp, tn_err *err)
{
    ex_op *child = cp->base.child[0];
    uint32_t nc = child->ncols;
    int rc;
    if (!cp->npcols && cp->opts.npartition_by) {
        if (!(cp->pcols = tn_malloc((size_t)cp->opts.npartition_by * sizeof *cp->pcols)))
            return tn_err_set(err, TN_NOMEM, "out of memory");
        if ((rc = pq_write_options_partition_indexes(&cp->opts, nc, (const char *const *)cp->names, cp->pcols,
                                                     err)) != TN_OK)
            return rc;
        cp->npcols = cp->opts.npartition_by;
    }
    /* partition values become directory names: nested values have no such rendering */
    for (uint32_t j = 0; j < cp->npcols; j++)
        if (cp->pcols[j] < nc && tn_type_is_nested(child->types[cp->pcols[j]]))
            return tn_err_set(err, TN_NOTSUP, "COPY: PARTITION_BY column \"%s\" has a nested type",
                              cp->names[cp->pcols[j]]);
    cp->pv = tn_calloc(cp->npcols ? cp->npcols : 1, sizeof *cp->pv);
    cp->ocols = tn_calloc(nc ? nc : 1, sizeof *cp->ocols);
    cp->onames = tn_calloc(nc ? nc : 1, sizeof *cp->onames);
    cp->otypes = tn_calloc(nc ? nc : 1, sizeof *cp->otypes);
    if (!cp->pv || !cp->ocols || !cp->onames || !cp->otypes)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    cp->nocols = 0;
    for (uint32_t i = 0; i < nc; i++) {
        bool part = false;
        for (uint32_t j = 0; j < cp->npcols; j++)
            part |= cp->pcols[j] == i;
        if (part)
            continue;
        cp->ocols[cp->nocols] = i;
        cp->onames[cp->nocols] = cp->names[i];
        cp->otypes[cp->nocols] = child->types[i];
        cp->nocols++;
    }
    if (cp->nocols == 0)
        return tn_err_set(err, TN_ERROR, "COPY: no columns left to write outside the partition columns");
    if (!(cp->view = tn_chunk_new(cp->nocols, NULL, 0)))
        return tn_err_set(err, TN_NOMEM, "out of memory");
    return TN_OK;
}

static int copy_run_dir(op_copy_parquet *cp, uint64_t *rows, tn_err *err)
{
    ex_op *child = cp->base.child[0];
    int rc = prepare_dir(cp, err);
    uint32_t single = 0;
    if (rc == TN_OK && !cp->npcols) /* PER_THREAD_OUTPUT: one stream, the directory itself */
        rc = part_for_dir(cp, cp->path, &single, err);
    while (rc == TN_OK) {
        tn_chunk *c = NULL;
        if ((rc = ex_op_next(child, &c, err)) != TN_OK || !c)
            break;
        if (tn_chunk_rows(c) == 0)
            continue;
        if ((rc = ex_op_check_interrupt(&cp->base, err)) != TN_OK)
            break;
        if (cp->npcols) {
            rc = write_partitioned(cp, c, err);
        } else {
            cp_part *p = &cp->parts[single];
            if (!p->w)
                rc = part_open(cp, p, err);
            if (rc == TN_OK) {
                for (uint32_t j = 0; j < cp->nocols; j++)
                    tn_chunk_set_col(cp->view, j, c->cols[cp->ocols[j]]);
                cp->view->count = c->count;
                cp->view->sel = c->sel;
                cp->view->nsel = c->nsel;
                rc = pq_writer_write(p->w, cp->view, err);
                cp->view->sel = NULL;
                for (uint32_t j = 0; j < cp->nocols; j++)
                    tn_chunk_set_col(cp->view, j, NULL);
            }
        }
    }
    if (rc == TN_OK && !cp->npcols && !cp->parts[single].w) /* no rows: still one (empty) file */
        rc = part_open(cp, &cp->parts[single], err);
    for (uint32_t i = 0; i < cp->nparts && rc == TN_OK; i++)
        if (cp->parts[i].w)
            rc = part_close(cp, &cp->parts[i], err);
    *rows = cp->rows;
    run_cleanup(cp, rc != TN_OK);
    return rc;
}

static int copy_run(op_copy_parquet *cp, uint64_t *rows, tn_err *err)
{
    if (cp->npcols || cp->opts.npartition_by || cp->per_thread) {
        int rc = setup_columns(cp, err);
        return rc ? rc : copy_run_dir(cp, rows, err);
    }
    ex_op *child = cp->base.child[0];
    pq_writer *w = NULL;
    int rc = pq_writer_open(cp->fs, cp->path, child->ncols, (const char *const *)cp->names, child->types,
                            &cp->opts, &w, err);
    if (rc)
        return rc;
    for (;;) {
        tn_chunk *c = NULL;
        if ((rc = ex_op_next(child, &c, err)) != TN_OK)
            goto fail;
        if (!c)
            break;
        if (tn_chunk_rows(c) == 0)
            continue;
        if ((rc = ex_op_check_interrupt(&cp->base, err)) != TN_OK)
            goto fail;
        if ((rc = pq_writer_write(w, c, err)) != TN_OK)
            goto fail;
    }
    *rows = pq_writer_rows(w);
    return pq_writer_close(w, err); /* frees w; removes the temporary file on failure */
fail:
    pq_writer_abort(w);
    return rc;
}

static int copy_next(ex_op *op, tn_chunk **out, tn_err *err)
{
    op_copy_parquet *cp = (op_copy_parquet *)op;
    *out = NULL;
    if (cp->done)
        return TN_OK;
    cp->done = true;
    uint64_t rows = 0;
    int rc = copy_run(cp, &rows, err);
    if (rc)
        return rc;
    tn_chunk_reset(cp->out);
    ((int64_t *)cp->out->cols[0]->data)[0] = (int64_t)rows;
    cp->out->count = 1;
    *out = cp->out;
    return TN_OK;
}

static void copy_explain(const ex_op *op, tn_sbuf *out)
{
    const op_copy_parquet *cp = (const op_copy_parquet *)op;
    /* the base prints the operator name first: "COPY_TO_PARQUET path=..." */
    tn_sbuf_printf(out, "path=%s", cp->path);
    if (cp->npcols) {
        tn_sbuf_puts(out, " partition_by=");
        for (uint32_t j = 0; j < cp->npcols; j++)
            tn_sbuf_printf(out, "%s%s", j ? "," : "", cp->names[cp->pcols[j]]);
    } else if (cp->opts.npartition_by) {
        tn_sbuf_puts(out, " partition_by=");
        for (uint32_t j = 0; j < cp->opts.npartition_by; j++)
            tn_sbuf_printf(out, "%s%s", j ? "," : "", cp->opts.partition_by[j]);
    }
    if (cp->per_thread)
        tn_sbuf_puts(out, " per_thread_output");
}

static void copy_destroy(ex_op *op)
{
    op_copy_parquet *cp = (op_copy_parquet *)op;
    run_cleanup(cp, false);
    for (uint32_t i = 0; i < cp->nnames && cp->names; i++)
        tn_free(cp->names[i]);
    tn_free(cp->names);
    tn_free(cp->path);
    pq_write_options_free(&cp->opts);
    tn_free(cp->pcols);
    tn_free(cp->ocols);
    tn_free(cp->onames);
    tn_free(cp->otypes);
    tn_free(cp->pv);
    tn_chunk_free(cp->view);
    tn_chunk_free(cp->out);
}

static const ex_op_vt copy_vt = {"COPY_TO_PARQUET", copy_next, copy_destroy, copy_explain};

ex_op *op_copy_parquet_create_ex(ex_op *child, const char *const *names, const char *path,
                                 const struct pq_write_options *opts, const uint32_t *partition_cols,
                                 uint32_t npartition_cols, bool per_thread_output)
{
    bool bad = !child || !path || (npartition_cols && (!partition_cols || npartition_cols >= child->ncols));
    for (uint32_t j = 0; !bad && j < npartition_cols; j++) {
        bad = partition_cols[j] >= child->ncols;
        for (uint32_t k = 0; k < j && !bad; k++)
            bad = partition_cols[k] == partition_cols[j];
    }
    if (bad) {
        ex_op_free(child);
        return NULL;
    }
    tn_type bigint = tn_type_make(TN_T_INT64);
    op_copy_parquet *cp = ex_op_alloc(sizeof *cp, &copy_vt, 1, &bigint);
    if (!cp) {
        ex_op_free(child);
        return NULL;
    }
    cp->base.child[0] = child;
    cp->base.nchild = 1;
    cp->fs = vfs_default();
    pq_write_options_default(&cp->opts);
    if (opts && pq_write_options_copy(&cp->opts, opts, NULL) != TN_OK)
        goto nomem;
    cp->per_thread = per_thread_output || cp->opts.per_thread_output;
    if (!(cp->path = tn_strdup(path)))
        goto nomem;
    uint32_t nc = child->ncols;
    cp->names = tn_calloc(nc ? nc : 1, sizeof *cp->names);
    if (!cp->names)
        goto nomem;
    cp->nnames = nc;
    for (uint32_t i = 0; i < nc; i++) {
        if (names && names[i]) {
            cp->names[i] = tn_strdup(names[i]);
        } else {
            char buf[32];
            snprintf(buf, sizeof buf, "column%u", i);
            cp->names[i] = tn_strdup(buf);
        }
        if (!cp->names[i])
            goto nomem;
    }
    cp->npcols = npartition_cols;
    if (npartition_cols) {
        if (!(cp->pcols = tn_malloc((size_t)npartition_cols * sizeof *cp->pcols)))
            goto nomem;
        memcpy(cp->pcols, partition_cols, (size_t)npartition_cols * sizeof *cp->pcols);
    }
    if (!(cp->out = tn_chunk_new(1, &bigint, 1)))
        goto nomem;
    return &cp->base;
nomem:
    ex_op_free(&cp->base);
    return NULL;
}

void op_copy_parquet_set_vfs(ex_op *op, struct vfs *fs)
{
    if (op && fs && op->vt == &copy_vt)
        ((op_copy_parquet *)op)->fs = fs;
}

ex_op *op_copy_parquet_create(ex_op *child, const char *const *names, const char *path,
                              const struct pq_write_options *opts)
{
    return op_copy_parquet_create_ex(child, names, path, opts, NULL, 0, false);
}
