/*
 * memvfs.h -- a small in-memory file system (struct vfs, src/vfs/vfs.h) for the fuzz targets and
 * the corrupt-file robustness test, so hostile inputs are read without touching the disk and
 * nothing a target does (COPY TO, the writer's temp file + rename) can write outside memory.
 *
 * Header-only (every function static) because each fuzz target is a single translation unit.
 * Files live in a fixed table of MEMVFS_MAX_FILES slots; contents are malloc'd (not tn_malloc'd) so
 * tn_mem_in_use() measures only the library's own allocations. Everything handed to the library
 * that the library frees (glob/list results) is allocated with tn_malloc as vfs.h requires.
 * memvfs_open_handles() counts handles not yet closed so tests can check the library closed every
 * file it opened. Reads never go past the stored size: a short read is TN_CORRUPT "truncated",
 * like the POSIX VFS.
 *
 * Not thread-safe (one fuzzing thread).
 */
#ifndef TN_FUZZ_MEMVFS_H
#define TN_FUZZ_MEMVFS_H

#include "util/tn_base.h"
#include "vfs/vfs.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#define MEMVFS_UNUSED __attribute__((unused))
#define MEMVFS_FN MEMVFS_UNUSED static
#define MEMVFS_MAX_FILES 16
#define MEMVFS_MAX_BYTES ((size_t)256 << 20) /* cap per file: writes past it fail with TN_IOERR */

typedef struct memvfs_entry {
    char *path;          /* NULL: free slot */
    uint8_t *data;
    size_t size, cap;
    bool borrowed;       /* data points to caller memory (read-only) */
} memvfs_entry;

typedef struct memvfs_file {
    vfs_file base;
    int slot;
    int mode;
} memvfs_file;

MEMVFS_UNUSED static memvfs_entry memvfs_files[MEMVFS_MAX_FILES];
MEMVFS_UNUSED static int memvfs_handles;

MEMVFS_FN int memvfs_find(const char *path)
{
    for (int i = 0; i < MEMVFS_MAX_FILES; i++)
        if (memvfs_files[i].path && strcmp(memvfs_files[i].path, path) == 0)
            return i;
    return -1;
}

MEMVFS_FN void memvfs_drop(int i)
{
    memvfs_entry *e = &memvfs_files[i];
    free(e->path);
    if (!e->borrowed)
        free(e->data);
    memset(e, 0, sizeof *e);
}

/* Remove every file (handles must be closed already). */
MEMVFS_FN void memvfs_clear(void)
{
    for (int i = 0; i < MEMVFS_MAX_FILES; i++)
        if (memvfs_files[i].path)
            memvfs_drop(i);
}

MEMVFS_FN int memvfs_new_slot(const char *path)
{
    int i = memvfs_find(path);
    if (i >= 0) {
        memvfs_drop(i);
    } else {
        for (i = 0; i < MEMVFS_MAX_FILES && memvfs_files[i].path; i++)
            ;
        if (i == MEMVFS_MAX_FILES)
            return -1;
    }
    memvfs_files[i].path = strdup(path);
    return memvfs_files[i].path ? i : -1;
}

/* Make `path` a file whose bytes are data[0..n) without copying (data must outlive its use). */
MEMVFS_FN int memvfs_put_borrowed(const char *path, const uint8_t *data, size_t n)
{
    int i = memvfs_new_slot(path);
    if (i < 0)
        return -1;
    memvfs_files[i].data = (uint8_t *)(uintptr_t)data;
    memvfs_files[i].size = memvfs_files[i].cap = n;
    memvfs_files[i].borrowed = true;
    return 0;
}

/* The current bytes of `path`, or NULL if absent. */
MEMVFS_FN const uint8_t *memvfs_get(const char *path, size_t *n)
{
    int i = memvfs_find(path);
    if (i < 0)
        return NULL;
    *n = memvfs_files[i].size;
    return memvfs_files[i].data ? memvfs_files[i].data : (const uint8_t *)"";
}

MEMVFS_FN int memvfs_open_handles(void) { return memvfs_handles; }

MEMVFS_FN int mv_open(vfs *fs, const char *path, int mode, vfs_file **out, tn_err *err)
{
    int i = mode == VFS_WRITE ? memvfs_new_slot(path) : memvfs_find(path);
    if (i < 0)
        return mode == VFS_WRITE ? tn_err_set(err, TN_IOERR, "memvfs: no room for \"%s\"", path)
                                 : tn_err_set(err, TN_NOTFOUND, "memvfs: cannot open \"%s\": no such file", path);
    memvfs_file *f = calloc(1, sizeof *f);
    char *p = strdup(path);
    if (!f || !p) {
        free(f);
        free(p);
        return tn_err_set(err, TN_NOMEM, "memvfs: out of memory");
    }
    f->base.fs = fs;
    f->base.path = p;
    f->slot = i;
    f->mode = mode;
    memvfs_handles++;
    *out = &f->base;
    return TN_OK;
}

MEMVFS_FN int mv_close(vfs_file *vf)
{
    memvfs_file *f = (memvfs_file *)vf;
    free(f->base.path);
    free(f);
    memvfs_handles--;
    return TN_OK;
}

/* The slot of an open handle, or -1 if its file was removed/renamed away meanwhile. */
MEMVFS_FN int mv_slot(memvfs_file *f)
{
    return memvfs_find(f->base.path) == f->slot ? f->slot : -1;
}

