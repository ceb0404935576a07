/* chaptag convert: read a chapter file in one format and print it in another, maybe edited
   on the way (shift, cut, insert, an intro); or build one from several audio files, a
   chapter each (--from-files). Also home of the edits embed shares. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_FROM_FILES = 256 };

static const struct option options[] = {
    {"from", required_argument, NULL, 'f'},
    {"to", required_argument, NULL, 't'},
    {"output", required_argument, NULL, 'o'},
    {"duration", required_argument, NULL, 'd'},
    {"from-files", no_argument, NULL, OPT_FROM_FILES},
    CLI_EDIT_OPTIONS,
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* True when NAME is a platform whose description block convert writes. */
static int is_platform(const char *name)
{
    for (const char *const *p = chaptag_profile_names(); *p != NULL; p++)
        if (strcmp(*p, name) == 0)
            return 1;
    return 0;
}

/* The title of audio file PATH's chapter: its title tag, else its file name without the
   extension, into BUF (N bytes). */
static const char *file_title(const char *path, const chaptag_chapters *tags, char *buf,
                              size_t n)
{
    const char *title = chaptag_chapters_meta(tags, "title");
    if (title != NULL && title[0] != '\0')
        return title;
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t k = dot != NULL && dot > base ? (size_t)(dot - base) : strlen(base);
    snprintf(buf, n, "%.*s", (int)k, base);
    return buf;
}

/* *OUT: one chapter per audio file of PATHS (N), in order, each starting where the ones before
   it end by their measured durations; *TOTAL_MS their sum. Returns the exit status. */
static int chapters_from_files(char *const *paths, int n, chaptag_chapters **out,
                               uint64_t *total_ms)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_error err = {0};
    uint64_t at = 0;
    int rc = list != NULL ? EXIT_OK : cli_usage("convert", "out of memory");
    for (int i = 0; rc == EXIT_OK && i < n; i++) {
        chaptag_chapters *tags = NULL;
        chaptag_file_info info;
        char name[256];
        if (chaptag_read(paths[i], &tags, &info, &err) != CHAPTAG_OK) {
            rc = cli_error(paths[i], &err);
            break;
        }
        chaptag_chapter ch = {0};
        ch.start_ms = at;
        ch.end_ms = CHAPTAG_TIME_NONE;
        ch.title = file_title(paths[i], tags, name, sizeof name);
        if (info.duration_ms == 0) {
            err = (chaptag_error){.code = CHAPTAG_ERR_AUDIO};
            snprintf(err.msg, sizeof err.msg, "no duration could be measured, so the next "
                     "file's chapter has no start");
            rc = cli_error(paths[i], &err);
        } else if (chaptag_chapters_add(list, &ch, &err) != CHAPTAG_OK) {
            rc = cli_error(paths[i], &err);
        }
        at += info.duration_ms;
        chaptag_chapters_free(tags);
    }
    if (rc != EXIT_OK) {
        chaptag_chapters_free(list);
        return rc;
    }
    *out = list;
    *total_ms = at;
    return EXIT_OK;
}

typedef struct {
    const char *from, *to, *output;
    uint64_t duration;
    int from_files;
    cli_edits edits;
} convert_opts;

/* Applies one option; returns -1 to go on, else the exit status. */
static int take_option(int c, const char *arg, convert_opts *o)
{
    int rc = cli_edits_take(&o->edits, "convert", c, arg);
    if (rc >= 0)
        return rc > 0 ? rc : -1;
    switch (c) {
    case 'f': o->from = arg; break;
    case 't': o->to = arg; break;
    case 'o': o->output = arg; break;
    case 'd':
        if (!chaptag_parse_duration(arg, &o->duration) || o->duration == 0)
            return cli_usage("convert", "--duration takes a time like 1:03:40.5 or 90m, not "
                             "'%s'", arg);
        break;
    case OPT_FROM_FILES: o->from_files = 1; break;
    case 'q': cli_verbosity = -1; break;
    case 'h': return cli_help("convert");
    default: return cli_usage("convert", "unknown option");
    }
    return -1;
}

/* Checks the options and arguments together (format names made canonical); returns -1 when
   they fit, else the status. */
