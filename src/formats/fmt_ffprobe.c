/* The `ffprobe` chapter format, read only: what `ffprobe -show_chapters -of json` prints (FFmpeg
   doc/ffprobe.xsd, chapterType; fftools/ffprobe.c, show_chapters; §12 of the chapter-formats
   reference), the chapter list Audiobookshelf and friends keep. An object whose "chapters"
   array holds {"id", "time_base": "1/1000", "start": 0, "start_time": "0.000000", "end",
   "end_time", "tags": {"title"}}; other sections (-show_format, -show_streams) are ignored.
   Times come from the integer ticks and the time base, exactly (start_time is rounded to the
   microsecond); start_time and end_time, in seconds or -sexagesimal H:MM:SS.ffffff, only when
   the ticks are missing. The end a chapter gives is kept. Read with jansson; jansson keeps no
   positions, so a small scan of the accepted text finds the line each chapter starts on. */
#include "formats.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* A time base past this (either term) is no AVRational: both are ints. */
#define RATIONAL_MAX ((uint64_t)INT_MAX)

/* ---- where each chapter starts ------------------------------------------------------------ */

/* Records in LINES (N_LINES) the line each element of the top-level "chapters" array starts
   on; elements not found keep 0. The text has been accepted by jansson, so the scan only
   tracks strings and nesting; every step is bounded by the end of the data. */
static void locate_chapters(const char *data, size_t len, unsigned *lines, size_t n_lines)
{
    unsigned line = 1;
    size_t depth = 0, array_depth = 0, k = 0;
    bool key_is_chapters = false, expect_element = false;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '\n') {
            line++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == ':')
            continue;
        if (expect_element && c != ']' && k < n_lines)
            lines[k++] = line;
        expect_element = false;
        if (c == '"') {
            size_t s = ++i;
            while (i < len && data[i] != '"')
                i += data[i] == '\\' ? 2 : 1;
            i = i < len ? i : len;
            if (depth == 1)
                key_is_chapters = i - s == 8 && memcmp(data + s, "chapters", 8) == 0;
        } else if (c == '{' || c == '[') {
            depth++;
            if (c == '[' && depth == 2 && key_is_chapters && array_depth == 0) {
                array_depth = depth;
                expect_element = true;
            }
        } else if (c == '}' || c == ']') {
            if (depth == array_depth)
                array_depth = 0;
            depth--;
        } else if (c == ',' && array_depth != 0 && depth == array_depth) {
            expect_element = true;
        }
    }
}

/* ---- parse ------------------------------------------------------------------------------ */

/* Reads the time base "NUM/DEN" into *NUM and *DEN; false when it is not one. */
static bool read_time_base(const char *s, uint64_t *num, uint64_t *den)
{
    const char *p = s, *end = s + strlen(s);
    if (ct_time_digits(&p, end, num) == 0 || p == end || *p++ != '/' ||
        ct_time_digits(&p, end, den) == 0 || p != end)
        return false;
    return *num > 0 && *den > 0 && *num <= RATIONAL_MAX && *den <= RATIONAL_MAX;
}

/* TICKS of NUM/DEN seconds in ms, rounded half up, into *MS; false past CT_TIME_MAX_MS. No
   product can overflow: ticks/den * num is bounded first, the rest is below den * num. */
static bool ticks_ms(uint64_t ticks, uint64_t num, uint64_t den, uint64_t *ms)
{
    uint64_t q = ticks / den, r = ticks % den;
    if (q > CT_TIME_MAX_MS / 1000 / num)
        return false;
    uint64_t x = r * num; /* below 2^62 */
    uint64_t whole = q * num * 1000 + x / den * 1000;
    *ms = whole + ((x % den) * 1000 + den / 2) / den;
    return *ms <= CT_TIME_MAX_MS;
}

/* Reads a time string of ffprobe's (seconds, or H:MM:SS.ffffff with -sexagesimal). */
static bool read_time_string(const char *s, uint64_t *ms)
{
    size_t n = strlen(s);
    bool ok = strchr(s, ':') != NULL ? ct_time_parse(s, n, ms) : ct_seconds_parse(s, n, ".", ms);
    return ok && *ms <= CT_TIME_MAX_MS;
}

/* Reads the time of chapter INDEX from its ticks TICK_KEY ("start") and time base, or else
   from TEXT_KEY ("start_time"), into *MS; false in *FOUND when there is neither. */
static chaptag_status read_time(const json_t *obj, const char *tick_key, const char *text_key,
                                size_t index, unsigned line, uint64_t *ms, bool *found,
                                chaptag_error *err)
{
    const json_t *ticks = json_object_get(obj, tick_key);
    const json_t *tb = json_object_get(obj, "time_base");
    const json_t *text = json_object_get(obj, text_key);
    uint64_t num, den;
    *found = true;
    if (json_is_integer(ticks) && json_is_string(tb)) {
        if (!read_time_base(json_string_value(tb), &num, &den))
            return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                           "time_base \"%s\" of chapter %zu is not a fraction like 1/1000",
                           json_string_value(tb), index + 1);
        if (json_integer_value(ticks) < 0)
            return ct_fail(err, CHAPTAG_ERR_INPUT, line, "%s of chapter %zu is negative",
                           tick_key, index + 1);
        if (!ticks_ms((uint64_t)json_integer_value(ticks), num, den, ms))
            return ct_fail(err, CHAPTAG_ERR_INPUT, line, "%s of chapter %zu is past %u hours",
                           tick_key, index + 1, CT_TIME_MAX_HOURS);
        return CHAPTAG_OK;
    }
    if (json_is_string(text)) {
        if (!read_time_string(json_string_value(text), ms))
            return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                           "%s of chapter %zu is not a time up to %u hours", text_key, index + 1,
                           CT_TIME_MAX_HOURS);
        return CHAPTAG_OK;
    }
    *found = false;
    return CHAPTAG_OK;
}

