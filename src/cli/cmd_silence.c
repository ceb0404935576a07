/* The pause commands and options: chaptag silences (every pause of a file), chaptag suggest
   (chapters proposed at pauses near each multiple of an interval), and embed's
   --snap-to-silence with the options that define a pause, shared by all three. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Seconds with millisecond precision, as Podcasting 2.0 writes times. */
static json_t *seconds(uint64_t ms)
{
    return json_real((double)ms / 1000.0);
}

int cli_snap_take(cli_snap *s, const char *cmd, int opt, const char *arg)
{
    uint64_t ms;
    switch (opt) {
    case CLI_OPT_SNAP:
    case CLI_OPT_WINDOW:
        s->on |= opt == CLI_OPT_SNAP;
        if (arg != NULL && (!chaptag_parse_duration(arg, &ms) || ms == 0 || ms > 600000))
            return cli_usage(cmd, "%s takes a window up to 10 minutes like 2s or 1500ms, not "
                             "'%s'", opt == CLI_OPT_SNAP ? "--snap-to-silence" : "--window",
                             arg);
        if (arg != NULL)
            s->o.window_ms = ms;
        return 0;
    case CLI_OPT_SNAP_TO:
        s->given = s->given != NULL ? s->given : "--snap-to";
        if (strcmp(arg, "middle") == 0)
            s->o.place = CHAPTAG_SNAP_MIDDLE;
        else if (strcmp(arg, "start") == 0)
            s->o.place = CHAPTAG_SNAP_START;
        else if (strcmp(arg, "end") == 0)
            s->o.place = CHAPTAG_SNAP_END;
        else
            return cli_usage(cmd, "--snap-to is start, middle or end (of the pause), not '%s'",
                             arg);
        return 0;
    case CLI_OPT_MIN_SILENCE:
        s->given = s->given != NULL ? s->given : "--min-silence";
        if (!chaptag_parse_duration(arg, &ms) || ms == 0 || ms > 3600000)
            return cli_usage(cmd, "--min-silence takes a duration like 300ms or 1s, not '%s'",
                             arg);
        s->o.silence.min_ms = ms;
        return 0;
    case CLI_OPT_THRESHOLD: {
        s->given = s->given != NULL ? s->given : "--silence-threshold";
        char *end;
        double db = strtod(arg, &end);
        while (*end == ' ')
            end++;
        if (end == arg || (*end != '\0' && strcmp(end, "dB") != 0 && strcmp(end, "dBFS") != 0) ||
            !isfinite(db) || db >= 0 || db < -120)
            return cli_usage(cmd, "--silence-threshold takes a level in dBFS below 0 and from "
                             "-120, like -40 or -50dB, not '%s'", arg);
        s->o.silence.threshold_db = db;
        return 0;
    }
    default: return -1;
    }
}

void cli_snap_init(cli_snap *s)
{
    memset(s, 0, sizeof *s);
    chaptag_snap_opts_init(&s->o);
}

/* BYTES as people read them: "640 KB", "115.3 MB". */
static const char *size_str(uint64_t bytes, char *buf, size_t size)
{
    if (bytes < 1000000)
        snprintf(buf, size, "%.0f KB", (double)bytes / 1e3);
    else
        snprintf(buf, size, "%.1f MB", (double)bytes / 1e6);
    return buf;
}

/* "read 1.2 MB of 115.0 MB, 1.0 %, windows found by CBR arithmetic": a summary line. */
static const char *read_summary(const chaptag_audio_stats *st, char *buf, size_t size)
{
    double pct = st->file_size > 0 ? 100.0 * (double)st->bytes_read / (double)st->file_size : 0;
    char a[32], b[32];
    snprintf(buf, size, "read %s of %s, %.1f %%, windows found by %s",
             size_str(st->bytes_read, a, sizeof a),
             size_str(st->file_size, b, sizeof b), pct, st->seek);
    return buf;
}

