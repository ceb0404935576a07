/* Reading files: regular files only, under an advisory lock (flock) so that a reader never
   sees another chaptag's edit half done; memory files for tests and fuzzing; whole chapter
   and picture files read at once. */
#include "fileio_private.h"

#include "buf.h"
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Whole files (chapter lists, pictures) are read in chunks of this size. */
#define READ_CHUNK 65536

/* How long a second chaptag waits for the lock on a file before it gives up. */
#define LOCK_WAIT_MS 30000

/* Waits up to LOCK_WAIT_MS for the lock on FD, EXCLUSIVE or shared. */
static int lock_wait(int fd, bool exclusive)
{
    for (int waited = 0;; waited += 10) {
        if (ct_sys_trylock(fd, exclusive) == 0)
            return 0;
        if (errno != EWOULDBLOCK && errno != EAGAIN && errno != EINTR)
            return -1;
        if (waited >= LOCK_WAIT_MS) {
            errno = EWOULDBLOCK;
            return -1;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Words why opening PATH (for MODE) failed, errno still open()'s. */
static chaptag_status open_failed(const char *path, ct_open_mode mode, chaptag_error *err)
{
    if (mode == CT_OPEN_EDIT && errno == EISDIR)
        return ct_fail(err, CHAPTAG_ERR_IO, 0, "is a directory");
    if (mode == CT_OPEN_EDIT && (errno == EACCES || errno == EROFS)) {
        int e = errno, probe = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (probe >= 0) { /* readable, not writable: say so plainly */
            close(probe);
            return ct_fail(err, CHAPTAG_ERR_IO, 0, e == EROFS
                                                       ? "is on a read-only file system"
                                                       : "is read-only (no write permission)");
        }
        errno = e;
    }
    return ct_fail_errno(err, "cannot open");
}

/* Opens PATH once: regular file, locked. *RETRY is set when the file at PATH was replaced
   while we waited for the lock (another chaptag renamed its new version over it). */
static chaptag_status open_once(const char *path, ct_open_mode mode, ct_file *f, bool *retry,
                                chaptag_error *err)
{
    *retry = false;
    /* O_NONBLOCK: opening a FIFO must not hang waiting for a writer */
    int flags = (mode == CT_OPEN_EDIT ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK;
    int fd = open(path, flags);
    if (fd < 0)
        return open_failed(path, mode, err);
    if (fstat(fd, &f->st) != 0) {
        ct_fail_errno(err, "cannot stat");
        close(fd);
        return CHAPTAG_ERR_IO;
    }
    if (S_ISDIR(f->st.st_mode) || !S_ISREG(f->st.st_mode)) {
        close(fd);
        return ct_fail(err, CHAPTAG_ERR_IO, 0, S_ISDIR(f->st.st_mode) ? "is a directory"
                                                                     : "is not a regular file");
    }
    if (mode == CT_OPEN_EDIT && (f->st.st_mode & 0222) == 0) {
        close(fd);
        return ct_fail(err, CHAPTAG_ERR_IO, 0, "is read-only (no write permission)");
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    if (lock_wait(fd, mode == CT_OPEN_EDIT) != 0) {
        ct_fail_errno(err, "cannot lock (another program keeps it locked)");
        close(fd);
        return CHAPTAG_ERR_IO;
    }
    struct stat now;
    if (stat(path, &now) != 0 || now.st_ino != f->st.st_ino || now.st_dev != f->st.st_dev) {
        close(fd);
        *retry = true;
        return CHAPTAG_OK;
    }
    if (fstat(fd, &f->st) != 0) { /* the size may have changed while we waited */
        ct_fail_errno(err, "cannot stat");
        close(fd);
        return CHAPTAG_ERR_IO;
    }
    f->fd = fd;
    f->size = (uint64_t)f->st.st_size;
    return CHAPTAG_OK;
}

chaptag_status ct_file_open(const char *path, ct_open_mode mode, ct_file **out,
                            chaptag_error *err)
{
    ct_file *f = ct_calloc(1, sizeof *f);
    if (f == NULL)
        return ct_fail_nomem(err);
    for (int attempt = 0; attempt < 100; attempt++) {
        bool retry;
        chaptag_status st = open_once(path, mode, f, &retry, err);
        if (st != CHAPTAG_OK) {
            free(f);
            return st;
        }
        if (!retry) {
            *out = f;
            return CHAPTAG_OK;
        }
    }
    free(f);
    return ct_fail(err, CHAPTAG_ERR_IO, 0, "keeps being replaced while waiting for its lock");
}

ct_file *ct_file_memory(const void *data, size_t len)
{
    ct_file *f = ct_calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->fd = -1;
    f->mem = data;
    f->size = len;
    return f;
}

void ct_file_close(ct_file *f)
{
    if (f == NULL)
        return;
    if (f->fd >= 0)
        close(f->fd); /* also releases the lock */
    free(f);
}

uint64_t ct_file_size(const ct_file *f)
{
    return f->size;
}

uint64_t ct_file_bytes_read(const ct_file *f)
{
    return f->bytes_read;
}

/* pread until LEN bytes or the end of the file; returns the count, or -1 with errno. */
static ssize_t pread_full(int fd, void *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

chaptag_status ct_file_read(ct_file *f, uint64_t off, void *buf, size_t len, size_t *got,
                            chaptag_error *err)
{
    size_t n;
    if (f->fd < 0) {
        n = off >= f->size ? 0 : (size_t)(f->size - off < len ? f->size - off : len);
        if (n > 0)
            memcpy(buf, f->mem + off, n);
    } else {
        ssize_t r = pread_full(f->fd, buf, len, off);
        if (r < 0)
            return ct_fail_errno(err, "cannot read at offset %llu", (unsigned long long)off);
        n = (size_t)r;
    }
    f->bytes_read += n;
    if (got != NULL) {
        *got = n;
        return CHAPTAG_OK;
    }
    if (n < len)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0,
                       "the file ends early (at %llu bytes, %llu needed)",
                       (unsigned long long)(off + n), (unsigned long long)(off + len));
    return CHAPTAG_OK;
}

int chaptag_same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

bool ct_file_same(const ct_file *f, const char *output)
{
    struct stat st;
    return f->fd >= 0 && stat(output, &st) == 0 && st.st_dev == f->st.st_dev &&
           st.st_ino == f->st.st_ino;
}

chaptag_status ct_write_whole_file(const char *path, const void *data, size_t len,
                                   chaptag_error *err)
{
    ct_tmpfile *t;
    int fd;
    chaptag_status st = ct_tmp_open(path, &t, &fd, err);
    if (st != CHAPTAG_OK)
        return st;
    st = ct_tmp_write(t, data, len, 0, err);
    /* a temporary file is private (mkstemp: 0600); a file handed out is readable as usual
       (umask is not read: doing so changes it for every thread of the process for a moment) */
    if (st == CHAPTAG_OK && fchmod(fd, 0644) != 0)
        st = ct_fail_errno(err, "cannot set the file's mode");
    if (st == CHAPTAG_OK)
        return ct_tmp_commit(t, NULL, err);
    ct_tmp_abort(t);
    return st;
}

chaptag_status ct_make_dir(const char *path, chaptag_error *err)
{
    struct stat st;
    if (mkdir(path, 0777) == 0)
        return CHAPTAG_OK;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return CHAPTAG_OK;
    if (errno == EEXIST)
        return ct_fail(err, CHAPTAG_ERR_IO, 0, "%s exists and is not a folder", path);
    return ct_fail_errno(err, "cannot create the folder");
}

char *ct_path_resolve(const char *path)
{
    return ct_sys_realpath(path);
}

chaptag_status ct_slurp_regular(const char *path, size_t max, char **out, size_t *len,
                                chaptag_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return ct_fail_errno(err, "cannot open");
    struct stat st;
    chaptag_status rc = CHAPTAG_OK;
    if (fstat(fd, &st) != 0)
        rc = ct_fail_errno(err, "cannot stat");
    else if (!S_ISREG(st.st_mode))
        rc = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "is not a regular file");
    else if ((uint64_t)st.st_size > max)
        rc = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "is larger than %zu MiB", max >> 20);
    ct_buf b = CT_BUF_INIT;
    if (rc == CHAPTAG_OK && !ct_buf_reserve(&b, (size_t)st.st_size + 1))
        rc = ct_fail_nomem(err);
    while (rc == CHAPTAG_OK) {
        ssize_t n = read(fd, b.data + b.len, b.cap - b.len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = ct_fail_errno(err, "cannot read");
        else if (n == 0)
            break;
        else if ((b.len += (size_t)n) > max)
            rc = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "is larger than %zu MiB", max >> 20);
        else if (b.len == b.cap && !ct_buf_reserve(&b, READ_CHUNK))
            rc = ct_fail_nomem(err);
    }
    close(fd);
    if (rc != CHAPTAG_OK) {
        ct_buf_free(&b);
        return rc;
    }
    *out = (char *)ct_buf_take(&b, len);
    return *out ? CHAPTAG_OK : ct_fail_nomem(err);
}

chaptag_status ct_slurp(const char *path, size_t max, char **out, size_t *len,
                        chaptag_error *err)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ct_fail_errno(err, "cannot open");
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return ct_fail(err, CHAPTAG_ERR_IO, 0, "is a directory");
    }
    ct_buf b = CT_BUF_INIT;
    chaptag_status st_ = CHAPTAG_OK;
    for (;;) {
        if (!ct_buf_reserve(&b, READ_CHUNK)) {
            st_ = ct_fail_nomem(err);
            break;
        }
        ssize_t n = read(fd, b.data + b.len, READ_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st_ = ct_fail_errno(err, "cannot read");
            break;
        }
        if (n == 0)
            break;
        b.len += (size_t)n;
        if (b.len > max) {
            st_ = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "is larger than %zu bytes", max);
            break;
        }
    }
    if (fd != STDIN_FILENO)
        close(fd);
    if (st_ != CHAPTAG_OK) {
        ct_buf_free(&b);
        return st_;
    }
    *out = (char *)ct_buf_take(&b, len);
    return *out ? CHAPTAG_OK : ct_fail_nomem(err);
}

bool ct_file_read_sniffed(ct_file *f, const uint8_t *head, size_t n, uint64_t off, uint8_t *buf,
                          size_t len)
{
    if (off <= n && len <= n - off) {
        memcpy(buf, head + off, len);
        return true;
    }
    size_t got = 0;
    return f != NULL && ct_file_read(f, off, buf, len, &got, NULL) == CHAPTAG_OK && got == len;
}
