/* The `mp4chaps` chapter format: mp4v2's native chapter file (doc/texi/tool/mp4chaps.format.texi,
   util/mp4chaps.cpp, libutil/Timecode.cpp; §2 of the chapter-formats reference): one
   "HH:MM:SS.fff Title" line per chapter, "## key: value" metadata (album-artist, album,
   artist, title, total-duration), # comments. The title starts after the first space or tab.
   A time without a fraction is frames to mp4chaps (HH:MM:SS:FF at the video's rate), which it
   refuses for audio ("chapter file contains frame timestamps"); chaptag has no frame rate
   either, so it refuses such a line too, naming it. Written with .fff always. */
#include "formats.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Lines are trimmed, of NUL bytes too (mp4chaps skips NUL lines); blank ones are skipped. */
#define LINES (CT_LEX_TRIM | CT_LEX_TRIM_NUL | CT_LEX_SKIP_BLANK)

/* "## key: value" metadata kept in the list: mp4chaps' key and the model's. */
static const struct {
    const char *mp4chaps, *model;
} meta_keys[] = {
    {"album-artist", "album-artist"},
    {"artist", "artist"},
    {"album", "album"},
    {"title", "title"},
};

/* The length of "## KEY: " at the start of [S, S + N) when KEY is a known key, else 0; its
   row in meta_keys goes to *ROW (COUNT(meta_keys) for total-duration). */
static size_t meta_prefix(const char *s, size_t n, size_t *row)
{
    static const char total[] = "total-duration";
    for (size_t k = 0; k <= COUNT(meta_keys); k++) {
        const char *key = k < COUNT(meta_keys) ? meta_keys[k].mp4chaps : total;
        size_t kn = strlen(key);
        if (n >= kn + 4 && memcmp(s, "## ", 3) == 0 && memcmp(s + 3, key, kn) == 0 &&
            s[3 + kn] == ':') {
            *row = k;
            return kn + 4;
        }
    }
    return 0;
}

/* True when [S, S + N) is exactly H+:MM:SS.fff, the native time. */
static bool native_time(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    ct_time_fields f;
    uint64_t frac;
    return ct_time_read_fields(&p, end, &f) && f.n == 3 && f.digits[1] == 2 &&
           f.digits[2] == 2 && p < end && *p++ == '.' && ct_time_fraction(&p, end, &frac) == 3 &&
           p == end;
}

/* ---- parse ------------------------------------------------------------------------------ */

/* Reads the time token T (TN bytes) of a chapter line into *MS. */
static chaptag_status read_time(const char *t, size_t tn, unsigned line, uint64_t *ms,
                                chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    ct_excerpt(t, tn, q);
    if (memchr(t, '.', tn) == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "%s has no fraction: mp4chaps reads that as HH:MM:SS:FF frames, which "
                       "audio has no rate for (write %s.000)",
                       q, q);
    if (!ct_time_parse(t, tn, ms))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "%s is not a valid time (write HH:MM:SS.fff)",
                       q);
    if (*ms > CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "%s is past %u hours", q, CT_TIME_MAX_HOURS);
    return CHAPTAG_OK;
}

/* Adds the chapter line S (N bytes, trimmed, starting with a digit) to LIST. */
static chaptag_status read_chapter(const char *s, size_t n, unsigned line, ct_buf *title,
                                   chaptag_chapters *list, chaptag_error *err)
{
    size_t tn = 0;
    while (tn < n && !ct_lex_is_blank(s[tn]))
        tn++;
    chaptag_chapter ch = {0};
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.line = line;
    chaptag_status st = read_time(s, tn, line, &ch.start_ms, err);
    if (st == CHAPTAG_OK)
        st = ct_field_text(s + tn, n - tn, line, "title", title, err);
    if (st != CHAPTAG_OK)
        return st;
    ch.title = (const char *)title->data;
    return chaptag_chapters_add(list, &ch, err);
}

