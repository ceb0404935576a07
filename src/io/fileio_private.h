/* What the files of io/ share and nothing outside io/ uses: the open file's fields, the test
   builds' injected faults, and the full write every writer goes through. */
#ifndef CHAPTAG_FILEIO_PRIVATE_H
#define CHAPTAG_FILEIO_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fileio.h"

struct ct_file {
    int fd;             /* -1 for a memory file */
    const uint8_t *mem; /* a memory file's bytes */
    uint64_t size;
    struct stat st;
    uint64_t bytes_read; /* asked of ct_file_read(): what the silence finder says it read */
};

/* Test builds: pauses for CHAPTAG_TEST_STEP_DELAY_MS, so that the kill tests land inside each
   window of a write. Does nothing elsewhere. */
void ct_io_pause(void);

/* Test builds: true (errno set to E) when this write, fsync or rename is the one
   ct_fileio_fail_at() asked to fail. False elsewhere. */
bool ct_io_inject(int e);

/* Test builds: true when this write of bytes is the one ct_fileio_corrupt_at() asked to
   corrupt. False elsewhere. */
bool ct_io_corrupt(void);

/* Writes LEN bytes at BUF to FD at OFF, all of them (retrying short writes and EINTR);
   0, or -1 with errno. */
int ct_io_pwrite_full(int fd, const void *buf, size_t len, uint64_t off);

/* Removes the temporary files chaptag left beside PATH when it was killed (those no live
   writer holds locked). */
void ct_tmp_clean_beside(const char *path);

#endif