MEMVFS_FN int mv_read(vfs_file *vf, uint64_t off, void *buf, size_t n, tn_err *err)
{
    int i = mv_slot((memvfs_file *)vf);
    if (i < 0)
        return tn_err_set(err, TN_IOERR, "memvfs: %s: file vanished", vf->path);
    const memvfs_entry *e = &memvfs_files[i];
    if (off > e->size || n > e->size - off)
        return tn_err_set(err, TN_CORRUPT, "%s: truncated: wanted %zu bytes at offset %llu, file ends first",
                          vf->path, n, (unsigned long long)off);
    if (n)
        memcpy(buf, e->data + off, n);
    return TN_OK;
}

MEMVFS_FN int mv_write(vfs_file *vf, const void *buf, size_t n, tn_err *err)
{
    memvfs_file *f = (memvfs_file *)vf;
    int i = mv_slot(f);
    if (i < 0 || f->mode != VFS_WRITE || memvfs_files[i].borrowed)
        return tn_err_set(err, TN_IOERR, "memvfs: %s: not writable", vf->path);
    memvfs_entry *e = &memvfs_files[i];
    if (n > MEMVFS_MAX_BYTES - e->size)
        return tn_err_set(err, TN_IOERR, "memvfs: %s: file too large", vf->path);
    if (e->size + n > e->cap) {
        size_t cap = e->cap ? e->cap : 4096;
        while (cap < e->size + n)
            cap *= 2;
        uint8_t *d = realloc(e->data, cap);
        if (!d)
            return tn_err_set(err, TN_NOMEM, "memvfs: out of memory");
        e->data = d;
        e->cap = cap;
    }
    if (n)
        memcpy(e->data + e->size, buf, n);
    e->size += n;
    return TN_OK;
}

MEMVFS_FN int mv_size(vfs_file *vf, uint64_t *out, tn_err *err)
{
    int i = mv_slot((memvfs_file *)vf);
    if (i < 0)
        return tn_err_set(err, TN_IOERR, "memvfs: %s: file vanished", vf->path);
    *out = memvfs_files[i].size;
    return TN_OK;
}

MEMVFS_FN int mv_sync(vfs_file *vf, tn_err *err)
{
    TN_UNUSED(vf);
    TN_UNUSED(err);
    return TN_OK;
}

MEMVFS_FN int mv_rename(vfs *fs, const char *from, const char *to, tn_err *err)
{
    TN_UNUSED(fs);
    int i = memvfs_find(from);
    if (i < 0)
        return tn_err_set(err, TN_NOTFOUND, "memvfs: rename: no file \"%s\"", from);
    int j = memvfs_find(to);
    if (j == i)
        return TN_OK;
    char *p = strdup(to);
    if (!p)
        return tn_err_set(err, TN_NOMEM, "memvfs: out of memory");
    if (j >= 0)
        memvfs_drop(j);
    free(memvfs_files[i].path);
    memvfs_files[i].path = p;
    return TN_OK;
}

MEMVFS_FN int mv_remove(vfs *fs, const char *path, tn_err *err)
{
    TN_UNUSED(fs);
    int i = memvfs_find(path);
    if (i < 0)
        return tn_err_set(err, TN_NOTFOUND, "memvfs: remove: no file \"%s\"", path);
    memvfs_drop(i);
    return TN_OK;
}

MEMVFS_FN int mv_stat(vfs *fs, const char *path, int *kind, uint64_t *size, tn_err *err)
{
    TN_UNUSED(fs);
    TN_UNUSED(err);
    int i = memvfs_find(path);
    *kind = i < 0 ? 0 : 1;
    if (size)
        *size = i < 0 ? 0 : memvfs_files[i].size;
    return TN_OK;
}

MEMVFS_FN int mv_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

MEMVFS_FN int mv_glob(vfs *fs, const char *pattern, char ***paths, size_t *n, tn_err *err)
{
    TN_UNUSED(fs);
    char **v = tn_calloc(MEMVFS_MAX_FILES + 1, sizeof *v);
    size_t k = 0;
    if (!v)
        return tn_err_set(err, TN_NOMEM, "memvfs: out of memory");
    for (int i = 0; i < MEMVFS_MAX_FILES; i++) {
        if (!memvfs_files[i].path || fnmatch(pattern, memvfs_files[i].path, 0) != 0)
            continue;
        if (!(v[k] = tn_strdup(memvfs_files[i].path))) {
            vfs_glob_free(v, k);
            return tn_err_set(err, TN_NOMEM, "memvfs: out of memory");
        }
        k++;
    }
    qsort(v, k, sizeof *v, mv_cmp);
    *paths = v;
    *n = k;
    return TN_OK;
}

MEMVFS_FN int mv_list(vfs *fs, const char *dir, char ***names, size_t *n, tn_err *err)
{
    TN_UNUSED(fs);
    TN_UNUSED(dir);
    *names = tn_calloc(1, sizeof **names);
    *n = 0;
    return *names ? TN_OK : tn_err_set(err, TN_NOMEM, "memvfs: out of memory");
}

MEMVFS_FN int mv_mkdirs(vfs *fs, const char *dir, tn_err *err)
{
    TN_UNUSED(fs);
    TN_UNUSED(dir);
    TN_UNUSED(err);
    return TN_OK;
}

MEMVFS_UNUSED static vfs memvfs = {"memory", mv_open, mv_close, mv_read, mv_write, mv_size, mv_sync, mv_rename,
                     mv_remove, mv_stat, mv_glob, mv_list, mv_mkdirs, NULL};

#endif
