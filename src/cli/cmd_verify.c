/* chaptag verify: lint each file for what players trip on and, given a chapter list (one
   file, a --chapters PATTERN or --siblings, batch.c), check that the file carries exactly
   those chapters. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct option options[] = {
    {"strict", no_argument, NULL, 's'},
    {"format", required_argument, NULL, 'F'},
    {"from", required_argument, NULL, 'f'},
    {"chapters", required_argument, NULL, 'c'},
    {"image-dir", required_argument, NULL, 'I'},
    {"profile", required_argument, NULL, 'P'},
    {"siblings", no_argument, NULL, 'S'},
    {"fail-fast", no_argument, NULL, 'x'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct {
    int strict;
    cli_report_fmt fmt;
    const char *chapters;
    const char *profile; /* --profile youtube|spotify|apple, or NULL */
    const chaptag_chapters *expected;
    const char *from;    /* --from: the lists' format, or NULL */
    const cli_dirs *dirs; /* --image-dir */
    int per_file;        /* each file has its own list: --siblings or a PATTERN */
} verify_opts;

/* Prints the findings of one file as text; returns its exit status. */
static int report_text(const char *path, const chaptag_verdict *v, const verify_opts *o)
{
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < chaptag_verdict_count(v); i++) {
        const chaptag_finding *x = chaptag_verdict_get(v, i);
        counts[x->severity]++;
        if (x->line > 0)
            printf("%s:%u: ", cli_path(o->chapters), x->line);
        else
            printf("%s: ", path);
        printf("%s: %s", chaptag_severity_name(x->severity), x->msg);
        if (x->why[0])
            printf(" (%s)", x->why);
        printf(" [%s]\n", x->code);
    }
    int bad = counts[CHAPTAG_ERROR] > 0 || (o->strict && counts[CHAPTAG_WARNING] > 0);
    size_t n = chaptag_chapters_count(chaptag_verdict_chapters(v)), e = counts[CHAPTAG_ERROR],
           w = counts[CHAPTAG_WARNING], no = counts[CHAPTAG_NOTE];
    printf("%s: %s: %zu chapter%s, %zu error%s, %zu warning%s, %zu note%s%s\n", path,
           bad ? "FAILED" : "ok", n, cli_s(n), e, cli_s(e), w, cli_s(w), no, cli_s(no),
           o->expected ? bad ? "" : "; carries exactly the expected chapters" : "");
    return bad ? EXIT_DIFFERENT : EXIT_OK;
}

static int verify_one(const char *path, const verify_opts *o)
{
    chaptag_error err = {0};
    chaptag_verdict *v;
    if (chaptag_verify(path, o->expected, &v, &err) != CHAPTAG_OK)
        return cli_error(path, &err);
    if (o->profile != NULL && chaptag_verdict_check_profile(v, o->profile, &err) != CHAPTAG_OK) {
        chaptag_verdict_free(v);
        return cli_error(path, &err);
    }
    int rc;
    if (o->fmt != CLI_REPORT_TEXT) {
        size_t counts[3] = {0, 0, 0};
        for (size_t i = 0; i < chaptag_verdict_count(v); i++)
            counts[chaptag_verdict_get(v, i)->severity]++;
        int bad = counts[CHAPTAG_ERROR] > 0 || (o->strict && counts[CHAPTAG_WARNING] > 0);
        char *s;
        if (chaptag_verdict_json(v, path, !bad, &s, &err) != CHAPTAG_OK) {
            rc = cli_error(path, &err);
        } else {
            cli_report_merge(s);
            free(s);
            rc = bad ? EXIT_DIFFERENT : EXIT_OK;
        }
    } else {
        rc = report_text(path, v, o);
    }
    chaptag_verdict_free(v);
    return rc;
}

/* Reads the list PATH the file must carry into *OUT, its pictures and warnings with it;
   returns the exit status (errors said under PATH). */
