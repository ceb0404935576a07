/* chaptag dump: read the chapters of each file and print them as a chapter file. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct option options[] = {
    {"format", required_argument, NULL, 'F'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Prints S on one line: a tag value may hold line breaks that would end the comment. */
static void put_one_line(const char *s)
{
    for (; *s; s++)
        putchar((unsigned char)*s < 0x20 ? ' ' : *s);
}

/* The '#' comment lines that open the text output; the N notes W say what the text leaves
   out, so that a dump without them embeds back as the file was. */
static void print_header(const char *path, const chaptag_chapters *list,
                         const chaptag_file_info *info, const chaptag_warning *w, size_t n)
{
    char d[CHAPTAG_TIME_STR_MAX];
    printf("# chaptag dump of ");
    put_one_line(path);
    printf("\n# container: %s, tag: %s\n", info->container, info->tag);
    printf("# duration: %s (%s)\n", chaptag_time_str(info->duration_ms, d), info->duration_source);
    printf("# chapters: %zu (%s)\n", chaptag_chapters_count(list), info->flavours);
    const char *key, *value;
    for (size_t i = 0; (key = chaptag_chapters_meta_at(list, i, &value)) != NULL; i++) {
        printf("# %s: ", key);
        put_one_line(value);
        putchar('\n');
    }
    for (size_t i = 0; i < n; i++) {
        printf("# not kept: ");
        put_one_line(w[i].msg);
        putchar('\n');
    }
}

/* Dumps one file; returns its exit status. */
static int dump_one(const char *path, const char *fmt)
{
    chaptag_error err = {0};
    chaptag_chapters *list;
    chaptag_file_info info;
    if (chaptag_read(path, &list, &info, &err) != CHAPTAG_OK)
        return cli_error(path, &err);
    for (size_t i = 0; i < chaptag_chapters_warning_count(list); i++)
        cli_warning(path, chaptag_chapters_warning(list, i));
    char *out = NULL;
    size_t len = 0, n_lost = 0;
    chaptag_warning *lost = NULL;
    int rc = EXIT_OK;
    /* JSON is for machines: a file without chapters is still a document, an empty list */
    bool doc = chaptag_chapters_count(list) > 0 || strcmp(fmt, "json") == 0;
    if (doc && chaptag_format_with_warnings(list, fmt, info.duration_ms, &out, &len, &lost,
                                            &n_lost, &err) != CHAPTAG_OK) {
        rc = cli_error(path, &err);
        goto out;
    }
    for (size_t i = 0; i < n_lost; i++)
        cli_warning(path, &lost[i]);
    if (strcmp(fmt, "text") == 0)
        print_header(path, list, &info, lost, n_lost);
    else if (out == NULL)
        out = strdup("");
    if (out != NULL)
        fwrite(out, 1, len, stdout);
out:
    free(lost);
    free(out);
    chaptag_chapters_free(list);
    return rc;
}

int cmd_dump(int argc, char **argv)
{
    const char *fmt = "text";
    int c;
    optind = 0; /* glibc: 0 also resets the state an earlier in-process parse left */
    while ((c = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
        switch (c) {
        case 'F': fmt = optarg; break;
        case 'q': cli_verbosity = -1; break;
        case 'h': return cli_help("dump");
        default: return cli_usage("dump", "unknown option");
        }
    }
    int known = 0;
    for (const char *const *f = chaptag_format_names(); *f != NULL; f++)
        known |= strcmp(*f, fmt) == 0;
    if (!known)
        return cli_usage("dump", "unknown format '%s'", fmt);
    if (optind >= argc)
        return cli_usage("dump", "needs at least one AUDIO file");
    int worst = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        if (i > optind && strcmp(fmt, "text") == 0)
            putchar('\n');
        fflush(stdout);
        int rc = dump_one(argv[i], fmt);
        if (rc > worst)
            worst = rc;
    }
    return worst;
}
