/* The progress line of a long write: on standard error when it is a terminal (never in a
   pipe or a CI log), once the write has taken a second, redrawn at most ten times a second
   and cleared before the line that says what was done. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* A write shows its progress once it has taken AFTER_MS (CHAPTAG_PROGRESS_AFTER_MS sets
   another delay, for the tests: 0 shows it at once), redrawn at most every REDRAW_MS. */
#define AFTER_MS 1000
#define REDRAW_MS 100

typedef struct {
    const char *path;
    int64_t start_ms, drawn_ms, after_ms;
    int shown;
} progress_line;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t after_ms(void)
{
    const char *s = getenv("CHAPTAG_PROGRESS_AFTER_MS");
    char *end;
    long v = s != NULL ? strtol(s, &end, 10) : -1;
    return s != NULL && *s != '\0' && *end == '\0' && v >= 0 ? v : AFTER_MS;
}

/* "43% (1.2 of 2.8 GB)": both sizes in the unit of TOTAL. */
static void draw(uint64_t done, uint64_t total, void *ctx)
{
    progress_line *l = ctx;
    int64_t t = now_ms();
    if (t - l->start_ms < l->after_ms || (l->shown && t - l->drawn_ms < REDRAW_MS))
        return;
    double unit = total >= 1000000000u ? 1e9 : total >= 1000000u ? 1e6 : 1e3;
    const char *name = unit == 1e9 ? "GB" : unit == 1e6 ? "MB" : "kB";
    unsigned pct = total > 0 ? (unsigned)((double)done * 100 / (double)total) : 100;
    fprintf(stderr, "\rchaptag: writing %s: %u%% (%.1f of %.1f %s)", cli_path(l->path), pct,
            (double)done / unit, (double)total / unit, name);
    fflush(stderr);
    l->shown = 1;
    l->drawn_ms = t;
}

/* Starts the line for PATH into L; the callback to pass, NULL when nothing is shown (not a
   terminal, or quiet). */
static chaptag_progress_fn begin(progress_line *l, const char *path)
{
    *l = (progress_line){path, now_ms(), 0, after_ms(), 0};
    return isatty(STDERR_FILENO) && cli_verbosity >= 0 ? draw : NULL;
}

/* Clears the line, if it was shown. */
static void end(const progress_line *l)
{
    if (l->shown)
        fputs("\r\033[K", stderr);
}

chaptag_status cli_embed_with_progress(const char *path, const chaptag_chapters *list,
                                       const chaptag_embed_opts *opts, chaptag_report **report,
                                       chaptag_error *err)
{
    progress_line l;
    chaptag_progress_fn fn = begin(&l, path);
    chaptag_status st = chaptag_embed_progress(path, list, opts, fn, &l, report, err);
    end(&l);
    return st;
}

chaptag_status cli_strip_with_progress(const char *path, const chaptag_embed_opts *opts,
                                       chaptag_report **report, chaptag_error *err)
{
    progress_line l;
    chaptag_progress_fn fn = begin(&l, path);
    chaptag_status st = chaptag_strip_progress(path, opts, fn, &l, report, err);
    end(&l);
    return st;
}
