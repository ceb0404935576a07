/* The platform layer of io/: every call chaptag makes that POSIX.1-2008 does not have, each
   with a portable fallback, so that the rest of io/ is plain POSIX. Only platform.c (and
   keep.c, for extended attributes and ACLs, and tmp.c, for macOS's headers) asks for more
   than _POSIX_C_SOURCE, at its top, so that the same flags build it everywhere. */
#ifndef CHAPTAG_PLATFORM_H
#define CHAPTAG_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Copies up to LEN bytes of IN at IN_OFF to OUT at OUT_OFF inside the kernel
   (copy_file_range: reflinks, server-side copies). The count (0 at the end of IN), or -1 with
   errno; ENOSYS, EXDEV, EINVAL or EOPNOTSUPP mean "copy it yourself" (always ENOSYS where
   there is no such call). */
ssize_t ct_sys_copy_range(int in, uint64_t in_off, int out, uint64_t out_off, size_t len);

/* Starts writing LEN bytes of FD at OFF back to the disk without waiting for it
   (sync_file_range); a hint only, nothing where there is no such call. */
void ct_sys_writeback(int fd, uint64_t off, uint64_t len);

/* Makes FD's data durable (fdatasync; fsync where there is none; F_FULLFSYNC on macOS, whose
   fsync leaves the data in the drive's cache). 0, or -1 with errno. */
int ct_sys_sync_data(int fd);

/* Makes FD, a file or a folder, durable with its metadata (fsync; F_FULLFSYNC on macOS).
   0, or -1 with errno. */
int ct_sys_sync(int fd);

/* The data segment of FD at or after OFF, within [OFF, END): *DATA its start (END when the
   rest is a hole), *HOLE where it ends. Without SEEK_DATA all of it is data. */
void ct_sys_next_data(int fd, uint64_t off, uint64_t end, uint64_t *data, uint64_t *hole);

/* Takes an advisory lock on FD, EXCLUSIVE or shared, without waiting (flock: held until the
   file is closed; fcntl record locks where there is no flock). 0, or -1 with errno
   (EWOULDBLOCK or EAGAIN when another holds it). */
int ct_sys_trylock(int fd, bool exclusive);

/* mkstemp(TEMPLATE) with the descriptor closed on exec (mkostemp O_CLOEXEC, else mkstemp
   and FD_CLOEXEC). */
int ct_sys_mkstemp(char *template);

/* realpath(PATH, NULL): new, or NULL with errno. */
char *ct_sys_realpath(const char *path);

#endif
