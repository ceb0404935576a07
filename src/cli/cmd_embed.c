/* chaptag embed: parse the options, read the chapter file, embed, say what was touched; with
   audio files only, each file's own list (--chapters PATTERN or a sibling, batch.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_ID3V2_VERSION = 256, OPT_TOC_TITLE, OPT_PADDING, OPT_DURATION, OPT_MP4_STYLE,
       OPT_IMAGE_DIR, OPT_FETCH_IMAGES, OPT_MP4_IMAGES, OPT_FORMAT, OPT_CHAPTERS,
       OPT_FAIL_FAST };

static const struct option options[] = {
    {"output", required_argument, NULL, 'o'},
    {"from", required_argument, NULL, 'f'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"chapters", required_argument, NULL, OPT_CHAPTERS},
    {"fail-fast", no_argument, NULL, OPT_FAIL_FAST},
    {"id3v2-version", required_argument, NULL, OPT_ID3V2_VERSION},
    {"mp4-style", required_argument, NULL, OPT_MP4_STYLE},
    {"mp4-images", no_argument, NULL, OPT_MP4_IMAGES},
    {"toc-title", required_argument, NULL, OPT_TOC_TITLE},
    {"padding", required_argument, NULL, OPT_PADDING},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"image-dir", required_argument, NULL, OPT_IMAGE_DIR},
    {"fetch-images", no_argument, NULL, OPT_FETCH_IMAGES},
    CLI_EDIT_OPTIONS,
    CLI_SNAP_OPTIONS,
    {"dry-run", no_argument, NULL, 'n'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Applies one option; returns -1 to go on, else the exit status. */
static int take_option(int c, const char *arg, chaptag_embed_opts *o, const char **fmt)
{
    uint64_t v;
    switch (c) {
    case 'o': o->output = arg; break;
    case 'f': return cli_format("embed", arg, fmt);
    case OPT_ID3V2_VERSION:
        if (strcmp(arg, "3") != 0 && strcmp(arg, "4") != 0)
            return cli_usage("embed", "--id3v2-version is 3 or 4, not '%s'", arg);
        o->id3v2_version = arg[0] - '0';
        break;
    case OPT_MP4_STYLE: {
        int images = o->mp4_style & CHAPTAG_MP4_IMAGES; /* --mp4-images may come first */
        if (strcmp(arg, "both") == 0)
            o->mp4_style = CHAPTAG_MP4_BOTH | images;
        else if (strcmp(arg, "qt") == 0)
            o->mp4_style = CHAPTAG_MP4_QT | images;
        else if (strcmp(arg, "nero") == 0)
            o->mp4_style = CHAPTAG_MP4_NERO | images;
        else
            return cli_usage("embed", "--mp4-style is both, qt or nero, not '%s'", arg);
        break;
    }
    case OPT_MP4_IMAGES: o->mp4_style |= CHAPTAG_MP4_IMAGES; break;
    case OPT_TOC_TITLE: o->toc_title = arg; break;
    case OPT_PADDING:
        if (!cli_parse_u64(arg, &v) || v > 0x0FFFFFFF)
            return cli_usage("embed", "--padding takes a number of bytes, not '%s'", arg);
        o->padding = (int64_t)v;
        break;
    case OPT_DURATION:
        if (!chaptag_parse_duration(arg, &o->duration_ms) || o->duration_ms == 0)
            return cli_usage("embed", "--duration takes a time like 1:03:40.5 or 90m, not '%s'",
                             arg);
        break;
    case 'n': o->dry_run = 1; break;
    case 'q': cli_verbosity = -1; break;
    case 'v': cli_verbosity = 1; break;
    case 'h': return cli_help("embed");
    default: return cli_usage("embed", "unknown option");
    }
    return -1;
}

/* The one line that says what embed touched. */
static void say_what_happened(const char *audio, const chaptag_embed_opts *o, size_t n,
                              const chaptag_report *rep)
{
    char a[32], b[32];
    const char *what = chaptag_report_what(rep);
    cli_count(chaptag_report_tag_size(rep), a);
    cli_count(chaptag_report_padding(rep), b);
    if (o->dry_run) {
        printf("%s: %zu chapter%s; dry run, nothing written: would %s (%s bytes, %s of them "
               "padding)\n", audio, n, cli_s(n),
               chaptag_report_in_place(rep) ? "write the tag in place" : "rewrite the file", a, b);
    } else if (o->output != NULL) {
        printf("%s: %zu chapter%s; written from %s: %s of %s bytes (%s of them padding); "
               "%s untouched\n", o->output, n, cli_s(n), audio, what, a, b, audio);
    } else if (chaptag_report_kind(rep) == CHAPTAG_WROTE_NOTHING) {
        printf("%s: %zu chapter%s; the file already holds exactly this %s, nothing written\n",
               audio, n, cli_s(n), what);
    } else if (chaptag_report_kind(rep) == CHAPTAG_WROTE_IN_PLACE) {
        char w[32];
        printf("%s: %zu chapter%s; %s rewritten in place (%s bytes written, tag %s bytes with %s "
               "of padding), audio untouched\n", audio, n, cli_s(n), what,
               cli_count(chaptag_report_bytes_written(rep), w), a, b);
    } else if (chaptag_report_tag_size(rep) == 0) { /* a remux by libavformat */
        printf("%s: %zu chapter%s; file rewritten by libavformat (%s, every stream copied)\n",
               audio, n, cli_s(n), what);
    } else {
        printf("%s: %zu chapter%s; file rewritten: %s of %s bytes, %s bytes of padding left "
               "for later edits\n", audio, n, cli_s(n), what, a, b);
    }
}

