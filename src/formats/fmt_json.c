/* The `json` chapter format: Podcasting 2.0 JSON chapters (Podcastindex-org/podcast-namespace,
   docs/examples/chapters/jsonChapters.md, version 1.2; §3 of the chapter-formats reference),
   read and written with jansson. Chapters keep the order of the file (an out-of-order file is
   an error, not sorted); unknown keys are ignored; times are seconds, converted to ms from the
   number as written where it can be found, so "120.5" is exactly 120500 ms. A chapter's
   location object is kept whole, as compact JSON text. */
#include "formats.h"

#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Episode-wide keys, kept as list metadata under the same names. */
static const char *const meta_keys[] = {"title", "author", "podcastName", "description",
                                        "fileName"};

/* String keys of a chapter and the field each fills. */
static const struct {
    const char *key;
    size_t offset;
} chapter_strings[] = {
    {"title", offsetof(chaptag_chapter, title)},
    {"img", offsetof(chaptag_chapter, image)},
    {"url", offsetof(chaptag_chapter, url)},
};

/* jansson's dump callback: appends to the ct_buf DATA. */
static int append_to_buf(const char *buffer, size_t size, void *data)
{
    ct_buf_put(data, buffer, size);
    return ct_buf_ok(data) ? 0 : -1;
}

/* True for a location as the spec has it: an object with the strings name and geo, and osm
   a string when present. */
static bool location_ok(const json_t *loc)
{
    const json_t *osm = json_object_get(loc, "osm");
    return json_is_object(loc) && json_is_string(json_object_get(loc, "name")) &&
           json_is_string(json_object_get(loc, "geo")) && (osm == NULL || json_is_string(osm));
}

/* ---- where things are in the source ------------------------------------------------------
   jansson keeps no positions, so a small scan of the text (which jansson has already accepted)
   finds where each chapter object starts and the text of its startTime and endTime. Every step
   is bounded by the end of the data, so a surprise can only lose a position, never overrun. */

typedef struct {
    const char *p;
    size_t n;
} text_span;

typedef struct {
    const char *at;          /* where the element starts; NULL when not found */
    unsigned line, column;   /* 1-based, from AT; 0 when not found */
    text_span start, end;    /* the numbers as written; p NULL when not found */
} chapter_src;

typedef struct {
    const char *p, *end;
} cursor;

static bool is_blank(char b)
{
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
}

static void skip_blanks(cursor *c)
{
    while (c->p < c->end && is_blank(*c->p))
        c->p++;
}

/* True when the cursor is at the byte B; consumes it. */
static bool take(cursor *c, char b)
{
    skip_blanks(c);
    if (c->p >= c->end || *c->p != b)
        return false;
    c->p++;
    return true;
}

/* Skips the string at the cursor (at its opening quote); its raw content goes to *RAW. */
static void skip_string(cursor *c, text_span *raw)
{
    const char *s = ++c->p;
    while (c->p < c->end && *c->p != '"')
        c->p += *c->p == '\\' && c->end - c->p > 1 ? 2 : 1;
    raw->p = s;
    raw->n = (size_t)(c->p - s);
    if (c->p < c->end)
        c->p++;
}

/* Skips one value of any kind: a string, a container with everything in it, or a number or
   literal, which ends at a blank, a comma or a closing bracket. */
static void skip_value(cursor *c)
{
    text_span raw;
    size_t depth = 0;
    skip_blanks(c);
    while (c->p < c->end) {
        char b = *c->p;
        if (depth == 0 && (is_blank(b) || b == ',' || b == '}' || b == ']'))
            return;
        if (b == '"') {
            skip_string(c, &raw);
        } else {
            depth += b == '{' || b == '[';
            depth -= b == '}' || b == ']'; /* depth > 0 here: closers at 0 returned above */
            c->p++;
        }
        if (depth == 0 && (b == '"' || b == '}' || b == ']'))
            return;
    }
}

