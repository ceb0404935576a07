/* chaptag strip: remove every chapter flavour from each file, keeping everything else. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct option options[] = {
    {"format", required_argument, NULL, 'F'},
    {"dry-run", no_argument, NULL, 'n'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* What strip did to one file, into the report's object: had_chapters (it would remove some,
   on a dry run), and what was written. */
static void report_json(const chaptag_report *rep, const chaptag_embed_opts *o)
{
    cli_report_bool("dry_run", o->dry_run);
    cli_report_bool("had_chapters", o->dry_run ? chaptag_report_plan(rep)[0] != '\0'
                                               : chaptag_report_kind(rep) != CHAPTAG_WROTE_NOTHING);
    cli_report_written(rep);
}

/* Strips one file; returns its exit status. */
static int strip_one(const char *path, const chaptag_embed_opts *o, int json)
{
    chaptag_error err = {0};
    chaptag_report *rep;
    if (cli_strip_with_progress(path, o, &rep, &err) != CHAPTAG_OK)
        return cli_error(path, &err);
    for (size_t i = 0; i < chaptag_report_warning_count(rep); i++)
        cli_warning(path, chaptag_report_warning(rep, i));
    if (json) {
        report_json(rep, o);
        chaptag_report_free(rep);
        return EXIT_OK;
    }
    if (cli_verbosity > 0 || o->dry_run)
        fputs(chaptag_report_plan(rep), stdout);
    char a[32];
    if (cli_verbosity < 0) {
    } else if (o->dry_run ? chaptag_report_plan(rep)[0] == '\0'
                          : chaptag_report_kind(rep) == CHAPTAG_WROTE_NOTHING) {
        printf("%s: no chapters, nothing written\n", path);
    } else if (o->dry_run) {
        printf("%s: dry run, nothing written: would remove the chapters %s\n", path,
               chaptag_report_in_place(rep) ? "in place" : "by rewriting the file");
    } else if (chaptag_report_kind(rep) == CHAPTAG_WROTE_FILE) {
        printf("%s: chapters removed; file rewritten\n", path);
    } else {
        printf("%s: chapters removed; %s rewritten in place (%s bytes written), audio "
               "untouched\n", path, chaptag_report_what(rep),
               cli_count(chaptag_report_bytes_written(rep), a));
    }
    chaptag_report_free(rep);
    return EXIT_OK;
}

int cmd_strip(int argc, char **argv)
{
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    cli_report_fmt fmt = CLI_REPORT_TEXT;
    int c;
    optind = 0; /* glibc: 0 also resets the state an earlier in-process parse left */
    while ((c = getopt_long(argc, argv, "nqvh", options, NULL)) != -1) {
        switch (c) {
        case 'F': {
            int rc = cli_report_format("strip", optarg, &fmt);
            if (rc >= 0)
                return rc;
            break;
        }
        case 'n': o.dry_run = 1; break;
        case 'q': cli_verbosity = -1; break;
        case 'v': cli_verbosity = 1; break;
        case 'h': return cli_help("strip");
        default: return cli_usage("strip", "unknown option");
        }
    }
    if (optind >= argc)
        return cli_usage("strip", "needs at least one AUDIO file");
    cli_report_begin(fmt, (size_t)(argc - optind));
    int worst = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        cli_report_open(argv[i], CLI_REPORT_STATUS | CLI_REPORT_WARNINGS);
        int rc = strip_one(argv[i], &o, fmt != CLI_REPORT_TEXT);
        cli_report_close(rc);
        worst = rc > worst ? rc : worst;
    }
    cli_report_end();
    return worst;
}
