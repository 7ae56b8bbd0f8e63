/*
 * vfs_posix.c -- the local-file VFS: pread for reads, write/fsync/rename for atomic writes, glob(3)
 * plus a recursive walk for '**' patterns.
 */
#define _GNU_SOURCE
#include "vfs.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct posix_file {
    vfs_file base;
    int fd;
} posix_file;

static int p_open(vfs *fs, const char *path, int mode, vfs_file **out, tn_err *err)
{
    int flags = mode == VFS_WRITE ? (O_WRONLY | O_CREAT | O_TRUNC) : O_RDONLY;
    int fd = open(path, flags | O_CLOEXEC, 0644);
    if (fd < 0)
        return tn_err_set(err, errno == ENOENT ? TN_NOTFOUND : TN_IOERR, "cannot open \"%s\": %s", path,
                          strerror(errno));
    if (mode == VFS_READ) {
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            return tn_err_set(err, TN_IOERR, "cannot open \"%s\": is a directory", path);
        }
    }
    posix_file *f = tn_calloc(1, sizeof *f);
    char *p = tn_strdup(path);
    if (!f || !p) {
        tn_free(f);
        tn_free(p);
        close(fd);
        return tn_err_set(err, TN_NOMEM, "out of memory");
    }
    f->base.fs = fs;
    f->base.path = p;
    f->fd = fd;
    *out = &f->base;
    return TN_OK;
}

static int p_close(vfs_file *vf)
{
    posix_file *f = (posix_file *)vf;
    int rc = close(f->fd) == 0 ? TN_OK : TN_IOERR;
    tn_free(f->base.path);
    tn_free(f);
    return rc;
}

static int p_read(vfs_file *vf, uint64_t off, void *buf, size_t n, tn_err *err)
{
    posix_file *f = (posix_file *)vf;
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(f->fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return tn_err_set(err, TN_IOERR, "%s: read of %zu bytes at offset %llu failed: %s", vf->path, n,
                              (unsigned long long)off, strerror(errno));
        }
        if (r == 0)
            return tn_err_set(err, TN_CORRUPT, "%s: truncated: wanted %zu bytes at offset %llu, file ends first",
                              vf->path, n, (unsigned long long)off);
        done += (size_t)r;
    }
    return TN_OK;
}

static int p_write(vfs_file *vf, const void *buf, size_t n, tn_err *err)
{
    posix_file *f = (posix_file *)vf;
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(f->fd, (const char *)buf + done, n - done);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return tn_err_set(err, TN_IOERR, "%s: write failed: %s", vf->path, strerror(errno));
        }
        done += (size_t)r;
    }
    return TN_OK;
}

static int p_size(vfs_file *vf, uint64_t *out, tn_err *err)
{
    posix_file *f = (posix_file *)vf;
    struct stat st;
    if (fstat(f->fd, &st) != 0)
        return tn_err_set(err, TN_IOERR, "%s: stat failed: %s", vf->path, strerror(errno));
    *out = (uint64_t)st.st_size;
    return TN_OK;
}

static int p_sync(vfs_file *vf, tn_err *err)
{
    posix_file *f = (posix_file *)vf;
    if (fsync(f->fd) != 0)
        return tn_err_set(err, TN_IOERR, "%s: fsync failed: %s", vf->path, strerror(errno));
    return TN_OK;
}

static int p_rename(vfs *fs, const char *from, const char *to, tn_err *err)
{
    TN_UNUSED(fs);
    if (rename(from, to) != 0)
        return tn_err_set(err, TN_IOERR, "cannot rename \"%s\" to \"%s\": %s", from, to, strerror(errno));
    /* make the rename durable: fsync the directory */
    char *dir = tn_strdup(to);
    if (dir) {
        char *slash = strrchr(dir, '/');
        const char *d = ".";
        if (slash) {
            *slash = 0;
            d = slash == dir ? "/" : dir;
        }
        int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
        tn_free(dir);
    }
    return TN_OK;
}

static int p_remove(vfs *fs, const char *path, tn_err *err)
{
    TN_UNUSED(fs);
    if (unlink(path) != 0 && errno != ENOENT)
        return tn_err_set(err, TN_IOERR, "cannot remove \"%s\": %s", path, strerror(errno));
    return TN_OK;
}

static int p_stat(vfs *fs, const char *path, int *kind, uint64_t *size, tn_err *err)
{
    TN_UNUSED(fs);
    TN_UNUSED(err);
    struct stat st;
    if (stat(path, &st) != 0) {
        *kind = 0;
        if (size)
            *size = 0;
        return TN_OK;
    }
    *kind = S_ISDIR(st.st_mode) ? 2 : 1;
    if (size)
        *size = (uint64_t)st.st_size;
    return TN_OK;
}

typedef struct strvec {
    char **v;
    size_t n, cap;
} strvec;

static int sv_push(strvec *s, const char *p)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        char **nv = tn_realloc(s->v, nc * sizeof *nv);
        if (!nv)
            return TN_NOMEM;
        s->v = nv;
        s->cap = nc;
    }
    if (!(s->v[s->n] = tn_strdup(p)))
        return TN_NOMEM;
    s->n++;
    return TN_OK;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Recursive walk for patterns containing "**": match every file under `root` whose path relative
 * to root matches `rest` (with "**" matching any number of directories). */