/* Reads an object key and its colon; false at the end of the object. */
static bool next_key(cursor *c, text_span *key)
{
    skip_blanks(c);
    if (c->p >= c->end || *c->p != '"')
        return false;
    skip_string(c, key);
    return take(c, ':');
}

static bool span_is(const text_span *s, const char *lit)
{
    return s->n == strlen(lit) && memcmp(s->p, lit, s->n) == 0;
}

/* Records the number texts of startTime and endTime of the chapter object at the cursor. */
static void locate_times(cursor *c, chapter_src *src)
{
    text_span key;
    c->p++;
    while (next_key(c, &key)) {
        skip_blanks(c);
        text_span *num = span_is(&key, "startTime") ? &src->start
                         : span_is(&key, "endTime") ? &src->end : NULL;
        const char *v = c->p;
        skip_value(c);
        if (num != NULL)
            *num = (text_span){v, (size_t)(c->p - v)};
        if (!take(c, ','))
            break;
    }
    take(c, '}');
}

/* Records where each element of the chapters array at the cursor starts. */
static void locate_chapters(cursor *c, chapter_src *src, size_t n_src)
{
    c->p++;
    for (size_t i = 0;; i++) {
        skip_blanks(c);
        if (c->p >= c->end || *c->p == ']')
            return;
        if (i < n_src)
            src[i].at = c->p;
        if (i < n_src && *c->p == '{')
            locate_times(c, &src[i]);
        else
            skip_value(c);
        if (!take(c, ','))
            return;
    }
}

/* Fills SRC (N_SRC chapters) from the text [DATA, DATA + LEN). */
static void locate(const char *data, size_t len, chapter_src *src, size_t n_src)
{
    cursor c = {data, data + len};
    text_span key;
    if (!take(&c, '{'))
        return;
    while (next_key(&c, &key)) {
        skip_blanks(&c);
        if (span_is(&key, "chapters") && c.p < c.end && *c.p == '[') {
            locate_chapters(&c, src, n_src);
            return;
        }
        skip_value(&c);
        if (!take(&c, ','))
            return;
    }
}

/* Turns the AT pointers of SRC (ascending) into lines and columns, counted as jansson counts
   them: columns in characters, from 1. */
static void set_lines(const char *data, chapter_src *src, size_t n_src)
{
    const char *p = data;
    unsigned line = 1, column = 1;
    for (size_t i = 0; i < n_src; i++) {
        if (src[i].at == NULL)
            continue;
        for (; p < src[i].at; p++) {
            if (*p == '\n') {
                line++;
                column = 1;
            } else if (((unsigned char)*p & 0xC0) != 0x80) {
                column++;
            }
        }
        src[i].line = line;
        src[i].column = column;
    }
}

/* ---- parse ------------------------------------------------------------------------------ */

typedef enum { SECONDS_OK, SECONDS_NOT_NUMBER, SECONDS_NEGATIVE, SECONDS_LARGE } seconds_verdict;

/* What is wrong with a time, after "startTime of chapter N ". */
static const char *const seconds_problems[] = {
    [SECONDS_NOT_NUMBER] = "is not a number",
    [SECONDS_NEGATIVE] = "is negative",
    [SECONDS_LARGE] = "is past 100000 hours",
};

/* Converts the number V of seconds, written as TEXT (p NULL: unknown), into *MS. */
static seconds_verdict read_seconds(const json_t *v, const text_span *text, uint64_t *ms)
{
    if (!json_is_number(v))
        return SECONDS_NOT_NUMBER;
    /* the number as written converts exactly, rounding half up: "0.0005" is 1 ms */
    if (text->p != NULL && ct_seconds_parse(text->p, text->n, ".", ms))
        return *ms > CT_TIME_MAX_MS ? SECONDS_LARGE : SECONDS_OK;
    double x = json_number_value(v);
    if (x < 0)
        return SECONDS_NEGATIVE;
    if (!(x <= (double)(CT_TIME_MAX_MS / 1000)))
        return SECONDS_LARGE;
    /* Only an exponent ("1.5e2") or a key spelled with escapes gets here. x * 1000 is then
       within a few ulps of the decimal written; growing it by one part in 10^12, far above
       that error and far below a millisecond, makes a written half (0.0005) round up as the
       decimal path does. The cast truncates a non-negative value: + 0.5 rounds half up. */
    *ms = (uint64_t)(x * 1000.0 * (1.0 + 1e-12) + 0.5);
    return SECONDS_OK;
}

