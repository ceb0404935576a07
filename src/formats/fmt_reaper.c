/* The `reaper` chapter format: REAPER's Region/Marker Manager export (Export..., a CSV file;
   §12 of the chapter-formats reference): the header "#,Name,Start,End,Length" (newer versions
   add Color), then one row per marker ("M1,Intro,0:00.000,,") or region
   ("R1,Intro,0:00.000,1:30.000,1:30.000"); a region's End is the chapter's end. Names may be
   quoted as in RFC 4180. Times are what the ruler showed: h:mm:ss.mmm, m:ss.mmm or seconds are
   read; a measures.beats position ("5.1.00", the time base of music projects) needs the tempo
   map and is refused with how to export in time, as is an H:M:S:F timecode, whose frame rate
   the file does not give. Written as M rows, or R rows for chapters with a given end, numbered
   per kind as REAPER numbers them, times as m:ss.mmm (h:mm:ss.mmm from an hour on). */
#include "formats.h"

#include <string.h>
#include <strings.h>

#include "text.h"

#define HEADER "#,Name,Start,End,Length"

/* The columns read, in the order of the header. */
enum { COL_ID, COL_NAME, COL_START, COL_END, N_COLS };

#define TIME_UNIT_HINT                                                                         \
    "set the time unit of the Region/Marker Manager (or the ruler) to Minutes:Seconds and "   \
    "export again"

/* ---- parse ------------------------------------------------------------------------------ */

/* Splits the line [S, S + N) at commas outside double quotes into TEXT, each field unquoted
   and NUL-terminated at OFF[i] for the first N_COLS; false when a quote is left open. */
static bool split(const char *s, size_t n, ct_buf *text, size_t off[N_COLS], size_t *n_fields)
{
    const char *p = s, *end = s + n;
    text->len = 0;
    *n_fields = 0;
    for (;;) {
        if (*n_fields < N_COLS)
            off[*n_fields] = text->len;
        if (p < end && *p == '"') {
            for (p++;; p++) {
                if (p == end)
                    return false;
                if (*p == '"' && (end - p < 2 || p[1] != '"')) {
                    p++;
                    break;
                }
                p += *p == '"'; /* a doubled quote is one */
                ct_buf_put_u8(text, (unsigned char)*p);
            }
        }
        while (p < end && *p != ',')
            ct_buf_put_u8(text, (unsigned char)*p++);
        ct_buf_put_u8(text, 0);
        ++*n_fields;
        if (p == end)
            return true;
        p++; /* the comma */
    }
}

/* True for a measures.beats position: digits, a dot, digits, a dot, digits. */
static bool is_measures_beats(const char *s)
{
    const char *p = s, *end = s + strlen(s);
    uint64_t v;
    for (int k = 0; k < 3; k++) {
        if (ct_time_digits(&p, end, &v) == 0)
            return false;
        if (k < 2 && (p == end || *p++ != '.'))
            return false;
    }
    return p == end;
}

/* Reads the time field WHAT ("start") S into *MS, or fails on LINE saying why. */
static chaptag_status read_time(const char *s, const char *what, unsigned line, uint64_t *ms,
                                chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    const char *p = s;
    size_t n = strlen(s);
    ct_lex_trim(&p, &n, CT_LEX_TRIM);
    if (is_measures_beats(p))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "%s \"%s\" is in measures.beats, which needs the project's tempo map: "
                       TIME_UNIT_HINT, what, ct_excerpt(p, n, q));
    if (n == 0 || !ct_time_parse(p, n, ms) || *ms > CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "%s \"%s\" is not a time up to %u hours (h:mm:ss.mmm or seconds): "
                       TIME_UNIT_HINT, what, ct_excerpt(p, n, q), CT_TIME_MAX_HOURS);
    return CHAPTAG_OK;
}

