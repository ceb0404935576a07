/* Every message the user reads on standard error, and the mapping from library status to
   exit status, in one place. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_verbosity;

int cli_exit_status(chaptag_status st)
{
    static const int map[] = {
        [CHAPTAG_OK] = EXIT_OK,          [CHAPTAG_ERR_INPUT] = EXIT_INPUT,
        [CHAPTAG_ERR_AUDIO] = EXIT_AUDIO, [CHAPTAG_ERR_IO] = EXIT_IO,
        [CHAPTAG_ERR_NOMEM] = EXIT_IO,
    };
    return (unsigned)st < sizeof map / sizeof map[0] ? map[st] : EXIT_IO;
}

const char *cli_path(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int cli_error(const char *path, const chaptag_error *err)
{
    cli_report_error(path, err);
    if (err->line > 0 && err->column > 0)
        fprintf(stderr, "chaptag: %s:%u:%u: %s\n", cli_path(path), err->line, err->column,
                err->msg);
    else if (err->line > 0)
        fprintf(stderr, "chaptag: %s:%u: %s\n", cli_path(path), err->line, err->msg);
    else
        fprintf(stderr, "chaptag: %s: %s\n", cli_path(path), err->msg);
    return cli_exit_status(err->code);
}

void cli_warning(const char *path, const chaptag_warning *w)
{
    cli_report_warning(path, w);
    if (cli_verbosity < 0)
        return;
    if (w->line > 0)
        fprintf(stderr, "chaptag: %s:%u: warning: %s\n", cli_path(path), w->line, w->msg);
    else
        fprintf(stderr, "chaptag: %s: warning: %s\n", cli_path(path), w->msg);
}

int cli_dirs_add(cli_dirs *d, const char *dir)
{
    if (d->n >= CLI_DIRS_MAX)
        return 0;
    d->v[d->n++] = dir;
    return 1;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "chaptag %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'chaptag help %s'.\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

const char *cli_count(uint64_t n, char *buf)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n), o = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *cli_s(uint64_t n)
{
    return n == 1 ? "" : "s";
}

int cli_parse_u64(const char *s, uint64_t *v)
{
    if (*s < '0' || *s > '9')
        return 0;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return 0;
    *v = x;
    return 1;
}

int cli_format(const char *cmd, const char *name, const char **out)
{
    const char *canonical = chaptag_format_canonical(name);
    if (canonical != NULL) {
        *out = canonical;
        return -1;
    }
    char known[256] = "";
    size_t used = 0;
    for (const char *const *f = chaptag_format_names(); *f != NULL && used < sizeof known; f++) {
        int n = snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "", *f);
        used += n > 0 ? (size_t)n : 0;
    }
    return cli_usage(cmd, "unknown chapter format '%s'; the formats are %s", name, known);
}