/* Reads time KEY of chapter INDEX (object OBJ) into *MS; absent leaves *MS alone. */
static chaptag_status read_time(const json_t *obj, const char *key, const text_span *text,
                                size_t index, const chapter_src *src, uint64_t *ms,
                                chaptag_error *err)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL)
        return CHAPTAG_OK;
    seconds_verdict sv = read_seconds(v, text, ms);
    if (sv != SECONDS_OK)
        return ct_fail_at(err, CHAPTAG_ERR_INPUT, src->line, src->column, "%s of chapter %zu %s",
                          key, index + 1, seconds_problems[sv]);
    return CHAPTAG_OK;
}

/* Fills the string fields of CH from OBJ; the title is cleaned into TITLE. */
static chaptag_status read_strings(const json_t *obj, size_t index, const chapter_src *src,
                                   chaptag_chapter *ch, ct_buf *title, chaptag_error *err)
{
    for (size_t k = 0; k < COUNT(chapter_strings); k++) {
        const json_t *v = json_object_get(obj, chapter_strings[k].key);
        if (v == NULL)
            continue;
        if (!json_is_string(v))
            return ct_fail_at(err, CHAPTAG_ERR_INPUT, src->line, src->column,
                              "%s of chapter %zu is not a string", chapter_strings[k].key,
                              index + 1);
        const char *s = json_string_value(v);
        *(const char **)((char *)ch + chapter_strings[k].offset) = s[0] != '\0' ? s : NULL;
    }
    /* a title is one line, as in every other format */
    title->len = 0;
    if (ch->title != NULL)
        ct_title_clean(ch->title, strlen(ch->title), title);
    ct_buf_put_u8(title, 0);
    if (!ct_buf_ok(title))
        return ct_fail_nomem(err);
    ch->title = (const char *)title->data;
    return CHAPTAG_OK;
}

/* Keeps the location of chapter INDEX (object OBJ) as compact JSON text in LOC, pointed to
   by *OUT; absent leaves *OUT NULL. The whole object is kept (osm and any other key), so that
   it survives json -> json. */
static chaptag_status read_location(const json_t *obj, size_t index, const chapter_src *src,
                                    ct_buf *loc, const char **out, chaptag_error *err)
{
    const json_t *v = json_object_get(obj, "location");
    if (v == NULL)
        return CHAPTAG_OK;
    if (!location_ok(v))
        return ct_fail_at(err, CHAPTAG_ERR_INPUT, src->line, src->column,
                          "location of chapter %zu is not an object with a name and a geo string",
                          index + 1);
    loc->len = 0;
    if (json_dump_callback(v, append_to_buf, loc, JSON_COMPACT) != 0)
        return ct_fail_nomem(err);
    ct_buf_put_u8(loc, 0);
    if (!ct_buf_ok(loc))
        return ct_fail_nomem(err);
    *out = (const char *)loc->data;
    return CHAPTAG_OK;
}