/* Prints the report's warnings, the chapter file's lines under CHAPTERS. */
static void print_warnings(const char *audio, const char *chapters, const chaptag_report *rep)
{
    for (size_t i = 0; i < chaptag_report_warning_count(rep); i++) {
        const chaptag_warning *w = chaptag_report_warning(rep, i);
        cli_warning(w->line > 0 ? chapters : audio, w);
    }
}

/* The length of the audio the edits of E must fit in: --duration, else measured (read once
   more, only when there are edits); CHAPTAG_TIME_NONE when there is nothing to fit. Returns the
   exit status. */
static int edits_duration(const cli_edits *e, const char *audio, const chaptag_embed_opts *o,
                          uint64_t *duration_ms)
{
    *duration_ms = o->duration_ms;
    if (e->n == 0 || o->duration_ms != CHAPTAG_TIME_NONE)
        return EXIT_OK;
    chaptag_chapters *old = NULL;
    chaptag_file_info info;
    chaptag_error err = {0};
    if (chaptag_read(audio, &old, &info, &err) != CHAPTAG_OK)
        return cli_error(audio, &err);
    chaptag_chapters_free(old);
    *duration_ms = info.duration_ms > 0 ? info.duration_ms : CHAPTAG_TIME_NONE;
    return EXIT_OK;
}

/* One embed, as asked; returns its exit status. */
typedef struct {
    const char *audio, *chapters;
    const char *fmt; /* of the chapter file; NULL: detected */
    chaptag_embed_opts o;
    cli_edits edits;
    cli_dirs dirs;
    int fetch;
    cli_snap snap;
    cli_report_fmt report;
} embed_job;

static int embed_one(const embed_job *j)
{
    chaptag_error err = {0};
    chaptag_chapters *list = NULL;
    chaptag_report *rep = NULL;
    uint64_t duration;
    int rc = edits_duration(&j->edits, j->audio, &j->o, &duration);
    if (rc == EXIT_OK)
        rc = cli_read_chapters(j->chapters, j->fmt, j->edits.skip_prose, &list);
    if (rc == EXIT_OK)
        rc = cli_edits_apply(&j->edits, &list, duration, j->chapters);
    if (rc != EXIT_OK) {
        chaptag_chapters_free(list);
        return rc;
    }
    /* --image-dir first: a picture found there is not downloaded */
    if (chaptag_chapters_load_images_from(list, j->chapters, j->dirs.v, j->dirs.n, &err) !=
            CHAPTAG_OK ||
        (j->fetch && chaptag_chapters_fetch_images(list, &err) != CHAPTAG_OK)) {
        chaptag_chapters_free(list);
        return cli_error(j->chapters, &err);
    }
    for (size_t i = 0; i < chaptag_chapters_warning_count(list); i++)
        cli_warning(j->chapters, chaptag_chapters_warning(list, i));
    if (j->snap.on) {
        rc = cli_snap_apply(&j->snap, j->audio, j->chapters, list, j->o.dry_run, j->report);
        if (rc != EXIT_OK)
            goto out;
    }
    if (cli_embed_with_progress(j->audio, list, &j->o, &rep, &err) != CHAPTAG_OK) {
        rc = cli_error(err.code == CHAPTAG_ERR_INPUT && err.line > 0 ? j->chapters : j->audio,
                       &err);
        goto out;
    }
    print_warnings(j->audio, j->chapters, rep);
    if (j->report != CLI_REPORT_TEXT) {
        cli_report_int("chapters", chaptag_chapters_count(list));
        cli_report_bool("dry_run", j->o.dry_run);
        cli_report_str("output", j->o.output);
        cli_report_written(rep);
        goto out;
    }
    if (j->o.dry_run || cli_verbosity > 0) {
        const chaptag_file_info *info = chaptag_report_info(rep);
        char d[CHAPTAG_TIME_STR_MAX];
        printf("%s: %s, %s, duration %s (%s)\n%s", j->audio, info->container, info->tag,
               chaptag_time_str(info->duration_ms, d), info->duration_source,
               chaptag_report_plan(rep));
    }
    if (cli_verbosity >= 0)
        say_what_happened(j->audio, &j->o, chaptag_chapters_count(list), rep);
out:
    chaptag_report_free(rep);
    chaptag_chapters_free(list);
    return rc;
}

