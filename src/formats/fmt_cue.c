/* The `cue` chapter format: a CDRWIN cue sheet (as EAC, foobar2000 and audiobook tools write
   it; §9 of the chapter-formats reference). One FILE, then TRACK nn AUDIO blocks, each with a
   TITLE and an INDEX 01 mm:ss:ff start; PERFORMER and TITLE before the first TRACK are the
   episode's; REM and the other CD commands are skipped. Times are in CD frames, 75 per
   second: read as round(ff * 1000 / 75) ms, written rounded to the nearest frame (with a
   warning when that moves a start). Quoted strings have no escapes, so a " in a title is
   written as '. A cue sheet holds at most 99 tracks. Sheets in the wild are often in a legacy
   code page: one that is not UTF-8 is read as Windows-1252, with a warning. */
#include "formats.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define FRAMES_PER_SECOND 75u

/* Lines are trimmed and blank ones skipped: words are apart by any whitespace. */
#define LINES (CT_LEX_TRIM | CT_LEX_SKIP_BLANK)
#define TRACKS_MAX 99u

/* The FILE name written when the list names no audio file (metadata "fileName"). */
#define DEFAULT_FILE "audio.mp3"

/* The track being read. */
typedef struct {
    unsigned line; /* of its TRACK command; 0 before the first */
    bool has_start;
    uint64_t start_ms;
    ct_buf title;
    bool has_title;
} track;

typedef struct {
    bool has_file;
    track t;
    ct_buf arg, tmp;
    chaptag_chapters *list;
} cue_reader;

/* A command's line: its words after the command, and where it is. */
typedef struct {
    const char *p, *end; /* the rest of the line, after the command */
    unsigned line;
} args;

/* ---- frames ----------------------------------------------------------------------------- */

/* FRAMES as ms, rounded half up: 1000/75 = 40/3. */
static uint64_t frames_to_ms(uint64_t frames)
{
    return (frames * 80 + 3) / 6;
}

/* MS as the nearest frame, half up. */
static uint64_t ms_to_frames(uint64_t ms)
{
    return (ms * 150 + 1000) / 2000;
}

/* ---- parse ------------------------------------------------------------------------------ */

static void skip_ws(args *a)
{
    while (a->p < a->end && ct_lex_is_space(*a->p))
        a->p++;
}

/* The next blank-separated word in *S, *N (empty at the end of the line). */
static void next_word(args *a, const char **s, size_t *n)
{
    skip_ws(a);
    *s = a->p;
    while (a->p < a->end && !ct_lex_is_space(*a->p))
        a->p++;
    *n = (size_t)(a->p - *s);
}

/* Reads a string argument, "quoted" (no escapes) or else the rest of the line (UNQUOTED_REST)
   or one word, cleaned into OUT. */
static chaptag_status string_arg(args *a, bool unquoted_rest, ct_buf *out, chaptag_error *err)
{
    const char *s;
    size_t n;
    skip_ws(a);
    if (a->p < a->end && *a->p == '"') {
        s = ++a->p;
        const char *q = memchr(s, '"', (size_t)(a->end - s));
        if (q == NULL)
            return ct_fail(err, CHAPTAG_ERR_INPUT, a->line, "no closing \" on the line");
        n = (size_t)(q - s);
        a->p = q + 1;
    } else if (unquoted_rest) {
        s = a->p;
        n = (size_t)(a->end - s);
        a->p = a->end;
    } else {
        next_word(a, &s, &n);
    }
    return ct_field_text(s, n, a->line, "text", out, err);
}

/* Reads the number word of TRACK or INDEX (WHAT) into *V. */
static chaptag_status number_arg(args *a, const char *what, uint64_t *v, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    const char *s;
    size_t n;
    next_word(a, &s, &n);
    const char *p = s;
    if (n == 0 || n > 9 || ct_time_digits(&p, s + n, v) != n)
        return ct_fail(err, CHAPTAG_ERR_INPUT, a->line, "%s needs a number, not \"%s\"", what,
                       ct_excerpt(s, n, q));
    return CHAPTAG_OK;
}