/* Adds chapter INDEX, the value OBJ, to LIST; TITLE and LOC are scratch space. */
static chaptag_status read_chapter(const json_t *obj, size_t index, const chapter_src *src,
                                   ct_buf *title, ct_buf *loc, chaptag_chapters *list,
                                   chaptag_error *err)
{
    chaptag_chapter ch = {0};
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.line = src->line;
    if (!json_is_object(obj))
        return ct_fail_at(err, CHAPTAG_ERR_INPUT, src->line, src->column,
                          "chapter %zu is not an object", index + 1);
    if (json_object_get(obj, "startTime") == NULL)
        return ct_fail_at(err, CHAPTAG_ERR_INPUT, src->line, src->column,
                          "chapter %zu has no startTime", index + 1);
    chaptag_status st = read_time(obj, "startTime", &src->start, index, src, &ch.start_ms, err);
    if (st == CHAPTAG_OK)
        st = read_time(obj, "endTime", &src->end, index, src, &ch.end_ms, err);
    if (st == CHAPTAG_OK)
        st = read_strings(obj, index, src, &ch, title, err);
    if (st != CHAPTAG_OK)
        return st;
    const json_t *toc = json_object_get(obj, "toc");
    if (toc != NULL && !json_is_boolean(toc))
        return ct_fail_at(err, CHAPTAG_ERR_INPUT, src->line, src->column,
                          "toc of chapter %zu is not true or false", index + 1);
    ch.hidden = json_is_false(toc); /* "toc": false is a silent chapter, left out of the TOC */
    st = read_location(obj, index, src, loc, &ch.location, err);
    return st == CHAPTAG_OK ? chaptag_chapters_add(list, &ch, err) : st;
}

/* Keeps the episode-wide strings of ROOT as metadata of LIST. */
static chaptag_status read_meta(const json_t *root, chaptag_chapters *list, chaptag_error *err)
{
    const json_t *version = json_object_get(root, "version");
    if (!json_is_string(version))
        ct_warn(ct_chapters_warnings(list), 0, "no \"version\" string (1.2.0 assumed)");
    for (size_t k = 0; k < COUNT(meta_keys); k++) {
        const json_t *v = json_object_get(root, meta_keys[k]);
        if (v != NULL && !json_is_string(v))
            ct_warn(ct_chapters_warnings(list), 0, "\"%s\" is not a string and was ignored",
                    meta_keys[k]);
        if (!json_is_string(v))
            continue;
        chaptag_status st = chaptag_chapters_set_meta(list, meta_keys[k], json_string_value(v),
                                                      err);
        if (st != CHAPTAG_OK)
            return st;
    }
    return CHAPTAG_OK;
}

static chaptag_status load_error(const json_error_t *jerr, chaptag_error *err)
{
    if (json_error_code(jerr) == json_error_out_of_memory)
        return ct_fail_nomem(err);
    return ct_fail_at(err, CHAPTAG_ERR_INPUT, jerr->line > 0 ? (unsigned)jerr->line : 0,
                      jerr->column > 0 ? (unsigned)jerr->column : 0, "not valid JSON: %s",
                      jerr->text);
}

/* Adds every chapter of the array CHAPTERS to LIST. */
static chaptag_status read_chapters(const char *data, size_t len, const json_t *chapters,
                                    chaptag_chapters *list, chaptag_error *err)
{
    /* the list refuses the 10,001st chapter: no need to place those after it */
    size_t n = json_array_size(chapters);
    n = n > CT_CHAPTERS_MAX ? CT_CHAPTERS_MAX + 1 : n;
    chapter_src *src = ct_calloc(n, sizeof *src);
    ct_buf title = CT_BUF_INIT, loc = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    if (src == NULL)
        return ct_fail_nomem(err);
    locate(data, len, src, n);
    set_lines(data, src, n);
    for (size_t i = 0; st == CHAPTAG_OK && i < n; i++)
        st = read_chapter(json_array_get(chapters, i), i, &src[i], &title, &loc, list, err);
    ct_buf_free(&title);
    ct_buf_free(&loc);
    free(src);
    return st;
}

static chaptag_status json_parse(const char *data, size_t len, chaptag_chapters *list,
                                 chaptag_error *err)
{
    json_error_t jerr;
    /* duplicate keys rejected: which "startTime" a reader takes would be a guess */
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return load_error(&jerr, err);
    chaptag_status st;
    const json_t *chapters = json_object_get(root, "chapters");
    if (!json_is_object(root))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 1, "the top level is not an object");
    else if (!json_is_array(chapters))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, chapters == NULL ? "no \"chapters\" array"
                                                                 : "\"chapters\" is not an array");
    else
        st = read_meta(root, list, err);
    if (st == CHAPTAG_OK)
        st = read_chapters(data, len, chapters, list, err);
    json_decref(root);
    return st;
}