int cli_snap_apply(const cli_snap *s, const char *audio, const char *chapters,
                   chaptag_chapters *list, int dry_run, cli_report_fmt report)
{
    size_t n = chaptag_chapters_count(list);
    size_t warned = chaptag_chapters_warning_count(list);
    chaptag_snap_move *moves = calloc(n > 0 ? n : 1, sizeof *moves);
    chaptag_audio_stats st = {0};
    chaptag_error err = {0};
    if (moves == NULL) {
        err.code = CHAPTAG_ERR_NOMEM;
        snprintf(err.msg, sizeof err.msg, "out of memory");
        return cli_error(audio, &err);
    }
    if (chaptag_snap_to_silence(list, audio, &s->o, moves, &st, &err) != CHAPTAG_OK) {
        free(moves);
        return cli_error(err.line > 0 ? chapters : audio, &err);
    }
    for (size_t i = warned; i < chaptag_chapters_warning_count(list); i++)
        cli_warning(chapters, chaptag_chapters_warning(list, i));
    size_t moved = 0;
    json_t *arr = report != CLI_REPORT_TEXT ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        moved += moves[i].moved != 0;
        if (arr != NULL) {
            json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:b}", "chapter", (json_int_t)(i + 1),
                                  "title", ch->title, "from", seconds(moves[i].from_ms), "to",
                                  seconds(moves[i].to_ms), "moved", moves[i].moved != 0);
            if (o != NULL && !moves[i].moved && moves[i].why[0] != '\0')
                json_object_set_new(o, "why", json_string(moves[i].why));
            json_array_append_new(arr, o);
        } else if (moves[i].moved && (dry_run || cli_verbosity > 0)) {
            char a[CHAPTAG_TIME_STR_MAX], b[CHAPTAG_TIME_STR_MAX];
            printf("%s: chapter %zu \"%s\": %s \u2192 %s\n", audio, i + 1, ch->title,
                   chaptag_time_str(moves[i].from_ms, a), chaptag_time_str(moves[i].to_ms, b));
        }
    }
    char how[160];
    read_summary(&st, how, sizeof how);
    if (arr != NULL) {
        json_t *snap = json_pack("{s:o, s:I, s:I, s:I, s:s}", "moves", arr, "moved",
                                 (json_int_t)moved, "bytes_read", (json_int_t)st.bytes_read,
                                 "file_size", (json_int_t)st.file_size, "seek", st.seek);
        json_t *wrap = json_pack("{s:o}", "snap", snap);
        char *text = wrap != NULL ? json_dumps(wrap, JSON_COMPACT) : NULL;
        if (text != NULL)
            cli_report_merge(text);
        free(text);
        json_decref(wrap);
    } else if (cli_verbosity >= 0) {
        printf("%s: snapped %zu of %zu chapter%s to pauses (%s)\n", audio, moved, n, cli_s(n),
               how);
    }
    free(moves);
    return EXIT_OK;
}

/* ---- chaptag silences ------------------------------------------------------------------ */

enum { OPT_FORMAT = 256 };

static const struct option silences_options[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    CLI_PAUSE_OPTIONS,
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct {
    int json;
    const char *file; /* json: the file named in the document */
    size_t n;         /* json: the pauses printed so far */
} silences_out;

/* HH:MM:SS.mmm always, so that the columns line up. */
static const char *clock_ms(uint64_t ms, char *buf)
{
    snprintf(buf, CHAPTAG_TIME_STR_MAX, "%02llu:%02llu:%02llu.%03llu",
             (unsigned long long)(ms / 3600000), (unsigned long long)(ms / 60000 % 60),
             (unsigned long long)(ms / 1000 % 60), (unsigned long long)(ms % 1000));
    return buf;
}

/* The start of the JSON document for FILE, up to the opening of its list of pauses. */
static void json_head(const char *file)
{
    json_t *name = json_string(file);
    char *text = name != NULL ? json_dumps(name, JSON_ENCODE_ANY) : NULL;
    printf("{\n  \"file\": %s,\n  \"silences\": [", text != NULL ? text : "null");
    free(text);
    json_decref(name);
}

static chaptag_status print_pause(const chaptag_pause *p, void *ctx)
{
    silences_out *o = ctx;
    if (o->json) { /* printed as found, so that memory stays flat however many there are */
        json_t *e = json_pack("{s:o, s:o}", "start", seconds(p->start_ms), "end",
                              seconds(p->end_ms));
        char *text = e != NULL ? json_dumps(e, JSON_REAL_PRECISION(10)) : NULL;
        json_decref(e);
        if (text == NULL)
            return CHAPTAG_ERR_NOMEM;
        if (o->n++ == 0)
            json_head(o->file);
        printf("%s\n    %s", o->n > 1 ? "," : "", text);
        free(text);
        return CHAPTAG_OK;
    }
    char a[CHAPTAG_TIME_STR_MAX], b[CHAPTAG_TIME_STR_MAX];
    printf("%s  %s  %.3f s\n", clock_ms(p->start_ms, a), clock_ms(p->end_ms, b),
           (double)(p->end_ms - p->start_ms) / 1000.0);
    return CHAPTAG_OK;
}

int cmd_silences(int argc, char **argv)
{
    cli_snap s;
    cli_snap_init(&s);
    silences_out out = {0};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "qvh", silences_options, NULL)) != -1) {
        int rc = cli_snap_take(&s, "silences", c, optarg);
        if (rc > 0)
            return rc;
        if (rc == 0)
            continue;
        switch (c) {
        case OPT_FORMAT:
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0)
                return cli_usage("silences", "--format is text or json, not '%s'", optarg);
            out.json = strcmp(optarg, "json") == 0;
            break;
        case 'q': cli_verbosity = -1; break;
        case 'v': cli_verbosity = 1; break;
        case 'h': return cli_help("silences");
        default: return cli_usage("silences", "unknown option");
        }
    }
    if (argc - optind != 1)
        return cli_usage("silences", "needs one AUDIO file");
    const char *audio = argv[optind];
    out.file = cli_path(audio);
    chaptag_audio_stats st = {0};
    chaptag_error err = {0};
    if (chaptag_silences(audio, &s.o.silence, print_pause, &out, &st, &err) != CHAPTAG_OK) {
        if (out.n > 0)
            printf("\n"); /* the document stays unfinished: the exit status says why */
        return cli_error(audio, &err);
    }
    if (out.json) {
        if (out.n == 0)
            json_head(out.file);
        printf("%s]\n}\n", out.n > 0 ? "\n  " : "");
    }
    if (cli_verbosity > 0) {
        char how[160];
        fprintf(stderr, "chaptag: %s: %s\n", audio, read_summary(&st, how, sizeof how));
    }
    return EXIT_OK;
}

