/* All file access. Reading: regular files only, under an advisory lock (flock) so that a
   reader never sees another chaptag's edit half done. Writing a plan: in place when the
   backend gave steps (each written and fdatasync'ed in order; on failure the original bytes
   are put back); otherwise one pass into a temporary file beside the target (the
   unchanged ranges copied by the kernel with copy_file_range), fsync, the original's mode,
   rename over the target, fsync of the folder. */
#define _GNU_SOURCE
#include "fileio.h"

#include "buf.h"
#include "keep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ct_file {
    int fd;             /* -1 for a memory file */
    const uint8_t *mem; /* a memory file's bytes */
    uint64_t size;
    struct stat st;
};

/* How long a second chaptag waits for the lock on a file before it gives up. */
#define LOCK_WAIT_MS 30000
/* Block size of copies that cannot go through copy_file_range, and of table patching. */
#define COPY_BLOCK (1u << 20)
#define TABLE_BLOCK (64u << 10)

#ifdef CHAPTAG_TESTING
/* CHAPTAG_TEST_STEP_DELAY_MS pauses after every in-place step and every rewrite chunk, so
   that the kill tests can land inside each window. Test builds only. */
static void test_pause(void)
{
    const char *ms = getenv("CHAPTAG_TEST_STEP_DELAY_MS");
    if (ms == NULL)
        return;
    long v = strtol(ms, NULL, 10);
    struct timespec ts = {v / 1000, v % 1000 * 1000000L};
    nanosleep(&ts, NULL);
}

static unsigned long io_fail_at, io_corrupt_at;

void ct_fileio_fail_at(unsigned long n)
{
    io_fail_at = n;
}

unsigned long ct_fileio_corrupt_at(unsigned long n)
{
    unsigned long left = io_corrupt_at;
    io_corrupt_at = n;
    return left;
}

/* True when this write of bytes is the one a test asked to corrupt. */
static bool corrupt(void)
{
    return io_corrupt_at != 0 && --io_corrupt_at == 0;
}

/* True (errno set to E) when this write, fsync or rename is the one a test asked to fail. */
static bool inject(int e)
{
    if (io_fail_at == 0 || --io_fail_at != 0)
        return false;
    errno = e;
    return true;
}
#else
static void test_pause(void)
{
}

void ct_fileio_fail_at(unsigned long n)
{
    (void)n;
}

static bool inject(int e)
{
    (void)e;
    return false;
}

unsigned long ct_fileio_corrupt_at(unsigned long n)
{
    (void)n;
    return 0;
}

static bool corrupt(void)
{
    return false;
}
#endif