/* Reads mm:ss:ff (minutes may pass 99, seconds up to 59, frames up to 74) into *MS. */
static chaptag_status time_arg(args *a, uint64_t *ms, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    const char *s;
    size_t n;
    next_word(a, &s, &n);
    const char *p = s, *end = s + n;
    ct_time_fields f; /* mm, ss, ff */
    bool ok = ct_time_read_fields(&p, end, &f) && f.n == 3 && f.digits[1] == 2 &&
              f.digits[2] == 2 && p == end && f.v[1] < 60 && f.v[2] < FRAMES_PER_SECOND;
    if (!ok)
        return ct_fail(err, CHAPTAG_ERR_INPUT, a->line,
                       "\"%s\" is not a cue time mm:ss:ff (seconds up to 59, frames up to 74)",
                       ct_excerpt(s, n, q));
    /* the minutes are bounded first, so the frames cannot overflow */
    uint64_t v = f.v[0] > CT_TIME_MAX_MS / 60000
                     ? UINT64_MAX
                     : frames_to_ms((f.v[0] * 60 + f.v[1]) * FRAMES_PER_SECOND + f.v[2]);
    if (v > CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, a->line, "\"%s\" is past %u hours",
                       ct_excerpt(s, n, q), CT_TIME_MAX_HOURS);
    *ms = v;
    return CHAPTAG_OK;
}

/* Adds the track read so far to the list. */
static chaptag_status finish_track(cue_reader *r, chaptag_error *err)
{
    if (r->t.line == 0)
        return CHAPTAG_OK;
    if (!r->t.has_start)
        return ct_fail(err, CHAPTAG_ERR_INPUT, r->t.line, "the TRACK has no INDEX 01");
    chaptag_chapter ch = {0};
    ch.start_ms = r->t.start_ms;
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.title = r->t.has_title ? (const char *)r->t.title.data : "";
    ch.line = r->t.line;
    return chaptag_chapters_add(r->list, &ch, err);
}

static chaptag_status cmd_file(cue_reader *r, args *a, chaptag_error *err)
{
    if (r->has_file)
        return ct_fail(err, CHAPTAG_ERR_INPUT, a->line,
                       "a second FILE: chapters are for one audio file");
    r->has_file = true;
    chaptag_status st = string_arg(a, false, &r->arg, err);
    /* the audio file the chapters belong to, as JSON chapters' fileName has it */
    return st == CHAPTAG_OK
               ? chaptag_chapters_set_meta(r->list, "fileName", (const char *)r->arg.data, err)
               : st;
}

static chaptag_status cmd_track(cue_reader *r, args *a, chaptag_error *err)
{
    uint64_t number;
    const char *type;
    size_t n;
    if (!r->has_file)
        return ct_fail(err, CHAPTAG_ERR_INPUT, a->line, "TRACK before any FILE");
    chaptag_status st = finish_track(r, err);
    if (st == CHAPTAG_OK)
        st = number_arg(a, "TRACK", &number, err);
    if (st != CHAPTAG_OK)
        return st;
    next_word(a, &type, &n);
    if (n == 0)
        return ct_fail(err, CHAPTAG_ERR_INPUT, a->line, "TRACK needs a type (TRACK 01 AUDIO)");
    r->t.line = a->line;
    r->t.has_start = false;
    r->t.has_title = false;
    return CHAPTAG_OK;
}

static chaptag_status cmd_index(cue_reader *r, args *a, chaptag_error *err)
{
    uint64_t number, ms = 0;
    if (r->t.line == 0)
        return ct_fail(err, CHAPTAG_ERR_INPUT, a->line, "INDEX before any TRACK");
    chaptag_status st = number_arg(a, "INDEX", &number, err);
    if (st == CHAPTAG_OK)
        st = time_arg(a, &ms, err);
    if (st != CHAPTAG_OK || number != 1) /* INDEX 00 is the pregap, 02 and up are sub-indexes */
        return st;
    if (r->t.has_start)
        return ct_fail(err, CHAPTAG_ERR_INPUT, a->line, "a second INDEX 01 in the TRACK");
    r->t.has_start = true;
    r->t.start_ms = ms;
    return CHAPTAG_OK;
}

/* TITLE of a track, or of the episode before the first TRACK. */
static chaptag_status cmd_title(cue_reader *r, args *a, chaptag_error *err)
{
    if (r->t.line != 0) {
        r->t.has_title = true;
        return string_arg(a, true, &r->t.title, err);
    }
    chaptag_status st = string_arg(a, true, &r->tmp, err);
    return st == CHAPTAG_OK ? chaptag_chapters_set_meta(r->list, "title", (char *)r->tmp.data, err)
                            : st;
}

/* PERFORMER of the episode; a track's has no place in the model. */
static chaptag_status cmd_performer(cue_reader *r, args *a, chaptag_error *err)
{
    if (r->t.line != 0)
        return CHAPTAG_OK;
    chaptag_status st = string_arg(a, true, &r->tmp, err);
    return st == CHAPTAG_OK ? chaptag_chapters_set_meta(r->list, "artist", (char *)r->tmp.data, err)
                            : st;
}

static chaptag_status cmd_skip(cue_reader *r, args *a, chaptag_error *err)
{
    (void)r;
    (void)a;
    (void)err;
    return CHAPTAG_OK;
}