/* Sure for an object that mentions "chapters", maybe for any other object. */
static int json_detect(const char *data, size_t len)
{
    static const char key[] = "\"chapters\"";
    size_t i = 0;
    while (i < len && is_blank(data[i]))
        i++;
    if (i == len || data[i] != '{')
        return CT_DETECT_NO;
    bool chapters = false;
    for (; !chapters && len - i >= sizeof key - 1; i++)
        chapters = memcmp(data + i, key, sizeof key - 1) == 0;
    /* ffprobe's -show_chapters output has "chapters" too, with time_base and start_time where
       Podcasting 2.0 has startTime: that is ffprobe's to read */
    if (chapters && ct_contains(data, len, "\"time_base\"") &&
        !ct_contains(data, len, "\"startTime\""))
        return CT_DETECT_MAYBE;
    return chapters ? CT_DETECT_SURE : CT_DETECT_MAYBE;
}

/* ---- format ----------------------------------------------------------------------------- */

/* Seconds as JSON: an integer when whole, else a real that prints with at most 3 decimals
   (JSON_REAL_PRECISION(15) keeps 0.001 from printing as 0.0010000000000000000). */
static json_t *seconds_json(uint64_t ms)
{
    if (ms % 1000 == 0)
        return json_integer((json_int_t)(ms / 1000));
    return json_real((double)ms / 1000.0);
}

/* Sets KEY of OBJ to V (taken over, may be NULL); false when that fails. */
static bool put(json_t *obj, const char *key, json_t *v)
{
    return json_object_set_new(obj, key, v) == 0;
}

/* Sets KEY of OBJ to the string S when it is not NULL or empty. INDEX (1-based; 0 for the
   episode) names the chapter in an error. */
static chaptag_status put_string(json_t *obj, const char *key, const char *s, size_t index,
                                 chaptag_error *err)
{
    if (s == NULL || s[0] == '\0')
        return CHAPTAG_OK;
    /* jansson refuses invalid UTF-8, and a JSON file must not hold it */
    if (!ct_utf8_valid(s, strlen(s)))
        return index > 0 ? ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                                   "the %s of chapter %zu is not valid UTF-8", key, index)
                         : ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the %s is not valid UTF-8", key);
    return put(obj, key, json_string(s)) ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Sets "location" of OBJ to the object the JSON text LOC holds. INDEX (1-based) names the
   chapter in an error. */
static chaptag_status put_location(json_t *obj, const char *loc, size_t index, chaptag_error *err)
{
    json_t *v = json_loads(loc, JSON_REJECT_DUPLICATES, NULL);
    if (v == NULL || !location_ok(v)) {
        json_decref(v);
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                       "the location of chapter %zu is not a JSON object with a name and a geo "
                       "string", index);
    }
    return put(obj, "location", v) ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* The JSON object of chapter I of LIST into *OUT. */
static chaptag_status chapter_json(const chaptag_chapters *list, size_t i, uint64_t duration_ms,
                                   json_t **out, chaptag_error *err)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    uint64_t end_ms = chaptag_chapters_end(list, i, duration_ms);
    if (ch->start_ms > CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "chapter %zu starts past %u hours",
                       i + 1, CT_TIME_MAX_HOURS);
    json_t *obj = json_object();
    bool ok = obj != NULL && put(obj, "startTime", seconds_json(ch->start_ms));
    /* an end at or before the start (a duration shorter than the list) would not read back */
    if (ok && end_ms != CHAPTAG_TIME_NONE && end_ms > ch->start_ms && end_ms <= CT_TIME_MAX_MS)
        ok = put(obj, "endTime", seconds_json(end_ms));
    chaptag_status st = ok ? CHAPTAG_OK : ct_fail_nomem(err);
    if (st == CHAPTAG_OK)
        st = put_string(obj, "title", ch->title, i + 1, err);
    if (st == CHAPTAG_OK)
        st = put_string(obj, "img", ch->image, i + 1, err);
    if (st == CHAPTAG_OK)
        st = put_string(obj, "url", ch->url, i + 1, err);
    if (st == CHAPTAG_OK && ch->hidden && !put(obj, "toc", json_false()))
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK && ch->location != NULL)
        st = put_location(obj, ch->location, i + 1, err);
    if (st != CHAPTAG_OK) {
        json_decref(obj);
        return st;
    }
    *out = obj;
    return CHAPTAG_OK;
}

