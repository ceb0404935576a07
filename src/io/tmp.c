/* Temporary files beside the file they replace: created hidden and locked (so that a cleaner
   never takes a live one for a leftover), the leftovers of a killed chaptag removed, a
   registry of the live ones for the signal handler, and the commit: fsync, the original's
   owner, mode and attributes, rename over the target, fsync of the folder. */
#if defined(__APPLE__)
/* O_NOFOLLOW and O_DIRECTORY: POSIX.1-2008, but macOS 11's headers hide them from it */
#define _DARWIN_C_SOURCE
#endif
#include "fileio_private.h"

#include "keep.h"
#include "platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Splits PATH into its folder ("." when none) and base name; both new. */
static bool split_path(const char *path, char **dir, char **base)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash == path ? 1 : (size_t)(slash - path); /* "/NAME": the root */
    *dir = slash == NULL ? ct_strdup(".") : ct_strndup(path, dir_len);
    *base = ct_strdup(slash == NULL ? path : slash + 1);
    if (*dir == NULL || *base == NULL) {
        free(*dir);
        free(*base);
        return false;
    }
    return true;
}

/* The file to replace: PATH itself, or what its symlinks lead to (the links are kept). New. */
static char *resolve_target(const char *path)
{
    char *real = ct_sys_realpath(path);
    if (real != NULL)
        return real;
    return ct_strdup(path); /* a new output file that does not exist yet */
}

/* The temporary files being written, for the signal handler: fixed slots of fixed size, so
   that removing them needs nothing but unlink (async-signal-safe). A slot is claimed (0 -> 1)
   and published (1 -> 2) atomically, so that two threads never share one and the handler
   reads only a complete path; lock-free atomics may be read in a signal handler. */
#define LIVE_SLOTS 8
static char live_path[LIVE_SLOTS][4096];
static atomic_int live_used[LIVE_SLOTS];

static void live_add(const char *path)
{
    size_t n = strlen(path) + 1;
    for (int i = 0; i < LIVE_SLOTS && n <= sizeof live_path[i]; i++) {
        int free_slot = 0;
        if (atomic_compare_exchange_strong(&live_used[i], &free_slot, 1)) {
            memcpy(live_path[i], path, n);
            atomic_store(&live_used[i], 2);
            return;
        }
    }
}

static void live_remove(const char *path)
{
    for (int i = 0; i < LIVE_SLOTS; i++)
        if (atomic_load(&live_used[i]) == 2 && strcmp(live_path[i], path) == 0)
            atomic_store(&live_used[i], 0);
}

struct ct_tmpfile {
    int fd;
    char *path;   /* the temporary file */
    char *target; /* what it replaces, symlinks resolved */
    char *dir;
};

chaptag_status ct_tmp_write(ct_tmpfile *t, const void *buf, size_t len, uint64_t off,
                            chaptag_error *err)
{
    if (ct_io_pwrite_full(t->fd, buf, len, off) != 0)
        return ct_fail_errno(err, "cannot write");
    return CHAPTAG_OK;
}

const char *ct_tmp_path(const ct_tmpfile *t)
{
    return t->path;
}

void ct_tmp_abort(ct_tmpfile *t)
{
    if (t == NULL)
        return;
    if (t->path != NULL) {
        unlink(t->path); /* before the close releases the lock */
        live_remove(t->path);
    }
    if (t->fd >= 0)
        close(t->fd);
    free(t->path);
    free(t->target);
    free(t->dir);
    free(t);
}

/* Creates and locks the temporary file at T->PATH (a mkostemp template of N bytes): locked
   so that a cleaner never takes it for a leftover; a cleaner that got in between the creation
   and the lock removed the name, which is then made anew. */
static int make_locked(char *path, size_t n)
{
    char *template = ct_strdup(path);
    int fd = -1;
    for (int attempt = 0; template != NULL && attempt < 10 && fd < 0; attempt++) {
        snprintf(path, n, "%s", template);
        fd = ct_sys_mkstemp(path);
        if (fd < 0)
            break;
        struct stat a, b;
        if (ct_sys_trylock(fd, true) != 0 || fstat(fd, &a) != 0 || stat(path, &b) != 0 ||
            a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
            close(fd);
            fd = -1;
        }
    }
    free(template);
    return fd;
}