/* The title of OBJ's tags, cleaned into TITLE; "" when it has none. */
static chaptag_status read_title(const json_t *obj, size_t index, unsigned line, ct_buf *title,
                                 chaptag_error *err)
{
    const json_t *tags = json_object_get(obj, "tags");
    const json_t *t = json_is_object(tags) ? json_object_get(tags, "title") : NULL;
    if (t != NULL && !json_is_string(t))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "the title of chapter %zu is not a string",
                       index + 1);
    const char *s = t != NULL ? json_string_value(t) : "";
    return ct_field_text(s, strlen(s), line, "title", title, err);
}

/* Adds chapter INDEX, the value OBJ starting on LINE, to LIST; TITLE is scratch space. */
static chaptag_status read_chapter(const json_t *obj, size_t index, unsigned line, ct_buf *title,
                                   chaptag_chapters *list, chaptag_error *err)
{
    chaptag_chapter ch = {0};
    bool found;
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.line = line;
    if (!json_is_object(obj))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "chapter %zu is not an object", index + 1);
    chaptag_status st =
        read_time(obj, "start", "start_time", index, line, &ch.start_ms, &found, err);
    if (st == CHAPTAG_OK && !found)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, line, "chapter %zu has no start or start_time",
                     index + 1);
    uint64_t end = CHAPTAG_TIME_NONE;
    if (st == CHAPTAG_OK)
        st = read_time(obj, "end", "end_time", index, line, &end, &found, err);
    if (st == CHAPTAG_OK)
        st = read_title(obj, index, line, title, err);
    if (st != CHAPTAG_OK)
        return st;
    /* a chapter FFmpeg knows no end of ends where it starts */
    ch.end_ms = found && end > ch.start_ms ? end : CHAPTAG_TIME_NONE;
    ch.title = (const char *)title->data;
    return chaptag_chapters_add(list, &ch, err);
}

static chaptag_status ffprobe_parse(const char *data, size_t len, chaptag_chapters *list,
                                    chaptag_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return json_error_code(&jerr) == json_error_out_of_memory
                   ? ct_fail_nomem(err)
                   : ct_fail_at(err, CHAPTAG_ERR_INPUT, jerr.line > 0 ? (unsigned)jerr.line : 0,
                                jerr.column > 0 ? (unsigned)jerr.column : 0,
                                "not valid JSON: %s", jerr.text);
    const json_t *chapters = json_object_get(root, "chapters");
    chaptag_status st = CHAPTAG_OK;
    if (!json_is_object(root))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 1, "the top level is not an object");
    else if (!json_is_array(chapters))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                     chapters == NULL ? "no \"chapters\" array (run ffprobe with -show_chapters)"
                                      : "\"chapters\" is not an array");
    else if (json_array_size(chapters) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no chapters");
    /* the list refuses the 10,001st chapter: no need to place those after it */
    size_t n = st == CHAPTAG_OK ? json_array_size(chapters) : 0;
    n = n > CT_CHAPTERS_MAX ? CT_CHAPTERS_MAX + 1 : n;
    unsigned *lines = n > 0 ? ct_calloc(n, sizeof *lines) : NULL;
    if (n > 0 && lines == NULL)
        st = ct_fail_nomem(err);
    ct_buf title = CT_BUF_INIT;
    if (lines != NULL)
        locate_chapters(data, len, lines, n);
    for (size_t i = 0; st == CHAPTAG_OK && i < n; i++)
        st = read_chapter(json_array_get(chapters, i), i, lines[i], &title, list, err);
    ct_buf_free(&title);
    free(lines);
    json_decref(root);
    return st;
}

/* More than sure for an object whose "chapters" hold ffprobe's keys, else no. */
static int ffprobe_detect(const char *data, size_t len)
{
    size_t i = 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len || data[i] != '{' || !ct_contains(data, len, "\"chapters\""))
        return CT_DETECT_NO;
    return ct_contains(data, len, "\"time_base\"") && ct_contains(data, len, "\"start_time\"")
               ? CT_DETECT_SURE /* json yields to it: Podcasting 2.0 has startTime */
               : CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

static chaptag_status ffprobe_format(const chaptag_chapters *list, uint64_t duration_ms,
                                     ct_buf *out, ct_warnings *warnings, chaptag_error *err)
{
    (void)list;
    (void)duration_ms;
    (void)out;
    (void)warnings;
    return ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                   "ffprobe output is only read: write json or ffmetadata instead");
}

const ct_format ct_fmt_ffprobe = {"ffprobe",      "",           CT_CARRIES_END,
                                  ffprobe_detect, ffprobe_parse, ffprobe_format};
