/* Reports for machines (--format json or jsonl): one JSON object per file, printed as that
   object alone (one file), one array of them (several), or one compact line each (jsonl).
   The messages the user reads (msg.c) land in the open object too: its "error" and
   "warnings". docs/schemas/ describes every report. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* The report under way: one per run, like cli_verbosity. */
static struct {
    cli_report_fmt fmt;
    size_t n_files;
    unsigned flags;
    json_t *list; /* the objects of an array report, until cli_report_end() */
    json_t *obj;  /* the object of the file under way, or NULL */
} rep;

int cli_report_format(const char *cmd, const char *arg, cli_report_fmt *out)
{
    static const char *const names[] = {"text", "json", "jsonl"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(arg, names[i]) == 0) {
            *out = (cli_report_fmt)i;
            return -1;
        }
    }
    return cli_usage(cmd, "--format is text, json or jsonl, not '%s'", arg);
}

void cli_report_begin(cli_report_fmt fmt, size_t n_files)
{
    json_decref(rep.list);
    json_decref(rep.obj);
    rep.fmt = fmt;
    rep.n_files = n_files;
    rep.list = NULL;
    rep.obj = NULL;
}

int cli_report_array(void)
{
    return rep.fmt == CLI_REPORT_JSON && rep.n_files != 1;
}

void cli_report_open(const char *path, unsigned flags)
{
    if (rep.fmt == CLI_REPORT_TEXT)
        return;
    json_decref(rep.obj);
    rep.flags = flags;
    rep.obj = json_object();
    if (rep.obj != NULL)
        json_object_set_new(rep.obj, "file", json_string(path));
    if (rep.obj != NULL && (flags & CLI_REPORT_WARNINGS))
        json_object_set_new(rep.obj, "warnings", json_array());
}

void cli_report_str(const char *key, const char *value)
{
    if (rep.obj != NULL)
        json_object_set_new(rep.obj, key, value != NULL ? json_string(value) : json_null());
}

void cli_report_int(const char *key, uint64_t value)
{
    if (rep.obj != NULL)
        json_object_set_new(rep.obj, key, json_integer((json_int_t)value));
}

void cli_report_bool(const char *key, int value)
{
    if (rep.obj != NULL)
        json_object_set_new(rep.obj, key, json_boolean(value));
}

int cli_report_merge(const char *text)
{
    if (rep.obj == NULL)
        return 0;
    json_t *doc = json_loads(text, JSON_DECODE_ANY, NULL);
    int ok = json_is_object(doc) && json_object_update(rep.obj, doc) == 0;
    json_decref(doc);
    return ok;
}

void cli_report_error(const char *path, const chaptag_error *err)
{
    if (rep.obj == NULL || json_object_get(rep.obj, "error") != NULL)
        return; /* the first error is the one that stopped the file */
    json_object_set_new(rep.obj, "error", json_string(err->msg));
    json_object_set_new(rep.obj, "error_file", json_string(cli_path(path)));
    if (err->line > 0)
        json_object_set_new(rep.obj, "error_line", json_integer(err->line));
}

void cli_report_warning(const char *path, const chaptag_warning *w)
{
    json_t *list = rep.obj != NULL ? json_object_get(rep.obj, "warnings") : NULL;
    if (!json_is_array(list))
        return;
    json_t *o = json_object();
    if (o == NULL)
        return;
    json_object_set_new(o, "file", json_string(cli_path(path)));
    if (w->line > 0)
        json_object_set_new(o, "line", json_integer(w->line));
    json_object_set_new(o, "message", json_string(w->msg));
    json_array_append_new(list, o);
}

void cli_report_written(const chaptag_report *r)
{
    static const char *const kinds[] = {
        [CHAPTAG_WROTE_NOTHING] = "nothing", [CHAPTAG_WROTE_IN_PLACE] = "in place",
        [CHAPTAG_WROTE_FILE] = "rewrite"};
    if (rep.obj == NULL)
        return;
    const chaptag_file_info *info = chaptag_report_info(r);
    unsigned kind = (unsigned)chaptag_report_kind(r);
    cli_report_str("container", info->container);
    cli_report_str("tag", info->tag);
    if (info->duration_ms != CHAPTAG_TIME_NONE)
        cli_report_int("duration_ms", info->duration_ms);
    else
        cli_report_str("duration_ms", NULL);
    cli_report_str("written", kind < 3 ? kinds[kind] : "rewrite");
    cli_report_bool("in_place", chaptag_report_in_place(r));
    cli_report_str("what", chaptag_report_what(r));
    cli_report_int("bytes_written", chaptag_report_bytes_written(r));
    cli_report_int("tag_size", chaptag_report_tag_size(r));
    cli_report_int("padding", chaptag_report_padding(r));
    cli_report_str("plan", chaptag_report_plan(r));
}

/* Prints O whole, indented, or on one line for jsonl. */
static void print_json(json_t *o, int compact)
{
    size_t flags = JSON_REAL_PRECISION(15) | (compact ? JSON_COMPACT : JSON_INDENT(2));
    char *s = json_dumps(o, flags);
    if (s == NULL) {
        fputs("chaptag: out of memory writing the report\n", stderr);
        return;
    }
    printf("%s\n", s);
    free(s);
    fflush(stdout);
}

void cli_report_close(int status)
{
    json_t *o = rep.obj;
    rep.obj = NULL;
    if (o == NULL)
        return;
    if ((rep.flags & CLI_REPORT_STATUS) || status != EXIT_OK)
        json_object_set_new(o, "status", json_integer(status));
    if (cli_report_array()) {
        if (rep.list == NULL)
            rep.list = json_array();
        if (rep.list != NULL)
            json_array_append(rep.list, o);
    } else {
        print_json(o, rep.fmt == CLI_REPORT_JSONL);
    }
    json_decref(o);
}

void cli_report_end(void)
{
    json_decref(rep.obj);
    rep.obj = NULL;
    if (cli_report_array() && rep.list == NULL)
        rep.list = json_array();
    if (cli_report_array() && rep.list != NULL)
        print_json(rep.list, 0);
    json_decref(rep.list);
    rep.list = NULL;
    rep.fmt = CLI_REPORT_TEXT;
}