/* Adds the row [S, S + N) to LIST; FIELDS and TITLE are scratch space. */
static chaptag_status read_row(const char *s, size_t n, unsigned line, ct_buf *fields,
                               ct_buf *title, chaptag_chapters *list, chaptag_error *err)
{
    size_t off[N_COLS], n_fields;
    if (!split(s, n, fields, off, &n_fields))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "a quoted name has no closing quote");
    if (!ct_buf_ok(fields))
        return ct_fail_nomem(err);
    if (n_fields < COL_START + 1)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "%zu field%s where #,Name,Start,End,Length are expected", n_fields,
                       n_fields == 1 ? "" : "s");
    const char *f[N_COLS];
    for (size_t k = 0; k < N_COLS; k++)
        f[k] = k < n_fields ? (const char *)fields->data + off[k] : "";
    chaptag_chapter ch = {0};
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.line = line;
    chaptag_status st = read_time(f[COL_START], "start", line, &ch.start_ms, err);
    /* only a region has an end; a marker's End and Length are empty */
    bool region = f[COL_ID][strspn(f[COL_ID], " ")] == 'R';
    if (st == CHAPTAG_OK && region)
        st = read_time(f[COL_END], "end", line, &ch.end_ms, err);
    if (st == CHAPTAG_OK)
        st = ct_field_text(f[COL_NAME], strlen(f[COL_NAME]), line, "name", title, err);
    if (st != CHAPTAG_OK)
        return st;
    if (ch.end_ms == ch.start_ms)
        ch.end_ms = CHAPTAG_TIME_NONE;
    ch.title = (const char *)title->data;
    return chaptag_chapters_add(list, &ch, err);
}

/* True when line S (N bytes) is the header (a Color column or more may follow). */
static bool is_header(const char *s, size_t n)
{
    size_t k = sizeof HEADER - 1;
    return n >= k && strncasecmp(s, HEADER, k) == 0 &&
           (n == k || s[k] == ',' || s[k] == '\r' || s[k] == ' ');
}

static chaptag_status reaper_parse(const char *data, size_t len, chaptag_chapters *list,
                                   chaptag_error *err)
{
    ct_lexer lx = ct_lex_make(data, len, CT_LEX_SKIP_BLANK | CT_LEX_TRIM, NULL);
    ct_buf fields = CT_BUF_INIT, title = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    const char *s;
    size_t n;
    if (!ct_lex_next(&lx, &s, &n) || !is_header(s, n))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, lx.line > 0 ? lx.line : 1,
                     "not a REAPER marker list: the first line is not " HEADER);
    while (st == CHAPTAG_OK && ct_lex_next(&lx, &s, &n))
        st = read_row(s, n, lx.line, &fields, &title, list, err);
    if (st == CHAPTAG_OK && chaptag_chapters_count(list) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no markers or regions");
    ct_buf_free(&fields);
    ct_buf_free(&title);
    return st;
}

/* Sure of a first line that is the header. */
static int reaper_detect(const char *data, size_t len)
{
    ct_lexer lx = ct_lex_make(data, len, CT_LEX_SKIP_BLANK | CT_LEX_TRIM, NULL);
    const char *s;
    size_t n;
    return ct_lex_next(&lx, &s, &n) && is_header(s, n) ? CT_DETECT_SURE : CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

/* Appends MS as M:SS.mmm, or H:MM:SS.mmm from an hour on. */
static void put_time(ct_buf *out, uint64_t ms)
{
    char t[CT_TIME_STR_MAX];
    ct_buf_put_str(out, ct_time_str_clock(ms, t));
}

/* Appends the name S (N bytes, one line), quoted when it holds a comma or a quote. */
static void put_name(ct_buf *out, const char *s, size_t n)
{
    bool quote = memchr(s, ',', n) != NULL || memchr(s, '"', n) != NULL;
    if (quote)
        ct_buf_put_u8(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            ct_buf_put_u8(out, '"');
        ct_buf_put_u8(out, (unsigned char)s[i]);
    }
    if (quote)
        ct_buf_put_u8(out, '"');
}

static chaptag_status reaper_format(const chaptag_chapters *list, uint64_t duration_ms,
                                    ct_buf *out, ct_warnings *warnings, chaptag_error *err)
{
    (void)duration_ms; /* a chapter without its own end is a marker */
    (void)warnings;
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    size_t markers = 0, regions = 0;
    ct_buf_put_str(out, HEADER "\n");
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        bool region = ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms > ch->start_ms;
        st = ct_field_out(ch->title, i + 1, "title", &tmp, err);
        if (st != CHAPTAG_OK)
            break;
        ct_buf_printf(out, "%c%zu,", region ? 'R' : 'M', region ? ++regions : ++markers);
        put_name(out, (const char *)tmp.data, tmp.len);
        ct_buf_put_u8(out, ',');
        put_time(out, ch->start_ms);
        ct_buf_put_u8(out, ',');
        if (region) {
            put_time(out, ch->end_ms);
            ct_buf_put_u8(out, ',');
            put_time(out, ch->end_ms - ch->start_ms);
        } else {
            ct_buf_put_u8(out, ',');
        }
        ct_buf_put_u8(out, '\n');
    }
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    return st;
}

const ct_format ct_fmt_reaper = {"reaper",      "",           CT_CARRIES_END,
                                 reaper_detect, reaper_parse, reaper_format};