/* Keeps "## key: value" (S, N bytes) as list metadata when the key is one the model has. */
static chaptag_status read_meta(const char *s, size_t n, unsigned line, ct_buf *value,
                                chaptag_chapters *list, chaptag_error *err)
{
    size_t row, k = meta_prefix(s, n, &row);
    if (k == 0 || row == COUNT(meta_keys)) /* a comment, or the duration of the audio */
        return CHAPTAG_OK;
    chaptag_status st = ct_field_text(s + k, n - k, line, meta_keys[row].mp4chaps, value, err);
    return st == CHAPTAG_OK
               ? chaptag_chapters_set_meta(list, meta_keys[row].model, (char *)value->data, err)
               : st;
}

/* One line, trimmed and not blank. */
static chaptag_status read_line(const char *s, size_t n, unsigned line, ct_buf *tmp,
                                chaptag_chapters *list, chaptag_error *err)
{
    if (s[0] == '#')
        return read_meta(s, n, line, tmp, list, err);
    if (ct_is_digit(s[0]))
        return read_chapter(s, n, line, tmp, list, err);
    char q[CT_EXCERPT_SIZE];
    return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                   "\"%s\" is not a chapter line (HH:MM:SS.fff Title), ## metadata or a comment",
                   ct_excerpt(s, n, q));
}

static chaptag_status mp4chaps_parse(const char *data, size_t len, chaptag_chapters *list,
                                     chaptag_error *err)
{
    ct_lexer lx = ct_lex_make(data, len, LINES, NULL);
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    const char *s;
    size_t n;
    while (st == CHAPTAG_OK && ct_lex_next(&lx, &s, &n))
        st = read_line(s, n, lx.line, &tmp, list, err);
    if (st == CHAPTAG_OK && chaptag_chapters_count(list) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no chapter lines");
    ct_buf_free(&tmp);
    return st;
}

/* Sure with a "## total-duration:" line, or when every chapter line has the native
   HH:MM:SS.fff time; `text` lines may have fractions too, but never all of exactly three
   digits unless every chapter starts off the second. A line without a fraction is `text`'s. */
static int mp4chaps_detect(const char *data, size_t len)
{
    ct_lexer lx = ct_lex_make(data, len, LINES, NULL);
    size_t chapters = 0, native = 0, row;
    const char *s;
    size_t n;
    while (ct_lex_next(&lx, &s, &n)) {
        if (s[0] == '#' && meta_prefix(s, n, &row) > 0 && row == COUNT(meta_keys))
            return CT_DETECT_SURE;
        if (s[0] == '#')
            continue;
        size_t tn = 0;
        while (tn < n && !ct_lex_is_blank(s[tn]))
            tn++;
        chapters++;
        native += native_time(s, tn);
    }
    return chapters > 0 && native == chapters ? CT_DETECT_SURE : CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

static chaptag_status mp4chaps_format(const chaptag_chapters *list, uint64_t duration_ms,
                                      ct_buf *out, ct_warnings *warnings, chaptag_error *err)
{
    (void)warnings;
    char t[CT_TIME_STR_MAX];
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    for (size_t k = 0; st == CHAPTAG_OK && k < COUNT(meta_keys); k++) {
        const char *v = chaptag_chapters_meta(list, meta_keys[k].model);
        if (v == NULL || v[0] == '\0')
            continue;
        st = ct_field_out(v, 0, meta_keys[k].mp4chaps, &tmp, err);
        if (st == CHAPTAG_OK)
            ct_buf_printf(out, "## %s: %s\n", meta_keys[k].mp4chaps, (const char *)tmp.data);
    }
    if (duration_ms != CHAPTAG_TIME_NONE)
        ct_buf_printf(out, "## total-duration: %s\n", ct_time_str_ms(duration_ms, t));
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        st = ct_field_out(ch->title, i + 1, "title", &tmp, err);
        ct_buf_put_str(out, ct_time_str_ms(ch->start_ms, t));
        if (st == CHAPTAG_OK && tmp.len > 0)
            ct_buf_printf(out, " %s", (const char *)tmp.data);
        ct_buf_put_u8(out, '\n');
    }
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    return st;
}

const ct_format ct_fmt_mp4chaps = {"mp4chaps",      ".chapters.txt", 0,
                                   mp4chaps_detect, mp4chaps_parse,  mp4chaps_format};
