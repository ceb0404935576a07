/* Applying a plan to a file: in place when the backend gave steps (each written and synced
   in order; on failure the original bytes are put back); otherwise one pass into a temporary
   file beside the target (the unchanged ranges copied by the kernel where it can, holes
   kept), checked, then put in place by tmp.c. */
#include "fileio_private.h"

#include "buf.h"
#include "platform.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Block size of copies that cannot go through copy_file_range, and of table patching. */
#define COPY_BLOCK (1u << 20)
#define TABLE_BLOCK (64u << 10)

int ct_io_pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    uint8_t *bad = len > 0 && ct_io_corrupt() ? ct_malloc(len) : NULL;
    if (bad != NULL) {
        memcpy(bad, buf, len);
        for (size_t i = 0; i < len && i < 64; i++)
            bad[i] ^= 0x20;
        buf = bad;
    }
    int rc = 0;
    while (done < len && rc == 0) {
        ssize_t n = ct_io_inject(ENOSPC) ? -1
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
    if (ct_io_inject(EIO))
        return -1;
    return ct_sys_sync_data(fd);
}

/* Writeback of a new file is started every WB_CHUNK bytes, so that the disk writes while the
   copy goes on and the fsync before the rename finds little left to do. Not waited for: a
   wait per chunk serialises the device queue (measured: 2 GB went from 2.6 s to 4.2 s). */
#define WB_CHUNK (8u << 20)

/* Where a rewrite's stream is: writeback started up to STARTED, progress told up to TOLD of
   TOTAL bytes (PROGRESS may be NULL). Steps in place have none. */
typedef struct {
    uint64_t started, told, total;
    ct_progress_fn progress;
    void *ctx;
} flow;

/* Progress is told each time this many more bytes are written. */
#define PROGRESS_EVERY (1u << 20)

/* Tells FL's progress callback that the new file holds POS bytes (at most the total). */
static void tell_progress(flow *fl, uint64_t pos)
{
    fl->told = pos < fl->total ? pos : fl->total;
    fl->progress(fl->told, fl->total, fl->ctx);
}

/* Starts writeback of what OUT holds up to POS in whole chunks from FL's STARTED on (a hint
   only: errors surface at the fsync), and tells the progress of every MiB or more. */
static void flush_behind(int out, uint64_t pos, flow *fl)
{
    while (fl != NULL && pos - fl->started >= WB_CHUNK) {
        ct_sys_writeback(out, fl->started, WB_CHUNK);
        fl->started += WB_CHUNK;
    }
    if (fl != NULL && fl->progress != NULL && pos >= fl->told + PROGRESS_EVERY)
        tell_progress(fl, pos);
}

/* Copies LEN bytes at OFF of F to OUT at *OUT_POS, leaving F's holes holes in OUT (a sparse
   file stays sparse, to the block): the data by copy_data(). */
static chaptag_status copy_data(ct_file *f, uint64_t off, uint64_t len, int out,
                                uint64_t *out_pos, flow *fl, chaptag_error *err);

static chaptag_status copy_range(ct_file *f, uint64_t off, uint64_t len, int out,
                                 uint64_t *out_pos, flow *fl, chaptag_error *err)
{
    uint64_t end = off + len;
    bool fresh = f->fd >= 0 && out != f->fd; /* in place, a skipped range would keep old bytes */
    while (fresh && off < end) {
        uint64_t data, hole;
        ct_sys_next_data(f->fd, off, end, &data, &hole);
        *out_pos += data - off; /* skipped: never written, so a hole in the new file too */
        if (data < hole) {
            chaptag_status st = copy_data(f, data, hole - data, out, out_pos, fl, err);
            if (st != CHAPTAG_OK)
                return st;
        }
        off = hole;
    }
    return fresh ? CHAPTAG_OK : copy_data(f, off, len, out, out_pos, fl, err);
}

/* Copies what it can of *LEN bytes at *OFF of F to OUT at *OUT_POS inside the kernel,
   advancing all three; what is left (*LEN > 0) the caller copies through a buffer. */
static chaptag_status copy_by_kernel(ct_file *f, uint64_t *off, uint64_t *len, int out,
                                     uint64_t *out_pos, flow *fl, chaptag_error *err)
{
    while (*len > 0) {
        if (ct_io_inject(ENOSPC))
            return ct_fail_errno(err, "cannot write");
        size_t chunk = *len > WB_CHUNK ? WB_CHUNK : (size_t)*len;
        ssize_t n = ct_sys_copy_range(f->fd, *off, out, *out_pos, chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
                      errno == EOPNOTSUPP))
            return CHAPTAG_OK; /* not between these files: through a buffer */
        if (n < 0)
            return ct_fail_errno(err, "cannot write");
        if (n == 0)
            return ct_fail(err, CHAPTAG_ERR_IO, 0, "the file shrank while it was copied");
        *off += (uint64_t)n;
        *len -= (uint64_t)n;
        *out_pos += (uint64_t)n;
        flush_behind(out, *out_pos, fl);
        ct_io_pause();
    }
    return CHAPTAG_OK;
}