static const struct {
    const char *name;
    chaptag_status (*run)(cue_reader *r, args *a, chaptag_error *err);
} commands[] = {
    {"FILE", cmd_file},       {"TRACK", cmd_track},         {"INDEX", cmd_index},
    {"TITLE", cmd_title},     {"PERFORMER", cmd_performer}, {"REM", cmd_skip},
    {"CATALOG", cmd_skip},    {"CDTEXTFILE", cmd_skip},     {"FLAGS", cmd_skip},
    {"ISRC", cmd_skip},       {"PREGAP", cmd_skip},         {"POSTGAP", cmd_skip},
    {"SONGWRITER", cmd_skip},
};

/* One line of the sheet (UTF-8). */
static chaptag_status read_line(cue_reader *r, const char *s, size_t n, unsigned line,
                                chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    args a = {s, s + n, line};
    const char *w;
    size_t wn;
    next_word(&a, &w, &wn);
    if (wn == 0)
        return CHAPTAG_OK;
    for (size_t k = 0; k < COUNT(commands); k++)
        if (strlen(commands[k].name) == wn && strncasecmp(w, commands[k].name, wn) == 0)
            return commands[k].run(r, &a, err);
    return ct_fail(err, CHAPTAG_ERR_INPUT, line, "unknown cue command \"%s\"",
                   ct_excerpt(w, wn, q));
}

/* Reads the lines of DATA (UTF-8) into R->list. */
static chaptag_status read_sheet(cue_reader *r, const char *data, size_t len, chaptag_error *err)
{
    ct_lexer lx = ct_lex_make(data, len, LINES, NULL);
    chaptag_status st = CHAPTAG_OK;
    const char *s;
    size_t n;
    while (st == CHAPTAG_OK && ct_lex_next(&lx, &s, &n))
        st = read_line(r, s, n, lx.line, err);
    if (st == CHAPTAG_OK)
        st = finish_track(r, err);
    if (st == CHAPTAG_OK && chaptag_chapters_count(r->list) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no TRACK");
    return st;
}

static chaptag_status cue_parse(const char *data, size_t len, chaptag_chapters *list,
                                chaptag_error *err)
{
    cue_reader r = {.list = list};
    ct_buf utf8 = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    /* every byte is one character in Windows-1252, so line numbers stay the same */
    if (!ct_utf8_valid(data, len)) {
        if (!ct_cp1252_to_utf8(data, len, &utf8))
            st = ct_buf_ok(&utf8) ? ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                                            "not valid UTF-8, and Windows-1252 is not available")
                                  : ct_fail_nomem(err);
        else
            ct_warn(ct_chapters_warnings(list), 0, "not valid UTF-8, read as Windows-1252");
        data = (const char *)utf8.data;
        len = utf8.len;
    }
    if (st == CHAPTAG_OK)
        st = read_sheet(&r, data, len, err);
    ct_buf_free(&utf8);
    ct_buf_free(&r.t.title);
    ct_buf_free(&r.arg);
    ct_buf_free(&r.tmp);
    return st;
}

/* True when line S (N bytes) starts with COMMAND, in any case, and a blank. */
static bool starts_command(const char *s, size_t n, const char *command)
{
    size_t k = strlen(command);
    return n > k && strncasecmp(s, command, k) == 0 && ct_lex_is_space(s[k]);
}

/* Sure for a FILE "..." or a TRACK nn AUDIO line. */
static int cue_detect(const char *data, size_t len)
{
    ct_lexer lx = ct_lex_make(data, len, LINES, NULL);
    const char *s;
    size_t n;
    while (ct_lex_next(&lx, &s, &n)) {
        if (starts_command(s, n, "FILE") && ct_contains(s, n, "\""))
            return CT_DETECT_SURE;
        if (starts_command(s, n, "TRACK") && ct_contains(s, n, "AUDIO"))
            return CT_DETECT_SURE;
    }
    return CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

/* Appends "S" quoted, every " in it written as ' (a cue string has no escapes); counts the
   strings that had one in *CHANGED. */
static void put_quoted(ct_buf *out, const ct_buf *s, size_t *changed)
{
    bool had = false;
    ct_buf_put_u8(out, '"');
    for (size_t i = 0; i < s->len; i++) {
        had = had || s->data[i] == '"';
        ct_buf_put_u8(out, s->data[i] == '"' ? '\'' : s->data[i]);
    }
    ct_buf_put_u8(out, '"');
    *changed += had;
}

/* The FILE type for NAME's extension, as foobar2000 and EAC write them. */
static const char *file_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {{".mp3", "MP3"}, {".aif", "AIFF"}, {".aiff", "AIFF"}};
    size_t n = strlen(name);
    for (size_t k = 0; k < COUNT(types); k++) {
        size_t e = strlen(types[k].ext);
        if (n >= e && strcasecmp(name + n - e, types[k].ext) == 0)
            return types[k].type;
    }
    return "WAVE"; /* what those tools write for any other audio */
}

