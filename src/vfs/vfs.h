/*
 * vfs.h -- file access behind one interface.
 *
 * Implementations: the POSIX local-file VFS (vfs_posix.c, pread-based) now; object storage and a
 * fault-injecting test VFS implement the same vtable later. Everything above this layer (Parquet,
 * Delta) reads and writes only through it.
 *
 * Ownership: vfs_open returns a vfs_file the caller closes with vfs_close. vfs_default() returns a
 * process-wide static instance (never freed). glob results are freed with vfs_glob_free.
 * Thread-safety: vfs_read (pread) on one vfs_file may be called from several threads at once;
 * writes to one file are single-threaded.
 */
#ifndef TN_VFS_H
#define TN_VFS_H

#include "../util/tn_base.h"

typedef struct vfs vfs;
typedef struct vfs_file vfs_file;

#define VFS_READ 0
#define VFS_WRITE 1 /* create/truncate for writing */

struct vfs {
    const char *name;
    int (*open)(vfs *fs, const char *path, int mode, vfs_file **out, tn_err *err);
    int (*close)(vfs_file *f);
    /* Read exactly n bytes at offset into buf; short read past EOF is TN_CORRUPT ("truncated"). */
    int (*read)(vfs_file *f, uint64_t offset, void *buf, size_t n, tn_err *err);
    int (*write)(vfs_file *f, const void *buf, size_t n, tn_err *err); /* append */
    int (*size)(vfs_file *f, uint64_t *out, tn_err *err);
    int (*sync)(vfs_file *f, tn_err *err);
    int (*rename)(vfs *fs, const char *from, const char *to, tn_err *err); /* atomic replace */
    int (*remove)(vfs *fs, const char *path, tn_err *err);
    /* 1 = regular file, 2 = directory, 0 = does not exist */
    int (*stat)(vfs *fs, const char *path, int *kind, uint64_t *size, tn_err *err);
    /* Expand a glob pattern ('*', '?', '[..]', and '**' for any depth) into sorted paths. */
    int (*glob)(vfs *fs, const char *pattern, char ***paths, size_t *n, tn_err *err);
    /* List a directory's entries (names only, sorted). */
    int (*list)(vfs *fs, const char *dir, char ***names, size_t *n, tn_err *err);
    int (*mkdirs)(vfs *fs, const char *dir, tn_err *err);
    /* Last-modification time of path in milliseconds since the epoch (Delta commit timestamps).
     * TN_NOTFOUND if it does not exist. */
    int (*mtime)(vfs *fs, const char *path, int64_t *ms, tn_err *err);
};

vfs *vfs_default(void);

/* Convenience wrappers (dispatch through the file's vfs). */
int vfs_open(vfs *fs, const char *path, int mode, vfs_file **out, tn_err *err);
int vfs_close(vfs_file *f);
int vfs_read(vfs_file *f, uint64_t offset, void *buf, size_t n, tn_err *err);
int vfs_write(vfs_file *f, const void *buf, size_t n, tn_err *err);
int vfs_size(vfs_file *f, uint64_t *out, tn_err *err);
int vfs_sync(vfs_file *f, tn_err *err);
const char *vfs_file_path(vfs_file *f);
void vfs_glob_free(char **paths, size_t n);

/* Every vfs_file begins with this header so the wrappers can dispatch. */
struct vfs_file {
    vfs *fs;
    char *path;
};

#endif