/* Waits up to LOCK_WAIT_MS for lock OP (LOCK_SH or LOCK_EX) on FD. */
static int lock_wait(int fd, int op)
{
    for (int waited = 0;; waited += 10) {
        if (flock(fd, op | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        if (waited >= LOCK_WAIT_MS) {
            errno = EWOULDBLOCK;
            return -1;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
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
    if (fd < 0 && mode == CT_OPEN_EDIT && errno == EISDIR)
        return ct_fail(err, CHAPTAG_ERR_IO, 0, "is a directory");
    if (fd < 0 && mode == CT_OPEN_EDIT && (errno == EACCES || errno == EROFS)) {
        int e = errno, probe = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (probe >= 0) { /* readable, not writable: say so plainly */
            close(probe);
            return ct_fail(err, CHAPTAG_ERR_IO, 0, e == EROFS ? "is on a read-only file system"
                                                                : "is read-only (no write permission)");
        }
        errno = e;
    }
    if (fd < 0)
        return ct_fail_errno(err, "cannot open");
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
    if (lock_wait(fd, mode == CT_OPEN_EDIT ? LOCK_EX : LOCK_SH) != 0) {
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
    if (got != NULL) {
        *got = n;
        return CHAPTAG_OK;
    }
    if (n < len)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the file ends early (at %llu bytes, %llu needed)",
                       (unsigned long long)(off + n), (unsigned long long)(off + len));
    return CHAPTAG_OK;
}

/* ---- writing ---------------------------------------------------------------------------- */

static int pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    uint8_t *bad = len > 0 && corrupt() ? ct_malloc(len) : NULL;
    if (bad != NULL) {
        memcpy(bad, buf, len);
        for (size_t i = 0; i < len && i < 64; i++)
            bad[i] ^= 0x20;
        buf = bad;
    }
    int rc = 0;
    while (done < len && rc == 0) {
        ssize_t n = inject(ENOSPC) ? -1
                                   : pwrite(fd, (const char *)buf + done, len - done,
                                            (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = -1;
        else
            done += (size_t)n;
    }
    int e = errno;
    free(bad);
    errno = e;
    return rc;
}

static int sync_data(int fd)
{
    if (inject(EIO))
        return -1;
    return fdatasync(fd);
}

/* Writeback of a new file is started every WB_CHUNK bytes, so that the disk writes while the
   copy goes on and the fsync before the rename finds little left to do. Not waited for: a
   wait per chunk serialises the device queue (measured: 2 GB went from 2.6 s to 4.2 s). */
#define WB_CHUNK (8u << 20)

/* Starts writeback of what OUT holds up to POS in whole chunks from *STARTED on. A hint
   only: errors surface at the fsync. */
static void flush_behind(int out, uint64_t pos, uint64_t *started)
{
    while (started != NULL && pos - *started >= WB_CHUNK) {
        sync_file_range(out, (off_t)*started, WB_CHUNK, SYNC_FILE_RANGE_WRITE);
        *started += WB_CHUNK;
    }
}

/* The data segment of F at or after OFF, within [OFF, END): *DATA its start (END when the
   rest is a hole), *HOLE where it ends. Without SEEK_DATA support all of it is data. */
static void next_data(const ct_file *f, uint64_t off, uint64_t end, uint64_t *data,
                      uint64_t *hole)
{
    *data = off;
    *hole = end;
#if defined(SEEK_DATA) && defined(SEEK_HOLE)
    off_t d = lseek(f->fd, (off_t)off, SEEK_DATA);
    if (d < 0 && errno == ENXIO) /* a hole to the end of the file */
        d = (off_t)end;
    if (d < 0)
        return;
    *data = (uint64_t)d < end ? (uint64_t)d : end;
    off_t h = *data < end ? lseek(f->fd, (off_t)*data, SEEK_HOLE) : (off_t)end;
    *hole = h >= 0 && (uint64_t)h < end ? (uint64_t)h : end;
#else
    (void)f;
#endif
}

/* Copies LEN bytes at OFF of F to OUT at *OUT_POS, leaving F's holes holes in OUT (a sparse
   file stays sparse, to the block): the data by copy_data(). */
static chaptag_status copy_data(ct_file *f, uint64_t off, uint64_t len, int out,
                                uint64_t *out_pos, uint64_t *started, chaptag_error *err);

static chaptag_status copy_range(ct_file *f, uint64_t off, uint64_t len, int out,
                                 uint64_t *out_pos, uint64_t *started, chaptag_error *err)
{
    uint64_t end = off + len;
    bool fresh = f->fd >= 0 && out != f->fd; /* in place, a skipped range would keep old bytes */
    while (fresh && off < end) {
        uint64_t data, hole;
        next_data(f, off, end, &data, &hole);
        *out_pos += data - off; /* skipped: never written, so a hole in the new file too */
        if (data < hole) {
            chaptag_status st = copy_data(f, data, hole - data, out, out_pos, started, err);
            if (st != CHAPTAG_OK)
                return st;
        }
        off = hole;
    }
    return fresh ? CHAPTAG_OK : copy_data(f, off, len, out, out_pos, started, err);
}

static chaptag_status copy_data(ct_file *f, uint64_t off, uint64_t len, int out,
                                uint64_t *out_pos, uint64_t *started, chaptag_error *err)
{
    bool kernel = f->fd >= 0;
    while (len > 0 && kernel) {
        if (inject(ENOSPC))
            return ct_fail_errno(err, "cannot write");
        loff_t in_off = (loff_t)off, o = (loff_t)*out_pos;
        size_t chunk = len > WB_CHUNK ? WB_CHUNK : (size_t)len;
        ssize_t n = copy_file_range(f->fd, &in_off, out, &o, chunk, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
            kernel = false;
            break;
        }
        if (n < 0)
            return ct_fail_errno(err, "cannot write");
        if (n == 0)
            return ct_fail(err, CHAPTAG_ERR_IO, 0, "the file shrank while it was copied");
        off += (uint64_t)n;
        len -= (uint64_t)n;
        *out_pos += (uint64_t)n;
        flush_behind(out, *out_pos, started);
        test_pause();
    }
    if (len == 0)
        return CHAPTAG_OK;
    uint8_t *buf = ct_malloc(COPY_BLOCK);
    if (buf == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    while (len > 0 && st == CHAPTAG_OK) {
        size_t n = len < COPY_BLOCK ? (size_t)len : COPY_BLOCK;
        st = ct_file_read(f, off, buf, n, NULL, err);
        if (st == CHAPTAG_OK && pwrite_full(out, buf, n, *out_pos) != 0)
            st = ct_fail_errno(err, "cannot write");
        off += n;
        len -= n;
        *out_pos += n;
        flush_behind(out, *out_pos, started);
    }
    free(buf);
    return st;
}

/* Copies a table of offsets (stco/co64) with every entry shifted, in fixed blocks. */
static chaptag_status copy_table(ct_file *f, const ct_piece *pc, int out, uint64_t *out_pos,
                                 chaptag_error *err)
{
    size_t per_block = TABLE_BLOCK / 8;
    uint8_t *in = ct_malloc(per_block * pc->width), *o = ct_malloc(per_block * pc->out_width);
    chaptag_status st = in && o ? CHAPTAG_OK : ct_fail_nomem(err);
    uint64_t count = pc->len / pc->width;
    for (uint64_t i = 0; i < count && st == CHAPTAG_OK;) {
        size_t n = count - i < per_block ? (size_t)(count - i) : per_block;
        st = ct_file_read(f, pc->src_off + i * pc->width, in, n * pc->width, NULL, err);
        for (size_t k = 0; k < n && st == CHAPTAG_OK; k++) {
            uint64_t v = pc->width == 4 ? ct_load_u32be(in + 4 * k) : ct_load_u64be(in + 8 * k);
            if (v >= pc->from)
                v += (uint64_t)pc->delta;
            if (pc->out_width == 4)
                ct_store_u32be(o + 4 * k, (uint32_t)v);
            else
                ct_store_u64be(o + 8 * k, v);
        }
        if (st == CHAPTAG_OK && pwrite_full(out, o, n * pc->out_width, *out_pos) != 0)
            st = ct_fail_errno(err, "cannot write");
        *out_pos += n * pc->out_width;
        i += n;
    }
    free(in);
    free(o);
    return st;
}

/* Writes LEN zero bytes to OUT at *OUT_POS, in blocks so that memory stays flat. */
static chaptag_status write_zeros(int out, uint64_t len, uint64_t *out_pos, chaptag_error *err)
{
    size_t block = len < TABLE_BLOCK ? (size_t)len : TABLE_BLOCK;
    uint8_t *z = ct_calloc(1, block ? block : 1);
    if (z == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    while (len > 0 && st == CHAPTAG_OK) {
        size_t n = len < block ? (size_t)len : block;
        if (pwrite_full(out, z, n, *out_pos) != 0)
            st = ct_fail_errno(err, "cannot write");
        *out_pos += n;
        len -= n;
    }
    free(z);
    return st;
}

/* Writes the pieces of edit E to OUT at *OUT_POS. */
static chaptag_status write_pieces(ct_file *f, const ct_edit *e, int out, uint64_t *out_pos,
                                   uint64_t *started, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; i < e->n_pieces && st == CHAPTAG_OK; i++) {
        const ct_piece *pc = &e->pieces[i];
        if (pc->bytes != NULL) {
            if (pwrite_full(out, pc->bytes, pc->len, *out_pos) != 0)
                st = ct_fail_errno(err, "cannot write");
            *out_pos += pc->len;
        } else if (pc->zeros) {
            st = write_zeros(out, pc->len, out_pos, err);
        } else if (pc->width != 0) {
            st = copy_table(f, pc, out, out_pos, err);
        } else {
            st = copy_range(f, pc->src_off, pc->len, out, out_pos, started, err);
        }
    }
    return st;
}

/* Streams F with PLAN's edits into OUT. */
static chaptag_status write_stream(ct_file *f, const ct_plan *plan, int out, uint64_t *written,
                                   chaptag_error *err)
{
    uint64_t pos = 0, out_pos = 0, started = 0;
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; i < plan->n && st == CHAPTAG_OK; i++) {
        const ct_edit *e = &plan->v[i];
        st = copy_range(f, pos, e->off - pos, out, &out_pos, &started, err);
        if (st == CHAPTAG_OK)
            st = write_pieces(f, e, out, &out_pos, &started, err);
        pos = e->off + e->old_len;
    }
    if (st == CHAPTAG_OK && pos < f->size)
        st = copy_range(f, pos, f->size - pos, out, &out_pos, &started, err);
    /* a hole at the end was skipped, not written: the size says where the file ends */
    if (st == CHAPTAG_OK && ftruncate(out, (off_t)out_pos) != 0)
        st = ct_fail_errno(err, "cannot write");
    *written = out_pos;
    return st;
}

/* A read-only view of the file open at FD as it is now (not owned: closing it is the
   caller's), for reading back what was written. */
static chaptag_status view_of(int fd, ct_file *v, chaptag_error *err)
{
    memset(v, 0, sizeof *v);
    v->fd = fd;
    if (fstat(fd, &v->st) != 0)
        return ct_fail_errno(err, "cannot stat the written file");
    v->size = (uint64_t)v->st.st_size;
    return CHAPTAG_OK;
}

/* Runs CHECK on the file at FD, if there is a check. */
static chaptag_status check_fd(int fd, ct_check_fn check, void *ctx, chaptag_error *err)
{
    ct_file v;
    if (check == NULL)
        return CHAPTAG_OK;
    chaptag_status st = view_of(fd, &v, err);
    return st == CHAPTAG_OK ? check(&v, ctx, err) : st;
}

/* Runs the plan's steps in order, each made durable before the next: the backend chose
   them so that the file is valid after every one. On a failure, or when CHECK finds the
   result wrong, the original bytes (saved first) are put back and the size restored. */
static chaptag_status apply_steps(ct_file *f, const ct_plan *plan, ct_check_fn check, void *ctx,
                                  ct_apply_result *res, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    size_t n = plan->n_steps;
    uint8_t **old = ct_calloc(n, sizeof *old);
    size_t *old_len = ct_calloc(n, sizeof *old_len);
    if (old == NULL || old_len == NULL)
        st = ct_fail_nomem(err);
    for (size_t i = 0; i < n && st == CHAPTAG_OK; i++) {
        uint64_t len = ct_edit_len(&plan->steps[i]), off = plan->steps[i].off;
        len = off >= f->size ? 0 : f->size - off < len ? f->size - off : len;
        old[i] = ct_malloc((size_t)len);
        st = old[i] ? ct_file_read(f, off, old[i], (size_t)len, &old_len[i], err)
                    : ct_fail_nomem(err);
    }
    size_t done = 0;
    uint64_t written = 0;
    /* an edit in place takes milliseconds: Ctrl-C or a TERM waits until the file is whole
       again (done, or put back), then ends chaptag */
    sigset_t block, was;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGPIPE);
    sigprocmask(SIG_BLOCK, &block, &was);
    for (; done < n && st == CHAPTAG_OK; done++) {
        uint64_t pos = plan->steps[done].off;
        st = write_pieces(f, &plan->steps[done], f->fd, &pos, NULL, err);
        bool last = done + 1 == n;
        if (st == CHAPTAG_OK && (last || !plan->steps[done].no_sync) && sync_data(f->fd) != 0)
            st = ct_fail_errno(err, "cannot sync");
        written += pos - plan->steps[done].off;
        test_pause();
    }
    if (st == CHAPTAG_OK)
        st = check_fd(f->fd, check, ctx, err);
    if (st != CHAPTAG_OK && old != NULL && old_len != NULL) {
        /* the earliest step to cover a byte saved its original: restore latest first */
        for (size_t i = done < n ? done + 1 : done; i-- > 0;)
            if (old[i] != NULL && pwrite_full(f->fd, old[i], old_len[i], plan->steps[i].off) != 0)
                break;
        if (ftruncate(f->fd, (off_t)f->size) == 0)
            fdatasync(f->fd);
    }
    sigprocmask(SIG_SETMASK, &was, NULL);
    for (size_t i = 0; old != NULL && i < n; i++)
        free(old[i]);
    free(old);
    free(old_len);
    if (st == CHAPTAG_OK) {
        res->in_place = true;
        res->bytes_written = written;
    }
    return st;
}

/* Splits PATH into its folder ("." when none) and base name; both new. */
static bool split_path(const char *path, char **dir, char **base)
{
    const char *slash = strrchr(path, '/');
    *dir = slash == NULL ? ct_strdup(".") : ct_strndup(path, slash == path ? 1 : (size_t)(slash - path));
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
    char *real = realpath(path, NULL);
    if (real != NULL)
        return real;
    return ct_strdup(path); /* a new output file that does not exist yet */
}

/* The temporary files being written, for the signal handler: fixed slots of fixed size, so
   that removing them needs nothing but unlink (async-signal-safe). */
#define LIVE_SLOTS 8
static char live_path[LIVE_SLOTS][4096];
static volatile sig_atomic_t live_used[LIVE_SLOTS];

static void live_add(const char *path)
{
    for (int i = 0; i < LIVE_SLOTS; i++)
        if (!live_used[i] && strlen(path) < sizeof live_path[i]) {
            memcpy(live_path[i], path, strlen(path) + 1);
            live_used[i] = 1;
            return;
        }
}

static void live_remove(const char *path)
{
    for (int i = 0; i < LIVE_SLOTS; i++)
        if (live_used[i] && strcmp(live_path[i], path) == 0)
            live_used[i] = 0;
}

struct ct_tmpfile {
    int fd;
    char *path;   /* the temporary file */
    char *target; /* what it replaces, symlinks resolved */
    char *dir;
};

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
        fd = mkostemp(path, O_CLOEXEC);
        if (fd < 0)
            break;
        struct stat a, b;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0 || fstat(fd, &a) != 0 || stat(path, &b) != 0 ||
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
            flock(fd, LOCK_EX | LOCK_NB) == 0 &&
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
        if (live_used[i])
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
    if (st == CHAPTAG_OK && (inject(EIO) || fsync(t->fd) != 0))
        st = ct_fail_errno(err, "cannot sync %s", t->path);
    if (st == CHAPTAG_OK && (inject(EIO) || rename(t->path, t->target) != 0))
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
        fsync(dfd); /* the rename is done; a failed folder sync cannot undo it */
        close(dfd);
    }
    ct_tmp_abort(t);
    return CHAPTAG_OK;
}

static chaptag_status apply_rewrite(ct_file *f, const char *target_path, const ct_plan *plan,
                                    ct_check_fn check, void *ctx, ct_apply_result *res,
                                    chaptag_error *err)
{
    ct_tmpfile *t;
    int out;
    chaptag_status st = ct_tmp_open(target_path, &t, &out, err);
    if (st != CHAPTAG_OK)
        return st;
    uint64_t written = 0;
    st = write_stream(f, plan, out, &written, err);
    if (st == CHAPTAG_OK)
        st = check_fd(out, check, ctx, err);
    if (st != CHAPTAG_OK) {
        ct_tmp_abort(t);
        return st;
    }
    st = ct_tmp_commit(t, f, err);
    if (st == CHAPTAG_OK) {
        res->in_place = false;
        res->bytes_written = written;
    }
    return st;
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

chaptag_status ct_plan_apply(ct_file *f, const char *path, const ct_plan *plan,
                             const char *output, ct_apply_result *res, chaptag_error *err)
{
    return ct_plan_apply_checked(f, path, plan, output, NULL, NULL, res, err);
}

chaptag_status ct_plan_apply_checked(ct_file *f, const char *path, const ct_plan *plan,
                                     const char *output, ct_check_fn check, void *ctx,
                                     ct_apply_result *res, chaptag_error *err)
{
    res->in_place = false;
    res->bytes_written = 0;
    if (plan->failed)
        return ct_fail_nomem(err);
    if (output != NULL && ct_file_same(f, output))
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the output %s is the input file itself", output);
    if (output == NULL && plan->n == 0)
        return CHAPTAG_OK; /* the file already is what the plan would make */
    if (output == NULL && plan->n_steps > 0) {
        char *dir, *base;
        if (f->fd >= 0 && split_path(path, &dir, &base)) {
            remove_stale(dir); /* a rewrite's leftovers beside the file */
            free(dir);
            free(base);
        }
        return apply_steps(f, plan, check, ctx, res, err);
    }
    return apply_rewrite(f, output != NULL ? output : path, plan, check, ctx, res, err);
}

char *ct_path_resolve(const char *path)
{
    return realpath(path, NULL);
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
        else if (b.len == b.cap && !ct_buf_reserve(&b, 65536))
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
        if (!ct_buf_reserve(&b, 65536)) {
            st_ = ct_fail_nomem(err);
            break;
        }
        ssize_t n = read(fd, b.data + b.len, 65536);
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