static chaptag_status copy_data(ct_file *f, uint64_t off, uint64_t len, int out,
                                uint64_t *out_pos, flow *fl, chaptag_error *err)
{
    if (f->fd >= 0) {
        chaptag_status st = copy_by_kernel(f, &off, &len, out, out_pos, fl, err);
        if (st != CHAPTAG_OK || len == 0)
            return st;
    }
    uint8_t *buf = ct_malloc(COPY_BLOCK);
    if (buf == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    uint64_t chunk = 0; /* the test builds pause per WB_CHUNK, as copy_by_kernel() does */
    while (len > 0 && st == CHAPTAG_OK) {
        size_t n = len < COPY_BLOCK ? (size_t)len : COPY_BLOCK;
        st = ct_file_read(f, off, buf, n, NULL, err);
        if (st == CHAPTAG_OK && ct_io_pwrite_full(out, buf, n, *out_pos) != 0)
            st = ct_fail_errno(err, "cannot write");
        if (st != CHAPTAG_OK)
            break; /* nothing written: no flushing, no progress for it */
        off += n;
        len -= n;
        *out_pos += n;
        flush_behind(out, *out_pos, fl);
        if ((chunk += n) >= WB_CHUNK || len == 0) {
            ct_io_pause();
            chunk = 0;
        }
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
        if (st == CHAPTAG_OK && ct_io_pwrite_full(out, o, n * pc->out_width, *out_pos) != 0)
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
        if (ct_io_pwrite_full(out, z, n, *out_pos) != 0)
            st = ct_fail_errno(err, "cannot write");
        *out_pos += n;
        len -= n;
    }
    free(z);
    return st;
}

/* Writes the pieces of edit E to OUT at *OUT_POS. */
static chaptag_status write_pieces(ct_file *f, const ct_edit *e, int out, uint64_t *out_pos,
                                   flow *fl, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; i < e->n_pieces && st == CHAPTAG_OK; i++) {
        const ct_piece *pc = &e->pieces[i];
        if (pc->bytes != NULL) {
            if (ct_io_pwrite_full(out, pc->bytes, pc->len, *out_pos) != 0)
                st = ct_fail_errno(err, "cannot write");
            *out_pos += pc->len;
        } else if (pc->zeros) {
            st = write_zeros(out, pc->len, out_pos, err);
        } else if (pc->width != 0) {
            st = copy_table(f, pc, out, out_pos, err);
        } else {
            st = copy_range(f, pc->src_off, pc->len, out, out_pos, fl, err);
        }
    }
    return st;
}

/* Streams F with PLAN's edits into OUT, telling FL's progress as it goes. */
static chaptag_status write_stream(ct_file *f, const ct_plan *plan, int out, flow *fl,
                                   uint64_t *written, chaptag_error *err)
{
    uint64_t pos = 0, out_pos = 0;
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; i < plan->n && st == CHAPTAG_OK; i++) {
        const ct_edit *e = &plan->v[i];
        st = copy_range(f, pos, e->off - pos, out, &out_pos, fl, err);
        if (st == CHAPTAG_OK)
            st = write_pieces(f, e, out, &out_pos, fl, err);
        pos = e->off + e->old_len;
    }
    if (st == CHAPTAG_OK && pos < f->size)
        st = copy_range(f, pos, f->size - pos, out, &out_pos, fl, err);
    /* a hole at the end was skipped, not written: the size says where the file ends */
    if (st == CHAPTAG_OK && ftruncate(out, (off_t)out_pos) != 0)
        st = ct_fail_errno(err, "cannot write");
    /* the end, unless the last call said it: the total is what was planned, unless the
       file changed under its lock */
    bool said = fl->told == out_pos && fl->total == out_pos && out_pos > 0;
    if (st == CHAPTAG_OK && fl->progress != NULL && !said) {
        fl->total = out_pos;
        tell_progress(fl, out_pos);
    }
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

/* Saves in OLD[i] (OLD_LEN[i] bytes) what step i of PLAN will overwrite in F. */
static chaptag_status save_originals(ct_file *f, const ct_plan *plan, uint8_t **old,
                                     size_t *old_len, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; i < plan->n_steps && st == CHAPTAG_OK; i++) {
        uint64_t len = ct_edit_len(&plan->steps[i]), off = plan->steps[i].off;
        len = off >= f->size ? 0 : f->size - off < len ? f->size - off : len;
        old[i] = ct_malloc((size_t)len);
        st = old[i] ? ct_file_read(f, off, old[i], (size_t)len, &old_len[i], err)
                    : ct_fail_nomem(err);
    }
    return st;
}

/* Writes PLAN's steps into F in order, each synced before the next unless it says it need
   not be (the last always is); *DONE counts the steps begun, *WRITTEN the bytes. */