/* What an audio file's standard tags add (dump): its artist as the author when the list has
   none, its album and year, and the audio duration in seconds, as keys beside the chapters
   (Podcasting 2.0 readers skip keys they do not know). */
static chaptag_status put_file_tags(json_t *root, const chaptag_chapters *list,
                                    uint64_t duration_ms, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    if (chaptag_chapters_meta(list, "author") == NULL)
        st = put_string(root, "author", chaptag_chapters_meta(list, "artist"), 0, err);
    if (st == CHAPTAG_OK)
        st = put_string(root, "album", chaptag_chapters_meta(list, "album"), 0, err);
    if (st == CHAPTAG_OK)
        st = put_string(root, "year", chaptag_chapters_meta(list, "year"), 0, err);
    if (st == CHAPTAG_OK && duration_ms != CHAPTAG_TIME_NONE && duration_ms > 0 &&
        !put(root, "duration", seconds_json(duration_ms)))
        st = ct_fail_nomem(err);
    return st;
}

/* The top-level object: version, the episode-wide metadata, then the chapters. */
static chaptag_status document_json(const chaptag_chapters *list, uint64_t duration_ms,
                                    json_t **out, chaptag_error *err)
{
    json_t *root = json_object(), *chapters = json_array();
    chaptag_status st = root != NULL && chapters != NULL && put(root, "version",
                                                                json_string("1.2.0"))
                            ? CHAPTAG_OK
                            : ct_fail_nomem(err);
    for (size_t k = 0; st == CHAPTAG_OK && k < COUNT(meta_keys); k++)
        st = put_string(root, meta_keys[k], chaptag_chapters_meta(list, meta_keys[k]), 0, err);
    if (st == CHAPTAG_OK)
        st = put_file_tags(root, list, duration_ms, err);
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        json_t *obj = NULL;
        st = chapter_json(list, i, duration_ms, &obj, err);
        if (st == CHAPTAG_OK && json_array_append_new(chapters, obj) != 0)
            st = ct_fail_nomem(err);
    }
    if (st == CHAPTAG_OK) {
        /* json_object_set_new() takes CHAPTERS over, even when it fails */
        st = put(root, "chapters", chapters) ? CHAPTAG_OK : ct_fail_nomem(err);
        chapters = NULL;
    }
    json_decref(chapters);
    if (st != CHAPTAG_OK) {
        json_decref(root);
        return st;
    }
    *out = root;
    return CHAPTAG_OK;
}

static chaptag_status json_format(const chaptag_chapters *list, uint64_t duration_ms, ct_buf *out,
                                  ct_warnings *warnings, chaptag_error *err)
{
    (void)warnings; /* JSON holds every field of the model but picture bytes */
    json_t *root;
    chaptag_status st = document_json(list, duration_ms, &root, err);
    if (st != CHAPTAG_OK)
        return st;
    /* straight into OUT: json_dumps() would allocate the text outside ct_malloc() */
    if (json_dump_callback(root, append_to_buf, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) != 0)
        st = ct_fail_nomem(err);
    ct_buf_put_u8(out, '\n');
    json_decref(root);
    return st;
}

const ct_format ct_fmt_json = {"json", ".json",
                               CT_CARRIES_END | CT_CARRIES_URL | CT_CARRIES_IMAGE |
                                   CT_CARRIES_HIDDEN | CT_CARRIES_LOCATION,
                               json_detect, json_parse, json_format};
