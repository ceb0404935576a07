/* chaptag dump: read the chapters of each file and print them as a chapter file, to standard
   output or (-o) into a file written whole; --images saves the pictures beside it. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

enum { OPT_IMAGES = 256 };

static const struct option options[] = {
    {"format", required_argument, NULL, 'F'},
    {"output", required_argument, NULL, 'o'},
    {"images", required_argument, NULL, OPT_IMAGES},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* What dump was asked for. */
typedef struct {
    const char *fmt;
    const char *output; /* NULL: standard output */
    const char *images; /* NULL: pictures stay in the audio file */
    int report;         /* json of several files, or jsonl: documents with "file" (report.c) */
} dump_opts;

/* Prints S on one line: a tag value may hold line breaks that would end the comment. */
static void put_one_line(FILE *out, const char *s)
{
    for (; *s; s++)
        putc((unsigned char)*s < 0x20 ? ' ' : *s, out);
}

/* The '#' comment lines that open the text output; the N notes W say what the text leaves
   out, so that a dump without them embeds back as the file was. */
static void print_header(FILE *out, const char *path, const chaptag_chapters *list,
                         const chaptag_file_info *info, const chaptag_warning *w, size_t n)
{
    char d[CHAPTAG_TIME_STR_MAX];
    fputs("# chaptag dump of ", out);
    put_one_line(out, path);
    fprintf(out, "\n# container: %s, tag: %s\n", info->container, info->tag);
    fprintf(out, "# duration: %s (%s)\n", chaptag_time_str(info->duration_ms, d),
            info->duration_source);
    fprintf(out, "# chapters: %zu (%s)\n", chaptag_chapters_count(list), info->flavours);
    const char *key, *value;
    for (size_t i = 0; (key = chaptag_chapters_meta_at(list, i, &value)) != NULL; i++) {
        fprintf(out, "# %s: ", key);
        put_one_line(out, value);
        putc('\n', out);
    }
    for (size_t i = 0; i < n; i++) {
        fputs("# not kept: ", out);
        put_one_line(out, w[i].msg);
        putc('\n', out);
    }
}

/* The folder of the file PATH ("." when it names none). New. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

/* Saves the pictures of LIST into O's images folder, named relative to the output's folder
   (absolute for standard output, which has none). */
static int save_images(const char *path, chaptag_chapters *list, const dump_opts *o)
{
    chaptag_error err = {0};
    char *rel = o->output != NULL ? folder_of(o->output) : NULL;
    int rc = EXIT_OK;
    if (o->output != NULL && rel == NULL)
        rc = cli_usage("dump", "out of memory");
    else if (chaptag_chapters_save_images(list, o->images, rel, &err) != CHAPTAG_OK)
        rc = cli_error(path, &err);
    free(rel);
    return rc;
}

/* Dumps one file into OUT; returns its exit status. */
static int dump_one(FILE *out, const char *path, const dump_opts *o)
{
    chaptag_error err = {0};
    chaptag_chapters *list;
    chaptag_file_info info;
    if (chaptag_read(path, &list, &info, &err) != CHAPTAG_OK)
        return cli_error(path, &err);
    for (size_t i = 0; i < chaptag_chapters_warning_count(list); i++)
        cli_warning(path, chaptag_chapters_warning(list, i));
    char *text = NULL;
    size_t len = 0, n_lost = 0;
    chaptag_warning *lost = NULL;
    int rc = o->images != NULL ? save_images(path, list, o) : EXIT_OK;
    /* JSON is for machines: a file without chapters is still a document, an empty list */
    bool doc = chaptag_chapters_count(list) > 0 || strcmp(o->fmt, "json") == 0;
    if (rc == EXIT_OK && doc &&
        chaptag_format_with_warnings(list, o->fmt, info.duration_ms, &text, &len, &lost, &n_lost,
                                     &err) != CHAPTAG_OK)
        rc = cli_error(path, &err);
    if (rc != EXIT_OK)
        goto out;
    for (size_t i = 0; i < n_lost; i++)
        cli_warning(path, &lost[i]);
    if (strcmp(o->fmt, "text") == 0)
        print_header(out, path, list, &info, lost, n_lost);
    if (text != NULL && o->report && !cli_report_merge(text)) {
        err = (chaptag_error){.code = CHAPTAG_ERR_NOMEM};
        snprintf(err.msg, sizeof err.msg, "out of memory writing the report");
        rc = cli_error(path, &err);
    } else if (text != NULL && !o->report) {
        fwrite(text, 1, len, out);
    }
out:
    free(lost);
    free(text);
    chaptag_chapters_free(list);
    return rc;
}

int cmd_dump(int argc, char **argv)
{
    dump_opts o = {"text", NULL, NULL, 0};
    cli_report_fmt report = CLI_REPORT_JSON;
    int c;
    optind = 0; /* glibc: 0 also resets the state an earlier in-process parse left */
    while ((c = getopt_long(argc, argv, "o:qh", options, NULL)) != -1) {
        switch (c) {
        case 'F':
            /* jsonl: the json documents, one per line */
            report = strcasecmp(optarg, "jsonl") == 0 ? CLI_REPORT_JSONL : CLI_REPORT_JSON;
            o.fmt = report == CLI_REPORT_JSONL ? "json" : optarg;
            break;
        case 'o': o.output = optarg; break;
        case OPT_IMAGES: o.images = optarg; break;
        case 'q': cli_verbosity = -1; break;
        case 'h': return cli_help("dump");
        default: return cli_usage("dump", "unknown option");
        }
    }
    int rc = cli_format("dump", o.fmt, &o.fmt);
    if (rc >= 0)
        return rc;
    if (optind >= argc)
        return cli_usage("dump", "needs at least one AUDIO file");
    if (o.output != NULL && argc - optind > 1)
        return cli_usage("dump", "-o writes one chapter file: give one AUDIO file");
    if (o.images != NULL && argc - optind > 1)
        return cli_usage("dump", "--images saves the pictures of one AUDIO file");
    if (o.output != NULL && report == CLI_REPORT_JSONL)
        return cli_usage("dump", "-o writes one chapter file: jsonl is for standard output");
    if (o.output != NULL && chaptag_same_file(o.output, argv[optind]))
        return cli_usage("dump", "-o %s is the AUDIO file itself", o.output);
    char *buf = NULL;
    size_t buf_len = 0;
    FILE *out = o.output != NULL ? open_memstream(&buf, &buf_len) : stdout;
    if (out == NULL)
        return cli_usage("dump", "out of memory");
    /* one file's json is the Podcasting 2.0 document alone, as it always was */
    o.report = strcmp(o.fmt, "json") == 0 && (report == CLI_REPORT_JSONL || argc - optind > 1);
    cli_report_begin(o.report ? report : CLI_REPORT_TEXT, (size_t)(argc - optind));
    int worst = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        if (i > optind && strcmp(o.fmt, "text") == 0)
            putc('\n', out);
        fflush(out);
        cli_report_open(argv[i], 0);
        int one = dump_one(out, argv[i], &o);
        cli_report_close(one);
        if (one > worst)
            worst = one;
    }
    cli_report_end();
    if (o.output != NULL) {
        fclose(out);
        if (worst == EXIT_OK) /* a failed dump leaves an earlier chapter file as it was */
            worst = cli_write_file(o.output, buf, buf_len);
        free(buf);
    }
    return worst;
}