/* ---- chaptag suggest ------------------------------------------------------------------- */

enum { OPT_EVERY = 257, OPT_DURATION };

static const struct option suggest_options[] = {
    {"every", required_argument, NULL, OPT_EVERY},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"window", required_argument, NULL, CLI_OPT_WINDOW},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"snap-to", required_argument, NULL, CLI_OPT_SNAP_TO},
    CLI_PAUSE_OPTIONS,
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_suggest(int argc, char **argv)
{
    cli_snap s;
    cli_snap_init(&s);
    uint64_t every = 0, duration = CHAPTAG_TIME_NONE;
    const char *fmt = "text", *output = NULL;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:qvh", suggest_options, NULL)) != -1) {
        int rc = cli_snap_take(&s, "suggest", c, optarg);
        if (rc > 0)
            return rc;
        if (rc == 0)
            continue;
        switch (c) {
        case OPT_EVERY:
            if (!chaptag_parse_duration(optarg, &every) || every < 1000)
                return cli_usage("suggest", "--every takes an interval of a second or more, "
                                 "like 30m or 00:15:00, not '%s'", optarg);
            break;
        case OPT_FORMAT: {
            int rc2 = cli_format("suggest", optarg, &fmt);
            if (rc2 >= 0)
                return rc2;
            break;
        }
        case OPT_DURATION:
            if (!chaptag_parse_duration(optarg, &duration) || duration == 0)
                return cli_usage("suggest", "--duration takes a time like 1:03:40.5 or 90m, not "
                                 "'%s'", optarg);
            break;
        case 'o': output = optarg; break;
        case 'q': cli_verbosity = -1; break;
        case 'v': cli_verbosity = 1; break;
        case 'h': return cli_help("suggest");
        default: return cli_usage("suggest", "unknown option");
        }
    }
    if (every == 0)
        return cli_usage("suggest", "needs --every INTERVAL (30m, 00:15:00)");
    if (argc - optind != 1)
        return cli_usage("suggest", "needs one AUDIO file");
    const char *audio = argv[optind];
    if (output != NULL && chaptag_same_file(output, audio))
        return cli_usage("suggest", "-o %s is the audio file itself", output);
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_audio_stats st = {0};
    chaptag_error err = {0};
    if (list == NULL) {
        snprintf(err.msg, sizeof err.msg, "out of memory");
        err.code = CHAPTAG_ERR_NOMEM;
        return cli_error(audio, &err);
    }
    if (chaptag_suggest(audio, every, &s.o, list, &st, &err) != CHAPTAG_OK) {
        chaptag_chapters_free(list);
        return cli_error(audio, &err);
    }
    for (size_t i = 0; i < chaptag_chapters_warning_count(list); i++)
        cli_warning(audio, chaptag_chapters_warning(list, i));
    if (duration == CHAPTAG_TIME_NONE && st.duration_ms > 0)
        duration = st.duration_ms; /* ffmetadata and vtt end the last chapter there */
    char *text = NULL;
    size_t len = 0, n_warnings = 0;
    chaptag_warning *warnings = NULL;
    int rc = EXIT_OK;
    if (chaptag_format_with_warnings(list, fmt, duration, &text, &len, &warnings,
                                     &n_warnings, &err) != CHAPTAG_OK) {
        rc = cli_error(audio, &err);
    } else {
        for (size_t i = 0; i < n_warnings; i++)
            cli_warning(audio, &warnings[i]);
        if (output != NULL)
            rc = cli_write_file(output, text, len);
        else
            fwrite(text, 1, len, stdout);
    }
    if (rc == EXIT_OK && cli_verbosity > 0) {
        char how[160];
        fprintf(stderr, "chaptag: %s: %zu chapters; %s\n", audio, chaptag_chapters_count(list),
                read_summary(&st, how, sizeof how));
    }
    free(text);
    free(warnings);
    chaptag_chapters_free(list);
    return rc;
}