static chaptag_status run_steps(ct_file *f, const ct_plan *plan, size_t *done,
                                uint64_t *written, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    size_t n = plan->n_steps;
    for (; *done < n && st == CHAPTAG_OK; (*done)++) {
        const ct_edit *step = &plan->steps[*done];
        uint64_t pos = step->off;
        st = write_pieces(f, step, f->fd, &pos, NULL, err);
        bool last = *done + 1 == n;
        if (st == CHAPTAG_OK && (last || !step->no_sync) && sync_data(f->fd) != 0)
            st = ct_fail_errno(err, "cannot sync");
        *written += pos - step->off;
        ct_io_pause();
    }
    return st;
}

/* Puts back the original bytes of the first DONE steps (and the one that failed, if any) and
   F's size: the earliest step to cover a byte saved its original, so the latest goes first. */
static void restore_originals(ct_file *f, const ct_plan *plan, uint8_t *const *old,
                              const size_t *old_len, size_t done)
{
    for (size_t i = done < plan->n_steps ? done + 1 : done; i-- > 0;)
        if (old[i] != NULL && ct_io_pwrite_full(f->fd, old[i], old_len[i], plan->steps[i].off) != 0)
            break;
    if (ftruncate(f->fd, (off_t)f->size) == 0)
        ct_sys_sync_data(f->fd);
}

/* Blocks (BLOCK true) or lets through again the signals that end chaptag, keeping the mask
   that was in *WAS: an edit in place takes milliseconds, so Ctrl-C or a TERM waits until the
   file is whole again (done, or put back), then ends chaptag. */
static void hold_signals(bool block, sigset_t *was)
{
    if (!block) {
        sigprocmask(SIG_SETMASK, was, NULL);
        return;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &set, was);
}

/* Runs the plan's steps in order, each made durable before the next: the backend chose
   them so that the file is valid after every one. On a failure, or when CHECK finds the
   result wrong, the original bytes (saved first) are put back and the size restored. */
static chaptag_status apply_steps(ct_file *f, const ct_plan *plan, ct_check_fn check, void *ctx,
                                  ct_apply_result *res, chaptag_error *err)
{
    size_t n = plan->n_steps, done = 0;
    uint64_t written = 0;
    uint8_t **old = ct_calloc(n, sizeof *old);
    size_t *old_len = ct_calloc(n, sizeof *old_len);
    chaptag_status st = old && old_len ? save_originals(f, plan, old, old_len, err)
                                       : ct_fail_nomem(err);
    sigset_t was;
    hold_signals(true, &was);
    if (st == CHAPTAG_OK)
        st = run_steps(f, plan, &done, &written, err);
    if (st == CHAPTAG_OK)
        st = check_fd(f->fd, check, ctx, err);
    if (st != CHAPTAG_OK && old != NULL && old_len != NULL)
        restore_originals(f, plan, old, old_len, done);
    hold_signals(false, &was);
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

static chaptag_status apply_rewrite(ct_file *f, const char *target_path, const ct_plan *plan,
                                    const ct_apply_hooks *hooks, ct_apply_result *res,
                                    chaptag_error *err)
{
    ct_tmpfile *t;
    int out;
    chaptag_status st = ct_tmp_open(target_path, &t, &out, err);
    if (st != CHAPTAG_OK)
        return st;
    uint64_t written = 0;
    flow fl = {0, 0, ct_plan_new_size(plan, f->size), hooks->progress, hooks->progress_ctx};
    st = write_stream(f, plan, out, &fl, &written, err);
    if (st == CHAPTAG_OK)
        st = check_fd(out, hooks->check, hooks->check_ctx, err);
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

chaptag_status ct_plan_apply(ct_file *f, const char *path, const ct_plan *plan,
                             const char *output, ct_apply_result *res, chaptag_error *err)
{
    return ct_plan_apply_hooked(f, path, plan, output, NULL, res, err);
}

chaptag_status ct_plan_apply_checked(ct_file *f, const char *path, const ct_plan *plan,
                                     const char *output, ct_check_fn check, void *ctx,
                                     ct_apply_result *res, chaptag_error *err)
{
    ct_apply_hooks hooks = {check, ctx, NULL, NULL};
    return ct_plan_apply_hooked(f, path, plan, output, &hooks, res, err);
}

chaptag_status ct_plan_apply_hooked(ct_file *f, const char *path, const ct_plan *plan,
                                    const char *output, const ct_apply_hooks *hooks,
                                    ct_apply_result *res, chaptag_error *err)
{
    static const ct_apply_hooks none = {NULL, NULL, NULL, NULL};
    if (hooks == NULL)
        hooks = &none;
    res->in_place = false;
    res->bytes_written = 0;
    if (plan->failed)
        return ct_fail_nomem(err);
    if (output != NULL && ct_file_same(f, output))
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the output %s is the input file itself", output);
    if (output == NULL && plan->n == 0)
        return CHAPTAG_OK; /* the file already is what the plan would make */
    if (output == NULL && plan->n_steps > 0) {
        if (f->fd >= 0)
            ct_tmp_clean_beside(path); /* a rewrite's leftovers beside the file */
        return apply_steps(f, plan, hooks->check, hooks->check_ctx, res, err);
    }
    return apply_rewrite(f, output != NULL ? output : path, plan, hooks, res, err);
}
