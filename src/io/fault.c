/* The test builds' faults (CHAPTAG_TESTING): the Nth write, fsync or rename fails, the Nth
   write of bytes is silently corrupted, and every step of a write can be slowed down so that
   the kill tests land inside it. In other builds every hook does nothing. */
#include "fileio_private.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#ifdef CHAPTAG_TESTING
/* CHAPTAG_TEST_STEP_DELAY_MS pauses after every in-place step and every rewrite chunk, so
   that the kill tests can land inside each window. Test builds only. */
void ct_io_pause(void)
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

bool ct_io_corrupt(void)
{
    return io_corrupt_at != 0 && --io_corrupt_at == 0;
}

bool ct_io_inject(int e)
{
    if (io_fail_at == 0 || --io_fail_at != 0)
        return false;
    errno = e;
    return true;
}
#else
void ct_io_pause(void)
{
}

void ct_fileio_fail_at(unsigned long n)
{
    (void)n;
}

bool ct_io_inject(int e)
{
    (void)e;
    return false;
}

unsigned long ct_fileio_corrupt_at(unsigned long n)
{
    (void)n;
    return 0;
}

bool ct_io_corrupt(void)
{
    return false;
}
#endif