static int check_usage(convert_opts *o, int n_args, char *const *args)
{
    if (o->to == NULL)
        return cli_usage("convert", "needs --to FORMAT");
    int rc = cli_format("convert", o->to, &o->to);
    if (rc < 0 && o->from != NULL)
        rc = cli_format("convert", o->from, &o->from);
    if (rc >= 0)
        return rc;
    if (o->edits.skip_prose && o->from != NULL && strcmp(o->from, "text") != 0)
        return cli_usage("convert", "--skip-prose reads text only, not %s", o->from);
    if (o->from_files && (o->from != NULL || o->edits.skip_prose))
        return cli_usage("convert", "--from-files reads audio files: no --from or --skip-prose");
    if (o->from_files && n_args < 1)
        return cli_usage("convert", "--from-files needs AUDIO files");
    if (!o->from_files && n_args != 1)
        return cli_usage("convert", "needs one CHAPTERS file ('-': standard input)");
    for (int i = 0; o->output != NULL && i < n_args; i++)
        if (chaptag_same_file(o->output, args[i]))
            return cli_usage("convert", "-o %s is an input itself: the input would be lost if "
                             "the output failed half-way; write elsewhere, then rename",
                             o->output);
    return -1;
}

/* Formats LIST as O asks and writes it; returns the exit status. */
static int write_out(const chaptag_chapters *list, const convert_opts *o, uint64_t duration,
                     const char *path)
{
    chaptag_error err = {0};
    char *out;
    size_t len, n_warnings = 0;
    chaptag_warning *warnings = NULL;
    if (chaptag_format_with_warnings(list, o->to, duration, &out, &len, &warnings, &n_warnings,
                                     &err) != CHAPTAG_OK) {
        int rc = cli_error(path, &err);
        const chaptag_chapter *first = chaptag_chapters_get(list, 0);
        if (is_platform(o->to) && first != NULL && first->start_ms >= 1000)
            fprintf(stderr, "chaptag: hint: --add-intro TITLE puts a chapter at 0:00 before "
                    "the first one; --shift moves them all\n");
        return rc;
    }
    for (size_t i = 0; i < n_warnings; i++) /* what the output format could not keep */
        cli_warning(path, &warnings[i]);
    int rc = EXIT_OK;
    if (o->output != NULL)
        rc = cli_write_file(o->output, out, len);
    else
        fwrite(out, 1, len, stdout);
    free(out);
    free(warnings);
    return rc;
}

int cmd_convert(int argc, char **argv)
{
    convert_opts o = {.duration = CHAPTAG_TIME_NONE};
    int c;
    optind = 0; /* glibc: 0 also resets the state an earlier in-process parse left */
    while ((c = getopt_long(argc, argv, "f:t:o:qh", options, NULL)) != -1) {
        int rc = take_option(c, optarg, &o);
        if (rc >= 0)
            return rc;
    }
    int rc = check_usage(&o, argc - optind, argv + optind);
    if (rc >= 0)
        return rc;
    const char *path = argv[optind];
    chaptag_chapters *list = NULL;
    uint64_t duration = o.duration;
    if (o.from_files) {
        uint64_t total;
        rc = chapters_from_files(argv + optind, argc - optind, &list, &total);
        duration = duration == CHAPTAG_TIME_NONE ? total : duration;
    } else {
        rc = cli_read_chapters(path, o.from, o.edits.skip_prose, &list);
    }
    if (rc == EXIT_OK)
        rc = cli_edits_apply(&o.edits, &list, duration, path);
    if (rc == EXIT_OK) {
        for (size_t i = 0; i < chaptag_chapters_warning_count(list); i++)
            cli_warning(path, chaptag_chapters_warning(list, i));
        rc = write_out(list, &o, duration, path);
    }
    chaptag_chapters_free(list);
    return rc;
}

/* ---- the edits convert and embed share ------------------------------------------------------ */

/* Splits ARG at the first SEP into two durations; 0 when it is not two of them. */
static int two_times(const char *arg, char sep, uint64_t *a, uint64_t *b)
{
    const char *mid = strchr(arg, sep);
    if (mid == NULL || mid == arg)
        return 0;
    size_t n = (size_t)(mid - arg);
    char first[64];
    if (n >= sizeof first)
        return 0;
    memcpy(first, arg, n);
    first[n] = '\0';
    return chaptag_parse_duration(first, a) && chaptag_parse_duration(mid + 1, b);
}