static int read_expected(const char *path, const verify_opts *o, chaptag_chapters **out)
{
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    if (chaptag_parse_file(path, o->from, &list, &err) != CHAPTAG_OK ||
        chaptag_chapters_load_images_from(list, path, o->dirs->v, o->dirs->n, &err) !=
            CHAPTAG_OK) {
        chaptag_chapters_free(list);
        return cli_error(path, &err);
    }
    for (size_t i = 0; i < chaptag_chapters_warning_count(list); i++)
        cli_warning(path, chaptag_chapters_warning(list, i));
    *out = list;
    return EXIT_OK;
}

/* Verifies AUDIO against its own list (a sibling, or the pattern of --chapters). */
static int verify_own(const char *audio, const verify_opts *o)
{
    char path[4096];
    const char *pattern = o->chapters; /* NULL with --siblings */
    int rc = cli_batch_chapters(audio, pattern, path, sizeof path);
    chaptag_chapters *list = NULL;
    if (rc == EXIT_OK)
        rc = read_expected(path, o, &list);
    if (rc != EXIT_OK)
        return rc;
    verify_opts own = *o;
    own.chapters = path;
    own.expected = list;
    rc = verify_one(audio, &own);
    chaptag_chapters_free(list);
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    verify_opts o = {0, CLI_REPORT_TEXT, NULL, NULL, NULL, NULL, NULL, 0};
    int siblings = 0, fail_fast = 0;
    const char *from = NULL;
    int c;
    optind = 0; /* glibc: 0 also resets the state an earlier in-process parse left */
    cli_dirs dirs = {0};
    while ((c = getopt_long(argc, argv, "sf:c:qh", options, NULL)) != -1) {
        switch (c) {
        case 's': o.strict = 1; break;
        case 'S': siblings = 1; break;
        case 'x': fail_fast = 1; break;
        case 'F': {
            int rc = cli_report_format("verify", optarg, &o.fmt);
            if (rc >= 0)
                return rc;
            break;
        }
        case 'f': from = optarg; break;
        case 'c': o.chapters = optarg; break;
        case 'P':
            o.profile = NULL;
            for (const char *const *p = chaptag_profile_names(); *p != NULL; p++)
                if (strcmp(*p, optarg) == 0)
                    o.profile = *p;
            if (o.profile == NULL)
                return cli_usage("verify", "--profile is youtube, spotify or apple, not '%s'",
                                 optarg);
            break;
        case 'I':
            if (!cli_dirs_add(&dirs, optarg))
                return cli_usage("verify", "too many --image-dir folders (%d at most)",
                                 CLI_DIRS_MAX);
            break;
        case 'q': cli_verbosity = -1; break;
        case 'h': return cli_help("verify");
        default: return cli_usage("verify", "unknown option");
        }
    }
    int n = argc - optind;
    if (siblings && o.chapters != NULL)
        return cli_usage("verify", "--siblings or --chapters, not both");
    /* verify AUDIO CHAPTERS: a second argument that is text is the chapter file */
    if (o.chapters == NULL && !siblings && n == 2 &&
        (strcmp(argv[optind + 1], "-") == 0 || chaptag_file_kind(argv[optind + 1]) == CHAPTAG_KIND_CHAPTERS)) {
        o.chapters = argv[optind + 1];
        n = 1;
    }
    if (n < 1)
        return cli_usage("verify", "needs an AUDIO file");
    o.from = from;
    o.dirs = &dirs;
    o.per_file = siblings || (o.chapters != NULL && cli_batch_is_pattern(o.chapters));
    chaptag_chapters *expected = NULL;
    if (o.chapters != NULL && !o.per_file) {
        int rc = read_expected(o.chapters, &o, &expected);
        if (rc != EXIT_OK)
            return rc;
        o.expected = expected;
    }
    cli_report_begin(o.fmt, (size_t)n);
    int worst = EXIT_OK;
    for (int i = 0; i < n; i++) {
        cli_report_open(argv[optind + i], CLI_REPORT_STATUS);
        int rc = o.per_file ? verify_own(argv[optind + i], &o) : verify_one(argv[optind + i], &o);
        cli_report_close(rc);
        worst = rc > worst ? rc : worst;
        if (rc != EXIT_OK && fail_fast)
            break;
    }
    cli_batch_forget();
    cli_report_end();
    chaptag_chapters_free(expected);
    return worst;
}
