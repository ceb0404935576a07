/* The platform layer: Linux's copy_file_range, sync_file_range, fdatasync and SEEK_DATA,
   macOS's F_FULLFSYNC, BSD's flock and mkostemp, each behind one function with a POSIX
   fallback (see platform.h). The only file of io/ that asks for more than POSIX.1-2008.
   Built with CHAPTAG_PORTABLE (a CMake option, for tests on Linux) it takes every fallback
   that macOS or the BSDs take where they lack a call, and asks Linux for POSIX (XSI) only. */
#if defined(__linux__) && !defined(CHAPTAG_PORTABLE)
#define _GNU_SOURCE /* copy_file_range, sync_file_range, SEEK_DATA, mkostemp, realpath */
#elif defined(__linux__)
#define _XOPEN_SOURCE 700 /* realpath (XSI) */
#elif defined(__APPLE__)
#define _DARWIN_C_SOURCE /* F_FULLFSYNC, SEEK_DATA, flock, mkostemp */
#elif defined(__FreeBSD__)
#define __BSD_VISIBLE 1 /* SEEK_DATA, flock, mkostemp: _POSIX_C_SOURCE alone hides them */
#else
#define _BSD_SOURCE
#define _NETBSD_SOURCE
#endif
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#if !defined(CHAPTAG_PORTABLE)
#if defined(__linux__)
#define HAVE_COPY_FILE_RANGE 1 /* and sync_file_range */
#endif
#if defined(__linux__) || defined(__APPLE__) || defined(__FreeBSD__)
#define HAVE_MKOSTEMP 1
#endif
#if defined(SEEK_DATA) && defined(SEEK_HOLE)
#define HAVE_SEEK_DATA 1
#endif
#if defined(_POSIX_SYNCHRONIZED_IO) && _POSIX_SYNCHRONIZED_IO > 0
#define HAVE_FDATASYNC 1
#endif
#endif

ssize_t ct_sys_copy_range(int in, uint64_t in_off, int out, uint64_t out_off, size_t len)
{
#ifdef HAVE_COPY_FILE_RANGE
    loff_t i = (loff_t)in_off, o = (loff_t)out_off;
    return copy_file_range(in, &i, out, &o, len, 0);
#else
    (void)in, (void)in_off, (void)out, (void)out_off, (void)len;
    errno = ENOSYS; /* the caller copies through a buffer */
    return -1;
#endif
}

void ct_sys_writeback(int fd, uint64_t off, uint64_t len)
{
#ifdef HAVE_COPY_FILE_RANGE
    sync_file_range(fd, (off_t)off, (off_t)len, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd, (void)off, (void)len; /* the fsync before the rename writes it all */
#endif
}

int ct_sys_sync(int fd)
{
#if defined(__APPLE__) && defined(F_FULLFSYNC)
    if (fcntl(fd, F_FULLFSYNC) == 0)
        return 0; /* else a file system without it (network, FAT): fsync is what there is */
#endif
    return fsync(fd);
}

int ct_sys_sync_data(int fd)
{
#if defined(__APPLE__)
    return ct_sys_sync(fd);
#elif defined(HAVE_FDATASYNC)
    return fdatasync(fd);
#else
    return fsync(fd);
#endif
}

void ct_sys_next_data(int fd, uint64_t off, uint64_t end, uint64_t *data, uint64_t *hole)
{
    *data = off;
    *hole = end;
#ifdef HAVE_SEEK_DATA
    off_t d = lseek(fd, (off_t)off, SEEK_DATA);
    if (d < 0 && errno == ENXIO) /* a hole to the end of the file */
        d = (off_t)end;
    if (d < 0)
        return;
    *data = (uint64_t)d < end ? (uint64_t)d : end;
    off_t h = *data < end ? lseek(fd, (off_t)*data, SEEK_HOLE) : (off_t)end;
    *hole = h >= 0 && (uint64_t)h < end ? (uint64_t)h : end;
#else
    (void)fd;
#endif
}

int ct_sys_trylock(int fd, bool exclusive)
{
#if defined(LOCK_EX) && defined(LOCK_NB)
    return flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
#else
    /* record locks: per process, and released when any descriptor of the file closes */
    struct flock l = {0};
    l.l_type = exclusive ? F_WRLCK : F_RDLCK;
    l.l_whence = SEEK_SET;
    return fcntl(fd, F_SETLK, &l);
#endif
}

int ct_sys_mkstemp(char *template)
{
#ifdef HAVE_MKOSTEMP
    return mkostemp(template, O_CLOEXEC);
#else
    int fd = mkstemp(template);
    if (fd >= 0)
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
#endif
}

char *ct_sys_realpath(const char *path)
{
    return realpath(path, NULL);
}
