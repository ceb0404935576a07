/* The `audition` chapter format: Adobe Audition's marker list (Markers panel, Export Markers;
   §12 of the chapter-formats reference), tab-separated although saved as .csv, under the header
   "Name<TAB>Start<TAB>Duration<TAB>Time Format<TAB>Type<TAB>Description". Times follow the row's
   Time Format: "decimal" is M:SS.mmm or H:MM:SS.mmm (any number of decimals); "<rate> Hz" is a
   sample count at that rate and "<n> fps" H:MM:SS:FF frames at a whole frame rate, both
   converted exactly; any other (29.97 fps, bars and beats) is refused with how to export in
   decimal. A Duration over 0 ends the chapter at Start + Duration; Type and Description are not
   kept. Written in decimal with Type Cue and an empty Description, a Duration only for a
   chapter's given end, as the exports of the public readers (DrSkunk/audition-chapter-tagger,
   changelog.com MarkerKit) show it. */
#include "formats.h"

#include <string.h>
#include <strings.h>

#include "text.h"

#define HEADER "Name\tStart\tDuration\tTime Format\tType\tDescription"

/* The columns of a marker row. */
enum { COL_NAME, COL_START, COL_DURATION, COL_FORMAT, N_COLS };

/* A sample rate or a frame rate past this is no Audition setting. */
#define RATE_MAX 10000000u

/* ---- parse ------------------------------------------------------------------------------ */

/* The field of [*P, END) up to the next tab (or the end); *P moves past the tab. */
static void next_field(const char **p, const char *end, const char **s, size_t *n)
{
    const char *tab = memchr(*p, '\t', (size_t)(end - *p));
    *s = *p;
    *n = (size_t)((tab != NULL ? tab : end) - *p);
    *p = tab != NULL ? tab + 1 : end;
}

/* How a row's times are written, from its Time Format field. */
typedef enum { TIME_DECIMAL, TIME_SAMPLES, TIME_FRAMES, TIME_UNKNOWN } time_kind;

/* Reads the Time Format S (N bytes) into *KIND and, for samples and frames, *RATE. */
static time_kind read_time_format(const char *s, size_t n, uint64_t *rate)
{
    const char *p = s, *end = s + n;
    ct_lex_trim(&p, &n, CT_LEX_TRIM);
    end = p + n;
    if (n == 7 && strncasecmp(p, "decimal", 7) == 0)
        return TIME_DECIMAL;
    if (ct_time_digits(&p, end, rate) == 0 || *rate == 0 || *rate > RATE_MAX)
        return TIME_UNKNOWN;
    while (p < end && *p == ' ')
        p++;
    if (end - p == 2 && strncasecmp(p, "Hz", 2) == 0)
        return TIME_SAMPLES;
    if (end - p == 3 && strncasecmp(p, "fps", 3) == 0)
        return TIME_FRAMES;
    return TIME_UNKNOWN;
}

/* Reads H:MM:SS:FF (hours optional) at FPS frames a second into *MS, rounded half up. */
static bool read_frames(const char *s, size_t n, uint64_t fps, uint64_t *ms)
{
    const char *p = s, *end = s + n;
    uint64_t v[4];
    size_t k = 0;
    for (;; p++) {
        if (k == 4 || ct_time_digits(&p, end, &v[k]) == 0 || v[k] > CT_TIME_MAX_MS)
            return false;
        k++;
        if (p == end || *p != ':')
            break;
    }
    if (p != end || k < 2 || v[k - 1] >= fps)
        return false;
    uint64_t seconds = 0;
    for (size_t i = 0; i + 1 < k; i++) {
        if (i > 0 && v[i] > 59)
            return false;
        seconds = seconds * 60 + v[i];
        if (seconds > CT_TIME_MAX_MS / 1000)
            return false;
    }
    *ms = seconds * 1000 + (v[k - 1] * 1000 + fps / 2) / fps;
    return true;
}

/* Reads the time S (N bytes) written as KIND at RATE into *MS; false when it is not one. */
static bool read_time(const char *s, size_t n, time_kind kind, uint64_t rate, uint64_t *ms)
{
    const char *p = s, *end;
    uint64_t samples;
    ct_lex_trim(&p, &n, CT_LEX_TRIM);
    end = p + n;
    bool ok;
    if (kind == TIME_DECIMAL) {
        ok = n > 0 && ct_time_parse(p, n, ms);
    } else if (kind == TIME_SAMPLES) {
        ok = ct_time_digits(&p, end, &samples) > 0 && p == end &&
             samples / rate <= CT_TIME_MAX_MS / 1000;
        if (ok)
            *ms = samples / rate * 1000 + (samples % rate * 1000 + rate / 2) / rate;
    } else {
        ok = n > 0 && read_frames(p, n, rate, ms);
    }
    return ok && *ms <= CT_TIME_MAX_MS;
}