/* Each of the N files at FILES with its own list; the worst exit status, or the first
   failure's with FAIL_FAST. */
static int embed_batch(embed_job *j, char **files, size_t n, const char *pattern,
                       int fail_fast)
{
    int worst = EXIT_OK;
    cli_report_begin(j->report, n);
    for (size_t i = 0; i < n; i++) {
        char list[4096];
        j->audio = files[i];
        cli_report_open(j->audio, CLI_REPORT_STATUS | CLI_REPORT_WARNINGS);
        int rc = cli_batch_chapters(j->audio, pattern, list, sizeof list);
        if (rc == EXIT_OK) {
            j->chapters = list;
            rc = embed_one(j);
        }
        cli_report_close(rc);
        worst = rc > worst ? rc : worst;
        if (rc != EXIT_OK && fail_fast)
            break;
    }
    cli_batch_forget();
    cli_report_end();
    return worst;
}

/* The classic form: AUDIO and a second argument that is no audio file (a chapter file, '-',
   or a path embed will say it cannot read). */
static int is_classic(char **args, int n, const char *pattern)
{
    return pattern == NULL && n == 2 &&
           (strcmp(args[1], "-") == 0 || chaptag_file_kind(args[1]) != CHAPTAG_KIND_AUDIO);
}

int cmd_embed(int argc, char **argv)
{
    embed_job j = {.report = CLI_REPORT_TEXT};
    const char *pattern = NULL;
    int fail_fast = 0;
    chaptag_embed_opts_init(&j.o);
    cli_snap_init(&j.snap);
    int c;
    optind = 0; /* glibc: 0 also resets the state an earlier in-process parse left */
    while ((c = getopt_long(argc, argv, "o:f:nqvh", options, NULL)) != -1) {
        int taken = cli_edits_take(&j.edits, "embed", c, optarg);
        if (taken < 0)
            taken = cli_snap_take(&j.snap, "embed", c, optarg);
        if (taken > 0)
            return taken;
        if (taken == 0)
            continue;
        if (c == OPT_FETCH_IMAGES) {
            j.fetch = 1;
            continue;
        }
        if (c == OPT_CHAPTERS || c == OPT_FAIL_FAST) {
            pattern = c == OPT_CHAPTERS ? optarg : pattern;
            fail_fast |= c == OPT_FAIL_FAST;
            continue;
        }
        if (c == OPT_FORMAT) {
            int rc = cli_report_format("embed", optarg, &j.report);
            if (rc >= 0)
                return rc;
            continue;
        }
        if (c == OPT_IMAGE_DIR) {
            if (!cli_dirs_add(&j.dirs, optarg))
                return cli_usage("embed", "too many --image-dir folders (%d at most)",
                                 CLI_DIRS_MAX);
            continue;
        }
        int rc = take_option(c, optarg, &j.o, &j.fmt);
        if (rc >= 0)
            return rc;
    }
    int n = argc - optind;
    if (n < 1)
        return cli_usage("embed", "needs AUDIO and CHAPTERS, or AUDIO files with their lists");
    if (j.snap.given != NULL && !j.snap.on) /* given and not used would go unsaid */
        return cli_usage("embed", "%s shapes --snap-to-silence, which is not given", j.snap.given);
    if (j.edits.skip_prose && j.fmt != NULL && strcmp(j.fmt, "text") != 0)
        return cli_usage("embed", "--skip-prose reads text only, not %s", j.fmt);
    int classic = is_classic(argv + optind, n, pattern);
    if (!classic && j.o.output != NULL && n > 1)
        return cli_usage("embed", "-o takes one AUDIO file, not %d", n);
    if (j.o.output != NULL && chaptag_same_file(argv[optind], j.o.output))
        return cli_usage("embed", "-o %s is %s itself (leave -o out to edit in place)",
                         j.o.output, argv[optind]);
    if (!classic)
        return embed_batch(&j, argv + optind, (size_t)n, pattern, fail_fast);
    j.audio = argv[optind];
    j.chapters = argv[optind + 1];
    cli_report_begin(j.report, 1);
    cli_report_open(j.audio, CLI_REPORT_STATUS | CLI_REPORT_WARNINGS);
    int rc = embed_one(&j);
    cli_report_close(rc);
    cli_report_end();
    return rc;
}