static int walk(const char *dir, const char *root_pat, strvec *out, int depth)
{
    if (depth > 64)
        return TN_OK;
    DIR *d = opendir(dir);
    if (!d)
        return TN_OK;
    struct dirent *e;
    int rc = TN_OK;
    while (rc == TN_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = tn_malloc(n);
        if (!p) {
            rc = TN_NOMEM;
            break;
        }
        snprintf(p, n, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                rc = walk(p, root_pat, out, depth + 1);
            else if (fnmatch(root_pat, p, 0) == 0)
                rc = sv_push(out, p);
        }
        tn_free(p);
    }
    closedir(d);
    return rc;
}

static int p_glob(vfs *fs, const char *pattern, char ***paths, size_t *n, tn_err *err)
{
    TN_UNUSED(fs);
    strvec out = {0};
    int rc = TN_OK;
    const char *dstar = strstr(pattern, "**");
    if (dstar) {
        /* root = directory part before the first wildcard component */
        char *root = tn_strndup(pattern, (size_t)(dstar - pattern));
        if (!root)
            return tn_err_set(err, TN_NOMEM, "out of memory");
        size_t rl = strlen(root);
        while (rl > 1 && root[rl - 1] == '/')
            root[--rl] = 0;
        if (rl == 0)
            strcpy(root, ".");
        /* fnmatch without FNM_PATHNAME lets '*' cross '/', which gives '**' its meaning */
        char *pat = tn_malloc(strlen(pattern) + 3);
        if (!pat) {
            tn_free(root);
            return tn_err_set(err, TN_NOMEM, "out of memory");
        }
        if (dstar == pattern)
            snprintf(pat, strlen(pattern) + 3, "./%s", pattern);
        else
            strcpy(pat, pattern);
        rc = walk(root, pat, &out, 0);
        tn_free(pat);
        tn_free(root);
    } else {
        glob_t g;
        int gr = glob(pattern, 0, NULL, &g);
        if (gr == 0) {
            for (size_t i = 0; i < g.gl_pathc && rc == TN_OK; i++) {
                struct stat st;
                if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
                    rc = sv_push(&out, g.gl_pathv[i]);
            }
        } else if (gr != GLOB_NOMATCH) {
            rc = TN_IOERR;
        }
        globfree(&g);
    }
    if (rc) {
        vfs_glob_free(out.v, out.n);
        return tn_err_set(err, rc, "glob \"%s\" failed", pattern);
    }
    if (out.n > 1)
        qsort(out.v, out.n, sizeof *out.v, cmp_str);
    *paths = out.v;
    *n = out.n;
    return TN_OK;
}

static int p_list(vfs *fs, const char *dir, char ***names, size_t *n, tn_err *err)
{
    TN_UNUSED(fs);
    DIR *d = opendir(dir);
    if (!d)
        return tn_err_set(err, errno == ENOENT ? TN_NOTFOUND : TN_IOERR, "cannot list \"%s\": %s", dir,
                          strerror(errno));
    strvec out = {0};
    struct dirent *e;
    int rc = TN_OK;
    while (rc == TN_OK && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            rc = sv_push(&out, e->d_name);
    closedir(d);
    if (rc) {
        vfs_glob_free(out.v, out.n);
        return tn_err_set(err, rc, "out of memory");
    }
    if (out.n > 1)
        qsort(out.v, out.n, sizeof *out.v, cmp_str);
    *names = out.v;
    *n = out.n;
    return TN_OK;
}

static int p_mkdirs(vfs *fs, const char *dir, tn_err *err)
{
    TN_UNUSED(fs);
    char *p = tn_strdup(dir);
    if (!p)
        return tn_err_set(err, TN_NOMEM, "out of memory");
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = 0;
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                int e = errno;
                tn_free(p);
                return tn_err_set(err, TN_IOERR, "cannot create directory \"%s\": %s", dir, strerror(e));
            }
            *s = '/';
        }
    }
    int rc = TN_OK;
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        rc = tn_err_set(err, TN_IOERR, "cannot create directory \"%s\": %s", dir, strerror(errno));
    tn_free(p);
    return rc;
}

static int p_mtime(vfs *fs, const char *path, int64_t *ms, tn_err *err)
{
    TN_UNUSED(fs);
    struct stat st;
    if (stat(path, &st) != 0)
        return tn_err_set(err, errno == ENOENT ? TN_NOTFOUND : TN_IOERR, "cannot stat \"%s\": %s", path,
                          strerror(errno));
    *ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    return TN_OK;
}

static vfs g_posix = {"posix", p_open, p_close, p_read, p_write, p_size, p_sync, p_rename,
                      p_remove, p_stat, p_glob, p_list, p_mkdirs, p_mtime};

vfs *vfs_default(void) { return &g_posix; }

int vfs_open(vfs *fs, const char *path, int mode, vfs_file **out, tn_err *err)
{
    return fs->open(fs, path, mode, out, err);
}
int vfs_close(vfs_file *f) { return f ? f->fs->close(f) : TN_OK; }
int vfs_read(vfs_file *f, uint64_t off, void *buf, size_t n, tn_err *err) { return f->fs->read(f, off, buf, n, err); }
int vfs_write(vfs_file *f, const void *buf, size_t n, tn_err *err) { return f->fs->write(f, buf, n, err); }
int vfs_size(vfs_file *f, uint64_t *out, tn_err *err) { return f->fs->size(f, out, err); }
int vfs_sync(vfs_file *f, tn_err *err) { return f->fs->sync(f, err); }
const char *vfs_file_path(vfs_file *f) { return f->path; }

void vfs_glob_free(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tn_free(paths[i]);
    tn_free(paths);
}