/* The episode's lines: PERFORMER, TITLE and FILE. */
static chaptag_status put_head(const chaptag_chapters *list, ct_buf *out, ct_buf *tmp,
                               size_t *quotes, chaptag_error *err)
{
    static const struct {
        const char *command, *key;
    } head[] = {{"PERFORMER", "artist"}, {"TITLE", "title"}, {"FILE", "fileName"}};
    chaptag_status st = CHAPTAG_OK;
    for (size_t k = 0; st == CHAPTAG_OK && k < COUNT(head); k++) {
        const char *v = chaptag_chapters_meta(list, head[k].key);
        bool file = strcmp(head[k].command, "FILE") == 0;
        if (file && (v == NULL || v[0] == '\0'))
            v = DEFAULT_FILE;
        if (v == NULL || v[0] == '\0')
            continue;
        st = ct_field_out(v, 0, head[k].key, tmp, err);
        if (st != CHAPTAG_OK)
            break;
        ct_buf_printf(out, "%s ", head[k].command);
        put_quoted(out, tmp, quotes);
        if (file)
            ct_buf_printf(out, " %s", file_type((const char *)tmp->data));
        ct_buf_put_u8(out, '\n');
    }
    return st;
}

/* Refuses what a cue sheet cannot hold: more than 99 tracks, two starts on one frame. */
static chaptag_status check_list(const chaptag_chapters *list, chaptag_error *err)
{
    size_t n = chaptag_chapters_count(list);
    if (n > TRACKS_MAX)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                       "a cue sheet holds at most %u tracks, and there are %zu chapters",
                       TRACKS_MAX, n);
    for (size_t i = 1; i < n; i++) {
        const chaptag_chapter *a = chaptag_chapters_get(list, i - 1),
                              *b = chaptag_chapters_get(list, i);
        if (ms_to_frames(a->start_ms) == ms_to_frames(b->start_ms))
            return ct_fail(err, CHAPTAG_ERR_INPUT, b->line,
                           "chapters %zu and %zu start within the same 1/75 s cue frame", i, i + 1);
    }
    return CHAPTAG_OK;
}

/* Appends TRACK, TITLE and INDEX 01 of chapter I; the most a start moved goes to *MOVED. */
static chaptag_status put_track(const chaptag_chapters *list, size_t i, ct_buf *out, ct_buf *tmp,
                                size_t *quotes, uint64_t *moved, chaptag_error *err)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    chaptag_status st = ct_field_out(ch->title, i + 1, "title", tmp, err);
    if (st != CHAPTAG_OK)
        return st;
    uint64_t f = ms_to_frames(ch->start_ms), back = frames_to_ms(f);
    uint64_t d = back > ch->start_ms ? back - ch->start_ms : ch->start_ms - back;
    *moved = d > *moved ? d : *moved;
    ct_buf_printf(out, "  TRACK %02zu AUDIO\n    TITLE ", i + 1);
    put_quoted(out, tmp, quotes);
    ct_buf_printf(out, "\n    INDEX 01 %02llu:%02u:%02u\n",
                  (unsigned long long)(f / (60 * FRAMES_PER_SECOND)),
                  (unsigned)(f / FRAMES_PER_SECOND % 60), (unsigned)(f % FRAMES_PER_SECOND));
    return CHAPTAG_OK;
}

static chaptag_status cue_format(const chaptag_chapters *list, uint64_t duration_ms, ct_buf *out,
                                 ct_warnings *warnings, chaptag_error *err)
{
    (void)duration_ms; /* a track ends where the next starts */
    ct_buf tmp = CT_BUF_INIT;
    size_t quotes = 0;
    uint64_t moved = 0;
    chaptag_status st = check_list(list, err);
    if (st == CHAPTAG_OK)
        st = put_head(list, out, &tmp, &quotes, err);
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++)
        st = put_track(list, i, out, &tmp, &quotes, &moved, err);
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    if (st == CHAPTAG_OK && moved > 0)
        ct_warn(warnings, 0,
                "cue times are in 1/75 s frames: starts moved by up to %llu ms to the nearest "
                "frame",
                (unsigned long long)moved);
    if (st == CHAPTAG_OK && quotes > 0)
        ct_warn(warnings, 0, "cue strings have no escapes: \" became ' in %zu of them", quotes);
    return st;
}

const ct_format ct_fmt_cue = {"cue", ".cue", 0, cue_detect, cue_parse, cue_format};