/* Adds the marker row [S, S + N) to LIST; TITLE is scratch space. */
static chaptag_status read_marker(const char *s, size_t n, unsigned line, ct_buf *title,
                                  chaptag_chapters *list, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    const char *f[N_COLS], *p = s, *end = s + n;
    size_t fn[N_COLS];
    for (size_t k = 0; k < N_COLS; k++)
        next_field(&p, end, &f[k], &fn[k]);
    uint64_t rate = 0, start, duration = 0;
    time_kind kind = fn[COL_FORMAT] == 0 ? TIME_DECIMAL : read_time_format(f[COL_FORMAT],
                                                                           fn[COL_FORMAT], &rate);
    if (kind == TIME_UNKNOWN)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "time format \"%s\" is not one chaptag converts: set Audition's time "
                       "display to Decimal (View > Time Display) and export the markers again",
                       ct_excerpt(f[COL_FORMAT], fn[COL_FORMAT], q));
    if (!read_time(f[COL_START], fn[COL_START], kind, rate, &start))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "start \"%s\" is not a time in the row's format up to %u hours",
                       ct_excerpt(f[COL_START], fn[COL_START], q), CT_TIME_MAX_HOURS);
    if (fn[COL_DURATION] > 0 && !read_time(f[COL_DURATION], fn[COL_DURATION], kind, rate,
                                           &duration))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "duration \"%s\" is not a time in the row's format up to %u hours",
                       ct_excerpt(f[COL_DURATION], fn[COL_DURATION], q), CT_TIME_MAX_HOURS);
    chaptag_status st = ct_field_text(f[COL_NAME], fn[COL_NAME], line, "name", title, err);
    if (st != CHAPTAG_OK)
        return st;
    chaptag_chapter ch = {0};
    ch.start_ms = start;
    ch.end_ms = duration > 0 ? start + duration : CHAPTAG_TIME_NONE; /* a range marker */
    ch.title = (const char *)title->data;
    ch.line = line;
    return chaptag_chapters_add(list, &ch, err);
}

/* True when line S (N bytes) is the header, with or without trailing blanks. */
static bool is_header(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n == sizeof HEADER - 1 && memcmp(s, HEADER, n) == 0;
}

static chaptag_status audition_parse(const char *data, size_t len, chaptag_chapters *list,
                                     chaptag_error *err)
{
    ct_lexer lx = ct_lex_make(data, len, CT_LEX_SKIP_BLANK, NULL);
    ct_buf title = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    const char *s;
    size_t n;
    if (!ct_lex_next(&lx, &s, &n) || !is_header(s, n))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, lx.line > 0 ? lx.line : 1,
                     "not an Audition marker list: the first line is not the header "
                     "Name, Start, Duration, Time Format, Type, Description (tab-separated)");
    while (st == CHAPTAG_OK && ct_lex_next(&lx, &s, &n)) {
        while (n > 0 && s[n - 1] == '\r')
            n--;
        st = read_marker(s, n, lx.line, &title, list, err);
    }
    if (st == CHAPTAG_OK && chaptag_chapters_count(list) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no markers");
    ct_buf_free(&title);
    return st;
}

/* Sure of a first line that is the header. */
static int audition_detect(const char *data, size_t len)
{
    ct_lexer lx = ct_lex_make(data, len, CT_LEX_SKIP_BLANK, NULL);
    const char *s;
    size_t n;
    return ct_lex_next(&lx, &s, &n) && is_header(s, n) ? CT_DETECT_SURE : CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

/* Appends MS as M:SS.mmm, or H:MM:SS.mmm from an hour on. */
static void put_decimal(ct_buf *out, uint64_t ms)
{
    char t[CT_TIME_STR_MAX];
    ct_buf_put_str(out, ct_time_str_clock(ms, t));
}

static chaptag_status audition_format(const chaptag_chapters *list, uint64_t duration_ms,
                                      ct_buf *out, ct_warnings *warnings, chaptag_error *err)
{
    (void)duration_ms; /* a chapter without its own end is a point marker */
    (void)warnings;
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    ct_buf_put_str(out, HEADER "\n");
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        bool range = ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms > ch->start_ms;
        st = ct_field_out(ch->title, i + 1, "title", &tmp, err);
        if (st != CHAPTAG_OK)
            break;
        ct_buf_put(out, tmp.data, tmp.len);
        ct_buf_put_u8(out, '\t');
        put_decimal(out, ch->start_ms);
        ct_buf_put_u8(out, '\t');
        put_decimal(out, range ? ch->end_ms - ch->start_ms : 0);
        ct_buf_put_str(out, "\tdecimal\tCue\t\n");
    }
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    return st;
}

const ct_format ct_fmt_audition = {"audition",      "",           CT_CARRIES_END,
                                   audition_detect, audition_parse, audition_format};
