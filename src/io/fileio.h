/* All file access: reading audio files, and applying a plan to one, in place or through a
   temporary file that is fsynced and renamed over the original. No other module opens,
   writes or renames a file. */
#ifndef CHAPTAG_FILEIO_H
#define CHAPTAG_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"

typedef struct ct_file ct_file;

/* How a file is opened. */
typedef enum {
    CT_OPEN_READ,   /* shared lock: waits while another chaptag writes the file */
    CT_OPEN_EDIT    /* exclusive lock, held until close: the file may be edited */
} ct_open_mode;

/* Opens the regular file at PATH. A directory, FIFO or device is refused with
   CHAPTAG_ERR_IO. *OUT is new; close it with ct_file_close(). */
chaptag_status ct_file_open(const char *path, ct_open_mode mode, ct_file **out,
                            chaptag_error *err);

/* A read-only file over LEN bytes at DATA (not copied; must outlive the file), for tests and
   fuzzing. NULL when memory runs out. */
ct_file *ct_file_memory(const void *data, size_t len);

/* Closes F (releasing its lock). NULL does nothing. */
void ct_file_close(ct_file *f);

/* Size of F in bytes when it was opened. */
uint64_t ct_file_size(const ct_file *f);

/* True when PATH names the file F is open on (same device and inode: a hard link, a symlink,
   "./NAME"). */
bool ct_file_same(const ct_file *f, const char *path);

/* Bytes ct_file_read() has given from F since it was opened. */
uint64_t ct_file_bytes_read(const ct_file *f);

/* Reads LEN bytes at offset OFF into BUF. With GOT NULL all LEN bytes must be there (else
   CHAPTAG_ERR_AUDIO, "the file ends early"); otherwise *GOT is the count read, short only at
   the end of the file. */
chaptag_status ct_file_read(ct_file *f, uint64_t off, void *buf, size_t len, size_t *got,
                            chaptag_error *err);

/* For sniffers: LEN bytes at OFF into BUF, from HEAD (the file's first N bytes) when they
   are in it, else read from F (may be NULL: head only). False when they are not all there. */
bool ct_file_read_sniffed(ct_file *f, const uint8_t *head, size_t n, uint64_t off, uint8_t *buf,
                          size_t len);

/* What applying a plan did. */
typedef struct {
    bool in_place;          /* edited in place (else a new file was written) */
    uint64_t bytes_written; /* bytes written to the file */
} ct_apply_result;

/* Applies PLAN to F (opened with CT_OPEN_EDIT from PATH, or CT_OPEN_READ when OUTPUT is
   given). Without OUTPUT: nothing when the plan has no edits; its steps in order when it has
   some (in place); else the file is streamed with the edits into a temporary file beside the
   target, fsynced, given the original's mode and renamed over it (over a symlink's target,
   not the link). With OUTPUT the result goes there and PATH is not touched. On failure the
   original is unchanged and no temporary file is left. */
chaptag_status ct_plan_apply(ct_file *f, const char *path, const ct_plan *plan,
                             const char *output, ct_apply_result *res, chaptag_error *err);

/* Reads the new state of a file back before a write is called done: WRITTEN is a read-only
   view of what was written (the temporary file before its rename, or the file after its
   steps). Anything but CHAPTAG_OK undoes the write. */
typedef chaptag_status (*ct_check_fn)(ct_file *written, void *ctx, chaptag_error *err);

/* As ct_plan_apply(), and CHECK (with CTX) proves the result first: a rewrite is checked
   before the rename, an edit in place after its last step and undone (the original bytes put
   back, the size restored) when the check fails. CHECK NULL: no proof. */
chaptag_status ct_plan_apply_checked(ct_file *f, const char *path, const ct_plan *plan,
                                     const char *output, ct_check_fn check, void *ctx,
                                     ct_apply_result *res, chaptag_error *err);

/* Told how far a rewrite has got: DONE of the TOTAL bytes of the new file are written. */
typedef void (*ct_progress_fn)(uint64_t done, uint64_t total, void *ctx);