int cli_edits_take(cli_edits *e, const char *cmd, int opt, const char *arg)
{
    if (opt == CLI_OPT_ADD_INTRO) {
        e->intro = arg;
        return 0;
    }
    if (opt == CLI_OPT_SKIP_PROSE) {
        e->skip_prose = 1;
        return 0;
    }
    if (opt != CLI_OPT_SHIFT && opt != CLI_OPT_CUT && opt != CLI_OPT_INSERT)
        return -1;
    if (e->n == CLI_EDITS_MAX)
        return cli_usage(cmd, "too many --shift, --cut and --insert (%d at most)", CLI_EDITS_MAX);
    e->v[e->n].opt = opt;
    if (opt == CLI_OPT_SHIFT && !chaptag_parse_offset(arg, &e->v[e->n].offset_ms))
        return cli_usage(cmd, "--shift takes a signed time like -00:01:30 or +90s, not '%s'",
                         arg);
    if (opt == CLI_OPT_CUT && (!two_times(arg, '-', &e->v[e->n].a_ms, &e->v[e->n].b_ms) ||
                               e->v[e->n].b_ms <= e->v[e->n].a_ms))
        return cli_usage(cmd, "--cut takes START-END, two times with END after START, like "
                         "10:00-12:30, not '%s'", arg);
    if (opt == CLI_OPT_INSERT && (!two_times(arg, '+', &e->v[e->n].a_ms, &e->v[e->n].b_ms) ||
                                  e->v[e->n].b_ms == 0))
        return cli_usage(cmd, "--insert takes AT+LENGTH, like 30:00+90s, not '%s'", arg);
    e->n++;
    return 0;
}

int cli_edits_apply(const cli_edits *e, chaptag_chapters **list, uint64_t duration_ms,
                    const char *path)
{
    for (size_t i = 0; i <= e->n; i++) {
        chaptag_error err = {0};
        chaptag_chapters *next = NULL;
        chaptag_status st = CHAPTAG_OK;
        if (i == e->n && e->intro == NULL)
            break;
        if (i == e->n)
            st = chaptag_chapters_add_intro(*list, e->intro, &next, &err);
        else if (e->v[i].opt == CLI_OPT_SHIFT)
            st = chaptag_chapters_shift(*list, e->v[i].offset_ms, duration_ms, &next, &err);
        else if (e->v[i].opt == CLI_OPT_CUT)
            st = chaptag_chapters_cut(*list, e->v[i].a_ms, e->v[i].b_ms, duration_ms, &next,
                                      &err);
        else
            st = chaptag_chapters_insert(*list, e->v[i].a_ms, e->v[i].b_ms, duration_ms, &next,
                                         &err);
        if (st != CHAPTAG_OK)
            return cli_error(path, &err);
        chaptag_chapters_free(*list);
        *list = next;
    }
    return EXIT_OK;
}

/* The most a chapter file read whole may hold, as the library's own reader allows. */
#define CHAPTER_FILE_MAX (64u << 20)

/* Reads PATH ('-': standard input) whole into *DATA (free() it), *LEN; 0 with errno set when
   it cannot, EFBIG past CHAPTER_FILE_MAX. */
static int read_whole(const char *path, char **data, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 65536, n = 0;
    char *buf = f != NULL ? malloc(cap) : NULL;
    int ok = buf != NULL;
    while (ok) {
        if (n == cap) {
            char *grown = cap < CHAPTER_FILE_MAX ? realloc(buf, cap * 2) : NULL;
            ok = grown != NULL;
            errno = ok ? errno : cap < CHAPTER_FILE_MAX ? ENOMEM : EFBIG;
            buf = ok ? grown : buf;
            cap *= ok ? 2 : 1;
            continue;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0) {
            ok = !ferror(f);
            break;
        }
    }
    int saved = errno;
    if (f != NULL && f != stdin)
        fclose(f);
    if (!ok) {
        free(buf);
        errno = saved;
        return 0;
    }
    *data = buf;
    *len = n;
    return 1;
}

int cli_read_chapters(const char *path, const char *fmt, int skip_prose,
                      chaptag_chapters **out)
{
    chaptag_error err = {0};
    if (!skip_prose)
        return chaptag_parse_file(path, fmt, out, &err) == CHAPTAG_OK ? EXIT_OK
                                                                      : cli_error(path, &err);
    char *data;
    size_t len;
    if (!read_whole(path, &data, &len)) {
        err.code = CHAPTAG_ERR_IO;
        err.sys_errno = errno;
        snprintf(err.msg, sizeof err.msg, "cannot read: %s", strerror(err.sys_errno));
        return cli_error(path, &err);
    }
    chaptag_status st = chaptag_parse_skipping_prose(data, len, out, &err);
    free(data);
    return st == CHAPTAG_OK ? EXIT_OK : cli_error(path, &err);
}
