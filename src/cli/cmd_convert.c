/* chaptag convert: read a chapter file in one format and print it in another. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct option options[] = {
    {"from", required_argument, NULL, 'f'},
    {"to", required_argument, NULL, 't'},
    {"output", required_argument, NULL, 'o'},
    {"duration", required_argument, NULL, 'd'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* True when NAME is a chapter-file format. */
static int known(const char *name)
{
    for (const char *const *f = chaptag_format_names(); *f != NULL; f++)
        if (strcmp(*f, name) == 0)
            return 1;
    return 0;
}

int cmd_convert(int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *output = NULL;
    uint64_t duration = CHAPTAG_TIME_NONE;
    int c;
    optind = 0; /* glibc: 0 also resets the state an earlier in-process parse left */
    while ((c = getopt_long(argc, argv, "f:t:o:qh", options, NULL)) != -1) {
        switch (c) {
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'o': output = optarg; break;
        case 'd':
            if (!chaptag_parse_time(optarg, &duration) || duration == 0)
                return cli_usage("convert", "--duration takes a time like 1:03:40.5, not '%s'",
                                 optarg);
            break;
        case 'q': cli_verbosity = -1; break;
        case 'h': return cli_help("convert");
        default: return cli_usage("convert", "unknown option");
        }
    }
    if (to == NULL)
        return cli_usage("convert", "needs --to FORMAT");
    if (!known(to) || (from != NULL && !known(from)))
        return cli_usage("convert", "unknown chapter format '%s'", known(to) ? from : to);
    if (argc - optind != 1)
        return cli_usage("convert", "needs one CHAPTERS file ('-': standard input)");
    const char *path = argv[optind];
    if (output != NULL && chaptag_same_file(output, path))
        return cli_usage("convert", "-o %s is CHAPTERS itself: the input would be lost if the "
                         "output failed half-way; write elsewhere, then rename", output);
    chaptag_error err = {0};
    chaptag_chapters *list;
    if (chaptag_parse_file(path, from, &list, &err) != CHAPTAG_OK)
        return cli_error(path, &err);
    for (size_t i = 0; i < chaptag_chapters_warning_count(list); i++)
        cli_warning(path, chaptag_chapters_warning(list, i));
    char *out;
    size_t len, n_warnings = 0;
    chaptag_warning *warnings = NULL;
    int rc = EXIT_OK;
    if (chaptag_format_with_warnings(list, to, duration, &out, &len, &warnings, &n_warnings,
                                     &err) != CHAPTAG_OK) {
        rc = cli_error(path, &err);
    } else {
        for (size_t i = 0; i < n_warnings; i++) /* what the output format could not keep */
            cli_warning(path, &warnings[i]);
        if (output != NULL)
            rc = cli_write_file(output, out, len);
        else
            fwrite(out, 1, len, stdout);
        free(out);
        free(warnings);
    }
    chaptag_chapters_free(list);
    return rc;
}