/* What an apply calls back: CHECK (with CHECK_CTX) as for ct_plan_apply_checked(); PROGRESS
   (with PROGRESS_CTX; may be NULL) from the calling thread while a rewrite streams the file,
   each time another MiB or more is written and once at the end with DONE equal to TOTAL, DONE
   never going back. Steps in place are quick and report nothing. */
typedef struct {
    ct_check_fn check;
    void *check_ctx;
    ct_progress_fn progress;
    void *progress_ctx;
} ct_apply_hooks;

/* As ct_plan_apply_checked(), with the callbacks in HOOKS (NULL: none). */
chaptag_status ct_plan_apply_hooked(ct_file *f, const char *path, const ct_plan *plan,
                                    const char *output, const ct_apply_hooks *hooks,
                                    ct_apply_result *res, chaptag_error *err);

/* A temporary file for a writer that is not a plan (libavformat): created beside TARGET (what
   its symlinks lead to), hidden and named .NAME.chaptag-tmp-XXXXXX. */
typedef struct ct_tmpfile ct_tmpfile;

/* Creates the temporary file; *FD is where to write it (or ct_tmp_write()). */
chaptag_status ct_tmp_open(const char *target, ct_tmpfile **out, int *fd, chaptag_error *err);

/* Syncs the temporary file, gives it LIKE's mode and owner (LIKE may be NULL), renames it over
   its target and syncs the folder; frees T. On failure the temporary file is removed. */
chaptag_status ct_tmp_commit(ct_tmpfile *t, const ct_file *like, chaptag_error *err);

/* Writes the LEN bytes at BUF into the temporary file at offset OFF, all of them: for a writer
   that seeks (a muxer), which writes through this rather than *FD so that the test builds'
   faults (ct_fileio_fail_at) reach it. CHAPTAG_ERR_IO with errno's reason on failure. */
chaptag_status ct_tmp_write(ct_tmpfile *t, const void *buf, size_t len, uint64_t off,
                            chaptag_error *err);

/* The temporary file's path (borrowed from T), e.g. to read what was written back. */
const char *ct_tmp_path(const ct_tmpfile *t);

/* Removes the temporary file and frees T. NULL does nothing. */
void ct_tmp_abort(ct_tmpfile *t);

/* Writes the LEN bytes at DATA as the whole file PATH, through a temporary file renamed over
   it: PATH holds the old bytes or the new, never a part. */
chaptag_status ct_write_whole_file(const char *path, const void *data, size_t len,
                                   chaptag_error *err);

/* Creates the folder PATH (one level) when it does not exist; an existing folder is fine. */
chaptag_status ct_make_dir(const char *path, chaptag_error *err);

/* Reads a whole (chapter or image) file of at most MAX bytes; "-" is standard input. *OUT is
   new (NUL-terminated; free() it). */
chaptag_status ct_slurp(const char *path, size_t max, char **out, size_t *len,
                        chaptag_error *err);

/* PATH with every symlink, "." and ".." resolved (realpath), new; NULL with errno set when it
   does not exist or memory runs out. */
char *ct_path_resolve(const char *path);

/* Reads the whole regular file at PATH of at most MAX bytes (a picture a chapter file names):
   opened without blocking and checked with fstat, so a FIFO, device or directory is refused at
   once (CHAPTAG_ERR_INPUT), never waited on. *OUT is new (free() it). */
chaptag_status ct_slurp_regular(const char *path, size_t max, char **out, size_t *len,
                                chaptag_error *err);

/* Built with CHAPTAG_TESTING: make the Nth write, fsync or rename from now fail with EIO
   (ENOSPC for writes); 0 turns it off. */
void ct_fileio_fail_at(unsigned long n);

/* Built with CHAPTAG_TESTING: the Nth write of bytes from now silently writes its first
   64 bytes flipped (a fault the disk does not report), so tests see the read-back catch it;
   0: off. Returns how many writes the previous request still had to go (0: it was met). */
unsigned long ct_fileio_corrupt_at(unsigned long n);

#endif
