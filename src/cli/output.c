/* Files the commands write besides audio (dump -o, convert -o): whole or not at all. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Writes all N bytes at P to FD; false with errno set when it cannot. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return 0;
        p += k;
        n -= (size_t)k;
    }
    return 1;
}

int cli_write_file(const char *path, const char *data, size_t len)
{
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (tmp == NULL)
        return cli_usage("output", "out of memory");
    /* beside the target, so the rename stays on one file system; hidden while it is written */
    snprintf(tmp, n, "%.*s.%s.chaptag-tmp-XXXXXX", (int)dir, path, path + dir);
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? st.st_mode & 07777 : 0644;
    int fd = mkstemp(tmp);
    int ok = fd >= 0 && write_all(fd, data, len) && fchmod(fd, mode) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        saved = errno;
    }
    if (!ok && fd >= 0)
        unlink(tmp);
    free(tmp);
    if (ok)
        return EXIT_OK;
    chaptag_error err = {.code = CHAPTAG_ERR_IO, .sys_errno = saved};
    snprintf(err.msg, sizeof err.msg, "cannot write: %s", strerror(saved));
    return cli_error(path, &err);
}