/* True when NAME is chaptag's temporary file name: .NAME.chaptag-tmp-XXXXXX. */
static bool is_tmp_name(const char *name)
{
    const char *tag = strstr(name, ".chaptag-tmp-");
    return name[0] == '.' && tag != NULL && tag > name + 1 && strlen(tag) == 13 + 6;
}

/* Removes from folder DIR the temporary files chaptag left when it was killed or the power
   went: those whose lock can be taken (a live writer holds its own). */
static void remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (!is_tmp_name(e->d_name))
            continue;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        struct stat a, b;
        if (fd >= 0 && fstat(fd, &a) == 0 && S_ISREG(a.st_mode) &&
            ct_sys_trylock(fd, true) == 0 &&
            fstatat(dirfd(d), e->d_name, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_ino == b.st_ino)
            unlinkat(dirfd(d), e->d_name, 0);
        if (fd >= 0)
            close(fd);
    }
    if (d != NULL)
        closedir(d);
}

void chaptag_remove_temporary_files(void)
{
    for (int i = 0; i < LIVE_SLOTS; i++)
        if (atomic_load(&live_used[i]) == 2)
            unlink(live_path[i]);
}

chaptag_status ct_tmp_open(const char *target, ct_tmpfile **out, int *fd, chaptag_error *err)
{
    ct_tmpfile *t = ct_calloc(1, sizeof *t);
    char *base = NULL;
    if (t == NULL)
        return ct_fail_nomem(err);
    t->fd = -1;
    t->target = resolve_target(target);
    if (t->target == NULL || !split_path(t->target, &t->dir, &base)) {
        ct_tmp_abort(t);
        return ct_fail_nomem(err);
    }
    remove_stale(t->dir);
    /* hidden, and no audio extension: a leftover is never mistaken for an episode */
    size_t n = strlen(t->dir) + strlen(base) + 32;
    t->path = ct_malloc(n);
    if (t->path != NULL) {
        snprintf(t->path, n, "%s/.%s.chaptag-tmp-XXXXXX", t->dir, base);
        t->fd = make_locked(t->path, n);
        if (t->fd >= 0)
            live_add(t->path);
    }
    free(base);
    if (t->path == NULL || t->fd < 0) {
        chaptag_status st = t->path ? ct_fail_errno(err, "cannot create a temporary file in %s",
                                                    t->dir)
                                    : ct_fail_nomem(err);
        free(t->path);
        t->path = NULL;
        ct_tmp_abort(t);
        return st;
    }
    *out = t;
    *fd = t->fd;
    return CHAPTAG_OK;
}

chaptag_status ct_tmp_commit(ct_tmpfile *t, const ct_file *like, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    struct stat now;
    /* replacing LIKE itself: everything that makes it the user's must carry over, or nothing
       is replaced; a new output (-o) gets its mode, and its owner where that is allowed */
    bool same = like != NULL && like->fd >= 0 && stat(t->target, &now) == 0 &&
                now.st_dev == like->st.st_dev && now.st_ino == like->st.st_ino;
    if (like != NULL && like->fd >= 0)
        st = ct_keep_owner_and_mode(t->fd, &like->st, same, t->target, err);
    if (st == CHAPTAG_OK && same)
        st = ct_keep_attrs(like->fd, t->fd, t->target, err);
    if (st == CHAPTAG_OK && (ct_io_inject(EIO) || ct_sys_sync(t->fd) != 0))
        st = ct_fail_errno(err, "cannot sync %s", t->path);
    if (st == CHAPTAG_OK && (ct_io_inject(EIO) || rename(t->path, t->target) != 0))
        st = ct_fail_errno(err, "cannot rename %s to %s", t->path, t->target);
    if (st != CHAPTAG_OK) {
        ct_tmp_abort(t);
        return st;
    }
    live_remove(t->path);
    free(t->path);
    t->path = NULL; /* renamed: nothing to unlink */
    int dfd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ct_sys_sync(dfd); /* the rename is done; a failed folder sync cannot undo it */
        close(dfd);
    }
    ct_tmp_abort(t);
    return CHAPTAG_OK;
}

void ct_tmp_clean_beside(const char *path)
{
    char *dir, *base;
    if (split_path(path, &dir, &base)) {
        remove_stale(dir);
        free(dir);
        free(base);
    }
}
